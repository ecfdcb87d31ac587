//! Checks that cannot be talked around, end to end over the example in a real repository:
//! identities compared as GitHub compares them, unique ids, real runbook steps, ordered SLAs.
//! Each case is an edit a hurried user might make; the expected outcome follows from the
//! rules, not from the tool's output.

mod common;

use std::path::Path;

use common::{check_json, example_with, failures, findings_of, line_of};
use serde_json::Value;

fn manifest_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("readiness.yaml")).unwrap()
}

/// Failing findings of one item as (line, message).
fn failing(report: &Value, item: &str) -> Vec<(u64, String)> {
    findings_of(report, item)
        .into_iter()
        .filter(|f| f.0 == "fail")
        .map(|f| (f.1, f.2))
        .collect()
}

/// The related locations (line, message) of an item's failing findings.
fn related(report: &Value, item: &str) -> Vec<Vec<(u64, String)>> {
    report["manifests"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["item"] == item && f["outcome"] == "fail")
        .map(|f| {
            f["related"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    (
                        r["location"]["line"].as_u64().unwrap(),
                        r["message"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .collect()
}

#[test]
fn owners_in_two_spellings_are_one_person() {
    for (from, to) in [
        ("secondary: \"@bob\"", "secondary: \"@Alice\""),
        ("secondary: \"@bob\"", "secondary: \"@ALICE\""),
    ] {
        let dir = example_with(|t| t.replacen(from, to, 1));
        let (code, report) = check_json(dir.path());
        assert_eq!(code, 1);
        let line = line_of(&manifest_text(dir.path()), to);
        let got = failing(&report, "LAUNCH-OWNERS");
        assert_eq!(got.len(), 1, "{to}: {got:#?}");
        assert_eq!(got[0].0, line, "{to}");
    }
    // A trailing space does not make a second person either: the handle is not valid.
    let dir = example_with(|t| t.replacen("secondary: \"@bob\"", "secondary: \"@alice \"", 1));
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&manifest_text(dir.path()), "secondary:");
    assert!(
        failures(&report)
            .iter()
            .any(|(i, l, _)| i == "LG-SCHEMA" && *l == line),
        "{:#?}",
        failures(&report)
    );
}

#[test]
fn a_stakeholder_sign_off_by_the_engineering_signer_fails() {
    let dir = example_with(|t| {
        t.replacen(
            "{ role: support, by: \"@carol\"",
            "{ role: support, by: \"@Alice\"",
            1,
        )
    });
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1);
    let line = line_of(&manifest_text(dir.path()), "role: support");
    assert_eq!(
        failing(&report, "PROD-SIGNOFF"),
        [(
            line,
            "the support sign-off is by @Alice, who signed off engineering (@alice): a stakeholder sign-off must come from someone else".to_string()
        )]
    );
}

#[test]
fn the_launch_review_by_an_author_fails() {
    for (reviewer, who) in [
        ("@ALICE", "the primary owner"),
        ("@Bob", "the secondary owner"),
    ] {
        let dir = example_with(|t| {
            t.replacen(
                "{ role: review, by: \"@dana\"",
                &format!("{{ role: review, by: \"{reviewer}\""),
                1,
            )
        });
        let (code, report) = check_json(dir.path());
        assert_eq!(code, 1, "{reviewer}");
        let line = line_of(&manifest_text(dir.path()), "role: review");
        let got = failing(&report, "LAUNCH-REVIEW");
        assert_eq!(got.len(), 1, "{reviewer}: {got:#?}");
        assert_eq!(got[0].0, line);
        assert!(
            got[0]
                .1
                .starts_with(&format!("the review is signed off by {reviewer}, {who}:")),
            "{}",
            got[0].1
        );
    }
}

fn waiver(approver: &str) -> String {
    format!(
        "\nwaivers:\n  - item: PROD-ROLLBACK-5MIN\n    reason: faster path ships next sprint\n    approved_by: \"{approver}\"\n    granted: 2026-11-20\n    expires: 2026-12-15\n"
    )
}

#[test]
fn owners_cannot_approve_their_own_waivers() {
    for (approver, owner) in [
        ("@Alice", "owners.primary"),
        ("@BOB", "owners.secondary"),
        ("@acme/Dashboards-Platform", "owners.team"),
    ] {
        let dir =
            example_with(|t| t.replacen("max_minutes: 5", "max_minutes: 8", 1) + &waiver(approver));
        let (code, report) = check_json(dir.path());
        assert_eq!(code, 1, "{approver}");
        let text = manifest_text(dir.path());
        let got = failing(&report, "LG-WAIVER");
        assert_eq!(got.len(), 1, "{approver}: {got:#?}");
        assert_eq!(got[0].0, line_of(&text, "approved_by:"), "{approver}");
        assert!(
            got[0]
                .1
                .contains(&format!("who is the service's `{owner}`")),
            "{}",
            got[0].1
        );
        // Not applied: the item it would excuse still fails.
        assert_eq!(
            failing(&report, "PROD-ROLLBACK-5MIN").len(),
            1,
            "{approver}"
        );
    }
    let dir =
        example_with(|t| t.replacen("max_minutes: 5", "max_minutes: 8", 1) + &waiver("@lead"));
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 0, "{:#?}", failures(&report));
}

#[test]
fn codeowners_handles_match_as_github_matches_them() {
    let dir = example_with(|t| t.replacen("tier: 1", "tier: 2", 1));
    std::fs::create_dir_all(dir.path().join(".github")).unwrap();
    std::fs::write(dir.path().join(".github/CODEOWNERS"), "* @ALICE\n").unwrap();
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 0, "{:#?}", failures(&report));
    std::fs::write(dir.path().join(".github/CODEOWNERS"), "* @mallory\n").unwrap();
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1);
    assert!(!failing(&report, "PROD-CODEOWNERS").is_empty());
}

/// A CODEOWNERS file that is there but cannot be read is not "no CODEOWNERS": the ownership
/// rules would then pass on nothing. Each case names the file and why.
#[test]
fn codeowners_that_cannot_be_used_fail_instead_of_counting_as_absent() {
    type Setup = fn(&Path);
    let cases: Vec<(&str, Setup, &str)> = vec![
        (
            "not UTF-8",
            |d| write_codeowners(d, b"* @launchgate/dashboards-platform @ren\xe9\n"),
            "`.github/CODEOWNERS` is not UTF-8 text, so ownership cannot be checked",
        ),
        (
            "a directory",
            |d| std::fs::create_dir_all(d.join(".github/CODEOWNERS")).unwrap(),
            "`.github/CODEOWNERS` is a directory, not a file, so ownership cannot be checked",
        ),
        #[cfg(unix)]
        (
            "a symlink out of the repository",
            |d| std::os::unix::fs::symlink("/etc/hostname", d.join("CODEOWNERS")).unwrap(),
            "`CODEOWNERS` is a symlink to `/etc/hostname`, outside the repository, so ownership cannot be checked",
        ),
        #[cfg(unix)]
        (
            "a FIFO (read without waiting for a writer)",
            |d| {
                std::fs::create_dir_all(d.join(".github")).unwrap();
                common::mkfifo(&d.join(".github/CODEOWNERS"));
            },
            "`.github/CODEOWNERS` is a FIFO, not a file, so ownership cannot be checked",
        ),
    ];
    for (what, setup, message) in cases {
        let dir = example_with(|t| t.replacen("tier: 1", "tier: 2", 1));
        // The example's own CODEOWNERS would be read first.
        std::fs::remove_dir_all(dir.path().join(".github")).unwrap();
        setup(dir.path());
        let out = common::launchgate()
            .args(["check", "--format", "json", "--now", common::NOW])
            .arg(dir.path())
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let got = failing(&report, "PROD-CODEOWNERS");
        assert_eq!(got.len(), 1, "{what}: {got:#?}");
        assert!(got[0].1.starts_with(message), "{what}: {got:#?}");
    }
}

/// `.github` that is a file is not a CODEOWNERS location gone wrong: GitHub goes on to the
/// root's CODEOWNERS, and so does the check (which must then read it, not skip it).
#[test]
fn a_github_file_leaves_the_root_codeowners_in_force() {
    let dir = example_with(|t| t.replacen("tier: 1", "tier: 2", 1));
    std::fs::remove_dir_all(dir.path().join(".github")).unwrap();
    std::fs::write(dir.path().join(".github"), "not a directory\n").unwrap();
    std::fs::write(dir.path().join("CODEOWNERS"), "* @mallory\n").unwrap();
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1, "{:#?}", failures(&report));
    let got = failing(&report, "PROD-CODEOWNERS");
    assert!(
        got.len() == 1 && got[0].1.contains("owned by [\"@mallory\"] in CODEOWNERS"),
        "{got:#?}"
    );
    std::fs::write(
        dir.path().join("CODEOWNERS"),
        "* @launchgate/dashboards-platform\n",
    )
    .unwrap();
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 0, "{:#?}", failures(&report));
}

/// A git repository with no CODEOWNERS gives the readiness files no owner, and fails; a
/// directory outside git has no review to ask for, and nothing is checked.
#[test]
fn no_codeowners_fails_in_a_repository_only() {
    let dir = example_with(|t| t.replacen("tier: 1", "tier: 2", 1));
    std::fs::remove_dir_all(dir.path().join(".github")).unwrap();
    common::git(dir.path(), &["commit", "-qam", "no CODEOWNERS"]);
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1, "{:#?}", failures(&report));
    let got = failing(&report, "PROD-CODEOWNERS");
    assert!(
        got.len() == 1 && got[0].1.starts_with("the repository has no CODEOWNERS"),
        "{got:#?}"
    );
    let plain = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::root().join("examples/dashboard-factory"),
        plain.path(),
    );
    std::fs::remove_dir_all(plain.path().join(".github")).unwrap();
    let (_, report) = check_json(plain.path());
    assert!(failing(&report, "PROD-CODEOWNERS").is_empty(), "{report:#}");
}

fn write_codeowners(dir: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(dir.join(".github")).unwrap();
    std::fs::write(dir.join(".github/CODEOWNERS"), bytes).unwrap();
}

/// The 1-based line of the last line containing `needle`.
fn last_line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .last()
        .unwrap_or_else(|| panic!("`{needle}` not in manifest"))
        .0 as u64
        + 1
}

#[test]
fn repeated_ids_name_both_places() {
    // (replace, with, first line holding the first occurrence, last line holding the repeat,
    // message start)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "  - id: R3",
            "  - id: r1",
            "- id: R1",
            "- id: r1",
            "duplicate risk id `r1`: `risks[2].id` repeats `risks[0].id` (`R1`); risk ids are compared ignoring case",
        ),
        (
            "name: template_build_failures_total",
            "name: templates_generated_total",
            "name: templates_generated_total",
            "name: templates_generated_total",
            "duplicate signal name `templates_generated_total`: `telemetry.signals[2].name` repeats `telemetry.signals[0].name`",
        ),
        (
            "alert: PublicationJobStalled",
            "alert: TemplateCompileFailures",
            "alert: TemplateCompileFailures",
            "alert: TemplateCompileFailures",
            "duplicate required alert `TemplateCompileFailures`: `alerts.required[1].alert` repeats `alerts.required[0].alert`",
        ),
        (
            "name: canary-2",
            "name: Canary-1",
            "name: canary-1",
            "name: Canary-1",
            "duplicate phase name `Canary-1`: `rollout.phases[1].name` repeats `rollout.phases[0].name` (`canary-1`); phase names are compared ignoring case",
        ),
        (
            "level: 2,",
            "level: 1,",
            "contact: \"#dash-oncall\"",
            "contact: \"@dash-leads\"",
            "duplicate escalation level `1`: `owners.escalation[1].level` repeats `owners.escalation[0].level`",
        ),
        (
            "role: review",
            "role: support",
            "role: support",
            "role: support",
            "duplicate sign-off role `support`: `signoffs[2].role` repeats `signoffs[1].role`",
        ),
    ];
    for (from, to, first, repeat, message) in cases {
        let dir = example_with(|t| t.replacen(from, to, 1));
        let text = manifest_text(dir.path());
        let (code, report) = check_json(dir.path());
        assert_eq!(code, 1, "{to}");
        let got = failing(&report, "LG-UNIQUE");
        assert_eq!(got.len(), 1, "{to}: {got:#?}");
        assert_eq!(got[0].0, last_line_of(&text, repeat), "{to}");
        assert!(got[0].1.starts_with(message), "{to}: {}", got[0].1);
        let rel = related(&report, "LG-UNIQUE");
        assert_eq!(rel[0].len(), 1, "{to}");
        assert_eq!(rel[0][0].0, line_of(&text, first), "{to}: {rel:#?}");
    }
}

#[test]
fn alert_names_are_case_sensitive_and_waivers_one_per_item() {
    // Prometheus tells `templatecompilefailures` from `TemplateCompileFailures`: no repeat.
    let dir = example_with(|t| {
        t.replacen(
            "alert: PublicationJobStalled",
            "alert: templatecompilefailures",
            1,
        )
    });
    let (_, report) = check_json(dir.path());
    assert!(failing(&report, "LG-UNIQUE").is_empty());
    let dir = example_with(|t| {
        t.replacen("max_minutes: 5", "max_minutes: 8", 1)
            + &waiver("@lead")
            + &waiver("@vp-eng").replacen("\nwaivers:\n", "", 1)
    });
    let text = manifest_text(dir.path());
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1);
    let item_lines: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("item: PROD-ROLLBACK-5MIN"))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let got = failing(&report, "LG-UNIQUE");
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].0, item_lines[1]);
    assert!(
        got[0]
            .1
            .starts_with("duplicate waiver item `PROD-ROLLBACK-5MIN`")
    );
    assert_eq!(related(&report, "LG-UNIQUE")[0][0].0, item_lines[0]);
    // LG-UNIQUE is launchgate's own: it cannot be waived.
    let dir = example_with(|t| {
        t.replacen("  - id: R3", "  - id: R1", 1)
            + &waiver("@lead").replace("PROD-ROLLBACK-5MIN", "LG-UNIQUE")
    });
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 1);
    assert_eq!(failing(&report, "LG-UNIQUE").len(), 1);
    assert!(
        failing(&report, "LG-WAIVER")
            .iter()
            .any(|(_, m)| m.contains("cannot be waived")),
        "{:#?}",
        failures(&report)
    );
}

/// Replaces a runbook of the example (keeping a heading) and checks.
fn with_runbook(path: &str, body: &str) -> (tempfile::TempDir, Value) {
    let dir = example_with(|t| t.replacen("tier: 1", "tier: 2", 1));
    std::fs::write(dir.path().join(path), body).unwrap();
    let (_, report) = check_json(dir.path());
    (dir, report)
}

#[test]
fn numbered_items_without_content_are_not_steps() {
    // (steps, numbered items, real steps)
    let cases = [
        (
            "1. TODO\n2. TBD\n3. x\n4. <fill in the command>\n5. ...\n",
            5,
            0,
        ),
        ("1.\n2.\n", 2, 0),
        ("1. x\n2. y\n", 2, 0),
        ("1. Revert\n2. Deploy\n", 2, 0),
        ("1. TODO: write this step\n2. FIXME: and this one\n", 2, 0),
        ("1. Revert the release now\n2. xxx\n", 2, 1),
        (
            "1. Restart:\n   - the publication worker\n   - the review queue\n2. Check the dashboard again\n",
            2,
            1,
        ),
    ];
    for (steps, raw, real) in cases {
        let body = format!("# Rollback\n\n## Steps\n\n{steps}");
        let (dir, report) = with_runbook("runbooks/rollback.md", &body);
        let line = line_of(&manifest_text(dir.path()), "rollback: runbooks/rollback.md");
        assert_eq!(
            failing(&report, "PROD-ROLLBACK-TESTED"),
            [(
                line,
                format!(
                    "the rollback runbook `runbooks/rollback.md` has {raw} numbered items, {real} real steps; at least 2 are needed: a step needs at least 3 words of its own and no placeholder (TODO, TBD, FIXME, xxx, <...>), and a step repeated word for word counts once"
                )
            )],
            "{steps:?}"
        );
    }
    let (dir, _) = with_runbook(
        "runbooks/rollback.md",
        "# Rollback\n\n1. Revert the release now\n2. Watch the dashboard recover\n",
    );
    // A new procedure is rehearsed again: its test recorded beside it.
    let manifest = dir.path().join("readiness.yaml");
    let text =
        manifest_text(dir.path()).replacen("last_tested: 2026-11-02", "last_tested: 2026-11-20", 1);
    std::fs::write(&manifest, text).unwrap();
    let (_, report) = check_json(dir.path());
    assert_eq!(findings_of(&report, "PROD-ROLLBACK-TESTED")[0].0, "pass");
}

#[test]
fn an_incident_runbook_of_placeholders_has_no_steps() {
    let (dir, report) = with_runbook(
        "runbooks/incident-response.md",
        "# Incident response\n\n1. x\n2. TBD\n3. <who>\n\n## Escalation\n\nPage level 2 after 15 minutes.\n",
    );
    let line = line_of(
        &manifest_text(dir.path()),
        "incident: runbooks/incident-response.md",
    );
    assert_eq!(
        failing(&report, "PROD-INCIDENT-RESPONSE"),
        [(
            line,
            "the incident runbook `runbooks/incident-response.md` has no real steps (3 numbered items, 0 real): a step needs at least 3 words of its own and no placeholder (TODO, TBD, FIXME, xxx, <...>), and a step repeated word for word counts once".to_string()
        )]
    );
}

#[test]
fn slower_responses_for_more_severe_incidents_fail_at_the_key() {
    let block = |slas: &str| format!("response_sla:\n    {}", slas.replace(", ", "\n    "));
    for (slas, at, message) in [
        (
            "sev1: 2h, sev2: 1h",
            "sev2: 1h",
            "the sev2 response SLA (1h) is faster than the sev1 SLA (2h): a more severe incident must not wait longer for a response",
        ),
        (
            "sev1: 15m, sev2: 1h, sev3: 30m",
            "sev3: 30m",
            "the sev3 response SLA (30m) is faster than the sev2 SLA (1h): a more severe incident must not wait longer for a response",
        ),
    ] {
        let dir = example_with(|t| {
            t.replacen(
                "response_sla: { sev1: 15m, sev2: 1h, sev3: 1d }",
                &block(slas),
                1,
            )
        });
        let (code, report) = check_json(dir.path());
        assert_eq!(code, 1, "{slas}");
        let line = line_of(&manifest_text(dir.path()), at);
        assert_eq!(
            failing(&report, "PROD-SLA"),
            [(line, message.to_string())],
            "{slas}"
        );
    }
    // Equal is not slower.
    let dir = example_with(|t| t.replacen("sev1: 15m, sev2: 1h", "sev1: 60m, sev2: 1h", 1));
    let (code, report) = check_json(dir.path());
    assert_eq!(code, 0, "{:#?}", failures(&report));
}

/// One file named for two runbook places serves both only with a section on each: the
/// incident runbook named as the rollback runbook has numbered steps and 20 words, and
/// nothing about rolling back; a runbook with seed 001's headings (observability signals, a
/// rollback plan) may serve monitoring and rollback at once, and not incident.
#[test]
fn one_runbook_for_two_places_needs_a_section_for_each() {
    // Another spelling of the path names the same file.
    for written in [
        "runbooks/incident-response.md",
        "./runbooks/incident-response.md",
    ] {
        let place = format!("rollback: {written}");
        let dir = example_with(|t| t.replacen("rollback: runbooks/rollback.md", &place, 1));
        let (_, report) = check_json(dir.path());
        let line = line_of(&manifest_text(dir.path()), &place);
        assert_eq!(
            failing(&report, "LAUNCH-RUNBOOKS"),
            [(
                line,
                format!(
                    "the rollback runbook `{written}` is also the incident runbook, and no section of it is about rollback (a heading naming it with at least 10 words under it): one file serves two places only with a section for each"
                )
            )]
        );
    }

    let dir = example_with(|t| {
        t.replacen(
            "monitoring: runbooks/monitoring.md",
            "monitoring: runbooks/operations.md",
            1,
        )
        .replacen(
            "rollback: runbooks/rollback.md",
            "rollback: runbooks/operations.md",
            1,
        )
    });
    // Seed 001's headings, each with a line of its own.
    let ops = "# Dashboard Operations Runbook\n\n## Scope\n\nThe fixture-driven dashboard runtime and its state directory.\n\n## Health and observability signals\n\nWatch `health_state`, `rollout_gate` and the failure streak of each cycle.\n\n## Rollback plan\n\n1. Stop the dashboard runtime with the contract runner flag removed.\n2. Restore the previous state directory from the last release.\n\n## Troubleshooting\n\nRead the last cycle report's reason codes before restarting anything.\n";
    std::fs::write(dir.path().join("runbooks/operations.md"), ops).unwrap();
    let (_, report) = check_json(dir.path());
    assert_eq!(failing(&report, "LAUNCH-RUNBOOKS"), []);
    // The same file as the incident runbook too: it has no incident section.
    let manifest = dir.path().join("readiness.yaml");
    let text = manifest_text(dir.path()).replacen(
        "incident: runbooks/incident-response.md",
        "incident: runbooks/operations.md",
        1,
    );
    std::fs::write(&manifest, &text).unwrap();
    let (_, report) = check_json(dir.path());
    let failed: Vec<_> = failing(&report, "LAUNCH-RUNBOOKS")
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    assert_eq!(
        failed,
        [
            "the incident runbook `runbooks/operations.md` is also the monitoring runbook, and no section of it is about incident (a heading naming it with at least 10 words under it): one file serves two places only with a section for each"
        ]
    );
}

/// Two required alerts sharing one runbook file: each needs a heading naming it, or whoever is
/// paged for the other reads steps written for the first. A file with a section per alert
/// passes; the rule file agreeing with the manifest changes nothing.
#[test]
fn alerts_sharing_a_runbook_need_a_section_each() {
    let share = |to: &str| {
        let to = to.to_string();
        example_with(move |t| {
            t.replacen(
                "runbook: runbooks/publication-stalled.md",
                &format!("runbook: {to}"),
                1,
            )
        })
    };
    let rules_link = |d: &Path, to: &str| {
        let rules = d.join("monitoring/alerts.yaml");
        let text = std::fs::read_to_string(&rules).unwrap().replacen(
            "runbook_url: runbooks/publication-stalled.md",
            &format!("runbook_url: {to}"),
            1,
        );
        std::fs::write(rules, text).unwrap();
    };
    for written in [
        "runbooks/template-compile-failures.md",
        "./runbooks/template-compile-failures.md",
    ] {
        let dir = share(written);
        rules_link(dir.path(), "runbooks/template-compile-failures.md");
        let (code, report) = check_json(dir.path());
        let line = line_of(&manifest_text(dir.path()), "PublicationJobStalled");
        assert_eq!(code, 1);
        assert_eq!(
            failing(&report, "PROD-ALERTS-VERIFIED"),
            [(
                line,
                format!(
                    "alert `PublicationJobStalled` shares its runbook `{written}` with `TemplateCompileFailures`, and no heading of it names `PublicationJobStalled`: whoever is paged for it opens steps written for another alert; give each alert its own section (`## PublicationJobStalled`, at least 10 words) or runbook"
                )
            )]
        );
    }
    // One file, a section headed by each alert's name: both pass.
    let dir = example_with(|t| {
        t.replace(
            "runbook: runbooks/publication-stalled.md",
            "runbook: runbooks/pipeline-alerts.md",
        )
        .replace(
            "runbook: runbooks/template-compile-failures.md",
            "runbook: runbooks/pipeline-alerts.md",
        )
    });
    let d = dir.path();
    let read = |f: &str| std::fs::read_to_string(d.join("runbooks").join(f)).unwrap();
    // Each runbook one level down, its title now its alert's section.
    let nested = |f: &str| {
        read(f)
            .lines()
            .map(|l| {
                if l.starts_with('#') {
                    format!("#{l}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect::<String>()
    };
    let combined = format!(
        "# Pipeline alerts\n\n{}\n{}",
        nested("template-compile-failures.md"),
        nested("publication-stalled.md")
    );
    std::fs::write(d.join("runbooks/pipeline-alerts.md"), combined).unwrap();
    rules_link(d, "runbooks/pipeline-alerts.md");
    let rules = d.join("monitoring/alerts.yaml");
    let text = std::fs::read_to_string(&rules).unwrap().replacen(
        "runbook_url: runbooks/template-compile-failures.md",
        "runbook_url: runbooks/pipeline-alerts.md",
        1,
    );
    std::fs::write(rules, text).unwrap();
    let (code, report) = check_json(d);
    assert_eq!(failing(&report, "PROD-ALERTS-VERIFIED"), []);
    assert_eq!(code, 0, "{report:#}");
    // The heading alone, its steps left out: a section of no words.
    let headed = format!(
        "# Pipeline alerts\n\n{}\n## PublicationJobStalled\n",
        nested("template-compile-failures.md")
    );
    std::fs::write(d.join("runbooks/pipeline-alerts.md"), headed).unwrap();
    let (code, report) = check_json(d);
    assert_eq!(code, 1);
    let failed = failing(&report, "PROD-ALERTS-VERIFIED");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0]
            .1
            .contains("and the section headed `PublicationJobStalled` has 0 word(s)"),
        "{failed:?}"
    );
}

/// An alert's runbook that is another alert's, copied or linked under a name of its own, is
/// steps written for the other alert.
#[test]
fn an_alert_runbook_copied_or_linked_from_another_fails() {
    for how in ["copy", "symlink"] {
        // The manifest as it is (a comment aside): only the runbook changes.
        let dir =
            example_with(|t| t.replacen("# Readiness manifest", "# The readiness manifest", 1));
        let d = dir.path().join("runbooks");
        std::fs::remove_file(d.join("publication-stalled.md")).unwrap();
        if how == "copy" {
            std::fs::copy(
                d.join("template-compile-failures.md"),
                d.join("publication-stalled.md"),
            )
            .unwrap();
        } else {
            #[cfg(unix)]
            std::os::unix::fs::symlink(
                "template-compile-failures.md",
                d.join("publication-stalled.md"),
            )
            .unwrap();
            #[cfg(not(unix))]
            continue;
        }
        let (code, report) = check_json(dir.path());
        assert_eq!(code, 1, "{how}");
        assert_eq!(
            failing(&report, "PROD-ALERTS-VERIFIED"),
            [(
                line_of(&manifest_text(dir.path()), "PublicationJobStalled"),
                "alert `PublicationJobStalled`'s runbook `runbooks/publication-stalled.md` has the words of `runbooks/template-compile-failures.md`, word for word, and no heading of it names `PublicationJobStalled`: a copy (or a link to the file) under another name is steps written for something else; write this alert's runbook".to_string()
            )],
            "{how}"
        );
    }
}

/// An alert reading a name one letter from a signal's series selects nothing and never fires;
/// the same name written by a recording rule of the rule files is a series, and a histogram
/// signal's `_bucket` series is the signal's own.
#[test]
fn an_alert_over_a_misspelt_signal_fails_unless_a_rule_records_it() {
    let rules = |extra: &str, expr: &str| {
        let text = std::fs::read_to_string(
            common::root().join("examples/dashboard-factory/monitoring/alerts.yaml"),
        )
        .unwrap();
        let text = text.replacen("sum(rate(template_build_failures_total[10m]))", expr, 1);
        format!("{text}{extra}")
    };
    let recording = "      - record: template_build_failure_total\n        expr: sum(template_build_failures_total)\n";
    for (extra, expr, fails) in [
        ("", "sum(rate(template_build_failure_total[10m]))", true),
        (
            recording,
            "sum(rate(template_build_failure_total[10m]))",
            false,
        ),
        (
            "",
            "sum(rate(template_build_duration_seconds_bucket[10m]))",
            false,
        ),
        (
            "",
            "sum(rate(template_build_duration_second_bucket[10m]))",
            true,
        ),
    ] {
        let dir = example_with(|t| t.replacen("tier: 1", "tier: 2", 1));
        std::fs::write(
            dir.path().join("monitoring/alerts.yaml"),
            rules(extra, expr),
        )
        .unwrap();
        let (_, report) = check_json(dir.path());
        let got = failing(&report, "PROD-ALERTS-VERIFIED");
        assert_eq!(!got.is_empty(), fails, "{expr} {extra:?}: {got:?}");
        if fails {
            assert_eq!(got[0].0, 6, "{got:?}");
            assert!(got[0].1.contains("one slip from"), "{got:?}");
        }
    }
}
