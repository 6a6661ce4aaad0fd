//! The scoring profile: every weight and target the formulas use, loaded from
//! `assets/scoring.ron` (or a file of the same shape), never hard-coded.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::scenario::Role;
use crate::scenario::format::Dur;

/// Weights and targets for handoff quality.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffWeights {
    /// Relevant evidence seen that was attached.
    pub completeness: f64,
    /// Attached evidence that is relevant.
    pub precision: f64,
    /// Severity correctness.
    pub severity: f64,
    /// Routing to the role that can act next.
    pub routing: f64,
    /// Sender hold time.
    pub timeliness: f64,
    /// Receiver pickup latency.
    pub pickup: f64,
    /// Share of quality lost when the handoff is returned.
    pub bounce_penalty: f64,
    /// Hold-time target per sending role.
    pub hold_target: Vec<(Role, Dur)>,
    pub pickup_target: Dur,
}

/// Triage weights.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageWeights {
    /// Weight of a malicious alert against a benign one.
    pub missed_weight: f64,
    /// Share of the triage component lost when every alert breaches its SLA.
    pub sla_weight: f64,
}

/// Team score weights.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamWeights {
    /// Detection (dwell).
    pub detection: f64,
    /// Containment (exposure).
    pub containment: f64,
    /// Impact prevented.
    pub impact: f64,
    /// Triage accuracy.
    pub triage: f64,
    /// Handoff quality.
    pub handoffs: f64,
    pub objectives: f64,
    /// Dwell scoring zero.
    pub detection_horizon: Dur,
    /// Exposure scoring zero.
    pub containment_horizon: Dur,
    /// Points off per collateral host or account.
    pub collateral_penalty: f64,
}

/// A scoring profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringProfile {
    /// Handoff weights.
    pub handoff: HandoffWeights,
    /// Triage weights.
    pub triage: TriageWeights,
    /// Team weights.
    pub team: TeamWeights,
}

const DEFAULT: &str = include_str!("../../../assets/scoring.ron");

impl ScoringProfile {
    /// The shipped default profile.
    pub fn default_profile() -> &'static ScoringProfile {
        static P: OnceLock<ScoringProfile> = OnceLock::new();
        P.get_or_init(|| {
            ron::from_str(DEFAULT).expect("assets/scoring.ron is valid (checked by a unit test)")
        })
    }

    /// Hold-time target for a sending role, in seconds (one hour if unset).
    pub fn hold_target(&self, role: Role) -> u64 {
        self.handoff
            .hold_target
            .iter()
            .find(|(r, _)| *r == role)
            .map_or(3600, |(_, d)| d.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn default_profile_loads() {
        let p = super::ScoringProfile::default_profile();
        assert!(p.triage.missed_weight > 1.0);
        assert_eq!(p.hold_target(crate::scenario::Role::Tier1), 1200);
    }
}
