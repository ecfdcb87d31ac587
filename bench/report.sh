#!/usr/bin/env bash
# Times `launchgate report` over a generated organisation (bench/gen.py): N services checked
# and rendered into one HTML page, then the page alone from the JSON report.
# usage: bash bench/report.sh [N=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
work="${TMPDIR:-/tmp}/launchgate-bench"
corpus="$work/n$n"
[ -d "$corpus" ] || python3 bench/gen.py "$corpus" "$n"
cargo build --release --locked -q
bin=target/release/launchgate
$bin check -q --now 2026-11-25T12:00:00Z --format "json=$work/report-$n.json" "$corpus" >/dev/null || true
/usr/bin/time -f "report from $n manifests: %e s wall, %M KB peak" \
  $bin report "$corpus" --now 2026-11-25T12:00:00Z --format "html=$work/report-$n.html"
/usr/bin/time -f "report from a JSON report of $n manifests: %e s wall, %M KB peak" \
  $bin report "$work/report-$n.json" --now 2026-11-25T12:00:00Z --format "html=$work/report-$n.html"
ls -l "$work/report-$n.html"
