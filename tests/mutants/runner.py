"""Run the specification against variants, each in its own subprocess, a few at a time."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .plugin import REFERENCE
from .variants import Variant

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2             # this machine has 2 cores
TIMEOUT_SECONDS = 420   # an API run takes ~5 s (~15 s without TCP_NODELAY); the full web run ~130 s serial
# the embedded centre must be the one patched: never let a caller's target leak in
_TARGET_ENV = ("GJJ_TARGET", "GJJ_CONTROL_URL", "GJJ_CONTROL_TOKEN", "GJJ_DRIVER")


@dataclass
class Failure:
    nodeid: str
    tags: list[str]
    message: str
    when: str = "call"

    @property
    def scenario_id(self) -> str:
        ids = [t.removeprefix("id-") for t in self.tags if t.startswith("id-")]
        return ids[0] if ids else self.nodeid.split("::")[-1]


@dataclass
class Result:
    name: str
    clause: str | None
    description: str
    must_survive: bool
    seconds: float
    driver: str = "api"
    gap: str | None = None          # a known hole in features/ (reported, not asserted)
    error: str | None = None        # the run itself went wrong (no report, usage error, timeout)
    collected: int = 0
    passed: int = 0
    skipped: int = 0
    patched: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    output: str = ""

    @property
    def killed(self) -> bool:
        return self.error is None and bool(self.failures)

    @property
    def citing(self) -> list[Failure]:
        """Failed scenarios that cite the variant's clause."""
        tag = f"guide-{self.clause}"
        return [f for f in self.failures if tag in f.tags]

    @property
    def label(self) -> str:
        return self.name if self.driver == "api" else f"{self.name} [{self.driver}]"

    @property
    def verdict(self) -> str:
        if self.error:
            return "ERROR"
        if self.must_survive:
            return "survived" if not self.failures else "KILLED (over-constrained)"
        if self.gap:
            return "gap: survives" if not self.citing else "gap closed: killed, promote it"
        if not self.failures:
            return "SURVIVED"
        return "killed" if self.citing else "KILLED, not by its clause"

    @property
    def ok(self) -> bool:
        """As it should be: bad variants killed through their clause, the rest passing; gaps are only reported."""
        return self.verdict in ("killed", "survived") or (self.gap is not None and self.error is None)

    def explain(self) -> str:
        head = f"{self.label} ({self.clause or '—'}): {self.verdict}"
        if self.error:
            return head + f"\n    {self.error}\n" + _indent(self.output[-3000:])
        lines = [head, (f"    collected {self.collected}, passed {self.passed}, skipped {self.skipped}, "
                        f"failed {len(self.failures)}; patched: {', '.join(self.patched) or '—'}")]
        for f in self.failures:
            lines.append(f"    ✗ {f.scenario_id} [{' '.join(f.tags)}] {f.message}")
        return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("      " + ln for ln in text.splitlines())


def _env(name: str, out: Path, scoped: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _TARGET_ENV}
    env["GJJ_VARIANT"] = name
    env["GJJ_VARIANT_OUT"] = str(out)
    env["GJJ_VARIANT_SCOPE"] = "clause" if scoped else "all"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def run_one(v: Variant | None, timeout: float = TIMEOUT_SECONDS, driver: str = "api",
            scoped: bool | None = None) -> Result:
    """Run `python -m pytest steps --driver <driver>` against one variant (None: the unpatched
    reference centre). `scoped`: only the scenarios citing the variant's clause run — enough to
    judge a kill, which needs a citing scenario to fail; the default in web mode, where a full
    run takes minutes. The reference always runs everything."""
    name = v.name if v else REFERENCE
    result = Result(name, v.clause if v else None, v.description if v else "参考实现（对照）",
                    v.must_survive if v else True, 0.0, driver=driver, gap=v.gap if v else None)
    scoped = (driver == "web") if scoped is None else scoped
    cmd = [sys.executable, "-m", "pytest", "steps", "-q", "--tb=no", "-p", "tests.mutants.plugin",
           "-p", "no:cacheprovider", "--driver", driver]
    if scoped and v is not None and not v.must_survive:
        cmd.append("--maxfail=1")  # every scenario left cites the clause: the first failure is the kill
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gjj-variant-") as tmp:
        out = Path(tmp) / "result.json"
        cmd += ["--evidence-dir", str(Path(tmp) / "evidence")]  # a variant's failures are expected: keep none
        try:
            proc = subprocess.run(cmd, check=False, cwd=ROOT, env=_env(name, out, scoped and v is not None),
                                  capture_output=True, text=True, timeout=timeout)
            result.output = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as e:
            result.seconds = time.monotonic() - started
            result.error = f"timed out after {timeout:.0f} s"
            result.output = str(e.stdout or "") + str(e.stderr or "")
            return result
        result.seconds = time.monotonic() - started
        if not out.exists():
            result.error = f"no report (pytest exit code {proc.returncode})"
            return result
        data = json.loads(out.read_text(encoding="utf-8"))
    result.collected, result.passed, result.skipped = data["collected"], data["passed"], data["skipped"]
    result.patched = data["patched"]
    result.failures = [Failure(f["nodeid"], f["tags"], f["message"], f["when"]) for f in data["failures"]]
    if data["exitstatus"] not in (0, 1):  # 2 interrupted, 3 internal error, 4 usage, 5 nothing collected
        result.error = f"pytest exit code {data['exitstatus']}"
    elif result.collected == 0 or (result.passed == 0 and not (scoped and v is not None)):
        # a full run where nothing passes did not really run; a scoped run may fail every scenario it has
        result.error = "the specification did not run (nothing collected or nothing passed)"
    return result


def run_all(variants: Iterable[Variant], workers: int = WORKERS, reference: bool = True,
            progress=None, driver: str = "api") -> list[Result]:
    """Run the reference centre (a control: it must pass) and every variant meant for `driver`,
    `workers` at a time."""
    jobs: list[Variant | None] = ([None] if reference else []) + [v for v in variants if driver in v.modes]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_one, v, driver=driver) for v in jobs]
        results = []
        for fut in futures:
            r = fut.result()
            if progress:
                progress(r)
            results.append(r)
    return results


def summary(results: list[Result]) -> str:
    """Markdown: variant → clause → verdict → the @id scenarios that killed it; then the known gaps."""
    def ids(failures) -> str:
        return ", ".join("@id-" + i for i in sorted({f.scenario_id for f in failures})) or "—"

    main = [r for r in results if not r.gap]
    gaps = [r for r in results if r.gap]
    rows = ["| variant | clause | 说明 | verdict | killed by (scenarios citing the clause) | other failing scenarios |",
            "|---|---|---|---|---|---|"]
    for r in main:
        citing = r.citing
        rows.append(f"| `{r.name}` | {r.clause or '—'} | {r.description} | {r.verdict} | {ids(citing)} | "
                    f"{ids([f for f in r.failures if f not in citing])} |")
    bad = [r for r in main if not r.must_survive]
    good = [r for r in main if r.must_survive]
    rows += ["", (f"{sum(r.verdict == 'killed' for r in bad)}/{len(bad)} bad variants killed by a scenario citing "
                  f"their clause; {sum(r.verdict == 'survived' for r in good)}/{len(good)} runs that must pass "
                  f"(reference and must-survive variants) passed; "
                  f"{sum(r.seconds for r in results):.0f} s of specification runs in all.")]
    if gaps:
        rows += ["", "Known gaps (bad variants no scenario catches yet; reported, not asserted):", "",
                 "| variant | clause | 说明 | verdict | missing scenario |", "|---|---|---|---|---|"]
        rows += [f"| `{r.name}` | {r.clause} | {r.description} | {r.verdict} | {r.gap} |" for r in gaps]
    return "\n".join(rows)


def problems(results: list[Result]) -> list[str]:
    return [r.explain() for r in results if not r.ok]
