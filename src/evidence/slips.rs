//! Metric names one slip from a declared signal's series: a letter added, dropped or changed,
//! or two swapped (`template_build_failure_total` for `template_build_failures_total`). A
//! query over a metric nobody exports selects nothing: an alert built on it never fires, and
//! Prometheus, promtool and the rule file's checks all accept it.

use std::collections::HashSet;

/// The series a signal is exported as: itself, a counter's `_total`, a histogram's or
/// summary's `_bucket`, `_sum` and `_count`, and OpenMetrics' `_created`.
const SUFFIXES: [&str; 6] = ["", "_total", "_bucket", "_sum", "_count", "_created"];

/// Shortest metric name judged: in a short name one letter is too much of the name to call a
/// difference a slip.
const MIN_LEN: usize = 6;

/// The first of `metrics` that is no series of `signals` and not `recorded`, but one slip from
/// a series of a signal: `(metric, series meant)`.
pub fn misspelt(
    metrics: &[String],
    signals: &[String],
    recorded: &HashSet<String>,
) -> Option<(String, String)> {
    let is_series = |m: &str| {
        signals.iter().any(|s| {
            m.strip_prefix(s.as_str())
                .is_some_and(|x| SUFFIXES.contains(&x))
        })
    };
    metrics
        .iter()
        .filter(|m| m.len() >= MIN_LEN && !is_series(m) && !recorded.contains(*m))
        .find_map(|m| {
            // Only a series within one letter of the metric's length can be one slip from it.
            let meant = signals
                .iter()
                .flat_map(|s| SUFFIXES.iter().map(move |x| (s, x)))
                .filter(|(s, x)| (s.len() + x.len()).abs_diff(m.len()) <= 1)
                .map(|(s, x)| format!("{s}{x}"))
                .find(|series| one_slip(m, series))?;
            Some((m.clone(), meant))
        })
}

/// Whether `a` and `b` differ by one letter or `_` added, dropped or changed, or two adjacent
/// ones swapped. A digit is never a slip: `cpu_1m` and `cpu_5m` are two metrics.
fn one_slip(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let Some(i) = (0..short.len()).find(|&i| long[i] != short[i]).or(
        // Equal up to the shorter one's end: a letter added at the end, or the same name.
        (long.len() > short.len()).then_some(short.len()),
    ) else {
        return false;
    };
    let slip = |c: u8| !c.is_ascii_digit();
    if long.len() > short.len() {
        return slip(long[i]) && long[i + 1..] == short[i..];
    }
    if long[i + 1..] == short[i + 1..] {
        return slip(long[i]) && slip(short[i]);
    }
    i + 1 < long.len()
        && long[i] == short[i + 1]
        && long[i + 1] == short[i]
        && long[i + 2..] == short[i + 2..]
        && slip(long[i])
        && slip(long[i + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn one_slip_is_an_edit_of_one_letter() {
        for (a, b) in [
            (
                "template_build_failure_total",
                "template_build_failures_total",
            ),
            ("templates_generated_totl", "templates_generated_total"),
            (
                "template_biuld_failures_total",
                "template_build_failures_total",
            ),
            (
                "Template_build_failures_total",
                "template_build_failures_total",
            ),
            (
                "templatebuild_failures_total",
                "template_build_failures_total",
            ),
            (
                "template_build_failures_totals",
                "template_build_failures_total",
            ),
            (
                "xtemplate_build_failures_total",
                "template_build_failures_total",
            ),
            (
                "template_build_failures_totak",
                "template_build_failures_total",
            ),
        ] {
            assert!(one_slip(a, b), "{a} / {b}");
            assert!(one_slip(b, a), "{b} / {a}");
        }
        for (a, b) in [
            (
                "template_build_failures_total",
                "template_build_failures_total",
            ),
            ("cpu_usage_1m", "cpu_usage_5m"),
            ("http_requests_2xx", "http_requests_5xx"),
            ("queue_depth12", "queue_depth21"),
            (
                "templ_build_failures_total",
                "template_build_failures_total",
            ),
            ("grpc_requests_total", "http_requests_total"),
            ("abc", "abcde"),
        ] {
            assert!(!one_slip(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn a_slip_from_a_series_is_found_and_real_series_are_not() {
        let signals = names(&[
            "template_build_failures_total",
            "template_build_duration_seconds",
        ]);
        let none = HashSet::new();
        assert_eq!(
            misspelt(&names(&["template_build_failure_total"]), &signals, &none),
            Some((
                "template_build_failure_total".into(),
                "template_build_failures_total".into()
            ))
        );
        assert_eq!(
            misspelt(
                &names(&["template_build_duration_second_bucket"]),
                &signals,
                &none
            ),
            Some((
                "template_build_duration_second_bucket".into(),
                "template_build_duration_seconds_bucket".into()
            ))
        );
        // The signals' own series, metrics far from any signal, short names, recorded series.
        let fine = names(&[
            "template_build_failures_total",
            "template_build_duration_seconds_bucket",
            "template_build_duration_seconds_count",
            "publication_job_last_success_timestamp_seconds",
            "up",
            "job:template_build_failures:rate5m",
        ]);
        assert_eq!(misspelt(&fine, &signals, &none), None);
        let recorded: HashSet<String> = ["template_build_failure_total".to_string()].into();
        assert_eq!(
            misspelt(
                &names(&["template_build_failure_total"]),
                &signals,
                &recorded
            ),
            None
        );
    }
}
