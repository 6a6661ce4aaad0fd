//! Simulated time: [`SimTime`], an instant on the exercise's timeline (seconds from
//! T+0, the only clock the simulation has), and the one set of formatters for the core,
//! the reports and every front end (the browser formats the seconds it is sent the same
//! way, `T+h:mm:ss`).
//!
//! A point in simulated time is a `SimTime`; a length of time (a latency, a lookback, a
//! dwell) is a plain `u64` of seconds. An instant plus a length is an instant, and the
//! span between two instants is a length ([`SimTime::since`]).

use std::fmt;
use std::ops::{Add, AddAssign};

use serde::{Deserialize, Serialize};

/// An instant of simulated time: seconds since T+0.
///
/// It serialises as the bare number of seconds (`#[serde(transparent)]`), so journals,
/// results, the digest's canonical encoding and the live protocol read the same as
/// they did when times were plain integers. It displays as `T+1:05:30` ([`Self::hms`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(u64);

impl SimTime {
    /// T+0, the start of the exercise.
    pub const ZERO: SimTime = SimTime(0);

    /// The last representable instant: "to the end, whenever that is".
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `secs` seconds after T+0.
    pub const fn from_secs(secs: u64) -> SimTime {
        SimTime(secs)
    }

    /// Seconds since T+0.
    pub const fn secs(self) -> u64 {
        self.0
    }

    /// The span from `earlier` to this instant in seconds, or 0 if `earlier` is later.
    pub const fn since(self, earlier: SimTime) -> u64 {
        self.0.saturating_sub(earlier.0)
    }

    /// How far apart two instants are, in seconds, whichever comes first.
    pub const fn apart(self, other: SimTime) -> u64 {
        self.0.abs_diff(other.0)
    }

    /// `secs` seconds after this instant, or [`SimTime::MAX`] if that is past it.
    pub const fn saturating_add(self, secs: u64) -> SimTime {
        SimTime(self.0.saturating_add(secs))
    }

    /// `secs` seconds before this instant, or T+0 if that is before it.
    pub const fn saturating_sub(self, secs: u64) -> SimTime {
        SimTime(self.0.saturating_sub(secs))
    }

    /// `T+1h05m` (`T+12m30s`, `T+45s` within the first hour): reports and timelines.
    pub fn clock(self) -> String {
        format!("T+{}", span(self.0))
    }

    /// `T+1:05:30`, to the second (live consoles, refusals, log lines).
    pub fn hms(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for SimTime {
    /// `T+1:05:30`, as [`SimTime::hms`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(f, "T+{}:{:02}:{:02}", t / 3600, (t % 3600) / 60, t % 60)
    }
}

impl Add<u64> for SimTime {
    type Output = SimTime;

    /// `secs` seconds after this instant.
    fn add(self, secs: u64) -> SimTime {
        SimTime(self.0 + secs)
    }
}

impl AddAssign<u64> for SimTime {
    fn add_assign(&mut self, secs: u64) {
        self.0 += secs;
    }
}

/// `1h05m`, `12m30s` or `45s` for a span in seconds.
pub fn span(t: u64) -> String {
    let (h, m, s) = (t / 3600, (t % 3600) / 60, t % 60);
    if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{s:02}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_reads_as_documented() {
        let t = SimTime::from_secs(3930);
        assert_eq!(t.clock(), "T+1h05m");
        assert_eq!(t.hms(), "T+1:05:30");
        assert_eq!(t.to_string(), "T+1:05:30");
        assert_eq!(SimTime::from_secs(59).hms(), "T+0:00:59");
        assert_eq!(SimTime::ZERO.clock(), "T+0s");
        assert_eq!(span(750), "12m30s");
        assert_eq!(span(45), "45s");
        assert_eq!(span(0), "0s");
    }

    #[test]
    fn an_instant_and_a_length_add_and_two_instants_subtract_to_a_length() {
        let t = SimTime::from_secs(100);
        assert_eq!(t + 50, SimTime::from_secs(150));
        let mut u = t;
        u += 20;
        assert_eq!(u.secs(), 120);
        assert_eq!(u.since(t), 20);
        assert_eq!(t.since(u), 0);
        assert_eq!(t.saturating_sub(30), SimTime::from_secs(70));
        assert_eq!(t.saturating_sub(300), SimTime::ZERO);
        assert_eq!(SimTime::MAX.saturating_add(1), SimTime::MAX);
    }

    #[test]
    fn it_serialises_as_the_bare_number_of_seconds() {
        let t = SimTime::from_secs(3930);
        assert_eq!(serde_json::to_string(&t).unwrap(), "3930");
        assert_eq!(serde_json::from_str::<SimTime>("3930").unwrap(), t);
        assert_eq!(serde_json::to_string(&Some(t)).unwrap(), "3930");
    }
}
