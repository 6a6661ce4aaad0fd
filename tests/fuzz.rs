//! Fuzz-style tests on stable Rust, in a bounded number of cases: every reader of user
//! input — scenarios, actions files, variants, live moves, journals, results — is fed
//! seeded mutations of real files and must answer each with a value or an error that
//! points inside the text, never a panic; and the digest encoder must give the same
//! digest for a journal and for that journal written out and read back, and a different
//! one once a line's content changes.
//!
//! The mutations are drawn from fixed seeds, so a failure names a case that fails the
//! same way on every run.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use socdrill_core::live::{Move, Timed};
use socdrill_core::soc::Action;
use socdrill_core::{Exercise, SimTime, batch, bots, journal, live, report, scenario, script};

/// Mutated cases per reader and input file.
const CASES: usize = 150;

/// Pieces that parsers trip on: delimiters, quotes, numbers at and past their limits,
/// control and multi-byte characters, and the formats' own keywords.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "\"",
    ",",
    ":",
    "\n",
    "\\",
    "1e999",
    "-1",
    "NaN",
    "inf",
    "\u{0}",
    "é",
    "🦀",
    "18446744073709551616",
    "-0.0",
    "0x10",
    "Some(",
    "None",
    "true",
    "\"ev\":",
    "\"move\":",
    "Act",
    "TakeAlert(",
    "//",
    "/*",
    "r#\"",
    "9999999999999",
];

/// One seeded mutation of `text`: a flipped bit, a cut, a doubled span, an inserted
/// token, a truncation or two lines swapped, one to three of them. The result is kept
/// valid UTF-8 (readers take `&str`; bytes that are not UTF-8 are refused before
/// parsing).
fn mutate(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len().max(1);
    for _ in 0..rng.random_range(1..=3) {
        let at = rng.random_range(0..=bytes.len());
        match rng.random_range(0..6) {
            0 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] ^= 1 << rng.random_range(0..7);
            }
            1 => {
                let end = (at + rng.random_range(1..=len.min(64))).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let end = (at + rng.random_range(1..=len.min(64))).min(bytes.len());
                let span = bytes[at..end].to_vec();
                bytes.splice(at..at, span);
            }
            3 => {
                let t = TOKENS[rng.random_range(0..TOKENS.len())];
                bytes.splice(at..at, t.bytes());
            }
            4 => bytes.truncate(at),
            _ => {
                let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
                if lines.len() > 1 {
                    let a = rng.random_range(0..lines.len());
                    let b = rng.random_range(0..lines.len());
                    lines.swap(a, b);
                }
                bytes = lines.join(&b'\n');
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Runs `read` on `CASES` mutations of `text`; fails naming the case on a panic or on
/// an error that points outside the text. Returns how many were refused.
fn survive(
    what: &str,
    text: &str,
    seed: u64,
    read: impl Fn(&str) -> Option<(usize, usize)>,
) -> usize {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut refused = 0;
    for case in 0..CASES {
        let input = mutate(text, &mut rng);
        let place = catch_unwind(AssertUnwindSafe(|| read(&input))).unwrap_or_else(|_| {
            panic!("{what}, case {case} (seed {seed}): the reader panicked on:\n{input}")
        });
        if let Some((line, col)) = place {
            refused += 1;
            let lines = input.lines().count().max(1);
            assert!(
                line >= 1 && line <= lines + 1 && col >= 1,
                "{what}, case {case} (seed {seed}): error at {line}:{col}, outside the {lines}-line input:\n{input}"
            );
        }
    }
    refused
}

fn first(d: &scenario::Diagnostics) -> (usize, usize) {
    let p = d.0.first().expect("an error says what is wrong");
    (p.line, p.col)
}

#[test]
fn the_scenario_reader_never_panics_and_points_inside_the_text() {
    for (i, (name, _)) in common::shipped().into_iter().enumerate() {
        let text = std::fs::read_to_string(format!("scenarios/{name}")).unwrap();
        let refused = survive(&name, &text, 1000 + i as u64, |t| {
            scenario::load(t).err().map(|d| first(&d))
        });
        // The mutations are real damage: most of them are refused.
        assert!(
            refused > CASES / 2,
            "{name}: only {refused} of {CASES} refused"
        );
    }
}

#[test]
fn the_actions_and_variant_readers_never_panic() {
    let scenario = scenario::load(&std::fs::read_to_string("tests/data/hand-worked.ron").unwrap())
        .expect("the hand-worked scenario is valid");
    let actions = std::fs::read_to_string("tests/data/hand-worked.actions.ron").unwrap();
    survive("hand-worked.actions.ron", &actions, 2000, |t| {
        script::load(t, &scenario).err().map(|d| first(&d))
    });

    let raw: scenario::format::RawScenario =
        scenario::parse(scenario::DEFAULT_SCENARIO, "a scenario").expect("it parses");
    for (i, entry) in std::fs::read_dir("scenarios/variants").unwrap().enumerate() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        survive(&path.display().to_string(), &text, 3000 + i as u64, |t| {
            batch::variant::load(t, &raw).err().map(|d| first(&d))
        });
    }
}

/// The default scenario with competent bots, and moves as a live exercise records
/// them.
fn recorded() -> (Exercise, String) {
    let s = Arc::new(scenario::load(scenario::DEFAULT_SCENARIO).unwrap());
    let profile = bots::profile_named("competent").unwrap();
    let ex = Exercise::new(s, 3, profile, &script::Script::default());
    let moves = [
        Timed {
            t: SimTime::ZERO,
            mv: Move::TakeSeat {
                seat: 0,
                name: None,
            },
        },
        Timed {
            t: SimTime::from_secs(60),
            mv: Move::Act {
                seat: 0,
                action: Action::TakeAlert(0),
            },
        },
        Timed {
            t: SimTime::from_secs(90),
            mv: Move::Clock,
        },
        Timed {
            t: SimTime::from_secs(120),
            mv: Move::FireInject { inject: 0 },
        },
        Timed {
            t: SimTime::from_secs(300),
            mv: Move::End,
        },
    ];
    let text = moves
        .iter()
        .map(|m| serde_json::to_string(m).unwrap() + "\n")
        .collect();
    (ex, text)
}

#[test]
fn the_moves_journal_and_results_readers_never_panic() {
    let (mut ex, moves) = recorded();
    survive("moves.jsonl", &moves, 4000, |t| {
        live::parse_moves(t).err().map(|e| (e.line, 1))
    });
    ex.run_to_end();
    let jsonl = ex.journal().to_jsonl();
    survive("journal.jsonl", &jsonl, 5000, |t| {
        journal::parse_jsonl(t).err().map(|b| (b.line, b.column))
    });
    let results = serde_json::to_string_pretty(&ex.results()).unwrap();
    survive("results.json", &results, 6000, |t| {
        report::compare::parse_results(t).err().map(|e| e.at())
    });
}

#[test]
fn a_journal_written_out_and_read_back_has_the_same_digest() {
    let mut rng = ChaCha8Rng::seed_from_u64(7000);
    for (name, s) in common::shipped() {
        for profile in ["novice", "competent", "expert"] {
            let seed: u64 = rng.random_range(0..1_000_000);
            let ex = common::run(&s, seed, profile);
            let j = ex.journal();
            let text = j.to_jsonl();
            let back = journal::parse_jsonl(&text).unwrap_or_else(|b| {
                panic!("{name} {profile} {seed}: line {}: {}", b.line, b.message)
            });
            assert_eq!(back.digest(), j.digest(), "{name} {profile} seed {seed}");
            assert!(journal::is_digest_of(&j.digest(), &back, &text));
            assert_eq!(
                ex.results().digest,
                j.digest(),
                "{name} {profile} seed {seed}"
            );
            // Any change to a line's content changes the digest.
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let mid = lines.len() / 2;
            let mut line: serde_json::Value = serde_json::from_str(&lines[mid]).unwrap();
            line["t"] = serde_json::json!(line["t"].as_u64().unwrap() + 1);
            lines[mid] = line.to_string();
            let other = journal::parse_jsonl(&(lines.join("\n") + "\n")).unwrap();
            assert_ne!(other.digest(), j.digest(), "{name} {profile} seed {seed}");
        }
    }
}
