//! The MITRE ATT&CK Enterprise v17 catalogue, embedded from `assets/attack/`.
//!
//! Scenarios name techniques and tactics by id; this module says whether an id exists,
//! which tactics a technique belongs to, and its display name.

use std::collections::HashMap;
use std::sync::OnceLock;

const TECHNIQUES: &str = include_str!("../../../assets/attack/enterprise-techniques-v17.tsv");
const TACTICS: &str = include_str!("../../../assets/attack/enterprise-tactics-v17.tsv");

/// One technique or sub-technique.
#[derive(Debug, Clone)]
pub struct Technique {
    /// Id such as `T1566.001`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Tactic short names it belongs to.
    pub tactics: Vec<&'static str>,
}

/// The whole catalogue, sorted by id.
#[derive(Debug)]
pub struct Catalogue {
    techniques: Vec<Technique>,
    /// Each technique's place in `techniques`, by id: a hunt's technique is checked on
    /// every hunt, and a hash beats a search along sorted strings.
    by_id: HashMap<&'static str, usize>,
    tactics: Vec<&'static str>,
}

impl Catalogue {
    /// The embedded ATT&CK Enterprise v17 catalogue.
    pub fn get() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            let mut techniques: Vec<Technique> = TECHNIQUES
                .lines()
                .skip(1)
                .filter_map(|line| {
                    let mut cols = line.split('\t');
                    let id = cols.next()?.trim();
                    let name = cols.next()?.trim();
                    let tactics = cols
                        .next()
                        .unwrap_or("")
                        .split(',')
                        .map(str::trim)
                        .collect();
                    Some(Technique { id, name, tactics })
                })
                .collect();
            techniques.sort_by(|a, b| a.id.cmp(b.id));
            let tactics = TACTICS
                .lines()
                .skip(1)
                .filter_map(|line| line.split('\t').nth(1).map(str::trim))
                .collect();
            let by_id = techniques
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id, i))
                .collect();
            Catalogue {
                techniques,
                by_id,
                tactics,
            }
        })
    }

    /// Every technique, sorted by id.
    pub fn techniques(&self) -> &[Technique] {
        &self.techniques
    }

    /// Looks a technique up by id.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.by_id.get(id).map(|&i| &self.techniques[i])
    }

    /// Whether a tactic short name exists.
    pub fn has_tactic(&self, short_name: &str) -> bool {
        self.tactics.contains(&short_name)
    }

    /// Every tactic short name, in kill-chain order as the catalogue lists them.
    pub fn tactics(&self) -> &[&'static str] {
        &self.tactics
    }
}

/// Whether a rule written for `rule_technique` covers activity of `stage_technique`:
/// equal ids, or the rule names the parent of the stage's sub-technique.
pub fn covers(rule_technique: &str, stage_technique: &str) -> bool {
    rule_technique == stage_technique
        || stage_technique
            .split_once('.')
            .is_some_and(|(parent, _)| parent == rule_technique)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_knows_v17() {
        let c = Catalogue::get();
        let t = c
            .technique("T1566.001")
            .expect("spearphishing attachment is in v17");
        assert_eq!(t.name, "Spearphishing Attachment");
        assert_eq!(t.tactics, vec!["initial-access"]);
        assert!(
            c.technique("T1685").is_none(),
            "T1685 is ATT&CK v19, not v17"
        );
        assert!(c.has_tactic("lateral-movement"));
        assert_eq!(c.tactics().len(), 14);
        assert!(covers("T1059", "T1059.001"));
        assert!(!covers("T1059.001", "T1059"));
        assert!(!covers("T105", "T1059"));
    }
}
