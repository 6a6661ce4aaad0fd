//! Live exercises in the library: moves at the live clock replay to the same journal,
//! however the clock was stepped. This is what resuming a crashed `serve` and
//! `socdrill replay` of a live journal stand on.

mod common;

use std::sync::Arc;

use socdrill_core::journal::Entry;
use socdrill_core::live::{self, Move, Timed};
use socdrill_core::scenario::Scenario;
use socdrill_core::soc::{Action, Evidence, HandoffDraft, Verdict};
use socdrill_core::{Exercise, SimTime, bots};

fn exercise(s: &Arc<Scenario>, people: &[&str]) -> Exercise {
    let setup = live::Setup {
        schema: live::SETUP_SCHEMA.into(),
        scenario: s.id.clone(),
        seed: 11,
        bots: "competent".into(),
        people: people.iter().map(|p| p.to_string()).collect(),
        names: Default::default(),
        bot_wait: Default::default(),
        staffing: None,
    };
    Exercise::new(
        s.clone(),
        setup.seed,
        bots::profile_named("competent").unwrap(),
        &setup.script(),
    )
}

/// What a Tier 1 person does next: classify a held alert as malicious and escalate
/// it, or take the oldest alert.
fn next_move(ex: &Exercise, escalated: &mut Vec<u32>) -> Option<Action> {
    let v = ex.seat_view(0)?;
    if v.working_on.is_some() {
        return None;
    }
    let known = |e: Evidence| v.known.iter().any(|k| k.item == e);
    for a in &v.held {
        if !known(Evidence::Alert(a.id)) {
            continue;
        }
        if !escalated.contains(&a.id) {
            escalated.push(a.id);
            return Some(Action::Classify(a.id, Verdict::Malicious));
        }
        if escalated.iter().filter(|&&x| x == a.id).count() == 1 {
            escalated.push(a.id);
            return Some(Action::Handoff(Box::new(HandoffDraft {
                to: socdrill_core::scenario::Role::Tier2,
                alert: Some(a.id),
                case: None,
                evidence: a.items.iter().copied().filter(|e| known(*e)).collect(),
                severity: socdrill_core::scenario::Level::High,
                summary: "suspicious".into(),
                technique: None,
            })));
        }
    }
    v.queue.first().map(|a| Action::TakeAlert(a.id))
}

/// Plays a live exercise with a person on tier1-1, stepping the clock by `steps`
/// (cycled), and returns the moves made and the final digest.
fn live_run(s: &Arc<Scenario>, steps: &[u64]) -> (Vec<Timed>, String) {
    let mut ex = exercise(s, &["tier1-1"]);
    let mut moves = Vec::new();
    let mut escalated = Vec::new();
    let mut t = 0;
    let mut i = 0;
    while !ex.ended() && t < 6 * 3600 {
        t += steps[i % steps.len()];
        i += 1;
        ex.advance_to(SimTime::from_secs(t));
        if ex.ended() {
            break;
        }
        if let Some(action) = next_move(&ex, &mut escalated) {
            let m = Timed {
                t: ex.horizon(),
                mv: Move::Act { seat: 0, action },
            };
            if live::make_move(&mut ex, &m).is_ok() {
                moves.push(m);
            }
        }
    }
    ex.run_to_end();
    (moves, ex.results().digest)
}

#[test]
fn moves_at_the_live_clock_replay_to_the_same_journal_however_the_clock_ticked() {
    let s = common::default_scenario();
    let (moves, digest) = live_run(&s, &[1, 7, 30, 2, 90, 13]);
    assert!(
        moves.len() >= 6,
        "the person acted several times: {}",
        moves.len()
    );
    assert!(
        moves.iter().any(|m| matches!(
            &m.mv,
            Move::Act {
                action: Action::Handoff(_),
                ..
            }
        )),
        "and escalated"
    );

    // Replayed in one go.
    let mut ex = exercise(&s, &["tier1-1"]);
    live::replay(&mut ex, &moves).unwrap();
    ex.run_to_end();
    assert_eq!(ex.results().digest, digest);

    // With clock marks between the moves, as a server writes them.
    let mut marked = Vec::new();
    for m in &moves {
        marked.push(Timed {
            t: m.t.saturating_sub(3),
            mv: Move::Clock,
        });
        marked.push(m.clone());
    }
    marked.sort_by_key(|m| m.t);
    let mut ex = exercise(&s, &["tier1-1"]);
    live::replay(&mut ex, &marked).unwrap();
    ex.run_to_end();
    assert_eq!(ex.results().digest, digest);

    // Through the moves file format, with a torn last line.
    let mut text: String = moves
        .iter()
        .map(|m| serde_json::to_string(m).unwrap() + "\n")
        .collect();
    text.push_str("{\"t\":99999,\"move\":{\"do\":\"E");
    let (read, torn) = live::parse_moves(&text).unwrap();
    assert!(torn);
    assert_eq!(read, moves);

    // A different step pattern makes different moves, but each run replays itself.
    let (moves2, digest2) = live_run(&s, &[45]);
    let mut ex = exercise(&s, &["tier1-1"]);
    live::replay(&mut ex, &moves2).unwrap();
    ex.run_to_end();
    assert_eq!(ex.results().digest, digest2);
}

#[test]
fn a_refused_action_leaves_no_trace_and_a_bot_seat_is_not_drivable() {
    let s = common::default_scenario();
    let mut ex = exercise(&s, &["tier1-1"]);
    ex.advance_to(SimTime::from_secs(600));
    let lines = ex.journal().lines.len();
    let err = ex.act(0, Action::Isolate(0)).unwrap_err();
    assert!(err.contains("may not"), "{err}");
    let err = ex
        .act(0, Action::Classify(12345, Verdict::Benign))
        .unwrap_err();
    assert!(!err.is_empty());
    // tier1-2 (seat 1) is a bot.
    let err = ex.act(1, Action::TakeAlert(0)).unwrap_err();
    assert!(err.contains("bot"), "{err}");
    assert!(ex.would_accept(0, &Action::Isolate(0)).is_err());
    assert_eq!(ex.journal().lines.len(), lines, "nothing journaled");
    assert!(ex.fire_inject(9999).is_err());
    assert!(ex.take_seat(0, None).is_err(), "already a person");
}

#[test]
fn a_seat_taken_over_stops_playing_as_a_bot() {
    let s = common::default_scenario();
    let mut ex = exercise(&s, &[]);
    ex.advance_to(SimTime::from_secs(2 * 3600));
    ex.take_seat(0, None).unwrap();
    let taken_at = ex.horizon();
    ex.advance_to(SimTime::from_secs(5 * 3600));
    let mut seen_take = false;
    for line in &ex.journal().lines {
        match &line.entry {
            Entry::SeatTaken { seat: 0, .. } => seen_take = true,
            Entry::ActionStarted { seat: 0, until, .. } if seen_take => {
                panic!(
                    "the bot acted at {} after the takeover (until {})",
                    line.t.hms(),
                    until.hms()
                )
            }
            _ => {}
        }
    }
    assert!(seen_take);
    assert!(taken_at == SimTime::from_secs(2 * 3600));
    // Firing an inject and ending are journaled moves too.
    let fired_before = ex
        .journal()
        .lines
        .iter()
        .filter(|l| matches!(l.entry, Entry::InjectFired { .. }))
        .count();
    let unfired = (0..s.injects.len()).find(|&i| ex.fire_inject(i).is_ok());
    if unfired.is_some() {
        let fired_after = ex
            .journal()
            .lines
            .iter()
            .filter(|l| matches!(l.entry, Entry::InjectFired { .. }))
            .count();
        assert_eq!(fired_after, fired_before + 1);
    }
    ex.end_now().unwrap();
    assert!(ex.ended());
    assert!(ex.end_now().is_err());
}

#[test]
fn the_manager_assigns_an_alert_and_only_that_analyst_takes_it() {
    let s = common::default_scenario();
    // People on tier1-1 (seat 0) and manager-1 (seat 5); tier1-2 (seat 1) is a bot.
    let mut ex = exercise(&s, &["tier1-1", "manager-1"]);
    let mut t = 0;
    let queue = loop {
        t += 30;
        ex.advance_to(SimTime::from_secs(t));
        let q = ex.seat_view(5).unwrap().queue;
        if q.len() >= 2 {
            break q;
        }
        assert!(t < 8 * 3600, "two alerts never waited at once");
    };
    // The least urgent alert, to the bot.
    let alert = q_last(&queue);
    ex.act(5, Action::Assign(alert, 1)).unwrap();
    let err = ex.act(5, Action::Assign(alert, 2)).unwrap_err();
    assert!(err.contains("busy"), "{err}");
    ex.advance_to(SimTime::from_secs(t + 60));
    let v = ex.seat_view(0).unwrap();
    if let Some(card) = v.queue.iter().find(|a| a.id == alert) {
        assert_eq!(card.assigned_to, Some(1));
        let err = ex.act(0, Action::TakeAlert(alert)).unwrap_err();
        assert!(err.contains("assigned"), "{err}");
    }
    ex.advance_to(SimTime::from_secs(t + 3 * 3600));
    let lines = &ex.journal().lines;
    let assigned_at = lines
        .iter()
        .position(
            |l| matches!(l.entry, Entry::AlertAssigned { alert: a, to: 1, seat: 5 } if a == alert),
        )
        .expect("the assignment landed");
    let next_take = lines[assigned_at..]
        .iter()
        .find_map(|l| match l.entry {
            Entry::ActionStarted {
                seat: 1,
                action: Action::TakeAlert(a),
                ..
            } => Some(a),
            _ => None,
        })
        .expect("the bot took an alert after the assignment");
    assert_eq!(next_take, alert, "the assigned alert comes first");
    // Only a Tier 1 seat can be assigned work.
    assert!(ex.would_accept(5, &Action::Assign(alert, 2)).is_err());
}

fn q_last(queue: &[socdrill_core::view::AlertCard]) -> u32 {
    queue.last().unwrap().id
}
