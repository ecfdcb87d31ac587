//! `launchgate gate`: decides promote, roll back or hold for rollout phases, from a status
//! snapshot, a JSONL event history and PromQL queries to a Prometheus server.
//!
//! Finding ids are `PHASE/GATE` (the gate's `name`, or `gate-N` by position), plus
//! `PHASE/status` (snapshot freshness), `PHASE/history` (malformed lines), `PHASE/clock`
//! (cycle reports from the future), `PHASE/after` (the earlier phases' gates held long
//! enough) and `PHASE/check` (`require_check`). Phases are cumulative: see [`phase`].

pub mod after;
pub mod bounds;
pub mod compile;
pub mod history;
pub mod inputs;
pub mod json;
pub mod phase;
pub mod query;
pub mod rewrite;
pub mod sample;
pub mod status;
pub mod verdict;
pub mod view;
pub mod vocabulary;
pub mod window;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;

use crate::check;
use crate::error::Error;
use crate::evidence::paths::Base;
use crate::report::{
    Finding, GateFailure, GateSummary, ItemInfo, PhaseVerdict, Report, Severity, Verdict,
    verdict_of,
};
use crate::source::display_path;
use history::TimeSpec;

/// How a gate run is configured.
#[derive(Debug, Clone)]
pub struct Options {
    /// Evaluation time.
    pub now: Timestamp,
    /// Status snapshot overriding `rollout.status`.
    pub status: Option<PathBuf>,
    /// History overriding `rollout.history`.
    pub history: Option<PathBuf>,
    /// One phase, or every phase when `None`.
    pub phase: Option<String>,
    /// Prometheus server URL overriding `rollout.prometheus` (`--prometheus`, or
    /// LAUNCHGATE_PROMETHEUS_URL).
    pub prometheus: Option<String>,
    /// Prometheus credentials (from the environment only), sent only to the server in
    /// `prometheus`, never to the manifest's `rollout.prometheus`.
    pub prometheus_auth: Option<crate::prometheus::Auth>,
    /// Time one Prometheus query may take.
    pub timeout: std::time::Duration,
}

impl Options {
    /// Options for evaluating phase `phase` (or all) at `now`, with defaults for the rest.
    pub fn at(now: Timestamp, phase: Option<String>) -> Options {
        Options {
            now,
            status: None,
            history: None,
            phase,
            prometheus: None,
            prometheus_auth: None,
            timeout: crate::prometheus::DEFAULT_TIMEOUT,
        }
    }
}

/// Formats unix milliseconds as RFC 3339.
pub fn fmt_ms(ms: i64) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| format!("{ms} ms"))
}

/// Settings of a rollout with their defaults applied.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Snapshot staleness limit, ms.
    pub max_staleness_ms: i64,
    /// Longest allowed gap between samples, ms.
    pub max_gap_ms: i64,
    /// Malformed lines from which a gate fails instead of holding.
    pub malformed_fail_at: usize,
    /// History timestamps.
    pub timestamp: TimeSpec,
    /// Snapshot timestamp (tau's `health.updated_unix_ms` unless configured).
    pub status_timestamp: TimeSpec,
}

fn ms(text: Option<&str>, default_s: i64) -> i64 {
    text.and_then(crate::duration::parse_seconds)
        .unwrap_or(default_s)
        * 1000
}

/// The advice of a gate that held false on the data.
pub(crate) const ROLL_BACK: &str = "stop the rollout and roll back";

/// Why `findings` fail a gate run, if they do: a gate seen false says to roll back, earlier
/// gates that did not hold long enough say not to widen, anything else only not to promote.
fn failure_of(findings: &[Finding]) -> Option<GateFailure> {
    let advice = |prefix: &str| {
        findings
            .iter()
            .any(|f| f.blocks() && f.help.as_deref().is_some_and(|h| h.starts_with(prefix)))
    };
    if !findings.iter().any(Finding::blocks) {
        None
    } else if advice(ROLL_BACK) {
        Some(GateFailure::Violated)
    } else if advice(after::UNSTEADY) {
        Some(GateFailure::Unsteady)
    } else {
        Some(GateFailure::Undecided)
    }
}

/// Runs the gate for one manifest.
pub fn run(manifest_path: &Path, opts: &Options) -> Result<Report, Error> {
    if !manifest_path.is_file() {
        return Err(Error::NotFound(display_path(manifest_path)));
    }
    let check_opts = check::Options::at(opts.now);
    let checked = check::check_file(
        manifest_path,
        &check_opts,
        &crate::checklist::Loader::default(),
    )?;
    let mut items: BTreeMap<String, ItemInfo> = crate::core::CORE
        .iter()
        .map(|c| (c.id.to_string(), crate::core::info(c)))
        .collect();
    let sources: BTreeMap<_, _> = checked
        .sources
        .iter()
        .map(|s| (s.display.clone(), s.clone()))
        .collect();
    let now = opts.now.to_string();
    let Some(manifest) = checked.manifest.clone() else {
        // The manifest itself is broken: its findings are the answer.
        return Ok(Report::new(
            "gate",
            now,
            vec![checked.report],
            items,
            sources,
        ));
    };
    let rollout = manifest
        .rollout
        .clone()
        .filter(|r| !r.phases.is_empty())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{}: no `rollout.phases` to gate",
                display_path(manifest_path)
            ))
        })?;
    // Phases are cumulative, so one phase is decided by it and every phase before it.
    let upto: usize = match &opts.phase {
        Some(name) => rollout
            .phases
            .iter()
            .position(|p| &p.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = rollout.phases.iter().map(|p| p.name.as_str()).collect();
                Error::Usage(format!(
                    "unknown phase `{name}`; phases: {}",
                    names.join(", ")
                ))
            })?,
        None => rollout.phases.len() - 1,
    };
    let settings = Settings {
        max_staleness_ms: ms(
            rollout.max_staleness.as_deref(),
            bounds::DEFAULT_MAX_STALENESS,
        ),
        max_gap_ms: ms(rollout.max_gap.as_deref(), bounds::DEFAULT_MAX_GAP),
        malformed_fail_at: rollout.malformed_fail_at.unwrap_or(10) as usize,
        timestamp: rollout
            .timestamp
            .as_ref()
            .map(|t| TimeSpec {
                field: t.field.clone(),
                unit: t.unit.clone(),
            })
            .unwrap_or_default(),
        status_timestamp: rollout
            .status_timestamp
            .as_ref()
            .map(|t| TimeSpec {
                field: t.field.clone(),
                unit: t.unit.clone(),
            })
            .unwrap_or_else(TimeSpec::status_default),
    };
    let src = checked.sources.first().cloned().ok_or_else(|| Error::Io {
        path: display_path(manifest_path),
        reason: "internal: manifest source missing".into(),
    })?;
    let doc = crate::yaml::parse(&src, &crate::yaml::Limits::default()).map_err(|e| Error::Io {
        path: src.display.clone(),
        reason: e.to_string(),
    })?;
    let dir = manifest_path.parent().unwrap_or(Path::new(""));
    let base = Base::for_manifest(&Arc::new(crate::dirs::Dirs::default()), manifest_path).map_err(
        |e| Error::Io {
            path: display_path(manifest_path),
            reason: e.to_string(),
        },
    )?;
    // A path given on the command line is the caller's to choose; one written in the manifest
    // must stay in its repository, or a pull request could point a gate at any JSON file of
    // the CI machine and have its values printed in the gate's messages.
    let resolve = |cli: &Option<PathBuf>, written: &Option<String>, key: &str, flag: &str| {
        if let Some(p) = cli {
            return Some(Ok(p.clone()));
        }
        let w = written.as_ref()?;
        Some(match base.resolve(w) {
            Ok(p) => Ok(p),
            // Missing, or not a file: the reader says so (a missing snapshot holds).
            Err(problem) => match problem.outside_repository() {
                None => Ok(dir.join(w)),
                Some(why) => Err(format!(
                    "`rollout.{key}`: {why}; a manifest names files inside its repository (pass one from elsewhere with {flag})"
                )),
            },
        })
    };
    let inputs = phase::Inputs {
        status: resolve(&opts.status, &rollout.status, "status", "--status"),
        history: resolve(&opts.history, &rollout.history, "history", "--history"),
        now_ms: opts.now.as_millisecond(),
        settings,
        check_verdict: checked.report.verdict,
        check_failures: checked
            .report
            .findings
            .iter()
            .filter(|f| f.blocks())
            .map(|f| f.item.to_string())
            .collect(),
        // Credentials go only to the server the caller named: the manifest's URL is the pull
        // request's to write, and would otherwise be told the token.
        prometheus: match (&opts.prometheus, &rollout.prometheus) {
            (Some(url), _) => Some(crate::prometheus::Endpoint {
                url: url.clone(),
                auth: opts.prometheus_auth.clone(),
                withheld: false,
                timeout: opts.timeout,
            }),
            (None, Some(url)) => Some(crate::prometheus::Endpoint {
                url: url.clone(),
                auth: None,
                withheld: opts.prometheus_auth.is_some(),
                timeout: opts.timeout,
            }),
            (None, None) => None,
        },
    };
    let evaluation = phase::evaluate(&rollout, upto, &inputs, &doc, &src);
    let mut summary = GateSummary {
        phases: Vec::new(),
        furthest: None,
        failure: None,
    };
    let mut findings = Vec::new();
    let mut so_far = Verdict::Pass;
    // A rollout whose shape cannot gate (a phase narrower than the one before, a staleness
    // bound longer than the span it guards) fails from its first phase, as `check` reports it:
    // phases are cumulative, so no phase can pass on it.
    let mut shape = Some(bounds::findings(&rollout, &doc, &src));
    for (i, mut phase_findings) in evaluation {
        if let Some(shape) = shape.take() {
            phase_findings.splice(0..0, shape);
        }
        let p = &rollout.phases[i];
        let own = verdict_of(&phase_findings);
        so_far = so_far.max(own);
        summary.phases.push(PhaseVerdict {
            name: p.name.clone(),
            traffic: p.traffic,
            verdict: so_far,
            own,
        });
        for f in &phase_findings {
            items.entry(f.item.to_string()).or_insert_with(|| ItemInfo {
                title: f.title.to_string(),
                why: "Canary gates keep a rollout from advancing on bad or missing evidence: a violated gate means stop and roll back, missing or stale data means wait.".into(),
                fix: "Look at the observed values and the sample named in the finding; `launchgate explain` does not cover gates, the manifest's `rollout.phases` defines them.".into(),
                severity: Severity::Error,
                checklist: "rollout".into(),
                help_uri: format!("{}#gates", crate::core::DOCS_URL),
            });
        }
        findings.extend(phase_findings);
    }
    {
        summary.furthest = summary
            .phases
            .iter()
            .take_while(|p| p.verdict == Verdict::Pass)
            .last()
            .map(|p| p.name.clone());
    }
    summary.failure = failure_of(&findings);
    let mut report_manifest = checked.report;
    report_manifest.findings = findings;
    // A gate report is about phases; the checklists belong to `check`'s report.
    report_manifest.checklists.clear();
    report_manifest.not_applied.clear();
    let mut report = Report::new("gate", now, vec![report_manifest], items, sources);
    report.gate = Some(summary);
    Ok(report)
}
