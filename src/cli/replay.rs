//! `socdrill replay`: re-simulate a run directory and compare it line by line with
//! its journal (a live session's too).

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use socdrill_core::{Exercise, SimTime, bots, journal};

use crate::input::{load_scenario, load_script, read_text};
use crate::rundir;

/// Re-simulates a run directory and compares it with its journal line by line.
pub(crate) fn replay(dir: &Path) -> Result<ExitCode> {
    if !dir.is_dir() {
        bail!(
            "{} is not a directory: give a directory written by `socdrill run --out DIR`",
            dir.display()
        );
    }
    if dir.join("setup.json").exists() {
        return replay_live(dir);
    }
    let results = rundir::results(dir)?;
    let (seed, bots_name) = (results.seed, results.bots.as_str());
    let (scenario, _, _) = load_scenario(Some(&dir.join("scenario.ron")))?;
    let actions = dir.join("actions.ron");
    let (script, _) = load_script(actions.exists().then_some(actions.as_path()), &scenario)?;
    let profile = bots::profile_named(bots_name)
        .with_context(|| format!("unknown bot profile {bots_name:?} in results.json"))?;
    let recorded = read_text(&dir.join("journal.jsonl"))?;
    let mut ex = Exercise::new(scenario, seed, profile, &script);
    // A run given a larger event budget (`run --max-events`) is replayed with it.
    if let Some(n) = rundir::info(dir).and_then(|i| i.max_events) {
        ex.set_event_budget(n);
    }
    // A run ended early (`run --end-at`) is ended at the same time again.
    let end_at =
        (results.ended_by == socdrill_core::score::EndedBy::Defenders).then_some(results.ended_at);
    super::run::simulate(&mut ex, end_at);
    if let Some(d) = journal::first_divergence(&recorded, ex.journal()) {
        report_divergence(dir, &d);
        return Ok(ExitCode::from(1));
    }
    let digest = ex.journal().digest();
    if !journal::is_digest_of(&results.digest, ex.journal(), &recorded) {
        eprintln!(
            "the journal replays, but results.json carries a different digest than the journal's {digest}"
        );
        return Ok(ExitCode::from(1));
    }
    say!(
        "replay ok: {} journal lines match; digest {digest}",
        ex.journal().lines.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints where a replay first differs from the recorded journal.
pub(crate) fn report_divergence(dir: &Path, d: &journal::Divergence) {
    eprintln!("replay diverges at journal line {}:", d.line);
    eprintln!(
        "  recorded: {}",
        d.recorded.as_deref().unwrap_or("(journal ends here)")
    );
    eprintln!(
        "  replayed: {}",
        d.replayed.as_deref().unwrap_or("(simulation ends here)")
    );
    // A run from another version of the simulation is not expected to replay here.
    let recorded_by = rundir::info(dir).and_then(|i| i.socdrill);
    let this = env!("CARGO_PKG_VERSION");
    if let Some(v) = recorded_by.filter(|v| v != this) {
        eprintln!(
            "  the run was recorded by socdrill {v} and this is {this}: the simulation changed between them, so replay it with socdrill {v} (its report and results still read here)"
        );
    }
}

/// Replays a live exercise's directory (written by `serve`): its recorded moves, played
/// again at their times, must give the journal it wrote.
pub(crate) fn replay_live(dir: &Path) -> Result<ExitCode> {
    let setup_path = dir.join("setup.json");
    let setup: socdrill_core::live::Setup = serde_json::from_str(&read_text(&setup_path)?)
        .map_err(|e| {
            anyhow::Error::msg(socdrill_core::scenario::diag::json_problem(
                setup_path.display(),
                &e,
            ))
        })?;
    let (scenario, _, _) = load_scenario(Some(&dir.join("scenario.ron")))?;
    let profile = bots::profile_named(&setup.bots).with_context(|| {
        format!(
            "{}: unknown bot profile {:?}",
            setup_path.display(),
            setup.bots
        )
    })?;
    let moves_path = dir.join("moves.jsonl");
    let text = if moves_path.exists() {
        read_text(&moves_path)?
    } else {
        String::new()
    };
    let at = |line: usize, msg: &str| anyhow::anyhow!("{}:{line}:1: {msg}", moves_path.display());
    let (moves, torn) =
        socdrill_core::live::parse_moves(&text).map_err(|e| at(e.line, &e.message))?;
    let scenario = setup
        .scenario(&scenario)
        .map_err(|e| anyhow::anyhow!("{}: staffing: {e}", setup_path.display()))?;
    let mut ex = Exercise::new(scenario, setup.seed, profile, &setup.script());
    socdrill_core::live::replay(&mut ex, &moves).map_err(|e| at(e.line, &e.message))?;
    let recorded = read_text(&dir.join("journal.jsonl"))?;
    let results_path = dir.join("results.json");
    let finished = results_path.exists();
    let checked = if finished {
        ex.run_to_end();
        ex.journal().clone()
    } else {
        // Still running when it stopped: check the lines it wrote.
        let n = recorded.lines().count();
        let last_t = recorded
            .lines()
            .last()
            .and_then(|l| serde_json::from_str::<journal::Line>(l).ok())
            .map_or(SimTime::ZERO, |l| l.t);
        ex.advance_to(last_t.max(ex.horizon()));
        let mut j = ex.journal().clone();
        j.lines.truncate(n);
        j
    };
    if let Some(d) = journal::first_divergence(&recorded, &checked) {
        report_divergence(dir, &d);
        return Ok(ExitCode::from(1));
    }
    let digest = checked.digest();
    if finished {
        let results = rundir::results(dir)?;
        if !journal::is_digest_of(&results.digest, &checked, &recorded) {
            eprintln!(
                "the journal replays, but results.json carries a different digest than the journal's {digest}"
            );
            return Ok(ExitCode::from(1));
        }
        say!(
            "replay ok (live exercise, {} recorded moves): {} journal lines match; digest {digest}",
            moves.len(),
            checked.lines.len()
        );
    } else {
        say!(
            "replay ok so far (live exercise not finished{}): {} journal lines match; continue it with socdrill serve --resume {}",
            if torn {
                "; a torn last move was dropped"
            } else {
                ""
            },
            checked.lines.len(),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
