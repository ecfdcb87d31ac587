//! An expression written back out, for messages that quote one part of a larger one.
//!
//! cel keeps no source text per node, so a part is shown from its tree: paths, literals,
//! calls and operators, with parentheses around nested operators. Anything else is not shown.

use cel::common::ast::{Expr as Ast, LiteralValue, operators};
use cel::parser::Expression;

/// `e` as CEL source (`health.failure_streak >= 0`); `None` for what this does not write.
pub fn shown(e: &Expression) -> Option<String> {
    Some(match &e.expr {
        Ast::Ident(name) => name.clone(),
        Ast::Select(s) if !s.test => format!("{}.{}", inside(&s.operand, UNARY)?, s.field),
        Ast::Select(s) => format!("has({}.{})", inside(&s.operand, UNARY)?, s.field),
        Ast::Literal(literal) => match literal {
            LiteralValue::Int(i) => i.inner().to_string(),
            LiteralValue::UInt(u) => format!("{}u", u.inner()),
            LiteralValue::Double(d) => format!("{:?}", d.inner()),
            LiteralValue::String(s) => format!("{:?}", s.inner()),
            LiteralValue::Boolean(b) => b.inner().to_string(),
            _ => return None,
        },
        Ast::Call(c) => {
            let args = c.args.as_slice();
            match (infix(&c.func_name), args, &c.target) {
                (Some((op, level)), [a, b], None) => {
                    // The same operator again on the right groups the other way, except for
                    // the ones whose grouping does not matter.
                    let associative = matches!(op, "&&" | "||" | "+" | "*");
                    let right = if associative { level } else { level + 1 };
                    format!("{} {op} {}", inside(a, level)?, inside(b, right)?)
                }
                _ if c.func_name == operators::LOGICAL_NOT && args.len() == 1 => {
                    format!("!{}", inside(&args[0], UNARY)?)
                }
                _ if c.func_name.starts_with(['_', '@']) => return None,
                _ => {
                    let args = args.iter().map(shown).collect::<Option<Vec<_>>>()?;
                    match &c.target {
                        Some(t) => {
                            format!("{}.{}({})", inside(t, UNARY)?, c.func_name, args.join(", "))
                        }
                        None => format!("{}({})", c.func_name, args.join(", ")),
                    }
                }
            }
        }
        _ => return None,
    })
}

/// How tightly `!` and member access bind: tighter than every infix operator.
const UNARY: u8 = 6;

/// `e` as a part of an operator binding at `level`: parenthesized when it binds looser.
fn inside(e: &Expression, level: u8) -> Option<String> {
    let text = shown(e)?;
    let own = match &e.expr {
        Ast::Call(c) if c.target.is_none() && c.func_name == operators::LOGICAL_NOT => UNARY,
        Ast::Call(c) if c.target.is_none() => infix(&c.func_name).map_or(u8::MAX, |(_, l)| l),
        _ => u8::MAX,
    };
    Some(if own < level {
        format!("({text})")
    } else {
        text
    })
}

/// The infix operator cel names `_>=_`, `_&&_` or `@in`, and how tightly it binds.
fn infix(name: &str) -> Option<(&'static str, u8)> {
    Some(match name {
        operators::LOGICAL_OR => ("||", 1),
        operators::LOGICAL_AND => ("&&", 2),
        operators::EQUALS => ("==", 3),
        operators::NOT_EQUALS => ("!=", 3),
        operators::LESS => ("<", 3),
        operators::LESS_EQUALS => ("<=", 3),
        operators::GREATER => (">", 3),
        operators::GREATER_EQUALS => (">=", 3),
        operators::IN => ("in", 3),
        operators::ADD => ("+", 4),
        operators::SUBSTRACT => ("-", 4),
        operators::MULTIPLY => ("*", 5),
        operators::DIVIDE => ("/", 5),
        operators::MODULO => ("%", 5),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(source: &str) -> Option<String> {
        shown(&crate::expr::Expr::compile(source).unwrap().expression)
    }

    #[test]
    fn parts_are_written_as_cel_reads_them() {
        for source in [
            "health.failure_streak >= 0",
            "count_reason(\"case_processing_failed\") == 0",
            "rollout_gate == \"pass\" && (health.queue_depth <= 1 || !(health_state == \"degraded\"))",
            "last_reason_codes.size() > 2",
            "value < 0.02",
            "x != 3u",
            "\"retry_attempted\" in last_reason_codes || a - (b - c) < 2 * (d + 1)",
        ] {
            assert_eq!(round_trip(source).as_deref(), Some(source), "{source}");
        }
        // A macro's expansion has no source form of its own.
        assert_eq!(round_trip("[1].all(x, x > 0)"), None);
    }
}
