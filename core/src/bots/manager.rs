//! SOC manager bot: answers the decisions injects ask for.

use super::Brain;
use crate::scenario::Role;
use crate::soc::action::Action;
use crate::soc::ledger::BotWait;
use crate::soc::perception::Perception;

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    let l = view.desk;
    // With a person managing, a decision is theirs until it has waited the threshold.
    let guarded = l.bot_wait != BotWait::Immediately && l.people_on(Role::Manager);
    let &inject = l
        .inbox
        .iter()
        .find(|&&i| !guarded || l.bot_wait.lets_bot_take(l.injects_fired_at[i], view.now))?;
    let decision = view.scenario.injects[inject].decision.as_ref()?;
    let right = brain.rng.chance(brain.profile.decision_accuracy);
    let choice = if right || decision.options.len() < 2 {
        decision.expected
    } else {
        // A wrong answer: any other option.
        let k = brain.rng.below(decision.options.len() - 1);
        if k >= decision.expected { k + 1 } else { k }
    };
    Some(Action::AnswerInject(inject, choice))
}
