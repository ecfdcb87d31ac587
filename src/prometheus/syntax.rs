//! PromQL syntax checks: a gate whose query cannot parse is a configuration error that
//! `launchgate check` reports before any rollout, not something to find out at gate time.

use crate::manifest::{Gate, Manifest};
use crate::report::{Finding, Location, Outcome};
use crate::source::SourceFile;
use crate::yaml::{Node, Route};

/// Core item of PromQL syntax errors.
pub const ITEM: &str = "LG-PROMQL";

/// Why `query` is not PromQL, if it is not.
pub fn problem(query: &str) -> Option<String> {
    // The parser is third-party code fed user text: a panic in it must not stop the run.
    let parsed = std::panic::catch_unwind(|| promql_parser::parser::parse(query));
    match parsed {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(e.trim().to_string()),
        Err(_) => Some("the PromQL parser could not read it".into()),
    }
}

/// One failing finding per gate query that does not parse.
pub fn findings(manifest: &Manifest, doc: &Node, src: &SourceFile) -> Vec<Finding> {
    let Some(rollout) = &manifest.rollout else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, phase) in rollout.phases.iter().enumerate() {
        for (n, gate) in phase.gates.iter().enumerate() {
            let Gate::Full {
                name,
                query: Some(query),
                ..
            } = gate
            else {
                continue;
            };
            let Some(why) = problem(query) else { continue };
            let route = Route::root()
                .key("rollout")
                .key("phases")
                .index(i)
                .key("gates")
                .index(n)
                .key("query");
            let gate_name = name.clone().unwrap_or_else(|| format!("gate-{}", n + 1));
            out.push(
                crate::core::finding(
                    ITEM,
                    Outcome::Fail,
                    format!(
                        "the query of gate `{}/{gate_name}` is not valid PromQL: {why}",
                        phase.name
                    ),
                )
                .at(Location::new(src, doc.locate(&route).span))
                .help("fix the query; `promtool query instant` or the Prometheus UI shows the same parse errors"),
            );
        }
    }
    out
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
}
