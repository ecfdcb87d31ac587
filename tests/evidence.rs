//! Repository evidence against real git repositories (dates, tags, a shallow clone, a
//! worktree, a plain directory), `--base` waiver review, and promtool on the example rules.

mod common;

use std::path::Path;

use common::{failures, launchgate, root, tool, write_tree};
use serde_json::Value;

const NOW: &str = "2026-11-25T12:00:00Z";

fn git(dir: &Path, args: &[&str], date: &str) -> String {
    let out = common::git_cmd(dir, args, Some(date));
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

const CHECKLIST: &str = "version: 1\nname: git-facts\ntitle: Git facts\nitems:
  - id: T-KNOWN-GOOD
    title: known good
    severity: error
    why: w
    fix: f
    require:
      - { rule: 'is_ancestor(manifest.rollback.known_good)', at: rollback.known_good, hold_on_error: true, message: 'not an ancestor' }
  - id: T-FRESH
    title: fresh runbook
    severity: error
    why: w
    fix: f
    require:
      - { rule: 'file_age_days(manifest.runbooks.rollback.path) <= 30', at: runbooks.rollback, hold_on_error: true, message: 'rollback runbook changed {file_age_days(manifest.runbooks.rollback.path)} days ago' }
";

/// Stage poc: the default policy requires no built-in checklist there, so only the git facts
/// checklist runs.
fn manifest(known_good: &str) -> String {
    format!(
        "version: 1\nservice: {{ name: svc, stage: poc }}\nchecklists: [git-facts.yaml]\nrunbooks:\n  rollback: rollback.md\nrollback:\n  known_good: {known_good}\n"
    )
}

fn check(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let out = launchgate()
        .current_dir(dir)
        .args(["check", ".", "--format", "json"])
        .args(if extra.contains(&"--now") {
            &[][..]
        } else {
            &["--now", NOW][..]
        })
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    (
        code,
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

/// The first manifest's finding for `item`.
fn outcome(report: &Value, item: &str) -> (String, String) {
    let f = common::finding(report, item);
    (
        f["outcome"].as_str().unwrap().to_string(),
        f["message"].as_str().unwrap().to_string(),
    )
}

/// `promtool check rules FILE`: whether Prometheus loads the file, and what promtool said.
fn promtool_check_rules(promtool: &Path, rules: &Path) -> (bool, String) {
    let out = std::process::Command::new(promtool)
        .args(["check", "rules"])
        .arg(rules)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), said)
}

/// A repository: v1 tagged on 2026-09-01, the runbook last changed on 2026-11-05.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"], "2026-09-01T10:00:00Z");
    write_tree(
        d,
        &[
            ("git-facts.yaml", CHECKLIST),
            ("rollback.md", "# Rollback\n\n1. a\n2. b\n"),
            ("readiness.yaml", &manifest("v1")),
        ],
    );
    git(d, &["add", "."], "2026-09-01T10:00:00Z");
    git(d, &["commit", "-q", "-m", "one"], "2026-09-01T10:00:00Z");
    git(d, &["tag", "v1"], "2026-09-01T10:00:00Z");
    std::fs::write(d.join("rollback.md"), "# Rollback\n\n1. a\n2. b\n3. c\n").unwrap();
    git(d, &["commit", "-q", "-am", "two"], "2026-11-05T10:00:00Z");
    dir
}

#[test]
fn git_facts_in_a_repository() {
    let dir = repo();
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(outcome(&report, "T-KNOWN-GOOD").0, "pass");
    assert_eq!(outcome(&report, "T-FRESH").0, "pass");
    // 2026-11-05 → 2026-11-25: 20 days; an older change fails with its age.
    let (code, report) = check(dir.path(), &["--now", "2027-01-05T12:00:00Z"]);
    assert_eq!(code, 1);
    assert_eq!(
        outcome(&report, "T-FRESH"),
        ("fail".into(), "rollback runbook changed 61 days ago".into())
    );
}

#[test]
fn known_good_must_be_an_ancestor() {
    let dir = repo();
    let d = dir.path();
    git(d, &["checkout", "-q", "-b", "side"], "2026-11-06T10:00:00Z");
    std::fs::write(d.join("side.txt"), "x").unwrap();
    git(d, &["add", "side.txt"], "2026-11-06T10:00:00Z");
    git(d, &["commit", "-q", "-m", "side"], "2026-11-06T10:00:00Z");
    git(d, &["tag", "side-release"], "2026-11-06T10:00:00Z");
    git(d, &["checkout", "-q", "main"], "2026-11-06T10:00:00Z");
    for (known_good, expected) in [
        ("side-release", "fail"),
        ("no-such-tag", "fail"),
        ("main", "pass"),
    ] {
        std::fs::write(d.join("readiness.yaml"), manifest(known_good)).unwrap();
        let (_, report) = check(d, &[]);
        let got = outcome(&report, "T-KNOWN-GOOD");
        assert_eq!(got.0, expected, "{known_good}: {}", got.1);
        if expected == "fail" {
            let loc = &common::finding(&report, "T-KNOWN-GOOD")["location"];
            assert_eq!(loc["line"], 7);
        }
    }
}

#[test]
fn outside_a_repository_git_facts_hold_never_pass() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("git-facts.yaml", CHECKLIST),
            ("rollback.md", "# R\n\n1. a\n2. b\n"),
            ("readiness.yaml", &manifest("v1")),
        ],
    );
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, 3, "{report:#}");
    let (o, _) = outcome(&report, "T-KNOWN-GOOD");
    assert_eq!(o, "hold");
    let ev = common::finding(&report, "T-FRESH")["evidence"].to_string();
    assert!(ev.contains("unknown (not a git repository)"), "{ev}");
    // For people: a check's hold is evidence to make readable, not time to wait out.
    let out = launchgate()
        .current_dir(dir.path())
        .args(["check", ".", "-q", "--color", "never", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with(
            "verdict: HOLD (evidence could not be read: see the holds above; this is not a pass)\n"
        ),
        "{text}"
    );
}

#[test]
fn shallow_clones_and_worktrees() {
    let dir = repo();
    let first = git(
        dir.path(),
        &["rev-list", "--max-parents=0", "HEAD"],
        "2026-11-06T10:00:00Z",
    );
    std::fs::write(dir.path().join("readiness.yaml"), manifest(&first)).unwrap();
    git(
        dir.path(),
        &["commit", "-q", "-am", "pin known good"],
        "2026-11-06T10:00:00Z",
    );
    let work = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    git(
        work.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
        "2026-11-06T10:00:00Z",
    );
    let shallow = work.path().join("shallow");
    let (code, report) = check(&shallow, &[]);
    assert_eq!(code, 3, "{report:#}");
    let f = common::finding(&report, "T-KNOWN-GOOD").clone();
    assert_eq!(f["outcome"], "hold");
    assert!(
        f["evidence"].to_string().contains("fetch-depth: 0")
            || f["evidence"].to_string().contains("--unshallow"),
        "{f:#}"
    );
    // --base on a shallow clone without the base: a clear error, never a silent pass.
    let out = launchgate()
        .current_dir(&shallow)
        .args(["check", ".", "--now", NOW, "--base", "HEAD~1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("fetch-depth: 0"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A worktree of the full repository sees the same facts.
    git(
        dir.path(),
        &[
            "worktree",
            "add",
            "-q",
            work.path().join("wt").to_str().unwrap(),
        ],
        "2026-11-06T10:00:00Z",
    );
    let (code, report) = check(&work.path().join("wt"), &[]);
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn base_reports_new_and_extended_waivers_and_limits_length() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    let with = |waivers: &str| {
        format!(
            "version: 1\nservice: {{ name: svc, stage: prod }}\nchecklists: [production]\nwaivers:\n{waivers}"
        )
    };
    let w = |item: &str, granted: &str, expires: &str| {
        format!(
            "  - {{ item: {item}, reason: \"drill moved to December\", approved_by: \"@lead\", granted: {granted}, expires: {expires} }}\n"
        )
    };
    std::fs::write(
        d.join("readiness.yaml"),
        with(&w("PROD-SLA", "2026-11-01", "2026-12-01")),
    )
    .unwrap();
    git(d, &["add", "."], "2026-11-01T10:00:00Z");
    git(d, &["commit", "-q", "-m", "base"], "2026-11-01T10:00:00Z");
    let now = with(
        &(w("PROD-SLA", "2026-11-01", "2026-12-20")
            + &w("PROD-SIGNOFF", "2026-11-20", "2026-12-10")
            + &w("PROD-ONCALL", "2026-11-20", "2027-06-01")),
    );
    std::fs::write(d.join("readiness.yaml"), now).unwrap();
    let (_, report) = check(d, &["--base", "HEAD"]);
    let waiver_msgs: Vec<(String, String)> = report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item"] == "LG-WAIVER")
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        waiver_msgs.contains(&(
            "warning".into(),
            "the waiver for PROD-SLA is extended since HEAD: 2026-12-01 → 2026-12-20".into()
        )),
        "{waiver_msgs:#?}"
    );
    assert!(waiver_msgs.iter().any(|(s, m)| s == "warning" && m.starts_with("new waiver for PROD-SIGNOFF since HEAD")), "{waiver_msgs:#?}");
    assert!(
        waiver_msgs
            .iter()
            .any(|(s, m)| s == "error" && m.contains("PROD-ONCALL runs 193 days")),
        "{waiver_msgs:#?}"
    );
    let (_, report) = check(d, &["--base", "HEAD", "--max-waiver-days", "365"]);
    assert!(
        !failures(&report)
            .iter()
            .any(|(i, _, m)| i == "LG-WAIVER" && m.contains("runs"))
    );
    let out = launchgate()
        .current_dir(d)
        .args(["check", ".", "--base", "no-such-rev"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A manifest that lowers its own stage is checked at the stage it left: its history on
/// HEAD's first-parent line says the service was `prod`, so `stage: poc` switches nothing off.
/// The change is named in an LG-POLICY warning; `--base` adds no second one for the stage.
#[test]
fn a_stage_lowered_in_history_is_checked_at_the_stage_it_left() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    let manifest = |stage: &str, tier: u8| {
        format!("version: 1\nservice: {{ name: svc, stage: {stage}, tier: {tier} }}\n")
    };
    let commit = |stage: &str, tier: u8, message: &str, date: &str| {
        std::fs::write(d.join("readiness.yaml"), manifest(stage, tier)).unwrap();
        git(d, &["commit", "-q", "-am", message], date);
    };
    std::fs::write(d.join("readiness.yaml"), manifest("prod", 1)).unwrap();
    git(d, &["add", "."], "2026-11-01T10:00:00Z");
    git(d, &["commit", "-q", "-m", "launch"], "2026-11-01T10:00:00Z");
    let policy = |report: &Value| -> Vec<(String, String, u64)> {
        report["manifests"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["item"] == "LG-POLICY" && f["outcome"] == "fail")
            .map(|f| {
                (
                    f["severity"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                    f["location"]["line"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let warning = |now: &str, by: &str| {
        (
            "warning".to_string(),
            format!(
                "`service.stage` is `{now}`, lowered from `prod` by {by}: checked as `prod`, since a service's stage only moves forward (the checklists and items of `prod` still apply)"
            ),
            2,
        )
    };
    // At prod, a manifest of a name and a stage fails the production items.
    let (code, at_prod) = check(d, &[]);
    assert_eq!(code, 1, "{at_prod:#}");
    let items = |r: &Value| -> Vec<String> {
        failures(r)
            .into_iter()
            .map(|(item, ..)| item)
            .filter(|i| i != "LG-POLICY")
            .collect()
    };
    let prod_failures = items(&at_prod);
    assert!(prod_failures.contains(&"PROD-ROLLBACK-TESTED".to_string()));
    // Lowered in the working tree: still checked as prod, and the same items fail.
    std::fs::write(d.join("readiness.yaml"), manifest("poc", 1)).unwrap();
    let (code, report) = check(d, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["manifests"][0]["stage"], "prod");
    assert_eq!(
        policy(&report),
        [warning("poc", "a change not committed yet")]
    );
    assert_eq!(items(&report), prod_failures);
    // Committed, then raised one step (prod, poc, mvp): the commit that left prod is named.
    commit("poc", 1, "Relax the readiness gate", "2026-11-02T10:00:00Z");
    commit("mvp", 1, "mvp", "2026-11-03T10:00:00Z");
    let id = git(
        d,
        &["rev-parse", "--short=7", "HEAD~1"],
        "2026-11-03T10:00:00Z",
    );
    let (code, report) = check(d, &[]);
    assert_eq!(code, 1, "{report:#}");
    let by = format!("commit {id} (\"Relax the readiness gate\", 2026-11-02)");
    assert_eq!(policy(&report), [warning("mvp", &by)]);
    assert_eq!(items(&report), prod_failures);
    // `--base` before the lowering: the stage is said once; a tier lowered since the base is
    // still a warning for reviewers.
    std::fs::write(d.join("readiness.yaml"), manifest("mvp", 3)).unwrap();
    let (_, report) = check(d, &["--base", "HEAD~2"]);
    assert_eq!(
        policy(&report),
        [
            warning("mvp", &by),
            (
                "warning".to_string(),
                "the tier is lowered since HEAD~2, from 1 to 3 (less critical): rules the policy keeps for tier 1 no longer apply".to_string(),
                2
            )
        ]
    );
    // Back at prod: nothing to say.
    std::fs::write(d.join("readiness.yaml"), manifest("prod", 1)).unwrap();
    assert!(policy(&check(d, &[]).1).is_empty());

    // A stage raised (poc, then mvp) is the lifecycle: checked at mvp, nothing said. A
    // manifest in a subdirectory, among other changes: the lowering is found as at the root.
    let fresh = tempfile::tempdir().unwrap();
    let f = fresh.path();
    git(f, &["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    let api = f.join("services/api");
    std::fs::create_dir_all(&api).unwrap();
    let step = |file: &Path, text: &str, message: &str| {
        std::fs::write(file, text).unwrap();
        git(f, &["add", "."], "2026-11-01T10:00:00Z");
        git(f, &["commit", "-q", "-m", message], "2026-11-02T10:00:00Z");
    };
    step(&api.join("readiness.yaml"), &manifest("poc", 2), "poc");
    step(&f.join("notes.md"), "one\n", "notes");
    step(&api.join("readiness.yaml"), &manifest("mvp", 2), "mvp");
    let (_, report) = check(&api, &[]);
    assert_eq!(report["manifests"][0]["stage"], "mvp");
    assert!(policy(&report).is_empty(), "{report:#}");
    step(&api.join("readiness.yaml"), &manifest("prod", 2), "prod");
    step(&f.join("notes.md"), "two\n", "more notes");
    step(
        &api.join("readiness.yaml"),
        &manifest("mmp", 2),
        "Call it mmp",
    );
    step(&api.join("notes.md"), "three\n", "api notes");
    let id = git(
        f,
        &["rev-parse", "--short=7", "HEAD~1"],
        "2026-11-03T10:00:00Z",
    );
    let (_, report) = check(&api, &[]);
    assert_eq!(report["manifests"][0]["stage"], "prod");
    let by = format!("commit {id} (\"Call it mmp\", 2026-11-02)");
    assert_eq!(policy(&report), [warning("mmp", &by)]);

    // The service moved after the lowering (`git mv`): its history is followed to the path it
    // had, and the lowering is still found.
    std::fs::create_dir_all(f.join("svc")).unwrap();
    git(
        f,
        &["mv", "services/api", "svc/api"],
        "2026-11-03T10:00:00Z",
    );
    git(
        f,
        &["commit", "-q", "-m", "Move api"],
        "2026-11-03T10:00:00Z",
    );
    let (_, report) = check(&f.join("svc/api"), &[]);
    assert_eq!(report["manifests"][0]["stage"], "prod", "{report:#}");
    assert_eq!(policy(&report), [warning("mmp", &by)]);
    // Moved and lowered in one change: that change is named.
    let text = std::fs::read_to_string(f.join("svc/api/readiness.yaml")).unwrap();
    let long = |stage: &str| {
        let comments: String = (0..20).map(|n| format!("# owner note {n}\n")).collect();
        format!("{comments}{}", manifest(stage, 2))
    };
    assert!(text.contains("stage: mmp"));
    step(
        &f.join("svc/api/readiness.yaml"),
        &long("prod"),
        "back at prod",
    );
    std::fs::create_dir_all(f.join("teams")).unwrap();
    git(f, &["mv", "svc/api", "teams/api"], "2026-11-03T10:00:00Z");
    std::fs::write(f.join("teams/api/readiness.yaml"), long("poc")).unwrap();
    git(f, &["add", "."], "2026-11-03T10:00:00Z");
    git(
        f,
        &["commit", "-q", "-m", "Move and relax"],
        "2026-11-04T10:00:00Z",
    );
    let id = git(
        f,
        &["rev-parse", "--short=7", "HEAD"],
        "2026-11-04T10:00:00Z",
    );
    let (_, report) = check(&f.join("teams/api"), &[]);
    assert_eq!(report["manifests"][0]["stage"], "prod", "{report:#}");
    let by = format!("commit {id} (\"Move and relax\", 2026-11-04)");
    let (severity, message, _) = warning("poc", &by);
    assert_eq!(policy(&report), [(severity, message, 22)]);
}

#[test]
fn promtool_agrees_with_the_rule_parsing() {
    let Some(promtool) = tool("promtool") else {
        return;
    };
    let rules = root().join("examples/dashboard-factory/monitoring/alerts.yaml");
    let (loaded, text) = promtool_check_rules(&promtool, &rules);
    assert!(loaded, "{text}");
    assert!(text.contains("SUCCESS: 2 rules found"), "{text}");
    let out = launchgate()
        .args([
            "check",
            "examples/dashboard-factory",
            "--format",
            "json",
            "--now",
            NOW,
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = common::finding(&report, "PROD-ALERTS-VERIFIED").clone();
    assert_eq!(f["outcome"], "pass");
}

/// A required alert whose `expr` selects no series: promtool (Prometheus's own loader) accepts
/// the file, so it is no LG-EVIDENCE finding, but the alert watches nothing, so
/// PROD-ALERTS-VERIFIED fails at its `expr`.
#[test]
fn an_alert_that_selects_no_series_loads_but_does_not_verify() {
    let Some(promtool) = tool("promtool") else {
        eprintln!("SKIPPED: promtool is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let example = root().join("examples/dashboard-factory");
    let original = std::fs::read_to_string(example.join("monitoring/alerts.yaml")).unwrap();
    let from = "time() - max(publication_job_last_success_timestamp_seconds) > 1800";
    assert!(original.contains(from));
    // (expr as written in the file, as the message quotes it, the line the finding points at
    // and the columns it marks there: a block scalar's first line of text)
    let cases = [
        ("vector(0)", "vector(0)", 15, (15, 24)),
        (
            "sum(vector(1)) > bool 2",
            "sum(vector(1)) > bool 2",
            15,
            (15, 38),
        ),
        (
            "|\n          vector(1)\n            > 2",
            "vector(1) > 2",
            16,
            (11, 20),
        ),
        // Pinned by `@` to a moment: Prometheus loads it, and it reads the same samples at
        // every evaluation.
        (
            "time() - max(publication_job_last_success_timestamp_seconds @ 1700000000) > 1800",
            "time() - max(publication_job_last_success_timestamp_seconds …",
            15,
            (15, 95),
        ),
    ];
    for (expr, quoted, line, (first, last)) in cases {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&example, dir.path());
        let rules = dir.path().join("monitoring/alerts.yaml");
        std::fs::write(&rules, original.replacen(from, expr, 1)).unwrap();
        let (loaded, said) = promtool_check_rules(&promtool, &rules);
        assert!(loaded, "promtool on {expr}: {said}");
        let (code, report) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{expr}");
        assert_eq!(outcome(&report, "LG-EVIDENCE").0, "pass", "{expr}");
        let f = common::finding(&report, "PROD-ALERTS-VERIFIED");
        assert_eq!(f["outcome"], "fail", "{expr}");
        assert_eq!(
            f["message"],
            format!(
                "alert `PublicationJobStalled` selects no series that change (`{quoted}`: no selector, or one pinned by `@` to a fixed time): it fires always or never, whatever the service does"
            )
        );
        assert_eq!(f["location"]["file"], "monitoring/alerts.yaml");
        assert_eq!(f["location"]["line"], line, "{expr}");
        assert_eq!(f["location"]["end_line"], line, "{expr}");
        assert_eq!(
            (&f["location"]["column"], &f["location"]["end_column"]),
            (&first.into(), &last.into()),
            "{expr}"
        );
    }
}

/// A counter of `telemetry.signals` compared as it stands is a running total since its
/// process started: a finding. A series the manifest does not call a counter is not, whatever
/// its name (exporters write gauges as `minio_cluster_drive_offline_total`), nor is a
/// counter's increase.
#[test]
fn an_alert_over_a_counters_running_total_fails_only_for_a_declared_counter() {
    let example = root().join("examples/dashboard-factory");
    let rules = std::fs::read_to_string(example.join("monitoring/alerts.yaml")).unwrap();
    let readiness = std::fs::read_to_string(example.join("readiness.yaml")).unwrap();
    let from = "sum(rate(template_build_failures_total[10m]))\n            / sum(rate(templates_generated_total[10m])) > 0.05";
    assert!(rules.contains(from));
    let counter = "- name: template_build_failures_total\n      kind: counter";
    assert!(readiness.contains(counter));
    let gauge = counter.replace("counter", "gauge");
    let no_total = counter.replace("failures_total", "failures");
    // (expr, the signal's kind, whether PROD-ALERTS-VERIFIED fails)
    let cases = [
        ("sum(template_build_failures_total) > 10", counter, true),
        (
            "template_build_failures_total{pack=\"web\"} >= 1",
            counter,
            true,
        ),
        // A histogram's count and a counter declared without its `_total` are counters too.
        (
            "sum(template_build_duration_seconds_count) > 100",
            counter,
            true,
        ),
        (
            "sum(template_build_failures_total) > 10",
            no_total.as_str(),
            true,
        ),
        (
            "sum(template_build_failures_total) > 10",
            gauge.as_str(),
            false,
        ),
        ("sum(minio_cluster_drive_offline_total) > 0", counter, false),
        (
            "sum(increase(template_build_failures_total[10m])) > 10",
            counter,
            false,
        ),
        (
            "sum(template_build_failures_total - template_build_failures_total offset 10m) > 10",
            counter,
            false,
        ),
    ];
    for (expr, kind, fails) in cases {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&example, dir.path());
        std::fs::write(
            dir.path().join("monitoring/alerts.yaml"),
            rules.replacen(from, expr, 1),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("readiness.yaml"),
            readiness.replacen(counter, kind, 1),
        )
        .unwrap();
        let (_, report) = check(dir.path(), &[]);
        let f = common::finding(&report, "PROD-ALERTS-VERIFIED");
        let message = f["message"].as_str().unwrap_or_default();
        if fails {
            assert_eq!(f["outcome"], "fail", "{expr}");
            assert!(
                message.starts_with("alert `TemplateCompileFailures` compares the running total of the counter `template_build_"),
                "{expr}: {message}"
            );
            assert_eq!(f["location"]["file"], "monitoring/alerts.yaml", "{expr}");
        } else {
            assert_eq!(f["outcome"], "pass", "{expr}: {message}");
        }
    }
}

/// A rule file of two YAML documents: promtool loads the first only ("1 rules found"), so the
/// alert after `---` does not exist for Prometheus. launchgate refuses the file at the `---`,
/// saying so, and the required alerts do not count as defined.
#[test]
fn a_rule_file_of_two_documents_is_refused_where_the_second_starts() {
    let Some(promtool) = tool("promtool") else {
        eprintln!("SKIPPED: promtool is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let example = root().join("examples/dashboard-factory");
    let original = std::fs::read_to_string(example.join("monitoring/alerts.yaml")).unwrap();
    let from = "      - alert: PublicationJobStalled\n";
    assert!(original.contains(from));
    let split = format!("---\ngroups:\n  - name: more\n    rules:\n{from}");
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&example, dir.path());
    let rules = dir.path().join("monitoring/alerts.yaml");
    std::fs::write(&rules, original.replacen(from, &split, 1)).unwrap();
    let (loaded, said) = promtool_check_rules(&promtool, &rules);
    assert!(loaded && said.contains("SUCCESS: 1 rules found"), "{said}");
    let (code, report) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    let f = common::finding(&report, "LG-EVIDENCE");
    assert_eq!(f["outcome"], "fail");
    assert_eq!(f["location"]["line"], 14, "at the `---`");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("Prometheus loads only the first document of a rule file"),
        "{f:#}"
    );
    assert_eq!(outcome(&report, "PROD-ALERTS-VERIFIED").0, "fail");
}

/// Edits of the example's rule file, each decided by promtool (Prometheus's own loader) and by
/// launchgate: a file promtool refuses is an LG-EVIDENCE failure located in it, and its alerts
/// do not count as defined (Prometheus would load none of them); a file it loads is neither.
#[test]
fn launchgate_refuses_the_rule_files_promtool_refuses() {
    let Some(promtool) = tool("promtool") else {
        eprintln!("SKIPPED: promtool is not installed (scripts/install-test-tools.sh)");
        return;
    };
    // (what, from, to, promtool refuses it): the last column is written from Prometheus's
    // rulefmt, then confirmed by promtool below.
    let cases: &[(&str, &str, &str, bool)] = &[
        ("unchanged", "", "", false),
        ("no `for`", "        for: 5m\n", "", false),
        (
            "`keep_firing_for`",
            "        for: 5m\n",
            "        for: 5m\n        keep_firing_for: 10m\n",
            false,
        ),
        ("`for: 0`", "        for: 5m\n", "        for: 0\n", false),
        ("`for: 0s`", "        for: 5m\n", "        for: 0s\n", false),
        (
            "`for: 1m500ms`",
            "        for: 5m\n",
            "        for: 1m500ms\n",
            false,
        ),
        (
            "`for: -5m`",
            "        for: 5m\n",
            "        for: -5m\n",
            true,
        ),
        (
            "`for: 30m1h`",
            "        for: 5m\n",
            "        for: 30m1h\n",
            true,
        ),
        (
            "no `expr`",
            "        expr: time() - max(publication_job_last_success_timestamp_seconds) > 1800\n",
            "",
            true,
        ),
        ("`[10min]`", "[10m]))\n", "[10min]))\n", true),
        (
            "`for: 5 minutes`",
            "        for: 5m\n",
            "        for: 5 minutes\n",
            true,
        ),
        (
            "`anotations:` misspelt",
            "        annotations:\n          summary: No publication",
            "        anotations:\n          summary: No publication",
            true,
        ),
        (
            "alert and record in one rule",
            "      - alert: PublicationJobStalled\n",
            "      - alert: PublicationJobStalled\n        record: stalled\n",
            true,
        ),
        (
            "no group name",
            "  - name: dashboard-factory\n",
            "  - interval: 1m\n",
            true,
        ),
        (
            "severity as a list",
            "          severity: page\n        annotations:\n          summary: No",
            "          severity: [page]\n        annotations:\n          summary: No",
            true,
        ),
    ];
    let example = root().join("examples/dashboard-factory");
    let original = std::fs::read_to_string(example.join("monitoring/alerts.yaml")).unwrap();
    for (what, from, to, refused) in cases {
        assert!(
            original.contains(from),
            "{what}: `{from}` not in the rule file"
        );
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&example, dir.path());
        let rules = dir.path().join("monitoring/alerts.yaml");
        std::fs::write(&rules, original.replacen(from, to, 1)).unwrap();
        let (loaded, said) = promtool_check_rules(&promtool, &rules);
        assert_eq!(!loaded, *refused, "promtool on {what}: {said}");
        let (_, report) = check(dir.path(), &[]);
        let evidence: Vec<&Value> = report["manifests"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["item"] == "LG-EVIDENCE" && f["outcome"] == "fail")
            .collect();
        let verified = outcome(&report, "PROD-ALERTS-VERIFIED").0;
        if *refused {
            assert!(
                !evidence.is_empty()
                    && evidence.iter().all(|f| f["location"]["file"]
                        .as_str()
                        .is_some_and(|p| p.ends_with("monitoring/alerts.yaml"))),
                "{what}: {evidence:#?}"
            );
            assert_eq!(verified, "fail", "{what}");
        } else {
            assert!(evidence.is_empty(), "{what}: {evidence:#?}");
            assert_eq!(verified, "pass", "{what}");
        }
    }
}

/// The example's rule file as a Prometheus Operator `PrometheusRule` resource: its alerts count
/// as they do in the file, Thanos's `partial_response_strategy` is the operator's to drop, and
/// what the operator refuses (or a resource of another version) fails as Prometheus's refusals do.
#[test]
fn a_prometheus_rule_resource_counts_as_its_groups() {
    let example = root().join("examples/dashboard-factory");
    let original = std::fs::read_to_string(example.join("monitoring/alerts.yaml")).unwrap();
    let spec: String = original.lines().map(|l| format!("  {l}\n")).collect();
    let resource = |api: &str, spec: &str| {
        format!(
            "apiVersion: {api}\nkind: PrometheusRule\nmetadata:\n  name: dashboard-factory\n  labels: {{ role: alert-rules }}\nspec:\n{spec}"
        )
    };
    let v1 = "monitoring.coreos.com/v1";
    let group = "  - name: dashboard-factory\n";
    assert!(spec.contains(group) && spec.contains("annotations:"));
    let cases = [
        ("the resource", resource(v1, &spec), true),
        (
            "with Thanos's partial_response_strategy",
            resource(
                v1,
                &spec.replacen(
                    group,
                    &format!("{group}      partial_response_strategy: warn\n"),
                    1,
                ),
            ),
            true,
        ),
        (
            "`annotations` misspelt",
            resource(v1, &spec.replacen("annotations:", "anotations:", 1)),
            false,
        ),
        (
            "another apiVersion",
            resource("monitoring.coreos.com/v1beta1", &spec),
            false,
        ),
    ];
    for (what, text, loads) in cases {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&example, dir.path());
        std::fs::write(dir.path().join("monitoring/alerts.yaml"), text).unwrap();
        let (_, report) = check(dir.path(), &[]);
        let evidence: Vec<String> = report["manifests"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["item"] == "LG-EVIDENCE" && f["outcome"] == "fail")
            .map(|f| format!("{}: {}", f["location"]["file"], f["message"]))
            .collect();
        let (verified, message) = outcome(&report, "PROD-ALERTS-VERIFIED");
        if loads {
            assert_eq!(evidence, Vec::<String>::new(), "{what}");
            assert_eq!(verified, "pass", "{what}: {message}");
        } else {
            assert!(
                !evidence.is_empty()
                    && evidence
                        .iter()
                        .all(|e| e.contains("monitoring/alerts.yaml")),
                "{what}: {evidence:#?}"
            );
            assert_eq!(verified, "fail", "{what}: {message}");
        }
    }
}

#[test]
fn changed_since_checks_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"], "2026-11-01T10:00:00Z");
    let m = "version: 1\nservice: { name: svc, stage: poc }\nchecklists: []\nrunbooks:\n  rollback: rollback.md\n";
    write_tree(
        d,
        &[
            ("a/readiness.yaml", m),
            ("a/rollback.md", "# A\n"),
            ("b/readiness.yaml", m),
            ("b/rollback.md", "# B\n"),
        ],
    );
    git(d, &["add", "."], "2026-11-01T10:00:00Z");
    git(d, &["commit", "-q", "-m", "one"], "2026-11-01T10:00:00Z");
    let (code, report) = check(d, &["--changed-since", "HEAD"]);
    assert_eq!(
        (code, report["summary"]["manifests"].as_u64()),
        (0, Some(0)),
        "{report:#}"
    );
    std::fs::write(d.join("b/rollback.md"), "# B, revised\n").unwrap();
    let (code, report) = check(d, &["--changed-since", "HEAD"]);
    assert_eq!(code, 0);
    let paths: Vec<&str> = report["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["b/readiness.yaml"]);
    git(d, &["commit", "-q", "-am", "two"], "2026-11-02T10:00:00Z");
    let work = tempfile::tempdir().unwrap();
    git(
        work.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &format!("file://{}", d.display()),
            "s",
        ],
        "2026-11-02T10:00:00Z",
    );
    let out = launchgate()
        .current_dir(work.path().join("s"))
        .args(["check", ".", "--changed-since", "HEAD~1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fetch-depth: 0"));
}

/// "Tracked" means in the index, as `git ls-files` says: a staged new file is, a file removed
/// with `git rm --cached` is not, and so it stays with a split index, index version 4 and in a
/// worktree (its own index). An index that cannot be read leaves the facts unknown, with why.
#[test]
fn tracked_means_in_the_index() {
    let item = |id: &str, purpose: &str| {
        format!(
            "  - id: {id}\n    title: t\n    severity: error\n    why: w\n    fix: f\n    require:\n      - {{ rule: 'file(manifest.runbooks.{purpose}.path).git.tracked', at: runbooks.{purpose}, message: 'untracked' }}\n"
        )
    };
    let checklist = format!(
        "version: 1\nname: tracked\ntitle: Tracked\nitems:\n{}{}{}{}  - id: T-AGE\n    title: t\n    severity: error\n    why: w\n    fix: f\n    require:\n      - {{ rule: 'file_age_days(manifest.runbooks.rollback.path) < 30', at: runbooks.rollback, message: 'old' }}\n  - id: T-UNREFERENCED\n    title: t\n    severity: error\n    why: w\n    fix: f\n    require:\n      - {{ rule: 'file_age_days(\"elsewhere.md\") < 30', message: 'unknown' }}\n",
        item("T-COMMITTED", "rollback"),
        item("T-STAGED", "incident"),
        item("T-UNTRACKED", "support"),
        item("T-REMOVED", "monitoring"),
    );
    let m = "version: 1\nservice: { name: svc, stage: poc }\nchecklists: [tracked.yaml]\nrunbooks:\n  rollback: rollback.md\n  incident: incident.md\n  support: support.md\n  monitoring: monitoring.md\n";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let at = "2026-11-20T10:00:00Z";
    git(d, &["init", "-q", "-b", "main"], at);
    write_tree(
        d,
        &[
            ("tracked.yaml", &checklist),
            ("readiness.yaml", m),
            ("rollback.md", "# Rollback\n"),
            ("monitoring.md", "# Monitoring\n"),
        ],
    );
    git(d, &["add", "."], at);
    git(d, &["commit", "-q", "-m", "one"], at);
    write_tree(
        d,
        &[
            ("incident.md", "# Incident\n"),
            ("support.md", "# Support\n"),
        ],
    );
    git(d, &["add", "incident.md"], at);
    git(d, &["rm", "-q", "--cached", "monitoring.md"], at);
    let expected = [
        ("T-COMMITTED", "pass"),
        ("T-STAGED", "pass"),
        ("T-UNTRACKED", "fail"),
        ("T-REMOVED", "fail"),
        ("T-AGE", "pass"),
        ("T-UNREFERENCED", "fail"),
    ];
    let outcomes = |dir: &Path| {
        let (code, report) = check(dir, &[]);
        assert_eq!(code, 1, "{report:#}");
        expected.map(|(id, _)| (id, outcome(&report, id).0))
    };
    let want = expected.map(|(id, o)| (id, o.to_string()));
    assert_eq!(outcomes(d), want, "plain index");
    let (_, report) = check(d, &[]);
    let unreferenced = common::finding(&report, "T-UNREFERENCED")["evidence"].to_string();
    assert!(
        unreferenced.contains("the manifest does not reference it"),
        "{unreferenced}"
    );
    git(d, &["update-index", "--split-index"], at);
    assert!(d.join(".git").read_dir().unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("sharedindex.")
    }));
    assert_eq!(outcomes(d), want, "split index");
    let out = launchgate()
        .current_dir(d)
        .args(["check", ".", "--now", NOW, "--changed-since", "HEAD"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("git update-index --no-split-index"),
        "{stderr}"
    );
    git(
        d,
        &["update-index", "--no-split-index", "--index-version", "4"],
        at,
    );
    assert_eq!(outcomes(d), want, "index version 4");

    // A worktree has its own index: HEAD's files, nothing staged.
    let wt = d.join("wt");
    git(d, &["worktree", "add", "-q", wt.to_str().unwrap()], at);
    write_tree(
        &wt,
        &[
            ("incident.md", "# Incident\n"),
            ("support.md", "# Support\n"),
        ],
    );
    let (_, report) = check(&wt, &[]);
    let got =
        ["T-COMMITTED", "T-STAGED", "T-UNTRACKED", "T-REMOVED"].map(|id| outcome(&report, id).0);
    assert_eq!(got, ["pass", "fail", "fail", "pass"], "{report:#}");

    // A corrupt index: no file is believed tracked, and the age says why it is unknown.
    std::fs::write(d.join(".git/index"), b"DIRC\0\0\0\x02garbage").unwrap();
    let (code, report) = check(d, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(outcome(&report, "T-COMMITTED").0, "fail");
    let age = common::finding(&report, "T-AGE");
    assert_eq!(age["outcome"], "fail");
    assert!(
        age["evidence"]
            .to_string()
            .contains("cannot read the git index"),
        "{age:#}"
    );
}

/// A repository with no commit yet (just `git init`): nothing can be an earlier release, and
/// the message says why instead of asking for tags.
#[test]
fn a_repository_without_commits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::copy_dir(&root().join("examples/dashboard-factory"), d);
    git(d, &["init", "-q", "-b", "main"], "2026-11-20T10:00:00Z");
    git(d, &["add", "readiness.yaml"], "2026-11-20T10:00:00Z");
    let (code, report) = check(d, &[]);
    assert_eq!(code, 1, "{report:#}");
    let (outcome, message) = outcome(&report, "PROD-KNOWN-GOOD");
    assert_eq!(outcome, "fail");
    assert!(
        message.ends_with("the repository has no commits yet"),
        "{message}"
    );
}

/// An alert's `runbook_url` that links this repository's own runbook on its code host is that
/// file: in a monorepo (the service in `services/dash/`, the link from the repository's root,
/// on a branch with a slash) it is the manifest's runbook and passes; linking another runbook
/// of the repository fails as a path would; a link to a file this repository lacks (another
/// repository's) cannot be compared and stays a URL.
#[test]
fn a_code_host_link_to_a_runbook_is_compared_as_its_file() {
    let example = root().join("examples/dashboard-factory");
    let rules = std::fs::read_to_string(example.join("monitoring/alerts.yaml")).unwrap();
    let from = "runbook_url: runbooks/publication-stalled.md";
    assert!(rules.contains(from));
    let host = "https://github.com/acme/mono/blob/release/2.0";
    for (link, expected) in [
        (
            format!("{host}/services/dash/runbooks/publication-stalled.md#steps"),
            "pass",
        ),
        (format!("{host}/services/dash/runbooks/rollback.md"), "fail"),
        (format!("{host}/runbooks/publication-stalled.md"), "pass"),
        // Only from the repository's root: `docs/` is beside `services/`, not in the service.
        (format!("{host}/docs/stalled.md"), "fail"),
        (
            "https://wiki.acme.dev/ops/publication-stalled".to_string(),
            "pass",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let service = dir.path().join("services/dash");
        common::copy_dir(&example, &service);
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/stalled.md"), "# Stalled\n").unwrap();
        let edited = rules.replacen(from, &format!("runbook_url: {link}"), 1);
        std::fs::write(service.join("monitoring/alerts.yaml"), edited).unwrap();
        let (_, report) = check(&service, &[]);
        let (got, message) = outcome(&report, "PROD-ALERTS-VERIFIED");
        assert_eq!(got, expected, "{link}: {message}");
        if expected == "fail" {
            assert!(
                message.contains("while the manifest names `runbooks/publication-stalled.md`")
                    || message.contains("(`docs/stalled.md` in this repository) has 1 words"),
                "{message}"
            );
        }
    }
}

/// The example with `from` in its rule file replaced by `to` and the rule test `test` beside
/// it: whether `promtool test rules` passes (the alert fires as the test expects), checked
/// against `fires`, and PROD-ALERTS-VERIFIED's outcome and message.
fn promtool_and_launchgate(
    promtool: &Path,
    from: &str,
    to: &str,
    test: &str,
    fires: bool,
) -> String {
    let example = root().join("examples/dashboard-factory");
    let rules = std::fs::read_to_string(example.join("monitoring/alerts.yaml")).unwrap();
    assert!(rules.contains(from));
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&example, dir.path());
    let edited = rules.replacen(from, to, 1);
    std::fs::write(dir.path().join("monitoring/alerts.yaml"), edited).unwrap();
    std::fs::write(dir.path().join("monitoring/test.yaml"), test).unwrap();
    let out = std::process::Command::new(promtool)
        .args(["test", "rules", "test.yaml"])
        .current_dir(dir.path().join("monitoring"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.success(),
        fires,
        "promtool on `{to}`: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (_, report) = check(dir.path(), &[]);
    let (outcome, message) = outcome(&report, "PROD-ALERTS-VERIFIED");
    let expected = if fires { "pass" } else { "fail" };
    assert_eq!(outcome, expected, "`{to}`: {message}");
    message
}

/// Alerts muted by a part that reads no series, run by Prometheus's own rule tests
/// (`promtool test rules`, failures rising at 50% of builds): the plain ratio fires; muted
/// with `unless vector(1)` (the ratio of two sums has no labels), `unless on() vector(1)` or
/// `and on() vector(0) > 1` it never does, and launchgate says so; `unless vector(0) > 1`
/// removes nothing, and launchgate passes it.
#[test]
fn muted_alerts_are_decided_as_promtool_runs_them() {
    let Some(promtool) = tool("promtool") else {
        eprintln!("SKIPPED: promtool is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let from = "/ sum(rate(templates_generated_total[10m])) > 0.05";
    let test = "rule_files: [alerts.yaml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: 'template_build_failures_total{job=\"a\"}'\n        values: '0+10x40'\n      - series: 'templates_generated_total{job=\"a\"}'\n        values: '0+20x40'\n    alert_rule_test:\n      - eval_time: 30m\n        alertname: TemplateCompileFailures\n        exp_alerts:\n          - exp_labels: {severity: page}\n            exp_annotations: {summary: More than 5% of template builds fail., runbook_url: runbooks/template-compile-failures.md}\n";
    for (muting, fires) in [
        ("", true),
        (" unless vector(1)", false),
        (" unless on() vector(1)", false),
        (" and on() vector(0) > 1", false),
        (" unless vector(0) > 1", true),
    ] {
        let to = format!("{from}{muting}");
        let message = promtool_and_launchgate(&promtool, from, &to, test, fires);
        if !fires {
            assert!(message.contains("never fires"), "{message}");
        }
    }
}

/// A share of a total (failed builds over all builds, half failing) compared with a number,
/// run by `promtool test rules`: `> 0.05` and `* 100 > 5` fire; `> 5` (5 meant as 5%) and
/// `* 100 > 100` never do, whatever the share, and launchgate says so.
#[test]
fn a_share_compared_beyond_one_never_fires_as_promtool_runs_it() {
    let Some(promtool) = tool("promtool") else {
        eprintln!("SKIPPED: promtool is not installed (scripts/install-test-tools.sh)");
        return;
    };
    let from = "sum(rate(template_build_failures_total[10m]))\n            / sum(rate(templates_generated_total[10m])) > 0.05";
    let share = "(sum(rate(templates_generated_total{result=\"failed\"}[10m]))\n            / sum(rate(templates_generated_total[10m])))";
    let test = "rule_files: [alerts.yaml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n      - series: 'templates_generated_total{job=\"a\",result=\"failed\"}'\n        values: '0+10x40'\n      - series: 'templates_generated_total{job=\"a\",result=\"ok\"}'\n        values: '0+10x40'\n    alert_rule_test:\n      - eval_time: 30m\n        alertname: TemplateCompileFailures\n        exp_alerts:\n          - exp_labels: {severity: page}\n            exp_annotations: {summary: More than 5% of template builds fail., runbook_url: runbooks/template-compile-failures.md}\n";
    for (comparison, fires) in [
        (" > 0.05", true),
        (" * 100 > 5", true),
        (" > 5", false),
        (" * 100 > 100", false),
    ] {
        let to = format!("{share}{comparison}");
        let message = promtool_and_launchgate(&promtool, from, &to, test, fires);
        if !fires {
            assert!(
                message.contains("a share") && message.contains("never fires"),
                "{message}"
            );
        }
    }
}

/// A runbook that exists on this machine but that git does not track (never added, or
/// ignored) is an `LG-PATH` warning: the check would pass here and fail in CI's checkout. Once
/// staged it is tracked; a dashboard git does not track is not asked (some teams generate them
/// in CI).
#[test]
fn an_untracked_runbook_is_a_warning() {
    let dir = common::example_repo();
    let d = dir.path();
    let manifest = d.join("readiness.yaml");
    // Copies `from` to `to` and names the copy in the manifest instead.
    let name_a_copy = |from: &str, to: &str| {
        std::fs::copy(d.join(from), d.join(to)).unwrap();
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(
            &manifest,
            text.replace(&format!(": {from}"), &format!(": {to}")),
        )
        .unwrap();
    };
    name_a_copy("runbooks/monitoring.md", "runbooks/watching.md");
    let line = common::line_of(
        &std::fs::read_to_string(&manifest).unwrap(),
        "monitoring: runbooks/watching.md",
    );
    let warned = |report: &Value| -> Vec<(u64, String)> {
        report["manifests"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["item"] == "LG-PATH" && f["severity"] == "warning")
            .map(|f| {
                (
                    f["location"]["line"].as_u64().unwrap(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let expected = [(
        line,
        "`runbooks/watching.md` exists here, but git does not track it (never added, or ignored): the repository does not hold it, so CI's checkout, reviewers and whoever is paged do not have it".to_string(),
    )];
    let (code, report) = common::check_json(d);
    assert_eq!(warned(&report), expected);
    assert_eq!(code, 0, "a warning does not block: {report:#}");
    // Ignored: the same.
    std::fs::write(d.join(".gitignore"), "runbooks/watching.md\n").unwrap();
    assert_eq!(warned(&common::check_json(d).1), expected);
    // Staged (`git add -f` past the ignore): tracked.
    common::git(d, &["add", "-f", "runbooks/watching.md"]);
    assert_eq!(warned(&common::check_json(d).1), []);
    // A dashboard git does not track: not asked.
    name_a_copy("dashboards/template-pipeline.json", "dashboards/built.json");
    let (code, report) = common::check_json(d);
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert_eq!(text.matches("dashboard: dashboards/built.json").count(), 3);
    assert_eq!(warned(&report), []);
    assert_eq!(code, 0);
}

/// A runbook names something of its own service, however it is written: the monitoring
/// runbook a signal, dashboard (path, file name or title) or alert; the support runbook the
/// service, a person, a contact or a channel; the rollback runbook the known-good release (by
/// its name, not in the words every rollback runbook writes) or any of that; an alert's runbook its alert (by name or in words); the rehearsal notes a
/// runbook's file, an alert or a person. One that names nothing fails its item.
#[test]
fn a_runbook_names_something_of_its_own_service() {
    let example = root().join("examples/dashboard-factory");
    let monitoring = "# Monitoring\n\n## Watching\n\n1. Open {} and compare the last day with the week before.\n2. Page on-call when the failure rate stays high for ten minutes.\n";
    let support = "# Support\n\nSupport answers questions during business hours and keeps every answer in the ticket, so the next person can read what was tried.\n\n## Routing\n\n1. Reproduce the report with the user's own steps and data.\n2. File defects with the steps, the expected and the actual result.\n3. Outages go to {}.\n";
    let alert = "# {}\n\nNo publication job finished for half an hour: packs wait in the queue.\n\n## Steps\n\n1. Restart the worker and rerun the oldest job in the queue.\n";
    let rollback = "# Rollback\n\n## Steps\n\n1. Pause publication before anything else is done.\n2. Revert to {} and watch the deploy finish.\n3. Resume publication once the deploy is healthy.\n";
    let notes = "# Tabletop, 2026-11-10\n\nScenario: launch day, {}, while the review queue grows.\n\n## Findings\n\n1. Nobody knew who posts status updates. Resolved: the comms lead is named.\n";
    let restore = "# Restore\n\n## Steps\n\n1. Stop writes and restore {} from the last snapshot.\n2. Compare the row counts with the snapshot's manifest.\n3. Resume writes once the counts match.\n";
    for (file, template, named, item, expected) in [
        (
            "restore",
            restore,
            "the Template Store",
            "PROD-BACKUP-RESTORE",
            "pass",
        ),
        (
            "restore",
            restore,
            "the publication history",
            "PROD-BACKUP-RESTORE",
            "pass",
        ),
        (
            "restore",
            restore,
            "the database, telling `#dash-support`",
            "PROD-BACKUP-RESTORE",
            "pass",
        ),
        (
            "restore",
            restore,
            "the database",
            "PROD-BACKUP-RESTORE",
            "fail",
        ),
        (
            "restore",
            restore,
            "the store and the queue",
            "PROD-BACKUP-RESTORE",
            "fail",
        ),
        (
            "tabletop-2026-11-10",
            notes,
            "a publication job stalls",
            "LAUNCH-REHEARSAL",
            "pass",
        ),
        (
            "tabletop-2026-11-10",
            notes,
            "we opened `Publication-Stalled.md`",
            "LAUNCH-REHEARSAL",
            "pass",
        ),
        (
            "tabletop-2026-11-10",
            notes,
            "`@dash-leads` was paged",
            "LAUNCH-REHEARSAL",
            "pass",
        ),
        (
            "tabletop-2026-11-10",
            notes,
            "we opened the incident-response runbook",
            "LAUNCH-REHEARSAL",
            "fail",
        ),
        // Words every service's rollback runbook writes (another service's too).
        (
            "rollback",
            rollback,
            "the known-good release",
            "LAUNCH-RUNBOOKS",
            "fail",
        ),
        (
            "rollback",
            rollback,
            "commit `59d812e`",
            "LAUNCH-RUNBOOKS",
            "pass",
        ),
        ("rollback", rollback, "`v1.4.2`", "LAUNCH-RUNBOOKS", "fail"),
        (
            "rollback",
            rollback,
            "the release before, paging `@dash-leads` when stuck",
            "LAUNCH-RUNBOOKS",
            "pass",
        ),
        (
            "rollback",
            rollback,
            "the previous release",
            "LAUNCH-RUNBOOKS",
            "fail",
        ),
        (
            "publication-stalled",
            alert,
            "Stalled publications",
            "PROD-MONITORING",
            "pass",
        ),
        (
            "publication-stalled",
            alert,
            "PUBLICATIONJOBSTALLED",
            "PROD-MONITORING",
            "pass",
        ),
        (
            "publication-stalled",
            alert,
            "When @bob is paged",
            "PROD-MONITORING",
            "pass",
        ),
        (
            "publication-stalled",
            alert,
            "When you are paged",
            "PROD-MONITORING",
            "fail",
        ),
        (
            "monitoring",
            monitoring,
            "the Template Pipeline dashboard",
            "LAUNCH-RUNBOOKS",
            "pass",
        ),
        (
            "monitoring",
            monitoring,
            "`template-pipeline.json`",
            "LAUNCH-RUNBOOKS",
            "pass",
        ),
        (
            "monitoring",
            monitoring,
            "the `PublicationJobStalled` alert's panel",
            "LAUNCH-RUNBOOKS",
            "pass",
        ),
        (
            "monitoring",
            monitoring,
            "TEMPLATES_GENERATED_TOTAL",
            "LAUNCH-RUNBOOKS",
            "pass",
        ),
        (
            "monitoring",
            monitoring,
            "the service's dashboard",
            "LAUNCH-RUNBOOKS",
            "fail",
        ),
        (
            "monitoring",
            monitoring,
            "the dashboard-factory overview",
            "LAUNCH-RUNBOOKS",
            "fail",
        ),
        (
            "support",
            support,
            "the Dashboard Factory team",
            "PROD-SUPPORT-RUNBOOK",
            "pass",
        ),
        (
            "support",
            support,
            "`#DASH-ONCALL`",
            "PROD-SUPPORT-RUNBOOK",
            "pass",
        ),
        ("support", support, "@bob", "PROD-SUPPORT-RUNBOOK", "pass"),
        (
            "support",
            support,
            "the on-call engineer",
            "PROD-SUPPORT-RUNBOOK",
            "fail",
        ),
        (
            "support",
            support,
            "#orders-oncall",
            "PROD-SUPPORT-RUNBOOK",
            "fail",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&example, dir.path());
        let text = template.replace("{}", named);
        std::fs::write(dir.path().join(format!("runbooks/{file}.md")), &text).unwrap();
        let (_, report) = check(dir.path(), &[]);
        let (got, message) = outcome(&report, item);
        assert_eq!(got, expected, "{file} naming {named}: {message}");
        if expected == "fail" {
            assert!(
                message.contains(&format!("runbook `runbooks/{file}.md` name"))
                    || message.contains(&format!("notes `runbooks/{file}.md` name")),
                "{message}"
            );
        }
    }
}

/// The example at `mvp`, outside a repository (so no history says it was `prod`), and its
/// manifest's text. Only the launch checklist applies there (the production one starts at
/// `mmp`): its items alone stand between a launch and what the production items would catch.
/// The example passes there, `launch` among its items, and `production` does not apply.
fn example_at_mvp(launch: &str, production: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&root().join("examples/dashboard-factory"), dir.path());
    let manifest = dir.path().join("readiness.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text = text.replace("  stage: prod\n", "  stage: mvp\n");
    std::fs::write(&manifest, &text).unwrap();
    let (code, report) = common::check_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(common::finding(&report, launch)["outcome"], "pass");
    assert!(common::findings_of(&report, production).is_empty());
    (dir, text)
}

/// Writes `text` to `file` of `dir` and checks it: the exit code and every failure, as
/// (item, line, message).
fn write_and_check(dir: &Path, file: &str, text: &str) -> (i32, Vec<(String, u64, String)>) {
    std::fs::write(dir.join(file), text).unwrap();
    let (code, report) = common::check_json(dir);
    (code, failures(&report))
}

#[test]
fn at_mvp_a_one_level_escalation_path_fails_the_launch_item() {
    let (dir, text) = example_at_mvp("LAUNCH-ESCALATION", "PROD-ONCALL");
    let one = text
        .lines()
        .filter(|l| !l.contains("{ level: 2,") && !l.contains("{ level: 3,"))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    assert_eq!(text.lines().count(), one.lines().count() + 2);
    assert_eq!(
        write_and_check(dir.path(), "readiness.yaml", &one),
        (
            1,
            vec![(
                "LAUNCH-ESCALATION".to_string(),
                common::line_of(&one, "escalation:"),
                "the escalation path has one level (`#dash-oncall`): whoever it pages has nobody to escalate to; add a level 2 that reaches someone else, engaged later".to_string()
            )]
        )
    );
}

#[test]
fn at_mvp_a_dashboard_charting_other_metrics_fails_the_launch_item() {
    let (dir, text) = example_at_mvp("LAUNCH-DASHBOARDS", "PROD-DASHBOARDS-VERIFIED");

    // Another service's dashboard copied under the name the manifest gives: valid JSON,
    // Prometheus panels, and none of them reads a signal of this one.
    let board = dir.path().join("dashboards/template-pipeline.json");
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(&board).unwrap()).unwrap();
    let mut queries = 0;
    for panel in json["panels"].as_array_mut().unwrap() {
        for target in panel["targets"].as_array_mut().into_iter().flatten() {
            target["expr"] = "sum(rate(http_requests_total{job=\"checkout\"}[5m]))".into();
            queries += 1;
        }
    }
    assert!(queries >= 3, "{queries} queries rewritten");
    std::fs::write(&board, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let (code, report) = common::check_json(dir.path());
    assert_eq!(code, 1, "{report:#}");
    let dashboard_lines: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "dashboard: dashboards/template-pipeline.json")
        .map(|(i, _)| i as u64 + 1)
        .collect();
    assert_eq!(dashboard_lines.len(), 3);
    let failed = failures(&report);
    assert_eq!(
        failed
            .iter()
            .map(|(item, line, _)| (item.as_str(), *line))
            .collect::<Vec<_>>(),
        dashboard_lines
            .iter()
            .map(|l| ("LAUNCH-DASHBOARDS", *l))
            .collect::<Vec<_>>(),
        "{failed:#?}"
    );
    for (signal, (_, _, message)) in [
        "templates_generated_total",
        "template_build_duration_seconds",
        "template_build_failures_total",
    ]
    .iter()
    .zip(&failed)
    {
        assert!(
            message.starts_with(&format!(
                "signal `{signal}` names `dashboards/template-pipeline.json`"
            )) && message.contains("no panel there queries it"),
            "{message}"
        );
    }
}

/// The launch package asks for rollback *steps*; at `mvp` PROD-ROLLBACK-TESTED does not apply.
#[test]
fn at_mvp_a_rollback_runbook_of_prose_fails_the_launch_item() {
    let (dir, text) = example_at_mvp("LAUNCH-RUNBOOKS", "PROD-ROLLBACK-TESTED");
    let prose = "# Rollback: dashboard factory\n\nIf a release of the dashboard factory goes wrong, we revert it to the known-good release v1.4.2\nand watch `templates_generated_total` recover on the Template pipeline dashboard. Ask in\n#dash-oncall when unsure.\n";
    assert_eq!(
        write_and_check(dir.path(), "runbooks/rollback.md", prose),
        (
            1,
            vec![(
                "LAUNCH-RUNBOOKS".to_string(),
                common::line_of(&text, "rollback: runbooks/rollback.md"),
                "the rollback runbook `runbooks/rollback.md` has 0 numbered items, 0 real steps; the launch needs rollback steps, at least 2: a step needs at least 3 words of its own and no placeholder (TODO, TBD, FIXME, xxx, <...>), and a step repeated word for word counts once".to_string()
            )]
        )
    );
    // Two real steps are enough: the prose above them stays.
    let steps = format!(
        "{prose}\n## Steps\n\n1. Revert the release: `git revert <commit>` on `main`.\n2. Watch `templates_generated_total` recover on the dashboard.\n"
    );
    assert_eq!(
        write_and_check(dir.path(), "runbooks/rollback.md", &steps),
        (0, vec![])
    );
}

/// LAUNCH-RUNBOOKS asks for an incident runbook "with escalation"; at `mvp`
/// PROD-INCIDENT-RESPONSE, which reads that section at `mmp` and `prod`, does not apply.
#[test]
fn at_mvp_an_incident_runbook_without_escalation_fails_the_launch_item() {
    let (dir, text) = example_at_mvp("LAUNCH-RUNBOOKS", "PROD-INCIDENT-RESPONSE");
    let runbook = dir.path().join("runbooks/incident-response.md");
    let original = std::fs::read_to_string(&runbook).unwrap();
    let table = "| level | who | when |\n| --- | --- | --- |\n| 1 | `#dash-oncall` (primary on call) | immediately |\n| 2 | `@dash-leads` | after 15 minutes without mitigation |\n| 3 | `@platform-director` | after 1 hour, or any data loss |\n";
    assert!(original.contains(table));
    let line = common::line_of(&text, "incident: runbooks/incident-response.md");
    let check = |runbook_text: String| {
        write_and_check(dir.path(), "runbooks/incident-response.md", &runbook_text)
    };
    let message = |says: &str| {
        format!(
            "the incident runbook `runbooks/incident-response.md` {says}: whoever is paged looks there for whom to engage next, and when; write the levels of `owners.escalation` there, each with its contact and delay"
        )
    };
    assert_eq!(
        check(original.replace("## Escalation", "## Contacts")),
        (
            1,
            vec![(
                "LAUNCH-RUNBOOKS".to_string(),
                line,
                message("has no escalation section (a heading containing \"Escalation\")")
            )]
        )
    );
    assert_eq!(
        check(original.replace(table, "Call leads.\n")),
        (
            1,
            vec![(
                "LAUNCH-RUNBOOKS".to_string(),
                line,
                message("has 2 words under its escalation heading")
            )]
        )
    );
    // Three words are the least that can say who comes next.
    assert_eq!(
        check(original.replace(table, "Call the leads.\n")),
        (0, vec![])
    );
}
