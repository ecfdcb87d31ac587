//! Releases shipped after `rollback.known_good`: a rollback to an older release undoes every
//! release since it too, so a known-good release left unchanged while `v1.4.3` and `v1.5.0`
//! shipped returns users to a version nobody has run for months.
//!
//! A release is a version tag (`v1.4.2`, `1.4.2`, `dashboard-factory/v1.4.2`) of the same
//! family as the known-good release: the text before the version (`dashboard-factory/`) is
//! the same, so one service's releases are not compared with another's in a monorepo. A
//! known-good tag gives its own family; a commit id the families of the version tags on its
//! commit (none: no releases to compare). Pre-releases (`v1.5.0-rc.1`) never reached everyone
//! and do not count. "Since" is history, not version order: tags on commits that descend from
//! the known-good commit and are ancestors of HEAD (HEAD itself is the release being
//! checked). Only the [`MAX_COMMITS`] newest commits after the known-good one are read.

use std::collections::{BTreeSet, HashMap};

/// How many commits between the known-good release and HEAD are read looking for releases.
pub const MAX_COMMITS: usize = super::git::MAX_COMMITS;

/// A version tag's family (the text before the version, a `v` dropped) and whether it is a
/// release (a pre-release has a `-suffix`); `None` when the name holds no dotted version.
pub fn family(tag: &str) -> Option<(&str, bool)> {
    // Semver build metadata (`+build.7`) says nothing about the release.
    let name = tag.split_once('+').map_or(tag, |(n, _)| n);
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'.'));
        if starts && let Some(end) = dotted_end(bytes, i) {
            let rest = &name[end..];
            if rest.is_empty() || rest.starts_with('-') {
                let prefix = &name[..i];
                let prefix = prefix
                    .strip_suffix(['v', 'V'])
                    .filter(|p| !p.ends_with(|c: char| c.is_ascii_alphanumeric()))
                    .unwrap_or(prefix);
                return Some((prefix, rest.is_empty()));
            }
        }
        i += 1;
    }
    None
}

/// The end of `digits(.digits)+` starting at `start`, when there is one.
fn dotted_end(bytes: &[u8], start: usize) -> Option<usize> {
    let run = |from: usize| {
        let n = bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        (n > 0).then_some(from + n)
    };
    let mut end = run(start)?;
    let mut parts = 1;
    while bytes.get(end) == Some(&b'.') {
        match run(end + 1) {
            Some(next) => {
                end = next;
                parts += 1;
            }
            None => break,
        }
    }
    (parts >= 2).then_some(end)
}

/// The releases of `known_good`'s family on commits after it in HEAD's history, newest first.
/// `tag` is the tag `known_good` was named by, whose family alone counts; a commit id takes
/// the families of the version tags on its commit.
pub fn since(
    repo: &git2::Repository,
    head: git2::Oid,
    known_good: git2::Oid,
    tag: Option<&str>,
) -> Vec<String> {
    let Ok(refs) = repo.references_glob("refs/tags/*") else {
        return Vec::new();
    };
    let named = tag.and_then(family).map(|(prefix, _)| prefix);
    let mut tags = Vec::new();
    for r in refs.flatten() {
        let Some(name) = r.name().and_then(|n| n.strip_prefix("refs/tags/")) else {
            continue;
        };
        let Some((prefix, release)) = family(name) else {
            continue;
        };
        // Peeling an annotated tag reads an object: only tags that may count are peeled.
        if named.is_some_and(|n| n != prefix) {
            continue;
        }
        let Ok(commit) = r.peel_to_commit() else {
            continue;
        };
        tags.push(Tag {
            name: name.to_string(),
            family: prefix.to_string(),
            release,
            commit: commit.id(),
        });
    }
    let families: BTreeSet<&str> = match named {
        Some(n) => BTreeSet::from([n]),
        None => tags
            .iter()
            .filter(|t| t.commit == known_good)
            .map(|t| t.family.as_str())
            .collect(),
    };
    let candidates: Vec<&Tag> = tags
        .iter()
        .filter(|t| {
            t.release
                && families.contains(t.family.as_str())
                && t.commit != known_good
                && t.commit != head
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let after = descendants(repo, head, known_good);
    let mut found: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|t| after.get(&t.commit).map(|&i| (i, t.name.as_str())))
        .collect();
    found.sort_unstable();
    found
        .into_iter()
        .map(|(_, name)| name.to_string())
        .collect()
}

/// A version tag and the commit it names.
struct Tag {
    name: String,
    family: String,
    release: bool,
    commit: git2::Oid,
}

/// The commits of HEAD's history that descend from `known_good`, each with its place in
/// history (0 for HEAD, newest first). A commit merged in from a line older than the
/// known-good release is in `known_good..HEAD` without coming after it.
fn descendants(
    repo: &git2::Repository,
    head: git2::Oid,
    known_good: git2::Oid,
) -> HashMap<git2::Oid, usize> {
    let mut after = HashMap::new();
    let Ok(mut walk) = repo.revwalk() else {
        return after;
    };
    if walk.push(head).is_err() || walk.hide(known_good).is_err() {
        return after;
    }
    // Topological: every commit before its parents, so read backwards each parent is
    // decided before its children. One commit read each, where asking git whether each
    // release descends from the known-good one is a merge-base search per release.
    let _ = walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME);
    let commits: Vec<git2::Oid> = walk.take(MAX_COMMITS).flatten().collect();
    for (i, oid) in commits.iter().enumerate().rev() {
        let Ok(commit) = repo.find_commit(*oid) else {
            continue;
        };
        if commit
            .parent_ids()
            .any(|p| p == known_good || after.contains_key(&p))
        {
            after.insert(*oid, i);
        }
    }
    after
}

/// Why the releases since the known-good one matter, when there are any.
pub fn problem(reference: &str, later: &[String]) -> Option<String> {
    const SHOWN: usize = 5;
    let newest = later.first()?;
    let shipped = match later {
        [one] => {
            format!("`{one}` has shipped since, and a rollback to `{reference}` undoes it too")
        }
        _ => {
            let listed: Vec<String> = later.iter().take(SHOWN).map(|t| format!("`{t}`")).collect();
            let more = match later.len() - listed.len() {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            format!(
                "{} releases have shipped since ({}{more}), and a rollback to `{reference}` undoes them too",
                later.len(),
                listed.join(", ")
            )
        }
    };
    Some(format!(
        "`{reference}` is not the last release: {shipped}; name the last good release (`{newest}`?), or waive this item saying which releases are skipped and why"
    ))
}

/// Words of a line that sends the reader to a release: "redeploy tag `v1.4.2`", "roll back
/// to v1.4.2", `git checkout v1.4.2`.
const TARGETS: &[&str] = &[
    "deploy",
    "roll back to",
    "rollback to",
    "revert to",
    "return to",
    "go back to",
    "checkout",
    "check out",
    "downgrade",
    "restore",
    "reinstall",
    "switch to",
    "pin ",
];

/// Words of a clause that keeps the reader from a release: "never roll back past v1.3.0",
/// "do not deploy v2.0.0".
const KEEPS_FROM: &[&str] = &[
    "do not",
    "must not",
    "should not",
    "never",
    "don't",
    "don\u{2019}t",
    "avoid",
    " past ",
    "older than",
    "earlier than",
];

/// A release of `known_good`'s family that the rollback runbook `text` sends its reader to,
/// when it never names `known_good` itself: the runbook returns to another release than the
/// one the manifest vouches for (a runbook left at `v1.4.2` after `known_good` moved to
/// `v1.4.3`). With its byte offset and length. `None` when `known_good` is no version tag (a
/// commit id) or the runbook names it.
pub fn other_target<'t>(text: &'t str, known_good: &str) -> Option<(&'t str, usize)> {
    let wanted = known_good.strip_prefix("refs/tags/").unwrap_or(known_good);
    let (prefix, _) = family(wanted)?;
    // A tag as written: its family's text, then a `v` where the known-good tag has one.
    let tagged = |t: &str| {
        let Some(version) = t.strip_prefix(prefix) else {
            return false;
        };
        let v = wanted[prefix.len()..].starts_with(['v', 'V']);
        version.starts_with(['v', 'V']) == v
            && version[usize::from(v)..].starts_with(|c: char| c.is_ascii_digit())
            && family(t).is_some_and(|(p, _)| p == prefix)
    };
    let mut first = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        // No version is written without a digit.
        if !line.bytes().any(|b| b.is_ascii_digit()) {
            offset += line.len();
            continue;
        }
        // A clause sends its reader to the release it names ("v2.0.0 added a migration;
        // deploy with care" sends nobody to v2.0.0), unless it keeps them from it.
        let clauses = line
            .split_inclusive(';')
            .flat_map(|c| c.split_inclusive(". "));
        for clause in clauses {
            // No version, the known-good one included, is written without a digit.
            if !clause.bytes().any(|b| b.is_ascii_digit()) {
                continue;
            }
            let lower = clause.to_ascii_lowercase();
            let sends = TARGETS.iter().any(|t| lower.contains(t))
                && !KEEPS_FROM.iter().any(|k| lower.contains(k));
            let tokens = clause.split(|c: char| {
                !(c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_' | '+'))
            });
            for token in tokens.map(|t| t.trim_end_matches(['.', '-'])) {
                // Named anywhere, the known-good release is the runbook's too.
                if token == wanted {
                    return None;
                }
                if sends && first.is_none() && tagged(token) {
                    let at = offset + (token.as_ptr() as usize - line.as_ptr() as usize);
                    first = Some((token, at));
                }
            }
        }
        offset += line.len();
    }
    first
}

#[cfg(test)]
mod tests {
    use super::{family, other_target, problem};

    #[test]
    fn version_tags_name_their_family() {
        for (tag, want) in [
            ("v1.4.2", Some(("", true))),
            ("1.4.2", Some(("", true))),
            ("V2.0", Some(("", true))),
            ("v1.5.0-rc.1", Some(("", false))),
            ("v1.4.2+build.7", Some(("", true))),
            (
                "dashboard-factory/v1.4.2",
                Some(("dashboard-factory/", true)),
            ),
            (
                "dashboard-factory-1.4.2",
                Some(("dashboard-factory-", true)),
            ),
            ("app2-v1.2.3", Some(("app2-", true))),
            ("release-2026.11.02", Some(("release-", true))),
            // A `v` that ends a word is part of the family, not the version's prefix.
            ("dev1.2", Some(("dev", true))),
            ("v1", None),
            ("release-2026-11-02", None),
            ("nightly", None),
            ("v1.4.2rc1", None),
        ] {
            assert_eq!(family(tag), want, "{tag}");
        }
    }

    #[test]
    fn a_rollback_runbook_sending_its_reader_to_another_release_is_found() {
        let runbook = include_str!("../../examples/dashboard-factory/runbooks/rollback.md");
        assert_eq!(other_target(runbook, "v1.4.2"), None);
        assert_eq!(other_target(runbook, "refs/tags/v1.4.2"), None);
        let (named, at) = other_target(runbook, "v1.4.3").unwrap();
        assert_eq!((named, &runbook[at..at + 6]), ("v1.4.2", "v1.4.2"));
        // A commit id names no release to compare.
        assert_eq!(other_target(runbook, "59d812ec89"), None);
        for (text, known_good, found) in [
            ("1. Roll back to v1.4.1.\n", "v1.4.2", Some("v1.4.1")),
            (
                "Run `git checkout svc/v2.0.0`.\n",
                "svc/v2.1.0",
                Some("svc/v2.0.0"),
            ),
            ("Redeploy 1.4.1\n", "1.4.2", Some("1.4.1")),
            // Named anywhere, the known-good release is the runbook's.
            (
                "We release v1.4.2 weekly.\nRedeploy v1.4.1 if v1.4.2 fails.\n",
                "v1.4.2",
                None,
            ),
            // Not a line that sends anyone to it, another family, a number, a URL.
            ("v1.5.0 added the queue.\n", "v1.4.2", None),
            ("Redeploy other/v1.4.1.\n", "svc/v1.4.2", None),
            ("Redeploy within 1.5 minutes.\n", "v1.4.2", None),
            ("Deploy https://x.dev/releases/tag/v1.4.1\n", "v1.4.2", None),
            // A clause that names a release without sending anyone to it, or keeps them
            // from it.
            (
                "v2.0.0 added a migration; deploy with care.\n",
                "v1.4.2",
                None,
            ),
            (
                "v2.0.0 added a migration. Deploy with care.\n",
                "v1.4.2",
                None,
            ),
            (
                "Never roll back past v1.3.0 (the schema changed).\n",
                "v1.4.2",
                None,
            ),
            ("Do not deploy v1.4.0: it loses data.\n", "v1.4.2", None),
            (
                "Check the queue; then redeploy tag `v1.4.1`.\n",
                "v1.4.2",
                Some("v1.4.1"),
            ),
            (
                "If the cache is not warm, redeploy v1.4.1.\n",
                "v1.4.2",
                Some("v1.4.1"),
            ),
        ] {
            assert_eq!(
                other_target(text, known_good).map(|(n, _)| n),
                found,
                "{text}"
            );
        }
    }

    #[test]
    fn the_problem_names_the_newest_releases() {
        assert_eq!(problem("v1", &[]), None);
        let one = problem("v1.4.2", &["v1.4.3".into()]).unwrap();
        assert!(one.starts_with("`v1.4.2` is not the last release: `v1.4.3` has shipped since, and a rollback to `v1.4.2` undoes it too; name the last good release (`v1.4.3`?)"), "{one}");
        let seven: Vec<String> = (0..7).rev().map(|i| format!("v1.{i}.0")).collect();
        let many = problem("v0.9.0", &seven).unwrap();
        assert!(many.contains("7 releases have shipped since (`v1.6.0`, `v1.5.0`, `v1.4.0`, `v1.3.0`, `v1.2.0` and 2 more)"), "{many}");
    }
}
