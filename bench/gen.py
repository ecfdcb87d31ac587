#!/usr/bin/env python3
"""Generates a realistic corpus of readiness manifests with their runbook files.

usage: gen.py OUT_DIR COUNT [--invalid-share 0.1] [--seed 1]

Each service directory holds a ~75-line `readiness.yaml` (launch + production checklists)
and the runbooks, dashboard and rule files it names. A share of manifests is invalid
(schema errors, missing files, stale dates) so the checker exercises its failure paths.
Deterministic for a given seed.
"""
import argparse
import json
import os
import random

MANIFEST = """\
version: 1
service:
  name: {name}
  tier: {tier}
  stage: {stage}
  description: Service {name} of the generated benchmark corpus.
checklists: [production, launch]
owners:
  team: team-{team}
  primary: "@{primary}"
  secondary: "@{secondary}"
  support_hours: "Mon-Fri 08:00-18:00 Europe/Berlin"
  escalation:
    - {{ level: 1, contact: "#{name}-oncall", after: 0m }}
    - {{ level: 2, contact: "@{secondary}", after: 15m }}
  response_sla: {{ sev1: 15m, sev2: 1h }}
telemetry:
  signals:
    - {{ name: {metric}_requests_total, kind: counter, dashboard: dashboards/main.json }}
    - {{ name: {metric}_latency_seconds, kind: histogram, dashboard: dashboards/main.json }}
alerts:
  rules: [monitoring/alerts.yaml]
  required:
    - {{ alert: {alert}Down, severity: page, runbook: runbooks/incident.md }}
runbooks:
  monitoring: runbooks/monitoring.md
  incident: runbooks/incident.md
  rollback: runbooks/rollback.md
  comms: runbooks/comms.md
  restore: runbooks/restore.md
  support:
    path: runbooks/support.md
    reviewed_by: "@{primary}"
    reviewed_on: "{reviewed}"
rollback:
  strategy: git-revert
  known_good: v1.{tier}.0
  max_minutes: {max_minutes}
  last_tested: "{tested}"
backup:
  rpo: 1h
  rto: 4h
  last_restore_test: "{restored}"
comms:
  status_page: https://status.acme-cloud.dev/{name}
  support_channel: "#{name}-support"
  update_interval: 30m
  templates: runbooks/comms.md
risks:
  - id: R1
    failure_mode: the {name} queue backs up under launch load
    mitigation: autoscaling on queue depth and a paging alert
    owner: "@{primary}"
  - id: R2
    failure_mode: a bad release of {name} corrupts cached results
    mitigation: canary phases and a tested rollback
    owner: "@{secondary}"
  - id: R3
    failure_mode: the shared cache cluster evicts {name}'s entries under launch load and latency climbs
    dependency: the platform team's cache cluster
    mitigation: {name} falls back to the database and the latency alert pages on-call
    owner: "@{secondary}"
rehearsal:
  kind: tabletop
  date: "{rehearsed}"
  notes: runbooks/tabletop.md
  findings_open: 0
signoffs:
  - {{ role: engineering, by: "@{primary}", date: "{signed}" }}
  - {{ role: support, by: "@{supporter}", date: "{signed}" }}
  - {{ role: review, by: "@{reviewer}", date: "{signed}" }}
{extra}"""

RUNBOOK = "# {title}\n\n## Steps\n\n{steps}\n\n## Escalation\n\nPage `#{name}-oncall` first, then the secondary, `@{secondary}`, after 15 minutes.\n\n{filler}\n"

NOTES = "# Tabletop\n\nOn {rehearsed} the team walked through a failed deploy of {name}: paging, rollback and the first status update.\n\n## Findings\n\n- [x] The rollback runbook named an old dashboard; fixed.\n- [x] Nobody knew who posts updates; the comms lead is now named.\n"

# Each runbook's own steps (a runbook retitled from another is a copy, and fails).
STEPS = {
    "monitoring": "1. Open the {name} dashboard.\n2. Compare the error rate with last week.\n3. Note what changed.",
    "incident": "1. Declare the incident for {name}.\n2. Assign a lead and a scribe.\n3. Open the timeline.",
    "rollback": "1. Revert {name} to the known good release.\n2. Watch the error rate settle.\n3. Tell the channel.",
    "comms": "1. Post the first update for {name}.\n2. Update the status page hourly.\n3. Close with a summary.",
    "restore": "1. Restore the {name} database from the last snapshot.\n2. Compare its row counts with the snapshot's.\n3. Tell the channel.",
    "support": "1. Acknowledge the {name} ticket.\n2. Reproduce the report and collect logs.\n3. Route the defect.",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("count", type=int)
    ap.add_argument("--invalid-share", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    filler = " ".join(["Support answers within the SLA and routes defects to the owning team."] * 3)
    for i in range(args.count):
        name = f"svc-{i:05d}"
        d = os.path.join(args.out, f"team-{i % 50:02d}", name)
        os.makedirs(os.path.join(d, "runbooks"), exist_ok=True)
        os.makedirs(os.path.join(d, "dashboards"), exist_ok=True)
        os.makedirs(os.path.join(d, "monitoring"), exist_ok=True)
        fields = dict(
            name=name, tier=rnd.randint(1, 4), stage=rnd.choice(["mmp", "prod"]), team=i % 50,
            primary=f"owner{i}", secondary=f"backup{i}", reviewer=f"reviewer{i % 7}",
            supporter=f"support{i % 11}",
            metric=name.replace("-", "_"), alert="Svc" + str(i), reviewed="2026-11-03",
            max_minutes=rnd.choice([2, 3, 5]), tested="2026-11-02", restored="2026-10-20",
            rehearsed="2026-11-10", signed="2026-11-12", extra="",
        )
        if rnd.random() < args.invalid_share:
            kind = rnd.choice(["schema", "stale", "slow", "unknown-key"])
            if kind == "schema":
                fields["stage"] = "production"
            elif kind == "stale":
                fields["tested"] = "2026-01-05"
            elif kind == "slow":
                fields["max_minutes"] = 30
            else:
                fields["extra"] = "owner: \"@someone\"\n"
        with open(os.path.join(d, "readiness.yaml"), "w") as f:
            f.write(MANIFEST.format(**fields))
        for rb in ["monitoring", "incident", "rollback", "comms", "restore", "support"]:
            with open(os.path.join(d, "runbooks", rb + ".md"), "w") as f:
                f.write(RUNBOOK.format(title=rb.title(), name=name, filler=filler,
                                       steps=STEPS[rb].format(name=name),
                                       secondary=fields["secondary"]))
        with open(os.path.join(d, "runbooks", "tabletop.md"), "w") as f:
            f.write(NOTES.format(name=name, rehearsed=fields["rehearsed"]))
        with open(os.path.join(d, "dashboards", "main.json"), "w") as f:
            json.dump({"title": name, "panels": [{"id": 1, "title": "Requests", "targets": [
                {"expr": f"rate({fields['metric']}_requests_total[5m])"},
                {"expr": f"histogram_quantile(0.95, rate({fields['metric']}_latency_seconds_bucket[5m]))"}]}]}, f)
        with open(os.path.join(d, "monitoring", "alerts.yaml"), "w") as f:
            f.write(f"groups:\n  - name: {name}\n    rules:\n      - alert: {fields['alert']}Down\n"
                    f"        expr: up{{job=\"{name}\"}} == 0\n        for: 5m\n        labels:\n          severity: page\n"
                    f"        annotations:\n          runbook_url: ../runbooks/incident.md\n")


if __name__ == "__main__":
    main()
