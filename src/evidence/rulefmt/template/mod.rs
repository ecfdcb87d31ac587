//! The templates of an alerting rule's labels and annotations, parsed as Prometheus parses them
//! when it loads the file (`testTemplateParsing` in its `rulefmt`): with Go's `text/template`,
//! Prometheus's functions, and `$labels`, `$externalLabels`, `$externalURL` and `$value`
//! declared. A template that does not parse (`{{ $value }`, `{{ $label.instance }}`,
//! `{{ humanizePercent $value }}`) makes Prometheus refuse the whole file.
//!
//! This follows Go's lexer (`text/template/parse/lex.go`) and the checks of its parser that a
//! template can fail without being run: delimiters, strings, numbers, variables in scope,
//! defined functions, and control structures closed by `{{end}}`.

/// Functions a Prometheus template may call: Go's built-ins, then Prometheus's (the union of
/// its 2.x and 3.x releases, so a function one of them knows is never refused).
const FUNCTIONS: &[&str] = &[
    "and",
    "call",
    "html",
    "index",
    "slice",
    "js",
    "len",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "urlquery",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
    "query",
    "first",
    "label",
    "value",
    "strvalue",
    "args",
    "reReplaceAll",
    "safeHtml",
    "match",
    "title",
    "toUpper",
    "toLower",
    "graphLink",
    "tableLink",
    "sortByLabel",
    "stripPort",
    "stripDomain",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "toTime",
    "toDuration",
    "now",
    "pathPrefix",
    "externalURL",
    "parseDuration",
];

/// The variables Prometheus declares before an alert's template, and Go's `$`.
const DECLARED: &[&str] = &["$", "$labels", "$externalLabels", "$externalURL", "$value"];

/// Why Prometheus cannot parse `text` as an alert template, if it cannot.
pub fn check(text: &str) -> Result<(), String> {
    if !text.contains("{{") {
        return Ok(());
    }
    // Go lexes as its parser reads: a parse error before the point where lexing fails is the
    // one reported (`{{ $value }` is an unexpected `}`, not an unclosed action).
    let (toks, lex_error) = match lex(text) {
        Ok(toks) => (toks, None),
        Err((toks, why)) => (toks, Some(why)),
    };
    let mut parser = Parser {
        toks,
        i: 0,
        vars: DECLARED.iter().map(|v| v.to_string()).collect(),
        blocks: Vec::new(),
        defined: Vec::new(),
        reached_error: std::cell::Cell::new(false),
    };
    match (parser.parse(), lex_error) {
        (Err(_), Some(why)) if parser.reached_error.get() => Err(why),
        (result, _) => result,
    }
}

mod lex;

use lex::{Kw, Tok, lex, unquoted_len};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    If,
    Range,
    With,
    Define,
    Block,
}

/// An open control structure: what opened it, the variables in scope before it (a `define`
/// or `block` body starts a template of its own, with only `$`), and whether its `{{else}}`
/// has been seen.
struct Open {
    kind: Kind,
    before: Vec<String>,
    else_seen: bool,
}

/// What a command's first operand is: Go refuses a later pipeline stage starting with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    Executable,
    Value,
}

struct Parser<'a> {
    toks: Vec<Tok<'a>>,
    i: usize,
    vars: Vec<String>,
    blocks: Vec<Open>,
    /// Names of the templates defined so far.
    defined: Vec<String>,
    reached_error: std::cell::Cell<bool>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Tok<'a> {
        let t = self.toks.get(self.i).copied().unwrap_or(Tok::Eof);
        if t == Tok::Error {
            self.reached_error.set(true);
        }
        t
    }

    fn next(&mut self) -> Tok<'a> {
        let t = self.peek();
        self.i += 1;
        t
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Tok::Space {
            self.i += 1;
        }
    }

    fn next_non_space(&mut self) -> Tok<'a> {
        self.skip_spaces();
        self.next()
    }

    fn expect(&mut self, want: Tok<'_>, context: &str) -> Result<(), String> {
        match self.next_non_space() {
            t if t == want => Ok(()),
            t => Err(format!("unexpected {} in {context}", t.shown())),
        }
    }

    fn parse(&mut self) -> Result<(), String> {
        loop {
            match self.next() {
                Tok::Eof if self.blocks.is_empty() => return Ok(()),
                Tok::Eof => {
                    return Err("unexpected EOF (a control structure has no {{end}})".into());
                }
                _ => self.action()?,
            }
        }
    }

    fn open(&mut self, kind: Kind, fresh: bool) {
        let before = self.vars.clone();
        if fresh {
            self.vars = vec!["$".into()];
        }
        self.blocks.push(Open {
            kind,
            before,
            else_seen: false,
        });
    }

    /// The name a `define`, `block` or `template` clause gives (its literal, quotes included).
    fn template_name(&mut self, context: &str) -> Result<&'a str, String> {
        match self.next_non_space() {
            Tok::Str(lit) | Tok::Raw(lit) => {
                if lit.starts_with('"') {
                    unquoted_len(lit)?;
                }
                Ok(lit)
            }
            t => Err(format!("unexpected {} in {context}", t.shown())),
        }
    }

    /// Records a template `define` or `block` names: Go refuses a second definition.
    fn define(&mut self, name: &str) -> Result<(), String> {
        let bare = name.trim_matches(['"', '`']);
        if self.defined.iter().any(|d| d == bare) {
            return Err(format!(
                "template: multiple definition of template {bare:?}"
            ));
        }
        self.defined.push(bare.to_string());
        Ok(())
    }

    fn action(&mut self) -> Result<(), String> {
        self.skip_spaces();
        let Tok::Keyword(kw) = self.peek() else {
            return self.pipeline("command", Tok::Right);
        };
        self.next();
        match kw {
            Kw::If | Kw::Range | Kw::With => {
                let (kind, context) = match kw {
                    Kw::If => (Kind::If, "if"),
                    Kw::Range => (Kind::Range, "range"),
                    _ => (Kind::With, "with"),
                };
                self.open(kind, false);
                self.pipeline(context, Tok::Right)
            }
            Kw::Else => self.else_clause(),
            Kw::End => {
                self.expect(Tok::Right, "end")?;
                let open = self.blocks.pop().ok_or("unexpected {{end}}")?;
                self.vars = open.before;
                Ok(())
            }
            Kw::Define => {
                if !self.blocks.is_empty() {
                    return Err("unexpected <define> in command".into());
                }
                let name = self.template_name("define clause")?;
                self.define(name)?;
                self.expect(Tok::Right, "define clause")?;
                self.open(Kind::Define, true);
                Ok(())
            }
            Kw::Block => {
                let name = self.template_name("block clause")?;
                self.define(name)?;
                self.pipeline("block", Tok::Right)?;
                self.open(Kind::Block, true);
                Ok(())
            }
            Kw::Template => {
                self.template_name("template clause")?;
                self.skip_spaces();
                if self.peek() == Tok::Right {
                    self.next();
                    return Ok(());
                }
                self.pipeline("template clause", Tok::Right)
            }
            Kw::Break | Kw::Continue => {
                let name = if kw == Kw::Break { "break" } else { "continue" };
                self.expect(Tok::Right, &format!("{{{{{name}}}}}"))?;
                let in_range = self
                    .blocks
                    .iter()
                    .rev()
                    .take_while(|b| !matches!(b.kind, Kind::Define | Kind::Block))
                    .any(|b| b.kind == Kind::Range && !b.else_seen);
                if in_range {
                    Ok(())
                } else {
                    Err(format!("{{{{{name}}}}} outside {{{{range}}}}"))
                }
            }
        }
    }

    fn else_clause(&mut self) -> Result<(), String> {
        let Some(open) = self.blocks.last() else {
            return Err("unexpected {{else}}".into());
        };
        let kind = open.kind;
        if matches!(kind, Kind::Define | Kind::Block) {
            return Err("unexpected {{else}} in a define or block clause".into());
        }
        if open.else_seen {
            return Err("expected end; found {{else}}".into());
        }
        self.skip_spaces();
        match (self.peek(), kind) {
            (Tok::Keyword(Kw::If), Kind::If) => {
                self.next();
                self.pipeline("if", Tok::Right)
            }
            (Tok::Keyword(Kw::With), Kind::With) => {
                self.next();
                self.pipeline("with", Tok::Right)
            }
            _ => {
                self.expect(Tok::Right, "else")?;
                if let Some(open) = self.blocks.last_mut() {
                    open.else_seen = true;
                }
                Ok(())
            }
        }
    }

    /// Variables a pipeline declares (`$x :=`, `$x =`, `$i, $e :=` in a range).
    fn declarations(&mut self, context: &str) -> Result<(), String> {
        let mut declared = 0;
        loop {
            self.skip_spaces();
            let Tok::Var(name) = self.peek() else {
                return Ok(());
            };
            let back = self.i;
            self.next();
            self.skip_spaces();
            match self.peek() {
                Tok::Assign | Tok::Declare => {
                    self.next();
                    self.vars.push(name.to_string());
                    return Ok(());
                }
                Tok::Other(',') => {
                    self.next();
                    self.vars.push(name.to_string());
                    declared += 1;
                    self.skip_spaces();
                    if context != "range" || declared >= 2 {
                        return Err(format!("too many declarations in {context}"));
                    }
                    if !matches!(self.peek(), Tok::Var(_) | Tok::Right | Tok::RParen) {
                        return Err("range can only initialize variables".into());
                    }
                }
                _ => {
                    self.i = back;
                    return Ok(());
                }
            }
        }
    }

    fn pipeline(&mut self, context: &str, end: Tok<'_>) -> Result<(), String> {
        self.declarations(context)?;
        let mut stage = 0;
        loop {
            self.skip_spaces();
            match self.peek() {
                t if t == end => {
                    self.next();
                    return if stage == 0 {
                        Err(format!("missing value for {context}"))
                    } else {
                        Ok(())
                    };
                }
                Tok::Bool
                | Tok::CharConst
                | Tok::Dot
                | Tok::Field
                | Tok::Ident(_)
                | Tok::Number
                | Tok::Nil
                | Tok::Raw(_)
                | Tok::Str(_)
                | Tok::Var(_)
                | Tok::LParen => {
                    let first = self.command()?;
                    stage += 1;
                    if stage > 1 && first == Operand::Value {
                        return Err(format!("non executable command in pipeline stage {stage}"));
                    }
                }
                t => return Err(format!("unexpected {} in {context}", t.shown())),
            }
        }
    }

    fn command(&mut self) -> Result<Operand, String> {
        let mut first = None;
        loop {
            if let Some(op) = self.operand()? {
                first.get_or_insert(op);
            }
            match self.next() {
                Tok::Space => continue,
                Tok::Right | Tok::RParen => self.i -= 1,
                Tok::Pipe => {}
                t => return Err(format!("unexpected {} in operand", t.shown())),
            }
            return first.ok_or_else(|| "empty command".to_string());
        }
    }

    fn operand(&mut self) -> Result<Option<Operand>, String> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        if self.peek() == Tok::Field {
            while self.peek() == Tok::Field {
                self.next();
            }
            if term == Operand::Value {
                return Err("unexpected . after a constant".into());
            }
        }
        Ok(Some(term))
    }

    fn term(&mut self) -> Result<Option<Operand>, String> {
        self.skip_spaces();
        let at = self.i;
        let op = match self.next() {
            Tok::Ident(name) if FUNCTIONS.contains(&name) => Operand::Executable,
            Tok::Ident(name) => {
                return Err(format!(
                    "function {name:?} not defined (Prometheus's template functions: https://prometheus.io/docs/prometheus/latest/configuration/template_reference/)"
                ));
            }
            Tok::Var(name) if self.vars.iter().any(|v| v == name) => Operand::Executable,
            Tok::Var(name) => {
                return Err(format!(
                    "undefined variable {name:?} (an alert's template has $labels, $externalLabels, $externalURL and $value)"
                ));
            }
            Tok::Field => Operand::Executable,
            Tok::LParen => {
                self.pipeline("parenthesized pipeline", Tok::RParen)?;
                Operand::Executable
            }
            Tok::Str(lit) => {
                unquoted_len(lit)?;
                Operand::Value
            }
            Tok::Dot | Tok::Nil | Tok::Bool | Tok::Number | Tok::CharConst | Tok::Raw(_) => {
                Operand::Value
            }
            _ => {
                self.i = at;
                return Ok(None);
            }
        };
        Ok(Some(op))
    }
}

#[cfg(test)]
mod tests;
