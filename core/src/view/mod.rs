//! What each seat may see, as plain structs for every front end (CLI, web, game window).
//!
//! A seat's view holds only what the seat has discovered or been handed, plus the
//! queues of its role. Nothing in it says whether an alert or record is malicious: every
//! alert and record carries its log line and the same cue fields, whoever wrote it, and
//! ground truth is in [`FacilitatorView`] alone, which the facilitator sees throughout
//! and everyone sees at the debrief.

use bevy::prelude::*;
use serde::Serialize;

use crate::clock::SimTime;
use crate::content::{self, LineRef};
use crate::journal::{Entry, Journal, Measure};
use crate::scenario::{Level, Role, Scenario};
use crate::sim::attack::{AttackState, StageStatus};
use crate::sim::detect::Defense;
use crate::sim::truth::Truth;
use crate::sim::{Clock, ScenarioRes};
use crate::soc::ledger::{Alert, Ledger, Record};
use crate::soc::{
    Action, Evidence, Hypothesis, Knowledge, RuleChange, Seat, SeatIndex, Task, Verdict,
};

/// An alert as an analyst sees it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct AlertCard {
    /// Alert id.
    pub id: u32,
    /// Rule name.
    pub rule: String,
    pub severity: Level,
    /// Tenant name.
    pub tenant: String,
    /// Seconds within which the tenant's SLA wants it picked up.
    pub sla_seconds: u64,
    /// When it entered the queue.
    pub raised_at: SimTime,
    pub host: Option<String>,
    pub account: Option<String>,
    pub rule_id: String,
    /// ATT&CK techniques the rule is written for.
    pub techniques: Vec<String>,
    /// Observables the alert carries (kind and value).
    pub observables: Vec<String>,
    /// Evidence items the alert brings, for handoffs: the alert, its host, account,
    /// observables and the record behind it.
    pub items: Vec<Evidence>,
    /// The Tier 1 seat the manager assigned it to, if any.
    pub assigned_to: Option<u16>,
    /// The data source the alert's record comes from.
    pub source: String,
    /// The log line the rule fired on.
    pub line: String,
    /// What the console shows beside it.
    pub cues: CueCard,
    /// The SOC's own call on it, once a seat classified it (`None` until then).
    pub verdict: Option<crate::soc::Verdict>,
    /// Handed on to another role (escalated).
    pub escalated: bool,
}

/// The cues a console shows beside an alert or a record: always every field, whoever
/// wrote the item.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CueCard {
    /// The item's cues, each its own field on the wire.
    #[serde(flatten)]
    pub cues: crate::content::Cues,
    /// What threat intelligence has said of its indicators, if anything yet.
    pub intel: Option<IntelCard>,
}

/// Threat intelligence on an indicator, as the SOC has been told it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IntelCard {
    /// `Malicious`, `Benign` or `Unknown`.
    pub verdict: crate::content::IntelVerdict,
    /// How sure the source is, 0 to 1.
    pub confidence: f64,
    /// The source's words.
    pub note: String,
}

/// An indicator on the threat intel analyst's watchlist.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndicatorCard {
    /// The indicator.
    pub item: Evidence,
    /// Its kind and value.
    pub label: String,
    /// Raised alerts carrying it.
    pub alerts: u32,
    /// Whether a case or a waiting handoff holds it.
    pub in_case: bool,
    /// What threat intelligence says, once known.
    pub intel: Option<IntelCard>,
}

/// A case a seat owns.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct CaseCard {
    /// Case id.
    pub id: u32,
    /// When opened.
    pub opened_at: SimTime,
    pub severity: Level,
    /// Declared an incident.
    pub incident: bool,
    /// Evidence gathered in the case.
    pub evidence: Vec<EvidenceCard>,
}

/// The result of one investigation or hunt by this seat.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingCard {
    /// When it finished.
    pub at: SimTime,
    /// `investigation` or `hunt`.
    pub kind: String,
    /// What was looked at, in words.
    pub subject: String,
    /// Records it turned up, oldest first.
    pub records: Vec<EvidenceCard>,
}

/// A containment measure this seat asked a partner team for.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartnerCard {
    /// The measure, in words.
    pub measure: String,
    /// The partner team carrying it out.
    pub team: String,
    /// When asked.
    pub requested_at: SimTime,
    /// When it is (or was) due.
    pub due: SimTime,
    /// Whether it has been applied.
    pub done: bool,
}

/// A detection rule as the detection engineer manages it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RuleCard {
    /// Rule index (what actions name).
    pub index: usize,
    /// Rule id.
    pub id: String,
    pub name: String,
    /// Data source id.
    pub source: String,
    /// ATT&CK techniques.
    pub techniques: Vec<String>,
    /// Deployed now.
    pub enabled: bool,
    /// Fidelity now.
    pub fidelity: f64,
    /// Benign alerts per hour now.
    pub benign_per_hour: f64,
    /// A requested change not yet deployed, and when it deploys.
    pub pending: Option<(String, SimTime)>,
    /// Alerts it has raised so far.
    pub alerts: u32,
    /// Of those, how analysts judged them: called malicious (classified so, or handed
    /// on), called benign, and not judged yet.
    pub called_malicious: u32,
    pub called_benign: u32,
    /// Not judged yet.
    pub open: u32,
    /// The load it causes: its alerts per hour of the exercise so far.
    pub per_hour: f64,
}

/// One desk on the SOC floor: what a seat is doing (never what it knows).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct DeskCard {
    pub seat: u16,
    /// Seat name.
    pub name: String,
    pub role: Role,
    /// `person`, `bot`, or `left` (the facilitator removed the seat).
    pub played_by: String,
    /// The participant's name, when a person holds the seat and gave one.
    pub player: Option<String>,
    /// The kind of action under way.
    pub doing: Option<String>,
    /// Busy until.
    pub until: Option<SimTime>,
    /// Actions started so far.
    pub actions: u32,
}

/// The SOC's workload, for the manager and the board.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Workload {
    /// Simulated time.
    pub now: SimTime,
    /// Every seat.
    pub desks: Vec<DeskCard>,
    /// Alerts waiting in the Tier 1 queue.
    pub queue: usize,
    /// Alerts raised so far.
    pub alerts_raised: usize,
    /// Alerts raised per hour of the exercise so far (the last bucket is partial).
    pub alerts_per_hour: Vec<u32>,
    /// Handoffs waiting per receiving role.
    pub handoffs_waiting: Vec<(Role, usize)>,
    /// Cases open (not merged away).
    pub open_cases: usize,
    /// Incidents declared.
    pub incidents: usize,
}

/// A handoff waiting for the seat's role.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct HandoffCard {
    /// Handoff id.
    pub id: u32,
    /// Sending role.
    pub from: Role,
    /// Severity stated.
    pub severity: Level,
    pub summary: String,
    /// Items attached.
    pub evidence: usize,
    /// When sent.
    pub sent_at: SimTime,
}

/// A known item with a human label.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct EvidenceCard {
    pub item: Evidence,
    /// What it is, in words (for a record: its source, time and log line).
    pub label: String,
    /// For a record: when it was written, its data source and its log line, for a
    /// console that lays them out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<RecordLine>,
    /// For alerts and records: the cues a console shows.
    pub cues: Option<CueCard>,
}

/// A record as a log viewer shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordLine {
    /// When it was written.
    pub at: SimTime,
    /// Its data source's id.
    pub source: String,
    /// Its log line.
    pub line: String,
}

/// An inject addressed to the seat's role.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct InjectCard {
    /// Inject index.
    pub id: usize,
    /// Headline.
    pub title: String,
    pub body: String,
    /// Discussion questions.
    pub questions: Vec<String>,
    /// Options, when a decision is open for this seat.
    pub options: Vec<String>,
    /// When it reached the seat.
    pub at: SimTime,
    /// This seat's answers to its questions, oldest first.
    pub answers: Vec<String>,
}

/// A message from the facilitator.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MessageCard {
    /// When it was sent.
    pub at: SimTime,
    /// What it says.
    pub text: String,
    /// Sent to everyone (else to this seat alone).
    pub to_all: bool,
}

/// Everything one seat may see.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SeatView {
    /// Seat name.
    pub seat: String,
    pub role: Role,
    /// Simulated time.
    pub now: SimTime,
    /// The action under way and when it ends.
    pub working_on: Option<(Action, SimTime)>,
    /// Tier 1 and the SOC manager: alerts waiting in the queue.
    pub queue: Vec<AlertCard>,
    /// Alerts this seat holds.
    pub held: Vec<AlertCard>,
    /// Alerts this seat took and finished (its verdicts), newest first, the last 20.
    pub decided: Vec<AlertCard>,
    /// Whether a person holds the seat (a seat handed to a bot is the bot's until the
    /// person takes it back).
    pub person: bool,
    /// Handoffs waiting for this role.
    pub handoffs: Vec<HandoffCard>,
    /// Cases this seat owns.
    pub cases: Vec<CaseCard>,
    /// This seat's investigations and hunts, newest first.
    pub findings: Vec<FindingCard>,
    /// Responder: measures asked of partner teams.
    pub partners: Vec<PartnerCard>,
    /// Detection engineer: the rules and their deployment status.
    pub rules: Vec<RuleCard>,
    /// SOC manager: the floor's workload.
    pub workload: Option<Workload>,
    /// Everything this seat has discovered or been handed.
    pub known: Vec<EvidenceCard>,
    /// Injects that fired for this role, the scenario's and the facilitator's, in the
    /// order they came.
    pub inbox: Vec<InjectCard>,
    /// Messages from the facilitator to this seat or everyone, oldest first.
    pub messages: Vec<MessageCard>,
    /// Threat intel: the indicators the SOC has come across, newest first.
    pub indicators: Vec<IndicatorCard>,
}

/// Ground truth, for the facilitator and the debrief.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacilitatorView {
    /// Simulated time.
    pub now: SimTime,
    /// Per intrusion: each stage and where it stands.
    pub intrusions: Vec<(String, Vec<(String, String)>)>,
    /// Per intrusion: hosts held by the attacker.
    pub footholds: Vec<Vec<String>>,
    /// Alerts raised so far, with whether each is malicious.
    pub alerts: Vec<(u32, bool)>,
}

fn card(s: &Scenario, l: &Ledger, truth: &Truth, a: &Alert) -> AlertCard {
    let mut items = vec![Evidence::Alert(a.id)];
    items.extend(a.record.map(Evidence::Record));
    items.extend(a.host.map(Evidence::Host));
    items.extend(a.account.map(Evidence::Account));
    items.extend(a.observables.iter().map(|&o| Evidence::Observable(o)));
    let record = a.record.and_then(|r| l.records.get(r as usize));
    AlertCard {
        id: a.id,
        rule: s.rules[a.rule].name.clone(),
        severity: a.severity,
        tenant: s.tenants[a.tenant].name.clone(),
        sla_seconds: s.tenants[a.tenant].sla.pickup_target(),
        raised_at: a.raised_at,
        host: a.host.map(|h| s.hosts[h].id.clone()),
        account: a.account.map(|x| s.accounts[x].id.clone()),
        rule_id: s.rules[a.rule].id.clone(),
        techniques: s.rules[a.rule].techniques.clone(),
        observables: a
            .observables
            .iter()
            .map(|&o| format!("{:?} {}", s.observables[o].kind, s.observables[o].value))
            .collect(),
        items,
        assigned_to: a.assigned,
        source: s.sources[s.rules[a.rule].source].id.clone(),
        line: record.map_or_else(String::new, |r| line_text(s, truth, r)),
        cues: cue_card(
            s,
            l,
            record.map(|r| r.cues).unwrap_or_default(),
            &a.observables,
        ),
        verdict: a.verdict,
        escalated: a.escalated,
    }
}

/// The cues of an item as a console shows them, with what threat intelligence has said
/// of its indicators so far.
pub fn cue_card(
    s: &Scenario,
    l: &Ledger,
    c: crate::content::Cues,
    observables: &[usize],
) -> CueCard {
    CueCard {
        cues: c,
        intel: l.intel_on(observables).map(|i| {
            // The note of the indicator the verdict came from.
            let note = observables
                .iter()
                .filter(|&&o| l.intel.get(o).copied().flatten() == Some(i))
                .find_map(|&o| s.lookup.intel_of.get(o).copied().flatten())
                .map_or_else(String::new, |e| s.intel[e].note.clone());
            IntelCard {
                verdict: i.verdict,
                confidence: i.confidence,
                note,
            }
        }),
    }
}

/// A record's log line: its stage's telemetry, or its catalogue line filled in.
pub fn line_text(s: &Scenario, truth: &Truth, r: &Record) -> String {
    match truth.record_line.get(r.id as usize) {
        Some(&LineRef::Stage {
            intrusion,
            stage,
            spec,
        }) => s.intrusions[intrusion as usize].stages[stage as usize].telemetry[spec as usize]
            .summary
            .clone(),
        Some(&LineRef::Benign { line, peer, n }) => {
            let Some(l) = s.benign.get(line as usize) else {
                return String::new();
            };
            let tenant_hosts = &s.lookup.tenant_hosts[r.tenant];
            let host = r
                .host
                .or_else(|| tenant_hosts.first().copied())
                .map_or("", |h| s.hosts[h].id.as_str());
            let user = r
                .account
                .or_else(|| s.lookup.tenant_accounts[r.tenant].first().copied())
                .map_or("SYSTEM", |a| s.accounts[a].id.as_str());
            let indicator = r
                .observables
                .first()
                .map_or("", |&o| s.observables[o].value.as_str());
            content::render(
                &l.text,
                &content::Fill {
                    host,
                    peer: s.hosts.get(peer as usize).map_or(host, |h| h.id.as_str()),
                    user,
                    tenant: s.tenants[r.tenant].name.as_str(),
                    indicator,
                    n,
                },
            )
        }
        None => String::new(),
    }
}

/// What a record says, as a log line would: `edr record at T+0:57:07: <line>`.
pub fn record_summary(s: &Scenario, truth: &Truth, r: &Record) -> String {
    format!(
        "{} record at {}: {}",
        s.sources[r.source].id,
        r.at.hms(),
        line_text(s, truth, r)
    )
}

/// An evidence item in words, as a seat sees it.
pub fn label(s: &Scenario, l: &Ledger, truth: &Truth, item: Evidence) -> String {
    match item {
        Evidence::Alert(a) => format!("alert {a}: {}", s.rules[l.alerts[a as usize].rule].name),
        Evidence::Record(r) => record_summary(s, truth, &l.records[r as usize]),
        Evidence::Host(h) => format!("host {}", s.hosts[h].id),
        Evidence::Account(a) => format!("account {}", s.accounts[a].id),
        Evidence::Observable(o) => {
            format!("{:?} {}", s.observables[o].kind, s.observables[o].value)
        }
    }
}

/// An evidence item as a card: its label, and for alerts and records their cues.
pub fn evidence_card(s: &Scenario, l: &Ledger, truth: &Truth, item: Evidence) -> EvidenceCard {
    let cues = match item {
        Evidence::Alert(a) => l.alerts.get(a as usize).map(|al| {
            let c = al
                .record
                .and_then(|r| l.records.get(r as usize))
                .map(|r| r.cues)
                .unwrap_or_default();
            cue_card(s, l, c, &al.observables)
        }),
        Evidence::Record(r) => l
            .records
            .get(r as usize)
            .map(|rec| cue_card(s, l, rec.cues, &rec.observables)),
        _ => None,
    };
    let record = match item {
        Evidence::Record(r) => l.records.get(r as usize).map(|rec| RecordLine {
            at: rec.at,
            source: s.sources[rec.source].id.clone(),
            line: line_text(s, truth, rec),
        }),
        _ => None,
    };
    EvidenceCard {
        item,
        label: label(s, l, truth, item),
        record,
        cues,
    }
}

/// The view of seat `seat` (by seat id), or none if there is no such seat.
pub fn seat_view(world: &World, seat: u16) -> Option<SeatView> {
    let entity = *world.get_resource::<SeatIndex>()?.0.get(seat as usize)?;
    let s = &world.resource::<ScenarioRes>().0;
    let l = world.resource::<Ledger>();
    let truth = world.resource::<Truth>();
    let now = world.resource::<Clock>().now;
    let info = world.get::<Seat>(entity)?;
    let knowledge = world.get::<Knowledge>(entity)?;
    let task = world.get::<Task>(entity)?;
    let slot = l.board[seat as usize];
    let queue = if matches!(info.role, Role::Tier1 | Role::Manager) {
        l.queue
            .iter()
            .map(|a| card(s, l, truth, &l.alerts[a as usize]))
            .collect()
    } else {
        Vec::new()
    };
    Some(SeatView {
        seat: info.name.clone(),
        role: info.role,
        now,
        working_on: task.0.clone().map(|a| (a, slot.until)),
        queue,
        held: l
            .alerts
            .iter()
            .filter(|a| a.taken_by == Some(info.id) && !a.closed)
            .map(|a| card(s, l, truth, a))
            .collect(),
        decided: l
            .alerts
            .iter()
            .rev()
            .filter(|a| a.taken_by == Some(info.id) && a.closed)
            .take(20)
            .map(|a| card(s, l, truth, a))
            .collect(),
        person: slot.person,
        handoffs: l
            .handoffs_for(info.role)
            .map(|h| HandoffCard {
                id: h.id,
                from: h.from_role,
                severity: h.draft.severity,
                summary: h.draft.summary.clone(),
                evidence: h.draft.evidence.len(),
                sent_at: h.sent_at,
            })
            .collect(),
        cases: l
            .cases
            .iter()
            .filter(|c| c.owner == Some(info.id) && c.merged_into.is_none())
            .map(|c| CaseCard {
                id: c.id,
                opened_at: c.opened_at,
                severity: c.severity,
                incident: c.incident,
                evidence: c
                    .evidence()
                    .iter()
                    .filter(|e| knowledge.0.contains(e))
                    .map(|&item| evidence_card(s, l, truth, item))
                    .collect(),
            })
            .collect(),
        findings: findings(world, s, l, truth, info.id),
        partners: if info.role == Role::Responder {
            partners(world, s, info.id)
        } else {
            Vec::new()
        },
        rules: if info.role == Role::Engineer {
            rules(world, s)
        } else {
            Vec::new()
        },
        workload: (info.role == Role::Manager).then(|| workload(world)),
        known: knowledge
            .0
            .iter()
            .map(|item| evidence_card(s, l, truth, item))
            .collect(),
        inbox: inbox(s, l, info),
        messages: l
            .messages
            .iter()
            .filter(|m| m.to.is_none_or(|t| t == info.id))
            .map(|m| MessageCard {
                at: m.at,
                text: m.text.clone(),
                to_all: m.to.is_none(),
            })
            .collect(),
        indicators: if info.role == Role::Intel {
            indicators(s, l, now)
        } else {
            Vec::new()
        },
    })
}

/// The injects that reached a seat's role, the scenario's and the facilitator's, in
/// the order they fired, with the seat's answers.
fn inbox(s: &Scenario, l: &Ledger, info: &Seat) -> Vec<InjectCard> {
    let answers = |i: usize| -> Vec<String> {
        l.replies
            .iter()
            .filter(|r| r.seat == info.id && r.inject == i)
            .map(|r| r.text.clone())
            .collect()
    };
    let mut cards: Vec<InjectCard> = s
        .injects
        .iter()
        .enumerate()
        .filter(|(i, inj)| l.injects_fired[*i] && inj.to.contains(&info.role))
        .map(|(i, inj)| InjectCard {
            id: i,
            title: inj.title.clone(),
            body: inj.body.clone(),
            questions: inj.questions.clone(),
            options: match (
                &inj.decision,
                info.role == Role::Manager && l.inbox.contains(&i),
            ) {
                (Some(d), true) => d.options.clone(),
                _ => Vec::new(),
            },
            at: l.injects_fired_at[i],
            answers: answers(i),
        })
        .collect();
    let n = s.injects.len();
    cards.extend(
        l.live_injects
            .iter()
            .enumerate()
            .filter(|(_, inj)| inj.to.contains(&info.role))
            .map(|(k, inj)| InjectCard {
                id: n + k,
                title: inj.title.clone(),
                body: inj.body.clone(),
                questions: inj.questions.clone(),
                options: Vec::new(),
                at: inj.at,
                answers: answers(n + k),
            }),
    );
    // Stable: injects that fired together keep their numbers' order.
    cards.sort_by_key(|c| c.at);
    cards
}

/// The threat intel analyst's watchlist: every indicator the SOC has come across,
/// newest alert first, with how often it came up and what is known of it.
fn indicators(s: &Scenario, l: &Ledger, now: SimTime) -> Vec<IndicatorCard> {
    let mut alerts = vec![0u32; s.observables.len()];
    let mut last = vec![0u32; s.observables.len()];
    // Alerts still in the pipeline are on the desk already, but not yet raised.
    for a in l.alerts.iter().filter(|a| a.raised_at <= now) {
        for &o in &a.observables {
            alerts[o] += 1;
            last[o] = last[o].max(a.id + 1);
        }
    }
    let held = |item: &Evidence| {
        l.cases
            .iter()
            .any(|c| c.merged_into.is_none() && c.holds(item))
            || l.handoffs_for_anyone()
                .any(|h| h.draft.evidence.contains(item))
    };
    let mut out: Vec<IndicatorCard> = l
        .watchlist
        .iter()
        .filter_map(|item| {
            let Evidence::Observable(o) = item else {
                return None;
            };
            let card = cue_card(s, l, content::Cues::default(), &[o]);
            Some(IndicatorCard {
                item,
                label: format!("{:?} {}", s.observables[o].kind, s.observables[o].value),
                alerts: alerts[o],
                in_case: held(&item),
                intel: card.intel,
            })
        })
        .collect();
    out.sort_by_key(|c| match c.item {
        Evidence::Observable(o) => (std::cmp::Reverse(last[o]), o),
        _ => (std::cmp::Reverse(0), 0),
    });
    out
}

/// The facilitator's view: everything, including the attacker's ground truth.
pub fn facilitator_view(world: &World) -> FacilitatorView {
    let s = &world.resource::<ScenarioRes>().0;
    let attack = world.resource::<AttackState>();
    let l = world.resource::<Ledger>();
    FacilitatorView {
        now: world.resource::<Clock>().now,
        intrusions: s
            .intrusions
            .iter()
            .enumerate()
            .map(|(i, intr)| {
                let stages = intr
                    .stages
                    .iter()
                    .enumerate()
                    .map(|(si, st)| {
                        let status = attack
                            .intrusions
                            .get(i)
                            .map_or(StageStatus::Waiting, |x| x.status[si]);
                        (st.id.clone(), format!("{status:?}"))
                    })
                    .collect();
                (intr.id.clone(), stages)
            })
            .collect(),
        footholds: attack
            .intrusions
            .iter()
            .map(|x| x.footholds.iter().map(|&h| s.hosts[h].id.clone()).collect())
            .collect(),
        alerts: l
            .alerts
            .iter()
            .filter(|a| a.raised_at <= world.resource::<Clock>().now)
            .map(|a| (a.id, world.resource::<Truth>().alert(a.id).is_some()))
            .collect(),
    }
}

fn findings(world: &World, s: &Scenario, l: &Ledger, truth: &Truth, seat: u16) -> Vec<FindingCard> {
    let journal = world.resource::<Journal>();
    let mut out: Vec<FindingCard> = journal
        .lines
        .iter()
        .filter_map(|line| {
            let (kind, subject, records) = match &line.entry {
                Entry::Investigated {
                    seat: by,
                    subject,
                    records,
                    ..
                } if *by == seat => ("investigation", label(s, l, truth, *subject), records),
                Entry::Hunted {
                    seat: by,
                    hypothesis,
                    records,
                } if *by == seat => {
                    let subject = match hypothesis {
                        Hypothesis::Technique(t) => format!("technique {t}"),
                        Hypothesis::Source(src) => format!("data source {}", s.sources[*src].id),
                    };
                    ("hunt", subject, records)
                }
                _ => return None,
            };
            let mut records: Vec<_> = records.clone();
            records.sort_by_key(|&r| (l.records[r as usize].at, r));
            Some(FindingCard {
                at: line.t,
                kind: kind.into(),
                subject,
                records: records
                    .into_iter()
                    .map(|r| evidence_card(s, l, truth, Evidence::Record(r)))
                    .collect(),
            })
        })
        .collect();
    out.reverse();
    out
}

/// The measure in words and the partner team that applies it.
pub fn measure_label(s: &Scenario, m: &Measure) -> (String, &'static str) {
    let text = match *m {
        Measure::Isolate(h) => format!("isolate host {}", s.hosts[h].id),
        Measure::Eradicate(h) => format!("eradicate persistence on {}", s.hosts[h].id),
        Measure::Recover(h) => format!("recover host {}", s.hosts[h].id),
        Measure::DisableAccount(a) => format!("disable account {}", s.accounts[a].id),
        Measure::ResetCredentials(a) => format!("reset credentials of {}", s.accounts[a].id),
        Measure::Block(o) => format!("block {}", s.observables[o].value),
    };
    let team = match Defense::partner(*m) {
        crate::scenario::format::Partner::Endpoint => "endpoint team",
        crate::scenario::format::Partner::Identity => "identity team",
        crate::scenario::format::Partner::Network => "network team",
    };
    (text, team)
}

fn partners(world: &World, s: &Scenario, seat: u16) -> Vec<PartnerCard> {
    let journal = world.resource::<Journal>();
    let mut out: Vec<PartnerCard> = Vec::new();
    for line in &journal.lines {
        match &line.entry {
            Entry::MeasureRequested {
                seat: by,
                measure,
                due,
            } if *by == seat => {
                let (measure, team) = measure_label(s, measure);
                out.push(PartnerCard {
                    measure,
                    team: team.into(),
                    requested_at: line.t,
                    due: *due,
                    done: false,
                });
            }
            Entry::MeasureApplied { measure } => {
                let (text, _) = measure_label(s, measure);
                if let Some(p) = out.iter_mut().find(|p| !p.done && p.measure == text) {
                    p.done = true;
                }
            }
            _ => {}
        }
    }
    out
}

fn rules(world: &World, s: &Scenario) -> Vec<RuleCard> {
    let defense = world.resource::<Defense>();
    let now = world.resource::<Clock>().now;
    // Per rule: raised, called malicious, called benign, not judged yet. The calls are
    // the analysts' (a verdict, or an escalation without one), never the truth.
    let mut counts = vec![[0u32; 4]; s.rules.len()];
    for a in world
        .resource::<Ledger>()
        .alerts
        .iter()
        .filter(|a| a.raised_at <= now)
    {
        let c = &mut counts[a.rule];
        c[0] += 1;
        match (a.verdict, a.escalated) {
            (Some(Verdict::Malicious), _) | (None, true) => c[1] += 1,
            (Some(Verdict::Benign), _) => c[2] += 1,
            (None, false) => c[3] += 1,
        }
    }
    let journal = world.resource::<Journal>();
    let mut pending: Vec<Option<(String, SimTime)>> = vec![None; s.rules.len()];
    for line in &journal.lines {
        match &line.entry {
            Entry::RuleChangeRequested {
                rule, change, due, ..
            } => {
                let what = match change {
                    RuleChange::Enable => "enable".to_string(),
                    RuleChange::Disable => "disable".to_string(),
                    RuleChange::Tune {
                        fidelity,
                        benign_per_hour,
                    } => {
                        let mut parts = Vec::new();
                        if let Some(f) = fidelity {
                            parts.push(format!("fidelity {f}"));
                        }
                        if let Some(b) = benign_per_hour {
                            parts.push(format!("{b} benign/h"));
                        }
                        format!("tune: {}", parts.join(", "))
                    }
                };
                pending[*rule] = Some((what, *due));
            }
            Entry::RuleDeployed { rule, .. } => pending[*rule] = None,
            _ => {}
        }
    }
    s.rules
        .iter()
        .enumerate()
        .map(|(i, r)| RuleCard {
            index: i,
            id: r.id.clone(),
            name: r.name.clone(),
            source: s.sources[r.source].id.clone(),
            techniques: r.techniques.clone(),
            enabled: defense.rules[i].enabled,
            fidelity: defense.rules[i].fidelity,
            benign_per_hour: defense.rules[i].benign_per_hour,
            pending: pending[i].take(),
            alerts: counts[i][0],
            called_malicious: counts[i][1],
            called_benign: counts[i][2],
            open: counts[i][3],
            per_hour: f64::from(counts[i][0]) / (now.secs().max(1) as f64 / 3600.0).max(1.0),
        })
        .collect()
}

/// The SOC floor's workload: what every desk is doing, queue and case counts, alert
/// volume. Holds nothing a seat discovered and no ground truth.
pub fn workload(world: &World) -> Workload {
    let l = world.resource::<Ledger>();
    let clock = world.resource::<Clock>();
    let (now, ended) = (clock.now, clock.ended);
    let journal = world.resource::<Journal>();
    let mut actions = vec![0u32; l.board.len()];
    let mut played_by: Vec<String> = vec!["bot".into(); l.board.len()];
    let mut names: Vec<String> = vec![String::new(); l.board.len()];
    let mut players: Vec<Option<String>> = vec![None; l.board.len()];
    for line in &journal.lines {
        match &line.entry {
            Entry::Started { seats, .. } => {
                for info in seats {
                    if let Some(n) = names.get_mut(info.seat as usize) {
                        n.clone_from(&info.name);
                    }
                    if let Some(p) = players.get_mut(info.seat as usize) {
                        p.clone_from(&info.player);
                    }
                    if let Some(p) = played_by.get_mut(info.seat as usize) {
                        *p = if info.controller.starts_with("bot") {
                            "bot".into()
                        } else {
                            "person".into()
                        };
                    }
                }
            }
            Entry::SeatTaken { seat, name } => {
                if let Some(p) = played_by.get_mut(*seat as usize) {
                    *p = "person".into();
                }
                if let Some(p) = players.get_mut(*seat as usize) {
                    p.clone_from(name);
                }
            }
            Entry::SeatNamed { seat, name } => {
                if let Some(p) = players.get_mut(*seat as usize) {
                    *p = Some(name.clone());
                }
            }
            Entry::SeatReleased { seat } => {
                if let Some(p) = played_by.get_mut(*seat as usize) {
                    *p = "bot".into();
                }
            }
            Entry::SeatAdded { info } => {
                if let Some(n) = names.get_mut(info.seat as usize) {
                    n.clone_from(&info.name);
                }
            }
            Entry::ActionStarted { seat, .. } => {
                if let Some(n) = actions.get_mut(*seat as usize) {
                    *n += 1;
                }
            }
            _ => {}
        }
    }
    let index = world.resource::<SeatIndex>();
    let desks = l
        .board
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let doing = index
                .0
                .get(i)
                .and_then(|&e| world.get::<Task>(e))
                .and_then(|t| t.0.as_ref())
                .map(|a| format!("{:?}", a.name()));
            DeskCard {
                seat: i as u16,
                name: std::mem::take(&mut names[i]),
                role: slot.role,
                played_by: if slot.gone {
                    "left".into()
                } else {
                    played_by[i].clone()
                },
                player: if played_by[i] == "person" {
                    players[i].take()
                } else {
                    None
                },
                // Nobody works on once the exercise is over.
                doing: if slot.busy && !ended { doing } else { None },
                until: (slot.busy && !ended).then_some(slot.until),
                actions: actions[i],
            }
        })
        .collect();
    let raised: Vec<u64> = l
        .alerts
        .iter()
        .filter(|a| a.raised_at <= now)
        .map(|a| a.raised_at.secs())
        .collect();
    let mut per_hour = vec![0u32; (now.secs() / 3600 + 1) as usize];
    for t in &raised {
        per_hour[(*t / 3600) as usize] += 1;
    }
    let mut waiting: Vec<(Role, usize)> = Vec::new();
    for h in l
        .handoffs
        .iter()
        .filter(|h| h.taken_by.is_none() && !h.returned)
    {
        match waiting.iter_mut().find(|(r, _)| *r == h.draft.to) {
            Some((_, n)) => *n += 1,
            None => waiting.push((h.draft.to, 1)),
        }
    }
    waiting.sort_by_key(|(r, _)| *r);
    Workload {
        now,
        desks,
        queue: l.queue.len(),
        alerts_raised: raised.len(),
        alerts_per_hour: per_hour,
        handoffs_waiting: waiting,
        open_cases: l.cases.iter().filter(|c| c.merged_into.is_none()).count(),
        incidents: l.cases.iter().filter(|c| c.incident).count(),
    }
}
