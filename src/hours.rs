//! Support hours: whether they say in which time zone they are kept.
//!
//! `Mon-Fri 08:00-18:00` names days and hours, and a page at 17:30 UTC is inside them for a
//! team keeping them in UTC and outside them for one in UTC+1: without a zone, nobody can
//! tell whether support is there now. The zone is an IANA name (`Europe/Berlin`, checked against the
//! database chrono-tz carries, so `Europe/Berln` is caught), `UTC`/`GMT` with or without an
//! offset, a bare offset (`+01:00`), or a common abbreviation (`CET`, `PT`).

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

/// What is wrong with the time zone of `hours`, or `""` when they name one, hold around the
/// clock (`24/7`), or name no hours at all (another rule asks for those).
pub fn zone_problem(hours: &str) -> String {
    let lower = hours.to_lowercase();
    let compact: String = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if ["24/7", "24x7", "24*7", "24h/7", "24hours/7"]
        .iter()
        .any(|r| compact.contains(r))
        || !hours.chars().any(|c| c.is_ascii_digit())
    {
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
mod tests {
    use super::*;

    #[test]
    fn hours_name_their_zone() {
        for ok in [
            "Mon-Fri 08:00-18:00 Europe/Berlin",
            "Mon-Fri 08:00-18:00 europe/berlin",
            "Mon-Fri 09:00-17:00 America/Argentina/Buenos_Aires",
            "Mon-Fri 08:00-18:00 UTC",
            "Mon-Fri 08:00-18:00 (CET)",
            "Mon-Fri 9-17 PT",
            "weekdays 09:00-17:00 UTC+1",
            "weekdays 09:00-17:00 GMT-05:00",
            "weekdays 09:00-17:00 +01:00",
            "Mon-Fri 08:00-18:00 Etc/GMT+1",
            "Mon-Sun 00:00-24:00 Asia/Kolkata",
            "Mon/Wed/Fri 08:00-18:00 UTC",
            "Mon-Fri 08:00-18:00 Japan",
            "24/7",
            "24 x 7",
            "24/7 via the on-call rotation",
            // No hours: another rule asks for them.
            "business hours",
        ] {
            assert_eq!(zone_problem(ok), "", "{ok}");
        }
    }

    #[test]
    fn hours_without_a_zone_or_with_a_misspelt_one_are_found() {
        for missing in [
            "Mon-Fri 08:00-18:00",
            "Mon-Fri 9-5",
            "Mon-Fri 08:00-18:00 local time",
            "weekdays 09:00-17:00 +1",
            "Mon-Fri 1/2 day 08:00-12:00",
            "Mon-Fri 08:00-18:00 in japan",
        ] {
            assert!(
                zone_problem(missing).starts_with("no time zone"),
                "{missing}"
            );
        }
        assert_eq!(
            zone_problem("Mon-Fri 08:00-18:00 Europe/Berln"),
            "`Europe/Berln` is no time zone in the IANA database (did you mean `Europe/Berlin`?)"
        );
        // Not offsets, and no panic on a character split in two.
        for odd in [
            "08:00-18:00 +é1",
            "08:00 -ü",
            "08:00 +1:2:3",
            "08:00 UTC+",
            "08:00 +",
        ] {
            assert!(zone_problem(odd).starts_with("no time zone"), "{odd}");
        }
        // Not an area of the database: no zone at all.
        assert!(zone_problem("Mon-Fri 08:00-18:00 Mars/Olympus").starts_with("no time zone"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
        /// Any text, and texts built of what offsets and zones are made of, gives an answer.
        #[test]
        fn any_text_gives_an_answer(
            text in "\\PC{0,30}",
            built in "[+\\-\u{2212}0-9:/é UTCGMTEurope]{0,24}",
        ) {
            let _ = zone_problem(&text);
            let _ = zone_problem(&format!("08:00 {built}"));
        }
    }
}
