//! Incident responder bot: takes an incident handoff and works the containment
//! playbook through the partner teams: isolate hosts, disable (and reset) accounts,
//! block indicators, then eradicate and recover once eradication has landed.

use super::Brain;
use crate::scenario::{ObservableKind, Role};
use crate::soc::action::{Action, Evidence};
use crate::soc::perception::Perception;
use crate::soc::seat::Outcome;

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    super::next_handoff(brain, view, Role::Responder).map(Action::TakeHandoff)
}

/// Containment comes before cleanup: a new incident waiting in the queue is taken before
/// the next eradication or recovery step.
pub(super) fn preempt(brain: &mut Brain, view: &Perception) -> Option<Action> {
    let cleanup_next = brain
        .plan
        .front()
        .is_some_and(|a| matches!(a, Action::Eradicate(_) | Action::Recover(_)));
    if !cleanup_next {
        return None;
    }
    super::next_handoff(brain, view, Role::Responder).map(Action::TakeHandoff)
}

pub(super) fn observe(brain: &mut Brain, view: &Perception, outcome: &Outcome) {
    let Outcome::Case(case) = outcome else { return };
    // Act on what was handed over and is visible to this seat, nothing else.
    let evidence: Vec<Evidence> = view.desk.cases[*case as usize]
        .evidence()
        .iter()
        .copied()
        .filter(|e| view.knowledge.0.contains(e))
        .collect();
    let mut hosts = Vec::new();
    let mut contain = Vec::new();
    for e in evidence {
        if brain.mem.contained.contains(&e) {
            continue;
        }
        match e {
            Evidence::Host(h) => {
                brain.mem.contained.insert(e);
                hosts.push(h);
                contain.push(Action::Isolate(h));
            }
            Evidence::Account(a) => {
                if brain.rng.chance(brain.profile.contain_accounts) {
                    brain.mem.contained.insert(e);
                    contain.push(Action::DisableAccount(a));
                    if brain.profile.reset_credentials {
                        contain.push(Action::ResetCredentials(a));
                    }
                }
            }
            Evidence::Observable(o) => {
                let blockable = matches!(
                    view.scenario.observables[o].kind,
                    ObservableKind::Domain
                        | ObservableKind::Ip
                        | ObservableKind::Hash
                        | ObservableKind::Email
                        | ObservableKind::Url
                );
                if blockable && brain.rng.chance(brain.profile.block_observables) {
                    brain.mem.contained.insert(e);
                    contain.push(Action::Block(o));
                }
            }
            Evidence::Alert(_) | Evidence::Record(_) => {}
        }
    }
    // New containment goes ahead of any cleanup still planned from earlier incidents.
    for a in contain.into_iter().rev() {
        brain.plan.push_front(a);
    }
    for &h in &hosts {
        brain.plan.push_back(Action::Eradicate(h));
    }
    for &h in &hosts {
        brain.plan.push_back(Action::Recover(h));
    }
}
