use super::*;

fn of(source: &str) -> Option<bool> {
    decided(
        &crate::expr::Expr::compile(source).unwrap().expression,
        &|_| None,
    )
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
fn a_condition_that_changes_nothing_is_found_inside_a_gate_that_is_not_decided() {
    let counts = |e: &Expression| {
        matches!(&e.expr, Ast::Select(s) if s.field == "failure_streak").then_some(Range::COUNT)
    };
    let idle = |source: &str| {
        let e = crate::expr::Expr::compile(source).unwrap().expression;
        assert_eq!(decided(&e, &counts), None, "{source}");
        idle_condition(&e, &counts).map(|i| (crate::expr::shown::shown(i.part), i.value, i.within))
    };
    let part = |text: &str, v: bool| Some((Some(text.to_string()), v, if v { "&&" } else { "||" }));
    assert_eq!(
        idle("health.failure_streak >= 0 && health.queue_depth <= 1"),
        part("health.failure_streak >= 0", true)
    );
    assert_eq!(
        idle("ok || (x == x && y) || 2 < 1"),
        part("x == x", true),
        "a nested chain is searched where it stands"
    );
    assert_eq!(idle("ok || 2 < 1"), part("2 < 1", false));
    assert_eq!(idle("!(ok && 1 == 1)"), part("1 == 1", true));
    assert_eq!(
        idle("health.failure_streak == 0 && health.queue_depth <= 1"),
        None
    );
    assert_eq!(
        idle("ok || health.failure_streak >= 0 && y"),
        part("health.failure_streak >= 0", true)
    );
    assert_eq!(
        idle("c ? (health.failure_streak >= 0 && y) : z"),
        part("health.failure_streak >= 0", true),
        "inside a branch"
    );
    assert_eq!(
        idle("size([x, y || 1 > 2]) > 1"),
        part("1 > 2", false),
        "inside a function's arguments and a list"
    );
    assert_eq!(
        idle("(health.failure_streak >= 0) ? a : b"),
        Some((Some("health.failure_streak >= 0".to_string()), true, "?:")),
        "a choice that always takes its first branch"
    );
    assert_eq!(
        idle("[1].all(failure_streak, failure_streak >= 0 && y)"),
        None,
        "a macro's variable is not the status field of its name"
    );
    assert_eq!(idle("c ? (a && b) : (x >= 1 || x < 2)"), None);
}

#[test]
fn a_side_with_known_bounds_compared_beyond_them_is_decided() {
    let stall = |e: &Expression| {
        matches!(&e.expr, Ast::Call(c) if c.func_name == "max_stall").then_some(Range {
            low: 0.0,
            high: 3600.0,
            of: Literal::Duration,
        })
    };
    let of = |source: &str| {
        let e = crate::expr::Expr::compile(source).unwrap().expression;
        decided(&e, &stall)
    };
    // A one-hour window: no stall in it is longer than an hour.
    assert_eq!(of(r#"max_stall("w") < duration("90m")"#), Some(true));
    assert_eq!(of(r#"max_stall("w") < duration("1h30m")"#), Some(true));
    assert_eq!(of(r#"max_stall("w") <= duration("3600s")"#), Some(true));
    assert_eq!(of(r#"duration("2h") > max_stall("w")"#), Some(true));
    assert_eq!(of(r#"max_stall("w") >= duration("0s")"#), Some(true));
    assert_eq!(of(r#"max_stall("w") > duration("1h")"#), Some(false));
    assert_eq!(of(r#"max_stall("w") == duration("2h")"#), Some(false));
    assert_eq!(of(r#"max_stall("w") < duration("-5m")"#), Some(false));
    for open in [
        r#"max_stall("w") < duration("1h")"#,
        r#"max_stall("w") < duration("5m")"#,
        r#"max_stall("w") <= duration("0s")"#,
        r#"max_stall("w") >= duration("1h")"#,
        r#"max_stall("w") < 7200"#,
        r#"max_stall("w") < duration(x)"#,
        r#"other("w") < duration("2h")"#,
    ] {
        assert_eq!(of(open), None, "{open}");
    }
    let count = |e: &Expression| matches!(&e.expr, Ast::Ident(_)).then_some(Range::COUNT);
    let of = |source: &str| {
        let e = crate::expr::Expr::compile(source).unwrap().expression;
        decided(&e, &count)
    };
    assert_eq!(of("n >= 0"), Some(true));
    assert_eq!(of("0 > n"), Some(false));
    assert_eq!(of("n > -3"), Some(true));
    assert_eq!(of("n == -1"), Some(false));
    assert_eq!(of("n != -1"), Some(true));
    for open in ["n <= 0", "n == 0", "n > 0", "n >= 0.0", "n < 3", "n != 0"] {
        assert_eq!(of(open), None, "{open}");
    }
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
fn ranges_that_cover_every_number_or_none_decide_the_answer() {
    assert_eq!(of("x > 1 || x < 2"), Some(true));
    assert_eq!(of("x >= 1 || y || 1 > x"), Some(true));
    assert_eq!(
        of("health.queue_depth <= 5 || 3 < health.queue_depth"),
        Some(true)
    );
    assert_eq!(of("x != 0 || x == 0.0 || x > 7.5"), None);
    assert_eq!(of("x != 3 || x < 4"), Some(true));
    assert_eq!(of("x < 0.5 || x > 0.25"), Some(true));
    assert_eq!(of("x > 5 && x < 3"), Some(false));
    assert_eq!(of("x >= 5 && y && x < 5"), Some(false));
    assert_eq!(of("x == 1 && x == 2"), Some(false));
    assert_eq!(of("1 > x && x > 1"), Some(false));
    assert_eq!(of("!(x > 1) || x > 0"), Some(true));
    assert_eq!(of("!(x <= 3) && !(x > 1)"), Some(false));
    assert_eq!(of("!!(x > 1) || x < 2"), Some(true));
}

const OPS: [&str; 6] = ["<", "<=", ">", ">=", "==", "!="];

proptest::proptest! {
    /// Whenever bounds on one value are said to decide a chain, CEL answers the same for
    /// every value tried (integers for integer bounds, quarters for double ones).
    #[test]
    fn decided_bounds_agree_with_cel(
        parts in proptest::collection::vec(
            (0usize..6, -3i64..=3, proptest::bool::ANY, proptest::bool::ANY),
            2..5,
        ),
        or in proptest::bool::ANY,
        doubles in proptest::bool::ANY,
    ) {
        let literal = |c: i64| if doubles { format!("{:.1}", c as f64 / 2.0) } else { c.to_string() };
        let source = parts
            .iter()
            .map(|&(op, c, flip, not)| {
                let cmp = match flip {
                    false => format!("x {} {}", OPS[op], literal(c)),
                    true => format!("{} {} x", literal(c), OPS[op]),
                };
                if not { format!("!({cmp})") } else { cmp }
            })
            .collect::<Vec<_>>()
            .join(if or { " || " } else { " && " });
        let Some(answer) = of(&source) else { return Ok(()) };
        let expr = crate::expr::Expr::compile(&source).unwrap();
        for q in -20i64..=20 {
            let mut ctx = cel::Context::default();
            if doubles {
                ctx.add_variable_from_value("x", cel::Value::Float(q as f64 / 4.0));
            } else {
                ctx.add_variable_from_value("x", cel::Value::Int(q / 4));
            }
            proptest::prop_assert_eq!(expr.eval_bool(&ctx), Ok(answer), "{} at {}", source, q);
        }
    }
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
        "x >= 2 || x <= 1",
        "x > 1 || y < 2",
        "x > 1 || x < 2.0",
        "x < 1 || x > 1",
        "x >= 5 && x <= 5",
        "x > 1 && x < 2",
        "x != 1 && x != 2",
        "!(x > 1) || x > 1.5",
        "!(x < 1) && x < 2",
        "x.a > 1 || x.b < 2",
        "size(x) > 1 || size(y) < 2",
    ] {
        assert_eq!(of(open), None, "{open}");
    }
}
