//! The report's ATT&CK coverage as an ATT&CK Navigator layer (layer format 4.5): one
//! technique entry per technique the attack used, scored and coloured by how the SOC
//! fared against it, so purple teams read it where they read coverage already.

use serde_json::{Value, json};

use super::{Coverage, Report};

/// The layer format this writes.
pub const LAYER_FORMAT: &str = "4.5";

/// The Navigator version the layer declares (the format needs at least 4.9.0).
pub const NAVIGATOR_VERSION: &str = "5.1.0";

/// How a technique fared, as the layer shows it: label, colour and score.
struct Outcome {
    label: &'static str,
    color: &'static str,
    score: u32,
}

const DETECTED: Outcome = Outcome {
    label: "detected by a rule",
    color: "#31a354",
    score: 100,
};
const FOUND: Outcome = Outcome {
    label: "found by a hunt or an investigation",
    color: "#fec44f",
    score: 60,
};
const MISSED: Outcome = Outcome {
    label: "missed (a rule covers it)",
    color: "#fc8d59",
    score: 20,
};
const NO_RULE: Outcome = Outcome {
    label: "missed (no rule covers it)",
    color: "#d7301f",
    score: 0,
};

/// The layer: techniques the attack used in this exercise, each with its outcome, the
/// stages that used it and whether a rule covers it. Techniques the exercise never
/// reached are left out: the layer shows what was tested.
pub fn layer(r: &Report) -> Value {
    let res = &r.results;
    let techniques: Vec<Value> = r
        .techniques
        .iter()
        .filter(|t| t.coverage != Coverage::NotExercised)
        .map(|t| {
            let o = match t.coverage {
                Coverage::DetectedByRule => &DETECTED,
                Coverage::FoundByHunt | Coverage::FoundByInvestigation => &FOUND,
                _ if t.has_rule => &MISSED,
                _ => &NO_RULE,
            };
            json!({
                "techniqueID": t.id,
                "tactic": t.tactic,
                "score": o.score,
                "color": o.color,
                "comment": format!("{}: {} (stages {})", t.name, t.coverage.label(), t.stages.join(", ")),
                "enabled": true,
                "metadata": [
                    {"name": "outcome", "value": t.coverage.label()},
                    {"name": "stages", "value": t.stages.join(", ")},
                    {"name": "rule in the scenario", "value": if t.has_rule { "yes" } else { "no" }},
                ],
            })
        })
        .collect();
    let legend: Vec<Value> = [DETECTED, FOUND, MISSED, NO_RULE]
        .iter()
        .map(|o| json!({"label": o.label, "color": o.color}))
        .collect();
    envelope(
        format!("socdrill: {} (seed {})", r.title, res.seed),
        format!(
            "ATT&CK coverage of the socdrill exercise {} ({}), seed {}, bots {}, digest {}: per technique the attack used, whether a rule detected it, a hunt or an investigation found it, or it was missed.",
            r.title, r.scenario, res.seed, res.bots, res.digest
        ),
        techniques,
        legend,
        json!([
            {"name": "scenario", "value": r.scenario},
            {"name": "seed", "value": res.seed.to_string()},
            {"name": "digest", "value": res.digest},
        ]),
    )
}

/// A layer around its techniques: the format's version, domain, layout, gradient and
/// legend, the same for every layer socdrill writes.
fn envelope(
    name: String,
    description: String,
    techniques: Vec<Value>,
    legend: Vec<Value>,
    metadata: Value,
) -> Value {
    json!({
        "name": name,
        "versions": {"attack": "17", "navigator": NAVIGATOR_VERSION, "layer": LAYER_FORMAT},
        "domain": "enterprise-attack",
        "description": description,
        "sorting": 3,
        "layout": {"layout": "side", "showID": true, "showName": true, "expandedSubtechniques": "annotated"},
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {"colors": [NO_RULE.color, MISSED.color, FOUND.color, DETECTED.color], "minValue": 0, "maxValue": 100},
        "legendItems": legend,
        "metadata": metadata,
        "showTacticRowBackground": false,
        "selectTechniquesAcrossTactics": true,
        "selectSubtechniquesWithParent": false,
        "selectVisibleTechniques": false,
    })
}

/// A batch arm's coverage as a layer: per technique the scenario's attack uses and some
/// run reached, the score is the share of those runs in which a rule alerted on it
/// (0–100), the colour the outcome of most runs, and the comment and metadata give
/// every outcome's share and the median time from the technique's stage running to
/// its first alert. One layer per arm: a what-if variant is read beside the baseline.
pub fn batch_layer(summary: &crate::batch::Summary, arm: &crate::batch::ArmSummary) -> Value {
    let pct = |n: u64, of: u64| {
        if of == 0 {
            0.0
        } else {
            n as f64 * 100.0 / of as f64
        }
    };
    let techniques: Vec<Value> = arm
        .coverage
        .iter()
        .filter(|row| row.runs > row.not_exercised)
        .map(|row| {
            let ran = row.runs - row.not_exercised;
            let verdict = row.verdict();
            let o = if verdict == Coverage::DetectedByRule.label() {
                &DETECTED
            } else if verdict == Coverage::FoundByHunt.label()
                || verdict == Coverage::FoundByInvestigation.label()
            {
                &FOUND
            } else if row.rules.is_empty() {
                &NO_RULE
            } else {
                &MISSED
            };
            // The earliest median time to alert among the stages using the technique.
            let tta = row
                .stages
                .iter()
                .filter_map(|st| {
                    let (intrusion, stage) = st.split_once('/')?;
                    arm.intrusions
                        .iter()
                        .find(|i| i.id == intrusion)?
                        .stages
                        .iter()
                        .find(|s| s.id == stage)?
                        .time_to_alert_seconds
                        .median
                })
                .min_by(f64::total_cmp);
            let tta_words = tta.map_or_else(
                || "never alerted".to_string(),
                |t| crate::clock::span(t.round() as u64),
            );
            let detected = pct(row.detected_by_rule, ran);
            json!({
                "techniqueID": row.technique,
                "tactic": row.tactic,
                "score": (detected * 10.0).round() / 10.0,
                "color": o.color,
                "comment": format!(
                    "{}: {verdict} in most runs. Of {ran} runs it ran in: detected by a rule {detected:.0}%, found by a hunt {:.0}%, by an investigation {:.0}%, missed {:.0}%; median time to alert {tta_words} (stages {})",
                    row.name,
                    pct(row.found_by_hunt, ran),
                    pct(row.found_by_investigation, ran),
                    pct(row.missed, ran),
                    row.stages.join(", ")
                ),
                "enabled": true,
                "metadata": [
                    {"name": "outcome of most runs", "value": verdict},
                    {"name": "runs it ran in", "value": ran.to_string()},
                    {"name": "detected by a rule", "value": format!("{detected:.1}%")},
                    {"name": "found by a hunt", "value": format!("{:.1}%", pct(row.found_by_hunt, ran))},
                    {"name": "found by an investigation", "value": format!("{:.1}%", pct(row.found_by_investigation, ran))},
                    {"name": "missed", "value": format!("{:.1}%", pct(row.missed, ran))},
                    {"name": "median time to alert", "value": tta_words},
                    {"name": "rules that could catch it", "value": if row.rules.is_empty() {
                        "none".to_string()
                    } else {
                        row.rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
                    }},
                ],
            })
        })
        .collect();
    let legend: Vec<Value> = [DETECTED, FOUND, MISSED, NO_RULE]
        .iter()
        .map(|o| json!({"label": format!("{} in most runs", o.label), "color": o.color}))
        .collect();
    let seeds = match summary.seeds.last {
        Some(last) => format!("{}..{last}", summary.seeds.first),
        None => format!("{} on", summary.seeds.first),
    };
    envelope(
        format!("socdrill batch: {} — {}", summary.title, arm.name),
        format!(
            "ATT&CK coverage of {} ({}) over {} run(s), seeds {seeds}, bots {}, arm {}{}: the score is the share of runs in which a rule alerted on the technique; the colour is the outcome of most runs.",
            summary.title,
            summary.scenario,
            arm.runs,
            summary.bots,
            arm.name,
            if arm.description.is_empty() {
                String::new()
            } else {
                format!(" ({})", arm.description)
            }
        ),
        techniques,
        legend,
        json!([
            {"name": "scenario", "value": summary.scenario},
            {"name": "seeds", "value": seeds},
            {"name": "arm", "value": arm.name},
            {"name": "digest", "value": arm.digest},
        ]),
    )
}
