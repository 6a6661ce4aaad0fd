//! ATT&CK Navigator layers: `socdrill report RUN --format navigator` writes a layer that
//! follows the layer format 4.5 specification. The Navigator publishes no JSON schema, so
//! `problems` encodes the specification's fields, types and allowed values; the
//! specification's own example layers (in `tests/data/navigator`) must pass it, and a
//! broken layer must not.

mod common;

use serde_json::{Value, json};
use socdrill_core::report::{Format, Report};
use socdrill_core::scenario::attack::Catalogue;

const ENTERPRISE_PLATFORMS: &[&str] = &[
    "PRE",
    "Windows",
    "Linux",
    "macOS",
    "Network",
    "AWS",
    "GCP",
    "Azure",
    "Azure AD",
    "Office 365",
    "SaaS",
];

/// Every way `layer` departs from the layer format 4.5 specification.
fn problems(layer: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut bad = |what: String| out.push(what);
    let Some(o) = layer.as_object() else {
        return vec!["a layer is a JSON object".into()];
    };
    let is_str = |v: &Value| v.is_string();
    let is_bool = |v: &Value| v.is_boolean();
    let known = [
        "versions",
        "name",
        "description",
        "domain",
        "customDataURL",
        "filters",
        "sorting",
        "layout",
        "hideDisabled",
        "techniques",
        "gradient",
        "legendItems",
        "showTacticRowBackground",
        "tacticRowBackground",
        "selectTechniquesAcrossTactics",
        "selectSubtechniquesWithParent",
        "selectVisibleTechniques",
        "metadata",
        "links",
    ];
    for k in o.keys() {
        if !known.contains(&k.as_str()) {
            bad(format!("unknown property {k:?}"));
        }
    }
    if !o.get("name").is_some_and(is_str) {
        bad("name: a string is required".into());
    }
    let domain = o.get("domain").and_then(Value::as_str);
    if !matches!(
        domain,
        Some("enterprise-attack" | "mobile-attack" | "ics-attack")
    ) {
        bad(format!(
            "domain: {domain:?} is not one of the three domains"
        ));
    }
    if let Some(v) = o.get("versions") {
        let layer = v.get("layer").and_then(Value::as_str);
        if layer != Some("4.5") {
            bad(format!("versions.layer: {layer:?}, must be \"4.5\""));
        }
        let nav: Option<Vec<u32>> = v
            .get("navigator")
            .and_then(Value::as_str)
            .map(|s| s.split('.').filter_map(|p| p.parse().ok()).collect());
        if !nav
            .as_ref()
            .is_some_and(|n| n.len() == 3 && n.as_slice() >= [4, 9, 0].as_slice())
        {
            bad("versions.navigator: a version string of at least 4.9.0 is required".into());
        }
        if v.get("attack").is_some_and(|a| !a.is_string()) {
            bad("versions.attack: a string".into());
        }
    }
    for k in ["description", "customDataURL", "tacticRowBackground"] {
        if o.get(k).is_some_and(|v| !v.is_string()) {
            bad(format!("{k}: a string"));
        }
    }
    for k in [
        "hideDisabled",
        "showTacticRowBackground",
        "selectTechniquesAcrossTactics",
        "selectSubtechniquesWithParent",
        "selectVisibleTechniques",
    ] {
        if o.get(k).is_some_and(|v| !is_bool(v)) {
            bad(format!("{k}: a boolean"));
        }
    }
    if let Some(s) = o.get("sorting")
        && s.as_u64().is_none_or(|n| n > 3)
    {
        bad(format!("sorting: {s} is not 0, 1, 2 or 3"));
    }
    if let Some(f) = o.get("filters") {
        for p in f
            .get("platforms")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if domain == Some("enterprise-attack")
                && !p
                    .as_str()
                    .is_some_and(|p| ENTERPRISE_PLATFORMS.contains(&p))
            {
                bad(format!(
                    "filters.platforms: {p} is not an enterprise platform"
                ));
            }
        }
    }
    if let Some(l) = o.get("layout") {
        let one_of = |k: &str, allowed: &[&str]| {
            l.get(k)
                .is_none_or(|v| v.as_str().is_some_and(|s| allowed.contains(&s)))
        };
        if !one_of("layout", &["side", "flat", "mini"]) {
            bad("layout.layout: side, flat or mini".into());
        }
        if !one_of("aggregateFunction", &["average", "min", "max", "sum"]) {
            bad("layout.aggregateFunction: average, min, max or sum".into());
        }
        if !one_of("expandedSubtechniques", &["none", "all", "annotated"]) {
            bad("layout.expandedSubtechniques: none, all or annotated".into());
        }
        for k in ["showID", "showName", "showAggregateScores", "countUnscored"] {
            if l.get(k).is_some_and(|v| !is_bool(v)) {
                bad(format!("layout.{k}: a boolean"));
            }
        }
    }
    let metadata_ok = |list: &Value| {
        list.as_array().is_some_and(|a| {
            a.iter().all(|m| {
                m.get("divider").is_some_and(is_bool)
                    || (m.get("name").is_some_and(is_str) && m.get("value").is_some_and(is_str))
            })
        })
    };
    let links_ok = |list: &Value| {
        list.as_array().is_some_and(|a| {
            a.iter().all(|m| {
                m.get("divider").is_some_and(is_bool)
                    || (m.get("label").is_some_and(is_str)
                        && m.get("url")
                            .and_then(Value::as_str)
                            .is_some_and(|u| u.contains("://")))
            })
        })
    };
    if o.get("metadata").is_some_and(|m| !metadata_ok(m)) {
        bad("metadata: name and value strings, or dividers".into());
    }
    if o.get("links").is_some_and(|m| !links_ok(m)) {
        bad("links: label and url (with a protocol), or dividers".into());
    }
    match o.get("techniques") {
        None => {}
        Some(Value::Array(ts)) => {
            for t in ts {
                let id = t.get("techniqueID").and_then(Value::as_str).unwrap_or("");
                let shape = id.len() == 5 || (id.len() == 9 && id.as_bytes()[5] == b'.');
                if !(id.starts_with('T')
                    && shape
                    && id[1..].chars().all(|c| c.is_ascii_digit() || c == '.'))
                {
                    bad(format!(
                        "techniques: techniqueID {id:?} is not T#### or T####.###"
                    ));
                }
                for k in ["tactic", "comment", "color"] {
                    if t.get(k).is_some_and(|v| !v.is_string()) {
                        bad(format!("technique {id}: {k} is a string"));
                    }
                }
                for k in ["enabled", "showSubtechniques"] {
                    if t.get(k).is_some_and(|v| !is_bool(v)) {
                        bad(format!("technique {id}: {k} is a boolean"));
                    }
                }
                if t.get("score").is_some_and(|v| !v.is_number()) {
                    bad(format!("technique {id}: score is a number"));
                }
                if t.get("metadata").is_some_and(|m| !metadata_ok(m)) {
                    bad(format!("technique {id}: metadata"));
                }
                if t.get("links").is_some_and(|m| !links_ok(m)) {
                    bad(format!("technique {id}: links"));
                }
            }
        }
        Some(_) => bad("techniques: an array".into()),
    }
    if let Some(g) = o.get("gradient") {
        let colors = g.get("colors").and_then(Value::as_array);
        if !colors.is_some_and(|c| c.len() >= 2 && c.iter().all(is_str)) {
            bad("gradient.colors: at least two colour strings".into());
        }
        match (
            g.get("minValue").and_then(Value::as_f64),
            g.get("maxValue").and_then(Value::as_f64),
        ) {
            (Some(lo), Some(hi)) if hi > lo => {}
            _ => bad("gradient: minValue and maxValue numbers, maxValue > minValue".into()),
        }
    }
    if let Some(l) = o.get("legendItems")
        && !l.as_array().is_some_and(|a| {
            a.iter()
                .all(|i| i.get("label").is_some_and(is_str) && i.get("color").is_some_and(is_str))
        })
    {
        bad("legendItems: label and color strings".into());
    }
    out
}

fn example(name: &str) -> Value {
    let path = format!("{}/tests/data/navigator/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_specifications_examples_pass_the_check_and_broken_layers_do_not() {
    assert_eq!(
        problems(&example("example-layer.json")),
        Vec::<String>::new()
    );
    let many = example("example-layers.json");
    for l in many.as_array().unwrap() {
        assert_eq!(problems(l), Vec::<String>::new());
    }
    let mut broken = example("example-layer.json");
    broken["versions"]["layer"] = json!("4.4");
    broken["domain"] = json!("attack");
    broken["techniques"][0]["techniqueID"] = json!("1110");
    broken["gradient"]["maxValue"] = json!(-5);
    broken["surprise"] = json!(true);
    let p = problems(&broken);
    assert_eq!(p.len(), 5, "{p:#?}");
}

#[test]
fn a_runs_layer_follows_the_format_and_names_real_techniques() {
    let catalogue = Catalogue::get();
    for (name, s) in common::shipped() {
        for (seed, profile) in [(3, "novice"), (7, "expert")] {
            let ex = common::run(&s, seed, profile);
            let results = ex.results();
            let report = Report::build(&s, ex.journal(), &results, None);
            let layer: Value = serde_json::from_str(&report.render(Format::Navigator)).unwrap();
            assert_eq!(problems(&layer), Vec::<String>::new(), "{name} seed {seed}");
            let techniques = layer["techniques"].as_array().unwrap();
            assert!(!techniques.is_empty(), "{name}: the attack used techniques");
            for t in techniques {
                let id = t["techniqueID"].as_str().unwrap();
                let known = catalogue
                    .technique(id)
                    .unwrap_or_else(|| panic!("{name}: {id} is not in ATT&CK v17"));
                let tactic = t["tactic"].as_str().unwrap();
                assert!(
                    known.tactics.contains(&tactic),
                    "{name}: {id} does not belong to tactic {tactic}"
                );
                // Each technique's outcome matches the report's own table.
                let row = report.techniques.iter().find(|r| r.id == id).unwrap();
                assert!(
                    t["comment"]
                        .as_str()
                        .unwrap()
                        .contains(row.coverage.label())
                );
            }
            // Exactly the techniques the exercise reached, once per tactic.
            let reached = report
                .techniques
                .iter()
                .filter(|r| r.coverage != socdrill_core::report::Coverage::NotExercised)
                .count();
            assert_eq!(techniques.len(), reached, "{name}");
            assert_eq!(layer["metadata"][2]["value"], results.digest);
        }
    }
}

#[test]
fn a_batch_writes_one_layer_per_arm_scored_by_detection_rate() {
    let dir = common::scratch("navigator-batch");
    let path = dir.join("coverage.json");
    let variant = format!(
        "{}/scenarios/variants/phish-enable-7z.ron",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = common::socdrill(&[
        "batch",
        "--seeds",
        "1..24",
        "--bots",
        "novice",
        "--variant",
        &variant,
        "--json",
        "--navigator",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let arms = summary["arms"].as_array().unwrap();
    assert_eq!(arms.len(), 2);
    let catalogue = Catalogue::get();
    let mut layers = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        layers.push(p.file_name().unwrap().to_string_lossy().to_string());
    }
    // The baseline's at the path given, the variant's beside it under its name.
    layers.sort_by_key(|name| name != "coverage.json");
    assert_eq!(layers.len(), 2, "{layers:?}");
    assert_eq!(layers[0], "coverage.json");
    assert!(layers[1].starts_with("coverage.") && layers[1].ends_with(".json"));
    for (file, arm) in [(&layers[0], &arms[0]), (&layers[1], &arms[1])] {
        let layer: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        assert_eq!(problems(&layer), Vec::<String>::new(), "{file}");
        assert_eq!(layer["metadata"][3]["value"], arm["digest"], "{file}");
        let techniques = layer["techniques"].as_array().unwrap();
        assert!(!techniques.is_empty());
        for t in techniques {
            let id = t["techniqueID"].as_str().unwrap();
            let known = catalogue
                .technique(id)
                .unwrap_or_else(|| panic!("{id} is not in ATT&CK v17"));
            assert!(known.tactics.contains(&t["tactic"].as_str().unwrap()));
            // The score is the coverage row's rule detection rate over the runs it ran in.
            let row = arm["coverage"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["technique"] == id && r["tactic"] == t["tactic"])
                .unwrap();
            let ran = row["runs"].as_u64().unwrap() - row["not_exercised"].as_u64().unwrap();
            let rate = row["detected_by_rule"].as_u64().unwrap() as f64 * 100.0 / ran as f64;
            let score = t["score"].as_f64().unwrap();
            assert!((score - rate).abs() <= 0.05, "{id}: {score} vs {rate}");
            assert!(
                t["comment"]
                    .as_str()
                    .unwrap()
                    .contains("median time to alert")
            );
        }
    }
}
