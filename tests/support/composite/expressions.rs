//! The `${{ ... }}` expressions of a composite action: the contexts the harness supports
//! (`inputs`, `github.action_path`, `github.action_ref`, `github.workspace`, `runner.*`,
//! `steps.ID.outputs.X`), GitHub's loose equality and truthiness, and the status functions.

use std::collections::BTreeMap;

/// The expression contexts a composite action's steps see.
pub(super) struct Context {
    pub(super) inputs: BTreeMap<String, String>,
    pub(super) action_path: String,
    pub(super) action_ref: String,
    pub(super) workspace: String,
    pub(super) runner_os: String,
    pub(super) runner_arch: String,
    pub(super) runner_temp: String,
    pub(super) tool_cache: String,
    /// Outputs of the steps that have run (or were skipped: no outputs).
    pub(super) steps: BTreeMap<String, BTreeMap<String, String>>,
    pub(super) step_ids: Vec<String>,
    pub(super) failed: bool,
}

/// An expression value (GitHub's types, minus objects and arrays).
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

impl V {
    fn truthy(&self) -> bool {
        match self {
            V::Null => false,
            V::Bool(b) => *b,
            V::Num(n) => *n != 0.0 && !n.is_nan(),
            V::Str(s) => !s.is_empty(),
        }
    }

    fn num(&self) -> f64 {
        match self {
            V::Null => 0.0,
            V::Bool(b) => f64::from(u8::from(*b)),
            V::Num(n) => *n,
            V::Str(s) if s.trim().is_empty() => 0.0,
            V::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
        }
    }

    fn text(&self) -> String {
        match self {
            V::Null => String::new(),
            V::Bool(b) => b.to_string(),
            V::Num(n) => n.to_string(),
            V::Str(s) => s.clone(),
        }
    }

    /// `==` as GitHub defines it: strings compare case-insensitively, mixed types as numbers.
    fn loose_eq(&self, other: &V) -> bool {
        match (self, other) {
            (V::Str(a), V::Str(b)) => a.to_lowercase() == b.to_lowercase(),
            (V::Null, V::Null) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (a, b) => a.num() == b.num(),
        }
    }
}

impl Context {
    /// Replaces every `${{ expr }}` in `text` by its value.
    pub(super) fn template(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 3..];
            let end = after
                .find("}}")
                .ok_or(format!("unclosed ${{{{ in `{text}`"))?;
            out.push_str(&self.eval(after[..end].trim())?.text());
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// An `if:`: `${{ }}` optional; without a status function it means `success() && (...)`.
    pub(super) fn condition(&self, cond: &str) -> Result<bool, String> {
        let mut expr = cond.trim();
        if let Some(inner) = expr.strip_prefix("${{").and_then(|e| e.strip_suffix("}}")) {
            expr = inner.trim();
        }
        let status = ["success()", "failure()", "always()", "cancelled()"]
            .iter()
            .any(|f| expr.contains(f));
        let value = self.eval(expr)?.truthy();
        Ok(if status { value } else { !self.failed && value })
    }

    fn eval(&self, expr: &str) -> Result<V, String> {
        let tokens = tokenize(expr)?;
        let mut p = Parser {
            tokens,
            pos: 0,
            ctx: self,
            expr,
        };
        let v = p.or()?;
        if p.pos != p.tokens.len() {
            return Err(format!(
                "unsupported expression `{expr}` (at {:?})",
                p.tokens[p.pos]
            ));
        }
        Ok(v)
    }

    fn lookup(&self, path: &[String], expr: &str) -> Result<V, String> {
        let parts: Vec<&str> = path.iter().map(String::as_str).collect();
        let s = |v: &str| Ok(V::Str(v.to_string()));
        match parts.as_slice() {
            ["inputs", name] => match self.inputs.get(*name) {
                Some(v) => s(v),
                None => Err(format!("`{expr}`: input `{name}` is not declared")),
            },
            ["github", "action_path"] => s(&self.action_path),
            ["github", "action_ref"] => s(&self.action_ref),
            ["github", "workspace"] => s(&self.workspace),
            ["runner", "os"] => s(&self.runner_os),
            ["runner", "arch"] => s(&self.runner_arch),
            ["runner", "temp"] => s(&self.runner_temp),
            ["runner", "tool_cache"] => s(&self.tool_cache),
            ["steps", id, "outputs", name] => {
                if !self.step_ids.iter().any(|i| i == id) {
                    return Err(format!("`{expr}`: no step has id `{id}`"));
                }
                // A step that has not run yet, or was skipped, has no outputs: null.
                Ok(self
                    .steps
                    .get(*id)
                    .and_then(|o| o.get(*name))
                    .map_or(V::Null, |v| V::Str(v.clone())))
            }
            _ => Err(format!(
                "`{expr}`: `{}` is not supported by this harness",
                parts.join(".")
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Op(&'static str),
}

fn tokenize(expr: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
        if let Some(op) = ["==", "!=", "&&", "||"].into_iter().find(|o| *o == two) {
            out.push(Tok::Op(op));
            i += 2;
            continue;
        }
        if let Some(op) = ["!", "(", ")", "."].into_iter().find(|o| o.starts_with(c)) {
            out.push(Tok::Op(op));
            i += 1;
            continue;
        }
        if c == '\'' {
            // '' is an escaped quote inside a string literal.
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        s.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        s.push(*ch);
                        i += 1;
                    }
                    None => return Err(format!("unterminated string in `{expr}`")),
                }
            }
            out.push(Tok::Str(s));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Tok::Num(
                text.parse()
                    .map_err(|_| format!("bad number in `{expr}`"))?,
            ));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || "_-".contains(chars[i])) {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        return Err(format!(
            "unsupported character `{c}` in expression `{expr}`"
        ));
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<Tok>,
    pos: usize,
    ctx: &'a Context,
    expr: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Op(o)) if *o == op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    // GitHub's `a || b` and `a && b` yield an operand, not a boolean.
    fn or(&mut self) -> Result<V, String> {
        let mut left = self.and()?;
        while self.eat("||") {
            let right = self.and()?;
            left = if left.truthy() { left } else { right };
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<V, String> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            let right = self.unary()?;
            left = if left.truthy() { right } else { left };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<V, String> {
        if self.eat("!") {
            return Ok(V::Bool(!self.unary()?.truthy()));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<V, String> {
        let left = self.primary()?;
        if self.eat("==") {
            let right = self.primary()?;
            return Ok(V::Bool(left.loose_eq(&right)));
        }
        if self.eat("!=") {
            let right = self.primary()?;
            return Ok(V::Bool(!left.loose_eq(&right)));
        }
        Ok(left)
    }

    fn primary(&mut self) -> Result<V, String> {
        let expr = self.expr;
        let unsupported = move |what: String| -> Result<V, String> {
            Err(format!("unsupported expression `{expr}`: {what}"))
        };
        match self.tokens.get(self.pos).cloned() {
            Some(Tok::Op("(")) => {
                self.pos += 1;
                let v = self.or()?;
                if !self.eat(")") {
                    return unsupported("missing )".into());
                }
                Ok(v)
            }
            Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(V::Str(s))
            }
            Some(Tok::Num(n)) => {
                self.pos += 1;
                Ok(V::Num(n))
            }
            Some(Tok::Ident(name)) => {
                self.pos += 1;
                match name.as_str() {
                    "true" => return Ok(V::Bool(true)),
                    "false" => return Ok(V::Bool(false)),
                    "null" => return Ok(V::Null),
                    _ => {}
                }
                if self.eat("(") {
                    if !self.eat(")") {
                        return unsupported(format!("{name}() with arguments"));
                    }
                    return match name.as_str() {
                        "success" => Ok(V::Bool(!self.ctx.failed)),
                        "failure" => Ok(V::Bool(self.ctx.failed)),
                        "always" => Ok(V::Bool(true)),
                        "cancelled" => Ok(V::Bool(false)),
                        other => unsupported(format!("function {other}()")),
                    };
                }
                let mut path = vec![name];
                while self.eat(".") {
                    match self.tokens.get(self.pos).cloned() {
                        Some(Tok::Ident(part)) => {
                            self.pos += 1;
                            path.push(part);
                        }
                        other => return unsupported(format!("`.` followed by {other:?}")),
                    }
                }
                self.ctx.lookup(&path, self.expr)
            }
            other => unsupported(format!("{other:?}")),
        }
    }
}
