//! launchgate: a release-readiness gate for CI.
//!
//! A readiness manifest (YAML) is validated against a JSON Schema, checked against checklists
//! over the manifest and the repository's evidence, and its rollout phases are gated on status
//! and event history. Every check produces findings in one [`report::Report`]; renderers format it.

pub mod check;
pub mod checklist;
pub mod cli;
pub mod core;
pub mod dependency;
pub mod dirs;
pub mod discover;
pub mod duration;
pub mod error;
pub mod evidence;
pub mod explain;
pub mod expr;
pub mod freshness;
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
pub mod hours;
pub mod identity;
pub mod init;
pub mod manifest;
pub mod mitigation;
pub mod numbers;
pub mod policy;
pub mod prometheus;
pub mod recent;
pub mod render;
pub mod report;
pub mod schema;
pub mod scorecard;
pub mod source;
pub mod spelling;
pub mod unique;
pub mod waiver;
pub mod yaml;
