//! PromQL as launchgate reads it: parsed within bounds, and asked whether it selects any
//! series. A gate whose query cannot parse is a configuration error that `launchgate check`
//! reports before any rollout ([`crate::gate::compile::findings`]), not something to find out
//! at gate time.

use promql_parser::parser::Expr;

/// Core item of PromQL syntax errors.
pub const ITEM: &str = "LG-PROMQL";

/// Deepest bracket nesting (`(`, `[`, `{`) launchgate hands the PromQL parser.
pub const MAX_NESTING: usize = 256;

/// Most operators launchgate hands the PromQL parser in one query.
pub const MAX_OPERATORS: usize = 1_000;

/// Why a query was not parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Unparsed {
    /// The parser refused it: it is not PromQL.
    Invalid(String),
    /// It is beyond [`MAX_NESTING`] or [`MAX_OPERATORS`], so launchgate did not parse it.
    TooComplex(String),
}

impl std::fmt::Display for Unparsed {
    /// What is wrong with the query, as the rest of a sentence starting "the query".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unparsed::Invalid(why) => write!(f, "is not valid PromQL: {why}"),
            Unparsed::TooComplex(why) => f.write_str(why),
        }
    }
}

/// `query` parsed, or why not.
pub fn parse(query: &str) -> Result<Expr, Unparsed> {
    // The parser recurses, and slows down quadratically on long operator chains (60,000 `+`
    // took 48 s; 30,000 nested `sum(` overflowed the stack, which aborts): queries beyond any
    // real one are refused before it sees them.
    if let Some(why) = too_complex(query) {
        return Err(Unparsed::TooComplex(why));
    }
    // The parser is third-party code fed user text: a panic in it must not stop the run.
    let parsed = std::panic::catch_unwind(|| promql_parser::parser::parse(query));
    match parsed {
        Ok(Ok(expr)) => Ok(expr),
        Ok(Err(e)) => Err(Unparsed::Invalid(e.trim().to_string())),
        Err(_) => Err(Unparsed::Invalid(
            "the PromQL parser could not read it".into(),
        )),
    }
}

/// What is wrong with `query`, if anything.
pub fn problem(query: &str) -> Option<Unparsed> {
    parse(query).err()
}

/// Word operators of PromQL.
fn is_word_operator(word: &str) -> bool {
    matches!(word, "and" | "or" | "unless" | "atan2")
}

/// Why `query` is beyond what launchgate parses, if it is: brackets nested deeper than
/// [`MAX_NESTING`] or more than [`MAX_OPERATORS`] operators, counted outside strings and
/// comments.
fn too_complex(query: &str) -> Option<String> {
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    let mut word = String::new();
    let mut chars = query.chars();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        operators += usize::from(is_word_operator(&word));
        word.clear();
        match c {
            '#' => {
                chars.by_ref().find(|&c| c == '\n');
            }
            '"' | '\'' | '`' => {
                while let Some(s) = chars.next() {
                    if s == '\\' && c != '`' {
                        chars.next();
                    } else if s == c {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '+' | '-' | '*' | '/' | '%' | '^' | '<' | '>' | '=' | '!' => operators += 1,
            _ => {}
        }
    }
    operators += usize::from(is_word_operator(&word));
    if deepest > MAX_NESTING {
        return Some(format!(
            "nests brackets {deepest} levels deep; launchgate reads queries at most {MAX_NESTING} deep"
        ));
    }
    (operators > MAX_OPERATORS).then(|| {
        format!("has {operators} operators; launchgate reads queries with at most {MAX_OPERATORS}")
    })
}

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
        metrics,
    }
}

/// Whether `expr` returns samples (`true`: whenever its series exist, `false`: never) because
/// it compares something never negative with a number at or below zero: `rate(x[5m]) < 0`
/// never fires, and `increase(x[1h]) >= 0` always does. Looks through parentheses and the
/// set operators: `and` returns nothing when either side does, `unless` when its left side
/// does, and `or` returns every series of a side that returns them all.
pub fn decided_by_sign(expr: &Expr) -> Option<bool> {
    let Expr::Binary(b) = unparen(expr) else {
        return None;
    };
    let op = b.op.to_string();
    let sides = || (decided_by_sign(&b.lhs), decided_by_sign(&b.rhs));
    match op.as_str() {
        "and" => {
            return match sides() {
                (Some(false), _) | (_, Some(false)) => Some(false),
                _ => None,
            };
        }
        "unless" => return decided_by_sign(&b.lhs).filter(|fires| !fires),
        "or" => {
            return match sides() {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        }
        _ => {}
    }
    if b.modifier.as_ref().is_some_and(|m| m.return_bool) {
        return None;
    }
    let (side, limit, op) = match (unparen(&b.lhs), unparen(&b.rhs)) {
        (side, Expr::NumberLiteral(n)) => (side, n.val, op.as_str()),
        (Expr::NumberLiteral(n), side) => (side, n.val, mirrored(&op)?),
        _ => return None,
    };
    if !never_negative(side) || limit.is_nan() || limit > 0.0 {
        return None;
    }
    // Every value is at or above zero, so at or above `limit`: decided unless the
    // comparison answers differently at `limit` itself and above it.
    let holds = |x: f64| match op {
        "<" => Some(x < limit),
        "<=" => Some(x <= limit),
        ">" => Some(x > limit),
        ">=" => Some(x >= limit),
        "==" => Some(x == limit),
        "!=" => Some(x != limit),
        _ => None,
    };
    let at = holds(0.0)?;
    if limit < 0.0 || holds(1.0) == Some(at) {
        Some(at)
    } else {
        None
    }
}

/// Why `expr` as an alerting rule has the same answer whatever its series hold, when its form
/// says so: a comparison with zero or less ([`decided_by_sign`]), or a comparison with
/// `bool` at the top, which returns 0 or 1 for every series instead of keeping those that
/// cross the threshold, so every series is an alert at every evaluation.
pub fn decided_alert(expr: &Expr) -> Option<&'static str> {
    if let Expr::Binary(b) = unparen(expr)
        && b.op.is_comparison_operator()
        && b.modifier.as_ref().is_some_and(|m| m.return_bool)
    {
        return Some(
            "compares with `bool`, which turns every series into a 0 or a 1 instead of keeping those that cross the threshold, so it fires at every evaluation",
        );
    }
    decided_by_sign(expr).map(|fires| {
        if fires {
            "compares what is never below zero (a rate, an increase, a count) with zero or less, so it fires whenever its series exist"
        } else {
            "compares what is never below zero (a rate, an increase, a count) with zero or less, so it never fires"
        }
    })
}

/// The comparison that answers the same with its sides swapped.
fn mirrored(op: &str) -> Option<&'static str> {
    Some(match op {
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        "==" => "==",
        "!=" => "!=",
        _ => return None,
    })
}

fn unparen(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

/// Whether `e` never has a value below zero: a rate, an increase, a count, and sums,
/// averages, extremes, products and quotients of those.
fn never_negative(e: &Expr) -> bool {
    match unparen(e) {
        Expr::NumberLiteral(n) => n.val >= 0.0,
        Expr::Call(c) => match c.func.name {
            "rate" | "irate" | "increase" | "count_over_time" | "changes" | "resets" | "abs"
            | "absent" | "absent_over_time" | "present_over_time" => true,
            "ceil" | "floor" | "round" | "clamp_min" | "sqrt" => {
                c.args.args.first().is_some_and(|a| never_negative(a))
            }
            _ => false,
        },
        Expr::Aggregate(a) => match a.op.to_string().as_str() {
            "count" | "count_values" | "group" => true,
            "sum" | "avg" | "max" | "min" | "topk" | "bottomk" | "quantile" => {
                never_negative(&a.expr)
            }
            _ => false,
        },
        Expr::Binary(b) => match b.op.to_string().as_str() {
            "+" | "*" | "/" | "or" => never_negative(&b.lhs) && never_negative(&b.rhs),
            "and" | "unless" => never_negative(&b.lhs),
            // A filtering comparison keeps the left side's values.
            "<" | "<=" | ">" | ">=" | "==" | "!="
                if !b.modifier.as_ref().is_some_and(|m| m.return_bool) =>
            {
                never_negative(&b.lhs)
            }
            _ => false,
        },
        _ => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_queries_and_rejects_broken_ones() {
        assert_eq!(
            problem(
                r#"sum(rate(http_requests_total{job="app",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="app"}[5m]))"#
            ),
            None
        );
        assert_eq!(
            problem(
                "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
            ),
            None
        );
        assert!(problem("sum(rate(x[5m])").is_some());
        assert!(problem("rate(x{job=}[5m])").is_some());
        assert!(problem("").is_some());
    }

    #[test]
    fn an_offset_delays_what_a_query_sees_and_a_fixed_at_freezes_it() {
        let read = |q: &str| {
            let e = parse(q).unwrap();
            let r = reads(&e);
            (r.series, r.lag_ms / 60_000)
        };
        assert_eq!(read("sum(rate(x[10m])) > 0.05"), (true, 0));
        assert_eq!(
            read("sum(rate(x[10m] offset 1h)) / sum(rate(y[10m])) > 0.05"),
            (true, 60)
        );
        // A subquery's offset moves everything inside it.
        assert_eq!(
            read("max_over_time((rate(x[5m] offset 5m))[30m:1m] offset 10m) > 1"),
            (true, 15)
        );
        // A baseline a week back beside the present is no delay.
        assert_eq!(read("rate(x[5m]) > 2 * rate(x[5m] offset 1w)"), (true, 0));
        assert_eq!(
            read("rate(x[5m] offset 1h) > 2 * rate(x[5m] offset 1w)"),
            (true, 60)
        );
        assert_eq!(
            read("rate(x[5m]) / rate(y[5m] offset 30m) > 2 * rate(x[5m] offset 1w)"),
            (true, 30)
        );
        // The same metric with other labels is other data.
        assert_eq!(
            read(r#"rate(x{job="api"}[5m] offset 1h) > 2 * rate(x{job="web"}[5m])"#),
            (true, 60)
        );
        assert_eq!(
            read(
                r#"rate(x{job="api",env="p"}[5m]) > 2 * rate(x{env="p",job="api"}[5m] offset 1w)"#
            ),
            (true, 0)
        );
        assert_eq!(
            read(r#"rate({__name__="x"}[5m] offset 1h) > 2 * rate({job="y"}[5m])"#),
            (true, 60)
        );
        // Looking ahead is no delay.
        assert_eq!(read("rate(x[5m] offset -5m) > 1"), (true, 0));
        // Pinned to a fixed time: the same answer at every evaluation.
        assert_eq!(read("rate(x[10m] @ 1700000000) > 0.05"), (false, 0));
        assert_eq!(
            read("max_over_time(rate(x[5m])[30m:1m] @ 1700000000) > 1"),
            (false, 0)
        );
        assert_eq!(
            read("rate(x[10m] @ 1700000000) > rate(y[10m] offset 2m)"),
            (false, 2)
        );
        // `@ end()` in a rule is the evaluation's own time.
        assert_eq!(read("rate(x[10m] @ end()) > 1"), (true, 0));
    }

    #[test]
    fn a_rate_compared_with_zero_or_less_is_decided() {
        let decided = |q: &str| decided_by_sign(&parse(q).unwrap());
        for never in [
            "sum(rate(failures_total[10m])) / sum(rate(builds_total[10m])) < 0",
            "rate(x[5m]) <= -1",
            "0 > increase(x[1h])",
            "(count(up == 0) < 0) and rate(x[5m]) > 1",
            "sum by (job) (rate(x[5m])) * 100 == -5",
            "rate(x[5m]) < 0 or increase(y[1h]) < 0",
            "(rate(x[5m]) < 0) unless up == 0",
        ] {
            assert_eq!(decided(never), Some(false), "{never}");
        }
        for always in [
            "increase(x[1h]) >= 0",
            "rate(x[5m]) > -0.5",
            "count(up) != -1",
            "rate(errors_total[5m]) > 0.05 or increase(x[1h]) >= 0",
            "(up == 0) or (rate(x[5m]) >= 0)",
        ] {
            assert_eq!(decided(always), Some(true), "{always}");
        }
        for open in [
            "rate(x[5m]) > 0",
            "rate(x[5m]) <= 0",
            "rate(x[5m]) == 0",
            "delta(x[5m]) < 0",
            "x < 0",
            "rate(x[5m]) - rate(y[5m]) < 0",
            "rate(x[5m]) < bool 0",
            "rate(x[5m]) > 0.05",
            "rate(x[5m]) < 0 or y > 1",
            "rate(x[5m]) > 0.05 unless rate(y[5m]) < 0",
            "up == 0 unless increase(x[1h]) >= 0",
            "rate(x[5m]) >= 0 and y > 1",
        ] {
            assert_eq!(decided(open), None, "{open}");
        }
    }

    #[test]
    fn a_bool_comparison_at_the_top_of_an_alert_fires_at_every_evaluation() {
        let decided = |q: &str| decided_alert(&parse(q).unwrap());
        assert!(
            decided("rate(x[5m]) > bool 0.05")
                .unwrap()
                .contains("`bool`")
        );
        assert!(
            decided("(rate(x[5m]) == bool 0)")
                .unwrap()
                .contains("`bool`")
        );
        assert!(decided("rate(x[5m]) < 0").unwrap().contains("never fires"));
        assert_eq!(decided("rate(x[5m]) > 0.05"), None);
        // Inside, `bool` is arithmetic: `sum(x > bool 1) > 3` counts the series above 1.
        assert_eq!(decided("sum(x > bool 1) > 3"), None);
    }

    #[test]
    fn metric_names_are_the_selectors_not_labels_or_strings() {
        let names = |q: &str| {
            let mut n = reads(&parse(q).unwrap()).metrics;
            n.sort();
            n
        };
        assert_eq!(
            names(
                r#"sum(rate(a_total{job="b_total"}[5m])) / sum(rate(a_total[5m])) > on() group_left c"#
            ),
            ["a_total", "c"]
        );
        assert_eq!(
            names(r#"{__name__="x_seconds_bucket", le="1"}"#),
            ["x_seconds_bucket"]
        );
        assert_eq!(names(r#"{__name__=~"x_.*"}"#), Vec::<String>::new());
        assert_eq!(names("vector(1) > 0"), Vec::<String>::new());
        assert_eq!(
            names("histogram_quantile(0.9, sum by (le) (rate(d_bucket[5m]))) > scalar(e)"),
            ["d_bucket", "e"]
        );
    }

    #[test]
    fn an_expression_without_a_selector_reads_no_series() {
        let watches = |q: &str| reads(&parse(q).unwrap()).series;
        for constant in [
            "vector(0)",
            "vector(1)",
            "0",
            "1 > bool 2",
            "vector(1) > 2",
            "vector(time()) > 0",
            "(vector(1) + 1) * -1",
            "sum(vector(1))",
            "max_over_time(vector(1)[5m:1m])",
            "label_replace(vector(1), \"a\", \"b\", \"\", \"\")",
        ] {
            assert!(!watches(constant), "{constant} reads no series");
        }
        for reading in [
            "up == 0",
            "up{job=\"x\"} == 0",
            "{__name__=\"x_total\"}",
            "rate(x_total[5m]) > 0.05",
            "absent(x_total)",
            "time() - max(last_success_seconds) > 1800",
            "vector(1) and on() up",
            "-x",
            "max_over_time(x[1h:5m]) > 1",
            "topk(scalar(k), vector(1))",
            "1 + sum by (job) (x)",
        ] {
            assert!(watches(reading), "{reading} reads series");
        }
        let deep = format!("{}vector(1){}", "(".repeat(200), ")".repeat(200));
        assert!(!reads(&parse(&deep).unwrap()).series);
    }

    /// Found by nesting a rule's `expr` 50,000 parentheses deep: the check aborted with a stack
    /// overflow. 60,000 `+` took the parser 48 s.
    #[test]
    fn a_query_beyond_any_real_one_is_refused_before_the_parser_sees_it() {
        const LEVELS: usize = 60_000;
        let queries = [
            format!("{}x{}", "(".repeat(LEVELS), ")".repeat(LEVELS)),
            format!("{}x{}", "sum(".repeat(LEVELS), ")".repeat(LEVELS)),
            format!("{}x{}", "abs(".repeat(LEVELS), ")".repeat(LEVELS)),
            vec!["x"; LEVELS].join(" + "),
            vec!["x"; LEVELS].join(" and "),
            format!("{}x", "-".repeat(LEVELS)),
        ];
        // On a thread with a stack as small as a rayon worker's.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                for q in &queries {
                    let refused = parse(q).err();
                    assert!(
                        matches!(refused, Some(Unparsed::TooComplex(_))),
                        "{}…: {refused:?}",
                        &q[..20]
                    );
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    /// The limits sit where the parser is still quick and shallow, and count only what the
    /// parser nests: not brackets or operators in strings and comments.
    #[test]
    fn the_limits_count_brackets_and_operators_outside_strings_and_comments() {
        let nested = |n: usize| format!("{}x{}", "sum(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(MAX_NESTING)).is_ok());
        assert_eq!(
            parse(&nested(MAX_NESTING + 1)).err(),
            Some(Unparsed::TooComplex(
                "nests brackets 257 levels deep; launchgate reads queries at most 256 deep".into()
            ))
        );
        let chain = |n: usize, op: &str| vec!["x"; n + 1].join(op);
        assert!(parse(&chain(MAX_OPERATORS, " + ")).is_ok());
        assert!(parse(&chain(MAX_OPERATORS, " or ")).is_ok());
        for op in [" + ", " or ", " unless ", " >= "] {
            let long = chain(MAX_OPERATORS + 1, op);
            assert!(matches!(parse(&long), Err(Unparsed::TooComplex(_))), "{op}");
        }
        // A long regex, brackets in a label value and operators in a comment are not nesting.
        let regex = vec!["a-b(c)"; 5_000].join("|");
        assert!(parse(&format!("up{{job=~\"{regex}\"}} == 0")).is_ok());
        let comment = format!("up == 0 # {}", "((+".repeat(2_000));
        assert!(parse(&comment).is_ok());
        let words = vec!["sort_desc"; 2_000].join("(") + "(x" + &")".repeat(1_999);
        assert!(matches!(parse(&words), Err(Unparsed::TooComplex(_))));
        assert!(
            matches!(parse("sum(x"), Err(Unparsed::Invalid(_))),
            "an unclosed bracket is the parser's to report"
        );
    }
}
