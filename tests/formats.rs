//! Output formats checked by their real consumers: SARIF against the official schema and
//! `sarif-multitool validate`, JUnit with `junitparser`, annotations against `@actions/core`.

mod common;

use std::path::Path;

use common::{launchgate, root, tool};
use serde_json::{Value, json};

const NOW: &str = "2026-11-25T12:00:00Z";

/// A manifest whose text ends up in messages and paths: newlines, `::`, `%`, `,`, XML and
/// CDATA terminators, ANSI escapes, Markdown and HTML.
fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let key = "x\\n::error file=evil::pwned %0A,:</testcase>]]><script>alert(1)</script>\\e[31m|**bold**|";
    let text = format!(
        "version: 1\nservice: {{ name: svc, stage: prod }}\n\"{key}\": 1\nowners:\n  \"line1\\r\\nline2 100% ,::warning::\": 2\n"
    );
    std::fs::write(dir.path().join("we,ird:%name.readiness.yaml"), text).unwrap();
    dir
}

fn run(args: &[&str], dir: Option<&Path>) -> std::process::Output {
    let mut cmd = launchgate();
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.args(args).output().unwrap()
}

#[test]
fn one_run_writes_human_sarif_junit_and_annotations() {
    let out_dir = tempfile::tempdir().unwrap();
    let sarif = out_dir.path().join("r.sarif");
    let junit = out_dir.path().join("r.xml");
    let out = launchgate()
        .args([
            "check",
            "examples/not-ready/readiness.yaml",
            "--now",
            NOW,
            "--format",
            "human",
            "--format",
            "github",
        ])
        .arg("--format")
        .arg(format!("sarif={}", sarif.display()))
        .arg("--format")
        .arg(format!("junit={}", junit.display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("verdict: FAIL"));
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::error title=PROD-ROLLBACK-5MIN"))
    );
    let s: Value = serde_json::from_str(&std::fs::read_to_string(sarif).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert!(
        std::fs::read_to_string(junit)
            .unwrap()
            .contains("<testsuites")
    );
}

#[test]
fn github_actions_environment_adds_annotations_and_a_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "previous step\n").unwrap();
    let out = launchgate()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "examples/not-ready/readiness.yaml", "--now", NOW])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("verdict: FAIL") && stdout.contains("\n::error title="),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("previous step\n### ❌ launchgate check: fail"),
        "{md}"
    );
}

fn sarif_of(args: &[&str], dir: Option<&Path>) -> Value {
    let out = run(args, dir);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn validate_sarif(log: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let v = jsonschema::options().build(&schema).unwrap();
    let errors: Vec<String> = v
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path().as_str()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema: {errors:#?}");
    // GitHub shows a related location only where the message links it (`[text](id)`).
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let text = r["message"]["text"].as_str().unwrap();
        let ids: Vec<u64> = r["relatedLocations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| l["id"].as_u64().unwrap())
            .collect();
        let links = text.matches("](").count();
        assert_eq!(links, ids.len(), "{text}");
        for id in ids {
            assert!(text.contains(&format!("]({id})")), "{text}");
        }
    }
    let Some(multitool) = tool("sarif-multitool") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.sarif");
    std::fs::write(&file, serde_json::to_string(log).unwrap()).unwrap();
    let report = dir.path().join("validation.sarif");
    let out = std::process::Command::new(multitool)
        .arg("validate")
        .arg(&file)
        .arg("--output")
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    let errors: Vec<&Value> = v["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["level"] == "error")
        .collect();
    assert!(errors.is_empty(), "sarif-multitool: {errors:#?}");
}

#[test]
fn sarif_is_valid_and_stable() {
    let args = [
        "check",
        "examples/not-ready",
        "--now",
        NOW,
        "--format",
        "sarif",
    ];
    let log = sarif_of(&args, None);
    validate_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|r| r["suppressions"][0]["kind"] == "external"),
        "waived → suppression"
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
    }
    assert_eq!(sarif_of(&args, None), log, "deterministic");
    insta::assert_json_snapshot!("not_ready_sarif", log, {".runs[0].tool.driver.version" => "[v]", ".runs[0].tool.driver.semanticVersion" => "[v]"});
}

#[test]
fn fingerprints_survive_lines_moving() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("examples/not-ready/readiness.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("runbooks")).unwrap();
    for f in ["monitoring.md", "incident.md", "comms.md", "rollback.md"] {
        std::fs::copy(
            root().join("examples/not-ready/runbooks").join(f),
            dir.path().join("runbooks").join(f),
        )
        .unwrap();
    }
    let fingerprints = |text: &str| {
        std::fs::write(dir.path().join("readiness.yaml"), text).unwrap();
        let log = sarif_of(
            &["check", ".", "--now", NOW, "--format", "sarif"],
            Some(dir.path()),
        );
        let mut f: Vec<String> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["launchgateFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        f.sort();
        f
    };
    let before = fingerprints(&text);
    let after = fingerprints(&format!("# a new comment line\n# and another\n{text}"));
    assert_eq!(before, after);
}

#[test]
fn junit_parses_with_junitparser() {
    let Some(python) = tool("python") else { return };
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("r.xml");
    launchgate()
        .args(["check", "examples/not-ready/readiness.yaml", "--now", NOW])
        .arg("--format")
        .arg(format!("junit={}", xml.display()))
        .assert()
        .code(1);
    let script = "import sys\nfrom junitparser import JUnitXml\nfor s in JUnitXml.fromfile(sys.argv[1]):\n    print(s.name, s.tests, s.failures, s.errors, s.skipped)\n";
    let out = std::process::Command::new(&python)
        .args(["-c", script])
        .arg(&xml)
        .output()
        .unwrap();
    if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("No module named") {
        eprintln!("SKIPPED: junitparser is not installed");
        return;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        // 28 items (LG-POLICY passes: the manifest lists both required checklists), 19 failing.
        "examples/not-ready/readiness.yaml 28 19 0 0\n"
    );
    // Gate reports: a suite per phase, holds skipped.
    let f = root().join("examples/dashboard-factory/fixtures/stale-40m");
    let gxml = dir.path().join("g.xml");
    launchgate()
        .args([
            "gate",
            "examples/dashboard-factory/readiness.yaml",
            "--all",
            "--now",
            NOW,
            "--status",
        ])
        .arg(f.join("status.json"))
        .arg("--history")
        .arg(f.join("runtime-events.jsonl"))
        .arg("--format")
        .arg(format!("junit={}", gxml.display()))
        .assert()
        .code(3);
    let out = std::process::Command::new(&python)
        .args(["-c", script])
        .arg(&gxml)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("examples/dashboard-factory/readiness.yaml [canary-1] 4 0 0 4"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4, "{text}");
}

/// The annotations launchgate prints, rebuilt by `@actions/core` from the JSON report.
fn actions_core_lines(report: &Value, dir: &Path) -> Option<String> {
    let node = tool("node")?;
    let core = root().join(".tools/node/node_modules/@actions/core");
    if !core.is_dir() {
        eprintln!("SKIPPED: @actions/core is not installed");
        return None;
    }
    let mut annotations = Vec::new();
    for m in report["manifests"].as_array().unwrap() {
        for f in m["findings"].as_array().unwrap() {
            let (kind, prefix) = match (
                f["outcome"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
            ) {
                ("pass", _) => continue,
                ("fail", "error") => ("error", ""),
                ("fail", _) => ("warning", ""),
                ("hold", _) => ("warning", "hold: "),
                _ => ("notice", "waived: "),
            };
            let mut message = format!("{prefix}{}", f["message"].as_str().unwrap());
            if let Some(h) = f["help"].as_str() {
                message.push('\n');
                message.push_str(h);
            }
            let l = &f["location"];
            let mut a = json!({
                "kind": kind,
                "message": message,
                "title": format!("{}: {}", f["item"].as_str().unwrap(), f["title"].as_str().unwrap()),
                "file": l["file"], "startLine": l["line"], "endLine": l["end_line"],
            });
            if l["len"].as_u64().unwrap_or(0) > 0 {
                a["startColumn"] = l["column"].clone();
                a["endColumn"] = l["end_column"].clone();
            }
            annotations.push(a);
        }
    }
    let input = dir.join("annotations.json");
    std::fs::write(&input, serde_json::to_string(&annotations).unwrap()).unwrap();
    let out = std::process::Command::new(node)
        .arg(root().join("tests/support/actions-core.js"))
        .arg(&input)
        .env("ACTIONS_CORE", core)
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn hostile_text_cannot_inject_into_any_format() {
    let dir = hostile_dir();
    let d = Some(dir.path());
    let json_out = run(&["check", ".", "--now", NOW, "--format", "json"], d);
    assert_eq!(json_out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert!(
        report.to_string().contains("::error file=evil::pwned"),
        "the hostile key reached a message"
    );

    let gh = String::from_utf8(run(&["check", ".", "--now", NOW, "--format", "github"], d).stdout)
        .unwrap();
    for line in gh.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        assert!(line.matches("::").count() >= 2);
        let (props, _) = line[2..].split_once("::").unwrap();
        assert!(!props.contains('\n') && !props.contains(':'), "{props}");
    }
    if let Some(expected) = actions_core_lines(&report, dir.path()) {
        assert_eq!(gh, expected, "launchgate and @actions/core disagree");
    }

    let md =
        String::from_utf8(run(&["check", ".", "--now", NOW, "--format", "markdown"], d).stdout)
            .unwrap();
    assert!(
        !md.contains("<script>") && !md.contains("</testcase>"),
        "{md}"
    );
    for row in md.lines().filter(|l| l.starts_with("| fail")) {
        assert_eq!(
            row.matches(" | ").count(),
            3,
            "a cell broke the table: {row}"
        );
    }

    let xml = String::from_utf8(run(&["check", ".", "--now", NOW, "--format", "junit"], d).stdout)
        .unwrap();
    assert!(!xml.contains('\u{1b}'));
    if let Some(python) = tool("python") {
        let script = "import sys\nfrom junitparser import JUnitXml\nx = JUnitXml.fromstring(sys.stdin.read())\nprint(sum(s.tests for s in x))\n";
        let out = assert_cmd::Command::new(python)
            .args(["-c", script])
            .write_stdin(xml.as_bytes())
            .output()
            .unwrap();
        if out.status.success() {
            assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "1");
        }
    }

    let log = sarif_of(&["check", ".", "--now", NOW, "--format", "sarif"], d);
    validate_sarif(&log);
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap();
    assert_eq!(uri, "we%2Cird%3A%25name.readiness.yaml");

    let human = String::from_utf8(run(&["check", ".", "--now", NOW], d).stdout).unwrap();
    assert!(!human.contains('\u{1b}'));
}

#[test]
fn format_snapshots() {
    for (name, format) in [
        ("github", "github"),
        ("markdown", "markdown"),
        ("junit", "junit"),
    ] {
        let out = run(
            &[
                "check",
                "examples/not-ready/readiness.yaml",
                "--now",
                NOW,
                "--format",
                format,
            ],
            None,
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let text = text.replace(env!("CARGO_PKG_VERSION"), "[v]");
        insta::assert_snapshot!(format!("not_ready_{name}"), text);
    }
}
