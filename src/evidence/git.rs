//! Git facts (git2): whether files are tracked, when they last changed, and whether a ref is
//! an ancestor of HEAD. Outside a repository every fact is "unknown", never a pass.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde::Serialize;

/// How many commits are walked looking for a file's last change.
pub const MAX_COMMITS: usize = 20_000;

/// What git says about the repository.
#[derive(Debug, Clone, Serialize)]
pub struct RepoFacts {
    /// A git repository was found at the root.
    pub repository: bool,
    /// The clone is shallow: history (and ancestry) may be cut.
    pub shallow: bool,
    /// HEAD commit, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// Why facts are unknown, when they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Git facts about one file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileGit {
    /// In the index (tracked).
    pub tracked: bool,
    /// Commit time (unix seconds) of the last commit that changed it, if found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_commit_unix: Option<i64>,
}

/// Whether a ref resolves to an ancestor of HEAD.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RefFacts {
    /// The ref resolved to a commit.
    pub resolves: bool,
    /// That commit is HEAD or an ancestor of it.
    pub ancestor: bool,
    /// The commit it resolved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Why not, or why unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A repository opened once per run, shared by every manifest in it.
pub struct Repo {
    repo: Option<Mutex<git2::Repository>>,
    /// Paths in the index, read once.
    tracked: std::collections::HashSet<String>,
    /// Repository-level facts.
    pub facts: RepoFacts,
    last_change: Mutex<HashMap<String, Option<i64>>>,
    ancestors: Mutex<HashMap<String, RefFacts>>,
}

fn unknown(problem: String) -> Repo {
    Repo {
        repo: None,
        tracked: Default::default(),
        facts: RepoFacts {
            repository: false,
            shallow: false,
            head: None,
            problem: Some(problem),
        },
        last_change: Mutex::new(HashMap::new()),
        ancestors: Mutex::new(HashMap::new()),
    }
}

/// Opens (once per run) the repository whose work tree root is `root`.
pub fn open(root: &Path) -> Arc<Repo> {
    static REPOS: Mutex<Option<HashMap<std::path::PathBuf, Arc<Repo>>>> = Mutex::new(None);
    if let Some(hit) = REPOS
        .lock()
        .ok()
        .and_then(|m| m.as_ref()?.get(root).cloned())
    {
        return hit;
    }
    let repo = Arc::new(open_uncached(root));
    if let Ok(mut m) = REPOS.lock() {
        m.get_or_insert_with(HashMap::new)
            .insert(root.to_path_buf(), repo.clone());
    }
    repo
}

fn open_uncached(root: &Path) -> Repo {
    if !root.join(".git").exists() {
        return unknown("not a git repository: git facts are unknown".into());
    }
    let repo = match git2::Repository::open(root) {
        Ok(r) => r,
        Err(e) => return unknown(format!("cannot open the git repository: {}", e.message())),
    };
    let shallow = repo.is_shallow();
    let head = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .map(|c| c.id().to_string());
    let problem = match (&head, shallow) {
        (None, _) => Some("the repository has no commits yet".into()),
        (_, true) => Some("shallow clone: history is cut; fetch it with `git fetch --unshallow` (actions/checkout: `fetch-depth: 0`)".into()),
        _ => None,
    };
    let tracked = repo
        .index()
        .map(|i| {
            i.iter()
                .map(|e| String::from_utf8_lossy(&e.path).into_owned())
                .collect()
        })
        .unwrap_or_default();
    Repo {
        tracked,
        facts: RepoFacts {
            repository: true,
            shallow,
            head,
            problem,
        },
        repo: Some(Mutex::new(repo)),
        last_change: Mutex::new(HashMap::new()),
        ancestors: Mutex::new(HashMap::new()),
    }
}

impl Repo {
    /// Facts for repository-relative paths: tracked, and last change (one history walk).
    pub fn files(&self, paths: &[String]) -> BTreeMap<String, FileGit> {
        let mut out = BTreeMap::new();
        if self.repo.is_none() {
            return out;
        }
        // Only tracked files can have a last change; untracked ones (generated corpora,
        // ignored files) never cost a history walk.
        let missing: Vec<&String> = {
            let cache = self
                .last_change
                .lock()
                .map(|c| c.clone())
                .unwrap_or_default();
            paths
                .iter()
                .filter(|p| self.tracked.contains(*p) && !cache.contains_key(*p))
                .collect()
        };
        if !missing.is_empty()
            && let Some(repo) = self.repo.as_ref().and_then(|r| r.lock().ok())
        {
            let found = last_changes(&repo, &missing);
            if let Ok(mut cache) = self.last_change.lock() {
                for p in missing {
                    cache.insert(p.clone(), found.get(p.as_str()).copied());
                }
            }
        }
        let cache = self
            .last_change
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default();
        for p in paths {
            out.insert(
                p.clone(),
                FileGit {
                    tracked: self.tracked.contains(p),
                    last_commit_unix: cache.get(p).copied().flatten(),
                },
            );
        }
        out
    }

    /// Whether `reference` resolves to HEAD or an ancestor of it (cached per reference:
    /// many manifests name the same release).
    pub fn ancestor(&self, reference: &str) -> RefFacts {
        if let Some(hit) = self
            .ancestors
            .lock()
            .ok()
            .and_then(|c| c.get(reference).cloned())
        {
            return hit;
        }
        let facts = self.ancestor_uncached(reference);
        if let Ok(mut c) = self.ancestors.lock() {
            c.insert(reference.to_string(), facts.clone());
        }
        facts
    }

    fn ancestor_uncached(&self, reference: &str) -> RefFacts {
        let none = |problem: String| RefFacts {
            resolves: false,
            ancestor: false,
            commit: None,
            problem: Some(problem),
        };
        let Some(repo) = self.repo.as_ref().and_then(|r| r.lock().ok()) else {
            return none(
                self.facts
                    .problem
                    .clone()
                    .unwrap_or_else(|| "git facts are unknown".into()),
            );
        };
        let commit = match repo
            .revparse_single(reference)
            .and_then(|o| o.peel_to_commit())
        {
            Ok(c) => c.id(),
            Err(_) => {
                let hint = if self.facts.shallow {
                    " (shallow clone: fetch history and tags with `git fetch --unshallow --tags`)"
                } else {
                    " (fetch tags with `git fetch --tags`)"
                };
                return none(format!("`{reference}` does not resolve to a commit{hint}"));
            }
        };
        let head = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id());
        let Some(head) = head else {
            return none("the repository has no HEAD commit".into());
        };
        let ancestor = head == commit || repo.graph_descendant_of(head, commit).unwrap_or(false);
        RefFacts {
            resolves: true,
            ancestor,
            commit: Some(commit.to_string()),
            problem: (!ancestor)
                .then(|| format!("`{reference}` ({commit}) is not an ancestor of HEAD")),
        }
    }

    /// Repository-relative paths that differ between `rev` and the working tree (index
    /// included), for `--changed-since`.
    pub fn changed_since(&self, rev: &str) -> Result<std::collections::HashSet<String>, String> {
        let Some(repo) = self.repo.as_ref().and_then(|r| r.lock().ok()) else {
            return Err(self
                .facts
                .problem
                .clone()
                .unwrap_or_else(|| "not a git repository".into()));
        };
        let tree = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_tree())
            .map_err(|_| self.missing_rev(rev))?;
        let diff = repo
            .diff_tree_to_workdir_with_index(Some(&tree), None)
            .map_err(|e| e.message().to_string())?;
        let mut out = std::collections::HashSet::new();
        for d in diff.deltas() {
            for f in [d.old_file(), d.new_file()] {
                if let Some(p) = f.path() {
                    out.insert(p.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        Ok(out)
    }

    fn missing_rev(&self, rev: &str) -> String {
        if self.facts.shallow {
            format!(
                "the revision `{rev}` is not in this shallow clone; fetch it (`git fetch --unshallow`, or actions/checkout with `fetch-depth: 0`)"
            )
        } else {
            format!("the revision `{rev}` does not resolve; fetch it (`git fetch origin {rev}`)")
        }
    }

    /// The text of a repository-relative file at a revision (for `--base`).
    pub fn file_at(&self, rev: &str, path: &str) -> Result<Option<String>, String> {
        let Some(repo) = self.repo.as_ref().and_then(|r| r.lock().ok()) else {
            return Err(self
                .facts
                .problem
                .clone()
                .unwrap_or_else(|| "not a git repository".into()));
        };
        let commit = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| self.missing_rev(rev))?;
        let tree = commit.tree().map_err(|e| e.message().to_string())?;
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        let blob = entry
            .to_object(&repo)
            .and_then(|o| o.peel_to_blob())
            .map_err(|e| e.message().to_string())?;
        Ok(Some(String::from_utf8_lossy(blob.content()).into_owned()))
    }
}

/// Walks history from HEAD once, noting for each path the newest commit that changed it.
fn last_changes(repo: &git2::Repository, paths: &[&String]) -> HashMap<String, i64> {
    let mut found = HashMap::new();
    let Ok(mut walk) = repo.revwalk() else {
        return found;
    };
    if walk.push_head().is_err() {
        return found;
    }
    let _ = walk.set_sorting(git2::Sort::TIME);
    for oid in walk.take(MAX_COMMITS).flatten() {
        if found.len() == paths.len() {
            break;
        }
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        let Ok(tree) = commit.tree() else { continue };
        let parent_tree = commit.parent(0).ok().and_then(|p| p.tree().ok());
        for p in paths {
            if found.contains_key(p.as_str()) {
                continue;
            }
            let here = tree.get_path(Path::new(p.as_str())).ok().map(|e| e.id());
            let before = parent_tree
                .as_ref()
                .and_then(|t| t.get_path(Path::new(p.as_str())).ok())
                .map(|e| e.id());
            if here.is_some() && here != before {
                found.insert((*p).clone(), commit.time().seconds());
            }
        }
    }
    found
}
