//! How git looks a name up: a full id, a ref in `git help revisions` order, an abbreviated
//! id, or an expression, each resolved to the commit it names.

use super::super::refname::{self, RefKind};

/// A name's kind, the ref it resolved through, and its commit (or why it does not resolve),
/// following git's lookup: full ids, then refs in `git help revisions` order, then
/// abbreviated ids; expressions are resolved as git resolves them.
pub(super) fn classify(
    repo: &git2::Repository,
    name: &str,
    syntax: refname::Syntax,
) -> (RefKind, Option<String>, Result<git2::Oid, String>) {
    let shallow = repo.is_shallow();
    let via_ref = |full: &str| -> Result<git2::Oid, String> {
        repo.find_reference(full)
            .and_then(|r| r.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| format!("`{name}` ({full}) does not point at a commit"))
    };
    match syntax {
        refname::Syntax::Decided(RefKind::Invalid) => {
            (RefKind::Invalid, None, Err(unresolved(name, shallow)))
        }
        refname::Syntax::Decided(kind) if name.starts_with("refs/") => {
            let target = match repo.find_reference(name) {
                Ok(_) => via_ref(name),
                Err(_) => Err(unresolved(name, shallow)),
            };
            (kind, Some(name.to_string()), target)
        }
        refname::Syntax::Decided(kind) => (kind, None, revparse(repo, name)),
        refname::Syntax::FullRef(kind) => match repo.find_reference(name) {
            Ok(_) => (kind, Some(name.to_string()), via_ref(name)),
            Err(_) => (RefKind::Unresolved, None, Err(unresolved(name, shallow))),
        },
        refname::Syntax::Short => {
            let hex = refname::hex_len(name);
            if hex == Some(refname::FULL_ID_DIGITS) {
                // git reads 40 hex digits as an object id even when a ref has that name.
                return (RefKind::Commit, None, revparse(repo, name));
            }
            let found: Vec<String> = refname::candidates(name)
                .into_iter()
                .filter(|c| repo.find_reference(c).is_ok())
                .collect();
            if let Some(first) = found.first() {
                let mut kind = RefKind::of_full_ref(first);
                let other = found.iter().skip(1).find(|f| {
                    matches!(
                        RefKind::of_full_ref(f),
                        RefKind::Branch | RefKind::RemoteBranch
                    )
                });
                let shown = match (kind, other) {
                    (RefKind::Tag, Some(branch)) => {
                        kind = RefKind::Ambiguous;
                        branch.clone()
                    }
                    _ => first.clone(),
                };
                return (kind, Some(shown), via_ref(first));
            }
            match hex {
                Some(n) if (refname::MIN_ID_DIGITS..refname::FULL_ID_DIGITS).contains(&n) => {
                    let target = match repo.find_object_by_prefix(name, None) {
                        Ok(o) => o
                            .peel_to_commit()
                            .map(|c| c.id())
                            .map_err(|_| format!("`{name}` is not a commit")),
                        Err(e) if e.code() == git2::ErrorCode::Ambiguous => Err(format!(
                            "`{name}` is an ambiguous commit id prefix: write more hex digits"
                        )),
                        Err(_) => Err(unresolved(name, shallow)),
                    };
                    (RefKind::Commit, None, target)
                }
                Some(_) => (RefKind::ShortId, None, revparse(repo, name)),
                None => (RefKind::Unresolved, None, Err(unresolved(name, shallow))),
            }
        }
    }
}

/// The commit git resolves a revision to.
fn revparse(repo: &git2::Repository, name: &str) -> Result<git2::Oid, String> {
    repo.revparse_single(name)
        .and_then(|o| o.peel_to_commit())
        .map(|c| c.id())
        .map_err(|_| unresolved(name, repo.is_shallow()))
}

/// Why `name` resolves to no commit, with how to fetch what it may name.
fn unresolved(name: &str, shallow: bool) -> String {
    let hint = if shallow {
        " (shallow clone: fetch history and tags with `git fetch --unshallow --tags`)"
    } else {
        " (fetch tags with `git fetch --tags`)"
    };
    format!("`{name}` does not resolve to a commit{hint}")
}
