//! The window itself (Bevy's renderer, UI and windowing; built with the `gui`
//! feature). The exercise is an ordinary [`Exercise`] held by the window; each frame
//! runs one plugin after another — the keyboard (`keys.rs`), the script
//! (`script.rs`), the clock (`pace.rs`), drawing the views (`draw.rs`, from
//! [`socdrill_core::view`], [`super::console`] and [`super::role_console`]), the
//! screenshots, and the frame-time bench (`bench.rs`). Nothing here decides anything
//! about the simulation.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use bevy::prelude::*;
use bevy::window::WindowResolution;

use socdrill_core::live::{self, Setup};
use socdrill_core::scenario::Role;
use socdrill_core::soc::SeatId;
use socdrill_core::{Exercise, SimTime, bots};

use super::bench::BenchPlugin;
use super::console::Console;
use super::draw::DrawPlugin;
use super::game::{BG, Frame, Game, Mode, Step};
use super::keys::KeysPlugin;
use super::pace::PacePlugin;
use super::role_console::RoleConsole;
use super::script::ScriptPlugin;
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
            let ex = rec.exercise_at(SimTime::ZERO);
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
            ex.advance_to(SimTime::ZERO);
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
