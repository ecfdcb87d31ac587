//! Evaluating phases: snapshot gates, windowed gates, `after`, malformed history, `require_check`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use cel::Context;

use super::history::{self, History, Sample};
use super::status::{self, Snapshot};
use super::window::{self, Prepared, Window};
use super::{Settings, fmt_ms};
use crate::duration::{format_seconds, parse_seconds};
use crate::expr::{Expr, display};
use crate::manifest::{Gate, Phase};
use crate::report::{Finding, Location, Outcome, Related, Severity, Verdict};
use crate::source::{SourceFile, display_path};
use crate::yaml::{Node, Route};

/// Most instants at which `after` re-evaluates the previous phase's windowed gates.
pub const MAX_AFTER_CHECKPOINTS: usize = 1440;

/// What phases are evaluated against.
pub struct Inputs {
    /// Status snapshot path.
    pub status: Option<PathBuf>,
    /// History path.
    pub history: Option<PathBuf>,
    /// Evaluation time.
    pub now_ms: i64,
    /// Rollout settings.
    pub settings: Settings,
    /// Verdict of `check` on the same manifest (for `require_check`).
    pub check_verdict: Verdict,
    /// Items failing that check.
    pub check_failures: Vec<String>,
}

enum Kind {
    Snapshot(Expr),
    Windowed(Prepared, i64),
    Broken(String),
}

struct Compiled {
    id: String,
    title: String,
    source: String,
    route: Route,
    kind: Kind,
}

fn compile(phase: &Phase, index: usize, gate_no: usize, gate: &Gate) -> Compiled {
    let (name, expr, window) = match gate {
        Gate::Expr(e) => (None, e.clone(), None),
        Gate::Full {
            name, expr, window, ..
        } => (name.clone(), expr.clone(), window.clone()),
    };
    let mut route = Route::root()
        .key("rollout")
        .key("phases")
        .index(index)
        .key("gates")
        .index(gate_no);
    if matches!(gate, Gate::Full { .. }) {
        route = route.key("expr");
    }
    let id = format!(
        "{}/{}",
        phase.name,
        name.clone()
            .unwrap_or_else(|| format!("gate-{}", gate_no + 1))
    );
    let title = name.unwrap_or_else(|| expr.clone());
    let kind = match window.as_deref().map(parse_seconds) {
        Some(Some(secs)) => match window::prepare(&expr) {
            Ok(p) => Kind::Windowed(p, secs * 1000),
            Err(e) => Kind::Broken(e.to_string()),
        },
        Some(None) => Kind::Broken(format!(
            "window `{}` is not a duration",
            window.unwrap_or_default()
        )),
        None if window::uses_window_functions(&expr) => Kind::Broken(format!(
            "`{expr}` uses history functions but has no `window:`; add one (e.g. `window: 30m`)"
        )),
        None => match Expr::compile(&expr) {
            Ok(e) => Kind::Snapshot(e),
            Err(e) => Kind::Broken(e.to_string()),
        },
    };
    Compiled {
        id,
        title,
        source: expr,
        route,
        kind,
    }
}

struct Ctx<'a> {
    inputs: &'a Inputs,
    doc: &'a Node,
    src: &'a SourceFile,
    snapshot: Option<Snapshot>,
    history: Option<Result<History, String>>,
    history_shown: String,
    samples: Arc<Vec<Sample>>,
    prefixes: window::Prefixes,
}

impl Ctx<'_> {
    fn at(&self, route: &Route) -> Location {
        Location::new(self.src, self.doc.locate(route).span)
    }

    fn finding(
        &self,
        id: &str,
        title: &str,
        outcome: Outcome,
        message: String,
        route: &Route,
    ) -> Finding {
        Finding::new(id, title, Severity::Error, outcome, message).at(self.at(route))
    }

    fn sample_location(&self, line: usize) -> Location {
        let mut loc = Location::file(&self.history_shown);
        loc.line = line as u32;
        loc.end_line = line as u32;
        loc
    }
}

/// Evaluates the selected phases; returns each with its findings.
pub fn evaluate(
    phases: &[Phase],
    selected: &[usize],
    inputs: &Inputs,
    doc: &Node,
    src: &SourceFile,
) -> Vec<(usize, Vec<Finding>)> {
    let compiled: Vec<Vec<Compiled>> = phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.gates
                .iter()
                .enumerate()
                .map(|(n, g)| compile(p, i, n, g))
                .collect()
        })
        .collect();
    // The history span needed: every selected phase's windows, and for `after` the previous
    // phase's windows over the whole `after` span.
    let window_of = |gates: &[Compiled]| {
        gates
            .iter()
            .filter_map(|g| match g.kind {
                Kind::Windowed(_, w) => Some(w),
                _ => None,
            })
            .max()
    };
    let mut span_ms: Option<i64> = None;
    let mut needs_status = false;
    for &i in selected {
        let after = ms_of(phases[i].after.as_deref());
        let mut need = window_of(&compiled[i]);
        if i > 0 && after > 0 {
            need = need.max(window_of(&compiled[i - 1]).map(|w| w + after));
            needs_status |= compiled[i - 1]
                .iter()
                .any(|g| matches!(g.kind, Kind::Snapshot(_)));
        }
        needs_status |= compiled[i]
            .iter()
            .any(|g| matches!(g.kind, Kind::Snapshot(_)));
        if let Some(n) = need {
            span_ms = Some(span_ms.map_or(n, |s: i64| s.max(n)));
        }
    }
    let mut ctx = Ctx {
        inputs,
        doc,
        src,
        snapshot: None,
        history: None,
        history_shown: inputs
            .history
            .as_deref()
            .map(display_path)
            .unwrap_or_default(),
        samples: Arc::new(Vec::new()),
        prefixes: window::Prefixes::default(),
    };
    if needs_status {
        ctx.snapshot = Some(match &inputs.status {
            None => Snapshot::Missing(
                "no status snapshot: set `rollout.status` or pass --status".into(),
            ),
            Some(p) => status::load(
                p,
                &display_path(p),
                inputs.settings.status_timestamp.as_ref(),
                inputs.now_ms,
            ),
        });
    }
    if let Some(span) = span_ms {
        // Keep one extra gap of samples before the span, to judge coverage at its start.
        let keep_from = inputs.now_ms - span - inputs.settings.max_gap_ms;
        ctx.history = Some(match &inputs.history {
            None => Err("no history: set `rollout.history` or pass --history".into()),
            Some(p) if !p.is_file() => {
                Err(format!("the history `{}` does not exist", display_path(p)))
            }
            Some(p) => history::read(
                p,
                &inputs.settings.timestamp,
                keep_from,
                inputs.now_ms,
                Some(&fields_needed(&compiled)),
            )
            .map_err(|e| format!("cannot read the history `{}`: {e}", display_path(p))),
        });
        if let Some(Ok(h)) = &mut ctx.history {
            ctx.samples = Arc::new(std::mem::take(&mut h.samples));
        }
    }
    selected
        .iter()
        .map(|&i| {
            let prev = (i > 0).then(|| (&phases[i - 1], compiled[i - 1].as_slice()));
            let mut findings = evaluate_phase(&ctx, i, &phases[i], &compiled[i], prev);
            for f in &mut findings {
                f.phase = Some(phases[i].name.clone());
            }
            (i, findings)
        })
        .collect()
}

/// Top-level history fields any windowed gate reads (window function arguments,
/// `reason_codes` for `count_reason`, variables of `all`/`any` expressions).
fn fields_needed(compiled: &[Vec<Compiled>]) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for g in compiled.iter().flatten() {
        let Kind::Windowed(p, _) = &g.kind else {
            continue;
        };
        out.insert("reason_codes".to_string());
        for (_, _, e) in &p.quantified {
            out.extend(
                e.program
                    .references()
                    .variables()
                    .into_iter()
                    .map(str::to_string),
            );
        }
        let text = &p.main.source;
        let mut rest = text.as_str();
        while let Some(i) = rest.find("__w_") {
            rest = &rest[i..];
            if let Some(open) = rest.find("(\"") {
                let arg = &rest[open + 2..];
                if let Some(end) = arg.find('"') {
                    let field = &arg[..end];
                    out.insert(field.split('.').next().unwrap_or(field).to_string());
                }
            }
            rest = &rest[4..];
        }
    }
    out
}

fn ms_of(text: Option<&str>) -> i64 {
    text.and_then(parse_seconds).unwrap_or(0) * 1000
}

fn evaluate_phase(
    ctx: &Ctx,
    index: usize,
    phase: &Phase,
    gates: &[Compiled],
    prev: Option<(&Phase, &[Compiled])>,
) -> Vec<Finding> {
    let route = Route::root().key("rollout").key("phases").index(index);
    let mut out = Vec::new();
    let uses_snapshot = gates.iter().any(|g| matches!(g.kind, Kind::Snapshot(_)));
    let uses_history = gates.iter().any(|g| matches!(g.kind, Kind::Windowed(..)));
    let after_ms = ms_of(phase.after.as_deref());
    if uses_snapshot
        || (after_ms > 0
            && prev.is_some_and(|p| p.1.iter().any(|g| matches!(g.kind, Kind::Snapshot(_)))))
    {
        out.push(status_finding(ctx, phase, &route));
    }
    if uses_history || (after_ms > 0 && prev.is_some()) {
        out.extend(history_finding(ctx, phase, &route));
    }
    for g in gates {
        out.push(match &g.kind {
            Kind::Broken(msg) => ctx
                .finding(&g.id, &g.title, Outcome::Fail, format!("the gate cannot be evaluated: {msg}"), &g.route)
                .help("fix the expression; gates are CEL over the status snapshot, or with `window:` over the history"),
            Kind::Snapshot(e) => snapshot_gate(ctx, g, e),
            Kind::Windowed(p, w) => window_gate(ctx, g, p, *w),
        });
    }
    if let (Some((prev_phase, prev_gates)), true) = (prev, after_ms > 0) {
        out.push(after_finding(
            ctx, phase, prev_phase, prev_gates, after_ms, &route,
        ));
    }
    if phase.require_check {
        let id = format!("{}/check", phase.name);
        let f = match ctx.inputs.check_verdict {
            Verdict::Pass => ctx.finding(
                &id,
                "Readiness check passes",
                Outcome::Pass,
                "`launchgate check` of this manifest passes".into(),
                &route.key("require_check"),
            ),
            v => {
                let outcome = if v == Verdict::Hold {
                    Outcome::Hold
                } else {
                    Outcome::Fail
                };
                let mut failing = ctx.inputs.check_failures.clone();
                failing.dedup();
                ctx.finding(
                    &id,
                    "Readiness check passes",
                    outcome,
                    format!(
                        "`launchgate check` of this manifest does not pass: {}",
                        failing.join(", ")
                    ),
                    &route.key("require_check"),
                )
                .help("run `launchgate check` on the manifest and fix or waive its failures")
            }
        };
        out.push(f);
    }
    if gates.is_empty() && after_ms == 0 && !phase.require_check {
        out.push(
            Finding::new(
                &format!("{}/gates", phase.name),
                "Phase has gates",
                Severity::Warning,
                Outcome::Fail,
                "the phase has no gates, no `after` and no `require_check`: nothing guards it"
                    .into(),
            )
            .at(ctx.at(&route)),
        );
    }
    out
}

fn status_finding(ctx: &Ctx, phase: &Phase, route: &Route) -> Finding {
    let id = format!("{}/status", phase.name);
    let title = "Status snapshot is fresh";
    let at = route.clone();
    let max = ctx.inputs.settings.max_staleness_ms;
    match &ctx.snapshot {
        Some(Snapshot::Ok {
            age_ms, dated_by, ..
        }) if *age_ms < -60_000 => ctx
            .finding(
                &id,
                title,
                Outcome::Hold,
                format!(
                    "the status snapshot is dated {} in the future (by {dated_by})",
                    format_seconds(-age_ms / 1000)
                ),
                &at,
            )
            .help("check the clock of the producer and of this machine"),
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
                &at,
            )
            .help(
                "refresh the status (run the producer, e.g. the dashboard demo) and evaluate again",
            ),
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
            &at,
        ),
        Some(Snapshot::Missing(reason)) => ctx
            .finding(&id, title, Outcome::Hold, reason.clone(), &at)
            .help("produce the status snapshot, or pass it with --status"),
        Some(Snapshot::Bad(reason)) => ctx
            .finding(&id, title, Outcome::Fail, reason.clone(), &at)
            .help("the producer wrote a broken snapshot; fix it before promoting"),
        None => ctx.finding(&id, title, Outcome::Hold, "no status snapshot".into(), &at),
    }
}

fn history_finding(ctx: &Ctx, phase: &Phase, route: &Route) -> Option<Finding> {
    let id = format!("{}/history", phase.name);
    let title = "Event history is readable";
    match ctx.history.as_ref()? {
        Err(reason) => Some(
            ctx.finding(&id, title, Outcome::Hold, reason.clone(), route)
                .help("produce the history, or pass it with --history"),
        ),
        Ok(h) if h.malformed.is_empty() => None,
        Ok(h) => {
            let n = h.malformed.len();
            let limit = ctx.inputs.settings.malformed_fail_at;
            let outcome = if n >= limit {
                Outcome::Fail
            } else {
                Outcome::Hold
            };
            let mut f = Finding::new(
                &id,
                title,
                Severity::Error,
                outcome,
                format!("{n} malformed line(s) in the history (the gate fails from {limit}; `rollout.malformed_fail_at`)"),
            )
            .at(ctx.sample_location(h.malformed[0].line))
            .help("fix the producer; malformed lines are never skipped silently");
            f.evidence = h
                .malformed
                .iter()
                .take(10)
                .map(|m| format!("line {}: {}", m.line, m.reason))
                .collect();
            if n > 10 {
                f.evidence.push(format!("... and {} more", n - 10));
            }
            Some(f)
        }
    }
}

fn observed_values(e: &Expr, fields: &serde_json::Map<String, serde_json::Value>) -> Vec<String> {
    let refs = e.program.references();
    let mut names: Vec<&str> = refs.variables();
    names.sort();
    names
        .into_iter()
        .map(|n| match fields.get(n) {
            Some(v) => {
                let mut s = v.to_string();
                if s.len() > 200 {
                    s.truncate(200);
                    s.push_str("...");
                }
                format!("{n} = {s}")
            }
            None => format!("{n} is missing"),
        })
        .collect()
}

fn snapshot_gate(ctx: &Ctx, g: &Compiled, e: &Expr) -> Finding {
    let (fields, dated_by) = match &ctx.snapshot {
        Some(Snapshot::Ok {
            fields,
            age_ms,
            dated_by,
        }) if *age_ms <= ctx.inputs.settings.max_staleness_ms && *age_ms >= -60_000 => {
            (fields, dated_by)
        }
        _ => {
            return ctx.finding(
                &g.id,
                &g.title,
                Outcome::Hold,
                "not evaluated: no fresh status snapshot (see the phase's status finding)".into(),
                &g.route,
            );
        }
    };
    let mut c = Context::with_env(crate::expr::env());
    window::bind_fields(&mut c, fields);
    let mut evidence = vec![format!("expression: {}", g.source)];
    evidence.extend(observed_values(e, fields));
    evidence.push(format!("snapshot dated by {dated_by}"));
    let (outcome, message) = match e.eval(&c) {
        Ok(cel::Value::Bool(true)) => (
            Outcome::Pass,
            format!("holds on the status snapshot: {}", g.source),
        ),
        Ok(cel::Value::Bool(false)) => (
            Outcome::Fail,
            format!("violated on the status snapshot: {}", g.source),
        ),
        Ok(other) => (
            Outcome::Fail,
            format!(
                "`{}` evaluates to {}, not a boolean",
                g.source,
                display(&other)
            ),
        ),
        Err(err) if window::is_missing(&err) => (
            Outcome::Hold,
            format!("the status snapshot lacks what `{}` needs: {err}", g.source),
        ),
        Err(err) => (
            Outcome::Fail,
            format!("`{}` cannot be evaluated: {err}", g.source),
        ),
    };
    let mut f = ctx.finding(&g.id, &g.title, outcome, message, &g.route);
    f.evidence = evidence;
    if outcome == Outcome::Fail {
        f.help = Some(
            "stop the rollout and roll back (see the rollback runbook); then investigate".into(),
        );
    }
    f
}

/// The index range of samples with `t - w <= ts <= t`.
fn range(samples: &[Sample], from: i64, to: i64) -> std::ops::Range<usize> {
    let lo = samples.partition_point(|s| s.ts_ms < from);
    let hi = samples.partition_point(|s| s.ts_ms <= to);
    lo..hi.max(lo)
}

/// Why a window ending at `to` cannot be judged yet, if it cannot.
fn coverage_problem(ctx: &Ctx, h: &History, from: i64, to: i64) -> Option<String> {
    let max_gap = ctx.inputs.settings.max_gap_ms;
    match h.first_ts_ms {
        None => return Some("the history has no samples".into()),
        Some(first) if first > from + max_gap => {
            return Some(format!(
                "the history starts at {}; the window needs samples from {}",
                fmt_ms(first),
                fmt_ms(from)
            ));
        }
        _ => {}
    }
    let r = range(&ctx.samples, from, to);
    let s = &ctx.samples[r];
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

/// A windowed evaluation: the result, what the window functions saw, and the sample that
/// explains a violation.
type WindowResult = (
    Result<bool, cel::ExecutionError>,
    Vec<window::Observation>,
    Option<(usize, i64)>,
);

/// Evaluates a windowed gate over `[to - w, to]`: Ok(true/false) with observations, or an
/// error (missing data → hold, other → fail).
fn eval_window(ctx: &Ctx, p: &Prepared, w: i64, to: i64) -> WindowResult {
    let win = Arc::new(Window {
        samples: ctx.samples.clone(),
        prefixes: ctx.prefixes.clone(),
        range: range(&ctx.samples, to - w, to),
        seconds: w as f64 / 1000.0,
        observed: Mutex::new(Vec::new()),
    });
    let mut c = Context::with_env(crate::expr::env());
    window::bind(&mut c, win.clone());
    let mut first_false: Option<(usize, i64)> = None;
    for (var, is_all, e) in &p.quantified {
        let mut result = *is_all;
        for s in &ctx.samples[win.range.clone()] {
            let mut inner = c.new_inner_scope();
            window::bind_fields(&mut inner, &s.fields);
            match e.eval(&inner) {
                Ok(cel::Value::Bool(b)) => {
                    if *is_all && !b {
                        first_false.get_or_insert((s.line, s.ts_ms));
                        result = false;
                        break;
                    }
                    if !*is_all && b {
                        result = true;
                        break;
                    }
                }
                Ok(other) => {
                    let err = cel::ExecutionError::function_error(
                        if *is_all { "all" } else { "any" },
                        format!(
                            "evaluates to {} at line {}, not a boolean",
                            display(&other),
                            s.line
                        ),
                    );
                    return (Err(err), Vec::new(), None);
                }
                Err(err) => return (Err(err), Vec::new(), Some((s.line, s.ts_ms))),
            }
        }
        c.add_variable_from_value(var.as_str(), result);
    }
    let result = match p.main.eval(&c) {
        Ok(cel::Value::Bool(b)) => Ok(b),
        Ok(other) => Err(cel::ExecutionError::function_error(
            "gate",
            format!("evaluates to {}, not a boolean", display(&other)),
        )),
        Err(e) => Err(e),
    };
    let observed = win.observed.lock().map(|o| o.clone()).unwrap_or_default();
    let witness = first_false.or_else(|| observed.iter().find_map(|o| o.witness));
    (result, observed, witness)
}

fn window_gate(ctx: &Ctx, g: &Compiled, p: &Prepared, w: i64) -> Finding {
    let now = ctx.inputs.now_ms;
    let over = format_seconds(w / 1000);
    let hold = |msg: String| {
        ctx.finding(&g.id, &g.title, Outcome::Hold, msg, &g.route)
            .help("wait for more history, or refresh the producer, and evaluate again")
    };
    let h = match &ctx.history {
        Some(Ok(h)) => h,
        Some(Err(reason)) => return hold(format!("not evaluated: {reason}")),
        None => return hold("not evaluated: no history".into()),
    };
    if let Some(problem) = coverage_problem(ctx, h, now - w, now) {
        let mut f = hold(format!(
            "not enough history for the {over} window: {problem}"
        ));
        f.evidence.push(format!("expression: {}", g.source));
        return f;
    }
    let n = range(&ctx.samples, now - w, now).len();
    let (result, observed, witness) = eval_window(ctx, p, w, now);
    let mut evidence = vec![format!(
        "expression: {} (window {over}, {n} samples)",
        g.source
    )];
    evidence.extend(
        observed
            .iter()
            .map(|o| format!("{} over {over} ({n} samples)", o.text)),
    );
    let mut f = match result {
        Ok(true) => ctx.finding(&g.id, &g.title, Outcome::Pass, format!("holds over the last {over} ({n} samples): {}", g.source), &g.route),
        Ok(false) => ctx
            .finding(&g.id, &g.title, Outcome::Fail, format!("violated over the last {over}: {}", g.source), &g.route)
            .help("stop the rollout and roll back (see the rollback runbook); the sample named here shows where it went wrong"),
        Err(e) if window::is_missing(&e) => ctx.finding(&g.id, &g.title, Outcome::Hold, format!("the history lacks what `{}` needs: {e}", g.source), &g.route),
        Err(e) => ctx
            .finding(&g.id, &g.title, Outcome::Fail, format!("`{}` cannot be evaluated: {e}", g.source), &g.route)
            .help("fix the gate expression or the producer's data"),
    };
    if f.outcome != Outcome::Pass
        && let Some((line, ts)) = witness
    {
        f.related.push(Related {
            location: ctx.sample_location(line),
            message: format!("first offending sample, at {}", fmt_ms(ts)),
        });
    }
    f.evidence = evidence;
    f
}

fn after_finding(
    ctx: &Ctx,
    phase: &Phase,
    prev: &Phase,
    gates: &[Compiled],
    after_ms: i64,
    route: &Route,
) -> Finding {
    let id = format!("{}/after", phase.name);
    let title = format!("{} held for {}", prev.name, format_seconds(after_ms / 1000));
    let at = route.key("after");
    let now = ctx.inputs.now_ms;
    let span = format_seconds(after_ms / 1000);
    // Snapshot gates of the previous phase: on the current snapshot.
    for g in gates {
        if let Kind::Snapshot(e) = &g.kind {
            let f = snapshot_gate(ctx, g, e);
            if f.outcome != Outcome::Pass {
                return ctx.finding(
                    &id,
                    &title,
                    f.outcome,
                    format!(
                        "{}'s gate `{}` does not hold now: {}",
                        prev.name, g.title, f.message
                    ),
                    &at,
                );
            }
        }
        if let Kind::Broken(msg) = &g.kind {
            return ctx.finding(
                &id,
                &title,
                Outcome::Fail,
                format!(
                    "{}'s gate `{}` cannot be evaluated: {msg}",
                    prev.name, g.title
                ),
                &at,
            );
        }
    }
    let windowed: Vec<(&Compiled, &Prepared, i64)> = gates
        .iter()
        .filter_map(|g| match &g.kind {
            Kind::Windowed(p, w) => Some((g, p, *w)),
            _ => None,
        })
        .collect();
    if windowed.is_empty() {
        return ctx.finding(
            &id,
            &title,
            Outcome::Pass,
            format!(
                "{} has no history gates; its snapshot gates hold now",
                prev.name
            ),
            &at,
        );
    }
    let h = match &ctx.history {
        Some(Ok(h)) => h,
        Some(Err(reason)) => return ctx.finding(&id, &title, Outcome::Hold, reason.clone(), &at),
        None => return ctx.finding(&id, &title, Outcome::Hold, "no history".into(), &at),
    };
    let widest = windowed.iter().map(|x| x.2).max().unwrap_or(0);
    if let Some(problem) = coverage_problem(ctx, h, now - after_ms - widest, now) {
        return ctx
            .finding(
                &id,
                &title,
                Outcome::Hold,
                format!(
                    "cannot tell whether {}'s gates held for {span}: {problem}",
                    prev.name
                ),
                &at,
            )
            .help("wait until the history covers the whole `after` span and the gates' windows");
    }
    // Every sample instant in the span, thinned to a bounded number of checkpoints.
    let r = range(&ctx.samples, now - after_ms, now);
    let instants: Vec<i64> = ctx.samples[r].iter().map(|s| s.ts_ms).collect();
    let step = instants.len().div_ceil(MAX_AFTER_CHECKPOINTS).max(1);
    let mut points: Vec<i64> = instants.iter().step_by(step).copied().collect();
    points.push(now);
    for &t in &points {
        for (g, p, w) in &windowed {
            let (result, observed, witness) = eval_window(ctx, p, *w, t);
            let problem = match result {
                Ok(true) => continue,
                Ok(false) => (
                    Outcome::Fail,
                    format!(
                        "{}'s gate `{}` did not hold at {}",
                        prev.name,
                        g.title,
                        fmt_ms(t)
                    ),
                ),
                Err(e) if window::is_missing(&e) => (
                    Outcome::Hold,
                    format!(
                        "{}'s gate `{}` lacks data at {}: {e}",
                        prev.name,
                        g.title,
                        fmt_ms(t)
                    ),
                ),
                Err(e) => (
                    Outcome::Fail,
                    format!(
                        "{}'s gate `{}` cannot be evaluated at {}: {e}",
                        prev.name,
                        g.title,
                        fmt_ms(t)
                    ),
                ),
            };
            let mut f = ctx.finding(&id, &title, problem.0, problem.1, &at);
            f.evidence.push(format!("expression: {}", g.source));
            f.evidence.extend(observed.iter().map(|o| {
                format!(
                    "{} over {} ending {}",
                    o.text,
                    format_seconds(w / 1000),
                    fmt_ms(t)
                )
            }));
            if let Some((line, ts)) = witness {
                f.related.push(Related {
                    location: ctx.sample_location(line),
                    message: format!("first offending sample, at {}", fmt_ms(ts)),
                });
            }
            if f.outcome == Outcome::Fail {
                f.help = Some(format!(
                    "{} is not stable enough to widen the rollout; stay at or roll back from {}",
                    prev.name, prev.name
                ));
            }
            return f;
        }
    }
    let mut f = ctx.finding(
        &id,
        &title,
        Outcome::Pass,
        format!(
            "{}'s gates held for the last {span} ({} checkpoints)",
            prev.name,
            points.len()
        ),
        &at,
    );
    f.evidence = windowed
        .iter()
        .map(|(g, ..)| format!("expression: {}", g.source))
        .collect();
    f
}
