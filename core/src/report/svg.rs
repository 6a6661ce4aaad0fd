//! Inline SVG charts: the exercise timeline, dwell and containment bars, and a trend
//! line for comparisons. Plain SVG with `<title>` tooltips; no script.

use std::fmt::Write;

use super::{Report, span};
use crate::clock::SimTime;

/// Escapes text for XML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const WIDTH: f64 = 960.0;
const LABEL: f64 = 150.0;
/// Room kept right of the plot for the last tick label.
const RIGHT: f64 = 34.0;
const LANE: f64 = 26.0;

fn colour(kind: &str) -> &'static str {
    match kind {
        "stage" => "#c0392b",
        "blocked" => "#7f8c8d",
        "alert-malicious" => "#e74c3c",
        "alert-benign" => "#bdc3c7",
        "handoff" | "handoff-work" => "#8e44ad",
        "triage" => "#2980b9",
        "investigate" => "#16a085",
        "hunt" => "#27ae60",
        "contain" => "#d35400",
        "decide" => "#2c3e50",
        "intel" => "#1abc9c",
        _ => "#f39c12",
    }
}

/// Hour ticks for an axis from T+0 to `end`, at most about 12 of them.
fn ticks(end: SimTime) -> Vec<SimTime> {
    let hours = end.secs().div_ceil(3600).max(1);
    let step = hours.div_ceil(12).max(1) * 3600;
    (0..=end.secs())
        .step_by(step as usize)
        .map(SimTime::from_secs)
        .collect()
}

/// Where an instant falls on an axis from T+0 to `end`, `plot` wide after the lane
/// labels.
fn place(t: SimTime, end: SimTime, plot: f64) -> f64 {
    LABEL + plot * (t.min(end).secs() as f64 / end.secs() as f64)
}

/// The timeline: one lane for the attacker, one for alerts, one per role; detection and
/// containment as vertical lines.
pub fn timeline(r: &Report) -> String {
    let end = r.results.ended_at.max(SimTime::from_secs(1));
    let plot = WIDTH - LABEL - RIGHT;
    let x = |t: SimTime| place(t, end, plot);
    let height = 40.0 + LANE * r.lanes.len() as f64 + 40.0;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="Exercise timeline">"#
    );
    let top = 30.0;
    for (i, lane) in r.lanes.iter().enumerate() {
        let y = top + LANE * i as f64;
        let fill = if i % 2 == 0 { "#f7f9fa" } else { "#ffffff" };
        let _ = write!(
            o,
            r#"<rect x="0" y="{y}" width="{WIDTH}" height="{LANE}" fill="{fill}"/>"#
        );
        let _ = write!(
            o,
            r#"<text x="6" y="{}" class="lane">{}</text>"#,
            y + LANE * 0.65,
            esc(&lane.name)
        );
        for m in &lane.marks {
            let c = colour(m.kind);
            let (x0, x1) = (x(m.start), x(m.end));
            let when = if m.end > m.start {
                format!("{}–{}", m.start.clock(), m.end.clock())
            } else {
                m.start.clock()
            };
            let title = format!("<title>{when} {}</title>", esc(&m.label));
            match m.kind {
                "stage" => {
                    let _ = write!(
                        o,
                        r#"<circle cx="{x0:.1}" cy="{:.1}" r="5" fill="{c}">{title}</circle>"#,
                        y + LANE / 2.0
                    );
                }
                "blocked" => {
                    let (cy, d) = (y + LANE / 2.0, 4.0);
                    let _ = write!(
                        o,
                        r#"<path d="M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}" stroke="{c}" stroke-width="2">{title}</path>"#,
                        x0 - d,
                        cy - d,
                        x0 + d,
                        cy + d,
                        x0 - d,
                        cy + d,
                        x0 + d,
                        cy - d
                    );
                }
                "alert-malicious" | "alert-benign" => {
                    let h = if m.kind == "alert-malicious" {
                        LANE - 6.0
                    } else {
                        LANE / 2.0
                    };
                    let _ = write!(
                        o,
                        r#"<rect x="{:.1}" y="{:.1}" width="2" height="{h}" fill="{c}">{title}</rect>"#,
                        x0 - 1.0,
                        y + LANE - 3.0 - h
                    );
                }
                "handoff" => {
                    let cy = y + 4.0;
                    let _ = write!(
                        o,
                        r#"<path d="M{:.1} {:.1}l5 0l-2.5 6z" fill="{c}">{title}</path>"#,
                        x0 - 2.5,
                        cy
                    );
                }
                _ => {
                    let w = (x1 - x0).max(1.5);
                    let _ = write!(
                        o,
                        r#"<rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{c}" opacity="0.8">{title}</rect>"#,
                        y + 10.0,
                        LANE - 16.0
                    );
                }
            }
        }
    }
    let bottom = top + LANE * r.lanes.len() as f64;
    let mut rules: Vec<&super::Rule> = r.rules.iter().collect();
    rules.sort_by_key(|rule| rule.at);
    for (k, rule) in rules.into_iter().enumerate() {
        let c = match rule.kind {
            "detected" => "#27ae60",
            "stood-down" => "#c0392b",
            _ => "#2471a3",
        };
        let xr = x(rule.at);
        let _ = write!(
            o,
            r#"<line x1="{xr:.1}" y1="{}" x2="{xr:.1}" y2="{bottom}" stroke="{c}" stroke-width="1.5" stroke-dasharray="4 3"><title>{} {}</title></line>"#,
            top - 6.0,
            esc(&rule.label),
            rule.at.clock()
        );
        // Labels alternate between two rows, and turn left near the right edge, so
        // close events stay legible.
        let ly = top - 8.0 - 11.0 * (k % 2) as f64;
        let (lx, anchor) = if xr > WIDTH - 160.0 {
            (xr - 3.0, "end")
        } else {
            (xr + 3.0, "start")
        };
        let _ = write!(
            o,
            r#"<text x="{lx:.1}" y="{ly}" class="rule" fill="{c}" text-anchor="{anchor}">{}</text>"#,
            esc(&rule.label)
        );
    }
    let _ = write!(
        o,
        r##"<line x1="{LABEL}" y1="{bottom}" x2="{}" y2="{bottom}" stroke="#555"/>"##,
        WIDTH - RIGHT
    );
    for t in ticks(end) {
        let xt = x(t);
        let _ = write!(
            o,
            r##"<line x1="{xt:.1}" y1="{bottom}" x2="{xt:.1}" y2="{}" stroke="#555"/><text x="{xt:.1}" y="{}" class="tick">{}</text>"##,
            bottom + 4.0,
            bottom + 16.0,
            t.clock()
        );
    }
    let legend = [
        ("stage", "attack stage"),
        ("blocked", "blocked"),
        ("alert-malicious", "malicious alert"),
        ("alert-benign", "benign alert"),
        ("triage", "triage"),
        ("investigate", "investigation"),
        ("hunt", "hunt"),
        ("contain", "containment"),
        ("handoff", "handoff"),
    ];
    for (i, (kind, text)) in legend.iter().enumerate() {
        let lx = LABEL + 90.0 * i as f64;
        let ly = bottom + 30.0;
        let _ = write!(
            o,
            r#"<rect x="{lx}" y="{}" width="8" height="8" fill="{}"/><text x="{}" y="{ly}" class="legend">{text}</text>"#,
            ly - 8.0,
            colour(kind),
            lx + 11.0
        );
    }
    o.push_str("</svg>");
    o
}

/// Dwell and containment bars: per intrusion (compromise → detection → containment) and
/// per stage (stage → its first alert, or to the end when nothing alerted).
pub fn dwell_bars(r: &Report) -> String {
    let end = r.results.ended_at.max(SimTime::from_secs(1));
    let plot = WIDTH - LABEL - RIGHT;
    let x = |t: SimTime| place(t, end, plot);
    let rows: usize = r
        .results
        .intrusions
        .iter()
        .map(|i| 1 + i.stages.len())
        .sum();
    let height = 20.0 + 20.0 * rows as f64 + 30.0;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="Dwell and containment">"#
    );
    let mut y = 10.0;
    for i in &r.results.intrusions {
        let _ = write!(
            o,
            r#"<text x="6" y="{}" class="lane strong">{}</text>"#,
            y + 13.0,
            esc(&i.id)
        );
        if let Some(c) = i.compromised_at {
            let d = i.detected_at.unwrap_or(r.results.ended_at);
            let _ = write!(
                o,
                r##"<rect x="{:.1}" y="{}" width="{:.1}" height="14" fill="#c0392b"><title>dwell {}{}</title></rect>"##,
                x(c),
                y + 2.0,
                (x(d) - x(c)).max(1.0),
                span(d.since(c)),
                if i.censored { " (never detected)" } else { "" }
            );
            if let (Some(d), Some(k)) = (i.detected_at, i.contained_at) {
                let _ = write!(
                    o,
                    r##"<rect x="{:.1}" y="{}" width="{:.1}" height="14" fill="#e67e22"><title>time to contain {}</title></rect>"##,
                    x(d),
                    y + 2.0,
                    (x(k) - x(d)).max(1.0),
                    span(k.since(d))
                );
            }
        }
        y += 20.0;
        for st in &i.stages {
            let _ = write!(
                o,
                r#"<text x="16" y="{}" class="lane">{}</text>"#,
                y + 13.0,
                esc(&st.id)
            );
            if let Some(f) = st.fired_at {
                let (to, colour, what) = match st.first_alert_at {
                    Some(a) => (
                        a,
                        "#f1948a",
                        format!("first alert after {}", span(a.since(f))),
                    ),
                    None => (r.results.ended_at, "#d5d8dc", "no alert".to_string()),
                };
                let _ = write!(
                    o,
                    r#"<rect x="{:.1}" y="{}" width="{:.1}" height="10" fill="{colour}"><title>{} at {}: {what}</title></rect>"#,
                    x(f),
                    y + 4.0,
                    (x(to) - x(f)).max(2.0),
                    esc(&st.id),
                    f.clock()
                );
            } else if let Some(b) = st.blocked_at {
                let _ = write!(
                    o,
                    r##"<text x="{:.1}" y="{}" class="tick" fill="#7f8c8d">✕ blocked {}</text>"##,
                    x(b),
                    y + 13.0,
                    b.clock()
                );
            }
            y += 20.0;
        }
    }
    for t in ticks(end) {
        let xt = x(t);
        let _ = write!(
            o,
            r#"<text x="{xt:.1}" y="{}" class="tick">{}</text>"#,
            y + 14.0,
            t.clock()
        );
    }
    o.push_str("</svg>");
    o
}

/// A trend line of `values` (one per run, in order) on a 0–`max` axis.
pub fn trend(
    title: &str,
    labels: &[String],
    series: &[(&str, &str, Vec<Option<f64>>)],
    max: f64,
) -> String {
    let (w, h, left, bottom) = (WIDTH, 260.0, 60.0, 220.0);
    let n = labels.len().max(2);
    let x = |i: usize| left + (w - left - 20.0) * i as f64 / (n - 1) as f64;
    let y = |v: f64| bottom - (bottom - 20.0) * (v / max.max(f64::EPSILON)).clamp(0.0, 1.0);
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}">"#,
        esc(title)
    );
    for k in 0..=4 {
        let v = max * f64::from(k) / 4.0;
        let _ = write!(
            o,
            r##"<line x1="{left}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="#e5e8e8"/><text x="{}" y="{:.1}" class="tick" text-anchor="end">{v:.0}</text>"##,
            y(v),
            w - 20.0,
            y(v),
            left - 6.0,
            y(v) + 4.0
        );
    }
    for (name, colour, values) in series {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        let _ = write!(
            o,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"><title>{}</title></polyline>"#,
            points.join(" "),
            esc(name)
        );
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    o,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"><title>{}: {v:.1}</title></circle>"#,
                    x(i),
                    y(*v),
                    esc(&labels[i])
                );
            }
        }
    }
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            o,
            r#"<text x="{:.1}" y="{}" class="tick">{}</text>"#,
            x(i),
            bottom + 16.0,
            esc(label)
        );
    }
    for (k, (name, colour, _)) in series.iter().enumerate() {
        let lx = left + 160.0 * k as f64;
        let _ = write!(
            o,
            r#"<rect x="{lx}" y="{}" width="10" height="10" fill="{colour}"/><text x="{}" y="{}" class="legend">{}</text>"#,
            bottom + 26.0,
            lx + 14.0,
            bottom + 35.0,
            esc(name)
        );
    }
    o.push_str("</svg>");
    o
}
