//! What alerts and records say, and the cues a console shows beside them.
//!
//! Nothing a seat sees says whether an item is malicious. Every record carries a log
//! line: the attack's come from its stages' telemetry, everything else from the
//! catalogue of ordinary activity
//! (`assets/benign.ron`, plus a scenario's own lines), filled with the scenario's hosts,
//! accounts and look-alikes. Every record also carries [`Cues`]: first-seen, rare,
//! an unusual parent, a new destination, volume, off-hours, a privileged account; and
//! threat intelligence adds what it knows of the indicators. Cues are drawn from
//! distributions that overlap between benign and malicious items (`assets/cues.ron`),
//! and they are all anyone, person or bot, can judge by.
//!
//! The simulation stays cheap: a record keeps its cues in a few bytes, and its line as
//! a reference (a stage's telemetry, or a catalogue line and its fill-ins) that is
//! rendered to text only when a view or report shows it.

mod catalogue;

pub use catalogue::check_text;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use catalogue::{BenignLine, Catalogue, Profile};

use crate::clock::SimTime;
use crate::scenario::format::{Level, ObservableKind, Privilege, SourceKind};
use crate::sim::rng::Stream;

/// The cues an item shows. `off_hours` and `privileged` follow from when and who;
/// the others are drawn when the item is written. Threat intelligence is not stored here:
/// it changes when an analyst enriches an indicator (see [`Intel`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Cues {
    /// Hosts in the organisation that show the same activity over the last 30 days.
    pub prevalence: u16,
    /// The first time this activity is seen on this host.
    pub first_seen: bool,
    /// An unusual parent and child process, or an unusual client, method or logon type.
    pub unusual_parent: bool,
    /// An external destination, sender or source never seen before.
    pub new_destination: bool,
    /// Far more bytes, files or events than usual.
    pub volume: bool,
    /// Outside business hours.
    pub off_hours: bool,
    /// A privileged or service account is involved.
    pub privileged: bool,
    /// Something in the line's own fields is off for what it claims to be: an encoded
    /// or obfuscated command line, an unsigned binary or one in a user-writable folder,
    /// a sender or domain one letter from a known one, a token used from two places.
    /// Enrichment flags it; reading it for what it means takes experience.
    pub odd_detail: bool,
}

/// Prevalence at or below this counts as rare.
pub const RARE: u16 = 3;

pub use crate::scenario::format::IntelVerdict;

/// Threat intelligence on one indicator, once known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Intel {
    pub verdict: IntelVerdict,
    /// How sure the source is, 0 to 1.
    pub confidence: f64,
}

/// The chance of each drawn cue.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Odds {
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
    /// An odd detail in the line.
    pub odd_detail: f64,
}

impl Odds {
    fn mix(a: Odds, b: Odds, t: f64) -> Odds {
        let m = |x: f64, y: f64| x + (y - x) * t;
        Odds {
            first_seen: m(a.first_seen, b.first_seen),
            rare: m(a.rare, b.rare),
            unusual_parent: m(a.unusual_parent, b.unusual_parent),
            new_destination: m(a.new_destination, b.new_destination),
            volume: m(a.volume, b.volume),
            odd_detail: m(a.odd_detail, b.odd_detail),
        }
    }
}

/// The attack's cue odds at both ends of subtlety.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttackOdds {
    /// Subtlety 0.
    pub loud: Odds,
    /// Subtlety 1.
    pub quiet: Odds,
}

/// The weights of the suspicion score.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(missing_docs, reason = "each weight is documented in assets/cues.ron")]
pub struct Weights {
    pub first_seen: f64,
    pub rare: f64,
    pub unusual_parent: f64,
    pub new_destination: f64,
    pub volume: f64,
    pub odd_detail: f64,
    pub off_hours: f64,
    pub privileged: f64,
    pub together: f64,
    pub severity: f64,
    pub noisy_rule: f64,
    pub intel_bad: f64,
    pub intel_good: f64,
}

/// `assets/cues.ron`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueModel {
    /// The attack's items.
    pub attack: AttackOdds,
    /// The suspicion score's weights.
    pub weights: Weights,
}

const CUES: &str = include_str!("../../../assets/cues.ron");

impl CueModel {
    /// The shipped model.
    pub fn get() -> &'static CueModel {
        static MODEL: OnceLock<CueModel> = OnceLock::new();
        MODEL.get_or_init(|| {
            ron::from_str(CUES).expect("assets/cues.ron is valid (checked by a unit test)")
        })
    }
}

/// Which drawn cues a kind of log can show at all: a DNS log has no parent process, an
/// EDR process event no external destination.
pub fn applies(kind: SourceKind) -> Odds {
    use SourceKind::*;
    let yes = |b: bool| if b { 1.0 } else { 0.0 };
    Odds {
        first_seen: 1.0,
        rare: 1.0,
        unusual_parent: yes(matches!(
            kind,
            Edr | WindowsEvents | Identity | CloudAudit | EmailGateway
        )),
        new_destination: yes(matches!(
            kind,
            Proxy | Dns | Firewall | EmailGateway | CloudAudit | WebServer | Identity
        )),
        volume: yes(matches!(
            kind,
            Proxy | Firewall | CloudAudit | WebServer | Edr | WindowsEvents
        )),
        odd_detail: 1.0,
    }
}

/// Draws the cues of one item from `odds` for a log of `kind`.
pub fn draw(rng: &mut Stream, kind: SourceKind, odds: Odds) -> Cues {
    let can = applies(kind);
    let rare = rng.chance(odds.rare);
    let prevalence = if rare {
        1 + rng.below(RARE as usize) as u16
    } else {
        // Common activity: a dozen hosts to most of the estate.
        12 + rng.below(389) as u16
    };
    Cues {
        prevalence,
        first_seen: rng.chance(odds.first_seen * can.first_seen),
        unusual_parent: rng.chance(odds.unusual_parent * can.unusual_parent),
        new_destination: rng.chance(odds.new_destination * can.new_destination),
        volume: rng.chance(odds.volume * can.volume),
        off_hours: false,
        privileged: false,
        odd_detail: rng.chance(odds.odd_detail * can.odd_detail),
    }
}

/// The odds of an attack stage's items, from its subtlety (0 loud to 1 quiet).
pub fn attack_odds(subtlety: f64) -> Odds {
    let m = CueModel::get().attack;
    Odds::mix(m.loud, m.quiet, subtlety.clamp(0.0, 1.0))
}

/// Whether simulated time `t` falls outside business hours (08:00 to 18:00) for an
/// exercise whose T+0 is `starts_at` seconds after midnight.
pub fn off_hours(t: SimTime, starts_at: u64) -> bool {
    let hour = ((starts_at + t.secs()) % 86_400) / 3_600;
    !(8..18).contains(&hour)
}

/// Whether an account of this privilege makes an item privileged.
pub fn privileged(p: Privilege) -> bool {
    !matches!(p, Privilege::User)
}

/// What an alert adds to its record's cues: its severity, and its rule's record (the
/// share of its alerts Tier 1 has called benign so far).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertContext {
    /// The alert's severity.
    pub severity: Level,
    /// The share of the rule's judged alerts called benign (with a prior), 0 to 1.
    pub rule_noise: f64,
}

/// The suspicion score of an item: the weights of the cues it shows, for an alert its
/// severity above Low and its rule's record for noise, and threat intelligence on its
/// indicators (the strongest verdict counts). `reads_detail` (0 to 1) is how much of an
/// odd detail's weight the reader sees. Bots judge by this sum, with noise and a
/// threshold of their profile.
pub fn suspicion(
    c: &Cues,
    alert: Option<AlertContext>,
    intel: Option<Intel>,
    reads_detail: f64,
) -> f64 {
    let w = &CueModel::get().weights;
    let mut s = 0.0;
    let mut add = |on: bool, weight: f64| {
        if on {
            s += weight;
        }
    };
    add(c.first_seen, w.first_seen);
    add(c.prevalence <= RARE, w.rare);
    add(c.unusual_parent, w.unusual_parent);
    add(c.new_destination, w.new_destination);
    add(c.volume, w.volume);
    add(c.off_hours, w.off_hours);
    add(c.privileged, w.privileged);
    add(c.odd_detail, w.odd_detail * reads_detail.clamp(0.0, 1.0));
    let odd = [
        c.first_seen,
        c.prevalence <= RARE,
        c.unusual_parent,
        c.new_destination,
        c.volume,
    ]
    .iter()
    .filter(|&&on| on)
    .count();
    s += w.together * odd.saturating_sub(2) as f64;
    if let Some(a) = alert {
        s += w.severity * a.severity as u8 as f64 + w.noisy_rule * a.rule_noise;
    }
    match intel {
        Some(Intel {
            verdict: IntelVerdict::Malicious,
            confidence,
        }) => s += w.intel_bad * confidence,
        Some(Intel {
            verdict: IntelVerdict::Benign,
            confidence,
        }) => s += w.intel_good * confidence,
        _ => {}
    }
    s
}

/// Where a record's line comes from. It lives with the ground truth, not on the desk: a
/// line's origin would tell a reader what its text must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum LineRef {
    /// A stage's telemetry: spec `spec` of stage `stage` of intrusion `intrusion`.
    Stage {
        intrusion: u16,
        stage: u16,
        /// Telemetry spec.
        spec: u16,
    },
    /// A benign line of the scenario's catalogue, with its fill-ins.
    Benign {
        /// Index in the scenario's benign lines.
        line: u16,
        /// The peer host.
        peer: u16,
        /// A small number and the draws behind `{ip}` and `{size}`.
        n: u16,
    },
}

/// Chooses a benign line for an item: one of `candidates` that can name `indicator`
/// (or names none, when the item carries none). Returns the line and whether the
/// item keeps its indicator (a line that cannot name it drops it).
///
/// `kinds` and `weights` are per line: the kinds of indicator each can name (see
/// [`kind_bit`]) and how often each is drawn.
pub fn pick_line(
    rng: &mut Stream,
    kinds: &[u8],
    weights: &[f64],
    candidates: &[u16],
    indicator: Option<ObservableKind>,
) -> Option<(u16, bool)> {
    if let Some(kind) = indicator {
        let bit = kind_bit(kind);
        let fits = |i: u16| kinds[i as usize] & bit != 0;
        if let Some(i) = weighted(rng, weights, candidates, fits) {
            return Some((i, true));
        }
    }
    let plain = |i: u16| kinds[i as usize] == 0;
    weighted(rng, weights, candidates, plain).map(|i| (i, false))
}

/// An indicator kind as one bit of a line's mask of the kinds it can name.
pub fn kind_bit(kind: ObservableKind) -> u8 {
    1 << (kind as u8)
}

/// One of the candidates `keep` accepts, in proportion to its weight (no allocation: a
/// benign item is drawn for every benign alert and record).
fn weighted(
    rng: &mut Stream,
    weights: &[f64],
    candidates: &[u16],
    keep: impl Fn(u16) -> bool,
) -> Option<u16> {
    let weight = |i: u16| weights[i as usize];
    let pool = || candidates.iter().copied().filter(|&i| keep(i));
    let total: f64 = pool().map(weight).sum();
    if total <= 0.0 {
        return pool().next();
    }
    let mut x = rng.unit() * total;
    let mut last = None;
    for i in pool() {
        x -= weight(i);
        last = Some(i);
        if x < 0.0 {
            return Some(i);
        }
    }
    last
}

/// The fill-ins of a benign line.
pub struct Fill<'a> {
    /// The host the item is about, or another of the tenant.
    pub host: &'a str,
    /// Another host of the tenant.
    pub peer: &'a str,
    /// The account the item is about, or another of the tenant.
    pub user: &'a str,
    /// The tenant's name.
    pub tenant: &'a str,
    /// The look-alike indicator the item carries.
    pub indicator: &'a str,
    /// The draw behind `{n}`, `{ip}` and `{size}`.
    pub n: u16,
}

/// Renders a benign line's text.
pub fn render(text: &str, f: &Fill) -> String {
    let n = f.n;
    let small = 2 + n % 98;
    let ip = format!("10.{}.{}.{}", 10 + n % 40, (n / 7) % 250, 2 + (n / 3) % 250);
    let size = format!("{}.{} MB", 1 + (n % 97), (n / 13) % 10);
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let key = &after[1..close];
        match key {
            "host" => out.push_str(f.host),
            "peer" => out.push_str(f.peer),
            "user" => out.push_str(f.user),
            "tenant" => out.push_str(f.tenant),
            "indicator" => out.push_str(f.indicator),
            "n" => out.push_str(&small.to_string()),
            "ip" => out.push_str(&ip),
            "size" => out.push_str(&size),
            _ => out.push_str(&after[..=close]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The fill-ins a line may use.
pub const FILL_INS: [&str; 8] = [
    "host",
    "peer",
    "user",
    "tenant",
    "indicator",
    "n",
    "ip",
    "size",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cue_model_loads_and_loud_stages_outscore_quiet_ones() {
        let m = CueModel::get();
        assert!(m.attack.loud.first_seen > m.attack.quiet.first_seen);
        let loud = attack_odds(0.0);
        let quiet = attack_odds(1.0);
        assert_eq!(loud, m.attack.loud);
        assert!((quiet.first_seen - m.attack.quiet.first_seen).abs() < 1e-12);
        assert!((quiet.volume - m.attack.quiet.volume).abs() < 1e-12);
        let mut rng = Stream::new(1, "t");
        let mean = |odds: Odds, rng: &mut Stream| {
            (0..2000)
                .map(|_| suspicion(&draw(rng, SourceKind::Proxy, odds), None, None, 1.0))
                .sum::<f64>()
                / 2000.0
        };
        let (l, q) = (mean(loud, &mut rng), mean(quiet, &mut rng));
        assert!(l > q + 1.5, "loud {l:.2} quiet {q:.2}");
    }

    /// The odd detail is what separates a quiet stage from a look-alike: even a quiet
    /// stage's items show it more often than any kind of benign activity does.
    #[test]
    fn an_odd_detail_is_likelier_on_the_quietest_stage_than_on_any_benign_profile() {
        let quiet = attack_odds(1.0).odd_detail;
        for p in &Catalogue::get().profiles {
            assert!(p.odds().odd_detail < quiet / 2.0, "{}", p.name);
        }
        let mut rng = Stream::new(2, "t");
        let shown = (0..2000)
            .filter(|_| draw(&mut rng, SourceKind::Dns, attack_odds(1.0)).odd_detail)
            .count();
        assert!(
            (1000..1400).contains(&shown),
            "{shown} of 2000 at odds {quiet}"
        );
    }

    #[test]
    fn fill_ins_render_and_unknown_braces_stay() {
        let f = Fill {
            host: "ws-1",
            peer: "srv-2",
            user: "a.b",
            tenant: "Acme",
            indicator: "x.example",
            n: 5,
        };
        assert_eq!(
            render(
                "{user} on {host} to {peer} ({tenant}) via {indicator} #{n}",
                &f
            ),
            "a.b on ws-1 to srv-2 (Acme) via x.example #7"
        );
        assert_eq!(render("json {\"k\": 1} and {", &f), "json {\"k\": 1} and {");
    }

    #[test]
    fn business_hours_wrap_around_midnight() {
        let nine = 9 * 3600;
        let at = |h: u64| SimTime::from_secs(h * 3600);
        assert!(!off_hours(at(0), nine));
        assert!(off_hours(at(9), nine), "18:00 is after hours");
        assert!(off_hours(at(16), nine), "01:00");
        assert!(!off_hours(at(24), nine), "09:00 the next day");
    }
}
