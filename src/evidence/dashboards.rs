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
        let queries: Vec<String> = p
            .get("targets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|t| {
                QUERY_FIELDS
                    .iter()
                    .filter_map(move |f| t.get(*f).and_then(Value::as_str))
            })
            .map(str::to_string)
            .collect();
        out.push(Panel {
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

/// Whether `query` mentions the metric `name` (as a whole identifier; suffixes such as
/// `_bucket`, `_sum`, `_count` count as mentions).
pub fn mentions(query: &str, name: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    query
        .match_indices(name)
        .any(|(i, _)| !query[..i].chars().next_back().is_some_and(ident))
}

/// Titles of the panels of a dashboard that query `signal`.
pub fn panels_for(d: &Dashboard, signal: &str) -> Vec<String> {
    d.panels
        .iter()
        .filter(|p| p.queries.iter().any(|q| mentions(q, signal)))
        .map(|p| p.title.clone())
        .collect()
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
    }

    #[test]
    fn broken_json_is_located() {
        let d = parse("{\n  \"panels\": [\n    {,}\n  ]\n}");
        assert!(!d.ok);
        assert_eq!(d.error_at.map(|a| a.0), Some(3));
    }
}
