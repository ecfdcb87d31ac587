use super::*;

/// The day the tests run on (the fixtures' `--now`).
const TODAY: &str = "2026-11-26";

/// [`super::timing`] on [`TODAY`].
fn timing(text: &str, subjects: &[&str]) -> Timing {
    super::timing(text, subjects, TODAY)
}

#[test]
fn a_restore_is_timed_in_hours_or_days_and_days_that_date_are_no_time() {
    let drill = timing(
        "# Restore\n\nThe last full restore took 9 hours.\n\n1. Wait 2 days for the copy.\n",
        RESTORE,
    );
    assert_eq!(
        (drill.timed_seconds, drill.waited_seconds),
        (32_400, 172_800)
    );
    for (text, subjects, seconds) in [
        // A rollback's sentence does not time a restore, nor a restore's a rollback.
        ("The last restore took 9 hours.", ROLLBACK, 0),
        ("Our last rollback took 8 minutes.", RESTORE, 0),
        // Days that date or measure data.
        ("Rehearsed 3 days ago: 4 minutes end to end.", ROLLBACK, 240),
        (
            "Drill run 2 days before launch, 3 hours end to end.",
            RESTORE,
            10_800,
        ),
        (
            "The drill replayed 2 days of traffic: 3 hours end to end.",
            RESTORE,
            10_800,
        ),
    ] {
        assert_eq!(timing(text, subjects).timed_seconds, seconds, "{text}");
    }
}

#[test]
fn the_latest_day_a_run_is_said_to_have_happened_is_kept() {
    let t = timing(
        "# Rollback\n\nRehearsed on 2026-08-01: 6 minutes end to end.\n\
             Rehearsed again on 2026-11-02.\n\n1. Revert to the 2026-11-20 release.\n",
        ROLLBACK,
    );
    assert_eq!(t.ran_on, "2026-11-02");
    assert_eq!(t.ran_on_said, "Rehearsed again on 2026-11-02.");
    assert_eq!(t.timed_seconds, 360);
    let none = timing(
        "# Restore\n\nSnapshots from 2026-01-01 on are kept.\n",
        RESTORE,
    );
    assert_eq!(none.ran_on, "");
    // A day after today is a plan: the last run is the one before it.
    let planned = timing(
        "Rehearsed on 2026-11-02: 4 minutes end to end. Next rehearsal on 2026-12-20.\n",
        ROLLBACK,
    );
    assert_eq!(planned.ran_on, "2026-11-02");
    let today = timing("Rehearsed on 2026-11-26.\n", ROLLBACK);
    assert_eq!(today.ran_on, TODAY);
    let only_planned = timing("Next drill: 2026-12-01.\n", RESTORE);
    assert_eq!(only_planned.ran_on, "");
    // The month named, in a sentence with no duration.
    let named = timing(
        "Rehearsed on Aug 1, 2026: 6 minutes end to end.\n\nDrill again on 21 November 2026.\n",
        ROLLBACK,
    );
    assert_eq!(named.ran_on, "2026-11-21");
}

/// A run's record kept as labels under a heading that names it, as labels after the sentence
/// that says it, or as a table: its day and its time are the runbook's word as much as a
/// sentence's.
#[test]
fn a_run_recorded_as_labels_or_a_table_is_read() {
    for (text, day, seconds) in [
        (
            "# Rollback\n\n## Last rehearsal\n\n- Date: 2026-11-02\n- Duration: 12 minutes\n- Result: passed\n",
            "2026-11-02",
            720,
        ),
        (
            "Last rehearsal: 2026-11-02. Duration: 12 minutes.\n",
            "2026-11-02",
            720,
        ),
        (
            "Rehearsed on 2026-11-02. Time to recover: 9m.\n",
            "2026-11-02",
            540,
        ),
        (
            "## Rehearsals\n\n| Date | Duration |\n| --- | --- |\n| 2026-11-02 | 12 minutes |\n| 2026-08-01 | 4 minutes |\n",
            "2026-11-02",
            720,
        ),
        (
            "| Drill | Took |\n|--|--|\n| 2026-11-02 | 12 min |\n| next: 2026-11-20 | |\n",
            "2026-11-02",
            720,
        ),
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(
            (t.ran_on.as_str(), t.timed_seconds),
            (day, seconds),
            "{text}"
        );
    }
    // Labels and tables elsewhere, and plans, record no run.
    for text in [
        "## Steps\n\n- Duration: 12 minutes\n",
        "Expected duration: 12 minutes.\n",
        "## Last rehearsal\n\n- Date: 2026-11-02\n- Duration: 4 minutes\n- Next rehearsal in 90 days\n",
        "Rehearsed on 2026-11-02: 4 minutes end to end. Next rehearsal in 90 days.\n",
        "| Step | Duration |\n|---|---|\n| drain | 12 minutes |\n",
    ] {
        let t = timing(text, ROLLBACK);
        assert!(t.timed_seconds <= 240, "{text}: {t:?}");
    }
}

#[test]
fn durations_in_several_units_and_in_words_are_read_whole() {
    for (text, seconds) in [
        ("Restore drill: 3 hours 50 minutes end to end.", 13_800),
        ("Restore drill: 1 hour and 30 minutes end to end.", 5_400),
        ("Rehearsed: 4 minutes, 30 seconds end to end.", 270),
        ("The last restore took about nine hours.", 32_400),
        // A smaller unit only: "2 hours 3 days" is no one duration.
        ("Restore drill: 2 hours 3 days later.", 7_200),
    ] {
        assert_eq!(timing(text, RESTORE).timed_seconds, seconds, "{text}");
    }
    assert_eq!(
        timing("The last rollback took about ten minutes.", ROLLBACK).timed_seconds,
        600
    );
    let waits = timing("1. Wait ten minutes for the caches to drain.\n", ROLLBACK);
    assert_eq!(waits.waited_seconds, 600);
    // Intervals are no time spent.
    let drills = timing("We run the restore drill daily.\n", RESTORE);
    assert_eq!(drills.timed_seconds, 0);
}

#[test]
fn compact_durations_are_read_where_a_run_says_what_it_took() {
    for (text, seconds) in [
        ("The last restore took 9h.", 32_400),
        ("Restore drill on 2026-11-21 took ~3h30m.", 12_600),
        ("Rehearsed on 2026-11-02: 4m30s end to end.", 270),
        ("Restore drill: done in 5h.", 18_000),
        ("Last drill (2026-11-21): 2h total.", 7_200),
        ("Restore drill log: 2026-11-21 OK (9h).", 32_400),
    ] {
        assert_eq!(timing(text, RESTORE).timed_seconds, seconds, "{text}");
    }
    // A count or a size in the same shape is no duration.
    for text in [
        "The restore drill replayed 20m rows.",
        "Restore drill: 5h of data restored on 2026-11-21.",
        "The last restore took v2h.",
        "The restore drill replayed (20m rows).",
    ] {
        assert_eq!(timing(text, RESTORE).timed_seconds, 0, "{text}");
    }
}

#[test]
fn waits_in_steps_add_up_and_a_timed_run_is_the_longest_said() {
    let t = timing(
        "# Rollback\n\nRehearsed on 2026-11-02: 12 minutes end to end.\n\n## Steps\n\n\
             1. Pause publication: `factoryctl publication pause`.\n\
             2. Revert the release, then wait 10 minutes for the caches\n   to drain.\n\
             3. Redeploy tag `v1.4.2`.\n\
             - Sleep 90 seconds; check `rate(x[10m])`.\n",
        ROLLBACK,
    );
    assert_eq!((t.waited_seconds, t.waited.as_str()), (690, "11m30s"));
    assert_eq!(
        t.waits,
        [
            "Revert the release, then wait 10 minutes for the caches to drain.",
            "Sleep 90 seconds;"
        ]
    );
    assert_eq!(t.timed_seconds, 720);
    assert_eq!(t.timed, "Rehearsed on 2026-11-02: 12 minutes end to end.");
    // Where each is written: the line the sentence starts on, at the step's text.
    let at = |s: &Option<Spot>| s.as_ref().map(|s| (s.line, s.column, s.len));
    assert_eq!(at(&t.timed_at), Some((3, 1, 47)));
    assert_eq!(at(&t.wait_at), Some((8, 4, 55)));
    let failover = timing(
        "1. Fail over to the standby, then wait 5 minutes.\n",
        ROLLBACK,
    );
    assert_eq!(failover.waited_seconds, 300);
    // A step's duration as manifests write it; prose's `5m` may be 5 million.
    let compact = timing(
        "1. Wait 10m for the caches to drain.\n2. Sleep 1h30m.\n",
        ROLLBACK,
    );
    assert_eq!(compact.waited_seconds, 6_000);
    let prose = timing("Rehearsed with 20m rows, end to end.\n", ROLLBACK);
    assert_eq!(prose.timed_seconds, 0);
    let took = timing(
        "Our last rollback took 8 minutes, 2 of them waiting for DNS.\n",
        ROLLBACK,
    );
    assert_eq!(took.timed_seconds, 480);
    // The example's runbook: 4 minutes, no waits.
    let example = timing(
        include_str!("../../../../examples/dashboard-factory/runbooks/rollback.md"),
        ROLLBACK,
    );
    assert_eq!((example.timed_seconds, example.waited_seconds), (240, 0));
}

#[test]
fn limits_conditions_code_and_words_are_no_time_spent() {
    for text in [
        // Conditions and limits.
        "1. If the rate has not recovered after 10 minutes, page the lead.\n",
        "1. Do not wait 10 minutes: roll back at once.\n",
        "1. Don\u{2019}t wait 10 minutes: roll back at once.\n",
        "1. Never wait more than 2 minutes.\n",
        "1. Wait up to 10 minutes for the deploy, no more.\n",
        "Roll back when the failure rate stays above 5% for 10 minutes after a release.\n",
        "1. Wait until the rate recovers (alerts fire every 5 minutes).\n",
        // Not a run's time: no step, no measurement.
        "The dashboard refreshes each 30 seconds.\n",
        "The 2024 outage took 3 hours to resolve. We measured p95 over 10 minutes.\n",
        "1. Watch the deploy finish.\n",
        // Code, headings, tables, fenced blocks.
        "1. Wait for `sleep 600 seconds` to return.\n",
        "## Wait 10 minutes\n",
        "| step | wait 10 minutes |\n",
        "```\nwait 10 minutes\n```\n",
        // Words that hold a unit, and numbers inside words or versions.
        "1. Wait for the admin minimal 10 minutely v1.2 hours.\n",
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(
            (t.waited_seconds, t.timed_seconds),
            (0, 0),
            "{text:?}: {t:?}"
        );
    }
}

#[test]
fn durations_are_read_in_their_units_and_ranges_at_their_upper_end() {
    for (text, seconds) in [
        ("wait 4 minutes", 240),
        ("wait 1.5 hours", 5_400),
        ("wait 3-5 min", 300),
        ("wait 3 to 5 minutes", 300),
        ("wait 45 secs", 45),
        ("wait 2 hr", 7_200),
        ("wait 30-second", 30),
    ] {
        assert_eq!(first_duration(text), Some(seconds), "{text}");
    }
    assert_eq!(first_duration("fail over, then wait 2 minutes"), Some(120));
    assert_eq!(first_duration("wait a minute"), None);
    assert_eq!(first_duration("v2.5 minutes"), None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
    /// Any text gives an answer.
    #[test]
    fn any_text_gives_an_answer(text in "\\PC{0,80}", built in "[0-9. \\-a-z`#|\n]{0,60}") {
        let _ = timing(&text, ROLLBACK);
        let _ = timing(&format!("1. wait {built} minutes"), RESTORE);
        let _ = timing(&format!("took {built} hours {built} minutes"), RESTORE);
        let _ = super::super::backup_every(&text);
        let _ = super::super::backup_every(&format!("backups every {built}"));
    }
}

#[test]
fn a_last_run_recorded_as_failed_is_kept_with_its_sentence() {
    for (text, said) in [
        (
            "Rehearsed on 2026-11-02: aborted after 4 minutes, the revert did not deploy.\n",
            "Rehearsed on 2026-11-02: aborted after 4 minutes, the revert did not deploy.",
        ),
        (
            "## Last rehearsal\n\n- Date: 2026-11-02\n- Duration: 4 minutes\n- Result: failed\n",
            "Result: failed",
        ),
        (
            "## Last rehearsal\n\n- **Date:** 2026-11-02\n- **Duration:** 4 minutes\n- **Result:** FAIL\n",
            "Result:** FAIL",
        ),
        (
            "Rehearsed on 2026-11-02. It failed at step 3: the deploy host was down.\n",
            "It failed at step 3: the deploy host was down.",
        ),
        (
            "## Rehearsals\n\n| Date | Duration | Result |\n| --- | --- | --- |\n| 2026-11-02 | 4 minutes | failed |\n",
            "2026-11-02 | 4 minutes | failed",
        ),
        (
            "Rehearsed on 2026-08-01: 4 minutes end to end, successful.\nRehearsed on 2026-11-02: unsuccessful, the revert did not deploy.\n",
            "Rehearsed on 2026-11-02: unsuccessful, the revert did not deploy.",
        ),
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(t.ran_on, "2026-11-02", "{text}");
        assert!(t.failed_said.contains(said), "{text}: {t:?}");
        assert!(t.failed_at.is_some(), "{text}");
    }
    // A later run, or a retry the same day that worked, is the last run; a failure of
    // something else is none.
    for text in [
        "Rehearsed on 2026-08-01: failed.\nRehearsed on 2026-11-02: 4 minutes end to end.\n",
        "Rehearsed on 2026-11-02: failed at step 3.\nRehearsed again on 2026-11-02: successful, 4 minutes.\n",
        "Rehearsed on 2026-11-02: 4 minutes end to end. The canary failed twice before it.\n",
        "## Last rehearsal\n\n- Date: 2026-11-02\n- Duration: 4 minutes\n- Result: passed\n",
        "Rehearsed on 2026-11-02: 4 minutes end to end.\n\nIf the revert fails, page @dash-leads.\n",
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(t.ran_on, "2026-11-02", "{text}");
        assert!(t.failed_said.is_empty(), "{text}: {t:?}");
    }
}

#[test]
fn the_paragraph_after_a_run_says_how_it_ended_and_what_it_took() {
    // Whether it writes a number (kept by the reading) or not (dropped by it), a paragraph
    // right after the one that dates the run is that run's.
    for (text, said, line) in [
        (
            "Rehearsed on 2026-11-02: 4 minutes end to end.\n\nIt failed at step 3: the revert did not deploy.\n",
            "It failed at step 3: the revert did not deploy.",
            3,
        ),
        (
            "Rehearsed on 2026-11-02: 4 minutes end to end.\n\nIt failed: the revert did not deploy.\n\n## Steps\n\n1. Revert.\n",
            "It failed: the revert did not deploy.",
            3,
        ),
        (
            "# Rollback\n\nRehearsed on 2026-11-02.\n\n- Aborted: the deploy host was down.\n",
            "Aborted: the deploy host was down.",
            5,
        ),
        (
            "Rehearsed on 2026-11-02.\n\nDuration: 12 minutes.\n\nIt failed\nat the last step.\n",
            "It failed at the last step.",
            5,
        ),
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(t.ran_on, "2026-11-02", "{text}");
        assert_eq!(t.failed_said, said, "{text}: {t:?}");
        assert_eq!(t.failed_at.map(|s| s.line), Some(line), "{text}");
    }
    assert_eq!(
        timing(
            "Rehearsed on 2026-11-02.\n\nDuration: 12 minutes.\n",
            ROLLBACK
        )
        .timed_seconds,
        720
    );
    // A paragraph that says nothing of the run ends what follows it; a heading, a table or
    // code comes between the run and what comes after them; a condition is no outcome.
    for text in [
        "Rehearsed on 2026-11-02: 4 minutes.\n\nThe team met in the war room.\n\nIt failed: the revert did not deploy.\n",
        "Rehearsed on 2026-11-02: 4 minutes.\n\n## Failures\n\nIt failed: the revert did not deploy.\n",
        "Rehearsed on 2026-11-02: 4 minutes.\n\n```\nIt failed: the revert did not deploy.\n```\n",
        "Rehearsed on 2026-11-02: 4 minutes.\n\n| Step | Note |\n| 1 | It failed |\n",
        "Rehearsed on 2026-11-02: 4 minutes.\n\nWhen a step fails, stop and page @dash-leads.\n",
        "Rehearsed on 2026-11-02: 4 minutes.\n\nA failed rollback pages the lead.\n",
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(t.ran_on, "2026-11-02", "{text}");
        assert!(t.failed_said.is_empty(), "{text}: {t:?}");
    }
    assert_eq!(
        timing(
            "Rehearsed on 2026-11-02.\n\nSome words.\n\nDuration: 12 minutes.\n",
            ROLLBACK
        )
        .timed_seconds,
        0
    );
}

#[test]
fn a_drill_log_kept_as_dated_headings_or_marks_is_read() {
    // The last entry failed: in its heading, under it, in an item that opens with its
    // verdict, or as a table's mark.
    for (text, said) in [
        (
            "## Drill log\n\n### 2026-11-20: failed\n\nThe revert did not deploy.\n\n### 2026-11-02: passed\n\n4 minutes end to end.\n",
            "2026-11-20: failed",
        ),
        (
            "## Rehearsal on 2026-11-20 (failed)\n\n4 minutes end to end.\n",
            "Rehearsal on 2026-11-20 (failed)",
        ),
        (
            "## Rehearsals\n\n### Drill #2: 2026-11-20\n\nFailed after 4 minutes: the revert did not deploy.\n",
            "Failed after 4 minutes",
        ),
        (
            "## Drill log\n\n### Nov 20, 2026\n\nAborted: the deploy host was down.\n",
            "Aborted: the deploy host was down.",
        ),
        (
            "## Last rehearsal\n\n- Date: 2026-11-20\n- Duration: 4 minutes\n- Aborted: the deploy host was down\n",
            "Aborted: the deploy host was down",
        ),
        (
            "## Rehearsals\n\n| Date | Duration | Result |\n| --- | --- | --- |\n| 2026-11-20 | 4 minutes | \u{274C} |\n| 2026-11-02 | 4 minutes | \u{2705} |\n",
            "2026-11-20 | 4 minutes | \u{274C}",
        ),
        (
            "Rehearsed on 2026-11-20.\n\nThe rehearsal was aborted after 4 minutes: the deploy host was down.\n",
            "The rehearsal was aborted after 4 minutes",
        ),
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(t.ran_on, "2026-11-20", "{text}");
        assert!(t.failed_said.contains(said), "{text}: {t:?}");
        assert!(t.failed_at.is_some(), "{text}");
    }
    // The last entry worked, a failure is another thing's, or a dated heading is no run.
    for (text, ran_on) in [
        (
            "## Drill log\n\n### 2026-11-02: failed\n\nThe revert did not deploy.\n\n### 2026-11-20: passed\n\n4 minutes end to end.\n",
            "2026-11-20",
        ),
        (
            "## Drill log\n\n### 2026-11-20\n\nFailed deploys are rolled back the same way; 4 minutes end to end.\n",
            "2026-11-20",
        ),
        (
            "## Rehearsals\n\n| Date | Duration | Result |\n| --- | --- | --- |\n| 2026-11-20 | 4 minutes | \u{2705} |\n| 2026-11-02 | 9 minutes | \u{274C} |\n",
            "2026-11-20",
        ),
        (
            "## Last rehearsal\n\n- Date: 2026-11-20\n- Duration: 4 minutes\n- \u{274C} Do not restart the pods during the revert.\n",
            "2026-11-20",
        ),
        (
            "# Rollback drill\n\n## Steps (updated 2026-11-20)\n\n1. Failed: revert.\n",
            "",
        ),
        ("## Drill log (since 2025-01-01)\n\nNo drills yet.\n", ""),
        (
            "Rehearsed on 2026-11-20: 4 minutes end to end.\n\nFailed rehearsals are logged in #dash-oncall, 1 line each.\n",
            "2026-11-20",
        ),
        (
            "Rehearsed on 2026-11-20: 4 minutes end to end.\n\nThe previous rehearsal failed at step 3.\n",
            "2026-11-20",
        ),
        ("```\n## Rehearsal on 2026-11-20 (failed)\n```\n", ""),
    ] {
        let t = timing(text, ROLLBACK);
        assert_eq!(t.ran_on, ran_on, "{text}");
        assert!(t.failed_said.is_empty(), "{text}: {t:?}");
    }
}
