//! The Markdown after-action report: the HTML report's content for wikis and tickets.

use std::fmt::Write;

use super::{Finding, Report, clock, span};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn table(o: &mut String, head: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(o, "| {} |", head.join(" | "));
    let _ = writeln!(o, "|{}", "---|".repeat(head.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
    o.push('\n');
}

fn opt(t: Option<u64>) -> String {
    t.map_or("—".into(), clock)
}

fn findings(o: &mut String, items: &[Finding]) {
    if items.is_empty() {
        o.push_str("None.\n\n");
        return;
    }
    for (n, f) in items.iter().enumerate() {
        let _ = writeln!(o, "{}. {}", n + 1, f.text);
        for e in &f.evidence {
            let _ = writeln!(o, "   - {e}");
        }
    }
    o.push('\n');
}

/// Renders the report as Markdown.
pub fn render(r: &Report) -> String {
    let res = &r.results;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# After-Action Report / Improvement Plan\n\n**{}** (`{}`)\n",
        r.title, r.scenario
    );

    o.push_str("## 1. Exercise overview\n\n");
    table(
        &mut o,
        &["Item", "Value"],
        &[
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
                format!("{} ({})", span(res.ended_at), res.end_reason),
            ],
            vec!["Journal digest".into(), format!("`{}`", res.digest)],
        ],
    );
    if !r.learning_objectives.is_empty() {
        o.push_str("Learning objectives:\n\n");
        for l in &r.learning_objectives {
            let _ = writeln!(o, "- {l}");
        }
        o.push('\n');
    }
    let rows: Vec<Vec<String>> = r
        .seats
        .iter()
        .map(|s| vec![s.seat.clone(), s.role.clone(), s.played_by.clone()])
        .collect();
    table(&mut o, &["Seat", "Role", "Played by"], &rows);

    o.push_str("## 2. Executive summary\n\n");
    for s in &r.executive {
        let _ = writeln!(o, "- {s}");
    }
    o.push('\n');

    o.push_str("## 3. Objectives\n\n");
    let rows: Vec<Vec<String>> = res
        .objectives
        .iter()
        .map(|ob| {
            vec![
                format!("**{:?}**", ob.rating),
                ob.description.clone(),
                ob.evidence.clone(),
            ]
        })
        .collect();
    table(&mut o, &["Rating", "Objective", "Evidence"], &rows);

    o.push_str("## 4. Timeline\n\n");
    let mut events: Vec<(u64, String, String)> = Vec::new();
    for lane in &r.lanes {
        for m in &lane.marks {
            if matches!(m.kind, "stage" | "blocked" | "alert-malicious" | "handoff") {
                events.push((m.start, lane.name.clone(), m.label.clone()));
            }
        }
    }
    for rule in &r.rules {
        events.push((rule.at, "—".into(), rule.label.clone()));
    }
    events.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
    let rows: Vec<Vec<String>> = events
        .into_iter()
        .map(|(t, lane, what)| vec![clock(t), lane, what])
        .collect();
    table(&mut o, &["Time", "Lane", "Event"], &rows);

    o.push_str("## 5. Dwell and containment\n\n");
    let rows: Vec<Vec<String>> = res
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
                i.dwell_seconds.map_or("—".into(), |d| {
                    format!("{}{}", if i.censored { "≥ " } else { "" }, span(d))
                }),
                i.time_to_contain_seconds.map_or("—".into(), span),
                i.exposure_seconds.map_or("—".into(), span),
            ]
        })
        .collect();
    table(
        &mut o,
        &[
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
        &rows,
    );
    let rows: Vec<Vec<String>> = res
        .intrusions
        .iter()
        .flat_map(|i| {
            i.stages.iter().map(move |s| {
                vec![
                    format!("{}/{}", i.id, s.id),
                    s.technique.clone(),
                    match (s.fired_at, s.blocked_at) {
                        (Some(t), _) => clock(t),
                        (None, Some(b)) => format!("blocked {}", clock(b)),
                        _ => "—".into(),
                    },
                    match (s.fired_at, s.first_alert_at) {
                        (Some(f), Some(a)) => span(a.saturating_sub(f)),
                        (Some(_), None) => "no alert".into(),
                        _ => "—".into(),
                    },
                ]
            })
        })
        .collect();
    table(
        &mut o,
        &["Stage", "Technique", "Happened", "Time to first alert"],
        &rows,
    );

    o.push_str("## 6. Handoff flow\n\n");
    let rows: Vec<Vec<String>> = r
        .flow
        .iter()
        .map(|f| {
            vec![
                format!("{} → {}", f.from, f.to),
                f.count.to_string(),
                format!("{:.1}", f.mean_quality),
                span(f.mean_pickup_seconds as u64),
                f.bounces.to_string(),
            ]
        })
        .collect();
    table(
        &mut o,
        &[
            "Transition",
            "Handoffs",
            "Mean quality",
            "Mean wait before pickup",
            "Returned",
        ],
        &rows,
    );
    if !r.worst_handoffs.is_empty() {
        o.push_str("Weakest handoffs:\n\n");
        for (n, w) in r.worst_handoffs.iter().enumerate() {
            let h = &w.handoff;
            let _ = writeln!(
                o,
                "{}. Handoff {} ({} → {}, {} by {}): quality {:.1} — “{}”",
                n + 1,
                h.id,
                h.from,
                h.to,
                clock(h.sent_at),
                h.sender,
                h.quality,
                w.summary
            );
            for l in &w.lacked {
                let _ = writeln!(o, "   - lacked {l}");
            }
        }
        o.push('\n');
    }

    let t = &res.triage;
    o.push_str("## 7. Triage\n\n");
    table(
        &mut o,
        &[
            "",
            "Classified malicious",
            "Classified benign",
            "Not triaged",
        ],
        &[
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
    );
    let _ = writeln!(
        o,
        "Weighted accuracy {} · needless escalations {} · mean time to acknowledge {} · SLA met {} ({} breached)\n",
        t.accuracy.map_or("—".into(), |a| format!("{a:.1}%")),
        t.needless_escalations,
        res.mtta_seconds
            .map_or("—".into(), |s| span(s.round() as u64)),
        t.sla_met_percent.map_or("—".into(), |p| format!("{p:.1}%")),
        t.sla_breaches
    );
    for (title, list) in [
        ("Missed malicious alerts", &r.missed_alerts),
        ("Needless escalations", &r.needless_escalations),
    ] {
        let _ = writeln!(o, "{title}:\n");
        if list.is_empty() {
            o.push_str("None.\n\n");
        } else {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.id.to_string(),
                        clock(a.raised_at),
                        a.rule.clone(),
                        a.stage.clone().unwrap_or_default(),
                        a.outcome.clone(),
                    ]
                })
                .collect();
            table(
                &mut o,
                &["Alert", "Raised", "Rule", "Stage", "Outcome"],
                &rows,
            );
        }
    }

    o.push_str("## 8. Per-seat breakdown\n\n");
    let rows: Vec<Vec<String>> = res
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
        .collect();
    table(
        &mut o,
        &[
            "Seat",
            "Played by",
            "Load",
            "Actions",
            "Refused",
            "Correct triage",
            "Handoff quality (sent)",
        ],
        &rows,
    );

    o.push_str("## 9. ATT&CK techniques exercised\n\n");
    let rows: Vec<Vec<String>> = r
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
        .collect();
    table(
        &mut o,
        &["Tactic", "Technique", "Outcome", "Rule exists", "Stages"],
        &rows,
    );

    o.push_str("## 10. Strengths and areas for improvement\n\n### Strengths\n\n");
    findings(&mut o, &r.strengths);
    o.push_str("### Areas for improvement\n\n");
    findings(&mut o, &r.improvements);

    o.push_str("## 11. Improvement plan\n\n");
    if r.plan.is_empty() {
        o.push_str("No corrective action needed.\n");
    } else {
        let rows: Vec<Vec<String>> = r
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
            .collect();
        table(
            &mut o,
            &["Issue", "Corrective action", "Owner", "Target"],
            &rows,
        );
    }
    o
}
