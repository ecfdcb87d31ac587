//! The interval written right after `every` ("every 30 minutes", "every hour and a half"):
//! the words that follow it and count time, not the rest of its clause, so "repeat every
//! hour for the first 2 hours" is every hour.

use super::spoken;
use super::timing::{UNITS, expected_duration};

/// Words that may continue an interval besides numbers and units ("every hour and a half",
/// "every quarter of an hour").
const JOINS: &[&str] = &["and", "a", "an", "half", "quarter", "of"];

/// Seconds of the first interval `text` (`lower`: its lower-cased copy, byte for byte the same
/// length) writes after an `every `; `None` when none counts time.
pub(super) fn every(text: &str, lower: &str) -> Option<i64> {
    lower.match_indices("every ").find_map(|(at, word)| {
        let start = at + word.len();
        let end = start + time_len(&lower[start..]);
        expected_duration(&text[start..end]).or_else(|| spoken::duration(&lower[at..end]))
    })
}

/// Bytes of `lower`'s leading words that count time: numbers (in digits or words), units and
/// the words that join them, up to the first other word or the end of a clause.
pub(super) fn time_len(lower: &str) -> usize {
    let mut end = 0;
    let mut at = 0;
    for piece in lower.split_inclusive(char::is_whitespace) {
        let here = at;
        at += piece.len();
        let token = piece.trim_end_matches(char::is_whitespace);
        if token.is_empty() {
            continue;
        }
        // A clause ends at its punctuation; a decimal point ("1.5 hours") is no end.
        let word = token.trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
        let counts = word.starts_with(|c: char| c.is_ascii_digit())
            || JOINS.contains(&word)
            || UNITS.iter().any(|(u, _)| *u == word)
            || spoken::is_number(word);
        if !counts || word.contains('(') {
            break;
        }
        end = here + word.len();
        if word.len() < token.len() {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<i64> {
        every(text, &text.to_ascii_lowercase())
    }

    #[test]
    fn the_interval_is_the_words_after_every() {
        for (text, seconds) in [
            ("repeat every hour for the first 2 hours", 3_600),
            ("every 30 minutes until resolved", 1_800),
            ("every 1.5 hours.", 5_400),
            ("every hour and a half", 5_400),
            ("every 1 hour and 30 minutes, then daily", 5_400),
            ("every half hour", 1_800),
            ("every 15m until the incident is closed", 900),
            ("every Hour; then every 4 hours", 3_600),
            ("every thirty minutes (or sooner)", 1_800),
            ("check every hour", 3_600),
            ("every hour\nfor the first 2 hours", 3_600),
        ] {
            assert_eq!(read(text), Some(seconds), "{text}");
        }
        for text in [
            "every step of the 2 hours",
            "every time the page fires, wait 5 minutes",
            "every",
            "every ",
            "",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
