//! A document's JSON straight from the parser's events, with no spans and no [`Node`] tree.
//!
//! `--schema-only` needs positions only for a document that breaks a rule, and most do not:
//! it builds this first, and only when it gets `None` or the schema refuses the value does it
//! parse again with [`parse`], whose tree locates every error. Building the spanned tree and
//! then copying it into JSON cost about a fifth of such a run's instructions.
//!
//! [`Node`]: super::Node

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

use super::{Limits, input, looks_like_integer, may_resolve};

/// A collection being built.
enum Open {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

/// The document's JSON, exactly as `parse(text)?.to_json()` gives it, when the text is one
/// YAML document that [`parse`] accepts with no tag, anchor or alias; `None` for any other text
/// (an error among them), which is left to [`parse`] to locate and explain.
///
/// [`parse`]: super::parse
pub fn lean_json(text: &str, limits: &Limits) -> Option<Value> {
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    let (mut documents, mut nodes) = (0, 0);
    let mut parser = Parser::new(input::Text::new(text));
    while let Some(next) = parser.next_event() {
        let value = match next.ok()?.0 {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, 0, None) => {
                if may_resolve(&value, style) {
                    resolve(&value, style)?
                } else {
                    Value::String(value.into_owned())
                }
            }
            Event::SequenceStart(0, None) | Event::MappingStart(0, None)
                if stack.len() >= limits.max_depth =>
            {
                return None;
            }
            Event::SequenceStart(0, None) => {
                stack.push(Open::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(0, None) => {
                stack.push(Open::Map(Map::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Open::Seq(items) => Value::Array(items),
                Open::Map(entries, _) => Value::Object(entries),
            },
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {
                continue;
            }
            // A tag, an anchor or an alias: the builder's to judge.
            _ => return None,
        };
        nodes += 1;
        if nodes > limits.max_nodes {
            return None;
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some(Open::Seq(items)) => items.push(value),
            Some(Open::Map(entries, key)) => match key.take() {
                Some(k) => _ = entries.insert(k, value),
                // A key that is no string, the merge key or a repeated key is refused there.
                None => match value {
                    Value::String(k) if k != "<<" && !entries.contains_key(&k) => *key = Some(k),
                    _ => return None,
                },
            },
        }
    }
    root
}

/// An untagged plain scalar resolved as the builder resolves it; `None` where it refuses it.
fn resolve(value: &str, style: ScalarStyle) -> Option<Value> {
    Some(
        match Scalar::parse_from_cow_and_metadata(value.into(), style, None)? {
            Scalar::Null => Value::Null,
            Scalar::Boolean(b) => Value::Bool(b),
            Scalar::Integer(i) => Value::from(i),
            Scalar::FloatingPoint(f) => {
                let f = f.into_inner();
                if looks_like_integer(value) || !f.is_finite() {
                    return None;
                }
                Value::Number(serde_json::Number::from_f64(f)?)
            }
            Scalar::String(s) => Value::String(s.into_owned()),
        },
    )
}
