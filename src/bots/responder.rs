//! Incident responder bot: takes an incident handoff and works the containment
//! playbook through the partner teams: isolate hosts, disable (and reset) accounts,
//! block indicators, then eradicate and recover once eradication has landed.

use super::Brain;
use crate::scenario::{ObservableKind, Role};
use crate::soc::{Action, Evidence, Outcome, View};

pub(super) fn next(_brain: &mut Brain, view: &View) -> Option<Action> {
    let h = view.ledger.handoffs_for(Role::Responder).next()?;
    Some(Action::TakeHandoff(h.id))
}

pub(super) fn observe(brain: &mut Brain, view: &View, outcome: &Outcome) {
    let Outcome::Case(case) = outcome else { return };
    // Act on what was handed over and is visible to this seat, nothing else.
    let evidence: Vec<Evidence> = view.ledger.cases[*case as usize]
        .evidence
        .iter()
        .copied()
        .filter(|e| view.knowledge.0.contains(e))
        .collect();
    let mut hosts = Vec::new();
    for e in evidence {
        let key = format!("{e:?}");
        if brain.mem.done.contains(&key) {
            continue;
        }
        match e {
            Evidence::Host(h) => {
                brain.mem.done.insert(key);
                hosts.push(h);
                brain.plan.push_back(Action::Isolate(h));
            }
            Evidence::Account(a) => {
                if brain.rng.chance(brain.profile.contain_accounts) {
                    brain.mem.done.insert(key);
                    brain.plan.push_back(Action::DisableAccount(a));
                    if brain.profile.reset_credentials {
                        brain.plan.push_back(Action::ResetCredentials(a));
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
                    brain.mem.done.insert(key);
                    brain.plan.push_back(Action::Block(o));
                }
            }
            Evidence::Alert(_) | Evidence::Record(_) => {}
        }
    }
    for &h in &hosts {
        brain.plan.push_back(Action::Eradicate(h));
    }
    for &h in &hosts {
        brain.plan.push_back(Action::Recover(h));
    }
}
