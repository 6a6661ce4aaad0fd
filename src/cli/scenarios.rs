//! `socdrill scenarios`: the scenarios in a folder, with their titles.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use socdrill_core::scenario;

use crate::input::diagnostics;
use crate::input::read_text;

/// Lists the scenarios in a folder (default `scenarios/`), the built-in one first.
pub(crate) fn list(dir: Option<&Path>) -> Result<ExitCode> {
    let dir = dir.unwrap_or(Path::new("scenarios"));
    let mut files: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect(),
        Err(_) => {
            say!(
                "no {} directory here; the built-in default scenario:",
                dir.display()
            );
            let s = scenario::load(scenario::DEFAULT_SCENARIO)
                .map_err(|d| diagnostics(scenario::DEFAULT_SCENARIO_NAME, &d))?;
            say_raw!(
                "{}",
                super::card::scenario_line(Path::new(scenario::DEFAULT_SCENARIO_NAME), &s)
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    files.sort();
    let mut bad = 0;
    for f in &files {
        match read_text(f).and_then(|src| {
            scenario::load(&src).map_err(|d| diagnostics(&f.display().to_string(), &d))
        }) {
            Ok(s) => say_raw!("{}", super::card::scenario_line(f, &s)),
            Err(e) => {
                bad += 1;
                eprintln!(
                    "{}: invalid ({})",
                    f.display(),
                    e.to_string().lines().nth(1).unwrap_or("see socdrill check")
                );
            }
        }
    }
    if files.is_empty() {
        say!("no .ron scenarios in {}", dir.display());
    }
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
