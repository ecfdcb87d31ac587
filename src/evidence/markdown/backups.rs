//! How often a restore runbook says backups are taken ("Snapshots are taken every hour",
//! "nightly dumps"): a restore brings back the last backup, so data written since is lost,
//! and backups taken less often than `backup.rpo` cannot keep its promise.

use super::every::every;
use super::sentences::{Reading, blocks, sentences};
use super::updates::Update;

/// Words that name a backup in a sentence that says how often one is taken.
const BACKUPS: &[&str] = &[
    "backup",
    "back up",
    "backed up",
    "snapshot",
    "dump",
    "copied",
    "replicat",
    "archive",
];

/// Words that are an interval alone.
const EVERY: &[(&str, i64)] = &[
    ("hourly", 3_600),
    ("nightly", 86_400),
    ("daily", 86_400),
    ("weekly", 604_800),
    ("monthly", 2_592_000),
];

/// Every block: a frequency is often written without a digit ("nightly").
const ALL: Reading = Reading {
    keep: |_| true,
    messages: false,
};

/// The shortest interval at which `text` (Markdown: a restore runbook) says backups are
/// taken, with its sentence (its place's `file` left for the caller to name); `None` when it
/// says none. The shortest: hourly log copies beside nightly snapshots restore to the hour.
pub fn backup_every(text: &str) -> Option<Update> {
    // Most runbooks name no interval at all: one pass over the text rules them out before
    // any block is read.
    static INTERVALS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(
                    ["every ", "each night", "once a", "once per"]
                        .iter()
                        .chain(EVERY.iter().map(|(w, _)| w)),
                )
                .ok()
        });
    if INTERVALS.as_ref().is_some_and(|i| !i.is_match(text)) {
        return None;
    }
    let mut found: Option<Update> = None;
    for block in blocks(text, ALL) {
        for sentence in sentences(&block.text) {
            let lower = sentence.to_ascii_lowercase();
            if !BACKUPS.iter().any(|w| lower.contains(w)) {
                continue;
            }
            let Some(seconds) = interval(sentence, &lower) else {
                continue;
            };
            if found.as_ref().is_some_and(|f| f.seconds <= seconds) {
                continue;
            }
            if let Some(at) = block.spot(text, sentence) {
                found = Some(Update {
                    seconds,
                    said: crate::evidence::one_line(sentence, 160),
                    at,
                    relaxed: false,
                });
            }
        }
    }
    // A table of backups ("| Store | Backup |", "| templates | nightly snapshot |"): a row is
    // read with its header and the heading above it, which say what it holds.
    for table in super::records::tables(text) {
        for row in &table.rows {
            let line = table.read(row);
            let lower = line.to_ascii_lowercase();
            if !BACKUPS.iter().any(|w| lower.contains(w)) {
                continue;
            }
            let Some(seconds) = interval(&line, &lower) else {
                continue;
            };
            if found.as_ref().is_none_or(|f| seconds < f.seconds) {
                found = Some(Update {
                    seconds,
                    said: crate::evidence::one_line(&row.said, 160),
                    at: crate::evidence::alerts::Spot::in_text(text, row.at.0, row.at.1),
                    relaxed: false,
                });
            }
        }
    }
    found
}

/// The interval `sentence` (and `lower`, its lower-cased copy) names: "every 6 hours",
/// "every hour", "nightly", "once a day".
fn interval(sentence: &str, lower: &str) -> Option<i64> {
    let words = || lower.split(|c: char| !c.is_ascii_alphanumeric());
    every(sentence, lower)
        .or_else(|| words().find_map(|w| EVERY.iter().find(|(e, _)| *e == w).map(|(_, s)| *s)))
        .or_else(|| {
            ["once a day", "once per day", "every night", "each night"]
                .iter()
                .any(|p| lower.contains(p))
                .then_some(86_400)
        })
        .or_else(|| {
            ["once an hour", "once per hour"]
                .iter()
                .any(|p| lower.contains(p))
                .then_some(3_600)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortest_interval_backups_are_taken_at_is_read() {
        for (text, seconds) in [
            (
                "Snapshots are taken every hour and kept for 30 days.",
                3_600,
            ),
            ("Nightly dumps go to the `backups` bucket.", 86_400),
            ("The database is backed up every 6 hours.", 21_600),
            (
                "Full snapshots nightly; the log is copied every 15 minutes.",
                900,
            ),
            (
                "# Restore\n\nWeekly snapshots.\n\n1. Restore the hourly backup.\n",
                3_600,
            ),
            ("Backups run once a day at 02:00 UTC.", 86_400),
            ("Snapshots are taken every 1.5 hours.", 5_400),
            ("The store is snapshotted every night.", 86_400),
            // A table read with its header and heading.
            (
                "## Backups\n\n| Store | Taken | Kept |\n| --- | --- | --- |\n| templates | nightly | 30 days |\n| reviews | every 6 hours | 7 days |\n",
                21_600,
            ),
            (
                "| Store | Backup | Kept |\n|--|--|--|\n| templates | nightly snapshot | 30 days |\n",
                86_400,
            ),
        ] {
            let got = backup_every(text).map(|u| u.seconds);
            assert_eq!(got, Some(seconds), "{text}");
        }
        for text in [
            "Snapshots are kept for 30 days.",
            "Check the dashboard every hour during the restore.",
            "The write-ahead log streams to the backup store continuously.",
            "| Check | When |\n|--|--|\n| dashboard | every hour |\n",
            "",
        ] {
            assert_eq!(backup_every(text).map(|u| u.seconds), None, "{text}");
        }
    }

    #[test]
    fn the_sentence_and_its_line_are_kept() {
        let u = backup_every("# Restore\n\nData is backed up\nnightly to the bucket.\n").unwrap();
        assert_eq!(u.said, "Data is backed up nightly to the bucket.");
        assert_eq!((u.at.line, u.at.column), (3, 1));
    }
}
