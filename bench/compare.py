#!/usr/bin/env python3
"""Compares launchgate with schema-only validators on one generated corpus, each at its best.

usage: compare.py [--sizes 1000,10000] [--runs 5] [--scale 1000,10000,100000] [--one 30]
                  [--slow-runs 1] [--work DIR] [--binary PATH]

For each size it generates a corpus (bench/gen.py; N service directories at DIR/team-*/svc-*/,
each a readiness.yaml with its runbooks, dashboard and rule file), then runs on the same
files and schema, interleaved (A B C D A B C D ...) so that load on a shared machine hits
every tool alike:

  launchgate check            full check: schema + policy + checklists + evidence
  launchgate --schema-only    YAML with positions + JSON Schema: the apples-to-apples row,
                              walking DIR as users run it, and handed the file list as the
                              peers are (no directory walk)
  launchgate --parse-only     launchgate's floor: discovery, reading, YAML, referenced files
  ajv-cli (npm)               schema only, its fastest honest invocation: -c ajv-formats, the
                              manifests as one explicit glob DIR/*/*/readiness.yaml (ajv-cli
                              expands it itself; node's recursive `**` costs it ~3 s per 10,000)
  check-jsonschema (PyPI)     schema only, given the file list

and prints, per tool and size: median wall time of --runs runs with min and max, files/s at
the median, median peak RSS, and ratios to ajv-cli's median. check-jsonschema is slow
(~65 s per 10,000): it runs --slow-runs times above 1,000 files.

--one N times the example manifest alone, process start included: given its directory, and
given its file as pre-commit passes it.
--scale also runs launchgate alone on larger corpora (1k / 10k / 100k) for wall, files/s and
peak memory. Tools not installed (scripts/install-test-tools.sh) are listed as missing. Exit
codes are not judged: invalid manifests (10% of the corpus) make every tool exit non-zero.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(ROOT, ".tools")
SCHEMA = os.path.join(ROOT, "schemas", "manifest.schema.json")
NOW = "2026-11-25T12:00:00Z"


def run(cmd):
    """Runs a command; returns (wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024.0


def tool(path):
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def corpus(work, size, invalid_share):
    d = os.path.join(work, f"n{size}")
    if not os.path.isdir(d):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), d, str(size),
                        "--invalid-share", invalid_share], check=True)
    return d


def files_of(d):
    return sorted(os.path.join(d, t, s, "readiness.yaml")
                  for t in os.listdir(d) for s in os.listdir(os.path.join(d, t)))


def measure(commands, runs, slow_runs, slow):
    """Interleaved runs; returns {name: [(wall, rss), ...]}."""
    results = {name: [] for name, _ in commands}
    for i in range(runs):
        # Rotate the start so no tool always runs first (cold caches) or last.
        order = commands[i % len(commands):] + commands[:i % len(commands)]
        for name, cmd in order:
            if name in slow and len(results[name]) >= slow_runs:
                continue
            results[name].append(run(cmd))
    return results


def summarize(samples):
    walls = [w for w, _ in samples]
    return statistics.median(walls), min(walls), max(walls), statistics.median(r for _, r in samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow-runs", type=int, default=1)
    ap.add_argument("--scale", default="", help="launchgate alone at these sizes, e.g. 1000,10000,100000")
    ap.add_argument("--one", type=int, default=0, help="runs on the one example manifest (pre-commit's cost)")
    ap.add_argument("--invalid-share", default="0.1")
    # Outside the repository: a corpus inside it would pick up its CODEOWNERS, policy and git.
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "launchgate-bench"))
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "launchgate"))
    args = ap.parse_args()
    if not os.path.isfile(args.binary):
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    lg = args.binary
    ajv = tool(os.path.join(TOOLS, "node", "node_modules", ".bin", "ajv"))
    cjs = tool(os.path.join(TOOLS, "venv", "bin", "check-jsonschema"))

    print(f"{'tool':<34} {'files':>7} {'median s':>9} {'min s':>7} {'max s':>7} {'runs':>4} "
          f"{'files/s':>8} {'peak MB':>8} {'vs ajv':>8}")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        d = corpus(args.work, size, args.invalid_share)
        files = files_of(d)
        n = len(files)
        commands = [
            ("launchgate check", [lg, "check", "-q", "--now", NOW, d]),
            ("launchgate check --schema-only", [lg, "check", "-q", "--schema-only", d]),
            # Handed the files, as ajv-cli and check-jsonschema are: no directory walk.
            ("launchgate --schema-only FILES", [lg, "check", "-q", "--schema-only"] + files),
            ("launchgate parse-only floor", [lg, "check", "--parse-only", d]),
        ]
        missing = []
        if ajv:
            commands.append(("ajv-cli (schema only)",
                             [ajv, "validate", "--spec=draft2020", "-c", "ajv-formats", "--strict=false",
                              "-s", SCHEMA, "-d", os.path.join(d, "*", "*", "readiness.yaml")]))
        else:
            missing.append("ajv-cli (schema only)")
        if cjs:
            commands.append(("check-jsonschema (schema only)", [cjs, "--schemafile", SCHEMA] + files))
        else:
            missing.append("check-jsonschema (schema only)")
        slow = {"check-jsonschema (schema only)"} if n > 1000 else set()
        results = measure(commands, args.runs, args.slow_runs, slow)
        ajv_median = summarize(results["ajv-cli (schema only)"])[0] if ajv else None
        for name, _ in commands:
            if not results[name]:
                print(f"{name:<34} {n:>7} {'skipped (--slow-runs 0)':>40}")
                continue
            med, lo, hi, rss = summarize(results[name])
            vs = f"{ajv_median / med:.2f}x" if ajv_median else "-"
            print(f"{name:<34} {n:>7} {med:>9.3f} {lo:>7.3f} {hi:>7.3f} {len(results[name]):>4} "
                  f"{n / med:>8.0f} {rss:>8.1f} {vs:>8}")
        for name in missing:
            print(f"{name:<34} {n:>7} {'missing: run scripts/install-test-tools.sh':>40}")
        sys.stdout.flush()

    if args.one:
        example = os.path.join(ROOT, "examples", "dashboard-factory")
        manifest = os.path.join(example, "readiness.yaml")
        commands = [
            ("launchgate check (one directory)", [lg, "check", "-q", "--now", NOW, example]),
            # What pre-commit runs: the hook passes the changed manifest's file name.
            ("launchgate check (one file)", [lg, "check", "-q", "--now", NOW, manifest]),
            ("launchgate --schema-only (one)", [lg, "check", "-q", "--schema-only", manifest]),
        ]
        if ajv:
            commands.append(("ajv-cli (one manifest)", [ajv, "validate", "--spec=draft2020", "-c", "ajv-formats",
                                                        "--strict=false", "-s", SCHEMA, "-d", manifest]))
        results = measure(commands, args.one, args.one, set())
        print(f"\n{'one manifest, process included':<34} {'median ms':>9} {'min ms':>7} {'max ms':>7} {'runs':>4}")
        for name, _ in commands:
            med, lo, hi, _ = summarize(results[name])
            print(f"{name:<34} {med * 1000:>9.1f} {lo * 1000:>7.1f} {hi * 1000:>7.1f} {len(results[name]):>4}")

    if args.scale:
        print(f"\n{'launchgate scale':<34} {'files':>7} {'median s':>9} {'min s':>7} {'max s':>7} {'runs':>4} "
              f"{'files/s':>8} {'peak MB':>8}")
        for size in [int(s) for s in args.scale.split(",") if s]:
            d = corpus(args.work, size, args.invalid_share)
            n = len(files_of(d))
            runs = args.runs if size <= 10000 else max(1, args.runs // 2)
            commands = [
                ("check", [lg, "check", "-q", "--now", NOW, d]),
                ("check --format json", [lg, "check", "--format", "json", "--now", NOW, d]),
                ("check --schema-only", [lg, "check", "-q", "--schema-only", d]),
            ]
            results = measure(commands, runs, runs, set())
            for name, _ in commands:
                med, lo, hi, rss = summarize(results[name])
                print(f"{name:<34} {n:>7} {med:>9.3f} {lo:>7.3f} {hi:>7.3f} {len(results[name]):>4} "
                      f"{n / med:>8.0f} {rss:>8.1f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
