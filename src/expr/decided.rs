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

/// `||` (absorbing `true`) or `&&` (absorbing `false`) over `args`.
fn absorbed(args: &[Expression], absorbing: bool) -> Option<bool> {
    let values: Vec<Option<bool>> = args.iter().map(decided).collect();
    if values.contains(&Some(absorbing)) {
        Some(absorbing)
    } else if !values.is_empty() && values.iter().all(|v| *v == Some(!absorbing)) {
        Some(!absorbing)
    } else {
        None
    }
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
        ] {
            assert_eq!(of(open), None, "{open}");
        }
    }
}
