//! Conversions between JSON and CEL values.

use std::collections::HashMap;
use std::sync::Arc;

use cel::Value;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt,
};
use cel::common::value::Val;
use cel::objects::{Key, Map};
use serde_json::Value as Json;

/// JSON to CEL: integers stay integers, other numbers become doubles.
pub fn from_json(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => match n.as_u64() {
                Some(u) => Value::UInt(u),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
        },
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(a) => Value::List(Arc::new(a.iter().map(from_json).collect())),
        Json::Object(o) => {
            let map: HashMap<Key, Value> = o
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), from_json(v)))
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// JSON straight to the interpreter's own values, as [`from_json`] would convert them: binding a
/// manifest through [`Value`] builds every map twice.
pub fn to_val(v: &Json) -> Box<dyn Val + 'static> {
    match v {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Box::new(CelInt::from(i)),
            None => match n.as_u64() {
                Some(u) => Box::new(CelUInt::from(u)),
                None => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
            },
        },
        Json::String(s) => Box::new(CelString::from(s.clone())),
        Json::Array(a) => Box::new(CelList::from(a.iter().map(to_val).collect::<Vec<_>>())),
        Json::Object(o) => Box::new(CelMap::from(
            o.iter()
                .map(|(k, v)| (CelMapKey::from(k.clone()), to_val(v)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// A value a launchgate function built itself, handed to the interpreter as it is.
pub struct Owned(pub Box<dyn Val + 'static>);

impl<'context, 'call> cel::extractors::IntoResolveResult<'context, 'call> for Owned {
    fn into_resolve_result(
        self,
    ) -> Result<cel::common::value::CowVal<'context, 'call>, cel::ExecutionError> {
        Ok(cel::common::value::CowVal::Owned(self.0))
    }
}

/// CEL to JSON, for reports; values JSON cannot hold become strings.
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Json::String(f.to_string()), Json::Number),
        Value::String(s) => Json::String(s.to_string()),
        Value::List(l) => Json::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => {
            let mut entries: Vec<(String, Json)> = m
                .map
                .iter()
                .map(|(k, v)| {
                    let key = match k {
                        Key::String(s) => s.to_string(),
                        Key::Int(i) => i.to_string(),
                        Key::Uint(u) => u.to_string(),
                        Key::Bool(b) => b.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(entries.into_iter().collect())
        }
        other => Json::String(format!("{other:?}")),
    }
}

/// A value as shown in messages: strings bare, everything else as JSON.
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        other => to_json(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn to_val_converts_as_from_json_does() {
        let json = serde_json::json!({
            "s": "x", "i": -3, "u": u64::MAX, "f": 1.5, "b": true, "n": null,
            "l": [1, "a", {"k": []}], "m": {"deep": {"er": 2}}
        });
        let mut a = cel::Context::default();
        a.add_variable_from_value("v", super::from_json(&json));
        let mut b = cel::Context::default();
        b.add_variable_as_val("v", super::to_val(&json));
        for expr in [
            "v",
            "v.l[2].k",
            "v.m.deep.er + 1",
            "v.u",
            "v.f * 2.0",
            "size(v)",
            "v.n == null",
        ] {
            let p = cel::Program::compile(expr).unwrap();
            assert_eq!(p.execute(&a), p.execute(&b), "{expr}");
        }
    }
}
