//! The `socdrill` binary: the command line (`cli/`, one file per command), the live
//! server (`serve/`), the game window (`gui/`, behind the `gui` feature), the exercise
//! history and run directories. Every simulation lives in the `socdrill-core` crate;
//! this file only dispatches.

#[macro_use]
mod output;

mod cli;
mod gui;
mod history;
mod input;
mod rundir;
mod serve;

/// mimalloc: the simulation allocates many small, short-lived values; glibc's allocator
/// spent about a quarter of a batch's time in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser as _;

use cli::{Cli, Command, HistoryAction};
use cli::{batch, check, history as history_cmd, play, replay, report, run, scenarios, sigma};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(c) => run::run(&c),
        Command::Check { files } => check::check(&files),
        Command::Replay { dir } => replay::replay(&dir),
        Command::Report { run, format, out } => report::report(&run, &format, out.as_deref()),
        Command::Compare {
            runs,
            out,
            team,
            scenario,
            trainee,
            db,
        } => {
            if runs.is_empty() {
                history_cmd::compare_from_history(
                    &history::Filter {
                        team,
                        scenario,
                        participant: trainee,
                        ..history::Filter::default()
                    },
                    db.as_deref(),
                    out.as_deref(),
                )
            } else {
                report::compare(&runs, out.as_deref())
            }
        }
        Command::History {
            action,
            team,
            scenario,
            since,
            source,
            trainee,
            json,
            csv,
            db,
        } => match action {
            Some(HistoryAction::Import { dirs, db }) => history_cmd::history_import(&dirs, &db),
            None => history_cmd::history_list(
                &history::Filter {
                    team,
                    scenario,
                    since,
                    source,
                    participant: trainee,
                },
                db.as_deref(),
                json,
                csv,
            ),
        },
        Command::Batch {
            scenario,
            seeds,
            bots,
            variants,
            jobs,
            out,
            json,
            navigator,
            shard,
            actions,
            team,
            db,
            detections_from,
            sigma_levels,
        } => batch::batch(&batch::BatchArgs {
            scenario: scenario.as_deref(),
            seeds: &seeds,
            bots: &bots,
            variants: &variants,
            jobs,
            out: out.as_deref(),
            json,
            navigator: navigator.as_deref(),
            shard: shard.as_deref(),
            actions: actions.as_deref(),
            team: team.as_deref(),
            db: db.location(),
            detections_from: detections_from.as_deref(),
            sigma_levels: sigma_levels.as_deref(),
        }),
        Command::BatchMerge {
            dirs,
            json,
            out,
            navigator,
        } => batch::merge_cmd(&dirs, out.as_deref(), navigator.as_deref(), json),
        Command::Par {
            scenario,
            jobs,
            dry_run,
        } => batch::par_cmd(scenario.as_deref(), jobs, dry_run),
        Command::ImportSigma {
            dir,
            scenario,
            sigma_levels,
            out,
        } => sigma::import_cmd(
            &dir,
            scenario.as_deref(),
            sigma_levels.as_deref(),
            out.as_deref(),
        ),
        Command::Serve {
            scenario,
            seed,
            bind,
            speed,
            bots,
            solo,
            journal,
            resume,
            allow_origin,
            header_timeout,
            max_connections,
            max_per_address,
            heartbeat,
            max_boards,
            tls_cert,
            tls_key,
            bot_wait,
            team,
            db,
        } => serve::serve(&serve::ServeArgs {
            scenario: scenario.as_deref(),
            seed,
            bind: &bind,
            speed,
            bots: &bots,
            solo: solo.as_deref(),
            journal: journal.as_deref(),
            resume: resume.as_deref(),
            allow_origin: &allow_origin,
            limits: serve::Limits {
                header_timeout: std::time::Duration::from_secs(header_timeout),
                max_connections,
                max_per_address,
                heartbeat: std::time::Duration::from_secs(heartbeat),
                max_boards,
            },
            tls: tls_cert.as_deref().zip(tls_key.as_deref()),
            bot_wait,
            team: team.as_deref(),
            history: db.location(),
        }),
        Command::Play(c) => play::play(c),
        Command::Scenarios { dir } => scenarios::list(dir.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
