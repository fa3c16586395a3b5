"""pytest plugin: record every scenario of a specification run for the reports.

    python -m pytest steps -p reports.collect --gjj-record OUT_DIR [--gjj-unmasked]

For each scenario it writes one JSON line to ``OUT_DIR/scenarios.jsonl`` (a ``reports.model.Scenario``)
and keeps its evidence under ``OUT_DIR/evidence/<key>/``: the HTTP exchanges of the scenario, and in
web mode the screenshot, page HTML and Playwright trace that steps/browser_fixtures.py keeps.
Personal data in evidence (ID numbers, names of the people the scenario created) is masked unless
``--gjj-unmasked``.

How an outcome is classified:
- ``failed``: an assertion of the specification (``SpecFailure``, any AssertionError): the portal
  answered, and the answer is against the clause;
- ``error``: anything else (``TargetError``, timeouts, refused connections, malformed answers, a
  fixture that could not set the world up): the harness could not complete the check;
- ``not_verifiable``: skipped, with the reason (offline clause, browser-only clause in API mode,
  no test control, capability not declared).
"""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from .model import Evidence, Failure, Scenario, Step

RECORD = pytest.StashKey[dict]()
REASON_CODES = (  # skip message prefix -> reason_code
    ("线下办理", "offline"),
    ("需要浏览器", "web_only"),
    ("没有测试控制接口", "no_test_control"),
    ("未声明", "capability"),
)
_ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9])")
_EXPECTED_ACTUAL = re.compile(r"^(?:应当|应为|应)(?P<expected>.+?)[，,]\s*实际(?:为|却|是)?[：:]?(?P<actual>.+)$", re.S)
INTERRUPTED = "运行被中断（超过时间上限或被手动终止），场景未完成 / interrupted: the run was stopped while this scenario ran"


def pytest_addoption(parser):
    g = parser.getgroup("gjj-report", "certification report")
    g.addoption("--gjj-record", metavar="DIR", default=None,
                help="record every scenario (steps, outcome, evidence) for the reports into DIR")
    g.addoption("--gjj-unmasked", action="store_true", default=False,
                help="keep ID numbers and names unmasked in the evidence (default: masked)")


def pytest_configure(config):
    out = config.getoption("--gjj-record")
    if not out:
        return
    out = Path(out)
    (out / "evidence").mkdir(parents=True, exist_ok=True)
    config.stash[RECORD] = {"out": out, "mask": not config.getoption("--gjj-unmasked"), "items": {}}
    # web evidence goes into the report, next to the HTTP evidence (unless the caller chose a folder)
    if hasattr(config.option, "evidence_dir") and not config.option.evidence_dir:
        config.option.evidence_dir = str(out / "evidence" / "_web")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """What was selected to run (after -m/-k): a clause whose selected scenarios never ran (the run was
    stopped) is then 'not completed', not 'not selected'."""
    st = _state(config)
    if st is None:
        return
    selected = [{"nodeid": i.nodeid, "clauses": sorted(m.name.removeprefix("guide-") for m in i.iter_markers()
                                                       if m.name.startswith("guide-"))} for i in items]
    (st["out"] / "selected.json").write_text(json.dumps(selected, ensure_ascii=False), encoding="utf-8")


def _state(config) -> dict | None:
    return config.stash.get(RECORD, None)


# --- per scenario ------------------------------------------------------------------------------------
def _template(item):
    from pytest_bdd.scenario import scenario_wrapper_template_registry
    fn = getattr(item, "obj", None)
    return scenario_wrapper_template_registry.get(fn) if fn is not None else None


def _entry(item) -> dict:
    st = _state(item.config)
    entry = st["items"].get(item.nodeid)
    if entry is None:
        entry = st["items"][item.nodeid] = {"steps": [], "started": time.perf_counter(), "outcome": None,
                                           "failure": None, "reason": None, "rendered": None}
    return entry


def pytest_runtest_setup(item):
    if _state(item.config) is not None:
        _entry(item)["started"] = time.perf_counter()


def pytest_bdd_before_scenario(request, feature, scenario):
    if _state(request.config) is not None:
        _entry(request.node)["rendered"] = scenario


def pytest_bdd_before_step(request, feature, scenario, step, step_func):
    if _state(request.config) is not None:
        _entry(request.node)["step_started"] = time.perf_counter()


def pytest_bdd_after_step(request, feature, scenario, step, step_func, step_func_args):
    if _state(request.config) is not None:
        e = _entry(request.node)
        e["steps"].append(("passed", time.perf_counter() - e.get("step_started", time.perf_counter())))


def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception):
    if _state(request.config) is not None:
        e = _entry(request.node)
        kind = "failed" if isinstance(exception, AssertionError) else "error"
        e["steps"].append((kind, time.perf_counter() - e.get("step_started", time.perf_counter())))


def pytest_bdd_step_func_lookup_error(request, feature, scenario, step, exception):
    if _state(request.config) is not None:
        _entry(request.node)["steps"].append(("error", 0.0))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    st = _state(item.config)
    if st is None:
        return
    report = outcome.get_result()
    e = _entry(item)
    # steps/conftest.py hangs the scenario's HTTP log and world on the item (pytest-bdd's fixtures
    # are requested by name at run time and never reach item.funcargs)
    if getattr(item, "gjj_http_log", None) is not None:
        e["http_log"] = item.gjj_http_log
    world = getattr(item, "gjj_world", None)
    if world is not None:
        e["names"] = {getattr(ref, "name", "") for ref in (getattr(world, "employees", {}) or {}).values()}
    if report.skipped and e["outcome"] is None:
        e["outcome"] = "not_verifiable"
        e["reason"] = _skip_reason(report)
    elif report.failed and e["outcome"] in (None, "passed"):
        exc = call.excinfo.value if call.excinfo is not None else None
        is_assertion = isinstance(exc, AssertionError) and report.when == "call"
        e["outcome"] = "failed" if is_assertion else "error"
        e["failure"] = _failure(exc, report, is_assertion)
    elif report.when == "call" and report.passed and e["outcome"] is None:
        e["outcome"] = "passed"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    # written after teardown: the browser context keeps its evidence when it closes
    outcome = yield
    st = _state(item.config)
    if st is None:
        return
    e = st["items"].pop(item.nodeid, None)
    if e is not None and outcome.excinfo is not None and issubclass(outcome.excinfo[0], KeyboardInterrupt):
        _interrupted(item, e)  # `gjj certify` stops the run with SIGINT when its time budget is spent
    if e is None or e["outcome"] is None:
        return
    scenario = _scenario(item, e, st)
    with (st["out"] / "scenarios.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(scenario.model_dump(mode="json"), ensure_ascii=False) + "\n")


def _interrupted(item, e: dict) -> None:
    """The scenario that was running when the run was interrupted: an error, with the step it was
    in and the exchanges so far (the last one the request it waited on); its teardown has not run."""
    if getattr(item, "gjj_http_log", None) is not None:
        e["http_log"] = item.gjj_http_log
    if "step_started" in e and len(e["steps"]) < len(_step_defs(e, item)):
        e["steps"].append(("error", time.perf_counter() - e["step_started"]))
    e["outcome"] = "error"
    e["failure"] = {"kind": "error", "message": INTERRUPTED, "expected": None, "actual": None,
                    "detail": INTERRUPTED + "\n" + "".join(f"{x.method} {x.url}: {x.error}\n"
                                                         for x in e.get("http_log") or [] if getattr(x, "error", None))}


def _step_defs(e: dict, item) -> list:
    template = _template(item)
    rendered = e["rendered"]
    return rendered.steps if rendered is not None else (template.steps if template is not None else [])


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return text.removeprefix("Skipped: ").strip()


def _failure(exc, report, is_assertion: bool) -> dict:
    if exc is not None:
        message = str(exc).strip() or type(exc).__name__
        if not is_assertion:
            message = f"{type(exc).__name__}: {message}"
    else:
        message = str(report.longrepr).strip().splitlines()[-1] if report.longrepr else "unknown"
    expected = actual = None
    m = _EXPECTED_ACTUAL.match(message.splitlines()[0]) if is_assertion else None
    if m:
        expected, actual = m.group("expected").strip(), m.group("actual").strip()
    if report.when == "setup" and not is_assertion:
        message = "准备场景时出错（setup）：" + message
    return {"kind": "fail" if is_assertion else "error", "message": message.splitlines()[0][:500],
            "expected": expected, "actual": actual, "detail": str(report.longrepr)[-4000:]}


def _reason_code(reason: str | None) -> str | None:
    if not reason:
        return None
    for prefix, code in REASON_CODES:
        if reason.startswith(prefix):
            return code
    return "skipped"


def _scenario(item, e: dict, st: dict) -> Scenario:
    template = _template(item)
    feature = template.feature if template is not None else None
    tags = sorted({m.name for m in item.iter_markers() if m.name.startswith(("guide-", "id-"))})
    ids = [t.removeprefix("id-") for t in tags if t.startswith("id-")]
    spec = getattr(item, "callspec", None)
    params = spec.params if spec else {}
    example = {str(k): str(v) for k, v in (params.get("_pytest_bdd_example") or {}).items()}
    driver = params.get("driver_kind") or item.config.getoption("--driver", "api")
    driver = "web" if driver == "web" else "api"
    row = spec.indices.get("_pytest_bdd_example") if spec else None
    key = (ids[0] if ids else item.name) + (f"[row{row + 1}]" if row is not None else "") + f"[{driver}]"

    step_defs = _step_defs(e, item)
    steps = []
    for i, s in enumerate(step_defs):
        outcome, took = e["steps"][i] if i < len(e["steps"]) else ("not_run", 0.0)
        if outcome == "not_run" and e["outcome"] == "not_verifiable":
            outcome = "skipped"
        steps.append(Step(keyword=s.keyword.strip(), text=s.name, outcome=outcome, duration_s=round(took, 4)))

    failure = None
    if e["failure"] is not None:
        failed_step = next((i for i, s in enumerate(steps) if s.outcome in ("failed", "error")), None)
        failure = Failure(step=failed_step, **e["failure"])
    mask = _masker(e.get("names", set()), st["mask"])
    if failure is not None:
        failure = failure.model_copy(update={"message": mask(failure.message), "detail": mask(failure.detail),
                                             "expected": mask(failure.expected) if failure.expected else None,
                                             "actual": mask(failure.actual) if failure.actual else None})
    evidence = _evidence(item, e.get("http_log") or [], key, st, mask) if e["outcome"] in ("failed", "error") else []
    reason = e["reason"]
    return Scenario(
        key=key, id=ids[0] if ids else item.name,
        name=(template.name if template is not None else item.name),
        feature=(feature.rel_filename if feature is not None else str(item.fspath)),
        feature_name=(feature.name if feature is not None else ""),
        line=(template.line_number if template is not None else 0),
        clauses=[t.removeprefix("guide-") for t in tags if t.startswith("guide-")],
        tags=tags, driver=driver, example=example, outcome=e["outcome"], reason=reason,
        reason_code=_reason_code(reason) if e["outcome"] == "not_verifiable" else None,
        duration_s=round(time.perf_counter() - e["started"], 3), steps=steps, failure=failure, evidence=evidence)


# --- evidence ------------------------------------------------------------------------------------------
def _safe(key: str) -> str:
    return re.sub(r"[^\w.-]+", "_", key)


def _masker(names: set[str], enabled: bool):
    """ID numbers keep their region code and check digit; names the world created keep their surname."""
    if not enabled:
        return lambda text: text
    names = {n for n in names if n and len(n) >= 2}

    def mask(text):
        if not isinstance(text, str):
            return text
        text = _ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(3), text)
        for n in sorted(names, key=len, reverse=True):
            text = text.replace(n, n[0] + "*" * (len(n) - 1))
        return text
    return mask


SECRET_KEYS = {"pin", "old_pin", "new_pin", "password", "password2", "query_password", "token", "csrf"}


def _without_secrets(value):
    """PINs, passwords and session tokens never reach a report, masked or not."""
    if isinstance(value, dict):
        return {k: ("******" if str(k).lower() in SECRET_KEYS and v else _without_secrets(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value


def _evidence(item, log: list, key: str, st: dict, mask) -> list[Evidence]:
    out: Path = st["out"]
    folder = out / "evidence" / _safe(key)
    found: list[Evidence] = []
    if log:
        folder.mkdir(parents=True, exist_ok=True)
        exchanges = [_without_secrets(dict(x.__dict__)) for x in log]
        text = mask(json.dumps(exchanges, ensure_ascii=False, indent=2, default=str))
        (folder / "http.json").write_text(text, encoding="utf-8")
        last = log[-1]
        label = f"{len(log)} 次 HTTP 交换 / exchanges; 最后 / last: {last.method} {last.url} → " \
                f"{last.status if last.status is not None else last.error} ({last.elapsed_ms:.0f} ms)"
        found.append(Evidence(kind="http", path=str((folder / "http.json").relative_to(out)), label=mask(label)))
    for name, value in getattr(item, "user_properties", []):
        if name != "evidence":
            continue
        source = Path(value)
        if not source.is_dir():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for f in sorted(source.iterdir()):
            target = folder / f.name
            if f.suffix == ".html":
                target.write_text(mask(f.read_text(encoding="utf-8", errors="replace")), encoding="utf-8")
            else:
                shutil.copyfile(f, target)
            kind = {".png": "screenshot", ".html": "html", ".zip": "trace"}.get(f.suffix, "log")
            label = {"screenshot": "截图 / screenshot", "html": "页面 HTML / page HTML",
                     "trace": "Playwright trace（npx playwright show-trace）"}.get(kind, f.name)
            found.append(Evidence(kind=kind, path=str(target.relative_to(out)), label=label))
        if source.resolve() != folder.resolve():
            shutil.rmtree(source, ignore_errors=True)
    return found
