//! Facts read off a journal once, for every scoring function to share: alerts and
//! their ground truth, malicious records, seats, the attacker's footholds over time,
//! containment, detection, and injects.

use std::collections::BTreeSet;

use super::{IntrusionResult, StageResult};
use crate::clock::SimTime;
use crate::journal::{Entry, Journal, Measure, SeatInfo};
use crate::scenario::{IntrusionIdx, Role, Scenario, StageIdx};
use crate::soc::{Evidence, Verdict};

/// An alert as the journal tells it.
#[derive(Debug, Clone, Default)]
pub struct AlertFact {
    /// Entered the queue.
    pub raised: bool,
    /// When.
    pub raised_at: SimTime,
    /// Ground truth.
    pub stage: Option<(IntrusionIdx, StageIdx)>,
    pub host: Option<usize>,
    pub tenant: usize,
    /// When first taken.
    pub taken_at: Option<SimTime>,
    /// Escalated by Tier 1.
    pub escalated: bool,
}

impl AlertFact {
    /// Whether a stage is behind it.
    pub fn malicious(&self) -> bool {
        self.stage.is_some()
    }
}

/// How a seat first judged an item of an intrusion malicious (SCORING.md §3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Detection {
    /// Tier 1 classified one of its alerts malicious or escalated it.
    Triage,
    /// Tier 2 declared an incident on a case holding its telemetry or alerts, or handed
    /// them on.
    Investigation,
    /// A hunter handed on a finding of its telemetry.
    Hunt,
}

/// A malicious record.
#[derive(Debug, Clone, Copy)]
pub struct RecordFact {
    /// When written.
    pub at: SimTime,
    /// Stage behind it.
    pub stage: (IntrusionIdx, StageIdx),
    pub host: Option<usize>,
    pub account: Option<usize>,
}

/// The malicious records by id: a slot per id up to the highest (ids are dense, and
/// scoring looks records up for every item each sender had seen).
#[derive(Debug, Clone, Default)]
pub struct RecordFacts(Vec<Option<RecordFact>>);

impl RecordFacts {
    /// The record's facts, if it is malicious.
    pub fn get(&self, id: &u32) -> Option<&RecordFact> {
        self.0.get(*id as usize).and_then(Option::as_ref)
    }

    fn insert(&mut self, id: u32, fact: RecordFact) {
        let i = id as usize;
        if self.0.len() <= i {
            self.0.resize(i + 1, None);
        }
        self.0[i] = Some(fact);
    }
}

/// Facts gathered from one journal.
#[derive(Debug, Clone, Default)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Facts {
    pub seats: Vec<SeatInfo>,
    /// When the simulation ended: the time limit, or the moment every intrusion was over.
    pub end: SimTime,
    /// When the defenders stood down, if the exercise was ended before its time limit.
    pub stood_down: Option<SimTime>,
    /// Why.
    pub end_reason: String,
    /// Alerts by id.
    pub alerts: Vec<AlertFact>,
    /// Malicious records by id (benign records are not journaled as telemetry).
    pub records: RecordFacts,
    /// Per intrusion: (time, stage) of each fired stage.
    pub fired: Vec<Vec<(SimTime, StageIdx)>>,
    /// Per intrusion: (time, stage) of each blocked stage.
    pub blocked: Vec<Vec<(SimTime, StageIdx)>>,
    /// Per intrusion: impact points realised.
    pub impact: Vec<f64>,
    /// Per intrusion: the first time a seat judged one of its items malicious, before
    /// the attacker announced it.
    pub detected_at: Vec<Option<SimTime>>,
    /// Per intrusion: when a stage marked `announces` fired.
    pub told_at: Vec<Option<SimTime>>,
    /// Per intrusion: how that first identification came about.
    pub detected_by: Vec<Option<Detection>>,
    /// (intrusion, stage, how) for every stage whose records a search turned up.
    pub found: BTreeSet<(IntrusionIdx, StageIdx, Detection)>,
    /// Per intrusion: contained and eradicated times.
    pub contained_at: Vec<Option<SimTime>>,
    /// Per intrusion: eradicated time.
    pub eradicated_at: Vec<Option<SimTime>>,
    /// Hosts that ever held a foothold.
    pub ever_footholds: BTreeSet<usize>,
    /// Accounts ever compromised.
    pub ever_compromised: BTreeSet<usize>,
    /// Hosts isolated.
    pub isolated: BTreeSet<usize>,
    /// Accounts disabled or reset.
    pub disabled: BTreeSet<usize>,
    /// Per inject: when fired.
    pub inject_fired: Vec<Option<SimTime>>,
    /// Per inject: first answer (time, choice).
    pub inject_answer: Vec<Option<(SimTime, usize)>>,
    /// Per host, account and observable: (time, intrusion) of each malicious record
    /// that named it, in time order. Handoff scoring asks this for every item a sender
    /// saw, so it is an index rather than a scan of the records.
    named_by: [Vec<Vec<(SimTime, IntrusionIdx)>>; 3],
}

/// The slots of [`Facts::named_by`].
const HOST: usize = 0;
const ACCOUNT: usize = 1;
const OBSERVABLE: usize = 2;

/// Attacker holdings for one intrusion, replayed from the journal.
#[derive(Default)]
struct Holdings {
    footholds: BTreeSet<usize>,
    accounts: BTreeSet<usize>,
}

impl Facts {
    /// Reads a journal.
    pub fn gather(scenario: &Scenario, journal: &Journal) -> Facts {
        let n = scenario.intrusions.len();
        let mut f = Facts {
            fired: vec![Vec::new(); n],
            blocked: vec![Vec::new(); n],
            impact: vec![0.0; n],
            detected_at: vec![None; n],
            told_at: vec![None; n],
            detected_by: vec![None; n],
            contained_at: vec![None; n],
            eradicated_at: vec![None; n],
            inject_fired: vec![None; scenario.injects.len()],
            inject_answer: vec![None; scenario.injects.len()],
            ..Facts::default()
        };
        let mut holdings: Vec<Holdings> = (0..n).map(|_| Holdings::default()).collect();
        let mut isolated_now: BTreeSet<usize> = BTreeSet::new();
        let mut disabled_now: BTreeSet<usize> = BTreeSet::new();
        let mut reset_now: BTreeSet<usize> = BTreeSet::new();
        // Once the attacker has announced itself, finding it is no longer the SOC's
        // detection (incident reports count that as adversary notification).
        let detect = |f: &mut Facts, i: IntrusionIdx, t: SimTime, how: Detection| {
            if f.detected_at[i].is_none() && f.told_at[i].is_none() {
                f.detected_at[i] = Some(t);
                f.detected_by[i] = Some(how);
            }
        };
        // The intrusions behind what each case holds (handed-over items and the records
        // investigations filed), and behind what each handoff carried: declaring a case an
        // incident judges them all.
        let mut cases: Vec<Vec<IntrusionIdx>> = Vec::new();
        let mut handoffs: Vec<Vec<IntrusionIdx>> = Vec::new();
        let slot = |v: &mut Vec<Vec<IntrusionIdx>>, i: u32| -> usize {
            let i = i as usize;
            if v.len() <= i {
                v.resize_with(i + 1, Vec::new);
            }
            i
        };
        let join = |into: &mut Vec<IntrusionIdx>, more: &[IntrusionIdx]| {
            for &i in more {
                if !into.contains(&i) {
                    into.push(i);
                }
            }
        };
        for line in &journal.lines {
            let t = line.t;
            match &line.entry {
                Entry::Started { seats, .. } => f.seats = seats.clone(),
                Entry::SeatAdded { info } => f.seats.push((**info).clone()),
                Entry::Ended { reason } => {
                    f.end = t;
                    f.end_reason = reason.clone();
                }
                Entry::StoodDown => f.stood_down = Some(t),
                Entry::StageFired { intrusion, stage } => {
                    f.fired[*intrusion].push((t, *stage));
                    if scenario.intrusions[*intrusion].stages[*stage].announces {
                        f.told_at[*intrusion].get_or_insert(t);
                    }
                }
                Entry::StageBlocked {
                    intrusion, stage, ..
                } => f.blocked[*intrusion].push((t, *stage)),
                Entry::Impact {
                    intrusion, points, ..
                } => f.impact[*intrusion] += points,
                Entry::FootholdGained { intrusion, host } => {
                    holdings[*intrusion].footholds.insert(*host);
                    f.ever_footholds.insert(*host);
                }
                Entry::FootholdRemoved { intrusion, host } => {
                    holdings[*intrusion].footholds.remove(host);
                }
                Entry::AccountCompromised { intrusion, account } => {
                    holdings[*intrusion].accounts.insert(*account);
                    f.ever_compromised.insert(*account);
                    // A fresh theft: an earlier reset does not cover the new credentials.
                    reset_now.remove(account);
                }
                Entry::Telemetry(tel)
                    if let crate::journal::Telemetry {
                        record,
                        host,
                        account,
                        stage: Some(stage),
                        ..
                    } = &**tel =>
                {
                    f.records.insert(
                        *record,
                        RecordFact {
                            at: t,
                            stage: *stage,
                            host: *host,
                            account: *account,
                        },
                    );
                    let named = (host.iter().map(|&h| (HOST, h)))
                        .chain(account.iter().map(|&a| (ACCOUNT, a)))
                        .chain(
                            scenario.intrusions[stage.0].stages[stage.1]
                                .observables
                                .iter()
                                .map(|&o| (OBSERVABLE, o)),
                        );
                    for (kind, i) in named {
                        let list = &mut f.named_by[kind];
                        if list.len() <= i {
                            list.resize_with(i + 1, Vec::new);
                        }
                        list[i].push((t, stage.0));
                    }
                }
                Entry::AlertRaised {
                    alert,
                    stage,
                    host,
                    tenant,
                    ..
                } => {
                    let i = *alert as usize;
                    if f.alerts.len() <= i {
                        f.alerts.resize(i + 1, AlertFact::default());
                    }
                    f.alerts[i] = AlertFact {
                        raised: true,
                        raised_at: t,
                        stage: *stage,
                        host: *host,
                        tenant: *tenant,
                        ..AlertFact::default()
                    };
                }
                Entry::AlertTaken { alert, .. } => {
                    if let Some(a) = f.alerts.get_mut(*alert as usize) {
                        a.taken_at.get_or_insert(t);
                    }
                }
                Entry::Classified {
                    alert,
                    verdict: Verdict::Malicious,
                    ..
                } => {
                    if let Some((i, _)) = f.alerts.get(*alert as usize).and_then(|a| a.stage) {
                        detect(&mut f, i, t, Detection::Triage);
                    }
                }
                Entry::HandoffSent {
                    handoff,
                    from,
                    draft,
                    ..
                } => {
                    // Escalating an alert, or handing on an alert or record, is judging
                    // it malicious.
                    if let Some(a) = draft.alert.and_then(|a| f.alerts.get_mut(a as usize)) {
                        a.escalated = true;
                        if let Some((i, _)) = a.stage {
                            detect(&mut f, i, t, Detection::Triage);
                        }
                    }
                    let how = match from {
                        Role::Tier1 => Detection::Triage,
                        Role::Hunter => Detection::Hunt,
                        _ => Detection::Investigation,
                    };
                    let tied = f.intrusions_of(&draft.evidence);
                    for &i in &tied {
                        detect(&mut f, i, t, how);
                    }
                    let h = slot(&mut handoffs, *handoff);
                    handoffs[h] = tied;
                }
                Entry::HandoffTaken { handoff, case, .. } => {
                    let h = slot(&mut handoffs, *handoff);
                    let c = slot(&mut cases, *case);
                    let tied = std::mem::take(&mut handoffs[h]);
                    join(&mut cases[c], &tied);
                    handoffs[h] = tied;
                }
                Entry::CasesMerged { into, from, .. } => {
                    let from = slot(&mut cases, *from);
                    let into = slot(&mut cases, *into);
                    let moved = std::mem::take(&mut cases[from]);
                    join(&mut cases[into], &moved);
                }
                Entry::IncidentDeclared { case, .. } => {
                    let c = slot(&mut cases, *case);
                    for i in cases[c].clone() {
                        detect(&mut f, i, t, Detection::Investigation);
                    }
                }
                Entry::Investigated { records, case, .. } => {
                    // Turning telemetry up is not judging it: it marks the stage as found
                    // (coverage), and files the records in the case.
                    f.mark_found(records, Detection::Investigation);
                    if let Some(case) = case {
                        let tied: Vec<IntrusionIdx> = records
                            .iter()
                            .filter_map(|r| f.records.get(r).map(|x| x.stage.0))
                            .collect();
                        let c = slot(&mut cases, *case);
                        join(&mut cases[c], &tied);
                    }
                }
                Entry::Hunted { records, .. } => f.mark_found(records, Detection::Hunt),
                Entry::MeasureApplied { measure } => match *measure {
                    Measure::Isolate(h) => {
                        isolated_now.insert(h);
                        f.isolated.insert(h);
                    }
                    Measure::Recover(h) => {
                        isolated_now.remove(&h);
                    }
                    Measure::DisableAccount(a) => {
                        disabled_now.insert(a);
                        f.disabled.insert(a);
                    }
                    Measure::ResetCredentials(a) => {
                        reset_now.insert(a);
                        f.disabled.insert(a);
                    }
                    Measure::Eradicate(_) | Measure::Block(_) => {}
                },
                Entry::InjectFired { inject } => f.inject_fired[*inject] = Some(t),
                Entry::InjectAnswered { inject, choice, .. } => {
                    f.inject_answer[*inject].get_or_insert((t, *choice));
                }
                _ => {}
            }
            // Containment is a state: track when each intrusion last entered "nothing
            // active" and whether it left it again. Only these entries change it.
            let changes_state = matches!(
                line.entry,
                Entry::StageFired { .. }
                    | Entry::FootholdGained { .. }
                    | Entry::FootholdRemoved { .. }
                    | Entry::AccountCompromised { .. }
                    | Entry::MeasureApplied { .. }
            );
            if !changes_state {
                continue;
            }
            let unusable = |a: &usize| disabled_now.contains(a) || reset_now.contains(a);
            for (i, h) in holdings.iter().enumerate() {
                if f.fired[i].is_empty() {
                    continue;
                }
                let active = h.footholds.iter().any(|x| !isolated_now.contains(x))
                    || h.accounts.iter().any(|a| !unusable(a));
                match (active, f.contained_at[i]) {
                    (false, None) => f.contained_at[i] = Some(t),
                    (true, Some(_)) => f.contained_at[i] = None,
                    _ => {}
                }
                let clean = h.footholds.is_empty() && h.accounts.iter().all(unusable);
                match (clean, f.eradicated_at[i]) {
                    (true, None) => f.eradicated_at[i] = Some(t),
                    (false, Some(_)) => f.eradicated_at[i] = None,
                    _ => {}
                }
            }
        }
        f
    }

    /// Calls `f` with each intrusion an evidence item is tied to by time `t` (the stage
    /// behind an alert or record, or the intrusions whose malicious records named the
    /// host, account or indicator; none for benign items; an intrusion may come more
    /// than once) until `f` returns true; returns whether it did.
    pub fn any_tie(
        &self,
        item: Evidence,
        t: SimTime,
        mut f: impl FnMut(IntrusionIdx) -> bool,
    ) -> bool {
        let (kind, i) = match item {
            Evidence::Alert(a) => {
                let stage = self.alerts.get(a as usize).and_then(|x| x.stage);
                return stage.is_some_and(|(i, _)| f(i));
            }
            Evidence::Record(r) => return self.records.get(&r).is_some_and(|x| f(x.stage.0)),
            Evidence::Host(i) => (HOST, i),
            Evidence::Account(i) => (ACCOUNT, i),
            Evidence::Observable(i) => (OBSERVABLE, i),
        };
        self.named_by[kind].get(i).is_some_and(|v| {
            v.iter()
                .take_while(|(at, _)| *at <= t)
                .any(|&(_, intrusion)| f(intrusion))
        })
    }

    /// Notes the stages whose records a search turned up.
    fn mark_found(&mut self, records: &[u32], how: Detection) {
        for r in records {
            if let Some(x) = self.records.get(r) {
                self.found.insert((x.stage.0, x.stage.1, how));
            }
        }
    }

    /// The intrusions behind the alerts and records among `items` (hosts, accounts and
    /// indicators are not judgements of activity), sorted, without repeats.
    pub fn intrusions_of(&self, items: &[Evidence]) -> Vec<IntrusionIdx> {
        let mut out: Vec<IntrusionIdx> = items
            .iter()
            .filter_map(|e| match *e {
                Evidence::Alert(a) => self.alerts.get(a as usize).and_then(|x| x.stage),
                Evidence::Record(r) => self.records.get(&r).map(|x| x.stage),
                _ => None,
            })
            .map(|(i, _)| i)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether an evidence item is tied to malicious activity that happened by time `t`.
    pub fn relevant(&self, item: Evidence, t: SimTime) -> bool {
        self.any_tie(item, t, |_| true)
    }

    /// When the defenders stopped: the stand-down, or the end of the simulation.
    pub fn defended_until(&self) -> SimTime {
        self.stood_down.unwrap_or(self.end)
    }

    /// Benign hosts isolated.
    pub fn collateral_hosts(&self) -> u32 {
        self.isolated.difference(&self.ever_footholds).count() as u32
    }

    /// Benign accounts disabled or reset.
    pub fn collateral_accounts(&self) -> u32 {
        self.disabled.difference(&self.ever_compromised).count() as u32
    }

    /// Per-intrusion timelines.
    pub fn intrusions(&self, scenario: &Scenario) -> Vec<IntrusionResult> {
        scenario
            .intrusions
            .iter()
            .enumerate()
            .map(|(i, intr)| {
                let compromised_at = self.fired[i].first().map(|(t, _)| *t);
                let first_alert_at = self
                    .alerts
                    .iter()
                    .filter(|a| a.raised && a.stage.is_some_and(|(x, _)| x == i))
                    .map(|a| a.raised_at)
                    .min();
                let detected_at = self.detected_at[i];
                let told_at = self.told_at[i];
                let contained_at = compromised_at.and(self.contained_at[i]);
                let eradicated_at = compromised_at.and(self.eradicated_at[i]);
                // Dwell ends when the SOC judged it malicious, or when the attacker told
                // the organisation; otherwise it is a lower bound (censored).
                let (dwell, censored) = match (compromised_at, detected_at.or(told_at)) {
                    (Some(c), Some(d)) => (Some(d.since(c)), false),
                    (Some(c), None) => (Some(self.end.since(c)), true),
                    (None, _) => (None, false),
                };
                IntrusionResult {
                    id: intr.id.clone(),
                    name: intr.name.clone(),
                    compromised_at,
                    first_alert_at,
                    detected_at,
                    told_at,
                    contained_at,
                    eradicated_at,
                    dwell_seconds: dwell,
                    censored,
                    time_to_contain_seconds: match (detected_at, contained_at) {
                        (Some(d), Some(c)) => Some(c.since(d)),
                        _ => None,
                    },
                    exposure_seconds: match (compromised_at, contained_at) {
                        (Some(a), Some(c)) => Some(c.since(a)),
                        _ => None,
                    },
                    stages_fired: self.fired[i]
                        .iter()
                        .map(|(_, s)| intr.stages[*s].id.clone())
                        .collect(),
                    stages_blocked: self.blocked[i]
                        .iter()
                        .map(|(_, s)| intr.stages[*s].id.clone())
                        .collect(),
                    detected_by: self.detected_by[i],
                    stages: intr
                        .stages
                        .iter()
                        .enumerate()
                        .map(|(si, st)| {
                            let alerts: Vec<SimTime> = self
                                .alerts
                                .iter()
                                .filter(|a| a.raised && a.stage == Some((i, si)))
                                .map(|a| a.raised_at)
                                .collect();
                            StageResult {
                                id: st.id.clone(),
                                tactic: st.tactic.clone(),
                                technique: st.technique.clone(),
                                fired_at: self.fired[i]
                                    .iter()
                                    .find(|(_, s)| *s == si)
                                    .map(|(t, _)| *t),
                                blocked_at: self.blocked[i]
                                    .iter()
                                    .find(|(_, s)| *s == si)
                                    .map(|(t, _)| *t),
                                alerts: alerts.len() as u32,
                                first_alert_at: alerts.iter().min().copied(),
                                found_by_investigation: self.found.contains(&(
                                    i,
                                    si,
                                    Detection::Investigation,
                                )),
                                found_by_hunt: self.found.contains(&(i, si, Detection::Hunt)),
                            }
                        })
                        .collect(),
                    impact_points: self.impact[i],
                }
            })
            .collect()
    }
}
