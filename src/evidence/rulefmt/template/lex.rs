//! Go's `text/template` lexer (`lex.go`), with the literal checks its parser makes: numbers
//! as `strconv` reads them, string escapes, character constants.

/// The keywords of Go templates that open, divide or close a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kw {
    If,
    Else,
    End,
    Range,
    With,
    Define,
    Template,
    Block,
    Break,
    Continue,
}

/// A token inside actions (text between them is not kept), as Go's lexer emits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok<'a> {
    Left,
    Right,
    Space,
    Assign,
    Declare,
    Pipe,
    Str(&'a str),
    Raw(&'a str),
    CharConst,
    Var(&'a str),
    Field,
    Dot,
    Number,
    Ident(&'a str),
    Keyword(Kw),
    Bool,
    Nil,
    LParen,
    RParen,
    Other(char),
    /// Where lexing failed: the parser fails on reaching it.
    Error,
    Eof,
}

impl Tok<'_> {
    /// The token as an error message names it.
    pub(super) fn shown(&self) -> String {
        match self {
            Tok::Right => "\"}}\"".into(),
            Tok::Left => "\"{{\"".into(),
            Tok::RParen => "\")\"".into(),
            Tok::LParen => "\"(\"".into(),
            Tok::Pipe => "\"|\"".into(),
            Tok::Assign => "\"=\"".into(),
            Tok::Declare => "\":=\"".into(),
            Tok::Other(c) => format!("{:?}", c.to_string()),
            Tok::Keyword(k) => format!("<{}>", format!("{k:?}").to_lowercase()),
            Tok::Eof => "EOF".into(),
            Tok::Var(v) | Tok::Ident(v) => format!("{v:?}"),
            other => format!("{other:?}").to_lowercase(),
        }
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// Length of the right delimiter at the start of `rest` (`}}`, or ` -}}` with its trim marker).
fn right_delim(rest: &str) -> Option<usize> {
    if rest.starts_with("}}") {
        return Some(2);
    }
    let mut chars = rest.chars();
    match (chars.next(), chars.next()) {
        (Some(s), Some('-')) if is_space(s) && rest[2..].starts_with("}}") => Some(4),
        _ => None,
    }
}

/// Whether a field, variable or word may end here (Go's `atTerminator`).
fn at_terminator(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) if is_space(c) => true,
        Some('.' | ',' | '|' | ':' | ')' | '(') => true,
        _ => rest.starts_with("}}"),
    }
}

/// The tokens of `s`, or those before the point where lexing failed and why it failed.
#[allow(clippy::type_complexity)]
pub(super) fn lex(s: &str) -> Result<Vec<Tok<'_>>, (Vec<Tok<'_>>, String)> {
    let mut toks = Vec::new();
    match lex_into(s, &mut toks) {
        Ok(()) => Ok(toks),
        Err(why) => {
            toks.push(Tok::Error);
            Err((toks, why))
        }
    }
}

fn lex_into<'a>(s: &'a str, toks: &mut Vec<Tok<'a>>) -> Result<(), String> {
    let mut pos = 0;
    while let Some(at) = s[pos..].find("{{") {
        pos += at + 2;
        let mut rest = s[pos..].chars();
        if rest.next() == Some('-') && rest.next().is_some_and(is_space) {
            pos += 2;
        }
        if s[pos..].starts_with("/*") {
            let Some(end) = s[pos + 2..].find("*/") else {
                return Err("unclosed comment".into());
            };
            pos += 2 + end + 2;
            let Some(n) = right_delim(&s[pos..]) else {
                return Err("comment ends before closing delimiter".into());
            };
            pos += n;
            continue;
        }
        toks.push(Tok::Left);
        pos = lex_action(s, pos, toks)?;
    }
    toks.push(Tok::Eof);
    Ok(())
}

/// Lexes one action from `pos` (after its left delimiter); returns where it ends.
fn lex_action<'a>(s: &'a str, mut pos: usize, toks: &mut Vec<Tok<'a>>) -> Result<usize, String> {
    let mut depth = 0usize;
    loop {
        if let Some(n) = right_delim(&s[pos..]) {
            if depth > 0 {
                return Err("unclosed left paren".into());
            }
            toks.push(Tok::Right);
            return Ok(pos + n);
        }
        let Some(c) = s[pos..].chars().next() else {
            return Err("unclosed action".into());
        };
        let start = pos;
        pos += c.len_utf8();
        let next = s[pos..].chars().next();
        let tok = match c {
            c if is_space(c) => {
                if toks.last() == Some(&Tok::Space) {
                    continue;
                }
                Tok::Space
            }
            '=' => Tok::Assign,
            ':' if next == Some('=') => {
                pos += 1;
                Tok::Declare
            }
            ':' => return Err("expected :=".into()),
            '|' => Tok::Pipe,
            '"' | '\'' => {
                pos = quoted(s, pos, c)?;
                let text = &s[start..pos];
                if c == '"' {
                    Tok::Str(text)
                } else {
                    char_constant(text)?;
                    Tok::CharConst
                }
            }
            '`' => {
                let Some(end) = s[pos..].find('`') else {
                    return Err("unterminated raw quoted string".into());
                };
                pos += end + 1;
                Tok::Raw(&s[start..pos])
            }
            '$' | '.' if c == '$' || !next.is_some_and(|n| n.is_ascii_digit()) => {
                pos = word_end(s, pos)?;
                match (c, &s[start..pos]) {
                    ('$', name) => Tok::Var(name),
                    (_, ".") => Tok::Dot,
                    _ => Tok::Field,
                }
            }
            '+' | '-' | '.' | '0'..='9' => {
                pos = number_end(s, start)?;
                if matches!(s[pos..].chars().next(), Some('+' | '-')) {
                    // A complex constant (`1+2i`): no spaces, and it ends in `i`.
                    let real = pos;
                    pos = number_end(s, pos)?;
                    let (re, im) = (&s[start..real], &s[real..pos]);
                    // Both parts are floats: a real part too large for an integer is fine.
                    let real_ok = !re.ends_with('i')
                        && re.bytes().any(|b| b.is_ascii_digit())
                        && (number_problem(re).is_none()
                            || number_problem(&format!("{re}.0")).is_none());
                    if !im.ends_with('i') || !real_ok || number_problem(im).is_some() {
                        return Err(format!("bad number syntax: {:?}", &s[start..pos]));
                    }
                } else if let Some(why) = number_problem(&s[start..pos]) {
                    return Err(format!("{why}: {:?}", &s[start..pos]));
                }
                Tok::Number
            }
            c if is_alnum(c) => {
                pos = word_end(s, pos)?;
                keyword(&s[start..pos])
            }
            '(' => {
                depth += 1;
                Tok::LParen
            }
            ')' => {
                let Some(d) = depth.checked_sub(1) else {
                    return Err("unexpected right paren".into());
                };
                depth = d;
                Tok::RParen
            }
            c if c.is_ascii() && !c.is_ascii_control() => Tok::Other(c),
            c => return Err(format!("unrecognized character in action: {c:?}")),
        };
        toks.push(tok);
    }
}

/// The end of a word, field or variable name from `pos`, which must end at a terminator.
fn word_end(s: &str, pos: usize) -> Result<usize, String> {
    let len = s[pos..]
        .find(|c: char| !is_alnum(c))
        .unwrap_or(s.len() - pos);
    let end = pos + len;
    if !at_terminator(&s[end..]) {
        let bad = s[end..].chars().next().unwrap_or(' ');
        return Err(format!("bad character {bad:?}"));
    }
    Ok(end)
}

fn keyword(word: &str) -> Tok<'_> {
    match word {
        "if" => Tok::Keyword(Kw::If),
        "else" => Tok::Keyword(Kw::Else),
        "end" => Tok::Keyword(Kw::End),
        "range" => Tok::Keyword(Kw::Range),
        "with" => Tok::Keyword(Kw::With),
        "define" => Tok::Keyword(Kw::Define),
        "template" => Tok::Keyword(Kw::Template),
        "block" => Tok::Keyword(Kw::Block),
        "break" => Tok::Keyword(Kw::Break),
        "continue" => Tok::Keyword(Kw::Continue),
        "true" | "false" => Tok::Bool,
        "nil" => Tok::Nil,
        _ => Tok::Ident(word),
    }
}

/// Go's `scanNumber`: the end of a number starting at `start`.
fn number_end(s: &str, start: usize) -> Result<usize, String> {
    let b = s.as_bytes();
    let mut p = start;
    let accept = |p: &mut usize, set: &[u8]| {
        let ok = *p < b.len() && set.contains(&b[*p]);
        *p += usize::from(ok);
        ok
    };
    let run = |p: &mut usize, set: &[u8]| {
        while *p < b.len() && set.contains(&b[*p]) {
            *p += 1;
        }
    };
    accept(&mut p, b"+-");
    let mut digits: &[u8] = b"0123456789_";
    if accept(&mut p, b"0") {
        if accept(&mut p, b"xX") {
            digits = b"0123456789abcdefABCDEF_";
        } else if accept(&mut p, b"oO") {
            digits = b"01234567_";
        } else if accept(&mut p, b"bB") {
            digits = b"01_";
        }
    }
    run(&mut p, digits);
    if accept(&mut p, b".") {
        run(&mut p, digits);
    }
    if digits.len() == 11 && accept(&mut p, b"eE") {
        accept(&mut p, b"+-");
        run(&mut p, b"0123456789_");
    }
    if digits.len() == 23 && accept(&mut p, b"pP") {
        accept(&mut p, b"+-");
        run(&mut p, b"0123456789_");
    }
    accept(&mut p, b"i");
    if let Some(c) = s[p..].chars().next().filter(|c| is_alnum(*c)) {
        let end = p + c.len_utf8();
        return Err(format!("bad number syntax: {:?}", &s[start..end]));
    }
    Ok(p)
}

/// Why Go does not read `text` as a number (an integer, a float or an imaginary number, as
/// `strconv` parses them with their base prefixes and `_` separators), if it does not.
fn number_problem(text: &str) -> Option<&'static str> {
    let negative = text.starts_with('-');
    let integer = !text.contains(['.', 'e', 'E', 'p', 'P']) && !text.ends_with('i')
        || text.starts_with("0x") && !text.contains(['.', 'p', 'P']);
    match number_ok(text, negative) {
        true => None,
        false
            if integer && !text.starts_with("0x") && number_ok(&format!("{text}.0"), negative) =>
        {
            Some("integer overflow")
        }
        false => Some("illegal number syntax"),
    }
}

/// Whether `text` is a number Go reads (see [`number_problem`]).
fn number_ok(text: &str, negative: bool) -> bool {
    let imaginary = text.ends_with('i');
    let text = text.strip_prefix(['+', '-']).unwrap_or(text);
    let text = text.strip_suffix('i').unwrap_or(text);
    let lower = text.to_ascii_lowercase();
    let (digits, body): (&[u8], &str) = if let Some(b) = lower.strip_prefix("0x") {
        (b"0123456789abcdef", b)
    } else if let Some(b) = lower.strip_prefix("0o") {
        (b"01234567", b)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b"01", b)
    } else {
        (b"0123456789", lower.as_str())
    };
    let prefixed = body.len() < lower.len();
    // `_` only between digits (a base prefix counts as one).
    let bytes = body.as_bytes();
    let separated = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'_'
            || ((i > 0 && digits.contains(&bytes[i - 1])) || (i == 0 && prefixed))
                && bytes.get(i + 1).is_some_and(|n| digits.contains(n))
    });
    if !separated {
        return false;
    }
    let body = body.replace('_', "");
    let run = |s: &str| !s.is_empty() && s.bytes().all(|b| digits.contains(&b));
    let exponent = if digits.len() == 16 { 'p' } else { 'e' };
    let (mantissa, exp) = match body.split_once(exponent) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (body.as_str(), None),
    };
    if exp.is_some_and(|e| e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    match mantissa.split_once('.') {
        // A hexadecimal fraction needs its `p` exponent; octal and binary have none.
        Some(_) if digits.len() == 16 && exp.is_none() => false,
        Some(_) if digits.len() < 10 => false,
        Some((int, frac)) => {
            (int.is_empty() || run(int))
                && (frac.is_empty() || run(frac))
                && !(int.is_empty() && frac.is_empty())
                && finite(&body, digits.len())
        }
        None if exp.is_some() => run(mantissa) && finite(&body, digits.len()),
        // An integer must fit in 64 bits (Go: "integer overflow").
        None => {
            // Go reads a leading `0` as octal (`017` is 15, `019` no integer).
            let octal = digits.len() == 10 && mantissa.len() > 1 && mantissa.starts_with('0');
            let radix = if octal { 8 } else { digits.len() as u32 };
            let fits = match u64::from_str_radix(mantissa, radix) {
                Ok(v) => !negative || v <= 1 << 63,
                Err(_) => false,
            };
            run(mantissa) && (fits || imaginary && finite(&body, digits.len()))
        }
    }
}

/// Whether a float literal's value is finite (Go refuses `1e999` as out of range); hexadecimal
/// floats are rare enough in a template that any well-formed one passes.
fn finite(body: &str, radix: usize) -> bool {
    radix != 10 || body.parse::<f64>().is_ok_and(f64::is_finite)
}

/// The end of a quoted string or character constant whose opening `quote` is before `pos`.
fn quoted(s: &str, mut pos: usize, quote: char) -> Result<usize, String> {
    let what = if quote == '"' {
        "unterminated quoted string"
    } else {
        "unterminated character constant"
    };
    let mut chars = s[pos..].chars();
    while let Some(c) = chars.next() {
        pos += c.len_utf8();
        match c {
            '\\' => match chars.next() {
                Some(e) if e != '\n' => pos += e.len_utf8(),
                _ => return Err(what.into()),
            },
            '\n' => return Err(what.into()),
            c if c == quote => return Ok(pos),
            _ => {}
        }
    }
    Err(what.into())
}

/// Checks the escapes of a Go string or character literal (with its quotes), as
/// `strconv.Unquote` does; returns how many characters it holds.
pub(super) fn unquoted_len(lit: &str) -> Result<usize, String> {
    let quote = lit.chars().next().unwrap_or('"');
    let body = &lit[1..lit.len() - 1];
    let mut chars = body.chars();
    let mut n = 0;
    while let Some(c) = chars.next() {
        n += 1;
        if c != '\\' {
            continue;
        }
        let e = chars.next().unwrap_or(' ');
        let hex = |chars: &mut std::str::Chars, k: usize| {
            (0..k).all(|_| chars.next().is_some_and(|h| h.is_ascii_hexdigit()))
        };
        let ok = match e {
            'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' => true,
            '\'' | '"' => e == quote,
            'x' => hex(&mut chars, 2),
            'u' => hex(&mut chars, 4),
            'U' => hex(&mut chars, 8),
            '0'..='7' => (0..2).all(|_| chars.next().is_some_and(|d| ('0'..='7').contains(&d))),
            _ => false,
        };
        if !ok {
            return Err(format!(
                "`\\{e}` in {lit} is no escape Go knows (write `\\\\{e}`, or use a raw `...` string)"
            ));
        }
    }
    Ok(n)
}

fn char_constant(lit: &str) -> Result<(), String> {
    match unquoted_len(lit) {
        Ok(1) => Ok(()),
        Ok(_) => Err(format!("malformed character constant: {lit}")),
        Err(e) => Err(e),
    }
}
