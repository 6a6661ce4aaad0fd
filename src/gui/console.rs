//! The game window's logic, without the window: what the floor and the player's console
//! show, built from the same views every front end reads ([`socdrill_core::view`]), and what
//! each key does. The window (`socdrill play`, behind the `gui` feature) only draws
//! this and feeds the resulting actions to [`socdrill_core::Exercise::act`], so all of it is
//! tested headless.

use socdrill_core::SimTime;
use socdrill_core::scenario::{Level, Role};
use socdrill_core::soc::{Action, AlertId, Evidence, HandoffDraft, Verdict};
use socdrill_core::view::{AlertCard, SeatView, Workload};

/// A key the console understands (the window maps its keyboard onto these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// Selection up (`k`, ↑).
    Up,
    /// Selection down (`j`, ↓).
    Down,
    /// A typed character.
    Char(char),
    Enter,
    Escape,
    Backspace,
    Space,
}

/// What a key asks of the exercise.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Nothing beyond the console's own state.
    Nothing,
    /// Take this action at the player's seat.
    Act(Action),
    /// Pause or resume the clock.
    TogglePause,
    /// Double the speed.
    Faster,
    /// Halve the speed.
    Slower,
    /// End the exercise (after a confirmation the window asks for).
    End,
}

/// The escalation form: evidence to attach, severity, summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    /// The alert escalated.
    pub alert: AlertId,
    /// Evidence the seat may attach, its label, and whether it is ticked.
    pub evidence: Vec<(Evidence, String, bool)>,
    /// Which evidence line the cursor is on.
    pub cursor: usize,
    pub severity: Level,
    /// Summary typed so far.
    pub summary: String,
}

/// The player's console state between frames.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Console {
    /// The selected alert.
    pub selected: Option<AlertId>,
    /// The open escalation form.
    pub escalation: Option<Escalation>,
    /// The last action's outcome: accepted or refused, and the text to show.
    pub feedback: Option<(bool, String)>,
}

/// The keys, for the help line.
pub const HELP: &str = "j/k select · t take · m malicious · b benign · c close · e escalate · p pause · +/- speed · Q end";
/// The keys inside the escalation form.
pub const FORM_HELP: &str =
    "↑/↓ move · space tick evidence · 1-4 severity · type the summary · enter send · esc cancel";

/// The alerts the Tier 1 console lists: the queue, then those the seat holds.
pub fn rows(view: &SeatView) -> Vec<&AlertCard> {
    view.queue.iter().chain(view.held.iter()).collect()
}

impl Console {
    /// Keeps the selection on an alert that is still listed.
    pub fn sync(&mut self, view: &SeatView) {
        let rows = rows(view);
        if !self
            .selected
            .is_some_and(|id| rows.iter().any(|a| a.id == id))
        {
            self.selected = rows.first().map(|a| a.id);
        }
        if let Some(e) = &self.escalation
            && !view.held.iter().any(|a| a.id == e.alert)
        {
            self.escalation = None;
        }
    }

    /// Handles one key against the current view.
    pub fn handle(&mut self, view: &SeatView, key: Key) -> Command {
        self.sync(view);
        if let Some(form) = self.escalation.as_mut() {
            return match key {
                Key::Escape => {
                    self.escalation = None;
                    Command::Nothing
                }
                Key::Up => {
                    form.cursor = form.cursor.saturating_sub(1);
                    Command::Nothing
                }
                Key::Down => {
                    form.cursor = (form.cursor + 1).min(form.evidence.len().saturating_sub(1));
                    Command::Nothing
                }
                Key::Space => {
                    if let Some(e) = form.evidence.get_mut(form.cursor) {
                        e.2 = !e.2;
                    }
                    Command::Nothing
                }
                Key::Backspace => {
                    form.summary.pop();
                    Command::Nothing
                }
                Key::Char(c @ '1'..='4') if form.summary.is_empty() => {
                    form.severity = [Level::Low, Level::Medium, Level::High, Level::Critical]
                        [c as usize - '1' as usize];
                    Command::Nothing
                }
                Key::Char(c) => {
                    if form.summary.len() < 400 {
                        form.summary.push(c);
                    }
                    Command::Nothing
                }
                Key::Enter => {
                    let form = self.escalation.take().expect("the form is open");
                    Command::Act(Action::Handoff(Box::new(HandoffDraft {
                        to: Role::Tier2,
                        alert: Some(form.alert),
                        case: None,
                        evidence: form.evidence.iter().filter(|e| e.2).map(|e| e.0).collect(),
                        severity: form.severity,
                        summary: form.summary,
                        technique: None,
                    })))
                }
            };
        }
        let rows = rows(view);
        let at = self
            .selected
            .and_then(|id| rows.iter().position(|a| a.id == id));
        let selected = self.selected;
        let held = |id: AlertId| view.held.iter().any(|a| a.id == id);
        match key {
            Key::Down | Key::Char('j') => {
                if let Some(i) = at.map(|i| (i + 1).min(rows.len() - 1)) {
                    self.selected = Some(rows[i].id);
                }
                Command::Nothing
            }
            Key::Up | Key::Char('k') => {
                if let Some(i) = at.map(|i| i.saturating_sub(1)) {
                    self.selected = Some(rows[i].id);
                }
                Command::Nothing
            }
            Key::Char('p') | Key::Space => Command::TogglePause,
            Key::Char('+') | Key::Char('=') => Command::Faster,
            Key::Char('-') => Command::Slower,
            Key::Char('Q') => Command::End,
            Key::Char('t') => {
                selected.map_or(Command::Nothing, |a| Command::Act(Action::TakeAlert(a)))
            }
            Key::Char('m') => selected.map_or(Command::Nothing, |a| {
                Command::Act(Action::Classify(a, Verdict::Malicious))
            }),
            Key::Char('b') => selected.map_or(Command::Nothing, |a| {
                Command::Act(Action::Classify(a, Verdict::Benign))
            }),
            Key::Char('c') => selected.map_or(Command::Nothing, |a| Command::Act(Action::Close(a))),
            Key::Char('e') => {
                match selected.and_then(|a| view.held.iter().find(|x| x.id == a)) {
                    Some(card) => self.escalation = Some(escalation(view, card)),
                    None => {
                        self.feedback = Some((
                            false,
                            match selected {
                                Some(a) if !held(a) => {
                                    format!(
                                        "take alert {a} first: only an alert you hold can be escalated"
                                    )
                                }
                                _ => "select an alert you hold to escalate it".into(),
                            },
                        ));
                    }
                }
                Command::Nothing
            }
            _ => Command::Nothing,
        }
    }

    /// Records what the engine said about an action.
    pub fn outcome(&mut self, action: &Action, result: &Result<SimTime, String>) {
        self.feedback = Some(outcome_feedback(action, result));
    }
}

/// Accepted or refused, in words, for a console's feedback line.
pub(super) fn outcome_feedback(
    action: &Action,
    result: &Result<SimTime, String>,
) -> (bool, String) {
    let name = format!("{:?}", action.name());
    match result {
        Ok(until) => (
            true,
            format!("accepted: {name} — busy until {}", until.hms()),
        ),
        Err(why) => (false, format!("refused: {name} — {why}")),
    }
}

/// A console's first line: the seat, its role, and what it is working on.
pub(super) fn status(view: &SeatView) -> String {
    format!(
        "{} · {} · {}",
        view.seat,
        view.role.label(),
        match &view.working_on {
            Some((a, until)) => format!("working on {:?} until {}", a.name(), until.hms()),
            None => "ready".into(),
        }
    )
}

/// A console's last line: the last action's outcome, if any.
pub(super) fn feedback_line(feedback: &Option<(bool, String)>) -> Option<String> {
    feedback
        .as_ref()
        .map(|(ok, text)| format!("{} {text}", if *ok { "✔" } else { "✘" }))
}

/// The form for escalating a held alert: everything the seat knows from it, ticked.
fn escalation(view: &SeatView, card: &AlertCard) -> Escalation {
    let evidence = card
        .items
        .iter()
        .filter_map(|item| {
            view.known
                .iter()
                .find(|k| k.item == *item)
                .map(|k| (*item, k.label.clone(), true))
        })
        .collect();
    Escalation {
        alert: card.id,
        evidence,
        cursor: 0,
        severity: card.severity,
        summary: String::new(),
    }
}

/// One desk on the floor as the window draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Desk {
    /// Seat name.
    pub name: String,
    /// Role label.
    pub role: &'static str,
    /// Played by the person at this window.
    pub player: bool,
    /// `person`, `bot` or `you`.
    pub who: String,
    /// What it is doing, or `idle`.
    pub doing: String,
    /// Items waiting for this role (the Tier 1 queue, or handoffs).
    pub waiting: usize,
}

/// The floor: one desk per seat, in seat order.
pub fn floor(workload: &Workload, player: Option<u16>) -> Vec<Desk> {
    workload
        .desks
        .iter()
        .map(|d| {
            let player_here = Some(d.seat) == player;
            let waiting = if d.role == Role::Tier1 {
                workload.queue
            } else {
                workload
                    .handoffs_waiting
                    .iter()
                    .find(|(r, _)| *r == d.role)
                    .map_or(0, |(_, n)| *n)
            };
            Desk {
                name: d.name.clone(),
                role: d.role.label(),
                player: player_here,
                who: if player_here {
                    "you".into()
                } else {
                    d.played_by.clone()
                },
                doing: match (&d.doing, d.until) {
                    (Some(x), Some(u)) => {
                        format!("{x} until {}", u.hms())
                    }
                    (Some(x), None) => x.clone(),
                    _ => "idle".into(),
                },
                waiting,
            }
        })
        .collect()
}

/// The cues of an item in one line, as the console shows them.
pub fn cue_text(card: &socdrill_core::view::CueCard) -> String {
    let c = &card.cues;
    let mut parts = vec![format!("seen on {} host(s) in 30 days", c.prevalence)];
    for (on, what) in [
        (c.first_seen, "first seen on this host"),
        (c.unusual_parent, "unusual parent or client"),
        (c.new_destination, "new external destination"),
        (c.volume, "unusual volume"),
        (c.odd_detail, "odd detail in the line"),
        (c.off_hours, "outside business hours"),
        (c.privileged, "privileged account"),
    ] {
        if on {
            parts.push(what.into());
        }
    }
    parts.push(match &card.intel {
        Some(i) => format!(
            "intel: {:?} ({:.0}%){}",
            i.verdict,
            100.0 * i.confidence,
            if i.note.is_empty() {
                String::new()
            } else {
                format!(" {}", i.note)
            }
        ),
        None => "intel: not enriched".into(),
    });
    parts.join(" · ")
}

/// The console's lines of text, top to bottom: what the window prints in the console
/// panel (and what the window test looks for on screen).
pub fn console_text(view: &SeatView, console: &Console) -> Vec<String> {
    let mut out = Vec::new();
    out.push(status(view));
    out.push(format!(
        "Alert queue ({}) and alerts you hold ({})",
        view.queue.len(),
        view.held.len()
    ));
    for a in rows(view).into_iter().take(14) {
        let mark = if console.selected == Some(a.id) {
            '>'
        } else {
            ' '
        };
        let held = if view.held.iter().any(|h| h.id == a.id) {
            " [held]"
        } else {
            ""
        };
        let age = view.now.since(a.raised_at);
        let sla = if age > a.sla_seconds && held.is_empty() {
            " SLA BREACHED"
        } else {
            ""
        };
        out.push(format!(
            "{mark} #{:<4} {:<8} {} · {} · {}{held}{sla}",
            a.id,
            format!("{:?}", a.severity),
            a.rule,
            a.tenant,
            a.host.as_deref().or(a.account.as_deref()).unwrap_or("—"),
        ));
    }
    if rows(view).is_empty() {
        out.push("  (the queue is empty)".into());
    }
    if let Some(a) = console
        .selected
        .and_then(|id| rows(view).into_iter().find(|a| a.id == id))
    {
        out.push(String::new());
        out.push(format!("Alert #{} — {} ({})", a.id, a.rule, a.rule_id));
        out.push(format!(
            "  {:?} · tenant {} · techniques {}",
            a.severity,
            a.tenant,
            a.techniques.join(", ")
        ));
        if !a.observables.is_empty() {
            out.push(format!("  observables: {}", a.observables.join(", ")));
        }
        out.push(format!("  {} log: {}", a.source, a.line));
        out.push(format!("  {}", cue_text(&a.cues)));
    }
    if let Some(form) = &console.escalation {
        out.push(String::new());
        out.push(format!(
            "Escalate #{} to Tier 2 — severity {:?}",
            form.alert, form.severity
        ));
        for (i, (_, label, ticked)) in form.evidence.iter().enumerate() {
            out.push(format!(
                "{} [{}] {label}",
                if i == form.cursor { '>' } else { ' ' },
                if *ticked { 'x' } else { ' ' }
            ));
        }
        out.push(format!("  summary: {}_", form.summary));
        out.push(FORM_HELP.into());
    } else {
        out.push(String::new());
        out.push(HELP.into());
    }
    out.extend(feedback_line(&console.feedback));
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use socdrill_core::view::EvidenceCard;

    fn card(id: AlertId) -> AlertCard {
        AlertCard {
            id,
            rule: "Office application spawned a script interpreter".into(),
            severity: Level::High,
            tenant: "Northwind".into(),
            sla_seconds: 900,
            raised_at: SimTime::from_secs(100),
            host: Some("ws-fin-07".into()),
            account: None,
            rule_id: "R1".into(),
            techniques: vec!["T1059.001".into()],
            observables: vec![],
            items: vec![Evidence::Alert(id), Evidence::Host(3)],
            assigned_to: None,
            source: "edr".into(),
            line: "EXCEL.EXE spawned powershell.exe -nop -w hidden -enc".into(),
            cues: socdrill_core::view::CueCard {
                cues: socdrill_core::content::Cues {
                    prevalence: 2,
                    first_seen: true,
                    unusual_parent: true,
                    ..Default::default()
                },
                intel: None,
            },
            verdict: None,
            escalated: false,
        }
    }

    pub(in crate::gui) fn view(queue: &[AlertId], held: &[AlertId]) -> SeatView {
        SeatView {
            seat: "tier1-1".into(),
            role: Role::Tier1,
            now: SimTime::from_secs(500),
            working_on: None,
            queue: queue.iter().map(|&a| card(a)).collect(),
            held: held.iter().map(|&a| card(a)).collect(),
            decided: vec![],
            person: true,
            handoffs: vec![],
            cases: vec![],
            findings: vec![],
            partners: vec![],
            rules: vec![],
            workload: None,
            known: held
                .iter()
                .flat_map(|&a| {
                    [
                        EvidenceCard {
                            item: Evidence::Alert(a),
                            label: format!("alert {a}"),
                            record: None,
                            cues: Some(card(a).cues),
                        },
                        EvidenceCard {
                            item: Evidence::Host(3),
                            label: "host ws-fin-07".into(),
                            record: None,
                            cues: None,
                        },
                    ]
                })
                .collect(),
            inbox: vec![],
            messages: vec![],
            indicators: vec![],
        }
    }

    #[test]
    fn keys_select_take_and_classify() {
        let v = view(&[4, 7], &[]);
        let mut c = Console::default();
        c.sync(&v);
        assert_eq!(c.selected, Some(4));
        assert_eq!(c.handle(&v, Key::Char('j')), Command::Nothing);
        assert_eq!(c.selected, Some(7));
        assert_eq!(c.handle(&v, Key::Down), Command::Nothing);
        assert_eq!(c.selected, Some(7), "the selection stops at the last row");
        assert_eq!(
            c.handle(&v, Key::Char('t')),
            Command::Act(Action::TakeAlert(7))
        );
        c.handle(&v, Key::Up);
        assert_eq!(
            c.handle(&v, Key::Char('m')),
            Command::Act(Action::Classify(4, Verdict::Malicious))
        );
        assert_eq!(
            c.handle(&v, Key::Char('b')),
            Command::Act(Action::Classify(4, Verdict::Benign))
        );
        assert_eq!(c.handle(&v, Key::Char('c')), Command::Act(Action::Close(4)));
        assert_eq!(c.handle(&v, Key::Char('p')), Command::TogglePause);
        assert_eq!(c.handle(&v, Key::Char('+')), Command::Faster);
        assert_eq!(c.handle(&v, Key::Char('-')), Command::Slower);
    }

    #[test]
    fn escalating_needs_a_held_alert_and_sends_the_ticked_evidence() {
        let v = view(&[4], &[]);
        let mut c = Console::default();
        assert_eq!(c.handle(&v, Key::Char('e')), Command::Nothing);
        assert!(c.escalation.is_none());
        let (ok, why) = c.feedback.clone().unwrap();
        assert!(!ok && why.contains("take alert 4 first"), "{why}");

        let v = view(&[], &[9]);
        let mut c = Console::default();
        c.handle(&v, Key::Char('e'));
        let form = c.escalation.clone().expect("the form opens");
        assert_eq!(
            form.evidence.len(),
            2,
            "everything known from the alert, ticked"
        );
        assert!(form.evidence.iter().all(|e| e.2));
        c.handle(&v, Key::Char('4'));
        assert_eq!(c.escalation.as_ref().unwrap().severity, Level::Critical);
        c.handle(&v, Key::Down);
        c.handle(&v, Key::Space); // untick the host
        for ch in "beacon to cdn".chars() {
            c.handle(&v, Key::Char(ch));
        }
        c.handle(&v, Key::Backspace);
        let text = console_text(&v, &c).join("\n");
        assert!(text.contains("summary: beacon to cd_"), "{text}");
        assert!(text.contains("[ ] host ws-fin-07"), "{text}");
        let cmd = c.handle(&v, Key::Enter);
        assert_eq!(
            cmd,
            Command::Act(Action::Handoff(Box::new(HandoffDraft {
                to: Role::Tier2,
                alert: Some(9),
                case: None,
                evidence: vec![Evidence::Alert(9)],
                severity: Level::Critical,
                summary: "beacon to cd".into(),
                technique: None,
            })))
        );
        assert!(c.escalation.is_none());
        // Esc closes a form without sending.
        c.handle(&v, Key::Char('e'));
        assert_eq!(c.handle(&v, Key::Escape), Command::Nothing);
        assert!(c.escalation.is_none());
    }

    #[test]
    fn the_floor_shows_every_desk_and_what_waits_for_its_role() {
        use socdrill_core::view::DeskCard;
        let desk = |seat: u16, role: Role, who: &str, doing: Option<&str>| DeskCard {
            seat,
            name: format!("{}-{seat}", role.slug()),
            role,
            played_by: who.into(),
            player: None,
            doing: doing.map(str::to_string),
            until: doing.map(|_| SimTime::from_secs(4000)),
            actions: 3,
        };
        let w = Workload {
            now: SimTime::from_secs(100),
            desks: vec![
                desk(0, Role::Tier1, "person", None),
                desk(1, Role::Tier1, "bot", Some("Classify")),
                desk(2, Role::Tier2, "bot", None),
            ],
            queue: 5,
            alerts_raised: 9,
            alerts_per_hour: vec![9],
            handoffs_waiting: vec![(Role::Tier2, 2)],
            open_cases: 1,
            incidents: 0,
        };
        let f = floor(&w, Some(0));
        assert_eq!(f.len(), 3);
        assert!(f[0].player && f[0].who == "you" && f[0].doing == "idle");
        assert_eq!(f[1].doing, "Classify until T+1:06:40");
        assert_eq!((f[0].waiting, f[1].waiting, f[2].waiting), (5, 5, 2));
        assert_eq!(f[2].role, "Tier 2 investigation");
    }

    #[test]
    fn outcomes_are_shown_and_the_selection_follows_the_view() {
        let mut c = Console::default();
        c.outcome(&Action::TakeAlert(3), &Err("busy until T+0:10:00".into()));
        let v = view(&[3], &[]);
        c.sync(&v);
        let text = console_text(&v, &c).join("\n");
        assert!(
            text.contains("✘ refused: TakeAlert — busy until T+0:10:00"),
            "{text}"
        );
        assert!(text.contains("> #3"), "{text}");
        c.outcome(&Action::TakeAlert(3), &Ok(SimTime::from_secs(630)));
        assert!(
            console_text(&v, &c)
                .last()
                .unwrap()
                .contains("accepted: TakeAlert — busy until T+0:10:30")
        );
        // The selected alert left the view: the first one is selected instead.
        c.selected = Some(99);
        c.sync(&v);
        assert_eq!(c.selected, Some(3));
    }
}
