//! SOC manager bot: answers the decisions injects ask for, sets the priority of every
//! incident declared, and watches the Tier 1 queue. While alerts wait, it looks the
//! queue over every few minutes; an alert that has waited a sixth of its tenant's
//! pickup target (analysts working the most urgent first let quiet alerts starve) it
//! assigns to the Tier 1 seat free soonest, which takes it next.

use super::Brain;
use crate::scenario::Level;
use crate::scenario::Role;
use crate::soc::action::{Action, AlertId, CaseId, Evidence, SeatId};
use crate::soc::ledger::BotWait;
use crate::soc::perception::Perception;

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    let l = view.desk;
    // With a person managing, a decision is theirs until it has waited the threshold,
    // and dispatching the floor is theirs alone.
    let guarded = l.bot_wait != BotWait::Immediately && l.people_on(Role::Manager);
    let decision = l
        .inbox
        .iter()
        .find(|&&i| !guarded || l.bot_wait.lets_bot_take(l.injects_fired_at[i], view.now));
    if let Some(&inject) = decision
        && let Some(decision) = view.scenario.injects[inject].decision.as_ref()
    {
        let right = brain.rng.chance(brain.profile.decision_accuracy);
        let choice = if right || decision.options.len() < 2 {
            decision.expected
        } else {
            // A wrong answer: any other option.
            let k = brain.rng.below(decision.options.len() - 1);
            if k >= decision.expected { k + 1 } else { k }
        };
        return Some(Action::AnswerInject(inject, choice));
    }
    if guarded {
        return None;
    }
    if let Some(case) = l
        .cases
        .iter()
        .find(|c| c.incident && c.merged_into.is_none() && !brain.mem.prioritised.contains(&c.id))
    {
        brain.mem.prioritised.insert(case.id);
        let judged = priority(view, case.id);
        // A manager who misreads the business impact leaves the analyst's rating.
        let severity = if brain.rng.chance(brain.profile.decision_accuracy) {
            judged
        } else {
            case.severity
        };
        return Some(Action::SetSeverity(case.id, severity));
    }
    dispatch(view).map(|(alert, seat)| Action::Assign(alert, seat))
}

/// The share of its tenant's pickup target an alert may wait in the queue before the
/// manager steps in and assigns it: with analysts working the most urgent first, a
/// low-severity alert can starve behind a stream of louder ones until its SLA breaks.
pub(super) const STARVING: u64 = 6;

/// How often the manager looks over the queue while alerts wait in it.
pub(super) const FLOOR_ROUND: u64 = 300;

/// The next starving alert of the Tier 1 queue (one that has waited a sixth of its
/// tenant's pickup target, the oldest first), and the Tier 1 seat to give it to: of the
/// seats with nothing of the manager's waiting for them, the one free soonest. The
/// manager steps in only where there is a choice of hands (two Tier 1 seats or more),
/// and keeps at most one assignment waiting per seat, so it never turns an analyst
/// working the most urgent first into one working the oldest first.
fn dispatch(view: &Perception) -> Option<(AlertId, SeatId)> {
    let l = view.desk;
    let tier1 = || {
        (l.seats_of(Role::Tier1).iter())
            .map(|&id| (id as usize, &l.board[id as usize]))
            .filter(|(_, s)| !s.gone)
    };
    if tier1().count() < 2 {
        return None;
    }
    let waiting_for = |seat: usize| {
        l.queue
            .iter()
            .any(|a| l.alerts[a as usize].assigned == Some(seat as SeatId))
    };
    let (seat, _) = tier1()
        .filter(|&(id, _)| !waiting_for(id))
        .min_by_key(|&(id, s)| (if s.busy { s.until } else { view.now }, id))?;
    // A bot seat gets the people's queue only once an alert has waited the
    // facilitator's threshold, as it would take it by itself.
    let guarded = l.bot_wait != BotWait::Immediately && l.people_on(Role::Tier1);
    let to_bot = !l.board[seat].person;
    let alert = l.queue.iter().find(|&a| {
        let al = &l.alerts[a as usize];
        let target = view.scenario.tenants[al.tenant].sla.pickup_target();
        al.assigned.is_none()
            && view.now >= al.raised_at + target / STARVING
            && (!guarded || !to_bot || l.bot_wait.lets_bot_take(al.raised_at, view.now))
    })?;
    Some((alert, seat as SeatId))
}

/// When the manager next looks over the queue: while unassigned alerts wait in it,
/// every [`FLOOR_ROUND`].
pub(super) fn next_round(view: &Perception) -> Option<u64> {
    let l = view.desk;
    l.queue
        .iter()
        .any(|a| l.alerts[a as usize].assigned.is_none())
        .then_some(FLOOR_ROUND)
}

/// The priority an incident deserves for the business: the analyst's rating, raised to
/// High when it touches a host of high criticality or a privileged account, and to
/// Critical when it touches a critical host. Incident response takes waiting incidents
/// in this order.
fn priority(view: &Perception, case: CaseId) -> Level {
    let c = &view.desk.cases[case as usize];
    c.evidence().iter().fold(c.severity, |level, e| {
        let touches = match *e {
            Evidence::Host(h) => view.scenario.hosts[h].criticality,
            Evidence::Account(a)
                if crate::content::privileged(view.scenario.accounts[a].privilege) =>
            {
                Level::High
            }
            _ => Level::Low,
        };
        level.max(touches)
    })
}
