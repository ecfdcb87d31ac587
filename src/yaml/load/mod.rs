//! Build a [`Node`] tree from saphyr-parser's event stream.
//!
//! The builder keeps its own stack instead of recursing, so depth is a limit we choose, not
//! the size of the thread's stack. Aliases are expanded under a node budget (billion laughs),
//! duplicate keys name both places, and anything YAML allows but a manifest should not hold
//! (custom tags, merge keys, non-string keys, several documents) is refused with its location.

mod input;
mod lean;

pub use lean::lean_json;

use std::borrow::Cow;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan, Tag};

use super::{Entry, Kind, Node};
use crate::source::{Pos, SourceFile, Span};

/// Bounds that keep hostile documents from exhausting time or memory.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest allowed nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes that alias expansion may copy in one document.
    pub max_alias_nodes: usize,
    /// Most nodes in one document.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_alias_nodes: 10_000,
            max_nodes: 1_000_000,
        }
    }
}

/// Why a YAML document was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YamlError {
    /// The text is not well-formed YAML.
    #[error("invalid YAML: {message}")]
    Syntax {
        /// The parser's explanation.
        message: String,
        /// Where the parser stopped.
        at: Span,
    },
    /// A key appears twice in one mapping.
    #[error("duplicate key `{key}`")]
    DuplicateKey {
        /// The repeated key.
        key: String,
        /// The first occurrence.
        first: Span,
        /// The repeated occurrence.
        second: Span,
    },
    /// A mapping key is not a string.
    #[error("mapping keys must be strings, found {found}")]
    NonStringKey {
        /// The key's type.
        found: &'static str,
        /// The key.
        at: Span,
    },
    /// A `<<` merge key (YAML 1.1, not part of YAML 1.2).
    #[error("merge keys (`<<`) are not supported")]
    MergeKey {
        /// The merge key.
        at: Span,
    },
    /// A tag other than the core schema's.
    #[error("tag `{tag}` is not supported")]
    UnsupportedTag {
        /// The tag as written.
        tag: String,
        /// The tagged node.
        at: Span,
    },
    /// A core-schema tag on a value it cannot describe (`!!int abc`).
    #[error("`{value}` is not a valid {tag}")]
    TagMismatch {
        /// The tag.
        tag: String,
        /// The scalar text.
        value: String,
        /// The scalar.
        at: Span,
    },
    /// A second document in one file.
    #[error("one YAML document is expected, but a second document starts here")]
    MultipleDocuments {
        /// The second document's start.
        at: Span,
    },
    /// No document at all (empty, or only comments).
    #[error("the file holds no YAML document (it is empty or only comments)")]
    Empty {
        /// The start of the file.
        at: Span,
    },
    /// Nesting beyond [`Limits::max_depth`].
    #[error("nesting is deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// The collection that went too deep.
        at: Span,
    },
    /// Alias expansion beyond [`Limits::max_alias_nodes`].
    #[error("aliases expand to more than {limit} nodes (a \"billion laughs\" document?)")]
    AliasBudget {
        /// The limit.
        limit: usize,
        /// The alias that crossed it.
        at: Span,
    },
    /// More nodes than [`Limits::max_nodes`].
    #[error("the document has more than {limit} nodes")]
    TooManyNodes {
        /// The limit.
        limit: usize,
        /// Where the limit was crossed.
        at: Span,
    },
    /// An integer literal that does not fit in 64 bits.
    #[error("integer `{text}` is out of range (64-bit signed)")]
    IntegerOverflow {
        /// The literal.
        text: String,
        /// The scalar.
        at: Span,
    },
    /// `.nan` or `.inf`, which JSON (and so the schema) cannot represent.
    #[error("`{text}` is not a finite number")]
    NonFinite {
        /// The literal.
        text: String,
        /// The scalar.
        at: Span,
    },
}

impl YamlError {
    /// The main location of the problem.
    pub fn span(&self) -> Span {
        match self {
            YamlError::Syntax { at, .. }
            | YamlError::NonStringKey { at, .. }
            | YamlError::MergeKey { at }
            | YamlError::UnsupportedTag { at, .. }
            | YamlError::TagMismatch { at, .. }
            | YamlError::MultipleDocuments { at }
            | YamlError::Empty { at }
            | YamlError::TooDeep { at, .. }
            | YamlError::AliasBudget { at, .. }
            | YamlError::TooManyNodes { at, .. }
            | YamlError::IntegerOverflow { at, .. }
            | YamlError::NonFinite { at, .. } => *at,
            YamlError::DuplicateKey { second, .. } => *second,
        }
    }

    /// How to fix it.
    pub fn help(&self) -> String {
        match self {
            YamlError::Syntax { .. } => "check indentation (spaces, not tabs) and quoting near this point".into(),
            YamlError::DuplicateKey { key, first, .. } => format!(
                "`{key}` is first set at line {}; keep one of the two (YAML does not merge them)",
                first.start.line
            ),
            YamlError::NonStringKey { .. } => "quote the key, e.g. \"1\": or \"true\":".into(),
            YamlError::MergeKey { .. } => "write the keys out instead of merging an anchor".into(),
            YamlError::UnsupportedTag { .. } => {
                "remove the tag; only the core tags (!!str, !!int, !!float, !!bool, !!null, !!seq, !!map) are accepted".into()
            }
            YamlError::TagMismatch { .. } => "remove the tag or fix the value".into(),
            YamlError::MultipleDocuments { .. } => {
                "give each document a file of its own (a manifest: one *.readiness.yaml per service)".into()
            }
            YamlError::Empty { .. } => "run `launchgate init` to write a starter manifest".into(),
            YamlError::TooDeep { .. } => "a readiness manifest needs only a few levels; flatten the structure".into(),
            YamlError::AliasBudget { .. } | YamlError::TooManyNodes { .. } => {
                "readiness manifests are small; remove the repeated aliases".into()
            }
            YamlError::IntegerOverflow { .. } => "use a smaller number, or quote it to make it a string".into(),
            YamlError::NonFinite { .. } => "use a finite number".into(),
        }
    }
}

enum Frame {
    Seq {
        start: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Pos,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
}

struct Builder<'a> {
    src: &'a SourceFile,
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node, usize)>,
    root: Option<Node>,
    documents: usize,
    nodes: usize,
    alias_nodes: usize,
}

/// Parse a file's text as a single YAML document.
pub fn parse(src: &SourceFile, limits: &Limits) -> Result<Node, YamlError> {
    let mut b = Builder {
        src,
        limits,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
        documents: 0,
        nodes: 0,
        alias_nodes: 0,
    };
    let mut parser = Parser::new(input::Text::new(&src.text));
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let at = src.pos(e.marker().line(), e.marker().col());
            let at = Span { start: at, end: at };
            // The parser bounds flow nesting itself; report it as the same limit.
            if e.info().contains("recursion limit") {
                return YamlError::TooDeep {
                    limit: limits.max_depth,
                    at,
                };
            }
            YamlError::Syntax {
                message: e.info().to_string(),
                at,
            }
        })?;
        b.on_event(event, span)?;
    }
    b.root.ok_or_else(|| YamlError::Empty {
        at: src.span_of(0, 0),
    })
}

impl Builder<'_> {
    fn span(&self, s: YSpan) -> Span {
        Span {
            start: self.src.pos(s.start.line(), s.start.col()),
            end: self.src.pos(s.end.line(), s.end.col()),
        }
    }

    fn on_event(&mut self, event: Event<'_>, ys: YSpan) -> Result<(), YamlError> {
        let span = self.span(ys);
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(YamlError::MultipleDocuments { at: span });
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let span = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        quoted_end(&self.src.text, span.start.offset, style)
                            .map(|end| self.src.span_of(span.start.offset, end))
                            .unwrap_or(span)
                    }
                    _ => span,
                };
                let node = self.scalar(value, style, tag.as_deref(), span)?;
                self.finish(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.collection_tag(tag.as_deref(), "seq", span)?;
                self.open(span)?;
                self.stack.push(Frame::Seq {
                    start: span.start,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.collection_tag(tag.as_deref(), "map", span)?;
                self.open(span)?;
                self.stack.push(Frame::Map {
                    start: span.start,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => {
                        let end = items.last().map_or(span.end, |n| n.span.end);
                        let node = Node {
                            kind: Kind::Seq(items),
                            span: Span { start, end },
                        };
                        (node, anchor)
                    }
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => {
                        let end = entries.last().map_or(span.end, |e| e.value.span.end);
                        let node = Node {
                            kind: Kind::Map(entries),
                            span: Span { start, end },
                        };
                        (node, anchor)
                    }
                };
                self.finish(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some((_, node, size)) = self.anchors.iter().rev().find(|(a, _, _)| *a == id)
                else {
                    return Err(YamlError::Syntax {
                        message: "alias to an unknown anchor".into(),
                        at: span,
                    });
                };
                self.alias_nodes += size;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(YamlError::AliasBudget {
                        limit: self.limits.max_alias_nodes,
                        at: span,
                    });
                }
                let node = node.clone();
                self.finish(node, 0)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn open(&mut self, span: Span) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError::TooDeep {
                limit: self.limits.max_depth,
                at: span,
            });
        }
        Ok(())
    }

    fn collection_tag(&self, tag: Option<&Tag>, core: &str, span: Span) -> Result<(), YamlError> {
        match tag {
            None => Ok(()),
            Some(t) if t.is_yaml_core_schema() && t.suffix == core => Ok(()),
            Some(t) => Err(YamlError::UnsupportedTag {
                tag: tag_text(t),
                at: span,
            }),
        }
    }

    fn scalar(
        &self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<Node, YamlError> {
        if let Some(t) = tag
            && !(t.is_yaml_core_schema()
                && matches!(t.suffix.as_str(), "str" | "int" | "float" | "bool" | "null"))
        {
            return Err(YamlError::UnsupportedTag {
                tag: tag_text(t),
                at: span,
            });
        }
        if tag.is_none() && !may_resolve(&value, style) {
            return Ok(Node {
                kind: Kind::Str(value.into_owned()),
                span,
            });
        }
        // Resolved from a borrow: a string then takes the parser's own text (no copy when it is
        // already owned), and only a refused scalar copies it for its message.
        let cow_tag = tag.map(Cow::Borrowed);
        let resolved =
            Scalar::parse_from_cow_and_metadata(Cow::Borrowed(&*value), style, cow_tag.as_ref());
        let kind = match resolved {
            None => {
                return Err(YamlError::TagMismatch {
                    tag: tag.map(tag_text).unwrap_or_default(),
                    value: value.into_owned(),
                    at: span,
                });
            }
            Some(Scalar::Null) => Kind::Null,
            Some(Scalar::Boolean(b)) => Kind::Bool(b),
            Some(Scalar::Integer(i)) => Kind::Int(i),
            Some(Scalar::FloatingPoint(f)) => {
                let f = f.into_inner();
                if looks_like_integer(&value) {
                    let text = value.into_owned();
                    return Err(YamlError::IntegerOverflow { text, at: span });
                }
                if !f.is_finite() {
                    let text = value.into_owned();
                    return Err(YamlError::NonFinite { text, at: span });
                }
                Kind::Float(f)
            }
            // A string resolves to the text it was given, unchanged.
            Some(Scalar::String(resolved)) => {
                debug_assert_eq!(resolved, value);
                drop(resolved);
                Kind::Str(value.into_owned())
            }
        };
        Ok(Node { kind, span })
    }

    /// Attach a finished node to its parent (or make it the root) and record its anchor.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::TooManyNodes {
                limit: self.limits.max_nodes,
                at: node.span,
            });
        }
        if anchor > 0 {
            let size = count_nodes(&node);
            self.anchors.push((anchor, node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some((k, key_span)) => entries.push(Entry {
                    key: k,
                    key_span,
                    value: node,
                }),
                None => {
                    let name = match node.kind {
                        Kind::Str(s) => s,
                        _ => {
                            return Err(YamlError::NonStringKey {
                                found: node.type_name(),
                                at: node.span,
                            });
                        }
                    };
                    if name == "<<" {
                        return Err(YamlError::MergeKey { at: node.span });
                    }
                    if let Some(first) = entries.iter().find(|e| e.key == name) {
                        return Err(YamlError::DuplicateKey {
                            key: name,
                            first: first.key_span,
                            second: node.span,
                        });
                    }
                    *key = Some((name, node.span));
                }
            },
        }
        Ok(())
    }
}

/// Whether an untagged scalar can resolve to anything but a string in the YAML 1.2 core schema
/// (saphyr's [`Scalar::parse_from_cow_and_metadata`]): only a plain one, and only empty (null)
/// or starting as a null (`~`, `null`), a boolean or a number (a digit, a sign, a dot) does.
/// The others, most scalars of a manifest, skip the integer and float parses that resolution
/// tries on each.
fn may_resolve(value: &str, style: ScalarStyle) -> bool {
    style == ScalarStyle::Plain
        && matches!(
            value.as_bytes().first(),
            None | Some(
                b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F'
            )
        )
}

fn tag_text(t: &Tag) -> String {
    if t.is_yaml_core_schema() {
        format!("!!{}", t.suffix)
    } else {
        format!("{}{}", t.handle, t.suffix)
    }
}

fn looks_like_integer(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn count_nodes(node: &Node) -> usize {
    let mut count = 0;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.kind {
            Kind::Seq(items) => todo.extend(items),
            Kind::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    count
}

/// End offset (past the closing quote) of a quoted scalar starting at `start`.
///
/// The parser's end marker for a quoted scalar can run past trailing spaces and a comment,
/// which would underline them in diagnostics.
fn quoted_end(text: &str, start: usize, style: ScalarStyle) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = match style {
        ScalarStyle::SingleQuoted => b'\'',
        _ => b'"',
    };
    if bytes.get(start) != Some(&quote) {
        return None;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if quote == b'"' && b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests;
