#!/usr/bin/env bash
# Runs the tests' real Prometheus (data before 2026-11-25T12:00:00Z, see
# tests/support/prom_data.rs) on 127.0.0.1:${PROMETHEUS_PORT:-9090} until stopped, for
# trying `launchgate gate` by hand. Needs scripts/install-test-tools.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo test --locked --test gate_prometheus serve -- --ignored --nocapture
