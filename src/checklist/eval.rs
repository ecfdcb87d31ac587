//! Evaluating checklist items over a manifest and its evidence.

use cel::Context;
use serde_json::Value;

use super::{Checklist, Item, Rule};
use crate::expr::convert::to_val;
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

/// Evaluates every applicable item of a checklist: one pass finding per satisfied item, one
/// fail finding per violation otherwise.
pub fn evaluate(checklist: &Checklist, subject: &Subject, ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in checklist.items.iter().filter(|i| i.applies(subject.stage)) {
        out.extend(evaluate_item(item, subject, ctx));
    }
    out
}

fn evaluate_item(item: &Item, subject: &Subject, ctx: &Context) -> Vec<Finding> {
    for rule in &item.rules {
        let failures = evaluate_rule(item, rule, subject, ctx);
        if !failures.is_empty() {
            return failures;
        }
    }
    vec![item.passed()]
}

fn evaluate_rule(item: &Item, rule: &Rule, subject: &Subject, ctx: &Context) -> Vec<Finding> {
    let Some(each) = &rule.each else {
        return check_one(item, rule, subject, ctx, &Route::root())
            .into_iter()
            .collect();
    };
    let mut out = Vec::new();
    match subject.json.pointer(&pointer(each)) {
        Some(Value::Array(elements)) => {
            for (i, element) in elements.iter().enumerate() {
                let mut scope = ctx.new_inner_scope();
                scope.add_variable_as_val("it", to_val(element));
                scope.add_variable_from_value("key", i as i64);
                out.extend(check_one(item, rule, subject, &scope, &each.index(i)));
            }
        }
        Some(Value::Object(entries)) => {
            for (k, element) in entries {
                let mut scope = ctx.new_inner_scope();
                scope.add_variable_as_val("it", to_val(element));
                scope.add_variable_from_value("key", k.as_str());
                out.extend(check_one(item, rule, subject, &scope, &each.key(k)));
            }
        }
        _ => {}
    }
    out
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
    let mut finding = Finding::new(
        &item.id,
        &item.title,
        item.severity,
        outcome,
        rule.message.render(ctx),
    )
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

fn pointer(route: &Route) -> String {
    use crate::yaml::Seg;
    route
        .segs()
        .iter()
        .map(|s| match s {
            Seg::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => format!("/{i}"),
        })
        .collect()
}
