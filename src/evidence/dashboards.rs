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
        // A panel of text, links or alerts runs no query it shows.
        let kind = p.get("type").and_then(Value::as_str).unwrap_or_default();
        let shows_none = NO_RESULTS.contains(&kind);
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
                    _ if shows_none => Some(format!(
                        "sits in a `{kind}` panel, which shows no query's results"
                    )),
                    Some(kind) => Some(format!(
                        "runs on a `{kind}` data source, which holds no Prometheus series"
                    )),
                    None if field == "expr" => charts_nothing(q, &code),
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

/// Panel types that show no query's results (their `targets`, left over from a chart, run for
/// nothing).
const NO_RESULTS: &[&str] = &[
    "text",
    "news",
    "dashlist",
    "alertlist",
    "annolist",
    "welcome",
    "gettingstarted",
    "row",
];

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
            // Before Grafana 8.3 a data source was written by its name: TestData's is
            // "TestData DB" (or "gdev-testdata" as Grafana's own dashboards provision it).
            Value::String(name) => special(name).map(str::to_string).or_else(|| {
                let lower = name.to_ascii_lowercase();
                lower.contains("testdata").then(|| "testdata".to_string())
            }),
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
fn charts_nothing(query: &str, code: &str) -> Option<String> {
    if !(code.contains('@') || code.contains("vector") || code.contains("offset")) {
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
    if let Some(why) = crate::prometheus::syntax::charts_nothing(&parsed) {
        return Some(why.to_string());
    }
    // Every series read an hour or more back: what happened then, not now (a week-over-week
    // panel reads the same series now too).
    let lag = crate::prometheus::syntax::reads(&parsed).least_lag_ms / 1000;
    (lag >= 3_600).then(|| {
        format!(
            "reads its series {} back (`offset`), so it draws what happened then, not now",
            crate::duration::format_seconds(lag as i64)
        )
    })
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
mod tests;
