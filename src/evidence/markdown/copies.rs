//! Copies among a manifest's Markdown files: the same words whitespace aside, or another's
//! text edited only a little (retitled, a name replaced, lines added here and there), which
//! fills a runbook's place without its procedure.

/// Whether two texts have the same words, whitespace aside (a file copied, then re-indented
/// or saved with other line endings, is still a copy).
pub fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// The words of `text` outside its ATX headings (`# Rollback`): what a copy keeps when only
/// its title is changed.
pub fn body_words(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .filter(|line| !is_atx_heading(line))
        .flat_map(str::split_whitespace)
}

/// How many `body_words` `text` has, counted without splitting when it is ASCII (most runbooks
/// are): every Markdown text of a manifest is counted, to find the pairs worth comparing. The
/// words of the whole text, in one pass the compiler can vectorize, less those of its headings.
pub fn body_word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return body_words(text).count();
    }
    let bytes = text.as_bytes();
    let mut count = ascii_words(bytes);
    for at in memchr::memchr_iter(b'#', bytes) {
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        if !bytes[start..at].iter().all(|&b| b == b' ') {
            continue;
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
        if is_atx_heading(&text[start..end]) {
            count -= ascii_words(&bytes[start..end]);
        }
    }
    count
}

/// Words of ASCII text: runs of bytes that are not whitespace (`char::is_whitespace` for ASCII:
/// tab to carriage return, and space).
fn ascii_words(bytes: &[u8]) -> usize {
    // Without branches, 64 pairs at a time into a byte, so the compiler vectorizes the loop.
    let starts = |a: &[u8], b: &[u8]| {
        a.iter()
            .zip(b)
            .fold(0u8, |n, (&a, &b)| n + u8::from(space(a) & !space(b)))
    };
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let (before, after) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    let mut count = usize::from(!space(first));
    let chunks = before.chunks_exact(64).zip(after.chunks_exact(64));
    for (a, b) in chunks {
        count += usize::from(starts(a, b));
    }
    let done = before.len() / 64 * 64;
    count + usize::from(starts(&before[done..], &after[done..]))
}

/// Whether the ASCII byte `b` is whitespace as `char::is_whitespace` says: tab to carriage
/// return, and space.
fn space(b: u8) -> bool {
    (b == b' ') | (b.wrapping_sub(b'\t') < 5)
}

/// Whether `line` is an ATX heading: up to three spaces, one to six `#`, then a space or the end.
fn is_atx_heading(line: &str) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    indent <= 3
        && (1..=6).contains(&hashes)
        && rest[hashes..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace)
}

/// A Markdown text as a copy of another is told: the text, its words outside headings
/// counted, and each of them hashed, when a comparison first needs them (every pair of a
/// manifest's runbooks of about one length is compared, most of them written from one
/// template: each text is walked once, not once per pair, and words compare as numbers; two
/// words alike by chance, one in 2^64, could only make two texts look closer).
pub struct Body {
    /// The text.
    pub text: String,
    /// Its `body_words`, counted.
    pub words: usize,
    /// Each of its `body_words`, hashed.
    hashes: std::cell::OnceCell<Vec<u64>>,
}

impl Body {
    /// `text`, its words counted.
    pub fn new(text: String) -> Body {
        let words = body_word_count(&text);
        Body {
            text,
            words,
            hashes: std::cell::OnceCell::new(),
        }
    }

    /// Each of its `body_words`, hashed.
    fn hashes(&self) -> &[u64] {
        self.hashes.get_or_init(|| {
            let text = &self.text;
            if !text.is_ascii() {
                return body_words(text).map(|w| word_hash(w.as_bytes())).collect();
            }
            // ASCII, a byte at a time.
            let bytes = text.as_bytes();
            let mut hashes = Vec::with_capacity(self.words);
            let mut line_start = 0;
            while line_start <= bytes.len() {
                let line_end = memchr::memchr(b'\n', &bytes[line_start..])
                    .map_or(bytes.len(), |n| line_start + n);
                if !is_atx_heading(text[line_start..line_end].trim_end_matches('\r')) {
                    let mut i = line_start;
                    loop {
                        while i < line_end && space(bytes[i]) {
                            i += 1;
                        }
                        if i == line_end {
                            break;
                        }
                        let word = i;
                        while i < line_end && !space(bytes[i]) {
                            i += 1;
                        }
                        hashes.push(word_hash(&bytes[word..i]));
                    }
                }
                line_start = line_end + 1;
            }
            hashes
        })
    }
}

/// A number standing for a word: its bytes and length themselves for a word of up to 7 bytes
/// (most words: no two alike), else a hash of it. Words are short, and a hasher's setup per
/// word cost more than the hashing.
fn word_hash(word: &[u8]) -> u64 {
    if word.len() < 8 {
        let mut bytes = [0u8; 8];
        bytes[..word.len()].copy_from_slice(word);
        return u64::from_le_bytes(bytes) | (word.len() as u64) << 56;
    }
    std::hash::BuildHasher::hash_one(&foldhash::fast::FixedState::default(), word)
}

/// Whether `b` is `a` edited only a little, its headings whatever they say: of the longer's
/// words outside headings (`body_words`), at most one in 20 changed in place here and there,
/// one stretch of at most one in 10 added, dropped or rewritten, or at most one in 10 added or
/// dropped in all (a word changed counts twice). A runbook
/// copied and retitled (`# Incident` over the comms steps), with one name replaced
/// throughout, or with a line added here and there, still has another procedure's steps;
/// runbooks written from one template differ in many places.
pub fn edited_copy(a_body: &Body, b_body: &Body) -> bool {
    let (a, b, a_words, b_words) = (&a_body.text, &b_body.text, a_body.words, b_body.words);
    let longer = a_words.max(b_words);
    let allowed = longer / 10;
    if longer == 0 || longer - a_words.min(b_words) > allowed {
        return false;
    }
    let (a_at, b_at) = (a_body.hashes(), b_body.hashes());
    let same = |i: usize, j: usize| a_at[i] == b_at[j];
    let shorter = a_words.min(b_words);
    let prefix = (0..shorter).take_while(|&i| same(i, i)).count();
    if a_words == b_words {
        let scattered = longer / 20;
        let changed = (prefix..longer)
            .filter(|&i| !same(i, i))
            .take(scattered + 1)
            .count();
        if changed <= scattered {
            return true;
        }
    }
    // One stretch added, dropped or rewritten: what is left around it is the same. The end
    // they share is found on bytes, from the first whole line of it (words counted at once),
    // not word by word backwards: runbooks of one team often end alike, and every pair of a
    // manifest's texts gets here.
    let shared = shared_end(a.as_bytes(), b.as_bytes());
    // Equal trailing bytes may end inside a character (`ä` and `Ĥ` share their last byte).
    let start = (b.len() - shared..=b.len())
        .find(|&i| b.is_char_boundary(i))
        .unwrap_or(b.len());
    let tail = &b[start..];
    let tail = tail.find('\n').map_or("", |n| &tail[n + 1..]);
    let suffix = body_word_count(tail).min(shorter - prefix);
    if longer - (prefix + suffix) <= allowed {
        return true;
    }
    // Lines added or dropped in more than one place (a step at the top, another at the end).
    // Only what lies between the shared beginning and the shared end is compared: what both
    // begin or end with takes no edit.
    let (n, m) = (a_words - prefix - suffix, b_words - prefix - suffix);
    within_edits(n, m, allowed, |i, j| same(prefix + i, prefix + j))
}

/// Whether `n` words (`a`) become `m` words (`b`) with at most `max` words added or dropped in
/// all (a word changed counts twice), `same(i, j)` saying whether the `i`th of `a` is the
/// `j`th of `b`: Myers' diff, which gives up once `max` is passed, so unrelated texts cost
/// little.
fn within_edits(n: usize, m: usize, max: usize, same: impl Fn(usize, usize) -> bool) -> bool {
    if n.abs_diff(m) > max {
        return false;
    }
    // `far[k + max + 1]`: how far into `a` the furthest path with `d` edits reaches on
    // diagonal `k` (`x - y`).
    let offset = max + 1;
    let mut far = vec![0usize; 2 * max + 3];
    for d in 0..=max {
        for k in (0..=2 * d).map(|i| i as isize - d as isize).step_by(2) {
            let at = (k + offset as isize) as usize;
            let mut x = if k == -(d as isize) || (k != d as isize && far[at - 1] < far[at + 1]) {
                far[at + 1]
            } else {
                far[at - 1] + 1
            };
            let Some(mut y) = x.checked_add_signed(-k) else {
                continue;
            };
            while x < n && y < m && same(x, y) {
                x += 1;
                y += 1;
            }
            far[at] = x;
            if x >= n && y >= m {
                return true;
            }
        }
    }
    false
}

/// How many bytes `a` and `b` end with alike, compared 32 at a time while they agree.
fn shared_end(a: &[u8], b: &[u8]) -> usize {
    let mut shared = 0;
    for (x, y) in a.rchunks(32).zip(b.rchunks(32)) {
        if x == y {
            shared += x.len();
            continue;
        }
        let alike = x
            .iter()
            .rev()
            .zip(y.iter().rev())
            .take_while(|(p, q)| p == q);
        return shared + alike.count();
    }
    shared
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_text_is_the_same_words_whatever_its_whitespace() {
        let a = "# Rollback\n\n1. Revert the deploy now\n";
        assert!(super::same_words(
            a,
            "# Rollback\r\n\r\n1.  Revert the deploy now\r\n\r\n"
        ));
        assert!(!super::same_words(
            a,
            "# Rollback\n\n1. Revert the deploy later\n"
        ));
        assert!(!super::same_words("ab c", "a bc"));
    }

    #[test]
    fn a_copy_retitled_or_with_a_name_replaced_is_an_edited_copy() {
        let steps = "1. Open the pipeline dashboard and find the failing pack.\n2. Rerun the \
                     build for it from the admin page.\n3. If it fails again, page the \
                     template owners in #dash-oncall and post in the status channel.\n";
        let a = format!("# Template compile failures\n\n## Steps\n\n{steps}");
        let words = |t: &str| super::body_words(t).count();
        assert_eq!(words(&a), 37);
        let retitled = format!("# Publication stalled\n\n### What to do\n\n{steps}");
        let edited = |a: &str, b: &str| {
            let body = |t: &str| super::Body::new(t.to_string());
            super::edited_copy(&body(a), &body(b))
        };
        let copy = |b: &str| edited(&a, b);
        assert!(copy(&retitled));
        let renamed = a.replace("pipeline", "publication");
        assert!(copy(&renamed));
        // A line added, or two words dropped: the rest is the same.
        assert!(copy(&format!("{retitled}4. Close the ticket.\n")));
        assert!(copy(&retitled.replace(" the admin", "")));
        // Lines added in two places: together no more than one word in 10.
        let long = format!("{a}4. Close the ticket.\n5. Tell the owners in #dash-oncall.\n");
        let twice = long
            .replace("## Steps\n", "## Steps\n\nRead first.\n")
            .replace("Close the ticket.", "Close the ticket. Thank them.");
        assert_eq!((words(&long), words(&twice)), (47, 51));
        assert!(edited(&long, &twice));
        assert!(edited(&twice, &long));
        // A third place, a word changed and two added: eight edits in 53, more than one in 10.
        let thrice = twice.replace("Rerun the", "Rerun, as before, the");
        assert_eq!(words(&thrice), 53);
        assert!(!edited(&long, &thrice));
        // A step of 10 words in 37 dropped, or two words changed apart: too much for a copy.
        assert!(!copy(&retitled.replace(
            "2. Rerun the build for it from the admin page.\n",
            ""
        )));
        assert!(!copy(
            &retitled
                .replace("Open the", "Read the")
                .replace("the status", "a status")
        ));
        for (x, y, alike) in [("", "", 0), ("ab", "b", 1), ("xa", "ya", 1)] {
            assert_eq!(super::shared_end(x.as_bytes(), y.as_bytes()), alike);
        }
        let long = "z".repeat(70);
        let (x, y) = (format!("a{long}"), format!("bc{long}"));
        assert_eq!(super::shared_end(x.as_bytes(), y.as_bytes()), 70);
        // Texts that end in characters sharing their last byte, not at a character's start.
        assert!(!edited("x ä", "y Ĥ"));
        // Steps of its own, as long: not a copy.
        let own = "# Publication stalled\n\n## Steps\n\n1. Check when the publication job \
                   last finished on the jobs page.\n2. Restart the publication worker and \
                   watch the queue drain.\n3. If it stalls again, page the publication \
                   owners and post in the status channel.\n";
        assert_eq!(words(own), 37);
        assert!(!copy(own));
        // `#dash-oncall` opening a line is no heading; `#` alone is one.
        assert!(!super::is_atx_heading("#dash-oncall pages first"));
        assert!(super::is_atx_heading("#"));
        assert!(super::is_atx_heading("   ## Steps"));
        assert!(!super::is_atx_heading("    # code"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..Default::default()
        })]
        /// The bounded diff agrees with the edit distance of a longest common subsequence.
        #[test]
        fn within_edits_is_the_edit_distance_bounded(
            a in proptest::collection::vec("[abc]", 0..12),
            b in proptest::collection::vec("[abc]", 0..12),
            max in 0usize..10,
        ) {
            let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    lcs[i][j] = if a[i - 1] == b[j - 1] {
                        lcs[i - 1][j - 1] + 1
                    } else {
                        lcs[i - 1][j].max(lcs[i][j - 1])
                    };
                }
            }
            let distance = a.len() + b.len() - 2 * lcs[a.len()][b.len()];
            let within = super::within_edits(a.len(), b.len(), max, |i, j| a[i] == b[j]);
            proptest::prop_assert_eq!(within, distance <= max);
        }

        /// The words a text's hashes stand for are its `body_words`, on ASCII text or not.
        #[test]
        fn hashes_are_those_of_the_body_words(
            text in "([ #\t\r\n\u{b}\u{c}a-z]|\u{a0}|é){0,80}",
            ascii in "[ #\t\r\n\u{b}\u{c}a-z]{0,200}",
        ) {
            for text in [text, ascii] {
                let words: Vec<u64> = super::body_words(&text)
                    .map(|w| super::word_hash(w.as_bytes()))
                    .collect();
                let body = super::Body::new(text);
                proptest::prop_assert_eq!(body.hashes(), &words[..]);
            }
        }

        /// The byte count agrees with the words themselves, on ASCII text or not.
        #[test]
        fn the_body_word_count_is_the_number_of_body_words(
            text in "([ #\t\r\n\u{b}\u{c}a-z]|\u{a0}|é){0,80}",
            ascii in "[ #\t\r\n\u{b}\u{c}a-z]{0,300}"
        ) {
            for text in [text, ascii] {
                proptest::prop_assert_eq!(
                    super::body_word_count(&text),
                    super::body_words(&text).count()
                );
            }
        }
    }
}
