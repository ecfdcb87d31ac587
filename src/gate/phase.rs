//! Evaluating phases. Phases are cumulative: entering phase N needs every gate of every
//! phase up to N to hold now, each phase's `after` (the gates before it held over that
//! span), and `require_check`. Each phase's own findings are evaluated once; a phase's
//! verdict is the worst verdict of itself and every phase before it, so a phase that does
//! not pass stops every later one, and `--phase X` and `--all` agree on X.

use std::path::PathBuf;
use std::sync::Arc;

use cel::Context;

use super::compile::{self, Compiled, Kind};
use super::history;
use super::sample::Columns;
use super::status::{self, Snapshot};
use super::view::View;
use super::window::{self, Cache, Data};
use super::{ROLL_BACK, Settings, after, fmt_ms, inputs};
use crate::duration::{format_seconds, parse_seconds};
use crate::expr::{Expr, display};
use crate::manifest::{Phase, Rollout};
use crate::report::{Finding, Location, Outcome, Related, Severity, Verdict};
use crate::source::{SourceFile, display_path};
use crate::yaml::{Node, Route};

/// What phases are evaluated against.
pub struct Inputs {
    /// Status snapshot path, or why the manifest's may not be read.
    pub status: Option<Result<PathBuf, String>>,
    /// History path, or why the manifest's may not be read.
    pub history: Option<Result<PathBuf, String>>,
    /// Evaluation time.
    pub now_ms: i64,
    /// Rollout settings.
    pub settings: Settings,
    /// Verdict of `check` on the same manifest (for `require_check`).
    pub check_verdict: Verdict,
    /// Items failing that check.
    pub check_failures: Vec<String>,
    /// The Prometheus server gates with a `query` ask, if one is configured.
    pub prometheus: Option<crate::prometheus::Endpoint>,
}

/// The history as loaded for this run.
pub struct Loaded {
    /// Kept samples.
    pub data: Arc<Data>,
    /// Malformed lines.
    pub malformed: Vec<history::Malformed>,
    /// Lines stamped in the future: (line, time).
    pub future: Vec<(usize, i64)>,
    /// Earliest usable timestamp in the whole file.
    pub first_ts_ms: Option<i64>,
    /// Latest usable timestamp in the whole file.
    pub last_ts_ms: Option<i64>,
    /// Lines with anything on them.
    pub entries: usize,
}

/// Everything a phase's findings are computed from.
pub struct Ctx<'a> {
    /// Run inputs.
    pub inputs: &'a Inputs,
    /// Manifest document (for locations).
    pub doc: &'a Node,
    /// Manifest source.
    pub src: &'a SourceFile,
    /// Phases as written.
    pub phases: &'a [Phase],
    /// Compiled gates, per phase.
    pub gates: Vec<Vec<Compiled>>,
    /// The snapshot, if any gate needs it.
    pub snapshot: Option<Snapshot>,
    /// The history, if any gate needs it.
    pub history: Option<Result<Loaded, String>>,
    /// How the history file is shown.
    pub history_shown: String,
    /// Window caches.
    pub cache: Arc<Cache>,
    /// Snapshot fields from history lines.
    pub view: Result<View, String>,
    /// The Prometheus server.
    pub prom: super::query::Source,
}

impl Ctx<'_> {
    /// A location in the manifest.
    pub fn at(&self, route: &Route) -> Location {
        Location::new(self.src, self.doc.locate(route).span)
    }

    /// An error-severity finding at a manifest node.
    pub fn finding(
        &self,
        id: &str,
        title: &str,
        outcome: Outcome,
        message: String,
        route: &Route,
    ) -> Finding {
        Finding::new(id, title, Severity::Error, outcome, message).at(self.at(route))
    }

    /// A history line, as a related location.
    pub fn sample_related(&self, line: usize, ts: i64, what: &str) -> Related {
        let mut location = Location::file(&self.history_shown);
        location.line = line as u32;
        location.end_line = line as u32;
        Related {
            location,
            message: format!("{what}, at {}", fmt_ms(ts)),
        }
    }

    /// The fresh snapshot's fields, or `None` (its own finding says why).
    pub fn fresh_snapshot(&self) -> Option<(&serde_json::Map<String, serde_json::Value>, &str)> {
        match &self.snapshot {
            Some(Snapshot::Ok {
                fields,
                age_ms,
                dated_by,
            }) if *age_ms <= self.inputs.settings.max_staleness_ms
                && *age_ms >= -history::SKEW_MS =>
            {
                Some((fields, dated_by))
            }
            _ => None,
        }
    }
}

fn ms_of(text: Option<&str>) -> i64 {
    text.and_then(parse_seconds).unwrap_or(0) * 1000
}

/// The `after` span of a phase, in milliseconds (0: none).
pub fn after_ms(phase: &Phase) -> i64 {
    ms_of(phase.after.as_deref())
}

/// Evaluates phases `0..=upto`; returns each with its own findings.
pub fn evaluate(
    rollout: &Rollout,
    upto: usize,
    inputs: &Inputs,
    doc: &Node,
    src: &SourceFile,
) -> Vec<(usize, Vec<Finding>)> {
    let phases = rollout.phases.as_slice();
    let gates = compile::all(rollout);
    let view = View::new(rollout.status_from_history.as_ref())
        .map_err(|(field, why)| format!("`rollout.status_from_history.{field}` {why}"));
    let mut ctx = Ctx {
        inputs,
        doc,
        src,
        phases,
        gates,
        snapshot: None,
        history: None,
        history_shown: match &inputs.history {
            Some(Ok(p)) => display_path(p),
            _ => String::new(),
        },
        cache: Arc::new(Cache::default()),
        view,
        prom: super::query::Source::new(inputs.prometheus.clone()),
    };
    load(&mut ctx, upto);
    (0..=upto.min(phases.len().saturating_sub(1)))
        .map(|i| {
            let mut findings = own_findings(&ctx, i);
            for f in &mut findings {
                f.phase = Some(phases[i].name.clone());
            }
            (i, findings)
        })
        .collect()
}

/// Reads the snapshot and the span of history that phases `0..=upto` need.
fn load(ctx: &mut Ctx, upto: usize) {
    let inputs = ctx.inputs;
    let mut span: Option<i64> = None;
    let mut widen = |n: i64| span = Some(span.map_or(n, |s: i64| s.max(n)));
    let mut needs_status = false;
    let mut columns: Vec<String> = Vec::new();
    let mut past_gates: Vec<&Compiled> = Vec::new();
    for i in 0..=upto.min(ctx.phases.len().saturating_sub(1)) {
        for g in &ctx.gates[i] {
            needs_status |= g.is_snapshot();
            if let Kind::Windowed(p, w) = &g.kind {
                widen(*w);
                columns.extend(super::rewrite::fields_read(p));
            }
        }
        let after = after_ms(&ctx.phases[i]);
        if after > 0 {
            for g in ctx.gates[..i].iter().flatten() {
                match &g.kind {
                    Kind::Windowed(_, w) => widen(after + w),
                    Kind::Snapshot(_) => {
                        widen(after);
                        past_gates.push(g);
                    }
                    Kind::Broken(_) | Kind::Query(_) => {}
                }
            }
        }
    }
    if let Ok(view) = &ctx.view {
        for g in past_gates {
            if let Kind::Snapshot(e) = &g.kind {
                let refs = e.references();
                columns.extend(view.plan(&g.source, &refs.variables()).fields);
            }
        }
    }
    if needs_status {
        ctx.snapshot = Some(match &inputs.status {
            None => Snapshot::Missing(
                "no status snapshot: set `rollout.status` or pass --status".into(),
            ),
            Some(Err(why)) => Snapshot::Bad(why.clone()),
            Some(Ok(p)) => status::load(
                p,
                &display_path(p),
                &inputs.settings.status_timestamp,
                inputs.now_ms,
            ),
        });
    }
    let Some(span) = span else { return };
    // One extra gap of samples before the span, to judge coverage at its start.
    let keep_from = inputs.now_ms - span - inputs.settings.max_gap_ms;
    ctx.history = Some(match &inputs.history {
        None => Err("no history: set `rollout.history` or pass --history".into()),
        Some(Err(why)) => Err(why.clone()),
        Some(Ok(p)) if !p.is_file() => Err(if p.exists() {
            format!("the history `{}` is not a regular file", display_path(p))
        } else {
            format!("the history `{}` does not exist", display_path(p))
        }),
        Some(Ok(p)) => history::read(
            p,
            &inputs.settings.timestamp,
            keep_from,
            inputs.now_ms,
            Columns::new(columns.iter().map(String::as_str)),
        )
        .map(|h| Loaded {
            data: Arc::new(Data {
                samples: h.samples,
                columns: h.columns,
                strings: h.strings,
            }),
            malformed: h.malformed,
            future: h.future,
            first_ts_ms: h.first_ts_ms,
            last_ts_ms: h.last_ts_ms,
            entries: h.entries,
        })
        .map_err(|e| format!("cannot read the history `{}`: {e}", display_path(p))),
    });
}

fn own_findings(ctx: &Ctx, index: usize) -> Vec<Finding> {
    let phase = &ctx.phases[index];
    let gates = &ctx.gates[index];
    let route = Route::root().key("rollout").key("phases").index(index);
    let mut out = Vec::new();
    let after = after_ms(phase);
    // Only gates over the history and the snapshot read them; Prometheus gates ask the server.
    let earlier_gates = ctx.gates[..index]
        .iter()
        .flatten()
        .filter(|g| g.is_history())
        .count();
    if gates.iter().any(Compiled::is_snapshot) {
        out.push(inputs::status_finding(ctx, phase, &route));
    }
    if gates.iter().any(|g| g.window().is_some()) || (after > 0 && earlier_gates > 0) {
        out.extend(inputs::history_findings(ctx, phase, &route));
    }
    for g in gates {
        out.push(match &g.kind {
            Kind::Broken(msg) => ctx
                .finding(
                    &g.id,
                    &g.title,
                    Outcome::Fail,
                    format!("{} cannot be evaluated: {msg}", g.named(&phase.name)),
                    &g.route,
                )
                .help("fix the expression; gates are CEL over the status snapshot, or with `window:` over the history"),
            Kind::Snapshot(e) => snapshot_now(ctx, g, e),
            Kind::Windowed(..) => window_now(ctx, g),
            Kind::Query(q) => super::query::now(ctx, g, q),
        });
    }
    if index > 0 && after > 0 {
        out.push(after::finding(ctx, index, after));
    }
    if phase.require_check {
        out.push(check_finding(ctx, phase, &route));
    }
    if gates.is_empty() && after == 0 && !phase.require_check {
        out.push(
            Finding::new(
                &format!("{}/gates", phase.name),
                "Phase has gates",
                Severity::Warning,
                Outcome::Fail,
                "the phase has no gates, no `after` and no `require_check`: only the earlier phases' gates guard it",
            )
            .at(ctx.at(&route)),
        );
    }
    out
}

fn check_finding(ctx: &Ctx, phase: &Phase, route: &Route) -> Finding {
    let id = format!("{}/check", phase.name);
    let at = route.key("require_check");
    match ctx.inputs.check_verdict {
        Verdict::Pass => ctx.finding(
            &id,
            "Readiness check passes",
            Outcome::Pass,
            "`launchgate check` of this manifest passes".into(),
            &at,
        ),
        v => {
            let outcome = if v == Verdict::Hold {
                Outcome::Hold
            } else {
                Outcome::Fail
            };
            let mut failing = ctx.inputs.check_failures.clone();
            failing.sort();
            failing.dedup();
            ctx.finding(
                &id,
                "Readiness check passes",
                outcome,
                format!(
                    "`launchgate check` of this manifest does not pass: {}",
                    failing.join(", ")
                ),
                &at,
            )
            .help("run `launchgate check` on the manifest and fix or waive its failures")
        }
    }
}

/// `path = value` for every dotted variable path the expression reads.
pub fn observed_values(
    source: &str,
    e: &Expr,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Vec<String> {
    let refs = e.references();
    let vars = refs.variables();
    let mut paths = Vec::new();
    for token in identifier_paths(source) {
        let head = token.split('.').next().unwrap_or_default();
        if vars.contains(&head) && !paths.contains(&token) {
            paths.push(token);
        }
    }
    paths
        .into_iter()
        .map(|p| match history::lookup(fields, &p) {
            Some(v) => {
                let mut s = v.to_string();
                if s.len() > 200 {
                    s.truncate(200);
                    s.push_str("...");
                }
                format!("{p} = {s}")
            }
            None => format!("{p} is missing"),
        })
        .collect()
}

/// Dotted identifier chains outside string literals (`health.queue_depth`).
pub fn identifier_paths(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = source.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            continue;
        }
        let starts = (c.is_ascii_alphabetic() || c == b'_')
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.'));
        if starts {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            let path = source[s..i].trim_end_matches('.');
            // A call (`size(x)`) is not a field.
            if b.get(i) != Some(&b'(') {
                out.push(path.to_string());
            }
            continue;
        }
        i += 1;
    }
    out
}

fn snapshot_now(ctx: &Ctx, g: &Compiled, e: &Expr) -> Finding {
    let phase = &ctx.phases[g.phase].name;
    let Some((fields, dated_by)) = ctx.fresh_snapshot() else {
        return ctx.finding(
            &g.id,
            &g.title,
            Outcome::Hold,
            format!(
                "{} is not evaluated: no fresh status snapshot (see {phase}/status)",
                g.named(phase)
            ),
            &g.route,
        );
    };
    let mut c = Context::with_env(crate::expr::env());
    for (k, v) in fields {
        c.add_variable_from_value(k.as_str(), crate::expr::from_json(v));
    }
    let observed = observed_values(&g.source, e, fields);
    let shown = observed.join(", ");
    let mut evidence = vec![format!("expression: {}", g.source)];
    evidence.extend(observed);
    evidence.push(format!("snapshot dated by {dated_by}"));
    let result = e.eval(&c);
    // Only a gate that held false on the data says to roll back; one that cannot be
    // evaluated says nothing of the release.
    let violated = matches!(result, Ok(cel::Value::Bool(false)));
    let (outcome, message) = match result {
        Ok(cel::Value::Bool(true)) => (
            Outcome::Pass,
            format!("{} holds now: {shown}", g.named(phase)),
        ),
        Ok(cel::Value::Bool(false)) => (
            Outcome::Fail,
            format!("{} fails now: {shown}", g.named(phase)),
        ),
        Ok(other) => (
            Outcome::Fail,
            format!(
                "{} evaluates to {}, not a boolean",
                g.named(phase),
                display(&other)
            ),
        ),
        Err(err) if window::is_missing(&err) => (
            Outcome::Hold,
            format!(
                "{}: the status snapshot lacks what it needs: {err}",
                g.named(phase)
            ),
        ),
        Err(err) => (
            Outcome::Fail,
            format!("{} cannot be evaluated: {err}", g.named(phase)),
        ),
    };
    let mut f = ctx.finding(&g.id, &g.title, outcome, message, &g.route);
    f.evidence = evidence;
    if violated {
        f.help = Some(format!(
            "{ROLL_BACK} (see the rollback runbook); then investigate"
        ));
    } else if outcome == Outcome::Fail {
        f.help = Some("fix the gate expression or the producer's data".into());
    }
    f
}

fn window_now(ctx: &Ctx, g: &Compiled) -> Finding {
    let Kind::Windowed(p, w) = &g.kind else {
        unreachable!("window_now is only called for windowed gates")
    };
    let phase = &ctx.phases[g.phase].name;
    let now = ctx.inputs.now_ms;
    let over = format_seconds(w / 1000);
    let hold = |msg: String| {
        ctx.finding(&g.id, &g.title, Outcome::Hold, msg, &g.route)
            .help("wait for more history, or refresh the producer, and evaluate again")
    };
    let h = match &ctx.history {
        Some(Ok(h)) => h,
        Some(Err(reason)) => return hold(format!("{} is not evaluated: {reason}", g.named(phase))),
        None => return hold(format!("{} is not evaluated: no history", g.named(phase))),
    };
    if let Some(problem) = inputs::coverage_problem(ctx, h, now - w, now) {
        let mut f = hold(format!(
            "{}: not enough history for its {over} window: {problem}",
            g.named(phase)
        ));
        f.evidence.push(format!("expression: {}", g.source));
        return f;
    }
    let o = window::evaluate(p, &h.data, &ctx.cache, *w, now);
    let n = o.samples;
    let shown: Vec<&str> = o.observed.iter().map(|x| x.text.as_str()).collect();
    let mut evidence = vec![format!(
        "expression: {} (window {over}, {n} samples)",
        g.source
    )];
    evidence.extend(o.observed.iter().map(|x| format!("{} over {over}", x.text)));
    let mut f = match o.result {
        Ok(true) => ctx.finding(
            &g.id,
            &g.title,
            Outcome::Pass,
            format!("{} holds over the last {over} ({n} samples): {}", g.named(phase), shown.join(", ")),
            &g.route,
        ),
        Ok(false) => ctx
            .finding(
                &g.id,
                &g.title,
                Outcome::Fail,
                format!("{} fails over the last {over}: {}", g.named(phase), shown.join(", ")),
                &g.route,
            )
            .help(format!("{ROLL_BACK} (see the rollback runbook); the sample named here shows where it went wrong")),
        Err(e) if window::is_missing(&e) => ctx.finding(
            &g.id,
            &g.title,
            Outcome::Hold,
            format!("{}: the history lacks what it needs: {e}", g.named(phase)),
            &g.route,
        ),
        Err(e) => ctx
            .finding(
                &g.id,
                &g.title,
                Outcome::Fail,
                format!("{} cannot be evaluated: {e}", g.named(phase)),
                &g.route,
            )
            .help("fix the gate expression or the producer's data"),
    };
    if f.outcome != Outcome::Pass
        && let Some((line, ts)) = o.witness
    {
        f.related
            .push(ctx.sample_related(line, ts, "first offending sample"));
    }
    f.evidence = evidence;
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_paths_skip_strings_and_calls() {
        assert_eq!(
            identifier_paths(
                "health.failure_streak == 0 && rollout_gate == \"health.x\" && size(last_reason_codes) > 0"
            ),
            ["health.failure_streak", "rollout_gate", "last_reason_codes"]
        );
    }
}
