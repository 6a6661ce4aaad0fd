//! The report's tables, built once from the report model and rendered by both the HTML
//! and the Markdown writers, so the two always show the same figures.

use super::{AlertLine, Report, span};
use crate::clock::SimTime;

/// A table: header, rows of cells, and which columns hold numbers.
pub struct Table {
    /// Column headings.
    pub head: &'static [&'static str],
    /// Cells, row by row.
    pub rows: Vec<Vec<String>>,
    /// Columns to align as numbers.
    pub numeric: &'static [usize],
}

fn opt(t: Option<SimTime>) -> String {
    t.map_or("—".into(), SimTime::clock)
}

fn dwell(seconds: Option<u64>, censored: bool) -> String {
    seconds.map_or("—".into(), |d| {
        format!("{}{}", if censored { "≥ " } else { "" }, span(d))
    })
}

/// The exercise overview.
pub fn overview(r: &Report) -> Table {
    let res = &r.results;
    Table {
        head: &["Item", "Value"],
        rows: vec![
            vec![
                "Scenario".into(),
                format!("{} ({:?})", r.title, res.difficulty),
            ],
            vec!["Summary".into(), r.summary.clone()],
            vec![
                "Date".into(),
                r.date.clone().unwrap_or_else(|| "not recorded".into()),
            ],
            vec!["Seed".into(), res.seed.to_string()],
            vec!["Bots".into(), res.bots.clone()],
            vec![
                "Length".into(),
                match res.ended_by {
                    crate::score::EndedBy::Defenders => format!(
                        "ended early at {}; the attack ran on without defenders to {} ({})",
                        res.ended_at.clock(),
                        res.ran_to.clock(),
                        res.end_reason
                    ),
                    _ => format!("{} ({})", span(res.ended_at.secs()), res.end_reason),
                },
            ],
            vec!["Journal digest".into(), res.digest.clone()],
        ],
        numeric: &[],
    }
}

/// Who sat where.
pub fn seats(r: &Report) -> Table {
    Table {
        head: &["Seat", "Role", "Played by"],
        rows: r
            .seats
            .iter()
            .map(|s| vec![s.seat.clone(), s.role.clone(), s.played_by.clone()])
            .collect(),
        numeric: &[],
    }
}

/// Injects, answers, decisions, notes, messages and seat changes, in order.
pub fn discussion(r: &Report) -> Table {
    Table {
        head: &["Time", "What", "Who", "About", "Said or decided"],
        rows: r
            .discussion
            .iter()
            .map(|d| {
                vec![
                    d.t.clock(),
                    d.kind.to_string(),
                    d.who.clone(),
                    match (&d.about, &d.objective) {
                        (Some(a), Some(o)) => format!("{a}; objective {o}"),
                        (Some(a), None) => a.clone(),
                        (None, Some(o)) => format!("objective {o}"),
                        (None, None) => String::new(),
                    },
                    d.text.clone(),
                ]
            })
            .collect(),
        numeric: &[],
    }
}

/// Per-intrusion timeline figures.
pub fn intrusions(r: &Report) -> Table {
    Table {
        head: &[
            "Intrusion",
            "Compromised",
            "First alert",
            "Detected",
            "Contained",
            "Eradicated",
            "Dwell",
            "Time to contain",
            "Exposure",
        ],
        rows: r
            .results
            .intrusions
            .iter()
            .map(|i| {
                vec![
                    i.id.clone(),
                    opt(i.compromised_at),
                    opt(i.first_alert_at),
                    opt(i.detected_at),
                    opt(i.contained_at),
                    opt(i.eradicated_at),
                    dwell(i.dwell_seconds, i.censored),
                    i.time_to_contain_seconds.map_or("—".into(), span),
                    i.exposure_seconds.map_or("—".into(), span),
                ]
            })
            .collect(),
        numeric: &[6, 7, 8],
    }
}

/// Per-stage visibility.
pub fn stages(r: &Report) -> Table {
    Table {
        head: &["Stage", "Technique", "Happened", "Time to first alert"],
        rows: r
            .results
            .intrusions
            .iter()
            .flat_map(|i| {
                i.stages.iter().map(move |s| {
                    vec![
                        format!("{}/{}", i.id, s.id),
                        s.technique.clone(),
                        match (s.fired_at, s.blocked_at) {
                            (Some(t), _) => t.clock(),
                            (None, Some(b)) => format!("blocked {}", b.clock()),
                            _ => "—".into(),
                        },
                        match (s.fired_at, s.first_alert_at) {
                            (Some(f), Some(a)) => span(a.since(f)),
                            (Some(_), None) => "no alert".into(),
                            _ => "—".into(),
                        },
                    ]
                })
            })
            .collect(),
        numeric: &[],
    }
}

/// Handoff flow by tier transition.
pub fn flow(r: &Report) -> Table {
    Table {
        head: &[
            "Transition",
            "Handoffs",
            "Mean quality",
            "Mean wait before pickup",
            "Never picked up",
            "Returned",
        ],
        rows: r
            .flow
            .iter()
            .map(|f| {
                vec![
                    format!("{} → {}", f.from, f.to),
                    f.count.to_string(),
                    format!("{:.1}", f.mean_quality),
                    f.mean_pickup_seconds.map_or("—".into(), |s| span(s as u64)),
                    f.never_picked_up.to_string(),
                    f.bounces.to_string(),
                ]
            })
            .collect(),
        numeric: &[1, 2, 3, 4, 5],
    }
}

/// Every handoff with its quality and when it was picked up.
pub fn handoffs(r: &Report) -> Table {
    Table {
        head: &[
            "Handoff",
            "Sent",
            "From",
            "To",
            "Sender",
            "Quality",
            "Pickup",
            "Picked up by",
        ],
        rows: r
            .results
            .handoffs
            .iter()
            .map(|h| {
                vec![
                    h.id.to_string(),
                    h.sent_at.clock(),
                    h.from.clone(),
                    h.to.clone(),
                    h.sender.clone(),
                    format!("{:.1}", h.quality),
                    h.pickup_seconds
                        .map_or("never (pickup 0)".into(), |p| format!("after {}", span(p))),
                    h.receiver.clone().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
        numeric: &[0, 5],
    }
}

/// The team score's components: each one's value and weight, or why it is not rated.
pub fn components(r: &Report) -> Table {
    Table {
        head: &["Component", "Score", "Weight"],
        rows: r
            .results
            .components
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    match (c.score, &c.note) {
                        (Some(s), _) => format!("{:.0}%", 100.0 * s),
                        (None, Some(n)) => format!("not rated: {n}"),
                        (None, None) => "not rated".into(),
                    },
                    format!("{:.2}", c.weight),
                ]
            })
            .collect(),
        numeric: &[2],
    }
}

/// The triage confusion matrix.
pub fn confusion(r: &Report) -> Table {
    let t = &r.results.triage;
    Table {
        head: &[
            "",
            "Classified malicious",
            "Classified benign",
            "Not triaged",
        ],
        rows: vec![
            vec![
                "Malicious".into(),
                t.true_positives.to_string(),
                t.false_negatives.to_string(),
                t.untriaged_malicious.to_string(),
            ],
            vec![
                "Benign".into(),
                t.false_positives.to_string(),
                t.true_negatives.to_string(),
                t.untriaged_benign.to_string(),
            ],
        ],
        numeric: &[1, 2, 3],
    }
}

/// The triage figures below the matrix, in one line.
pub fn triage_line(r: &Report) -> String {
    let t = &r.results.triage;
    format!(
        "Weighted accuracy {} · needless escalations {} · mean time to acknowledge {} · SLA met {} ({} breached)",
        t.accuracy.map_or("—".into(), |a| format!("{a:.1}%")),
        t.needless_escalations,
        r.results
            .mtta_seconds
            .map_or("—".into(), |s| span(s.round() as u64)),
        t.sla_met_percent.map_or("—".into(), |p| format!("{p:.1}%")),
        t.sla_breaches
    )
}

/// A list of alerts (missed or needlessly escalated).
pub fn alerts(list: &[AlertLine]) -> Table {
    Table {
        head: &["Alert", "Raised", "Rule", "Stage", "Outcome"],
        rows: list
            .iter()
            .map(|a| {
                vec![
                    a.id.to_string(),
                    a.raised_at.clock(),
                    a.rule.clone(),
                    a.stage.clone().unwrap_or_default(),
                    a.outcome.clone(),
                ]
            })
            .collect(),
        numeric: &[0],
    }
}

/// Load, accuracy and handoff quality per seat.
pub fn seat_breakdown(r: &Report) -> Table {
    Table {
        head: &[
            "Seat",
            "Played by",
            "Load",
            "Actions",
            "Refused",
            "Correct triage",
            "Handoff quality (sent)",
        ],
        rows: r
            .results
            .seats
            .iter()
            .map(|s| {
                vec![
                    s.seat.clone(),
                    s.controller.clone(),
                    format!("{:.0}%", 100.0 * s.utilisation),
                    s.actions.to_string(),
                    s.refused.to_string(),
                    if s.classified > 0 {
                        format!("{} of {}", s.classified_correctly, s.classified)
                    } else {
                        "—".into()
                    },
                    s.handoff_quality
                        .map_or("—".into(), |q| format!("{q:.1} ({})", s.handoffs_sent)),
                ]
            })
            .collect(),
        numeric: &[2, 3, 4],
    }
}

/// ATT&CK coverage.
pub fn techniques(r: &Report) -> Table {
    Table {
        head: &["Tactic", "Technique", "Outcome", "Rule exists", "Stages"],
        rows: r
            .techniques
            .iter()
            .map(|t| {
                vec![
                    t.tactic.clone(),
                    format!("{} {}", t.id, t.name),
                    t.coverage.label().into(),
                    if t.has_rule {
                        "yes".into()
                    } else {
                        "no".into()
                    },
                    t.stages.join(", "),
                ]
            })
            .collect(),
        numeric: &[],
    }
}

/// The improvement plan.
pub fn plan(r: &Report) -> Table {
    Table {
        head: &["Issue", "Corrective action", "Owner", "Target"],
        rows: r
            .plan
            .iter()
            .map(|p| {
                vec![
                    p.issue.clone(),
                    p.action.clone(),
                    p.owner.clone(),
                    p.target.clone(),
                ]
            })
            .collect(),
        numeric: &[],
    }
}

/// The weakest handoff's component line.
pub fn handoff_components(h: &crate::score::HandoffResult) -> String {
    format!(
        "completeness {:.2}, precision {:.2}, severity {:.2} ({:?} given, {:?} true), routing {:.0}, timeliness {:.2}, pickup {:.2}{}",
        h.completeness,
        h.precision,
        h.severity_score,
        h.severity,
        h.true_severity,
        h.routing,
        h.timeliness,
        h.pickup,
        if h.bounced { ", returned" } else { "" }
    )
}
