//! The scenario file format: plain serde types that mirror a `.ron` file one to one.
//!
//! These types are a compatibility promise to scenario authors, so they are kept apart
//! from the runtime model (`model.rs`): the file format and the engine can each change
//! without dragging the other along. Nothing here is checked beyond what serde does;
//! `validate.rs` turns a [`RawScenario`] into a [`crate::scenario::Scenario`] or a list
//! of every problem found.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Scenario")]
pub struct RawScenario {
    /// Short stable identifier, e.g. `"phish-to-exfil"`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// One-paragraph summary for the scenario list and the debrief.
    #[serde(default)]
    pub summary: String,
    /// How hard the scenario is.
    pub difficulty: Difficulty,
    /// What players should learn.
    #[serde(default)]
    pub learning_objectives: Vec<String>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Simulated length of the exercise.
    pub time_limit: Dur,
    /// Client organisations (one for an in-house SOC, several for an MSSP).
    pub tenants: Vec<RawTenant>,
    /// Hosts the attacker and the defenders act on.
    pub hosts: Vec<RawHost>,
    /// User and service accounts.
    #[serde(default)]
    pub accounts: Vec<RawAccount>,
    /// Telemetry feeds the SOC collects.
    pub data_sources: Vec<RawDataSource>,
    /// Detection rules.
    pub rules: Vec<RawRule>,
    /// The attacks, each a DAG of stages.
    pub intrusions: Vec<RawIntrusion>,
    /// Extra benign alert volume and benign activity per data source.
    #[serde(default)]
    pub noise: Vec<RawNoise>,
    /// Narrative events for the players.
    #[serde(default)]
    pub injects: Vec<RawInject>,
    /// What the exercise is graded on.
    #[serde(default)]
    pub objectives: Vec<RawObjective>,
    /// Which roles are in play and how many seats each has.
    pub staffing: Vec<RawStaffing>,
    /// Overrides of how long each action takes.
    #[serde(default)]
    pub durations: Vec<RawDuration>,
    /// Overrides of partner-team delays.
    #[serde(default)]
    pub partners: Vec<RawPartner>,
    /// Delay between a detection engineer's change and it taking effect.
    #[serde(default)]
    pub deployment_delay: Option<Dur>,
    /// Median expert-bot team score, when it has been measured.
    #[serde(default)]
    pub par: Option<f64>,
    /// What a typical team reaches: the middle half (25th to 75th percentile) of
    /// competent bots' team scores over par's seeds, measured by `socdrill par`.
    #[serde(default)]
    pub typical: Option<(f64, f64)>,
    /// The band (low, high) the median dwell time of competent bots should fall in: the
    /// scenario's calibration of its difficulty, checked by the library's tests.
    #[serde(default)]
    pub dwell_band: Option<(Dur, Dur)>,
    /// The scenario's place in a training ladder.
    #[serde(default)]
    pub ladder: Option<RawLadder>,
    /// The time of day at T+0, `"HH:MM"` (default `"09:00"`): sets which items fall
    /// outside business hours (08:00 to 18:00).
    #[serde(default)]
    pub starts_at: Option<String>,
    /// The scenario's own lines of ordinary activity, beside the shipped catalogue.
    #[serde(default)]
    pub benign: Vec<RawBenign>,
    /// What threat intelligence knows about indicators.
    #[serde(default)]
    pub intel: Vec<RawIntel>,
}

/// A line of ordinary activity a scenario adds (see `assets/benign.ron` for the fill-ins).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBenign {
    /// The data source whose log carries it.
    pub source: String,
    /// The line, with fill-ins such as `{host}` and `{user}`.
    pub text: String,
    /// Its cue profile (default `"routine"`).
    #[serde(default)]
    pub profile: Option<String>,
    /// Techniques whose rules fire on it (its false positives); empty for ordinary
    /// activity.
    #[serde(default)]
    pub techniques: Vec<String>,
    /// The privilege of the account it runs as, when that matters.
    #[serde(default)]
    pub account: Option<Privilege>,
    /// The indicator kinds `{indicator}` stands for, when the text names one.
    #[serde(default)]
    pub indicator: Vec<ObservableKind>,
}

/// What threat intelligence knows about one indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RawIntel {
    /// The indicator's value, as a stage's observables or a look-alike writes it.
    pub indicator: String,
    pub verdict: IntelVerdict,
    /// How sure the source is, 0 to 1.
    pub confidence: f64,
    /// What the source says, shown to whoever sees the enrichment.
    #[serde(default)]
    pub note: String,
    /// In the threat feed from T+0 (every console shows it at once); otherwise the
    /// threat intel analyst learns it by enriching the indicator.
    #[serde(default)]
    pub known: bool,
}

/// A step of a training ladder (for example the Tier 1 onboarding track).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLadder {
    /// Track name, e.g. `"tier1-onboarding"`.
    pub track: String,
    /// Step number, from 1.
    pub step: u32,
    /// Team score a trainee needs to move up to the next step.
    pub pass_score: f64,
    /// The next step's scenario (its file name or id), named on the scorecard.
    #[serde(default)]
    pub next: Option<String>,
}

/// Scenario difficulty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Difficulty {
    /// First steps.
    Easy,
    /// Needs working habits.
    Medium,
    /// Needs a practised team.
    Hard,
}

/// A client tenant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTenant {
    /// Identifier.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Service level the SOC owes this client.
    pub sla: Sla,
}

/// Service-level tier: how quickly a new alert must be picked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Sla {
    /// 15 minutes.
    Platinum,
    /// 30 minutes.
    Gold,
    /// 1 hour.
    Silver,
    /// 4 hours.
    Bronze,
}

/// A host.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHost {
    /// Identifier (usually the hostname).
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// What the machine is.
    pub kind: HostKind,
    /// Business criticality.
    pub criticality: Level,
}

/// Kind of host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum HostKind {
    /// A user's workstation or laptop.
    Workstation,
    /// A general server.
    Server,
    /// An Active Directory domain controller.
    DomainController,
    /// An internet-facing web server.
    WebServer,
    /// A database server.
    Database,
    FileServer,
    /// A backup server.
    Backup,
    /// A cloud workload or tenant resource.
    Cloud,
}

/// A four-step level used for criticality and severity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize, Default,
)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Level {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

/// An account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    /// Identifier (usually the user name).
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// Privilege of the account.
    pub privilege: Privilege,
}

/// Account privilege.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
pub enum Privilege {
    /// An ordinary user.
    User,
    /// A service account.
    Service,
    /// A local or server administrator.
    Admin,
    /// A domain or tenant administrator.
    DomainAdmin,
}

/// A telemetry feed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDataSource {
    /// Identifier, e.g. `"edr"`.
    pub id: String,
    /// What the feed is.
    pub kind: SourceKind,
}

/// Kind of data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum SourceKind {
    /// Endpoint detection and response.
    Edr,
    /// E-mail gateway.
    EmailGateway,
    /// Web proxy.
    Proxy,
    /// DNS resolver logs.
    Dns,
    /// Identity provider and authentication logs.
    Identity,
    /// Cloud control-plane audit logs.
    CloudAudit,
    /// Network firewall and flow logs.
    Firewall,
    /// Web server logs.
    WebServer,
    /// Windows event logs.
    WindowsEvents,
}

/// A detection rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The data source the rule reads.
    pub source: String,
    /// ATT&CK techniques the rule detects (a parent id also matches its sub-techniques).
    pub techniques: Vec<String>,
    /// Chance, 0 to 1, that matching malicious activity raises an alert.
    pub fidelity: f64,
    /// Severity of the alert.
    pub severity: Level,
    /// Benign alerts per hour.
    #[serde(default)]
    pub benign_per_hour: f64,
    /// Whether the rule is deployed at T+0.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Pipeline delay between the activity and the alert.
    #[serde(default)]
    pub latency: Option<Dur>,
    /// Path of the Sigma rule this rule stands for, for reference.
    #[serde(default)]
    pub sigma: Option<String>,
    /// Who wrote the rule — Sigma's licence asks that authors stay credited.
    #[serde(default)]
    pub author: Option<String>,
}

fn yes() -> bool {
    true
}

/// An intrusion: one attacker campaign against one tenant.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIntrusion {
    /// Identifier.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The tenant attacked.
    pub tenant: String,
    /// The stages, a DAG through `after`.
    pub stages: Vec<RawStage>,
}

/// One attacker step.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    /// Identifier, unique within the intrusion.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// ATT&CK tactic short name, e.g. `"initial-access"`.
    pub tactic: String,
    /// ATT&CK technique id, e.g. `"T1566.001"`.
    pub technique: String,
    /// What the stage acts on.
    pub target: Target,
    /// Stages that must all have happened first (or their fallbacks).
    #[serde(default)]
    pub after: Vec<String>,
    /// Delay after the last of `after` (or after T+0 for a first stage).
    #[serde(default)]
    pub delay: Delay,
    /// What must hold when the stage is due.
    #[serde(default)]
    pub requires: Vec<Precondition>,
    /// What the stage gains for the attacker.
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Indicators the stage leaves.
    #[serde(default)]
    pub observables: Vec<RawObservable>,
    /// Records written into data sources.
    #[serde(default)]
    pub telemetry: Vec<RawTelemetry>,
    /// Stage the attacker tries instead when this one is blocked.
    #[serde(default)]
    pub fallback: Option<String>,
    /// Only reachable as another stage's fallback, never on its own.
    #[serde(default)]
    pub fallback_only: bool,
    /// How serious this activity is (ground truth for severity scoring).
    #[serde(default)]
    pub severity: Level,
    /// How ordinary its telemetry looks, 0 (loud: first seen, rare, an odd parent) to 1
    /// (quiet: looks like everyday work). Default 0.25.
    #[serde(default)]
    pub subtlety: Option<f64>,
    /// The stage announces the intrusion to the organisation (a ransom note, encryption
    /// users can see). If the SOC has not detected the intrusion by then, it counts as
    /// told by the attacker, not detected by the SOC.
    #[serde(default)]
    pub announces: bool,
}

/// What a stage acts on.
#[derive(Debug, Clone, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Target {
    Host(String),
    Account(String),
}

/// A stage precondition.
#[derive(Debug, Clone, Deserialize)]
pub enum Precondition {
    /// The attacker holds an active foothold on this host.
    Foothold(String),
    /// This account is still usable (not disabled, credentials not reset since compromise).
    AccountEnabled(String),
    /// This observable value is not blocked.
    NotBlocked(String),
    /// This business measure (named by an inject decision's `Enact`) is not in force:
    /// a payment hold, a network cut.
    NotEnacted(String),
}

/// A stage effect.
#[derive(Debug, Clone, Deserialize)]
pub enum Effect {
    /// Gain a foothold on a host.
    Foothold(String),
    /// Compromise an account.
    Compromise(String),
    /// Realise impact: a label and points.
    Impact(String, f64),
}

/// An indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RawObservable {
    /// What kind of indicator.
    pub kind: ObservableKind,
    pub value: String,
}

/// Kind of indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum ObservableKind {
    /// File hash.
    Hash,
    /// Domain name.
    Domain,
    /// IP address.
    Ip,
    Url,
    /// E-mail address.
    Email,
    /// Process name or command line.
    Process,
    /// File name or path.
    File,
    /// User name as seen in logs.
    User,
}

/// A telemetry record a stage writes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTelemetry {
    /// Data source id.
    pub source: String,
    /// What the record says.
    #[serde(default)]
    pub summary: String,
    /// Host the record is about (defaults to the stage target's host).
    #[serde(default)]
    pub host: Option<String>,
    /// Account the record is about (defaults to the stage target's account).
    #[serde(default)]
    pub account: Option<String>,
}

/// Benign activity on a data source.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNoise {
    /// Data source id.
    pub source: String,
    /// Extra benign alerts per hour, spread over the source's enabled rules.
    #[serde(default)]
    pub alerts_per_hour: f64,
    /// Benign telemetry records per hour that investigations and hunts sift through.
    #[serde(default)]
    pub activity_per_hour: f64,
    /// Benign indicators that show up on this source's benign alerts (look-alikes of the
    /// attacker's, so an indicator on an alert proves nothing by itself).
    #[serde(default)]
    pub lookalikes: Vec<RawObservable>,
}

/// A narrative event.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInject {
    /// Identifier.
    pub id: String,
    /// Headline.
    pub title: String,
    /// When it fires.
    pub when: InjectWhen,
    /// Roles it is addressed to.
    pub to: Vec<RoleName>,
    /// Body text.
    #[serde(default)]
    pub body: String,
    /// Discussion questions for a tabletop.
    #[serde(default)]
    pub questions: Vec<String>,
    /// A decision the addressees must take.
    #[serde(default)]
    pub decision: Option<RawDecision>,
}

/// When an inject fires.
#[derive(Debug, Clone, Deserialize)]
pub enum InjectWhen {
    /// At a fixed time.
    At(Dur),
    /// When the stage (intrusion id, stage id) happens.
    AfterStage(String, String),
    /// If the intrusion is still not contained at this time.
    NotContainedBy(String, Dur),
    /// When the intrusion is first detected.
    OnDetected(String),
}

/// A decision expected from an inject's addressees.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecision {
    /// The options, in order.
    pub options: Vec<String>,
    /// Index of the expected option.
    pub expected: usize,
    /// How soon an answer is expected.
    #[serde(default)]
    pub respond_within: Option<Dur>,
    /// What choosing an option does, for the options that do something.
    #[serde(default)]
    pub consequences: Vec<RawConsequence>,
}

/// What choosing one option of a decision does.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConsequence {
    /// The option, numbered from 0.
    pub option: usize,
    /// Its effects, in order.
    pub effects: Vec<Consequence>,
}

/// An effect of a decision, the moment it is taken.
#[derive(Debug, Clone, Deserialize)]
pub enum Consequence {
    /// Cut a host off the network (or take its service offline).
    Isolate(String),
    /// Disable an account.
    DisableAccount(String),
    /// Reset an account's credentials.
    ResetCredentials(String),
    /// Block an observable, by value.
    Block(String),
    /// Put a business measure in force (a payment hold, a network cut); stages that
    /// require `NotEnacted` of it are blocked from then on.
    Enact(String),
    /// Fire another inject, by id.
    FireInject(String),
}

/// A graded objective.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    /// Identifier.
    pub id: String,
    /// What is asked, in words.
    pub description: String,
    /// What is measured.
    pub measure: Measure,
    /// Threshold for Performed (P).
    pub p: Threshold,
    /// Threshold for Performed with Some challenges (S).
    pub s: Threshold,
    /// Threshold for Performed with Major challenges (M); past it the rating is U.
    pub m: Threshold,
}

/// What an objective measures. Times are lower-is-better; percentages higher-is-better.
#[derive(Debug, Clone, Deserialize)]
pub enum Measure {
    /// Dwell time of the intrusion (detected − compromised); censored counts as failed.
    DwellTime(String),
    /// Time from compromise to containment.
    Exposure(String),
    /// Time from detection to containment.
    TimeToContain(String),
    /// Time from the inject firing to the expected answer.
    InjectResponse(String),
    /// Impact points realised, as a percentage of the possible.
    ImpactPercent,
    /// Triage accuracy percentage.
    TriageAccuracy,
    /// Mean handoff quality.
    HandoffQuality,
}

/// A threshold: a number, or a duration such as `"30m"` (stored as seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold(pub f64);

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Threshold;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a duration such as \"30m\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Threshold, E> {
                Ok(Threshold(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Threshold, E> {
                Ok(Threshold(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Threshold, E> {
                Ok(Threshold(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Threshold, E> {
                parse_duration(v)
                    .map(|s| Threshold(s as f64))
                    .map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Seats for one role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RawStaffing {
    pub role: RoleName,
    /// How many seats.
    pub seats: u32,
}

/// A SOC role as written in files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum RoleName {
    /// Tier 1 triage analyst.
    Tier1,
    /// Tier 2 investigation analyst.
    Tier2,
    /// Tier 3 threat hunter.
    Hunter,
    /// Incident responder.
    Responder,
    /// SOC manager / incident coordinator.
    Manager,
    /// Detection engineer.
    Engineer,
    /// Threat intel analyst.
    Intel,
}

/// Override of one action's duration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RawDuration {
    pub action: ActionName,
    /// How long it takes.
    pub time: Delay,
}

/// Action kinds whose durations a scenario may set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum ActionName {
    /// Tier 1 takes an alert from the queue.
    TakeAlert,
    /// Tier 1 inspects and classifies an alert.
    Classify,
    /// Tier 1 closes an alert.
    Close,
    /// Any seat writes a handoff.
    Handoff,
    /// A seat takes a handoff from its queue.
    TakeHandoff,
    /// Tier 2 investigates a subject over a time window.
    Investigate,
    /// Tier 2 declares an incident.
    DeclareIncident,
    /// Tier 2 merges two cases.
    MergeCases,
    /// A hunter runs a hunt.
    Hunt,
    /// Incident response isolates a host.
    Isolate,
    /// Incident response disables an account.
    DisableAccount,
    /// Incident response blocks an observable.
    Block,
    /// Incident response resets an account's credentials.
    ResetCredentials,
    /// Incident response eradicates persistence from a host.
    Eradicate,
    /// Incident response restores a host to service.
    Recover,
    /// The manager answers an inject.
    AnswerInject,
    /// The manager sets a case's severity.
    SetSeverity,
    /// The detection engineer changes a rule.
    ChangeRule,
    /// The manager assigns a queued alert to a Tier 1 analyst.
    Assign,
    /// The threat intel analyst enriches an indicator.
    Enrich,
}

/// Override of one partner team's delay.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RawPartner {
    pub team: Partner,
    /// How long the team takes to carry out a request.
    pub delay: Delay,
}

/// Partner teams incident response works through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Partner {
    /// Endpoint / desktop team: isolation, eradication, recovery.
    Endpoint,
    /// Identity team: account disable and credential reset.
    Identity,
    /// Network team: blocks on proxy, DNS and firewall.
    Network,
}

/// A random delay.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub enum Delay {
    /// Always this long.
    Fixed(Dur),
    /// Uniform between the two bounds.
    Uniform(Dur, Dur),
    /// Exponential with this mean (memoryless waiting).
    Exponential(Dur),
}

impl Default for Delay {
    fn default() -> Self {
        Delay::Fixed(Dur(0))
    }
}

/// A duration in whole seconds, written as a number of seconds or as `"1h30m"`,
/// `"45m"`, `"90s"`, `"2d"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Dur(pub u64);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as \"30m\", \"1h30m\", \"90s\" or a number of seconds")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dur, E> {
                if v > MAX_SECONDS {
                    return Err(E::custom(format!(
                        "duration {v} s is longer than the 30-day maximum"
                    )));
                }
                Ok(Dur(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dur, E> {
                let v = u64::try_from(v)
                    .map_err(|_| E::custom(format!("a duration cannot be negative (got {v})")))?;
                self.visit_u64(v)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dur, E> {
                Err(E::custom(format!(
                    "durations are whole seconds or strings like \"30m\" (got {v})"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dur, E> {
                parse_duration(v).map(Dur).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// The longest duration anything in a scenario may have: 30 days.
pub const MAX_SECONDS: u64 = 30 * 24 * 3600;

/// Parses `"1h30m"`, `"45m"`, `"90s"`, `"2d"`, `"0s"` into seconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration: write e.g. \"30m\" or \"1h30m\"".into());
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => {
                return Err(format!(
                    "bad duration {text:?}: unknown unit {c:?} (use d, h, m, s as in \"1h30m\")"
                ));
            }
        };
        if digits.is_empty() {
            return Err(format!(
                "bad duration {text:?}: a number must come before {c:?}"
            ));
        }
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("bad duration {text:?}: number too large"))?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .filter(|&v| v <= MAX_SECONDS)
            .ok_or_else(|| format!("duration {text:?} is longer than the 30-day maximum"))?;
    }
    if !digits.is_empty() {
        return Err(format!(
            "bad duration {text:?}: the last number has no unit (write e.g. \"{digits}s\" or \"{digits}m\")"
        ));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        for (text, want) in [("90s", 90), ("45m", 2700), ("1h30m", 5400), ("2d", 172_800)] {
            assert_eq!(parse_duration(text), Ok(want), "{text}");
        }
        for bad in ["", "10", "m", "1x", "99999d", "1h30"] {
            assert!(parse_duration(bad).is_err(), "{bad} should be refused");
        }
    }
}

/// What threat intelligence says of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IntelVerdict {
    /// Known malicious infrastructure or tooling.
    Malicious,
    /// Known good: a vendor, a service or the organisation's own.
    Benign,
    /// Looked up, and nothing is known.
    Unknown,
}
