use super::*;

fn reads_nothing(expr: &str) -> bool {
    constant(expr).is_some_and(|why| why.contains("reads no status field"))
}

/// Why `expr` answers alike at every rollout of tau's producer, if it does.
fn constant(expr: &str) -> Option<String> {
    let tau: crate::manifest::Rollout = serde_json::from_str("{}").unwrap();
    let kind = history_kind(expr, Some("1h".to_string()));
    constant_answer(expr, &Vocabulary::of(&tau), &kind)
}

#[test]
fn a_count_compared_with_zero_or_less_gates_nothing() {
    // What a hurried author writes for "no failures" or "some progress": every count tau
    // writes is unsigned, and the window functions count, so these hold at every rollout.
    for always in [
        "health.failure_streak >= 0",
        "0 <= health.queue_depth",
        "health.failure_streak > -1",
        "rollout_gate == 'pass' && health.queue_depth >= 0 || health.failure_streak >= 0",
        "count_reason(\"case_processing_failed\") >= 0",
        "samples() >= 0",
        "sum(failed_cases) >= 0",
        "invalid_cycle_reports != -1",
        // The window is an hour: no stall in it is longer.
        "max_stall(\"widget_views_updated\") < duration(\"90m\")",
        "max_stall(applied_cases) <= duration(\"1h\") && health.queue_depth >= 0",
    ] {
        let why = constant(always).unwrap_or_else(|| panic!("{always}: not decided"));
        assert!(
            why.contains("is true whatever the rollout reports"),
            "{why}"
        );
    }
    for never in ["health.failure_streak < 0", "count(failed_cases > 0) <= -1"] {
        let why = constant(never).unwrap_or_else(|| panic!("{never}: not decided"));
        assert!(
            why.contains("is false whatever the rollout reports"),
            "{why}"
        );
    }
    // Bounds a count can meet or miss, a field tau does not write as a number, and a
    // delta (which falls when its counter resets) are left to the rollout.
    for open in [
        "health.failure_streak == 0",
        "max_stall(\"widget_views_updated\") < duration(\"1h\")",
        "health.failure_streak <= 0",
        "health.queue_depth > 0",
        "count_reason(\"retry_attempted\") >= 1",
        "health_state >= 0",
        "health.made_up >= 0",
        "delta(failed_cases) >= 0",
        "sum(health_reason) >= 0",
    ] {
        assert_eq!(constant(open), None, "{open}");
    }
}

#[test]
fn a_gate_that_reads_nothing_gates_nothing() {
    for constant in [
        "true",
        "1 < 2",
        "'a' == 'a'",
        "size([1, 2]) == 2",
        "!false",
        "[1, 2].all(x, x > 0)",
    ] {
        assert!(reads_nothing(constant), "{constant}");
    }
    for reading in [
        "health.failure_streak == 0",
        "value < 0.02",
        "labels.code != '500'",
        "count_reason(\"x\") == 0",
        "max_stall(\"widgets\") < duration(\"1h\")",
        "sum(upserted_widgets) > 0",
        "has(health.ok) || true",
        "[1, 2].all(x, x < threshold)",
        "items.exists(i, i.ok)",
        "[1].map(x, x).all(y, y == value)",
    ] {
        assert!(!reads_nothing(reading), "{reading}");
    }
}

fn kind(window: Option<&str>, step: Option<&str>, expr: &str) -> Result<(), String> {
    match query_kind("up".into(), expr, window.map(str::to_string), step, None) {
        Kind::Query(_) => Ok(()),
        Kind::Broken(e) => Err(e),
        _ => Err("not a query gate".into()),
    }
}

#[test]
fn a_per_sample_condition_decided_on_every_sample_gates_nothing() {
    let tau: crate::manifest::Rollout = serde_json::from_str("{}").unwrap();
    let vocabulary = Vocabulary::of(&tau);
    let why =
        |gate: &str| constant_per_sample(&history_kind(gate, Some("30m".into())), &vocabulary);
    let all = why("all(failed_cases >= 0)").unwrap();
    assert!(all.starts_with("`all(failed_cases >= 0)` is true"), "{all}");
    assert!(why("any(retry_attempts < 0) || samples() > 100").is_some());
    assert!(
        why("count(size(reason_codes) < 0) == 0")
            .unwrap()
            .contains("is 0")
    );
    // Conditions the samples decide, and folds a decided condition leaves open.
    for open in [
        "all(failed_cases == 0)",
        "count(failed_cases > 0) <= 1",
        "any(failed_cases >= 0)",
        "all(health_state >= 0)",
    ] {
        assert_eq!(why(open), None, "{open}");
    }
}

#[test]
fn a_query_that_cannot_see_the_rollout_is_refused() {
    let query = |q: &str| match query_kind(q.into(), "value < 1", None, None, None) {
        Kind::Broken(e) => Err(e),
        _ => Ok(()),
    };
    assert_eq!(query("rate(errors_total[5m])"), Ok(()));
    assert_eq!(
        query("rate(errors_total[5m]) / rate(errors_total[5m] offset 1d)"),
        Ok(())
    );
    let late = query("rate(errors_total[5m] offset 1h)").unwrap_err();
    assert!(late.contains("by `offset` (1h)"), "{late}");
    assert!(query("rate(errors_total[5m]) / rate(requests_total[5m] offset 5m)").is_err());
    let pinned = query("rate(errors_total[5m] @ 1700000000)").unwrap_err();
    assert!(pinned.contains("selects no series that change"), "{pinned}");
    assert!(query("vector(1)").unwrap_err().contains("no selector"));
    // "No data" answered with a constant instead of a hold.
    let fallback = query("sum(rate(errors_total[5m])) or vector(0)").unwrap_err();
    assert!(
        fallback.contains("returns `vector(0)` when the series it reads are missing"),
        "{fallback}"
    );
    assert_eq!(
        query("sum(rate(errors_total[5m])) or on() (0 * sum(rate(requests_total[5m])))"),
        Ok(())
    );
}

#[test]
fn query_gates_are_checked_when_compiled() {
    assert_eq!(kind(Some("30m"), Some("1m"), "max(value) < 1"), Ok(()));
    assert_eq!(kind(None, None, "value < 1"), Ok(()));
    assert!(
        kind(Some("30m"), Some("1h"), "max(value) < 1")
            .unwrap_err()
            .contains("longer than the window")
    );
    assert!(
        kind(Some("7d"), Some("15s"), "max(value) < 1")
            .unwrap_err()
            .contains("11000 points")
    );
    assert!(
        kind(None, None, "max(value) < 1")
            .unwrap_err()
            .contains("has no `window:`")
    );
    assert_eq!(default_step_ms(30 * 60_000), 15_000);
    assert_eq!(default_step_ms(24 * 3_600_000), 360_000);
}

/// A `has()` test that lets a gate pass without its field, in the snapshot or per line.
#[test]
fn a_gate_true_without_its_field_is_refused() {
    let why = |expr: &str, window: Option<&str>| {
        true_without_data(&match window {
            Some(w) => history_kind(expr, Some(w.to_string())),
            None => Kind::Snapshot(Expr::compile(expr).unwrap()),
        })
    };
    let snapshot = why(
        "!has(health.failure_streak) || health.failure_streak == 0",
        None,
    )
    .unwrap();
    assert!(
        snapshot.contains("whenever the status snapshot lacks `health.failure_streak`"),
        "{snapshot}"
    );
    let line = why("all(!has(job.failed) || job.failed == 0)", Some("1h")).unwrap();
    assert!(
        line.contains("whenever a history line lacks `job.failed`"),
        "{line}"
    );
    assert_eq!(
        why(
            "has(health.failure_streak) && health.failure_streak == 0",
            None
        ),
        None
    );
    assert_eq!(
        why("all(has(job.failed) && job.failed == 0)", Some("1h")),
        None
    );
    let optional = why("health.?failure_streak.orValue(0) == 0", None).unwrap();
    assert!(
        optional.starts_with(
            "`health.?failure_streak` gives the gate a value where the field is missing"
        ),
        "{optional}"
    );
    assert!(why("all(job.?failed.orValue(0) == 0)", Some("1h")).is_some());
}
