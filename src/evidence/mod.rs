//! Evidence: facts about the repository that checklist rules read as `evidence`.
//!
//! Each source adds its own key to the facts document (`files` here; later sources add theirs),
//! so checklists gain evidence without changes to the rule engine.

pub mod markdown;
pub mod paths;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::manifest::PathRef;
pub use paths::{Base, PathProblem};

/// What is known about one file the manifest names.
#[derive(Debug, Clone, Serialize)]
pub struct FileFacts {
    /// Whether it resolves to a readable regular file inside the repository.
    pub exists: bool,
    /// Why not, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Repository-relative path.
    pub repo_path: String,
    /// Markdown facts, for `.md` files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<markdown::MarkdownFacts>,
    /// Typed problem, for core findings; not part of the facts document.
    #[serde(skip)]
    pub error: Option<PathProblem>,
}

/// All evidence about one manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// Facts per referenced path, keyed by the path as written in the manifest.
    pub files: BTreeMap<String, FileFacts>,
}

/// Gathers file facts for every referenced path.
pub fn collect(base: &Base, refs: &[PathRef]) -> Facts {
    let mut facts = Facts::default();
    for r in refs {
        if facts.files.contains_key(&r.path) {
            continue;
        }
        let repo_path = base.repo_relative(&r.path);
        let result = if r.path.ends_with(".md") || r.path.ends_with(".markdown") {
            base.read_text(&r.path)
                .map(|(_, text)| Some(markdown::facts(&text)))
        } else {
            base.check_readable(&r.path).map(|_| None)
        };
        let file = match result {
            Ok(markdown) => FileFacts {
                exists: true,
                problem: None,
                repo_path,
                markdown,
                error: None,
            },
            Err(e) => FileFacts {
                exists: false,
                problem: Some(e.to_string()),
                repo_path,
                markdown: None,
                error: Some(e),
            },
        };
        facts.files.insert(r.path.clone(), file);
    }
    facts
}

impl Facts {
    /// The facts document rules see as `evidence`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
