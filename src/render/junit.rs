//! JUnit XML for CI dashboards: a suite per manifest (and per phase for `gate`), a test case
//! per item or gate. Failures carry message and location; holds are skipped with the reason.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use crate::report::{Finding, ManifestReport, Outcome, Report, Severity};

fn place(f: &Finding) -> String {
    f.location
        .as_ref()
        .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
        .unwrap_or_default()
}

fn case(item: &str, findings: &[&Finding], classname: &str) -> TestCase {
    let failing: Vec<&&Finding> = findings.iter().filter(|f| f.blocks()).collect();
    let held: Vec<&&Finding> = findings
        .iter()
        .filter(|f| f.outcome == Outcome::Hold)
        .collect();
    let details = |fs: &[&&Finding]| {
        fs.iter()
            .map(|f| format!("{}{}", place(f), f.message))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let status = if !failing.is_empty() {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_message(failing[0].message.clone());
        s.set_type(item.to_string());
        s.set_description(details(&failing));
        s
    } else if !held.is_empty() {
        let mut s = TestCaseStatus::skipped();
        s.set_message(format!("hold: {}", held[0].message));
        s.set_description(details(&held));
        s
    } else {
        TestCaseStatus::success()
    };
    let mut tc = TestCase::new(item.to_string(), status);
    tc.set_classname(classname.to_string());
    let notes: Vec<String> = findings
        .iter()
        .filter(|f| {
            f.outcome == Outcome::Waived
                || (f.outcome == Outcome::Fail && f.severity == Severity::Warning)
        })
        .map(|f| match &f.waiver {
            Some(w) => format!(
                "waived until {} by {}: {} ({}{})",
                w.expires,
                w.approved_by,
                w.reason,
                place(f),
                f.message
            ),
            None => format!("warning: {}{}", place(f), f.message),
        })
        .collect();
    if !notes.is_empty() {
        tc.set_system_out(notes.join("\n"));
    }
    tc
}

/// The report as JUnit XML, written into `out` a manifest at a time.
///
/// quick-junit serializes only whole documents, and 100,000 manifests make a document of a
/// gigabyte in memory: so the header (whose totals take a first pass) and each manifest's suites
/// are serialized as documents of their own, and their parts joined; the result is the document
/// quick-junit would write.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let name = format!("launchgate {}", report.command);
    let mut totals = Junit::new(name.clone());
    for m in report.manifests.iter() {
        for suite in suites(report, &m) {
            totals.tests += suite.tests;
            totals.failures += suite.failures;
            totals.errors += suite.errors;
        }
    }
    let header = xml(&totals)?;
    let Some(close) = header.rfind("</testsuites>") else {
        return Err(std::io::Error::other("quick-junit wrote no </testsuites>"));
    };
    let mut wrote = false;
    for m in report.manifests.iter() {
        let mut one = Junit::new(name.clone());
        one.add_test_suites(suites(report, &m));
        let text = xml(&one)?;
        // The suites: after the `<testsuites ...>` tag, up to the line that closes it.
        let start = text
            .find("<testsuites")
            .and_then(|i| text[i..].find('>').map(|j| i + j + 1));
        let end = text.rfind("\n</testsuites>");
        if let (Some(start), Some(end)) = (start, end)
            && start < end
        {
            if !wrote {
                out.write_all(header[..close].trim_end_matches('\n').as_bytes())?;
                wrote = true;
            }
            out.write_all(&text.as_bytes()[start..end])?;
        }
    }
    if !wrote {
        // No suites: the header is the whole document.
        return out.write_all(header.as_bytes());
    }
    out.write_all(b"\n")?;
    out.write_all(&header.as_bytes()[close..])
}

fn xml(junit: &Junit) -> std::io::Result<String> {
    junit.to_string().map_err(std::io::Error::other)
}

/// One manifest's suites: the manifest, or manifest + phase for gate findings, in first-seen
/// order.
fn suites(report: &Report, m: &ManifestReport) -> Vec<TestSuite> {
    let mut suites: Vec<(String, BTreeMap<&str, Vec<&Finding>>)> = Vec::new();
    for f in &m.findings {
        let name = match &f.phase {
            Some(p) => format!("{} [{p}]", m.path),
            None => m.path.clone(),
        };
        let idx = match suites.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                suites.push((name, BTreeMap::new()));
                suites.len() - 1
            }
        };
        suites[idx].1.entry(&*f.item).or_default().push(f);
    }
    if suites.is_empty() {
        suites.push((m.path.clone(), BTreeMap::new()));
    }
    suites
        .into_iter()
        .map(|(name, items)| {
            let mut suite = TestSuite::new(name);
            for (item, findings) in items {
                let classname = report
                    .items
                    .get(item)
                    .map_or("core", |i| i.checklist.as_str());
                suite.add_test_case(case(item, &findings, classname));
            }
            suite
        })
        .collect()
}
