//! What a PromQL expression reads: its series selections, how late it reads them, and
//! whether anything pins them to a fixed time.

use promql_parser::parser::Expr;

/// What an expression reads, from one walk of its selectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reads {
    /// It selects series and reads them as they are now. One that selects none (`vector(0)`,
    /// `vector(1) > 2`, `vector(time()) > 0`) has the same value whatever the monitored
    /// system does: as an alert it fires always (any sample it returns is an alert) or never.
    /// So does a part pinned by `@` to a fixed time (`x @ 1700000000`, pasted from a graph in
    /// Prometheus's UI): it reads the same samples at every evaluation.
    pub series: bool,
    /// How old the data it watches is, in milliseconds: for each series selection it reads
    /// (a metric with its label matchers; selectors pinned by `@` aside), the smallest
    /// `offset` it is read at (a subquery's own `offset` added to those inside it), and of
    /// those the largest. An alert over `rate(failures_total[10m] offset 1h) /
    /// rate(builds_total[10m])` sees failures an hour after they start; one comparing
    /// `rate(x[5m])` with a baseline `rate(x[5m] offset 1w)` sees a change of `x` at once, but
    /// not one comparing `x{job="api"} offset 1h` with `x{job="web"}`: the api series are read
    /// only an hour late.
    pub lag_ms: u64,
    /// The smallest of those: how old the freshest data it reads is (a panel of `x offset 1w`
    /// alone draws last week; one of `x / x offset 1w` draws now).
    pub least_lag_ms: u64,
    /// The metric names it selects (`x` in `rate(x[5m])`, or a `__name__="x"` matcher's
    /// value), each once.
    pub metrics: Vec<String>,
}

/// What `expr` reads (see [`Reads`]).
pub fn reads(expr: &Expr) -> Reads {
    use promql_parser::label::MatchOp;
    let found = selectors(expr);
    let mut freshest: Vec<(String, u64)> = Vec::new();
    let mut metrics: Vec<String> = Vec::new();
    for s in &found {
        let by_matcher =
            s.vs.matchers
                .matchers
                .iter()
                .filter(|m| m.name == "__name__" && matches!(m.op, MatchOp::Equal))
                .map(|m| &m.value);
        for name in s.vs.name.iter().chain(by_matcher) {
            if !metrics.contains(name) {
                metrics.push(name.clone());
            }
        }
        if s.pinned {
            continue;
        }
        // The matchers print sorted, so the same selection written twice has one key.
        let selection = format!(
            "{}{{{}}}",
            s.vs.name.as_deref().unwrap_or_default(),
            s.vs.matchers
        );
        match freshest.iter_mut().find(|(m, _)| *m == selection) {
            Some((_, lag)) => *lag = (*lag).min(s.lag_ms),
            None => freshest.push((selection, s.lag_ms)),
        }
    }
    Reads {
        series: !found.is_empty() && found.iter().all(|s| !s.pinned),
        lag_ms: freshest.iter().map(|(_, lag)| *lag).max().unwrap_or(0),
        least_lag_ms: freshest.iter().map(|(_, lag)| *lag).min().unwrap_or(0),
        metrics,
    }
}

/// A series selector and when it reads.
struct Selector<'e> {
    vs: &'e promql_parser::parser::VectorSelector,
    /// Its `offset` and its subqueries', in milliseconds (a negative one counts as none).
    lag_ms: u64,
    /// It, or a subquery around it, is pinned by `@` to a fixed time (`@ start()` and
    /// `@ end()` are the evaluation's own time in a rule).
    pinned: bool,
}

/// Every series selector in `expr` (a range selector's too).
fn selectors(expr: &Expr) -> Vec<Selector<'_>> {
    use promql_parser::parser::{AtModifier, Offset};
    let shifted = |offset: &Option<Offset>, at: &Option<AtModifier>, lag: u64, pinned: bool| {
        let by = match offset {
            Some(Offset::Pos(d)) => u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
            _ => 0,
        };
        (
            lag.saturating_add(by),
            pinned || matches!(at, Some(AtModifier::At(_))),
        )
    };
    let mut found = Vec::new();
    let mut todo = vec![(expr, 0, false)];
    while let Some((e, lag, pinned)) = todo.pop() {
        let vs = match e {
            Expr::VectorSelector(v) => v,
            Expr::MatrixSelector(m) => &m.vs,
            Expr::Subquery(s) => {
                let (lag, pinned) = shifted(&s.offset, &s.at, lag, pinned);
                todo.push((&s.expr, lag, pinned));
                continue;
            }
            Expr::Aggregate(a) => {
                todo.push((&a.expr, lag, pinned));
                todo.extend(a.param.as_deref().map(|p| (p, lag, pinned)));
                continue;
            }
            Expr::Unary(u) => {
                todo.push((&u.expr, lag, pinned));
                continue;
            }
            Expr::Binary(b) => {
                todo.extend([(&*b.lhs, lag, pinned), (&*b.rhs, lag, pinned)]);
                continue;
            }
            Expr::Paren(p) => {
                todo.push((&p.expr, lag, pinned));
                continue;
            }
            Expr::Call(c) => {
                todo.extend(c.args.args.iter().map(|a| (&**a, lag, pinned)));
                continue;
            }
            Expr::Extension(x) => {
                todo.extend(x.expr.children().iter().map(|c| (c, lag, pinned)));
                continue;
            }
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) => continue,
        };
        let (lag_ms, pinned) = shifted(&vs.offset, &vs.at, lag, pinned);
        found.push(Selector { vs, lag_ms, pinned });
    }
    found
}
