//! Throughput of headless exercises on one core, against a plain priority-queue floor.
//!
//! Prints, for the default scenario with expert bots: exercises per second (reusing one
//! world as `batch` does, and with a fresh world each), the time of each phase, simulated
//! events per second (while simulating, and over whole exercises), and the floor — the
//! same number of events pushed through and popped from a `BinaryHeap` with no ECS —
//! with the ratios. Figures only; it asserts nothing about time. Run with
//! `cargo bench --bench exercise`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use socdrill_core::script::Script;
use socdrill_core::{Exercise, bots, scenario};

/// The allocator the `socdrill` binary uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let scenario = Arc::new(
        scenario::load(scenario::DEFAULT_SCENARIO).expect("the default scenario is valid"),
    );
    let profile = bots::profile_named("expert").expect("expert profile ships");
    let script = Script::default();
    let budget = Duration::from_secs(
        std::env::var("SOCDRILL_BENCH_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3),
    );

    // Warm up caches and the allocator.
    for seed in 0..20 {
        let mut ex = Exercise::new(scenario.clone(), seed, profile, &script);
        ex.run_to_end();
        black_box(ex.journal().lines.len());
    }

    // socdrill: a fresh exercise (world, seats, agenda) per seed, run to the end, scored.
    let mut runs = 0u64;
    let mut events = 0u64;
    let mut lines = 0u64;
    let start = Instant::now();
    while start.elapsed() < budget {
        let mut ex = Exercise::new(scenario.clone(), 1000 + runs, profile, &script);
        ex.run_to_end();
        black_box(ex.results().digest);
        events += ex.events_fired();
        lines += ex.journal().lines.len() as u64;
        runs += 1;
    }
    let total = start.elapsed().as_secs_f64();
    let per_run_events = events as f64 / runs as f64;
    // The digest's share of scoring: the canonical encoding and SHA-256; and, beside
    // it, what writing the journal as JSON lines (`--out`) costs.
    let mut probe = Exercise::new(scenario.clone(), 1000, profile, &script);
    probe.run_to_end();
    let t = Instant::now();
    for _ in 0..500 {
        black_box(probe.journal().digest());
    }
    let digest_us = t.elapsed().as_secs_f64() * 1e6 / 500.0;
    let t = Instant::now();
    let mut bytes = 0;
    for _ in 0..500 {
        bytes = black_box(probe.journal().to_jsonl()).len();
    }
    let json_us = t.elapsed().as_secs_f64() * 1e6 / 500.0;

    // Floor: the same events through a plain binary heap, (time, seq) ordered.
    let mut heap: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut popped = 0u64;
    let floor_start = Instant::now();
    while popped < events {
        let n = per_run_events.round() as u64;
        let mut t = 0u64;
        for seq in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            heap.push(Reverse((t + x % 600, seq, (x >> 32) as u32)));
            if seq % 2 == 1
                && let Some(Reverse((at, _, _))) = heap.pop()
            {
                t = at;
                popped += 1;
            }
        }
        while let Some(e) = heap.pop() {
            black_box(e);
            popped += 1;
        }
    }
    let floor_secs = floor_start.elapsed().as_secs_f64();

    // The same seeds again, reusing one world (what `socdrill batch` does), each phase
    // timed on its own.
    let mut reused = Exercise::new(scenario.clone(), 0, profile, &script);
    let (mut reset_t, mut run_t, mut score_t) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut reuse_events = 0u64;
    let t = Instant::now();
    for seed in 0..runs {
        let t0 = Instant::now();
        reused.reset(1000 + seed, profile, &script);
        let t1 = Instant::now();
        reused.run_to_end();
        let t2 = Instant::now();
        black_box(reused.results().digest);
        score_t += t2.elapsed();
        run_t += t2 - t1;
        reset_t += t1 - t0;
        reuse_events += reused.events_fired();
    }
    let reuse_secs = t.elapsed().as_secs_f64();
    let reuse_per_s = runs as f64 / reuse_secs;
    let us = |d: Duration| d.as_secs_f64() * 1e6 / runs as f64;

    let ex_per_s = runs as f64 / total;
    // Events per second of simulating them: the run itself, world already set up.
    let ev_per_s = reuse_events as f64 / run_t.as_secs_f64();
    // And over the whole exercise: reset, simulate, score, digest.
    let ev_per_s_whole = reuse_events as f64 / reuse_secs;
    let floor_ev_per_s = popped as f64 / floor_secs;
    let t = Instant::now();
    for seed in 0..500 {
        black_box(Exercise::new(scenario.clone(), seed, profile, &script));
    }
    let setup_us = t.elapsed().as_secs_f64() * 1e6 / 500.0;
    println!(
        "socdrill bench — default scenario ({}), expert bots, one core",
        scenario.id
    );
    println!(
        "  events per exercise      {per_run_events:.0} ({:.0} journal lines)",
        lines as f64 / runs as f64
    );
    println!(
        "  exercises per second     {reuse_per_s:.0} reusing one world, as `batch` does (reset + simulate + score + digest), over {runs} seeds"
    );
    println!(
        "  exercises per second     {ex_per_s:.0} with a fresh world each ({setup_us:.0} µs of it building the world)"
    );
    println!(
        "  per reused exercise      reset {:.0} µs, simulate {:.0} µs, score + digest {:.0} µs (digest {digest_us:.0} µs: canonical encoding + SHA-256)",
        us(reset_t),
        us(run_t),
        us(score_t)
    );
    println!(
        "  journal as JSON lines    {json_us:.0} µs for its {bytes} bytes (written by `run --out`, not part of a batch exercise)"
    );
    println!(
        "  simulated events/second  {ev_per_s:.0} simulating; {ev_per_s_whole:.0} over whole exercises"
    );
    println!("  floor (BinaryHeap only)  {floor_ev_per_s:.0} events/second");
    println!(
        "  ratio floor/socdrill     {:.1}× simulating, {:.1}× over whole exercises (the cost of the ECS, bots and journal over a bare event queue)",
        floor_ev_per_s / ev_per_s,
        floor_ev_per_s / ev_per_s_whole
    );
}
