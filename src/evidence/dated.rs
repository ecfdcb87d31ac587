//! The day a record says it is about: the dates its file name and title carry
//! (`tabletop-2026-11-10.md`, `# Tabletop, 2026-11-10`). A rehearsal whose `date` was moved
//! forward (to pass the 60-day limit) while its notes still name the old day is no new
//! rehearsal.

use super::markdown::MarkdownFacts;

/// The calendar dates (`YYYY-MM-DD`, a real day) in a Markdown file's name and first heading,
/// each once, in that order.
pub fn of(path: &str, md: &MarkdownFacts) -> Vec<String> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let mut out = in_text(name);
    for d in md.headings.first().map(|h| in_text(h)).unwrap_or_default() {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Every day `text` writes, in order of appearance, each once, as `YYYY-MM-DD`: written so
/// (a real day, not part of a longer run of digits), as `YYYY/MM/DD`, with its month named
/// ("2 November 2026", "Nov 2, 2026", "November 2nd, 2026"), or with dots, day first
/// (`20.11.2026`, as the countries that write dots write it). With slashes (`12/11/2026`) the
/// day and month could be either, and the day is left.
pub fn in_text(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    // No year, no day: most text has no run of four digits.
    if !b.windows(4).any(|w| w.iter().all(u8::is_ascii_digit)) {
        return Vec::new();
    }
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut found: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i + 10 <= b.len() {
        let shape = |sep: u8| {
            (0..10).all(|k| {
                if k == 4 || k == 7 {
                    b[i + k] == sep
                } else {
                    digit(i + k)
                }
            })
        };
        let alone = !(digit(i + 10) || i > 0 && digit(i - 1));
        let sep = if shape(b'-') {
            Some('-')
        } else if shape(b'/') {
            Some('/')
        } else {
            None
        };
        if let Some(sep) = sep.filter(|_| alone) {
            let d = text[i..i + 10].replace(sep, "-");
            if d.parse::<jiff::civil::Date>().is_ok() {
                found.push((i, d));
            }
            i += 10;
        } else {
            i += 1;
        }
    }
    found.extend(named_months(text));
    found.extend(dotted(text));
    found.sort_by_key(|(at, _)| *at);
    let mut out: Vec<String> = Vec::new();
    for (_, d) in found {
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// Days written `D.M.YYYY` or `DD.MM.YYYY`, day first, with where each starts: not inside a
/// longer run of digits and dots (a version, an address).
fn dotted(text: &str) -> Vec<(usize, String)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (dot, _) in text.match_indices('.') {
        // The day's dot: one or two digits before it, at the start of a run.
        let day_start = (dot.saturating_sub(2)..dot)
            .find(|&s| b[s..dot].iter().all(u8::is_ascii_digit))
            .filter(|&s| s < dot);
        let Some(start) = day_start else { continue };
        if start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'.') {
            continue;
        }
        let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let month_len = digits(dot + 1);
        let second = dot + 1 + month_len;
        if !(1..=2).contains(&month_len) || b.get(second) != Some(&b'.') {
            continue;
        }
        let end = second + 1 + digits(second + 1);
        let alone = !(b.get(end).is_some_and(|c| c.is_ascii_alphanumeric())
            || (b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit)));
        if end - second - 1 != 4 || !alone {
            continue;
        }
        let number = |r: std::ops::Range<usize>| text[r].parse::<i16>().ok();
        let (Some(d), Some(m), Some(y)) = (
            number(start..dot),
            number(dot + 1..second),
            number(second + 1..end),
        ) else {
            continue;
        };
        if let (Ok(d), Ok(m)) = (i8::try_from(d), i8::try_from(m))
            && let Ok(date) = jiff::civil::Date::new(y, m, d)
        {
            out.push((start, date.to_string()));
        }
    }
    out
}

/// The month (1 to 12) `word` names, by its name or an abbreviation people write
/// ([`MONTHS`]), letter case aside.
pub fn month_named(word: &str) -> Option<i8> {
    MONTHS
        .iter()
        .position(|names| names.iter().any(|n| n.eq_ignore_ascii_case(word)))
        .map(|m| m as i8 + 1)
}

/// Month names and the abbreviations people write, by month.
const MONTHS: &[&[&str]] = &[
    &["january", "jan"],
    &["february", "feb"],
    &["march", "mar"],
    &["april", "apr"],
    &["may"],
    &["june", "jun"],
    &["july", "jul"],
    &["august", "aug"],
    &["september", "sept", "sep"],
    &["october", "oct"],
    &["november", "nov"],
    &["december", "dec"],
];

/// Days written with their month named, capitalised as a month is ("2 November 2026", "Nov
/// 2, 2026"), with where each starts.
fn named_months(text: &str) -> Vec<(usize, String)> {
    // Words (ASCII letters and digits) with their offsets, and whether only spaces, commas
    // and periods separate each from the one before. (An ASCII byte is a character's
    // boundary, so the offsets slice `text`.)
    let b = text.as_bytes();
    let mut words: Vec<(usize, &str, bool)> = Vec::new();
    let (mut i, mut end) = (0, None::<usize>);
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let joined =
            end.is_some_and(|e| start - e <= 3 && b[e..start].iter().all(|c| b" ,.".contains(c)));
        words.push((start, &text[start..i], joined));
        end = Some(i);
    }
    let month = |w: &str| {
        if !w.starts_with(|c: char| c.is_ascii_uppercase()) {
            return None;
        }
        month_named(w)
    };
    let day = |w: &str| {
        let digits = ["st", "nd", "rd", "th"]
            .iter()
            .find_map(|s| w.strip_suffix(s))
            .unwrap_or(w);
        (1..=2)
            .contains(&digits.len())
            .then(|| digits.parse::<i8>().ok())
            .flatten()
    };
    let year = |w: &str| (w.len() == 4).then(|| w.parse::<i16>().ok()).flatten();
    let mut out = Vec::new();
    for k in 0..words.len().saturating_sub(2) {
        let [(at, a, _), (_, b, b_joined), (_, c, c_joined)] =
            [words[k], words[k + 1], words[k + 2]];
        // The year first: most words are none.
        let Some(y) = year(c).filter(|_| b_joined && c_joined) else {
            continue;
        };
        // "2 November 2026", then "November 2, 2026".
        let (m, d) = match (day(a), month(b), month(a), day(b)) {
            (Some(d), Some(m), _, _) | (_, _, Some(m), Some(d)) => (m, d),
            _ => continue,
        };
        if let Ok(date) = jiff::civil::Date::new(y, m, d) {
            out.push((at, date.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::in_text;

    #[test]
    fn real_days_alone_are_dates() {
        assert_eq!(in_text("tabletop-2026-11-10.md"), ["2026-11-10"]);
        assert_eq!(
            in_text("# Tabletop, 2026-11-10 (follow-up 2026-11-12)"),
            ["2026-11-10", "2026-11-12"]
        );
        assert_eq!(in_text("2026-11-10 and 2026-11-10"), ["2026-11-10"]);
        assert!(in_text("tabletop-2026-11.md").is_empty());
        assert!(in_text("build 12026-11-10").is_empty());
        assert!(in_text("2026-11-100").is_empty());
        assert!(in_text("2026-02-30 notes").is_empty());
        assert_eq!(in_text("Tabletop, 10.11.2026 — é"), ["2026-11-10"]);
        assert_eq!(in_text("é2026-01-05é"), ["2026-01-05"]);
    }

    #[test]
    fn days_written_with_their_month_named_are_dates() {
        for (text, day) in [
            ("Rehearsed on 2 November 2026: 4 minutes", "2026-11-02"),
            ("Rehearsed on Nov 2, 2026.", "2026-11-02"),
            ("Drill: November 2nd, 2026", "2026-11-02"),
            ("# Tabletop, 21st Nov. 2026", "2026-11-21"),
            ("on Sept 9 2026", "2026-09-09"),
            ("on 2026/11/02", "2026-11-02"),
            ("drill (3 MARCH 2026)", "2026-03-03"),
            ("Rehearsed on 20.11.2026: 4 minutes", "2026-11-20"),
            ("Drill am 2.11.2026.", "2026-11-02"),
        ] {
            assert_eq!(in_text(text), [day], "{text}");
        }
        // Order of appearance, each day once, in either shape.
        assert_eq!(
            in_text("Nov 21, 2026, then 2026-11-02 and 2 November 2026"),
            ["2026-11-21", "2026-11-02"]
        );
        for text in [
            "Nov 2026 review",
            "November 31, 2026",
            "we may 3 2026 things",
            "2 Novembers 2026",
            "Nov 2, 26",
            "12/11/2026",
            "2026/13/01",
            "11.20.2026",
            "v1.10.2026",
            "release 1.2.10.2026",
            "10.11.20261",
            "10.11.2026.5",
            "31.11.2026",
        ] {
            assert!(in_text(text).is_empty(), "{text}");
        }
    }
}
