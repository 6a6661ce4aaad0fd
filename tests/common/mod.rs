//! Helpers shared by the integration tests.

#![allow(dead_code, reason = "each test crate uses a different subset")]

pub mod live;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

use socdrill_core::scenario::{self, Scenario};
use socdrill_core::script::Script;
use socdrill_core::{Exercise, bots};

/// Every scenario shipped in `scenarios/`, by file name, sorted.
pub fn shipped() -> Vec<(String, Arc<Scenario>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut v: Vec<(String, Arc<Scenario>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let src = std::fs::read_to_string(&p).unwrap();
            let s = scenario::load(&src).unwrap_or_else(|d| panic!("{}", d.render(&name)));
            (name, Arc::new(s))
        })
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(v.len() >= 2, "at least two scenarios ship");
    v
}

/// Runs a scenario to its end with bots of `profile` in every seat.
pub fn run(s: &Arc<Scenario>, seed: u64, profile: &str) -> Exercise {
    let mut ex = Exercise::new(
        s.clone(),
        seed,
        bots::profile_named(profile).unwrap(),
        &Script::default(),
    );
    ex.run_to_end();
    ex
}

/// The built-in default scenario.
pub fn default_scenario() -> Arc<Scenario> {
    Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap())
}

/// The median of some values, as the library defines it everywhere (the mean of the two
/// middle values for an even count: `batch::stats::median`).
pub fn median(mut v: Vec<f64>) -> f64 {
    socdrill_core::batch::stats::median(&mut v).expect("a median of no values")
}

/// A run's team score; every run these tests make has something to rate.
pub fn score(r: &socdrill_core::score::Results) -> f64 {
    r.team_score
        .unwrap_or_else(|| panic!("{} seed {}: no team score", r.scenario, r.seed))
}

/// Runs the `socdrill` binary in the project directory.
pub fn socdrill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .args(args)
        // The tests' exercises stay out of the history of whoever runs them.
        .env("SOCDRILL_DB", "off")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the socdrill binary runs")
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
