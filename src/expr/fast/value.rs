//! The evaluator's values: JSON containers borrowed from the inputs, what functions build
//! shared, and the comparisons and arithmetic it is sure of.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::rc::Rc;

use serde_json::{Map, Value as Json};

/// A value: JSON containers stay borrowed; what a function builds is shared.
#[derive(Debug, Clone)]
pub(super) enum V<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Double(f64),
    Str(Cow<'a, str>),
    /// A JSON array or object of the inputs.
    Json(&'a Json),
    /// A JSON array or object a function returned.
    Owned(Rc<Json>),
    /// A list literal or a comprehension's list.
    List(Rc<Vec<V<'a>>>),
}

/// JSON to a value as `convert::to_val` converts it: integers stay integers, other numbers
/// become doubles.
pub(super) fn from_json(j: &Json) -> V<'_> {
    match j {
        Json::Null => V::Null,
        Json::Bool(b) => V::Bool(*b),
        Json::Number(n) => number(n),
        Json::String(s) => V::Str(Cow::Borrowed(s)),
        Json::Array(_) | Json::Object(_) => V::Json(j),
    }
}

/// JSON a function built to a value that owns it.
pub(super) fn owned(j: &Json) -> V<'static> {
    match j {
        Json::Null => V::Null,
        Json::Bool(b) => V::Bool(*b),
        Json::Number(n) => number(n),
        Json::String(s) => V::Str(Cow::Owned(s.clone())),
        Json::Array(_) | Json::Object(_) => V::Owned(Rc::new(j.clone())),
    }
}

/// A JSON number as CEL reads it: an integer if it fits one, else a double.
pub(super) fn number(n: &serde_json::Number) -> V<'static> {
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => V::Int(i),
        (None, Some(u)) => V::UInt(u),
        _ => V::Double(n.as_f64().unwrap_or(f64::NAN)),
    }
}

impl<'a> V<'a> {
    pub(super) fn object(&self) -> Option<&Map<String, Json>> {
        match self {
            V::Json(Json::Object(m)) => Some(m),
            V::Owned(j) => j.as_object(),
            _ => None,
        }
    }

    pub(super) fn str(&self) -> Option<&str> {
        match self {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The field `name` of a map; `None` when missing (an error in CEL) or not a map.
    pub(super) fn field(&self, name: &str) -> Option<V<'a>> {
        match self {
            V::Json(Json::Object(m)) => lookup(m, name).map(from_json),
            V::Owned(j) => j.as_object()?.get(name).map(owned),
            _ => None,
        }
    }

    pub(super) fn elements(&self) -> Option<Vec<V<'a>>> {
        Some(match self {
            V::Json(Json::Array(a)) => a.iter().map(from_json).collect(),
            V::Json(Json::Object(m)) => m.keys().map(|k| V::Str(Cow::Borrowed(k))).collect(),
            V::Owned(j) => match &**j {
                Json::Array(a) => a.iter().map(owned).collect(),
                Json::Object(m) => m.keys().map(|k| V::Str(Cow::Owned(k.clone()))).collect(),
                _ => return None,
            },
            V::List(l) => l.to_vec(),
            _ => return None,
        })
    }

    pub(super) fn size(&self) -> Option<i64> {
        let n = match self {
            V::Str(s) => s.chars().count(),
            V::Json(Json::Array(a)) => a.len(),
            V::Json(Json::Object(m)) => m.len(),
            V::Owned(j) => match &**j {
                Json::Array(a) => a.len(),
                Json::Object(m) => m.len(),
                _ => return None,
            },
            V::List(l) => l.len(),
            _ => return None,
        };
        i64::try_from(n).ok()
    }

    pub(super) fn index(&self, at: &V<'a>) -> Option<V<'a>> {
        match (self, at) {
            (V::Json(Json::Array(a)), V::Int(i)) => a.get(usize::try_from(*i).ok()?).map(from_json),
            (V::Owned(j), V::Int(i)) => j.as_array()?.get(usize::try_from(*i).ok()?).map(owned),
            (V::List(l), V::Int(i)) => l.get(usize::try_from(*i).ok()?).cloned(),
            (_, V::Str(k)) => self.field(k),
            _ => None,
        }
    }
}

/// Equality of like-typed scalars; `None` for anything else (mixed numbers, containers, NaN).
pub(super) fn equal(a: &V<'_>, b: &V<'_>) -> Option<bool> {
    Some(match (a, b) {
        (V::Null, V::Null) => true,
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::Str(x), V::Str(y)) => x == y,
        _ => return order(a, b).map(Ordering::is_eq),
    })
}

/// Order of like-typed numbers and strings; `None` for anything else.
pub(super) fn order(a: &V<'_>, b: &V<'_>) -> Option<Ordering> {
    match (a, b) {
        (V::Int(x), V::Int(y)) => Some(x.cmp(y)),
        (V::UInt(x), V::UInt(y)) => Some(x.cmp(y)),
        (V::Double(x), V::Double(y)) => x.partial_cmp(y),
        (V::Str(x), V::Str(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// `a + b` of like-typed numbers, strings and lists; `None` on overflow or mixed types.
pub(super) fn add<'a>(a: V<'a>, b: V<'a>) -> Option<V<'a>> {
    Some(match (a, b) {
        (V::Int(x), V::Int(y)) => V::Int(x.checked_add(y)?),
        (V::UInt(x), V::UInt(y)) => V::UInt(x.checked_add(y)?),
        (V::Double(x), V::Double(y)) => V::Double(x + y),
        (V::Str(x), V::Str(y)) => V::Str(Cow::Owned(format!("{x}{y}"))),
        (a @ (V::List(_) | V::Json(Json::Array(_))), b) => {
            let mut all = a.elements()?;
            all.extend(match b {
                V::List(_) | V::Json(Json::Array(_)) => b.elements()?,
                _ => return None,
            });
            V::List(Rc::new(all))
        }
        _ => return None,
    })
}

/// `needle in haystack`: a map's key, or a list's element of the same type.
pub(super) fn within(needle: &V<'_>, haystack: &V<'_>) -> Option<bool> {
    if let Some(map) = haystack.object() {
        return Some(map.contains_key(needle.str()?));
    }
    let mut found = false;
    for item in haystack.elements()? {
        found |= equal(needle, &item)?;
    }
    Some(found)
}

/// The value of `name` in a manifest's map. A manifest's maps are small, and a B-tree's search
/// calls `memcmp` for every key it passes; comparing lengths first calls it about once.
fn lookup<'m>(m: &'m Map<String, Json>, name: &str) -> Option<&'m Json> {
    if m.len() > 16 {
        return m.get(name);
    }
    m.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
}
