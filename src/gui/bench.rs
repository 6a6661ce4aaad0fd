//! `--bench-frames N`: frame-time figures for the benchmark.

use bevy::prelude::*;

use super::game::*;

/// Measures frame times and closes after N frames.
pub(super) struct BenchPlugin;

impl Plugin for BenchPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Update, bench_frames.in_set(Frame::Bench));
    }
}

/// `--bench-frames N`: prints frame-time figures after N frames and closes.
pub(super) fn bench_frames(
    time: Res<Time>,
    mut game: NonSendMut<Game>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some((n, times, started)) = game.bench.as_mut() else {
        return;
    };
    times.push(time.delta_secs_f64() * 1e3);
    if times.len() as u32 >= *n {
        let mut t: Vec<f64> = times.iter().skip(10).copied().collect();
        t.sort_by(f64::total_cmp);
        let q = |p: f64| t[((t.len() - 1) as f64 * p).round() as usize];
        println!(
            "frames {} in {:.1} s · frame time p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms",
            times.len(),
            started.elapsed().as_secs_f64(),
            q(0.5),
            q(0.99),
            t[t.len() - 1]
        );
        exit.write(AppExit::Success);
    }
}
