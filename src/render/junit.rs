//! JUnit XML for CI dashboards: a suite per manifest (and per phase for `gate`), a test case
//! per item or gate. Failures carry message and location; holds are skipped with the reason.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use crate::report::{Finding, Outcome, Report, Severity};

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

/// The report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut junit = Junit::new(format!("launchgate {}", report.command));
    for m in &report.manifests {
        // Suites: the manifest, or manifest + phase for gate findings, in first-seen order.
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
        for (name, items) in suites {
            let mut suite = TestSuite::new(name.clone());
            for (item, findings) in items {
                let classname = report
                    .items
                    .get(item)
                    .map_or("core", |i| i.checklist.as_str());
                suite.add_test_case(case(item, &findings, classname));
            }
            junit.add_test_suite(suite);
        }
    }
    junit.to_string().unwrap_or_default()
}
