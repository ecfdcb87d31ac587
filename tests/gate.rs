//! `launchgate gate` on the dashboard-factory fixtures: every seed-001 phase decision, holds,
//! fails and their explanations, against the real binary.

mod common;

use std::path::PathBuf;

use common::{launchgate, root};
use serde_json::Value;

const NOW: &str = "2026-11-25T12:00:00Z";
const MANIFEST: &str = "examples/dashboard-factory/readiness.yaml";

fn fixture(scenario: &str) -> PathBuf {
    root()
        .join("examples/dashboard-factory/fixtures")
        .join(scenario)
}

/// Runs `gate` on a scenario; returns (exit code, JSON report).
fn gate(scenario: &str, which: &[&str]) -> (i32, Value) {
    let dir = fixture(scenario);
    let out = launchgate()
        .args([
            "gate", MANIFEST, "--now", NOW, "--format", "json", "--status",
        ])
        .arg(dir.join("status.json"))
        .arg("--history")
        .arg(dir.join("runtime-events.jsonl"))
        .args(which)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (out.status.code().unwrap(), report)
}

fn phases(report: &Value) -> Vec<(String, String)> {
    report["gate"]["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().into(),
                p["verdict"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn finding<'a>(report: &'a Value, item: &str) -> &'a Value {
    report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["item"] == item)
        .unwrap_or_else(|| panic!("no finding {item}: {report:#}"))
}

fn pv(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn healthy_promotes_through_every_phase() {
    let (code, report) = gate("healthy", &["--all"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(
        phases(&report),
        pv(&[
            ("canary-1", "pass"),
            ("canary-2", "pass"),
            ("canary-3", "pass"),
            ("general-availability", "pass")
        ])
    );
    assert_eq!(report["gate"]["furthest"], "general-availability");
    let f = finding(&report, "canary-2/widgets-and-controls-advance");
    let evidence: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        evidence
            .iter()
            .any(|e| e.starts_with("increase(upserted_widgets) = 180 over 1h (61 samples)")),
        "{evidence:?}"
    );
    let after = finding(&report, "general-availability/after");
    assert!(
        after["message"]
            .as_str()
            .unwrap()
            .contains("canary-3's gates held for the last 1d")
    );
    assert_eq!(
        finding(&report, "general-availability/check")["outcome"],
        "pass"
    );
}

#[test]
fn each_phase_alone_gives_the_same_decision() {
    for phase in ["canary-1", "canary-2", "canary-3", "general-availability"] {
        let (code, report) = gate("healthy", &["--phase", phase]);
        assert_eq!(code, 0, "{phase}: {report:#}");
        assert_eq!(phases(&report), pv(&[(phase, "pass")]));
    }
}

#[test]
fn degraded_fails_at_canary_1_with_the_offending_sample() {
    let (code, report) = gate("degraded", &["--phase", "canary-1"]);
    assert_eq!(code, 1);
    let f = finding(&report, "canary-1/no-new-processing-failures");
    assert_eq!(f["outcome"], "fail");
    let related = &f["related"][0];
    assert_eq!(related["location"]["line"], 171, "{f:#}");
    assert!(
        related["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("fixtures/degraded/runtime-events.jsonl")
    );
    assert!(
        related["message"]
            .as_str()
            .unwrap()
            .contains("2026-11-25T11:50:00Z")
    );
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "count_reason(\"case_processing_failed\") = 11 over 30m (31 samples)"),
        "{f:#}"
    );
    let snap = finding(&report, "canary-1/gate-1");
    assert_eq!(snap["outcome"], "fail");
    assert!(
        snap["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "rollout_gate = \"hold\""),
        "{snap:#}"
    );
    assert_eq!(snap["location"]["line"], 116);
}

#[test]
fn retries_fail_at_canary_3_only() {
    let (code, report) = gate("retries", &["--all"]);
    assert_eq!(code, 1);
    assert_eq!(
        &phases(&report)[..3],
        pv(&[
            ("canary-1", "pass"),
            ("canary-2", "pass"),
            ("canary-3", "fail")
        ])
    );
    assert_eq!(report["gate"]["furthest"], "canary-2");
    let f = finding(&report, "canary-3/retries-flat");
    assert_eq!(f["related"][0]["location"]["line"], 181);
}

#[test]
fn failure_streak_fails() {
    let (code, report) = gate("failing", &["--phase", "canary-1"]);
    assert_eq!(code, 1);
    let f = finding(&report, "canary-1/gate-2");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().contains("\"failure_streak\":5")),
        "{f:#}"
    );
}

#[test]
fn stale_status_holds_and_says_why() {
    let (code, report) = gate("stale", &["--phase", "canary-1"]);
    assert_eq!(code, 3);
    let f = finding(&report, "canary-1/status");
    assert_eq!(f["outcome"], "hold");
    assert_eq!(
        f["message"],
        "the status snapshot is 2h old (by its `updated_unix_ms` field); max_staleness is 15m"
    );
}

#[test]
fn uncovered_window_holds() {
    let (code, report) = gate("uncovered", &["--phase", "canary-1"]);
    assert_eq!(code, 3);
    let f = finding(&report, "canary-1/no-new-processing-failures");
    assert_eq!(f["outcome"], "hold");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("the history starts at 2026-11-25T11:40:00Z"),
        "{f:#}"
    );
}

#[test]
fn malformed_lines_hold_below_the_threshold_and_fail_at_it() {
    let (code, report) = gate("malformed-few", &["--phase", "canary-1"]);
    assert_eq!(code, 3);
    let f = finding(&report, "canary-1/history");
    assert_eq!(f["outcome"], "hold");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("3 malformed line(s)")
    );
    assert!(
        f["evidence"][0].as_str().unwrap().starts_with("line "),
        "{f:#}"
    );
    let (code, report) = gate("malformed-many", &["--phase", "canary-1"]);
    assert_eq!(code, 1);
    assert_eq!(finding(&report, "canary-1/history")["outcome"], "fail");
}

#[test]
fn zero_recent_events_hold() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(fixture("healthy").join("runtime-events.jsonl")).unwrap();
    let lines: Vec<&str> = src.lines().collect();
    std::fs::write(
        dir.path().join("h.jsonl"),
        lines[..lines.len() - 20].join("\n"),
    )
    .unwrap();
    let out = launchgate()
        .args([
            "gate", MANIFEST, "--now", NOW, "--format", "json", "--phase", "canary-1", "--status",
        ])
        .arg(fixture("healthy").join("status.json"))
        .arg("--history")
        .arg(dir.path().join("h.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = finding(&report, "canary-1/no-new-processing-failures");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("zero recent events"),
        "{f:#}"
    );
}

#[test]
fn missing_fields_hold_and_type_errors_fail() {
    let dir = tempfile::tempdir().unwrap();
    let status: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("healthy").join("status.json")).unwrap(),
    )
    .unwrap();
    let mut no_health = status.clone();
    no_health.as_object_mut().unwrap().remove("health");
    std::fs::write(dir.path().join("s.json"), no_health.to_string()).unwrap();
    let run = |status: &str| {
        let out = launchgate()
            .args([
                "gate", MANIFEST, "--now", NOW, "--format", "json", "--phase", "canary-1",
                "--status",
            ])
            .arg(dir.path().join(status))
            .arg("--history")
            .arg(fixture("healthy").join("runtime-events.jsonl"))
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        )
    };
    let (code, report) = run("s.json");
    assert_eq!(code, 3);
    assert_eq!(finding(&report, "canary-1/gate-2")["outcome"], "hold");
    let mut stringly = status.clone();
    stringly["health"]["queue_depth"] = Value::from("0");
    std::fs::write(dir.path().join("t.json"), stringly.to_string()).unwrap();
    let (code, report) = run("t.json");
    assert_eq!(code, 1);
    let f = finding(&report, "canary-1/gate-2");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("cannot be evaluated"),
        "{f:#}"
    );
    std::fs::write(dir.path().join("u.json"), "{\"health_state\": \"hea").unwrap();
    let (code, report) = run("u.json");
    assert_eq!(code, 1);
    assert!(
        finding(&report, "canary-1/status")["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
}

#[test]
fn usage_errors_exit_2() {
    launchgate()
        .args(["gate", MANIFEST, "--phase", "canary-9"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown phase `canary-9`"));
    launchgate().args(["gate", MANIFEST]).assert().code(2);
    launchgate()
        .args(["gate", "nope.yaml", "--all"])
        .assert()
        .code(2);
}

#[test]
fn default_sources_are_the_manifests() {
    launchgate()
        .args(["gate", MANIFEST, "--all", "--now", NOW])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "furthest phase that may be entered now: general-availability",
        ));
}

#[test]
fn human_output() {
    let dir = fixture("degraded");
    let out = launchgate()
        .args(["gate", MANIFEST, "--all", "--now", NOW, "--status"])
        .arg(dir.join("status.json"))
        .arg("--history")
        .arg(dir.join("runtime-events.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(
        "gate_degraded_human",
        String::from_utf8(out.stdout).unwrap()
    );
    let dir = fixture("stale");
    let out = launchgate()
        .args([
            "gate", MANIFEST, "--phase", "canary-1", "--now", NOW, "--status",
        ])
        .arg(dir.join("status.json"))
        .arg("--history")
        .arg(dir.join("runtime-events.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    insta::assert_snapshot!("gate_stale_human", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn healthy_json_report() {
    let (_, report) = gate("healthy", &["--all"]);
    let schema: Value = serde_json::from_str(launchgate::schema::REPORT).unwrap();
    let v = jsonschema::options().build(&schema).unwrap();
    let errors: Vec<String> = v.iter_errors(&report).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    insta::assert_json_snapshot!("gate_healthy_json", report, {".tool.version" => "[version]"});
}

#[test]
fn fixtures_are_reproducible() {
    let Some(python) = common::tool("python3") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(python)
        .arg(root().join("examples/dashboard-factory/fixtures/generate.py"))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    for scenario in [
        "healthy",
        "degraded",
        "retries",
        "failing",
        "stale",
        "uncovered",
        "malformed-few",
        "malformed-many",
    ] {
        for file in ["status.json", "runtime-events.jsonl"] {
            let fresh = std::fs::read(dir.path().join(scenario).join(file)).unwrap();
            let committed = std::fs::read(fixture(scenario).join(file)).unwrap();
            assert!(
                fresh == committed,
                "{scenario}/{file} differs from generate.py's output"
            );
        }
    }
}
