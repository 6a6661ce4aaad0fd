//! What was said and decided around an exercise, from its journal: injects as they
//! reached the team, the seats' answers to their questions, decisions, the
//! facilitator's notes and messages, and changes of who held which seat. The live
//! debrief, the facilitator's console and the after-action report all show this list.

use serde::Serialize;

use crate::clock::SimTime;
use crate::journal::{Entry, Journal, WrittenInject};
use crate::scenario::Scenario;

/// One thing said, decided or changed, at its simulated time.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Said {
    /// When.
    pub t: SimTime,
    /// `inject`, `answer`, `decision`, `note`, `message` or `seat`.
    pub kind: &'static str,
    /// Who: a seat (with its participant's name), `facilitator` or `scenario`.
    pub who: String,
    /// What it is about: an inject's title, a role, an objective's id, or a seat.
    pub about: Option<String>,
    /// The words.
    pub text: String,
    /// For a note, the objective it bears on (its id).
    pub objective: Option<String>,
}

/// What a decision's effect does, in words.
pub fn consequence_words(s: &Scenario, e: crate::scenario::Consequence) -> String {
    use crate::scenario::Consequence as C;
    match e {
        C::Isolate(h) => format!("host {} cut off the network", s.hosts[h].id),
        C::DisableAccount(a) => format!("account {} disabled", s.accounts[a].id),
        C::ResetCredentials(a) => format!("credentials of {} reset", s.accounts[a].id),
        C::Block(o) => format!("{} blocked", s.observables[o].value),
        C::Enact(p) => format!("{} in force", s.policies[p]),
        C::FireInject(i) => format!("inject {:?} fired", s.injects[i].title),
    }
}

/// The discussion of an exercise, in journal order.
pub fn discussion(s: &Scenario, journal: &Journal) -> Vec<Said> {
    let mut seats: Vec<(String, Option<String>)> = Vec::new();
    let mut live_titles: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let who = |seats: &[(String, Option<String>)], seat: u16| -> String {
        match seats.get(seat as usize) {
            Some((name, Some(player))) => format!("{name} ({player})"),
            Some((name, None)) => name.clone(),
            None => format!("seat {seat}"),
        }
    };
    let title = |live: &[String], i: usize| -> String {
        match s.injects.get(i) {
            Some(inj) => inj.title.clone(),
            None => live
                .get(i - s.injects.len())
                .cloned()
                .unwrap_or_else(|| format!("inject {i}")),
        }
    };
    for line in &journal.lines {
        let t = line.t;
        let mut say = |kind, who: String, about: Option<String>, text: String| {
            out.push(Said {
                t,
                kind,
                who,
                about,
                text,
                objective: None,
            });
        };
        match &line.entry {
            Entry::Started { seats: infos, .. } => {
                seats = infos
                    .iter()
                    .map(|i| (i.name.clone(), i.player.clone()))
                    .collect();
            }
            Entry::SeatTaken { seat, name } => {
                if let Some(slot) = seats.get_mut(*seat as usize)
                    && name.is_some()
                {
                    slot.1.clone_from(name);
                }
                say("seat", who(&seats, *seat), None, "took the seat".into());
            }
            Entry::SeatNamed { seat, name } => {
                if let Some(slot) = seats.get_mut(*seat as usize) {
                    slot.1 = Some(name.clone());
                }
            }
            Entry::SeatReleased { seat } => say(
                "seat",
                "facilitator".into(),
                Some(who(&seats, *seat)),
                "handed the seat to a bot".into(),
            ),
            Entry::SeatAdded { info } => {
                seats.push((info.name.clone(), None));
                say(
                    "seat",
                    "facilitator".into(),
                    Some(info.name.clone()),
                    format!("added a {} seat", info.role.label()),
                );
            }
            Entry::SeatRemoved { seat, returned } => {
                let mut text = "removed the seat".to_string();
                if !returned.is_empty() {
                    let ids: Vec<String> = returned.iter().map(|a| format!("#{a}")).collect();
                    text.push_str(&format!(
                        "; the alerts it held went back to the queue ({})",
                        ids.join(", ")
                    ));
                }
                say("seat", "facilitator".into(), Some(who(&seats, *seat)), text);
            }
            Entry::InjectFired { inject } => {
                let inj = &s.injects[*inject];
                let mut text = inj.body.clone();
                for q in &inj.questions {
                    text.push_str(&format!(" — {q}"));
                }
                say("inject", "scenario".into(), Some(inj.title.clone()), text);
            }
            Entry::InjectWritten(written) => {
                let WrittenInject {
                    title,
                    body,
                    questions,
                    ..
                } = &**written;
                live_titles.push(title.clone());
                let mut text = body.clone();
                for q in questions {
                    text.push_str(&format!(" — {q}"));
                }
                say("inject", "facilitator".into(), Some(title.clone()), text);
            }
            Entry::InjectReply { seat, inject, text } => say(
                "answer",
                who(&seats, *seat),
                Some(title(&live_titles, *inject)),
                text.clone(),
            ),
            Entry::InjectAnswered {
                seat,
                inject,
                choice,
            } => {
                let inj = &s.injects[*inject];
                let mut option = inj
                    .decision
                    .as_ref()
                    .and_then(|d| d.options.get(*choice))
                    .cloned()
                    .unwrap_or_else(|| format!("option {choice}"));
                let effects: Vec<String> = inj
                    .decision
                    .as_ref()
                    .and_then(|d| d.consequences.get(*choice))
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|e| consequence_words(s, *e))
                    .collect();
                if !effects.is_empty() {
                    option.push_str(&format!(" — it changed: {}", effects.join("; ")));
                }
                say(
                    "decision",
                    who(&seats, *seat),
                    Some(inj.title.clone()),
                    option,
                );
            }
            Entry::Note {
                role,
                objective,
                text,
            } => out.push(Said {
                t,
                kind: "note",
                who: "facilitator".into(),
                about: Some(role.map_or_else(|| "the team".into(), |r| r.label().to_string())),
                text: text.clone(),
                objective: objective.clone(),
            }),
            Entry::Message { to, text } => say(
                "message",
                "facilitator".into(),
                Some(to.map_or_else(|| "everyone".into(), |s| who(&seats, s))),
                text.clone(),
            ),
            _ => {}
        }
    }
    out
}
