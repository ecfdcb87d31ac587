//! The time a run's sentence says the whole run took. "Rehearsed on 2026-11-02: 4 minutes
//! end to end (12 minutes including the cache warm-up)" took 12 minutes until the service was
//! back, and "4 minutes to revert, plus 8 minutes for the caches" took 12 too; the first
//! duration alone is the part that was fast.

use super::written_durations;

/// Words after a later duration that say it is the whole run ("12 minutes including the
/// warm-up", "12 minutes in total", "12 minutes until traffic recovered").
const WHOLE_AFTER: &[&str] = &[
    "including",
    "incl",
    "in total",
    "total",
    "in all",
    "all told",
    "overall",
    "with",
    "until",
    "till",
    "end to end",
    "end-to-end",
];

/// Words before a later duration that say it is the whole run ("full recovery: 12 minutes").
const WHOLE_BEFORE: &[&str] = &["total", "full", "overall", "whole", "in all", "including"];

/// Words before a later duration that add it to the run ("plus 8 minutes", "then 8 minutes").
const ADDED: &[&str] = &[
    "plus",
    "then",
    "another",
    "followed by",
    "additional",
    "further",
];

/// Words after a number without a unit that add it in the unit before ("and 8 more").
const MORE: &[&str] = &["more", "extra", "additional", "further"];

/// Words around a later duration that make it no part of this run: a target, a limit, an
/// earlier run ("well under the 15-minute budget", "down from 12 minutes last quarter").
const OTHER: &[&str] = &[
    "under",
    "budget",
    "target",
    "goal",
    "limit",
    "sla",
    "from",
    "than",
    "last",
    "previous",
    "earlier",
    "old",
    "instead",
    "expected",
    "estimate",
    "estimated",
    "was",
    "were",
    "before",
    "allowed",
    "max",
    "maximum",
];

/// Whether `text` (lower case) holds one of `words` as whole words.
fn says(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        text.match_indices(w).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

/// Seconds of the whole run `sentence` (`lower`: its lower-cased copy, byte for byte the same
/// length) times, and where its first duration starts: the first duration in digits, the
/// longer of it and a later one said to be the whole, and the later ones said to be added.
/// `None` when it writes no duration in digits.
pub(super) fn whole_run(sentence: &str, lower: &str) -> Option<(i64, usize)> {
    let mut found = written_durations(sentence);
    let first = found.next()?;
    let (mut total, mut last) = (first.seconds, first);
    for later in found {
        let gap = &lower[last.end..later.start];
        let clause_end = lower[later.end..]
            .find([',', ';', ')', '.'])
            .map_or(lower.len(), |n| later.end + n);
        let after = &lower[later.end..clause_end];
        if says(gap, OTHER) || says(after, OTHER) {
            last = later;
            continue;
        }
        if says(gap, ADDED) {
            total += later.seconds;
        } else if says(gap, WHOLE_BEFORE) || says(after, WHOLE_AFTER) {
            total = total.max(later.seconds);
        }
        last = later;
    }
    // "4 minutes to revert and 8 more to recover": a number without a unit, added in the unit
    // of the duration before it.
    for written in crate::numbers::written(lower) {
        if written.start < first.end {
            continue;
        }
        let rest = lower[written.end..].trim_start();
        let Ok(n) = lower[written.clone()].trim_end_matches('.').parse::<f64>() else {
            continue;
        };
        let Some(more) = MORE.iter().find(|m| crate::numbers::word_at(rest, m)) else {
            continue;
        };
        if n.is_finite() && n >= 0.0 {
            // "2 more hours" in its own unit, "8 more" in the one before.
            let own = rest[more.len()..].trim_start();
            let unit = super::UNITS
                .iter()
                .find(|(u, _)| crate::numbers::word_at(own, u))
                .map(|(_, size)| *size)
                .or_else(|| {
                    written_durations(&sentence[..written.start])
                        .last()
                        .map(|d| d.unit)
                })
                .unwrap_or(first.unit);
            total += (n * unit as f64).round() as i64;
        }
    }
    Some((total, first.start))
}

#[cfg(test)]
mod tests {
    use super::whole_run;

    fn whole(sentence: &str) -> Option<i64> {
        whole_run(sentence, &sentence.to_ascii_lowercase()).map(|(s, _)| s)
    }

    #[test]
    fn the_whole_run_is_read() {
        for (sentence, minutes) in [
            ("Rehearsed on 2026-11-02: 4 minutes end to end.", 4),
            (
                "Rehearsed on 2026-11-02: 4 minutes end to end (12 minutes including the cache warm-up).",
                12,
            ),
            ("Rehearsed: 4 minutes end to end (12 minutes in total).", 12),
            (
                "Rehearsed: 4 minutes end to end (12 minutes with warm-up).",
                12,
            ),
            (
                "Rehearsed: 4 minutes end to end, 12 minutes until traffic recovered.",
                12,
            ),
            (
                "Rehearsed: 4 minutes to revert, plus 8 minutes for the cache to warm up.",
                12,
            ),
            (
                "Rehearsed: 4 minutes to revert, then 8 minutes to recover.",
                12,
            ),
            ("Rehearsed: 4 minutes to revert and 8 more to recover.", 12),
            (
                "Rehearsed: 1 hour to revert and 2 more hours to recover.",
                180,
            ),
            (
                "Rehearsed: 1 hour to revert and 30 more minutes to recover.",
                90,
            ),
            // Parts, targets and earlier runs are no more of this one.
            ("Rehearsed: 4 minutes end to end, 3 minutes of it in CI.", 4),
            (
                "Rehearsed: 4 minutes end to end, well under the 15-minute budget.",
                4,
            ),
            (
                "Rehearsed: 4 minutes, down from 12 minutes last quarter.",
                4,
            ),
            (
                "Rehearsed: 4 minutes end to end (the target is 5 minutes).",
                4,
            ),
            ("Rehearsed: 4 minutes and 30 seconds end to end.", 4),
        ] {
            let seconds = whole(sentence).expect(sentence);
            assert_eq!(seconds / 60, minutes, "{sentence}");
        }
        assert_eq!(whole("Rehearsed on 2026-11-02."), None);
    }
}
