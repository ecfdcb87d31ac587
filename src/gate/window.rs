//! Window functions over history samples, and the rewrite that makes gate expressions call them.
//!
//! Gates are CEL, so `increase(upserted_widgets)` would evaluate `upserted_widgets` before the
//! call. A small source rewrite (string-literal aware) turns window calls into calls with the
//! field name quoted (`__w_increase("upserted_widgets")`), and lifts `all(expr)`/`any(expr)`
//! into per-sample expressions whose results are bound before the gate runs.

use std::sync::{Arc, Mutex};

use cel::{Context, ExecutionError, Value};
use serde_json::Value as Json;

use super::history::Sample;
use crate::expr::{CompileError, Expr};

/// Functions that take a field name.
const FIELD_FUNCTIONS: &[&str] = &["increase", "delta", "max", "min", "rate"];

/// A gate expression ready for windowed evaluation.
#[derive(Debug)]
pub struct Prepared {
    /// The gate as written.
    pub source: String,
    /// The rewritten gate.
    pub main: Expr,
    /// `all`/`any` sub-expressions: (variable, is_all, per-sample expression).
    pub quantified: Vec<(String, bool, Expr)>,
}

/// Whether an expression uses window functions (and so needs `window:`).
pub fn uses_window_functions(source: &str) -> bool {
    let calls = ["count_reason", "samples", "all", "any"]
        .iter()
        .chain(FIELD_FUNCTIONS);
    calls.into_iter().any(|f| find_call(source, f, 0).is_some())
}

/// Rewrites and compiles a windowed gate.
pub fn prepare(source: &str) -> Result<Prepared, CompileError> {
    let mut text = source.to_string();
    let mut quantified = Vec::new();
    for (name, is_all) in [("all", true), ("any", false)] {
        while let Some((start, open, close)) = find_call(&text, name, 0) {
            let inner = text[open + 1..close].to_string();
            let var = format!("__q{}", quantified.len());
            quantified.push((var.clone(), is_all, Expr::compile(&inner)?));
            text.replace_range(start..=close, &var);
        }
    }
    for name in FIELD_FUNCTIONS {
        let mut from = 0;
        while let Some((start, open, close)) = find_call(&text, name, from) {
            let inner = text[open + 1..close].trim().to_string();
            let arg = if is_field_path(&inner) {
                format!("\"{inner}\"")
            } else {
                inner
            };
            let call = format!("__w_{name}({arg})");
            from = start + call.len();
            text.replace_range(start..=close, &call);
        }
    }
    for name in ["count_reason", "samples"] {
        let mut from = 0;
        while let Some((start, open, _)) = find_call(&text, name, from) {
            let prefix = format!("__w_{name}");
            text.replace_range(start..open, &prefix);
            from = start + prefix.len();
        }
    }
    let main = Expr::compile(&text).map_err(|e| CompileError {
        text: source.to_string(),
        message: e.message,
    })?;
    Ok(Prepared {
        source: source.to_string(),
        main,
        quantified,
    })
}

fn is_field_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Finds the first call `name(` at or after `from` that is not a method call or part of a
/// longer identifier, outside string literals: (name start, open paren, matching close paren).
fn find_call(text: &str, name: &str, from: usize) -> Option<(usize, usize, usize)> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' {
            quote = Some(c);
            i += 1;
            continue;
        }
        if i >= from && text[i..].starts_with(name) {
            let before_ok = i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.');
            let mut j = i + name.len();
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if before_ok && j < b.len() && b[j] == b'(' {
                return matching_paren(b, j).map(|close| (i, j, close));
            }
        }
        i += 1;
    }
    None
}

fn matching_paren(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// What a window function saw, for the finding's evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// e.g. `increase(upserted_widgets) = 0`.
    pub text: String,
    /// The sample that explains a violation (first match, extreme value), if any.
    pub witness: Option<(usize, i64)>,
}

/// Prefix sums over all kept samples, shared by every window of a run: `after` evaluates
/// the same gates at many instants, and each then costs O(1) instead of a scan.
pub type Prefixes = Arc<Mutex<std::collections::HashMap<String, Option<Arc<Vec<f64>>>>>>;

/// The samples of one window and what its functions observed.
pub struct Window {
    /// All kept samples.
    pub samples: Arc<Vec<Sample>>,
    /// Shared prefix sums over `samples`.
    pub prefixes: Prefixes,
    /// Index range of this window in `samples`.
    pub range: std::ops::Range<usize>,
    /// Window length in seconds (for `rate`).
    pub seconds: f64,
    /// Filled while the gate evaluates.
    pub observed: Mutex<Vec<Observation>>,
}

/// Marks errors that mean "the data does not have this", which hold rather than fail.
pub const MISSING: &str = "missing field";

impl Window {
    fn slice(&self) -> &[Sample] {
        &self.samples[self.range.clone()]
    }

    /// The cached prefix array for `key`, built once by `build` (None: not representable,
    /// e.g. a missing or non-numeric value somewhere; callers then scan).
    fn prefix(
        &self,
        key: String,
        build: impl FnOnce(&[Sample]) -> Option<Vec<f64>>,
    ) -> Option<Arc<Vec<f64>>> {
        let mut cache = self.prefixes.lock().ok()?;
        cache
            .entry(key)
            .or_insert_with(|| build(&self.samples).map(Arc::new))
            .clone()
    }

    fn observe(&self, text: String, witness: Option<&Sample>) {
        if let Ok(mut o) = self.observed.lock() {
            o.push(Observation {
                text,
                witness: witness.map(|s| (s.line, s.ts_ms)),
            });
        }
    }

    /// The numeric series of a field, failing on a missing or non-numeric value.
    fn series(&self, function: &str, field: &str) -> Result<Vec<(f64, &Sample)>, ExecutionError> {
        self.slice()
            .iter()
            .map(|s| match lookup(&s.fields, field) {
                None => Err(ExecutionError::function_error(
                    function,
                    format!("{MISSING} `{field}` in the sample at line {}", s.line),
                )),
                Some(v) => v
                    .as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| (f, s))
                    .ok_or_else(|| {
                        ExecutionError::function_error(
                            function,
                            format!(
                                "`{field}` is not a number in the sample at line {}: {v}",
                                s.line
                            ),
                        )
                    }),
            })
            .collect()
    }
}

/// A dotted field of a JSON object.
pub fn lookup<'a>(fields: &'a serde_json::Map<String, Json>, path: &str) -> Option<&'a Json> {
    let mut parts = path.split('.');
    let mut v = fields.get(parts.next()?)?;
    for p in parts {
        v = v.get(p)?;
    }
    Some(v)
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Value::Int(x as i64)
    } else {
        Value::Float(x)
    }
}

fn show(x: f64) -> String {
    crate::expr::display(&number(x))
}

/// Sum of increases, treating a drop as a counter reset (as Prometheus does).
pub fn increase(values: &[f64]) -> f64 {
    values
        .windows(2)
        .map(|w| if w[1] >= w[0] { w[1] - w[0] } else { w[1] })
        .sum()
}

/// Binds the window functions to a context.
pub fn bind(ctx: &mut Context<'static, 'static>, w: Arc<Window>) {
    let win = w.clone();
    let _ = ctx.add_function("__w_samples", move || -> i64 {
        let n = win.slice().len();
        win.observe(format!("samples() = {n}"), None);
        n as i64
    });
    let win = w.clone();
    let _ = ctx.add_function("__w_count_reason", move |code: Arc<String>| -> i64 {
        let has = |s: &Sample| {
            s.fields
                .get("reason_codes")
                .and_then(Json::as_array)
                .is_some_and(|a| a.iter().any(|c| c.as_str() == Some(code.as_str())))
        };
        let counts = win.prefix(format!("count:{code}"), |all| {
            let mut c = Vec::with_capacity(all.len() + 1);
            c.push(0.0);
            for s in all {
                c.push(c[c.len() - 1] + if has(s) { 1.0 } else { 0.0 });
            }
            Some(c)
        });
        let r = win.range.clone();
        let n = match counts {
            Some(c) => (c[r.end] - c[r.start]) as i64,
            None => win.slice().iter().filter(|s| has(s)).count() as i64,
        };
        let first = if n > 0 {
            win.slice().iter().find(|s| has(s))
        } else {
            None
        };
        win.observe(format!("count_reason(\"{code}\") = {n}"), first);
        n
    });
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_increase",
        move |f: Arc<String>| -> Result<Value, ExecutionError> {
            let r = win.range.clone();
            let cumulative = win.prefix(format!("increase:{f}"), |all| {
                let mut c: Vec<f64> = Vec::with_capacity(all.len());
                let mut prev: Option<f64> = None;
                for s in all {
                    let v = lookup(&s.fields, &f)?.as_f64().filter(|x| x.is_finite())?;
                    let step = match prev {
                        Some(p) if v >= p => v - p,
                        Some(_) => v,
                        None => 0.0,
                    };
                    c.push(c.last().copied().unwrap_or(0.0) + step);
                    prev = Some(v);
                }
                Some(c)
            });
            let inc = match cumulative {
                Some(c) if r.end > r.start => c[r.end - 1] - c[r.start],
                Some(_) => 0.0,
                None => {
                    let s = win.series("increase", &f)?;
                    increase(&s.iter().map(|x| x.0).collect::<Vec<_>>())
                }
            };
            win.observe(
                format!("increase({f}) = {}", show(inc)),
                win.slice().first(),
            );
            Ok(number(inc))
        },
    );
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_delta",
        move |f: Arc<String>| -> Result<Value, ExecutionError> {
            let s = win.series("delta", &f)?;
            let d = match (s.first(), s.last()) {
                (Some(a), Some(b)) => b.0 - a.0,
                _ => 0.0,
            };
            win.observe(format!("delta({f}) = {}", show(d)), s.first().map(|x| x.1));
            Ok(number(d))
        },
    );
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_rate",
        move |f: Arc<String>| -> Result<Value, ExecutionError> {
            let s = win.series("rate", &f)?;
            let values: Vec<f64> = s.iter().map(|x| x.0).collect();
            let r = if win.seconds > 0.0 {
                increase(&values) / win.seconds
            } else {
                0.0
            };
            win.observe(format!("rate({f}) = {r:.4}/s"), None);
            Ok(Value::Float(r))
        },
    );
    for (name, want_max) in [("max", true), ("min", false)] {
        let win = w.clone();
        let _ = ctx.add_function(
            &format!("__w_{name}"),
            move |f: Arc<String>| -> Result<Value, ExecutionError> {
                let s = win.series(name, &f)?;
                let best = s.iter().fold(None::<&(f64, &Sample)>, |acc, x| match acc {
                    Some(a) if (want_max && a.0 >= x.0) || (!want_max && a.0 <= x.0) => Some(a),
                    _ => Some(x),
                });
                let Some(&(v, sample)) = best else {
                    return Err(ExecutionError::function_error(
                        name,
                        format!("{MISSING} `{f}`: no samples"),
                    ));
                };
                win.observe(format!("{name}({f}) = {}", show(v)), Some(sample));
                Ok(number(v))
            },
        );
    }
}

/// Binds one sample's fields as variables (for per-sample and snapshot expressions).
pub fn bind_fields(ctx: &mut Context<'_, 'static>, fields: &serde_json::Map<String, Json>) {
    for (k, v) in fields {
        ctx.add_variable_from_value(k.as_str(), crate::expr::from_json(v));
    }
}

/// Whether an evaluation error means the data lacks a field (hold) rather than a broken gate.
pub fn is_missing(e: &ExecutionError) -> bool {
    match e {
        ExecutionError::NoSuchKey(_) | ExecutionError::UndeclaredReference(_) => true,
        other => other.to_string().contains(MISSING),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(line: usize, ts: i64, fields: Json) -> Sample {
        Sample {
            ts_ms: ts,
            line,
            fields: fields.as_object().unwrap().clone(),
        }
    }

    fn eval(src: &str, samples: Vec<Sample>) -> (Result<Value, String>, Vec<Observation>) {
        let p = prepare(src).unwrap();
        let n = samples.len();
        let w = Arc::new(Window {
            samples: Arc::new(samples),
            prefixes: Prefixes::default(),
            range: 0..n,
            seconds: 60.0,
            observed: Mutex::new(Vec::new()),
        });
        let mut ctx = Context::with_env(crate::expr::env());
        bind(&mut ctx, w.clone());
        for (var, is_all, e) in &p.quantified {
            let mut ok = *is_all;
            for s in w.slice() {
                let mut inner = ctx.new_inner_scope();
                bind_fields(&mut inner, &s.fields);
                let b = e.eval_bool(&inner).unwrap();
                ok = if *is_all { ok && b } else { ok || b };
            }
            ctx.add_variable_from_value(var.as_str(), ok);
        }
        let r = p.main.eval(&ctx).map_err(|e| e.to_string());
        let obs = w.observed.lock().unwrap().clone();
        (r, obs)
    }

    #[test]
    fn rewrite_quotes_fields_and_skips_strings_and_methods() {
        let p = prepare("increase(upserted_widgets) > 0 && max(health.queue_depth) <= 1 && 'max(x)' != x.max(y)").unwrap();
        assert!(p.main.source.contains("__w_increase(\"upserted_widgets\")"));
        assert!(p.main.source.contains("__w_max(\"health.queue_depth\")"));
        assert!(p.main.source.contains("'max(x)'"));
        assert!(p.main.source.contains("x.max(y)"));
        let p = prepare("all(health_state == \"healthy\") && count_reason(\"a\") == 0").unwrap();
        assert_eq!(p.quantified.len(), 1);
        assert!(p.main.source.starts_with("__q0 && __w_count_reason("));
        assert!(uses_window_functions("samples() > 3"));
        assert!(!uses_window_functions("rollout_gate == 'pass'"));
    }

    #[test]
    fn empty_window() {
        let (r, _) = eval(
            "samples() == 0 && count_reason('x') == 0 && increase(a) == 0",
            vec![],
        );
        assert_eq!(r, Ok(Value::Bool(true)));
        let (r, _) = eval("max(a) > 0", vec![]);
        assert!(r.unwrap_err().contains(MISSING));
    }

    #[test]
    fn one_sample() {
        let s = vec![sample(
            1,
            0,
            serde_json::json!({"a": 5, "reason_codes": ["x"]}),
        )];
        let (r, obs) = eval(
            "increase(a) == 0 && delta(a) == 0 && max(a) == 5 && min(a) == 5 && count_reason('x') == 1",
            s,
        );
        assert_eq!(r, Ok(Value::Bool(true)));
        assert_eq!(
            obs.iter()
                .find(|o| o.text.starts_with("count_reason"))
                .unwrap()
                .witness,
            Some((1, 0))
        );
    }

    #[test]
    fn counter_reset_in_increase() {
        const VALUES: [i64; 4] = [10, 15, 3, 7];
        assert_eq!(increase(&[10.0, 15.0, 3.0, 7.0]), 5.0 + 3.0 + 4.0);
        let s = (0..4)
            .map(|i| sample(i + 1, i as i64 * 1000, serde_json::json!({"a": VALUES[i]})))
            .collect();
        let (r, _) = eval("increase(a) == 12 && delta(a) == -3", s);
        assert_eq!(r, Ok(Value::Bool(true)));
    }

    #[test]
    fn duplicate_timestamps_count_every_sample() {
        let s = vec![
            sample(
                1,
                1000,
                serde_json::json!({"reason_codes": ["retry_attempted"]}),
            ),
            sample(
                2,
                1000,
                serde_json::json!({"reason_codes": ["retry_attempted"]}),
            ),
        ];
        let (r, obs) = eval("count_reason('retry_attempted')", s);
        assert_eq!(r, Ok(Value::Int(2)));
        assert_eq!(obs[0].witness, Some((1, 1000)));
    }

    #[test]
    fn all_and_any_per_sample() {
        let s = vec![
            sample(1, 0, serde_json::json!({"health_state": "healthy"})),
            sample(2, 1, serde_json::json!({"health_state": "degraded"})),
        ];
        let (r, _) = eval(
            "!all(health_state == 'healthy') && any(health_state == 'degraded')",
            s,
        );
        assert_eq!(r, Ok(Value::Bool(true)));
    }

    #[test]
    fn non_numbers_are_errors_and_missing_fields_are_marked() {
        let s = vec![sample(3, 0, serde_json::json!({"a": "12"}))];
        let (r, _) = eval("increase(a) > 0", s.clone());
        let e = r.unwrap_err();
        assert!(e.contains("not a number") && e.contains("line 3"), "{e}");
        let (r, _) = eval("increase(b) > 0", s);
        assert!(r.unwrap_err().contains(MISSING));
    }
}
