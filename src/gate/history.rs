//! Streaming a JSONL event history into timestamped samples, keeping only the span gates need.

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};

use super::sample::{Columns, Sample, Strings};

/// Longest history line launchgate reads; longer lines are malformed, not read into memory.
pub const MAX_LINE_BYTES: usize = 10 * 1024 * 1024;

/// Clocks of producers and CI differ a little; more than this is a time in the future.
pub const SKEW_MS: i64 = 60_000;

/// How samples say when they happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeSpec {
    /// Field, as a dotted path (`health.updated_unix_ms`).
    pub field: String,
    /// `unix_ms`, `unix_s` or `rfc3339`.
    pub unit: String,
}

impl Default for TimeSpec {
    /// tau's cycle reports (`runtime-events.jsonl`).
    fn default() -> TimeSpec {
        TimeSpec {
            field: "timestamp_unix_ms".into(),
            unit: "unix_ms".into(),
        }
    }
}

impl TimeSpec {
    /// tau's status snapshot (`--dashboard-status-json`): the time is the health's update.
    pub fn status_default() -> TimeSpec {
        TimeSpec {
            field: "health.updated_unix_ms".into(),
            unit: "unix_ms".into(),
        }
    }
}

/// A history line that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    /// 1-based line.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// The samples of a history that fall in the span of interest, in time order.
#[derive(Debug, Default)]
pub struct History {
    /// Samples with `ts >= keep_from`, sorted by time (stable for equal times).
    pub samples: Vec<Sample>,
    /// Lines that were not usable.
    pub malformed: Vec<Malformed>,
    /// Earliest timestamp of any usable line, kept or not.
    pub first_ts_ms: Option<i64>,
    /// Lines read.
    pub lines: usize,
    /// Lines with anything on them: what tau's status counts as `cycle_reports` plus
    /// `invalid_cycle_reports` when it reads the same log.
    pub entries: usize,
    /// Latest timestamp of any usable line (not from the future), kept or not.
    pub last_ts_ms: Option<i64>,
    /// Lines whose time is earlier than the line before them.
    pub out_of_order: usize,
    /// Lines stamped in the future beyond [`SKEW_MS`]: (line, timestamp).
    pub future: Vec<(usize, i64)>,
    /// The kept fields' columns.
    pub columns: Columns,
    /// Strings of the kept samples.
    pub strings: Strings,
}

/// Reads a history, keeping samples in `[keep_from_ms, now_ms + skew]` and only the fields
/// in `columns`. Memory is bounded by the kept span and columns, not by the file.
pub fn read(
    path: &Path,
    spec: &TimeSpec,
    keep_from_ms: i64,
    now_ms: i64,
    columns: Columns,
) -> std::io::Result<History> {
    let file = std::fs::File::open(path)?;
    read_from(
        BufReader::with_capacity(1 << 16, file),
        spec,
        keep_from_ms,
        now_ms,
        columns,
    )
}

/// [`read`] over any reader (tests, fuzzing).
pub fn read_from(
    mut reader: impl BufRead,
    spec: &TimeSpec,
    keep_from_ms: i64,
    now_ms: i64,
    columns: Columns,
) -> std::io::Result<History> {
    let mut h = History {
        columns,
        ..History::default()
    };
    let mut buf = Vec::new();
    let mut last_ts = i64::MIN;
    // The lines stamped with the latest time so far (their numbers, their texts back to back
    // in `group_text`): a line repeated byte for byte at the same millisecond is one cycle
    // report written twice (a shipper retrying, a log appended to itself), which would count
    // its cycle twice and make thin evidence look like enough samples.
    let mut group: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    let mut group_text: Vec<u8> = Vec::new();
    loop {
        buf.clear();
        let (n, too_long) = read_line(&mut reader, &mut buf)?;
        if n == 0 {
            break;
        }
        h.lines += 1;
        let line = h.lines;
        if too_long {
            h.entries += 1;
            h.malformed.push(Malformed {
                line,
                reason: format!("line is longer than {MAX_LINE_BYTES} bytes"),
            });
            continue;
        }
        let text = match std::str::from_utf8(&buf) {
            Ok(t) => t.trim(),
            Err(_) => {
                h.entries += 1;
                h.malformed.push(Malformed {
                    line,
                    reason: "not UTF-8".into(),
                });
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        h.entries += 1;
        let fields = match super::json::parse(text.as_bytes()) {
            Ok(Value::Object(m)) => m,
            Ok(other) => {
                h.malformed.push(Malformed {
                    line,
                    reason: format!("not a JSON object but {}", kind(&other)),
                });
                continue;
            }
            Err(e) => {
                h.malformed.push(Malformed {
                    line,
                    reason: format!("invalid JSON: {e}"),
                });
                continue;
            }
        };
        let ts = match timestamp(&fields, spec) {
            Ok(ts) => ts,
            Err(reason) => {
                h.malformed.push(Malformed { line, reason });
                continue;
            }
        };
        if *spec == TimeSpec::default()
            && let Some(field) = super::vocabulary::tau_cycle_not_unsigned(&fields)
        {
            h.malformed.push(Malformed {
                line,
                reason: format!(
                    "`{field}`, where tau writes an unsigned integer (a count): not a cycle report as tau writes it"
                ),
            });
            continue;
        }
        if ts > now_ms + SKEW_MS {
            // Not evidence of anything yet; reported apart from malformed lines because it
            // is a clock problem, which holds rather than counting towards a failure.
            h.future.push((line, ts));
            continue;
        }
        if ts >= last_ts {
            if ts > last_ts {
                group.clear();
                group_text.clear();
            } else if let Some((first, _)) = group
                .iter()
                .find(|(_, r)| &group_text[r.clone()] == text.as_bytes())
            {
                h.malformed.push(Malformed {
                    line,
                    reason: format!(
                        "repeats line {first} byte for byte, time included: one cycle report written twice (counted once)"
                    ),
                });
                continue;
            }
            let start = group_text.len();
            group_text.extend_from_slice(text.as_bytes());
            group.push((line, start..group_text.len()));
        }
        if ts < last_ts {
            // Kept and sorted, but reported: a producer writing out of order is broken.
            h.out_of_order += 1;
            h.malformed.push(Malformed {
                line,
                reason: format!(
                    "timestamp {} is earlier than the line before it (kept, sorted by time)",
                    crate::gate::fmt_ms(ts)
                ),
            });
        }
        last_ts = last_ts.max(ts);
        h.last_ts_ms = Some(last_ts);
        h.first_ts_ms = Some(h.first_ts_ms.map_or(ts, |f| f.min(ts)));
        if ts >= keep_from_ms {
            // Only the fields gates read are kept: memory follows the window, not the producer.
            h.samples.push(Sample::from_json(
                ts,
                line,
                &fields,
                &h.columns,
                &mut h.strings,
            ));
        }
    }
    h.samples.sort_by_key(|s| s.ts_ms);
    Ok(h)
}

/// Reads one line into `buf` without ever holding more than [`MAX_LINE_BYTES`] of it.
/// Returns (bytes consumed, whether the line was cut).
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok((consumed, too_long));
        }
        let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > MAX_LINE_BYTES + 1 {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        reader.consume(take);
        consumed += take;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

/// A dotted field of a JSON object.
pub fn lookup<'a>(fields: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut v = fields.get(parts.next()?)?;
    for p in parts {
        v = v.get(p)?;
    }
    Some(v)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The time of a record per `spec`, in unix milliseconds.
pub fn timestamp(fields: &Map<String, Value>, spec: &TimeSpec) -> Result<i64, String> {
    let Some(v) = lookup(fields, &spec.field) else {
        return Err(format!("no `{}` field", spec.field));
    };
    match spec.unit.as_str() {
        "rfc3339" => v
            .as_str()
            .and_then(|s| s.parse::<jiff::Timestamp>().ok())
            .map(|t| t.as_millisecond())
            .ok_or_else(|| format!("`{}` is not an RFC 3339 time: {v}", spec.field)),
        unit => {
            let Some(n) = v.as_i64().or_else(|| {
                v.as_f64()
                    .filter(|f| f.is_finite() && f.fract() == 0.0)
                    .map(|f| f as i64)
            }) else {
                return Err(format!("`{}` is not an integer: {v}", spec.field));
            };
            let ms = if unit == "unix_s" {
                n.checked_mul(1000)
            } else {
                Some(n)
            };
            let Some(ms) = ms else {
                return Err(format!("`{}` is out of range: {n}", spec.field));
            };
            // Milliseconds since 1973 are above 1e11; a smaller value in a unix_ms field is
            // almost certainly seconds, which would silently put every sample in 1970.
            if unit == "unix_ms" && (0..100_000_000_000).contains(&ms) {
                return Err(format!(
                    "`{}` = {n} looks like seconds, not milliseconds (set `rollout.timestamp.unit: unix_s`)",
                    spec.field
                ));
            }
            if !(0..=253_402_300_799_000).contains(&ms) {
                return Err(format!("`{}` is out of range: {n}", spec.field));
            }
            Ok(ms)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_000_000_000;

    fn read_str(text: &str, keep_from: i64) -> History {
        read_from(
            text.as_bytes(),
            &TimeSpec::default(),
            keep_from,
            NOW,
            Columns::new(["a"]),
        )
        .unwrap()
    }

    #[test]
    fn keeps_the_span_sorts_and_counts_disorder() {
        let h = read_str(
            &format!(
                "{{\"timestamp_unix_ms\": {}}}\n{{\"timestamp_unix_ms\": {}, \"a\": 1}}\n{{\"timestamp_unix_ms\": {}}}\n",
                NOW - 5_000,
                NOW - 1_000,
                NOW - 2_000
            ),
            NOW - 3_000,
        );
        assert_eq!(h.lines, 3);
        assert_eq!(h.samples.iter().map(|s| s.line).collect::<Vec<_>>(), [3, 2]);
        assert_eq!(h.first_ts_ms, Some(NOW - 5_000));
        assert_eq!(h.last_ts_ms, Some(NOW - 1_000));
        assert_eq!(h.out_of_order, 1);
        assert_eq!(h.malformed.len(), 1);
        assert!(
            h.malformed[0]
                .reason
                .contains("earlier than the line before it")
        );
    }

    /// A report written twice (same text, same time) counts once and is reported; two
    /// different reports in one millisecond, or the same counts at another time, are kept.
    #[test]
    fn a_line_written_twice_counts_once() {
        let a = format!("{{\"timestamp_unix_ms\": {}, \"a\": 1}}", NOW - 2_000);
        let b = format!("{{\"timestamp_unix_ms\": {}, \"a\": 2}}", NOW - 2_000);
        let c = format!("{{\"timestamp_unix_ms\": {}, \"a\": 1}}", NOW - 1_000);
        let h = read_str(&format!("{a}\n{a}\n{b}\n  {a}\n{c}\n{c}\n"), 0);
        assert_eq!(
            h.samples.iter().map(|s| s.line).collect::<Vec<_>>(),
            [1, 3, 5]
        );
        let repeats: Vec<_> = h.malformed.iter().map(|m| m.line).collect();
        assert_eq!(repeats, [2, 4, 6]);
        assert!(
            h.malformed[0].reason.contains("repeats line 1"),
            "{:?}",
            h.malformed
        );
        assert!(h.malformed[2].reason.contains("repeats line 5"));
        assert_eq!(h.out_of_order, 0);
        assert_eq!((h.lines, h.entries), (6, 6));
    }

    #[test]
    fn entries_are_the_lines_tau_counts() {
        // tau's status counts every line with anything on it, parsed or not; blank lines
        // and whitespace are nothing.
        let h = read_str(
            &format!("{{\"timestamp_unix_ms\": {NOW}}}\n\n   \n{{broken\n\t\n[1]\n"),
            0,
        );
        assert_eq!((h.lines, h.entries), (6, 3));
    }

    #[test]
    fn malformed_lines_are_reported_with_their_numbers() {
        let text = format!(
            "{{\"timestamp_unix_ms\": {NOW}}}\n{{truncated\n[1]\n{{\"timestamp_unix_ms\": \"{NOW}\"}}\n{{\"timestamp_unix_ms\": 1764000000}}\n{{\"timestamp_unix_ms\": {}}}\n{{\"x\": NaN}}\n",
            NOW + 3_600_000
        );
        let h = read_str(&text, 0);
        let lines: Vec<usize> = h.malformed.iter().map(|m| m.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 7]);
        assert!(h.malformed[3].reason.contains("looks like seconds"));
        assert_eq!(h.future, [(6, NOW + 3_600_000)]);
        assert_eq!(h.samples.len(), 1);
    }

    #[test]
    fn overlong_lines_are_cut_without_reading_them_whole() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let text = format!("{long}\n{{\"timestamp_unix_ms\": {NOW}}}\n");
        let h = read_str(&text, 0);
        assert_eq!(h.malformed.len(), 1);
        assert_eq!(h.malformed[0].line, 1);
        assert_eq!(h.samples.len(), 1);
        assert_eq!(h.samples[0].line, 2);
    }

    #[test]
    fn seconds_and_rfc3339_units() {
        let spec = TimeSpec {
            field: "t".into(),
            unit: "unix_s".into(),
        };
        let m: Map<String, Value> = serde_json::from_str("{\"t\": 1764000000}").unwrap();
        assert_eq!(timestamp(&m, &spec), Ok(NOW));
        let spec = TimeSpec {
            field: "t".into(),
            unit: "rfc3339".into(),
        };
        let m: Map<String, Value> =
            serde_json::from_str("{\"t\": \"2025-11-24T16:00:00Z\"}").unwrap();
        assert_eq!(timestamp(&m, &spec), Ok(NOW));
        let m: Map<String, Value> =
            serde_json::from_str("{\"health\": {\"updated_unix_ms\": 1764000000000}}").unwrap();
        assert_eq!(timestamp(&m, &TimeSpec::status_default()), Ok(NOW));
    }
}
