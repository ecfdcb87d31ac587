//! Git facts: whether files are tracked (in the index, read with gix-index), when they last
//! changed, and what `rollback.known_good` names (a tag or commit id that is an earlier commit
//! of HEAD's history; both with git2). Outside a repository every fact is "unknown", never a
//! pass.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use super::refname::{self, RefKind};
use crate::recent::{Cells, cell};

mod lookup;

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

/// What `rollback.known_good` names: its kind, the commit it resolves to, and whether that
/// commit is an earlier release of what HEAD holds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RefFacts {
    /// What kind of name it is (`tag`, `commit`, `branch`, `expression`, ...).
    pub kind: RefKind,
    /// The full ref it resolved through, when it is a ref (for a name that is both a tag and
    /// a branch, the branch, which the message names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ref_name: Option<String>,
    /// It resolved to a commit.
    pub resolves: bool,
    /// A tag or a commit id that resolves: a name that keeps pointing at one commit.
    pub immutable: bool,
    /// That commit is HEAD or an ancestor of it.
    pub ancestor: bool,
    /// That commit is an ancestor of HEAD and not HEAD itself: a rollback goes somewhere.
    pub strict_ancestor: bool,
    /// The facts are certain; false outside a repository, or when a shallow clone may hide
    /// the history that would decide them (rules hold then).
    pub known: bool,
    /// The commit it resolved to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The first thing wrong, in rule order (name, resolution, HEAD itself, ancestry), or why
    /// the facts are unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Releases of its family shipped since it, newest first (see [`super::releases`]).
    pub later_releases: Vec<String>,
    /// What a rollback past [`RefFacts::later_releases`] undoes, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub later_problem: Option<String>,
}

impl RefFacts {
    fn named(kind: RefKind, problem: Option<String>, known: bool) -> RefFacts {
        RefFacts {
            kind,
            ref_name: None,
            resolves: false,
            immutable: false,
            ancestor: false,
            strict_ancestor: false,
            known,
            commit: None,
            problem,
            later_releases: Vec::new(),
            later_problem: None,
        }
    }
}

/// A repository opened once per run, shared by every manifest in it.
pub struct Repo {
    repo: Option<Mutex<git2::Repository>>,
    /// The index, read once; why it could not be read, when it could not.
    pub(super) index: Result<gix_index::File, String>,
    /// Repository-level facts.
    pub facts: RepoFacts,
    last_change: Mutex<HashMap<String, Option<i64>>>,
    ancestors: Cells<String, RefFacts>,
    /// HEAD's first-parent line, read as far as records need it.
    pub(super) first_parents: Mutex<super::history::Chain>,
    /// Stages lowered, by manifest and stage (see [`super::stages`]).
    pub(super) stages: Cells<String, Option<super::stages::Lowered>>,
    /// Where manifest files changed, read when a manifest first asks (see [`super::stages`]).
    pub(super) manifest_changes: OnceLock<super::stages::Changes>,
}

fn unknown(problem: String) -> Repo {
    Repo {
        repo: None,
        index: Err("not a git repository".into()),
        facts: RepoFacts {
            repository: false,
            shallow: false,
            head: None,
            problem: Some(problem),
        },
        last_change: Mutex::new(HashMap::new()),
        ancestors: Cells::new(),
        first_parents: Mutex::default(),
        stages: Cells::new(),
        manifest_changes: OnceLock::new(),
    }
}

/// `known_good` facts when no repository was looked for (rules evaluated without evidence):
/// only the name's text is judged.
pub fn unknown_repo_facts(reference: &str) -> RefFacts {
    unknown("git facts are unknown: no repository".into()).known_good_uncached(reference)
}

/// Repositories by work tree root, opened once and shared by every manifest in them.
static REPOS: Cells<std::path::PathBuf, Arc<Repo>> = Cells::new();

/// The repository whose work tree root is `root`, opened once while manifests keep asking for
/// it. The memo is the process's, not a run's: a run's [`age`] may make another run in the
/// same process (a test, a library caller) open a repository again, with the same answers.
pub fn open(root: &Path) -> Arc<Repo> {
    cell(&REPOS, root)
        .get_or_init(|| open_uncached(root))
        .clone()
}

/// Forgets the repositories not asked for since the last call (see [`Recent`]): a
/// run over thousands of roots would otherwise keep one entry per root.
///
/// [`Recent`]: crate::recent::Recent
pub fn age() {
    REPOS.age();
}

fn open_uncached(root: &Path) -> Arc<Repo> {
    if !root.join(".git").exists() {
        // One for every root without history: a run over 10,000 such directories kept
        // 10,000 identical empty repositories.
        static NONE: OnceLock<Arc<Repo>> = OnceLock::new();
        return NONE
            .get_or_init(|| {
                Arc::new(unknown(
                    "not a git repository: git facts are unknown".into(),
                ))
            })
            .clone();
    }
    // libgit2 re-hashes every object it reads (SHA-1 with collision detection), which is most
    // of an ancestry walk; git itself checks hashes in `fsck`, not on every read.
    static FAST_READS: std::sync::Once = std::sync::Once::new();
    FAST_READS.call_once(|| git2::opts::strict_hash_verification(false));
    let repo = match git2::Repository::open(root) {
        Ok(r) => r,
        Err(e) => {
            return Arc::new(unknown(format!(
                "cannot open the git repository: {}",
                e.message()
            )));
        }
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
    let index = read_index(repo.path());
    Arc::new(Repo {
        index,
        facts: RepoFacts {
            repository: true,
            shallow,
            head,
            problem,
        },
        repo: Some(Mutex::new(repo)),
        last_change: Mutex::new(HashMap::new()),
        ancestors: Cells::new(),
        first_parents: Mutex::default(),
        stages: Cells::new(),
        manifest_changes: OnceLock::new(),
    })
}

/// Reads the index of the repository whose git directory is `git_dir` (a worktree's own).
///
/// gix-index, not libgit2: libgit2 verifies the index's SHA-1 trailer with collision detection
/// and builds a map of every entry on each read, 0.1 s for a 100,000-file index, where a check
/// asks about a handful of paths. git itself verifies that trailer only in `fsck`. A missing
/// index (nothing ever added) is an empty one.
fn read_index(git_dir: &Path) -> Result<gix_index::File, String> {
    gix_index::File::at_or_default(
        git_dir.join("index"),
        gix_index::hash::Kind::Sha1,
        true,
        gix_index::decode::Options::default(),
    )
    .map_err(|e| format!("cannot read the git index: {e}"))
}

impl Repo {
    /// Whether `path` (repository-relative, `/`-separated) is in the index.
    fn is_tracked(&self, path: &str) -> bool {
        self.index
            .as_ref()
            .is_ok_and(|i| i.entry_by_path(path.as_bytes().into()).is_some())
    }

    /// Why git facts about files are unknown in this repository, when they are.
    pub fn files_problem(&self) -> Option<&str> {
        self.index.as_ref().err().map(String::as_str)
    }

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
                .filter(|p| self.is_tracked(p) && !cache.contains_key(*p))
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
                    tracked: self.is_tracked(p),
                    last_commit_unix: cache.get(p).copied().flatten(),
                },
            );
        }
        out
    }

    /// Whether each path is tracked, without the history walk [`Repo::files`] does for last
    /// changes: only `file_age_days()` needs those, and it asks for them itself.
    pub fn tracked(&self, paths: &[String]) -> BTreeMap<String, FileGit> {
        // No repository has no index either (`unknown`).
        if self.index.is_err() {
            return BTreeMap::new();
        }
        paths
            .iter()
            .map(|p| {
                let git = FileGit {
                    tracked: self.is_tracked(p),
                    last_commit_unix: None,
                };
                (p.clone(), git)
            })
            .collect()
    }

    /// What `reference` names and whether it is an earlier release of HEAD (cached per
    /// reference: many manifests name the same release).
    pub fn known_good(&self, reference: &str) -> RefFacts {
        cell(&self.ancestors, reference)
            .get_or_init(|| self.known_good_uncached(reference))
            .clone()
    }

    fn known_good_uncached(&self, reference: &str) -> RefFacts {
        let syntax = refname::syntax(reference);
        let decided = match syntax {
            refname::Syntax::Decided(kind) => Some(kind),
            _ => None,
        };
        let Some(repo) = self.repo.as_ref().and_then(|r| r.lock().ok()) else {
            // Without a repository only the text can speak: `HEAD~1` or `refs/heads/x` are
            // wrong anywhere; whether `v1.4.2` is a tag is unknown.
            return match decided {
                Some(kind) => {
                    RefFacts::named(kind, refname::name_problem(reference, kind, None), true)
                }
                None => RefFacts::named(
                    RefKind::Unresolved,
                    Some(
                        self.facts
                            .problem
                            .clone()
                            .unwrap_or_else(|| "git facts are unknown".into()),
                    ),
                    false,
                ),
            };
        };
        let (kind, ref_name, target) = lookup::classify(&repo, reference, syntax);
        let mut facts = RefFacts::named(kind, None, true);
        facts.ref_name = ref_name;
        let head = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .map(|c| c.id());
        let name_problem = refname::name_problem(reference, kind, facts.ref_name.as_deref());
        let commit = match target {
            Ok(c) => c,
            Err(unresolved) => {
                // A shallow clone may lack the tag or commit: hold, never fail or pass.
                facts.known = name_problem.is_some() || !self.facts.shallow;
                let unresolved = match head {
                    // "Fetch tags" would send the user after tags a repository without a
                    // commit cannot have.
                    None => format!(
                        "`{reference}` does not resolve to a commit: the repository has no commits yet"
                    ),
                    Some(_) => unresolved,
                };
                facts.problem = name_problem.or(Some(unresolved));
                return facts;
            }
        };
        facts.resolves = true;
        facts.commit = Some(commit.to_string());
        facts.immutable = kind.is_immutable();
        let Some(head) = head else {
            facts.problem = name_problem.or(Some("the repository has no HEAD commit".into()));
            return facts;
        };
        let descendant = head != commit && repo.graph_descendant_of(head, commit).unwrap_or(false);
        facts.ancestor = head == commit || descendant;
        facts.strict_ancestor = descendant;
        facts.problem = if name_problem.is_some() {
            name_problem
        } else if head == commit {
            Some(format!(
                "`{reference}` points at HEAD itself: rolling back to the commit being released changes nothing; name the release before it"
            ))
        } else if !descendant {
            // History cut by a shallow clone can hide the path from HEAD to the commit.
            facts.known = !self.facts.shallow;
            let hint = if self.facts.shallow {
                " (or history is cut: this is a shallow clone; fetch it with `git fetch --unshallow`, actions/checkout: `fetch-depth: 0`)"
            } else {
                ""
            };
            Some(format!(
                "`{reference}` ({commit}) is not an ancestor of HEAD: it is not in the history being released{hint}"
            ))
        } else {
            None
        };
        if facts.problem.is_none() && !self.facts.shallow {
            let tag = match kind {
                RefKind::Tag => facts
                    .ref_name
                    .as_deref()
                    .and_then(|r| r.strip_prefix("refs/tags/")),
                _ => None,
            };
            facts.later_releases = super::releases::since(&repo, head, commit, tag);
            facts.later_problem = super::releases::problem(reference, &facts.later_releases);
        }
        facts
    }

    /// Repository-relative paths that differ between `rev` and the working tree (index
    /// included), for `--changed-since`.
    pub fn changed_since(&self, rev: &str) -> Result<std::collections::HashSet<String>, String> {
        let repo = self.locked()?;
        let tree = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_tree())
            .map_err(|_| self.missing_rev(rev))?;
        let diff = repo
            .diff_tree_to_workdir_with_index(Some(&tree), None)
            .map_err(|e| {
                let mut message = e.message().to_string();
                if message.contains("'link'") {
                    // libgit2 cannot read a split index; the tracked-file facts can (gix-index).
                    message.push_str(": this repository's index is split (`core.splitIndex`), which the diff cannot read yet; `git update-index --no-split-index` joins it");
                }
                message
            })?;
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

    /// Runs `f` on the repository, when there is one.
    pub fn with_git<T>(&self, f: impl FnOnce(&git2::Repository) -> T) -> Option<T> {
        self.locked().ok().map(|r| f(&r))
    }

    /// The repository, for commands that cannot run without one (`--changed-since`, `--base`).
    fn locked(&self) -> Result<std::sync::MutexGuard<'_, git2::Repository>, String> {
        self.repo
            .as_ref()
            .and_then(|r| r.lock().ok())
            .ok_or_else(|| {
                self.facts
                    .problem
                    .clone()
                    .unwrap_or_else(|| "not a git repository".into())
            })
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
        let repo = self.locked()?;
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
