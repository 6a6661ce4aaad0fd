//! One Sigma rule's metadata, read from YAML text.

use std::fmt;

use crate::scenario::attack::Catalogue;

use super::SigmaError;
use super::yaml::{self, Node, Value};

/// The metadata of one Sigma rule: what socdrill needs to stand a scenario rule in for
/// it. The `detection` section is not read: the simulation matches on ATT&CK techniques.
#[derive(Debug, Clone, PartialEq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SigmaRule {
    /// The rule's UUID, if it has one.
    pub id: Option<String>,
    pub title: String,
    /// Maturity, if stated and known.
    pub status: Option<Status>,
    /// Level (medium when the rule states none; a warning says so).
    pub level: SigmaLevel,
    /// Description (empty if none).
    pub description: String,
    /// Author(s), as written; `"unknown author"` when the rule names none.
    pub author: String,
    /// Creation date, as written.
    pub date: Option<String>,
    /// Where the rule's events come from.
    pub logsource: LogSource,
    /// Tags, as written.
    pub tags: Vec<String>,
    /// ATT&CK Enterprise v17 technique ids from the `attack.tNNNN[.NNN]` tags, mapped
    /// back from v19 where needed, in tag order without repeats.
    pub techniques: Vec<String>,
    /// Known false positives.
    pub falsepositives: Vec<String>,
    pub references: Vec<String>,
    /// What was assumed or dropped while reading the rule.
    pub warnings: Vec<String>,
}

/// A Sigma rule's `logsource`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSource {
    /// `product`, e.g. `windows`.
    pub product: Option<String>,
    /// `category`, e.g. `process_creation`.
    pub category: Option<String>,
    /// `service`, e.g. `security`.
    pub service: Option<String>,
}

impl fmt::Display for LogSource {
    /// `product/category/service`, keeping empty positions: `windows//security`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |p: &Option<String>| p.clone().unwrap_or_default();
        write!(
            f,
            "{}/{}/{}",
            part(&self.product),
            part(&self.category),
            part(&self.service)
        )
    }
}

/// A Sigma rule's `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub enum SigmaLevel {
    /// Informational: context, not an alert on its own.
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl SigmaLevel {
    /// Every level, from informational to critical.
    pub const ALL: [SigmaLevel; 5] = [
        SigmaLevel::Informational,
        SigmaLevel::Low,
        SigmaLevel::Medium,
        SigmaLevel::High,
        SigmaLevel::Critical,
    ];

    /// The name as Sigma writes it, e.g. `"high"`.
    pub fn name(self) -> &'static str {
        match self {
            SigmaLevel::Informational => "informational",
            SigmaLevel::Low => "low",
            SigmaLevel::Medium => "medium",
            SigmaLevel::High => "high",
            SigmaLevel::Critical => "critical",
        }
    }

    fn from_name(name: &str) -> Option<SigmaLevel> {
        SigmaLevel::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// A Sigma rule's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Tested in many environments.
    Stable,
    /// Believed to work, still being tuned.
    Test,
    /// New; may be noisy.
    Experimental,
    /// Replaced by another rule.
    Deprecated,
    /// Cannot be used in its current form.
    Unsupported,
}

impl Status {
    /// The name as Sigma writes it, e.g. `"test"`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Test => "test",
            Status::Experimental => "experimental",
            Status::Deprecated => "deprecated",
            Status::Unsupported => "unsupported",
        }
    }

    fn from_name(name: &str) -> Option<Status> {
        [
            Status::Stable,
            Status::Test,
            Status::Experimental,
            Status::Deprecated,
            Status::Unsupported,
        ]
        .into_iter()
        .find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// The v17 technique a v19-only ATT&CK id stands for, or `None` for ids ATT&CK v19 did
/// not introduce. See the module documentation for the table.
pub fn v19_to_v17(id: &str) -> Option<&'static str> {
    match id {
        "T1685" => Some("T1562.001"),
        "T1685.001" => Some("T1562.002"),
        "T1685.005" => Some("T1070.001"),
        "T1685.006" => Some("T1070.002"),
        _ if id.starts_with("T1685.") => Some("T1562"),
        "T1686" => Some("T1562.004"),
        _ if id.starts_with("T1686.") => Some("T1562.004"),
        _ => None,
    }
}

/// Reads one Sigma rule from YAML text.
///
/// A file may hold several YAML documents (correlation rules, older multi-document
/// rules); the first document with both `title` and `logsource` is read. Problems come
/// back as a [`SigmaError`] with the line and column of the offending field where it can
/// be found (line 1, column 1 otherwise). Nothing here panics on any input.
pub fn parse_rule(text: &str) -> Result<SigmaRule, SigmaError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SigmaError::new(
            1,
            1,
            "the text is empty: expected a Sigma rule in YAML (title, logsource, detection, …)",
        ));
    }
    let docs = yaml::documents(text)?;
    let doc = pick_document(&docs)?;
    read_rule(doc)
}

/// The first document with a title and a log source, or an error about the first one.
fn pick_document(docs: &[Node]) -> Result<&Node, SigmaError> {
    if let Some(doc) = docs
        .iter()
        .find(|d| d.entry("title").is_some() && d.entry("logsource").is_some())
    {
        return Ok(doc);
    }
    let Some(first) = docs.first() else {
        return Err(SigmaError::new(
            1,
            1,
            "no YAML document with content: expected a Sigma rule (title, logsource, detection, …)",
        ));
    };
    if first.entries().is_none() {
        return Err(SigmaError::new(
            first.line,
            first.col,
            format!(
                "a Sigma rule is a YAML mapping of fields (title: …, logsource: …), but this document is {}",
                first.kind()
            ),
        ));
    }
    let missing = if first.entry("title").is_none() {
        "title"
    } else {
        "logsource"
    };
    let also = if docs.len() > 1 {
        " (nor does any other document in the file)"
    } else {
        ""
    };
    Err(SigmaError::new(
        first.line,
        first.col,
        format!(
            "the rule has no `{missing}`{also}: every Sigma rule needs a title and a logsource"
        ),
    ))
}

fn read_rule(doc: &Node) -> Result<SigmaRule, SigmaError> {
    let mut warnings = Vec::new();
    let title = required_text(doc, "title")?;
    let id = text(doc, "id")?;
    if id.is_none() {
        warnings.push("the rule has no id".to_string());
    }
    let status = match text(doc, "status")? {
        None => None,
        Some(s) => {
            let status = Status::from_name(&s);
            if status.is_none() {
                warnings.push(format!("unknown status {s:?}: read as no status"));
            }
            status
        }
    };
    let level = level(doc, &mut warnings)?;
    let author = author(doc, &mut warnings)?;
    let tags = text_list(doc, "tags")?;
    let techniques = techniques(&tags, &mut warnings);
    Ok(SigmaRule {
        id,
        title,
        status,
        level,
        description: text(doc, "description")?.unwrap_or_default(),
        author,
        date: text(doc, "date")?,
        logsource: logsource(doc)?,
        tags,
        techniques,
        falsepositives: text_list(doc, "falsepositives")?,
        references: text_list(doc, "references")?,
        warnings,
    })
}

fn level(doc: &Node, warnings: &mut Vec<String>) -> Result<SigmaLevel, SigmaError> {
    let Some(name) = text(doc, "level")? else {
        warnings.push("the rule has no level: read as medium".to_string());
        return Ok(SigmaLevel::Medium);
    };
    SigmaLevel::from_name(&name).ok_or_else(|| {
        let (_, value) = doc.entry("level").expect("a level value was just read");
        SigmaError::at(
            value,
            format!("unknown level {name:?}: use informational, low, medium, high or critical"),
        )
    })
}

/// The author as text; a list of authors is joined with commas.
fn author(doc: &Node, warnings: &mut Vec<String>) -> Result<String, SigmaError> {
    let authors = text_list(doc, "author")?;
    let joined = authors.join(", ");
    if joined.trim().is_empty() {
        warnings.push("the rule names no author: credited as \"unknown author\"".to_string());
        return Ok("unknown author".to_string());
    }
    Ok(joined)
}

fn logsource(doc: &Node) -> Result<LogSource, SigmaError> {
    let (key, value) = doc
        .entry("logsource")
        .expect("pick_document chose a document with a logsource");
    if value.entries().is_none() {
        return Err(SigmaError::at(
            key,
            format!(
                "`logsource` should be a mapping with product, category and/or service, not {}",
                value.kind()
            ),
        ));
    }
    let ls = LogSource {
        product: text(value, "product")?,
        category: text(value, "category")?,
        service: text(value, "service")?,
    };
    if ls.product.is_none() && ls.category.is_none() && ls.service.is_none() {
        return Err(SigmaError::at(
            key,
            "`logsource` names no product, category or service",
        ));
    }
    Ok(ls)
}

/// A required text field.
fn required_text(doc: &Node, field: &str) -> Result<String, SigmaError> {
    match text(doc, field)? {
        Some(t) if !t.trim().is_empty() => Ok(t),
        _ => {
            let at = doc.entry(field).map_or(doc, |(k, _)| k);
            Err(SigmaError::at(at, format!("the rule's `{field}` is empty")))
        }
    }
}

/// An optional text field; numbers and booleans are read as the text written.
fn text(map: &Node, field: &str) -> Result<Option<String>, SigmaError> {
    let Some((key, value)) = map.entry(field) else {
        return Ok(None);
    };
    if value.is_null() {
        return Ok(None);
    }
    match &value.value {
        Value::Scalar { text, .. } => Ok(Some(text.trim().to_string())),
        _ => Err(SigmaError::at(
            key,
            format!("`{field}` should be text, not {}", value.kind()),
        )),
    }
}

/// A list of text, or a single text read as a list of one.
fn text_list(map: &Node, field: &str) -> Result<Vec<String>, SigmaError> {
    let Some((key, value)) = map.entry(field) else {
        return Ok(Vec::new());
    };
    if value.is_null() {
        return Ok(Vec::new());
    }
    let items = match &value.value {
        Value::Scalar { text, .. } => return Ok(vec![text.trim().to_string()]),
        Value::Seq(items) => items,
        _ => {
            return Err(SigmaError::at(
                key,
                format!("`{field}` should be a list of text, not {}", value.kind()),
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items.iter().filter(|i| !i.is_null()) {
        match &item.value {
            Value::Scalar { text, .. } => out.push(text.trim().to_string()),
            _ => {
                return Err(SigmaError::at(
                    item,
                    format!("`{field}` entries should be text, not {}", item.kind()),
                ));
            }
        }
    }
    Ok(out)
}

/// The technique id in an `attack.tNNNN[.NNN]` tag, upper-cased.
fn technique_tag(tag: &str) -> Option<String> {
    let id = tag.trim().to_ascii_lowercase();
    let id = id.strip_prefix("attack.t")?;
    let (main, sub) = match id.split_once('.') {
        Some((main, sub)) => (main, Some(sub)),
        None => (id, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(main, 4) || !sub.is_none_or(|s| digits(s, 3)) {
        return None;
    }
    Some(format!("T{}", id.to_ascii_uppercase()))
}

/// v17 technique ids from tags, with a warning for each id mapped back from v19 and for
/// each dropped.
fn techniques(tags: &[String], warnings: &mut Vec<String>) -> Vec<String> {
    let catalogue = Catalogue::get();
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let Some(id) = technique_tag(tag) else {
            continue;
        };
        let id = match v19_to_v17(&id) {
            Some(old) => {
                warnings.push(format!("{id} is ATT&CK v19; read as v17 {old}"));
                old.to_string()
            }
            None => id,
        };
        if catalogue.technique(&id).is_none() {
            warnings.push(format!(
                "tag {tag:?}: {id} is not an ATT&CK Enterprise v17 technique; dropped"
            ));
        } else if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}
