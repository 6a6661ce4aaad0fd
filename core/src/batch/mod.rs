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

use crate::clock::SimTime;
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
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Record {
    /// Arm name.
    pub arm: String,
    pub seed: u64,
    /// Journal digest: replaying this seed gives the same.
    pub digest: String,
    /// Events fired.
    pub events: u64,
    pub team_score: Option<f64>,
    /// Attacker impact realised, percent of possible.
    pub impact_percent: f64,
    /// Benign hosts and accounts contained without cause.
    pub collateral: u32,
    /// Per intrusion.
    pub intrusions: Vec<IntrusionRecord>,
    /// Per role: actions taken and time busy.
    pub roles: Vec<RoleRecord>,
    /// Every score component (absent in records written before they were kept).
    #[serde(default)]
    pub components: Vec<ComponentRecord>,
}

/// One score component in one exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ComponentRecord {
    pub name: String,
    /// Value 0–1; none when there was nothing to measure.
    pub score: Option<f64>,
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
    /// Whether, never detected and never announced, it was contained all the same: the
    /// SOC's measures for something else took its footholds away.
    #[serde(default)]
    pub stopped_unseen: bool,
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
    /// When it ran (absent when it did not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fired_at: Option<SimTime>,
    /// When containment blocked it, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_at: Option<SimTime>,
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
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RoleRecord {
    /// Role slug.
    pub role: String,
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
                    stopped_unseen: i.detected_at.is_none()
                        && i.told_at.is_none()
                        && i.contained_at.is_some(),
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
                            fired_at: s.fired_at,
                            blocked_at: s.blocked_at,
                            alerts: s.alerts,
                            time_to_alert: s
                                .first_alert_at
                                .zip(s.fired_at)
                                .map(|(a, f)| a.since(f)),
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
            components: results
                .components
                .iter()
                .map(|c| ComponentRecord {
                    name: c.name.clone(),
                    score: c.score,
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
    each: impl FnMut(Vec<Record>),
) -> Finished {
    run_scripted(arms, seeds, jobs, stop, &Script::default(), each)
}

/// [`run`] with some seats scripted (an actions file: scripted or idle defenders) in
/// every arm and on every seed; the other seats are bots.
pub fn run_scripted(
    arms: &[Arm],
    seeds: Seeds,
    jobs: usize,
    stop: &AtomicBool,
    script: &Script,
    mut each: impl FnMut(Vec<Record>),
) -> Finished {
    let jobs = jobs.clamp(1, usize::try_from(seeds.count).unwrap_or(usize::MAX).max(1));
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<Record>)>(jobs * 4);
    let mut handed = 0;
    let over_budget: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
    let halt = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, over_budget, halt) = (&next, &over_budget, &halt);
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
///
/// A shard's accumulator is written out as a partial summary ([`Partial`]) and merged
/// with the others' ([`Accumulator::merge`]) into exactly what one machine would have
/// accumulated: every figure is a count, a sum of integers, or per-seed values kept in
/// seed order.
#[derive(Debug, Serialize, Deserialize)]
pub struct Accumulator {
    arms: Vec<ArmAcc>,
    seeds: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct ArmAcc {
    name: String,
    description: String,
    changes: Vec<String>,
    /// SHA-256 over the runs' journal digests in seed order, as they come.
    #[serde(skip)]
    digest: Sha256,
    /// In a shard: the runs' journal digests themselves, in seed order (a running hash
    /// cannot be continued by another machine; the digests can be hashed at the merge).
    run_digests: Option<String>,
    events: u64,
    team_score: Histogram,
    impact: Histogram,
    collateral: u64,
    intrusions: Vec<IntrusionAcc>,
    roles: Vec<RoleAcc>,
    techniques: coverage::Tally,
}

#[derive(Debug, Serialize, Deserialize)]
struct IntrusionAcc {
    id: String,
    name: String,
    compromised: u32,
    detected: u32,
    #[serde(default)]
    stopped_unseen: u32,
    dwell: Histogram,
    censored: u32,
    time_to_contain: Histogram,
    exposure: Histogram,
    /// Per seed, kept only when variants are paired with the baseline: dwell and time
    /// to contain, NaN when they do not apply (no foothold, never contained). `f32`
    /// holds whole seconds exactly up to 194 days, past the 30-day limit of an exercise.
    #[serde(with = "nan_as_null")]
    paired: Option<(Vec<f32>, Vec<f32>)>,
    stages: Vec<StageAcc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StageAcc {
    id: String,
    technique: String,
    tactic: String,
    fired: u32,
    detected: u32,
    alerted: u32,
    hunted: u32,
    time_to_alert: Histogram,
    fired_at: Histogram,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RoleAcc {
    role: String,
    seats: u32,
    actions: u64,
    /// Sum over runs, in thousandths (each run's is rounded to three decimals): an
    /// integer, so shards add up exactly.
    utilisation_milli: u64,
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
                    run_digests: None,
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
                            stopped_unseen: 0,
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
                                    fired_at: Histogram::default(),
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

    /// Keeps the runs' journal digests rather than hashing them as they come, so that
    /// this accumulator can be merged with another (a shard's).
    pub fn keep_run_digests(&mut self) {
        for a in &mut self.arms {
            a.run_digests.get_or_insert_with(String::new);
        }
    }

    /// Seeds added so far.
    pub fn seeds(&self) -> usize {
        self.seeds
    }

    /// Adds the next block of seeds' accumulator (a later shard's): the result is what
    /// adding its records here, in order, would have given.
    pub fn merge(&mut self, other: Accumulator) -> Result<(), String> {
        if self.arms.len() != other.arms.len()
            || self
                .arms
                .iter()
                .zip(&other.arms)
                .any(|(a, b)| a.name != b.name)
        {
            return Err("the partials have different arms (baseline and variants)".into());
        }
        self.seeds += other.seeds;
        for (a, b) in self.arms.iter_mut().zip(other.arms) {
            let (Some(mine), Some(theirs)) = (&mut a.run_digests, &b.run_digests) else {
                return Err("a partial does not list its runs' digests".into());
            };
            mine.push_str(theirs);
            a.events += b.events;
            a.team_score.merge(&b.team_score);
            a.impact.merge(&b.impact);
            a.collateral += b.collateral;
            if a.intrusions.len() != b.intrusions.len() {
                return Err("the partials' scenarios have different intrusions".into());
            }
            for (ia, ib) in a.intrusions.iter_mut().zip(b.intrusions) {
                if ia.id != ib.id || ia.stages.len() != ib.stages.len() {
                    return Err(format!("intrusion {} differs between the partials", ia.id));
                }
                ia.compromised += ib.compromised;
                ia.detected += ib.detected;
                ia.stopped_unseen += ib.stopped_unseen;
                ia.censored += ib.censored;
                ia.dwell.merge(&ib.dwell);
                ia.time_to_contain.merge(&ib.time_to_contain);
                ia.exposure.merge(&ib.exposure);
                match (&mut ia.paired, ib.paired) {
                    (Some((d, t)), Some((d2, t2))) => {
                        d.extend(d2);
                        t.extend(t2);
                    }
                    (None, None) => {}
                    _ => return Err("the partials disagree on pairing".into()),
                }
                for (sa, sb) in ia.stages.iter_mut().zip(ib.stages) {
                    sa.fired += sb.fired;
                    sa.detected += sb.detected;
                    sa.alerted += sb.alerted;
                    sa.hunted += sb.hunted;
                    sa.time_to_alert.merge(&sb.time_to_alert);
                    sa.fired_at.merge(&sb.fired_at);
                }
            }
            for (ra, rb) in a.roles.iter_mut().zip(b.roles) {
                if rb.seats > 0 {
                    ra.seats = rb.seats;
                }
                ra.actions += rb.actions;
                ra.utilisation_milli += rb.utilisation_milli;
            }
            a.techniques.merge(&b.techniques)?;
        }
        Ok(())
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
            match &mut acc.run_digests {
                Some(list) => list.push_str(&rec.digest),
                None => {
                    acc.digest.update(rec.digest.as_bytes());
                    acc.digest.update(b"\n");
                }
            }
            acc.events += rec.events;
            if let Some(s) = rec.team_score {
                acc.team_score.add(s);
            }
            acc.impact.add(rec.impact_percent);
            acc.collateral += u64::from(rec.collateral);
            for (ia, ir) in acc.intrusions.iter_mut().zip(&rec.intrusions) {
                ia.compromised += u32::from(ir.compromised);
                ia.detected += u32::from(ir.detected);
                ia.stopped_unseen += u32::from(ir.stopped_unseen);
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
                    if let Some(t) = sr.fired_at {
                        sa.fired_at.add(t.secs() as f64);
                    }
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
                    ra.utilisation_milli += (rr.utilisation * 1000.0).round() as u64;
                }
            }
            acc.techniques.add(rec);
        }
    }

    /// The summary of what was added. Everything in it depends only on the scenario,
    /// the arms and the seeds — no timings, paths or dates.
    pub fn summary(self, scenario: &Scenario, bots: &str, seeds: Seeds) -> Summary {
        self.summary_of(&scenario.id, &scenario.title, bots, seeds)
    }

    /// [`Accumulator::summary`] for a scenario known by its id and title (a merge of
    /// partial summaries has no scenario file).
    pub fn summary_of(self, id: &str, title: &str, bots: &str, seeds: Seeds) -> Summary {
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
                digest: {
                    let mut h = acc.digest;
                    if let Some(list) = &acc.run_digests {
                        // Each run's digest is 64 hex characters.
                        for d in list.as_bytes().chunks(64) {
                            h.update(d);
                            h.update(b"\n");
                        }
                    }
                    format!("{:x}", h.finalize())
                },
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
                        undetected_share: share(
                            ia.compromised - (ia.detected + ia.stopped_unseen).min(ia.compromised),
                        ),
                        stopped_unseen_share: share(ia.stopped_unseen),
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
                                fired_at_seconds: sa.fired_at.dist(),
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
                            r.utilisation_milli as f64 / 1000.0 / n as f64
                        },
                    })
                    .collect(),
                coverage: acc.techniques.rows(),
            });
        }
        Summary {
            schema: SCHEMA.into(),
            scenario: id.to_string(),
            title: title.to_string(),
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

/// Per-seed values with NaN where a value does not apply, written as JSON `null`.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Paired = Option<(Vec<f32>, Vec<f32>)>;
    /// As written: `null` where a value does not apply.
    type Written = Option<(Vec<Option<f32>>, Vec<Option<f32>>)>;

    fn out(v: &[f32]) -> Vec<Option<f32>> {
        v.iter().map(|&x| (!x.is_nan()).then_some(x)).collect()
    }

    fn back(v: Vec<Option<f32>>) -> Vec<f32> {
        v.into_iter().map(|x| x.unwrap_or(f32::NAN)).collect()
    }

    pub fn serialize<S: Serializer>(v: &Paired, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().map(|(a, b)| (out(a), out(b))).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Paired, D::Error> {
        let v: Written = Deserialize::deserialize(d)?;
        Ok(v.map(|(a, b)| (back(a), back(b))))
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
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Summary {
    /// `socdrill.batch/1`.
    pub schema: String,
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
#[expect(missing_docs, reason = "fields named for what they hold")]
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
    /// Share of runs where it got a foothold and was left undetected: never detected
    /// and not stopped unseen.
    pub undetected_share: f64,
    /// Share of runs where it was never detected nor announced but contained all the
    /// same, by measures the SOC took for something else (not a detection; counted
    /// apart so that "undetected" means left running unseen).
    #[serde(default)]
    pub stopped_unseen_share: f64,
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
    /// When it ran, seconds from the start, over the runs where it did: the attack's
    /// timeline over seeds.
    #[serde(default)]
    pub fired_at_seconds: Dist,
}

/// One role's mean load per exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RoleSummary {
    /// Role slug.
    pub role: String,
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

/// Version tag of a shard's partial summary.
pub const PARTIAL_SCHEMA: &str = "socdrill.batch-partial/1";

/// One shard of a batch: the `index`-th (from 0) of `count` contiguous blocks of the
/// seed range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which block, from 0.
    pub index: u64,
    /// How many blocks.
    pub count: u64,
}

impl Shard {
    /// Reads `K/N` (K from 0 to N−1), or `N` alone with K taken from `index_env` (the
    /// job runner's array index: Slurm's `SLURM_ARRAY_TASK_ID`, Kubernetes'
    /// `JOB_COMPLETION_INDEX`).
    pub fn parse(text: &str, index_env: Option<&str>) -> Result<Shard, String> {
        let num = |s: &str, what: &str| {
            s.trim().parse::<u64>().map_err(|_| {
                format!("cannot read {what} {s:?} in --shard {text:?}: give K/N, such as 0/4, or N with the index in SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX")
            })
        };
        let (index, count) = match text.split_once('/') {
            Some((k, n)) => (num(k, "the shard index")?, num(n, "the number of shards")?),
            None => {
                let n = num(text, "the number of shards")?;
                let k = index_env.ok_or_else(|| {
                    format!("--shard {n} gives no index: write --shard K/{n}, or run it as a Slurm array task or a Kubernetes Indexed Job (SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)")
                })?;
                (num(k, "the job runner's index")?, n)
            }
        };
        if count == 0 {
            return Err("--shard needs at least one shard".into());
        }
        if index >= count {
            return Err(format!(
                "shard index {index} is out of range for {count} shard(s): indexes run from 0 to {}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// This shard's block of `seeds`: contiguous, the first `count % n` blocks one seed
    /// longer, every seed in exactly one block.
    pub fn block(self, seeds: Seeds) -> Seeds {
        let (base, rem) = (seeds.count / self.count, seeds.count % self.count);
        let k = self.index;
        Seeds {
            first: seeds.first + k * base + k.min(rem),
            count: base + u64::from(k < rem),
        }
    }
}

/// A shard's partial summary: exact and mergeable. Written by `batch --shard K/N
/// --out DIR` as `DIR/partial.json`; `batch-merge` checks that partials share their
/// inputs and cover the seed range once, then merges them in block order.
#[derive(Debug, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Partial {
    /// Always [`PARTIAL_SCHEMA`].
    pub schema: String,
    /// SHA-256 over everything that decides the runs: socdrill's version, the scenario
    /// (with any replaced rules), the variants, the bot profile, the whole seed range and
    /// the number of shards.
    pub inputs: String,
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// Bot profile of the baseline.
    pub bots: String,
    /// The whole batch's first seed.
    pub first_seed: u64,
    /// The whole batch's number of seeds.
    pub seed_count: u64,
    /// Which shard this is.
    pub shard: Shard,
    /// Its block's first seed.
    pub block_first: u64,
    /// Its block's number of seeds.
    pub block_count: u64,
    /// The accumulated runs (every seed of the block unless interrupted).
    pub accumulator: Accumulator,
}

impl Partial {
    /// Merges partials (in any order) into one accumulator over the whole seed range,
    /// or says which shard is missing, doubled, unfinished or of other inputs. `names`
    /// name each partial in messages (its directory).
    pub fn merge(parts: Vec<(String, Partial)>) -> Result<Merged, String> {
        let Some((first_name, first)) = parts.first() else {
            return Err("no partial summaries to merge".into());
        };
        for (name, p) in &parts {
            if p.schema != PARTIAL_SCHEMA {
                return Err(format!(
                    "{name}: schema {:?} is not {PARTIAL_SCHEMA:?}: this socdrill cannot merge it",
                    p.schema
                ));
            }
            if p.inputs != first.inputs {
                return Err(format!(
                    "{name} and {first_name} come from different batches (their inputs differ: socdrill version, scenario, variants, bots, seed range or number of shards); merge shards of one batch"
                ));
            }
            let done = p.accumulator.seeds() as u64;
            if done != p.block_count {
                return Err(format!(
                    "{name}: shard {}/{} finished {done} of its {} seed(s) (it was interrupted): run it again",
                    p.shard.index, p.shard.count, p.block_count
                ));
            }
        }
        let n = first.shard.count;
        let whole = Seeds {
            first: first.first_seed,
            count: first.seed_count,
        };
        // In block order; a damaged or hand-edited partial is named, never trusted.
        let mut slots: BTreeMap<u64, (String, Partial)> = BTreeMap::new();
        for (name, p) in parts {
            let k = p.shard.index;
            let fits = p.shard.count == n && k < n && {
                let block = Shard { index: k, count: n }.block(whole);
                p.block_first == block.first && p.block_count == block.count
            };
            if !fits {
                return Err(format!(
                    "{name}: its shard ({}/{}, seeds from {} for {}) is not a block of the batch's {n} shards: the file is damaged or from another batch",
                    k, p.shard.count, p.block_first, p.block_count
                ));
            }
            if let Some((other, _)) = slots.get(&k) {
                return Err(format!(
                    "shard {k}/{n} appears twice ({other} and {name}): give each shard once"
                ));
            }
            slots.insert(k, (name, p));
        }
        let missing: Vec<u64> = (0..n).filter(|k| !slots.contains_key(k)).take(10).collect();
        if !missing.is_empty() {
            let more = n as usize - slots.len() - missing.len();
            let mut list: Vec<String> = missing
                .iter()
                .map(|&k| {
                    let b = Shard { index: k, count: n }.block(whole);
                    match b.last() {
                        Some(last) => format!("{k}/{n} (seeds {}..{last})", b.first),
                        None => format!("{k}/{n} (no seeds)"),
                    }
                })
                .collect();
            if more > 0 {
                list.push(format!("and {more} more"));
            }
            return Err(format!(
                "shard(s) {} missing: run them and merge again",
                list.join(", ")
            ));
        }
        let mut parts = slots.into_values();
        let (_, head) = parts.next().expect("n >= 1 and none missing");
        let seeds = Seeds {
            first: head.first_seed,
            count: head.seed_count,
        };
        let mut acc = head.accumulator;
        for (name, p) in parts {
            acc.merge(p.accumulator)
                .map_err(|e| format!("{name}: {e}"))?;
        }
        Ok(Merged {
            scenario: head.scenario,
            title: head.title,
            bots: head.bots,
            seeds,
            accumulator: acc,
        })
    }
}

/// Partial summaries merged: the whole batch, ready to summarise.
#[derive(Debug)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Merged {
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    /// Bot profile of the baseline.
    pub bots: String,
    /// The whole seed range.
    pub seeds: Seeds,
    /// Every shard's runs, in seed order.
    pub accumulator: Accumulator,
}

impl Merged {
    /// The summary, as one machine running every seed would have printed it.
    pub fn summary(self) -> Summary {
        self.accumulator
            .summary_of(&self.scenario, &self.title, &self.bots, self.seeds)
    }
}
