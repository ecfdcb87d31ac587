//! Whether a reviewed file changed after its review was recorded.
//!
//! `reviewed_on` is a date, and dates are what rebases and squash merges rewrite (a squashed
//! pull request lands the runbook and its review in one commit dated the day of the merge).
//! So the question is asked of the history instead: the file must read as it did in the
//! commit that recorded the review as it is now. A change made and reverted since is no
//! change; a change that came with a merge is named by the merge.

use std::path::Path;

use crate::source::SourceFile;
use crate::yaml::{Limits, Node, Route, parse};

/// A recorded review as written: who, and when.
#[derive(Debug, Clone, PartialEq)]
struct Review {
    by: Option<serde_json::Value>,
    on: Option<serde_json::Value>,
}

fn tree(text: &str) -> Option<Node> {
    let src = SourceFile::new(Path::new(""), String::new(), text.to_string());
    parse(&src, &Limits::default()).ok()
}

/// The review recorded at `route` of a manifest (none when the text does not parse or
/// records none).
fn review_in(doc: &Node, route: &Route) -> Option<Review> {
    review_of(&doc.at(route)?.to_json())
}

/// The review a runbook's entry records, if any.
fn review_of(json: &serde_json::Value) -> Option<Review> {
    let review = Review {
        by: json.get("reviewed_by").cloned(),
        on: json.get("reviewed_on").cloned(),
    };
    (review.by.is_some() || review.on.is_some()).then_some(review)
}

fn blob_at(commit: &git2::Commit, path: &Path) -> Option<git2::Oid> {
    commit.tree().ok()?.get_path(path).ok().map(|e| e.id())
}

fn review_at(
    repo: &git2::Repository,
    commit: &git2::Commit,
    manifest: &Path,
    route: &Route,
) -> Option<Review> {
    let id = blob_at(commit, manifest)?;
    let blob = repo.find_blob(id).ok()?;
    review_in(&tree(std::str::from_utf8(blob.content()).ok()?)?, route)
}

/// A recorded review and what it covers, with the working tree's blob ids.
struct Subject<'a> {
    /// The reviewed file and the manifest, repository-relative.
    file: &'a str,
    manifest: &'a str,
    /// Where the manifest records the review, and the review it records now.
    route: &'a Route,
    review: Review,
    /// The working tree's reviewed file and manifest.
    file_id: git2::Oid,
    manifest_id: Option<git2::Oid>,
}

/// Why the subject's review no longer covers its file, or `None` when it does (or when
/// HEAD does not record it: it is being recorded now). `Err` says why the history cannot
/// tell: the review was recorded before the oldest commit read (a shallow clone, or more
/// than [`super::git::MAX_COMMITS`] commits ago) and the file has not changed since then.
///
/// `chain` is HEAD's first-parent line, newest first: the review was recorded at the oldest
/// commit of the run, from HEAD back, that records it as it is now (a merge commit, for a
/// review that came in with a pull request), and it covers the file as that commit has it.
/// Both are found by halving, not commit by commit: the chain is shared by every manifest,
/// and a run over thousands of them must not walk the history once each.
fn changed_since(
    repo: &git2::Repository,
    chain: &[git2::Oid],
    s: &Subject,
) -> Result<Option<String>, String> {
    let (file, review, route) = (s.file, &s.review, s.route);
    let (file_path, manifest_path) = (Path::new(file), Path::new(s.manifest));
    let commit = |i: usize| repo.find_commit(chain[i]).ok();
    let blob = |i: usize, path: &Path| commit(i).and_then(|c| blob_at(&c, path));
    // Parsed once per version of the manifest, not once per probe; the version checked
    // records the review by definition, and is usually every version probed.
    let mut seen: std::collections::HashMap<Option<git2::Oid>, bool> = Default::default();
    if s.manifest_id.is_some() {
        seen.insert(s.manifest_id, true);
    }
    let mut recorded = |i: usize| {
        let Some(c) = commit(i) else { return false };
        *seen
            .entry(blob_at(&c, manifest_path))
            .or_insert_with(|| review_at(repo, &c, manifest_path, route).as_ref() == Some(review))
    };
    if chain.is_empty() || !recorded(0) {
        // HEAD records another review, or none: this one is being recorded now, beside
        // whatever the working tree holds.
        return Ok(None);
    }
    let at = last_holding(chain.len(), &mut recorded);
    let reviewed = blob(at, file_path);
    if reviewed == Some(s.file_id) {
        if at + 1 == chain.len() && history_cut(repo, chain) {
            // The review may be older than the oldest commit read, and the file may have
            // changed between the two: a pass here would be a guess.
            return Err(format!(
                "`{file}`'s review ({}) was recorded in or before the oldest commit this clone holds, so whether `{file}` changed after it cannot be told; fetch the history (`git fetch --unshallow`; actions/checkout: `fetch-depth: 0`)",
                describe(review)
            ));
        }
        return Ok(None);
    }
    // The oldest commit after the review's with other contents.
    let kept = last_holding(at + 1, |t| blob(at - t, file_path) == reviewed);
    let review = describe(review);
    if kept == at {
        return Ok(Some(format!(
            "`{file}` has changes not committed yet, and its review ({review}) was recorded in an earlier commit: the review does not cover them"
        )));
    }
    let Some(changed) = commit(at - kept - 1) else {
        return Ok(None);
    };
    let id = changed.id().to_string();
    let when = jiff::Timestamp::from_second(changed.author().when().seconds())
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Ok(Some(format!(
        "`{file}` changed after its review ({review}) was recorded: commit {} (\"{}\", {when}) changed it and left the review as it was",
        &id[..id.len().min(7)],
        super::one_line(changed.summary().unwrap_or_default(), 72),
    )))
}

/// Whether history goes on past the chain's oldest commit without being read: a shallow
/// clone's boundary (listed in `$GIT_DIR/shallow`), or the cap on commits read.
fn history_cut(repo: &git2::Repository, chain: &[git2::Oid]) -> bool {
    let Some(oldest) = chain.last() else {
        return false;
    };
    if chain.len() >= super::git::MAX_COMMITS {
        return true;
    }
    repo.is_shallow()
        && std::fs::read_to_string(repo.path().join("shallow"))
            // Unreadable while git says shallow: assume the worst.
            .map_or(true, |ids| {
                ids.lines().any(|l| l.trim() == oldest.to_string())
            })
}

/// The last index of `0..len` where `holds` is true, given that it holds at 0 and, once
/// false, stays false: the end first (a manifest or runbook unchanged in all the history
/// read), then doubling steps and halving, so O(log len) probes.
fn last_holding(len: usize, mut holds: impl FnMut(usize) -> bool) -> usize {
    if len <= 1 || holds(len - 1) {
        return len.saturating_sub(1);
    }
    // `len - 1` is known not to hold: neither doubling nor halving probes it again.
    let (mut good, mut step) = (0, 1);
    let mut bad = loop {
        let probe = good + step;
        if probe >= len - 1 {
            break len - 1;
        }
        if !holds(probe) {
            break probe;
        }
        good = probe;
        step *= 2;
    };
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        if holds(mid) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

fn describe(review: &Review) -> String {
    let text = |v: &Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "?".into(),
    };
    format!("by {}, on {}", text(&review.by), text(&review.on))
}

impl super::git::Repo {
    /// HEAD and its first parents, newest first (at most [`super::git::MAX_COMMITS`]), read
    /// once for every manifest of the repository; `repo` is this repository, locked.
    pub fn first_parents(&self, repo: &git2::Repository) -> &[git2::Oid] {
        self.first_parents.get_or_init(|| {
            let Ok(mut walk) = repo.revwalk() else {
                return Vec::new();
            };
            if walk.push_head().is_err() || walk.simplify_first_parent().is_err() {
                return Vec::new();
            }
            walk.take(super::git::MAX_COMMITS).flatten().collect()
        })
    }

    /// The blob id of the working file at `path` (repository-relative), as `git status`
    /// knows it without reading the file: the index entry's, when the file's stat matches
    /// the entry and the entry is not racy. Otherwise the file is hashed.
    fn working_id(&self, repo: &git2::Repository, path: &str) -> Option<git2::Oid> {
        let on_disk = repo.workdir()?.join(path);
        let indexed = self.index.as_ref().ok().and_then(|index| {
            let entry = index.entry_by_path(path.as_bytes().into())?;
            let meta = gix_index::fs::Metadata::from_path_no_follow(&on_disk).ok()?;
            let stat = gix_index::entry::Stat::from_fs(&meta).ok()?;
            let options = gix_index::entry::stat::Options::default();
            let clean = entry.stat.matches(&stat, options)
                && !entry.stat.is_racy(index.timestamp(), options);
            clean.then(|| git2::Oid::from_bytes(entry.id.as_bytes()).ok())?
        });
        indexed.or_else(|| git2::Oid::hash_file(git2::ObjectType::Blob, &on_disk).ok())
    }
}

/// The manifest as checked, for the rules' `changed_since_review(route)`: its
/// repository-relative path and runbooks, and the answers so far (a rule and its message
/// both ask).
pub struct Reviews {
    manifest: String,
    /// `{"runbooks": ...}` as the manifest has them.
    doc: serde_json::Value,
    answers: std::sync::Mutex<std::collections::HashMap<String, Result<String, String>>>,
}

impl Reviews {
    /// For the manifest at `manifest` (repository-relative) with these `runbooks`.
    pub fn new(manifest: String, runbooks: Option<&serde_json::Value>) -> Reviews {
        Reviews {
            manifest,
            doc: serde_json::json!({ "runbooks": runbooks }),
            answers: Default::default(),
        }
    }

    /// Why the review recorded at `route` (`runbooks.support`) no longer covers its file, or
    /// `""` when it does or nothing is there to compare (no such review, a file outside the
    /// repository); `Err` when the history cannot tell. `files` maps paths as written to
    /// their facts (`repo_path`).
    pub fn changed_since(
        &self,
        repo: &super::git::Repo,
        files: &serde_json::Map<String, serde_json::Value>,
        route: &str,
    ) -> Result<String, String> {
        if let Some(hit) = self.answers.lock().ok().and_then(|a| a.get(route).cloned()) {
            return hit;
        }
        let answer = Route::parse(route)
            .and_then(|r| {
                let entry = crate::checklist::eval::at(&self.doc, &r)?;
                let review = review_of(entry)?;
                let written = entry.get("path")?.as_str()?;
                // Only a file inside the repository that was read: its facts say so.
                let facts = files.get(written).filter(|f| f["exists"] == true)?;
                let file = facts.get("repo_path")?.as_str()?;
                repo.with_git(|g| {
                    let subject = Subject {
                        file,
                        manifest: &self.manifest,
                        route: &r,
                        review,
                        file_id: repo.working_id(g, file)?,
                        manifest_id: repo.working_id(g, &self.manifest),
                    };
                    changed_since(g, repo.first_parents(g), &subject).transpose()
                })?
            })
            .transpose()
            .map(Option::unwrap_or_default);
        if let Ok(mut a) = self.answers.lock() {
            a.insert(route.to_string(), answer.clone());
        }
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::last_holding;

    #[test]
    fn last_holding_finds_the_edge_of_every_prefix() {
        for len in 1..40 {
            for edge in 0..len {
                let mut probes = 0;
                let found = last_holding(len, |i| {
                    probes += 1;
                    i <= edge
                });
                assert_eq!(found, edge, "len {len}");
                assert!(probes <= 2 * (usize::BITS - len.leading_zeros()) as usize + 2);
            }
        }
    }
}
