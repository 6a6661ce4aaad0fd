//! `socdrill serve` from the outside: a real server process and WebSocket clients.
//! Role enforcement, visibility, bad messages, join codes, reconnecting, and a
//! kill-and-resume of the journal.

mod common;

use std::path::{Path, PathBuf};

use common::live::{Client, Server};
use common::scratch;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_socdrill"))
}

/// Every object key anywhere in a JSON value.
fn keys(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                keys(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, out)),
        _ => {}
    }
}

/// What only the facilitator may see before the reveal: the attacker's stages,
/// footholds, and which alerts are malicious.
const GROUND_TRUTH_KEYS: [&str; 5] = ["truth", "footholds", "intrusions", "stage", "alerts"];

fn assert_no_ground_truth(who: &str, c: &Client) {
    for text in &c.received {
        let v: Value = serde_json::from_str(text).unwrap();
        if !v["debrief"].is_null() {
            continue; // after the reveal everyone sees everything
        }
        let mut ks = Vec::new();
        keys(&v, &mut ks);
        for k in GROUND_TRUTH_KEYS {
            assert!(
                !ks.iter().any(|x| x == k),
                "{who} received ground truth ({k:?}) before the reveal: {text}"
            );
        }
    }
}

/// Replays a finished live exercise's directory (which must succeed) and returns its
/// results document.
fn replayed_results(dir: &Path) -> Value {
    let out = common::socdrill(&["replay", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap()
}

/// The seats a results file lists, by name.
fn seat_names(results: &Value) -> Vec<&str> {
    results["seats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["seat"].as_str().unwrap())
        .collect()
}

/// The entry of a JSON list whose `field` is `value`.
fn listed<'a>(list: &'a Value, field: &str, value: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|x| x[field] == value)
}

fn queue_ids(state: &Value) -> Vec<u64> {
    state["view"]["queue"]
        .as_array()
        .map(|q| q.iter().map(|a| a["id"].as_u64().unwrap()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seats_act_only_in_their_role_and_see_only_their_view() {
    let dir = scratch("serve-roles");
    let server = Server::start(
        bin(),
        &["--journal", dir.to_str().unwrap(), "--speed", "300"],
    );
    let mut t1 = Client::connect(&server, &server.seat("tier1-1")).await;
    let mut t2 = Client::connect(&server, &server.seat("tier2-1")).await;
    let mut fac = Client::connect(&server, server.facilitator.as_ref().unwrap()).await;
    let mut board = Client::connect(&server, server.board.as_ref().unwrap()).await;
    assert_eq!(t1.hello["seat"]["role"], "Tier1");
    assert_eq!(t1.hello["scenario"]["techniques"], json!([]));
    assert_eq!(fac.hello["mode"], "facilitator");

    // Before the start nothing can be done.
    let r = t1.act(json!({"TakeAlert": 0})).await;
    assert_eq!(r["ok"], false);
    assert!(r["error"].as_str().unwrap().contains("not started"), "{r}");
    // Only the facilitator paces the exercise.
    let r = t1.request("start", json!({})).await;
    assert_eq!(r["ok"], false, "{r}");
    let r = fac.request("start", json!({})).await;
    assert_eq!(r["ok"], true, "{r}");

    let s = t1
        .until("an alert in the queue", |s| !queue_ids(s).is_empty())
        .await;
    let alert = queue_ids(&s)[0];

    // Role enforcement: Tier 1 cannot isolate a host; Tier 2 cannot take an alert.
    let r = t1.act(json!({"Isolate": 0})).await;
    assert_eq!(r["ok"], false, "{r}");
    assert!(r["error"].as_str().unwrap().contains("may not"), "{r}");
    let r = t2.act(json!({"TakeAlert": alert})).await;
    assert_eq!(r["ok"], false, "{r}");
    assert!(r["error"].as_str().unwrap().contains("may not"), "{r}");
    // Visibility: Tier 2 cannot investigate a host it was never handed.
    let r = t2
        .act(json!({"Investigate": {"case": null, "subject": {"Host": 0}, "lookback": 3600}}))
        .await;
    assert_eq!(r["ok"], false, "{r}");
    // A bot's seat is not anyone's to drive, and an unknown alert is refused.
    let r = t1.act(json!({"TakeAlert": 999_999})).await;
    assert_eq!(r["ok"], false, "{r}");

    let r = t1.act(json!({"TakeAlert": alert})).await;
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["until"].as_u64().is_some(), "{r}");
    let r = t1.act(json!({"Close": alert})).await;
    assert_eq!(r["ok"], false, "a busy seat refuses: {r}");
    assert!(
        r["error"].as_str().unwrap().contains("busy until T+"),
        "{r}"
    );

    let s = t1
        .until("the alert taken", |s| {
            s["view"]["working_on"].is_null()
                && s["view"]["held"]
                    .as_array()
                    .is_some_and(|h| h.iter().any(|a| a["id"] == json!(alert)))
        })
        .await;
    assert!(
        s["view"]["known"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["item"] == json!({"Alert": alert})),
        "{s}"
    );
    // Tier 2 has seen nothing of it.
    assert_eq!(t2.state["view"]["known"], json!([]), "{}", t2.state);

    let f = fac
        .until("ground truth", |s| !s["view"]["truth"].is_null())
        .await;
    assert!(f["view"]["truth"]["intrusions"].is_array());
    let b = board
        .until("the workload", |s| !s["view"]["workload"].is_null())
        .await;
    assert_eq!(b["view"]["revealed"], false);

    assert_no_ground_truth("tier1-1", &t1);
    assert_no_ground_truth("tier2-1", &t2);
    assert_no_ground_truth("the board", &board);

    // The board is read-only; the reveal is the facilitator's, and reaches everyone.
    let r = board.request("pause", json!({})).await;
    assert_eq!(r["ok"], false, "{r}");
    let r = fac.request("reveal", json!({"confirm": true})).await;
    assert_eq!(r["ok"], true, "{r}");
    for c in [&mut t1, &mut t2, &mut board] {
        let s = c.until("the debrief", |s| !s["debrief"].is_null()).await;
        assert!(s["debrief"]["results"]["team_score"].is_number());
        assert!(
            s["debrief"]["timeline"]
                .as_str()
                .unwrap()
                .starts_with("<svg")
        );
        assert_eq!(s["clock"]["phase"], "ended");
    }
    assert!(dir.join("results.json").exists());
    assert!(dir.join("report.html").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_messages_are_refused_to_their_sender_and_the_exercise_goes_on() {
    let dir = scratch("serve-bad");
    let server = Server::start(bin(), &["--journal", dir.to_str().unwrap()]);
    let mut t1 = Client::connect(&server, &server.seat("tier1-1")).await;
    let mut other = Client::connect(&server, &server.seat("tier1-2")).await;

    let expect_error = |v: Value, needle: &str| {
        assert_eq!(v["type"], "error", "{v}");
        assert!(v["error"].as_str().unwrap().contains(needle), "{v}");
    };
    t1.send_text("not json".into()).await;
    expect_error(t1.next_event().await.unwrap(), "not JSON");
    t1.send_text("[1,2]".into()).await;
    expect_error(t1.next_event().await.unwrap(), "JSON object");
    t1.send_text(r#"{"id": 1}"#.into()).await;
    expect_error(t1.next_event().await.unwrap(), "\"op\"");
    t1.send_text(r#"{"id": -4, "op": "ping"}"#.into()).await;
    expect_error(t1.next_event().await.unwrap(), "whole number");
    t1.send_text(format!(r#"{{"op":"ping","pad":"{}"}}"#, "x".repeat(9000)))
        .await;
    expect_error(t1.next_event().await.unwrap(), "too large");
    t1.ws
        .send(tokio_tungstenite::tungstenite::Message::Binary(
            vec![1, 2, 3].into(),
        ))
        .await
        .unwrap();
    expect_error(t1.next_event().await.unwrap(), "binary");

    let r = t1.request("act", json!({"action": {"Nope": 1}})).await;
    assert_eq!(r["ok"], false);
    assert!(
        r["error"].as_str().unwrap().contains("malformed action"),
        "{r}"
    );
    let r = t1.request("act", json!({})).await;
    assert!(r["error"].as_str().unwrap().contains("\"action\""), "{r}");
    let r = t1.request("teleport", json!({})).await;
    assert!(r["error"].as_str().unwrap().contains("unknown op"), "{r}");

    // A flood is cut down to the rate bound, and the connection stays usable.
    for i in 0..120 {
        t1.send_text(format!(r#"{{"id": {}, "op": "ping"}}"#, 1000 + i))
            .await;
    }
    let (mut replies, mut limited) = (0, 0);
    while replies + limited < 120 {
        let v = t1.next().await.unwrap();
        match v["type"].as_str() {
            Some("reply") => replies += 1,
            Some("error") => {
                assert!(v["error"].as_str().unwrap().contains("too many"), "{v}");
                limited += 1;
            }
            _ => {}
        }
    }
    assert!(
        limited > 0 && replies >= 20,
        "{replies} replies, {limited} limited"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let r = t1.request("ping", json!({})).await;
    assert_eq!(r["ok"], true, "{r}");

    // Past the hard frame limit the connection closes; the server carries on.
    t1.send_text("x".repeat(100_000)).await;
    let closed = loop {
        match t1.next().await {
            None => break true,
            Some(v) if v["type"] == "state" => continue,
            Some(_) => break false,
        }
    };
    assert!(closed, "a 100 kB frame closes the connection");
    let r = other.request("ping", json!({})).await;
    assert_eq!(r["ok"], true, "the other seat is unaffected: {r}");
    // Nothing from the bad messages reached the other seat.
    assert!(
        other.received.iter().all(|m| !m.contains("\"error\"")),
        "{:?}",
        other.received
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_codes_are_checked_and_a_seat_reconnects_to_its_full_view() {
    let dir = scratch("serve-codes");
    let server = Server::start(
        bin(),
        &["--journal", dir.to_str().unwrap(), "--speed", "300"],
    );
    // Keys are 22 characters of URL-safe base64, all different.
    let mut all: Vec<&String> = server.seats.iter().map(|(_, k)| k).collect();
    all.push(server.facilitator.as_ref().unwrap());
    all.push(server.board.as_ref().unwrap());
    assert!(all.iter().all(|k| k.len() == 22));
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "keys are distinct");

    // A wrong code: the page and the socket are both refused.
    assert!(
        tokio_tungstenite::connect_async(server.ws_url("not-a-real-key-at-all1"))
            .await
            .is_err()
    );
    let page = std::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
        .arg(format!("{}/s/not-a-real-key", server.base))
        .output();
    if let Ok(out) = page {
        assert_eq!(String::from_utf8_lossy(&out.stdout), "403");
    }

    let key = server.seat("tier1-1");
    let mut t1 = Client::connect(&server, &key).await;
    // The same code while the seat is open elsewhere: refused, and closed.
    let (mut dup, _) = tokio_tungstenite::connect_async(server.ws_url(&key))
        .await
        .unwrap();
    let msg = dup.next().await.unwrap().unwrap();
    let v: Value = serde_json::from_str(msg.to_text().unwrap()).unwrap();
    assert_eq!(v["type"], "refused", "{v}");
    assert!(v["error"].as_str().unwrap().contains("already open"), "{v}");

    let mut fac = Client::connect(&server, server.facilitator.as_ref().unwrap()).await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);
    let s = t1.until("an alert", |s| !queue_ids(s).is_empty()).await;
    let alert = queue_ids(&s)[0];
    assert_eq!(t1.act(json!({"TakeAlert": alert})).await["ok"], true);
    let held = t1
        .until("the alert held", |s| {
            s["view"]["held"].as_array().is_some_and(|h| !h.is_empty())
        })
        .await;
    assert_eq!(fac.request("pause", json!({})).await["ok"], true);
    let before = t1
        .until("paused", |s| s["clock"]["phase"] == "paused")
        .await;
    drop(t1);
    // The facilitator sees the seat go offline.
    fac.until("tier1-1 offline", |s| {
        s["view"]["seats"][0]["connected"] == false
    })
    .await;

    // Reconnecting with the same code gives the seat back with everything it had.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut again = Client::connect(&server, &key).await;
    assert_eq!(again.hello["seat"]["name"], "tier1-1");
    let s = again.until("a state", |s| s["type"] == "state").await;
    assert_eq!(
        s["view"], before["view"],
        "the same view after reconnecting"
    );
    assert_eq!(s["view"]["held"], held["view"]["held"]);
}

/// Moves in a live exercise's moves file.
fn moves(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("moves.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_resumes_the_same_exercise_without_losing_an_action() {
    let dir = scratch("serve-resume");
    let d = dir.to_str().unwrap();
    let mut server = Server::start(bin(), &["--journal", d, "--speed", "300", "--seed", "4"]);
    let key = server.seat("tier1-1");
    let fac_key = server.facilitator.clone().unwrap();
    let mut t1 = Client::connect(&server, &key).await;
    let mut fac = Client::connect(&server, &fac_key).await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);

    // Take, classify and close alerts until three actions were accepted.
    let mut accepted = Vec::new();
    while accepted.len() < 3 {
        let s = t1
            .until("the seat idle with work", |s| {
                s["view"]["working_on"].is_null()
                    && (!queue_ids(s).is_empty()
                        || s["view"]["held"].as_array().is_some_and(|h| !h.is_empty()))
            })
            .await;
        let action = match s["view"]["held"].as_array().and_then(|h| h.first()) {
            Some(a) => json!({"Classify": [a["id"], "Benign"]}),
            None => json!({"TakeAlert": queue_ids(&s)[0]}),
        };
        let r = t1.act(action.clone()).await;
        if r["ok"] == true {
            accepted.push(action);
        }
    }
    // Let the facilitator fire an inject too, then kill the server mid-exercise.
    let injects = fac
        .until("injects", |s| s["view"]["injects"].is_array())
        .await;
    let mut fired = false;
    for i in injects["view"]["injects"].as_array().unwrap() {
        let r = fac.request("fire", json!({"inject": i["index"]})).await;
        if r["ok"] == true {
            fired = true;
            break;
        }
        assert!(
            r["error"].as_str().unwrap().contains("already fired"),
            "{r}"
        );
    }
    server.kill();
    assert!(!dir.join("results.json").exists(), "killed before the end");

    // Every accepted move was on disk before it took effect.
    let recorded = moves(&dir);
    let acts: Vec<&Value> = recorded
        .iter()
        .filter(|m| m["move"]["do"] == "Act")
        .map(|m| &m["move"]["action"])
        .collect();
    assert_eq!(acts, accepted.iter().collect::<Vec<_>>());
    assert_eq!(
        fired,
        recorded.iter().any(|m| m["move"]["do"] == "FireInject")
    );

    // The journal of the killed run replays as far as it got.
    let out = common::socdrill(&["replay", d]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("replay ok so far"));

    // Resume with the same links, then run to the end.
    let server = Server::start(bin(), &["--resume", d]);
    assert_eq!(server.seat("tier1-1"), key, "the same links after a resume");
    let mut fac = Client::connect(&server, &fac_key).await;
    let s = fac.until("a state", |s| s["type"] == "state").await;
    assert_eq!(s["clock"]["phase"], "paused", "a resumed exercise waits");
    let mut t1 = Client::connect(&server, &key).await;
    let s = t1.until("a state", |s| s["type"] == "state").await;
    assert!(s["view"]["known"].as_array().is_some_and(|k| !k.is_empty()));
    assert_eq!(fac.request("speed", json!({"x": 3600})).await["ok"], true);
    assert_eq!(fac.request("resume", json!({})).await["ok"], true);
    let r = t1.act(json!({"TakeAlert": 999_999})).await;
    assert_eq!(r["ok"], false);
    fac.until("the end", |s| s["clock"]["phase"] == "ended")
        .await;
    drop(server);

    // The end: the same digest as the moves replayed headless in one go, and every
    // accepted action in the journal.
    let out = common::socdrill(&["replay", d]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("replay ok (live exercise"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    let started: Vec<Value> = journal
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| l["ev"] == "ActionStarted" && l["seat"] == 0)
        .map(|l| l["action"].clone())
        .collect();
    for a in &accepted {
        assert!(started.contains(a), "{a} is in the journal");
    }
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["seats"][0]["controller"], "person");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn solo_mode_prints_one_link_and_starts_when_the_trainee_arrives() {
    let solo = |name: &str| {
        let dir = scratch(name);
        Server::start(
            bin(),
            &[
                "--solo",
                "tier1",
                "--seed",
                "9",
                "--journal",
                dir.to_str().unwrap(),
            ],
        )
    };
    let (one, two) = (solo("serve-solo-a"), solo("serve-solo-b"));
    assert_eq!(one.seats.len(), 1, "{}", one.banner);
    assert!(one.facilitator.is_none());
    assert_ne!(
        one.seats[0].1, two.seats[0].1,
        "codes do not come from the seed"
    );
    let mut t = Client::connect(&one, &one.seats[0].1).await;
    assert_eq!(t.hello["seat"]["solo"], true);
    t.until("running", |s| s["clock"]["phase"] == "running")
        .await;
    // The trainee paces their own drill, cannot fire injects, and sees no ground
    // truth until their debrief.
    assert_eq!(t.request("pause", json!({})).await["ok"], true);
    assert_eq!(t.request("fire", json!({"inject": 0})).await["ok"], false);
    assert_no_ground_truth("the trainee", &t);
    // Ending, revealing and jumping cannot be undone: without a confirmation the
    // server says what they would do and does nothing.
    for op in ["end", "reveal", "jump"] {
        let r = t.request(op, json!({})).await;
        assert_eq!(r["ok"], false, "{op}: {r}");
        assert!(r["error"].as_str().unwrap().starts_with("confirm: "), "{r}");
    }
    let r = t.request("end", json!({})).await;
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("runs on without defenders"),
        "{r}"
    );
    let s = t
        .until("still paused", |s| s["clock"]["phase"] == "paused")
        .await;
    assert!(s["debrief"].is_null());
    assert_eq!(
        t.request("reveal", json!({"confirm": true})).await["ok"],
        true
    );
    let s = t.until("the debrief", |s| !s["debrief"].is_null()).await;
    assert!(s["debrief"]["results"]["team_score"].is_number());

    let bad = common::socdrill(&["serve", "--solo", "ciso", "--bind", "127.0.0.1:0"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("is not a role"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_saves_the_exercise_and_it_resumes() {
    let dir = scratch("serve-ctrl-c");
    let d = dir.to_str().unwrap();
    let mut server = Server::start(bin(), &["--journal", d, "--speed", "300"]);
    let mut fac = Client::connect(&server, server.facilitator.as_ref().unwrap()).await;
    let mut t1 = Client::connect(&server, &server.seat("tier1-1")).await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);
    t1.until("running", |s| s["clock"]["phase"] == "running")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    // Interrupt it with the connections still open.
    let pid = server.child.id().to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let code = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not stop within 20 s of Ctrl-C"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(code.success(), "{code:?}");
    // The consoles get what was pending, then the connection closes.
    while t1.next().await.is_some() {}
    let last = moves(&dir).pop().expect("the clock was recorded");
    assert_eq!(last["move"]["do"], "Clock");
    assert!(last["t"].as_u64().unwrap() > 0);
    let out = common::socdrill(&["replay", d]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = Server::start(bin(), &["--resume", d]);
    let mut fac = Client::connect(&again, again.facilitator.as_ref().unwrap()).await;
    let s = fac.until("a state", |s| s["type"] == "state").await;
    assert_eq!(s["clock"]["phase"], "paused");
    assert_eq!(
        s["clock"]["now"], last["t"],
        "it picks up where the clock stopped"
    );
}

#[test]
fn bad_arguments_and_damaged_journals_are_named() {
    let check = |args: &[&str], needle: &str| {
        let out = common::socdrill(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    };
    check(&["serve", "--bind", "localhost"], "is not an address");
    check(
        &["serve", "--speed", "0", "--bind", "127.0.0.1:0"],
        "out of range",
    );
    check(
        &["serve", "--bots", "wizard"],
        "invalid value 'wizard' for '--bots <BOTS>'",
    );
    let missing = scratch("serve-missing");
    check(
        &["serve", "--resume", missing.to_str().unwrap()],
        "holds no live exercise",
    );

    // A journal directory whose moves file was damaged in the middle.
    let dir = scratch("serve-damaged");
    let d = dir.to_str().unwrap();
    let mut server = Server::start(bin(), &["--journal", d]);
    server.kill();
    // Nothing started: resuming a lobby is fine, and a second server refuses the directory.
    check(
        &["serve", "--journal", d, "--bind", "127.0.0.1:0"],
        "already holds",
    );
    std::fs::write(
        dir.join("setup.json"),
        r#"{"schema":"socdrill.live/1","scenario":"phish-to-exfil","seed":1,"bots":"competent","people":["tier1-1"]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("moves.jsonl"),
        "{\"t\":10,\"move\":{\"do\":\"Clock\"}}\nnot a move\n{\"t\":20,\"move\":{\"do\":\"Clock\"}}\n",
    )
    .unwrap();
    check(&["serve", "--resume", d], "moves.jsonl:2:1");
    std::fs::write(
        dir.join("moves.jsonl"),
        "{\"t\":10,\"move\":{\"do\":\"Act\",\"seat\":0,\"action\":{\"Isolate\":0}}}\n",
    )
    .unwrap();
    check(&["serve", "--resume", d], "refused on replay");
    check(&["replay", d], "refused on replay");
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_is_the_facilitators_until_the_reveal_and_never_a_stale_one() {
    let dir = scratch("serve-report-gate");
    std::fs::create_dir_all(&dir).unwrap();
    // A report left behind by an earlier exercise in a reused directory.
    std::fs::write(dir.join("report.html"), "STALE REPORT of another exercise").unwrap();
    let server = Server::start(
        bin(),
        &["--journal", dir.to_str().unwrap(), "--speed", "300"],
    );
    let seat = server.seat("tier1-1");
    let fac_key = server.facilitator.clone().unwrap();
    let board_key = server.board.clone().unwrap();

    // In the lobby there is no report for anyone, and the stale one is never served.
    for key in [&seat, &fac_key, &board_key] {
        let (status, headers, body) = server.get(&format!("/r/{key}")).await;
        assert_eq!(status, 404, "{body}");
        assert!(!body.contains("STALE"), "{body}");
        assert_eq!(header(&headers, "cache-control"), "no-store");
    }
    let (status, _, _) = server.get("/r/not-a-key").await;
    assert_eq!(status, 403);

    // Every keyed page is kept out of caches, frames and referrers.
    let (status, headers, body) = server.get(&format!("/s/{seat}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&headers, "cache-control"), "no-store");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(&headers, "referrer-policy"), "no-referrer");
    let csp = header(&headers, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );

    let mut fac = Client::connect(&server, &fac_key).await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);
    let r = fac.request("end", json!({"confirm": true})).await;
    assert_eq!(r["ok"], true, "{r}");

    // Ended, not revealed: the facilitator reads it, seats and the board do not.
    let (status, headers, body) = server.get(&format!("/r/{fac_key}")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<html") && !body.contains("STALE"), "{body}");
    assert_eq!(header(&headers, "cache-control"), "no-store");
    assert!(header(&headers, "content-security-policy").contains("frame-ancestors 'none'"));
    for key in [&seat, &board_key] {
        let (status, headers, body) = server.get(&format!("/r/{key}")).await;
        assert_eq!(status, 403, "{body}");
        assert!(!body.contains("<html"), "{body}");
        assert_eq!(header(&headers, "cache-control"), "no-store");
    }
    // The file written at the end is this exercise's.
    let written = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(!written.contains("STALE"));

    let r = fac.request("reveal", json!({"confirm": true})).await;
    assert_eq!(r["ok"], true, "{r}");
    for key in [&seat, &board_key] {
        let (status, _, body) = server.get(&format!("/r/{key}")).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("<html"), "{body}");
    }
}

/// A tmpfs mounted over a directory for one test, unmounted when dropped.
struct TinyDisk(PathBuf);

impl TinyDisk {
    /// Mounts `size` of tmpfs at `dir`, or says why it cannot.
    fn mount(dir: &Path, size: &str) -> Result<TinyDisk, String> {
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(TinyDisk(dir.to_path_buf()))
    }

    /// Writes a file until the disk is full.
    fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.0.join("filler")).unwrap();
        let block = [0u8; 4096];
        while f.write_all(&block).is_ok() {}
        // Whatever page is left in part goes too.
        while f.write_all(&[0u8]).is_ok() {}
    }

    fn free(&self) {
        std::fs::remove_file(self.0.join("filler")).unwrap();
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Every line of a moves file is whole and reads as a move.
fn assert_whole_lines(dir: &Path) {
    let text = std::fs::read_to_string(dir.join("moves.jsonl")).unwrap();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "a torn last line: {text:?}"
    );
    for (i, line) in text.lines().enumerate() {
        let v: Result<Value, _> = serde_json::from_str(line);
        assert!(v.is_ok(), "moves.jsonl:{}: {line:?}", i + 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_pauses_the_exercise_loses_no_move_and_it_goes_on_when_space_returns() {
    let dir = scratch("serve-disk-full");
    std::fs::create_dir_all(&dir).unwrap();
    let disk = match TinyDisk::mount(&dir, "512k") {
        Ok(d) => d,
        Err(why) => {
            eprintln!("skipped: a disk-full test needs a tmpfs mount ({why})");
            return;
        }
    };
    let d = dir.to_str().unwrap();
    let mut server = Server::start(bin(), &["--journal", d, "--speed", "300", "--seed", "4"]);
    let key = server.seat("tier1-1");
    let fac_key = server.facilitator.clone().unwrap();
    let mut t1 = Client::connect(&server, &key).await;
    let mut fac = Client::connect(&server, &fac_key).await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);

    // A move acknowledged before the disk fills.
    let s = t1
        .until("an alert in the queue", |s| !queue_ids(s).is_empty())
        .await;
    let first = json!({"TakeAlert": queue_ids(&s)[0]});
    assert_eq!(t1.act(first.clone()).await["ok"], true);

    // Fill the disk, then pause and resume until a clock mark no longer fits: each
    // pause records where the clock is (a page of them at most; paced under the
    // server's message rate).
    disk.fill();
    let mut stalled = None;
    for _ in 0..400 {
        tokio::time::sleep(std::time::Duration::from_millis(120)).await;
        let r = fac.request("pause", json!({})).await;
        assert_eq!(r["ok"], true, "{r}");
        let r = fac.request("resume", json!({})).await;
        if r["ok"] == false {
            stalled = Some(r["error"].as_str().unwrap().to_string());
            break;
        }
    }
    let stalled = stalled.expect("the full disk stalls the exercise");
    assert!(
        stalled.contains("cannot be recorded: disk full"),
        "{stalled}"
    );
    // The half-written line was cut back: the file reads whole.
    assert_whole_lines(&dir);
    // Everyone sees why, the clock stands, and no move is made.
    for c in [&mut t1, &mut fac] {
        let s = c
            .until("the stall", |s| s["clock"]["stalled"].is_string())
            .await;
        assert_eq!(s["clock"]["phase"], "paused", "{s}");
    }
    let r = t1.act(json!({"TakeAlert": 0})).await;
    assert_eq!(r["ok"], false, "{r}");
    assert!(r["error"].as_str().unwrap().contains("disk full"), "{r}");

    // Space returns: the server notices by itself and the exercise goes on.
    disk.free();
    for c in [&mut t1, &mut fac] {
        c.until("the stall over", |s| s["clock"]["stalled"].is_null())
            .await;
    }
    let r = fac.request("resume", json!({})).await;
    assert_eq!(r["ok"], true, "{r}");
    let s = t1
        .until("the seat idle with an alert held", |s| {
            s["view"]["working_on"].is_null()
                && s["view"]["held"].as_array().is_some_and(|h| !h.is_empty())
        })
        .await;
    let held = s["view"]["held"][0]["id"].clone();
    let second = json!({"Classify": [held, "Benign"]});
    let r = t1.act(second.clone()).await;
    assert_eq!(r["ok"], true, "{r}");
    server.kill();

    // Both acknowledged moves are on disk, in whole lines, and the exercise resumes.
    assert_whole_lines(&dir);
    let acts: Vec<Value> = moves(&dir)
        .into_iter()
        .filter(|m| m["move"]["do"] == "Act")
        .map(|m| m["move"]["action"].clone())
        .collect();
    assert_eq!(acts, vec![first, second]);
    let server = Server::start(bin(), &["--resume", d]);
    let mut fac = Client::connect(&server, &fac_key).await;
    let s = fac.until("a state", |s| s["type"] == "state").await;
    assert_eq!(s["clock"]["phase"], "paused", "{s}");
    drop(server);
    drop(disk);
}

/// Opens a seat's socket as a page of `origin` would; the HTTP status of the answer.
async fn upgrade_from(server: &Server, key: &str, origin: &str) -> u16 {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = server.ws_url(key).into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("the upgrade neither succeeded nor was refused: {e}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_socket_opens_only_from_the_servers_own_pages_and_links_stay_private() {
    let dir = scratch("serve-origin");
    let d = dir.to_str().unwrap();
    let server = Server::start(
        bin(),
        &["--journal", d, "--allow-origin", "https://soc.example.org/"],
    );
    let own = server.base.clone();
    // Another site's page holding a leaked link is refused.
    assert_eq!(
        upgrade_from(&server, &server.seat("tier1-1"), "https://evil.example").await,
        403
    );
    assert_eq!(
        upgrade_from(&server, &server.seat("tier1-1"), "null").await,
        403
    );
    let other_port = own.replace(&own[own.rfind(':').unwrap()..], ":1");
    assert_eq!(
        upgrade_from(&server, &server.seat("tier1-1"), &other_port).await,
        403
    );
    // The server's own pages, and the reverse proxy the facilitator named, are not.
    assert_eq!(
        upgrade_from(&server, &server.seat("tier1-1"), &own).await,
        101
    );
    assert_eq!(
        upgrade_from(&server, &server.seat("tier1-2"), "https://SOC.example.org").await,
        101
    );

    // The file that holds every key is its owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("live.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "live.json mode {mode:o}");
    }
}

/// The first message a socket opened with `key` receives (a hello, or a refusal).
async fn first_message(server: &Server, key: &str) -> Value {
    use futures_util::StreamExt as _;
    let (mut ws, _) = tokio_tungstenite::connect_async(server.ws_url(key))
        .await
        .expect("the WebSocket opens");
    let msg = tokio::time::timeout(common::live::PATIENCE, ws.next())
        .await
        .expect("a first message in time")
        .expect("a first message")
        .expect("a readable message");
    serde_json::from_str(msg.to_text().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_half_sent_requests_are_closed_and_a_seat_still_joins() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let dir = scratch("serve-slow");
    let server = Server::start(
        bin(),
        &[
            "--journal",
            dir.to_str().unwrap(),
            "--header-timeout",
            "2",
            "--max-per-address",
            "40",
        ],
    );
    let authority = server.base.trim_start_matches("http://").to_string();
    // 500 connections that start a request and never finish it.
    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut s = tokio::net::TcpStream::connect(&authority).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    // Every one is closed by the server: those over the cap at once, the rest when the
    // header timeout runs out.
    let start = std::time::Instant::now();
    for s in &mut slow {
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(std::time::Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("the server closes a slow connection within the timeout");
        // A close (0 bytes or a reset), or a 408 before it.
        if let Ok(n) = n
            && n > 0
        {
            assert!(
                String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 408"),
                "{}",
                String::from_utf8_lossy(&buf[..n])
            );
        }
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(8));
    // The slow ones hold nothing: a seat joins.
    let hello = first_message(&server, &server.seat("tier1-1")).await;
    assert_eq!(hello["type"], "hello", "{hello}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_client_loses_its_seat_within_the_heartbeat_window_and_boards_are_capped() {
    let dir = scratch("serve-frozen");
    let server = Server::start(
        bin(),
        &[
            "--journal",
            dir.to_str().unwrap(),
            "--heartbeat",
            "1",
            "--max-boards",
            "2",
        ],
    );
    let key = server.seat("tier1-1");
    // A client that opens the seat and then never reads again (a frozen tab).
    let frozen = Client::connect(&server, &key).await;
    let refused = first_message(&server, &key).await;
    assert_eq!(refused["type"], "refused", "{refused}");
    // Two missed pings later the seat is free for its holder.
    let start = std::time::Instant::now();
    let hello = loop {
        let m = first_message(&server, &key).await;
        if m["type"] == "hello" {
            break m;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(8),
            "still refused: {m}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    assert_eq!(hello["seat"]["name"], "tier1-1", "{hello}");
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    drop(frozen);

    // Board windows are capped.
    let board = server.board.clone().unwrap();
    let _b1 = Client::connect(&server, &board).await;
    let _b2 = Client::connect(&server, &board).await;
    let third = first_message(&server, &board).await;
    assert_eq!(third["type"], "refused", "{third}");
    assert!(
        third["error"].as_str().unwrap().contains("--max-boards"),
        "{third}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_names_its_key_in_its_first_message_not_its_url() {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::Message;
    let dir = scratch("serve-join");
    let server = Server::start(bin(), &["--journal", dir.to_str().unwrap()]);
    let url = format!("{}/ws", server.base.replacen("http", "ws", 1));
    // The harness's clients join this way; what a wrong first message gets:
    for (first, says) in [
        (
            json!({"op": "join", "key": "not-a-key"}).to_string(),
            "unknown key",
        ),
        (
            json!({"op": "act", "action": {"TakeAlert": 0}}).to_string(),
            "first message must be",
        ),
        ("not json".to_string(), "first message must be"),
    ] {
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap();
        ws.send(Message::Text(first.clone().into())).await.unwrap();
        let m = ws.next().await.unwrap().unwrap();
        let v: Value = serde_json::from_str(m.to_text().unwrap()).unwrap();
        assert_eq!(v["type"], "refused", "{first}: {v}");
        assert!(v["error"].as_str().unwrap().contains(says), "{first}: {v}");
    }
    // A good one gets the hello, and the page no longer puts the key in the URL.
    let c = Client::connect(&server, &server.seat("tier1-1")).await;
    assert_eq!(c.hello["seat"]["name"], "tier1-1");
    let (_, _, js) = server.get("/assets/app.js").await;
    assert!(
        !js.contains("ws?key="),
        "the page still sends the key in the URL"
    );
    assert!(js.contains("op: 'join'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_at_end_keeps_the_debrief_and_end_saves_it_once_space_returns() {
    let dir = scratch("serve-end-full");
    std::fs::create_dir_all(&dir).unwrap();
    let disk = match TinyDisk::mount(&dir, "512k") {
        Ok(d) => d,
        Err(why) => {
            eprintln!("skipped: a disk-full test needs a tmpfs mount ({why})");
            return;
        }
    };
    let server = Server::start(
        bin(),
        &["--journal", dir.to_str().unwrap(), "--speed", "300"],
    );
    let fac_key = server.facilitator.clone().unwrap();
    let mut fac = Client::connect(&server, &fac_key).await;
    let mut t1 = Client::connect(&server, &server.seat("tier1-1")).await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);
    t1.until("an alert in the queue", |s| !queue_ids(s).is_empty())
        .await;

    // A pause records the clock, so the moves file has a page with room for the End
    // move; the results then fit nowhere.
    assert_eq!(fac.request("pause", json!({})).await["ok"], true);
    disk.fill();
    let r = fac.request("end", json!({"confirm": true})).await;
    assert_eq!(r["ok"], false, "{r}");
    let error = r["error"].as_str().unwrap();
    assert!(error.contains("press End again"), "{error}");
    let s = fac
        .until("the end", |s| s["clock"]["phase"] == "ended")
        .await;
    assert_eq!(s["clock"]["phase"], "ended");
    // Nothing is lost: the report is there for the facilitator, from memory.
    let (status, _, body) = server.get(&format!("/r/{fac_key}")).await;
    assert_eq!(status, 200, "{body}");
    // Reveal waits for the results to be saved rather than showing an empty debrief.
    let r = fac.request("reveal", json!({"confirm": true})).await;
    assert_eq!(r["ok"], false, "{r}");

    // Space returns; End again saves everything, and the reveal goes out.
    disk.free();
    let r = fac.request("end", json!({"confirm": true})).await;
    assert_eq!(r["ok"], true, "{r}");
    let results = std::fs::read_to_string(dir.join("results.json")).unwrap();
    let parsed = socdrill_core::report::compare::parse_results(&results).expect("whole results");
    assert!(
        std::fs::read_to_string(dir.join("report.html"))
            .unwrap()
            .contains("<html")
    );
    let r = fac.request("reveal", json!({"confirm": true})).await;
    assert_eq!(r["ok"], true, "{r}");
    let s = t1.until("the debrief", |s| !s["debrief"].is_null()).await;
    assert_eq!(
        s["debrief"]["results"]["digest"].as_str(),
        Some(parsed.digest.as_str())
    );
    drop(server);
    drop(disk);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_serves_the_pages_over_https_with_the_given_certificate() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    use tokio_rustls::rustls;
    let dir = scratch("serve-tls");
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    match made {
        Ok(o) if o.status.success() => {}
        other => {
            eprintln!(
                "skipped: a TLS test needs the openssl command to make a certificate ({other:?})"
            );
            return;
        }
    }
    // A key that is not a key is named.
    let out = common::socdrill(&[
        "serve",
        "--journal",
        dir.join("bad").to_str().unwrap(),
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        cert.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cert.pem: not a PEM private key"), "{err}");

    let server = Server::start(
        bin(),
        &[
            "--journal",
            dir.join("run").to_str().unwrap(),
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        server.base.starts_with("https://127.0.0.1:"),
        "{}",
        server.banner
    );
    let authority = server.base.trim_start_matches("https://").to_string();

    let mut roots = rustls::RootCertStore::empty();
    use rustls_pki_types::pem::PemObject as _;
    for c in rustls_pki_types::CertificateDer::pem_file_iter(&cert).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = connector
        .connect(name, tcp)
        .await
        .expect("the TLS handshake succeeds");
    let seat = server.seat("tier1-1");
    tls.write_all(
        format!("GET /s/{seat} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Plain HTTP to the TLS port gets no page.
    let mut plain = tokio::net::TcpStream::connect(&authority).await.unwrap();
    plain
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        plain.read_to_end(&mut buf),
    )
    .await;
    assert!(
        !String::from_utf8_lossy(&buf).starts_with("HTTP/1.1"),
        "plain HTTP was served on the TLS port"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_room_names_seats_keeps_its_discussion_and_resumes_it() {
    let dir = scratch("serve-room");
    let d = dir.to_str().unwrap();
    let mut server = Server::start(bin(), &["--journal", d, "--speed", "60", "--seed", "2"]);
    let key = server.seat("tier1-1");
    let fac_key = server.facilitator.clone().unwrap();
    let mut t1 = Client::connect(&server, &key).await;
    let mut fac = Client::connect(&server, &fac_key).await;
    let mut board = Client::connect(&server, server.board.as_deref().unwrap()).await;

    // The lobby: a briefing for everyone, a name for the seat.
    let hello_brief = &t1.hello["scenario"]["briefing"];
    assert!(
        hello_brief["roles"]
            .as_array()
            .is_some_and(|r| r.len() >= 6)
    );
    assert!(
        hello_brief["rules"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    let r = t1.request("name", json!({"name": "  Ana  "})).await;
    assert_eq!(r["message"], "welcome, Ana", "{r}");
    assert_eq!(t1.request("name", json!({"name": ""})).await["ok"], false);
    let r = board.request("name", json!({"name": "x"})).await;
    assert!(r["error"].as_str().unwrap().contains("for a seat"), "{r}");
    let r = t1.request("note", json!({"text": "x"})).await;
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("only the facilitator"),
        "{r}"
    );
    let r = fac.request("note", json!({"text": "too early"})).await;
    assert!(r["error"].as_str().unwrap().contains("not started"), "{r}");
    fac.until("Ana in the room", |s| {
        s["room"]["seats"][0]["player"] == "Ana"
    })
    .await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);
    let s = fac
        .until("ten minutes' wait for people", |s| {
            s["room"]["bot_wait_seconds"] == 600
        })
        .await;
    assert_eq!(s["view"]["seats"][0]["player"], "Ana");

    // A live inject answered, a note against an objective, a message.
    let r = fac
        .request(
            "inject",
            json!({"title": "Legal calls", "body": "Is this reportable?", "to": ["Tier1"], "questions": ["Who decides?"]}),
        )
        .await;
    assert_eq!(r["ok"], true, "{r}");
    let s = t1
        .until("the live inject", |s| {
            listed(&s["view"]["inbox"], "title", "Legal calls").is_some()
        })
        .await;
    let id = listed(&s["view"]["inbox"], "title", "Legal calls").unwrap()["id"].clone();
    let r = t1
        .request(
            "reply",
            json!({"inject": id, "text": "The manager, with legal"}),
        )
        .await;
    assert_eq!(r["ok"], true, "{r}");
    let r = t1
        .request("reply", json!({"inject": 99, "text": "x"}))
        .await;
    assert_eq!(r["ok"], false);
    let bad = fac
        .request("note", json!({"objective": "nope", "text": "x"}))
        .await;
    assert!(
        bad["error"].as_str().unwrap().contains("no objective"),
        "{bad}"
    );
    let r = fac
        .request(
            "note",
            json!({"role": "Tier1", "objective": "detect", "text": "Quick first look"}),
        )
        .await;
    assert_eq!(r["ok"], true, "{r}");
    let r = fac
        .request("message", json!({"to": 0, "text": "Oldest first"}))
        .await;
    assert_eq!(r["message"], "sent to tier1-1", "{r}");
    t1.until("the message", |s| {
        s["view"]["messages"][0]["text"] == "Oldest first"
    })
    .await;

    // The seat handed to a bot and taken back; bots told to wait for ever.
    let r = fac.request("release", json!({"seat": 1})).await;
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("already played by a bot"),
        "{r}"
    );
    assert_eq!(fac.request("release", json!({"seat": 0})).await["ok"], true);
    t1.until("the seat played by a bot", |s| s["view"]["person"] == false)
        .await;
    let r = t1.act(json!({"TakeAlert": 0})).await;
    assert!(
        r["error"].as_str().unwrap().contains("played by a bot"),
        "{r}"
    );
    assert_eq!(t1.request("take", json!({})).await["ok"], true);
    t1.until("the seat a person's again", |s| s["view"]["person"] == true)
        .await;
    let r = fac.request("botwait", json!({"seconds": null})).await;
    assert_eq!(r["ok"], true, "{r}");
    fac.until("bots waiting for ever", |s| {
        s["room"]["bot_wait_seconds"].is_null()
    })
    .await;
    let s = fac
        .until("the discussion", |s| {
            s["view"]["discussion"]
                .as_array()
                .is_some_and(|d| d.iter().any(|x| x["kind"] == "note"))
        })
        .await;
    let kinds: Vec<&str> = s["view"]["discussion"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    for k in ["inject", "answer", "note", "message", "seat"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }

    // A crash loses none of it: the resumed server has the names, the wait and the
    // discussion, and the whole exercise replays.
    server.kill();
    let server = Server::start(bin(), &["--resume", d]);
    let mut fac = Client::connect(&server, &fac_key).await;
    let s = fac.until("a state", |s| s["type"] == "state").await;
    assert_eq!(s["room"]["seats"][0]["player"], "Ana");
    assert!(s["room"]["bot_wait_seconds"].is_null());
    assert!(
        s["view"]["discussion"]
            .as_array()
            .is_some_and(|d| d.iter().any(|x| x["text"] == "The manager, with legal"))
    );
    assert_eq!(fac.request("speed", json!({"x": 3600})).await["ok"], true);
    assert_eq!(fac.request("resume", json!({})).await["ok"], true);
    fac.until("the end", |s| s["clock"]["phase"] == "ended")
        .await;
    drop(server);
    let results = replayed_results(&dir);
    assert_eq!(results["seats"][0]["players"], json!(["Ana"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_sets_the_seats_in_the_lobby_and_the_exercise_replays_with_them() {
    let dir = scratch("serve-staff");
    let d = dir.to_str().unwrap();
    let server = Server::start(bin(), &["--journal", d, "--speed", "3600", "--seed", "3"]);
    let fac_key = server.facilitator.clone().unwrap();
    let t2_key = server.seat("tier2-1");
    let mut fac = Client::connect(&server, &fac_key).await;
    let mut t2 = Client::connect(&server, &t2_key).await;
    assert_eq!(t2.hello["seat"]["id"], 2);

    let r = fac
        .request("staff", json!({"role": "Tier1", "seats": 3}))
        .await;
    assert_eq!(r["ok"], true, "{r}");
    // Tier 2's seat moved to another number: its connection closes and it joins again.
    while t2.next().await.is_some() {}
    let t2 = Client::connect(&server, &t2_key).await;
    assert_eq!(t2.hello["seat"]["name"], "tier2-1");
    assert_eq!(t2.hello["seat"]["id"], 3);
    let s = fac
        .until("three Tier 1 seats", |s| {
            listed(&s["view"]["seats"], "name", "tier1-3").is_some()
        })
        .await;
    let link = listed(&s["view"]["seats"], "name", "tier1-3").unwrap()["link"]
        .as_str()
        .unwrap()
        .to_string();
    let key = link.trim_start_matches("/s/").to_string();
    let t13 = Client::connect(&server, &key).await;
    assert_eq!(t13.hello["seat"]["name"], "tier1-3");

    let r = fac
        .request("staff", json!({"role": "Manager", "seats": 0}))
        .await;
    assert!(
        r["error"].as_str().unwrap().contains("keep a manager seat"),
        "{r}"
    );
    let r = fac
        .request("staff", json!({"role": "Tier1", "seats": 1}))
        .await;
    assert!(
        r["error"].as_str().unwrap().contains("tier1-2 is open")
            || r["error"].as_str().unwrap().contains("tier1-3 is open"),
        "{r}"
    );
    let r = fac
        .request("staff", json!({"role": "Tier1", "seats": 99}))
        .await;
    assert!(r["error"].as_str().unwrap().contains("0 to 50"), "{r}");

    assert_eq!(fac.request("start", json!({})).await["ok"], true);
    let r = fac
        .request("staff", json!({"role": "Tier1", "seats": 2}))
        .await;
    assert!(
        r["error"].as_str().unwrap().contains("before the start"),
        "{r}"
    );
    fac.until("the end", |s| s["clock"]["phase"] == "ended")
        .await;
    drop(t13);
    drop(t2);
    drop(server);
    let results = replayed_results(&dir);
    let seats = seat_names(&results);
    assert!(seats.contains(&"tier1-3"), "{seats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facilitator_adds_and_removes_seats_while_it_runs_and_a_resume_keeps_them() {
    let dir = scratch("serve-seats-live");
    let d = dir.to_str().unwrap();
    let mut server = Server::start(bin(), &["--journal", d, "--speed", "60", "--seed", "4"]);
    let fac_key = server.facilitator.clone().unwrap();
    let gone_key = server.seat("tier1-2");
    let mut fac = Client::connect(&server, &fac_key).await;
    assert_eq!(fac.request("start", json!({})).await["ok"], true);

    // A latecomer: a new hunter seat, a bot's until its link is opened.
    let r = fac.request("addseat", json!({"role": "Hunter"})).await;
    assert_eq!(r["ok"], true, "{r}");
    assert!(r["message"].as_str().unwrap().contains("hunter-2"), "{r}");
    let s = fac
        .until("the new seat in the table", |s| {
            listed(&s["view"]["seats"], "name", "hunter-2").is_some()
        })
        .await;
    let row = listed(&s["view"]["seats"], "name", "hunter-2").unwrap();
    assert_eq!(row["played_by"], "bot");
    let key = row["link"]
        .as_str()
        .unwrap()
        .trim_start_matches("/s/")
        .to_string();
    let mut hunter = Client::connect(&server, &key).await;
    assert_eq!(hunter.hello["seat"]["name"], "hunter-2");
    hunter
        .until("the seat is the latecomer's", |s| {
            s["view"]["person"] == true
        })
        .await;
    let r = fac.request("addseat", json!({"role": "Nobody"})).await;
    let error = r["error"].as_str().unwrap();
    assert!(
        error.starts_with("addseat: unknown variant `Nobody`") && error.contains("`Intel`"),
        "{r}"
    );
    let r = fac.request("addseat", json!({})).await;
    assert_eq!(r["error"], "addseat needs \"role\"", "{r}");

    // Removing a seat asks first; an open seat cannot go.
    let seat = listed(&s["view"]["seats"], "name", "tier1-2").unwrap()["seat"].clone();
    let r = fac.request("removeseat", json!({"seat": seat})).await;
    assert!(r["error"].as_str().unwrap().starts_with("confirm: "), "{r}");
    let r = fac
        .request("removeseat", json!({"seat": seat, "confirm": true}))
        .await;
    assert_eq!(r["ok"], true, "{r}");
    fac.until("the seat has left", |s| {
        listed(&s["view"]["seats"], "name", "tier1-2").is_some_and(|x| x["played_by"] == "left")
    })
    .await;
    let hunter_seat = hunter.hello["seat"]["id"].clone();
    let r = fac
        .request("removeseat", json!({"seat": hunter_seat, "confirm": true}))
        .await;
    assert!(
        r["error"].as_str().unwrap().contains("open in a browser"),
        "{r}"
    );
    let r = hunter.request("removeseat", json!({"seat": 0})).await;
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("only the facilitator"),
        "{r}"
    );
    let refused = first_message(&server, &gone_key).await;
    assert_eq!(refused["type"], "refused", "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("has left"),
        "{refused}"
    );

    // A crash keeps both: the resumed server has the new seat, its link, and the
    // removed one.
    drop(hunter);
    server.kill();
    let server = Server::start(bin(), &["--resume", d]);
    let mut fac = Client::connect(&server, &fac_key).await;
    let s = fac.until("a state", |s| s["type"] == "state").await;
    let row = listed(&s["view"]["seats"], "name", "hunter-2").expect("the added seat is back");
    assert_eq!(row["link"], format!("/s/{key}"), "it keeps its link");
    assert_eq!(
        listed(&s["view"]["seats"], "name", "tier1-2").unwrap()["played_by"],
        "left"
    );
    let hunter = Client::connect(&server, &key).await;
    assert_eq!(hunter.hello["seat"]["name"], "hunter-2");
    assert_eq!(fac.request("speed", json!({"x": 3600})).await["ok"], true);
    assert_eq!(fac.request("resume", json!({})).await["ok"], true);
    fac.until("the end", |s| s["clock"]["phase"] == "ended")
        .await;
    drop(hunter);
    drop(server);
    let results = replayed_results(&dir);
    let seats = seat_names(&results);
    assert!(seats.contains(&"hunter-2"), "{seats:?}");
}
