//! The exercise history: `run --out`, `serve` and `batch` record their exercises in an
//! SQLite database, `history` lists them for a team, a scenario or a date, `compare
//! --team` draws the trend, `history import` rebuilds a lost database from the run
//! directories with the same rows, and a file that is not a socdrill history is refused
//! and left untouched.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};

use common::live::{Client, Server};
use common::scratch;

fn socdrill(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("SOCDRILL_DB")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the socdrill binary runs")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn listed(db: &Path, filters: &[&str]) -> Vec<Value> {
    let mut args = vec!["history", "--json"];
    args.extend_from_slice(filters);
    serde_json::from_str(&ok(socdrill(db, &args))).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_teams_runs_a_live_drill_and_a_batch_are_listed_compared_and_rebuilt() {
    let root = scratch("history");
    let db = root.join("history.sqlite");
    let dir = |name: &str| root.join(name).to_str().unwrap().to_string();
    for (seed, team, name) in [("1", "red", "r1"), ("2", "red", "r2"), ("3", "blue", "b1")] {
        ok(socdrill(
            &db,
            &["run", "--seed", seed, "--team", team, "--out", &dir(name)],
        ));
    }
    // A directory written over holds another exercise: the history follows it.
    ok(socdrill(
        &db,
        &["run", "--seed", "7", "--team", "red", "--out", &dir("r1")],
    ));
    // A batch written over an earlier one's --out replaces its exercises.
    ok(socdrill(
        &db,
        &[
            "batch",
            "--seeds",
            "1..6",
            "--team",
            "blue",
            "--out",
            &dir("batch"),
        ],
    ));
    let out = socdrill(
        &db,
        &[
            "batch",
            "--seeds",
            "1..4",
            "--team",
            "blue",
            "--out",
            &dir("batch"),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    ok(out);
    assert!(
        err.contains("4 exercise(s) recorded in the history"),
        "{err}"
    );

    // A trainee's solo drill, named, recorded when it ends.
    let live = dir("live");
    let server = Server::start(
        Path::new(env!("CARGO_BIN_EXE_socdrill")),
        &[
            "--solo",
            "tier1",
            "--seed",
            "9",
            "--team",
            "blue",
            "--journal",
            &live,
            "--db",
            db.to_str().unwrap(),
        ],
    );
    let mut t = Client::connect(&server, &server.seats[0].1).await;
    t.until("running", |s| s["clock"]["phase"] == "running")
        .await;
    assert_eq!(
        t.request("name", json!({"name": "Ana Souza"})).await["ok"],
        true
    );
    assert_eq!(
        t.request("reveal", json!({"confirm": true})).await["ok"],
        true
    );
    t.until("the debrief", |s| !s["debrief"].is_null()).await;
    drop(t);
    drop(server);

    let all = listed(&db, &[]);
    let sources: Vec<&str> = all.iter().map(|r| r["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources.iter().filter(|s| **s == "run").count(),
        3,
        "{sources:?}"
    );
    assert_eq!(sources.iter().filter(|s| **s == "batch").count(), 4);
    assert_eq!(sources.iter().filter(|s| **s == "serve").count(), 1);
    let red = listed(&db, &["--team", "red"]);
    assert_eq!(red.len(), 2);
    assert!(red.iter().any(|r| r["seed"] == 7), "r1 now holds seed 7");
    assert!(
        !red.iter().any(|r| r["seed"] == 1),
        "seed 1's run was written over"
    );
    assert!(red.iter().all(|r| r["scenario"] == "phish-to-exfil"));
    assert!(
        red[0]["components"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(red[0]["intrusions"][0]["compromised"].is_boolean());
    let drill = listed(&db, &["--source", "serve"]);
    assert_eq!(drill[0]["team"], "blue");
    assert_eq!(drill[0]["participants"][0]["name"], "Ana Souza");
    assert_eq!(
        listed(&db, &["--team", "blue", "--source", "batch"]).len(),
        4
    );
    assert_eq!(listed(&db, &["--since", "2999-01-01"]).len(), 0);
    let bad = socdrill(&db, &["history", "--since", "last week"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD"));
    assert_eq!(listed(&db, &["--trainee", "ana souza"]).len(), 1);
    let table = ok(socdrill(&db, &["history", "--team", "red"]));
    assert!(
        table.contains("2 exercise(s)") && table.contains("red"),
        "{table}"
    );
    let csv = ok(socdrill(&db, &["history", "--csv"]));
    assert_eq!(csv.lines().count(), 1 + 8, "{csv}");

    // The trend of one team over its exercises, from the history.
    let trend = ok(socdrill(
        &db,
        &["compare", "--team", "red", "--scenario", "phish-to-exfil"],
    ));
    assert!(trend.contains("r1") && trend.contains("r2"), "{trend}");
    assert!(!trend.contains("b1"), "{trend}");
    let trainee = ok(socdrill(&db, &["compare", "--trainee", "Ana Souza"]));
    assert!(trainee.contains("live"), "{trainee}");

    // Recorded twice is recorded once; a lost history is rebuilt with the same rows.
    let again = ok(socdrill(&db, &["history", "import", &dir("r1")]));
    assert!(
        again.contains("0 exercise(s) added") && again.contains("1 already there"),
        "{again}"
    );
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    let rebuilt = ok(socdrill(
        &db,
        &[
            "history",
            "import",
            &dir("r1"),
            &dir("r2"),
            &dir("b1"),
            &dir("batch"),
            &live,
        ],
    ));
    assert!(rebuilt.contains("8 exercise(s) added"), "{rebuilt}");
    assert_eq!(
        listed(&db, &[]),
        all,
        "the rebuilt history has the same rows"
    );
}

#[test]
fn a_file_that_is_not_a_socdrill_history_is_refused_and_left_alone() {
    let root = scratch("history-foreign");
    let junk = root.join("notes.sqlite");
    std::fs::write(&junk, "these are my notes, not a database\n").unwrap();
    let out = socdrill(&junk, &["history"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("not an SQLite database") && e.contains("untouched"),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(&junk).unwrap(),
        "these are my notes, not a database\n"
    );
    // Another program's SQLite database.
    let other = root.join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
        .unwrap();
    drop(conn);
    let out = socdrill(&other, &["history"]);
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("something other than socdrill"), "{e}");
    // Recording into it fails with a warning; the run itself is kept.
    let run = root.join("run");
    let out = socdrill(&other, &["run", "--out", run.to_str().unwrap()]);
    assert!(out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("not recorded in the history") && e.contains("history import"),
        "{e}"
    );
    let conn = rusqlite::Connection::open(&other).unwrap();
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        tables, 1,
        "nothing was added to the other program's database"
    );
}

#[test]
fn two_batches_write_one_history_at_once() {
    let root = scratch("history-concurrent");
    let db = root.join("h.sqlite");
    let spawn = |seeds: &str| {
        Command::new(env!("CARGO_BIN_EXE_socdrill"))
            .args(["batch", "--seeds", seeds, "--jobs", "1", "--db"])
            .arg(&db)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("1..300"), spawn("301..600"));
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{e}");
        assert!(e.contains("300 exercise(s) recorded"), "{e}");
    }
    assert_eq!(listed(&db, &["--source", "batch"]).len(), 600);
}
