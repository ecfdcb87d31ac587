//! Finding readiness manifests: `readiness.yaml` and `*.readiness.yaml`, honouring the
//! repository's ignore files (`.gitignore`, `.launchgateignore`).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;
use crate::source::display_path;

/// Ignore file launchgate reads in addition to `.gitignore`.
pub const IGNORE_FILE: &str = ".launchgateignore";

/// Whether a file name is a readiness manifest's.
pub fn is_manifest_name(name: &str) -> bool {
    matches!(name, "readiness.yaml" | "readiness.yml")
        || name.ends_with(".readiness.yaml")
        || name.ends_with(".readiness.yml")
}

/// Paths from which discovery asks what each is in parallel.
const PARALLEL_STAT: usize = 256;

/// Manifests under the given paths: files are taken as given, directories are walked.
/// The result is sorted and without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    // `xargs` or a pre-commit hook may hand over thousands of files: asking what each is
    // across the cores keeps their path lookups off the critical path. A few are asked here,
    // since a job for the pool waits until a worker is free (the checklists compile there).
    let is_dir = |p: &PathBuf| std::fs::metadata(p).map(|m| m.is_dir()).ok();
    let kinds: Vec<Option<bool>> = if paths.len() < PARALLEL_STAT {
        paths.iter().map(is_dir).collect()
    } else {
        paths
            .par_iter()
            .with_min_len(PARALLEL_STAT / 2)
            .map(is_dir)
            .collect()
    };
    let mut out = Vec::new();
    for (path, is_dir) in paths.iter().zip(kinds) {
        let is_dir = is_dir.ok_or_else(|| Error::NotFound(display_path(path)))?;
        if !is_dir {
            out.push(path.clone());
            continue;
        }
        walk(path, &mut out)?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    // The parallel walker: large monorepos spend most of discovery in directory reads.
    let found = std::sync::Mutex::new(Vec::new());
    let error = std::sync::Mutex::new(None);
    ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        // Only ignore files the repository holds decide which manifests are checked: a
        // personal global excludes file or `.git/info/exclude` would make one machine skip a
        // manifest CI checks, and ripgrep's `.ignore` is no file reviewers look at for this.
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .add_custom_ignore_filename(IGNORE_FILE)
        // GitHub workflow files may be called `readiness.yml` too; they are never manifests.
        .filter_entry(|e| {
            e.file_name() != ".git"
                && !(e.file_name() == "workflows"
                    && e.path().parent().and_then(Path::file_name) == Some(".github".as_ref()))
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file())
                            && e.file_name().to_str().is_some_and(is_manifest_name)
                            && let Ok(mut f) = found.lock()
                        {
                            f.push(clean(e.path()));
                        }
                    }
                    Err(e) => {
                        if let Ok(mut slot) = error.lock() {
                            slot.get_or_insert(e.to_string());
                        }
                        return ignore::WalkState::Quit;
                    }
                }
                ignore::WalkState::Continue
            })
        });
    if let Some(reason) = error.into_inner().ok().flatten() {
        return Err(Error::Io {
            path: display_path(dir),
            reason,
        });
    }
    out.extend(found.into_inner().unwrap_or_default());
    Ok(())
}

/// Drops a leading `./` so displayed paths read naturally.
fn clean(p: &Path) -> PathBuf {
    p.strip_prefix(".")
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names() {
        assert!(is_manifest_name("readiness.yaml"));
        assert!(is_manifest_name("api.readiness.yaml"));
        assert!(!is_manifest_name("readiness.yaml.bak"));
        assert!(!is_manifest_name("notreadiness.yaml"));
    }

    /// Past [`PARALLEL_STAT`] paths the kinds are asked in parallel: the same manifests, and
    /// the first missing path in the order given is the one named.
    #[test]
    fn many_paths_are_taken_as_given() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path();
        let mut given = Vec::new();
        for i in 0..PARALLEL_STAT + 44 {
            let f = p.join(format!("s{i:03}.readiness.yaml"));
            std::fs::write(&f, "").unwrap();
            given.push(f);
        }
        // A directory among the files is walked, and a file given twice is found once.
        std::fs::create_dir(p.join("dir")).unwrap();
        std::fs::write(p.join("dir/readiness.yaml"), "").unwrap();
        given.push(p.join("dir"));
        given.push(given[7].clone());
        let found = discover(&given).unwrap();
        assert_eq!(found.len(), PARALLEL_STAT + 45);
        assert!(found.contains(&p.join("dir/readiness.yaml")));
        assert!(found.windows(2).all(|w| w[0] < w[1]));

        given.insert(200, p.join("first-missing.readiness.yaml"));
        given.insert(250, p.join("second-missing.readiness.yaml"));
        match discover(&given) {
            Err(Error::NotFound(shown)) => {
                assert!(shown.ends_with("first-missing.readiness.yaml"), "{shown}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn walks_respecting_ignores() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path();
        std::fs::create_dir_all(p.join("a/b")).unwrap();
        std::fs::create_dir_all(p.join("skip")).unwrap();
        for f in [
            "readiness.yaml",
            "a/x.readiness.yaml",
            "a/b/readiness.yml",
            "skip/readiness.yaml",
            "a/other.yaml",
        ] {
            std::fs::write(p.join(f), "").unwrap();
        }
        std::fs::write(p.join(".gitignore"), "skip/\n").unwrap();
        // ripgrep's `.ignore` and git's local excludes are not the repository's say.
        std::fs::write(p.join(".ignore"), "a/\n").unwrap();
        std::fs::create_dir_all(p.join(".git/info")).unwrap();
        std::fs::write(p.join(".git/info/exclude"), "readiness.yaml\n").unwrap();
        let found = discover(&[p.to_path_buf()]).unwrap();
        let rel: Vec<String> = found
            .iter()
            .map(|f| f.strip_prefix(p).unwrap().display().to_string())
            .collect();
        assert_eq!(
            rel,
            ["a/b/readiness.yml", "a/x.readiness.yaml", "readiness.yaml"]
        );
        assert!(matches!(
            discover(&[p.join("missing")]),
            Err(Error::NotFound(_))
        ));
    }
}
