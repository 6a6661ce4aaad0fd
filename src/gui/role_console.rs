//! The console of every role but Tier 1, without the window: one list of what the seat
//! can act on (its queue, handoffs, cases, findings, indicators, rules, inbox), a
//! selection, and a key per action on the selected line. Tested headless.

use socdrill_core::SimTime;
use socdrill_core::scenario::{Level, Role};
use socdrill_core::soc::{Action, Evidence, HandoffDraft};
use socdrill_core::view::SeatView;

use super::console::{Command, Key, feedback_line, outcome_feedback, status};

/// One line of a console for any role but Tier 1, and what keys do to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// What the line says.
    pub label: String,
    /// Key, what it does in words, and the action.
    pub keys: Vec<(char, &'static str, Action)>,
}

/// The console of every role but Tier 1: one list of what the seat can act on, a
/// selection, and a key per action on the selected line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleConsole {
    /// The selected line.
    pub selected: usize,
    /// The last action's outcome.
    pub feedback: Option<(bool, String)>,
}

/// The lines a role's console lists. `techniques` are the ATT&CK techniques the hunter
/// may hypothesise (the SOC's own rules name them; no ground truth).
pub fn items(view: &SeatView, techniques: &[String]) -> Vec<Item> {
    use socdrill_core::soc::{Hypothesis, RuleChange};
    const DAY: u64 = 86_400;
    let mut out = Vec::new();
    let known_of = |pred: fn(&Evidence) -> bool| view.known.iter().filter(move |k| pred(&k.item));
    if matches!(view.role, Role::Tier2 | Role::Responder | Role::Engineer) {
        for h in &view.handoffs {
            out.push(Item {
                label: format!(
                    "handoff #{} from {} ({:?}, {} items): {}",
                    h.id,
                    h.from.label(),
                    h.severity,
                    h.evidence,
                    h.summary
                ),
                keys: vec![('t', "take", Action::TakeHandoff(h.id))],
            });
        }
    }
    match view.role {
        Role::Tier1 => {}
        Role::Intel => {
            for i in &view.indicators {
                let known = i.intel.as_ref().map_or_else(
                    || "not enriched".to_string(),
                    |x| {
                        format!(
                            "intel: {:?} ({:.0}%) {}",
                            x.verdict,
                            100.0 * x.confidence,
                            x.note
                        )
                    },
                );
                let Evidence::Observable(o) = i.item else {
                    continue;
                };
                out.push(Item {
                    label: format!(
                        "{} · in {} alert(s){} · {known}",
                        i.label,
                        i.alerts,
                        if i.in_case { " and a case" } else { "" }
                    ),
                    keys: vec![('n', "enrich", Action::Enrich(o))],
                });
            }
        }
        Role::Tier2 => {
            let case = view.cases.first().map(|c| c.id);
            for c in &view.cases {
                out.push(Item {
                    label: format!(
                        "case #{} ({:?}{}) with {} items",
                        c.id,
                        c.severity,
                        if c.incident { ", incident" } else { "" },
                        c.evidence.len()
                    ),
                    keys: vec![
                        (
                            'd',
                            "declare incident",
                            Action::DeclareIncident(c.id, Level::High),
                        ),
                        (
                            'h',
                            "hand to incident response",
                            Action::Handoff(Box::new(HandoffDraft {
                                to: Role::Responder,
                                alert: None,
                                case: Some(c.id),
                                evidence: c.evidence.iter().map(|e| e.item).collect(),
                                severity: Level::High,
                                summary: format!("case #{}: confirmed malicious, contain", c.id),
                                technique: None,
                            })),
                        ),
                    ],
                });
            }
            for k in known_of(|e| {
                matches!(
                    e,
                    Evidence::Host(_) | Evidence::Account(_) | Evidence::Observable(_)
                )
            }) {
                out.push(Item {
                    label: k.label.clone(),
                    keys: vec![(
                        'i',
                        "investigate the last 24 h",
                        Action::Investigate {
                            case,
                            subject: k.item,
                            lookback: DAY,
                        },
                    )],
                });
            }
        }
        Role::Hunter => {
            for t in techniques {
                out.push(Item {
                    label: format!("hypothesis: activity of {t}"),
                    keys: vec![(
                        'h',
                        "hunt the last 24 h",
                        Action::Hunt {
                            hypothesis: Hypothesis::Technique(t.clone()),
                            tenant: None,
                            lookback: DAY,
                        },
                    )],
                });
            }
            for f in view.findings.iter().filter(|f| !f.records.is_empty()) {
                out.push(Item {
                    label: format!("{} of {}: {} records", f.kind, f.subject, f.records.len()),
                    keys: vec![(
                        's',
                        "send to Tier 2",
                        Action::Handoff(Box::new(HandoffDraft {
                            to: Role::Tier2,
                            alert: None,
                            case: None,
                            evidence: f.records.iter().map(|r| r.item).collect(),
                            severity: Level::High,
                            summary: format!("hunt finding: {}", f.subject),
                            technique: None,
                        })),
                    )],
                });
            }
        }
        Role::Responder => {
            for k in &view.known {
                let keys = match k.item {
                    Evidence::Host(h) => vec![
                        ('i', "isolate", Action::Isolate(h)),
                        ('x', "eradicate", Action::Eradicate(h)),
                        ('v', "recover", Action::Recover(h)),
                    ],
                    Evidence::Account(a) => vec![
                        ('d', "disable", Action::DisableAccount(a)),
                        ('r', "reset credentials", Action::ResetCredentials(a)),
                    ],
                    Evidence::Observable(o) => vec![('b', "block", Action::Block(o))],
                    _ => continue,
                };
                out.push(Item {
                    label: k.label.clone(),
                    keys,
                });
            }
        }
        Role::Manager => {
            for inj in &view.inbox {
                for (n, option) in inj.options.iter().enumerate() {
                    out.push(Item {
                        label: format!("{}: {option}", inj.title),
                        keys: vec![('a', "answer", Action::AnswerInject(inj.id, n))],
                    });
                }
            }
            let tier1 = view
                .workload
                .iter()
                .flat_map(|w| w.desks.iter())
                .filter(|d| d.role == Role::Tier1)
                .min_by_key(|d| d.doing.is_some())
                .map(|d| (d.seat, d.name.clone()));
            for a in &view.queue {
                out.push(Item {
                    label: format!("alert #{} {:?} {} · {}", a.id, a.severity, a.rule, a.tenant),
                    keys: tier1
                        .iter()
                        .map(|(seat, _)| {
                            (
                                'g',
                                "assign to the freest Tier 1",
                                Action::Assign(a.id, *seat),
                            )
                        })
                        .collect(),
                });
            }
        }
        Role::Engineer => {
            for r in &view.rules {
                let mut keys = vec![if r.enabled {
                    (
                        'd',
                        "disable",
                        Action::ChangeRule(r.index, RuleChange::Disable),
                    )
                } else {
                    (
                        'e',
                        "enable",
                        Action::ChangeRule(r.index, RuleChange::Enable),
                    )
                }];
                keys.push((
                    'n',
                    "halve its noise",
                    Action::ChangeRule(
                        r.index,
                        RuleChange::Tune {
                            fidelity: None,
                            benign_per_hour: Some(r.benign_per_hour / 2.0),
                        },
                    ),
                ));
                out.push(Item {
                    label: format!(
                        "{} {} ({}; fidelity {:.2}, {:.1} benign/h){}",
                        r.id,
                        r.name,
                        if r.enabled { "on" } else { "off" },
                        r.fidelity,
                        r.benign_per_hour,
                        r.pending
                            .as_ref()
                            .map(|(what, due)| format!(" · {what} deploys {}", due.hms()))
                            .unwrap_or_default()
                    ),
                    keys,
                });
            }
        }
    }
    out
}

impl RoleConsole {
    /// Handles one key.
    pub fn handle(&mut self, view: &SeatView, techniques: &[String], key: Key) -> Command {
        let list = items(view, techniques);
        self.selected = self.selected.min(list.len().saturating_sub(1));
        match key {
            Key::Down | Key::Char('j') => {
                self.selected = (self.selected + 1).min(list.len().saturating_sub(1));
                Command::Nothing
            }
            Key::Up | Key::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                Command::Nothing
            }
            Key::Char('p') | Key::Space => Command::TogglePause,
            Key::Char('+') | Key::Char('=') => Command::Faster,
            Key::Char('-') => Command::Slower,
            Key::Char('Q') => Command::End,
            Key::Char(c) => match list
                .get(self.selected)
                .and_then(|item| item.keys.iter().find(|(k, _, _)| *k == c))
            {
                Some((_, _, action)) => Command::Act(action.clone()),
                None => {
                    self.feedback = Some((
                        false,
                        format!("{c:?} does nothing on this line: see the keys shown beside it"),
                    ));
                    Command::Nothing
                }
            },
            _ => Command::Nothing,
        }
    }

    /// Records what the engine said about an action.
    pub fn outcome(&mut self, action: &Action, result: &Result<SimTime, String>) {
        self.feedback = Some(outcome_feedback(action, result));
    }
}

/// The text of a role's console, top to bottom.
pub fn role_text(view: &SeatView, console: &RoleConsole, techniques: &[String]) -> Vec<String> {
    let list = items(view, techniques);
    let mut out = vec![status(view)];
    if list.is_empty() {
        out.push("  (nothing to act on yet: wait for handoffs, findings or injects)".into());
    }
    let first = console.selected.saturating_sub(10);
    for (i, item) in list.iter().enumerate().skip(first).take(20) {
        let keys: Vec<String> = item
            .keys
            .iter()
            .map(|(k, what, _)| format!("{k} {what}"))
            .collect();
        out.push(format!(
            "{} {}{}",
            if i == console.selected { '>' } else { ' ' },
            item.label,
            if keys.is_empty() {
                String::new()
            } else {
                format!("   [{}]", keys.join(" · "))
            }
        ));
    }
    for inj in view.inbox.iter().rev().take(2) {
        out.push(String::new());
        out.push(format!("Inject: {}", inj.title));
        out.push(format!("  {}", inj.body));
        for q in &inj.questions {
            out.push(format!("  ? {q}"));
        }
    }
    out.push(String::new());
    out.push("j/k select · the keys beside a line act on it · p pause · +/- speed".into());
    out.extend(feedback_line(&console.feedback));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use socdrill_core::view::{EvidenceCard, HandoffCard};

    fn view(role: Role) -> SeatView {
        let mut v = crate::gui::console::tests::view(&[], &[]);
        v.seat = format!("{}-1", role.slug());
        v.role = role;
        v.handoffs = vec![HandoffCard {
            id: 2,
            from: Role::Tier1,
            severity: Level::High,
            summary: "phish".into(),
            evidence: 3,
            sent_at: SimTime::from_secs(50),
        }];
        v.known = vec![
            EvidenceCard {
                item: Evidence::Host(4),
                label: "host ws-fin-07".into(),
                record: None,
                cues: None,
            },
            EvidenceCard {
                item: Evidence::Account(1),
                label: "account a.patel".into(),
                record: None,
                cues: None,
            },
        ];
        v
    }

    #[test]
    fn a_responder_takes_handoffs_and_contains_what_it_knows() {
        let v = view(Role::Responder);
        let mut c = RoleConsole::default();
        assert_eq!(
            c.handle(&v, &[], Key::Char('t')),
            Command::Act(Action::TakeHandoff(2))
        );
        c.handle(&v, &[], Key::Char('j'));
        assert_eq!(
            c.handle(&v, &[], Key::Char('i')),
            Command::Act(Action::Isolate(4))
        );
        c.handle(&v, &[], Key::Down);
        assert_eq!(
            c.handle(&v, &[], Key::Char('d')),
            Command::Act(Action::DisableAccount(1))
        );
        assert_eq!(c.handle(&v, &[], Key::Char('i')), Command::Nothing);
        assert!(c.feedback.as_ref().is_some_and(|(ok, _)| !ok));
        let text = role_text(&v, &c, &[]).join("\n");
        assert!(
            text.contains("> account a.patel   [d disable · r reset credentials]"),
            "{text}"
        );
    }

    #[test]
    fn tier2_investigates_and_the_hunter_hunts_the_rules_techniques() {
        let v = view(Role::Tier2);
        let mut c = RoleConsole::default();
        c.handle(&v, &[], Key::Down);
        assert_eq!(
            c.handle(&v, &[], Key::Char('i')),
            Command::Act(Action::Investigate {
                case: None,
                subject: Evidence::Host(4),
                lookback: 86_400
            })
        );
        let v = view(Role::Hunter);
        let techniques = vec!["T1059".to_string()];
        let mut c = RoleConsole::default();
        assert!(matches!(
            c.handle(&v, &techniques, Key::Char('h')),
            Command::Act(Action::Hunt { .. })
        ));
        // The hunter does not take handoffs.
        assert!(
            items(&v, &techniques)
                .iter()
                .all(|i| !i.label.starts_with("handoff"))
        );
    }
}
