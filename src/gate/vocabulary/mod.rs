//! What a rollout's producer writes: the fields, states and reason codes a gate may name.
//!
//! A gate that names something its producer never writes answers the same at every rollout:
//! `count_reason("case_procesing_failed") == 0` counts a code that never appears and passes
//! however many cases fail; `health_state != "failng"` is always true; `health.queue_deph <= 1`
//! reads a field that is never there and holds forever. tau's dashboard runtime, the default
//! producer, writes a closed vocabulary (its `DashboardStatusInspectReport`,
//! `TransportHealthSnapshot`, `DashboardRuntimeCycleReport` and `cycle_reason_codes`), so
//! such a gate is refused before any rollout. Another producer's reason codes are named in
//! `rollout.reason_codes`; its fields and states are its own, and not checked.

use cel::common::ast::{EntryExpr, Expr as Ast, IdedEntryExpr, LiteralValue, operators};
use cel::parser::Expression;

use super::rewrite::Prepared;
use crate::manifest::Rollout;
use crate::spelling::{closest, did_you_mean};

/// tau's status snapshot (`--dashboard-status-inspect --dashboard-status-json`), top level.
const TAU_STATUS: &[&str] = &[
    "state_path",
    "events_log_path",
    "events_log_present",
    "health_state",
    "health_reason",
    "rollout_gate",
    "processed_case_count",
    "widget_count",
    "control_audit_count",
    "cycle_reports",
    "invalid_cycle_reports",
    "last_reason_codes",
    "health",
];

/// tau's `TransportHealthSnapshot`, the snapshot's `health` (shared by all of tau's runtimes).
const TAU_HEALTH: &[&str] = &[
    "updated_unix_ms",
    "cycle_duration_ms",
    "queue_depth",
    "active_runs",
    "failure_streak",
    "last_cycle_discovered",
    "last_cycle_processed",
    "last_cycle_completed",
    "last_cycle_failed",
    "last_cycle_duplicates",
];

/// tau's dashboard cycle report, one line of `runtime-events.jsonl`.
const TAU_CYCLE: &[&str] = &[
    "timestamp_unix_ms",
    "health_state",
    "health_reason",
    "reason_codes",
    "discovered_cases",
    "queued_cases",
    "applied_cases",
    "duplicate_skips",
    "malformed_cases",
    "retryable_failures",
    "retry_attempts",
    "failed_cases",
    "upserted_widgets",
    "control_actions_applied",
    "backlog_cases",
    "failure_streak",
];

/// The reason codes tau's dashboard runtime writes (`cycle_reason_codes`).
const TAU_CODES: &[&str] = &[
    "queue_backpressure_applied",
    "duplicate_cases_skipped",
    "malformed_inputs_observed",
    "retry_attempted",
    "retryable_failures_observed",
    "case_processing_failed",
    "widget_views_updated",
    "control_actions_applied",
    "healthy_cycle",
];

/// tau's snapshot fields that hold counts (`usize`), besides every field of `health` (counts
/// and `u64` milliseconds).
const TAU_STATUS_COUNTS: &[&str] = &[
    "processed_case_count",
    "widget_count",
    "control_audit_count",
    "cycle_reports",
    "invalid_cycle_reports",
];

/// The fields of tau's cycle report that are not numbers (every other one is a `usize` count
/// or `u64` milliseconds).
const TAU_CYCLE_TEXT: &[&str] = &["health_state", "health_reason", "reason_codes"];

/// tau's health states (`TransportHealthState::as_str`).
const TAU_HEALTH_STATES: &[&str] = &["healthy", "degraded", "failing"];

/// tau's rollout gate: `pass` exactly when health is `healthy`, else `hold`.
const TAU_ROLLOUT_GATE: &[&str] = &["pass", "hold"];

/// Where the reason codes a gate may name come from.
enum Codes<'a> {
    /// `rollout.reason_codes`.
    Declared(&'a [String]),
    /// tau's dashboard runtime's.
    Tau,
    /// Another producer that names none.
    Unknown,
}

/// One rollout's producers, as far as a gate's names can be checked against them.
pub struct Vocabulary<'a> {
    /// The snapshot is tau's (no `status_timestamp`).
    tau_snapshot: bool,
    /// The history is tau's (no `timestamp`).
    tau_history: bool,
    codes: Codes<'a>,
}

/// Which file an expression reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Snapshot,
    /// One history line (a per-sample expression of `all`, `any`, `count`).
    Line,
    /// The window functions of a windowed gate's main expression.
    Window,
}

impl<'a> Vocabulary<'a> {
    /// The vocabulary of `rollout`'s producers.
    pub fn of(rollout: &'a Rollout) -> Vocabulary<'a> {
        let tau_history = rollout.timestamp.is_none();
        Vocabulary {
            tau_snapshot: rollout.status_timestamp.is_none(),
            tau_history,
            codes: match &rollout.reason_codes {
                Some(codes) => Codes::Declared(codes),
                None if tau_history => Codes::Tau,
                None => Codes::Unknown,
            },
        }
    }

    /// Whether `e` is a number no rollout makes negative: a count the window functions take
    /// (`count_reason`, `samples`, `count`) or `size`, and, from tau, any numeric field (tau
    /// writes them all unsigned) or a `sum`, `max`, `min` or `avg` of one.
    pub fn never_negative(&self, e: &Expression) -> bool {
        match &e.expr {
            Ast::Call(c) => match (c.func_name.as_str(), &c.target, c.args.as_slice()) {
                ("count_reason" | "samples" | "count", None, _) | ("size", _, _) => true,
                ("sum" | "max" | "min" | "avg", None, [field]) => {
                    self.tau_history
                        && path(field).is_some_and(|f| {
                            TAU_CYCLE.contains(&f.as_str()) && !TAU_CYCLE_TEXT.contains(&f.as_str())
                        })
                }
                _ => false,
            },
            Ast::Ident(_) | Ast::Select(_) => {
                self.tau_snapshot
                    && path(e).is_some_and(|p| match p.split_once('.') {
                        Some(("health", field)) => TAU_HEALTH.contains(&field),
                        Some(_) => false,
                        None => TAU_STATUS_COUNTS.contains(&p.as_str()),
                    })
            }
            _ => false,
        }
    }

    /// Whether `e`, in a per-sample expression (`all(...)`, `any(...)`, `count(...)`), is a
    /// number no rollout makes negative: `size(...)`, or a numeric field of tau's cycle report.
    pub fn never_negative_on_line(&self, e: &Expression) -> bool {
        match &e.expr {
            Ast::Call(c) => c.func_name == "size",
            Ast::Ident(name) => {
                self.tau_history
                    && TAU_CYCLE.contains(&name.as_str())
                    && !TAU_CYCLE_TEXT.contains(&name.as_str())
            }
            _ => false,
        }
    }

    /// Whether the status snapshot is tau's (its verdicts mean what tau says they mean).
    pub fn tau_snapshot(&self) -> bool {
        self.tau_snapshot
    }

    /// Whether the history is tau's.
    pub fn tau_history(&self) -> bool {
        self.tau_history
    }

    /// What a snapshot gate names that its producer never writes.
    pub fn snapshot_problems(&self, e: &Expression) -> Vec<String> {
        let mut out = Vec::new();
        self.scan(e, Side::Snapshot, &mut Vec::new(), &mut out);
        finish(out)
    }

    /// What a windowed gate names that its producer never writes.
    pub fn window_problems(&self, p: &Prepared) -> Vec<String> {
        let mut out = Vec::new();
        self.scan(&p.main.expression, Side::Window, &mut Vec::new(), &mut out);
        for q in &p.quantified {
            self.scan(&q.expr.expression, Side::Line, &mut Vec::new(), &mut out);
        }
        finish(out)
    }

    /// Walks `e`; `scope` holds the loop variables in scope, each with whether it ranges over
    /// a list of reason codes.
    fn scan<'e>(
        &self,
        e: &'e Expression,
        side: Side,
        scope: &mut Vec<(&'e str, bool)>,
        out: &mut Vec<String>,
    ) {
        match &e.expr {
            Ast::Ident(_) | Ast::Select(_) => match path(e) {
                Some(p) if !scope.iter().any(|(v, _)| *v == head(&p)) => self.field(&p, side, out),
                Some(_) => {}
                None => {
                    if let Ast::Select(s) = &e.expr {
                        self.scan(&s.operand, side, scope, out);
                    }
                }
            },
            Ast::Call(c) => {
                let args = c.args.as_slice();
                match (c.func_name.as_str(), args) {
                    (operators::EQUALS | operators::NOT_EQUALS, [a, b]) => {
                        self.compared(a, b, side, scope, out);
                        self.compared(b, a, side, scope, out);
                    }
                    (operators::IN, [item, list]) => {
                        if let (Some(text), true) = (string(item), self.is_codes(list, side)) {
                            self.code(text, out);
                        }
                        if let Ast::List(l) = &list.expr {
                            for element in &l.elements {
                                self.compared(item, element, side, scope, out);
                            }
                            self.every_state(item, &l.elements, side, scope, out);
                        }
                    }
                    ("__w_count_reason" | "__w_max_stall_code", [arg]) => {
                        if let Some(text) = string(arg) {
                            self.code(text, out);
                        }
                    }
                    (name, [arg]) if name.starts_with("__w_") => {
                        if let Some(field) = string(arg) {
                            self.field(field, Side::Line, out);
                        }
                    }
                    _ => {}
                }
                if let Some(t) = &c.target {
                    self.scan(t, side, scope, out);
                }
                for a in args {
                    self.scan(a, side, scope, out);
                }
            }
            Ast::Comprehension(c) => {
                self.scan(&c.iter_range, side, scope, out);
                self.scan(&c.accu_init, side, scope, out);
                let over_codes = self.is_codes(&c.iter_range, side);
                let depth = scope.len();
                scope.push((&c.iter_var, over_codes));
                scope.extend(c.iter_var2.as_deref().map(|v| (v, false)));
                scope.push((&c.accu_var, false));
                for part in [&c.loop_cond, &c.loop_step, &c.result] {
                    self.scan(part, side, scope, out);
                }
                scope.truncate(depth);
            }
            Ast::List(l) => {
                for element in &l.elements {
                    self.scan(element, side, scope, out);
                }
            }
            Ast::Map(m) => self.scan_entries(&m.entries, side, scope, out),
            Ast::Struct(st) => self.scan_entries(&st.entries, side, scope, out),
            Ast::Literal(_) | Ast::Unspecified => {}
        }
    }

    fn scan_entries<'e>(
        &self,
        entries: &'e [IdedEntryExpr],
        side: Side,
        scope: &mut Vec<(&'e str, bool)>,
        out: &mut Vec<String>,
    ) {
        for entry in entries {
            match &entry.expr {
                EntryExpr::MapEntry(m) => {
                    self.scan(&m.key, side, scope, out);
                    self.scan(&m.value, side, scope, out);
                }
                EntryExpr::StructField(f) => self.scan(&f.value, side, scope, out),
            }
        }
    }

    /// `value == literal` (or `!=`): a literal its field never holds.
    fn compared(
        &self,
        value: &Expression,
        literal: &Expression,
        side: Side,
        scope: &[(&str, bool)],
        out: &mut Vec<String>,
    ) {
        let (Some(text), Some(p)) = (string(literal), path(value)) else {
            return;
        };
        if let Some((_, over_codes)) = scope.iter().rev().find(|(v, _)| *v == head(&p)) {
            if *over_codes && p == head(&p) {
                self.code(text, out);
            }
            return;
        }
        let Some(states) = self.states(&p, side) else {
            return;
        };
        if !states.contains(&text) {
            out.push(format!(
                "`{p}` is never \"{text}\": tau writes {}{}, so the comparison answers the same at every rollout",
                listed(states),
                did_you_mean(text, states),
            ));
        }
    }

    /// The values tau writes in the field `p` of what `side` reads, where it is tau's and
    /// the field holds one of a few words.
    fn states(&self, p: &str, side: Side) -> Option<&'static [&'static str]> {
        let tau = match side {
            Side::Snapshot => self.tau_snapshot,
            Side::Line | Side::Window => self.tau_history,
        };
        let states = match (p, side) {
            ("health_state", _) => TAU_HEALTH_STATES,
            ("rollout_gate", Side::Snapshot) => TAU_ROLLOUT_GATE,
            _ => return None,
        };
        tau.then_some(states)
    }

    /// `value in [literals]` that lists every value its field holds: true at every rollout
    /// (`rollout_gate in ["pass", "hold"]` passes while tau holds the rollout).
    fn every_state(
        &self,
        value: &Expression,
        elements: &[Expression],
        side: Side,
        scope: &[(&str, bool)],
        out: &mut Vec<String>,
    ) {
        let Some(p) = path(value) else {
            return;
        };
        if scope.iter().any(|(v, _)| *v == head(&p)) {
            return;
        }
        let Some(states) = self.states(&p, side) else {
            return;
        };
        let written: Vec<&str> = elements.iter().filter_map(string).collect();
        if states.iter().all(|s| written.contains(s)) {
            out.push(format!(
                "`{p} in [...]` lists every value tau writes there ({}), so it is true at every rollout{}",
                listed(states),
                if p == "rollout_gate" {
                    ": the gate passes while tau holds the rollout; ask for `rollout_gate == \"pass\"`"
                } else {
                    ""
                }
            ));
        }
    }

    /// Whether `e` is the list of reason codes of what `side` reads.
    fn is_codes(&self, e: &Expression, side: Side) -> bool {
        let wanted = match side {
            Side::Snapshot => "last_reason_codes",
            Side::Line => "reason_codes",
            Side::Window => return false,
        };
        path(e).as_deref() == Some(wanted)
    }

    /// A reason code the gate looks for.
    fn code(&self, code: &str, out: &mut Vec<String>) {
        let (known, whose): (Vec<&str>, &str) = match &self.codes {
            Codes::Declared(list) => (
                list.iter().map(String::as_str).collect(),
                "`rollout.reason_codes` does not list",
            ),
            Codes::Tau => (TAU_CODES.to_vec(), "tau's dashboard runtime never writes"),
            Codes::Unknown => {
                out.push(format!(
                    "reason code \"{code}\" cannot be checked: the history is not tau's (`rollout.timestamp` names another producer's field), so list the codes that producer writes in `rollout.reason_codes`; a misspelt code is never found, and a gate counting it would answer the same at every rollout"
                ));
                return;
            }
        };
        if !known.contains(&code) {
            out.push(format!(
                "{whose} the reason code \"{code}\"{}: a code that never appears is never found, so the gate would answer the same at every rollout (the codes: {}){}",
                did_you_mean(code, &known),
                listed(&known),
                match self.codes {
                    Codes::Tau => "; if your producer writes other codes, list them in `rollout.reason_codes`",
                    _ => "",
                },
            ));
        }
    }

    /// A field path the gate reads (no loop variable).
    fn field(&self, p: &str, side: Side, out: &mut Vec<String>) {
        let head = head(p);
        // The rewrite's own variables (`__q0`) are no fields of the producer.
        if head.starts_with("__") {
            return;
        }
        match side {
            Side::Snapshot if self.tau_snapshot => {
                if let Some(("health", rest)) = p.split_once('.') {
                    let field = rest.split('.').next().unwrap_or(rest);
                    if !TAU_HEALTH.contains(&field) {
                        out.push(format!(
                            "tau's snapshot has no `health.{field}`{}: the gate would hold at every rollout (`health` holds {})",
                            did_you_mean(field, TAU_HEALTH),
                            listed(TAU_HEALTH),
                        ));
                    }
                } else if let Some(near) = near_miss(head, TAU_STATUS) {
                    out.push(format!(
                        "tau's snapshot has no field `{head}`; did you mean `{near}`? The gate would hold at every rollout"
                    ));
                } else if TAU_HEALTH.contains(&head) && !TAU_STATUS.contains(&head) {
                    out.push(format!(
                        "tau's snapshot keeps `{head}` under `health`: did you mean `health.{head}`? The gate would hold at every rollout"
                    ));
                } else if TAU_CYCLE.contains(&head) && !TAU_STATUS.contains(&head) {
                    out.push(format!(
                        "`{head}` is a field of tau's cycle reports, not of its snapshot: read it over the history, with a `window` (`sum({head})`, `max({head})`); the gate would hold at every rollout"
                    ));
                }
            }
            Side::Line if self.tau_history => {
                if TAU_CYCLE.contains(&head) {
                    return;
                }
                if let Some(near) = near_miss(head, TAU_CYCLE) {
                    out.push(format!(
                        "tau's cycle reports have no field `{head}`; did you mean `{near}`? The gate would hold at every rollout"
                    ));
                } else if TAU_CODES.contains(&head) {
                    out.push(format!(
                        "`{head}` is a reason code, not a field of tau's cycle reports: quote it (`count_reason(\"{head}\")`, `max_stall(\"{head}\")`)"
                    ));
                } else if TAU_STATUS.contains(&head) {
                    out.push(format!(
                        "`{head}` is a field of tau's snapshot, not of its cycle reports: a gate with a `window` reads the cycle reports (`health_state`, `failure_streak`, `backlog_cases`, ...); the gate would hold at every rollout"
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The first of tau's numeric fields in a status snapshot (`path = value`) that holds
/// anything but an unsigned integer: tau writes each as a `usize` count or `u64`
/// milliseconds (`TransportHealthSnapshot`, `DashboardStatusInspectReport`), so a snapshot
/// with `queue_depth: -5` or `failure_streak: "0"` was not written by tau as it is.
pub fn tau_status_not_unsigned(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    let top = TAU_STATUS_COUNTS.iter().map(|f| (*f, fields.get(*f)));
    let health = fields.get("health");
    let nested = TAU_HEALTH
        .iter()
        .map(|f| (*f, health.and_then(|h| h.get(*f))));
    let named = |prefix: &'static str| {
        move |(f, v): (&str, Option<&serde_json::Value>)| {
            not_unsigned(v).then(|| {
                format!(
                    "{prefix}{f} = {}",
                    v.map_or_else(String::new, ToString::to_string)
                )
            })
        }
    };
    top.filter_map(named(""))
        .chain(nested.filter_map(named("health.")))
        .next()
}

/// The first of tau's numeric fields in a cycle report (`name = value`) that holds anything
/// but an unsigned integer (see [`tau_status_not_unsigned`]).
pub fn tau_cycle_not_unsigned(
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Option<String> {
    // Read for every line of a history: most values are counts, and an unsigned one needs no
    // look at its name.
    fields
        .iter()
        .filter(|(_, v)| v.as_u64().is_none())
        .find(|(f, _)| TAU_CYCLE.contains(&f.as_str()) && !TAU_CYCLE_TEXT.contains(&f.as_str()))
        .map(|(f, v)| format!("{f} = {v}"))
}

/// A value that is there and is not an unsigned integer.
fn not_unsigned(v: Option<&serde_json::Value>) -> bool {
    v.is_some_and(|v| v.as_u64().is_none())
}

/// `rollout.reason_codes` entries one slip from a code tau writes, for a history that is tau's
/// (no `timestamp`): each index with its message. Listing a misspelt code there is what a
/// refused gate invites, and would let the gate count it (never found) again.
pub fn declared_slips(rollout: &Rollout) -> Vec<(usize, String)> {
    let (None, Some(codes)) = (&rollout.timestamp, &rollout.reason_codes) else {
        return Vec::new();
    };
    codes
        .iter()
        .enumerate()
        .filter_map(|(i, code)| {
            let near = near_miss(code, TAU_CODES)?;
            Some((
                i,
                format!(
                    "`rollout.reason_codes` lists \"{code}\", one slip from tau's `{near}`: tau writes `{near}`, so a gate counting \"{code}\" never finds one and answers the same at every rollout"
                ),
            ))
        })
        .collect()
}

/// The dotted path of an identifier or a chain of field selections (`health.queue_depth`).
pub(super) fn path(e: &Expression) -> Option<String> {
    match &e.expr {
        Ast::Ident(name) => Some(name.clone()),
        Ast::Select(s) => path(&s.operand).map(|p| format!("{p}.{}", s.field)),
        _ => None,
    }
}

/// The first segment of a dotted path.
fn head(path: &str) -> &str {
    path.split('.').next().unwrap_or(path)
}

/// The text of a string literal.
pub(super) fn string(e: &Expression) -> Option<&str> {
    match &e.expr {
        Ast::Literal(LiteralValue::String(s)) => Some(s.inner()),
        _ => None,
    }
}

/// A known name `word` is a slip of: the same but for case, or one or two edits away.
fn near_miss<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    if known.contains(&word) {
        return None;
    }
    closest(word, known, |d, k| d == 0 || (d <= 2 && k.len() >= 5))
}

fn listed(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each problem once, in the order found.
fn finish(mut out: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(p.clone()));
    out
}

#[cfg(test)]
mod tests;
