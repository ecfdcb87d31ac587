//! What kind of git name `rollback.known_good` is, and what is wrong with it.
//!
//! A rollback target must stay where it is: a tag or a commit id. Branches, `HEAD` and
//! revision expressions (`HEAD~1`, `main^`, `@{-1}`) move as the repository moves, so a
//! rollback to them returns to whatever they point at on the day, not to a known release.
//! Much of this is decided by the text alone; the rest (is `v1.4.2` a tag or a branch?) by
//! the repository's refs, in git's own lookup order (`git help revisions`).

use serde::Serialize;

/// Fewest hex digits accepted as an abbreviated commit id (git's default abbreviation).
pub const MIN_ID_DIGITS: usize = 7;
/// Hex digits of a full SHA-1 commit id.
pub const FULL_ID_DIGITS: usize = 40;

/// What a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    /// A tag (`v1.4.2`, `refs/tags/v1.4.2`).
    Tag,
    /// A commit id, full or abbreviated to at least [`MIN_ID_DIGITS`].
    Commit,
    /// A local branch (`main`, `refs/heads/main`).
    Branch,
    /// A remote-tracking branch (`origin/main`, `refs/remotes/origin/main`).
    RemoteBranch,
    /// `HEAD` and its kin (`FETCH_HEAD`, `@`): whatever is checked out.
    Symbolic,
    /// A revision expression (`HEAD~1`, `main^`, `@{-1}`, `v1.0~2`, `a..b`).
    Expression,
    /// Another kind of ref (`refs/pull/7/head`, `refs/stash`, `refs/notes/x`).
    OtherRef,
    /// A name that is both a tag and a branch.
    Ambiguous,
    /// Hex too short to keep naming one commit as the repository grows.
    ShortId,
    /// Not a valid git name (spaces, `*`, `?`, `[`, `\`, control characters).
    Invalid,
    /// Nothing in the repository has this name.
    Unresolved,
}

impl RefKind {
    /// Whether a name of this kind keeps pointing at the same commit.
    pub fn is_immutable(self) -> bool {
        matches!(self, RefKind::Tag | RefKind::Commit)
    }

    /// The kind of a full ref name (`refs/...`).
    pub fn of_full_ref(full: &str) -> RefKind {
        if full.starts_with("refs/tags/") {
            RefKind::Tag
        } else if full.starts_with("refs/heads/") {
            RefKind::Branch
        } else if full.starts_with("refs/remotes/") {
            RefKind::RemoteBranch
        } else {
            RefKind::OtherRef
        }
    }
}

/// What the text of a name says before any repository is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Its kind is certain from the text (`HEAD~1`, `HEAD`, `refs/heads/x`, `a b`).
    Decided(RefKind),
    /// A full ref name under `refs/`, whose kind is known but must exist.
    FullRef(RefKind),
    /// A name git looks up among refs first, then as a commit id (`v1.4.2`, `main`, `abc1234`).
    Short,
}

/// Reads a name's text.
pub fn syntax(name: &str) -> Syntax {
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "*?[\\".contains(c))
    {
        return Syntax::Decided(RefKind::Invalid);
    }
    if name.eq_ignore_ascii_case("HEAD") || is_pseudo_ref(name) || name == "@" {
        return Syntax::Decided(RefKind::Symbolic);
    }
    // None of these can appear in a ref name (`git check-ref-format`): they are operators.
    if name.contains(['~', '^', ':']) || name.contains("@{") || name.contains("..") {
        return Syntax::Decided(RefKind::Expression);
    }
    if name.starts_with("refs/") {
        return match RefKind::of_full_ref(name) {
            RefKind::Tag => Syntax::FullRef(RefKind::Tag),
            kind => Syntax::Decided(kind),
        };
    }
    Syntax::Short
}

/// `FETCH_HEAD`, `ORIG_HEAD`, `MERGE_HEAD`, ...: all capitals, ending in `HEAD`.
fn is_pseudo_ref(name: &str) -> bool {
    name.ends_with("_HEAD") && name.chars().all(|c| c.is_ascii_uppercase() || c == '_')
}

/// The hex digits of a name that is nothing but hex, else `None`.
pub fn hex_len(name: &str) -> Option<usize> {
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_hexdigit())).then_some(name.len())
}

/// The candidates git tries for a short name, in its order (`refs/<n>`, tags, branches,
/// remote-tracking branches, a remote's default branch).
pub fn candidates(name: &str) -> [String; 5] {
    [
        format!("refs/{name}"),
        format!("refs/tags/{name}"),
        format!("refs/heads/{name}"),
        format!("refs/remotes/{name}"),
        format!("refs/remotes/{name}/HEAD"),
    ]
}

/// Why a name of this kind cannot be a rollback target; `None` for tags and commit ids.
/// `full` is the ref it resolved to, when one did.
pub fn name_problem(name: &str, kind: RefKind, full: Option<&str>) -> Option<String> {
    let fix = "name a tag or a commit id";
    Some(match kind {
        RefKind::Tag | RefKind::Commit | RefKind::Unresolved => return None,
        RefKind::Branch => format!("`{name}` is a branch: branches move; {fix}"),
        RefKind::RemoteBranch => {
            format!("`{name}` is a remote-tracking branch: branches move; {fix}")
        }
        RefKind::Symbolic => {
            format!("`{name}` is a symbolic ref: it follows whatever is checked out; {fix}")
        }
        RefKind::Expression => {
            format!("`{name}` is a revision expression: it is computed from refs that move; {fix}")
        }
        RefKind::OtherRef => format!(
            "`{name}` is neither a tag nor a commit id{}: such refs move; {fix}",
            full.map(|f| format!(" (`{f}`)")).unwrap_or_default()
        ),
        RefKind::Ambiguous => format!(
            "`{name}` names both a tag and a branch{}: tools disagree on which one wins; write `refs/tags/{name}`",
            full.map(|f| format!(" (`{f}`)")).unwrap_or_default()
        ),
        RefKind::ShortId => format!(
            "`{name}` is too short for a commit id: it stops being unique as history grows; write at least {MIN_ID_DIGITS} hex digits"
        ),
        RefKind::Invalid => format!("`{name}` is not a valid git ref name; {fix}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_and_symbolic_refs_are_decided_by_their_text() {
        for e in [
            "HEAD~1",
            "HEAD~0",
            "HEAD^",
            "main^",
            "@{-1}",
            "main@{1}",
            "v1.0~2",
            "v1.0^{}",
            "a..b",
            ":/fix",
            "HEAD:path",
        ] {
            assert_eq!(syntax(e), Syntax::Decided(RefKind::Expression), "{e}");
        }
        for s in ["HEAD", "head", "FETCH_HEAD", "ORIG_HEAD", "@"] {
            assert_eq!(syntax(s), Syntax::Decided(RefKind::Symbolic), "{s}");
        }
        for i in ["", "v1 .0", "v*", "a\\b", "x?"] {
            assert_eq!(syntax(i), Syntax::Decided(RefKind::Invalid), "{i:?}");
        }
    }

    #[test]
    fn full_ref_names_say_their_kind() {
        assert_eq!(syntax("refs/heads/main"), Syntax::Decided(RefKind::Branch));
        assert_eq!(
            syntax("refs/remotes/origin/main"),
            Syntax::Decided(RefKind::RemoteBranch)
        );
        assert_eq!(
            syntax("refs/pull/7/head"),
            Syntax::Decided(RefKind::OtherRef)
        );
        assert_eq!(syntax("refs/tags/v1.4.2"), Syntax::FullRef(RefKind::Tag));
        for s in [
            "v1.4.2",
            "main",
            "origin/main",
            "abc1234",
            "RELEASE",
            "HEADS-UP",
        ] {
            assert_eq!(syntax(s), Syntax::Short, "{s}");
        }
    }

    #[test]
    fn hex_and_messages() {
        assert_eq!(hex_len("59d812e"), Some(7));
        assert_eq!(hex_len("v1"), None);
        assert_eq!(hex_len(""), None);
        assert_eq!(
            name_problem("main", RefKind::Branch, Some("refs/heads/main")).unwrap(),
            "`main` is a branch: branches move; name a tag or a commit id"
        );
        assert!(
            name_problem("HEAD~1", RefKind::Expression, None)
                .unwrap()
                .starts_with("`HEAD~1` is a revision expression")
        );
        assert!(name_problem("v1", RefKind::Tag, None).is_none());
        assert!(name_problem("59d812e", RefKind::Commit, None).is_none());
        assert!(RefKind::Tag.is_immutable() && !RefKind::Branch.is_immutable());
    }
}
