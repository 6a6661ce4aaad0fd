//! Detection engineer bot: switches on dormant rules a hunter shows were needed, and
//! tunes (or, less wisely, disables) rules whose false positives pile up.

use super::Brain;
use crate::scenario::Role;
use crate::scenario::attack::covers;
use crate::soc::{Action, Evidence, Outcome, RuleChange, View};

pub(super) fn next(brain: &mut Brain, view: &View) -> Option<Action> {
    if let Some(h) = view.ledger.handoffs_for(Role::Engineer).next() {
        return Some(Action::TakeHandoff(h.id));
    }
    let threshold = brain.profile.fp_threshold;
    let noisy = (0..view.scenario.rules.len()).find(|&r| {
        view.ledger.false_positives[r] >= threshold
            && view.defense.rules[r].enabled
            && !brain.mem.changed_rules.contains(&r)
    })?;
    brain.mem.changed_rules.insert(noisy);
    let live = view.defense.rules[noisy];
    let change = if brain.rng.chance(brain.profile.disable_noisy) {
        RuleChange::Disable
    } else {
        RuleChange::Tune {
            fidelity: Some((live.fidelity * 0.95).clamp(0.0, 1.0)),
            benign_per_hour: Some(live.benign_per_hour * 0.4),
        }
    };
    Some(Action::ChangeRule(noisy, change))
}

pub(super) fn observe(brain: &mut Brain, view: &View, outcome: &Outcome) {
    let Outcome::Case(case) = outcome else { return };
    for e in &view.ledger.cases[*case as usize].evidence {
        let Evidence::Record(r) = *e else { continue };
        let Some((i, s)) = view.ledger.records[r as usize].stage else {
            continue;
        };
        let technique = &view.scenario.intrusions[i].stages[s].technique;
        for (ri, rule) in view.scenario.rules.iter().enumerate() {
            if !view.defense.rules[ri].enabled
                && rule.techniques.iter().any(|t| covers(t, technique))
                && brain.mem.changed_rules.insert(ri)
            {
                brain
                    .plan
                    .push_back(Action::ChangeRule(ri, RuleChange::Enable));
            }
        }
    }
}
