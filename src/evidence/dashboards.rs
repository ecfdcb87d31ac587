//! Grafana dashboard JSON: which panels query which signals.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::paths::Reader;

/// One panel and the query expressions of its targets.
#[derive(Debug, Clone, Serialize)]
pub struct Panel {
    /// Panel title.
    pub title: String,
    /// Query texts (`expr`, `query`, `rawSql`, `expression`, `target`).
    pub queries: Vec<String>,
    /// The same texts as searched for metric names: PromQL (`expr`) without its comments and
    /// string literals (see [`code_of`]); the queries that chart nothing left out.
    #[serde(skip)]
    searched: Vec<String>,
    /// The queries left out, as searched, each with why it charts nothing.
    #[serde(skip)]
    unshown: Vec<(String, String)>,
}

/// One dashboard file.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dashboard {
    /// Parsed as a Grafana dashboard.
    pub ok: bool,
    /// Why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Where the JSON breaks: (line, column).
    #[serde(skip)]
    pub error_at: Option<(u32, u32)>,
    /// Dashboard title.
    pub title: String,
    /// Panels, nested rows flattened.
    pub panels: Vec<Panel>,
}

const QUERY_FIELDS: &[&str] = &["expr", "query", "rawSql", "expression", "target"];

fn walk(panels: &[Value], out: &mut Vec<Panel>) {
    for p in panels {
        let (mut queries, mut searched, mut unshown) = (Vec::new(), Vec::new(), Vec::new());
        let targets = p.get("targets").and_then(Value::as_array);
        for t in targets.into_iter().flatten().filter(|t| shown(t)) {
            let source = source_of(t, p.get("datasource"));
            for (field, q) in QUERY_FIELDS
                .iter()
                .filter_map(|f| t.get(*f).and_then(Value::as_str).map(|q| (*f, q)))
            {
                let code = if field == "expr" {
                    code_of(q)
                } else {
                    q.to_string()
                };
                queries.push(q.to_string());
                let why = match &source {
                    Some(kind) => Some(format!(
                        "runs on a `{kind}` data source, which holds no Prometheus series"
                    )),
                    None if field == "expr" => charts_nothing(q, &code).map(str::to_string),
                    None => None,
                };
                match why {
                    Some(why) => unshown.push((code, why)),
                    None => searched.push(code),
                }
            }
        }
        out.push(Panel {
            searched,
            unshown,
            title: p
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("(untitled)")
                .to_string(),
            queries,
        });
        if let Some(nested) = p.get("panels").and_then(Value::as_array) {
            walk(nested, out);
        }
    }
}

/// Data sources that hold no Prometheus series, by type: made-up data (TestData, Grafana's
/// built-in random walk), another panel's results, logs, traces and profiles. A query of one
/// names a metric in vain.
const NO_SERIES: &[&str] = &[
    "testdata",
    "grafana-testdata-datasource",
    "grafana",
    "dashboard",
    "loki",
    "tempo",
    "jaeger",
    "zipkin",
    "elasticsearch",
    "grafana-pyroscope-datasource",
];

/// The type of the data source a target runs on, when it holds no Prometheus series: its
/// panel's or its own (Grafana runs a panel's queries on the panel's data source unless that
/// is `-- Mixed --`, and keeps each query's own beside it: either one without series is read
/// as the one it runs on). None is the default data source, read as one that holds series.
fn source_of(target: &Value, panel: Option<&Value>) -> Option<String> {
    let kind = |ds: &Value| -> Option<String> {
        let special = |name: &str| match name {
            "-- Grafana --" | "grafana" => Some("grafana"),
            "-- Dashboard --" => Some("dashboard"),
            "-- Mixed --" => Some("mixed"),
            _ => None,
        };
        match ds {
            Value::String(name) => special(name).map(str::to_string),
            Value::Object(o) => o
                .get("uid")
                .and_then(Value::as_str)
                .and_then(special)
                .map(str::to_string)
                .or_else(|| {
                    o.get("type")
                        .and_then(Value::as_str)
                        .map(str::to_ascii_lowercase)
                }),
            _ => None,
        }
    };
    [panel, target.get("datasource")]
        .into_iter()
        .flatten()
        .filter_map(kind)
        .find(|k| NO_SERIES.contains(&k.as_str()))
}

/// Why the PromQL `query` (`code`: as searched) charts nothing, when its form says so. Only a
/// query pinned by `@` or holding a part that reads no series can, so only those are parsed;
/// Grafana's interval variables are read as a window, and a query with other variables outside
/// its strings is not parsed.
fn charts_nothing(query: &str, code: &str) -> Option<&'static str> {
    if !(code.contains('@') || code.contains("vector")) {
        return None;
    }
    let mut query = query.to_string();
    for var in [
        "${__rate_interval}",
        "$__rate_interval",
        "${__interval}",
        "$__interval",
        "${__range}",
        "$__range",
    ] {
        query = query.replace(var, "5m");
    }
    if code_of(&query).contains('$') {
        return None;
    }
    let parsed = crate::prometheus::syntax::parse(&query).ok()?;
    crate::prometheus::syntax::charts_nothing(&parsed)
}

/// Whether a panel shows what a target queries. Grafana drops the result of a target with
/// `hide: true` before it reaches the panel (its `DataQuery.hide`: "true if query is
/// disabled"); any value but `false` or null is read as hidden, as the browser's truthiness
/// would hide `"false"` or `1`, so a switched-off query never counts as charting a signal.
fn shown(target: &Value) -> bool {
    matches!(
        target.get("hide"),
        None | Some(Value::Null | Value::Bool(false))
    )
}

/// Parses one dashboard file.
pub fn parse(text: &str) -> Dashboard {
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Dashboard {
                problem: Some(format!("not valid JSON: {e}")),
                error_at: Some((e.line() as u32, e.column() as u32)),
                ..Dashboard::default()
            };
        }
    };
    // A dashboard is exported either bare or wrapped as `{"dashboard": {...}}`.
    let d = v
        .get("dashboard")
        .filter(|d| d.get("panels").is_some())
        .unwrap_or(&v);
    let Some(panels) = d.get("panels").and_then(Value::as_array) else {
        return Dashboard {
            problem: Some("not a Grafana dashboard: no `panels` list".into()),
            ..Dashboard::default()
        };
    };
    let mut out = Vec::new();
    walk(panels, &mut out);
    if let Some(rows) = d.get("rows").and_then(Value::as_array) {
        for r in rows {
            if let Some(p) = r.get("panels").and_then(Value::as_array) {
                walk(p, &mut out);
            }
        }
    }
    Dashboard {
        ok: true,
        problem: None,
        error_at: None,
        title: d
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        panels: out,
    }
}

/// PromQL as far as it can name a metric: comments (`#` to the end of the line) and string
/// literals (label values, regexes, `label_replace` arguments) become spaces, except the value
/// of a `__name__` matcher, which names metrics. `vector(0) # x_total` and
/// `up{job="x_total"}` do not query `x_total`.
pub fn code_of(promql: &str) -> String {
    let mut out = String::with_capacity(promql.len());
    let mut chars = promql.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' | '\'' | '`' => {
                let keep = names_metrics(&out);
                out.push(c);
                while let Some(s) = chars.next() {
                    if s == '\\' && c != '`' {
                        let escaped = chars.next();
                        if keep {
                            out.push(s);
                            out.extend(escaped);
                        }
                        continue;
                    }
                    if s == c {
                        break;
                    }
                    out.push(if keep { s } else { ' ' });
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether a string literal starting after `before` is a `__name__` matcher's value.
fn names_metrics(before: &str) -> bool {
    let before = before.trim_end();
    let Some(before) = before
        .strip_suffix("=~")
        .or_else(|| before.strip_suffix('='))
    else {
        return false;
    };
    before.trim_end().ends_with("__name__")
}

/// The series a client library exposes for one metric besides its own name that chart its
/// values: a counter's `_total` and a histogram's `_bucket`. Not `_count` or `_gcount` alone:
/// they count observations whatever their values (a "builds per minute" panel of a duration
/// histogram shows no duration). Nor a histogram's or summary's `_sum` (or a gauge histogram's
/// `_gsum`) alone: seconds observed per second rise as much with twice the builds as with
/// builds twice as slow; beside its `_count` it is an average, which charts the values. Not
/// OpenMetrics' `_created` either: it holds the time the series was created, the same whatever
/// the service does (the sibling a metrics browser offers beside `x_total`).
const SERIES_SUFFIXES: [&str; 2] = ["_total", "_bucket"];

/// A sum's suffix and the count it needs beside it.
const SUMS: [(&str, &str); 2] = [("_sum", "_count"), ("_gsum", "_gcount")];

/// Whether `query` mentions the metric `name` as a whole identifier, or one of the series
/// its client library exposes for it (`x_seconds_bucket` for `x_seconds`, `x_seconds_sum`
/// beside `x_seconds_count`); another metric that merely starts with the name (`x_total_old`,
/// `x_totals`) is no mention.
pub fn mentions(query: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    // The sums and counts named, by their index in `SUMS`.
    let (mut sums, mut counts) = ([false; 2], [false; 2]);
    for (i, _) in query.match_indices(name) {
        if query[..i].chars().next_back().is_some_and(ident) {
            continue;
        }
        let rest = &query[i + name.len()..];
        // Whether `rest` is `suffix` and then no more of an identifier.
        let is = |suffix: &str| {
            rest.strip_prefix(suffix)
                .is_some_and(|r| !r.chars().next().is_some_and(ident))
        };
        if is("") || SERIES_SUFFIXES.iter().any(|s| is(s)) {
            return true;
        }
        for (n, (sum, count)) in SUMS.iter().enumerate() {
            sums[n] |= is(sum);
            counts[n] |= is(count);
        }
    }
    sums.iter().zip(counts).any(|(sum, count)| *sum && count)
}

/// Titles of the panels of a dashboard that query `signal`.
pub fn panels_for(d: &Dashboard, signal: &str) -> Vec<String> {
    d.panels
        .iter()
        .filter(|p| p.searched.iter().any(|q| mentions(q, signal)))
        .map(|p| p.title.clone())
        .collect()
}

/// Why the queries of `d` that name `signal` chart nothing, when none charts it: the first
/// such query's panel and reason.
pub fn unshown_for(d: &Dashboard, signal: &str) -> Option<String> {
    d.panels.iter().find_map(|p| {
        let (_, why) = p.unshown.iter().find(|(q, _)| mentions(q, signal))?;
        Some(format!(
            "panel `{}` names it in a query that {why}",
            p.title
        ))
    })
}

/// Parses the dashboards a manifest names (paths as written).
pub fn collect(reader: &mut Reader, written: &[String]) -> BTreeMap<String, Dashboard> {
    let mut out = BTreeMap::new();
    for w in written {
        if out.contains_key(w) {
            continue;
        }
        if let Ok((_, text)) = reader.read_text(w) {
            out.insert(w.clone(), parse(&text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
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
        ] {
            assert_eq!(
                panel(ds, target_ds, expr),
                (vec!["P".to_string()], None),
                "{ds} {target_ds} {expr}"
            );
        }
    }

    #[test]
    fn broken_json_is_located() {
        let d = parse("{\n  \"panels\": [\n    {,}\n  ]\n}");
        assert!(!d.ok);
        assert_eq!(d.error_at.map(|a| a.0), Some(3));
    }
}
