//! The catalogue of ordinary activity (`assets/benign.ron`): cue profiles and the lines
//! benign records and alerts say.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Odds;
use crate::scenario::format::{ObservableKind, Privilege, SourceKind};

/// A cue profile: the odds of each cue on one kind of benign activity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Name lines refer to it by.
    pub name: String,
    /// First seen on the host.
    pub first_seen: f64,
    /// Rare in the organisation.
    pub rare: f64,
    /// Unusual parent, client or method.
    pub unusual_parent: f64,
    /// New external destination.
    pub new_destination: f64,
    /// Unusual volume.
    pub volume: f64,
    /// An odd detail in the line (default 0.05).
    #[serde(default = "odd_detail")]
    pub odd_detail: f64,
    /// How common this kind of activity is against the others (default 1): a line is
    /// picked in proportion to its profile's weight, so everyday work outnumbers the
    /// odd admin session.
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

fn odd_detail() -> f64 {
    0.05
}

impl Profile {
    /// Its odds.
    pub fn odds(&self) -> Odds {
        Odds {
            first_seen: self.first_seen,
            rare: self.rare,
            unusual_parent: self.unusual_parent,
            new_destination: self.new_destination,
            volume: self.volume,
            odd_detail: self.odd_detail,
        }
    }
}

/// One line as the catalogue file writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    kinds: Vec<SourceKind>,
    #[serde(default)]
    techniques: Vec<String>,
    profile: String,
    #[serde(default)]
    account: Option<Privilege>,
    #[serde(default)]
    indicator: Vec<ObservableKind>,
    text: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    profiles: Vec<Profile>,
    lines: Vec<RawLine>,
}

/// A benign line, ready to use.
#[derive(Debug, Clone, PartialEq)]
pub struct BenignLine {
    /// Kinds of log that carry it.
    pub kinds: Vec<SourceKind>,
    /// Only this data source carries it (a scenario's own line), when set.
    pub source: Option<usize>,
    /// Techniques whose rules fire on it; empty for ordinary activity.
    pub techniques: Vec<String>,
    /// Index of its cue profile.
    pub profile: usize,
    /// The privilege of the account it runs as, when that matters.
    pub account: Option<Privilege>,
    /// Indicator kinds `{indicator}` stands for; empty when the text names none.
    pub indicator: Vec<ObservableKind>,
    /// The text with its fill-ins.
    pub text: String,
}

/// The shipped catalogue.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Catalogue {
    /// Cue profiles.
    pub profiles: Vec<Profile>,
    pub lines: Vec<BenignLine>,
}

const BENIGN: &str = include_str!("../../../assets/benign.ron");

impl Catalogue {
    /// The shipped catalogue, read once.
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            Catalogue::parse(BENIGN).expect("assets/benign.ron is valid (checked by a unit test)")
        })
    }

    /// Reads a catalogue, naming the first problem.
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let raw: RawCatalogue = crate::scenario::parse(text, "the benign catalogue")
            .map_err(|d| d.render("assets/benign.ron"))?;
        let profile = |name: &str| raw.profiles.iter().position(|p| p.name == name);
        let mut lines = Vec::with_capacity(raw.lines.len());
        for (n, l) in raw.lines.iter().enumerate() {
            let Some(p) = profile(&l.profile) else {
                return Err(format!("line {n}: no profile {:?}", l.profile));
            };
            check_text(&l.text, !l.indicator.is_empty()).map_err(|e| format!("line {n}: {e}"))?;
            lines.push(BenignLine {
                kinds: l.kinds.clone(),
                source: None,
                techniques: l.techniques.clone(),
                profile: p,
                account: l.account,
                indicator: l.indicator.clone(),
                text: l.text.clone(),
            });
        }
        Ok(Catalogue {
            profiles: raw.profiles,
            lines,
        })
    }

    /// The index of a profile by name.
    pub fn profile(&self, name: &str) -> Option<usize> {
        self.profiles.iter().position(|p| p.name == name)
    }
}

/// Checks a line's fill-ins: only known ones, and `{indicator}` exactly when the line
/// says which indicator kinds it stands for.
pub fn check_text(text: &str, names_indicator: bool) -> Result<(), String> {
    let mut rest = text;
    let mut has_indicator = false;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("an unclosed fill-in in {text:?}"))?;
        let key = &after[..close];
        if !super::FILL_INS.contains(&key) {
            return Err(format!(
                "unknown fill-in {{{key}}} in {text:?}: use {}",
                super::FILL_INS.map(|k| format!("{{{k}}}")).join(", ")
            ));
        }
        has_indicator |= key == "indicator";
        rest = &after[close + 1..];
    }
    match (has_indicator, names_indicator) {
        (true, false) => Err(format!(
            "{text:?} names {{indicator}} but gives no indicator kinds"
        )),
        (false, true) => Err(format!(
            "{text:?} gives indicator kinds but never names {{indicator}}"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped catalogue reads, and every kind of log has ordinary lines, with and
    /// without an indicator.
    #[test]
    fn the_shipped_catalogue_covers_every_kind_of_log() {
        let c = Catalogue::get();
        use SourceKind::*;
        for kind in [
            Edr,
            EmailGateway,
            Proxy,
            Dns,
            Identity,
            CloudAudit,
            Firewall,
            WebServer,
            WindowsEvents,
        ] {
            let ordinary: Vec<&BenignLine> = c
                .lines
                .iter()
                .filter(|l| l.kinds.contains(&kind) && l.techniques.is_empty())
                .collect();
            assert!(
                ordinary.iter().any(|l| l.indicator.is_empty()),
                "{kind:?}: an ordinary line"
            );
            assert!(
                ordinary.iter().any(|l| !l.indicator.is_empty()),
                "{kind:?}: an ordinary line naming a look-alike"
            );
        }
        for p in &c.profiles {
            for v in [
                p.first_seen,
                p.rare,
                p.unusual_parent,
                p.new_destination,
                p.volume,
                p.odd_detail,
            ] {
                assert!((0.0..=1.0).contains(&v), "{}", p.name);
            }
        }
    }

    /// No line gives the verdict away in words.
    #[test]
    fn no_line_says_what_it_is() {
        for l in &Catalogue::get().lines {
            let t = l.text.to_lowercase();
            for word in [
                "benign",
                "routine",
                "legitimate",
                "harmless",
                "false positive",
                "expected",
                "known good",
                "sanctioned",
                "approved",
            ] {
                assert!(!t.contains(word), "{:?} says {word:?}", l.text);
            }
        }
    }

    #[test]
    fn bad_lines_are_named() {
        assert!(check_text("{host} did {thing}", false).is_err());
        assert!(check_text("{host} to {indicator}", false).is_err());
        assert!(check_text("{host} only", true).is_err());
        assert!(check_text("{host} to {indicator}", true).is_ok());
        assert!(check_text("{host", false).is_err());
    }
}
