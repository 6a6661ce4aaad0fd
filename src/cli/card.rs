//! The readable scorecard the CLI prints after a run, and the one-line scenario listing.
//! Part of the binary: it only formats what the library computed.

use std::fmt::Write;
use std::path::Path;

use socdrill_core::SimTime;
use socdrill_core::report::{
    ending_note, ladder_note, rating_label, span, standing, team_score_text,
};
use socdrill_core::scenario::Scenario;
use socdrill_core::scenario::attack::Catalogue;
use socdrill_core::score::Results;

fn opt_clock(t: Option<SimTime>) -> String {
    t.map_or("—".into(), SimTime::clock)
}

/// The scorecard.
pub fn scorecard(r: &Results) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "socdrill · {} ({})", r.title, r.scenario);
    let _ = writeln!(
        o,
        "seed {} · bots {} · ended {} ({}) · {} journal lines",
        r.seed,
        r.bots,
        r.ended_at.clock(),
        match r.ended_by {
            socdrill_core::score::EndedBy::Defenders => format!(
                "ended early; the attack ran on without defenders to {}",
                r.ran_to.clock()
            ),
            _ => r.end_reason.clone(),
        },
        r.journal_lines
    );
    if let Some(note) = ending_note(r) {
        let _ = writeln!(o, "{note}");
    }
    let _ = writeln!(o, "\nIntrusions — dwell time, containment, impact");
    for i in &r.intrusions {
        let _ = writeln!(o, "  {} · {}", i.id, i.name);
        let _ = writeln!(
            o,
            "    compromised {}  first alert {}  detected {}  contained {}  eradicated {}",
            opt_clock(i.compromised_at),
            opt_clock(i.first_alert_at),
            match (i.detected_at, i.detected_by, i.told_at) {
                (Some(t), Some(how), _) =>
                    format!("{} ({})", t.clock(), format!("{how:?}").to_lowercase()),
                (None, _, Some(told)) => format!("— (told by the attacker {})", told.clock()),
                (t, ..) => opt_clock(t),
            },
            opt_clock(i.contained_at),
            opt_clock(i.eradicated_at)
        );
        let dwell = match (i.dwell_seconds, i.censored) {
            (Some(d), true) => format!("≥ {} (never detected)", span(d)),
            (Some(d), false) if i.detected_at.is_none() => {
                format!("{} (until the attacker announced it)", span(d))
            }
            (Some(d), false) => span(d),
            (None, _) => "— (never started)".into(),
        };
        let _ = writeln!(
            o,
            "    dwell time {dwell}  ·  time to contain {}  ·  exposure {}  ·  impact {} pts",
            i.time_to_contain_seconds.map_or("—".into(), span),
            i.exposure_seconds.map_or("—".into(), span),
            i.impact_points
        );
        let _ = writeln!(
            o,
            "    {:<14} {:<10} {:<10} {:>6}  found by",
            "stage", "technique", "happened", "alerts"
        );
        for st in &i.stages {
            let happened = match (st.fired_at, st.blocked_at) {
                (Some(t), _) => t.clock(),
                (None, Some(_)) => "blocked".into(),
                (None, None) => "—".into(),
            };
            let mut found = Vec::new();
            if st.alerts > 0 {
                found.push("rule");
            }
            if st.found_by_investigation {
                found.push("investigation");
            }
            if st.found_by_hunt {
                found.push("hunt");
            }
            let found = if st.fired_at.is_none() {
                String::new()
            } else if found.is_empty() {
                "missed".into()
            } else {
                found.join(", ")
            };
            let row = format!(
                "    {:<14} {:<10} {:<10} {:>6}  {found}",
                st.id, st.technique, happened, st.alerts
            );
            let _ = writeln!(o, "{}", row.trim_end());
        }
    }
    let t = &r.triage;
    let _ = writeln!(
        o,
        "\nTriage — accuracy {}",
        t.accuracy
            .map_or("— (nothing triaged)".into(), |a| format!("{a:.1}%"))
    );
    let _ = writeln!(
        o,
        "  true positives {}  false positives {}  true negatives {}  false negatives {}",
        t.true_positives, t.false_positives, t.true_negatives, t.false_negatives
    );
    let _ = writeln!(
        o,
        "  malicious alerts left untriaged {}  benign left {}  needless escalations {}  MTTA {}  SLA met {} ({} breached)",
        t.untriaged_malicious,
        t.untriaged_benign,
        t.needless_escalations,
        r.mtta_seconds
            .map_or("—".into(), |s| span(s.round() as u64)),
        t.sla_met_percent.map_or("—".into(), |p| format!("{p:.0}%")),
        t.sla_breaches
    );
    let _ = writeln!(
        o,
        "\nHandoff quality — mean {} over {} handoff(s)",
        r.handoff_quality.map_or("—".into(), |q| format!("{q:.1}")),
        r.handoffs.len()
    );
    for h in r.handoffs.iter().take(12) {
        let _ = writeln!(
            o,
            "  #{:<3} {:>9} → {:<9} {} by {:<12} quality {:>5.1}  complete {:.2} precise {:.2} severity {:.2} routing {:.0} timely {:.2} pickup {:.2} ({}){}",
            h.id,
            h.from,
            h.to,
            h.sent_at.clock(),
            h.sender,
            h.quality,
            h.completeness,
            h.precision,
            h.severity_score,
            h.routing,
            h.timeliness,
            h.pickup,
            h.pickup_seconds
                .map_or("never picked up".into(), |p| format!("after {}", span(p))),
            if h.bounced { "  (returned)" } else { "" }
        );
    }
    if r.handoffs.len() > 12 {
        let _ = writeln!(o, "  … {} more in --json", r.handoffs.len() - 12);
    }
    let _ = writeln!(
        o,
        "\nImpact — {:.0} of {:.0} points realised ({:.0}%); collateral: {} host(s) isolated, {} account(s) disabled without cause",
        r.impact.realised,
        r.impact.possible,
        r.impact.percent,
        r.impact.collateral_hosts,
        r.impact.collateral_accounts
    );
    let _ = writeln!(o, "\nObjectives");
    for ob in &r.objectives {
        let _ = writeln!(
            o,
            "  {}  {:<10} {}  — {}",
            rating_label(ob.rating),
            ob.id,
            ob.description,
            ob.evidence
        );
    }
    let _ = writeln!(o, "\nRoles");
    for r in &r.roles {
        let _ = writeln!(
            o,
            "  {:<12} {} seat(s)  busy {:>3.0}%  actions {:>4}{}{}",
            r.role,
            r.seats,
            100.0 * r.utilisation,
            r.actions,
            if r.classified > 0 {
                format!(
                    "  triage {:.0}% right",
                    100.0 * f64::from(r.classified_correctly) / f64::from(r.classified)
                )
            } else {
                String::new()
            },
            handoffs_note(r.handoffs_sent, r.handoff_quality),
        );
    }
    let _ = writeln!(o, "\nSeats");
    for s in &r.seats {
        let _ = writeln!(
            o,
            "  {:<12} {:<13} busy {:>3.0}%  actions {:>3}{}{}{}",
            s.seat,
            s.controller,
            100.0 * s.utilisation,
            s.actions,
            if s.classified > 0 {
                format!(
                    "  triaged {} ({} right)",
                    s.classified, s.classified_correctly
                )
            } else {
                String::new()
            },
            handoffs_note(s.handoffs_sent, s.handoff_quality),
            if s.refused > 0 {
                format!("  refused {}", s.refused)
            } else {
                String::new()
            }
        );
    }
    let parts: Vec<String> = r
        .components
        .iter()
        .map(|c| match c.score {
            Some(s) => format!("{} {s:.2}", c.name),
            None => format!("{} not rated", c.name),
        })
        .collect();
    let _ = writeln!(
        o,
        "\nTeam score {}{}  ({})",
        team_score_text(r),
        standing(r).map_or(String::new(), |s| format!("  · {s}")),
        parts.join(", ")
    );
    for c in r.components.iter().filter(|c| c.score.is_none()) {
        let _ = writeln!(
            o,
            "  {} not rated ({}): left out of the team score",
            c.name,
            c.note.as_deref().unwrap_or("nothing to measure")
        );
    }
    if let Some(why) = &r.team_score_note {
        let _ = writeln!(o, "  {why}");
    }
    if let Some(l) = ladder_note(r) {
        let _ = writeln!(o, "{l}");
    }
    let _ = writeln!(o, "digest {}", r.digest);
    o
}

/// One scenario in the listing.
pub fn scenario_line(path: &Path, s: &Scenario) -> String {
    let cat = Catalogue::get();
    let techniques: Vec<String> = s
        .attack_techniques()
        .iter()
        .map(|t| match cat.technique(t) {
            Some(x) => format!("{t} {}", x.name),
            None => t.to_string(),
        })
        .collect();
    let mut extra = Vec::new();
    if let Some(l) = &s.ladder {
        extra.push(format!(
            "ladder {} step {} (score {:.0} to move up)",
            l.track, l.step, l.pass_score
        ));
    }
    if let Some((lo, hi)) = s.dwell_band {
        extra.push(format!("competent dwell {}–{}", span(lo), span(hi)));
    }
    if let Some(p) = s.par {
        extra.push(format!("par {p:.1}"));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("{:<24} {}\n", "", extra.join(" · "))
    };
    format!(
        "{:<24} {:<7} {}\n{:<24} {}\n{extra}{:<24} techniques: {}\n\n",
        s.id,
        format!("{:?}", s.difficulty),
        s.title,
        "",
        path.display(),
        "",
        techniques.join(", ")
    )
}

/// A role's or seat's handoffs on the scorecard: how many, and their mean quality;
/// nothing when it sent none.
fn handoffs_note(sent: impl std::fmt::Display, quality: Option<f64>) -> String {
    quality.map_or(String::new(), |q| {
        format!("  handoffs {sent} (mean {q:.1})")
    })
}
