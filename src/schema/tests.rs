use super::*;
use crate::source::SourceFile;
use crate::yaml::{Limits, parse};
use std::path::Path;

fn violations(text: &str) -> Vec<Violation> {
    let src = SourceFile::new(Path::new("m.yaml"), "m.yaml".into(), text.into());
    let root = parse(&src, &Limits::default()).unwrap();
    Schema::get(Which::Manifest).validate(&root, &root.to_json())
}

#[test]
fn embedded_schemas_compile() {
    for which in [
        Which::Manifest,
        Which::Checklist,
        Which::Report,
        Which::Policy,
    ] {
        let _ = Schema::get(which);
    }
}

#[test]
fn unknown_key_points_at_the_key_with_a_suggestion() {
    let v = violations("version: 1\nservice: {name: a, stage: prod}\nowners:\n  primry: \"@a\"\n");
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].message, "unknown key `primry` in `owners`");
    assert_eq!((v[0].span.start.line, v[0].span.start.column), (4, 3));
    assert!(
        v[0].help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `primary`?")
    );
}

#[test]
fn enum_and_type_errors_point_at_the_value() {
    let v = violations("version: 1\nservice:\n  name: a\n  stage: production\n  tier: high\n");
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(v[0].span.start.line, 4);
    assert_eq!(v[0].span.start.column, 10);
    assert!(
        v[0].message
            .contains("\"production\" is not an allowed value for `service.stage`")
    );
    assert_eq!(v[1].span.start.line, 5);
    assert!(
        v[1].message
            .contains("must be of type integer; found a string"),
        "{}",
        v[1].message
    );
}

#[test]
fn a_value_of_neither_allowed_type_is_one_error_naming_both() {
    // A gate is a string or an object; the schema's `else` asks an object of what is no
    // string, so jsonschema reports a boolean twice, once with "types" in the plural.
    let v = violations(
        "version: 1\nservice: {name: a, stage: prod}\nrollout:\n  phases:\n    - name: c\n      traffic: 5\n      gates: [true]\n",
    );
    let gates: Vec<&str> = v
        .iter()
        .filter(|v| v.path.contains("gates"))
        .map(|v| v.message.as_str())
        .collect();
    assert_eq!(
        gates,
        ["`rollout.phases[0].gates[0]` must be of type string or object; found a boolean"],
        "{v:?}"
    );
}

#[test]
fn every_shipped_pattern_is_said_in_words() {
    fn patterns(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(p)) = m.get("pattern") {
                    out.push(p.clone());
                }
                m.values().for_each(|v| patterns(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| patterns(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for which in [
        Which::Manifest,
        Which::Checklist,
        Which::Policy,
        Which::Report,
    ] {
        patterns(Schema::get(which).doc(), &mut found);
    }
    assert!(found.len() >= 15, "{found:?}");
    for p in found {
        assert!(pattern_phrase(&p).is_some(), "no words for the pattern {p}");
    }
    let v = violations(
        "version: 1\nservice: {name: a, stage: prod}\nowners: {primary: alice}\ncomms: {update_interval: 30 minutes}\n",
    );
    let messages: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`owners.primary`: \"alice\" is not a GitHub handle: `@` and a user (`@alice`) or a team (`@org/team`)",
            "`comms.update_interval`: \"30 minutes\" is not a duration: one or more number-and-unit pairs, the unit s, m, h, d or w (`30s`, `15m`, `1h30m`, `7d`)",
        ]
    );
}

#[test]
fn numeric_bounds_say_the_bound_in_words() {
    let v = violations(
        "version: 1\nservice: {name: a, stage: prod, tier: 9}\nrollback: {max_minutes: 0}\n",
    );
    let messages: Vec<&str> = v.iter().map(|v| v.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "`service.tier` must be at most 4; found 9",
            "`rollback.max_minutes` must be more than 0; found 0",
        ]
    );
}

#[test]
fn missing_required_key_points_at_the_parent() {
    let v = violations("version: 1\nservice:\n  name: a\n");
    assert_eq!(v.len(), 1);
    assert_eq!(
        v[0].message,
        "`service` is missing the required key `stage`"
    );
    assert_eq!(v[0].span.start.line, 2);
}

#[test]
fn impossible_dates_are_rejected() {
    let v = violations(
        "version: 1\nservice: {name: a, stage: prod}\nrollback: {last_tested: 2026-02-30}\n",
    );
    assert_eq!(v.len(), 1);
    assert!(v[0].message.contains("not a calendar date"));
}

#[test]
fn names_are_bounded_in_length_and_the_bound_is_named() {
    // The patterns say which characters; `maxLength` says how many (a counted repetition in
    // the pattern would cost the regex compiler about a millisecond at every start).
    let manifest = |name: &str, role: &str| {
        format!(
            "version: 1\nservice: {{name: {name}, stage: prod}}\nsignoffs:\n  - {{role: {role}, by: \"@a\", date: 2026-11-02}}\n"
        )
    };
    let at_limit = violations(&manifest(&"a".repeat(100), &"r".repeat(50)));
    assert!(at_limit.is_empty(), "{at_limit:?}");
    let over = violations(&manifest(&"a".repeat(101), &"r".repeat(51)));
    let paths: Vec<&str> = over.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["service.name", "signoffs[0].role"], "{over:?}");
    assert!(
        over[0].message.contains("longer than 100 characters"),
        "{over:?}"
    );
    assert!(
        over[1].message.contains("longer than 50 characters"),
        "{over:?}"
    );
    // The value is quoted cut, as other messages quote it: a 4 KB query is not repeated.
    assert_eq!(
        over[0].message,
        format!(
            "`service.name`: \"{}... is longer than 100 characters",
            "a".repeat(56)
        )
    );
    // The first character is still constrained, and a name cannot be empty.
    for bad in ["-a", "A", "\"\""] {
        let v = violations(&manifest(bad, "r"));
        assert_eq!(v.len(), 1, "{bad}: {v:?}");
        assert!(
            v[0].message.contains("must be lower-case letters"),
            "{bad}: {v:?}"
        );
    }
}

#[test]
fn runbook_errors_are_precise() {
    let v = violations(
        "version: 1\nservice: {name: a, stage: prod}\nrunbooks:\n  rollback: {path: r.md, reviewed_by: alice}\n",
    );
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].path, "runbooks.rollback.reviewed_by");
}
