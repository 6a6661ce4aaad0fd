//! Tier 1 triage bot: takes the next alert, judges it from its cues, closes the ones it
//! judges benign and escalates the ones it judges malicious to Tier 2 with a handoff.

use super::{Brain, TriageOrder};
use crate::scenario::Role;
use crate::soc::action::{Action, AlertId, Evidence, HandoffDraft, Verdict};
use crate::soc::ledger::BotWait;
use crate::soc::perception::Perception;

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    let l = view.desk;
    // With a person on Tier 1, the queue is theirs until an alert has waited the
    // facilitator's threshold (what is assigned to this bot is its own at once).
    let guarded = l.bot_wait != BotWait::Immediately && l.people_on(Role::Tier1);
    if l.assigned_waiting > 0 || guarded {
        // The manager's assignments first; never an alert meant for someone else.
        let me = Some(view.seat.id);
        let mine = l
            .queue
            .by_urgency()
            .find(|&a| l.alerts[a as usize].assigned == me);
        let free = |a: &AlertId| {
            let al = &l.alerts[*a as usize];
            al.assigned.is_none() && (!guarded || l.bot_wait.lets_bot_take(al.raised_at, view.now))
        };
        let pick = mine.or_else(|| match brain.profile.triage_order {
            TriageOrder::Fifo => l.queue.iter().find(free),
            TriageOrder::Severity => l.queue.by_urgency().find(free),
        })?;
        return Some(Action::TakeAlert(pick));
    }
    let pick = match brain.profile.triage_order {
        TriageOrder::Fifo => l.queue.first(),
        // Highest severity, then the tightest SLA, then the oldest.
        TriageOrder::Severity => l.queue.most_urgent(),
    }?;
    Some(Action::TakeAlert(pick))
}

pub(super) fn observe(brain: &mut Brain, view: &Perception, action: &Action) {
    match *action {
        Action::TakeAlert(a) => classify(brain, view, a),
        Action::Classify(a, Verdict::Malicious) => escalate(brain, view, a),
        Action::Classify(a, Verdict::Benign) => brain.plan.push_back(Action::Close(a)),
        _ => {}
    }
}

/// Judges the alert from its cues; the fuller the queue, the readier to close.
fn classify(brain: &mut Brain, view: &Perception, a: AlertId) {
    let load = view.desk.queue.len() as f64 / f64::from(brain.profile.fatigue_queue.max(1));
    let verdict = if brain.judge(view, Evidence::Alert(a), load) {
        Verdict::Malicious
    } else {
        Verdict::Benign
    };
    brain.plan.push_back(Action::Classify(a, verdict));
}

fn escalate(brain: &mut Brain, view: &Perception, a: AlertId) {
    let al = &view.desk.alerts[a as usize];
    let mut seen = view.desk.alert_items(a);
    seen.retain(|e| view.knowledge.0.contains(e));
    // Judged malicious: everything the alert shows is, to this analyst, part of it.
    let evidence = brain.pick_evidence(Some(Evidence::Alert(a)), &seen, |_| true);
    let severity = brain.rate_severity(view, &evidence);
    let rule = &view.scenario.rules[al.rule];
    let subject = match (al.host, al.account) {
        (Some(h), _) => view.scenario.hosts[h].id.clone(),
        (None, Some(a)) => format!("account {}", view.scenario.accounts[a].id),
        (None, None) => "an unknown subject".to_string(),
    };
    brain.plan.push_back(Action::Handoff(Box::new(HandoffDraft {
        to: Role::Tier2,
        alert: Some(a),
        case: None,
        evidence,
        severity,
        summary: format!(
            "{} on {subject}: looks malicious, please investigate",
            rule.name
        ),
        technique: None,
    })));
}
