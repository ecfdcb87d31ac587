//! Prometheus alerting rule files (`groups: [{name, rules: [{alert, expr, labels, annotations}]}]`),
//! or the same groups under `spec` of a Prometheus Operator `PrometheusRule` resource.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

mod held;
mod latency;
mod runbook;

pub use latency::AlertLatency;
use latency::{GroupTiming, duration_at, lagging, latency};
pub use runbook::RUNBOOK_MIN_WORDS;
use runbook::{described, runbook_verdict, runbook_words};

use super::paths::Reader;
use super::rulefmt::Format;
use crate::prometheus::syntax::Scale;
use crate::source::{SourceFile, Span, display_path};
use crate::yaml::{Kind, Limits, Node};

/// One alerting rule, where it is written, and what it carries.
#[derive(Debug, Clone, Serialize)]
pub struct AlertRule {
    /// The file as displayed.
    pub file: String,
    /// Line of the rule's `alert:` value.
    pub line: u32,
    /// Column of it.
    pub column: u32,
    /// Byte offset (for snippets).
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// The `severity` label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// The `runbook_url` (or `runbook`) annotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook: Option<String>,
    /// The runbook is a URL or an existing file in the repository.
    pub runbook_ok: bool,
    /// Why the runbook is not usable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_problem: Option<String>,
    /// The repository path of the runbook file it links, when it links one that exists:
    /// compared with the runbook the manifest names for the alert.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_file: Option<String>,
    /// The rule's `expr`.
    pub expr: AlertExpr,
    /// The rule's `for`: how long the condition must hold before the alert fires (absent:
    /// it fires at the first evaluation that finds it true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<AlertPending>,
    /// The latest the alert can page after its condition starts, as far as the rule file
    /// says (absent when it writes no `for`, group `interval` or `query_offset`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<AlertLatency>,
    /// A metric the `expr` selects that is no signal's series and no recording rule's, one
    /// slip from a signal's series (see [`super::slips`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub misspelt: Option<Misspelt>,
    /// How its comparison contradicts what a runbook says of it (the opening paragraph of the
    /// one it links, a line of the monitoring runbook that names it), when its own texts do
    /// not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runbook_said: Option<RunbookSaid>,
    /// The metric names the `expr` selects.
    #[serde(skip)]
    pub metrics: Vec<String>,
}

/// A metric an alert reads in place of a signal's series.
#[derive(Debug, Clone, Serialize)]
pub struct Misspelt {
    /// The name the `expr` selects.
    pub metric: String,
    /// The signal's series one slip from it.
    pub series: String,
}

/// An alerting rule's `for`, where it is written.
#[derive(Debug, Clone, Serialize)]
pub struct AlertPending {
    /// Where.
    #[serde(flatten)]
    pub at: Spot,
    /// As written (`30m`).
    pub text: String,
    /// In seconds, rounded up.
    pub seconds: i64,
}

/// Where a value is written in a rule file or runbook: what a rule's `location` reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spot {
    /// The file as displayed.
    pub file: String,
    /// Line of the value.
    pub line: u32,
    /// Column of it.
    pub column: u32,
    /// Byte offset (for snippets).
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Spot {
    /// Where byte `offset` of `text` is, `len` bytes long (the file left for the caller to
    /// name): a place in a runbook, read without a YAML span.
    pub(crate) fn in_text(text: &str, offset: usize, len: usize) -> Spot {
        let before = &text[..offset];
        let starts = before.rfind('\n').map_or(0, |nl| nl + 1);
        Spot {
            file: String::new(),
            line: u32::try_from(memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1)
                .unwrap_or(u32::MAX),
            column: u32::try_from(before[starts..].chars().count() + 1).unwrap_or(u32::MAX),
            offset,
            len,
        }
    }

    fn of(file: &str, span: crate::source::Span, len: usize) -> Spot {
        Spot {
            file: file.to_string(),
            line: span.start.line,
            column: span.start.column,
            offset: span.start.offset,
            len,
        }
    }
}

/// An alerting rule's `expr`: where it is written (a rule's `location`), and whether it
/// watches anything.
#[derive(Debug, Clone, Serialize)]
pub struct AlertExpr {
    /// Where.
    #[serde(flatten)]
    pub at: Spot,
    /// The expression on one line, cut to [`SHOWN_CHARS`] characters.
    pub text: String,
    /// It selects at least one series; one that selects none (`vector(0)`) fires always or
    /// never.
    pub reads_series: bool,
    /// Why it fires always or never, when its form says so (`rate(x[5m]) < 0`,
    /// `rate(x[5m]) > bool 0.05`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided: Option<&'static str>,
    /// How its comparison contradicts its own `summary`, `description` or `message` (`> 5`
    /// or `< 0.05` under "more than 5%"; see [`crate::prometheus::syntax::contradiction`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contradicted: Option<String>,
    /// The series it compares as it stands (`sum(errors_total) > 5`), not through a `rate`,
    /// an `increase` or another function: a running total when `telemetry.signals` says the
    /// series is a counter, which answers how long the process has counted, not what happens
    /// now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_series: Option<String>,
}

/// What an alert's runbook says of it that its comparison contradicts.
#[derive(Debug, Clone, Serialize)]
pub struct RunbookSaid {
    /// How (see [`crate::prometheus::syntax::contradiction`]).
    pub why: String,
    /// What the runbook says, on one line.
    pub said: String,
    /// Where it is written.
    pub at: Spot,
}

/// An alert whose texts are held to how long its rule holds its condition, once every
/// file is read.
struct Holding {
    /// The alert's name.
    name: String,
    /// Its `for`, in seconds (0 without one).
    for_seconds: i64,
    /// Its PromQL `expr`.
    expr: String,
    /// The times from now its `expr` compares, in seconds.
    ages: Vec<f64>,
    /// Its `summary`, `description` and `message`.
    texts: Vec<String>,
}

/// Longest expression text a finding quotes.
const SHOWN_CHARS: usize = 60;

/// A rule file that could not be used.
#[derive(Debug, Clone, Serialize)]
pub struct FileProblem {
    /// File as displayed.
    pub file: String,
    /// Where, when known: (line, column, offset, len).
    #[serde(skip)]
    pub at: Option<(u32, u32, usize, usize)>,
    /// What is wrong.
    pub message: String,
}

/// A span as a [`FileProblem`] holds it.
fn at(span: &crate::source::Span) -> (u32, u32, usize, usize) {
    (
        span.start.line,
        span.start.column,
        span.start.offset,
        span.len(),
    )
}

/// Everything the rule files say.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AlertFacts {
    /// Alerting rules by name (the first definition wins; duplicates are problems).
    pub rules: BTreeMap<String, AlertRule>,
    /// Broken rule files and duplicate rules.
    pub problems: Vec<FileProblem>,
    /// Rule files Prometheus would refuse whole (none of their alerts count), as displayed.
    pub refused: Vec<String>,
    /// Sources of the parsed rule files (for snippets).
    #[serde(skip)]
    pub sources: Vec<Arc<SourceFile>>,
}

impl AlertFacts {
    /// A rule file refused whole: its problems, where each is, and its source for snippets.
    fn refuse(
        &mut self,
        shown: String,
        src: Arc<SourceFile>,
        problems: impl IntoIterator<Item = (Span, String)>,
    ) {
        for (span, message) in problems {
            self.problems.push(FileProblem {
                file: shown.clone(),
                at: Some(at(&span)),
                message,
            });
        }
        self.refused.push(shown);
        self.sources.push(src);
    }
}

/// A value as Prometheus reads it into a string, `None` when empty or not a scalar.
fn string(node: Option<&Node>) -> Option<String> {
    super::rulefmt::text(node).ok().filter(|s| !s.is_empty())
}

/// Parses the rule files named in `alerts.rules` (paths as written in the manifest); `read`
/// holds the manifest's referenced files already read (a runbook the manifest names is not
/// read again).
pub fn collect(
    reader: &mut Reader,
    manifest_dir: &std::path::Path,
    files: &[String],
    read: &std::collections::BTreeMap<String, super::FileFacts>,
    signals: &[String],
) -> AlertFacts {
    let base = reader.base;
    let mut facts = AlertFacts::default();
    // Recording rules of every file: an alert may read a series another file records.
    let mut recorded = std::collections::HashSet::new();
    // Recorded series some rule may record below zero (a series is never negative when no
    // rule recording it may be), and the alerts whose answer depends on what is recorded:
    // decided once every file is read.
    let mut maybe_negative = std::collections::HashSet::new();
    let mut waiting = Vec::new();
    // What recorded series are (a ratio, a percentage, seconds), and the alerts comparing a
    // value with a number, with their texts: held to them once every file is read, as an
    // alert may compare a series another file records.
    let mut scales = std::collections::HashMap::new();
    let mut comparing = Vec::new();
    let mut holding: Vec<Holding> = Vec::new();
    for written in files {
        let shown = display_path(&manifest_dir.join(written));
        let Ok((path, text)) = reader.read_text(written) else {
            continue;
        }; // LG-PATH reports it
        let src = SourceFile::new(&path, shown.clone(), text);
        let doc = match crate::yaml::parse(&src, &Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                let message = match &e {
                    // promtool counts the first document's rules only: the rest never load.
                    crate::yaml::YamlError::MultipleDocuments { .. } => "a second YAML document starts here: Prometheus loads only the first document of a rule file, so the groups after `---` would not exist (and launchgate reads one PrometheusRule resource per file); move them into a file of their own".to_string(),
                    e => format!("the rule file is not valid YAML: {e}"),
                };
                facts.refuse(shown, src, [(e.span(), message)]);
                continue;
            }
        };
        let (body, format) = match super::rulefmt::groups_holder(&doc) {
            Ok(found) => found,
            Err(p) => {
                facts.refuse(shown, src, [(p.at, p.message)]);
                continue;
            }
        };
        // Prometheus refuses a file that fails its checks whole: none of its alerts exist.
        let mut checked = super::rulefmt::check(body, format);
        let refused = std::mem::take(&mut checked.problems);
        if !refused.is_empty() {
            let who = |p: &super::rulefmt::Problem| match format {
                _ if p.limit => "launchgate does not read this rule file",
                Format::RuleFile => "Prometheus refuses this rule file",
                Format::Resource => "the Prometheus Operator refuses this PrometheusRule",
            };
            let problems = refused
                .into_iter()
                .map(|p| (p.at, format!("{}: {}", who(&p), p.message)));
            facts.refuse(shown, src, problems);
            continue;
        }
        // Only a file Prometheus loads records anything.
        recorded.extend(std::mem::take(&mut checked.recorded));
        maybe_negative.extend(std::mem::take(&mut checked.maybe_negative));
        for (series, scale) in std::mem::take(&mut checked.scales) {
            // Two rules recording one name alike say what it is; unlike, nothing.
            scales
                .entry(series)
                .and_modify(|known| {
                    if *known != scale {
                        *known = Scale::Other;
                    }
                })
                .or_insert(scale);
        }
        let mut pending: std::collections::HashMap<usize, _> =
            std::mem::take(&mut checked.pending).into_iter().collect();
        let groups = match body.get("groups").map(|g| &g.kind) {
            Some(Kind::Seq(groups)) => groups,
            _ => {
                let message = match format {
                    Format::RuleFile => "not a Prometheus rule file: no `groups:` list",
                    Format::Resource => "the PrometheusRule's `spec` has no `groups:` list",
                };
                facts.refuse(shown, src, [(body.span, message.to_string())]);
                continue;
            }
        };
        for group in groups {
            let Some(Kind::Seq(rules)) = group.get("rules").map(|r| &r.kind) else {
                continue;
            };
            let timing = GroupTiming::of(group);
            for rule in rules {
                let Some(entry) = rule.entry("alert") else {
                    continue;
                };
                let Some(name) = string(Some(&entry.value)) else {
                    continue;
                };
                let span = entry.value.span;
                if let Some(first) = facts.rules.get(&name) {
                    facts.problems.push(FileProblem {
                        file: shown.clone(),
                        at: Some(at(&span)),
                        message: format!(
                            "alert `{name}` is defined twice (first at {}:{})",
                            first.file, first.line
                        ),
                    });
                    continue;
                }
                let severity = string(rule.get("labels").and_then(|l| l.get("severity")));
                let annotations = rule.get("annotations");
                let runbook = string(annotations.and_then(|a| a.get("runbook_url")))
                    .or_else(|| string(annotations.and_then(|a| a.get("runbook"))));
                let mut runbook_file = None;
                let (runbook_ok, runbook_problem) = match &runbook {
                    None => (false, Some("no `runbook_url` annotation".to_string())),
                    Some(r) if crate::manifest::is_local_url(r) => (
                        false,
                        Some(format!(
                            "runbook `{r}` is on the machine that opens it (a local address): the person paged cannot open it"
                        )),
                    ),
                    Some(r) if crate::manifest::is_example_url(r) => (
                        false,
                        Some(format!(
                            "runbook `{r}` is on a domain reserved for examples or a template's stand-in (example.com, yourcompany.com, .test, .invalid): it was copied from documentation or a template"
                        )),
                    ),
                    Some(r) if crate::manifest::is_url(r) => {
                        // A link to this repository's own file on its code host is that file.
                        let up = "../".repeat(base.dir.components().count());
                        let hosted = super::hosted::repo_paths(r)
                            .into_iter()
                            .map(|p| format!("{up}{p}"))
                            .find(|p| base.resolve(p).is_ok());
                        match hosted {
                            None => (true, None),
                            Some(p) => {
                                let file = base.repo_relative(&p);
                                let shown = format!("`{r}` (`{file}` in this repository)");
                                runbook_file = Some(file);
                                runbook_verdict(runbook_words(base, read, &p), &shown)
                            }
                        }
                    }
                    Some(r) => {
                        // Relative to the manifest first, then to the rule file's directory.
                        let rule_dir = std::path::Path::new(written)
                            .parent()
                            .unwrap_or(std::path::Path::new(""));
                        let beside = rule_dir.join(r).to_string_lossy().replace('\\', "/");
                        let found = match base.resolve(r) {
                            Ok(_) => Ok(r.as_str()),
                            Err(_) => base.resolve(&beside).map(|_| beside.as_str()),
                        };
                        if let Ok(p) = found {
                            runbook_file = Some(base.repo_relative(p));
                        }
                        let words = found.and_then(|p| runbook_words(base, read, p));
                        runbook_verdict(words, &format!("`{r}`"))
                    }
                };
                // Prometheus loaded the file, so every rule has a PromQL `expr`.
                let expr_node = rule.get("expr").unwrap_or(rule);
                let at_expr = expr_node.span;
                // A location is one line: a block scalar's expression is marked on its first.
                let written = src.text.get(at_expr.start.offset..at_expr.end.offset);
                let len = written.and_then(|t| t.find('\n')).unwrap_or(at_expr.len());
                let expr = AlertExpr {
                    at: Spot::of(&shown, at_expr, len),
                    text: super::one_line(
                        string(Some(expr_node)).as_deref().unwrap_or_default(),
                        SHOWN_CHARS,
                    ),
                    reads_series: !checked.constant.contains(&at_expr.start.offset),
                    decided: checked.answered.get(&at_expr.start.offset).copied(),
                    contradicted: None,
                    raw_series: checked.raw.remove(&at_expr.start.offset),
                };
                let texts: Vec<String> = ["summary", "description", "message"]
                    .iter()
                    .filter_map(|k| string(annotations.and_then(|a| a.get(k))))
                    .collect();
                if let Some(compared) = checked.compared.remove(&at_expr.start.offset)
                    && !texts.is_empty()
                {
                    comparing.push((name.clone(), compared, texts.clone()));
                }
                if let Some(parsed) = pending.remove(&at_expr.start.offset) {
                    waiting.push((name.clone(), parsed));
                }
                // Prometheus loaded the file, so a `for` is a duration it reads.
                let held = duration_at(rule, "for");
                let lag = checked
                    .lags
                    .get(&at_expr.start.offset)
                    .map(|&ms| lagging(expr_node, ms));
                let latency = latency(&shown, held.as_ref(), &timing, lag.as_ref());
                let for_seconds = held.as_ref().map_or(0, |w| (w.ms / 1000) as i64);
                let expr_text = string(Some(expr_node)).unwrap_or_default();
                let ages = checked
                    .ages
                    .remove(&at_expr.start.offset)
                    .unwrap_or_default();
                holding.push(Holding {
                    name: name.clone(),
                    for_seconds,
                    expr: expr_text,
                    ages,
                    texts,
                });
                let pending = held.and_then(|w| {
                    Some(AlertPending {
                        at: Spot::of(&shown, w.node.span, w.node.span.len()),
                        seconds: i64::try_from(w.ms.div_ceil(1000)).ok()?,
                        text: w.text,
                    })
                });
                facts.rules.insert(
                    name,
                    AlertRule {
                        file: shown.clone(),
                        line: span.start.line,
                        column: span.start.column,
                        offset: span.start.offset,
                        len: span.len(),
                        severity,
                        runbook,
                        runbook_ok,
                        runbook_problem,
                        runbook_file,
                        expr,
                        pending,
                        latency,
                        misspelt: None,
                        runbook_said: None,
                        metrics: checked
                            .metrics
                            .remove(&at_expr.start.offset)
                            .unwrap_or_default(),
                    },
                );
            }
        }
        facts.sources.push(src);
    }
    let known = |series: &str| recorded.contains(series) && !maybe_negative.contains(series);
    if recorded.iter().any(|series| known(series)) {
        for (name, parsed) in waiting {
            let answer = crate::prometheus::syntax::decided_alert_over(&parsed, &known);
            if let (Some(answer), Some(rule)) = (answer, facts.rules.get_mut(&name)) {
                rule.expr.decided = Some(answer);
            }
        }
    }
    for (name, mut compared, texts) in comparing {
        if compared.scale == Scale::Other
            && let Some(scale) = compared.series.as_ref().and_then(|s| scales.get(s))
        {
            compared.scale = *scale;
        }
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        if let Some(rule) = facts.rules.get_mut(&name) {
            rule.expr.contradicted = crate::prometheus::syntax::contradiction(&compared, &texts);
            if rule.expr.contradicted.is_some() {
                continue;
            }
            rule.runbook_said =
                described(rule.runbook_file.as_deref(), read, &name).find_map(|said| {
                    let why =
                        crate::prometheus::syntax::contradiction(&compared, &[said.said.as_str()])?;
                    Some(RunbookSaid {
                        why,
                        said: super::one_line(&said.said, 160),
                        at: said.at.clone(),
                    })
                });
        }
    }
    // A text that says its condition holds for another time than the rule, where it names no
    // other level; then a runbook's.
    for h in holding {
        let Some(rule) = facts.rules.get_mut(&h.name) else {
            continue;
        };
        let held = held::Held::of(h.for_seconds, &h.expr, &h.ages);
        let texts: Vec<&str> = h.texts.iter().map(String::as_str).collect();
        if rule.expr.contradicted.is_none() {
            rule.expr.contradicted = held.contradicted(&texts);
        }
        if rule.expr.contradicted.is_none() && rule.runbook_said.is_none() {
            rule.runbook_said =
                described(rule.runbook_file.as_deref(), read, &h.name).find_map(|said| {
                    Some(RunbookSaid {
                        why: held.contradicted(&[said.said.as_str()])?,
                        said: super::one_line(&said.said, 160),
                        at: said.at.clone(),
                    })
                });
        }
    }
    for rule in facts.rules.values_mut() {
        // A recording rule's series holds what it records, a rate or a ratio, whatever its name.
        if rule
            .expr
            .raw_series
            .as_ref()
            .is_some_and(|series| recorded.contains(series))
        {
            rule.expr.raw_series = None;
        }
        rule.misspelt = super::slips::misspelt(&rule.metrics, signals, &recorded)
            .map(|(metric, series)| Misspelt { metric, series });
    }
    facts
}
