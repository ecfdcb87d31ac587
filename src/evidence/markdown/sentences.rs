//! The sentences of a Markdown text as a runbook's reader needs them: paragraphs and list
//! items joined across their lines (headings, tables, fenced and inline code left out), each
//! sentence traced back to the line it starts on.

use crate::evidence::alerts::Spot;

/// A paragraph or list item, as one text.
pub(super) struct Block {
    /// Its lines joined, code spans left out.
    pub(super) text: String,
    /// It is a list item (a step).
    pub(super) item: bool,
    /// Where each line starts in `text`, and where it is written: (offset in `text`, offset
    /// in the file, length).
    lines: Vec<(usize, usize, usize)>,
    /// Where the heading of its section is written in the file (offset, length; empty
    /// before the first heading).
    heading: (usize, usize),
}

impl Block {
    /// Its lines as `file` (the text the block was read from) writes them, code spans kept,
    /// joined by spaces.
    pub(super) fn raw(&self, file: &str) -> String {
        let lines = self
            .lines
            .iter()
            .filter_map(|&(_, at, len)| file.get(at..at + len));
        lines.collect::<Vec<_>>().join(" ")
    }

    /// The text of the heading of its section (`## Last rehearsal`), its marks left out, as
    /// `file` (the text the block was read from) writes it.
    pub(super) fn heading<'f>(&self, file: &'f str) -> &'f str {
        let (at, len) = self.heading;
        file.get(at..at + len)
            .unwrap_or_default()
            .trim_start_matches('#')
            .trim()
    }

    /// A block of `lines` (each trimmed, with its offset in the file).
    fn of(lines: &[(&str, usize)], item: bool, heading: (usize, usize)) -> Block {
        let mut block = Block {
            text: String::new(),
            item,
            lines: Vec::with_capacity(lines.len()),
            heading,
        };
        for &(line, offset) in lines {
            if !block.text.is_empty() {
                block.text.push(' ');
            }
            block.lines.push((block.text.len(), offset, line.len()));
            block.text.push_str(&without_code(&without_struck(line)));
        }
        block
    }

    /// Where it is written in the file: the offset its first line starts at and its last
    /// line ends at.
    pub(super) fn span(&self) -> (usize, usize) {
        let start = self.lines.first().map_or(0, |l| l.1);
        let end = self.lines.last().map_or(0, |l| l.1 + l.2);
        (start, end)
    }

    /// The paragraph or item that `text[from..to]` (`text` the file the block was read
    /// from) opens with after blank lines, in the block's section, whether a reading keeps
    /// it or not; `None` when a heading, a table or a fence comes first.
    pub(super) fn next_in(&self, text: &str, from: usize, to: usize) -> Option<Block> {
        let mut lines: Vec<(&str, usize)> = Vec::new();
        let mut item = false;
        let within = text.get(from..to)?;
        // The line `to` falls on is the next block's.
        let within = match within.rsplit_once('\n') {
            _ if to == text.len() => within,
            Some((before, _)) => before,
            None => "",
        };
        for line in within.lines() {
            let trimmed = line.trim();
            let offset = trimmed.as_ptr() as usize - text.as_ptr() as usize;
            if trimmed.is_empty() {
                if lines.is_empty() {
                    continue;
                }
                break;
            }
            if trimmed.starts_with(['#', '|'])
                || trimmed.starts_with("```")
                || trimmed.starts_with("~~~")
            {
                break;
            }
            match item_text(trimmed) {
                Some(_) if !lines.is_empty() => break,
                Some(rest) => {
                    item = true;
                    lines.push((rest, rest.as_ptr() as usize - text.as_ptr() as usize));
                }
                None => lines.push((trimmed, offset)),
            }
        }
        (!lines.is_empty()).then(|| Block::of(&lines, item, self.heading))
    }

    /// Where the heading of its section is written in the file (byte offset; 0 before any).
    pub(super) fn heading_at(&self) -> usize {
        self.heading.0
    }

    /// Where the line that `sentence` (a slice of the block's text) starts on is written in
    /// `file`, the text the block was read from.
    pub(super) fn spot(&self, file: &str, sentence: &str) -> Option<Spot> {
        let at = (sentence.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)?;
        let &(_, offset, len) = self.lines.iter().take_while(|l| l.0 <= at).last()?;
        Some(Spot::in_text(file, offset, len))
    }
}

/// What [`blocks`] reads of a text.
#[derive(Clone, Copy)]
pub(super) struct Reading {
    /// Which blocks to keep, asked of each line: a block with no such line is dropped.
    pub(super) keep: fn(&str) -> bool,
    /// Fenced blocks with no language, or a language of prose (`text`, `markdown`), are
    /// read as paragraphs: prepared messages are often fenced to be copied whole.
    pub(super) messages: bool,
}

/// Info strings of fenced blocks that hold prose, not a program.
pub(super) const PROSE: &[&str] = &[
    "",
    "text",
    "txt",
    "plain",
    "plaintext",
    "markdown",
    "md",
    "none",
];

/// The blocks of `text` a sentence can run across that `reading` keeps: a paragraph's lines
/// joined, an item's with the lines that continue it. Headings, tables and fenced code
/// (unless `reading.messages` and it is prose) are no sentences; inline code is left out
/// (`rate(x[10m])`).
pub(super) fn blocks(text: &str, reading: Reading) -> Vec<Block> {
    let mut out = Vec::new();
    // The block being read: its lines (with where they are), and whether it is an item.
    let mut lines: Vec<(&str, usize)> = Vec::new();
    let mut item = false;
    let mut close = |lines: &mut Vec<(&str, usize)>, item: bool, heading: (usize, usize)| {
        if lines.iter().any(|(l, ..)| (reading.keep)(l)) {
            out.push(Block::of(lines, item, heading));
        }
        lines.clear();
    };
    // Inside a fence that is left out (code), or read (a message).
    let (mut fenced, mut read) = (false, false);
    let mut heading = (0, 0);
    for line in text.lines() {
        let trimmed = line.trim();
        let offset = trimmed.as_ptr() as usize - text.as_ptr() as usize;
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            let info = trimmed.trim_start_matches(['`', '~']).trim();
            read = fenced && reading.messages && PROSE.iter().any(|p| info.eq_ignore_ascii_case(p));
            close(&mut lines, item, heading);
            continue;
        }
        if (fenced && !read)
            || trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.starts_with('|')
        {
            close(&mut lines, item, heading);
            if !fenced && is_heading(trimmed) {
                heading = (offset, trimmed.len());
            }
            continue;
        }
        if let Some(rest) = item_text(trimmed) {
            close(&mut lines, item, heading);
            item = true;
            lines.push((rest, rest.as_ptr() as usize - text.as_ptr() as usize));
        } else {
            if lines.is_empty() {
                item = false;
            }
            lines.push((trimmed, offset));
        }
    }
    close(&mut lines, item, heading);
    out
}

/// Whether a trimmed line is an ATX heading (`## Last rehearsal`), not a channel
/// (`#dash-oncall`).
pub(super) fn is_heading(trimmed: &str) -> bool {
    trimmed.starts_with('#') && trimmed.trim_start_matches('#').starts_with([' ', '\t'])
}

/// The lines of `text` outside code (fences of prose are read: prepared messages), each with
/// its byte offset in `text` and its line ending.
pub(super) fn prose_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    lines_outside_code(text, true)
}

/// The lines of `text` outside every fence, as [`prose_lines`] gives them: what a record
/// says, not a template or a message it holds.
pub(super) fn unfenced_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    lines_outside_code(text, false)
}

/// The lines of `text` outside fenced code, with their byte offsets; with `prose`, the lines
/// of fences of prose too.
fn lines_outside_code(text: &str, prose: bool) -> impl Iterator<Item = (usize, &str)> {
    let (mut fenced, mut read, mut offset) = (false, true, 0);
    text.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            let info = trimmed.trim_start_matches(['`', '~']).trim();
            read = !fenced || prose && PROSE.iter().any(|p| info.eq_ignore_ascii_case(p));
            return None;
        }
        read.then_some((at, line))
    })
}

/// The paragraph that opens `text` under its title (an alert's runbook: "The template build
/// failure rate is above 5% for 10 minutes."), its lines joined without code spans, with the
/// byte offset and length of its first line; `None` when a list, a table, code or another
/// heading comes first.
pub fn intro(text: &str) -> Option<(String, usize, usize)> {
    let mut said = String::new();
    let mut first = None;
    for (at, line) in prose_lines(text) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if first.is_some() {
                break;
            }
            continue;
        }
        if trimmed.starts_with('#') && first.is_none() && said.is_empty() {
            // The title; a second heading ends the search.
            if text[..at].trim().is_empty() {
                continue;
            }
            return None;
        }
        if trimmed.starts_with(['#', '|', '>']) || item_text(trimmed).is_some() || said.len() > 400
        {
            break;
        }
        let start = at + (trimmed.as_ptr() as usize - line.as_ptr() as usize);
        first.get_or_insert((start, trimmed.len()));
        if !said.is_empty() {
            said.push(' ');
        }
        said.push_str(&without_code(trimmed));
    }
    let (offset, len) = first?;
    Some((said, offset, len))
}

/// Lines of a text kept per alert at most.
const MAX_ALERT_LINES: usize = 20;

/// The lines of `text` outside code that name one of `alerts` as a word (`TemplateCompileFailures`
/// pages when ...), each with the alert's index in `alerts` and the line's byte offset and
/// length, trimmed; at most [`MAX_ALERT_LINES`].
pub fn alert_lines(text: &str, alerts: &[&str]) -> Vec<(usize, usize, usize)> {
    let mut found = Vec::new();
    if alerts.is_empty() {
        return found;
    }
    for (at, line) in prose_lines(text) {
        let trimmed = line.trim();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let named = alerts.iter().position(|alert| {
            trimmed.match_indices(alert).any(|(i, _)| {
                !word(trimmed[..i].chars().next_back())
                    && !word(trimmed[i + alert.len()..].chars().next())
            })
        });
        if let Some(alert) = named {
            let start = at + (trimmed.as_ptr() as usize - line.as_ptr() as usize);
            found.push((alert, start, trimmed.len()));
            if found.len() == MAX_ALERT_LINES {
                break;
            }
        }
    }
    found
}

/// The text of a list item's first line (`1. Wait ...`, `- Wait ...`), or `None`.
fn item_text(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        return rest.strip_prefix(' ');
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    line[digits..]
        .strip_prefix(['.', ')'])
        .and_then(|rest| rest.strip_prefix(' '))
}

/// `text` (one line) without the spans it strikes through (`~~@bob~~ @carol`): GitHub shows
/// them as deleted, so a runbook does not say what they hold. A span opens before a letter
/// and closes after one, on the line, as GitHub's `~~` does.
pub(super) fn without_struck(text: &str) -> std::borrow::Cow<'_, str> {
    if !holds_twice(text.as_bytes(), b'~') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("~~") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("~~") else {
            break;
        };
        let inner = &after[..close];
        if inner.is_empty()
            || inner.starts_with(char::is_whitespace)
            || inner.ends_with(char::is_whitespace)
        {
            out.push_str(&rest[..open + 2]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..open]);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether `bytes` hold `b` twice in a row (`~~`): a byte search that builds no searcher, as
/// `str::contains` does at each of the many lines it is asked of.
pub(super) fn holds_twice(bytes: &[u8], b: u8) -> bool {
    memchr::memchr_iter(b, bytes).any(|i| bytes.get(i + 1) == Some(&b))
}

/// Whether `bytes` hold `word` (lower-case ASCII) in any case, found by its letter at `rare`
/// (SIMD jumps between that letter's places, a window compared at each): a fraction of the
/// cost of comparing at every byte, for the texts every check reads whole.
pub(super) fn holds_folded(bytes: &[u8], word: &[u8], rare: usize) -> bool {
    let letter = word[rare];
    memchr::memchr2_iter(letter, letter.to_ascii_uppercase(), bytes).any(|i| {
        i >= rare
            && bytes
                .get(i - rare..i - rare + word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

/// `text` without its code spans.
fn without_code(text: &str) -> String {
    text.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds any of `words` (lower-case ASCII), letter case aside: one pass over the
/// bytes, each word tried only where its first letter is, and no lower-cased copy.
pub(super) fn holds_any(text: &str, words: &[&str]) -> bool {
    // The words' first letters as bits, so that most bytes cost one test (this runs on every
    // list item of every runbook).
    let firsts = words
        .iter()
        .fold(0u32, |set, w| set | letter_bit(w.as_bytes()[0]));
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|i| {
        letter_bit(bytes[i]) & firsts != 0 && {
            let first = bytes[i].to_ascii_lowercase();
            words.iter().any(|w| {
                w.as_bytes()[0] == first
                    && bytes
                        .get(i + 1..i + w.len())
                        .is_some_and(|x| x.eq_ignore_ascii_case(&w.as_bytes()[1..]))
            })
        }
    })
}

/// A bit for each ASCII letter, either case; 0 for any other byte.
fn letter_bit(b: u8) -> u32 {
    let l = (b | 0x20).wrapping_sub(b'a');
    if l < 26 { 1 << l } else { 0 }
}

/// The words of the last clause of `before` (from the last of `marks` in it), as a reading
/// of what a word after it is said of: "Rehearsed on 2026-11-02: the revert" for "did not
/// complete" is `["the", "revert"]`. Words keep their apostrophes and hyphens; a list's
/// dash is none.
pub(super) fn last_clause<'t>(before: &'t str, marks: &[char]) -> Vec<&'t str> {
    let clause = before
        .rmatch_indices(marks)
        .next()
        .map_or(before, |(at, mark)| &before[at + mark.len()..]);
    clause
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// The sentences of a block: split after `.`, `;`, `!` or `?` followed by a space.
pub(super) fn sentences(block: &str) -> impl Iterator<Item = &str> {
    block
        .split_inclusive([';', '!', '?'])
        .flat_map(|part| part.split_inclusive(". "))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::{alert_lines, holds_any, intro, without_struck};

    #[test]
    fn spans_struck_through_are_left_out() {
        for (line, read) in [
            ("| 2 | ~~`@bob`~~ `@carol` |", "| 2 |  `@carol` |"),
            ("after ~~15 minutes~~ 2 hours", "after  2 hours"),
            ("~~a~~ b ~~c~~", " b "),
            (
                "~~ not ~~ struck, ~~~~, ~~open",
                "~~ not ~~ struck, ~~~~, ~~open",
            ),
            ("~5 minutes ~~é~~", "~5 minutes "),
            ("plain", "plain"),
        ] {
            assert_eq!(without_struck(line), read, "{line}");
        }
    }

    #[test]
    fn any_of_a_few_words_letter_case_aside() {
        let words = ["fail", "did not", "won't"];
        for text in [
            "FAIL",
            "the drill Failed at step 3",
            "it DID NOT deploy",
            "we won't",
            "ends with fail",
            "é fail é",
        ] {
            assert!(holds_any(text, &words), "{text}");
        }
        for text in [
            "", "fai", "did  not", "wont", "FAI L", "f@il", "ÿail", "dad not",
        ] {
            assert!(!holds_any(text, &words), "{text}");
        }
        // A byte that lower-cases to no letter is none ('@' and '`', '[' and '{').
        assert!(!holds_any("@[`{", &["a", "z"]));
        assert!(holds_any("xA", &["a"]) && holds_any("Fo", &["fo"]) && !holds_any("F", &["fo"]));
    }

    #[test]
    fn lines_that_name_an_alert() {
        let runbook = include_str!("../../../examples/dashboard-factory/runbooks/monitoring.md");
        let found = alert_lines(
            runbook,
            &["TemplateCompileFailures", "PublicationJobStalled"],
        );
        let lines: Vec<(usize, &str)> = found
            .iter()
            .map(|&(alert, at, len)| (alert, &runbook[at..at + len]))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    0,
                    "- `TemplateCompileFailures` pages when the failure rate is above 5% for 10 minutes."
                ),
                (
                    1,
                    "- `PublicationJobStalled` pages when no publication job finished for 30 minutes."
                ),
            ]
        );
        let named = "TemplateCompileFailuresTotal and xTemplateCompileFailures\n";
        assert!(alert_lines(named, &["TemplateCompileFailures"]).is_empty());
    }

    #[test]
    fn the_opening_paragraph_under_the_title() {
        let runbook = "# TemplateCompileFailures\n\nThe template build failure rate is above 5%\nfor 10 minutes (`rate`).\n\n## Steps\n\n1. Check.\n";
        let (said, offset, len) = intro(runbook).unwrap();
        assert_eq!(
            said,
            "The template build failure rate is above 5% for 10 minutes ( )."
        );
        assert_eq!(
            &runbook[offset..offset + len],
            "The template build failure rate is above 5%"
        );
        for text in [
            "# T\n\n1. Steps first.\n",
            "# T\n\n## Steps\n\nText.\n",
            "",
            "# T\n",
        ] {
            assert_eq!(intro(text), None, "{text:?}");
        }
        assert_eq!(
            intro("No title, a paragraph.\n").map(|i| i.0),
            Some("No title, a paragraph.".into())
        );
    }
}
