//! Threat intel analyst bot: enriches the indicators the SOC comes across, one at a
//! time. A profile that orders by severity looks first at the indicators of cases and
//! handoffs (where an analyst is waiting on the answer), then at the rest in the order
//! they turned up; a first-in-first-out profile takes them as they come.

use super::{Brain, TriageOrder};
use crate::soc::action::{Action, Evidence};
use crate::soc::perception::Perception;

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    // Notice what has turned up since the last look, in the order the desk lists it.
    if view.desk.watchlist.len() > brain.mem.seen_indicators.len() {
        for e in view.desk.watchlist.iter() {
            if let Evidence::Observable(o) = e
                && brain.mem.seen_indicators.insert(e)
            {
                brain.mem.noticed.push_back(o);
            }
        }
    }
    let open = |o: &usize| view.desk.intel.get(*o).is_some_and(Option::is_none);
    brain.mem.noticed.retain(open);
    if brain.mem.noticed.is_empty() {
        return None;
    }
    let pick = match brain.profile.triage_order {
        TriageOrder::Fifo => brain.mem.noticed.front().copied(),
        TriageOrder::Severity => {
            // The indicators of open cases and waiting handoffs, gathered once.
            let mut wanted = std::mem::take(&mut brain.scratch_set);
            wanted.clear();
            let mut want = |items: &[Evidence]| {
                for &e in items {
                    if let Evidence::Observable(_) = e {
                        wanted.insert(e);
                    }
                }
            };
            for c in view.desk.cases.iter().filter(|c| c.merged_into.is_none()) {
                want(c.evidence());
            }
            for h in view.desk.handoffs_for_anyone() {
                want(&h.draft.evidence);
            }
            let first = brain
                .mem
                .noticed
                .iter()
                .copied()
                .find(|&o| wanted.contains(&Evidence::Observable(o)));
            brain.scratch_set = wanted;
            first.or_else(|| brain.mem.noticed.front().copied())
        }
    }?;
    brain.mem.noticed.retain(|&o| o != pick);
    Some(Action::Enrich(pick))
}
