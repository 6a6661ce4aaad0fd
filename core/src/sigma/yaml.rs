//! A small YAML tree that keeps every node's position, built from the YAML parser's
//! events.
//!
//! The parser's own tree (`yaml_rust2::Yaml`) drops positions, expands aliases by
//! copying (so a few lines can ask for gigabytes) and nests without a bound. This one
//! keeps line and column for error messages, refuses aliases, and stops at
//! [`MAX_DEPTH`] levels, so hostile text becomes an error rather than a stack overflow.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use super::SigmaError;

/// How deeply YAML collections may nest. Sigma rules need fewer than ten levels.
pub(super) const MAX_DEPTH: usize = 64;

/// A YAML value with the position it starts at.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    /// What the node holds.
    pub value: Value,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// A scalar's text; `plain` when written without quotes or block indicators
    /// (only plain scalars can mean null).
    Scalar { text: String, plain: bool },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
    /// An alias (`*name`), kept unexpanded.
    Alias,
}

impl Node {
    fn new(value: Value, mark: Marker) -> Node {
        Node {
            value,
            line: mark.line().max(1),
            col: mark.col() + 1,
        }
    }

    /// Whether the node is YAML null: empty, `~` or `null` written plainly.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// What the node is, in words, for error messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            _ if self.is_null() => "empty",
            Value::Scalar { .. } => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
            Value::Alias => "an alias",
        }
    }

    /// The mapping's entries, if the node is a mapping.
    pub fn entries(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The entry whose key is the text `key` (the last one if the key repeats, as most
    /// YAML readers do).
    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.entries()?
            .iter()
            .rev()
            .find(|(k, _)| matches!(&k.value, Value::Scalar { text, .. } if text == key))
    }
}

/// A collection being read.
enum Open {
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>, Option<Node>),
}

struct Frame {
    open: Open,
    mark: Marker,
}

/// Reads every document of a YAML stream. Empty documents are left out.
pub(super) fn documents(text: &str) -> Result<Vec<Node>, SigmaError> {
    let mut parser = Parser::new_from_str(text);
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(syntax)?;
        let node = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                continue;
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SigmaError::new(
                        mark.line().max(1),
                        mark.col() + 1,
                        format!(
                            "the YAML nests deeper than {MAX_DEPTH} levels; a Sigma rule needs far fewer"
                        ),
                    ));
                }
                let open = if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(Vec::new())
                } else {
                    Open::Map(Vec::new(), None)
                };
                stack.push(Frame { open, mark });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => close(stack.pop(), mark)?,
            Event::Scalar(text, style, ..) => Node::new(
                Value::Scalar {
                    text,
                    plain: style == TScalarStyle::Plain,
                },
                mark,
            ),
            Event::Alias(_) => Node::new(Value::Alias, mark),
        };
        match stack.last_mut() {
            None if node.is_null() => {}
            None => docs.push(node),
            Some(Frame {
                open: Open::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                open: Open::Map(entries, key),
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    Ok(docs)
}

/// Turns a finished collection into a node.
fn close(frame: Option<Frame>, at: Marker) -> Result<Node, SigmaError> {
    let Some(Frame { open, mark }) = frame else {
        return Err(SigmaError::new(
            at.line().max(1),
            at.col() + 1,
            "the YAML parser closed a collection it never opened",
        ));
    };
    Ok(match open {
        Open::Seq(items) => Node::new(Value::Seq(items), mark),
        Open::Map(entries, _) => Node::new(Value::Map(entries), mark),
    })
}

/// A scanner or parser error, at the position the scanner reports.
fn syntax(e: ScanError) -> SigmaError {
    let mark = e.marker();
    SigmaError::new(
        mark.line().max(1),
        mark.col() + 1,
        format!("YAML syntax error: {}", e.info()),
    )
}
