//! HEAD's first-parent line, read as far as a question needs it, and the searches along it:
//! where a record stops holding, what a file was called before a move, whether history was
//! cut (a shallow clone, the cap on commits read).

use std::path::Path;

/// The path `path` (repository-relative) had in `parent`, when `child` renamed it: a rename
/// git finds between the two trees (an exact move, or a file moved and edited in one change).
pub(super) fn renamed_from(
    repo: &git2::Repository,
    child: &git2::Commit,
    parent: &git2::Commit,
    path: &str,
) -> Option<String> {
    let (new, old) = (child.tree().ok()?, parent.tree().ok()?);
    let mut diff = repo.diff_tree_to_tree(Some(&old), Some(&new), None).ok()?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find)).ok()?;
    diff.deltas()
        .find(|d| {
            d.status() == git2::Delta::Renamed && d.new_file().path() == Some(Path::new(path))
        })
        .and_then(|d| Some(d.old_file().path()?.to_str()?.to_string()))
}

/// The blob at `path` (repository-relative) in `commit`'s tree.
pub(super) fn blob_at(commit: &git2::Commit, path: &Path) -> Option<git2::Oid> {
    commit.tree().ok()?.get_path(path).ok().map(|e| e.id())
}

/// Whether history goes on past the chain's oldest commit without being read: a shallow
/// clone's boundary (listed in `$GIT_DIR/shallow`), or the cap on commits read. Asked once
/// the chain is read to its end.
pub(super) fn history_cut(repo: &git2::Repository, chain: &Chain) -> bool {
    let Some(oldest) = chain.oids.last() else {
        return false;
    };
    if chain.oids.len() >= super::git::MAX_COMMITS {
        return true;
    }
    let oldest = oldest.to_string();
    repo.is_shallow()
        && std::fs::read_to_string(repo.path().join("shallow"))
            // Unreadable while git says shallow: assume the worst.
            .map_or(true, |ids| ids.lines().any(|l| l.trim() == oldest))
}

/// The last index where the record holds, given that it does at 0 and, once it does not,
/// never does again. `ask(i, false)` says whether the history has an `i`th commit (cheap),
/// `ask(i, true)` whether the record holds there too. Doubling steps from HEAD, then
/// halving: O(log n) probes, and the history read only as far as the probes go (twice as
/// far as the answer at most). Past the end, the last commit is asked first: a record
/// that holds in all the history (an old one) costs one probe more, not a halving.
pub(super) fn last_holding_from_head(mut ask: impl FnMut(usize, bool) -> bool) -> usize {
    let (mut good, mut step) = (0, 1);
    let mut bad = loop {
        let probe = good + step;
        if !ask(probe, false) {
            let (mut last, mut past) = (good, probe);
            while past - last > 1 {
                let mid = last + (past - last) / 2;
                if ask(mid, false) {
                    last = mid;
                } else {
                    past = mid;
                }
            }
            if last == good || ask(last, true) {
                return last;
            }
            break last;
        }
        if !ask(probe, true) {
            break probe;
        }
        good = probe;
        step *= 2;
    };
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        if ask(mid, true) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    good
}

/// The last index of `0..len` where `holds` is true, given that it holds at 0 and, once
/// false, stays false: the end first (a manifest or runbook unchanged in all the history
/// read), then the search from HEAD before it, so O(log len) probes.
pub(super) fn last_holding(len: usize, mut holds: impl FnMut(usize) -> bool) -> usize {
    if len <= 1 || holds(len - 1) {
        return len.saturating_sub(1);
    }
    // `len - 1` is known not to hold: the search stays before it.
    last_holding_from_head(|i, record| i < len - 1 && (!record || holds(i)))
}

/// HEAD's first-parent line, newest first, read only as far as a question needs it (a
/// pre-commit run in a repository of 100,000 commits asks about the last few), and at most
/// [`super::git::MAX_COMMITS`] commits; shared by every manifest of the repository.
#[derive(Default)]
pub struct Chain {
    pub(super) oids: Vec<git2::Oid>,
    /// HEAD's first-parent line is read to its end (or the cap).
    pub(super) complete: bool,
    /// git's commit-graph file, read when first needed: the line is followed there, not
    /// through commit objects, from the first commit it holds (it lags behind new commits).
    graph: Option<Option<gix_commitgraph::Graph>>,
}

impl Chain {
    /// The `i`th commit from HEAD, reading more of the line when needed; `None` past its end.
    pub(super) fn get(&mut self, repo: &git2::Repository, i: usize) -> Option<git2::Oid> {
        while self.oids.len() <= i && !self.complete {
            self.extend(repo);
        }
        self.oids.get(i).copied()
    }

    /// Reads as many commits again as are read (at least 64): a question that walks `n`
    /// commits reads fewer than `2n`.
    fn extend(&mut self, repo: &git2::Repository) {
        let want = self
            .oids
            .len()
            .max(64)
            .min(super::git::MAX_COMMITS - self.oids.len());
        let graph = self.graph.get_or_insert_with(|| {
            // A shallow clone's parents are cut where git's graph file would not know it.
            let info = repo.path().join("objects/info");
            (!repo.is_shallow())
                .then(|| gix_commitgraph::Graph::from_info_dir(&info, gix_hash::Kind::Sha1).ok())
                .flatten()
        });
        let last = self.oids.last().copied();
        let read = match (graph.as_ref(), last) {
            (Some(graph), Some(last)) => from_graph(graph, last, want).map(Ok),
            _ => None,
        }
        .unwrap_or_else(|| from_objects(repo, last, want, graph.as_ref()));
        match read {
            Ok(more) => {
                self.complete =
                    more.is_empty() || self.oids.len() + more.len() >= super::git::MAX_COMMITS;
                self.oids.extend(more);
            }
            Err(_) => self.complete = true,
        }
    }
}

/// Up to `want` first parents after `last`, followed in git's commit-graph file; `None`
/// when the file does not hold `last` (a commit newer than the file) or is inconsistent.
fn from_graph(
    graph: &gix_commitgraph::Graph,
    last: git2::Oid,
    want: usize,
) -> Option<Vec<git2::Oid>> {
    let mut commit = graph.commit_by_id(gix_hash::oid::try_from_bytes(last.as_bytes()).ok()?)?;
    let mut more = Vec::new();
    while more.len() < want {
        let Some(parent) = commit.parent1().ok()? else {
            break;
        };
        if parent.0 >= graph.num_commits() {
            return None;
        }
        commit = graph.commit_at(parent);
        more.push(git2::Oid::from_bytes(commit.id().as_bytes()).ok()?);
    }
    Some(more)
}

/// Up to `want` first parents after `last` (HEAD and its first parents with no `last`),
/// read from the commit objects; stops after a commit `graph` holds, so that the rest is
/// followed there.
fn from_objects(
    repo: &git2::Repository,
    last: Option<git2::Oid>,
    want: usize,
    graph: Option<&gix_commitgraph::Graph>,
) -> Result<Vec<git2::Oid>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.simplify_first_parent()?;
    match last {
        None => walk.push_head()?,
        Some(last) => walk.push(last)?,
    }
    let in_graph = |id: &git2::Oid| {
        graph.is_some_and(|g| {
            gix_hash::oid::try_from_bytes(id.as_bytes())
                .is_ok_and(|id| g.commit_by_id(id).is_some())
        })
    };
    let mut more = Vec::new();
    for id in walk.skip(usize::from(last.is_some())).take(want) {
        let id = id?;
        more.push(id);
        if in_graph(&id) {
            break;
        }
    }
    Ok(more)
}

impl super::git::Repo {
    /// The blob id of the working file at `path` (repository-relative), as `git status`
    /// knows it without reading the file: the index entry's, when the file's stat matches
    /// the entry and the entry is not racy. Otherwise the file is hashed.
    pub(super) fn working_id(&self, repo: &git2::Repository, path: &str) -> Option<git2::Oid> {
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

#[cfg(test)]
mod tests {
    use super::{last_holding, last_holding_from_head};

    #[test]
    fn from_head_the_history_is_read_only_as_far_as_the_answer() {
        for len in 1..40 {
            for edge in 0..len {
                let (mut deepest, mut records) = (0, 0);
                let found = last_holding_from_head(|i, record| {
                    if record {
                        deepest = deepest.max(i);
                        records += 1;
                    }
                    i < len && (!record || i <= edge)
                });
                assert_eq!(found, edge, "len {len}");
                assert!(
                    deepest <= (2 * edge + 1).min(len - 1),
                    "len {len}, edge {edge}: read to {deepest}"
                );
                assert!(records <= 2 * (usize::BITS - len.leading_zeros()) as usize + 1);
            }
            // A record that holds in all the history: doubling, then the last commit.
            let mut records = 0;
            last_holding_from_head(|i, record| {
                records += usize::from(record);
                i < len
            });
            assert!(
                records <= (usize::BITS - len.leading_zeros()) as usize + 1,
                "len {len}"
            );
        }
    }

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
