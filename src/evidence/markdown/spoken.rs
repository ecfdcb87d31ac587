//! Durations written out in words, as people write them to people: "Next update in an
//! hour", "we will update you every half hour", "updates hourly", "in thirty minutes". A
//! message template is prose for users, where digits are a style guide's exception.

/// Number words a duration is counted in, with their values.
const NUMBERS: &[(&str, f64)] = &[
    ("a", 1.0),
    ("an", 1.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("twenty-four", 24.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("forty-five", 45.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("ninety", 90.0),
];

/// Unit words, with their seconds.
const UNITS: &[(&str, i64)] = &[
    ("minute", 60),
    ("minutes", 60),
    ("mins", 60),
    ("hour", 3_600),
    ("hours", 3_600),
    ("hrs", 3_600),
    ("day", 86_400),
    ("days", 86_400),
];

/// Whether `word` (lower-cased) is a number word a duration is counted in.
pub(super) fn is_number(word: &str) -> bool {
    NUMBERS.iter().any(|(n, _)| *n == word)
}

/// Words that are an interval alone.
const EVERY: &[(&str, i64)] = &[("hourly", 3_600), ("daily", 86_400)];

/// Whether `line` may write a duration in words: a cheap test before a text is read by
/// sentence.
pub(super) fn may_write(line: &str) -> bool {
    // Every unit word holds one of these pairs (`minute`, `mins`: "mi"; `hour`, `hrs`: "h"
    // then "o" or "r"; `day`, `daily`: "da"), asked of the bytes without a lower-cased copy.
    line.as_bytes().windows(2).any(|w| {
        let pair = [w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase()];
        matches!(&pair, b"mi" | b"ho" | b"hr" | b"da")
    }) && {
        let lower = line.to_ascii_lowercase();
        ["minute", "hour", "mins", "hrs", "day", "daily"]
            .iter()
            .any(|u| lower.contains(u))
    }
}

/// Seconds of the first duration `lower` (lower-cased text) writes in words: "an hour",
/// "half an hour", "a quarter of an hour", "thirty minutes", "every hour", "hourly".
pub(super) fn duration(lower: &str) -> Option<i64> {
    read(lower, true)
}

/// Seconds of the first time spent `lower` (lower-cased text) writes in words: "about ten
/// minutes", "an hour and a half"; an interval ("every hour", "hourly") is none, and nor are
/// days that date ("two days ago") or measure data ("a day of logs").
pub(super) fn amount(lower: &str) -> Option<i64> {
    read(lower, false)
}

/// Words after a number of days that date something or measure data instead of timing.
pub(super) const NOT_SPENT: &[&str] = &[
    "ago", "before", "after", "earlier", "later", "since", "prior", "of", "old",
];

fn read(lower: &str, intervals: bool) -> Option<i64> {
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in words.iter().enumerate() {
        if let Some((_, seconds)) = EVERY.iter().find(|(w, _)| w == word) {
            if intervals {
                return Some(*seconds);
            }
            continue;
        }
        let Some(&(_, unit)) = UNITS.iter().find(|(u, _)| u == word) else {
            continue;
        };
        if !intervals && unit == 86_400 && words.get(i + 1).is_some_and(|w| NOT_SPENT.contains(w)) {
            continue;
        }
        let before = |n: usize| i.checked_sub(n).map(|at| words[at]);
        let number = |n: usize| {
            before(n).and_then(|w| {
                NUMBERS
                    .iter()
                    .find(|(number, _)| *number == w)
                    .map(|(_, v)| *v)
            })
        };
        // "an hour and a half".
        let and_a_half = words.get(i + 1..i + 4) == Some(&["and", "a", "half"][..]);
        // "one and a half hours"; "half an hour", "a half hour"; "a quarter of an hour", "a
        // quarter hour".
        let share = if before(1) == Some("half") && before(3) == Some("and") {
            number(4).map(|n| n + 0.5)
        } else if before(2) == Some("half") || before(1) == Some("half") {
            Some(0.5)
        } else if before(3) == Some("quarter") || before(1) == Some("quarter") {
            Some(0.25)
        } else {
            None
        };
        let count = match (share, before(1)) {
            (Some(share), _) => share,
            (None, Some("every" | "each" | "per")) if intervals => 1.0,
            (None, Some(_)) => match number(1) {
                Some(n) => n,
                None => continue,
            },
            (None, None) => continue,
        };
        let count = if and_a_half { count + 0.5 } else { count };
        return Some((count * unit as f64).round() as i64);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words() {
        for (text, seconds) in [
            ("next update in an hour.", 3_600),
            ("next update in half an hour.", 1_800),
            ("we will update you every half hour", 1_800),
            ("next update in a quarter of an hour", 900),
            ("we post updates hourly", 3_600),
            ("we will update you every hour", 3_600),
            ("next update in thirty minutes", 1_800),
            ("next update in forty-five minutes", 2_700),
            ("updates daily until resolved", 86_400),
            ("next update in one hour", 3_600),
            ("next update in an hour and a half", 5_400),
            ("next update in one and a half hours", 5_400),
        ] {
            assert_eq!(duration(text), Some(seconds), "{text}");
            assert!(may_write(text), "{text}");
        }
        for text in [
            "next update in a few minutes",
            "next update within the hour",
            "next update soon",
            "many hours of work",
            "",
        ] {
            assert_eq!(duration(text), None, "{text}");
        }
    }

    #[test]
    fn time_spent_in_words_is_no_interval_nor_a_date() {
        for (text, seconds) in [
            ("the last rollback took about ten minutes", 600),
            ("restore drill: nine hours end to end", 32_400),
            ("wait an hour and a half for the copy", 5_400),
            ("the full restore took two days", 172_800),
        ] {
            assert_eq!(amount(text), Some(seconds), "{text}");
        }
        for text in [
            "we post updates hourly",
            "check every hour",
            "rehearsed two days ago",
            "the drill replayed a day of traffic",
        ] {
            assert_eq!(amount(text), None, "{text}");
        }
    }
}
