"""Fixtures for web mode: one Playwright per process (shared_playwright: every browser test of the
project uses it, since a second sync_playwright in the same thread fails with "Playwright Sync API
inside the asyncio loop"), one browser per test session, a fresh context per scenario, and the
evidence a failing scenario leaves (screenshot, page HTML, Playwright trace)."""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest

from .drivers.base import Slip

EVIDENCE_DEFAULT = Path("out") / "evidence"


_SHARED: dict = {"manager": None, "playwright": None, "users": 0}


@contextmanager
def shared_playwright():
    """The process's one sync Playwright, started by its first user and stopped when the last one ends."""
    if _SHARED["users"] == 0:
        from playwright.sync_api import sync_playwright
        _SHARED["manager"] = sync_playwright()
        _SHARED["playwright"] = _SHARED["manager"].__enter__()
    _SHARED["users"] += 1
    try:
        yield _SHARED["playwright"]
    finally:
        _SHARED["users"] -= 1
        if _SHARED["users"] == 0:
            manager, _SHARED["manager"], _SHARED["playwright"] = _SHARED["manager"], None, None
            manager.__exit__(None, None, None)


# Module scope, not session: while started, the sync API's Playwright keeps an event loop running in this
# thread, so in a process that runs other tests too (an xdist worker) asyncio.run() would fail. The
# specification is one module (test_features.py): pytest ends these when the process moves on to another
# module's tests, and a run of the specification alone starts them once.
@pytest.fixture(scope="module")
def playwright_instance():
    with shared_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(request, playwright_instance, target):
    from .drivers.browser import launch_browser
    from .drivers.browser.trust import chromium_args
    # --ca-bundle: the harness verifies the target with the bundle, then the browser trusts those keys only
    b = launch_browser(playwright_instance, executable=request.config.getoption("--chromium"),
                       extra_args=chromium_args(target.base_url,
                                                                     request.config.getoption("--ca-bundle")))
    yield b
    b.close()


@pytest.fixture
def browser_context(request, browser, target):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True,
                                  ignore_https_errors=request.config.getoption("--insecure"),
                                  viewport={"width": 1280, "height": 900})
    # DOM snapshots per action, no screencast: the frames cost ~20 % of a web run on 2 cores, and a
    # failing scenario keeps its own full-page screenshot anyway
    context.tracing.start(screenshots=False, snapshots=True, sources=False)
    yield context
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    shots = request.config.getoption("--screenshots")
    if shots and not failed:  # the screen each scenario ends on, named by its stable ID, for people to look at
        name = _screenshot(context, Path(shots), request.node)
        slip = getattr(getattr(request.node, "gjj_operator", None), "printed", None)
        if name and isinstance(slip, Slip):  # and the printed 汇（补）缴书 itself, as a person would see it
            _pdf_screenshot(slip.pdf, Path(shots) / f"{name}-slip.png")
    if failed:
        out = evidence_dir(request) / _safe(request.node.nodeid)
        out.mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(p for p in context.pages if not p.is_closed()):
            try:
                page.screenshot(path=str(out / f"page{i}.png"), full_page=True)
                (out / f"page{i}.html").write_text(page.content(), encoding="utf-8")
            except Exception as e:  # evidence must never hide the real failure
                (out / f"page{i}.error.txt").write_text(repr(e), encoding="utf-8")
        context.tracing.stop(path=str(out / "trace.zip"))
        request.node.user_properties.append(("evidence", str(out)))
    else:
        context.tracing.stop()
    context.close()


def _screenshot(context, folder: Path, node) -> str | None:
    pages = [p for p in context.pages if not p.is_closed()]
    if not pages:
        return None
    ids = [m.name for m in node.iter_markers() if m.name.startswith("id-")]
    spec = getattr(node, "callspec", None)
    rows = [f"{k.strip('_')}{i + 1}" for k, i in (spec.indices.items() if spec else ()) if k != "driver_kind"]
    name = "-".join([ids[0] if ids else _safe(node.name), *rows]).replace("pytest_bdd_example", "row")
    folder.mkdir(parents=True, exist_ok=True)
    pages[-1].screenshot(path=str(folder / f"{name}.png"), full_page=True)
    return name


def _pdf_screenshot(pdf: bytes, png: Path) -> None:
    """The first page of a PDF as a PNG (poppler's pdftoppm, installed by setup.sh)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        warnings.warn("pdftoppm (poppler-utils) is missing: no image of the printed slip", stacklevel=2)
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "slip.pdf"
        source.write_bytes(pdf)
        subprocess.run([exe, "-png", "-r", "110", "-singlefile", "-f", "1", str(source), str(png.with_suffix(""))],
                       check=True, timeout=60, capture_output=True)


def evidence_dir(request) -> Path:
    return Path(request.config.getoption("--evidence-dir") or EVIDENCE_DEFAULT)


def _safe(nodeid: str) -> str:
    return re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", nodeid)[-150:]
