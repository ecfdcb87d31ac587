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
    if *spec == TimeSpec::status_default() {
        if let Some(field) = super::vocabulary::tau_status_not_unsigned(&fields) {
            return Snapshot::Bad(format!(
                "the status snapshot `{shown}` has `{field}`, where tau writes an unsigned integer (a count, or milliseconds): it was not written by tau as it is, and is not evidence; take a fresh one from tau"
            ));
        }
        if let Some(why) = not_as_tau_wrote(&fields) {
            return Snapshot::Bad(format!("the status snapshot `{shown}` {why}"));
        }
    }
    let dated_by = format!("its `{}` field", spec.field);
    Snapshot::Ok {
        fields,
        age_ms: now_ms - taken_ms,
        dated_by,
    }
}

/// Why a snapshot dated as tau's (by `health.updated_unix_ms`) cannot be as tau wrote it, if it
/// cannot. tau derives `health_state` from `health` alone (`TransportHealthSnapshot::classify`:
/// `failing` from a `failure_streak` of 3, `degraded` on any streak or `last_cycle_failed`,
/// else `healthy`) and `rollout_gate` from that (`pass` exactly when `healthy`), so a snapshot
/// whose state or gate disagrees with its own health was edited after tau wrote it (a `hold`
/// turned into a `pass`), and is not evidence. Fields that are missing are not judged here.
fn not_as_tau_wrote(fields: &Map<String, Value>) -> Option<String> {
    let health = fields.get("health")?;
    let streak = health.get("failure_streak")?.as_u64()?;
    let failed = health.get("last_cycle_failed")?.as_u64()?;
    let state = fields.get("health_state")?.as_str()?;
    let gate = fields.get("rollout_gate")?.as_str()?;
    let derived = match (streak, failed) {
        (3.., _) => "failing",
        (1.., _) | (_, 1..) => "degraded",
        _ => "healthy",
    };
    let derived_gate = if derived == "healthy" { "pass" } else { "hold" };
    (state != derived || gate != derived_gate).then(|| {
        format!(
            "says `health_state: {state}` and `rollout_gate: {gate}`, but its own `health` (`failure_streak` {streak}, `last_cycle_failed` {failed}) is what tau reports as `{derived}` with `rollout_gate: {derived_gate}`: tau derives both from those fields, so the snapshot was edited after tau wrote it and is not evidence; take a fresh one from tau"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::not_as_tau_wrote;

    fn snapshot(
        state: &str,
        gate: &str,
        streak: u64,
        failed: u64,
    ) -> serde_json::Map<String, serde_json::Value> {
        let v = serde_json::json!({
            "health_state": state,
            "rollout_gate": gate,
            "health": { "updated_unix_ms": 1, "failure_streak": streak, "last_cycle_failed": failed },
        });
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_state_or_gate_its_health_does_not_give_is_an_edit() {
        // What tau writes, worked from its `classify` by hand.
        for (state, gate, streak, failed) in [
            ("healthy", "pass", 0, 0),
            ("degraded", "hold", 1, 0),
            ("degraded", "hold", 0, 2),
            ("degraded", "hold", 2, 1),
            ("failing", "hold", 3, 0),
            ("failing", "hold", 7, 1),
        ] {
            assert_eq!(
                not_as_tau_wrote(&snapshot(state, gate, streak, failed)),
                None,
                "{state} {streak} {failed}"
            );
        }
        for (state, gate, streak, failed) in [
            ("failing", "pass", 3, 1),
            ("healthy", "pass", 3, 1),
            ("healthy", "pass", 0, 1),
            ("degraded", "hold", 3, 0),
            ("healthy", "hold", 0, 0),
            ("Healthy", "pass", 0, 0),
        ] {
            assert!(
                not_as_tau_wrote(&snapshot(state, gate, streak, failed)).is_some(),
                "{state} {gate} {streak} {failed}"
            );
        }
        // A snapshot without the fields is judged by the gates that read them.
        let mut partial = snapshot("healthy", "pass", 3, 1);
        partial.remove("rollout_gate");
        assert_eq!(not_as_tau_wrote(&partial), None);
    }
}
