//! Window functions over history samples, and the evaluation of a windowed gate.
//!
//! Two kinds of fields need different functions. tau's cycle reports carry what *that
//! cycle* did (`upserted_widgets: 3` every healthy cycle), so `sum`, `avg`, `max`, `min`,
//! `count(expr)` and `max_stall` fit them; `increase`, `delta` and `rate` are for real
//! counters that only grow (and reset), as in Prometheus.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use cel::{Context, ExecutionError, Value};

use super::rewrite::{Prepared, Quantifier};
use super::sample::{self, Columns, Numeric, Sample, Strings, number};
use crate::expr::display;

/// The kept samples of a history, in time order, with their layout.
#[derive(Debug, Default)]
pub struct Data {
    /// Samples, sorted by time.
    pub samples: Vec<Sample>,
    /// Which fields the samples keep.
    pub columns: Columns,
    /// Their strings.
    pub strings: Strings,
}

impl Data {
    /// The index range of samples with `from < ts <= to`: windows are half-open, as
    /// PromQL range selectors are.
    pub fn range(&self, from: i64, to: i64) -> Range<usize> {
        let lo = self.samples.partition_point(|s| s.ts_ms <= from);
        let hi = self.samples.partition_point(|s| s.ts_ms <= to);
        lo..hi.max(lo)
    }

    /// Binds the variables `vars` of one sample (missing fields stay unbound, so an
    /// expression reading them fails as "undeclared", which holds).
    pub fn bind_sample(&self, ctx: &mut Context, s: &Sample, vars: &[&str]) {
        for v in vars {
            if let Some(value) = self
                .columns
                .get(v)
                .and_then(|c| sample::to_cel(&s.cells[c], &self.strings))
            {
                ctx.add_variable_from_value(*v, value);
            }
        }
    }
}

/// Per-run caches shared by every window: `after` evaluates the same gates at many
/// instants, and each then costs a lookup instead of a scan.
#[derive(Debug, Default)]
pub struct Cache {
    prefix: Mutex<HashMap<String, Option<Arc<Vec<f64>>>>>,
    truth: Mutex<HashMap<String, Arc<Vec<Truth>>>>,
    /// By reason code, the strings of the history that are it written otherwise.
    otherwise: Mutex<HashMap<String, Arc<Spellings>>>,
}

/// Strings of a history (with their ids) that spell one reason code otherwise.
type Spellings = Vec<(String, u32)>;

/// A per-sample expression's result on one sample.
#[derive(Debug, Clone)]
enum Truth {
    Yes,
    No,
    /// The sample lacks a field the expression reads.
    Missing(String),
    /// The expression does not evaluate to a boolean.
    Broken(String),
}

/// What a window function saw, for the finding's evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// e.g. `sum(failed_cases) = 2`.
    pub text: String,
    /// The sample that explains a violation (first match, extreme value, stall start).
    pub witness: Option<(usize, i64)>,
}

/// Marks errors that mean "the data does not have this", which hold rather than fail.
pub const MISSING: &str = "missing field";

/// The samples of one window and what its functions observed.
pub struct Window {
    data: Arc<Data>,
    cache: Arc<Cache>,
    range: Range<usize>,
    from_ms: i64,
    to_ms: i64,
    observed: Mutex<Vec<Observation>>,
}

/// A reason code with case and separators set aside.
fn spelling_key(code: &str) -> String {
    code.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn missing(function: &str, what: String) -> ExecutionError {
    ExecutionError::function_error(function, format!("{MISSING} {what}"))
}

impl Window {
    fn slice(&self) -> &[Sample] {
        &self.data.samples[self.range.clone()]
    }

    fn observe(&self, text: String, witness: Option<&Sample>) {
        if let Ok(mut o) = self.observed.lock() {
            o.push(Observation {
                text,
                witness: witness.map(|s| (s.line, s.ts_ms)),
            });
        }
    }

    /// A cached prefix array over all samples (None: not representable, e.g. a missing
    /// or non-numeric value somewhere; callers then scan and report it).
    fn prefix(
        &self,
        key: String,
        build: impl FnOnce(&Data) -> Option<Vec<f64>>,
    ) -> Option<Arc<Vec<f64>>> {
        let mut cache = self.cache.prefix.lock().ok()?;
        cache
            .entry(key)
            .or_insert_with(|| build(&self.data).map(Arc::new))
            .clone()
    }

    /// The numeric series of a field, failing on a missing or non-numeric value.
    fn series(&self, function: &str, field: &str) -> Result<Vec<(f64, &Sample)>, ExecutionError> {
        self.slice()
            .iter()
            .map(
                |s| match sample::numeric(s, &self.data.columns, &self.data.strings, field) {
                    Numeric::Num(f) => Ok((f, s)),
                    Numeric::Missing => Err(missing(
                        function,
                        format!("`{field}` in the sample at line {}", s.line),
                    )),
                    Numeric::NotNumber(v) => Err(ExecutionError::function_error(
                        function,
                        format!(
                            "`{field}` is not a number in the sample at line {}: {v}",
                            s.line
                        ),
                    )),
                },
            )
            .collect()
    }

    /// Whether each sample of the window carries reason code `code` (a sample without a
    /// `reason_codes` list is missing data, not "no").
    fn code_flags(&self, function: &str, code: &str) -> Result<Vec<bool>, ExecutionError> {
        if let Some(problem) = self.spelt_otherwise(code) {
            return Err(ExecutionError::function_error(function, problem));
        }
        let id = self.data.strings.get(code);
        self.slice()
            .iter()
            .map(|s| {
                s.has_code(id).ok_or_else(|| {
                    missing(
                        function,
                        format!(
                            "`reason_codes` (a list of strings) in the sample at line {}",
                            s.line
                        ),
                    )
                })
            })
            .collect()
    }

    /// Why counting `code` would miss what the producer writes, when a sample of the window
    /// carries a code that is `code` but for case and separators (`CaseProcessingFailed`,
    /// `case-processing-failed` for `case_processing_failed`): the gate would count none of
    /// them, and pass however many there are.
    fn spelt_otherwise(&self, code: &str) -> Option<String> {
        let others = {
            let mut cache = self.cache.otherwise.lock().ok()?;
            let found = cache.entry(code.to_string()).or_insert_with(|| {
                let key = spelling_key(code);
                let others = self.data.strings.iter();
                let others = others.filter(|(s, _)| *s != code && spelling_key(s) == key);
                Arc::new(others.map(|(s, id)| (s.to_string(), id)).collect())
            });
            found.clone()
        };
        let (other, sample) = others.iter().find_map(|(other, id)| {
            let sample = self
                .slice()
                .iter()
                .find(|s| s.has_code(Some(*id)) == Some(true))?;
            Some((other, sample))
        })?;
        Some(format!(
            "the history writes the reason code `{other}` (line {}), which is `{code}` written otherwise (case, `_`, `-`): the gate counts `{code}` and would miss every one; name the code as the producer writes it",
            sample.line
        ))
    }

    /// The longest stretch of the window without an occurrence: from the window start to
    /// the first occurrence, between occurrences, and from the last one to the window end.
    fn max_stall(&self, name: String, occurs: &[bool]) -> Value {
        let mut longest = (0i64, self.from_ms, None::<&Sample>);
        let mut last = (self.from_ms, None::<&Sample>);
        for (s, &hit) in self.slice().iter().zip(occurs) {
            if hit {
                if s.ts_ms - last.0 > longest.0 {
                    longest = (s.ts_ms - last.0, last.0, last.1);
                }
                last = (s.ts_ms, Some(s));
            }
        }
        if self.to_ms - last.0 > longest.0 {
            longest = (self.to_ms - last.0, last.0, last.1);
        }
        let witness = longest.2.or_else(|| self.slice().first());
        self.observe(
            format!(
                "{name} = {} (no occurrence from {} to {})",
                crate::duration::format_seconds(longest.0 / 1000),
                super::fmt_ms(longest.1),
                super::fmt_ms(longest.1 + longest.0)
            ),
            witness,
        );
        Value::Duration(chrono::Duration::milliseconds(longest.0))
    }
}

fn show(x: f64) -> String {
    display(&number(x))
}

/// Sum of increases, treating a drop as a counter reset (as Prometheus does).
pub fn increase(values: &[f64]) -> f64 {
    values
        .windows(2)
        .map(|w| if w[1] >= w[0] { w[1] - w[0] } else { w[1] })
        .sum()
}

/// Binds the window functions to a context.
fn bind(ctx: &mut Context, w: Arc<Window>) {
    let win = w.clone();
    let _ = ctx.add_function("__w_samples", move || -> i64 {
        let n = win.slice().len();
        win.observe(format!("samples() = {n}"), None);
        n as i64
    });
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_count_reason",
        move |code: Arc<String>| -> Result<i64, ExecutionError> {
            let flags = win.code_flags("count_reason", &code)?;
            let n = flags.iter().filter(|f| **f).count();
            let first = flags.iter().position(|f| *f).map(|i| &win.slice()[i]);
            win.observe(format!("count_reason(\"{code}\") = {n}"), first);
            Ok(n as i64)
        },
    );
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_max_stall_code",
        move |code: Arc<String>| -> Result<Value, ExecutionError> {
            let flags = win.code_flags("max_stall", &code)?;
            Ok(win.max_stall(format!("max_stall(\"{code}\")"), &flags))
        },
    );
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_max_stall_field",
        move |f: Arc<String>| -> Result<Value, ExecutionError> {
            let flags: Vec<bool> = win
                .series("max_stall", &f)?
                .iter()
                .map(|x| x.0 > 0.0)
                .collect();
            Ok(win.max_stall(format!("max_stall({f})"), &flags))
        },
    );
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_increase",
        move |f: Arc<String>| -> Result<Value, ExecutionError> {
            let r = win.range.clone();
            let cumulative = win.prefix(format!("increase:{f}"), |d| {
                let mut c: Vec<f64> = Vec::with_capacity(d.samples.len());
                let mut prev: Option<f64> = None;
                for s in &d.samples {
                    let Numeric::Num(v) = sample::numeric(s, &d.columns, &d.strings, &f) else {
                        return None;
                    };
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
            let seconds = (win.to_ms - win.from_ms) as f64 / 1000.0;
            let r = if seconds > 0.0 {
                increase(&values) / seconds
            } else {
                0.0
            };
            win.observe(format!("rate({f}) = {r:.4}/s"), None);
            Ok(Value::Float(r))
        },
    );
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_sum",
        move |f: Arc<String>| -> Result<Value, ExecutionError> {
            let r = win.range.clone();
            let sums = win.prefix(format!("sum:{f}"), |d| {
                let mut c = Vec::with_capacity(d.samples.len() + 1);
                c.push(0.0);
                for s in &d.samples {
                    let Numeric::Num(v) = sample::numeric(s, &d.columns, &d.strings, &f) else {
                        return None;
                    };
                    c.push(c[c.len() - 1] + v);
                }
                Some(c)
            });
            let total = match sums {
                Some(c) => c[r.end] - c[r.start],
                None => win.series("sum", &f)?.iter().map(|x| x.0).sum(),
            };
            let first = if total != 0.0 {
                win.series("sum", &f)?
                    .into_iter()
                    .find(|x| x.0 != 0.0)
                    .map(|x| x.1)
            } else {
                None
            };
            win.observe(format!("sum({f}) = {}", show(total)), first);
            Ok(number(total))
        },
    );
    let win = w.clone();
    let _ = ctx.add_function(
        "__w_avg",
        move |f: Arc<String>| -> Result<Value, ExecutionError> {
            let s = win.series("avg", &f)?;
            if s.is_empty() {
                return Err(missing("avg", format!("`{f}`: no samples")));
            }
            let a = s.iter().map(|x| x.0).sum::<f64>() / s.len() as f64;
            win.observe(format!("avg({f}) = {}", show(a)), None);
            Ok(Value::Float(a))
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
                    return Err(missing(name, format!("`{f}`: no samples")));
                };
                win.observe(format!("{name}({f}) = {}", show(v)), Some(sample));
                Ok(number(v))
            },
        );
    }
}

/// A windowed evaluation: the result, what the window functions saw, and the sample that
/// explains a violation.
pub struct Outcome {
    /// true/false, or why it could not be decided.
    pub result: Result<bool, ExecutionError>,
    /// What the functions saw.
    pub observed: Vec<Observation>,
    /// (line, time) of the sample that explains a violation or an error.
    pub witness: Option<(usize, i64)>,
    /// Samples in the window.
    pub samples: usize,
}

/// Per-sample results of a quantified expression over every kept sample, computed once.
fn truths(data: &Data, cache: &Cache, q: &super::rewrite::Quantified) -> Arc<Vec<Truth>> {
    if let Some(t) = cache
        .truth
        .lock()
        .ok()
        .and_then(|c| c.get(&q.expr.source).cloned())
    {
        return t;
    }
    let vars = q.expr.references();
    let vars = vars.variables();
    let base = Context::with_env(crate::expr::env());
    let t: Vec<Truth> = data
        .samples
        .iter()
        .map(|s| {
            let mut inner = base.new_inner_scope();
            data.bind_sample(&mut inner, s, &vars);
            match q.expr.eval(&inner) {
                Ok(Value::Bool(true)) => Truth::Yes,
                Ok(Value::Bool(false)) => Truth::No,
                Ok(other) => Truth::Broken(format!(
                    "`{}` evaluates to {} at line {}, not a boolean",
                    q.expr.source,
                    display(&other),
                    s.line
                )),
                Err(e) if is_missing(&e) => Truth::Missing(format!("{e} (line {})", s.line)),
                Err(e) => Truth::Broken(format!("{e} (line {})", s.line)),
            }
        })
        .collect();
    let t = Arc::new(t);
    if let Ok(mut c) = cache.truth.lock() {
        c.insert(q.expr.source.clone(), t.clone());
    }
    t
}

/// Evaluates a windowed gate over `(to - w, to]`.
pub fn evaluate(p: &Prepared, data: &Arc<Data>, cache: &Arc<Cache>, w: i64, to: i64) -> Outcome {
    let range = data.range(to - w, to);
    let win = Arc::new(Window {
        data: data.clone(),
        cache: cache.clone(),
        range: range.clone(),
        from_ms: to - w,
        to_ms: to,
        observed: Mutex::new(Vec::new()),
    });
    let mut c = Context::with_env(crate::expr::env());
    bind(&mut c, win.clone());
    let mut witness: Option<(usize, i64)> = None;
    for q in &p.quantified {
        let t = truths(data, cache, q);
        let slice = &t[range.clone()];
        let samples = &data.samples[range.clone()];
        let problem = slice.iter().zip(samples).find_map(|(x, s)| match x {
            Truth::Missing(m) => Some((missing("per-sample expression", m.clone()), s)),
            Truth::Broken(m) => Some((
                ExecutionError::function_error("per-sample expression", m.clone()),
                s,
            )),
            _ => None,
        });
        if let Some((err, s)) = problem {
            return Outcome {
                result: Err(err),
                observed: Vec::new(),
                witness: Some((s.line, s.ts_ms)),
                samples: range.len(),
            };
        }
        let yes = slice.iter().filter(|x| matches!(x, Truth::Yes)).count();
        let name = match q.kind {
            Quantifier::All => "all",
            Quantifier::Any => "any",
            Quantifier::Count => "count",
        };
        let first_no = slice
            .iter()
            .position(|x| matches!(x, Truth::No))
            .map(|i| &samples[i]);
        let first_yes = slice
            .iter()
            .position(|x| matches!(x, Truth::Yes))
            .map(|i| &samples[i]);
        let (value, seen): (Value, Option<&Sample>) = match q.kind {
            Quantifier::All => ((yes == slice.len()).into(), first_no),
            Quantifier::Any => ((yes > 0).into(), first_yes),
            Quantifier::Count => ((yes as i64).into(), first_yes),
        };
        win.observe(
            format!(
                "{name}({}) = {} ({yes} of {} samples)",
                q.expr.source,
                display(&value),
                slice.len()
            ),
            seen,
        );
        if q.kind == Quantifier::All && yes < slice.len() {
            witness = witness.or(first_no.map(|s| (s.line, s.ts_ms)));
        }
        c.add_variable_from_value(q.var.as_str(), value);
    }
    let result = match p.main.eval(&c) {
        Ok(Value::Bool(b)) => Ok(b),
        Ok(other) => Err(ExecutionError::function_error(
            "gate",
            format!("evaluates to {}, not a boolean", display(&other)),
        )),
        Err(e) => Err(e),
    };
    let observed = win.observed.lock().map(|o| o.clone()).unwrap_or_default();
    let witness = witness.or_else(|| observed.iter().find_map(|o| o.witness));
    Outcome {
        result,
        observed,
        witness,
        samples: range.len(),
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
mod tests;
