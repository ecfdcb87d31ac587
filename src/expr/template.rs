//! Messages with `{expr}` placeholders: a finding's text, written with the values it is about.

use std::sync::OnceLock;

use cel::{Context, ExecutionError};

use super::{CompileError, Expr, display};

/// A message with `{expr}` placeholders, compiled once.
#[derive(Debug)]
pub struct Template {
    text: String,
    parts: OnceLock<Vec<Part>>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    Expr(Expr),
}

impl Template {
    /// Compiles a message; every `{...}` must be a valid expression.
    pub fn compile(text: &str) -> Result<Template, CompileError> {
        Template::compile_with(text, Expr::compile)
    }

    /// [`Template::compile`], its placeholders compiled by `compile` ([`Expr::compile_builtin`]
    /// for a built-in checklist's message).
    pub fn compile_with(
        text: &str,
        compile: fn(&str) -> Result<Expr, CompileError>,
    ) -> Result<Template, CompileError> {
        let parts = parts_of(text, compile)?;
        Ok(Template {
            text: text.to_string(),
            parts: OnceLock::from(parts),
        })
    }

    /// A message compiled when first rendered, for text known to compile (the built-in
    /// checklists, which the tests compile): most messages of a passing run are never shown,
    /// and compiling them was a third of a one-manifest run's start-up. Text that does not
    /// compile renders as written.
    pub fn deferred(text: &str) -> Template {
        Template {
            text: text.to_string(),
            parts: OnceLock::new(),
        }
    }

    fn parts(&self) -> &[Part] {
        self.parts.get_or_init(|| {
            parts_of(&self.text, Expr::compile_builtin)
                .unwrap_or_else(|_| vec![Part::Text(self.text.clone())])
        })
    }

    /// The message's placeholder expressions.
    pub(crate) fn expressions(&self) -> Vec<&Expr> {
        self.parts()
            .iter()
            .filter_map(|p| match p {
                Part::Expr(e) => Some(e),
                Part::Text(_) => None,
            })
            .collect()
    }

    /// Renders the message; a placeholder that cannot be evaluated shows as `?`.
    pub fn render(&self, ctx: &Context) -> String {
        self.write(ctx).0
    }

    /// The message with `?` for each placeholder that cannot be evaluated, and the first
    /// problem a function gave (its own words, such as history a shallow clone lacks).
    pub fn write(&self, ctx: &Context) -> (String, Option<String>) {
        let (mut out, mut problem) = (String::new(), None);
        for p in self.parts() {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => match e.eval(ctx) {
                    Ok(v) => out.push_str(&display(&v)),
                    Err(e) => {
                        if let ExecutionError::FunctionError { message, .. } = e {
                            problem.get_or_insert(message);
                        }
                        out.push('?');
                    }
                },
            }
        }
        (out, problem)
    }
}

/// The text and expression parts of a message.
fn parts_of(
    text: &str,
    compile: fn(&str) -> Result<Expr, CompileError>,
) -> Result<Vec<Part>, CompileError> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_string()));
        }
        parts.push(Part::Expr(compile(&rest[open + 1..open + close])?));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Ok(parts)
}
