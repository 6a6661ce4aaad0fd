//! Diagnostics with line and column, and the locator that finds where a problem sits.
//!
//! The RON parser reports positions for syntax and type errors. Problems found later
//! (a dangling id, a cycle) concern values whose position serde does not keep, so the
//! [`Locator`] finds them again in the source: it walks from an anchor such as the
//! definition `id: "lateral"` of the stage at fault to the offending literal after it.

use std::fmt;

/// One problem in a scenario or actions file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// What is wrong and what to do.
    pub message: String,
}

/// A JSON file's parse error as `FILE:LINE:COL: message`, the way every other input
/// error is named (serde_json's own "at line … column …" suffix dropped; a column of 0,
/// before a line's first character, said as 1).
pub fn json_problem(file: impl fmt::Display, e: &serde_json::Error) -> String {
    let (line, col, message) = json_place(e);
    format!("{file}:{line}:{col}: {message}")
}

/// A JSON parse error's line, column (at least 1) and message without its position.
pub fn json_place(e: &serde_json::Error) -> (usize, usize, String) {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    (e.line(), e.column().max(1), message)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s), first: {}", .0.len(), .0.first().map(|d| d.to_string()).unwrap_or_default())]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Renders every problem as `FILE:LINE:COL: message`, one per line.
    pub fn render(&self, file: &str) -> String {
        self.0.iter().map(|d| format!("{file}:{d}\n")).collect()
    }
}

/// Finds positions of values in source text.
pub struct Locator<'a> {
    src: &'a str,
}

impl<'a> Locator<'a> {
    /// A locator over `src`.
    pub fn new(src: &'a str) -> Self {
        Locator { src }
    }

    /// Byte offset of the definition `id: "<id>"` at or after `from`, if any.
    pub fn definition(&self, from: usize, id: &str) -> Option<usize> {
        let needle = format!("\"{id}\"");
        let mut at = from;
        while let Some(rel) = self.src.get(at..)?.find(&needle) {
            let pos = at + rel;
            let before = self.src[..pos].trim_end();
            if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("id") {
                return Some(pos);
            }
            at = pos + needle.len();
        }
        None
    }

    /// Byte offset of the quoted literal `"<text>"` (or bare text) at or after `from`.
    pub fn literal(&self, from: usize, text: &str) -> Option<usize> {
        let quoted = format!("\"{text}\"");
        let tail = self.src.get(from..)?;
        tail.find(&quoted)
            .or_else(|| tail.find(text))
            .map(|rel| from + rel)
    }

    /// Walks a path of definitions (outermost first), then optionally a literal inside the
    /// last one; returns the best position found. Unfound steps are skipped.
    pub fn find(&self, defs: &[&str], literal: Option<&str>) -> (usize, usize) {
        let mut at = 0;
        let mut best = None;
        for id in defs {
            if let Some(p) = self.definition(at, id) {
                at = p;
                best = Some(p);
            }
        }
        if let Some(text) = literal
            && let Some(p) = self.literal(at, text)
        {
            best = Some(p);
        }
        self.line_col(best.unwrap_or(0))
    }

    /// Line and column (1-based, columns in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let before = &self.src[..floor_char_boundary(self.src, offset)];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Collects diagnostics against one source.
pub struct Collector<'a> {
    locator: Locator<'a>,
    found: Vec<Diagnostic>,
}

impl<'a> Collector<'a> {
    /// A collector over `src`.
    pub fn new(src: &'a str) -> Self {
        Collector {
            locator: Locator::new(src),
            found: Vec::new(),
        }
    }

    /// Records a problem located by a definition path and an optional literal.
    pub fn at(&mut self, defs: &[&str], literal: Option<&str>, message: impl Into<String>) {
        let (line, col) = self.locator.find(defs, literal);
        self.found.push(Diagnostic {
            line,
            col,
            message: message.into(),
        });
    }

    /// Records a problem at the `n`-th definition (1-based) of `id` after the
    /// definitions `defs`: where a duplicate id is defined the second time.
    pub fn at_nth_definition(
        &mut self,
        defs: &[&str],
        id: &str,
        n: usize,
        message: impl Into<String>,
    ) {
        let mut at = 0;
        for d in defs {
            if let Some(p) = self.locator.definition(at, d) {
                at = p;
            }
        }
        let mut found = None;
        for _ in 0..n {
            match self
                .locator
                .definition(found.map_or(at, |p: usize| p + 1), id)
            {
                Some(p) => found = Some(p),
                None => break,
            }
        }
        let (line, col) = self.locator.line_col(found.unwrap_or(at));
        self.found.push(Diagnostic {
            line,
            col,
            message: message.into(),
        });
    }

    /// Records a problem at a field name (e.g. `time_limit`) inside a definition path.
    pub fn field(&mut self, defs: &[&str], field: &str, message: impl Into<String>) {
        self.at(defs, Some(&format!("{field}:")), message);
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The problems, sorted by position.
    pub fn finish(mut self) -> Diagnostics {
        self.found.sort_by_key(|d| (d.line, d.col));
        self.found.dedup();
        Diagnostics(self.found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_walks_definitions() {
        let src = "(\n  a: (id: \"x\", t: \"h\"),\n  b: (id: \"y\", t: \"h\"),\n)";
        let loc = Locator::new(src);
        assert_eq!(loc.find(&["y"], Some("h")), (3, 19));
        assert_eq!(loc.find(&["x"], None), (2, 11));
        assert_eq!(loc.find(&["missing"], None), (1, 1));
        assert_eq!(loc.line_col(src.len() + 10), (4, 2));
    }
}
