//! The direct evaluator (`expr::fast`) against CEL's interpreter on every rule of the built-in
//! checklists and this repository's own: over every shipped manifest, with its real evidence,
//! and every single-point mutation of it (each other JSON type at every node, keys removed and
//! added, items removed and repeated), wherever the direct evaluator answers it must answer
//! what the interpreter does. A rule it wrongly found true would pass a manifest that is not
//! ready.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use super::eval::{Env, elements};
use super::{Checklist, Rule, builtins};
use crate::evidence::{self, paths::Base};
use crate::expr::Scope;
use crate::expr::fast::Key;

#[derive(Default, Debug)]
struct Tally {
    evaluations: usize,
    answered: usize,
    /// Evaluations the interpreter finds true that the direct evaluator does not answer.
    true_unanswered: Vec<String>,
    /// Evaluations compared over a context of the fields the rule reads.
    partial: usize,
}

fn compare(rule: &Rule, env: &Env, element: Option<(&Value, Key<'_>)>, tally: &mut Tally) {
    let fast = rule.expr.decide(&env.vars(element));
    let interpreted = env.interpret(&rule.expr, element);
    tally.evaluations += 1;
    if let Some(answer) = fast {
        tally.answered += 1;
        assert_eq!(
            interpreted,
            Ok(answer),
            "`{}` on {:?}: the direct evaluator says {answer}",
            rule.expr.source,
            element.map(|e| e.0),
        );
    } else if interpreted == Ok(true) {
        tally.true_unanswered.push(rule.expr.source.clone());
    }
    if fast != Some(true) {
        // What a check then asks the interpreter, over a context holding only the fields the
        // rule reads, it answers as over the whole manifest.
        let whole = interpret(rule, env.cel(), element);
        let partial = interpret(rule, &env.context_for(rule), element);
        assert_eq!(
            partial,
            whole,
            "`{}` on {:?}",
            rule.expr.source,
            element.map(|e| e.0)
        );
        tally.partial += 1;
    }
}

/// A rule's answer, message and location over `ctx`.
type Interpreted = (Result<bool, String>, String, Option<Result<Value, String>>);

/// What the interpreter makes of a rule over `ctx`.
fn interpret(
    rule: &Rule,
    ctx: &cel::Context<'static, 'static>,
    element: Option<(&Value, Key<'_>)>,
) -> Interpreted {
    let run = |ctx: &cel::Context| {
        (
            rule.expr.eval_bool(ctx),
            rule.message.render(ctx),
            rule.location.as_ref().map(|l| {
                l.eval(ctx)
                    .map(|v| crate::expr::convert::to_json(&v))
                    .map_err(|e| e.to_string())
            }),
        )
    };
    match element {
        Some((it, key)) => run(&Env::element_scope(ctx, it, key)),
        None => run(ctx),
    }
}

fn compare_all(checklists: &[Arc<Checklist>], env: &Env, view: &Value, tally: &mut Tally) {
    for c in checklists {
        for rule in c.items.iter().flat_map(|i| &i.rules) {
            match &rule.each {
                None => compare(rule, env, None, tally),
                Some(each) => {
                    for element in elements(view, each) {
                        compare(rule, env, Some(element), tally);
                    }
                }
            }
        }
    }
}

#[test]
fn the_direct_evaluator_answers_every_rule_as_the_interpreter_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loader = super::Loader::default();
    let mut checklists = builtins().to_vec();
    let own = loader.load(&root.join(".launchgate/release-checklist.yaml"));
    checklists.push(own.as_ref().as_ref().unwrap().clone());
    let now = jiff::Timestamp::from_second(1_795_608_000).unwrap(); // 2026-11-25
    let (mut originals, mut mutated) = (Tally::default(), Tally::default());
    for rel in crate::schema::agreement::manifests() {
        let path = root.join(&rel);
        let json = crate::schema::agreement::to_json(&rel);
        let base = Base::for_manifest(&loader.dirs, &path).unwrap();
        let refs = crate::manifest::referenced_paths(&json);
        let cx = evidence::Context {
            manifest: &path,
            doc: &json,
            now_unix: now.as_second(),
        };
        let facts = evidence::collect_all(&base, &refs, &cx);
        let (files, evidence_doc) = facts.for_rules();
        let scope = Arc::new(Scope {
            today: now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
            files,
            dashboards: facts.dashboards.clone(),
            repo: Some(evidence::git::open(&base.root)),
            now_unix: now.as_second(),
            records: Some(evidence::recorded::Records::new(
                base.repo_relative(&path.file_name().unwrap().to_string_lossy()),
                Arc::new(crate::check::rule_view(json.clone())),
            )),
        });
        let stage = json
            .pointer("/service/stage")
            .and_then(Value::as_str)
            .unwrap_or("prod");
        let view = crate::check::rule_view(json.clone());
        let env = Env::new(scope.clone(), &view, &evidence_doc, stage);
        compare_all(&checklists, &env, &view, &mut originals);
        let tallies: Vec<Tally> = crate::schema::agreement::mutations(&json)
            .par_iter()
            .map(|variant| {
                let view = crate::check::rule_view(variant.clone());
                let env = Env::new(scope.clone(), &view, &evidence_doc, stage);
                let mut tally = Tally::default();
                compare_all(&checklists, &env, &view, &mut tally);
                tally
            })
            .collect();
        for t in tallies {
            mutated.evaluations += t.evaluations;
            mutated.answered += t.answered;
            mutated.true_unanswered.extend(t.true_unanswered);
            mutated.partial += t.partial;
        }
    }
    eprintln!("shipped manifests: {originals:?}");
    eprintln!(
        "mutations: {} evaluations, {} answered, {} true left to the interpreter, {} compared over the fields read",
        mutated.evaluations,
        mutated.answered,
        mutated.true_unanswered.len(),
        mutated.partial
    );
    assert!(mutated.partial > 1000, "{}", mutated.partial);
    // Every rule that holds on a shipped manifest is decided without the interpreter: the
    // direct evaluator covers what the built-in rules use.
    assert!(originals.evaluations > 1000, "{originals:?}");
    assert_eq!(originals.true_unanswered, Vec::<String>::new());
}
