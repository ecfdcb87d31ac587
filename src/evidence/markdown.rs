//! Facts about a Markdown runbook: its headings, numbered steps and placeholders.

pub mod about;
pub mod addresses;
mod backups;
mod copies;
pub mod escalation;
mod every;
pub mod hours;
mod open;
mod sentences;
mod spoken;
mod timing;

pub use backups::backup_every;
pub use copies::{Body, body_word_count, body_words, edited_copy, same_words};
pub use sentences::{alert_lines, intro};
pub use timing::{RESTORE, ROLLBACK, Update, other_cadence, says_when_next, timing, updates};

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
    /// 1-based lines that still hold a `TODO` or `TBD` placeholder.
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
    pub updates: Option<timing::Updates>,
    /// The shortest interval it says backups are taken at (read of the restore runbook
    /// only, by [`backup_every`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_every: Option<timing::Update>,
    /// Whether its messages tell users when they will hear next, with a duration or a time
    /// to fill in (read of `comms.templates` only, by [`says_when_next`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub says_when_next: Option<bool>,
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
    let mut block = Block::default();
    let mut steps_seen = Seen::default();
    // Task lists as GitHub renders them: `- [ ]` is a box, not the text `[ ]`.
    for event in Parser::new_ext(text, Options::ENABLE_TASKLISTS) {
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
            Event::Start(Tag::List(first)) => ordered.push(first.is_some()),
            Event::End(TagEnd::List(_)) => {
                ordered.pop();
            }
            Event::Start(Tag::Item) => {
                let numbered = ordered.last() == Some(&true);
                if !numbered {
                    out.bullets += 1;
                }
                items.push(OpenItem {
                    numbered,
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Item) => {
                let Some(item) = items.pop() else { continue };
                if open::says_open(&item.text) {
                    out.marked_open.push(open::first_words(&item.text));
                }
                if item.numbered {
                    out.raw_steps += 1;
                    if is_real_step(&item.text) && first_time(&mut steps_seen, &item.text) {
                        out.steps += 1;
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                block.feed(&t);
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                } else {
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
    // Most runbooks hold none of these: one scan of the text spares splitting every line.
    let maybe = text.contains("TODO") || text.contains("TBD") || has_filler(text);
    for (i, line) in text.lines().enumerate().filter(|_| maybe) {
        if has_placeholder(line) {
            out.placeholder_lines.push(i + 1);
        }
    }
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

/// Whether a line holds a `TODO`/`TBD` placeholder as a word, or template filler text.
pub fn has_placeholder(line: &str) -> bool {
    has_placeholder_word(line) || has_filler(line)
}

/// Whether the text holds "lorem ipsum" in any case: the filler of page templates, copied
/// into a runbook to reach a length, says nothing anyone can follow.
fn has_filler(text: &str) -> bool {
    const FILLER: &[u8] = b"lorem ipsum";
    // Every runbook byte and manifest scalar passes here: jumping between `l`s (SIMD) costs a
    // fraction of comparing a window at every byte.
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'l', b'L', bytes).any(|i| {
        bytes
            .get(i..i + FILLER.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(FILLER))
    })
}

/// Whether a line holds a `TODO`/`TBD` placeholder as a word.
fn has_placeholder_word(line: &str) -> bool {
    // A word is a run of ASCII letters and digits, so a byte scan for each `T` decides it
    // without splitting every line of every manifest into words (or searching it twice).
    let bytes = line.as_bytes();
    let apart = |i: Option<&u8>| i.is_none_or(|b| !b.is_ascii_alphanumeric());
    (0..bytes.len()).filter(|&i| bytes[i] == b'T').any(|i| {
        [&b"TODO"[..], b"TBD"].iter().any(|w| {
            bytes[i..].starts_with(w)
                && apart(i.checked_sub(1).map(|p| &bytes[p]))
                && apart(bytes.get(i + w.len()))
        })
    })
}

/// Whether a whole value is a stand-in in any case: `tbd`, `todo`, `TBA`, `fixme`, `xxx`,
/// `changeme`, `?`, `<fill in>`. Lower-case `todo` inside prose is a word, so this looks only
/// at values that are nothing else.
pub fn is_placeholder_value(value: &str) -> bool {
    let whole = value.trim();
    // An ellipsis alone (`...`, `…`) is a template's blank.
    if whole.starts_with(['.', '\u{2026}']) && whole.chars().all(|c| matches!(c, '.' | '\u{2026}'))
    {
        return true;
    }
    let v = whole.trim_end_matches(['.', '!']).trim();
    // ASCII case folding, as in `is_placeholder_word`: no other character lower-cases to
    // the letters of these words alone, and every scalar of every manifest is asked.
    is_placeholder_word(v)
        // The longest stand-in below is 11 bytes; most values are longer.
        || v.len() <= 11 && [
            "tba",
            "tbc",
            "changeme",
            "change-me",
            "change_me",
            "replaceme",
            "replace-me",
            "replace_me",
            "replace me",
            "fill in",
            "fill-in",
            "fill me in",
            "placeholder",
            "n/a",
        ]
        .iter()
        .any(|p| v.eq_ignore_ascii_case(p))
        || is_unrendered_template(v)
        || (!v.is_empty() && v.chars().all(|c| c == '?'))
        // A dash alone (`-`, `--`, `—`) is the blank of a form left unfilled.
        || (!v.is_empty() && v.chars().all(|c| matches!(c, '-' | '\u{2013}' | '\u{2014}')))
        || has_filler(v)
        || (v.len() > 2 && v.starts_with('<') && v.ends_with('>') && !v[1..].contains('<'))
}

/// Whether a value holds a template's variable that was never rendered: `{{ team }}` (Helm,
/// Jinja, cookiecutter), `{% ... %}`, `${TEAM}` (a shell, envsubst), `<%= team %>` (ERB), or a
/// whole value `$TEAM`. A manifest generated from a template whose rendering failed, or
/// copied from one, names nobody.
pub fn is_unrendered_template(v: &str) -> bool {
    // Every scalar of every manifest is asked: most hold none of `{`, `$`, `<`.
    if memchr::memchr3(b'{', b'$', b'<', v.as_bytes()).is_none() {
        return false;
    }
    let pair = |open: &str, close: &str| {
        v.find(open)
            .is_some_and(|i| v[i + open.len()..].contains(close))
    };
    let bytes = v.as_bytes();
    pair("{{", "}}")
        || pair("{%", "%}")
        || pair("${", "}")
        || pair("<%", "%>")
        || (bytes.len() > 1
            && bytes[0] == b'$'
            && bytes[1].is_ascii_uppercase()
            && bytes[1..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_'))
}

/// Whether a numbered item's own text is a step someone can follow: at least
/// [`STEP_MIN_WORDS`] words once `<...>` stand-ins and `...` are set aside, and no
/// placeholder word (`TODO`, `TBD`, `FIXME`, `xxx`, in any case) anywhere in it.
pub fn is_real_step(text: &str) -> bool {
    let text = without_angle_stand_ins(text);
    let marked = text
        .split(|c: char| !c.is_alphanumeric())
        .any(is_placeholder_word);
    !marked && words_in(&text) >= STEP_MIN_WORDS
}

/// Words of a text (a step, a runbook that is not Markdown): whitespace-separated tokens
/// with a letter or digit (`...`, `-` and `…` are not words).
pub fn words_in(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

fn is_placeholder_word(w: &str) -> bool {
    // ASCII case folding decides exactly what `to_lowercase` would here (no other character
    // lower-cases to these letters alone), without a string per word of every step.
    ["todo", "tbd", "fixme"]
        .iter()
        .any(|p| w.eq_ignore_ascii_case(p))
        || (w.len() >= 3 && w.bytes().all(|b| b == b'x' || b == b'X'))
}

/// The text with every `<...>` span replaced by a space: `<commit>` and `<fill in>` stand for
/// something still to be written, so they are not words of the step.
fn without_angle_stand_ins(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn unchecked_boxes_are_open_tasks_and_their_words_are_words() {
        let text = "# Findings\n\n- [ ] page the DBA earlier\n- [x] add the runbook link\n* [ ] fix \
                    the alert\n1. [ ] numbered too\n\nNot a box: [ ] in prose, `- [ ]` in code.\n";
        let f = super::facts(text);
        assert_eq!(f.open_tasks, 3);
        // The box is no word: `[x]` once counted as one.
        assert_eq!(super::facts("- [x] add the link\n").words, 3);
        assert_eq!(super::facts("- add the link\n").open_tasks, 0);
    }

    #[test]
    fn whole_values_that_stand_in_for_something_are_placeholders() {
        for v in [
            "tbd",
            "TBD",
            " Todo. ",
            "tba",
            "FIXME",
            "xxx",
            "???",
            "<fill in>",
            "ChangeMe",
            "-",
            "--",
            "\u{2014}",
            "N/A",
            "TBC",
            "Lorem ipsum dolor sit amet",
            "...",
            "\u{2026}",
            "REPLACE_ME",
            "replace me",
            "{{ .Values.team }}",
            "@{{ cookiecutter.owner }}",
            "${TEAM}",
            "https://status.${DOMAIN}",
            "<%= team %>",
            "{% raw %}x{% endraw %}",
            "$TEAM",
        ] {
            assert!(super::is_placeholder_value(v), "{v:?}");
        }
        for v in [
            "Mon-Fri 08:00-18:00",
            "todo list review",
            "@alice",
            "x",
            "<a> and <b>",
            "why?",
            "Mon-Fri",
            "-1",
            "n/a/b",
            "Fix the build.",
            "$5 per seat",
            "$",
            "cost: $x",
            "rate(x{job=\"a\"}[5m])",
            "{ a: 1 }",
        ] {
            assert!(!super::is_placeholder_value(v), "{v:?}");
        }
    }

    proptest::proptest! {
        /// Counting words by bytes agrees with `split_whitespace` on ASCII and other text.
        #[test]
        fn words_are_counted_as_split_whitespace_counts_them(text in "([a-z]|[ \t\n\r]|\u{0B}|\u{0C}|\u{1C}|\u{85}|\u{A0}|é|\u{2003}){0,24}") {
            let (mut fused, mut alone) = (Print::default(), Print::default());
            proptest::prop_assert_eq!(count_words(&text, &mut fused), text.split_whitespace().count(), "{:?}", text);
            alone.feed(&text);
            proptest::prop_assert_eq!(fused.finish(), alone.finish());
        }

        /// The scan between `l`s finds "lorem ipsum" wherever a window at every byte does.
        #[test]
        fn filler_is_found_as_a_window_at_every_byte_finds_it(text in "(l|L|orem|OReM| |ipsum|IPSUM|x|é){0,12}") {
            let every = text.as_bytes().windows(11).any(|w| w.eq_ignore_ascii_case(b"lorem ipsum"));
            proptest::prop_assert_eq!(has_filler(&text), every, "{:?}", text);
        }

        /// The byte scan finds exactly the lines whose words (runs of ASCII letters and
        /// digits) include `TODO` or `TBD`.
        #[test]
        fn placeholder_lines_are_those_with_the_word(line in "(TODO|TBD|T|O|D|X|é| |_|9|-){0,10}") {
            let words = line
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == "TODO" || w == "TBD");
            proptest::prop_assert_eq!(has_placeholder(&line), words, "{:?}", line);
        }
    }

    #[test]
    fn ascii_folding_decides_the_placeholder_words_as_lower_casing_would() {
        // Every character that lower-cases to a letter of a placeholder word alone is that
        // ASCII letter in either case: comparing without `to_lowercase` misses no spelling.
        let letters: std::collections::BTreeSet<char> =
            "todo tbd fixme xxx tba changeme change-me placeholder"
                .chars()
                .collect();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut lower = c.to_lowercase();
            if let (Some(l), None) = (lower.next(), lower.next())
                && letters.contains(&l)
            {
                assert!(c.is_ascii(), "{c:?} lower-cases to {l:?}");
            }
        }
        assert!(super::is_placeholder_value("CHANGE-ME"));
        assert!(super::is_placeholder_value("PlaceHolder!"));
    }

    use super::*;

    /// Past a few fingerprints the rest go to a set, so that a file of a million paragraphs
    /// is not searched a million times over; either way a repeat is found.
    #[test]
    fn seen_fingerprints_move_to_a_set_and_still_find_repeats() {
        let mut seen = Seen::default();
        for p in 0..FEW as u64 {
            assert!(seen.insert(p));
        }
        assert!(!seen.insert(3));
        assert!(seen.many.is_empty());
        assert!(seen.insert(1_000));
        assert!(seen.few.is_empty());
        assert_eq!(seen.many.len(), FEW + 1);
        for p in [0, 3, FEW as u64 - 1, 1_000] {
            assert!(!seen.insert(p), "{p}");
        }
        let text: String = (0..5_000).map(|i| format!("{i}\n\n")).collect();
        assert_eq!(facts(&text).words, 5_000);
        assert_eq!(facts(&format!("{text}{text}")).words, 5_000);
    }

    /// Copying one step or paragraph until a runbook reaches its length adds nothing: two
    /// identical steps passed `steps(...) >= 2`, and a sentence written four times passed 40
    /// words. Letter case and line breaks aside, a copy is the same text.
    #[test]
    fn repeated_steps_and_paragraphs_count_once() {
        let f = facts(
            "# Rollback\n\n1. Revert the release with `git revert`.\n2. Revert the release with `git revert`.\n3. REVERT the release with\n   `git revert`.\n",
        );
        assert_eq!((f.steps, f.raw_steps), (1, 3));
        // Written otherwise, it is another step (a copy repeats exactly).
        let f = facts(
            "1. Revert the release with git revert.\n2. Revert the release, with git revert\n",
        );
        assert_eq!(f.steps, 2);
        let f = facts("1. Revert the release now.\n2. Watch the error rate recover.\n");
        assert_eq!(f.steps, 2);

        let line = "Customers who report broken dashboards get a reply within a day.";
        let f = facts(&format!(
            "# Support\n\n{line}\n\n{line}\n\n- {line}\n\n> {line}\n"
        ));
        assert_eq!(f.words, 1 + 11, "{f:?}");
        assert_eq!(f.section_words, [11]);
        // Emphasis and links stay inside their paragraph; a paragraph that differs counts.
        let f = facts(
            "Open *the* [dashboard](x.md) now.\n\nOpen the dashboard now.\n\nOpen the dashboard later.\n",
        );
        assert_eq!(f.words, 8);
        // The same command twice is what runbooks hold.
        let f = facts("```\nfactoryctl pause\n```\n\n```\nfactoryctl pause\n```\n");
        assert_eq!(f.words, 2 + 2);
        // A step's text is also its item's paragraph: counting the words does not cost the step.
        let f = facts("1. Revert the release now.\n2. Watch the error rate recover.\n");
        assert_eq!((f.steps, f.words), (2, 9));
    }

    #[test]
    fn finds_headings_steps_and_placeholders() {
        let f = facts(
            "# Rollback\n\n## Steps\n\n1. Revert the release\n2. Deploy `v1` to production\n\n- note\n\nTODO: owner\n",
        );
        assert_eq!(f.headings, ["Rollback", "Steps"]);
        assert_eq!((f.steps, f.raw_steps), (2, 2));
        assert_eq!(f.bullets, 1);
        assert_eq!(f.placeholder_lines, [10]);
    }

    #[test]
    fn nested_lists_count_by_their_own_kind() {
        let f = facts("1. Stop the rollout now\n   - x\n   - y\n2. Page the incident lead\n");
        assert_eq!((f.steps, f.raw_steps, f.bullets), (2, 2, 2));
    }

    #[test]
    fn an_items_own_text_excludes_its_nested_lists() {
        // The outer item says one word; its nested bullets do not lend it theirs.
        let f = facts("1. Restart:\n   - the publication worker\n   - the review queue\n");
        assert_eq!((f.steps, f.raw_steps), (0, 1));
        // Nested numbered items are steps of their own.
        let f =
            facts("1. Restart:\n   1. Drain the publication worker\n   2. Start it again now\n");
        assert_eq!((f.steps, f.raw_steps), (2, 3));
    }

    #[test]
    fn empty_placeholder_and_one_word_items_are_not_steps() {
        let cases = [
            "1.\n2.\n",
            "1. TODO\n2. TBD\n",
            "1. todo: write this step\n",
            "1. FIXME restart the worker\n",
            "1. x\n2. y\n",
            "1. Revert\n2. Deploy\n",
            "1. ...\n2. …\n",
            "1. <fill in the command>\n",
            "1. <...>\n",
            "1. xxx xxx xxx\n",
            "1. Set timeout to XXX seconds\n",
            "1. Do it.\n",
            "1. - - -\n",
        ];
        for md in cases {
            let f = facts(md);
            assert_eq!(f.steps, 0, "{md:?} counted as a step");
            assert!(f.raw_steps >= 1, "{md:?}");
        }
    }

    #[test]
    fn real_steps_may_mention_stand_ins_and_code() {
        let f = facts(
            "1. Revert: `git revert <commit>` on `main`.\n2. `factoryctl publication pause`\n3. Rerun it (`factoryctl rerun <pack>`) now\n",
        );
        assert_eq!((f.steps, f.raw_steps), (3, 3));
        assert!(is_real_step("Acknowledge the page."));
        assert!(!is_real_step("Acknowledge the <page>."));
        assert!(!is_real_step("Check the TODO list"));
        assert!(!is_real_step("Then fIxMe the TbD step"));
        assert!(!is_real_step("Restart the xXx worker"));
        // Not placeholders: other letters that fold to these, and words that only contain them.
        assert!(is_real_step("Restart the FİXME worker now"));
        assert!(is_real_step("Restart the xx todos workers"));
    }

    #[test]
    fn sections_name_handles_channels_and_addresses() {
        let f = facts(
            "Ask @Intro first.\n\n## Escalation\n\n| level | who |\n| --- | --- |\n| 1 | `#dash-oncall` (primary) |\n\n### Later\n\nPage @Dash-Leads, then @acme/platform-leads or oncall@acme.dev.\nIssue #12, an @ alone, a@b and @dash-leads again.\n\n## Notes\n\nMail dba@acme.dev.\n",
        );
        assert_eq!(f.headings, ["Escalation", "Later", "Notes"]);
        let escalation = [
            "#dash-oncall",
            "@dash-leads",
            "@acme/platform-leads",
            "oncall@acme.dev",
            "#12",
        ];
        assert_eq!(f.section_mentions[0], escalation);
        assert_eq!(f.section_mentions[1], escalation[1..]);
        assert_eq!(f.section_mentions[2], ["dba@acme.dev"]);
    }

    #[test]
    fn placeholders_are_words() {
        assert!(has_placeholder("owner: TODO"));
        let f = facts(
            "intro words\n# Runbook\n\none two\n\n## Escalation\n\n### Level 1\n\nPage the lead.\n\n## Steps\n\n1. Do it now.\n\n# Notes\n",
        );
        assert_eq!(
            f.headings,
            ["Runbook", "Escalation", "Level 1", "Steps", "Notes"]
        );
        assert_eq!(f.section_words, [8, 3, 3, 3, 0]);
        assert!(has_placeholder("Lorem Ipsum dolor sit amet, consectetur"));
        assert!(has_placeholder("see LOREM IPSUM"));
        assert!(!has_placeholder("lorem, ipsum"));
        assert!(has_placeholder("all lol lorem ipsum"));
        assert!(!has_placeholder("lorem ipsu"));
        assert!(!has_placeholder("TODOS are fine, TBDX too"));
    }
}
