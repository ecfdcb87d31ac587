//! Shares: a part of a total's rate over the total's rate
//! (`sum(rate(x{code=~"5.."}[5m])) / sum(rate(x[5m]))`) is never above 1, so an alert that
//! compares it with `5` (meaning 5%, written where `0.05` was meant) never fires.

use promql_parser::parser::Expr;

use super::{compare, mirrored, unparen};

/// Whether the alert `expr`, a share (or a share times a number) compared with a number,
/// never fires (`Some(false)`) because no value the share can take (0 to 1, or 0 to 100 for
/// `* 100`) passes the comparison. A share of a total without samples is no number (0/0),
/// and no comparison keeps it.
pub(super) fn never_passes(expr: &Expr) -> Option<bool> {
    let Expr::Binary(b) = unparen(expr) else {
        return None;
    };
    if !b.op.is_comparison_operator() || b.modifier.as_ref().is_some_and(|m| m.return_bool) {
        return None;
    }
    let op = b.op.to_string();
    let (side, limit, op) = match (unparen(&b.lhs), unparen(&b.rhs)) {
        (side, Expr::NumberLiteral(n)) => (side, n.val, op.as_str()),
        (Expr::NumberLiteral(n), side) => (side, n.val, mirrored(&op)?),
        _ => return None,
    };
    let most = most(side)?;
    if limit.is_nan() {
        return None;
    }
    // `==` may hold inside the range; the orderings hold at one end if anywhere in it.
    let inside = (0.0..=most).contains(&limit);
    let passes = match op {
        "==" => inside,
        "!=" => return None,
        _ => compare(0.0, op, limit)? || compare(most, op, limit)?,
    };
    (!passes).then_some(false)
}

/// The largest value `e` can take when it is a share, or a share multiplied or divided by a
/// positive number.
fn most(e: &Expr) -> Option<f64> {
    let Expr::Binary(b) = unparen(e) else {
        return None;
    };
    if b.modifier.is_some() {
        return None;
    }
    let number = |e: &Expr| match unparen(e) {
        Expr::NumberLiteral(n) if n.val > 0.0 && n.val.is_finite() => Some(n.val),
        _ => None,
    };
    match (b.op.to_string().as_str(), unparen(&b.lhs), unparen(&b.rhs)) {
        ("*", side, k) | ("*", k, side) if number(k).is_some() => Some(most(side)? * number(k)?),
        ("/", side, k) if number(k).is_some() => Some(most(side)? / number(k)?),
        ("/", part, whole) if is_share(part, whole) => Some(1.0),
        _ => None,
    }
}

/// Whether `part` sums the rates of some of the series whose rates `whole` sums: the same
/// function of the same metric over the same range, grouped alike, with every matcher of
/// `whole` and maybe more. Each rate is at least zero, so the part is at most the whole.
fn is_share(part: &Expr, whole: &Expr) -> bool {
    match (unparen(part), unparen(whole)) {
        (Expr::Aggregate(p), Expr::Aggregate(w)) => {
            p.op.to_string() == "sum"
                && w.op.to_string() == "sum"
                && p.param.is_none()
                && w.param.is_none()
                && p.modifier == w.modifier
                && is_share(&p.expr, &w.expr)
        }
        (Expr::Call(p), Expr::Call(w)) => {
            let (Some(p_sel), Some(w_sel)) = (selector(&p.args.args), selector(&w.args.args))
            else {
                return false;
            };
            let (p_vs, w_vs) = (&p_sel.vs, &w_sel.vs);
            p.func.name == w.func.name
                && matches!(p.func.name, "rate" | "irate" | "increase")
                && p_sel.range == w_sel.range
                && p_vs.name.is_some()
                && p_vs.name == w_vs.name
                && p_vs.offset == w_vs.offset
                && p_vs.at == w_vs.at
                && p_vs.matchers.or_matchers.is_empty()
                && w_vs.matchers.or_matchers.is_empty()
                && w_vs
                    .matchers
                    .matchers
                    .iter()
                    .all(|m| p_vs.matchers.matchers.contains(m))
        }
        _ => false,
    }
}

/// The range selector that is a call's only argument (`rate(x[5m])`).
pub(super) fn selector(args: &[Box<Expr>]) -> Option<&promql_parser::parser::MatrixSelector> {
    match args {
        [arg] => match unparen(arg) {
            Expr::MatrixSelector(m) => Some(m),
            _ => None,
        },
        _ => None,
    }
}
