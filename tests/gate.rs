//! `launchgate gate` on the dashboard-factory fixtures: every seed-001 phase decision, holds,
//! fails and their explanations, against the real binary.

mod common;

use std::path::{Path, PathBuf};

use common::{launchgate, root};
use serde_json::Value;

const NOW: &str = "2026-11-25T12:00:00Z";
const MANIFEST: &str = "examples/dashboard-factory/readiness.yaml";

fn fixture(scenario: &str) -> PathBuf {
    root()
        .join("examples/dashboard-factory/fixtures")
        .join(scenario)
}

fn gate(scenario: &str, which: &[&str]) -> (i32, Value) {
    common::gate_fixture(scenario, which)
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

/// The example manifest's line holding `needle`, which it holds once.
fn example_line(needle: &str) -> u64 {
    let text =
        std::fs::read_to_string(root().join("examples/dashboard-factory/readiness.yaml")).unwrap();
    assert_eq!(text.matches(needle).count(), 1, "{needle}");
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

/// canary-1's first gate, the example's only `rollout_gate == "pass" && ...`.
const CANARY_1_GATE: &str = "- rollout_gate == \"pass\" && health_state == \"healthy\"";

fn pv(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn healthy_promotes_through_every_phase() {
    let (code, report) = gate("healthy-26h", &["--all"]);
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
    let f = common::finding(&report, "canary-2/widgets-and-controls-advance");
    // One cycle a minute, each updating widgets: the longest stall is the 30 s from the last
    // cycle to now, or a minute between cycles.
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("max_stall(\"widget_views_updated\") = 1m"),
        "{f:#}"
    );
    let after = common::finding(&report, "general-availability/after");
    assert_eq!(
        after["message"],
        "general-availability needs the gates of canary-1, canary-2, canary-3 to have held for the last 1d: all 5 held"
    );
    assert_eq!(
        common::finding(&report, "general-availability/check")["outcome"],
        "pass"
    );
}

#[test]
fn one_phase_is_decided_by_it_and_every_phase_before_it() {
    for (i, phase) in ["canary-1", "canary-2", "canary-3", "general-availability"]
        .iter()
        .enumerate()
    {
        let (code, report) = gate("healthy-26h", &["--phase", phase]);
        assert_eq!(code, 0, "{phase}: {report:#}");
        assert_eq!(phases(&report).len(), i + 1);
        assert_eq!(phases(&report)[i], (phase.to_string(), "pass".to_string()));
    }
}

#[test]
fn a_failure_minutes_ago_fails_canary_1_with_the_offending_sample() {
    let (code, report) = gate("failure-10m-ago", &["--phase", "canary-1"]);
    assert_eq!(code, 1);
    let f = common::finding(&report, "canary-1/no-new-processing-failures");
    assert_eq!(f["outcome"], "fail");
    // The failed cycle ran 10m30s before now: the 11th cycle from the end of 361.
    let related = &f["related"][0];
    assert_eq!(related["location"]["line"], 351, "{f:#}");
    assert!(
        related["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with("fixtures/failure-10m-ago/runtime-events.jsonl")
    );
    assert!(
        related["message"]
            .as_str()
            .unwrap()
            .contains("2026-11-25T11:49:30Z")
    );
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "count_reason(\"case_processing_failed\") = 1 over 30m"),
        "{f:#}"
    );
    // The snapshot has recovered: only the history shows the failure.
    assert_eq!(
        common::finding(&report, "canary-1/gate-1")["outcome"],
        "pass"
    );
}

#[test]
fn a_failing_snapshot_never_promotes_and_says_which_gate_fails_now() {
    // The issue's case: rollout_gate hold, failure_streak 3, health failing.
    let (code, report) = gate("failure-streak-3", &["--phase", "general-availability"]);
    assert_eq!(code, 1, "{report:#}");
    assert!(phases(&report).iter().all(|(_, v)| v == "fail"));
    let f = common::finding(&report, "canary-1/gate-1");
    assert_eq!(f["outcome"], "fail");
    assert_eq!(
        f["message"],
        "canary-1 gate `rollout_gate == \"pass\" && health_state == \"healthy\"` fails now: rollout_gate = \"hold\", health_state = \"failing\""
    );
    assert_eq!(f["location"]["line"], example_line(CANARY_1_GATE));
    let f = common::finding(&report, "canary-1/gate-2");
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "health.failure_streak = 3"),
        "{f:#}"
    );
}

#[test]
fn after_rebuilds_snapshot_gates_from_the_cycle_reports() {
    let (code, report) = gate("failure-50m-ago", &["--all"]);
    assert_eq!(code, 1);
    assert_eq!(
        phases(&report),
        pv(&[
            ("canary-1", "pass"),
            ("canary-2", "fail"),
            ("canary-3", "fail"),
            ("general-availability", "fail")
        ])
    );
    assert_eq!(report["gate"]["furthest"], "canary-1");
    let f = common::finding(&report, "canary-2/after");
    // Located at the canary-1 gate that did not hold; `after` and the cycle are related.
    assert_eq!(f["location"]["line"], example_line(CANARY_1_GATE), "{f:#}");
    assert!(
        f["message"].as_str().unwrap().contains(
            "did not hold at 2026-11-25T11:09:30Z (history line 311): rollout_gate = \"hold\", health_state = \"degraded\""
        ),
        "{f:#}"
    );
    assert_eq!(
        f["related"][0]["location"]["line"],
        example_line("after: 60m")
    );
    assert_eq!(f["related"][1]["location"]["line"], 311);
    // A backlog is read from `backlog_cases` as the snapshot's `health.queue_depth`.
    let (_, report) = gate("backlog-50m-ago", &["--phase", "canary-2"]);
    let f = common::finding(&report, "canary-2/after");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("health.queue_depth = 4"),
        "{f:#}"
    );
}

#[test]
fn retries_fail_at_canary_3_only() {
    let (code, report) = gate("retries-90m-ago", &["--all"]);
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
    let f = common::finding(&report, "canary-3/retries-flat");
    assert_eq!(f["related"][0]["location"]["line"], 271);
}

#[test]
fn stalled_widgets_fail_canary_2() {
    let (code, report) = gate("widgets-stalled-75m", &["--phase", "canary-2"]);
    assert_eq!(code, 1);
    let f = common::finding(&report, "canary-2/widgets-and-controls-advance");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("max_stall(\"widget_views_updated\") = 1h"),
        "{f:#}"
    );
}

/// Runs `scenario` to `phase`: the exit code must be `code`, and finding `id` must have
/// `outcome` with `message` in its text; returns the finding.
fn expect(scenario: &str, phase: &str, code: i32, id: &str, outcome: &str, message: &str) -> Value {
    let (got, report) = gate(scenario, &["--phase", phase]);
    assert_eq!(got, code, "{scenario}: {report:#}");
    let f = common::finding(&report, id).clone();
    assert_eq!(f["outcome"], outcome, "{scenario}: {f:#}");
    assert!(
        f["message"].as_str().unwrap().contains(message),
        "{scenario}: {f:#}"
    );
    f
}

#[test]
fn stale_status_holds_and_says_why() {
    let f = expect("stale-40m", "canary-1", 3, "canary-1/status", "hold", "");
    assert_eq!(
        f["message"],
        "the status snapshot is 40m30s old (by its `health.updated_unix_ms` field); max_staleness is 15m"
    );
}

#[test]
fn clocks_in_the_future_hold_and_say_by_how_much() {
    let snapshot = expect(
        "snapshot-from-future",
        "canary-1",
        3,
        "canary-1/status",
        "hold",
        "the status snapshot is dated 10m in the future",
    );
    assert!(
        snapshot["message"]
            .as_str()
            .unwrap()
            .starts_with("the status snapshot")
    );
    expect(
        "history-from-future",
        "canary-1",
        3,
        "canary-1/clock",
        "hold",
        "5 cycle report(s) are stamped in the future, up to 2h4m ahead",
    );
}

#[test]
fn uncovered_window_holds() {
    expect(
        "young-45m",
        "canary-2",
        3,
        "canary-2/widgets-and-controls-advance",
        "hold",
        "the history starts at 2026-11-25T11:14:30Z",
    );
}

#[test]
fn malformed_lines_hold_below_the_threshold_and_fail_at_it() {
    let f = expect(
        "malformed-3",
        "canary-1",
        3,
        "canary-1/history",
        "hold",
        "3 malformed line(s)",
    );
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("3 malformed line(s)")
    );
    assert_eq!(f["related"].as_array().unwrap().len(), 3, "{f:#}");
    expect(
        "malformed-12",
        "canary-1",
        1,
        "canary-1/history",
        "fail",
        "",
    );
}

/// Each malformed line is told once, with the file and line to open: the human report
/// printed it twice (an evidence note `line N: why`, then the same as a location), and SARIF
/// did not carry the lines at all.
#[test]
fn malformed_lines_are_shown_once_each_as_locations() {
    let scenario = fixture("malformed-3");
    let run = |format: &str| {
        let out = launchgate()
            .args([
                "gate", MANIFEST, "--now", NOW, "--phase", "canary-1", "--format", format,
            ])
            .arg("--status")
            .arg(scenario.join("status.json"))
            .arg("--history")
            .arg(scenario.join("runtime-events.jsonl"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3));
        String::from_utf8(out.stdout).unwrap()
    };
    let (_, report) = gate("malformed-3", &["--phase", "canary-1"]);
    let related = common::finding(&report, "canary-1/history")["related"].clone();
    let related = related.as_array().unwrap();
    assert_eq!(related.len(), 3);
    let human = run("human");
    for r in related {
        let why = r["message"].as_str().unwrap();
        let line = r["location"]["line"].as_u64().unwrap();
        assert_eq!(human.matches(why).count(), 1, "{why:?} in:\n{human}");
        assert!(
            human.contains(&format!("runtime-events.jsonl:{line}:1")),
            "line {line} in:\n{human}"
        );
    }
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "canary-1/history")
        .unwrap();
    let lines: Vec<u64> = result["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    let expected: Vec<u64> = related
        .iter()
        .map(|r| r["location"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, expected);
    // Each is linked from the message, where GitHub shows it.
    let text = result["message"]["text"].as_str().unwrap();
    for (id, r) in related.iter().enumerate() {
        let why = r["message"].as_str().unwrap();
        assert!(text.contains(&format!("[{why}]({id})")), "{text}");
    }
}

#[test]
fn zero_recent_events_hold() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(fixture("healthy-26h").join("runtime-events.jsonl")).unwrap();
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
        .arg(fixture("healthy-26h").join("status.json"))
        .arg("--history")
        .arg(dir.path().join("h.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = common::finding(&report, "canary-1/no-new-processing-failures");
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
        &std::fs::read_to_string(fixture("healthy-26h").join("status.json")).unwrap(),
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
            .arg(fixture("healthy-26h").join("runtime-events.jsonl"))
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        )
    };
    // Without `health`, the snapshot cannot be dated (tau's time is health.updated_unix_ms).
    let (code, report) = run("s.json");
    assert_eq!(code, 3);
    assert!(
        common::finding(&report, "canary-1/status")["message"]
            .as_str()
            .unwrap()
            .contains("has no `health.updated_unix_ms` field, so its age is unknown")
    );
    assert_eq!(
        common::finding(&report, "canary-1/gate-2")["outcome"],
        "hold"
    );
    let mut stringly = status.clone();
    stringly["health"]["queue_depth"] = Value::from("0");
    std::fs::write(dir.path().join("t.json"), stringly.to_string()).unwrap();
    let (code, report) = run("t.json");
    assert_eq!(code, 1);
    // tau writes the count as an integer: a string there is no snapshot of tau's.
    let f = common::finding(&report, "canary-1/status");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("has `health.queue_depth = \"0\"`, where tau writes an unsigned integer"),
        "{f:#}"
    );
    // A field the gate compares with a string, written as a number: CEL's `==` across types
    // is false, and the gate fails.
    let mut numeric = status.clone();
    numeric["rollout_gate"] = Value::from(1);
    std::fs::write(dir.path().join("v.json"), numeric.to_string()).unwrap();
    let (code, report) = run("v.json");
    assert_eq!(code, 1);
    let f = common::finding(&report, "canary-1/gate-1");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("fails now: rollout_gate = 1, health_state = \"healthy\""),
        "{f:#}"
    );
    std::fs::write(dir.path().join("u.json"), "{\"health_state\": \"hea").unwrap();
    let (code, report) = run("u.json");
    assert_eq!(code, 1);
    assert!(
        common::finding(&report, "canary-1/status")["message"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
}

/// `canary-1` of the example gated on `status` and `history`: the exit code and the report.
fn canary_1(status: &Path, history: &Path) -> (i32, Value) {
    let out = launchgate()
        .args([
            "gate", MANIFEST, "--now", NOW, "--format", "json", "--phase", "canary-1",
        ])
        .arg("--status")
        .arg(status)
        .arg("--history")
        .arg(history)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), report)
}

/// A scenario's status snapshot after `edit`, written into `dir`.
fn edited_status(dir: &Path, scenario: &Path, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let text = std::fs::read_to_string(scenario.join("status.json")).unwrap();
    let mut status: Value = serde_json::from_str(&text).unwrap();
    edit(&mut status);
    let edited = dir.join("status.json");
    std::fs::write(&edited, serde_json::to_string_pretty(&status).unwrap()).unwrap();
    edited
}

/// A `hold` edited into a `pass`: tau derives `health_state` and `rollout_gate` from the
/// snapshot's own `health`, so `failure-streak-3`'s snapshot saying `healthy` and `pass` with a
/// streak of 3 was not written by tau as it stands. Its status finding passed (fresh, dated),
/// and a gate reading only `rollout_gate` would have promoted; it now fails as a broken
/// snapshot.
#[test]
fn a_snapshot_edited_from_hold_to_pass_fails() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("failure-streak-3");
    let edited = edited_status(dir.path(), &scenario, |status| {
        assert_eq!(status["rollout_gate"], "hold");
        status["health_state"] = Value::from("healthy");
        status["rollout_gate"] = Value::from("pass");
        status["health_reason"] = Value::from("no recent transport failures observed");
    });
    let (code, report) = canary_1(&edited, &scenario.join("runtime-events.jsonl"));
    assert_eq!(code, 1);
    let f = common::finding(&report, "canary-1/status");
    assert_eq!(f["outcome"], "fail", "{f:#}");
    assert!(
        f["message"].as_str().unwrap().ends_with(
            "says `health_state: healthy` and `rollout_gate: pass`, but its own `health` (`failure_streak` 3, `last_cycle_failed` 1) is what tau reports as `failing` with `rollout_gate: hold`: tau derives both from those fields, so the snapshot was edited after tau wrote it and is not evidence; take a fresh one from tau"
        ),
        "{f:#}"
    );
}

/// tau writes its counts unsigned: a snapshot whose backlog was "fixed" to `-3` (which
/// `queue_depth <= 1` would pass) is no snapshot of tau's, and fails as a broken one; a
/// history line with `failed_cases: -1` is a malformed line (under `malformed_fail_at`, a hold).
#[test]
fn a_count_below_zero_is_not_what_tau_writes() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("backlog-now");
    let edited = edited_status(dir.path(), &scenario, |status| {
        assert_eq!(status["health"]["queue_depth"], 3);
        status["health"]["queue_depth"] = Value::from(-3);
    });
    let (code, report) = canary_1(&edited, &scenario.join("runtime-events.jsonl"));
    assert_eq!(code, 1);
    let f = common::finding(&report, "canary-1/status");
    assert_eq!(f["outcome"], "fail", "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("has `health.queue_depth = -3`, where tau writes an unsigned integer"),
        "{f:#}"
    );

    let healthy = fixture("healthy-26h");
    let history = std::fs::read_to_string(healthy.join("runtime-events.jsonl")).unwrap();
    let (before, last) = history.trim_end().rsplit_once('\n').unwrap();
    let edited = format!(
        "{before}\n{}\n",
        last.replace("\"failed_cases\":0", "\"failed_cases\":-1")
    );
    assert_ne!(edited, history);
    let path = dir.path().join("runtime-events.jsonl");
    std::fs::write(&path, edited).unwrap();
    let (code, report) = canary_1(&healthy.join("status.json"), &path);
    assert_eq!(code, 3);
    let f = common::finding(&report, "canary-1/history");
    assert_eq!(f["outcome"], "hold", "{f:#}");
    assert!(
        f["related"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("`failed_cases = -1`, where tau writes an unsigned integer (a count): not a cycle report as tau writes it"),
        "{f:#}"
    );
}

/// A producer writing the failure code in another spelling (`CaseProcessingFailed`): the gate
/// counting `case_processing_failed` would count none and promote; it fails, naming the line.
#[test]
fn a_reason_code_written_otherwise_fails_the_gate_that_counts_it() {
    let dir = tempfile::tempdir().unwrap();
    let healthy = fixture("healthy-26h");
    let history = std::fs::read_to_string(healthy.join("runtime-events.jsonl")).unwrap();
    let (before, last) = history.trim_end().rsplit_once('\n').unwrap();
    let codes = "\"reason_codes\":[\"widget_views_updated\",\"control_actions_applied\"";
    assert!(last.contains(codes), "{last}");
    let edited = format!(
        "{before}\n{}\n",
        last.replace(codes, &format!("{codes},\"CaseProcessingFailed\""))
    );
    let path = dir.path().join("runtime-events.jsonl");
    std::fs::write(&path, edited).unwrap();
    let (code, report) = canary_1(&healthy.join("status.json"), &path);
    assert_eq!(code, 1);
    let f = common::finding(&report, "canary-1/no-new-processing-failures");
    assert_eq!(f["outcome"], "fail", "{f:#}");
    let line = history.lines().count();
    assert!(
        f["message"].as_str().unwrap().contains(&format!(
            "the history writes the reason code `CaseProcessingFailed` (line {line}), which is `case_processing_failed` written otherwise"
        )),
        "{f:#}"
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
    let dir = fixture("failure-10m-ago");
    let out = launchgate()
        .args(["gate", MANIFEST, "--all", "--now", NOW, "--status"])
        .arg(dir.join("status.json"))
        .arg("--history")
        .arg(dir.join("runtime-events.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("gate_failure_human", String::from_utf8(out.stdout).unwrap());
    let dir = fixture("stale-40m");
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
    let (_, report) = gate("healthy-26h", &["--all"]);
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
    let mut scenarios: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 10, "{scenarios:?}");
    for scenario in &scenarios {
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

/// `max_staleness: 400d` would let the 40-minute-old snapshot of `stale-40m` (which holds at
/// 15m) stand for the canary now: the rollout's shape fails every phase instead, in `gate` as
/// in `check`, and the snapshot is never judged fresh.
#[test]
fn a_staleness_bound_longer_than_the_bake_fails_instead_of_promoting_stale_data() {
    let repo = common::example_with(|t| t.replace("max_staleness: 15m", "max_staleness: 400d"));
    let (code, report) = gate_all_in(repo.path(), "stale-40m");
    assert_eq!(code, 1, "{report:#}");
    assert!(
        phases(&report).iter().all(|(_, v)| v == "fail"),
        "{report:#}"
    );
    let f = common::finding(&report, "LG-GATE");
    assert_eq!(f["outcome"], "fail");
    assert_eq!(
        f["message"],
        "`max_staleness` is 400d, not shorter than the 30m history window of gate 3 of phase `canary-1`: a snapshot that old can predate the span it is judged with (the wait the earlier phases' gates must have held for, the history a gate reads)"
    );
}

/// `after: 0m` for canary-2: no bound is shorter than a span of nothing, so the findings point
/// at the `after` and ask for a longer one, not for `max_staleness` below 0s.
#[test]
fn a_phase_after_of_nothing_is_what_the_bounds_ask_to_fix() {
    let repo = common::example_with(|t| t.replacen("      after: 60m\n", "      after: 0m\n", 1));
    let text = std::fs::read_to_string(repo.path().join("readiness.yaml")).unwrap();
    let line = common::line_of(&text, "      after: 0m");
    let (code, report) = common::check_json(repo.path());
    assert_eq!(code, 1, "{report:#}");
    let failed: Vec<(u64, String)> = report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item"] == "LG-GATE" && f["outcome"] == "fail")
        .map(|f| {
            (
                f["location"]["line"].as_u64().unwrap(),
                f["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        [
            (
                line,
                "make phase `canary-2`'s `after` of 0s longer than `rollout.max_gap` (5m)"
                    .to_string()
            ),
            (
                line,
                "make phase `canary-2`'s `after` of 0s longer than `rollout.max_staleness` (15m)"
                    .to_string()
            ),
        ]
    );
}

/// `gate --all` of an edited copy of the example (`dir`) on a fixture scenario.
fn gate_all_in(dir: &std::path::Path, scenario: &str) -> (i32, Value) {
    let (code, out) = gate_all_in_as(dir, scenario, "json");
    (code, serde_json::from_str(&out).unwrap())
}

/// [`gate_all_in`] in `format`: the exit code and what it printed.
fn gate_all_in_as(dir: &std::path::Path, scenario: &str, format: &str) -> (i32, String) {
    let f = fixture(scenario);
    let out = launchgate()
        .current_dir(dir)
        .args([
            "gate",
            "readiness.yaml",
            "--all",
            "--now",
            NOW,
            "--format",
            format,
        ])
        .arg("--status")
        .arg(f.join("status.json"))
        .arg("--history")
        .arg(f.join("runtime-events.jsonl"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// A rollout whose gates were deleted (`gates: []`), gated on the failing fixture: before,
/// every `after` passed with "nothing had to hold" and `gate --all` promoted to 100%.
#[test]
fn a_rollout_no_gate_watches_never_promotes() {
    let repo = common::example_with(|text| {
        let mut kept = Vec::new();
        let mut skipping = false;
        for line in text.lines() {
            if line.trim() == "gates:" {
                kept.push(line.replace("gates:", "gates: []"));
                skipping = true;
                continue;
            }
            // A gate is indented deeper than its `gates:` key (8 spaces and more).
            if skipping && line.starts_with("        ") {
                continue;
            }
            skipping = false;
            kept.push(line.to_string());
        }
        kept.join("\n") + "\n"
    });
    let (code, report) = gate_all_in(repo.path(), "failure-streak-3");
    assert_eq!(code, 1, "{report:#}");
    assert!(
        phases(&report).iter().all(|(_, verdict)| verdict == "fail"),
        "{report:#}"
    );
    let shape = common::finding(&report, "LG-GATE");
    assert_eq!(shape["outcome"], "fail");
    assert!(
        shape["message"]
            .as_str()
            .unwrap()
            .starts_with("no phase of the rollout has a gate"),
        "{shape:#}"
    );
    let after = common::finding(&report, "canary-2/after");
    assert_eq!(after["outcome"], "fail", "{after:#}");
    assert!(
        after["message"]
            .as_str()
            .unwrap()
            .contains("nothing was watched for 1h"),
        "{after:#}"
    );
}

/// The example with its three canaries at `traffic` percent, gated on a healthy history: every
/// phase must fail, and the `LG-GATE` finding that says why is returned with the manifest.
fn canaries_at(traffic: &str) -> (Value, String) {
    let to = format!("traffic: {traffic}\n");
    let repo = common::example_with(|t| {
        ["traffic: 5\n", "traffic: 25\n", "traffic: 50\n"]
            .iter()
            .fold(t.to_string(), |t, from| t.replace(from, &to))
    });
    let (code, report) = gate_all_in(repo.path(), "healthy-26h");
    assert_eq!(code, 1, "{report:#}");
    assert!(
        phases(&report).iter().all(|(_, v)| v == "fail"),
        "{report:#}"
    );
    let text = std::fs::read_to_string(repo.path().join("readiness.yaml")).unwrap();
    (common::finding(&report, "LG-GATE").clone(), text)
}

/// Every phase at all traffic widens nothing and passes the widening rule: on a healthy
/// history `gate --all` promoted it, with every user exposed before canary-1's gates ran.
#[test]
fn a_first_phase_at_all_traffic_never_promotes() {
    let (f, _) = canaries_at("100");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("the first phase, `canary-1`, sends 100% of traffic"),
        "{f:#}"
    );
}

/// Canaries at 0% widen nothing and pass both rules above (each phase at least as wide as the
/// one before, the first below all traffic): on a healthy history `gate --all` promoted them,
/// their gates judging a release no user had, and general-availability exposed every user
/// first. A dark phase before a canary that has traffic is a rollout like any other.
#[test]
fn canaries_without_traffic_never_promote() {
    let (f, text) = canaries_at("0");
    assert_eq!(
        f["message"],
        "every phase before `general-availability` sends 0% of traffic (`canary-1`, `canary-2`, `canary-3`): their gates judge a release no user has reached, so `general-availability` is its first exposure, to every user",
        "{f:#}"
    );
    assert_eq!(f["location"]["line"], common::line_of(&text, "traffic: 0"));

    let repo = common::example_with(|t| {
        ["traffic: 5\n", "traffic: 25\n"]
            .iter()
            .fold(t.to_string(), |t, from| t.replace(from, "traffic: 0\n"))
    });
    let (code, report) = gate_all_in(repo.path(), "healthy-26h");
    assert_eq!(code, 0, "{report:#}");
}

/// `gate --phase canary-1` on the `failure-10m-ago` snapshot with its history edited by `edit`
/// (a list of the history's lines, for the edit to drop some).
fn canary_1_with_history(edit: impl Fn(Vec<&str>) -> Vec<&str>) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("failure-10m-ago");
    let text = std::fs::read_to_string(scenario.join("runtime-events.jsonl")).unwrap();
    let history = dir.path().join("runtime-events.jsonl");
    std::fs::write(&history, edit(text.lines().collect()).join("\n") + "\n").unwrap();
    let out = launchgate()
        .args([
            "gate", MANIFEST, "--now", NOW, "--format", "json", "--phase", "canary-1",
        ])
        .arg("--status")
        .arg(scenario.join("status.json"))
        .arg("--history")
        .arg(&history)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

#[test]
fn a_history_cut_after_the_snapshot_holds_instead_of_passing() {
    // Seed 001: a case_processing_failed 10 minutes ago fails canary-1. The same history
    // without that one line passed (exit 0): the snapshot is healthy again and a one-minute
    // hole is within `max_gap`. tau's snapshot counted 361 lines of the log; this history,
    // as recent as the snapshot, has 360.
    let failing = |l: &&str| l.contains("case_processing_failed");
    let (code, report) =
        canary_1_with_history(|lines| lines.into_iter().filter(|l| !failing(l)).collect());
    assert_eq!(code, 3, "{report:#}");
    let f = common::finding(&report, "canary-1/history");
    assert_eq!(f["outcome"], "hold", "{f:#}");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.starts_with("the history has 360 line(s), but the status snapshot")
            && message.contains("counted 361"),
        "{message}"
    );

    // A history copied before the snapshot lacks only its newest cycle: no lines were lost,
    // and the failure is still judged.
    let (code, report) = canary_1_with_history(|mut lines| {
        lines.pop();
        lines
    });
    assert_eq!(code, 1, "{report:#}");
    let findings = report["manifests"][0]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["item"] == "canary-1/no-new-processing-failures")
    );
    let history = findings.iter().find(|f| f["item"] == "canary-1/history");
    assert!(history.is_none(), "{history:#?}");
}

/// Cycle reports written twice (a shipper retrying, a log appended to itself) would count
/// each cycle twice: a gate asking for enough samples (`samples() >= 30`) would pass on half
/// of them. The healthy history with its newest lines each written twice passed (exit 0);
/// each repeat is now a malformed line, counted once, so five hold and twelve fail.
#[test]
fn cycle_reports_written_twice_are_malformed_lines() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fixture("healthy-26h");
    let text = std::fs::read_to_string(scenario.join("runtime-events.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for (twice, code, outcome) in [(5, 3, "hold"), (12, 1, "fail")] {
        let (older, newest) = lines.split_at(lines.len() - twice);
        let doubled: Vec<&str> = newest.iter().flat_map(|l| [*l, *l]).collect();
        let history = dir.path().join(format!("doubled-{twice}.jsonl"));
        std::fs::write(&history, [older, &doubled].concat().join("\n") + "\n").unwrap();
        let (got, report) = canary_1(&scenario.join("status.json"), &history);
        assert_eq!(got, code, "{report:#}");
        let f = common::finding(&report, "canary-1/history");
        assert_eq!(f["outcome"], outcome, "{f:#}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{twice} malformed line(s)")),
            "{f:#}"
        );
        let first = older.len() + 1;
        let related = &f["related"][0];
        assert_eq!(related["location"]["line"], first + 1, "{f:#}");
        assert!(
            related["message"]
                .as_str()
                .unwrap()
                .starts_with(&format!("repeats line {first} byte for byte")),
            "{f:#}"
        );
    }
}

/// A failing gate run says what to do: roll back only when a gate held false on the data
/// (`failure-10m-ago`); not widen when the gates hold now but not for a later phase's whole
/// `after` (`failure-50m-ago`: canary-1's 30m window is past the failure, canary-2's 60m is
/// not); and only not promote when no gate was seen false: the healthy run with its first
/// gate written with `||`, refused as unsafe, says nothing of the release.
#[test]
fn a_failure_says_whether_to_roll_back_or_only_not_to_promote() {
    for (scenario, failure) in [
        ("failure-10m-ago", "violated"),
        ("failure-50m-ago", "unsteady"),
    ] {
        let (code, report) = gate(scenario, &["--all"]);
        assert_eq!(code, 1, "{scenario}: {report:#}");
        assert_eq!(report["gate"]["failure"], failure, "{scenario}");
    }
    let (code, report) = gate("healthy-26h", &["--all"]);
    assert_eq!(code, 0);
    assert!(report["gate"].get("failure").is_none(), "{report:#}");

    let repo = common::example_with(|t| {
        t.replacen(
            r#"- rollout_gate == "pass" && health_state == "healthy""#,
            r#"- rollout_gate == "pass" || health_state == "healthy""#,
            1,
        )
    });
    let (code, report) = gate_all_in(repo.path(), "healthy-26h");
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["gate"]["failure"], "undecided", "{report:#}");
    let (_, text) = gate_all_in_as(repo.path(), "healthy-26h", "human");
    assert!(
        text.ends_with(
            "verdict: FAIL (the gates cannot decide: do not promote; fix the failures above)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("roll back\n"), "{text}");
}
