//! The generated validators against validators compiled from the same text at run time:
//! every shipped document, and every single-point mutation of it, must get the same errors
//! from both (instance path, schema path and message, in any order: `Schema::validate` sorts
//! them), so that a code generation bug can neither let a manifest through nor change what a
//! finding says.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Schema, Which, compile};
use crate::source::SourceFile;
use crate::yaml::{Limits, parse};

/// The documents of each kind this repository ships (relative to the crate root).
fn shipped(which: Which) -> Vec<String> {
    let listed: &[&str] = match which {
        Which::Manifest => return manifests(),
        Which::Checklist => &[
            "checklists/production.yaml",
            "checklists/launch.yaml",
            ".launchgate/release-checklist.yaml",
        ],
        Which::Policy => &[".launchgate.yaml", "src/policy/default.yaml"],
        Which::Report => &[],
    };
    listed.iter().map(|s| s.to_string()).collect()
}

/// The repository's own manifest and every example's.
pub(crate) fn manifests() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec!["readiness.yaml".to_string()];
    let mut walk = vec![root.join("examples")];
    while let Some(dir) = walk.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk.push(path);
            } else if path.file_name().is_some_and(|n| n == "readiness.yaml") {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

pub(crate) fn to_json(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let src = SourceFile::new(&path, rel.to_string(), text);
    parse(&src, &Limits::default()).unwrap().to_json()
}

/// Single-point edits of `doc`: at each node, a value of each other type, a long string, a
/// string that is no date, an unknown key and each key removed.
pub(crate) fn mutations(doc: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    mutate(doc, &mut |edit| out.push(edit(doc.clone())));
    out
}

type Edit<'a> = &'a mut dyn FnMut(&dyn Fn(Value) -> Value);

fn mutate(node: &Value, emit: Edit<'_>) {
    let replacements = [
        json!(null),
        json!(true),
        json!(-1),
        json!(2.5),
        json!(""),
        json!("2026-02-30"),
        json!("x".repeat(300)),
        json!("@"),
        json!([]),
        json!({}),
    ];
    for r in replacements {
        if &r != node {
            emit(&move |_| r.clone());
        }
    }
    match node {
        Value::Object(map) => {
            emit(&|v| with_object(v, |m| _ = m.insert("unknwon".into(), json!(1))));
            for key in map.keys() {
                let k = key.clone();
                emit(&move |v| with_object(v, |m| _ = m.remove(&k)));
                let k = key.clone();
                mutate(&map[key], &mut |edit| {
                    emit(&|v| with_object(v, |m| _ = m.insert(k.clone(), edit(m[&k].clone()))))
                });
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                let first = first.clone();
                emit(&move |v| with_array(v, |a| a.push(first.clone())));
            }
            for (i, item) in items.iter().enumerate() {
                emit(&move |v| with_array(v, |a| _ = a.remove(i)));
                mutate(item, &mut |edit| {
                    emit(&|v| with_array(v, |a| a[i] = edit(a[i].clone())))
                });
            }
        }
        _ => {}
    }
}

fn with_object(mut v: Value, f: impl FnOnce(&mut Map<String, Value>)) -> Value {
    f(v.as_object_mut().unwrap());
    v
}

fn with_array(mut v: Value, f: impl FnOnce(&mut Vec<Value>)) -> Value {
    f(v.as_array_mut().unwrap());
    v
}

fn errors(it: jsonschema::ErrorIterator<'_>) -> Vec<String> {
    let mut all: Vec<String> = it
        .map(|e| {
            format!(
                "{} | {} | {e}",
                e.instance_path().as_str(),
                e.schema_path().as_str()
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn generated_validators_agree_with_compiled_ones() {
    for which in [Which::Manifest, Which::Checklist, Which::Policy] {
        let generated = Schema::get(which);
        let compiled = compile(which.text());
        let (mut docs, mut invalid) = (0, 0);
        for rel in shipped(which) {
            let doc = to_json(&rel);
            assert!(generated.is_valid(&doc), "{rel} is shipped valid");
            for variant in std::iter::once(doc.clone()).chain(mutations(&doc)) {
                let want = errors(compiled.iter_errors(&variant));
                assert_eq!(
                    generated.is_valid(&variant),
                    want.is_empty(),
                    "{which:?} {rel}: {variant}"
                );
                assert_eq!(
                    errors(generated.iter_errors(&variant)),
                    want,
                    "{which:?} {rel}: {variant}"
                );
                docs += 1;
                invalid += usize::from(!want.is_empty());
            }
        }
        eprintln!("{which:?}: {invalid} of {docs} documents invalid");
        // The mutations must reach the schemas' keywords, not just bounce off the top level.
        assert!(
            docs > 200 && invalid * 2 > docs,
            "{which:?}: {invalid} of {docs}"
        );
    }
}
