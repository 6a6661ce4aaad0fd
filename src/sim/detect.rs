//! Telemetry and detection: stages write records into data sources, enabled rules
//! alert on them with their fidelity, and noise raises benign alerts at each rule's
//! rate. Also the defenders' side of the environment: containment state, live rule
//! settings, and the partner teams and deployments that change them after a delay.

use bevy::prelude::*;

use super::{AlertDue, BenignDue, Ctx, PartnerDone, RuleDeploy, SimEvent};
use crate::journal::{Entry, Measure};
use crate::scenario::attack::covers;
use crate::scenario::{IntrusionIdx, Partner, Role, Scenario, SourceKind, StageIdx};
use crate::soc::action::RuleChange;
use crate::soc::ledger::{Alert, Record};

/// A rule as currently deployed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveRule {
    /// Deployed.
    pub enabled: bool,
    /// Current fidelity.
    pub fidelity: f64,
    /// Current benign rate per hour.
    pub benign_per_hour: f64,
    /// Bumped whenever the noise process is re-armed, so stale arrivals are dropped.
    pub generation: u16,
}

/// The defenders' side of the environment.
#[derive(Resource, Debug, Clone, Default)]
pub struct Defense {
    /// Per host: cut off the network.
    pub isolated: Vec<bool>,
    /// Per host: persistence removed since the last foothold.
    pub eradicated: Vec<bool>,
    /// Per account: disabled.
    pub disabled: Vec<bool>,
    /// Per account: credentials reset since the last compromise.
    pub reset: Vec<bool>,
    /// Per observable: blocked.
    pub blocked: Vec<bool>,
    /// Per rule: live settings.
    pub rules: Vec<LiveRule>,
    /// Measures requested from partner teams, by request number.
    pub requests: Vec<Measure>,
    /// Rule changes awaiting deployment, by change number.
    pub changes: Vec<(usize, RuleChange)>,
}

impl Defense {
    /// The environment at T+0.
    pub fn new(scenario: &Scenario) -> Defense {
        Defense {
            isolated: vec![false; scenario.hosts.len()],
            eradicated: vec![false; scenario.hosts.len()],
            disabled: vec![false; scenario.accounts.len()],
            reset: vec![false; scenario.accounts.len()],
            blocked: vec![false; scenario.observables.len()],
            rules: scenario
                .rules
                .iter()
                .map(|r| LiveRule {
                    enabled: r.enabled,
                    fidelity: r.fidelity,
                    benign_per_hour: r.benign_per_hour,
                    generation: 0,
                })
                .collect(),
            requests: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// Whether stolen credentials for the account still work.
    pub fn account_usable(&self, account: usize) -> bool {
        !self.disabled[account] && !self.reset[account]
    }

    /// The partner team that carries out a measure.
    pub fn partner(measure: Measure) -> Partner {
        match measure {
            Measure::Isolate(_) | Measure::Eradicate(_) | Measure::Recover(_) => Partner::Endpoint,
            Measure::DisableAccount(_) | Measure::ResetCredentials(_) => Partner::Identity,
            Measure::Block(_) => Partner::Network,
        }
    }
}

/// Benign alerts per hour a rule raises now: its own rate plus its share of the
/// noise of its data source.
fn benign_rate(scenario: &Scenario, defense: &Defense, rule: usize) -> f64 {
    let live = defense.rules[rule];
    if !live.enabled {
        return 0.0;
    }
    let source = scenario.rules[rule].source;
    // A source's own noise is shared by every rule that reads it, deployed or not: a
    // withdrawn rule's share goes quiet instead of moving to its neighbours.
    let peers = scenario
        .rules
        .iter()
        .filter(|r| r.source == source)
        .count()
        .max(1) as f64;
    let extra: f64 = scenario
        .noise
        .iter()
        .filter(|n| n.source == source)
        .map(|n| n.alerts_per_hour)
        .sum();
    live.benign_per_hour + extra / peers
}

/// (Re)starts the benign-alert process of a rule at its current rate.
pub fn arm_noise(ctx: &mut Ctx, rule: usize) {
    let rate = benign_rate(&ctx.scenario.0, &ctx.defense, rule);
    let live = &mut ctx.defense.rules[rule];
    live.generation = live.generation.wrapping_add(1);
    let generation = live.generation;
    if rate <= 0.0 {
        return;
    }
    let gap = ctx.rngs.noise[rule].exponential(3600.0 / rate).max(1);
    ctx.after(
        gap,
        SimEvent::Benign(BenignDue {
            rule: rule as u16,
            generation,
        }),
    );
}

/// Writes a fired stage's telemetry and lets matching rules alert on it.
pub fn write_stage_telemetry(ctx: &mut Ctx, intrusion: IntrusionIdx, stage: StageIdx) {
    let scenario = ctx.scenario.0.clone();
    let st = &scenario.intrusions[intrusion].stages[stage];
    let tenant = scenario.intrusions[intrusion].tenant;
    for spec in &st.telemetry {
        let record = ctx.ledger.add_record(Record {
            id: 0,
            at: ctx.clock.now,
            source: spec.source,
            tenant,
            host: spec.host,
            account: spec.account,
            observables: st.observables.clone(),
            stage: Some((intrusion, stage)),
        });
        ctx.log(Entry::Telemetry {
            record,
            source: spec.source,
            host: spec.host,
            account: spec.account,
            stage: Some((intrusion, stage)),
        });
        for (ri, rule) in scenario.rules.iter().enumerate() {
            let live = ctx.defense.rules[ri];
            if !live.enabled
                || rule.source != spec.source
                || !rule.techniques.iter().any(|t| covers(t, &st.technique))
            {
                continue;
            }
            if !ctx.rngs.detect[ri].chance(live.fidelity) {
                continue;
            }
            let alert = ctx.ledger.add_alert(Alert {
                rule: ri,
                severity: rule.severity,
                tenant,
                host: spec.host,
                account: spec.account,
                observables: st.observables.clone(),
                record: Some(record),
                stage: Some((intrusion, stage)),
                raised_at: ctx.clock.now + rule.latency,
                fidelity: live.fidelity,
                ..Alert::default()
            });
            ctx.after(rule.latency, SimEvent::Alert(AlertDue { alert }));
        }
    }
}

/// A pending alert clears the pipeline and joins the Tier 1 queue.
pub(super) fn raise_alert(ctx: &mut Ctx, due: AlertDue) {
    let a = &ctx.ledger.alerts[due.alert as usize];
    let a_tenant = a.tenant;
    let entry = Entry::AlertRaised {
        alert: a.id,
        rule: a.rule,
        severity: a.severity,
        tenant: a.tenant,
        host: a.host,
        stage: a.stage,
    };
    ctx.log(entry);
    let target = ctx.scenario.0.tenants[a_tenant].sla.pickup_target();
    let ledger = &mut *ctx.ledger;
    ledger
        .queue
        .push(&ledger.alerts[due.alert as usize], target);
    ctx.wake(Role::Tier1);
}

/// A benign alert arrives; the next one is scheduled.
pub(super) fn raise_benign_alert(ctx: &mut Ctx, due: BenignDue) {
    let ri = due.rule as usize;
    if ctx.defense.rules[ri].generation != due.generation || !ctx.defense.rules[ri].enabled {
        return;
    }
    let scenario = ctx.scenario.0.clone();
    let rule = &scenario.rules[ri];
    let (host, account, tenant, observables) =
        benign_subject(&scenario, rule.source, &mut ctx.rngs.noise[ri]);
    let now = ctx.clock.now;
    let record = ctx.ledger.add_record(Record {
        id: 0,
        at: now,
        source: rule.source,
        tenant,
        host,
        account,
        observables: observables.clone(),
        stage: None,
    });
    let alert = ctx.ledger.add_alert(Alert {
        rule: ri,
        severity: rule.severity,
        tenant,
        host,
        account,
        observables,
        record: Some(record),
        raised_at: now,
        fidelity: ctx.defense.rules[ri].fidelity,
        ..Alert::default()
    });
    ctx.log(Entry::AlertRaised {
        alert,
        rule: ri,
        severity: rule.severity,
        tenant,
        host,
        stage: None,
    });
    let target = scenario.tenants[tenant].sla.pickup_target();
    let ledger = &mut *ctx.ledger;
    ledger.queue.push(&ledger.alerts[alert as usize], target);
    ctx.wake(Role::Tier1);
    // Keep the same process going: draw the next arrival.
    let rate = benign_rate(&scenario, &ctx.defense, ri);
    if rate > 0.0 {
        let gap = ctx.rngs.noise[ri].exponential(3600.0 / rate).max(1);
        ctx.after(
            gap,
            SimEvent::Benign(BenignDue {
                rule: due.rule,
                generation: due.generation,
            }),
        );
    }
}

/// Who a benign alert on `source` is about: identity and cloud-audit alerts concern an
/// account, others a host (web-server logs a web server where there is one); the source's
/// look-alike indicators ride along on some of them.
fn benign_subject(
    s: &Scenario,
    source: usize,
    rng: &mut crate::sim::rng::Stream,
) -> (Option<usize>, Option<usize>, usize, Vec<usize>) {
    let kind = s.sources[source].kind;
    let (host, account) = if matches!(kind, SourceKind::Identity | SourceKind::CloudAudit)
        && !s.accounts.is_empty()
    {
        (None, Some(rng.below(s.accounts.len())))
    } else {
        let web = &s.lookup.web_servers;
        let host = if kind == SourceKind::WebServer && !web.is_empty() {
            web[rng.below(web.len())]
        } else {
            rng.below(s.hosts.len())
        };
        let tenant = s.hosts[host].tenant;
        let local = &s.lookup.tenant_accounts[tenant];
        let account = (!local.is_empty() && rng.chance(0.5)).then(|| local[rng.below(local.len())]);
        (Some(host), account)
    };
    let tenant = host.map_or_else(
        || account.map_or(0, |a| s.accounts[a].tenant),
        |h| s.hosts[h].tenant,
    );
    let lookalikes = &s.lookup.source_lookalikes[source];
    let observables = if !lookalikes.is_empty() && rng.chance(0.6) {
        vec![lookalikes[rng.below(lookalikes.len())]]
    } else {
        Vec::new()
    };
    (host, account, tenant, observables)
}

/// A partner team carries out a measure.
pub(super) fn apply_measure(ctx: &mut Ctx, done: PartnerDone) {
    let measure = ctx.defense.requests[done.request as usize];
    match measure {
        Measure::Isolate(h) => ctx.defense.isolated[h] = true,
        Measure::Recover(h) => ctx.defense.isolated[h] = false,
        Measure::DisableAccount(a) => ctx.defense.disabled[a] = true,
        Measure::ResetCredentials(a) => ctx.defense.reset[a] = true,
        Measure::Block(o) => ctx.defense.blocked[o] = true,
        Measure::Eradicate(h) => ctx.defense.eradicated[h] = true,
    }
    ctx.log(Entry::MeasureApplied { measure });
    if let Measure::Eradicate(h) = measure {
        for i in 0..ctx.attack.intrusions.len() {
            if let Some(pos) = ctx.attack.intrusions[i]
                .footholds
                .iter()
                .position(|&x| x == h)
            {
                ctx.attack.intrusions[i].footholds.remove(pos);
                ctx.log(Entry::FootholdRemoved {
                    intrusion: i,
                    host: h,
                });
            }
        }
    }
    if let Measure::ResetCredentials(a) = measure {
        for i in 0..ctx.attack.intrusions.len() {
            ctx.attack.intrusions[i].accounts.retain(|&x| x != a);
        }
    }
    ctx.conclude_if_resolved();
}

/// A detection engineer's rule change deploys.
pub(super) fn deploy_rule(ctx: &mut Ctx, done: RuleDeploy) {
    let (rule, change) = ctx.defense.changes[done.change as usize];
    let live = &mut ctx.defense.rules[rule];
    match change {
        RuleChange::Enable => live.enabled = true,
        RuleChange::Disable => live.enabled = false,
        RuleChange::Tune {
            fidelity,
            benign_per_hour,
        } => {
            if let Some(f) = fidelity {
                live.fidelity = f.clamp(0.0, 1.0);
            }
            if let Some(b) = benign_per_hour {
                live.benign_per_hour = b.clamp(0.0, 3600.0);
            }
        }
    }
    let live = *live;
    ctx.log(Entry::RuleDeployed {
        rule,
        enabled: live.enabled,
        fidelity: live.fidelity,
        benign_per_hour: live.benign_per_hour,
    });
    // Rates of this rule and its source peers changed: restart their noise processes.
    let source = ctx.scenario.0.rules[rule].source;
    for r in 0..ctx.scenario.0.rules.len() {
        if ctx.scenario.0.rules[r].source == source {
            arm_noise(ctx, r);
        }
    }
}
