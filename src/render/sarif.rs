//! SARIF 2.1.0 for GitHub code scanning: a rule per item, a result per finding that is not a
//! pass, waivers as suppressions, fingerprints that survive lines moving.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::{Value, json};

use crate::report::{Finding, Location, ManifestReport, Outcome, Report, Severity};

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

/// The SARIF log, serialized a result at a time: its keys in the order `serde_json::Value`
/// sorts them (as the log was first written), its results read from the report as they are
/// written, so that 100,000 manifests' results are never all in memory at once.
struct Log<'a> {
    report: &'a Report,
    rules: Vec<Value>,
}

impl Serialize for Log<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("$schema", "https://json.schemastore.org/sarif-2.1.0.json")?;
        map.serialize_entry("runs", &[Run(self)])?;
        map.serialize_entry("version", "2.1.0")?;
        map.end()
    }
}

struct Run<'a>(&'a Log<'a>);

impl Serialize for Run<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Log { report, rules } = self.0;
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("columnKind", "unicodeCodePoints")?;
        map.serialize_entry("results", &Results(report))?;
        map.serialize_entry(
            "tool",
            &json!({ "driver": {
                "name": "launchgate",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": "https://github.com/launchgate/launchgate",
                "rules": rules,
            } }),
        )?;
        map.end()
    }
}

struct Results<'a>(&'a Report);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        let ids: Vec<&String> = report.items.keys().collect();
        let mut seq = serializer.serialize_seq(None)?;
        for m in report.manifests.iter() {
            for f in m.findings.iter().filter(|f| f.outcome != Outcome::Pass) {
                seq.serialize_element(&result(report, &ids, &m, f))?;
            }
        }
        seq.end()
    }
}

/// The rules: one per item that a finding uses.
fn rules(report: &Report) -> Vec<Value> {
    report
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
        .collect()
}

/// The report as a SARIF log.
pub fn to_value(report: &Report) -> Value {
    serde_json::to_value(Log {
        report,
        rules: rules(report),
    })
    .unwrap_or(Value::Null)
}

/// Pretty-printed SARIF with a trailing newline, written into `out` as it is serialized.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let log = Log {
        report,
        rules: rules(report),
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

/// One SARIF result: a finding that is not a pass, of manifest `m`.
fn result(report: &Report, ids: &[&String], m: &ManifestReport, f: &Finding) -> Value {
    let loc = f.location.as_ref();
    let file = loc.map_or(m.path.as_str(), |l| l.file.as_str());
    // The text of the flagged line keeps the fingerprint stable when lines above move.
    let line_text = loc
        .and_then(|l| report.source(m, &l.file).map(|s| (s, l)))
        .and_then(|(s, l)| s.text.lines().nth(l.line.saturating_sub(1) as usize))
        .map(str::trim)
        .unwrap_or(&f.message);
    let mut result = json!({
        "ruleId": f.item,
        "level": level(f),
        "message": { "text": message(f) },
        "locations": [{ "physicalLocation": physical(file, loc.map(|l| &**l)) }],
        "partialFingerprints": { "launchgateFinding/v1": fnv(&[&f.item, file, line_text, f.phase.as_deref().unwrap_or("")]) },
        "properties": { "outcome": f.outcome.as_str() },
    });
    if !f.related.is_empty() {
        // The first of two duplicate keys, the malformed lines of a history, the sample that
        // broke a gate: SARIF viewers list them beside the result.
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                json!({
                    "id": id,
                    "message": { "text": r.message },
                    "physicalLocation": physical(&r.location.file, Some(&r.location)),
                })
            })
            .collect();
        result["relatedLocations"] = json!(related);
    }
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
    result
}

/// The result's message, with a link to each related location: GitHub code scanning shows a
/// related location only where the message embeds it (`[text](id)`, SARIF 2.1.0 §3.11.6).
fn message(f: &Finding) -> String {
    let mut text = match f.outcome {
        Outcome::Hold => format!("hold: {}", f.message),
        _ => f.message.to_string(),
    };
    for (id, r) in f.related.iter().enumerate() {
        text.push_str(if id == 0 { " (see " } else { ", " });
        text.push('[');
        for c in r.message.chars() {
            // Brackets and backslashes in link text are escaped; elsewhere they may stand.
            if matches!(c, '[' | ']' | '\\') {
                text.push('\\');
            }
            text.push(c);
        }
        text.push_str(&format!("]({id})"));
    }
    if !f.related.is_empty() {
        text.push(')');
    }
    text
}

/// A SARIF `physicalLocation`: the file and, when known, the region (1-based columns; an
/// empty span on one line is shown as its first column, so viewers have something to mark).
fn physical(file: &str, loc: Option<&Location>) -> Value {
    json!({
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Related;

    #[test]
    fn names_uris_and_fingerprints() {
        assert_eq!(rule_name("PROD-ROLLBACK-5MIN"), "ProdRollback5min");
        assert_eq!(rule_name("canary-1/gate-2"), "Canary1Gate2");
        assert_eq!(uri("a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(uri("/abs/x"), "file:///abs/x");
        assert_eq!(fnv(&["a", "b"]), fnv(&["a", "b"]));
        assert_ne!(fnv(&["ab", ""]), fnv(&["a", "b"]));
    }

    /// Each related location is linked from the message, its text escaped as link text.
    #[test]
    fn messages_link_their_related_locations() {
        let at = |line| Location {
            file: "a.yaml".into(),
            line,
            column: 1,
            end_line: line,
            end_column: 2,
            offset: 0,
            len: 1,
        };
        let mut f = Finding::new("LG-YAML", "t", Severity::Error, Outcome::Fail, "twice");
        assert_eq!(message(&f), "twice");
        f.related = vec![
            Related {
                location: at(1),
                message: "first set here".into(),
            },
            Related {
                location: at(2),
                message: r"key `a[0]` \ here".into(),
            },
        ];
        assert_eq!(
            message(&f),
            r"twice (see [first set here](0), [key `a\[0\]` \\ here](1))"
        );
    }
}
