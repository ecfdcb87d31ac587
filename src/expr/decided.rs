//! Expressions whose operators alone decide their answer.
//!
//! `rollout_gate == "pass" || true` reads a status field, so it is not constant as a whole, yet
//! no status can make it false: a gate written that way (to get a rollout through, or by a
//! slip) gates nothing. The answer is decided without the variables when a literal absorbs a
//! logical operator (`x || true`, `x && false`), when a comparison's sides are both literals
//! (`1 < 2`) or the same expression (`x == x`, true whenever it evaluates at all), and through
//! `!` and `?:` over such parts. CEL's `||` and `&&` are commutative even over errors
//! (`error || true` is `true`), so an absorbed operand cannot change the answer either.

use std::cmp::Ordering;

use cel::common::ast::{Expr as Ast, LiteralValue, operators};
use cel::parser::Expression;

/// What a caller knows of a side: the values it can hold, when they are bounded (a count is
/// never below zero; a stall measured in a 60-minute window is never longer than 60 minutes).
pub type Known<'a> = &'a dyn Fn(&Expression) -> Option<Range>;

/// The values a side can hold: from `low` to `high`, both included, compared with literals
/// of one kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// The least.
    pub low: f64,
    /// The greatest (infinite for none).
    pub high: f64,
    /// The literals it compares with.
    pub of: Literal,
}

impl Range {
    /// A count: zero or more, compared with integers.
    pub const COUNT: Range = Range {
        low: 0.0,
        high: f64::INFINITY,
        of: Literal::Int,
    };
}

/// The kind of a literal a comparison bounds a side with (CEL compares each with its own kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Literal {
    /// `3`, `3u`.
    Int,
    /// `3.0`.
    Double,
    /// `duration("5m")`, in seconds.
    Duration,
}

/// The value `e` has whatever its variables hold (or, for `x == x`, whenever it evaluates),
/// when its operators decide it; `None` when the variables can change it. `known` bounds
/// the sides that cannot hold every value: `count >= 0` holds whatever is counted.
pub fn decided(e: &Expression, known: Known) -> Option<bool> {
    let call = match &e.expr {
        Ast::Literal(LiteralValue::Boolean(b)) => return Some(*b.inner()),
        Ast::Call(c) if c.target.is_none() => c,
        _ => return None,
    };
    let args = call.args.as_slice();
    match (call.func_name.as_str(), args) {
        (operators::LOGICAL_OR, _) => absorbed(args, true, known),
        (operators::LOGICAL_AND, _) => absorbed(args, false, known),
        (operators::LOGICAL_NOT, [a]) => decided(a, known).map(|v| !v),
        (operators::CONDITIONAL, [cond, then, otherwise]) => match decided(cond, known) {
            Some(true) => decided(then, known),
            Some(false) => decided(otherwise, known),
            None => decided(then, known).filter(|v| decided(otherwise, known) == Some(*v)),
        },
        (op, [a, b]) => compared(op, a, b).or_else(|| within(e, known)),
        _ => None,
    }
}

/// A part of an expression that changes nothing: a condition of an `&&` that is always true,
/// or of an `||` that is always false (`health.failure_streak >= 0 && health.queue_depth <= 1`:
/// the gate is only what the rest of it asks), or the condition of a `?:` that always picks
/// the same branch (so the other one never gates).
pub struct Idle<'e> {
    /// The condition.
    pub part: &'e Expression,
    /// The value it always has.
    pub value: bool,
    /// The operator it stands beside: `&&`, `||` or `?:`.
    pub within: &'static str,
}

/// The first part of `e`, in order, that changes nothing (see [`Idle`]), wherever it stands:
/// in a chain, under `!`, in a branch of a `?:`, in a function's arguments. Not inside a
/// macro (`list.all(x, ...)`), whose variables may shadow the names `known` knows.
pub fn idle_condition<'e>(e: &'e Expression, known: Known) -> Option<Idle<'e>> {
    let within_args = |args: &'e [Expression]| args.iter().find_map(|a| idle_condition(a, known));
    let call = match &e.expr {
        Ast::Call(c) => c,
        Ast::List(l) => return within_args(&l.elements),
        _ => return None,
    };
    if let Some(target) = &call.target {
        return idle_condition(target, known).or_else(|| within_args(&call.args));
    }
    let (idle, within) = match call.func_name.as_str() {
        operators::LOGICAL_AND => (true, "&&"),
        operators::LOGICAL_OR => (false, "||"),
        operators::CONDITIONAL => {
            let cond = call.args.first()?;
            return match decided(cond, known) {
                Some(value) => Some(Idle {
                    part: cond,
                    value,
                    within: "?:",
                }),
                None => within_args(&call.args),
            };
        }
        _ => return within_args(&call.args),
    };
    let mut operands = Vec::new();
    chain(e, &call.func_name, &mut operands);
    operands.iter().find_map(|a| match decided(a, known) {
        Some(value) if value == idle => Some(Idle {
            part: a,
            value,
            within,
        }),
        _ => idle_condition(a, known),
    })
}

/// `||` (absorbing `true`) or `&&` (absorbing `false`) over `args`: decided by a literal, or
/// by an operand and its complement among the operands of the whole chain (`x >= 0 || x < 0`,
/// `a && !a`; like `x == x`, whenever it evaluates at all).
fn absorbed(args: &[Expression], absorbing: bool, known: Known) -> Option<bool> {
    let values: Vec<Option<bool>> = args.iter().map(|a| decided(a, known)).collect();
    let op = if absorbing {
        operators::LOGICAL_OR
    } else {
        operators::LOGICAL_AND
    };
    let mut operands = Vec::new();
    for a in args {
        chain(a, op, &mut operands);
    }
    let complementary = operands
        .iter()
        .enumerate()
        .any(|(i, a)| operands[i + 1..].iter().any(|b| complement(a, b)));
    if values.contains(&Some(absorbing)) || complementary || ranges_decide(&operands, absorbing) {
        Some(absorbing)
    } else if !values.is_empty() && values.iter().all(|v| *v == Some(!absorbing)) {
        Some(!absorbing)
    } else {
        None
    }
}

/// The operands of a chain of `op` (`a || (b || c)` is `a`, `b`, `c`).
fn chain<'e>(e: &'e Expression, op: &str, out: &mut Vec<&'e Expression>) {
    match &e.expr {
        Ast::Call(c) if c.target.is_none() && c.func_name == op => {
            for a in &c.args {
                chain(a, op, out);
            }
        }
        _ => out.push(e),
    }
}

/// Whether `b` is `!a` (or `a` is `!b`), or the comparison of the same sides that answers the
/// opposite (`x < 1` and `x >= 1`, or `1 <= x`).
fn complement(a: &Expression, b: &Expression) -> bool {
    let negated = |n: &Expression, m: &Expression| not_of(n).is_some_and(|x| same(x, m));
    if negated(a, b) || negated(b, a) {
        return true;
    }
    let opposite = |op: &str| match op {
        operators::EQUALS => Some(operators::NOT_EQUALS),
        operators::NOT_EQUALS => Some(operators::EQUALS),
        operators::LESS => Some(operators::GREATER_EQUALS),
        operators::GREATER_EQUALS => Some(operators::LESS),
        operators::GREATER => Some(operators::LESS_EQUALS),
        operators::LESS_EQUALS => Some(operators::GREATER),
        _ => None,
    };
    let (Ast::Call(x), Ast::Call(y)) = (&a.expr, &b.expr) else {
        return false;
    };
    let (Some(not_x), [xa, xb], [ya, yb]) =
        (opposite(&x.func_name), x.args.as_slice(), y.args.as_slice())
    else {
        return false;
    };
    if x.target.is_some() || y.target.is_some() {
        return false;
    }
    (y.func_name == not_x && same(xa, ya) && same(xb, yb))
        || (Some(y.func_name.as_str()) == mirrored(not_x) && same(xa, yb) && same(xb, ya))
}

/// The operand of `!operand`.
fn not_of(e: &Expression) -> Option<&Expression> {
    match &e.expr {
        Ast::Call(c) if c.target.is_none() && c.func_name == operators::LOGICAL_NOT => {
            match c.args.as_slice() {
                [x] => Some(x),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The comparison that answers the same with its sides swapped (`a < b` is `b > a`).
fn mirrored(op: &str) -> Option<&'static str> {
    match op {
        operators::LESS => Some(operators::GREATER),
        operators::GREATER => Some(operators::LESS),
        operators::LESS_EQUALS => Some(operators::GREATER_EQUALS),
        operators::GREATER_EQUALS => Some(operators::LESS_EQUALS),
        operators::EQUALS => Some(operators::EQUALS),
        operators::NOT_EQUALS => Some(operators::NOT_EQUALS),
        _ => None,
    }
}

/// What a comparison operator asks of the order of its sides.
fn ordering_test(op: &str) -> Option<fn(Ordering) -> bool> {
    match op {
        operators::EQUALS => Some(Ordering::is_eq),
        operators::NOT_EQUALS => Some(Ordering::is_ne),
        operators::LESS => Some(Ordering::is_lt),
        operators::LESS_EQUALS => Some(Ordering::is_le),
        operators::GREATER => Some(Ordering::is_gt),
        operators::GREATER_EQUALS => Some(Ordering::is_ge),
        _ => None,
    }
}

/// Whether comparisons of one side with number literals among `operands` cover every number
/// (`||`: `x > 1 || x < 2`) or leave none (`&&`: `x > 5 && x < 3`). The sets they describe
/// change only at the literals, so testing each literal, a point between each two and one past
/// each end is exact. Over the reals, not the integers: `x >= 2 || x <= 1` misses 1.5, and a
/// status field may hold either.
fn ranges_decide(operands: &[&Expression], covering: bool) -> bool {
    let bounds: Vec<(&Expression, Bound)> = operands.iter().filter_map(|e| bound(e)).collect();
    bounds.iter().enumerate().any(|(i, (side, _))| {
        if bounds[..i].iter().any(|(s, _)| same(s, side)) {
            return false; // this side's group was tested from its first comparison
        }
        let group: Vec<Bound> = bounds[i..]
            .iter()
            .filter(|(s, _)| same(s, side))
            .map(|(_, b)| *b)
            .collect();
        if group.len() < 2 || group.iter().any(|b| b.of != group[0].of) {
            return false;
        }
        let mut at: Vec<f64> = group.iter().map(|b| b.at).collect();
        at.sort_by(f64::total_cmp);
        at.dedup();
        let between = at.windows(2).map(|w| w[0] + (w[1] - w[0]) / 2.0);
        let ends = [at[0] - 1.0, at[at.len() - 1] + 1.0];
        let mut points = at.iter().copied().chain(between).chain(ends);
        if covering {
            points.all(|x| group.iter().any(|b| b.holds(x)))
        } else {
            points.all(|x| !group.iter().all(|b| b.holds(x)))
        }
    })
}

/// `side OP literal`, with the literal a finite number, turned to put the side on the left.
#[derive(Clone, Copy)]
struct Bound {
    holds: fn(Ordering) -> bool,
    at: f64,
    /// The literal's kind (CEL does not compare ints with doubles alike).
    of: Literal,
    /// Written under `!` (`!(x > 1)`): the complement of the comparison.
    negated: bool,
}

impl Bound {
    fn holds(&self, x: f64) -> bool {
        x.partial_cmp(&self.at).is_some_and(self.holds) != self.negated
    }
}

fn bound(e: &Expression) -> Option<(&Expression, Bound)> {
    if let Some(inner) = not_of(e) {
        return bound(inner).map(|(side, b)| {
            let negated = !b.negated;
            (side, Bound { negated, ..b })
        });
    }
    let Ast::Call(c) = &e.expr else { return None };
    let ([a, b], None) = (c.args.as_slice(), &c.target) else {
        return None;
    };
    let number = |e: &Expression| match &e.expr {
        // Past 2^53 an integer is no longer exact as a double; such bounds are left alone.
        Ast::Literal(LiteralValue::Int(i)) if i.inner().unsigned_abs() <= 1 << 53 => {
            Some((*i.inner() as f64, Literal::Int))
        }
        Ast::Literal(LiteralValue::UInt(u)) if *u.inner() <= 1 << 53 => {
            Some((*u.inner() as f64, Literal::Int))
        }
        Ast::Literal(LiteralValue::Double(d)) if d.inner().is_finite() => {
            Some((*d.inner(), Literal::Double))
        }
        Ast::Call(c) => duration_literal(c).map(|secs| (secs, Literal::Duration)),
        _ => None,
    };
    // With the literal on the left, the side's view is the mirrored comparison.
    let (side, (at, of), op) = match (number(a), number(b)) {
        (None, Some(n)) => (a, n, Some(c.func_name.as_str())),
        (Some(n), None) => (b, n, mirrored(&c.func_name)),
        _ => return None,
    };
    let holds = ordering_test(op?)?;
    let negated = false;
    Some((
        side,
        Bound {
            holds,
            at,
            of,
            negated,
        },
    ))
}

/// The seconds of `duration("90m")`, read by CEL itself so that every form it accepts
/// (`1h30m`, `5400s`, `1.5h`) reads the same.
fn duration_literal(c: &cel::common::ast::CallExpr) -> Option<f64> {
    let (None, "duration", [arg]) = (&c.target, c.func_name.as_str(), c.args.as_slice()) else {
        return None;
    };
    if !matches!(&arg.expr, Ast::Literal(LiteralValue::String(_))) {
        return None;
    }
    let call = Expression {
        id: 0,
        expr: Ast::Call(c.clone()),
    };
    match cel::Context::default().resolve(&call) {
        Ok(cel::Value::Duration(d)) => Some(d.num_nanoseconds()? as f64 / 1e9),
        _ => None,
    }
}

fn compared(op: &str, a: &Expression, b: &Expression) -> Option<bool> {
    let holds = ordering_test(op)?;
    let order = if same(a, b) {
        Ordering::Equal
    } else {
        literal_order(a, b)?
    };
    Some(holds(order))
}

/// A side with known bounds compared with a literal of its kind (`count >= 0`,
/// `max_stall("x") < duration("2h")` in a one-hour window): decided when the comparison gives
/// the same answer over the whole range. The answer changes only at the literal, so testing
/// the ends, the literal and a point on each side of it within the range is exact.
fn within(e: &Expression, known: Known) -> Option<bool> {
    let (side, b) = bound(e)?;
    let range = known(side)?;
    if b.of != range.of {
        return None;
    }
    // One point of each part of the range the literal splits it into: below it, at it,
    // above it.
    let above = (b.at < range.high && range.high.is_infinite()).then(|| b.at.max(range.low) + 1.0);
    let at = (range.low..=range.high).contains(&b.at).then_some(b.at);
    let high = range.high.is_finite().then_some(range.high);
    let mut points = [Some(range.low), at, high, above].into_iter().flatten();
    let first = b.holds(points.next()?);
    points.all(|x| b.holds(x) == first).then_some(first)
}

/// The order of two literals of one type; `None` for anything else (CEL's cross-type rules
/// are left to CEL).
fn literal_order(a: &Expression, b: &Expression) -> Option<Ordering> {
    let (Ast::Literal(a), Ast::Literal(b)) = (&a.expr, &b.expr) else {
        return None;
    };
    match (a, b) {
        (LiteralValue::Boolean(x), LiteralValue::Boolean(y)) => Some(x.inner().cmp(y.inner())),
        (LiteralValue::Int(x), LiteralValue::Int(y)) => Some(x.inner().cmp(y.inner())),
        (LiteralValue::UInt(x), LiteralValue::UInt(y)) => Some(x.inner().cmp(y.inner())),
        (LiteralValue::Double(x), LiteralValue::Double(y)) => x.inner().partial_cmp(y.inner()),
        (LiteralValue::String(x), LiteralValue::String(y)) => Some(x.inner().cmp(y.inner())),
        _ => None,
    }
}

/// Whether two expressions are the same as written, node ids aside; `false` when unsure.
fn same(a: &Expression, b: &Expression) -> bool {
    match (&a.expr, &b.expr) {
        (Ast::Ident(x), Ast::Ident(y)) => x == y,
        (Ast::Literal(x), Ast::Literal(y)) => x == y,
        (Ast::Select(x), Ast::Select(y)) => {
            x.field == y.field && x.test == y.test && same(&x.operand, &y.operand)
        }
        (Ast::Call(x), Ast::Call(y)) => {
            x.func_name == y.func_name
                && match (&x.target, &y.target) {
                    (None, None) => true,
                    (Some(s), Some(t)) => same(s, t),
                    _ => false,
                }
                && x.args.len() == y.args.len()
                && x.args.iter().zip(&y.args).all(|(s, t)| same(s, t))
        }
        (Ast::List(x), Ast::List(y)) => {
            x.optional_indices.is_empty()
                && y.optional_indices.is_empty()
                && x.elements.len() == y.elements.len()
                && x.elements.iter().zip(&y.elements).all(|(s, t)| same(s, t))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
