"""Benchmark: `gjj docs` for the whole suite — every clause, feature file and policy parameter.

Builds the site N times (default 5) into a temporary folder, each in a fresh build (the sources are
re-read every time, as the command does) and prints each time and the median. Goal: median ≤ 10 s.
By default the builds run in this process (the first one pays the imports); ``--cold`` runs each as
its own ``python -m gjj docs`` process, which is what a person typing ``gjj docs`` waits for.

    .venv/bin/python benchmarks/bench_docs.py
    .venv/bin/python benchmarks/bench_docs.py --cold
    .venv/bin/python benchmarks/bench_docs.py --runs 9 --verdicts out/certify/verdicts.json --screenshots out/screens

Exit status 0 when the median meets the goal, 1 when it misses.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gjj.reports.docs.build import build_site

GOAL_S = 10.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 6, 30),
                   help="policy date (fixed by default, so two runs build the same pages)")
    p.add_argument("--verdicts", type=Path)
    p.add_argument("--screenshots", type=Path)
    p.add_argument("--cold", action="store_true", help="each build in a fresh Python process")
    args = p.parse_args(argv)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            out = Path(tmp) / "docs"
            t0 = time.perf_counter()
            if args.cold:
                cmd = [sys.executable, "-m", "gjj", "docs", "--out", str(out), "--as-of", args.as_of.isoformat()]
                cmd += ["--verdicts", str(args.verdicts)] if args.verdicts else []
                cmd += ["--screenshots", str(args.screenshots)] if args.screenshots else []
                subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
            else:
                build_site(out, verdicts=args.verdicts, as_of=args.as_of, screenshots=args.screenshots)
            times.append(time.perf_counter() - t0)
            pages = len(list(out.glob("*.html")))
            size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
            print(f"run {i + 1}: {times[-1]:.3f} s  ({pages} pages, {size / 1024:.0f} KiB)")
    median = statistics.median(times)
    verdict = "PASS" if median <= GOAL_S else "MISS"
    mode = "fresh process per build" if args.cold else "in process"
    print(f"median build time ({mode}): {median:.3f} s (min {min(times):.3f} s, max {max(times):.3f} s) — "
          f"goal ≤ {GOAL_S:.0f} s: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
