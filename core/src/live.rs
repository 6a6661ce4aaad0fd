//! Live exercises: the moves people and the facilitator make, in the form the server
//! writes to disk before each takes effect, and how a recorded exercise is played again.
//!
//! A live exercise is an ordinary [`Exercise`] whose clock is moved by wall time. Every
//! move happens at the *horizon*: the live clock's time, up to which every event has
//! fired. Stepping the horizon forward in any increments fires the same events in the
//! same order, so a list of moves stamped with their horizons replays to the same
//! journal, bit for bit, however the live clock happened to tick. That is what makes
//! resuming after a crash and `socdrill replay` of a live exercise exact.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::Exercise;
use crate::clock::SimTime;
use crate::scenario::Role;
use crate::script::Script;
use crate::soc::ledger::{BotWait, LiveInject};
use crate::soc::{Action, SeatId};

/// The schema of a live exercise's setup file.
pub const SETUP_SCHEMA: &str = "socdrill.live/1";

/// Something that changes a live exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do")]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Move {
    /// A person's action at a seat.
    Act { seat: SeatId, action: Action },
    /// A person takes over a seat a bot was playing.
    TakeSeat {
        seat: SeatId,
        /// The participant's name, if they gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// The participant at a seat gives their name.
    Name { seat: SeatId, name: String },
    /// The facilitator hands a person's seat back to a bot.
    ReleaseSeat { seat: SeatId },
    /// The facilitator adds a seat of a role while the exercise runs (a bot plays it
    /// until a person takes it); it gets the next seat id.
    AddSeat { role: Role },
    /// The facilitator removes a seat no person holds while the exercise runs.
    RemoveSeat { seat: SeatId },
    /// The facilitator sets how long bots leave work to the people of their role.
    BotWait {
        /// The new wait.
        wait: BotWait,
    },
    /// A seat answers an inject's discussion questions.
    Reply {
        seat: SeatId,
        /// Inject number.
        inject: usize,
        /// The answer.
        text: String,
    },
    /// The facilitator notes an observation about a role, or the team.
    Note {
        /// The role; none for the team.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<Role>,
        /// The id of the objective it bears on, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objective: Option<String>,
        /// The note.
        text: String,
    },
    /// The facilitator messages one seat, or everyone.
    Message {
        /// The seat; none for everyone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<SeatId>,
        /// The message.
        text: String,
    },
    /// The facilitator writes an inject and fires it.
    WriteInject { inject: LiveInject },
    /// The facilitator fires an inject now.
    FireInject {
        /// Inject index.
        inject: usize,
    },
    /// The exercise ends before its time limit (the facilitator, a trainee or a
    /// player): the defenders stand down and the attack runs on to the limit.
    End,
    /// The live clock reached this time (no effect; where a resumed exercise picks up).
    Clock,
}

/// A move at its simulated time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timed {
    /// The horizon when it was made.
    pub t: SimTime,
    /// The move.
    #[serde(rename = "move")]
    pub mv: Move,
}

/// How a live exercise was set up: with the scenario text and the moves, all a replay
/// needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Always [`SETUP_SCHEMA`].
    pub schema: String,
    /// Scenario id (the text is stored beside this file).
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// Bot profile for seats no person holds.
    pub bots: String,
    /// Seats held by people from T+0.
    pub people: Vec<String>,
    /// Per seat held by a person from T+0, the participant's name (absent in setups
    /// recorded before names were asked).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    /// How long bots left work to the people of their role at the start. Setups
    /// recorded before this existed had bots take work at once, and replay so.
    #[serde(default)]
    pub bot_wait: BotWait,
    /// Seats per role, when the facilitator changed the scenario's staffing before the
    /// start (absent: the scenario's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staffing: Option<Vec<(Role, u32)>>,
}

impl Setup {
    /// The scenario as this exercise was staffed.
    pub fn scenario(
        &self,
        scenario: &std::sync::Arc<crate::scenario::Scenario>,
    ) -> Result<std::sync::Arc<crate::scenario::Scenario>, String> {
        match &self.staffing {
            None => Ok(scenario.clone()),
            Some(st) => scenario.restaffed(st).map(std::sync::Arc::new),
        }
    }

    /// The script that gives those seats to people.
    pub fn script(&self) -> Script {
        Script {
            people: self.people.iter().cloned().collect(),
            names: self.names.clone(),
            bot_wait: self.bot_wait,
            ..Script::default()
        }
    }
}

/// Makes one move: moves the horizon up to its time, then applies it. Returns when its
/// effect is due (an action's end), or why it was refused.
pub fn make_move(ex: &mut Exercise, m: &Timed) -> Result<SimTime, String> {
    if m.t >= ex.horizon() {
        ex.advance_to(m.t);
    }
    match &m.mv {
        Move::Act { seat, action } => ex.act(*seat, action.clone()),
        Move::TakeSeat { seat, name } => ex.take_seat(*seat, name.clone()).map(|()| m.t),
        Move::Name { seat, name } => ex.name_seat(*seat, name.clone()).map(|()| m.t),
        Move::ReleaseSeat { seat } => ex.release_seat(*seat).map(|()| m.t),
        Move::AddSeat { role } => ex.add_seat(*role).map(|_| m.t),
        Move::RemoveSeat { seat } => ex.remove_seat(*seat).map(|()| m.t),
        Move::BotWait { wait } => ex.set_bot_wait(*wait).map(|()| m.t),
        Move::Reply { seat, inject, text } => ex.reply(*seat, *inject, text.clone()).map(|()| m.t),
        Move::Note {
            role,
            objective,
            text,
        } => ex
            .note(*role, objective.clone(), text.clone())
            .map(|()| m.t),
        Move::Message { to, text } => ex.message(*to, text.clone()).map(|()| m.t),
        Move::WriteInject { inject } => ex.write_inject(inject.clone()).map(|_| m.t),
        Move::FireInject { inject } => ex.fire_inject(*inject).map(|()| m.t),
        Move::End => ex.end_now(),
        Move::Clock => Ok(m.t),
    }
}

/// A recorded move that does not play again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    /// 1-based line of the move in the moves file.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

/// Plays recorded moves in order. Every move was accepted when it was recorded, so a
/// refusal now means the moves do not belong to this scenario, seed and setup.
pub fn replay(ex: &mut Exercise, moves: &[Timed]) -> Result<(), ReplayError> {
    let mut last = SimTime::ZERO;
    for (i, m) in moves.iter().enumerate() {
        if m.t < last {
            return Err(ReplayError {
                line: i + 1,
                message: format!("time goes back from {} s to {} s", last.secs(), m.t.secs()),
            });
        }
        last = m.t;
        if ex.ended() {
            if matches!(m.mv, Move::Clock) {
                continue;
            }
            return Err(ReplayError {
                line: i + 1,
                message: "a move after the exercise ended".into(),
            });
        }
        make_move(ex, m).map_err(|message| ReplayError {
            line: i + 1,
            message: format!("refused on replay: {message}"),
        })?;
    }
    Ok(())
}

/// Reads a moves file (one JSON move per line). A last line without its newline is a
/// write the crash cut short: the move never took effect, so it is dropped and
/// reported as `torn`. Any other unreadable line is an error with its line number.
pub fn parse_moves(text: &str) -> Result<(Vec<Timed>, bool), ReplayError> {
    let torn = !text.is_empty() && !text.ends_with('\n');
    let whole = if torn {
        &text[..text.rfind('\n').map_or(0, |i| i + 1)]
    } else {
        text
    };
    let mut moves = Vec::new();
    for (i, line) in whole.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let m: Timed = serde_json::from_str(line).map_err(|e| ReplayError {
            line: i + 1,
            message: format!("not a move: {e}"),
        })?;
        moves.push(m);
    }
    Ok((moves, torn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_torn_last_line_is_dropped_and_reported() {
        let text = "{\"t\":3,\"move\":{\"do\":\"Clock\"}}\n{\"t\":5,\"move\":{\"do\":\"En";
        let (moves, torn) = parse_moves(text).unwrap();
        assert!(torn);
        assert_eq!(
            moves,
            vec![Timed {
                t: SimTime::from_secs(3),
                mv: Move::Clock
            }]
        );
        let bad = "{\"t\":3,\"move\":{\"do\":\"Clock\"}}\nnot json\n";
        assert_eq!(parse_moves(bad).unwrap_err().line, 2);
    }

    #[test]
    fn moves_read_back_as_written() {
        let m = Timed {
            t: SimTime::from_secs(90),
            mv: Move::Act {
                seat: 2,
                action: Action::Classify(4, crate::soc::Verdict::Malicious),
            },
        };
        let line = serde_json::to_string(&m).unwrap();
        assert_eq!(
            line,
            r#"{"t":90,"move":{"do":"Act","seat":2,"action":{"Classify":[4,"Malicious"]}}}"#
        );
        assert_eq!(serde_json::from_str::<Timed>(&line).unwrap(), m);
    }
}
