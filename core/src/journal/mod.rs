//! The exercise journal: an append-only record of every fired event and every action,
//! stamped with simulated time, plus its digest and the replay comparison.
//!
//! The journal is the single source of truth for scoring: `score` reads nothing else
//! besides the scenario. Each entry serialises to one JSON line (`journal.jsonl`); the
//! digest is SHA-256 over the lines' canonical binary encoding ([`canon`]), so two runs
//! agree on the digest exactly when they agree on every line.

pub mod canon;

use bevy::prelude::Resource;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::clock::SimTime;
use crate::scenario::{
    AccountIdx, HostIdx, InjectIdx, IntrusionIdx, Level, ObservableIdx, Role, RuleIdx, SourceIdx,
    StageIdx, TenantIdx,
};
use crate::soc::action::{
    Action, AlertId, CaseId, Evidence, HandoffDraft, HandoffId, Hypothesis, RecordId, RuleChange,
    SeatId, Verdict,
};

/// Why a stage did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockReason {
    /// The attacker lost the foothold on this host.
    NoFoothold(HostIdx),
    /// The account is disabled or its credentials were reset.
    AccountUnusable(AccountIdx),
    /// The observable is blocked.
    Blocked(ObservableIdx),
    /// A business measure a decision enacted holds it back (index into the scenario's
    /// policies).
    Enacted(usize),
}

/// A containment or recovery measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Measure {
    /// Host cut off the network.
    Isolate(HostIdx),
    /// Account disabled.
    DisableAccount(AccountIdx),
    /// Observable blocked.
    Block(ObservableIdx),
    /// Credentials reset.
    ResetCredentials(AccountIdx),
    /// Persistence removed from a host.
    Eradicate(HostIdx),
    /// Host back in service.
    Recover(HostIdx),
}

/// A seat as recorded at the start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SeatInfo {
    pub seat: SeatId,
    /// Seat name such as `tier1-1`.
    pub name: String,
    pub role: Role,
    /// `bot:<profile>`, `scripted`, or `person` (a live console).
    pub controller: String,
    /// The participant's name, for a seat a person holds and named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub player: Option<String>,
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ev")]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum Entry {
    /// The exercise began.
    Started {
        scenario: String,
        /// Master seed.
        seed: u64,
        /// Seats in play.
        seats: Vec<SeatInfo>,
    },
    /// An attack stage happened.
    StageFired {
        intrusion: IntrusionIdx,
        stage: StageIdx,
    },
    /// An attack stage was due but its precondition no longer held.
    StageBlocked {
        intrusion: IntrusionIdx,
        stage: StageIdx,
        /// Why.
        reason: BlockReason,
        /// The fallback the attacker tries instead.
        fallback: Option<StageIdx>,
    },
    /// The attacker gained a foothold.
    FootholdGained {
        intrusion: IntrusionIdx,
        host: HostIdx,
    },
    /// The attacker compromised an account.
    AccountCompromised {
        intrusion: IntrusionIdx,
        account: AccountIdx,
    },
    /// Impact realised.
    Impact {
        intrusion: IntrusionIdx,
        stage: StageIdx,
        points: f64,
    },
    /// A telemetry record was written. (Boxed, like the refusal below: every journal
    /// line is as large as the largest entry, and the journal holds hundreds of lines;
    /// the JSON and the digest read as if the fields stood here.)
    Telemetry(Box<Telemetry>),
    /// An alert entered the Tier 1 queue.
    AlertRaised {
        alert: AlertId,
        rule: RuleIdx,
        severity: Level,
        /// Tenant (its SLA sets the pickup target).
        tenant: TenantIdx,
        /// Host it concerns.
        host: Option<HostIdx>,
        /// The stage behind it (ground truth), or none for a benign alert.
        stage: Option<(IntrusionIdx, StageIdx)>,
    },
    /// A seat learnt of evidence (took it, was handed it, or found it).
    Revealed {
        seat: SeatId,
        /// Items newly visible to the seat.
        items: Vec<Evidence>,
    },
    /// A seat began an action.
    ActionStarted {
        seat: SeatId,
        action: Action,
        /// When it will be done.
        until: SimTime,
    },
    /// The engine refused an action (boxed, as [`Entry::Telemetry`]).
    ActionRefused(Box<Refusal>),
    /// Tier 1 took an alert.
    AlertTaken {
        seat: SeatId,
        alert: AlertId,
    },
    /// Tier 1 classified an alert.
    Classified {
        seat: SeatId,
        alert: AlertId,
        verdict: Verdict,
    },
    /// An alert was closed.
    AlertClosed {
        seat: SeatId,
        alert: AlertId,
    },
    /// A handoff was sent.
    HandoffSent {
        handoff: HandoffId,
        /// Sender.
        seat: SeatId,
        /// Sender's role.
        from: Role,
        /// The handoff itself.
        draft: Box<HandoffDraft>,
    },
    /// A handoff was taken by a seat of the receiving role.
    HandoffTaken {
        handoff: HandoffId,
        /// Receiver.
        seat: SeatId,
        /// Case it now belongs to.
        case: CaseId,
    },
    /// A handoff was returned to its sender's role (a bounce).
    HandoffReturned {
        handoff: HandoffId,
        /// Seat returning it.
        seat: SeatId,
        feedback: String,
    },
    /// An investigation finished.
    Investigated {
        seat: SeatId,
        /// The case the records were filed in, if any.
        #[serde(default)]
        case: Option<CaseId>,
        subject: Evidence,
        /// Records found.
        records: Vec<RecordId>,
    },
    /// A hunt finished.
    Hunted {
        seat: SeatId,
        hypothesis: Hypothesis,
        /// Records found.
        records: Vec<RecordId>,
    },
    /// A case became an incident.
    IncidentDeclared {
        seat: SeatId,
        case: CaseId,
        severity: Level,
    },
    /// Two cases merged.
    CasesMerged {
        seat: SeatId,
        /// Surviving case.
        into: CaseId,
        /// Merged case.
        from: CaseId,
    },
    /// A case's severity was set.
    SeveritySet {
        seat: SeatId,
        case: CaseId,
        severity: Level,
    },
    /// Incident response asked a partner team for a measure.
    MeasureRequested {
        seat: SeatId,
        measure: Measure,
        /// When the partner team will be done.
        due: SimTime,
    },
    /// A partner team carried out a measure.
    MeasureApplied {
        measure: Measure,
    },
    /// The attacker lost a foothold for good (persistence eradicated).
    FootholdRemoved {
        intrusion: IntrusionIdx,
        host: HostIdx,
    },
    /// The engine's own record of the first correct identification of an intrusion.
    Detected {
        intrusion: IntrusionIdx,
        /// Seat that identified it.
        seat: SeatId,
    },
    /// The manager assigned a queued alert to a Tier 1 seat.
    AlertAssigned {
        /// The manager's seat.
        seat: SeatId,
        alert: AlertId,
        /// The Tier 1 seat it is for.
        to: SeatId,
    },
    /// A person took over a seat a bot was playing (live exercises).
    SeatTaken {
        seat: SeatId,
        /// The participant's name, if they gave one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// The participant at a seat gave their name (or changed it).
    SeatNamed {
        seat: SeatId,
        name: String,
    },
    /// A decision put a business measure in force (index into the scenario's
    /// policies: a payment hold, a network cut).
    Enacted {
        /// The measure.
        policy: usize,
    },
    /// The facilitator handed a person's seat back to a bot.
    SeatReleased {
        seat: SeatId,
    },
    /// The facilitator added a seat while the exercise ran: a bot plays it until a
    /// person opens it.
    SeatAdded {
        /// The new seat (its id is the next after every seat before it).
        info: Box<SeatInfo>,
    },
    /// The facilitator removed a seat while the exercise ran: an action under way is
    /// abandoned, and the alerts it held and had not closed go back to the queue.
    SeatRemoved {
        seat: SeatId,
        /// The alerts that went back to the queue.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        returned: Vec<AlertId>,
    },
    /// How long bots leave work to the people of their role changed (or was set at
    /// the start of a live exercise).
    BotWaitSet {
        /// The new wait.
        wait: crate::soc::ledger::BotWait,
    },
    /// A seat answered an inject's discussion questions.
    InjectReply {
        seat: SeatId,
        /// Inject number (a live inject's follows the scenario's).
        inject: usize,
        /// The answer, as written.
        text: String,
    },
    /// The facilitator noted an observation, about one role or the whole team.
    Note {
        /// The role it is about; `None` for the team.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<Role>,
        /// The id of the scenario objective it bears on, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        objective: Option<String>,
        /// The note.
        text: String,
    },
    /// The facilitator sent a message to one seat or to everyone.
    Message {
        /// The seat; `None` for everyone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<SeatId>,
        /// The message.
        text: String,
    },
    /// The facilitator wrote an inject during the exercise and fired it at once (boxed,
    /// as [`Entry::Telemetry`]).
    InjectWritten(Box<WrittenInject>),
    InjectFired {
        inject: InjectIdx,
    },
    /// An inject's decision was answered.
    InjectAnswered {
        seat: SeatId,
        inject: InjectIdx,
        /// Option chosen.
        choice: usize,
    },
    /// Threat intelligence enriched an indicator: every item carrying it now shows this.
    Enriched {
        seat: SeatId,
        /// Indicator.
        observable: ObservableIdx,
        /// What the sources say.
        verdict: crate::content::IntelVerdict,
        /// How sure they are, 0 to 1.
        confidence: f64,
        /// Their words.
        note: String,
    },
    /// A rule change was requested.
    RuleChangeRequested {
        seat: SeatId,
        rule: RuleIdx,
        change: RuleChange,
        /// When it deploys.
        due: SimTime,
    },
    /// A rule change took effect.
    RuleDeployed {
        rule: RuleIdx,
        /// Enabled after the change.
        enabled: bool,
        /// Fidelity after the change.
        fidelity: f64,
        /// Benign rate after the change.
        benign_per_hour: f64,
    },
    /// The defenders stood down before the time limit: the facilitator, a trainee, a
    /// player or a script ended the exercise. From here on no seat acts (actions under
    /// way are abandoned; measures already with a partner team and rule changes already
    /// requested still land), and the attack runs on to the time limit, so the exercise
    /// is scored on what the attacker would have done unopposed.
    StoodDown,
    /// The exercise ended.
    Ended {
        /// Why: `time limit` or `resolved`.
        reason: String,
    },
}

/// A telemetry record was written ([`Entry::Telemetry`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Telemetry {
    /// The record.
    pub record: RecordId,
    /// Data source.
    pub source: SourceIdx,
    /// Host the record is about.
    pub host: Option<HostIdx>,
    /// Account the record is about.
    pub account: Option<AccountIdx>,
    /// The stage behind it, for malicious records.
    pub stage: Option<(IntrusionIdx, StageIdx)>,
}

/// An inject the facilitator wrote and fired ([`Entry::InjectWritten`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrittenInject {
    /// Its inject number (after the scenario's).
    pub inject: usize,
    /// Headline.
    pub title: String,
    /// What happened.
    pub body: String,
    /// Roles it is addressed to.
    pub to: Vec<Role>,
    /// Discussion questions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
}

/// The engine refused an action ([`Entry::ActionRefused`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    /// The seat that tried it.
    pub seat: SeatId,
    /// What it tried.
    pub action: Action,
    /// Why.
    pub reason: String,
}

/// A journal line: when it happened, and the entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// When it happened (serialised as seconds since T+0).
    pub t: SimTime,
    /// What happened.
    #[serde(flatten)]
    pub entry: Entry,
}

/// The journal of one exercise.
#[derive(Resource, Debug, Clone, Default)]
pub struct Journal {
    /// Lines in the order they happened.
    pub lines: Vec<Line>,
}

impl Journal {
    /// Every seat of the exercise in id order: those it started with, then any the
    /// facilitator added while it ran.
    pub fn seats(&self) -> Vec<SeatInfo> {
        let mut out = Vec::new();
        for line in &self.lines {
            match &line.entry {
                Entry::Started { seats, .. } => out.clone_from(seats),
                Entry::SeatAdded { info } => out.push((**info).clone()),
                _ => {}
            }
        }
        out
    }

    /// Appends an entry at time `t`.
    pub fn push(&mut self, t: SimTime, entry: Entry) {
        self.lines.push(Line { t, entry });
    }

    /// Every line as JSON, in order.
    pub fn to_jsonl(&self) -> String {
        let mut out = String::with_capacity(self.lines.len() * 96);
        for line in &self.lines {
            out.push_str(&to_json(line));
            out.push('\n');
        }
        out
    }

    /// SHA-256 over the lines' canonical encoding ([`canon`]), in hex. Each line is its
    /// time and its entry, so the digest covers exactly what `journal.jsonl` holds.
    pub fn digest(&self) -> String {
        // Fed to the hash a few kilobytes at a time: the same bytes as encoding the
        // whole journal first, without a buffer the size of it.
        let mut hasher = Sha256::new();
        let mut buf = Vec::with_capacity(8192);
        for line in &self.lines {
            canon::encode(&line.t, &mut buf);
            canon::encode(&line.entry, &mut buf);
            if buf.len() >= 4096 {
                hasher.update(&buf);
                buf.clear();
            }
        }
        hasher.update(&buf);
        hex(&hasher.finalize())
    }
}

/// One line as JSON.
pub fn to_json(line: &Line) -> String {
    serde_json::to_string(line).expect("journal lines serialise to JSON")
}

/// Whether `stored`, a digest read from a results file, belongs to `journal`, read
/// from the JSON-lines `text`. Runs recorded before the digest hashed the canonical
/// encoding carry the SHA-256 of their `journal.jsonl` text instead; that is accepted
/// too, so older run directories still load and replay.
pub fn is_digest_of(stored: &str, journal: &Journal, text: &str) -> bool {
    stored == journal.digest() || stored == hex(&Sha256::digest(text.as_bytes()))
}

/// Where a recorded `journal.jsonl` is not a journal: 1-based line and column, and what
/// is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// Line of the file.
    pub line: usize,
    /// Column within it.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// A recorded `journal.jsonl` read back into lines.
pub fn parse_jsonl(jsonl: &str) -> Result<Journal, BadLine> {
    let mut journal = Journal::default();
    for (n, text) in jsonl.lines().enumerate() {
        let line: Line = serde_json::from_str(text).map_err(|e| {
            // The position is given as line and column of the file instead.
            let (_, column, message) = crate::scenario::diag::json_place(&e);
            BadLine {
                line: n + 1,
                column,
                message: format!("not a journal line: {message}"),
            }
        })?;
        journal.lines.push(line);
    }
    Ok(journal)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Where a recorded journal and a re-simulated one first differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// 1-based line number.
    pub line: usize,
    /// The recorded line (or none if the recording is shorter).
    pub recorded: Option<String>,
    /// The re-simulated line (or none if the re-simulation is shorter).
    pub replayed: Option<String>,
}

/// Compares a recorded JSON-lines journal with a re-simulated one, line by line.
pub fn first_divergence(recorded: &str, replayed: &Journal) -> Option<Divergence> {
    let mut rec = recorded.lines();
    for (i, line) in replayed.lines.iter().enumerate() {
        let ours = to_json(line);
        match rec.next() {
            Some(theirs) if theirs == ours => {}
            other => {
                return Some(Divergence {
                    line: i + 1,
                    recorded: other.map(str::to_string),
                    replayed: Some(ours),
                });
            }
        }
    }
    let extra = rec.next().map(str::to_string);
    extra.map(|r| Divergence {
        line: replayed.lines.len() + 1,
        recorded: Some(r),
        replayed: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal() -> Journal {
        let mut j = Journal::default();
        j.push(
            SimTime::ZERO,
            Entry::Ended {
                reason: "time limit".into(),
            },
        );
        j.push(
            SimTime::from_secs(5),
            Entry::AlertTaken { seat: 1, alert: 2 },
        );
        j
    }

    #[test]
    fn the_digest_reads_back_from_the_json_lines() {
        let j = journal();
        let text = j.to_jsonl();
        assert_eq!(parse_jsonl(&text).unwrap().digest(), j.digest());
        assert!(is_digest_of(&j.digest(), &j, &text));
        // Runs recorded before the canonical encoding carry the text's SHA-256.
        let legacy = hex(&Sha256::digest(text.as_bytes()));
        assert_ne!(legacy, j.digest());
        assert!(is_digest_of(&legacy, &j, &text));
        // Any other change is caught.
        let mut other = j.clone();
        other.lines[1].t = SimTime::from_secs(6);
        assert_ne!(other.digest(), j.digest());
        assert!(!is_digest_of(&other.digest(), &j, &text));
        let bad =
            parse_jsonl("{\"t\":0,\"ev\":\"Ended\",\"reason\":\"x\"}\n{\"t\":0,\"ev\":\"Nope\"}\n")
                .unwrap_err();
        assert_eq!((bad.line, bad.column), (2, 19));
        let m = &bad.message;
        assert!(
            m.starts_with("not a journal line: unknown variant `Nope`"),
            "{m}"
        );
        assert!(!m.contains("at line"), "{m}");
    }
}
