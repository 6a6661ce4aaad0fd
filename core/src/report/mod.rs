//! After-action reports, shaped like an HSEEP After-Action Report / Improvement Plan.
//!
//! [`Report::build`] turns a finished exercise (scenario, journal, results) into a plain
//! report model: overview, executive summary, objectives, timeline, dwell bars, handoff
//! flow, triage, seats, ATT&CK coverage, strengths, areas for improvement and an
//! improvement plan, each finding citing the events behind it. The renderers turn the
//! model into HTML (self-contained, inline CSS and SVG), Markdown, JSON or CSV. Every
//! number shown comes from the results or the journal; nothing here does I/O.

pub mod compare;
mod csv;
pub mod discussion;
mod html;
mod markdown;
pub mod navigator;
pub(crate) mod svg;
mod tables;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::clock::SimTime;
use crate::journal::{Entry, Journal};
use crate::scenario::attack::Catalogue;
use crate::scenario::{Role, Scenario};
use crate::score::{HandoffResult, Rating, Results};
use crate::soc::{Action, Evidence, Verdict};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One self-contained HTML file.
    Html,
    /// Markdown for wikis and tickets.
    Markdown,
    /// The report model as JSON.
    Json,
    /// Long-format CSV: section, item, metric, value.
    Csv,
    /// An ATT&CK Navigator layer (format 4.5) of the techniques the attack used.
    Navigator,
}

impl Format {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Navigator => "layer.json",
        }
    }
}

/// A seat as the overview lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeatLine {
    /// Seat name.
    pub seat: String,
    /// Role label.
    pub role: String,
    /// Who played it: `bot (expert)` or `person (scripted)`, with the names of the
    /// participants who held it at a live console.
    pub played_by: String,
}

/// A strength or an area for improvement, with the events behind it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// What was observed.
    pub text: String,
    /// The journal events it rests on, in words with their times.
    pub evidence: Vec<String>,
}

/// A line of the improvement plan.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct PlanItem {
    pub issue: String,
    /// Corrective action.
    pub action: String,
    /// Owner role.
    pub owner: String,
    /// Target for the next exercise.
    pub target: String,
}

/// One tier transition in the handoff flow.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct FlowRow {
    /// Sending role.
    pub from: String,
    /// Receiving role.
    pub to: String,
    /// Handoffs.
    pub count: usize,
    pub mean_quality: f64,
    /// Mean wait before pickup over the handoffs picked up, seconds.
    pub mean_pickup_seconds: Option<f64>,
    /// Handoffs nobody picked up.
    pub never_picked_up: usize,
    /// Returned handoffs.
    pub bounces: usize,
}

/// A handoff quoted for what it lacked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WorstHandoff {
    /// The scored handoff.
    pub handoff: HandoffResult,
    /// The relevant items the sender had seen but left out, in words.
    pub lacked: Vec<String>,
    /// The sender's summary line.
    pub summary: String,
}

/// An alert listed in the triage section.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertLine {
    /// Alert id.
    pub id: u32,
    /// Rule name.
    pub rule: String,
    /// When raised.
    pub raised_at: SimTime,
    /// The stage behind it, for malicious alerts.
    pub stage: Option<String>,
    /// What happened to it.
    pub outcome: String,
}

/// How an ATT&CK technique of the scenario fared.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Coverage {
    /// A rule alerted on it.
    DetectedByRule,
    /// A hunt found it (no alert).
    FoundByHunt,
    /// An investigation found it (no alert, no hunt).
    FoundByInvestigation,
    /// It happened and nobody saw it.
    Missed,
    /// It never happened in this exercise.
    NotExercised,
}

impl Coverage {
    /// Words for tables.
    pub fn label(self) -> &'static str {
        match self {
            Coverage::DetectedByRule => "detected by rule",
            Coverage::FoundByHunt => "found by hunt",
            Coverage::FoundByInvestigation => "found by investigation",
            Coverage::Missed => "missed",
            Coverage::NotExercised => "not exercised",
        }
    }
}

/// One technique row.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct TechniqueRow {
    /// Technique id.
    pub id: String,
    /// Technique name.
    pub name: String,
    pub tactic: String,
    /// How it fared (the best outcome over its stages).
    pub coverage: Coverage,
    /// Whether any rule in the scenario (enabled or not) names it.
    pub has_rule: bool,
    /// The stages using it.
    pub stages: Vec<String>,
}

/// A mark on the timeline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Mark {
    /// Start.
    pub start: SimTime,
    /// End (equal to start for points).
    pub end: SimTime,
    /// Kind, for colour: `stage`, `blocked`, `alert-malicious`, `alert-benign`,
    /// `handoff` (one sent), `handoff-work` (writing or taking one), `triage`,
    /// `investigate`, `hunt`, `contain`, `decide`, `engineer`.
    pub kind: &'static str,
    /// What it was (the time is the mark's own).
    pub label: String,
}

/// A timeline lane.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Lane {
    /// Lane name.
    pub name: String,
    /// Marks, in time order.
    pub marks: Vec<Mark>,
}

/// A vertical line across the timeline.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Rule {
    /// When.
    pub at: SimTime,
    /// `detected`, `contained` or `stood-down` (the exercise was ended early).
    pub kind: &'static str,
    pub label: String,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Report {
    /// Scenario title.
    pub title: String,
    pub scenario: String,
    /// Scenario summary.
    pub summary: String,
    pub learning_objectives: Vec<String>,
    /// When the exercise ran, if recorded.
    pub date: Option<String>,
    pub seats: Vec<SeatLine>,
    /// Executive summary, in sentences.
    pub executive: Vec<String>,
    /// The results the report rests on.
    pub results: Results,
    /// Timeline lanes.
    pub lanes: Vec<Lane>,
    /// Detection and containment lines.
    pub rules: Vec<Rule>,
    /// Handoff flow by tier transition.
    pub flow: Vec<FlowRow>,
    /// The lowest-quality handoffs, with what they lacked.
    pub worst_handoffs: Vec<WorstHandoff>,
    /// Malicious alerts missed (classified benign or never triaged).
    pub missed_alerts: Vec<AlertLine>,
    /// Benign alerts escalated.
    pub needless_escalations: Vec<AlertLine>,
    /// ATT&CK coverage.
    pub techniques: Vec<TechniqueRow>,
    pub strengths: Vec<Finding>,
    /// Areas for improvement.
    pub improvements: Vec<Finding>,
    /// Improvement plan.
    pub plan: Vec<PlanItem>,
    /// Injects, answers, decisions, the facilitator's notes and messages, and seat
    /// changes, in order.
    pub discussion: Vec<discussion::Said>,
}

pub use crate::clock::span;

/// A rating as a letter, or `—` when not rated.
pub fn rating_label(r: Option<Rating>) -> &'static str {
    match r {
        Some(Rating::P) => "P",
        Some(Rating::S) => "S",
        Some(Rating::M) => "M",
        Some(Rating::U) => "U",
        None => "—",
    }
}

/// The team score in words: `49.6 / 100`, or `no team score`.
pub fn team_score_text(r: &Results) -> String {
    r.team_score
        .map_or_else(|| "no team score".into(), |s| format!("{s:.1} / 100"))
}

/// Where the score stands against par and what a typical team reaches, when known:
/// `par 81.6 (below par) · a typical team 41.2–55.0 (within)`.
pub fn standing(r: &Results) -> Option<String> {
    let score = r.team_score?;
    let mut parts = Vec::new();
    if let Some(par) = r.par {
        let side = if score >= par {
            "at or above par"
        } else {
            "below par"
        };
        parts.push(format!("par {par:.1} ({side})"));
    }
    if let Some((lo, hi)) = r.typical {
        let side = if score > hi {
            "above"
        } else if score >= lo {
            "within"
        } else {
            "below"
        };
        parts.push(format!("a typical team {lo:.1}–{hi:.1} ({side})"));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// How the exercise ended, when the defenders stood down before the time limit: the
/// plain statement every scorecard, debrief and report carries.
pub fn ending_note(r: &Results) -> Option<String> {
    (r.ended_by == crate::score::EndedBy::Defenders).then(|| {
        format!(
            "The exercise was ended early at {}. The attack ran on to {} without defenders (nobody acted after {}), and the exercise is scored on that.",
            r.ended_at.clock(),
            r.ran_to.clock(),
            r.ended_at.clock()
        )
    })
}

/// A ladder step's outcome in words, for a scenario on a training ladder.
pub fn ladder_note(r: &Results) -> Option<String> {
    let l = r.ladder.as_ref()?;
    let next = l
        .next
        .as_ref()
        .map_or_else(String::new, |n| format!(" next step: {n}"));
    Some(match l.passed {
        Some(true) => format!(
            "Ladder {} step {}: PASSED (needed {:.1}).{}",
            l.track,
            l.step,
            l.pass_score,
            if next.is_empty() {
                " This is the last step.".to_string()
            } else {
                format!(" Move up:{next}.")
            }
        ),
        Some(false) => format!(
            "Ladder {} step {}: NOT PASSED (needed {:.1}). Repeat this step before moving up{}.",
            l.track,
            l.step,
            l.pass_score,
            if next.is_empty() {
                String::new()
            } else {
                format!(" ({})", next.trim())
            }
        ),
        None => format!(
            "Ladder {} step {}: no team score, so no pass (needed {:.1}).",
            l.track, l.step, l.pass_score
        ),
    })
}

/// Words for an evidence item.
pub fn evidence_label(s: &Scenario, journal: &Journal, item: Evidence) -> String {
    match item {
        Evidence::Alert(a) => {
            let rule = journal.lines.iter().find_map(|l| match &l.entry {
                Entry::AlertRaised { alert, rule, .. } if *alert == a => Some(*rule),
                _ => None,
            });
            match rule.and_then(|r| s.rules.get(r)) {
                Some(r) => format!("alert {a} ({})", r.name),
                None => format!("alert {a}"),
            }
        }
        Evidence::Record(r) => {
            let fact = journal.lines.iter().find_map(|l| match &l.entry {
                Entry::Telemetry(tel) if tel.record == r => Some((tel.source, tel.stage)),
                _ => None,
            });
            match fact {
                Some((src, Some((i, st)))) => {
                    let summary = s.intrusions[i].stages[st]
                        .telemetry
                        .iter()
                        .find(|t| t.source == src)
                        .map_or("", |t| t.summary.as_str());
                    format!("{} record {r}: {summary}", s.sources[src].id)
                }
                _ => format!("record {r}"),
            }
        }
        Evidence::Host(h) => format!("host {}", s.hosts.get(h).map_or("?", |x| x.id.as_str())),
        Evidence::Account(a) => format!(
            "account {}",
            s.accounts.get(a).map_or("?", |x| x.id.as_str())
        ),
        Evidence::Observable(o) => s.observables.get(o).map_or_else(
            || format!("observable {o}"),
            |x| format!("{:?} {}", x.kind, x.value),
        ),
    }
}

fn played_by(controller: &str) -> String {
    match controller.strip_prefix("bot:") {
        Some(profile) => format!("bot ({profile})"),
        None if controller == "person" => "person (live)".into(),
        None => format!("person ({controller})"),
    }
}

fn action_kind(a: &Action) -> &'static str {
    match a {
        Action::TakeAlert(_) | Action::Classify(..) | Action::Close(_) => "triage",
        Action::Handoff(_) | Action::TakeHandoff(_) | Action::ReturnHandoff(..) => "handoff-work",
        Action::Investigate { .. } | Action::DeclareIncident(..) | Action::MergeCases(..) => {
            "investigate"
        }
        Action::Hunt { .. } => "hunt",
        Action::Isolate(_)
        | Action::DisableAccount(_)
        | Action::Block(_)
        | Action::ResetCredentials(_)
        | Action::Eradicate(_)
        | Action::Recover(_) => "contain",
        Action::AnswerInject(..) | Action::SetSeverity(..) | Action::Assign(..) => "decide",
        Action::ChangeRule(..) => "engineer",
        Action::Enrich(_) => "intel",
    }
}

impl Report {
    /// Builds the report of a finished exercise.
    pub fn build(s: &Scenario, journal: &Journal, r: &Results, date: Option<String>) -> Report {
        let seats: Vec<SeatLine> = r
            .seats
            .iter()
            .map(|x| SeatLine {
                seat: x.seat.clone(),
                role: Role::from_slug(&x.role).map_or(x.role.clone(), |r| r.label().to_string()),
                played_by: if x.players.is_empty() {
                    played_by(&x.controller)
                } else {
                    format!("{}: {}", played_by(&x.controller), x.players.join(", "))
                },
            })
            .collect();
        let (lanes, rules) = timeline(s, journal, r);
        let flow = flow(&r.handoffs);
        let mut worst: Vec<&HandoffResult> =
            r.handoffs.iter().filter(|h| h.quality < 70.0).collect();
        worst.sort_by(|a, b| a.quality.total_cmp(&b.quality).then(a.id.cmp(&b.id)));
        let worst_handoffs = worst
            .into_iter()
            .take(5)
            .map(|h| WorstHandoff {
                lacked: h
                    .missing_items
                    .iter()
                    .map(|e| evidence_label(s, journal, *e))
                    .collect(),
                summary: journal
                    .lines
                    .iter()
                    .find_map(|l| match &l.entry {
                        Entry::HandoffSent { handoff, draft, .. } if *handoff == h.id => {
                            Some(draft.summary.clone())
                        }
                        _ => None,
                    })
                    .unwrap_or_default(),
                handoff: h.clone(),
            })
            .collect();
        let (missed_alerts, needless_escalations) = alert_lists(s, journal);
        let techniques = techniques(s, r);
        let mut report = Report {
            title: s.title.clone(),
            scenario: s.id.clone(),
            summary: s.summary.clone(),
            learning_objectives: s.learning_objectives.clone(),
            date,
            seats,
            executive: Vec::new(),
            results: r.clone(),
            lanes,
            rules,
            flow,
            worst_handoffs,
            missed_alerts,
            needless_escalations,
            techniques,
            strengths: Vec::new(),
            improvements: Vec::new(),
            plan: Vec::new(),
            discussion: discussion::discussion(s, journal),
        };
        report.executive = executive(r);
        findings(&mut report);
        report
    }

    /// The attacker's timeline against the defenders' actions, as an SVG element (for
    /// debrief screens).
    pub fn timeline_svg(&self) -> String {
        svg::timeline(self)
    }

    /// Renders the report.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Html => html::render(self),
            Format::Markdown => markdown::render(self),
            Format::Json => {
                serde_json::to_string_pretty(self).expect("the report serialises to JSON") + "\n"
            }
            Format::Csv => csv::render(self),
            Format::Navigator => {
                serde_json::to_string_pretty(&navigator::layer(self))
                    .expect("the layer serialises to JSON")
                    + "\n"
            }
        }
    }
}

fn timeline(s: &Scenario, journal: &Journal, r: &Results) -> (Vec<Lane>, Vec<Rule>) {
    let end = r.ended_at.max(r.ran_to);
    let mut attacker = Lane {
        name: "Attacker".into(),
        marks: Vec::new(),
    };
    let mut alerts = Lane {
        name: "Alerts".into(),
        marks: Vec::new(),
    };
    let mut by_role: BTreeMap<usize, Lane> = BTreeMap::new();
    let seat_role: Vec<Role> = journal.seats().iter().map(|x| x.role).collect();
    let role_of = |seat: u16| seat_role.get(seat as usize).copied();
    let seat_name = |seat: u16| {
        r.seats
            .get(seat as usize)
            .map_or_else(|| format!("seat {seat}"), |x| x.seat.clone())
    };
    for line in &journal.lines {
        let t = line.t;
        match &line.entry {
            Entry::StageFired { intrusion, stage } => {
                let st = &s.intrusions[*intrusion].stages[*stage];
                attacker.marks.push(Mark {
                    start: t,
                    end: t,
                    kind: "stage",
                    label: format!(
                        "{}: {} ({}, {})",
                        s.intrusions[*intrusion].id, st.name, st.technique, st.tactic
                    ),
                });
            }
            Entry::StageBlocked {
                intrusion,
                stage,
                reason,
                ..
            } => {
                let st = &s.intrusions[*intrusion].stages[*stage];
                let by = match reason {
                    crate::journal::BlockReason::Enacted(p) => format!(
                        "the {} a decision put in force",
                        s.policies
                            .get(*p)
                            .map_or("business measure", String::as_str)
                    ),
                    _ => "containment".to_string(),
                };
                attacker.marks.push(Mark {
                    start: t,
                    end: t,
                    kind: "blocked",
                    label: format!(
                        "{}: {} blocked by {by}",
                        s.intrusions[*intrusion].id, st.name
                    ),
                });
            }
            Entry::AlertRaised {
                alert, rule, stage, ..
            } => alerts.marks.push(Mark {
                start: t,
                end: t,
                kind: if stage.is_some() {
                    "alert-malicious"
                } else {
                    "alert-benign"
                },
                label: format!(
                    "alert {alert}: {}",
                    s.rules.get(*rule).map_or("?", |x| x.name.as_str())
                ),
            }),
            Entry::ActionStarted {
                seat,
                action,
                until,
            } => {
                let mark = Mark {
                    start: t,
                    end: (*until).min(end).max(t),
                    kind: action_kind(action),
                    label: format!("{}: {:?}", seat_name(*seat), action.name()),
                };
                push_role_mark(&mut by_role, role_of(*seat), mark);
            }
            Entry::HandoffSent {
                handoff,
                seat,
                draft,
                ..
            } => {
                let mark = Mark {
                    start: t,
                    end: t,
                    kind: "handoff",
                    label: format!(
                        "handoff {handoff} from {} to {}",
                        seat_name(*seat),
                        draft.to.label()
                    ),
                };
                push_role_mark(&mut by_role, role_of(*seat), mark);
            }
            _ => {}
        }
    }
    let mut lanes = vec![attacker, alerts];
    lanes.extend(by_role.into_values());
    let mut rules = Vec::new();
    if r.ended_by == crate::score::EndedBy::Defenders {
        rules.push(Rule {
            at: r.ended_at,
            kind: "stood-down",
            label: "exercise ended: the attack runs on without defenders".into(),
        });
    }
    for i in &r.intrusions {
        if let Some(t) = i.detected_at {
            rules.push(Rule {
                at: t,
                kind: "detected",
                label: format!("{} detected", i.id),
            });
        }
        if let Some(t) = i.contained_at {
            rules.push(Rule {
                at: t,
                kind: "contained",
                label: format!("{} contained", i.id),
            });
        }
    }
    (lanes, rules)
}

/// Adds a mark to its role's lane; lanes sort in the usual role order.
fn push_role_mark(lanes: &mut BTreeMap<usize, Lane>, role: Option<Role>, mark: Mark) {
    let Some(role) = role else { return };
    let order = crate::scenario::ALL_ROLES
        .iter()
        .position(|x| *x == role)
        .unwrap_or(0);
    lanes
        .entry(order)
        .or_insert_with(|| Lane {
            name: role.label().into(),
            marks: Vec::new(),
        })
        .marks
        .push(mark);
}

fn flow(handoffs: &[HandoffResult]) -> Vec<FlowRow> {
    let mut groups: BTreeMap<(String, String), Vec<&HandoffResult>> = BTreeMap::new();
    for h in handoffs {
        groups
            .entry((h.from.clone(), h.to.clone()))
            .or_default()
            .push(h);
    }
    groups
        .into_iter()
        .map(|((from, to), hs)| FlowRow {
            from,
            to,
            count: hs.len(),
            mean_quality: crate::score::round1(
                hs.iter().map(|h| h.quality).sum::<f64>() / hs.len() as f64,
            ),
            mean_pickup_seconds: crate::score::mean(
                hs.iter().filter_map(|h| h.pickup_seconds.map(|p| p as f64)),
            )
            .map(f64::round),
            never_picked_up: hs.iter().filter(|h| h.pickup_seconds.is_none()).count(),
            bounces: hs.iter().filter(|h| h.bounced).count(),
        })
        .collect()
}

fn alert_lists(s: &Scenario, journal: &Journal) -> (Vec<AlertLine>, Vec<AlertLine>) {
    struct Seen {
        rule: usize,
        raised_at: SimTime,
        stage: Option<(usize, usize)>,
        verdict: Option<Verdict>,
        escalated: bool,
    }
    let mut alerts: BTreeMap<u32, Seen> = BTreeMap::new();
    for l in &journal.lines {
        match &l.entry {
            Entry::AlertRaised {
                alert, rule, stage, ..
            } => {
                alerts.insert(
                    *alert,
                    Seen {
                        rule: *rule,
                        raised_at: l.t,
                        stage: *stage,
                        verdict: None,
                        escalated: false,
                    },
                );
            }
            Entry::Classified { alert, verdict, .. } => {
                if let Some(a) = alerts.get_mut(alert) {
                    a.verdict.get_or_insert(*verdict);
                }
            }
            Entry::HandoffSent { draft, .. } => {
                if let Some(a) = draft.alert.and_then(|a| alerts.get_mut(&a)) {
                    a.escalated = true;
                }
            }
            _ => {}
        }
    }
    let line = |id: u32, a: &Seen, outcome: &str| AlertLine {
        id,
        rule: s.rules.get(a.rule).map_or("?".into(), |r| r.name.clone()),
        raised_at: a.raised_at,
        stage: a
            .stage
            .map(|(i, st)| format!("{}/{}", s.intrusions[i].id, s.intrusions[i].stages[st].id)),
        outcome: outcome.into(),
    };
    let mut missed = Vec::new();
    let mut needless = Vec::new();
    for (&id, a) in &alerts {
        match (a.stage.is_some(), a.verdict, a.escalated) {
            (true, Some(Verdict::Benign), false) => missed.push(line(id, a, "classified benign")),
            (true, None, false) => missed.push(line(id, a, "never triaged")),
            (false, _, true) => needless.push(line(id, a, "escalated to Tier 2")),
            _ => {}
        }
    }
    (missed, needless)
}

fn techniques(s: &Scenario, r: &Results) -> Vec<TechniqueRow> {
    let cat = Catalogue::get();
    let mut rows: BTreeMap<String, TechniqueRow> = BTreeMap::new();
    for (ii, intr) in s.intrusions.iter().enumerate() {
        for (si, st) in intr.stages.iter().enumerate() {
            let res = r.intrusions.get(ii).and_then(|x| x.stages.get(si));
            let coverage = match res {
                Some(x) if x.fired_at.is_none() => Coverage::NotExercised,
                Some(x) if x.alerts > 0 => Coverage::DetectedByRule,
                Some(x) if x.found_by_hunt => Coverage::FoundByHunt,
                Some(x) if x.found_by_investigation => Coverage::FoundByInvestigation,
                Some(_) => Coverage::Missed,
                None => Coverage::NotExercised,
            };
            let row = rows
                .entry(st.technique.clone())
                .or_insert_with(|| TechniqueRow {
                    id: st.technique.clone(),
                    name: cat
                        .technique(&st.technique)
                        .map_or(String::new(), |t| t.name.to_string()),
                    tactic: st.tactic.clone(),
                    coverage: Coverage::NotExercised,
                    has_rule: s.rules.iter().any(|rule| {
                        rule.techniques
                            .iter()
                            .any(|t| crate::scenario::attack::covers(t, &st.technique))
                    }),
                    stages: Vec::new(),
                });
            row.coverage = row.coverage.min(coverage);
            row.stages.push(format!("{}/{}", intr.id, st.id));
        }
    }
    let tactic_order = |t: &str| cat.tactics().iter().position(|x| *x == t).unwrap_or(99);
    let mut v: Vec<TechniqueRow> = rows.into_values().collect();
    v.sort_by(|a, b| (tactic_order(&a.tactic), &a.id).cmp(&(tactic_order(&b.tactic), &b.id)));
    v
}

fn executive(r: &Results) -> Vec<String> {
    let mut out: Vec<String> = ending_note(r).into_iter().collect();
    for i in &r.intrusions {
        let sentence = match (i.compromised_at, i.detected_at, i.contained_at) {
            (None, ..) if i.stages_blocked.is_empty() => {
                format!("{} never began within the exercise.", i.name)
            }
            (None, ..) => format!(
                "{} never got a foothold: its first stage was stopped.",
                i.name
            ),
            (Some(c), None, _) if i.told_at.is_some() => format!(
                "{} began at {} and was not detected by the SOC: the attacker announced it at {}.",
                i.name,
                c.clock(),
                i.told_at.unwrap_or(c).clock()
            ),
            (Some(c), None, _) => format!(
                "{} began at {} and was never detected; it ran for at least {} before the exercise ended.",
                i.name,
                c.clock(),
                span(i.dwell_seconds.unwrap_or(0))
            ),
            (Some(c), Some(d), None) => format!(
                "{} began at {}, was detected {} later at {}, and was not contained by the end.",
                i.name,
                c.clock(),
                span(d.since(c)),
                d.clock()
            ),
            (Some(c), Some(d), Some(k)) => format!(
                "{} began at {}, was detected {} later, and contained {} after detection ({} of exposure).",
                i.name,
                c.clock(),
                span(d.since(c)),
                span(k.since(d)),
                span(k.since(c))
            ),
        };
        out.push(sentence);
    }
    let prevented = (r.impact.possible - r.impact.realised).max(0.0);
    out.push(format!(
        "The attackers realised {:.0} of {:.0} possible impact points ({:.0}%); {:.0} points were prevented.",
        r.impact.realised, r.impact.possible, r.impact.percent, prevented
    ));
    out.push(match (r.team_score, standing(r)) {
        (Some(score), Some(st)) => format!("The team scored {score:.1} of 100: {st}."),
        (Some(score), None) => format!("The team scored {score:.1} of 100."),
        (None, _) => format!(
            "There is no team score: {}.",
            r.team_score_note
                .as_deref()
                .unwrap_or("nothing could be rated")
        ),
    });
    let unrated: Vec<&str> = r
        .components
        .iter()
        .filter(|c| c.score.is_none())
        .map(|c| c.name.as_str())
        .collect();
    if r.team_score.is_some() && !unrated.is_empty() {
        out.push(format!(
            "Not rated, for want of anything to measure, and left out of the team score: {}.",
            unrated.join(", ")
        ));
    }
    out.extend(ladder_note(r));
    out
}

fn findings(rep: &mut Report) {
    let r = rep.results.clone();
    let mut strengths = Vec::new();
    let mut improvements = Vec::new();
    let mut plan = Vec::new();
    for i in &r.intrusions {
        let Some(c) = i.compromised_at else { continue };
        match (i.detected_at, i.censored) {
            (Some(d), false) if d.since(c) <= 3600 => strengths.push(Finding {
                text: format!(
                    "{} was detected {} after it began.",
                    i.name,
                    span(d.since(c))
                ),
                evidence: vec![format!(
                    "{} compromise; {} detection by {}",
                    c.clock(),
                    d.clock(),
                    i.detected_by
                        .map_or("the team".into(), |b| format!("{b:?}").to_lowercase())
                )],
            }),
            (Some(d), false) => {
                improvements.push(Finding {
                    text: format!("{} went unnoticed for {}.", i.name, span(d.since(c))),
                    evidence: vec![format!("{} compromise; {} detection", c.clock(), d.clock())],
                });
                plan.push(PlanItem {
                    issue: format!("Slow detection of {}", i.name),
                    action: "Review the first alerts on this activity and raise the fidelity or severity of the rules that saw it".into(),
                    owner: Role::Engineer.label().into(),
                    target: "Detection within 1 hour".into(),
                });
            }
            _ => {
                improvements.push(Finding {
                    text: match i.told_at {
                        Some(t) => format!(
                            "{} was not detected by the SOC: the attacker announced it at {}.",
                            i.name,
                            t.clock()
                        ),
                        None => format!("{} was never detected.", i.name),
                    },
                    evidence: vec![format!(
                        "{} compromise; no seat judged its activity malicious by {}",
                        c.clock(),
                        i.told_at.unwrap_or(r.ran_to).clock()
                    )],
                });
                plan.push(PlanItem {
                    issue: format!("{} undetected", i.name),
                    action: "Hunt for the techniques it used and add or enable rules for them"
                        .into(),
                    owner: Role::Hunter.label().into(),
                    target: "Detected in the next exercise".into(),
                });
            }
        }
        match i.contained_at {
            Some(k) if i.impact_points == 0.0 => strengths.push(Finding {
                text: format!("{} was contained before it caused any impact.", i.name),
                evidence: vec![format!("contained {}", k.clock())],
            }),
            _ if i.impact_points > 0.0 => {
                let impact_stages: Vec<String> = i
                    .stages
                    .iter()
                    .filter(|s| s.fired_at.is_some())
                    .map(|s| format!("{} {}", s.fired_at.unwrap_or_default().clock(), s.id))
                    .collect();
                improvements.push(Finding {
                    text: format!(
                        "{} realised {:.0} impact points{}.",
                        i.name,
                        i.impact_points,
                        i.contained_at
                            .map_or(" and was never contained".into(), |k| format!(
                                " before containment at {}",
                                k.clock()
                            ))
                    ),
                    evidence: impact_stages,
                });
                plan.push(PlanItem {
                    issue: format!("Impact from {}", i.name),
                    action: "Rehearse the containment playbook: isolate hosts and disable stolen accounts in one pass, with the partner teams on the call".into(),
                    owner: Role::Responder.label().into(),
                    target: "Contained before impact".into(),
                });
            }
            _ => {}
        }
    }
    let t = &r.triage;
    if let Some(acc) = t.accuracy
        && acc >= 90.0
    {
        {
            strengths.push(Finding {
                text: format!("Tier 1 triaged accurately ({acc:.1}% weighted accuracy)."),
                evidence: vec![format!(
                    "{} true positives, {} true negatives, {} false positives, {} false negatives",
                    t.true_positives, t.true_negatives, t.false_positives, t.false_negatives
                )],
            });
        }
    }
    if !rep.missed_alerts.is_empty() {
        improvements.push(Finding {
            text: format!(
                "{} malicious alert(s) were missed.",
                rep.missed_alerts.len()
            ),
            evidence: rep
                .missed_alerts
                .iter()
                .map(|a| {
                    format!(
                        "{} alert {} ({}, {}): {}",
                        a.raised_at.clock(),
                        a.id,
                        a.rule,
                        a.stage.clone().unwrap_or_default(),
                        a.outcome
                    )
                })
                .collect(),
        });
        plan.push(PlanItem {
            issue: "Missed malicious alerts".into(),
            action: "Walk Tier 1 through the missed alerts and the telemetry behind them; add the distinguishing signs to the triage guide".into(),
            owner: Role::Tier1.label().into(),
            target: "No missed malicious alert".into(),
        });
    }
    if rep.needless_escalations.len() >= 3 {
        improvements.push(Finding {
            text: format!(
                "{} benign alerts were escalated to Tier 2.",
                rep.needless_escalations.len()
            ),
            evidence: rep
                .needless_escalations
                .iter()
                .take(6)
                .map(|a| format!("{} alert {} ({})", a.raised_at.clock(), a.id, a.rule))
                .collect(),
        });
        plan.push(PlanItem {
            issue: "Needless escalations".into(),
            action:
                "Tune the noisiest rules and add their known-benign patterns to the triage guide"
                    .into(),
            owner: Role::Engineer.label().into(),
            target: "At most 2 needless escalations per shift".into(),
        });
    }
    if let Some(met) = t.sla_met_percent
        && met < 90.0
    {
        improvements.push(Finding {
            text: format!("Only {met:.0}% of alerts were picked up within their tenant's SLA."),
            evidence: vec![format!("{} alerts breached their SLA", t.sla_breaches)],
        });
        plan.push(PlanItem {
            issue: "SLA breaches".into(),
            action: "Review Tier 1 staffing and queue order for the tenants with the tightest SLA"
                .into(),
            owner: Role::Manager.label().into(),
            target: "95% of alerts within SLA".into(),
        });
    }
    match r.handoff_quality {
        Some(q) if q >= 80.0 => strengths.push(Finding {
            text: format!("Handoffs carried what the next tier needed (mean quality {q:.1})."),
            evidence: vec![format!("{} handoffs", r.handoffs.len())],
        }),
        _ => {}
    }
    for w in rep.worst_handoffs.iter().take(3) {
        let h = &w.handoff;
        let mut why = Vec::new();
        if h.routing == 0.0 {
            why.push(
                "it carried nothing malicious or went to a role that could not act on it"
                    .to_string(),
            );
        }
        if h.missing > 0 {
            why.push(format!(
                "it left out {} relevant item(s) the sender had seen",
                h.missing
            ));
        }
        if h.severity_score < 1.0 {
            why.push(format!(
                "severity {:?} where {:?} was right",
                h.severity, h.true_severity
            ));
        }
        if h.bounced {
            why.push("it was returned".into());
        }
        improvements.push(Finding {
            text: format!(
                "Handoff {} ({} → {}) scored {:.1}: {}.",
                h.id,
                h.from,
                h.to,
                h.quality,
                why.join("; ")
            ),
            evidence: std::iter::once(format!("{} sent by {}", h.sent_at.clock(), h.sender))
                .chain(w.lacked.iter().map(|l| format!("lacked {l}")))
                .collect(),
        });
    }
    if rep.worst_handoffs.iter().any(|w| !w.lacked.is_empty()) {
        plan.push(PlanItem {
            issue: "Incomplete handoffs".into(),
            action: "Adopt a handoff checklist: affected hosts and accounts, indicators, the telemetry seen, severity".into(),
            owner: Role::Tier2.label().into(),
            target: "Mean handoff quality 80".into(),
        });
    }
    let missed: Vec<&TechniqueRow> = rep
        .techniques
        .iter()
        .filter(|t| t.coverage == Coverage::Missed)
        .collect();
    if !missed.is_empty() {
        improvements.push(Finding {
            text: format!(
                "{} technique(s) ran without any alert, hunt or investigation seeing them.",
                missed.len()
            ),
            evidence: missed
                .iter()
                .map(|t| format!("{} {} ({})", t.id, t.name, t.stages.join(", ")))
                .collect(),
        });
        plan.push(PlanItem {
            issue: "Detection gaps".into(),
            action: format!(
                "Write or enable rules for {}",
                missed
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            owner: Role::Engineer.label().into(),
            target: "Every exercised technique covered".into(),
        });
    }
    for o in &r.objectives {
        if o.rating == Some(Rating::U) {
            improvements.push(Finding {
                text: format!("Objective “{}” was not met.", o.description),
                evidence: vec![o.evidence.clone()],
            });
        } else if o.rating == Some(Rating::P) {
            strengths.push(Finding {
                text: format!("Objective “{}” was performed.", o.description),
                evidence: vec![o.evidence.clone()],
            });
        }
    }
    rep.strengths = strengths;
    rep.improvements = improvements;
    rep.plan = plan;
}
