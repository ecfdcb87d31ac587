//! `launchgate check`: manifest -> schema -> evidence -> checklists -> waivers -> findings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use rayon::prelude::*;
use serde_json::Value;

use crate::checklist::{self, Checklist, Loader, eval};
use crate::error::Error;
use crate::evidence::paths::Unread;
use crate::evidence::{self, Base};
use crate::expr::Scope;
use crate::manifest::{self, Manifest};
use crate::report::{
    Collector, Finding, ItemInfo, Location, ManifestReport, Outcome, Related, Report, Verdict,
};
use crate::schema::{Schema, Which};
use crate::source::{SourceFile, display_path};
use crate::yaml::{self, Limits};

mod changed;
mod files;
mod lowered;
mod services;

use changed::changed_manifests;
use files::{evidence_findings, path_findings, placeholder_findings};

/// Largest manifest launchgate reads; real manifests are a few kilobytes.
pub const MAX_MANIFEST_BYTES: u64 = 2 * 1024 * 1024;

/// How a check run is configured.
#[derive(Debug, Clone)]
pub struct Options {
    /// Evaluation time.
    pub now: Timestamp,
    /// Checklists to apply instead of the policy's and each manifest's (`--checklist`).
    pub checklists: Option<Vec<String>>,
    /// Longest a waiver may run, from `granted` to `expires`, in days.
    pub max_waiver_days: i64,
    /// Git revision to compare waivers with (`--base`).
    pub base: Option<String>,
    /// Only manifests changed since this revision, or whose referenced files changed.
    pub changed_since: Option<String>,
    /// YAML and JSON Schema only (`--schema-only`): no policy, checklists or evidence.
    pub schema_only: bool,
    /// Manifests whose results stay in memory until rendering; the rest wait in a temporary
    /// file (default [`report::manifests::KEEP`](crate::report::manifests::KEEP)).
    pub keep: usize,
    /// Manifests checked in parallel at a time (default [`CHUNK`]; tests use small ones to
    /// hand results over across many chunks).
    pub chunk: usize,
}

impl Options {
    /// Options with the defaults: the policy's and the manifests' checklists, 90-day waivers,
    /// no base.
    pub fn at(now: Timestamp) -> Options {
        Options {
            now,
            checklists: None,
            max_waiver_days: 90,
            base: None,
            changed_since: None,
            schema_only: false,
            keep: crate::report::manifests::KEEP,
            chunk: CHUNK,
        }
    }
}

/// One manifest's results plus what the report needs to render them.
pub struct Checked {
    /// The findings.
    pub report: ManifestReport,
    /// Sources to show snippets from.
    pub sources: Vec<Arc<SourceFile>>,
    /// Checklists applied (item metadata comes from them, once per run).
    pub checklists: Vec<Arc<Checklist>>,
    /// The parsed manifest, when it got that far.
    pub manifest: Option<Manifest>,
    /// Where `service.name` is written in the manifest (`sources[0]`), once it matches the
    /// schema; made a location only for a repeat.
    pub service_at: Option<crate::source::Span>,
}

/// Discovers manifests under `paths` and checks them in parallel.
pub fn run(paths: &[PathBuf], opts: &Options) -> Result<Report, Error> {
    // The schemas' validators are generated at build time; the built-in checklists, needed
    // once the first manifest is validated, compile on the other core meanwhile.
    if !opts.schema_only {
        crate::checklist::precompile();
    }
    let files = crate::discover::discover(paths)?;
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
        return Err(Error::Usage(format!(
            "no readiness manifests (readiness.yaml, *.readiness.yaml) found in {}; run `launchgate init` to write one",
            shown.join(", ")
        )));
    }
    let loader = Loader::default();
    let files = match &opts.changed_since {
        Some(rev) => changed_manifests(files, rev, &loader)?,
        None => files,
    };
    // Opening the first manifest's repository (its index read whole) is the longest step of a
    // one-manifest check in a large repository: it starts on another core now, while the
    // manifest is parsed and validated (`collect_all` waits for it if it has to).
    if !opts.schema_only
        && let Some(first) = files.first()
        && let Ok(base) = Base::for_manifest(&loader.dirs, first)
    {
        rayon::spawn(move || _ = evidence::git::open(&base.root));
    }
    // Results are handed over in path order as each chunk finishes, so that past the first
    // thousands they can go to disk instead of memory (`report::Manifests`).
    let mut files = files;
    files.sort_by_cached_key(|f| display_path(f));
    let mut collector = Collector::keeping(opts.keep);
    let mut items: BTreeMap<String, ItemInfo> = core_items().into_iter().collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut services = services::Services::default();
    let mut index = 0;
    // In chunks, so that a chunk's parsed manifests and evidence are dropped before the next is
    // checked. A chunk's results are handed over while the next chunk is checked: handing over
    // (results past the first thousands are written to disk) would otherwise leave the other
    // cores idle.
    let mut hand_over = |results: Vec<Result<Checked, Error>>| -> Result<(), Error> {
        for r in results {
            let mut c = r?;
            services.note(&mut c, index, &files);
            index += 1;
            let sources = snippet_sources(&c);
            for list in c.checklists {
                if seen.insert((list.name.clone(), list.origin.clone())) {
                    items.extend(
                        list.items
                            .iter()
                            .map(|i| (i.id.clone(), item_info(&list, i))),
                    );
                }
            }
            let mut report = c.report;
            report.findings.shrink_to_fit();
            report.sources = sources;
            collector.push(report).map_err(Error::Spill)?;
        }
        Ok(())
    };
    let mut pending = None;
    for chunk in files.chunks(opts.chunk.max(1)) {
        let (results, handed) = rayon::join(
            || -> Vec<Result<Checked, Error>> {
                chunk
                    .par_iter()
                    .map(|f| check_file(f, opts, &loader))
                    .collect()
            },
            || pending.take().map_or(Ok(()), &mut hand_over),
        );
        handed?;
        pending = Some(results);
        loader.age();
        evidence::age();
    }
    if let Some(results) = pending {
        hand_over(results)?;
    }
    let mut report = collector
        .finish("check", opts.now.to_string(), items, BTreeMap::new())
        .map_err(Error::Spill)?;
    report.schema_only = opts.schema_only;
    Ok(report)
}

/// Manifests checked in parallel at a time: enough to keep every core busy, few enough that
/// their parsed evidence stays small.
pub const CHUNK: usize = 512;

/// The sources a rendered snippet will show: the files that non-passing findings point into,
/// none for a manifest that passes.
fn snippet_sources(c: &Checked) -> Vec<Arc<SourceFile>> {
    let mut kept: Vec<Arc<SourceFile>> = Vec::new();
    for f in c
        .report
        .findings
        .iter()
        .filter(|f| f.outcome != Outcome::Pass)
    {
        let files = f
            .location
            .as_deref()
            .into_iter()
            .chain(f.related.iter().map(|r| &r.location))
            .map(|l| l.file.as_str());
        for file in files {
            if kept.iter().any(|s| s.display == file) {
                continue;
            }
            if let Some(s) = c.sources.iter().find(|s| s.display == file) {
                kept.push(s.clone());
            }
        }
    }
    kept
}

/// Discovers, reads and parses manifests and reads the files they reference, without checking
/// anything: the I/O and parsing floor `check` is measured against.
/// Returns (manifests, parsed without a YAML error).
pub fn parse_only(paths: &[PathBuf]) -> Result<(usize, usize), Error> {
    let files = crate::discover::discover(paths)?;
    let parsed = files
        .par_iter()
        .filter(|f| {
            let Ok(Ok(src)) = read_manifest(f) else {
                return false;
            };
            let Ok(doc) = yaml::parse(&src, &Limits::default()) else {
                return false;
            };
            let dir = f.parent().unwrap_or(Path::new(""));
            for r in manifest::referenced_paths(&doc.to_json()) {
                let _ = std::fs::read(dir.join(&r.path));
            }
            true
        })
        .count();
    Ok((files.len(), parsed))
}

fn core_finding(id: &str, outcome: Outcome, message: String) -> Finding {
    crate::core::finding(id, outcome, message)
}

fn core_items() -> Vec<(String, ItemInfo)> {
    crate::core::CORE
        .iter()
        .map(|c| (c.id.to_string(), crate::core::info(c)))
        .collect()
}

/// Reads a manifest, refusing oversized and non-UTF-8 files with a located finding.
fn read_manifest(path: &Path) -> Result<Result<Arc<SourceFile>, Finding>, Error> {
    let display = display_path(path);
    let io = |e: std::io::Error| Error::Io {
        path: display.clone(),
        reason: e.to_string(),
    };
    let bytes = match crate::evidence::paths::read_limited(path, MAX_MANIFEST_BYTES) {
        Ok(bytes) => bytes,
        Err(Unread::Io(e)) => return Err(io(e)),
        Err(Unread::NotAFile { .. }) => {
            return Err(Error::Io {
                path: display,
                reason: "not a regular file".into(),
            });
        }
        Err(Unread::TooLarge(bytes)) => {
            return Ok(Err(core_finding(
                "LG-YAML",
                Outcome::Fail,
                format!("the manifest is {bytes} bytes, over the {MAX_MANIFEST_BYTES} byte limit"),
            )
            .at(Location::file(&display))
            .help(
                "a readiness manifest is a few kilobytes; move data into referenced files",
            )));
        }
    };
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(Ok(SourceFile::new(path, display, text)))
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let mut loc = Location::file(&display);
            loc.line = line as u32;
            loc.end_line = line as u32;
            loc.offset = valid.len();
            Ok(Err(core_finding(
                "LG-YAML",
                Outcome::Fail,
                format!(
                    "the manifest is not UTF-8: invalid byte at offset {} (line {line})",
                    valid.len()
                ),
            )
            .at(loc)
            .help("save the file as UTF-8")))
        }
    }
}

/// The findings of a manifest that is well-formed and matches the schema (`--schema-only`).
fn schema_passed(checked: &mut Checked) {
    for (id, message) in [
        ("LG-YAML", "the manifest is well-formed YAML"),
        ("LG-SCHEMA", "the manifest matches the schema"),
    ] {
        let f = core_finding(id, Outcome::Pass, message.to_string());
        checked.report.findings.push(f);
    }
}

/// Checks one manifest file.
pub fn check_file(path: &Path, opts: &Options, loader: &Loader) -> Result<Checked, Error> {
    let mut checked = Checked {
        report: ManifestReport {
            path: display_path(path),
            service: None,
            stage: None,
            tier: None,
            team: None,
            freshness: Vec::new(),
            verdict: Verdict::Pass,
            checklists: Vec::new(),
            not_applied: Vec::new(),
            findings: Vec::new(),
            sources: Vec::new(),
        },
        sources: Vec::new(),
        checklists: Vec::new(),
        manifest: None,
        service_at: None,
    };
    // The policy first: a broken policy stops the run (exit 2) whatever the manifest holds.
    let policy = if opts.schema_only {
        None
    } else {
        Some(loader.policies.for_manifest(&loader.dirs, path)?)
    };
    let src = match read_manifest(path)? {
        Ok(src) => src,
        Err(finding) => {
            checked.report.findings.push(finding);
            return Ok(checked);
        }
    };
    checked.sources.push(src.clone());
    // Validation alone needs the spanned tree only to locate what is wrong.
    if opts.schema_only
        && yaml::lean_json(&src.text, &Limits::default())
            .is_some_and(|json| Schema::get(Which::Manifest).is_valid(&json))
    {
        schema_passed(&mut checked);
        return Ok(checked);
    }
    let doc = match yaml::parse(&src, &Limits::default()) {
        Ok(doc) => doc,
        Err(e) => {
            let mut f = core_finding("LG-YAML", Outcome::Fail, e.to_string())
                .at(Location::new(&src, e.span()))
                .help(e.help());
            if let yaml::YamlError::DuplicateKey { first, .. } = &e {
                f.related.push(Related {
                    location: Location::new(&src, *first),
                    message: "first set here".into(),
                });
            }
            checked.report.findings.push(f);
            return Ok(checked);
        }
    };
    let json = doc.to_json();
    // Where the manifest's repository is; an error is reported once the manifest is known
    // valid, after its schema findings.
    let base = policy
        .as_ref()
        .map(|_| Base::for_manifest(&loader.dirs, path));
    // `known_good`'s ancestry walk, the longest step of a one-manifest check once the
    // repository is open, starts on another core while this one validates (computed once per
    // reference; `collect_all` waits for it). Wasted, on another core, if the schema fails.
    if let Some(Ok(base)) = &base
        && let Some(Value::String(reference)) =
            crate::manifest::value_at(&json, "/rollback/known_good")
    {
        let (root, reference) = (base.root.clone(), reference.clone());
        rayon::spawn(move || _ = evidence::git::open(&root).known_good(&reference));
    }
    // So does the walk back through the manifest's history for a stage it lowered, which only
    // a stage before the last can have done.
    if let Some(Ok(base)) = &base
        && let Some(Value::String(stage)) = crate::manifest::value_at(&json, "/service/stage")
        && evidence::stages::may_be_lowered(stage)
        && let Some(name) = path.file_name()
    {
        let (root, stage) = (base.root.clone(), stage.clone());
        let manifest = base.repo_relative(&name.to_string_lossy());
        rayon::spawn(move || _ = evidence::git::open(&root).stage_lowered(&manifest, &stage));
    }
    let violations = Schema::get(Which::Manifest).validate(&doc, &json);
    if !violations.is_empty() {
        for v in violations {
            let mut f =
                core_finding("LG-SCHEMA", Outcome::Fail, v.message).at(Location::new(&src, v.span));
            f.help = v.help;
            checked.report.findings.push(f);
        }
        return Ok(checked);
    }
    // `base` is computed exactly when there is a policy, so both or neither are here.
    let (Some(policy), Some(base)) = (policy, base) else {
        schema_passed(&mut checked);
        return Ok(checked);
    };
    let mut manifest = Manifest::from_json(&json).map_err(|e| Error::Io {
        path: src.display.clone(),
        reason: format!("internal: schema-valid manifest does not fit the model: {e}"),
    })?;
    checked.report.service = Some(manifest.service.name.clone());
    let name_at = yaml::Route::root().key("service").key("name");
    checked.service_at = Some(doc.locate(&name_at).span);
    checked.report.stage = Some(manifest.service.stage.clone());
    checked.report.tier = manifest.service.tier;
    checked.report.team = crate::manifest::value_at(&json, "/owners/team")
        .and_then(Value::as_str)
        .map(str::to_string);
    let base = base.map_err(|e| Error::Io {
        path: src.display.clone(),
        reason: e.to_string(),
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));

    let mut findings = crate::unique::findings(&doc, &src);
    findings.extend(crate::gate::compile::findings(&manifest, &doc, &src));
    // Evidence before checklists: gathering it needs none, and on a one-manifest run the
    // built-in checklists are still compiling on another core.
    let refs = manifest::referenced_paths(&json);
    let facts = evidence::collect_all(
        &base,
        &refs,
        &evidence::Context {
            manifest: path,
            doc: &json,
            now_unix: opts.now.as_second(),
        },
    );
    evidence_findings(&facts, dir, &mut findings);
    checked.sources.extend(facts.alerts.sources.iter().cloned());
    checked.sources.extend(facts.sources.iter().cloned());
    path_findings(&refs, &facts, &doc, &src, &mut findings);
    placeholder_findings(&doc, &facts, &src, dir, &mut findings);
    // The stage before the policy: it decides the checklists and the items that apply (the
    // history was read meanwhile, on another core).
    let repo = evidence::git::open(&base.root);
    if let Some(name) = path.file_name() {
        let manifest_rel = base.repo_relative(&name.to_string_lossy());
        findings.extend(lowered::raise_to_history(
            &repo,
            &manifest_rel,
            &mut manifest.service,
            &doc,
            &src,
        ));
        checked.report.stage = Some(manifest.service.stage.clone());
    }

    let resolved = crate::policy::resolve::resolve(
        &policy,
        &crate::policy::resolve::Subject {
            manifest: &manifest,
            doc: &doc,
            src: &src,
            dir,
            base: &base,
        },
        opts.checklists.as_deref(),
        loader,
        &mut findings,
    )?;
    checked.report.checklists = resolved.applied;
    checked.report.not_applied = resolved.not_applied;
    let checklists = resolved.checklists;

    let today = opts.now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    let (files, evidence_doc) = facts.for_rules();
    let view = Arc::new(rule_view(json));
    let records = match path.file_name() {
        Some(name) if repo.facts.repository => {
            let manifest = base.repo_relative(&name.to_string_lossy());
            Some(evidence::recorded::Records::new(manifest, view.clone()))
        }
        _ => None,
    };
    let scope = Arc::new(Scope {
        today,
        files,
        dashboards: facts.dashboards.clone(),
        repo: Some(repo),
        now_unix: opts.now.as_second(),
        records,
    });
    let env = eval::Env::new(scope, &view, &evidence_doc, &manifest.service.stage);
    let subject = eval::Subject {
        doc: &doc,
        json: &view,
        src: &src,
        stage: &manifest.service.stage,
    };
    let mut known = BTreeMap::new();
    for c in &checklists {
        findings.extend(eval::evaluate(c, &subject, &env));
        for item in &c.items {
            known.insert(item.id.clone(), item.applies(&manifest.service.stage));
        }
    }
    checked.report.freshness =
        crate::freshness::deadlines(&checklists, &view, &manifest.service.stage);
    checked.checklists = checklists;
    // The manifest as the base revision has it: none when it is new there or does not parse.
    let at_base = match &opts.base {
        None => None,
        Some(rev) => {
            let repo = evidence::git::open(&base.root);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = repo
                .file_at(rev, &base.repo_relative(&name))
                .map_err(|reason| Error::Usage(format!("--base: {reason}")))?;
            Some((rev.clone(), text.as_deref().and_then(lowered::json_of)))
        }
    };
    if let Some((rev, Some(was))) = &at_base {
        findings.extend(lowered::findings(was, &manifest.service, rev, &doc, &src));
    }
    let policy = crate::waiver::Policy {
        max_days: opts.max_waiver_days,
        base: at_base.map(|(rev, was)| (rev, crate::waiver::waivers_in(was.as_ref()))),
    };
    crate::waiver::apply(
        &mut findings,
        &manifest.waivers,
        &known,
        &doc,
        &src,
        today,
        &policy,
    );
    checked.report.findings = findings;
    checked.manifest = Some(manifest);
    Ok(checked)
}

/// Report metadata for a checklist item.
pub fn item_info(c: &Checklist, item: &checklist::Item) -> ItemInfo {
    ItemInfo {
        title: item.title.clone(),
        why: item.why.clone(),
        fix: item.fix.clone(),
        severity: item.severity,
        checklist: c.name.clone(),
        help_uri: crate::core::help_uri(&item.id),
    }
}

/// The manifest as rules see it: runbooks always as `{path, ...}` objects. It takes the
/// manifest's JSON rather than copying it: nothing reads the JSON as written afterwards.
pub(crate) fn rule_view(mut view: Value) -> Value {
    if let Some(Value::Object(runbooks)) = view.get_mut("runbooks") {
        for rb in runbooks.values_mut() {
            if let Value::String(p) = rb {
                *rb = serde_json::json!({ "path": p });
            }
        }
    }
    view
}
