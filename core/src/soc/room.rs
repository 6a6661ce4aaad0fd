//! The live room's operations on a running exercise: a person's action, taking and
//! handing over seats, adding and removing them, the bots' wait, what is said
//! (answers, notes, messages, live injects) and injects fired by hand.

use bevy::prelude::*;

use crate::clock::SimTime;
use crate::journal::Entry;
use crate::scenario::Role;
use crate::sim::{Ctx, SeatReady, SimEvent};

use super::work::start;
use super::*;

/// A live exercise's operation on the world at the live clock's time (see
/// [`crate::live`]).
#[derive(Debug, Clone)]
pub(crate) enum LiveOp {
    /// A person's action; with `dry_run`, only whether it would be accepted.
    Act {
        seat: SeatId,
        action: Action,
        dry_run: bool,
    },
    /// A person takes over a seat, with their name if they gave one.
    TakeSeat(SeatId, Option<String>),
    /// The participant at a seat gives their name.
    Name(SeatId, String),
    /// The facilitator hands a seat back to a bot of this profile.
    Release(SeatId, Box<crate::bots::Profile>),
    /// The facilitator adds a seat of a role while the exercise runs; a bot of this
    /// profile plays it until a person takes it.
    AddSeat(Role, Box<crate::bots::Profile>),
    /// The facilitator removes a seat no person holds while the exercise runs.
    RemoveSeat(SeatId),
    /// The facilitator sets how long bots leave work to the people of their role.
    SetBotWait(ledger::BotWait),
    /// A seat's answer, or the facilitator's note or message.
    Say(Talk),
    /// The facilitator writes an inject and fires it.
    WriteInject(Box<ledger::LiveInject>),
    /// The facilitator fires an inject now.
    FireInject(usize),
    /// The exercise ends for the defenders (they stand down).
    End,
}

/// Runs a [`LiveOp`] at the horizon: the live clock's time, up to which every event has
/// fired. Returns the time the operation's effect is due (an action's end; now for
/// every other operation: what it adds, a seat or an inject, is the last of its kind).
pub(crate) fn live_op(
    In(op): In<LiveOp>,
    mut param: crate::sim::CtxParam,
    mut index: ResMut<SeatIndex>,
    seed: Res<crate::sim::Seed>,
    mut seats: SeatQuery,
    mut commands: Commands,
) -> Result<SimTime, String> {
    let mut ctx = param.ctx();
    if !ctx.clock.defending() {
        return Err("the exercise has ended".into());
    }
    ctx.clock.now = ctx.clock.now.max(ctx.clock.horizon);
    let entity = |seat: SeatId| {
        index
            .0
            .get(seat as usize)
            .copied()
            .ok_or_else(|| format!("there is no seat {seat}"))
    };
    match op {
        LiveOp::Act {
            seat,
            action,
            dry_run,
        } => {
            let (seat, controller, knowledge, mut task) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            act(
                &mut ctx,
                seat,
                &controller,
                &knowledge,
                &mut task,
                action,
                dry_run,
            )
        }
        LiveOp::TakeSeat(seat, name) => {
            let (seat, mut controller, _, _) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            if matches!(*controller, Controller::Person) {
                return Err(format!("{} is already held by a person", seat.name));
            }
            *controller = Controller::Person;
            let id = seat.id;
            ctx.ledger.board[id as usize].person = true;
            ctx.log(Entry::SeatTaken { seat: id, name });
            Ok(ctx.now())
        }
        LiveOp::Name(seat, name) => {
            let (seat, _, _, _) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            let name = participant_name(&name)?;
            let id = seat.id;
            ctx.log(Entry::SeatNamed { seat: id, name });
            Ok(ctx.now())
        }
        LiveOp::Release(seat, profile) => {
            let (seat, mut controller, _, _) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            if !matches!(*controller, Controller::Person) {
                return Err(format!("{} is not held by a person", seat.name));
            }
            let now = ctx.now();
            *controller = bot_from_now(&ctx, seed.0, seat.role, &seat.name, *profile);
            let id = seat.id;
            let slot = &mut ctx.ledger.board[id as usize];
            slot.person = false;
            if !slot.busy && !slot.wake_pending {
                slot.wake_pending = true;
                ctx.agenda
                    .at(now, SimEvent::SeatReady(SeatReady { seat: id }));
            }
            ctx.log(Entry::SeatReleased { seat: id });
            Ok(now)
        }
        LiveOp::AddSeat(role, profile) => {
            add_seat(&mut ctx, &mut index, &mut commands, seed.0, role, *profile)?;
            Ok(ctx.now())
        }
        LiveOp::RemoveSeat(seat) => {
            let (seat, mut controller, _, mut task) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            remove_seat(&mut ctx, seat, &mut controller, &mut task)?;
            Ok(ctx.now())
        }
        LiveOp::SetBotWait(wait) => {
            ctx.ledger.bot_wait = wait;
            ctx.log(Entry::BotWaitSet { wait });
            // Bots waiting on the old threshold look again.
            for role in crate::scenario::ALL_ROLES {
                ctx.wake(role);
            }
            Ok(ctx.now())
        }
        LiveOp::Say(talk) => {
            let talk = match talk {
                Talk::Reply { seat, inject, text } => {
                    let (seat, _, _, _) = seats
                        .get_mut(entity(seat)?)
                        .map_err(|_| format!("there is no seat {seat}"))?;
                    let text = discussion_text(&text, "an answer")?;
                    let s = &ctx.scenario.0;
                    let addressed = match s.injects.get(inject) {
                        Some(inj) => {
                            ctx.ledger.injects_fired[inject] && inj.to.contains(&seat.role)
                        }
                        None => ctx
                            .ledger
                            .live_injects
                            .get(inject.wrapping_sub(s.injects.len()))
                            .is_some_and(|inj| inj.to.contains(&seat.role)),
                    };
                    if !addressed {
                        return Err(format!(
                            "inject {inject} has not reached {} ({}): answer one in the seat's inbox",
                            seat.name,
                            seat.role.label()
                        ));
                    }
                    Talk::Reply {
                        seat: seat.id,
                        inject,
                        text,
                    }
                }
                Talk::Note {
                    role,
                    objective,
                    text,
                } => {
                    if let Some(id) = &objective
                        && !ctx.scenario.0.objectives.iter().any(|o| &o.id == id)
                    {
                        return Err(format!("there is no objective {id:?} in this scenario"));
                    }
                    Talk::Note {
                        role,
                        objective,
                        text: discussion_text(&text, "a note")?,
                    }
                }
                Talk::Message { to, text } => {
                    if let Some(seat) = to {
                        entity(seat)?;
                    }
                    Talk::Message {
                        to,
                        text: discussion_text(&text, "a message")?,
                    }
                }
            };
            say(&mut ctx, talk);
            Ok(ctx.now())
        }
        LiveOp::WriteInject(inject) => {
            let mut inject = *inject;
            inject.title = discussion_text(&inject.title, "an inject's title")?;
            inject.body = inject.body.trim().to_string();
            if inject.body.chars().count() > MAX_DISCUSSION_CHARS {
                return Err(format!(
                    "an inject's text is at most {MAX_DISCUSSION_CHARS} characters"
                ));
            }
            if inject.to.is_empty() {
                return Err("an inject needs at least one role to address".into());
            }
            inject.to.sort();
            inject.to.dedup();
            inject.questions = inject
                .questions
                .iter()
                .map(|q| q.trim().to_string())
                .filter(|q| !q.is_empty())
                .collect();
            let number = ctx.scenario.0.injects.len() + ctx.ledger.live_injects.len();
            inject.at = ctx.now();
            ctx.log(Entry::InjectWritten(Box::new(
                crate::journal::WrittenInject {
                    inject: number,
                    title: inject.title.clone(),
                    body: inject.body.clone(),
                    to: inject.to.clone(),
                    questions: inject.questions.clone(),
                },
            )));
            ctx.ledger.live_injects.push(inject);
            Ok(ctx.now())
        }
        LiveOp::FireInject(i) => {
            let Some(inject) = ctx.scenario.0.injects.get(i) else {
                return Err(format!("there is no inject {i}"));
            };
            if ctx.ledger.injects_fired[i] {
                return Err(format!("inject {:?} has already fired", inject.id));
            }
            crate::sim::injects::fire(&mut ctx, i);
            Ok(ctx.now())
        }
        LiveOp::End => {
            if ctx.clock.stood_down.is_some() {
                return Err("the defenders have already stood down".into());
            }
            // The meeting ending does not stop the attacker: the SOC stands down here and
            // the caller runs the attack on to the time limit.
            let now = ctx.now();
            ctx.clock.stood_down = Some(now);
            ctx.log(Entry::StoodDown);
            Ok(now)
        }
    }
}

/// A piece of discussion a script makes at its time (checked when the script loaded).
#[derive(Debug, Clone, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Talk {
    /// A seat answers an inject's questions.
    Reply {
        seat: SeatId,
        inject: usize,
        /// The answer.
        text: String,
    },
    /// The facilitator notes an observation.
    Note {
        /// The role it is about; none for the team.
        role: Option<Role>,
        /// The objective it bears on.
        objective: Option<String>,
        /// The note.
        text: String,
    },
    /// The facilitator messages one seat, or everyone.
    Message {
        /// The seat; none for everyone.
        to: Option<SeatId>,
        /// The message.
        text: String,
    },
}

/// Records a piece of discussion now: the seat's or the facilitator's words go into the
/// journal, and answers and messages onto the desk where the seats' views show them.
pub(crate) fn say(ctx: &mut Ctx, talk: Talk) {
    let at = ctx.now();
    match talk {
        Talk::Reply { seat, inject, text } => {
            ctx.ledger.replies.push(ledger::Reply {
                at,
                seat,
                inject,
                text: text.clone(),
            });
            ctx.log(Entry::InjectReply { seat, inject, text });
        }
        Talk::Note {
            role,
            objective,
            text,
        } => ctx.log(Entry::Note {
            role,
            objective,
            text,
        }),
        Talk::Message { to, text } => {
            ctx.ledger.messages.push(ledger::Message {
                at,
                to,
                text: text.clone(),
            });
            ctx.log(Entry::Message { to, text });
        }
    }
}

/// A scripted piece of discussion comes due.
pub(crate) fn on_talk_due(ctx: &mut Ctx, talk: &ScriptedTalk, index: u32) {
    if let Some((_, t)) = talk.0.get(index as usize) {
        say(ctx, t.clone());
    }
}

/// A script's answers, notes and messages, by index, for the agenda's events.
#[derive(Resource, Debug, Clone, Default)]
pub struct ScriptedTalk(pub Vec<(SimTime, Talk)>);

/// The most characters of one answer, note, message or inject text.
pub const MAX_DISCUSSION_CHARS: usize = 2000;

/// A piece of discussion as it is kept: trimmed, not empty, not too long.
pub fn discussion_text(text: &str, what: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    if text.chars().count() > MAX_DISCUSSION_CHARS {
        return Err(format!(
            "{what} is at most {MAX_DISCUSSION_CHARS} characters"
        ));
    }
    Ok(text.to_string())
}

/// The most characters of a participant's name.
pub const MAX_NAME_CHARS: usize = 60;

/// A participant's name as it is kept: trimmed, printable, not empty, not too long.
pub fn participant_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("a name is at most {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("a name cannot hold control characters".into());
    }
    Ok(name.to_string())
}

/// A person's action at a live console, now. Checked like any other action, and also
/// refused while the seat is busy or the exercise is over; a refused action leaves no
/// trace in the journal (the person is told why instead). With `dry_run` nothing
/// starts. Returns when the action will be done.
pub(crate) fn act(
    ctx: &mut Ctx,
    seat: &Seat,
    controller: &Controller,
    knowledge: &Knowledge,
    task: &mut Task,
    action: Action,
    dry_run: bool,
) -> Result<SimTime, String> {
    if !ctx.clock.defending() {
        return Err("the exercise has ended".into());
    }
    if !matches!(controller, Controller::Person) {
        return Err(format!("{} is played by a bot", seat.name));
    }
    let slot = ctx.ledger.board[seat.id as usize];
    if slot.busy {
        return Err(format!("busy until {}", slot.until.hms()));
    }
    if let Some(reason) = refusal(ctx, seat, knowledge, &action) {
        return Err(reason);
    }
    if dry_run {
        return Ok(ctx.now());
    }
    start(ctx, seat, task, action, 1.0, None);
    Ok(ctx.ledger.board[seat.id as usize].until)
}

/// A bot of `profile` for a seat that changes hands during a live exercise. Its stream
/// is named by the seat and the moment, so its draws depend on nothing else that
/// happened.
pub(super) fn bot_from_now(
    ctx: &Ctx,
    seed: u64,
    role: Role,
    seat: &str,
    profile: crate::bots::Profile,
) -> Controller {
    let now = ctx.now();
    let mut brain = crate::bots::Brain::new(
        role,
        profile,
        crate::sim::rng::Stream::new(seed, &format!("bot/{seat}/from/{}", now.secs())),
    );
    if role == Role::Hunter {
        brain.mem.hypotheses = crate::bots::hunt_hypotheses(&ctx.scenario.0);
    }
    Controller::Bot(Box::new(brain))
}

/// Adds a seat of `role` now, played by a bot of `profile` until a person takes it.
/// Its id is the next after every seat (removed ones included) and its name the next of
/// its role, so a replay of the same moves adds the same seat.
pub(super) fn add_seat(
    ctx: &mut Ctx,
    index: &mut SeatIndex,
    commands: &mut Commands,
    seed: u64,
    role: Role,
    profile: crate::bots::Profile,
) -> Result<SeatId, String> {
    let of_role = ctx.ledger.board.iter().filter(|s| s.role == role).count();
    if of_role >= crate::scenario::model::MAX_SEATS as usize {
        return Err(format!(
            "{} already has {} seats, the most a role may have",
            role.label(),
            crate::scenario::model::MAX_SEATS
        ));
    }
    let id = SeatId::try_from(ctx.ledger.board.len())
        .map_err(|_| "this exercise has as many seats as it can hold".to_string())?;
    let name = crate::scenario::seat_name(role, of_role as u32 + 1);
    let now = ctx.now();
    let controller = bot_from_now(ctx, seed, role, &name, profile.clone());
    let seat = Seat {
        id,
        role,
        name: name.clone(),
    };
    let e = commands
        .spawn((seat, controller, Knowledge::default(), Task::default()))
        .id();
    index.0.push(e);
    ctx.ledger.seat(ledger::Slot {
        role,
        busy: false,
        wake_pending: true,
        until: SimTime::ZERO,
        person: false,
        gone: false,
    });
    ctx.log(Entry::SeatAdded {
        info: Box::new(crate::journal::SeatInfo {
            seat: id,
            name,
            role,
            controller: format!("bot:{}", profile.name),
            player: None,
        }),
    });
    ctx.agenda
        .at(now, SimEvent::SeatReady(SeatReady { seat: id }));
    Ok(id)
}

/// Removes a seat no person holds: it takes no more work, an action under way is
/// abandoned, the alerts it held open go back to the queue and any the manager had
/// assigned to it are free for every Tier 1 seat. Cases it owns stay on the record.
pub(super) fn remove_seat(
    ctx: &mut Ctx,
    seat: &Seat,
    controller: &mut Controller,
    task: &mut Task,
) -> Result<(), String> {
    let id = seat.id;
    let slot = ctx.ledger.board[id as usize];
    if slot.gone {
        return Err(format!("{} has already left the exercise", seat.name));
    }
    if slot.person {
        return Err(format!(
            "{} is held by a person: hand it to a bot first, then remove it",
            seat.name
        ));
    }
    let others = ctx
        .ledger
        .board
        .iter()
        .enumerate()
        .any(|(i, s)| i != id as usize && s.role == seat.role && !s.gone);
    if seat.role == Role::Manager
        && !others
        && ctx.scenario.0.injects.iter().any(|i| i.decision.is_some())
    {
        return Err(
            "this scenario's injects ask decisions, which the SOC manager takes: keep a manager seat"
                .into(),
        );
    }
    *controller = Controller::Person;
    task.0 = None;
    let now = ctx.now();
    let mut returned = Vec::new();
    for a in 0..ctx.ledger.alerts.len() {
        let al = &ctx.ledger.alerts[a];
        if al.taken_by == Some(id) && !al.closed {
            let t = ctx.scenario.0.tenants[al.tenant].sla.pickup_target();
            let ledger = &mut *ctx.ledger;
            let al = &mut ledger.alerts[a];
            al.taken_by = None;
            al.verdict = None;
            al.assigned = None;
            ledger.queue.push(&ledger.alerts[a], t);
            returned.push(a as AlertId);
        } else if al.assigned == Some(id) && ctx.ledger.queue.contains(a as AlertId) {
            ctx.ledger.alerts[a].assigned = None;
            ctx.ledger.assigned_waiting = ctx.ledger.assigned_waiting.saturating_sub(1);
        }
    }
    let slot = &mut ctx.ledger.board[id as usize];
    slot.gone = true;
    slot.busy = false;
    slot.until = now;
    ctx.log(Entry::SeatRemoved { seat: id, returned });
    ctx.wake(Role::Tier1);
    Ok(())
}
