//! JSON as gates read it: like `serde_json::from_slice::<Value>`, but an object that names a
//! key twice is refused. Producers disagree on which copy wins (serde_json and Go keep the
//! last, others the first), so a snapshot with `"rollout_gate": "fail"` and then `"pass"` is
//! no evidence of either.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// Parses one JSON value, refusing duplicate keys (the error names the key and its place).
pub fn parse(text: &[u8]) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Builds a [`Value`], checking each object's keys.
struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(Strict)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Strict)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match out.entry(key) {
                Entry::Occupied(seen) => {
                    return Err(de::Error::custom(format_args!(
                        "key `{}` appears twice in one object",
                        seen.key()
                    )));
                }
                Entry::Vacant(slot) => {
                    slot.insert(map.next_value_seed(Strict)?);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"a": 1, "b": [true, null, -2, 1.5, "x", {"c": {}}], "d": 18446744073709551615}"#,
            "[]",
            "  \"s\"  ",
        ] {
            let strict = parse(text.as_bytes()).unwrap();
            let plain: Value = serde_json::from_str(text).unwrap();
            assert_eq!(strict, plain, "{text}");
        }
    }

    #[test]
    fn refuses_a_key_twice_at_any_depth() {
        for (text, key) in [
            (
                r#"{"rollout_gate": "fail", "rollout_gate": "pass"}"#,
                "rollout_gate",
            ),
            (
                r#"{"health": {"queue_depth": 9, "queue_depth": 0}}"#,
                "queue_depth",
            ),
            (r#"[{"a": 1}, {"b": 1, "b": 2}]"#, "b"),
        ] {
            let e = parse(text.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(&format!("key `{key}` appears twice")), "{e}");
            assert!(e.contains("line 1 column"), "{e}");
        }
        assert!(
            parse(br#"{"a": 1, "A": 2}"#).is_ok(),
            "keys are case-sensitive"
        );
        assert!(parse(br#"{"a": 1} {"#).is_err(), "trailing text");
    }
}
