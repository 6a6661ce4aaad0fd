//! `socdrill play`: the game window, when this binary was built with it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

/// `play`'s arguments.
#[derive(clap::Args)]
pub(crate) struct PlayCmd {
    /// Scenario file (.ron). Without it, the built-in default scenario.
    scenario: Option<PathBuf>,
    /// The role you play: tier1 (the default), tier2, hunter, responder, manager, engineer or intel.
    #[arg(long = "as", value_name = "ROLE", default_value = "tier1")]
    role: String,
    /// Master seed: the same seed and keys give the same exercise.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Bot profile for every other seat.
    #[arg(long, default_value = "competent", value_parser = ["novice", "competent", "expert"])]
    bots: String,
    /// Simulated seconds per wall second.
    #[arg(long, default_value_t = 30.0)]
    speed: f64,
    /// Watch a recorded run (`run --out`, `serve` or `play` directory), re-simulated.
    #[arg(long, value_name = "RUN", conflicts_with = "scenario")]
    watch: Option<PathBuf>,
    /// Save the exercise (replayable, watchable) in DIR when it ends or the window closes.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Scripted input: a JSON list of steps (tests and demonstrations).
    #[arg(long, value_name = "FILE", hide = true)]
    script: Option<PathBuf>,
    /// Where scripted screenshots go.
    #[arg(long, value_name = "DIR", hide = true)]
    screenshots: Option<PathBuf>,
    /// Print frame-time figures after N frames and close.
    #[arg(long, value_name = "N", hide = true)]
    bench_frames: Option<u32>,
}

#[cfg(feature = "gui")]
pub(crate) fn play(c: PlayCmd) -> Result<ExitCode> {
    crate::gui::play(&crate::gui::PlayArgs {
        scenario: c.scenario.as_deref(),
        role: &c.role,
        seed: c.seed,
        bots: &c.bots,
        speed: c.speed,
        watch: c.watch.as_deref(),
        script: c.script.as_deref(),
        shots: c.screenshots.as_deref(),
        out: c.out.as_deref(),
        bench_frames: c.bench_frames,
    })
}

#[cfg(not(feature = "gui"))]
pub(crate) fn play(_: PlayCmd) -> Result<ExitCode> {
    anyhow::bail!(
        "this socdrill was built without the game window: run `cargo run --release --features gui -- play` (it needs a display), or play in a browser with `socdrill serve --solo tier1`"
    )
}
