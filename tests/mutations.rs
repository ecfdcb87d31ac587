//! The mutation matrix: every item in docs/items.md is proven to fail by edits of the passing
//! example (`tests/mutations.yaml`), including edits a naive check would let through, and each
//! edit fails exactly the items written beside it.

mod common;

use std::collections::BTreeSet;

use common::mutations::{self, Mutation};
use common::{NOW, launchgate, root};
use rayon::prelude::*;

/// Items that fail with `severity` in a `check --format json` report.
fn failing(report: &serde_json::Value, severity: &str) -> BTreeSet<String> {
    report["manifests"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| m["findings"].as_array().into_iter().flatten())
        .filter(|f| f["outcome"] == "fail" && f["severity"] == severity)
        .filter_map(|f| f["item"].as_str().map(str::to_string))
        .collect()
}

fn check(dir: &std::path::Path) -> (i32, serde_json::Value) {
    let out = launchgate()
        .args(["check", "--format", "json", "--now", NOW])
        .arg(dir)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// Every item the docs list: core items and the built-in checklists' items.
fn documented_items() -> Vec<String> {
    let mut items: Vec<String> = launchgate::core::CORE
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    for c in launchgate::checklist::builtins() {
        items.extend(c.items.iter().map(|i| i.id.clone()));
    }
    items
}

#[test]
fn every_item_has_a_failing_and_a_naive_mutation() {
    let all = mutations::load(&root());
    let mut missing = Vec::new();
    for item in documented_items() {
        let mine: Vec<&Mutation> = all.iter().filter(|m| m.item == item).collect();
        if mine.is_empty() {
            missing.push(format!("{item}: no mutation"));
        } else if !mine.iter().any(|m| m.naive) {
            missing.push(format!("{item}: no mutation a naive check would pass"));
        }
    }
    let known: BTreeSet<String> = documented_items().into_iter().collect();
    for m in &all {
        if !known.contains(&m.item) {
            missing.push(format!("{}: not an item ({})", m.item, m.what));
        }
        if !m.fails.contains(&m.item) && !m.warns.contains(&m.item) {
            missing.push(format!(
                "{}: `fails` (or `warns`, for a warning) must list the item itself ({})",
                m.item, m.what
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "tests/mutations.yaml:\n{}",
        missing.join("\n")
    );
}

#[test]
fn each_mutation_fails_exactly_the_items_written_beside_it() {
    let base = mutations::base();
    let (code, report) = check(base.path());
    assert_eq!(code, 0, "the base must pass: {report:#}");

    let all = mutations::load(&root());
    let wrong: Vec<String> = all
        .par_iter()
        .filter_map(|m| {
            let dir = tempfile::tempdir().unwrap();
            common::copy_dir(base.path(), dir.path());
            mutations::apply(m, dir.path());
            let (code, report) = check(dir.path());
            let expected: BTreeSet<String> = m.fails.iter().cloned().collect();
            let warned: BTreeSet<String> = m.warns.iter().cloned().collect();
            let actual = failing(&report, "error");
            let warnings = failing(&report, "warning");
            // A warning alone never blocks.
            let exit = if expected.is_empty() { 0 } else { 1 };
            (code != exit || actual != expected || warnings != warned).then(|| {
                format!(
                    "{} / {}: exit {code}, expected {expected:?} and warnings {warned:?}, \
                     failing {actual:?} and warnings {warnings:?}",
                    m.item, m.what
                )
            })
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} mutations:\n{}",
        wrong.len(),
        all.len(),
        wrong.join("\n")
    );
}
