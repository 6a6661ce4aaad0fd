//! Threat hunter bot: runs hunts on a cadence, picks hypotheses by its strategy, judges
//! what each hunt turns up from its cues, and turns what it judges malicious into cases
//! for Tier 2 (or straight to incident response for an expert), plus a detection
//! proposal when a dormant rule would have caught it.

use super::{Brain, HuntStrategy};
use crate::scenario::Role;
use crate::soc::action::{Action, Evidence, HandoffDraft, Hypothesis};
use crate::soc::perception::{Perception, Public};
use crate::soc::seat::Outcome;

/// The hunter's threat model: techniques that public threat reports (Red Canary's
/// Threat Detection Report, Mandiant M-Trends, The DFIR Report) rank among the most
/// used, plus every technique the SOC's own rules name. It is not the scenario's attack:
/// a hunter finds the attack only where its threat model and the attack overlap.
const THREAT_MODEL: [&str; 30] = [
    "T1566.001",
    "T1566.002",
    "T1204.002",
    "T1059.001",
    "T1059.003",
    "T1047",
    "T1053.005",
    "T1547.001",
    "T1543.003",
    "T1078",
    "T1078.004",
    "T1133",
    "T1190",
    "T1505.003",
    "T1003.001",
    "T1110.003",
    "T1621",
    "T1098.005",
    "T1087.002",
    "T1482",
    "T1021.001",
    "T1021.002",
    "T1570",
    "T1071.001",
    "T1105",
    "T1560.001",
    "T1567.002",
    "T1048",
    "T1486",
    "T1490",
];

/// Below this fidelity a rule misses more than it catches; hunters treat what it covers
/// as a gap.
const RELIABLE_FIDELITY: f64 = 0.5;

/// The hypotheses a hunter can pick, sorted and without repeats: the threat model plus
/// every technique the SOC's rules name; with each, the rules whose techniques cover it.
/// Which rules cover what never changes during an exercise (whether they are deployed
/// does), so the hunter works it out once, from the scenario's index.
pub(super) fn hypotheses(scenario: &Public) -> super::Hypotheses {
    let mut techniques: Vec<&str> = THREAT_MODEL.to_vec();
    techniques.extend(
        scenario
            .rules
            .iter()
            .flat_map(|r| r.techniques.iter().map(String::as_str)),
    );
    techniques.sort_unstable();
    techniques.dedup();
    techniques
        .into_iter()
        .map(|t| (t.to_string(), scenario.rules_covering(t)))
        .collect()
}

pub(super) fn next(brain: &mut Brain, view: &Perception) -> Option<Action> {
    if view.now < brain.mem.next_hunt {
        return None;
    }
    if brain.mem.hypotheses.is_empty() {
        brain.mem.hypotheses = hypotheses(view.scenario);
    }
    // Do not repeat the last few hypotheses.
    let recent = &brain.mem.hunted[brain.mem.hunted.len().saturating_sub(4)..];
    let hypotheses = &brain.mem.hypotheses;
    // Counted, then the n-th taken: no list is built for one draw.
    let candidates = || (0..hypotheses.len()).filter(|i| !recent.contains(i));
    let rng = &mut brain.rng;
    let any = |rng: &mut crate::sim::rng::Stream| {
        let n = candidates().count();
        candidates().nth(rng.below(n)).expect("n is the count")
    };
    let pick = match brain.profile.hunt_strategy {
        HuntStrategy::Random => any(rng),
        HuntStrategy::Gaps => {
            let uncovered = || {
                candidates().filter(|&h| {
                    // A technique counts as covered only by a deployed rule that would
                    // usually fire: a low-fidelity rule is a gap worth hunting.
                    !hypotheses[h].1.iter().any(|&i| {
                        let live = view.rule(i);
                        live.enabled && live.fidelity >= RELIABLE_FIDELITY
                    })
                })
            };
            let gaps = uncovered().count();
            if gaps > 0 && rng.chance(0.75) {
                uncovered().nth(rng.below(gaps)).expect("gaps is the count")
            } else {
                any(rng)
            }
        }
    };
    brain.mem.hunted.push(pick);
    let pick = hypotheses[pick].0.clone();
    Some(Action::Hunt {
        hypothesis: Hypothesis::Technique(pick),
        tenant: None,
        lookback: brain.profile.hunt_lookback.0,
    })
}

pub(super) fn observe(brain: &mut Brain, view: &Perception, action: &Action, outcome: &Outcome) {
    let (Action::Hunt { hypothesis, .. }, Outcome::Records(records)) = (action, outcome) else {
        return;
    };
    brain.mem.next_hunt = view.now + brain.profile.hunt_every.0;
    let mut findings = Vec::with_capacity(4 * records.len());
    let mut flagged = Vec::with_capacity(records.len());
    let mut total = 0.0;
    for &r in records {
        // A hunter reads what it turned up at leisure: no queue presses it.
        let margin = brain
            .read(view, Evidence::Record(r), 0.0)
            .unwrap_or(f64::NEG_INFINITY);
        if margin >= 0.0 {
            total += margin;
            flagged.push(r);
            view.desk.records[r as usize].push_items(&mut findings);
        }
    }
    // One odd record is a lead to note, not a case to open.
    if findings.is_empty() || total < super::FINDING_BAR {
        return;
    }
    findings.sort_unstable();
    findings.dedup();
    findings.retain(|e| view.knowledge.0.contains(e));
    let to = if brain.profile.hunt_to_responder
        && total >= super::STRAIGHT_TO_RESPONSE
        && one_story(view, &flagged)
        && view.desk.staffed(Role::Responder)
    {
        Role::Responder
    } else {
        Role::Tier2
    };
    let lead = findings
        .iter()
        .copied()
        .find(|e| matches!(e, Evidence::Record(_)));
    // Everything it hands on it judged malicious: the findings are what it flagged.
    let evidence = brain.pick_evidence(lead, &findings, |_| true);
    let severity = brain.rate_severity(view, &findings);
    let Hypothesis::Technique(t) = hypothesis else {
        return;
    };
    if view.desk.staffed(to) {
        brain.plan.push_back(Action::Handoff(Box::new(HandoffDraft {
            to,
            alert: None,
            case: None,
            evidence: evidence.clone(),
            severity,
            summary: format!("hunt for {t} found activity no alert covered"),
            technique: Some(t.clone()),
        })));
    }
    // The rules covering each hypothesis were worked out with the hypotheses.
    let dormant = brain
        .mem
        .hypotheses
        .iter()
        .find(|(h, _)| h == t)
        .is_some_and(|(_, rules)| rules.iter().any(|&i| !view.rule(i).enabled));
    if dormant && view.desk.staffed(Role::Engineer) {
        brain.plan.push_back(Action::Handoff(Box::new(HandoffDraft {
            to: Role::Engineer,
            alert: None,
            case: None,
            evidence,
            severity,
            summary: format!("detection gap for {t}: a disabled rule covers it"),
            technique: Some(t.clone()),
        })));
    }
}

/// Whether two of the records a hunt flagged tell one story: the same host or the same
/// account, within [`super::NEAR`] of each other. An attacker's steps cluster like that;
/// the odd records any estate shows are scattered. Only a finding that does goes
/// straight to incident response: anything less needs Tier 2's investigation first.
fn one_story(view: &Perception, flagged: &[crate::soc::action::RecordId]) -> bool {
    let records = &view.desk.records;
    flagged.iter().enumerate().any(|(i, &a)| {
        let a = &records[a as usize];
        flagged[i + 1..].iter().any(|&b| {
            let b = &records[b as usize];
            let together = (a.host.is_some() && a.host == b.host)
                || (a.account.is_some() && a.account == b.account);
            together && a.at.apart(b.at) <= super::NEAR
        })
    })
}
