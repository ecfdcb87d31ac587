//! The repository policy: which checklists a manifest must be checked against, decided by the
//! repository (`.launchgate.yaml`) rather than by the manifest being checked.
//!
//! Policy files are found by walking up from the manifest's directory to the repository root
//! (the directory holding `.git`); outside a repository, up to the filesystem root. The root's
//! file, or without one the default policy (`default.yaml`, the text `launchgate init` writes),
//! applies, and files nearer the manifest add rules to it (see [`find_all`]).

pub mod resolve;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use crate::recent::Recent;
use crate::report::Location;
use crate::schema::{Schema, Which};
use crate::source::{SourceFile, Span, display_path};
use crate::yaml::{self, Limits, Route};

/// The policy file's name.
pub const FILE_NAME: &str = ".launchgate.yaml";

/// The default policy, as `launchgate init` writes it.
pub const DEFAULT_TEXT: &str = include_str!("default.yaml");

/// What `required_by` says for rules of the default policy.
pub const DEFAULT_ORIGIN: &str = "default policy";

/// A policy file that cannot be used: launchgate cannot do its job (exit 2).
#[derive(Debug, Clone, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy `{path}`: {reason}")]
    Io {
        /// Displayed path.
        path: String,
        /// OS error.
        reason: String,
    },
    /// The file is not a valid policy.
    #[error("invalid policy `{}` at {}:{}: {message}", src.display, span.start.line, span.start.column)]
    Invalid {
        /// The policy text.
        src: Arc<SourceFile>,
        /// Where.
        span: Span,
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
}

/// A parsed policy.
#[derive(Debug)]
pub struct Policy {
    /// The policy file as displayed; `None` for the default policy.
    pub file: Option<String>,
    /// Directory checklist paths are relative to.
    pub dir: PathBuf,
    /// Rules in file order.
    pub rules: Vec<Rule>,
}

/// One `require` rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Required checklists: (reference as written, where it is written).
    pub checklists: Vec<(String, Span)>,
    /// Stages the rule applies to; empty: every stage.
    pub stages: Vec<String>,
    /// Tiers the rule applies to; empty: every tier.
    pub tiers: Vec<u8>,
    /// Why the rule exists.
    pub description: Option<String>,
    /// The policy file the rule is written in; `None` for the default policy.
    pub file: Option<String>,
    /// Directory the rule's checklist paths are relative to.
    pub dir: PathBuf,
}

/// A checklist the policy requires of one manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The checklist as the policy writes it: a built-in name or a path.
    pub reference: String,
    /// Directory a path reference is relative to.
    pub dir: PathBuf,
    /// The rule requiring it: `.launchgate.yaml:17`, or `default policy`.
    pub required_by: String,
    /// Where the policy file names it; `None` for the default policy.
    pub location: Option<Location>,
    /// The rule's description.
    pub description: Option<String>,
}

#[derive(Deserialize)]
struct RawPolicy {
    require: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawRule {
    checklists: Vec<String>,
    #[serde(default)]
    when: RawWhen,
    description: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawWhen {
    #[serde(default)]
    stage: Vec<String>,
    #[serde(default)]
    tier: Vec<u8>,
}

impl Rule {
    /// Whether the rule applies to a manifest. A manifest without a tier matches every tier:
    /// leaving the tier out must not escape a rule.
    pub fn matches(&self, stage: &str, tier: Option<u8>) -> bool {
        let stage_ok = self.stages.is_empty() || self.stages.iter().any(|s| s == stage);
        let tier_ok = self.tiers.is_empty() || tier.is_none_or(|t| self.tiers.contains(&t));
        stage_ok && tier_ok
    }
}

/// Where a policy's text comes from, which decides whether it is validated against the policy
/// schema when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PolicyText {
    /// A policy file (or text given as one): always validated.
    File,
    /// The built-in default: validated by a test, not at run time.
    Builtin,
}

impl Policy {
    /// Parses and validates a policy file's text. `file` is `None` for the default policy;
    /// checklist paths are resolved against `dir` and must name existing files.
    pub fn parse(
        src: Arc<SourceFile>,
        dir: &Path,
        file: Option<String>,
    ) -> Result<Policy, PolicyError> {
        Self::parse_as(src, dir, file, PolicyText::File)
    }

    fn parse_as(
        src: Arc<SourceFile>,
        dir: &Path,
        file: Option<String>,
        text: PolicyText,
    ) -> Result<Policy, PolicyError> {
        let invalid = |span: Span, message: String, help: Option<String>| PolicyError::Invalid {
            src: src.clone(),
            span,
            message,
            help,
        };
        let root = yaml::parse(&src, &Limits::default())
            .map_err(|e| invalid(e.span(), e.to_string(), Some(e.help())))?;
        let json = root.to_json();
        if text == PolicyText::File
            && let Some(v) = Schema::get(Which::Policy)
                .validate(&root, &json)
                .into_iter()
                .next()
        {
            let help = v
                .help
                .map(|h| format!("{h}\n(`launchgate schema policy` prints the schema)"));
            return Err(invalid(v.span, v.message, help));
        }
        let raw: RawPolicy =
            serde_json::from_value(json).map_err(|e| invalid(root.span, e.to_string(), None))?;
        let mut rules = Vec::new();
        for (i, r) in raw.require.into_iter().enumerate() {
            let mut checklists = Vec::new();
            for (j, reference) in r.checklists.into_iter().enumerate() {
                let route = Route::root()
                    .key("require")
                    .index(i)
                    .key("checklists")
                    .index(j);
                let span = root.locate(&route).span;
                if let Some(problem) = reference_problem(&reference, dir) {
                    return Err(invalid(
                        span,
                        problem,
                        Some(format!(
                            "use a built-in checklist ({}) or the path of a checklist file ending in .yaml, relative to the policy file",
                            resolve::builtin_names()
                        )),
                    ));
                }
                checklists.push((reference, span));
            }
            rules.push(Rule {
                checklists,
                stages: r.when.stage,
                tiers: r.when.tier,
                description: r.description,
                file: file.clone(),
                dir: dir.to_path_buf(),
            });
        }
        Ok(Policy {
            file,
            dir: dir.to_path_buf(),
            rules,
        })
    }

    /// The default policy, used where no `.launchgate.yaml` is found.
    ///
    /// It is not validated against the schema at run time (a test does that): compiling the
    /// policy schema, and the draft's meta-schema it is checked against, would be on the path of
    /// every run in a repository without a policy file.
    pub fn default_policy() -> Arc<Policy> {
        static DEFAULT: OnceLock<Arc<Policy>> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                let src = SourceFile::new(
                    Path::new("src/policy/default.yaml"),
                    DEFAULT_ORIGIN.into(),
                    DEFAULT_TEXT.into(),
                );
                match Policy::parse_as(src, Path::new(""), None, PolicyText::Builtin) {
                    Ok(p) => Arc::new(p),
                    // The default is tested (`default_policy_parses_and_matches_the_schema`):
                    // failing here is a build defect.
                    Err(e) => panic!("the default policy is invalid: {e}"),
                }
            })
            .clone()
    }

    /// Where the policy comes from: its file as displayed, or `default policy`.
    pub fn origin(&self) -> &str {
        self.file.as_deref().unwrap_or(DEFAULT_ORIGIN)
    }

    /// The checklists required of a manifest with this stage and tier, in rule order, each
    /// once (the first rule requiring it names it).
    pub fn required(&self, stage: &str, tier: Option<u8>) -> Vec<Requirement> {
        let mut out: Vec<Requirement> = Vec::new();
        for rule in self.rules.iter().filter(|r| r.matches(stage, tier)) {
            for (reference, span) in &rule.checklists {
                if out.iter().any(|r| &r.reference == reference) {
                    continue;
                }
                let (required_by, location) = match &rule.file {
                    Some(file) => (
                        format!("{file}:{}", span.start.line),
                        Some(Location::in_file(file.clone(), *span)),
                    ),
                    None => (DEFAULT_ORIGIN.to_string(), None),
                };
                out.push(Requirement {
                    reference: reference.clone(),
                    dir: rule.dir.clone(),
                    required_by,
                    location,
                    description: rule.description.clone(),
                });
            }
        }
        out
    }

    /// Checklist files the policy names (absolute when the policy file's directory is).
    pub fn checklist_files(&self) -> Vec<PathBuf> {
        self.rules
            .iter()
            .flat_map(|r| {
                r.checklists
                    .iter()
                    .map(move |(reference, _)| (r, reference))
            })
            .filter(|(_, reference)| !crate::checklist::is_builtin(reference))
            .map(|(r, reference)| r.dir.join(reference))
            .collect()
    }

    /// Policies in force together, outermost first: their rules all apply, so a policy nearer
    /// the manifest can require more, never less.
    pub fn layered(layers: &[Arc<Policy>]) -> Policy {
        let files: Vec<&str> = layers.iter().map(|p| p.origin()).collect();
        Policy {
            file: Some(files.join(" + ")),
            dir: layers.last().map(|p| p.dir.clone()).unwrap_or_default(),
            rules: layers
                .iter()
                .flat_map(|p| p.rules.iter().cloned())
                .collect(),
        }
    }
}

/// Why a policy's checklist reference cannot be used, if it cannot.
fn reference_problem(reference: &str, dir: &Path) -> Option<String> {
    if crate::checklist::is_builtin(reference) {
        return None;
    }
    if !crate::checklist::is_file_reference(reference) {
        return Some(format!("unknown checklist `{reference}`"));
    }
    if Path::new(reference).is_absolute() {
        return Some(format!(
            "checklist file `{reference}` is an absolute path; name one inside the repository, relative to the policy file"
        ));
    }
    let path = dir.join(reference);
    if !path.is_file() {
        return Some(format!(
            "checklist file `{reference}` does not exist (paths are relative to the policy file)"
        ));
    }
    // Read anyway, a file outside the repository would reach the report in a parse error's
    // snippet, and the policy is the repository's to change like any file in it.
    let root = repository_root(dir);
    match std::fs::canonicalize(&path) {
        Ok(real) if real.starts_with(&root) => None,
        Ok(real) => Some(format!(
            "checklist file `{reference}` is `{}`, outside the repository",
            real.display()
        )),
        Err(e) => Some(format!("checklist file `{reference}` cannot be read: {e}")),
    }
}

/// The repository a policy file in `dir` belongs to: the nearest directory holding `.git`,
/// else `dir` itself (canonical when it can be).
pub(crate) fn repository_root(dir: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

/// The policy file that governs manifests in `dir`: the nearest `.launchgate.yaml` from `dir`
/// up to the repository root (the first directory holding `.git`, a directory or a worktree's
/// file), never above it; outside a repository, up to the filesystem root.
pub fn find(dir: &Path) -> std::io::Result<Option<PathBuf>> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let canonical = std::fs::canonicalize(dir)?;
    for ancestor in canonical.ancestors() {
        let candidate = ancestor.join(FILE_NAME);
        if candidate.exists() {
            return Ok(Some(candidate));
        }
        if ancestor.join(".git").exists() {
            return Ok(None);
        }
    }
    Ok(None)
}

/// Every policy file from `dir` up to the repository root, outermost first, and whether the
/// outermost one stands at the repository root. Only the root's file replaces the default
/// policy; a file nearer a manifest adds rules to it, because whoever writes a directory's
/// manifest may write its `.launchgate.yaml` too. Outside a repository the outermost file found
/// counts as the root's.
pub fn find_all(dir: &Path) -> std::io::Result<(Vec<PathBuf>, bool)> {
    find_all_in(&crate::dirs::Dirs::default(), dir)
}

/// [`find_all`], with what the run already knows about directories.
fn find_all_in(dirs: &crate::dirs::Dirs, dir: &Path) -> std::io::Result<(Vec<PathBuf>, bool)> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let canonical = dirs.canonical(dir)?;
    let mut found = Vec::new();
    for ancestor in canonical.ancestors() {
        let at_root = dirs.has(ancestor, ".git");
        if dirs.has(ancestor, FILE_NAME) {
            found.push(ancestor.join(FILE_NAME));
            if at_root {
                found.reverse();
                return Ok((found, true));
            }
        } else if at_root {
            found.reverse();
            return Ok((found, false));
        }
    }
    found.reverse();
    let rooted = !found.is_empty();
    Ok((found, rooted))
}

/// Reads and parses a policy file.
pub fn load(path: &Path) -> Result<Policy, PolicyError> {
    let display = display_path(path);
    let io = |reason: String| PolicyError::Io {
        path: display.clone(),
        reason,
    };
    let dir = path.parent().unwrap_or(Path::new(""));
    // A policy is found by name in the repository; one that is a symlink out of it would show
    // that file's text in a parse error.
    if let Ok(real) = std::fs::canonicalize(path) {
        let root = repository_root(dir);
        if !real.starts_with(&root) {
            return Err(io(format!(
                "it is a symlink to `{}`, outside the repository",
                real.display()
            )));
        }
    }
    // One open that cannot block: a `stat` first would leave a window in which a FIFO put in
    // the file's place hangs the run.
    let bytes = crate::evidence::paths::read_regular(path, crate::evidence::paths::MAX_FILE_BYTES)
        .map_err(|e| io(e.to_string()))?;
    let mut text = String::from_utf8(bytes).map_err(|_| io("not UTF-8 text".into()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Policy::parse(
        SourceFile::new(path, display.clone(), text),
        dir,
        Some(display),
    )
}

/// A policy load result, shared by every manifest it governs.
type Loaded = Arc<Result<Arc<Policy>, PolicyError>>;

/// Finds and loads policies once per run, shared across threads.
#[derive(Default)]
pub struct Cache {
    governing: Recent<PathBuf, Loaded>,
    loaded: Recent<PathBuf, Loaded>,
}

impl Cache {
    /// The policy governing the manifest at `manifest`: the default policy or the repository
    /// root's `.launchgate.yaml`, plus every `.launchgate.yaml` between the root and the
    /// manifest (see [`find_all`]).
    pub fn for_manifest(
        &self,
        dirs: &crate::dirs::Dirs,
        manifest: &Path,
    ) -> Result<Arc<Policy>, PolicyError> {
        let dir = manifest.parent().unwrap_or(Path::new(""));
        self.governing
            .get_or_compute(dir, || Arc::new(self.governing(dirs, dir)))
            .as_ref()
            .clone()
    }

    /// Forgets the directories and policy files not asked about since the last call (see
    /// [`Recent`]).
    pub fn age(&self) {
        self.governing.age();
        self.loaded.age();
    }

    fn governing(&self, dirs: &crate::dirs::Dirs, dir: &Path) -> Result<Arc<Policy>, PolicyError> {
        let (paths, rooted) = find_all_in(dirs, dir).map_err(|e| PolicyError::Io {
            path: display_path(dir),
            reason: e.to_string(),
        })?;
        let mut layers = Vec::new();
        if !rooted {
            layers.push(Policy::default_policy());
        }
        for path in paths {
            layers.push(self.load(&path)?);
        }
        Ok(match layers.as_slice() {
            [one] => one.clone(),
            _ => Arc::new(Policy::layered(&layers)),
        })
    }

    fn load(&self, path: &Path) -> Result<Arc<Policy>, PolicyError> {
        self.loaded
            .get_or_compute(path, || Arc::new(load(path).map(Arc::new)))
            .as_ref()
            .clone()
    }
}

#[cfg(test)]
mod tests;
