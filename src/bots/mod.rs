//! Bots: one per seat nobody holds, each playing its role with a skill profile.
//!
//! A bot keeps a short plan of actions. When its seat is idle it takes the next planned
//! action or, with none, looks at its queue; when an action ends it reads the outcome
//! and plans the next steps. Judgements (is this alert malicious? is this record?) are
//! drawn against the ground truth with the profile's accuracy, from the bot's own
//! random stream.

mod engineer;
mod hunter;
mod manager;
mod profile;
mod responder;
mod tier1;
mod tier2;

use std::collections::{BTreeSet, VecDeque};

pub use profile::{HuntStrategy, Profile, TriageOrder, profile_named, profiles};

use crate::scenario::Role;
use crate::sim::rng::Stream;
use crate::soc::{Action, CaseId, Evidence, EvidenceSet, HandoffId, Outcome, View};

/// Role-specific working memory.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// Case being worked.
    pub case: Option<CaseId>,
    /// Handoff being worked.
    pub handoff: Option<HandoffId>,
    /// Subjects already investigated.
    pub investigated: EvidenceSet,
    /// Subjects still to investigate.
    pub pending: VecDeque<Evidence>,
    /// Items judged malicious.
    pub suspicious: EvidenceSet,
    /// Items judged benign that were looked at.
    pub benign_leads: EvidenceSet,
    /// Investigations run on the current case.
    pub runs: u32,
    /// When the next hunt is due.
    pub next_hunt: u64,
    /// Techniques already hunted, in order.
    pub hunted: Vec<String>,
    /// The hunter's hypotheses with the rules covering each (see
    /// `hunter::hypotheses`); empty until its first hunt.
    pub hypotheses: Vec<(String, Vec<usize>)>,
    /// Items the responder has already acted on.
    pub contained: EvidenceSet,
    /// Rules the engineer has already changed.
    pub changed_rules: BTreeSet<usize>,
}

/// A bot's mind.
#[derive(Debug)]
pub struct Brain {
    /// Skill profile.
    pub profile: Profile,
    /// The bot's own random stream.
    pub rng: Stream,
    /// Next actions.
    pub plan: VecDeque<Action>,
    /// Working memory.
    pub mem: Memory,
    role: Role,
}

impl Brain {
    /// A bot for `role` with `profile`, drawing from `rng`.
    pub fn new(role: Role, profile: Profile, rng: Stream) -> Brain {
        Brain {
            profile,
            rng,
            plan: VecDeque::new(),
            mem: Memory::default(),
            role,
        }
    }

    /// The next action to take, if any.
    pub fn next(&mut self, view: &View) -> Option<Action> {
        if self.role == Role::Responder
            && let Some(take) = responder::preempt(self, view)
        {
            return Some(take);
        }
        if let Some(a) = self.plan.front() {
            if !ready(view, a) {
                return None;
            }
            return self.plan.pop_front();
        }
        match self.role {
            Role::Tier1 => tier1::next(self, view),
            Role::Tier2 => tier2::next(self, view),
            Role::Hunter => hunter::next(self, view),
            Role::Responder => responder::next(self, view),
            Role::Manager => manager::next(self, view),
            Role::Engineer => engineer::next(self, view),
        }
    }

    /// Reads a finished action's outcome and plans what follows.
    pub fn observe(&mut self, view: &View, action: &Action, outcome: &Outcome) {
        match self.role {
            Role::Tier1 => tier1::observe(self, view, action),
            Role::Tier2 => tier2::observe(self, view, action, outcome),
            Role::Hunter => hunter::observe(self, view, action, outcome),
            Role::Responder => responder::observe(self, view, outcome),
            Role::Engineer => engineer::observe(self, view, outcome),
            Role::Manager => {}
        }
    }

    /// With nothing to do now, how long until the bot wants to look again.
    pub fn wake_after(&self, view: &View) -> Option<u64> {
        if self.plan.front().is_some_and(|a| !ready(view, a)) {
            return Some(RECHECK);
        }
        match self.role {
            Role::Hunter => Some(self.mem.next_hunt.saturating_sub(view.now)),
            _ => None,
        }
    }

    /// Draws a judgement: right with probability `p`.
    fn judge(&mut self, truth: bool, p: f64) -> bool {
        if self.rng.chance(p.clamp(0.0, 1.0)) {
            truth
        } else {
            !truth
        }
    }
}

/// The waiting handoff a bot of this profile picks up next: the oldest for a FIFO
/// profile, else the most severe (oldest first among equals).
fn next_handoff(brain: &Brain, view: &View, role: Role) -> Option<HandoffId> {
    let mut waiting = view.ledger.handoffs_for(role);
    match brain.profile.triage_order {
        TriageOrder::Fifo => waiting.next().map(|h| h.id),
        TriageOrder::Severity => waiting
            .min_by_key(|h| (std::cmp::Reverse(h.draft.severity), h.sent_at, h.id))
            .map(|h| h.id),
    }
}

/// How long a bot waits before checking again on a step that is not ready yet.
const RECHECK: u64 = 600;

/// Whether a planned action can go ahead now. A host goes back into service only once
/// its eradication has landed: recovering it earlier would hand the attacker's
/// persistence its network back.
fn ready(view: &View, action: &Action) -> bool {
    match *action {
        Action::Recover(h) => view.defense.eradicated[h],
        _ => true,
    }
}

/// Whether an evidence item is tied to malicious activity as far as the ground truth
/// at `view.now` goes: an alert or record behind a stage, a host the attacker holds or
/// held, an account it compromised, an observable of a stage that happened.
pub fn malicious(view: &View, item: Evidence) -> bool {
    match item {
        Evidence::Alert(a) => view.ledger.alerts[a as usize].stage.is_some(),
        Evidence::Record(r) => view.ledger.records[r as usize].stage.is_some(),
        Evidence::Host(h) => {
            view.attack
                .intrusions
                .iter()
                .any(|i| i.footholds.contains(&h))
                || view.ledger.in_malicious_records.contains(&item)
        }
        Evidence::Account(a) => {
            view.attack
                .intrusions
                .iter()
                .any(|i| i.accounts.contains(&a))
                || view.ledger.in_malicious_records.contains(&item)
        }
        Evidence::Observable(_) => view.ledger.in_malicious_records.contains(&item),
    }
}

impl Brain {
    /// Chooses what to attach to a handoff from the items the seat has seen: each
    /// relevant one with the profile's thoroughness, each irrelevant one with its
    /// sloppiness. The lead item (the alert or case subject) always goes in.
    fn pick_evidence(
        &mut self,
        view: &View,
        lead: Option<Evidence>,
        seen: &[Evidence],
    ) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = lead.into_iter().collect();
        for &item in seen {
            if Some(item) == lead || out.contains(&item) {
                continue;
            }
            let p = if malicious(view, item) {
                self.profile.thoroughness
            } else {
                self.profile.sloppiness
            };
            if self.rng.chance(p) {
                out.push(item);
            }
        }
        out
    }

    /// The severity the bot assigns: the true one with the profile's accuracy, else a
    /// neighbouring level.
    fn rate_severity(&mut self, truth: crate::scenario::Level) -> crate::scenario::Level {
        use crate::scenario::Level::*;
        if self.rng.chance(self.profile.severity_accuracy) {
            return truth;
        }
        let levels = [Low, Medium, High, Critical];
        let i = truth as usize;
        let j = match i {
            0 => 1,
            3 => 2,
            _ if self.rng.chance(0.5) => i + 1,
            _ => i - 1,
        };
        levels[j]
    }
}

/// The true severity of a set of items: the worst stage behind them, or Low.
pub fn true_severity(view: &View, items: &[Evidence]) -> crate::scenario::Level {
    let stage_of = |item: &Evidence| match *item {
        Evidence::Alert(a) => view.ledger.alerts[a as usize].stage,
        Evidence::Record(r) => view.ledger.records[r as usize].stage,
        _ => None,
    };
    items
        .iter()
        .filter_map(stage_of)
        .map(|(i, s)| view.scenario.intrusions[i].stages[s].severity)
        .max()
        .unwrap_or(crate::scenario::Level::Low)
}
