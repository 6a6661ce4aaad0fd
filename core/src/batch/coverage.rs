//! The ATT&CK coverage matrix of a batch: for each technique the scenario's attack uses,
//! how often a rule detected it, a hunt or an investigation found it, it was missed, or
//! it never ran — and which rules could have caught it at all.
//!
//! A technique's outcome in one run is the best over its stages (as in the after-action
//! report). Rendered as a terminal table and as an SVG heatmap laid out like the ATT&CK
//! matrix: one column per tactic.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::Record;
use crate::report::Coverage;
use crate::report::svg::esc;
use crate::scenario::Scenario;
use crate::scenario::attack::{Catalogue, covers};

/// A rule that could catch a technique: it names it (or its parent) and reads a source
/// the technique's stages write telemetry to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    /// Rule id.
    pub id: String,
    /// Rule name.
    pub name: String,
    /// Deployed at T+0.
    pub enabled: bool,
    /// The rule's author, credited where a rule comes from a public catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}

/// One technique over every run of one arm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct CoverageRow {
    pub technique: String,
    /// Technique name (ATT&CK v17).
    pub name: String,
    pub tactic: String,
    /// The stages using it, `intrusion/stage`.
    pub stages: Vec<String>,
    /// Rules that could catch it (enabled or not). Empty: no rule at all.
    pub rules: Vec<RuleRef>,
    /// Runs counted.
    pub runs: u64,
    /// Runs where a rule alerted on it.
    pub detected_by_rule: u64,
    /// Runs where no rule alerted but a hunt found it.
    pub found_by_hunt: u64,
    /// Runs where only an investigation found it.
    pub found_by_investigation: u64,
    /// Runs where it ran and nobody saw it.
    pub missed: u64,
    /// Runs where it never ran.
    pub not_exercised: u64,
}

impl CoverageRow {
    /// Of the runs where it ran, the share where the defenders saw it.
    pub fn seen_rate(&self) -> Option<f64> {
        let ran = self.runs - self.not_exercised;
        (ran > 0).then(|| {
            (self.detected_by_rule + self.found_by_hunt + self.found_by_investigation) as f64
                / ran as f64
        })
    }

    /// The outcome of most runs, "no rule at all" when no rule could catch it and it was
    /// missed most often, "not exercised" when it never ran.
    pub fn verdict(&self) -> &'static str {
        let counts = [
            (self.detected_by_rule, Coverage::DetectedByRule),
            (self.found_by_hunt, Coverage::FoundByHunt),
            (self.found_by_investigation, Coverage::FoundByInvestigation),
            (self.missed, Coverage::Missed),
        ];
        if self.runs == self.not_exercised {
            return Coverage::NotExercised.label();
        }
        let (_, most) = counts
            .iter()
            .copied()
            .rev()
            .max_by_key(|(n, _)| *n)
            .expect("four outcomes");
        if most == Coverage::Missed && self.rules.is_empty() {
            "no rule at all"
        } else {
            most.label()
        }
    }
}

/// Counts outcomes per technique as records arrive.
#[derive(Debug, Serialize, Deserialize)]
pub struct Tally {
    rows: Vec<CoverageRow>,
    /// For each intrusion and stage, its row.
    row_of: Vec<Vec<usize>>,
    /// Room for one run's outcome per row (not kept in a partial summary).
    #[serde(skip)]
    best: Vec<Coverage>,
}

impl Tally {
    /// An empty tally over the scenario's techniques, in tactic order then by id.
    pub fn new(s: &Scenario) -> Tally {
        let cat = Catalogue::get();
        let tactic_order = |t: &str| cat.tactics().iter().position(|x| *x == t).unwrap_or(99);
        let mut techniques: Vec<(usize, String, String)> = s
            .intrusions
            .iter()
            .flat_map(|i| i.stages.iter())
            .map(|st| {
                (
                    tactic_order(&st.tactic),
                    st.technique.clone(),
                    st.tactic.clone(),
                )
            })
            .collect();
        techniques.sort();
        techniques.dedup_by(|a, b| a.1 == b.1);
        let mut rows: Vec<CoverageRow> = techniques
            .into_iter()
            .map(|(_, id, tactic)| CoverageRow {
                name: cat
                    .technique(&id)
                    .map_or(String::new(), |t| t.name.to_string()),
                technique: id,
                tactic,
                stages: Vec::new(),
                rules: Vec::new(),
                runs: 0,
                detected_by_rule: 0,
                found_by_hunt: 0,
                found_by_investigation: 0,
                missed: 0,
                not_exercised: 0,
            })
            .collect();
        let mut row_of = Vec::new();
        for intr in &s.intrusions {
            let mut stage_rows = Vec::new();
            for st in &intr.stages {
                let k = rows
                    .iter()
                    .position(|r| r.technique == st.technique)
                    .expect("every stage's technique has a row");
                let row = &mut rows[k];
                row.stages.push(format!("{}/{}", intr.id, st.id));
                for rule in &s.rules {
                    let reads = st.telemetry.iter().any(|t| t.source == rule.source);
                    let names = rule.techniques.iter().any(|t| covers(t, &st.technique));
                    if reads && names && !row.rules.iter().any(|r| r.id == rule.id) {
                        row.rules.push(RuleRef {
                            id: rule.id.clone(),
                            name: rule.name.clone(),
                            enabled: rule.enabled,
                            author: rule.author.clone(),
                        });
                    }
                }
                stage_rows.push(k);
            }
            row_of.push(stage_rows);
        }
        let best = vec![Coverage::NotExercised; rows.len()];
        Tally { rows, row_of, best }
    }

    /// Counts one run.
    pub fn add(&mut self, rec: &Record) {
        self.best.clear();
        self.best.resize(self.rows.len(), Coverage::NotExercised);
        for (stage_rows, intr) in self.row_of.iter().zip(&rec.intrusions) {
            for (&k, st) in stage_rows.iter().zip(&intr.stages) {
                self.best[k] = self.best[k].min(st.coverage());
            }
        }
        for (row, best) in self.rows.iter_mut().zip(&self.best) {
            row.runs += 1;
            *match best {
                Coverage::DetectedByRule => &mut row.detected_by_rule,
                Coverage::FoundByHunt => &mut row.found_by_hunt,
                Coverage::FoundByInvestigation => &mut row.found_by_investigation,
                Coverage::Missed => &mut row.missed,
                Coverage::NotExercised => &mut row.not_exercised,
            } += 1;
        }
    }

    /// Adds another tally of the same scenario's techniques.
    pub fn merge(&mut self, other: &Tally) -> Result<(), String> {
        if self.row_of != other.row_of
            || self.rows.len() != other.rows.len()
            || self
                .rows
                .iter()
                .zip(&other.rows)
                .any(|(a, b)| a.technique != b.technique || a.tactic != b.tactic)
        {
            return Err("the coverage rows differ: the partials are of different scenarios".into());
        }
        for (a, b) in self.rows.iter_mut().zip(&other.rows) {
            a.runs += b.runs;
            a.detected_by_rule += b.detected_by_rule;
            a.found_by_hunt += b.found_by_hunt;
            a.found_by_investigation += b.found_by_investigation;
            a.missed += b.missed;
            a.not_exercised += b.not_exercised;
        }
        Ok(())
    }

    /// The rows.
    pub fn rows(self) -> Vec<CoverageRow> {
        self.rows
    }
}

fn pct(k: u64, of: u64) -> String {
    if of == 0 {
        "–".into()
    } else {
        format!("{:.0}%", 100.0 * k as f64 / of as f64)
    }
}

/// A coverage matrix to render.
#[derive(Debug, Clone, Copy)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Matrix<'a> {
    /// Arm name, for titles.
    pub arm: &'a str,
    pub rows: &'a [CoverageRow],
}

impl Matrix<'_> {
    /// A plain-text table for the terminal: shares are of the runs where the technique ran.
    pub fn text(&self) -> String {
        let mut o = String::new();
        let head = [
            "technique",
            "tactic",
            "ran",
            "rule",
            "hunt",
            "invest.",
            "missed",
            "verdict",
            "rules that could catch it",
        ];
        let body: Vec<[String; 9]> = self
            .rows
            .iter()
            .map(|r| {
                let ran = r.runs - r.not_exercised;
                let rules = if r.rules.is_empty() {
                    "none".to_string()
                } else {
                    r.rules
                        .iter()
                        .map(|x| {
                            if x.enabled {
                                x.id.clone()
                            } else {
                                format!("{} (off)", x.id)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                [
                    format!("{} {}", r.technique, truncate(&r.name, 28)),
                    r.tactic.clone(),
                    pct(ran, r.runs),
                    pct(r.detected_by_rule, ran),
                    pct(r.found_by_hunt, ran),
                    pct(r.found_by_investigation, ran),
                    pct(r.missed, ran),
                    r.verdict().to_string(),
                    rules,
                ]
            })
            .collect();
        let mut width = head.map(|h| h.chars().count());
        for row in &body {
            for (w, cell) in width.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |o: &mut String, cells: &[&str]| {
            let mut l = String::new();
            for (i, (c, w)) in cells.iter().zip(width).enumerate() {
                let right = (2..=6).contains(&i);
                let pad = w.saturating_sub(c.chars().count());
                if right {
                    l.push_str(&" ".repeat(pad));
                    l.push_str(c);
                } else {
                    l.push_str(c);
                    if i + 1 < cells.len() {
                        l.push_str(&" ".repeat(pad));
                    }
                }
                if i + 1 < cells.len() {
                    l.push_str("  ");
                }
            }
            o.push_str(l.trim_end());
            o.push('\n');
        };
        line(&mut o, &head);
        for row in &body {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            line(&mut o, &cells);
        }
        o
    }

    /// An SVG heatmap: one column per tactic, one cell per technique, coloured by how
    /// often the defenders saw it when it ran (red never, green always; grey: never ran;
    /// a dashed border: no rule could catch it).
    pub fn svg(&self) -> String {
        const CELL_W: f64 = 150.0;
        const CELL_H: f64 = 58.0;
        const GAP: f64 = 6.0;
        const HEAD: f64 = 26.0;
        let mut tactics: Vec<&str> = Vec::new();
        for r in self.rows {
            if !tactics.contains(&r.tactic.as_str()) {
                tactics.push(&r.tactic);
            }
        }
        let tallest = tactics
            .iter()
            .map(|t| self.rows.iter().filter(|r| &r.tactic == t).count())
            .max()
            .unwrap_or(0);
        let width = (tactics.len().max(1) as f64) * (CELL_W + GAP) + GAP;
        let height = HEAD + tallest as f64 * (CELL_H + GAP) + GAP + 40.0;
        let mut o = String::new();
        let _ = write!(
            o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"ATT&amp;CK coverage, {}\"><title>ATT&amp;CK coverage: {}</title><style>text{{font:11px sans-serif;fill:#1c2833}} .id{{font-weight:bold}} .th{{font-weight:bold;text-anchor:middle}}</style>",
            esc(self.arm),
            esc(self.arm)
        );
        for (c, tactic) in tactics.iter().enumerate() {
            let x = GAP + c as f64 * (CELL_W + GAP);
            let _ = write!(
                o,
                "<text class=\"th\" x=\"{:.1}\" y=\"17\">{}</text>",
                x + CELL_W / 2.0,
                esc(tactic)
            );
            for (k, r) in self.rows.iter().filter(|r| &r.tactic == tactic).enumerate() {
                let y = HEAD + k as f64 * (CELL_H + GAP);
                let ran = r.runs - r.not_exercised;
                let fill = r.seen_rate().map_or("#d5d8dc".to_string(), heat);
                let dash = if r.rules.is_empty() {
                    " stroke-dasharray=\"4 3\""
                } else {
                    ""
                };
                let _ = write!(
                    o,
                    "<g><title>{} {} — {}: ran in {} of {} runs; rule {}, hunt {}, investigation {}, missed {}; rules: {}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{CELL_W}\" height=\"{CELL_H}\" rx=\"4\" fill=\"{fill}\" stroke=\"#566573\"{dash}/>",
                    esc(&r.technique),
                    esc(&r.name),
                    esc(r.verdict()),
                    ran,
                    r.runs,
                    pct(r.detected_by_rule, ran),
                    pct(r.found_by_hunt, ran),
                    pct(r.found_by_investigation, ran),
                    pct(r.missed, ran),
                    esc(&rule_list(&r.rules))
                );
                let _ = write!(
                    o,
                    "<text class=\"id\" x=\"{:.1}\" y=\"{:.1}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\">{}</text><text x=\"{:.1}\" y=\"{:.1}\">{}</text></g>",
                    x + 6.0,
                    y + 15.0,
                    esc(&r.technique),
                    x + 6.0,
                    y + 30.0,
                    esc(&truncate(&r.name, 24)),
                    x + 6.0,
                    y + 47.0,
                    esc(&if ran == 0 {
                        "not exercised".to_string()
                    } else {
                        format!(
                            "seen {} · rule {}",
                            pct(ran - r.missed, ran),
                            pct(r.detected_by_rule, ran)
                        )
                    })
                );
            }
        }
        let ly = height - 24.0;
        let _ = write!(o, "<text x=\"{GAP}\" y=\"{ly}\">seen when it ran:</text>");
        for (i, share) in [0.0, 0.25, 0.5, 0.75, 1.0].iter().enumerate() {
            let x = GAP + 110.0 + i as f64 * 56.0;
            let _ = write!(
                o,
                "<rect x=\"{x}\" y=\"{:.1}\" width=\"50\" height=\"14\" fill=\"{}\" stroke=\"#566573\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1c2833\">{:.0}%</text>",
                ly - 11.0,
                heat(*share),
                x + 12.0,
                ly + 16.0,
                share * 100.0
            );
        }
        let _ = write!(
            o,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"50\" height=\"14\" fill=\"#d5d8dc\" stroke=\"#566573\"/><text x=\"{:.1}\" y=\"{ly}\">never ran</text><rect x=\"{:.1}\" y=\"{:.1}\" width=\"50\" height=\"14\" fill=\"#ffffff\" stroke=\"#566573\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"{ly}\">no rule at all</text></svg>",
            GAP + 400.0,
            ly - 11.0,
            GAP + 456.0,
            GAP + 540.0,
            ly - 11.0,
            GAP + 596.0
        );
        o
    }
}

fn rule_list(rules: &[RuleRef]) -> String {
    if rules.is_empty() {
        return "none".into();
    }
    rules
        .iter()
        .map(|r| {
            let mut s = r.name.clone();
            if !r.enabled {
                s.push_str(" (disabled)");
            }
            if let Some(a) = &r.author {
                let _ = write!(s, " by {a}");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Red (0) through amber to green (1).
fn heat(share: f64) -> String {
    let s = share.clamp(0.0, 1.0);
    let (r, g, b) = if s < 0.5 {
        let t = s / 0.5;
        (
            231.0 + (243.0 - 231.0) * t,
            76.0 + (156.0 - 76.0) * t,
            60.0 + (18.0 - 60.0) * t,
        )
    } else {
        let t = (s - 0.5) / 0.5;
        (
            243.0 + (39.0 - 243.0) * t,
            156.0 + (174.0 - 156.0) * t,
            18.0 + (96.0 - 18.0) * t,
        )
    };
    format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, b as u8)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
