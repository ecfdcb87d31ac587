#!/usr/bin/env bash
# Times `launchgate gate --all` on the dashboard-factory example over 24 hours of 1-second
# history (86,400 lines). Prints wall time and peak RSS. Target: < 0.5 s, < 50 MB.
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
        ts = now - (n - 1 - k) * 1000
        f.write(json.dumps({"timestamp_unix_ms": ts, "health_state": "healthy", "health_reason": "cycle completed",
            "reason_codes": ["healthy_cycle", "widget_views_updated", "control_actions_applied"],
            "discovered_cases": 3, "queued_cases": 3, "applied_cases": 3, "duplicate_skips": 0, "malformed_cases": 0,
            "retryable_failures": 0, "retry_attempts": 0, "failed_cases": 0, "upserted_widgets": 1000 + 3 * k,
            "control_actions_applied": 200 + k, "backlog_cases": 0, "failure_streak": 0}, separators=(",", ":")) + "\n")
PY
[ -x target/release/launchgate ] || cargo build --release --locked -q
bytes=$(wc -c < "$work/events.jsonl")
echo "history: $lines lines, $bytes bytes"
/usr/bin/time -f "wall %e s, peak RSS %M KB" target/release/launchgate gate --all examples/dashboard-factory/readiness.yaml \
  --now 2026-11-25T12:00:00Z --status examples/dashboard-factory/fixtures/healthy/status.json \
  --history "$work/events.jsonl" -q | tail -8 || true
