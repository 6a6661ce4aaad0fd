//! Bots: one per seat nobody holds, each playing its role with a skill profile.
//!
//! A bot keeps a short plan of actions. When its seat is idle it takes the next planned
//! action or, with none, looks at its queue; when an action ends it reads the outcome
//! and plans the next steps.
//!
//! A bot decides only from its [`Perception`]: the desk as the SOC sees it and what its
//! seat knows. It never reads the ground truth. Is this alert malicious? It reads the
//! item's cues into a suspicion score, adds noise as wide as its profile's
//! discrimination is poor, and calls it malicious when the sum reaches its threshold —
//! a threshold that drifts towards "benign, close it" as the queue fills and the shift
//! wears on, as real analysts' does. Evidence and severity come from what the seat has
//! seen and how it judged it.

mod engineer;
mod hunter;
mod intel;
mod manager;
mod profile;
mod responder;
mod tier1;
mod tier2;

use std::collections::{BTreeSet, VecDeque};

pub use profile::{HuntStrategy, Profile, TriageOrder, profile_named, profiles};

use crate::clock::SimTime;
use crate::content;
use crate::scenario::{Level, Role};
use crate::sim::rng::Stream;
use crate::soc::action::{Action, CaseId, Evidence, EvidenceSet, HandoffId};
use crate::soc::ledger::BotWait;
use crate::soc::perception::Perception;
use crate::soc::seat::Outcome;

/// Role-specific working memory.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// Case being worked.
    pub case: Option<CaseId>,
    /// Handoff being worked.
    pub handoff: Option<HandoffId>,
    /// Subjects already investigated.
    pub investigated: EvidenceSet,
    /// Subjects still to investigate.
    pub pending: VecDeque<Evidence>,
    /// Items judged malicious.
    pub suspicious: EvidenceSet,
    /// Items judged benign that were looked at.
    pub benign_leads: EvidenceSet,
    /// How far the alerts and records of the current case judged malicious cleared the
    /// bar: those handed over (in total), and the strongest its investigations turned up
    /// near the lead (see [`NEAR`]).
    pub judged: (f64, f64),
    /// Investigations run on the current case.
    pub runs: u32,
    /// When what the current case was opened on happened (the latest of its items).
    pub lead_at: SimTime,
    /// When the next hunt is due.
    pub next_hunt: SimTime,
    /// Hypotheses already hunted (indices into `hypotheses`), in order.
    pub hunted: Vec<usize>,
    /// The hunter's hypotheses with the rules covering each (see
    /// [`hunt_hypotheses`]); worked out at its first hunt unless it was given them.
    pub hypotheses: Hypotheses,
    /// Items the responder has already acted on.
    pub contained: EvidenceSet,
    /// Rules the engineer has already changed.
    pub changed_rules: BTreeSet<usize>,
    /// Per noisy rule the engineer changed: the benign calls it had drawn at the last
    /// change, and how many changes it has made to it.
    pub tunings: std::collections::BTreeMap<usize, (u32, u8)>,
    /// Indicators the intel analyst has noticed, in the order it noticed them.
    pub noticed: VecDeque<usize>,
    /// Indicators the intel analyst has noticed or enriched.
    pub seen_indicators: EvidenceSet,
    /// Incidents the manager has set the priority of.
    pub prioritised: BTreeSet<CaseId>,
}

impl Memory {
    /// Back to a new bot's memory, keeping the storage (for reusing a world).
    pub fn clear(&mut self) {
        let Memory {
            case,
            handoff,
            investigated,
            pending,
            suspicious,
            benign_leads,
            judged,
            runs,
            lead_at,
            next_hunt,
            hunted,
            hypotheses,
            contained,
            changed_rules,
            tunings,
            noticed,
            seen_indicators,
            prioritised,
        } = self;
        *case = None;
        *handoff = None;
        investigated.clear();
        pending.clear();
        suspicious.clear();
        benign_leads.clear();
        *judged = (0.0, 0.0);
        *runs = 0;
        *lead_at = SimTime::ZERO;
        *next_hunt = SimTime::ZERO;
        hunted.clear();
        *hypotheses = Hypotheses::default();
        contained.clear();
        changed_rules.clear();
        tunings.clear();
        noticed.clear();
        seen_indicators.clear();
        prioritised.clear();
    }

    /// Forgets everything but when the next hunt is due, keeping the storage, and
    /// starts on `case`, opened from `handoff`.
    pub fn start_case(&mut self, case: CaseId, handoff: HandoffId) {
        let next_hunt = self.next_hunt;
        self.clear();
        self.next_hunt = next_hunt;
        self.case = Some(case);
        self.handoff = Some(handoff);
    }
}

/// A hunter's hypotheses: techniques, each with the rules that cover it.
pub type Hypotheses = std::sync::Arc<[(String, Vec<usize>)]>;

/// The hypotheses a hunter picks from in `scenario`: they depend on the scenario alone,
/// so an exercise works them out once and hands them to every hunter it seats.
pub fn hunt_hypotheses(scenario: &crate::scenario::Scenario) -> Hypotheses {
    hunter::hypotheses(&crate::soc::perception::Public::of(scenario))
}

/// A bot's mind.
#[derive(Debug)]
pub struct Brain {
    /// Skill profile.
    pub profile: Profile,
    /// The bot's own random stream.
    pub rng: Stream,
    /// Next actions.
    pub plan: VecDeque<Action>,
    /// Working memory.
    pub mem: Memory,
    role: Role,
    /// Room to list an item's evidence in, kept between uses.
    scratch: Vec<Evidence>,
    /// Room for a set of items, kept between uses.
    scratch_set: EvidenceSet,
}

impl Brain {
    /// A bot for `role` with `profile`, drawing from `rng`.
    pub fn new(role: Role, profile: Profile, rng: Stream) -> Brain {
        Brain {
            profile,
            rng,
            plan: VecDeque::new(),
            mem: Memory::default(),
            role,
            scratch: Vec::new(),
            scratch_set: EvidenceSet::default(),
        }
    }

    /// The bot made new for another exercise in the same world: what [`Brain::new`]
    /// gives, keeping the storage its plan and memory grew.
    pub fn renew(&mut self, role: Role, profile: Profile, rng: Stream) {
        self.profile = profile;
        self.rng = rng;
        self.plan.clear();
        self.mem.clear();
        self.role = role;
        self.scratch.clear();
        self.scratch_set.clear();
    }

    /// The next action to take, if any.
    pub fn next(&mut self, view: &Perception) -> Option<Action> {
        if self.role == Role::Responder
            && let Some(take) = responder::preempt(self, view)
        {
            return Some(take);
        }
        if let Some(a) = self.plan.front() {
            if !ready(view, a) {
                return None;
            }
            return self.plan.pop_front();
        }
        match self.role {
            Role::Tier1 => tier1::next(self, view),
            Role::Tier2 => tier2::next(self, view),
            Role::Hunter => hunter::next(self, view),
            Role::Responder => responder::next(self, view),
            Role::Manager => manager::next(self, view),
            Role::Engineer => engineer::next(self, view),
            Role::Intel => intel::next(self, view),
        }
    }

    /// Reads a finished action's outcome and plans what follows.
    pub fn observe(&mut self, view: &Perception, action: &Action, outcome: &Outcome) {
        match self.role {
            Role::Tier1 => tier1::observe(self, view, action),
            Role::Tier2 => tier2::observe(self, view, action, outcome),
            Role::Hunter => hunter::observe(self, view, action, outcome),
            Role::Responder => responder::observe(self, view, outcome),
            Role::Engineer => engineer::observe(self, view, action),
            Role::Manager | Role::Intel => {}
        }
    }

    /// With nothing to do now, how long until the bot wants to look again.
    pub fn wake_after(&self, view: &Perception) -> Option<u64> {
        if self.plan.front().is_some_and(|a| !ready(view, a)) {
            return Some(RECHECK);
        }
        match self.role {
            Role::Hunter => Some(self.mem.next_hunt.since(view.now)),
            Role::Manager => {
                let decision = left_to_people_until(view, Role::Manager).map(|t| t.since(view.now));
                // Dispatching the floor is a person's alone when one manages.
                let guarded = view.desk.bot_wait != BotWait::Immediately
                    && view.desk.people_on(Role::Manager);
                let round = (!guarded).then(|| manager::next_round(view)).flatten();
                match (decision, round) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            role => left_to_people_until(view, role).map(|t| t.since(view.now)),
        }
    }

    /// Reads an alert or a record from what the console shows: its suspicion score,
    /// with the profile's noise, less the seat's threshold. The item looks malicious to
    /// the bot when the result is 0 or more; the larger, the surer. `load` (0 to 1) is
    /// how full the seat's queue is: load and hours on shift raise the threshold, so a
    /// tired, busy analyst closes more as benign. Tier 2 weighs with a higher bar than
    /// Tier 1 (escalating costs a look; declaring an incident takes hosts off the
    /// network); a hunter with Tier 1's (see `HUNTER_EYE`).
    fn read(&mut self, view: &Perception, item: Evidence, load: f64) -> Option<f64> {
        let p = &self.profile;
        let score = view.suspicion(item, p.reads_detail)?;
        let u = self.rng.unit().clamp(1e-9, 1.0 - 1e-9);
        // Logistic noise: a bell a little wider in the tails than a normal one.
        let noise = p.noise_scale() * (u / (1.0 - u)).ln();
        // Hours into the current eight-hour shift: a long exercise changes shifts.
        let hours = (view.now.secs() % SHIFT) as f64 / 3600.0;
        let bar = match self.role {
            Role::Tier2 => SECOND_LOOK,
            Role::Hunter => -HUNTER_EYE,
            _ => 0.0,
        };
        let threshold =
            p.threshold + bar + p.load_drift * load.clamp(0.0, 1.0) + p.shift_drift * hours / 8.0;
        Some(score + noise - threshold)
    }

    /// Whether an alert or record looks malicious to the bot (see [`Brain::read`]).
    fn judge(&mut self, view: &Perception, item: Evidence, load: f64) -> bool {
        self.read(view, item, load).is_some_and(|m| m >= 0.0)
    }
}

/// The waiting handoff a bot of this profile picks up next: the oldest for a FIFO
/// profile, else the most severe (oldest first among equals).
fn next_handoff(brain: &Brain, view: &Perception, role: Role) -> Option<HandoffId> {
    // With a person on the role, what has not waited long enough is theirs.
    let guarded = view.desk.bot_wait != BotWait::Immediately && view.desk.people_on(role);
    let mut waiting = view
        .desk
        .handoffs_for(role)
        .filter(|h| !guarded || view.desk.bot_wait.lets_bot_take(h.sent_at, view.now));
    match brain.profile.triage_order {
        TriageOrder::Fifo => waiting.next().map(|h| h.id),
        // An incident's priority is the case's, as the manager last set it.
        TriageOrder::Severity => waiting
            .min_by_key(|h| {
                let severity = h
                    .draft
                    .case
                    .and_then(|c| view.desk.cases.get(c as usize))
                    .map_or(h.draft.severity, |c| c.severity);
                (std::cmp::Reverse(severity), h.sent_at, h.id)
            })
            .map(|h| h.id),
    }
}

/// When the earliest piece of the role's work that is waiting for the people of the
/// role becomes a bot's to take, if some is waiting and ever will.
fn left_to_people_until(view: &Perception, role: Role) -> Option<SimTime> {
    let l = view.desk;
    if l.bot_wait == BotWait::Immediately || !l.people_on(role) {
        return None;
    }
    let since = match role {
        // The queue is in arrival order: the first free alert waited longest.
        Role::Tier1 => l
            .queue
            .iter()
            .find(|&a| l.alerts[a as usize].assigned.is_none())
            .map(|a| l.alerts[a as usize].raised_at),
        Role::Manager => l.inbox.iter().map(|&i| l.injects_fired_at[i]).min(),
        _ => l.handoffs_for(role).map(|h| h.sent_at).min(),
    }?;
    l.bot_wait.bot_may_take_at(since).filter(|&t| t > view.now)
}

/// How long a bot waits before checking again on a step that is not ready yet.
const RECHECK: u64 = 600;

/// How much higher than Tier 1's Tier 2's bar is.
const SECOND_LOOK: f64 = 0.3;

/// How much lower than Tier 1's a hunter's bar is: none. A hunt is a search for weak
/// signals, but what it turns up is mostly the tooling that looks like the technique.
const HUNTER_EYE: f64 = 0.0;

/// How far, in total, the items of a case that look malicious must clear Tier 2's bar
/// before it declares an incident.
const CASE_BAR: f64 = 1.5;

/// How far the strongest thing Tier 2's own investigations turned up near the lead
/// must clear its bar on top of what it was handed: an alert, however bad it looks,
/// around which nothing else looks wrong goes back. (The escalation itself already
/// counted as a detection if it was real.)
const CORROBORATION: f64 = 0.5;

/// How close in time (seconds) to what a case was opened on a record an investigation
/// turns up must be to corroborate it (see `tier2::weigh`).
const NEAR: u64 = 2 * 3600;

/// How far, in total, what one hunt turned up must clear the hunter's bar before the
/// hunter hands it on.
const FINDING_BAR: f64 = 1.5;

/// How far, in total, what one hunt turned up must clear the hunter's bar for a hunter
/// who may call incident response directly to do so; anything less goes to Tier 2.
const STRAIGHT_TO_RESPONSE: f64 = 3.0;

/// The length of a shift: fatigue builds over one and starts again with the next.
const SHIFT: u64 = 8 * 3600;

/// Whether a planned action can go ahead now. A host goes back into service only once
/// its eradication has landed: recovering it earlier would hand the attacker's
/// persistence its network back.
fn ready(view: &Perception, action: &Action) -> bool {
    match *action {
        Action::Recover(h) => view.eradication_landed(h),
        _ => true,
    }
}

impl Brain {
    /// Chooses what to attach to a handoff from the items the seat has seen: each it
    /// judged malicious (`suspicious` says which) with the profile's thoroughness, each
    /// other with its sloppiness. The lead item (the alert or case subject) always goes
    /// in.
    fn pick_evidence(
        &mut self,
        lead: Option<Evidence>,
        seen: &[Evidence],
        suspicious: impl Fn(&Evidence) -> bool,
    ) -> Vec<Evidence> {
        let mut out: Vec<Evidence> = Vec::with_capacity(seen.len() + 1);
        out.extend(lead);
        // What `out` holds, to skip repeats without searching it.
        let mut taken = std::mem::take(&mut self.scratch_set);
        taken.clear();
        taken.extend(lead);
        for &item in seen {
            if taken.contains(&item) {
                continue;
            }
            let p = if suspicious(&item) {
                self.profile.thoroughness
            } else {
                self.profile.sloppiness
            };
            if self.rng.chance(p) {
                out.push(item);
                taken.insert(item);
            }
        }
        self.scratch_set = taken;
        out
    }

    /// The severity the bot assigns to what it hands on, from what it saw: the highest
    /// alert severity among the items (Medium for records alone), one step up when the
    /// items' flagged cues alone look plainly bad (the odd detail is a question of
    /// whether, not how bad) or touch a critical host or a privileged account; right
    /// with the profile's severity accuracy, else a neighbouring level.
    fn rate_severity(&mut self, view: &Perception, items: &[Evidence]) -> Level {
        use Level::*;
        let mut level = items
            .iter()
            .filter_map(|e| match *e {
                Evidence::Alert(a) => view.desk.alerts.get(a as usize).map(|x| x.severity),
                _ => None,
            })
            .max()
            .unwrap_or(Medium);
        let strongest = items
            .iter()
            .filter_map(|&e| view.suspicion(e, 0.0))
            .fold(0.0_f64, f64::max);
        let critical = items.iter().any(|e| match *e {
            Evidence::Host(h) => view.scenario.hosts[h].criticality >= Critical,
            Evidence::Account(a) => content::privileged(view.scenario.accounts[a].privilege),
            _ => false,
        });
        if (strongest >= self.profile.threshold + 2.0 || critical) && level < Critical {
            level = [Low, Medium, High, Critical][level as usize + 1];
        }
        if self.rng.chance(self.profile.severity_accuracy) {
            return level;
        }
        let levels = [Low, Medium, High, Critical];
        let i = level as usize;
        let j = match i {
            0 => 1,
            3 => 2,
            _ if self.rng.chance(0.5) => i + 1,
            _ => i - 1,
        };
        levels[j]
    }
}
