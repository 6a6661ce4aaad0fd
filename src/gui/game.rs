//! The window's state, shared by its plugins: the exercise and what the player is
//! doing, the order of each frame's steps, the scripted steps, and the window's
//! colours and sizes.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use bevy::prelude::*;
use serde::Deserialize;

use socdrill_core::Exercise;
use socdrill_core::live::{Setup, Timed};
use socdrill_core::scenario::{Role, Scenario};
use socdrill_core::soc::SeatId;

use super::console::Console;
use super::role_console::RoleConsole;
use super::watch;

/// One step of a scripted input sequence (`--script FILE`, JSON list), for tests and
/// demonstrations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(super) enum Step {
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
    /// Simulated time shown, in seconds from T+0, as a float so slow speeds still move
    /// (the exercise is advanced to its whole seconds).
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

/// A text in the window's font.
pub(super) fn text(s: &str, size: f32, color: Color) -> (Text, TextFont, TextColor) {
    (
        Text::new(s),
        TextFont::from_font_size(size),
        TextColor(color),
    )
}
