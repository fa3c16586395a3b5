"""Runs the specification (features/) through a driver against a target.

Options (or environment variables):
  --target URL        GJJ_TARGET          base URL of the portal's API; default: embedded centre
  --control-url URL   GJJ_CONTROL_URL     base URL of its test control; default: the target
  --control-token T   GJJ_CONTROL_TOKEN   X-Sim-Token for test control
  --driver api|web|all GJJ_DRIVER         the JSON API, the browser (Playwright + Debian chromium), or both
  --locators FILE     GJJ_LOCATORS        TOML mapping of the portal contract's names to a vendor's
  --evidence-dir DIR  GJJ_EVIDENCE_DIR    where web mode keeps a failing scenario's screenshot, HTML, trace
  --ca-bundle PATH    GJJ_CA_BUNDLE       trust this CA (PEM) for an HTTPS target, e.g. `gjj serve --https`'s ca.pem
  --insecure          GJJ_INSECURE=1      do not verify the target's TLS certificate (test environments only)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from .drivers.api import ApiControl, ApiPortal, Http, dumps
from .browser_fixtures import browser, browser_context, playwright_instance  # noqa: F401  (fixtures)
from .dsl.operator import Operator
from .dsl.visitor import Visitor
from .dsl.world import World
from .target import EmbeddedCentre, Target

FEATURES = Path(__file__).resolve().parents[1] / "features"
DEFAULT_START = "2025-03-05T10:00:00+08:00"  # a Wednesday morning: an ordinary working day
SKIP_WEB_ONLY = "需要浏览器：本场景只能在网页模式下验证（--driver web）"
SKIP_OFFLINE = "线下办理：本条款在柜面或电话中完成，网上无法验证"


def pytest_addoption(parser):
    g = parser.getgroup("gjj", "provident fund portal conformance")
    g.addoption("--target", default=os.environ.get("GJJ_TARGET"), help="portal API base URL")
    g.addoption("--control-url", default=os.environ.get("GJJ_CONTROL_URL"), help="test-control base URL")
    g.addoption("--control-token", default=os.environ.get("GJJ_CONTROL_TOKEN"), help="X-Sim-Token")
    g.addoption("--driver", default=os.environ.get("GJJ_DRIVER", "api"), choices=["api", "web", "all"],
                help="api, web (browser) or all (every scenario through both)")
    g.addoption("--locators", default=os.environ.get("GJJ_LOCATORS"), metavar="FILE",
                help="TOML mapping of the portal contract's names to a vendor's (docs/web-portal.md)")
    g.addoption("--screenshots", default=os.environ.get("GJJ_SCREENSHOTS"), metavar="DIR",
                help="web mode: keep a screenshot of the screen every passing scenario ends on, by scenario ID")
    g.addoption("--evidence-dir", default=os.environ.get("GJJ_EVIDENCE_DIR"), metavar="DIR",
                help="where web mode writes a failing scenario's screenshot, HTML and trace (default out/evidence)")
    g.addoption("--ca-bundle", default=os.environ.get("GJJ_CA_BUNDLE") or None, metavar="PATH",
                help="CA certificate(s), PEM, to verify an HTTPS target with (env GJJ_CA_BUNDLE)")
    g.addoption("--insecure", action="store_true",
                default=os.environ.get("GJJ_INSECURE", "").strip().lower() in ("1", "true", "yes", "on"),
                help="do not verify the target's TLS certificate (env GJJ_INSECURE=1)")


def pytest_configure(config):
    # Feature tags become markers: register every tag used, so --strict-markers stays on.
    for tag in sorted(_feature_tags()):
        config.addinivalue_line("markers", f"{tag}: feature tag")
    config.stash[VERIFY] = _tls_verify(config)


VERIFY = pytest.StashKey[bool | str]()
INSECURE_WARNING = ("警告 / WARNING: --insecure: 不校验目标的 TLS 证书；仅限测试环境 / "
                    "the target's TLS certificate is NOT verified; use only against a test environment")


def _tls_verify(config) -> bool | str:
    """`verify` for every Http: the CA bundle's path, False for --insecure, else True (system CAs)."""
    bundle, insecure = config.getoption("--ca-bundle"), config.getoption("--insecure")
    if bundle and insecure:
        raise pytest.UsageError("--ca-bundle and --insecure (GJJ_CA_BUNDLE / GJJ_INSECURE) exclude each other: "
                                "give one")
    if bundle:
        path = Path(bundle).expanduser()
        if not path.is_file():
            raise pytest.UsageError(f"--ca-bundle {bundle}: no such file (the CA certificate, PEM, that "
                                    f"signed the target's certificate, e.g. ca.pem from `gjj serve --https`)")
        return str(path.resolve())
    if insecure:
        import urllib3  # one warning for the run (below), not one per request
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        config.addinivalue_line("filterwarnings", "ignore::urllib3.exceptions.InsecureRequestWarning")
        return False
    return True


def pytest_sessionstart(session):
    if session.config.stash.get(VERIFY, True) is False:
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line(INSECURE_WARNING, yellow=True, bold=True)
        else:
            print(INSECURE_WARNING, file=sys.stderr)


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
        kind = getattr(item, "callspec", None) and item.callspec.params.get("driver_kind")
        kind = kind or _kinds(config)[0]
        if item.get_closest_marker("offline") is not None:
            item.add_marker(pytest.mark.skip(reason=SKIP_OFFLINE))
        elif item.get_closest_marker("web") is not None and kind != "web":
            item.add_marker(pytest.mark.skip(reason=SKIP_WEB_ONLY))


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
def world(request, target, http_log) -> World:
    verify = request.config.stash[VERIFY]
    http = Http(target.control_url, verify=verify)
    http.exchanges = http_log
    return World(ApiControl(http, target.control_token), DEFAULT_START)


def _kinds(config) -> list[str]:
    chosen = config.getoption("--driver")
    return ["api", "web"] if chosen == "all" else [chosen]


def pytest_generate_tests(metafunc):
    # --driver all: every scenario runs once per driver, e.g. test_…[web]
    if "driver_kind" in metafunc.fixturenames and len(_kinds(metafunc.config)) > 1:
        metafunc.parametrize("driver_kind", _kinds(metafunc.config), indirect=True)


@pytest.fixture(autouse=True)
def driver_kind(request) -> str:
    return getattr(request, "param", None) or _kinds(request.config)[0]


@pytest.fixture
def client_env():
    from .drivers.browser import ClientEnv
    return ClientEnv()


@pytest.fixture
def operator(request, target, world, http_log, driver_kind) -> Operator:
    verify = request.config.stash[VERIFY]
    if driver_kind == "web":
        from .drivers.browser import BrowserPortal
        from .drivers.browser.locators import Locators
        context = request.getfixturevalue("browser_context")
        env = request.getfixturevalue("client_env")
        locators = Locators.load(request.config.getoption("--locators"))
        return Operator(world, lambda: BrowserPortal(context, target.base_url, locators, env))

    def portal():
        http = Http(target.base_url, verify=verify)
        http.exchanges = http_log  # one evidence log per scenario, in call order
        return ApiPortal(http)
    return Operator(world, portal)


@pytest.fixture
def visitor(operator) -> Visitor:
    return Visitor(operator)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)  # the browser context reads it to keep evidence
    if report.when == "call" and report.failed:
        log = item.funcargs.get("http_log") if hasattr(item, "funcargs") else None
        if log:
            report.sections.append(("HTTP evidence", dumps(log)[-20000:]))
