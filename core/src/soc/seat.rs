//! A seat's components — who sits there, what it knows, what it is doing — and what a
//! finished action tells it. Plain data: the engine (`work.rs`, `effects.rs`) changes
//! them, a seat's perception reads them.

use bevy::prelude::*;

use crate::scenario::Role;
use crate::soc::action::{Action, CaseId, EvidenceSet, RecordId, SeatId};

/// A seat: one person's or bot's place in the SOC.
#[derive(Component, Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Seat {
    /// Its number: role order then seat number, then seats added while it ran.
    pub id: SeatId,
    pub role: Role,
    /// Name such as `tier1-2`.
    pub name: String,
}

/// What a seat has discovered or been handed: the only things it may see and act on.
#[derive(Component, Debug, Clone, Default)]
pub struct Knowledge(pub EvidenceSet);

/// The action a seat is working on.
#[derive(Component, Debug, Clone, Default)]
pub struct Task(pub Option<Action>);

/// What an action produced, for the bot that took it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing to report.
    Done,
    /// Records found by an investigation or hunt.
    Records(Vec<RecordId>),
    /// A case opened (or joined) by taking a handoff.
    Case(CaseId),
}
