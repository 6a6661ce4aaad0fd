//! What each seat may see, as plain structs for every front end (CLI, web, game window).
//!
//! A seat's view holds only what the seat has discovered or been handed, plus the
//! queues of its role. Nothing in it says whether an alert or record is malicious:
//! ground truth is in [`FacilitatorView`] alone, which the facilitator sees throughout
//! and everyone sees at the debrief.

use bevy::prelude::*;
use serde::Serialize;

use crate::scenario::{Level, Role, Scenario};
use crate::sim::attack::{AttackState, StageStatus};
use crate::sim::{Clock, ScenarioRes};
use crate::soc::ledger::{Alert, Ledger, Record};
use crate::soc::{Action, Evidence, Knowledge, Seat, SeatIndex, Task};

/// An alert as an analyst sees it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertCard {
    /// Alert id.
    pub id: u32,
    /// Rule name.
    pub rule: String,
    /// Severity.
    pub severity: Level,
    /// Tenant name.
    pub tenant: String,
    /// Seconds within which the tenant's SLA wants it picked up.
    pub sla_seconds: u64,
    /// When it entered the queue.
    pub raised_at: u64,
    /// Host.
    pub host: Option<String>,
    /// Account.
    pub account: Option<String>,
}

/// A handoff waiting for the seat's role.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HandoffCard {
    /// Handoff id.
    pub id: u32,
    /// Sending role.
    pub from: Role,
    /// Severity stated.
    pub severity: Level,
    /// Summary.
    pub summary: String,
    /// Items attached.
    pub evidence: usize,
    /// When sent.
    pub sent_at: u64,
}

/// A known item with a human label.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvidenceCard {
    /// The item.
    pub item: Evidence,
    /// What it is, in words.
    pub label: String,
}

/// An inject addressed to the seat's role.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InjectCard {
    /// Inject index.
    pub id: usize,
    /// Headline.
    pub title: String,
    /// Body.
    pub body: String,
    /// Discussion questions.
    pub questions: Vec<String>,
    /// Options, when a decision is open for this seat.
    pub options: Vec<String>,
}

/// Everything one seat may see.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeatView {
    /// Seat name.
    pub seat: String,
    /// Role.
    pub role: Role,
    /// Simulated time.
    pub now: u64,
    /// The action under way and when it ends.
    pub working_on: Option<(Action, u64)>,
    /// Tier 1 only: alerts waiting in the queue.
    pub queue: Vec<AlertCard>,
    /// Alerts this seat holds.
    pub held: Vec<AlertCard>,
    /// Handoffs waiting for this role.
    pub handoffs: Vec<HandoffCard>,
    /// Cases this seat owns.
    pub cases: Vec<u32>,
    /// Everything this seat has discovered or been handed.
    pub known: Vec<EvidenceCard>,
    /// Injects that fired for this role.
    pub inbox: Vec<InjectCard>,
}

/// Ground truth, for the facilitator and the debrief.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FacilitatorView {
    /// Simulated time.
    pub now: u64,
    /// Per intrusion: each stage and where it stands.
    pub intrusions: Vec<(String, Vec<(String, String)>)>,
    /// Per intrusion: hosts held by the attacker.
    pub footholds: Vec<Vec<String>>,
    /// Alerts raised so far, with whether each is malicious.
    pub alerts: Vec<(u32, bool)>,
}

fn card(s: &Scenario, a: &Alert) -> AlertCard {
    AlertCard {
        id: a.id,
        rule: s.rules[a.rule].name.clone(),
        severity: a.severity,
        tenant: s.tenants[a.tenant].name.clone(),
        sla_seconds: s.tenants[a.tenant].sla.pickup_target(),
        raised_at: a.raised_at,
        host: a.host.map(|h| s.hosts[h].id.clone()),
        account: a.account.map(|x| s.accounts[x].id.clone()),
    }
}

/// What a record says, as a log line would.
pub fn record_summary(s: &Scenario, r: &Record) -> String {
    let text = r
        .stage
        .and_then(|(i, st)| {
            s.intrusions[i].stages[st]
                .telemetry
                .iter()
                .find(|t| t.source == r.source && t.host == r.host)
                .map(|t| t.summary.clone())
        })
        .unwrap_or_else(|| "routine activity".into());
    format!("{} record at T+{}s: {text}", s.sources[r.source].id, r.at)
}

fn label(s: &Scenario, l: &Ledger, item: Evidence) -> String {
    match item {
        Evidence::Alert(a) => format!("alert {a}: {}", s.rules[l.alerts[a as usize].rule].name),
        Evidence::Record(r) => record_summary(s, &l.records[r as usize]),
        Evidence::Host(h) => format!("host {}", s.hosts[h].id),
        Evidence::Account(a) => format!("account {}", s.accounts[a].id),
        Evidence::Observable(o) => {
            format!("{:?} {}", s.observables[o].kind, s.observables[o].value)
        }
    }
}

/// The view of seat `seat` (by seat id), or none if there is no such seat.
pub fn seat_view(world: &World, seat: u16) -> Option<SeatView> {
    let entity = *world.get_resource::<SeatIndex>()?.0.get(seat as usize)?;
    let s = &world.resource::<ScenarioRes>().0;
    let l = world.resource::<Ledger>();
    let now = world.resource::<Clock>().now;
    let info = world.get::<Seat>(entity)?;
    let knowledge = world.get::<Knowledge>(entity)?;
    let task = world.get::<Task>(entity)?;
    let slot = l.board[seat as usize];
    let queue = if info.role == Role::Tier1 {
        l.queue
            .iter()
            .map(|a| card(s, &l.alerts[a as usize]))
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
            .map(|a| card(s, a))
            .collect(),
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
            .filter(|c| c.owner == Some(info.id))
            .map(|c| c.id)
            .collect(),
        known: knowledge
            .0
            .iter()
            .map(|item| EvidenceCard {
                item,
                label: label(s, l, item),
            })
            .collect(),
        inbox: s
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
            })
            .collect(),
    })
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
            .map(|a| (a.id, a.stage.is_some()))
            .collect(),
    }
}
