#!/usr/bin/env python3
"""A/B timing of two launchgate binaries, interleaved in one loop.

On a noisy machine (a shared VM whose speed changes from day to day) a before/after ratio is
only honest when both binaries run in the same minutes: this runs every command with binary A,
then with B (then B, then A: the order alternates), round after round, and prints medians with
min and max.

Both binaries are first copied into one new temporary directory. A copy written minutes ago
started 1.5 to 2 ms sooner than the same bytes in a file written hours earlier (an A/A run,
2026-12-01): how a file sits in the page cache is part of what a start costs, so neither side may
bring its own history.

    git worktree add /tmp/lg-base REV
    (cd /tmp/lg-base && CARGO_TARGET_DIR=/tmp/lg-base-target cargo build --release --locked)
    python3 bench/ab.py /tmp/lg-base-target/release/launchgate target/release/launchgate \\
        --corpus /tmp/lgb/n10000 --rounds 60 --corpus-rounds 5 --monorepo /tmp/mono

(`bench/gen.py` builds the corpus, `bench/monorepo.py` the monorepo.)
"""

import argparse
import glob
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

EXAMPLE = "examples/dashboard-factory"


def timed(cmd):
    """Wall time and CPU time (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run(bins, commands, rounds, unit, scale):
    results = {}
    order = list(bins.items())
    for _ in range(rounds):
        for name, args in commands.items():
            for label, binary in order:
                results.setdefault((name, label), []).append(timed([binary, *args]))
        # Whichever runs second in a pair may find caches warmer or the CPU clocked up:
        # alternate, so that neither binary always has that place.
        order.reverse()
    results = dict(sorted(results.items(), key=lambda kv: (list(commands).index(kv[0][0]), kv[0][1])))
    # CPU time is printed too: on a shared machine it moves less than wall time when another
    # guest takes the cores, though it hides what parallelism gains or loses.
    for (name, label), runs in results.items():
        wall = [w * scale for w, _ in runs]
        cpu = [c * scale for _, c in runs]
        print(
            f"{name:<34} {label:<2} median {statistics.median(wall):8.2f} {unit}"
            f"  min {min(wall):8.2f}  max {max(wall):8.2f}"
            f"  cpu {statistics.median(cpu):8.2f} {unit}"
        )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a", help="binary A (before)")
    p.add_argument("b", help="binary B (after)")
    p.add_argument("--rounds", type=int, default=40, help="rounds of the one-manifest runs")
    p.add_argument("--corpus", help="a bench/gen.py corpus to check whole")
    p.add_argument("--corpus-rounds", type=int, default=5)
    p.add_argument("--monorepo", help="a bench/monorepo.py repository: one manifest in it")
    p.add_argument(
        "--manifest",
        action="append",
        default=[],
        help="another manifest to check alone (e.g. one outside any policy's reach); repeatable",
    )
    o = p.parse_args()
    scratch = tempfile.TemporaryDirectory(prefix="lg-ab-")
    bins = {}
    for label, path in (("A", o.a), ("B", o.b)):
        copy = os.path.join(scratch.name, f"launchgate-{label}")
        shutil.copy2(path, copy)
        bins[label] = copy
    one = {
        "check readiness.yaml": ["check", f"{EXAMPLE}/readiness.yaml", "-q"],
        "check DIR": ["check", EXAMPLE, "-q"],
        "check --schema-only readiness.yaml": [
            "check", "--schema-only", f"{EXAMPLE}/readiness.yaml", "-q",
        ],
        "--version": ["--version"],
    }
    if o.monorepo:
        one["check MONOREPO/svc/readiness.yaml"] = ["check", f"{o.monorepo}/svc/readiness.yaml", "-q"]
    for m in o.manifest:
        one[f"check {m}"] = ["check", m, "-q"]
    run(bins, one, o.rounds, "ms", 1000.0)
    if o.corpus:
        whole = {
            "check CORPUS": ["check", "-q", o.corpus],
            "check --schema-only CORPUS": ["check", "--schema-only", "-q", o.corpus],
        }
        # Handed the files, as ajv-cli is in bench/compare.py.
        files = sorted(
            glob.glob(os.path.join(o.corpus, "**", "readiness.yaml"), recursive=True)
            + glob.glob(os.path.join(o.corpus, "**", "*.readiness.yaml"), recursive=True)
        )
        # Past about a megabyte of paths the command line is too long (Linux allows 2 MB with
        # the environment): no row, rather than an OSError.
        if files and sum(len(f) + 1 for f in files) < 1_000_000:
            whole["check --schema-only FILES"] = ["check", "--schema-only", "-q", *files]
        elif files:
            print(f"(no FILES row: {len(files)} paths do not fit on one command line)")
        run(bins, whole, o.corpus_rounds, "s ", 1.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
