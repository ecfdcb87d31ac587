use super::*;
use crate::source::SourceFile;

fn check(text: &str) -> Vec<(u32, String)> {
    let src = SourceFile::new(
        std::path::Path::new("rules.yaml"),
        "rules.yaml".into(),
        text.into(),
    );
    let doc = crate::yaml::parse(&src, &crate::yaml::Limits::default()).unwrap();
    super::check(&doc, Format::RuleFile)
        .problems
        .into_iter()
        .map(|p| (p.at.start.line, p.message))
        .collect()
}

const GOOD: &str = "\
groups:
  - name: svc
    interval: 30s
    limit: 10
    labels: { team: a }
    rules:
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 0
        labels: { severity: page, tier: 1 }
        annotations: { runbook_url: runbooks/down.md }
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: { x: y }
";

#[test]
fn a_file_prometheus_loads_has_no_problems() {
    assert_eq!(check(GOOD), []);
    assert_eq!(check("groups: []\n"), []);
    assert_eq!(check("groups:\n  - name: empty\n"), []);
}

/// Each edit makes Prometheus refuse the file (`promtool check rules` fails on it); the
/// message names the group, the rule and what is wrong, on the line at fault.
#[test]
fn what_prometheus_refuses() {
    let cases: &[(&str, &str, u32, &str)] = &[
        (
            "        expr: up == 0\n",
            "",
            7,
            "group `svc`, rule 1 (`Down`): `expr` must be set",
        ),
        (
            "        expr: up == 0\n",
            "        expr: \"\"\n",
            8,
            "`expr` must be set",
        ),
        (
            "up == 0",
            "up ==",
            8,
            "group `svc`, rule 1 (`Down`): `expr` is not PromQL",
        ),
        ("up == 0", "rate(up[5min]) > 0", 8, "`expr` is not PromQL"),
        (
            "        for: 5m\n",
            "        for: 5 minutes\n",
            9,
            "`for` is not a Prometheus duration",
        ),
        (
            "        for: 5m\n",
            "        fro: 5m\n",
            9,
            "rule 1 (`Down`): unknown key `fro`",
        ),
        (
            "    interval: 30s\n",
            "    intervall: 30s\n",
            3,
            "group `svc`: unknown key `intervall`",
        ),
        (
            "  - name: svc\n",
            "  - rules_name: svc\n",
            2,
            "unknown key `rules_name`",
        ),
        (
            "  - name: svc\n",
            "  - name: \"\"\n",
            2,
            "group 1 has no `name`",
        ),
        (
            "      - alert: Down\n",
            "      - alert: Down\n        record: down\n",
            7,
            "only one of `record` and `alert` may be set",
        ),
        (
            "      - alert: Down\n",
            "      - severity: page\n",
            7,
            "one of `record` or `alert` must be set",
        ),
        (
            "        expr: sum by (job) (up)\n",
            "        expr: sum by (job) (up)\n        for: 1m\n",
            13,
            "a recording rule cannot have `for`",
        ),
        (
            "        labels: { x: y }\n",
            "        labels: { x: y }\n        annotations: { a: b }\n",
            13,
            "a recording rule cannot have `annotations`",
        ),
        (
            "job:up:sum",
            "up{job=\"a\"}",
            13,
            "braces in a recording rule's name",
        ),
        (
            "    limit: 10\n",
            "    limit: ten\n",
            4,
            "`limit` must be an integer",
        ),
        (
            "{ severity: page, tier: 1 }",
            "[severity, page]",
            11,
            "`labels` must be a mapping, not a sequence",
        ),
        (
            "runbook_url: runbooks/down.md",
            "runbook_url: [a, b]",
            12,
            "annotations `runbook_url` is a list, not text",
        ),
    ];
    for (from, to, line, message) in cases {
        assert!(GOOD.contains(from), "{from}");
        let got = check(&GOOD.replacen(from, to, 1));
        assert!(
            got.iter().any(|(l, m)| l == line && m.contains(message)),
            "{from:?} -> {to:?}: {got:#?}"
        );
    }
    let twice = format!("{GOOD}  - name: svc\n    rules: []\n");
    assert!(
        check(&twice)
            .iter()
            .any(|(l, m)| *l == 16 && m == "group name `svc` is repeated in the file"),
        "{:#?}",
        check(&twice)
    );
    assert!(
        check("groups: []\nrules: []\n")[0]
            .1
            .contains("unknown key `rules`")
    );
}

#[test]
fn problems_are_capped_per_file() {
    let many: String = (0..50)
        .map(|i| format!("  - name: g{i}\n    bogus: 1\n"))
        .collect();
    assert_eq!(check(&format!("groups:\n{many}")).len(), MAX_PROBLEMS);
}

/// What Prometheus's `model.ParseDuration` accepts, and what it refuses (a float, a sign, a
/// unit twice or out of order) without panicking on anything.
#[test]
fn durations_as_prometheus_reads_them() {
    for (text, ms) in [
        ("0", 0),
        ("0s", 0),
        ("5m", 300_000),
        ("1h30m", 5_400_000),
        (
            "1y2w3d4h5m6s7ms",
            31_536_000_000 + 1_209_600_000 + 259_200_000 + 14_400_000 + 306_000 + 7,
        ),
        ("500ms", 500),
        ("1m500ms", 60_500),
    ] {
        assert_eq!(milliseconds(text), Some(ms), "{text}");
    }
    for text in [
        "",
        "5",
        "1.5h",
        "-5m",
        "+5m",
        "5 m",
        "30m1h",
        "1h1h",
        "5M",
        "NaN",
        "inf",
        "-1",
        "1e3s",
        "99999999999999999999999y",
        "18446744073709551615y",
        "ms",
        "5mss",
    ] {
        assert_eq!(milliseconds(text), None, "{text}");
    }
}

/// What the Prometheus Operator makes of `text` as a file: where its groups are, then why
/// it would refuse them.
fn check_resource(text: &str) -> Result<Vec<(u32, String)>, (u32, String)> {
    let src = SourceFile::new(
        std::path::Path::new("rules.yaml"),
        "rules.yaml".into(),
        text.into(),
    );
    let doc = crate::yaml::parse(&src, &crate::yaml::Limits::default()).unwrap();
    let (body, format) = groups_holder(&doc).map_err(|p| (p.at.start.line, p.message))?;
    assert_eq!(format, Format::Resource);
    Ok(super::check(body, format)
        .problems
        .into_iter()
        .map(|p| (p.at.start.line, p.message))
        .collect())
}

/// `GOOD` as the `spec` of a PrometheusRule, with `extra` added to its group.
fn resource(api: &str, extra: &str) -> String {
    let good = GOOD.replacen(
        "    interval: 30s\n",
        &format!("    interval: 30s\n{extra}"),
        1,
    );
    let spec: String = good.lines().map(|l| format!("  {l}\n")).collect();
    format!("apiVersion: {api}\nkind: PrometheusRule\nmetadata:\n  name: svc\nspec:\n{spec}")
}

#[test]
fn a_prometheus_rule_resource_is_read_as_the_operator_reads_it() {
    let api = "monitoring.coreos.com/v1";
    assert_eq!(check_resource(&resource(api, "")), Ok(vec![]));
    // Thanos's field, which the operator blanks before Prometheus's checks: accepted in a
    // resource, refused in a plain rule file.
    let thanos = "    partial_response_strategy: Warn\n";
    assert_eq!(check_resource(&resource(api, thanos)), Ok(vec![]));
    let plain = GOOD.replacen(
        "    interval: 30s\n",
        &format!("    interval: 30s\n{thanos}"),
        1,
    );
    assert!(
        check(&plain)[0]
            .1
            .contains("unknown key `partial_response_strategy`")
    );
    let odd = check_resource(&resource(api, "    partial_response_strategy: sometimes\n")).unwrap();
    assert_eq!(odd.len(), 1);
    assert!(odd[0].1.contains("must be `abort` or `warn`"), "{odd:?}");
    // An empty `interval` or `for` is none to the operator, and no duration to Prometheus.
    let emptied = resource(api, "")
        .replace("interval: 30s", "interval: \"\"")
        .replace("for: 5m", "for: \"\"");
    assert_eq!(check_resource(&emptied), Ok(vec![]));
    let plain = GOOD.replace("for: 5m", "for: \"\"");
    assert!(
        check(&plain)[0]
            .1
            .contains("`for` is not a Prometheus duration")
    );
    // What Prometheus refuses in a file, the operator refuses in `spec`, on the line at fault.
    let typo = resource(api, "").replace("annotations:", "anotations:");
    let got = check_resource(&typo).unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, 17);
    assert!(got[0].1.contains("unknown key `anotations`"), "{got:?}");
    // A resource launchgate cannot read as the operator would: another version, no `spec`.
    let other = check_resource(&resource("monitoring.coreos.com/v2", ""));
    assert_eq!(other.unwrap_err().0, 1);
    let bare = check_resource("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n");
    assert!(bare.unwrap_err().1.contains("no `spec`"));
}
