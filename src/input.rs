//! Reading what the user gives: files as text, scenarios and action files with their
//! diagnostics, and the duration arguments.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};

use socdrill_core::SimTime;
use socdrill_core::scenario::{self, Diagnostics, Scenario, format::RawScenario};
use socdrill_core::script::{self, Script};

#[derive(Debug)]
pub(crate) struct InputError(String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

impl std::error::Error for InputError {}

/// Renders a file's diagnostics as one error naming the file, line and column.
pub(crate) fn diagnostics(file: &str, d: &Diagnostics) -> anyhow::Error {
    InputError(format!(
        "{} problem(s) in {file}:\n{}fix them and run again.",
        d.0.len(),
        d.render(file)
    ))
    .into()
}

/// Reads a file as text, turning a missing file or binary content into a clear error.
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = scenario::text_from_bytes(&bytes)
        .map_err(|d| diagnostics(&path.display().to_string(), &d))?;
    Ok(text.to_string())
}

/// A scenario file's display name and text, or the built-in default's.
fn scenario_text(path: Option<&Path>) -> Result<(String, String)> {
    Ok(match path {
        Some(p) => (p.display().to_string(), read_text(p)?),
        None => (
            scenario::DEFAULT_SCENARIO_NAME.to_string(),
            scenario::DEFAULT_SCENARIO.to_string(),
        ),
    })
}

/// Loads a scenario file, or the built-in default; returns it with its source text.
pub(crate) fn load_scenario(path: Option<&Path>) -> Result<(Arc<Scenario>, String, String)> {
    let (name, src) = scenario_text(path)?;
    let s = scenario::load(&src).map_err(|d| diagnostics(&name, &d))?;
    Ok((Arc::new(s), src, name))
}

/// A scenario as serde values and text, with a display name: what `batch` edits with
/// variants and `import-sigma` swaps rules into.
pub(crate) struct Source {
    pub(crate) raw: RawScenario,
    pub(crate) src: String,
    pub(crate) name: String,
}

/// Reads a scenario file (or the built-in default) as text and serde values.
pub(crate) fn read_source(path: Option<&Path>) -> Result<Source> {
    let (name, src) = scenario_text(path)?;
    let raw =
        scenario::parse::<RawScenario>(&src, "a scenario").map_err(|d| diagnostics(&name, &d))?;
    Ok(Source { raw, src, name })
}

/// Loads an actions file for `scenario`, or none; returns it with its source text.
pub(crate) fn load_script(
    path: Option<&Path>,
    scenario: &Scenario,
) -> Result<(Script, Option<String>)> {
    let Some(p) = path else {
        return Ok((Script::default(), None));
    };
    let src = read_text(p)?;
    let s = script::load(&src, scenario).map_err(|d| diagnostics(&p.display().to_string(), &d))?;
    Ok((s, Some(src)))
}

/// A duration such as `6m` or `1h30m`, in seconds.
fn parse_seconds(text: &str) -> Result<u64, String> {
    scenario::format::parse_duration(text)
        .map_err(|e| format!("{e} (write a duration such as 6m, 90s or 1h30m)"))
}

/// `--end-at`'s value: when to end, written as a duration from T+0 such as `6m` or
/// `1h30m`.
pub(crate) fn parse_end_at(text: &str) -> Result<SimTime, String> {
    parse_seconds(text).map(SimTime::from_secs)
}

/// `--bot-wait`'s value: `never`, `0`, or a duration such as `10m`.
pub(crate) fn parse_bot_wait(text: &str) -> Result<socdrill_core::soc::ledger::BotWait, String> {
    use socdrill_core::soc::ledger::BotWait;
    match text.trim() {
        "never" => Ok(BotWait::Never),
        "0" => Ok(BotWait::Immediately),
        t => match parse_seconds(t)? {
            0 => Ok(BotWait::Immediately),
            s => Ok(BotWait::After(s)),
        },
    }
    .map_err(|e: String| format!("{e}, or `never`"))
}
