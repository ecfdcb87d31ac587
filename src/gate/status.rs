//! The status snapshot: its fields, and how old it is by its own timestamp.
//!
//! tau's `--dashboard-status-json` has no top-level time: the snapshot is as old as its
//! `health.updated_unix_ms`, the default. A file's modification time is not used: copying
//! or checking out a stale snapshot makes it look fresh.

use std::path::Path;

use serde_json::{Map, Value};

use crate::evidence::paths::Unread;

use super::history::{TimeSpec, lookup, timestamp};

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
        /// Where the age comes from: "its `x` field".
        dated_by: String,
    },
    /// No snapshot to read (not configured, no file, not dated): not enough evidence.
    Missing(String),
    /// A snapshot that is not usable: broken data fails closed.
    Bad(String),
}

/// Reads a snapshot and dates it.
pub fn load(path: &Path, shown: &str, spec: &TimeSpec, now_ms: i64) -> Snapshot {
    // Opened once, without blocking, and then asked what it is: a `stat` before the open
    // would leave a window in which a FIFO put in the file's place hangs the gate.
    let bytes = match crate::evidence::paths::read_limited(path, MAX_STATUS_BYTES) {
        Ok(b) => b,
        Err(Unread::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Snapshot::Missing(format!("the status snapshot `{shown}` does not exist"));
        }
        Err(Unread::Io(e)) => {
            return Snapshot::Bad(format!("cannot read the status snapshot `{shown}`: {e}"));
        }
        Err(Unread::NotAFile { .. }) => {
            return Snapshot::Bad(format!(
                "the status snapshot `{shown}` is not a regular file"
            ));
        }
        Err(Unread::TooLarge(bytes)) => {
            return Snapshot::Bad(format!(
                "the status snapshot `{shown}` is {bytes} bytes, over the {MAX_STATUS_BYTES}-byte limit"
            ));
        }
    };
    let fields = match super::json::parse(&bytes) {
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
    if lookup(&fields, &spec.field).is_none() {
        return Snapshot::Missing(format!(
            "the status snapshot `{shown}` has no `{}` field, so its age is unknown; name the field that dates it in `rollout.status_timestamp`",
            spec.field
        ));
    }
    let taken_ms = match timestamp(&fields, spec) {
        Ok(ts) => ts,
        Err(reason) => return Snapshot::Bad(format!("the status snapshot `{shown}`: {reason}")),
    };
    let dated_by = format!("its `{}` field", spec.field);
    Snapshot::Ok {
        fields,
        age_ms: now_ms - taken_ms,
        dated_by,
    }
}
