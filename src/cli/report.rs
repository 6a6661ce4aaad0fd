//! `socdrill report` and `socdrill compare`: a run's after-action report, and runs
//! side by side.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::rundir;

/// Writes a run's after-action report as md, json, csv, navigator or (otherwise) html.
pub(crate) fn report(dir: &Path, format: &str, out: Option<&Path>) -> Result<ExitCode> {
    use socdrill_core::report::{Format, Report};
    let format = match format {
        "md" => Format::Markdown,
        "json" => Format::Json,
        "csv" => Format::Csv,
        "navigator" => Format::Navigator,
        _ => Format::Html,
    };
    let run = rundir::load(dir)?;
    let report = Report::build(&run.scenario, &run.journal, &run.results, run.date);
    let text = report.render(format);
    match out {
        Some(p) if p == Path::new("-") => say_raw!("{text}"),
        _ => {
            let path = out.map_or_else(
                || dir.join(format!("report.{}", format.extension())),
                Path::to_path_buf,
            );
            fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
            let what = if format == Format::Navigator {
                "ATT&CK Navigator layer"
            } else {
                "after-action report"
            };
            say!("{what} written to {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Compares run directories side by side: scores, times and the trend.
pub(crate) fn compare(dirs: &[PathBuf], out: Option<&Path>) -> Result<ExitCode> {
    use socdrill_core::report::compare;
    let mut entries = Vec::new();
    for d in dirs {
        let results = rundir::results(d)?;
        entries.push(compare::Entry {
            label: d.file_name().map_or_else(
                || d.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            date: rundir::info(d).and_then(|i| i.date),
            results,
        });
    }
    let rows = compare::rows(&entries);
    say_raw!("{}", compare::text(&rows));
    if let Some(path) = out {
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => compare::csv(&rows),
            Some("html" | "htm") => compare::html(&rows),
            _ => bail!("{}: give a .html or .csv file to write", path.display()),
        };
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        say!("comparison written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
