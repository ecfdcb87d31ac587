//! A gate that offers its producer's own verdict as one way to pass (`rollout_gate == "pass"
//! || health.queue_depth < 5`): whenever the other side holds, it passes while tau holds or
//! fails the rollout. A verdict is a condition to meet, not an alternative to one; a rollout
//! that must go ahead against it is a waiver, approved and dated.

use cel::common::ast::{Expr as Ast, operators};
use cel::parser::Expression;

use super::vocabulary::{path, string};

/// tau's verdicts, with the value that says go: the snapshot's gate, and the health of the
/// snapshot or of a history line.
const VERDICTS: &[(&str, &str)] = &[("rollout_gate", "pass"), ("health_state", "healthy")];

/// Why `e` lets a rollout pass against its producer's verdict, if it does: a `||` with a test
/// of a verdict on one side (`rollout_gate == "pass"`) and anything on the other.
pub fn overridden(e: &Expression) -> Option<String> {
    let mut found = None;
    crate::expr::absent::visit(e, true, &mut |n| {
        if found.is_some() {
            return;
        }
        let Ast::Call(c) = &n.expr else { return };
        let ([left, right], None) = (c.args.as_slice(), &c.target) else {
            return;
        };
        if c.func_name != operators::LOGICAL_OR {
            return;
        }
        for (verdict, other) in [(left, right), (right, left)] {
            if let Some((field, go)) = verdict_test(verdict) {
                let other = crate::expr::shown::shown(other)
                    .map_or("the other side".to_string(), |o| format!("`{o}`"));
                found = Some(format!(
                    "`{field} == \"{go}\"` is one side of `||`: whenever {other} is true the gate \
                     passes while tau holds or fails the rollout; write `&&` (tau's verdict is a \
                     condition to meet), and waive the gate, with approval, for a rollout that \
                     must go ahead against it"
                ));
                return;
            }
        }
    });
    found
}

/// The verdict `e` tests for its go value (`rollout_gate == "pass"`, `"healthy" ==
/// health_state`), with that value.
fn verdict_test(e: &Expression) -> Option<(&'static str, &'static str)> {
    let Ast::Call(c) = &e.expr else { return None };
    let ([a, b], None) = (c.args.as_slice(), &c.target) else {
        return None;
    };
    if c.func_name != operators::EQUALS {
        return None;
    }
    let (field, value) = path(a).zip(string(b)).or_else(|| path(b).zip(string(a)))?;
    VERDICTS
        .iter()
        .find(|(f, go)| *f == field && *go == value)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(expr: &str) -> Option<String> {
        overridden(&crate::expr::Expr::compile(expr).unwrap().expression)
    }

    #[test]
    fn a_verdict_offered_as_an_alternative_is_found() {
        for expr in [
            r#"rollout_gate == "pass" || health_state == "healthy""#,
            r#"health.queue_depth <= 1 || "pass" == rollout_gate"#,
            r#"(rollout_gate == "pass" || health.failure_streak == 0) && health.queue_depth < 5"#,
            r#"all(health_state == "healthy" || failed_cases == 0)"#,
        ] {
            let found = why(expr).unwrap_or_else(|| panic!("{expr}"));
            assert!(found.contains("is one side of `||`"), "{found}");
        }
        let found = why(r#"rollout_gate == "pass" || health.failure_streak == 0"#).unwrap();
        assert!(
            found.starts_with("`rollout_gate == \"pass\"` is one side of `||`: whenever `health.failure_streak == 0` is true"),
            "{found}"
        );
        for expr in [
            // Verdicts as conditions; a disjunction of other things; a verdict's other values.
            r#"rollout_gate == "pass" && health_state == "healthy""#,
            r#"health.queue_depth <= 1 || health.active_runs == 0"#,
            r#"rollout_gate != "fail" || health.failure_streak == 0"#,
            r#"health_state == "degraded" || health_state == "failing""#,
        ] {
            assert_eq!(why(expr), None, "{expr}");
        }
    }
}
