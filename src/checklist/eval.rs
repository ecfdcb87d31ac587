//! Evaluating checklist items over a manifest and its evidence.

use std::cell::OnceCell;
use std::sync::Arc;

use cel::Context;
use serde_json::Value;

use super::{Checklist, Item, Rule};
use crate::expr::convert::to_val;
use crate::expr::fast::{Key, Vars};
use crate::expr::reads::Fields;
use crate::expr::{self, Scope};
use crate::report::{Finding, Location, Outcome};
use crate::source::SourceFile;
use crate::yaml::{Node, Route};

/// What rules are evaluated against.
pub struct Subject<'a> {
    /// The manifest's YAML (for locations).
    pub doc: &'a Node,
    /// The same manifest as JSON (what rules see as `manifest`).
    pub json: &'a Value,
    /// The manifest's source.
    pub src: &'a SourceFile,
    /// `service.stage`.
    pub stage: &'a str,
}

/// What rules read: `manifest`, `evidence`, `stage` and launchgate's functions, for the
/// direct evaluator and, built when a rule first needs it, CEL's interpreter.
pub struct Env<'a> {
    scope: Arc<Scope>,
    manifest: &'a Value,
    evidence: &'a Value,
    stage: &'a str,
    cel: OnceCell<Context<'static, 'static>>,
}

impl<'a> Env<'a> {
    /// The variables of a manifest's rules (`manifest` as rules see it).
    pub fn new(
        scope: Arc<Scope>,
        manifest: &'a Value,
        evidence: &'a Value,
        stage: &'a str,
    ) -> Self {
        Env {
            scope,
            manifest,
            evidence,
            stage,
            cel: OnceCell::new(),
        }
    }

    /// The direct evaluator's variables, with an `each` rule's element and key.
    pub(crate) fn vars<'v>(&'v self, element: Option<(&'v Value, Key<'v>)>) -> Vars<'v> {
        Vars {
            scope: &self.scope,
            manifest: self.manifest,
            evidence: self.evidence,
            stage: self.stage,
            element,
        }
    }

    /// The interpreter's context for an element of an `each` rule: `it` and `key` bound.
    pub(crate) fn element_scope<'c>(
        ctx: &'c Context<'static, 'static>,
        element: &Value,
        key: Key<'_>,
    ) -> Context<'c, 'static> {
        let mut scope = ctx.new_inner_scope();
        scope.add_variable_as_val("it", to_val(element));
        match key {
            Key::Index(i) => scope.add_variable_from_value("key", i),
            Key::Name(k) => scope.add_variable_from_value("key", k),
        }
        scope
    }

    /// What the interpreter answers for `expr` over this manifest, with `it` and `key` bound
    /// to `element` when given: the reference the direct evaluator is held to.
    #[cfg(test)]
    pub(crate) fn interpret(
        &self,
        expr: &expr::Expr,
        element: Option<(&Value, Key<'_>)>,
    ) -> Result<bool, String> {
        match element {
            Some((it, key)) => expr.eval_bool(&Env::element_scope(self.cel(), it, key)),
            None => expr.eval_bool(self.cel()),
        }
    }

    /// The interpreter's context with all of `manifest` and `evidence`, built once.
    pub(crate) fn cel(&self) -> &Context<'static, 'static> {
        self.cel.get_or_init(|| self.context(&Reads::everything()))
    }

    /// Runs `f` with an interpreter's context for `rule`: the whole one when it is built or the
    /// rule reads everything, else one whose `manifest` and `evidence` hold only the fields the
    /// rule reads (only a rule the direct evaluator does not find true needs any).
    pub(crate) fn with_cel<R>(
        &self,
        rule: &Rule,
        f: impl FnOnce(&Context<'static, 'static>) -> R,
    ) -> R {
        let reads = rule.reads();
        match self.cel.get() {
            Some(ctx) => f(ctx),
            None if reads.manifest.all && reads.evidence.all => f(self.cel()),
            None => f(&self.context(reads)),
        }
    }

    /// The context [`Env::with_cel`] builds for `rule` when it is not given the whole one.
    #[cfg(test)]
    pub(crate) fn context_for(&self, rule: &Rule) -> Context<'static, 'static> {
        self.context(rule.reads())
    }

    fn context(&self, reads: &Reads) -> Context<'static, 'static> {
        let mut ctx = expr::context(self.scope.clone());
        ctx.add_variable_as_val("manifest", reads.manifest.pick(self.manifest));
        // Files and dashboards are reached through `file()` and `dashboard_mentions()`;
        // leaving them out of `evidence` spares converting every runbook's facts.
        ctx.add_variable_as_val("evidence", reads.evidence.pick(self.evidence));
        ctx.add_variable_from_value("stage", self.stage);
        ctx
    }
}

/// What a rule's expressions read of the two variables built from a manifest.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    /// Of `manifest`.
    pub manifest: Fields,
    /// Of `evidence`.
    pub evidence: Fields,
}

impl Reads {
    /// What `exprs` read together.
    pub fn of(exprs: &[&expr::Expr]) -> Reads {
        let mut reads = Reads::default();
        for e in exprs {
            reads.manifest.add("manifest", &e.expression);
            reads.evidence.add("evidence", &e.expression);
        }
        reads
    }

    fn everything() -> Reads {
        let all = Fields {
            all: true,
            ..Fields::default()
        };
        Reads {
            manifest: all.clone(),
            evidence: all,
        }
    }
}

/// Evaluates every applicable item of a checklist: one pass finding per satisfied item, one
/// fail finding per violation otherwise.
pub fn evaluate(checklist: &Checklist, subject: &Subject, env: &Env) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in checklist.items.iter().filter(|i| i.applies(subject.stage)) {
        out.extend(evaluate_item(item, subject, env));
    }
    out
}

fn evaluate_item(item: &Item, subject: &Subject, env: &Env) -> Vec<Finding> {
    for rule in &item.rules {
        let failures = evaluate_rule(item, rule, subject, env);
        if !failures.is_empty() {
            return failures;
        }
    }
    vec![item.passed()]
}

fn evaluate_rule(item: &Item, rule: &Rule, subject: &Subject, env: &Env) -> Vec<Finding> {
    let Some(each) = &rule.each else {
        if rule.expr.holds(&env.vars(None)) {
            return Vec::new();
        }
        return env
            .with_cel(rule, |ctx| {
                check_one(item, rule, subject, ctx, &Route::root())
            })
            .into_iter()
            .collect();
    };
    let mut unsure = elements(subject.json, each)
        .filter(|&(element, key)| !rule.expr.holds(&env.vars(Some((element, key)))))
        .peekable();
    if unsure.peek().is_none() {
        return Vec::new();
    }
    env.with_cel(rule, |ctx| {
        unsure
            .filter_map(|(element, key)| {
                let route = match key {
                    Key::Index(i) => each.index(i as usize),
                    Key::Name(k) => each.key(k),
                };
                let scope = Env::element_scope(ctx, element, key);
                check_one(item, rule, subject, &scope, &route)
            })
            .collect()
    })
}

/// The elements of the collection an `each` rule names, with their keys (none when it is
/// missing or not a collection).
pub(crate) fn elements<'v>(
    json: &'v Value,
    each: &Route,
) -> impl Iterator<Item = (&'v Value, Key<'v>)> {
    let (list, map) = match at(json, each) {
        Some(Value::Array(items)) => (Some(items), None),
        Some(Value::Object(items)) => (None, Some(items)),
        _ => (None, None),
    };
    let listed = list.into_iter().flatten().enumerate();
    let keyed = map.into_iter().flatten();
    listed
        .map(|(i, it)| (it, Key::Index(i as i64)))
        .chain(keyed.map(|(k, it)| (it, Key::Name(k))))
}

fn check_one(
    item: &Item,
    rule: &Rule,
    subject: &Subject,
    ctx: &Context,
    base: &Route,
) -> Option<Finding> {
    let result = rule.expr.eval_bool(ctx);
    if result == Ok(true) {
        return None;
    }
    let route = match &rule.at {
        Some(at) => base.join(at),
        None => base.clone(),
    };
    let located = subject.doc.locate(&route);
    let outcome = if result.is_err() && rule.hold_on_error {
        Outcome::Hold
    } else {
        Outcome::Fail
    };
    let location = rule
        .location
        .as_ref()
        .and_then(|e| e.eval(ctx).ok())
        .and_then(|v| elsewhere(&crate::expr::convert::to_json(&v)))
        .unwrap_or_else(|| Location::new(subject.src, located.span));
    let message = match (outcome, rule.message.write(ctx)) {
        // A hold whose message cannot be written says why the facts are unknown.
        (Outcome::Hold, (_, Some(problem))) => problem,
        (_, (text, _)) => text,
    };
    let mut finding = Finding::new(&item.id, &item.title, item.severity, outcome, message)
        .at(location)
        .help(item.fix.clone());
    if !located.exact && !route.is_root() {
        finding.evidence.push(format!("`{route}` is not set"));
    }
    finding.evidence.push(format!("rule: {}", rule.expr.source));
    if let Err(e) = result {
        finding.evidence.push(format!("evaluation: {e}"));
    }
    Some(finding)
}

/// A location in another file, from a rule's `location` value.
fn elsewhere(v: &Value) -> Option<Location> {
    let file = v.get("file")?.as_str()?.to_string();
    let line = v.get("line")?.as_u64()? as u32;
    let column = v.get("column").and_then(Value::as_u64).unwrap_or(1) as u32;
    let len = v.get("len").and_then(Value::as_u64).unwrap_or(0) as usize;
    Some(Location {
        file,
        line,
        column,
        end_line: line,
        end_column: column + len as u32,
        offset: v.get("offset").and_then(Value::as_u64).unwrap_or(0) as usize,
        len,
    })
}

/// The value a route names, read as `Value::pointer` reads the route's JSON pointer (a key on a
/// list is an index written without sign or leading zero), without writing and re-parsing the
/// pointer for every `each` rule of every manifest.
pub(crate) fn at<'v>(json: &'v Value, route: &Route) -> Option<&'v Value> {
    use crate::yaml::Seg;
    route.segs().iter().try_fold(json, |v, seg| match (seg, v) {
        (Seg::Key(k), Value::Object(map)) => map.get(k),
        (Seg::Key(k), Value::Array(items)) => {
            if k.starts_with('+') || (k.starts_with('0') && k.len() > 1) {
                return None;
            }
            items.get(k.parse::<usize>().ok()?)
        }
        (Seg::Index(i), Value::Array(items)) => items.get(*i),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Seg;

    /// The JSON pointer of a route, as `elements` once wrote it for `Value::pointer`.
    fn pointer(route: &Route) -> String {
        route
            .segs()
            .iter()
            .map(|s| match s {
                Seg::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
                Seg::Index(i) => format!("/{i}"),
            })
            .collect()
    }

    #[test]
    fn a_route_reads_what_its_json_pointer_reads() {
        let json = serde_json::json!({
            "risks": [{"id": "R1"}, {"id": "R2"}],
            "a/b": {"~x": [1, 2, 3]},
            "": {"": 7},
            "map": {"0": "zero", "01": "padded"},
        });
        let routes = [
            "",
            "/risks",
            "/risks/1/id",
            "/risks/2",
            "/risks/01",
            "/risks/+1",
            "/risks/-1",
            "/risks/0/id/x",
            "/a~1b/~0x/2",
            "/a~1b/~0x/3",
            "//",
            "/map/0",
            "/map/01",
            "/missing",
            "/risks/x",
        ];
        for written in routes {
            let route = Route::from_pointer(written);
            assert_eq!(
                at(&json, &route),
                json.pointer(&pointer(&route)),
                "{written}"
            );
        }
        let indexed = Route::root().key("risks").index(1).key("id");
        assert_eq!(at(&json, &indexed), Some(&serde_json::json!("R2")));
        assert_eq!(at(&json, &Route::root().key("risks").index(9)), None);
    }
}
