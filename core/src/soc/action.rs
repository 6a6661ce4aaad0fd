//! What a seat can do: actions, the evidence they carry, and which role may take each.

use serde::{Deserialize, Serialize};

use crate::scenario::{
    AccountIdx, ActionName, HostIdx, InjectIdx, Level, ObservableIdx, Role, RuleIdx, SourceIdx,
    TenantIdx,
};

/// Id of an alert, in order of creation.
pub type AlertId = u32;
/// Id of a telemetry record.
pub type RecordId = u32;
/// Id of a case.
pub type CaseId = u32;
/// Id of a handoff.
pub type HandoffId = u32;
/// Id of a seat, in role order then seat number.
pub type SeatId = u16;

/// An item of evidence a seat can see, attach to a handoff, and act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Evidence {
    Alert(AlertId),
    /// A telemetry record.
    Record(RecordId),
    Host(HostIdx),
    Account(AccountIdx),
    Observable(ObservableIdx),
}

/// A triage verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// True positive: malicious activity.
    Malicious,
    /// False positive: benign activity.
    Benign,
}

/// A hunt hypothesis.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Hypothesis {
    /// Activity of this ATT&CK technique (a parent id covers its sub-techniques).
    Technique(String),
    /// Anything unusual in this data source.
    Source(SourceIdx),
}

/// A detection engineer's change to a rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum RuleChange {
    /// Deploy the rule.
    Enable,
    /// Withdraw the rule.
    Disable,
    /// Retune it: new fidelity and benign rate, where given.
    Tune {
        /// New fidelity.
        fidelity: Option<f64>,
        /// New benign alerts per hour.
        benign_per_hour: Option<f64>,
    },
}

/// A handoff being written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandoffDraft {
    /// Receiving role.
    pub to: Role,
    /// The alert it is about (Tier 1 escalations).
    pub alert: Option<AlertId>,
    /// The case it is about.
    pub case: Option<CaseId>,
    /// Attached evidence.
    pub evidence: Vec<Evidence>,
    /// Severity the sender assigns.
    pub severity: Level,
    /// Free-text summary.
    pub summary: String,
    /// The ATT&CK technique a hunter's finding is about (a detection gap for the
    /// engineer to close).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technique: Option<String>,
}

/// One action a seat takes. Each takes simulated time; its effect lands when it ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Tier 1: take an alert from the queue.
    TakeAlert(AlertId),
    /// Tier 1: inspect and classify an alert one holds.
    Classify(AlertId, Verdict),
    /// Tier 1: close an alert one holds.
    Close(AlertId),
    /// Tier 1, Tier 2, hunter: hand work to another role. (Boxed: the draft is the
    /// largest action, and every action is moved through plans, tasks and the journal.)
    Handoff(Box<HandoffDraft>),
    /// Tier 2, responder, engineer: take a handoff addressed to one's role.
    TakeHandoff(HandoffId),
    /// Tier 2: return a handoff to its sender's role with feedback (a bounce).
    ReturnHandoff(HandoffId, String),
    /// Tier 2: investigate a host, account or observable over the last `lookback` seconds.
    Investigate {
        /// Case the work belongs to.
        case: Option<CaseId>,
        /// What is investigated.
        subject: Evidence,
        /// How far back to look, in seconds.
        lookback: u64,
    },
    /// Tier 2: declare a case an incident.
    DeclareIncident(CaseId, Level),
    /// Tier 2: merge the second case into the first.
    MergeCases(CaseId, CaseId),
    /// Hunter: run a hunt over the last `lookback` seconds, optionally in one tenant.
    Hunt {
        /// What to look for.
        hypothesis: Hypothesis,
        /// Tenant scope; all tenants when absent.
        tenant: Option<TenantIdx>,
        /// How far back to look, in seconds.
        lookback: u64,
    },
    /// Responder: isolate a host (through the endpoint team).
    Isolate(HostIdx),
    /// Responder: disable an account (through the identity team).
    DisableAccount(AccountIdx),
    /// Responder: block an observable (through the network team).
    Block(ObservableIdx),
    /// Responder: reset an account's credentials (through the identity team).
    ResetCredentials(AccountIdx),
    /// Responder: remove persistence from a host (through the endpoint team).
    Eradicate(HostIdx),
    /// Responder: return a host to service (through the endpoint team).
    Recover(HostIdx),
    /// Manager: answer an inject's decision.
    AnswerInject(InjectIdx, usize),
    /// Manager: set a case's severity.
    SetSeverity(CaseId, Level),
    /// Engineer: change a rule (takes effect after the deployment delay).
    ChangeRule(RuleIdx, RuleChange),
    /// Manager: assign a queued alert to a Tier 1 seat; only that seat may take it.
    Assign(AlertId, SeatId),
    /// Threat intel: enrich an indicator the SOC has come across; what the sources know
    /// of it then shows on every item carrying it, for every seat.
    Enrich(ObservableIdx),
}

impl Action {
    /// The kind of action, for durations and reports.
    pub fn name(&self) -> ActionName {
        match self {
            Action::TakeAlert(_) => ActionName::TakeAlert,
            Action::Classify(..) => ActionName::Classify,
            Action::Close(_) => ActionName::Close,
            Action::Handoff(_) | Action::ReturnHandoff(..) => ActionName::Handoff,
            Action::TakeHandoff(_) => ActionName::TakeHandoff,
            Action::Investigate { .. } => ActionName::Investigate,
            Action::DeclareIncident(..) => ActionName::DeclareIncident,
            Action::MergeCases(..) => ActionName::MergeCases,
            Action::Hunt { .. } => ActionName::Hunt,
            Action::Isolate(_) => ActionName::Isolate,
            Action::DisableAccount(_) => ActionName::DisableAccount,
            Action::Block(_) => ActionName::Block,
            Action::ResetCredentials(_) => ActionName::ResetCredentials,
            Action::Eradicate(_) => ActionName::Eradicate,
            Action::Recover(_) => ActionName::Recover,
            Action::AnswerInject(..) => ActionName::AnswerInject,
            Action::SetSeverity(..) => ActionName::SetSeverity,
            Action::ChangeRule(..) => ActionName::ChangeRule,
            Action::Assign(..) => ActionName::Assign,
            Action::Enrich(_) => ActionName::Enrich,
        }
    }

    /// Whether a seat of `role` may take this action. The engine refuses anything else.
    pub fn allowed_for(&self, role: Role) -> bool {
        use Role::*;
        match self {
            Action::TakeAlert(_) | Action::Classify(..) | Action::Close(_) => role == Tier1,
            Action::Handoff(_) => matches!(role, Tier1 | Tier2 | Hunter),
            Action::TakeHandoff(_) => matches!(role, Tier2 | Responder | Engineer),
            Action::ReturnHandoff(..)
            | Action::Investigate { .. }
            | Action::DeclareIncident(..)
            | Action::MergeCases(..) => role == Tier2,
            Action::Hunt { .. } => role == Hunter,
            Action::Isolate(_)
            | Action::DisableAccount(_)
            | Action::Block(_)
            | Action::ResetCredentials(_)
            | Action::Eradicate(_)
            | Action::Recover(_) => role == Responder,
            Action::AnswerInject(..) | Action::SetSeverity(..) | Action::Assign(..) => {
                role == Manager
            }
            Action::ChangeRule(..) => role == Engineer,
            Action::Enrich(_) => role == Intel,
        }
    }

    /// The roles that may take this action, for refusal messages.
    pub fn roles(&self) -> Vec<Role> {
        crate::scenario::ALL_ROLES
            .into_iter()
            .filter(|r| self.allowed_for(*r))
            .collect()
    }
}

/// A set of evidence items: one bitset per kind, so inserting and testing cost a shift
/// and a mask. Iterates in `Evidence`'s order (kind, then id), like a sorted set.
#[derive(Debug, Clone, Default)]
pub struct EvidenceSet {
    bits: [Vec<u64>; 5],
    len: usize,
}

/// Two sets are equal when they hold the same items, however much storage each kept.
impl PartialEq for EvidenceSet {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for EvidenceSet {}

impl EvidenceSet {
    #[inline]
    fn slot(e: Evidence) -> (usize, usize) {
        match e {
            Evidence::Alert(i) => (0, i as usize),
            Evidence::Record(i) => (1, i as usize),
            Evidence::Host(i) => (2, i),
            Evidence::Account(i) => (3, i),
            Evidence::Observable(i) => (4, i),
        }
    }

    fn item(kind: usize, i: usize) -> Evidence {
        match kind {
            0 => Evidence::Alert(i as AlertId),
            1 => Evidence::Record(i as RecordId),
            2 => Evidence::Host(i),
            3 => Evidence::Account(i),
            _ => Evidence::Observable(i),
        }
    }

    /// Adds an item; true when it was not there yet.
    #[inline]
    pub fn insert(&mut self, e: Evidence) -> bool {
        let (kind, i) = Self::slot(e);
        let (w, bit) = (i / 64, 1u64 << (i % 64));
        let words = &mut self.bits[kind];
        let word = match words.get_mut(w) {
            Some(word) => word,
            None => Self::grow(words, w),
        };
        let new = *word & bit == 0;
        *word |= bit;
        self.len += usize::from(new);
        new
    }

    /// Makes room for word `w` (the first item of a kind with an id this high).
    #[cold]
    fn grow(words: &mut Vec<u64>, w: usize) -> &mut u64 {
        words.resize(w + 1, 0);
        &mut words[w]
    }

    /// Whether the item is in the set.
    #[inline]
    pub fn contains(&self, e: &Evidence) -> bool {
        let (kind, i) = Self::slot(*e);
        self.bits[kind]
            .get(i / 64)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// Empties the set, keeping its storage.
    pub fn clear(&mut self) {
        for words in &mut self.bits {
            words.clear();
        }
        self.len = 0;
    }

    /// How many items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The items in order: alerts, records, hosts, accounts, observables; each by id.
    pub fn iter(&self) -> EvidenceIter<'_> {
        EvidenceIter {
            set: self,
            kind: 0,
            word: 0,
            rest: self.bits[0].first().copied().unwrap_or(0),
        }
    }
}

/// The items of an [`EvidenceSet`], in order (see [`EvidenceSet::iter`]).
pub struct EvidenceIter<'a> {
    set: &'a EvidenceSet,
    /// The kind and word being read, and the bits of that word not yet taken.
    kind: usize,
    word: usize,
    rest: u64,
}

impl Iterator for EvidenceIter<'_> {
    type Item = Evidence;

    fn next(&mut self) -> Option<Evidence> {
        while self.rest == 0 {
            self.word += 1;
            while self.word >= self.set.bits[self.kind].len() {
                self.kind += 1;
                self.word = 0;
                if self.kind == self.set.bits.len() {
                    // Stay at the end: every later call finds nothing.
                    self.kind -= 1;
                    self.word = self.set.bits[self.kind].len();
                    return None;
                }
            }
            self.rest = self.set.bits[self.kind][self.word];
        }
        let b = self.rest.trailing_zeros() as usize;
        self.rest &= self.rest - 1;
        Some(EvidenceSet::item(self.kind, self.word * 64 + b))
    }
}

impl Extend<Evidence> for EvidenceSet {
    fn extend<T: IntoIterator<Item = Evidence>>(&mut self, items: T) {
        for e in items {
            self.insert(e);
        }
    }
}

impl FromIterator<Evidence> for EvidenceSet {
    fn from_iter<T: IntoIterator<Item = Evidence>>(items: T) -> Self {
        let mut set = EvidenceSet::default();
        for e in items {
            set.insert(e);
        }
        set
    }
}

#[cfg(test)]
mod evidence_set_tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn iterates_in_order_across_empty_words_and_kinds() {
        let empty = EvidenceSet::default();
        let mut it = empty.iter();
        assert_eq!(it.next(), None);
        assert_eq!(it.next(), None, "the end stays the end");
        let mut rng = crate::sim::rng::Stream::new(5, "evidence-set");
        for round in 0..200 {
            let mut set = EvidenceSet::default();
            let mut reference = BTreeSet::new();
            for _ in 0..rng.below(40) {
                let id = rng.below(if round % 2 == 0 { 70 } else { 700 });
                let e = match rng.below(5) {
                    0 => Evidence::Alert(id as AlertId),
                    1 => Evidence::Record(id as RecordId),
                    2 => Evidence::Host(id),
                    3 => Evidence::Account(id),
                    _ => Evidence::Observable(id),
                };
                set.insert(e);
                reference.insert(e);
            }
            // Storage kept from a cleared kind leaves empty words behind.
            if round % 3 == 0 {
                set.bits[1].resize(12, 0);
            }
            assert!(set.iter().eq(reference.iter().copied()), "round {round}");
            let mut it = set.iter();
            for _ in 0..reference.len() {
                assert!(it.next().is_some());
            }
            assert_eq!(it.next(), None);
            assert_eq!(it.next(), None);
        }
    }

    #[test]
    fn behaves_like_a_sorted_set() {
        let items = [
            Evidence::Observable(3),
            Evidence::Alert(130),
            Evidence::Host(0),
            Evidence::Alert(2),
            Evidence::Record(64),
            Evidence::Account(7),
            Evidence::Alert(2),
            Evidence::Record(63),
        ];
        let mut set = EvidenceSet::default();
        let mut reference = BTreeSet::new();
        for e in items {
            assert_eq!(set.insert(e), reference.insert(e));
        }
        assert_eq!(set.len(), reference.len());
        assert!(set.iter().eq(reference.iter().copied()));
        assert!(set.contains(&Evidence::Record(64)));
        assert!(!set.contains(&Evidence::Record(65)));
        assert!(!set.contains(&Evidence::Host(9_999)));
    }
}
