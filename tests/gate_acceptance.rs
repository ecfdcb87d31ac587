//! The canary-gate acceptance corpus: every decision written by hand in
//! `tests/gate-acceptance.md` is reproduced by `gate --all` and by `gate --phase X`; and,
//! over random histories and snapshots, a phase that does not pass stops every later one.

mod common;

use std::path::Path;

use common::root;
use launchgate::report::Verdict;
use proptest::prelude::*;
use serde_json::{Value, json};

const NOW: &str = "2026-11-25T12:00:00Z";
const NOW_MS: i64 = 1_795_608_000_000;
const PHASES: [&str; 4] = ["canary-1", "canary-2", "canary-3", "general-availability"];

/// (scenario, expected verdict per phase) from the Markdown table.
fn expected() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("tests/gate-acceptance.md")).unwrap();
    let mut rows = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        if line.starts_with("| scenario |") {
            let header: Vec<&str> = line.split('|').map(str::trim).collect();
            assert_eq!(header[2..6], PHASES, "the table's phase columns");
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with("| ---") {
            continue;
        }
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        rows.push((
            cells[1].to_string(),
            cells[2..6].iter().map(|c| c.to_string()).collect(),
        ));
    }
    rows
}

fn run(scenario: &str, which: &[&str]) -> (i32, Value) {
    common::gate_fixture(scenario, which)
}

fn code_of(verdict: &str) -> i32 {
    match verdict {
        "pass" => 0,
        "fail" => 1,
        "hold" => 3,
        other => panic!("unknown verdict {other}"),
    }
}

#[test]
fn the_table_has_the_scenarios_the_issue_asks_for() {
    let rows = expected();
    assert!(rows.len() >= 10, "{rows:?}");
    let names: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    for must in [
        "healthy-26h",
        "failure-10m-ago",
        "failure-streak-3",
        "backlog-now",
        "retries-90m-ago",
        "widgets-stalled-75m",
        "stale-40m",
        "young-45m",
        "malformed-3",
    ] {
        assert!(names.contains(&must), "{must} missing from {names:?}");
    }
    for (_, v) in &rows {
        assert_eq!(v.len(), 4);
    }
}

#[test]
fn every_hand_written_decision_is_reproduced() {
    let mut wrong = Vec::new();
    for (scenario, want) in expected() {
        let (code, report) = run(&scenario, &["--all"]);
        let got = common::verdicts(&report);
        if got != want {
            wrong.push(format!("{scenario} --all: want {want:?}, got {got:?}"));
        }
        if code != code_of(&want[3]) {
            wrong.push(format!(
                "{scenario} --all: exit {code}, want {}",
                code_of(&want[3])
            ));
        }
        for (i, phase) in PHASES.iter().enumerate() {
            let (code, report) = run(&scenario, &["--phase", phase]);
            let got = common::verdicts(&report);
            if got.len() != i + 1 || got[i] != want[i] || code != code_of(&want[i]) {
                wrong.push(format!(
                    "{scenario} --phase {phase}: want {} (exit {}), got {got:?} (exit {code})",
                    want[i],
                    code_of(&want[i])
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A small manifest with seed 001's gates on short spans, so random histories reach every
/// phase.
const SMALL: &str = r#"version: 1
service: { name: prop, stage: poc }
checklists: []
rollout:
  status: status.json
  history: events.jsonl
  max_staleness: 10m
  max_gap: 3m
  malformed_fail_at: 3
  phases:
    - name: canary-1
      traffic: 5
      gates:
        - rollout_gate == "pass" && health_state == "healthy"
        - health.failure_streak == 0 && health.queue_depth <= 1
        - { expr: 'count_reason("case_processing_failed") == 0', window: 10m }
    - name: canary-2
      traffic: 25
      after: 10m
      gates:
        - { expr: 'max_stall("widget_views_updated") < duration("4m")', window: 10m }
    - name: canary-3
      traffic: 50
      after: 20m
      gates:
        - { expr: 'count_reason("retry_attempted") == 0 && sum(failed_cases) == 0', window: 15m }
    - name: general-availability
      traffic: 100
      after: 40m
"#;

#[derive(Debug, Clone)]
struct Cycle {
    gap_s: i64,
    failed: bool,
    retry: bool,
    widgets: bool,
    backlog: u8,
    broken: bool,
}

fn cycle() -> impl Strategy<Value = Cycle> {
    (
        prop_oneof![95 => Just(60i64), 3 => Just(30i64), 2 => 100i64..400],
        prop::bool::weighted(0.01),
        prop::bool::weighted(0.01),
        prop::bool::weighted(0.97),
        prop_oneof![97 => Just(0u8), 3 => 1u8..4],
        prop::bool::weighted(0.003),
    )
        .prop_map(|(gap_s, failed, retry, widgets, backlog, broken)| Cycle {
            gap_s,
            failed,
            retry,
            widgets,
            backlog,
            broken,
        })
}

/// Writes tau-shaped files for the cycles, the last one `age_s` before now.
fn write(dir: &Path, cycles: &[Cycle], age_s: i64) {
    let total: i64 = cycles.iter().map(|c| c.gap_s).sum();
    let mut ts = NOW_MS - age_s * 1000 - total * 1000;
    let mut streak = 0;
    let mut lines = Vec::new();
    let mut last = None;
    for c in cycles {
        ts += c.gap_s * 1000;
        if c.broken {
            lines.push("{\"timestamp_unix_ms\":".to_string());
            continue;
        }
        streak = if c.failed { streak + 1 } else { 0 };
        let state = if streak >= 3 {
            "failing"
        } else if streak > 0 {
            "degraded"
        } else {
            "healthy"
        };
        let mut codes = Vec::new();
        if c.backlog > 0 {
            codes.push("queue_backpressure_applied");
        }
        if c.retry {
            codes.extend(["retry_attempted", "retryable_failures_observed"]);
        }
        if c.failed {
            codes.push("case_processing_failed");
        }
        if c.widgets {
            codes.push("widget_views_updated");
        }
        if codes.is_empty() {
            codes.push("healthy_cycle");
        }
        let line = json!({
            "timestamp_unix_ms": ts, "health_state": state, "health_reason": "r",
            "reason_codes": codes, "discovered_cases": 3 + c.backlog as i64, "queued_cases": 3,
            "applied_cases": if c.failed { 2 } else { 3 }, "duplicate_skips": 0, "malformed_cases": 0,
            "retryable_failures": c.retry as i64, "retry_attempts": c.retry as i64,
            "failed_cases": c.failed as i64, "upserted_widgets": if c.widgets { 3 } else { 0 },
            "control_actions_applied": 0, "backlog_cases": c.backlog as i64, "failure_streak": streak,
        });
        lines.push(line.to_string());
        last = Some((line, c.clone()));
    }
    std::fs::write(dir.join("events.jsonl"), lines.join("\n") + "\n").unwrap();
    let status = match last {
        Some((line, c)) => json!({
            "state_path": ".tau/dashboard/state.json", "events_log_path": ".tau/dashboard/runtime-events.jsonl",
            "events_log_present": true, "health_state": line["health_state"], "health_reason": "r",
            "rollout_gate": if line["health_state"] == "healthy" { "pass" } else { "hold" },
            "processed_case_count": 1, "widget_count": 1, "control_audit_count": 0,
            "cycle_reports": lines.len(), "invalid_cycle_reports": 0, "last_reason_codes": line["reason_codes"],
            "health": {"updated_unix_ms": line["timestamp_unix_ms"], "cycle_duration_ms": 20,
                "queue_depth": c.backlog, "active_runs": 0, "failure_streak": line["failure_streak"],
                "last_cycle_discovered": 3, "last_cycle_processed": 3, "last_cycle_completed": 3,
                "last_cycle_failed": c.failed as i64, "last_cycle_duplicates": 0},
        }),
        None => json!({"health_state": "healthy"}),
    };
    std::fs::write(dir.join("status.json"), status.to_string()).unwrap();
}

fn gate(manifest: &Path, phase: Option<&str>) -> Vec<Verdict> {
    let opts = launchgate::gate::Options::at(NOW.parse().unwrap(), phase.map(str::to_string));
    let report = launchgate::gate::run(manifest, &opts).expect("gate runs");
    report
        .gate
        .expect("gate summary")
        .phases
        .iter()
        .map(|p| p.verdict)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn a_phase_that_does_not_pass_stops_every_later_one(
        cycles in prop_oneof![1 => prop::collection::vec(cycle(), 0..20), 6 => prop::collection::vec(cycle(), 20..90)],
        age_s in prop_oneof![8 => 0i64..60, 1 => 60i64..1200, 1 => -600i64..-61],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("readiness.yaml");
        std::fs::write(&manifest, SMALL).unwrap();
        write(dir.path(), &cycles, age_s);
        let all = gate(&manifest, None);
        prop_assert_eq!(all.len(), 4);
        for k in 0..all.len() {
            if all[k] != Verdict::Pass {
                for later in &all[k..] {
                    prop_assert_ne!(*later, Verdict::Pass, "{:?}", all);
                }
            }
            // Fail wins over hold, phase after phase.
            if k > 0 {
                prop_assert!(all[k] >= all[k - 1], "{:?}", all);
            }
            let alone = gate(&manifest, Some(PHASES[k]));
            prop_assert_eq!(alone.len(), k + 1);
            prop_assert_eq!(alone[k], all[k], "--phase {} disagrees with --all", PHASES[k]);
        }
    }
}
