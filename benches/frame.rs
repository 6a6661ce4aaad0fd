//! Frame time of the game window (`--features gui`), on whatever display there is (CI:
//! Xvfb with Mesa's software Vulkan): watches a recorded run of the default scenario
//! at full speed and prints the window's own frame-time figures. Asserts nothing.

use std::process::Command;

fn main() {
    let bin = env!("CARGO_BIN_EXE_socdrill");
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-frame-run");
    let _ = std::fs::remove_dir_all(&dir);
    let run = Command::new(bin)
        .args(["run", "--seed", "7", "--out"])
        .arg(&dir)
        .output()
        .expect("socdrill runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let frames: u32 = std::env::var("SOCDRILL_BENCH_FRAMES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let out = Command::new(bin)
        .args([
            "play",
            "--speed",
            "600",
            "--bench-frames",
            &frames.to_string(),
            "--watch",
        ])
        .arg(&dir)
        .output()
        .expect("socdrill play runs");
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        panic!("the window did not run: is there a display?");
    }
    println!("game window, watching the default scenario at 600× (1280×800):");
    print!("  {}", String::from_utf8_lossy(&out.stdout));
}
