//! YAML documents with a span on every node, and symbolic routes into them.

mod load;
mod route;

pub use load::{Limits, YamlError, lean_json, parse};
pub use route::{Route, Seg};

use crate::source::Span;

/// A YAML node and where it is in its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's value.
    pub kind: Kind,
    /// Where the node is written.
    pub span: Span,
}

/// The value of a node, resolved with the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits in 64 bits.
    Int(i64),
    /// A finite floating point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with string keys, in document order.
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// Where a route points in a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located {
    /// The span to show: the value for scalars, the key for collections held by a key.
    pub span: Span,
    /// Whether the whole route exists; otherwise `span` is its nearest existing ancestor.
    pub exact: bool,
}

impl Node {
    /// The entry of a mapping with this key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The value of a mapping under this key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The string value of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Int(_) => "integer",
            Kind::Float(_) => "number",
            Kind::Str(_) => "string",
            Kind::Seq(_) => "sequence",
            Kind::Map(_) => "mapping",
        }
    }

    /// Follow a route as far as it goes and say where that is.
    ///
    /// A segment `Key("0")` on a sequence is read as index 0, so JSON pointers map directly.
    pub fn locate(&self, route: &Route) -> Located {
        let mut node = self;
        let mut key_span: Option<Span> = None;
        for seg in route.segs() {
            let next = match (seg, &node.kind) {
                (Seg::Key(k), Kind::Map(entries)) => entries
                    .iter()
                    .find(|e| &e.key == k)
                    .map(|e| (&e.value, Some(e.key_span))),
                (Seg::Index(i), Kind::Seq(items)) => items.get(*i).map(|n| (n, None)),
                (Seg::Key(k), Kind::Seq(items)) => k
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|n| (n, None)),
                _ => None,
            };
            match next {
                Some((n, ks)) => {
                    node = n;
                    key_span = ks;
                }
                None => {
                    return Located {
                        span: display_span(node, key_span),
                        exact: false,
                    };
                }
            }
        }
        Located {
            span: display_span(node, key_span),
            exact: true,
        }
    }

    /// Follow a route to a node, if it exists.
    pub fn at(&self, route: &Route) -> Option<&Node> {
        let mut node = self;
        for seg in route.segs() {
            node = match (seg, &node.kind) {
                (Seg::Key(k), Kind::Map(_)) => node.get(k)?,
                (Seg::Index(i), Kind::Seq(items)) => items.get(*i)?,
                (Seg::Key(k), Kind::Seq(items)) => items.get(k.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Where the key of the last segment of a route is written, if the route ends at a key.
    pub fn key_span(&self, route: &Route) -> Option<Span> {
        let (last, parent) = route.split_last()?;
        match last {
            Seg::Key(k) => self.at(&parent)?.entry(k).map(|e| e.key_span),
            Seg::Index(_) => None,
        }
    }

    /// Convert to JSON for schema validation and expression evaluation.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            Kind::Null => J::Null,
            Kind::Bool(b) => J::Bool(*b),
            Kind::Int(i) => J::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Kind::Str(s) => J::String(s.clone()),
            Kind::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Collections are shown by their key (`owners:`) or their first line, not their whole extent.
fn display_span(node: &Node, key_span: Option<Span>) -> Span {
    match (&node.kind, key_span) {
        (Kind::Map(_) | Kind::Seq(_), Some(k)) => k,
        (Kind::Map(entries), None) => entries.first().map_or(node.span, |e| e.key_span),
        (Kind::Seq(items), None) => items.first().map_or(node.span, |n| n.span),
        _ => node.span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use std::path::Path;

    fn doc(text: &str) -> Node {
        let src = SourceFile::new(Path::new("t.yaml"), "t.yaml".into(), text.into());
        parse(&src, &Limits::default()).unwrap()
    }

    #[test]
    fn locate_points_at_values_and_keys() {
        let d = doc("owners:\n  team: core\n  escalation:\n    - {level: 1, contact: x}\n");
        let l = d.locate(&Route::parse("owners.team").unwrap());
        assert!(l.exact);
        assert_eq!((l.span.start.line, l.span.start.column), (2, 9));
        let l = d.locate(&Route::parse("owners.escalation").unwrap());
        assert_eq!((l.span.start.line, l.span.start.column), (3, 3));
        let l = d.locate(&Route::parse("owners.escalation[0].contact").unwrap());
        assert_eq!((l.span.start.line, l.span.start.column), (4, 27));
    }

    #[test]
    fn locate_falls_back_to_the_nearest_ancestor() {
        let d = doc("owners:\n  team: core\n");
        let l = d.locate(&Route::parse("owners.primary").unwrap());
        assert!(!l.exact);
        assert_eq!(l.span.start.line, 1);
        let l = d.locate(&Route::from_pointer("/owners/team/x"));
        assert_eq!((l.span.start.line, l.span.start.column), (2, 9));
    }

    #[test]
    fn json_pointer_indices_address_sequences() {
        let d = doc("risks:\n  - id: R1\n  - id: R2\n");
        let l = d.locate(&Route::from_pointer("/risks/1/id"));
        assert!(l.exact);
        assert_eq!(l.span.start.line, 3);
        assert_eq!(
            d.key_span(&Route::parse("risks[1].id").unwrap())
                .unwrap()
                .start
                .column,
            5
        );
    }
}
