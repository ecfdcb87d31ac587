//! launchgate's own findings about a manifest's files: paths that do not resolve, evidence that
//! does not parse, placeholders left in.

use std::path::Path;

use crate::evidence;
use crate::manifest;
use crate::report::{Finding, Location, Outcome, Severity};
use crate::source::{SourceFile, display_path};
use crate::yaml::{Kind, Node, Seg};

use super::core_finding;

pub(super) fn path_findings(
    refs: &[manifest::PathRef],
    facts: &evidence::Facts,
    doc: &Node,
    src: &SourceFile,
    findings: &mut Vec<Finding>,
) {
    let mut ok = 0;
    let mut untracked = std::collections::HashSet::new();
    for r in refs {
        let file = facts.files.get(&r.path);
        let Some(problem) = file.and_then(|f| f.error.as_ref()) else {
            ok += 1;
            // Written by hand, never generated: a runbook git does not track is on this
            // machine only (dashboards and rule files are built in CI by some teams).
            let written = !matches!(r.route.segs().first(), Some(Seg::Key(k)) if k == "telemetry")
                && !r
                    .route
                    .segs()
                    .starts_with(&[Seg::Key("alerts".into()), Seg::Key("rules".into())]);
            if written
                && file
                    .and_then(|f| f.git.as_ref())
                    .is_some_and(|g| !g.tracked)
                && untracked.insert(r.path.as_str())
            {
                let message = format!(
                    "`{}` exists here, but git does not track it (never added, or ignored): the repository does not hold it, so CI's checkout, reviewers and whoever is paged do not have it",
                    r.path
                );
                let mut f = core_finding("LG-PATH", Outcome::Fail, message)
                    .at(Location::new(src, doc.locate(&r.route).span))
                    .help(format!(
                        "`git add {}` and commit it with the manifest",
                        r.path
                    ));
                f.severity = Severity::Warning;
                findings.push(f);
            }
            continue;
        };
        findings.push(
            core_finding("LG-PATH", Outcome::Fail, problem.to_string())
                .at(Location::new(src, doc.locate(&r.route).span))
                .help(problem.help()),
        );
    }
    if ok == refs.len() {
        findings.push(core_finding(
            "LG-PATH",
            Outcome::Pass,
            format!(
                "all {} referenced files exist inside the repository",
                refs.len()
            ),
        ));
    }
}

/// Broken evidence files (rule files that are not YAML, dashboards that are not JSON) are
/// located in those files.
pub(super) fn evidence_findings(facts: &evidence::Facts, dir: &Path, findings: &mut Vec<Finding>) {
    let before = findings.len();
    for p in &facts.alerts.problems {
        let mut loc = Location::file(&p.file);
        if let Some((line, column, offset, len)) = p.at {
            loc = Location {
                file: p.file.clone(),
                line,
                column,
                end_line: line,
                end_column: column + 1,
                offset,
                len,
            };
        }
        findings.push(core_finding("LG-EVIDENCE", Outcome::Fail, p.message.clone()).at(loc).help("fix the rule file; `promtool check rules FILE` checks it the way Prometheus will"));
    }
    for (written, d) in &facts.dashboards {
        let Some(problem) = &d.problem else { continue };
        let shown = display_path(&dir.join(written));
        let mut loc = Location::file(&shown);
        if let Some((line, column)) = d.error_at {
            loc.line = line;
            loc.end_line = line;
            loc.column = column;
            loc.end_column = column;
        }
        findings.push(
            core_finding(
                "LG-EVIDENCE",
                Outcome::Fail,
                format!("dashboard `{written}`: {problem}"),
            )
            .at(loc)
            .help("export the dashboard JSON from Grafana again"),
        );
    }
    if findings.len() == before {
        findings.push(core_finding(
            "LG-EVIDENCE",
            Outcome::Pass,
            "rule files and dashboards parse".into(),
        ));
    }
}

fn placeholder(value: &str, why: Option<&str>, src: &SourceFile, node: &Node) -> Finding {
    let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
    core_finding(
        "LG-PLACEHOLDER",
        Outcome::Fail,
        format!("placeholder left in the manifest: {value:?}{why}"),
    )
    .at(Location::new(src, node.span))
    .help("replace it with the real value")
}

pub(super) fn placeholder_findings(
    doc: &Node,
    facts: &evidence::Facts,
    src: &SourceFile,
    dir: &Path,
    findings: &mut Vec<Finding>,
) {
    let before = findings.len();
    let mut stack = vec![doc];
    while let Some(node) = stack.pop() {
        match &node.kind {
            Kind::Str(s)
                if crate::evidence::markdown::is_placeholder_value(s)
                    || s.lines().any(crate::evidence::markdown::has_placeholder) =>
            {
                let why = crate::evidence::markdown::is_unrendered_template(s)
                    .then_some("a template's variable, never filled in");
                findings.push(placeholder(s, why, src, node));
            }
            Kind::Str(s) => {
                if let Some(why) = crate::identity::stand_in(s) {
                    findings.push(placeholder(s, Some(why), src, node));
                }
            }
            Kind::Seq(items) => stack.extend(items.iter()),
            Kind::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    for (written, file) in &facts.files {
        let Some(md) = &file.markdown else { continue };
        if let Some(&line) = md.placeholder_lines.first() {
            let shown = display_path(&dir.join(written));
            let mut loc = Location::file(&shown);
            loc.line = line as u32;
            loc.end_line = line as u32;
            findings.push(
                core_finding(
                    "LG-PLACEHOLDER",
                    Outcome::Fail,
                    format!(
                        "`{written}` still has {} placeholder line(s) (TODO, TBD, FIXME, XXX, lorem ipsum), first at line {line}",
                        md.placeholder_lines.len()
                    ),
                )
                .at(loc)
                .help("write the real procedure in place of the placeholders"),
            );
        }
    }
    if findings.len() == before {
        findings.push(core_finding(
            "LG-PLACEHOLDER",
            Outcome::Pass,
            "no placeholders left".into(),
        ));
    }
}
