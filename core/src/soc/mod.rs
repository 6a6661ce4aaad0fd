//! The SOC: seats and their roles, the actions they take, and how each action's effect
//! lands on the shared desk. The engine refuses any action outside a seat's role or
//! aimed at something the seat has not discovered or been handed.
//!
//! By job: `action.rs` is the vocabulary (actions, evidence, verdicts, ids);
//! `ledger.rs` the desk every seat shares; `perception.rs` what a seat (and its bot) may
//! see; `refusal.rs` why an action is turned down; `work.rs` a seat's turn (finding the
//! next action, starting it, landing it); `effects.rs` what each finished action does;
//! `room.rs` the live room's operations (people, hand-overs, seats added and removed,
//! what is said). This file holds the seat's components and the engine's helpers on
//! `Ctx` that the others share.

pub mod action;
mod effects;
pub mod ledger;
pub mod perception;
mod refusal;
mod room;
pub mod seat;
mod work;

use std::collections::VecDeque;

use bevy::prelude::*;

use crate::bots::Brain;
use crate::clock::SimTime;
use crate::journal::Entry;
use crate::scenario::{IntrusionIdx, Role};
use crate::sim::injects::fire_detection_injects;
use crate::sim::{Ctx, SeatReady, SimEvent};

pub use action::*;
pub use perception::{Perception, Public};
pub use refusal::refusal;
pub(crate) use room::{LiveOp, live_op, on_talk_due};
pub use room::{
    MAX_DISCUSSION_CHARS, MAX_NAME_CHARS, ScriptedTalk, Talk, discussion_text, participant_name,
};
pub use seat::{Knowledge, Outcome, Seat, Task};
pub(crate) use work::{SeatQuery, on_action_done, on_seat_ready, seat_rows};

/// Who plays a seat.
#[derive(Component, Debug)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Controller {
    Bot(Box<Brain>),
    /// Timed actions from a script (a person's recorded or planned moves).
    Script(VecDeque<(SimTime, Action)>),
    /// A person at a live console: acts only through `Exercise::act`, never on its own.
    Person,
}

/// Seat entities by seat id.
#[derive(Resource, Debug, Clone, Default)]
pub struct SeatIndex(pub Vec<Entity>);

impl Ctx<'_> {
    /// Wakes every idle seat of `role` that is not already due to wake.
    pub fn wake(&mut self, role: Role) {
        if !self.clock.defending() {
            return;
        }
        let now = self.clock.now;
        let ledger = &mut *self.ledger;
        for i in 0..ledger.seats_of(role).len() {
            let id = ledger.seats_of(role)[i];
            let slot = &mut ledger.board[id as usize];
            if !slot.busy && !slot.wake_pending && !slot.gone {
                slot.wake_pending = true;
                self.agenda
                    .at(now, SimEvent::SeatReady(SeatReady { seat: id }));
            }
        }
    }

    /// The perception of a seat now: all a bot may decide from.
    fn perceive<'a>(&'a self, seat: &'a Seat, knowledge: &'a Knowledge) -> Perception<'a> {
        Perception::new(
            self.clock.now,
            seat,
            knowledge,
            self.ledger,
            &self.public,
            self.defense,
        )
    }

    /// Records the first time a seat judged an item of an intrusion malicious
    /// (SCORING.md §3), unless the attacker has already announced it.
    fn detect(&mut self, intrusion: IntrusionIdx, seat: SeatId) {
        let state = &self.attack.intrusions[intrusion];
        if state.detected || state.told {
            return;
        }
        self.attack.intrusions[intrusion].detected = true;
        self.log(Entry::Detected { intrusion, seat });
        fire_detection_injects(self, intrusion);
    }

    /// The intrusions behind the alerts and records among `items`, sorted, once each.
    fn truth_behind(&self, items: &[Evidence]) -> Vec<IntrusionIdx> {
        let mut out: Vec<IntrusionIdx> = items
            .iter()
            .filter_map(|e| match *e {
                Evidence::Alert(a) => self.truth.alert(a),
                Evidence::Record(r) => self.truth.record(r),
                _ => None,
            })
            .map(|(i, _)| i)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Makes items visible to a seat, journaling the new ones.
    fn reveal(
        &mut self,
        seat: SeatId,
        knowledge: &mut Knowledge,
        items: impl IntoIterator<Item = Evidence>,
    ) {
        let new: Vec<Evidence> = items
            .into_iter()
            .filter(|i| knowledge.0.insert(*i))
            .collect();
        self.log_revealed(seat, new);
    }

    /// Journals the items newly revealed to a seat, in order. Each is new once (the
    /// seat's knowledge said so), so sorting is all that is left.
    fn log_revealed(&mut self, seat: SeatId, mut new: Vec<Evidence>) {
        if new.is_empty() {
            return;
        }
        if !new.is_sorted() {
            new.sort_unstable();
        }
        self.log(Entry::Revealed { seat, items: new });
    }

    /// Makes records a search turned up visible to a seat with what they name, as
    /// [`Ctx::reveal`] of their items would, without listing every item first: the
    /// records come first (ids sort before hosts, accounts and indicators), then the
    /// rest, which is all a search's reveal has to sort.
    fn reveal_records(&mut self, seat: SeatId, knowledge: &mut Knowledge, found: &[RecordId]) {
        let mut new: Vec<Evidence> = Vec::with_capacity(found.len() + 8);
        for &r in found {
            let item = Evidence::Record(r);
            if knowledge.0.insert(item) {
                new.push(item);
            }
        }
        let records = new.len();
        let mut reveal = |item: Evidence| {
            if knowledge.0.insert(item) {
                new.push(item);
            }
        };
        for &r in found {
            let rec = &self.ledger.records[r as usize];
            if let Some(h) = rec.host {
                reveal(Evidence::Host(h));
            }
            if let Some(a) = rec.account {
                reveal(Evidence::Account(a));
            }
            for &o in &rec.observables {
                reveal(Evidence::Observable(o));
            }
        }
        new[records..].sort_unstable();
        self.log_revealed(seat, new);
    }
}
