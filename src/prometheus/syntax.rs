//! PromQL as launchgate reads it: parsed within bounds, and asked whether it selects any
//! series. A gate whose query cannot parse is a configuration error that `launchgate check`
//! reports before any rollout ([`crate::gate::compile::findings`]), not something to find out
//! at gate time.

use promql_parser::parser::Expr;

pub use age::Toward;
pub(crate) use age::{ages, held_for};
pub use reads::{Reads, reads};
pub use said::{Compared, Scale, contradiction, scale_of};

/// Core item of PromQL syntax errors.
pub const ITEM: &str = "LG-PROMQL";

/// Deepest bracket nesting (`(`, `[`, `{`) launchgate hands the PromQL parser.
pub const MAX_NESTING: usize = 256;

/// Most operators launchgate hands the PromQL parser in one query.
pub const MAX_OPERATORS: usize = 1_000;

/// Why a query was not parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Unparsed {
    /// The parser refused it: it is not PromQL.
    Invalid(String),
    /// It is beyond [`MAX_NESTING`] or [`MAX_OPERATORS`], so launchgate did not parse it.
    TooComplex(String),
}

impl std::fmt::Display for Unparsed {
    /// What is wrong with the query, as the rest of a sentence starting "the query".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unparsed::Invalid(why) => write!(f, "is not valid PromQL: {why}"),
            Unparsed::TooComplex(why) => f.write_str(why),
        }
    }
}

/// `query` parsed, or why not.
pub fn parse(query: &str) -> Result<Expr, Unparsed> {
    // The parser recurses, and slows down quadratically on long operator chains (60,000 `+`
    // took 48 s; 30,000 nested `sum(` overflowed the stack, which aborts): queries beyond any
    // real one are refused before it sees them.
    if let Some(why) = too_complex(query) {
        return Err(Unparsed::TooComplex(why));
    }
    // The parser is third-party code fed user text: a panic in it must not stop the run.
    let parsed = std::panic::catch_unwind(|| promql_parser::parser::parse(query));
    match parsed {
        Ok(Ok(expr)) => Ok(expr),
        Ok(Err(e)) => Err(Unparsed::Invalid(e.trim().to_string())),
        Err(_) => Err(Unparsed::Invalid(
            "the PromQL parser could not read it".into(),
        )),
    }
}

/// What is wrong with `query`, if anything.
pub fn problem(query: &str) -> Option<Unparsed> {
    parse(query).err()
}

/// Word operators of PromQL.
fn is_word_operator(word: &str) -> bool {
    matches!(word, "and" | "or" | "unless" | "atan2")
}

/// Why `query` is beyond what launchgate parses, if it is: brackets nested deeper than
/// [`MAX_NESTING`] or more than [`MAX_OPERATORS`] operators, counted outside strings and
/// comments.
fn too_complex(query: &str) -> Option<String> {
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    let mut word = String::new();
    let mut chars = query.chars();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        operators += usize::from(is_word_operator(&word));
        word.clear();
        match c {
            '#' => {
                chars.by_ref().find(|&c| c == '\n');
            }
            '"' | '\'' | '`' => {
                while let Some(s) = chars.next() {
                    if s == '\\' && c != '`' {
                        chars.next();
                    } else if s == c {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '+' | '-' | '*' | '/' | '%' | '^' | '<' | '>' | '=' | '!' => operators += 1,
            _ => {}
        }
    }
    operators += usize::from(is_word_operator(&word));
    if deepest > MAX_NESTING {
        return Some(format!(
            "nests brackets {deepest} levels deep; launchgate reads queries at most {MAX_NESTING} deep"
        ));
    }
    (operators > MAX_OPERATORS).then(|| {
        format!("has {operators} operators; launchgate reads queries with at most {MAX_OPERATORS}")
    })
}

/// Whether a recorded series (by its name) is never negative, as its recording rule says.
type Known<'k> = &'k dyn Fn(&str) -> bool;

/// Whether a recording rule's `expr` never has a value below zero (a rate, a ratio of rates):
/// alerts over the series it records are then read as over the `expr` itself.
pub fn never_negative_recorded(expr: &Expr) -> bool {
    never_negative(expr, &|_| false)
}

/// Whether `expr` returns samples (`true`: whenever its series exist, `false`: never) because
/// it compares something never negative with a number at or below zero: `rate(x[5m]) < 0`
/// never fires, and `increase(x[1h]) >= 0` always does. Looks through parentheses and the
/// set operators: `and` returns nothing when either side does, `unless` when its left side
/// does, and `or` returns every series of a side that returns them all. With `switches`, a
/// side that reads no series (`vector(1)`) counts too; `known` says which recorded series
/// are never negative.
fn decided(expr: &Expr, switches: bool, known: Known) -> Option<bool> {
    if switches && let Some(present) = constant_presence(expr) {
        return Some(present);
    }
    let Expr::Binary(b) = unparen(expr) else {
        return None;
    };
    let op = b.op.to_string();
    let decided_by_sign = |e: &Expr| decided(e, switches, known);
    let sides = || (decided_by_sign(&b.lhs), decided_by_sign(&b.rhs));
    match op.as_str() {
        "and" => {
            return match sides() {
                (Some(false), _) | (_, Some(false)) => Some(false),
                _ => None,
            };
        }
        // `unless on()` matches every series of the left side with any of the right one:
        // with a right side that always returns one (`unless on() vector(1)`, a way to
        // switch an alert off), nothing is left.
        "unless"
            if (matches_everything(b) || label_free(&b.lhs))
                && decided_by_sign(&b.rhs) == Some(true) =>
        {
            return Some(false);
        }
        "unless" => return decided_by_sign(&b.lhs).filter(|fires| !fires),
        "or" => {
            return match sides() {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
        }
        _ => {}
    }
    if b.modifier.as_ref().is_some_and(|m| m.return_bool) {
        return None;
    }
    let (side, limit, op) = match (unparen(&b.lhs), unparen(&b.rhs)) {
        (side, Expr::NumberLiteral(n)) => (side, n.val, op.as_str()),
        (Expr::NumberLiteral(n), side) => (side, n.val, mirrored(&op)?),
        _ => return None,
    };
    if !never_negative(side, known) || limit.is_nan() || limit > 0.0 {
        return None;
    }
    // Every value is at or above zero, so at or above `limit`: decided unless the
    // comparison answers differently at `limit` itself and above it.
    let holds = |x: f64| compare(x, op, limit);
    let at = holds(0.0)?;
    if limit < 0.0 || holds(1.0) == Some(at) {
        Some(at)
    } else {
        None
    }
}

/// Whether `expr` reads no series and no clock and so always returns a sample (`vector(1)`,
/// `sum(vector(1))`) or never does (`vector(0) > 1`): the switches written into alerts to
/// mute or force them (`... and on() vector(0) > 1`).
fn constant_presence(expr: &Expr) -> Option<bool> {
    match unparen(expr) {
        e @ Expr::Call(_) => vector_literal(e).map(|_| true),
        Expr::Aggregate(a) if a.param.is_none() => constant_presence(&a.expr),
        Expr::Binary(b) if b.op.is_comparison_operator() => {
            if b.modifier.as_ref().is_some_and(|m| m.return_bool) {
                return None;
            }
            let op = b.op.to_string();
            match (vector_literal(&b.lhs), unparen(&b.rhs), unparen(&b.lhs)) {
                (Some(x), Expr::NumberLiteral(n), _) => compare(x, &op, n.val),
                (None, r, Expr::NumberLiteral(n)) => {
                    compare(vector_literal(r)?, mirrored(&op)?, n.val)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Functions applied to each sample of their vector argument, its labels kept.
const ELEMENTWISE: &[&str] = &[
    "abs",
    "ceil",
    "floor",
    "round",
    "sqrt",
    "exp",
    "ln",
    "log2",
    "log10",
    "clamp",
    "clamp_min",
    "clamp_max",
];

/// Functions besides [`ELEMENTWISE`] whose result has a sample wherever their vector
/// argument has one.
const VALUE_FUNCTIONS: &[&str] = &[
    "sgn",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "sum_over_time",
    "last_over_time",
    "quantile_over_time",
];

/// The side of an `or` that reads no series (`vector(0)`), written out, when it makes the
/// whole of `expr` return a sample whatever Prometheus holds: `sum(rate(errors_total[5m])) or
/// vector(0)` returns 0 with no errors counted, and also when the service is not scraped at
/// all, where an empty result would have held a gate. A ratio keeps the fallback's answer
/// only if its other side has one too: `(errors or vector(0)) / requests` is empty without
/// requests.
pub fn constant_fallback(expr: &Expr) -> Option<String> {
    match unparen(expr) {
        Expr::Binary(b) if b.op.to_string() == "or" => [&b.lhs, &b.rhs]
            .into_iter()
            .find(|side| constant_presence(side) == Some(true))
            .map(|side| unparen(side).to_string())
            .or_else(|| constant_fallback(&b.lhs))
            .or_else(|| constant_fallback(&b.rhs)),
        Expr::Binary(b) => {
            let filters = b.op.is_comparison_operator()
                && !b.modifier.as_ref().is_some_and(|m| m.return_bool);
            if filters || matches!(b.op.to_string().as_str(), "and" | "unless") {
                return None;
            }
            match (unparen(&b.lhs), unparen(&b.rhs)) {
                (Expr::NumberLiteral(_), side) | (side, Expr::NumberLiteral(_)) => {
                    constant_fallback(side)
                }
                (l, r) => constant_fallback(r).and(constant_fallback(l)),
            }
        }
        Expr::Aggregate(a) => constant_fallback(&a.expr),
        Expr::Unary(u) => constant_fallback(&u.expr),
        Expr::Subquery(q) => constant_fallback(&q.expr),
        Expr::Call(c)
            if ELEMENTWISE.contains(&c.func.name) || VALUE_FUNCTIONS.contains(&c.func.name) =>
        {
            c.args.args.iter().find_map(|a| constant_fallback(a))
        }
        _ => None,
    }
}

/// The number of a `vector(<number>)`.
fn vector_literal(e: &Expr) -> Option<f64> {
    match unparen(e) {
        Expr::Call(c) if c.func.name == "vector" => match c.args.args.first().map(|a| unparen(a)) {
            Some(Expr::NumberLiteral(n)) => Some(n.val),
            _ => None,
        },
        _ => None,
    }
}

/// `x op limit` for a comparison operator (`None` for any other).
fn compare(x: f64, op: &str, limit: f64) -> Option<bool> {
    Some(match op {
        "<" => x < limit,
        "<=" => x <= limit,
        ">" => x > limit,
        ">=" => x >= limit,
        "==" => x == limit,
        "!=" => x != limit,
        _ => return None,
    })
}

/// Whether every series `e` returns has no labels (`sum(rate(x[5m])) / sum(rate(y[5m]))`), so
/// it matches `vector(1)`'s empty label set whatever the matching says.
fn label_free(e: &Expr) -> bool {
    match unparen(e) {
        Expr::Aggregate(a) => match &a.modifier {
            None => true,
            Some(promql_parser::parser::LabelModifier::Include(l)) => l.labels.is_empty(),
            Some(_) => false,
        },
        Expr::Call(c) => match c.func.name {
            "vector" => true,
            name if ELEMENTWISE.contains(&name) => {
                c.args.args.first().is_some_and(|a| label_free(a))
            }
            _ => false,
        },
        // A vector side keeps its labels; between two vectors, the left side's are kept
        // (`group_left` and `group_right` add the other side's: not label-free).
        Expr::Binary(b) => match (unparen(&b.lhs), unparen(&b.rhs)) {
            (Expr::NumberLiteral(_), side) | (side, Expr::NumberLiteral(_)) => label_free(side),
            (l, r) => {
                let set = matches!(b.op.to_string().as_str(), "and" | "unless");
                label_free(l) && (set || label_free(r))
            }
        },
        _ => false,
    }
}

/// Whether a binary operation matches on no label at all (`on()`), so any series of one side
/// matches every series of the other.
fn matches_everything(b: &promql_parser::parser::BinaryExpr) -> bool {
    matches!(
        b.modifier.as_ref().and_then(|m| m.matching.as_ref()),
        Some(promql_parser::parser::LabelModifier::Include(l)) if l.labels.is_empty()
    )
}

/// Why `expr` as an alerting rule has the same answer whatever its series hold, when its form
/// says so: a comparison with zero or less ([`decided`]), or a comparison with
/// `bool` at the top, which returns 0 or 1 for every series instead of keeping those that
/// cross the threshold, so every series is an alert at every evaluation.
pub fn decided_alert(expr: &Expr) -> Option<&'static str> {
    decided_alert_over(expr, &|_| false)
}

/// [`decided_alert`], with the series recording rules record read as their `expr` (`known`
/// says which are never negative): `job:failure_ratio:rate10m < 0` never fires either.
pub fn decided_alert_over(expr: &Expr, known: Known) -> Option<&'static str> {
    if let Expr::Binary(b) = unparen(expr)
        && b.op.is_comparison_operator()
        && b.modifier.as_ref().is_some_and(|m| m.return_bool)
    {
        return Some(
            "compares with `bool`, which turns every series into a 0 or a 1 instead of keeping those that cross the threshold, so it fires at every evaluation",
        );
    }
    if constant_presence(expr).is_some() {
        // It reads no series at all, which is a finding of its own.
        return None;
    }
    let by_sign = decided(expr, false, known);
    if by_sign.is_none()
        && let Some(fires) = decided(expr, true, known)
    {
        return Some(if fires {
            "returns a sample at every evaluation through a part that reads no series (`or vector(1)`), so it fires always"
        } else {
            "is switched off by a part that reads no series (`unless on() vector(1)`, `and on() vector(0) > 1`), so it never fires"
        });
    }
    if by_sign.is_none() && share::never_passes(expr) == Some(false) {
        return Some(
            "compares a share (a part of a total's rate over the total's: never above 1, nor above 100 as a percentage) with a number it cannot pass, so it never fires",
        );
    }
    by_sign.map(|fires| {
        if fires {
            "compares what is never below zero (a rate, an increase, a count, or a series recorded from one) with zero or less, so it fires whenever its series exist"
        } else {
            "compares what is never below zero (a rate, an increase, a count, or a series recorded from one) with zero or less, so it never fires"
        }
    })
}

/// Why a panel's query `expr` draws nothing of the series it names, when its form says so: it
/// reads them only at a fixed time (`x @ 1700000000`, pasted from a graph), or a part that
/// reads no series switches it off (`x and on() vector(0) > 1`, `x unless on() vector(1)`).
pub fn charts_nothing(expr: &Expr) -> Option<&'static str> {
    if !reads(expr).series {
        return Some(
            "reads its series only at a fixed time (`@`) or not at all, so it draws the same line whatever the service does",
        );
    }
    (decided(expr, true, &|_| false) == Some(false)).then_some(
        "is switched off by a part that reads no series (`and on() vector(0) > 1`, `unless on() vector(1)`), so it draws nothing",
    )
}

/// The series an alert `expr` compares as it stands (`sum(errors_total) > 5`), not through a
/// `rate`, an `increase` or another function: a running total, when it is a counter.
pub fn raw_series(expr: &Expr) -> Option<String> {
    counter::raw_series(expr)
}

/// The comparison with a number at the top of an alert's `expr`, as its text can be held to
/// it (see [`contradiction`]).
pub fn compared(expr: &Expr) -> Option<Compared> {
    said::compared(expr)
}

/// The comparison that answers the same with its sides swapped.
fn mirrored(op: &str) -> Option<&'static str> {
    Some(match op {
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        "==" => "==",
        "!=" => "!=",
        _ => return None,
    })
}

fn unparen(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

/// Whether `e` never has a value below zero: a rate, an increase, a count, and sums,
/// averages, extremes, products and quotients of those.
fn never_negative(e: &Expr, known: Known) -> bool {
    let never_negative = |e: &Expr| never_negative(e, known);
    match unparen(e) {
        Expr::NumberLiteral(n) => n.val >= 0.0,
        Expr::VectorSelector(vs) => vs.name.as_deref().is_some_and(known),
        Expr::Call(c) => match c.func.name {
            "rate" | "irate" | "increase" | "count_over_time" | "changes" | "resets" | "abs"
            | "absent" | "absent_over_time" | "present_over_time" => true,
            "ceil" | "floor" | "round" | "clamp_min" | "sqrt" => {
                c.args.args.first().is_some_and(|a| never_negative(a))
            }
            _ => false,
        },
        Expr::Aggregate(a) => match a.op.to_string().as_str() {
            "count" | "count_values" | "group" => true,
            "sum" | "avg" | "max" | "min" | "topk" | "bottomk" | "quantile" => {
                never_negative(&a.expr)
            }
            _ => false,
        },
        Expr::Binary(b) => match b.op.to_string().as_str() {
            "+" | "*" | "/" | "or" => never_negative(&b.lhs) && never_negative(&b.rhs),
            "and" | "unless" => never_negative(&b.lhs),
            // A filtering comparison keeps the left side's values.
            "<" | "<=" | ">" | ">=" | "==" | "!="
                if !b.modifier.as_ref().is_some_and(|m| m.return_bool) =>
            {
                never_negative(&b.lhs)
            }
            _ => false,
        },
        _ => false,
    }
}

mod age;
mod counter;
mod reads;
mod said;
mod share;
#[cfg(test)]
mod tests;
