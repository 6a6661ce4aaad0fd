//! The report as long-format CSV (`section,item,metric,value`): one row per figure, so
//! spreadsheets and scripts can pivot it however they like.

use std::fmt::Write;

use super::Report;
use crate::clock::SimTime;

/// Quotes a CSV field when it needs it.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn row(o: &mut String, section: &str, item: &str, metric: &str, value: impl ToString) {
    let _ = writeln!(
        o,
        "{},{},{},{}",
        field(section),
        field(item),
        field(metric),
        field(&value.to_string())
    );
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// Renders the report as CSV.
pub fn render(r: &Report) -> String {
    let res = &r.results;
    let mut o = String::from("section,item,metric,value\n");
    row(&mut o, "exercise", &r.scenario, "title", &r.title);
    row(&mut o, "exercise", &r.scenario, "date", opt(r.date.clone()));
    row(&mut o, "exercise", &r.scenario, "seed", res.seed);
    row(&mut o, "exercise", &r.scenario, "bots", &res.bots);
    row(&mut o, "exercise", &r.scenario, "digest", &res.digest);
    row(
        &mut o,
        "exercise",
        &r.scenario,
        "ended_by",
        format!("{:?}", res.ended_by).to_lowercase(),
    );
    row(
        &mut o,
        "exercise",
        &r.scenario,
        "ended_at",
        res.ended_at.secs(),
    );
    row(&mut o, "exercise", &r.scenario, "ran_to", res.ran_to.secs());
    row(
        &mut o,
        "exercise",
        &r.scenario,
        "team_score",
        opt(res.team_score),
    );
    row(&mut o, "exercise", &r.scenario, "par", opt(res.par));
    if let Some((lo, hi)) = res.typical {
        row(&mut o, "exercise", &r.scenario, "typical_low", lo);
        row(&mut o, "exercise", &r.scenario, "typical_high", hi);
    }
    if let Some(l) = &res.ladder {
        row(&mut o, "ladder", &l.track, "step", l.step);
        row(&mut o, "ladder", &l.track, "pass_score", l.pass_score);
        row(&mut o, "ladder", &l.track, "passed", opt(l.passed));
    }
    for c in &res.components {
        row(&mut o, "component", &c.name, "score", opt(c.score));
        row(&mut o, "component", &c.name, "weight", c.weight);
    }
    for i in &res.intrusions {
        row(
            &mut o,
            "intrusion",
            &i.id,
            "compromised_at",
            opt(i.compromised_at.map(SimTime::secs)),
        );
        row(
            &mut o,
            "intrusion",
            &i.id,
            "first_alert_at",
            opt(i.first_alert_at.map(SimTime::secs)),
        );
        row(
            &mut o,
            "intrusion",
            &i.id,
            "detected_at",
            opt(i.detected_at.map(SimTime::secs)),
        );
        row(
            &mut o,
            "intrusion",
            &i.id,
            "contained_at",
            opt(i.contained_at.map(SimTime::secs)),
        );
        row(
            &mut o,
            "intrusion",
            &i.id,
            "eradicated_at",
            opt(i.eradicated_at.map(SimTime::secs)),
        );
        row(
            &mut o,
            "intrusion",
            &i.id,
            "dwell_seconds",
            opt(i.dwell_seconds),
        );
        row(&mut o, "intrusion", &i.id, "censored", i.censored);
        row(
            &mut o,
            "intrusion",
            &i.id,
            "time_to_contain_seconds",
            opt(i.time_to_contain_seconds),
        );
        row(
            &mut o,
            "intrusion",
            &i.id,
            "exposure_seconds",
            opt(i.exposure_seconds),
        );
        row(&mut o, "intrusion", &i.id, "impact_points", i.impact_points);
        for s in &i.stages {
            let item = format!("{}/{}", i.id, s.id);
            row(&mut o, "stage", &item, "technique", &s.technique);
            row(
                &mut o,
                "stage",
                &item,
                "fired_at",
                opt(s.fired_at.map(SimTime::secs)),
            );
            row(
                &mut o,
                "stage",
                &item,
                "blocked_at",
                opt(s.blocked_at.map(SimTime::secs)),
            );
            row(&mut o, "stage", &item, "alerts", s.alerts);
            row(
                &mut o,
                "stage",
                &item,
                "first_alert_at",
                opt(s.first_alert_at.map(SimTime::secs)),
            );
        }
    }
    let t = &res.triage;
    for (m, v) in [
        ("true_positives", t.true_positives),
        ("false_positives", t.false_positives),
        ("true_negatives", t.true_negatives),
        ("false_negatives", t.false_negatives),
        ("untriaged_malicious", t.untriaged_malicious),
        ("untriaged_benign", t.untriaged_benign),
        ("needless_escalations", t.needless_escalations),
        ("sla_breaches", t.sla_breaches),
    ] {
        row(&mut o, "triage", "tier1", m, v);
    }
    row(&mut o, "triage", "tier1", "accuracy", opt(t.accuracy));
    row(
        &mut o,
        "triage",
        "tier1",
        "sla_met_percent",
        opt(t.sla_met_percent),
    );
    for h in &res.handoffs {
        let item = format!("handoff {}", h.id);
        row(&mut o, "handoff", &item, "from", &h.from);
        row(&mut o, "handoff", &item, "to", &h.to);
        row(&mut o, "handoff", &item, "sent_at", h.sent_at.secs());
        row(&mut o, "handoff", &item, "quality", h.quality);
        row(
            &mut o,
            "handoff",
            &item,
            "pickup_seconds",
            opt(h.pickup_seconds),
        );
        row(&mut o, "handoff", &item, "bounced", h.bounced);
    }
    for ob in &res.objectives {
        row(
            &mut o,
            "objective",
            &ob.id,
            "rating",
            super::rating_label(ob.rating).replace('—', ""),
        );
        row(&mut o, "objective", &ob.id, "value", opt(ob.value));
    }
    for s in &res.seats {
        row(&mut o, "seat", &s.seat, "controller", &s.controller);
        row(&mut o, "seat", &s.seat, "utilisation", s.utilisation);
        row(&mut o, "seat", &s.seat, "actions", s.actions);
        row(
            &mut o,
            "seat",
            &s.seat,
            "handoff_quality",
            opt(s.handoff_quality),
        );
    }
    for tq in &r.techniques {
        row(&mut o, "technique", &tq.id, "outcome", tq.coverage.label());
    }
    for p in &r.plan {
        row(&mut o, "plan", &p.issue, &p.owner, &p.action);
    }
    o
}
