//! Nothing a seat sees gives the verdict away: benign and malicious alerts and records
//! are shown with the same fields, and no wording is shared by the benign ones alone.
//! Checked on the views as serialised for the consoles, over every shipped scenario.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use socdrill_core::script::Script;
use socdrill_core::sim::truth::Truth;
use socdrill_core::soc::Evidence;
use socdrill_core::{Exercise, SimTime, bots};

/// Every key path in a JSON value, with array elements' keys under `[]`.
fn paths(v: &Value, at: &str, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}.{k}");
                out.insert(p.clone());
                paths(x, &p, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                paths(x, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

#[derive(Default)]
struct Seen {
    /// Per kind of card (`alert card`, `alert item`, `record item`) and truth: the key
    /// paths cards of that kind and truth showed.
    keys: BTreeMap<(&'static str, bool), BTreeSet<String>>,
    /// Per truth: every text a seat saw for an alert or record (lines and labels).
    texts: BTreeMap<bool, Vec<String>>,
}

impl Seen {
    fn card(&mut self, kind: &'static str, malicious: bool, v: &Value, text: &str) {
        let mut p = BTreeSet::new();
        paths(v, "", &mut p);
        self.keys.entry((kind, malicious)).or_default().extend(p);
        self.texts
            .entry(malicious)
            .or_default()
            .push(text.to_string());
    }
}

fn look(ex: &Exercise, seen: &mut Seen) {
    let truth = ex.world().resource::<Truth>();
    let mal = |e: &Evidence| match *e {
        Evidence::Alert(a) => truth.alert(a).is_some(),
        Evidence::Record(r) => truth.record(r).is_some(),
        _ => false,
    };
    for seat in 0..socdrill_core::scenario::seat_names(ex.scenario()).len() as u16 {
        let Some(view) = ex.seat_view(seat) else {
            continue;
        };
        for a in view.queue.iter().chain(&view.held) {
            let v = serde_json::to_value(a).unwrap();
            seen.card("alert card", mal(&Evidence::Alert(a.id)), &v, &a.line);
        }
        let cards = view
            .known
            .iter()
            .chain(view.cases.iter().flat_map(|c| &c.evidence))
            .chain(view.findings.iter().flat_map(|f| &f.records));
        for c in cards {
            let kind = match c.item {
                Evidence::Alert(_) => "alert item",
                Evidence::Record(_) => "record item",
                _ => continue,
            };
            let v = serde_json::to_value(c).unwrap();
            seen.card(kind, mal(&c.item), &v, &c.label);
        }
    }
}

#[test]
fn benign_and_malicious_items_look_alike_to_every_seat() {
    let mut seen = Seen::default();
    for (_, s) in common::shipped() {
        for (seed, profile) in [(3, "competent"), (8, "expert")] {
            let mut ex = Exercise::new(
                s.clone(),
                seed,
                bots::profile_named(profile).unwrap(),
                &Script::default(),
            );
            // Look at the consoles every two hours of the exercise.
            let mut t = 0;
            while !ex.ended() {
                t += 7200;
                ex.advance_to(SimTime::from_secs(t));
                look(&ex, &mut seen);
            }
        }
    }
    // The same fields, whoever wrote the item.
    for kind in ["alert card", "alert item", "record item"] {
        let benign = seen.keys.get(&(kind, false));
        let malicious = seen.keys.get(&(kind, true));
        assert!(
            benign.is_some() && malicious.is_some(),
            "{kind}: seats saw both benign and malicious ones"
        );
        assert_eq!(benign, malicious, "{kind}: the same fields either way");
    }
    let benign = &seen.texts[&false];
    let malicious = &seen.texts[&true];
    assert!(benign.len() > 1000 && malicious.len() > 100);
    // No placeholder: nothing reads "routine activity", and no single text stands for a
    // large share of the benign items.
    for t in benign.iter().chain(malicious) {
        assert!(!t.contains("routine activity"), "{t}");
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in benign {
        // Record labels start with their source and time; the line follows.
        let line = t.split_once(": ").map_or(t.as_str(), |(_, l)| l);
        *counts.entry(line).or_default() += 1;
    }
    let (top, n) = counts.iter().max_by_key(|(_, n)| **n).unwrap();
    assert!(
        *n * 20 < benign.len(),
        "{top:?} is {n} of {} benign texts: a placeholder by another name",
        benign.len()
    );
    // No word is common to every benign text and absent from the attack's.
    let words = |t: &String| -> BTreeSet<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_lowercase)
            .collect()
    };
    let mut shared: BTreeSet<String> = words(&benign[0]);
    for t in benign {
        let w = words(t);
        shared.retain(|x| w.contains(x));
    }
    let attack: BTreeSet<String> = malicious.iter().flat_map(words).collect();
    shared.retain(|w| !attack.contains(w));
    assert!(
        shared.is_empty(),
        "every benign text says {shared:?}, and no malicious one does"
    );
}

/// The consoles' page draws every alert and record the same way: it has no style or
/// word for benign ones (the placeholder of old had a class of its own).
#[test]
fn the_page_has_no_style_for_benign_items() {
    let js = include_str!("../assets/web/app.js");
    let css = include_str!("../assets/web/app.css");
    for text in [js, css] {
        assert!(
            !text.contains("routine"),
            "the page styles routine items apart"
        );
    }
}
