//! The SOC's shared desk: alerts, telemetry records, cases, handoffs, the inject inbox,
//! what threat intelligence knows, and the seat board. Everything is kept in dense
//! id-indexed arenas, so lookups are direct and every iteration runs in id order (never
//! in entity or hash order).
//!
//! The desk holds only what the SOC can see: no ground truth. Which stage wrote an alert
//! or a record lives in [`crate::sim::truth::Truth`], which no seat perceives.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::action::{
    AlertId, CaseId, Evidence, EvidenceSet, HandoffDraft, HandoffId, RecordId, SeatId, Verdict,
};
use crate::clock::SimTime;
use crate::content::{Cues, Intel, IntelVerdict};
use crate::scenario::{
    AccountIdx, HostIdx, InjectIdx, Level, ObservableIdx, Role, RuleIdx, SourceIdx, TenantIdx,
};

/// An alert.
#[derive(Debug, Clone, Default)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Alert {
    /// Its number: the order alerts were raised in, from 0.
    pub id: AlertId,
    /// Rule that raised it.
    pub rule: RuleIdx,
    pub severity: Level,
    pub tenant: TenantIdx,
    /// Host it concerns.
    pub host: Option<HostIdx>,
    /// Account it concerns.
    pub account: Option<AccountIdx>,
    /// Indicators in it.
    pub observables: Vec<ObservableIdx>,
    /// The record it fired on (its line and cues are the alert's).
    pub record: Option<RecordId>,
    /// When it entered the queue.
    pub raised_at: SimTime,
    /// Seat holding it.
    pub taken_by: Option<SeatId>,
    /// Tier 1's verdict.
    pub verdict: Option<Verdict>,
    pub closed: bool,
    pub escalated: bool,
    /// The Tier 1 seat the manager assigned it to.
    pub assigned: Option<SeatId>,
}

/// A telemetry record.
#[derive(Debug, Clone, Default)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Record {
    /// Its number: the order records were written in, from 0.
    pub id: RecordId,
    /// When written.
    pub at: SimTime,
    /// Data source.
    pub source: SourceIdx,
    pub tenant: TenantIdx,
    pub host: Option<HostIdx>,
    pub account: Option<AccountIdx>,
    /// Indicators.
    pub observables: Vec<ObservableIdx>,
    /// What a console shows beside it.
    pub cues: Cues,
    /// The alert a rule raised on it, if one did (the console links the two).
    pub alert: Option<AlertId>,
}

impl Record {
    /// The record's evidence items: itself and what it names.
    pub fn items(&self) -> Vec<Evidence> {
        let mut v = Vec::with_capacity(3 + self.observables.len());
        self.push_items(&mut v);
        v
    }

    /// Appends [`Record::items`] to `out` (no allocation of its own).
    pub fn push_items(&self, out: &mut Vec<Evidence>) {
        out.reserve(3 + self.observables.len());
        out.push(Evidence::Record(self.id));
        push_named(out, self.host, self.account, &self.observables);
    }

    /// Whether the record concerns `subject`.
    #[inline]
    pub fn about(&self, subject: Evidence) -> bool {
        match subject {
            Evidence::Host(h) => self.host == Some(h),
            Evidence::Account(a) => self.account == Some(a),
            Evidence::Observable(o) => self.observables.contains(&o),
            Evidence::Record(r) => self.id == r,
            Evidence::Alert(_) => false,
        }
    }
}

/// Appends what an alert or record names: its host, account and indicators, in that
/// order (plain pushes: this runs for every item a search or a handoff shows).
fn push_named(
    out: &mut Vec<Evidence>,
    host: Option<HostIdx>,
    account: Option<AccountIdx>,
    observables: &[ObservableIdx],
) {
    if let Some(h) = host {
        out.push(Evidence::Host(h));
    }
    if let Some(a) = account {
        out.push(Evidence::Account(a));
    }
    for &o in observables {
        out.push(Evidence::Observable(o));
    }
}

/// The items a new case makes room for at once (it grows beyond if it must).
const CASE_ROOM: usize = 32;

/// A case: Tier 2's unit of work.
#[derive(Debug, Clone, Default)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Case {
    /// Its number: the order cases were opened in, from 0.
    pub id: CaseId,
    /// When opened.
    pub opened_at: SimTime,
    /// Seat working it.
    pub owner: Option<SeatId>,
    /// Evidence collected, in the order it was filed.
    evidence: Vec<Evidence>,
    /// The same items as a set: whether an item is filed is asked for every record a
    /// search turns up, and a case grows to dozens of items.
    filed: EvidenceSet,
    /// Declared an incident.
    pub incident: bool,
    pub severity: Level,
    /// Merged into another case.
    pub merged_into: Option<CaseId>,
}

impl Case {
    /// Evidence collected, in the order it was filed.
    pub fn evidence(&self) -> &[Evidence] {
        &self.evidence
    }

    /// Whether the case holds the item.
    pub fn holds(&self, item: &Evidence) -> bool {
        self.filed.contains(item)
    }

    /// Files an item the case does not hold yet.
    pub fn file(&mut self, item: Evidence) {
        if self.filed.insert(item) {
            self.evidence.push(item);
        }
    }

    /// Takes every item out of the case (when it is merged into another).
    pub fn take_evidence(&mut self) -> Vec<Evidence> {
        self.filed.clear();
        std::mem::take(&mut self.evidence)
    }
}

/// A handoff between roles.
#[derive(Debug, Clone)]
pub struct Handoff {
    /// Its number: the order handoffs were sent in, from 0.
    pub id: HandoffId,
    /// Sending seat.
    pub from_seat: SeatId,
    /// Sending role.
    pub from_role: Role,
    /// What was sent.
    pub draft: HandoffDraft,
    /// When sent.
    pub sent_at: SimTime,
    /// Seat that took it.
    pub taken_by: Option<SeatId>,
    /// Returned to the sender's role.
    pub returned: bool,
}

/// An inject the facilitator wrote and fired during the exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveInject {
    /// Headline.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Roles it is addressed to.
    pub to: Vec<Role>,
    /// Discussion questions.
    #[serde(default)]
    pub questions: Vec<String>,
    /// When it fired.
    #[serde(default)]
    pub at: SimTime,
}

/// A message from the facilitator.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// When it was sent.
    pub at: SimTime,
    /// The seat it is for; `None` for everyone.
    pub to: Option<SeatId>,
    /// What it says.
    pub text: String,
}

/// A seat's answer to an inject's questions.
#[derive(Debug, Clone, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Reply {
    /// When it was given.
    pub at: SimTime,
    /// Who answered.
    pub seat: SeatId,
    pub inject: usize,
    /// The answer.
    pub text: String,
}

/// A seat's line on the dispatch board.
#[derive(Debug, Clone, Copy)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Slot {
    pub role: Role,
    /// Working on an action.
    pub busy: bool,
    /// A wake-up is already on the agenda.
    pub wake_pending: bool,
    /// When the current action ends.
    pub until: SimTime,
    /// Held by a person (at a live console): bots of the role leave the role's queue
    /// to the people for the [`BotWait`].
    pub person: bool,
    /// The facilitator removed the seat: it takes no more work.
    pub gone: bool,
}

/// How long an item in a role's queue (a raised alert, a waiting handoff, an open
/// decision) is left to the people holding seats of that role before a bot of the role
/// may take it. Items the manager assigned to a bot are the bot's at once. Only people
/// are waited for: in an exercise with nobody at a console, bots take work at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum BotWait {
    /// Bots take work as soon as it arrives, racing the people of their role.
    #[default]
    Immediately,
    /// Bots take what has waited this many simulated seconds.
    After(u64),
    /// Bots of a role a person holds take only what is assigned to them.
    Never,
}

impl BotWait {
    /// Whether a bot may take an item that arrived at `since`, at `now`, when people
    /// hold seats of its role.
    pub fn lets_bot_take(self, since: SimTime, now: SimTime) -> bool {
        match self {
            BotWait::Immediately => true,
            BotWait::After(w) => now >= since.saturating_add(w),
            BotWait::Never => false,
        }
    }

    /// When an item that arrived at `since` becomes a bot's to take, if ever.
    pub fn bot_may_take_at(self, since: SimTime) -> Option<SimTime> {
        match self {
            BotWait::Immediately => Some(since),
            BotWait::After(w) => Some(since.saturating_add(w)),
            BotWait::Never => None,
        }
    }
}

/// The Tier 1 queue: raised alerts nobody has taken, kept in arrival order and indexed
/// by triage priority, so taking the next alert costs a logarithm, not a scan, when
/// thousands wait (a 50-tenant night shift).
#[derive(Debug, Clone, Default)]
pub struct Queue {
    /// (arrival number, alert).
    arrivals: BTreeSet<(u64, AlertId)>,
    /// Priority keys, most urgent first.
    by_priority: BTreeSet<Priority>,
    /// Per alert id, while it waits: its arrival number and priority key.
    waiting: Vec<Option<(u64, Priority)>>,
    arrived: u64,
}

/// Severity (highest first), the tenant's pickup target, when raised, alert id.
type Priority = (Reverse<Level>, u64, SimTime, AlertId);

impl Queue {
    /// Puts an alert at the back; `pickup_target` is its tenant's SLA pickup time.
    pub fn push(&mut self, alert: &Alert, pickup_target: u64) {
        let i = alert.id as usize;
        if self.waiting.len() <= i {
            self.waiting.resize(i + 1, None);
        }
        if self.waiting[i].is_some() {
            return;
        }
        let key = (
            Reverse(alert.severity),
            pickup_target,
            alert.raised_at,
            alert.id,
        );
        self.waiting[i] = Some((self.arrived, key));
        self.arrivals.insert((self.arrived, alert.id));
        self.by_priority.insert(key);
        self.arrived += 1;
    }

    /// Takes an alert out; false when it was not waiting.
    pub fn remove(&mut self, alert: AlertId) -> bool {
        let Some((n, key)) = self.waiting.get_mut(alert as usize).and_then(Option::take) else {
            return false;
        };
        self.arrivals.remove(&(n, alert));
        self.by_priority.remove(&key);
        true
    }

    /// Whether the alert is waiting.
    pub fn contains(&self, alert: AlertId) -> bool {
        self.waiting
            .get(alert as usize)
            .is_some_and(Option::is_some)
    }

    /// How many alerts wait.
    pub fn len(&self) -> usize {
        self.arrivals.len()
    }

    /// Whether none wait.
    pub fn is_empty(&self) -> bool {
        self.arrivals.is_empty()
    }

    /// The alert that arrived first.
    pub fn first(&self) -> Option<AlertId> {
        self.arrivals.first().map(|&(_, a)| a)
    }

    /// The most urgent alert: highest severity, then tightest SLA, then oldest, then
    /// lowest id.
    pub fn most_urgent(&self) -> Option<AlertId> {
        self.by_priority.first().map(|&(_, _, _, a)| a)
    }

    /// The waiting alerts, most urgent first.
    pub fn by_urgency(&self) -> impl Iterator<Item = AlertId> + '_ {
        self.by_priority.iter().map(|&(_, _, _, a)| a)
    }

    /// The waiting alerts in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = AlertId> + '_ {
        self.arrivals.iter().map(|&(_, a)| a)
    }
}

/// The SOC's shared desk.
#[derive(Resource, Debug, Clone, Default)]
pub struct Ledger {
    /// Alerts by id (including those still in the pipeline).
    pub alerts: Vec<Alert>,
    /// Tier 1 queue: raised alerts nobody has taken.
    pub queue: Queue,
    /// Alerts in the queue that the manager assigned to a seat.
    pub assigned_waiting: u32,
    /// Telemetry records by id.
    pub records: Vec<Record>,
    /// Indicators the SOC has come across in raised alerts and in handoffs: what the
    /// threat intel analyst may enrich.
    pub watchlist: EvidenceSet,
    /// Per indicator: what threat intelligence has told the SOC, once it has.
    pub intel: Vec<Option<Intel>>,
    /// Per host: an eradication has landed since the SOC last asked for one (the
    /// responder's signal that the host may go back into service).
    pub eradicated: Vec<bool>,
    /// Cases by id.
    pub cases: Vec<Case>,
    /// Handoffs by id.
    pub handoffs: Vec<Handoff>,
    /// Fired injects with an open decision.
    pub inbox: Vec<InjectIdx>,
    /// Per inject: fired.
    pub injects_fired: Vec<bool>,
    /// Per inject: when it fired (T+0 until it does).
    pub injects_fired_at: Vec<SimTime>,
    /// Per rule: alerts Tier 1 closed as benign (the detection engineer's tuning input).
    pub false_positives: Vec<u32>,
    /// Per rule: alerts Tier 1 called malicious.
    pub malicious_calls: Vec<u32>,
    /// Seats by id (filled by [`Ledger::seat`]).
    pub board: Vec<Slot>,
    /// The seat ids of each role, in order: a role is woken on most events.
    role_seats: [Vec<SeatId>; 7],
    /// How long bots leave their role's work to the people of the role.
    pub bot_wait: BotWait,
    /// Injects the facilitator wrote during the exercise, in order; their inject
    /// numbers follow the scenario's.
    pub live_injects: Vec<LiveInject>,
    /// Messages from the facilitator, in order.
    pub messages: Vec<Message>,
    /// Seats' answers to injects' questions, in order.
    pub replies: Vec<Reply>,
    /// Per host, account and indicator: the records that name it, in id order.
    about: [Vec<Vec<RecordId>>; 3],
}

impl Ledger {
    /// An empty desk for `scenario`, reusing this one's allocations (a batch resets the
    /// same world thousands of times). Every field is named, so a new one cannot be
    /// forgotten here.
    pub fn recycle(&mut self, scenario: &crate::scenario::Scenario) {
        let (injects, rules) = (scenario.injects.len(), scenario.rules.len());
        let Ledger {
            alerts,
            queue,
            assigned_waiting,
            records,
            watchlist,
            intel,
            eradicated,
            cases,
            handoffs,
            inbox,
            injects_fired,
            injects_fired_at,
            false_positives,
            malicious_calls,
            board,
            role_seats,
            bot_wait,
            live_injects,
            messages,
            replies,
            about,
        } = self;
        alerts.clear();
        let Queue {
            arrivals,
            by_priority,
            waiting,
            arrived,
        } = queue;
        arrivals.clear();
        by_priority.clear();
        waiting.clear();
        *arrived = 0;
        *assigned_waiting = 0;
        records.clear();
        *watchlist = EvidenceSet::default();
        // The threat feed: what is known from T+0.
        intel.clear();
        intel.resize(scenario.observables.len(), None);
        for e in scenario.intel.iter().filter(|e| e.known) {
            intel[e.observable] = Some(e.intel);
        }
        eradicated.clear();
        eradicated.resize(scenario.hosts.len(), false);
        cases.clear();
        handoffs.clear();
        inbox.clear();
        injects_fired.clear();
        injects_fired.resize(injects, false);
        injects_fired_at.clear();
        injects_fired_at.resize(injects, SimTime::ZERO);
        false_positives.clear();
        false_positives.resize(rules, 0);
        malicious_calls.clear();
        malicious_calls.resize(rules, 0);
        board.clear();
        for seats in role_seats.iter_mut() {
            seats.clear();
        }
        *bot_wait = BotWait::default();
        live_injects.clear();
        messages.clear();
        replies.clear();
        for (lists, n) in about.iter_mut().zip([
            scenario.hosts.len(),
            scenario.accounts.len(),
            scenario.observables.len(),
        ]) {
            lists.iter_mut().for_each(Vec::clear);
            lists.resize_with(n, Vec::new);
        }
    }

    /// Adds an alert, assigning its id, and links its record to it.
    pub fn add_alert(&mut self, mut alert: Alert) -> AlertId {
        let id = self.alerts.len() as AlertId;
        alert.id = id;
        if let Some(r) = alert.record.and_then(|r| self.records.get_mut(r as usize)) {
            r.alert.get_or_insert(id);
        }
        self.alerts.push(alert);
        id
    }

    /// Adds a record, assigning its id.
    pub fn add_record(&mut self, mut record: Record) -> RecordId {
        let id = self.records.len() as RecordId;
        record.id = id;
        let mut list = |kind: usize, i: usize| {
            let lists = &mut self.about[kind];
            if lists.len() <= i {
                lists.resize_with(i + 1, Vec::new);
            }
            if lists[i].last() != Some(&id) {
                lists[i].push(id);
            }
        };
        if let Some(h) = record.host {
            list(0, h);
        }
        if let Some(a) = record.account {
            list(1, a);
        }
        for &o in &record.observables {
            list(2, o);
        }
        self.records.push(record);
        id
    }

    /// The records about `subject` (see [`Record::about`]), in id order.
    pub fn records_about(&self, subject: Evidence) -> impl Iterator<Item = &Record> + '_ {
        let list = |kind: usize, i: usize| self.about[kind].get(i).map_or(&[][..], Vec::as_slice);
        let ids: &[RecordId] = match subject {
            Evidence::Host(h) => list(0, h),
            Evidence::Account(a) => list(1, a),
            Evidence::Observable(o) => list(2, o),
            // The record itself: its id, where the record keeps it.
            Evidence::Record(r) => self
                .records
                .get(r as usize)
                .map_or(&[][..], |rec| std::slice::from_ref(&rec.id)),
            Evidence::Alert(_) => &[],
        };
        ids.iter().map(|&i| &self.records[i as usize])
    }

    /// Puts indicators on the watchlist; true when one was new.
    pub fn watch(&mut self, items: &[Evidence]) -> bool {
        let mut new = false;
        for &e in items {
            if let Evidence::Observable(_) = e {
                new |= self.watchlist.insert(e);
            }
        }
        new
    }

    /// What threat intelligence has told the SOC about the indicators of an item: the
    /// strongest verdict among them (malicious over benign over unknown, then the surer).
    pub fn intel_on(&self, observables: &[ObservableIdx]) -> Option<Intel> {
        observables
            .iter()
            .filter_map(|&o| self.intel.get(o).copied().flatten())
            .max_by(|a, b| {
                let rank = |i: &Intel| match i.verdict {
                    IntelVerdict::Malicious => 2,
                    IntelVerdict::Benign => 1,
                    IntelVerdict::Unknown => 0,
                };
                rank(a)
                    .cmp(&rank(b))
                    .then(a.confidence.total_cmp(&b.confidence))
            })
    }

    /// An alert's evidence items: itself, its host, account, indicators and record.
    pub fn alert_items(&self, alert: AlertId) -> Vec<Evidence> {
        let mut items = Vec::with_capacity(4 + self.alerts[alert as usize].observables.len());
        self.push_alert_items(alert, &mut items);
        items
    }

    /// Appends [`Ledger::alert_items`] to `out` (no allocation of its own).
    pub fn push_alert_items(&self, alert: AlertId, out: &mut Vec<Evidence>) {
        let al = &self.alerts[alert as usize];
        out.reserve(4 + al.observables.len());
        out.push(Evidence::Alert(alert));
        push_named(out, al.host, al.account, &al.observables);
        if let Some(r) = al.record {
            out.push(Evidence::Record(r));
        }
    }

    /// Puts a seat on the board; its id is its place there.
    pub fn seat(&mut self, slot: Slot) -> SeatId {
        let id = self.board.len() as SeatId;
        self.role_seats[slot.role as usize].push(id);
        self.board.push(slot);
        id
    }

    /// The seats of `role`, by id.
    pub fn seats_of(&self, role: Role) -> &[SeatId] {
        &self.role_seats[role as usize]
    }

    /// Opens a case.
    pub fn open_case(
        &mut self,
        now: SimTime,
        owner: SeatId,
        mut evidence: Vec<Evidence>,
        severity: Level,
    ) -> CaseId {
        let id = self.cases.len() as CaseId;
        // A case grows by what its investigations turn up: a few dozen items.
        evidence.reserve(CASE_ROOM);
        self.cases.push(Case {
            id,
            opened_at: now,
            owner: Some(owner),
            filed: evidence.iter().copied().collect(),
            evidence,
            severity,
            ..Case::default()
        });
        id
    }

    /// Handoffs waiting for `role`, oldest first.
    pub fn handoffs_for(&self, role: Role) -> impl Iterator<Item = &Handoff> {
        self.handoffs
            .iter()
            .filter(move |h| h.draft.to == role && h.taken_by.is_none() && !h.returned)
    }

    /// Whether a seat of `role` is in the exercise (not removed): work can be handed to
    /// the role.
    pub fn staffed(&self, role: Role) -> bool {
        self.board.iter().any(|s| s.role == role && !s.gone)
    }

    /// Whether a person holds a seat of `role` (bots of the role then leave its work
    /// to them for the [`BotWait`]).
    pub fn people_on(&self, role: Role) -> bool {
        self.board.iter().any(|s| s.person && s.role == role)
    }

    /// Handoffs waiting for any role, oldest first.
    pub fn handoffs_for_anyone(&self) -> impl Iterator<Item = &Handoff> {
        self.handoffs
            .iter()
            .filter(|h| h.taken_by.is_none() && !h.returned)
    }

    /// The share of a rule's judged alerts Tier 1 called benign, with a prior of three
    /// undecided calls: a rule earns its reputation for noise.
    pub fn rule_noise(&self, rule: usize) -> f64 {
        let benign = f64::from(self.false_positives.get(rule).copied().unwrap_or(0));
        let malicious = f64::from(self.malicious_calls.get(rule).copied().unwrap_or(0));
        benign / (benign + malicious + 3.0)
    }

    /// Whether an evidence item points at something that exists.
    pub fn exists(
        &self,
        item: Evidence,
        hosts: usize,
        accounts: usize,
        observables: usize,
    ) -> bool {
        match item {
            Evidence::Alert(a) => (a as usize) < self.alerts.len(),
            Evidence::Record(r) => (r as usize) < self.records.len(),
            Evidence::Host(h) => h < hosts,
            Evidence::Account(a) => a < accounts,
            Evidence::Observable(o) => o < observables,
        }
    }
}
