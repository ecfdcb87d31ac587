//! A direct evaluator for rules over borrowed JSON, which answers only when it is sure a rule
//! holds.
//!
//! Almost every rule of a ready manifest holds, and building CEL's values and contexts for
//! them was most of a check's rule time: the interpreter converts each variable, function
//! result and element into its own boxed values and resolves every name by string. This
//! evaluator reads the manifest's and the evidence's JSON in place. It knows a subset of CEL
//! (literals, names, fields, `has()`, indexing, lists, the logical, comparison and arithmetic
//! operators on like-typed values, comprehensions such as `all()` and `exists()`, `size()`,
//! `double()`, the string tests and launchgate's functions) and gives up, answering `None`,
//! on anything else: a type it does not compare, an error, an overflow, a missing key. A rule
//! it does not find true is evaluated by the interpreter, which therefore alone decides every
//! failure, hold and message; the tests hold this evaluator to the interpreter's answer on
//! every built-in rule over every shipped manifest and its mutations.

use std::borrow::Cow;
use std::rc::Rc;

use cel::common::ast::{Expr as Ast, LiteralValue, operators};
use cel::parser::Expression;
use serde_json::Value as Json;

use super::Scope;

mod value;

use value::{V, add, equal, from_json, order, owned, within};

/// A rule compiled for this evaluator.
#[derive(Debug)]
pub struct Node(Kind);

#[derive(Debug)]
enum Kind {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Double(f64),
    Str(String),
    Ident(String),
    Select(Box<Node>, String),
    Has(Box<Node>, String),
    List(Vec<Node>),
    Call(Op, Vec<Node>),
    Fold(Box<Fold>),
}

/// A comprehension (what `all()`, `exists()`, `map()` and `filter()` expand to).
#[derive(Debug)]
struct Fold {
    range: Node,
    item: String,
    accu: String,
    init: Node,
    cond: Node,
    step: Node,
    result: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
    Not,
    Cond,
    NotStrictlyFalse,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Neg,
    Index,
    In,
    Size,
    Double,
    String,
    EndsWith,
    StartsWith,
    Contains,
    DaysSince,
    DaysUntil,
    Seconds,
    Minutes,
    IsUrl,
    IsLocalUrl,
    IsExampleUrl,
    File,
    HasHeading,
    SectionWords,
    SectionMentions,
    Steps,
    RawSteps,
    Words,
    Identity,
    SameIdentity,
    IsTeam,
    NamesTeam,
    IsEngineeringRole,
    WordCount,
    TimeZoneProblem,
    HoursProblem,
    NothingDone,
    NotInPlace,
    NoDependency,
    NamesOwn,
    DashboardMentions,
    KnownGood,
    IsAncestor,
    FileAgeDays,
    ChangedSinceReview,
    ChangedSinceRecorded,
}

/// The operator or function a call names: `(name, called on a target, arguments)`.
fn op(name: &str, member: bool, arity: usize) -> Option<Op> {
    use Op::*;
    let op = match (name, member, arity) {
        (operators::LOGICAL_AND, false, 2) => And,
        (operators::LOGICAL_OR, false, 2) => Or,
        (operators::LOGICAL_NOT, false, 1) => Not,
        (operators::CONDITIONAL, false, 3) => Cond,
        (operators::NOT_STRICTLY_FALSE, false, 1) => NotStrictlyFalse,
        (operators::EQUALS, false, 2) => Eq,
        (operators::NOT_EQUALS, false, 2) => Ne,
        (operators::LESS, false, 2) => Lt,
        (operators::LESS_EQUALS, false, 2) => Le,
        (operators::GREATER, false, 2) => Gt,
        (operators::GREATER_EQUALS, false, 2) => Ge,
        (operators::ADD, false, 2) => Add,
        (operators::SUBSTRACT, false, 2) => Sub,
        (operators::MULTIPLY, false, 2) => Mul,
        (operators::NEGATE, false, 1) => Neg,
        (operators::INDEX, false, 2) => Index,
        (operators::IN, false, 2) => In,
        ("size", _, 1) => Size,
        ("double", false, 1) => Double,
        ("string", false, 1) => String,
        ("endsWith", true, 2) => EndsWith,
        ("startsWith", true, 2) => StartsWith,
        ("contains", true, 2) => Contains,
        ("days_since", false, 1) => DaysSince,
        ("days_until", false, 1) => DaysUntil,
        ("seconds", false, 1) => Seconds,
        ("minutes", false, 1) => Minutes,
        ("is_url", false, 1) => IsUrl,
        ("is_local_url", false, 1) => IsLocalUrl,
        ("is_example_url", false, 1) => IsExampleUrl,
        ("file", false, 1) => File,
        ("has_heading", false, 2) => HasHeading,
        ("section_words", false, 2) => SectionWords,
        ("section_mentions", false, 2) => SectionMentions,
        ("steps", false, 1) => Steps,
        ("raw_steps", false, 1) => RawSteps,
        ("words", false, 1) => Words,
        ("identity", false, 1) => Identity,
        ("same_identity", false, 2) => SameIdentity,
        ("is_team", false, 2) => IsTeam,
        ("names_team", false, 2) => NamesTeam,
        ("is_engineering_role", false, 1) => IsEngineeringRole,
        ("word_count", false, 1) => WordCount,
        ("time_zone_problem", false, 1) => TimeZoneProblem,
        ("hours_problem", false, 1) => HoursProblem,
        ("nothing_done", false, 1) => NothingDone,
        ("not_in_place", false, 1) => NotInPlace,
        ("no_dependency", false, 1) => NoDependency,
        ("names_own", false, 2) => NamesOwn,
        ("dashboard_mentions", false, 2) => DashboardMentions,
        ("known_good", false, 1) => KnownGood,
        ("is_ancestor", false, 1) => IsAncestor,
        ("file_age_days", false, 1) => FileAgeDays,
        ("changed_since_review", false, 1) => ChangedSinceReview,
        ("changed_since_recorded", false, 2) => ChangedSinceRecorded,
        _ => return None,
    };
    Some(op)
}

/// Compiles a parsed expression; `None` when it uses what this evaluator does not know.
pub fn compile(e: &Expression) -> Option<Node> {
    let kind = match &e.expr {
        Ast::Literal(l) => match l {
            LiteralValue::Null => Kind::Null,
            LiteralValue::Boolean(b) => Kind::Bool(*b.inner()),
            LiteralValue::Int(i) => Kind::Int(*i.inner()),
            LiteralValue::UInt(u) => Kind::UInt(*u.inner()),
            LiteralValue::Double(d) => Kind::Double(*d.inner()),
            LiteralValue::String(s) => Kind::Str(s.inner().to_string()),
            LiteralValue::Bytes(_) => return None,
        },
        Ast::Ident(name) => Kind::Ident(name.clone()),
        Ast::Select(s) => {
            let operand = Box::new(compile(&s.operand)?);
            if s.test {
                Kind::Has(operand, s.field.clone())
            } else {
                Kind::Select(operand, s.field.clone())
            }
        }
        Ast::List(l) if l.optional_indices.is_empty() => {
            Kind::List(l.elements.iter().map(compile).collect::<Option<_>>()?)
        }
        Ast::Call(c) => {
            let member = c.target.is_some();
            let op = op(&c.func_name, member, c.args.len() + usize::from(member))?;
            let mut args = Vec::with_capacity(c.args.len() + 1);
            if let Some(target) = &c.target {
                args.push(compile(target)?);
            }
            for a in &c.args {
                args.push(compile(a)?);
            }
            Kind::Call(op, args)
        }
        Ast::Comprehension(c) => Kind::Fold(Box::new(Fold {
            range: compile(&c.iter_range)?,
            item: c.iter_var.clone(),
            accu: c.accu_var.clone(),
            init: compile(&c.accu_init)?,
            cond: compile(&c.loop_cond)?,
            step: compile(&c.loop_step)?,
            result: compile(&c.result)?,
        })),
        _ => return None,
    };
    Some(Node(kind))
}

/// What a rule reads: the manifest (as rules see it), the evidence, the stage, the element of
/// an `each` rule and its key, and the scope launchgate's functions read.
pub struct Vars<'a> {
    /// Evidence facts and time for the functions.
    pub scope: &'a Scope,
    /// `manifest`.
    pub manifest: &'a Json,
    /// `evidence`.
    pub evidence: &'a Json,
    /// `stage`.
    pub stage: &'a str,
    /// `it` and `key`, for an element of an `each` rule.
    pub element: Option<(&'a Json, Key<'a>)>,
}

/// The key of an `each` rule's element.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    /// A list's index.
    Index(i64),
    /// A map's key.
    Name(&'a str),
}

/// The boolean `node` evaluates to, when this evaluator can tell.
pub fn decide(node: &Node, vars: &Vars<'_>) -> Option<bool> {
    match eval(node, vars, &mut Vec::new())? {
        V::Bool(b) => Some(b),
        _ => None,
    }
}

type Locals<'a> = Vec<(&'a str, V<'a>)>;

fn lookup<'a>(name: &str, vars: &Vars<'a>, locals: &Locals<'a>) -> Option<V<'a>> {
    if let Some((_, v)) = locals.iter().rev().find(|(n, _)| *n == name) {
        return Some(v.clone());
    }
    match (name, vars.element) {
        ("it", Some((it, _))) => Some(from_json(it)),
        ("key", Some((_, Key::Index(i)))) => Some(V::Int(i)),
        ("key", Some((_, Key::Name(k)))) => Some(V::Str(Cow::Borrowed(k))),
        ("manifest", _) => Some(from_json(vars.manifest)),
        ("evidence", _) => Some(from_json(vars.evidence)),
        ("stage", _) => Some(V::Str(Cow::Borrowed(vars.stage))),
        _ => None,
    }
}

fn eval<'a>(node: &'a Node, vars: &Vars<'a>, locals: &mut Locals<'a>) -> Option<V<'a>> {
    match &node.0 {
        Kind::Null => Some(V::Null),
        Kind::Bool(b) => Some(V::Bool(*b)),
        Kind::Int(i) => Some(V::Int(*i)),
        Kind::UInt(u) => Some(V::UInt(*u)),
        Kind::Double(d) => Some(V::Double(*d)),
        Kind::Str(s) => Some(V::Str(Cow::Borrowed(s))),
        Kind::Ident(name) => lookup(name, vars, locals),
        Kind::Select(operand, field) => eval(operand, vars, locals)?.field(field),
        Kind::Has(operand, field) => {
            let v = eval(operand, vars, locals)?;
            Some(V::Bool(v.object()?.contains_key(field.as_str())))
        }
        Kind::List(items) => {
            let list = items
                .iter()
                .map(|n| eval(n, vars, locals))
                .collect::<Option<Vec<_>>>()?;
            Some(V::List(Rc::new(list)))
        }
        Kind::Call(op, args) => call(*op, args, vars, locals),
        Kind::Fold(f) => fold(f, vars, locals),
    }
}

fn fold<'a>(f: &'a Fold, vars: &Vars<'a>, locals: &mut Locals<'a>) -> Option<V<'a>> {
    let items = eval(&f.range, vars, locals)?.elements()?;
    let init = eval(&f.init, vars, locals)?;
    locals.push((f.accu.as_str(), init));
    let at = locals.len() - 1;
    for item in items {
        match eval(&f.cond, vars, locals)? {
            V::Bool(true) => {}
            V::Bool(false) => break,
            _ => return None,
        }
        locals.push((f.item.as_str(), item));
        let next = eval(&f.step, vars, locals)?;
        locals.pop();
        locals[at].1 = next;
    }
    let result = eval(&f.result, vars, locals)?;
    locals.truncate(at);
    Some(result)
}

fn boolean(v: V<'_>) -> Option<bool> {
    match v {
        V::Bool(b) => Some(b),
        _ => None,
    }
}

fn call<'a>(op: Op, args: &'a [Node], vars: &Vars<'a>, locals: &mut Locals<'a>) -> Option<V<'a>> {
    let mut arg = |i: usize| eval(&args[i], vars, locals);
    // The logical operators short-circuit as CEL's do; an error on either side gives up.
    match op {
        Op::And | Op::Or => {
            let decisive = op == Op::Or;
            if boolean(arg(0)?)? == decisive {
                return Some(V::Bool(decisive));
            }
            return Some(V::Bool(boolean(arg(1)?)?));
        }
        Op::Cond => {
            let branch = if boolean(arg(0)?)? { 1 } else { 2 };
            return arg(branch);
        }
        Op::In => {
            if let Kind::List(items) = &args[1].0 {
                // A list literal (`identity(it.role) in ['engineering', 'sre', ...]`) is
                // compared item by item, never built: rules hold lists of twenty names.
                let needle = arg(0)?;
                let mut found = false;
                for item in items {
                    found |= equal(&needle, &eval(item, vars, locals)?)?;
                }
                return Some(V::Bool(found));
            }
        }
        _ => {}
    }
    let a = arg(0)?;
    let b = if args.len() > 1 { Some(arg(1)?) } else { None };
    let scope = vars.scope;
    Some(match (op, b) {
        (Op::Not, None) => V::Bool(!boolean(a)?),
        (Op::NotStrictlyFalse, None) => V::Bool(boolean(a)?),
        (Op::Eq, Some(b)) => V::Bool(equal(&a, &b)?),
        (Op::Ne, Some(b)) => V::Bool(!equal(&a, &b)?),
        (Op::Lt, Some(b)) => V::Bool(order(&a, &b)?.is_lt()),
        (Op::Le, Some(b)) => V::Bool(order(&a, &b)?.is_le()),
        (Op::Gt, Some(b)) => V::Bool(order(&a, &b)?.is_gt()),
        (Op::Ge, Some(b)) => V::Bool(order(&a, &b)?.is_ge()),
        (Op::Add, Some(b)) => add(a, b)?,
        (Op::Sub, Some(b)) => match (a, b) {
            (V::Int(x), V::Int(y)) => V::Int(x.checked_sub(y)?),
            (V::UInt(x), V::UInt(y)) => V::UInt(x.checked_sub(y)?),
            (V::Double(x), V::Double(y)) => V::Double(x - y),
            _ => return None,
        },
        (Op::Mul, Some(b)) => match (a, b) {
            (V::Int(x), V::Int(y)) => V::Int(x.checked_mul(y)?),
            (V::UInt(x), V::UInt(y)) => V::UInt(x.checked_mul(y)?),
            (V::Double(x), V::Double(y)) => V::Double(x * y),
            _ => return None,
        },
        (Op::Neg, None) => match a {
            V::Int(x) => V::Int(x.checked_neg()?),
            V::Double(x) => V::Double(-x),
            _ => return None,
        },
        (Op::Index, Some(b)) => a.index(&b)?,
        (Op::In, Some(b)) => V::Bool(within(&a, &b)?),
        (Op::Size, None) => V::Int(a.size()?),
        (Op::Double, None) => match a {
            V::Int(x) => V::Double(x as f64),
            V::UInt(x) => V::Double(x as f64),
            V::Double(x) => V::Double(x),
            _ => return None,
        },
        // Only what a route is built from (`'signoffs[' + string(key) + ']'`); CEL's own
        // formatting of other values is left to the interpreter.
        (Op::String, None) => match a {
            V::Int(x) => V::Str(Cow::Owned(x.to_string())),
            V::UInt(x) => V::Str(Cow::Owned(x.to_string())),
            V::Str(s) => V::Str(s),
            _ => return None,
        },
        (Op::EndsWith, Some(b)) => V::Bool(a.str()?.ends_with(b.str()?)),
        (Op::StartsWith, Some(b)) => V::Bool(a.str()?.starts_with(b.str()?)),
        (Op::Contains, Some(b)) => V::Bool(a.str()?.contains(b.str()?)),
        (Op::DaysSince, None) => V::Int(scope.days_since(a.str()?).ok()?),
        (Op::DaysUntil, None) => V::Int(scope.days_until(a.str()?).ok()?),
        (Op::Seconds, None) => V::Int(super::seconds(a.str()?).ok()?),
        (Op::Minutes, None) => V::Int(super::minutes(a.str()?).ok()?),
        (Op::IsUrl, None) => V::Bool(super::is_url(a.str()?)),
        (Op::IsLocalUrl, None) => V::Bool(crate::manifest::is_local_url(a.str()?)),
        (Op::IsExampleUrl, None) => V::Bool(crate::manifest::is_example_url(a.str()?)),
        (Op::File, None) => match scope.files.get(a.str()?) {
            Some(facts) => from_json(facts),
            None => owned(&super::file_facts(a.str()?)),
        },
        (Op::HasHeading, Some(b)) => V::Bool(scope.has_heading(a.str()?, b.str()?)),
        (Op::SectionWords, Some(b)) => V::Int(scope.section_words(a.str()?, b.str()?)),
        (Op::SectionMentions, Some(b)) => {
            let names = scope.section_mentions(a.str()?, b.str()?);
            V::List(Rc::new(
                names.into_iter().map(|m| V::Str(Cow::Owned(m))).collect(),
            ))
        }
        (Op::Steps, None) => V::Int(scope.markdown_count(a.str()?, "steps")),
        (Op::RawSteps, None) => V::Int(scope.markdown_count(a.str()?, "raw_steps")),
        (Op::Words, None) => V::Int(scope.markdown_count(a.str()?, "words")),
        (Op::Identity, None) => V::Str(match a {
            // A handle read from the inputs stays borrowed when it is normalized already.
            V::Str(Cow::Borrowed(s)) => crate::identity::normalize(s),
            other => Cow::Owned(crate::identity::normalize(other.str()?).into_owned()),
        }),
        (Op::SameIdentity, Some(b)) => V::Bool(crate::identity::same(a.str()?, b.str()?)),
        (Op::IsTeam, Some(b)) => V::Bool(crate::identity::is_team(a.str()?, b.str()?)),
        (Op::NamesTeam, Some(b)) => V::Bool(crate::identity::names_team(a.str()?, b.str()?)),
        (Op::IsEngineeringRole, None) => V::Bool(crate::identity::is_engineering_role(a.str()?)),
        (Op::WordCount, None) => V::Int(crate::evidence::markdown::words_in(a.str()?) as i64),
        (Op::TimeZoneProblem, None) => V::Str(Cow::Owned(crate::hours::zone_problem(a.str()?))),
        (Op::HoursProblem, None) => V::Str(Cow::Owned(crate::hours::times_problem(a.str()?))),
        (Op::NothingDone, None) => V::Bool(crate::mitigation::nothing_done(a.str()?)),
        (Op::NotInPlace, None) => V::Bool(crate::mitigation::not_in_place(a.str()?)),
        (Op::NoDependency, None) => V::Bool(crate::dependency::no_dependency(a.str()?)),
        (Op::NamesOwn, Some(b)) => V::Bool(crate::dependency::names_own(a.str()?, b.str()?)),
        (Op::DashboardMentions, Some(b)) => {
            let titles = scope.dashboard_mentions(a.str()?, b.str()?).ok()?;
            let list = titles.into_iter().map(|t| V::Str(Cow::Owned(t))).collect();
            V::List(Rc::new(list))
        }
        (Op::KnownGood, None) => owned(&scope.known_good(a.str()?).ok()?),
        (Op::IsAncestor, None) => V::Bool(scope.is_ancestor(a.str()?).ok()?),
        (Op::FileAgeDays, None) => V::Int(scope.file_age_days(a.str()?).ok()?),
        (Op::ChangedSinceReview, None) => {
            V::Str(Cow::Owned(scope.changed_since_review(a.str()?).ok()?))
        }
        (Op::ChangedSinceRecorded, Some(b)) => V::Str(Cow::Owned(
            scope.changed_since_recorded(a.str()?, b.str()?).ok()?,
        )),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
