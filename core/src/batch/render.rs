//! A batch summary as terminal text and as a self-contained HTML page.

use std::fmt::Write;

use super::coverage::Matrix;
use super::{ArmSummary, Dist, PairedDiff, Summary};
use crate::report::span;
use crate::report::svg::esc;

fn secs(v: Option<f64>) -> String {
    v.map_or("–".into(), |s| span(s.max(0.0).round() as u64))
}

fn signed(v: Option<f64>) -> String {
    match v {
        None => "–".into(),
        Some(s) if s < 0.0 => format!("−{}", span((-s).round() as u64)),
        Some(s) => format!("+{}", span(s.round() as u64)),
    }
}

fn share(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

fn opt_share(v: Option<f64>) -> String {
    v.map_or("–".into(), share)
}

fn num(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| format!("{x:.1}"))
}

fn dist_secs(d: &Dist) -> String {
    if d.n == 0 {
        return "–".into();
    }
    format!(
        "median {}  p10 {}  p90 {}",
        secs(d.median),
        secs(d.p10),
        secs(d.p90)
    )
}

fn dist_num(d: &Dist) -> String {
    if d.n == 0 {
        return "–".into();
    }
    format!(
        "median {}  p10 {}  p90 {}",
        num(d.median),
        num(d.p10),
        num(d.p90)
    )
}

fn diff(d: &PairedDiff) -> String {
    if d.n == 0 {
        return "– (no paired runs)".into();
    }
    format!(
        "{} [{}, {}] (n={})",
        signed(d.difference),
        signed(d.ci_low),
        signed(d.ci_high),
        d.n
    )
}

/// The summary for a terminal.
pub fn text(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} ({}): seeds {}..{}, {} bots — {} of {} seed(s) run",
        s.title,
        s.scenario,
        s.seeds.first,
        s.seeds.last.unwrap_or(s.seeds.first),
        s.bots,
        s.seeds.completed,
        s.seeds.asked
    );
    for arm in &s.arms {
        arm_text(&mut o, arm);
    }
    if !s.paired.is_empty() {
        let _ = writeln!(
            o,
            "\nWhat-if: variant − baseline on the same seeds; median differences with 95% bootstrap intervals"
        );
        for p in &s.paired {
            for i in &p.intrusions {
                let _ = writeln!(
                    o,
                    "  {:<18} {:<18} dwell {}   time to contain {}",
                    p.arm,
                    i.id,
                    diff(&i.dwell),
                    diff(&i.time_to_contain)
                );
            }
        }
    }
    o
}

fn arm_text(o: &mut String, arm: &ArmSummary) {
    let _ = writeln!(o, "\n== {} ==", arm.name);
    if !arm.changes.is_empty() {
        let _ = writeln!(o, "  changes: {}", arm.changes.join("; "));
    }
    let _ = writeln!(
        o,
        "  {} run(s), {:.0} events each; batch digest {}",
        arm.runs, arm.events_per_run, arm.digest
    );
    let _ = writeln!(o, "  team score       {}", dist_num(&arm.team_score));
    let _ = writeln!(o, "  impact (%)       {}", dist_num(&arm.impact_percent));
    let _ = writeln!(
        o,
        "  collateral       {:.2} benign hosts/accounts contained per run",
        arm.collateral_per_run
    );
    for i in &arm.intrusions {
        let _ = writeln!(
            o,
            "  {} — {}: foothold in {} of runs, undetected in {}, stopped unseen in {}",
            i.id,
            i.name,
            share(i.compromised_share),
            share(i.undetected_share),
            share(i.stopped_unseen_share)
        );
        let _ = writeln!(
            o,
            "    dwell            {}  (censored {})",
            dist_secs(&i.dwell_seconds),
            share(i.dwell_censored_share)
        );
        let _ = writeln!(
            o,
            "    time to contain  {}  (n={})",
            dist_secs(&i.time_to_contain_seconds),
            i.time_to_contain_seconds.n
        );
        let _ = writeln!(o, "    exposure         {}", dist_secs(&i.exposure_seconds));
        let _ = writeln!(
            o,
            "    {:<24} {:<10} {:>5} {:>5} {:>5} {:>5}  {:>9}  time to alert (median, p90)",
            "stage", "technique", "ran", "seen", "alert", "hunt", "runs at"
        );
        for st in &i.stages {
            let _ = writeln!(
                o,
                "    {:<24} {:<10} {:>5} {:>5} {:>5} {:>5}  {:>9}  {}, {}",
                st.id,
                st.technique,
                share(st.fired_share),
                opt_share(st.detection_rate),
                opt_share(st.alert_rate),
                opt_share(st.hunt_rate),
                secs(st.fired_at_seconds.median),
                secs(st.time_to_alert_seconds.median),
                secs(st.time_to_alert_seconds.p90)
            );
        }
    }
    let load: Vec<String> = arm
        .roles
        .iter()
        .map(|r| {
            format!(
                "{} ×{}: {:.1} actions, {:.0}% busy",
                r.role,
                r.seats,
                r.actions_per_run,
                r.utilisation * 100.0
            )
        })
        .collect();
    let _ = writeln!(o, "  load per role: {}", load.join("; "));
    let _ = writeln!(
        o,
        "  ATT&CK coverage (shares of the runs where each technique ran):"
    );
    let matrix = Matrix {
        arm: &arm.name,
        rows: &arm.coverage,
    };
    for line in matrix.text().lines() {
        let _ = writeln!(o, "    {line}");
    }
}

/// The summary as a self-contained HTML page with a coverage heatmap per arm.
pub fn html(s: &Summary) -> String {
    let mut o = String::from(
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>",
    );
    let _ = write!(
        o,
        "<title>Batch: {}</title><style>body{{font:14px/1.45 -apple-system,'Segoe UI',Roboto,Arial,sans-serif;max-width:1200px;margin:24px auto;padding:0 16px;color:#1c2833}}table{{border-collapse:collapse;font-size:13px;margin:8px 0 16px}}th,td{{border:1px solid #d5d8dc;padding:4px 7px;text-align:left}}th{{background:#f2f4f4}}td.n{{text-align:right}}.chart{{max-width:100%;height:auto}}.note{{color:#566573;font-size:12px}}</style></head><body>",
        esc(&s.title)
    );
    let _ = write!(
        o,
        "<h1>{} — batch of {} seed(s)</h1><p>Scenario <code>{}</code>, seeds {}..{}, {} bots; {} of {} seed(s) completed.</p>",
        esc(&s.title),
        s.seeds.completed,
        esc(&s.scenario),
        s.seeds.first,
        s.seeds.last.unwrap_or(s.seeds.first),
        esc(&s.bots),
        s.seeds.completed,
        s.seeds.asked
    );
    o.push_str("<section id=\"arms\"><h2>Arms</h2><table><thead><tr><th>arm</th><th>changes</th><th>runs</th><th>team score (median, p10–p90)</th><th>impact % (median)</th><th>batch digest</th></tr></thead><tbody>");
    for a in &s.arms {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({}–{})</td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            esc(&a.name),
            esc(&a.changes.join("; ")),
            a.runs,
            num(a.team_score.median),
            num(a.team_score.p10),
            num(a.team_score.p90),
            num(a.impact_percent.median),
            esc(&a.digest[..16.min(a.digest.len())])
        );
    }
    o.push_str("</tbody></table></section>");
    o.push_str("<section id=\"intrusions\"><h2>Dwell and containment</h2><table><thead><tr><th>arm</th><th>intrusion</th><th>foothold</th><th>undetected</th><th>dwell median (p10–p90)</th><th>time to contain median (p10–p90)</th><th>exposure median</th></tr></thead><tbody>");
    for a in &s.arms {
        for i in &a.intrusions {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({}–{})</td><td class=\"n\">{} ({}–{})</td><td class=\"n\">{}</td></tr>",
                esc(&a.name),
                esc(&i.name),
                share(i.compromised_share),
                share(i.undetected_share),
                secs(i.dwell_seconds.median),
                secs(i.dwell_seconds.p10),
                secs(i.dwell_seconds.p90),
                secs(i.time_to_contain_seconds.median),
                secs(i.time_to_contain_seconds.p10),
                secs(i.time_to_contain_seconds.p90),
                secs(i.exposure_seconds.median)
            );
        }
    }
    o.push_str("</tbody></table></section>");
    if !s.paired.is_empty() {
        o.push_str("<section id=\"whatif\"><h2>What-if: variant − baseline</h2><p class=\"note\">Paired on the same seeds: differences of medians with 95% bootstrap intervals (resampling seeds).</p><table><thead><tr><th>variant</th><th>intrusion</th><th>median dwell</th><th>median time to contain</th></tr></thead><tbody>");
        for p in &s.paired {
            for i in &p.intrusions {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&p.arm),
                    esc(&i.id),
                    esc(&diff(&i.dwell)),
                    esc(&diff(&i.time_to_contain))
                );
            }
        }
        o.push_str("</tbody></table></section>");
    }
    o.push_str("<section id=\"coverage\"><h2>ATT&amp;CK coverage</h2><p class=\"note\">Colour: of the runs where the technique ran, the share where a rule, a hunt or an investigation saw it. Grey: it never ran. Dashed border: no rule in the catalogue could catch it.</p>");
    for a in &s.arms {
        let _ = write!(o, "<h3>{}</h3>", esc(&a.name));
        o.push_str(
            &Matrix {
                arm: &a.name,
                rows: &a.coverage,
            }
            .svg(),
        );
    }
    o.push_str("</section>");
    let mut credits: Vec<(String, String)> = s
        .arms
        .iter()
        .flat_map(|a| a.coverage.iter())
        .flat_map(|r| r.rules.iter())
        .filter_map(|r| r.author.as_ref().map(|a| (r.name.clone(), a.clone())))
        .collect();
    credits.sort();
    credits.dedup();
    if !credits.is_empty() {
        o.push_str("<section id=\"credits\"><h2>Rule authors</h2><p class=\"note\">Detection rules imported from Sigma (Detection Rule License 1.1); their authors:</p><ul>");
        for (name, author) in credits {
            let _ = write!(o, "<li>{} — {}</li>", esc(&name), esc(&author));
        }
        o.push_str("</ul></section>");
    }
    o.push_str("</body></html>\n");
    o
}
