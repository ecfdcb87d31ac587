//! Conditions that hold without their data: `!has(health.failure_streak) || health.failure_streak == 0`.
//!
//! A gate that reads a field its input lacks is not evaluated, and holds: fail closed. A
//! presence test turns that around. Written to quiet such a hold, `!has(f) || ...` or
//! `has(f) ? ... : true` is true whenever `f` is missing, so a snapshot without the field (the
//! producer renamed it, the file was cut short, another producer wrote it) passes the gate.
//! CEL's `||` is true beside an error, so what else the condition asks of `f` changes nothing.
//! `"failure_streak" in health` is the same test written with `in` when the condition also
//! reads `health.failure_streak`: `in` asks whether a map has the key (and whether a list
//! holds a value, `"retry_attempted" in last_reason_codes`, which reads no field of it).

use cel::common::ast::{Expr as Ast, LiteralValue, operators};
use cel::parser::Expression;

/// A condition of `e` that is true without a field it tests with `has()` or `in`, and the field
/// (`health.failure_streak`): `e` itself, or a condition it asks beside others with `&&` or in
/// a branch of `?:`, where the others still gate but this one no longer does. Not inside a
/// macro (`list.all(x, ...)`): its tests are of the macro's own variables, not of the input.
pub fn true_without(e: &Expression) -> Option<(&Expression, String)> {
    if let Some((_, field)) = presence_tests(e)
        .into_iter()
        .find(|(test, _)| value_without(e, test.id) == Some(true))
    {
        return Some((e, field));
    }
    let Ast::Call(c) = &e.expr else {
        return None;
    };
    match (c.func_name.as_str(), c.args.as_slice(), &c.target) {
        (operators::LOGICAL_AND, args, None) => args.iter().find_map(true_without),
        (operators::CONDITIONAL, [_, then, otherwise], None) => {
            true_without(then).or_else(|| true_without(otherwise))
        }
        _ => None,
    }
}

/// The first optional access of `e` (`health.?failure_streak`, `m[?"k"]`), written out: it
/// gives a value (`.orValue(0)`) or a test (`.hasValue()`) where the field is missing, so the
/// gate decides without the data instead of holding. Anywhere in `e`, macros included.
pub fn optional_access(e: &Expression) -> Option<String> {
    let mut found = None;
    visit(e, true, &mut |n| {
        if found.is_none()
            && let Ast::Call(c) = &n.expr
            && let (operators::OPT_SELECT | operators::OPT_INDEX, [operand, key]) =
                (c.func_name.as_str(), c.args.as_slice())
        {
            let operand = super::shown::shown(operand).unwrap_or_else(|| "...".into());
            found = Some(match (&key.expr, c.func_name.as_str()) {
                (Ast::Literal(LiteralValue::String(k)), operators::OPT_SELECT) => {
                    format!("{operand}.?{}", k.inner())
                }
                _ => format!(
                    "{operand}[?{}]",
                    super::shown::shown(key).unwrap_or_else(|| "...".into())
                ),
            });
        }
    });
    found
}

/// Calls `f` on `e` and every expression inside it, inside macros (`list.all(x, ...)`) only
/// when `macros` is set.
pub(crate) fn visit<'e>(e: &'e Expression, macros: bool, f: &mut impl FnMut(&'e Expression)) {
    f(e);
    match &e.expr {
        Ast::Select(s) => visit(&s.operand, macros, f),
        Ast::Call(c) => {
            for part in c.target.iter().map(|t| &**t).chain(&c.args) {
                visit(part, macros, f);
            }
        }
        Ast::List(l) => {
            for element in &l.elements {
                visit(element, macros, f);
            }
        }
        Ast::Comprehension(c) if macros => {
            for part in super::comprehension_parts(c) {
                visit(part, macros, f);
            }
        }
        _ => {}
    }
}

/// The presence tests of `e` outside macros, in order, each with the field it tests: `has(a.b)`,
/// and `"b" in a` where `e` also reads `a.b` (or `a["b"]`).
fn presence_tests(e: &Expression) -> Vec<(&Expression, String)> {
    let mut reads = Vec::new();
    visit(e, false, &mut |n| {
        if let Some(read) = field_read(n) {
            reads.push(read);
        }
    });
    let mut tests = Vec::new();
    visit(e, false, &mut |n| match &n.expr {
        Ast::Select(s) if s.test => {
            if let Some(operand) = super::shown::shown(&s.operand) {
                tests.push((n, format!("{operand}.{}", s.field)));
            }
        }
        Ast::Call(c) if c.func_name == operators::IN && c.target.is_none() => {
            if let [key, map] = c.args.as_slice()
                && let Ast::Literal(LiteralValue::String(key)) = &key.expr
                && let Some(map) = super::shown::shown(map)
                && reads.iter().any(|(m, k)| *m == map && k == key.inner())
            {
                tests.push((n, format!("{map}.{}", key.inner())));
            }
        }
        _ => {}
    });
    tests
}

/// `a.b` or `a["b"]` read (not tested) by `n`: (`a`, `b`).
fn field_read(n: &Expression) -> Option<(String, String)> {
    match &n.expr {
        Ast::Select(s) if !s.test => Some((super::shown::shown(&s.operand)?, s.field.clone())),
        Ast::Call(c) if c.func_name == operators::INDEX && c.target.is_none() => {
            match c.args.as_slice() {
                [map, key] => match &key.expr {
                    Ast::Literal(LiteralValue::String(k)) => {
                        Some((super::shown::shown(map)?, k.inner().to_string()))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value of `e` when the presence test `absent` (a node id) is false, when its logical
/// operators decide it from that alone.
fn value_without(e: &Expression, absent: u64) -> Option<bool> {
    let call = match &e.expr {
        _ if e.id == absent => return Some(false),
        Ast::Literal(LiteralValue::Boolean(b)) => return Some(*b.inner()),
        Ast::Call(c) if c.target.is_none() => c,
        _ => return None,
    };
    let value = |a: &Expression| value_without(a, absent);
    match (call.func_name.as_str(), call.args.as_slice()) {
        (operators::LOGICAL_OR, args) => absorbed(args.iter().map(value), true),
        (operators::LOGICAL_AND, args) => absorbed(args.iter().map(value), false),
        (operators::LOGICAL_NOT, [a]) => value(a).map(|v| !v),
        (operators::CONDITIONAL, [cond, then, otherwise]) => match value(cond) {
            Some(true) => value(then),
            Some(false) => value(otherwise),
            None => value(then).filter(|v| value(otherwise) == Some(*v)),
        },
        _ => None,
    }
}

/// `||` (absorbing `true`) or `&&` (absorbing `false`) over operands' known values.
fn absorbed(values: impl Iterator<Item = Option<bool>>, absorbing: bool) -> Option<bool> {
    let mut all_other = true;
    for v in values {
        match v {
            Some(v) if v == absorbing => return Some(absorbing),
            Some(_) => {}
            None => all_other = false,
        }
    }
    all_other.then_some(!absorbing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn without(source: &str) -> Option<String> {
        let e = crate::expr::Expr::compile(source).unwrap();
        true_without(&e.expression).map(|(_, field)| field)
    }

    #[test]
    fn a_presence_test_that_passes_without_the_field_is_found() {
        for (source, field) in [
            (
                "!has(health.failure_streak) || health.failure_streak == 0",
                "health.failure_streak",
            ),
            (
                "health.failure_streak == 0 || !has(health.failure_streak)",
                "health.failure_streak",
            ),
            (
                "has(health.queue_depth) ? health.queue_depth <= 1 : true",
                "health.queue_depth",
            ),
            (
                // The first condition still gates; the second no longer does.
                "rollout_gate == \"pass\" && (!has(health.failure_streak) || health.failure_streak == 0)",
                "health.failure_streak",
            ),
            (
                "!(has(health.queue_depth) && health.queue_depth > 1)",
                "health.queue_depth",
            ),
            (
                "!(\"failure_streak\" in health) || health.failure_streak == 0",
                "health.failure_streak",
            ),
            (
                "\"queue_depth\" in health ? health[\"queue_depth\"] <= 1 : true",
                "health.queue_depth",
            ),
        ] {
            assert_eq!(without(source).as_deref(), Some(field), "{source}");
        }
    }

    /// A test that fails the gate without its field fails closed, and is allowed.
    #[test]
    fn a_presence_test_that_fails_without_the_field_is_allowed() {
        for source in [
            "has(health.failure_streak) && health.failure_streak == 0",
            "has(health.queue_depth) ? health.queue_depth <= 1 : false",
            "health.failure_streak == 0",
            // Negated, the condition true without the field makes the whole false.
            "!(!has(health.failure_streak) || health.failure_streak > 0)",
            "[1, 2].all(x, !has(x.y) || x.y == 0)",
            "\"failure_streak\" in health && health.failure_streak == 0",
            // Membership in a list whose fields are not read: no presence test.
            "!(\"case_processing_failed\" in last_reason_codes) || health.failure_streak == 0",
        ] {
            assert_eq!(without(source), None, "{source}");
        }
    }

    #[test]
    fn optional_access_is_found() {
        let found =
            |source: &str| optional_access(&crate::expr::Expr::compile(source).unwrap().expression);
        assert_eq!(
            found("health.?failure_streak.orValue(0) == 0").as_deref(),
            Some("health.?failure_streak")
        );
        assert_eq!(
            found("rollout_gate == 'pass' && health[?'queue_depth'].orValue(0) <= 1").as_deref(),
            Some("health[?\"queue_depth\"]")
        );
        assert_eq!(found("health.failure_streak == 0"), None);
    }
}
