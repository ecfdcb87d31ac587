use super::*;

#[test]
fn finds_panels_in_rows_and_suffixes() {
    let d = parse(
        r#"{"panels": [{"title": "A", "targets": [{"expr": "rate(x_total[5m])"}]},
        {"type": "row", "title": "R", "panels": [{"title": "B", "targets": [{"expr": "histogram_quantile(0.9, y_seconds_bucket)"}]}]}]}"#,
    );
    assert!(d.ok);
    assert_eq!(panels_for(&d, "x_total"), ["A"]);
    assert_eq!(panels_for(&d, "y_seconds"), ["B"]);
    assert!(panels_for(&d, "total").is_empty());
    assert_eq!(
        panels_for(&d, "x"),
        ["A"],
        "a counter's `_total` series is its own"
    );
}

/// A metric whose name merely starts with the signal's is another metric.
#[test]
fn a_longer_name_is_another_metric() {
    for other in [
        "rate(x_total_old[5m])",
        "rate(x_totals[5m])",
        "x_total_bucket_v2",
        "x_total:rate5m",
        // The creation time of the series, not its values.
        "x_total_created",
        "max(x_seconds_created)",
        // How many observations, not their values.
        "sum(rate(x_seconds_count[5m]))",
        "x_seconds_gcount",
        // Seconds observed per second: as much more builds as slower ones.
        "rate(x_seconds_sum[5m])",
        "x_seconds_gsum",
        "rate(x_seconds_sum[5m]) / rate(y_seconds_count[5m])",
        "rate(x_seconds_sum[5m]) / rate(x_seconds_count_old[5m])",
    ] {
        let name = if other.contains("seconds") {
            "x_seconds"
        } else {
            "x_total"
        };
        assert!(!mentions(other, name), "{other}");
    }
    for same in [
        "x_total",
        "rate(x_total[5m])",
        "sum(x_seconds_count) / sum(x_seconds_sum)",
        "x_seconds_bucket{le=\"1\"}",
        "rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m])",
        "x_seconds_gsum / x_seconds_gcount",
    ] {
        let name = if same.contains("seconds") {
            "x_seconds"
        } else {
            "x_total"
        };
        assert!(mentions(same, name), "{same}");
    }
}

/// A metric named only in a comment, a label value or a string argument is not queried;
/// one named by a `__name__` matcher, or beside Grafana's variables, is.
#[test]
fn comments_and_strings_do_not_query_a_metric() {
    let queried = |expr: &str| mentions(&code_of(expr), "x_total");
    assert!(queried("rate(x_total[$__rate_interval])"));
    assert!(queried("sum by (job) (rate(x_total{job=\"$job\"}[5m]))"));
    assert!(queried("{__name__=\"x_total\"}"));
    assert!(queried("{__name__ =~ 'x_total|y_total'}"));
    assert!(queried("vector(0) # no data\n+ sum(x_total)"));
    assert!(!queried("vector(0) # x_total"));
    assert!(!queried("up{job=\"x_total\"}"));
    assert!(!queried("up{job=~`x_total.*`}"));
    assert!(!queried(
        "label_replace(up, \"m\", \"x_total\", \"\", \"\")"
    ));
    assert!(
        !queried("up{job=\"a\\\"x_total\"}"),
        "an escaped quote does not end the string"
    );
    assert!(
        !queried("{__name__!=\"x_total\"}"),
        "a negative matcher queries everything else"
    );
    assert!(!queried("{__name__!~\"x_total\"}"));
    assert_eq!(code_of("a{b=\"c\"} # d\ne"), "a{b=\" \"} \ne");
}

#[test]
fn only_promql_targets_are_read_as_promql() {
    let d = parse(
        r#"{"panels": [
          {"title": "P", "targets": [{"expr": "vector(0) # x_total"}]},
          {"title": "S", "targets": [{"rawSql": "SELECT v FROM m WHERE name = 'x_total'"}]}]}"#,
    );
    assert_eq!(panels_for(&d, "x_total"), ["S"]);
}

#[test]
fn a_query_switched_off_charts_nothing() {
    let d = parse(
        r#"{"panels": [
          {"title": "Off", "targets": [{"refId": "A", "hide": true, "expr": "rate(x_total[5m])"}]},
          {"title": "Odd", "targets": [{"refId": "A", "hide": "false", "expr": "rate(x_total[5m])"}]},
          {"title": "On", "targets": [{"refId": "A", "hide": false, "expr": "rate(y_total[5m])"},
                                      {"refId": "B", "hide": null, "expr": "rate(z_total[5m])"}]}]}"#,
    );
    assert!(panels_for(&d, "x_total").is_empty());
    assert_eq!(panels_for(&d, "y_total"), ["On"]);
    assert_eq!(panels_for(&d, "z_total"), ["On"]);
}

/// A query of made-up data, logs or another panel, one pinned to a fixed time and one
/// switched off by a constant part name a signal and chart nothing of it.
#[test]
fn queries_that_chart_nothing_are_not_counted() {
    let panel = |ds: &str, target_ds: &str, expr: &str| {
        let d = parse(&format!(
            r#"{{"panels": [{{"title": "P", "datasource": {ds}, "targets": [{{"expr": {expr:?}, "datasource": {target_ds}}}]}}]}}"#
        ));
        (panels_for(&d, "x_total"), unshown_for(&d, "x_total"))
    };
    let prom = r#"{"type": "prometheus", "uid": "prom"}"#;
    for (ds, target_ds, expr, why) in [
        (
            r#"{"type": "grafana-testdata-datasource", "uid": "t"}"#,
            prom,
            "rate(x_total[5m])",
            "runs on a `grafana-testdata-datasource` data source",
        ),
        (
            r#"{"type": "datasource", "uid": "-- Mixed --"}"#,
            r#"{"type": "loki", "uid": "l"}"#,
            "rate(x_total[5m])",
            "runs on a `loki` data source",
        ),
        (
            r#""-- Grafana --""#,
            "null",
            "rate(x_total[5m])",
            "runs on a `grafana` data source",
        ),
        (
            r#""TestData DB""#,
            "null",
            "rate(x_total[5m])",
            "runs on a `testdata` data source",
        ),
        (
            prom,
            r#"{"type": "testdata", "uid": "t"}"#,
            "rate(x_total[5m])",
            "runs on a `testdata` data source",
        ),
        (
            prom,
            prom,
            "rate(x_total[5m] @ 1700000000)",
            "only at a fixed time",
        ),
        (
            prom,
            prom,
            "sum(rate(x_total[$__rate_interval])) and on() vector(0) > 1",
            "switched off",
        ),
        (
            prom,
            prom,
            "rate(x_total[5m]) unless on() vector(1)",
            "switched off",
        ),
        (
            prom,
            prom,
            "rate(x_total[5m] offset 1w)",
            "reads its series 7d back",
        ),
        (
            prom,
            prom,
            "rate(x_total[5m] offset 1h) / rate(y_total[5m] offset 2h)",
            "1h back",
        ),
    ] {
        let (charted, unshown) = panel(ds, target_ds, expr);
        assert!(charted.is_empty(), "{ds} {target_ds} {expr}");
        let unshown = unshown.unwrap_or_default();
        assert!(
            unshown.starts_with("panel `P` names it in a query that"),
            "{unshown}"
        );
        assert!(unshown.contains(why), "{expr}: {unshown}");
    }
    for (ds, target_ds, expr) in [
        (prom, prom, "rate(x_total[5m])"),
        ("null", "null", "rate(x_total[5m])"),
        (r#""Prometheus""#, "null", "rate(x_total[5m])"),
        (
            r#"{"type": "prometheus", "uid": "${datasource}"}"#,
            "null",
            "rate(x_total[$__rate_interval])",
        ),
        (
            r#"{"type": "datasource", "uid": "-- Mixed --"}"#,
            prom,
            "rate(x_total[5m])",
        ),
        (prom, prom, "sum(rate(x_total[5m])) or vector(0)"),
        (
            prom,
            prom,
            "rate(x_total{job=~\"$job\"}[5m]) and on() vector(1)",
        ),
        (
            prom,
            prom,
            "rate(x_total[5m]) / rate(x_total[5m] offset 1w)",
        ),
        (prom, prom, "rate(x_total[5m] offset 1m)"),
    ] {
        assert_eq!(
            panel(ds, target_ds, expr),
            (vec!["P".to_string()], None),
            "{ds} {target_ds} {expr}"
        );
    }
}

#[test]
fn a_panel_that_shows_no_results_charts_nothing() {
    let d = parse(
        r#"{"panels": [{"title": "Note", "type": "text", "options": {"content": "x_total"}, "targets": [{"expr": "rate(x_total[5m])"}]}]}"#,
    );
    assert!(panels_for(&d, "x_total").is_empty());
    let why = unshown_for(&d, "x_total").unwrap_or_default();
    assert!(why.contains("sits in a `text` panel"), "{why}");
}

#[test]
fn broken_json_is_located() {
    let d = parse("{\n  \"panels\": [\n    {,}\n  ]\n}");
    assert!(!d.ok);
    assert_eq!(d.error_at.map(|a| a.0), Some(3));
}
