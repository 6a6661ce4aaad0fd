//! A seat's turn: finding its next action (a bot's plan, a script's due step),
//! starting it (what it reserves, how long it takes) and, when it ends, landing it and
//! looking for the next.

use bevy::prelude::*;

use crate::journal::Entry;
use crate::sim::{ActionDone, Ctx, SeatReady, SimEvent};

use super::effects::apply;
use super::*;

/// Finds the next thing for an idle seat to do and starts it. Refused actions are
/// journaled and skipped.
pub(super) fn dispatch(
    ctx: &mut Ctx,
    seat: &Seat,
    controller: &mut Controller,
    knowledge: &mut Knowledge,
    task: &mut Task,
) {
    // A bot gets a few tries (its plan may hold steps that were overtaken); a script may
    // try every action that has come due.
    let tries = match controller {
        Controller::Script(queue) => queue.len() + 1,
        Controller::Bot(_) => 16,
        Controller::Person => 0,
    };
    for _ in 0..tries {
        if !ctx.clock.defending() || ctx.ledger.board[seat.id as usize].busy {
            return;
        }
        let now = ctx.now();
        let action = match controller {
            Controller::Bot(brain) => {
                let view = ctx.perceive(seat, knowledge);
                let next = brain.next(&view);
                let later = next.is_none().then(|| brain.wake_after(&view)).flatten();
                match next {
                    Some(a) => a,
                    None => {
                        if let Some(later) = later {
                            ctx.after(
                                later.max(1),
                                SimEvent::SeatReady(SeatReady { seat: seat.id }),
                            );
                        }
                        return;
                    }
                }
            }
            Controller::Script(queue) => match queue.front() {
                Some((at, _)) if *at <= now => queue.pop_front().expect("front exists").1,
                _ => return,
            },
            Controller::Person => return,
        };
        if let Some(reason) = refusal(ctx, seat, knowledge, &action) {
            ctx.log(Entry::ActionRefused(Box::new(crate::journal::Refusal {
                seat: seat.id,
                action,
                reason,
            })));
            continue;
        }
        match controller {
            Controller::Bot(brain) => {
                let speed = brain.profile.speed;
                start(ctx, seat, task, action, speed, Some(&mut brain.rng));
            }
            Controller::Script(_) | Controller::Person => start(ctx, seat, task, action, 1.0, None),
        }
    }
}

/// Starts an action: reserves what it takes, marks the seat busy until it ends.
pub(super) fn start(
    ctx: &mut Ctx,
    seat: &Seat,
    task: &mut Task,
    action: Action,
    speed: f64,
    rng: Option<&mut crate::sim::rng::Stream>,
) {
    let timing = ctx.scenario.0.durations.of(action.name());
    let base = match rng {
        Some(r) => r.timing(timing),
        None => ctx.rngs.scripted.timing(timing),
    };
    let dur = crate::sim::rng::whole_seconds(base as f64 * speed).max(1);
    let now = ctx.now();
    match &action {
        Action::TakeAlert(a) => {
            ctx.ledger.queue.remove(*a);
            let ledger = &mut *ctx.ledger;
            ledger.alerts[*a as usize].taken_by = Some(seat.id);
            if ledger.alerts[*a as usize].assigned.is_some() {
                ledger.assigned_waiting -= 1;
            }
        }
        Action::TakeHandoff(h) => ctx.ledger.handoffs[*h as usize].taken_by = Some(seat.id),
        Action::AnswerInject(i, _) => ctx.ledger.inbox.retain(|x| x != i),
        _ => {}
    }
    let slot = &mut ctx.ledger.board[seat.id as usize];
    slot.busy = true;
    slot.until = now + dur;
    ctx.log(Entry::ActionStarted {
        seat: seat.id,
        action: action.clone(),
        until: now + dur,
    });
    task.0 = Some(action);
    ctx.after(dur, SimEvent::ActionDone(ActionDone { seat: seat.id }));
}

/// The seats' components, as the event handlers take them.
pub(crate) type SeatQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static Seat,
        &'static mut Controller,
        &'static mut Knowledge,
        &'static mut Task,
    ),
>;

/// One seat's components, borrowed for one run of the event loop (marked changed once
/// when fetched, not on every write: nothing reads their change ticks).
pub(crate) struct SeatRow<'a> {
    seat: &'a Seat,
    controller: &'a mut Controller,
    knowledge: &'a mut Knowledge,
    task: &'a mut Task,
}

/// Every seat's components by seat id, fetched once for a run of the event loop: each
/// event then finds its seat by index, without looking its entity up in the world.
pub(crate) fn seat_rows<'a>(seats: &'a mut SeatQuery) -> Vec<Option<SeatRow<'a>>> {
    let mut rows: Vec<Option<SeatRow<'a>>> = Vec::new();
    for (seat, controller, knowledge, task) in seats.iter_mut() {
        let i = seat.id as usize;
        if rows.len() <= i {
            rows.resize_with(i + 1, || None);
        }
        rows[i] = Some(SeatRow {
            seat,
            controller: controller.into_inner(),
            knowledge: knowledge.into_inner(),
            task: task.into_inner(),
        });
    }
    rows
}

/// A seat looks for work.
pub(crate) fn on_seat_ready(ctx: &mut Ctx, rows: &mut [Option<SeatRow>], ev: SeatReady) {
    ctx.ledger.board[ev.seat as usize].wake_pending = false;
    let Some(Some(row)) = rows.get_mut(ev.seat as usize) else {
        return;
    };
    dispatch(ctx, row.seat, row.controller, row.knowledge, row.task);
}

/// A seat's action lands; the seat (a bot) learns from it and looks for work.
pub(crate) fn on_action_done(ctx: &mut Ctx, rows: &mut [Option<SeatRow>], ev: ActionDone) {
    let Some(Some(row)) = rows.get_mut(ev.seat as usize) else {
        return;
    };
    let seat = row.seat;
    let Some(action) = row.task.0.take() else {
        return;
    };
    if !ctx.clock.defending() {
        // The defenders stood down while this was under way: it never lands.
        ctx.ledger.board[seat.id as usize].busy = false;
        return;
    }
    let outcome = apply(ctx, seat, row.knowledge, &action);
    ctx.ledger.board[seat.id as usize].busy = false;
    if let Controller::Bot(brain) = &mut *row.controller {
        let view = ctx.perceive(seat, row.knowledge);
        brain.observe(&view, &action, &outcome);
    }
    dispatch(ctx, seat, row.controller, row.knowledge, row.task);
}
