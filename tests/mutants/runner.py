"""Run the specification against variants, each in its own subprocess, a few at a time."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gjj import spec_run

from .plugin import REFERENCE
from .variants import CATALOGUE, Variant

ROOT = Path(__file__).resolve().parents[2]
KILLERS_FILE = Path(__file__).with_name("killers.toml")
WORKERS = 2             # this machine has 2 cores
TIMEOUT_SECONDS = 420   # a full API run takes ~5 s, a scoped one ~2 s; the full web run ~130 s


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


def _env(name: str, out: Path, select: Iterable[str]) -> dict:
    # spec_run strips every GJJ_ setting: the embedded centre must be the one patched, never a caller's target
    return spec_run.environment(
        GJJ_VARIANT=name, GJJ_VARIANT_OUT=str(out), GJJ_VARIANT_SELECT=",".join(select),
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))


def load_killers(path: Path = KILLERS_FILE) -> dict[str, list[str]]:
    """killers.toml: variant -> the scenario IDs known to kill it (from its API run)."""
    with path.open("rb") as f:
        return {name: list(ids) for name, ids in tomllib.load(f).items()}


KILLERS = load_killers()


def selection(v: Variant | None, driver: str, killers: dict[str, list[str]] | None = None) -> list[str]:
    """The markers of the scenarios a run needs ([] = all of them).

    A kill needs a scenario citing the variant's clause to fail, so a bad variant runs only those
    (`guide-<clause>`). Through the browser, where a scenario costs a second or more, a variant whose
    killers are known runs only them (`id-<scenario>`), and a must-survive variant only its clause's
    scenarios; through the API a must-survive variant runs everything (seconds). The reference runs
    everything through the API and, through the browser, every scenario a web variant runs: the
    control for exactly those."""
    killers = KILLERS if killers is None else killers
    if v is None:
        if driver == "api":
            return []
        return sorted({m for w in CATALOGUE if "web" in w.modes for m in selection(w, "web", killers)})
    if v.must_survive:
        return [v.tag] if driver == "web" else []
    if driver == "web" and killers.get(v.name):
        return [f"id-{k}" for k in killers[v.name]]
    return [v.tag]


def run_one(v: Variant | None, timeout: float = TIMEOUT_SECONDS, driver: str = "api",
            select: list[str] | None = None, first_kill: bool = True) -> Result:
    """Run the specification (`pytest steps --driver <driver>`) against one variant (None: the unpatched
    reference centre), on the scenarios `selection()` picks unless `select` names them. A bad variant's
    run stops at its first failure (every scenario left cites the clause: that failure is the kill)
    unless `first_kill` is False."""
    name = v.name if v else REFERENCE
    result = Result(name, v.clause if v else None, v.description if v else "参考实现（对照）",
                    v.must_survive if v else True, 0.0, driver=driver, gap=v.gap if v else None)
    select = selection(v, driver) if select is None else select
    scoped = bool(select)
    cmd = spec_run.command("-q", "--tb=no", "--driver", driver, plugins=("tests.mutants.plugin",))
    if first_kill and v is not None and not v.must_survive:
        cmd.append("--maxfail=1")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="gjj-variant-") as tmp:
        out = Path(tmp) / "result.json"
        cmd += ["--evidence-dir", str(Path(tmp) / "evidence")]  # a variant's failures are expected: keep none
        try:
            proc = subprocess.run(cmd, check=False, cwd=ROOT, env=_env(name, out, select),
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
    elif result.collected == 0 or (result.passed == 0 and not (scoped and v is not None and not v.must_survive)):
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
