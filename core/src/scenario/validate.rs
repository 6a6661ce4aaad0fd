//! Validation: every problem in a [`RawScenario`] at once, then conversion to the model.
//!
//! Checks run in one pass over the file and never stop at the first problem: authors fix
//! a whole list in one sitting. Conversion happens only when the list is empty, so the
//! runtime model can rely on every index being valid, every graph acyclic and every
//! number in range.

use std::collections::{BTreeMap, BTreeSet};

use super::attack::Catalogue;
use super::diag::{Collector, Diagnostics};
use super::format::Consequence;
use super::format::*;
use super::model::Consequence as ModelConsequence;
use super::model::{self, *};
use crate::clock::SimTime;

/// Upper bounds that keep a file from asking for absurd work.
const MAX_ITEMS: usize = 10_000;
/// The shortest exercise worth running; anything shorter is almost always a duration
/// written as a bare number of seconds by mistake.
const MIN_TIME_LIMIT: u64 = 600;
const MAX_RATE_PER_HOUR: f64 = 3_600.0;
/// The smallest rate that is not zero: about once in 114 years.
const MIN_RATE_PER_HOUR: f64 = 1e-6;
const MAX_POINTS: f64 = 1_000_000.0;
const MAX_ACTIVITY_PER_HOUR: f64 = 10_000_000.0;

/// Checks a parsed scenario; returns the runtime model or every problem found.
pub fn validate(raw: &RawScenario, src: &str) -> Result<Scenario, Diagnostics> {
    let mut c = Collector::new(src);
    let catalogue = Catalogue::get();

    check_id(&mut c, &[], &raw.id, "scenario");
    if raw.title.trim().is_empty() {
        c.field(
            &[],
            "title",
            "the title is empty: give the scenario a name players will see",
        );
    }
    if raw.time_limit.0 == 0 {
        c.field(
            &[],
            "time_limit",
            "time_limit is zero: give the exercise a length such as \"8h\"",
        );
    } else if raw.time_limit.0 < MIN_TIME_LIMIT {
        c.field(
            &[],
            "time_limit",
            format!(
                "time_limit is {} s, shorter than 10 minutes: a bare number is seconds; write a unit, e.g. \"8h\"",
                raw.time_limit.0
            ),
        );
    }
    for (what, n) in [
        ("tenants", raw.tenants.len()),
        ("hosts", raw.hosts.len()),
        ("data_sources", raw.data_sources.len()),
        ("intrusions", raw.intrusions.len()),
        ("staffing", raw.staffing.len()),
    ] {
        if n == 0 {
            c.field(
                &[],
                what,
                format!("{what} is empty: a scenario needs at least one"),
            );
        }
    }
    let counts = [
        raw.tenants.len(),
        raw.hosts.len(),
        raw.accounts.len(),
        raw.data_sources.len(),
        raw.rules.len(),
        raw.intrusions.len(),
        raw.injects.len(),
        raw.objectives.len(),
        raw.noise.len(),
    ];
    if counts.iter().any(|&n| n > MAX_ITEMS) {
        c.at(
            &[],
            None,
            format!("more than {MAX_ITEMS} items in one list: split the scenario"),
        );
        return Err(c.finish());
    }

    let tenants = index(&mut c, raw.tenants.iter().map(|t| t.id.as_str()), "tenant");
    let hosts = index(&mut c, raw.hosts.iter().map(|h| h.id.as_str()), "host");
    let accounts = index(
        &mut c,
        raw.accounts.iter().map(|a| a.id.as_str()),
        "account",
    );
    let sources = index(
        &mut c,
        raw.data_sources.iter().map(|s| s.id.as_str()),
        "data source",
    );
    index(&mut c, raw.rules.iter().map(|r| r.id.as_str()), "rule");
    let intrusions = index(
        &mut c,
        raw.intrusions.iter().map(|i| i.id.as_str()),
        "intrusion",
    );
    let injects = index(&mut c, raw.injects.iter().map(|i| i.id.as_str()), "inject");
    index(
        &mut c,
        raw.objectives.iter().map(|o| o.id.as_str()),
        "objective",
    );

    for h in &raw.hosts {
        refer(&mut c, &[&h.id], &tenants, &h.tenant, "tenant");
    }
    for a in &raw.accounts {
        refer(&mut c, &[&a.id], &tenants, &a.tenant, "tenant");
    }
    for r in &raw.rules {
        let at = [r.id.as_str()];
        refer(&mut c, &at, &sources, &r.source, "data source");
        if r.techniques.is_empty() {
            c.field(
                &at,
                "techniques",
                format!("rule {:?} names no ATT&CK technique", r.id),
            );
        }
        for t in &r.techniques {
            if catalogue.technique(t).is_none() {
                c.at(&at, Some(t), unknown_technique(t));
            }
        }
        probability(&mut c, &at, "fidelity", r.fidelity);
        rate(&mut c, &at, "benign_per_hour", r.benign_per_hour);
        if let Some(l) = r.latency {
            duration(&mut c, &at, "latency", l);
        }
    }
    for n in &raw.noise {
        let at = [n.source.as_str()];
        refer(&mut c, &[], &sources, &n.source, "data source");
        rate(&mut c, &at, "alerts_per_hour", n.alerts_per_hour);
        rate_up_to(
            &mut c,
            &at,
            "activity_per_hour",
            n.activity_per_hour,
            MAX_ACTIVITY_PER_HOUR,
        );
        if n.alerts_per_hour > 0.0 && !raw.rules.iter().any(|r| r.source == n.source && r.enabled) {
            c.at(
                &[],
                Some(&n.source),
                format!(
                    "noise on {:?} asks for benign alerts, but no enabled rule reads that source",
                    n.source
                ),
            );
        }
    }

    // Every benign alert is at least one simulated event: rates that would raise more
    // of them than an exercise's event budget can never run to the end.
    let per_hour: f64 = raw.rules.iter().map(|r| r.benign_per_hour).sum::<f64>()
        + raw.noise.iter().map(|n| n.alerts_per_hour).sum::<f64>();
    let expected = per_hour * raw.time_limit.0 as f64 / 3600.0;
    let budget = crate::sim::DEFAULT_EVENT_BUDGET as f64;
    if expected.is_finite() && expected > budget {
        c.field(
            &[],
            "time_limit",
            format!(
                "at these rates the exercise would raise about {expected:.0} benign alerts ({per_hour:.0} an hour over the rules and noise, for {} h), more than the {budget:.0} simulated events one exercise may take: lower the rates or the time_limit",
                raw.time_limit.0 / 3600
            ),
        );
    }

    let mut stage_maps = Vec::new();
    for intrusion in &raw.intrusions {
        stage_maps.push(check_intrusion(
            &mut c, raw, intrusion, &tenants, &hosts, &accounts, &sources,
        ));
    }

    // Every observable a decision may block: the attack's and the look-alikes.
    let all_observables: BTreeSet<&str> = raw
        .intrusions
        .iter()
        .flat_map(|i| &i.stages)
        .flat_map(|s| &s.observables)
        .chain(raw.noise.iter().flat_map(|n| &n.lookalikes))
        .map(|o| o.value.as_str())
        .collect();
    // A stage held back by a business measure needs a decision that can enact it.
    let enacted: BTreeSet<&str> = enacted_names(raw).collect();
    for i in &raw.intrusions {
        for st in &i.stages {
            for r in &st.requires {
                if let Precondition::NotEnacted(p) = r
                    && !enacted.contains(p.as_str())
                {
                    c.at(
                        &[i.id.as_str(), st.id.as_str()],
                        Some(p),
                        format!("NotEnacted({p:?}): no inject decision enacts {p:?}, so it never holds the stage back; add Enact({p:?}) to an option's consequences"),
                    );
                }
            }
        }
    }

    for inject in &raw.injects {
        let at = [inject.id.as_str()];
        if inject.to.is_empty() {
            c.field(
                &at,
                "to",
                format!("inject {:?} is addressed to nobody", inject.id),
            );
        }
        match &inject.when {
            InjectWhen::At(t) => within_limit(&mut c, &at, "when", *t, raw.time_limit),
            InjectWhen::AfterStage(i, s) => {
                if let Some(&ii) = refer(&mut c, &at, &intrusions, i, "intrusion") {
                    refer(&mut c, &at, &stage_maps[ii], s, "stage");
                }
            }
            InjectWhen::NotContainedBy(i, t) => {
                refer(&mut c, &at, &intrusions, i, "intrusion");
                within_limit(&mut c, &at, "when", *t, raw.time_limit);
            }
            InjectWhen::OnDetected(i) => {
                refer(&mut c, &at, &intrusions, i, "intrusion");
            }
        }
        if inject.decision.is_some() && !raw.staffing.iter().any(|st| st.role == RoleName::Manager)
        {
            c.field(&at, "decision", "this inject asks for a decision, which the SOC manager takes, but no Manager seat is staffed");
        }
        if let Some(d) = &inject.decision {
            if d.options.len() < 2 {
                c.field(&at, "options", "a decision needs at least two options");
            }
            if d.expected >= d.options.len() {
                c.field(
                    &at,
                    "expected",
                    format!(
                        "expected option {} does not exist (options are numbered from 0 to {})",
                        d.expected,
                        d.options.len().saturating_sub(1)
                    ),
                );
            }
            if let Some(t) = d.respond_within {
                duration(&mut c, &at, "respond_within", t);
            }
            for k in &d.consequences {
                if k.option >= d.options.len() {
                    c.at(
                        &at,
                        Some(&format!("option: {}", k.option)),
                        format!(
                            "option {} does not exist (options are numbered from 0 to {})",
                            k.option,
                            d.options.len().saturating_sub(1)
                        ),
                    );
                }
                for e in &k.effects {
                    match e {
                        Consequence::Isolate(h) => {
                            refer(&mut c, &at, &hosts, h, "host");
                        }
                        Consequence::DisableAccount(a) | Consequence::ResetCredentials(a) => {
                            refer(&mut c, &at, &accounts, a, "account");
                        }
                        Consequence::Block(v) => {
                            if !all_observables.contains(v.as_str()) {
                                c.at(&at, Some(v), format!("Block({v:?}) names no observable of this scenario (an attack stage's or a look-alike)"));
                            }
                        }
                        Consequence::Enact(p) => check_id(&mut c, &at, p, "business measure"),
                        Consequence::FireInject(i) => {
                            if i == &inject.id {
                                c.at(&at, Some(i), format!("inject {i:?} cannot fire itself"));
                            } else {
                                refer(&mut c, &at, &injects, i, "inject");
                            }
                        }
                    }
                }
            }
        }
    }

    for o in &raw.objectives {
        let at = [o.id.as_str()];
        let lower_better = match &o.measure {
            Measure::DwellTime(i) | Measure::Exposure(i) | Measure::TimeToContain(i) => {
                refer(&mut c, &at, &intrusions, i, "intrusion");
                true
            }
            Measure::InjectResponse(i) => {
                if let Some(&ii) = refer(&mut c, &at, &injects, i, "inject")
                    && raw.injects[ii].decision.is_none()
                {
                    c.at(
                        &at,
                        Some(i),
                        format!("inject {i:?} asks for no decision, so it has no response to time"),
                    );
                }
                true
            }
            Measure::ImpactPercent => true,
            Measure::TriageAccuracy | Measure::HandoffQuality => false,
        };
        let [p, s, m] = [o.p.0, o.s.0, o.m.0];
        if [p, s, m].iter().any(|v| !v.is_finite() || *v < 0.0) {
            c.at(
                &at,
                Some("p:"),
                "thresholds must be finite and not negative",
            );
        } else if lower_better && !(p <= s && s <= m) {
            c.at(
                &at,
                Some("p:"),
                "for a time or impact, thresholds must rise: p <= s <= m",
            );
        } else if !(lower_better || (p >= s && s >= m)) {
            c.at(
                &at,
                Some("p:"),
                "for a percentage or quality, thresholds must fall: p >= s >= m",
            );
        }
        if !lower_better && p > 100.0 {
            c.at(&at, Some("p:"), "percentages and qualities are at most 100");
        }
    }

    let mut seen_roles = BTreeSet::new();
    for s in &raw.staffing {
        if !seen_roles.insert(s.role) {
            c.at(
                &[],
                Some(&format!("role: {:?}", s.role)),
                format!("role {:?} is staffed twice", s.role),
            );
        }
        if s.seats == 0 || s.seats > MAX_SEATS {
            c.at(
                &[],
                Some(&format!("role: {:?}", s.role)),
                format!(
                    "role {:?} has {} seats: give 1 to {MAX_SEATS}",
                    s.role, s.seats
                ),
            );
        }
    }
    let mut seen_actions = BTreeSet::new();
    for d in &raw.durations {
        let name = format!("{:?}", d.action);
        if !seen_actions.insert(d.action) {
            c.at(
                &[],
                Some(&name),
                format!("the duration of {name} is set twice"),
            );
        }
        timing(
            &mut c,
            &[],
            &format!("action: {name}"),
            &name,
            d.time,
            false,
        );
    }
    let mut seen_partners = BTreeSet::new();
    for p in &raw.partners {
        if !seen_partners.insert(p.team) {
            let name = format!("team: {:?}", p.team);
            c.at(
                &[],
                Some(&name),
                format!("the delay of the {:?} team is set twice", p.team),
            );
        }
        let name = format!("{:?}", p.team);
        timing(&mut c, &[], &format!("team: {name}"), &name, p.delay, false);
    }
    if let Some(d) = raw.deployment_delay {
        duration(&mut c, &[], "deployment_delay", d);
    }
    if let Some((lo, hi)) = raw.dwell_band
        && (lo > hi || hi > raw.time_limit)
    {
        c.field(
            &[],
            "dwell_band",
            "dwell_band is (low, high): low must not exceed high, nor high the time_limit",
        );
    }
    if let Some(l) = &raw.ladder {
        if l.track.trim().is_empty() || l.step == 0 {
            c.field(
                &[],
                "ladder",
                "a ladder needs a track name and a step numbered from 1",
            );
        }
        if !(0.0..=100.0).contains(&l.pass_score) {
            c.field(
                &[],
                "pass_score",
                "pass_score is a team score: between 0 and 100",
            );
        }
    }
    if let Some(par) = raw.par
        && !(0.0..=100.0).contains(&par)
    {
        c.field(&[], "par", "par is a team score: between 0 and 100");
    }
    if let Some(t) = &raw.starts_at
        && clock_of_day(t).is_none()
    {
        c.at(
            &[],
            Some(t),
            format!(
                "starts_at {t:?} is not a time of day: write \"HH:MM\", e.g. \"09:00\" or \"22:30\""
            ),
        );
    }
    let profiles = crate::content::Catalogue::get();
    for b in &raw.benign {
        let at = [b.source.as_str()];
        refer(&mut c, &[], &sources, &b.source, "data source");
        if let Some(p) = &b.profile
            && profiles.profile(p).is_none()
        {
            let names: Vec<&str> = profiles.profiles.iter().map(|p| p.name.as_str()).collect();
            c.at(
                &at,
                Some(p),
                format!("no cue profile {p:?}: use one of {}", names.join(", ")),
            );
        }
        for t in &b.techniques {
            if catalogue.technique(t).is_none() {
                c.at(&at, Some(t), unknown_technique(t));
            }
        }
        if let Err(e) = crate::content::check_text(&b.text, !b.indicator.is_empty()) {
            c.at(&at, Some(&b.text), e);
        }
    }
    let known: BTreeSet<&str> = raw
        .intrusions
        .iter()
        .flat_map(|i| i.stages.iter().flat_map(|s| s.observables.iter()))
        .chain(raw.noise.iter().flat_map(|n| n.lookalikes.iter()))
        .map(|o| o.value.as_str())
        .collect();
    let mut seen_intel = BTreeSet::new();
    for e in &raw.intel {
        let at = [e.indicator.as_str()];
        if !known.contains(e.indicator.as_str()) {
            c.at(
                &[],
                Some(&e.indicator),
                format!(
                    "intel names {:?}, which no stage observable or look-alike carries: nothing in the exercise could show it",
                    e.indicator
                ),
            );
        }
        if !seen_intel.insert(e.indicator.as_str()) {
            c.at(
                &[],
                Some(&e.indicator),
                format!("intel on {:?} is given twice", e.indicator),
            );
        }
        probability(&mut c, &at, "confidence", e.confidence);
    }
    if let Some((lo, hi)) = raw.typical
        && !(0.0 <= lo && lo <= hi && hi <= 100.0)
    {
        c.field(
            &[],
            "typical",
            "typical is (low, high): team scores with 0 ≤ low ≤ high ≤ 100",
        );
    }

    if !c.is_empty() {
        return Err(c.finish());
    }
    Ok(convert(
        raw,
        &tenants,
        &hosts,
        &accounts,
        &sources,
        &intrusions,
        &injects,
        &stage_maps,
    ))
}

/// The business measures the scenario's decisions can enact, in order of first mention.
fn enacted_names(raw: &RawScenario) -> impl Iterator<Item = &str> {
    raw.injects
        .iter()
        .filter_map(|i| i.decision.as_ref())
        .flat_map(|d| &d.consequences)
        .flat_map(|k| &k.effects)
        .filter_map(|e| match e {
            Consequence::Enact(p) => Some(p.as_str()),
            _ => None,
        })
}

fn unknown_technique(t: &str) -> String {
    format!(
        "unknown ATT&CK technique {t:?}: use an Enterprise v17 id such as \"T1566.001\" (ids like T1685 are ATT&CK v19)"
    )
}

fn check_id(c: &mut Collector, at: &[&str], id: &str, what: &str) {
    if id.trim().is_empty() || id.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
        c.at(
            at,
            Some(id),
            format!("{what} id {id:?} must be non-empty and contain no spaces"),
        );
    }
}

/// Maps ids to positions, reporting duplicates and bad ids.
fn index<'a>(
    c: &mut Collector,
    ids: impl Iterator<Item = &'a str>,
    what: &str,
) -> BTreeMap<String, usize> {
    let mut map = BTreeMap::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, id) in ids.enumerate() {
        check_id(c, &[], id, what);
        let count = seen.entry(id).or_insert(0);
        *count += 1;
        if map.insert(id.to_string(), i).is_some() {
            c.at_nth_definition(
                &[],
                id,
                *count,
                format!("{what} id {id:?} is defined twice"),
            );
        }
    }
    map
}

/// Resolves a reference, reporting a dangling id with the known ones.
fn refer<'m>(
    c: &mut Collector,
    at: &[&str],
    map: &'m BTreeMap<String, usize>,
    id: &str,
    what: &str,
) -> Option<&'m usize> {
    let found = map.get(id);
    if found.is_none() {
        let known: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
        c.at(
            at,
            Some(id),
            format!("unknown {what} {id:?} (known: {})", known.join(", ")),
        );
    }
    found
}

fn probability(c: &mut Collector, at: &[&str], field: &str, v: f64) {
    if !(0.0..=1.0).contains(&v) {
        c.field(
            at,
            field,
            format!("{field} is {v}: it is a probability between 0 and 1"),
        );
    }
}

fn rate(c: &mut Collector, at: &[&str], field: &str, v: f64) {
    rate_up_to(c, at, field, v, MAX_RATE_PER_HOUR);
}

fn rate_up_to(c: &mut Collector, at: &[&str], field: &str, v: f64, max: f64) {
    if !(0.0..=max).contains(&v) {
        c.field(
            at,
            field,
            format!("{field} is {v}: give a rate between 0 and {max} per hour"),
        );
    } else if v > 0.0 && v < MIN_RATE_PER_HOUR {
        c.field(
            at,
            field,
            format!(
                "{field} is {v}: too small to mean anything (less than once in a hundred years); give 0 for none, or at least {MIN_RATE_PER_HOUR} per hour"
            ),
        );
    }
}

fn duration(c: &mut Collector, at: &[&str], field: &str, d: Dur) {
    if d.0 > MAX_SECONDS {
        c.field(
            at,
            field,
            format!("{field} is longer than the 30-day maximum"),
        );
    }
}

fn within_limit(c: &mut Collector, at: &[&str], field: &str, t: Dur, limit: Dur) {
    if t > limit {
        c.field(
            at,
            field,
            format!(
                "{} s is after the exercise's time_limit of {} s: it can never happen",
                t.0, limit.0
            ),
        );
    }
}

/// Checks a delay found at `anchor` (a literal such as `action: Classify`) inside the
/// definitions `defs`. Action and partner delays must be positive (work takes time);
/// stage delays may be zero.
fn timing(c: &mut Collector, defs: &[&str], anchor: &str, label: &str, d: Delay, zero_ok: bool) {
    match d {
        Delay::Fixed(s) => {
            if !zero_ok && s.0 == 0 {
                c.at(
                    defs,
                    Some(anchor),
                    format!("{label}: a zero duration; actions and partner work take time"),
                );
            }
        }
        Delay::Uniform(lo, hi) => {
            if lo > hi {
                c.at(
                    defs,
                    Some(anchor),
                    format!(
                        "{label}: Uniform({}, {}) has its bounds the wrong way round",
                        lo.0, hi.0
                    ),
                );
            }
            if !zero_ok && hi.0 == 0 {
                c.at(
                    defs,
                    Some(anchor),
                    format!("{label}: a zero duration; actions and partner work take time"),
                );
            }
        }
        Delay::Exponential(m) => {
            if m.0 == 0 {
                c.at(
                    defs,
                    Some(anchor),
                    format!("{label}: Exponential needs a mean above zero"),
                );
            }
        }
    }
}

fn check_intrusion(
    c: &mut Collector,
    raw: &RawScenario,
    intrusion: &RawIntrusion,
    tenants: &BTreeMap<String, usize>,
    hosts: &BTreeMap<String, usize>,
    accounts: &BTreeMap<String, usize>,
    sources: &BTreeMap<String, usize>,
) -> BTreeMap<String, usize> {
    let iid = intrusion.id.as_str();
    let catalogue = Catalogue::get();
    let tenant = refer(c, &[iid], tenants, &intrusion.tenant, "tenant").copied();
    if intrusion.stages.is_empty() {
        c.field(&[iid], "stages", format!("intrusion {iid:?} has no stages"));
    }
    let mut stages = BTreeMap::new();
    for (i, s) in intrusion.stages.iter().enumerate() {
        check_id(c, &[iid], &s.id, "stage");
        if stages.insert(s.id.clone(), i).is_some() {
            let n = intrusion.stages[..=i]
                .iter()
                .filter(|x| x.id == s.id)
                .count();
            c.at_nth_definition(
                &[iid],
                &s.id,
                n,
                format!("stage id {:?} is defined twice in intrusion {iid:?}", s.id),
            );
        }
    }
    let observable_values: BTreeSet<&str> = intrusion
        .stages
        .iter()
        .flat_map(|s| s.observables.iter().map(|o| o.value.as_str()))
        .collect();

    for s in &intrusion.stages {
        let at = [iid, s.id.as_str()];
        if !catalogue.has_tactic(&s.tactic) {
            c.at(&at, Some(&s.tactic), format!(
                "unknown ATT&CK tactic {:?}: use a short name such as \"initial-access\" or \"lateral-movement\"",
                s.tactic
            ));
        }
        match catalogue.technique(&s.technique) {
            None => c.at(&at, Some(&s.technique), unknown_technique(&s.technique)),
            Some(t)
                if catalogue.has_tactic(&s.tactic) && !t.tactics.contains(&s.tactic.as_str()) =>
            {
                c.at(&at, Some(&s.technique), format!(
                    "technique {} ({}) does not belong to tactic {:?}; ATT&CK lists it under {}",
                    t.id, t.name, s.tactic, t.tactics.join(", ")
                ));
            }
            Some(_) => {}
        }
        match &s.target {
            Target::Host(h) => own_host(c, raw, &at, hosts, tenant, intrusion, h),
            Target::Account(a) => own_account(c, raw, &at, accounts, tenant, intrusion, a),
        }
        for a in &s.after {
            refer(c, &at, &stages, a, "stage");
            if a == &s.id {
                c.at(
                    &at,
                    Some(a),
                    format!("stage {a:?} cannot come after itself"),
                );
            }
        }
        if s.fallback_only && !s.after.is_empty() {
            c.field(&at, "after", "a fallback_only stage runs when the stage it stands in for is blocked; drop its `after`");
        }
        if let Some(v) = s.subtlety {
            probability(c, &at, "subtlety", v);
        }
        if let Some(f) = &s.fallback {
            refer(c, &at, &stages, f, "fallback stage");
        }
        timing(
            c,
            &at,
            "delay:",
            &format!("stage {iid}/{}", s.id),
            s.delay,
            true,
        );
        for r in &s.requires {
            match r {
                Precondition::Foothold(h) => own_host(c, raw, &at, hosts, tenant, intrusion, h),
                Precondition::AccountEnabled(a) => {
                    own_account(c, raw, &at, accounts, tenant, intrusion, a)
                }
                // Checked with the decisions that enact it (in `validate`).
                Precondition::NotEnacted(_) => {}
                Precondition::NotBlocked(v) => {
                    if !observable_values.contains(v.as_str()) {
                        c.at(
                            &at,
                            Some(v),
                            format!(
                                "NotBlocked({v:?}) names no observable of this intrusion's stages"
                            ),
                        );
                    }
                }
            }
        }
        for e in &s.effects {
            match e {
                Effect::Foothold(h) => own_host(c, raw, &at, hosts, tenant, intrusion, h),
                Effect::Compromise(a) => own_account(c, raw, &at, accounts, tenant, intrusion, a),
                Effect::Impact(label, points) => {
                    if !(0.0..=MAX_POINTS).contains(points) {
                        c.at(
                            &at,
                            Some(label),
                            format!("impact points {points} out of range 0 to {MAX_POINTS}"),
                        );
                    }
                }
            }
        }
        for t in &s.telemetry {
            refer(c, &at, sources, &t.source, "data source");
            if let Some(h) = &t.host {
                own_host(c, raw, &at, hosts, tenant, intrusion, h);
            }
            if let Some(a) = &t.account {
                own_account(c, raw, &at, accounts, tenant, intrusion, a);
            }
        }
        for o in &s.observables {
            if o.value.trim().is_empty() {
                c.at(&at, Some("observables"), "an observable has an empty value");
            }
        }
    }
    if !c.is_empty() {
        return stages;
    }
    check_graph(c, intrusion, &stages);
    stages
}

/// Resolves a host named by an intrusion's stage and checks it is the intrusion's tenant's.
fn own_host(
    c: &mut Collector,
    raw: &RawScenario,
    at: &[&str],
    hosts: &BTreeMap<String, usize>,
    tenant: Option<usize>,
    intrusion: &RawIntrusion,
    h: &str,
) {
    if let Some(&hi) = refer(c, at, hosts, h, "host")
        && tenant.is_some()
        && raw.hosts[hi].tenant != intrusion.tenant
    {
        c.at(
            at,
            Some(h),
            format!(
                "host {h:?} belongs to tenant {:?}, not the intrusion's tenant {:?}",
                raw.hosts[hi].tenant, intrusion.tenant
            ),
        );
    }
}

/// Resolves an account named by an intrusion's stage and checks it is the intrusion's
/// tenant's.
fn own_account(
    c: &mut Collector,
    raw: &RawScenario,
    at: &[&str],
    accounts: &BTreeMap<String, usize>,
    tenant: Option<usize>,
    intrusion: &RawIntrusion,
    a: &str,
) {
    if let Some(&ai) = refer(c, at, accounts, a, "account")
        && tenant.is_some()
        && raw.accounts[ai].tenant != intrusion.tenant
    {
        c.at(
            at,
            Some(a),
            format!(
                "account {a:?} belongs to tenant {:?}, not the intrusion's tenant {:?}",
                raw.accounts[ai].tenant, intrusion.tenant
            ),
        );
    }
}

/// Cycles, stages that can never run, and footholds no earlier stage can give.
fn check_graph(c: &mut Collector, intrusion: &RawIntrusion, ids: &BTreeMap<String, usize>) {
    let iid = intrusion.id.as_str();
    let n = intrusion.stages.len();
    let after: Vec<Vec<usize>> = intrusion
        .stages
        .iter()
        .map(|s| s.after.iter().map(|a| ids[a]).collect())
        .collect();
    let fallback: Vec<Option<usize>> = intrusion
        .stages
        .iter()
        .map(|s| s.fallback.as_ref().map(|f| ids[f]))
        .collect();

    // Edges point from a stage to what must come before it: its `after`, and for a
    // fallback, the stage it stands in for.
    let mut before: Vec<Vec<usize>> = after.clone();
    for (i, f) in fallback.iter().enumerate() {
        if let Some(f) = f {
            before[*f].push(i);
        }
    }
    // Iterative three-colour DFS (no recursion: a hostile file cannot overflow the stack).
    let mut colour = vec![0u8; n];
    for start in 0..n {
        if colour[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        colour[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&m) = before[node].get(*next) {
                *next += 1;
                match colour[m] {
                    0 => {
                        colour[m] = 1;
                        stack.push((m, 0));
                    }
                    1 => {
                        let s = &intrusion.stages[node];
                        c.at(&[iid, &s.id], None, format!(
                            "stages of intrusion {iid:?} form a cycle through {:?} and {:?}: `after` and `fallback` must not loop",
                            s.id, intrusion.stages[m].id
                        ));
                        return;
                    }
                    _ => {}
                }
            } else {
                colour[node] = 2;
                stack.pop();
            }
        }
    }

    // Reachability: a root, a fallback of a reachable stage, or all `after` reachable.
    let mut reachable = vec![false; n];
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            if reachable[i] {
                continue;
            }
            let s = &intrusion.stages[i];
            let by_fallback = (0..n).any(|j| reachable[j] && fallback[j] == Some(i));
            let by_after = !s.fallback_only && after[i].iter().all(|&a| reachable[a]);
            if by_fallback || by_after {
                reachable[i] = true;
                changed = true;
            }
        }
    }
    for (i, s) in intrusion.stages.iter().enumerate() {
        if !reachable[i] {
            c.at(&[iid, &s.id], None, format!(
                "stage {:?} can never run: it is fallback_only but no reachable stage names it as fallback, or it comes after such a stage",
                s.id
            ));
        }
    }

    let ancestors = |i: usize| {
        let mut seen = vec![false; n];
        let mut todo = before[i].clone();
        while let Some(j) = todo.pop() {
            if !seen[j] {
                seen[j] = true;
                todo.extend(before[j].iter().copied());
            }
        }
        seen
    };

    // A NotBlocked requirement is dead if its indicator only appears at this stage or
    // later: defenders could never learn it in time to block it.
    for (i, s) in intrusion.stages.iter().enumerate() {
        let anc = ancestors(i);
        for r in &s.requires {
            let Precondition::NotBlocked(v) = r else {
                continue;
            };
            let seen_before = (0..n).any(|j| {
                anc[j]
                    && intrusion.stages[j]
                        .observables
                        .iter()
                        .any(|o| &o.value == v)
            });
            if !seen_before {
                c.at(&[iid, &s.id], Some(&format!("NotBlocked(\"{v}\")")), format!(
                    "stage {:?} requires {v:?} unblocked, but no stage before it leaves that indicator: nobody could block it in time (add it to an earlier stage's observables)",
                    s.id
                ));
            }
        }
    }

    // A foothold requirement needs a stage that can precede this one and gives that foothold.
    for (i, s) in intrusion.stages.iter().enumerate() {
        let needs: Vec<&String> = s
            .requires
            .iter()
            .filter_map(|r| match r {
                Precondition::Foothold(h) => Some(h),
                _ => None,
            })
            .collect();
        if needs.is_empty() {
            continue;
        }
        let anc = ancestors(i);
        for h in needs {
            let given = (0..n).any(|j| {
                anc[j]
                    && intrusion.stages[j]
                        .effects
                        .iter()
                        .any(|e| matches!(e, Effect::Foothold(g) if g == h))
            });
            if !given {
                c.at(&[iid, &s.id], Some(&format!("Foothold(\"{h}\")")), format!(
                    "stage {:?} requires a foothold on {h:?}, but no stage before it gains one: it can never run",
                    s.id
                ));
            }
        }
    }
}

#[expect(clippy::too_many_arguments, reason = "one lookup table per kind of id")]
fn convert(
    raw: &RawScenario,
    tenants: &BTreeMap<String, usize>,
    hosts: &BTreeMap<String, usize>,
    accounts: &BTreeMap<String, usize>,
    sources: &BTreeMap<String, usize>,
    intrusions: &BTreeMap<String, usize>,
    injects: &BTreeMap<String, usize>,
    stage_maps: &[BTreeMap<String, usize>],
) -> Scenario {
    let mut policies: Vec<String> = Vec::new();
    for p in enacted_names(raw) {
        if !policies.iter().any(|x| x == p) {
            policies.push(p.to_string());
        }
    }
    let mut observables: Vec<Observable> = Vec::new();
    let observable_ids: Vec<Vec<Vec<usize>>> = raw
        .intrusions
        .iter()
        .map(|ri| {
            ri.stages
                .iter()
                .map(|s| {
                    s.observables
                        .iter()
                        .map(|o| intern(&mut observables, o))
                        .collect()
                })
                .collect()
        })
        .collect();
    let lookalike_ids: Vec<Vec<usize>> = raw
        .noise
        .iter()
        .map(|n| {
            n.lookalikes
                .iter()
                .map(|o| intern(&mut observables, o))
                .collect()
        })
        .collect();
    // Indicators are numbered in (kind, value) order, not in the order the file names
    // them: the attack's would otherwise come first, and an index would say which
    // indicator is the attacker's.
    let mut order: Vec<usize> = (0..observables.len()).collect();
    order.sort_by(|&a, &b| {
        (observables[a].kind, &observables[a].value)
            .cmp(&(observables[b].kind, &observables[b].value))
    });
    let mut remap = vec![0; observables.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new;
    }
    let observables: Vec<Observable> = order.iter().map(|&i| observables[i].clone()).collect();
    let observable_ids: Vec<Vec<Vec<usize>>> = observable_ids
        .into_iter()
        .map(|per_stage| {
            per_stage
                .into_iter()
                .map(|ids| ids.into_iter().map(|i| remap[i]).collect())
                .collect()
        })
        .collect();
    let lookalike_ids: Vec<Vec<usize>> = lookalike_ids
        .into_iter()
        .map(|ids| ids.into_iter().map(|i| remap[i]).collect())
        .collect();
    let catalogue = crate::content::Catalogue::get();
    let mut benign = catalogue.lines.clone();
    for b in &raw.benign {
        benign.push(crate::content::BenignLine {
            kinds: vec![raw.data_sources[sources[&b.source]].kind],
            source: Some(sources[&b.source]),
            techniques: b.techniques.clone(),
            profile: catalogue
                .profile(b.profile.as_deref().unwrap_or("routine"))
                .expect("validation checked the profile"),
            account: b.account,
            indicator: b.indicator.clone(),
            text: b.text.clone(),
        });
    }
    let intel: Vec<IntelEntry> = raw
        .intel
        .iter()
        .map(|e| IntelEntry {
            observable: observables
                .iter()
                .position(|o| o.value == e.indicator)
                .expect("validation checked intel names a known indicator"),
            intel: crate::content::Intel {
                verdict: e.verdict,
                confidence: e.confidence,
            },
            note: e.note.clone(),
            known: e.known,
        })
        .collect();
    let intrusions_model: Vec<Intrusion> = raw
        .intrusions
        .iter()
        .zip(stage_maps)
        .zip(&observable_ids)
        .map(|((ri, ids), obs_per_stage)| {
            let mut stages: Vec<Stage> = ri
                .stages
                .iter()
                .zip(obs_per_stage)
                .map(|(s, obs)| {
                    let obs = obs.clone();
                    let target = match &s.target {
                        Target::Host(h) => StageTarget::Host(hosts[h]),
                        Target::Account(a) => StageTarget::Account(accounts[a]),
                    };
                    Stage {
                        id: s.id.clone(),
                        name: if s.name.is_empty() {
                            s.id.clone()
                        } else {
                            s.name.clone()
                        },
                        tactic: s.tactic.clone(),
                        technique: s.technique.clone(),
                        target,
                        after: s.after.iter().map(|a| ids[a]).collect(),
                        successors: Vec::new(),
                        delay: to_timing(s.delay),
                        requires: Vec::new(),
                        effects: s
                            .effects
                            .iter()
                            .map(|e| match e {
                                Effect::Foothold(h) => StageEffect::Foothold(hosts[h]),
                                Effect::Compromise(a) => StageEffect::Compromise(accounts[a]),
                                Effect::Impact(label, points) => StageEffect::Impact {
                                    label: label.clone(),
                                    points: *points,
                                },
                            })
                            .collect(),
                        observables: obs,
                        telemetry: s
                            .telemetry
                            .iter()
                            .map(|t| TelemetrySpec {
                                source: sources[&t.source],
                                host: t.host.as_ref().map(|h| hosts[h]).or(match target {
                                    StageTarget::Host(h) => Some(h),
                                    StageTarget::Account(_) => None,
                                }),
                                account: t.account.as_ref().map(|a| accounts[a]).or(match target {
                                    StageTarget::Account(a) => Some(a),
                                    StageTarget::Host(_) => None,
                                }),
                                summary: t.summary.clone(),
                            })
                            .collect(),
                        fallback: s.fallback.as_ref().map(|f| ids[f]),
                        fallback_only: s.fallback_only,
                        severity: s.severity,
                        announces: s.announces,
                        subtlety: s.subtlety.unwrap_or(DEFAULT_SUBTLETY),
                    }
                })
                .collect();
            // Requirements need the interned observables, resolved after interning.
            for (stage, rs) in stages.iter_mut().zip(&ri.stages) {
                stage.requires = rs
                    .requires
                    .iter()
                    .map(|r| match r {
                        Precondition::Foothold(h) => Requirement::Foothold(hosts[h]),
                        Precondition::AccountEnabled(a) => Requirement::AccountEnabled(accounts[a]),
                        Precondition::NotBlocked(v) => {
                            let idx = observables
                                .iter()
                                .position(|o| &o.value == v)
                                .expect("validation checked NotBlocked names a stage observable");
                            Requirement::NotBlocked(idx)
                        }
                        Precondition::NotEnacted(p) => Requirement::NotEnacted(
                            policies
                                .iter()
                                .position(|x| x == p)
                                .expect("validation checked a decision enacts it"),
                        ),
                    })
                    .collect();
            }
            for i in 0..stages.len() {
                for a in stages[i].after.clone() {
                    stages[a].successors.push(i);
                }
            }
            Intrusion {
                id: ri.id.clone(),
                name: if ri.name.is_empty() {
                    ri.id.clone()
                } else {
                    ri.name.clone()
                },
                tenant: tenants[&ri.tenant],
                stages,
            }
        })
        .collect();

    let mut durations = Durations::defaults();
    for d in &raw.durations {
        durations.0[d.action as usize] = to_timing(d.time);
    }
    let mut partners = PartnerDelays::defaults();
    for p in &raw.partners {
        partners.0[p.team as usize] = to_timing(p.delay);
    }
    let staffing = model::ALL_ROLES
        .iter()
        .filter_map(|&r| {
            raw.staffing
                .iter()
                .find(|s| s.role == r)
                .map(|s| (r, s.seats))
        })
        .collect();

    let observable_values: Vec<String> = observables.iter().map(|o| o.value.clone()).collect();
    Scenario {
        id: raw.id.clone(),
        title: raw.title.clone(),
        summary: raw.summary.clone(),
        difficulty: raw.difficulty,
        learning_objectives: raw.learning_objectives.clone(),
        tags: raw.tags.clone(),
        time_limit: raw.time_limit.0,
        tenants: raw
            .tenants
            .iter()
            .map(|t| Tenant {
                id: t.id.clone(),
                name: if t.name.is_empty() {
                    t.id.clone()
                } else {
                    t.name.clone()
                },
                sla: t.sla,
            })
            .collect(),
        hosts: raw
            .hosts
            .iter()
            .map(|h| Host {
                id: h.id.clone(),
                tenant: tenants[&h.tenant],
                kind: h.kind,
                criticality: h.criticality,
            })
            .collect(),
        accounts: raw
            .accounts
            .iter()
            .map(|a| Account {
                id: a.id.clone(),
                tenant: tenants[&a.tenant],
                privilege: a.privilege,
            })
            .collect(),
        sources: raw
            .data_sources
            .iter()
            .map(|s| DataSource {
                id: s.id.clone(),
                kind: s.kind,
            })
            .collect(),
        rules: raw
            .rules
            .iter()
            .map(|r| Rule {
                id: r.id.clone(),
                name: r.name.clone(),
                source: sources[&r.source],
                techniques: r.techniques.clone(),
                fidelity: r.fidelity,
                severity: r.severity,
                benign_per_hour: r.benign_per_hour,
                enabled: r.enabled,
                latency: r.latency.map_or(120, |d| d.0),
                sigma: r.sigma.clone(),
                author: r.author.clone(),
            })
            .collect(),
        observables,
        intrusions: intrusions_model,
        noise: raw
            .noise
            .iter()
            .zip(lookalike_ids)
            .map(|(n, lookalikes)| Noise {
                source: sources[&n.source],
                alerts_per_hour: n.alerts_per_hour,
                activity_per_hour: n.activity_per_hour,
                lookalikes,
            })
            .collect(),
        injects: raw
            .injects
            .iter()
            .map(|i| Inject {
                id: i.id.clone(),
                title: i.title.clone(),
                when: match &i.when {
                    InjectWhen::At(t) => Trigger::At(SimTime::from_secs(t.0)),
                    InjectWhen::AfterStage(a, s) => {
                        let ii = intrusions[a];
                        Trigger::AfterStage(ii, stage_maps[ii][s])
                    }
                    InjectWhen::NotContainedBy(a, t) => {
                        Trigger::NotContainedBy(intrusions[a], SimTime::from_secs(t.0))
                    }
                    InjectWhen::OnDetected(a) => Trigger::OnDetected(intrusions[a]),
                },
                to: i.to.clone(),
                body: i.body.clone(),
                questions: i.questions.clone(),
                decision: i.decision.as_ref().map(|d| Decision {
                    options: d.options.clone(),
                    expected: d.expected,
                    respond_within: d.respond_within.map(|t| t.0),
                    consequences: (0..d.options.len())
                        .map(|k| {
                            d.consequences
                                .iter()
                                .filter(|x| x.option == k)
                                .flat_map(|x| &x.effects)
                                .map(|e| match e {
                                    Consequence::Isolate(h) => ModelConsequence::Isolate(hosts[h]),
                                    Consequence::DisableAccount(a) => {
                                        ModelConsequence::DisableAccount(accounts[a])
                                    }
                                    Consequence::ResetCredentials(a) => {
                                        ModelConsequence::ResetCredentials(accounts[a])
                                    }
                                    Consequence::Block(v) => ModelConsequence::Block(
                                        observable_values
                                            .iter()
                                            .position(|o| o == v)
                                            .expect("validation checked Block names an observable"),
                                    ),
                                    Consequence::Enact(p) => ModelConsequence::Enact(
                                        policies.iter().position(|x| x == p).expect("collected"),
                                    ),
                                    Consequence::FireInject(x) => {
                                        ModelConsequence::FireInject(injects[x])
                                    }
                                })
                                .collect()
                        })
                        .collect(),
                }),
            })
            .collect(),
        objectives: raw
            .objectives
            .iter()
            .map(|o| Objective {
                id: o.id.clone(),
                description: o.description.clone(),
                measure: match &o.measure {
                    Measure::DwellTime(i) => ObjectiveMeasure::DwellTime(intrusions[i]),
                    Measure::Exposure(i) => ObjectiveMeasure::Exposure(intrusions[i]),
                    Measure::TimeToContain(i) => ObjectiveMeasure::TimeToContain(intrusions[i]),
                    Measure::InjectResponse(i) => ObjectiveMeasure::InjectResponse(injects[i]),
                    Measure::ImpactPercent => ObjectiveMeasure::ImpactPercent,
                    Measure::TriageAccuracy => ObjectiveMeasure::TriageAccuracy,
                    Measure::HandoffQuality => ObjectiveMeasure::HandoffQuality,
                },
                thresholds: [o.p.0, o.s.0, o.m.0],
            })
            .collect(),
        staffing,
        durations,
        partners,
        deployment_delay: raw.deployment_delay.map_or(1800, |d| d.0),
        par: raw.par,
        typical: raw.typical,
        dwell_band: raw.dwell_band.map(|(lo, hi)| (lo.0, hi.0)),
        ladder: raw.ladder.as_ref().map(|l| Ladder {
            track: l.track.clone(),
            step: l.step,
            pass_score: l.pass_score,
            next: l.next.clone(),
        }),
        starts_at: raw
            .starts_at
            .as_deref()
            .and_then(clock_of_day)
            .unwrap_or(DEFAULT_STARTS_AT),
        benign,
        profiles: catalogue.profiles.clone(),
        intel,
        lookup: Lookup::default(),
        policies,
    }
    .indexed()
}

/// A stage's subtlety when the file gives none.
pub const DEFAULT_SUBTLETY: f64 = 0.25;

/// T+0's time of day when the file gives none: 09:00.
pub const DEFAULT_STARTS_AT: u64 = 9 * 3600;

/// `"HH:MM"` as seconds after midnight.
fn clock_of_day(text: &str) -> Option<u64> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && text.trim().len() == 5).then_some(h * 3600 + m * 60)
}

/// Index of an observable in the interned list, adding it if new.
fn intern(list: &mut Vec<Observable>, o: &RawObservable) -> usize {
    let ob = Observable {
        kind: o.kind,
        value: o.value.clone(),
    };
    match list.iter().position(|x| *x == ob) {
        Some(i) => i,
        None => {
            list.push(ob);
            list.len() - 1
        }
    }
}

fn to_timing(d: Delay) -> Timing {
    match d {
        Delay::Fixed(s) => Timing::Fixed(s.0),
        Delay::Uniform(a, b) => Timing::Uniform(a.0, b.0),
        Delay::Exponential(m) => Timing::Exponential(m.0),
    }
}
