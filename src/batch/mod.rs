//! Batches: one scenario over many seeds, on every core, with what-if variants run on
//! the same seeds.
//!
//! [`run`] plays the seeds on worker threads, each with one reusable world per arm, and
//! hands the per-seed [`Record`]s back in seed order whatever the number of threads, so
//! everything built from them — the streamed `runs.jsonl`, the [`Summary`], the coverage
//! matrix — is identical for any `jobs`. [`Accumulator`] folds records into a summary
//! in memory that does not grow with the number of seeds: exact quantiles come from
//! counts of distinct values ([`Histogram`]: whole seconds, scores to one decimal).
//! Only a batch with variants keeps two numbers per seed and intrusion, for the paired
//! bootstrap. No I/O here: the caller writes records as they come.

pub mod coverage;
pub mod render;
pub mod stats;
pub mod variant;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::report::Coverage;
use crate::scenario::{ALL_ROLES, Scenario};
use crate::score::Results;
use crate::script::Script;
use crate::{Exercise, Team};

pub use coverage::{CoverageRow, Matrix};
pub use stats::{Dist, Histogram, PairedDiff};

/// Version tag of the summary JSON.
pub const SCHEMA: &str = "socdrill.batch/1";

/// One arm of a batch: the baseline, or the baseline with a variant applied.
#[derive(Debug, Clone)]
pub struct Arm {
    /// `baseline`, or the variant's name.
    pub name: String,
    /// The variant's description.
    pub description: String,
    /// Each change in words.
    pub changes: Vec<String>,
    /// The scenario this arm plays.
    pub scenario: Arc<Scenario>,
    /// Who plays it.
    pub team: Team,
}

/// What one exercise came to, kept per seed and streamed to `runs.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Arm name.
    pub arm: String,
    /// Seed.
    pub seed: u64,
    /// Journal digest: replaying this seed gives the same.
    pub digest: String,
    /// Events fired.
    pub events: u64,
    /// Team score.
    pub team_score: Option<f64>,
    /// Attacker impact realised, percent of possible.
    pub impact_percent: f64,
    /// Benign hosts and accounts contained without cause.
    pub collateral: u32,
    /// Per intrusion.
    pub intrusions: Vec<IntrusionRecord>,
    /// Per role: actions taken and time busy.
    pub roles: Vec<RoleRecord>,
}

/// One intrusion in one exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntrusionRecord {
    /// Intrusion id.
    pub id: String,
    /// Whether it got a foothold.
    pub compromised: bool,
    /// Whether the defenders detected it.
    pub detected: bool,
    /// Dwell in seconds (to the end of the exercise when undetected: censored).
    pub dwell: Option<u64>,
    /// Whether `dwell` is censored.
    pub censored: bool,
    /// Detection to containment, seconds.
    pub time_to_contain: Option<u64>,
    /// Compromise to containment, seconds; none when never contained (as in the
    /// results: an uncontained intrusion has no exposure figure).
    pub exposure: Option<u64>,
    /// Per stage, in scenario order.
    pub stages: Vec<StageRecord>,
}

/// One stage in one exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageRecord {
    /// Stage id.
    pub id: String,
    /// Whether it ran.
    pub fired: bool,
    /// Alerts rules raised on it.
    pub alerts: u32,
    /// From the stage running to its first alert, seconds.
    pub time_to_alert: Option<u64>,
    /// Whether a hunt turned up its telemetry.
    pub hunt: bool,
    /// Whether an investigation turned up its telemetry.
    pub investigation: bool,
}

impl StageRecord {
    /// How the stage fared, as in the after-action report's coverage table.
    pub fn coverage(&self) -> Coverage {
        match self {
            s if !s.fired => Coverage::NotExercised,
            s if s.alerts > 0 => Coverage::DetectedByRule,
            s if s.hunt => Coverage::FoundByHunt,
            s if s.investigation => Coverage::FoundByInvestigation,
            _ => Coverage::Missed,
        }
    }
}

/// One role's load in one exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleRecord {
    /// Role slug.
    pub role: String,
    /// Seats.
    pub seats: u32,
    /// Actions taken.
    pub actions: u32,
    /// Share of the exercise its seats were busy, 0 to 1.
    pub utilisation: f64,
}

impl Record {
    /// The record of a scored exercise.
    pub fn of(arm: &str, results: &Results, events: u64) -> Record {
        Record {
            arm: arm.to_string(),
            seed: results.seed,
            digest: results.digest.clone(),
            events,
            team_score: results.team_score,
            impact_percent: results.impact.percent,
            collateral: results.impact.collateral_hosts + results.impact.collateral_accounts,
            intrusions: results
                .intrusions
                .iter()
                .map(|i| IntrusionRecord {
                    id: i.id.clone(),
                    compromised: i.compromised_at.is_some(),
                    detected: i.detected_at.is_some(),
                    dwell: i.dwell_seconds,
                    censored: i.censored,
                    time_to_contain: i.time_to_contain_seconds,
                    exposure: i.exposure_seconds,
                    stages: i
                        .stages
                        .iter()
                        .map(|s| StageRecord {
                            id: s.id.clone(),
                            fired: s.fired_at.is_some(),
                            alerts: s.alerts,
                            time_to_alert: s
                                .first_alert_at
                                .zip(s.fired_at)
                                .map(|(a, f)| a.saturating_sub(f)),
                            hunt: s.found_by_hunt,
                            investigation: s.found_by_investigation,
                        })
                        .collect(),
                })
                .collect(),
            roles: results
                .roles
                .iter()
                .map(|r| RoleRecord {
                    role: r.role.clone(),
                    seats: r.seats,
                    actions: r.actions,
                    utilisation: r.utilisation,
                })
                .collect(),
        }
    }
}

/// How a batch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// Seeds whose every arm finished and was handed over, from the first seed on.
    pub seeds: usize,
    /// Whether `stop` cut the batch short.
    pub interrupted: bool,
    /// An exercise that ran out of its event budget (arm, seed and why); the batch
    /// stops there.
    pub over_budget: Option<String>,
}

/// Runs every arm on every seed, on `jobs` threads. `each` receives the records of one
/// seed (one per arm, in arm order), seed after seed in order, on the calling thread.
/// Setting `stop` lets running exercises finish and hands on no further seed; what was
/// handed on before is complete and in order.
pub fn run(
    arms: &[Arm],
    seeds: Seeds,
    jobs: usize,
    stop: &AtomicBool,
    mut each: impl FnMut(Vec<Record>),
) -> Finished {
    let jobs = jobs.clamp(1, usize::try_from(seeds.count).unwrap_or(usize::MAX).max(1));
    let next = AtomicUsize::new(0);
    let script = Script::default();
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<Record>)>(jobs * 4);
    let mut handed = 0;
    let over_budget: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let halt = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, script, over_budget, halt) = (&next, &script, &over_budget, &halt);
            scope.spawn(move || {
                let mut worlds: Vec<Option<Exercise>> = (0..arms.len()).map(|_| None).collect();
                loop {
                    if stop.load(Ordering::Relaxed) || halt.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(seed) = seeds.get(i) else { break };
                    let mut records = Vec::with_capacity(arms.len());
                    for (arm, world) in arms.iter().zip(worlds.iter_mut()) {
                        let ex = match world {
                            Some(ex) => {
                                ex.reset_team(seed, &arm.team, script);
                                ex
                            }
                            None => world.insert(Exercise::with_team(
                                arm.scenario.clone(),
                                seed,
                                &arm.team,
                                script,
                            )),
                        };
                        ex.run_to_end();
                        if let Some(why) = ex.over_budget() {
                            let mut first = over_budget
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner);
                            first.get_or_insert(format!("{}, seed {seed}: {why}", arm.name));
                            halt.store(true, Ordering::Relaxed);
                            return;
                        }
                        records.push(Record::of(&arm.name, &ex.results(), ex.events_fired()));
                    }
                    if tx.send((i, records)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Hand records on in seed order; finished seeds after a gap wait for it.
        let mut waiting: BTreeMap<usize, Vec<Record>> = BTreeMap::new();
        for (i, records) in rx {
            waiting.insert(i, records);
            while let Some(records) = waiting.remove(&handed) {
                each(records);
                handed += 1;
            }
        }
    });
    Finished {
        seeds: handed,
        interrupted: (handed as u64) < seeds.count,
        over_budget: over_budget
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    }
}

/// Folds records into a summary; see the module documentation for what it keeps.
#[derive(Debug)]
pub struct Accumulator {
    arms: Vec<ArmAcc>,
    seeds: usize,
}

#[derive(Debug)]
struct ArmAcc {
    name: String,
    description: String,
    changes: Vec<String>,
    digest: Sha256,
    events: u64,
    team_score: Histogram,
    impact: Histogram,
    collateral: u64,
    intrusions: Vec<IntrusionAcc>,
    roles: Vec<RoleAcc>,
    techniques: coverage::Tally,
}

#[derive(Debug)]
struct IntrusionAcc {
    id: String,
    name: String,
    compromised: u32,
    detected: u32,
    dwell: Histogram,
    censored: u32,
    time_to_contain: Histogram,
    exposure: Histogram,
    /// Per seed, kept only when variants are paired with the baseline: dwell and time
    /// to contain, NaN when they do not apply (no foothold, never contained). `f32`
    /// holds whole seconds exactly up to 194 days, past the 30-day limit of an exercise.
    paired: Option<(Vec<f32>, Vec<f32>)>,
    stages: Vec<StageAcc>,
}

#[derive(Debug)]
struct StageAcc {
    id: String,
    technique: String,
    tactic: String,
    fired: u32,
    detected: u32,
    alerted: u32,
    hunted: u32,
    time_to_alert: Histogram,
}

#[derive(Debug, Default)]
struct RoleAcc {
    role: String,
    seats: u32,
    actions: u64,
    utilisation: f64,
}

impl Accumulator {
    /// An empty accumulator for these arms.
    pub fn new(arms: &[Arm]) -> Accumulator {
        Accumulator {
            seeds: 0,
            arms: arms
                .iter()
                .map(|a| ArmAcc {
                    name: a.name.clone(),
                    description: a.description.clone(),
                    changes: a.changes.clone(),
                    digest: Sha256::new(),
                    events: 0,
                    team_score: Histogram::default(),
                    impact: Histogram::default(),
                    collateral: 0,
                    intrusions: a
                        .scenario
                        .intrusions
                        .iter()
                        .map(|i| IntrusionAcc {
                            id: i.id.clone(),
                            name: i.name.clone(),
                            compromised: 0,
                            detected: 0,
                            dwell: Histogram::default(),
                            censored: 0,
                            time_to_contain: Histogram::default(),
                            exposure: Histogram::default(),
                            paired: (arms.len() > 1).then(|| (Vec::new(), Vec::new())),
                            stages: i
                                .stages
                                .iter()
                                .map(|s| StageAcc {
                                    id: s.id.clone(),
                                    technique: s.technique.clone(),
                                    tactic: s.tactic.clone(),
                                    fired: 0,
                                    detected: 0,
                                    alerted: 0,
                                    hunted: 0,
                                    time_to_alert: Histogram::default(),
                                })
                                .collect(),
                        })
                        .collect(),
                    roles: ALL_ROLES
                        .iter()
                        .filter(|r| a.scenario.seats_for(**r) > 0)
                        .map(|r| RoleAcc {
                            role: r.slug().to_string(),
                            ..RoleAcc::default()
                        })
                        .collect(),
                    techniques: coverage::Tally::new(&a.scenario),
                })
                .collect(),
        }
    }

    /// The `lo` and `hi` quantiles of arm `arm`'s team scores, if any run had one.
    pub fn score_quantiles(&self, arm: usize, lo: f64, hi: f64) -> Option<(f64, f64)> {
        let h = &self.arms.get(arm)?.team_score;
        Some((h.quantile(lo)?, h.quantile(hi)?))
    }

    /// Adds one seed's records (one per arm, in arm order).
    pub fn add(&mut self, records: &[Record]) {
        self.seeds += 1;
        for (acc, rec) in self.arms.iter_mut().zip(records) {
            acc.digest.update(rec.digest.as_bytes());
            acc.digest.update(b"\n");
            acc.events += rec.events;
            if let Some(s) = rec.team_score {
                acc.team_score.add(s);
            }
            acc.impact.add(rec.impact_percent);
            acc.collateral += u64::from(rec.collateral);
            for (ia, ir) in acc.intrusions.iter_mut().zip(&rec.intrusions) {
                ia.compromised += u32::from(ir.compromised);
                ia.detected += u32::from(ir.detected);
                ia.censored += u32::from(ir.censored);
                for (h, v) in [
                    (&mut ia.dwell, ir.dwell),
                    (&mut ia.time_to_contain, ir.time_to_contain),
                    (&mut ia.exposure, ir.exposure),
                ] {
                    if let Some(v) = v {
                        h.add(v as f64);
                    }
                }
                if let Some((dwell, ttc)) = &mut ia.paired {
                    let secs = |v: Option<u64>| v.map_or(f32::NAN, |s| s as f32);
                    dwell.push(secs(ir.dwell));
                    ttc.push(secs(ir.time_to_contain));
                }
                for (sa, sr) in ia.stages.iter_mut().zip(&ir.stages) {
                    if !sr.fired {
                        continue;
                    }
                    sa.fired += 1;
                    sa.alerted += u32::from(sr.alerts > 0);
                    sa.hunted += u32::from(sr.hunt);
                    sa.detected += u32::from(sr.alerts > 0 || sr.hunt || sr.investigation);
                    if let Some(t) = sr.time_to_alert {
                        sa.time_to_alert.add(t as f64);
                    }
                }
            }
            for ra in &mut acc.roles {
                if let Some(rr) = rec.roles.iter().find(|r| r.role == ra.role) {
                    ra.seats = rr.seats;
                    ra.actions += u64::from(rr.actions);
                    ra.utilisation += rr.utilisation;
                }
            }
            acc.techniques.add(rec);
        }
    }

    /// The summary of what was added. Everything in it depends only on the scenario,
    /// the arms and the seeds — no timings, paths or dates.
    pub fn summary(self, scenario: &Scenario, bots: &str, seeds: Seeds) -> Summary {
        let n = self.seeds;
        let share = |k: u32| if n == 0 { 0.0 } else { f64::from(k) / n as f64 };
        let baseline_dwell: Vec<Vec<Option<f64>>> = self
            .arms
            .first()
            .map(|a| {
                a.intrusions
                    .iter()
                    .map(|i| options(i.paired.as_ref().map(|p| &p.0)))
                    .collect()
            })
            .unwrap_or_default();
        let baseline_ttc: Vec<Vec<Option<f64>>> = self
            .arms
            .first()
            .map(|a| {
                a.intrusions
                    .iter()
                    .map(|i| options(i.paired.as_ref().map(|p| &p.1)))
                    .collect()
            })
            .unwrap_or_default();
        let mut arms = Vec::new();
        let mut paired = Vec::new();
        for (k, acc) in self.arms.into_iter().enumerate() {
            if k > 0 {
                paired.push(PairedArm {
                    arm: acc.name.clone(),
                    intrusions: acc
                        .intrusions
                        .iter()
                        .enumerate()
                        .map(|(ii, ia)| PairedIntrusion {
                            id: ia.id.clone(),
                            dwell: stats::paired_difference(
                                &baseline_dwell[ii],
                                &options(ia.paired.as_ref().map(|p| &p.0)),
                            ),
                            time_to_contain: stats::paired_difference(
                                &baseline_ttc[ii],
                                &options(ia.paired.as_ref().map(|p| &p.1)),
                            ),
                        })
                        .collect(),
                });
            }
            arms.push(ArmSummary {
                name: acc.name,
                description: acc.description,
                changes: acc.changes,
                runs: n,
                digest: format!("{:x}", acc.digest.finalize()),
                events_per_run: if n == 0 {
                    0.0
                } else {
                    acc.events as f64 / n as f64
                },
                team_score: acc.team_score.dist(),
                impact_percent: acc.impact.dist(),
                collateral_per_run: if n == 0 {
                    0.0
                } else {
                    acc.collateral as f64 / n as f64
                },
                intrusions: acc
                    .intrusions
                    .into_iter()
                    .map(|ia| IntrusionSummary {
                        id: ia.id,
                        name: ia.name,
                        compromised_share: share(ia.compromised),
                        undetected_share: share(ia.compromised - ia.detected.min(ia.compromised)),
                        dwell_censored_share: share(ia.censored),
                        dwell_seconds: ia.dwell.dist(),
                        time_to_contain_seconds: ia.time_to_contain.dist(),
                        exposure_seconds: ia.exposure.dist(),
                        stages: ia
                            .stages
                            .into_iter()
                            .map(|sa| StageSummary {
                                id: sa.id,
                                technique: sa.technique,
                                tactic: sa.tactic,
                                fired_share: share(sa.fired),
                                detection_rate: rate(sa.detected, sa.fired),
                                alert_rate: rate(sa.alerted, sa.fired),
                                hunt_rate: rate(sa.hunted, sa.fired),
                                time_to_alert_seconds: sa.time_to_alert.dist(),
                            })
                            .collect(),
                    })
                    .collect(),
                roles: acc
                    .roles
                    .into_iter()
                    .map(|r| RoleSummary {
                        role: r.role,
                        seats: r.seats,
                        actions_per_run: if n == 0 {
                            0.0
                        } else {
                            r.actions as f64 / n as f64
                        },
                        utilisation: if n == 0 {
                            0.0
                        } else {
                            r.utilisation / n as f64
                        },
                    })
                    .collect(),
                coverage: acc.techniques.rows(),
            });
        }
        Summary {
            schema: SCHEMA.into(),
            scenario: scenario.id.clone(),
            title: scenario.title.clone(),
            bots: bots.into(),
            seeds: SeedRange {
                first: seeds.first,
                last: seeds.last(),
                asked: seeds.count,
                completed: n as u64,
            },
            arms,
            paired,
        }
    }
}

/// Per seed, `None` where it does not apply (NaN).
fn options(v: Option<&Vec<f32>>) -> Vec<Option<f64>> {
    v.map_or_else(Vec::new, |v| {
        v.iter()
            .map(|&x| (!x.is_nan()).then_some(f64::from(x)))
            .collect()
    })
}

fn rate(k: u32, of: u32) -> Option<f64> {
    (of > 0).then(|| f64::from(k) / f64::from(of))
}

/// What a batch found: per arm, distributions and rates; per variant, paired differences
/// with the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// `socdrill.batch/1`.
    pub schema: String,
    /// Scenario id.
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// Bot profile of the baseline.
    pub bots: String,
    /// Seeds asked for and completed.
    pub seeds: SeedRange,
    /// The baseline first, then each variant.
    pub arms: Vec<ArmSummary>,
    /// Each variant against the baseline on the same seeds.
    pub paired: Vec<PairedArm>,
}

/// The seeds of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRange {
    /// First seed.
    pub first: u64,
    /// Last seed asked for.
    pub last: Option<u64>,
    /// How many were asked for.
    pub asked: u64,
    /// How many finished (fewer when interrupted).
    pub completed: u64,
}

/// One arm over every seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmSummary {
    /// `baseline` or the variant's name.
    pub name: String,
    /// The variant's description.
    pub description: String,
    /// The variant's changes in words.
    pub changes: Vec<String>,
    /// Exercises run.
    pub runs: usize,
    /// SHA-256 over the journal digests of every run, in seed order: equal digests mean
    /// the same exercises, bit for bit.
    pub digest: String,
    /// Mean events fired per exercise.
    pub events_per_run: f64,
    /// Team score.
    pub team_score: Dist,
    /// Attacker impact, percent of possible.
    pub impact_percent: Dist,
    /// Mean benign hosts and accounts contained without cause.
    pub collateral_per_run: f64,
    /// Per intrusion.
    pub intrusions: Vec<IntrusionSummary>,
    /// Per role: load.
    pub roles: Vec<RoleSummary>,
    /// ATT&CK coverage, one row per technique the scenario uses.
    pub coverage: Vec<CoverageRow>,
}

/// One intrusion over every seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntrusionSummary {
    /// Intrusion id.
    pub id: String,
    /// Intrusion name.
    pub name: String,
    /// Share of runs where it got a foothold.
    pub compromised_share: f64,
    /// Share of runs where it got a foothold and was never detected.
    pub undetected_share: f64,
    /// Share of runs whose dwell is censored (undetected at the end).
    pub dwell_censored_share: f64,
    /// Dwell over runs with a foothold (censored values included as they are: a lower
    /// bound).
    pub dwell_seconds: Dist,
    /// Time to contain over runs where it was contained.
    pub time_to_contain_seconds: Dist,
    /// Exposure over runs with a foothold (to the end when never contained).
    pub exposure_seconds: Dist,
    /// Per stage.
    pub stages: Vec<StageSummary>,
}

/// One stage over every seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSummary {
    /// Stage id.
    pub id: String,
    /// ATT&CK technique.
    pub technique: String,
    /// ATT&CK tactic.
    pub tactic: String,
    /// Share of runs where it ran.
    pub fired_share: f64,
    /// Of runs where it ran: share where an alert, an investigation or a hunt saw it.
    pub detection_rate: Option<f64>,
    /// Of runs where it ran: share where a rule alerted on it.
    pub alert_rate: Option<f64>,
    /// Of runs where it ran: share where a hunt found it.
    pub hunt_rate: Option<f64>,
    /// From the stage running to its first alert.
    pub time_to_alert_seconds: Dist,
}

/// One role's mean load per exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleSummary {
    /// Role slug.
    pub role: String,
    /// Seats.
    pub seats: u32,
    /// Mean actions per exercise.
    pub actions_per_run: f64,
    /// Mean share of the exercise the role's seats were busy.
    pub utilisation: f64,
}

/// A variant against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedArm {
    /// Variant name.
    pub arm: String,
    /// Per intrusion.
    pub intrusions: Vec<PairedIntrusion>,
}

/// Paired differences for one intrusion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedIntrusion {
    /// Intrusion id.
    pub id: String,
    /// Median dwell, variant − baseline, seconds.
    pub dwell: PairedDiff,
    /// Median time to contain, variant − baseline, seconds.
    pub time_to_contain: PairedDiff,
}

/// A run of consecutive seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seeds {
    /// The first seed.
    pub first: u64,
    /// How many.
    pub count: u64,
}

impl Seeds {
    /// The most seeds one batch may ask for.
    pub const MAX: u64 = 100_000_000;

    /// The `i`-th seed.
    pub fn get(&self, i: usize) -> Option<u64> {
        let i = i as u64;
        (i < self.count).then(|| self.first + i)
    }

    /// The last seed, if any.
    pub fn last(&self) -> Option<u64> {
        self.count.checked_sub(1).map(|k| self.first + k)
    }

    /// Reads `A..B` (both included, as in `--seeds 1..1000`), `A..=B`, or one seed `A`.
    pub fn parse(text: &str) -> Result<Seeds, String> {
        let bad = || {
            format!(
                "cannot read seeds {text:?}: give a range such as 1..1000 (both ends included), or one seed"
            )
        };
        let num = |s: &str| s.trim().parse::<u64>().map_err(|_| bad());
        let (a, b) = if let Some((a, b)) = text.split_once("..=") {
            (num(a)?, num(b)?)
        } else if let Some((a, b)) = text.split_once("..") {
            (num(a)?, num(b)?)
        } else {
            let a = num(text)?;
            (a, a)
        };
        if b < a {
            return Err(format!(
                "seeds {text:?} run backwards: give the smaller seed first"
            ));
        }
        let count = (b - a).saturating_add(1);
        if count > Seeds::MAX {
            return Err(format!(
                "seeds {text:?} are {count} runs: give at most {}",
                Seeds::MAX
            ));
        }
        Ok(Seeds { first: a, count })
    }
}
