//! The command line: argument definitions and dispatch. `main.rs` only parses and calls [`run`].

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::Error;
use crate::render::{self, Format, Output, Style};
use crate::report::Report;

/// Exit code: the tool could not do its job.
pub const EXIT_ERROR: i32 = 2;

/// launchgate: a release-readiness gate for CI.
#[derive(Debug, Parser)]
#[command(name = "launchgate", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to use colors.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// When to color output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// launchgate's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check readiness manifests against the schema, checklists and repository evidence.
    ///
    /// Exit codes: 0 every manifest passes, 1 an item fails, 3 hold (evidence could not be
    /// read: no repository, a shallow clone; never a pass), 2 launchgate could not run.
    Check(CheckArgs),
    /// Evaluate a rollout phase's canary gates from status JSON and event history.
    ///
    /// Exit codes: 0 promote, 1 a gate is violated (roll back), 3 hold (not enough evidence
    /// yet), 2 launchgate could not run.
    Gate(GateArgs),
    /// Write a starter manifest and runbook templates.
    Init(InitArgs),
    /// Explain a checklist item: why it matters, what satisfies it, how to waive it.
    Explain(ExplainArgs),
    /// Print a JSON Schema (for editors and yaml-language-server).
    Schema(SchemaArgs),
    /// List the built-in (and given) checklists and their items.
    Checklists(ChecklistsArgs),
    /// Write a scorecard of readiness across many services: one self-contained HTML page,
    /// Markdown or JSON, from manifests (checked as `check` would) and `check` JSON reports.
    ///
    /// Exit codes: 0 the scorecard was written, whatever the verdicts; 2 bad input.
    Report(ScorecardArgs),
}

/// Options shared by commands that produce a report.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Output format, optionally to a file: human, json, sarif, github, junit, markdown
    /// (FMT or FMT=PATH; repeatable).
    #[arg(long = "format", short = 'f', value_name = "FMT[=PATH]")]
    pub formats: Vec<Output>,
    /// Evaluation time, RFC 3339 (`2026-11-24T12:00:00Z`) or a date; default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Only problems and the verdict.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `launchgate check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Manifests or directories to search (default: the current directory).
    pub paths: Vec<PathBuf>,
    /// Checklist to apply instead of the repository policy's and the manifests' own: a built-in
    /// name or a file (repeatable). The report shows the override.
    #[arg(long = "checklist", value_name = "NAME|PATH")]
    pub checklists: Vec<String>,
    /// Check only manifests changed since this git revision (or whose referenced files changed).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Git revision to review against: new and extended waivers, and a stage or tier lowered
    /// since it, are reported as warnings.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Longest a waiver may run, from `granted` to `expires`, in days.
    #[arg(long, value_name = "DAYS", default_value_t = 90)]
    pub max_waiver_days: i64,
    /// Validate only: YAML (with positions) and the JSON Schema, every error located; no
    /// policy, checklists or evidence (what ajv-cli or check-jsonschema would check).
    #[arg(long, conflicts_with_all = ["checklists", "base", "parse_only"])]
    pub schema_only: bool,
    /// Only discover, read and parse the manifests (the benchmark's floor); prints the count.
    #[arg(long, hide = true)]
    pub parse_only: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `launchgate gate`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["phase", "all"]))]
pub struct GateArgs {
    /// The manifest (default: ./readiness.yaml).
    pub manifest: Option<PathBuf>,
    /// The phase to evaluate.
    #[arg(long)]
    pub phase: Option<String>,
    /// Evaluate every phase and name the furthest that may be entered now.
    #[arg(long)]
    pub all: bool,
    /// Status snapshot JSON, instead of `rollout.status`.
    #[arg(long, value_name = "FILE")]
    pub status: Option<PathBuf>,
    /// Event history JSONL, instead of `rollout.history`.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Prometheus server for gates with a `query`, instead of `rollout.prometheus` (also
    /// LAUNCHGATE_PROMETHEUS_URL). Credentials come only from the environment:
    /// LAUNCHGATE_PROMETHEUS_TOKEN (bearer), or LAUNCHGATE_PROMETHEUS_USERNAME and
    /// LAUNCHGATE_PROMETHEUS_PASSWORD (basic auth), and go only to this server, never to the
    /// manifest's `rollout.prometheus`.
    #[arg(long, value_name = "URL")]
    pub prometheus: Option<String>,
    /// Time one Prometheus query may take (`5s`, `500ms`, `1m`); past it the gate holds.
    #[arg(long, value_name = "DURATION", default_value = "5s")]
    pub timeout: String,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `launchgate init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write into (default: the current directory).
    pub dir: Option<PathBuf>,
    /// Service name (default: the directory's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

/// `launchgate explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Item id, e.g. PROD-ROLLBACK-TESTED.
    pub item: String,
    /// Also look in this checklist file (repeatable).
    #[arg(long = "checklist", value_name = "PATH")]
    pub checklists: Vec<String>,
}

/// `launchgate schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum, default_value_t = SchemaKind::Manifest)]
    pub which: SchemaKind,
}

/// Schemas `launchgate schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// Readiness manifests.
    Manifest,
    /// JSON reports.
    Report,
    /// Checklist files.
    Checklist,
    /// Repository policy files (`.launchgate.yaml`).
    Policy,
}

/// `launchgate report`.
#[derive(Debug, Args)]
pub struct ScorecardArgs {
    /// Manifests, directories (checked as `check` checks them) and JSON reports written by
    /// `launchgate check --format json` (`*.json`). Default: the current directory.
    pub paths: Vec<PathBuf>,
    /// Output: html, markdown or json, optionally to a file (FMT or FMT=PATH; repeatable).
    /// Default: markdown to stdout.
    #[arg(long = "format", short = 'f', value_name = "FMT[=PATH]")]
    pub formats: Vec<crate::render::PageOutput>,
    /// Evaluation time, RFC 3339 (`2026-11-24T12:00:00Z`) or a date; default: now. Checks,
    /// expiring waivers and stale evidence count from it.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

/// `launchgate checklists`.
#[derive(Debug, Args)]
pub struct ChecklistsArgs {
    /// Also list this checklist file (repeatable).
    #[arg(long = "checklist", value_name = "PATH")]
    pub checklists: Vec<String>,
}

/// Runs a parsed command line and returns the exit code.
pub fn run(cli: Cli) -> i32 {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(args, color),
        Command::Gate(args) => gate(args, color),
        Command::Init(args) => crate::init::run(args.dir, args.name, args.force),
        Command::Explain(args) => crate::explain::run(&args.item, &args.checklists),
        Command::Schema(args) => {
            let which = match args.which {
                SchemaKind::Manifest => crate::schema::Which::Manifest,
                SchemaKind::Report => crate::schema::Which::Report,
                SchemaKind::Checklist => crate::schema::Which::Checklist,
                SchemaKind::Policy => crate::schema::Which::Policy,
            };
            print!("{}", which.text());
            Ok(0)
        }
        Command::Checklists(args) => crate::explain::list(&args.checklists),
        Command::Report(args) => scorecard(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            report_error(&e, color);
            EXIT_ERROR
        }
    }
}

/// Prints an error that stopped launchgate, with a source snippet when there is one.
pub fn report_error(e: &Error, color: bool) {
    use crate::checklist::ChecklistError;
    use crate::policy::PolicyError;
    use crate::render::human::{Diag, Text, render_diag};
    let style = Style {
        color,
        quiet: false,
        width: 100,
    };
    let located = |kind: &str,
                   src: &std::sync::Arc<crate::source::SourceFile>,
                   span: &crate::source::Span,
                   message: &str,
                   help: &Option<String>| Diag {
        message: format!("invalid {kind}: {message}"),
        code: None,
        severity: miette::Severity::Error,
        help: help.clone(),
        source: Some(
            miette::NamedSource::new(&src.display, Text(src.clone())).with_language("yaml"),
        ),
        labels: vec![miette::LabeledSpan::new_primary_with_span(
            Some("here".into()),
            miette::SourceSpan::new(span.start.offset.into(), span.len()),
        )],
        notes: vec![],
    };
    let diag = match e {
        Error::Checklist(ChecklistError::Invalid {
            src,
            span,
            message,
            help,
        }) => located("checklist", src, span, message, help),
        Error::Policy(PolicyError::Invalid {
            src,
            span,
            message,
            help,
        }) => located("policy", src, span, message, help),
        other => Diag {
            message: other.to_string(),
            code: None,
            severity: miette::Severity::Error,
            help: None,
            source: None,
            labels: vec![],
            notes: vec![],
        },
    };
    eprint!("{}", render_diag(&diag, style));
}

/// Parses `--now`: RFC 3339, or a date meaning its midnight UTC; default the clock.
pub fn parse_now(now: Option<&str>) -> Result<jiff::Timestamp, Error> {
    let Some(text) = now else {
        return Ok(jiff::Timestamp::now());
    };
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Ok(ts);
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>()
        && let Ok(z) = date.to_zoned_datetime(jiff::tz::TimeZone::UTC)
    {
        return Ok(z.timestamp());
    }
    Err(Error::Usage(format!(
        "--now `{text}` is not an RFC 3339 time (2026-11-24T12:00:00Z) or a date (2026-11-24)"
    )))
}

fn check(args: CheckArgs, color: bool) -> Result<i32, Error> {
    let opts = crate::check::Options {
        checklists: if args.checklists.is_empty() {
            None
        } else {
            Some(args.checklists)
        },
        max_waiver_days: args.max_waiver_days,
        base: args.base,
        changed_since: args.changed_since,
        schema_only: args.schema_only,
        ..crate::check::Options::at(parse_now(args.report.now.as_deref())?)
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    if args.parse_only {
        let (files, parsed) = crate::check::parse_only(&paths)?;
        println!("{parsed} of {files} manifests parsed");
        return Ok(0);
    }
    let report = crate::check::run(&paths, &opts)?;
    emit(&report, &args.report, color)?;
    Ok(report.verdict.exit_code())
}

fn gate(args: GateArgs, color: bool) -> Result<i32, Error> {
    let timeout = crate::prometheus::client::parse_timeout(&args.timeout).ok_or_else(|| {
        Error::Usage(format!(
            "--timeout `{}` is not a positive duration (5s, 500ms, 1m)",
            args.timeout
        ))
    })?;
    let env_url = std::env::var(crate::prometheus::ENV_URL)
        .ok()
        .filter(|u| !u.is_empty());
    let opts = crate::gate::Options {
        status: args.status,
        history: args.history,
        prometheus: args.prometheus.or(env_url),
        prometheus_auth: crate::prometheus::Auth::from_env(),
        timeout,
        ..crate::gate::Options::at(
            parse_now(args.report.now.as_deref())?,
            if args.all { None } else { args.phase },
        )
    };
    let manifest = args
        .manifest
        .unwrap_or_else(|| PathBuf::from("readiness.yaml"));
    let report = crate::gate::run(&manifest, &opts)?;
    emit(&report, &args.report, color)?;
    Ok(report.verdict.exit_code())
}

fn scorecard(args: ScorecardArgs) -> Result<i32, Error> {
    let now = parse_now(args.now.as_deref())?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let inputs = crate::scorecard::input::load(&paths, &crate::check::Options::at(now))?;
    let sources: Vec<crate::scorecard::Source<'_>> = inputs
        .reports
        .iter()
        .map(|(report, from)| crate::scorecard::Source {
            report,
            from: from.clone(),
        })
        .collect();
    let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let card = crate::scorecard::Scorecard::build(&sources, &now.to_string(), today);
    let mut outputs = args.formats;
    if outputs.is_empty() {
        outputs.push(crate::render::PageOutput {
            format: crate::render::PageFormat::Markdown,
            path: None,
        });
    }
    for out in &outputs {
        let text = crate::render::render_page(&card, out.format);
        match &out.path {
            None => {
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
            Some(path) => std::fs::write(path, text).map_err(|e| Error::Write {
                path: crate::source::display_path(path),
                reason: e.to_string(),
            })?,
        }
    }
    Ok(0)
}

/// Writes every requested output; human to stdout when none is requested.
///
/// Under GitHub Actions (`GITHUB_ACTIONS=true`, unless `LAUNCHGATE_GITHUB=0`) it also prints
/// workflow-command annotations and appends a Markdown summary to `$GITHUB_STEP_SUMMARY`.
pub fn emit(report: &Report, args: &ReportArgs, color: bool) -> Result<(), Error> {
    let mut outputs = args.formats.clone();
    if outputs.is_empty() {
        outputs.push(Output {
            format: Format::Human,
            path: None,
        });
    }
    let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
        && std::env::var("LAUNCHGATE_GITHUB").map_or(true, |v| v != "0");
    if github && !outputs.iter().any(|o| o.format == Format::Github) {
        outputs.push(Output {
            format: Format::Github,
            path: None,
        });
    }
    for out in &outputs {
        let style = Style {
            color: color && out.path.is_none(),
            quiet: args.quiet,
            width: 100,
        };
        match &out.path {
            None => {
                let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
                let _ = render::write(report, out.format, style, &mut stdout)
                    .and_then(|()| stdout.flush());
            }
            Some(path) => std::fs::File::create(path)
                .map(std::io::BufWriter::new)
                .and_then(|mut file| {
                    render::write(report, out.format, style, &mut file)?;
                    file.flush()
                })
                .map_err(|e| Error::Write {
                    path: crate::source::display_path(path),
                    reason: e.to_string(),
                })?,
        }
    }
    if github
        && let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty())
    {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .map_err(|e| Error::Write {
                path: summary.to_string_lossy().into_owned(),
                reason: e.to_string(),
            })?;
        let _ = file.write_all(render::markdown::render(report).as_bytes());
    }
    // Results past the first thousands are read back from disk for each output; if that failed,
    // what was written is incomplete and must not stand as the run's answer.
    if let Some(error) = report.manifests.read_error() {
        return Err(Error::Spill(error));
    }
    Ok(())
}
