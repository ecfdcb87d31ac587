//! One failing edit of the passing example per checklist item and per schema section.

use crate::common::{check_json, example_with, failures, line_of};

/// One edit of the passing example per checklist item: the item (and only it, plus the
/// listed companions) must fail, at the line holding `at`.
#[test]
fn every_checklist_item_fails_when_its_evidence_is_missing() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (item, replace, with, line that must carry the finding)
        (
            "PROD-MONITORING",
            "  rules: [monitoring/alerts.yaml]\n",
            "",
            "alerts:",
        ),
        (
            "PROD-BACKUP-RESTORE",
            "last_restore_test: 2026-11-21",
            "last_restore_test: 2026-05-01",
            "last_restore_test:",
        ),
        (
            "PROD-SUPPORT-RUNBOOK",
            "reviewed_on: 2026-11-03",
            "reviewed_on: 2025-11-03",
            "reviewed_on:",
        ),
        (
            "PROD-ONCALL",
            "  support_hours: \"Mon-Fri 08:00-18:00 Europe/Berlin\"\n",
            "",
            "owners:",
        ),
        ("PROD-SLA", "sev1: 15m,", "sev4: 15m,", "owners:"),
        (
            "PROD-SIGNOFF",
            "  - { role: support, by: \"@carol\", date: 2026-11-12 }\n  - { role: review, by: \"@dana\", date: 2026-11-25 }\n",
            "",
            "signoffs:",
        ),
        (
            "PROD-ROLLBACK-TESTED",
            "last_tested: 2026-11-02",
            "last_tested: 2026-07-01",
            "last_tested:",
        ),
        (
            "PROD-ROLLBACK-5MIN",
            "max_minutes: 5",
            "max_minutes: 5.5",
            "max_minutes:",
        ),
        (
            "PROD-INCIDENT-RESPONSE",
            "incident: runbooks/incident-response.md",
            "incident: runbooks/monitoring.md",
            "incident: runbooks/monitoring.md",
        ),
        ("LAUNCH-RISKS", "    owner: \"@carol\"\n", "", "- id: R3"),
        (
            "LAUNCH-RUNBOOKS",
            "  comms: runbooks/comms-templates.md\n",
            "",
            "runbooks:",
        ),
        (
            "LAUNCH-OWNERS",
            "secondary: \"@bob\"",
            "secondary: \"@alice\"",
            "secondary:",
        ),
        (
            "LAUNCH-ESCALATION",
            "after: 1h }",
            "after: 10m }",
            "level: 3",
        ),
        (
            "LAUNCH-DASHBOARDS",
            "      dashboard: dashboards/template-pipeline.json\n      description: Time",
            "      description: Time",
            "- name: template_build_duration_seconds",
        ),
        (
            "LAUNCH-REHEARSAL",
            "findings_open: 0",
            "findings_open: 1",
            "findings_open:",
        ),
        (
            "LAUNCH-REVIEW",
            "  - { role: review, by: \"@dana\", date: 2026-11-25 }\n",
            "",
            "signoffs:",
        ),
        ("LAUNCH-COMMS", "  update_interval: 30m\n", "", "comms:"),
    ];
    for (item, from, to, at) in cases {
        let dir = example_with(|t| t.replacen(from, to, 1));
        let text = std::fs::read_to_string(dir.path().join("readiness.yaml")).unwrap();
        let (code, report) = check_json(dir.path());
        let got = failures(&report);
        assert_eq!(code, 1, "{item}: expected a failure, got {got:#?}");
        let line = line_of(&text, at);
        assert!(
            got.iter().any(|(i, l, _)| i == item && *l == line),
            "{item} should fail at line {line} ({at}); got {got:#?}"
        );
    }
}

/// Every schema section rejects a bad value at the node, not at line 1.
#[test]
fn every_schema_section_reports_at_the_node() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "service",
            "stage: prod",
            "stage: production",
            "not an allowed value",
        ),
        (
            "checklists",
            "checklists: [production, launch]",
            "checklists: [production, production]",
            "checklists",
        ),
        (
            "owners",
            "primary: \"@alice\"",
            "primary: alice",
            "owners.primary",
        ),
        (
            "escalation",
            "after: 15m }",
            "after: soon }",
            "owners.escalation[1].after",
        ),
        ("response_sla", "sev2: 1h", "p2: 1h", "p2"),
        (
            "telemetry",
            "kind: histogram",
            "kind: bar-chart",
            "telemetry.signals[1].kind",
        ),
        (
            "alerts",
            "severity: page, runbook: runbooks/publication",
            "severity: page, runbok: runbooks/publication",
            "unknown key `runbok`",
        ),
        (
            "runbooks",
            "reviewed_by: \"@carol\"",
            "reviewed_by: carol",
            "runbooks.support.reviewed_by",
        ),
        (
            "rollback",
            "strategy: git-revert",
            "strategy: pray",
            "rollback.strategy",
        ),
        ("backup", "rpo: 1h", "rpo: one hour", "backup.rpo"),
        (
            "comms",
            "status_page: https://status.acme-cloud.dev",
            "status_page: status.acme-cloud.dev",
            "comms.status_page",
        ),
        (
            "risks",
            "likelihood: medium\n    impact: high",
            "likelihood: often\n    impact: high",
            "risks[0].likelihood",
        ),
        (
            "rehearsal",
            "findings_open: 0",
            "findings_open: -1",
            "rehearsal.findings_open",
        ),
        (
            "signoffs",
            "date: 2026-11-25",
            "date: 2026-11-31",
            "calendar date",
        ),
        (
            "rollout",
            "max_staleness: 15m",
            "max_stalenes: 15m",
            "unknown key `max_stalenes` in `rollout`",
        ),
        (
            "phases",
            "traffic: 25",
            "traffic: 250",
            "rollout.phases[1].traffic",
        ),
        (
            "top level",
            "version: 1\n",
            "version: 1\nowner: \"@alice\"\n",
            "unknown key `owner` at the top level",
        ),
        ("version", "version: 1\n", "version: 2\n", "version"),
    ];
    for (section, from, to, expect) in cases {
        let dir = example_with(|t| t.replacen(from, to, 1));
        let text = std::fs::read_to_string(dir.path().join("readiness.yaml")).unwrap();
        let (code, report) = check_json(dir.path());
        assert_eq!(code, 1, "{section}");
        let got = failures(&report);
        let changed = to.lines().find(|l| !from.contains(l)).unwrap();
        let line = line_of(&text, changed.trim());
        assert!(
            got.iter()
                .any(|(i, l, m)| i == "LG-SCHEMA" && *l == line && m.contains(expect)),
            "{section}: expected LG-SCHEMA at line {line} mentioning `{expect}`; got {got:#?}"
        );
    }
}
