"""The benchmark scripts still run and print their figures, on a tiny world.

Not a timing test: whether a goal is met (exit 0) or missed (exit 1) depends on the machine and is
not asserted. What is asserted is what does not depend on speed: the script finishes, prints its
table, writes its JSON, measured something, and the load benchmark saw no errors (a 5xx, a 4xx
without a problem document, a transport error) from the reference centre under concurrent clients.
The figures themselves are in benchmarks/README.md, measured with the default parameters."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow
# as a person runs them: not the harness's settings of the suite that runs this test
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("GJJ_", "PYTEST_"))}


def bench(script: str, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=ROOT, env=ENV,
                       capture_output=True, text=True, timeout=timeout, check=False)
    # exit 1 is "a goal missed", but also what an uncaught exception gives: tell them apart
    crashed = r.returncode not in (0, 1) or "Traceback (most recent call last)" in r.stderr
    assert not crashed, f"{script} crashed (exit {r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def test_load_benchmark_measures_every_kind_at_every_level_without_errors(tmp_path):
    out = tmp_path / "load.json"
    r = bench("bench_load.py", "--seconds", "1", "--warmup", "0.2", "--levels", "1,4", "--units", "4",
              "--employees", "40", "--json", str(out))
    assert "overall" in r.stdout and "errors at 4 client(s)" in r.stdout
    levels = json.loads(out.read_text(encoding="utf-8"))["levels"]
    assert set(levels) == {"1", "4"}
    for clients, level in levels.items():
        rows = level["rows"]
        assert set(rows) >= {"login", "roster", "account", "seal", "unseal", "back-pay", "overall"}
        for kind, row in rows.items():
            assert row["errors"] == 0, (clients, kind, row)
        assert rows["overall"]["requests"] > 0 and rows["overall"]["ok"] > 0
        assert 0 < rows["overall"]["p50_ms"] <= rows["overall"]["p99_ms"]


def test_load_benchmark_refuses_a_world_with_no_one_to_seal():
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_load.py"), "--employees", "30"], cwd=ROOT, env=ENV,
                       capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2 and "--employees must be > 30" in r.stderr


def test_simulator_benchmark_prints_its_table_and_figures(tmp_path):
    out = tmp_path / "sim.json"
    r = bench("bench_simulator.py", "--units", "3", "--employees", "40", "--batch", "3", "--requests", "10",
              "--warmup", "2", "--http-units", "2", "--pending", "20", "--json", str(out))
    assert "nightly update" in r.stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["seed"]["accounts"] == 120
    assert doc["roster_service"]["n"] == 10 and doc["roster_http"]["n"] == 10
    assert doc["nightly"]["pending"] == 20
    assert all(row["measured"] >= 0 for row in doc["table"])


def test_spec_benchmark_times_an_api_run(tmp_path):
    out = tmp_path / "spec.json"
    bench("bench_spec.py", "--runs", "1", "--json", str(out))
    (run,) = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert run["driver"] == "api" and run["exit"] == 0 and run["scenarios"] > 50 and run["median_ms"] > 0


def test_docs_benchmark_builds_the_site():
    r = bench("bench_docs.py", "--runs", "1")
    assert "median build time" in r.stdout and " pages, " in r.stdout
