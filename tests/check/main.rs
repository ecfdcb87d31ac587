//! `launchgate check` end to end: the examples, one failing case per checklist item and per
//! schema section (`cases`), exit codes, and the other commands.

mod cases;
#[path = "../common/mod.rs"]
mod common;

use common::{NOW, check_json, example_with, failures, launchgate, line_of, root};
use serde_json::Value;

#[test]
fn the_example_passes() {
    launchgate()
        .args(["check", "examples/dashboard-factory", "--now", NOW])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("verdict: PASS"));
}

/// The README says until when the example passes with the clock: that day's last second
/// passes and the next day's first fails, so the sentence cannot drift from the checklists.
#[test]
fn the_example_ages_out_on_the_day_the_readme_says() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let last = "2027-01-09";
    assert!(
        readme.contains(&format!("the example passes until\n{last} (UTC)")),
        "README no longer names {last} as the example's last passing day"
    );
    for (now, code) in [("2027-01-09T23:59:59Z", 0), ("2027-01-10T00:00:00Z", 1)] {
        launchgate()
            .args(["check", "examples/dashboard-factory", "--now", now])
            .assert()
            .code(code);
    }
}

#[test]
fn the_repository_itself_passes() {
    launchgate()
        .args(["check", ".", "--now", NOW])
        .assert()
        .code(0);
}

#[test]
fn the_example_report_is_valid_against_the_report_schema() {
    let (code, report) = check_json(&root().join("examples/dashboard-factory"));
    assert_eq!(code, 0);
    assert_eq!(report["verdict"], "pass");
    let errors = common::report_schema_errors(&report);
    assert!(errors.is_empty(), "{errors:?}");
    // The example lives in this repository, so the root `.launchgate.yaml` governs it: both
    // checklists it lists are required for stage prod (lines 9 and 12 of the policy).
    let applied: Vec<(&str, &str, &str)> = report["manifests"][0]["checklists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap(),
                c["source"].as_str().unwrap(),
                c["required_by"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        applied,
        [
            ("production", "policy", ".launchgate.yaml:9"),
            ("launch", "policy", ".launchgate.yaml:12")
        ]
    );
}

#[test]
fn not_ready_fails_with_every_finding_located() {
    let (code, report) = check_json(&root().join("examples/not-ready/readiness.yaml"));
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(root().join("examples/not-ready/readiness.yaml")).unwrap();
    let got = failures(&report);
    let expect = [
        ("LAUNCH-OWNERS", "secondary: \"@erin\""),
        (
            "PROD-DASHBOARDS-VERIFIED",
            "dashboard: dashboards/reports.json",
        ),
        // The same rule, in the launch checklist from `mvp` on.
        ("LAUNCH-DASHBOARDS", "dashboard: dashboards/reports.json"),
        ("LG-PATH", "support: runbooks/support.md"),
        ("PROD-ROLLBACK-5MIN", "max_minutes: 30"),
        ("PROD-ROLLBACK-TESTED", "last_tested: 2026-03-02"),
        ("PROD-BACKUP-RESTORE", "last_restore_test: 2026-06-01"),
        ("PROD-KNOWN-GOOD", "known_good: v2.3.0"),
        ("LAUNCH-REHEARSAL", "findings_open: 2"),
        ("PROD-SIGNOFF", "signoffs:"),
        ("LAUNCH-REVIEW", "signoffs:"),
        ("LG-WAIVER", "expires: 2026-10-31"),
        ("PROD-INCIDENT-RESPONSE", "incident: runbooks/incident.md"),
        // Its incident runbook has no escalation section: the launch item asks one from `mvp`.
        ("LAUNCH-RUNBOOKS", "incident: runbooks/incident.md"),
        ("PROD-CODEOWNERS", "owners:"),
        // Its one risk is the service's own: none names a team or system it depends on.
        ("LAUNCH-RISKS", "risks:"),
        // Level 2 is engaged after 30m, past the sev1 SLA of 15m.
        ("PROD-SLA", "after: 30m"),
    ];
    for (item, needle) in expect {
        let line = line_of(&text, needle);
        assert!(
            got.iter().any(|(i, l, _)| i == item && *l == line),
            "{item} not at line {line} ({needle}); got {got:#?}"
        );
    }
    // Evidence problems are located in the evidence files themselves.
    let elsewhere: Vec<(String, String, u64)> = report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["outcome"] == "fail" && f["location"]["file"] != "examples/not-ready/readiness.yaml"
        })
        .map(|f| {
            (
                f["item"].as_str().unwrap().to_string(),
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        elsewhere,
        [
            (
                "LG-EVIDENCE".to_string(),
                "examples/not-ready/dashboards/reports.json".to_string(),
                5
            ),
            (
                "PROD-ALERTS-VERIFIED".to_string(),
                "examples/not-ready/monitoring/alerts.yaml".to_string(),
                4
            ),
        ]
    );
    let expect_len = expect.len() + elsewhere.len();
    assert_eq!(got.len(), expect_len, "unexpected findings: {got:#?}");
    let waived: Vec<&Value> = report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["outcome"] == "waived")
        .collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(waived[0]["item"], "PROD-SUPPORT-RUNBOOK");
    assert_eq!(waived[0]["waiver"]["approved_by"], "@vp-eng");
}

#[test]
fn not_ready_human_output() {
    let out = launchgate()
        .args(["check", "examples/not-ready/readiness.yaml", "--now", NOW])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("not_ready_human", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn schema_errors_human_output() {
    let out = launchgate()
        .args([
            "check",
            "examples/not-ready/schema-errors.readiness.yaml",
            "--now",
            NOW,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(
        "schema_errors_human",
        String::from_utf8(out.stdout).unwrap()
    );
}

#[test]
fn not_ready_json_output() {
    let (_, report) = check_json(&root().join("examples/not-ready"));
    insta::assert_json_snapshot!("not_ready_json", report, {".tool.version" => "[version]"});
}

#[test]
fn waivers_turn_failures_into_waived_and_expired_ones_fail() {
    let waiver = |expires: &str| {
        format!(
            "\nwaivers:\n  - {{ item: PROD-ROLLBACK-5MIN, reason: \"faster path ships next sprint\", approved_by: \"@lead\", granted: 2026-11-20, expires: {expires} }}\n"
        )
    };
    let active =
        example_with(|t| t.replacen("max_minutes: 5", "max_minutes: 8", 1) + &waiver("2026-12-15"));
    let (code, report) = check_json(active.path());
    assert_eq!(code, 0, "{:#?}", failures(&report));
    assert_eq!(report["summary"]["waived"], 1);

    let expired =
        example_with(|t| t.replacen("max_minutes: 5", "max_minutes: 8", 1) + &waiver("2026-11-24"));
    let (code, report) = check_json(expired.path());
    assert_eq!(code, 1);
    let got = failures(&report);
    assert!(
        got.iter()
            .any(|(i, _, m)| i == "LG-WAIVER" && m.contains("expired on 2026-11-24")),
        "{got:#?}"
    );
    assert!(
        got.iter().any(|(i, ..)| i == "PROD-ROLLBACK-5MIN"),
        "{got:#?}"
    );

    let unknown = example_with(|t| {
        t.to_string() + &waiver("2026-12-15").replace("PROD-ROLLBACK-5MIN", "PROD-ROLLBAK-5MIN")
    });
    let (code, report) = check_json(unknown.path());
    assert_eq!(code, 1);
    let got = failures(&report);
    assert!(
        got.iter()
            .any(|(i, _, m)| i == "LG-WAIVER" && m.contains("unknown item `PROD-ROLLBAK-5MIN`")),
        "{got:#?}"
    );
}

#[test]
fn paths_may_not_leave_the_repository() {
    let dir = example_with(|t| {
        t.replacen(
            "templates: runbooks/comms-templates.md",
            "templates: ../../../../etc/passwd",
            1,
        )
    });
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1);
    let got = failures(&report);
    assert!(
        got.iter()
            .any(|(i, _, m)| i == "LG-PATH" && m.contains("leaves the repository")),
        "{got:#?}"
    );
    let dir = example_with(|t| {
        t.replacen(
            "templates: runbooks/comms-templates.md",
            "templates: /etc/passwd",
            1,
        )
    });
    let (_, report) = check_json(dir.path());
    assert!(
        failures(&report)
            .iter()
            .any(|(i, _, m)| i == "LG-PATH" && m.contains("absolute"))
    );
}

#[test]
fn a_custom_checklist_replaces_the_manifest_list() {
    let dir = tempfile::tempdir().unwrap();
    common::write_tree(
        dir.path(),
        &[
            (
                "readiness.yaml",
                "version: 1\nservice: { name: tiny, stage: poc }\n",
            ),
            (
                "mine.yaml",
                "version: 1\nname: mine\ntitle: Mine\nitems:\n  - id: MY-TIER\n    title: Tier set\n    severity: error\n    why: w\n    fix: set service.tier\n    require:\n      - { rule: 'has(manifest.service.tier)', at: service, message: 'no tier' }\n",
            ),
        ],
    );
    let out = launchgate()
        .current_dir(dir.path())
        .args([
            "check",
            "--checklist",
            "mine.yaml",
            "--format",
            "json",
            "--now",
            NOW,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = failures(&report);
    assert_eq!(got, [("MY-TIER".to_string(), 2, "no tier".to_string())]);
}

#[test]
fn tool_errors_exit_2() {
    launchgate()
        .args(["check", "does/not/exist"])
        .assert()
        .code(2);
    launchgate()
        .args(["check", "examples/dashboard-factory", "--now", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--now"));
    launchgate()
        .args(["check", "examples/dashboard-factory", "--format", "pdf"])
        .assert()
        .code(2);
    launchgate()
        .args(["check", "examples/dashboard-factory", "--checklist", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown checklist"));
    let dir = tempfile::tempdir().unwrap();
    common::write_tree(
        dir.path(),
        &[(
            "bad.yaml",
            "version: 1\nname: bad\ntitle: Bad\nitems:\n  - id: BAD-ONE\n    title: t\n    severity: fatal\n",
        )],
    );
    launchgate()
        .args(["check", "examples/dashboard-factory", "--checklist"])
        .arg(dir.path().join("bad.yaml"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid checklist"));
    let empty = tempfile::tempdir().unwrap();
    launchgate()
        .arg("check")
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no readiness manifests"));
    // Run in the directory itself, the message names it.
    launchgate()
        .current_dir(empty.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("found in .;"));
}

#[test]
fn discovery_respects_gitignore_and_finds_named_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let ok = "version: 1\nservice: { name: a, stage: poc }\nchecklists: []\n";
    common::write_tree(
        dir.path(),
        &[
            ("a/readiness.yaml", ok),
            ("b/api.readiness.yaml", ok),
            ("ignored/readiness.yaml", "not: [valid"),
            (".gitignore", "ignored/\n"),
        ],
    );
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["manifests"], 2);
}

/// A manifest copied to start another service, its `service.name` unchanged: the second and
/// later manifests of the run to name a service get an `LG-UNIQUE` warning pointing at the
/// first (path order), which never blocks; distinct names get none.
#[test]
fn a_service_named_by_two_manifests_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let named =
        |n: &str| format!("version: 1\nservice: {{ name: {n}, stage: poc }}\nchecklists: []\n");
    common::write_tree(
        dir.path(),
        &[
            ("billing/readiness.yaml", &named("billing")),
            ("invoices/readiness.yaml", &named("billing")),
            ("ledger/readiness.yaml", &named("ledger")),
            ("payouts/readiness.yaml", &named("billing")),
        ],
    );
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["warnings"], 2, "{report:#}");
    let warned: Vec<(String, String, u64, String)> = report["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| {
            m["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["item"] == "LG-UNIQUE" && f["outcome"] == "fail")
                .inspect(|f| assert_eq!(f["related"][0]["location"]["line"], 2, "{f:#}"))
                .map(|f| {
                    (
                        m["path"].as_str().unwrap().to_string(),
                        f["severity"].as_str().unwrap().to_string(),
                        f["location"]["line"].as_u64().unwrap(),
                        f["related"][0]["location"]["file"]
                            .as_str()
                            .unwrap()
                            .to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let ends = |p: &str, tail: &str| p.replace('\\', "/").ends_with(tail);
    assert_eq!(warned.len(), 2, "{warned:#?}");
    for ((path, severity, line, first), tail) in warned
        .iter()
        .zip(["invoices/readiness.yaml", "payouts/readiness.yaml"])
    {
        assert!(ends(path, tail), "{warned:#?}");
        assert_eq!(severity, "warning");
        assert_eq!(*line, 2);
        assert!(ends(first, "billing/readiness.yaml"), "{warned:#?}");
    }
}

#[test]
fn explain_and_checklists_and_schema() {
    launchgate()
        .args(["explain", "PROD-ROLLBACK-TESTED"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Why it matters"))
        .stdout(predicates::str::contains("waivers:"));
    launchgate()
        .args(["explain", "PROD-ROLBACK-TESTED"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "did you mean `PROD-ROLLBACK-TESTED`",
        ));
    launchgate()
        .args(["explain", "LG-SCHEMA"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("cannot be waived"));
    launchgate()
        .arg("checklists")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("PROD-ROLLBACK-5MIN"))
        .stdout(predicates::str::contains("LAUNCH-REVIEW"));
    for which in ["manifest", "report", "checklist", "policy"] {
        let out = launchgate().args(["schema", which]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
}

#[test]
fn init_writes_a_schema_valid_starter_that_fails_only_on_what_a_person_fills_in() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("svc");
    launchgate().arg("init").arg(&target).assert().code(0);
    let (code, report) = check_json(&target);
    assert_eq!(code, 1);
    let items: std::collections::BTreeSet<String> =
        failures(&report).into_iter().map(|f| f.0).collect();
    assert!(items.contains("LG-PLACEHOLDER"), "{items:?}");
    assert!(
        !items.contains("LG-SCHEMA") && !items.contains("LG-YAML") && !items.contains("LG-PATH"),
        "{items:?}"
    );
    // The starter's dashboard charts nothing yet, and its rollback steps are TODO stand-ins.
    for item in &items {
        assert!(
            ["LG-PLACEHOLDER", "LAUNCH-DASHBOARDS", "LAUNCH-RUNBOOKS"].contains(&item.as_str()),
            "init output fails on {item}, which a person does not need to fill in"
        );
    }
    // Outside a repository the policy goes next to the manifest, and the check above used it.
    assert_eq!(
        std::fs::read_to_string(target.join(".launchgate.yaml")).unwrap(),
        launchgate::policy::DEFAULT_TEXT
    );
    launchgate().arg("init").arg(&target).assert().code(2);
    launchgate()
        .arg("init")
        .arg(&target)
        .arg("--force")
        .assert()
        .code(0);
}

/// `init` refuses a name the manifest schema would refuse (it wrote `service.name: -x`, which
/// failed its own check) and, refusing, writes nothing: not even the directories.
#[test]
fn init_refuses_a_name_the_schema_refuses_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("svc");
    let long = "a".repeat(101);
    for name in ["-x", "", "Api", "../../etc", "api/v2", "é", long.as_str()] {
        launchgate()
            .arg("init")
            .arg(&target)
            .arg(format!("--name={name}"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains("a service name starts with"));
        assert!(
            !target.exists(),
            "`{name}` left {} behind",
            target.display()
        );
    }
    // A name at the limit, and the default: the directory's own name, though it does not
    // exist yet.
    launchgate()
        .arg("init")
        .arg(&target)
        .arg(format!("--name={}", "a".repeat(100)))
        .assert()
        .code(0);
    let fresh = dir.path().join("Billing_API.v2");
    launchgate().arg("init").arg(&fresh).assert().code(0);
    let manifest = std::fs::read_to_string(fresh.join("readiness.yaml")).unwrap();
    assert!(manifest.contains("name: billing_api.v2"), "{manifest}");
    let (_, report) = check_json(&fresh);
    let items: Vec<String> = failures(&report).into_iter().map(|f| f.0).collect();
    assert!(!items.iter().any(|i| i == "LG-SCHEMA"), "{items:?}");
}

#[test]
fn yaml_problems_are_located_findings_not_crashes() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("dup", b"version: 1\nversion: 1\n", "duplicate key"),
        ("empty", b"", "empty"),
        ("comment", b"# only a comment\n", "empty"),
        ("multi", b"version: 1\n---\nversion: 1\n", "document"),
        ("tag", b"version: !custom 1\n", "tag"),
        ("merge", b"a: &a {x: 1}\nb:\n  <<: *a\n", "merge"),
        ("nonstring", b"1: one\n", "key"),
        ("overflow", b"version: 99999999999999999999999\n", "integer"),
        ("tabs", b"service:\n\tname: x\n", "tab"),
        ("utf8", b"version: 1\nservice: \xff\n", "UTF-8"),
    ];
    for (name, bytes, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("readiness.yaml");
        std::fs::write(&path, bytes).unwrap();
        let (code, report) = check_json(&path);
        assert_eq!(code, 1, "{name}");
        let got = failures(&report);
        assert!(
            got.iter().any(
                |(i, _, m)| i == "LG-YAML" && m.to_lowercase().contains(&expect.to_lowercase())
            ),
            "{name}: {got:#?}"
        );
    }
}

/// `--schema-only` checks YAML and the schema exactly as the full check does (same located
/// findings), and nothing else: checklist failures do not show, and the report says so.
#[test]
fn schema_only_validates_yaml_and_schema_and_nothing_else() {
    let run = |extra: &[&str]| {
        let out = launchgate()
            .args([
                "check",
                "examples/not-ready",
                "--format",
                "json",
                "--now",
                NOW,
            ])
            .args(extra)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), report)
    };
    let (code, full) = run(&[]);
    assert_eq!(code, 1);
    let (code, schema) = run(&["--schema-only"]);
    assert_eq!(code, 1, "the duplicate-key and schema-error manifests fail");
    assert!(common::report_schema_errors(&schema).is_empty());
    assert_eq!(schema["schema_only"], true);
    assert!(full.get("schema_only").is_none());
    let located = |report: &serde_json::Value, items: &[&str]| -> Vec<(String, String, u64, u64)> {
        report["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["findings"].as_array().unwrap())
            .filter(|f| f["outcome"] == "fail" && items.contains(&f["item"].as_str().unwrap()))
            .map(|f| {
                (
                    f["item"].as_str().unwrap().to_string(),
                    f["location"]["file"].as_str().unwrap().to_string(),
                    f["location"]["line"].as_u64().unwrap(),
                    f["location"]["column"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let yaml_and_schema = located(&full, &["LG-YAML", "LG-SCHEMA"]);
    assert!(yaml_and_schema.len() >= 2, "{yaml_and_schema:?}");
    assert_eq!(located(&schema, &["LG-YAML", "LG-SCHEMA"]), yaml_and_schema);
    // Nothing but YAML and schema findings; the checklist-failing manifest passes.
    let items: std::collections::BTreeSet<&str> = schema["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["findings"].as_array().unwrap())
        .map(|f| f["item"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["LG-SCHEMA", "LG-YAML"].into_iter().collect());
    let main = schema["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["path"] == "examples/not-ready/readiness.yaml")
        .unwrap();
    assert_eq!(main["verdict"], "pass");

    let out = launchgate()
        .args(["check", "examples/not-ready", "--schema-only"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.ends_with(
            "verdict: FAIL (blocked: fix the failures above, or waive them with approval) (schema only: policy, checklists and evidence were not checked)\n"
        ),
        "{text}"
    );
    // An override of what is checked makes no sense without checklists.
    launchgate()
        .args([
            "check",
            "examples/not-ready",
            "--schema-only",
            "--checklist",
            "launch",
        ])
        .assert()
        .code(2);
}
