//! Support hours: whether they say in which time zone they are kept.
//!
//! `Mon-Fri 08:00-18:00` names days and hours, and a page at 17:30 UTC is inside them for a
//! team keeping them in UTC and outside them for one in UTC+1: without a zone, nobody can
//! tell whether support is there now. The zone is an IANA name (`Europe/Berlin`, checked against the
//! database chrono-tz carries, so `Europe/Berln` is caught), `UTC`/`GMT` with or without an
//! offset, a bare offset (`+01:00`), or a common abbreviation (`CET`, `PT`).
//!
//! The times themselves must be times of a day: `25:00-26:00` has the shape of hours and
//! names none, and `08:00-08:00` names no hours at all (or all 24; nobody can tell which).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use chrono_tz::TZ_VARIANTS;

/// Abbreviations people write for zones (not in the IANA database as names of their own).
const ABBREVIATIONS: &[&str] = &[
    "UTC", "GMT", "Z", "CET", "CEST", "EET", "EEST", "WET", "WEST", "BST", "IST", "MSK", "ET",
    "EST", "EDT", "CT", "CST", "CDT", "MT", "MST", "MDT", "PT", "PST", "PDT", "AKST", "AKDT",
    "HST", "JST", "KST", "HKT", "SGT", "AEST", "AEDT", "ACST", "ACDT", "AWST", "NZST", "NZDT",
    "BRT", "ART", "SAST", "WAT", "EAT", "CAT", "PKT", "ICT", "WIB",
];

/// Whether `hours` are every hour of every day (`24/7`, `24 x 7`, `around the clock`).
pub fn round_the_clock(hours: &str) -> bool {
    let lower = hours.to_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    [
        "24/7",
        "24x7",
        "24*7",
        "24h/7",
        "24hours/7",
        "aroundtheclock",
        "roundtheclock",
    ]
    .iter()
    .any(|r| compact.contains(r))
}

/// What is wrong with the time zone of `hours`, or `""` when they name one, hold around the
/// clock (`24/7`), or name no hours at all (another rule asks for those).
pub fn zone_problem(hours: &str) -> String {
    if round_the_clock(hours) || !hours.chars().any(|c| c.is_ascii_digit()) {
        return String::new();
    }
    let mut zoned = false;
    for word in hours.split(|c: char| c.is_whitespace() || ",;()[]".contains(c)) {
        let word = word.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\''));
        if word.is_empty() {
            continue;
        }
        if word.contains('/') && is_region_city(word) {
            match zone_named(word) {
                Some(_) => zoned = true,
                None => {
                    let areas: Vec<&str> = TZ_VARIANTS
                        .iter()
                        .map(|tz| tz.name())
                        .filter(|name| name.contains('/'))
                        .collect();
                    return format!(
                        "`{word}` is no time zone in the IANA database{}",
                        crate::spelling::did_you_mean(word, &areas)
                    );
                }
            }
        } else if is_offset_zone(word) || zone_named(word).is_some() {
            zoned = true;
        }
    }
    if zoned {
        String::new()
    } else {
        "no time zone is named (a page at 17:30 UTC is within 08:00-18:00 kept in UTC, not \
         in UTC+1), so nobody can tell whether support is there at a given moment"
            .into()
    }
}

/// Days of the week as people write them, in English: whole, three letters and more, two.
const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "weds",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "mo",
    "tu",
    "we",
    "th",
    "fr",
    "sa",
    "su",
];

/// The days of the week `hours` names, as bits (Monday the lowest), or `None` when it names
/// none: ranges (`Mon-Fri`, `Mo-Fr`, `Monday to Friday`, `Fri-Mon` across the weekend),
/// single days and lists (`Sat`, `Mon/Wed/Fri`), `weekdays`, `weekends`, and every day
/// (`daily`, `7 days`, `every day`, `24/7`).
pub fn days(hours: &str) -> Option<u8> {
    const ALL: u8 = 0x7f;
    let lower = hours
        .to_ascii_lowercase()
        .replace(['\u{2013}', '\u{2014}'], "-")
        .replace(" - ", "-")
        .replace(" to ", "-")
        .replace(" through ", "-")
        .replace(" thru ", "-");
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if round_the_clock(hours)
        || ["7days", "everyday", "daily", "7/7"]
            .iter()
            .any(|w| compact.contains(w))
    {
        return Some(ALL);
    }
    let mut bits = 0u8;
    for word in lower.split(|c: char| c.is_whitespace() || ",;()[]/&+".contains(c)) {
        let word = word.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\'' | '`'));
        match word {
            "weekday" | "weekdays" => bits |= 0x1f,
            "weekend" | "weekends" => bits |= 0x60,
            _ => {}
        }
        // Two letters (`Mo-Fr`) only as a range's ends: `we` and `th` are words.
        if let Some((from, to)) = word.split_once('-') {
            if let (Some(a), Some(b)) = (day_index(from, true), day_index(to, true)) {
                let mut d = a;
                loop {
                    bits |= 1 << d;
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
        } else if let Some(d) = day_index(word, false) {
            bits |= 1 << d;
        }
    }
    (bits != 0).then_some(bits)
}

/// The day of the week (Monday 0) that `word` (lower case) names, two letters only when
/// `short` allows.
fn day_index(word: &str, short: bool) -> Option<u8> {
    if word.len() < 2 || (word.len() == 2 && !short) {
        return None;
    }
    let position = DAYS.iter().position(|d| *d == word)?;
    // DAYS lists each day whole, then in its abbreviations, in week order within each run.
    const INDEX: &[u8] = &[
        0, 1, 2, 3, 4, 5, 6, // monday ... sunday
        0, 1, 1, 2, 2, 3, 3, 3, 4, 5, 6, // mon tue tues wed weds thu thur thurs fri sat sun
        0, 1, 2, 3, 4, 5, 6, // mo tu we th fr sa su
    ];
    INDEX.get(position).copied()
}

/// What is wrong with the times of `hours` (`25:00`, `08:60`, `13pm`, a range that ends where
/// it starts) or its days (`Mon-Fir`), or `""` when every time in them is a time of day.
pub fn times_problem(hours: &str) -> String {
    // `08:00 - 18:00` and `08:00 to 18:00` are ranges as `08:00-18:00` is.
    let dashed = hours
        .replace(['\u{2013}', '\u{2014}'], "-")
        .replace(" - ", "-");
    if let Some(problem) = days_problem(&dashed) {
        return problem;
    }
    let joined = dashed.replace(" to ", "-");
    for word in joined.split(|c: char| c.is_whitespace() || ",;()[]".contains(c)) {
        let word = word.trim_matches(|c: char| matches!(c, '.' | '"' | '\''));
        let pieces: Vec<&str> = word.split('-').collect();
        let times: Vec<_> = pieces.iter().map(|p| time_of(p)).collect();
        // Bare numbers are hours only as both ends of a range (`9-17`), not in `24x7` or a date.
        let range = pieces.len() == 2 && times.iter().all(Option::is_some);
        for (piece, time) in pieces.iter().zip(&times) {
            if let Some(Err(problem)) = time
                && (range || !piece.bytes().all(|b| b.is_ascii_digit()))
            {
                return problem.clone();
            }
        }
        if range
            && let [Some(Ok(start)), Some(Ok(end))] = times.as_slice()
            && start == end
        {
            return format!(
                "`{word}` ends where it starts: no hours at all, or all 24 (`00:00-24:00`)?"
            );
        }
    }
    String::new()
}

/// The ranges of times of day `hours` writes, in minutes of the day (`08:00-18:00` is
/// `(480, 1080)`); `clock_only` keeps only ranges written as a clock writes them (`08:00`,
/// `8am`), not bare numbers (`9-17`), which prose writes for other things (`steps 1-3`).
pub fn ranges(hours: &str, clock_only: bool) -> Vec<(u32, u32)> {
    // Most texts write their ranges `08:00-18:00`: copied only when written otherwise.
    let dashed: std::borrow::Cow<str> = if hours.contains(['\u{2013}', '\u{2014}'])
        || hours.contains(" - ")
        || hours.contains(" to ")
    {
        hours
            .replace(['\u{2013}', '\u{2014}'], "-")
            .replace(" - ", "-")
            .replace(" to ", "-")
            .into()
    } else {
        hours.into()
    };
    let clock = |p: &str| {
        p.contains(':')
            || ["am", "pm"]
                .iter()
                .any(|h| p.to_ascii_lowercase().ends_with(h))
    };
    dashed
        .split(|c: char| c.is_whitespace() || ",;()[]".contains(c))
        .filter_map(|word| {
            let word = word.trim_matches(|c: char| matches!(c, '.' | '"' | '\'' | '`'));
            let (from, to) = word.split_once('-')?;
            if clock_only && !(clock(from) && clock(to)) {
                return None;
            }
            match (time_of(from)?, time_of(to)?) {
                (Ok(start), Ok(end)) => Some((start, end)),
                _ => None,
            }
        })
        .collect()
}

/// The time zones `hours` names (`Europe/Berlin`, `UTC`, `+01:00`), as written.
pub fn zones(hours: &str) -> Vec<&str> {
    hours
        .split(|c: char| c.is_whitespace() || ",;()[]`".contains(c))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\'')))
        .filter(|w| {
            !w.is_empty()
                && ((w.contains('/') && is_region_city(w) && zone_named(w).is_some())
                    || is_offset_zone(w)
                    || (!w.contains('/') && zone_named(w).is_some()))
        })
        .collect()
}

/// A range of days with one end a day and the other a slip from one (`Mon-Fir`): the text
/// names no days, and nobody can tell which were meant.
fn days_problem(dashed: &str) -> Option<String> {
    let day = |w: &str| DAYS.iter().any(|d| d.eq_ignore_ascii_case(w));
    for word in dashed.split(|c: char| c.is_whitespace() || ",;()[]".contains(c)) {
        let word = word.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\''));
        let Some((from, to)) = word.split_once('-') else {
            continue;
        };
        let alphabetic = |w: &str| !w.is_empty() && w.chars().all(char::is_alphabetic);
        if !alphabetic(from) || !alphabetic(to) || day(from) == day(to) {
            continue;
        }
        let slip = if day(from) { to } else { from };
        // Only a near miss (`Fir`, `Thrusday`): `Fri-evening` ranges over a day and a time.
        let near = crate::spelling::closest(slip, DAYS, |d, k| {
            d <= if k.len() >= 6 { 2 } else { 1 } && k.len() >= 3
        });
        if let Some(meant) = near {
            return Some(format!(
                "`{slip}` in `{word}` is no day of the week (did you mean `{}`?)",
                capitalized(meant)
            ));
        }
    }
    None
}

/// `fri` as `Fri`.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The minute of the day `piece` names (`08:00`, `8:30pm`, `17`), why it names none although
/// shaped as a time (`25:00`), or `None` when it is no time's shape. A bare number is an
/// hour only where the caller says so (as an end of a range).
fn time_of(piece: &str) -> Option<Result<u32, String>> {
    let (clock, half) = match ["am", "a.m", "pm", "p.m"].iter().find_map(|h| {
        let cut = piece.len().checked_sub(h.len())?;
        let (clock, suffix) = (piece.get(..cut)?, piece.get(cut..)?);
        suffix
            .eq_ignore_ascii_case(h)
            .then(|| (clock, Some(h.starts_with('p'))))
    }) {
        Some(found) => found,
        None => (piece, None),
    };
    let (h, m) = clock.split_once(':').unwrap_or((clock, ""));
    let digits = |t: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !(m.is_empty() || digits(m, 2..=2)) {
        return None;
    }
    let (hour, minute) = (h.parse::<u32>().ok()?, m.parse::<u32>().unwrap_or(0));
    let no_time = |why: &str| Some(Err(format!("`{piece}` is no time of day ({why})")));
    if minute > 59 {
        return no_time("an hour has 60 minutes, 00 to 59");
    }
    match half {
        Some(pm) if (1..=12).contains(&hour) => {
            Some(Ok((hour % 12 + if pm { 12 } else { 0 }) * 60 + minute))
        }
        Some(_) => no_time("with am or pm, hours run from 1 to 12"),
        None if hour < 24 || (hour == 24 && minute == 0) => Some(Ok(hour * 60 + minute)),
        None => no_time("a day's hours run from 00:00 to 24:00"),
    }
}

/// The database's names by their lower case, and its areas (`europe`, `america`), built once.
fn database() -> &'static (HashMap<String, &'static str>, HashSet<String>) {
    static DATABASE: OnceLock<(HashMap<String, &'static str>, HashSet<String>)> = OnceLock::new();
    DATABASE.get_or_init(|| {
        let names = TZ_VARIANTS
            .iter()
            .map(|tz| (tz.name().to_ascii_lowercase(), tz.name()))
            .collect();
        let areas = TZ_VARIANTS
            .iter()
            .filter_map(|tz| tz.name().split_once('/'))
            .map(|(area, _)| area.to_ascii_lowercase())
            .collect();
        (names, areas)
    })
}

/// `Area/Location` with one of the database's areas (`Europe/...`, `America/...`), as opposed
/// to days (`Mon/Wed/Fri`), a date or a fraction (`1/2`).
fn is_region_city(word: &str) -> bool {
    word.split_once('/').is_some_and(|(area, rest)| {
        !rest.is_empty() && database().1.contains(&area.to_ascii_lowercase())
    })
}

/// The IANA zone or abbreviation `word` names: with an area, case aside; without one
/// (`Japan`, `EST5EDT`), only as the database writes it, not `japan` inside a sentence.
fn zone_named(word: &str) -> Option<&'static str> {
    if let Some(a) = ABBREVIATIONS.iter().find(|a| **a == word) {
        return Some(a);
    }
    let name = database().0.get(&word.to_ascii_lowercase())?;
    (word.contains('/') || *name == word).then_some(*name)
}

/// `UTC+1`, `GMT-05:00`, `UTC+0530`, `+01:00`, `-0500`.
fn is_offset_zone(word: &str) -> bool {
    let rest = ["UTC", "GMT"]
        .iter()
        .find_map(|z| word.strip_prefix(z))
        .unwrap_or(word);
    let Some(digits) = rest
        .strip_prefix(['+', '-', '\u{2212}'])
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit() || b == b':'))
    else {
        return false;
    };
    let (h, m) = digits.split_once(':').unwrap_or(match digits.len() {
        3 | 4 => digits.split_at(digits.len() - 2),
        _ => (digits, "00"),
    });
    let hours = h.parse::<u32>().ok().filter(|v| h.len() <= 2 && *v <= 14);
    let minutes = m.parse::<u32>().ok().filter(|v| m.len() == 2 && *v < 60);
    // A bare `+1` is a count, not a zone; offsets without a prefix need their minutes.
    hours.is_some() && minutes.is_some() && (rest.len() < word.len() || digits.len() >= 4)
}

#[cfg(test)]
mod tests;
