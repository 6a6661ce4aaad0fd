//! Honest scores: an exercise ended early is scored as if the attack ran on without
//! defenders, an idle team never scores well, and nothing to measure is never a pass.

mod common;

use std::sync::Arc;

use common::{median, shipped, socdrill};
use socdrill_core::live::{self, Move, Timed};
use socdrill_core::scenario::{self, Scenario};
use socdrill_core::score::{EndedBy, Rating, Results};
use socdrill_core::script::Script;
use socdrill_core::{Exercise, SimTime, bots};

const SEEDS: std::ops::RangeInclusive<u64> = 200..=219;

/// Every seat held by a script with nothing to do: a team that never acts.
fn idle(s: &Scenario) -> Script {
    Script {
        seats: scenario::seat_names(s)
            .into_iter()
            .map(|(name, _)| (name, Vec::new()))
            .collect(),
        ..Script::default()
    }
}

fn exercise(s: &Arc<Scenario>, seed: u64, profile: &str, script: &Script) -> Exercise {
    Exercise::new(
        s.clone(),
        seed,
        bots::profile_named(profile).unwrap(),
        script,
    )
}

/// The results of an exercise ended at `t` the way a facilitator ends it.
fn ended_at(s: &Arc<Scenario>, seed: u64, profile: &str, t: u64) -> Results {
    let mut ex = exercise(s, seed, profile, &Script::default());
    ex.advance_to(SimTime::from_secs(t));
    ex.end_now().expect("the exercise is still on");
    assert!(ex.ended(), "ending runs the attack on to its end");
    ex.results()
}

/// No component at 100%, no objective rated P, no team score of 100: the marks an
/// exercise gets when nothing it did was measured.
fn assert_nothing_free(what: &str, r: &Results) {
    for c in &r.components {
        assert_ne!(c.score, Some(1.0), "{what}: component {} at 100%", c.name);
        assert_eq!(
            c.score.is_none(),
            c.note.is_some(),
            "{what}: {} says why it is not rated, and only then",
            c.name
        );
    }
    for o in &r.objectives {
        assert_ne!(
            o.rating,
            Some(Rating::P),
            "{what}: objective {} rated P",
            o.id
        );
        if o.rating.is_none() {
            assert!(o.evidence.starts_with("not rated: "), "{}", o.evidence);
        }
    }
    assert!(r.team_score.is_none_or(|s| s < 100.0), "{what}");
}

#[test]
fn an_idle_team_scores_below_the_novices_median_on_every_shipped_scenario() {
    for (name, s) in shipped() {
        let novice = median(
            SEEDS
                .map(|seed| common::score(&common::run(&s, seed, "novice").results()))
                .collect(),
        );
        let script = idle(&s);
        for seed in SEEDS {
            let mut ex = exercise(&s, seed, "novice", &script);
            ex.run_to_end();
            let r = ex.results();
            let score = r.team_score.unwrap_or(0.0);
            assert!(
                score < novice,
                "{name} seed {seed}: an idle team scores {score}, not below the novices' median {novice}"
            );
            assert!(r.triage.accuracy.is_none_or(|a| a == 0.0), "{name}");
        }
    }
}

#[test]
fn ending_at_six_minutes_scores_below_the_competent_median_on_every_shipped_scenario() {
    for (name, s) in shipped() {
        let competent = median(
            SEEDS
                .map(|seed| common::score(&common::run(&s, seed, "competent").results()))
                .collect(),
        );
        for seed in SEEDS {
            let r = ended_at(&s, seed, "competent", 360);
            assert_eq!(
                (r.ended_by, r.ended_at),
                (EndedBy::Defenders, SimTime::from_secs(360)),
                "{name}"
            );
            assert!(r.ran_to > r.ended_at, "{name}: the attack ran on");
            let score = r.team_score.unwrap_or(0.0);
            assert!(
                score < competent,
                "{name} seed {seed}: ended at 6 minutes it scores {score}, not below the competent median {competent}"
            );
        }
    }
}

#[test]
fn run_end_at_on_the_command_line_says_the_rest_ran_without_defenders() {
    let o = socdrill(&["run", "--end-at", "6m", "--seed", "3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let card = String::from_utf8_lossy(&o.stdout);
    assert!(card.contains("ended early at T+6m00s"), "{card}");
    assert!(card.contains("without defenders"), "{card}");

    let o = socdrill(&["run", "--end-at", "6m", "--seed", "3", "--json"]);
    let r: Results = serde_json::from_slice(&o.stdout).unwrap();
    let s = common::default_scenario();
    let competent = median(
        SEEDS
            .map(|seed| common::score(&common::run(&s, seed, "competent").results()))
            .collect(),
    );
    assert!(r.team_score.unwrap_or(0.0) < competent);
    assert_eq!(r.ended_by, EndedBy::Defenders);

    // Ending at or past the time limit is not ending early: refused, with the limit.
    let o = socdrill(&["run", "--end-at", "9h"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("time limit (8h00m)"), "{err}");
    let o = socdrill(&["run", "--end-at", "soon"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_exercise_ended_before_the_first_stage_gets_nothing_for_free() {
    let s = common::default_scenario();
    for seed in SEEDS {
        let r = ended_at(&s, seed, "expert", 60);
        let first = r.intrusions[0].compromised_at.expect("the attack ran on");
        assert!(
            first > SimTime::from_secs(60),
            "seed {seed}: the first stage came after the end"
        );
        assert_nothing_free(&format!("ended at T+1m, seed {seed}"), &r);
        // The client notice waits on a detection nobody made: not rated, not P.
        let notify = r.objectives.iter().find(|o| o.id == "notify").unwrap();
        assert_eq!(notify.rating, None);
        assert_eq!(notify.evidence, "not rated: the inject never fired");
    }
}

/// The hand-worked scenario with its first stage pushed past the time limit: the
/// intrusion never starts, no alert is raised, the inject waits on a detection.
const QUIET: &str = include_str!("data/hand-worked.ron");

fn quiet(objectives: &str) -> Arc<Scenario> {
    let text = QUIET
        .replace("delay: Fixed(\"10m\")", "delay: Fixed(\"5h\")")
        .replace(
            "(role: Responder, seats: 1)]",
            "(role: Responder, seats: 1), (role: Manager, seats: 1)]",
        )
        .replace(
            "    objectives: [",
            &format!(
                "    injects: [(id: \"brief\", title: \"Brief the board\", when: OnDetected(\"I\"), to: [Tier2],
        decision: Some((options: [\"now\", \"later\"], expected: 0)))],
    objectives: [{objectives}"
            ),
        );
    Arc::new(scenario::load(&text).unwrap_or_else(|d| panic!("{}", d.render("quiet"))))
}

#[test]
fn an_inject_that_never_fired_is_not_rated() {
    let s = quiet(
        "(id: \"brief\", description: \"Brief within 30 minutes\", measure: InjectResponse(\"brief\"), p: \"10m\", s: \"20m\", m: \"30m\"),",
    );
    let mut ex = exercise(&s, 1, "expert", &Script::default());
    ex.run_to_end();
    let r = ex.results();
    let brief = r.objectives.iter().find(|o| o.id == "brief").unwrap();
    assert_eq!(brief.rating, None, "{}", brief.evidence);
    // The intrusion never started: dwell and exposure are not rated either.
    for id in ["detect", "contain"] {
        let o = r.objectives.iter().find(|o| o.id == id).unwrap();
        assert_eq!(o.rating, None, "{id}: {}", o.evidence);
    }
    assert_nothing_free("a quiet exercise", &r);
}

#[test]
fn with_nothing_to_rate_there_is_no_team_score_and_the_card_says_why() {
    let s = quiet("");
    let s = Arc::new(Scenario {
        objectives: Vec::new(),
        ..(*s).clone()
    });
    let mut ex = exercise(&s, 1, "expert", &Script::default());
    ex.run_to_end();
    let r = ex.results();
    assert!(r.components.iter().all(|c| c.score.is_none()), "{r:?}");
    assert_eq!(r.team_score, None);
    let why = r.team_score_note.as_deref().unwrap();
    assert!(why.contains("no intrusion started"), "{why}");
    assert!(why.contains("no alert was raised"), "{why}");
    assert_nothing_free("nothing to rate", &r);
}

#[test]
fn ending_live_in_play_and_from_the_command_line_give_the_same_exercise() {
    let s = common::default_scenario();
    let dir = common::scratch("honest-end-paths");
    for (seed, t) in [(3, 360), (8, 5_400)] {
        // The library call every front end makes.
        let direct = ended_at(&s, seed, "competent", t);
        // The live server and the game window record End as a move and play it.
        let mut ex = exercise(&s, seed, "competent", &Script::default());
        let moves = [
            Timed {
                t: SimTime::from_secs(t / 2),
                mv: Move::Clock,
            },
            Timed {
                t: SimTime::from_secs(t),
                mv: Move::End,
            },
        ];
        live::replay(&mut ex, &moves).expect("the moves play");
        assert!(ex.ended());
        let moved = ex.results();
        assert_eq!(moved, direct, "seed {seed}");
        // The command line.
        let out = dir.join(format!("seed{seed}"));
        let o = socdrill(&[
            "run",
            "--seed",
            &seed.to_string(),
            "--end-at",
            &format!("{t}s"),
            "--out",
            out.to_str().unwrap(),
            "--json",
        ]);
        assert!(o.status.success());
        let cli: Results = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(cli, direct, "seed {seed}");
        // And replay reproduces it, ended at the same time.
        let o = socdrill(&["replay", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn once_the_defenders_stand_down_nobody_acts() {
    let s = common::default_scenario();
    let mut ex = exercise(&s, 5, "expert", &Script::default());
    ex.advance_to(SimTime::from_secs(3_000));
    let at = ex.end_now().unwrap();
    assert_eq!(ex.stood_down_at(), Some(at));
    let lines = &ex.journal().lines;
    let down = lines
        .iter()
        .position(|l| matches!(l.entry, socdrill_core::journal::Entry::StoodDown))
        .expect("the stand-down is journaled");
    for l in &lines[down..] {
        assert!(
            !matches!(
                l.entry,
                socdrill_core::journal::Entry::ActionStarted { .. }
                    | socdrill_core::journal::Entry::AlertTaken { .. }
                    | socdrill_core::journal::Entry::Classified { .. }
                    | socdrill_core::journal::Entry::HandoffSent { .. }
                    | socdrill_core::journal::Entry::Investigated { .. }
            ),
            "a seat acted after the stand-down: {l:?}"
        );
    }
    assert!(ex.end_now().is_err(), "ending twice is refused");
    assert!(ex.act(0, socdrill_core::soc::Action::TakeAlert(0)).is_err());
}
