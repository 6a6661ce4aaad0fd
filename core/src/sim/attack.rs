//! Attack progression: stages fire on their timing when their preconditions hold;
//! blocked stages hand over to their fallback; effects accumulate footholds, stolen
//! accounts and impact.

use bevy::prelude::*;

use super::{Ctx, SimEvent, StageDue};
use crate::clock::SimTime;
use crate::journal::{BlockReason, Entry};
use crate::scenario::{HostIdx, IntrusionIdx, Requirement, StageEffect, StageIdx};
use crate::sim::detect::{Defense, write_stage_telemetry};
use crate::sim::injects::fire_stage_injects;

/// Where a stage stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StageStatus {
    /// Not yet due.
    #[default]
    Waiting,
    /// On the agenda.
    Scheduled,
    /// Happened.
    Fired,
    /// Was due but could not run.
    Blocked,
}

/// The attacker's progress in one intrusion.
#[derive(Debug, Clone, Default)]
pub struct IntrusionState {
    /// Per stage.
    pub status: Vec<StageStatus>,
    /// Per stage: it, or a fallback standing in for it, happened (successors may go).
    pub satisfied: Vec<bool>,
    /// Hosts where the attacker holds a foothold (active unless isolated).
    pub footholds: Vec<HostIdx>,
    /// Accounts the attacker holds (usable unless disabled or reset).
    pub accounts: Vec<usize>,
    /// Impact points realised.
    pub impact: f64,
    /// Per stage: the blocked stage this one runs in place of, as its fallback.
    pub stands_for: Vec<Option<StageIdx>>,
    /// Stages scheduled and not yet due.
    pub scheduled: u32,
    /// When the first stage happened.
    pub compromised_at: Option<SimTime>,
    /// Whether a seat has judged one of its items malicious.
    pub detected: bool,
    /// Whether the attacker has announced itself (a stage marked `announces` fired).
    pub told: bool,
}

/// The attacker's progress in every intrusion.
#[derive(Resource, Debug, Clone, Default)]
pub struct AttackState {
    /// Per intrusion.
    pub intrusions: Vec<IntrusionState>,
    /// Set once the first stages are scheduled.
    pub started: bool,
}

impl AttackState {
    /// Whether the intrusion holds any foothold or usable account right now.
    pub fn active(&self, i: IntrusionIdx, defense: &Defense) -> bool {
        let s = &self.intrusions[i];
        s.footholds.iter().any(|&h| !defense.isolated[h])
            || s.accounts.iter().any(|&a| defense.account_usable(a))
    }

    /// Whether the attacker holds an active foothold on `host` in intrusion `i`.
    pub fn has_foothold(&self, i: IntrusionIdx, host: HostIdx, defense: &Defense) -> bool {
        !defense.isolated[host] && self.intrusions[i].footholds.contains(&host)
    }

    /// Whether every intrusion is over: nothing scheduled and nothing active.
    pub fn all_resolved(&self, defense: &Defense) -> bool {
        (0..self.intrusions.len()).all(|i| {
            let s = &self.intrusions[i];
            s.scheduled == 0 && !self.active(i, defense) && {
                // Eradication is part of the story: wait until persistence is gone.
                s.footholds.iter().all(|&h| defense.eradicated[h])
            }
        })
    }
}

/// Schedules every intrusion's first stages.
pub fn schedule_roots(ctx: &mut Ctx) {
    let scenario = ctx.scenario_ref();
    ctx.attack.intrusions = scenario
        .intrusions
        .iter()
        .map(|i| IntrusionState {
            status: vec![StageStatus::Waiting; i.stages.len()],
            satisfied: vec![false; i.stages.len()],
            stands_for: vec![None; i.stages.len()],
            ..default()
        })
        .collect();
    for (ii, intrusion) in scenario.intrusions.iter().enumerate() {
        for (si, stage) in intrusion.stages.iter().enumerate() {
            if stage.is_root() {
                schedule_stage(ctx, ii, si);
            }
        }
    }
    ctx.attack.started = true;
}

fn schedule_stage(ctx: &mut Ctx, intrusion: IntrusionIdx, stage: StageIdx) {
    let timing = ctx.scenario.0.intrusions[intrusion].stages[stage].delay;
    let delay = ctx.rngs.attack.timing(timing);
    let state = &mut ctx.attack.intrusions[intrusion];
    if state.status[stage] != StageStatus::Waiting {
        return;
    }
    state.status[stage] = StageStatus::Scheduled;
    state.scheduled += 1;
    ctx.after(
        delay,
        SimEvent::Stage(StageDue {
            intrusion: intrusion as u16,
            stage: stage as u16,
        }),
    );
}

/// The first precondition of a stage that does not hold, if any.
fn unmet(ctx: &Ctx, intrusion: IntrusionIdx, stage: StageIdx) -> Option<BlockReason> {
    let st = &ctx.scenario.0.intrusions[intrusion].stages[stage];
    st.requires.iter().find_map(|r| match *r {
        Requirement::Foothold(h) => (!ctx.attack.has_foothold(intrusion, h, ctx.defense))
            .then_some(BlockReason::NoFoothold(h)),
        Requirement::AccountEnabled(a) => {
            (!ctx.defense.account_usable(a)).then_some(BlockReason::AccountUnusable(a))
        }
        Requirement::NotBlocked(o) => ctx.defense.blocked[o].then_some(BlockReason::Blocked(o)),
        Requirement::NotEnacted(p) => ctx.defense.enacted[p].then_some(BlockReason::Enacted(p)),
    })
}

/// Runs a due stage: checks preconditions, applies effects, writes telemetry, and
/// schedules what comes next (successors, or the fallback if blocked).
pub(super) fn run_stage(ctx: &mut Ctx, due: StageDue) {
    let (ii, si) = (due.intrusion as usize, due.stage as usize);
    let scenario = ctx.scenario_ref();
    let stage = &scenario.intrusions[ii].stages[si];
    ctx.attack.intrusions[ii].scheduled -= 1;

    if let Some(reason) = unmet(ctx, ii, si) {
        ctx.attack.intrusions[ii].status[si] = StageStatus::Blocked;
        ctx.log(Entry::StageBlocked {
            intrusion: ii,
            stage: si,
            reason,
            fallback: stage.fallback,
        });
        if let Some(f) = stage.fallback {
            ctx.attack.intrusions[ii].stands_for[f] = Some(si);
            schedule_stage(ctx, ii, f);
        }
        ctx.conclude_if_resolved();
        return;
    }

    let now = ctx.now();
    {
        let state = &mut ctx.attack.intrusions[ii];
        state.status[si] = StageStatus::Fired;
        state.compromised_at.get_or_insert(now);
        state.told |= stage.announces;
    }
    ctx.log(Entry::StageFired {
        intrusion: ii,
        stage: si,
    });
    for effect in &stage.effects {
        match effect {
            StageEffect::Foothold(h) => {
                let state = &mut ctx.attack.intrusions[ii];
                if !state.footholds.contains(h) {
                    state.footholds.push(*h);
                }
                // Persistence is fresh: earlier eradication does not cover it.
                ctx.defense.eradicated[*h] = false;
                ctx.log(Entry::FootholdGained {
                    intrusion: ii,
                    host: *h,
                });
            }
            StageEffect::Compromise(a) => {
                let state = &mut ctx.attack.intrusions[ii];
                if !state.accounts.contains(a) {
                    state.accounts.push(*a);
                }
                ctx.defense.reset[*a] = false;
                ctx.log(Entry::AccountCompromised {
                    intrusion: ii,
                    account: *a,
                });
            }
            StageEffect::Impact { points, .. } => {
                ctx.attack.intrusions[ii].impact += points;
                ctx.log(Entry::Impact {
                    intrusion: ii,
                    stage: si,
                    points: *points,
                });
            }
        }
    }
    write_stage_telemetry(ctx, ii, si);
    fire_stage_injects(ctx, ii, si);

    // This stage is satisfied, and so is every blocked stage it stands in for.
    let mut satisfied = vec![si];
    let mut cur = si;
    while let Some(orig) = ctx.attack.intrusions[ii].stands_for[cur] {
        if satisfied.contains(&orig) {
            break;
        }
        satisfied.push(orig);
        cur = orig;
    }
    for s in satisfied {
        ctx.attack.intrusions[ii].satisfied[s] = true;
        for &next in &scenario.intrusions[ii].stages[s].successors {
            let ready = scenario.intrusions[ii].stages[next]
                .after
                .iter()
                .all(|&a| ctx.attack.intrusions[ii].satisfied[a]);
            if ready {
                schedule_stage(ctx, ii, next);
            }
        }
    }
    ctx.conclude_if_resolved();
}

impl Ctx<'_> {
    /// Ends the exercise if every intrusion is resolved.
    pub fn conclude_if_resolved(&mut self) {
        if self.attack.started && !self.clock.ended && self.attack.all_resolved(self.defense) {
            self.clock.ended = true;
            self.log(Entry::Ended {
                reason: "resolved".into(),
            });
        }
    }
}
