//! Many exercises side by side and over time: dwell, time to contain, handoff quality,
//! triage accuracy and score, with a trend chart and CSV export.

use std::fmt::Write;

use super::csv::field;
use super::span;
use super::svg::{self, esc};
use crate::score::{EndedBy, Results, SCHEMA, mean, round1};

/// Why a results file cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResultsError {
    /// Not JSON at all, or truncated.
    #[error("{message}")]
    NotJson {
        /// What is wrong.
        message: String,
        /// Where (1-based line and column).
        at: (usize, usize),
    },
    /// JSON of a schema this version does not know.
    #[error(
        "results schema {found:?} is not one this socdrill reads ({SCHEMA:?}); re-run the exercise with this version"
    )]
    Schema {
        /// The schema found, or empty.
        found: String,
    },
    /// The right schema but a malformed body.
    #[error("{message}")]
    Malformed {
        /// What is wrong.
        message: String,
        /// Where (1-based line and column).
        at: (usize, usize),
    },
}

impl ResultsError {
    /// Line and column of the problem (the schema field is at the top).
    pub fn at(&self) -> (usize, usize) {
        match self {
            ResultsError::NotJson { at, .. } | ResultsError::Malformed { at, .. } => *at,
            ResultsError::Schema { .. } => (1, 1),
        }
    }
}

/// serde_json's message without the position it appends.
fn message_of(e: &serde_json::Error) -> String {
    crate::scenario::diag::json_place(e).2
}

/// Parses results JSON, refusing schemas it does not know.
pub fn parse_results(text: &str) -> Result<Results, ResultsError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ResultsError::NotJson {
            message: format!("not valid JSON: {}", message_of(&e)),
            at: (e.line(), e.column().max(1)),
        })?;
    let found = value
        .get("schema")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    if found != SCHEMA && found != SCHEMA_V1 {
        return Err(ResultsError::Schema { found });
    }
    // Parsed from the text again (not the value) so that an error knows its place.
    let mut r: Results = serde_json::from_str(text).map_err(|e| ResultsError::Malformed {
        message: format!("does not match the results schema: {}", message_of(&e)),
        at: (e.line(), e.column().max(1)),
    })?;
    if found == SCHEMA_V1 {
        // Version 1 had no `ended_by` or `ran_to`: an exercise ended by the facilitator
        // stopped there, so the simulation ended where the defenders did.
        r.ended_by = match r.end_reason.as_str() {
            "resolved" => EndedBy::Resolved,
            "time limit" => EndedBy::TimeLimit,
            _ => EndedBy::Defenders,
        };
        r.ran_to = r.ended_at;
    }
    Ok(r)
}

/// The first results schema, still read.
pub const SCHEMA_V1: &str = "socdrill.results/1";

/// One exercise in a comparison.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Entry {
    /// A label (the run directory's name).
    pub label: String,
    /// When it ran, if recorded.
    pub date: Option<String>,
    pub results: Results,
}

/// One comparison row.
#[derive(Debug, Clone, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Row {
    pub label: String,
    pub date: String,
    pub scenario: String,
    pub seed: u64,
    pub bots: String,
    /// Mean dwell over intrusions that started, seconds.
    pub dwell: Option<f64>,
    /// Mean time to contain, seconds.
    pub time_to_contain: Option<f64>,
    /// Mean handoff quality.
    pub handoff_quality: Option<f64>,
    pub triage_accuracy: Option<f64>,
    /// Team score; none when nothing could be rated.
    pub score: Option<f64>,
    pub par: Option<f64>,
}

/// The rows, ordered by date where every run has one, else as given.
pub fn rows(entries: &[Entry]) -> Vec<Row> {
    let mut rows: Vec<Row> = entries
        .iter()
        .map(|e| {
            let r = &e.results;
            Row {
                label: e.label.clone(),
                date: e.date.clone().unwrap_or_default(),
                scenario: r.scenario.clone(),
                seed: r.seed,
                bots: r.bots.clone(),
                dwell: mean(
                    r.intrusions
                        .iter()
                        .filter_map(|i| i.dwell_seconds.map(|d| d as f64)),
                )
                .map(f64::round),
                time_to_contain: mean(
                    r.intrusions
                        .iter()
                        .filter_map(|i| i.time_to_contain_seconds.map(|d| d as f64)),
                )
                .map(f64::round),
                handoff_quality: r.handoff_quality,
                triage_accuracy: r.triage.accuracy,
                score: r.team_score,
                par: r.par,
            }
        })
        .collect();
    if rows.iter().all(|r| !r.date.is_empty()) {
        rows.sort_by(|a, b| a.date.cmp(&b.date));
    }
    rows
}

fn opt_span(v: Option<f64>) -> String {
    v.map_or("—".into(), |s| span(s as u64))
}

fn opt_num(v: Option<f64>) -> String {
    v.map_or("—".into(), |x| format!("{x:.1}"))
}

const HEAD: [&str; 10] = [
    "run",
    "date",
    "scenario",
    "seed",
    "bots",
    "dwell",
    "time to contain",
    "handoff quality",
    "triage accuracy",
    "score",
];

/// A plain-text table.
pub fn text(rows: &[Row]) -> String {
    let table: Vec<[String; 10]> = rows
        .iter()
        .map(|r| {
            [
                r.label.clone(),
                if r.date.is_empty() {
                    "—".into()
                } else {
                    r.date.clone()
                },
                r.scenario.clone(),
                r.seed.to_string(),
                r.bots.clone(),
                opt_span(r.dwell),
                opt_span(r.time_to_contain),
                opt_num(r.handoff_quality),
                opt_num(r.triage_accuracy),
                format!(
                    "{}{}",
                    opt_num(r.score),
                    r.par.map_or(String::new(), |p| format!(" (par {p:.1})"))
                ),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..10)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .chain([HEAD[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut o = String::new();
    let line = |cells: Vec<&str>| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
            + "\n"
    };
    o.push_str(&line(HEAD.to_vec()));
    for r in &table {
        o.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    let scored: Vec<&Row> = rows.iter().filter(|r| r.score.is_some()).collect();
    if let (Some(first), Some(last)) = (scored.first(), scored.last())
        && scored.len() >= 2
    {
        let (a, b) = (first.score.unwrap_or(0.0), last.score.unwrap_or(0.0));
        let _ = writeln!(
            o,
            "\nscore {a:.1} → {b:.1} ({:+.1}) from {} to {}",
            round1(b - a),
            first.label,
            last.label
        );
    }
    o
}

/// CSV, one row per exercise.
pub fn csv(rows: &[Row]) -> String {
    let mut o = String::from(
        "run,date,scenario,seed,bots,dwell_seconds,time_to_contain_seconds,handoff_quality,triage_accuracy,team_score,par\n",
    );
    let num = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
    for r in rows {
        let _ = writeln!(
            o,
            "{},{},{},{},{},{},{},{},{},{},{}",
            field(&r.label),
            field(&r.date),
            field(&r.scenario),
            r.seed,
            field(&r.bots),
            num(r.dwell),
            num(r.time_to_contain),
            num(r.handoff_quality),
            num(r.triage_accuracy),
            num(r.score),
            num(r.par)
        );
    }
    o
}

/// A self-contained HTML page with the table and trend charts.
pub fn html(rows: &[Row]) -> String {
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let mut o = String::from(
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/><title>Exercise comparison</title><style>body{font:14px/1.45 -apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#1c2833}table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #d5d8dc;padding:4px 7px}th{background:#f2f4f4}.chart{max-width:100%;height:auto}.chart text{font-size:11px}.tick{text-anchor:middle;font-size:10px}.legend{text-anchor:start;font-size:10px}</style></head><body><h1>Exercise comparison</h1>",
    );
    o.push_str("<section id=\"table\"><table><thead><tr>");
    for h in HEAD {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for r in rows {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.label),
            esc(&r.date),
            esc(&r.scenario),
            r.seed,
            esc(&r.bots),
            opt_span(r.dwell),
            opt_span(r.time_to_contain),
            opt_num(r.handoff_quality),
            opt_num(r.triage_accuracy),
            opt_num(r.score)
        );
    }
    o.push_str("</tbody></table></section><section id=\"trend\"><h2>Scores and quality</h2>");
    o.push_str(&svg::trend(
        "Score, handoff quality and triage accuracy",
        &labels,
        &[
            (
                "team score",
                "#2471a3",
                rows.iter().map(|r| r.score).collect(),
            ),
            (
                "handoff quality",
                "#8e44ad",
                rows.iter().map(|r| r.handoff_quality).collect(),
            ),
            (
                "triage accuracy",
                "#27ae60",
                rows.iter().map(|r| r.triage_accuracy).collect(),
            ),
        ],
        100.0,
    ));
    let max_minutes = rows
        .iter()
        .flat_map(|r| [r.dwell, r.time_to_contain])
        .flatten()
        .fold(60.0_f64, |m, s| m.max(s / 60.0));
    o.push_str("<h2>Dwell and time to contain (minutes)</h2>");
    o.push_str(&svg::trend(
        "Dwell and time to contain",
        &labels,
        &[
            (
                "dwell",
                "#c0392b",
                rows.iter().map(|r| r.dwell.map(|s| s / 60.0)).collect(),
            ),
            (
                "time to contain",
                "#e67e22",
                rows.iter()
                    .map(|r| r.time_to_contain.map(|s| s / 60.0))
                    .collect(),
            ),
        ],
        (max_minutes / 30.0).ceil() * 30.0,
    ));
    o.push_str("</section></body></html>\n");
    o
}
