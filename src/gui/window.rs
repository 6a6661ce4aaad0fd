//! The window itself (Bevy's renderer, UI and windowing; built with the `gui`
//! feature). The exercise is an ordinary [`Exercise`] held by the window; each frame
//! runs one plugin after another — the keyboard (`keys.rs`), the script
//! (`script.rs`), the clock (`pace.rs`), drawing the views (`draw.rs`, from
//! [`socdrill_core::view`], [`super::console`] and [`super::role_console`]), the
//! screenshots, and the frame-time bench (`bench.rs`). Nothing here decides anything
//! about the simulation.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use bevy::prelude::*;
use bevy::window::WindowResolution;

use socdrill_core::live::{self, Setup, Timed};
use socdrill_core::scenario::{Role, Scenario};
use socdrill_core::soc::SeatId;
use socdrill_core::{Exercise, bots};

use super::bench::BenchPlugin;
use super::console::Console;
use super::draw::DrawPlugin;
use super::keys::KeysPlugin;
use super::pace::PacePlugin;
use super::role_console::RoleConsole;
use super::script::{ScriptPlugin, Step};
use super::watch;

/// `play`'s arguments.
pub struct PlayArgs<'a> {
    pub scenario: Option<&'a Path>,
    pub role: &'a str,
    pub seed: u64,
    pub bots: &'a str,
    pub speed: f64,
    pub watch: Option<&'a Path>,
    pub script: Option<&'a Path>,
    pub shots: Option<&'a Path>,
    pub out: Option<&'a Path>,
    pub bench_frames: Option<u32>,
}

/// Each frame's steps, in order: each plugin puts its systems in one.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Frame {
    /// Keys pressed.
    Keys,
    /// The script's next step.
    Script,
    /// The clock.
    Pace,
    /// Drawing.
    Draw,
    /// Writing what a screenshot showed.
    Screenshots,
    /// Frame times.
    Bench,
}

/// What the window is doing.
pub(super) enum Mode {
    /// A person plays `seat`, of `role`.
    Play { seat: SeatId, role: Role },
    /// Watching a recorded exercise.
    Watch(Box<watch::Recording>),
}

/// The window's state (not `Send`: it holds the exercise's own Bevy app).
pub(super) struct Game {
    pub(super) ex: Exercise,
    pub(super) scenario: Arc<Scenario>,
    pub(super) scenario_src: String,
    pub(super) mode: Mode,
    pub(super) speed: f64,
    pub(super) paused: bool,
    /// Simulated time shown, as a float so slow speeds still move.
    pub(super) t: f64,
    pub(super) console: Console,
    /// The console of any role but Tier 1, and the techniques a hunter may name.
    pub(super) role_console: RoleConsole,
    pub(super) techniques: Vec<String>,
    pub(super) moves: Vec<Timed>,
    pub(super) setup: Setup,
    /// Handoffs drawn so far, and those in flight: (from seat, to role, progress 0..1).
    pub(super) handoffs_seen: usize,
    pub(super) flights: Vec<(u16, Role, f32)>,
    pub(super) script: Vec<Step>,
    pub(super) step: usize,
    /// Frames drawn so far (a script waits for the first frames to be on screen).
    pub(super) frames: u32,
    pub(super) shots: Option<PathBuf>,
    pub(super) pending_texts: Vec<(String, u32)>,
    pub(super) out: Option<PathBuf>,
    pub(super) saved: bool,
    pub(super) bench: Option<(u32, Vec<f64>, Instant)>,
    pub(super) banner: Option<String>,
    /// The player pressed Q: what ending would do, shown until the next key confirms
    /// (y) or cancels it.
    pub(super) confirm_end: Option<String>,
}

pub(super) const DESK_W: f32 = 232.0;
pub(super) const DESK_H: f32 = 96.0;
pub(super) const DESK_GAP: f32 = 10.0;
pub(super) const DESKS_PER_ROW: usize = 2;
pub(super) const BG: Color = Color::srgb(0.06, 0.08, 0.10);
pub(super) const PANEL: Color = Color::srgb(0.09, 0.12, 0.15);
pub(super) const TEXT: Color = Color::srgb(0.86, 0.89, 0.92);
pub(super) const MUTED: Color = Color::srgb(0.55, 0.60, 0.66);
pub(super) const ACCENT: Color = Color::srgb(0.30, 0.62, 0.90);

/// The window needs a display; without one, say so before the window system fails
/// deep inside (X11 and Wayland name theirs in the environment; other systems always
/// have one).
pub(super) fn no_display_refusal() -> Result<()> {
    if cfg!(all(unix, not(target_os = "macos"))) {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if !set("DISPLAY") && !set("WAYLAND_DISPLAY") {
            bail!(
                "`socdrill play` opens a window, and there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set): run it on a desktop, or play in a browser with `socdrill serve --solo tier1` and open the link it prints"
            );
        }
    }
    Ok(())
}

/// Runs `socdrill play`.
pub fn play(args: &PlayArgs) -> Result<ExitCode> {
    let script: Vec<Step> = match args.script {
        Some(p) => {
            let text = crate::input::read_text(p)?;
            serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!(
                    "{}; a script is a JSON list of steps such as {{\"until\": \"queue\"}}, {{\"key\": \"t\"}}, {{\"screenshot\": \"console\"}}",
                    socdrill_core::scenario::diag::json_problem(p.display(), &e)
                )
            })?
        }
        None => Vec::new(),
    };
    if !(0.1..=3600.0).contains(&args.speed) {
        bail!("--speed {} is out of range: 0.1 to 3600", args.speed);
    }
    no_display_refusal()?;
    if let Some(dir) = args.shots {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let (ex, scenario, scenario_src, mode, setup) = match args.watch {
        Some(dir) => {
            let rec = watch::Recording::load(dir)?;
            let ex = rec.exercise_at(0);
            let scenario = rec.scenario.clone();
            let setup = rec.setup.clone();
            let src = rec.source.clone();
            (ex, scenario, src, Mode::Watch(Box::new(rec)), setup)
        }
        None => {
            let (scenario, src, _) = crate::input::load_scenario(args.scenario)?;
            let role = Role::from_slug(args.role).with_context(|| {
                format!(
                    "--as {:?} is not a role: give {}",
                    args.role,
                    socdrill_core::scenario::ALL_ROLES
                        .map(|r| r.slug())
                        .join(", ")
                )
            })?;
            let names = socdrill_core::scenario::seat_names(&scenario);
            let seat = names
                .iter()
                .position(|(_, r)| *r == role)
                .with_context(|| format!("this scenario has no {} seat", role.label()))?;
            let profile = bots::profile_named(args.bots)
                .with_context(|| format!("unknown bot profile {:?}", args.bots))?;
            let setup = Setup {
                schema: live::SETUP_SCHEMA.into(),
                scenario: scenario.id.clone(),
                seed: args.seed,
                bots: profile.name.clone(),
                people: vec![names[seat].0.clone()],
                names: Default::default(),
                // The player has the whole role, as a solo trainee in `serve` does.
                bot_wait: socdrill_core::soc::ledger::BotWait::Never,
                staffing: None,
            };
            let mut ex = Exercise::new(scenario.clone(), args.seed, profile, &setup.script());
            ex.advance_to(0);
            (
                ex,
                scenario,
                src,
                Mode::Play {
                    seat: seat as SeatId,
                    role,
                },
                setup,
            )
        }
    };
    let banner = match &mode {
        Mode::Watch(rec) => Some(rec.verdict.clone()),
        Mode::Play { .. } => None,
    };
    let mut techniques: Vec<String> = scenario
        .rules
        .iter()
        .flat_map(|r| r.techniques.iter().cloned())
        .collect();
    techniques.sort();
    techniques.dedup();
    let game = Game {
        ex,
        scenario,
        scenario_src,
        role_console: RoleConsole::default(),
        techniques,
        mode,
        speed: args.speed,
        paused: false,
        t: 0.0,
        console: Console::default(),
        moves: Vec::new(),
        setup,
        handoffs_seen: 0,
        flights: Vec::new(),
        script,
        step: 0,
        frames: 0,
        shots: args.shots.map(Path::to_path_buf),
        pending_texts: Vec::new(),
        out: args.out.map(Path::to_path_buf),
        saved: false,
        bench: args.bench_frames.map(|n| (n, Vec::new(), Instant::now())),
        banner,
        confirm_end: None,
    };
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: format!("socdrill — {}", game.scenario.title),
            resolution: WindowResolution::from((1280u32, 800u32)),
            ..default()
        }),
        ..default()
    }))
    .insert_resource(ClearColor(BG))
    .insert_non_send(game)
    .configure_sets(
        Update,
        (
            Frame::Keys,
            Frame::Script,
            Frame::Pace,
            Frame::Draw,
            Frame::Screenshots,
            Frame::Bench,
        )
            .chain(),
    )
    .add_plugins((
        KeysPlugin,
        ScriptPlugin,
        PacePlugin,
        DrawPlugin,
        BenchPlugin,
    ));
    let exit = app.run();
    match exit {
        AppExit::Success => Ok(ExitCode::SUCCESS),
        AppExit::Error(code) => Ok(ExitCode::from(code.get())),
    }
}

pub(super) fn text(s: &str, size: f32, color: Color) -> (Text, TextFont, TextColor) {
    (
        Text::new(s),
        TextFont::from_font_size(size),
        TextColor(color),
    )
}
