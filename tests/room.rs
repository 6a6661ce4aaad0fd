//! The room around a live exercise, in the library: seats that belong to the people
//! holding them (bots of the role wait for them), seats handed to a bot and taken back,
//! participants' names, and the discussion (answers, notes, messages, live injects),
//! all journaled so that replay reproduces a session bit for bit.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use socdrill_core::journal::Entry;
use socdrill_core::live::{self, Move, Timed};
use socdrill_core::report::{Format, Report};
use socdrill_core::scenario::{Role, Scenario};
use socdrill_core::soc::Action;
use socdrill_core::soc::ledger::{BotWait, LiveInject};
use socdrill_core::{Exercise, SimTime, bots};

fn setup(s: &Scenario, people: &[(&str, &str)], wait: BotWait) -> live::Setup {
    live::Setup {
        schema: live::SETUP_SCHEMA.into(),
        scenario: s.id.clone(),
        seed: 11,
        bots: "competent".into(),
        people: people.iter().map(|(seat, _)| seat.to_string()).collect(),
        names: people
            .iter()
            .map(|(seat, name)| (seat.to_string(), name.to_string()))
            .collect::<BTreeMap<_, _>>(),
        bot_wait: wait,
        staffing: None,
    }
}

fn exercise(s: &Arc<Scenario>, setup: &live::Setup) -> Exercise {
    Exercise::new(
        s.clone(),
        setup.seed,
        bots::profile_named(&setup.bots).unwrap(),
        &setup.script(),
    )
}

/// Seat ids of the bots on Tier 1 in the default scenario, beside tier1-1 (seat 0).
fn tier1_bots(ex: &Exercise) -> Vec<u16> {
    ex.journal()
        .lines
        .iter()
        .find_map(|l| match &l.entry {
            Entry::Started { seats, .. } => Some(
                seats
                    .iter()
                    .filter(|s| s.role == Role::Tier1 && s.controller.starts_with("bot"))
                    .map(|s| s.seat)
                    .collect(),
            ),
            _ => None,
        })
        .unwrap()
}

/// (alert, how long it had waited) for every alert a Tier 1 bot took.
fn bot_takes(ex: &Exercise) -> Vec<(u32, u64)> {
    let bots = tier1_bots(ex);
    let mut raised = BTreeMap::new();
    let mut out = Vec::new();
    for line in &ex.journal().lines {
        match &line.entry {
            Entry::AlertRaised { alert, .. } => {
                raised.insert(*alert, line.t);
            }
            Entry::AlertTaken { seat, alert } if bots.contains(seat) => {
                out.push((*alert, line.t.since(raised[alert])));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn bots_of_a_role_a_person_holds_leave_its_queue_to_them_for_the_wait() {
    let s = common::default_scenario();
    // The person at tier1-1 never acts: whatever bots take, they took from a queue the
    // person could have worked.
    let quiet = |wait| {
        let mut ex = exercise(&s, &setup(&s, &[("tier1-1", "Ana")], wait));
        ex.advance_to(SimTime::from_secs(4 * 3600));
        ex
    };
    // Before: bots race the person, taking alerts as they arrive.
    let racing = bot_takes(&quiet(BotWait::Immediately));
    assert!(
        racing.iter().any(|&(_, waited)| waited < 600),
        "bots racing people take fresh alerts: {racing:?}"
    );
    // With a 10-minute wait, bots take only alerts that waited that long.
    let waiting = bot_takes(&quiet(BotWait::After(600)));
    assert!(
        !waiting.is_empty(),
        "the bots still take what waits too long"
    );
    assert!(
        waiting.iter().all(|&(_, waited)| waited >= 600),
        "a bot took an alert before it had waited 10 minutes: {waiting:?}"
    );
    // A solo trainee has the whole role.
    assert_eq!(bot_takes(&quiet(BotWait::Never)), vec![]);
}

#[test]
fn a_person_keeps_their_queue_and_works_it() {
    let s = common::default_scenario();
    let mut ex = exercise(&s, &setup(&s, &[("tier1-1", "Ana")], BotWait::After(900)));
    let mut taken = 0;
    let mut t = 0;
    while t < 3600 && !ex.ended() {
        t += 30;
        ex.advance_to(SimTime::from_secs(t));
        let v = ex.seat_view(0).unwrap();
        if v.working_on.is_some() {
            continue;
        }
        let action = if let Some(a) = v.held.first() {
            if a.verdict.is_none() {
                Action::Classify(a.id, socdrill_core::soc::Verdict::Benign)
            } else {
                Action::Close(a.id)
            }
        } else if let Some(a) = v.queue.first() {
            taken += 1;
            Action::TakeAlert(a.id)
        } else {
            continue;
        };
        ex.act(0, action).unwrap();
    }
    assert!(taken >= 3, "the person found alerts to take: {taken}");
    // What the person decided shows in their view, with their verdicts.
    let v = ex.seat_view(0).unwrap();
    assert!(!v.decided.is_empty());
    assert!(v.decided.iter().all(|a| a.verdict.is_some()));
    assert!(v.person);
}

#[test]
fn a_seat_handed_to_a_bot_plays_on_and_can_be_taken_back() {
    let s = common::default_scenario();
    let mut ex = exercise(&s, &setup(&s, &[("tier1-1", "Ana")], BotWait::Never));
    ex.advance_to(SimTime::from_secs(1800));
    let before = ex.journal().lines.len();
    ex.release_seat(0).unwrap();
    assert!(ex.release_seat(0).is_err(), "already a bot's");
    ex.advance_to(SimTime::from_secs(3 * 3600));
    let acted = ex.journal().lines[before..]
        .iter()
        .filter(|l| matches!(l.entry, Entry::ActionStarted { seat: 0, .. }))
        .count();
    assert!(acted > 0, "the bot works the seat once it is handed over");
    assert!(!ex.seat_view(0).unwrap().person);
    ex.take_seat(0, Some("Ana".into())).unwrap();
    let back = ex.journal().lines.len();
    ex.advance_to(SimTime::from_secs(5 * 3600));
    let after = ex.journal().lines[back..]
        .iter()
        .filter(|l| matches!(l.entry, Entry::ActionStarted { seat: 0, .. }))
        .count();
    assert_eq!(
        after, 0,
        "the bot stops once the person takes the seat back"
    );
}

/// The tier1 seat a bot is holding an open alert on at the horizon, if any.
fn tier1_holding(ex: &Exercise) -> Option<(u16, u32)> {
    ex.seats()
        .iter()
        .filter(|s| s.role == Role::Tier1 && !s.gone)
        .find_map(|s| {
            let view = ex.seat_view(s.id)?;
            view.held.first().map(|a| (s.id, a.id))
        })
}

#[test]
fn seats_added_and_removed_while_the_exercise_runs_work_and_replay() {
    let s = common::default_scenario();
    let st = setup(&s, &[], BotWait::Immediately);
    let mut ex = exercise(&s, &st);
    let staffed = ex.seats().len();
    let mut moves = Vec::new();
    let mut play = |ex: &mut Exercise, t: u64, mv: Move| {
        let m = Timed {
            t: SimTime::from_secs(t),
            mv,
        };
        live::make_move(ex, &m).unwrap_or_else(|e| panic!("{m:?}: {e}"));
        moves.push(m);
    };

    // A latecomer's seat: a bot plays it until they open it, then it is theirs.
    play(&mut ex, 1200, Move::AddSeat { role: Role::Tier2 });
    let added = ex.seats().last().cloned().unwrap();
    assert_eq!(added.id as usize, staffed, "the next id after every seat");
    assert_eq!(added.role, Role::Tier2);
    assert_eq!(
        added.name,
        format!("tier2-{}", s.seats_for(Role::Tier2) + 1),
        "the next name of its role"
    );
    assert!(!added.person && !added.gone);
    play(
        &mut ex,
        1300,
        Move::TakeSeat {
            seat: added.id,
            name: Some("Late Larry".into()),
        },
    );
    assert!(ex.seats()[added.id as usize].person);

    // A seat removed while it holds an alert: the alert goes back to the queue for the
    // other analysts, and the seat takes nothing more.
    let mut t = 1300;
    let (gone, alert) = loop {
        t += 60;
        ex.advance_to(SimTime::from_secs(t));
        if let Some(x) = tier1_holding(&ex) {
            break x;
        }
        assert!(t < 6 * 3600, "a Tier 1 bot holds an alert at some minute");
    };
    play(&mut ex, t, Move::RemoveSeat { seat: gone });
    assert!(ex.seats()[gone as usize].gone);
    let returned = ex
        .journal()
        .lines
        .iter()
        .rev()
        .find_map(|l| match &l.entry {
            Entry::SeatRemoved { seat, returned } if *seat == gone => Some(returned.clone()),
            _ => None,
        })
        .expect("the removal is journaled");
    assert!(returned.contains(&alert), "{returned:?} has alert {alert}");
    let removed_at = ex.journal().lines.len();
    ex.advance_to(SimTime::from_secs(t + 4 * 3600));
    let lines = &ex.journal().lines[removed_at..];
    assert!(
        !lines
            .iter()
            .any(|l| matches!(l.entry, Entry::ActionStarted { seat, .. } if seat == gone)),
        "a removed seat takes no more work"
    );
    assert!(
        lines.iter().any(
            |l| matches!(l.entry, Entry::AlertTaken { alert: a, seat } if a == alert && seat != gone)
        ),
        "another Tier 1 seat takes the returned alert"
    );
    // What a removed seat or a person may not do.
    assert!(ex.remove_seat(gone).unwrap_err().contains("already left"));
    assert!(
        ex.remove_seat(added.id)
            .unwrap_err()
            .contains("held by a person")
    );
    assert!(
        ex.act(gone, Action::TakeAlert(0))
            .unwrap_err()
            .contains("has left the exercise")
    );
    let now = ex.horizon();

    // The results and the report list the added seat with its player.
    ex.end_now().unwrap();
    ex.run_to_end();
    let results = ex.results();
    let row = &results.seats[added.id as usize];
    assert_eq!(row.seat, added.name);
    assert_eq!(row.players, vec!["Late Larry".to_string()]);
    let md = Report::build(&s, ex.journal(), &results, None).render(Format::Markdown);
    let added_line = format!("added a {} seat", Role::Tier2.label());
    assert!(
        md.contains(&added_line),
        "the discussion table says so: {md}"
    );
    assert!(md.contains("removed the seat"));

    // The same moves replay to the same journal, bit for bit.
    let mut again = exercise(&s, &st);
    let mut all = moves.clone();
    all.push(Timed {
        t: now,
        mv: Move::End,
    });
    live::replay(&mut again, &all).unwrap();
    again.run_to_end();
    assert_eq!(again.results().digest, results.digest);
}

/// Every move of the room, at its time.
fn session(s: &Scenario) -> Vec<Timed> {
    let objective = s.objectives[0].id.clone();
    let at = |t, mv| Timed { t, mv };
    vec![
        at(
            SimTime::from_secs(60),
            Move::Name {
                seat: 0,
                name: "Ana Souza".into(),
            },
        ),
        at(
            SimTime::from_secs(120),
            Move::Note {
                role: Some(Role::Tier1),
                objective: Some(objective),
                text: "Tier 1 read the log line before deciding".into(),
            },
        ),
        at(
            SimTime::from_secs(180),
            Move::Message {
                to: Some(0),
                text: "Look at the oldest alert first".into(),
            },
        ),
        at(
            SimTime::from_secs(200),
            Move::Message {
                to: None,
                text: "Ten minutes to the status call".into(),
            },
        ),
        at(
            SimTime::from_secs(240),
            Move::WriteInject {
                inject: LiveInject {
                    title: "The CFO calls".into(),
                    body: "She asks whether payroll is affected.".into(),
                    to: vec![Role::Tier1, Role::Manager],
                    questions: vec!["What do you tell her?".into()],
                    at: SimTime::ZERO,
                },
            },
        ),
        at(
            SimTime::from_secs(300),
            Move::Reply {
                seat: 0,
                inject: s.injects.len(),
                text: "Nothing confirmed yet; we will call back within the hour.".into(),
            },
        ),
        at(
            SimTime::from_secs(360),
            Move::BotWait {
                wait: BotWait::After(300),
            },
        ),
        at(SimTime::from_secs(400), Move::ReleaseSeat { seat: 0 }),
        at(
            SimTime::from_secs(900),
            Move::TakeSeat {
                seat: 0,
                name: Some("Ana Souza".into()),
            },
        ),
    ]
}

#[test]
fn the_discussion_is_journaled_replays_and_reaches_the_report() {
    let s = common::default_scenario();
    let setup = setup(&s, &[("tier1-1", "Ana")], BotWait::After(600));
    let moves = session(&s);
    let mut ex = exercise(&s, &setup);
    live::replay(&mut ex, &moves).unwrap();
    // The seat sees the live inject, its answer and its messages.
    let v = ex.seat_view(0).unwrap();
    let live_card = v
        .inbox
        .iter()
        .find(|c| c.title == "The CFO calls")
        .expect("the live inject reached Tier 1");
    assert_eq!(live_card.answers.len(), 1);
    assert_eq!(v.messages.len(), 2);
    assert!(v.messages.iter().any(|m| m.to_all));
    ex.run_to_end();
    let digest = ex.results().digest;

    // Replay: the same journal, bit for bit.
    let mut again = exercise(&s, &setup);
    live::replay(&mut again, &moves).unwrap();
    again.run_to_end();
    assert_eq!(again.results().digest, digest);
    assert_eq!(again.journal().lines, ex.journal().lines);

    // Moves and setup survive their files' round trip.
    let text: String = moves
        .iter()
        .map(|m| serde_json::to_string(m).unwrap() + "\n")
        .collect();
    let (parsed, _) = live::parse_moves(&text).unwrap();
    assert_eq!(parsed, moves);
    let back: live::Setup = serde_json::from_str(&serde_json::to_string(&setup).unwrap()).unwrap();
    assert_eq!(back, setup);

    // Names reach the results.
    let results = ex.results();
    assert_eq!(results.seats[0].players, vec!["Ana", "Ana Souza"]);
    // The report carries the answers, notes, messages and the live inject.
    let report = Report::build(&s, ex.journal(), &results, None);
    let md = report.render(Format::Markdown);
    for text in [
        "Tier 1 read the log line before deciding",
        "Observations on",
        "The CFO calls",
        "we will call back within the hour",
        "Ten minutes to the status call",
        "handed the seat to a bot",
        "Ana Souza",
    ] {
        assert!(md.contains(text), "the report lacks {text:?}");
    }
    let html = report.render(Format::Html);
    assert!(html.contains("Observations by objective"));
    assert!(html.contains("Injects, decisions and discussion"));
}

#[test]
fn bad_discussion_moves_are_refused_and_change_nothing() {
    let s = common::default_scenario();
    let mut ex = exercise(&s, &setup(&s, &[("tier1-1", "Ana")], BotWait::Never));
    ex.advance_to(SimTime::from_secs(60));
    let lines = ex.journal().lines.len();
    assert!(ex.note(None, None, "   ".into()).is_err());
    assert!(ex.note(None, Some("no-such".into()), "x".into()).is_err());
    assert!(ex.message(Some(999), "hello".into()).is_err());
    assert!(
        ex.reply(0, 9999, "an answer".into()).is_err(),
        "no such inject"
    );
    assert!(ex.reply(0, 0, "x".repeat(3000)).is_err(), "too long");
    assert!(ex.name_seat(0, "\u{7}bell".into()).is_err());
    assert!(ex.release_seat(5).is_err(), "a bot's seat");
    assert!(
        ex.write_inject(LiveInject {
            title: "t".into(),
            body: String::new(),
            to: vec![],
            questions: vec![],
            at: SimTime::ZERO
        })
        .is_err(),
        "nobody to address"
    );
    assert_eq!(ex.journal().lines.len(), lines, "nothing journaled");
}

#[test]
fn setups_recorded_before_names_and_waits_read_as_bots_racing() {
    let old = r#"{"schema":"socdrill.live/1","scenario":"phish-to-exfil","seed":3,"bots":"competent","people":["tier1-1"]}"#;
    let setup: live::Setup = serde_json::from_str(old).unwrap();
    assert_eq!(setup.bot_wait, BotWait::Immediately);
    assert!(setup.names.is_empty());
    let old_move = r#"{"t":5,"move":{"do":"TakeSeat","seat":2}}"#;
    let m: Timed = serde_json::from_str(old_move).unwrap();
    assert_eq!(
        m.mv,
        Move::TakeSeat {
            seat: 2,
            name: None
        }
    );
}

const TALK: &str = r#"Script(
    seats: ["manager-1"],
    actions: [(at: "3h", seat: "manager-1", do: AnswerInject("client-notify", 0))],
    answers: [(at: "1h50m", seat: "manager-1", inject: "user-call", text: "Tier 1 owns it; keep the laptop on until we look")],
    notes: [
        (at: "30m", text: "Slow start on the queue"),
        (at: "1h", role: Some(Tier1), objective: Some("detect"), text: "Tier 1 read the parent process"),
    ],
    messages: [(at: "40m", to: Some("tier1-1"), text: "Oldest first"), (at: "45m", text: "Status call at the hour")],
)"#;

#[test]
fn a_scripted_run_answers_decides_notes_and_messages_and_replays() {
    let s = common::default_scenario();
    let script = socdrill_core::script::load(TALK, &s).unwrap();
    let profile = bots::profile_named("competent").unwrap();
    let run = || {
        let mut ex = Exercise::new(s.clone(), 4, profile, &script);
        ex.run_to_end();
        ex
    };
    let ex = run();
    let kinds: Vec<&str> = ex
        .journal()
        .lines
        .iter()
        .filter_map(|l| match &l.entry {
            Entry::Note { .. } => Some("note"),
            Entry::Message { .. } => Some("message"),
            Entry::InjectReply { .. } => Some("answer"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["note", "message", "message", "note", "answer"]);
    let note_at = ex
        .journal()
        .lines
        .iter()
        .find(|l| matches!(&l.entry, Entry::Note { objective: Some(o), .. } if o == "detect"))
        .map(|l| l.t);
    assert_eq!(note_at, Some(SimTime::from_secs(3600)));
    // The same script replays to the same journal.
    assert_eq!(run().results().digest, ex.results().digest);
    let md = Report::build(&s, ex.journal(), &ex.results(), None).render(Format::Markdown);
    assert!(md.contains("Tier 1 read the parent process"));
    assert!(md.contains("keep the laptop on until we look"));
}

#[test]
fn a_script_with_bad_discussion_is_refused_naming_the_place() {
    let s = common::default_scenario();
    let bad = TALK
        .replace(
            r#"seat: "manager-1", inject: "user-call""#,
            r#"seat: "tier2-1", inject: "user-call""#,
        )
        .replace(r#"objective: Some("detect")"#, r#"objective: Some("nope")"#)
        .replace(r#"to: Some("tier1-1")"#, r#"to: Some("tier9-1")"#);
    let err = socdrill_core::script::load(&bad, &s)
        .unwrap_err()
        .render("talk.ron");
    for want in [
        "inject \"user-call\" is not addressed to tier2-1",
        "unknown objective \"nope\"",
        "unknown seat \"tier9-1\"",
    ] {
        assert!(err.contains(want), "{want:?} missing from:\n{err}");
    }
    assert!(
        err.lines()
            .all(|l| l.is_empty() || l.starts_with("talk.ron:")),
        "every problem names FILE:LINE:COL:\n{err}"
    );
}

fn shipped(name: &str) -> (String, Arc<Scenario>) {
    let path = format!("{}/scenarios/{name}.ron", env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(&path).unwrap();
    let s = Arc::new(socdrill_core::scenario::load(&src).unwrap());
    (src, s)
}

/// Runs bec-oauth with the manager scripted to answer the finance-freeze decision with
/// `choice` the moment it can, every other seat a competent bot.
fn bec_with_answer(seed: u64, choice: usize) -> Exercise {
    let (_, s) = shipped("bec-oauth");
    // The decision fires when the intrusion is detected: answer it every 5 minutes until
    // it has (a refused early answer changes nothing).
    let actions: String = (0..96)
        .map(|k| {
            format!(
                r#"(at: "{}m", seat: "manager-1", do: AnswerInject("finance-freeze", {choice})),"#,
                5 * k
            )
        })
        .collect();
    let script = socdrill_core::script::load(&format!("Script(actions: [{actions}])"), &s).unwrap();
    let mut ex = Exercise::new(s, seed, bots::profile_named("competent").unwrap(), &script);
    ex.run_to_end();
    ex
}

#[test]
fn a_decision_to_hold_payments_blocks_the_payment_and_the_report_says_so() {
    let (_, s) = shipped("bec-oauth");
    let payment = s.intrusions[0]
        .stages
        .iter()
        .position(|st| st.id == "payment")
        .unwrap();
    let hold = s.policies.iter().position(|p| p == "payment-hold").unwrap();
    let mut held = 0;
    let mut paid_when_waiting = 0;
    for seed in 200..215 {
        let ex = bec_with_answer(seed, 0);
        let j = &ex.journal().lines;
        let answered = j
            .iter()
            .position(|l| matches!(l.entry, Entry::InjectAnswered { choice: 0, .. }));
        let Some(answered) = answered else { continue };
        // The hold is in force right after the answer, and no payment fires after it.
        assert!(
            matches!(j[answered + 1].entry, Entry::Enacted { policy } if policy == hold),
            "seed {seed}: the answer enacts the hold at once"
        );
        assert!(
            !j[answered..]
                .iter()
                .any(|l| matches!(l.entry, Entry::StageFired { stage, .. } if stage == payment)),
            "seed {seed}: the payment fired after the hold"
        );
        if j.iter().any(|l| {
            matches!(&l.entry, Entry::StageBlocked { stage, reason: socdrill_core::journal::BlockReason::Enacted(p), .. } if *stage == payment && *p == hold)
        }) {
            held += 1;
            let md = Report::build(&s, ex.journal(), &ex.results(), None).render(Format::Markdown);
            assert!(md.contains("it changed: payment-hold in force"), "the report says what the decision changed");
            assert!(md.contains("blocked by the payment-hold a decision put in force"));
        }
        // The same seed with the manager waiting for the scope.
        let wait = bec_with_answer(seed, 1);
        if wait
            .journal()
            .lines
            .iter()
            .any(|l| matches!(l.entry, Entry::StageFired { stage, .. } if stage == payment))
        {
            paid_when_waiting += 1;
        }
    }
    assert!(
        held >= 3,
        "the hold stopped the payment in only {held} of 15 seeds"
    );
    assert!(
        paid_when_waiting >= held,
        "waiting let the payment through ({paid_when_waiting} seeds) at least as often as the hold stopped it ({held})"
    );
}

#[test]
fn consequences_are_checked_when_the_scenario_loads() {
    let (src, _) = shipped("bec-oauth");
    let bad = src
        .replacen(
            r#"Enact("payment-hold")]), (option: 2"#,
            r#"Enact("payment-hold")]), (option: 7"#,
            1,
        )
        .replacen(
            r#"ResetCredentials("k.moreno@alderfinch.com")"#,
            r#"ResetCredentials("nobody")"#,
            1,
        )
        .replacen(
            r#"NotEnacted("payment-hold")"#,
            r#"NotEnacted("payroll-freeze")"#,
            1,
        );
    assert_ne!(bad, src);
    let err = socdrill_core::scenario::load(&bad)
        .unwrap_err()
        .render("bec.ron");
    for want in [
        "option 7 does not exist",
        "unknown account \"nobody\"",
        "no inject decision enacts \"payroll-freeze\"",
    ] {
        assert!(err.contains(want), "{want:?} missing from:\n{err}");
    }
}
