//! Which top-level fields of a variable an expression reads.
//!
//! The interpreter wants its variables as its own values, and converting a whole manifest
//! (every map and string boxed anew) cost more than evaluating the rule that needed it. A rule
//! that reads `manifest.rollback.last_tested` needs `manifest` to hold `rollback` only: the
//! other fields cannot change its answer, its message or its error, since CEL reaches a
//! field only by naming it.

use std::collections::{BTreeSet, HashMap};

use cel::common::ast::{EntryExpr, Expr as Ast};
use cel::common::types::{CelMap, CelMapKey};
use cel::common::value::Val;
use cel::parser::Expression;
use serde_json::Value as Json;

use super::convert::to_val;

/// The fields of one variable that expressions read: named ones, or all of it (the variable
/// used other than by naming a field: iterated, passed to a function, compared, indexed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// The whole variable is read.
    pub all: bool,
    /// Fields read by name (`var.field` or `has(var.field)`).
    pub names: BTreeSet<String>,
}

impl Fields {
    /// Adds what `e` reads of the variable `var`.
    pub fn add(&mut self, var: &str, e: &Expression) {
        if self.all {
            return;
        }
        match &e.expr {
            Ast::Ident(name) => self.all |= name == var,
            Ast::Select(s) => match &s.operand.expr {
                Ast::Ident(name) if name == var => {
                    self.names.insert(s.field.clone());
                }
                _ => self.add(var, &s.operand),
            },
            Ast::Call(c) => {
                if let Some(target) = &c.target {
                    self.add(var, target);
                }
                for a in &c.args {
                    self.add(var, a);
                }
            }
            // A comprehension's own variables may shadow `var`: reading the outer one's fields
            // as well only converts more than needed.
            Ast::Comprehension(c) => {
                for part in super::comprehension_parts(c) {
                    self.add(var, part);
                }
            }
            Ast::List(l) => {
                for element in &l.elements {
                    self.add(var, element);
                }
            }
            Ast::Map(m) => self.add_entries(var, &m.entries),
            Ast::Struct(s) => self.add_entries(var, &s.entries),
            Ast::Literal(_) => {}
            // Nothing the parser builds; read as everything rather than guessed at.
            Ast::Unspecified => self.all = true,
        }
    }

    fn add_entries(&mut self, var: &str, entries: &[cel::common::ast::IdedEntryExpr]) {
        for entry in entries {
            match &entry.expr {
                EntryExpr::MapEntry(m) => {
                    self.add(var, &m.key);
                    self.add(var, &m.value);
                }
                EntryExpr::StructField(f) => self.add(var, &f.value),
            }
        }
    }

    /// The variable's value for the interpreter, holding only the fields read: all of `json`
    /// when all is read or it is no object.
    pub fn pick(&self, json: &Json) -> Box<dyn Val + 'static> {
        match json {
            Json::Object(map) if !self.all => Box::new(CelMap::from(
                self.names
                    .iter()
                    .filter_map(|name| map.get_key_value(name))
                    .map(|(k, v)| (CelMapKey::from(k.clone()), to_val(v)))
                    .collect::<HashMap<_, _>>(),
            )),
            _ => to_val(json),
        }
    }
}

/// Whether `e` reads any variable it does not bind itself (a loop's element and accumulator
/// are its own): without one, it has the same value whatever its context holds.
pub fn reads_free_variable(e: &Expression) -> bool {
    free(e, &mut Vec::new())
}

fn free<'a>(e: &'a Expression, bound: &mut Vec<&'a str>) -> bool {
    match &e.expr {
        Ast::Ident(name) => !bound.contains(&name.as_str()),
        Ast::Select(s) => free(&s.operand, bound),
        Ast::Call(c) => {
            c.target.iter().any(|t| free(t, bound)) || c.args.iter().any(|a| free(a, bound))
        }
        Ast::Comprehension(c) => {
            if free(&c.iter_range, bound) || free(&c.accu_init, bound) {
                return true;
            }
            let outer = bound.len();
            bound.push(&c.accu_var);
            if free(&c.result, bound) {
                bound.truncate(outer);
                return true;
            }
            bound.push(&c.iter_var);
            bound.extend(c.iter_var2.as_deref());
            let reads = free(&c.loop_cond, bound) || free(&c.loop_step, bound);
            bound.truncate(outer);
            reads
        }
        Ast::List(l) => l.elements.iter().any(|x| free(x, bound)),
        Ast::Map(m) => m.entries.iter().any(|x| entry_free(x, bound)),
        Ast::Struct(s) => s.entries.iter().any(|x| entry_free(x, bound)),
        Ast::Literal(_) => false,
        // Nothing the parser builds: taken as reading, so never called constant by mistake.
        Ast::Unspecified => true,
    }
}

fn entry_free<'a>(entry: &'a cel::common::ast::IdedEntryExpr, bound: &mut Vec<&'a str>) -> bool {
    match &entry.expr {
        EntryExpr::MapEntry(m) => free(&m.key, bound) || free(&m.value, bound),
        EntryExpr::StructField(f) => free(&f.value, bound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(source: &str) -> Fields {
        let e = crate::expr::Expr::compile(source).unwrap();
        let mut f = Fields::default();
        f.add("manifest", &e.expression);
        f
    }

    fn named(names: &[&str]) -> Fields {
        Fields {
            all: false,
            names: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    #[test]
    fn fields_named_are_read_and_any_other_use_reads_everything() {
        assert_eq!(
            reads("days_since(manifest.rollback.last_tested) <= 30"),
            named(&["rollback"])
        );
        assert_eq!(
            reads("has(manifest.owners) && manifest.owners.primary != manifest.oncall.rotation"),
            named(&["oncall", "owners"])
        );
        assert_eq!(
            reads("manifest.risks.all(r, r.owner != '' && it.id in manifest.tags)"),
            named(&["risks", "tags"])
        );
        assert_eq!(reads("stage == 'prod'"), named(&[]));
        // The variable itself: sized, iterated, tested for a key, indexed, compared, passed.
        for whole in [
            "size(manifest) > 0",
            "manifest.all(k, k != 'x')",
            "'owners' in manifest",
            "manifest['owners'] != null",
            "manifest == {}",
            "string(manifest) != ''",
            "[manifest][0].owners != null",
            "{'m': manifest}.m.owners != null",
        ] {
            assert!(reads(whole).all, "{whole}");
        }
        // `it.manifest` names a field of `it`, not the variable.
        assert_eq!(reads("it.manifest.owners == 1"), named(&[]));
    }

    #[test]
    fn picking_keeps_the_named_fields_present() {
        let json = serde_json::json!({"owners": {"team": "t"}, "risks": [], "tags": ["a"]});
        let mut ctx = cel::Context::default();
        ctx.add_variable_as_val("m", named(&["owners", "missing"]).pick(&json));
        let e = |s: &str| crate::expr::Expr::compile(s).unwrap().eval_bool(&ctx);
        assert_eq!(e("m.owners.team == 't'"), Ok(true));
        assert_eq!(e("has(m.missing)"), Ok(false));
        assert_eq!(e("size(m) == 1"), Ok(true));
    }
}
