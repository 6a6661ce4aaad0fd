//! `socdrill check`: validate scenario files, listing every problem.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use socdrill_core::scenario;

/// Validates each file as a scenario, printing every problem; fails when any file
/// has one.
pub(crate) fn check(files: &[PathBuf]) -> Result<ExitCode> {
    let mut bad = 0;
    for f in files {
        let name = f.display().to_string();
        let loaded = fs::read(f)
            .map_err(|e| format!("{name}: cannot read: {e}\n"))
            .and_then(|bytes| {
                let text = scenario::text_from_bytes(&bytes).map_err(|d| d.render(&name))?;
                scenario::load(text).map_err(|d| d.render(&name))
            });
        match loaded {
            Ok(s) => {
                let stages: usize = s.intrusions.iter().map(|i| i.stages.len()).sum();
                say!(
                    "{name}: ok — {} ({:?}; {} intrusion(s), {stages} stages, {} rules, {} injects, {} objectives)",
                    s.title,
                    s.difficulty,
                    s.intrusions.len(),
                    s.rules.len(),
                    s.injects.len(),
                    s.objectives.len()
                );
            }
            Err(text) => {
                bad += 1;
                eprint!("{text}");
            }
        }
    }
    if bad > 0 {
        eprintln!("{bad} of {} file(s) have problems", files.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
