//! Objectives rated P / S / M / U as in an HSEEP after-action report.
//!
//! For a time or impact measure (lower is better) the value v rates P when v ≤ p, S
//! when v ≤ s, M when v ≤ m, else U. For a percentage or quality (higher is better)
//! the comparisons turn round: P when v ≥ p, and so on. A measure the team failed to
//! produce counts as U (an undetected intrusion's dwell, an uncontained exposure, an
//! inject never answered or answered wrongly). Where nothing was asked of the team (an
//! intrusion that never started, an inject that never fired, no alert at all) the
//! objective is *not rated*: it has no rating and stays out of the team score. Nothing
//! to measure is not a pass.

use serde::{Deserialize, Serialize};

use super::facts::Facts;
use super::{Impact, IntrusionResult, Triage};
use crate::scenario::{ObjectiveMeasure, Scenario};

/// A rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rating {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
}

impl Rating {
    /// Points toward the team score: P 1, S 2/3, M 1/3, U 0.
    pub fn points(self) -> f64 {
        match self {
            Rating::P => 1.0,
            Rating::S => 2.0 / 3.0,
            Rating::M => 1.0 / 3.0,
            Rating::U => 0.0,
        }
    }
}

/// One objective and how it went.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ObjectiveResult {
    /// The objective's id in the scenario (notes refer to it).
    pub id: String,
    pub description: String,
    /// Rating; none when there was nothing to measure (`evidence` says why).
    pub rating: Option<Rating>,
    /// The measured value (seconds for times), if it could be taken.
    pub value: Option<f64>,
    /// What set the rating, in words.
    pub evidence: String,
}

/// Rates a value against P/S/M thresholds.
pub fn rate(value: f64, thresholds: [f64; 3], lower_is_better: bool) -> Rating {
    let [p, s, m] = thresholds;
    let within = |limit: f64| {
        if lower_is_better {
            value <= limit
        } else {
            value >= limit
        }
    };
    if within(p) {
        Rating::P
    } else if within(s) {
        Rating::S
    } else if within(m) {
        Rating::M
    } else {
        Rating::U
    }
}

fn minutes(s: f64) -> String {
    format!("{:.0} min", s / 60.0)
}

/// What the objectives are rated against, besides the facts.
pub struct Measured<'a> {
    /// Per-intrusion timelines.
    pub intrusions: &'a [IntrusionResult],
    /// Triage figures.
    pub triage: &'a Triage,
    /// Mean handoff quality, if any handoff was made.
    pub handoff_quality: Option<f64>,
    /// Impact figures.
    pub impact: &'a Impact,
    /// Whether the attack had impact at stake (see `score::impact_at_stake`).
    pub impact_at_stake: bool,
    /// Whether any alert was raised.
    pub alerts_raised: bool,
}

/// Rates every objective of the scenario.
pub fn rate_all(scenario: &Scenario, facts: &Facts, m: &Measured) -> Vec<ObjectiveResult> {
    let (intrusions, triage, handoff_quality, impact) =
        (m.intrusions, m.triage, m.handoff_quality, m.impact);
    let any_started = intrusions.iter().any(|i| i.compromised_at.is_some());
    scenario
        .objectives
        .iter()
        .map(|o| {
            let lower = o.measure.lower_is_better();
            let time_band = format!(
                "P ≤ {}, S ≤ {}, M ≤ {}",
                minutes(o.thresholds[0]),
                minutes(o.thresholds[1]),
                minutes(o.thresholds[2])
            );
            let (value, note): (Option<f64>, String) = match o.measure {
                ObjectiveMeasure::DwellTime(i) => {
                    let r = &intrusions[i];
                    match (r.compromised_at, r.censored, r.dwell_seconds) {
                        (None, ..) => return not_rated(o, "the intrusion never started"),
                        _ if r.told_at.is_some() && r.detected_at.is_none() => (
                            None,
                            format!(
                                "not detected by the SOC: the attacker announced it at {}",
                                r.told_at.unwrap_or_default().clock()
                            ),
                        ),
                        (_, true, _) | (_, _, None) => (None, "never detected".into()),
                        (_, false, Some(d)) => (
                            Some(d as f64),
                            format!("dwell {} ({time_band})", minutes(d as f64)),
                        ),
                    }
                }
                ObjectiveMeasure::Exposure(i) => {
                    let r = &intrusions[i];
                    match (r.compromised_at, r.exposure_seconds) {
                        (None, _) => return not_rated(o, "the intrusion never started"),
                        (_, None) => (None, "never contained".into()),
                        (_, Some(e)) => (
                            Some(e as f64),
                            format!("exposure {} ({time_band})", minutes(e as f64)),
                        ),
                    }
                }
                ObjectiveMeasure::TimeToContain(i) => {
                    let r = &intrusions[i];
                    match (r.compromised_at, r.time_to_contain_seconds) {
                        (None, _) => return not_rated(o, "the intrusion never started"),
                        (_, None) => (None, "not both detected and contained".into()),
                        (_, Some(e)) => (
                            Some(e as f64),
                            format!(
                                "contained {} after detection ({time_band})",
                                minutes(e as f64)
                            ),
                        ),
                    }
                }
                ObjectiveMeasure::InjectResponse(i) => {
                    let expected = scenario.injects[i]
                        .decision
                        .as_ref()
                        .map_or(0, |d| d.expected);
                    match (facts.inject_fired[i], facts.inject_answer[i]) {
                        (None, _) => return not_rated(o, "the inject never fired"),
                        (Some(_), None) => (None, "never answered".into()),
                        (Some(_), Some((_, c))) if c != expected => (
                            None,
                            format!("answered with option {c}, expected {expected}"),
                        ),
                        (Some(f), Some((t, _))) => {
                            let d = t.since(f) as f64;
                            (Some(d), format!("answered in {} ({time_band})", minutes(d)))
                        }
                    }
                }
                ObjectiveMeasure::ImpactPercent if !m.impact_at_stake => {
                    return not_rated(o, "the attack never began, or had no impact to realise");
                }
                ObjectiveMeasure::ImpactPercent => (
                    Some(impact.percent),
                    format!(
                        "{:.0}% of possible impact realised (P ≤ {}%)",
                        impact.percent, o.thresholds[0]
                    ),
                ),
                ObjectiveMeasure::TriageAccuracy => match triage.accuracy {
                    _ if !m.alerts_raised => return not_rated(o, "no alert was raised"),
                    Some(a) => (
                        Some(a),
                        format!(
                            "weighted triage accuracy {a:.1}% (P ≥ {}%)",
                            o.thresholds[0]
                        ),
                    ),
                    None => (None, "no alert was triaged".into()),
                },
                ObjectiveMeasure::HandoffQuality => match handoff_quality {
                    Some(q) => (
                        Some(q),
                        format!("mean handoff quality {q:.1} (P ≥ {})", o.thresholds[0]),
                    ),
                    None if !any_started => {
                        return not_rated(o, "no intrusion started: nothing to hand on");
                    }
                    None => (None, "no handoff was made".into()),
                },
            };
            ObjectiveResult {
                id: o.id.clone(),
                description: o.description.clone(),
                rating: Some(value.map_or(Rating::U, |v| rate(v, o.thresholds, lower))),
                value,
                evidence: note,
            }
        })
        .collect()
}

/// An objective with nothing to measure: no rating, and left out of the team score.
fn not_rated(o: &crate::scenario::Objective, why: &str) -> ObjectiveResult {
    ObjectiveResult {
        id: o.id.clone(),
        description: o.description.clone(),
        rating: None,
        value: None,
        evidence: format!("not rated: {why}"),
    }
}
