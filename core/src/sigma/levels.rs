//! How a Sigma level becomes a scenario rule's fidelity, benign rate and severity.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::scenario::diag::{Diagnostic, Diagnostics, Locator};
use crate::scenario::format::Level;

use super::SigmaLevel;

const BUILTIN: &str = include_str!("../../../assets/sigma-levels.ron");

/// The most benign alerts per hour a scenario rule may raise (as validation allows).
pub(super) const MAX_BENIGN_PER_HOUR: f64 = 3_600.0;

/// What one Sigma level stands for in a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDefault {
    /// Chance, 0 to 1, that matching malicious activity raises an alert.
    pub fidelity: f64,
    /// Benign alerts per hour, before the false-positive nudge.
    pub benign_per_hour: f64,
    /// Severity of the alerts.
    pub severity: Level,
}

/// Tuning for imported rules, one entry per Sigma level. The shipped defaults are
/// `assets/sigma-levels.ron`; a team can pass its own file through
/// [`LevelDefaults::parse`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelDefaults {
    /// `informational` rules.
    pub informational: LevelDefault,
    /// `low` rules.
    pub low: LevelDefault,
    /// `medium` rules.
    pub medium: LevelDefault,
    /// `high` rules.
    pub high: LevelDefault,
    /// `critical` rules.
    pub critical: LevelDefault,
}

impl LevelDefaults {
    /// The shipped defaults (`assets/sigma-levels.ron`).
    pub fn builtin() -> LevelDefaults {
        static BUILT: OnceLock<LevelDefaults> = OnceLock::new();
        BUILT
            .get_or_init(|| {
                LevelDefaults::parse(BUILTIN)
                    .expect("assets/sigma-levels.ron is valid (checked by a unit test)")
            })
            .clone()
    }

    /// Parses level defaults from RON text, checking every number's range. Problems come
    /// back with line and column.
    pub fn parse(text: &str) -> Result<LevelDefaults, Diagnostics> {
        let parsed: LevelDefaults = crate::scenario::parse(text, "Sigma level defaults")?;
        parsed.check(text)?;
        Ok(parsed)
    }

    /// The defaults for one level.
    pub fn get(&self, level: SigmaLevel) -> &LevelDefault {
        match level {
            SigmaLevel::Informational => &self.informational,
            SigmaLevel::Low => &self.low,
            SigmaLevel::Medium => &self.medium,
            SigmaLevel::High => &self.high,
            SigmaLevel::Critical => &self.critical,
        }
    }

    fn check(&self, text: &str) -> Result<(), Diagnostics> {
        let locator = Locator::new(text);
        let mut found = Vec::new();
        for level in SigmaLevel::ALL {
            let d = self.get(level);
            let name = level.name();
            let at = find_key(text, 0, name).unwrap_or(0);
            let mut report = |field: &str, message: String| {
                let offset = find_key(text, at, field).unwrap_or(at);
                let (line, col) = locator.line_col(offset);
                found.push(Diagnostic { line, col, message });
            };
            if !(0.0..=1.0).contains(&d.fidelity) {
                report(
                    "fidelity",
                    format!("{name}: fidelity {} must be between 0 and 1", d.fidelity),
                );
            }
            if !(0.0..=MAX_BENIGN_PER_HOUR).contains(&d.benign_per_hour) {
                report(
                    "benign_per_hour",
                    format!(
                        "{name}: benign_per_hour {} must be between 0 and {MAX_BENIGN_PER_HOUR}",
                        d.benign_per_hour
                    ),
                );
            }
        }
        if found.is_empty() {
            Ok(())
        } else {
            Err(Diagnostics(found))
        }
    }
}

/// Byte offset of `key:` at or after `from`, outside `//` comments and not as the tail
/// of a longer name.
fn find_key(text: &str, from: usize, key: &str) -> Option<usize> {
    let needle = format!("{key}:");
    let mut at = from;
    while let Some(rel) = text.get(at..)?.find(&needle) {
        let pos = at + rel;
        let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
        let in_comment = text[line_start..pos].contains("//");
        let joined = text[..pos]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !in_comment && !joined {
            return Some(pos);
        }
        at = pos + needle.len();
    }
    None
}
