//! A report built one manifest at a time: verdicts and counts taken as manifests arrive, so
//! that nothing needs the whole run at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{
    ItemInfo, ManifestReport, Manifests, Outcome, Report, Severity, Summary, Tool, Verdict,
    manifests, sort_findings, verdict_of,
};
use crate::source::SourceFile;

/// Builds a report one manifest at a time, in path order: verdicts and counts as they come,
/// the manifests themselves kept or written out ([`Manifests`]).
#[derive(Debug, Default)]
pub struct Collector {
    tally: Tally,
    manifests: manifests::Builder,
}

impl Collector {
    /// A collector keeping `keep` manifests in memory and writing the rest to a temporary file.
    pub fn keeping(keep: usize) -> Collector {
        Collector {
            tally: Tally::default(),
            manifests: manifests::Builder::keeping(keep),
        }
    }

    /// Adds the next manifest (in path order): sorts its findings, sets its verdict, counts.
    pub fn push(&mut self, m: ManifestReport) -> Result<(), String> {
        let m = self.tally.add(m);
        self.manifests.push(m)
    }

    /// The finished report: `items` narrowed to those some finding uses.
    pub fn finish(
        self,
        command: &str,
        now: String,
        items: BTreeMap<String, ItemInfo>,
        sources: BTreeMap<String, Arc<SourceFile>>,
    ) -> Result<Report, String> {
        let manifests = self.manifests.finish()?;
        Ok(self.tally.report(command, now, manifests, items, sources))
    }
}

/// What a report says about all its manifests, counted as they are added.
#[derive(Debug, Default)]
pub(super) struct Tally {
    summary: Summary,
    verdict: Verdict,
    used: std::collections::BTreeSet<Arc<str>>,
}

impl Tally {
    pub(super) fn add(&mut self, mut m: ManifestReport) -> ManifestReport {
        sort_findings(&mut m.findings);
        m.verdict = verdict_of(&m.findings);
        // Fail beats hold beats pass, per manifest as over the whole run.
        self.verdict = self.verdict.max(m.verdict);
        let s = &mut self.summary;
        s.manifests += 1;
        for f in &m.findings {
            match (f.outcome, f.severity) {
                (Outcome::Pass, _) => s.passed += 1,
                (Outcome::Fail, Severity::Error) => s.failed += 1,
                (Outcome::Fail, Severity::Warning) => s.warnings += 1,
                (Outcome::Hold, _) => s.held += 1,
                (Outcome::Waived, _) => s.waived += 1,
            }
            if !self.used.contains(&f.item) {
                self.used.insert(f.item.clone());
            }
        }
        m
    }

    pub(super) fn report(
        self,
        command: &str,
        now: String,
        manifests: Manifests,
        items: BTreeMap<String, ItemInfo>,
        sources: BTreeMap<String, Arc<SourceFile>>,
    ) -> Report {
        let items = items
            .into_iter()
            .filter(|(id, _)| self.used.contains(id.as_str()))
            .collect();
        Report {
            version: 1,
            tool: Tool {
                name: "launchgate".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            command: command.into(),
            now,
            verdict: self.verdict,
            summary: self.summary,
            manifests,
            items,
            gate: None,
            schema_only: false,
            sources,
        }
    }
}
