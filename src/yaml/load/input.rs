//! The text saphyr-parser scans: its own `StrInput`, with a smaller lookahead bound.
//!
//! saphyr's scanner starts a plain scalar's string with 32 bytes of capacity, then reserves
//! the input's `bufmaxlen` more before copying the rest of it: 128 for `StrInput`, so nearly
//! every plain scalar of a manifest (keys included) was reallocated once, about 12% of the
//! parser's instructions. A `StrInput` looks ahead as far as asked whatever it says, and the
//! scanner needs 4 characters at most, so this input says 31 and is `StrInput` in all else:
//! every method is delegated, so that `StrInput`'s own versions, not the trait's slower
//! defaults, run. `tests::the_same_events_as_str_input` holds the two to the same events,
//! spans and errors.

use saphyr_parser::StrInput;
use saphyr_parser::input::{Input, SkipTabs};

/// Below the 32 bytes the scanner gives a plain scalar's string before reserving this more.
const BUFFER_LEN: usize = 31;

/// `StrInput` with a lookahead bound of [`BUFFER_LEN`].
pub struct Text<'a>(StrInput<'a>);

impl<'a> Text<'a> {
    /// Scans `text`.
    pub fn new(text: &'a str) -> Text<'a> {
        Text(StrInput::new(text))
    }
}

impl Input for Text<'_> {
    #[inline]
    fn lookahead(&mut self, x: usize) {
        self.0.lookahead(x)
    }

    #[inline]
    fn buflen(&self) -> usize {
        self.0.buflen()
    }

    #[inline]
    fn bufmaxlen(&self) -> usize {
        BUFFER_LEN
    }

    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.0.buf_is_empty()
    }

    #[inline]
    fn raw_read_ch(&mut self) -> char {
        self.0.raw_read_ch()
    }

    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        self.0.raw_read_non_breakz_ch()
    }

    #[inline]
    fn skip(&mut self) {
        self.0.skip()
    }

    #[inline]
    fn skip_n(&mut self, count: usize) {
        self.0.skip_n(count)
    }

    #[inline]
    fn peek(&self) -> char {
        self.0.peek()
    }

    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        self.0.peek_nth(n)
    }

    #[inline]
    fn peek_opt(&self) -> Option<char> {
        self.0.peek_opt()
    }

    #[inline]
    fn look_ch(&mut self) -> char {
        self.0.look_ch()
    }

    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.0.next_char_is(c)
    }

    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.0.nth_char_is(n, c)
    }

    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        self.0.next_2_are(c1, c2)
    }

    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        self.0.next_3_are(c1, c2, c3)
    }

    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.0.next_is_document_indicator()
    }

    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.0.next_is_document_start()
    }

    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.0.next_is_document_end()
    }

    #[inline]
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        self.0.skip_ws_to_eol(skip_tabs)
    }

    #[inline]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        self.0.next_can_be_plain_scalar(in_flow)
    }

    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        self.0.next_is_blank_or_break()
    }

    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        self.0.next_is_blank_or_breakz()
    }

    #[inline]
    fn next_is_blank(&self) -> bool {
        self.0.next_is_blank()
    }

    #[inline]
    fn next_is_break(&self) -> bool {
        self.0.next_is_break()
    }

    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.0.next_is_breakz()
    }

    #[inline]
    fn next_is_z(&self) -> bool {
        self.0.next_is_z()
    }

    #[inline]
    fn next_is_flow(&self) -> bool {
        self.0.next_is_flow()
    }

    #[inline]
    fn next_is_digit(&self) -> bool {
        self.0.next_is_digit()
    }

    #[inline]
    fn next_is_alpha(&self) -> bool {
        self.0.next_is_alpha()
    }

    #[inline]
    fn skip_while_non_breakz(&mut self) -> usize {
        self.0.skip_while_non_breakz()
    }

    #[inline]
    fn skip_while_blank(&mut self) -> usize {
        self.0.skip_while_blank()
    }

    #[inline]
    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        self.0.fetch_while_is_alpha(out)
    }

    #[inline]
    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        self.0.fetch_while_is_yaml_non_space(out)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use saphyr_parser::Parser;

    use super::*;

    /// Events (with spans) until the first error, which ends the list.
    fn events<T: Input>(parser: Parser<'_, T>) -> Vec<String> {
        let mut out = Vec::new();
        for next in parser.take(100_000) {
            match next {
                Ok((event, span)) => out.push(format!("{event:?} {span:?}")),
                Err(e) => {
                    out.push(format!("error {e:?}"));
                    break;
                }
            }
        }
        out
    }

    fn texts(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                texts(&path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push(text);
            }
        }
    }

    /// Every YAML text of the repository (the fuzz corpus, the examples, the test fixtures:
    /// hostile and broken documents among them), and edits of each (a YAML indicator, a break,
    /// a tab, a BOM or a multi-byte character inserted; bytes cut; the text truncated) scan to
    /// the same events, spans and errors as with `StrInput`.
    #[test]
    fn the_same_events_as_str_input() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        for dir in [
            "fuzz/corpus",
            "examples",
            "tests/hostile",
            "tests/support",
            "checklists",
        ] {
            texts(&root.join(dir), &mut all);
        }
        assert!(all.len() > 100, "{} texts", all.len());
        let pieces = [
            " ",
            "\t",
            "\n",
            "\r\n",
            ":",
            ": ",
            "- ",
            "#",
            " #",
            "'",
            "''",
            "\"",
            "\\",
            ",",
            "[",
            "]",
            "{",
            "}",
            "? ",
            "!",
            "&a ",
            "*a",
            "|",
            ">",
            "é",
            "\u{FEFF}",
            "\u{85}",
            "--- ",
            "...",
            "\0",
            "  ",
            "\n  ",
            "\n- ",
            "a: b",
            "\"a b\"",
            "'a b'",
            "a_plain_scalar_longer_than_thirty_one_characters",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        let mut compared = 0;
        for text in &all {
            let mut variants = vec![text.clone()];
            for _ in 0..40 {
                let mut t = text.clone();
                let mut at = next() % (t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                match next() % 4 {
                    0 | 1 => t.insert_str(at, pieces[next() % pieces.len()]),
                    2 => {
                        let mut end = (at + 1 + next() % 4).min(t.len());
                        while !t.is_char_boundary(end) {
                            end += 1;
                        }
                        t.replace_range(at..end, "");
                    }
                    _ => t.truncate(at),
                }
                variants.push(t);
            }
            for v in variants {
                let want = events(Parser::new_from_str(&v));
                assert_eq!(events(Parser::new(Text::new(&v))), want, "{v:?}");
                compared += 1;
            }
        }
        assert!(compared > 4_000, "{compared}");
    }
}
