//! `socdrill history` and the history behind `run`, `serve`, `batch` and `compare`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::DbArgs;
use crate::{history, rundir};

/// `socdrill history`: the recorded exercises, as a table, JSON or CSV.
pub(crate) fn history_list(
    filter: &history::Filter,
    db: Option<&Path>,
    json: bool,
    csv: bool,
) -> Result<ExitCode> {
    if let Some(d) = &filter.since {
        let b = d.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
        if !(b.len() >= 10
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10))
        {
            bail!("--since {d:?} is not a date: give it as YYYY-MM-DD (UTC), such as 2026-11-01");
        }
    }
    let path = history::location(db, false).context(
        "no history: give --db PATH or set SOCDRILL_DB (no data directory is known here)",
    )?;
    if !path.exists() {
        bail!(
            "{}: no history there yet: `run --out`, `serve` and `batch` record exercises, and `socdrill history import DIR...` indexes run directories",
            path.display()
        );
    }
    let h = history::History::open(&path)?;
    let rows = h.list(filter)?;
    if json {
        say!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    let num = |v: &serde_json::Value| v.as_f64().map_or(String::new(), |x| format!("{x:.1}"));
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
    let dwell = |r: &serde_json::Value| {
        r["intrusions"]
            .as_array()
            .map(|i| {
                i.iter()
                    .map(|x| {
                        x["dwell_seconds"]
                            .as_u64()
                            .map_or("–".into(), socdrill_core::report::span)
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    let players = |r: &serde_json::Value| {
        r["participants"]
            .as_array()
            .map(|p| {
                p.iter()
                    .map(|x| format!("{} ({})", text(&x["name"]), text(&x["seat"])))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default()
    };
    if csv {
        let mut o = String::from(
            "recorded_at,source,team,scenario,seed,arm,bots,team_score,dwell,participants,digest,run_dir\n",
        );
        for r in &rows {
            let fields = [
                text(&r["recorded_at"]),
                text(&r["source"]),
                text(&r["team"]),
                text(&r["scenario"]),
                r["seed"].to_string(),
                text(&r["arm"]),
                text(&r["bots"]),
                num(&r["team_score"]),
                dwell(r),
                players(r),
                text(&r["digest"]),
                text(&r["run_dir"]),
            ];
            let quoted: Vec<String> = fields
                .iter()
                .map(|f| {
                    if f.contains([',', '"', '\n']) {
                        format!("\"{}\"", f.replace('"', "\"\""))
                    } else {
                        f.clone()
                    }
                })
                .collect();
            o.push_str(&quoted.join(","));
            o.push('\n');
        }
        say_raw!("{o}");
        return Ok(ExitCode::SUCCESS);
    }
    say!("{} exercise(s) in {}", rows.len(), h.path().display());
    if !rows.is_empty() {
        say!(
            "{:<20} {:<6} {:<14} {:<22} {:>6} {:<10} {:>6}  {:<14} {}",
            "recorded (UTC)",
            "source",
            "team",
            "scenario",
            "seed",
            "bots",
            "score",
            "dwell",
            "participants"
        );
    }
    for r in &rows {
        let arm = text(&r["arm"]);
        say!(
            "{:<20} {:<6} {:<14} {:<22} {:>6} {:<10} {:>6}  {:<14} {}",
            text(&r["recorded_at"]),
            text(&r["source"]),
            text(&r["team"]),
            if arm.is_empty() || arm == "baseline" {
                text(&r["scenario"])
            } else {
                format!("{} [{arm}]", text(&r["scenario"]))
            },
            r["seed"],
            text(&r["bots"]),
            num(&r["team_score"]),
            dwell(r),
            players(r)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `socdrill history import DIR...`.
pub(crate) fn history_import(dirs: &[PathBuf], db: &DbArgs) -> Result<ExitCode> {
    let path = db.location().context("--no-db: nothing to import into")?;
    let mut h = history::History::open(&path)?;
    let (added, known) = history::import(&mut h, dirs, rundir::for_history)?;
    say!(
        "{added} exercise(s) added to {}{}",
        h.path().display(),
        if known > 0 {
            format!(" ({known} already there)")
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `socdrill compare --team/--scenario/--trainee`: the matching run directories in the
/// history, oldest first, compared as `compare DIR...` would.
pub(crate) fn compare_from_history(
    filter: &history::Filter,
    db: Option<&Path>,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let path =
        history::location(db, false).context("no history: give --db PATH or set SOCDRILL_DB")?;
    if !path.exists() {
        bail!("{}: no history there yet", path.display());
    }
    let rows = history::History::open(&path)?.list(filter)?;
    let dirs: Vec<PathBuf> = rows
        .iter()
        .filter(|r| r["source"] != "batch")
        .filter_map(|r| r["run_dir"].as_str().map(PathBuf::from))
        .filter(|d| d.join("results.json").exists())
        .collect();
    if dirs.is_empty() {
        bail!(
            "the history {} has no run directory matching that (batch runs are not compared; moved or deleted directories are skipped): see `socdrill history`",
            path.display()
        );
    }
    super::report::compare(&dirs, out)
}
