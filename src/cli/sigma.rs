//! Reading a directory of Sigma rules for `batch --detections-from` and `import-sigma`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use socdrill_core::sigma::{self, Import, LevelDefaults, SigmaRule};

use crate::input::read_text;
use crate::input::{Source, diagnostics, read_source};
use crate::output::emit;

/// Most rule files one import reads.
const MAX_FILES: usize = 100_000;

/// Every `.yml`/`.yaml` file under `dir`, sorted, with its path relative to `dir`.
fn rule_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    if !dir.is_dir() {
        bail!(
            "{} is not a directory: give a directory of Sigma rules (.yml files)",
            dir.display()
        );
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = fs::read_dir(&d).with_context(|| format!("cannot read {}", d.display()))?;
        for e in entries {
            let p = e
                .with_context(|| format!("cannot read {}", d.display()))?
                .path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("yml") || x.eq_ignore_ascii_case("yaml"))
            {
                let label = p
                    .strip_prefix(dir)
                    .unwrap_or(&p)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((p, label));
                if out.len() > MAX_FILES {
                    bail!(
                        "{} holds more than {MAX_FILES} rule files: point at a smaller folder",
                        dir.display()
                    );
                }
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    if out.is_empty() {
        bail!(
            "{} holds no .yml or .yaml files: give the folder your Sigma rules are in",
            dir.display()
        );
    }
    Ok(out)
}

/// Reads every rule under `dir`; any rule that cannot be read stops the import, and all
/// such files are listed as FILE:LINE:COL.
fn read_rules(dir: &Path) -> Result<Vec<(String, SigmaRule)>> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (path, label) in rule_files(dir)? {
        let text = match read_text(&path) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{e:#}"));
                continue;
            }
        };
        match sigma::parse_rule(&text) {
            Ok(r) => rules.push((label, r)),
            Err(e) => errors.push(format!(
                "{}:{}:{}: {}",
                path.display(),
                e.line,
                e.col,
                e.message
            )),
        }
    }
    if !errors.is_empty() {
        bail!(
            "{} Sigma rule file(s) cannot be read:\n{}\nfix or remove them and run again.",
            errors.len(),
            errors.join("\n")
        );
    }
    Ok(rules)
}

fn levels(path: Option<&Path>) -> Result<LevelDefaults> {
    match path {
        None => Ok(LevelDefaults::builtin()),
        Some(p) => {
            let text = read_text(p)?;
            LevelDefaults::parse(&text).map_err(|d| diagnostics(&p.display().to_string(), &d))
        }
    }
}

fn import_dir(dir: &Path, source: &Source, levels_file: Option<&Path>) -> Result<Import> {
    let rules = read_rules(dir)?;
    let import = sigma::import(&rules, &source.raw.data_sources, &levels(levels_file)?);
    eprintln!(
        "{}: {} Sigma rule(s) read, {} imported as detections for {}, {} skipped",
        dir.display(),
        rules.len(),
        import.rules.len(),
        source.raw.id,
        import.skipped.len()
    );
    let mut reasons: Vec<&str> = import.skipped.iter().map(|s| s.reason.as_str()).collect();
    reasons.sort_unstable();
    let mut i = 0;
    while i < reasons.len() {
        let n = reasons[i..]
            .iter()
            .take_while(|r| **r == reasons[i])
            .count();
        eprintln!("  skipped ×{n}: {}", reasons[i]);
        i += n;
    }
    if !import.warnings.is_empty() {
        eprintln!(
            "  {} warning(s), e.g. {}",
            import.warnings.len(),
            import.warnings[0]
        );
    }
    if import.rules.is_empty() {
        bail!(
            "none of the Sigma rules in {} fits scenario {:?}: its data sources are {}",
            dir.display(),
            source.raw.id,
            source
                .raw
                .data_sources
                .iter()
                .map(|d| format!("{} ({:?})", d.id, d.kind))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(import)
}

/// Replaces the scenario's rules with the Sigma rules under `dir`.
pub fn use_detections(source: &mut Source, dir: &Path, levels_file: Option<&Path>) -> Result<()> {
    let import = import_dir(dir, source, levels_file)?;
    let warnings = sigma::replace_rules(&mut source.raw, &import);
    for w in &warnings {
        eprintln!("  {w}");
    }
    Ok(())
}

/// `socdrill import-sigma DIR [SCENARIO]`: the scenario rules the Sigma rules become, as
/// RON to paste into the scenario's `rules: [...]`.
pub fn import_cmd(
    dir: &Path,
    scenario: Option<&Path>,
    levels_file: Option<&Path>,
    out: Option<&Path>,
) -> Result<ExitCode> {
    let source = read_source(scenario)?;
    let import = import_dir(dir, &source, levels_file)?;
    let text = sigma::to_ron(&import);
    match out {
        None => emit(&text),
        Some(p) => {
            fs::write(p, &text).with_context(|| format!("cannot write {}", p.display()))?;
            eprintln!(
                "{} rule(s) written to {}: paste them into the scenario's `rules: [...]`",
                import.rules.len(),
                p.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
