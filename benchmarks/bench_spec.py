"""Benchmark: the full specification run, from command to exit, per driver and worker count.

Prints the wall time of `python -m pytest steps --driver D [-n N]` (a fresh process, embedded
reference centre) and the per-scenario durations (setup + call + teardown, from pytest's JUnit
XML; skipped scenarios left out). Goals on the 2-core reference machine:

    api : full run ≤ 20 s,  per-scenario median ≤ 100 ms     (serial)
    web : full run ≤ 300 s with two workers, per-scenario median ≤ 1.5 s (serial and two workers)

    .venv/bin/python benchmarks/bench_spec.py                        # API mode, serial, 3 runs
    .venv/bin/python benchmarks/bench_spec.py --driver web --workers 0,2 --runs 1
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
GOALS = {  # driver -> (wall-time goal in s and the worker count it applies to, median goal in ms)
    "api": ((20.0, 0), 100.0),
    "web": ((300.0, 2), 1500.0),
}
# a caller's own target or driver must not leak into the measurement
_ENV_DROP = ("GJJ_TARGET", "GJJ_CONTROL_URL", "GJJ_CONTROL_TOKEN", "GJJ_DRIVER")


def one_run(driver: str, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider", "--driver", driver,
               f"--junitxml={junit}", "--evidence-dir", str(Path(tmp) / "evidence")]
        if workers:
            cmd += ["-n", str(workers)]
        env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                              env={**env, "PYTHONDONTWRITEBYTECODE": "1"})
        wall = time.perf_counter() - started
        cases = ET.parse(junit).getroot().iter("testcase")
        ran = sorted(float(c.get("time", 0)) * 1000 for c in cases if c.find("skipped") is None)
    return {"driver": driver, "workers": workers, "wall_s": wall, "exit": proc.returncode, "scenarios": len(ran),
            "median_ms": statistics.median(ran), "p95_ms": ran[int(0.95 * (len(ran) - 1))], "max_ms": ran[-1],
            "tail": proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--driver", choices=sorted(GOALS), default="api")
    p.add_argument("--workers", default="0", help="comma-separated worker counts; 0 = serial (no xdist)")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    (wall_goal, wall_workers), median_goal = GOALS[args.driver]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; driver {args.driver}; "
          f"{args.runs} run(s) per configuration")
    rows, every = [], []
    for workers in (int(w) for w in args.workers.split(",")):
        label = "serial" if workers == 0 else f"-n {workers}"
        runs = [one_run(args.driver, workers) for _ in range(args.runs)]
        every += runs
        for i, r in enumerate(runs, 1):
            print(f"  {label} run {i}: {r['wall_s']:.1f} s wall, exit {r['exit']}, {r['scenarios']} scenarios run, "
                  f"median {r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms — {r['tail']}")
        wall = statistics.median(r["wall_s"] for r in runs)
        median = statistics.median(r["median_ms"] for r in runs)
        rows.append((f"full {args.driver}-mode run, {label}, command to exit", f"{wall:.1f} s",
                     f"≤ {wall_goal:.0f} s" if workers == wall_workers else "—",
                     wall <= wall_goal if workers == wall_workers else None))
        rows.append((f"per-scenario median, {label}", f"{median:.0f} ms", f"≤ {median_goal:.0f} ms",
                     median <= median_goal))
    print(f"\n{'figure':50} {'measured':>10} {'goal':>10}  result")
    for name, got, goal, ok in rows:
        print(f"{name:50} {got:>10} {goal:>10}  {'—' if ok is None else 'PASS' if ok else 'MISS'}")
    if args.json:
        args.json.write_text(json.dumps({"runs": every, "rows": rows}, indent=2, ensure_ascii=False),
                             encoding="utf-8")
    return 0 if all(r[3] is not False for r in rows) and all(r["exit"] == 0 for r in every) else 1


if __name__ == "__main__":
    sys.exit(main())
