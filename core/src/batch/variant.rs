//! What-if variants: a small RON overlay on a scenario.
//!
//! ```ron
//! Variant(
//!     name: "second-hunter",
//!     description: "A second threat hunter on the night shift.",
//!     changes: [
//!         Staffing(role: Hunter, seats: 2),
//!         TuneRule(rule: "r-lsass", fidelity: 0.9),
//!     ],
//! )
//! ```
//!
//! A variant is checked against the scenario it overlays (rule ids, data sources, ranges,
//! profile names), every problem at once with the overlay's line and column; then it is
//! applied to the scenario's serde form, and the result is validated like any scenario.

use serde::Deserialize;

use crate::Team;
use crate::bots::{Profile, profile_named};
use crate::scenario::attack::Catalogue;
use crate::scenario::diag::{Collector, Diagnostic, Diagnostics};
use crate::scenario::format::{Dur, Level, RawRule, RawScenario, RawStaffing, RoleName};

/// Most seats a variant may give one role (the scenario format's own bound).
const MAX_SEATS: u32 = 50;
/// Largest factor a variant may scale noise by.
const MAX_NOISE_SCALE: f64 = 100.0;
/// The smallest noise factor that is not zero (one in a million of the volume).
const MIN_NOISE_SCALE: f64 = 1e-6;

/// A variant file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Variant")]
pub struct Variant {
    /// Short name shown in tables (`second-hunter`).
    pub name: String,
    /// What the variant tries, in a sentence.
    #[serde(default)]
    pub description: String,
    /// The changes, applied in order.
    pub changes: Vec<Change>,
}

/// One change a variant makes.
#[derive(Debug, Clone, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Change {
    /// Deploy a rule at T+0.
    EnableRule(String),
    /// Take a rule out of service.
    DisableRule(String),
    /// Change a rule's numbers; fields left out stay as they are.
    TuneRule {
        rule: String,
        /// New chance, 0 to 1, that matching malicious activity raises an alert.
        #[serde(default)]
        fidelity: Option<f64>,
        /// New benign alerts per hour.
        #[serde(default)]
        benign_per_hour: Option<f64>,
        /// New alert severity.
        #[serde(default)]
        severity: Option<Level>,
        /// New pipeline delay.
        #[serde(default)]
        latency: Option<Dur>,
    },
    /// Add a rule (written as in a scenario's `rules` list).
    AddRule(RawRule),
    /// Set the number of seats of a role; 0 removes the role.
    Staffing {
        role: RoleName,
        /// How many seats.
        seats: u32,
    },
    /// Change the bot profile of every seat, or of one role's seats.
    Bots {
        /// The role, or every role when left out.
        #[serde(default)]
        role: Option<RoleName>,
        /// `novice`, `competent` or `expert`.
        profile: String,
    },
    /// Scale benign volume (benign alerts and benign telemetry) on one data source, or on
    /// all of them when `source` is left out.
    Noise {
        /// Data source id.
        #[serde(default)]
        source: Option<String>,
        /// Factor, e.g. 2.0 for twice the volume.
        scale: f64,
    },
}

impl Change {
    /// The change in a few words, for tables.
    pub fn describe(&self) -> String {
        match self {
            Change::EnableRule(r) => format!("enable {r}"),
            Change::DisableRule(r) => format!("disable {r}"),
            Change::TuneRule {
                rule,
                fidelity,
                benign_per_hour,
                severity,
                latency,
            } => {
                let mut parts = Vec::new();
                if let Some(f) = fidelity {
                    parts.push(format!("fidelity {f}"));
                }
                if let Some(b) = benign_per_hour {
                    parts.push(format!("{b} benign/h"));
                }
                if let Some(s) = severity {
                    parts.push(format!("severity {s:?}"));
                }
                if let Some(l) = latency {
                    parts.push(format!("latency {}s", l.0));
                }
                format!("tune {rule}: {}", parts.join(", "))
            }
            Change::AddRule(r) => format!("add rule {} on {}", r.id, r.source),
            Change::Staffing { role, seats } => format!("{} seat(s) of {}", seats, role.slug()),
            Change::Bots {
                role: Some(role),
                profile,
            } => format!("{profile} bots on {}", role.slug()),
            Change::Bots {
                role: None,
                profile,
            } => format!("{profile} bots everywhere"),
            Change::Noise {
                source: Some(s),
                scale,
            } => format!("noise on {s} ×{scale}"),
            Change::Noise {
                source: None,
                scale,
            } => format!("all noise ×{scale}"),
        }
    }
}

/// Parses a variant and checks it against the scenario it overlays; every problem comes
/// back at once, placed in the variant's text.
pub fn load(src: &str, scenario: &RawScenario) -> Result<Variant, Diagnostics> {
    let variant: Variant =
        crate::scenario::parse(src, "a variant (`Variant(name: \"…\", changes: [...])`)")?;
    let mut c = Collector::new(src);
    let mut rule_ids: Vec<&str> = scenario.rules.iter().map(|r| r.id.as_str()).collect();
    let sources: Vec<&str> = scenario
        .data_sources
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    if variant.name.trim().is_empty() {
        c.field(&[], "name", "the variant needs a name");
    }
    if variant.changes.is_empty() {
        c.field(
            &[],
            "changes",
            "the variant changes nothing: list at least one change",
        );
    }
    let known = |ids: &[&str]| {
        if ids.len() <= 12 {
            ids.join(", ")
        } else {
            format!("{}, … ({} in all)", ids[..12].join(", "), ids.len())
        }
    };
    for change in &variant.changes {
        match change {
            Change::EnableRule(r) | Change::DisableRule(r) | Change::TuneRule { rule: r, .. } => {
                if !rule_ids.contains(&r.as_str()) {
                    c.at(
                        &[],
                        Some(r),
                        format!(
                            "the scenario has no rule {r:?}; its rules are {}",
                            known(&rule_ids)
                        ),
                    );
                }
                if let Change::TuneRule {
                    fidelity,
                    benign_per_hour,
                    ..
                } = change
                {
                    if let Some(f) = fidelity
                        && !(0.0..=1.0).contains(f)
                    {
                        c.at(
                            &[],
                            Some("fidelity:"),
                            format!("fidelity {f} is not a chance: give 0 to 1"),
                        );
                    }
                    if let Some(b) = benign_per_hour
                        && !(b.is_finite() && *b >= 0.0 && *b <= 3_600.0)
                    {
                        c.at(
                            &[],
                            Some("benign_per_hour:"),
                            format!("benign_per_hour {b} is out of range: give 0 to 3600"),
                        );
                    }
                    if fidelity.is_none()
                        && benign_per_hour.is_none()
                        && matches!(
                            change,
                            Change::TuneRule {
                                severity: None,
                                latency: None,
                                ..
                            }
                        )
                    {
                        c.at(
                            &[],
                            Some(r),
                            format!(
                                "TuneRule on {r:?} changes nothing: give fidelity, benign_per_hour, severity or latency"
                            ),
                        );
                    }
                }
            }
            Change::AddRule(rule) => {
                check_added_rule(&mut c, rule, &rule_ids, &sources);
                rule_ids.push(rule.id.as_str());
            }
            Change::Staffing { role, seats } => {
                if *seats > MAX_SEATS {
                    c.at(
                        &[],
                        Some(&format!("seats: {seats}")),
                        format!(
                            "{seats} seats for {} is too many: give 0 to {MAX_SEATS}",
                            role.slug()
                        ),
                    );
                }
            }
            Change::Bots { profile, .. } => {
                if profile_named(profile).is_none() {
                    c.at(
                        &[],
                        Some(profile),
                        format!(
                            "there is no bot profile {profile:?}: give novice, competent or expert"
                        ),
                    );
                }
            }
            Change::Noise { source, scale } => {
                if let Some(s) = source
                    && !sources.contains(&s.as_str())
                {
                    c.at(
                        &[],
                        Some(s),
                        format!(
                            "the scenario has no data source {s:?}; its sources are {}",
                            known(&sources)
                        ),
                    );
                }
                if !(scale.is_finite() && *scale >= 0.0 && *scale <= MAX_NOISE_SCALE) {
                    c.at(
                        &[],
                        Some("scale:"),
                        format!("scale {scale} is out of range: give 0 to {MAX_NOISE_SCALE}"),
                    );
                } else if *scale > 0.0 && *scale < MIN_NOISE_SCALE {
                    c.at(
                        &[],
                        Some("scale:"),
                        format!(
                            "scale {scale} is too small to mean anything: give 0 for no benign volume, or at least {MIN_NOISE_SCALE}"
                        ),
                    );
                }
            }
        }
    }
    if c.is_empty() {
        Ok(variant)
    } else {
        Err(c.finish())
    }
}

fn check_added_rule(c: &mut Collector, rule: &RawRule, rule_ids: &[&str], sources: &[&str]) {
    let at = Some(rule.id.as_str());
    if rule_ids.contains(&rule.id.as_str()) {
        c.at(
            &[],
            at,
            format!(
                "the scenario already has a rule {:?}: pick another id, or use TuneRule",
                rule.id
            ),
        );
    }
    if !sources.contains(&rule.source.as_str()) {
        c.at(
            &[],
            Some(&rule.source),
            format!(
                "rule {:?} reads {:?}, which the scenario does not collect; its sources are {}",
                rule.id,
                rule.source,
                sources.join(", ")
            ),
        );
    }
    if rule.techniques.is_empty() {
        c.at(
            &[],
            at,
            format!("rule {:?} names no ATT&CK technique", rule.id),
        );
    }
    for t in &rule.techniques {
        if Catalogue::get().technique(t).is_none() {
            c.at(&[], Some(t), format!("{t} is not an ATT&CK v17 technique"));
        }
    }
    if !(0.0..=1.0).contains(&rule.fidelity) {
        c.at(
            &[],
            Some("fidelity:"),
            format!("fidelity {} is not a chance: give 0 to 1", rule.fidelity),
        );
    }
    if !(rule.benign_per_hour.is_finite() && (0.0..=3_600.0).contains(&rule.benign_per_hour)) {
        c.at(
            &[],
            Some("benign_per_hour:"),
            format!(
                "benign_per_hour {} is out of range: give 0 to 3600",
                rule.benign_per_hour
            ),
        );
    }
}

/// Applies a checked variant to a scenario's serde form and to the team playing it.
pub fn apply(variant: &Variant, raw: &mut RawScenario, team: &mut Team) {
    for change in &variant.changes {
        apply_one(change, raw, team);
    }
}

fn apply_one(change: &Change, raw: &mut RawScenario, team: &mut Team) {
    let rule = |raw: &mut RawScenario, id: &str| -> Option<usize> {
        raw.rules.iter().position(|r| r.id == id)
    };
    match change {
        Change::EnableRule(id) => {
            if let Some(i) = rule(raw, id) {
                raw.rules[i].enabled = true;
            }
        }
        Change::DisableRule(id) => {
            if let Some(i) = rule(raw, id) {
                raw.rules[i].enabled = false;
            }
        }
        Change::TuneRule {
            rule: id,
            fidelity,
            benign_per_hour,
            severity,
            latency,
        } => {
            if let Some(i) = rule(raw, id) {
                let r = &mut raw.rules[i];
                r.fidelity = fidelity.unwrap_or(r.fidelity);
                r.benign_per_hour = benign_per_hour.unwrap_or(r.benign_per_hour);
                r.severity = severity.unwrap_or(r.severity);
                if latency.is_some() {
                    r.latency = *latency;
                }
            }
        }
        Change::AddRule(r) => raw.rules.push(r.clone()),
        Change::Staffing { role, seats } => {
            raw.staffing.retain(|s| s.role != *role);
            if *seats > 0 {
                raw.staffing.push(RawStaffing {
                    role: *role,
                    seats: *seats,
                });
            }
        }
        Change::Bots { role, profile } => {
            let Some(p) = profile_named(profile) else {
                return;
            };
            match role {
                None => *team = Team::uniform(p),
                Some(role) => set_role_profile(team, *role, p),
            }
        }
        Change::Noise { source, scale } => {
            let on = |s: &str| source.as_deref().is_none_or(|want| want == s);
            for r in raw.rules.iter_mut().filter(|r| on(&r.source)) {
                r.benign_per_hour *= scale;
            }
            for n in raw.noise.iter_mut().filter(|n| on(&n.source)) {
                n.alerts_per_hour *= scale;
                n.activity_per_hour *= scale;
            }
        }
    }
}

fn set_role_profile(team: &mut Team, role: RoleName, p: &Profile) {
    team.by_role.retain(|(r, _)| *r != role);
    if p.name != team.default.name {
        team.by_role.push((role, p.clone()));
    }
}

/// Turns problems found in the scenario after a variant was applied into problems of the
/// variant file: the scenario alone was valid, so the variant caused them.
pub fn blame(scenario_name: &str, d: &Diagnostics) -> Diagnostics {
    Diagnostics(
        d.0.iter()
            .map(|p| Diagnostic {
                line: 1,
                col: 1,
                message: format!(
                    "with this variant applied, {scenario_name} is invalid: {}",
                    p.message
                ),
            })
            .collect(),
    )
}
