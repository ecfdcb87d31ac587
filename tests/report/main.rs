//! `launchgate report`: the scorecard page over the example organisation (`examples/org`: 13
//! services checked here plus a JSON report from another repository), checked by its real
//! consumers: an HTML5 parser and headless Chromium.

mod browser;
#[path = "../common/mod.rs"]
mod common;

use std::path::Path;

use common::{NOW, launchgate, root};
use scraper::{ElementRef, Html, Selector};

const ORG: &str = "examples/org";
const REMOTE: &str = "examples/org/reports/data-platform.json";

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The example organisation in a git repository of its own, at `examples/org` as here, so
/// the known-good release and code owners do not depend on how this repository was cloned
/// (CI clones shallow): the organisation as the previous release (tagged
/// [`common::PREVIOUS_RELEASE`]), then a release whose manifests name that tag.
fn org_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let org = d.join(ORG);
    std::fs::create_dir_all(&org).unwrap();
    common::copy_dir(&root().join(ORG), &org);
    // This repository's code owners: `*` owns the shared evidence, each team its services.
    let owners = std::fs::read_to_string(root().join(".github/CODEOWNERS")).unwrap();
    assert!(
        owners.contains("/examples/org/search/"),
        "CODEOWNERS names the example teams"
    );
    common::write_tree(d, &[(".github/CODEOWNERS", &owners)]);
    common::git(d, &["init", "-q", "-b", "main"]);
    common::git(d, &["add", "."]);
    common::git(d, &["commit", "-q", "-m", "previous release"]);
    common::git(d, &["tag", common::PREVIOUS_RELEASE]);
    for team in ["payments", "search", "platform"] {
        for entry in std::fs::read_dir(org.join(team)).unwrap() {
            let manifest = entry.unwrap().path().join("readiness.yaml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let text: String = text
                .lines()
                .map(|l| match l.find("known_good: ") {
                    Some(at) => format!("{}known_good: {}\n", &l[..at], common::PREVIOUS_RELEASE),
                    None => format!("{l}\n"),
                })
                .collect();
            std::fs::write(&manifest, text).unwrap();
        }
    }
    common::git(d, &["commit", "-q", "-am", "this release"]);
    dir
}

/// Runs `report` over the example organisation (in [`org_repo`]), writing `formats` (FMT,
/// file name) into a temporary directory; returns that directory.
fn org_report(formats: &[(&str, &str)]) -> tempfile::TempDir {
    let repo = org_repo();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = launchgate();
    cmd.current_dir(repo.path())
        .args(["report", ORG, REMOTE, "--now", NOW]);
    for (fmt, file) in formats {
        cmd.arg("--format")
            .arg(format!("{fmt}={}", dir.path().join(file).display()));
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "report writes the page whatever the verdicts: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// One matrix row: the service (row header), its cells as (class, text), and the element.
struct MatrixRow(String, Vec<(String, String)>, ElementRef<'static>);

/// The matrix: the item columns and the rows.
struct Matrix {
    items: Vec<String>,
    rows: Vec<MatrixRow>,
}

fn matrix(doc: &'static Html) -> Matrix {
    let items: Vec<String> = doc
        .select(&sel("#matrix thead th.item"))
        .map(|th| th.value().attr("data-item").unwrap().to_string())
        .collect();
    let rows = doc
        .select(&sel("#matrix tbody tr"))
        .map(|tr| {
            let name = text(tr.select(&sel("th[scope=row]")).next().unwrap());
            let cells: Vec<(String, String)> = tr
                .select(&sel("td"))
                .map(|td| (td.value().attr("class").unwrap_or("").to_string(), text(td)))
                .collect();
            MatrixRow(name, cells, tr)
        })
        .collect();
    Matrix { items, rows }
}

impl Matrix {
    /// (class, text) of a service's cell for an item.
    fn cell(&self, service: &str, item: &str) -> (String, String) {
        let col = self
            .items
            .iter()
            .position(|i| i == item)
            .unwrap_or_else(|| panic!("no column {item}"));
        let row = self
            .rows
            .iter()
            .find(|r| r.0 == service)
            .unwrap_or_else(|| panic!("no row {service}"));
        // Cells after the row header: team, tier, stage, verdict, then the items.
        row.1[4 + col].clone()
    }

    fn field(&self, service: &str, name: &str) -> String {
        let row = self.rows.iter().find(|r| r.0 == service).unwrap();
        row.2.value().attr(name).unwrap_or_default().to_string()
    }
}

fn parse(path: &Path) -> &'static Html {
    let html = std::fs::read_to_string(path).unwrap();
    Box::leak(Box::new(Html::parse_document(&html)))
}

#[test]
fn markdown_scorecard_of_the_example_organisation() {
    let dir = org_report(&[("markdown", "org.md")]);
    let md = std::fs::read_to_string(dir.path().join("org.md")).unwrap();
    insta::assert_snapshot!("org_markdown", md);
}

#[test]
fn html_matrix_holds_every_service_item_and_state() {
    let dir = org_report(&[("html", "org.html")]);
    let doc = parse(&dir.path().join("org.html"));
    let m = matrix(doc);

    // 13 manifests checked here and 3 services of the data team's JSON report.
    let mut names: Vec<&str> = m.rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names.len(), 16);
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "auth-gateway",
            "checkout-api",
            "config-service",
            "crawler",
            "dashboard-factory",
            "fraud-scoring",
            "indexer",
            "invoice-mailer",
            "ledger",
            "lineage-api",
            "metrics-gateway",
            "query-suggest",
            "ranking",
            "search-api",
            "stream-router",
            "warehouse-loader"
        ]
    );
    // Columns: the launch and production items by checklist, launchgate's own items last.
    assert_eq!(m.items.first().map(String::as_str), Some("LAUNCH-COMMS"));
    assert!(m.items.contains(&"PROD-BACKUP-RESTORE".to_string()));
    assert!(m.items.last().unwrap().starts_with("LG-"));
    let first_core = m.items.iter().position(|i| i.starts_with("LG-")).unwrap();
    assert!(m.items[first_core..].iter().all(|i| i.starts_with("LG-")));

    // Cells worked out by hand from examples/org/generate.py, at 2026-11-25.
    // ledger: restore test 2026-07-01 is 147 days old, over production's 90.
    let (class, shown) = m.cell("ledger", "PROD-BACKUP-RESTORE");
    assert_eq!(class, "fail");
    assert!(
        shown.contains("✗ fail") && shown.contains("147 days ago"),
        "{shown}"
    );
    // fraud-scoring: the same failure, waived by @payments-director until 2026-12-03.
    let (class, shown) = m.cell("fraud-scoring", "PROD-BACKUP-RESTORE");
    assert_eq!(class, "waived");
    assert!(shown.contains("@payments-director") && shown.contains("2026-12-03"));
    // search-api: rehearsal 2026-08-01 is past launch's 60 days; a 15-minute rollback.
    assert_eq!(m.cell("search-api", "LAUNCH-REHEARSAL").0, "fail");
    assert_eq!(m.cell("search-api", "PROD-ROLLBACK-5MIN").0, "fail");
    assert_eq!(m.cell("search-api", "PROD-ONCALL").0, "pass");
    // crawler is a poc: no launch or production item applies.
    assert_eq!(
        m.cell("crawler", "LAUNCH-OWNERS"),
        ("na".into(), "– n/a".into())
    );
    assert_eq!(m.cell("crawler", "PROD-SLA").0, "na");
    // invoice-mailer is an mvp: launch items from mvp on, production items from mmp on.
    assert_eq!(m.cell("invoice-mailer", "LAUNCH-OWNERS").0, "pass");
    assert_eq!(m.cell("invoice-mailer", "LAUNCH-REHEARSAL").0, "na");
    assert_eq!(m.cell("invoice-mailer", "PROD-ONCALL").0, "na");
    // warehouse-loader comes from a shallow clone: the known-good release cannot be decided.
    assert_eq!(m.cell("warehouse-loader", "PROD-KNOWN-GOOD").0, "hold");
    // Nor, for lineage-api (an mvp) too, whether the support runbook changed after the review
    // its manifest records: that commit is not in the clone.
    assert_eq!(m.cell("lineage-api", "LAUNCH-RUNBOOKS").0, "hold");
    assert_eq!(m.field("lineage-api", "data-verdict"), "hold");
    assert_eq!(m.field("warehouse-loader", "data-verdict"), "hold");
    assert_eq!(m.field("warehouse-loader", "data-team"), "data");
    assert_eq!(m.field("stream-router", "data-verdict"), "fail");
    assert_eq!(m.cell("stream-router", "PROD-SLA").0, "fail");
    assert_eq!(m.cell("auth-gateway", "LAUNCH-OWNERS").0, "fail");
    assert_eq!(m.field("auth-gateway", "data-tier"), "1");
    assert_eq!(m.field("indexer", "data-stage"), "mmp");
    let row = m.rows.iter().find(|r| r.0 == "stream-router").unwrap();
    assert!(text(row.2).contains(
        "(from examples/org/reports/data-platform.json, checked at 2026-11-25T12:00:00Z)"
    ));

    // Headline numbers.
    let count = |key: &str| -> String {
        let li = doc
            .select(&sel(&format!("#headline li[data-count={key}] b")))
            .next()
            .unwrap_or_else(|| panic!("no tile {key}"));
        text(li)
    };
    assert_eq!(count("services"), "16");
    assert_eq!(count("ready"), "8");
    assert_eq!(count("not-ready"), "6");
    assert_eq!(count("held"), "2");
    assert_eq!(count("waivers-14"), "2");
    assert_eq!(count("waivers-30"), "3");
    assert_eq!(count("stale-30"), "4");
    let failing: Vec<String> = doc
        .select(&sel("#failing li"))
        .map(|li| li.value().attr("data-item").unwrap().to_string())
        .collect();
    assert_eq!(failing.len(), 7, "{failing:?}");
    assert!(failing.contains(&"PROD-SLA".to_string()));

    // Waivers soonest first, with approvers; evidence going stale with its checklist limit.
    let rows = |table: &str| -> Vec<Vec<String>> {
        doc.select(&sel(&format!("#{table} tbody tr")))
            .map(|tr| tr.select(&sel("th, td")).map(text).collect())
            .collect()
    };
    let waivers = rows("waivers");
    assert_eq!(waivers.len(), 3);
    assert_eq!(waivers[0][1], "stream-router");
    assert!(waivers[0][0].starts_with("⚑ 3 days"));
    assert_eq!(waivers[0][3], "@data-director");
    assert_eq!(waivers[2][1], "ranking");
    assert!(waivers[2][0].contains("≤ 30 days"));
    let stale = rows("stale");
    let checkout = stale.iter().find(|r| r[1] == "checkout-api").unwrap();
    assert_eq!(checkout[3], "rollback.last_tested");
    assert_eq!(
        checkout[5], "90 days",
        "the limit comes from production.yaml's rule"
    );
    assert_eq!(checkout[6], "2026-12-01");
    let indexer = stale.iter().find(|r| r[1] == "indexer").unwrap();
    assert_eq!(indexer[5], "180 days");
    assert_eq!(indexer[0], "◷ 13 days");
}

#[test]
fn html_is_self_contained_and_accessible() {
    let dir = org_report(&[("html", "org.html")]);
    let doc = parse(&dir.path().join("org.html"));
    for e in doc.select(&sel("[src], [href]")) {
        for attr in ["src", "href"] {
            if let Some(v) = e.value().attr(attr) {
                let v = v.trim().to_ascii_lowercase();
                assert!(
                    !(v.starts_with("http:") || v.starts_with("https:") || v.starts_with("//")),
                    "external {attr}={v}"
                );
            }
        }
    }
    assert_eq!(
        doc.select(&sel("link, iframe, img, object, embed")).count(),
        0
    );
    let scripts: Vec<_> = doc.select(&sel("script")).collect();
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].value().attr("src").is_none());
    // Semantic tables: captions, and every header cell scoped.
    for id in ["matrix", "waivers", "stale"] {
        let table = doc.select(&sel(&format!("table#{id}"))).next().unwrap();
        assert!(table.select(&sel("caption")).next().is_some(), "{id}");
        for th in table.select(&sel("th")) {
            assert!(
                matches!(th.value().attr("scope"), Some("col" | "row")),
                "{id}: {}",
                th.html()
            );
        }
    }
    // The filters are hidden until the script shows them: with scripts off they do nothing.
    let form = doc.select(&sel("form#filters")).next().unwrap();
    assert!(form.value().attr("hidden").is_some());
    for name in ["team", "tier", "stage", "verdict", "item", "state", "sort"] {
        assert!(
            form.select(&sel(&format!("select[name={name}]")))
                .next()
                .is_some(),
            "{name}"
        );
    }
    let html = std::fs::read_to_string(dir.path().join("org.html")).unwrap();
    assert!(html.contains("@media print"));
    assert!(html.contains("name=\"viewport\""));
    assert!(html.contains("Content-Security-Policy"));
}

#[test]
fn hostile_names_render_as_text() {
    // The schema keeps service names tame in manifests, but a JSON report from another
    // repository is data launchgate does not control; its text reaches the page verbatim.
    let dir = tempfile::tempdir().unwrap();
    let remote = std::fs::read_to_string(root().join(REMOTE)).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&remote).unwrap();
    let m = &mut v["manifests"][1];
    assert_eq!(m["service"], "stream-router");
    m["service"] = "<script>alert(1)</script>".into();
    m["team"] = "<img src=x onerror=alert(2)>\"'&".into();
    m["path"] = "</td></tr><tr><td>evil".into();
    let findings = m["findings"].as_array_mut().unwrap();
    let waived = findings
        .iter_mut()
        .find(|f| f["outcome"] == "waived")
        .unwrap();
    waived["waiver"]["approved_by"] = "<b onmouseover=alert(3)>boss</b>".into();
    waived["message"] = "</details><script>alert(4)</script>".into();
    std::fs::write(dir.path().join("hostile.json"), v.to_string()).unwrap();
    // And a manifest whose schema error quotes a hostile name back.
    std::fs::create_dir_all(dir.path().join("svc")).unwrap();
    std::fs::write(
        dir.path().join("svc/readiness.yaml"),
        "version: 1\nservice: { name: \"<script>alert(5)</script>\", tier: 2, stage: poc }\n",
    )
    .unwrap();
    let html_path = dir.path().join("page.html");
    let out = launchgate()
        .current_dir(dir.path())
        .args(["report", "svc", "hostile.json", "--now", NOW, "--format"])
        .arg(format!("html={}", html_path.display()))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for raw in [
        "<script>alert",
        "<img",
        "<b onmouseover",
        "</td></tr><tr><td>evil",
    ] {
        assert!(!html.contains(raw), "{raw} is markup");
    }
    let doc = Html::parse_document(&html);
    assert_eq!(
        doc.select(&sel("script")).count(),
        1,
        "only the page's own script"
    );
    assert_eq!(doc.select(&sel("img")).count(), 0);
    for e in doc.select(&sel("*")) {
        assert!(
            e.value().attrs().all(|(name, _)| !name.starts_with("on")),
            "event handler on {}",
            e.html()
        );
    }
    assert_eq!(doc.select(&sel("#matrix tbody tr")).count(), 4);
    let m = matrix(Box::leak(Box::new(doc)));
    let row = m
        .rows
        .iter()
        .find(|r| r.0 == "<script>alert(1)</script>")
        .expect("the hostile name is the row header's text");
    assert_eq!(
        row.2.value().attr("data-team"),
        Some("<img src=x onerror=alert(2)>\"'&")
    );
    let (class, shown) = m.cell("<script>alert(1)</script>", "LAUNCH-REHEARSAL");
    assert_eq!(class, "waived");
    assert!(
        shown.contains("</details><script>alert(4)</script>"),
        "{shown}"
    );
    assert!(
        shown.contains("<b onmouseover=alert(3)>boss</b>"),
        "{shown}"
    );
    let schema_row = m.rows.iter().find(|r| r.0 == "svc/readiness.yaml").unwrap();
    assert!(text(schema_row.2).contains("<script>alert(5)</script>"));
    // The same text stays inert in the Markdown.
    let out = launchgate()
        .current_dir(dir.path())
        .args(["report", "svc", "hostile.json", "--now", NOW])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
    assert!(!md.contains("<script>") && !md.contains("<img"), "{md}");
}

#[test]
fn json_output_is_the_page_model() {
    let dir = org_report(&[("json", "org.json"), ("markdown", "org.md")]);
    let card: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("org.json")).unwrap())
            .unwrap();
    assert_eq!(card["version"], 1);
    assert_eq!(card["today"], "2026-11-25");
    assert_eq!(card["headline"]["services"], 16);
    assert_eq!(card["headline"]["ready"], 8);
    assert_eq!(card["headline"]["not_ready"], 6);
    assert_eq!(card["headline"]["held"], 2);
    assert_eq!(card["waivers"][0]["approved_by"], "@data-director");
    assert!(
        dir.path().join("org.md").is_file(),
        "every --format is written"
    );
}

#[test]
fn the_example_organisation_loads_cleanly() {
    // The manifests are real shapes: none has a YAML, schema or path problem.
    let repo = org_repo();
    let out = launchgate()
        .current_dir(repo.path())
        .args(["check", ORG, "--format", "json", "--now", NOW])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(code, 1, "some services are not ready on purpose");
    for bad in [
        "LG-YAML",
        "LG-SCHEMA",
        "LG-PATH",
        "LG-EVIDENCE",
        "LG-WAIVER",
    ] {
        assert!(
            common::findings_of(&report, bad)
                .iter()
                .all(|(outcome, _, _)| outcome == "pass"),
            "{bad}: {:?}",
            common::findings_of(&report, bad)
        );
    }
    assert_eq!(report["manifests"].as_array().unwrap().len(), 13);
    // The JSON report input is what `check --format json` writes, schema and all.
    let remote: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(REMOTE)).unwrap()).unwrap();
    assert_eq!(common::report_schema_errors(&remote), Vec::<String>::new());
    assert_eq!(common::report_schema_errors(&report), Vec::<String>::new());
    let checkout = report["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["service"] == "checkout-api")
        .unwrap();
    assert_eq!(checkout["team"], "payments");
    assert_eq!(checkout["tier"], 1);
    let rollback = checkout["freshness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "rollback.last_tested")
        .unwrap();
    assert_eq!(rollback["max_age_days"], 90);
    assert_eq!(rollback["stale_on"], "2026-12-01");
}

fn report_exit(args: &[&str], dir: &Path) -> (i32, String) {
    let out = launchgate()
        .current_dir(dir)
        .arg("report")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_input_exits_2_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let remote = std::fs::read_to_string(root().join(REMOTE)).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&remote).unwrap();
    v["version"] = 99.into();
    std::fs::write(d.join("future.json"), v.to_string()).unwrap();
    let (code, err) = report_exit(&["future.json"], d);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("future.json") && err.contains("version 99 is not supported"),
        "{err}"
    );

    std::fs::write(d.join("dash.json"), r#"{"panels": []}"#).unwrap();
    let (code, err) = report_exit(&["dash.json"], d);
    assert_eq!(code, 2);
    assert!(err.contains("not a launchgate report"), "{err}");

    std::fs::write(d.join("broken.json"), "{\"version\": 1,").unwrap();
    let (code, err) = report_exit(&["broken.json"], d);
    assert_eq!(code, 2);
    assert!(err.contains("not JSON"), "{err}");

    let (code, err) = report_exit(&["missing.json"], d);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "{err}");

    let (code, err) = report_exit(&["--format", "pdf=x.pdf", "."], d);
    assert_eq!(code, 2);
    assert!(err.contains("unknown format `pdf`"), "{err}");

    let (code, err) = report_exit(&["--now", "yesterday", REMOTE], &root());
    assert_eq!(code, 2);
    assert!(err.contains("--now"), "{err}");

    std::fs::write(d.join("latin1.json"), b"{\"tool\": \"caf\xe9\"}").unwrap();
    let (code, err) = report_exit(&["latin1.json"], d);
    assert_eq!(code, 2);
    assert!(
        err.contains("latin1.json") && err.contains("not UTF-8"),
        "{err}"
    );

    // A FIFO named like a report is refused at once, not waited on.
    #[cfg(unix)]
    {
        common::mkfifo(&d.join("pipe.json"));
        let mut cmd = launchgate();
        cmd.current_dir(d).args(["report", "pipe.json"]);
        common::refused_as_not_a_file(cmd, "pipe.json");
        std::fs::remove_file(d.join("pipe.json")).unwrap();
    }

    // An empty directory has nothing to report on.
    let (code, err) = report_exit(&["."], d);
    assert_eq!(code, 2, "{err}");
}

/// A report bigger than an evidence file (which stop at 10 MB) is read whole: reports of
/// thousands of services run to tens of megabytes.
#[test]
fn a_report_over_ten_megabytes_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    // JSON allows whitespace before the value: the size without thousands of services, and
    // a read cut at 10 MB would see no value at all.
    let text = " ".repeat(12 * 1024 * 1024) + &big_report(3).to_string();
    std::fs::write(dir.path().join("big.json"), text).unwrap();
    let (code, err) = report_exit(&["big.json", "--format", "json=out.json"], dir.path());
    assert_eq!(code, 0, "{err}");
    let page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    assert!(page.to_string().contains("service-0002"), "{page:#}");
}

/// A check report of `n` services, made of the data team's services renamed.
fn big_report(n: usize) -> serde_json::Value {
    let remote = std::fs::read_to_string(root().join(REMOTE)).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&remote).unwrap();
    let base = v["manifests"].as_array().unwrap().clone();
    let teams = ["data", "payments", "search", "platform", "identity"];
    let manifests: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut m = base[i % base.len()].clone();
            m["service"] = format!("service-{i:04}").into();
            m["team"] = teams[i % teams.len()].into();
            m["path"] = format!("svc-{i:04}/readiness.yaml").into();
            m
        })
        .collect();
    v["manifests"] = manifests.into();
    v
}

/// A thousand services make one page of a few megabytes with every row. How long it takes is
/// measured by `bash bench/report.sh`, not asserted here: test machines are noisy.
#[test]
fn a_thousand_services_render_into_a_small_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.json");
    std::fs::write(&input, big_report(1000).to_string()).unwrap();
    let page = dir.path().join("big.html");
    let out = launchgate()
        .arg("report")
        .arg(&input)
        .args(["--now", NOW, "--format"])
        .arg(format!("html={}", page.display()))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = std::fs::metadata(&page).unwrap().len();
    assert!(size < 5 * 1024 * 1024, "{size} bytes");
    let doc = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    assert_eq!(doc.select(&sel("#matrix tbody tr")).count(), 1000);
}

/// Every file of `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The committed organisation is what `examples/org/generate.py` writes with this build (its
/// manifests, shared evidence and the other repository's report): an example edited by hand,
/// or left behind when the dashboard-factory example or launchgate changed, shows a scorecard
/// no one can reproduce.
#[test]
fn the_example_organisation_is_what_its_generator_writes() {
    let Some(python) = common::tool("python3") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(python)
        .arg(root().join(ORG).join("generate.py"))
        .arg(env!("CARGO_BIN_EXE_launchgate"))
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let committed: Vec<_> = files_under(&root().join(ORG))
        .into_iter()
        .filter(|p| p != Path::new("generate.py"))
        .collect();
    assert_eq!(files_under(out.path()), committed);
    for file in &committed {
        let fresh = std::fs::read(out.path().join(file)).unwrap();
        let kept = std::fs::read(root().join(ORG).join(file)).unwrap();
        assert!(
            fresh == kept,
            "{} differs from what examples/org/generate.py writes: run `python3 examples/org/generate.py target/debug/launchgate`",
            file.display()
        );
    }
}
