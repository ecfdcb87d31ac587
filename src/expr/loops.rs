//! How deeply an expression nests loops (`all`, `exists`, `exists_one`, `map`, `filter`).
//!
//! CEL always terminates, but not always soon: each nested loop multiplies the work, and a
//! 214-character gate (seven `[0,…,9].all(x, …)` inside one another) took 7.6 s; one more
//! level takes ten times that. An expression nested deeper than [`MAX_LOOP_NESTING`] is refused
//! when it is compiled, before anything runs.

use cel::common::ast::{EntryExpr, Expr as Ast};
use cel::parser::Expression;

/// Deepest nesting of loops an expression may have: a loop in a loop (`risks.all(r,
/// signoffs.exists(s, …))`) is as deep as a readiness rule or a gate needs.
pub const MAX_LOOP_NESTING: usize = 2;

/// The deepest nesting of loops in `e`: 0 without loops. A loop counts inside another only
/// in what runs per element (its condition and step), not in the list it walks or its result,
/// which run once.
pub fn depth(e: &Expression) -> usize {
    match &e.expr {
        Ast::Comprehension(c) => {
            let once = [&c.iter_range, &c.accu_init, &c.result]
                .into_iter()
                .map(depth)
                .max()
                .unwrap_or(0);
            let each = 1 + depth(&c.loop_cond).max(depth(&c.loop_step));
            once.max(each)
        }
        Ast::Select(s) => depth(&s.operand),
        Ast::Call(c) => c
            .target
            .iter()
            .map(|t| depth(t))
            .chain(c.args.iter().map(depth))
            .max()
            .unwrap_or(0),
        Ast::List(l) => l.elements.iter().map(depth).max().unwrap_or(0),
        Ast::Map(m) => entries(&m.entries),
        Ast::Struct(s) => entries(&s.entries),
        Ast::Ident(_) | Ast::Literal(_) | Ast::Unspecified => 0,
    }
}

fn entries(entries: &[cel::common::ast::IdedEntryExpr]) -> usize {
    entries
        .iter()
        .map(|entry| match &entry.expr {
            EntryExpr::MapEntry(m) => depth(&m.key).max(depth(&m.value)),
            EntryExpr::StructField(f) => depth(&f.value),
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(source: &str) -> usize {
        depth(&super::super::env().parser().parse(source).unwrap())
    }

    #[test]
    fn loops_count_where_they_run_per_element() {
        assert_eq!(of("a.b == 1 && size(c) > 2"), 0);
        assert_eq!(of("risks.all(r, has(r.owner))"), 1);
        assert_eq!(of("risks.all(r, signoffs.exists(s, s.by == r.owner))"), 2);
        assert_eq!(of("xs.map(x, x * 2).filter(y, y > 1).exists(z, z == 4)"), 1);
        assert_eq!(of("xs.all(x, ys.all(y, zs.all(z, true)))"), 3);
        assert_eq!(of("{'k': xs.all(x, ys.exists(y, x == y))}.k"), 2);
        assert_eq!(
            of("[xs.all(x, ys.exists_one(y, zs.map(z, z).size() > 0))][0]"),
            3
        );
        assert_eq!(of("f(xs.filter(x, ys.all(y, y != x)))"), 2);
    }
}
