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
    json!({
        "name": format!("socdrill: {} (seed {})", r.title, res.seed),
        "versions": {"attack": "17", "navigator": NAVIGATOR_VERSION, "layer": LAYER_FORMAT},
        "domain": "enterprise-attack",
        "description": format!(
            "ATT&CK coverage of the socdrill exercise {} ({}), seed {}, bots {}, digest {}: per technique the attack used, whether a rule detected it, a hunt or an investigation found it, or it was missed.",
            r.title, r.scenario, res.seed, res.bots, res.digest
        ),
        "sorting": 3,
        "layout": {"layout": "side", "showID": true, "showName": true, "expandedSubtechniques": "annotated"},
        "hideDisabled": false,
        "techniques": techniques,
        "gradient": {"colors": [NO_RULE.color, MISSED.color, FOUND.color, DETECTED.color], "minValue": 0, "maxValue": 100},
        "legendItems": legend,
        "metadata": [
            {"name": "scenario", "value": r.scenario},
            {"name": "seed", "value": res.seed.to_string()},
            {"name": "digest", "value": res.digest},
        ],
        "showTacticRowBackground": false,
        "selectTechniquesAcrossTactics": true,
        "selectSubtechniquesWithParent": false,
        "selectVisibleTechniques": false,
    })
}
