//! The facts evidence collection gathers for one manifest, and the form rules read them in.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::{PathProblem, RunbookRelease, alerts, claims, dashboards, git, markdown, naming};
use crate::source::SourceFile;

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
    /// The path (as written) of an earlier Markdown file of the manifest with the same words,
    /// whitespace aside, or edited only a little (`copy_edited`): this one is a copy of it
    /// (another name for the same file is not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<String>,
    /// The copy's headings or a few words of the rest differ from the original's (see
    /// [`markdown::edited_copy`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub copy_edited: bool,
    /// The dates (`YYYY-MM-DD`) the file's name and first Markdown heading carry, each once:
    /// the day a record of an event (a rehearsal's notes) says it is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dated: Vec<String>,
    /// The `runbooks` places (keys, sorted) that name this file, and `rehearsal` when the
    /// rehearsal's notes are this file (with `alert` when a required alert's runbook is too),
    /// however each writes its path, when more than one does: one file serving two
    /// procedures, or a procedure taken for a rehearsal's record.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    /// Git facts (tracked, last change), when the repository is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<git::FileGit>,
    /// CODEOWNERS owners, when the repository has a CODEOWNERS file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<String>>,
    /// Typed problem, for core findings; not part of the facts document.
    #[serde(skip)]
    pub error: Option<PathProblem>,
}

/// All evidence about one manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// Facts per referenced path, keyed by the path as written in the manifest.
    pub files: BTreeMap<String, FileFacts>,
    /// Repository facts, and what `rollback.known_good` names.
    pub git: GitFacts,
    /// Prometheus alerting rules from `alerts.rules`.
    pub alerts: alerts::AlertFacts,
    /// Grafana dashboards named by telemetry signals, by path as written.
    pub dashboards: BTreeMap<String, dashboards::Dashboard>,
    /// CODEOWNERS facts.
    pub codeowners: OwnersFacts,
    /// Another release of `rollback.known_good`'s family the rollback runbook sends its
    /// reader to, when it never names the known-good one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_release: Option<RunbookRelease>,
    /// A row of the incident runbook's escalation table that engages another contact, or
    /// after another time, than `owners.escalation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_escalation: Option<markdown::escalation::Escalated>,
    /// A status page or channel the message templates name instead of `comms`'s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates_elsewhere: Option<markdown::addresses::Elsewhere>,
    /// A line of the support runbook that states other support hours than
    /// `owners.support_hours`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_hours: Option<markdown::hours::OtherHours>,
    /// A step of the incident runbook that posts updates at another interval than
    /// `comms.update_interval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_cadence: Option<markdown::Update>,
    /// The runbooks that name nothing of their service.
    #[serde(skip)]
    pub naming: naming::Naming,
    /// Alerts the risks' mitigations rest on that no rule file defines, by the risk's index.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub risk_alerts: BTreeMap<String, claims::RiskAlert>,
    /// Texts findings may point into besides the rule files: the rollback runbook and the
    /// message templates, when findings may point at their lines.
    #[serde(skip)]
    pub sources: Vec<Arc<SourceFile>>,
}

/// Git facts of the manifest's repository.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GitFacts {
    /// The repository.
    #[serde(flatten)]
    pub repo: Option<git::RepoFacts>,
    /// `rollback.known_good`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_good: Option<git::RefFacts>,
    /// Evaluation time, unix seconds (for ages).
    pub now_unix: i64,
}

/// CODEOWNERS facts.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OwnersFacts {
    /// The repository has a CODEOWNERS file.
    pub present: bool,
    /// Which one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Owners of the manifest itself.
    pub manifest: Vec<String>,
    /// Lines GitHub skips as invalid ("line N: why").
    pub skipped: Vec<String>,
    /// Why the CODEOWNERS file that is there cannot be used, when it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Facts {
    /// What rules see: the facts of each referenced file by path as written (for `file()`,
    /// `steps()`, ...), and `evidence` (git, alerts, CODEOWNERS, the rollback runbook's
    /// release, the incident runbook's escalation). Dashboards stay typed: only
    /// `dashboard_mentions()` reads them.
    pub fn for_rules(
        &self,
    ) -> (
        serde_json::Map<String, serde_json::Value>,
        serde_json::Value,
    ) {
        let files = match serde_json::to_value(&self.files) {
            Ok(serde_json::Value::Object(files)) => files,
            _ => serde_json::Map::new(),
        };
        let mut evidence = serde_json::json!({
            "git": &self.git,
            "alerts": &self.alerts,
            "codeowners": &self.codeowners,
        });
        // Absent, not null, when there is none: rules ask `has(evidence.runbook_release)`.
        if let Some(map) = evidence.as_object_mut() {
            let verdicts = [
                (
                    "runbook_release",
                    serde_json::to_value(&self.runbook_release),
                ),
                (
                    "runbook_escalation",
                    serde_json::to_value(&self.runbook_escalation),
                ),
                (
                    "templates_elsewhere",
                    serde_json::to_value(&self.templates_elsewhere),
                ),
                ("runbook_hours", serde_json::to_value(&self.runbook_hours)),
                (
                    "runbook_cadence",
                    serde_json::to_value(&self.runbook_cadence),
                ),
                ("risk_alerts", serde_json::to_value(&self.risk_alerts)),
                (
                    "runbooks_unnamed",
                    serde_json::to_value(&self.naming.places),
                ),
                (
                    "alert_runbooks_unnamed",
                    serde_json::to_value(&self.naming.alerts),
                ),
            ];
            for (key, value) in verdicts {
                let none = |v: &serde_json::Value| {
                    v.is_null() || v.as_object().is_some_and(serde_json::Map::is_empty)
                };
                if let Ok(value) = value
                    && !none(&value)
                {
                    map.insert(key.into(), value);
                }
            }
        }
        (files, evidence)
    }
}
