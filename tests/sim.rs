//! The simulation as a whole: determinism bit for bit, headless with `MinimalPlugins`
//! only, no system-order ambiguity, attacker adaptation, and skill that shows.

use std::sync::Arc;

use bevy::ecs::schedule::{
    LogLevel, MultiThreadedExecutor, ScheduleBuildSettings, Schedules, SingleThreadedExecutor,
};
use bevy::prelude::*;
use socdrill_core::scenario::{self, Scenario};
use socdrill_core::script::{self, Script};
use socdrill_core::sim::SimSchedule;
use socdrill_core::{Exercise, SimPlugin, SimTime, bots};

mod common;
use common::{median, shipped};

const HAND: &str = include_str!("data/hand-worked.ron");
const HAND_ACTIONS: &str = include_str!("data/hand-worked.actions.ron");

fn digest(s: &Arc<Scenario>, seed: u64, profile: &str) -> String {
    common::run(s, seed, profile).journal().digest()
}

#[test]
fn same_inputs_same_journal_on_every_scenario_and_profile() {
    for (name, s) in shipped() {
        for profile in ["novice", "competent", "expert"] {
            for seed in [1, 2, 99] {
                assert_eq!(
                    digest(&s, seed, profile),
                    digest(&s, seed, profile),
                    "{name} {profile} seed {seed}"
                );
            }
            assert_ne!(
                digest(&s, 1, profile),
                digest(&s, 2, profile),
                "{name}: seeds 1 and 2 differ"
            );
        }
    }
}

#[test]
fn a_reused_world_gives_the_same_journal_as_a_fresh_one() {
    let s = Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap());
    let p = bots::profile_named("expert").unwrap();
    let mut reused = Exercise::new(s.clone(), 0, p, &Script::default());
    reused.run_to_end();
    for seed in [5, 6, 7] {
        reused.reset(seed, p, &Script::default());
        reused.run_to_end();
        assert_eq!(
            reused.journal().digest(),
            digest(&s, seed, "expert"),
            "seed {seed}"
        );
    }
}

#[test]
fn any_thread_count_gives_the_same_digests() {
    let s = Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap());
    let sequential: Vec<String> = (0..12).map(|seed| digest(&s, seed, "competent")).collect();
    for threads in [2, 4] {
        let parallel: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let s = s.clone();
                    scope.spawn(move || {
                        (0..12u64)
                            .filter(|seed| seed % threads == t)
                            .map(|seed| (seed, digest(&s, seed, "competent")))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let mut all: Vec<(u64, String)> = handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect();
            all.sort();
            all.into_iter().map(|(_, d)| d).collect()
        });
        assert_eq!(parallel, sequential, "{threads} threads");
    }
}

#[test]
fn the_executor_does_not_change_the_journal() {
    let s = Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap());
    let p = bots::profile_named("competent").unwrap();
    let run = |multi: bool| {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, SimPlugin));
        if multi {
            app.edit_schedule(SimSchedule, |s| {
                s.set_executor(MultiThreadedExecutor::new());
            });
        } else {
            app.edit_schedule(SimSchedule, |s| {
                s.set_executor(SingleThreadedExecutor::new());
            });
        }
        let mut ex = Exercise::in_app(app, s.clone(), 3, p, &Script::default());
        ex.run_to_end();
        ex.journal().digest()
    };
    assert_eq!(run(true), run(false));
    assert_eq!(run(true), digest(&s, 3, "competent"));
}

/// Builds `SimSchedule` in `app` with ambiguity detection at `LogLevel::Error`.
fn build_with_ambiguity_errors(mut app: App) -> Result<(), String> {
    app.edit_schedule(SimSchedule, |s| {
        s.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..default()
        });
    });
    let world = app.world_mut();
    let mut schedule = world
        .resource_mut::<Schedules>()
        .remove(SimSchedule)
        .expect("SimPlugin adds SimSchedule");
    let built = schedule
        .initialize(world)
        .map(|_| ())
        .map_err(|e| format!("{e:?}"));
    world.resource_mut::<Schedules>().insert(schedule);
    built
}

#[test]
fn the_simulation_schedule_has_no_ambiguities() {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, SimPlugin));
    build_with_ambiguity_errors(app).expect("no ambiguous system order in the simulation schedule");
}

#[test]
fn runs_headless_with_minimal_plugins_only() {
    // The invariant: the simulation needs no renderer, window, input or network.
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, SimPlugin));
    let s = Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap());
    let mut ex = Exercise::in_app(
        app,
        s,
        11,
        bots::profile_named("expert").unwrap(),
        &Script::default(),
    );
    ex.run_to_end();
    assert!(ex.ended());
    assert!(ex.events_fired() > 50);
    let r = ex.results();
    assert!(!r.intrusions[0].stages_fired.is_empty());
}

#[test]
fn a_paced_clock_fires_the_same_events_as_a_headless_run() {
    let s = Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap());
    let p = bots::profile_named("competent").unwrap();
    let mut live = Exercise::new(s.clone(), 4, p, &Script::default());
    let mut t = 0;
    while !live.ended() {
        t += 97;
        live.advance_to(SimTime::from_secs(t));
    }
    assert_eq!(live.journal().digest(), digest(&s, 4, "competent"));
}

/// The hand-worked scenario with a fallback: when ws-1 is isolated, the attacker comes
/// back over the VPN with a stolen admin account, and what came after the blocked
/// stage follows the fallback.
#[test]
fn blocked_stages_hand_over_to_their_fallback() {
    let src = HAND
        .replacen(
            "data_sources:",
            "accounts: [(id: \"admin\", tenant: \"t\", privilege: Admin)],\n    data_sources:",
            1,
        )
        .replacen(
            "severity: Critical),",
            "fallback: \"vpn\", severity: Critical),
            (id: \"vpn\", tactic: \"initial-access\", technique: \"T1133\", target: Account(\"admin\"),
             fallback_only: true, delay: Fixed(\"5m\"), requires: [AccountEnabled(\"admin\")], effects: [Foothold(\"srv-1\")],
             telemetry: [(source: \"edr\", host: \"srv-1\")]),
            (id: \"exfil\", tactic: \"exfiltration\", technique: \"T1567.002\", target: Host(\"srv-1\"),
             after: [\"move\"], delay: Fixed(\"10m\"), requires: [Foothold(\"srv-1\")], effects: [Impact(\"exfil\", 50.0)]),",
            1,
        );
    let s = Arc::new(scenario::load(&src).unwrap_or_else(|d| panic!("{}", d.render("t.ron"))));
    let script = script::load(HAND_ACTIONS, &s).unwrap();
    let mut ex = Exercise::new(s, 42, bots::profile_named("competent").unwrap(), &script);
    ex.run_to_end();
    let r = ex.results();
    let i = &r.intrusions[0];
    assert_eq!(i.stages_blocked, ["move"]);
    assert_eq!(i.stages_fired, ["exec", "vpn", "exfil"]);
    // move due 7800 → vpn 5m later (8100) → exfil 10m after that (8700).
    assert_eq!(i.impact_points, 50.0);
    // The attacker is back: the intrusion is not contained at the end.
    assert_eq!(i.contained_at, None);
    assert_eq!(r.end_reason, "time limit");
    assert_eq!(r.ended_at, SimTime::from_secs(4 * 3600));
}

#[test]
fn an_unwatched_intrusion_runs_its_course_and_dwell_is_censored() {
    let s = Arc::new(scenario::load(HAND).unwrap());
    // Take every seat and do nothing.
    let idle = script::load(
        "Script(seats: [\"tier1-1\", \"tier2-1\", \"responder-1\"])",
        &s,
    )
    .unwrap();
    let mut ex = Exercise::new(s, 1, bots::profile_named("expert").unwrap(), &idle);
    ex.run_to_end();
    let r = ex.results();
    let i = &r.intrusions[0];
    assert_eq!(i.stages_fired, ["exec", "move"]);
    assert_eq!(i.detected_at, None);
    assert!(i.censored);
    assert_eq!(i.dwell_seconds, Some(4 * 3600 - 600));
    assert_eq!(r.impact.percent, 100.0);
    // Only "exec" matches a rule (R1 covers T1204.002, not the PsExec move).
    assert_eq!(r.triage.untriaged_malicious, 1);
}

#[test]
fn a_seat_only_acts_on_what_it_has_seen() {
    let s = Arc::new(scenario::load(HAND).unwrap());
    let sneaky = script::load(
        "Script(actions: [(at: \"15m\", seat: \"responder-1\", do: Isolate(\"ws-1\")),
                          (at: \"15m\", seat: \"tier2-1\", do: Investigate(subject: Host(\"ws-1\"), lookback: \"1h\"))])",
        &s,
    )
    .unwrap();
    let mut ex = Exercise::new(s, 1, bots::profile_named("expert").unwrap(), &sneaky);
    ex.run_to_end();
    let refusals: Vec<String> = ex
        .journal()
        .lines
        .iter()
        .filter_map(|l| match &l.entry {
            socdrill_core::journal::Entry::ActionRefused(refusal) => Some(refusal.reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(refusals.len(), 2, "{refusals:?}");
    assert!(
        refusals.iter().all(|r| r.contains("not visible")),
        "{refusals:?}"
    );
}

#[test]
fn the_engine_records_detection_where_scoring_finds_it() {
    for (name, s) in shipped() {
        for seed in 0..5 {
            let ex = common::run(&s, seed, "competent");
            let r = ex.results();
            for (i, ir) in r.intrusions.iter().enumerate() {
                let engine = ex.journal().lines.iter().find_map(|l| match l.entry {
                    socdrill_core::journal::Entry::Detected { intrusion, .. } if intrusion == i => {
                        Some(l.t)
                    }
                    _ => None,
                });
                assert_eq!(
                    engine, ir.detected_at,
                    "{name} seed {seed} intrusion {}",
                    ir.id
                );
            }
        }
    }
}

#[test]
fn experts_detect_sooner_and_score_higher_than_novices_on_every_scenario() {
    for (name, s) in shipped() {
        let mut stats = Vec::new();
        for profile in ["novice", "expert"] {
            let (mut dwell, mut score) = (Vec::new(), Vec::new());
            for seed in 100..130 {
                let ex = common::run(&s, seed, profile);
                let r = ex.results();
                // Censored dwell counts as it stands at the end: a lower bound, but the
                // same rule for both profiles.
                dwell.push(
                    r.intrusions
                        .iter()
                        .filter_map(|i| i.dwell_seconds)
                        .sum::<u64>() as f64,
                );
                score.push(common::score(&r));
            }
            stats.push((median(dwell), median(score)));
        }
        let ((nd, ns), (ed, es)) = (stats[0], stats[1]);
        assert!(
            ed < nd,
            "{name}: expert median dwell {ed} is not below novice {nd}"
        );
        assert!(
            es > ns,
            "{name}: expert median score {es} is not above novice {ns}"
        );
    }
}

#[test]
fn the_ambiguity_check_catches_an_unordered_pair() {
    // Negative control for the test above: two unordered systems writing the clock.
    fn nudge(mut clock: ResMut<socdrill_core::sim::Clock>) {
        clock.horizon += 0;
    }
    fn nudge_again(mut clock: ResMut<socdrill_core::sim::Clock>) {
        clock.horizon += 0;
    }
    let mut app = App::new();
    app.add_plugins(SimPlugin);
    app.add_systems(SimSchedule, (nudge, nudge_again));
    assert!(build_with_ambiguity_errors(app).is_err());
}

#[test]
fn a_seat_view_holds_only_what_the_seat_found_or_was_handed() {
    let s = Arc::new(scenario::load(HAND).unwrap());
    let script = script::load(HAND_ACTIONS, &s).unwrap();
    let mut ex = Exercise::new(s, 42, bots::profile_named("competent").unwrap(), &script);
    // At T+20m30s Tier 1 is taking the alert; the responder knows nothing yet.
    ex.advance_to(SimTime::from_secs(1230));
    let t1 = ex.seat_view(0).unwrap();
    assert_eq!(t1.role, socdrill_core::scenario::Role::Tier1);
    assert!(t1.queue.is_empty(), "the alert left the queue when taken");
    assert!(
        t1.known.is_empty(),
        "nothing is revealed before the take completes"
    );
    assert!(matches!(
        t1.working_on,
        Some((socdrill_core::soc::Action::TakeAlert(0), until)) if until == SimTime::from_secs(1260)
    ));
    let ir = ex.seat_view(2).unwrap();
    assert!(ir.known.is_empty() && ir.handoffs.is_empty());
    // After the take, Tier 1 sees the alert, host, indicator and record; Tier 2 nothing.
    ex.advance_to(SimTime::from_secs(1300));
    let t1 = ex.seat_view(0).unwrap();
    assert_eq!(t1.held.len(), 1);
    assert_eq!(t1.known.len(), 4);
    assert!(t1.known.iter().any(|k| k.label == "host ws-1"));
    assert!(ex.seat_view(1).unwrap().known.is_empty());
    // Nothing in a seat's view carries ground truth; the facilitator's does.
    let json = serde_json::to_string(&t1).unwrap();
    assert!(
        !json.contains("stage") && !json.contains("malicious"),
        "{json}"
    );
    let f = ex.facilitator_view();
    assert_eq!(f.alerts, vec![(0, true)]);
    assert_eq!(f.footholds, vec![vec!["ws-1".to_string()]]);
    assert_eq!(
        f.intrusions[0].1[0],
        ("exec".to_string(), "Fired".to_string())
    );
    assert!(ex.seat_view(99).is_none());
}

#[test]
fn nonsense_scripted_actions_are_refused_not_fatal() {
    let s = Arc::new(scenario::load(HAND).unwrap());
    let nonsense = script::load(
        "Script(actions: [
            (at: \"1m\", seat: \"tier1-1\", do: TakeAlert(999)),
            (at: \"1m\", seat: \"tier1-1\", do: Classify(999, Malicious)),
            (at: \"1m\", seat: \"tier1-1\", do: Close(0)),
            (at: \"1m\", seat: \"tier1-1\", do: Handoff((to: Tier2, alert: 999, severity: Low))),
            (at: \"1m\", seat: \"tier1-1\", do: Handoff((to: Tier1, severity: Low))),
            (at: \"1m\", seat: \"tier1-1\", do: Handoff((to: Tier2, severity: Low, evidence: [Record(123456)]))),
            (at: \"1m\", seat: \"tier2-1\", do: TakeHandoff(999)),
            (at: \"1m\", seat: \"tier2-1\", do: ReturnHandoff(999, \"no\")),
            (at: \"1m\", seat: \"tier2-1\", do: Investigate(subject: Alert(0), lookback: \"1h\")),
            (at: \"1m\", seat: \"tier2-1\", do: Investigate(subject: Host(\"ws-1\"), lookback: 0)),
            (at: \"1m\", seat: \"tier2-1\", do: DeclareIncident(999, High)),
            (at: \"1m\", seat: \"tier2-1\", do: MergeCases(0, 0)),
            (at: \"1m\", seat: \"tier2-1\", do: Hunt(technique: \"T1059\", lookback: \"1h\")),
            (at: \"1m\", seat: \"responder-1\", do: Block(\"evil.example\")),
            (at: \"1m\", seat: \"responder-1\", do: Recover(\"srv-1\")),
            (at: \"1m\", seat: \"responder-1\", do: TakeHandoff(0)),
            (at: \"1m\", seat: \"responder-1\", do: TuneRule(rule: \"R1\", fidelity: 5.0)),
        ])",
        &s,
    )
    .unwrap();
    let mut ex = Exercise::new(s, 1, bots::profile_named("expert").unwrap(), &nonsense);
    ex.run_to_end();
    let refused = ex
        .journal()
        .lines
        .iter()
        .filter(|l| matches!(l.entry, socdrill_core::journal::Entry::ActionRefused(_)))
        .count();
    assert_eq!(
        refused, 17,
        "every nonsense action is refused and journaled"
    );
    assert!(ex.ended());
}

#[test]
fn journal_lines_read_back_to_the_same_text() {
    // Tuned rules put awkward floats (0.6649999999999999) in the journal: reading a
    // journal back must give the same lines, or reports of saved runs would disagree
    // with their digest.
    for (name, s) in shipped() {
        for seed in [4, 9] {
            let ex = common::run(&s, seed, "competent");
            let text = ex.journal().to_jsonl();
            let lines: Vec<socdrill_core::journal::Line> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let back = socdrill_core::journal::Journal { lines };
            assert_eq!(back.to_jsonl(), text, "{name} seed {seed}");
            assert_eq!(back.digest(), ex.journal().digest());
        }
    }
}

#[test]
fn the_records_about_a_subject_are_those_a_scan_finds() {
    // Investigations look records up by host, account and indicator through an index
    // kept as records are written; after a reset (the index reused) it must still agree
    // with reading every record.
    use socdrill_core::soc::{Evidence, ledger::Ledger};
    for (name, s) in shipped() {
        let mut ex = common::run(&s, 5, "competent");
        ex.reset(
            6,
            bots::profile_named("expert").unwrap(),
            &Script::default(),
        );
        ex.run_to_end();
        let ledger = ex.world().resource::<Ledger>();
        assert!(!ledger.records.is_empty(), "{name}");
        let subjects = (0..s.hosts.len())
            .map(Evidence::Host)
            .chain((0..s.accounts.len()).map(Evidence::Account))
            .chain((0..s.observables.len()).map(Evidence::Observable))
            .chain((0..ledger.records.len() as u32).map(Evidence::Record));
        let mut named = 0;
        for subject in subjects {
            let scan: Vec<u32> = ledger
                .records
                .iter()
                .filter(|r| r.about(subject))
                .map(|r| r.id)
                .collect();
            let indexed: Vec<u32> = ledger.records_about(subject).map(|r| r.id).collect();
            assert_eq!(indexed, scan, "{name}: {subject:?}");
            named += scan.len();
        }
        assert!(
            named > ledger.records.len(),
            "{name}: records name their subjects"
        );
    }
}
