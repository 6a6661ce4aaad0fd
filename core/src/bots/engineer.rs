//! Detection engineer bot: switches on dormant rules a hunter shows were needed, and
//! tunes (or, less wisely, disables) rules whose alerts Tier 1 keeps calling benign.

use super::Brain;
use crate::scenario::Role;
use crate::scenario::attack::covers;
use crate::soc::action::{Action, RuleChange};
use crate::soc::perception::Perception;

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    if let Some(h) = view.desk.handoffs_for(Role::Engineer).next() {
        return Some(Action::TakeHandoff(h.id));
    }
    let threshold = brain.profile.fp_threshold;
    let fp = &view.desk.false_positives;
    // A rule it has not touched yet that Tier 1 keeps calling benign; else one it
    // tuned that has drawn as many benign calls again since (a tuning rarely lands
    // right the first time), up to `MAX_TUNINGS` changes a rule.
    let fresh = (0..view.scenario.rules.len()).find(|&r| {
        fp[r] >= threshold && view.rule(r).enabled && !brain.mem.changed_rules.contains(&r)
    });
    let noisy = fresh.or_else(|| {
        (brain.mem.tunings.iter())
            .find(|&(&r, &(at, times))| {
                times < MAX_TUNINGS && fp[r] >= at + threshold && view.rule(r).enabled
            })
            .map(|(&r, _)| r)
    })?;
    brain.mem.changed_rules.insert(noisy);
    let live = view.rule(noisy);
    let change = if brain.rng.chance(brain.profile.disable_noisy) {
        RuleChange::Disable
    } else {
        RuleChange::Tune {
            fidelity: Some((live.fidelity * 0.95).clamp(0.0, 1.0)),
            benign_per_hour: Some(live.benign_per_hour * 0.4),
        }
    };
    let times = brain.mem.tunings.get(&noisy).map_or(0, |&(_, n)| n);
    brain.mem.tunings.insert(noisy, (fp[noisy], times + 1));
    Some(Action::ChangeRule(noisy, change))
}

/// The most times the engineer bot changes one noisy rule.
const MAX_TUNINGS: u8 = 3;

/// A hunter's detection gap: enable the disabled rules written for its technique.
pub(super) fn observe(brain: &mut Brain, view: &Perception, action: &Action) {
    let Action::TakeHandoff(h) = *action else {
        return;
    };
    let Some(technique) = view.desk.handoffs[h as usize].draft.technique.clone() else {
        return;
    };
    for (ri, rule) in view.scenario.rules.iter().enumerate() {
        if !view.rule(ri).enabled
            && rule.techniques.iter().any(|t| covers(t, &technique))
            && brain.mem.changed_rules.insert(ri)
        {
            brain
                .plan
                .push_back(Action::ChangeRule(ri, RuleChange::Enable));
        }
    }
}
