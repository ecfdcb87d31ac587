//! PromQL as launchgate reads it: parsed within bounds, and asked whether it selects any
//! series. A gate whose query cannot parse is a configuration error that `launchgate check`
//! reports before any rollout ([`crate::gate::compile::findings`]), not something to find out
//! at gate time.

use promql_parser::parser::Expr;

/// Core item of PromQL syntax errors.
pub const ITEM: &str = "LG-PROMQL";

/// Deepest bracket nesting (`(`, `[`, `{`) launchgate hands the PromQL parser.
pub const MAX_NESTING: usize = 256;

/// Most operators launchgate hands the PromQL parser in one query.
pub const MAX_OPERATORS: usize = 1_000;

/// Why a query was not parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Unparsed {
    /// The parser refused it: it is not PromQL.
    Invalid(String),
    /// It is beyond [`MAX_NESTING`] or [`MAX_OPERATORS`], so launchgate did not parse it.
    TooComplex(String),
}

impl std::fmt::Display for Unparsed {
    /// What is wrong with the query, as the rest of a sentence starting "the query".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unparsed::Invalid(why) => write!(f, "is not valid PromQL: {why}"),
            Unparsed::TooComplex(why) => f.write_str(why),
        }
    }
}

/// `query` parsed, or why not.
pub fn parse(query: &str) -> Result<Expr, Unparsed> {
    // The parser recurses, and slows down quadratically on long operator chains (60,000 `+`
    // took 48 s; 30,000 nested `sum(` overflowed the stack, which aborts): queries beyond any
    // real one are refused before it sees them.
    if let Some(why) = too_complex(query) {
        return Err(Unparsed::TooComplex(why));
    }
    // The parser is third-party code fed user text: a panic in it must not stop the run.
    let parsed = std::panic::catch_unwind(|| promql_parser::parser::parse(query));
    match parsed {
        Ok(Ok(expr)) => Ok(expr),
        Ok(Err(e)) => Err(Unparsed::Invalid(e.trim().to_string())),
        Err(_) => Err(Unparsed::Invalid(
            "the PromQL parser could not read it".into(),
        )),
    }
}

/// What is wrong with `query`, if anything.
pub fn problem(query: &str) -> Option<Unparsed> {
    parse(query).err()
}

/// Word operators of PromQL.
fn is_word_operator(word: &str) -> bool {
    matches!(word, "and" | "or" | "unless" | "atan2")
}

/// Why `query` is beyond what launchgate parses, if it is: brackets nested deeper than
/// [`MAX_NESTING`] or more than [`MAX_OPERATORS`] operators, counted outside strings and
/// comments.
fn too_complex(query: &str) -> Option<String> {
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    let mut word = String::new();
    let mut chars = query.chars();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        operators += usize::from(is_word_operator(&word));
        word.clear();
        match c {
            '#' => {
                chars.by_ref().find(|&c| c == '\n');
            }
            '"' | '\'' | '`' => {
                while let Some(s) = chars.next() {
                    if s == '\\' && c != '`' {
                        chars.next();
                    } else if s == c {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            '+' | '-' | '*' | '/' | '%' | '^' | '<' | '>' | '=' | '!' => operators += 1,
            _ => {}
        }
    }
    operators += usize::from(is_word_operator(&word));
    if deepest > MAX_NESTING {
        return Some(format!(
            "nests brackets {deepest} levels deep; launchgate reads queries at most {MAX_NESTING} deep"
        ));
    }
    (operators > MAX_OPERATORS).then(|| {
        format!("has {operators} operators; launchgate reads queries with at most {MAX_OPERATORS}")
    })
}

/// Whether `expr` selects any series. One that selects none (`vector(0)`, `vector(1) > 2`,
/// `vector(time()) > 0`) has the same value whatever the monitored system does: as an alert it fires
/// always (any sample it returns is an alert) or never.
pub fn reads_series(expr: &Expr) -> bool {
    !selectors(expr).is_empty()
}

/// The metric names `expr` selects (`x` in `rate(x[5m])`, or a `__name__="x"` matcher's
/// value), each once, in no particular order.
pub fn metric_names(expr: &Expr) -> Vec<String> {
    use promql_parser::label::MatchOp;
    let mut names: Vec<String> = Vec::new();
    for vs in selectors(expr) {
        let by_matcher = vs
            .matchers
            .matchers
            .iter()
            .filter(|m| m.name == "__name__" && matches!(m.op, MatchOp::Equal))
            .map(|m| &m.value);
        for name in vs.name.iter().chain(by_matcher) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// Every series selector in `expr` (a range selector's too).
fn selectors(expr: &Expr) -> Vec<&promql_parser::parser::VectorSelector> {
    let mut found = Vec::new();
    let mut todo = vec![expr];
    while let Some(e) = todo.pop() {
        match e {
            Expr::VectorSelector(v) => found.push(v),
            Expr::MatrixSelector(m) => found.push(&m.vs),
            Expr::Aggregate(a) => {
                todo.push(&a.expr);
                todo.extend(a.param.as_deref());
            }
            Expr::Unary(u) => todo.push(&u.expr),
            Expr::Binary(b) => todo.extend([&*b.lhs, &*b.rhs]),
            Expr::Paren(p) => todo.push(&p.expr),
            Expr::Subquery(s) => todo.push(&s.expr),
            Expr::Call(c) => todo.extend(c.args.args.iter().map(|a| &**a)),
            Expr::Extension(x) => todo.extend(x.expr.children()),
            Expr::NumberLiteral(_) | Expr::StringLiteral(_) => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_queries_and_rejects_broken_ones() {
        assert_eq!(
            problem(
                r#"sum(rate(http_requests_total{job="app",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="app"}[5m]))"#
            ),
            None
        );
        assert_eq!(
            problem(
                "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
            ),
            None
        );
        assert!(problem("sum(rate(x[5m])").is_some());
        assert!(problem("rate(x{job=}[5m])").is_some());
        assert!(problem("").is_some());
    }

    #[test]
    fn metric_names_are_the_selectors_not_labels_or_strings() {
        let names = |q: &str| {
            let mut n = metric_names(&parse(q).unwrap());
            n.sort();
            n
        };
        assert_eq!(
            names(
                r#"sum(rate(a_total{job="b_total"}[5m])) / sum(rate(a_total[5m])) > on() group_left c"#
            ),
            ["a_total", "c"]
        );
        assert_eq!(
            names(r#"{__name__="x_seconds_bucket", le="1"}"#),
            ["x_seconds_bucket"]
        );
        assert_eq!(names(r#"{__name__=~"x_.*"}"#), Vec::<String>::new());
        assert_eq!(names("vector(1) > 0"), Vec::<String>::new());
        assert_eq!(
            names("histogram_quantile(0.9, sum by (le) (rate(d_bucket[5m]))) > scalar(e)"),
            ["d_bucket", "e"]
        );
    }

    #[test]
    fn an_expression_without_a_selector_reads_no_series() {
        let reads = |q: &str| reads_series(&parse(q).unwrap());
        for constant in [
            "vector(0)",
            "vector(1)",
            "0",
            "1 > bool 2",
            "vector(1) > 2",
            "vector(time()) > 0",
            "(vector(1) + 1) * -1",
            "sum(vector(1))",
            "max_over_time(vector(1)[5m:1m])",
            "label_replace(vector(1), \"a\", \"b\", \"\", \"\")",
        ] {
            assert!(!reads(constant), "{constant} reads no series");
        }
        for reading in [
            "up == 0",
            "up{job=\"x\"} == 0",
            "{__name__=\"x_total\"}",
            "rate(x_total[5m]) > 0.05",
            "absent(x_total)",
            "time() - max(last_success_seconds) > 1800",
            "vector(1) and on() up",
            "-x",
            "max_over_time(x[1h:5m]) > 1",
            "topk(scalar(k), vector(1))",
            "1 + sum by (job) (x)",
        ] {
            assert!(reads(reading), "{reading} reads series");
        }
        let deep = format!("{}vector(1){}", "(".repeat(200), ")".repeat(200));
        assert!(!reads_series(&parse(&deep).unwrap()));
    }

    /// Found by nesting a rule's `expr` 50,000 parentheses deep: the check aborted with a stack
    /// overflow. 60,000 `+` took the parser 48 s.
    #[test]
    fn a_query_beyond_any_real_one_is_refused_before_the_parser_sees_it() {
        const LEVELS: usize = 60_000;
        let queries = [
            format!("{}x{}", "(".repeat(LEVELS), ")".repeat(LEVELS)),
            format!("{}x{}", "sum(".repeat(LEVELS), ")".repeat(LEVELS)),
            format!("{}x{}", "abs(".repeat(LEVELS), ")".repeat(LEVELS)),
            vec!["x"; LEVELS].join(" + "),
            vec!["x"; LEVELS].join(" and "),
            format!("{}x", "-".repeat(LEVELS)),
        ];
        // On a thread with a stack as small as a rayon worker's.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                for q in &queries {
                    let refused = parse(q).err();
                    assert!(
                        matches!(refused, Some(Unparsed::TooComplex(_))),
                        "{}…: {refused:?}",
                        &q[..20]
                    );
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }

    /// The limits sit where the parser is still quick and shallow, and count only what the
    /// parser nests: not brackets or operators in strings and comments.
    #[test]
    fn the_limits_count_brackets_and_operators_outside_strings_and_comments() {
        let nested = |n: usize| format!("{}x{}", "sum(".repeat(n), ")".repeat(n));
        assert!(parse(&nested(MAX_NESTING)).is_ok());
        assert_eq!(
            parse(&nested(MAX_NESTING + 1)).err(),
            Some(Unparsed::TooComplex(
                "nests brackets 257 levels deep; launchgate reads queries at most 256 deep".into()
            ))
        );
        let chain = |n: usize, op: &str| vec!["x"; n + 1].join(op);
        assert!(parse(&chain(MAX_OPERATORS, " + ")).is_ok());
        assert!(parse(&chain(MAX_OPERATORS, " or ")).is_ok());
        for op in [" + ", " or ", " unless ", " >= "] {
            let long = chain(MAX_OPERATORS + 1, op);
            assert!(matches!(parse(&long), Err(Unparsed::TooComplex(_))), "{op}");
        }
        // A long regex, brackets in a label value and operators in a comment are not nesting.
        let regex = vec!["a-b(c)"; 5_000].join("|");
        assert!(parse(&format!("up{{job=~\"{regex}\"}} == 0")).is_ok());
        let comment = format!("up == 0 # {}", "((+".repeat(2_000));
        assert!(parse(&comment).is_ok());
        let words = vec!["sort_desc"; 2_000].join("(") + "(x" + &")".repeat(1_999);
        assert!(matches!(parse(&words), Err(Unparsed::TooComplex(_))));
        assert!(
            matches!(parse("sum(x"), Err(Unparsed::Invalid(_))),
            "an unclosed bracket is the parser's to report"
        );
    }
}
