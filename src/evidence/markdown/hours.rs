//! The support hours a support runbook states, held to `owners.support_hours`: support
//! staff read the runbook, users are promised the manifest's hours, and a runbook left at
//! `09:00-17:00` after the manifest moved to `08:00-18:00` leaves two hours a day that each
//! side thinks the other covers.

use serde::Serialize;

use super::sentences::prose_lines;
use crate::evidence::alerts::Spot;

/// Where the runbook states other hours than the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherHours {
    /// The line that states them, trimmed.
    pub said: String,
    /// Where.
    pub at: Spot,
}

/// Words of a line that speak of when someone is there to answer.
const SPEAKS_OF_HOURS: &[&str] = &["hour", "available", "staffed", "on call", "on-call"];

/// Words of days: "support" speaks of support hours beside one ("Support answers Mon-Fri
/// 09:00-17:00"), not in "the export runs 02:00-03:00; support is not affected".
const DAYS: &[&str] = &[
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekday", "weekend",
];

/// The first line of `text` (Markdown: a support runbook) that speaks of support hours with
/// ranges of clock times (`08:00-18:00`, `9am-5pm`) none of which is a range of
/// `support_hours` (its place's `file` left for the caller to name). `24/7` in the manifest is
/// every day `00:00-24:00`, so a runbook that staffs support `Mon-Fri 08:00-18:00` is found
/// (a line that says 24/7 too is not: it may staff pages around the clock and questions by
/// day); other hours without clock times in the manifest, or a runbook that writes none,
/// compare nothing.
pub fn contradicted(text: &str, support_hours: &str) -> Option<OtherHours> {
    let always = crate::hours::round_the_clock(support_hours);
    let planned = if always {
        vec![(0, 24 * 60)]
    } else {
        crate::hours::ranges(support_hours, false)
    };
    if planned.is_empty() {
        return None;
    }
    let plan = Plan {
        always,
        ranges: planned,
        days: crate::hours::days(support_hours),
        zone: comparable_zone(support_hours),
    };
    for (at, line) in prose_lines(text) {
        let trimmed = line.trim();
        if plan.other(trimmed) {
            let start = at + (trimmed.as_ptr() as usize - line.as_ptr() as usize);
            return Some(OtherHours {
                said: crate::evidence::one_line(trimmed, 120),
                at: Spot::in_text(text, start, trimmed.len()),
            });
        }
    }
    // A table of hours ("| Days | Hours (Europe/Berlin) |", "| Mon-Fri | 10:00-16:00 |"): a
    // row is read with its header and the heading above it, which say what it holds.
    for table in super::records::tables(text) {
        for row in &table.rows {
            if plan.other(&table.read(row)) {
                return Some(OtherHours {
                    said: crate::evidence::one_line(&row.said, 120),
                    at: Spot::in_text(text, row.at.0, row.at.1),
                });
            }
        }
    }
    None
}

/// The support hours the manifest plans.
struct Plan {
    /// `24/7`.
    always: bool,
    /// Its ranges of clock times, in minutes of the day.
    ranges: Vec<(u32, u32)>,
    /// Its days, as [`crate::hours::days`] writes them.
    days: Option<u8>,
    /// Its zone, when comparable.
    zone: Option<String>,
}

impl Plan {
    /// Whether `line` speaks of support hours with ranges of clock times other than planned.
    fn other(&self, line: &str) -> bool {
        // A clock time is a digit before `:` (`08:00`) or before `am`/`pm` (`9am`, `9 pm`).
        let clock = line.as_bytes().windows(2).any(|w| {
            w[0].is_ascii_digit() && matches!(w[1].to_ascii_lowercase(), b':' | b'a' | b'p' | b' ')
        });
        if !clock {
            return false;
        }
        let lower = line.to_ascii_lowercase();
        let speaks = SPEAKS_OF_HOURS.iter().any(|w| lower.contains(w))
            || (lower.contains("support") && DAYS.iter().any(|d| lower.contains(d)));
        if !speaks {
            return false;
        }
        let said = crate::hours::ranges(line, true);
        if said.is_empty() || (self.always && crate::hours::round_the_clock(line)) {
            return false;
        }
        // Hours are other when none of their ranges is planned, when they leave out a day
        // the manifest promises, or when they are kept in another zone.
        let fewer_days = match (crate::hours::days(line), self.days) {
            (Some(said), Some(planned)) => planned & !said != 0,
            _ => false,
        };
        let other_zone = match (comparable_zone(line), &self.zone) {
            (Some(said), Some(planned)) => said != *planned,
            _ => false,
        };
        !said.iter().any(|r| self.ranges.contains(r)) || fewer_days || other_zone
    }
}

/// The one zone `text` names when it can be compared with another: an IANA name
/// (`Europe/Berlin`) or UTC (`UTC`, `GMT`, `Etc/UTC`), in lower case. Abbreviations (`CET`,
/// `PT`) name a zone only with a season and a country, and offsets a clock, not a place.
fn comparable_zone(text: &str) -> Option<String> {
    let zones = crate::hours::zones(text);
    let [zone] = zones.as_slice() else {
        return None;
    };
    let lower = zone.to_ascii_lowercase();
    match lower.as_str() {
        "utc" | "gmt" | "etc/utc" | "etc/gmt" | "utc+0" | "gmt+0" => Some("utc".into()),
        _ if lower.contains('/') => Some(lower),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLANNED: &str = "Mon-Fri 08:00-18:00 Europe/Berlin";

    #[test]
    fn the_examples_runbook_states_the_manifests_hours() {
        let runbook = include_str!("../../../examples/dashboard-factory/runbooks/support.md");
        assert_eq!(contradicted(runbook, PLANNED), None);
        for text in [
            // Other ranges on lines that do not speak of support; the planned one besides
            // another; no clock times; code.
            "The nightly export runs 02:00-03:00.\n",
            "The nightly export runs 02:00-03:00; support is not affected.\n",
            "Support: 08:00-18:00 (Mon-Fri), on-call 18:00-08:00.\n",
            "Support hours: see the team page. Steps 1-3 first.\n",
            "```sh\n# support hours 09:00-17:00\n```\n",
            "Support hours are 8am-6pm Berlin time.\n",
        ] {
            assert_eq!(contradicted(text, PLANNED), None, "{text}");
        }
    }

    #[test]
    fn round_the_clock_is_every_hour_of_every_day() {
        for (text, planned) in [
            ("Support hours 09:00-17:00.\n", "24/7"),
            (
                "Support hours: Mon-Fri 08:00-18:00 Europe/Berlin.\n",
                "24 x 7",
            ),
            (
                "Support answers Mon-Sun 08:00-20:00 UTC.\n",
                "around the clock",
            ),
            // The whole clock on fewer days than every day.
            (
                "Support hours: Mon-Fri 00:00-24:00 UTC.\n",
                "around the clock",
            ),
            ("Support hours: Mon-Fri 00:00-24:00 UTC.\n", "24*7"),
        ] {
            assert!(
                contradicted(text, planned).is_some(),
                "{text} under {planned}"
            );
        }
        for text in [
            "Support hours: Mon-Sun 00:00-24:00 UTC.\n",
            "Support hours: 24/7.\n",
            // Pages around the clock, questions by day: said on the line itself.
            "Support answers pages 24/7 and questions Mon-Fri 09:00-17:00.\n",
        ] {
            assert_eq!(contradicted(text, "24/7"), None, "{text}");
        }
    }

    #[test]
    fn other_hours_are_found_at_their_line() {
        let text = "# Support\n\nSupport answers in `#dash-support`\nduring support hours (Mon-Fri 09:00-17:00 Europe/Berlin).\n";
        let found = contradicted(text, PLANNED).unwrap();
        assert_eq!(
            (found.said.as_str(), found.at.line, found.at.column),
            (
                "during support hours (Mon-Fri 09:00-17:00 Europe/Berlin).",
                4,
                1
            )
        );
        let found = contradicted("- Staffed 9am to 5pm CET.\n", PLANNED).unwrap();
        assert_eq!(found.said, "- Staffed 9am to 5pm CET.");
        let found = contradicted("Support answers Mon-Fri 09:00-17:00.\n", PLANNED).unwrap();
        assert_eq!(found.at.line, 1);
    }

    /// A table of hours is read with its header and heading: they say what a row holds.
    #[test]
    fn hours_kept_as_a_table_are_read_with_their_header() {
        let table = |heading: &str, header: &str, row: &str| {
            format!("# Support\n\n## {heading}\n\n| {header} |\n| --- | --- |\n| {row} |\n")
        };
        for (heading, header, row) in [
            (
                "Hours",
                "Days | Hours (Europe/Berlin)",
                "Mon-Fri | 10:00-16:00",
            ),
            ("Support hours", "Days | Times", "Mon-Thu | 08:00-18:00"),
            ("Staffing", "Days | Hours", "Mon-Fri | 08:00-18:00 UTC"),
        ] {
            let text = table(heading, header, row);
            let found = contradicted(&text, PLANNED).expect(&text);
            assert_eq!((found.said, found.at.line), (format!("| {row} |"), 7));
        }
        for (heading, header, row) in [
            (
                "Hours",
                "Days | Hours (Europe/Berlin)",
                "Mon-Fri | 08:00-18:00",
            ),
            ("Maintenance", "Job | Schedule", "export | 02:00-03:00"),
        ] {
            let text = table(heading, header, row);
            assert_eq!(contradicted(&text, PLANNED), None, "{text}");
        }
    }

    #[test]
    fn the_same_hours_on_fewer_days_or_in_another_zone_are_other_hours() {
        for text in [
            "Support hours: Mon-Thu 08:00-18:00 Europe/Berlin.\n",
            "Support answers weekdays but Friday, 08:00-18:00.\n",
            "Support hours: Mon-Fri 08:00-18:00 UTC.\n",
            "Support hours: Mon-Fri 08:00-18:00 America/New_York.\n",
        ] {
            let found = contradicted(text, PLANNED);
            // "weekdays but Friday" is read as weekdays: only the other three are found.
            assert_eq!(found.is_some(), !text.contains("but"), "{text}");
        }
        for text in [
            // More days than promised, the same days written otherwise, no days or zone, a
            // zone written as an abbreviation (not compared), the zone's other spelling.
            "Support hours: Mon-Sat 08:00-18:00 Europe/Berlin.\n",
            "Support hours: Monday to Friday, 08:00-18:00 (Europe/Berlin).\n",
            "Support hours: 08:00-18:00.\n",
            "Support hours: Mon-Fri 08:00-18:00 CET.\n",
            "Support hours: Mon-Fri 08:00-18:00 europe/berlin.\n",
        ] {
            assert_eq!(contradicted(text, PLANNED), None, "{text}");
        }
        // A manifest in UTC and a runbook in GMT keep the same clock.
        let utc = "Mon-Fri 08:00-18:00 UTC";
        assert_eq!(
            contradicted("Support hours: Mon-Fri 08:00-18:00 GMT.\n", utc),
            None
        );
    }
}
