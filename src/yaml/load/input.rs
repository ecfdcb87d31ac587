//! The text saphyr-parser scans: `StrInput`'s reading, with a smaller lookahead bound and
//! ASCII read without decoding.
//!
//! saphyr's scanner starts a plain scalar's string with 32 bytes of capacity, then reserves
//! the input's `bufmaxlen` more before copying the rest of it: 128 for `StrInput`, so nearly
//! every plain scalar of a manifest (keys included) was reallocated once, about 12% of the
//! parser's instructions. A `StrInput` looks ahead as far as asked whatever it says, and the
//! scanner needs 4 characters at most, so this input says 31.
//!
//! The scanner asks for the next character, the one after it, and to skip one, several times
//! for every character of a scalar; `StrInput` decodes UTF-8 each time. A manifest is nearly
//! all ASCII, and a byte below 0x80 is a whole character, so these methods read such a byte
//! as it is and decode only otherwise. Every method answers what `StrInput`'s does
//! (`tests::the_same_events_as_str_input` holds the two to the same events, spans and errors).

use saphyr_parser::input::{Input, SkipTabs};

/// Below the 32 bytes the scanner gives a plain scalar's string before reserving this more.
const BUFFER_LEN: usize = 31;

/// The text still to scan, read as saphyr-parser's `StrInput` reads it.
pub struct Text<'a> {
    /// What is left of the text.
    rest: &'a str,
    /// How far the scanner has asked to look ahead (it never shrinks, as in `StrInput`).
    lookahead: usize,
}

impl<'a> Text<'a> {
    /// Scans `text`.
    pub fn new(text: &'a str) -> Text<'a> {
        Text {
            rest: text,
            lookahead: 0,
        }
    }

    /// The first character and its length in bytes, `None` at the end.
    #[inline(always)]
    fn first(&self) -> Option<(char, usize)> {
        match self.rest.as_bytes().first() {
            Some(&b) if b < 0x80 => Some((b as char, 1)),
            Some(_) => self.rest.chars().next().map(|c| (c, c.len_utf8())),
            None => None,
        }
    }

    /// The first byte, or 0 at the end (the scanner's `\0` for "nothing").
    #[inline(always)]
    fn first_byte(&self) -> u8 {
        self.rest.as_bytes().first().copied().unwrap_or(0)
    }

    /// The text after its first `n` characters, `None` if it has fewer.
    #[inline]
    fn after(&self, n: usize) -> Option<&'a str> {
        let bytes = self.rest.as_bytes();
        if bytes.len() >= n && bytes[..n].is_ascii() {
            return Some(&self.rest[n..]);
        }
        let mut chars = self.rest.chars();
        for _ in 0..n {
            chars.next()?;
        }
        Some(chars.as_str())
    }
}

fn is_break(c: char) -> bool {
    c == '\n' || c == '\r'
}

fn is_breakz(c: char) -> bool {
    is_break(c) || c == '\0'
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_blank_or_breakz(c: char) -> bool {
    is_blank(c) || is_breakz(c)
}

fn is_flow(c: char) -> bool {
    matches!(c, ',' | '[' | ']' | '{' | '}')
}

fn is_alpha(c: char) -> bool {
    matches!(c, '0'..='9' | 'a'..='z' | 'A'..='Z' | '_' | '-')
}

fn is_yaml_non_break(c: char) -> bool {
    !is_breakz(c) && c != '\u{FEFF}'
}

fn is_yaml_non_space(c: char) -> bool {
    is_yaml_non_break(c) && !is_blank(c)
}

impl Input for Text<'_> {
    #[inline]
    fn lookahead(&mut self, x: usize) {
        self.lookahead = self.lookahead.max(x);
    }

    #[inline]
    fn buflen(&self) -> usize {
        self.lookahead
    }

    #[inline]
    fn bufmaxlen(&self) -> usize {
        BUFFER_LEN
    }

    #[inline]
    fn buf_is_empty(&self) -> bool {
        self.lookahead == 0
    }

    #[inline]
    fn raw_read_ch(&mut self) -> char {
        match self.first() {
            Some((c, len)) => {
                self.rest = &self.rest[len..];
                c
            }
            None => '\0',
        }
    }

    #[inline]
    fn raw_read_non_breakz_ch(&mut self) -> Option<char> {
        let (c, len) = self.first()?;
        if is_yaml_non_break(c) {
            self.rest = &self.rest[len..];
            Some(c)
        } else {
            None
        }
    }

    #[inline]
    fn skip(&mut self) {
        if let Some((_, len)) = self.first() {
            self.rest = &self.rest[len..];
        }
    }

    #[inline]
    fn skip_n(&mut self, count: usize) {
        self.rest = match self.after(count) {
            Some(rest) => rest,
            None => &self.rest[self.rest.len()..],
        };
    }

    #[inline]
    fn peek(&self) -> char {
        self.first().map_or('\0', |(c, _)| c)
    }

    #[inline]
    fn peek_nth(&self, n: usize) -> char {
        let bytes = self.rest.as_bytes();
        if bytes.len() > n && bytes[..=n].is_ascii() {
            return bytes[n] as char;
        }
        let mut chars = self.rest.chars();
        for _ in 0..n {
            if chars.next().is_none() {
                return '\0';
            }
        }
        chars.next().unwrap_or('\0')
    }

    #[inline]
    fn peek_opt(&self) -> Option<char> {
        self.first().map(|(c, _)| c)
    }

    #[inline]
    fn look_ch(&mut self) -> char {
        self.lookahead(1);
        self.peek()
    }

    #[inline]
    fn next_char_is(&self, c: char) -> bool {
        self.peek() == c
    }

    #[inline]
    fn nth_char_is(&self, n: usize, c: char) -> bool {
        self.peek_nth(n) == c
    }

    #[inline]
    fn next_2_are(&self, c1: char, c2: char) -> bool {
        let mut chars = self.rest.chars();
        chars.next() == Some(c1) && chars.next() == Some(c2)
    }

    #[inline]
    fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool {
        let mut chars = self.rest.chars();
        chars.next() == Some(c1) && chars.next() == Some(c2) && chars.next() == Some(c3)
    }

    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        let bytes = self.rest.as_bytes();
        bytes.len() >= 3
            && (bytes.len() == 3 || is_blank_or_breakz(bytes[3] as char))
            && (bytes[0] == b'.' || bytes[0] == b'-')
            && bytes[0] == bytes[1]
            && bytes[1] == bytes[2]
    }

    #[inline]
    fn next_is_document_start(&self) -> bool {
        let bytes = self.rest.as_bytes();
        bytes.len() >= 3
            && (bytes.len() == 3 || is_blank_or_breakz(bytes[3] as char))
            && bytes[..3] == *b"---"
    }

    #[inline]
    fn next_is_document_end(&self) -> bool {
        let bytes = self.rest.as_bytes();
        bytes.len() >= 3
            && (bytes.len() == 3 || is_blank_or_breakz(bytes[3] as char))
            && bytes[..3] == *b"..."
    }

    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        let mut rest = self.rest;
        let mut has_yaml_ws = false;
        let mut encountered_tab = false;
        loop {
            if let Some(r) = rest.strip_prefix(' ') {
                has_yaml_ws = true;
                rest = r;
            } else if let (SkipTabs::Yes, Some(r)) = (skip_tabs, rest.strip_prefix('\t')) {
                encountered_tab = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut consumed = self.rest.len() - rest.len();
        if rest.as_bytes().first() == Some(&b'#') {
            if !encountered_tab && !has_yaml_ws {
                return (
                    consumed,
                    Err("comments must be separated from other tokens by whitespace"),
                );
            }
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                if !is_yaml_non_break(c) {
                    break;
                }
                rest = chars.as_str();
                consumed += 1;
            }
        }
        self.rest = rest;
        (consumed, Ok(SkipTabs::Result(encountered_tab, has_yaml_ws)))
    }

    #[inline(always)]
    fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool {
        let bytes = self.rest.as_bytes();
        // An ordinary ASCII character followed by anything: the case of nearly every call.
        if let Some(&b) = bytes.first()
            && b < 0x80
            && b != b':'
            && !(in_flow && is_flow(b as char))
        {
            return true;
        }
        let next = self.peek_nth(1);
        match self.peek() {
            ':' if is_blank_or_breakz(next) || (in_flow && is_flow(next)) => false,
            '\u{FEFF}' => false,
            c if in_flow && is_flow(c) => false,
            _ => true,
        }
    }

    #[inline]
    fn next_is_blank_or_break(&self) -> bool {
        let b = self.first_byte() as char;
        !self.rest.is_empty() && (is_blank(b) || is_break(b))
    }

    #[inline]
    fn next_is_blank_or_breakz(&self) -> bool {
        let b = self.first_byte() as char;
        self.rest.is_empty() || is_blank(b) || is_breakz(b)
    }

    #[inline]
    fn next_is_blank(&self) -> bool {
        !self.rest.is_empty() && is_blank(self.first_byte() as char)
    }

    #[inline]
    fn next_is_break(&self) -> bool {
        !self.rest.is_empty() && is_break(self.first_byte() as char)
    }

    #[inline]
    fn next_is_breakz(&self) -> bool {
        self.rest.is_empty() || is_breakz(self.first_byte() as char)
    }

    #[inline]
    fn next_is_z(&self) -> bool {
        self.first_byte() == 0
    }

    #[inline]
    fn next_is_flow(&self) -> bool {
        !self.rest.is_empty() && is_flow(self.first_byte() as char)
    }

    #[inline]
    fn next_is_digit(&self) -> bool {
        self.first_byte().is_ascii_digit()
    }

    #[inline]
    fn next_is_alpha(&self) -> bool {
        !self.rest.is_empty() && is_alpha(self.first_byte() as char)
    }

    fn skip_while_non_breakz(&mut self) -> usize {
        let mut count = 0;
        let mut chars = self.rest.chars();
        while let Some(c) = chars.next() {
            if !is_yaml_non_break(c) {
                break;
            }
            self.rest = chars.as_str();
            count += 1;
        }
        count
    }

    fn skip_while_blank(&mut self) -> usize {
        let n = self
            .rest
            .bytes()
            .take_while(|&b| b == b' ' || b == b'\t')
            .count();
        self.rest = &self.rest[n..];
        n
    }

    fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize {
        let n = self
            .rest
            .bytes()
            .take_while(|&b| is_alpha(b as char))
            .count();
        out.push_str(&self.rest[..n]);
        self.rest = &self.rest[n..];
        n
    }

    fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize {
        let n = self
            .rest
            .char_indices()
            .find(|&(_, c)| !is_yaml_non_space(c))
            .map_or(self.rest.len(), |(i, _)| i);
        out.push_str(&self.rest[..n]);
        self.rest = &self.rest[n..];
        n
    }
}

#[cfg(test)]
mod tests {
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

    /// Every YAML text of the repository and edits of each (`super::super::tests::texts`)
    /// scan to the same events, spans and errors as with `StrInput`.
    #[test]
    fn the_same_events_as_str_input() {
        let all = super::super::tests::texts_and_edits();
        for v in &all {
            let want = events(Parser::new_from_str(v));
            assert_eq!(events(Parser::new(Text::new(v))), want, "{v:?}");
        }
        assert!(all.len() > 4_000, "{}", all.len());
    }
}
