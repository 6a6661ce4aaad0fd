//! Skill profiles, embedded from `assets/bots.ron`.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::scenario::format::Dur;

/// How Tier 1 picks from the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum TriageOrder {
    /// Oldest first.
    Fifo,
    /// Highest severity, then tightest SLA, then oldest.
    Severity,
}

/// How a hunter picks hypotheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum HuntStrategy {
    /// Any technique, uniformly.
    Random,
    /// Techniques no enabled rule covers, first.
    Gaps,
}

/// A bot skill profile. `assets/bots.ron` documents every field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(
    missing_docs,
    reason = "fields are documented in assets/bots.ron beside the values"
)]
pub struct Profile {
    pub name: String,
    pub speed: f64,
    pub discrimination: f64,
    pub reads_detail: f64,
    pub threshold: f64,
    pub load_drift: f64,
    pub shift_drift: f64,
    pub fatigue_queue: u32,
    pub thoroughness: f64,
    pub sloppiness: f64,
    pub severity_accuracy: f64,
    pub triage_order: TriageOrder,
    pub investigations: u32,
    pub lookback: Dur,
    pub hunt_every: Dur,
    pub hunt_lookback: Dur,
    pub hunt_strategy: HuntStrategy,
    pub hunt_to_responder: bool,
    pub contain_accounts: f64,
    pub block_observables: f64,
    pub reset_credentials: bool,
    pub decision_accuracy: f64,
    pub fp_threshold: u32,
    pub disable_noisy: f64,
}

impl Profile {
    /// The scale of the logistic noise a bot adds to a suspicion score: 0.1 for perfect
    /// discrimination, 1.6 for none.
    pub fn noise_scale(&self) -> f64 {
        0.1 + 1.5 * (1.0 - self.discrimination.clamp(0.0, 1.0))
    }
}

const PROFILES: &str = include_str!("../../../assets/bots.ron");

/// Every shipped profile, from novice to expert.
pub fn profiles() -> &'static [Profile] {
    static ALL: OnceLock<Vec<Profile>> = OnceLock::new();
    ALL.get_or_init(|| {
        ron::from_str(PROFILES).expect("assets/bots.ron is valid (checked by a unit test)")
    })
}

/// The profile called `name`.
pub fn profile_named(name: &str) -> Option<&'static Profile> {
    profiles().iter().find(|p| p.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_profiles_load_and_rise_in_skill() {
        let p = profiles();
        let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["novice", "competent", "expert"]);
        assert!(p[0].discrimination < p[1].discrimination);
        assert!(p[1].discrimination < p[2].discrimination);
        assert!(p[0].reads_detail < p[1].reads_detail);
        assert!(p[1].reads_detail < p[2].reads_detail);
        assert!(p[0].load_drift > p[2].load_drift, "novices tire faster");
        assert!(p[0].speed > p[2].speed, "experts are faster");
        assert!(p[0].thoroughness < p[2].thoroughness);
    }
}
