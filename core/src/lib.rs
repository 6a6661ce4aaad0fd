//! socdrill: a tabletop and purple-team exercise simulator for security operations
//! centers.
//!
//! The library is the whole simulation and does no I/O: it parses scenarios from text,
//! runs an exercise as a Bevy ECS world driven by a discrete-event agenda, and scores
//! the resulting journal with pure functions. The CLI and any other front end feed it
//! text and actions and read plain structs out of it.
//!
//! ```no_run
//! use socdrill_core::{Exercise, scenario};
//! let scenario = std::sync::Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap());
//! let profile = socdrill_core::bots::profile_named("expert").unwrap();
//! let mut ex = Exercise::new(scenario, 7, profile, &Default::default());
//! ex.run_to_end();
//! let results = ex.results();
//! println!("{:?} {}", results.team_score, results.digest);
//! ```

#![forbid(unsafe_code)]

pub mod batch;
pub mod bots;
pub mod clock;
pub mod content;
pub mod journal;
pub mod live;
pub mod report;
pub mod scenario;
pub mod score;
pub mod script;
/// Importing Sigma detection rules as a scenario's detection rules (no I/O).
pub mod sigma;
pub mod sim;
pub mod soc;
pub mod view;

pub use clock::SimTime;

use std::sync::Arc;

use bevy::app::App;
use bevy::ecs::system::SystemId;
use bevy::prelude::*;

use bots::{Brain, Profile};
use journal::{Entry, Journal, SeatInfo};
use scenario::{Role, Scenario};
use script::Script;
use sim::attack::AttackState;
use sim::detect::{Defense, arm_noise};
use sim::rng::Stream;
use sim::{Agenda, Clock, CtxParam, Rngs, ScenarioRes, SeatReady, Seed, SimEvent, SimSchedule};
use soc::ledger::{Ledger, Slot};
use soc::{Action, Controller, Knowledge, Seat, SeatIndex, Task};

/// The simulation as a Bevy plugin: clock, agenda, attack, detection, injects and the
/// SOC. It needs nothing beyond `MinimalPlugins` (and not even those: a bare `App`
/// works), and no renderer, window or network.
pub struct SimPlugin;

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Agenda>()
            .init_resource::<Journal>()
            .init_resource::<sim::truth::Truth>()
            .init_resource::<Clock>()
            .add_plugins(sim::plugin);
    }
}

/// One exercise: a scenario, a seed, bots and scripted seats, in a world of its own.
pub struct Exercise {
    app: App,
    scenario: Arc<Scenario>,
    seed: u64,
    profile: String,
    /// The kick-off system, registered once and run at every (re)start: a one-shot
    /// system built afresh per reset left about a kilobyte behind each time.
    kickoff: Option<SystemId<In<Kickoff>>>,
    /// The live-exercise operation system, registered on first use.
    live: Option<SystemId<In<soc::LiveOp>, Result<SimTime, String>>>,
    /// What hunters hunt for in this scenario, worked out once for every reset.
    hypotheses: bots::Hypotheses,
    /// Who plays the seats no person holds (a seat handed back to a bot gets its role's
    /// profile).
    team: Team,
}

/// One seat of a running exercise, as the front ends list it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SeatState {
    /// Seat id.
    pub id: soc::SeatId,
    /// Name such as `tier1-2`.
    pub name: String,
    pub role: scenario::Role,
    /// Held by a person.
    pub person: bool,
    /// Removed by the facilitator: it takes no more work.
    pub gone: bool,
}

/// What the kick-off system needs to start an exercise.
struct Kickoff {
    scenario: String,
    seed: u64,
    seats: Vec<SeatInfo>,
    scripted: Vec<(soc::SeatId, SimTime)>,
    bot_wait: soc::ledger::BotWait,
    /// When each of the script's answers, notes and messages is due.
    talk: Vec<SimTime>,
}

/// Journals the start, then schedules the attack's first stages, benign alert
/// processes, timed injects, the end, and every seat's first look for work.
fn kick_off(In(k): In<Kickoff>, mut param: CtxParam) {
    let mut ctx = param.ctx();
    ctx.log(Entry::Started {
        scenario: k.scenario,
        seed: k.seed,
        seats: k.seats,
    });
    if k.bot_wait != soc::ledger::BotWait::Immediately {
        ctx.log(Entry::BotWaitSet { wait: k.bot_wait });
    }
    sim::attack::schedule_roots(&mut ctx);
    for r in 0..ctx.scenario.0.rules.len() {
        arm_noise(&mut ctx, r);
    }
    sim::injects::schedule_timed(&mut ctx);
    let end = ctx.clock.end;
    ctx.agenda.at(end, SimEvent::TimeUp);
    // Every bot looks for work at T+0; scripted seats wake at their times.
    for id in 0..ctx.ledger.board.len() {
        ctx.agenda.at(
            SimTime::ZERO,
            SimEvent::SeatReady(SeatReady {
                seat: id as soc::SeatId,
            }),
        );
    }
    // A script's answers, notes and messages at their times.
    for (i, &t) in k.talk.iter().enumerate() {
        ctx.agenda
            .at(t, SimEvent::Talk(sim::TalkDue { index: i as u32 }));
    }
    for &(id, t) in &k.scripted {
        ctx.agenda
            .at(t, SimEvent::SeatReady(SeatReady { seat: id }));
    }
}

/// Who plays the unscripted seats: one bot profile for everyone, optionally another for
/// some roles (a what-if such as "novices on Tier 1").
#[derive(Debug, Clone)]
pub struct Team {
    /// The profile of every seat whose role is not listed in `by_role`.
    pub default: Profile,
    /// Roles played by a different profile.
    pub by_role: Vec<(scenario::Role, Profile)>,
}

impl Team {
    /// Every seat played by `profile`.
    pub fn uniform(profile: &Profile) -> Team {
        Team {
            default: profile.clone(),
            by_role: Vec::new(),
        }
    }

    /// The profile that plays `role`.
    pub fn profile_for(&self, role: scenario::Role) -> &Profile {
        self.by_role
            .iter()
            .find(|(r, _)| *r == role)
            .map_or(&self.default, |(_, p)| p)
    }

    /// A label for results: `expert`, or `expert (tier1: novice)`.
    pub fn label(&self) -> String {
        if self.by_role.is_empty() {
            return self.default.name.clone();
        }
        let mut by_role: Vec<_> = self.by_role.iter().collect();
        by_role.sort_by_key(|(r, _)| *r);
        let parts: Vec<String> = by_role
            .iter()
            .map(|(r, p)| format!("{}: {}", r.slug(), p.name))
            .collect();
        format!("{} ({})", self.default.name, parts.join(", "))
    }
}

impl Exercise {
    /// Sets up an exercise at T+0. Seats named in `script` follow it; bots of `profile`
    /// play every other seat.
    pub fn new(scenario: Arc<Scenario>, seed: u64, profile: &Profile, script: &Script) -> Exercise {
        Exercise::with_team(scenario, seed, &Team::uniform(profile), script)
    }

    /// Like [`Exercise::new`], with a profile per role.
    pub fn with_team(scenario: Arc<Scenario>, seed: u64, team: &Team, script: &Script) -> Exercise {
        let mut app = App::new();
        app.add_plugins(SimPlugin);
        let mut ex = Exercise {
            app,
            scenario,
            seed,
            profile: team.label(),
            kickoff: None,
            live: None,
            hypotheses: Default::default(),
            team: team.clone(),
        };
        ex.setup(team, script);
        ex
    }

    /// Sets up an exercise in an app the caller built; the app must include
    /// [`SimPlugin`]. Front ends use this to add their own plugins beside the simulation.
    pub fn in_app(
        app: App,
        scenario: Arc<Scenario>,
        seed: u64,
        profile: &Profile,
        script: &Script,
    ) -> Exercise {
        let mut ex = Exercise {
            app,
            scenario,
            seed,
            profile: profile.name.clone(),
            kickoff: None,
            live: None,
            hypotheses: Default::default(),
            team: Team::uniform(profile),
        };
        ex.setup(&Team::uniform(profile), script);
        ex
    }

    /// Starts over at T+0 with a new seed, reusing this world (its schedule, observers
    /// and allocations): much cheaper than [`Exercise::new`] for batches of seeds.
    /// The result is identical to a fresh exercise with the same inputs.
    pub fn reset(&mut self, seed: u64, profile: &Profile, script: &Script) {
        self.reset_team(seed, &Team::uniform(profile), script);
    }

    /// Like [`Exercise::reset`], with a profile per role.
    pub fn reset_team(&mut self, seed: u64, team: &Team, script: &Script) {
        // The seat entities stay: `setup` gives them fresh components. (Despawning and
        // spawning them again left memory behind on every reset in this Bevy.)
        self.seed = seed;
        self.profile = team.label();
        self.team.clone_from(team);
        self.setup(team, script);
    }

    fn setup(&mut self, team: &Team, script: &Script) {
        let s = self.scenario.clone();
        let seed = self.seed;
        let world = self.app.world_mut();
        world.insert_resource(ScenarioRes(s.clone()));
        world.insert_resource(Seed(seed));
        world.insert_resource(Clock {
            now: SimTime::ZERO,
            horizon: SimTime::ZERO,
            end: s.time_limit_at(),
            ended: false,
            stood_down: None,
        });
        // A reset keeps the agenda's, journal's and ledger's allocations: a batch runs
        // thousands of exercises in one world, and regrowing them was a tenth of each.
        match world.get_resource_mut::<Agenda>() {
            Some(mut agenda) => agenda.clear(),
            None => world.insert_resource(Agenda::default()),
        }
        match world.get_resource_mut::<Journal>() {
            Some(mut journal) => journal.lines.clear(),
            None => world.insert_resource(Journal::default()),
        }
        match world.get_resource_mut::<sim::truth::Truth>() {
            Some(mut truth) => truth.clear(),
            None => world.insert_resource(sim::truth::Truth::default()),
        }
        world.insert_resource(AttackState::default());
        world.insert_resource(Defense::new(&s));
        world.insert_resource(Rngs::new(seed, &s));
        let names = scenario::seat_names(&s);
        // Seat entities of the previous exercise in this world, reused in order.
        let previous: Vec<Entity> = world
            .get_resource::<SeatIndex>()
            .map(|i| i.0.clone())
            .unwrap_or_default();
        let mut ledger = world
            .get_resource_mut::<Ledger>()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default();
        ledger.recycle(&s);
        let mut index = Vec::new();
        let mut infos = Vec::new();
        for (id, (name, role)) in names.iter().enumerate() {
            let id = id as soc::SeatId;
            // A reused seat's bot is renewed in place, keeping what its memory grew.
            let reused = previous.get(index.len()).and_then(|&e| {
                let mut c = world.get_mut::<Controller>(e)?;
                Some(std::mem::replace(&mut *c, Controller::Person))
            });
            let controller = match script.seats.get(name) {
                _ if script.people.contains(name) => Controller::Person,
                Some(actions) => Controller::Script(actions.iter().cloned().collect()),
                None => {
                    let profile = team.profile_for(*role).clone();
                    let rng = Stream::new(seed, &format!("bot/{name}"));
                    let mut brain = match reused {
                        Some(Controller::Bot(mut brain)) => {
                            brain.renew(*role, profile, rng);
                            brain
                        }
                        _ => Box::new(Brain::new(*role, profile, rng)),
                    };
                    if *role == Role::Hunter {
                        if self.hypotheses.is_empty() {
                            self.hypotheses = bots::hunt_hypotheses(&s);
                        }
                        brain.mem.hypotheses = self.hypotheses.clone();
                    }
                    Controller::Bot(brain)
                }
            };
            // A reused seat keeps its knowledge's storage, emptied.
            let knowledge = match previous.get(index.len()) {
                Some(&e) => world
                    .get_mut::<Knowledge>(e)
                    .map(|mut k| {
                        let mut k = std::mem::take(&mut *k);
                        k.0.clear();
                        k
                    })
                    .unwrap_or_default(),
                None => Knowledge::default(),
            };
            infos.push(SeatInfo {
                seat: id,
                name: name.clone(),
                role: *role,
                controller: match &controller {
                    Controller::Bot(_) => format!("bot:{}", team.profile_for(*role).name),
                    Controller::Script(_) => "scripted".into(),
                    Controller::Person => "person".into(),
                },
                player: matches!(controller, Controller::Person)
                    .then(|| script.names.get(name).cloned())
                    .flatten(),
            });
            ledger.seat(Slot {
                role: *role,
                busy: false,
                wake_pending: false,
                until: SimTime::ZERO,
                person: matches!(controller, Controller::Person),
                gone: false,
            });
            let seat = (
                Seat {
                    id,
                    role: *role,
                    name: name.clone(),
                },
                controller,
                knowledge,
                Task::default(),
            );
            let e = match previous.get(index.len()) {
                Some(&e) => world.entity_mut(e).insert(seat).id(),
                None => world.spawn(seat).id(),
            };
            index.push(e);
        }
        // A scenario keeps its staffing, so a reset reuses every seat; any left over
        // would belong to another staffing.
        for &e in previous.iter().skip(index.len()) {
            world.despawn(e);
        }
        ledger.bot_wait = script.bot_wait;
        world.insert_resource(soc::ScriptedTalk(script.talk.clone()));
        world.insert_resource(ledger);
        world.insert_resource(SeatIndex(index));
        let scripted: Vec<(soc::SeatId, SimTime)> = names
            .iter()
            .enumerate()
            .flat_map(|(id, (name, _))| {
                script
                    .seats
                    .get(name)
                    .into_iter()
                    .flatten()
                    .map(move |(t, _)| (id as soc::SeatId, *t))
            })
            .collect();
        let input = Kickoff {
            scenario: s.id.clone(),
            seed,
            seats: infos,
            scripted,
            bot_wait: script.bot_wait,
            talk: script.talk.iter().map(|(t, _)| *t).collect(),
        };
        let kickoff = *self
            .kickoff
            .get_or_insert_with(|| world.register_system(kick_off));
        world
            .run_system_with(kickoff, input)
            .expect("the kick-off system's parameters are all registered by SimPlugin");
    }

    /// Fires events up to simulated time `t` (a live clock calls this as time passes).
    pub fn advance_to(&mut self, t: SimTime) {
        self.app.world_mut().resource_mut::<Clock>().horizon = t;
        self.app.world_mut().run_schedule(SimSchedule);
    }

    /// The live clock: every event up to this time has fired.
    pub fn horizon(&self) -> SimTime {
        let clock = self.app.world().resource::<Clock>();
        clock.horizon.min(clock.end)
    }

    /// When the next agenda event is due, if any (a live clock uses it to skip quiet
    /// stretches).
    pub fn next_event_at(&self) -> Option<SimTime> {
        self.app.world().resource::<Agenda>().next_time()
    }

    /// When the attacker's next stage is due, if one is scheduled (the facilitator's
    /// jump stops before it).
    pub fn next_stage_at(&self) -> Option<SimTime> {
        self.app
            .world()
            .resource::<Agenda>()
            .next_time_of(|e| matches!(e, SimEvent::Stage(_)))
    }

    /// Runs a live-exercise operation at the horizon (see [`live`]).
    fn live_op(&mut self, op: soc::LiveOp) -> Result<SimTime, String> {
        let world = self.app.world_mut();
        let id = *self
            .live
            .get_or_insert_with(|| world.register_system(soc::live_op));
        world
            .run_system_with(id, op)
            .map_err(|e| format!("internal error running a live operation: {e}"))?
    }

    /// A person's action at seat `seat` now (at the horizon). Refused, with the reason,
    /// if the seat is not held by a person, is busy, may not take it, or cannot see what
    /// it names; a refused action changes nothing. Returns when the action will be done.
    pub fn act(&mut self, seat: soc::SeatId, action: Action) -> Result<SimTime, String> {
        self.live_op(soc::LiveOp::Act {
            seat,
            action,
            dry_run: false,
        })
    }

    /// Whether [`Exercise::act`] would accept the action now, without taking it.
    pub fn would_accept(&mut self, seat: soc::SeatId, action: &Action) -> Result<(), String> {
        self.live_op(soc::LiveOp::Act {
            seat,
            action: action.clone(),
            dry_run: true,
        })
        .map(|_| ())
    }

    /// A person takes over a seat from its bot, now, giving their name if they did.
    pub fn take_seat(&mut self, seat: soc::SeatId, name: Option<String>) -> Result<(), String> {
        self.live_op(soc::LiveOp::TakeSeat(seat, name)).map(|_| ())
    }

    /// The participant at a seat gives their name.
    pub fn name_seat(&mut self, seat: soc::SeatId, name: String) -> Result<(), String> {
        self.live_op(soc::LiveOp::Name(seat, name)).map(|_| ())
    }

    /// The facilitator hands a person's seat back to a bot of the exercise's profile
    /// for its role, now. The bot starts from what the seat has seen.
    pub fn release_seat(&mut self, seat: soc::SeatId) -> Result<(), String> {
        let role = self
            .seats()
            .get(seat as usize)
            .map(|s| s.role)
            .ok_or_else(|| format!("there is no seat {seat}"))?;
        let profile = self.team.profile_for(role).clone();
        self.live_op(soc::LiveOp::Release(seat, Box::new(profile)))
            .map(|_| ())
    }

    /// The facilitator adds a seat of `role` now; a bot of the exercise's profile for
    /// the role plays it until a person takes it. Returns the new seat's id (the next
    /// after every seat, removed ones included).
    pub fn add_seat(&mut self, role: scenario::Role) -> Result<soc::SeatId, String> {
        let profile = self.team.profile_for(role).clone();
        self.live_op(soc::LiveOp::AddSeat(role, Box::new(profile)))?;
        // The seat added is the last on the board.
        let seats = self.app.world().resource::<Ledger>().board.len();
        Ok(seats.saturating_sub(1) as soc::SeatId)
    }

    /// The facilitator removes a seat no person holds, now: it takes no more work, an
    /// action under way is abandoned, and the alerts it held open go back to the queue.
    /// Its id stays taken.
    pub fn remove_seat(&mut self, seat: soc::SeatId) -> Result<(), String> {
        self.live_op(soc::LiveOp::RemoveSeat(seat)).map(|_| ())
    }

    /// Every seat of this exercise in id order: the scenario's staffing, then any the
    /// facilitator added while it ran.
    pub fn seats(&self) -> Vec<SeatState> {
        let world = self.app.world();
        let ledger = world.resource::<Ledger>();
        world
            .resource::<SeatIndex>()
            .0
            .iter()
            .filter_map(|&e| world.get::<soc::Seat>(e))
            .map(|s| {
                let slot = ledger.board[s.id as usize];
                SeatState {
                    id: s.id,
                    name: s.name.clone(),
                    role: s.role,
                    person: slot.person,
                    gone: slot.gone,
                }
            })
            .collect()
    }

    /// Sets how long bots leave work to the people of their role, from now.
    pub fn set_bot_wait(&mut self, wait: soc::ledger::BotWait) -> Result<(), String> {
        self.live_op(soc::LiveOp::SetBotWait(wait)).map(|_| ())
    }

    /// A seat answers an inject's discussion questions.
    pub fn reply(&mut self, seat: soc::SeatId, inject: usize, text: String) -> Result<(), String> {
        self.live_op(soc::LiveOp::Say(soc::Talk::Reply { seat, inject, text }))
            .map(|_| ())
    }

    /// The facilitator notes an observation about one role, or the team, and the
    /// objective (by id) it bears on, if any.
    pub fn note(
        &mut self,
        role: Option<scenario::Role>,
        objective: Option<String>,
        text: String,
    ) -> Result<(), String> {
        self.live_op(soc::LiveOp::Say(soc::Talk::Note {
            role,
            objective,
            text,
        }))
        .map(|_| ())
    }

    /// The facilitator sends a message to one seat, or everyone.
    pub fn message(&mut self, to: Option<soc::SeatId>, text: String) -> Result<(), String> {
        self.live_op(soc::LiveOp::Say(soc::Talk::Message { to, text }))
            .map(|_| ())
    }

    /// The facilitator writes an inject and fires it now. Returns its inject number.
    pub fn write_inject(&mut self, inject: soc::ledger::LiveInject) -> Result<usize, String> {
        self.live_op(soc::LiveOp::WriteInject(Box::new(inject)))?;
        // The inject written is the last, numbered after the scenario's.
        let written = self.app.world().resource::<Ledger>().live_injects.len();
        Ok(self.scenario.injects.len() + written.saturating_sub(1))
    }

    /// The facilitator fires inject `inject` now.
    pub fn fire_inject(&mut self, inject: usize) -> Result<(), String> {
        self.live_op(soc::LiveOp::FireInject(inject)).map(|_| ())
    }

    /// Ends the exercise now, before its time limit (the facilitator, a trainee, a
    /// player or a script): the defenders stand down, and the attack runs on to the time
    /// limit (or until every intrusion is over) with nobody acting, so the exercise is
    /// scored on what the attacker would have done unopposed. Returns when it stood down.
    pub fn end_now(&mut self) -> Result<SimTime, String> {
        let at = self.live_op(soc::LiveOp::End)?;
        self.run_to_end();
        Ok(at)
    }

    /// When the defenders stood down, if the exercise was ended before its time limit.
    pub fn stood_down_at(&self) -> Option<SimTime> {
        self.app.world().resource::<Clock>().stood_down
    }

    /// Runs the exercise to its end.
    pub fn run_to_end(&mut self) {
        self.advance_to(SimTime::MAX);
    }

    /// Sets the most events this exercise (and every exercise after a reset) may fire;
    /// [`sim::DEFAULT_EVENT_BUDGET`] unless set.
    pub fn set_event_budget(&mut self, events: u64) {
        self.app
            .world_mut()
            .resource_mut::<Agenda>()
            .set_budget(events);
    }

    /// Why the exercise stopped short, if it ran out of its event budget: a scenario
    /// that asks for more work than one exercise may take.
    pub fn over_budget(&self) -> Option<String> {
        let (budget, at) = self.app.world().resource::<Agenda>().budget();
        at.map(|t| {
            format!(
                "the exercise used up its budget of {budget} simulated events at {} of {}: the scenario asks for more work than one exercise may take; lower its rates or its time_limit",
                t.hms(),
                self.scenario.time_limit_at().hms()
            )
        })
    }

    /// Whether the exercise has ended.
    pub fn ended(&self) -> bool {
        self.app.world().resource::<Clock>().ended
    }

    /// The journal so far.
    pub fn journal(&self) -> &Journal {
        self.app.world().resource::<Journal>()
    }

    /// Events fired so far.
    pub fn events_fired(&self) -> u64 {
        self.app.world().resource::<Agenda>().fired()
    }

    /// The scenario.
    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// What seat `seat` may see now (see [`view::seat_view`]).
    pub fn seat_view(&self, seat: soc::SeatId) -> Option<view::SeatView> {
        view::seat_view(self.app.world(), seat)
    }

    /// The facilitator's view, with ground truth.
    pub fn facilitator_view(&self) -> view::FacilitatorView {
        view::facilitator_view(self.app.world())
    }

    /// The SOC's workload: every desk, the queue, alert volume (see [`view::workload`]).
    pub fn workload(&self) -> view::Workload {
        view::workload(self.app.world())
    }

    /// Per scenario inject, whether it has fired, and when (T+0 if not yet).
    pub fn injects_fired(&self) -> Vec<(bool, SimTime)> {
        let l = self.app.world().resource::<Ledger>();
        l.injects_fired
            .iter()
            .zip(&l.injects_fired_at)
            .map(|(&f, &t)| (f, t))
            .collect()
    }

    /// The injects the facilitator wrote and fired, in order (numbered after the
    /// scenario's).
    pub fn live_injects(&self) -> &[soc::ledger::LiveInject] {
        &self.app.world().resource::<Ledger>().live_injects
    }

    /// The world itself, for tests that inspect the simulation's internals (the ledger,
    /// the ground truth). Front ends read the queries above.
    #[doc(hidden)]
    pub fn world(&self) -> &World {
        self.app.world()
    }

    /// The app, for tests that inspect schedules.
    pub fn app_mut(&mut self) -> &mut App {
        &mut self.app
    }

    /// Scores the journal.
    pub fn results(&self) -> score::Results {
        score::score(
            &self.scenario,
            self.journal(),
            self.seed,
            &self.profile,
            score::ScoringProfile::default_profile(),
        )
    }
}
