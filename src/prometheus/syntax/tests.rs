//! PromQL reads: selectors, lags, metric names, and alerts decided by their form.

use super::*;

/// [`decided`] as an alerting rule meets it: switches counted, no recorded series known.
fn decided_by_sign(expr: &Expr) -> Option<bool> {
    decided(expr, true, &|_| false)
}

#[test]
fn parses_real_queries_and_rejects_broken_ones() {
    assert_eq!(
        problem(
            r#"sum(rate(http_requests_total{job="app",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="app"}[5m]))"#
        ),
        None
    );
    assert_eq!(
        problem(
            "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"
        ),
        None
    );
    assert!(problem("sum(rate(x[5m])").is_some());
    assert!(problem("rate(x{job=}[5m])").is_some());
    assert!(problem("").is_some());
}

#[test]
fn an_offset_delays_what_a_query_sees_and_a_fixed_at_freezes_it() {
    let read = |q: &str| {
        let e = parse(q).unwrap();
        let r = reads(&e);
        (r.series, r.lag_ms / 60_000)
    };
    assert_eq!(read("sum(rate(x[10m])) > 0.05"), (true, 0));
    assert_eq!(
        read("sum(rate(x[10m] offset 1h)) / sum(rate(y[10m])) > 0.05"),
        (true, 60)
    );
    // A subquery's offset moves everything inside it.
    assert_eq!(
        read("max_over_time((rate(x[5m] offset 5m))[30m:1m] offset 10m) > 1"),
        (true, 15)
    );
    // A baseline a week back beside the present is no delay.
    assert_eq!(read("rate(x[5m]) > 2 * rate(x[5m] offset 1w)"), (true, 0));
    assert_eq!(
        read("rate(x[5m] offset 1h) > 2 * rate(x[5m] offset 1w)"),
        (true, 60)
    );
    assert_eq!(
        read("rate(x[5m]) / rate(y[5m] offset 30m) > 2 * rate(x[5m] offset 1w)"),
        (true, 30)
    );
    // The same metric with other labels is other data.
    assert_eq!(
        read(r#"rate(x{job="api"}[5m] offset 1h) > 2 * rate(x{job="web"}[5m])"#),
        (true, 60)
    );
    assert_eq!(
        read(r#"rate(x{job="api",env="p"}[5m]) > 2 * rate(x{env="p",job="api"}[5m] offset 1w)"#),
        (true, 0)
    );
    assert_eq!(
        read(r#"rate({__name__="x"}[5m] offset 1h) > 2 * rate({job="y"}[5m])"#),
        (true, 60)
    );
    // Looking ahead is no delay.
    assert_eq!(read("rate(x[5m] offset -5m) > 1"), (true, 0));
    // Pinned to a fixed time: the same answer at every evaluation.
    assert_eq!(read("rate(x[10m] @ 1700000000) > 0.05"), (false, 0));
    assert_eq!(
        read("max_over_time(rate(x[5m])[30m:1m] @ 1700000000) > 1"),
        (false, 0)
    );
    assert_eq!(
        read("rate(x[10m] @ 1700000000) > rate(y[10m] offset 2m)"),
        (false, 2)
    );
    // `@ end()` in a rule is the evaluation's own time.
    assert_eq!(read("rate(x[10m] @ end()) > 1"), (true, 0));
}

#[test]
fn a_rate_compared_with_zero_or_less_is_decided() {
    let decided = |q: &str| decided_by_sign(&parse(q).unwrap());
    for never in [
        "sum(rate(failures_total[10m])) / sum(rate(builds_total[10m])) < 0",
        "rate(x[5m]) <= -1",
        "0 > increase(x[1h])",
        "(count(up == 0) < 0) and rate(x[5m]) > 1",
        "sum by (job) (rate(x[5m])) * 100 == -5",
        "rate(x[5m]) < 0 or increase(y[1h]) < 0",
        "(rate(x[5m]) < 0) unless up == 0",
    ] {
        assert_eq!(decided(never), Some(false), "{never}");
    }
    for always in [
        "increase(x[1h]) >= 0",
        "rate(x[5m]) > -0.5",
        "count(up) != -1",
        "rate(errors_total[5m]) > 0.05 or increase(x[1h]) >= 0",
        "(up == 0) or (rate(x[5m]) >= 0)",
    ] {
        assert_eq!(decided(always), Some(true), "{always}");
    }
    for open in [
        "rate(x[5m]) > 0",
        "rate(x[5m]) <= 0",
        "rate(x[5m]) == 0",
        "delta(x[5m]) < 0",
        "x < 0",
        "rate(x[5m]) - rate(y[5m]) < 0",
        "rate(x[5m]) < bool 0",
        "rate(x[5m]) > 0.05",
        "rate(x[5m]) < 0 or y > 1",
        "rate(x[5m]) > 0.05 unless rate(y[5m]) < 0",
        "up == 0 unless increase(x[1h]) >= 0",
        "rate(x[5m]) >= 0 and y > 1",
    ] {
        assert_eq!(decided(open), None, "{open}");
    }
}

/// The switches written into alerts to mute or force them: a part that reads no series
/// decides a set operation (`unless` only through `on()`, which matches every series).
#[test]
fn a_constant_switch_decides_an_alert() {
    let decided = |q: &str| decided_alert(&parse(q).unwrap());
    for off in [
        "rate(x[5m]) > 0.05 unless on() vector(1)",
        "rate(x[5m]) > 0.05 and on() vector(0) > 1",
        "(rate(x[5m]) > 0.05) and (vector(1) < 0)",
        "rate(x[5m]) > 0.05 unless on() sum(vector(1))",
        "rate(x[5m]) > 0.05 unless on() 2 > vector(1)",
        // Both sides without labels: they match without `on()`.
        "sum(rate(x[5m])) / sum(rate(y[5m])) > 0.05 unless vector(1)",
        "max by () (rate(x[5m])) > 1 unless vector(1)",
    ] {
        assert!(
            decided(off).is_some_and(|d| d.contains("never fires")),
            "{off}"
        );
    }
    assert!(decided("rate(x[5m]) > 0.05 or vector(1)").is_some_and(|d| d.contains("fires always")));
    for open in [
        // Without `on()`, only series with no labels match `vector(1)`'s.
        "rate(x[5m]) > 0.05 unless vector(1)",
        "sum by (job) (rate(x[5m])) > 0.05 unless vector(1)",
        "sum(rate(x[5m])) / on() group_left rate(y[5m]) > 1 unless vector(1)",
        "rate(x[5m]) > 0.05 and on() vector(1)",
        "rate(x[5m]) > 0.05 unless on() hour() < 8",
        "rate(x[5m]) > 0.05 unless on() vector(time()) > 5",
        "rate(x[5m]) > 0.05 unless on() (vector(0) > 1)",
        "rate(x[5m]) > 0.05 unless on(job) up == 0",
        // No series at all: a finding of its own (the alert reads nothing).
        "vector(1)",
    ] {
        assert_eq!(decided(open), None, "{open}");
    }
}

#[test]
fn a_bool_comparison_at_the_top_of_an_alert_fires_at_every_evaluation() {
    let decided = |q: &str| decided_alert(&parse(q).unwrap());
    assert!(
        decided("rate(x[5m]) > bool 0.05")
            .unwrap()
            .contains("`bool`")
    );
    assert!(
        decided("(rate(x[5m]) == bool 0)")
            .unwrap()
            .contains("`bool`")
    );
    assert!(decided("rate(x[5m]) < 0").unwrap().contains("never fires"));
    assert_eq!(decided("rate(x[5m]) > 0.05"), None);
    // Inside, `bool` is arithmetic: `sum(x > bool 1) > 3` counts the series above 1.
    assert_eq!(decided("sum(x > bool 1) > 3"), None);
}

#[test]
fn metric_names_are_the_selectors_not_labels_or_strings() {
    let names = |q: &str| {
        let mut n = reads(&parse(q).unwrap()).metrics;
        n.sort();
        n
    };
    assert_eq!(
        names(
            r#"sum(rate(a_total{job="b_total"}[5m])) / sum(rate(a_total[5m])) > on() group_left c"#
        ),
        ["a_total", "c"]
    );
    assert_eq!(
        names(r#"{__name__="x_seconds_bucket", le="1"}"#),
        ["x_seconds_bucket"]
    );
    assert_eq!(names(r#"{__name__=~"x_.*"}"#), Vec::<String>::new());
    assert_eq!(names("vector(1) > 0"), Vec::<String>::new());
    assert_eq!(
        names("histogram_quantile(0.9, sum by (le) (rate(d_bucket[5m]))) > scalar(e)"),
        ["d_bucket", "e"]
    );
}

#[test]
fn an_expression_without_a_selector_reads_no_series() {
    let watches = |q: &str| reads(&parse(q).unwrap()).series;
    for constant in [
        "vector(0)",
        "vector(1)",
        "0",
        "1 > bool 2",
        "vector(1) > 2",
        "vector(time()) > 0",
        "(vector(1) + 1) * -1",
        "sum(vector(1))",
        "max_over_time(vector(1)[5m:1m])",
        "label_replace(vector(1), \"a\", \"b\", \"\", \"\")",
    ] {
        assert!(!watches(constant), "{constant} reads no series");
    }
    for reading in [
        "up == 0",
        "up{job=\"x\"} == 0",
        "{__name__=\"x_total\"}",
        "rate(x_total[5m]) > 0.05",
        "absent(x_total)",
        "time() - max(last_success_seconds) > 1800",
        "vector(1) and on() up",
        "-x",
        "max_over_time(x[1h:5m]) > 1",
        "topk(scalar(k), vector(1))",
        "1 + sum by (job) (x)",
    ] {
        assert!(watches(reading), "{reading} reads series");
    }
    let deep = format!("{}vector(1){}", "(".repeat(200), ")".repeat(200));
    assert!(!reads(&parse(&deep).unwrap()).series);
}

/// Found by nesting a rule's `expr` 50,000 parentheses deep: the check aborted with a stack
/// overflow. 60,000 `+` took the parser 48 s.
#[test]
fn a_query_beyond_any_real_one_is_refused_before_the_parser_sees_it() {
    const LEVELS: usize = 60_000;
    let queries = [
        format!("{}x{}", "(".repeat(LEVELS), ")".repeat(LEVELS)),
        format!("{}x{}", "sum(".repeat(LEVELS), ")".repeat(LEVELS)),
        format!("{}x{}", "abs(".repeat(LEVELS), ")".repeat(LEVELS)),
        vec!["x"; LEVELS].join(" + "),
        vec!["x"; LEVELS].join(" and "),
        format!("{}x", "-".repeat(LEVELS)),
    ];
    // On a thread with a stack as small as a rayon worker's.
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for q in &queries {
                let refused = parse(q).err();
                assert!(
                    matches!(refused, Some(Unparsed::TooComplex(_))),
                    "{}…: {refused:?}",
                    &q[..20]
                );
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// The limits sit where the parser is still quick and shallow, and count only what the
/// parser nests: not brackets or operators in strings and comments.
#[test]
fn the_limits_count_brackets_and_operators_outside_strings_and_comments() {
    let nested = |n: usize| format!("{}x{}", "sum(".repeat(n), ")".repeat(n));
    assert!(parse(&nested(MAX_NESTING)).is_ok());
    assert_eq!(
        parse(&nested(MAX_NESTING + 1)).err(),
        Some(Unparsed::TooComplex(
            "nests brackets 257 levels deep; launchgate reads queries at most 256 deep".into()
        ))
    );
    let chain = |n: usize, op: &str| vec!["x"; n + 1].join(op);
    assert!(parse(&chain(MAX_OPERATORS, " + ")).is_ok());
    assert!(parse(&chain(MAX_OPERATORS, " or ")).is_ok());
    for op in [" + ", " or ", " unless ", " >= "] {
        let long = chain(MAX_OPERATORS + 1, op);
        assert!(matches!(parse(&long), Err(Unparsed::TooComplex(_))), "{op}");
    }
    // A long regex, brackets in a label value and operators in a comment are not nesting.
    let regex = vec!["a-b(c)"; 5_000].join("|");
    assert!(parse(&format!("up{{job=~\"{regex}\"}} == 0")).is_ok());
    let comment = format!("up == 0 # {}", "((+".repeat(2_000));
    assert!(parse(&comment).is_ok());
    let words = vec!["sort_desc"; 2_000].join("(") + "(x" + &")".repeat(1_999);
    assert!(matches!(parse(&words), Err(Unparsed::TooComplex(_))));
    assert!(
        matches!(parse("sum(x"), Err(Unparsed::Invalid(_))),
        "an unclosed bracket is the parser's to report"
    );
}

/// A series a recording rule records from rates is never negative either: the alert over it
/// is decided like one over the rates themselves; an unknown or signed recorded series is not.
#[test]
fn an_alert_over_a_recorded_rate_is_decided_by_its_sign() {
    let rule = parse("sum(rate(f_total[10m])) / sum(rate(g_total[10m]))").unwrap();
    assert!(never_negative_recorded(&rule));
    assert!(!never_negative_recorded(&parse("delta(x[5m])").unwrap()));
    let known = |name: &str| name == "job:failure_ratio:rate10m";
    let decided = |q: &str| decided_alert_over(&parse(q).unwrap(), &known);
    assert!(decided("job:failure_ratio:rate10m < 0").is_some_and(|d| d.contains("never fires")));
    assert!(
        decided("job:failure_ratio:rate10m{job=\"a\"} >= 0")
            .is_some_and(|d| d.contains("fires whenever"))
    );
    assert_eq!(decided("job:failure_ratio:rate10m > 0.05"), None);
    assert_eq!(decided("job:other:rate10m < 0"), None);
    assert_eq!(
        decided_alert(&parse("job:failure_ratio:rate10m < 0").unwrap()),
        None
    );
}

/// A query that returns a constant when its series are missing: a gate reading it judges
/// "no data" as that constant instead of holding.
#[test]
fn a_constant_fallback_answers_without_data() {
    let found = |q: &str| constant_fallback(&parse(q).unwrap());
    for (q, fallback) in [
        ("sum(rate(errors_total[5m])) or vector(0)", "vector(0)"),
        ("vector(0) or sum(rate(errors_total[5m]))", "vector(0)"),
        (
            "(sum(rate(e[5m])) / sum(rate(r[5m]))) or vector(0)",
            "vector(0)",
        ),
        ("sum(rate(e[5m]) or vector(0))", "vector(0)"),
        (
            "max_over_time((sum(rate(e[5m])) or vector(1))[30m:1m])",
            "vector(1)",
        ),
        ("100 * (sum(rate(e[5m])) or on() vector(0))", "vector(0)"),
        ("(sum(rate(e[5m])) or vector(0)) > bool 1", "vector(0)"),
    ] {
        assert_eq!(found(q).as_deref(), Some(fallback), "{q}");
    }
    for q in [
        // The fallback inside a ratio: nothing without requests.
        "(sum(rate(e[5m])) or vector(0)) / sum(rate(r[5m]))",
        // A fallback that reads the service: there only while requests are counted.
        "sum(rate(e[5m])) or on() (0 * sum(rate(r[5m])))",
        "sum(rate(e[5m]))",
        // A filter can leave nothing.
        "(sum(rate(e[5m])) or vector(0)) > 1",
        "sum(rate(e[5m])) and vector(1)",
    ] {
        assert_eq!(found(q), None, "{q}");
    }
}

/// A share of a total compared with a number it cannot pass: `> 5` where `> 0.05` was meant.
#[test]
fn a_share_beyond_one_never_fires() {
    let decided = |q: &str| decided_alert(&parse(q).unwrap());
    let share = r#"sum(rate(http_requests_total{job="checkout",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="checkout"}[5m]))"#;
    for never in [
        format!("{share} > 2"),
        format!("{share} > 1"),
        format!("{share} >= 1.5"),
        format!("({share}) * 100 > 100"),
        format!("100 * ({share}) >= 200"),
        format!("({share}) / 2 > 0.5"),
        format!("5 < {share}"),
        format!("{share} == 2"),
        "sum by (job) (increase(x{code=\"500\"}[1h])) / sum by (job) (increase(x[1h])) > 1".into(),
        "rate(x{code=\"500\"}[5m]) / rate(x[5m]) > 1".into(),
    ] {
        assert!(
            decided(&never).is_some_and(|why| why.contains("share")),
            "{never}"
        );
    }
    for open in [
        format!("{share} > 0.02"),
        format!("{share} >= 1"),
        format!("({share}) * 100 > 5"),
        format!("{share} < 2"),
        format!("{share} != 2"),
        format!("{share} == 0.5"),
        // Not a part of the same total: other metrics, other ranges, other groupings,
        // other functions, a matcher the whole has and the part lacks.
        "sum(rate(failures_total[10m])) / sum(rate(builds_total[10m])) > 5".into(),
        "sum(rate(x{code=\"500\"}[5m])) / sum(rate(x[10m])) > 1".into(),
        "sum by (job) (rate(x{code=\"500\"}[5m])) / sum(rate(x[5m])) > 1".into(),
        "sum(rate(x{code=\"500\"}[5m])) / sum(increase(x[5m])) > 1".into(),
        "sum(rate(x{code=\"500\"}[5m])) / sum(rate(x{job=\"a\"}[5m])) > 1".into(),
        "sum(delta(x{code=\"500\"}[5m])) / sum(delta(x[5m])) > 1".into(),
        "max(rate(x{code=\"500\"}[5m])) / sum(rate(x[5m])) > 1".into(),
        "sum(rate(x{code=\"500\"}[5m] offset 1h)) / sum(rate(x[5m])) > 1".into(),
        "sum(rate(x{code=\"500\"}[5m])) / on() sum(rate(x[5m])) > 1".into(),
        "sum(rate(x{code=\"500\"}[5m])) / sum(rate(x[5m])) * -1 > 1".into(),
    ] {
        assert_eq!(decided(&open), None, "{open}");
    }
}

/// An alert whose text says "more than 5%" over a comparison that means something else.
#[test]
fn a_comparison_its_own_text_contradicts_is_found() {
    let against =
        |q: &str, text: &str| compared(&parse(q).unwrap()).and_then(|c| contradiction(&c, &[text]));
    let ratio = "sum(rate(failures_total[10m])) / sum(rate(builds_total[10m]))";
    for (q, text, fix) in [
        // A factor of 100 slipped.
        (
            format!("{ratio} > 5"),
            "More than 5% of builds fail.",
            "compare with `0.05`",
        ),
        (
            format!("{ratio} >= 2.5"),
            "over 2.5 % of builds",
            "compare with `0.025`",
        ),
        (
            format!("5 < {ratio}"),
            "5 percent of builds fail",
            "compare with `0.05`",
        ),
        (
            format!("{ratio} > 1"),
            "more than 1% fail",
            "compare with `0.01`",
        ),
        (
            format!("({ratio}) * 100 > 0.05"),
            "More than 5% fail",
            "compare it with `5`",
        ),
        (
            format!("100 * ({ratio}) > 0.1"),
            "10% of builds",
            "compare it with `10`",
        ),
        (
            "rate(x_failed_total[5m]) / rate(x_total[5m]) > 5".into(),
            "Failure ratio above 5%",
            "compare with `0.05`",
        ),
        // Seconds compared with the milliseconds the text names.
        (
            "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 500".into(),
            "p99 latency above 500ms",
            "compare with `0.5`",
        ),
        (
            "histogram_quantile(0.9, rate(x_seconds_bucket[5m])) > 250".into(),
            "p90 over 250 milliseconds",
            "compare with `0.25`",
        ),
        (
            "sum(rate(http_request_duration_seconds_sum[5m])) / sum(rate(http_request_duration_seconds_count[5m])) > 300".into(),
            "Mean request latency above 300ms",
            "compare with `0.3`",
        ),
        // The side turned.
        (
            format!("{ratio} < 0.05"),
            "More than 5% of builds fail.",
            "compare with `>`",
        ),
        (
            format!("0.05 > {ratio}"),
            "above 5% fail",
            "compare with `>`",
        ),
        (
            format!("({ratio}) * 100 <= 5"),
            "over 5% fail",
            "compare with `>=`",
        ),
        (
            "avg(cpu_usage_percent) < 80".into(),
            "CPU above 80%",
            "compare with `>`",
        ),
        (
            format!("{ratio} > 5 and sum(rate(builds_total[10m])) > 0"),
            "More than 5% of builds fail.",
            "compare with `0.05`",
        ),
        (
            "avg(cpu_usage_ratio) < 0.8".into(),
            "CPU above 80%",
            "compare with `>`",
        ),
        (
            "min(up) > 0.5".into(),
            "fewer than 0.5 of targets up",
            "compare with `<`",
        ),
        (
            "x < 1800".into(),
            "stalled for more than 1800 seconds",
            "compare with `>`",
        ),
        // The text puts another level on a side: one of the two is out of date.
        (
            format!("{ratio} > 0.1"),
            "More than 5% of builds fail.",
            "which is 10%, while its text says \"More than 5%\"",
        ),
        (
            format!("({ratio}) * 100 >= 2"),
            "at least 5 percent fail",
            "times 100 with `2`, which is 2%",
        ),
        (
            format!("{ratio} > 5"),
            "over 10% fail",
            "which is 500%, while its text says \"over 10%\"",
        ),
        // A wish in another sentence does not cover the one that says when it pages.
        (
            "x < 5".into(),
            "Clients should reconnect. More than 5 are connected.",
            "compare with `>`",
        ),
    ] {
        let why = against(&q, text).unwrap_or_else(|| panic!("{q} under {text:?}: nothing"));
        assert!(why.contains(fix), "{q}: {why}");
    }
    for (q, text) in [
        // What the comparison means, said.
        (format!("{ratio} > 0.05"), "More than 5% of builds fail."),
        (
            format!("({ratio}) * 100 > 5"),
            "More than 5% of builds fail.",
        ),
        (format!("{ratio} > 1"), "more than 100% (retries)"),
        (
            "time() - max(x) > 1800".into(),
            "No job finished for 30 minutes.",
        ),
        ("x < 1800".into(), "stalled for less than 1800 seconds"),
        ("avg(cpu_usage_percent) < 20".into(), "CPU below 20% (idle)"),
        // Both said: the text names the meant value too.
        (
            format!("{ratio} > 5"),
            "5 failures per build (500%, not 5%)",
        ),
        (
            format!("{ratio} < 0.05"),
            "above 5% is fine, below 5% is a fault",
        ),
        // What is wanted, not when to page (awesome-prometheus-alerts' wording).
        (
            "redis_connected_clients < 5".into(),
            "Redis instance should have more connections (> 5)\n  VALUE = {{ $value }}",
        ),
        (
            "x < 5".into(),
            "Connections are low. Expected above 5 at all times.",
        ),
        // No number, or another one, or a percentile, or a version.
        (
            format!("{ratio} > 5"),
            "Builds fail five times as often as they succeed.",
        ),
        (
            format!("{ratio} > 5"),
            "{{ $value | humanizePercentage }} of builds fail",
        ),
        (format!("{ratio} > 5"), "the 5 percentile"),
        (format!("{ratio} > 5"), "v1.5% rollout"),
        (format!("{ratio} < 0.05"), "5% of builds fail"),
        // Another level said without a side, the complement, or what is wanted.
        (format!("{ratio} > 0.1"), "5% of builds fail at the peak"),
        (format!("{ratio} > 0.2"), "fewer than 80% of builds succeed"),
        (format!("{ratio} > 0.1"), "should stay below 5%"),
        (
            format!("{ratio} > 0.1"),
            "over 10% fail (the SLO allows 5%)",
        ),
        // Latency: seconds compared as seconds, milliseconds histograms, no unit said.
        (
            "histogram_quantile(0.99, rate(x_seconds_bucket[5m])) > 0.5".into(),
            "p99 above 500ms",
        ),
        (
            "histogram_quantile(0.99, rate(x_milliseconds_bucket[5m])) > 500".into(),
            "p99 above 500ms",
        ),
        (
            "histogram_quantile(0.99, rate(x_seconds_bucket[5m])) > 500".into(),
            "p99 above 500",
        ),
        (
            "histogram_quantile(0.99, rate(x_seconds_bucket[5m])) > 2".into(),
            "p99 above 2s (2000ms)",
        ),
        // A mean is no share: its text's percentages are of something else.
        (
            "rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m]) > 0.5".into(),
            "mean latency above 500ms for more than 5% of the window",
        ),
        (
            "rate(x_bytes_sum[5m]) / rate(x_bytes_count[5m]) > 0.1".into(),
            "responses grew by more than 5%",
        ),
        // Not a ratio of rates: a gauge in percent, a recorded series, a `bool`, `==`.
        ("avg(cpu_usage_percent) > 5".into(), "CPU above 5%"),
        ("sum(x_percent) / count(x_percent) > 5".into(), "above 5%"),
        ("job:failure_ratio:rate10m > 5".into(), "above 5%"),
        (format!("{ratio} > bool 5"), "above 5%"),
        (format!("({ratio}) * 10 > 5"), "above 5%"),
        (format!("{ratio} == 5"), "above 5%"),
        (
            format!("{ratio} > 5 or sum(rate(builds_total[10m])) > 0"),
            "above 5%",
        ),
        (
            format!("sum(rate(builds_total[10m])) > 0 and {ratio} > 5"),
            "above 5%",
        ),
    ] {
        assert_eq!(against(&q, text), None, "{q} under {text:?}");
    }
}

/// A recording rule says what the series it records is, and an alert comparing that series
/// (or its average or extreme) is held to its text as if it compared the rule's `expr`.
#[test]
fn a_recorded_series_keeps_the_scale_of_its_rule() {
    let ratio = "sum(rate(failures_total[10m])) / sum(rate(builds_total[10m]))";
    for (recorded, scale) in [
        (ratio.to_string(), Scale::Ratio),
        (format!("100 * ({ratio})"), Scale::Percent),
        (
            "histogram_quantile(0.99, sum by (le) (rate(x_seconds_bucket[5m])))".into(),
            Scale::Seconds,
        ),
        ("sum(rate(failures_total[10m]))".into(), Scale::Other),
        (
            "rate(x_seconds_sum[5m]) / rate(x_seconds_count[5m])".into(),
            Scale::Seconds,
        ),
        (
            "sum by (job) (rate(x_bytes_sum[5m])) / sum by (job) (rate(x_bytes_count[5m]))".into(),
            Scale::Other,
        ),
        (
            "rate(x_seconds_sum[5m]) / rate(y_seconds_count[5m])".into(),
            Scale::Ratio,
        ),
        ("avg(cpu_usage_percent)".into(), Scale::Other),
    ] {
        assert_eq!(scale_of(&parse(&recorded).unwrap()), scale, "{recorded}");
    }
    let series = |q: &str| compared(&parse(q).unwrap()).and_then(|c| c.series);
    let name = Some("job:failure_ratio:rate10m".to_string());
    assert_eq!(series("job:failure_ratio:rate10m > 5"), name);
    assert_eq!(
        series("max(job:failure_ratio:rate10m{job=\"a\"}) > 5"),
        name
    );
    assert_eq!(
        series("5 < (avg by (job) (job:failure_ratio:rate10m))"),
        name
    );
    // A sum of ratios is no ratio; a series read in the past or pinned is another reading.
    assert_eq!(series("sum(job:failure_ratio:rate10m) > 5"), None);
    assert_eq!(series("job:failure_ratio:rate10m offset 1h > 5"), None);
    assert_eq!(series("job:failure_ratio:rate10m * 100 > 5"), None);
    // Held to its text once the rule says it is a ratio.
    let mut c = compared(&parse("job:failure_ratio:rate10m > 5").unwrap()).unwrap();
    assert_eq!(contradiction(&c, &["More than 5% of builds fail."]), None);
    c.scale = Scale::Ratio;
    let why = contradiction(&c, &["More than 5% of builds fail."]).unwrap();
    assert!(why.contains("compare with `0.05`"), "{why}");
}
