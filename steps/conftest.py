"""Runs the specification (features/) through a driver against a target.

Options (or environment variables):
  --target URL        GJJ_TARGET          base URL of the portal's API; default: embedded centre
  --control-url URL   GJJ_CONTROL_URL     base URL of its test control; default: the target
  --control-token T   GJJ_CONTROL_TOKEN   X-Sim-Token for test control
  --driver api        GJJ_DRIVER          how to talk to it (the browser driver comes later)
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from .drivers.api import ApiControl, ApiPortal, Http, dumps
from .dsl.operator import Operator
from .dsl.world import World
from .target import EmbeddedCentre, Target

FEATURES = Path(__file__).resolve().parents[1] / "features"
DEFAULT_START = "2025-03-05T10:00:00+08:00"  # a Wednesday morning: an ordinary working day
SKIP_IN_API = {"web": "需要浏览器：本场景只能在网页模式下验证（--driver web）",
               "offline": "线下办理：本条款在柜面或电话中完成，网上无法验证"}


def pytest_addoption(parser):
    g = parser.getgroup("gjj", "provident fund portal conformance")
    g.addoption("--target", default=os.environ.get("GJJ_TARGET"), help="portal API base URL")
    g.addoption("--control-url", default=os.environ.get("GJJ_CONTROL_URL"), help="test-control base URL")
    g.addoption("--control-token", default=os.environ.get("GJJ_CONTROL_TOKEN"), help="X-Sim-Token")
    g.addoption("--driver", default=os.environ.get("GJJ_DRIVER", "api"), choices=["api"], help="driver")


def pytest_configure(config):
    # Feature tags become markers: register every tag used, so --strict-markers stays on.
    for tag in sorted(_feature_tags()):
        config.addinivalue_line("markers", f"{tag}: feature tag")


def _feature_tags() -> set[str]:
    tags = set()
    for f in FEATURES.rglob("*.feature"):
        for line in f.read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if s.startswith("@"):
                tags.update(t.lstrip("@") for t in s.split() if t.startswith("@"))
    return tags


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker, reason in SKIP_IN_API.items():
            if item.get_closest_marker(marker) is not None:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def target(request) -> Target:
    url = request.config.getoption("--target")
    token = request.config.getoption("--control-token")
    if url:
        yield Target(url, request.config.getoption("--control-url") or url, token, embedded=False)
        return
    centre = EmbeddedCentre()
    base = centre.start()
    yield Target(base, base, None, embedded=True)
    centre.stop()


@pytest.fixture
def http_log():
    return []


@pytest.fixture
def world(target, http_log) -> World:
    http = Http(target.control_url)
    http.exchanges = http_log
    return World(ApiControl(http, target.control_token), DEFAULT_START)


@pytest.fixture
def operator(target, world, http_log) -> Operator:
    def portal():
        http = Http(target.base_url)
        http.exchanges = http_log  # one evidence log per scenario, in call order
        return ApiPortal(http)
    return Operator(world, portal)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        log = item.funcargs.get("http_log") if hasattr(item, "funcargs") else None
        if log:
            report.sections.append(("HTTP evidence", dumps(log)[-20000:]))
