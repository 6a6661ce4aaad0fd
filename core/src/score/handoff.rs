//! Handoff quality, 0–100, for every handoff in the journal.
//!
//! quality = 100 × Σ wᵢ·cᵢ / Σ wᵢ × (1 − bounce_penalty if returned), where the
//! components cᵢ, each 0–1, are:
//! - completeness: relevant items the sender had seen that it attached ÷ relevant items
//!   it had seen (1 when it had seen none). Relevant here means tied to the intrusions
//!   the handoff itself is about; a handoff about nothing malicious has none;
//! - precision: relevant attached ÷ attached (0 when nothing is attached);
//! - severity: 1 − |given − true| ÷ 3 on the Low…Critical scale, the true severity
//!   being the worst stage behind the attached and seen relevant items (Low if none);
//! - routing: 1 when the handoff carries malicious evidence and goes to a role that can
//!   act next (Tier 1 → Tier 2; Tier 2 → incident response; hunter → Tier 2, incident
//!   response or detection engineering), else 0;
//! - timeliness: 1 while the sender's hold time is within its role's target, falling
//!   linearly to 0 at three times the target;
//! - pickup: the same curve for the receiver's pickup latency against the pickup target;
//!   0 for a handoff nobody ever picked up (its work never reached anyone).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::facts::Facts;
use super::{ScoringProfile, round1};
use crate::clock::SimTime;
use crate::journal::{Entry, Journal};
use crate::scenario::{IntrusionIdx, Level, Role, Scenario};
use crate::soc::action::EvidenceSet;
use crate::soc::{Evidence, HandoffDraft};

/// One scored handoff.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct HandoffResult {
    /// Handoff id.
    pub id: u32,
    /// Sender role slug.
    pub from: String,
    /// Receiver role slug.
    pub to: String,
    /// Sending seat.
    pub sender: String,
    /// Receiving seat, if taken.
    pub receiver: Option<String>,
    /// When sent.
    pub sent_at: SimTime,
    /// Seconds the sender held the work before sending.
    pub hold_seconds: u64,
    /// Seconds until picked up; none when it never was.
    pub pickup_seconds: Option<u64>,
    /// Returned to the sender's role.
    pub bounced: bool,
    /// Items attached.
    pub attached: usize,
    /// Relevant items the sender had seen.
    pub relevant_seen: usize,
    /// Relevant items missing from the handoff.
    pub missing: usize,
    /// Which relevant items the sender had seen but did not attach.
    pub missing_items: Vec<Evidence>,
    /// Severity given.
    pub severity: Level,
    pub true_severity: Level,
    /// Components, each 0–1.
    pub completeness: f64,
    pub precision: f64,
    /// Severity correctness.
    pub severity_score: f64,
    pub routing: f64,
    pub timeliness: f64,
    pub pickup: f64,
    /// Quality 0–100.
    pub quality: f64,
}

/// 1 within `target`, falling linearly to 0 at three times the target.
pub fn decay(seconds: u64, target: u64) -> f64 {
    let target = target.max(1) as f64;
    let s = seconds as f64;
    if s <= target {
        1.0
    } else {
        (1.0 - (s - target) / (2.0 * target)).max(0.0)
    }
}

fn true_severity(scenario: &Scenario, facts: &Facts, items: &[Evidence]) -> Level {
    items
        .iter()
        .filter_map(|e| match *e {
            Evidence::Alert(a) => facts.alerts.get(a as usize).and_then(|x| x.stage),
            Evidence::Record(r) => facts.records.get(&r).map(|x| x.stage),
            _ => None,
        })
        .map(|(i, s)| scenario.intrusions[i].stages[s].severity)
        .max()
        .unwrap_or(Level::Low)
}

/// Scores every handoff in the journal.
pub fn score_all(
    scenario: &Scenario,
    journal: &Journal,
    facts: &Facts,
    profile: &ScoringProfile,
) -> Vec<HandoffResult> {
    let names: Vec<String> = facts.seats.iter().map(|s| s.name.clone()).collect();
    let seat_name = |s: u16| {
        names
            .get(s as usize)
            .cloned()
            .unwrap_or_else(|| format!("seat{s}"))
    };
    let mut taken: BTreeMap<u32, (SimTime, u16)> = BTreeMap::new();
    let mut returned: BTreeSet<u32> = BTreeSet::new();
    for line in &journal.lines {
        match &line.entry {
            Entry::HandoffTaken { handoff, seat, .. } => {
                taken.entry(*handoff).or_insert((line.t, *seat));
            }
            Entry::HandoffReturned { handoff, .. } => {
                returned.insert(*handoff);
            }
            _ => {}
        }
    }
    let w = &profile.handoff;
    let mut seen: BTreeMap<u16, EvidenceSet> = BTreeMap::new();
    let mut alert_taken: BTreeMap<u32, SimTime> = BTreeMap::new();
    let mut case_taken: BTreeMap<(u16, u32), SimTime> = BTreeMap::new();
    let mut last_hunt: BTreeMap<u16, SimTime> = BTreeMap::new();
    let mut out = Vec::new();
    for line in &journal.lines {
        let t = line.t;
        match &line.entry {
            Entry::Revealed { seat, items } => {
                let set = seen.entry(*seat).or_default();
                for &e in items {
                    set.insert(e);
                }
            }
            Entry::AlertTaken { alert, .. } => {
                alert_taken.entry(*alert).or_insert(t);
            }
            Entry::HandoffTaken { seat, case, .. } => {
                case_taken.entry((*seat, *case)).or_insert(t);
            }
            Entry::Hunted { seat, .. } => {
                last_hunt.insert(*seat, t);
            }
            Entry::HandoffSent {
                handoff,
                seat,
                from,
                draft,
            } => {
                let empty = EvidenceSet::default();
                let sender_seen = seen.get(seat).unwrap_or(&empty);
                let held_since = match (from, &**draft) {
                    (Role::Tier1, HandoffDraft { alert: Some(a), .. }) => {
                        alert_taken.get(a).copied()
                    }
                    (_, HandoffDraft { case: Some(c), .. }) => {
                        case_taken.get(&(*seat, *c)).copied()
                    }
                    (Role::Hunter, _) => last_hunt.get(seat).copied(),
                    _ => None,
                }
                .unwrap_or(t);
                out.push(score_one(
                    scenario,
                    facts,
                    w,
                    profile.hold_target(*from),
                    Sent {
                        id: *handoff,
                        t,
                        from: *from,
                        draft,
                        seen: sender_seen,
                        held_since,
                    },
                    taken
                        .get(handoff)
                        .copied()
                        .map(|(tt, s)| (tt, seat_name(s))),
                    returned.contains(handoff),
                    seat_name(*seat),
                ));
            }
            _ => {}
        }
    }
    out
}

struct Sent<'a> {
    id: u32,
    t: SimTime,
    from: Role,
    draft: &'a HandoffDraft,
    seen: &'a EvidenceSet,
    held_since: SimTime,
}

#[expect(
    clippy::too_many_arguments,
    reason = "each input is one fact about the handoff"
)]
fn score_one(
    scenario: &Scenario,
    facts: &Facts,
    w: &super::profile::HandoffWeights,
    hold_target: u64,
    sent: Sent,
    taken: Option<(SimTime, String)>,
    bounced: bool,
    sender: String,
) -> HandoffResult {
    let relevant = |e: &Evidence| facts.relevant(*e, sent.t);
    let attached: BTreeSet<Evidence> = sent.draft.evidence.iter().copied().collect();
    // The handoff is about the intrusions its attached items (and escalated alert) are
    // tied to; what the sender had seen of *those* intrusions is what it should carry.
    // Items from an unrelated case it worked earlier do not count against it.
    let mut about: Vec<IntrusionIdx> = Vec::new();
    for e in attached
        .iter()
        .copied()
        .chain(sent.draft.alert.map(Evidence::Alert))
    {
        facts.any_tie(e, sent.t, |i| {
            about.push(i);
            false
        });
    }
    about.sort_unstable();
    about.dedup();
    // In item order, as `seen` iterates.
    let relevant_seen: Vec<Evidence> = sent
        .seen
        .iter()
        .filter(|e| facts.any_tie(*e, sent.t, |i| about.binary_search(&i).is_ok()))
        .collect();
    let relevant_attached = attached.iter().filter(|e| relevant(e)).count();
    let covered = relevant_seen
        .iter()
        .filter(|e| attached.contains(e))
        .count();
    let completeness = if relevant_seen.is_empty() {
        1.0
    } else {
        covered as f64 / relevant_seen.len() as f64
    };
    let precision = if attached.is_empty() {
        0.0
    } else {
        relevant_attached as f64 / attached.len() as f64
    };
    let mut basis: Vec<Evidence> = attached.iter().copied().collect();
    basis.extend(relevant_seen.iter().copied());
    basis.extend(sent.draft.alert.map(Evidence::Alert));
    let truth = true_severity(scenario, facts, &basis);
    let severity_score = 1.0 - (sent.draft.severity as i32 - truth as i32).abs() as f64 / 3.0;
    let malicious = relevant_attached > 0
        || sent
            .draft
            .alert
            .is_some_and(|a| relevant(&Evidence::Alert(a)));
    let right_role = match sent.from {
        Role::Tier1 => sent.draft.to == Role::Tier2,
        Role::Tier2 => sent.draft.to == Role::Responder,
        Role::Hunter => matches!(
            sent.draft.to,
            Role::Tier2 | Role::Responder | Role::Engineer
        ),
        _ => false,
    };
    let routing = if malicious && right_role { 1.0 } else { 0.0 };
    let hold = sent.t.since(sent.held_since);
    let timeliness = decay(hold, hold_target);
    let pickup_seconds = taken.as_ref().map(|(tt, _)| tt.since(sent.t));
    // A handoff nobody took never reached anyone: it cannot score as if it had.
    let pickup = pickup_seconds.map_or(0.0, |s| decay(s, w.pickup_target.0));
    let parts = [
        (w.completeness, completeness),
        (w.precision, precision),
        (w.severity, severity_score),
        (w.routing, routing),
        (w.timeliness, timeliness),
        (w.pickup, pickup),
    ];
    let total: f64 = parts.iter().map(|(wt, _)| wt).sum();
    let mut quality =
        100.0 * parts.iter().map(|(wt, c)| wt * c).sum::<f64>() / total.max(f64::EPSILON);
    if bounced {
        quality *= 1.0 - w.bounce_penalty;
    }
    HandoffResult {
        id: sent.id,
        from: sent.from.slug().into(),
        to: sent.draft.to.slug().into(),
        sender,
        receiver: taken.map(|(_, s)| s),
        sent_at: sent.t,
        hold_seconds: hold,
        pickup_seconds,
        bounced,
        attached: attached.len(),
        relevant_seen: relevant_seen.len(),
        missing: relevant_seen.len() - covered,
        missing_items: relevant_seen
            .iter()
            .filter(|e| !attached.contains(e))
            .copied()
            .collect(),
        severity: sent.draft.severity,
        true_severity: truth,
        completeness: round3(completeness),
        precision: round3(precision),
        severity_score: round3(severity_score),
        routing,
        timeliness: round3(timeliness),
        pickup: round3(pickup),
        quality: round1(quality.clamp(0.0, 100.0)),
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
