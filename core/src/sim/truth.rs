//! The ground truth behind the desk: which attack stage wrote each alert and record,
//! and where each record's line comes from.
//!
//! It is kept apart from the [`Ledger`](crate::soc::ledger::Ledger) on purpose: the
//! desk is what the SOC can see, and bots perceive only the desk (see
//! [`crate::soc::perception`]). The engine reads the truth to journal it, to know when a
//! seat's judgement detects an intrusion, and to run hunts; scoring reads it from the
//! journal; the facilitator's view shows it. No seat's view, and no bot, ever does.

use bevy::prelude::*;

use crate::content::LineRef;
use crate::scenario::{IntrusionIdx, StageIdx};
use crate::soc::{AlertId, RecordId};

/// A stage of an intrusion.
pub type StageRef = (IntrusionIdx, StageIdx);

/// What only the engine knows about the desk's alerts and records.
#[derive(Resource, Debug, Clone, Default)]
pub struct Truth {
    /// Per alert id: the stage behind it, or none for a benign alert.
    pub alert_stage: Vec<Option<StageRef>>,
    /// Per record id: the stage that wrote it, or none for ordinary activity.
    pub record_stage: Vec<Option<StageRef>>,
    /// Per record id: where its line comes from.
    pub record_line: Vec<LineRef>,
    /// The records a stage wrote, in id order (what a hunt can turn up besides the
    /// ordinary activity it draws).
    pub attack_records: Vec<RecordId>,
    /// For tests of the bots' blindness: when set, the labels are withheld from the
    /// engine's bookkeeping (the journal's labels and detection), so everything the
    /// attack writes is, to it, ordinary activity. The world itself is unchanged: hunts
    /// still turn up what the attack wrote. Nothing a seat perceives changes, which is
    /// the point.
    pub withheld: bool,
}

impl Truth {
    /// Forgets everything (for reusing a world), keeping the allocations.
    pub fn clear(&mut self) {
        self.alert_stage.clear();
        self.record_stage.clear();
        self.record_line.clear();
        self.attack_records.clear();
    }

    /// Notes the truth of a new alert (ids come in order).
    pub fn label_alert(&mut self, alert: AlertId, stage: Option<StageRef>) {
        debug_assert_eq!(alert as usize, self.alert_stage.len());
        self.alert_stage.push(stage);
    }

    /// Notes the truth and line of a new record (ids come in order).
    pub fn label_record(&mut self, record: RecordId, stage: Option<StageRef>, line: LineRef) {
        debug_assert_eq!(record as usize, self.record_stage.len());
        if stage.is_some() {
            self.attack_records.push(record);
        }
        self.record_stage.push(stage);
        self.record_line.push(line);
    }

    /// The stage behind an alert, as the engine's bookkeeping knows it.
    pub fn alert(&self, alert: AlertId) -> Option<StageRef> {
        self.alert_stage
            .get(alert as usize)
            .copied()
            .flatten()
            .filter(|_| !self.withheld)
    }

    /// The stage behind a record, as the engine's bookkeeping knows it.
    pub fn record(&self, record: RecordId) -> Option<StageRef> {
        self.record_stage
            .get(record as usize)
            .copied()
            .flatten()
            .filter(|_| !self.withheld)
    }

    /// The stage that wrote a record, for the world's own workings (a hunt for a
    /// technique turns up what the attack wrote for it), whatever the bookkeeping says.
    pub fn written_by(&self, record: RecordId) -> Option<StageRef> {
        self.record_stage.get(record as usize).copied().flatten()
    }
}
