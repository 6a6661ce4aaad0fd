//! The window's clock: wall time × speed moves the exercise; when it ends, the
//! played exercise is saved (`--out`).

use anyhow::Result;
use bevy::prelude::*;

use socdrill_core::{SimTime, live};

use super::game::*;

/// Moves the exercise's clock each frame.
pub(super) struct PacePlugin;

impl Plugin for PacePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, advance.in_set(Frame::Pace));
    }
}

/// Moves the clock by wall time × speed.
pub(super) fn advance(time: Res<Time>, mut game: NonSendMut<Game>) {
    let game = &mut *game;
    if game.paused || game.ex.ended() {
        return;
    }
    let end = game.scenario.time_limit as f64;
    game.t = (game.t + time.delta_secs_f64() * game.speed).min(end);
    let target = SimTime::from_secs(game.t as u64);
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
pub(super) fn save(game: &mut Game) {
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
