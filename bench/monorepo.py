#!/usr/bin/env python3
"""Builds a monorepo-shaped git repository: N tracked paths plus the example service.

What a pre-commit run in a large repository pays is mostly reading git's index, whose size
grows with every file in the repository, not with the manifest. The N paths share one empty
blob and are written straight into the index (`git update-index --index-info`), not to the
work tree, so a 100,000-path repository takes seconds to build and little disk:

    python3 bench/monorepo.py /tmp/mono 100000
    (cd /tmp/mono && launchgate check svc/readiness.yaml)
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "dashboard-factory")


def git(root, *args, stdin=None):
    env = dict(os.environ, GIT_AUTHOR_DATE="2026-11-01T10:00:00Z", GIT_COMMITTER_DATE="2026-11-01T10:00:00Z")
    return subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com",
         "-c", "commit.gpgsign=false", *args],
        cwd=root, input=stdin, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", help="where to build it (must not exist)")
    p.add_argument("files", type=int, nargs="?", default=100_000, help="tracked paths besides the service")
    o = p.parse_args()
    if os.path.exists(o.dir):
        sys.exit(f"{o.dir} exists; remove it first")
    os.makedirs(o.dir)
    git(o.dir, "init", "-q", "-b", "main")
    empty = git(o.dir, "hash-object", "-w", "--stdin", stdin="")
    per_dir = 100
    lines = "".join(
        f"100644 {empty}\tsrc/pkg{i // per_dir:05}/file{i % per_dir:03}.go\n" for i in range(o.files)
    )
    git(o.dir, "update-index", "--add", "--index-info", stdin=lines)
    git(o.dir, "commit", "-q", "-m", "monorepo")
    release = git(o.dir, "rev-parse", "HEAD")
    svc = os.path.join(o.dir, "svc")
    shutil.copytree(EXAMPLE, svc)
    # GitHub reads CODEOWNERS at the repository's root: the example's own moves there, for svc/.
    shutil.rmtree(os.path.join(svc, ".github"))
    os.makedirs(os.path.join(o.dir, ".github"))
    with open(os.path.join(o.dir, ".github", "CODEOWNERS"), "w", encoding="utf-8") as f:
        f.write("/svc/ @launchgate/dashboards-platform @alice\n")
    # The example's rollback target is a commit of launchgate's own history: here it is the
    # commit before the service, so the check does the same work and passes as it does there.
    manifest = os.path.join(svc, "readiness.yaml")
    with open(manifest, encoding="utf-8") as f:
        text = f.read()
    with open(manifest, "w", encoding="utf-8") as f:
        f.write(re.sub(r"known_good: [0-9a-f]{40}", f"known_good: {release}", text, count=1))
    git(o.dir, "add", "svc", ".github")
    git(o.dir, "commit", "-q", "-m", "service")
    size = os.path.getsize(os.path.join(o.dir, ".git", "index"))
    tracked = git(o.dir, "ls-files").count("\n") + 1
    print(f"{o.dir}: {tracked} tracked paths, index {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
