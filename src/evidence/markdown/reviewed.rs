//! The day a runbook says it was last reviewed ("Last reviewed: 2026-03-02", a front
//! matter's `last_reviewed: 2026-03-02`, "This runbook was last reviewed on 2 March 2026"):
//! a review recorded in the manifest on a later day, while the runbook keeps its own record
//! of an older one, is a date moved forward, not a review.

use super::sentences::unfenced_lines;

/// Labels that open a line saying when the text was reviewed (underscores read as spaces,
/// markup left out): "Reviewed: 2026-03-02", "| Review date | 2026-03-02 |".
const OPENING: &[&str] = &[
    "last reviewed",
    "last review",
    "reviewed on",
    "reviewed",
    "review date",
    "date reviewed",
    "date of last review",
];

/// Words that make a date the next review's, or a deadline, not the last review's.
const NOT_LAST: &[&str] = &[
    "next",
    "due",
    "until",
    "before",
    "every",
    "expires",
    "scheduled",
];

/// The review a runbook records of itself: its newest day, as `YYYY-MM-DD`, the line that
/// says it (trimmed) and where that line's text is (byte offset and length in `text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// The line, as written (trimmed).
    pub said: String,
    /// The handles it names after its label (`@carol`), in lower case: who reviewed.
    pub by: Vec<String>,
    /// Byte offset of the line's text in the file.
    pub offset: usize,
    /// Its length in bytes.
    pub len: usize,
}

/// The newest day `text` (Markdown, outside fenced code) says it was last reviewed, if it says
/// so: a line that opens with a label of [`OPENING`], or that says "last reviewed" anywhere,
/// with a day after the label (the first one), and no word of [`NOT_LAST`] ("Next review:
/// 2027-01-01", "Reviewed quarterly; due 2026-12-01").
pub fn last_reviewed(text: &str) -> Option<Stamp> {
    // Most runbooks never say "review": a search for its rare `v`, no copy.
    if !says_review(text) {
        return None;
    }
    let mut newest: Option<Stamp> = None;
    for (at, line) in unfenced_lines(text) {
        // An unchecked task ("- [ ] Reviewed by security") is a review still to come.
        if !says_review(line) || line.contains("[ ]") {
            continue;
        }
        // Markup left out and underscores read as spaces; the case kept for the dates
        // ("2 March 2026"), a lower-case copy of the same length for the words.
        let clean: String = line
            .chars()
            .filter(|c| !matches!(c, '*' | '`' | '>' | '|'))
            .map(|c| if c == '_' { ' ' } else { c })
            .collect();
        let lower = clean.to_ascii_lowercase();
        let start = lower.len()
            - lower
                .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
                .len();
        // Where the label ends: "last review(ed)" anywhere, or a label opening the line.
        let label_end = match lower.find("last review") {
            Some(i) => Some(i + "last review".len()),
            None => OPENING
                .iter()
                .find(|l| opens_with(&lower[start..], l))
                .map(|l| start + l.len()),
        };
        let Some(label_end) = label_end else {
            continue;
        };
        let from = lower[..label_end].rfind("last review").unwrap_or(start);
        if !says_when(&lower[label_end..]) {
            continue;
        }
        if NOT_LAST.iter().any(|w| has_word(&lower[from..], w)) {
            continue;
        }
        let after = &clean[from..];
        let Some(day) = crate::evidence::dated::in_text(after).into_iter().next() else {
            continue;
        };
        if newest.as_ref().is_some_and(|n| n.day >= day) {
            continue;
        }
        let trimmed = line.trim();
        let start = at + (line.len() - line.trim_start().len());
        let by = super::escalation::handles(&clean[label_end..])
            .into_iter()
            .filter(|h| h.starts_with('@'))
            .collect();
        newest = Some(Stamp {
            day,
            said: trimmed.to_string(),
            by,
            offset: start,
            len: trimmed.len(),
        });
    }
    newest
}

/// Whether `text` holds "review" in any case: found by its `v`, the rarest of its letters in
/// prose (a search for every `r` cost 2% of a check).
fn says_review(text: &str) -> bool {
    super::sentences::holds_folded(text.as_bytes(), b"review", 2)
}

/// Whether the words after a label go on to say when ("2026-03-02", ": 2 March", "on ...",
/// "by @carol on ...", "date: ..."): "Reviewed changes (2026-11-01)" is a heading of
/// something else.
fn says_when(rest: &str) -> bool {
    let rest = rest.strip_prefix("ed").unwrap_or(rest);
    let rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    let word = rest
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    word.starts_with(|c: char| c.is_ascii_digit())
        || ["on", "by", "date", "at", "in", "of"].contains(&word)
        || crate::evidence::dated::month_named(word).is_some()
}

/// Whether `words` opens with the words of `label`, a word boundary after it.
fn opens_with(words: &str, label: &str) -> bool {
    words.strip_prefix(label).is_some_and(|rest| {
        rest.chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric())
    })
}

/// Whether `text` (lower case) holds `word` as a word.
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == word)
}

#[cfg(test)]
mod tests {
    use super::last_reviewed;

    #[test]
    fn a_runbooks_own_record_of_its_review_is_read() {
        for (text, day) in [
            (
                "# Support\n\nLast reviewed: 2025-03-02 by @carol\n",
                "2025-03-02",
            ),
            ("# Support\n\n**Last reviewed**: 2025-03-02\n", "2025-03-02"),
            (
                "---\nlast_reviewed: 2025-03-02\n---\n# Support\n",
                "2025-03-02",
            ),
            (
                "# Support\n\n_Reviewed on 2 March 2025 by @carol._\n",
                "2025-03-02",
            ),
            (
                "# Support\n\n| Owner | @carol |\n| Review date | 2025-03-02 |\n",
                "2025-03-02",
            ),
            (
                "# Support\n\nThis runbook was last reviewed on 2025-03-02.\n",
                "2025-03-02",
            ),
            ("# Support\n\n> Reviewed: 2025-03-02\n", "2025-03-02"),
            // The newest of two records.
            (
                "Reviewed: 2024-01-10\n\nLast reviewed: 2025-03-02\n",
                "2025-03-02",
            ),
        ] {
            assert_eq!(
                last_reviewed(text).map(|s| s.day).as_deref(),
                Some(day),
                "{text}"
            );
        }
    }

    #[test]
    fn other_dates_near_the_word_are_not_a_review() {
        for text in [
            "# Support\n\nNext review: 2027-01-01\n",
            "# Support\n\n**Next Review Date**: 2026-02-15 (Quarterly)\n",
            "# Support\n\nReviewed quarterly; due 2026-12-01.\n",
            "# Support\n\nLast updated: 2025-03-02\n",
            "# Support\n\nThe alerts were reviewed on 2025-03-02 with the SRE team.\n",
            "# Support\n\nA reviewer signs off (see the review of 2025-03-02).\n",
            "# Support\n\n```\nLast reviewed: 2025-03-02\n```\n",
            "# Support\n\nLast reviewed: never\n",
            "# Support\n\n- [ ] Reviewed by security on 2026-11-20\n",
            "# Support\n\n## Reviewed changes (2026-11-01)\n",
            "# Support\n\n## Reviewed decisions (2026-11-01)\n",
            "# Support\n\nLast reviewed changes: see the 2026-11-01 release notes.\n",
        ] {
            assert_eq!(last_reviewed(text), None, "{text}");
        }
    }

    #[test]
    fn the_reviewers_it_names_are_read() {
        let by = |text: &str| last_reviewed(text).map(|s| s.by);
        assert_eq!(
            by("**Last reviewed:** 2026-11-05 by `@Carol` and @bob.\n"),
            Some(vec!["@carol".to_string(), "@bob".to_string()])
        );
        assert_eq!(by("Reviewed on 2026-11-05 (#dash-support)\n"), Some(vec![]));
    }

    #[test]
    fn text_beyond_ascii_around_the_label_is_read_safely() {
        for text in [
            "Lást reviewed: 2026-11-05\n",
            "**Last reviewed** — 2026-11-05 by @carol ✅\n",
            "Reviewed 🚀 on 2026-11-05\n",
            "_é_ Reviewed on 2026-11-05\n",
            "Ünïcödé last review: 5 März 2026\n",
            "review\u{301}ed on 2026-11-05 by @ça\n",
            "Last reviewed:\u{a0}2026-11-05\n",
        ] {
            if let Some(s) = last_reviewed(text) {
                assert!(text.is_char_boundary(s.offset) && text.is_char_boundary(s.offset + s.len));
                assert_eq!(&text[s.offset..s.offset + s.len], s.said, "{text}");
            }
        }
        assert_eq!(
            last_reviewed("**Last reviewed** — 2026-11-05 by @carol ✅\n").map(|s| s.day),
            Some("2026-11-05".into())
        );
    }

    #[test]
    fn the_line_is_where_it_is_written() {
        let text = "# Support\n\n  Last reviewed: 2025-03-02  \n";
        let s = last_reviewed(text).expect("a stamp");
        assert_eq!(
            &text[s.offset..s.offset + s.len],
            "Last reviewed: 2025-03-02"
        );
        assert_eq!(s.said, "Last reviewed: 2025-03-02");
    }
}
