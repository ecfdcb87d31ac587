//! PROD-KNOWN-GOOD against real git repositories: a rollback target is a tag or a commit id
//! that is a strict ancestor of HEAD. Each case is a name a hurried user might write.

mod common;

use std::path::Path;

use common::{
    PREVIOUS_RELEASE, check_json, copy_dir, example_repo, findings_of, git, git_cmd, line_of, root,
};

const ITEM: &str = "PROD-KNOWN-GOOD";

/// The example repository plus the refs the cases name.
struct Repo {
    dir: tempfile::TempDir,
    /// The previous release's commit (tagged `v1.4.2`): the right answer.
    previous: String,
    /// HEAD's commit.
    head: String,
    /// A commit on a side branch, tagged `side-release`: not in HEAD's history.
    side: String,
}

fn repo() -> Repo {
    let dir = example_repo();
    let d = dir.path();
    let previous = git(d, &["rev-parse", "v1.4.2^{commit}"]);
    let head = git(d, &["rev-parse", "HEAD"]);
    git(d, &["branch", "release-1.4", PREVIOUS_RELEASE]);
    // A branch named like a tag, and a name that is both a tag and a branch.
    git(d, &["branch", "v1.5.0", PREVIOUS_RELEASE]);
    git(d, &["tag", "v1.4.2-both", PREVIOUS_RELEASE]);
    git(d, &["branch", "v1.4.2-both", PREVIOUS_RELEASE]);
    // Tags at HEAD itself, lightweight and annotated.
    git(d, &["tag", "v2.0.0"]);
    git(d, &["tag", "-a", "-m", "release candidate", "v2.0.0-rc"]);
    git(
        d,
        &["update-ref", "refs/remotes/origin/main", PREVIOUS_RELEASE],
    );
    git(d, &["update-ref", "refs/pull/7/head", PREVIOUS_RELEASE]);
    git(d, &["checkout", "-q", "-b", "side", PREVIOUS_RELEASE]);
    std::fs::write(d.join("side.txt"), "side\n").unwrap();
    git(d, &["add", "side.txt"]);
    git(d, &["commit", "-q", "-m", "side release"]);
    git(d, &["tag", "side-release"]);
    let side = git(d, &["rev-parse", "HEAD"]);
    git(d, &["checkout", "-q", "main"]);
    Repo {
        dir,
        previous,
        head,
        side,
    }
}

/// Writes `known_good` (quoted, so `@{-1}` stays a string) into the working tree's manifest.
fn set_known_good(dir: &Path, value: &str) -> String {
    let path = dir.join("readiness.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("known_good:"))
        .unwrap()
        .to_string();
    let edited = text.replace(&line, &format!("  known_good: \"{value}\""));
    std::fs::write(&path, &edited).unwrap();
    edited
}

/// Checks the manifest with `known_good: value`; returns (exit code, PROD-KNOWN-GOOD findings).
fn check_with(dir: &Path, value: &str) -> (i32, Vec<(String, u64, String)>, u64) {
    let text = set_known_good(dir, value);
    let (code, report) = check_json(dir);
    (
        code,
        findings_of(&report, ITEM),
        line_of(&text, "known_good:"),
    )
}

#[test]
fn tags_and_commit_ids_of_an_earlier_release_pass() {
    let r = repo();
    for value in [
        PREVIOUS_RELEASE.to_string(),
        format!("refs/tags/{PREVIOUS_RELEASE}"),
        r.previous.clone(),
        r.previous[..7].to_string(),
        r.previous[..12].to_string(),
    ] {
        let (code, got, _) = check_with(r.dir.path(), &value);
        assert_eq!(code, 0, "{value}: {got:#?}");
        assert_eq!(got.len(), 1, "{value}: {got:#?}");
        assert_eq!(got[0].0, "pass", "{value}: {got:#?}");
    }
}

#[test]
fn moving_names_fail_saying_which_rule() {
    let r = repo();
    let branch = "is a branch: branches move; name a tag or a commit id";
    let expression = "is a revision expression: it is computed from refs that move";
    let cases: Vec<(String, String)> = [
        ("main", format!("`main` {branch}")),
        ("refs/heads/main", format!("`refs/heads/main` {branch}")),
        ("heads/main", format!("`heads/main` {branch}")),
        ("release-1.4", format!("`release-1.4` {branch}")),
        // A branch named like a tag is still a branch.
        ("v1.5.0", format!("`v1.5.0` {branch}")),
        (
            "origin/main",
            "`origin/main` is a remote-tracking branch: branches move".into(),
        ),
        (
            "refs/remotes/origin/main",
            "`refs/remotes/origin/main` is a remote-tracking branch".into(),
        ),
        (
            "v1.4.2-both",
            "`v1.4.2-both` names both a tag and a branch (`refs/heads/v1.4.2-both`): tools disagree on which one wins; write `refs/tags/v1.4.2-both`".into(),
        ),
        (
            "refs/pull/7/head",
            "`refs/pull/7/head` is neither a tag nor a commit id".into(),
        ),
        (
            "HEAD",
            "`HEAD` is a symbolic ref: it follows whatever is checked out".into(),
        ),
        ("head", "`head` is a symbolic ref".into()),
        ("HEAD~0", format!("`HEAD~0` {expression}")),
        ("HEAD~1", format!("`HEAD~1` {expression}")),
        ("HEAD^", format!("`HEAD^` {expression}")),
        ("main^", format!("`main^` {expression}")),
        ("@{-1}", format!("`@{{-1}}` {expression}")),
        ("v1.4.2~0", format!("`v1.4.2~0` {expression}")),
        ("v1.4.2^{}", format!("`v1.4.2^{{}}` {expression}")),
        (
            "abc12",
            "`abc12` is too short for a commit id: it stops being unique as history grows; write at least 7 hex digits".into(),
        ),
    ]
    .into_iter()
    .map(|(v, m)| (v.to_string(), m))
    .collect();
    for (value, message) in cases {
        let (code, got, line) = check_with(r.dir.path(), &value);
        assert_eq!(code, 1, "{value}: {got:#?}");
        assert_eq!(got.len(), 1, "{value}: {got:#?}");
        assert_eq!((got[0].0.as_str(), got[0].1), ("fail", line), "{value}");
        assert!(got[0].2.starts_with(&message), "{value}: {}", got[0].2);
    }
}

#[test]
fn head_itself_is_no_rollback() {
    let r = repo();
    for value in [
        "v2.0.0".to_string(),
        "v2.0.0-rc".to_string(),
        r.head.clone(),
        r.head[..7].to_string(),
    ] {
        let (code, got, line) = check_with(r.dir.path(), &value);
        assert_eq!(code, 1, "{value}: {got:#?}");
        let expect = format!(
            "`{value}` points at HEAD itself: rolling back to the commit being released changes nothing; name the release before it"
        );
        assert_eq!(got, [("fail".to_string(), line, expect)], "{value}");
    }
}

#[test]
fn releases_outside_heads_history_and_unknown_names_fail() {
    let r = repo();
    let side = r.side.clone();
    let cases = [
        (
            "side-release".to_string(),
            format!("`side-release` ({side}) is not an ancestor of HEAD"),
        ),
        (
            side[..7].to_string(),
            format!("`{}` ({side}) is not an ancestor of HEAD", &side[..7]),
        ),
        (
            "v9.9.9".to_string(),
            "`v9.9.9` does not resolve to a commit".to_string(),
        ),
        (
            "0000000abc".to_string(),
            "`0000000abc` does not resolve to a commit".to_string(),
        ),
    ];
    for (value, prefix) in cases {
        let (code, got, line) = check_with(r.dir.path(), &value);
        assert_eq!(code, 1, "{value}: {got:#?}");
        assert_eq!(got.len(), 1, "{value}: {got:#?}");
        assert_eq!((got[0].0.as_str(), got[0].1), ("fail", line), "{value}");
        assert!(got[0].2.starts_with(&prefix), "{value}: {}", got[0].2);
    }
}

#[test]
fn outside_a_repository_names_hold_unless_their_text_decides() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples/dashboard-factory"), dir.path());
    for (value, code, outcome) in [
        ("v1.4.2", 3, "hold"),
        ("main", 3, "hold"),
        ("HEAD~1", 1, "fail"),
        ("refs/heads/main", 1, "fail"),
        ("HEAD", 1, "fail"),
    ] {
        let (got_code, got, line) = check_with(dir.path(), value);
        assert_eq!(got_code, code, "{value}: {got:#?}");
        assert_eq!(got.len(), 1, "{value}: {got:#?}");
        assert_eq!((got[0].0.as_str(), got[0].1), (outcome, line), "{value}");
    }
}

#[test]
fn shallow_clones_hold_until_history_is_fetched() {
    let r = repo();
    let work = tempfile::tempdir().unwrap();
    let url = format!("file://{}", r.dir.path().display());
    let out = git_cmd(
        work.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "main", &url, "shallow",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shallow = work.path().join("shallow");
    for value in [PREVIOUS_RELEASE.to_string(), r.previous.clone()] {
        let (code, got, line) = check_with(&shallow, &value);
        assert_eq!(code, 3, "{value}: {got:#?}");
        assert_eq!((got[0].0.as_str(), got[0].1), ("hold", line), "{value}");
        assert!(got[0].2.contains("--unshallow"), "{value}: {}", got[0].2);
    }
    // A name wrong by its text, or HEAD itself, is wrong however much history is missing.
    let (code, got, _) = check_with(&shallow, "HEAD~1");
    assert_eq!((code, got[0].0.as_str()), (1, "fail"), "{got:#?}");
    let (code, got, _) = check_with(&shallow, &r.head);
    assert_eq!((code, got[0].0.as_str()), (1, "fail"), "{got:#?}");
    assert!(got[0].2.contains("points at HEAD itself"), "{}", got[0].2);
}

/// PROD-KNOWN-GOOD-LATEST's finding for `known_good: value`: (exit code, findings).
/// The example repository with a rollback runbook that names no release of its own: it
/// sends its reader to the tag `rollback.known_good` names, so moving `known_good` (as these
/// cases do) leaves it right. The example's names `v1.4.2`, and PROD-KNOWN-GOOD fails a
/// runbook that names another release than the known-good one.
fn example_repo_following_known_good() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&root().join("examples/dashboard-factory"), d);
    let runbook = d.join("runbooks/rollback.md");
    let text = std::fs::read_to_string(&runbook).unwrap();
    let step = "or redeploy tag `v1.4.2`.";
    assert!(text.contains(step));
    let text = text.replace(step, "or redeploy the tag `rollback.known_good` names.");
    std::fs::write(&runbook, text).unwrap();
    let manifest = common::tag_previous_release(d);
    std::fs::write(d.join("readiness.yaml"), manifest).unwrap();
    git(d, &["commit", "-q", "-am", "this release"]);
    dir
}

fn latest_with(dir: &Path, value: &str) -> (i32, Vec<(String, u64, String)>) {
    set_known_good(dir, value);
    let (code, report) = check_json(dir);
    (code, findings_of(&report, "PROD-KNOWN-GOOD-LATEST"))
}

fn commit_empty(dir: &Path, message: &str) -> String {
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn releases_since_the_known_good_one_warn_and_never_block() {
    let dir = example_repo_following_known_good();
    let d = dir.path();
    let previous = git(d, &["rev-parse", "v1.4.2^{commit}"]);
    // Another service released from the same commit as v1.4.2 (a monorepo).
    git(d, &["tag", "billing/v1.0.0", "v1.4.2"]);
    // After v1.4.2: v1.4.3, a release candidate, the other service's release; then HEAD,
    // tagged as the release being checked. A release on a side branch is not in HEAD's
    // history.
    git(d, &["tag", "v1.4.3"]);
    git(d, &["tag", "v1.5.0-rc.1"]);
    git(d, &["tag", "billing/v9.0.0"]);
    commit_empty(d, "next release");
    git(d, &["tag", "v1.5.0"]);
    git(d, &["checkout", "-q", "-b", "side", "v1.4.3"]);
    commit_empty(d, "side");
    git(d, &["tag", "v1.4.9"]);
    git(d, &["checkout", "-q", "main"]);

    let warned = |value: &str| {
        format!(
            "`{value}` is not the last release: `v1.4.3` has shipped since, and a rollback to `{value}` undoes it too; name the last good release (`v1.4.3`?)"
        )
    };
    // A tag counts its own family's releases only.
    for value in ["v1.4.2", "refs/tags/v1.4.2"] {
        let (code, got) = latest_with(d, value);
        assert_eq!(code, 0, "{value}: a warning never blocks: {got:#?}");
        assert_eq!(got.len(), 1, "{value}: {got:#?}");
        assert_eq!(got[0].0, "fail", "{value}: {got:#?}");
        assert!(
            got[0].2.starts_with(&warned(value)),
            "{value}: {}",
            got[0].2
        );
    }
    // A commit id has the families of the version tags on its commit: both services'.
    let (code, got) = latest_with(d, &previous);
    assert_eq!(
        (code, got.len(), got[0].0.as_str()),
        (0, 1, "fail"),
        "{got:#?}"
    );
    assert!(
        got[0].2.contains("2 releases have shipped since (")
            && got[0].2.contains("`v1.4.3`")
            && got[0].2.contains("`billing/v9.0.0`"),
        "{}",
        got[0].2
    );
    // The last release before HEAD, or a name of it, passes; so does a commit no release
    // tag points at (it has no family to compare).
    for value in ["v1.4.3", "v1.5.0-rc.1"] {
        let (code, got) = latest_with(d, value);
        assert_eq!((code, got[0].0.as_str()), (0, "pass"), "{value}: {got:#?}");
    }
    git(d, &["tag", "-d", "v1.4.2", "billing/v1.0.0"]);
    let (code, got) = latest_with(d, &previous);
    assert_eq!((code, got[0].0.as_str()), (0, "pass"), "{got:#?}");
}

#[test]
fn a_release_merged_in_from_an_older_line_is_not_after_the_known_good_one() {
    let dir = example_repo_following_known_good();
    let d = dir.path();
    // v1.5.0 on one branch, the hotfix v1.4.5 on another from v1.4.2; both merged into HEAD.
    git(d, &["checkout", "-q", "-b", "next", "main"]);
    commit_empty(d, "1.5.0");
    git(d, &["tag", "v1.5.0"]);
    git(d, &["checkout", "-q", "-b", "hotfix", "v1.4.2"]);
    commit_empty(d, "1.4.5");
    git(d, &["tag", "v1.4.5"]);
    git(d, &["checkout", "-q", "main"]);
    git(d, &["merge", "-q", "--no-ff", "-m", "merge next", "next"]);
    git(
        d,
        &["merge", "-q", "--no-ff", "-m", "merge hotfix", "hotfix"],
    );

    // v1.4.5 is in v1.5.0..HEAD, yet it does not come after v1.5.0.
    let (code, got) = latest_with(d, "v1.5.0");
    assert_eq!((code, got[0].0.as_str()), (0, "pass"), "{got:#?}");
    // From v1.4.2, both came after it.
    let (code, got) = latest_with(d, "v1.4.2");
    assert_eq!((code, got[0].0.as_str()), (0, "fail"), "{got:#?}");
    assert!(
        got[0].2.contains("2 releases have shipped since (")
            && got[0].2.contains("`v1.5.0`")
            && got[0].2.contains("`v1.4.5`"),
        "{}",
        got[0].2
    );
}
