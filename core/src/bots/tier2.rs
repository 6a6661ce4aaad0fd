//! Tier 2 investigation bot: takes a handoff, judges what it was handed, investigates
//! its subjects and pivots on what it judges malicious, then declares an incident and
//! hands it to incident response, or returns the handoff to its sender with feedback
//! when nothing it found looks malicious.

use super::Brain;
use crate::scenario::Role;
use crate::soc::action::{Action, Evidence, HandoffDraft};
use crate::soc::perception::Perception;
use crate::soc::seat::Outcome;

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    if brain.mem.case.is_some() {
        // A case with no planned step means a step was refused: carry on from there.
        investigate_next(brain, view);
        return brain.plan.pop_front();
    }
    super::next_handoff(brain, view, Role::Tier2).map(Action::TakeHandoff)
}

/// How busy Tier 2 is: handoffs waiting, against the profile's notion of a full queue.
fn load(brain: &Brain, view: &Perception) -> f64 {
    view.desk.handoffs_for(Role::Tier2).count() as f64
        / f64::from(brain.profile.fatigue_queue.max(1))
}

/// Judges an alert or record the seat was handed or found: malicious ones join the
/// case's suspicions (and their hosts and accounts the investigations to run), the
/// others are kept as leads looked at.
///
/// `load` is [`load`]'s figure: the view does not change while the bot weighs what one
/// action brought, so it is worked out once per action.
fn weigh(brain: &mut Brain, view: &Perception, item: Evidence, found: bool, load: f64) {
    let margin = brain.read(view, item, load).unwrap_or(f64::NEG_INFINITY);
    if margin >= 0.0 {
        // What an investigation turns up corroborates the case only when it happened
        // near what the case was opened on: an analyst builds a timeline around the
        // lead, and an odd record from the other end of a long look back is one of the
        // odd things any host shows, not part of this story. (It is still a lead:
        // its hosts and accounts are investigated.)
        let near = || match item {
            Evidence::Record(r) => {
                view.desk.records[r as usize].at.apart(brain.mem.lead_at) <= super::NEAR
            }
            _ => true,
        };
        if !found {
            brain.mem.judged.0 += margin;
        } else if near() {
            // The strongest thing the investigation turned up: the more records an
            // analyst reads, the likelier one is odd by chance, so they do not add up.
            brain.mem.judged.1 = brain.mem.judged.1.max(margin);
        }
        let mut items = std::mem::take(&mut brain.scratch);
        items.clear();
        match item {
            Evidence::Alert(a) => view.desk.push_alert_items(a, &mut items),
            Evidence::Record(r) => view.desk.records[r as usize].push_items(&mut items),
            other => items.push(other),
        }
        for &e in &items {
            let new = brain.mem.suspicious.insert(e);
            if new
                && matches!(e, Evidence::Host(_) | Evidence::Account(_))
                && !brain.mem.investigated.contains(&e)
            {
                brain.mem.pending.push_back(e);
            }
        }
        brain.scratch = items;
    } else {
        brain.mem.benign_leads.insert(item);
    }
}

pub(super) fn observe(brain: &mut Brain, view: &Perception, action: &Action, outcome: &Outcome) {
    match (action, outcome) {
        (Action::TakeHandoff(h), Outcome::Case(c)) => {
            brain.mem.start_case(*c, *h);
            brain.mem.lead_at = lead_at(view, *h);
            let load = load(brain, view);
            for &e in &view.desk.handoffs[*h as usize].draft.evidence {
                match e {
                    Evidence::Host(_) | Evidence::Account(_) | Evidence::Observable(_) => {
                        brain.mem.pending.push_back(e)
                    }
                    // A second opinion on what the sender judged malicious. The alert and
                    // the record it fired on are one piece of evidence, weighed once.
                    Evidence::Alert(a) => {
                        if let Some(r) = view.record_of(a) {
                            brain.mem.investigated.insert(Evidence::Record(r));
                        }
                        weigh(brain, view, e, false, load);
                        let al = &view.desk.alerts[a as usize];
                        brain.mem.pending.extend(al.host.map(Evidence::Host));
                        brain.mem.pending.extend(al.account.map(Evidence::Account));
                    }
                    Evidence::Record(r) => {
                        let rec = &view.desk.records[r as usize];
                        brain.mem.pending.extend(rec.host.map(Evidence::Host));
                        brain.mem.pending.extend(rec.account.map(Evidence::Account));
                        brain.mem.investigated.insert(e);
                        weigh(brain, view, e, false, load);
                    }
                }
            }
            brain.mem.pending.retain(|e| view.knowledge.0.contains(e));
            investigate_next(brain, view);
        }
        (Action::Investigate { .. }, Outcome::Records(records)) => {
            brain.mem.runs += 1;
            let load = load(brain, view);
            for &r in records {
                // Each record is weighed once per case, however often it turns up; a
                // record behind an alert Tier 1 already closed as benign was looked at.
                if !brain.mem.investigated.insert(Evidence::Record(r)) {
                    continue;
                }
                let cleared = view.desk.records[r as usize].alert.is_some_and(|a| {
                    view.desk.alerts[a as usize].verdict
                        == Some(crate::soc::action::Verdict::Benign)
                });
                if cleared {
                    brain.mem.benign_leads.insert(Evidence::Record(r));
                    continue;
                }
                weigh(brain, view, Evidence::Record(r), true, load);
            }
            brain.mem.pending.retain(|e| view.knowledge.0.contains(e));
            investigate_next(brain, view);
        }
        _ => {}
    }
}

/// When what a handoff was sent about happened: the latest of its alerts and records,
/// else when it was sent.
fn lead_at(view: &Perception, h: crate::soc::action::HandoffId) -> crate::clock::SimTime {
    let d = view.desk;
    let handoff = &d.handoffs[h as usize];
    handoff
        .draft
        .evidence
        .iter()
        .filter_map(|e| match *e {
            Evidence::Alert(a) => Some(d.alerts[a as usize].raised_at),
            Evidence::Record(r) => Some(d.records[r as usize].at),
            _ => None,
        })
        .max()
        .unwrap_or(handoff.sent_at)
}

/// Runs the next pending investigation, or concludes the case. Hosts and accounts come
/// before indicators: they are where the attacker can be contained, and pivoting through
/// them is how an analyst finds the next compromised machine.
fn investigate_next(brain: &mut Brain, view: &Perception) {
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

fn conclude(brain: &mut Brain, view: &Perception, case: u32) {
    let handoff = brain.mem.handoff.take();
    brain.mem.case = None;
    // An incident takes hosts off the network: it rests on items that, together, look
    // malicious, and on something the investigation turned up around what was handed
    // over. However bad one alert looks, alone it goes back with feedback: over a long
    // exercise, lone alerts that look plainly bad are mostly the odd tooling any estate
    // runs, and an incident declared on each takes a host off the network for nothing.
    let (handed, found) = brain.mem.judged;
    let corroborated = found >= super::CORROBORATION && handed + found >= super::CASE_BAR;
    if !corroborated {
        if let Some(h) = handoff {
            brain.plan.push_back(Action::ReturnHandoff(
                h,
                "investigated: nothing here looks malicious".into(),
            ));
        }
        return;
    }
    let mut seen = Vec::with_capacity(brain.mem.suspicious.len() + brain.mem.benign_leads.len());
    seen.extend(brain.mem.suspicious.iter());
    seen.extend(brain.mem.benign_leads.iter());
    seen.retain(|e| view.knowledge.0.contains(e));
    // Taken out of the memory while the bot draws from its stream, and put back after.
    let suspicious = std::mem::take(&mut brain.mem.suspicious);
    let mut evidence = brain.pick_evidence(None, &seen, |e| suspicious.contains(e));
    let containable = |e: &Evidence| matches!(e, Evidence::Host(_) | Evidence::Account(_));
    if !evidence.iter().any(containable) {
        // Incident response needs something to contain: whatever the sloppiness, the
        // hosts and accounts the case rests on go in.
        evidence.extend(
            seen.iter()
                .copied()
                .filter(|e| containable(e) && suspicious.contains(e)),
        );
    }
    // What the bot believes is malicious goes first; what it looked at rides along.
    evidence.sort_by_key(|e| !suspicious.contains(e));
    let mut judged_items = std::mem::take(&mut brain.scratch);
    judged_items.clear();
    judged_items.extend(suspicious.iter());
    let severity = brain.rate_severity(view, &judged_items);
    brain.scratch = judged_items;
    brain.mem.suspicious = suspicious;
    brain
        .plan
        .push_back(Action::DeclareIncident(case, severity));
    if view.desk.staffed(Role::Responder) {
        let hosts = evidence
            .iter()
            .filter(|e| matches!(e, Evidence::Host(_)))
            .count();
        brain.plan.push_back(Action::Handoff(Box::new(HandoffDraft {
            to: Role::Responder,
            alert: None,
            case: Some(case),
            evidence,
            severity,
            summary: format!(
                "confirmed intrusion: {hosts} host(s) involved, contain and eradicate"
            ),
            technique: None,
        })));
    }
}
