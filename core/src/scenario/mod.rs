//! Scenarios: the RON file format, its validation with diagnostics, and the runtime model.
//!
//! The core parses from `&str`; reading files is the caller's business.

pub mod attack;
pub mod diag;
pub mod format;
pub mod model;
pub mod par;
mod validate;

pub use diag::{Diagnostic, Diagnostics};
pub use model::*;

/// The built-in default scenario (phishing → credential theft → lateral movement →
/// exfiltration), embedded so `socdrill run` works with no file at hand.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../scenarios/phish-to-exfil.ron");

/// File name shown for the built-in default scenario.
pub const DEFAULT_SCENARIO_NAME: &str = "scenarios/phish-to-exfil.ron";

/// How deeply RON values may nest. Real scenarios need fewer than ten levels; the bound
/// turns a hostile file into an error instead of a stack overflow.
const NESTING_LIMIT: usize = 64;

/// Parses and validates scenario text. Every problem comes back at once.
pub fn load(src: &str) -> Result<Scenario, Diagnostics> {
    let raw = parse::<format::RawScenario>(src, "a scenario")?;
    build(&raw, src)
}

/// Validates an already parsed scenario, for callers that change it first (for example
/// by importing Sigma rules). `src` is the text it was parsed from: diagnostics are
/// placed in it, so problems in values the caller changed are placed on a best-effort
/// basis.
pub fn build(raw: &format::RawScenario, src: &str) -> Result<Scenario, Diagnostics> {
    validate::validate(raw, src)
}

/// Parses RON text into `T`, turning syntax and type errors into a diagnostic that
/// carries the parser's line and column.
pub fn parse<T: serde::de::DeserializeOwned>(src: &str, what: &str) -> Result<T, Diagnostics> {
    if src.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic {
            line: 1,
            col: 1,
            message: format!(
                "the file is empty: expected {what} in RON, e.g. `Scenario(id: \"…\", …)`"
            ),
        }]));
    }
    ron::Options::default()
        .with_recursion_limit(NESTING_LIMIT)
        // Authors may write an optional value directly instead of wrapping it in `Some(…)`.
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str::<T>(src)
        .map_err(|e| {
            Diagnostics(vec![Diagnostic {
                line: e.span.start.line.max(1),
                col: e.span.start.col.max(1),
                message: format!("{} (while reading {what})", friendly(&e.code.to_string())),
            }])
        })
}

/// Names the file format's record types as authors know them, not as the code does.
fn friendly(message: &str) -> String {
    const NAMES: [(&str, &str); 25] = [
        ("`RawScenario`", "the scenario"),
        ("`RawTenant`", "a tenant"),
        ("`RawHost`", "a host"),
        ("`RawAccount`", "an account"),
        ("`RawDataSource`", "a data source"),
        ("`RawRule`", "a rule"),
        ("`RawIntrusion`", "an intrusion"),
        ("`RawStage`", "a stage"),
        ("`RawObservable`", "an observable"),
        ("`RawTelemetry`", "a telemetry record"),
        ("`RawNoise`", "a noise entry"),
        ("`RawInject`", "an inject"),
        ("`RawDecision`", "a decision"),
        ("`RawObjective`", "an objective"),
        ("`RawStaffing`", "a staffing entry"),
        ("`RawDuration`", "a duration override"),
        ("`RawPartner`", "a partner override"),
        ("`RawLadder`", "the ladder"),
        ("`RawScript`", "the script"),
        ("`RawTimed`", "a timed action"),
        ("`RawHandoff`", "a handoff"),
        ("`RawAction`", "an action"),
        ("enum `RoleName`", "the roles"),
        ("`Variant`", "the variant"),
        ("`Change`", "a change"),
    ];
    let mut out = message.to_string();
    for (code, words) in NAMES {
        out = out.replace(code, words);
    }
    out
}

/// Reads bytes as UTF-8, or names the position of the first byte that is not.
pub fn text_from_bytes(bytes: &[u8]) -> Result<&str, Diagnostics> {
    std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let text = std::str::from_utf8(good).expect("valid_up_to marks a UTF-8 prefix");
        let (line, col) = diag::Locator::new(text).line_col(text.len());
        Diagnostics(vec![Diagnostic {
            line,
            col,
            message: "the file is not UTF-8 text (is it a binary file?); scenarios are RON text"
                .into(),
        }])
    })
}
