//! Batch figures: scaling over 1 and 2 jobs, peak memory as the number of seeds grows,
//! and the scale scenario (an MSSP with 50 tenants, 5,000 hosts, 24 simulated hours and
//! about 1,000 benign alerts an hour, bots in every seat). Figures only; it asserts
//! nothing about time. Run with `cargo bench --bench batch`.
//!
//! Also: what recording every exercise in the history costs against the batch that
//! makes them, and what merging the partial summaries of a sharded batch of 10⁶ seeds
//! costs.
//!
//! `SOCDRILL_BENCH_SEEDS` sets the scaling batch (default 4,000 seeds),
//! `SOCDRILL_BENCH_MEMORY_SEEDS` the largest memory batch (default 100,000) and
//! `SOCDRILL_BENCH_MERGE_SEEDS` the sharded batch (default 1,000,000).

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use socdrill_core::batch::{self, Accumulator, Arm, Seeds};
use socdrill_core::script::Script;
use socdrill_core::{Exercise, Team, bots, scenario};

/// The allocator the `socdrill` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCALE: &str = include_str!("scale.ron");

/// The binary's history module, measured as `socdrill batch` uses it.
#[path = "../src/history.rs"]
#[allow(dead_code, reason = "the bench uses only the batch writer")]
mod history;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Peak resident memory of this process since the last [`reset_peak`], in MiB (Linux).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Starts a new peak (Linux: writing 5 to clear_refs resets VmHWM).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mib(v: Option<f64>) -> String {
    v.map_or("n/a".into(), |m| format!("{m:.1} MiB"))
}

/// Runs a batch on one job and keeps its records: (seconds, records).
fn batch_records(arms: &[Arm], seeds: Seeds) -> (f64, Vec<batch::Record>) {
    let stop = AtomicBool::new(false);
    let mut kept = Vec::new();
    let t = Instant::now();
    batch::run(arms, seeds, 1, &stop, |records| kept.extend(records));
    (t.elapsed().as_secs_f64(), kept)
}

/// Recording a batch's exercises in a fresh history, as `socdrill batch` does: seconds.
fn history_seconds(records: &[batch::Record]) -> f64 {
    let dir = std::env::temp_dir().join(format!("socdrill-bench-history-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut h = history::History::open(&dir.join("h.sqlite")).expect("a fresh history opens");
    let t = Instant::now();
    let mut w = h.batch_writer(history::BatchMeta {
        recorded_at: "2026-01-01T00:00:00Z".into(),
        run_dir: None,
        scenario: "bench".into(),
        title: "bench".into(),
        scenario_sha256: String::new(),
        team: Some("bench".into()),
        bots: "expert".into(),
    });
    for r in records {
        w.add(r).expect("recorded");
    }
    w.flush().expect("recorded");
    drop(w);
    let secs = t.elapsed().as_secs_f64();
    drop(h);
    let _ = std::fs::remove_dir_all(&dir);
    secs
}

/// A sharded batch of `seeds` seeds in `shards` partial summaries (the accumulators fed
/// the measured records over and over), written and merged as `batch --shard` and
/// `batch-merge` do: (bytes of partials, seconds to write them, seconds to read, check,
/// merge and summarise them).
fn merge_cost(
    arms: &[Arm],
    records: &[batch::Record],
    seeds: u64,
    shards: u64,
) -> (usize, f64, f64) {
    let whole = Seeds {
        first: 1,
        count: seeds,
    };
    let mut texts = Vec::new();
    let mut write = 0.0;
    let mut k = 0;
    for index in 0..shards {
        let shard = batch::Shard {
            index,
            count: shards,
        };
        let block = shard.block(whole);
        let mut acc = Accumulator::new(arms);
        acc.keep_run_digests();
        for _ in 0..block.count {
            acc.add(std::slice::from_ref(&records[k % records.len()]));
            k += 1;
        }
        let t = Instant::now();
        let partial = batch::Partial {
            schema: batch::PARTIAL_SCHEMA.into(),
            inputs: "bench".into(),
            scenario: "bench".into(),
            title: "bench".into(),
            bots: "expert".into(),
            first_seed: whole.first,
            seed_count: whole.count,
            shard,
            block_first: block.first,
            block_count: block.count,
            accumulator: acc,
        };
        texts.push(serde_json::to_string(&partial).expect("partials serialise"));
        write += t.elapsed().as_secs_f64();
    }
    let bytes = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let parts: Vec<(String, batch::Partial)> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            (
                format!("shard {i}"),
                serde_json::from_str(text).expect("partials read back"),
            )
        })
        .collect();
    let merged = batch::Partial::merge(parts).expect("the shards merge");
    std::hint::black_box(serde_json::to_string(&merged.summary()).expect("summary"));
    (bytes, write, t.elapsed().as_secs_f64())
}

/// Runs a batch as `socdrill batch` does, streaming every record as a JSON line to a
/// sink; returns exercises per second.
fn batch_rate(arms: &[Arm], seeds: Seeds, jobs: usize) -> f64 {
    let stop = AtomicBool::new(false);
    let mut acc = Accumulator::new(arms);
    let mut sink = std::io::sink();
    let t = Instant::now();
    batch::run(arms, seeds, jobs, &stop, |records| {
        for r in &records {
            serde_json::to_writer(&mut sink, r).expect("records serialise");
            let _ = sink.write_all(b"\n");
        }
        acc.add(&records);
    });
    let secs = t.elapsed().as_secs_f64();
    std::hint::black_box(acc.summary(&arms[0].scenario, "expert", seeds));
    (seeds.count as f64 * arms.len() as f64) / secs
}

fn main() {
    let expert = bots::profile_named("expert").expect("expert profile ships");
    let default = Arc::new(
        scenario::load(scenario::DEFAULT_SCENARIO).expect("the default scenario is valid"),
    );
    let arms = vec![Arm {
        name: "baseline".into(),
        description: String::new(),
        changes: Vec::new(),
        scenario: default.clone(),
        team: Team::uniform(expert),
    }];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let seeds = env("SOCDRILL_BENCH_SEEDS", 4_000);
    println!(
        "socdrill batch bench — default scenario ({}), expert bots, {cores} core(s)",
        default.id
    );
    let one = batch_rate(
        &arms,
        Seeds {
            first: 1,
            count: seeds,
        },
        1,
    );
    let two = batch_rate(
        &arms,
        Seeds {
            first: 1,
            count: seeds,
        },
        2,
    );
    println!("  batch, 1 job              {one:.0} exercises/s ({seeds} seeds)");
    println!(
        "  batch, 2 jobs             {two:.0} exercises/s ({:.2}× the 1-job rate)",
        two / one
    );

    let largest = env("SOCDRILL_BENCH_MEMORY_SEEDS", 100_000);
    let mut n = 1_000.min(largest);
    loop {
        reset_peak();
        let rate = batch_rate(&arms, Seeds { first: 1, count: n }, cores);
        println!(
            "  peak memory, {n:>7} seeds {} ({rate:.0} exercises/s on {cores} job(s))",
            mib(peak_mib())
        );
        if n >= largest {
            break;
        }
        n = (n * 10).min(largest);
    }

    let scale =
        Arc::new(scenario::load(SCALE).unwrap_or_else(|d| {
            panic!("benches/scale.ron is invalid:\n{}", d.render("scale.ron"))
        }));
    let seats: u32 = scenario::ALL_ROLES
        .iter()
        .map(|r| scale.seats_for(*r))
        .sum();
    let hosts = scale.hosts.len();
    let runs = env("SOCDRILL_BENCH_SCALE_RUNS", 5);
    reset_peak();
    let mut ex = Exercise::new(scale.clone(), 1, expert, &Script::default());
    let mut events = 0;
    let t = Instant::now();
    for seed in 1..=runs {
        ex.reset(seed, expert, &Script::default());
        ex.run_to_end();
        events += ex.events_fired();
        std::hint::black_box(ex.results().digest);
    }
    let per = t.elapsed().as_secs_f64() / runs as f64;
    println!(
        "  scale scenario            {} tenants, {hosts} hosts, {seats} bot seats, {} h: {:.3} s per exercise ({:.0} events each, {:.0} events/s), peak {}",
        scale.tenants.len(),
        scale.time_limit / 3600,
        per,
        events as f64 / runs as f64,
        events as f64 / runs as f64 / per,
        mib(peak_mib())
    );
    // Last: the merge below holds 10⁶ seeds' partials at once, which would swell the
    // peak memory figures above.
    // The history: every exercise of a batch recorded, against `socdrill batch` on one
    // job making and streaming them (the rate above), and against simulating them
    // alone. On more jobs the recording thread runs beside the simulating ones.
    let (sim_secs, records) = batch_records(
        &arms,
        Seeds {
            first: 1,
            count: seeds,
        },
    );
    let record_secs = history_seconds(&records);
    let batch_secs = records.len() as f64 / one;
    println!(
        "  history                   recording {} exercises takes {:.3} s: {:.2}% of the 1-job batch above ({:.3} s), {:.2}% of simulating them alone ({:.3} s)",
        records.len(),
        record_secs,
        100.0 * record_secs / batch_secs,
        batch_secs,
        100.0 * record_secs / sim_secs,
        sim_secs
    );
    let merge_seeds = env("SOCDRILL_BENCH_MERGE_SEEDS", 1_000_000);
    let (bytes, write, merge) = merge_cost(&arms, &records, merge_seeds, 8);
    println!(
        "  shard merge               {merge_seeds} seeds in 8 partials ({:.1} MiB): writing them {write:.2} s, reading, checking, merging and summarising {merge:.2} s",
        bytes as f64 / 1048576.0
    );
}
