use super::*;
use crate::expr::Expr;

fn rollout(json: &str) -> Rollout {
    serde_json::from_str(json).unwrap()
}

fn snapshot(r: &Rollout, gate: &str) -> Vec<String> {
    Vocabulary::of(r).snapshot_problems(&Expr::compile(gate).unwrap().expression)
}

fn window(r: &Rollout, gate: &str) -> Vec<String> {
    Vocabulary::of(r).window_problems(&super::super::rewrite::prepare(gate).unwrap())
}

#[test]
fn the_example_gates_name_only_what_tau_writes() {
    let tau = rollout("{}");
    for gate in [
        r#"rollout_gate == "pass" && health_state == "healthy""#,
        "health.failure_streak == 0 && health.queue_depth <= 1",
        r#"!("case_processing_failed" in last_reason_codes)"#,
        r#"health_state in ["healthy", "degraded"]"#,
        r#"last_reason_codes.all(c, c != "retry_attempted")"#,
        "has(health.updated_unix_ms)",
    ] {
        assert_eq!(snapshot(&tau, gate), Vec::<String>::new(), "{gate}");
    }
    for gate in [
        r#"count_reason("case_processing_failed") == 0"#,
        r#"max_stall("widget_views_updated") < duration("5m") && max_stall(upserted_widgets) < duration("5m")"#,
        r#"all(health_state == "healthy") && sum(failed_cases) == 0 && count("retry_attempted" in reason_codes) == 0"#,
        "max(backlog_cases) <= 1 && samples() >= 30",
    ] {
        assert_eq!(window(&tau, gate), Vec::<String>::new(), "{gate}");
    }
}

/// Asserts that `gate` drew exactly one problem, and that it says `says`.
fn refused_once(problems: Vec<String>, gate: &str, says: &str) {
    assert_eq!(problems.len(), 1, "{gate}: {problems:?}");
    assert!(problems[0].contains(says), "{gate}: {problems:?}");
}

#[test]
fn a_misspelt_or_recased_reason_code_is_refused() {
    let tau = rollout("{}");
    for gate in [
        r#"count_reason("case_procesing_failed") == 0"#,
        r#"count_reason("Case_Processing_Failed") == 0"#,
        r#"count_reason("case_processing_failed ") == 0"#,
        r#"max_stall("widget_view_updated") < duration("5m")"#,
        r#"count("case_procesing_failed" in reason_codes) == 0"#,
        r#"all(reason_codes.all(c, c != "case_procesing_failed"))"#,
    ] {
        refused_once(
            window(&tau, gate),
            gate,
            "tau's dashboard runtime never writes",
        );
    }
    let p = window(&tau, r#"count_reason("case_procesing_failed") == 0"#);
    assert!(
        p[0].contains("did you mean `case_processing_failed`?"),
        "{p:?}"
    );
    for gate in [
        r#"!("case_procesing_failed" in last_reason_codes)"#,
        r#"last_reason_codes.all(c, c != "Retry_Attempted")"#,
        r#"size(last_reason_codes.filter(c, c == "retry_attemped")) == 0"#,
    ] {
        assert_eq!(snapshot(&tau, gate).len(), 1, "{gate}");
    }
}

#[test]
fn states_tau_never_writes_are_refused() {
    let tau = rollout("{}");
    for gate in [
        r#"health_state != "failng""#,
        r#"health_state == "Healthy""#,
        r#""ok" == rollout_gate"#,
        r#"health_state in ["healthy", "ok"]"#,
    ] {
        refused_once(snapshot(&tau, gate), gate, "is never");
    }
    assert!(snapshot(&tau, r#"health_state == "Healthy""#)[0].contains("did you mean `healthy`?"));
    assert_eq!(window(&tau, r#"all(health_state != "unhealthy")"#).len(), 1);
    // A string field tau fills with free text is not a state.
    assert!(snapshot(&tau, r#"health_reason != "anything""#).is_empty());
}

#[test]
fn a_list_of_every_state_tau_writes_is_refused() {
    let tau = rollout("{}");
    for (gate, says) in [
        (
            r#"rollout_gate in ["pass", "hold"]"#,
            "passes while tau holds",
        ),
        (
            r#"rollout_gate in ["hold", "pass"] && health_state == "healthy""#,
            "true at every rollout",
        ),
        (
            r#"health_state in ["healthy", "degraded", "failing"]"#,
            "true at every rollout",
        ),
    ] {
        refused_once(snapshot(&tau, gate), gate, says);
    }
    assert_eq!(
        window(
            &tau,
            r#"all(health_state in ["healthy", "degraded", "failing"])"#
        )
        .len(),
        1
    );
    // A choice among them is the team's: degraded allowed, failing not.
    for gate in [
        r#"health_state in ["healthy", "degraded"]"#,
        r#"rollout_gate in ["pass"]"#,
    ] {
        assert!(snapshot(&tau, gate).is_empty(), "{gate}");
    }
    // Another producer's snapshot names its own states.
    let other = rollout(r#"{"status_timestamp": {"field": "meta.at", "unit": "rfc3339"}}"#);
    assert!(snapshot(&other, r#"rollout_gate in ["pass", "hold"]"#).is_empty());
}

#[test]
fn fields_tau_never_writes_are_refused_when_slips() {
    let tau = rollout("{}");
    let p = snapshot(&tau, "health.queue_deph <= 1");
    assert!(
        p[0].contains("no `health.queue_deph` (did you mean `queue_depth`?)"),
        "{p:?}"
    );
    assert_eq!(snapshot(&tau, "health.error_rate < 0.01").len(), 1);
    // Inside a map literal too.
    assert_eq!(
        snapshot(&tau, r#"{"d": health.queue_deph}["d"] <= 1"#).len(),
        1
    );
    assert_eq!(snapshot(&tau, r#"rollout_gates == "pass""#).len(), 1);
    assert_eq!(snapshot(&tau, r#"Rollout_Gate == "pass""#).len(), 1);
    // Another tau runtime's field (its multi-agent runtime's `routed_case_count`) is no slip.
    assert!(snapshot(&tau, "routed_case_count > 0").is_empty());
    assert_eq!(window(&tau, "sum(failed_case) == 0").len(), 1);
    assert_eq!(window(&tau, "all(failure_streek == 0)").len(), 1);
    let p = window(&tau, r#"max_stall(widget_views_updated) < duration("5m")"#);
    assert!(p[0].contains("is a reason code"), "{p:?}");
    // A field read from the wrong file.
    let p = snapshot(&tau, "failed_cases == 0");
    assert!(
        p[0].contains("a field of tau's cycle reports, not of its snapshot"),
        "{p:?}"
    );
    let p = snapshot(&tau, "queue_depth <= 1");
    assert!(p[0].contains("did you mean `health.queue_depth`?"), "{p:?}");
    let p = window(&tau, r#"all(rollout_gate == "pass")"#);
    assert!(
        p[0].contains("a field of tau's snapshot, not of its cycle reports"),
        "{p:?}"
    );
    // `health_state` is in both.
    assert!(window(&tau, r#"all(health_state == "healthy")"#).is_empty());
}

#[test]
fn another_producer_names_its_codes() {
    let other = rollout(
        r#"{"timestamp": {"field": "ts", "unit": "unix_s"}, "status_timestamp": {"field": "at", "unit": "rfc3339"}}"#,
    );
    let p = window(&other, r#"count_reason("errors") == 0"#);
    assert!(
        p[0].contains("list the codes that producer writes in `rollout.reason_codes`"),
        "{p:?}"
    );
    // Its fields and states are its own.
    assert!(snapshot(&other, r#"health_state == "ok" && health.anything > 1"#).is_empty());
    assert!(window(&other, "sum(failed_case) == 0").is_empty());
    let declared = rollout(
        r#"{"timestamp": {"field": "ts", "unit": "unix_s"}, "reason_codes": ["errors", "timeouts"]}"#,
    );
    assert!(window(&declared, r#"count_reason("errors") == 0"#).is_empty());
    let p = window(&declared, r#"count_reason("error") == 0"#);
    assert!(p[0].contains("`rollout.reason_codes` does not list the reason code \"error\" (did you mean `errors`?)"), "{p:?}");
    // A slip of one of tau's codes listed to get a refused gate through is refused itself.
    let slipped =
        rollout(r#"{"reason_codes": ["case_processing_failed", "Case_Processing_Failed"]}"#);
    let slips = declared_slips(&slipped);
    assert_eq!(slips.len(), 1, "{slips:?}");
    assert_eq!(slips[0].0, 1);
    assert!(
        slips[0]
            .1
            .contains("one slip from tau's `case_processing_failed`")
    );
    // Another producer's codes are its own.
    let other = rollout(
        r#"{"timestamp": {"field": "ts", "unit": "unix_s"}, "reason_codes": ["retry_attempts"]}"#,
    );
    assert!(declared_slips(&other).is_empty());
    // Declared codes replace tau's: a newer tau's code is accepted once listed.
    let newer = rollout(r#"{"reason_codes": ["case_processing_failed", "cases_quarantined"]}"#);
    assert!(window(&newer, r#"count_reason("cases_quarantined") == 0"#).is_empty());
}

#[test]
fn tau_counts_are_unsigned_integers() {
    let status = |v: serde_json::Value| super::tau_status_not_unsigned(v.as_object().unwrap());
    let health = |field: &str, value: serde_json::Value| {
        status(serde_json::json!({ "health": { "updated_unix_ms": 1, field: value } }))
    };
    assert_eq!(health("queue_depth", 0.into()), None);
    assert_eq!(
        health("queue_depth", (-5).into()).as_deref(),
        Some("health.queue_depth = -5")
    );
    assert_eq!(
        health("failure_streak", "0".into()).as_deref(),
        Some("health.failure_streak = \"0\"")
    );
    assert_eq!(
        health("failure_streak", 0.5.into()).as_deref(),
        Some("health.failure_streak = 0.5")
    );
    assert_eq!(
        health("last_cycle_failed", serde_json::Value::Null).as_deref(),
        Some("health.last_cycle_failed = null")
    );
    assert_eq!(
        status(serde_json::json!({ "cycle_reports": -1, "health": {} })).as_deref(),
        Some("cycle_reports = -1")
    );
    // Fields tau does not write as numbers, and fields it does not write, are not judged here.
    assert_eq!(
        status(serde_json::json!({ "health_state": 3, "other": -1, "health": { "x": -1 } })),
        None
    );
    let cycle = |v: serde_json::Value| super::tau_cycle_not_unsigned(v.as_object().unwrap());
    assert_eq!(
        cycle(serde_json::json!({ "failed_cases": 0, "reason_codes": [] })),
        None
    );
    assert_eq!(
        cycle(serde_json::json!({ "failed_cases": -1 })).as_deref(),
        Some("failed_cases = -1")
    );
    assert_eq!(
        cycle(serde_json::json!({ "backlog_cases": "2" })).as_deref(),
        Some("backlog_cases = \"2\"")
    );
}
