//! Storing a measured par (and what a typical team reaches) in a scenario's text,
//! leaving the rest of the file as written.

use super::diag::Diagnostics;
use super::format::RawScenario;

/// Seeds par is measured over: the same for every scenario, so pars compare.
pub const PAR_SEEDS: std::ops::RangeInclusive<u64> = 200..=219;

/// The bot profile par is measured with.
pub const PAR_PROFILE: &str = "expert";

/// The bot profile a typical team is measured with.
pub const TYPICAL_PROFILE: &str = "competent";

/// Returns `src` with its top-level `par:` set to `par` (rounded to one decimal), added
/// before the scenario's closing parenthesis when it has none. Comments, layout and every
/// other field stay as written. The result is parsed again to prove it reads back.
pub fn with_par(src: &str, par: f64) -> Result<String, Diagnostics> {
    // Scenario files are read with implicit `Some`, so the bare number is what authors write.
    let out = with_field(src, "par", &format!("{:.1}", round1(par)))?;
    let raw = super::parse::<RawScenario>(&out, "a scenario")?;
    debug_assert_eq!(
        raw.par.map(|p| format!("{p:.1}")),
        Some(format!("{:.1}", round1(par)))
    );
    Ok(out)
}

/// Returns `src` with its top-level `typical:` set to `(low, high)` (each rounded to one
/// decimal), the same way [`with_par`] stores par.
pub fn with_typical(src: &str, (low, high): (f64, f64)) -> Result<String, Diagnostics> {
    let out = with_field(
        src,
        "typical",
        &format!("({:.1}, {:.1})", round1(low), round1(high)),
    )?;
    super::parse::<RawScenario>(&out, "a scenario")?;
    Ok(out)
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Sets the top-level field `name` to the RON text `value`, replacing its value where the
/// field exists and adding it before the closing parenthesis where it does not.
fn with_field(src: &str, name: &str, value: &str) -> Result<String, Diagnostics> {
    let tokens = top_level(src, name);
    if let Some(&(start, end)) = tokens.value.as_ref() {
        return Ok(format!("{}{value}{}", &src[..start], &src[end..]));
    }
    let close = tokens.close.ok_or_else(|| {
        super::parse::<RawScenario>(src, "a scenario")
            .err()
            .unwrap_or_else(|| Diagnostics(Vec::new()))
    })?;
    let head = src[..close].trim_end();
    let comma = if head.ends_with(',') || head.ends_with('(') {
        ""
    } else {
        ","
    };
    Ok(format!(
        "{head}{comma}\n    {name}: {value},\n{}",
        src[close..].trim_start_matches([' ', '\t', '\n', '\r'])
    ))
}

#[derive(Default)]
struct TopLevel {
    /// Byte range of the value after the top-level field asked for.
    value: Option<(usize, usize)>,
    /// Byte offset of the parenthesis closing the scenario.
    close: Option<usize>,
}

/// Scans RON text for the top-level field `name` and the closing parenthesis, skipping
/// strings and comments.
fn top_level(src: &str, name: &str) -> TopLevel {
    let b = src.as_bytes();
    let mut out = TopLevel::default();
    let mut depth = 0usize;
    let mut i = 0;
    let mut value_start: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                if depth == 1 {
                    if let Some(s) = value_start.take() {
                        out.value = Some((s, trim_end_at(src, i)));
                    }
                    if b[i] == b')' {
                        out.close = Some(i);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            b',' if depth == 1 => {
                if let Some(s) = value_start.take() {
                    out.value = Some((s, trim_end_at(src, i)));
                }
            }
            c if depth == 1
                && c == name.as_bytes()[0]
                && src[i..].starts_with(name)
                && !is_ident(b.get(i + name.len()).copied())
                && (i == 0 || !is_ident(Some(b[i - 1]))) =>
            {
                let rest = &src[i + name.len()..];
                let colon = rest.len() - rest.trim_start().len();
                if rest.trim_start().starts_with(':') {
                    let after = i + name.len() + colon + 1;
                    let ws = src[after..].len() - src[after..].trim_start().len();
                    value_start = Some(after + ws);
                    i = after;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn trim_end_at(src: &str, end: usize) -> usize {
    src[..end].trim_end().len()
}

fn is_ident(c: Option<u8>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "// a scenario\nScenario(\n    id: \"x\", // the id\n    par: None,\n    comparison: \"par: 3\",\n)\n";

    #[test]
    fn replaces_an_existing_par_and_keeps_comments() {
        let scan = top_level(BASE, "par");
        let (s, e) = scan.value.unwrap();
        assert_eq!(&BASE[s..e], "None");
        let text = format!("{}Some(81.8){}", &BASE[..s], &BASE[e..]);
        assert!(text.contains("// the id"));
        assert!(text.contains("comparison: \"par: 3\""));
    }

    #[test]
    fn finds_the_closing_parenthesis_past_strings_and_comments() {
        let src = "Scenario(\n  id: \"a)b\", /* ) */ tags: [\"(\"],\n)\n";
        let scan = top_level(src, "par");
        assert_eq!(scan.value, None);
        assert_eq!(scan.close, Some(src.rfind(')').unwrap()));
    }

    #[test]
    fn the_default_scenario_takes_a_new_par_and_still_loads() {
        let src = crate::scenario::DEFAULT_SCENARIO;
        let out = with_par(src, 77.04).expect("the default scenario is valid RON");
        let raw: RawScenario = crate::scenario::parse(&out, "a scenario").unwrap();
        assert_eq!(raw.par, Some(77.0));
        crate::scenario::load(&out).expect("still a valid scenario");
        // Storing again replaces instead of adding a second field.
        let again = with_par(&out, 80.0).unwrap();
        assert_eq!(again.matches("par:").count(), out.matches("par:").count());
        let raw: RawScenario = crate::scenario::parse(&again, "a scenario").unwrap();
        assert_eq!(raw.par, Some(80.0));
        // The typical band goes in beside it the same way, and is replaced likewise.
        let typical = with_typical(&again, (41.24, 55.06)).unwrap();
        let raw: RawScenario = crate::scenario::parse(&typical, "a scenario").unwrap();
        assert_eq!((raw.par, raw.typical), (Some(80.0), Some((41.2, 55.1))));
        let twice = with_typical(&typical, (40.0, 50.0)).unwrap();
        assert_eq!(twice.matches("typical:").count(), 1);
        crate::scenario::load(&twice).expect("still a valid scenario");
    }
}
