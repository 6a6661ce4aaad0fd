//! `socdrill run`: one exercise headless, its scorecard, and its run directory.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use socdrill_core::{Exercise, bots};

use crate::input::{load_scenario, load_script};
use crate::rundir;

/// `run`'s arguments.
pub(crate) struct RunArgs<'a> {
    pub(crate) path: Option<&'a Path>,
    pub(crate) seed: u64,
    pub(crate) profile: &'a str,
    pub(crate) actions: Option<&'a Path>,
    pub(crate) out: Option<&'a Path>,
    pub(crate) json: bool,
    pub(crate) end_at: Option<u64>,
    pub(crate) max_events: u64,
    pub(crate) team: Option<&'a str>,
    pub(crate) db: Option<PathBuf>,
}

/// Runs an exercise to its end, or ends it at `end_at` the way a facilitator would.
pub(crate) fn simulate(ex: &mut Exercise, end_at: Option<u64>) {
    match end_at {
        Some(t) if t < ex.scenario().time_limit => {
            ex.advance_to(t);
            // Ending early is refused only when the exercise is already over (every
            // intrusion resolved before `t`): then there is nothing left to stop.
            if ex.end_now().is_err() {
                ex.run_to_end();
            }
        }
        _ => ex.run_to_end(),
    }
}

/// Runs one exercise, prints its scorecard (or results as JSON) and keeps its run
/// directory when asked.
pub(crate) fn run(a: &RunArgs) -> Result<ExitCode> {
    let RunArgs {
        path,
        seed,
        profile,
        actions,
        out,
        json,
        end_at,
        max_events,
        team,
        ref db,
    } = *a;
    let (scenario, src, _) = load_scenario(path)?;
    let (script, script_src) = load_script(actions, &scenario)?;
    let profile =
        bots::profile_named(profile).with_context(|| format!("unknown bot profile {profile:?}"))?;
    if let Some(t) = end_at
        && t >= scenario.time_limit
    {
        bail!(
            "--end-at {} is not before the scenario's time limit ({}): leave it out to run to the limit",
            socdrill_core::report::span(t),
            socdrill_core::report::span(scenario.time_limit)
        );
    }
    let mut ex = Exercise::new(scenario.clone(), seed, profile, &script);
    ex.set_event_budget(max_events);
    simulate(&mut ex, end_at);
    if let Some(why) = ex.over_budget() {
        bail!(
            "{}: {why} (or, if it is meant, raise the budget with --max-events)",
            path.map_or_else(
                || "the built-in scenario".to_string(),
                |p| p.display().to_string()
            )
        );
    }
    let results = ex.results();
    let results_json = serde_json::to_string_pretty(&results)?;
    if let Some(dir) = out {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
        };
        write("journal.jsonl", &ex.journal().to_jsonl())?;
        write("scenario.ron", &src)?;
        if let Some(s) = &script_src {
            write("actions.ron", s)?;
        }
        write("results.json", &(results_json.clone() + "\n"))?;
        // When it ran lives beside the results, not in them: results stay reproducible.
        rundir::write_info(
            dir,
            &rundir::Info {
                team: team.map(str::to_string),
                max_events: Some(max_events),
                ..rundir::Info::now()
            },
        )?;
        crate::rundir::record_in_history(db.as_deref(), dir);
    }
    if json {
        say!("{results_json}");
    } else {
        say_raw!("{}", super::card::scorecard(&results));
        if let Some(dir) = out {
            say!("results and journal written to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
