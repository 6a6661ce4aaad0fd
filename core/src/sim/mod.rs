//! The discrete-event core: simulated clock, the agenda of timed events, and the loop
//! that fires them in (time, sequence) order.
//!
//! Every event kind has one handler, a plain function over the shared [`Ctx`] (and the
//! seats, for the SOC's events); the [`fire_due_events`] system pops the agenda and
//! calls them one at a time, in (time, sequence) order. It is a single system rather
//! than an observer per event because an event is a few hundred nanoseconds of work
//! and an observer's dispatch (finding it, fetching its parameters) cost as much
//! again. A headless run sets the horizon to the end and fires everything in one
//! schedule run; a live run moves the horizon with the paced clock and fires what is
//! due each frame. Both paths fire the same events in the same order.

pub mod attack;
pub mod defense;
pub mod detect;
pub mod injects;
pub mod rng;
pub mod truth;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::Arc;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use crate::clock::SimTime;
use crate::journal::{Entry, Journal};
use crate::scenario::Scenario;
use crate::soc::ledger::Ledger;
use crate::soc::{self, SeatId, SeatIndex, SeatQuery};
use attack::AttackState;
use detect::Defense;
use rng::Stream;

/// The schedule that advances the simulation. It is run explicitly by the caller
/// (headless runner, live server, game window), never off frame time.
#[derive(bevy::ecs::schedule::ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimSchedule;

/// Simulated time: where the exercise is on its timeline.
#[derive(Resource, Debug, Clone, Default)]
pub struct Clock {
    /// The time of the event being handled (or last handled).
    pub now: SimTime,
    /// Fire events up to and including this time.
    pub horizon: SimTime,
    /// The exercise's time limit, as the instant it is reached.
    pub end: SimTime,
    /// Whether the exercise has ended.
    pub ended: bool,
    /// When the defenders stood down, if the exercise was ended before its time limit:
    /// from then on no seat acts, and the attack runs on to the limit without them.
    pub stood_down: Option<SimTime>,
}

impl Clock {
    /// Whether seats may still act: the exercise is on and the defenders have not
    /// stood down.
    pub fn defending(&self) -> bool {
        !self.ended && self.stood_down.is_none()
    }
}

/// The scenario being played.
#[derive(Resource, Debug, Clone)]
pub struct ScenarioRes(pub Arc<Scenario>);

/// The master seed of this exercise.
#[derive(Resource, Debug, Clone, Copy)]
pub struct Seed(pub u64);

/// An attack stage is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct StageDue {
    pub intrusion: u16,
    pub stage: u16,
}

/// An alert clears the detection pipeline and enters the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct AlertDue {
    pub alert: u32,
}

/// A benign alert arrives from a rule's noise process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct BenignDue {
    pub rule: u16,
    /// Generation of the rule's noise process; stale arrivals are ignored.
    pub generation: u16,
}

/// A seat should look for work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SeatReady {
    pub seat: SeatId,
}

/// A seat's current action finishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ActionDone {
    pub seat: SeatId,
}

/// A partner team finishes a requested measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerDone {
    /// Index into the pending-measure list.
    pub request: u32,
}

/// A rule change deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleDeploy {
    /// Index into the pending-change list.
    pub change: u32,
}

/// An inject's time-based trigger comes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct InjectDue {
    pub inject: u16,
}

/// A script's answer, note or message comes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TalkDue {
    /// Index into the script's discussion.
    pub index: u32,
}

/// Anything the agenda can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimEvent {
    /// See [`StageDue`].
    Stage(StageDue),
    /// See [`AlertDue`].
    Alert(AlertDue),
    /// See [`BenignDue`].
    Benign(BenignDue),
    /// See [`SeatReady`].
    SeatReady(SeatReady),
    /// See [`ActionDone`].
    ActionDone(ActionDone),
    /// See [`PartnerDone`].
    Partner(PartnerDone),
    /// See [`RuleDeploy`].
    Deploy(RuleDeploy),
    /// See [`InjectDue`].
    Inject(InjectDue),
    /// See [`TalkDue`].
    Talk(TalkDue),
    /// The time limit is reached.
    TimeUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scheduled {
    at: SimTime,
    seq: u64,
    event: SimEvent,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The schedule of future events, ordered by (time, sequence number). The sequence
/// number breaks ties in the order events were scheduled, which is itself
/// deterministic, so no two runs can order simultaneous events differently.
///
/// Events scheduled for the very time being handled (a seat woken now) skip the heap:
/// they wait in a queue of their own, in the order scheduled. Every event of that time
/// still in the heap was scheduled before the first of them was handled, so it has the
/// lower sequence number and goes first; the order is the heap's (time, sequence) one.
#[derive(Resource, Debug)]
pub struct Agenda {
    heap: BinaryHeap<Reverse<Scheduled>>,
    /// Events scheduled at `current` while it is being handled, in order.
    now: VecDeque<Scheduled>,
    /// The time of the events being handled: of the last popped while `now` was empty.
    current: Option<SimTime>,
    next_seq: u64,
    fired: u64,
    /// The most events one exercise may fire (its budget).
    budget: u64,
    /// The simulated time the budget ran out, if it did.
    exhausted: Option<SimTime>,
}

/// The events one exercise may fire unless its runner says otherwise: about four times
/// what the largest shipped scenario (5,000 hosts over 24 hours) fires, a few seconds
/// of simulation.
pub const DEFAULT_EVENT_BUDGET: u64 = 1_000_000;

impl Default for Agenda {
    fn default() -> Agenda {
        Agenda {
            heap: BinaryHeap::new(),
            now: VecDeque::new(),
            current: None,
            next_seq: 0,
            fired: 0,
            budget: DEFAULT_EVENT_BUDGET,
            exhausted: None,
        }
    }
}

impl Agenda {
    /// Schedules `event` at time `at`.
    pub fn at(&mut self, at: SimTime, event: SimEvent) {
        let s = Scheduled {
            at,
            seq: self.next_seq,
            event,
        };
        self.next_seq += 1;
        if self.current == Some(at) {
            self.now.push_back(s);
        } else {
            self.heap.push(Reverse(s));
        }
    }

    /// Whether the next event comes from the heap rather than `now`: the heap's
    /// earliest is at or before the time being handled, or `now` is empty.
    fn heap_first(&self) -> bool {
        match (self.heap.peek(), self.current) {
            (Some(Reverse(s)), Some(t)) if !self.now.is_empty() => s.at <= t,
            (Some(_), _) => true,
            (None, _) => false,
        }
    }

    /// Time of the next event, if any.
    pub fn next_time(&self) -> Option<SimTime> {
        if self.heap_first() {
            self.heap.peek().map(|Reverse(s)| s.at)
        } else {
            self.now.front().map(|s| s.at)
        }
    }

    /// Time of the earliest scheduled event that `pick` selects (a scan: for the
    /// facilitator's console, not the hot path).
    pub fn next_time_of(&self, pick: impl Fn(&SimEvent) -> bool) -> Option<SimTime> {
        (self.heap.iter().map(|Reverse(s)| s))
            .chain(self.now.iter())
            .filter(|s| pick(&s.event))
            .map(|s| s.at)
            .min()
    }

    /// Pops the next event if it is due by `horizon`.
    fn pop_due(&mut self, horizon: SimTime) -> Option<(SimTime, SimEvent)> {
        let next = self.next_time()?;
        if next > horizon {
            return None;
        }
        if self.fired >= self.budget {
            self.exhausted = Some(next);
            return None;
        }
        let s = if self.heap_first() {
            let Reverse(s) = self.heap.pop()?;
            if self.now.is_empty() {
                self.current = Some(s.at);
            }
            s
        } else {
            self.now.pop_front()?
        };
        self.fired += 1;
        Some((s.at, s.event))
    }

    /// Number of events fired so far.
    pub fn fired(&self) -> u64 {
        self.fired
    }

    /// Number of events still scheduled.
    pub fn pending(&self) -> usize {
        self.heap.len() + self.now.len()
    }

    /// Forgets everything (for reusing a world), keeping the heap's allocation and the
    /// budget.
    pub fn clear(&mut self) {
        self.heap.clear();
        self.now.clear();
        self.current = None;
        self.next_seq = 0;
        self.fired = 0;
        self.exhausted = None;
    }

    /// Sets the most events one exercise may fire.
    pub fn set_budget(&mut self, events: u64) {
        self.budget = events;
    }

    /// The budget, and the simulated time it ran out if it did.
    pub fn budget(&self) -> (u64, Option<SimTime>) {
        (self.budget, self.exhausted)
    }
}

/// The seeded random streams of the subsystems.
#[derive(Resource, Debug, Clone)]
pub struct Rngs {
    /// Attacker timing.
    pub attack: Stream,
    /// One stream per rule for whether matching activity alerts.
    pub detect: Vec<Stream>,
    /// One stream per rule for its benign alerts.
    pub noise: Vec<Stream>,
    /// Benign activity sampled by investigations.
    pub activity: Stream,
    /// Benign activity sampled by hunts (a stream of its own, so how often the hunters
    /// hunt does not change what investigations draw).
    pub hunt_activity: Stream,
    /// Partner-team delays.
    pub partners: Stream,
    /// Durations of scripted seats' actions.
    pub scripted: Stream,
    /// Cues of the attack's telemetry (its own stream, so the attacker's timing does not
    /// move with the number of records a stage writes).
    pub cues: Stream,
}

impl Rngs {
    /// The stream ordinary activity is drawn from: a hunt's own, or investigations'.
    pub fn activity_for(&mut self, hunt: bool) -> &mut Stream {
        if hunt {
            &mut self.hunt_activity
        } else {
            &mut self.activity
        }
    }

    /// The streams for `seed` and `scenario`.
    pub fn new(seed: u64, scenario: &Scenario) -> Rngs {
        Rngs {
            attack: Stream::new(seed, "attack"),
            detect: scenario
                .rules
                .iter()
                .map(|r| Stream::new(seed, &format!("detect/{}", r.id)))
                .collect(),
            noise: scenario
                .rules
                .iter()
                .map(|r| Stream::new(seed, &format!("noise/{}", r.id)))
                .collect(),
            activity: Stream::new(seed, "activity"),
            hunt_activity: Stream::new(seed, "hunt-activity"),
            partners: Stream::new(seed, "partners"),
            scripted: Stream::new(seed, "scripted"),
            cues: Stream::new(seed, "cues"),
        }
    }
}

/// The resources every handler works on, as a system asks for them; a system turns them
/// into a [`Ctx`] once per run ([`CtxParam::ctx`]).
#[derive(SystemParam)]
pub struct CtxParam<'w> {
    clock: ResMut<'w, Clock>,
    scenario: Res<'w, ScenarioRes>,
    agenda: ResMut<'w, Agenda>,
    journal: ResMut<'w, Journal>,
    attack: ResMut<'w, AttackState>,
    defense: ResMut<'w, Defense>,
    ledger: ResMut<'w, Ledger>,
    truth: ResMut<'w, truth::Truth>,
    rngs: ResMut<'w, Rngs>,
}

impl CtxParam<'_> {
    /// The shared state, borrowed as plain references for one run of a system: each
    /// resource is marked changed once here, not on every write of every handler.
    pub fn ctx(&mut self) -> Ctx<'_> {
        Ctx {
            clock: self.clock.reborrow().into_inner(),
            scenario: &self.scenario,
            public: crate::soc::Public::of(&self.scenario.0),
            agenda: self.agenda.reborrow().into_inner(),
            journal: self.journal.reborrow().into_inner(),
            attack: self.attack.reborrow().into_inner(),
            defense: self.defense.reborrow().into_inner(),
            ledger: self.ledger.reborrow().into_inner(),
            truth: self.truth.reborrow().into_inner(),
            rngs: self.rngs.reborrow().into_inner(),
        }
    }
}

/// The shared state every handler works on.
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Ctx<'a> {
    pub clock: &'a mut Clock,
    pub scenario: &'a ScenarioRes,
    /// The scenario's public facts, as every seat's perception shows them (built once
    /// per run of a system, not once per perception).
    pub public: crate::soc::Public<'a>,
    pub agenda: &'a mut Agenda,
    pub journal: &'a mut Journal,
    /// Attacker state.
    pub attack: &'a mut AttackState,
    /// Defender-side environment state (containment, rules).
    pub defense: &'a mut Defense,
    /// Alerts, records, cases and handoffs.
    pub ledger: &'a mut Ledger,
    /// Which stage wrote what (never shown to a seat).
    pub truth: &'a mut truth::Truth,
    /// Random streams.
    pub rngs: &'a mut Rngs,
}

impl<'a> Ctx<'a> {
    /// The scenario, borrowed apart from the context, so a handler can read it while it
    /// changes the rest of the context.
    pub fn scenario_ref(&self) -> &'a Scenario {
        &self.scenario.0
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.clock.now
    }

    /// Writes a journal entry at the current time.
    pub fn log(&mut self, entry: Entry) {
        let t = self.clock.now;
        self.journal.push(t, entry);
    }

    /// Writes a record on the desk, and its truth and line beside it.
    pub fn add_record(
        &mut self,
        record: soc::ledger::Record,
        stage: Option<truth::StageRef>,
        line: crate::content::LineRef,
    ) -> soc::RecordId {
        let id = self.ledger.add_record(record);
        self.truth.label_record(id, stage, line);
        id
    }

    /// Puts an alert on the desk (not yet in the queue), and its truth beside it.
    pub fn add_alert(
        &mut self,
        alert: soc::ledger::Alert,
        stage: Option<truth::StageRef>,
    ) -> soc::AlertId {
        let id = self.ledger.add_alert(alert);
        self.truth.label_alert(id, stage);
        id
    }

    /// Schedules an event `delay` seconds from now.
    pub fn after(&mut self, delay: u64, event: SimEvent) {
        let at = self.clock.now.saturating_add(delay);
        self.agenda.at(at, event);
    }
}

/// Pops and fires every event due by the horizon, in (time, sequence) order, then ends
/// the exercise if every intrusion is over.
pub fn fire_due_events(mut param: CtxParam, talk: Res<soc::ScriptedTalk>, mut seats: SeatQuery) {
    let mut ctx = param.ctx();
    let mut rows = soc::seat_rows(&mut seats);
    while !ctx.clock.ended {
        let horizon = ctx.clock.horizon;
        let Some((at, event)) = ctx.agenda.pop_due(horizon) else {
            break;
        };
        ctx.clock.now = at;
        match event {
            SimEvent::Stage(e) => attack::run_stage(&mut ctx, e),
            SimEvent::Alert(e) => detect::raise_alert(&mut ctx, e),
            SimEvent::Benign(e) => detect::raise_benign_alert(&mut ctx, e),
            SimEvent::SeatReady(e) => soc::on_seat_ready(&mut ctx, &mut rows, e),
            SimEvent::ActionDone(e) => soc::on_action_done(&mut ctx, &mut rows, e),
            SimEvent::Partner(e) => detect::apply_measure(&mut ctx, e),
            SimEvent::Deploy(e) => detect::deploy_rule(&mut ctx, e),
            SimEvent::Inject(e) => injects::on_inject_due(&mut ctx, e),
            SimEvent::Talk(e) => soc::on_talk_due(&mut ctx, &talk, e.index),
            SimEvent::TimeUp => end_at_time_limit(&mut ctx),
        }
    }
    if let Some(at) = ctx.agenda.exhausted
        && !ctx.clock.ended
    {
        // Out of budget: the exercise stops here, and its runner says so.
        ctx.clock.now = at;
        ctx.clock.ended = true;
        ctx.log(Entry::Ended {
            reason: "event budget".into(),
        });
        return;
    }
    // Ends the exercise early once every intrusion is over: no stage left to run and
    // no foothold left active. Nothing after that point could change the score.
    ctx.conclude_if_resolved();
}

/// Ends the exercise at the time limit.
fn end_at_time_limit(ctx: &mut Ctx) {
    if !ctx.clock.ended {
        ctx.clock.ended = true;
        ctx.log(Entry::Ended {
            reason: "time limit".into(),
        });
    }
}

/// Registers the simulation core.
pub(crate) fn plugin(app: &mut App) {
    app.init_schedule(SimSchedule)
        // One system fires every event in order: there is nothing to run in parallel,
        // and waking a thread pool per run would cost more than the run.
        .edit_schedule(SimSchedule, |schedule| {
            schedule.set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new());
        })
        .init_resource::<SeatIndex>()
        .init_resource::<soc::ScriptedTalk>()
        .add_systems(SimSchedule, fire_due_events);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The agenda hands events out in (time, sequence) order, as one heap of every
    /// event would, whatever is scheduled while events are handled: at the time being
    /// handled, later, or (as a facilitator's move may) earlier; also when a horizon
    /// stops it midway through a time.
    #[test]
    fn hands_events_out_in_time_then_sequence_order() {
        let mut rng = rng::Stream::new(11, "agenda");
        for round in 0..300 {
            let mut agenda = Agenda::default();
            let mut reference: BinaryHeap<Reverse<(SimTime, u64)>> = BinaryHeap::new();
            let mut seq = 0u64;
            let mut schedule = |agenda: &mut Agenda, reference: &mut BinaryHeap<_>, at| {
                agenda.at(at, SimEvent::Talk(TalkDue { index: seq as u32 }));
                reference.push(Reverse((at, seq)));
                seq += 1;
            };
            for _ in 0..1 + rng.below(8) {
                let at = SimTime::ZERO + rng.below(50) as u64;
                schedule(&mut agenda, &mut reference, at);
            }
            let mut horizon = SimTime::ZERO + rng.below(60) as u64;
            let mut popped = 0;
            while popped < 400 {
                let Some((at, event)) = agenda.pop_due(horizon) else {
                    if agenda.pending() == 0 {
                        break;
                    }
                    // A live clock moves the horizon on.
                    horizon = horizon + 1 + rng.below(20) as u64;
                    continue;
                };
                popped += 1;
                let Reverse((want_at, want_seq)) = reference.pop().expect("as many events");
                let SimEvent::Talk(TalkDue { index }) = event else {
                    panic!("only talk events are scheduled");
                };
                assert_eq!((at, u64::from(index)), (want_at, want_seq), "round {round}");
                for _ in 0..rng.below(3) {
                    let at = match rng.below(4) {
                        0 | 1 => at,
                        2 => at + 1 + rng.below(30) as u64,
                        _ => SimTime::ZERO + rng.below(at.secs() as usize + 1) as u64,
                    };
                    schedule(&mut agenda, &mut reference, at);
                }
                assert_eq!(agenda.pending(), reference.len());
                assert_eq!(
                    agenda.next_time(),
                    reference.peek().map(|Reverse((t, _))| *t),
                    "round {round}"
                );
            }
        }
    }
}
