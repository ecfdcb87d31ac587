//! A manifest's effective checklists: what the policy requires, plus what the manifest adds,
//! unless `--checklist` replaces both for one run.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::{Policy, Requirement};
use crate::checklist::{self, Checklist, ChecklistError, Loader};
use crate::error::Error;
use crate::evidence::paths::Base;
use crate::manifest::Manifest;
use crate::report::{AppliedChecklist, ChecklistSource, Finding, Location, Outcome, Related};
use crate::source::SourceFile;
use crate::yaml::{Node, Route};

/// The checklists one manifest is checked against, and the account of where each came from.
#[derive(Default)]
pub struct Resolved {
    /// Checklists to evaluate, in order, each once.
    pub checklists: Vec<Arc<Checklist>>,
    /// The same, with their sources, for the report.
    pub applied: Vec<AppliedChecklist>,
    /// Required checklists `--checklist` left out of this run.
    pub not_applied: Vec<AppliedChecklist>,
}

/// What the manifest being resolved is, and where its findings point.
pub struct Subject<'a> {
    /// The typed manifest.
    pub manifest: &'a Manifest,
    /// Its YAML.
    pub doc: &'a Node,
    /// Its text.
    pub src: &'a SourceFile,
    /// Its directory (manifest checklist paths are relative to it).
    pub dir: &'a Path,
    /// Its repository, which the checklist files it names must be inside.
    pub base: &'a Base,
}

/// The built-in checklist names, for messages.
pub fn builtin_names() -> String {
    checklist::builtins()
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Loads a checklist reference relative to `dir`: `Ok(None)` when it is neither a built-in
/// name nor a checklist path, an error when the file cannot be loaded (exit 2).
fn load(loader: &Loader, reference: &str, dir: &Path) -> Result<Option<Arc<Checklist>>, Error> {
    let Some(result) = loader.resolve(reference, dir) else {
        return Ok(None);
    };
    match result.as_ref() {
        Ok(c) => Ok(Some(c.clone())),
        // The load result is shared by every manifest naming the file; each run's error is a copy.
        Err(ChecklistError::Io { path, reason }) => Err(Error::Io {
            path: path.clone(),
            reason: reason.clone(),
        }),
        Err(ChecklistError::Invalid {
            src,
            span,
            message,
            help,
        }) => Err(Error::Checklist(ChecklistError::Invalid {
            src: src.clone(),
            span: *span,
            message: message.clone(),
            help: help.clone(),
        })),
    }
}

fn applied(c: &Checklist, source: ChecklistSource, required_by: Option<&str>) -> AppliedChecklist {
    AppliedChecklist {
        name: c.name.clone(),
        origin: c.origin.clone(),
        source,
        required_by: required_by.map(str::to_string),
    }
}

impl Resolved {
    /// Adds a checklist unless one of the same name is already in the set.
    fn push(&mut self, c: Arc<Checklist>, source: ChecklistSource, required_by: Option<&str>) {
        if self.checklists.iter().any(|o| o.name == c.name) {
            return;
        }
        self.applied.push(applied(&c, source, required_by));
        self.checklists.push(c);
    }
}

/// Resolves a manifest's effective checklists and reports `LG-CHECKLIST` (unknown names) and
/// `LG-POLICY` (a required checklist left out of `checklists:`) findings.
///
/// Without `cli`: the policy's `required` checklists, then the manifest's `checklists:` (or its
/// default list); every required checklist is applied whatever the manifest says. With `cli`
/// (`--checklist`, paths relative to the working directory): exactly those, and the required
/// ones they leave out are reported in `not_applied`.
pub fn resolve(
    policy: &Policy,
    subject: &Subject,
    cli: Option<&[String]>,
    loader: &Loader,
    findings: &mut Vec<Finding>,
) -> Result<Resolved, Error> {
    let service = &subject.manifest.service;
    let required = policy.required(&service.stage, service.tier);
    let mut out = Resolved::default();
    let mut required_lists = Vec::new();
    for r in &required {
        // The policy checked its references when it was loaded; `None` is a built-in that
        // cannot disappear, so it is skipped rather than trusted to panic.
        if let Some(c) = load(loader, &r.reference, &r.dir)? {
            required_lists.push((c, r));
        }
    }
    if let Some(names) = cli {
        for name in names {
            match load(loader, name, Path::new(""))? {
                Some(c) => out.push(c, ChecklistSource::CommandLine, None),
                None => {
                    return Err(Error::Usage(format!(
                        "unknown checklist `{name}`: use a built-in name ({}) or a path to a .yaml file",
                        builtin_names()
                    )));
                }
            }
        }
        for (c, r) in &required_lists {
            if !out.checklists.iter().any(|o| o.name == c.name)
                && !out.not_applied.iter().any(|o| o.name == c.name)
            {
                out.not_applied
                    .push(applied(c, ChecklistSource::Policy, Some(&r.required_by)));
            }
        }
        check_unique_items(&out.checklists)?;
        return Ok(out);
    }
    for (c, r) in &required_lists {
        out.push(c.clone(), ChecklistSource::Policy, Some(&r.required_by));
    }
    let (doc, src) = (subject.doc, subject.src);
    let mut listed: Vec<String> = Vec::new();
    for (i, name) in subject.manifest.checklist_names().iter().enumerate() {
        let route = Route::root().key("checklists").index(i);
        if let Some(problem) = outside(subject.base, name) {
            findings.push(
                crate::core::finding(
                    "LG-CHECKLIST",
                    Outcome::Fail,
                    format!("checklist {problem}"),
                )
                .at(Location::new(src, doc.locate(&route).span))
                .help(
                    "a manifest names checklist files inside its repository, relative to the \
                     manifest; pass one kept elsewhere with --checklist",
                ),
            );
            continue;
        }
        match load(loader, name, subject.dir)? {
            Some(c) => {
                listed.push(c.name.clone());
                out.push(c, ChecklistSource::Manifest, None);
            }
            None => {
                findings.push(
                    crate::core::finding("LG-CHECKLIST", Outcome::Fail, format!("unknown checklist `{name}`"))
                        .at(Location::new(src, doc.locate(&route).span))
                        .help(format!(
                            "use a built-in checklist ({}) or the path of a checklist file ending in .yaml",
                            builtin_names()
                        )),
                );
            }
        }
    }
    policy_findings(policy, &required_lists, &listed, subject, findings);
    check_unique_items(&out.checklists)?;
    Ok(out)
}

/// Why a checklist file a manifest names is not its repository's to name: an absolute path,
/// `..` above the root, or a symlink out of it. Read anyway, its text would reach the report
/// in a parse error's snippet: a pull request could print any `.yaml`-named file (or what a
/// symlink named so points at) of the CI machine into its own annotations.
fn outside(base: &Base, reference: &str) -> Option<String> {
    if checklist::is_builtin(reference) || !checklist::is_file_reference(reference) {
        return None;
    }
    base.resolve(reference)
        .err()
        .and_then(|problem| problem.outside_repository())
}

/// `LG-POLICY`: fails for each required checklist a written `checklists:` leaves out (an absent
/// key means the default list, which is not a choice to drop anything); passes otherwise.
fn policy_findings(
    policy: &Policy,
    required: &[(Arc<Checklist>, &Requirement)],
    listed: &[String],
    subject: &Subject,
    findings: &mut Vec<Finding>,
) {
    let before = findings.len();
    if subject.manifest.checklists.is_some() {
        let at = Location::new(
            subject.src,
            subject.doc.locate(&Route::root().key("checklists")).span,
        );
        for (c, r) in required.iter().filter(|(c, _)| !listed.contains(&c.name)) {
            let stage = &subject.manifest.service.stage;
            let why = r
                .description
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let by = match &r.location {
                Some(_) => format!("the policy rule at {}", r.required_by),
                None => format!("the {}", r.required_by),
            };
            let mut f = crate::core::finding(
                "LG-POLICY",
                Outcome::Fail,
                format!(
                    "`checklists` leaves out `{}`, which {by} requires for stage {stage}{why}",
                    c.name
                ),
            )
            .at(at.clone())
            .help(format!(
                "add `{name}` back to `checklists` (a manifest may add checklists, never drop a required one), or {change} through review; `{name}` is applied either way",
                name = c.name,
                change = policy_change(r),
            ));
            if let Some(loc) = &r.location {
                f.related.push(Related {
                    location: loc.clone(),
                    message: format!("`{}` required here", c.name),
                });
            }
            findings.push(f);
        }
    }
    if findings.len() == before {
        let names: Vec<String> = required
            .iter()
            .map(|(c, _)| format!("`{}`", c.name))
            .collect();
        let message = if names.is_empty() {
            format!(
                "no checklist is required for stage {} ({})",
                subject.manifest.service.stage,
                policy.origin()
            )
        } else {
            format!(
                "the required checklists are applied: {} ({})",
                names.join(", "),
                policy.origin()
            )
        };
        findings.push(crate::core::finding("LG-POLICY", Outcome::Pass, message));
    }
}

/// How to change the policy behind a requirement, for help text.
fn policy_change(r: &Requirement) -> String {
    match &r.location {
        Some(loc) => format!("change `{}`", loc.file),
        None => format!(
            "write a `{}` at the repository root with a different policy",
            super::FILE_NAME
        ),
    }
}

fn check_unique_items(checklists: &[Arc<Checklist>]) -> Result<(), Error> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for c in checklists {
        for item in &c.items {
            if let Some(other) = seen.insert(&item.id, &c.name) {
                return Err(Error::Usage(format!(
                    "item `{}` is defined by both checklist `{other}` and checklist `{}`; item ids must be unique",
                    item.id, c.name
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    /// Resolves `text` (a manifest in the current directory) under the default policy.
    fn run(text: &str, cli: Option<&[String]>) -> (Resolved, Vec<Finding>) {
        let src = SourceFile::new(
            Path::new("readiness.yaml"),
            "readiness.yaml".into(),
            text.into(),
        );
        let doc = parse(&src, &Limits::default()).unwrap();
        let manifest = Manifest::from_json(&doc.to_json()).unwrap();
        let loader = Loader::default();
        let base = Base::for_manifest(&loader.dirs, Path::new("readiness.yaml")).unwrap();
        let subject = Subject {
            manifest: &manifest,
            doc: &doc,
            src: &src,
            dir: Path::new(""),
            base: &base,
        };
        let mut findings = Vec::new();
        let resolved = resolve(
            &Policy::default_policy(),
            &subject,
            cli,
            &loader,
            &mut findings,
        )
        .unwrap();
        (resolved, findings)
    }

    fn sources(r: &[AppliedChecklist]) -> Vec<(&str, ChecklistSource)> {
        r.iter().map(|c| (c.name.as_str(), c.source)).collect()
    }

    #[test]
    fn a_dropped_required_checklist_fails_and_is_applied_anyway() {
        let (r, findings) = run(
            "version: 1\nservice: { name: a, stage: prod }\nchecklists: [launch]\n",
            None,
        );
        assert_eq!(
            sources(&r.applied),
            [
                ("production", ChecklistSource::Policy),
                ("launch", ChecklistSource::Policy)
            ]
        );
        assert_eq!(findings.len(), 1);
        let f = &findings[0];
        assert_eq!((&*f.item, f.outcome), ("LG-POLICY", Outcome::Fail));
        let at = f.location.as_ref().unwrap();
        assert_eq!((at.line, at.column), (3, 1));
        assert!(f.message.contains("`production`"), "{}", f.message);
        assert!(
            f.related.is_empty(),
            "the default policy has no file to point at"
        );
    }

    #[test]
    fn an_absent_list_drops_nothing_and_additions_are_kept() {
        let (r, findings) = run("version: 1\nservice: { name: a, stage: mvp }\n", None);
        // The absent key means `[production, launch]`; `launch` is the required one at mvp.
        assert_eq!(
            sources(&r.applied),
            [
                ("launch", ChecklistSource::Policy),
                ("production", ChecklistSource::Manifest)
            ]
        );
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].outcome, Outcome::Pass);
        assert!(r.not_applied.is_empty());
    }

    #[test]
    fn the_command_line_replaces_everything_and_lists_what_it_left_out() {
        let cli = ["launch".to_string()];
        let (r, findings) = run(
            "version: 1\nservice: { name: a, stage: prod }\nchecklists: []\n",
            Some(&cli),
        );
        assert_eq!(
            sources(&r.applied),
            [("launch", ChecklistSource::CommandLine)]
        );
        assert_eq!(
            sources(&r.not_applied),
            [("production", ChecklistSource::Policy)]
        );
        assert_eq!(
            r.not_applied[0].required_by.as_deref(),
            Some("default policy")
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn unknown_manifest_checklists_are_located_findings() {
        let (_, findings) = run(
            "version: 1\nservice: { name: a, stage: poc }\nchecklists: [nope]\n",
            None,
        );
        let unknown: Vec<&Finding> = findings
            .iter()
            .filter(|f| &*f.item == "LG-CHECKLIST")
            .collect();
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].location.as_ref().unwrap().column, 14);
    }
}
