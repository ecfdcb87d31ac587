//! Placeholders and stand-ins: what a template leaves for someone to fill in (`TODO`, `TBD`,
//! `<commit>`, `{{ team }}`, "lorem ipsum"), and the words a step must have besides them.

use super::STEP_MIN_WORDS;

/// The lines (from 1) of `text` that hold a placeholder word (TODO, TBD, ...). Asked of the
/// file as written, HTML comments included: `<!-- TODO: the restore command -->` is hidden
/// on GitHub, and still says the runbook is unfinished.
pub fn placeholder_lines(text: &str) -> Vec<usize> {
    // Most runbooks hold none of these: one scan of the text spares splitting every line.
    // Lines end where words do, so the whole text holds a placeholder word when a line does.
    if !has_placeholder(text) {
        return Vec::new();
    }
    let lines = text.lines().enumerate();
    lines
        .filter(|(_, line)| has_placeholder(line))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Whether a line holds a `TODO`/`TBD` placeholder as a word, or template filler text.
pub fn has_placeholder(line: &str) -> bool {
    has_placeholder_word(line) || has_filler(line)
}

/// Whether the text holds "lorem ipsum" in any case: the filler of page templates, copied
/// into a runbook to reach a length, says nothing anyone can follow.
pub(super) fn has_filler(text: &str) -> bool {
    // Every runbook byte and manifest scalar passes here.
    super::sentences::holds_folded(text.as_bytes(), b"lorem ipsum", 0)
}

/// Whether a line holds a `TODO`, `TBD` or `FIXME` placeholder as a word, or `XXX` (three
/// or more capital X: the blanks of `+1-XXX-XXX-XXXX`).
fn has_placeholder_word(line: &str) -> bool {
    // A word is a run of ASCII letters and digits, so a byte scan for each `T`, `F` and `X`
    // decides it without splitting every line of every manifest into words (or searching it
    // twice).
    let bytes = line.as_bytes();
    let apart = |i: Option<&u8>| i.is_none_or(|b| !b.is_ascii_alphanumeric());
    memchr::memchr3_iter(b'T', b'F', b'X', bytes).any(|i| {
        let before = apart(i.checked_sub(1).map(|p| &bytes[p]));
        if bytes[i] == b'X' {
            let xs = bytes[i..].iter().take_while(|b| **b == b'X').count();
            return before && xs >= 3 && apart(bytes.get(i + xs));
        }
        [&b"TODO"[..], b"TBD", b"FIXME"]
            .iter()
            .any(|w| bytes[i..].starts_with(w) && before && apart(bytes.get(i + w.len())))
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
