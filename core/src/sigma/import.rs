//! Sigma rules into a scenario's rules: choosing sources, tuning, ids, RON output.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::scenario::attack::covers;
use crate::scenario::format::{RawDataSource, RawRule, RawScenario};

use super::levels::MAX_BENIGN_PER_HOUR;
use super::{LevelDefaults, SigmaRule, Status, source_kind};

/// The longest id an imported rule gets (before a `-2`-style suffix).
const MAX_ID_LEN: usize = 64;

/// Rules made from Sigma rules, and what could not be made.
#[derive(Debug, Clone, Default)]
pub struct Import {
    /// Scenario rules, sorted by the Sigma rules' paths.
    pub rules: Vec<RawRule>,
    /// The Sigma id of each rule in `rules`, in the same order.
    pub sigma_ids: Vec<Option<String>>,
    /// Sigma rules that became no scenario rule, sorted by path.
    pub skipped: Vec<Skipped>,
    /// What was assumed while importing, each prefixed with the Sigma rule's path.
    pub warnings: Vec<String>,
}

/// A Sigma rule left out of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path label the rule came with.
    pub path: String,
    /// Why it was left out.
    pub reason: String,
}

/// Makes scenario rules from Sigma rules, each given with a path label (the rule file's
/// path, which goes into the rule's `sigma` field).
///
/// A rule reads the first of `data_sources` whose kind [`source_kind`] gives for its log
/// source, takes its numbers from `defaults` by level, and is deployed at T+0. Rules
/// are left out, with a reason, when their status is `deprecated` or `unsupported`,
/// when they have no ATT&CK technique tag, or when the scenario has no data source of
/// their kind. Warnings are kept for the rules that are imported only.
pub fn import(
    rules: &[(String, SigmaRule)],
    data_sources: &[RawDataSource],
    defaults: &LevelDefaults,
) -> Import {
    let mut order: Vec<&(String, SigmaRule)> = rules.iter().collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = Import::default();
    let mut ids = BTreeSet::new();
    for (path, rule) in order {
        let source = match choose_source(rule, data_sources) {
            Ok(source) => source,
            Err(reason) => {
                out.skipped.push(Skipped {
                    path: path.clone(),
                    reason,
                });
                continue;
            }
        };
        let id = unique_id(&mut ids, path);
        out.warnings
            .extend(rule.warnings.iter().map(|w| format!("{path}: {w}")));
        if rule.status == Some(Status::Experimental) {
            out.warnings.push(format!(
                "{path}: the rule is experimental; imported enabled, expect it to be noisy"
            ));
        }
        let level = defaults.get(rule.level);
        out.rules.push(RawRule {
            id,
            name: rule.title.clone(),
            source: source.to_string(),
            techniques: rule.techniques.clone(),
            fidelity: level.fidelity,
            severity: level.severity,
            benign_per_hour: benign_per_hour(level.benign_per_hour, &rule.falsepositives),
            enabled: true,
            latency: None,
            sigma: Some(path.clone()),
            author: Some(rule.author.clone()),
        });
        out.sigma_ids.push(rule.id.clone());
    }
    out
}

/// The id of the data source a rule reads, or why it cannot be imported.
fn choose_source<'a>(
    rule: &SigmaRule,
    data_sources: &'a [RawDataSource],
) -> Result<&'a str, String> {
    if let Some(status @ (Status::Deprecated | Status::Unsupported)) = rule.status {
        return Err(format!("the rule's status is {}", status.name()));
    }
    if rule.techniques.is_empty() {
        return Err("no ATT&CK technique tag (or none in ATT&CK Enterprise v17)".to_string());
    }
    let ls = &rule.logsource;
    let Some(kind) = source_kind(ls) else {
        return Err(format!(
            "no kind of scenario data source carries logsource {ls}"
        ));
    };
    data_sources
        .iter()
        .find(|d| d.kind == kind)
        .map(|d| d.id.as_str())
        .ok_or_else(|| format!("the scenario collects no {kind:?} telemetry (logsource {ls})"))
}

/// The level's benign rate, raised by half for each false-positive note that names a
/// real source of false positives, at most doubled.
fn benign_per_hour(base: f64, falsepositives: &[String]) -> f64 {
    let real = falsepositives.iter().filter(|f| names_a_source(f)).count();
    let factor = (1.0 + 0.5 * real as f64).min(2.0);
    (base * factor).min(MAX_BENIGN_PER_HOUR)
}

/// Whether a false-positive note names something, rather than saying "Unknown",
/// "Unlikely" or "None".
fn names_a_source(note: &str) -> bool {
    let word = note.trim().trim_end_matches('.').to_ascii_lowercase();
    !matches!(word.as_str(), "" | "unknown" | "unlikely" | "none" | "n/a")
}

/// `sigma-` and the file stem, made unique among `taken`.
fn unique_id(taken: &mut BTreeSet<String>, path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or(name);
    let mut base = String::new();
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && (base.is_empty() || base.ends_with('-'))) {
            base.push(c);
        }
    }
    let base: String = base.chars().take(MAX_ID_LEN).collect();
    let base = base.trim_end_matches('-');
    let base = if base.is_empty() {
        "sigma-rule".to_string()
    } else {
        format!("sigma-{base}")
    };
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    taken.insert(id.clone());
    id
}

/// The imported rules as RON, ready to paste between a scenario's `rules: [` and `]`.
///
/// A header comment says where the rules come from and under which licence; each rule
/// follows a comment with its Sigma title, id, author and path. Numbers are written so
/// that they read back exactly.
pub fn to_ron(import: &Import) -> String {
    let mut out = String::new();
    out.push_str(
        "// Detection rules imported from Sigma rules of the SigmaHQ project\n\
         // (https://github.com/SigmaHQ/sigma), under the Detection Rule License (DRL) 1.1\n\
         // (https://github.com/SigmaHQ/Detection-Rule-License). Each rule credits its\n\
         // authors in `author`; keep that credit wherever the rules or their alerts are shown.\n",
    );
    for (i, rule) in import.rules.iter().enumerate() {
        let sigma_id = import.sigma_ids.get(i).cloned().flatten();
        out.push_str(&credit_comment(rule, sigma_id.as_deref()));
        out.push_str(&rule_ron(rule));
    }
    out
}

fn credit_comment(rule: &RawRule, sigma_id: Option<&str>) -> String {
    let line = format!(
        "{} — Sigma id {} — by {} — {}",
        rule.name,
        sigma_id.unwrap_or("none"),
        rule.author.as_deref().unwrap_or("unknown author"),
        rule.sigma.as_deref().unwrap_or("no path"),
    );
    let flat: String = line
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("// {flat}\n")
}

fn rule_ron(r: &RawRule) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = write!(
        s,
        "(id: {}, name: {}, source: {},\n techniques: [{}], fidelity: {:?}, severity: {:?}, benign_per_hour: {:?}, enabled: {}",
        quote(&r.id),
        quote(&r.name),
        quote(&r.source),
        r.techniques
            .iter()
            .map(|t| quote(t))
            .collect::<Vec<_>>()
            .join(", "),
        r.fidelity,
        r.severity,
        r.benign_per_hour,
        r.enabled,
    );
    if let Some(l) = r.latency {
        let _ = write!(s, ", latency: {}", l.0);
    }
    if let Some(sigma) = &r.sigma {
        let _ = write!(s, ",\n sigma: Some({})", quote(sigma));
    }
    if let Some(author) = &r.author {
        let _ = write!(s, ",\n author: Some({})", quote(author));
    }
    s.push_str("),\n");
    s
}

/// A RON string literal.
fn quote(text: &str) -> String {
    ron::to_string(text).expect("RON can always write a string")
}

/// Replaces a scenario's rules with imported ones (the team's own catalogue), and
/// returns warnings.
///
/// Noise that asks for benign alerts on a source no enabled rule reads any more gets
/// `alerts_per_hour` 0 (validation would refuse it otherwise), with a warning. Each
/// stage telemetry record no imported rule could alert on is named in a warning too: a
/// coverage gap for the purple team.
pub fn replace_rules(raw: &mut RawScenario, import: &Import) -> Vec<String> {
    raw.rules = import.rules.clone();
    let mut warnings = Vec::new();
    for noise in &mut raw.noise {
        let read = raw
            .rules
            .iter()
            .any(|r| r.enabled && r.source == noise.source);
        if noise.alerts_per_hour > 0.0 && !read {
            warnings.push(format!(
                "noise on {:?}: alerts_per_hour {} set to 0, since no imported rule reads that source",
                noise.source, noise.alerts_per_hour
            ));
            noise.alerts_per_hour = 0.0;
        }
    }
    for intrusion in &raw.intrusions {
        for stage in &intrusion.stages {
            for t in &stage.telemetry {
                let caught = raw.rules.iter().any(|r| {
                    r.enabled
                        && r.source == t.source
                        && r.techniques.iter().any(|rt| covers(rt, &stage.technique))
                });
                if !caught {
                    warnings.push(format!(
                        "no imported rule on {:?} detects {}, so stage {}/{} goes unseen there",
                        t.source, stage.technique, intrusion.id, stage.id
                    ));
                }
            }
        }
    }
    warnings
}
