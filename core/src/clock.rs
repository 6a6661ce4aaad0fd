//! Simulated time in words: seconds from T+0, the only clock the simulation has. One
//! set of formatters for the core, the reports and every front end (the browser formats
//! seconds it is sent the same way, `T+h:mm:ss`).

/// `T+1h05m` for a time in seconds (reports, timelines).
pub fn clock(t: u64) -> String {
    format!("T+{}", span(t))
}

/// `T+1:05:30` for a time in seconds, to the second (live consoles, refusals, log
/// lines).
pub fn clock_hms(t: u64) -> String {
    format!("T+{}:{:02}:{:02}", t / 3600, (t % 3600) / 60, t % 60)
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
        assert_eq!(clock(3930), "T+1h05m");
        assert_eq!(clock_hms(3930), "T+1:05:30");
        assert_eq!(clock_hms(59), "T+0:00:59");
        assert_eq!(span(750), "12m30s");
        assert_eq!(span(45), "45s");
        assert_eq!(span(0), "0s");
    }
}
