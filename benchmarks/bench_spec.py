"""Benchmark: the full API-mode specification run, from command to exit.

Prints the wall time of `python -m pytest steps` (a fresh process, embedded reference centre)
and the per-scenario durations (setup + call + teardown, from pytest's JUnit XML).
Goals on the 2-core reference machine: full run ≤ 20 s, per-scenario median ≤ 100 ms.

    .venv/bin/python benchmarks/bench_spec.py [--runs 3] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_WALL_S, GOAL_MEDIAN_MS = 20.0, 100.0


def one_run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider",
                               f"--junitxml={junit}"], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        wall = time.perf_counter() - started
        cases = ET.parse(junit).getroot().iter("testcase")
        ran = [float(c.get("time", 0)) * 1000 for c in cases if c.find("skipped") is None]
    return {"wall_s": wall, "exit": proc.returncode, "scenarios": len(ran),
            "median_ms": statistics.median(ran), "p95_ms": sorted(ran)[int(0.95 * (len(ran) - 1))],
            "max_ms": max(ran), "tail": proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    best = min(runs, key=lambda r: r["wall_s"])
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {args.runs} runs")
    for i, r in enumerate(runs, 1):
        print(f"  run {i}: {r['wall_s']:.2f} s wall, exit {r['exit']}, {r['scenarios']} scenarios run, "
              f"median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms — {r['tail']}")
    wall = statistics.median(r["wall_s"] for r in runs)
    median = statistics.median(r["median_ms"] for r in runs)
    rows = [("full API-mode run, command to exit (median of runs)", f"{wall:.2f} s", f"≤ {GOAL_WALL_S:.0f} s",
             wall <= GOAL_WALL_S),
            ("per-scenario median (median of runs)", f"{median:.1f} ms", f"≤ {GOAL_MEDIAN_MS:.0f} ms",
             median <= GOAL_MEDIAN_MS)]
    print(f"\n{'figure':55} {'measured':>10} {'goal':>10}  result")
    for name, got, goal, ok in rows:
        print(f"{name:55} {got:>10} {goal:>10}  {'PASS' if ok else 'MISS'}")
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "wall_s": wall, "median_ms": median, "best": best},
                                        indent=2), encoding="utf-8")
    return 0 if all(r[3] for r in rows) and all(r["exit"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
