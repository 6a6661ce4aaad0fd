//! Scoring: pure functions from (scenario, journal) to results. Nothing here reads the
//! world; everything is recomputed from the journal, so a recorded journal scores the
//! same as a live one. SCORING.md documents every formula with a worked example.

mod facts;
mod handoff;
mod objectives;
mod profile;

use serde::{Deserialize, Serialize};

pub use facts::{Detection, Facts};
pub use handoff::{HandoffResult, decay as handoff_decay};
pub use objectives::{ObjectiveResult, Rating, rate as objectives_rate};
pub use profile::ScoringProfile;

use crate::clock::SimTime;
use crate::journal::{Entry, Journal};
use crate::scenario::{Difficulty, Scenario};
use crate::soc::Verdict;

/// The version of the results schema. Bumped on any incompatible change: version 2
/// made the team score, components and objective ratings optional ("not rated") and
/// added how the exercise ended. Version 1 files still read (see
/// `report::compare::parse_results`).
pub const SCHEMA: &str = "socdrill.results/2";

/// What ended an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    /// It ran to its time limit.
    #[default]
    TimeLimit,
    /// Every intrusion was over (nothing left to run, nothing active) before the limit.
    Resolved,
    /// It was ended before the limit (by the facilitator, a trainee, a player or a
    /// script): the defenders stood down and the attack ran on without them.
    Defenders,
}

/// A ladder step's outcome: whether the trainee reached the score that moves them up.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LadderResult {
    /// Track name.
    pub track: String,
    /// Step number, from 1.
    pub step: u32,
    /// Team score needed to move up.
    pub pass_score: f64,
    /// Whether the team score reached it; none when there is no team score.
    pub passed: Option<bool>,
    /// The next step's scenario, if this is not the last.
    pub next: Option<String>,
}

/// Everything an exercise is judged on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Results {
    /// Schema version.
    pub schema: String,
    pub scenario: String,
    /// Scenario title.
    pub title: String,
    pub difficulty: Difficulty,
    /// Master seed.
    pub seed: u64,
    /// Bot profile for unscripted seats.
    pub bots: String,
    /// SHA-256 of the journal.
    pub digest: String,
    pub journal_lines: usize,
    /// What ended the exercise.
    #[serde(default)]
    pub ended_by: EndedBy,
    /// When the exercise ended for the defenders: when they stood down, or
    /// the end of the simulation.
    pub ended_at: SimTime,
    /// Where the simulation ended and scores were taken: the time limit, or
    /// the moment every intrusion was over. Later than `ended_at` when the defenders
    /// stood down early and the attack ran on without them.
    #[serde(default)]
    pub ran_to: SimTime,
    /// Why the simulation ended: `time limit` or `resolved`.
    pub end_reason: String,
    /// Team score, 0–100; none when nothing could be rated (`team_score_note` says why).
    pub team_score: Option<f64>,
    /// Why there is no team score.
    #[serde(default)]
    pub team_score_note: Option<String>,
    /// The scenario's par, if known.
    pub par: Option<f64>,
    /// What a typical team reaches: the middle half of competent bots' team scores.
    #[serde(default)]
    pub typical: Option<(f64, f64)>,
    /// The ladder step's outcome, for a scenario on a training ladder.
    #[serde(default)]
    pub ladder: Option<LadderResult>,
    /// Score components, each 0–1 or not rated, with their weights.
    pub components: Vec<Component>,
    /// Per intrusion.
    pub intrusions: Vec<IntrusionResult>,
    /// Mean time to acknowledge: alert raised → taken (seconds).
    pub mtta_seconds: Option<f64>,
    /// Mean time to detect over detected intrusions (seconds).
    pub mttd_seconds: Option<f64>,
    /// Mean time to contain over contained intrusions (seconds).
    pub mttc_seconds: Option<f64>,
    pub triage: Triage,
    /// Every handoff.
    pub handoffs: Vec<HandoffResult>,
    /// Mean handoff quality.
    pub handoff_quality: Option<f64>,
    pub impact: Impact,
    pub objectives: Vec<ObjectiveResult>,
    /// Per role: the seats of each role taken together.
    pub roles: Vec<RoleResult>,
    /// Per seat.
    pub seats: Vec<SeatResult>,
}

/// One role's seats taken together.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RoleResult {
    /// Role slug.
    pub role: String,
    /// Seats of this role.
    pub seats: u32,
    /// Actions taken.
    pub actions: u32,
    /// Actions refused.
    pub refused: u32,
    /// Mean busy share of the role's seats, 0–1.
    pub utilisation: f64,
    /// Alerts classified (Tier 1).
    pub classified: u32,
    /// Correct classifications.
    pub classified_correctly: u32,
    pub handoffs_sent: u32,
    /// Mean quality of the role's handoffs.
    pub handoff_quality: Option<f64>,
}

/// One component of the team score.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Component {
    pub name: String,
    /// Value 0–1; none when there was nothing to measure, and then it is left out of
    /// the team score (the other weights are renormalised).
    pub score: Option<f64>,
    pub weight: f64,
    /// Why it is not rated.
    #[serde(default)]
    pub note: Option<String>,
}

impl Component {
    fn rated(name: &str, score: f64, weight: f64) -> Component {
        Component {
            name: name.into(),
            score: Some(score),
            weight,
            note: None,
        }
    }

    fn not_rated(name: &str, weight: f64, why: &str) -> Component {
        Component {
            name: name.into(),
            score: None,
            weight,
            note: Some(why.into()),
        }
    }
}

/// One intrusion's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct IntrusionResult {
    /// The intrusion's id in the scenario.
    pub id: String,
    pub name: String,
    /// First successful stage.
    pub compromised_at: Option<SimTime>,
    /// First alert on its activity.
    pub first_alert_at: Option<SimTime>,
    /// First time a seat judged an item of the intrusion malicious (before the attacker
    /// announced it).
    pub detected_at: Option<SimTime>,
    /// When the attacker announced the intrusion (a ransom note, encryption users see).
    #[serde(default)]
    pub told_at: Option<SimTime>,
    /// No foothold left active (and none regained).
    pub contained_at: Option<SimTime>,
    /// Every foothold eradicated and every stolen account unusable.
    pub eradicated_at: Option<SimTime>,
    /// Detected − compromised; told − compromised when the attacker announced it first;
    /// end − compromised when neither happened.
    pub dwell_seconds: Option<u64>,
    /// Neither detected nor announced by the end: dwell is a lower bound.
    pub censored: bool,
    /// Contained − detected.
    pub time_to_contain_seconds: Option<u64>,
    /// Contained − compromised.
    pub exposure_seconds: Option<u64>,
    /// Stages that happened.
    pub stages_fired: Vec<String>,
    /// Stages blocked by containment.
    pub stages_blocked: Vec<String>,
    /// Impact points realised.
    pub impact_points: f64,
    /// How the intrusion was first identified.
    pub detected_by: Option<facts::Detection>,
    /// Every stage: what happened and what the defenders saw of it.
    pub stages: Vec<StageResult>,
}

/// One attack stage: whether it happened and how visible it was.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StageResult {
    /// Stage id.
    pub id: String,
    /// ATT&CK tactic.
    pub tactic: String,
    /// ATT&CK technique.
    pub technique: String,
    /// When it happened.
    pub fired_at: Option<SimTime>,
    /// When it was blocked by containment.
    pub blocked_at: Option<SimTime>,
    /// Alerts its activity raised.
    pub alerts: u32,
    /// The first of them.
    pub first_alert_at: Option<SimTime>,
    /// An investigation turned up its telemetry.
    pub found_by_investigation: bool,
    /// A hunt turned up its telemetry.
    pub found_by_hunt: bool,
}

/// Triage accuracy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Triage {
    /// Malicious alerts classified malicious.
    pub true_positives: u32,
    /// Benign alerts classified malicious.
    pub false_positives: u32,
    /// Benign alerts classified benign.
    pub true_negatives: u32,
    /// Malicious alerts classified benign.
    pub false_negatives: u32,
    /// Malicious alerts never classified by the end.
    pub untriaged_malicious: u32,
    /// Benign alerts never classified by the end.
    pub untriaged_benign: u32,
    /// Benign alerts escalated to Tier 2.
    pub needless_escalations: u32,
    /// Weighted accuracy, 0–100 (missed malicious alerts weigh most).
    pub accuracy: Option<f64>,
    /// Alerts picked up later than their tenant's SLA allows (or still waiting past it).
    pub sla_breaches: u32,
    /// Share of alerts picked up within SLA, 0–100.
    pub sla_met_percent: Option<f64>,
}

/// Impact.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Impact {
    /// Points realised.
    pub realised: f64,
    /// Points possible.
    pub possible: f64,
    /// Realised as a percentage of possible.
    pub percent: f64,
    /// Benign hosts isolated.
    pub collateral_hosts: u32,
    /// Benign accounts disabled or reset.
    pub collateral_accounts: u32,
}

/// One seat's workload and quality.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SeatResult {
    /// Seat name.
    pub seat: String,
    /// Role slug.
    pub role: String,
    /// `bot:<profile>` or `scripted`.
    pub controller: String,
    /// Actions completed or started.
    pub actions: u32,
    /// Actions refused.
    pub refused: u32,
    /// Seconds spent working.
    pub busy_seconds: u64,
    /// Busy share of the exercise, 0–1.
    pub utilisation: f64,
    /// Alerts classified.
    pub classified: u32,
    /// Correct classifications.
    pub classified_correctly: u32,
    pub handoffs_sent: u32,
    /// Mean quality of handoffs sent.
    pub handoff_quality: Option<f64>,
    /// The participants who held the seat at a live console, by the names they gave,
    /// in the order they came (empty for a seat only bots or a script played).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub players: Vec<String>,
}

/// Scores a journal.
pub fn score(
    scenario: &Scenario,
    journal: &Journal,
    seed: u64,
    bots: &str,
    profile: &ScoringProfile,
) -> Results {
    let facts = Facts::gather(scenario, journal);
    let intrusions = facts.intrusions(scenario);
    let handoffs = handoff::score_all(scenario, journal, &facts, profile);
    let triage = triage(scenario, journal, &facts, profile);
    let realised: f64 = intrusions.iter().map(|i| i.impact_points).sum();
    let possible = scenario.possible_impact();
    let impact = Impact {
        realised,
        possible,
        percent: if possible > 0.0 {
            (100.0 * realised / possible).min(100.0)
        } else {
            0.0
        },
        collateral_hosts: facts.collateral_hosts(),
        collateral_accounts: facts.collateral_accounts(),
    };
    let handoff_quality = mean(handoffs.iter().map(|h| h.quality));
    let started: Vec<&IntrusionResult> = intrusions
        .iter()
        .filter(|i| i.compromised_at.is_some())
        .collect();
    let at_stake = impact_at_stake(scenario, &facts);
    let alerts_raised = facts.alerts.iter().any(|a| a.raised);
    let objectives = objectives::rate_all(
        scenario,
        &facts,
        &objectives::Measured {
            intrusions: &intrusions,
            triage: &triage,
            handoff_quality,
            impact: &impact,
            impact_at_stake: at_stake,
            alerts_raised,
        },
    );

    // Every component is rated only where there was something to measure; one with
    // nothing to measure is left out and the other weights renormalised (SCORING.md §9).
    let t = &profile.team;
    let no_intrusion = "no intrusion started";
    let detection = match mean(
        started
            .iter()
            .map(|i| match (i.detected_at, i.dwell_seconds) {
                // Detected by the SOC; an intrusion the attacker announced first, or nobody
                // found, scores 0.
                (Some(_), Some(d)) => {
                    (1.0 - d as f64 / t.detection_horizon.0.max(1) as f64).clamp(0.0, 1.0)
                }
                _ => 0.0,
            }),
    ) {
        Some(v) => Component::rated("detection", v, t.detection),
        None => Component::not_rated("detection", t.detection, no_intrusion),
    };
    let containment = match mean(started.iter().map(|i| match i.exposure_seconds {
        Some(e) => (1.0 - e as f64 / t.containment_horizon.0.max(1) as f64).clamp(0.0, 1.0),
        None => 0.0,
    })) {
        Some(v) => Component::rated("containment", v, t.containment),
        None => Component::not_rated("containment", t.containment, no_intrusion),
    };
    let impact_c = if at_stake {
        Component::rated("impact", 1.0 - impact.percent / 100.0, t.impact)
    } else {
        Component::not_rated(
            "impact",
            t.impact,
            "the attack never began, or had no impact to realise",
        )
    };
    let triage_c = if alerts_raised {
        // Accuracy, less a share for alerts picked up past their SLA; a queue nobody
        // triaged at all scores 0.
        let v = triage.accuracy.map_or(0.0, |a| {
            let breached = 1.0 - triage.sla_met_percent.unwrap_or(100.0) / 100.0;
            a / 100.0 * (1.0 - profile.triage.sla_weight * breached)
        });
        Component::rated("triage", v, t.triage)
    } else {
        Component::not_rated("triage", t.triage, "no alert was raised")
    };
    let handoffs_c = match handoff_quality {
        Some(q) => Component::rated("handoffs", q / 100.0, t.handoffs),
        // An intrusion to pass on and no handoff is a failure, not an absence.
        None if !started.is_empty() => Component::rated("handoffs", 0.0, t.handoffs),
        None => Component::not_rated("handoffs", t.handoffs, "nothing to hand on"),
    };
    let objectives_c = match mean(
        objectives
            .iter()
            .filter_map(|o| o.rating.map(Rating::points)),
    ) {
        Some(v) => Component::rated("objectives", v, t.objectives),
        None if scenario.objectives.is_empty() => {
            Component::not_rated("objectives", t.objectives, "the scenario has no objectives")
        }
        None => Component::not_rated(
            "objectives",
            t.objectives,
            "no objective had anything to measure",
        ),
    };
    let components = vec![
        detection,
        containment,
        impact_c,
        triage_c,
        handoffs_c,
        objectives_c,
    ];
    let rated: Vec<(f64, f64)> = components
        .iter()
        .filter_map(|c| c.score.map(|s| (s, c.weight)))
        .collect();
    let weights: f64 = rated.iter().map(|(_, w)| w).sum();
    let collateral =
        t.collateral_penalty * f64::from(impact.collateral_hosts + impact.collateral_accounts);
    let (team_score, team_score_note) = if rated.is_empty() || weights <= 0.0 {
        let why: Vec<String> = components
            .iter()
            .filter_map(|c| c.note.as_ref().map(|n| format!("{}: {n}", c.name)))
            .collect();
        (
            None,
            Some(format!(
                "nothing could be rated ({}), so there is no team score",
                why.join("; ")
            )),
        )
    } else {
        let weighted = rated.iter().map(|(s, w)| s * w).sum::<f64>() / weights;
        (
            Some(round1((100.0 * weighted - collateral).clamp(0.0, 100.0))),
            None,
        )
    };
    let ladder = scenario.ladder.as_ref().map(|l| LadderResult {
        track: l.track.clone(),
        step: l.step,
        pass_score: l.pass_score,
        passed: team_score.map(|s| s >= l.pass_score),
        next: l.next.clone(),
    });

    let seats = seat_results(journal, &facts, &handoffs);
    let roles = role_results(&seats, &handoffs);
    Results {
        schema: SCHEMA.to_string(),
        scenario: scenario.id.clone(),
        title: scenario.title.clone(),
        difficulty: scenario.difficulty,
        seed,
        bots: bots.to_string(),
        digest: journal.digest(),
        journal_lines: journal.lines.len(),
        ended_by: match (facts.stood_down, facts.end_reason.as_str()) {
            (Some(_), _) => EndedBy::Defenders,
            (None, "resolved") => EndedBy::Resolved,
            (None, _) => EndedBy::TimeLimit,
        },
        ended_at: facts.defended_until(),
        ran_to: facts.end,
        end_reason: facts.end_reason.clone(),
        team_score,
        team_score_note,
        par: scenario.par,
        typical: scenario.typical,
        ladder,
        components,
        mtta_seconds: mean(
            facts
                .alerts
                .iter()
                .filter_map(|a| Some(a.taken_at?.since(a.raised_at) as f64)),
        ),
        mttd_seconds: mean(
            intrusions
                .iter()
                .filter(|i| !i.censored)
                .filter_map(|i| i.dwell_seconds.map(|d| d as f64)),
        ),
        mttc_seconds: mean(
            intrusions
                .iter()
                .filter_map(|i| i.time_to_contain_seconds.map(|d| d as f64)),
        ),
        intrusions,
        triage,
        handoffs,
        handoff_quality: handoff_quality.map(round1),
        impact,
        objectives,
        roles,
        seats,
    }
}

/// Whether the attacker had impact to realise: the scenario can realise some, and the
/// attack began (a stage fired or was blocked by the defenders). A team that blocked
/// the very first stage prevented all of it; an attack that never began tests nothing.
pub fn impact_at_stake(scenario: &Scenario, facts: &Facts) -> bool {
    scenario.possible_impact() > 0.0
        && (facts.fired.iter().any(|f| !f.is_empty())
            || facts.blocked.iter().any(|b| !b.is_empty()))
}

fn role_results(seats: &[SeatResult], handoffs: &[HandoffResult]) -> Vec<RoleResult> {
    crate::scenario::ALL_ROLES
        .iter()
        .map(|r| r.slug())
        .filter(|slug| seats.iter().any(|s| s.role == *slug))
        .map(|slug| {
            let mine: Vec<&SeatResult> = seats.iter().filter(|s| s.role == slug).collect();
            let sum = |f: fn(&SeatResult) -> u32| mine.iter().map(|s| f(s)).sum::<u32>();
            RoleResult {
                role: slug.to_string(),
                seats: mine.len() as u32,
                actions: sum(|s| s.actions),
                refused: sum(|s| s.refused),
                utilisation: round3(mean(mine.iter().map(|s| s.utilisation)).unwrap_or(0.0)),
                classified: sum(|s| s.classified),
                classified_correctly: sum(|s| s.classified_correctly),
                handoffs_sent: sum(|s| s.handoffs_sent),
                handoff_quality: mean(
                    handoffs
                        .iter()
                        .filter(|h| h.from == slug)
                        .map(|h| h.quality),
                )
                .map(round1),
            }
        })
        .collect()
}

/// The confusion matrix of Tier 1 classifications against ground truth.
///
/// Accuracy = (w·TP + TN) / (w·(TP + FN + untriaged malicious) + TN + FP), in percent,
/// where w is the profile's `missed_weight`: missing a malicious alert costs w times
/// as much as mislabelling a benign one. The first classification of an alert counts;
/// an alert escalated without one counts as classified malicious. Benign alerts left
/// untriaged are backlog, which the SLA figures measure, not a triage error.
///
/// SLA: an alert meets its SLA when it is taken within its tenant's pickup target
/// (Platinum 15 min, Gold 30, Silver 60, Bronze 4 h); one still waiting at the end counts
/// as breached once the target has passed, and is not counted before that.
fn triage(
    scenario: &Scenario,
    journal: &Journal,
    facts: &Facts,
    profile: &ScoringProfile,
) -> Triage {
    let mut t = Triage::default();
    let mut classified = vec![false; facts.alerts.len()];
    for line in &journal.lines {
        if let Entry::Classified { alert, verdict, .. } = &line.entry {
            let Some(a) = facts.alerts.get(*alert as usize) else {
                continue;
            };
            if classified[*alert as usize] {
                continue;
            }
            classified[*alert as usize] = true;
            match (a.malicious(), verdict) {
                (true, Verdict::Malicious) => t.true_positives += 1,
                (true, Verdict::Benign) => t.false_negatives += 1,
                (false, Verdict::Malicious) => t.false_positives += 1,
                (false, Verdict::Benign) => t.true_negatives += 1,
            }
        }
    }
    // An alert escalated without a classification was judged malicious all the same.
    for (i, a) in facts.alerts.iter().enumerate() {
        if classified[i] || !a.raised {
            continue;
        }
        match (a.malicious(), a.escalated) {
            (true, true) => t.true_positives += 1,
            (false, true) => t.false_positives += 1,
            (true, false) => t.untriaged_malicious += 1,
            (false, false) => t.untriaged_benign += 1,
        }
    }
    t.needless_escalations = facts
        .alerts
        .iter()
        .filter(|a| a.escalated && !a.malicious())
        .count() as u32;
    let w = profile.triage.missed_weight;
    let num = w * f64::from(t.true_positives) + f64::from(t.true_negatives);
    let den = w * f64::from(t.true_positives + t.false_negatives + t.untriaged_malicious)
        + f64::from(t.true_negatives + t.false_positives);
    t.accuracy = (den > 0.0).then(|| round1(100.0 * num / den));
    let mut judged = 0u32;
    for a in facts.alerts.iter().filter(|a| a.raised) {
        let target = scenario
            .tenants
            .get(a.tenant)
            .map_or(3600, |x| x.sla.pickup_target());
        let waited = a.taken_at.unwrap_or(facts.end).since(a.raised_at);
        if a.taken_at.is_some() || waited > target {
            judged += 1;
            if waited > target {
                t.sla_breaches += 1;
            }
        }
    }
    t.sla_met_percent = (judged > 0)
        .then(|| round1(100.0 * f64::from(judged - t.sla_breaches) / f64::from(judged)));
    t
}

fn seat_results(journal: &Journal, facts: &Facts, handoffs: &[HandoffResult]) -> Vec<SeatResult> {
    let mut out: Vec<SeatResult> = facts
        .seats
        .iter()
        .map(|s| SeatResult {
            seat: s.name.clone(),
            role: s.role.slug().to_string(),
            controller: s.controller.clone(),
            actions: 0,
            refused: 0,
            busy_seconds: 0,
            utilisation: 0.0,
            classified: 0,
            classified_correctly: 0,
            handoffs_sent: 0,
            handoff_quality: None,
            players: s.player.iter().cloned().collect(),
        })
        .collect();
    let mut first_verdict = std::collections::BTreeSet::new();
    for line in &journal.lines {
        match &line.entry {
            Entry::ActionStarted { seat, until, .. } => {
                if let Some(s) = out.get_mut(*seat as usize) {
                    s.actions += 1;
                    // Work under way when the defenders stood down was abandoned there.
                    let stop = facts.defended_until();
                    s.busy_seconds += until.min(&stop).since(line.t);
                }
            }
            Entry::SeatTaken {
                seat,
                name: Some(name),
            }
            | Entry::SeatNamed { seat, name } => {
                if let Some(s) = out.get_mut(*seat as usize)
                    && !s.players.contains(name)
                {
                    s.players.push(name.clone());
                }
            }
            Entry::ActionRefused(refusal) => {
                if let Some(s) = out.get_mut(refusal.seat as usize) {
                    s.refused += 1;
                }
            }
            Entry::Classified {
                seat,
                alert,
                verdict,
            } if first_verdict.insert(*alert) => {
                if let (Some(s), Some(a)) = (
                    out.get_mut(*seat as usize),
                    facts.alerts.get(*alert as usize),
                ) {
                    s.classified += 1;
                    if a.malicious() == (*verdict == Verdict::Malicious) {
                        s.classified_correctly += 1;
                    }
                }
            }
            _ => {}
        }
    }
    for s in &mut out {
        s.utilisation = round3(s.busy_seconds as f64 / facts.defended_until().secs().max(1) as f64);
        let mine: Vec<f64> = handoffs
            .iter()
            .filter(|h| h.sender == s.seat)
            .map(|h| h.quality)
            .collect();
        s.handoffs_sent = mine.len() as u32;
        s.handoff_quality = mean(mine.into_iter()).map(round1);
    }
    out
}

/// Mean of an iterator, or None when empty.
pub fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// Rounds to one decimal.
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}
