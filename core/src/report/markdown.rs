//! The Markdown after-action report: the HTML report's content for wikis and tickets.

use std::fmt::Write;

use super::tables::{self, Table};
use super::{Finding, Report};
use crate::clock::SimTime;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn table(o: &mut String, t: &Table) {
    let _ = writeln!(o, "| {} |", t.head.join(" | "));
    let _ = writeln!(o, "|{}", "---|".repeat(t.head.len()));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
    o.push('\n');
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

/// The timeline as a table of the events that matter: stages, malicious alerts,
/// handoffs, detection and containment.
fn timeline(r: &Report) -> Table {
    let mut events: Vec<(SimTime, String, String)> = Vec::new();
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
    Table {
        head: &["Time", "Lane", "Event"],
        rows: events
            .into_iter()
            .map(|(t, lane, what)| vec![t.clock(), lane, what])
            .collect(),
        numeric: &[],
    }
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
    table(&mut o, &tables::overview(r));
    if !r.learning_objectives.is_empty() {
        o.push_str("Learning objectives:\n\n");
        for l in &r.learning_objectives {
            let _ = writeln!(o, "- {l}");
        }
        o.push('\n');
    }
    table(&mut o, &tables::seats(r));

    o.push_str("## 2. Executive summary\n\n");
    for s in &r.executive {
        let _ = writeln!(o, "- {s}");
    }
    o.push('\n');
    table(&mut o, &tables::components(r));

    o.push_str("## 3. Objectives\n\n");
    let objectives = Table {
        head: &["Rating", "Objective", "Evidence"],
        rows: res
            .objectives
            .iter()
            .map(|ob| {
                vec![
                    format!("**{}**", super::rating_label(ob.rating)),
                    ob.description.clone(),
                    ob.evidence.clone(),
                ]
            })
            .collect(),
        numeric: &[],
    };
    table(&mut o, &objectives);
    for ob in &res.objectives {
        let notes: Vec<_> = r
            .discussion
            .iter()
            .filter(|d| d.objective.as_deref() == Some(ob.id.as_str()))
            .collect();
        if notes.is_empty() {
            continue;
        }
        let _ = writeln!(o, "Observations on *{}*:\n", ob.description);
        for n in notes {
            let _ = writeln!(
                o,
                "- {} ({}): {}",
                n.t.clock(),
                n.about.as_deref().unwrap_or("the team"),
                n.text.replace(['\n', '\r'], " ")
            );
        }
        o.push('\n');
    }
    if !r.discussion.is_empty() {
        o.push_str("### Injects, decisions and discussion\n\n");
        table(&mut o, &tables::discussion(r));
    }

    o.push_str("## 4. Timeline\n\n");
    table(&mut o, &timeline(r));

    o.push_str("## 5. Dwell and containment\n\n");
    table(&mut o, &tables::intrusions(r));
    table(&mut o, &tables::stages(r));

    o.push_str("## 6. Handoff flow\n\n");
    table(&mut o, &tables::flow(r));
    if !res.handoffs.is_empty() {
        table(&mut o, &tables::handoffs(r));
    }
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
                h.sent_at.clock(),
                h.sender,
                h.quality,
                w.summary
            );
            let _ = writeln!(o, "   - {}", tables::handoff_components(h));
            for l in &w.lacked {
                let _ = writeln!(o, "   - lacked {l}");
            }
        }
        o.push('\n');
    }

    o.push_str("## 7. Triage\n\n");
    table(&mut o, &tables::confusion(r));
    let _ = writeln!(o, "{}\n", tables::triage_line(r));
    for (title, list) in [
        ("Missed malicious alerts", &r.missed_alerts),
        ("Needless escalations", &r.needless_escalations),
    ] {
        let _ = writeln!(o, "{title}:\n");
        if list.is_empty() {
            o.push_str("None.\n\n");
        } else {
            table(&mut o, &tables::alerts(list));
        }
    }

    o.push_str("## 8. Per-seat breakdown\n\n");
    table(&mut o, &tables::seat_breakdown(r));

    o.push_str("## 9. ATT&CK techniques exercised\n\n");
    table(&mut o, &tables::techniques(r));

    o.push_str("## 10. Strengths and areas for improvement\n\n### Strengths\n\n");
    findings(&mut o, &r.strengths);
    o.push_str("### Areas for improvement\n\n");
    findings(&mut o, &r.improvements);

    o.push_str("## 11. Improvement plan\n\n");
    if r.plan.is_empty() {
        o.push_str("No corrective action needed.\n");
    } else {
        table(&mut o, &tables::plan(r));
    }
    o
}
