//! Refusals: why the engine turns an action down — outside the seat's role, aimed at
//! something the seat has not discovered or been handed, or impossible now. A refused
//! action changes nothing but the journal's line saying so.

use bevy::prelude::*;

use crate::scenario::Role;
use crate::scenario::attack::Catalogue;
use crate::sim::Ctx;

use super::*;

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
