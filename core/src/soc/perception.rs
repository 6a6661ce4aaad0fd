//! What a seat can perceive: the only window bots have on the exercise.
//!
//! A [`Perception`] holds the desk as the SOC sees it (alerts, records with their cues,
//! cases, handoffs, the inbox, what threat intelligence has said), the public parts of
//! the scenario (hosts, accounts, rules, sources, tenants, injects, staffing), the
//! SOC's own settings (which rules are deployed, which eradications have landed), and
//! the seat's own knowledge. It holds no stage, no foothold and no label: nothing that
//! says which items are the attacker's. Bots are given nothing else, so no bot code
//! path can read the ground truth (ARCHITECTURE.md, invariants; `tests/blind.rs`).

use crate::clock::SimTime;
use crate::content::{self, Cues, Intel};
use crate::scenario::{Account, DataSource, Host, Inject, Observable, Rule, Scenario, Tenant};
use crate::sim::defense::{Defense, LiveRule};
use crate::soc::action::{AlertId, Evidence, RecordId};
use crate::soc::ledger::Ledger;
use crate::soc::seat::{Knowledge, Seat};

/// The public facts of a scenario: what every analyst knows from the start.
#[derive(Clone, Copy)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Public<'a> {
    pub tenants: &'a [Tenant],
    pub hosts: &'a [Host],
    pub accounts: &'a [Account],
    /// Data sources.
    pub sources: &'a [DataSource],
    /// Detection rules as written.
    pub rules: &'a [Rule],
    /// Indicators by index (what they are, not whose).
    pub observables: &'a [Observable],
    /// Injects (they reach a seat only when they fire; the inbox says which).
    pub injects: &'a [Inject],
    scenario: &'a Scenario,
}

impl<'a> Public<'a> {
    /// The public facts of `s`.
    pub fn of(s: &'a Scenario) -> Public<'a> {
        Public {
            tenants: &s.tenants,
            hosts: &s.hosts,
            accounts: &s.accounts,
            sources: &s.sources,
            rules: &s.rules,
            observables: &s.observables,
            injects: &s.injects,
            scenario: s,
        }
    }

    /// The rules written for a technique or its parent, in rule order.
    pub fn rules_covering(&self, technique: &str) -> Vec<usize> {
        self.scenario.lookup.rules_covering(technique)
    }
}

/// What one seat perceives now.
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Perception<'a> {
    /// Simulated time.
    pub now: SimTime,
    pub seat: &'a Seat,
    /// What the seat has discovered or been handed.
    pub knowledge: &'a Knowledge,
    /// The desk: no ground truth on it.
    pub desk: &'a Ledger,
    /// The scenario's public facts.
    pub scenario: &'a Public<'a>,
    defense: &'a Defense,
}

impl<'a> Perception<'a> {
    /// The perception of `seat` now.
    pub(crate) fn new(
        now: SimTime,
        seat: &'a Seat,
        knowledge: &'a Knowledge,
        desk: &'a Ledger,
        scenario: &'a Public<'a>,
        defense: &'a Defense,
    ) -> Perception<'a> {
        Perception {
            now,
            seat,
            knowledge,
            desk,
            scenario,
            defense,
        }
    }

    /// A rule as deployed now (the SOC's own configuration).
    pub fn rule(&self, rule: usize) -> LiveRule {
        self.defense.rules[rule]
    }

    /// Whether the host is cut off the network now (the SOC's own measure).
    pub fn isolated(&self, host: usize) -> bool {
        self.defense.isolated[host]
    }

    /// Whether an eradication of the host has landed since the SOC last asked for one.
    pub fn eradication_landed(&self, host: usize) -> bool {
        self.desk.eradicated[host]
    }

    /// The cues of an alert (its record's) or a record; none for other items.
    pub fn cues(&self, item: Evidence) -> Option<Cues> {
        match item {
            Evidence::Alert(a) => {
                let r = self.desk.alerts.get(a as usize)?.record?;
                Some(self.desk.records.get(r as usize)?.cues)
            }
            Evidence::Record(r) => Some(self.desk.records.get(r as usize)?.cues),
            _ => None,
        }
    }

    /// What threat intelligence has said about an item's indicators.
    pub fn intel(&self, item: Evidence) -> Option<Intel> {
        match item {
            Evidence::Alert(a) => self
                .desk
                .intel_on(&self.desk.alerts.get(a as usize)?.observables),
            Evidence::Record(r) => self
                .desk
                .intel_on(&self.desk.records.get(r as usize)?.observables),
            Evidence::Observable(o) => self.desk.intel.get(o).copied().flatten(),
            _ => None,
        }
    }

    /// The suspicion score of an alert or a record from what the console shows: its
    /// cues (an odd detail weighed by `reads_detail`, 0 to 1), its alert's severity,
    /// and threat intelligence (`assets/cues.ron`).
    pub fn suspicion(&self, item: Evidence, reads_detail: f64) -> Option<f64> {
        let cues = self.cues(item)?;
        let alert = match item {
            Evidence::Alert(a) => {
                let al = &self.desk.alerts[a as usize];
                Some(content::AlertContext {
                    severity: al.severity,
                    rule_noise: self.desk.rule_noise(al.rule),
                })
            }
            _ => None,
        };
        Some(content::suspicion(
            &cues,
            alert,
            self.intel(item),
            reads_detail,
        ))
    }

    /// The alert's record, if it has one.
    pub fn record_of(&self, alert: AlertId) -> Option<RecordId> {
        self.desk.alerts.get(alert as usize)?.record
    }
}
