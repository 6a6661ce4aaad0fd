//! The runtime scenario: validated, with every reference resolved to an index.
//!
//! The simulation reads only this model. Indices are positions in the vectors below, so
//! lookups are direct and iteration order is the file's order (stable, deterministic).
//! Small enums (levels, kinds, roles) are shared with the file format; they carry no
//! structure that could drift.

use serde::Serialize;

use crate::clock::SimTime;

pub use super::format::{
    ActionName, Difficulty, HostKind, Level, ObservableKind, Partner, Privilege, RoleName as Role,
    Sla, SourceKind,
};

/// Index of a tenant.
pub type TenantIdx = usize;
/// Index of a host.
pub type HostIdx = usize;
/// Index of an account.
pub type AccountIdx = usize;
/// Index of a data source.
pub type SourceIdx = usize;
/// Index of a rule.
pub type RuleIdx = usize;
/// Index of an observable (interned across all stages).
pub type ObservableIdx = usize;
/// Index of an intrusion.
pub type IntrusionIdx = usize;
/// Index of a stage within its intrusion.
pub type StageIdx = usize;
/// Index of an inject.
pub type InjectIdx = usize;

/// The most seats one role may have.
pub const MAX_SEATS: u32 = 50;

/// A validated scenario.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Scenario {
    /// Identifier.
    pub id: String,
    pub title: String,
    pub summary: String,
    pub difficulty: Difficulty,
    pub learning_objectives: Vec<String>,
    pub tags: Vec<String>,
    /// Exercise length in seconds.
    pub time_limit: u64,
    pub tenants: Vec<Tenant>,
    pub hosts: Vec<Host>,
    pub accounts: Vec<Account>,
    /// Data sources.
    pub sources: Vec<DataSource>,
    /// Detection rules.
    pub rules: Vec<Rule>,
    /// Every distinct observable named by any stage.
    pub observables: Vec<Observable>,
    pub intrusions: Vec<Intrusion>,
    /// Benign activity per data source.
    pub noise: Vec<Noise>,
    pub injects: Vec<Inject>,
    pub objectives: Vec<Objective>,
    /// Seats per role, in role order; roles absent have zero.
    pub staffing: Vec<(Role, u32)>,
    /// Duration of each action kind.
    pub durations: Durations,
    /// Delay of each partner team.
    pub partners: PartnerDelays,
    /// Seconds between a rule change and its deployment.
    pub deployment_delay: u64,
    /// Median expert-bot team score, if measured.
    pub par: Option<f64>,
    /// The middle half of competent bots' team scores, if measured.
    pub typical: Option<(f64, f64)>,
    /// Band for the median dwell of competent bots, in seconds.
    pub dwell_band: Option<(u64, u64)>,
    /// Place in a training ladder.
    pub ladder: Option<Ladder>,
    /// Seconds after midnight at T+0.
    pub starts_at: u64,
    /// Lines of ordinary activity: the shipped catalogue, then the scenario's own.
    pub benign: Vec<crate::content::BenignLine>,
    /// Cue profiles the lines refer to.
    pub profiles: Vec<crate::content::Profile>,
    /// What threat intelligence knows, per indicator it knows anything about.
    pub intel: Vec<IntelEntry>,
    /// Business measures decisions can put in force (payment hold, network cut), by
    /// the names the scenario gives them.
    pub policies: Vec<String>,
    /// Lists derived from the fields above for the simulation's hot paths.
    pub lookup: Lookup,
}

/// Threat intelligence on one indicator.
#[derive(Debug, Clone)]
pub struct IntelEntry {
    /// The indicator.
    pub observable: ObservableIdx,
    /// What is known.
    pub intel: crate::content::Intel,
    /// The source's words.
    pub note: String,
    /// In the feed from T+0.
    pub known: bool,
}

/// Lists derived from a scenario's hosts, accounts and noise, each in index order: a
/// benign alert picks its subject from them instead of scanning every host (the MSSP
/// scale scenario raises 24,000 of them over 5,000 hosts).
#[derive(Debug, Clone, Default)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Lookup {
    pub web_servers: Vec<HostIdx>,
    /// Accounts of each tenant.
    pub tenant_accounts: Vec<Vec<AccountIdx>>,
    /// Look-alike indicators of each data source's benign activity.
    pub source_lookalikes: Vec<Vec<ObservableIdx>>,
    /// Per ATT&CK technique id: the rules that name it, in rule order.
    pub rules_naming: std::collections::BTreeMap<String, Vec<RuleIdx>>,
    /// Per rule: the benign lines its false positives say (triggers for its techniques
    /// on its kind of log, else the log's ordinary lines).
    pub rule_lines: Vec<Vec<u16>>,
    /// Per data source: its ordinary benign lines.
    pub source_lines: Vec<Vec<u16>>,
    /// Per tenant: its hosts.
    pub tenant_hosts: Vec<Vec<HostIdx>>,
    /// Per observable: what threat intelligence knows of it, as an index into `intel`.
    pub intel_of: Vec<Option<usize>>,
    /// Per ATT&CK technique a benign line is a trigger for: those lines, in order.
    pub lines_naming: std::collections::BTreeMap<String, Vec<u16>>,
    /// Per benign line: how often it is drawn, relative to the others (its cue
    /// profile's weight).
    pub line_weight: Vec<f64>,
    /// Per benign line: the kinds of indicator it can name, one bit per
    /// [`ObservableKind`] (0 for a line that names none).
    pub line_kinds: Vec<u8>,
    /// Per technique some benign line relates to, named by a line or the parent of one
    /// that is: per data source, the related lines its log carries (see
    /// [`Lookup::hunt_lines`]).
    pub hunt_lines: std::collections::BTreeMap<String, HuntLines>,
    /// Per technique a benign line names that has sub-techniques: what a sub-technique
    /// no line names relates to, its parent's lines alone, per data source.
    pub hunt_lines_under: std::collections::BTreeMap<String, HuntLines>,
}

/// Per data source, the benign lines of a technique its log carries (sources without
/// any left out).
pub type HuntLines = Vec<(SourceIdx, Vec<u16>)>;

impl Lookup {
    /// The benign lines whose techniques relate to `technique` (the same, its parent, or
    /// one of its sub-techniques), sorted, once each: what a rule or a hunt for it
    /// turns up when nothing is wrong.
    pub fn lines_related(&self, technique: &str) -> Vec<u16> {
        let parent = technique.split_once('.').map(|(p, _)| p);
        let mut out: Vec<u16> = [Some(technique), parent]
            .into_iter()
            .flatten()
            .filter_map(|t| self.lines_naming.get(t))
            .flatten()
            .copied()
            .collect();
        if parent.is_none() {
            let children = format!("{technique}.");
            out.extend(
                self.lines_naming
                    .range(children.clone()..)
                    .take_while(|(k, _)| k.starts_with(&children))
                    .flat_map(|(_, v)| v.iter().copied()),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl Lookup {
    /// What a hunt for `technique` turns up when nothing is wrong: per data source, the
    /// benign lines related to it (see [`Lookup::lines_related`]) that the source's log
    /// carries. Worked out when the scenario is indexed, for every technique: the ones
    /// no line relates to have none.
    pub fn hunt_lines(&self, technique: &str) -> &[(SourceIdx, Vec<u16>)] {
        if let Some(lines) = self.hunt_lines.get(technique) {
            return lines;
        }
        technique
            .split_once('.')
            .and_then(|(parent, _)| self.hunt_lines_under.get(parent))
            .map_or(&[], Vec::as_slice)
    }

    /// The rules written for `technique` or for its parent technique (see
    /// [`crate::scenario::attack::covers`]), in rule order.
    pub fn rules_covering(&self, technique: &str) -> Vec<RuleIdx> {
        let parent = technique.split_once('.').map(|(p, _)| p);
        let mut rules: Vec<RuleIdx> = [Some(technique), parent]
            .into_iter()
            .flatten()
            .filter_map(|t| self.rules_naming.get(t))
            .flatten()
            .copied()
            .collect();
        rules.sort_unstable();
        rules.dedup();
        rules
    }
}

/// A step of a training ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    /// Track name.
    pub track: String,
    /// Step number, from 1.
    pub step: u32,
    /// Team score needed to move up.
    pub pass_score: f64,
    /// The next step's scenario, if named.
    pub next: Option<String>,
}

impl Scenario {
    /// When the time limit is reached: `time_limit` after T+0.
    pub fn time_limit_at(&self) -> SimTime {
        SimTime::ZERO + self.time_limit
    }

    /// The scenario with its [`Lookup`] built; validation calls this last.
    pub fn indexed(mut self) -> Scenario {
        let mut l = Lookup {
            web_servers: (0..self.hosts.len())
                .filter(|&h| self.hosts[h].kind == HostKind::WebServer)
                .collect(),
            tenant_accounts: vec![Vec::new(); self.tenants.len()],
            source_lookalikes: vec![Vec::new(); self.sources.len()],
            rules_naming: Default::default(),
            rule_lines: Vec::new(),
            source_lines: Vec::new(),
            tenant_hosts: vec![Vec::new(); self.tenants.len()],
            intel_of: vec![None; self.observables.len()],
            lines_naming: Default::default(),
            hunt_lines: Default::default(),
            hunt_lines_under: Default::default(),
            line_weight: self
                .benign
                .iter()
                .map(|line| {
                    self.profiles
                        .get(line.profile)
                        .map_or(1.0, |p| p.weight.max(0.0))
                })
                .collect(),
            line_kinds: self
                .benign
                .iter()
                .map(|line| {
                    line.indicator
                        .iter()
                        .fold(0, |m, &k| m | crate::content::kind_bit(k))
                })
                .collect(),
        };
        for (i, line) in self.benign.iter().enumerate() {
            for t in &line.techniques {
                l.lines_naming.entry(t.clone()).or_default().push(i as u16);
            }
        }
        for (a, account) in self.accounts.iter().enumerate() {
            l.tenant_accounts[account.tenant].push(a);
        }
        for (h, host) in self.hosts.iter().enumerate() {
            l.tenant_hosts[host.tenant].push(h);
        }
        for (i, e) in self.intel.iter().enumerate() {
            l.intel_of[e.observable] = Some(i);
        }
        let carries = |line: &crate::content::BenignLine, source: usize| {
            line.source.is_none_or(|s| s == source)
                && line.kinds.contains(&self.sources[source].kind)
        };
        l.source_lines = (0..self.sources.len())
            .map(|s| {
                (0..self.benign.len())
                    .filter(|&i| {
                        self.benign[i].techniques.is_empty() && carries(&self.benign[i], s)
                    })
                    .map(|i| i as u16)
                    .collect()
            })
            .collect();
        l.rule_lines = self
            .rules
            .iter()
            .map(|rule| {
                let related = |t: &String| {
                    rule.techniques.iter().any(|r| {
                        crate::scenario::attack::covers(t, r)
                            || crate::scenario::attack::covers(r, t)
                    })
                };
                let triggers: Vec<u16> = (0..self.benign.len())
                    .filter(|&i| {
                        let line = &self.benign[i];
                        carries(line, rule.source) && line.techniques.iter().any(related)
                    })
                    .map(|i| i as u16)
                    .collect();
                if triggers.is_empty() {
                    l.source_lines[rule.source].clone()
                } else {
                    triggers
                }
            })
            .collect();
        for n in &self.noise {
            l.source_lookalikes[n.source].extend(n.lookalikes.iter().copied());
        }
        for (i, rule) in self.rules.iter().enumerate() {
            for t in &rule.techniques {
                let rules = l.rules_naming.entry(t.clone()).or_default();
                if rules.last() != Some(&i) {
                    rules.push(i);
                }
            }
        }
        // A technique relates to lines only through its own id, its parent's or a
        // sub-technique's: only those named, and their parents, can have any of their
        // own; any other sub-technique of a named parent has the parent's alone.
        let per_source = |related: &[u16]| -> HuntLines {
            (0..self.sources.len())
                .filter_map(|src| {
                    let lines: Vec<u16> = related
                        .iter()
                        .copied()
                        .filter(|&i| carries(&self.benign[i as usize], src))
                        .collect();
                    (!lines.is_empty()).then_some((src, lines))
                })
                .collect()
        };
        let named: Vec<&String> = l.lines_naming.keys().collect();
        for t in named {
            let parent = t.split_once('.').map(|(p, _)| p);
            for id in [Some(t.as_str()), parent].into_iter().flatten() {
                if !l.hunt_lines.contains_key(id) {
                    let lines = per_source(&l.lines_related(id));
                    l.hunt_lines.insert(id.to_string(), lines);
                }
            }
            if parent.is_none() {
                let mut own = l.lines_naming[t].clone();
                own.sort_unstable();
                own.dedup();
                l.hunt_lines_under.insert(t.clone(), per_source(&own));
            }
        }
        self.lookup = l;
        self
    }

    /// Every ATT&CK technique the scenario's attack uses, sorted and deduplicated.
    pub fn attack_techniques(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .intrusions
            .iter()
            .flat_map(|i| i.stages.iter().map(|s| s.technique.as_str()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The scenario with another staffing (seats per role; a role left out or at 0 is not
    /// staffed), as a facilitator sets it before the start. Refused, with the reason,
    /// when a role would have more than [`MAX_SEATS`], nobody would be staffed, or the
    /// scenario asks decisions and no manager would take them.
    pub fn restaffed(&self, staffing: &[(Role, u32)]) -> Result<Scenario, String> {
        let mut seats: Vec<(Role, u32)> = Vec::new();
        for &role in &super::ALL_ROLES {
            // The last word on a role counts.
            let n = staffing
                .iter()
                .rev()
                .find(|(r, _)| *r == role)
                .map_or(0, |(_, n)| *n);
            if n > MAX_SEATS {
                return Err(format!(
                    "{} would have {n} seats: give 0 to {MAX_SEATS}",
                    role.label()
                ));
            }
            if n > 0 {
                seats.push((role, n));
            }
        }
        if seats.is_empty() {
            return Err("nobody would be staffed: keep at least one seat".into());
        }
        if self.injects.iter().any(|i| i.decision.is_some())
            && !seats.iter().any(|(r, _)| *r == Role::Manager)
        {
            return Err(
                "this scenario's injects ask decisions, which the SOC manager takes: keep a manager seat"
                    .into(),
            );
        }
        let mut s = self.clone();
        s.staffing = seats;
        Ok(s)
    }

    /// Seats for a role.
    pub fn seats_for(&self, role: Role) -> u32 {
        self.staffing
            .iter()
            .find(|(r, _)| *r == role)
            .map_or(0, |(_, n)| *n)
    }

    /// Impact points the attack could realise if nothing stopped it. A stage and the
    /// fallbacks that stand in for it are alternatives: the chain counts once, at its
    /// largest.
    pub fn possible_impact(&self) -> f64 {
        let points = |s: &Stage| -> f64 {
            s.effects
                .iter()
                .map(|e| match e {
                    StageEffect::Impact { points, .. } => *points,
                    _ => 0.0,
                })
                .sum()
        };
        self.intrusions
            .iter()
            .map(|i| {
                i.stages
                    .iter()
                    .filter(|s| !s.fallback_only)
                    .map(|s| {
                        let mut best = points(s);
                        let mut next = s.fallback;
                        // Validation rules out fallback cycles; the bound is belt and braces.
                        for _ in 0..i.stages.len() {
                            let Some(f) = next else { break };
                            best = best.max(points(&i.stages[f]));
                            next = i.stages[f].fallback;
                        }
                        best
                    })
                    .sum::<f64>()
            })
            .sum()
    }
}

/// A client tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Service level.
    pub sla: Sla,
}

impl Sla {
    /// Seconds within which a new alert must be picked up.
    pub fn pickup_target(self) -> u64 {
        match self {
            Sla::Platinum => 15 * 60,
            Sla::Gold => 30 * 60,
            Sla::Silver => 60 * 60,
            Sla::Bronze => 4 * 60 * 60,
        }
    }
}

/// A host.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Host {
    /// Identifier.
    pub id: String,
    /// Owning tenant.
    pub tenant: TenantIdx,
    pub kind: HostKind,
    pub criticality: Level,
}

/// An account.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Account {
    /// Identifier.
    pub id: String,
    /// Owning tenant.
    pub tenant: TenantIdx,
    pub privilege: Privilege,
}

/// A data source.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct DataSource {
    /// Identifier.
    pub id: String,
    pub kind: SourceKind,
}

/// A detection rule as deployed at T+0.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Data source read.
    pub source: SourceIdx,
    /// ATT&CK techniques detected.
    pub techniques: Vec<String>,
    /// Chance an alert fires on matching malicious activity.
    pub fidelity: f64,
    /// Alert severity.
    pub severity: Level,
    /// Benign alerts per hour.
    pub benign_per_hour: f64,
    /// Deployed at T+0.
    pub enabled: bool,
    /// Pipeline delay in seconds.
    pub latency: u64,
    /// Sigma rule reference.
    pub sigma: Option<String>,
    /// Who wrote the rule, credited wherever the rule or its alerts are shown.
    pub author: Option<String>,
}

/// An observable.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Observable {
    pub kind: ObservableKind,
    pub value: String,
}

/// An intrusion.
#[derive(Debug, Clone)]
pub struct Intrusion {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Tenant attacked.
    pub tenant: TenantIdx,
    /// Stages, in file order.
    pub stages: Vec<Stage>,
}

/// What a stage acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum StageTarget {
    Host(HostIdx),
    Account(AccountIdx),
}

/// A precondition, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// Active foothold on the host.
    Foothold(HostIdx),
    /// Account usable.
    AccountEnabled(AccountIdx),
    /// Observable not blocked.
    NotBlocked(ObservableIdx),
    /// Business measure (index into [`Scenario::policies`]) not in force.
    NotEnacted(usize),
}

/// An effect, resolved.
#[derive(Debug, Clone, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum StageEffect {
    /// Gain a foothold on a host.
    Foothold(HostIdx),
    /// Compromise an account.
    Compromise(AccountIdx),
    /// Realise impact.
    Impact { label: String, points: f64 },
}

/// A telemetry record template.
#[derive(Debug, Clone)]
pub struct TelemetrySpec {
    /// Data source.
    pub source: SourceIdx,
    /// Host the record is about.
    pub host: Option<HostIdx>,
    /// Account the record is about.
    pub account: Option<AccountIdx>,
    /// What it says.
    pub summary: String,
}

/// A random delay in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timing {
    /// Always this long.
    Fixed(u64),
    /// Uniform in [lo, hi].
    Uniform(u64, u64),
    /// Exponential with this mean.
    Exponential(u64),
}

impl Timing {
    /// The mean of the distribution, in seconds.
    pub fn mean(self) -> f64 {
        match self {
            Timing::Fixed(s) | Timing::Exponential(s) => s as f64,
            Timing::Uniform(lo, hi) => (lo + hi) as f64 / 2.0,
        }
    }
}

/// A stage.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Stage {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ATT&CK tactic short name.
    pub tactic: String,
    /// ATT&CK technique id.
    pub technique: String,
    /// What it acts on.
    pub target: StageTarget,
    /// Stages that must all have happened (each either itself or through its fallback).
    pub after: Vec<StageIdx>,
    /// Stages that list this one in `after` (derived).
    pub successors: Vec<StageIdx>,
    /// Delay after the last predecessor.
    pub delay: Timing,
    /// Preconditions.
    pub requires: Vec<Requirement>,
    pub effects: Vec<StageEffect>,
    /// Observables left.
    pub observables: Vec<ObservableIdx>,
    /// Telemetry written.
    pub telemetry: Vec<TelemetrySpec>,
    /// Stage tried instead when blocked.
    pub fallback: Option<StageIdx>,
    /// Only runs as a fallback.
    pub fallback_only: bool,
    /// Ground-truth severity.
    pub severity: Level,
    /// Announces the intrusion to the organisation when it fires.
    pub announces: bool,
    /// How ordinary its telemetry looks, 0 loud to 1 quiet.
    pub subtlety: f64,
}

impl Stage {
    /// The host the stage acts on or from, if any.
    pub fn host(&self) -> Option<HostIdx> {
        match self.target {
            StageTarget::Host(h) => Some(h),
            StageTarget::Account(_) => None,
        }
    }

    /// Whether the stage starts the intrusion on its own.
    pub fn is_root(&self) -> bool {
        self.after.is_empty() && !self.fallback_only
    }
}

/// Benign activity on a data source.
#[derive(Debug, Clone)]
pub struct Noise {
    /// Data source.
    pub source: SourceIdx,
    /// Extra benign alerts per hour.
    pub alerts_per_hour: f64,
    /// Benign records per hour.
    pub activity_per_hour: f64,
    /// Benign look-alike indicators carried by this source's benign alerts.
    pub lookalikes: Vec<ObservableIdx>,
}

/// When an inject fires, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// At a time.
    At(SimTime),
    /// When a stage happens.
    AfterStage(IntrusionIdx, StageIdx),
    /// If not contained by a time.
    NotContainedBy(IntrusionIdx, SimTime),
    /// When the intrusion is first detected.
    OnDetected(IntrusionIdx),
}

/// An inject.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Inject {
    /// Identifier.
    pub id: String,
    /// Headline.
    pub title: String,
    /// When it fires.
    pub when: Trigger,
    /// Addressees.
    pub to: Vec<Role>,
    pub body: String,
    /// Discussion questions.
    pub questions: Vec<String>,
    /// Expected decision.
    pub decision: Option<Decision>,
}

/// A decision.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Decision {
    pub options: Vec<String>,
    /// Expected option.
    pub expected: usize,
    /// Seconds within which an answer is expected.
    pub respond_within: Option<u64>,
    /// Per option: what choosing it does (empty for most).
    pub consequences: Vec<Vec<Consequence>>,
}

/// An effect of a decision, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consequence {
    /// Cut a host off the network.
    Isolate(HostIdx),
    /// Disable an account.
    DisableAccount(AccountIdx),
    /// Reset an account's credentials.
    ResetCredentials(AccountIdx),
    /// Block an observable.
    Block(ObservableIdx),
    /// Put a business measure (index into [`Scenario::policies`]) in force.
    Enact(usize),
    /// Fire an inject.
    FireInject(InjectIdx),
}

/// What an objective measures, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectiveMeasure {
    /// Dwell time of an intrusion.
    DwellTime(IntrusionIdx),
    /// Compromise to containment.
    Exposure(IntrusionIdx),
    /// Detection to containment.
    TimeToContain(IntrusionIdx),
    /// Inject fired to expected answer.
    InjectResponse(InjectIdx),
    /// Impact realised, percent of possible.
    ImpactPercent,
    /// Triage accuracy percent.
    TriageAccuracy,
    /// Mean handoff quality.
    HandoffQuality,
}

impl ObjectiveMeasure {
    /// Whether a lower value is better (times and impact).
    pub fn lower_is_better(self) -> bool {
        !matches!(
            self,
            ObjectiveMeasure::TriageAccuracy | ObjectiveMeasure::HandoffQuality
        )
    }
}

/// An objective.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Objective {
    /// Identifier.
    pub id: String,
    pub description: String,
    pub measure: ObjectiveMeasure,
    /// Thresholds for P, S, M (seconds for times).
    pub thresholds: [f64; 3],
}

/// How long each action takes, indexed by [`ActionName`].
#[derive(Debug, Clone)]
pub struct Durations(pub Vec<Timing>);

impl Durations {
    /// Documented defaults, used where a scenario does not override.
    pub fn defaults() -> Durations {
        use ActionName::*;
        let mut v = vec![Timing::Fixed(60); ALL_ACTIONS.len()];
        let set = |v: &mut Vec<Timing>, a: ActionName, t: Timing| v[a as usize] = t;
        set(&mut v, TakeAlert, Timing::Uniform(20, 60));
        set(&mut v, Classify, Timing::Uniform(180, 600));
        set(&mut v, Close, Timing::Uniform(20, 60));
        set(&mut v, Handoff, Timing::Uniform(120, 420));
        set(&mut v, TakeHandoff, Timing::Uniform(60, 180));
        set(&mut v, Investigate, Timing::Uniform(600, 1800));
        set(&mut v, DeclareIncident, Timing::Uniform(120, 300));
        set(&mut v, MergeCases, Timing::Uniform(60, 180));
        set(&mut v, Hunt, Timing::Uniform(1200, 2700));
        set(&mut v, Isolate, Timing::Uniform(120, 300));
        set(&mut v, DisableAccount, Timing::Uniform(120, 300));
        set(&mut v, Block, Timing::Uniform(120, 300));
        set(&mut v, ResetCredentials, Timing::Uniform(120, 300));
        set(&mut v, Eradicate, Timing::Uniform(900, 2400));
        set(&mut v, Recover, Timing::Uniform(900, 2400));
        set(&mut v, AnswerInject, Timing::Uniform(300, 900));
        set(&mut v, SetSeverity, Timing::Uniform(30, 120));
        set(&mut v, ChangeRule, Timing::Uniform(900, 1800));
        set(&mut v, Assign, Timing::Uniform(15, 45));
        set(&mut v, Enrich, Timing::Uniform(300, 900));
        Durations(v)
    }

    /// The timing of an action.
    pub fn of(&self, action: ActionName) -> Timing {
        self.0[action as usize]
    }
}

/// The action kind declared after `a`, if any. The match is exhaustive, so a new
/// [`ActionName`] does not compile until it is placed here; [`ALL_ACTIONS`] follows.
const fn next_action(a: ActionName) -> Option<ActionName> {
    use ActionName::*;
    match a {
        TakeAlert => Some(Classify),
        Classify => Some(Close),
        Close => Some(Handoff),
        Handoff => Some(TakeHandoff),
        TakeHandoff => Some(Investigate),
        Investigate => Some(DeclareIncident),
        DeclareIncident => Some(MergeCases),
        MergeCases => Some(Hunt),
        Hunt => Some(Isolate),
        Isolate => Some(DisableAccount),
        DisableAccount => Some(Block),
        Block => Some(ResetCredentials),
        ResetCredentials => Some(Eradicate),
        Eradicate => Some(Recover),
        Recover => Some(AnswerInject),
        AnswerInject => Some(SetSeverity),
        SetSeverity => Some(ChangeRule),
        ChangeRule => Some(Assign),
        Assign => Some(Enrich),
        Enrich => None,
    }
}

/// How many action kinds there are.
pub const ACTION_COUNT: usize = {
    let mut n = 1;
    let mut a = ActionName::TakeAlert;
    while let Some(b) = next_action(a) {
        a = b;
        n += 1;
    }
    n
};

/// Every action kind, in declaration order, derived from [`next_action`]. Checked when
/// compiling: each kind's discriminant is its place in the list, so tables indexed by
/// `ActionName as usize` (durations) have a slot for every kind.
pub const ALL_ACTIONS: [ActionName; ACTION_COUNT] = {
    let mut all = [ActionName::TakeAlert; ACTION_COUNT];
    let mut i = 0;
    let mut a = ActionName::TakeAlert;
    loop {
        all[i] = a;
        assert!(
            a as usize == i,
            "ActionName's declaration order and next_action disagree"
        );
        match next_action(a) {
            Some(b) => {
                a = b;
                i += 1;
            }
            None => break,
        }
    }
    all
};

/// Partner-team delays, indexed by [`Partner`].
#[derive(Debug, Clone)]
pub struct PartnerDelays(pub [Timing; 3]);

impl PartnerDelays {
    /// Documented defaults.
    pub fn defaults() -> PartnerDelays {
        PartnerDelays([
            Timing::Uniform(600, 1800),
            Timing::Uniform(300, 1200),
            Timing::Uniform(300, 900),
        ])
    }

    /// The delay of a team.
    pub fn of(&self, team: Partner) -> Timing {
        self.0[team as usize]
    }
}

/// Every role, in the order seats are numbered and listed.
pub const ALL_ROLES: [Role; 7] = [
    Role::Tier1,
    Role::Tier2,
    Role::Hunter,
    Role::Responder,
    Role::Manager,
    Role::Engineer,
    Role::Intel,
];

impl Role {
    /// The short name used in seat names and the CLI (`tier1`, `tier2`, `hunter`, …).
    pub fn slug(self) -> &'static str {
        match self {
            Role::Tier1 => "tier1",
            Role::Tier2 => "tier2",
            Role::Hunter => "hunter",
            Role::Responder => "responder",
            Role::Manager => "manager",
            Role::Engineer => "engineer",
            Role::Intel => "intel",
        }
    }

    /// A label in SOC language.
    pub fn label(self) -> &'static str {
        match self {
            Role::Tier1 => "Tier 1 triage",
            Role::Tier2 => "Tier 2 investigation",
            Role::Hunter => "Tier 3 threat hunting",
            Role::Responder => "Incident response",
            Role::Manager => "SOC manager",
            Role::Engineer => "Detection engineering",
            Role::Intel => "Threat intelligence",
        }
    }

    /// The role's job in one sentence, for a briefing.
    pub fn job(self) -> &'static str {
        match self {
            Role::Tier1 => {
                "Take alerts from the queue, read each one's log line and cues, call it malicious or benign, close the benign and escalate the malicious to Tier 2 with the evidence."
            }
            Role::Tier2 => {
                "Take escalations, investigate hosts, accounts and indicators over a time window, build the case, declare an incident or hand it to incident response, return weak ones to Tier 1."
            }
            Role::Hunter => {
                "Hunt for a technique or in a data source without waiting for an alert; hand what you find to Tier 2 or incident response, and gaps to detection engineering."
            }
            Role::Responder => {
                "Contain: isolate hosts, disable accounts, block indicators, reset credentials, then eradicate and recover. Partner teams carry it out after a delay."
            }
            Role::Manager => {
                "Watch the floor's workload, assign alerts, set incident severity, and answer the injects that ask for a decision (clients, leadership, legal)."
            }
            Role::Engineer => {
                "Enable, disable and tune detection rules from how analysts judge their alerts and the load they cause; changes deploy after a delay."
            }
            Role::Intel => {
                "Enrich the indicators that come up in alerts and cases: what threat intelligence knows changes every seat's view of the items carrying them."
            }
        }
    }

    /// Parses a slug.
    pub fn from_slug(s: &str) -> Option<Role> {
        ALL_ROLES.into_iter().find(|r| r.slug() == s)
    }
}

/// Seat names a scenario's staffing creates, in seat-id order.
pub fn seat_names(scenario: &Scenario) -> Vec<(String, Role)> {
    ALL_ROLES
        .iter()
        .flat_map(|&r| (1..=scenario.seats_for(r)).map(move |n| (seat_name(r, n), r)))
        .collect()
}

/// The name of the `n`-th seat (from 1) of a role: `tier1-2`.
pub fn seat_name(role: Role, n: u32) -> String {
    format!("{}-{n}", role.slug())
}

#[cfg(test)]
mod tests {
    use crate::scenario::attack::{Catalogue, covers};

    /// The index answers exactly what a scan of the rules with `covers` would, for every
    /// ATT&CK technique, on the built-in scenario and the benchmark's MSSP.
    #[test]
    fn rules_covering_agrees_with_a_scan() {
        for text in [
            crate::scenario::DEFAULT_SCENARIO,
            include_str!("../../../benches/scale.ron"),
        ] {
            let s = crate::scenario::load(text).expect("valid");
            let mut checked = 0;
            for t in Catalogue::get().techniques() {
                let scan: Vec<usize> = (0..s.rules.len())
                    .filter(|&i| s.rules[i].techniques.iter().any(|rt| covers(rt, t.id)))
                    .collect();
                assert_eq!(s.lookup.rules_covering(t.id), scan, "{}", t.id);
                checked += usize::from(!scan.is_empty());
            }
            assert!(checked > 0, "some technique is covered in {}", s.id);
            // The benign lines related to a technique, likewise against a scan.
            let mut related = 0;
            for t in Catalogue::get().techniques() {
                let scan: Vec<u16> = (0..s.benign.len() as u16)
                    .filter(|&i| {
                        s.benign[i as usize]
                            .techniques
                            .iter()
                            .any(|l| covers(l, t.id) || covers(t.id, l))
                    })
                    .collect();
                assert_eq!(s.lookup.lines_related(t.id), scan, "{}", t.id);
                related += usize::from(!scan.is_empty());
            }
            assert!(
                related > 20,
                "the catalogue has triggers for many techniques"
            );
            // What a hunt draws from, worked out at indexing, against the related lines
            // filtered per source; for every technique and for ids outside ATT&CK too.
            let odd = ["T9999", "T1059.999", "T1059.001.7", "", "."];
            let ids = Catalogue::get().techniques().iter().map(|t| t.id);
            for t in ids.chain(odd) {
                let related = s.lookup.lines_related(t);
                let scan: Vec<(usize, Vec<u16>)> = (0..s.sources.len())
                    .filter_map(|src| {
                        let lines: Vec<u16> = related
                            .iter()
                            .copied()
                            .filter(|&i| {
                                let l = &s.benign[i as usize];
                                l.source.is_none_or(|x| x == src)
                                    && l.kinds.contains(&s.sources[src].kind)
                            })
                            .collect();
                        (!lines.is_empty()).then_some((src, lines))
                    })
                    .collect();
                assert_eq!(s.lookup.hunt_lines(t), &scan[..], "{t}");
            }
        }
    }
}
