//! Findings about what gates read: the snapshot is fresh and dated, the history is usable
//! (no malformed lines, nothing from the future), and covers the span a gate needs.

use super::fmt_ms;
use super::history;
use super::phase::{Ctx, Loaded};
use super::status::Snapshot;
use crate::duration::format_seconds;
use crate::manifest::Phase;
use crate::report::{Finding, Location, Outcome, Related};
use crate::yaml::Route;

/// The `PHASE/status` finding: the snapshot is there, dated, not stale, not from the future.
pub fn status_finding(ctx: &Ctx, phase: &Phase, route: &Route) -> Finding {
    let id = format!("{}/status", phase.name);
    let title = "Status snapshot is fresh";
    let max = ctx.inputs.settings.max_staleness_ms;
    match &ctx.snapshot {
        Some(Snapshot::Ok {
            age_ms, dated_by, ..
        }) if *age_ms < -history::SKEW_MS => ctx
            .finding(
                &id,
                title,
                Outcome::Hold,
                format!(
                    "the status snapshot is dated {} in the future (by {dated_by}), beyond the {} allowed for clock skew: it is not evidence",
                    format_seconds(-age_ms / 1000),
                    format_seconds(history::SKEW_MS / 1000)
                ),
                route,
            )
            .help("check the clocks of the producer and of this machine"),
        Some(Snapshot::Ok {
            age_ms, dated_by, ..
        }) if *age_ms > max => ctx
            .finding(
                &id,
                title,
                Outcome::Hold,
                format!(
                    "the status snapshot is {} old (by {dated_by}); max_staleness is {}",
                    format_seconds(age_ms / 1000),
                    format_seconds(max / 1000)
                ),
                route,
            )
            .help("refresh the status (run the producer, e.g. the dashboard demo) and evaluate again"),
        Some(Snapshot::Ok {
            age_ms, dated_by, ..
        }) => ctx.finding(
            &id,
            title,
            Outcome::Pass,
            format!(
                "the status snapshot is {} old (by {dated_by})",
                format_seconds(age_ms.max(&0) / 1000)
            ),
            route,
        ),
        Some(Snapshot::Missing(reason)) => ctx
            .finding(&id, title, Outcome::Hold, reason.clone(), route)
            .help("produce the status snapshot, or pass it with --status"),
        Some(Snapshot::Bad(reason)) => ctx
            .finding(&id, title, Outcome::Fail, reason.clone(), route)
            .help("the producer wrote a broken snapshot; fix it before promoting"),
        None => ctx.finding(&id, title, Outcome::Hold, "no status snapshot".into(), route),
    }
}

/// `PHASE/history` (malformed lines) and `PHASE/clock` (reports from the future) findings.
pub fn history_findings(ctx: &Ctx, phase: &Phase, route: &Route) -> Vec<Finding> {
    let id = format!("{}/history", phase.name);
    let title = "Event history is usable";
    let h = match ctx.history.as_ref() {
        None => return Vec::new(),
        Some(Err(reason)) => {
            return vec![
                ctx.finding(&id, title, Outcome::Hold, reason.clone(), route)
                    .help("produce the history, or pass it with --history"),
            ];
        }
        Some(Ok(h)) => h,
    };
    let mut out = Vec::new();
    if !h.malformed.is_empty() {
        let n = h.malformed.len();
        let limit = ctx.inputs.settings.malformed_fail_at;
        let outcome = if n >= limit {
            Outcome::Fail
        } else {
            Outcome::Hold
        };
        let mut f = ctx.finding(
            &id,
            title,
            outcome,
            format!("{n} malformed line(s) in the history (the gate fails from {limit}; `rollout.malformed_fail_at`)"),
            route,
        )
        .help("the producer wrote lines launchgate cannot use; fix the producer, or remove the broken lines after investigating and take the status snapshot again");
        // Each line is a related location (file:line and why), not also an evidence line:
        // the human report showed every malformed line twice.
        for m in h.malformed.iter().take(20) {
            let mut location = Location::file(&ctx.history_shown);
            location.line = m.line as u32;
            location.end_line = m.line as u32;
            f.related.push(Related {
                location,
                message: m.reason.clone(),
            });
        }
        out.push(f);
    }
    if let Some(missing) = lines_missing(ctx, h) {
        out.push(
            ctx.finding(&id, title, Outcome::Hold, missing, route)
                .help("read the history and the snapshot from the same log, the snapshot taken first (tau's status inspection reads `runtime-events.jsonl`); never edit the history: take the snapshot again after any change to the log"),
        );
    }
    if let Some(&(line, ts)) = h.future.iter().max_by_key(|(_, ts)| *ts) {
        let ahead = ts - ctx.inputs.now_ms;
        let mut f = ctx
            .finding(
                &format!("{}/clock", phase.name),
                "History is not from the future",
                Outcome::Hold,
                format!(
                    "{} cycle report(s) are stamped in the future, up to {} ahead of the evaluation time (beyond the {} allowed for clock skew): they are not evidence",
                    h.future.len(),
                    format_seconds(ahead / 1000),
                    format_seconds(history::SKEW_MS / 1000)
                ),
                route,
            )
            .help("check the clocks of the producer and of this machine, or pass the right --now");
        f.evidence = h
            .future
            .iter()
            .take(20)
            .map(|(l, t)| format!("line {l}: stamped {}", fmt_ms(*t)))
            .collect();
        f.related
            .push(ctx.sample_related(line, ts, "the furthest in the future"));
        out.push(f);
    }
    out
}

/// Whether the history has lost lines tau's status snapshot counted. tau's status inspection
/// counts every non-empty line of the events log it reads (`cycle_reports` parsed,
/// `invalid_cycle_reports` not), and the log only grows: a history at least as recent as the
/// snapshot with fewer lines was cut or edited after it, and the cycles it lost (a failure
/// among them) are not there to be judged. Only for tau's own cycle reports (the default
/// `timestamp`): another producer's counts may mean something else.
fn lines_missing(ctx: &Ctx, h: &Loaded) -> Option<String> {
    if ctx.inputs.settings.timestamp != history::TimeSpec::default() {
        return None;
    }
    let Some(Snapshot::Ok { fields, age_ms, .. }) = &ctx.snapshot else {
        return None;
    };
    let count = |k: &str| fields.get(k).and_then(serde_json::Value::as_u64);
    let (valid, invalid) = (count("cycle_reports")?, count("invalid_cycle_reports")?);
    let counted = valid.saturating_add(invalid);
    let taken_at = ctx.inputs.now_ms - age_ms;
    let held = h.entries as u64;
    // A history copied before the snapshot was taken may lack the newest cycles, not lost ones.
    (held < counted && h.last_ts_ms.is_some_and(|last| last >= taken_at)).then(|| {
        format!(
            "the history has {held} line(s), but the status snapshot (taken {}) counted {counted} in the same log (`cycle_reports` {valid}, `invalid_cycle_reports` {invalid}): {} line(s) were removed or the log was replaced after the snapshot, and the cycles they held cannot be judged",
            fmt_ms(taken_at),
            counted - held
        )
    })
}

/// Why a history span ending at `to` cannot be judged yet, if it cannot. Samples must reach
/// back to `from`, come no more than `max_gap` apart, and the last be no older than `max_gap`.
pub fn coverage_problem(ctx: &Ctx, h: &Loaded, from: i64, to: i64) -> Option<String> {
    let max_gap = ctx.inputs.settings.max_gap_ms;
    match h.first_ts_ms {
        None => return Some("the history has no usable samples".into()),
        Some(first) if first > from + max_gap => {
            return Some(format!(
                "the history starts at {}; this needs samples from {}",
                fmt_ms(first),
                fmt_ms(from)
            ));
        }
        _ => {}
    }
    let r = h.data.range(from, to);
    let s = &h.data.samples[r];
    let Some(last) = s.last() else {
        return Some(format!(
            "zero events between {} and {}",
            fmt_ms(from),
            fmt_ms(to)
        ));
    };
    if to - last.ts_ms > max_gap {
        return Some(format!(
            "zero recent events: the last sample is from {} (line {}), {} before the evaluation time",
            fmt_ms(last.ts_ms),
            last.line,
            format_seconds((to - last.ts_ms) / 1000)
        ));
    }
    let mut prev = from.max(h.first_ts_ms.unwrap_or(from));
    for x in s {
        if x.ts_ms - prev > max_gap {
            return Some(format!(
                "a gap of {} in the history before line {} ({}); max_gap is {}",
                format_seconds((x.ts_ms - prev) / 1000),
                x.line,
                fmt_ms(x.ts_ms),
                format_seconds(max_gap / 1000)
            ));
        }
        prev = x.ts_ms;
    }
    None
}
