//! Records against real git histories. PROD-SUPPORT-RUNBOOK's review: a support runbook
//! changed after the commit that recorded its review fails; one changed in that commit, or
//! reviewed again later, passes, whatever the dates say. PROD-ROLLBACK-TESTED's and
//! PROD-ROLLBACK-5MIN's rollback test: the rollback runbook, `rollback.strategy` and
//! `rollback.max_minutes` changed after the commit that recorded `rollback.last_tested`
//! fail. Outcomes written from the items' text ("the runbook's last change must not come
//! after the commit that recorded its review, nor be waiting uncommitted"; "the rollback
//! runbook and `rollback.strategy` must be as they were in the commit that recorded
//! `rollback.last_tested`"; "one changed after the test ... was never measured").

mod common;

use std::path::Path;

use common::{check_json, example_repo, findings_of, git, git_cmd, line_of};

const ITEM: &str = "PROD-SUPPORT-RUNBOOK";
const RUNBOOK: &str = "runbooks/support.md";
const REVIEWED: &str = "reviewed_on: 2026-11-03";

/// Appends a step to the support runbook (real words: only the review can object).
fn edit_runbook(d: &Path, step: &str) {
    let path = d.join(RUNBOOK);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\n3. {step}\n")).unwrap();
}

/// Records a new review date in the manifest.
fn review_again(d: &Path, date: &str) {
    let path = d.join("readiness.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(REVIEWED));
    std::fs::write(
        &path,
        text.replace(REVIEWED, &format!("reviewed_on: {date}")),
    )
    .unwrap();
}

/// Commits everything, authored and committed at `date`.
fn commit(d: &Path, message: &str, date: &str) {
    git(d, &["add", "-A"]);
    let out = git_cmd(d, &["commit", "-q", "-m", message], Some(date));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// PROD-SUPPORT-RUNBOOK's failures: (line, message).
fn failures(d: &Path) -> Vec<(u64, String)> {
    failures_of(d, ITEM)
}

/// An item's failures: (line, message).
fn failures_of(d: &Path, item: &str) -> Vec<(u64, String)> {
    let (_, report) = check_json(d);
    findings_of(&report, item)
        .into_iter()
        .filter(|(outcome, ..)| outcome == "fail")
        .map(|(_, line, message)| (line, message))
        .collect()
}

fn reviewed_on_line(d: &Path) -> u64 {
    let text = std::fs::read_to_string(d.join("readiness.yaml")).unwrap();
    line_of(&text, "reviewed_on:")
}

#[test]
fn the_example_history_passes() {
    let dir = example_repo();
    assert_eq!(failures(dir.path()), []);
}

#[test]
fn a_runbook_changed_after_its_review_fails_whatever_the_dates_say() {
    let dir = example_repo();
    let d = dir.path();
    edit_runbook(d, "Escalate unanswered questions after a day.");
    // Dated before the review: the history, not the clock, says it came after.
    commit(d, "support: escalate after a day", "2026-11-01T10:00:00Z");
    let found = failures(d);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, message) = &found[0];
    assert_eq!(*line, reviewed_on_line(d));
    let id = git(d, &["rev-parse", "--short=7", "HEAD"]);
    for part in [
        "`runbooks/support.md` changed after its review (by @carol, on 2026-11-03)",
        &format!("commit {id} (\"support: escalate after a day\", 2026-11-01)"),
        "have it reviewed again",
    ] {
        assert!(message.contains(part), "{part:?} not in {message:?}");
    }
}

#[test]
fn a_runbook_changed_in_the_commit_that_records_its_review_passes() {
    // A squash merge: the new text and its review land together, dated after the review.
    let dir = example_repo();
    let d = dir.path();
    edit_runbook(d, "Escalate unanswered questions after a day.");
    review_again(d, "2026-11-20");
    commit(
        d,
        "support runbook, reviewed by carol (#42)",
        "2026-11-24T09:00:00Z",
    );
    assert_eq!(failures(d), []);
}

#[test]
fn a_change_before_the_manifest_moved_is_still_after_its_review() {
    // The runbook changes after its review; then the service moves into `svc/`, manifest and
    // runbooks together (git sees renames): the history before the move is the manifest's
    // too, and the review still does not cover the change.
    let dir = example_repo();
    let d = dir.path();
    edit_runbook(d, "Escalate unanswered questions after a day.");
    commit(d, "support: escalate after a day", "2026-11-20T10:00:00Z");
    let changed = git(d, &["rev-parse", "--short=7", "HEAD"]);
    std::fs::create_dir(d.join("svc")).unwrap();
    let moved = [
        "readiness.yaml",
        "runbooks",
        "dashboards",
        "monitoring",
        "fixtures",
        ".tau",
    ];
    for m in moved {
        git(d, &["mv", m, &format!("svc/{m}")]);
    }
    commit(d, "move the service into svc/", "2026-11-21T10:00:00Z");
    let found = failures_of(&d.join("svc"), ITEM);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains(&format!(
            "`svc/runbooks/support.md` changed after its review (by @carol, on 2026-11-03) was recorded: commit {changed} (\"support: escalate after a day\""
        )),
        "{found:?}"
    );
    // Reviewed again after the move: covered.
    review_again(&d.join("svc"), "2026-11-22");
    commit(d, "record carol's review", "2026-11-22T10:00:00Z");
    assert_eq!(failures_of(&d.join("svc"), ITEM), []);
}

#[test]
fn a_review_recorded_after_the_change_passes() {
    let dir = example_repo();
    let d = dir.path();
    edit_runbook(d, "Escalate unanswered questions after a day.");
    commit(d, "support: escalate after a day", "2026-11-20T10:00:00Z");
    review_again(d, "2026-11-21");
    commit(d, "record carol's review", "2026-11-21T10:00:00Z");
    assert_eq!(failures(d), []);
}

#[test]
fn an_uncommitted_change_fails_unless_its_review_is_recorded_with_it() {
    let dir = example_repo();
    let d = dir.path();
    edit_runbook(d, "Escalate unanswered questions after a day.");
    let found = failures(d);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].1.contains("has changes not committed yet"),
        "{found:?}"
    );
    review_again(d, "2026-11-24");
    assert_eq!(failures(d), []);
}

/// A `docs` branch that edits the support runbook (its review untouched), an unrelated
/// commit on main, and the branch merged into main with `strategy` (`[]` for git's default).
fn merge_docs_branch(d: &Path, strategy: &[&str]) {
    git(d, &["checkout", "-q", "-b", "docs"]);
    edit_runbook(d, "Escalate unanswered questions after a day.");
    commit(d, "support: escalate after a day", "2026-11-20T10:00:00Z");
    git(d, &["checkout", "-q", "main"]);
    std::fs::write(d.join("notes.txt"), "unrelated\n").unwrap();
    commit(d, "unrelated work on main", "2026-11-21T10:00:00Z");
    let mut args = vec!["merge", "-q", "--no-ff"];
    args.extend(strategy);
    args.extend(["-m", "Merge branch 'docs'", "docs"]);
    let out = git_cmd(d, &args, Some("2026-11-22T10:00:00Z"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_merged_change_is_named_by_the_merge_that_brought_it() {
    let dir = example_repo();
    let d = dir.path();
    merge_docs_branch(d, &[]);
    // The merge brought the docs side's runbook into main's line: the finding names it (on
    // GitHub, the pull request's merge), dated, not the unrelated commit before it.
    let found = failures(d);
    assert_eq!(found.len(), 1, "{found:?}");
    let merge = git(d, &["rev-parse", "--short=7", "HEAD"]);
    assert!(
        found[0].1.contains(&format!(
            "commit {merge} (\"Merge branch 'docs'\", 2026-11-22)"
        )),
        "{found:?}"
    );
    // Reviewed again on main after the merge: covered.
    review_again(d, "2026-11-23");
    commit(d, "record carol's review", "2026-11-23T10:00:00Z");
    assert_eq!(failures(d), []);
}

#[test]
fn a_side_branch_change_the_merge_discarded_is_no_change() {
    let dir = example_repo();
    let d = dir.path();
    // `-s ours`: the merge keeps main's runbook, the one the review covers.
    merge_docs_branch(d, &["-s", "ours"]);
    assert_eq!(failures(d), []);
}

/// `n` commits that touch another file, each its own day in November.
fn churn(d: &Path, from: usize, n: usize) {
    for i in from..from + n {
        std::fs::write(d.join("churn.txt"), format!("{i}\n")).unwrap();
        commit(
            d,
            &format!("churn {i}"),
            &format!("2026-11-{:02}T10:00:00Z", 1 + i % 28),
        );
    }
}

#[test]
fn in_a_long_history_the_change_is_the_commit_that_made_it() {
    // Found by halving the history, not commit by commit: the edge must still be exact.
    let dir = example_repo();
    let d = dir.path();
    let id = change_after_13_commits(d);
    churn(d, 13, 21);
    assert_names_the_change(d, &id);
}

/// 13 commits, then a change of the support runbook after its review; its short id.
fn change_after_13_commits(d: &Path) -> String {
    churn(d, 0, 13);
    edit_runbook(d, "Escalate unanswered questions after a day.");
    commit(d, "support: the thirteenth change", "2026-11-14T10:00:00Z");
    git(d, &["rev-parse", "--short=7", "HEAD"])
}

/// PROD-SUPPORT-RUNBOOK's one failure names the change [`change_after_13_commits`] made.
fn assert_names_the_change(d: &Path, id: &str) -> (u64, String) {
    let found = the_failure(d, ITEM);
    let named = format!("commit {id} (\"support: the thirteenth change\"");
    assert!(found.1.contains(&named), "{found:?}");
    found
}

#[test]
fn a_change_reverted_leaves_the_reviewed_text_and_passes() {
    let dir = example_repo();
    let d = dir.path();
    edit_runbook(d, "Escalate unanswered questions after a day.");
    commit(d, "support: escalate after a day", "2026-11-20T10:00:00Z");
    churn(d, 0, 5);
    git(d, &["revert", "--no-edit", "HEAD~5"]);
    assert_eq!(failures(d), []);
}

/// LAUNCH-RUNBOOKS's failures: (line, message).
fn runbook_failures(d: &Path) -> Vec<(u64, String)> {
    failures_of(d, "LAUNCH-RUNBOOKS")
}

#[test]
fn any_runbook_recorded_as_reviewed_is_held_to_its_review() {
    let dir = example_repo();
    let d = dir.path();
    // The rollback runbook changed with no review recorded: nothing claims it was reviewed.
    let path = d.join("runbooks/rollback.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\nAsk in `#dash-oncall` before a second rollback.\n"),
    )
    .unwrap();
    commit(
        d,
        "rollback: ask before a second rollback",
        "2026-11-05T10:00:00Z",
    );
    assert_eq!(runbook_failures(d), []);
    // Its review recorded, then the runbook changed again.
    let manifest = d.join("readiness.yaml");
    let yaml = std::fs::read_to_string(&manifest).unwrap().replace(
        "  rollback: runbooks/rollback.md\n",
        "  rollback: { path: runbooks/rollback.md, reviewed_by: \"@dana\", reviewed_on: 2026-11-06 }\n",
    );
    std::fs::write(&manifest, &yaml).unwrap();
    commit(
        d,
        "record dana's review of the rollback runbook",
        "2026-11-06T10:00:00Z",
    );
    assert_eq!(runbook_failures(d), []);
    std::fs::write(
        &path,
        format!("{text}\nRoll back twice if the first one fails.\n"),
    )
    .unwrap();
    commit(d, "rollback: retry", "2026-11-07T10:00:00Z");
    let found = runbook_failures(d);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, message) = &found[0];
    assert_eq!(
        *line,
        line_of(&yaml, "rollback: { path: runbooks/rollback.md")
    );
    assert!(
        message.starts_with("the rollback runbook: `runbooks/rollback.md` changed after its review (by @dana, on 2026-11-06)"),
        "{message}"
    );
    // The support runbook's own item is not the one that fails.
    assert_eq!(failures(d), []);
}

/// A clone of `d` holding its last `depth` commits.
fn shallow_clone(d: &Path, depth: usize) -> tempfile::TempDir {
    let work = tempfile::tempdir().unwrap();
    let url = format!("file://{}", d.display());
    let depth = depth.to_string();
    let out = git_cmd(
        work.path(),
        &["clone", "-q", "--depth", &depth, &url, "clone"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    work
}

/// An item's findings other than passes: (outcome, line, message).
fn unsettled(d: &Path, item: &str) -> Vec<(String, u64, String)> {
    let (_, report) = check_json(d);
    findings_of(&report, item)
        .into_iter()
        .filter(|(outcome, ..)| outcome != "pass")
        .collect()
}

#[test]
fn a_shallow_clone_that_stops_after_the_review_holds() {
    // The review is older than every commit the clone holds: the runbook may have changed
    // in between, so neither a pass nor a failure can be honest.
    let dir = example_repo();
    let d = dir.path();
    churn(d, 0, 3);
    let work = shallow_clone(d, 2);
    let clone = work.path().join("clone");
    let found = unsettled(&clone, ITEM);
    assert_eq!(found.len(), 1, "{found:?}");
    let (outcome, line, message) = &found[0];
    assert_eq!(
        (outcome.as_str(), *line),
        ("hold", reviewed_on_line(&clone))
    );
    assert!(
        message.contains(
            "`runbooks/support.md`: its review (by @carol, on 2026-11-03) was recorded in or before"
        ),
        "{message}"
    );
    assert!(message.contains("fetch-depth: 0"), "{message}");
    // The same history in full passes.
    assert_eq!(unsettled(d, ITEM), []);
}

#[test]
fn a_shallow_clone_still_sees_a_change_inside_its_history() {
    let dir = example_repo();
    let d = dir.path();
    edit_runbook(d, "Escalate unanswered questions after a day.");
    commit(d, "support: escalate after a day", "2026-11-20T10:00:00Z");
    let id = git(d, &["rev-parse", "--short=7", "HEAD"]);
    churn(d, 0, 2);
    // The clone's oldest commit has the reviewed text, and a later one changed it.
    let work = shallow_clone(d, 4);
    let found = unsettled(&work.path().join("clone"), ITEM);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "fail", "{found:?}");
    assert!(found[0].2.contains(&format!("commit {id} (")), "{found:?}");
}

#[test]
fn a_shallow_clone_that_holds_the_review_commit_passes() {
    let dir = example_repo();
    let d = dir.path();
    churn(d, 0, 2);
    review_again(d, "2026-11-21");
    commit(d, "record carol's review", "2026-11-21T10:00:00Z");
    churn(d, 2, 2);
    let work = shallow_clone(d, 4);
    assert_eq!(unsettled(&work.path().join("clone"), ITEM), []);
}

/// Replaces `from` with `to` in the manifest.
fn edit_manifest(d: &Path, from: &str, to: &str) {
    edit_file(d, "readiness.yaml", from, to);
}

/// Replaces `from` with `to` in the repository's file `file`.
fn edit_file(d: &Path, file: &str, from: &str, to: &str) {
    let path = d.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Records a record again (`edit`: the manifest's text from and to), commits it as
/// `message`, and asserts the item settles.
fn passes_recorded_again(d: &Path, edit: (&str, &str), message: &str, item: &str) {
    edit_manifest(d, edit.0, edit.1);
    commit(d, message, "2026-11-21T10:00:00Z");
    assert_eq!(unsettled(d, item), []);
}

/// An item's one failure: (line, message).
fn the_failure(d: &Path, item: &str) -> (u64, String) {
    let found = failures_of(d, item);
    assert_eq!(found.len(), 1, "{item}: {found:?}");
    found.into_iter().next().unwrap()
}

fn manifest_line(d: &Path, needle: &str) -> u64 {
    line_of(
        &std::fs::read_to_string(d.join("readiness.yaml")).unwrap(),
        needle,
    )
}

/// Adds a real step to the rollback runbook.
fn edit_rollback_runbook(d: &Path) {
    let path = d.join("runbooks/rollback.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("{text}\n9. Drain the publication queue before reverting the schema.\n"),
    )
    .unwrap();
}

const TESTED: &str = "last_tested: 2026-11-02";

#[test]
fn the_example_history_passes_the_rollback_test() {
    let dir = example_repo();
    let d = dir.path();
    assert_eq!(unsettled(d, "PROD-ROLLBACK-TESTED"), []);
    assert_eq!(unsettled(d, "PROD-ROLLBACK-5MIN"), []);
}

#[test]
fn a_rollback_runbook_changed_after_the_test_fails() {
    let dir = example_repo();
    let d = dir.path();
    edit_rollback_runbook(d);
    commit(d, "rollback: drain the queue first", "2026-11-20T10:00:00Z");
    let id = git(d, &["rev-parse", "--short=7", "HEAD"]);
    let found = the_failure(d, "PROD-ROLLBACK-TESTED");
    assert_eq!(found.0, manifest_line(d, TESTED), "{found:?}");
    assert!(
        found.1.starts_with(&format!(
            "`runbooks/rollback.md` changed after `rollback.last_tested: 2026-11-02` was recorded: commit {id} (\"rollback: drain the queue first\""
        )),
        "{found:?}"
    );
    // Rehearsed again and recorded, in the runbook and the manifest: the test covers the
    // new procedure.
    edit_file(
        d,
        "runbooks/rollback.md",
        "on 2026-11-02:",
        "on 2026-11-21:",
    );
    passes_recorded_again(
        d,
        (TESTED, "last_tested: 2026-11-21"),
        "rollback rehearsed again",
        "PROD-ROLLBACK-TESTED",
    );
}

#[test]
fn a_rollback_runbook_changed_with_its_test_passes() {
    let dir = example_repo();
    let d = dir.path();
    edit_rollback_runbook(d);
    edit_file(
        d,
        "runbooks/rollback.md",
        "on 2026-11-02:",
        "on 2026-11-20:",
    );
    edit_manifest(d, TESTED, "last_tested: 2026-11-20");
    commit(
        d,
        "rollback: drain the queue first, rehearsed",
        "2026-11-20T10:00:00Z",
    );
    assert_eq!(unsettled(d, "PROD-ROLLBACK-TESTED"), []);
}

#[test]
fn a_rollback_runbook_pointed_elsewhere_after_the_test_fails_and_one_moved_passes() {
    let dir = example_repo();
    let d = dir.path();
    // Another file, unchanged since the test: not the procedure the test followed.
    edit_manifest(
        d,
        "rollback: runbooks/rollback.md",
        "rollback: runbooks/incident-response.md",
    );
    let found = failures_of(d, "PROD-ROLLBACK-TESTED");
    assert!(
        found.iter().any(|(_, m)| m.starts_with(
            "`runbooks.rollback` (`runbooks/rollback.md` then, `runbooks/incident-response.md` now) has changes not committed yet, and `rollback.last_tested: 2026-11-02` was recorded in an earlier commit"
        )),
        "{found:?}"
    );
    // The same file moved, its entry with it: the procedure tested, under a new name.
    edit_manifest(
        d,
        "rollback: runbooks/incident-response.md",
        "rollback: runbooks/rollback-procedure.md",
    );
    git(
        d,
        &[
            "mv",
            "runbooks/rollback.md",
            "runbooks/rollback-procedure.md",
        ],
    );
    commit(d, "rollback runbook renamed", "2026-11-20T10:00:00Z");
    assert_eq!(unsettled(d, "PROD-ROLLBACK-TESTED"), []);
}

#[test]
fn a_strategy_changed_after_the_test_fails() {
    let dir = example_repo();
    let d = dir.path();
    edit_manifest(d, "strategy: git-revert", "strategy: blue-green");
    commit(d, "roll back by switching colours", "2026-11-20T10:00:00Z");
    let found = the_failure(d, "PROD-ROLLBACK-TESTED");
    assert_eq!(
        found.0,
        manifest_line(d, "strategy: blue-green"),
        "{found:?}"
    );
    assert!(
        found.1.contains("`rollback.strategy` changed after `rollback.last_tested: 2026-11-02` was recorded (git-revert then, blue-green now): commit "),
        "{found:?}"
    );
}

#[test]
fn a_rollback_time_lowered_after_the_test_was_never_measured() {
    let dir = example_repo();
    let d = dir.path();
    // Uncommitted first (the pre-commit hook's view), then committed.
    edit_manifest(d, "max_minutes: 5", "max_minutes: 3");
    let found = the_failure(d, "PROD-ROLLBACK-5MIN");
    assert_eq!(found.0, manifest_line(d, "max_minutes: 3"), "{found:?}");
    assert!(
        found
            .1
            .starts_with("`rollback.max_minutes` has changes not committed yet (5 then, 3 now)"),
        "{found:?}"
    );
    commit(d, "rollback is faster now", "2026-11-20T10:00:00Z");
    let found = the_failure(d, "PROD-ROLLBACK-5MIN");
    assert!(
        found.1.contains("`rollback.max_minutes` changed after `rollback.last_tested: 2026-11-02` was recorded (5 then, 3 now): commit "),
        "{found:?}"
    );
    // Recorded with a new test while the runbook still says the last run took 4 minutes: the
    // runbook contradicts the 3.
    edit_manifest(d, TESTED, "last_tested: 2026-11-21");
    commit(d, "rollback rehearsed and timed", "2026-11-21T10:00:00Z");
    let found = the_failure(d, "PROD-ROLLBACK-5MIN");
    assert!(
        found.1.starts_with(
            "the rollback runbook `runbooks/rollback.md` says \"Rehearsed on 2026-11-02: 4 minutes end to end.\", longer than `rollback.max_minutes` (3)"
        ),
        "{found:?}"
    );
    // It points at the runbook's line that says so.
    let (_, report) = check_json(d);
    let at = report
        .pointer("/manifests/0/findings")
        .and_then(|f| f.as_array())
        .and_then(|f| f.iter().find(|f| f["item"] == "PROD-ROLLBACK-5MIN"))
        .map(|f| f["location"].clone());
    let runbook = std::fs::read_to_string(d.join("runbooks/rollback.md")).unwrap();
    assert_eq!(
        at.as_ref().map(|l| (&l["line"], &l["column"])),
        Some((&line_of(&runbook, "Rehearsed on").into(), &1.into())),
        "{at:?}"
    );
    assert!(at.is_some_and(|l| {
        l["file"]
            .as_str()
            .unwrap()
            .ends_with("runbooks/rollback.md")
    }));
    // The runbook's record of the new run, recorded with it: passes.
    edit_file(
        d,
        "runbooks/rollback.md",
        "Rehearsed on 2026-11-02: 4 minutes end to end.",
        "Rehearsed on 2026-11-22: 3 minutes end to end.",
    );
    passes_recorded_again(
        d,
        ("last_tested: 2026-11-21", "last_tested: 2026-11-22"),
        "rollback rehearsed again, its record in the runbook",
        "PROD-ROLLBACK-5MIN",
    );
}

#[test]
fn a_shallow_clone_cut_after_the_rollback_test_holds() {
    let dir = example_repo();
    let d = dir.path();
    churn(d, 0, 2);
    let work = shallow_clone(d, 1);
    let clone = work.path().join("clone");
    for item in ["PROD-ROLLBACK-TESTED", "PROD-ROLLBACK-5MIN"] {
        let found = unsettled(&clone, item);
        assert_eq!(found.len(), 1, "{item}: {found:?}");
        assert_eq!(found[0].0, "hold", "{item}: {found:?}");
        assert!(found[0].2.contains("fetch-depth: 0"), "{item}: {found:?}");
    }
}

const RISK_R5: &str = "  - id: R5\n    failure_mode: the CDN caches a broken quickstart page for an hour\n    mitigation: purge the CDN from the rollback runbook\n    owner: \"@bob\"\n    likelihood: low\n    impact: medium\n\nrehearsal:";
const REVIEW: &str = "{ role: review, by: \"@dana\", date: 2026-11-25 }";

#[test]
fn a_risk_added_after_the_launch_review_fails() {
    let dir = example_repo();
    let d = dir.path();
    edit_manifest(d, "\nrehearsal:", &format!("\n{RISK_R5}"));
    commit(d, "add the CDN risk", "2026-11-20T10:00:00Z");
    let id = git(d, &["rev-parse", "--short=7", "HEAD"]);
    let found = the_failure(d, "LAUNCH-REVIEW");
    assert_eq!(found.0, manifest_line(d, "role: review"), "{found:?}");
    assert!(
        found.1.starts_with(&format!(
            "`risks` changed after `signoffs[2]` (by: @dana, date: 2026-11-25, role: review) was recorded (`risks[4]` added): commit {id} (\"add the CDN risk\""
        )),
        "{found:?}"
    );
    // Reviewed again: the new date records the review of the plan as it is.
    edit_manifest(
        d,
        REVIEW,
        "{ role: review, by: \"@dana\", date: 2026-11-21 }",
    );
    commit(d, "dana reviewed the CDN risk", "2026-11-21T10:00:00Z");
    assert_eq!(unsettled(d, "LAUNCH-REVIEW"), []);
}

#[test]
fn a_rollout_changed_after_the_launch_review_fails_and_one_changed_with_it_passes() {
    let dir = example_repo();
    let d = dir.path();
    edit_manifest(d, "max_staleness: 15m", "max_staleness: 10m");
    let found = the_failure(d, "LAUNCH-REVIEW");
    assert!(
        found.1.starts_with(
            "`rollout` has changes not committed yet (`rollout.max_staleness`: 15m then, 10m now)"
        ),
        "{found:?}"
    );
    // The change and its review in one commit (a squashed pull request).
    edit_manifest(
        d,
        REVIEW,
        "{ role: review, by: \"@dana\", date: 2026-11-21 }",
    );
    commit(
        d,
        "tighter staleness, reviewed by dana",
        "2026-11-21T10:00:00Z",
    );
    assert_eq!(unsettled(d, "LAUNCH-REVIEW"), []);
}

#[test]
fn a_sign_off_added_before_the_review_does_not_record_it_again() {
    // The review is found by what it says, not where it stands: a sign-off added above it
    // moves it, and the risk added before that is still after the review.
    let dir = example_repo();
    let d = dir.path();
    edit_manifest(d, "\nrehearsal:", &format!("\n{RISK_R5}"));
    commit(d, "add the CDN risk", "2026-11-20T10:00:00Z");
    let id = git(d, &["rev-parse", "--short=7", "HEAD"]);
    edit_manifest(
        d,
        REVIEW,
        &format!("{{ role: product, by: \"@erin\", date: 2026-11-21 }}\n  - {REVIEW}"),
    );
    commit(d, "product signs off", "2026-11-21T10:00:00Z");
    let found = the_failure(d, "LAUNCH-REVIEW");
    assert!(
        found.1.starts_with(&format!(
            "`risks` changed after `signoffs[3]` (by: @dana, date: 2026-11-25, role: review) was recorded (`risks[4]` added): commit {id} ("
        )),
        "{found:?}"
    );
}

#[test]
fn a_backup_scope_widened_after_the_restore_test_fails() {
    let dir = example_repo();
    let d = dir.path();
    edit_manifest(
        d,
        "scope: template store, review queue and publication history",
        "scope: template store and user uploads",
    );
    commit(d, "back up uploads too", "2026-11-22T10:00:00Z");
    let found = the_failure(d, "PROD-BACKUP-RESTORE");
    assert_eq!(
        found.0,
        manifest_line(d, "scope: template store and user uploads")
    );
    assert!(
        found.1.starts_with("`backup.scope` changed after `backup.last_restore_test: 2026-11-21` was recorded (template store, review queue and publication history then, template store and user uploads now): commit "),
        "{found:?}"
    );
}

const RESTORED: &str = "last_restore_test: 2026-11-21";

#[test]
fn a_restore_runbook_or_rto_changed_after_the_restore_test_fails() {
    let dir = example_repo();
    let d = dir.path();
    assert_eq!(unsettled(d, "PROD-BACKUP-RESTORE"), []);
    edit_file(
        d,
        "runbooks/restore.md",
        "7. Post the all-clear",
        "7. Replay the publication queue from the event log.\n8. Post the all-clear",
    );
    commit(d, "restore: replay the queue", "2026-11-22T10:00:00Z");
    let id = git(d, &["rev-parse", "--short=7", "HEAD"]);
    let found = the_failure(d, "PROD-BACKUP-RESTORE");
    assert_eq!(found.0, manifest_line(d, RESTORED), "{found:?}");
    assert!(
        found.1.starts_with(&format!(
            "`runbooks/restore.md` changed after `backup.last_restore_test: 2026-11-21` was recorded: commit {id} (\"restore: replay the queue\""
        )),
        "{found:?}"
    );
    // Restored again by following it, and recorded: the test covers the new procedure.
    edit_file(d, "runbooks/restore.md", "on 2026-11-21:", "on 2026-11-22:");
    passes_recorded_again(
        d,
        (RESTORED, "last_restore_test: 2026-11-22"),
        "restore drilled again",
        "PROD-BACKUP-RESTORE",
    );
    // A recovery time lowered without a test was never measured.
    edit_manifest(d, "rto: 4h", "rto: 3h");
    commit(d, "restores are faster now", "2026-11-22T10:00:00Z");
    let found = the_failure(d, "PROD-BACKUP-RESTORE");
    assert_eq!(found.0, manifest_line(d, "rto: 3h"), "{found:?}");
    assert!(
        found.1.contains("`backup.rto` changed after `backup.last_restore_test: 2026-11-22` was recorded (4h then, 3h now): commit "),
        "{found:?}"
    );
}

#[test]
fn a_commit_graph_written_midway_gives_the_same_answer() {
    // The first-parent line is followed in git's commit-graph file where it has the commits,
    // and through the commit objects for those made after it was written.
    let dir = example_repo();
    let d = dir.path();
    let id = change_after_13_commits(d);
    churn(d, 13, 70);
    git(d, &["commit-graph", "write", "--reachable"]);
    assert!(d.join(".git/objects/info/commit-graph").is_file());
    churn(d, 83, 90);
    let found = assert_names_the_change(d, &id);
    // A graph file that is not one: the commit objects still answer.
    std::fs::write(d.join(".git/objects/info/commit-graph"), "not a graph").unwrap();
    let again = the_failure(d, ITEM);
    assert_eq!(again, found);
}

/// Replaces `from` by `to` in the file `rel` of `d`.
fn rewrite(d: &Path, rel: &str, from: &str, to: &str) {
    let path = d.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} not in {rel}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_review_date_moved_past_the_runbooks_own_record_fails() {
    // PROD-SUPPORT-RUNBOOK: "a runbook that keeps its own record of its last review older than
    // the review the manifest records had its review date moved forward, not its text
    // reviewed". The history cannot see it: the runbook did not change after the record.
    let dir = example_repo();
    let d = dir.path();
    let title = "# Support: dashboard factory\n";
    rewrite(
        d,
        RUNBOOK,
        title,
        &format!("{title}\n**Last reviewed:** 2026-11-05 by @carol\n"),
    );
    review_again(d, "2026-11-05");
    commit(d, "support: reviewed", "2026-11-05T10:00:00Z");
    assert_eq!(failures(d), [], "the runbook and the manifest agree");
    assert_eq!(failures_of(d, "LAUNCH-RUNBOOKS"), []);

    rewrite(
        d,
        "readiness.yaml",
        "reviewed_on: 2026-11-05",
        "reviewed_on: 2026-11-20",
    );
    commit(d, "support: review", "2026-11-20T10:00:00Z");
    for item in [ITEM, "LAUNCH-RUNBOOKS"] {
        let found = failures_of(d, item);
        assert_eq!(found.len(), 1, "{item}: {found:?}");
        let (line, message) = &found[0];
        // The line of the runbook that says so (its third).
        assert_eq!(*line, 3, "{item}: {message}");
        for part in [
            "`runbooks/support.md` says \"**Last reviewed:** 2026-11-05 by @carol\"",
            "`reviewed_on` records a review on 2026-11-20",
            "the date was moved forward",
        ] {
            assert!(
                message.contains(part),
                "{item}: {part:?} not in {message:?}"
            );
        }
    }
}
