//! A counter read raw: an alert that compares `errors_total` itself (not its `rate` or
//! `increase`) with a number answers how long the process has counted, not what the service
//! does now. A counter only rises and starts again from zero when its process restarts, so
//! `errors_total > 5` fires from the sixth error since the last restart, maybe days ago,
//! until the next one.

use promql_parser::parser::Expr;

use super::unparen;

/// The counter an alert `expr` compares as its running total with a number
/// (`sum(errors_total) > 5`, `errors_total / requests_total > 0.05`), when its top comparison
/// does. A counter is a series named `..._total`, as Prometheus's naming conventions and
/// OpenMetrics write counters; a difference between two readings (`x_total - x_total offset
/// 1h`) is an increase, not a total, and anything through a function is left alone.
pub(super) fn running_total(expr: &Expr) -> Option<String> {
    let Expr::Binary(b) = unparen(expr) else {
        return None;
    };
    // `... > 5 and on() up == 1`: the left side's samples are the alerts.
    if matches!(b.op.to_string().as_str(), "and" | "unless") {
        return running_total(&b.lhs);
    }
    if !b.op.is_comparison_operator() || b.modifier.as_ref().is_some_and(|m| m.return_bool) {
        return None;
    }
    match (unparen(&b.lhs), unparen(&b.rhs)) {
        (Expr::NumberLiteral(_), Expr::NumberLiteral(_)) => None,
        (side, Expr::NumberLiteral(_)) | (Expr::NumberLiteral(_), side) => total(side),
        _ => None,
    }
}

/// The counter whose running total `e` is, scaled or summed.
fn total(e: &Expr) -> Option<String> {
    match unparen(e) {
        Expr::VectorSelector(v) => v.name.clone().filter(|n| is_counter(n)),
        Expr::Aggregate(a) => match a.op.to_string().as_str() {
            "sum" | "avg" | "min" | "max" | "topk" | "bottomk" | "quantile" => total(&a.expr),
            // `count(x_total) == 0` asks whether the series exist, not what they hold.
            _ => None,
        },
        Expr::Binary(b) => {
            let op = b.op.to_string();
            match (unparen(&b.lhs), unparen(&b.rhs)) {
                (side, Expr::NumberLiteral(_)) | (Expr::NumberLiteral(_), side)
                    if matches!(op.as_str(), "+" | "-" | "*" | "/") =>
                {
                    total(side)
                }
                // Totals over totals: a ratio or sum since the processes started.
                (l, r) if matches!(op.as_str(), "+" | "*" | "/") => {
                    let left = total(l)?;
                    total(r).map(|_| left)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether a series name is a counter's, by the `_total` suffix counters carry; a recording
/// rule's name (`job:errors_total:rate5m`) is not one.
fn is_counter(name: &str) -> bool {
    name.len() > "_total".len() && name.ends_with("_total") && !name.contains(':')
}

#[cfg(test)]
mod tests {
    use super::running_total;
    use crate::prometheus::syntax::parse;

    fn raw(q: &str) -> Option<String> {
        running_total(&parse(q).unwrap())
    }

    #[test]
    fn a_counter_compared_as_it_stands_is_a_running_total() {
        for (q, counter) in [
            ("errors_total > 5", "errors_total"),
            ("sum(errors_total) > 0", "errors_total"),
            ("max by (pod) (restarts_total) >= 3", "restarts_total"),
            ("5 < sum(errors_total)", "errors_total"),
            (
                "(sum(errors_total{code=~\"5..\"}) > 10) and on() vector(1)",
                "errors_total",
            ),
            (
                "sum(errors_total) / sum(requests_total) > 0.05",
                "errors_total",
            ),
            ("sum(errors_total) * 100 > 1", "errors_total"),
            ("errors_total offset 1h > 5", "errors_total"),
        ] {
            assert_eq!(raw(q).as_deref(), Some(counter), "{q}");
        }
    }

    #[test]
    fn rates_increases_differences_and_other_series_are_not() {
        for q in [
            "rate(errors_total[5m]) > 5",
            "increase(errors_total[10m]) > 0",
            "sum(rate(errors_total[5m])) / sum(rate(requests_total[5m])) > 0.05",
            "errors_total - errors_total offset 1h > 5",
            "sum(errors_total) / sum(rate(requests_total[5m])) > 1",
            "count(errors_total) == 0",
            "absent(errors_total) == 1",
            "queue_depth > 100",
            "job:errors_total:rate5m > 1",
            "errors_total > bool 5",
            "errors_total > requests_total",
            "_total > 1",
        ] {
            assert_eq!(raw(q), None, "{q}");
        }
    }
}
