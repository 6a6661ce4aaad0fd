//! Scoring against hand-worked cases: every expected number below is derived by hand,
//! step by step, from tests/data/hand-worked.ron and its script. SCORING.md walks
//! through the same case.

use std::sync::Arc;

use socdrill_core::journal::{Entry, Journal, Line, SeatInfo};
use socdrill_core::scenario::{self, Role};
use socdrill_core::score::{self, Rating, ScoringProfile};
use socdrill_core::soc::{Evidence, HandoffDraft, Verdict};
use socdrill_core::{Exercise, SimTime, bots, script};

/// An instant of the hand-worked case, in seconds from T+0.
fn at(secs: u64) -> SimTime {
    SimTime::from_secs(secs)
}

const SCENARIO: &str = include_str!("data/hand-worked.ron");
const ACTIONS: &str = include_str!("data/hand-worked.actions.ron");

fn hand_worked() -> (Exercise, score::Results) {
    let s = Arc::new(scenario::load(SCENARIO).expect("the hand-worked scenario is valid"));
    let script = script::load(ACTIONS, &s).expect("the hand-worked script is valid");
    let mut ex = Exercise::new(s, 42, bots::profile_named("competent").unwrap(), &script);
    ex.run_to_end();
    let r = ex.results();
    (ex, r)
}

#[test]
fn intrusion_timeline_by_hand() {
    let (_, r) = hand_worked();
    let i = &r.intrusions[0];
    // Stage "exec" is Fixed("10m") after T+0.
    assert_eq!(i.compromised_at, Some(at(600)));
    // R1 has fidelity 1 and no latency: the alert comes with the stage.
    assert_eq!(i.first_alert_at, Some(at(600)));
    // TakeAlert at 20m ends 21m; Classify(Malicious) 21m→25m = 1500 s. Detection.
    assert_eq!(i.detected_at, Some(at(1500)));
    assert_eq!(i.dwell_seconds, Some(900));
    assert!(!i.censored);
    // Isolate requested 53m→56m (3360 s) + endpoint team 15m = 4260 s.
    assert_eq!(i.contained_at, Some(at(4260)));
    assert_eq!(i.time_to_contain_seconds, Some(4260 - 1500));
    assert_eq!(i.exposure_seconds, Some(3660));
    // Eradicate 56m→66m (3960 s) + 15m = 4860 s.
    assert_eq!(i.eradicated_at, Some(at(4860)));
    // "move" is due at 600 + 2h = 7800 s, finds no foothold on ws-1, and is blocked.
    assert_eq!(i.stages_fired, ["exec"]);
    assert_eq!(i.stages_blocked, ["move"]);
    assert_eq!(i.impact_points, 0.0);
    assert_eq!((r.ended_at, r.end_reason.as_str()), (at(7800), "resolved"));
    // Tier 1's classification identified it first; Tier 2's investigation also found
    // the exec record; "move" never happened.
    assert_eq!(i.detected_by, Some(score::Detection::Triage));
    let exec = &i.stages[0];
    assert_eq!(
        (exec.fired_at, exec.alerts, exec.first_alert_at),
        (Some(at(600)), 1, Some(at(600)))
    );
    assert!(exec.found_by_investigation && !exec.found_by_hunt);
    let mv = &i.stages[1];
    assert_eq!(
        (mv.fired_at, mv.blocked_at, mv.alerts),
        (None, Some(at(7800)), 0)
    );
    // MTTA: raised at 600, taken when TakeAlert ends at 1260.
    assert_eq!(r.mtta_seconds, Some(660.0));
}

#[test]
fn handoff_quality_by_hand() {
    let (_, r) = hand_worked();
    assert_eq!(r.handoffs.len(), 2);

    // Tier 1 → Tier 2, sent at 30m (1800 s). Tier 1 had seen the alert, ws-1, the
    // domain and the record: 4 relevant items; it attached 2, both relevant.
    // completeness 2/4, precision 1, severity High = High → 1, routing 1,
    // hold 1800 − 1260 = 540 s ≤ 20m → 1, pickup 1980 − 1800 = 180 s ≤ 30m → 1.
    // quality = 100 × (.30×.5 + .15 + .15 + .20 + .10 + .10) = 85.0
    let h = &r.handoffs[0];
    assert_eq!((h.from.as_str(), h.to.as_str()), ("tier1", "tier2"));
    assert_eq!((h.relevant_seen, h.attached, h.missing), (4, 2, 2));
    assert_eq!((h.hold_seconds, h.pickup_seconds), (540, Some(180)));
    assert_eq!(
        (h.completeness, h.precision, h.severity_score, h.routing),
        (0.5, 1.0, 1.0, 1.0)
    );
    assert_eq!(h.quality, 85.0);

    // Tier 2 → incident response, sent at 50m (3000 s). Tier 2 had seen the same 4
    // relevant items (handed 2, found the record and the domain); it attached 3.
    // completeness 3/4, precision 1, severity Critical vs true High → 1 − 1/3,
    // routing 1, hold 3000 − 1980 = 1020 s ≤ 90m → 1, pickup 3180 − 3000 = 180 s → 1.
    // quality = 100 × (.30×.75 + .15 + .15×(2/3) + .20 + .10 + .10) = 87.5
    let h = &r.handoffs[1];
    assert_eq!((h.from.as_str(), h.to.as_str()), ("tier2", "responder"));
    assert_eq!((h.relevant_seen, h.attached), (4, 3));
    assert_eq!((h.hold_seconds, h.pickup_seconds), (1020, Some(180)));
    assert_eq!(h.severity_score, 0.667);
    assert_eq!(h.quality, 87.5);
    assert_eq!(r.handoff_quality, Some(86.3));
}

#[test]
fn objectives_and_team_score_by_hand() {
    let (_, r) = hand_worked();
    // Dwell 15 min: over P (10m), within S (30m).
    assert_eq!(r.objectives[0].rating, Some(Rating::S));
    // Exposure 61 min: over S (1h), within M (2h).
    assert_eq!(r.objectives[1].rating, Some(Rating::M));
    assert_eq!(r.triage.true_positives, 1);
    assert_eq!(r.triage.accuracy, Some(100.0));
    // Raised at 600 s, taken at 1260 s: 11 min, within the Gold tenant's 30 min.
    assert_eq!(
        (r.triage.sla_breaches, r.triage.sla_met_percent),
        (0, Some(100.0))
    );
    // detection   1 − 900/14400            = 0.9375   × .25
    // containment 1 − 3660/21600           = 0.830556 × .20
    // impact      1 − 0/100                = 1        × .20
    // triage      100%                     = 1        × .10
    // handoffs    (85 + 87.5)/2/100        = 0.8625   × .10
    // objectives  (2/3 + 1/3)/2            = 0.5      × .15
    // sum = 0.861736 → 86.2
    assert_eq!(r.team_score, Some(86.2));
}

/// SCORING.md §11, "a second contrast": an objective on an inject that never fires is
/// not rated and leaves the team score where it was.
#[test]
fn an_objective_whose_inject_never_fires_is_not_rated() {
    let text = SCENARIO
        .replace(
            "(role: Responder, seats: 1)]",
            "(role: Responder, seats: 1), (role: Manager, seats: 1)]",
        )
        .replace(
            "    objectives: [",
            "    injects: [(id: \"brief\", title: \"Brief the client\", when: AfterStage(\"I\", \"move\"),
               to: [Manager], decision: Some((options: [\"now\", \"later\"], expected: 0)))],
    objectives: [
        (id: \"brief\", description: \"Brief the client within 30 minutes\", measure: InjectResponse(\"brief\"), p: \"10m\", s: \"20m\", m: \"30m\"),",
        );
    let s = Arc::new(scenario::load(&text).unwrap_or_else(|d| panic!("{}", d.render("x"))));
    let script = script::load(ACTIONS, &s).expect("the hand-worked script is valid");
    let mut ex = Exercise::new(s, 42, bots::profile_named("competent").unwrap(), &script);
    ex.run_to_end();
    let r = ex.results();
    let brief = &r.objectives[0];
    assert_eq!(brief.id, "brief");
    assert_eq!(brief.rating, None);
    assert_eq!(brief.evidence, "not rated: the inject never fired");
    // (2/3 + 1/3) / 2 over the two rated objectives, as before.
    let objectives = r
        .components
        .iter()
        .find(|c| c.name == "objectives")
        .unwrap();
    assert_eq!(objectives.score, Some(0.5));
    assert_eq!(r.team_score, Some(86.2));
}

/// SCORING.md §12: the hand-worked case ended at T+5m, before its first stage. The
/// attack runs on without defenders; everything it does goes unanswered.
#[test]
fn the_hand_worked_case_ended_at_five_minutes_scores_nothing() {
    let s = Arc::new(scenario::load(SCENARIO).expect("valid"));
    let script = script::load(ACTIONS, &s).expect("valid");
    let mut ex = Exercise::new(s, 42, bots::profile_named("competent").unwrap(), &script);
    ex.advance_to(at(300));
    ex.end_now().unwrap();
    let r = ex.results();
    assert_eq!(
        (r.ended_by, r.ended_at, r.ran_to),
        (score::EndedBy::Defenders, at(300), at(14400))
    );
    let i = &r.intrusions[0];
    assert_eq!((i.compromised_at, i.detected_at), (Some(at(600)), None));
    assert_eq!((i.dwell_seconds, i.censored), (Some(13800), true));
    assert_eq!(i.impact_points, 100.0);
    assert_eq!(r.triage.accuracy, Some(0.0));
    assert_eq!(r.triage.sla_breaches, 1);
    for c in &r.components {
        assert_eq!(c.score, Some(0.0), "{}", c.name);
    }
    assert!(r.objectives.iter().all(|o| o.rating == Some(Rating::U)));
    assert_eq!(r.team_score, Some(0.0));
}

#[test]
fn the_engine_refuses_actions_outside_the_role() {
    let (ex, r) = hand_worked();
    let refused: Vec<&Line> = ex
        .journal()
        .lines
        .iter()
        .filter(|l| matches!(l.entry, Entry::ActionRefused(_)))
        .collect();
    assert_eq!(
        refused.len(),
        1,
        "only the scripted Tier 1 isolation is refused"
    );
    assert_eq!(refused[0].t, at(3600));
    let Entry::ActionRefused(refusal) = &refused[0].entry else {
        unreachable!()
    };
    assert!(
        refusal.reason.contains("Incident response"),
        "{}",
        refusal.reason
    );
    assert_eq!(r.seats[0].refused, 1);
}

#[test]
fn the_golden_journal_is_unchanged() {
    let (ex, _) = hand_worked();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/hand-worked.jsonl"
    );
    let ours = ex.journal().to_jsonl();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &ours).unwrap();
    }
    let golden = std::fs::read_to_string(path)
        .expect("tests/golden/hand-worked.jsonl exists (UPDATE_GOLDEN=1 writes it)");
    if let Some(d) = socdrill_core::journal::first_divergence(&golden, ex.journal()) {
        panic!(
            "journal differs from the golden file at line {}:\n  golden: {:?}\n  now:    {:?}\nif the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff",
            d.line, d.recorded, d.replayed
        );
    }
    assert_eq!(
        socdrill_core::journal::parse_jsonl(&golden)
            .expect("the golden file is a journal")
            .digest(),
        ex.journal().digest()
    );
}

/// The only seat of the hand-written journals below.
fn tier1_seat() -> Entry {
    let seat = SeatInfo {
        seat: 0,
        name: "tier1-1".into(),
        role: Role::Tier1,
        controller: "scripted".into(),
        player: None,
    };
    Entry::Started {
        scenario: "hand-worked".into(),
        seed: 0,
        seats: vec![seat],
    }
}

/// An alert raised in tenant 0, malicious (behind stage 0 of intrusion 0) or benign.
fn raised(alert: u32, malicious: bool) -> Entry {
    Entry::AlertRaised {
        alert,
        rule: 0,
        severity: scenario::Level::High,
        tenant: 0,
        host: Some(0),
        stage: malicious.then_some((0, 0)),
    }
}

/// Tier 1 escalates an alert to Tier 2, attaching only the alert.
fn escalate(handoff: u32, alert: u32, severity: scenario::Level) -> Entry {
    Entry::HandoffSent {
        handoff,
        seat: 0,
        from: Role::Tier1,
        draft: Box::new(HandoffDraft {
            to: Role::Tier2,
            alert: Some(alert),
            case: None,
            evidence: vec![Evidence::Alert(alert)],
            severity,
            summary: String::new(),
            technique: None,
        }),
    }
}

/// A journal written by hand: scoring is a pure function of it.
fn line(t: u64, entry: Entry) -> Line {
    Line { t: at(t), entry }
}

#[test]
fn triage_accuracy_weighs_missed_malicious_alerts_most() {
    let s = scenario::load(SCENARIO).unwrap();
    let classify = |alert: u32, verdict: Verdict| Entry::Classified {
        seat: 0,
        alert,
        verdict,
    };
    let j = Journal {
        lines: vec![
            line(0, tier1_seat()),
            line(10, raised(0, true)),
            line(10, raised(1, true)),
            line(10, raised(2, false)),
            line(10, raised(3, false)),
            line(10, raised(4, false)),
            line(10, raised(5, true)),
            line(20, classify(0, Verdict::Malicious)),
            line(30, classify(1, Verdict::Benign)),
            line(40, classify(2, Verdict::Benign)),
            line(50, classify(3, Verdict::Malicious)),
            line(60, escalate(0, 3, scenario::Level::Low)),
            line(
                100,
                Entry::Ended {
                    reason: "time limit".into(),
                },
            ),
        ],
    };
    let r = score::score(&s, &j, 0, "scripted", ScoringProfile::default_profile());
    let t = &r.triage;
    // TP: alert 0. FN: alert 1. TN: alert 2. FP: alert 3. Untriaged: 4 (benign), 5 (malicious).
    // Alert 3 was classified before it was escalated: its first verdict counts once.
    assert_eq!(
        (
            t.true_positives,
            t.false_negatives,
            t.true_negatives,
            t.false_positives
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        (
            t.untriaged_malicious,
            t.untriaged_benign,
            t.needless_escalations
        ),
        (1, 1, 1)
    );
    // (5×1 + 1) / (5×(1 + 1 + 1) + 1 + 1) = 6/17 = 35.3%
    assert_eq!(t.accuracy, Some(35.3));
    // The escalated benign alert: nothing relevant attached, misrouted, severity Low = Low.
    let h = &r.handoffs[0];
    assert_eq!((h.precision, h.routing, h.severity_score), (0.0, 0.0, 1.0));
    // Never picked up: no pickup time, and the pickup component is zero (it never
    // reached anyone, however soon the exercise ended).
    assert_eq!((h.pickup_seconds, h.pickup), (None, 0.0));
    // SLA (Gold, 30 min): the six alerts were raised at 10 s; by the end at 100 s none
    // taken has waited past 30 min, and the untaken are not yet past it: none judged.
    assert_eq!((t.sla_breaches, t.sla_met_percent), (0, None));
}

#[test]
fn ratings_follow_the_thresholds() {
    use score::objectives_rate as rate;
    let t = [600.0, 1800.0, 3600.0];
    assert_eq!(rate(600.0, t, true), Rating::P);
    assert_eq!(rate(601.0, t, true), Rating::S);
    assert_eq!(rate(3600.0, t, true), Rating::M);
    assert_eq!(rate(3601.0, t, true), Rating::U);
    let q = [90.0, 75.0, 60.0];
    assert_eq!(rate(95.0, q, false), Rating::P);
    assert_eq!(rate(80.0, q, false), Rating::S);
    assert_eq!(rate(59.9, q, false), Rating::U);
}

#[test]
fn decay_is_flat_then_linear_to_zero_at_three_targets() {
    use score::handoff_decay as decay;
    assert_eq!(decay(0, 600), 1.0);
    assert_eq!(decay(600, 600), 1.0);
    assert_eq!(decay(1200, 600), 0.5);
    assert_eq!(decay(1800, 600), 0.0);
    assert_eq!(decay(99_999, 600), 0.0);
}

#[test]
fn per_role_and_per_seat_breakdown_by_hand() {
    let (_, r) = hand_worked();
    let roles: Vec<(&str, u32, u32, Option<f64>)> = r
        .roles
        .iter()
        .map(|x| {
            (
                x.role.as_str(),
                x.actions,
                x.handoffs_sent,
                x.handoff_quality,
            )
        })
        .collect();
    // Tier 1: take, classify, hand off (the isolation was refused, not started).
    // Tier 2: take, investigate, declare, hand off. Responder: take, isolate, eradicate.
    assert_eq!(
        roles,
        [
            ("tier1", 3, 1, Some(85.0)),
            ("tier2", 4, 1, Some(87.5)),
            ("responder", 3, 0, None)
        ]
    );
    assert_eq!(r.roles[0].refused, 1);
    // Tier 1 worked 1 + 4 + 5 = 10 minutes of the 7800 s exercise.
    assert_eq!(r.seats[0].busy_seconds, 600);
    assert_eq!(r.seats[0].utilisation, 0.077);
}

#[test]
fn an_escalation_without_a_classification_counts_as_judged_malicious() {
    let s = scenario::load(SCENARIO).unwrap();
    let j = Journal {
        lines: vec![
            line(0, tier1_seat()),
            line(10, raised(0, true)),
            line(10, raised(1, false)),
            line(20, escalate(0, 0, scenario::Level::High)),
            line(30, escalate(1, 1, scenario::Level::High)),
            line(
                40,
                Entry::Ended {
                    reason: "time limit".into(),
                },
            ),
        ],
    };
    let r = score::score(&s, &j, 0, "scripted", ScoringProfile::default_profile());
    assert_eq!((r.triage.true_positives, r.triage.false_positives), (1, 1));
    assert_eq!(r.triage.needless_escalations, 1);
    // (5×1 + 0) / (5×1 + 0 + 1) = 83.3%
    assert_eq!(r.triage.accuracy, Some(83.3));
}

#[test]
fn a_fallback_chain_counts_once_toward_possible_impact() {
    // "move" (100 points) with a fallback worth 150: the attacker gets one or the other.
    let src = SCENARIO.replacen(
        "severity: Critical),",
        "fallback: \"alt\", severity: Critical),
            (id: \"alt\", tactic: \"lateral-movement\", technique: \"T1021.001\", target: Host(\"srv-1\"),
             fallback_only: true, effects: [Impact(\"more data\", 150.0)]),",
        1,
    );
    let s = scenario::load(&src).unwrap();
    assert_eq!(s.possible_impact(), 150.0);
}

#[test]
fn sla_breaches_cost_part_of_the_triage_component() {
    let s = scenario::load(SCENARIO).unwrap();
    let j = Journal {
        lines: vec![
            line(0, tier1_seat()),
            line(0, raised(0, false)),
            line(0, raised(1, false)),
            // Alert 0 taken after 10 min (Gold allows 30): met.
            line(600, Entry::AlertTaken { seat: 0, alert: 0 }),
            line(
                700,
                Entry::Classified {
                    seat: 0,
                    alert: 0,
                    verdict: Verdict::Benign,
                },
            ),
            // Alert 1 taken after 40 min: breached.
            line(2400, Entry::AlertTaken { seat: 0, alert: 1 }),
            line(
                2500,
                Entry::Classified {
                    seat: 0,
                    alert: 1,
                    verdict: Verdict::Benign,
                },
            ),
            line(
                3000,
                Entry::Ended {
                    reason: "time limit".into(),
                },
            ),
        ],
    };
    let r = score::score(&s, &j, 0, "scripted", ScoringProfile::default_profile());
    assert_eq!(
        (r.triage.sla_breaches, r.triage.sla_met_percent),
        (1, Some(50.0))
    );
    assert_eq!(r.triage.accuracy, Some(100.0));
    // 1.0 × (1 − 0.5 × 0.5) = 0.75
    let triage = r.components.iter().find(|c| c.name == "triage").unwrap();
    assert_eq!(triage.score, Some(0.75));
}

#[test]
fn a_handoff_is_judged_on_what_it_is_about() {
    // Tier 1 worked a malicious alert earlier, then escalates an unrelated benign one:
    // the earlier case's evidence does not count as "seen and left out".
    let s = scenario::load(SCENARIO).unwrap();
    let j = Journal {
        lines: vec![
            line(0, tier1_seat()),
            line(
                600,
                Entry::Telemetry(Box::new(socdrill_core::journal::Telemetry {
                    record: 0,
                    source: 0,
                    host: Some(0),
                    account: None,
                    stage: Some((0, 0)),
                })),
            ),
            line(600, raised(0, true)),
            line(
                700,
                Entry::Revealed {
                    seat: 0,
                    items: vec![Evidence::Alert(0), Evidence::Record(0), Evidence::Host(0)],
                },
            ),
            line(800, raised(1, false)),
            line(
                900,
                Entry::Revealed {
                    seat: 0,
                    items: vec![Evidence::Alert(1)],
                },
            ),
            line(1000, escalate(0, 1, scenario::Level::Low)),
            line(
                2000,
                Entry::Ended {
                    reason: "time limit".into(),
                },
            ),
        ],
    };
    let r = score::score(&s, &j, 0, "scripted", ScoringProfile::default_profile());
    let h = &r.handoffs[0];
    assert_eq!((h.relevant_seen, h.missing, h.completeness), (0, 0, 1.0));
    assert_eq!((h.precision, h.routing), (0.0, 0.0));
}
