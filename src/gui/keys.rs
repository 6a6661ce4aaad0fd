//! The keyboard: each key goes to the player's console (or, when watching, moves
//! the recording); the actions that result go to the exercise.

use bevy::input::ButtonState;
use bevy::input::keyboard::{Key as BevyKey, KeyboardInput};
use bevy::prelude::*;

use socdrill_core::SimTime;
use socdrill_core::live::{self, Move, Timed};
use socdrill_core::scenario::Role;

use super::console::{Command, Key};
use super::game::*;
use super::pace::save;

/// Feeds the keyboard to the console.
pub(super) struct KeysPlugin;

impl Plugin for KeysPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, keyboard.in_set(Frame::Keys));
    }
}

/// Applies a console key: in play mode, actions go to the exercise.
pub(super) fn press(game: &mut Game, key: Key) {
    match &mut game.mode {
        Mode::Watch(_) => {
            let t = SimTime::from_secs(game.t as u64);
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
                        game.scenario.time_limit_at().hms()
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

pub(super) fn seek(game: &mut Game, t: SimTime) {
    if let Mode::Watch(rec) = &game.mode {
        let t = t.min(rec.scenario.time_limit_at());
        game.ex = rec.exercise_at(t);
        game.t = t.secs() as f64;
        game.handoffs_seen = usize::MAX; // no flights for what was skipped
    }
}

pub(super) fn keyboard(mut keys: MessageReader<KeyboardInput>, mut game: NonSendMut<Game>) {
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

pub(super) fn key_named(name: &str) -> Option<Key> {
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
