//! How long an alert's text says its condition holds before it pages, against its rule.
//! "More than 5% of builds fail for 10 minutes" over `for: 1h` pages fifty minutes after the
//! time its text gives, and the monitoring runbook that says it tells whoever reads it when to
//! expect a page that does not come.

/// The durations an alert's rule holds a condition for, in seconds: its `for`, each range
/// window of its `expr` at least as long (`rate(x[10m])`: "above 5% over 10 minutes"), each
/// window with the `for` after it, and each time from now it compares (`time() - x > 1800`:
/// "for 30 minutes").
pub(super) struct Held<'e> {
    /// The rule's `for`, 0 without one.
    for_seconds: i64,
    /// Its PromQL `expr`.
    expr: &'e str,
    /// The times from now `expr` compares, in seconds.
    ages: &'e [f64],
}

impl<'e> Held<'e> {
    /// The durations of a rule with `for_seconds`, the PromQL `expr` and the times from now
    /// it compares (`ages`).
    pub(super) fn of(for_seconds: i64, expr: &'e str, ages: &'e [f64]) -> Held<'e> {
        Held {
            for_seconds,
            expr,
            ages,
        }
    }

    /// Why `texts` (the alert's `summary`, `description`, `message`) say it holds for another
    /// time than its rule does, when one does.
    pub(super) fn contradicted(&self, texts: &[&str]) -> Option<String> {
        let said: Vec<(i64, &str)> = texts
            .iter()
            .flat_map(|t| crate::prometheus::syntax::held_for(t))
            .map(|(d, clause)| (d.round() as i64, clause))
            .filter(|&(d, _)| d > 0)
            .collect();
        if said.is_empty() {
            return None;
        }
        let windows = windows(self.expr);
        let mut meant = vec![self.for_seconds];
        // A window as long as the `for` or longer is what the condition is measured over
        // ("above 5% over 10 minutes" for `rate(x[10m])` with `for: 5m`); a `for` beyond it
        // is how long it holds.
        meant.extend(windows.iter().filter(|&&w| w >= self.for_seconds));
        meant.extend(windows.iter().map(|w| w + self.for_seconds));
        // Within a minute, or a tenth: "for 10 minutes" over `for: 10m30s` says the same.
        let close = |d: i64, m: i64| (d - m).abs() <= 60.max(m / 10);
        for (d, clause) in said {
            if meant.iter().any(|&m| close(d, m)) {
                continue;
            }
            if self.ages.iter().any(|&a| close(d, a.round() as i64)) {
                continue;
            }
            let rule = if self.for_seconds > 0 {
                format!(
                    "its rule pages once its condition has held `for: {}`",
                    crate::duration::format_seconds(self.for_seconds)
                )
            } else {
                "its rule has no `for` and pages at the first evaluation that finds it".to_string()
            };
            return Some(format!(
                "says \"{}\" ({}) while {rule}: whoever reads the text expects the page at another time than it comes; make the `for` (or the window) and the text say the same",
                crate::evidence::one_line(clause, 100),
                crate::duration::format_seconds(d)
            ));
        }
        None
    }
}

/// The range windows an `expr` writes (`[10m]`, a subquery's `[1h:5m]` by its range), in
/// seconds.
fn windows(expr: &str) -> Vec<i64> {
    let code = crate::evidence::dashboards::code_of(expr);
    code.split('[')
        .skip(1)
        .filter_map(|after| {
            let inside = after.split(']').next()?;
            let range = inside.split(':').next()?.trim();
            crate::duration::parse_seconds(range)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Held;

    /// Why `text` contradicts a rule with `for_seconds` and `expr`, its ages read as rulefmt
    /// reads them.
    fn contradicted(for_seconds: i64, expr: &str, text: &str) -> Option<String> {
        let parsed = crate::prometheus::syntax::parse(expr).expect(expr);
        let ages = crate::prometheus::syntax::ages(&parsed);
        Held::of(for_seconds, expr, &ages).contradicted(&[text])
    }

    #[test]
    fn a_text_that_holds_for_another_time_is_found() {
        let ratio = "sum(rate(f_total[10m])) / sum(rate(g_total[10m])) > 0.05";
        for (for_seconds, expr, text, says) in [
            (
                3_600,
                ratio,
                "More than 5% of builds fail for 10 minutes.",
                "(10m) while its rule pages once its condition has held `for: 1h`",
            ),
            (
                0,
                "sum(rate(f_total[5m])) > 1",
                "Failures for 30 minutes",
                "has no `for`",
            ),
            (
                300,
                "time() - x > 1800",
                "No job finished for 2 hours.",
                "(2h)",
            ),
            (
                0,
                "x == 0 and (time() - y) > 600",
                "did not start for 1 hour",
                "(1h)",
            ),
        ] {
            let why =
                contradicted(for_seconds, expr, text).unwrap_or_else(|| panic!("{text}: passed"));
            assert!(why.contains(says), "{why}");
        }
        for (for_seconds, expr, text) in [
            (600, ratio, "More than 5% of builds fail for 10 minutes."),
            (0, ratio, "More than 5% of builds fail for 10 minutes."),
            (300, ratio, "above 5% for more than 15 minutes"),
            (300, "time() - x > 1800", "No job finished for 30 minutes."),
            (
                300,
                "x < time() - 1800",
                "No job finished for half an hour.",
            ),
            (
                0,
                "x == 0 and (time() - y) > 600",
                "did not start for 10 minutes",
            ),
            (
                0,
                "(x > y) and (time() - z) > 60 * 60 * 24 * 10",
                "not vacuumed for 10 days",
            ),
            (
                300,
                "max_over_time(x[1h:1m]) > 3",
                "Queue above 3 for the last hour",
            ),
            (
                600,
                ratio,
                "More than 5% of builds fail; look at it for a while.",
            ),
            (600, ratio, "Builds failing. VALUE = {{ $value }}"),
            (630, ratio, "fails for 10 minutes"),
        ] {
            assert_eq!(contradicted(for_seconds, expr, text), None, "{text}");
        }
    }
}
