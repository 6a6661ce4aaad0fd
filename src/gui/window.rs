//! The window itself (Bevy's renderer, UI and windowing; built with the `gui`
//! feature). The exercise is an ordinary [`Exercise`] held by the window; each frame
//! moves its clock, draws the views ([`socdrill_core::view`], [`super::console`],
//! [`super::role_console`]) and feeds the player's keys in as actions. Nothing here
//! decides anything about the simulation.

use super::watch;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key as BevyKey, KeyboardInput};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::WindowResolution;
use serde::Deserialize;

use super::console::{self, Command, Console, Key};
use super::role_console::{self, RoleConsole};
use socdrill_core::live::{self, Move, Setup, Timed};
use socdrill_core::scenario::{Role, Scenario};
use socdrill_core::soc::SeatId;
use socdrill_core::{Exercise, bots, report};

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

/// One step of a scripted input sequence (`--script FILE`, JSON list), for tests and
/// demonstrations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum Step {
    /// Wait until a condition holds: `queue` (an alert waits), `idle` (the seat is free),
    /// `held` (the seat holds an alert), `handoff` (a handoff was sent), `ended`.
    Until(String),
    /// Press a key: a character, or `up`, `down`, `enter`, `escape`, `backspace`, `space`.
    Key(String),
    /// Type text.
    Type(String),
    /// Set the speed.
    Speed(f64),
    /// End the exercise now (the debrief opens).
    End,
    /// Take a screenshot NAME.png and write the texts on screen to NAME.txt.
    Screenshot(String),
    /// Close the window.
    Exit,
}

/// What the window is doing.
enum Mode {
    /// A person plays `seat`, of `role`.
    Play { seat: SeatId, role: Role },
    /// Watching a recorded exercise.
    Watch(Box<watch::Recording>),
}

/// The window's state (not `Send`: it holds the exercise's own Bevy app).
struct Game {
    ex: Exercise,
    scenario: Arc<Scenario>,
    scenario_src: String,
    mode: Mode,
    speed: f64,
    paused: bool,
    /// Simulated time shown, as a float so slow speeds still move.
    t: f64,
    console: Console,
    /// The console of any role but Tier 1, and the techniques a hunter may name.
    role_console: RoleConsole,
    techniques: Vec<String>,
    moves: Vec<Timed>,
    setup: Setup,
    /// Handoffs drawn so far, and those in flight: (from seat, to role, progress 0..1).
    handoffs_seen: usize,
    flights: Vec<(u16, Role, f32)>,
    script: Vec<Step>,
    step: usize,
    /// Frames drawn so far (a script waits for the first frames to be on screen).
    frames: u32,
    shots: Option<PathBuf>,
    pending_texts: Vec<(String, u32)>,
    out: Option<PathBuf>,
    saved: bool,
    bench: Option<(u32, Vec<f64>, Instant)>,
    banner: Option<String>,
    /// The player pressed Q: what ending would do, shown until the next key confirms
    /// (y) or cancels it.
    confirm_end: Option<String>,
}

#[derive(Component)]
struct TopBar;
#[derive(Component)]
struct FloorText(usize);
#[derive(Component)]
struct DeskBox(usize);
#[derive(Component)]
struct FloorSummary;
#[derive(Component)]
struct ConsoleText;
#[derive(Component)]
struct Debrief;
#[derive(Component)]
struct DebriefText;
#[derive(Component)]
struct Flight(usize);

const DESK_W: f32 = 232.0;
const DESK_H: f32 = 96.0;
const DESK_GAP: f32 = 10.0;
const DESKS_PER_ROW: usize = 2;
const BG: Color = Color::srgb(0.06, 0.08, 0.10);
const PANEL: Color = Color::srgb(0.09, 0.12, 0.15);
const TEXT: Color = Color::srgb(0.86, 0.89, 0.92);
const MUTED: Color = Color::srgb(0.55, 0.60, 0.66);
const ACCENT: Color = Color::srgb(0.30, 0.62, 0.90);

/// Runs `socdrill play`.
/// The window needs a display; without one, say so before the window system fails
/// deep inside (X11 and Wayland name theirs in the environment; other systems always
/// have one).
fn no_display_refusal() -> Result<()> {
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
    .add_systems(Startup, setup_ui)
    .add_systems(
        Update,
        (
            keyboard,
            run_script,
            advance,
            draw,
            screenshots_done,
            bench_frames,
        )
            .chain(),
    );
    let exit = app.run();
    match exit {
        AppExit::Success => Ok(ExitCode::SUCCESS),
        AppExit::Error(code) => Ok(ExitCode::from(code.get())),
    }
}

fn text(s: &str, size: f32, color: Color) -> (Text, TextFont, TextColor) {
    (
        Text::new(s),
        TextFont::from_font_size(size),
        TextColor(color),
    )
}

fn setup_ui(mut commands: Commands, game: NonSend<Game>) {
    commands.spawn(Camera2d);
    let desks = game.ex.seats().len();
    commands
        .spawn((
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(Val::Px(10.0)),
                row_gap: Val::Px(8.0),
                ..default()
            },
            BackgroundColor(BG),
        ))
        .with_children(|root| {
            root.spawn((
                Node {
                    padding: UiRect::all(Val::Px(8.0)),
                    ..default()
                },
                BackgroundColor(PANEL),
            ))
            .with_children(|bar| {
                bar.spawn((text("", 18.0, TEXT), TopBar));
            });
            root.spawn(Node {
                flex_direction: FlexDirection::Row,
                column_gap: Val::Px(10.0),
                flex_grow: 1.0,
                ..default()
            })
            .with_children(|row| {
                // The floor.
                row.spawn((
                    Node {
                        width: Val::Px(DESK_W * DESKS_PER_ROW as f32 + DESK_GAP * 3.0),
                        flex_direction: FlexDirection::Column,
                        padding: UiRect::all(Val::Px(DESK_GAP)),
                        row_gap: Val::Px(6.0),
                        ..default()
                    },
                    BackgroundColor(PANEL),
                ))
                .with_children(|floor| {
                    floor.spawn(text("SOC FLOOR", 14.0, MUTED));
                    floor
                        .spawn(Node {
                            width: Val::Px(DESK_W * DESKS_PER_ROW as f32 + DESK_GAP),
                            height: Val::Px(
                                desks.div_ceil(DESKS_PER_ROW) as f32 * (DESK_H + DESK_GAP),
                            ),
                            ..default()
                        })
                        .with_children(|grid| {
                            for i in 0..desks {
                                let (x, y) = desk_xy(i);
                                grid.spawn((
                                    Node {
                                        position_type: PositionType::Absolute,
                                        left: Val::Px(x),
                                        top: Val::Px(y),
                                        width: Val::Px(DESK_W),
                                        height: Val::Px(DESK_H),
                                        padding: UiRect::all(Val::Px(6.0)),
                                        border: UiRect::all(Val::Px(2.0)),
                                        ..default()
                                    },
                                    BackgroundColor(Color::srgb(0.12, 0.16, 0.20)),
                                    BorderColor::all(Color::srgb(0.2, 0.25, 0.3)),
                                    DeskBox(i),
                                ))
                                .with_children(|d| {
                                    d.spawn((text("", 13.0, TEXT), FloorText(i)));
                                });
                            }
                            for f in 0..8 {
                                grid.spawn((
                                    Node {
                                        position_type: PositionType::Absolute,
                                        width: Val::Px(18.0),
                                        height: Val::Px(18.0),
                                        ..default()
                                    },
                                    BackgroundColor(Color::srgb(0.95, 0.65, 0.2)),
                                    Visibility::Hidden,
                                    Flight(f),
                                ));
                            }
                        });
                    floor.spawn((text("", 13.0, TEXT), FloorSummary));
                });
                // The console (or, when watching, the attacker revealed).
                row.spawn((
                    Node {
                        flex_grow: 1.0,
                        flex_direction: FlexDirection::Column,
                        padding: UiRect::all(Val::Px(10.0)),
                        overflow: Overflow::clip(),
                        ..default()
                    },
                    BackgroundColor(PANEL),
                ))
                .with_children(|c| {
                    let title = match game.mode {
                        Mode::Watch(_) => "REPLAY - THE ATTACKER REVEALED".to_string(),
                        Mode::Play { role, .. } => {
                            format!("YOUR CONSOLE - {}", role.label().to_uppercase())
                        }
                    };
                    c.spawn(text(&title, 14.0, MUTED));
                    c.spawn((text("", 15.0, TEXT), ConsoleText));
                });
            });
            // The debrief, over everything once the exercise ends.
            root.spawn((
                Node {
                    position_type: PositionType::Absolute,
                    left: Val::Px(40.0),
                    top: Val::Px(40.0),
                    right: Val::Px(40.0),
                    bottom: Val::Px(40.0),
                    padding: UiRect::all(Val::Px(16.0)),
                    flex_direction: FlexDirection::Column,
                    overflow: Overflow::clip(),
                    ..default()
                },
                BackgroundColor(Color::srgb(0.05, 0.07, 0.09)),
                Visibility::Hidden,
                Debrief,
            ))
            .with_children(|d| {
                d.spawn(text("DEBRIEF", 16.0, ACCENT));
                d.spawn((text("", 14.0, TEXT), DebriefText));
            });
        });
}

/// The window's font (Bevy's built-in Fira Mono subset) has no typographic symbols:
/// they are spelt in ASCII on screen.
fn ascii(s: &str) -> String {
    s.replace('·', "|")
        .replace('—', "-")
        .replace('→', "->")
        .replace('✔', "[ok]")
        .replace('✘', "[refused]")
        .replace('×', "x")
        .replace('↑', "up")
        .replace('↓', "down")
        .replace('…', "...")
}

/// Replaces a text only when it changed: a changed text is laid out again.
fn set(t: &mut Mut<Text>, s: String) {
    if t.0 != s {
        t.0 = s;
    }
}

fn desk_xy(i: usize) -> (f32, f32) {
    (
        (i % DESKS_PER_ROW) as f32 * (DESK_W + DESK_GAP),
        (i / DESKS_PER_ROW) as f32 * (DESK_H + DESK_GAP),
    )
}

/// Applies a console key: in play mode, actions go to the exercise.
fn press(game: &mut Game, key: Key) {
    match &mut game.mode {
        Mode::Watch(_) => {
            let t = game.t as u64;
            match key {
                Key::Char('p') | Key::Space => game.paused = !game.paused,
                Key::Char('+') | Key::Char('=') => game.speed = (game.speed * 2.0).min(3600.0),
                Key::Char('-') => game.speed = (game.speed / 2.0).max(0.1),
                // Seek: 10 simulated minutes back or forward.
                Key::Char('[') | Key::Up => seek(game, t.saturating_sub(600)),
                Key::Char(']') | Key::Down => seek(game, t + 600),
                _ => {}
            }
        }
        Mode::Play { seat, role } => {
            let (seat, role) = (*seat, *role);
            if game.confirm_end.take().is_some() {
                if key == Key::Char('y') && !game.ex.ended() {
                    let m = Timed {
                        t: game.ex.horizon(),
                        mv: Move::End,
                    };
                    if live::make_move(&mut game.ex, &m).is_ok() {
                        game.moves.push(m);
                        save(game);
                    }
                }
                return;
            }
            let Some(view) = game.ex.seat_view(seat) else {
                return;
            };
            let command = if role == Role::Tier1 {
                game.console.handle(&view, key)
            } else {
                game.role_console.handle(&view, &game.techniques, key)
            };
            match command {
                Command::Nothing => {}
                Command::TogglePause => game.paused = !game.paused,
                Command::Faster => game.speed = (game.speed * 2.0).min(3600.0),
                Command::Slower => game.speed = (game.speed / 2.0).max(0.1),
                Command::End if !game.ex.ended() => {
                    game.confirm_end = Some(format!(
                        "End the exercise now? Nobody acts from here on, the attack runs on without defenders to {}, and the exercise is scored on that. It cannot be undone. Press y to end, any other key to carry on.",
                        report::clock_hms(game.scenario.time_limit)
                    ));
                }
                Command::End => {}
                Command::Act(action) => {
                    let m = Timed {
                        t: game.ex.horizon(),
                        mv: Move::Act {
                            seat,
                            action: action.clone(),
                        },
                    };
                    let result = if game.ex.ended() {
                        Err("the exercise has ended".to_string())
                    } else {
                        live::make_move(&mut game.ex, &m)
                    };
                    if result.is_ok() {
                        game.moves.push(m);
                    }
                    if role == Role::Tier1 {
                        game.console.outcome(&action, &result);
                    } else {
                        game.role_console.outcome(&action, &result);
                    }
                }
            }
        }
    }
}

fn seek(game: &mut Game, t: u64) {
    if let Mode::Watch(rec) = &game.mode {
        let t = t.min(rec.scenario.time_limit);
        game.ex = rec.exercise_at(t);
        game.t = t as f64;
        game.handoffs_seen = usize::MAX; // no flights for what was skipped
    }
}

fn keyboard(mut keys: MessageReader<KeyboardInput>, mut game: NonSendMut<Game>) {
    for k in keys.read() {
        if k.state != ButtonState::Pressed {
            continue;
        }
        let key = match (&k.logical_key, k.key_code) {
            (_, KeyCode::ArrowUp) => Key::Up,
            (_, KeyCode::ArrowDown) => Key::Down,
            (_, KeyCode::Enter) => Key::Enter,
            (_, KeyCode::Escape) => Key::Escape,
            (_, KeyCode::Backspace) => Key::Backspace,
            (_, KeyCode::Space) => Key::Space,
            (BevyKey::Character(s), _) => match s.chars().next() {
                Some(c) => Key::Char(c),
                None => continue,
            },
            _ => continue,
        };
        press(&mut game, key);
    }
}

fn key_named(name: &str) -> Option<Key> {
    Some(match name {
        "up" => Key::Up,
        "down" => Key::Down,
        "enter" => Key::Enter,
        "escape" => Key::Escape,
        "backspace" => Key::Backspace,
        "space" => Key::Space,
        s if s.chars().count() == 1 => Key::Char(s.chars().next()?),
        _ => return None,
    })
}

/// Plays the scripted input sequence, one step per frame at most.
fn run_script(
    mut commands: Commands,
    mut game: NonSendMut<Game>,
    mut exit: MessageWriter<AppExit>,
) {
    game.frames += 1;
    if game.frames < 20 {
        return; // let the window and its first frames come up
    }
    let Some(step) = game.script.get(game.step).cloned() else {
        return;
    };
    if !game.pending_texts.is_empty() {
        return; // a screenshot is being taken
    }
    let seat = match game.mode {
        Mode::Play { seat, .. } => Some(seat),
        Mode::Watch(_) => None,
    };
    let view = seat.and_then(|s| game.ex.seat_view(s));
    let done = match &step {
        Step::Until(what) => match what.as_str() {
            "queue" => view.as_ref().is_some_and(|v| !v.queue.is_empty()),
            "idle" => view.as_ref().is_some_and(|v| v.working_on.is_none()),
            "held" => view.as_ref().is_some_and(|v| !v.held.is_empty()),
            "handoff" => game
                .ex
                .journal()
                .lines
                .iter()
                .any(|l| matches!(l.entry, socdrill_core::journal::Entry::HandoffSent { .. })),
            "ended" => game.ex.ended(),
            other => {
                eprintln!("script: unknown condition {other:?}");
                exit.write(AppExit::error());
                return;
            }
        },
        Step::Key(name) => {
            match key_named(name) {
                Some(k) => press(&mut game, k),
                None => {
                    eprintln!("script: unknown key {name:?}");
                    exit.write(AppExit::error());
                    return;
                }
            }
            true
        }
        Step::Type(s) => {
            for c in s.chars() {
                press(&mut game, Key::Char(c));
            }
            true
        }
        Step::Speed(x) => {
            game.speed = x.clamp(0.1, 3600.0);
            true
        }
        Step::End => {
            let t = game.ex.horizon();
            let m = Timed { t, mv: Move::End };
            if live::make_move(&mut game.ex, &m).is_ok() {
                game.moves.push(m);
            }
            true
        }
        Step::Screenshot(name) => {
            let Some(dir) = game.shots.clone() else {
                eprintln!("script: a screenshot needs --screenshots DIR");
                exit.write(AppExit::error());
                return;
            };
            let path = dir.join(format!("{name}.png"));
            commands
                .spawn(Screenshot::primary_window())
                .observe(save_to_disk(path));
            // The texts are written once the capture has had frames to complete.
            game.pending_texts.push((name.clone(), 0));
            true
        }
        Step::Exit => {
            save(&mut game);
            exit.write(AppExit::Success);
            true
        }
    };
    if done {
        game.step += 1;
    }
}

/// Writes the texts that were on screen next to a screenshot, a few frames after it
/// was requested (when the capture is done).
fn screenshots_done(mut game: NonSendMut<Game>, texts: Query<&Text>) {
    let Some((name, frames)) = game.pending_texts.first().cloned() else {
        return;
    };
    if frames < 6 {
        game.pending_texts[0].1 += 1;
        return;
    }
    let dir = game.shots.clone().expect("screenshots have a directory");
    let png = dir.join(format!("{name}.png"));
    if !png.exists() && frames < 600 {
        game.pending_texts[0].1 += 1;
        return;
    }
    let all: Vec<String> = texts.iter().map(|t| t.0.clone()).collect();
    if let Err(e) = std::fs::write(dir.join(format!("{name}.txt")), all.join("\n")) {
        eprintln!("cannot write the screen's texts: {e}");
    }
    game.pending_texts.remove(0);
}

/// Moves the clock by wall time × speed.
fn advance(time: Res<Time>, mut game: NonSendMut<Game>) {
    let game = &mut *game;
    if game.paused || game.ex.ended() {
        return;
    }
    let end = game.scenario.time_limit as f64;
    game.t = (game.t + time.delta_secs_f64() * game.speed).min(end);
    let target = game.t as u64;
    if let Mode::Watch(rec) = &game.mode {
        // Recorded moves are made again at their times.
        for m in rec.moves_between(game.ex.horizon(), target) {
            let _ = live::make_move(&mut game.ex, m);
        }
    }
    if target > game.ex.horizon() {
        game.ex.advance_to(target);
    }
    if game.ex.ended() {
        save(game);
    }
}

/// Writes a played exercise as a live journal directory, replayable and watchable.
fn save(game: &mut Game) {
    if game.saved || !matches!(game.mode, Mode::Play { .. }) {
        return;
    }
    game.saved = true;
    let Some(dir) = game.out.clone() else { return };
    let result = (|| -> Result<()> {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(
            dir.join("setup.json"),
            serde_json::to_string_pretty(&game.setup)? + "\n",
        )?;
        let moves: String = game
            .moves
            .iter()
            .map(|m| serde_json::to_string(m).expect("moves serialise") + "\n")
            .collect();
        std::fs::write(dir.join("moves.jsonl"), moves)?;
        let results = game.ex.ended().then(|| game.ex.results());
        crate::rundir::write(
            &dir,
            &crate::rundir::Files {
                journal: Some(game.ex.journal()),
                scenario_src: &game.scenario_src,
                actions_src: None,
                results: results.as_ref(),
                info: crate::rundir::Info {
                    play: true,
                    ..crate::rundir::Info::now()
                },
            },
        )
    })();
    match result {
        Ok(()) => eprintln!(
            "exercise saved in {} (socdrill replay {} · socdrill play --watch {})",
            dir.display(),
            dir.display(),
            dir.display()
        ),
        Err(e) => eprintln!("cannot save the exercise in {}: {e:#}", dir.display()),
    }
}

#[allow(
    clippy::type_complexity,
    reason = "a Bevy system's parameter set is one type: naming it would only move it"
)]
fn draw(
    time: Res<Time>,
    mut game: NonSendMut<Game>,
    mut texts: ParamSet<(
        Query<&mut Text, With<TopBar>>,
        Query<(&mut Text, &FloorText)>,
        Query<&mut Text, With<FloorSummary>>,
        Query<&mut Text, With<ConsoleText>>,
        Query<&mut Text, With<DebriefText>>,
    )>,
    mut desks: Query<(&DeskBox, &mut BorderColor)>,
    mut flights: Query<(&Flight, &mut Node, &mut Visibility), Without<Debrief>>,
    mut debrief: Query<&mut Visibility, With<Debrief>>,
) {
    let game = &mut *game;
    let workload = game.ex.workload();
    let player = match game.mode {
        Mode::Play { seat, .. } => Some(seat),
        Mode::Watch(_) => None,
    };
    let now = game.ex.horizon();
    let state = if game.ex.ended() {
        "ENDED"
    } else if game.paused {
        "PAUSED"
    } else {
        "RUNNING"
    };
    let mut top = format!(
        "socdrill · {} · {} · speed ×{} · {state}   (p pause · +/- speed{})",
        game.scenario.title,
        report::clock_hms(now),
        game.speed,
        if player.is_none() {
            " · [/] seek 10 min"
        } else {
            ""
        }
    );
    for b in [&game.banner, &game.confirm_end].into_iter().flatten() {
        top.push('\n');
        top.push_str(b);
    }
    if let Ok(mut t) = texts.p0().single_mut() {
        set(&mut t, ascii(&top));
    }
    let floor = console::floor(&workload, player);
    for (mut t, FloorText(i)) in texts.p1().iter_mut() {
        if let Some(d) = floor.get(*i) {
            set(
                &mut t,
                ascii(&format!(
                    "{} · {}\n{}\n{}\nwaiting for the role: {}",
                    d.name, d.who, d.role, d.doing, d.waiting
                )),
            );
        }
    }
    for (DeskBox(i), mut border) in desks.iter_mut() {
        let color = match floor.get(*i) {
            Some(d) if d.player => ACCENT,
            Some(d) if d.doing != "idle" => Color::srgb(0.35, 0.55, 0.35),
            _ => Color::srgb(0.2, 0.25, 0.3),
        };
        let new = BorderColor::all(color);
        if *border != new {
            *border = new;
        }
    }
    let tenants: Vec<String> = game
        .scenario
        .tenants
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let hosts = game.scenario.hosts.iter().filter(|h| h.tenant == i).count();
            let accounts = game
                .scenario
                .accounts
                .iter()
                .filter(|a| a.tenant == i)
                .count();
            format!("{} ({hosts} hosts, {accounts} accounts)", t.name)
        })
        .collect();
    let per_hour: Vec<String> = workload
        .alerts_per_hour
        .iter()
        .map(|n| n.to_string())
        .collect();
    if let Ok(mut t) = texts.p2().single_mut() {
        let summary = ascii(&format!(
            "Alerts raised {} · queue {} · open cases {} · incidents {}\nAlerts per hour: {}\nTenants: {}",
            workload.alerts_raised,
            workload.queue,
            workload.open_cases,
            workload.incidents,
            per_hour.join(" "),
            tenants.join("; ")
        ));
        set(&mut t, summary);
    }

    // Handoffs travel from the sender's desk to the first desk of the receiving role.
    let journal = &game.ex.journal().lines;
    let sent: Vec<(u16, Role)> = journal
        .iter()
        .filter_map(|l| match &l.entry {
            socdrill_core::journal::Entry::HandoffSent { seat, draft, .. } => {
                Some((*seat, draft.to))
            }
            _ => None,
        })
        .collect();
    if game.handoffs_seen == usize::MAX {
        game.handoffs_seen = sent.len();
    }
    for &(from, to) in sent.iter().skip(game.handoffs_seen) {
        game.flights.push((from, to, 0.0));
    }
    game.handoffs_seen = sent.len();
    let dt = time.delta_secs();
    for f in &mut game.flights {
        f.2 += dt / 1.5;
    }
    game.flights.retain(|f| f.2 < 1.0);
    let target = |role: Role| workload.desks.iter().position(|d| d.role == role);
    for (Flight(i), mut node, mut vis) in flights.iter_mut() {
        match game.flights.get(*i) {
            Some(&(from, to, p)) => {
                let (x0, y0) = desk_xy(from as usize);
                let (x1, y1) = desk_xy(target(to).unwrap_or(from as usize));
                node.left = Val::Px(x0 + (x1 - x0) * p + DESK_W / 2.0);
                node.top = Val::Px(y0 + (y1 - y0) * p + DESK_H / 2.0);
                *vis = Visibility::Visible;
            }
            None => *vis = Visibility::Hidden,
        }
    }

    let console = match &game.mode {
        Mode::Play { seat, role } => match game.ex.seat_view(*seat) {
            Some(v) if *role == Role::Tier1 => {
                game.console.sync(&v);
                console::console_text(&v, &game.console).join("\n")
            }
            Some(v) => role_console::role_text(&v, &game.role_console, &game.techniques).join("\n"),
            None => String::new(),
        },
        Mode::Watch(_) => watch::truth_text(&game.ex),
    };
    if let Ok(mut t) = texts.p3().single_mut() {
        set(&mut t, ascii(&console));
    }
    let ended = game.ex.ended();
    if let Ok(mut v) = debrief.single_mut() {
        *v = if ended {
            Visibility::Visible
        } else {
            Visibility::Hidden
        };
    }
    if ended
        && let Ok(mut t) = texts.p4().single_mut()
        && t.0.is_empty()
    {
        t.0 = ascii(&watch::debrief_text(&game.scenario, &game.ex));
    }
}

/// `--bench-frames N`: prints frame-time figures after N frames and closes.
fn bench_frames(time: Res<Time>, mut game: NonSendMut<Game>, mut exit: MessageWriter<AppExit>) {
    let Some((n, times, started)) = game.bench.as_mut() else {
        return;
    };
    times.push(time.delta_secs_f64() * 1e3);
    if times.len() as u32 >= *n {
        let mut t: Vec<f64> = times.iter().skip(10).copied().collect();
        t.sort_by(f64::total_cmp);
        let q = |p: f64| t[((t.len() - 1) as f64 * p).round() as usize];
        println!(
            "frames {} in {:.1} s · frame time p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
            times.len(),
            started.elapsed().as_secs_f64(),
            q(0.5),
            q(0.99),
            t[t.len() - 1]
        );
        exit.write(AppExit::Success);
    }
}
