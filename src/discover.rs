//! Finding readiness manifests: `readiness.yaml` and `*.readiness.yaml`, honouring ignore files.

use std::path::{Path, PathBuf};

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

/// Manifests under the given paths: files are taken as given, directories are walked.
/// The result is sorted and without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| Error::NotFound(display_path(path)))?;
        if !meta.is_dir() {
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
