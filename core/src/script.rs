//! Scripted actions (`--actions FILE`): timed moves for some seats, which bots then
//! leave alone. This is how people's moves are fed in and how scoring cases are written
//! by hand. The file names things by their scenario ids; this module resolves them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::clock::SimTime;
use crate::scenario::diag::{Collector, Diagnostics};
use crate::scenario::format::{Dur, Level, RoleName};
use crate::scenario::{Scenario, seat_names};
use crate::soc::{Action, Evidence, HandoffDraft, Hypothesis, RuleChange, Verdict};

/// A script file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Script")]
pub struct RawScript {
    /// Seats taken over even if they have no actions (they then do nothing).
    #[serde(default)]
    pub seats: Vec<String>,
    /// Timed actions.
    #[serde(default)]
    pub actions: Vec<RawTimed>,
    /// Seats' answers to injects' questions.
    #[serde(default)]
    pub answers: Vec<RawAnswer>,
    /// The facilitator's notes.
    #[serde(default)]
    pub notes: Vec<RawNote>,
    /// The facilitator's messages.
    #[serde(default)]
    pub messages: Vec<RawMessage>,
}

/// A seat's answer to an inject's questions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAnswer {
    /// When.
    pub at: Dur,
    /// Who answers.
    pub seat: String,
    /// The inject's id.
    pub inject: String,
    /// The answer.
    pub text: String,
}

/// A facilitator's note.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    /// When.
    pub at: Dur,
    /// The role it is about (none: the team).
    #[serde(default)]
    pub role: Option<RoleName>,
    /// The objective it bears on, by id.
    #[serde(default)]
    pub objective: Option<String>,
    /// The note.
    pub text: String,
}

/// A facilitator's message.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMessage {
    /// When.
    pub at: Dur,
    /// The seat (none: everyone).
    #[serde(default)]
    pub to: Option<String>,
    /// The message.
    pub text: String,
}

/// One timed action.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RawTimed {
    /// When to attempt it (it waits if the seat is busy).
    pub at: Dur,
    /// Seat name, e.g. `tier1-1`.
    pub seat: String,
    #[serde(rename = "do")]
    pub action: RawAction,
}

/// Evidence by name.
#[derive(Debug, Clone, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum RawEvidence {
    /// Alert id (alerts are numbered from 0 in order of creation).
    Alert(u32),
    Record(u32),
    Host(String),
    Account(String),
    /// Observable value.
    Observable(String),
}

/// A handoff by name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RawHandoff {
    /// Receiving role.
    pub to: RoleName,
    /// Alert escalated.
    #[serde(default)]
    pub alert: Option<u32>,
    /// Case handed over.
    #[serde(default)]
    pub case: Option<u32>,
    #[serde(default)]
    pub evidence: Vec<RawEvidence>,
    pub severity: Level,
    #[serde(default)]
    pub summary: String,
    /// The ATT&CK technique a hunter's finding is about.
    #[serde(default)]
    pub technique: Option<String>,
}

/// An action by name. See [`Action`] for what each does.
#[derive(Debug, Clone, Deserialize)]
#[expect(
    missing_docs,
    reason = "each variant mirrors the Action of the same name"
)]
pub enum RawAction {
    TakeAlert(u32),
    Classify(u32, Verdict),
    Close(u32),
    Handoff(RawHandoff),
    TakeHandoff(u32),
    ReturnHandoff(u32, String),
    Investigate {
        subject: RawEvidence,
        lookback: Dur,
        #[serde(default)]
        case: Option<u32>,
    },
    DeclareIncident(u32, Level),
    MergeCases(u32, u32),
    Hunt {
        technique: String,
        #[serde(default)]
        tenant: Option<String>,
        lookback: Dur,
    },
    Isolate(String),
    DisableAccount(String),
    Block(String),
    ResetCredentials(String),
    Eradicate(String),
    Recover(String),
    AnswerInject(String, usize),
    SetSeverity(u32, Level),
    Assign(u32, String),
    EnableRule(String),
    DisableRule(String),
    TuneRule {
        rule: String,
        #[serde(default)]
        fidelity: Option<f64>,
        #[serde(default)]
        benign_per_hour: Option<f64>,
    },
    Enrich(String),
}

/// Resolved script: seat name → timed actions, in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    /// Per seat name.
    pub seats: BTreeMap<String, Vec<(SimTime, Action)>>,
    /// Seats held by people at live consoles from T+0 (see [`crate::live`]).
    pub people: std::collections::BTreeSet<String>,
    /// Per seat held by a person: the participant's name, as they gave it.
    pub names: BTreeMap<String, String>,
    /// How long bots leave work to the people of their role (see
    /// [`crate::soc::ledger::BotWait`]); bots race them unless set.
    pub bot_wait: crate::soc::ledger::BotWait,
    /// Answers, notes and messages at their times, in time order.
    pub talk: Vec<(SimTime, crate::soc::Talk)>,
}

/// Parses and resolves a script against a scenario, listing every problem.
pub fn load(src: &str, scenario: &Scenario) -> Result<Script, Diagnostics> {
    let raw: RawScript = crate::scenario::parse(
        src,
        "a script (`Script(actions: [...])` or `(actions: [...])`)",
    )?;
    let mut c = Collector::new(src);
    let names = seat_names(scenario);
    let known_seat = |s: &str| names.iter().any(|(n, _)| n == s);
    let mut script = Script::default();
    for s in &raw.seats {
        if known_seat(s) {
            script.seats.entry(s.clone()).or_default();
        } else {
            c.at(
                &[],
                Some(s),
                format!(
                    "unknown seat {s:?}: this scenario's seats are {}",
                    names
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    for t in &raw.actions {
        if !known_seat(&t.seat) {
            c.at(
                &[],
                Some(&t.seat),
                format!(
                    "unknown seat {:?}: this scenario's seats are {}",
                    t.seat,
                    names
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            continue;
        }
        if t.at.0 > scenario.time_limit {
            c.at(
                &[],
                Some(&t.seat),
                format!(
                    "an action at {} s comes after the exercise ends at {} s",
                    t.at.0, scenario.time_limit
                ),
            );
        }
        match resolve(&t.action, scenario) {
            Ok(a) => script
                .seats
                .entry(t.seat.clone())
                .or_default()
                .push((SimTime::from_secs(t.at.0), a)),
            Err((needle, msg)) => c.at(&[], Some(&needle), msg),
        }
    }
    let seat_id = |name: &str| names.iter().position(|(n, _)| n == name);
    let late = |c: &mut Collector, at: u64, needle: &str| {
        if at > scenario.time_limit {
            c.at(
                &[],
                Some(needle),
                format!(
                    "this comes at {at} s, after the exercise ends at {} s",
                    scenario.time_limit
                ),
            );
        }
    };
    let text_ok =
        |c: &mut Collector, text: &str, what: &str| match crate::soc::discussion_text(text, what) {
            Ok(t) => Some(t),
            Err(e) => {
                c.at(&[], Some(text), e);
                None
            }
        };
    for a in &raw.answers {
        late(&mut c, a.at.0, &a.inject);
        let Some(seat) = seat_id(&a.seat) else {
            c.at(&[], Some(&a.seat), format!("unknown seat {:?}", a.seat));
            continue;
        };
        let Ok(inject) = find(&scenario.injects, &a.inject, |x| &x.id, "inject") else {
            c.at(
                &[],
                Some(&a.inject),
                format!("unknown inject {:?}", a.inject),
            );
            continue;
        };
        let role = names[seat].1;
        if !scenario.injects[inject].to.contains(&role) {
            c.at(
                &[],
                Some(&a.inject),
                format!(
                    "inject {:?} is not addressed to {} ({}): only its addressees answer it",
                    a.inject,
                    a.seat,
                    role.label()
                ),
            );
            continue;
        }
        if let Some(text) = text_ok(&mut c, &a.text, "an answer") {
            script.talk.push((
                SimTime::from_secs(a.at.0),
                crate::soc::Talk::Reply {
                    seat: seat as crate::soc::SeatId,
                    inject,
                    text,
                },
            ));
        }
    }
    for n in &raw.notes {
        late(&mut c, n.at.0, &n.text);
        if let Some(o) = &n.objective
            && !scenario.objectives.iter().any(|x| &x.id == o)
        {
            c.at(&[], Some(o), format!("unknown objective {o:?}"));
            continue;
        }
        if let Some(text) = text_ok(&mut c, &n.text, "a note") {
            script.talk.push((
                SimTime::from_secs(n.at.0),
                crate::soc::Talk::Note {
                    role: n.role,
                    objective: n.objective.clone(),
                    text,
                },
            ));
        }
    }
    for m in &raw.messages {
        late(&mut c, m.at.0, &m.text);
        let to = match &m.to {
            None => None,
            Some(name) => match seat_id(name) {
                Some(s) => Some(s as crate::soc::SeatId),
                None => {
                    c.at(&[], Some(name), format!("unknown seat {name:?}"));
                    continue;
                }
            },
        };
        if let Some(text) = text_ok(&mut c, &m.text, "a message") {
            script.talk.push((
                SimTime::from_secs(m.at.0),
                crate::soc::Talk::Message { to, text },
            ));
        }
    }
    if !c.is_empty() {
        return Err(c.finish());
    }
    for v in script.seats.values_mut() {
        v.sort_by_key(|(t, _)| *t);
    }
    // Stable: what the file lists at one time keeps its order.
    script.talk.sort_by_key(|(t, _)| *t);
    Ok(script)
}

fn find<T>(
    items: &[T],
    id: &str,
    key: impl Fn(&T) -> &str,
    what: &str,
) -> Result<usize, (String, String)> {
    items
        .iter()
        .position(|x| key(x) == id)
        .ok_or_else(|| (id.to_string(), format!("unknown {what} {id:?}")))
}

fn evidence(e: &RawEvidence, s: &Scenario) -> Result<Evidence, (String, String)> {
    Ok(match e {
        RawEvidence::Alert(a) => Evidence::Alert(*a),
        RawEvidence::Record(r) => Evidence::Record(*r),
        RawEvidence::Host(h) => Evidence::Host(find(&s.hosts, h, |x| &x.id, "host")?),
        RawEvidence::Account(a) => Evidence::Account(find(&s.accounts, a, |x| &x.id, "account")?),
        RawEvidence::Observable(o) => {
            Evidence::Observable(find(&s.observables, o, |x| &x.value, "observable")?)
        }
    })
}

fn resolve(a: &RawAction, s: &Scenario) -> Result<Action, (String, String)> {
    let host = |h: &str| find(&s.hosts, h, |x| &x.id, "host");
    let account = |a: &str| find(&s.accounts, a, |x| &x.id, "account");
    let rule = |r: &str| find(&s.rules, r, |x| &x.id, "rule");
    Ok(match a {
        RawAction::TakeAlert(n) => Action::TakeAlert(*n),
        RawAction::Classify(n, v) => Action::Classify(*n, *v),
        RawAction::Close(n) => Action::Close(*n),
        RawAction::Handoff(h) => Action::Handoff(Box::new(HandoffDraft {
            to: h.to,
            alert: h.alert,
            case: h.case,
            evidence: h
                .evidence
                .iter()
                .map(|e| evidence(e, s))
                .collect::<Result<_, _>>()?,
            severity: h.severity,
            summary: h.summary.clone(),
            technique: h.technique.clone(),
        })),
        RawAction::TakeHandoff(n) => Action::TakeHandoff(*n),
        RawAction::ReturnHandoff(n, f) => Action::ReturnHandoff(*n, f.clone()),
        RawAction::Investigate {
            subject,
            lookback,
            case,
        } => Action::Investigate {
            case: *case,
            subject: evidence(subject, s)?,
            lookback: lookback.0,
        },
        RawAction::DeclareIncident(c, l) => Action::DeclareIncident(*c, *l),
        RawAction::MergeCases(a, b) => Action::MergeCases(*a, *b),
        RawAction::Hunt {
            technique,
            tenant,
            lookback,
        } => Action::Hunt {
            hypothesis: Hypothesis::Technique(technique.clone()),
            tenant: tenant
                .as_deref()
                .map(|t| find(&s.tenants, t, |x| &x.id, "tenant"))
                .transpose()?,
            lookback: lookback.0,
        },
        RawAction::Isolate(h) => Action::Isolate(host(h)?),
        RawAction::Eradicate(h) => Action::Eradicate(host(h)?),
        RawAction::Recover(h) => Action::Recover(host(h)?),
        RawAction::DisableAccount(a) => Action::DisableAccount(account(a)?),
        RawAction::ResetCredentials(a) => Action::ResetCredentials(account(a)?),
        RawAction::Block(o) => Action::Block(find(&s.observables, o, |x| &x.value, "observable")?),
        RawAction::Enrich(o) => {
            Action::Enrich(find(&s.observables, o, |x| &x.value, "observable")?)
        }
        RawAction::AnswerInject(i, c) => {
            Action::AnswerInject(find(&s.injects, i, |x| &x.id, "inject")?, *c)
        }
        RawAction::SetSeverity(c, l) => Action::SetSeverity(*c, *l),
        RawAction::Assign(a, name) => {
            let seat = seat_names(s)
                .iter()
                .position(|(n, _)| n == name)
                .ok_or_else(|| (name.clone(), format!("unknown seat {name:?}")))?;
            Action::Assign(*a, seat as crate::soc::SeatId)
        }
        RawAction::EnableRule(r) => Action::ChangeRule(rule(r)?, RuleChange::Enable),
        RawAction::DisableRule(r) => Action::ChangeRule(rule(r)?, RuleChange::Disable),
        RawAction::TuneRule {
            rule: r,
            fidelity,
            benign_per_hour,
        } => Action::ChangeRule(
            rule(r)?,
            RuleChange::Tune {
                fidelity: *fidelity,
                benign_per_hour: *benign_per_hour,
            },
        ),
    })
}
