//! SARIF 2.1.0 for GitHub code scanning: a rule per item, a result per finding that is not a
//! pass, waivers as suppressions, fingerprints that survive lines moving.

use serde_json::{Value, json};

use crate::report::{Finding, Outcome, Report, Severity};

/// The SARIF `level` of a finding.
fn level(f: &Finding) -> &'static str {
    match (f.outcome, f.severity) {
        (Outcome::Fail, Severity::Error) => "error",
        (Outcome::Fail, Severity::Warning) | (Outcome::Hold, _) => "warning",
        _ => "note",
    }
}

/// FNV-1a: a small, stable, dependency-free hash for fingerprints.
fn fnv(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// A rule id as a SARIF `name`: `PROD-ROLLBACK-5MIN` -> `ProdRollback5min`.
fn rule_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut c = lower.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A repository-relative URI for a displayed path (`/`-separated, percent-encoded).
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// The report as a SARIF log.
pub fn to_value(report: &Report) -> Value {
    let ids: Vec<&String> = report.items.keys().collect();
    let rules: Vec<Value> = report
        .items
        .iter()
        .map(|(id, info)| {
            let explain = if info.checklist == "rollout" {
                String::new()
            } else {
                format!("\n\nRun `launchgate explain {id}` for an example and how to waive it.")
            };
            json!({
                "id": id,
                "name": rule_name(id),
                "shortDescription": { "text": info.title },
                "fullDescription": { "text": info.why },
                "help": {
                    "text": format!("{}{}", info.fix, explain),
                    "markdown": format!("**{}**\n\n{}\n\n**Fix:** {}{}", info.title, info.why, info.fix, explain),
                },
                "helpUri": info.help_uri,
                "defaultConfiguration": { "level": if info.severity == Severity::Error { "error" } else { "warning" } },
                "properties": { "tags": ["readiness", info.checklist] },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (m, f) in report.findings() {
        if f.outcome == Outcome::Pass {
            continue;
        }
        let loc = f.location.as_ref();
        let file = loc.map_or(m.path.as_str(), |l| l.file.as_str());
        // The text of the flagged line keeps the fingerprint stable when lines above move.
        let line_text = loc
            .and_then(|l| report.sources.get(&l.file).map(|s| (s, l)))
            .and_then(|(s, l)| s.text.lines().nth(l.line.saturating_sub(1) as usize))
            .map(str::trim)
            .unwrap_or(&f.message);
        let mut result = json!({
            "ruleId": f.item,
            "level": level(f),
            "message": { "text": match f.outcome {
                Outcome::Hold => format!("hold: {}", f.message),
                _ => f.message.to_string(),
            } },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri(file) },
                    "region": match loc {
                        Some(l) => json!({
                            "startLine": l.line,
                            "startColumn": l.column,
                            "endLine": l.end_line,
                            "endColumn": l.end_column.max(if l.end_line == l.line { l.column + 1 } else { 1 }),
                        }),
                        None => json!({ "startLine": 1 }),
                    },
                }
            }],
            "partialFingerprints": { "launchgateFinding/v1": fnv(&[&f.item, file, line_text, f.phase.as_deref().unwrap_or("")]) },
            "properties": { "outcome": f.outcome.as_str() },
        });
        if let Some(i) = ids.iter().position(|id| **id == *f.item) {
            result["ruleIndex"] = json!(i);
        }
        if let Some(w) = &f.waiver {
            result["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!("{} (approved by {}, expires {})", w.reason, w.approved_by, w.expires),
            }]);
        }
        results.push(result);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "launchgate",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": "https://github.com/launchgate/launchgate",
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Pretty-printed SARIF with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_uris_and_fingerprints() {
        assert_eq!(rule_name("PROD-ROLLBACK-5MIN"), "ProdRollback5min");
        assert_eq!(rule_name("canary-1/gate-2"), "Canary1Gate2");
        assert_eq!(uri("a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri("/abs/x"), "file:///abs/x");
        assert_eq!(fnv(&["a", "b"]), fnv(&["a", "b"]));
        assert_ne!(fnv(&["ab", ""]), fnv(&["a", "b"]));
    }
}
