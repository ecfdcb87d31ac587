//! Gates as written in the manifest, compiled once per run.

use super::rewrite::{self, Prepared, Quantifier};
use super::vocabulary::Vocabulary;
use crate::duration::{format_seconds, parse_seconds};
use crate::expr::Expr;
use crate::expr::decided::{Literal, Range};
use crate::manifest::{Gate, Manifest, Phase, Rollout};
use crate::report::{Finding, Location, Outcome};
use crate::source::SourceFile;
use crate::yaml::{Node, Route};

/// Core item of gates that cannot be evaluated.
pub const ITEM: &str = "LG-GATE";

/// What a gate is evaluated over.
pub enum Kind {
    /// The status snapshot (and, for `after`, its fields rebuilt from history lines).
    Snapshot(Expr),
    /// The history samples in a window of this many milliseconds.
    Windowed(Prepared, i64),
    /// A PromQL query's series, from the rollout's Prometheus server.
    Query(Query),
    /// A gate that cannot be evaluated, and why.
    Broken(String),
}

/// A gate over a Prometheus query: the expression reads each series' samples as `value`.
pub struct Query {
    /// The PromQL query.
    pub query: String,
    /// How the expression is evaluated.
    pub eval: QueryEval,
    /// Range-query step, ms (given, or chosen from the window or the `after` span).
    pub step_ms: Option<i64>,
    /// The gate's own `max_gap`, ms.
    pub max_gap_ms: Option<i64>,
}

/// Instant or windowed.
pub enum QueryEval {
    /// `value` (and `labels`) of each series at the evaluation time.
    Instant(Expr),
    /// The window functions over each series' samples in a window of this many ms.
    Windowed(Prepared, i64),
}

/// The step a range query over `span_ms` uses when the gate gives none: about 240 points,
/// never finer than 15s (Prometheus' default scrape interval; finer adds no information).
pub fn default_step_ms(span_ms: i64) -> i64 {
    let per_point = (span_ms.max(0) / 240 + 999) / 1000 * 1000;
    per_point.max(15_000)
}

/// Most points per series Prometheus returns for a range query.
pub const MAX_POINTS: i64 = 11_000;

/// One compiled gate.
pub struct Compiled {
    /// Index of its phase.
    pub phase: usize,
    /// Finding id: `PHASE/NAME` or `PHASE/gate-N`.
    pub id: String,
    /// Its name, or its expression.
    pub title: String,
    /// The expression as written.
    pub source: String,
    /// Where it is in the manifest.
    pub route: Route,
    /// How it evaluates.
    pub kind: Kind,
}

impl Compiled {
    /// The gate's window in milliseconds, if it is windowed.
    pub fn window(&self) -> Option<i64> {
        match self.kind {
            Kind::Windowed(_, w) => Some(w),
            _ => None,
        }
    }

    /// Whether it reads the history or the snapshot (not Prometheus).
    pub fn is_history(&self) -> bool {
        matches!(self.kind, Kind::Snapshot(_) | Kind::Windowed(..))
    }

    /// Whether it reads the status snapshot.
    pub fn is_snapshot(&self) -> bool {
        matches!(self.kind, Kind::Snapshot(_))
    }

    /// `phase gate \`expr\``, as messages name it.
    pub fn named(&self, phase: &str) -> String {
        if self.title == self.source {
            format!("{phase} gate `{}`", self.source)
        } else {
            format!("{phase} gate `{}` (`{}`)", self.title, self.source)
        }
    }
}

/// Compiles every gate of every phase.
pub fn all(rollout: &Rollout) -> Vec<Vec<Compiled>> {
    let vocabulary = Vocabulary::of(rollout);
    rollout
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.gates
                .iter()
                .enumerate()
                .map(|(n, g)| one(p, i, n, g, &vocabulary))
                .collect()
        })
        .collect()
}

/// One failing finding per gate that cannot be evaluated, so that `check` reports it before
/// any rollout: `LG-PROMQL` at a query that is not PromQL, `LG-GATE` at any other fault and at
/// a rollout whose shape cannot gate (see [`super::bounds`]).
pub fn findings(manifest: &Manifest, doc: &Node, src: &SourceFile) -> Vec<Finding> {
    let Some(rollout) = &manifest.rollout else {
        return Vec::new();
    };
    let mut out = super::bounds::findings(rollout, doc, src);
    out.extend(super::bounds::unchecked(rollout, doc, src));
    let vocabulary = Vocabulary::of(rollout);
    for (i, phase) in rollout.phases.iter().enumerate() {
        for (n, gate) in phase.gates.iter().enumerate() {
            let compiled = one(phase, i, n, gate, &vocabulary);
            let Kind::Broken(why) = compiled.kind else {
                continue;
            };
            let query_problem = match gate {
                Gate::Full {
                    query: Some(query), ..
                } => crate::prometheus::syntax::problem(query),
                _ => None,
            };
            let finding = match query_problem {
                Some(problem) => {
                    let route = Route::root()
                        .key("rollout")
                        .key("phases")
                        .index(i)
                        .key("gates")
                        .index(n)
                        .key("query");
                    crate::core::finding(
                        crate::prometheus::syntax::ITEM,
                        Outcome::Fail,
                        format!("the query of gate `{}` {problem}", compiled.id),
                    )
                    .at(Location::new(src, doc.locate(&route).span))
                    .help("fix the query; `promtool query instant` or the Prometheus UI shows the same parse errors")
                }
                None => crate::core::finding(
                    ITEM,
                    Outcome::Fail,
                    format!("gate `{}` cannot be evaluated: {why}", compiled.id),
                )
                .at(Location::new(src, doc.locate(&compiled.route).span))
                .help("fix the gate as the message says; `launchgate gate --phase NAME --status FILE` evaluates it"),
            };
            out.push(finding);
        }
    }
    out
}

fn one(
    phase: &Phase,
    index: usize,
    gate_no: usize,
    gate: &Gate,
    vocabulary: &Vocabulary,
) -> Compiled {
    let (name, expr, window, query) = match gate {
        Gate::Expr(e) => (None, e.clone(), None, None),
        Gate::Full {
            name,
            expr,
            window,
            query,
            ..
        } => (name.clone(), expr.clone(), window.clone(), query.clone()),
    };
    let mut route = Route::root()
        .key("rollout")
        .key("phases")
        .index(index)
        .key("gates")
        .index(gate_no);
    if matches!(gate, Gate::Full { .. }) {
        route = route.key("expr");
    }
    let id = format!(
        "{}/{}",
        phase.name,
        name.clone()
            .unwrap_or_else(|| format!("gate-{}", gate_no + 1))
    );
    let title = name.unwrap_or_else(|| expr.clone());
    let kind = match (query, gate) {
        (Some(query), Gate::Full { step, max_gap, .. }) => {
            query_kind(query, &expr, window, step.as_deref(), max_gap.as_deref())
        }
        _ => history_kind(&expr, window),
    };
    let kind = match kind {
        Kind::Broken(_) => kind,
        kind => constant_answer(&expr, vocabulary, &kind)
            .or_else(|| constant_per_sample(&kind, vocabulary))
            .or_else(|| unwritten(&kind, vocabulary))
            .or_else(|| true_without_data(&kind))
            .or_else(|| against_verdict(&kind, vocabulary))
            .map_or(kind, Kind::Broken),
    };
    Compiled {
        phase: index,
        id,
        title,
        source: expr,
        route,
        kind,
    }
}

/// Why a gate has the same answer at every rollout, if it does: it reads nothing a rollout
/// changes (no variable, such as a status field or a series' `value`, and no history
/// function: `true`, `1 < 2`), or its operators decide it (`x || true`, `x == x`,
/// `x <= 1 || x > 1`, `x > 5 && x < 3`, a count `>= 0`; see [`crate::expr::decided`]). The
/// expression is compiled once for both.
fn constant_answer(expr: &str, vocabulary: &Vocabulary, kind: &Kind) -> Option<String> {
    let compiled = Expr::compile(expr).ok()?;
    if !rewrite::uses_window_functions(expr)
        && !crate::expr::reads::reads_free_variable(&compiled.expression)
    {
        return Some(format!(
            "`{expr}` reads no status field, sample or history: it has the same answer at every rollout, so it gates nothing"
        ));
    }
    let how = "a literal, a side compared with itself, a condition beside its opposite, \
               bounds on one value that hold for every number or for none, a count (never \
               below zero) compared with zero or less, or a stall compared with a duration \
               its window cannot reach decide it";
    let window_ms = match kind {
        Kind::Windowed(_, ms) => Some(*ms),
        _ => None,
    };
    let counts = |e: &cel::parser::Expression| known(vocabulary, window_ms, e);
    if let Some(answer) = crate::expr::decided::decided(&compiled.expression, &counts) {
        return Some(if answer {
            format!("`{expr}` is true whatever the rollout reports ({how}), so it gates nothing")
        } else {
            format!(
                "`{expr}` is false whatever the rollout reports ({how}), so no rollout passes it"
            )
        });
    }
    crate::expr::decided::idle_condition(&compiled.expression, &counts).map(|idle| {
        idle_message(
            &format!("`{expr}`"),
            &idle,
            &format!("whatever the rollout reports ({how})"),
        )
    })
}

/// The values a side of a gate can hold, when they are bounded: a count is never below zero,
/// and `max_stall(...)` is a stretch of the window, never longer than it.
fn known(
    vocabulary: &Vocabulary,
    window_ms: Option<i64>,
    e: &cel::parser::Expression,
) -> Option<Range> {
    if vocabulary.never_negative(e) {
        return Some(Range::COUNT);
    }
    match (&e.expr, window_ms) {
        (cel::common::ast::Expr::Call(c), Some(ms))
            if c.target.is_none() && c.func_name == "max_stall" =>
        {
            Some(Range {
                low: 0.0,
                high: ms as f64 / 1000.0,
                of: Literal::Duration,
            })
        }
        _ => None,
    }
}

/// What an [`Idle`](crate::expr::decided::Idle) part of `whole` does to it, and what to write.
fn idle_message(whole: &str, idle: &crate::expr::decided::Idle, always: &str) -> String {
    let part = crate::expr::shown::shown(idle.part)
        .map_or("one of its conditions".to_string(), |p| format!("`{p}`"));
    let value = idle.value;
    let effect = if idle.within == "?:" {
        let taken = if value { "first" } else { "second" };
        format!("the `?:` always takes its {taken} branch, so the other one never gates")
    } else {
        format!(
            "beside `{}` it checks nothing, so the gate asks only the rest",
            idle.within
        )
    };
    format!(
        "in {whole}, {part} is {value} {always}: {effect}; write the bound meant (a count is \
         never below zero: `== 0` for none; a stall is never longer than its window)"
    )
}

/// Why a windowed gate's `all(...)`, `any(...)` or `count(...)` has the same answer at every
/// rollout, if one does: its per-sample condition is decided on every sample
/// (`all(failed_cases >= 0)`: tau writes the count unsigned), so `all` of a condition always
/// true is true, and `any` of one never true is false and `count` of it 0, however the
/// samples go.
fn constant_per_sample(kind: &Kind, vocabulary: &Vocabulary) -> Option<String> {
    let Kind::Windowed(prepared, _) = kind else {
        return None;
    };
    let counts =
        |e: &cel::parser::Expression| vocabulary.never_negative_on_line(e).then_some(Range::COUNT);
    prepared.quantified.iter().find_map(|q| {
        let Some(value) = crate::expr::decided::decided(&q.expr.expression, &counts) else {
            let idle = crate::expr::decided::idle_condition(&q.expr.expression, &counts)?;
            let whole = format!("`{}({})`", q.kind.name(), q.expr.source);
            return Some(idle_message(&whole, &idle, "on every sample"));
        };
        let answer = match (q.kind, value) {
            (Quantifier::All, true) => "true",
            (Quantifier::Any, false) => "false",
            (Quantifier::Count, false) => "0",
            _ => return None,
        };
        let name = q.kind.name();
        Some(format!(
            "`{name}({})` is {answer} whatever the rollout reports: its condition is {value} on every sample (a count is never below zero), so it gates nothing; write the bound meant (`== 0` for none)",
            q.expr.source
        ))
    })
}

/// Why a gate passes without the data it checks, if it does: a condition true whenever a field
/// it tests with `has()` or `in` is missing (`!has(health.failure_streak) || ...`), where a gate that
/// reads a missing field would hold (see [`crate::expr::absent`]).
fn true_without_data(kind: &Kind) -> Option<String> {
    // Each expression of the gate, with the input it reads.
    let exprs: Vec<(&cel::parser::Expression, &str)> = match kind {
        Kind::Snapshot(e) => vec![(&e.expression, "the status snapshot")],
        Kind::Windowed(p, _) => std::iter::once((&p.main.expression, "the status snapshot"))
            .chain(
                p.quantified
                    .iter()
                    .map(|q| (&q.expr.expression, "a history line")),
            )
            .collect(),
        Kind::Query(_) | Kind::Broken(_) => return None,
    };
    if let Some(access) = exprs
        .iter()
        .find_map(|(e, _)| crate::expr::absent::optional_access(e))
    {
        return Some(format!(
            "`{access}` gives the gate a value where the field is missing (`.orValue(...)`, \
             `.hasValue()`), so it decides without the data it checks, where a gate reading a \
             missing field holds; read the field itself, or write `has(...) && ...` to fail \
             without it"
        ));
    }
    let ((part, field), input) = exprs
        .iter()
        .find_map(|(e, input)| Some((crate::expr::absent::true_without(e)?, *input)))?;
    let part = crate::expr::shown::shown(part).map_or(String::new(), |p| format!("`{p}` "));
    Some(format!(
        "{part}is true whenever {input} lacks `{field}`: the gate passes without the value it checks, \
         where a gate reading a missing field holds; drop the presence test (`has()`, `in`), or \
         write `has({field}) && ...` to fail without it"
    ))
}

/// Why the gate passes against tau's own verdict, if it does (see [`super::verdict`]).
fn against_verdict(kind: &Kind, vocabulary: &Vocabulary) -> Option<String> {
    let snapshot = |e: &Expr| {
        vocabulary
            .tau_snapshot()
            .then(|| super::verdict::overridden(&e.expression))
            .flatten()
    };
    match kind {
        Kind::Snapshot(e) => snapshot(e),
        Kind::Windowed(p, _) => snapshot(&p.main).or_else(|| {
            p.quantified
                .iter()
                .filter(|_| vocabulary.tau_history())
                .find_map(|q| super::verdict::overridden(&q.expr.expression))
        }),
        Kind::Query(_) | Kind::Broken(_) => None,
    }
}

/// What the gate names that its producer never writes (see [`super::vocabulary`]).
fn unwritten(kind: &Kind, vocabulary: &Vocabulary) -> Option<String> {
    let problems = match kind {
        Kind::Snapshot(e) => vocabulary.snapshot_problems(&e.expression),
        Kind::Windowed(p, _) => vocabulary.window_problems(p),
        Kind::Query(_) | Kind::Broken(_) => Vec::new(),
    };
    (!problems.is_empty()).then(|| problems.join("; "))
}

fn history_kind(expr: &str, window: Option<String>) -> Kind {
    match window.as_deref().map(parse_seconds) {
        Some(Some(secs)) if secs > 0 => match rewrite::prepare(expr) {
            Ok(p) => Kind::Windowed(p, secs * 1000),
            Err(e) => Kind::Broken(e.to_string()),
        },
        Some(_) => Kind::Broken(format!(
            "window `{}` is not a positive duration",
            window.unwrap_or_default()
        )),
        None if rewrite::uses_window_functions(expr) => Kind::Broken(format!(
            "`{expr}` uses history functions but has no `window:`; add one (e.g. `window: 30m`)"
        )),
        None => match Expr::compile(expr) {
            Ok(e) => Kind::Snapshot(e),
            Err(e) => Kind::Broken(e.to_string()),
        },
    }
}

fn positive_ms(key: &str, text: Option<&str>) -> Result<Option<i64>, String> {
    match text {
        None => Ok(None),
        Some(t) => match parse_seconds(t) {
            Some(s) if s > 0 => Ok(Some(s * 1000)),
            _ => Err(format!("{key} `{t}` is not a positive duration")),
        },
    }
}

fn query_kind(
    query: String,
    expr: &str,
    window: Option<String>,
    step: Option<&str>,
    max_gap: Option<&str>,
) -> Kind {
    let read = match crate::prometheus::syntax::parse(&query) {
        Ok(read) => read,
        Err(problem) => return Kind::Broken(format!("the query {problem}")),
    };
    let reads = crate::prometheus::syntax::reads(&read);
    if !reads.series {
        return Kind::Broken(format!(
            "the query `{query}` selects no series that change (no selector, or one pinned by `@` to a fixed time): the gate has the same answer at every rollout"
        ));
    }
    let lag = reads.lag_ms;
    if lag > 0 {
        return Kind::Broken(format!(
            "the query `{query}` reads a metric only shifted back by `offset` ({}): the gate would judge each phase on samples from before it began; compare with the past beside the present, not instead of it",
            format_seconds(i64::try_from(lag.div_ceil(1000)).unwrap_or(i64::MAX))
        ));
    }
    if let Some(fallback) = crate::prometheus::syntax::constant_fallback(&read) {
        return Kind::Broken(format!(
            "the query `{query}` returns `{fallback}` when the series it reads are missing: with no data (a metric not scraped, a job gone) the gate would judge that constant instead of holding; fall back to a zero that reads the service, `or on() (0 * sum(rate(requests_total[5m])))`, there only while requests are counted"
        ));
    }
    let parsed = (|| {
        let window_ms = positive_ms("window", window.as_deref())?;
        let step_ms = positive_ms("step", step)?;
        let max_gap_ms = positive_ms("max_gap", max_gap)?;
        if let (Some(w), Some(s)) = (window_ms, step_ms)
            && s > w
        {
            return Err(format!(
                "step `{}` is longer than the window `{}`: the window would hold no sample",
                format_seconds(s / 1000),
                format_seconds(w / 1000)
            ));
        }
        if let (Some(w), Some(s)) = (window_ms, step_ms)
            && w / s > MAX_POINTS
        {
            return Err(format!(
                "a {} window at a {} step is over the {MAX_POINTS} points Prometheus returns per series; use a larger `step`",
                format_seconds(w / 1000),
                format_seconds(s / 1000)
            ));
        }
        let eval = match window_ms {
            Some(w) => QueryEval::Windowed(rewrite::prepare(expr).map_err(|e| e.to_string())?, w),
            None if rewrite::uses_window_functions(expr) => {
                return Err(format!(
                    "`{expr}` uses window functions but has no `window:`; add one (e.g. `window: 30m`), or read the instant `value`"
                ));
            }
            None => QueryEval::Instant(Expr::compile(expr).map_err(|e| e.to_string())?),
        };
        Ok(Query {
            query,
            eval,
            step_ms,
            max_gap_ms,
        })
    })();
    match parsed {
        Ok(q) => Kind::Query(q),
        Err(e) => Kind::Broken(e),
    }
}

#[cfg(test)]
mod tests;
