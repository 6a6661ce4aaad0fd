//! Throughput of headless exercises on one core, against a plain priority-queue floor.
//!
//! Prints, for the default scenario with expert bots: exercises per second, simulated
//! events per second, and the floor — the same number of events pushed through and
//! popped from a `BinaryHeap` with no ECS — with the ratio of the two. Figures only; it
//! asserts nothing about time. Run with `cargo bench --bench exercise`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use socdrill::script::Script;
use socdrill::{Exercise, bots, scenario};

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
    let mut sim_time = Duration::ZERO;
    let mut score_time = Duration::ZERO;
    let start = Instant::now();
    while start.elapsed() < budget {
        let t0 = Instant::now();
        let mut ex = Exercise::new(scenario.clone(), 1000 + runs, profile, &script);
        ex.run_to_end();
        let t1 = Instant::now();
        let r = ex.results();
        score_time += t1.elapsed();
        sim_time += t1 - t0;
        black_box(&r.digest);
        events += ex.events_fired();
        lines += ex.journal().lines.len() as u64;
        runs += 1;
    }
    let total = start.elapsed().as_secs_f64();
    let per_run_events = events as f64 / runs as f64;
    // The digest's share of scoring: JSON lines and SHA-256.
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

    // The same seeds again, reusing one world.
    let mut reused = Exercise::new(scenario.clone(), 0, profile, &script);
    let t = Instant::now();
    for seed in 0..runs {
        reused.reset(1000 + seed, profile, &script);
        reused.run_to_end();
        black_box(reused.results().digest);
    }
    let reuse_per_s = runs as f64 / t.elapsed().as_secs_f64();

    let ex_per_s = runs as f64 / total;
    let ev_per_s = events as f64 / sim_time.as_secs_f64();
    let floor_ev_per_s = popped as f64 / floor_secs;
    let t = Instant::now();
    for seed in 0..500 {
        black_box(Exercise::new(scenario.clone(), seed, profile, &script));
    }
    println!(
        "  setup only               {:.0} µs per exercise",
        t.elapsed().as_secs_f64() * 1e6 / 500.0
    );
    println!(
        "socdrill bench — default scenario ({}), expert bots, one core",
        scenario.id
    );
    println!("  exercises run            {runs} in {total:.2} s");
    println!(
        "  events per exercise      {per_run_events:.0} ({:.0} journal lines)",
        lines as f64 / runs as f64
    );
    println!(
        "  exercises per second     {ex_per_s:.0} fresh world each (build + simulate + score + digest)"
    );
    println!("  exercises per second     {reuse_per_s:.0} reusing one world");
    println!(
        "  simulate only            {:.0} µs per exercise",
        1e6 * sim_time.as_secs_f64() / runs as f64
    );
    println!(
        "  digest only              {digest_us:.0} µs per exercise (JSON lines + SHA-256); serialising its {bytes} bytes of JSON alone {json_us:.0} µs"
    );
    println!(
        "  score + digest only      {:.0} µs per exercise",
        1e6 * score_time.as_secs_f64() / runs as f64
    );
    println!("  simulated events/second  {ev_per_s:.0}");
    println!("  floor (BinaryHeap only)  {floor_ev_per_s:.0} events/second");
    println!(
        "  ratio floor/socdrill     {:.1}× (the cost of the ECS, bots, journal over a bare event queue)",
        floor_ev_per_s / ev_per_s
    );
}
