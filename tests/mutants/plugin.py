"""pytest plugin: run the specification against ONE variant of the embedded reference centre.

    GJJ_VARIANT=seal_before_arrival GJJ_VARIANT_OUT=/tmp/r.json \\
        python -m pytest steps -q -p tests.mutants.plugin -p no:cacheprovider

At ``pytest_configure`` (before the session fixture in steps/conftest.py builds the embedded
centre) the variant is applied; at the end a JSON report lists every failed scenario with its
tags (``guide-…``, ``id-…``), taken from the item's markers. GJJ_VARIANT empty or "reference"
runs the unpatched centre, as a control.

Only the embedded centre can be patched: a run with --target / GJJ_TARGET is refused.

Speed: steps/target.py binds its socket with proto 0, so asyncio does not set TCP_NODELAY on
accepted connections and every response waits ~40 ms for a delayed ACK (a spec run takes 14 s
instead of 4 s). The plugin sets TCP_NODELAY for these runs (transport only; nothing a scenario
observes changes). GJJ_VARIANT_NODELAY=0 turns that off.
"""
from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest

from .patching import Patcher, VariantPatchError

REFERENCE = "reference"
_state: dict = {}


def _nodelay() -> None:
    import asyncio.base_events as be

    def set_nodelay(sock):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    be._set_nodelay = set_nodelay


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get("GJJ_VARIANT", "") or REFERENCE
    out = os.environ.get("GJJ_VARIANT_OUT")
    try:
        target = config.getoption("--target")
    except ValueError:  # steps/conftest.py not loaded: not a specification run
        raise pytest.UsageError("tests.mutants.plugin: run it on the specification: pytest steps …") from None
    if target:
        raise pytest.UsageError("tests.mutants.plugin patches the embedded centre; drop --target / GJJ_TARGET")
    if os.environ.get("GJJ_VARIANT_NODELAY", "1") != "0":
        _nodelay()
    patcher = Patcher()
    variant = None
    if name != REFERENCE:
        from .variants import by_name
        try:
            variant = by_name(name)
            variant.apply(patcher)
        except (KeyError, VariantPatchError) as e:
            raise pytest.UsageError(f"变体 {name} 无法应用：{e}") from None
        if not patcher.patched:
            raise pytest.UsageError(f"变体 {name} 没有修改任何东西")
    _state.update(name=name, variant=variant, patcher=patcher, out=out, tags={}, failed=[], started=time.monotonic(),
                  counts={"passed": 0, "failed": 0, "skipped": 0, "error": 0})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items) -> None:
    # GJJ_VARIANT_SELECT: only the scenarios with one of these markers (guide-<clause>, id-<scenario>) run —
    # those citing the broken clause, or the ones known to kill the variant (runner.py says which)
    select = {m for m in os.environ.get("GJJ_VARIANT_SELECT", "").split(",") if m}
    if select:
        keep = [i for i in items if any(i.get_closest_marker(m) is not None for m in select)]
        dropped = [i for i in items if i not in keep]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep
    _state["tags"] = {item.nodeid: sorted({m.name for m in item.iter_markers()
                                           if m.name.startswith(("guide-", "id-"))}) for item in items}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    counts = _state.get("counts")
    if counts is None:
        return
    if report.failed:
        kind = "failed" if report.when == "call" else "error"
        counts[kind] += 1
        _state["failed"].append({"nodeid": report.nodeid, "when": report.when,
                                 "tags": _state["tags"].get(report.nodeid, []), "message": _message(report)})
    elif report.when == "call" and report.passed:
        counts["passed"] += 1
    elif report.skipped:
        counts["skipped"] += 1


def _message(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text.strip().splitlines()[0][:300] if text.strip() else ""


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _state or not _state.get("out"):
        return
    v = _state["variant"]
    result = {
        "variant": _state["name"],
        "clause": v.clause if v else None,
        "must_survive": v.must_survive if v else True,
        "patched": list(_state["patcher"].patched),
        "exitstatus": int(exitstatus),
        "collected": len(_state["tags"]),
        **_state["counts"],
        "failures": _state["failed"],
        "seconds": round(time.monotonic() - _state["started"], 2),
    }
    Path(_state["out"]).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


def pytest_unconfigure(config: pytest.Config) -> None:
    patcher = _state.get("patcher")
    if patcher is not None:
        patcher.undo()
