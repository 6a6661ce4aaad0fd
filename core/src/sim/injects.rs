//! Injects: narrative events fired at a time or on a condition, addressed to roles.

use bevy::prelude::*;

use super::{Ctx, InjectDue, SimEvent};
use crate::journal::Entry;
use crate::scenario::{IntrusionIdx, Role, StageIdx, Trigger};

/// Schedules the time-based injects at the start of an exercise.
pub fn schedule_timed(ctx: &mut Ctx) {
    let scenario = ctx.scenario_ref();
    for (i, inject) in scenario.injects.iter().enumerate() {
        let at = match inject.when {
            Trigger::At(t) | Trigger::NotContainedBy(_, t) => t,
            _ => continue,
        };
        ctx.agenda
            .at(at, SimEvent::Inject(InjectDue { inject: i as u16 }));
    }
}

/// Fires an inject: journals it, files decisions in the manager's inbox, wakes addressees.
pub fn fire(ctx: &mut Ctx, inject: usize) {
    if ctx.ledger.injects_fired[inject] {
        return;
    }
    ctx.ledger.injects_fired[inject] = true;
    ctx.ledger.injects_fired_at[inject] = ctx.clock.now;
    ctx.log(Entry::InjectFired { inject });
    let scenario = ctx.scenario_ref();
    let spec = &scenario.injects[inject];
    if spec.decision.is_some() {
        ctx.ledger.inbox.push(inject);
    }
    for &role in &spec.to {
        ctx.wake(role);
    }
    if spec.decision.is_some() && !spec.to.contains(&Role::Manager) {
        ctx.wake(Role::Manager);
    }
}

/// Fires the injects that wait on a stage.
pub fn fire_stage_injects(ctx: &mut Ctx, intrusion: IntrusionIdx, stage: StageIdx) {
    let hits: Vec<usize> = ctx
        .scenario
        .0
        .injects
        .iter()
        .enumerate()
        .filter(|(_, i)| i.when == Trigger::AfterStage(intrusion, stage))
        .map(|(n, _)| n)
        .collect();
    for i in hits {
        fire(ctx, i);
    }
}

/// Fires the injects that wait on the first detection of an intrusion.
pub fn fire_detection_injects(ctx: &mut Ctx, intrusion: IntrusionIdx) {
    let hits: Vec<usize> = ctx
        .scenario
        .0
        .injects
        .iter()
        .enumerate()
        .filter(|(_, i)| i.when == Trigger::OnDetected(intrusion))
        .map(|(n, _)| n)
        .collect();
    for i in hits {
        fire(ctx, i);
    }
}

/// A timed inject comes up; a "not contained by" inject fires only if the intrusion
/// has begun and still holds an active foothold.
pub(super) fn on_inject_due(ctx: &mut Ctx, due: InjectDue) {
    let i = due.inject as usize;
    let when = ctx.scenario.0.injects[i].when;
    if let Trigger::NotContainedBy(intrusion, _) = when {
        let begun = ctx.attack.intrusions[intrusion].compromised_at.is_some();
        if !begun || !ctx.attack.active(intrusion, ctx.defense) {
            return;
        }
    }
    fire(ctx, i);
}
