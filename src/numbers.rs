//! Numbers as prose writes them (`5`, `0.05`, `12 minutes`), not inside a word or a version
//! (`v1.2`, `p95`).

use std::ops::Range;

/// The byte ranges of the numbers `text` writes, in order, each with any dots that end it (a
/// sentence's full stop: `text[range].trim_end_matches('.')` is the number).
pub fn written(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let inside = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
            if !bytes[i].is_ascii_digit() || inside {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            return Some(start..i);
        }
        None
    })
}

/// Whether `rest` starts with `word` as a whole word, case aside (`ms` in `ms.`, not in
/// `msg`): the unit written after a number.
pub fn word_at(rest: &str, word: &str) -> bool {
    rest.get(..word.len())
        .is_some_and(|r| r.eq_ignore_ascii_case(word))
        && !rest[word.len()..].starts_with(|c: char| c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_outside_words_and_versions() {
        let text = "p95 above 0.5 for 12 minutes (v1.2, 5%). Done at 3.";
        let found: Vec<&str> = written(text).map(|r| &text[r]).collect();
        assert_eq!(found, ["0.5", "12", "5", "3."]);
        assert_eq!(written("").count(), 0);
        assert_eq!(written("é5").map(|r| r.start).collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn a_word_at_the_start_is_whole_and_case_aside() {
        assert!(word_at("MS, then", "ms"));
        assert!(!word_at("msg", "ms"));
        assert!(word_at("minutes", "minutes") && !word_at("minutes", "min"));
        assert!(!word_at("mé", "min"));
        assert!(!word_at("", "ms"));
    }
}
