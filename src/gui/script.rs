//! A scripted input sequence (`--script FILE`) and `--screenshots`: how tests and
//! demonstrations drive the window.

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

use socdrill_core::live::{self, Move, Timed};

use super::console::Key;
use super::game::*;
use super::keys::{key_named, press};
use super::pace::save;

/// Plays the script and writes what screenshots showed.
pub(super) struct ScriptPlugin;

impl Plugin for ScriptPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, run_script.in_set(Frame::Script))
            .add_systems(Update, screenshots_done.in_set(Frame::Screenshots));
    }
}

/// Plays the scripted input sequence, one step per frame at most.
pub(super) fn run_script(
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
pub(super) fn screenshots_done(mut game: NonSendMut<Game>, texts: Query<&Text>) {
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
