//! `socdrill batch` and `socdrill par`: many seeds on every core, streamed to disk, with
//! progress on the terminal and a clean stop on Ctrl-C.

use std::fs;
use std::io::{BufWriter, IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use socdrill_core::batch::{self, Accumulator, Arm, Seeds, variant};
use socdrill_core::scenario::{self, par};
use socdrill_core::{Team, bots};

use crate::input::read_text;
use crate::input::{Source, diagnostics, read_source};
use crate::output::emit;

/// What `batch` was asked to do.
pub struct BatchArgs<'a> {
    pub scenario: Option<&'a Path>,
    pub seeds: &'a str,
    pub bots: &'a str,
    pub variants: &'a [PathBuf],
    pub jobs: Option<usize>,
    pub out: Option<&'a Path>,
    pub json: bool,
    pub navigator: Option<&'a Path>,
    pub shard: Option<&'a str>,
    pub actions: Option<&'a Path>,
    pub team: Option<&'a str>,
    pub db: Option<PathBuf>,
    pub detections_from: Option<&'a Path>,
    pub sigma_levels: Option<&'a Path>,
}

/// Set by Ctrl-C: the batch hands out no more seeds.
static STOP: AtomicBool = AtomicBool::new(false);

fn jobs_or_cores(jobs: Option<usize>) -> Result<usize> {
    match jobs {
        Some(0) => bail!("--jobs 0 runs nothing: give at least 1"),
        Some(j) => Ok(j),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

/// Runs a batch: every seed of every arm, streamed to disk, summarised.
pub fn batch(a: &BatchArgs) -> Result<ExitCode> {
    let all_seeds = Seeds::parse(a.seeds).map_err(|e| anyhow::anyhow!("--seeds: {e}"))?;
    let shard = match a.shard {
        None => None,
        Some(text) => {
            let env = std::env::var("SLURM_ARRAY_TASK_ID")
                .or_else(|_| std::env::var("JOB_COMPLETION_INDEX"))
                .ok();
            let shard = batch::Shard::parse(text, env.as_deref())
                .map_err(|e| anyhow::anyhow!("--shard: {e}"))?;
            if a.out.is_none() {
                bail!(
                    "--shard writes its partial summary into a directory: add --out DIR (batch-merge reads it from there)"
                );
            }
            Some(shard)
        }
    };
    let seeds = shard.map_or(all_seeds, |s| s.block(all_seeds));
    let jobs = jobs_or_cores(a.jobs)?;
    let profile =
        bots::profile_named(a.bots).with_context(|| format!("unknown bot profile {:?}", a.bots))?;
    let mut source = read_source(a.scenario)?;
    if let Some(dir) = a.detections_from {
        crate::cli::sigma::use_detections(&mut source, dir, a.sigma_levels)?;
    }
    let base =
        scenario::build(&source.raw, &source.src).map_err(|d| diagnostics(&source.name, &d))?;
    let base = Arc::new(base);
    let mut arms = vec![Arm {
        name: "baseline".into(),
        description: String::new(),
        changes: Vec::new(),
        scenario: base.clone(),
        team: Team::uniform(profile),
    }];
    for path in a.variants {
        let name = path.display().to_string();
        let text = read_text(path)?;
        let v = variant::load(&text, &source.raw).map_err(|d| diagnostics(&name, &d))?;
        if arms.iter().any(|arm| arm.name == v.name) {
            bail!(
                "{name}: a variant named {:?} is already in this batch: give each variant its own name",
                v.name
            );
        }
        let mut raw = source.raw.clone();
        let mut team = Team::uniform(profile);
        variant::apply(&v, &mut raw, &mut team);
        let s = scenario::build(&raw, &source.src)
            .map_err(|d| diagnostics(&name, &variant::blame(&source.name, &d)))?;
        arms.push(Arm {
            name: v.name.clone(),
            description: v.description.clone(),
            changes: v.changes.iter().map(variant::Change::describe).collect(),
            scenario: Arc::new(s),
            team,
        });
    }

    let mut runs_file = match a.out {
        Some(dir) => {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let p = dir.join("runs.jsonl");
            let f =
                fs::File::create(&p).with_context(|| format!("cannot write {}", p.display()))?;
            Some((p, BufWriter::new(f)))
        }
        None => None,
    };
    // A first Ctrl-C stops cleanly; a second one is the default (the process ends).
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstopping: finishing the exercises already running (Ctrl-C again to quit now)");
    });

    let mut acc = Accumulator::new(&arms);
    if shard.is_some() {
        acc.keep_run_digests();
    }
    let mut progress = Progress::new(seeds.count, arms.len());
    let mut write_error: Option<anyhow::Error> = None;
    let (script, _) = crate::input::load_script(a.actions, &base)?;
    // Every exercise goes into the history, a block per transaction; a history that
    // cannot take them is a warning (the batch's own outputs are unaffected).
    let meta = crate::history::BatchMeta {
        recorded_at: crate::rundir::utc_now(),
        run_dir: a.out.map(|d| {
            fs::canonicalize(d)
                .unwrap_or_else(|_| d.to_path_buf())
                .display()
                .to_string()
        }),
        scenario: base.id.clone(),
        title: base.title.clone(),
        scenario_sha256: crate::history::sha256_hex(&source.src),
        team: a.team.map(str::to_string),
        bots: Team::uniform(profile).label(),
    };
    if let Some(dir) = a.out {
        let p = dir.join("batch.json");
        fs::write(&p, serde_json::to_string_pretty(&meta)? + "\n")
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    let mut history = match a.db.as_deref().map(crate::history::History::open) {
        Some(Ok(h)) => Some(h),
        Some(Err(e)) => {
            eprintln!("warning: the batch is not recorded in the history: {e:#}");
            None
        }
        None => None,
    };
    // A batch written over an earlier one's --out replaces its exercises in the history.
    if let (Some(h), Some(dir)) = (history.as_mut(), meta.run_dir.as_deref())
        && let Err(e) = h.forget_dir(dir)
    {
        eprintln!("warning: the batch is not recorded in the history: {e:#}");
        history = None;
    }
    let mut recorder = history.as_mut().map(|h| h.batch_writer(meta));
    let mut history_error: Option<anyhow::Error> = None;
    let started = Instant::now();
    let finished = batch::run_scripted(&arms, seeds, jobs, &STOP, &script, |records| {
        if let Some(w) = recorder.as_mut() {
            for r in &records {
                if let Err(e) = w.add(r) {
                    history_error = Some(e);
                    break;
                }
            }
            if history_error.is_some() {
                recorder = None;
            }
        }
        if let Some((p, w)) = runs_file.as_mut()
            && write_error.is_none()
        {
            for r in &records {
                let line = serde_json::to_string(r).expect("records serialise");
                if let Err(e) = writeln!(w, "{line}") {
                    write_error = Some(anyhow::anyhow!("cannot write {}: {e}", p.display()));
                    STOP.store(true, Ordering::SeqCst);
                    break;
                }
            }
        }
        acc.add(&records);
        progress.tick();
    });
    let elapsed = started.elapsed();
    progress.done();
    if let Some(w) = recorder.as_mut()
        && let Err(e) = w.flush()
    {
        history_error = Some(e);
    }
    drop(recorder);
    if let Some(e) = history_error {
        eprintln!("warning: the batch's exercises were not all recorded in the history: {e:#}");
    } else if let Some(h) = &history {
        eprintln!(
            "{} exercise(s) recorded in the history {}",
            finished.seeds * arms.len(),
            h.path().display()
        );
    }
    if let Some(e) = write_error {
        return Err(e);
    }
    if let Some(why) = finished.over_budget {
        bail!("{why}");
    }
    if let Some((p, mut w)) = runs_file {
        w.flush()
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    let bots_label = Team::uniform(profile).label();
    let acc = match shard {
        Some(shard) => {
            let dir = a.out.expect("checked with --shard");
            let partial = batch::Partial {
                schema: batch::PARTIAL_SCHEMA.into(),
                inputs: inputs_digest(
                    &source,
                    &base,
                    a.variants,
                    a.actions,
                    &bots_label,
                    all_seeds,
                    shard,
                )?,
                scenario: base.id.clone(),
                title: base.title.clone(),
                bots: bots_label.clone(),
                first_seed: all_seeds.first,
                seed_count: all_seeds.count,
                shard,
                block_first: seeds.first,
                block_count: seeds.count,
                accumulator: acc,
            };
            let p = dir.join("partial.json");
            fs::write(&p, serde_json::to_string(&partial)? + "\n")
                .with_context(|| format!("cannot write {}", p.display()))?;
            eprintln!(
                "shard {}/{}: seeds {}, partial summary written to {} (merge the shards with socdrill batch-merge)",
                shard.index,
                shard.count,
                seeds_text(seeds),
                p.display()
            );
            partial.accumulator
        }
        None => acc,
    };
    let summary = acc.summary(&base, &bots_label, seeds);
    let exercises = finished.seeds as f64 * arms.len() as f64;
    eprintln!(
        "{} exercise(s) in {:.2} s on {jobs} job(s): {:.0} exercises/s",
        exercises,
        elapsed.as_secs_f64(),
        exercises / elapsed.as_secs_f64().max(1e-9)
    );
    write_summary(&summary, a.out, a.navigator, a.json, "runs.jsonl, ")?;
    if finished.interrupted {
        eprintln!(
            "interrupted: {} of {} seed(s) finished; the summary covers those",
            finished.seeds, seeds.count
        );
        return Ok(ExitCode::from(130));
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a summary where it was asked for (`summary.json` and `report.html` in `out`,
/// the Navigator layers) and prints it, as text or JSON.
fn write_summary(
    summary: &batch::Summary,
    out: Option<&Path>,
    navigator: Option<&Path>,
    json: bool,
    also: &str,
) -> Result<()> {
    let summary_json = serde_json::to_string_pretty(summary)? + "\n";
    if let Some(dir) = out {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
        };
        write("summary.json", &summary_json)?;
        write("report.html", &batch::render::html(summary))?;
        eprintln!(
            "{also}summary.json and report.html (coverage heatmap) written to {}",
            dir.display()
        );
    }
    if let Some(path) = navigator {
        write_layers(path, summary)?;
    }
    if json {
        emit(&summary_json);
    } else {
        emit(&batch::render::text(summary));
    }
    Ok(())
}

/// What decides a sharded batch's runs, hashed: shards merge only when it agrees.
fn inputs_digest(
    source: &Source,
    base: &scenario::Scenario,
    variants: &[PathBuf],
    actions: Option<&Path>,
    bots: &str,
    seeds: Seeds,
    shard: batch::Shard,
) -> Result<String> {
    use sha2::{Digest as _, Sha256};
    let mut h = Sha256::new();
    let mut field = |name: &str, value: &[u8]| {
        h.update(name.as_bytes());
        h.update((value.len() as u64).to_le_bytes());
        h.update(value);
    };
    field("version", env!("CARGO_PKG_VERSION").as_bytes());
    field("scenario", source.src.as_bytes());
    // Rules replaced from a Sigma directory are part of the scenario run.
    field("rules", format!("{:?}", base.rules).as_bytes());
    for v in variants {
        field("variant", read_text(v)?.as_bytes());
    }
    if let Some(p) = actions {
        field("actions", read_text(p)?.as_bytes());
    }
    field("bots", bots.as_bytes());
    field(
        "seeds",
        format!("{}+{}", seeds.first, seeds.count).as_bytes(),
    );
    field("shards", shard.count.to_string().as_bytes());
    Ok(format!("{:x}", h.finalize()))
}

/// `socdrill batch-merge`: the shards' partial summaries, checked and merged into the
/// summary one machine would have printed.
pub fn merge_cmd(
    dirs: &[PathBuf],
    out: Option<&Path>,
    navigator: Option<&Path>,
    json: bool,
) -> Result<ExitCode> {
    let mut parts = Vec::new();
    for d in dirs {
        let path = if d.is_dir() {
            d.join("partial.json")
        } else {
            d.clone()
        };
        let text = read_text(&path)?;
        let p: batch::Partial = serde_json::from_str(&text).map_err(|e| {
            anyhow::Error::msg(socdrill_core::scenario::diag::json_problem(
                path.display(),
                &e,
            ))
        })?;
        parts.push((path.display().to_string(), p));
    }
    let merged = batch::Partial::merge(parts).map_err(anyhow::Error::msg)?;
    eprintln!(
        "{} shard(s) merged: seeds {}",
        dirs.len(),
        seeds_text(merged.seeds)
    );
    write_summary(&merged.summary(), out, navigator, json, "")?;
    Ok(ExitCode::SUCCESS)
}

/// `1..20`, or `none`.
fn seeds_text(seeds: Seeds) -> String {
    match seeds.last() {
        Some(last) => format!("{}..{last}", seeds.first),
        None => "none".into(),
    }
}

/// Writes each arm's ATT&CK Navigator layer: the baseline's to `path`, each variant's
/// beside it, named `STEM.VARIANT.EXT`.
fn write_layers(path: &Path, summary: &batch::Summary) -> Result<()> {
    let mut written = Vec::new();
    for (i, arm) in summary.arms.iter().enumerate() {
        let p = if i == 0 {
            path.to_path_buf()
        } else {
            let slug: String = arm
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            let stem = path
                .file_stem()
                .map_or_else(|| "layer".into(), |s| s.to_string_lossy());
            let ext = path
                .extension()
                .map_or_else(|| "json".into(), |e| e.to_string_lossy());
            path.with_file_name(format!("{stem}.{slug}.{ext}"))
        };
        let layer = socdrill_core::report::navigator::batch_layer(summary, arm);
        fs::write(&p, serde_json::to_string_pretty(&layer)? + "\n")
            .with_context(|| format!("cannot write the Navigator layer {}", p.display()))?;
        written.push(p.display().to_string());
    }
    eprintln!("ATT&CK Navigator layer(s) written: {}", written.join(", "));
    Ok(())
}

/// `socdrill par`: the median expert team score over the fixed par seeds, stored in the
/// scenario file unless `dry_run`.
pub fn par_cmd(path: Option<&Path>, jobs: Option<usize>, dry_run: bool) -> Result<ExitCode> {
    let jobs = jobs_or_cores(jobs)?;
    let source = read_source(path)?;
    let s = Arc::new(
        scenario::build(&source.raw, &source.src).map_err(|d| diagnostics(&source.name, &d))?,
    );
    let profile = bots::profile_named(par::PAR_PROFILE).expect("the expert profile ships");
    let typical = bots::profile_named(par::TYPICAL_PROFILE).expect("the competent profile ships");
    let arm = |name: &str, p: &bots::Profile| Arm {
        name: name.into(),
        description: String::new(),
        changes: Vec::new(),
        scenario: s.clone(),
        team: Team::uniform(p),
    };
    let arms = [arm("par", profile), arm("typical", typical)];
    let seeds = Seeds {
        first: *par::PAR_SEEDS.start(),
        count: par::PAR_SEEDS.end() - par::PAR_SEEDS.start() + 1,
    };
    let mut acc = Accumulator::new(&arms);
    let finished = batch::run(&arms, seeds, jobs, &STOP, |r| acc.add(&r));
    if finished.interrupted {
        bail!("par needs every seed; the run was stopped");
    }
    // Rounded once, so what is printed is what is stored.
    let round1 = |v: f64| (v * 10.0).round() / 10.0;
    let band = acc
        .score_quantiles(1, 0.25, 0.75)
        .map(|(lo, hi)| (round1(lo), round1(hi)));
    let summary = acc.summary(&s, profile.name.as_str(), seeds);
    let Some(value) = summary.arms[0].team_score.median else {
        bail!(
            "{}: no expert run over seeds {}..{} had a team score (nothing could be rated), so there is no par to store",
            source.name,
            par::PAR_SEEDS.start(),
            par::PAR_SEEDS.end()
        );
    };
    let rounded = round1(value);
    emit(&format!(
        "{}: par {rounded:.1} (median team score of expert bots over seeds {}..{}; was {})\n",
        source.name,
        par::PAR_SEEDS.start(),
        par::PAR_SEEDS.end(),
        source
            .raw
            .par
            .map_or("not set".to_string(), |p| format!("{p:.1}"))
    ));
    if let Some((lo, hi)) = band {
        emit(&format!(
            "{}: a typical team {lo:.1}–{hi:.1} (the middle half of competent bots' team scores over the same seeds; was {})\n",
            source.name,
            source
                .raw
                .typical
                .map_or("not set".to_string(), |(a, b)| format!("{a:.1}–{b:.1}"))
        ));
    }
    match path {
        None => {
            emit("the built-in scenario is not a file: give a scenario file to store its par\n")
        }
        Some(_) if dry_run => emit("not stored (--dry-run)\n"),
        Some(p) => {
            let mut text =
                par::with_par(&source.src, rounded).map_err(|d| diagnostics(&source.name, &d))?;
            if let Some(band) = band {
                text = par::with_typical(&text, band).map_err(|d| diagnostics(&source.name, &d))?;
            }
            let tmp = p.with_extension("ron.par-tmp");
            fs::write(&tmp, &text).with_context(|| format!("cannot write {}", tmp.display()))?;
            fs::rename(&tmp, p).with_context(|| format!("cannot replace {}", p.display()))?;
            emit(&format!(
                "stored in {}: scorecards and reports now show score against par and a typical team\n",
                p.display()
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on a terminal, plain lines otherwise, on standard error.
struct Progress {
    total: u64,
    arms: usize,
    done: u64,
    started: Instant,
    last: Instant,
    tty: bool,
    next_line: u64,
}

impl Progress {
    fn new(total: u64, arms: usize) -> Progress {
        let now = Instant::now();
        Progress {
            total,
            arms,
            done: 0,
            started: now,
            last: now,
            tty: std::io::stderr().is_terminal(),
            next_line: (total / 10).max(1),
        }
    }

    fn tick(&mut self) {
        self.done += 1;
        if self.tty {
            if self.last.elapsed() >= Duration::from_millis(100) || self.done == self.total {
                self.last = Instant::now();
                self.draw();
            }
        } else if self.done >= self.next_line && self.total >= 1_000 {
            self.next_line += (self.total / 10).max(1);
            eprintln!("{}", self.status());
        }
    }

    fn status(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        let rate = self.done as f64 / secs;
        let eta = (self.total - self.done) as f64 / rate.max(1e-9);
        format!(
            "{}/{} seeds ({} arm(s)), {:.0} exercises/s, {:.0} s left",
            self.done,
            self.total,
            self.arms,
            rate * self.arms as f64,
            eta
        )
    }

    fn draw(&self) {
        const WIDTH: u64 = 30;
        let filled = (WIDTH * self.done).checked_div(self.total).unwrap_or(WIDTH);
        eprint!(
            "\r[{}{}] {}\x1b[K",
            "#".repeat(filled as usize),
            " ".repeat((WIDTH - filled) as usize),
            self.status()
        );
    }

    fn done(&self) {
        if self.tty && self.done > 0 {
            eprintln!();
        }
    }
}
