//! The status snapshot: its fields, and how old it is (by its own timestamp or the file's mtime).

use std::path::Path;

use serde_json::{Map, Value};

use super::history::{TimeSpec, timestamp};

/// Largest status snapshot launchgate reads.
pub const MAX_STATUS_BYTES: u64 = 10 * 1024 * 1024;

/// A loaded snapshot, or why there is none.
#[derive(Debug, Clone)]
pub enum Snapshot {
    /// Parsed, with its age.
    Ok {
        /// Top-level fields.
        fields: Map<String, Value>,
        /// Age at the evaluation time, in milliseconds (negative: from the future).
        age_ms: i64,
        /// Where the age comes from: "its `x` field" or "the file's modification time".
        dated_by: String,
    },
    /// No snapshot to read (not configured or no file): not enough evidence.
    Missing(String),
    /// A snapshot that is not usable: broken data fails closed.
    Bad(String),
}

/// Reads a snapshot and dates it.
pub fn load(path: &Path, shown: &str, spec: Option<&TimeSpec>, now_ms: i64) -> Snapshot {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Snapshot::Missing(format!("the status snapshot `{shown}` does not exist"));
        }
        Err(e) => return Snapshot::Bad(format!("cannot read the status snapshot `{shown}`: {e}")),
    };
    if !meta.is_file() {
        return Snapshot::Bad(format!(
            "the status snapshot `{shown}` is not a regular file"
        ));
    }
    if meta.len() > MAX_STATUS_BYTES {
        return Snapshot::Bad(format!(
            "the status snapshot `{shown}` is {} bytes, over the {MAX_STATUS_BYTES}-byte limit",
            meta.len()
        ));
    }
    let bytes = match crate::evidence::paths::read_bounded(path) {
        Ok(b) => b,
        Err(e) => return Snapshot::Bad(format!("cannot read the status snapshot `{shown}`: {e}")),
    };
    let fields = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            return Snapshot::Bad(format!(
                "the status snapshot `{shown}` is not a JSON object"
            ));
        }
        Err(e) => {
            return Snapshot::Bad(format!(
                "the status snapshot `{shown}` is not valid JSON: {e}"
            ));
        }
    };
    let (taken_ms, dated_by) = match spec {
        Some(spec) => match timestamp(&fields, spec) {
            Ok(ts) => (ts, format!("its `{}` field", spec.field)),
            Err(reason) => {
                return Snapshot::Bad(format!("the status snapshot `{shown}`: {reason}"));
            }
        },
        None => {
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64);
            match modified {
                Some(ms) => (
                    ms,
                    "the file's modification time (it has no timestamp field)".to_string(),
                ),
                None => {
                    return Snapshot::Bad(format!(
                        "the status snapshot `{shown}` has no usable time"
                    ));
                }
            }
        }
    };
    Snapshot::Ok {
        fields,
        age_ms: now_ms - taken_ms,
        dated_by,
    }
}
