//! `play --watch RUN`: a recorded exercise, re-simulated (never trusted blindly) and
//! shown at any time; and the texts of the attacker panel and the debrief.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};

use socdrill_core::journal::{self, Entry};
use socdrill_core::live::{self, Setup, Timed};
use socdrill_core::scenario::Scenario;
use socdrill_core::script::Script;
use socdrill_core::soc::{Action, Verdict};
use socdrill_core::{Exercise, SimTime, bots, report};

/// A recorded exercise: a `run --out` directory or a live exercise's journal directory.
pub struct Recording {
    pub scenario: Arc<Scenario>,
    /// The scenario's text.
    pub source: String,
    pub setup: Setup,
    script: Script,
    moves: Vec<Timed>,
    /// Whether the re-simulation matched the recorded journal, in words.
    pub verdict: String,
}

impl Recording {
    pub fn load(dir: &Path) -> Result<Recording> {
        if !dir.is_dir() {
            anyhow::bail!(
                "{} is not a directory: give one written by `socdrill run --out`, `serve` or `play`",
                dir.display()
            );
        }
        let (scenario, source, _) = crate::input::load_scenario(Some(&dir.join("scenario.ron")))?;
        let (setup, script, moves) = if dir.join("setup.json").exists() {
            let path = dir.join("setup.json");
            let setup: Setup =
                serde_json::from_str(&crate::input::read_text(&path)?).map_err(|e| {
                    anyhow::Error::msg(socdrill_core::scenario::diag::json_problem(
                        path.display(),
                        &e,
                    ))
                })?;
            let mpath = dir.join("moves.jsonl");
            let text = if mpath.exists() {
                crate::input::read_text(&mpath)?
            } else {
                String::new()
            };
            let (moves, _) = live::parse_moves(&text)
                .map_err(|e| anyhow::anyhow!("{}:{}:1: {}", mpath.display(), e.line, e.message))?;
            let script = setup.script();
            (setup, script, moves)
        } else {
            let results = crate::rundir::results(dir)?;
            let actions = dir.join("actions.ron");
            let (script, _) = crate::input::load_script(
                actions.exists().then_some(actions.as_path()),
                &scenario,
            )?;
            let setup = Setup {
                schema: live::SETUP_SCHEMA.into(),
                scenario: scenario.id.clone(),
                seed: results.seed,
                bots: results.bots.clone(),
                people: Vec::new(),
                names: Default::default(),
                bot_wait: Default::default(),
                staffing: None,
            };
            (setup, script, Vec::new())
        };
        bots::profile_named(&setup.bots)
            .with_context(|| format!("unknown bot profile {:?} in the recording", setup.bots))?;
        // A live exercise staffed in its lobby replays with that staffing.
        let scenario = setup
            .scenario(&scenario)
            .map_err(|e| anyhow::anyhow!("{}: staffing: {e}", dir.display()))?;
        let mut rec = Recording {
            scenario,
            source,
            setup,
            script,
            moves,
            verdict: String::new(),
        };
        // Re-simulate to the end and hold it against what was recorded.
        let recorded = crate::input::read_text(&dir.join("journal.jsonl"))?;
        let mut ex = rec.exercise_at(SimTime::ZERO);
        live::replay(&mut ex, &rec.moves)
            .map_err(|e| anyhow::anyhow!("moves.jsonl:{}: {}", e.line, e.message))?;
        ex.run_to_end();
        let n = recorded.lines().count();
        let mut replayed = ex.journal().clone();
        let finished = n == replayed.lines.len() || dir.join("results.json").exists();
        if !finished {
            replayed.lines.truncate(n);
        }
        rec.verdict = match journal::first_divergence(&recorded, &replayed) {
            None => format!(
                "re-simulated: the recorded journal matches ({} lines, digest {}…)",
                replayed.lines.len(),
                &replayed.digest()[..16]
            ),
            Some(d) => {
                let msg = format!(
                    "DIGEST MISMATCH: the recorded journal differs from the re-simulation at line {} — what is shown is the re-simulation",
                    d.line
                );
                eprintln!("{msg}");
                msg
            }
        };
        eprintln!("{}", rec.verdict);
        Ok(rec)
    }

    /// The exercise as it stood at `t`, re-simulated from the start.
    pub fn exercise_at(&self, t: SimTime) -> Exercise {
        let profile = bots::profile_named(&self.setup.bots).expect("checked on load");
        let mut ex = Exercise::new(
            self.scenario.clone(),
            self.setup.seed,
            profile,
            &self.script,
        );
        for m in self.moves.iter().filter(|m| m.t <= t) {
            let _ = live::make_move(&mut ex, m);
        }
        ex.advance_to(t);
        ex
    }

    /// Recorded moves due after `from` up to `to`.
    pub fn moves_between(&self, from: SimTime, to: SimTime) -> impl Iterator<Item = &Timed> {
        self.moves.iter().filter(move |m| m.t > from && m.t <= to)
    }
}

/// The attacker's side, for watching: every stage and where it stands, footholds.
pub fn truth_text(ex: &Exercise) -> String {
    let v = ex.facilitator_view();
    let mut out = Vec::new();
    for (i, (id, stages)) in v.intrusions.iter().enumerate() {
        out.push(format!("Intrusion {id}"));
        for (stage, status) in stages {
            out.push(format!("  {stage:<16} {status}"));
        }
        if let Some(f) = v.footholds.get(i) {
            out.push(format!(
                "  footholds: {}",
                if f.is_empty() {
                    "none".to_string()
                } else {
                    f.join(", ")
                }
            ));
        }
    }
    let malicious = v.alerts.iter().filter(|(_, m)| *m).count();
    out.push(format!(
        "\nAlerts raised {} · malicious {}",
        v.alerts.len(),
        malicious
    ));
    out.push("\nRecent events:".into());
    let s = ex.scenario();
    let names = seat_names(ex);
    for line in ex.journal().lines.iter().rev().take(12) {
        if let Some(text) = event_text(s, &names, &line.entry) {
            out.push(format!("  {}  {text}", line.t.hms()));
        }
    }
    out.join("\n")
}

fn seat_name(ex_seats: &[String], seat: u16) -> String {
    ex_seats
        .get(seat as usize)
        .cloned()
        .unwrap_or_else(|| format!("seat {seat}"))
}

/// Every seat's name, from the journal: those it started with and any added while it
/// ran.
fn seat_names(ex: &Exercise) -> Vec<String> {
    ex.journal().seats().into_iter().map(|i| i.name).collect()
}

fn event_text(s: &Scenario, names: &[String], e: &Entry) -> Option<String> {
    Some(match e {
        Entry::StageFired { intrusion, stage } => format!(
            "attacker: {} ({})",
            s.intrusions[*intrusion].stages[*stage].id, s.intrusions[*intrusion].id
        ),
        Entry::StageBlocked {
            intrusion, stage, ..
        } => format!(
            "attacker blocked: {}",
            s.intrusions[*intrusion].stages[*stage].id
        ),
        Entry::Detected { intrusion, seat } => format!(
            "DETECTED {} by {}",
            s.intrusions[*intrusion].id,
            seat_name(names, *seat)
        ),
        Entry::Classified {
            seat,
            alert,
            verdict,
        } => format!(
            "{} called alert #{alert} {:?}",
            seat_name(names, *seat),
            verdict
        ),
        Entry::HandoffSent { seat, draft, .. } => format!(
            "{} handed to {} ({:?})",
            seat_name(names, *seat),
            draft.to.label(),
            draft.severity
        ),
        Entry::MeasureApplied { measure } => format!("containment applied: {measure:?}"),
        Entry::IncidentDeclared { seat, .. } => {
            format!("{} declared an incident", seat_name(names, *seat))
        }
        _ => return None,
    })
}

/// The debrief: scorecard, the attacker's timeline against the team's actions, the
/// worst handoff and the missed alert explained.
pub fn debrief_text(s: &Scenario, ex: &Exercise) -> String {
    let r = ex.results();
    let mut out = Vec::new();
    out.push(format!(
        "Team score {}{} · ended {} ({})",
        report::team_score_text(&r),
        report::standing(&r)
            .map(|s| format!(" · {s}"))
            .unwrap_or_default(),
        r.ended_at.hms(),
        r.end_reason
    ));
    out.extend(report::ending_note(&r));
    out.extend(r.team_score_note.clone());
    out.extend(report::ladder_note(&r));
    out.push(
        r.components
            .iter()
            .map(|c| match c.score {
                Some(s) => format!("{} {:.0}%", c.name, s * 100.0),
                None => format!("{} not rated", c.name),
            })
            .collect::<Vec<_>>()
            .join(" · "),
    );
    for i in &r.intrusions {
        out.push(format!(
            "{}: compromised {} · detected {} · dwell {}{} · contained {}",
            i.name,
            i.compromised_at.map_or("never".into(), SimTime::hms),
            i.detected_at.map_or("never".into(), SimTime::hms),
            i.dwell_seconds.map_or("—".into(), report::span),
            if i.censored { " (undetected)" } else { "" },
            i.contained_at.map_or("never".into(), SimTime::hms),
        ));
    }
    out.push(String::new());
    out.push("The attacker's timeline against the team's actions:".into());
    let names = seat_names(ex);
    let lines: Vec<String> = ex
        .journal()
        .lines
        .iter()
        .filter_map(|l| event_text(s, &names, &l.entry).map(|t| format!("  {}  {t}", l.t.hms())))
        .collect();
    let shown = 16;
    if lines.len() > shown {
        out.extend(lines[..shown].iter().cloned());
        out.push(format!(
            "  … {} more in the after-action report",
            lines.len() - shown
        ));
    } else {
        out.extend(lines);
    }
    out.push(String::new());
    match r
        .handoffs
        .iter()
        .min_by(|a, b| a.quality.total_cmp(&b.quality))
    {
        Some(h) => out.push(format!(
            "Worst handoff: #{} {} → {} by {} at {}, quality {:.0}: {} of the relevant items attached ({} missing), precision {:.0}%, severity stated {:?} against {:?}, {}{}",
            h.id,
            h.from,
            h.to,
            h.sender,
            h.sent_at.hms(),
            h.quality,
            h.attached,
            h.missing,
            h.precision * 100.0,
            h.severity,
            h.true_severity,
            h.pickup_seconds.map_or("never picked up".into(), |p| format!(
                "picked up after {}",
                report::span(p)
            )),
            if h.bounced { ", bounced back" } else { "" }
        )),
        None => out.push("No handoffs were made.".into()),
    }
    out.push(missed_alert(s, ex));
    out.join("\n")
}

/// The first malicious alert the team missed, and how.
fn missed_alert(s: &Scenario, ex: &Exercise) -> String {
    let lines = &ex.journal().lines;
    let names = seat_names(ex);
    for l in lines {
        let Entry::AlertRaised {
            alert,
            rule,
            stage: Some((i, st)),
            ..
        } = &l.entry
        else {
            continue;
        };
        let caught = lines.iter().any(|x| match &x.entry {
            Entry::Classified {
                alert: a,
                verdict: Verdict::Malicious,
                ..
            } => a == alert,
            Entry::HandoffSent { draft, .. } => draft.alert == Some(*alert),
            _ => false,
        });
        if caught {
            continue;
        }
        let benign_by = lines.iter().find_map(|x| match &x.entry {
            Entry::Classified {
                alert: a,
                verdict: Verdict::Benign,
                seat,
            } if a == alert => Some((x.t, *seat)),
            _ => None,
        });
        let taken = lines.iter().any(|x| {
            matches!(&x.entry, Entry::ActionStarted { action: Action::TakeAlert(a), .. } if a == alert)
        });
        let how = match benign_by {
            Some((t, seat)) => format!(
                "{} called it benign at {}",
                seat_name(&names, seat),
                t.hms()
            ),
            None if taken => "it was taken but never classified".into(),
            None => "nobody picked it up".into(),
        };
        return format!(
            "Missed alert: #{alert} \"{}\" raised at {} was the attacker's stage {} — {how}.",
            s.rules[*rule].name,
            l.t.hms(),
            s.intrusions[*i].stages[*st].id
        );
    }
    "Every malicious alert was caught.".into()
}
