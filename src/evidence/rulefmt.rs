//! Prometheus's own checks of a rule file (its `rulefmt` package, run by `promtool check rules`
//! and by every reload): a file that fails any of them is refused whole, so none of its alerts
//! would exist however well they read.
//!
//! A Prometheus Operator `PrometheusRule` resource holds the same groups under `spec`; the
//! operator checks them with the same `rulefmt` (its `ValidateRule`) once it has blanked each
//! group's `partial_response_strategy` and turned an empty `interval` or `for` into none.

use std::collections::{HashMap, HashSet};

use crate::prometheus::syntax::Unparsed;
use crate::source::Span;
use crate::yaml::{Kind, Node};

mod template;

/// The keys Prometheus decodes; any other is an error (it decodes with known fields only).
const FILE_KEYS: &[&str] = &["groups"];
const GROUP_KEYS: &[&str] = &[
    "name",
    "interval",
    "query_offset",
    "limit",
    "rules",
    "labels",
];
const RULE_KEYS: &[&str] = &[
    "record",
    "alert",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

/// What holds the rule groups, and so whose reading of them applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Prometheus rule file: the groups are the file, read by Prometheus.
    RuleFile,
    /// A `PrometheusRule` resource: the groups are its `spec`, read by the Prometheus Operator.
    Resource,
}

/// The `apiVersion` of the `PrometheusRule` resources launchgate reads.
const OPERATOR_API: &str = "monitoring.coreos.com/v1";

/// Where a rule file keeps its groups, and who reads them: the file itself, or the `spec` of a
/// `PrometheusRule` resource (`kind: PrometheusRule`, which Prometheus would refuse as an
/// unknown key, so the two never overlap).
pub fn groups_holder(doc: &Node) -> Result<(&Node, Format), Problem> {
    if !matches!(doc.get("kind").map(|k| &k.kind), Some(Kind::Str(k)) if k == "PrometheusRule") {
        return Ok((doc, Format::RuleFile));
    }
    match doc.get("apiVersion") {
        Some(v) if matches!(&v.kind, Kind::Str(api) if api == OPERATOR_API) => {}
        found => {
            return Err(Problem {
                at: found.unwrap_or(doc).span,
                message: format!(
                    "a PrometheusRule needs `apiVersion: {OPERATOR_API}`, the version launchgate reads"
                ),
                limit: false,
            });
        }
    }
    match doc.get("spec") {
        Some(spec) if matches!(spec.kind, Kind::Map(_)) => Ok((spec, Format::Resource)),
        found => Err(Problem {
            at: found.unwrap_or(doc).span,
            message: "the PrometheusRule has no `spec` mapping holding its `groups`".into(),
            limit: false,
        }),
    }
}

/// Problems reported per file at most: the first ones say what to fix.
const MAX_PROBLEMS: usize = 20;

/// Why Prometheus refuses a rule file, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The node at fault.
    pub at: Span,
    /// What is wrong, in Prometheus's terms.
    pub message: String,
    /// A limit of launchgate's (a query too deep to parse), not a check of Prometheus's.
    pub limit: bool,
}

/// What Prometheus's checks of a holder of groups found.
#[derive(Debug, Default)]
pub struct Checked {
    /// Every reason Prometheus (or the operator) would refuse the groups (at most
    /// [`MAX_PROBLEMS`]); none for groups it loads.
    pub problems: Vec<Problem>,
    /// Byte offsets of the rules' `expr` values that select no series: constant expressions,
    /// which Prometheus loads but which never change with what they should watch.
    pub constant: HashSet<usize>,
    /// How old the data each rule's `expr` reads is (its largest `offset`, in milliseconds),
    /// by the byte offset of the `expr` value; absent for none.
    pub lags: HashMap<usize, u64>,
    /// Why a rule's `expr` has the same answer whatever its series hold, by the byte offset of
    /// the `expr` value (see [`crate::prometheus::syntax::decided_alert`]).
    pub answered: HashMap<usize, &'static str>,
    /// The metric names each rule's `expr` selects, by the byte offset of the `expr` value.
    pub metrics: HashMap<usize, Vec<String>>,
    /// The comparison with a number at the top of each alert's `expr`, by the byte offset of
    /// the `expr` value.
    pub compared: HashMap<usize, crate::prometheus::syntax::Compared>,
    /// The series each alert's `expr` compares as it stands, by the byte offset of the `expr`
    /// value (see [`crate::prometheus::syntax::raw_series`]).
    pub raw: HashMap<usize, String>,
    /// The times from now each alert's `expr` compares anywhere (`time() - x > 1800`: 1800),
    /// in seconds, by the byte offset of the `expr` value; absent for none.
    pub ages: HashMap<usize, Vec<f64>>,
    /// The series the groups' recording rules write (`record`).
    pub recorded: Vec<String>,
    /// What each recording rule records, by the series it writes: a ratio of rates, that
    /// ratio times 100, a latency in seconds, or anything else.
    pub scales: Vec<(String, crate::prometheus::syntax::Scale)>,
    /// Those of `recorded` whose recording rule may have a value below zero; the others
    /// record a rate or a ratio of rates, and an alert in any file of the service may read
    /// them.
    pub maybe_negative: Vec<String>,
    /// The parsed `expr` of each alert whose form decides nothing by itself, by the byte
    /// offset of the `expr` value: its answer may still depend on what the recording rules
    /// of this and the service's other rule files record.
    pub pending: Vec<(usize, promql_parser::parser::Expr)>,
}

/// What one rule's `expr` reads, when it parses.
struct Read {
    /// Byte offset of the `expr` value.
    at: usize,
    /// It selects no series.
    constant: bool,
    /// The largest `offset` its selectors read at, in milliseconds.
    lag_ms: u64,
    /// Why it has the same answer whatever its series hold, when its form says so.
    answered: Option<&'static str>,
    /// The metric names it selects.
    metrics: Vec<String>,
    /// The comparison with a number at the top of an alert's `expr`.
    compared: Option<crate::prometheus::syntax::Compared>,
    /// The series an alert's `expr` compares as it stands.
    raw: Option<String>,
    /// The times from now an alert's `expr` compares, in seconds.
    ages: Vec<f64>,
    /// The parsed `expr`, kept while its answer may still depend on recording rules (an
    /// alert's, when its own form decides nothing).
    pending: Option<promql_parser::parser::Expr>,
    /// A recording rule's `expr` never has a value below zero.
    never_negative: bool,
    /// What a recording rule's `expr` is, as its number is written.
    scale: crate::prometheus::syntax::Scale,
}

/// Runs Prometheus's checks over the groups `doc` holds, parsing each rule's `expr` once.
pub fn check(doc: &Node, format: Format) -> Checked {
    let mut checked = Checked::default();
    let out = &mut checked.problems;
    let holder = match format {
        Format::RuleFile => "the file",
        Format::Resource => "`spec`",
    };
    unknown_keys(doc, FILE_KEYS, holder, out);
    let Some(Kind::Seq(groups)) = doc.get("groups").map(|g| &g.kind) else {
        return checked;
    };
    let mut names = HashSet::new();
    for (g, group) in groups.iter().enumerate() {
        let shown = format!("group {}", g + 1);
        if !matches!(group.kind, Kind::Map(_)) {
            push(
                out,
                group,
                format!("{shown} is a {}, not a mapping", group.type_name()),
            );
            continue;
        }
        let shown = match text(group.get("name")) {
            Ok(name) if !name.is_empty() => {
                if !names.insert(name.clone()) {
                    push(
                        out,
                        group,
                        format!("group name `{name}` is repeated in the file"),
                    );
                }
                format!("group `{name}`")
            }
            Ok(_) => {
                push(out, group, format!("{shown} has no `name`"));
                shown
            }
            Err(found) => {
                push(out, group, format!("{shown}: `name` is a {found}"));
                shown
            }
        };
        match format {
            Format::RuleFile => unknown_keys(group, GROUP_KEYS, &shown, out),
            Format::Resource => {
                let known = [GROUP_KEYS, &["partial_response_strategy"]].concat();
                unknown_keys(group, &known, &shown, out);
                partial_response(group, &shown, out);
            }
        }
        for key in ["interval", "query_offset"] {
            duration(group, key, &shown, format, out);
        }
        if let Some(limit) = group.get("limit")
            && !matches!(limit.kind, Kind::Int(_) | Kind::Null)
        {
            push(out, limit, format!("{shown}: `limit` must be an integer"));
        }
        string_map(group, "labels", &shown, out);
        match group.get("rules").map(|r| (r, &r.kind)) {
            None | Some((_, Kind::Null)) => {}
            Some((_, Kind::Seq(rules))) => {
                for (r, rule) in rules.iter().enumerate() {
                    let shown = format!("{shown}, rule {}", r + 1);
                    let (read, record) = rule_problems(rule, &shown, format, out);
                    if let Some(series) = &record
                        && !read.as_ref().is_some_and(|r| r.never_negative)
                    {
                        checked.maybe_negative.push(series.clone());
                    }
                    if let Some(mut read) = read {
                        if let Some(series) = &record {
                            checked.scales.push((series.clone(), read.scale));
                        }
                        if let Some(expr) = read.pending.take() {
                            checked.pending.push((read.at, expr));
                        }
                        if read.constant {
                            checked.constant.insert(read.at);
                        }
                        if read.lag_ms > 0 {
                            checked.lags.insert(read.at, read.lag_ms);
                        }
                        if let Some(answer) = read.answered {
                            checked.answered.insert(read.at, answer);
                        }
                        if let Some(compared) = read.compared {
                            checked.compared.insert(read.at, compared);
                        }
                        if let Some(series) = read.raw {
                            checked.raw.insert(read.at, series);
                        }
                        if !read.ages.is_empty() {
                            checked.ages.insert(read.at, read.ages);
                        }
                        checked.metrics.insert(read.at, read.metrics);
                    }
                    checked.recorded.extend(record);
                }
            }
            Some((rules, _)) => push(out, rules, format!("{shown}: `rules` must be a list")),
        }
    }
    checked.problems.truncate(MAX_PROBLEMS);
    checked
}

/// Pushes the rule's problems; returns what its `expr` reads (when it parses) and the series
/// it records (for a recording rule).
fn rule_problems(
    rule: &Node,
    shown: &str,
    format: Format,
    out: &mut Vec<Problem>,
) -> (Option<Read>, Option<String>) {
    if !matches!(rule.kind, Kind::Map(_)) {
        push(
            out,
            rule,
            format!("{shown} is a {}, not a mapping", rule.type_name()),
        );
        return (None, None);
    }
    let field = |key: &str, out: &mut Vec<Problem>| match text(rule.get(key)) {
        Ok(value) => value,
        Err(found) => {
            push(
                out,
                rule.get(key).unwrap_or(rule),
                format!("{shown}: `{key}` is a {found}"),
            );
            String::new()
        }
    };
    let record = field("record", out);
    let alert = field("alert", out);
    let expr = field("expr", out);
    let named = if alert.is_empty() { &record } else { &alert };
    let shown = if named.is_empty() {
        shown.to_string()
    } else {
        format!("{shown} (`{named}`)")
    };
    unknown_keys(rule, RULE_KEYS, &shown, out);
    match (record.is_empty(), alert.is_empty()) {
        (false, false) => push(
            out,
            rule,
            format!("{shown}: only one of `record` and `alert` may be set"),
        ),
        (true, true) => push(
            out,
            rule,
            format!("{shown}: one of `record` or `alert` must be set"),
        ),
        _ => {}
    }
    let expr_at = rule.get("expr").unwrap_or(rule);
    let mut read = None;
    if expr.trim().is_empty() {
        push(out, expr_at, format!("{shown}: `expr` must be set"));
    } else {
        match crate::prometheus::syntax::parse(&expr) {
            Ok(parsed) => {
                let reads = crate::prometheus::syntax::reads(&parsed);
                let answered = crate::prometheus::syntax::decided_alert(&parsed);
                let recording = !record.is_empty();
                read = Some(Read {
                    at: expr_at.span.start.offset,
                    constant: !reads.series,
                    lag_ms: reads.lag_ms,
                    answered,
                    metrics: reads.metrics,
                    compared: (!recording)
                        .then(|| crate::prometheus::syntax::compared(&parsed))
                        .flatten(),
                    raw: (!recording)
                        .then(|| crate::prometheus::syntax::raw_series(&parsed))
                        .flatten(),
                    // Only an expression that asks for the time compares a time from now.
                    ages: if !recording && expr.contains("time") {
                        crate::prometheus::syntax::ages(&parsed)
                    } else {
                        Vec::new()
                    },
                    never_negative: recording
                        && crate::prometheus::syntax::never_negative_recorded(&parsed),
                    scale: if recording {
                        crate::prometheus::syntax::scale_of(&parsed)
                    } else {
                        crate::prometheus::syntax::Scale::Other
                    },
                    pending: (!recording && answered.is_none()).then_some(parsed),
                });
            }
            Err(Unparsed::Invalid(why)) => push(
                out,
                expr_at,
                format!("{shown}: `expr` is not PromQL: {why}"),
            ),
            Err(too_complex) => out.push(Problem {
                at: expr_at.span,
                message: format!("{shown}: `expr` {too_complex}"),
                limit: true,
            }),
        }
    }
    for key in ["for", "keep_firing_for"] {
        duration(rule, key, &shown, format, out);
    }
    string_map(rule, "labels", &shown, out);
    string_map(rule, "annotations", &shown, out);
    if !alert.is_empty() {
        templates(rule, &shown, out);
    }
    if !record.is_empty() {
        let has_annotations = matches!(&rule.get("annotations").map(|a| &a.kind), Some(Kind::Map(e)) if !e.is_empty());
        if has_annotations {
            push(
                out,
                rule,
                format!("{shown}: a recording rule cannot have `annotations`"),
            );
        }
        for key in ["for", "keep_firing_for"] {
            if rule.get(key).is_some_and(|d| !is_zero(d)) {
                push(
                    out,
                    rule,
                    format!("{shown}: a recording rule cannot have `{key}`"),
                );
            }
        }
        if record.contains(['{', '}']) {
            push(
                out,
                rule.get("record").unwrap_or(rule),
                format!("{shown}: braces in a recording rule's name (should they be in `expr`?)"),
            );
        }
    }
    (read, (!record.is_empty()).then_some(record))
}

fn push(out: &mut Vec<Problem>, at: &Node, message: String) {
    out.push(Problem {
        at: at.span,
        message,
        limit: false,
    });
}

/// A scalar as Prometheus decodes it into a string; the kind found otherwise.
pub(super) fn text(node: Option<&Node>) -> Result<String, &'static str> {
    match node.map(|n| &n.kind) {
        None | Some(Kind::Null) => Ok(String::new()),
        Some(Kind::Str(s)) => Ok(s.clone()),
        Some(Kind::Int(i)) => Ok(i.to_string()),
        Some(Kind::Float(f)) => Ok(f.to_string()),
        Some(Kind::Bool(b)) => Ok(b.to_string()),
        Some(other) => Err(match other {
            Kind::Seq(_) => "list",
            _ => "mapping",
        }),
    }
}

fn unknown_keys(node: &Node, known: &[&str], shown: &str, out: &mut Vec<Problem>) {
    let Kind::Map(entries) = &node.kind else {
        return;
    };
    for e in entries.iter().filter(|e| !known.contains(&e.key.as_str())) {
        out.push(Problem {
            at: e.key_span,
            message: format!(
                "{shown}: unknown key `{}` (Prometheus knows {})",
                e.key,
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            limit: false,
        });
    }
}

/// A Prometheus duration (`5m`, `1h30m`, `0`), when the key is set; the operator reads an
/// empty `interval` or `for` as none.
fn duration(node: &Node, key: &str, shown: &str, format: Format, out: &mut Vec<Problem>) {
    let Some(value) = node.get(key) else { return };
    let emptied = format == Format::Resource && matches!(key, "interval" | "for");
    let ok = match &value.kind {
        Kind::Null | Kind::Int(0) => true,
        Kind::Str(s) if s.is_empty() && emptied => true,
        Kind::Str(s) => milliseconds(s).is_some(),
        _ => false,
    };
    if !ok {
        push(
            out,
            value,
            format!("{shown}: `{key}` is not a Prometheus duration (such as `5m` or `1h30m`)"),
        );
    }
}

/// A group's `partial_response_strategy` (Thanos's), which the resource's schema allows as
/// `abort` or `warn` in any case, or empty.
fn partial_response(group: &Node, shown: &str, out: &mut Vec<Problem>) {
    let Some(value) = group.get("partial_response_strategy") else {
        return;
    };
    let ok = match &value.kind {
        Kind::Null => true,
        Kind::Str(s) => ["", "abort", "warn"]
            .iter()
            .any(|v| s.eq_ignore_ascii_case(v)),
        _ => false,
    };
    if !ok {
        push(
            out,
            value,
            format!("{shown}: `partial_response_strategy` must be `abort` or `warn`"),
        );
    }
}

fn is_zero(node: &Node) -> bool {
    match &node.kind {
        Kind::Null | Kind::Int(0) => true,
        Kind::Str(s) => milliseconds(s) == Some(0),
        _ => false,
    }
}

/// A duration as Prometheus reads one (`model.ParseDuration`): `0`, or whole numbers with the
/// units `y w d h m s ms`, each at most once and in that order (`1h30m`, not `30m1h`, `1.5h`
/// or `-5m`). `None` when it is not one, or overflows.
pub(super) fn milliseconds(text: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 7] = [
        ("y", 365 * 86_400_000),
        ("w", 7 * 86_400_000),
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ];
    if text == "0" {
        return Some(0);
    }
    let mut rest = text;
    let mut next_unit = 0;
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return None;
        }
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        // `ms` before `m`: the longest unit that matches.
        let (i, (unit, scale)) = UNITS
            .iter()
            .enumerate()
            .skip(next_unit)
            .filter(|(_, (unit, _))| rest.starts_with(unit))
            .max_by_key(|(_, (unit, _))| unit.len())?;
        rest = &rest[unit.len()..];
        next_unit = i + 1;
        total = total.checked_add(number.checked_mul(*scale)?)?;
    }
    (!text.is_empty()).then_some(total)
}

/// An alert's labels and annotations are Go templates, which Prometheus parses on loading.
fn templates(rule: &Node, shown: &str, out: &mut Vec<Problem>) {
    for (key, singular) in [("labels", "label"), ("annotations", "annotation")] {
        let Some(Kind::Map(entries)) = rule.get(key).map(|m| &m.kind) else {
            continue;
        };
        for e in entries {
            let Kind::Str(value) = &e.value.kind else {
                continue;
            };
            if let Err(why) = template::check(value) {
                push(
                    out,
                    &e.value,
                    format!(
                        "{shown}: {singular} `{}` is not a template Prometheus can parse: {why}",
                        e.key
                    ),
                );
            }
        }
    }
}

/// Labels and annotations: a mapping of names to scalar values.
fn string_map(node: &Node, key: &str, shown: &str, out: &mut Vec<Problem>) {
    match node.get(key).map(|m| (m, &m.kind)) {
        None | Some((_, Kind::Null)) => {}
        Some((_, Kind::Map(entries))) => {
            for e in entries {
                if let Err(found) = text(Some(&e.value)) {
                    push(
                        out,
                        &e.value,
                        format!("{shown}: {key} `{}` is a {found}, not text", e.key),
                    );
                }
            }
        }
        Some((m, _)) => {
            let found = m.type_name();
            push(
                out,
                m,
                format!("{shown}: `{key}` must be a mapping, not a {found}"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
