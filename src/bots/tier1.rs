//! Tier 1 triage bot: takes the next alert, classifies it, closes benign ones and
//! escalates malicious ones to Tier 2 with a handoff.

use super::{Brain, TriageOrder, true_severity};
use crate::scenario::Role;
use crate::soc::{Action, AlertId, Evidence, HandoffDraft, Verdict, View};

pub(super) fn next(brain: &mut Brain, view: &View) -> Option<Action> {
    let l = view.ledger;
    if l.assigned_waiting > 0 {
        // The manager's assignments first; never an alert meant for someone else.
        let me = Some(view.seat.id);
        let mine = l
            .queue
            .iter()
            .find(|&a| l.alerts[a as usize].assigned == me);
        let free = |a: &AlertId| l.alerts[*a as usize].assigned.is_none();
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

pub(super) fn observe(brain: &mut Brain, view: &View, action: &Action) {
    match *action {
        Action::TakeAlert(a) => classify(brain, view, a),
        Action::Classify(a, Verdict::Malicious) => escalate(brain, view, a),
        Action::Classify(a, Verdict::Benign) => brain.plan.push_back(Action::Close(a)),
        _ => {}
    }
}

/// Judges the alert: accuracy falls with the rule's fidelity and with queue load.
fn classify(brain: &mut Brain, view: &View, a: AlertId) {
    let al = &view.ledger.alerts[a as usize];
    let p = &brain.profile;
    let load = (view.ledger.queue.len() as f64 / f64::from(p.fatigue_queue.max(1))).min(1.0);
    // A benign alert carrying a look-alike of an attacker's indicator (IT's own encoded
    // PowerShell, the sanctioned file-share domain) is easier to get wrong.
    let lookalike = al.stage.is_none() && !al.observables.is_empty();
    let accuracy = p.accuracy
        - p.fidelity_penalty * (1.0 - al.fidelity)
        - p.fatigue * load
        - if lookalike {
            p.fidelity_penalty * 0.5
        } else {
            0.0
        };
    let truth = al.stage.is_some();
    let says_malicious = brain.judge(truth, accuracy);
    let verdict = if says_malicious {
        Verdict::Malicious
    } else {
        Verdict::Benign
    };
    brain.plan.push_back(Action::Classify(a, verdict));
}

fn escalate(brain: &mut Brain, view: &View, a: AlertId) {
    let al = &view.ledger.alerts[a as usize];
    let mut seen = view.ledger.alert_items(a);
    seen.retain(|e| view.knowledge.0.contains(e));
    let evidence = brain.pick_evidence(view, Some(Evidence::Alert(a)), &seen);
    let truth = true_severity(view, &[Evidence::Alert(a)]).max(al.severity);
    let severity = brain.rate_severity(truth);
    let rule = &view.scenario.rules[al.rule];
    let subject = match (al.host, al.account) {
        (Some(h), _) => view.scenario.hosts[h].id.clone(),
        (None, Some(a)) => format!("account {}", view.scenario.accounts[a].id),
        (None, None) => "an unknown subject".to_string(),
    };
    brain.plan.push_back(Action::Handoff(HandoffDraft {
        to: Role::Tier2,
        alert: Some(a),
        case: None,
        evidence,
        severity,
        summary: format!(
            "{} on {subject}: looks malicious, please investigate",
            rule.name
        ),
    }));
}
