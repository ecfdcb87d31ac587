//! A series compared as it stands: an alert that compares `errors_total` itself (not its
//! `rate` or `increase`) with a number answers how long the process has counted, not what the
//! service does now, when the series is a counter. A counter only rises and starts again from
//! zero when its process restarts, so `errors_total > 5` fires from the sixth error since the
//! last restart, maybe days ago, until the next one. Whether the series is a counter is the
//! manifest's to say (`kind: counter`): exporters name gauges `..._total` too
//! (`minio_cluster_drive_offline_total`), and an uptime counter compared raw is meant.

use promql_parser::parser::Expr;

use super::unparen;

/// The series an alert `expr` compares as it stands with a number (`sum(errors_total) > 5`,
/// `errors_total / requests_total > 0.05`), when its top comparison does: a selector, summed,
/// averaged, scaled or divided by another such; a difference between two readings
/// (`x_total - x_total offset 1h`) is an increase, and anything through a function is left
/// alone.
pub(super) fn raw_series(expr: &Expr) -> Option<String> {
    raw(super::said::top_comparison(expr)?.0)
}

/// The series `e` reads as it stands, scaled or summed.
fn raw(e: &Expr) -> Option<String> {
    match unparen(e) {
        Expr::VectorSelector(v) => v.name.clone(),
        Expr::Aggregate(a) => match a.op.to_string().as_str() {
            "sum" | "avg" | "min" | "max" | "topk" | "bottomk" | "quantile" => raw(&a.expr),
            // `count(x_total) == 0` asks whether the series exist, not what they hold.
            _ => None,
        },
        Expr::Binary(b) => {
            let op = b.op.to_string();
            match (unparen(&b.lhs), unparen(&b.rhs)) {
                (side, Expr::NumberLiteral(_)) | (Expr::NumberLiteral(_), side)
                    if matches!(op.as_str(), "+" | "-" | "*" | "/") =>
                {
                    raw(side)
                }
                // Totals over totals: a ratio or sum since the processes started.
                (l, r) if matches!(op.as_str(), "+" | "*" | "/") => {
                    let left = raw(l)?;
                    raw(r).map(|_| left)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::raw_series;
    use crate::prometheus::syntax::parse;

    fn raw(q: &str) -> Option<String> {
        raw_series(&parse(q).unwrap())
    }

    #[test]
    fn a_series_compared_as_it_stands_is_raw() {
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
            ("queue_depth > 100", "queue_depth"),
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
            "errors_total > bool 5",
            "errors_total > requests_total",
        ] {
            assert_eq!(raw(q), None, "{q}");
        }
    }
}
