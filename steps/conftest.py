"""Runs the specification (features/) through a driver against a target.

Options (or environment variables):
  --target URL        GJJ_TARGET          base URL of the portal's API; default: embedded centre
  --control-url URL   GJJ_CONTROL_URL     base URL of its test control; default: the target
  --control-token T   GJJ_CONTROL_TOKEN   the control token (X-Sim-Token; a control plug-in sends it its own way)
  --driver api|web|all GJJ_DRIVER         the JSON API, the browser (Playwright + Debian chromium), or both
  --locators FILE     GJJ_LOCATORS        TOML mapping of the portal contract's names to a vendor's
  --evidence-dir DIR  GJJ_EVIDENCE_DIR    where web mode keeps a failing scenario's screenshot, HTML, trace
  --ca-bundle PATH    GJJ_CA_BUNDLE       trust this CA (PEM) for an HTTPS target, e.g. `gjj serve --https`'s ca.pem
  --insecure          GJJ_INSECURE=1      do not verify the target's TLS certificate (test environments only)
  --no-control                            the target has no test control: scenarios needing it are not verifiable
  --capabilities LIST                     the businesses the target offers (comma-separated; default all)
  --driver-plugin P                       API mode through a vendor's driver: entry point in gjj.drivers or module:attr
  --control-plugin P  GJJ_CONTROL_PLUGIN  test control through a vendor's control: entry point in gjj.control or
                                          module:attr (default: the reference /_sim/ client, gjj/control/sim.py)
  --target-policy F   GJJ_TARGET_POLICY   the policy values in use, as `gjj certify`'s pre-flight read them (JSON);
                                          default: read once from the control at the start
  --request-timeout S                     seconds per HTTP request (default 10)
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from gjj.features.reader import FeatureParseError, feature_files, read as read_feature
from gjj.fixtures.policy_values import in_use as policy_in_use
from gjj.steps.drivers.api import ApiControl, ApiPortal, Http, dumps
from gjj.steps.drivers.base import ControlRefused
from gjj.steps.browser_fixtures import browser, browser_context, playwright_instance  # noqa: F401  (fixtures)
from gjj.steps.dsl.failures import CapabilityNotDeclared
from gjj.steps.dsl.operator import Operator
from gjj.steps.dsl.visitor import Visitor
from gjj.steps.dsl.world import World
from gjj.steps.target import EmbeddedCentre, Target

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
    g.addoption("--no-control", action="store_true", default=False,
                help="the target offers no test control: scenarios that need it are skipped as not verifiable")
    g.addoption("--capabilities", default=None, metavar="LIST",
                help="comma-separated businesses the target offers (establish,seal,…,print_slip); default: all")
    g.addoption("--driver-plugin", default=os.environ.get("GJJ_DRIVER_PLUGIN"), metavar="NAME|module:attr",
                help="API mode through a vendor's driver: an entry point of group gjj.drivers, or module:attr; "
                     "called with (http) and returning a PortalDriver")
    g.addoption("--control-plugin", default=os.environ.get("GJJ_CONTROL_PLUGIN"), metavar="NAME|module:attr",
                help="test control through a vendor's control: an entry point of group gjj.control, or module:attr; "
                     "called with (http, token) and returning a ControlDriver (default: the reference /_sim/)")
    g.addoption("--target-policy", default=os.environ.get("GJJ_TARGET_POLICY"), metavar="FILE",
                help="the policy values in use (JSON, written by gjj certify's pre-flight); default: read from the "
                     "control once at the start")
    g.addoption("--as-of", default=os.environ.get("GJJ_AS_OF", "2025-03-05"), metavar="YYYY-MM-DD",
                help="检查基准日: the working day the policy-driven scenarios run on, with the policy in force then")
    g.addoption("--policy-dir", default=os.environ.get("GJJ_POLICY_DIR"), metavar="DIR",
                help="the dated policy data the expectations (and the embedded centre) follow; default fixtures/policy")
    g.addoption("--chromium", default=os.environ.get("GJJ_CHROMIUM", "/usr/bin/chromium"), metavar="PATH",
                help="the Chromium the browser driver starts (default /usr/bin/chromium)")
    g.addoption("--request-timeout", type=float, default=10.0, metavar="S", help="seconds per HTTP request")
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
    """Every tag of the specification (Feature, Rule, scenario, Examples), as the feature reader finds it.
    A file that does not parse is left to pytest-bdd, which reports it when it collects the file."""
    tags = set()
    for path in feature_files():
        try:
            feature = read_feature(path)
        except FeatureParseError:
            continue
        if feature is not None:
            tags.update(t.name for t in feature.all_tags())
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
        control = None if request.config.getoption("--no-control") else (
            request.config.getoption("--control-url") or url)
        yield Target(url, control, token, embedded=False)
        return
    policy_dir = request.config.getoption("--policy-dir")
    with EmbeddedCentre(policy_dir=Path(policy_dir) if policy_dir else None) as centre:
        yield Target(centre.base_url, centre.base_url, None, embedded=True)


@pytest.fixture
def http_log(request):
    # the steps ask for fixtures by name at run time (pytest-bdd), so they never reach item.funcargs:
    # the scenario's evidence hangs on the item itself for the report hooks
    log: list = []
    request.node.gjj_http_log = log
    return log


@pytest.fixture(scope="session")
def control_factory(request, target):
    """Makes the target's test control over a transport: the reference /_sim/ client, or the plug-in."""
    spec = request.config.getoption("--control-plugin")
    if not spec:
        return lambda http: ApiControl(http, target.control_token)
    from gjj.plugins import load_control_plugin
    try:
        factory = load_control_plugin(spec)
    except (ImportError, AttributeError, LookupError) as e:
        raise pytest.UsageError(f"--control-plugin {spec}: {e}") from None
    return lambda http: factory(http, target.control_token)


def _session_http(request, target) -> Http:
    return Http(target.control_url, verify=request.config.stash[VERIFY],
                timeout=request.config.getoption("--request-timeout"))


@pytest.fixture(scope="session")
def policy(request, target, control_factory) -> dict[str, dict]:
    """The policy values the scenarios use, read once: those gjj certify's pre-flight recorded, or the
    control's answer now; the target's where the guide leaves a value open (fixtures/policy_values.in_use)."""
    import json
    directory = request.config.getoption("--policy-dir")
    recorded = request.config.getoption("--target-policy")
    if recorded:
        return {v["parameter"]: v for v in json.loads(Path(recorded).read_text(encoding="utf-8"))}
    reported = None
    if target.control_url is not None:
        try:
            reported = control_factory(_session_http(request, target)).policy(_as_of(request.config).isoformat())
        except Exception:  # noqa: BLE001 — a control without policy: the harness's values throughout
            reported = None
    return policy_in_use(_as_of(request.config), Path(directory) if directory else None, reported)


@pytest.fixture
def world(request, target, http_log, control_factory, policy) -> World:
    if target.control_url is None:  # a scenario that never sets up a world (a static page) still runs
        w = World(NoControl(), DEFAULT_START)
    else:
        http = _session_http(request, target)
        http.exchanges = http_log
        w = World(control_factory(http), DEFAULT_START)
    w.as_of = _as_of(request.config)
    if target.control_url is not None and AS_OF_CHECKED not in request.config.stash:
        request.config.stash[AS_OF_CHECKED] = True
        _check_as_of(w.as_of, control_factory(_session_http(request, target)))
    w.policy_dir = Path(request.config.getoption("--policy-dir")) if request.config.getoption("--policy-dir") else None
    w.policy = policy
    request.node.gjj_world = w
    return w


AS_OF_CHECKED = pytest.StashKey[bool]()


def _check_as_of(day, control) -> None:
    """A 检查基准日 the calendar data does not cover, or that is not a working day, stops the run at once
    with the data to add (the centre's own message), rather than failing every scenario."""
    try:
        body = control.calendar(day.isoformat())
    except ControlRefused as e:
        if e.code == "CALENDAR_NOT_COVERED":
            pytest.exit(f"检查基准日 {day} 超出日历数据 / beyond the calendar data: {e.detail}",
                        returncode=pytest.ExitCode.USAGE_ERROR)
        return
    except Exception:  # noqa: BLE001 — the scenarios will report the target's trouble themselves
        return
    if isinstance(body, dict) and body.get("is_working_day") is False:
        pytest.exit(f"检查基准日 {day} 不是工作日（下一个工作日是 {body.get('next_working_day')}）/ "
                    f"--as-of must be a working day", returncode=pytest.ExitCode.USAGE_ERROR)


def _as_of(config):
    from datetime import date
    raw = config.getoption("--as-of")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise pytest.UsageError(f"--as-of {raw}: 应为 YYYY-MM-DD / expected YYYY-MM-DD") from None


SKIP_NO_CONTROL = "没有测试控制接口：本场景需要虚拟时钟和测试数据（--no-control）"


class NoControl:
    """Test control of a target that has none: any use makes the scenario not verifiable."""

    def __getattr__(self, name):
        def unavailable(*args, **kwargs):
            pytest.skip(SKIP_NO_CONTROL)
        return unavailable


def _capabilities(config) -> frozenset[str] | None:
    raw = config.getoption("--capabilities")
    return None if raw is None else frozenset(c.strip() for c in raw.split(",") if c.strip())


def _plugin(spec: str):
    from gjj.plugins import load_driver_plugin
    try:
        return load_driver_plugin(spec)
    except (ImportError, AttributeError, LookupError) as e:
        raise pytest.UsageError(f"--driver-plugin {spec}: {e}") from None


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
    from gjj.steps.drivers.browser import ClientEnv
    return ClientEnv()


@pytest.fixture
def operator(request, target, world, http_log, driver_kind) -> Operator:
    verify = request.config.stash[VERIFY]
    if driver_kind == "web":
        from gjj.steps.drivers.browser import make_portal
        from gjj.steps.drivers.browser.locators import Locators
        context = request.getfixturevalue("browser_context")
        env = request.getfixturevalue("client_env")
        locators = Locators.load(request.config.getoption("--locators"))
        op = Operator(world, lambda: make_portal(context, target.base_url, locators, env),
                      capabilities=_capabilities(request.config))
        request.node.gjj_operator = op
        return op

    plugin = request.config.getoption("--driver-plugin")
    factory = _plugin(plugin) if plugin else ApiPortal

    def portal():
        http = Http(target.base_url, verify=verify, timeout=request.config.getoption("--request-timeout"))
        http.exchanges = http_log  # one evidence log per scenario, in call order
        return factory(http)
    op = Operator(world, portal, capabilities=_capabilities(request.config))
    request.node.gjj_operator = op
    return op


@pytest.fixture
def visitor(operator) -> Visitor:
    return Visitor(operator)


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_step_error(request, feature, scenario, step, step_func, step_func_args, exception):
    # A business the target does not declare: the scenario is not verifiable here, so a skip with the
    # DSL's reason. First among the hooks, so no plugin records the step as an error: the skip stops them.
    if isinstance(exception, CapabilityNotDeclared):
        pytest.skip(str(exception))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)  # the browser context reads it to keep evidence
    if report.when == "call" and report.failed:
        log = getattr(item, "gjj_http_log", None)
        if log:
            report.sections.append(("HTTP evidence", dumps(log)[-20000:]))
