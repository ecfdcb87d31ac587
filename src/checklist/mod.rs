//! Checklists: data files of items with CEL `require` rules, built in or user-supplied.

#[cfg(test)]
mod agreement;
pub mod eval;
#[cfg(test)]
mod rules_tests;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::expr::{CompileError, Expr, Template};
use crate::report::{Finding, Severity};
use crate::schema::{Schema, Which};
use crate::source::{SourceFile, Span, display_path};
use crate::yaml::{self, Limits, Route};

/// The built-in checklists' sources: (name, text).
pub const BUILTIN: [(&str, &str); 2] = [
    (
        "production",
        include_str!("../../checklists/production.yaml"),
    ),
    ("launch", include_str!("../../checklists/launch.yaml")),
];

/// The built-in checklists as JSON, in [`BUILTIN`]'s order: `build.rs` converts
/// `checklists/*.yaml` when launchgate is built, because parsing their YAML was two thirds of
/// compiling them, on every run's start-up. `builtin_json_is_the_yaml` holds the two alike.
const BUILTIN_JSON: [&str; 2] = [
    include_str!(concat!(env!("OUT_DIR"), "/checklists/production.json")),
    include_str!(concat!(env!("OUT_DIR"), "/checklists/launch.json")),
];

/// A loaded, compiled checklist.
#[derive(Debug)]
pub struct Checklist {
    /// Name used in manifests.
    pub name: String,
    /// Title.
    pub title: String,
    /// Longer description.
    pub description: String,
    /// `built-in` or the file it came from.
    pub origin: String,
    /// Items in file order.
    pub items: Vec<Item>,
}

/// One checklist item.
#[derive(Debug)]
pub struct Item {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Error or warning.
    pub severity: Severity,
    /// Stages it applies to (empty: all).
    pub applies_to: Vec<String>,
    /// Why it matters.
    pub why: String,
    /// How to satisfy it.
    pub fix: String,
    /// A satisfying manifest fragment.
    pub example: Option<String>,
    /// Rules in order.
    pub rules: Vec<Rule>,
    /// The finding every manifest that satisfies the item gets: built once, so that a run's
    /// passes share their id, title and message.
    passed: Finding,
}

/// One `require` rule.
#[derive(Debug)]
pub struct Rule {
    /// The condition.
    pub expr: Expr,
    /// Message when it does not hold.
    pub message: Template,
    /// Where findings point (relative to the element with `each`).
    pub at: Option<Route>,
    /// Collection to iterate.
    pub each: Option<Route>,
    /// Evaluates to `{file, line, column, offset, len}`: the finding points there instead
    /// (e.g. at the alert rule in its rule file).
    pub location: Option<Expr>,
    /// An evaluation error (unknown facts) holds instead of failing.
    pub hold_on_error: bool,
    /// The age limits the rule sets (`days_since(manifest.F) <= N`), read once at load.
    pub age_limits: Vec<crate::freshness::AgeLimit>,
    /// What its expressions read, found when it first fails.
    reads: OnceLock<eval::Reads>,
}

impl Rule {
    /// What the rule's condition, message and location read of `manifest` and `evidence`.
    pub fn reads(&self) -> &eval::Reads {
        self.reads.get_or_init(|| {
            let mut exprs = vec![&self.expr];
            exprs.extend(&self.location);
            exprs.extend(self.message.expressions());
            eval::Reads::of(&exprs)
        })
    }
}

impl Item {
    /// The pass finding of this item.
    pub fn passed(&self) -> Finding {
        self.passed.clone()
    }

    /// Whether the item applies to a stage.
    pub fn applies(&self, stage: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|s| s == stage)
    }
}

/// A checklist that could not be loaded: launchgate cannot do its job (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    /// The file could not be read.
    #[error("cannot read checklist `{path}`: {reason}")]
    Io {
        /// Displayed path.
        path: String,
        /// OS error.
        reason: String,
    },
    /// The file is not a valid checklist.
    #[error("invalid checklist `{}`: {message}", src.display)]
    Invalid {
        /// The checklist text.
        src: Arc<SourceFile>,
        /// Where.
        span: Span,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
}

#[derive(Deserialize)]
struct RawChecklist {
    name: String,
    title: String,
    #[serde(default)]
    description: String,
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
struct RawItem {
    id: String,
    title: String,
    severity: Severity,
    #[serde(default)]
    applies_to: Vec<String>,
    why: String,
    fix: String,
    example: Option<String>,
    require: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    rule: String,
    message: String,
    at: Option<String>,
    each: Option<String>,
    location: Option<String>,
    #[serde(default)]
    hold_on_error: bool,
}

/// Parses, validates and compiles a checklist file's text.
pub fn parse(src: Arc<SourceFile>, origin: &str) -> Result<Checklist, ChecklistError> {
    let invalid = |span, message, help| invalid(&src, span, message, help);
    let root = yaml::parse(&src, &Limits::default())
        .map_err(|e| invalid(e.span(), e.to_string(), Some(e.help())))?;
    let json = root.to_json();
    // Built-in checklists are validated and compiled whole by the test suite (debug builds;
    // `builtins_match_the_schema`): release builds skip the checklist schema and leave their
    // messages to compile when first shown, off every run's start-up.
    let builtin = origin == "built-in";
    let trusted = builtin && !cfg!(debug_assertions);
    if !trusted
        && let Some(v) = Schema::get(Which::Checklist)
            .validate(&root, &json)
            .into_iter()
            .next()
    {
        return Err(invalid(v.span, v.message, v.help));
    }
    let raw: RawChecklist =
        serde_json::from_value(json).map_err(|e| invalid(root.span, e.to_string(), None))?;
    build(raw, &src, origin, &|route| root.locate(route).span)
}

/// The error of a checklist that is not valid, at `span` in `src`.
fn invalid(
    src: &Arc<SourceFile>,
    span: Span,
    message: String,
    help: Option<String>,
) -> ChecklistError {
    ChecklistError::Invalid {
        src: src.clone(),
        span,
        message,
        help,
    }
}

/// Compiles a checklist read as `raw` from `src`; `locate` gives the span of a route in it.
fn build(
    raw: RawChecklist,
    src: &Arc<SourceFile>,
    origin: &str,
    locate: &dyn Fn(&Route) -> Span,
) -> Result<Checklist, ChecklistError> {
    let invalid = |span, message, help| invalid(src, span, message, help);
    let builtin = origin == "built-in";
    let trusted = builtin && !cfg!(debug_assertions);
    let compile: fn(&str) -> Result<Expr, CompileError> = if builtin {
        Expr::compile_builtin
    } else {
        Expr::compile
    };
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for (i, it) in raw.items.into_iter().enumerate() {
        let item_route = Route::root().key("items").index(i);
        if !seen.insert(it.id.clone()) {
            let span = locate(&item_route.key("id"));
            return Err(invalid(
                span,
                format!("item id `{}` is used twice", it.id),
                None,
            ));
        }
        let mut rules = Vec::new();
        for (j, r) in it.require.into_iter().enumerate() {
            let rule_route = item_route.key("require").index(j);
            let compile_err = |field: &str, e: CompileError| {
                invalid(locate(&rule_route.key(field)), e.to_string(), Some(
                    "rules are CEL expressions; see the README's checklist section for variables and functions".into(),
                ))
            };
            let route_of = |field: &str,
                            text: Option<String>|
             -> Result<Option<Route>, ChecklistError> {
                match text {
                    None => Ok(None),
                    Some(t) => Route::parse(&t).map(Some).ok_or_else(|| {
                        invalid(
                            locate(&rule_route.key(field)),
                            format!("`{t}` is not a manifest path such as `rollback.last_tested` or `risks[0].owner`"),
                            None,
                        )
                    }),
                }
            };
            rules.push(Rule {
                expr: compile(&r.rule).map_err(|e| compile_err("rule", e))?,
                message: if trusted {
                    Template::deferred(&r.message)
                } else {
                    Template::compile_with(&r.message, compile)
                        .map_err(|e| compile_err("message", e))?
                },
                at: route_of("at", r.at)?,
                each: route_of("each", r.each)?,
                location: match &r.location {
                    Some(l) => Some(compile(l).map_err(|e| compile_err("location", e))?),
                    None => None,
                },
                hold_on_error: r.hold_on_error,
                age_limits: crate::freshness::age_limits(&r.rule),
                reads: OnceLock::new(),
            });
        }
        let passed = Finding::new(
            &it.id,
            &it.title,
            it.severity,
            crate::report::Outcome::Pass,
            format!("{}: satisfied", it.title),
        );
        items.push(Item {
            passed,
            id: it.id,
            title: it.title,
            severity: it.severity,
            applies_to: it.applies_to,
            why: unwrap_lines(&it.why),
            fix: unwrap_lines(&it.fix),
            example: it.example,
            rules,
        });
    }
    Ok(Checklist {
        name: raw.name,
        title: raw.title,
        description: unwrap_lines(&raw.description),
        origin: origin.to_string(),
        items,
    })
}

/// Joins the lines of each paragraph, so text written as a YAML block reads as prose everywhere.
fn unwrap_lines(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|para| para.lines().map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The built-in checklists, compiled once.
pub fn builtins() -> &'static [Arc<Checklist>] {
    static BUILT: OnceLock<Vec<Arc<Checklist>>> = OnceLock::new();
    BUILT.get_or_init(|| (0..BUILTIN.len()).map(compiled).collect())
}

/// Starts compiling the built-in checklists, one per core, while the manifest is read, parsed
/// and its evidence gathered (loading them was 6 M of a one-manifest run's 30 M instructions,
/// two thirds of it parsing their YAML, which `BUILTIN_JSON` now spares).
pub fn precompile() {
    for i in 0..BUILTIN.len() {
        rayon::spawn(move || {
            let _ = compiled(i);
        });
    }
}

/// Built-in checklist `i`, compiled once. Each compiles under its own lock and without rayon:
/// a worker waiting for one must never pick up (by work stealing) a job that waits for it too.
fn compiled(i: usize) -> Arc<Checklist> {
    static ONE: [OnceLock<Arc<Checklist>>; BUILTIN.len()] =
        [const { OnceLock::new() }; BUILTIN.len()];
    ONE[i]
        .get_or_init(|| {
            let name = BUILTIN[i].0;
            // Without the YAML's text: no span of the JSON points into it, and an error here
            // only ever shows its message.
            let src = SourceFile::new(
                Path::new(&format!("checklists/{name}.yaml")),
                format!("checklists/{name}.yaml"),
                String::new(),
            );
            let compiled = serde_json::from_str(BUILTIN_JSON[i])
                .map_err(|e| e.to_string())
                .and_then(|raw| {
                    build(raw, &src, "built-in", &|_| Span::default()).map_err(|e| e.to_string())
                });
            match compiled {
                Ok(c) => Arc::new(c),
                Err(e) => panic!("built-in checklist {name} is invalid: {e}"),
            }
        })
        .clone()
}

/// The built-in checklist with this name.
pub fn builtin(name: &str) -> Option<Arc<Checklist>> {
    if !is_builtin(name) {
        return None;
    }
    builtins().iter().find(|c| c.name == name).cloned()
}

/// Whether `name` is a built-in checklist, without compiling any.
pub fn is_builtin(name: &str) -> bool {
    BUILTIN.iter().any(|(n, _)| *n == name)
}

/// Whether a checklist reference names a file (a built-in is a bare name).
pub fn is_file_reference(reference: &str) -> bool {
    reference.ends_with(".yaml") || reference.ends_with(".yml")
}

/// A checklist file's load result, shared by every manifest that names it.
pub type Loaded = Arc<Result<Arc<Checklist>, ChecklistError>>;

/// Loads the files a run shares once, across threads: user checklist files, and the
/// repository policies that decide which checklists are required.
#[derive(Default)]
pub struct Loader {
    cache: crate::recent::Recent<PathBuf, Loaded>,
    /// Repository policies (`.launchgate.yaml`), found and loaded once per directory.
    pub policies: crate::policy::Cache,
    /// Directory facts (canonical forms, `.git`, `.launchgate.yaml`) learned in this run.
    pub dirs: std::sync::Arc<crate::dirs::Dirs>,
}

impl Loader {
    /// Loads (or returns the cached) checklist at a path.
    pub fn load(&self, path: &Path) -> Loaded {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.cache.get_or_compute(&key, || {
            let display = display_path(path);
            // A checklist named by a policy or a manifest may be anything: a FIFO must not
            // hang the run.
            let limit = crate::evidence::paths::MAX_FILE_BYTES;
            let result = match crate::evidence::paths::read_regular(path, limit) {
                Err(e) => Err(ChecklistError::Io {
                    path: display,
                    reason: e.to_string(),
                }),
                Ok(bytes) => match String::from_utf8(bytes) {
                    Err(_) => Err(ChecklistError::Io {
                        path: display,
                        reason: "not UTF-8 text".into(),
                    }),
                    Ok(text) => {
                        let origin = display.clone();
                        parse(SourceFile::new(path, display, text), &origin).map(Arc::new)
                    }
                },
            };
            Arc::new(result)
        })
    }

    /// Forgets the checklist files, policies and directory facts not asked for since the last
    /// call (see [`crate::recent::Recent`]). A run calls it between chunks.
    pub fn age(&self) {
        self.cache.age();
        self.policies.age();
        self.dirs.age();
    }

    /// Resolves a checklist reference: a built-in name, or a path relative to `dir`.
    pub fn resolve(
        &self,
        reference: &str,
        dir: &Path,
    ) -> Option<Arc<Result<Arc<Checklist>, ChecklistError>>> {
        if let Some(c) = builtin(reference) {
            return Some(Arc::new(Ok(c)));
        }
        if !is_file_reference(reference) {
            return None;
        }
        Some(self.load(&dir.join(reference)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Checklist, ChecklistError> {
        parse(
            SourceFile::new(Path::new("c.yaml"), "c.yaml".into(), text.into()),
            "c.yaml",
        )
    }

    #[test]
    fn builtins_load() {
        assert!(builtin("production").is_some());
        assert!(builtin("launch").is_some());
        for c in builtins() {
            assert!(!c.items.is_empty());
        }
    }

    /// What `build.rs` wrote for each built-in checklist is what launchgate's own YAML loader
    /// reads from its file.
    #[test]
    fn builtin_json_is_the_yaml() {
        for ((name, text), json) in BUILTIN.iter().zip(BUILTIN_JSON) {
            let src = SourceFile::new(Path::new(name), name.to_string(), text.to_string());
            let root = yaml::parse(&src, &Limits::default()).unwrap();
            let built: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(built, root.to_json(), "{name}");
        }
    }

    #[test]
    fn builtins_match_the_schema() {
        for (name, text) in BUILTIN {
            let src = SourceFile::new(Path::new(name), name.to_string(), text.to_string());
            let root = yaml::parse(&src, &Limits::default()).unwrap();
            let v = Schema::get(Which::Checklist).validate(&root, &root.to_json());
            assert!(v.is_empty(), "{name}: {v:?}");
        }
    }

    /// Built-in expressions compile with cel's Pratt parser (`Expr::compile_builtin`), which is
    /// only trusted because it builds the very tree of the reference parser for each of them.
    #[test]
    fn builtin_expressions_parse_alike() {
        let mut compared = 0;
        for (name, text) in BUILTIN {
            let raw: RawChecklist = raw_of(text);
            for r in raw.items.iter().flat_map(|i| &i.require) {
                for e in std::iter::once(&r.rule).chain(&r.location) {
                    let reference = Expr::compile(e).unwrap();
                    let pratt = Expr::compile_builtin(e).unwrap();
                    assert_eq!(reference.expression, pratt.expression, "{name}: `{e}`");
                    compared += 1;
                }
                let reference = Template::compile(&r.message).unwrap();
                let pratt = Template::compile_with(&r.message, Expr::compile_builtin).unwrap();
                let (a, b) = (reference.expressions(), pratt.expressions());
                assert_eq!(a.len(), b.len(), "{name}: `{}`", r.message);
                for (a, b) in a.iter().zip(&b) {
                    assert_eq!(a.expression, b.expression, "{name}: `{}`", a.source);
                    compared += 1;
                }
            }
        }
        assert!(
            compared > 100,
            "only {compared} built-in expressions compared"
        );
    }

    fn raw_of(text: &str) -> RawChecklist {
        let src = SourceFile::new(Path::new("b.yaml"), "b.yaml".into(), text.to_string());
        let root = yaml::parse(&src, &Limits::default()).unwrap();
        serde_json::from_value(root.to_json()).unwrap()
    }

    #[test]
    fn invalid_rules_are_located() {
        let err = load(
            "version: 1\nname: mine\ntitle: Mine\nitems:\n  - id: MY-ITEM\n    title: t\n    severity: error\n    why: w\n    fix: f\n    require:\n      - rule: 'manifest.x >'\n        message: m\n",
        )
        .unwrap_err();
        match err {
            ChecklistError::Invalid { span, message, .. } => {
                assert_eq!(span.start.line, 11);
                assert!(message.contains("invalid expression"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn schema_errors_and_duplicate_ids_are_rejected() {
        let err = load("version: 1\nname: mine\ntitle: Mine\nitems: []\n").unwrap_err();
        assert!(err.to_string().contains("items"), "{err}");
        let item = "  - id: MY-ITEM\n    title: t\n    severity: error\n    why: w\n    fix: f\n    require: [{rule: 'true', message: m}]\n";
        let err = load(&format!(
            "version: 1\nname: mine\ntitle: Mine\nitems:\n{item}{item}"
        ))
        .unwrap_err();
        assert!(err.to_string().contains("used twice"), "{err}");
    }
}
