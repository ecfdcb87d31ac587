//! Whether a run's record says the run failed: "The rehearsal on 2026-11-02 failed at step 3",
//! "Rehearsed on 2026-11-02: aborted, the deploy host was down". A rollback that did not
//! work, or a restore that brought nothing back, was tried, not tested: the runbook still
//! holds a procedure nobody has seen succeed.

/// Words that say a run failed.
const FAILED: &[&str] = &[
    "failed",
    // A record's verdict: `Result: FAIL` (not "fail over", "fail back").
    "fail",
    "aborted",
    "abandoned",
    "unsuccessful",
    "did not complete",
    "didn't complete",
    "did not finish",
    "didn't finish",
    "did not succeed",
    "didn't succeed",
    "did not work",
    "didn't work",
    "was not successful",
    "wasn't successful",
    "not completed",
    // A record's mark: `| 2026-11-20 | 4 minutes | ❌ |`.
    "\u{274C}",
    "\u{2717}",
    "\u{2718}",
];

/// Words that say a run (or a later attempt in the same sentence) succeeded.
const SUCCEEDED: &[&str] = &[
    "succeeded",
    "pass",
    "successful",
    "successfully",
    "worked",
    "passed",
    "retried",
    "second attempt",
    "on retry",
    "\u{2705}",
    "\u{2714}",
    "\u{2713}",
];

/// The one-word verdicts a record's heading may end with ("### 2026-11-20 (failed)").
pub(super) const VERDICTS: &[&str] = &[
    "failed",
    "fail",
    "aborted",
    "abandoned",
    "unsuccessful",
    "succeeded",
    "success",
    "successful",
    "pass",
    "passed",
    "ok",
];

/// The marks of a verdict that are no word (`❌`, `✅`), which a search for letters misses.
pub(super) const MARKS: [char; 6] = [
    '\u{274C}', '\u{2717}', '\u{2718}', '\u{2705}', '\u{2714}', '\u{2713}',
];

/// Words a clause may hold before its failure for the failure to be the run's ("the
/// rehearsal on 2026-11-02 failed", "it did not work", "Result: failed"); any other word
/// makes it another thing's ("the canary failed", "after a deploy failed"), a condition ("if
/// the revert failed") or a denial ("not a single step failed").
pub(super) const OF_THE_RUN: &[&str] = &[
    "it",
    "this",
    "that",
    "the",
    "a",
    "an",
    "our",
    "we",
    "its",
    "rehearsal",
    "rehearsed",
    "drill",
    "test",
    "tested",
    "rollback",
    "roll",
    "back",
    "restore",
    "restored",
    "revert",
    "run",
    "attempt",
    "exercise",
    "dry",
    "dry-run",
    "recovery",
    "procedure",
    "tabletop",
    "game",
    "day",
    "game-day",
    "first",
    "last",
    "latest",
    "final",
    "whole",
    "full",
    "on",
    "of",
    "in",
    "at",
    "was",
    "were",
    "has",
    "had",
    "been",
    "is",
    "and",
    "then",
    "but",
    "so",
    "however",
    "unfortunately",
    "result",
    "outcome",
    "status",
];

/// Words before a failure word that make it an adjective ("a failed release").
const ARTICLES: &[&str] = &[
    "a", "an", "the", "this", "that", "its", "our", "their", "any",
];

/// What a run's record says of how the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// It failed, and no attempt the record tells of succeeded.
    Failed,
    /// It (or a later attempt) succeeded, in words.
    Succeeded,
    /// Neither, as most records say ("4 minutes end to end").
    Unsaid,
}

/// Whether `text` (a sentence with no date or time, after a run's) may say how the run ended:
/// one pass over its bytes for the words of [`FAILED`] and [`SUCCEEDED`], before anything is
/// lower-cased.
pub(super) fn may_say(text: &str) -> bool {
    super::super::sentences::holds_any(
        text,
        &[
            "fail", "abort", "abandon", "success", "did not", "didn't", "worked", "passed",
            "retried",
        ],
    ) || (!text.is_ascii() && text.contains(MARKS))
}

/// Whether a line is a record's label of how its run ended (`Result: failed`, `Outcome:
/// aborted`, `Status: passed`) or opens with its verdict (`Aborted: the deploy host was
/// down`): a line with no number that a runbook's reading keeps.
pub(super) fn labelled(line: &str) -> bool {
    // In bold or italics as often as not: `**Result:** failed`.
    let line = line.trim_start_matches(['*', '_']);
    // Asked of every line of every runbook: the first letter first.
    matches!(
        line.as_bytes().first().map(u8::to_ascii_lowercase),
        Some(b'r' | b'o' | b's' | b'f' | b'a' | b'u')
    ) && [
        "result",
        "outcome",
        "status",
        "failed",
        "aborted",
        "abandoned",
        "unsuccessful",
    ]
    .iter()
    .any(|label| {
        line.get(..label.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(label))
    })
}

/// What `lower` (a lower-cased sentence or table row that records a run) says of its end.
pub(super) fn outcome(lower: &str) -> Outcome {
    // Most records say nothing of the kind: one search first.
    if !(lower.contains("fail")
        || lower.contains("abort")
        || lower.contains("abandon")
        || lower.contains("success")
        || lower.contains("work")
        || lower.contains("passed")
        || lower.contains("retr")
        || lower.contains("attempt")
        || lower.contains(" not ")
        || lower.contains("n't")
        || (!lower.is_ascii() && lower.contains(MARKS)))
    {
        return Outcome::Unsaid;
    }
    let succeeded = SUCCEEDED.iter().any(|s| {
        lower.match_indices(s).any(|(at, _)| {
            whole_word(lower, at, s.len())
                // Not "unsuccessful", "did not pass", "failed to pass".
                && !["un", "not ", "n't ", "to "]
                    .iter()
                    .any(|n| lower[..at].ends_with(n))
        })
    });
    if succeeded {
        return Outcome::Succeeded;
    }
    let failed = FAILED.iter().any(|f| {
        lower.match_indices(f).any(|(at, _)| {
            let after = lower[at + f.len()..].trim_start();
            whole_word(lower, at, f.len())
                && !(after.starts_with("over") || after.starts_with("back"))
                && of_the_run(&lower[..at], after)
        })
    });
    if failed {
        Outcome::Failed
    } else {
        Outcome::Unsaid
    }
}

/// Whether the words at `at..at + len` of `text` stand alone.
fn whole_word(text: &str, at: usize, len: usize) -> bool {
    let alone = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    alone(text[..at].chars().next_back()) && alone(text[at + len..].chars().next())
}

/// Words that may follow a failure opening its clause for it to be a verdict ("Failed at
/// step 3", "Aborted after 4 minutes"); another word makes it an adjective ("Failed runs
/// are logged in #dash-oncall").
const VERDICT_FOLLOWS: &[&str] = &[
    "at", "on", "in", "after", "because", "with", "due", "during", "when", "twice", "once",
    "again", "and", "but", "so", "since", "as", "to", "before", "while", "halfway",
];

/// Whether a failure written between `before` and `after` is the run's: its clause says
/// nothing but the run and its day ([`OF_THE_RUN`]), and the failure is no adjective ("a
/// failed release", "Failed runs are logged").
fn of_the_run(before: &str, after: &str) -> bool {
    // The clause it is in: from the last punctuation before it.
    let words = super::super::sentences::last_clause(
        before,
        &[',', ';', ':', '(', ')', '|', '\u{2014}', '\u{2013}'],
    );
    if words.last().is_some_and(|w| ARTICLES.contains(w)) {
        return false;
    }
    if words.is_empty() {
        let next = after
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
            .next()
            .unwrap_or_default();
        return next.is_empty() || VERDICT_FOLLOWS.contains(&next);
    }
    words
        .iter()
        .all(|w| OF_THE_RUN.contains(w) || w.starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::{Outcome, outcome};

    fn failed(lower: &str) -> bool {
        outcome(lower) == Outcome::Failed
    }

    #[test]
    fn a_run_that_failed_is_found() {
        for sentence in [
            "The rehearsal on 2026-11-02 failed at step 3.",
            "Rehearsed on 2026-11-02: failed, the revert did not deploy.",
            "Rehearsed on 2026-11-02 (aborted: the deploy host was down).",
            "Rehearsed on 2026-11-02; the revert did not complete and we stopped after 4 minutes.",
            "Restore drill on 2026-11-21: unsuccessful, the snapshot was empty.",
            "Drill on 2026-11-21 \u{2014} failed.",
            "Rollback drill on 2026-03-02. Result: FAIL (the script was missing).",
            "The rehearsal on 2026-11-02 failed to pass the canary gate.",
            "Rehearsed on 2026-11-02: it didn't work.",
            "Restore drill on 2026-11-21: the restore was not successful.",
            "| 2026-11-02 | 4 minutes | failed |",
            "| 2026-11-02 | 4 minutes | \u{274C} |",
            "| 2026-11-02 | 4 minutes | \u{2717} Failed |",
        ] {
            assert!(
                failed(&sentence.to_ascii_lowercase()),
                "{sentence}: not read"
            );
        }
    }

    #[test]
    fn a_run_that_worked_or_another_failure_passes() {
        for sentence in [
            "Rehearsed on 2026-11-02: 4 minutes end to end.",
            "Rehearsed on 2026-11-02 after the canary failed: 4 minutes end to end.",
            "Rehearsed on 2026-11-02 by reverting a failed release: 4 minutes end to end.",
            "Rehearsed on 2026-11-02: the first attempt failed, the second attempt took 4 minutes.",
            "| 2026-11-02 | 4 minutes | passed |",
            "| 2026-11-02 | 4 minutes | \u{2705} |",
            "| 2026-11-02 | 4 minutes | \u{2714}\u{FE0F} |",
            "Rehearsed on 2026-11-02: \u{274C} the old runbook's step 3 is gone; 4 minutes.",
            "Rehearsed on 2026-11-02: failed once on a stale cache, retried, 4 minutes end to end.",
            "Restore drill on 2026-11-21: 3 hours end to end, successful.",
            "Rehearsed on 2026-11-02: if the revert failed we would page @dash-leads.",
            "Rehearsed on 2026-11-02, when the publication job failed: 4 minutes end to end.",
            "Rehearsed on 2026-11-02: not a single step failed after the fix; 4 minutes.",
            "Rehearsed on 2026-11-02 for the failed-publication scenario: 4 minutes.",
            "Rehearsed on 2026-11-02: 4 minutes end to end; the canary failed twice before it.",
            "The canary failed, so we rolled back.",
            "Rehearsed on 2026-11-02: we fail over to the replica, 4 minutes end to end.",
            "Drill on 2026-01-02. Status: PASSED.",
            "Drill on 2026-01-02. Result: PASS.",
            "Failed runs are logged in the incident channel.",
            "Rehearsed on 2026-11-02: failed steps are retried by the script, 4 minutes end to end.",
        ] {
            assert!(
                !failed(&sentence.to_ascii_lowercase()),
                "{sentence}: read as failed"
            );
        }
    }
}
