//! The stage a manifest declared before its stage last changed, from its own history.
//!
//! The stage decides what is checked (the policy's checklists, each item's `applies_to`), and
//! the manifest declares it: a prod service that writes `stage: poc` is asked for almost
//! nothing. Whether a stage is true launchgate cannot know, but whether it went down it can:
//! the manifest's versions on HEAD's first-parent line say so. A service's stage moves
//! forward (the product lifecycle: production is the steady state, not a phase to leave).

use std::path::Path;

use crate::source::SourceFile;
use crate::yaml::{Limits, Route};

/// How many commits of HEAD's first-parent line are read looking for the last change of
/// stage: a lowering older than that is the service's settled state (and a manifest whose
/// stage never changed costs at most this many tree lookups).
pub const LOOKBACK: usize = 1_000;

/// Lifecycle stages, earliest first.
pub const STAGES: &[&str] = &["poc", "mvp", "mmp", "prod"];

/// Where a stage is ranked among [`STAGES`].
pub fn rank(stage: &str) -> Option<usize> {
    STAGES.iter().position(|s| *s == stage)
}

/// A later stage than the manifest's, declared before the change that lowered it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    /// The stage declared before.
    pub was: String,
    /// The change that lowered it: `commit 1a2b3c4 ("subject", 2026-11-24)`, or the working
    /// tree when the change is not committed.
    pub by: String,
}

/// `service.stage` of a manifest text, when it parses and has one.
fn stage_of(text: &str) -> Option<String> {
    let src = SourceFile::new(Path::new(""), String::new(), text.to_string());
    let doc = crate::yaml::parse(&src, &Limits::default()).ok()?;
    let route = Route::root().key("service").key("stage");
    Some(doc.at(&route)?.as_str()?.to_string())
}

/// A commit as the other history findings name it: `commit 1a2b3c4 ("subject", 2026-11-24)`.
fn describe(commit: &git2::Commit) -> String {
    let id = commit.id().to_string();
    let when = jiff::Timestamp::from_second(commit.author().when().seconds())
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default();
    format!(
        "commit {} (\"{}\", {when})",
        &id[..id.len().min(7)],
        super::one_line(commit.summary().unwrap_or_default(), 72),
    )
}

impl super::git::Repo {
    /// The latest stage, later than `now`, that the manifest at `path` (repository-relative)
    /// declared on HEAD's first-parent line within [`LOOKBACK`] commits, back to where the
    /// manifest was added, and the change that left it most recently. A stage lowered in two
    /// steps (prod, then poc, then mvp) is still found. `None` when no version declares a
    /// later stage, or outside a repository.
    pub fn stage_lowered(&self, path: &str, now: &str) -> Option<Lowered> {
        let now_rank = rank(now)?;
        // Nothing is later than the last stage: no history to read.
        if now_rank + 1 == STAGES.len() {
            return None;
        }
        self.with_git(|g| {
            let file = Path::new(path);
            let mut highest: Option<(usize, Lowered)> = None;
            // The version after the one read (newer), and the commit that holds it.
            let mut newer: Option<git2::Commit> = None;
            let mut newer_blob = self.working_id(g, path);
            let mut newer_rank = now_rank;
            for i in 0..LOOKBACK {
                let Some(id) = self.first_parents.lock().ok().and_then(|mut c| c.get(g, i)) else {
                    break;
                };
                let Some(commit) = g.find_commit(id).ok() else {
                    break;
                };
                let Some(blob) = super::recorded::blob_at(&commit, file) else {
                    break;
                };
                if Some(blob) != newer_blob {
                    let stage = g
                        .find_blob(blob)
                        .ok()
                        .and_then(|b| stage_of(std::str::from_utf8(b.content()).ok()?));
                    // A version that does not parse or names no known stage says nothing.
                    if let Some((r, stage)) = stage.and_then(|s| Some((rank(&s)?, s))) {
                        if r > newer_rank && r > highest.as_ref().map_or(now_rank, |h| h.0) {
                            let by = newer
                                .as_ref()
                                .map_or("a change not committed yet".into(), describe);
                            highest = Some((r, Lowered { was: stage, by }));
                        }
                        newer_rank = r;
                    }
                    newer_blob = Some(blob);
                }
                newer = Some(commit);
            }
            highest.map(|(_, l)| l)
        })?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_read_from_the_manifest_text() {
        assert_eq!(
            stage_of("service:\n  name: a\n  stage: prod\n").as_deref(),
            Some("prod")
        );
        assert_eq!(stage_of("service: { name: a }\n"), None);
        assert_eq!(stage_of("service: [\n"), None);
        assert!(rank("prod") > rank("poc"));
        assert_eq!(rank("production"), None);
    }
}
