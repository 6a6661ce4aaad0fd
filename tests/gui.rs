//! The game window for real: `socdrill play` under a display (CI runs this under Xvfb
//! with Mesa's software Vulkan), driven by a scripted input sequence. Screenshots of
//! the floor, the console and the debrief are kept under target/ci-artifacts/gui/ and
//! must not be blank; the texts on screen at each one, read in the window's own world,
//! must say what the player should see.
#![cfg(feature = "gui")]

mod common;

use std::path::Path;
use std::process::Command;

fn not_blank(png: &Path) {
    let out = Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/png_not_blank.py"))
        .arg(png)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{} is blank or unreadable: {}{}",
        png.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn without_a_display_play_says_what_it_needs_instead_of_panicking() {
    let out = Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .env("SOCDRILL_DB", "off")
        .args(["play", "--seed", "1"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("socdrill play runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no display"), "{stderr}");
    assert!(stderr.contains("serve --solo"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_window_plays_tier1_and_shows_the_floor_console_and_debrief() {
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-artifacts/gui");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let work = common::scratch("gui");
    let script = work.join("script.json");
    std::fs::write(
        &script,
        r#"[
            {"speed": 900}, {"until": "queue"}, {"speed": 20},
            {"screenshot": "floor"},
            {"key": "t"}, {"until": "held"}, {"until": "idle"},
            {"key": "m"}, {"until": "idle"},
            {"key": "e"}, {"type": "beacon from the invoice host"},
            {"screenshot": "console"},
            {"key": "enter"}, {"until": "handoff"},
            "end",
            {"screenshot": "debrief"},
            "exit"
        ]"#,
    )
    .unwrap();
    let out_dir = work.join("run");
    let out = Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .env("SOCDRILL_DB", "off")
        .args(["play", "--seed", "1", "--script"])
        .arg(&script)
        .arg("--screenshots")
        .arg(&shots)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .expect("socdrill play runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "play failed: {stderr}");
    for name in ["floor", "console", "debrief"] {
        not_blank(&shots.join(format!("{name}.png")));
    }
    let texts = |name: &str| std::fs::read_to_string(shots.join(format!("{name}.txt"))).unwrap();
    let floor = texts("floor");
    assert!(floor.contains("tier1-1 | you"), "{floor}");
    assert!(floor.contains("Tier 2 investigation"), "{floor}");
    assert!(floor.contains("Alerts raised"), "{floor}");
    let console = texts("console");
    assert!(console.contains("Escalate #"), "{console}");
    assert!(
        console.contains("summary: beacon from the invoice host_"),
        "{console}"
    );
    assert!(console.contains("[ok] accepted: Classify"), "{console}");
    let debrief = texts("debrief");
    assert!(debrief.contains("Team score"), "{debrief}");
    assert!(debrief.contains("The attacker's timeline"), "{debrief}");
    assert!(
        debrief.contains("Worst handoff") || debrief.contains("No handoffs"),
        "{debrief}"
    );
    assert!(
        debrief.contains("tier1-1 handed to Tier 2 investigation"),
        "{debrief}"
    );

    // What was played replays headless to the same journal, and can be watched.
    let replay = common::socdrill(&["replay", out_dir.to_str().unwrap()]);
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let watch = Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .env("SOCDRILL_DB", "off")
        .args(["play", "--watch"])
        .arg(&out_dir)
        .args(["--bench-frames", "60", "--speed", "3600"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&watch.stderr);
    assert!(watch.status.success(), "{err}");
    assert!(err.contains("the recorded journal matches"), "{err}");
    assert!(String::from_utf8_lossy(&watch.stdout).contains("frame time p50"));

    // A tampered journal is caught: what is shown is the re-simulation.
    let journal = out_dir.join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&journal, text.replacen("\"t\":0,", "\"t\":1,", 1)).unwrap();
    let watch = Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .env("SOCDRILL_DB", "off")
        .args(["play", "--watch"])
        .arg(&out_dir)
        .args(["--bench-frames", "20"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&watch.stderr);
    assert!(err.contains("DIGEST MISMATCH"), "{err}");

    // Every role has a console in the window.
    let script = work.join("responder.json");
    std::fs::write(
        &script,
        r#"[{"speed": 900}, {"screenshot": "responder"}, "exit"]"#,
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_socdrill"))
        .env("SOCDRILL_DB", "off")
        .args(["play", "--as", "responder", "--script"])
        .arg(&script)
        .arg("--screenshots")
        .arg(&shots)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    not_blank(&shots.join("responder.png"));
    let text = texts("responder");
    assert!(text.contains("YOUR CONSOLE - INCIDENT RESPONSE"), "{text}");
    assert!(text.contains("responder-1 | Incident response"), "{text}");
}
