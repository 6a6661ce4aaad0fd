//! Scenario validation: every problem at once, each with the line and column of the
//! offending text, and never a panic or a stack overflow on hostile input.

use socdrill_core::scenario::{self, Diagnostics};

const BASE: &str = include_str!("data/hand-worked.ron");

/// Loads `src` and checks that the problems found are exactly `expected`: for each, a
/// fragment of the message and the 1-based line it must point at.
#[track_caller]
fn check(src: &str, expected: &[(&str, usize)]) {
    let found = match scenario::load(src) {
        Ok(_) => Diagnostics(Vec::new()),
        Err(d) => d,
    };
    let shown = found.render("t.ron");
    assert_eq!(
        found.0.len(),
        expected.len(),
        "wrong number of problems:\n{shown}"
    );
    for (d, (fragment, line)) in found.0.iter().zip(expected) {
        assert!(
            d.message.contains(fragment),
            "expected {fragment:?} in:\n{shown}"
        );
        assert_eq!(d.line, *line, "wrong line for {fragment:?}:\n{shown}");
        assert!(d.col >= 1);
    }
}

/// The base scenario with one replacement (which must apply).
fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base scenario has no {from:?}");
    BASE.replacen(from, to, 1)
}

fn line_of(src: &str, needle: &str) -> usize {
    src[..src.find(needle).expect("needle present")]
        .matches('\n')
        .count()
        + 1
}

#[test]
fn the_base_case_is_valid() {
    check(BASE, &[]);
}

#[test]
fn shipped_scenarios_are_valid() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ron") {
            let src = std::fs::read_to_string(&path).unwrap();
            if let Err(d) = scenario::load(&src) {
                panic!("{}", d.render(&path.display().to_string()));
            }
            n += 1;
        }
    }
    assert!(n >= 2, "at least two scenarios ship");
}

#[test]
fn empty_and_blank_files() {
    check("", &[("the file is empty", 1)]);
    check("  \n\n ", &[("the file is empty", 1)]);
}

#[test]
fn truncated_file_points_at_the_end() {
    let cut = &BASE[..BASE.find("rules:").unwrap() + 12];
    let lines = cut.trim_end().matches('\n').count() + 1;
    let d = scenario::load(cut).unwrap_err();
    assert_eq!(d.0.len(), 1);
    assert!(d.0[0].line >= lines, "{}", d.render("t.ron"));
}

#[test]
fn binary_content_is_refused_with_a_position() {
    let mut bytes = b"Scenario(\n  id: \"x\",\n  ".to_vec();
    bytes.extend([0xff, 0xfe, 0x00, 0x9c]);
    let d = scenario::text_from_bytes(&bytes).unwrap_err();
    assert_eq!((d.0[0].line, d.0[0].col), (3, 3));
    assert!(d.0[0].message.contains("not UTF-8"));
    // Valid UTF-8 that is not RON at all.
    check("\u{0}\u{1}\u{2}garbage", &[("while reading a scenario", 1)]);
}

#[test]
fn wrong_types_carry_the_parser_position() {
    let src = with("time_limit: \"4h\"", "time_limit: true");
    check(&src, &[("duration", line_of(&src, "time_limit"))]);
    let src = with("fidelity: 1.0", "fidelity: \"high\"");
    check(&src, &[("Expected float", line_of(&src, "fidelity"))]);
    let src = with("difficulty: Easy", "difficulty: Trivial");
    check(&src, &[("Trivial", line_of(&src, "difficulty"))]);
}

#[test]
fn absurd_nesting_is_an_error_not_a_stack_overflow() {
    // Nothing in the format nests, so the parser stops at the first wrong token; the
    // recursion limit stands behind that for values it skips.
    let deep = format!("Scenario(id: {}", "[".repeat(100_000));
    check(&deep, &[("Expected string", 1)]);
    let deep = format!("{}1{}", "(".repeat(50_000), ")".repeat(50_000));
    let d = scenario::load(&deep).unwrap_err();
    assert_eq!(d.0.len(), 1);
}

#[test]
fn absurd_numbers_are_refused() {
    let src = with("fidelity: 1.0", "fidelity: 1e308");
    check(
        &src,
        &[("probability between 0 and 1", line_of(&src, "fidelity"))],
    );
    let src = with("time_limit: \"4h\"", "time_limit: \"99999999d\"");
    check(&src, &[("30-day maximum", line_of(&src, "time_limit"))]);
    let src = with(
        "time_limit: \"4h\"",
        "time_limit: 999999999999999999999999999",
    );
    check(&src, &[("while reading", line_of(&src, "time_limit"))]);
    let src = with(
        "Impact(\"data stolen\", 100.0)",
        "Impact(\"data stolen\", -1.0)",
    );
    check(&src, &[("impact points", line_of(&src, "data stolen"))]);
    let src = with("latency: \"0s\"", "latency: \"0s\", benign_per_hour: -3.0");
    check(
        &src,
        &[("benign_per_hour is -3", line_of(&src, "benign_per_hour"))],
    );
    // A rate too small to mean anything (a subnormal number) would make the gap between
    // events infinite; it is refused, not left to the engine.
    let src = with(
        "latency: \"0s\"",
        "latency: \"0s\", benign_per_hour: 1e-320",
    );
    check(
        &src,
        &[(
            "too small to mean anything",
            line_of(&src, "benign_per_hour"),
        )],
    );
}

#[test]
fn dangling_ids_name_the_known_ones() {
    let src = with("target: Host(\"srv-1\")", "target: Host(\"srv-9\")");
    check(
        &src,
        &[(
            "unknown host \"srv-9\" (known: srv-1, ws-1)",
            line_of(&src, "srv-9"),
        )],
    );
    let src = with("after: [\"exec\"]", "after: [\"exce\"]");
    check(
        &src,
        &[("unknown stage \"exce\"", line_of(&src, "\"exce\""))],
    );
    let src = with("measure: DwellTime(\"I\")", "measure: DwellTime(\"J\")");
    check(&src, &[("unknown intrusion \"J\"", line_of(&src, "\"J\""))]);
}

#[test]
fn intrusions_stay_inside_their_tenant() {
    let src = with(
        "tenants: [(id: \"t\", sla: Gold)],",
        "tenants: [(id: \"t\", sla: Gold), (id: \"u\", sla: Bronze)],\n    accounts: [(id: \"other\", tenant: \"u\", privilege: Admin)],",
    )
    .replacen("effects: [Foothold(\"ws-1\")],", "effects: [Foothold(\"ws-1\"), Compromise(\"other\")],", 1);
    check(
        &src,
        &[(
            "account \"other\" belongs to tenant \"u\"",
            line_of(&src, "Compromise(\"other\")"),
        )],
    );
}

#[test]
fn a_block_nobody_could_make_in_time() {
    // "move" may only run while evil.example is unblocked, but only "exec" shows it:
    // fine. Requiring a value first seen in the stage itself is a dead precondition.
    let src = with(
        "requires: [Foothold(\"ws-1\")],",
        "requires: [Foothold(\"ws-1\"), NotBlocked(\"evil.example\")],",
    );
    check(&src, &[]);
    let src = with(
        "effects: [Foothold(\"ws-1\")],",
        "requires: [NotBlocked(\"evil.example\")], effects: [Foothold(\"ws-1\")],",
    );
    check(
        &src,
        &[("nobody could block it in time", line_of(&src, "NotBlocked"))],
    );
}

#[test]
fn duplicates_point_at_the_second_definition() {
    let src = with("(id: \"srv-1\", tenant", "(id: \"ws-1\", tenant");
    check(
        &src,
        &[
            (
                "host id \"ws-1\" is defined twice",
                line_of(&src, "(id: \"ws-1\", tenant: \"t\", kind: Server"),
            ),
            ("unknown host \"srv-1\"", line_of(&src, "Host(\"srv-1\")")),
        ],
    );
    let src = with(
        "partners: [(team: Endpoint, delay: Fixed(\"15m\"))]",
        "partners: [(team: Endpoint, delay: Fixed(\"15m\")),\n  (team: Endpoint, delay: Fixed(\"5m\"))]",
    );
    check(&src, &[("set twice", line_of(&src, "partners:"))]);
}

#[test]
fn a_decision_needs_a_manager_seat() {
    let src = with(
        "objectives: [",
        "injects: [(id: \"brief\", title: \"Brief the client\", when: At(\"1h\"), to: [Tier1],\n  decision: (options: [\"now\", \"later\"], expected: 0))],\n    objectives: [",
    );
    check(
        &src,
        &[("no Manager seat is staffed", line_of(&src, "decision:"))],
    );
}

#[test]
fn a_detection_on_a_missing_data_source() {
    let src = with(
        "source: \"edr\", techniques",
        "source: \"sysmon\", techniques",
    );
    check(
        &src,
        &[("unknown data source \"sysmon\"", line_of(&src, "sysmon"))],
    );
}

#[test]
fn unknown_and_mismatched_attack_ids() {
    let src = with("techniques: [\"T1204.002\"]", "techniques: [\"T1685\"]");
    check(
        &src,
        &[("unknown ATT&CK technique \"T1685\"", line_of(&src, "T1685"))],
    );
    let src = with("tactic: \"execution\"", "tactic: \"execute\"");
    check(
        &src,
        &[(
            "unknown ATT&CK tactic \"execute\"",
            line_of(&src, "\"execute\""),
        )],
    );
    let src = with("tactic: \"execution\"", "tactic: \"impact\"");
    check(
        &src,
        &[(
            "does not belong to tactic \"impact\"",
            line_of(&src, "technique: \"T1204.002\", target"),
        )],
    );
}

#[test]
fn cycles_are_found() {
    let src = with(
        "delay: Fixed(\"10m\"), effects",
        "after: [\"move\"], delay: Fixed(\"10m\"), effects",
    );
    check(&src, &[("form a cycle", line_of(&src, "id: \"move\""))]);
}

#[test]
fn stages_that_can_never_run() {
    // A fallback-only stage nobody falls back to.
    let src = with(
        "severity: Critical),",
        "severity: Critical),\n            (id: \"orphan\", tactic: \"impact\", technique: \"T1486\", target: Host(\"srv-1\"), fallback_only: true),",
    );
    check(&src, &[("can never run", line_of(&src, "orphan"))]);
    // A foothold no earlier stage gives.
    let src = with(
        "requires: [Foothold(\"ws-1\")]",
        "requires: [Foothold(\"srv-1\")]",
    );
    check(
        &src,
        &[(
            "no stage before it gains one",
            line_of(&src, "Foothold(\"srv-1\")]"),
        )],
    );
}

#[test]
fn zero_and_inverted_durations() {
    let src = with(
        "(action: Classify, time: Fixed(\"4m\"))",
        "(action: Classify, time: Fixed(\"0s\"))",
    );
    check(&src, &[("zero duration", line_of(&src, "Fixed(\"0s\")"))]);
    let src = with("delay: Fixed(\"2h\")", "delay: Uniform(\"2h\", \"1h\")");
    check(&src, &[("wrong way round", line_of(&src, "Uniform"))]);
    let src = with("time_limit: \"4h\"", "time_limit: \"0s\"");
    check(&src, &[("time_limit is zero", line_of(&src, "time_limit"))]);
    let src = with("time_limit: \"4h\"", "time_limit: -5");
    check(&src, &[("cannot be negative", line_of(&src, "time_limit"))]);
}

#[test]
fn every_problem_is_listed_at_once_in_file_order() {
    let src = BASE
        .replacen(
            "tenant: \"t\", kind: Server",
            "tenant: \"nope\", kind: Server",
            1,
        )
        .replacen("techniques: [\"T1204.002\"]", "techniques: [\"T9999\"]", 1)
        .replacen("target: Host(\"srv-1\")", "target: Host(\"srv-9\")", 1)
        .replacen(
            "(action: Isolate, time: Fixed(\"3m\"))",
            "(action: Isolate, time: Fixed(\"0s\"))",
            1,
        );
    check(
        &src,
        &[
            ("unknown tenant \"nope\"", line_of(&src, "\"nope\"")),
            ("T9999", line_of(&src, "T9999")),
            ("unknown host \"srv-9\"", line_of(&src, "srv-9")),
            // srv-1 now sits in another tenant, so the stage's foothold on it is foreign.
            (
                "host \"srv-1\" belongs to tenant \"nope\"",
                line_of(&src, "effects: [Foothold(\"srv-1\")"),
            ),
            ("zero duration", line_of(&src, "(action: Isolate")),
        ],
    );
}

#[test]
fn scripts_are_checked_against_the_scenario() {
    let s = scenario::load(BASE).unwrap();
    let bad = "Script(actions: [\n (at: \"1m\", seat: \"tier9-1\", do: TakeAlert(0)),\n (at: \"2m\", seat: \"responder-1\", do: Isolate(\"nope\")),\n])";
    let d = socdrill_core::script::load(bad, &s).unwrap_err();
    assert_eq!(d.0.len(), 2, "{}", d.render("a.ron"));
    assert!(d.0[0].message.contains("unknown seat \"tier9-1\"") && d.0[0].line == 2);
    assert!(d.0[1].message.contains("unknown host \"nope\"") && d.0[1].line == 3);
    assert!(socdrill_core::script::load("", &s).is_err());
}

/// A cheap deterministic fuzz: thousands of mutated copies of the shipped scenarios
/// (bytes flipped, cut, duplicated, spliced) must each load or fail with diagnostics,
/// and every valid one must run to its end.
#[test]
fn mutated_scenarios_never_panic() {
    let sources = [scenario::DEFAULT_SCENARIO, BASE];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let tokens: [&[u8]; 8] = [b"\"", b"(", b")", b"[", b"]", b",", b"-1", b"1e999"];
    let mut valid = 0;
    for round in 0..3000 {
        let mut bytes = sources[round % 2].as_bytes().to_vec();
        for _ in 0..1 + next() % 4 {
            let at = (next() as usize) % bytes.len();
            match next() % 4 {
                0 => bytes[at] = (next() % 128) as u8,
                1 => bytes.truncate(at),
                2 => {
                    let t = tokens[(next() % 8) as usize];
                    bytes.splice(at..at, t.iter().copied());
                }
                _ => {
                    let len = (next() as usize % 64).min(bytes.len() - at);
                    let copy = bytes[at..at + len].to_vec();
                    bytes.splice(at..at, copy);
                }
            }
            if bytes.is_empty() {
                break;
            }
        }
        let Ok(text) = scenario::text_from_bytes(&bytes) else {
            continue;
        };
        match scenario::load(text) {
            Ok(s) => {
                valid += 1;
                let mut ex = socdrill_core::Exercise::new(
                    std::sync::Arc::new(s),
                    round as u64,
                    socdrill_core::bots::profile_named("novice").unwrap(),
                    &Default::default(),
                );
                ex.run_to_end();
                assert!(ex.ended());
            }
            Err(d) => assert!(!d.0.is_empty() && d.0.iter().all(|p| p.line >= 1 && p.col >= 1)),
        }
    }
    // Some mutations (a changed comment, a tweaked number) leave the file valid.
    assert!(valid > 50, "only {valid} mutated files were valid");
}
