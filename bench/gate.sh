#!/usr/bin/env bash
# Times `launchgate gate --all` on the dashboard-factory example over 86,400 tau cycle
# reports, one every 1.1 s (26.4 hours: general-availability's 24 h `after` plus canary-3's
# 120 m window, so every phase is evaluated in full). Prints wall time and peak RSS.
# Target (issue 11): peak under 50 MB.
# usage: bench/gate.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-86400}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$lines" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
now = 1795608000000
with open(f"{out}/events.jsonl", "w") as f:
    for k in range(n):
        ts = now - 500 - (n - 1 - k) * 1100
        f.write(json.dumps({"timestamp_unix_ms": ts, "health_state": "healthy",
            "health_reason": "no recent transport failures observed",
            "reason_codes": ["widget_views_updated", "control_actions_applied"],
            "discovered_cases": 3, "queued_cases": 3, "applied_cases": 3, "duplicate_skips": 0, "malformed_cases": 0,
            "retryable_failures": 0, "retry_attempts": 0, "failed_cases": 0, "upserted_widgets": 3,
            "control_actions_applied": 1, "backlog_cases": 0, "failure_streak": 0}, separators=(",", ":")) + "\n")
PY
[ -x target/release/launchgate ] || cargo build --release --locked -q
bytes=$(wc -c < "$work/events.jsonl")
echo "history: $lines lines, $bytes bytes"
/usr/bin/time -f "wall %e s, peak RSS %M KB" target/release/launchgate gate --all examples/dashboard-factory/readiness.yaml \
  --now 2026-11-25T12:00:00Z --status examples/dashboard-factory/fixtures/healthy-26h/status.json \
  --history "$work/events.jsonl" | tail -8 || true
