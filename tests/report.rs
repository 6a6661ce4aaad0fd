//! After-action reports: the HTML is well formed and has every section, the numbers it
//! shows are backed by the results, the Markdown matches its golden file, and bad run
//! directories get clear errors.

use std::collections::BTreeSet;
use std::process::Output;

mod common;

use common::{scratch, socdrill};

use quick_xml::Reader;
use quick_xml::events::Event;
use socdrill_core::report::{Format, Report};

fn report(seed: u64, profile: &str) -> (Report, serde_json::Value) {
    let s = common::default_scenario();
    let ex = common::run(&s, seed, profile);
    let results = ex.results();
    let json = serde_json::to_value(&results).unwrap();
    (Report::build(&s, ex.journal(), &results, None), json)
}

/// The section ids and every text node outside `<style>` and `<svg>`; panics if the
/// document is not well formed.
fn parse(html: &str) -> (Vec<String>, String) {
    let body = html.trim_start_matches("<!DOCTYPE html>").trim_start();
    let mut reader = Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut ids = Vec::new();
    let mut text = String::new();
    let mut skip = 0usize;
    let mut depth = 0i64;
    loop {
        match reader.read_event().unwrap_or_else(|e| {
            panic!(
                "HTML is not well formed at {}: {e}",
                reader.error_position()
            )
        }) {
            Event::Start(e) => {
                depth += 1;
                let name = e.name().as_ref().to_string();
                if name == "style" || name == "svg" || skip > 0 {
                    skip += 1;
                }
                if name == "section"
                    && let Some(id) = e.try_get_attribute("id").unwrap()
                {
                    ids.push(id.value.to_string());
                }
            }
            Event::End(_) => {
                depth -= 1;
                skip = skip.saturating_sub(1);
            }
            Event::Text(t) if skip == 0 => {
                text.push_str(&t.into_inner());
                text.push(' ');
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    (ids, text)
}

/// Every number in the results, as the report may print it.
fn backed_numbers(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Number(n) => {
            let f = n.as_f64().unwrap();
            for d in 0..=3 {
                out.insert(format!("{f:.d$}"));
            }
            out.insert(format!("{:.0}", 100.0 * f));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| backed_numbers(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| backed_numbers(x, out)),
        _ => {}
    }
}

#[test]
fn the_html_report_is_well_formed_and_complete() {
    for (seed, profile) in [(7, "competent"), (3, "expert"), (4, "novice")] {
        let (rep, results) = report(seed, profile);
        let html = rep.render(Format::Html);
        assert!(!html.contains("<script"), "no JavaScript");
        assert!(
            !html.contains("http://")
                || html.matches("http://www.w3.org/").count() == html.matches("http://").count(),
            "no network references"
        );
        let (ids, text) = parse(&html);
        assert_eq!(
            ids,
            [
                "overview",
                "summary",
                "objectives",
                "timeline",
                "dwell",
                "handoffs",
                "triage",
                "seats",
                "attack",
                "findings",
                "plan"
            ]
        );
        // The headline numbers are there.
        let r = &rep.results;
        assert!(
            text.contains(&format!("{:.1}", r.team_score.expect("rated"))),
            "team score"
        );
        assert!(text.contains(&r.digest), "digest");
        for o in &r.objectives {
            assert!(
                text.contains(&o.evidence),
                "objective evidence {:?}",
                o.evidence
            );
        }
        if let Some(a) = r.triage.accuracy {
            assert!(text.contains(&format!("{a:.1}%")), "triage accuracy");
        }
        // No decimal number in the text that the results do not back.
        let mut backed = BTreeSet::new();
        backed_numbers(&results, &mut backed);
        let mut checked = 0;
        // Tokens are runs of letters, digits and . _ -; a decimal is a token of digits
        // with one dot (so "T1566.001" and "10.20.99.14" are not numbers).
        for token in text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
            let token = token.trim_end_matches('.');
            let decimal = token.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && a.chars().all(|c| c.is_ascii_digit())
                    && b.chars().all(|c| c.is_ascii_digit())
            });
            if decimal {
                assert!(
                    backed.contains(token),
                    "{token} appears in the report but not in the results (seed {seed}, {profile})"
                );
                checked += 1;
            }
        }
        assert!(checked >= 5, "only {checked} decimal figures were checked");
    }
}

#[test]
fn findings_cite_their_events_and_the_plan_names_owners() {
    let (rep, _) = report(7, "competent");
    assert!(!rep.improvements.is_empty());
    assert!(
        rep.improvements.iter().all(|f| !f.evidence.is_empty()),
        "every finding cites events"
    );
    assert!(
        rep.plan
            .iter()
            .all(|p| !p.owner.is_empty() && !p.action.is_empty() && !p.target.is_empty())
    );
    let (good, _) = report(3, "expert");
    assert!(!good.strengths.is_empty());
}

#[test]
fn the_markdown_report_matches_its_golden_file() {
    let (rep, _) = report(7, "competent");
    let md = rep.render(Format::Markdown);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/report-phish-seed7.md"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &md).unwrap();
    }
    let golden = std::fs::read_to_string(path)
        .expect("tests/golden/report-phish-seed7.md exists (UPDATE_GOLDEN=1 writes it)");
    if md != golden {
        let line = md
            .lines()
            .zip(golden.lines())
            .position(|(a, b)| a != b)
            .map_or(0, |n| n + 1);
        panic!(
            "the Markdown report differs from the golden file at line {line}; if intended, rerun with UPDATE_GOLDEN=1 and review the diff"
        );
    }
}

#[test]
fn csv_and_json_carry_the_same_figures() {
    let (rep, _) = report(7, "competent");
    let csv = rep.render(Format::Csv);
    assert!(csv.starts_with("section,item,metric,value\n"));
    assert!(csv.lines().any(|l| l
        == format!(
            "exercise,phish-to-exfil,team_score,{}",
            rep.results.team_score.expect("rated")
        )));
    assert!(csv.lines().all(|l| !l.is_empty()));
    let json: serde_json::Value = serde_json::from_str(&rep.render(Format::Json)).unwrap();
    assert_eq!(
        json["results"]["team_score"].as_f64(),
        rep.results.team_score
    );
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn report_and_compare_from_the_command_line() {
    let dir = scratch("report-cli");
    let (a, b) = (dir.join("a"), dir.join("b"));
    assert!(
        socdrill(&["run", "--seed", "7", "--out", a.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        socdrill(&[
            "run",
            "--seed",
            "8",
            "--bots",
            "expert",
            "--out",
            b.to_str().unwrap()
        ])
        .status
        .success()
    );
    for format in ["html", "md", "json", "csv"] {
        let o = socdrill(&["report", a.to_str().unwrap(), "--format", format]);
        assert!(o.status.success(), "{}", stderr(&o));
        let written = a.join(format!("report.{format}"));
        assert!(
            std::fs::metadata(&written).unwrap().len() > 1000,
            "{format} report written"
        );
    }
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    let date = std::fs::read_to_string(a.join("run.json")).unwrap();
    assert!(date.contains("\"date\""));
    parse(&html);
    let cmp = dir.join("cmp.csv");
    let o = socdrill(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&cmp).unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and one row per run");
    let page = dir.join("cmp.html");
    assert!(
        socdrill(&[
            "compare",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--out",
            page.to_str().unwrap()
        ])
        .status
        .success()
    );
    parse(&std::fs::read_to_string(page).unwrap());
}

#[test]
fn missing_truncated_and_foreign_run_directories_are_refused_clearly() {
    let dir = scratch("report-bad");
    let run = dir.join("run");
    assert!(
        socdrill(&["run", "--seed", "2", "--out", run.to_str().unwrap()])
            .status
            .success()
    );
    let arg = run.to_str().unwrap();

    let o = socdrill(&["report", dir.join("nope").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a directory"), "{}", stderr(&o));

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = socdrill(&["report", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has no results.json"), "{}", stderr(&o));

    // Truncated results.
    let results = std::fs::read_to_string(run.join("results.json")).unwrap();
    std::fs::write(run.join("results.json"), &results[..results.len() / 2]).unwrap();
    let o = socdrill(&["report", arg]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not valid JSON"), "{}", stderr(&o));
    // Named FILE:LINE:COL like every other error, at the end of what is there.
    let half = &results[..results.len() / 2];
    let place = format!(
        "results.json:{}:{}: ",
        half.lines().count(),
        half.lines().last().unwrap().len()
    );
    assert!(stderr(&o).contains(&place), "{place} in {}", stderr(&o));
    assert!(!stderr(&o).contains(" at line "), "{}", stderr(&o));

    // A field of the wrong type is named where it is.
    let seed_line = results
        .lines()
        .position(|l| l.contains("\"seed\": 2,"))
        .expect("the run's seed in its results")
        + 1;
    let bad = results.replacen("\"seed\": 2,", "\"seed\": \"two\",", 1);
    std::fs::write(run.join("results.json"), &bad).unwrap();
    let o = socdrill(&["report", arg]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("results.json:{seed_line}:")),
        "line {seed_line} in {}",
        stderr(&o)
    );

    // Foreign results: another tool's JSON, or another schema version.
    std::fs::write(
        run.join("results.json"),
        results.replace("socdrill.results/2", "socdrill.results/99"),
    )
    .unwrap();
    for cmd in ["report", "compare"] {
        let o = socdrill(&[cmd, arg]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("socdrill.results/99"), "{}", stderr(&o));
    }

    // A journal that does not belong to the results.
    std::fs::write(run.join("results.json"), &results).unwrap();
    let journal = std::fs::read_to_string(run.join("journal.jsonl")).unwrap();
    std::fs::write(
        run.join("journal.jsonl"),
        journal.lines().take(30).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let o = socdrill(&["report", arg]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does not match"), "{}", stderr(&o));
    std::fs::write(run.join("journal.jsonl"), "not json\n").unwrap();
    let o = socdrill(&["report", arg]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("journal.jsonl:1:2: not a journal line: expected ident"),
        "{}",
        stderr(&o)
    );
}
