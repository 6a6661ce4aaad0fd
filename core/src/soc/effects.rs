//! What a finished action does: its effect on the desk, the attack and the team,
//! the journal lines that record it, and what the seat learns from it.

use bevy::prelude::*;

use crate::journal::{Entry, Measure};
use crate::scenario::{Consequence, Role};
use crate::sim::detect::{About, Defense, apply_now};
use crate::sim::{Ctx, PartnerDone, RuleDeploy, SeatReady, SimEvent};

use super::*;

/// Lands a finished action's effect.
pub(super) fn apply(
    ctx: &mut Ctx,
    seat: &Seat,
    knowledge: &mut Knowledge,
    action: &Action,
) -> Outcome {
    let now = ctx.now();
    let id = seat.id;
    match action {
        Action::TakeAlert(a) => {
            ctx.log(Entry::AlertTaken {
                seat: id,
                alert: *a,
            });
            // What the alert shows, listed kind by kind as a reveal journals it.
            let al = &ctx.ledger.alerts[*a as usize];
            let mut items = Vec::with_capacity(4 + al.observables.len());
            items.push(Evidence::Alert(*a));
            items.extend(al.record.map(Evidence::Record));
            items.extend(al.host.map(Evidence::Host));
            items.extend(al.account.map(Evidence::Account));
            items.extend(al.observables.iter().map(|&o| Evidence::Observable(o)));
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
                draft: (**draft).clone(),
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
            let draft = &ctx.ledger.handoffs[*h as usize].draft;
            let (into, severity) = (draft.case, draft.severity);
            // The items handed over, and room for what the alerts and records show.
            let mut items = Vec::with_capacity(6 * draft.evidence.len());
            items.extend_from_slice(&draft.evidence);
            let case = match into.filter(|c| (*c as usize) < ctx.ledger.cases.len()) {
                Some(c) => {
                    let cs = &mut ctx.ledger.cases[c as usize];
                    cs.owner = Some(id);
                    for &e in &items {
                        cs.file(e);
                    }
                    c
                }
                None => ctx.ledger.open_case(now, id, items.clone(), severity),
            };
            ctx.log(Entry::HandoffTaken {
                handoff: *h,
                seat: id,
                case,
            });
            // Opening an attached alert or record shows what it says: its host,
            // account and indicators, as the sender saw them.
            for i in 0..items.len() {
                match items[i] {
                    Evidence::Alert(a) => ctx.ledger.push_alert_items(a, &mut items),
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
            let about = ctx.ledger.records_about(*subject);
            // Room for what it finds and the few ordinary records drawn beside them.
            let mut found = Vec::with_capacity(about.size_hint().1.unwrap_or(0) + DRAWN_AT_MOST);
            found.extend(about.filter(|r| r.at >= from && r.at <= now).map(|r| r.id));
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
            benign_activity(ctx, *subject, Lines::Any, *lookback, already, &mut found);
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
            let s = ctx.scenario_ref();
            // Only what the attack wrote can match: the rest of the haystack is drawn.
            let mut found = Vec::with_capacity(ctx.truth.attack_records.len() + DRAWN_AT_MOST);
            let written = (ctx.truth.attack_records.iter())
                .map(|&r| &ctx.ledger.records[r as usize])
                .filter(|r| r.at >= from && r.at <= now && tenant.is_none_or(|t| r.tenant == t))
                .filter(|r| match (hypothesis, ctx.truth.written_by(r.id)) {
                    (Hypothesis::Technique(t), Some((i, st))) => {
                        crate::scenario::attack::covers(t, &s.intrusions[i].stages[st].technique)
                    }
                    (Hypothesis::Source(src), Some(_)) => r.source == *src,
                    (_, None) => false,
                })
                .map(|r| r.id);
            found.extend(written);
            let lines = match hypothesis {
                Hypothesis::Source(src) => Lines::Source(*src),
                Hypothesis::Technique(t) => Lines::Technique(t),
            };
            benign_activity(
                ctx,
                Evidence::Record(u32::MAX),
                lines,
                *lookback,
                0,
                &mut found,
            );
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
            let items = cs.evidence().to_vec();
            ctx.log(Entry::IncidentDeclared {
                seat: id,
                case: *c,
                severity: *sev,
            });
            // Declaring the case is judging what it holds malicious.
            for i in ctx.truth_behind(&items) {
                ctx.detect(i, id);
            }
            // The manager sets the incident's priority.
            ctx.wake(Role::Manager);
        }
        Action::MergeCases(a, b) => {
            let moved = ctx.ledger.cases[*b as usize].take_evidence();
            ctx.ledger.cases[*b as usize].merged_into = Some(*a);
            let into = &mut ctx.ledger.cases[*a as usize];
            for e in moved {
                into.file(e);
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
            let scenario = ctx.scenario_ref();
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
pub(super) fn finish_search(
    ctx: &mut Ctx,
    seat: SeatId,
    knowledge: &mut Knowledge,
    case: Option<CaseId>,
    found: Vec<RecordId>,
    entry: impl FnOnce(Vec<RecordId>) -> Entry,
) -> Outcome {
    ctx.log(entry(found.clone()));
    ctx.reveal_records(seat, knowledge, &found);
    if let Some(c) = case {
        let cs = &mut ctx.ledger.cases[c as usize];
        for &r in &found {
            cs.file(Evidence::Record(r));
        }
    }
    // Turning records up is not judging them: detection waits for the seat to declare
    // the case or hand the records on.
    Outcome::Records(found)
}

/// The most ordinary records one search draws (see [`benign_activity`]): what one
/// analyst would list of the thousands of records a day's activity holds.
const DRAWN_AT_MOST: usize = 4;

/// Which benign lines a search's haystack says.
pub(super) enum Lines<'a> {
    /// Ordinary activity of any source with benign activity.
    Any,
    /// Ordinary activity of this source (a hunt over a data source).
    Source(usize),
    /// What rules for this technique fire on when nothing is wrong (a hunt for a
    /// technique turns up the same look-alikes its rules alert on).
    Technique(&'a str),
}

/// Benign records an investigation or hunt turns up, added to `found`: the haystack
/// around the needle. Their number follows the scenario's benign activity rate, capped
/// to what one analyst would list, and they are drawn from their own stream.
pub(super) fn benign_activity(
    ctx: &mut Ctx,
    subject: Evidence,
    lines: Lines,
    lookback: u64,
    already: usize,
    found: &mut Vec<RecordId>,
) {
    let s = ctx.scenario_ref();
    // Investigations and hunts each draw from a stream of their own.
    let hunt = !matches!(lines, Lines::Any);
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
        return;
    }
    // Activity spreads over every host; an analyst surfaces about one in a thousand
    // records as worth a look.
    let expected = per_hour * (lookback as f64 / 3600.0) / (s.hosts.len().max(1) as f64 * 50.0);
    // Records an earlier search already turned up in the window are part of the same
    // activity: only what is missing is drawn.
    // (Both terms are at least 0, so converting takes the floor.)
    let n = ((expected.min(DRAWN_AT_MOST as f64) + ctx.rngs.activity_for(hunt).unit()) as usize)
        .saturating_sub(already);
    let now = ctx.now();
    let about = match subject {
        Evidence::Host(h) => About::Host(h),
        Evidence::Account(a) => About::Account(a),
        Evidence::Observable(o) => About::Observable(o),
        _ => About::Anything,
    };
    let triggers = match lines {
        Lines::Technique(t) => s.lookup.hunt_lines(t),
        _ => &[],
    };
    found.reserve(n);
    for _ in 0..n {
        let (src, candidates): (usize, &[u16]) = if triggers.is_empty() {
            let noise = &s.noise[ctx.rngs.activity_for(hunt).below(s.noise.len())];
            let src = only.unwrap_or(noise.source);
            (src, &s.lookup.source_lines[src])
        } else {
            let (src, lines) = &triggers[ctx.rngs.activity_for(hunt).below(triggers.len())];
            (*src, lines)
        };
        let at = now.saturating_sub(ctx.rngs.activity_for(hunt).between(0, lookback));
        let (record, line) = crate::sim::detect::benign_record(
            s,
            src,
            candidates,
            about,
            ctx.rngs.activity_for(hunt),
            at,
        );
        found.push(ctx.add_record(record, None, line));
    }
}

/// Asks a partner team for a measure; it lands after the team's delay.
pub(super) fn request(ctx: &mut Ctx, seat: SeatId, measure: Measure) {
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
