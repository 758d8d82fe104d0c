"""How fast, and in how much memory, ``tarawa-kg site`` writes the web edition of the real data.

Usage (from the checkout, with the project's environment)::

    .venv/bin/python benchmarks/site.py              # into a new temporary folder, then again over it
    .venv/bin/python benchmarks/site.py --root /path/to/checkout

It loads the graph (``tarawa_kg.load_project``), then runs ``build_site`` twice in the same process:
once into a folder that does not exist yet (a first build) and once over it (a rebuild, which also
removes the previous site after the swap). For each it prints the wall time in seconds, the number
of HTML pages and of files, pages per second, and the process's peak resident memory (RSS, MB, from
``resource.getrusage``: the peak of the whole process so far, so it includes the loaded graph).
It also checks that the rebuild gave byte-identical files. The ≈ 1 M-triple data of
``benchmarks/generate.py`` can be given with ``--root``; it is not run by default.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=None, help="the checkout (default: this one)")
    args = parser.parse_args()

    from tarawa_kg.load import load_project
    from tarawa_kg.project import Project
    from tarawa_kg.site.generate import build_site

    project = Project(args.root)
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    kg = load_project(project)
    print(f"load: {len(kg)} triples in {time.perf_counter() - start:.2f} s, peak {peak_mb():.0f} MB")
    print(f"{'run':<10} {'seconds':>8} {'pages':>6} {'files':>6} {'pages/s':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="tarawa-kg-site-bench-") as tmp:
        out = Path(tmp) / "site"
        sums = []
        for run in ("first", "rebuild"):
            result = build_site(kg, out, project)
            print(f"{run:<10} {result.seconds:>8.2f} {result.pages:>6} {result.files:>6} "
                  f"{result.pages / result.seconds:>8.0f} {peak_mb():>8.0f}")
            sums.append(digest(out))
        print("rebuild byte-identical:", "yes" if sums[0] == sums[1] else "NO")
    return 0 if sums[0] == sums[1] else 1


if __name__ == "__main__":
    sys.exit(main())
