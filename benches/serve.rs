//! Live latency: 50 people's seats, the facilitator and the board connected to
//! `socdrill serve` on loopback. Each sample is one Tier 1 analyst taking an alert;
//! it measures the time from sending the action to every affected connection
//! receiving the update (every Tier 1 console sees the alert leave the queue; the
//! managers, the facilitator and the board see the desk busy), and the server's memory.
//! Prints figures; asserts nothing about time.
//!
//! `SOCDRILL_BENCH_SAMPLES` sets the number of actions (default 60).

#[path = "../tests/common/live.rs"]
mod live;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use live::{Client, Server};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

const STAFFING: &str = "staffing: [
        (role: Tier1, seats: 20),
        (role: Tier2, seats: 10),
        (role: Hunter, seats: 5),
        (role: Responder, seats: 5),
        (role: Manager, seats: 5),
        (role: Engineer, seats: 5),
    ],";

fn fifty_seat_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/phish-to-exfil.ron"
    ))
    .unwrap();
    let start = src.find("staffing: [").expect("the scenario has staffing");
    let end = start + src[start..].find("],").unwrap() + 2;
    let text = format!("{}{STAFFING}{}", &src[..start], &src[end..]);
    let path = dir.join("fifty-seats.ron");
    std::fs::write(&path, text).unwrap();
    path
}

type Sink = futures_util::stream::SplitSink<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    Message,
>;

async fn send(sink: &mut Sink, v: Value) {
    sink.send(Message::Text(v.to_string().into()))
        .await
        .expect("the server takes the message");
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i]
}

fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn queue(v: &Value) -> Vec<u64> {
    v["view"]["queue"]
        .as_array()
        .map(|q| q.iter().filter_map(|a| a["id"].as_u64()).collect())
        .unwrap_or_default()
}

fn desk_busy(v: &Value, seat: u64) -> bool {
    let desks = if v["view"]["workload"]["desks"].is_array() {
        &v["view"]["workload"]["desks"]
    } else {
        &v["view"]["seats"]
    };
    desks
        .as_array()
        .and_then(|d| d.iter().find(|x| x["seat"] == json!(seat)))
        .is_some_and(|d| !d["doing"].is_null())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let samples: usize = std::env::var("SOCDRILL_BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-serve");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = fifty_seat_scenario(&dir);
    let journal = dir.join("live");
    let server = Server::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_socdrill")),
        &[
            scenario.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
            "--speed",
            "600",
        ],
    );
    let pid = server.child.id();
    let rss_idle = rss_kib(pid, "VmRSS:").unwrap_or(0);

    // Connections: 50 seats, then the facilitator and the board.
    let mut keys: Vec<(String, String)> = server.seats.clone();
    assert_eq!(keys.len(), 50, "the bench scenario has 50 seats");
    keys.push(("facilitator".into(), server.facilitator.clone().unwrap()));
    keys.push(("board".into(), server.board.clone().unwrap()));
    let mut clients = Vec::new();
    for (_, key) in &keys {
        clients.push(Client::connect(&server, key).await);
    }
    let roles: Vec<String> = clients
        .iter()
        .map(|c| c.hello["seat"]["role"].as_str().unwrap_or("").to_string())
        .collect();
    let (tx, mut rx) = mpsc::unbounded_channel::<(usize, Instant, Value)>();
    let mut sinks = Vec::new();
    for (i, c) in clients.into_iter().enumerate() {
        let (sink, mut stream) = c.ws.split();
        sinks.push(sink);
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(Ok(msg)) = stream.next().await {
                if let Message::Text(t) = msg {
                    let at = Instant::now();
                    if let Ok(v) = serde_json::from_str::<Value>(t.as_str()) {
                        let _ = tx.send((i, at, v));
                    }
                }
            }
        });
    }
    let fac = 50;
    send(&mut sinks[fac], json!({"id": 1, "op": "start"})).await;

    // Let alerts pile up (every Tier 1 seat is a person, so nobody takes them).
    let tier1: Vec<usize> = (0..50).filter(|&i| roles[i] == "Tier1").collect();
    let mut last: BTreeMap<usize, Value> = BTreeMap::new();
    let fill_deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some((i, _, v))) = tokio::time::timeout(Duration::from_secs(1), rx.recv()).await
            && v["type"] == "state"
        {
            last.insert(i, v);
        }
        let depth = last.get(&tier1[0]).map_or(0, |v| queue(v).len());
        if depth >= samples.min(40) || Instant::now() > fill_deadline {
            break;
        }
    }
    send(&mut sinks[fac], json!({"id": 2, "op": "speed", "x": 20})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok((i, _, v)) = rx.try_recv() {
        if v["type"] == "state" {
            last.insert(i, v);
        }
    }

    let affected: Vec<usize> = (0..52)
        .filter(|&i| i >= 50 || roles[i] == "Tier1" || roles[i] == "Manager")
        .collect();
    let mut per_delivery: Vec<f64> = Vec::new();
    let mut per_action: Vec<f64> = Vec::new();
    let mut reply_ms: Vec<f64> = Vec::new();
    let mut id = 100;
    let mut n = 0;
    let run_start = Instant::now();
    'samples: while n < samples && run_start.elapsed() < Duration::from_secs(120) {
        // An idle Tier 1 seat and an alert in its queue.
        let Some((&actor, alert)) = tier1
            .iter()
            .filter(|&&i| {
                last.get(&i)
                    .is_some_and(|v| v["view"]["working_on"].is_null())
            })
            .find_map(|i| queue(&last[i]).first().map(|&a| (i, a)))
        else {
            // Everyone busy or nothing queued: wait for an update.
            if let Ok(Some((i, _, v))) =
                tokio::time::timeout(Duration::from_secs(2), rx.recv()).await
                && v["type"] == "state"
            {
                last.insert(i, v);
            }
            continue;
        };
        id += 1;
        let t0 = Instant::now();
        send(
            &mut sinks[actor],
            json!({"id": id, "op": "act", "action": {"TakeAlert": alert}}),
        )
        .await;
        let mut waiting: Vec<usize> = affected.clone();
        let mut replied = false;
        let mut latest = t0;
        while !waiting.is_empty() || !replied {
            let Ok(Some((i, at, v))) =
                tokio::time::timeout(Duration::from_secs(5), rx.recv()).await
            else {
                eprintln!("sample {n}: updates missing after 5 s for {waiting:?}; skipped");
                continue 'samples;
            };
            if v["type"] == "reply" && i == actor && v["id"] == json!(id) {
                replied = true;
                reply_ms.push(at.duration_since(t0).as_secs_f64() * 1e3);
                if v["ok"] != true {
                    // Refused (a race with the queue); not a sample.
                    last.remove(&actor);
                    continue 'samples;
                }
                continue;
            }
            if v["type"] != "state" {
                continue;
            }
            let done = if i < 50 && roles[i] == "Tier1" {
                !queue(&v).contains(&alert)
            } else {
                desk_busy(&v, actor as u64)
            };
            last.insert(i, v);
            if done && let Some(p) = waiting.iter().position(|&w| w == i) {
                waiting.remove(p);
                let ms = at.duration_since(t0).as_secs_f64() * 1e3;
                per_delivery.push(ms);
                latest = latest.max(at);
            }
        }
        per_action.push(latest.duration_since(t0).as_secs_f64() * 1e3);
        n += 1;
    }
    let rss = rss_kib(pid, "VmRSS:").unwrap_or(0);
    let hwm = rss_kib(pid, "VmHWM:").unwrap_or(0);
    per_delivery.sort_by(f64::total_cmp);
    per_action.sort_by(f64::total_cmp);
    reply_ms.sort_by(f64::total_cmp);
    println!("live latency, 50 seats + facilitator + board on loopback (52 WebSockets)");
    if per_action.is_empty() {
        println!("  no samples completed");
        return;
    }
    println!(
        "  {} actions (Tier 1 takes an alert), {} affected connections each ({} deliveries)",
        per_action.len(),
        affected.len(),
        per_delivery.len()
    );
    println!(
        "  action to the actor's reply:             p50 {:6.1} ms   p99 {:6.1} ms",
        quantile(&reply_ms, 0.5),
        quantile(&reply_ms, 0.99)
    );
    println!(
        "  action to one affected connection:       p50 {:6.1} ms   p99 {:6.1} ms",
        quantile(&per_delivery, 0.5),
        quantile(&per_delivery, 0.99)
    );
    println!(
        "  action to every affected connection:     p50 {:6.1} ms   p99 {:6.1} ms   max {:6.1} ms",
        quantile(&per_action, 0.5),
        quantile(&per_action, 0.99),
        per_action[per_action.len() - 1]
    );
    println!(
        "  server memory: {:.1} MiB before connections, {:.1} MiB now, peak {:.1} MiB",
        rss_idle as f64 / 1024.0,
        rss as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    println!("  target: every affected browser well inside 100 ms");
}
