//! Tier 2 investigation bot: takes a handoff, investigates its subjects and pivots on
//! what it finds, then declares an incident and hands it to incident response, or
//! returns the handoff to its sender with feedback when nothing malicious turns up.

use super::{Brain, malicious, true_severity};
use crate::scenario::Role;
use crate::soc::{Action, Evidence, HandoffDraft, Outcome, View};

pub(super) fn next(brain: &mut Brain, view: &View) -> Option<Action> {
    if brain.mem.case.is_some() {
        // A case with no planned step means a step was refused: carry on from there.
        investigate_next(brain, view);
        return brain.plan.pop_front();
    }
    super::next_handoff(brain, view, Role::Tier2).map(Action::TakeHandoff)
}

pub(super) fn observe(brain: &mut Brain, view: &View, action: &Action, outcome: &Outcome) {
    match (action, outcome) {
        (Action::TakeHandoff(h), Outcome::Case(c)) => {
            brain.mem = super::Memory {
                case: Some(*c),
                handoff: Some(*h),
                next_hunt: brain.mem.next_hunt,
                ..Default::default()
            };
            let evidence = &view.ledger.handoffs[*h as usize].draft.evidence;
            for &e in evidence {
                match e {
                    Evidence::Host(_) | Evidence::Account(_) | Evidence::Observable(_) => {
                        brain.mem.pending.push_back(e)
                    }
                    Evidence::Alert(a) => {
                        let al = &view.ledger.alerts[a as usize];
                        brain.mem.pending.extend(al.host.map(Evidence::Host));
                        brain.mem.pending.extend(al.account.map(Evidence::Account));
                    }
                    Evidence::Record(r) => {
                        let rec = &view.ledger.records[r as usize];
                        brain.mem.pending.extend(rec.host.map(Evidence::Host));
                        brain.mem.pending.extend(rec.account.map(Evidence::Account));
                        // A hunter's finding is already evidence in its own right.
                        if rec.stage.is_some() && brain.judge(true, brain.profile.accuracy) {
                            brain.mem.suspicious.extend(rec.items());
                        }
                    }
                }
            }
            brain.mem.pending.retain(|e| view.knowledge.0.contains(e));
            investigate_next(brain, view);
        }
        (Action::Investigate { .. }, Outcome::Records(records)) => {
            brain.mem.runs += 1;
            for &r in records {
                let rec = &view.ledger.records[r as usize];
                let truth = rec.stage.is_some();
                // Benign records are usually easy to dismiss; experts rarely chase them.
                let p = if truth {
                    brain.profile.accuracy
                } else {
                    1.0 - (1.0 - brain.profile.accuracy) * 0.5
                };
                if brain.judge(truth, p) {
                    for item in rec.items() {
                        brain.mem.suspicious.insert(item);
                        if matches!(item, Evidence::Host(_) | Evidence::Account(_))
                            && !brain.mem.investigated.contains(&item)
                        {
                            brain.mem.pending.push_back(item);
                        }
                    }
                } else {
                    brain.mem.benign_leads.insert(Evidence::Record(r));
                }
            }
            investigate_next(brain, view);
        }
        _ => {}
    }
}

/// Runs the next pending investigation, or concludes the case. Hosts and accounts come
/// before indicators: they are where the attacker can be contained, and pivoting through
/// them is how an analyst finds the next compromised machine.
fn investigate_next(brain: &mut Brain, view: &View) {
    let Some(case) = brain.mem.case else { return };
    brain
        .mem
        .pending
        .retain(|e| !brain.mem.investigated.contains(e));
    if brain.mem.runs < brain.profile.investigations {
        let pick = brain
            .mem
            .pending
            .iter()
            .position(|e| matches!(e, Evidence::Host(_) | Evidence::Account(_)))
            .or(if brain.mem.pending.is_empty() {
                None
            } else {
                Some(0)
            });
        if let Some(i) = pick {
            let subject = brain.mem.pending.remove(i).expect("position is in range");
            brain.mem.investigated.insert(subject);
            brain.plan.push_back(Action::Investigate {
                case: Some(case),
                subject,
                lookback: brain.profile.lookback.0,
            });
            return;
        }
    }
    conclude(brain, view, case);
}

fn conclude(brain: &mut Brain, view: &View, case: u32) {
    let handoff = brain.mem.handoff.take();
    brain.mem.case = None;
    if brain.mem.suspicious.is_empty() {
        if let Some(h) = handoff {
            brain.plan.push_back(Action::ReturnHandoff(
                h,
                "investigated: no malicious activity found".into(),
            ));
        }
        return;
    }
    let mut seen: Vec<Evidence> = brain.mem.suspicious.iter().collect();
    seen.extend(brain.mem.benign_leads.iter());
    seen.retain(|e| view.knowledge.0.contains(e));
    let mut evidence = brain.pick_evidence(view, None, &seen);
    let containable = |e: &Evidence| matches!(e, Evidence::Host(_) | Evidence::Account(_));
    if !evidence.iter().any(containable) {
        // Incident response needs something to contain: whatever the sloppiness, the
        // hosts and accounts the case rests on go in.
        evidence.extend(
            seen.iter()
                .copied()
                .filter(|e| containable(e) && brain.mem.suspicious.contains(e)),
        );
    }
    // What the bot believes is malicious goes first; what it wrongly suspects rides along.
    evidence.sort_by_key(|e| !malicious(view, *e));
    let severity = brain.rate_severity(true_severity(view, &seen));
    brain
        .plan
        .push_back(Action::DeclareIncident(case, severity));
    if view.scenario.seats_for(Role::Responder) > 0 {
        let hosts = evidence
            .iter()
            .filter(|e| matches!(e, Evidence::Host(_)))
            .count();
        brain.plan.push_back(Action::Handoff(HandoffDraft {
            to: Role::Responder,
            alert: None,
            case: Some(case),
            evidence,
            severity,
            summary: format!(
                "confirmed intrusion: {hosts} host(s) involved, contain and eradicate"
            ),
        }));
    }
}
