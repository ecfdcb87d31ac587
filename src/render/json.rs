//! The report as JSON, documented by `schemas/report.schema.json`.

use crate::report::Report;

/// Pretty-printed JSON with a trailing newline, written into `out` as it is serialized.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
