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

/// The value `e` has whatever its variables hold (or, for `x == x`, whenever it evaluates),
/// when its operators decide it; `None` when the variables can change it.
pub fn decided(e: &Expression) -> Option<bool> {
    let call = match &e.expr {
        Ast::Literal(LiteralValue::Boolean(b)) => return Some(*b.inner()),
        Ast::Call(c) if c.target.is_none() => c,
        _ => return None,
    };
    let args = call.args.as_slice();
    match (call.func_name.as_str(), args) {
        (operators::LOGICAL_OR, _) => absorbed(args, true),
        (operators::LOGICAL_AND, _) => absorbed(args, false),
        (operators::LOGICAL_NOT, [a]) => decided(a).map(|v| !v),
        (operators::CONDITIONAL, [cond, then, otherwise]) => match decided(cond) {
            Some(true) => decided(then),
            Some(false) => decided(otherwise),
            None => decided(then).filter(|v| decided(otherwise) == Some(*v)),
        },
        (op, [a, b]) => compared(op, a, b),
        _ => None,
    }
}

/// `||` (absorbing `true`) or `&&` (absorbing `false`) over `args`: decided by a literal, or
/// by an operand and its complement among the operands of the whole chain (`x >= 0 || x < 0`,
/// `a && !a`; like `x == x`, whenever it evaluates at all).
fn absorbed(args: &[Expression], absorbing: bool) -> Option<bool> {
    let values: Vec<Option<bool>> = args.iter().map(decided).collect();
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
    if values.contains(&Some(absorbing)) || complementary {
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
    let negated = |n: &Expression, m: &Expression| match &n.expr {
        Ast::Call(c) if c.target.is_none() && c.func_name == operators::LOGICAL_NOT => {
            matches!(c.args.as_slice(), [x] if same(x, m))
        }
        _ => false,
    };
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
    let mirrored = |op: &str| match op {
        operators::LESS => operators::GREATER,
        operators::GREATER => operators::LESS,
        operators::LESS_EQUALS => operators::GREATER_EQUALS,
        operators::GREATER_EQUALS => operators::LESS_EQUALS,
        operators::EQUALS => operators::EQUALS,
        _ => operators::NOT_EQUALS,
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
        || (y.func_name == mirrored(not_x) && same(xa, yb) && same(xb, ya))
}

fn compared(op: &str, a: &Expression, b: &Expression) -> Option<bool> {
    let holds: fn(Ordering) -> bool = match op {
        operators::EQUALS => Ordering::is_eq,
        operators::NOT_EQUALS => Ordering::is_ne,
        operators::LESS => Ordering::is_lt,
        operators::LESS_EQUALS => Ordering::is_le,
        operators::GREATER => Ordering::is_gt,
        operators::GREATER_EQUALS => Ordering::is_ge,
        _ => return None,
    };
    let order = if same(a, b) {
        Ordering::Equal
    } else {
        literal_order(a, b)?
    };
    Some(holds(order))
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
mod tests {
    use super::*;

    fn of(source: &str) -> Option<bool> {
        decided(&crate::expr::Expr::compile(source).unwrap().expression)
    }

    #[test]
    fn a_literal_that_absorbs_an_operator_decides_the_answer() {
        assert_eq!(of(r#"rollout_gate == "pass" || true"#), Some(true));
        assert_eq!(of("true || health.queue_depth <= 1"), Some(true));
        assert_eq!(of("a && b && false"), Some(false));
        assert_eq!(of("a || (b && false) || 1 < 2"), Some(true));
        assert_eq!(of("!(x && false)"), Some(true));
        assert_eq!(of("c ? true : 2 > 1"), Some(true));
        assert_eq!(of("false ? x : true"), Some(true));
    }

    #[test]
    fn a_side_compared_with_itself_decides_the_answer() {
        assert_eq!(
            of("health.failure_streak == health.failure_streak"),
            Some(true)
        );
        assert_eq!(
            of("health.queue_depth >= health.queue_depth || x"),
            Some(true)
        );
        assert_eq!(of(r#"count_reason("a") != count_reason("a")"#), Some(false));
        assert_eq!(of("'b' < 'a'"), Some(false));
    }

    #[test]
    fn an_operand_and_its_complement_decide_the_answer() {
        assert_eq!(
            of("health.queue_depth >= 0 || health.queue_depth < 0"),
            Some(true)
        );
        assert_eq!(of("x > 1 || y || 1 >= x"), Some(true));
        assert_eq!(
            of(r#"rollout_gate == "pass" || rollout_gate != "pass""#),
            Some(true)
        );
        assert_eq!(of("a || (b || !a)"), Some(true));
        assert_eq!(of("!a || a"), Some(true));
        assert_eq!(of("x <= 3 && x > 3"), Some(false));
        assert_eq!(of("a && b && !a"), Some(false));
    }

    #[test]
    fn what_the_variables_can_change_is_not_decided() {
        for open in [
            r#"rollout_gate == "pass" && health_state == "healthy""#,
            "health.failure_streak == 0 && health.queue_depth <= 1",
            "a || false",
            "a && true",
            "c ? true : false",
            "c ? x : true",
            "health.failure_streak == health.queue_depth",
            r#"count_reason("a") == count_reason("b")"#,
            "health.a.b == health.a.c",
            "1 < 2.0",
            "[x] == [y]",
            "x",
            "size(x) > 0",
            "x > 1 || x < 1",
            "x >= 0 || y < 0",
            "x >= 0 && x < 0 || y",
            "(a && b) || !a",
            "a || !b",
        ] {
            assert_eq!(of(open), None, "{open}");
        }
    }
}
