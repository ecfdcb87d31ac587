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

/// Every `YYYY-MM-DD` in `text` that is a real day and not part of a longer run of digits.
pub fn in_text(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 10 <= b.len() {
        let shape = (0..10).all(|k| {
            if k == 4 || k == 7 {
                b[i + k] == b'-'
            } else {
                digit(i + k)
            }
        });
        let alone = !(digit(i + 10) || i > 0 && digit(i - 1));
        if shape && alone {
            let d = &text[i..i + 10];
            if d.parse::<jiff::civil::Date>().is_ok() && !out.iter().any(|o| o == d) {
                out.push(d.to_string());
            }
            i += 10;
        } else {
            i += 1;
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
        assert!(in_text("Tabletop, 10.11.2026 — é").is_empty());
        assert_eq!(in_text("é2026-01-05é"), ["2026-01-05"]);
    }
}
