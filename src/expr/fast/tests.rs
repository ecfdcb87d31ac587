//! The direct evaluator against CEL's interpreter: where it answers, it must answer as the
//! interpreter does; where the interpreter errs or the types are mixed, it must not answer.

use std::sync::Arc;

use serde_json::json;

use super::{Key, Vars, compile, decide};
use crate::expr::{Expr, Scope, context, convert::to_val};

fn scope() -> Scope {
    let files = json!({
        "r.md": {"exists": true, "markdown": {"headings": ["Rollback steps", "Escalation"], "steps": 3, "raw_steps": 5, "words": 120}},
        "empty.md": {"exists": true, "markdown": {"headings": [], "steps": 0}}
    });
    Scope {
        files: files.as_object().unwrap().clone(),
        ..Scope::bare("2026-11-24".parse().unwrap())
    }
}

fn manifest() -> serde_json::Value {
    json!({
        "service": {"name": "svc", "stage": "prod"},
        "owners": {"team": "@acme/pay", "primary": "@Alice", "secondary": "@bob",
                   "escalation": [{"level": 1, "after": "5m"}, {"level": 2, "after": "15m"}],
                   "response_sla": {"sev1": "15m", "sev2": "1h"}},
        "rollback": {"last_tested": "2026-11-02", "max_minutes": 5, "ratio": 0.5, "none": null,
                     "big": 18446744073709551615u64, "max": 9223372036854775807i64},
        "signoffs": [{"role": "Engineering", "by": "@carol", "date": "2026-11-20"},
                     {"role": "review", "by": "@dave", "date": "2026-11-21"}],
        "runbooks": {"rollback": {"path": "r.md"}, "comms": {"path": "nope.md"}},
        "tags": ["a", "b", 1],
        "uni": "héllo"
    })
}

/// The direct evaluator's answer and the interpreter's, for `src` over the fixture.
fn both(
    src: &str,
    element: Option<(&serde_json::Value, Key<'_>)>,
) -> (Option<bool>, Result<bool, String>) {
    let scope = Arc::new(scope());
    let manifest = manifest();
    let evidence = json!({"alerts": {"rules": {"HighErrors": {"severity": "page"}}}});
    let expr = Expr::compile(src).unwrap();
    let vars = Vars {
        scope: &scope,
        manifest: &manifest,
        evidence: &evidence,
        stage: "prod",
        element,
    };
    let fast = compile(&expr.expression).and_then(|n| decide(&n, &vars));
    let mut ctx = context(scope.clone());
    ctx.add_variable_as_val("manifest", to_val(&manifest));
    ctx.add_variable_as_val("evidence", to_val(&evidence));
    ctx.add_variable_from_value("stage", "prod");
    let mut inner = ctx.new_inner_scope();
    if let Some((it, key)) = element {
        inner.add_variable_as_val("it", to_val(it));
        match key {
            Key::Index(i) => inner.add_variable_from_value("key", i),
            Key::Name(k) => inner.add_variable_from_value("key", k),
        }
    }
    (fast, expr.eval_bool(&inner))
}

/// Answered by both alike.
fn answers(src: &str, want: bool) {
    let (fast, cel) = both(src, None);
    assert_eq!(cel, Ok(want), "interpreter on {src}");
    assert_eq!(fast, Some(want), "direct evaluator on {src}");
}

/// Left to the interpreter.
fn declines(src: &str) {
    let (fast, cel) = both(src, None);
    assert_eq!(
        fast, None,
        "direct evaluator on {src} (interpreter: {cel:?})"
    );
}

#[test]
fn answers_what_it_knows_as_the_interpreter_does() {
    for (src, want) in [
        ("has(manifest.owners) && has(manifest.owners.team)", true),
        ("has(manifest.backup)", false),
        ("has(manifest.rollback.none)", true),
        (
            "size(manifest.signoffs) > 0 && manifest.signoffs.size() == 2",
            true,
        ),
        ("size(manifest.uni) == 5", true),
        (
            "manifest.rollback.max_minutes == 5 && manifest.rollback.ratio < 1.0",
            true,
        ),
        ("double(manifest.rollback.max_minutes) <= 5.0", true),
        ("double(manifest.rollback.big) > 1.0", true),
        ("manifest.rollback.big == 18446744073709551615u", true),
        ("manifest.rollback.none == null", true),
        (
            "['monitoring', 'rollback'].all(k, k in manifest.runbooks)",
            false,
        ),
        ("['comms', 'rollback'].all(k, k in manifest.runbooks)", true),
        (
            "manifest.signoffs.exists(s, identity(s.role) == 'engineering')",
            true,
        ),
        ("manifest.signoffs.exists_one(s, s.role == 'review')", true),
        (
            "manifest.signoffs.map(s, s.by) == ['@carol', '@dave']",
            false,
        ),
        (
            "size(manifest.signoffs.filter(s, s.role == 'review')) == 1",
            true,
        ),
        ("manifest.owners.escalation[1].level == 2", true),
        (
            "seconds(manifest.owners.escalation[0].after) < seconds(manifest.owners.response_sla.sev1)",
            true,
        ),
        (
            "minutes('1h') == 60 && days_since(manifest.rollback.last_tested) == 22",
            true,
        ),
        ("days_until('2026-12-01') == 7", true),
        (
            "!same_identity(manifest.owners.primary, manifest.owners.secondary)",
            true,
        ),
        ("same_identity(manifest.owners.primary, '@alice ')", true),
        ("identity(manifest.owners.team).endsWith('/' + 'pay')", true),
        (
            "manifest.owners.team.startsWith('@acme') && manifest.owners.team.contains('pay')",
            true,
        ),
        ("is_url('https://x.example') && !is_url('x.md')", true),
        (
            "file('r.md').exists && size(file('r.md').markdown.headings) > 0",
            true,
        ),
        ("!file('nope.md').exists", true),
        ("size(file('empty.md').markdown.headings) > 0", false),
        (
            "steps('r.md') >= 2 && raw_steps('r.md') == 5 && words('r.md') >= 40",
            true,
        ),
        (
            "has_heading('r.md', 'ESCALAT') && !has_heading('r.md', 'comms')",
            true,
        ),
        ("'HighErrors' in evidence.alerts.rules", true),
        (
            "evidence.alerts.rules['HighErrors'].severity == 'page'",
            true,
        ),
        ("'a' in ['a', 'b']", true),
        ("'sev1' >= 'sev2' || 'sev1' < 'sev2'", true),
        ("stage == 'prod' ? true : false", true),
        ("1 + 2 == 3 && 5 - 7 == -2 && -(3) == -3", true),
        ("'a' + 'b' == 'ab'", true),
        ("[1] + [2] == [1, 2]", false),
        ("size([1] + [2]) == 2", true),
        ("false && manifest.nope", false),
        ("true || manifest.nope", true),
        ("known_good('HEAD~1').kind == 'expression'", true),
    ] {
        if src == "[1] + [2] == [1, 2]" || src.starts_with("manifest.signoffs.map") {
            // Lists compare in the interpreter only.
            declines(src);
            continue;
        }
        answers(src, want);
    }
}

#[test]
fn leaves_errors_and_mixed_types_to_the_interpreter() {
    for src in [
        // Missing keys, fields of non-maps, out-of-range indices.
        "manifest.backup.rpo == '1h'",
        "has(manifest.rollback.none.x)",
        "has(manifest.signoffs.x)",
        "manifest.owners.escalation[5].level == 1",
        "manifest.owners.escalation[-1].level == 1",
        "evidence.alerts.rules['Missing'].severity == 'page'",
        // Mixed numeric types and containers compared.
        "manifest.rollback.max_minutes == 5.0",
        "manifest.rollback.max_minutes == 5u",
        "manifest.rollback.max_minutes < 5.5",
        "manifest.owners == manifest.owners",
        "1 in manifest.tags",
        "'a' in manifest.tags",
        "true < false",
        // Errors and overflows.
        "manifest.rollback.max + 1 > 0",
        "-(manifest.rollback.max) - 2 < 0",
        "days_since('2026-02-30') == 0",
        "seconds('soon') > 0",
        "known_good('v1.4.2').immutable",
        "dashboard_mentions('d.json', 'x') == []",
        "is_ancestor('HEAD')",
        "file_age_days('r.md') < 30",
        // Not booleans; what it does not know.
        "1 + 1",
        "manifest.uni.matches('^h')",
        "int('1') == 1",
        "timestamp('2026-01-01T00:00:00Z') < now",
        "manifest.nope || true",
        "file(1).exists",
    ] {
        declines(src);
    }
}

#[test]
fn each_elements_bind_it_and_key() {
    let manifest = manifest();
    let escalation = manifest["owners"]["escalation"].as_array().unwrap();
    for (i, e) in escalation.iter().enumerate() {
        for src in [
            "it.level == key + 1",
            "key == 0 || seconds(it.after) > seconds(manifest.owners.escalation[key - 1].after)",
        ] {
            let (fast, cel) = both(src, Some((e, Key::Index(i as i64))));
            assert_eq!(cel, Ok(true), "{src} at {i}");
            assert_eq!(fast, Some(true), "{src} at {i}");
        }
    }
    let sla = manifest["owners"]["response_sla"].as_object().unwrap();
    for (k, v) in sla {
        let src = "['sev1', 'sev2', 'sev3', 'sev4'].all(k, k >= key || !(k in manifest.owners.response_sla) || seconds(manifest.owners.response_sla[k]) <= seconds(it))";
        let (fast, cel) = both(src, Some((v, Key::Name(k))));
        assert_eq!(cel, Ok(true), "{k}");
        assert_eq!(fast, Some(true), "{k}");
    }
    // A comprehension's variable shadows `it`.
    let (fast, cel) = both(
        "manifest.signoffs.exists(it, it.by == '@dave') && it == 'x'",
        Some((&json!("x"), Key::Index(0))),
    );
    assert_eq!((fast, cel), (Some(true), Ok(true)));
    // Without an element, `it` is unknown to both.
    let (fast, cel) = both("it == 1", None);
    assert_eq!(fast, None);
    assert!(cel.is_err());
}
