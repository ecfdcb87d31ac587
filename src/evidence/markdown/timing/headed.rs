//! Sections that record runs of a procedure, and the runs their headings date: "## Rehearsal
//! on 2026-11-20 (failed)", or "### 2026-11-20: failed" under "## Drill log". A drill log kept
//! as dated headings is as much the runbook's word as a sentence ("Rehearsed on 2026-11-20"):
//! its last entry is the last run, and the heading or the section under it says how it ended.

use super::super::sentences::{is_heading, unfenced_lines};
use super::TIMED;
use super::outcome::{MARKS, OF_THE_RUN, VERDICTS};

/// A section whose heading names a run ([`TIMED`]), or dates one under a heading that does
/// (the title aside).
#[derive(Debug, PartialEq)]
pub(super) struct Record<'t> {
    /// The heading as written, its marks left out.
    pub(super) heading: &'t str,
    /// Where the heading's line is written: byte offset and length.
    pub(super) at: (usize, usize),
    /// The day the heading dates a run on (`YYYY-MM-DD`, up to today), when it is written as
    /// one ("Drill #2: 2026-11-20 (failed)"), not a plan ("Next rehearsal: 2026-12-20") nor a
    /// section about runs ("Drill log (since 2025-01-01)").
    pub(super) day: Option<String>,
}

/// Month names and their abbreviations, which a dated heading may write ("Nov 20, 2026").
const MONTHS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
];

/// The sections of `text` that record runs, in order.
pub(super) fn records<'t>(text: &'t str, today: &str) -> Vec<Record<'t>> {
    let mut out = Vec::new();
    // The headings above the line being read: their level and whether they name a run.
    let mut above: Vec<(usize, bool)> = Vec::new();
    // Headings in code are none, as the blocks the runbook is read in say.
    for (_, line) in unfenced_lines(text) {
        let trimmed = line.trim();
        if !is_heading(trimmed) {
            continue;
        }
        let level = trimmed.bytes().take_while(|&b| b == b'#').count();
        while above.last().is_some_and(|&(l, _)| l >= level) {
            above.pop();
        }
        let heading = trimmed.trim_start_matches('#').trim();
        let lower = heading.to_ascii_lowercase();
        let names = TIMED.iter().any(|t| lower.contains(t));
        // A title names what the whole file is ("# Restore drill"), not a record.
        let inherited = above.iter().any(|&(l, named)| named && l > 1);
        above.push((level, names));
        // Under a section about runs, only a heading that dates one is a record of its own
        // ("### 2026-11-20" under "## Drill log"), not a part of a plan ("### Execution"
        // under "## Drill script").
        let day = if names || inherited {
            dated_run(heading, &lower, today)
        } else {
            None
        };
        if names || day.is_some() {
            let offset = trimmed.as_ptr() as usize - text.as_ptr() as usize;
            out.push(Record {
                heading,
                at: (offset, trimmed.len()),
                day,
            });
        }
    }
    out
}

/// The day a heading (and `lower`, its lower-cased copy) dates a run on: a day up to `today`,
/// written among words of a run's record only (its name, a month, a quarter) before its
/// verdict, if it has one: what follows a verdict says how the run ended ("2026-11-20: failed
/// at step 3").
fn dated_run(heading: &str, lower: &str, today: &str) -> Option<String> {
    let upto = verdict_at(lower).unwrap_or(lower.len());
    let day = crate::evidence::dated::in_text(heading.get(..upto)?)
        .into_iter()
        .filter(|d| d.as_str() <= today)
        .max()?;
    let words = lower[..upto]
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| w.chars().any(char::is_alphanumeric));
    let only_the_run = words.into_iter().all(|w| {
        w.starts_with(|c: char| c.is_ascii_digit())
            || OF_THE_RUN.contains(&w)
            || MONTHS.contains(&w)
            || VERDICTS.contains(&w)
            // "Q4 drill (2026-11-20)".
            || matches!(w.as_bytes(), [b'q', b'1'..=b'4'])
    });
    only_the_run.then_some(day)
}

/// Where the first verdict of a lower-cased heading starts: a word of [`VERDICTS`] or a mark
/// (`❌`, `✅`).
fn verdict_at(lower: &str) -> Option<usize> {
    let word = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .find(|w| VERDICTS.contains(w))
        .map(|w| w.as_ptr() as usize - lower.as_ptr() as usize);
    let mark = lower.find(MARKS);
    word.into_iter().chain(mark).min()
}

#[cfg(test)]
mod tests {
    use super::records;

    const TODAY: &str = "2026-11-25";

    fn days(text: &str) -> Vec<(&str, Option<String>)> {
        records(text, TODAY)
            .into_iter()
            .map(|r| (r.heading, r.day))
            .collect()
    }

    #[test]
    fn headings_that_date_a_run() {
        let text = "# Rollback\n\n## Steps\n\n1. Revert.\n\n## Drill log\n\n### 2026-11-20: failed\n\nText.\n\n### Drill #1: 2026-11-02 (passed)\n\n## Rehearsal on Nov 21, 2026\n";
        assert_eq!(
            days(text),
            [
                ("Drill log", None),
                ("2026-11-20: failed", Some("2026-11-20".into())),
                ("Drill #1: 2026-11-02 (passed)", Some("2026-11-02".into())),
                ("Rehearsal on Nov 21, 2026", Some("2026-11-21".into())),
            ]
        );
        // What a verdict opens is how the run ended; a quarter is no other word.
        for (heading, day) in [
            ("### 2026-11-20: failed at step 3", "2026-11-20"),
            (
                "### 2026-11-20 \u{274C} the revert did not deploy",
                "2026-11-20",
            ),
            ("## Q4 drill (2026-11-20)", "2026-11-20"),
            (
                "## Drill #2 (2026-11-20): aborted, the deploy host was down",
                "2026-11-20",
            ),
        ] {
            let text = format!("# Rollback\n\n## Drill log\n\n{heading}\n\nText.\n");
            let found = days(&text);
            assert_eq!(
                found.last().and_then(|d| d.1.as_deref()),
                Some(day),
                "{heading}: {found:?}"
            );
        }
    }

    #[test]
    fn headings_that_date_no_run() {
        for heading in [
            "## Drill log (since 2025-01-01)",
            "## Next rehearsal: 2026-11-20",
            "## Rehearsal on 2026-12-20",
            "## Steps (updated 2026-11-20)",
            "## 2026-11-20",
            "## Rehearsal notes, reviewed 2026-11-20",
            "## Failed drills since 2026-01-01",
            "## Q4 drill plan (2026-11-20)",
            "## Drill log (since 2025-01-01, failures marked \u{274C})",
            "## Passed: every drill since 2026-01-01",
        ] {
            let text = format!("# Restore drill\n\n{heading}\n\nText.\n");
            assert!(
                days(&text).iter().all(|(_, day)| day.is_none()),
                "{heading}: {:?}",
                days(&text)
            );
        }
        // In code, a heading is none.
        assert!(days("```\n## Rehearsal on 2026-11-20\n```\n").is_empty());
        // Under another section, a date is a heading of that section's; under a section
        // about runs, a heading that dates none is a part of it.
        let text = "## Drill log\n\n### Week 47\n\n## Changes\n\n### 2026-11-20\n";
        assert_eq!(days(text), [("Drill log", None)]);
    }
}
