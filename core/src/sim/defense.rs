//! The defenders' side of the environment: which hosts are cut off or cleaned, which
//! accounts are disabled or reset, which indicators are blocked, which measures are in
//! force, and each rule as deployed now. The engine changes it; a seat's perception
//! reads it.

use bevy::prelude::*;

use crate::journal::Measure;
use crate::scenario::{Partner, Scenario};
use crate::soc::action::RuleChange;

/// A rule as currently deployed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveRule {
    /// Deployed.
    pub enabled: bool,
    /// Current fidelity.
    pub fidelity: f64,
    /// Current benign rate per hour.
    pub benign_per_hour: f64,
    /// Bumped whenever the noise process is re-armed, so stale arrivals are dropped.
    pub generation: u16,
}

/// The defenders' side of the environment.
#[derive(Resource, Debug, Clone, Default)]
pub struct Defense {
    /// Per host: cut off the network.
    pub isolated: Vec<bool>,
    /// Per host: persistence removed since the last foothold.
    pub eradicated: Vec<bool>,
    /// Per account: disabled.
    pub disabled: Vec<bool>,
    /// Per account: credentials reset since the last compromise.
    pub reset: Vec<bool>,
    /// Per observable: blocked.
    pub blocked: Vec<bool>,
    /// Per business measure a decision can enact: in force.
    pub enacted: Vec<bool>,
    /// Per rule: live settings.
    pub rules: Vec<LiveRule>,
    /// Measures requested from partner teams, by request number.
    pub requests: Vec<Measure>,
    /// Rule changes awaiting deployment, by change number.
    pub changes: Vec<(usize, RuleChange)>,
}

impl Defense {
    /// The environment at T+0.
    pub fn new(scenario: &Scenario) -> Defense {
        Defense {
            isolated: vec![false; scenario.hosts.len()],
            eradicated: vec![false; scenario.hosts.len()],
            disabled: vec![false; scenario.accounts.len()],
            reset: vec![false; scenario.accounts.len()],
            blocked: vec![false; scenario.observables.len()],
            enacted: vec![false; scenario.policies.len()],
            rules: scenario
                .rules
                .iter()
                .map(|r| LiveRule {
                    enabled: r.enabled,
                    fidelity: r.fidelity,
                    benign_per_hour: r.benign_per_hour,
                    generation: 0,
                })
                .collect(),
            requests: Vec::new(),
            changes: Vec::new(),
        }
    }

    /// Whether stolen credentials for the account still work.
    pub fn account_usable(&self, account: usize) -> bool {
        !self.disabled[account] && !self.reset[account]
    }

    /// The partner team that carries out a measure.
    pub fn partner(measure: Measure) -> Partner {
        match measure {
            Measure::Isolate(_) | Measure::Eradicate(_) | Measure::Recover(_) => Partner::Endpoint,
            Measure::DisableAccount(_) | Measure::ResetCredentials(_) => Partner::Identity,
            Measure::Block(_) => Partner::Network,
        }
    }
}
