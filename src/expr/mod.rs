//! The expression language of checklist rules and canary gates: CEL, with launchgate's functions.
//!
//! CEL (the language of Kubernetes admission policies) is small, side-effect free and always
//! terminates, which is what a gate evaluating pull-request content needs; nested loops, which
//! terminate but multiply the work, are bounded when an expression is compiled ([`loops`]).

pub mod absent;
pub mod convert;
pub mod decided;
pub mod fast;
pub mod loops;
pub mod reads;
pub mod shown;
mod template;

use std::sync::{Arc, OnceLock};

use cel::parser::{Expression, ExpressionReferences, PrattParser};
use cel::{Context, ExecutionError, Value};
use jiff::civil::Date;

pub use convert::{display, from_json};
pub use template::Template;

/// The shared CEL environment (standard library), built once.
pub fn env() -> Arc<cel::Env> {
    static ENV: OnceLock<Arc<cel::Env>> = OnceLock::new();
    ENV.get_or_init(|| Arc::new(cel::Env::stdlib())).clone()
}

/// A compiled expression and its source text.
#[derive(Debug)]
pub struct Expr {
    /// As written.
    pub source: String,
    /// The parsed expression, macros expanded.
    pub expression: Expression,
    /// The expression for [`fast`], compiled on first use (`None`: beyond what it knows).
    fast: OnceLock<Option<fast::Node>>,
}

/// Why an expression could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid expression `{text}`: {message}")]
pub struct CompileError {
    /// As written.
    pub text: String,
    /// The parser's explanation.
    pub message: String,
}

impl Expr {
    /// Compiles CEL source with cel's reference parser (the ANTLR grammar its conformance
    /// suite runs): what users write (their checklists, policies and gates) compiles this way.
    pub fn compile(source: &str) -> Result<Expr, CompileError> {
        env()
            .parser()
            .parse(source)
            .map_err(|e| CompileError {
                text: source.to_string(),
                message: e
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or("syntax error")
                    .to_string(),
            })
            .and_then(|expression| Expr::new(source, expression))
    }

    /// Compiles a built-in checklist's expression with cel's Pratt parser: about 15 times
    /// faster than the ANTLR one (all built-in expressions: 0.3 ms against 4.2 ms, more on a
    /// first run), which is most of what one manifest's check paid at start-up. The test suite
    /// checks that both parsers build the same tree for every built-in expression
    /// (`builtin_expressions_parse_alike`); text it rejects is compiled again by the reference
    /// parser, for the same error as anywhere else.
    pub fn compile_builtin(source: &str) -> Result<Expr, CompileError> {
        match PrattParser::default().parse(source) {
            Ok(expression) => Expr::new(source, expression),
            Err(_) => Expr::compile(source),
        }
    }

    /// The parsed expression, unless it nests loops deeper than
    /// [`loops::MAX_LOOP_NESTING`].
    fn new(source: &str, expression: Expression) -> Result<Expr, CompileError> {
        let depth = loops::depth(&expression);
        if depth > loops::MAX_LOOP_NESTING {
            return Err(CompileError {
                text: source.to_string(),
                message: format!(
                    "it nests loops (`all`, `exists`, `exists_one`, `map`, `filter`) {depth} deep, \
                     and launchgate evaluates at most {} (each level multiplies the work)",
                    loops::MAX_LOOP_NESTING
                ),
            });
        }
        Ok(Expr {
            source: source.to_string(),
            expression,
            fast: OnceLock::new(),
        })
    }

    /// Whether the expression surely holds over `vars`, by [`fast`]'s direct evaluation:
    /// `false` when it does not, or when only the interpreter can tell.
    pub fn holds(&self, vars: &fast::Vars<'_>) -> bool {
        self.decide(vars) == Some(true)
    }

    /// The boolean [`fast`] evaluates the expression to, when it can tell.
    pub fn decide(&self, vars: &fast::Vars<'_>) -> Option<bool> {
        let node = self.fast.get_or_init(|| fast::compile(&self.expression));
        fast::decide(node.as_ref()?, vars)
    }

    /// The variables and functions the expression refers to.
    pub fn references(&self) -> ExpressionReferences<'_> {
        self.expression.references()
    }

    /// Evaluates to a value.
    pub fn eval(&self, ctx: &Context) -> Result<Value, ExecutionError> {
        Value::resolve(&self.expression, ctx)
    }

    /// Evaluates and requires a boolean.
    pub fn eval_bool(&self, ctx: &Context) -> Result<bool, String> {
        match self.eval(ctx) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!("evaluates to {}, not a boolean", display(&other))),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Read-only data the launchgate functions see.
pub struct Scope {
    /// Today's date at the evaluation time (UTC).
    pub today: Date,
    /// Evidence facts about files, keyed by the path as written.
    pub files: serde_json::Map<String, serde_json::Value>,
    /// Dashboards by path as written (`evidence.dashboards`).
    pub dashboards: std::collections::BTreeMap<String, crate::evidence::dashboards::Dashboard>,
    /// The manifest's git repository, when known.
    pub repo: Option<Arc<crate::evidence::git::Repo>>,
    /// Evaluation time, unix seconds.
    pub now_unix: i64,
    /// The manifest's path in the repository and its values, for `changed_since_review()` and
    /// `changed_since_recorded()` (in a repository only).
    pub records: Option<crate::evidence::recorded::Records>,
}

impl Scope {
    /// A scope with no evidence (for tests and fuzzing).
    pub fn bare(today: Date) -> Scope {
        Scope {
            today,
            files: serde_json::Map::new(),
            dashboards: Default::default(),
            repo: None,
            now_unix: 0,
            records: None,
        }
    }
}

/// The expressions of a comprehension (the range, the accumulator's start, the loop's
/// condition and step, the result), for walks that visit each.
pub fn comprehension_parts(c: &cel::common::ast::ComprehensionExpr) -> [&Expression; 5] {
    [
        &c.iter_range,
        &c.accu_init,
        &c.loop_cond,
        &c.loop_step,
        &c.result,
    ]
}

fn fail(function: &str, message: impl ToString) -> ExecutionError {
    ExecutionError::function_error(function, message)
}

fn parse_date(function: &str, s: &str) -> Result<Date, ExecutionError> {
    s.parse::<Date>()
        .map_err(|_| fail(function, format!("`{s}` is not a date (YYYY-MM-DD)")))
}

fn parse_duration(function: &str, s: &str) -> Result<i64, ExecutionError> {
    crate::duration::parse_seconds(s).ok_or_else(|| {
        fail(
            function,
            format!("`{s}` is not a duration such as 15m or 1h"),
        )
    })
}

fn days_between(from: Date, to: Date) -> i64 {
    // Whole days from `from` to `to`; negative when `to` is earlier.
    from.until(to)
        .map(|span| i64::from(span.get_days()))
        .unwrap_or(0)
}

/// A root context with launchgate's functions bound to `scope`.
///
/// Functions: `days_since(date)`, `days_until(date)`, `seconds(duration)`, `minutes(duration)`,
/// `is_url(s)`, `is_local_url(s)`, `is_example_url(s)`, `file(path)`, `has_heading(path, text)`, `steps(path)` (real steps),
/// `raw_steps(path)` (numbered items), `words(path)`, `section_words(path, heading)`,
/// `section_mentions(path, heading)`, `dashboard_mentions(path, signal)`,
/// `dashboard_unshown(path, signal)`,
/// `is_ancestor(ref)`, `known_good(ref)`, `file_age_days(path)`,
/// `changed_since_review(route)`, `changed_since_recorded(record, covered)`, `identity(handle)`, `same_identity(a, b)`,
/// `is_team(handle, team)`, `names_team(handle, team)`, `is_engineering_role(role)`, `word_count(text)`,
/// `time_zone_problem(hours)` (`""` when support hours name their zone), `hours_problem(hours)`
/// (`""` when their times are times of day), `nothing_done(mitigation)`,
/// `not_in_place(mitigation)`, `no_dependency(dependency)` and `names_own(dependency, name)`.
/// Each is a [`Scope`] method or a
/// function of its own, which [`fast`] calls too.
pub fn context(scope: Arc<Scope>) -> Context<'static, 'static> {
    let mut ctx = Context::with_env(env());
    let s = scope.clone();
    let _ = ctx.add_function("days_since", move |d: Arc<String>| s.days_since(&d));
    let s = scope.clone();
    let _ = ctx.add_function("days_until", move |d: Arc<String>| s.days_until(&d));
    let _ = ctx.add_function("seconds", |d: Arc<String>| seconds(&d));
    let _ = ctx.add_function("minutes", |d: Arc<String>| minutes(&d));
    let _ = ctx.add_function("is_url", |u: Arc<String>| is_url(&u));
    let _ = ctx.add_function("is_local_url", |u: Arc<String>| {
        crate::manifest::is_local_url(&u)
    });
    let _ = ctx.add_function("is_example_url", |u: Arc<String>| {
        crate::manifest::is_example_url(&u)
    });
    let s = scope.clone();
    // Straight to the interpreter's values: through `Value` every call would build each
    // runbook's facts map twice.
    let _ = ctx.add_function("file", move |p: Arc<String>| {
        let val = match s.files.get(p.as_str()) {
            Some(facts) => convert::to_val(facts),
            None => convert::to_val(&file_facts(&p)),
        };
        convert::Owned(val)
    });
    let s = scope.clone();
    let _ = ctx.add_function("has_heading", move |p: Arc<String>, text: Arc<String>| {
        s.has_heading(&p, &text)
    });
    let s = scope.clone();
    let _ = ctx.add_function("steps", move |p: Arc<String>| s.markdown_count(&p, "steps"));
    let s = scope.clone();
    let _ = ctx.add_function("raw_steps", move |p: Arc<String>| {
        s.markdown_count(&p, "raw_steps")
    });
    let _ = ctx.add_function("identity", |h: Arc<String>| {
        crate::identity::normalize(&h).into_owned()
    });
    let _ = ctx.add_function("same_identity", |a: Arc<String>, b: Arc<String>| {
        crate::identity::same(&a, &b)
    });
    let _ = ctx.add_function("is_team", |h: Arc<String>, team: Arc<String>| {
        crate::identity::is_team(&h, &team)
    });
    let _ = ctx.add_function("names_team", |h: Arc<String>, team: Arc<String>| {
        crate::identity::names_team(&h, &team)
    });
    let _ = ctx.add_function("is_engineering_role", |role: Arc<String>| {
        crate::identity::is_engineering_role(&role)
    });
    let _ = ctx.add_function("word_count", |text: Arc<String>| {
        crate::evidence::markdown::words_in(&text) as i64
    });
    let _ = ctx.add_function("time_zone_problem", |hours: Arc<String>| {
        crate::hours::zone_problem(&hours)
    });
    let _ = ctx.add_function("hours_problem", |hours: Arc<String>| {
        crate::hours::times_problem(&hours)
    });
    let _ = ctx.add_function("nothing_done", |mitigation: Arc<String>| {
        crate::mitigation::nothing_done(&mitigation)
    });
    let _ = ctx.add_function("not_in_place", |mitigation: Arc<String>| {
        crate::mitigation::not_in_place(&mitigation)
    });
    let _ = ctx.add_function("no_dependency", |dependency: Arc<String>| {
        crate::dependency::no_dependency(&dependency)
    });
    let _ = ctx.add_function("names_own", |dependency: Arc<String>, name: Arc<String>| {
        crate::dependency::names_own(&dependency, &name)
    });
    let s = scope.clone();
    let _ = ctx.add_function("words", move |p: Arc<String>| s.markdown_count(&p, "words"));
    let s = scope.clone();
    let _ = ctx.add_function("section_words", move |p: Arc<String>, text: Arc<String>| {
        s.section_words(&p, &text)
    });
    let s = scope.clone();
    let _ = ctx.add_function(
        "section_mentions",
        move |p: Arc<String>, text: Arc<String>| -> Value {
            let list = s
                .section_mentions(&p, &text)
                .into_iter()
                .map(|m| Value::String(Arc::new(m)))
                .collect();
            Value::List(Arc::new(list))
        },
    );
    let s = scope.clone();
    let _ = ctx.add_function(
        "dashboard_mentions",
        move |p: Arc<String>, signal: Arc<String>| -> Result<Value, ExecutionError> {
            let list = s
                .dashboard_mentions(&p, &signal)?
                .into_iter()
                .map(|t| Value::String(Arc::new(t)))
                .collect();
            Ok(Value::List(Arc::new(list)))
        },
    );
    let s = scope.clone();
    let _ = ctx.add_function(
        "dashboard_unshown",
        move |p: Arc<String>, signal: Arc<String>| -> String { s.dashboard_unshown(&p, &signal) },
    );
    let s = scope.clone();
    let _ = ctx.add_function("is_ancestor", move |r: Arc<String>| s.is_ancestor(&r));
    let s = scope.clone();
    let _ = ctx.add_function(
        "known_good",
        move |r: Arc<String>| -> Result<Value, ExecutionError> {
            Ok(from_json(&s.known_good(&r)?))
        },
    );
    let s = scope.clone();
    let _ = ctx.add_function("file_age_days", move |p: Arc<String>| s.file_age_days(&p));
    let s = scope.clone();
    let _ = ctx.add_function(
        "changed_since_review",
        move |r: Arc<String>| -> Result<Value, ExecutionError> {
            Ok(Value::String(Arc::new(s.changed_since_review(&r)?)))
        },
    );
    let s = scope;
    let _ = ctx.add_function(
        "changed_since_recorded",
        move |r: Arc<String>, c: Arc<String>| -> Result<Value, ExecutionError> {
            Ok(Value::String(Arc::new(s.changed_since_recorded(&r, &c)?)))
        },
    );
    ctx
}

fn seconds(d: &str) -> Result<i64, ExecutionError> {
    parse_duration("seconds", d)
}

fn minutes(d: &str) -> Result<i64, ExecutionError> {
    Ok(parse_duration("minutes", d)? / 60)
}

fn is_url(u: &str) -> bool {
    crate::manifest::is_url(u) && !u.chars().any(char::is_whitespace)
}

/// The functions of rules that read the scope.
impl Scope {
    fn days_since(&self, d: &str) -> Result<i64, ExecutionError> {
        Ok(days_between(parse_date("days_since", d)?, self.today))
    }

    fn days_until(&self, d: &str) -> Result<i64, ExecutionError> {
        Ok(days_between(self.today, parse_date("days_until", d)?))
    }

    fn has_heading(&self, path: &str, text: &str) -> bool {
        self.heading_index(path, text).is_some()
    }

    /// Why the queries of the dashboard at `p` that name `signal` chart nothing ("; panel
    /// `X` names it in a query that runs on a `testdata` data source, ..."), empty when none
    /// does or the dashboard is not read.
    fn dashboard_unshown(&self, p: &str, signal: &str) -> String {
        self.dashboards
            .get(p)
            .and_then(|d| crate::evidence::dashboards::unshown_for(d, signal))
            .map_or_else(String::new, |why| format!("; {why}"))
    }

    fn dashboard_mentions(&self, p: &str, signal: &str) -> Result<Vec<String>, ExecutionError> {
        let d = self.dashboards.get(p).ok_or_else(|| {
            fail(
                "dashboard_mentions",
                format!("`{p}` is not a readable dashboard"),
            )
        })?;
        if !d.ok {
            let problem = d.problem.clone().unwrap_or_default();
            return Err(fail("dashboard_mentions", format!("`{p}`: {problem}")));
        }
        Ok(crate::evidence::dashboards::panels_for(d, signal))
    }

    fn is_ancestor(&self, r: &str) -> Result<bool, ExecutionError> {
        let Some(repo) = self.repo.as_ref().filter(|r| r.facts.repository) else {
            return Err(fail(
                "is_ancestor",
                "git facts are unknown: not a git repository",
            ));
        };
        let facts = repo.known_good(r);
        if !facts.resolves && repo.facts.shallow {
            return Err(fail("is_ancestor", facts.problem.unwrap_or_default()));
        }
        Ok(facts.ancestor)
    }

    fn known_good(&self, r: &str) -> Result<serde_json::Value, ExecutionError> {
        // Without a repository only the name's text is judged (`HEAD~1` fails anywhere);
        // what needs history holds.
        let facts = match self.repo.as_ref() {
            Some(repo) => repo.known_good(r),
            None => crate::evidence::git::unknown_repo_facts(r),
        };
        if !facts.known {
            return Err(fail("known_good", facts.problem.unwrap_or_default()));
        }
        Ok(serde_json::to_value(&facts).unwrap_or(serde_json::Value::Null))
    }

    fn changed_since_review(&self, route: &str) -> Result<String, ExecutionError> {
        self.records("changed_since_review", |repo, r| {
            r.review(repo, &self.files, route)
        })
    }

    fn changed_since_recorded(
        &self,
        record: &str,
        covered: &str,
    ) -> Result<String, ExecutionError> {
        self.records("changed_since_recorded", |repo, r| {
            r.recorded(repo, &self.files, record, covered)
        })
    }

    /// What `ask` says of the manifest's records, in a repository (`""` elsewhere: there is
    /// no history to hold them to).
    fn records(
        &self,
        function: &str,
        ask: impl FnOnce(
            &crate::evidence::git::Repo,
            &crate::evidence::recorded::Records,
        ) -> Result<String, String>,
    ) -> Result<String, ExecutionError> {
        match (&self.repo, &self.records) {
            (Some(repo), Some(r)) if repo.facts.repository => {
                ask(repo, r).map_err(|problem| fail(function, problem))
            }
            _ => Ok(String::new()),
        }
    }

    fn file_age_days(&self, p: &str) -> Result<i64, ExecutionError> {
        // The history walk runs here, on first use, not for every manifest.
        let repo = self.repo.as_ref().filter(|r| r.facts.repository);
        let repo_path = self
            .files
            .get(p)
            .filter(|f| f.get("git").is_some())
            .and_then(|f| f.get("repo_path"))
            .and_then(serde_json::Value::as_str);
        let (Some(repo), Some(repo_path)) = (repo, repo_path) else {
            let why = match repo {
                None => "not a git repository",
                Some(r) => r
                    .files_problem()
                    .unwrap_or("the manifest does not reference it"),
            };
            let msg = format!("git facts about `{p}` are unknown ({why})");
            return Err(fail("file_age_days", msg));
        };
        let git = repo.files(&[repo_path.to_string()]);
        match git.get(repo_path).and_then(|g| g.last_commit_unix) {
            Some(t) => Ok((self.now_unix - t).div_euclid(86_400)),
            None => {
                let msg =
                    format!("`{p}` has no commit in the history (untracked, or a shallow clone)");
                Err(fail("file_age_days", msg))
            }
        }
    }

    /// One field of `path`'s Markdown facts.
    fn markdown(&self, path: &str, field: &str) -> Option<&serde_json::Value> {
        self.files.get(path)?.get("markdown")?.get(field)
    }

    fn markdown_count(&self, path: &str, what: &str) -> i64 {
        self.markdown(path, what)
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    }

    /// Handles, channels and addresses named in the section of the first heading of `path`
    /// containing `text` (none without such a heading).
    fn section_mentions(&self, path: &str, text: &str) -> Vec<String> {
        self.heading_index(path, text)
            .and_then(|i| self.markdown(path, "section_mentions")?.get(i))
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str().map(str::to_string))
            .collect()
    }

    fn section_words(&self, path: &str, text: &str) -> i64 {
        self.heading_index(path, text)
            .and_then(|i| self.markdown(path, "section_words")?.get(i))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    }

    /// The first heading of `path` that contains `text`, ignoring case.
    fn heading_index(&self, path: &str, text: &str) -> Option<usize> {
        self.markdown(path, "headings")?
            .as_array()?
            .iter()
            .position(|h| h.as_str().is_some_and(|h| contains_ignoring_case(h, text)))
    }
}

/// Whether `hay` contains `needle` in any case. Rules ask it of every heading of every
/// runbook, several times: ASCII text (nearly all) is compared in place, without lower-casing
/// a copy of each heading per question.
fn contains_ignoring_case(hay: &str, needle: &str) -> bool {
    if !(hay.is_ascii() && needle.is_ascii()) {
        return hay.to_lowercase().contains(&needle.to_lowercase());
    }
    needle.is_empty()
        || hay
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// What `file()` answers for a path the manifest does not reference.
fn file_facts(path: &str) -> serde_json::Value {
    serde_json::json!({"exists": false, "problem": format!("`{path}` is not referenced by the manifest")})
}

#[cfg(test)]
mod tests;
