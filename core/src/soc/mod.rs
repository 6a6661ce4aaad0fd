//! The SOC: seats and their roles, the actions they take, and how each action's effect
//! lands on the shared desk. The engine refuses any action outside a seat's role or
//! aimed at something the seat has not discovered or been handed.

pub mod action;
pub mod ledger;
pub mod perception;

use std::collections::VecDeque;

use bevy::prelude::*;

use crate::bots::Brain;
use crate::journal::{Entry, Measure};
use crate::scenario::attack::Catalogue;
use crate::sim::detect::Defense;
use crate::sim::injects::fire_detection_injects;
use crate::sim::{ActionDone, Ctx, PartnerDone, RuleDeploy, SeatReady, SimEvent};
pub use action::*;

use crate::scenario::{Consequence, IntrusionIdx, Role, Scenario};
use crate::sim::detect::About;
use crate::sim::detect::apply_now;

/// A seat: one person's or bot's place in the SOC.
#[derive(Component, Debug, Clone)]
pub struct Seat {
    /// Its number: role order then seat number, then seats added while it ran.
    pub id: SeatId,
    /// Role.
    pub role: Role,
    /// Name such as `tier1-2`.
    pub name: String,
}

/// What a seat has discovered or been handed: the only things it may see and act on.
#[derive(Component, Debug, Clone, Default)]
pub struct Knowledge(pub EvidenceSet);

/// The action a seat is working on.
#[derive(Component, Debug, Clone, Default)]
pub struct Task(pub Option<Action>);

/// Who plays a seat.
#[derive(Component, Debug)]
pub enum Controller {
    /// A bot.
    Bot(Box<Brain>),
    /// Timed actions from a script (a person's recorded or planned moves).
    Script(VecDeque<(u64, Action)>),
    /// A person at a live console: acts only through `Exercise::act`, never on its own.
    Person,
}

/// Seat entities by seat id.
#[derive(Resource, Debug, Clone, Default)]
pub struct SeatIndex(pub Vec<Entity>);

/// What an action produced, for the bot that took it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing to report.
    Done,
    /// Records found by an investigation or hunt.
    Records(Vec<RecordId>),
    /// A case opened (or joined) by taking a handoff.
    Case(CaseId),
}

pub use perception::{Perception, Public};

impl Ctx<'_> {
    /// Wakes every idle seat of `role` that is not already due to wake.
    pub fn wake(&mut self, role: Role) {
        if !self.clock.defending() {
            return;
        }
        let now = self.clock.now;
        for id in 0..self.ledger.board.len() {
            let slot = &mut self.ledger.board[id];
            if slot.role == role && !slot.busy && !slot.wake_pending && !slot.gone {
                slot.wake_pending = true;
                self.agenda
                    .at(now, SimEvent::SeatReady(SeatReady { seat: id as SeatId }));
            }
        }
    }

    /// The perception of a seat now: all a bot may decide from.
    fn perceive<'a>(&'a self, seat: &'a Seat, knowledge: &'a Knowledge) -> Perception<'a> {
        Perception::new(
            self.clock.now,
            seat,
            knowledge,
            &self.ledger,
            &self.scenario.0,
            &self.defense,
        )
    }

    /// Records the first time a seat judged an item of an intrusion malicious
    /// (SCORING.md §3), unless the attacker has already announced it.
    fn detect(&mut self, intrusion: IntrusionIdx, seat: SeatId) {
        let state = &self.attack.intrusions[intrusion];
        if state.detected || state.told {
            return;
        }
        self.attack.intrusions[intrusion].detected = true;
        self.log(Entry::Detected { intrusion, seat });
        fire_detection_injects(self, intrusion);
    }

    /// The intrusions behind the alerts and records among `items`, sorted, once each.
    fn truth_behind(&self, items: &[Evidence]) -> Vec<IntrusionIdx> {
        let mut out: Vec<IntrusionIdx> = items
            .iter()
            .filter_map(|e| match *e {
                Evidence::Alert(a) => self.truth.alert(a),
                Evidence::Record(r) => self.truth.record(r),
                _ => None,
            })
            .map(|(i, _)| i)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Makes items visible to a seat, journaling the new ones.
    fn reveal(
        &mut self,
        seat: SeatId,
        knowledge: &mut Knowledge,
        items: impl IntoIterator<Item = Evidence>,
    ) {
        let mut new: Vec<Evidence> = items
            .into_iter()
            .filter(|i| knowledge.0.insert(*i))
            .collect();
        if new.is_empty() {
            return;
        }
        // Each item is new once (the set said so), so sorting is all that is left.
        if !new.is_sorted() {
            new.sort_unstable();
        }
        self.log(Entry::Revealed { seat, items: new });
    }
}

/// Why the engine refuses `action` from `seat`, if it does.
pub fn refusal(ctx: &Ctx, seat: &Seat, knowledge: &Knowledge, action: &Action) -> Option<String> {
    if ctx.ledger.board[seat.id as usize].gone {
        return Some(format!(
            "{} has left the exercise: the facilitator removed the seat",
            seat.name
        ));
    }
    if !action.allowed_for(seat.role) {
        let roles: Vec<&str> = action.roles().iter().map(|r| r.label()).collect();
        return Some(format!(
            "{} may not {:?}: that is for {}",
            seat.role.label(),
            action.name(),
            roles.join(" or ")
        ));
    }
    let s = &ctx.scenario.0;
    let l = &ctx.ledger;
    let knows = |e: Evidence| knowledge.0.contains(&e);
    let hidden = |what: &str| {
        Some(format!(
            "{what} is not visible to {}: discover it or have it handed over first",
            seat.name
        ))
    };
    let alert = |a: AlertId| l.alerts.get(a as usize);
    match action {
        Action::TakeAlert(a) => {
            if !l.queue.contains(*a) {
                return Some(format!("alert {a} is not waiting in the queue"));
            }
            if let Some(to) = l.alerts[*a as usize].assigned
                && to != seat.id
            {
                return Some(format!(
                    "the manager assigned alert {a} to another analyst (seat {to})"
                ));
            }
        }
        Action::Assign(a, to) => {
            if !l.queue.contains(*a) {
                return Some(format!("alert {a} is not waiting in the queue"));
            }
            if l.board
                .get(*to as usize)
                .is_none_or(|slot| slot.role != Role::Tier1 || slot.gone)
            {
                return Some(format!("seat {to} is not a Tier 1 seat of this exercise"));
            }
        }
        Action::Classify(a, _) | Action::Close(a) => match alert(*a) {
            Some(al) if al.taken_by == Some(seat.id) && !al.closed => {}
            _ => return Some(format!("{} does not hold open alert {a}", seat.name)),
        },
        Action::Handoff(d) => {
            if !matches!(d.to, Role::Tier2 | Role::Responder | Role::Engineer) || d.to == seat.role
            {
                return Some(format!(
                    "handoffs go to Tier 2, incident response or detection engineering, not {}",
                    d.to.label()
                ));
            }
            if !l.staffed(d.to) {
                return Some(format!("nobody staffs {} in this exercise", d.to.label()));
            }
            if let Some(a) = d.alert
                && alert(a).is_none_or(|al| al.taken_by != Some(seat.id) || al.closed)
            {
                return Some(format!("{} does not hold open alert {a}", seat.name));
            }
            if let Some(c) = d.case
                && l.cases
                    .get(c as usize)
                    .is_none_or(|cs| cs.owner != Some(seat.id))
            {
                return Some(format!("{} does not own case {c}", seat.name));
            }
            if d.summary.len() > 4096 || d.evidence.len() > 256 {
                return Some("a handoff carries at most 256 items and a 4096-byte summary".into());
            }
            if let Some(e) = d.evidence.iter().find(|e| !knows(**e)) {
                return hidden(&format!("{e:?}"));
            }
        }
        Action::TakeHandoff(h) => match l.handoffs.get(*h as usize) {
            Some(ho) if ho.draft.to == seat.role && ho.taken_by.is_none() && !ho.returned => {}
            _ => {
                return Some(format!(
                    "handoff {h} is not waiting for {}",
                    seat.role.label()
                ));
            }
        },
        Action::ReturnHandoff(h, _) => match l.handoffs.get(*h as usize) {
            Some(ho) if ho.taken_by == Some(seat.id) && !ho.returned => {}
            _ => return Some(format!("{} has not taken handoff {h}", seat.name)),
        },
        Action::Investigate {
            subject,
            lookback,
            case,
        } => {
            if matches!(subject, Evidence::Alert(_) | Evidence::Record(_)) {
                return Some("investigate a host, an account or an observable".into());
            }
            if !knows(*subject) {
                return hidden(&format!("{subject:?}"));
            }
            if *lookback == 0 || *lookback > crate::scenario::format::MAX_SECONDS {
                return Some("the lookback must be between 1 second and 30 days".into());
            }
            if let Some(c) = case
                && l.cases
                    .get(*c as usize)
                    .is_none_or(|cs| cs.owner != Some(seat.id))
            {
                return Some(format!("{} does not own case {c}", seat.name));
            }
        }
        Action::DeclareIncident(c, _) | Action::SetSeverity(c, _) => {
            if l.cases.get(*c as usize).is_none() {
                return Some(format!("there is no case {c}"));
            }
        }
        Action::MergeCases(a, b) => {
            let owned = |c: &CaseId| {
                l.cases
                    .get(*c as usize)
                    .is_some_and(|cs| cs.owner == Some(seat.id) && cs.merged_into.is_none())
            };
            if a == b || !owned(a) || !owned(b) {
                return Some(format!(
                    "{} must own both open cases {a} and {b}, and they must differ",
                    seat.name
                ));
            }
        }
        Action::Hunt {
            hypothesis,
            tenant,
            lookback,
        } => {
            match hypothesis {
                Hypothesis::Technique(t) if Catalogue::get().technique(t).is_none() => {
                    return Some(format!("unknown ATT&CK technique {t:?}"));
                }
                Hypothesis::Source(src) if *src >= s.sources.len() => {
                    return Some(format!("there is no data source {src}"));
                }
                _ => {}
            }
            if tenant.is_some_and(|t| t >= s.tenants.len()) {
                return Some("there is no such tenant".into());
            }
            if *lookback == 0 || *lookback > crate::scenario::format::MAX_SECONDS {
                return Some("the lookback must be between 1 second and 30 days".into());
            }
        }
        Action::Isolate(h) | Action::Eradicate(h) | Action::Recover(h) => {
            if !knows(Evidence::Host(*h)) {
                return hidden("that host");
            }
        }
        Action::DisableAccount(a) | Action::ResetCredentials(a) => {
            if !knows(Evidence::Account(*a)) {
                return hidden("that account");
            }
        }
        Action::Block(o) => {
            if !knows(Evidence::Observable(*o)) {
                return hidden("that observable");
            }
        }
        Action::Enrich(o) => {
            if !l.watchlist.contains(&Evidence::Observable(*o)) {
                return Some(format!(
                    "indicator {o} has not come up in a raised alert or a handoff yet: threat intel enriches what the SOC passes it"
                ));
            }
        }
        Action::AnswerInject(i, c) => {
            if !l.inbox.contains(i) {
                return Some(format!("inject {i} has no open decision"));
            }
            let options = s.injects[*i]
                .decision
                .as_ref()
                .map_or(0, |d| d.options.len());
            if *c >= options {
                return Some(format!(
                    "option {c} does not exist (0 to {})",
                    options.saturating_sub(1)
                ));
            }
        }
        Action::ChangeRule(r, change) => {
            if *r >= s.rules.len() {
                return Some(format!("there is no rule {r}"));
            }
            if let RuleChange::Tune {
                fidelity,
                benign_per_hour,
            } = change
                && (fidelity.is_some_and(|f| !(0.0..=1.0).contains(&f))
                    || benign_per_hour.is_some_and(|b| !(0.0..=3600.0).contains(&b)))
            {
                return Some("fidelity is 0 to 1 and the benign rate 0 to 3600 per hour".into());
            }
        }
    }
    None
}

/// Starts an action: reserves what it takes, marks the seat busy until it ends.
fn start(
    ctx: &mut Ctx,
    seat: &Seat,
    task: &mut Task,
    action: Action,
    speed: f64,
    rng: Option<&mut crate::sim::rng::Stream>,
) {
    let timing = ctx.scenario.0.durations.of(action.name());
    let base = match rng {
        Some(r) => r.timing(timing),
        None => ctx.rngs.scripted.timing(timing),
    };
    let dur = ((base as f64 * speed).round() as u64).max(1);
    let now = ctx.now();
    match &action {
        Action::TakeAlert(a) => {
            ctx.ledger.queue.remove(*a);
            let ledger = &mut *ctx.ledger;
            ledger.alerts[*a as usize].taken_by = Some(seat.id);
            if ledger.alerts[*a as usize].assigned.is_some() {
                ledger.assigned_waiting -= 1;
            }
        }
        Action::TakeHandoff(h) => ctx.ledger.handoffs[*h as usize].taken_by = Some(seat.id),
        Action::AnswerInject(i, _) => ctx.ledger.inbox.retain(|x| x != i),
        _ => {}
    }
    let slot = &mut ctx.ledger.board[seat.id as usize];
    slot.busy = true;
    slot.until = now + dur;
    ctx.log(Entry::ActionStarted {
        seat: seat.id,
        action: action.clone(),
        until: now + dur,
    });
    task.0 = Some(action);
    ctx.after(dur, SimEvent::ActionDone(ActionDone { seat: seat.id }));
}

/// Lands a finished action's effect.
fn apply(ctx: &mut Ctx, seat: &Seat, knowledge: &mut Knowledge, action: &Action) -> Outcome {
    let now = ctx.now();
    let id = seat.id;
    match action {
        Action::TakeAlert(a) => {
            ctx.log(Entry::AlertTaken {
                seat: id,
                alert: *a,
            });
            let items = ctx.ledger.alert_items(*a);
            ctx.reveal(id, knowledge, items);
        }
        Action::Classify(a, verdict) => {
            let al = &mut ctx.ledger.alerts[*a as usize];
            al.verdict = Some(*verdict);
            let rule = al.rule;
            let stage = ctx.truth.alert(*a);
            ctx.log(Entry::Classified {
                seat: id,
                alert: *a,
                verdict: *verdict,
            });
            if *verdict == Verdict::Malicious {
                ctx.ledger.malicious_calls[rule] += 1;
            }
            match (verdict, stage) {
                (Verdict::Malicious, Some((i, _))) => ctx.detect(i, id),
                (Verdict::Benign, _) => {
                    ctx.ledger.false_positives[rule] += 1;
                    ctx.wake(Role::Engineer);
                }
                _ => {}
            }
        }
        Action::Close(a) => {
            ctx.ledger.alerts[*a as usize].closed = true;
            ctx.log(Entry::AlertClosed {
                seat: id,
                alert: *a,
            });
        }
        Action::Handoff(draft) => {
            let hid = ctx.ledger.handoffs.len() as HandoffId;
            ctx.ledger.handoffs.push(ledger::Handoff {
                id: hid,
                from_seat: id,
                from_role: seat.role,
                draft: draft.clone(),
                sent_at: now,
                taken_by: None,
                returned: false,
            });
            ctx.log(Entry::HandoffSent {
                handoff: hid,
                seat: id,
                from: seat.role,
                draft: draft.clone(),
            });
            if let Some(a) = draft.alert {
                let al = &mut ctx.ledger.alerts[a as usize];
                al.escalated = true;
                al.closed = true;
            }
            if ctx.ledger.watch(&draft.evidence) {
                ctx.wake(Role::Intel);
            }
            // Handing an alert or record on is judging it malicious.
            let items: Vec<Evidence> = draft
                .evidence
                .iter()
                .copied()
                .chain(draft.alert.map(Evidence::Alert))
                .collect();
            for i in ctx.truth_behind(&items) {
                ctx.detect(i, id);
            }
            ctx.wake(draft.to);
        }
        Action::TakeHandoff(h) => {
            let ho = ctx.ledger.handoffs[*h as usize].clone();
            let case = match ho
                .draft
                .case
                .filter(|c| (*c as usize) < ctx.ledger.cases.len())
            {
                Some(c) => {
                    let cs = &mut ctx.ledger.cases[c as usize];
                    cs.owner = Some(id);
                    for e in &ho.draft.evidence {
                        if !cs.evidence.contains(e) {
                            cs.evidence.push(*e);
                        }
                    }
                    c
                }
                None => ctx
                    .ledger
                    .open_case(now, id, ho.draft.evidence.clone(), ho.draft.severity),
            };
            ctx.log(Entry::HandoffTaken {
                handoff: *h,
                seat: id,
                case,
            });
            // Opening an attached alert or record shows what it says: its host,
            // account and indicators, as the sender saw them.
            let mut items = ho.draft.evidence.clone();
            for e in &ho.draft.evidence {
                match *e {
                    Evidence::Alert(a) => items.extend(ctx.ledger.alert_items(a)),
                    Evidence::Record(r) => ctx.ledger.records[r as usize].push_items(&mut items),
                    _ => {}
                }
            }
            ctx.reveal(id, knowledge, items);
            return Outcome::Case(case);
        }
        Action::ReturnHandoff(h, feedback) => {
            ctx.ledger.handoffs[*h as usize].returned = true;
            ctx.log(Entry::HandoffReturned {
                handoff: *h,
                seat: id,
                feedback: feedback.clone(),
            });
        }
        Action::Investigate {
            case,
            subject,
            lookback,
        } => {
            let from = now.saturating_sub(*lookback);
            let mut found: Vec<RecordId> = ctx
                .ledger
                .records_about(*subject)
                .filter(|r| r.at >= from && r.at <= now)
                .map(|r| r.id)
                .collect();
            // Ordinary activity drawn by earlier searches (a line from the catalogue on
            // no alert) that falls in the window is found again, and counts towards it.
            let already = found
                .iter()
                .filter(|&&r| {
                    ctx.ledger.records[r as usize].alert.is_none()
                        && matches!(
                            ctx.truth.record_line.get(r as usize),
                            Some(crate::content::LineRef::Benign { .. })
                        )
                })
                .count();
            found.extend(benign_activity(
                ctx,
                *subject,
                Lines::Any,
                *lookback,
                already,
            ));
            return finish_search(ctx, id, knowledge, *case, found, |records| {
                Entry::Investigated {
                    seat: id,
                    case: *case,
                    subject: *subject,
                    records,
                }
            });
        }
        Action::Hunt {
            hypothesis,
            tenant,
            lookback,
        } => {
            let from = now.saturating_sub(*lookback);
            let s = ctx.scenario.0.clone();
            let found: Vec<RecordId> = ctx
                .ledger
                .records
                .iter()
                .filter(|r| r.at >= from && r.at <= now && tenant.is_none_or(|t| r.tenant == t))
                .filter(|r| match (hypothesis, ctx.truth.written_by(r.id)) {
                    (Hypothesis::Technique(t), Some((i, st))) => {
                        crate::scenario::attack::covers(t, &s.intrusions[i].stages[st].technique)
                    }
                    (Hypothesis::Source(src), Some(_)) => r.source == *src,
                    (_, None) => false,
                })
                .map(|r| r.id)
                .collect();
            let mut found = found;
            found.extend(benign_activity(
                ctx,
                Evidence::Record(u32::MAX),
                match hypothesis {
                    Hypothesis::Source(src) => Lines::Source(*src),
                    Hypothesis::Technique(t) => Lines::Technique(t),
                },
                *lookback,
                0,
            ));
            let hypothesis = hypothesis.clone();
            return finish_search(ctx, id, knowledge, None, found, move |records| {
                Entry::Hunted {
                    seat: id,
                    hypothesis,
                    records,
                }
            });
        }
        Action::DeclareIncident(c, sev) => {
            let cs = &mut ctx.ledger.cases[*c as usize];
            cs.incident = true;
            cs.severity = *sev;
            let items = cs.evidence.clone();
            ctx.log(Entry::IncidentDeclared {
                seat: id,
                case: *c,
                severity: *sev,
            });
            // Declaring the case is judging what it holds malicious.
            for i in ctx.truth_behind(&items) {
                ctx.detect(i, id);
            }
        }
        Action::MergeCases(a, b) => {
            let moved = std::mem::take(&mut ctx.ledger.cases[*b as usize].evidence);
            ctx.ledger.cases[*b as usize].merged_into = Some(*a);
            let into = &mut ctx.ledger.cases[*a as usize];
            for e in moved {
                if !into.evidence.contains(&e) {
                    into.evidence.push(e);
                }
            }
            ctx.log(Entry::CasesMerged {
                seat: id,
                into: *a,
                from: *b,
            });
        }
        Action::Assign(a, to) => {
            // The alert may have been taken while the manager was at it.
            if ctx.ledger.queue.contains(*a) {
                let ledger = &mut *ctx.ledger;
                if ledger.alerts[*a as usize].assigned.is_none() {
                    ledger.assigned_waiting += 1;
                }
                ledger.alerts[*a as usize].assigned = Some(*to);
                ctx.log(Entry::AlertAssigned {
                    seat: id,
                    alert: *a,
                    to: *to,
                });
                let slot = &mut ctx.ledger.board[*to as usize];
                if !slot.busy && !slot.wake_pending {
                    slot.wake_pending = true;
                    ctx.agenda
                        .at(now, SimEvent::SeatReady(SeatReady { seat: *to }));
                }
            }
        }
        Action::SetSeverity(c, sev) => {
            ctx.ledger.cases[*c as usize].severity = *sev;
            ctx.log(Entry::SeveritySet {
                seat: id,
                case: *c,
                severity: *sev,
            });
        }
        Action::Isolate(h) => request(ctx, id, Measure::Isolate(*h)),
        Action::DisableAccount(a) => request(ctx, id, Measure::DisableAccount(*a)),
        Action::Block(o) => request(ctx, id, Measure::Block(*o)),
        Action::ResetCredentials(a) => request(ctx, id, Measure::ResetCredentials(*a)),
        Action::Eradicate(h) => {
            ctx.ledger.eradicated[*h] = false;
            request(ctx, id, Measure::Eradicate(*h));
        }
        Action::Recover(h) => request(ctx, id, Measure::Recover(*h)),
        Action::Enrich(o) => {
            // What the sources say, or that they know nothing: either way the SOC now
            // knows, and every item carrying the indicator shows it.
            let s = &ctx.scenario.0;
            let (intel, note) = match s.lookup.intel_of.get(*o).copied().flatten() {
                Some(i) => (s.intel[i].intel, s.intel[i].note.clone()),
                None => (
                    crate::content::Intel {
                        verdict: crate::content::IntelVerdict::Unknown,
                        confidence: 0.0,
                    },
                    String::new(),
                ),
            };
            ctx.ledger.intel[*o] = Some(intel);
            ctx.log(Entry::Enriched {
                seat: id,
                observable: *o,
                verdict: intel.verdict,
                confidence: intel.confidence,
                note,
            });
        }
        Action::AnswerInject(i, choice) => {
            ctx.log(Entry::InjectAnswered {
                seat: id,
                inject: *i,
                choice: *choice,
            });
            // What the decision does, at once: containment, business measures that hold
            // stages back, further injects.
            let scenario = ctx.scenario.0.clone();
            let effects = scenario.injects[*i]
                .decision
                .as_ref()
                .and_then(|d| d.consequences.get(*choice))
                .map_or(&[][..], Vec::as_slice);
            for &effect in effects {
                match effect {
                    Consequence::Isolate(h) => apply_now(ctx, Measure::Isolate(h)),
                    Consequence::DisableAccount(a) => apply_now(ctx, Measure::DisableAccount(a)),
                    Consequence::ResetCredentials(a) => {
                        apply_now(ctx, Measure::ResetCredentials(a))
                    }
                    Consequence::Block(o) => apply_now(ctx, Measure::Block(o)),
                    Consequence::Enact(p) => {
                        if !ctx.defense.enacted[p] {
                            ctx.defense.enacted[p] = true;
                            ctx.log(Entry::Enacted { policy: p });
                        }
                    }
                    Consequence::FireInject(x) => crate::sim::injects::fire(ctx, x),
                }
            }
        }
        Action::ChangeRule(r, change) => {
            let due = now + ctx.scenario.0.deployment_delay;
            let n = ctx.defense.changes.len() as u32;
            ctx.defense.changes.push((*r, *change));
            ctx.log(Entry::RuleChangeRequested {
                seat: id,
                rule: *r,
                change: *change,
                due,
            });
            ctx.after(
                ctx.scenario.0.deployment_delay,
                SimEvent::Deploy(RuleDeploy { change: n }),
            );
        }
    }
    Outcome::Done
}

/// Journals a search, reveals what it found and files it in the case.
fn finish_search(
    ctx: &mut Ctx,
    seat: SeatId,
    knowledge: &mut Knowledge,
    case: Option<CaseId>,
    found: Vec<RecordId>,
    entry: impl FnOnce(Vec<RecordId>) -> Entry,
) -> Outcome {
    ctx.log(entry(found.clone()));
    let mut items = Vec::new();
    for &r in &found {
        ctx.ledger.records[r as usize].push_items(&mut items);
    }
    ctx.reveal(seat, knowledge, items);
    if let Some(c) = case {
        let cs = &mut ctx.ledger.cases[c as usize];
        let mut filed: EvidenceSet = cs.evidence.iter().copied().collect();
        for &r in &found {
            if filed.insert(Evidence::Record(r)) {
                cs.evidence.push(Evidence::Record(r));
            }
        }
    }
    // Turning records up is not judging them: detection waits for the seat to declare
    // the case or hand the records on.
    Outcome::Records(found)
}

/// Which benign lines a search's haystack says.
enum Lines<'a> {
    /// Ordinary activity of any source with benign activity.
    Any,
    /// Ordinary activity of this source (a hunt over a data source).
    Source(usize),
    /// What rules for this technique fire on when nothing is wrong (a hunt for a
    /// technique turns up the same look-alikes its rules alert on).
    Technique(&'a str),
}

/// Benign records an investigation or hunt turns up: the haystack around the needle.
/// Their number follows the scenario's benign activity rate, capped to what one analyst
/// would list, and they are drawn from their own stream.
fn benign_activity(
    ctx: &mut Ctx,
    subject: Evidence,
    lines: Lines,
    lookback: u64,
    already: usize,
) -> Vec<RecordId> {
    let s = ctx.scenario.0.clone();
    let only = match lines {
        Lines::Source(src) => Some(src),
        _ => None,
    };
    let per_hour: f64 = s
        .noise
        .iter()
        .filter(|n| only.is_none_or(|src| n.source == src))
        .map(|n| n.activity_per_hour)
        .sum();
    if per_hour <= 0.0 || s.noise.is_empty() {
        return Vec::new();
    }
    // Activity spreads over every host; an analyst surfaces about one in a thousand
    // records as worth a look.
    let expected = per_hour * (lookback as f64 / 3600.0) / (s.hosts.len().max(1) as f64 * 50.0);
    // Records an earlier search already turned up in the window are part of the same
    // activity: only what is missing is drawn.
    let n =
        ((expected.min(4.0) + ctx.rngs.activity.unit()).floor() as usize).saturating_sub(already);
    let now = ctx.now();
    let about = match subject {
        Evidence::Host(h) => About::Host(h),
        Evidence::Account(a) => About::Account(a),
        Evidence::Observable(o) => About::Observable(o),
        _ => About::Anything,
    };
    let triggers: Vec<(usize, Vec<u16>)> = match lines {
        Lines::Technique(t) => technique_lines(&s, t),
        _ => Vec::new(),
    };
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let (src, candidates): (usize, &[u16]) = if triggers.is_empty() {
            let noise = &s.noise[ctx.rngs.activity.below(s.noise.len())];
            let src = only.unwrap_or(noise.source);
            (src, &s.lookup.source_lines[src])
        } else {
            let (src, lines) = &triggers[ctx.rngs.activity.below(triggers.len())];
            (*src, lines)
        };
        let at = now.saturating_sub(ctx.rngs.activity.between(0, lookback));
        let (record, line) = crate::sim::detect::benign_record(
            &s,
            src,
            candidates,
            about,
            &mut ctx.rngs.activity,
            at,
        );
        out.push(ctx.add_record(record, None, line));
    }
    out
}

/// Per data source of the scenario: the benign lines a rule for `technique` would fire
/// on in that source's log (sources without any are left out).
fn technique_lines(s: &Scenario, technique: &str) -> Vec<(usize, Vec<u16>)> {
    let related = s.lookup.lines_related(technique);
    if related.is_empty() {
        return Vec::new();
    }
    (0..s.sources.len())
        .filter_map(|src| {
            let lines: Vec<u16> = related
                .iter()
                .copied()
                .filter(|&i| {
                    let l = &s.benign[i as usize];
                    l.source.is_none_or(|x| x == src) && l.kinds.contains(&s.sources[src].kind)
                })
                .collect();
            (!lines.is_empty()).then_some((src, lines))
        })
        .collect()
}

/// Asks a partner team for a measure; it lands after the team's delay.
fn request(ctx: &mut Ctx, seat: SeatId, measure: Measure) {
    let timing = ctx.scenario.0.partners.of(Defense::partner(measure));
    let delay = ctx.rngs.partners.timing(timing).max(1);
    let n = ctx.defense.requests.len() as u32;
    ctx.defense.requests.push(measure);
    ctx.log(Entry::MeasureRequested {
        seat,
        measure,
        due: ctx.now() + delay,
    });
    ctx.after(delay, SimEvent::Partner(PartnerDone { request: n }));
}

/// Finds the next thing for an idle seat to do and starts it. Refused actions are
/// journaled and skipped.
fn dispatch(
    ctx: &mut Ctx,
    seat: &Seat,
    controller: &mut Controller,
    knowledge: &mut Knowledge,
    task: &mut Task,
) {
    // A bot gets a few tries (its plan may hold steps that were overtaken); a script may
    // try every action that has come due.
    let tries = match controller {
        Controller::Script(queue) => queue.len() + 1,
        Controller::Bot(_) => 16,
        Controller::Person => 0,
    };
    for _ in 0..tries {
        if !ctx.clock.defending() || ctx.ledger.board[seat.id as usize].busy {
            return;
        }
        let now = ctx.now();
        let action = match controller {
            Controller::Bot(brain) => {
                let view = ctx.perceive(seat, knowledge);
                let next = brain.next(&view);
                let later = next.is_none().then(|| brain.wake_after(&view)).flatten();
                match next {
                    Some(a) => a,
                    None => {
                        if let Some(later) = later {
                            ctx.after(
                                later.max(1),
                                SimEvent::SeatReady(SeatReady { seat: seat.id }),
                            );
                        }
                        return;
                    }
                }
            }
            Controller::Script(queue) => match queue.front() {
                Some((at, _)) if *at <= now => queue.pop_front().expect("front exists").1,
                _ => return,
            },
            Controller::Person => return,
        };
        if let Some(reason) = refusal(ctx, seat, knowledge, &action) {
            ctx.log(Entry::ActionRefused {
                seat: seat.id,
                action,
                reason,
            });
            continue;
        }
        match controller {
            Controller::Bot(brain) => {
                let speed = brain.profile.speed;
                start(ctx, seat, task, action, speed, Some(&mut brain.rng));
            }
            Controller::Script(_) | Controller::Person => start(ctx, seat, task, action, 1.0, None),
        }
    }
}

/// A live exercise's operation on the world at the live clock's time (see
/// [`crate::live`]).
#[derive(Debug, Clone)]
pub(crate) enum LiveOp {
    /// A person's action; with `dry_run`, only whether it would be accepted.
    Act {
        seat: SeatId,
        action: Action,
        dry_run: bool,
    },
    /// A person takes over a seat, with their name if they gave one.
    TakeSeat(SeatId, Option<String>),
    /// The participant at a seat gives their name.
    Name(SeatId, String),
    /// The facilitator hands a seat back to a bot of this profile.
    Release(SeatId, Box<crate::bots::Profile>),
    /// The facilitator adds a seat of a role while the exercise runs; a bot of this
    /// profile plays it until a person takes it.
    AddSeat(Role, Box<crate::bots::Profile>),
    /// The facilitator removes a seat no person holds while the exercise runs.
    RemoveSeat(SeatId),
    /// The facilitator sets how long bots leave work to the people of their role.
    SetBotWait(ledger::BotWait),
    /// A seat's answer, or the facilitator's note or message.
    Say(Talk),
    /// The facilitator writes an inject and fires it.
    WriteInject(Box<ledger::LiveInject>),
    /// The facilitator fires an inject now.
    FireInject(usize),
    /// The exercise ends for the defenders (they stand down).
    End,
}

/// Runs a [`LiveOp`] at the horizon: the live clock's time, up to which every event has
/// fired. Returns the time the operation's effect is due.
pub(crate) fn live_op(
    In(op): In<LiveOp>,
    mut ctx: Ctx,
    mut index: ResMut<SeatIndex>,
    seed: Res<crate::sim::Seed>,
    mut seats: SeatQuery,
    mut commands: Commands,
) -> Result<u64, String> {
    if !ctx.clock.defending() {
        return Err("the exercise has ended".into());
    }
    ctx.clock.now = ctx.clock.now.max(ctx.clock.horizon);
    let entity = |seat: SeatId| {
        index
            .0
            .get(seat as usize)
            .copied()
            .ok_or_else(|| format!("there is no seat {seat}"))
    };
    match op {
        LiveOp::Act {
            seat,
            action,
            dry_run,
        } => {
            let (seat, controller, knowledge, mut task) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            act(
                &mut ctx,
                seat,
                &controller,
                &knowledge,
                &mut task,
                action,
                dry_run,
            )
        }
        LiveOp::TakeSeat(seat, name) => {
            let (seat, mut controller, _, _) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            if matches!(*controller, Controller::Person) {
                return Err(format!("{} is already held by a person", seat.name));
            }
            *controller = Controller::Person;
            let id = seat.id;
            ctx.ledger.board[id as usize].person = true;
            ctx.log(Entry::SeatTaken { seat: id, name });
            Ok(ctx.now())
        }
        LiveOp::Name(seat, name) => {
            let (seat, _, _, _) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            let name = participant_name(&name)?;
            let id = seat.id;
            ctx.log(Entry::SeatNamed { seat: id, name });
            Ok(ctx.now())
        }
        LiveOp::Release(seat, profile) => {
            let (seat, mut controller, _, _) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            if !matches!(*controller, Controller::Person) {
                return Err(format!("{} is not held by a person", seat.name));
            }
            let now = ctx.now();
            *controller = bot_from_now(&ctx, seed.0, seat.role, &seat.name, *profile);
            let id = seat.id;
            let slot = &mut ctx.ledger.board[id as usize];
            slot.person = false;
            if !slot.busy && !slot.wake_pending {
                slot.wake_pending = true;
                ctx.agenda
                    .at(now, SimEvent::SeatReady(SeatReady { seat: id }));
            }
            ctx.log(Entry::SeatReleased { seat: id });
            Ok(now)
        }
        LiveOp::AddSeat(role, profile) => {
            let id = add_seat(&mut ctx, &mut index, &mut commands, seed.0, role, *profile)?;
            Ok(u64::from(id))
        }
        LiveOp::RemoveSeat(seat) => {
            let (seat, mut controller, _, mut task) = seats
                .get_mut(entity(seat)?)
                .map_err(|_| format!("there is no seat {seat}"))?;
            remove_seat(&mut ctx, seat, &mut controller, &mut task)?;
            Ok(ctx.now())
        }
        LiveOp::SetBotWait(wait) => {
            ctx.ledger.bot_wait = wait;
            ctx.log(Entry::BotWaitSet { wait });
            // Bots waiting on the old threshold look again.
            for role in crate::scenario::ALL_ROLES {
                ctx.wake(role);
            }
            Ok(ctx.now())
        }
        LiveOp::Say(talk) => {
            let talk = match talk {
                Talk::Reply { seat, inject, text } => {
                    let (seat, _, _, _) = seats
                        .get_mut(entity(seat)?)
                        .map_err(|_| format!("there is no seat {seat}"))?;
                    let text = discussion_text(&text, "an answer")?;
                    let s = &ctx.scenario.0;
                    let addressed = match s.injects.get(inject) {
                        Some(inj) => {
                            ctx.ledger.injects_fired[inject] && inj.to.contains(&seat.role)
                        }
                        None => ctx
                            .ledger
                            .live_injects
                            .get(inject.wrapping_sub(s.injects.len()))
                            .is_some_and(|inj| inj.to.contains(&seat.role)),
                    };
                    if !addressed {
                        return Err(format!(
                            "inject {inject} has not reached {} ({}): answer one in the seat's inbox",
                            seat.name,
                            seat.role.label()
                        ));
                    }
                    Talk::Reply {
                        seat: seat.id,
                        inject,
                        text,
                    }
                }
                Talk::Note {
                    role,
                    objective,
                    text,
                } => {
                    if let Some(id) = &objective
                        && !ctx.scenario.0.objectives.iter().any(|o| &o.id == id)
                    {
                        return Err(format!("there is no objective {id:?} in this scenario"));
                    }
                    Talk::Note {
                        role,
                        objective,
                        text: discussion_text(&text, "a note")?,
                    }
                }
                Talk::Message { to, text } => {
                    if let Some(seat) = to {
                        entity(seat)?;
                    }
                    Talk::Message {
                        to,
                        text: discussion_text(&text, "a message")?,
                    }
                }
            };
            say(&mut ctx, talk);
            Ok(ctx.now())
        }
        LiveOp::WriteInject(inject) => {
            let mut inject = *inject;
            inject.title = discussion_text(&inject.title, "an inject's title")?;
            inject.body = inject.body.trim().to_string();
            if inject.body.chars().count() > MAX_DISCUSSION_CHARS {
                return Err(format!(
                    "an inject's text is at most {MAX_DISCUSSION_CHARS} characters"
                ));
            }
            if inject.to.is_empty() {
                return Err("an inject needs at least one role to address".into());
            }
            inject.to.sort();
            inject.to.dedup();
            inject.questions = inject
                .questions
                .iter()
                .map(|q| q.trim().to_string())
                .filter(|q| !q.is_empty())
                .collect();
            let number = ctx.scenario.0.injects.len() + ctx.ledger.live_injects.len();
            inject.at = ctx.now();
            ctx.log(Entry::InjectWritten {
                inject: number,
                title: inject.title.clone(),
                body: inject.body.clone(),
                to: inject.to.clone(),
                questions: inject.questions.clone(),
            });
            ctx.ledger.live_injects.push(inject);
            Ok(number as u64)
        }
        LiveOp::FireInject(i) => {
            let Some(inject) = ctx.scenario.0.injects.get(i) else {
                return Err(format!("there is no inject {i}"));
            };
            if ctx.ledger.injects_fired[i] {
                return Err(format!("inject {:?} has already fired", inject.id));
            }
            crate::sim::injects::fire(&mut ctx, i);
            Ok(ctx.now())
        }
        LiveOp::End => {
            if ctx.clock.stood_down.is_some() {
                return Err("the defenders have already stood down".into());
            }
            // The meeting ending does not stop the attacker: the SOC stands down here and
            // the caller runs the attack on to the time limit.
            let now = ctx.now();
            ctx.clock.stood_down = Some(now);
            ctx.log(Entry::StoodDown);
            Ok(now)
        }
    }
}

/// A piece of discussion a script makes at its time (checked when the script loaded).
#[derive(Debug, Clone, PartialEq)]
pub enum Talk {
    /// A seat answers an inject's questions.
    Reply {
        /// Seat.
        seat: SeatId,
        /// Inject.
        inject: usize,
        /// The answer.
        text: String,
    },
    /// The facilitator notes an observation.
    Note {
        /// The role it is about; none for the team.
        role: Option<Role>,
        /// The objective it bears on.
        objective: Option<String>,
        /// The note.
        text: String,
    },
    /// The facilitator messages one seat, or everyone.
    Message {
        /// The seat; none for everyone.
        to: Option<SeatId>,
        /// The message.
        text: String,
    },
}

/// Records a piece of discussion now: the seat's or the facilitator's words go into the
/// journal, and answers and messages onto the desk where the seats' views show them.
pub(crate) fn say(ctx: &mut Ctx, talk: Talk) {
    let at = ctx.now();
    match talk {
        Talk::Reply { seat, inject, text } => {
            ctx.ledger.replies.push(ledger::Reply {
                at,
                seat,
                inject,
                text: text.clone(),
            });
            ctx.log(Entry::InjectReply { seat, inject, text });
        }
        Talk::Note {
            role,
            objective,
            text,
        } => ctx.log(Entry::Note {
            role,
            objective,
            text,
        }),
        Talk::Message { to, text } => {
            ctx.ledger.messages.push(ledger::Message {
                at,
                to,
                text: text.clone(),
            });
            ctx.log(Entry::Message { to, text });
        }
    }
}

/// A scripted piece of discussion comes due.
pub(crate) fn on_talk_due(ctx: &mut Ctx, talk: &ScriptedTalk, index: u32) {
    if let Some((_, t)) = talk.0.get(index as usize) {
        say(ctx, t.clone());
    }
}

/// A script's answers, notes and messages, by index, for the agenda's events.
#[derive(Resource, Debug, Clone, Default)]
pub struct ScriptedTalk(pub Vec<(u64, Talk)>);

/// The most characters of one answer, note, message or inject text.
pub const MAX_DISCUSSION_CHARS: usize = 2000;

/// A piece of discussion as it is kept: trimmed, not empty, not too long.
pub fn discussion_text(text: &str, what: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("{what} cannot be empty"));
    }
    if text.chars().count() > MAX_DISCUSSION_CHARS {
        return Err(format!(
            "{what} is at most {MAX_DISCUSSION_CHARS} characters"
        ));
    }
    Ok(text.to_string())
}

/// The most characters of a participant's name.
pub const MAX_NAME_CHARS: usize = 60;

/// A participant's name as it is kept: trimmed, printable, not empty, not too long.
pub fn participant_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("a name is at most {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("a name cannot hold control characters".into());
    }
    Ok(name.to_string())
}

/// A person's action at a live console, now. Checked like any other action, and also
/// refused while the seat is busy or the exercise is over; a refused action leaves no
/// trace in the journal (the person is told why instead). With `dry_run` nothing
/// starts. Returns when the action will be done.
pub(crate) fn act(
    ctx: &mut Ctx,
    seat: &Seat,
    controller: &Controller,
    knowledge: &Knowledge,
    task: &mut Task,
    action: Action,
    dry_run: bool,
) -> Result<u64, String> {
    if !ctx.clock.defending() {
        return Err("the exercise has ended".into());
    }
    if !matches!(controller, Controller::Person) {
        return Err(format!("{} is played by a bot", seat.name));
    }
    let slot = ctx.ledger.board[seat.id as usize];
    if slot.busy {
        return Err(format!(
            "busy until {}",
            crate::clock::clock_hms(slot.until)
        ));
    }
    if let Some(reason) = refusal(ctx, seat, knowledge, &action) {
        return Err(reason);
    }
    if dry_run {
        return Ok(ctx.now());
    }
    start(ctx, seat, task, action, 1.0, None);
    Ok(ctx.ledger.board[seat.id as usize].until)
}

/// A bot of `profile` for a seat that changes hands during a live exercise. Its stream
/// is named by the seat and the moment, so its draws depend on nothing else that
/// happened.
fn bot_from_now(
    ctx: &Ctx,
    seed: u64,
    role: Role,
    seat: &str,
    profile: crate::bots::Profile,
) -> Controller {
    let now = ctx.now();
    let mut brain = crate::bots::Brain::new(
        role,
        profile,
        crate::sim::rng::Stream::new(seed, &format!("bot/{seat}/from/{now}")),
    );
    if role == Role::Hunter {
        brain.mem.hypotheses = crate::bots::hunt_hypotheses(&ctx.scenario.0);
    }
    Controller::Bot(Box::new(brain))
}

/// Adds a seat of `role` now, played by a bot of `profile` until a person takes it.
/// Its id is the next after every seat (removed ones included) and its name the next of
/// its role, so a replay of the same moves adds the same seat.
fn add_seat(
    ctx: &mut Ctx,
    index: &mut SeatIndex,
    commands: &mut Commands,
    seed: u64,
    role: Role,
    profile: crate::bots::Profile,
) -> Result<SeatId, String> {
    let of_role = ctx.ledger.board.iter().filter(|s| s.role == role).count();
    if of_role >= crate::scenario::model::MAX_SEATS as usize {
        return Err(format!(
            "{} already has {} seats, the most a role may have",
            role.label(),
            crate::scenario::model::MAX_SEATS
        ));
    }
    let id = SeatId::try_from(ctx.ledger.board.len())
        .map_err(|_| "this exercise has as many seats as it can hold".to_string())?;
    let name = crate::scenario::seat_name(role, of_role as u32 + 1);
    let now = ctx.now();
    let controller = bot_from_now(ctx, seed, role, &name, profile.clone());
    let seat = Seat {
        id,
        role,
        name: name.clone(),
    };
    let e = commands
        .spawn((seat, controller, Knowledge::default(), Task::default()))
        .id();
    index.0.push(e);
    ctx.ledger.board.push(ledger::Slot {
        role,
        busy: false,
        wake_pending: true,
        until: 0,
        person: false,
        gone: false,
    });
    ctx.log(Entry::SeatAdded {
        info: crate::journal::SeatInfo {
            seat: id,
            name,
            role,
            controller: format!("bot:{}", profile.name),
            player: None,
        },
    });
    ctx.agenda
        .at(now, SimEvent::SeatReady(SeatReady { seat: id }));
    Ok(id)
}

/// Removes a seat no person holds: it takes no more work, an action under way is
/// abandoned, the alerts it held open go back to the queue and any the manager had
/// assigned to it are free for every Tier 1 seat. Cases it owns stay on the record.
fn remove_seat(
    ctx: &mut Ctx,
    seat: &Seat,
    controller: &mut Controller,
    task: &mut Task,
) -> Result<(), String> {
    let id = seat.id;
    let slot = ctx.ledger.board[id as usize];
    if slot.gone {
        return Err(format!("{} has already left the exercise", seat.name));
    }
    if slot.person {
        return Err(format!(
            "{} is held by a person: hand it to a bot first, then remove it",
            seat.name
        ));
    }
    let others = ctx
        .ledger
        .board
        .iter()
        .enumerate()
        .any(|(i, s)| i != id as usize && s.role == seat.role && !s.gone);
    if seat.role == Role::Manager
        && !others
        && ctx.scenario.0.injects.iter().any(|i| i.decision.is_some())
    {
        return Err(
            "this scenario's injects ask decisions, which the SOC manager takes: keep a manager seat"
                .into(),
        );
    }
    *controller = Controller::Person;
    task.0 = None;
    let now = ctx.now();
    let mut returned = Vec::new();
    for a in 0..ctx.ledger.alerts.len() {
        let al = &ctx.ledger.alerts[a];
        if al.taken_by == Some(id) && !al.closed {
            let t = ctx.scenario.0.tenants[al.tenant].sla.pickup_target();
            let ledger = &mut *ctx.ledger;
            let al = &mut ledger.alerts[a];
            al.taken_by = None;
            al.verdict = None;
            al.assigned = None;
            ledger.queue.push(&ledger.alerts[a], t);
            returned.push(a as AlertId);
        } else if al.assigned == Some(id) && ctx.ledger.queue.contains(a as AlertId) {
            ctx.ledger.alerts[a].assigned = None;
            ctx.ledger.assigned_waiting = ctx.ledger.assigned_waiting.saturating_sub(1);
        }
    }
    let slot = &mut ctx.ledger.board[id as usize];
    slot.gone = true;
    slot.busy = false;
    slot.until = now;
    ctx.log(Entry::SeatRemoved { seat: id, returned });
    ctx.wake(Role::Tier1);
    Ok(())
}

/// The seats' components, as the event handlers take them.
pub(crate) type SeatQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static Seat,
        &'static mut Controller,
        &'static mut Knowledge,
        &'static mut Task,
    ),
>;

/// A seat looks for work.
pub(crate) fn on_seat_ready(
    ctx: &mut Ctx,
    index: &SeatIndex,
    seats: &mut SeatQuery,
    ev: SeatReady,
) {
    ctx.ledger.board[ev.seat as usize].wake_pending = false;
    let Ok((seat, mut controller, mut knowledge, mut task)) =
        seats.get_mut(index.0[ev.seat as usize])
    else {
        return;
    };
    dispatch(ctx, seat, &mut controller, &mut knowledge, &mut task);
}

/// A seat's action lands; the seat (a bot) learns from it and looks for work.
pub(crate) fn on_action_done(
    ctx: &mut Ctx,
    index: &SeatIndex,
    seats: &mut SeatQuery,
    ev: ActionDone,
) {
    let Ok((seat, mut controller, mut knowledge, mut task)) =
        seats.get_mut(index.0[ev.seat as usize])
    else {
        return;
    };
    let Some(action) = task.0.take() else { return };
    if !ctx.clock.defending() {
        // The defenders stood down while this was under way: it never lands.
        ctx.ledger.board[seat.id as usize].busy = false;
        return;
    }
    let outcome = apply(ctx, seat, &mut knowledge, &action);
    ctx.ledger.board[seat.id as usize].busy = false;
    if let Controller::Bot(brain) = controller.as_mut() {
        let view = ctx.perceive(seat, &knowledge);
        brain.observe(&view, &action, &outcome);
    }
    dispatch(ctx, seat, &mut controller, &mut knowledge, &mut task);
}
