//! `after: D`: every gate of every earlier phase held over the last D.
//!
//! History gates are re-evaluated with their window ending at every cycle report in the
//! span (at most [`MAX_CHECKPOINTS`], evenly thinned) and at the evaluation time. Snapshot
//! gates have no past in the snapshot, so they are evaluated on every cycle report in the
//! span, with the snapshot's fields rebuilt from the report (`rollout.status_from_history`;
//! tau's mapping is built in). A gate reading a field the history cannot show holds.
//! Gates over Prometheus are re-evaluated from a range query over the span (see
//! [`super::query::past`]), with the same checkpoints.

use cel::Context;

use super::compile::{Compiled, Kind};
use super::fmt_ms;
use super::inputs::coverage_problem;
use super::phase::{Ctx, Loaded};
use super::window;
use crate::duration::format_seconds;
use crate::expr::{Expr, display};
use crate::report::{Finding, Outcome, Related};
use crate::yaml::Route;

/// The advice of a phase whose earlier phases' gates did not hold for its whole `after` span.
pub(super) const UNSTEADY: &str = "the earlier phases are not stable enough to widen the rollout";

/// Most instants at which `after` re-evaluates the earlier phases' history gates.
pub const MAX_CHECKPOINTS: usize = 1440;

/// `Problem::gate` when no one gate is to blame (the history does not cover the span).
pub const NO_GATE: usize = usize::MAX;

/// Why one earlier gate did not hold over the span.
pub struct Problem {
    /// Fail or hold.
    pub outcome: Outcome,
    /// What happened, naming the gate.
    pub message: String,
    /// Index of the gate among the earlier gates, or [`NO_GATE`].
    pub gate: usize,
    /// A history line that shows it: (line, time, what).
    pub witness: Option<(usize, i64, String)>,
    /// Observed facts.
    pub evidence: Vec<String>,
    /// A gate held false on the data (not: it cannot be evaluated).
    pub held_false: bool,
}

/// The `PHASE/after` finding of phase `index`.
pub fn finding(ctx: &Ctx, index: usize, after: i64) -> Finding {
    let phase = &ctx.phases[index];
    let id = format!("{}/after", phase.name);
    let span = format_seconds(after / 1000);
    let earlier: Vec<&Compiled> = ctx.gates[..index].iter().flatten().collect();
    let mut owners: Vec<&str> = Vec::new();
    for g in &earlier {
        let name = ctx.phases[g.phase].name.as_str();
        if !owners.contains(&name) {
            owners.push(name);
        }
    }
    let title = format!("earlier phases' gates held for {span}");
    let at = Route::root()
        .key("rollout")
        .key("phases")
        .index(index)
        .key("after");
    if earlier.is_empty() {
        // Nothing watched the span: a pass would claim a soak nobody can show (LG-GATE).
        return ctx.finding(
            &id,
            &title,
            Outcome::Fail,
            format!("no earlier phase has a gate: nothing was watched for {span}, so the wait proves nothing"),
            &at,
        );
    }
    // History gates need the history; gates over Prometheus ask the server themselves.
    let needs_history = earlier.iter().any(|g| g.is_history());
    let problem = match (&ctx.history, needs_history) {
        (Some(Ok(h)), _) => find_problem(ctx, Some(h), &earlier, after),
        (_, false) => find_problem(ctx, None, &earlier, after),
        (Some(Err(reason)), true) => Some(Problem {
            outcome: Outcome::Hold,
            message: format!("cannot tell whether they held for {span}: {reason}"),
            gate: NO_GATE,
            witness: None,
            evidence: Vec::new(),
            held_false: false,
        }),
        (None, true) => Some(Problem {
            outcome: Outcome::Hold,
            message: format!("cannot tell whether they held for {span}: no history"),
            gate: NO_GATE,
            witness: None,
            evidence: Vec::new(),
            held_false: false,
        }),
    };
    let lead = format!(
        "{} needs the gates of {} to have held for the last {span}",
        phase.name,
        owners.join(", ")
    );
    let Some(mut p) = problem else {
        let mut f = ctx.finding(
            &id,
            &title,
            Outcome::Pass,
            format!("{lead}: all {} held", earlier.len()),
            &at,
        );
        f.evidence = earlier
            .iter()
            .map(|g| format!("held: {}", g.named(&ctx.phases[g.phase].name)))
            .collect();
        return f;
    };
    // Located at the gate that did not hold: that is what to look at; `after` is related.
    let gate = earlier.get(p.gate).copied();
    let route = gate.map(|g| g.route.clone()).unwrap_or(at.clone());
    let mut f = ctx.finding(
        &id,
        &title,
        p.outcome,
        format!("{lead}: {}", p.message),
        &route,
    );
    f.evidence = std::mem::take(&mut p.evidence);
    if gate.is_some() {
        f.related.push(Related {
            location: ctx.at(&at),
            message: format!(
                "required by `after: {}` of {}",
                phase.after.as_deref().unwrap_or_default(),
                phase.name
            ),
        });
    }
    if let Some((line, ts, what)) = p.witness.take() {
        f.related.push(ctx.sample_related(line, ts, &what));
    }
    f.help = Some(match p.outcome {
        Outcome::Fail if p.held_false => format!(
            "{UNSTEADY}; stay at or roll back from {}",
            ctx.phases[index.saturating_sub(1)].name
        ),
        Outcome::Fail => "fix the gate named here: a gate that cannot be evaluated over the span cannot show that it held; nothing here says the release is bad, nor that it is good".into(),
        _ => "wait until the history covers the whole `after` span (and the gates' windows), then evaluate again".into(),
    });
    f
}

/// The first gate that held false over the span, else the first that cannot be evaluated over
/// it, else the first that could not be decided.
/// `h` is the history, when some gate reads it.
fn find_problem(ctx: &Ctx, h: Option<&Loaded>, gates: &[&Compiled], after: i64) -> Option<Problem> {
    let now = ctx.inputs.now_ms;
    let widest = gates.iter().filter_map(|g| g.window()).max().unwrap_or(0);
    if let Some(h) = h
        && gates.iter().any(|g| g.is_history())
        && let Some(problem) = coverage_problem(ctx, h, now - after - widest, now)
    {
        return Some(Problem {
            outcome: Outcome::Hold,
            message: format!(
                "cannot tell whether they held for {}: {problem}",
                format_seconds(after / 1000)
            ),
            gate: NO_GATE,
            witness: None,
            evidence: Vec::new(),
            held_false: false,
        });
    }
    let mut broken: Option<Problem> = None;
    let mut hold: Option<Problem> = None;
    for (i, g) in gates.iter().enumerate() {
        let found = match &g.kind {
            Kind::Broken(msg) => Some(Problem {
                outcome: Outcome::Fail,
                message: format!(
                    "{} cannot be evaluated: {msg}",
                    g.named(&ctx.phases[g.phase].name)
                ),
                gate: i,
                witness: None,
                evidence: Vec::new(),
                held_false: false,
            }),
            Kind::Snapshot(e) => h.and_then(|h| snapshot_past(ctx, h, g, e, after, i)),
            Kind::Windowed(..) => h.and_then(|h| window_past(ctx, h, g, after, i)),
            Kind::Query(q) => super::query::past(ctx, g, q, after, i),
        };
        match found {
            Some(p) if p.outcome == Outcome::Fail && p.held_false => return Some(p),
            Some(p) if p.outcome == Outcome::Fail => {
                broken.get_or_insert(p);
            }
            Some(p) => {
                hold.get_or_insert(p);
            }
            None => {}
        }
    }
    broken.or(hold)
}

fn snapshot_past(
    ctx: &Ctx,
    h: &Loaded,
    g: &Compiled,
    e: &Expr,
    after: i64,
    i: usize,
) -> Option<Problem> {
    let now = ctx.inputs.now_ms;
    let named = g.named(&ctx.phases[g.phase].name);
    let hold = |message: String| Problem {
        outcome: Outcome::Hold,
        message,
        gate: i,
        witness: None,
        evidence: vec![format!("expression: {}", g.source)],
        held_false: false,
    };
    let view = match &ctx.view {
        Ok(v) => v,
        Err(reason) => return Some(hold(reason.clone())),
    };
    let refs = e.references();
    let vars = refs.variables();
    let plan = view.plan(&g.source, &vars);
    if !plan.unmapped.is_empty() {
        return Some(hold(format!(
            "{named} reads the status snapshot, and the history cannot show the past of `{}`: map it to the cycle reports' fields under `rollout.status_from_history`",
            plan.unmapped.join("`, `")
        )));
    }
    let data = &h.data;
    let base = Context::with_env(crate::expr::env());
    let mut cache: std::collections::HashMap<String, Result<bool, (bool, String)>> =
        std::collections::HashMap::new();
    for s in &data.samples[data.range(now - after, now)] {
        let mut c = base.new_inner_scope();
        view.bind(&mut c, data, s, &plan);
        // Healthy histories repeat the same values cycle after cycle: decide each once.
        let key = super::view::View::key(data, s, &plan);
        let result = cache
            .entry(key)
            .or_insert_with(|| match e.eval(&c) {
                Ok(cel::Value::Bool(b)) => Ok(b),
                Ok(other) => Err((
                    false,
                    format!("evaluates to {}, not a boolean", display(&other)),
                )),
                Err(err) if window::is_missing(&err) => Err((true, err.to_string())),
                Err(err) => Err((false, err.to_string())),
            })
            .clone();
        let at = format!("{} (history line {})", fmt_ms(s.ts_ms), s.line);
        match result {
            Ok(true) => continue,
            Ok(false) => {
                let shown = values_on(&g.source, &vars, &c);
                return Some(Problem {
                    outcome: Outcome::Fail,
                    message: format!("{named} did not hold at {at}: {shown}"),
                    gate: i,
                    witness: Some((
                        s.line,
                        s.ts_ms,
                        "the cycle report where it did not hold".into(),
                    )),
                    evidence: vec![
                        format!("expression: {}", g.source),
                        format!("on the cycle report: {shown}"),
                    ],
                    held_false: true,
                });
            }
            Err((true, why)) => {
                return Some(Problem {
                    witness: Some((s.line, s.ts_ms, "the cycle report that lacks it".into())),
                    ..hold(format!(
                        "{named} cannot be shown on the cycle report at {at}: {why}"
                    ))
                });
            }
            Err((false, why)) => {
                return Some(Problem {
                    outcome: Outcome::Fail,
                    message: format!(
                        "{named} cannot be evaluated on the cycle report at {at}: {why}"
                    ),
                    gate: i,
                    witness: Some((s.line, s.ts_ms, "the cycle report".into())),
                    evidence: vec![format!("expression: {}", g.source)],
                    held_false: false,
                });
            }
        }
    }
    None
}

/// `path = value` for the dotted paths of `source`, as a context binds them.
fn values_on(source: &str, vars: &[&str], c: &Context) -> String {
    let mut shown = Vec::new();
    for path in super::phase::identifier_paths(source) {
        let head = path.split('.').next().unwrap_or_default();
        if !vars.contains(&head) || shown.iter().any(|(p, _): &(String, String)| *p == path) {
            continue;
        }
        let value = Expr::compile(&path)
            .ok()
            .and_then(|e| e.eval(c).ok())
            .map(|v| crate::expr::convert::to_json(&v).to_string())
            .unwrap_or_else(|| "missing".into());
        shown.push((path, value));
    }
    shown
        .into_iter()
        .map(|(p, v)| format!("{p} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn window_past(ctx: &Ctx, h: &Loaded, g: &Compiled, after: i64, i: usize) -> Option<Problem> {
    let Kind::Windowed(p, w) = &g.kind else {
        return None;
    };
    let now = ctx.inputs.now_ms;
    let named = g.named(&ctx.phases[g.phase].name);
    let data = &h.data;
    let instants: Vec<i64> = data.samples[data.range(now - after, now)]
        .iter()
        .map(|s| s.ts_ms)
        .collect();
    let step = instants.len().div_ceil(MAX_CHECKPOINTS).max(1);
    let mut points: Vec<i64> = instants.iter().step_by(step).copied().collect();
    points.push(now);
    for t in points {
        let o = window::evaluate(p, data, &ctx.cache, *w, t);
        let over = format!("the {} ending {}", format_seconds(w / 1000), fmt_ms(t));
        let shown: Vec<&str> = o.observed.iter().map(|x| x.text.as_str()).collect();
        let held_false = matches!(o.result, Ok(false));
        let (outcome, message) = match o.result {
            Ok(true) => continue,
            Ok(false) => (
                Outcome::Fail,
                format!("{named} did not hold over {over}: {}", shown.join(", ")),
            ),
            Err(e) if window::is_missing(&e) => (
                Outcome::Hold,
                format!("{named} lacks data over {over}: {e}"),
            ),
            Err(e) => (
                Outcome::Fail,
                format!("{named} cannot be evaluated over {over}: {e}"),
            ),
        };
        let mut evidence = vec![format!("expression: {}", g.source)];
        evidence.extend(o.observed.iter().map(|x| format!("{} over {over}", x.text)));
        return Some(Problem {
            outcome,
            message,
            gate: i,
            witness: o
                .witness
                .map(|(l, ts)| (l, ts, "first offending sample".to_string())),
            evidence,
            held_false,
        });
    }
    None
}
