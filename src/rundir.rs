//! Run directories: what `run --out`, `serve` and `play --out` write, and what `replay`,
//! `report`, `compare`, the game window's watch and the history read. One place knows
//! the files and checks them.
//!
//! A run directory holds `results.json` (the scorecard, schema-checked on reading),
//! `journal.jsonl`, `scenario.ron` and, when scripted, `actions.ron` — all a replay
//! needs — and `run.json`: when it ran, by which socdrill, for which team, how. A live
//! exercise's directory adds `live.json`, `setup.json` and `moves.jsonl`.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use socdrill_core::journal;
use socdrill_core::scenario::Scenario;

use crate::input::{load_scenario, read_text};

/// `DIR/run.json`: how the run came about. Nothing in it is needed to read the run, and
/// every field may be missing in directories written by earlier versions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Info {
    /// When it ran (UTC, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The socdrill version that ran it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socdrill: Option<String>,
    /// The team that played (`--team`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// A live exercise (`serve`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live: bool,
    /// Played in the game window (`play --out`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub play: bool,
    /// The event budget it ran with (`run --max-events`); a replay uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_events: Option<u64>,
}

impl Info {
    /// Now, by this socdrill.
    pub fn now() -> Info {
        Info {
            date: Some(utc_now()),
            socdrill: Some(env!("CARGO_PKG_VERSION").to_string()),
            ..Info::default()
        }
    }

    /// How the exercise was played, as the history records it.
    pub fn source(&self) -> &'static str {
        if self.live {
            "serve"
        } else if self.play {
            "play"
        } else {
            "run"
        }
    }
}

/// What a front end writes into a run directory; each writes what it has. `serve`
/// streams its journal while the exercise runs and leaves it out here; an exercise
/// that has not ended (a window closed early) has no results yet.
pub struct Files<'a> {
    /// The journal, as JSON lines.
    pub journal: Option<&'a journal::Journal>,
    /// The scenario's text, for a replay.
    pub scenario_src: &'a str,
    /// The actions file's text, when some seats were scripted.
    pub actions_src: Option<&'a str>,
    /// The results, once the exercise ended.
    pub results: Option<&'a socdrill_core::score::Results>,
    /// How it came about.
    pub info: Info,
}

/// Writes a run directory's files (creating the directory), naming any file that
/// cannot be written.
pub fn write(dir: &Path, files: &Files) -> Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let put = |name: &str, text: &str| {
        let p = dir.join(name);
        fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
    };
    if let Some(j) = files.journal {
        put("journal.jsonl", &j.to_jsonl())?;
    }
    put("scenario.ron", files.scenario_src)?;
    if let Some(a) = files.actions_src {
        put("actions.ron", a)?;
    }
    if let Some(r) = files.results {
        put("results.json", &(serde_json::to_string_pretty(r)? + "\n"))?;
    }
    // When it ran lives beside the results, not in them: results stay reproducible.
    put(
        "run.json",
        &(serde_json::to_string_pretty(&files.info)? + "\n"),
    )
}

/// `DIR/run.json`, if it is there and readable.
pub fn info(dir: &Path) -> Option<Info> {
    serde_json::from_str(&fs::read_to_string(dir.join("run.json")).ok()?).ok()
}

/// The current time as RFC 3339 UTC, for `run.json` (never part of the results).
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Reads `DIR/results.json`, refusing a missing, truncated or foreign file clearly.
pub fn results(dir: &Path) -> Result<socdrill_core::score::Results> {
    if !dir.is_dir() {
        bail!(
            "{} is not a directory: give a directory written by `socdrill run --out DIR`",
            dir.display()
        );
    }
    let path = dir.join("results.json");
    if !path.is_file() {
        bail!(
            "{} has no results.json: it is not a run directory (write one with `socdrill run --out {}`)",
            dir.display(),
            dir.display()
        );
    }
    socdrill_core::report::compare::parse_results(&read_text(&path)?).map_err(|e| {
        let (line, column) = e.at();
        anyhow::anyhow!(
            "{}:{line}:{column}: {e}; the run directory is damaged (write it again with `socdrill run --out`)",
            path.display()
        )
    })
}

/// A run directory, checked: its journal parses and matches its results.
pub struct Run {
    pub results: socdrill_core::score::Results,
    /// The scenario it played.
    pub scenario: Arc<Scenario>,
    pub journal: journal::Journal,
    /// When it ran, if `run.json` says.
    pub date: Option<String>,
}

/// Reads a run directory whole, checking that its journal parses and is the one its
/// results were scored from.
pub fn load(dir: &Path) -> Result<Run> {
    let results = results(dir)?;
    let scenario_path = dir.join("scenario.ron");
    if !scenario_path.is_file() {
        bail!(
            "{} has no scenario.ron: it is not a complete run directory",
            dir.display()
        );
    }
    let (scenario, _, _) = load_scenario(Some(&scenario_path))?;
    let journal_path = dir.join("journal.jsonl");
    if !journal_path.is_file() {
        bail!(
            "{} has no journal.jsonl: it is not a complete run directory",
            dir.display()
        );
    }
    let text = read_text(&journal_path)?;
    let journal = journal::parse_jsonl(&text).map_err(|b| {
        anyhow::anyhow!(
            "{}:{}:{}: {}",
            journal_path.display(),
            b.line,
            b.column,
            b.message
        )
    })?;
    if !journal::is_digest_of(&results.digest, &journal, &text) {
        bail!(
            "{} does not match {}: the journal's digest is {}, the results say {}; the directory was edited or mixed (`socdrill replay` shows where)",
            journal_path.display(),
            dir.join("results.json").display(),
            journal.digest(),
            results.digest
        );
    }
    if results.scenario != scenario.id {
        bail!(
            "{}: results are for scenario {:?} but scenario.ron is {:?}",
            dir.display(),
            results.scenario,
            scenario.id
        );
    }
    Ok(Run {
        results,
        scenario,
        journal,
        date: info(dir).and_then(|i| i.date),
    })
}

/// A run directory's exercise as the history records it: its results, when it ran, for
/// which team, and how it was played.
pub fn for_history(dir: &Path) -> Result<crate::history::RunDir<'_>> {
    let info = info(dir).unwrap_or_default();
    Ok(crate::history::RunDir {
        dir,
        results: results(dir)?,
        date: info.date.clone(),
        team: info.team.clone(),
        source: info.source(),
    })
}

/// Records a run directory in the history, if there is one. The exercise is already
/// safe in its directory, so a history that cannot take it is a warning, with how to
/// add it later.
pub(crate) fn record_in_history(db: Option<&Path>, dir: &Path) {
    let Some(path) = db else { return };
    let done =
        crate::history::History::open(path).and_then(|mut h| h.record_dir(&for_history(dir)?));
    match done {
        Ok(_) => eprintln!(
            "recorded in the history {} (`socdrill history` lists it; --no-db records nothing)",
            path.display()
        ),
        Err(e) => eprintln!(
            "warning: the exercise was not recorded in the history: {e:#}; once that is fixed, `socdrill history import {}` adds it",
            dir.display()
        ),
    }
}
