//! The rewrite that makes gate expressions call window functions.
//!
//! Gates are CEL, so `sum(upserted_widgets)` would evaluate `upserted_widgets` before the
//! call. A small source rewrite (string-literal aware) turns window calls into calls with the
//! field name quoted (`__w_sum("upserted_widgets")`), and lifts `all(expr)`, `any(expr)` and
//! `count(expr)` into per-sample expressions whose results are bound before the gate runs.

use crate::expr::{CompileError, Expr};

/// Functions that take a field name: counters (`increase`, `delta`, `rate`) and
/// per-cycle values (`sum`, `avg`, `max`, `min`).
const FIELD_FUNCTIONS: &[&str] = &["increase", "delta", "rate", "sum", "avg", "max", "min"];

/// Functions whose argument is an expression evaluated on every sample of the window.
const QUANTIFIERS: &[(&str, Quantifier)] = &[
    ("all", Quantifier::All),
    ("any", Quantifier::Any),
    ("count", Quantifier::Count),
];

/// How a per-sample expression is folded over the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// True on every sample.
    All,
    /// True on some sample.
    Any,
    /// The number of samples it is true on.
    Count,
}

impl Quantifier {
    /// The function a gate writes it as (`all`).
    pub fn name(self) -> &'static str {
        match self {
            Quantifier::All => "all",
            Quantifier::Any => "any",
            Quantifier::Count => "count",
        }
    }
}

/// A per-sample sub-expression of a windowed gate.
#[derive(Debug)]
pub struct Quantified {
    /// The variable the gate reads the folded result from.
    pub var: String,
    /// How it is folded.
    pub kind: Quantifier,
    /// The per-sample expression.
    pub expr: Expr,
}

/// A gate expression ready for windowed evaluation.
#[derive(Debug)]
pub struct Prepared {
    /// The gate as written.
    pub source: String,
    /// The rewritten gate.
    pub main: Expr,
    /// `all`/`any`/`count` sub-expressions.
    pub quantified: Vec<Quantified>,
}

/// Whether an expression uses window functions (and so needs `window:`).
pub fn uses_window_functions(source: &str) -> bool {
    let calls = ["count_reason", "samples", "max_stall"]
        .iter()
        .chain(FIELD_FUNCTIONS)
        .chain(QUANTIFIERS.iter().map(|(n, _)| n));
    calls.into_iter().any(|f| find_call(source, f, 0).is_some())
}

/// Top-level history fields a prepared gate reads (window function arguments and the
/// variables of per-sample expressions); `reason_codes` is kept apart, interned.
pub fn fields_read(p: &Prepared) -> Vec<String> {
    let mut out: Vec<String> = p
        .quantified
        .iter()
        .flat_map(|q| {
            let refs = q.expr.references();
            refs.variables()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let text = &p.main.source;
    let mut rest = text.as_str();
    while let Some(i) = rest.find("__w_") {
        rest = &rest[i..];
        let takes_code =
            rest.starts_with("__w_count_reason") || rest.starts_with("__w_max_stall_code");
        if let (false, Some(open)) = (takes_code, rest.find("(\"")) {
            let arg = &rest[open + 2..];
            if let Some(end) = arg.find('"') {
                let field = &arg[..end];
                out.push(field.split('.').next().unwrap_or(field).to_string());
            }
        }
        rest = &rest[4..];
    }
    out
}

/// Rewrites and compiles a windowed gate.
pub fn prepare(source: &str) -> Result<Prepared, CompileError> {
    let mut text = source.to_string();
    let mut quantified = Vec::new();
    for (name, kind) in QUANTIFIERS {
        while let Some((start, open, close)) = find_call(&text, name, 0) {
            let inner = text[open + 1..close].to_string();
            let var = format!("__q{}", quantified.len());
            quantified.push(Quantified {
                var: var.clone(),
                kind: *kind,
                expr: Expr::compile(&inner)?,
            });
            text.replace_range(start..=close, &var);
        }
    }
    for name in FIELD_FUNCTIONS.iter().chain(&["max_stall"]) {
        let mut from = 0;
        while let Some((start, open, close)) = find_call(&text, name, from) {
            let inner = text[open + 1..close].trim().to_string();
            // `max_stall(field)` watches a per-cycle number; `max_stall("code")` a reason code.
            let call = match (*name, is_field_path(&inner)) {
                ("max_stall", true) => format!("__w_max_stall_field(\"{inner}\")"),
                ("max_stall", false) => format!("__w_max_stall_code({inner})"),
                (_, true) => format!("__w_{name}(\"{inner}\")"),
                (_, false) => format!("__w_{name}({inner})"),
            };
            from = start + call.len();
            text.replace_range(start..=close, &call);
        }
    }
    for name in ["count_reason", "samples"] {
        let mut from = 0;
        while let Some((start, open, _)) = find_call(&text, name, from) {
            let prefix = format!("__w_{name}");
            text.replace_range(start..open, &prefix);
            from = start + prefix.len();
        }
    }
    let main = Expr::compile(&text).map_err(|e| CompileError {
        text: source.to_string(),
        message: e.message,
    })?;
    Ok(Prepared {
        source: source.to_string(),
        main,
        quantified,
    })
}

fn is_field_path(s: &str) -> bool {
    !s.is_empty()
        && s.split('.').all(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Finds the first call `name(` at or after `from` that is not a method call or part of a
/// longer identifier, outside string literals: (name start, open paren, matching close paren).
fn find_call(text: &str, name: &str, from: usize) -> Option<(usize, usize, usize)> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == b'"' || c == b'\'' {
            quote = Some(c);
            i += 1;
            continue;
        }
        if i >= from && b[i..].starts_with(name.as_bytes()) {
            let before_ok = i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.');
            let mut j = i + name.len();
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if before_ok && j < b.len() && b[j] == b'(' {
                return matching_paren(b, j).map(|close| (i, j, close));
            }
        }
        i += 1;
    }
    None
}

fn matching_paren(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gate with a multi-byte character before a call's name (a right-to-left override
    /// pasted into `health_state`) is scanned by bytes: it panicked slicing inside the
    /// character.
    #[test]
    fn non_ascii_text_before_a_call_is_scanned_safely() {
        let gate = "health_sta\u{202e}te == 1 && \u{e9}count_reason(\"x\") == 0";
        assert!(uses_window_functions(gate));
        assert!(!uses_window_functions("\u{202e}\u{e9}samplesx()"));
        let _ = prepare(gate);
    }

    #[test]
    fn rewrite_quotes_fields_and_skips_strings_and_methods() {
        let p = prepare("increase(upserted_widgets) > 0 && max(health.queue_depth) <= 1 && 'max(x)' != x.max(y)").unwrap();
        assert!(p.main.source.contains("__w_increase(\"upserted_widgets\")"));
        assert!(p.main.source.contains("__w_max(\"health.queue_depth\")"));
        assert!(p.main.source.contains("'max(x)'"));
        assert!(p.main.source.contains("x.max(y)"));
        let p = prepare("all(health_state == \"healthy\") && count_reason(\"a\") == 0 && count(failed_cases > 0) < 2").unwrap();
        assert_eq!(p.quantified.len(), 2);
        assert_eq!(p.quantified[1].kind, Quantifier::Count);
        assert!(p.main.source.starts_with("__q0 && __w_count_reason("));
        assert!(uses_window_functions("samples() > 3"));
        assert!(uses_window_functions("max_stall('x') < duration('5m')"));
        assert!(!uses_window_functions("rollout_gate == 'pass'"));
        assert!(!uses_window_functions("account(x)"));
    }

    #[test]
    fn max_stall_takes_a_code_or_a_field() {
        let p = prepare("max_stall(\"widget_views_updated\") < duration(\"5m\") && max_stall(upserted_widgets) < duration(\"5m\")").unwrap();
        assert!(
            p.main
                .source
                .contains("__w_max_stall_code(\"widget_views_updated\")")
        );
        assert!(
            p.main
                .source
                .contains("__w_max_stall_field(\"upserted_widgets\")")
        );
        let mut fields = fields_read(&p);
        fields.sort();
        assert!(fields.contains(&"upserted_widgets".to_string()));
    }
}
