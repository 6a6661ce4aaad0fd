//! Bots judge what they see, never the ground truth.
//!
//! The boundary is a type: bots are handed a `Perception`, which holds the desk, the
//! scenario's public facts and the seat's knowledge, and no stage, label or foothold.
//! These tests hold it from two sides: an exercise run again with the labels withheld
//! from the engine (every item identical, every cue identical, only the hidden truth
//! different) gives every bot the same actions; and the bots' sources name nothing the
//! ground truth lives in.

mod common;

use std::sync::Arc;

use socdrill_core::journal::{Entry, Journal};
use socdrill_core::scenario::{self, Scenario};
use socdrill_core::script::Script;
use socdrill_core::sim::truth::Truth;
use socdrill_core::{Exercise, bots};

/// The default scenario with its one detection-triggered inject on a timer instead: an
/// inject that fires when the intrusion is detected would let the truth (through the
/// engine's detection bookkeeping) change what the manager is asked, and so when.
fn scenario() -> Arc<Scenario> {
    let text =
        scenario::DEFAULT_SCENARIO.replace("when: OnDetected(\"phish\")", "when: At(\"3h\")");
    assert_ne!(
        text,
        scenario::DEFAULT_SCENARIO,
        "the inject's trigger is in the text"
    );
    Arc::new(scenario::load(&text).expect("still valid"))
}

fn run(s: &Arc<Scenario>, seed: u64, profile: &str, withheld: bool) -> Journal {
    let mut ex = Exercise::new(
        s.clone(),
        seed,
        bots::profile_named(profile).unwrap(),
        &Script::default(),
    );
    assert!(
        ex.journal()
            .lines
            .iter()
            .all(|l| !matches!(l.entry, Entry::Telemetry(_) | Entry::AlertRaised { .. })),
        "nothing is labelled at T+0, so withholding labels from here on withholds them all"
    );
    ex.app_mut().world_mut().resource_mut::<Truth>().withheld = withheld;
    ex.run_to_end();
    ex.journal().clone()
}

/// The journal without what only the truth writes: the labels on telemetry and alerts,
/// and the engine's own detection lines.
fn without_truth(j: &Journal) -> Vec<String> {
    j.lines
        .iter()
        .filter(|l| !matches!(l.entry, Entry::Detected { .. }))
        .map(|l| {
            let mut l = l.clone();
            match &mut l.entry {
                Entry::Telemetry(tel) => tel.stage = None,
                Entry::AlertRaised { stage, .. } => *stage = None,
                _ => {}
            }
            socdrill_core::journal::to_json(&l)
        })
        .collect()
}

#[test]
fn bots_act_the_same_whatever_the_hidden_truth() {
    let s = scenario();
    for profile in ["novice", "competent", "expert"] {
        for seed in [3, 17, 200] {
            let seen = run(&s, seed, profile, false);
            let hidden = run(&s, seed, profile, true);
            // The truth differs: one journal labels the attack and detects it, the
            // other labels nothing and never detects.
            assert!(
                seen.lines
                    .iter()
                    .any(|l| matches!(l.entry, Entry::AlertRaised { stage: Some(_), .. })),
                "{profile} seed {seed}: the attack raised an alert"
            );
            assert!(hidden.lines.iter().all(|l| !matches!(
                l.entry,
                Entry::AlertRaised { stage: Some(_), .. }
            ) && !matches!(l.entry, Entry::Detected { .. })));
            // Everything else, every action every bot took, is the same.
            let (a, b) = (without_truth(&seen), without_truth(&hidden));
            if let Some(i) = (0..a.len().min(b.len())).find(|&i| a[i] != b[i]) {
                panic!(
                    "{profile} seed {seed}: the bots acted differently at line {}:\n  with the truth:    {}\n  without the truth: {}",
                    i + 1,
                    a[i],
                    b[i]
                );
            }
            assert_eq!(a.len(), b.len(), "{profile} seed {seed}");
        }
    }
}

/// What the ground truth lives in: a bot's source naming any of these has reached past
/// its `Perception`.
const FORBIDDEN: [&str; 11] = [
    "Truth",
    "truth",
    "AttackState",
    "footholds",
    ".stage",
    "stage:",
    "intrusions",
    "sim::attack",
    "written_by",
    "World",
    "Ctx",
];

/// The (line, word) of every forbidden word in a source's code (comments may speak of
/// the truth; code may not touch it).
fn scan(text: &str) -> Vec<(usize, &'static str)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for word in FORBIDDEN {
            if code.contains(word) {
                out.push((n + 1, word));
            }
        }
    }
    out
}

/// The bots' sources name nothing the ground truth lives in. (A bot receives only a
/// `Perception`, so this cannot compile anyway; the scan names the line if someone
/// widens what a bot is given.)
#[test]
fn bot_code_names_no_ground_truth() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/core/src/bots");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if let Some((line, word)) = scan(&text).first() {
            panic!(
                "{}:{line}: bot code names {word:?}: bots decide from their Perception only",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 8, "every bot file was read");
}

/// The scan above catches a planted read of the truth, and lets comments be.
#[test]
fn the_scan_catches_a_planted_read_of_the_truth() {
    let planted = "fn judge() {\n    // the truth is never read here\n    let cheat = view.truth.alert(a).is_some();\n}\n";
    assert_eq!(scan(planted), vec![(3, "truth")]);
    assert!(scan("// Truth, AttackState and footholds are for the engine\n").is_empty());
}
