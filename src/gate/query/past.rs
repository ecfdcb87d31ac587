//! `after` for gates over Prometheus: one range query over the span (and the gate's window
//! before it), then the gate at every sample of the span, as history gates are.

use std::sync::Arc;

use super::super::after::{self, Problem};
use super::super::compile::{Compiled, Query, QueryEval};
use super::super::fmt_ms;
use super::super::phase::Ctx;
use super::super::window::Cache;
use super::{
    Judged, coverage, data_of, eval_value, gap_ms, judge_window, no_samples, show_value,
    window_step, within,
};
use crate::duration::format_seconds;
use crate::prometheus::show_labels;
use crate::report::Outcome;

/// Whether a query gate of an earlier phase held over the last `after` ms: a range query
/// over the span (and the window before it), then the gate at every sample of the span.
pub fn past(ctx: &Ctx, g: &Compiled, q: &Query, after: i64, i: usize) -> Option<Problem> {
    let now = ctx.inputs.now_ms;
    let named = g.named(&ctx.phases[g.phase].name);
    let w = match &q.eval {
        QueryEval::Windowed(_, w) => *w,
        QueryEval::Instant(_) => 0,
    };
    let step = match &q.eval {
        QueryEval::Windowed(..) => window_step(q, w, after + w),
        QueryEval::Instant(_) => window_step(q, after, after),
    };
    let gap = gap_ms(ctx, q, step);
    let mut evidence = vec![
        format!("query: {}", q.query),
        format!("expression: {}", g.source),
        format!(
            "range query over ({}, {}] every {}",
            fmt_ms(now - after - w),
            fmt_ms(now),
            format_seconds(step / 1000)
        ),
    ];
    let problem = |outcome: Outcome, message: String, evidence: Vec<String>| Problem {
        outcome,
        message,
        gate: i,
        witness: None,
        evidence,
        held_false: false,
    };
    let span = format_seconds(after / 1000);
    let series = match ctx.prom.range(&q.query, now - after - w, now, step) {
        Ok(s) => s,
        Err(reason) => {
            return Some(problem(
                Outcome::Hold,
                format!("cannot tell whether {named} held for {span}: {reason}"),
                evidence,
            ));
        }
    };
    if series.is_empty() {
        return Some(problem(
            Outcome::Hold,
            format!("cannot tell whether {named} held for {span}: the query returned no series"),
            evidence,
        ));
    }
    let mut broken: Option<Problem> = None;
    let mut hold: Option<Problem> = None;
    for s in series.iter() {
        let labels = show_labels(&s.labels);
        let points = within(s, now - after - w, now);
        let inconclusive = if points.is_empty() {
            Some(no_samples(s))
        } else if let Some(&(t, v)) = points.iter().find(|x| !x.1.is_finite()) {
            Some(format!("the value is {} at {}", show_value(v), fmt_ms(t)))
        } else {
            coverage(&points, now - after - w, now, gap)
        };
        if let Some(why) = inconclusive {
            hold.get_or_insert_with(|| {
                problem(
                    Outcome::Hold,
                    format!("cannot tell whether {named} held for {span} for {labels}: {why}"),
                    evidence.clone(),
                )
            });
            continue;
        }
        let found = match &q.eval {
            QueryEval::Instant(e) => points.iter().find_map(|&(t, v)| match eval_value(e, s, v) {
                Ok(true) => None,
                Ok(false) => Some((
                    Outcome::Fail,
                    format!(
                        "{named} did not hold at {} for {labels}: value = {}",
                        fmt_ms(t),
                        show_value(v)
                    ),
                    true,
                )),
                Err((missing, why)) => Some((
                    if missing {
                        Outcome::Hold
                    } else {
                        Outcome::Fail
                    },
                    format!(
                        "{named} cannot be evaluated at {} for {labels}: {why}",
                        fmt_ms(t)
                    ),
                    false,
                )),
            }),
            QueryEval::Windowed(p, w) => {
                let data = data_of(&points);
                let cache = Arc::new(Cache::default());
                let instants: Vec<i64> = points
                    .iter()
                    .map(|x| x.0)
                    .filter(|t| *t > now - after)
                    .collect();
                let thin = instants.len().div_ceil(after::MAX_CHECKPOINTS).max(1);
                let mut checkpoints: Vec<i64> = instants.iter().step_by(thin).copied().collect();
                checkpoints.push(now);
                checkpoints.into_iter().find_map(|t| {
                    let over = format!("the {} ending {}", format_seconds(w / 1000), fmt_ms(t));
                    match judge_window(p, &data, &cache, *w, t) {
                        Judged::Pass(_) => None,
                        Judged::Fail(text) => Some((
                            Outcome::Fail,
                            format!("{named} did not hold over {over} for {labels}: {text}"),
                            true,
                        )),
                        Judged::Broken(text) => Some((
                            Outcome::Fail,
                            format!("{named} over {over} for {labels}: {text}"),
                            false,
                        )),
                        Judged::Hold(text) => Some((
                            Outcome::Hold,
                            format!("{named} is inconclusive over {over} for {labels}: {text}"),
                            false,
                        )),
                    }
                })
            }
        };
        match found {
            Some((Outcome::Fail, message, true)) => {
                evidence.push(message.clone());
                return Some(Problem {
                    held_false: true,
                    ..problem(Outcome::Fail, message, evidence)
                });
            }
            Some((Outcome::Fail, message, false)) => {
                let mut seen = evidence.clone();
                seen.push(message.clone());
                broken.get_or_insert_with(|| problem(Outcome::Fail, message, seen));
            }
            Some((_, message, _)) => {
                hold.get_or_insert_with(|| problem(Outcome::Hold, message, evidence.clone()));
            }
            None => {}
        }
    }
    broken.or(hold)
}
