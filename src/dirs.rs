//! Directory facts looked up once per run: canonical forms, and which directories hold `.git`
//! or `.launchgate.yaml`.
//!
//! A run over many manifests asks the same questions about the same directories (the
//! repository root, every ancestor, each service directory): answering each once turns a few
//! dozen system calls per manifest into a few per directory.

use std::io;
use std::path::{Path, PathBuf};

use crate::recent::Recent;

/// What one run learned about directories. Kept per run, not per process: a library caller
/// that changes files between two runs gets fresh answers.
#[derive(Debug, Default)]
pub struct Dirs {
    canonical: Recent<PathBuf, Result<PathBuf, (io::ErrorKind, String)>>,
    has: Recent<(PathBuf, &'static str), bool>,
    /// Per directory, the byte length of its deepest ancestor (itself included) that is not a
    /// real directory, if any: the same for every root, and one lookup per question.
    unreal: Recent<PathBuf, Option<usize>>,
}

impl Dirs {
    /// Forgets the answers not asked for since the last call. A run over many
    /// manifests calls it between chunks: the answers about each service's own directories
    /// are not asked again, and kept they would grow with the run; the shared ancestors, asked
    /// about by every chunk, stay.
    pub fn age(&self) {
        self.canonical.age();
        self.has.age();
        self.unreal.age();
    }

    /// The canonical form of a directory (as `fs::canonicalize`), built from its parent's
    /// canonical form when the directory itself is not a symlink.
    pub fn canonical(&self, dir: &Path) -> io::Result<PathBuf> {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        self.canonical
            .get_or_compute(dir, || {
                self.canonical_uncached(dir)
                    .map_err(|e| (e.kind(), e.to_string()))
            })
            .map_err(|(kind, message)| io::Error::new(kind, message))
    }

    fn canonical_uncached(&self, dir: &Path) -> io::Result<PathBuf> {
        // `file_name` is `None` for a path ending in `..` (which means what the kernel says
        // after symlinks) and for `/` or `.`: those go to the kernel.
        let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
            return std::fs::canonicalize(dir);
        };
        let meta = std::fs::symlink_metadata(dir)?;
        if meta.file_type().is_symlink() {
            return std::fs::canonicalize(dir);
        }
        if !meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("`{}` is not a directory", dir.display()),
            ));
        }
        Ok(self.canonical(parent)?.join(name))
    }

    /// Whether the canonical directory `dir` has an entry `name` (followed through symlinks,
    /// as `Path::exists`).
    pub fn has(&self, dir: &Path, name: &'static str) -> bool {
        self.has
            .get_or_compute(&(dir.to_path_buf(), name), || dir.join(name).exists())
    }

    /// Whether `dir` (under `root`) and its parents up to `root` are real directories, not
    /// symlinks: a file in such a directory that is no symlink itself stays inside `root`
    /// without canonicalizing it.
    pub fn real_inside(&self, root: &Path, dir: &Path) -> bool {
        // Only the components below `root` are asked about: `root` is canonical, and whatever
        // lies above it was resolved when it was made so.
        dir.starts_with(root)
            && self
                .deepest_unreal(dir)
                .is_none_or(|len| len <= root.as_os_str().len())
    }

    /// The byte length of the deepest ancestor of `dir` (itself included) that is missing, a
    /// symlink or no directory. Paths built by pushing components have each ancestor as a
    /// prefix, so a length names it.
    fn deepest_unreal(&self, dir: &Path) -> Option<usize> {
        self.unreal.get_or_compute(dir, || {
            let real = std::fs::symlink_metadata(dir)
                .is_ok_and(|m| m.is_dir() && !m.file_type().is_symlink());
            if !real {
                return Some(dir.as_os_str().len());
            }
            dir.parent().and_then(|p| self.deepest_unreal(p))
        })
    }

    /// The repository root above the canonical directory `dir`: the nearest ancestor (or `dir`
    /// itself) holding `.git`.
    pub fn repo_root<'p>(&self, dir: &'p Path) -> Option<&'p Path> {
        dir.ancestors().find(|a| self.has(a, ".git"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_agrees_with_the_kernel() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().join("a/b/c");
        std::fs::create_dir_all(&real).unwrap();
        assert_eq!(
            Dirs::default().canonical(&real).unwrap(),
            std::fs::canonicalize(&real).unwrap()
        );
        assert_eq!(
            Dirs::default()
                .canonical(&t.path().join("a/b/../b/c"))
                .unwrap(),
            std::fs::canonicalize(&real).unwrap()
        );
        assert!(
            Dirs::default()
                .canonical(&t.path().join("missing"))
                .is_err()
        );
    }

    #[cfg(unix)]
    #[test]
    fn canonical_follows_symlinked_directories() {
        let t = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(outside.path().join("x")).unwrap();
        std::os::unix::fs::symlink(outside.path(), t.path().join("link")).unwrap();
        assert_eq!(
            Dirs::default().canonical(&t.path().join("link/x")).unwrap(),
            std::fs::canonicalize(outside.path().join("x")).unwrap()
        );
    }

    #[cfg(unix)]
    #[test]
    fn real_inside_refuses_a_symlink_or_a_gap_below_the_root_only() {
        let t = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(t.path()).unwrap();
        std::fs::create_dir_all(top.join("repo/a/b")).unwrap();
        std::os::unix::fs::symlink(top.join("repo/a"), top.join("repo/link")).unwrap();
        std::os::unix::fs::symlink(top.join("repo"), top.join("alias")).unwrap();
        let dirs = Dirs::default();
        let root = top.join("repo");
        assert!(dirs.real_inside(&root, &root));
        assert!(dirs.real_inside(&root, &root.join("a/b")));
        assert!(!dirs.real_inside(&root, &root.join("link/b")));
        assert!(!dirs.real_inside(&root, &root.join("a/missing")));
        assert!(!dirs.real_inside(&root, &top.join("elsewhere")));
        // Asked again, from the memo, and about a root that is itself a symlink (the root is
        // taken as given; only what lies below it is asked about).
        assert!(!dirs.real_inside(&root, &root.join("link/b")));
        assert!(dirs.real_inside(&root, &root.join("a/b")));
        let alias = top.join("alias");
        assert!(dirs.real_inside(&alias, &alias.join("a/b")));
        assert!(!dirs.real_inside(&alias, &alias.join("link")));
        // A root below a symlink: the answers about the deeper root are its own.
        let deep = root.join("link");
        assert!(dirs.real_inside(&deep, &deep.join("b")));
    }

    #[test]
    fn repo_root_is_the_nearest_git_holder() {
        let t = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(t.path()).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("svc/a")).unwrap();
        assert_eq!(
            Dirs::default().repo_root(&root.join("svc/a")),
            Some(root.as_path())
        );
    }
}
