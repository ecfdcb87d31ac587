//! `launchgate explain ITEM` and `launchgate checklists`.

use std::path::Path;
use std::sync::Arc;

use crate::checklist::{self, Checklist, Loader};
use crate::error::Error;

fn extra(paths: &[String]) -> Result<Vec<Arc<Checklist>>, Error> {
    let loader = Loader::default();
    let mut out = checklist::builtins().to_vec();
    for p in paths {
        match loader.resolve(p, Path::new("")) {
            Some(r) => match r.as_ref() {
                Ok(c) => {
                    if !out.iter().any(|o| o.name == c.name) {
                        out.push(c.clone());
                    }
                }
                Err(e) => return Err(Error::Usage(e.to_string())),
            },
            None => return Err(Error::Usage(format!("unknown checklist `{p}`"))),
        }
    }
    Ok(out)
}

/// The text `explain` prints for an item, or `None` when no checklist defines it.
pub fn explain_text(id: &str, checklists: &[Arc<Checklist>]) -> Option<String> {
    let id = id.to_uppercase();
    if let Some(core) = crate::core::lookup(&id) {
        return Some(format!(
            "{} — {}\nchecklist: core (launchgate's own checks)   severity: error\n\nWhy it matters\n  {}\n\nHow to fix it\n  {}\n\nWaiving\n  Core items cannot be waived: fix the manifest.\n\nMore: {}\n",
            core.id,
            core.title,
            core.why,
            core.fix,
            crate::core::help_uri(core.id)
        ));
    }
    for c in checklists {
        let Some(item) = c.items.iter().find(|i| i.id == id) else {
            continue;
        };
        let stages = if item.applies_to.is_empty() {
            "all".to_string()
        } else {
            item.applies_to.join(", ")
        };
        let mut out = format!(
            "{} — {}\nchecklist: {} ({})   severity: {}   applies to stages: {stages}\n\nWhy it matters\n{}\n\nWhat satisfies it\n{}\n",
            item.id,
            item.title,
            c.name,
            c.origin,
            item.severity.as_str(),
            indent(&item.why),
            indent(&item.fix)
        );
        if let Some(example) = &item.example {
            out.push_str(&format!("\nExample\n{}\n", indent(example.trim_end())));
        }
        out.push_str("\nRules (CEL; the item fails at the first rule that does not hold)\n");
        for r in &item.rules {
            let each = r
                .each
                .as_ref()
                .map(|e| format!(" [for each {e}]"))
                .unwrap_or_default();
            out.push_str(&format!("  - {}{each}\n", r.expr.source));
        }
        out.push_str(&format!(
            "\nWaiving\n  When the item cannot be met yet, add an approved, expiring waiver to the manifest:\n\n    waivers:\n      - item: {}\n        reason: \"why it is acceptable for now, and the plan\"\n        approved_by: \"@approver\"\n        granted: 2026-11-24\n        expires: 2026-12-31\n\n  An expired waiver fails the check again.\n\nMore: {}\n",
            item.id,
            crate::core::help_uri(&item.id)
        ));
        return Some(out);
    }
    None
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `explain`: 0 when the item is known, an error (exit 2) otherwise.
pub fn run(id: &str, paths: &[String]) -> Result<i32, Error> {
    let checklists = extra(paths)?;
    match explain_text(id, &checklists) {
        Some(text) => {
            print!("{text}");
            Ok(0)
        }
        None => {
            let mut ids: Vec<String> = crate::core::CORE.iter().map(|c| c.id.to_string()).collect();
            ids.extend(
                checklists
                    .iter()
                    .flat_map(|c| c.items.iter().map(|i| i.id.clone())),
            );
            let hint = crate::schema::suggest(&id.to_uppercase(), &ids)
                .replace("Known keys here", "Known items");
            Err(Error::Usage(format!("unknown item `{id}`: {hint}")))
        }
    }
}

/// `checklists`: lists every checklist and its items.
pub fn list(paths: &[String]) -> Result<i32, Error> {
    let checklists = extra(paths)?;
    let mut out = String::new();
    for c in &checklists {
        out.push_str(&format!(
            "{} — {} ({}, {} items)\n",
            c.name,
            c.title,
            c.origin,
            c.items.len()
        ));
        for i in &c.items {
            let stages = if i.applies_to.is_empty() {
                "all".to_string()
            } else {
                i.applies_to.join(",")
            };
            out.push_str(&format!(
                "  {:<26} {:<8} {:<14} {}\n",
                i.id,
                i.severity.as_str(),
                stages,
                i.title
            ));
        }
        out.push('\n');
    }
    out.push_str("core — launchgate's own checks (always on, cannot be waived)\n");
    for c in crate::core::CORE {
        out.push_str(&format!(
            "  {:<26} {:<8} {:<14} {}\n",
            c.id, "error", "all", c.title
        ));
    }
    print!("{out}");
    Ok(0)
}

/// Every item as Markdown: the page `help_uri` links point at (`docs/items.md`).
pub fn items_markdown() -> String {
    items_markdown_with(|_| None)
}

/// [`items_markdown`] with extra Markdown after each item (`per_item` gets the item id); the
/// test suite adds the mutations that prove each item fails.
pub fn items_markdown_with(per_item: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::from(
        "# launchgate items\n\n<!-- Generated from checklists/*.yaml and src/core.rs by `cargo test --test docs` with UPDATE_DOCS=1. -->\n\n",
    );
    out.push_str("Run `launchgate explain ITEM` for the same text in a terminal.\n\n## Core items\n\nlaunchgate's own checks: always on, cannot be waived.\n\n");
    for c in crate::core::CORE {
        out.push_str(&format!(
            "### {}\n\n**{}**\n\n{}\n\n*Fix:* {}\n\n",
            c.id.to_lowercase(),
            c.title,
            c.why,
            c.fix
        ));
        out.extend(per_item(c.id));
    }
    for c in checklist::builtins() {
        out.push_str(&format!(
            "## Checklist `{}`: {}\n\n{}\n\n",
            c.name, c.title, c.description
        ));
        for i in &c.items {
            let stages = if i.applies_to.is_empty() {
                "all".to_string()
            } else {
                i.applies_to.join(", ")
            };
            out.push_str(&format!(
                "### {}\n\n**{}** ({}, stages: {stages})\n\n{}\n\n*What satisfies it:* {}\n\n",
                i.id.to_lowercase(),
                i.title,
                i.severity.as_str(),
                i.why,
                i.fix
            ));
            if let Some(example) = &i.example {
                out.push_str(&format!("```yaml\n{}\n```\n\n", example.trim_end()));
            }
            out.extend(per_item(&i.id));
        }
    }
    out
}
