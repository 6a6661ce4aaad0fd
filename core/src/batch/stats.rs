//! Small statistics for batch summaries: quantiles and a paired bootstrap.

use serde::{Deserialize, Serialize};

use crate::sim::rng::Stream;

/// How many resamples the bootstrap draws.
pub const RESAMPLES: usize = 1_000;

/// Median, 10th and 90th percentiles of a sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Dist {
    /// Values the figures are taken over.
    pub n: usize,
    /// 10th percentile.
    pub p10: Option<f64>,
    pub median: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
}

impl Dist {
    /// The distribution of `values` (any order; the slice is sorted in place).
    pub fn of(values: &mut [f64]) -> Dist {
        values.sort_by(f64::total_cmp);
        Dist {
            n: values.len(),
            p10: quantile_sorted(values, 0.1),
            median: quantile_sorted(values, 0.5),
            p90: quantile_sorted(values, 0.9),
        }
    }
}

/// Counts of each distinct value: exact quantiles in memory bounded by the number of
/// distinct values (whole seconds within an exercise, scores to one decimal), not by the
/// number of runs.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Histogram {
    counts: std::collections::BTreeMap<u64, u64>,
    n: u64,
}

impl Histogram {
    /// Adds another histogram's counts: the result is as if every value had been
    /// counted here.
    pub fn merge(&mut self, other: &Histogram) {
        for (&k, &c) in &other.counts {
            *self.counts.entry(k).or_insert(0) += c;
        }
        self.n += other.n;
    }

    /// Orders floats by `total_cmp` as unsigned integers.
    fn key(x: f64) -> u64 {
        let b = x.to_bits();
        if b >> 63 == 1 { !b } else { b | 1 << 63 }
    }

    fn value(k: u64) -> f64 {
        f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
    }

    /// Counts a value.
    pub fn add(&mut self, x: f64) {
        *self.counts.entry(Histogram::key(x)).or_insert(0) += 1;
        self.n += 1;
    }

    /// The `i`-th smallest value (0-based) and the one after it.
    fn order_stats(&self, i: u64) -> (f64, f64) {
        let mut seen = 0;
        let mut lo = None;
        for (&k, &c) in &self.counts {
            seen += c;
            if lo.is_none() && seen > i {
                lo = Some(Histogram::value(k));
            }
            if seen > i + 1 {
                return (lo.expect("set above"), Histogram::value(k));
            }
        }
        let last = self
            .counts
            .keys()
            .next_back()
            .map_or(0.0, |&k| Histogram::value(k));
        (lo.unwrap_or(last), last)
    }

    /// The `q` quantile, as [`quantile_sorted`] gives it for the same values.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let h = (self.n - 1) as f64 * q.clamp(0.0, 1.0);
        let i = h.floor() as u64;
        let (lo, hi) = self.order_stats(i);
        Some(lo + (h - i as f64) * (hi - lo))
    }

    /// Median, 10th and 90th percentiles.
    pub fn dist(&self) -> Dist {
        Dist {
            n: self.n as usize,
            p10: self.quantile(0.1),
            median: self.quantile(0.5),
            p90: self.quantile(0.9),
        }
    }
}

/// The `q` quantile of sorted values, interpolating linearly between order statistics
/// (Hyndman and Fan's type 7, the default of R and NumPy).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The median of `values`, reordering them.
pub fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (_, upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values[..mid]
        .iter()
        .copied()
        .max_by(f64::total_cmp)
        .expect("an even, non-empty sample has a lower half");
    Some((lower + upper) / 2.0)
}

/// A paired difference of medians (variant − baseline) with a 95% percentile bootstrap
/// interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedDiff {
    /// Seeds where both arms have a value.
    pub n: usize,
    /// Median of the baseline.
    pub baseline: Option<f64>,
    /// Median of the variant.
    pub variant: Option<f64>,
    /// `variant − baseline`.
    pub difference: Option<f64>,
    /// 2.5th percentile of the bootstrap differences.
    pub ci_low: Option<f64>,
    /// 97.5th percentile of the bootstrap differences.
    pub ci_high: Option<f64>,
}

/// Difference of medians between two paired samples (`None` where a run has no value:
/// such seeds are left out of both), with a bootstrap that resamples seeds — the same
/// seeds for both arms, so the interval reflects the pairing. Deterministic: the resamples
/// come from a named stream with a fixed seed.
pub fn paired_difference(baseline: &[Option<f64>], variant: &[Option<f64>]) -> PairedDiff {
    let pairs: Vec<(f64, f64)> = baseline
        .iter()
        .zip(variant)
        .filter_map(|(a, b)| Some(((*a)?, (*b)?)))
        .collect();
    let n = pairs.len();
    let mut a: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let mut b: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let (ma, mb) = (median(&mut a), median(&mut b));
    let difference = ma.zip(mb).map(|(x, y)| y - x);
    let (mut ci_low, mut ci_high) = (None, None);
    if n >= 2 {
        let mut rng = Stream::new(0, "batch/bootstrap");
        let mut diffs = Vec::with_capacity(RESAMPLES);
        for _ in 0..RESAMPLES {
            for i in 0..n {
                let j = rng.below(n);
                a[i] = pairs[j].0;
                b[i] = pairs[j].1;
            }
            if let (Some(x), Some(y)) = (median(&mut a), median(&mut b)) {
                diffs.push(y - x);
            }
        }
        diffs.sort_by(f64::total_cmp);
        ci_low = quantile_sorted(&diffs, 0.025);
        ci_high = quantile_sorted(&diffs, 0.975);
    }
    PairedDiff {
        n,
        baseline: ma,
        variant: mb,
        difference,
        ci_low,
        ci_high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), Some(2.5));
        assert!((quantile_sorted(&v, 0.1).unwrap() - 1.3).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.9).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile_sorted(&[7.0], 0.9), Some(7.0));
    }

    #[test]
    fn histogram_quantiles_equal_sorted_quantiles() {
        let values: Vec<f64> = (0..1_001)
            .map(|i| f64::from((i * 7_919) % 613) / 3.0 - 50.0)
            .collect();
        let mut h = Histogram::default();
        for &v in &values {
            h.add(v);
        }
        let mut sorted = values.clone();
        assert_eq!(h.dist(), Dist::of(&mut sorted));
        for q in [0.0, 0.025, 0.33, 0.5, 0.975, 1.0] {
            assert_eq!(h.quantile(q), quantile_sorted(&sorted, q), "q {q}");
        }
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn median_of_odd_and_even_samples() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn a_shift_is_found_and_bracketed() {
        let base: Vec<Option<f64>> = (0..200).map(|i| Some(f64::from(i % 37) * 10.0)).collect();
        let shifted: Vec<Option<f64>> = base.iter().map(|v| v.map(|x| x - 50.0)).collect();
        let d = paired_difference(&base, &shifted);
        assert_eq!(d.n, 200);
        assert_eq!(d.difference, Some(-50.0));
        // A constant shift of every pair moves every resample by exactly that much.
        assert_eq!(d.ci_low, Some(-50.0));
        assert_eq!(d.ci_high, Some(-50.0));
    }

    #[test]
    fn noise_gives_an_interval_around_zero_and_missing_pairs_are_dropped() {
        let base: Vec<Option<f64>> = (0..300)
            .map(|i| Some(f64::from((i * 7919) % 101)))
            .collect();
        let other: Vec<Option<f64>> = (0..300)
            .map(|i| (i % 10 != 0).then(|| f64::from((i * 104_729) % 101)))
            .collect();
        let d = paired_difference(&base, &other);
        assert_eq!(d.n, 270);
        let (lo, hi) = (d.ci_low.unwrap(), d.ci_high.unwrap());
        assert!(lo < hi, "{lo} < {hi}");
        assert!(
            lo <= 0.0 && hi >= 0.0,
            "same distribution: the interval holds 0"
        );
        // Same inputs, same interval.
        assert_eq!(paired_difference(&base, &other), d);
    }
}
