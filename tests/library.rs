//! Quality gates for every shipped scenario: it validates, runs with every bot profile,
//! every stage happens in some run, competent bots' median dwell falls in the band the
//! scenario declares, its par is the expert median, and ladders are complete. (That
//! experts beat novices on every shipped scenario is tested in `sim.rs`.)

mod common;

use std::sync::Arc;

use common::{median, shipped};
use socdrill_core::scenario::Scenario;
use socdrill_core::score::Results;

const SEEDS: std::ops::Range<u64> = 200..220;

fn run(s: &Arc<Scenario>, seed: u64, profile: &str) -> Results {
    let ex = common::run(s, seed, profile);
    assert!(ex.ended());
    ex.results()
}

/// A run's dwell: the mean over intrusions that started (undetected ones at their
/// censored lower bound).
fn dwell(r: &Results) -> Option<f64> {
    socdrill_core::score::mean(
        r.intrusions
            .iter()
            .filter_map(|i| i.dwell_seconds.map(|d| d as f64)),
    )
}

#[test]
fn every_scenario_is_documented_and_calibrated() {
    for (name, s) in shipped() {
        assert!(!s.summary.is_empty(), "{name}: a summary");
        assert!(
            !s.learning_objectives.is_empty(),
            "{name}: learning objectives"
        );
        assert!(
            !s.objectives.is_empty(),
            "{name}: objectives with P/S/M/U thresholds"
        );
        assert!(!s.injects.is_empty(), "{name}: injects for the tabletop");
        assert!(
            s.injects.iter().any(|i| !i.questions.is_empty()),
            "{name}: discussion questions"
        );
        assert!(
            s.dwell_band.is_some(),
            "{name}: a declared dwell band for competent bots"
        );
    }
}

#[test]
fn every_stage_happens_in_some_run_and_every_profile_runs() {
    for (name, s) in shipped() {
        let mut seen: Vec<Vec<bool>> = s
            .intrusions
            .iter()
            .map(|i| vec![false; i.stages.len()])
            .collect();
        for profile in ["novice", "competent", "expert"] {
            for seed in SEEDS {
                let r = run(&s, seed, profile);
                for (ii, i) in r.intrusions.iter().enumerate() {
                    for (si, st) in i.stages.iter().enumerate() {
                        seen[ii][si] |= st.fired_at.is_some();
                    }
                }
            }
        }
        for (ii, i) in s.intrusions.iter().enumerate() {
            for (si, st) in i.stages.iter().enumerate() {
                assert!(
                    seen[ii][si],
                    "{name}: stage {}/{} never happened in any run",
                    i.id, st.id
                );
            }
        }
    }
}

#[test]
fn competent_median_dwell_falls_in_the_declared_band() {
    for (name, s) in shipped() {
        let (lo, hi) = s.dwell_band.expect("declared (checked above)");
        let m = median(
            SEEDS
                .filter_map(|seed| dwell(&run(&s, seed, "competent")))
                .collect(),
        );
        assert!(
            (lo as f64..=hi as f64).contains(&m),
            "{name}: competent median dwell {m:.0} s is outside the declared band {lo}–{hi} s"
        );
    }
}

#[test]
fn par_is_the_expert_median_over_the_calibration_seeds() {
    for (name, s) in shipped() {
        let Some(par) = s.par else { continue };
        let m = median(
            SEEDS
                .map(|seed| common::score(&run(&s, seed, "expert")))
                .collect(),
        );
        assert!(
            (par - m).abs() <= 3.0,
            "{name}: par {par} but the expert median over seeds {}–{} is {m:.1}",
            SEEDS.start,
            SEEDS.end - 1
        );
    }
}

#[test]
fn ladders_run_from_step_one_without_gaps_and_get_harder() {
    let mut tracks: std::collections::BTreeMap<String, Vec<(u32, String, f64, f64)>> =
        Default::default();
    for (name, s) in shipped() {
        if let Some(l) = &s.ladder {
            let competent = median(
                SEEDS
                    .map(|seed| common::score(&run(&s, seed, "competent")))
                    .collect(),
            );
            tracks.entry(l.track.clone()).or_default().push((
                l.step,
                name,
                l.pass_score,
                competent,
            ));
        }
    }
    for (track, mut steps) in tracks {
        steps.sort_by_key(|x| x.0);
        let numbers: Vec<u32> = steps.iter().map(|x| x.0).collect();
        let want: Vec<u32> = (1..=steps.len() as u32).collect();
        assert_eq!(
            numbers, want,
            "track {track}: steps must run 1, 2, 3… once each"
        );
        for pair in steps.windows(2) {
            assert!(
                pair[1].3 < pair[0].3,
                "track {track}: step {} ({}) is not harder than step {} for competent bots ({:.1} vs {:.1})",
                pair[1].0,
                pair[1].1,
                pair[0].0,
                pair[1].3,
                pair[0].3
            );
        }
        for (step, name, pass, competent) in &steps {
            assert!(
                *pass <= competent + 15.0,
                "track {track} step {step} ({name}): pass_score {pass} is far above what competent bots reach ({competent:.1})"
            );
        }
    }
}
