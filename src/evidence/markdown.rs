//! Facts about a Markdown runbook: its headings, numbered steps and placeholders.

pub mod about;
pub mod addresses;
mod backups;
mod copies;
pub mod escalation;
mod every;
mod hidden;
pub mod hours;
mod open;
mod placeholders;
mod records;
mod reviewed;
mod sentences;
mod spoken;
mod timing;
mod unheld;
mod updates;

pub use backups::backup_every;
pub use copies::{Body, body_word_count, body_words, edited_copy, same_words};
pub use hidden::visible;
pub use placeholders::{
    has_placeholder, is_placeholder_value, is_real_step, is_unrendered_template, placeholder_lines,
    words_in,
};
pub use reviewed::{Stamp, last_reviewed};
pub use sentences::{alert_lines, intro};
pub use timing::{RESTORE, ROLLBACK, timing};
pub use unheld::not_held;
pub use updates::{Update, other_cadence, says_when_next, updates};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// Fewest words a numbered item needs to count as a step.
pub const STEP_MIN_WORDS: usize = 3;

/// What a runbook contains, as far as checklists care.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MarkdownFacts {
    /// Heading texts, in order, as written.
    pub headings: Vec<String>,
    /// Words of each heading's section (its text up to the next heading of the same or a
    /// higher level, subsections included, headings not), in the order of `headings`.
    pub section_words: Vec<usize>,
    /// Handles (`@alice`, `@org/team`), channels (`#oncall`) and e-mail addresses each
    /// heading's section names in its text (subsections included), lower-cased, each once,
    /// in the order of `headings`: whom a runbook's escalation section tells people to page.
    pub section_mentions: Vec<Vec<String>>,
    /// Real steps: numbered items whose own text passes [`is_real_step`], a step that repeats
    /// an earlier one word for word counted once.
    pub steps: usize,
    /// Every item of an ordered (numbered) list, real or not.
    pub raw_steps: usize,
    /// Items of unordered lists.
    pub bullets: usize,
    /// Words of prose (headings included); a paragraph, list item or heading that repeats an
    /// earlier one word for word is counted once.
    pub words: usize,
    /// 1-based lines that still hold a `TODO`, `TBD`, `FIXME` or `XXX` placeholder.
    pub placeholder_lines: Vec<usize>,
    /// Unchecked task-list items (`- [ ] ...`): what a record of findings still has open.
    pub open_tasks: usize,
    /// List items and table rows that say they are open (`3. Paging took 40 minutes. Open:
    /// owner @bob`, `not resolved`, a cell reading `Open`), each shown by its first words:
    /// findings a record written without boxes still has open.
    pub marked_open: Vec<String>,
    /// How long it says it takes: the waits of its steps, the time a run took (read of the
    /// rollback and restore runbooks only, by [`timing`]).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub timing: Option<timing::Timing>,
    /// When its messages promise the next update (read of `comms.templates` only, by
    /// [`updates`]).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub updates: Option<updates::Updates>,
    /// The shortest interval it says backups are taken at (read of the restore runbook
    /// only, by [`backup_every`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_every: Option<updates::Update>,
    /// Whether its messages tell users when they will hear next, with a duration or a time
    /// to fill in (read of `comms.templates` only, by [`says_when_next`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub says_when_next: Option<bool>,
    /// A line that says the rehearsal did not take place ("The tabletop was postponed"),
    /// where it is a rehearsal's notes (see [`not_held`]).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub not_held: String,
    /// Where it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_held_at: Option<super::alerts::Spot>,
    /// The day it says it was last reviewed (`YYYY-MM-DD`; "Last reviewed: 2026-03-02"), where
    /// it is a runbook of a place (see [`last_reviewed`]): a review the manifest records on a
    /// later day is a date moved forward.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub last_reviewed: String,
    /// The line that says so.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub last_reviewed_said: String,
    /// The handles that line names (`@carol`), lower case: who it says reviewed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub last_reviewed_by: Vec<String>,
    /// Where it is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_reviewed_at: Option<super::alerts::Spot>,
    /// The paragraph that opens it under its title, where it is an alert's runbook: what it
    /// says of the alert is held to the alert's comparison.
    #[serde(skip)]
    pub opening: Option<Opening>,
    /// Its lines that name a required alert, with the alert's name, where it is the
    /// monitoring runbook: what each says of the alert is held to the alert's comparison.
    #[serde(skip)]
    pub alert_lines: Vec<(String, Opening)>,
}

/// A runbook's opening paragraph (see [`intro`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// Its text, its lines joined.
    pub said: String,
    /// Where its first line is.
    pub at: super::alerts::Spot,
}

/// A list item being read: whether it is numbered, and its own text so far.
struct OpenItem {
    numbered: bool,
    text: String,
    /// A list of its own says it was resolved.
    resolved: bool,
}

/// Parses Markdown text into facts.
pub fn facts(text: &str) -> MarkdownFacts {
    let mut out = MarkdownFacts::default();
    let mut heading: Option<String> = None;
    let mut sections = Sections::default();
    let mut ordered: Vec<bool> = Vec::new();
    // Open items, innermost last: text goes to the innermost one only, so an item's own text
    // never includes its nested lists (their items are steps or bullets of their own).
    let mut items: Vec<OpenItem> = Vec::new();
    let mut lists = open::Lists::default();
    let mut block = Block::default();
    let mut steps_seen = Seen::default();
    // Task lists as GitHub renders them: `- [ ]` is a box, not the text `[ ]`.
    // Text struck through is deleted as GitHub shows it (`~~@bob~~`): it names nobody and its
    // words do not count. An item keeps it: a finding struck through is not resolved until
    // it says so. Only between `~~`, as the line readers see it (`sentences::without_struck`):
    // a single tilde is far more often "about" (`~5 minutes`) than a deletion, so it is read
    // as a subscript, whose text stays.
    let mut struck = 0usize;
    // Most files strike nothing through, and are parsed a little faster without looking.
    let options = if sentences::holds_twice(text.as_bytes(), b'~') {
        OPTIONS
    } else {
        Options::ENABLE_TASKLISTS
    };
    for event in Parser::new_ext(text, options) {
        // Words are counted a block at a time (the text between two block boundaries), so
        // that a block repeated to reach a length counts once.
        let boundary = match &event {
            Event::Start(tag) => Some(tag.to_end()),
            Event::End(end) => Some(*end),
            _ => None,
        };
        if boundary.is_some_and(|end| !is_inline(end)) {
            block.flush(heading.is_some(), &mut out.words, &mut sections);
            block.verbatim = matches!(event, Event::Start(Tag::CodeBlock(_)));
        }
        match event {
            Event::TaskListMarker(done) => out.open_tasks += usize::from(!done),
            Event::Start(Tag::Heading { level, .. }) => {
                sections.open(level as usize, out.headings.len());
                heading = Some(String::new());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    out.headings.push(h.trim().to_string());
                }
            }
            Event::Start(Tag::List(first)) => {
                ordered.push(first.is_some());
                lists.start();
            }
            Event::End(TagEnd::List(_)) => {
                ordered.pop();
                // An item whose own list says it was resolved (`1. No runbook link.` / `   -
                // Resolved: linked.`) is resolved.
                if lists.end(&mut out.marked_open)
                    && let Some(parent) = items.last_mut()
                {
                    parent.resolved = true;
                }
            }
            Event::Start(Tag::Item) => {
                let numbered = ordered.last() == Some(&true);
                if !numbered {
                    out.bullets += 1;
                }
                items.push(OpenItem {
                    numbered,
                    text: String::new(),
                    resolved: false,
                });
            }
            Event::End(TagEnd::Item) => {
                let Some(item) = items.pop() else { continue };
                if item.numbered {
                    out.raw_steps += 1;
                    if is_real_step(&item.text) && first_time(&mut steps_seen, &item.text) {
                        out.steps += 1;
                    }
                }
                lists.item(item.text, item.resolved, &mut out.marked_open);
            }
            Event::Start(Tag::Strikethrough) => struck += 1,
            Event::End(TagEnd::Strikethrough) => struck = struck.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => {
                if struck == 0 {
                    block.feed(&t);
                }
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                } else if struck == 0 {
                    for mention in mentions_in(&t) {
                        sections.mention(mention);
                    }
                }
                if let Some(item) = items.last_mut() {
                    item.text.push_str(&t);
                }
            }
            // Inline HTML is kept so that `<fill in the command>` reads as a placeholder
            // rather than vanishing; breaks separate words.
            Event::InlineHtml(t) | Event::Html(t) => {
                if let Some(item) = items.last_mut() {
                    item.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                block.print.feed(" ");
                if let Some(item) = items.last_mut() {
                    item.text.push(' ');
                }
            }
            _ => {}
        }
    }
    block.flush(false, &mut out.words, &mut sections);
    (out.section_words, out.section_mentions) = sections.close();
    out.marked_open.extend(open::open_rows(text));
    out.placeholder_lines = placeholder_lines(text);
    out
}

/// The block being read (the text between two block boundaries) and the blocks read before.
#[derive(Default)]
struct Block {
    /// Its words.
    words: usize,
    /// Its fingerprint so far (see [`Print`]).
    print: Print,
    /// Whether it is a code block: the same command is run twice in real runbooks, so it is
    /// counted every time. (Tables are not parsed: a table is one paragraph.)
    verbatim: bool,
    /// Fingerprints of the blocks counted so far.
    seen: Seen,
}

impl Block {
    /// Adds a piece of the block's text.
    fn feed(&mut self, text: &str) {
        self.words += count_words(text, &mut self.print);
    }

    /// Counts the block's words, in the open section too unless it is a heading, unless the
    /// same words were counted before; then starts the next block.
    fn flush(&mut self, in_heading: bool, words: &mut usize, sections: &mut Sections) {
        let print = std::mem::take(&mut self.print).finish();
        if self.words > 0 && (self.verbatim || self.seen.insert(print)) {
            *words += self.words;
            if !in_heading {
                sections.add(self.words);
            }
        }
        self.words = 0;
    }
}

/// A fingerprint of a text: FNV-1a over its bytes, ASCII letter case aside (each byte is
/// hashed with bit 5 set, which also folds a few punctuation pairs together). It is fed a
/// piece at a time and reads bytes one by one, so a block split by emphasis or a link hashes
/// as the same text written plainly. A collision could only make two texts one: a runbook
/// counts fewer words, never more. (Normalizing punctuation and spacing as well cost 4 to
/// 6.5% of a check's instructions, bench/RESULTS.md; a copied block repeats exactly.)
#[derive(Clone, Copy)]
struct Print(u64);

impl Default for Print {
    fn default() -> Self {
        Print(0xcbf2_9ce4_8422_2325)
    }
}

impl Print {
    fn feed(&mut self, text: &str) {
        self.0 = text.bytes().fold(self.0, Print::step);
    }

    fn step(hash: u64, b: u8) -> u64 {
        (hash ^ u64::from(b | 0x20)).wrapping_mul(0x0100_0000_01b3)
    }

    fn finish(self) -> u64 {
        self.0
    }
}

/// Fingerprints seen in one file: a list while there are few (a runbook has tens of blocks),
/// a hash set past that, so that a 10 MB file of a million one-line paragraphs is read in
/// linear time (searching the list for each took minutes).
#[derive(Default)]
struct Seen {
    few: Vec<u64>,
    many: std::collections::HashSet<u64>,
}

/// Fingerprints kept in [`Seen::few`] before they move to the set.
const FEW: usize = 32;

impl Seen {
    /// Whether `print` was not seen; remembers it.
    fn insert(&mut self, print: u64) -> bool {
        if self.many.is_empty() {
            if self.few.contains(&print) {
                return false;
            }
            if self.few.len() < FEW {
                self.few.push(print);
                return true;
            }
            self.many.extend(self.few.drain(..));
        }
        self.many.insert(print)
    }
}

/// Whether no text like `text` (see [`Print`]) is among `seen`; remembers this one.
fn first_time(seen: &mut Seen, text: &str) -> bool {
    let mut print = Print::default();
    print.feed(text);
    seen.insert(print.finish())
}

/// Tags inside a block (emphasis, links, ...), by their end: their text belongs to the block
/// around them.
fn is_inline(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// The Markdown launchgate reads, as GitHub renders it: task lists, and `~~` strikes through
/// (a single `~` is a subscript, whose text stays; see [`facts`]).
const OPTIONS: Options = Options::ENABLE_TASKLISTS
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_SUBSCRIPT);

/// Whether a path names a Markdown file, which launchgate reads for facts.
pub fn is_markdown(path: &str) -> bool {
    path.ends_with(".md") || path.ends_with(".markdown")
}

/// Words per heading's section, summed up the heading tree as sections close, and whom
/// each section names.
#[derive(Default)]
struct Sections {
    /// Words of each section, subsections added as they close.
    words: Vec<usize>,
    /// Mentions of each section, subsections' included.
    mentions: Vec<Vec<String>>,
    /// Open sections, outermost first: (level, index).
    open: Vec<(usize, usize)>,
}

/// The handles, channels and e-mail addresses a text names, lower-cased: `@alice`,
/// `@org/team`, `#dash-oncall`, `oncall@acme.dev` (a trailing `.` of a sentence is not part of
/// one).
fn mentions_in(text: &str) -> impl Iterator<Item = String> + '_ {
    // Most text names nobody: one byte search spares splitting it into words.
    let text = match memchr::memchr2(b'@', b'#', text.as_bytes()) {
        Some(_) => text,
        None => "",
    };
    let part = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '@' | '#' | '.' | '_' | '/' | '+' | '%' | '-')
    };
    text.split(move |c: char| !part(c))
        .map(|w| w.trim_end_matches(['.', '/']))
        .filter(|w| {
            let named = |rest: &str| rest.starts_with(|c: char| c.is_ascii_alphanumeric());
            match w.strip_prefix(['@', '#']) {
                Some(rest) => named(rest),
                None => w.split_once('@').is_some_and(|(local, domain)| {
                    !local.is_empty() && named(domain) && domain.contains('.')
                }),
            }
        })
        .map(str::to_ascii_lowercase)
}

impl Sections {
    /// Starts the section of heading `index` at `level`, closing those it ends.
    fn open(&mut self, level: usize, index: usize) {
        while self.open.last().is_some_and(|&(l, _)| l >= level) {
            self.pop();
        }
        self.words.push(0);
        self.mentions.push(Vec::new());
        self.open.push((level, index));
    }

    /// Records a mention in every open section (none before the first heading).
    fn mention(&mut self, who: String) {
        for &(_, i) in &self.open {
            if !self.mentions[i].contains(&who) {
                self.mentions[i].push(who.clone());
            }
        }
    }

    /// Counts body words in the innermost open section (none before the first heading).
    fn add(&mut self, words: usize) {
        if let Some(&(_, i)) = self.open.last() {
            self.words[i] += words;
        }
    }

    fn pop(&mut self) {
        if let Some((_, i)) = self.open.pop()
            && let Some(&(_, parent)) = self.open.last()
        {
            self.words[parent] += self.words[i];
        }
    }

    /// Closes every section; the words and mentions of each, in heading order.
    fn close(mut self) -> (Vec<usize>, Vec<Vec<String>>) {
        while !self.open.is_empty() {
            self.pop();
        }
        (self.words, self.mentions)
    }
}

/// `text.split_whitespace().count()`, by bytes when the text is ASCII (most runbook text):
/// decoding every character cost more than parsing the Markdown around it. The text is fed to
/// `print` in the same pass.
fn count_words(text: &str, print: &mut Print) -> usize {
    if !text.is_ascii() {
        print.feed(text);
        return text.split_whitespace().count();
    }
    // The ASCII characters `char::is_whitespace` accepts: `u8::is_ascii_whitespace` leaves
    // out the vertical tab.
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let mut words = 0;
    let mut in_word = false;
    let mut hash = print.0;
    for &b in text.as_bytes() {
        let starts = !space(b);
        words += usize::from(starts && !in_word);
        in_word = starts;
        hash = Print::step(hash, b);
    }
    print.0 = hash;
    words
}

#[cfg(test)]
mod tests;
