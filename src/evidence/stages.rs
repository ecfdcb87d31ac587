//! The latest stage a manifest's own history declared before an edit lowered it.
//!
//! The stage decides what is checked (the policy's checklists, each item's `applies_to`), and
//! the manifest declares it: a prod service that writes `stage: poc` is asked for almost
//! nothing. Whether a stage is true launchgate cannot know, but whether it went down it can:
//! the manifest's versions on HEAD's first-parent line say so. A service's stage moves
//! forward (the product lifecycle: production is the steady state, not a phase to leave).

use std::collections::HashMap;
use std::path::Path;

use crate::yaml::Route;

/// How many commits of HEAD's first-parent line are read for the manifests' versions: a
/// lowering older than that is the service's settled state (and the walk, once per
/// repository, costs a few microseconds a commit).
pub const LOOKBACK: usize = 1_000;

/// Lifecycle stages, earliest first.
const STAGES: &[&str] = &["poc", "mvp", "mmp", "prod"];

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

/// Whether a manifest at `stage` can have lowered it: a known stage before the last (nothing
/// is later than `prod`, so a `prod` manifest reads no history).
pub fn may_be_lowered(stage: &str) -> bool {
    rank(stage).is_some_and(|r| r + 1 < STAGES.len())
}

/// `service.stage` of a manifest text, when it parses and has one.
fn stage_of(text: &str) -> Option<String> {
    let route = Route::root().key("service").key("stage");
    Some(
        super::recorded::tree(text)?
            .at(&route)?
            .as_str()?
            .to_string(),
    )
}

/// A commit as history findings name it: `commit 1a2b3c4 ("subject", 2026-11-24)`.
pub(super) fn describe(commit: &git2::Commit) -> String {
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

/// Where manifest files changed along HEAD's first-parent line, read once per repository
/// for every manifest in it: by repository-relative path, the commits that changed it (by
/// index from HEAD, newest first), each with the blob it replaced (`None`: added there).
/// Each commit is compared with its first parent once (a tree diff reads only the trees
/// that differ), where a walk per manifest read every commit's tree once per manifest.
#[derive(Default)]
pub struct Changes {
    by_path: HashMap<String, Vec<(usize, Option<git2::Oid>)>>,
}

/// Manifest files of `new` (with `prefix`) whose blob differs from `old`'s, each with the blob
/// it replaced (`None`: not in `old`), descending only into trees whose ids differ. (libgit2's
/// tree diff took 0.8 ms a commit on a 100-service repository; this reads the trees that
/// changed.) A manifest deleted in `new` is not listed: a version that is gone replaces none.
fn changed_manifests(
    g: &git2::Repository,
    old: Option<&git2::Tree>,
    new: &git2::Tree,
    prefix: &str,
    out: &mut Vec<(String, Option<git2::Oid>)>,
) {
    for entry in new.iter() {
        let Some(name) = entry.name() else { continue };
        let before = old.and_then(|t| t.get_name(name));
        if before.as_ref().is_some_and(|b| b.id() == entry.id()) {
            continue;
        }
        let path = format!("{prefix}{name}");
        match entry.kind() {
            Some(git2::ObjectType::Tree) => {
                let Ok(sub) = g.find_tree(entry.id()) else {
                    continue;
                };
                let old_sub = before
                    .filter(|b| b.kind() == Some(git2::ObjectType::Tree))
                    .and_then(|b| g.find_tree(b.id()).ok());
                changed_manifests(g, old_sub.as_ref(), &sub, &format!("{path}/"), out);
            }
            Some(git2::ObjectType::Blob) if crate::discover::is_manifest_name(name) => {
                let before = before.filter(|b| b.kind() == Some(git2::ObjectType::Blob));
                out.push((path, before.map(|b| b.id())));
            }
            _ => {}
        }
    }
}

impl super::git::Repo {
    /// The latest stage, later than `now`, that the manifest at `path` (repository-relative)
    /// declared on HEAD's first-parent line within [`LOOKBACK`] commits, back to where the
    /// manifest was added, and the change that left it most recently. A stage lowered in two
    /// steps (prod, then poc, then mvp) is still found. `None` when no version declares a
    /// later stage, or outside a repository. Asked once per manifest and stage: a check starts
    /// it on another core as soon as the manifest is parsed, and asks again when the policy
    /// needs the answer.
    pub fn stage_lowered(&self, path: &str, now: &str) -> Option<Lowered> {
        // Outside a repository, or at the last stage, there is nothing to read or remember.
        if !self.facts.repository || !may_be_lowered(now) {
            return None;
        }
        crate::recent::cell(&self.stages, format!("{now}\0{path}").as_str())
            .get_or_init(|| self.stage_lowered_uncached(path, now))
            .clone()
    }

    fn stage_lowered_uncached(&self, path: &str, now: &str) -> Option<Lowered> {
        let now_rank = rank(now)?;
        let (working, head) = self.with_git(|g| {
            let head = self.first_parents.lock().ok()?.get(g, 0)?;
            let head = super::history::blob_at(&g.find_commit(head).ok()?, Path::new(path));
            Some((self.working_id(g, path), head))
        })??;
        // Older versions, newest first, each with the change that replaced it (`None`: a
        // change not committed yet).
        let mut older = Vec::new();
        if let Some(head) = head.filter(|h| Some(*h) != working) {
            older.push((head, None));
        }
        if head.is_some() {
            let changes = self.manifest_changes.get_or_init(|| self.read_changes());
            // The manifest's path, and the commits from which on it had it (a move is followed
            // back: a service moved to another directory keeps the stages it declared).
            let (mut path, mut from) = (path.to_string(), 0);
            'path: loop {
                let versions = changes.by_path.get(&path).into_iter().flatten();
                for &(i, before) in versions.filter(|(i, _)| *i >= from) {
                    if let Some(before) = before {
                        older.push((before, Some(i)));
                        continue;
                    }
                    // Added at `i`: moved there, or new.
                    let Some((was, blob)) = self.moved_from(i, &path) else {
                        break 'path;
                    };
                    older.push((blob, Some(i)));
                    (path, from) = (was, i + 1);
                    continue 'path;
                }
                break;
            }
        }
        let mut highest: Option<(usize, String, Option<usize>)> = None;
        let mut newer_rank = now_rank;
        for (blob, by) in older {
            // A version over the manifest size limit is no manifest launchgate would read.
            let stage = self.with_git(|g| {
                let b = g.find_blob(blob).ok()?;
                if b.size() as u64 > crate::check::MAX_MANIFEST_BYTES {
                    return None;
                }
                stage_of(std::str::from_utf8(b.content()).ok()?)
            });
            // A version that does not parse or names no known stage says nothing.
            let Some((r, stage)) = stage.flatten().and_then(|s| Some((rank(&s)?, s))) else {
                continue;
            };
            if r > newer_rank && r > highest.as_ref().map_or(now_rank, |h| h.0) {
                highest = Some((r, stage, by));
            }
            newer_rank = r;
        }
        let (_, was, by) = highest?;
        let by = match by {
            None => "a change not committed yet".to_string(),
            Some(i) => self
                .with_git(|g| {
                    let id = self.first_parents.lock().ok()?.get(g, i)?;
                    Some(describe(&g.find_commit(id).ok()?))
                })
                .flatten()
                .unwrap_or_else(|| "an earlier commit".into()),
        };
        Some(Lowered { was, by })
    }

    /// The path the manifest at `path` had before commit `i` of HEAD's first-parent line
    /// moved it there, with its blob then.
    fn moved_from(&self, i: usize, path: &str) -> Option<(String, git2::Oid)> {
        self.with_git(|g| {
            let (child, parent) = {
                let mut chain = self.first_parents.lock().ok()?;
                (chain.get(g, i)?, chain.get(g, i + 1)?)
            };
            let (child, parent) = (g.find_commit(child).ok()?, g.find_commit(parent).ok()?);
            let was = super::history::renamed_from(g, &child, &parent, path)?;
            let blob = super::history::blob_at(&parent, Path::new(&was))?;
            Some((was, blob))
        })?
    }

    /// [`Changes`] over the first [`LOOKBACK`] commits of HEAD's first-parent line. The
    /// repository is locked a commit at a time: the evidence of the manifests asks git too.
    fn read_changes(&self) -> Changes {
        let mut out = Changes::default();
        for i in 0..LOOKBACK {
            let changed = self.with_git(|g| {
                let (id, parent) = {
                    let mut chain = self.first_parents.lock().ok()?;
                    (chain.get(g, i)?, chain.get(g, i + 1))
                };
                let tree = g.find_commit(id).ok()?.tree().ok()?;
                let before = match parent {
                    Some(p) => Some(g.find_commit(p).ok()?.tree().ok()?),
                    None => None,
                };
                let mut changed = Vec::new();
                changed_manifests(g, before.as_ref(), &tree, "", &mut changed);
                Some((changed, parent.is_none()))
            });
            let Some(Some((changed, root))) = changed else {
                break;
            };
            for (path, before) in changed {
                out.by_path.entry(path).or_default().push((i, before));
            }
            if root {
                break;
            }
        }
        out
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
