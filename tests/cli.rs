//! The command line as a user sees it: exit codes, messages, files written, replay.

mod common;

use common::{scratch, socdrill};

use std::process::{Command, Output};

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn run_prints_a_scorecard_for_the_default_scenario() {
    let o = socdrill(&["run"]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{err}");
    for needle in [
        "dwell time",
        "Handoff quality",
        "Triage",
        "Objectives",
        "Team score",
        "digest",
    ] {
        assert!(out.contains(needle), "scorecard lacks {needle:?}:\n{out}");
    }
}

#[test]
fn run_json_follows_the_results_contract() {
    let o = socdrill(&["run", "--seed", "7", "--json", "--bots", "expert"]);
    assert!(o.status.success());
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints JSON");
    assert_eq!(r["schema"], "socdrill.results/2");
    // Nobody ended it early: it ran to its limit or until the intrusion was over.
    assert!(
        ["time_limit", "resolved"].contains(&r["ended_by"].as_str().unwrap()),
        "{}",
        r["ended_by"]
    );
    assert_eq!(r["seed"], 7);
    assert_eq!(r["scenario"], "phish-to-exfil");
    assert_eq!(r["digest"].as_str().unwrap().len(), 64);
    let score = r["team_score"].as_f64().unwrap();
    assert!((0.0..=100.0).contains(&score));
    let i = &r["intrusions"][0];
    for k in [
        "id",
        "compromised_at",
        "detected_at",
        "contained_at",
        "dwell_seconds",
        "censored",
    ] {
        assert!(i.get(k).is_some(), "intrusion lacks {k}");
    }
    let h = r["handoffs"].as_array().unwrap();
    assert!(!h.is_empty());
    assert!(h.iter().all(|h| h["from"].is_string()
        && h["to"].is_string()
        && (0.0..=100.0).contains(&h["quality"].as_f64().unwrap())));
}

#[test]
fn replay_confirms_a_run_and_names_the_first_divergence_of_a_tampered_one() {
    let dir = scratch("replay");
    let run = dir.join("run");
    let o = socdrill(&["run", "--seed", "5", "--out", run.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    for f in ["results.json", "journal.jsonl", "scenario.ron"] {
        assert!(run.join(f).is_file(), "{f} written");
    }
    let o = socdrill(&["replay", run.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(text(&o).0.contains("replay ok"));

    // Tamper with line 10: the replay must fail and say where.
    let journal = run.join("journal.jsonl");
    let original = std::fs::read_to_string(&journal).unwrap();
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let t = lines[9].split(',').next().unwrap().to_string();
    lines[9] = lines[9].replacen(&t, "{\"t\":1", 1);
    std::fs::write(&journal, lines.join("\n") + "\n").unwrap();
    let o = socdrill(&["replay", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("line 10"), "{}", text(&o).1);
    assert!(!text(&o).1.contains("recorded by"), "{}", text(&o).1);
    // Recorded by another version, the divergence says why it may be expected.
    let run_json = run.join("run.json");
    let meta = std::fs::read_to_string(&run_json).unwrap();
    std::fs::write(&run_json, meta.replace(env!("CARGO_PKG_VERSION"), "0.0.1")).unwrap();
    let o = socdrill(&["replay", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).1.contains("recorded by socdrill 0.0.1"),
        "{}",
        text(&o).1
    );

    // A truncated journal is caught too.
    std::fs::write(
        &journal,
        original.lines().take(20).collect::<Vec<_>>().join("\n") + "\n",
    )
    .unwrap();
    let o = socdrill(&["replay", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).1.contains("line 21"), "{}", text(&o).1);

    // A journal from another seed is foreign.
    let other = dir.join("other");
    assert!(
        socdrill(&["run", "--seed", "6", "--out", other.to_str().unwrap()])
            .status
            .success()
    );
    std::fs::copy(other.join("journal.jsonl"), &journal).unwrap();
    let o = socdrill(&["replay", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn replay_of_something_that_is_not_a_run_directory() {
    let dir = scratch("not-a-run");
    let o = socdrill(&["replay", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("results.json"), "{}", text(&o).1);
    let o = socdrill(&["replay", "/definitely/not/here"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("not a directory"));
}

#[test]
fn check_reports_file_line_and_column_and_exits_non_zero() {
    let dir = scratch("check");
    let empty = dir.join("empty.ron");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.join("binary.ron");
    std::fs::write(&binary, [0u8, 159, 146, 150, 255, 0, 1]).unwrap();
    let bad = dir.join("bad.ron");
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/hand-worked.ron"
    ))
    .unwrap();
    std::fs::write(
        &bad,
        base.replace("T1204.002\"]", "T1204.999\"]")
            .replace("tenant: \"t\", kind: Server", "tenant: \"x\", kind: Server"),
    )
    .unwrap();

    for (file, needle) in [
        (&empty, ":1:1: the file is empty"),
        (&binary, ":1:2: the file is not UTF-8"),
        (&bad, "T1204.999"),
    ] {
        let o = socdrill(&["check", file.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{}", file.display());
        let err = text(&o).1;
        assert!(
            err.contains(&format!("{}{needle}", file.display())) || err.contains(needle),
            "{err}"
        );
    }
    let o = socdrill(&["check", bad.to_str().unwrap()]);
    assert_eq!(
        text(&o)
            .1
            .lines()
            .filter(|l| l.starts_with(bad.to_str().unwrap()))
            .count(),
        3,
        "every problem listed: the tenant, the technique, and the host now outside the intrusion's tenant"
    );

    let o = socdrill(&[
        "check",
        "scenarios/phish-to-exfil.ron",
        "tests/data/hand-worked.ron",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert_eq!(text(&o).0.matches(": ok").count(), 2);
    let o = socdrill(&["check", "/dev/null"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn run_refuses_a_broken_scenario_or_script_with_a_position() {
    let dir = scratch("run-bad");
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, "Scenario(id: \"x\", title: 3)").unwrap();
    let o = socdrill(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("bad.ron:1:"), "{}", text(&o).1);

    let actions = dir.join("actions.ron");
    std::fs::write(
        &actions,
        "Script(actions: [(at: \"5m\", seat: \"tier7-1\", do: Close(0))])",
    )
    .unwrap();
    let o = socdrill(&["run", "--actions", actions.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("actions.ron:1:"), "{}", text(&o).1);
    assert!(text(&o).1.contains("tier7-1"));

    let o = socdrill(&["run", "no-such-file.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("cannot read no-such-file.ron"));
}

#[test]
fn scripted_seats_replay_too() {
    let dir = scratch("scripted");
    let run = dir.join("run");
    let o = socdrill(&[
        "run",
        "tests/data/hand-worked.ron",
        "--actions",
        "tests/data/hand-worked.actions.ron",
        "--out",
        run.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["intrusions"][0]["dwell_seconds"], 900);
    assert!(run.join("actions.ron").is_file());
    assert!(
        socdrill(&["replay", run.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn scenarios_lists_the_library() {
    let o = socdrill(&["scenarios"]);
    assert!(o.status.success());
    let out = text(&o).0;
    assert!(
        out.contains("phish-to-exfil") && out.contains("T1566.001"),
        "{out}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::process::Stdio;
    // `socdrill run | head -1`: the reader goes away after the first bytes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .env("SOCDRILL_DB", "off")
        .args(["run", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        out.status.success() || out.status.code() == Some(0),
        "{:?} {err}",
        out.status
    );
}

#[cfg(not(feature = "gui"))]
#[test]
fn play_says_how_to_get_the_window_when_it_is_not_built() {
    let out = common::socdrill(&["play"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--features gui"), "{err}");
    assert!(err.contains("serve --solo tier1"), "{err}");
}

#[test]
fn an_exercise_that_would_run_away_is_refused_or_stopped_at_its_budget() {
    // Valid-looking rates over thirty days: tens of millions of benign alerts.
    let base = std::fs::read_to_string("scenarios/phish-to-exfil.ron").unwrap();
    let mut extreme = base.replace("time_limit: \"8h\"", "time_limit: \"30d\"");
    for rate in ["1.5", "0.4", "0.8", "0.2"] {
        extreme = extreme.replace(
            &format!("benign_per_hour: {rate},"),
            "benign_per_hour: 3600.0,",
        );
    }
    let dir = scratch("runaway");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("extreme.ron");
    std::fs::write(&path, &extreme).unwrap();
    let line = extreme
        .lines()
        .position(|l| l.contains("time_limit"))
        .unwrap()
        + 1;
    for cmd in ["check", "run"] {
        let o = socdrill(&[cmd, path.to_str().unwrap()]);
        let (_, err) = text(&o);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(!o.status.success(), "{cmd}: {out}{err}");
        let said = format!("{out}{err}");
        assert!(
            said.contains(&format!("extreme.ron:{line}:"))
                && said.contains("simulated events one exercise may take"),
            "{cmd}: {said}"
        );
    }

    // What validation cannot foresee, the budget stops while it runs, and says how to
    // raise it.
    let o = socdrill(&["run", "--max-events", "100"]);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("budget of 100 simulated events"), "{err}");
    assert!(err.contains("--max-events"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The default budget leaves every shipped exercise alone.
    assert!(socdrill(&["run"]).status.success());
}
