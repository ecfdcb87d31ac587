//! Unit tests of the gate windows.

use super::super::rewrite::prepare;
use super::*;

fn data(lines: &[(i64, serde_json::Value)], cols: &[&str]) -> Arc<Data> {
    let columns = Columns::new(cols.iter().copied());
    let mut strings = Strings::default();
    let samples = lines
        .iter()
        .enumerate()
        .map(|(i, (ts, v))| {
            Sample::from_json(*ts, i + 1, v.as_object().unwrap(), &columns, &mut strings)
        })
        .collect();
    Arc::new(Data {
        samples,
        columns,
        strings,
    })
}

fn eval(src: &str, d: &Arc<Data>, w: i64, to: i64) -> (Result<bool, String>, Vec<Observation>) {
    let p = prepare(src).unwrap();
    let o = evaluate(&p, d, &Arc::new(Cache::default()), w, to);
    (o.result.map_err(|e| e.to_string()), o.observed)
}

#[test]
fn windows_are_half_open() {
    let d = data(
        &[
            (1000, serde_json::json!({"reason_codes": ["x"]})),
            (2000, serde_json::json!({"reason_codes": []})),
        ],
        &[],
    );
    // (1000, 2000]: the sample at 1000 is outside.
    assert_eq!(
        eval("count_reason('x') == 0 && samples() == 1", &d, 1000, 2000).0,
        Ok(true)
    );
    assert_eq!(eval("count_reason('x') == 1", &d, 1001, 2000).0, Ok(true));
}

#[test]
fn empty_window() {
    let d = data(&[], &["a"]);
    assert_eq!(
        eval(
            "samples() == 0 && count_reason('x') == 0 && sum(a) == 0",
            &d,
            10,
            10
        )
        .0,
        Ok(true)
    );
    assert!(
        eval("max(a) > 0", &d, 10, 10)
            .0
            .unwrap_err()
            .contains(MISSING)
    );
}

#[test]
fn per_cycle_functions() {
    let lines: Vec<(i64, serde_json::Value)> = [3, 0, 2, 0]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                i as i64 * 60_000 + 60_000,
                serde_json::json!({"u": v, "reason_codes": []}),
            )
        })
        .collect();
    let d = data(&lines, &["u"]);
    let (r, obs) = eval(
        "sum(u) == 5 && max(u) == 3 && min(u) == 0 && avg(u) == 1.25 && count(u > 0) == 2",
        &d,
        240_000,
        240_000,
    );
    assert_eq!(r, Ok(true), "{obs:?}");
}

#[test]
fn max_stall_counts_from_the_window_start_to_its_end() {
    // Window (0, 10m]; code seen at 2m and 4m: stalls 2m, 2m, then 6m to the end.
    let lines = vec![
        (120_000, serde_json::json!({"reason_codes": ["w"], "n": 1})),
        (240_000, serde_json::json!({"reason_codes": ["w"], "n": 1})),
        (360_000, serde_json::json!({"reason_codes": [], "n": 0})),
        (600_000, serde_json::json!({"reason_codes": [], "n": 0})),
    ];
    let d = data(&lines, &["n"]);
    let (r, obs) = eval(
        "max_stall('w') == duration('6m') && max_stall(n) == duration('6m')",
        &d,
        600_000,
        600_000,
    );
    assert_eq!(r, Ok(true), "{obs:?}");
    assert_eq!(obs[0].witness, Some((2, 240_000)));
    let (r, _) = eval(
        "max_stall('never') == duration('10m')",
        &d,
        600_000,
        600_000,
    );
    assert_eq!(r, Ok(true));
}

#[test]
fn counter_reset_in_increase() {
    const VALUES: [i64; 4] = [10, 15, 3, 7];
    assert_eq!(increase(&[10.0, 15.0, 3.0, 7.0]), 5.0 + 3.0 + 4.0);
    let lines: Vec<(i64, serde_json::Value)> = (0..4)
        .map(|i| (i as i64 * 1000 + 1000, serde_json::json!({"a": VALUES[i]})))
        .collect();
    let d = data(&lines, &["a"]);
    assert_eq!(
        eval("increase(a) == 12 && delta(a) == -3", &d, 4000, 4000).0,
        Ok(true)
    );
}

#[test]
fn reason_codes_missing_is_not_zero() {
    let d = data(
        &[(1000, serde_json::json!({"health_state": "healthy"}))],
        &[],
    );
    let e = eval(
        "count_reason('case_processing_failed') == 0",
        &d,
        1000,
        1000,
    )
    .0
    .unwrap_err();
    assert!(e.contains(MISSING) && e.contains("line 1"), "{e}");
}

#[test]
fn all_any_count_per_sample_and_missing_fields() {
    let d = data(
        &[
            (1, serde_json::json!({"health_state": "healthy"})),
            (2, serde_json::json!({"health_state": "degraded"})),
        ],
        &["health_state"],
    );
    assert_eq!(
        eval("!all(health_state == 'healthy') && any(health_state == 'degraded') && count(health_state == 'healthy') == 1", &d, 10, 2).0,
        Ok(true)
    );
    let e = eval("all(backlog_cases == 0)", &d, 10, 2).0.unwrap_err();
    assert!(e.contains(MISSING), "{e}");
}

#[test]
fn non_numbers_are_errors() {
    let d = data(&[(1, serde_json::json!({"a": "12"}))], &["a"]);
    let e = eval("sum(a) > 0", &d, 10, 1).0.unwrap_err();
    assert!(e.contains("not a number") && e.contains("line 1"), "{e}");
}

#[test]
fn a_code_written_otherwise_is_not_counted_as_none() {
    // The producer writes the code in CamelCase; the gate counts the snake_case one.
    let d = data(
        &[
            (1000, serde_json::json!({"reason_codes": ["healthy_cycle"]})),
            (
                2000,
                serde_json::json!({"reason_codes": ["CaseProcessingFailed"]}),
            ),
        ],
        &[],
    );
    let e = eval(
        "count_reason('case_processing_failed') == 0",
        &d,
        2000,
        2000,
    )
    .0
    .unwrap_err();
    assert!(
        e.contains("the history writes the reason code `CaseProcessingFailed` (line 2)")
            && !e.contains(MISSING),
        "{e}"
    );
    let e = eval(
        "max_stall('case-processing-failed') < duration('5m')",
        &d,
        2000,
        2000,
    )
    .0
    .unwrap_err();
    assert!(e.contains("`CaseProcessingFailed`"), "{e}");
    // Outside the window, or a code that differs by more than its spelling, it is not judged.
    assert_eq!(
        eval(
            "count_reason('case_processing_failed') == 0",
            &d,
            1500,
            1500
        )
        .0,
        Ok(true)
    );
    assert_eq!(
        eval("count_reason('case_processing_fail') == 0", &d, 2000, 2000).0,
        Ok(true)
    );
    assert_eq!(
        eval("count_reason('CaseProcessingFailed') == 1", &d, 2000, 2000).0,
        Ok(true)
    );
}
