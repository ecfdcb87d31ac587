//! Gates that name what their producer never writes (a reason code, a state, a field) answer
//! the same at every rollout: the real binary refuses them, at `check` and at `gate`.

mod common;

use std::path::Path;

use common::launchgate;
use serde_json::Value;

const NOW: &str = "2026-11-25T12:00:00Z";
const CODE_GATE: &str = "expr: 'count_reason(\"case_processing_failed\") == 0'";

/// `gate --all` of the manifest in `dir` over a status and a history.
fn gate_all(dir: &Path, status: &Path, history: &Path) -> (i32, Value) {
    let out = launchgate()
        .current_dir(dir)
        .args(["gate", "readiness.yaml", "--all", "--now", NOW])
        .args(["--format", "json", "--status"])
        .arg(status)
        .arg("--history")
        .arg(history)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), report)
}

fn scenario(name: &str, file: &str) -> std::path::PathBuf {
    common::root()
        .join("examples/dashboard-factory/fixtures")
        .join(name)
        .join(file)
}

/// The exact false pass: a case failed 10 minutes ago (seed 001: canary-1 fails), and the gate
/// counting failures named the code with capitals, so it counted none and passed.
#[test]
fn a_recased_reason_code_no_longer_passes_a_failing_canary() {
    let repo = common::example_with(|t| {
        t.replace(
            CODE_GATE,
            "expr: 'count_reason(\"Case_Processing_Failed\") == 0'",
        )
    });
    let (code, report) = gate_all(
        repo.path(),
        &scenario("failure-10m-ago", "status.json"),
        &scenario("failure-10m-ago", "runtime-events.jsonl"),
    );
    assert_eq!(code, 1, "{report:#}");
    assert!(
        common::verdicts(&report).iter().all(|v| v == "fail"),
        "{report:#}"
    );
    let f = common::finding(&report, "canary-1/no-new-processing-failures");
    assert_eq!(f["outcome"], "fail");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains(
            "tau's dashboard runtime never writes the reason code \"Case_Processing_Failed\" (did you mean `case_processing_failed`?)"
        ),
        "{message}"
    );
    // `check` says so before any rollout, at the gate's line.
    let out = launchgate()
        .current_dir(repo.path())
        .args(["check", "readiness.yaml", "--now", NOW, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = common::finding(&report, "LG-GATE");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("gate `canary-1/no-new-processing-failures` cannot be evaluated: tau's dashboard runtime never writes the reason code"),
        "{f:#}"
    );
    // At the gate's own line: the one that names the code.
    let manifest = std::fs::read_to_string(repo.path().join("readiness.yaml")).unwrap();
    let line = manifest
        .lines()
        .position(|l| l.contains("Case_Processing_Failed"))
        .unwrap()
        + 1;
    assert_eq!(f["location"]["line"], line, "{f:#}");
}

/// A history from another producer (its time in `ts`): its reason codes are named in
/// `rollout.reason_codes`, or a gate counting one fails.
#[test]
fn another_producers_codes_are_named_or_the_gate_fails() {
    let work = tempfile::tempdir().unwrap();
    let history: String =
        std::fs::read_to_string(scenario("failure-10m-ago", "runtime-events.jsonl"))
            .unwrap()
            .lines()
            .map(|l| l.replace("\"timestamp_unix_ms\":", "\"ts\":") + "\n")
            .collect();
    let moved = work.path().join("events.jsonl");
    std::fs::write(&moved, history).unwrap();
    let status = scenario("failure-10m-ago", "status.json");
    let other = "  max_gap: 5m\n  timestamp: { field: ts, unit: unix_ms }\n";
    let unnamed = common::example_with(|t| t.replace("  max_gap: 5m\n", other));
    let (code, report) = gate_all(unnamed.path(), &status, &moved);
    assert_eq!(code, 1, "{report:#}");
    let f = common::finding(&report, "canary-1/no-new-processing-failures");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("list the codes that producer writes in `rollout.reason_codes`"),
        "{f:#}"
    );
    // Named, the gate is evaluated: the failure 10 minutes ago fails canary-1 on its sample.
    let codes = "  reason_codes: [case_processing_failed, widget_views_updated, control_actions_applied, retry_attempted, retryable_failures_observed]\n";
    let named = common::example_with(|t| t.replace("  max_gap: 5m\n", &format!("{other}{codes}")));
    let (code, report) = gate_all(named.path(), &status, &moved);
    assert_eq!(code, 1, "{report:#}");
    let f = common::finding(&report, "canary-1/no-new-processing-failures");
    assert_eq!(f["outcome"], "fail");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .ends_with("fails over the last 30m: count_reason(\"case_processing_failed\") = 1"),
        "{f:#}"
    );
    // And the healthy history of the same producer promotes through canary-1.
    let healthy: String = std::fs::read_to_string(scenario("healthy-26h", "runtime-events.jsonl"))
        .unwrap()
        .lines()
        .map(|l| l.replace("\"timestamp_unix_ms\":", "\"ts\":") + "\n")
        .collect();
    std::fs::write(&moved, healthy).unwrap();
    let (_, report) = gate_all(
        named.path(),
        &scenario("healthy-26h", "status.json"),
        &moved,
    );
    assert_eq!(common::verdicts(&report)[0], "pass", "{report:#}");
}
