//! Seeded randomness: one ChaCha stream per subsystem, rule and seat.
//!
//! A stream is derived from (master seed, stream name): the seed keys ChaCha8 and a
//! 64-bit FNV-1a hash of the name selects ChaCha's stream. Adding a bot or a noise
//! source therefore never shifts the draws of the attacker or of another rule.
//! Draws are built from `next_u64` only, so they do not depend on the sampling
//! algorithms of a `rand` version.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::scenario::Timing;

/// A named random stream.
#[derive(Debug, Clone)]
pub struct Stream(ChaCha8Rng);

impl Stream {
    /// The stream `name` under `seed`.
    pub fn new(seed: u64, name: &str) -> Stream {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(fnv1a(name));
        Stream(rng)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in [0, n); 0 when n is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // Multiply-shift maps 64 random bits onto [0, n) without a division.
        ((self.0.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in [lo, hi] (inclusive).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + ((self.0.next_u64() as u128 * (hi - lo + 1) as u128) >> 64) as u64
    }

    /// Exponential with the given mean, rounded to whole seconds and capped at 10¹²
    /// (past any exercise's end). An infinite mean (a rate that rounds to nothing) is
    /// that cap: never, not at once.
    pub fn exponential(&mut self, mean: f64) -> u64 {
        let u = 1.0 - self.unit();
        let x = -mean * u.ln();
        if x.is_finite() {
            whole_seconds(x).min(1_000_000_000_000)
        } else if mean > 0.0 {
            1e12 as u64
        } else {
            0
        }
    }

    /// A draw from a timing distribution, in whole seconds.
    pub fn timing(&mut self, t: Timing) -> u64 {
        match t {
            Timing::Fixed(s) => s,
            Timing::Uniform(lo, hi) => self.between(lo, hi),
            Timing::Exponential(mean) => self.exponential(mean as f64),
        }
    }
}

/// `x` rounded to whole seconds as `f64::round` rounds (halves away from zero), then
/// converted as `as u64` converts (below 0 and NaN give 0, past `u64::MAX` saturates),
/// without the library call `round` is on a CPU without SSE4.1: every action's
/// duration goes through here. Exact: below 2⁵² taking the whole part off `x` loses
/// nothing, and from 2⁵² on `x` is whole already.
pub fn whole_seconds(x: f64) -> u64 {
    let whole = x as u64;
    if x - whole as f64 >= 0.5 {
        whole.saturating_add(1)
    } else {
        whole
    }
}

/// 64-bit FNV-1a: small, stable, and specified, so stream names map the same forever.
pub fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_that_rounds_to_nothing_never_fires() {
        let mut s = Stream::new(1, "noise");
        // 3600 s / a subnormal rate per hour is an infinite mean gap.
        let mean: f64 = 3600.0 / 1e-320;
        assert!(mean.is_infinite());
        for _ in 0..100 {
            assert!(s.exponential(mean) >= 1_000_000_000_000);
        }
        assert_eq!(s.exponential(0.0), 0);
    }

    #[test]
    fn whole_seconds_rounds_as_round_does() {
        let mut s = Stream::new(3, "round");
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -0.5,
            -1.7,
            0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_497.0,
            1e12,
            1e19,
            1.9e19,
            1e300,
            f64::NAN,
            f64::INFINITY,
        ];
        for _ in 0..100_000 {
            let base = s.between(0, 200_000) as f64;
            values.push(base * (0.5 + s.unit()));
            values.push(base + 0.5);
            values.push(s.unit() * 1e6);
        }
        for x in values {
            assert_eq!(whole_seconds(x), x.round() as u64, "{x}");
        }
    }

    #[test]
    fn streams_are_independent_and_repeatable() {
        let a: Vec<u64> = (0..4)
            .map(|_| Stream::new(7, "attack").between(0, 1000))
            .collect();
        let mut s = Stream::new(7, "attack");
        let b: Vec<u64> = (0..4).map(|_| s.between(0, 1000)).collect();
        assert!(
            a.iter().all(|&x| x == a[0]),
            "a fresh stream starts at the same draw"
        );
        assert_eq!(b[0], a[0]);
        let mut other = Stream::new(7, "noise/edr");
        let c: Vec<u64> = (0..4).map(|_| other.between(0, 1000)).collect();
        assert_ne!(b, c, "different names give different streams");
        let mut s = Stream::new(1, "x");
        for _ in 0..1000 {
            let u = s.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(s.below(3) < 3);
        }
    }
}
