//! The direct evaluator against CEL's interpreter: where it answers, it must answer as the
//! interpreter does; where the interpreter errs or the types are mixed, it must not answer.

use std::sync::Arc;

use serde_json::json;

use super::Key;
use crate::checklist::eval::Env;
use crate::expr::{Expr, Scope};

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
    let manifest = manifest();
    let evidence = json!({"alerts": {"rules": {"HighErrors": {"severity": "page"}}}});
    let env = Env::new(Arc::new(scope()), &manifest, &evidence, "prod");
    let expr = Expr::compile(src).unwrap();
    (
        expr.decide(&env.vars(element)),
        env.interpret(&expr, element),
    )
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
        ("'c' in ['a', 'b']", false),
        (
            "identity(manifest.signoffs[0].role) in ['sre', 'engineering', 'dev']",
            true,
        ),
        ("manifest.rollback.max_minutes in [1, 5]", true),
        ("'sev1' >= 'sev2' || 'sev1' < 'sev2'", true),
        (
            "1 <= 1 && 1 >= 1 && !(1 < 1) && !(1 > 1) && 1 == 1 && !(1 != 1)",
            true,
        ),
        (
            "'a' <= 'a' && 'a' >= 'a' && !('a' < 'a') && 2.5 <= 2.5 && -0.0 == 0.0",
            true,
        ),
        ("stage == 'prod' ? true : false", true),
        ("1 + 2 == 3 && 5 - 7 == -2 && -(3) == -3", true),
        (
            "2 * 3 == 6 && 1.5 * 2.0 == 3.0 && double(5) * 60.0 == 300.0",
            true,
        ),
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
        "'b' in ['a', 1, 'b']",
        "'a' in ['a', manifest.nope]",
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

/// Random expressions from a grammar of what rules are made of (and some of what the direct
/// evaluator does not know), over the fixture with and without an element: wherever the
/// direct evaluator answers, the interpreter gives the same boolean.
mod random {
    use proptest::prelude::*;

    use super::{Key, both, manifest};

    fn pick(options: &[&'static str]) -> BoxedStrategy<String> {
        prop::sample::select(options.to_vec())
            .prop_map(str::to_string)
            .boxed()
    }

    /// Integers, with what overflows, mixed numeric types, and names unbound here.
    fn int(depth: u32) -> BoxedStrategy<String> {
        let leaf = pick(&[
            "0",
            "1",
            "-1",
            "2",
            "9223372036854775807",
            "-9223372036854775808",
            "1u",
            "18446744073709551615u",
            "2.5",
            "manifest.rollback.max_minutes",
            "manifest.rollback.max",
            "manifest.rollback.big",
            "manifest.rollback.ratio",
            "manifest.owners.escalation[0].level",
            "it.level",
            "key",
            "x",
            "x.level",
            "manifest.rollback.none",
            "manifest.nope",
        ]);
        if depth == 0 {
            return leaf;
        }
        let d = depth - 1;
        prop_oneof![
            3 => leaf,
            1 => (int(d), pick(&["+", "-", "*"]), int(d)).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            1 => int(d).prop_map(|a| format!("-({a})")),
            1 => list(d).prop_map(|l| format!("size({l})")),
            1 => string(d).prop_map(|a| format!("size({a})")),
            1 => (pick(&["seconds", "minutes", "days_since", "days_until", "steps", "words"]), string(d))
                .prop_map(|(f, a)| format!("{f}({a})")),
            1 => (boolean(d), int(d), int(d)).prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            1 => (list(d), int(d)).prop_map(|(l, i)| format!("{l}[{i}]")),
        ]
        .boxed()
    }

    fn string(depth: u32) -> BoxedStrategy<String> {
        let leaf = pick(&[
            "''",
            "'a'",
            "'sev1'",
            "'sev2'",
            "'héllo'",
            "'@alice'",
            "'@Alice '",
            // A team handle and its bare slug (`is_team`).
            "'@acme/Team'",
            "'team'",
            "'r.md'",
            "'nope.md'",
            "'5m'",
            "'1h'",
            "'2026-11-02'",
            "'2026-02-30'",
            "'Mon-Fri 08:00-18:00 Europe/Berlin'",
            "'Mon-Fri 9-17'",
            "'engineering'",
            "'review'",
            // Dependencies that name none, a system, and the team's own (`no_dependency`,
            // `names_own`).
            "'no external dependencies'",
            "'the docs CDN'",
            "'our own team'",
            "'the team team'",
            "manifest.owners.primary",
            "manifest.owners.team",
            "manifest.uni",
            "manifest.owners.escalation[1].after",
            "manifest.signoffs[0].role",
            "stage",
            "it",
            "it.after",
            "key",
            "x",
            "x.role",
            "x.by",
            "manifest.runbooks.rollback.path",
        ]);
        if depth == 0 {
            return leaf;
        }
        let d = depth - 1;
        prop_oneof![
            3 => leaf,
            1 => (string(d), string(d)).prop_map(|(a, b)| format!("({a} + {b})")),
            1 => string(d).prop_map(|a| format!("identity({a})")),
            1 => (boolean(d), string(d), string(d)).prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            1 => (map(d), string(d)).prop_map(|(m, k)| format!("{m}[{k}]")),
        ]
        .boxed()
    }

    fn map(depth: u32) -> BoxedStrategy<String> {
        let leaf = pick(&[
            "manifest",
            "manifest.owners",
            "manifest.owners.response_sla",
            "manifest.runbooks",
            "evidence.alerts.rules",
            "file('r.md')",
            "file('nope.md')",
            "it",
            "x",
            "{}",
            "{'a': 1}",
            "known_good('HEAD~1')",
        ]);
        if depth == 0 {
            return leaf;
        }
        let d = depth - 1;
        prop_oneof![
            3 => leaf,
            1 => string(d).prop_map(|p| format!("file({p})")),
            1 => (list(d), int(d)).prop_map(|(l, i)| format!("{l}[{i}]")),
        ]
        .boxed()
    }

    fn list(depth: u32) -> BoxedStrategy<String> {
        let leaf = pick(&[
            "[]",
            "[1, 2, 3]",
            "['a', 'b']",
            "[1, 'a']",
            "[1, 2.5]",
            "manifest.signoffs",
            "manifest.tags",
            "manifest.owners.escalation",
            "file('r.md').markdown.headings",
            "['sev1', 'sev2', 'sev3', 'sev4']",
            "x",
        ]);
        if depth == 0 {
            return leaf;
        }
        let d = depth - 1;
        prop_oneof![
            3 => leaf,
            1 => (list(d), list(d)).prop_map(|(a, b)| format!("({a} + {b})")),
            1 => (list(d), pick(&["map"]), int(d)).prop_map(|(l, m, e)| format!("{l}.{m}(x, {e})")),
            1 => (list(d), boolean(d)).prop_map(|(l, b)| format!("{l}.filter(x, {b})")),
            1 => prop::collection::vec(int(d), 0..3).prop_map(|l| format!("[{}]", l.join(", "))),
            1 => prop::collection::vec(string(d), 0..3).prop_map(|l| format!("[{}]", l.join(", "))),
        ]
        .boxed()
    }

    fn boolean(depth: u32) -> BoxedStrategy<String> {
        let leaf = pick(&[
            "true",
            "false",
            "has(manifest.owners)",
            "has(manifest.backup)",
            "has(manifest.rollback.none)",
            "has(it.level)",
            "has(x.role)",
            "file('r.md').exists",
            "manifest.rollback.none == null",
            "x",
        ]);
        if depth == 0 {
            return leaf;
        }
        let d = depth - 1;
        let compare = pick(&["==", "!=", "<", "<=", ">", ">="]);
        prop_oneof![
            2 => leaf,
            1 => (boolean(d), pick(&["&&", "||", "==", "!="]), boolean(d))
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            1 => boolean(d).prop_map(|a| format!("!({a})")),
            1 => (int(d), compare.clone(), int(d)).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            1 => (string(d), compare.clone(), string(d)).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            // Equal operands, where `<` and `<=` differ.
            1 => (int(d), compare.clone()).prop_map(|(a, op)| format!("({a} {op} {a})")),
            1 => (string(d), compare).prop_map(|(a, op)| format!("({a} {op} {a})")),
            1 => (string(d), map(d)).prop_map(|(k, m)| format!("({k} in {m})")),
            1 => (int(d), list(d)).prop_map(|(k, l)| format!("({k} in {l})")),
            1 => (string(d), list(d)).prop_map(|(k, l)| format!("({k} in {l})")),
            1 => (map(d), pick(&["exists", "owners", "level", "sev1", "rollback"]))
                .prop_map(|(m, f)| format!("has({m}.{f})")),
            1 => (list(d), pick(&["all", "exists", "exists_one"]), boolean(d))
                .prop_map(|(l, m, b)| format!("{l}.{m}(x, {b})")),
            1 => (string(d), pick(&["startsWith", "endsWith", "contains"]), string(d))
                .prop_map(|(a, f, b)| format!("{a}.{f}({b})")),
            1 => (pick(&["same_identity", "has_heading", "is_team", "names_team", "names_own"]), string(d), string(d))
                .prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            1 => string(d).prop_map(|a| format!("is_url({a})")),
            1 => string(d).prop_map(|a| format!("is_engineering_role({a})")),
            1 => string(d).prop_map(|a| format!("is_local_url({a})")),
            1 => string(d).prop_map(|a| format!("is_example_url({a})")),
            1 => string(d).prop_map(|a| format!("(time_zone_problem({a}) == '')")),
            1 => string(d).prop_map(|a| format!("(hours_problem({a}) == '')")),
            1 => string(d).prop_map(|a| format!("nothing_done({a})")),
            1 => string(d).prop_map(|a| format!("no_dependency({a})")),
            1 => (map(d), pick(&["exists", "immutable"])).prop_map(|(m, f)| format!("{m}.{f}")),
            1 => (boolean(d), boolean(d), boolean(d)).prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
        ]
        .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn random_expressions_agree(src in boolean(3)) {
            if crate::expr::Expr::compile(&src).is_err() {
                return Ok(());
            }
            let m = manifest();
            let escalation = &m["owners"]["escalation"][1];
            let sla = &m["owners"]["response_sla"]["sev2"];
            for element in [None, Some((escalation, Key::Index(1))), Some((sla, Key::Name("sev2")))] {
                let (fast, cel) = both(&src, element);
                if let Some(answer) = fast {
                    prop_assert_eq!(cel, Ok(answer), "{}", src);
                }
            }
        }
    }
}
