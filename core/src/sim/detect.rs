//! Telemetry and detection: stages write records into data sources, enabled rules
//! alert on them with their fidelity, and noise raises benign alerts at each rule's
//! rate. Also the partner teams and deployments that change the defenders' side of
//! the environment ([`super::defense`]) after a delay.

use bevy::prelude::*;

use super::{AlertDue, BenignDue, Ctx, PartnerDone, RuleDeploy, SimEvent};
use crate::clock::SimTime;
use crate::content::{self, Cues, LineRef};
use crate::journal::{Entry, Measure};
use crate::scenario::attack::covers;
use crate::scenario::{IntrusionIdx, Role, Scenario, SourceKind, StageIdx};
use crate::soc::action::{AlertId, Evidence, RuleChange};
use crate::soc::ledger::{Alert, Record};

pub use super::defense::{Defense, LiveRule};

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
    let rate = benign_rate(&ctx.scenario.0, ctx.defense, rule);
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
    let scenario = ctx.scenario_ref();
    let st = &scenario.intrusions[intrusion].stages[stage];
    let tenant = scenario.intrusions[intrusion].tenant;
    let now = ctx.clock.now;
    for (k, spec) in st.telemetry.iter().enumerate() {
        let kind = scenario.sources[spec.source].kind;
        let mut cues = content::draw(&mut ctx.rngs.cues, kind, content::attack_odds(st.subtlety));
        structural_cues(scenario, &mut cues, now, spec.account);
        let record = ctx.add_record(
            Record {
                id: 0,
                at: now,
                source: spec.source,
                tenant,
                host: spec.host,
                account: spec.account,
                observables: st.observables.clone(),
                cues,
                alert: None,
            },
            Some((intrusion, stage)),
            LineRef::Stage {
                intrusion: intrusion as u16,
                stage: stage as u16,
                spec: k as u16,
            },
        );
        ctx.log(Entry::Telemetry(Box::new(crate::journal::Telemetry {
            record,
            source: spec.source,
            host: spec.host,
            account: spec.account,
            stage: Some((intrusion, stage)),
        })));
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
            let alert = ctx.add_alert(
                Alert {
                    rule: ri,
                    severity: rule.severity,
                    tenant,
                    host: spec.host,
                    account: spec.account,
                    observables: st.observables.clone(),
                    record: Some(record),
                    raised_at: now + rule.latency,
                    ..Alert::default()
                },
                Some((intrusion, stage)),
            );
            ctx.after(rule.latency, SimEvent::Alert(AlertDue { alert }));
        }
    }
}

/// Sets the cues that follow from the item itself: the hour, and who.
fn structural_cues(s: &Scenario, cues: &mut Cues, at: SimTime, account: Option<usize>) {
    cues.off_hours = content::off_hours(at, s.starts_at);
    cues.privileged = account.is_some_and(|a| content::privileged(s.accounts[a].privilege));
}

/// Puts a raised alert in the Tier 1 queue, its indicators on the watchlist, and wakes
/// Tier 1.
fn enqueue(ctx: &mut Ctx, alert: AlertId, stage: Option<crate::sim::truth::StageRef>) {
    let a = &ctx.ledger.alerts[alert as usize];
    let entry = Entry::AlertRaised {
        alert,
        rule: a.rule,
        severity: a.severity,
        tenant: a.tenant,
        host: a.host,
        stage,
    };
    let tenant = a.tenant;
    ctx.log(entry);
    let target = ctx.scenario.0.tenants[tenant].sla.pickup_target();
    let ledger = &mut *ctx.ledger;
    let al = &ledger.alerts[alert as usize];
    let mut new = false;
    for &o in &al.observables {
        new |= ledger.watchlist.insert(Evidence::Observable(o));
    }
    ledger.queue.push(al, target);
    ctx.wake(Role::Tier1);
    // Alerts waiting with no Tier 1 seat free: the manager starts watching the queue.
    let l = &*ctx.ledger;
    let free_hands = (l.seats_of(Role::Tier1).iter())
        .filter(|&&id| !l.board[id as usize].busy && !l.board[id as usize].gone)
        .count();
    if ctx.ledger.queue.len() > free_hands {
        ctx.wake(Role::Manager);
    }
    if new {
        ctx.wake(Role::Intel);
    }
}

/// A pending alert clears the pipeline and joins the Tier 1 queue.
pub(super) fn raise_alert(ctx: &mut Ctx, due: AlertDue) {
    let stage = ctx.truth.alert(due.alert);
    enqueue(ctx, due.alert, stage);
}

/// A benign alert arrives; the next one is scheduled.
pub(super) fn raise_benign_alert(ctx: &mut Ctx, due: BenignDue) {
    let ri = due.rule as usize;
    if ctx.defense.rules[ri].generation != due.generation || !ctx.defense.rules[ri].enabled {
        return;
    }
    let scenario = ctx.scenario_ref();
    let rule = &scenario.rules[ri];
    let now = ctx.clock.now;
    let (record, line) = benign_record(
        scenario,
        rule.source,
        &scenario.lookup.rule_lines[ri],
        About::Anything,
        &mut ctx.rngs.noise[ri],
        now,
    );
    let (host, account, tenant, observables) = (
        record.host,
        record.account,
        record.tenant,
        record.observables.clone(),
    );
    let record = ctx.add_record(record, None, line);
    let alert = ctx.add_alert(
        Alert {
            rule: ri,
            severity: rule.severity,
            tenant,
            host,
            account,
            observables,
            record: Some(record),
            raised_at: now,
            ..Alert::default()
        },
        None,
    );
    enqueue(ctx, alert, None);
    // Keep the same process going: draw the next arrival.
    let rate = benign_rate(scenario, ctx.defense, ri);
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

/// What a benign record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    /// Whatever the source logs: identity and cloud-audit records concern an account,
    /// others a host (web-server logs a web server where there is one).
    Anything,
    /// This host (an investigation's subject).
    Host(usize),
    /// This account.
    Account(usize),
    /// Activity carrying this indicator.
    Observable(usize),
}

/// A benign record of `source` at time `at`: its subject, a line from `candidates`
/// (filled with the scenario's names) and cues drawn from the line's profile. The
/// source's look-alike indicators ride along on some records, with a line that names
/// them. Draws from `rng` only.
pub fn benign_record(
    s: &Scenario,
    source: usize,
    candidates: &[u16],
    about: About,
    rng: &mut crate::sim::rng::Stream,
    at: SimTime,
) -> (Record, LineRef) {
    let kind = s.sources[source].kind;
    // The indicator first: the line must be able to name it.
    let lookalikes = &s.lookup.source_lookalikes[source];
    let indicator = match about {
        About::Observable(o) => Some(o),
        _ if !lookalikes.is_empty() && rng.chance(0.6) => {
            Some(lookalikes[rng.below(lookalikes.len())])
        }
        _ => None,
    };
    let candidates = if candidates.is_empty() {
        &s.lookup.source_lines[source][..]
    } else {
        candidates
    };
    let (line, keeps) = content::pick_line(
        rng,
        &s.lookup.line_kinds,
        &s.lookup.line_weight,
        candidates,
        indicator.map(|o| s.observables[o].kind),
    )
    .unwrap_or((0, false));
    let wants = s.benign.get(line as usize).and_then(|l| l.account);
    let (host, account) = match about {
        About::Host(h) => (Some(h), None),
        About::Account(a) => (None, Some(a)),
        _ if matches!(kind, SourceKind::Identity | SourceKind::CloudAudit)
            && !s.accounts.is_empty() =>
        {
            (None, Some(rng.below(s.accounts.len())))
        }
        _ => {
            let web = &s.lookup.web_servers;
            let host = if kind == SourceKind::WebServer && !web.is_empty() {
                web[rng.below(web.len())]
            } else {
                rng.below(s.hosts.len())
            };
            (Some(host), None)
        }
    };
    let tenant = host.map_or_else(
        || account.map_or(0, |a| s.accounts[a].tenant),
        |h| s.hosts[h].tenant,
    );
    // Who: the account the line runs as (an administrator for an admin's script), else
    // someone of the tenant now and then.
    let account = account.or_else(|| {
        let local = &s.lookup.tenant_accounts[tenant];
        let fits = |a: &&usize| wants.is_some_and(|p| s.accounts[**a].privilege == p);
        let fitting = local.iter().filter(fits).count();
        if fitting > 0 {
            local.iter().filter(fits).nth(rng.below(fitting)).copied()
        } else if !local.is_empty() && rng.chance(0.5) {
            Some(local[rng.below(local.len())])
        } else {
            None
        }
    });
    let hosts = &s.lookup.tenant_hosts[tenant];
    let peer = if hosts.is_empty() {
        0
    } else {
        hosts[rng.below(hosts.len())]
    };
    let n = rng.below(u16::MAX as usize) as u16;
    // Pivoting on an indicator shows how it is used across the estate: a look-alike that
    // looked odd on one alert turns out to be everyday traffic, so its records show the
    // cues of ordinary activity, not of the look-alike's alert.
    let profile = match about {
        About::Observable(_) => s.profiles.first().map(|p| p.odds()),
        _ => s
            .benign
            .get(line as usize)
            .and_then(|l| s.profiles.get(l.profile))
            .map(|p| p.odds()),
    }
    .unwrap_or_else(|| content::attack_odds(1.0));
    let mut cues = content::draw(rng, kind, profile);
    structural_cues(s, &mut cues, at, account);
    let observables = match (indicator, keeps, about) {
        (Some(o), _, About::Observable(_)) | (Some(o), true, _) => vec![o],
        _ => Vec::new(),
    };
    (
        Record {
            id: 0,
            at,
            source,
            tenant,
            host,
            account,
            observables,
            cues,
            alert: None,
        },
        LineRef::Benign {
            line,
            peer: peer as u16,
            n,
        },
    )
}

/// A partner team carries out a measure.
pub(super) fn apply_measure(ctx: &mut Ctx, done: PartnerDone) {
    let measure = ctx.defense.requests[done.request as usize];
    apply_now(ctx, measure);
}

/// Puts a containment or recovery measure in force now: a partner team's finished
/// request, or a decision's consequence.
pub(crate) fn apply_now(ctx: &mut Ctx, measure: Measure) {
    match measure {
        Measure::Isolate(h) => ctx.defense.isolated[h] = true,
        Measure::Recover(h) => ctx.defense.isolated[h] = false,
        Measure::DisableAccount(a) => ctx.defense.disabled[a] = true,
        Measure::ResetCredentials(a) => ctx.defense.reset[a] = true,
        Measure::Block(o) => ctx.defense.blocked[o] = true,
        Measure::Eradicate(h) => {
            ctx.defense.eradicated[h] = true;
            ctx.ledger.eradicated[h] = true;
        }
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
