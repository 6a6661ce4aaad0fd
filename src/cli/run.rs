//! `socdrill run`: one exercise headless, its scorecard, and its run directory.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use socdrill_core::{Exercise, SimTime, bots};

use super::DbArgs;
use crate::input::{load_scenario, load_script};
use crate::rundir;

/// `run`'s arguments.
#[derive(clap::Args)]
pub(crate) struct RunCmd {
    /// Scenario file (.ron). Without it, the built-in default scenario runs.
    pub(crate) scenario: Option<PathBuf>,
    /// Master seed: the same seed, scenario and actions give the same exercise.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Bot skill profile for every unscripted seat.
    #[arg(long, default_value = "competent", value_parser = ["novice", "competent", "expert"])]
    pub(crate) bots: String,
    /// Timed actions for some seats (see ACTIONS.md); those seats are not played by bots.
    #[arg(long)]
    pub(crate) actions: Option<PathBuf>,
    /// Write results.json, journal.jsonl and the inputs needed to replay into DIR.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Print the results as JSON instead of the scorecard.
    #[arg(long)]
    pub(crate) json: bool,
    /// End the exercise at this simulated time (e.g. `6m`, `1h30m`), as a facilitator
    /// pressing End would: the defenders stand down there and the attack runs on to
    /// the time limit without them; the exercise is scored on that.
    #[arg(long, value_name = "DURATION", value_parser = crate::input::parse_end_at)]
    pub(crate) end_at: Option<SimTime>,
    /// The most simulated events the exercise may fire before it is stopped as
    /// runaway (a scenario asking for more work than it can mean).
    #[arg(long, value_name = "N", default_value_t = socdrill_core::sim::DEFAULT_EVENT_BUDGET)]
    pub(crate) max_events: u64,
    /// The team that played, for the history (`socdrill history --team`).
    #[arg(long, value_name = "NAME")]
    pub(crate) team: Option<String>,
    /// With --out, the exercise is recorded in the history.
    #[command(flatten)]
    pub(crate) db: DbArgs,
}

/// Runs an exercise to its end, or ends it at `end_at` the way a facilitator would.
pub(crate) fn simulate(ex: &mut Exercise, end_at: Option<SimTime>) {
    match end_at {
        Some(t) if t < ex.scenario().time_limit_at() => {
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
pub(crate) fn run(c: &RunCmd) -> Result<ExitCode> {
    let (path, out, end_at, max_events) = (
        c.scenario.as_deref(),
        c.out.as_deref(),
        c.end_at,
        c.max_events,
    );
    let (scenario, src, _) = load_scenario(path)?;
    let (script, script_src) = load_script(c.actions.as_deref(), &scenario)?;
    let profile = bots::profile_named(&c.bots)
        .with_context(|| format!("unknown bot profile {:?}", c.bots))?;
    if let Some(t) = end_at
        && t >= scenario.time_limit_at()
    {
        bail!(
            "--end-at {} is not before the scenario's time limit ({}): leave it out to run to the limit",
            socdrill_core::report::span(t.secs()),
            socdrill_core::report::span(scenario.time_limit)
        );
    }
    let mut ex = Exercise::new(scenario.clone(), c.seed, profile, &script);
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
        rundir::write(
            dir,
            &rundir::Files {
                journal: Some(ex.journal()),
                scenario_src: &src,
                actions_src: script_src.as_deref(),
                results: Some(&results),
                info: rundir::Info {
                    team: c.team.clone(),
                    max_events: Some(max_events),
                    ..rundir::Info::now()
                },
            },
        )?;
        crate::rundir::record_in_history(c.db.location().as_deref(), dir);
    }
    if c.json {
        say!("{results_json}");
    } else {
        say_raw!("{}", super::card::scorecard(&results));
        if let Some(dir) = out {
            say!("results and journal written to {}", dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
