//! The HTML after-action report: one self-contained, well-formed file with inline CSS and
//! SVG, readable without JavaScript and printable on A4 or Letter.

use std::fmt::Write;

use super::svg::{self, esc};
use super::tables::{self, Table};
use super::{Report, rating_label, span};

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1c2833; max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid #d5d8dc; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: #566573; margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 13px; }
th, td { border: 1px solid #d5d8dc; padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #f2f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rating { font-weight: 700; text-align: center; width: 2.5em; }
.P { background: #d5f5e3; } .S { background: #fcf3cf; } .M { background: #fad7a0; } .U { background: #f5b7b1; } .NR { background: #f2f4f4; color: #566573; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.kpi { border: 1px solid #d5d8dc; border-radius: 6px; padding: 8px 12px; min-width: 140px; }
.kpi b { display: block; font-size: 20px; }
.chart { max-width: 100%; height: auto; }
.chart text { font-size: 11px; fill: #2c3e50; }
.chart .lane { font-size: 12px; }
.chart .strong { font-weight: 700; }
.chart .tick { text-anchor: middle; font-size: 10px; }
.chart .legend { text-anchor: start; font-size: 10px; }
.chart .rule { font-size: 10px; }
ul.evidence { margin: 2px 0 8px; color: #566573; font-size: 12.5px; }
.matrix td { text-align: center; width: 25%; }
code { font-size: 12px; }
footer { margin-top: 32px; color: #7f8c8d; font-size: 12px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; }
  h2 { break-after: avoid; }
  table, .chart, .kpis, li { break-inside: avoid; }
}
"#;

fn table(o: &mut String, t: &Table) {
    o.push_str("<table><thead><tr>");
    for h in t.head {
        let _ = write!(o, "<th>{}</th>", esc(h));
    }
    o.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        o.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let class = if t.numeric.contains(&i) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(o, "<td{class}>{}</td>", esc(cell));
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table>");
}

fn findings(o: &mut String, items: &[super::Finding]) {
    if items.is_empty() {
        o.push_str("<p>None.</p>");
        return;
    }
    o.push_str("<ol>");
    for f in items {
        let _ = write!(o, "<li>{}<ul class=\"evidence\">", esc(&f.text));
        for e in &f.evidence {
            let _ = write!(o, "<li>{}</li>", esc(e));
        }
        o.push_str("</ul></li>");
    }
    o.push_str("</ol>");
}

/// Renders the report as HTML.
pub fn render(r: &Report) -> String {
    let res = &r.results;
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>After-action report: {}</title><style>{STYLE}</style></head><body>",
        esc(&r.title)
    );
    let _ = write!(
        o,
        "<header><h1>After-Action Report / Improvement Plan</h1><p class=\"sub\">{} — <code>{}</code></p></header>",
        esc(&r.title),
        esc(&r.scenario)
    );

    o.push_str("<section id=\"overview\"><h2>1. Exercise overview</h2>");
    table(&mut o, &tables::overview(r));
    if !r.learning_objectives.is_empty() {
        o.push_str("<h3>Learning objectives</h3><ul>");
        for l in &r.learning_objectives {
            let _ = write!(o, "<li>{}</li>", esc(l));
        }
        o.push_str("</ul>");
    }
    o.push_str("<h3>Seats</h3>");
    table(&mut o, &tables::seats(r));
    o.push_str("</section>");

    o.push_str("<section id=\"summary\"><h2>2. Executive summary</h2><div class=\"kpis\">");
    let mut kpi = |label: &str, value: String| {
        let _ = write!(
            o,
            "<div class=\"kpi\">{}<b>{}</b></div>",
            esc(label),
            esc(&value)
        );
    };
    kpi(
        "Team score",
        res.team_score
            .map_or_else(|| "none".into(), |s| format!("{s:.1}")),
    );
    if let Some(p) = res.par {
        kpi("Par", format!("{p:.1}"));
    }
    if let Some((lo, hi)) = res.typical {
        kpi("A typical team", format!("{lo:.1}–{hi:.1}"));
    }
    if let Some(l) = &res.ladder {
        kpi(
            &format!("Ladder step {}", l.step),
            match l.passed {
                Some(true) => "passed".into(),
                Some(false) => "not passed".into(),
                None => "no score".into(),
            },
        );
    }
    for i in &res.intrusions {
        kpi(
            &format!("Dwell · {}", i.id),
            i.dwell_seconds.map_or("—".into(), |d| {
                format!("{}{}", if i.censored { "≥ " } else { "" }, span(d))
            }),
        );
        kpi(
            &format!("Time to contain · {}", i.id),
            i.time_to_contain_seconds.map_or("—".into(), span),
        );
    }
    kpi(
        "Impact realised",
        format!("{:.0} of {:.0}", res.impact.realised, res.impact.possible),
    );
    o.push_str("</div><ul>");
    for s in &r.executive {
        let _ = write!(o, "<li>{}</li>", esc(s));
    }
    o.push_str("</ul><h3>Score components</h3>");
    table(&mut o, &tables::components(r));
    o.push_str("</section>");

    o.push_str("<section id=\"objectives\"><h2>3. Objectives</h2>");
    o.push_str(
        "<table><thead><tr><th>Rating</th><th>Objective</th><th>Evidence</th></tr></thead><tbody>",
    );
    for ob in &res.objectives {
        let rating = rating_label(ob.rating);
        let class = if ob.rating.is_some() { rating } else { "NR" };
        let _ = write!(
            o,
            "<tr><td class=\"rating {class}\">{rating}</td><td>{}</td><td>{}</td></tr>",
            esc(&ob.description),
            esc(&ob.evidence)
        );
    }
    o.push_str("</tbody></table><p class=\"sub\">P performed without challenges · S with some challenges · M with major challenges · U unable to be performed · — not rated: nothing to measure, left out of the team score.</p>");
    let observed: Vec<_> = res
        .objectives
        .iter()
        .map(|ob| {
            let notes: Vec<_> = r
                .discussion
                .iter()
                .filter(|d| d.objective.as_deref() == Some(ob.id.as_str()))
                .collect();
            (ob, notes)
        })
        .filter(|(_, notes)| !notes.is_empty())
        .collect();
    if !observed.is_empty() {
        o.push_str("<h3>Observations by objective</h3>");
        for (ob, notes) in observed {
            let _ = write!(o, "<h4>{}</h4><ul>", esc(&ob.description));
            for n in notes {
                let _ = write!(
                    o,
                    "<li>{} ({}): {}</li>",
                    esc(&n.t.clock()),
                    esc(n.about.as_deref().unwrap_or("the team")),
                    esc(&n.text)
                );
            }
            o.push_str("</ul>");
        }
    }
    if !r.discussion.is_empty() {
        o.push_str("<h3>Injects, decisions and discussion</h3>");
        table(&mut o, &tables::discussion(r));
    }
    o.push_str("</section>");

    o.push_str("<section id=\"timeline\"><h2>4. Timeline</h2>");
    o.push_str(&svg::timeline(r));
    o.push_str("<p class=\"sub\">The attacker's stages against each role's actions; alerts and handoffs as marks; dashed lines mark detection (green) and containment (blue). Hover a mark for details.</p></section>");

    o.push_str("<section id=\"dwell\"><h2>5. Dwell and containment</h2>");
    table(&mut o, &tables::intrusions(r));
    o.push_str(&svg::dwell_bars(r));
    o.push_str("<p class=\"sub\">Red: dwell (compromise to detection). Orange: detection to containment. Per stage: from the stage to its first alert; grey when nothing alerted.</p></section>");

    o.push_str("<section id=\"handoffs\"><h2>6. Handoff flow</h2>");
    table(&mut o, &tables::flow(r));
    if !res.handoffs.is_empty() {
        o.push_str("<h3>Every handoff</h3>");
        table(&mut o, &tables::handoffs(r));
    }
    if !r.worst_handoffs.is_empty() {
        o.push_str("<h3>Weakest handoffs</h3><ol>");
        for w in &r.worst_handoffs {
            let h = &w.handoff;
            let _ = write!(
                o,
                "<li>Handoff {} ({} → {}, {} by {}): quality {:.1} — “{}”<ul class=\"evidence\">",
                h.id,
                h.from,
                h.to,
                h.sent_at.clock(),
                esc(&h.sender),
                h.quality,
                esc(&w.summary)
            );
            let _ = write!(o, "<li>{}</li>", esc(&tables::handoff_components(h)));
            for l in &w.lacked {
                let _ = write!(o, "<li>lacked {}</li>", esc(l));
            }
            o.push_str("</ul></li>");
        }
        o.push_str("</ol>");
    }
    o.push_str("</section>");

    o.push_str("<section id=\"triage\"><h2>7. Triage</h2>");
    table(&mut o, &tables::confusion(r));
    let _ = write!(o, "<p>{}</p>", esc(&tables::triage_line(r)));
    for (title, list) in [
        ("Missed malicious alerts", &r.missed_alerts),
        ("Needless escalations", &r.needless_escalations),
    ] {
        let _ = write!(o, "<h3>{title}</h3>");
        if list.is_empty() {
            o.push_str("<p>None.</p>");
        } else {
            table(&mut o, &tables::alerts(list));
        }
    }
    o.push_str("</section>");

    o.push_str("<section id=\"seats\"><h2>8. Per-seat breakdown</h2>");
    table(&mut o, &tables::seat_breakdown(r));
    o.push_str("</section>");

    o.push_str("<section id=\"attack\"><h2>9. ATT&amp;CK techniques exercised</h2>");
    table(&mut o, &tables::techniques(r));
    o.push_str("</section>");

    o.push_str("<section id=\"findings\"><h2>10. Strengths and areas for improvement</h2><h3>Strengths</h3>");
    findings(&mut o, &r.strengths);
    o.push_str("<h3>Areas for improvement</h3>");
    findings(&mut o, &r.improvements);
    o.push_str("</section>");

    o.push_str("<section id=\"plan\"><h2>11. Improvement plan</h2>");
    if r.plan.is_empty() {
        o.push_str("<p>No corrective action needed.</p>");
    } else {
        table(&mut o, &tables::plan(r));
    }
    o.push_str("</section>");
    let _ = writeln!(
        o,
        "<footer>Generated by socdrill from the exercise journal (digest <code>{}</code>). Every figure comes from the journal and results of this run.</footer></body></html>",
        esc(&res.digest)
    );
    o
}
