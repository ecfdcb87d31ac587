//! Gates over a Prometheus query. Each series of the result is judged on its own and every
//! series must pass. The expression reads a series' samples as `value`: at the evaluation
//! time for an instant query, through the window functions (`max(value)`, `rate(value)`,
//! `all(value < 1)`, ...) for a range query over the gate's window, so Prometheus samples
//! and history samples share one evaluator.
//!
//! Anything inconclusive holds, never passes: no server, an HTTP or PromQL error, a
//! timeout, an empty result, NaN or an infinity, or a series that leaves a gap longer than
//! `max_gap` in the window.

mod past;

pub use past::past;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cel::Context;

use super::compile::{Compiled, MAX_POINTS, Query, QueryEval, default_step_ms};
use super::fmt_ms;
use super::phase::Ctx;
use super::sample::{Cell, Columns, Sample, Strings, number};
use super::window::{self, Cache, Data};
use crate::duration::format_seconds;
use crate::expr::{Expr, display};
use crate::prometheus::{Client, Endpoint, Series, show_labels};
use crate::report::{Finding, Outcome};

/// A query's series, or why there are none (the message a hold shows).
type Answer = Result<Arc<Vec<Series>>, String>;

/// The server gates query, with each distinct query asked once per run.
pub struct Source {
    client: Result<Client, String>,
    memo: Mutex<HashMap<String, Answer>>,
}

impl Source {
    /// A source for the endpoint, or one that explains there is none.
    pub fn new(endpoint: Option<Endpoint>) -> Source {
        Source {
            client: endpoint.map(Client::new).ok_or_else(|| {
                "no Prometheus server: set `rollout.prometheus`, LAUNCHGATE_PROMETHEUS_URL or --prometheus".to_string()
            }),
            memo: Mutex::new(HashMap::new()),
        }
    }

    fn ask(
        &self,
        key: String,
        run: impl FnOnce(&Client) -> Result<Vec<Series>, crate::prometheus::QueryError>,
    ) -> Answer {
        if let Some(hit) = self.memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let result = match &self.client {
            Err(why) => Err(why.clone()),
            Ok(c) => run(c).map(Arc::new).map_err(|e| e.to_string()),
        };
        if let Ok(mut m) = self.memo.lock() {
            m.insert(key, result.clone());
        }
        result
    }

    fn instant(&self, query: &str, at: i64) -> Answer {
        self.ask(format!("i {at} {query}"), |c| c.instant(query, at))
    }

    fn range(&self, query: &str, from: i64, to: i64, step: i64) -> Answer {
        self.ask(format!("r {from} {to} {step} {query}"), |c| {
            c.range(query, from, to, step)
        })
    }
}

/// How one series came out.
enum Judged {
    Pass(String),
    /// The gate held false on the series.
    Fail(String),
    /// The gate cannot be evaluated on it: it fails, and says nothing of the release.
    Broken(String),
    Hold(String),
}

fn gap_ms(ctx: &Ctx, q: &Query, step: i64) -> i64 {
    // Samples a step apart are as dense as the query can show; never demand more.
    q.max_gap_ms
        .unwrap_or(ctx.inputs.settings.max_gap_ms)
        .max(step)
}

fn window_step(q: &Query, w: i64, span: i64) -> i64 {
    let step = q.step_ms.unwrap_or_else(|| default_step_ms(w));
    // Prometheus refuses more points than MAX_POINTS per series: coarsen for long spans.
    step.max((span + MAX_POINTS - 1) / MAX_POINTS)
}

/// The finding of a query gate now.
pub fn now(ctx: &Ctx, g: &Compiled, q: &Query) -> Finding {
    let phase = &ctx.phases[g.phase].name;
    let named = g.named(phase);
    let now = ctx.inputs.now_ms;
    let mut evidence = vec![
        format!("query: {}", q.query),
        format!("expression: {}", g.source),
    ];
    let (fetched, when) = match &q.eval {
        QueryEval::Instant(_) => {
            evidence.push(format!("instant query at {}", fmt_ms(now)));
            (ctx.prom.instant(&q.query, now), "now".to_string())
        }
        QueryEval::Windowed(_, w) => {
            let step = window_step(q, *w, *w);
            evidence.push(format!(
                "range query over ({}, {}] every {}",
                fmt_ms(now - w),
                fmt_ms(now),
                format_seconds(step / 1000)
            ));
            (
                ctx.prom.range(&q.query, now - w, now, step),
                format!("over the last {}", format_seconds(w / 1000)),
            )
        }
    };
    let hold = |message: String, evidence: Vec<String>| {
        let mut f = ctx
            .finding(&g.id, &g.title, Outcome::Hold, message, &g.route)
            .help("inconclusive: check the Prometheus server, the query and the data, and evaluate again; a hold never promotes");
        f.evidence = evidence;
        f
    };
    let series = match fetched {
        Ok(s) => s,
        Err(reason) => return hold(format!("{named} is not evaluated: {reason}"), evidence),
    };
    if series.is_empty() {
        return hold(
            format!(
                "{named} is inconclusive {when}: the query returned no series (no data is not evidence of health)"
            ),
            evidence,
        );
    }
    let judged: Vec<(String, Judged)> = series
        .iter()
        .map(|s| {
            let labels = show_labels(&s.labels);
            let j = match &q.eval {
                QueryEval::Instant(e) => instant_one(e, s),
                QueryEval::Windowed(p, w) => {
                    let gap = gap_ms(ctx, q, window_step(q, *w, *w));
                    window_one(p, s, now - w, now, gap)
                }
            };
            (labels, j)
        })
        .collect();
    let (outcome, message) = summarize(&named, &when, &judged);
    for (labels, j) in &judged {
        let (word, text) = match j {
            Judged::Pass(t) => ("passes", t),
            Judged::Fail(t) | Judged::Broken(t) => ("FAILS", t),
            Judged::Hold(t) => ("holds", t),
        };
        evidence.push(format!("{labels} {word}: {text}"));
    }
    if outcome == Outcome::Hold {
        return hold(message, evidence);
    }
    let mut f = ctx.finding(&g.id, &g.title, outcome, message, &g.route);
    if judged.iter().any(|(_, j)| matches!(j, Judged::Fail(_))) {
        f.help = Some(format!(
            "{} (see the rollback runbook); the series and sample named here show where it went wrong",
            crate::gate::ROLL_BACK
        ));
    } else if outcome == Outcome::Fail {
        f.help = Some("fix the gate's expression: it cannot be evaluated on the series".into());
    }
    f.evidence = evidence;
    f
}

fn summarize(named: &str, when: &str, judged: &[(String, Judged)]) -> (Outcome, String) {
    let n = judged.len();
    let fails: Vec<(&String, &String)> = judged
        .iter()
        .filter_map(|(l, j)| match j {
            Judged::Fail(t) | Judged::Broken(t) => Some((l, t)),
            _ => None,
        })
        .collect();
    let holds: Vec<(&String, &String)> = judged
        .iter()
        .filter_map(|(l, j)| match j {
            Judged::Hold(t) => Some((l, t)),
            _ => None,
        })
        .collect();
    let more = |k: usize| {
        if k > 1 {
            format!(" (and {} more of {n} series)", k - 1)
        } else {
            String::new()
        }
    };
    if let Some((labels, text)) = fails.first() {
        return (
            Outcome::Fail,
            format!(
                "{named} fails {when} for {labels}: {text}{}",
                more(fails.len())
            ),
        );
    }
    if let Some((labels, text)) = holds.first() {
        return (
            Outcome::Hold,
            format!(
                "{named} is inconclusive {when} for {labels}: {text}{}",
                more(holds.len())
            ),
        );
    }
    let shown: Vec<String> = judged
        .iter()
        .take(3)
        .map(|(l, j)| match j {
            Judged::Pass(t) => format!("{l}: {t}"),
            _ => l.clone(),
        })
        .collect();
    let tail = if n > 3 { "; ..." } else { "" };
    let all = if n == 1 {
        "its series".to_string()
    } else {
        format!("all {n} series")
    };
    (
        Outcome::Pass,
        format!("{named} holds {when} for {all}: {}{tail}", shown.join("; ")),
    )
}

/// A value as Prometheus writes it.
fn show_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        display(&number(v))
    }
}

fn not_a_number(t: i64, v: f64) -> Judged {
    Judged::Hold(format!(
        "the value is {} at {}: not a number a gate can judge",
        show_value(v),
        fmt_ms(t)
    ))
}

fn no_samples(s: &Series) -> String {
    if s.histograms > 0 {
        "it has native-histogram samples, not numbers; query a number (e.g. histogram_quantile)"
            .into()
    } else {
        "no samples".into()
    }
}

fn instant_one(e: &Expr, s: &Series) -> Judged {
    let Some(&(t, v)) = s.points.last() else {
        return Judged::Hold(no_samples(s));
    };
    if !v.is_finite() {
        return not_a_number(t, v);
    }
    match eval_value(e, s, v) {
        Ok(true) => Judged::Pass(format!("value = {}", show_value(v))),
        Ok(false) => Judged::Fail(format!("value = {} at {}", show_value(v), fmt_ms(t))),
        Err((true, why)) => Judged::Hold(format!("value = {}: {why}", show_value(v))),
        Err((false, why)) => Judged::Broken(format!("cannot be evaluated: {why}")),
    }
}

/// The expression with `value` and `labels` bound: Ok(bool), or Err((missing, why)).
fn eval_value(e: &Expr, s: &Series, v: f64) -> Result<bool, (bool, String)> {
    let mut c = Context::with_env(crate::expr::env());
    c.add_variable_from_value("value", number(v));
    let labels: serde_json::Map<String, serde_json::Value> = s
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    c.add_variable_from_value(
        "labels",
        crate::expr::from_json(&serde_json::Value::Object(labels)),
    );
    match e.eval(&c) {
        Ok(cel::Value::Bool(b)) => Ok(b),
        Ok(other) => Err((
            false,
            format!("evaluates to {}, not a boolean", display(&other)),
        )),
        Err(err) => Err((window::is_missing(&err), err.to_string())),
    }
}

/// Points of a series in `(from, to]`.
fn within(s: &Series, from: i64, to: i64) -> Vec<(i64, f64)> {
    s.points
        .iter()
        .filter(|(t, _)| *t > from && *t <= to)
        .copied()
        .collect()
}

/// Why the points do not cover `(from, to]` with no gap over `gap` ms, if they do not.
fn coverage(points: &[(i64, f64)], from: i64, to: i64, gap: i64) -> Option<String> {
    let (first, last) = (points.first()?, points.last()?);
    let limit = format_seconds(gap / 1000);
    if first.0 - from > gap {
        return Some(format!(
            "the series starts at {}, {} after the window opens (max_gap {limit})",
            fmt_ms(first.0),
            format_seconds((first.0 - from) / 1000)
        ));
    }
    if to - last.0 > gap {
        return Some(format!(
            "the series stops at {}, {} before the evaluation time (max_gap {limit})",
            fmt_ms(last.0),
            format_seconds((to - last.0) / 1000)
        ));
    }
    points.windows(2).find(|p| p[1].0 - p[0].0 > gap).map(|p| {
        format!(
            "a gap of {} in the series before {} (max_gap {limit})",
            format_seconds((p[1].0 - p[0].0) / 1000),
            fmt_ms(p[1].0)
        )
    })
}

/// The points as window samples with one column, `value`; `line` is the point's index + 1.
fn data_of(points: &[(i64, f64)]) -> Arc<Data> {
    Arc::new(Data {
        samples: points
            .iter()
            .enumerate()
            .map(|(i, &(t, v))| Sample {
                ts_ms: t,
                line: i + 1,
                cells: Box::new([Cell::Num(v)]),
                codes: None,
            })
            .collect(),
        columns: Columns::new(["value"]),
        strings: Strings::default(),
    })
}

/// The first sample at which the expression, over the window up to that sample, is false:
/// for `max(value) < 0.02` the first sample at or over 0.02. Windows beyond
/// `MAX_PREFIXES` samples fall back to the window functions' own witness.
fn first_offending(
    p: &super::rewrite::Prepared,
    data: &Arc<Data>,
    cache: &Arc<Cache>,
    from: i64,
    to: i64,
) -> Option<usize> {
    const MAX_PREFIXES: usize = 2000;
    let r = data.range(from, to);
    if r.len() > MAX_PREFIXES {
        return None;
    }
    data.samples[r].iter().find_map(|s| {
        let o = window::evaluate(p, data, cache, s.ts_ms - from, s.ts_ms);
        matches!(o.result, Ok(false)).then_some(s.line)
    })
}

/// The window ending `to` of one series' samples `data`.
fn judge_window(
    p: &super::rewrite::Prepared,
    data: &Arc<Data>,
    cache: &Arc<Cache>,
    w: i64,
    to: i64,
) -> Judged {
    let o = window::evaluate(p, data, cache, w, to);
    let shown: Vec<&str> = o.observed.iter().map(|x| x.text.as_str()).collect();
    let shown = shown.join(", ");
    match o.result {
        Ok(true) => Judged::Pass(shown),
        Ok(false) => {
            let line = first_offending(p, data, cache, to - w, to).or(o.witness.map(|x| x.0));
            let sample = line
                .and_then(|l| data.samples.get(l - 1))
                .and_then(|s| match s.cells.first() {
                    Some(Cell::Num(v)) => Some(format!(
                        "; first offending sample: {} at {}",
                        show_value(*v),
                        fmt_ms(s.ts_ms)
                    )),
                    _ => None,
                })
                .unwrap_or_default();
            Judged::Fail(format!("{shown}{sample}"))
        }
        Err(e) if window::is_missing(&e) => {
            Judged::Hold(format!("the series lacks what it needs: {e}"))
        }
        Err(e) => Judged::Broken(format!("cannot be evaluated: {e}")),
    }
}

fn window_one(p: &super::rewrite::Prepared, s: &Series, from: i64, to: i64, gap: i64) -> Judged {
    let points = within(s, from, to);
    if points.is_empty() {
        return Judged::Hold(no_samples(s));
    }
    if let Some(&(t, v)) = points.iter().find(|x| !x.1.is_finite()) {
        return not_a_number(t, v);
    }
    if let Some(problem) = coverage(&points, from, to, gap) {
        return Judged::Hold(format!("not enough data for the window: {problem}"));
    }
    let data = data_of(&points);
    judge_window(p, &data, &Arc::new(Cache::default()), to - from, to)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::rewrite::prepare;
    use super::*;

    fn series(points: &[(i64, f64)]) -> Series {
        Series {
            labels: BTreeMap::from([("job".to_string(), "app".to_string())]),
            points: points.to_vec(),
            histograms: 0,
        }
    }

    #[test]
    fn first_offending_sample_is_where_the_window_first_fails() {
        let p = prepare("max(value) < 0.02").unwrap();
        let pts: Vec<(i64, f64)> = (1..=10)
            .map(|i| (i * 60_000, if i >= 7 { 0.01 * i as f64 } else { 0.01 }))
            .collect();
        let j = window_one(&p, &series(&pts), 0, 600_000, 300_000);
        let Judged::Fail(text) = j else {
            panic!("should fail")
        };
        assert!(text.contains("max(value) = 0.1"), "{text}");
        assert!(
            text.contains("first offending sample: 0.07 at 1970-01-01T00:07:00Z"),
            "{text}"
        );
    }

    #[test]
    fn gaps_nan_and_empty_hold() {
        let p = prepare("max(value) < 1").unwrap();
        let stops = series(&[(60_000, 0.1), (120_000, 0.1)]);
        assert!(
            matches!(window_one(&p, &stops, 0, 600_000, 300_000), Judged::Hold(t) if t.contains("stops at"))
        );
        let nan = series(&[(60_000, f64::NAN)]);
        assert!(
            matches!(window_one(&p, &nan, 0, 60_000, 300_000), Judged::Hold(t) if t.contains("NaN"))
        );
        let e = Expr::compile("value < 1").unwrap();
        assert!(matches!(instant_one(&e, &series(&[])), Judged::Hold(_)));
        assert!(
            matches!(instant_one(&e, &series(&[(1, f64::INFINITY)])), Judged::Hold(t) if t.contains("+Inf"))
        );
        assert!(matches!(
            instant_one(&e, &series(&[(1, 2.0)])),
            Judged::Fail(_)
        ));
        let by_label = Expr::compile("labels.job == 'app' && value < 1").unwrap();
        assert!(matches!(
            instant_one(&by_label, &series(&[(1, 0.5)])),
            Judged::Pass(_)
        ));
    }
}
