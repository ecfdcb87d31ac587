//! What a Markdown file shows: GitHub renders no HTML comment, so a runbook does not say what
//! one holds (`<!-- Next update in 30 minutes. -->` is a note to whoever edits the file, not
//! a promise to users).

use std::borrow::Cow;

use pulldown_cmark::{Event, Parser};

/// `text` with each HTML comment outside code blanked byte for byte (line breaks kept), so
/// that every reading sees what GitHub shows at the file's own offsets and lines. A comment
/// left open hides the rest of the file, as it does on GitHub.
pub fn visible(text: &str) -> Cow<'_, str> {
    // Most files hold none: one search spares the parse (a byte search: a searcher built for
    // each file cost more than the search).
    let bytes = text.as_bytes();
    if !memchr::memchr_iter(b'<', bytes).any(|i| bytes[i..].starts_with(b"<!--")) {
        return Cow::Borrowed(text);
    }
    let mut bytes = bytes.to_vec();
    // Where the last comment blanked ends: a comment does not nest, so a `<!--` inside one
    // opens nothing.
    let mut blanked_to = 0;
    for (event, range) in Parser::new_ext(text, super::OPTIONS).into_offset_iter() {
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            continue;
        }
        let mut at = range.start.max(blanked_to);
        while at < range.end {
            let Some(open) = memchr::memmem::find(&text.as_bytes()[at..range.end], b"<!--") else {
                break;
            };
            let start = at + open;
            let end = memchr::memmem::find(&text.as_bytes()[start + 4..], b"-->")
                .map_or(text.len(), |close| start + 4 + close + 3);
            for b in &mut bytes[start..end] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
            blanked_to = end;
            at = end;
        }
    }
    // Every byte blanked belonged to a run from `<!--` to `-->` (ASCII at both ends), so
    // whole characters were replaced: the text is still UTF-8.
    Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn comments_are_blanked_in_place() {
        for (text, shown) in [
            ("a <!-- b --> c\n", "a            c\n"),
            (
                "<!--\nNext update in 30 minutes.\n-->\nText.\n",
                "    \n                          \n   \nText.\n",
            ),
            ("x\n\n<!-- é\n", "x\n\n       \n"),
            (
                "<div>\n<!-- @bob -->\n</div>\n",
                "<div>\n             \n</div>\n",
            ),
            ("plain\n", "plain\n"),
        ] {
            let seen = visible(text);
            assert_eq!(seen, shown, "{text:?}");
            assert_eq!(seen.len(), text.len());
        }
    }

    #[test]
    fn comments_in_code_are_code() {
        for text in [
            "```xml\n<!-- the memory limit -->\n<max>64</max>\n```\n",
            "Write `<!-- note -->` to hide a note.\n",
            "    <!-- indented code -->\n",
        ] {
            assert_eq!(visible(text), text);
        }
    }
}
