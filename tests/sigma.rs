//! The Sigma importer against real SigmaHQ rules (`tests/data/sigma`): every rule
//! parses and agrees with the index, v19 tags map back to v17, an import plays through
//! an exercise, bad input is an error (never a panic), and the RON output reads back.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use socdrill_core::journal::Entry;
use socdrill_core::scenario::attack::Catalogue;
use socdrill_core::scenario::format::{RawRule, RawScenario, SourceKind};
use socdrill_core::scenario::{self, DEFAULT_SCENARIO};
use socdrill_core::script::Script;
use socdrill_core::sigma::{self, LevelDefaults, LogSource, SigmaRule};
use socdrill_core::{Exercise, bots};

const SIGMA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sigma");

/// One row of `index.tsv`.
struct Row {
    path: String,
    id: String,
    title: String,
    status: String,
    level: String,
    logsource: String,
    techniques: Vec<String>,
    falsepositives: usize,
}

fn index() -> Vec<Row> {
    let text = std::fs::read_to_string(format!("{SIGMA_DIR}/index.tsv")).expect("index.tsv");
    let rows: Vec<Row> = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let c: Vec<&str> = line.split('\t').collect();
            assert_eq!(c.len(), 8, "index row {line:?}");
            Row {
                path: c[0].into(),
                id: c[1].into(),
                title: c[2].into(),
                status: c[3].into(),
                level: c[4].into(),
                logsource: c[5].into(),
                techniques: c[6]
                    .split(',')
                    .filter(|t| !t.is_empty())
                    .map(String::from)
                    .collect(),
                falsepositives: c[7].parse().expect("a count"),
            }
        })
        .collect();
    assert_eq!(rows.len(), 191, "the index lists 191 rules");
    rows
}

fn read_rule_text(path: &str) -> String {
    std::fs::read_to_string(format!("{SIGMA_DIR}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every rule, parsed, with its path as the label.
fn all_rules() -> Vec<(String, SigmaRule)> {
    index()
        .into_iter()
        .map(|row| {
            let rule = sigma::parse_rule(&read_rule_text(&row.path))
                .unwrap_or_else(|e| panic!("{}: {e}", row.path));
            (row.path, rule)
        })
        .collect()
}

/// Index technique ids mapped the way the importer maps tags.
fn mapped(techniques: &[String]) -> BTreeSet<String> {
    techniques
        .iter()
        .map(|t| sigma::v19_to_v17(t).map_or_else(|| t.clone(), String::from))
        .filter(|t| Catalogue::get().technique(t).is_some())
        .collect()
}

fn default_raw() -> RawScenario {
    scenario::parse::<RawScenario>(DEFAULT_SCENARIO, "a scenario").expect("the default parses")
}

fn logsource(label: &str) -> LogSource {
    let mut parts = label
        .split('/')
        .map(|p| (!p.is_empty()).then(|| p.to_string()));
    LogSource {
        product: parts.next().flatten(),
        category: parts.next().flatten(),
        service: parts.next().flatten(),
    }
}

#[test]
fn every_rule_parses_and_agrees_with_the_index() {
    for row in index() {
        let rule = sigma::parse_rule(&read_rule_text(&row.path))
            .unwrap_or_else(|e| panic!("{}: {e}", row.path));
        let at = &row.path;
        assert_eq!(rule.id.as_deref(), Some(row.id.as_str()), "{at}");
        assert_eq!(rule.title, row.title, "{at}");
        assert_eq!(rule.level.name(), row.level, "{at}");
        assert_eq!(
            rule.status.map(|s| s.name()),
            Some(row.status.as_str()),
            "{at}"
        );
        assert_eq!(rule.logsource.to_string(), row.logsource, "{at}");
        let got: BTreeSet<String> = rule.techniques.iter().cloned().collect();
        assert_eq!(got, mapped(&row.techniques), "{at}");
        assert_eq!(got.len(), rule.techniques.len(), "{at}: no repeats");
        assert_eq!(rule.falsepositives.len(), row.falsepositives, "{at}");
        assert!(
            !rule.author.is_empty() && rule.author != "unknown author",
            "{at}"
        );
        assert!(rule.date.is_some(), "{at}");
    }
}

#[test]
fn v19_tags_map_back_to_v17_with_warnings() {
    let path = "rules/windows/builtin/windefend/win_defender_real_time_protection_disabled.yml";
    let rule = sigma::parse_rule(&read_rule_text(path)).expect("the rule parses");
    assert_eq!(rule.techniques, ["T1562.001"]);
    assert!(
        rule.tags.iter().any(|t| t == "attack.t1685"),
        "{:?}",
        rule.tags
    );
    assert!(
        rule.warnings
            .iter()
            .any(|w| w == "T1685 is ATT&CK v19; read as v17 T1562.001"),
        "{:?}",
        rule.warnings
    );

    let path = "rules/windows/process_creation/proc_creation_win_susp_eventlog_clear.yml";
    let rule = sigma::parse_rule(&read_rule_text(path)).expect("the rule parses");
    assert_eq!(rule.techniques, ["T1070.001", "T1562.002"]);
    assert_eq!(rule.warnings.len(), 2, "{:?}", rule.warnings);

    assert_eq!(sigma::v19_to_v17("T1686.001"), Some("T1562.004"));
    assert_eq!(sigma::v19_to_v17("T1685.006"), Some("T1070.002"));
    assert_eq!(sigma::v19_to_v17("T1059"), None);
}

#[test]
fn importing_every_rule_into_the_default_scenario_plays_through() {
    let rules = all_rules();
    let mut raw = default_raw();
    let imported = sigma::import(&rules, &raw.data_sources, &LevelDefaults::builtin());
    assert_eq!(imported.rules.len() + imported.skipped.len(), rules.len());
    assert_eq!(imported.sigma_ids.len(), imported.rules.len());
    assert!(imported.rules.len() > 100, "{}", imported.rules.len());

    let sources: BTreeMap<&str, SourceKind> = raw
        .data_sources
        .iter()
        .map(|d| (d.id.as_str(), d.kind))
        .collect();
    let mut ids = BTreeSet::new();
    let mut paths = Vec::new();
    for r in &imported.rules {
        assert!(
            sources.contains_key(r.source.as_str()),
            "{}: {}",
            r.id,
            r.source
        );
        assert!(r.id.starts_with("sigma-"), "{}", r.id);
        assert!(ids.insert(r.id.clone()), "{} is unique", r.id);
        assert!(!r.techniques.is_empty(), "{}", r.id);
        assert!(
            r.author.as_deref().is_some_and(|a| !a.is_empty()),
            "{}",
            r.id
        );
        paths.push(
            r.sigma
                .clone()
                .expect("imported rules name their Sigma path"),
        );
    }
    assert!(paths.is_sorted(), "rules come sorted by path");
    for s in &imported.skipped {
        assert!(!s.reason.is_empty(), "{}", s.path);
    }
    let skipped = |path: &str| {
        imported
            .skipped
            .iter()
            .find(|s| s.path.ends_with(path))
            .map(|s| s.reason.clone())
    };
    assert_eq!(
        skipped("aws_guardduty_disruption.yml").as_deref(),
        Some("the scenario collects no CloudAudit telemetry (logsource aws//cloudtrail)")
    );
    assert!(
        skipped("opencanary_tftp_request.yml").is_some_and(|r| r.contains("opencanary")),
        "the honeypot rule has no source kind"
    );
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.contains("T1685 is ATT&CK v19")),
        "v19 warnings come through, prefixed with the path"
    );
    assert!(imported.warnings.iter().all(|w| w.starts_with("rules/")));

    let again = sigma::import(&rules, &raw.data_sources, &LevelDefaults::builtin());
    assert_eq!(
        format!("{again:?}"),
        format!("{imported:?}"),
        "deterministic"
    );

    let warnings = sigma::replace_rules(&mut raw, &imported);
    assert!(
        warnings.iter().any(|w| w.contains("T1566.001")),
        "no imported rule reads the e-mail gateway, so the phish goes unseen there: {warnings:?}"
    );
    let built = scenario::build(&raw, DEFAULT_SCENARIO)
        .unwrap_or_else(|d| panic!("{}", d.render("default+sigma")));
    assert_eq!(built.rules.len(), imported.rules.len());
    assert!(built.rules.iter().all(|r| r.author.is_some()));

    let built = Arc::new(built);
    let profile = bots::profile_named("expert").expect("the expert profile");
    let mut ex = Exercise::new(built.clone(), 7, profile, &Script::default());
    ex.run_to_end();
    assert!(ex.ended());
    let sigma_alerts: Vec<&str> = ex
        .journal()
        .lines
        .iter()
        .filter_map(|l| match &l.entry {
            Entry::AlertRaised {
                rule,
                stage: Some(_),
                ..
            } => Some(built.rules[*rule].id.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        sigma_alerts.iter().any(|id| id.starts_with("sigma-")),
        "a Sigma-derived rule alerts on a malicious stage"
    );
}

#[test]
fn replacing_rules_silences_noise_no_rule_reads() {
    let mut raw = default_raw();
    let email = raw
        .noise
        .iter_mut()
        .find(|n| n.source == "email")
        .expect("the default scenario has e-mail noise");
    email.alerts_per_hour = 2.0;
    let rule = sigma::parse_rule(
        "title: T\nlogsource: {product: windows, category: process_creation}\ntags: [attack.t1059.001]\nlevel: high\n",
    )
    .expect("a small rule");
    let imported = sigma::import(
        &[("x/proc.yml".to_string(), rule)],
        &raw.data_sources,
        &LevelDefaults::builtin(),
    );
    let warnings = sigma::replace_rules(&mut raw, &imported);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("\"email\"") && w.contains("set to 0")),
        "{warnings:?}"
    );
    assert!(
        raw.noise
            .iter()
            .all(|n| n.alerts_per_hour == 0.0 || raw.rules.iter().any(|r| r.source == n.source))
    );
    scenario::build(&raw, DEFAULT_SCENARIO).unwrap_or_else(|d| panic!("{}", d.render("x")));
}

#[test]
fn bad_input_is_an_error_with_a_place() {
    let err = sigma::parse_rule("").expect_err("empty");
    assert_eq!((err.line, err.col), (1, 1));
    assert!(err.message.contains("empty"), "{err}");
    assert!(sigma::parse_rule(" \n\t\n").is_err());

    let junk: Vec<u8> = (0..600u32).map(|i| (i * 7919 % 256) as u8).collect();
    let err = sigma::parse_rule(&String::from_utf8_lossy(&junk)).expect_err("binary junk");
    assert!(err.line >= 1 && err.col >= 1, "{err}");

    let text = "title: T\nlogsource:\n  product: windows\nlevel: high: oops\n";
    let err = sigma::parse_rule(text).expect_err("a syntax error");
    assert_eq!((err.line, err.col), (4, 12), "{err}");
    assert!(err.message.starts_with("YAML syntax error"), "{err}");

    let err = sigma::parse_rule("id: 1\nlogsource:\n  product: windows\n").expect_err("no title");
    assert!(err.message.contains("no `title`"), "{err}");

    let text = "title: T\nstatus: test\nlogsource:\n  - product: windows\n";
    let err = sigma::parse_rule(text).expect_err("logsource as a list");
    assert_eq!((err.line, err.col), (3, 1), "{err}");
    assert!(
        err.message.contains("`logsource` should be a mapping"),
        "{err}"
    );

    let err = sigma::parse_rule("title: T\nlogsource: {}\n").expect_err("empty logsource");
    assert!(err.message.contains("names no product"), "{err}");

    let err = sigma::parse_rule("- title: T\n- logsource: x\n").expect_err("a top-level list");
    assert!(err.message.contains("a YAML mapping"), "{err}");

    let err = sigma::parse_rule("title: T\nlogsource: {product: 7}\nlevel: 3\n")
        .expect_err("a number as level");
    assert_eq!((err.line, err.col), (3, 8), "{err}");
    assert!(err.message.contains("unknown level"), "{err}");

    let err =
        sigma::parse_rule("title: [a, b]\nlogsource: {product: x}\n").expect_err("list title");
    assert_eq!((err.line, err.col), (1, 1), "{err}");

    let err = sigma::parse_rule("title: T\nlogsource: {product: x}\ntags: {a: b}\n")
        .expect_err("tags as a mapping");
    assert!(err.message.contains("`tags` should be a list"), "{err}");

    let deep = "[".repeat(100_000);
    assert!(sigma::parse_rule(&deep).is_err());
    let deep = format!(
        "title: {}x\nlogsource: {{product: x}}\n",
        "- ".repeat(10_000)
    );
    assert!(sigma::parse_rule(&deep).is_err());
    let aliases =
        "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\ntitle: *b\nlogsource: {product: x}\n";
    assert!(sigma::parse_rule(aliases).is_err(), "an alias is not text");

    let two = "title: C\ncorrelation: {type: event_count}\n---\ntitle: T\nlogsource: {product: windows}\n";
    let rule = sigma::parse_rule(two).expect("the second document is the rule");
    assert_eq!(rule.title, "T");
    let err = sigma::parse_rule("title: C\n---\nfoo: bar\n").expect_err("no rule document");
    assert!(err.message.contains("nor does any other document"), "{err}");
}

#[test]
fn mutated_rules_never_panic() {
    let texts: Vec<String> = index().iter().map(|r| read_rule_text(&r.path)).collect();
    let mut state: u64 = 0x5eed_51c4;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let (mut ok, mut err) = (0, 0);
    for k in 0..500u64 {
        let base = texts[(next() as usize) % texts.len()].as_bytes();
        let mut bytes = base.to_vec();
        match k % 3 {
            0 => bytes.truncate((next() as usize) % (bytes.len() + 1)),
            1 => {
                for _ in 0..1 + next() % 8 {
                    let i = (next() as usize) % bytes.len().max(1);
                    if let Some(b) = bytes.get_mut(i) {
                        *b ^= 1 << (next() % 8);
                    }
                }
            }
            _ => {
                let text = String::from_utf8_lossy(base).into_owned();
                let mut lines: Vec<&str> = text.lines().collect();
                for _ in 0..1 + next() % 4 {
                    let i = (next() as usize) % lines.len().max(1);
                    if let Some(&line) = lines.get(i) {
                        lines.insert(i, line);
                    }
                }
                bytes = lines.join("\n").into_bytes();
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match catch_unwind(AssertUnwindSafe(|| sigma::parse_rule(&text))) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(e)) => {
                assert!(e.line >= 1 && e.col >= 1, "mutation {k}: {e}");
                err += 1;
            }
            Err(_) => panic!("mutation {k} panicked on:\n{text}"),
        }
    }
    assert_eq!(ok + err, 500);
    assert!(
        ok > 0 && err > 0,
        "the mutations exercise both paths ({ok} ok, {err} errors)"
    );
}

#[test]
fn level_defaults_parse_with_diagnostics() {
    let shipped = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/sigma-levels.ron"
    ));
    let parsed = LevelDefaults::parse(shipped).expect("the shipped defaults parse");
    assert_eq!(parsed, LevelDefaults::builtin());
    assert_eq!(parsed.critical.fidelity, 0.9);

    let bad = "(\n    informational: (fidelity: 0.2, benign_per_hour: 6.0, severity: Low),\n    low: (fidelity: 0.4, benign_per_hour: 3.0, severity: Lowish),\n)\n";
    let err = LevelDefaults::parse(bad).expect_err("an unknown severity");
    assert_eq!(err.0.len(), 1);
    assert_eq!(err.0[0].line, 3, "{err}");
    assert!(err.0[0].col > 1, "{err}");

    let bad = shipped.replace("benign_per_hour: 0.3", "benign_per_hour: -1.0");
    let err = LevelDefaults::parse(&bad).expect_err("a negative rate");
    let want = bad
        .lines()
        .position(|l| l.contains("-1.0"))
        .expect("the edited line")
        + 1;
    assert_eq!(err.0[0].line, want, "{err}");
    assert!(err.0[0].message.contains("high: benign_per_hour"), "{err}");

    assert!(LevelDefaults::parse("").is_err());
}

#[test]
fn ron_output_reads_back_the_same_rules() {
    let mut rules = all_rules();
    let odd = "title: 'Quote \" and \\ back–slash, ünïcödé'\nid: odd\nauthor: [A. One, B. Two]\n\
               logsource: {product: windows, category: process_creation}\n\
               tags: [attack.t1059.001]\nlevel: low\nfalsepositives: [Admin scripts]\n";
    rules.push((
        "extra/odd rule.yml".into(),
        sigma::parse_rule(odd).expect("odd rule"),
    ));
    let imported = sigma::import(
        &rules,
        &default_raw().data_sources,
        &LevelDefaults::builtin(),
    );
    let odd = imported
        .rules
        .iter()
        .find(|r| r.sigma.as_deref() == Some("extra/odd rule.yml"))
        .expect("the odd rule is imported");
    assert_eq!(odd.id, "sigma-odd-rule");
    assert_eq!(odd.author.as_deref(), Some("A. One, B. Two"));
    assert_eq!(
        odd.benign_per_hour, 4.5,
        "low: 3.0 × 1.5 for one named false positive"
    );

    let text = sigma::to_ron(&imported);
    assert!(
        text.starts_with("// Detection rules imported from Sigma rules of the SigmaHQ project")
    );
    assert!(text.contains("Detection Rule License (DRL) 1.1"));
    let first = &imported.rules[0];
    assert!(
        text.contains(&format!(
            "// {} — Sigma id {} — by {} — {}",
            first.name,
            imported.sigma_ids[0].as_deref().unwrap_or("none"),
            first.author.as_deref().unwrap_or_default(),
            first.sigma.as_deref().unwrap_or_default()
        )),
        "each rule has a credit line"
    );
    let back: Vec<RawRule> = scenario::parse(&format!("[\n{text}\n]"), "rules")
        .unwrap_or_else(|d| panic!("{}", d.render("to_ron")));
    assert_eq!(format!("{back:?}"), format!("{:?}", imported.rules));
}

#[test]
fn every_index_logsource_has_a_deliberate_kind() {
    use SourceKind::*;
    // Deliberately none: a honeypot's alerts are no telemetry feed a scenario models.
    const NONE: [&str; 1] = ["opencanary/application/"];
    let expected: BTreeMap<&str, Option<SourceKind>> = [
        ("/antivirus/", Some(Edr)),
        ("/dns/", Some(Dns)),
        ("/proxy/", Some(Proxy)),
        ("/webserver/", Some(WebServer)),
        ("aws//cloudtrail", Some(CloudAudit)),
        ("azure//activitylogs", Some(CloudAudit)),
        ("azure//auditlogs", Some(CloudAudit)),
        ("azure//riskdetection", Some(Identity)),
        ("azure//signinlogs", Some(Identity)),
        ("gcp//google_workspace.login", Some(Identity)),
        ("linux//", Some(Edr)),
        ("linux//auditd", Some(Edr)),
        ("linux/process_creation/", Some(Edr)),
        ("m365//audit", Some(CloudAudit)),
        ("m365//exchange", Some(CloudAudit)),
        ("m365//threat_management", Some(CloudAudit)),
        ("macos/process_creation/", Some(Edr)),
        ("okta//okta", Some(Identity)),
        ("opencanary/application/", None),
        ("windows//application", Some(WindowsEvents)),
        ("windows//ntlm", Some(WindowsEvents)),
        ("windows//security", Some(WindowsEvents)),
        ("windows//system", Some(WindowsEvents)),
        ("windows//windefend", Some(WindowsEvents)),
        ("windows/dns_query/", Some(Edr)),
        ("windows/file_access/", Some(Edr)),
        ("windows/file_delete/", Some(Edr)),
        ("windows/file_event/", Some(Edr)),
        ("windows/file_rename/", Some(Edr)),
        ("windows/image_load/", Some(Edr)),
        ("windows/network_connection/", Some(Edr)),
        ("windows/process_access/", Some(Edr)),
        ("windows/process_creation/", Some(Edr)),
        ("windows/ps_classic_start/", Some(Edr)),
        ("windows/ps_module/", Some(Edr)),
        ("windows/ps_script/", Some(Edr)),
        ("windows/registry_set/", Some(Edr)),
        ("zeek//http", Some(Firewall)),
        ("zeek//rdp", Some(Firewall)),
        ("zeek//smb_files", Some(Firewall)),
    ]
    .into_iter()
    .collect();
    let in_index: BTreeSet<String> = index().into_iter().map(|r| r.logsource).collect();
    for label in &in_index {
        let want = expected
            .get(label.as_str())
            .unwrap_or_else(|| panic!("logsource {label} in the index has no expected kind here"));
        let got = sigma::source_kind(&logsource(label));
        assert_eq!(got, *want, "{label}");
        if got.is_none() {
            assert!(
                NONE.contains(&label.as_str()),
                "{label} maps to nothing by accident"
            );
        }
    }
    assert_eq!(
        in_index.len(),
        expected.len(),
        "the table above lists exactly the index's log sources"
    );
}

#[test]
fn small_cases() {
    // Tags: only attack.tNNNN[.NNN] are techniques; repeats collapse.
    let rule = sigma::parse_rule(
        "title: X\nlogsource:\n  product: windows\ntags:\n  - attack.execution\n  - attack.g0016\n  - attack.t10\n  - attack.t1059.1\n  - car.2016-04-002\n  - attack.T1059\n  - attack.t1059\n  - attack.t9999\n",
    )
    .expect("a minimal rule");
    assert_eq!(rule.techniques, ["T1059"]);
    assert_eq!(
        rule.level,
        sigma::SigmaLevel::Medium,
        "no level reads as medium"
    );
    assert_eq!(rule.author, "unknown author");
    assert_eq!(rule.logsource.to_string(), "windows//");
    let expected = [
        "the rule has no id",
        "the rule has no level: read as medium",
        "the rule names no author: credited as \"unknown author\"",
        "tag \"attack.t9999\": T9999 is not an ATT&CK Enterprise v17 technique; dropped",
    ];
    assert_eq!(rule.warnings, expected);

    // Single texts stand for lists; an unknown status is a warning.
    let rule = sigma::parse_rule(
        "title: X\nstatus: beta\nlogsource: {service: Security, product: Windows}\nfalsepositives: Admins\nreferences: https://example.org\nauthor: [A, B]\nlevel: CRITICAL\n",
    )
    .expect("a lenient rule");
    assert_eq!(rule.status, None);
    assert!(
        rule.warnings
            .iter()
            .any(|w| w.contains("unknown status \"beta\""))
    );
    assert_eq!(rule.falsepositives, ["Admins"]);
    assert_eq!(rule.references, ["https://example.org"]);
    assert_eq!(rule.author, "A, B");
    assert_eq!(rule.level, sigma::SigmaLevel::Critical);
    assert_eq!(
        sigma::source_kind(&rule.logsource),
        Some(SourceKind::WindowsEvents)
    );

    // The source table beyond the index.
    for (label, want) in [
        ("windows//sysmon", Some(SourceKind::Edr)),
        ("zeek//dns", Some(SourceKind::Dns)),
        ("/firewall/", Some(SourceKind::Firewall)),
        ("linux/network_connection/", Some(SourceKind::Edr)),
        ("gcp//gcp.audit", Some(SourceKind::CloudAudit)),
        ("windows//", None),
        ("linux//auth", None),
        ("django/application/", None),
    ] {
        assert_eq!(sigma::source_kind(&logsource(label)), want, "{label}");
    }

    // Ids: the file stem, made unique; status and tags decide what is skipped.
    let rule = |extra: &str| {
        sigma::parse_rule(&format!(
            "title: T\nlogsource: {{category: process_creation, product: windows}}\n{extra}"
        ))
        .expect("a small rule")
    };
    let tagged = "tags: [attack.t1059]\n";
    let rules = vec![
        ("b/proc_x.yml".to_string(), rule(tagged)),
        ("a/proc_x.yml".to_string(), rule(tagged)),
        ("c/Odd Name!.yaml".to_string(), rule(tagged)),
        (
            "d/old.yml".to_string(),
            rule(&format!("{tagged}status: deprecated\n")),
        ),
        (
            "e/untagged.yml".to_string(),
            rule("tags: [attack.execution]\n"),
        ),
        (
            "f/new.yml".to_string(),
            rule(&format!(
                "{tagged}status: experimental\nlevel: low\nfalsepositives: [a, b, c]\n"
            )),
        ),
    ];
    let imported = sigma::import(
        &rules,
        &default_raw().data_sources,
        &LevelDefaults::builtin(),
    );
    let ids: Vec<(&str, &str)> = imported
        .rules
        .iter()
        .map(|r| (r.sigma.as_deref().unwrap_or_default(), r.id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("a/proc_x.yml", "sigma-proc_x"),
            ("b/proc_x.yml", "sigma-proc_x-2"),
            ("c/Odd Name!.yaml", "sigma-odd-name"),
            ("f/new.yml", "sigma-new"),
        ]
    );
    assert_eq!(
        imported.rules[3].benign_per_hour, 6.0,
        "three named false positives double the rate"
    );
    assert!(
        imported
            .rules
            .iter()
            .all(|r| r.enabled && r.source == "edr")
    );
    let skipped: Vec<(&str, &str)> = imported
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("d/old.yml", "the rule's status is deprecated"),
            (
                "e/untagged.yml",
                "no ATT&CK technique tag (or none in ATT&CK Enterprise v17)"
            ),
        ]
    );
    assert!(
        imported
            .warnings
            .iter()
            .any(|w| w.starts_with("f/new.yml: the rule is experimental"))
    );
}
