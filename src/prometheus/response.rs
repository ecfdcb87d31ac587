//! Prometheus API responses as series. The shapes are the HTTP API's:
//! `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{..},"values":[[1700000000.5,"0.01"],..]}]}}`
//! for range queries, `"vector"` with one `"value"` per series for instant ones, `"scalar"`
//! with a bare `[t, "v"]`, and `{"status":"error","errorType":"bad_data","error":".."}`.
//! Sample values are strings so that `"NaN"`, `"+Inf"` and `"-Inf"` survive JSON.

use std::collections::BTreeMap;

use serde_json::Value;

use super::QueryError;

/// One series of a query result.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Its labels (`__name__` included when the query keeps it).
    pub labels: BTreeMap<String, String>,
    /// (unix ms, value), in time order; values may be NaN or infinite.
    pub points: Vec<(i64, f64)>,
    /// Native-histogram samples the result also had (not numbers a gate can read).
    pub histograms: usize,
}

/// Parses a successful response body (any HTTP status: Prometheus sends its error JSON with
/// 400, 422 or 503). `status` is the HTTP status, for the error.
pub fn parse(status: u16, body: &[u8]) -> Result<Vec<Series>, QueryError> {
    let json: Value = serde_json::from_slice(body).map_err(|e| {
        if (200..300).contains(&status) {
            QueryError::NotJson(format!("{e}; the body starts with {}", snippet(body)))
        } else {
            http_error(status, body)
        }
    })?;
    match json.get("status").and_then(Value::as_str) {
        Some("success") if (200..300).contains(&status) => {}
        Some("error") => {
            let text = |k: &str| {
                json.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("(none given)")
                    .to_string()
            };
            return Err(QueryError::Query {
                status,
                error_type: text("errorType"),
                error: text("error"),
            });
        }
        _ if !(200..300).contains(&status) => return Err(http_error(status, body)),
        other => {
            return Err(QueryError::Malformed(format!(
                "`status` is {}, not \"success\"",
                other.map_or("missing".to_string(), |s| format!("\"{s}\""))
            )));
        }
    }
    let data = json
        .get("data")
        .ok_or_else(|| QueryError::Malformed("no `data`".into()))?;
    let result = data
        .get("result")
        .ok_or_else(|| QueryError::Malformed("no `data.result`".into()))?;
    match data.get("resultType").and_then(Value::as_str) {
        Some("matrix") => list(result)?.iter().map(|s| series(s, "values")).collect(),
        Some("vector") => list(result)?.iter().map(|s| series(s, "value")).collect(),
        Some("scalar") => Ok(vec![Series {
            labels: BTreeMap::new(),
            points: vec![point(result)?],
            histograms: 0,
        }]),
        Some(other) => Err(QueryError::Malformed(format!(
            "the result is a {other}, not numbers"
        ))),
        None => Err(QueryError::Malformed("no `data.resultType`".into())),
    }
}

fn list(result: &Value) -> Result<&Vec<Value>, QueryError> {
    result
        .as_array()
        .ok_or_else(|| QueryError::Malformed("`data.result` is not a list".into()))
}

fn series(s: &Value, key: &str) -> Result<Series, QueryError> {
    let labels = match s.get("metric") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                (k.clone(), v)
            })
            .collect(),
        Some(_) => return Err(QueryError::Malformed("a `metric` is not an object".into())),
    };
    let points = match s.get(key) {
        None => Vec::new(),
        Some(Value::Array(a)) if key == "values" => {
            a.iter().map(point).collect::<Result<Vec<_>, _>>()?
        }
        Some(v) => vec![point(v)?],
    };
    // Native histograms come as `histogram`/`histograms`: counted, so a series of them holds.
    let histograms = match (s.get("histograms"), s.get("histogram")) {
        (Some(Value::Array(h)), _) => h.len(),
        (_, Some(_)) => 1,
        _ => 0,
    };
    let mut points = points;
    points.sort_by_key(|p| p.0);
    Ok(Series {
        labels,
        points,
        histograms,
    })
}

/// `[1700000000.123, "0.5"]` as (unix ms, value).
fn point(v: &Value) -> Result<(i64, f64), QueryError> {
    let bad = || QueryError::Malformed(format!("a sample is not [time, \"value\"]: {}", clip(v)));
    let pair = v.as_array().filter(|a| a.len() == 2).ok_or_else(bad)?;
    let t = pair[0].as_f64().filter(|t| t.is_finite()).ok_or_else(bad)?;
    let x = match &pair[1] {
        Value::String(s) => parse_value(s).ok_or_else(bad)?,
        Value::Number(n) => n.as_f64().ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    Ok(((t * 1000.0).round() as i64, x))
}

/// A Prometheus sample value: a float, `NaN`, `+Inf` or `-Inf`.
pub fn parse_value(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        other => other.parse::<f64>().ok(),
    }
}

fn http_error(status: u16, body: &[u8]) -> QueryError {
    let hint = match status {
        401 => {
            " (unauthorized: set LAUNCHGATE_PROMETHEUS_TOKEN, or LAUNCHGATE_PROMETHEUS_USERNAME and LAUNCHGATE_PROMETHEUS_PASSWORD)"
        }
        403 => " (forbidden: the credentials may not query this server)",
        404 => " (not found: is the URL the Prometheus server's base URL?)",
        _ => "",
    };
    QueryError::Http {
        status,
        hint: hint.to_string(),
        body: snippet(body),
    }
}

/// The start of a body, printable and short.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "(an empty body)".into()
    } else if body.len() > 200 {
        format!("`{clean}...`")
    } else {
        format!("`{clean}`")
    }
}

fn clip(v: &Value) -> String {
    let mut s = v.to_string();
    if s.len() > 80 {
        let cut = (0..=80).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_vector_scalar() {
        let m = br#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"app"},"values":[[1700000060,"2"],[1700000000.5,"NaN"],[1700000120,"+Inf"]]}]}}"#;
        let s = parse(200, m).unwrap();
        assert_eq!(s[0].labels["job"], "app");
        assert_eq!(s[0].points[0].0, 1_700_000_000_500);
        assert!(s[0].points[0].1.is_nan());
        assert_eq!(s[0].points[1], (1_700_000_060_000, 2.0));
        assert_eq!(s[0].points[2].1, f64::INFINITY);
        let v = br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"-Inf"]}]}}"#;
        assert_eq!(parse(200, v).unwrap()[0].points[0].1, f64::NEG_INFINITY);
        let sc =
            br#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"1.5"]}}"#;
        assert_eq!(
            parse(200, sc).unwrap()[0].points,
            [(1_700_000_000_000, 1.5)]
        );
        let empty = br#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(parse(200, empty).unwrap().is_empty());
    }

    proptest::proptest! {
        #[test]
        fn bad_bodies_never_panic(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200), status in 100u16..600) {
            let _ = parse(status, &body);
        }

        #[test]
        fn odd_samples_never_panic(t in proptest::prelude::any::<f64>(), v in "\\PC{0,12}", kind in 0usize..3) {
            let kinds = ["matrix", "vector", "scalar"];
            let sample = serde_json::json!([t, v]);
            let result = match kind {
                0 => serde_json::json!([{"metric": {"a": 1}, "values": [sample]}]),
                1 => serde_json::json!([{"metric": null, "value": sample}]),
                _ => sample,
            };
            let body = serde_json::json!({"status": "success", "data": {"resultType": kinds[kind], "result": result}});
            let _ = parse(200, body.to_string().as_bytes());
        }
    }

    #[test]
    fn errors_keep_prometheus_words() {
        let e = br#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error"}"#;
        assert_eq!(
            parse(400, e).unwrap_err().to_string(),
            "Prometheus answered HTTP 400 with bad_data: invalid parameter \"query\": 1:5: parse error"
        );
        assert!(matches!(parse(200, b"<html>"), Err(QueryError::NotJson(_))));
        assert!(matches!(
            parse(502, b"<html>bad gateway</html>"),
            Err(QueryError::Http { status: 502, .. })
        ));
        assert!(matches!(
            parse(200, br#"{"status":"pending"}"#),
            Err(QueryError::Malformed(_))
        ));
        assert!(matches!(
            parse(
                200,
                br#"{"status":"success","data":{"resultType":"string","result":[1,"x"]}}"#
            ),
            Err(QueryError::Malformed(_))
        ));
        assert!(matches!(
            parse(200, br#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}"#),
            Err(QueryError::Malformed(_))
        ));
    }
}
