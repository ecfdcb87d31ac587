#!/usr/bin/env python3
"""Compares `launchgate check` with schema-only peers on one generated corpus.

usage: compare.py [--sizes 1000,10000] [--invalid-share 0.1] [--work DIR] [--skip-slow]

For each size it generates a corpus (bench/gen.py), then runs, on the same files and schema:
  launchgate check            full check: schema + checklists + evidence
  launchgate --parse-only     launchgate's floor: discovery, reading, YAML parsing
  ajv-cli (npm)               schema validation only
  check-jsonschema (PyPI)     schema validation only
and prints a table: tool, files, wall time, files/s, peak RSS, and ratios against
launchgate's full check. Tools not installed (scripts/install-test-tools.sh) are listed
as missing. Exit codes of the tools are not judged: invalid manifests make them fail.
"""
import argparse
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools")
SCHEMA = os.path.join(ROOT, "schemas", "manifest.schema.json")


def run(cmd, cwd=None):
    """Runs a command; returns (wall seconds, peak RSS in MB, exit code)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def tool(*candidates):
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--invalid-share", default="0.1")
    # Outside the repository: a corpus inside it would pick up its CODEOWNERS and git.
    ap.add_argument("--work", default=os.path.join(__import__("tempfile").gettempdir(), "launchgate-bench"))
    ap.add_argument("--skip-slow", action="store_true", help="skip check-jsonschema above 1000 files")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "launchgate"))
    args = ap.parse_args()
    if not os.path.isfile(args.binary):
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    ajv = tool(os.path.join(TOOLS, "node", "node_modules", ".bin", "ajv"))
    cjs = tool(os.path.join(TOOLS, "venv", "bin", "check-jsonschema"))
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus = os.path.join(args.work, f"n{size}")
        if not os.path.isdir(corpus):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), corpus, str(size),
                            "--invalid-share", args.invalid_share], check=True)
        files = sorted(glob.glob(os.path.join(corpus, "**", "readiness.yaml"), recursive=True))
        n = len(files)
        runs = [("launchgate check", [args.binary, "check", "-q", "--now", "2026-11-25T12:00:00Z", corpus]),
                ("launchgate parse-only floor", [args.binary, "check", "--parse-only", corpus])]
        if ajv:
            runs.append(("ajv-cli (schema only)", [ajv, "validate", "--spec=draft2020", "-c", "ajv-formats",
                                                   "--strict=false", "--errors=no", "-s", SCHEMA,
                                                   "-d", os.path.join(corpus, "**", "readiness.yaml")]))
        else:
            rows.append(("ajv-cli (schema only)", n, None, None, None))
        if cjs and not (args.skip_slow and n > 1000):
            runs.append(("check-jsonschema (schema only)", [cjs, "--schemafile", SCHEMA] + files))
        else:
            rows.append(("check-jsonschema (schema only)", n, None, None, None))
        for name, cmd in runs:
            wall, rss, _ = run(cmd, cwd=ROOT)
            rows.append((name, n, wall, rss, cmd))
    full = {r[1]: r[2] for r in rows if r[0] == "launchgate check"}
    print(f"{'tool':<32} {'files':>7} {'wall s':>8} {'files/s':>9} {'peak MB':>8} {'vs launchgate':>14}")
    for name, n, wall, rss, _ in rows:
        if wall is None:
            print(f"{name:<32} {n:>7} {'missing or skipped':>28}")
            continue
        ratio = wall / full[n] if full.get(n) else float("nan")
        print(f"{name:<32} {n:>7} {wall:>8.2f} {n / wall:>9.0f} {rss:>8.1f} {ratio:>13.2f}x")


if __name__ == "__main__":
    main()
