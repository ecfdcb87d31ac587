//! The one report model: every check produces [`Finding`]s; renderers only format a [`Report`].

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::{SourceFile, Span};

mod collect;
pub mod manifests;

pub use collect::Collector;
use collect::Tally;
pub use manifests::Manifests;

/// What a check concluded for one item (or one problem of an item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The item is satisfied.
    Pass,
    /// The item is waived by an approved, unexpired waiver.
    Waived,
    /// Not enough evidence to decide (stale or missing data).
    Hold,
    /// The item is violated.
    Fail,
}

/// How much a failing item matters: errors block, warnings advise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advisory: reported, never blocks.
    Warning,
    /// Blocks promotion when it fails.
    Error,
}

/// The overall decision of a run or of one manifest.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Everything required passed (or is waived).
    #[default]
    Pass,
    /// Not enough evidence yet; try again later.
    Hold,
    /// Something required failed: do not promote.
    Fail,
}

impl Verdict {
    /// The process exit code for this verdict (0 pass, 1 fail, 3 hold).
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Hold => 3,
        }
    }

    /// Lowercase name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Hold => "hold",
            Verdict::Fail => "fail",
        }
    }
}

impl Outcome {
    /// Lowercase name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Waived => "waived",
            Outcome::Hold => "hold",
            Outcome::Fail => "fail",
        }
    }
}

impl Severity {
    /// Lowercase name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Per-phase verdicts of a gate run, and how far the rollout may go now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateSummary {
    /// Phases evaluated, in rollout order (with `--phase X`: every phase up to X).
    pub phases: Vec<PhaseVerdict>,
    /// With every phase evaluated: the furthest phase that may be entered now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub furthest: Option<String>,
    /// When the run fails: why, for the advice its verdict gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<GateFailure>,
}

/// Why a gate run fails: what to do differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateFailure {
    /// A gate held false on the data: stop the rollout and roll back.
    Violated,
    /// The gates hold now, but did not for the whole `after` span of a later phase: do not
    /// widen the rollout.
    Unsteady,
    /// No gate was seen false: the gates cannot decide (a broken expression, snapshot or
    /// rollout) or the readiness check fails. Do not promote; nothing says to roll back.
    Undecided,
}

/// One phase's decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseVerdict {
    /// Phase name.
    pub name: String,
    /// Traffic percent.
    pub traffic: f64,
    /// Whether the phase may be entered: the worst of its own verdict and every earlier
    /// phase's (pass: promote; fail: roll back; hold: wait).
    pub verdict: Verdict,
    /// The verdict of the phase's own gates, `after` and `require_check` alone.
    pub own: Verdict,
}

/// A place in a file: 1-based line and column (columns count characters), plus byte offsets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path as displayed (relative to the working directory when possible, `/`-separated).
    pub file: String,
    /// First line, 1-based.
    pub line: u32,
    /// First column, 1-based, in characters.
    pub column: u32,
    /// Last line, 1-based.
    pub end_line: u32,
    /// Column just past the end, 1-based, in characters.
    pub end_column: u32,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes (at least 1).
    pub len: usize,
}

impl Location {
    /// The location of `span` in `src`.
    pub fn new(src: &SourceFile, span: Span) -> Location {
        Location::in_file(src.display.clone(), span)
    }

    /// The location of `span` in the file displayed as `file`.
    pub fn in_file(file: String, span: Span) -> Location {
        Location {
            file,
            line: span.start.line,
            column: span.start.column,
            end_line: span.end.line,
            end_column: span.end.column,
            offset: span.start.offset,
            len: span.len(),
        }
    }

    /// A whole line of a file (for JSONL lines and files without a finer position).
    pub fn line(src: &SourceFile, line: usize) -> Location {
        Location::new(src, src.line_span(line))
    }

    /// A file as a whole, when there is nothing finer to point at.
    pub fn file(display: &str) -> Location {
        Location {
            file: display.to_string(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            offset: 0,
            len: 0,
        }
    }
}

/// A secondary location that explains a finding (the first of two duplicate keys, the sample
/// that violated a gate).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// What is there.
    pub message: String,
}

/// The waiver that turned a failure into `waived`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WaiverInfo {
    /// Why it was granted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// Last day it is valid (ISO date).
    pub expires: String,
    /// Where the waiver is written.
    pub location: Option<Location>,
}

/// One result: an item's outcome, or one problem of an item, with where, what, why and how to fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Item id, e.g. `PROD-ROLLBACK-TESTED` or `LG-SCHEMA` (shared: a run holds many findings
    /// of few items).
    pub item: Arc<str>,
    /// The item's title (shared, like `item`).
    pub title: Arc<str>,
    /// Error or warning.
    pub severity: Severity,
    /// Pass, fail, hold or waived.
    pub outcome: Outcome,
    /// What is wrong (or, for a pass, what was verified); shared, since every pass of an
    /// item says the same.
    pub message: Arc<str>,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Where, when there is a place to point at (boxed: passes, most of a run's findings,
    /// have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Box<Location>>,
    /// Other places that explain it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Observed facts the decision rests on (values, counts, expressions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// The waiver applied, for `waived` (boxed: most findings have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<WaiverInfo>>,
    /// The rollout phase, for gate findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
}

/// One shared copy of each item id and title: 100,000 manifests hold millions of findings of a
/// few dozen items.
fn intern(s: &str) -> Arc<str> {
    static STRINGS: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<Arc<str>>>> =
        std::sync::OnceLock::new();
    let Ok(mut set) = STRINGS.get_or_init(Default::default).lock() else {
        return Arc::from(s);
    };
    if let Some(shared) = set.get(s) {
        return shared.clone();
    }
    let shared: Arc<str> = Arc::from(s);
    set.insert(shared.clone());
    shared
}

impl Finding {
    /// A finding with the given identity and outcome and nothing else yet.
    pub fn new(
        item: &str,
        title: &str,
        severity: Severity,
        outcome: Outcome,
        message: impl Into<Arc<str>>,
    ) -> Finding {
        Finding {
            item: intern(item),
            title: intern(title),
            severity,
            outcome,
            message: message.into(),
            help: None,
            location: None,
            related: Vec::new(),
            evidence: Vec::new(),
            waiver: None,
            phase: None,
        }
    }

    /// Sets the location.
    pub fn at(mut self, location: Location) -> Finding {
        self.location = Some(Box::new(location));
        self
    }

    /// Sets the help text.
    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// True when this finding blocks (a failing error).
    pub fn blocks(&self) -> bool {
        self.outcome == Outcome::Fail && self.severity == Severity::Error
    }
}

/// What is known about an item, for `explain`, SARIF rules and help links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemInfo {
    /// Short title.
    pub title: String,
    /// Why it matters.
    pub why: String,
    /// How to satisfy it.
    pub fix: String,
    /// Default severity.
    pub severity: Severity,
    /// Checklist the item comes from (`core` for launchgate's own checks).
    pub checklist: String,
    /// Link to the item's documentation.
    pub help_uri: String,
}

/// Who put a checklist in a manifest's effective set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChecklistSource {
    /// The repository policy (`.launchgate.yaml`, or the default policy) requires it.
    Policy,
    /// The manifest's own `checklists:` (or its default list) adds it.
    Manifest,
    /// `--checklist` on the command line, which replaces the policy and the manifest's list.
    CommandLine,
}

impl ChecklistSource {
    /// Lowercase name, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            ChecklistSource::Policy => "policy",
            ChecklistSource::Manifest => "manifest",
            ChecklistSource::CommandLine => "command-line",
        }
    }
}

/// A checklist in (or, for `not_applied`, left out of) a manifest's effective set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedChecklist {
    /// The checklist's name.
    pub name: String,
    /// `built-in`, or the checklist file as displayed.
    pub origin: String,
    /// Who put it in the set.
    pub source: ChecklistSource,
    /// The policy rule requiring it (`.launchgate.yaml:17`, or `default policy`), for `policy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_by: Option<String>,
}

/// A dated piece of evidence (a rollback test, a restore test, a review, a rehearsal) and when
/// an item's age limit makes it stale, so reports can warn before it fails.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Freshness {
    /// The item whose rule limits the age.
    pub item: String,
    /// The manifest field holding the date, e.g. `rollback.last_tested`.
    pub field: String,
    /// The recorded date (ISO).
    pub date: String,
    /// The longest age the item accepts, in days.
    pub max_age_days: i64,
    /// The first day the item fails on age (ISO): `date + max_age_days + 1`.
    pub stale_on: String,
}

/// Results for one manifest (check) or one manifest's rollout (gate).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestReport {
    /// Manifest path as displayed.
    pub path: String,
    /// `service.name`, once the manifest is readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// `service.stage`, once the manifest is readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// `service.tier`, once the manifest is readable and when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    /// `owners.team`, once the manifest is readable and when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Dated evidence and the day each piece goes stale under the applied checklists' limits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub freshness: Vec<Freshness>,
    /// This manifest's verdict.
    pub verdict: Verdict,
    /// Checklists applied, in order, and where each came from (`check`, once readable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklists: Vec<AppliedChecklist>,
    /// Checklists the policy requires that `--checklist` left out of this run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_applied: Vec<AppliedChecklist>,
    /// Findings, in a stable order.
    pub findings: Vec<Finding>,
    /// The texts its findings that are not passes point into, for snippets (not serialized: a
    /// JSON report carries locations, not file contents).
    #[serde(skip)]
    pub sources: Vec<Arc<SourceFile>>,
}

/// Counts over all findings of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Manifests checked.
    pub manifests: usize,
    /// Passing findings.
    pub passed: usize,
    /// Failing findings of severity error.
    pub failed: usize,
    /// Failing findings of severity warning.
    pub warnings: usize,
    /// Held findings.
    pub held: usize,
    /// Waived findings.
    pub waived: usize,
}

/// The tool that produced a report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    /// Always `launchgate`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// A finished run: what every renderer formats.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Report format version.
    pub version: u32,
    /// The producing tool.
    pub tool: Tool,
    /// `check` or `gate`.
    pub command: String,
    /// Evaluation time (RFC 3339).
    pub now: String,
    /// Overall verdict.
    pub verdict: Verdict,
    /// Counts.
    pub summary: Summary,
    /// One entry per manifest, sorted by path.
    pub manifests: Manifests,
    /// Metadata of every item that appears in a finding, by id.
    pub items: BTreeMap<String, ItemInfo>,
    /// Per-phase verdicts, for `gate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateSummary>,
    /// `check --schema-only`: YAML and schema were checked, nothing else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub schema_only: bool,
    /// Source texts for snippets, by displayed path, beside each manifest's own; not serialized.
    #[serde(skip)]
    pub sources: BTreeMap<String, Arc<SourceFile>>,
}

/// The verdict of a set of findings: fail beats hold beats pass; warnings never block.
pub fn verdict_of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Verdict {
    let mut verdict = Verdict::Pass;
    for f in findings {
        if f.blocks() {
            return Verdict::Fail;
        }
        if f.outcome == Outcome::Hold && f.severity == Severity::Error {
            verdict = Verdict::Hold;
        }
    }
    verdict
}

/// Stable order: located findings by file and position, then item, then message.
pub fn sort_findings(findings: &mut [Finding]) {
    // Keys borrow: a run sorts millions of findings, and cloning their strings per
    // comparison was most of the time and memory of building the report.
    type Key<'a> = (
        Option<&'a str>,
        Option<(&'a str, u32, u32)>,
        &'a str,
        &'a str,
    );
    fn key(f: &Finding) -> Key<'_> {
        (
            f.phase.as_deref(),
            f.location
                .as_ref()
                .map(|l| (l.file.as_str(), l.line, l.column)),
            &f.item,
            &f.message,
        )
    }
    findings.sort_by(|a, b| key(a).cmp(&key(b)));
}

impl Report {
    /// Builds a report from per-manifest results, computing verdicts and counts.
    pub fn new(
        command: &str,
        now: String,
        mut manifests: Vec<ManifestReport>,
        items: BTreeMap<String, ItemInfo>,
        sources: BTreeMap<String, Arc<SourceFile>>,
    ) -> Report {
        manifests.sort_by(|a, b| a.path.cmp(&b.path));
        let mut tally = Tally::default();
        let manifests: Vec<ManifestReport> = manifests.into_iter().map(|m| tally.add(m)).collect();
        tally.report(command, now, manifests.into(), items, sources)
    }

    /// The text of `file` for a snippet: from the manifest's own sources, or the report's.
    pub fn source<'a>(&'a self, m: &'a ManifestReport, file: &str) -> Option<&'a Arc<SourceFile>> {
        m.sources
            .iter()
            .find(|s| s.display == file)
            .or_else(|| self.sources.get(file))
    }

    /// Every finding of every manifest, with its manifest's path (cloned: manifests past the
    /// first thousands are read back from disk one at a time).
    pub fn findings(&self) -> impl Iterator<Item = (String, Finding)> + '_ {
        self.manifests.iter().flat_map(|m| {
            let m = m.into_owned();
            let path = m.path;
            m.findings.into_iter().map(move |f| (path.clone(), f))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(outcome: Outcome, severity: Severity) -> Finding {
        Finding::new("X", "x", severity, outcome, String::new())
    }

    #[test]
    fn fail_beats_hold_and_warnings_never_block() {
        assert_eq!(
            verdict_of(&[f(Outcome::Pass, Severity::Error)]),
            Verdict::Pass
        );
        assert_eq!(
            verdict_of(&[f(Outcome::Fail, Severity::Warning)]),
            Verdict::Pass
        );
        assert_eq!(
            verdict_of(&[
                f(Outcome::Hold, Severity::Error),
                f(Outcome::Pass, Severity::Error)
            ]),
            Verdict::Hold
        );
        assert_eq!(
            verdict_of(&[
                f(Outcome::Hold, Severity::Error),
                f(Outcome::Fail, Severity::Error)
            ]),
            Verdict::Fail
        );
        assert_eq!(
            verdict_of(&[f(Outcome::Waived, Severity::Error)]),
            Verdict::Pass
        );
    }
}
