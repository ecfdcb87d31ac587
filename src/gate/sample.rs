//! Compact history samples: the fields gates read, as numbers or interned strings.
//!
//! A day of one-second cycle reports is 86,400 lines; keeping each as a `serde_json::Map`
//! costs hundreds of bytes of small allocations per line. Only the fields some gate reads
//! are kept, in fixed columns, and every string (reason codes, health states) is interned.

use std::collections::HashMap;
use std::sync::Arc;

use cel::Value;
use serde_json::Value as Json;

/// One kept field of one sample.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// The line has no such field.
    Missing,
    /// JSON null.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (integers up to 2^53 are exact).
    Num(f64),
    /// An interned string.
    Str(u32),
    /// Anything else (arrays, objects), kept as JSON.
    Other(Box<Json>),
}

/// Interned strings of one history.
#[derive(Debug, Default, Clone)]
pub struct Strings {
    values: Vec<Arc<String>>,
    index: HashMap<String, u32>,
}

impl Strings {
    /// The id of `s`, interning it on first sight.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.index.get(s) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(Arc::new(s.to_string()));
        self.index.insert(s.to_string(), id);
        id
    }

    /// The id of `s`, if it was ever seen.
    pub fn get(&self, s: &str) -> Option<u32> {
        self.index.get(s).copied()
    }

    /// Every string with its id, in the order first seen.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.values.iter().zip(0..).map(|(s, id)| (s.as_str(), id))
    }

    /// The string of an id.
    pub fn resolve(&self, id: u32) -> Arc<String> {
        self.values
            .get(id as usize)
            .cloned()
            .unwrap_or_else(|| Arc::new(String::new()))
    }
}

/// Which top-level fields are kept, and in which column.
#[derive(Debug, Default, Clone)]
pub struct Columns {
    /// Column names, in column order.
    pub names: Vec<String>,
    index: HashMap<String, usize>,
}

impl Columns {
    /// Columns for these top-level field names (sorted, so layouts are deterministic).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Columns {
        let mut names: Vec<String> = names.into_iter().map(str::to_string).collect();
        names.sort();
        names.dedup();
        let index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        Columns { names, index }
    }

    /// The column of a top-level field.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// One history line that parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// When, in unix milliseconds.
    pub ts_ms: i64,
    /// 1-based line in the history file.
    pub line: usize,
    /// Kept fields, by column.
    pub cells: Box<[Cell]>,
    /// Interned `reason_codes`, or `None` when the line has no list of strings there.
    pub codes: Option<Box<[u32]>>,
}

impl Sample {
    /// Builds a sample from a parsed line, keeping only `columns`.
    pub fn from_json(
        ts_ms: i64,
        line: usize,
        fields: &serde_json::Map<String, Json>,
        columns: &Columns,
        strings: &mut Strings,
    ) -> Sample {
        let cells = columns
            .names
            .iter()
            .map(|n| match fields.get(n) {
                None => Cell::Missing,
                Some(v) => cell(v, strings),
            })
            .collect();
        let codes = match fields.get("reason_codes") {
            Some(Json::Array(a)) => a
                .iter()
                .map(|c| c.as_str().map(|s| strings.intern(s)))
                .collect::<Option<Vec<u32>>>()
                .map(Vec::into_boxed_slice),
            _ => None,
        };
        Sample {
            ts_ms,
            line,
            cells,
            codes,
        }
    }

    /// Whether the sample carries reason code `id`.
    pub fn has_code(&self, id: Option<u32>) -> Option<bool> {
        let codes = self.codes.as_ref()?;
        Some(id.is_some_and(|id| codes.contains(&id)))
    }
}

fn cell(v: &Json, strings: &mut Strings) -> Cell {
    match v {
        Json::Null => Cell::Null,
        Json::Bool(b) => Cell::Bool(*b),
        Json::Number(n) => match n.as_f64() {
            // u64 beyond 2^53 and exotic numbers keep their JSON form, exactly.
            Some(f) if n.as_i64().is_none_or(|i| i.unsigned_abs() < (1 << 53)) => Cell::Num(f),
            _ => Cell::Other(Box::new(v.clone())),
        },
        Json::String(s) => Cell::Str(strings.intern(s)),
        other => Cell::Other(Box::new(other.clone())),
    }
}

/// A number as CEL shows it: whole numbers are ints, so `failure_streak == 0` works.
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Value::Int(x as i64)
    } else {
        Value::Float(x)
    }
}

/// A cell as a CEL value (`None`: missing).
pub fn to_cel(c: &Cell, strings: &Strings) -> Option<Value> {
    Some(match c {
        Cell::Missing => return None,
        Cell::Null => Value::Null,
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Num(f) => number(*f),
        Cell::Str(id) => Value::String(strings.resolve(*id)),
        Cell::Other(j) => crate::expr::from_json(j),
    })
}

/// A cell as JSON (`None`: missing).
pub fn to_json(c: &Cell, strings: &Strings) -> Option<Json> {
    Some(match c {
        Cell::Missing => return None,
        Cell::Null => Json::Null,
        Cell::Bool(b) => Json::Bool(*b),
        Cell::Num(f) => serde_json::Number::from_f64(*f)
            .map(|n| {
                if f.fract() == 0.0 && f.abs() < 9e15 {
                    Json::from(*f as i64)
                } else {
                    Json::Number(n)
                }
            })
            .unwrap_or(Json::Null),
        Cell::Str(id) => Json::String(strings.resolve(*id).to_string()),
        Cell::Other(j) => (**j).clone(),
    })
}

/// The numeric value at a dotted path (`backlog_cases`, `health.queue_depth`).
pub enum Numeric {
    /// A finite number.
    Num(f64),
    /// Not there.
    Missing,
    /// There, but not a finite number (shown as JSON).
    NotNumber(String),
}

/// Looks a dotted field up in a sample.
pub fn numeric(s: &Sample, columns: &Columns, strings: &Strings, path: &str) -> Numeric {
    let mut parts = path.split('.');
    let head = parts.next().unwrap_or_default();
    let Some(col) = columns.get(head) else {
        return Numeric::Missing;
    };
    let rest: Vec<&str> = parts.collect();
    let c = &s.cells[col];
    if rest.is_empty() {
        return match c {
            Cell::Num(f) if f.is_finite() => Numeric::Num(*f),
            Cell::Missing => Numeric::Missing,
            other => Numeric::NotNumber(
                to_json(other, strings)
                    .map(|j| j.to_string())
                    .unwrap_or_default(),
            ),
        };
    }
    let Cell::Other(j) = c else {
        return Numeric::Missing;
    };
    let mut v: &Json = j;
    for p in rest {
        match v.get(p) {
            Some(x) => v = x,
            None => return Numeric::Missing,
        }
    }
    match v.as_f64().filter(|f| f.is_finite()) {
        Some(f) => Numeric::Num(f),
        None => Numeric::NotNumber(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_columns_and_interns_codes() {
        let cols = Columns::new(["health_state", "failure_streak", "health"]);
        let mut strings = Strings::default();
        let line: serde_json::Map<String, Json> = serde_json::from_str(
            r#"{"health_state":"healthy","failure_streak":0,"health":{"queue_depth":2},"reason_codes":["a","b"],"dropped":"x"}"#,
        )
        .unwrap();
        let s = Sample::from_json(5, 1, &line, &cols, &mut strings);
        assert_eq!(s.cells.len(), 3);
        assert_eq!(s.has_code(strings.get("b")), Some(true));
        assert_eq!(s.has_code(strings.get("zzz")), Some(false));
        assert!(strings.get("x").is_none());
        assert!(matches!(
            numeric(&s, &cols, &strings, "health.queue_depth"),
            Numeric::Num(f) if f == 2.0
        ));
        assert!(matches!(
            numeric(&s, &cols, &strings, "health_state"),
            Numeric::NotNumber(_)
        ));
        assert!(matches!(
            numeric(&s, &cols, &strings, "absent"),
            Numeric::Missing
        ));
    }

    #[test]
    fn no_reason_codes_is_not_an_empty_list() {
        let cols = Columns::new([]);
        let mut strings = Strings::default();
        let line: serde_json::Map<String, Json> =
            serde_json::from_str(r#"{"reason_codes":"oops"}"#).unwrap();
        let s = Sample::from_json(5, 1, &line, &cols, &mut strings);
        assert_eq!(s.has_code(None), None);
    }
}
