//! `socdrill play`: the game window. `console.rs` (Tier 1's console and the floor) and
//! `role_console.rs` (every other role's console) are its logic without the window:
//! what each shows, built from the views every front end reads, and what each key does.
//! They compile and are tested in every build; the window that draws them
//! (`window.rs`; its state in `game.rs`; one plugin per file: `keys.rs`,
//! `script.rs`, `pace.rs`, `draw.rs`, `bench.rs`) and the recorded-run viewer (`watch.rs`) come with the `gui` feature.
#![cfg_attr(
    not(feature = "gui"),
    allow(
        dead_code,
        reason = "without the window only the consoles' tests use their logic"
    )
)]

#[cfg(feature = "gui")]
mod bench;
pub(crate) mod console;
#[cfg(feature = "gui")]
mod draw;
#[cfg(feature = "gui")]
mod game;
#[cfg(feature = "gui")]
mod keys;
#[cfg(feature = "gui")]
mod pace;
pub(crate) mod role_console;
#[cfg(feature = "gui")]
mod script;
#[cfg(feature = "gui")]
mod watch;
#[cfg(feature = "gui")]
mod window;

#[cfg(feature = "gui")]
pub use window::{PlayArgs, play};
