//! `check --changed-since REV`: which manifests a change touched, directly or through the files
//! and policy they depend on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::checklist::Loader;
use crate::error::Error;
use crate::evidence::{self, Base};
use crate::manifest;
use crate::source::display_path;
use crate::yaml::{self, Limits};
use serde_json::Value;

use super::read_manifest;

/// The manifests that changed since `rev`, or whose referenced files did. A revision that
/// cannot be read (a shallow clone without it) is an error, never "nothing changed".
pub(super) fn changed_manifests(
    files: Vec<PathBuf>,
    rev: &str,
    loader: &Loader,
) -> Result<Vec<PathBuf>, Error> {
    let mut keep = Vec::new();
    let mut changed: BTreeMap<PathBuf, std::collections::HashSet<String>> = BTreeMap::new();
    for f in files {
        let base = Base::for_manifest(&loader.dirs, &f).map_err(|e| Error::Io {
            path: display_path(&f),
            reason: e.to_string(),
        })?;
        if !changed.contains_key(&base.root) {
            let set = evidence::git::open(&base.root)
                .changed_since(rev)
                .map_err(|reason| Error::Usage(format!("--changed-since: {reason}")))?;
            changed.insert(base.root.clone(), set);
        }
        let set = &changed[&base.root];
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut hit =
            set.contains(&base.repo_relative(&name)) || policy_changed(&f, &base, set, loader)?;
        if !hit
            && let Ok(Ok(src)) = read_manifest(&f)
            && let Ok(doc) = yaml::parse(&src, &Limits::default())
        {
            let json = doc.to_json();
            let mut written: Vec<String> = manifest::referenced_paths(&json)
                .into_iter()
                .map(|r| r.path)
                .collect();
            written.extend(
                json.get("checklists")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str().map(str::to_string)),
            );
            hit = written.iter().any(|w| set.contains(&base.repo_relative(w)));
        }
        if hit {
            keep.push(f);
        }
    }
    Ok(keep)
}

/// Whether the policy governing a manifest changed since the revision: a `.launchgate.yaml`
/// added, changed or removed between the manifest's directory and the repository root, or a
/// checklist file the current policy requires.
fn policy_changed(
    manifest: &Path,
    base: &Base,
    changed: &std::collections::HashSet<String>,
    loader: &Loader,
) -> Result<bool, Error> {
    let candidates = base.dir.ancestors().map(|d| {
        let p = d.join(crate::policy::FILE_NAME);
        p.to_string_lossy().replace('\\', "/")
    });
    if candidates.into_iter().any(|c| changed.contains(&c)) {
        return Ok(true);
    }
    let policy = loader.policies.for_manifest(&loader.dirs, manifest)?;
    Ok(policy.checklist_files().iter().any(|f| {
        f.strip_prefix(&base.root)
            .is_ok_and(|rel| changed.contains(&rel.to_string_lossy().replace('\\', "/")))
    }))
}
