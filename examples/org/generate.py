#!/usr/bin/env python3
"""Writes the example organisation of `launchgate report` from the dashboard-factory example.

Each service is the dashboard-factory manifest with a few edits (team, tier, stage, and what
makes it fail, wait for a waiver or age towards its checklist's limit), so every manifest has
the shape of a real one. The evidence files are shared under `shared/`. Services of a fourth
team live in "another repository": a shallow clone built in a temporary directory and checked
there with `launchgate check --format json`, written to `reports/data-platform.json` (shallow,
so its services hold on what only the history shows: the known-good release, and whether a
runbook changed after the review or test the manifest records).

    python3 examples/org/generate.py [path/to/launchgate [OUT]]

OUT is where the organisation is written, this directory by default (the tests write it
elsewhere and compare: the committed files are what this script writes).

Dates are relative to the tests' evaluation time, 2026-11-25.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLE = os.path.join(ROOT, "examples", "dashboard-factory")
NOW = "2026-11-25T12:00:00Z"

TEMPLATE = open(os.path.join(EXAMPLE, "readiness.yaml"), encoding="utf-8").read()
# The rollout phases are gate input, not readiness evidence; the scorecard does not need them.
TEMPLATE = TEMPLATE[: TEMPLATE.index("\nrollout:")] + "\n"
TEMPLATE = re.sub(r"^# yaml-language-server.*\n#\n(#.*\n)*", "", TEMPLATE, flags=re.M)


def waiver(item, reason, by, granted, expires):
    return (
        "\nwaivers:\n"
        f'  - {{ item: {item}, reason: "{reason}", approved_by: "{by}", granted: {granted}, expires: {expires} }}\n'
    )


# (team, service, tier, stage, [(old, new), ...], extra YAML)
SERVICES = [
    ("payments", "checkout-api", 1, "prod", [("last_tested: 2026-11-02", "last_tested: 2026-09-01")], ""),
    ("payments", "ledger", 1, "prod", [("last_restore_test: 2026-11-21", "last_restore_test: 2026-07-01")], ""),
    ("payments", "invoice-mailer", 3, "mvp", [], ""),
    (
        "payments",
        "fraud-scoring",
        2,
        "prod",
        [("last_restore_test: 2026-11-21", "last_restore_test: 2026-07-15")],
        waiver(
            "PROD-BACKUP-RESTORE",
            "the restore drill moved to the December game day",
            "@payments-director",
            "2026-11-20",
            "2026-12-03",
        ),
    ),
    (
        "search",
        "search-api",
        1,
        "prod",
        [("date: 2026-11-10", "date: 2026-08-01"), ("max_minutes: 5", "max_minutes: 15")],
        "",
    ),
    ("search", "indexer", 2, "mmp", [("reviewed_on: 2026-11-03", "reviewed_on: 2026-06-10")], ""),
    (
        "search",
        "query-suggest",
        3,
        "mvp",
        [('{ level: 2, contact: "@dash-leads", after: 15m }', '{ level: 2, contact: "@dash-leads", after: 0m }')],
        "",
    ),
    (
        "search",
        "ranking",
        2,
        "prod",
        [('  - { role: review, by: "@dana", date: 2026-11-25 }\n', "")],
        waiver(
            "LAUNCH-REVIEW",
            "launch review scheduled with the new search council",
            "@search-director",
            "2026-11-18",
            "2026-12-20",
        ),
    ),
    ("search", "crawler", 3, "poc", [], ""),
    ("platform", "dashboard-factory", 1, "prod", [], ""),
    ("platform", "auth-gateway", 1, "prod", [('  secondary: "@bob"\n', "")], ""),
    (
        "platform",
        "config-service",
        2,
        "prod",
        [
            ('    - { level: 2, contact: "@dash-leads", after: 15m }\n', ""),
            ('    - { level: 3, contact: "@platform-director", after: 1h }\n', ""),
        ],
        "",
    ),
    (
        "platform",
        "metrics-gateway",
        2,
        "mmp",
        [
            ("date: 2026-11-10", "date: 2026-10-01"),
            ("notes: runbooks/tabletop-2026-11-10.md", "notes: runbooks/tabletop-2026-10-01.md"),
        ],
        "",
    ),
]

# The fourth team's repository, reported as JSON.
REMOTE = [
    (
        "data",
        "warehouse-loader",
        2,
        "prod",
        [("last_restore_test: 2026-11-21", "last_restore_test: 2026-09-05")],
        "",
    ),
    (
        "data",
        "stream-router",
        1,
        "prod",
        [("response_sla: { sev1: 15m, sev2: 1h, sev3: 1d }", "response_sla: { sev1: 2h, sev2: 1h }"),
         ("date: 2026-11-10", "date: 2026-08-20")],
        waiver(
            "LAUNCH-REHEARSAL",
            "the tabletop is booked for the first week of December",
            "@data-director",
            "2026-11-21",
            "2026-11-28",
        ),
    ),
    ("data", "lineage-api", 3, "mvp", [], ""),
]


OLDER_TABLETOP = """# Tabletop, 2026-10-01

Scenario: the metrics gateway loses its upstream scrape targets during a region failover.

## Findings

1. Nobody knew which dashboard showed scrape failures. Resolved: linked from `monitoring.md`.
2. The failover drill skipped the rollback step. Resolved: rehearsed with `rollback.md`.

No findings open.
"""


def manifest(team, name, tier, stage, edits, extra, known_good=None):
    text = TEMPLATE
    for old, new in edits:
        if old not in text:
            sys.exit(f"{name}: edit target not found: {old!r}")
        text = text.replace(old, new, 1)
    text = text.replace("name: dashboard-factory", f"name: {name}", 1)
    text = text.replace("tier: 1", f"tier: {tier}", 1)
    text = text.replace("stage: prod", f"stage: {stage}", 1)
    text = text.replace("team: dashboards-platform", f"team: {team}", 1)
    if known_good:
        text = re.sub(r"known_good: \S+.*", f"known_good: {known_good}", text, count=1)
    text = re.sub(r"(?<=[\s\[])(dashboards|monitoring|runbooks)/", r"../../shared/\1/", text)
    header = (
        "# yaml-language-server: $schema=../../../../schemas/manifest.schema.json\n"
        "# Generated by examples/org/generate.py from examples/dashboard-factory/readiness.yaml.\n"
    )
    return header + text + extra


def write_org(base, services, known_good=None):
    shared = os.path.join(base, "shared")
    for sub in ("dashboards", "monitoring", "runbooks"):
        shutil.rmtree(os.path.join(shared, sub), ignore_errors=True)
        shutil.copytree(os.path.join(EXAMPLE, sub), os.path.join(shared, sub))
    # metrics-gateway's older tabletop: notes of its own day, as LAUNCH-REHEARSAL asks.
    with open(os.path.join(shared, "runbooks", "tabletop-2026-10-01.md"), "w", encoding="utf-8") as f:
        f.write(OLDER_TABLETOP)
    # The rule file's runbook links resolve beside it, since the manifests live elsewhere.
    rules = os.path.join(shared, "monitoring", "alerts.yaml")
    text = open(rules, encoding="utf-8").read().replace("runbook_url: runbooks/", "runbook_url: ../runbooks/")
    with open(rules, "w", encoding="utf-8") as f:
        f.write(text)
    for team, name, tier, stage, edits, extra in services:
        d = os.path.join(base, team, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "readiness.yaml"), "w", encoding="utf-8") as f:
            f.write(manifest(team, name, tier, stage, edits, extra, known_good))


def git(d, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false",
         "-c", "protocol.file.allow=always", *args],
        cwd=d, check=True, stdout=subprocess.DEVNULL,
    )


def main():
    launchgate = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "launchgate")
    base = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else HERE
    write_org(base, SERVICES)
    with tempfile.TemporaryDirectory() as tmp:
        origin = os.path.join(tmp, "origin")
        os.makedirs(os.path.join(origin, ".github"))
        with open(os.path.join(origin, ".github", "CODEOWNERS"), "w") as f:
            f.write("* @data-platform/data\n")
        write_org(origin, REMOTE, known_good="v1.4.2")
        git(origin, "init", "-q", "-b", "main")
        git(origin, "add", ".")
        git(origin, "commit", "-q", "-m", "previous release")
        git(origin, "tag", "v1.4.2")
        with open(os.path.join(origin, "NEWS.md"), "w") as f:
            f.write("this release\n")
        git(origin, "add", ".")
        git(origin, "commit", "-q", "-m", "this release")
        clone = os.path.join(tmp, "data-platform")
        git(tmp, "clone", "-q", "--depth", "1", "file://" + origin, clone)
        out = os.path.join(base, "reports", "data-platform.json")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        code = subprocess.run(
            [launchgate, "check", "--now", NOW, "--format", "json=" + out, "data"], cwd=clone
        ).returncode
        if code not in (0, 1, 3):
            sys.exit(f"launchgate check failed with exit code {code}")


if __name__ == "__main__":
    main()
