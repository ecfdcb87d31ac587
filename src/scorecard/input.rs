//! The inputs of `launchgate report`: manifests and directories, checked here exactly as
//! `check` checks them, and JSON reports that `check --format json` wrote elsewhere.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::evidence::paths::Unread;
use crate::report::Report;
use crate::source::display_path;

/// Largest JSON report read; a 1,000-service check report is a few megabytes.
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// The report format versions this build reads.
pub const SUPPORTED_VERSIONS: &[u64] = &[1];

/// Reports to aggregate, each with the JSON file it came from (none: checked by this run).
pub struct Inputs {
    /// The reports, checked first, then the JSON files in the order given.
    pub reports: Vec<(Report, Option<String>)>,
}

/// Whether a path names a JSON report rather than a manifest or a directory.
fn is_report_file(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        && !path.is_dir()
}

/// Checks the manifests and directories among `paths` (one `check` run) and reads the JSON
/// reports among them. Any unreadable or unsupported report stops the run (exit 2).
pub fn load(paths: &[PathBuf], opts: &crate::check::Options) -> Result<Inputs, Error> {
    let (json, manifests): (Vec<&PathBuf>, Vec<&PathBuf>) =
        paths.iter().partition(|p| is_report_file(p));
    let mut reports = Vec::new();
    if !manifests.is_empty() {
        let manifests: Vec<PathBuf> = manifests.into_iter().cloned().collect();
        reports.push((crate::check::run(&manifests, opts)?, None));
    }
    for p in json {
        reports.push((read_report(p)?, Some(display_path(p))));
    }
    Ok(Inputs { reports })
}

/// Reads a report written by `launchgate check --format json`, recognised by its `tool` and
/// `version`; a version this build does not know is refused rather than half-read.
pub fn read_report(path: &Path) -> Result<Report, Error> {
    let shown = display_path(path);
    let bad = |reason: String| Error::BadReport {
        path: shown.clone(),
        reason,
    };
    let io = |e: std::io::Error| Error::Io {
        path: shown.clone(),
        reason: e.to_string(),
    };
    // Opened once and without blocking, then asked what it is: a FIFO named `*.json` is
    // refused instead of waited on.
    let bytes =
        crate::evidence::paths::read_limited(path, MAX_REPORT_BYTES).map_err(
            |unread| match unread {
                Unread::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Error::NotFound(shown.clone())
                }
                Unread::Io(e) => io(e),
                Unread::NotAFile { .. } => io(std::io::Error::other("not a regular file")),
                Unread::TooLarge(bytes) => bad(format!(
                    "{bytes} bytes is over the {MAX_REPORT_BYTES} byte limit for a report"
                )),
            },
        )?;
    let text = String::from_utf8(bytes).map_err(|_| bad("not UTF-8 text".into()))?;
    parse_report(&text).map_err(bad)
}

/// Parses report text; the error says what is wrong, for [`Error::BadReport`].
pub fn parse_report(text: &str) -> Result<Report, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if value.pointer("/tool/name").and_then(|v| v.as_str()) != Some("launchgate") {
        return Err(
            "not a launchgate report (no `\"tool\": {\"name\": \"launchgate\"}`); write one with `launchgate check --format json=FILE`"
                .into(),
        );
    }
    let version = value.get("version").and_then(|v| v.as_u64());
    match version {
        Some(v) if SUPPORTED_VERSIONS.contains(&v) => {}
        Some(v) => {
            return Err(format!(
                "report schema version {v} is not supported; this launchgate {} reads version {}",
                env!("CARGO_PKG_VERSION"),
                SUPPORTED_VERSIONS
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        None => {
            return Err(format!(
                "the report has no schema version (`version`: {})",
                value
                    .get("version")
                    .map_or("missing".into(), |v| v.to_string())
            ));
        }
    }
    if value.get("command").and_then(|v| v.as_str()) != Some("check") {
        return Err(
            "a `gate` report covers one rollout, not a service's readiness; give `launchgate check --format json` reports".into(),
        );
    }
    serde_json::from_value(value).map_err(|e| format!("does not match the report schema: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_reports_by_tool_and_version() {
        let ok = r#"{"version":1,"tool":{"name":"launchgate","version":"0.1.0"},"command":"check",
            "now":"2026-11-25T12:00:00Z","verdict":"pass",
            "summary":{"manifests":0,"passed":0,"failed":0,"warnings":0,"held":0,"waived":0},
            "manifests":[],"items":{}}"#;
        assert!(parse_report(ok).is_ok());
        let v2 = ok.replacen("\"version\":1", "\"version\":2", 1);
        assert!(
            parse_report(&v2)
                .unwrap_err()
                .contains("version 2 is not supported")
        );
        let none = ok.replacen("\"version\":1,", "", 1);
        assert!(
            parse_report(&none)
                .unwrap_err()
                .contains("no schema version")
        );
        assert!(
            parse_report("{}")
                .unwrap_err()
                .contains("not a launchgate report")
        );
        assert!(parse_report("[1").unwrap_err().contains("not JSON"));
        let gate = ok.replacen("\"check\"", "\"gate\"", 1);
        assert!(parse_report(&gate).unwrap_err().contains("gate"));
        let broken = ok.replacen("\"manifests\":[]", "\"manifests\":[{}]", 1);
        assert!(parse_report(&broken).unwrap_err().contains("schema"));
    }
}
