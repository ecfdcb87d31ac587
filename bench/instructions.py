#!/usr/bin/env python3
"""Instructions executed by launchgate binaries on one corpus, counted by valgrind's callgrind.

Wall time on a shared 2-core VM moves by 10-30% between runs, so a change worth 2% is invisible
to `bench/ab.py`. An instruction count is the same run after run: each binary checks the corpus
on one thread (RAYON_NUM_THREADS=1), under callgrind, and the script prints its total and, with
`--top`, the functions that hold the most instructions (inclusive: callees counted in). It
counts user-space instructions only: system calls, page faults and cache misses are not in it,
so it says what a change does to launchgate's own work, and `ab.py` what the machine makes of it.

    python3 bench/instructions.py /tmp/lg-before target/release/launchgate \\
        --corpus /tmp/lgb/n1000 --schema-only --top 25

Needs valgrind (Debian: `apt-get install valgrind`). About 20 s per binary for the full check of
1,000 manifests.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def count(binary, args, out):
    """Total instructions of one run; callgrind's profile is left in `out`."""
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary, *args]
    run = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", run.stderr)
    if not found:
        sys.exit(f"callgrind gave no count for {binary}:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def top(profile, n):
    """The `n` functions with the most inclusive instructions, one per name, plumbing left out."""
    if n <= 0:
        return []
    text = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", profile],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows, seen = [], set()
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) \(\s*([\d.]+)%\)\s+(?:\S*?\.(?:rs|c|h|S)|\?\?\?):(.+?)(?: \[.*\])?$", line)
        if not m:
            continue
        name = m.group(3).split("'")[0]
        # The threads and iterators every run goes through say nothing about where work goes.
        if name in seen or re.match(r"<?(std|core|alloc|rayon\w*)::|0x|\?\?\?|start_thread|clone", name):
            continue
        seen.add(name)
        rows.append((float(m.group(2)), name))
        if len(rows) == n:
            break
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binaries", nargs="+")
    p.add_argument("--corpus", required=True)
    p.add_argument("--schema-only", action="store_true", help="count `check --schema-only`")
    p.add_argument("--top", type=int, default=0, help="also list the N heaviest functions")
    a = p.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    args = ["check", "-q", "--now", "2026-12-01T00:00:00Z"]
    if a.schema_only:
        args.append("--schema-only")
    args.append(a.corpus)
    totals = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, binary in enumerate(a.binaries):
            profile = os.path.join(tmp, f"callgrind.{i}")
            total = count(binary, args, profile)
            totals.append(total)
            ratio = f"  {total / totals[0]:.3f}x the first" if i else ""
            print(f"{binary}: {total:,} instructions{ratio}")
            for share, name in top(profile, a.top):
                print(f"  {share:5.1f}%  {name}")


if __name__ == "__main__":
    main()
