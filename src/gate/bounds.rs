//! The rollout's shape, checked before any rollout: phases that widen, and freshness bounds
//! shorter than the spans they guard.

use super::compile::ITEM;
use crate::duration::{format_seconds, parse_seconds};
use crate::manifest::{Gate, Rollout};
use crate::report::{Finding, Location, Outcome};
use crate::source::SourceFile;
use crate::yaml::{Node, Route};

/// `max_staleness` when the manifest does not set it, seconds.
pub const DEFAULT_MAX_STALENESS: i64 = 15 * 60;
/// `max_gap` when the manifest does not set it, seconds.
pub const DEFAULT_MAX_GAP: i64 = 5 * 60;

/// One failing `LG-GATE` finding per phase narrower than the one before it, for a first phase
/// at all traffic (or every phase before the first at all traffic at none), per
/// `reason_codes` entry that is a slip of tau's, per bound (`max_staleness`, `max_gap`) as
/// long as a span it guards (an `after`, a history window), and for a rollout no gate watches
/// (see [`unwatched`]).
pub fn findings(rollout: &Rollout, doc: &Node, src: &SourceFile) -> Vec<Finding> {
    let phases = Route::root().key("rollout").key("phases");
    let fail = |route: Route, message: String, help: &str| {
        crate::core::finding(ITEM, Outcome::Fail, message)
            .at(Location::new(src, doc.locate(&route).span))
            .help(help.to_string())
    };
    let mut out = Vec::new();
    for (i, pair) in rollout.phases.windows(2).enumerate() {
        let [before, phase] = pair else { continue };
        if phase.traffic < before.traffic {
            out.push(fail(
                phases.clone().index(i + 1).key("traffic"),
                format!(
                    "phase `{}` sends {}% of traffic, less than `{}` before it ({}%): each phase widens the rollout",
                    phase.name, phase.traffic, before.name, before.traffic
                ),
                "give each phase at least the traffic of the phase before it",
            ));
        }
    }
    // Phases widen, so the first one is the narrowest: at all traffic, every user has the
    // change before any gate is judged, and a failing canary is a failed launch.
    if let Some(first) = rollout.phases.first()
        && first.traffic >= 100.0
    {
        out.push(fail(
            phases.clone().index(0).key("traffic"),
            format!(
                "the first phase, `{}`, sends {}% of traffic: every user has the change before any gate is judged, so no canary limits what a failing release reaches",
                first.name, first.traffic
            ),
            "send the first phase a small share of traffic (the example's canary-1 sends 5%) and widen from there",
        ));
    }
    // A phase at 0% reaches no user, so its gates judge a release nobody runs: when every
    // phase before the first at all traffic sends none, that phase is the first exposure.
    if let Some(full) = rollout.phases.iter().position(|p| p.traffic >= 100.0)
        && full > 0
        && rollout.phases[..full].iter().all(|p| p.traffic <= 0.0)
    {
        let dark: Vec<String> = rollout.phases[..full]
            .iter()
            .map(|p| format!("`{}`", p.name))
            .collect();
        out.push(fail(
            phases.clone().index(0).key("traffic"),
            format!(
                "every phase before `{}` sends 0% of traffic ({}): their gates judge a release no user has reached, so `{}` is its first exposure, to every user",
                rollout.phases[full].name,
                dark.join(", "),
                rollout.phases[full].name
            ),
            "send the first phase a small share of traffic (the example's canary-1 sends 5%) and widen from there",
        ));
    }
    for (i, message) in super::vocabulary::declared_slips(rollout) {
        out.push(fail(
            Route::root().key("rollout").key("reason_codes").index(i),
            message,
            "list the codes as the producer writes them; for tau's own, drop `rollout.reason_codes`",
        ));
    }
    out.extend(unwatched(rollout, &phases, &fail));
    out.extend(unbaked(rollout, &phases, &fail));
    if let Some((field, why)) = rollout
        .status_from_history
        .as_ref()
        .and_then(super::view::View::refused)
    {
        out.push(fail(
            Route::root()
                .key("rollout")
                .key("status_from_history")
                .key(field.as_str()),
            format!("`rollout.status_from_history.{field}` {why}"),
            "map each snapshot field to an expression over one cycle report's fields",
        ));
    }
    // The shortest span each bound guards: a bound as long as it cannot tell data from
    // before the span (a snapshot taken before canary-1's gates had to hold) from data in it.
    let mut afters = Vec::new();
    let mut windows = Vec::new();
    for (i, p) in rollout.phases.iter().enumerate() {
        if let Some(secs) = p.after.as_deref().and_then(parse_seconds) {
            let what = format!("phase `{}`'s `after` of {}", p.name, format_seconds(secs));
            afters.push((secs, what, phases.clone().index(i).key("after")));
        }
        for (n, gate) in p.gates.iter().enumerate() {
            let Gate::Full {
                query: None,
                window: Some(w),
                ..
            } = gate
            else {
                continue;
            };
            if let Some(secs) = parse_seconds(w) {
                let what = format!(
                    "the {} history window of gate {} of phase `{}`",
                    format_seconds(secs),
                    n + 1,
                    p.name
                );
                let route = phases.clone().index(i).key("gates").index(n).key("window");
                windows.push((secs, what, route));
            }
        }
    }
    // Both bounds are judged beside every span: a snapshot older than a history window
    // describes the canary before the history its gates read.
    let span = shortest(afters.iter().chain(&windows));
    let bounds = [
        (
            "max_staleness",
            rollout.max_staleness.as_deref(),
            DEFAULT_MAX_STALENESS,
            span,
            "a snapshot that old can predate the span it is judged with (the wait the earlier phases' gates must have held for, the history a gate reads)",
        ),
        (
            "max_gap",
            rollout.max_gap.as_deref(),
            DEFAULT_MAX_GAP,
            span,
            "with gaps that long allowed, a single cycle anywhere in the span counts as covering it",
        ),
    ];
    for (key, written, default, span, why) in bounds {
        let Some((span_secs, what, span_route)) = span.cloned() else {
            continue;
        };
        let secs = written.and_then(parse_seconds).unwrap_or(default);
        if secs < span_secs {
            continue;
        }
        // No bound is shorter than a span of nothing (`after: 0m`): the span is what to fix.
        let nothing = span_secs == 0;
        let (route, given) = match written {
            Some(text) if !nothing => (Route::root().key("rollout").key(key), text.to_string()),
            Some(text) => (span_route, text.to_string()),
            None => (
                span_route,
                format!("{} (the default)", format_seconds(secs)),
            ),
        };
        let fix = if nothing {
            format!("make {what} longer than `rollout.{key}` ({given})")
        } else {
            format!("set `rollout.{key}` below {}", format_seconds(span_secs))
        };
        out.push(fail(
            route,
            format!("`{key}` is {given}, not shorter than {what}: {why}"),
            &fix,
        ));
    }
    out
}

/// A rollout no gate watches, or an `after` waiting on earlier phases without gates: `gate`
/// would promote whatever the canary does, and the wait would prove nothing (nothing that
/// held can be shown for a span no gate covered).
fn unwatched(
    rollout: &Rollout,
    phases: &Route,
    fail: &dyn Fn(Route, String, &str) -> Finding,
) -> Vec<Finding> {
    if rollout.phases.is_empty() {
        return Vec::new();
    }
    if rollout.phases.iter().all(|p| p.gates.is_empty()) {
        return vec![fail(
            phases.clone(),
            "no phase of the rollout has a gate: `gate` would promote every phase whatever the canary does".into(),
            "give the first canary phase the gates that say it is healthy (over the status snapshot, the history or Prometheus)",
        )];
    }
    let mut out = Vec::new();
    let mut watched = false;
    for (i, p) in rollout.phases.iter().enumerate() {
        if let Some(after) = p.after.as_deref().filter(|_| i > 0 && !watched) {
            out.push(fail(
                phases.clone().index(i).key("after"),
                format!(
                    "phase `{}` waits `after: {after}` for the earlier phases' gates to hold, but no earlier phase has a gate: nothing is watched, so the wait proves nothing",
                    p.name
                ),
                "give an earlier phase gates, or drop `after`",
            ));
        }
        watched |= !p.gates.is_empty();
    }
    out
}

/// A phase that may be entered as soon as the one before it: phases are cumulative, so
/// entering a phase already needs every earlier `after`, and one whose own `after` is no
/// longer than an earlier one (or missing after one) adds no wait. Whenever the phase before
/// it may be entered, so may it, and that phase's traffic is never baked: `gate --all`
/// names the later one at once. The difference between two `after`s is the earlier phase's
/// bake time.
fn unbaked(
    rollout: &Rollout,
    phases: &Route,
    fail: &dyn Fn(Route, String, &str) -> Finding,
) -> Vec<Finding> {
    let help = "make each phase's `after` longer than the one before it: the difference is how long the earlier phase runs before the next widens the rollout (the example: 60m, 120m, 24h)";
    let mut out = Vec::new();
    // The longest wait so far: (seconds, as written, phase).
    let mut longest: Option<(i64, &str, &str)> = None;
    for (i, pair) in rollout.phases.windows(2).enumerate() {
        let [before, phase] = pair else { continue };
        if let Some(after) = before.after.as_deref()
            && let Some(secs) = parse_seconds(after)
            && longest.is_none_or(|(l, _, _)| secs > l)
        {
            longest = Some((secs, after, &before.name));
        }
        let Some((wait, wait_text, waiting)) = longest else {
            continue;
        };
        let route = phases.clone().index(i + 1);
        match phase.after.as_deref().map(|a| (a, parse_seconds(a))) {
            None => out.push(fail(
                route,
                format!(
                    "phase `{}` has no `after`, while `{waiting}` before it waits `after: {wait_text}`: `{}` may be entered as soon as `{}` is, so `{}`'s {}% of traffic is never run before the rollout widens",
                    phase.name, phase.name, before.name, before.name, before.traffic
                ),
                help,
            )),
            Some((after, Some(secs))) if secs <= wait => out.push(fail(
                route.key("after"),
                format!(
                    "phase `{}` waits `after: {after}`, no longer than `{waiting}`'s `after: {wait_text}`: `{}` may be entered as soon as `{}` is, so `{}`'s {}% of traffic is never run before the rollout widens",
                    phase.name, phase.name, before.name, before.name, before.traffic
                ),
                help,
            )),
            _ => {}
        }
    }
    out
}

/// A rollout in which no phase sets `require_check`: `gate` would take it to all traffic
/// without asking whether the manifest's own checklist passes (general availability waits
/// for the release sign-off checklist, in the rollout runbook this design follows). Checked
/// by `check` only: `gate` evaluates the phases as written.
pub fn unchecked(rollout: &Rollout, doc: &Node, src: &SourceFile) -> Option<Finding> {
    if rollout.phases.is_empty() || rollout.phases.iter().any(|p| p.require_check) {
        return None;
    }
    let last = rollout.phases.len() - 1;
    let route = Route::root().key("rollout").key("phases").index(last);
    let name = &rollout.phases[last].name;
    let finding = crate::core::finding(
        ITEM,
        Outcome::Fail,
        format!(
            "no phase sets `require_check`: `gate` would promote the rollout through `{name}` whatever `launchgate check` says of this manifest (sign-offs, runbooks, the rollback)"
        ),
    )
    .at(Location::new(src, doc.locate(&route).span))
    .help(format!(
        "set `require_check: true` on `{name}` (or the first phase the checklist must hold for; phases are cumulative)"
    ));
    Some(finding)
}

/// A span a bound guards: its seconds, what it is, and where it is written.
type Span = (i64, String, Route);

/// The span with the fewest seconds (the first of equals).
fn shortest<'s>(spans: impl Iterator<Item = &'s Span>) -> Option<&'s Span> {
    spans.fold(None, |best, s| match best {
        Some(b) if b.0 <= s.0 => Some(b),
        _ => Some(s),
    })
}
