"""Pre-flight: before the first scenario, what can be checked on this target and what cannot.

Each check is ``ok``, ``warn`` (the run goes on, some clauses will be not verifiable) or ``fail``
(the run stops: exit 2). Nothing here changes the target except the log-in check, which, with test
control, seeds one unit first (the scenarios reset the world anyway).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field

import requests

from .config import TargetConfig


@dataclass
class Check:
    name: str       # Chinese
    status: str     # ok | warn | fail
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Preflight:
    checks: list[Check] = field(default_factory=list)
    control: bool = False           # the test-control contract answers

    @property
    def fatal(self) -> Check | None:
        return next((c for c in self.checks if c.status == "fail"), None)

    def add(self, name: str, status: str, detail: str) -> None:
        self.checks.append(Check(name, status, detail))


def _verify(config: TargetConfig) -> bool | str:
    if config.tls.insecure:
        return False
    return str(config.tls.ca_bundle) if config.tls.ca_bundle else True


def run(config: TargetConfig, mode: str, timeout: float = 10.0) -> Preflight:
    pf = Preflight()
    t = config.target
    session = requests.Session()
    session.verify = _verify(config)
    if config.tls.insecure:
        import urllib3
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    # 1. reachable at all
    try:
        r = session.get(t.base_url + "/", timeout=timeout, allow_redirects=False, verify=session.verify)
        pf.add("目标可达 / target reachable", "ok", f"GET {t.base_url}/ → HTTP {r.status_code}")
    except requests.exceptions.SSLError as e:
        pf.add("目标可达 / target reachable", "fail",
               f"TLS 证书校验失败（可在配置中给出 tls.ca_bundle，或仅在测试环境用 tls.insecure）/ "
               f"certificate verification failed: {e}")
        return pf
    except requests.RequestException as e:
        pf.add("目标可达 / target reachable", "fail", f"无法连接 {t.base_url} / cannot connect: {type(e).__name__}: {e}")
        return pf

    # 2. the reference API contract (a driver plug-in may speak another)
    api_ok = _speaks_reference_api(session, t.base_url, timeout)
    if api_ok:
        pf.add("接口契约 / API contract", "ok", "参考接口 /api/v1 应答正常（/openapi.json 或 /api/v1/session 的问题文档）")
    elif config.driver.plugin:
        pf.add("接口契约 / API contract", "ok", f"使用驱动插件 / driver plug-in {config.driver.plugin}")
    else:
        pf.add("接口契约 / API contract", "warn", "未找到参考接口 /api/v1（/openapi.json、/api/v1/session 都不像参考接口）；"
               "API 模式的场景可能出错 / no reference API found; API-mode scenarios may error")

    # 3. test control
    headers = {"X-Sim-Token": config.control_token()} if config.control_token() else {}
    # configured explicitly, test control must answer (a wrong token must not pass as "no control");
    # only guessed (gjj certify --target), its absence just narrows what can be checked
    severity = "fail" if t.control_required else "warn"
    hint = "（令牌错误？/ wrong token?）" if headers else ""
    if t.control_url:
        try:
            c = session.get(t.control_url + "/_sim/clock", headers=headers, timeout=timeout, verify=session.verify)
            clock = c.json() if c.ok else None
            if isinstance(clock, dict) and "now" in clock:
                pf.control = True
                pf.add("测试控制接口 / test control", "ok", f"{t.control_url}/_sim/ 虚拟时间 {clock['now']}")
            else:
                pf.add("测试控制接口 / test control", severity,
                       f"{t.control_url}/_sim/clock → HTTP {c.status_code}{hint}："
                       "依赖时间和测试数据的条款将无法验证 / time-dependent clauses will be not verifiable")
        except (requests.RequestException, ValueError) as e:
            pf.add("测试控制接口 / test control", severity, f"不可用 / unavailable ({type(e).__name__})："
                   "依赖时间和测试数据的条款将无法验证")
    else:
        pf.add("测试控制接口 / test control", "warn", "未配置 target.control_url：依赖时间和测试数据的条款将无法验证 / "
               "not configured: time-dependent clauses will be not verifiable")

    if not api_ok and not config.driver.plugin and not pf.control and mode != "web":
        # nothing there answers like a portal: every scenario would be skipped or error; say so now
        pf.add("目标 / target", "fail", "目标既不提供参考接口，也不提供测试控制接口，也没有配置驱动插件：没有可以检查的条款 / "
               "the target speaks neither the reference API nor test control, and no driver plug-in is configured")
        return pf

    # 4. the driver plug-in, then log in (through the reference API only: a plug-in's log-in is its own)
    if config.driver.plugin:
        try:
            from gjj.plugins import load_driver_plugin
            load_driver_plugin(config.driver.plugin)
            pf.add("驱动插件 / driver plug-in", "ok", config.driver.plugin)
        except Exception as e:  # noqa: BLE001 — any failure to load is a configuration error
            pf.add("驱动插件 / driver plug-in", "fail", f"{config.driver.plugin}: {type(e).__name__}: {e}")
            return pf
        pf.add("登录 / log-in", "ok", "由驱动插件在场景中完成 / done by the plug-in in the scenarios")
    else:
        _login(pf, session, config, headers, timeout)

    # 5. capabilities
    caps = config.capabilities
    missing = [b for b in ("establish", "seal", "unseal", "transfer", "back_pay", "base_adjustment",
                           "deposit_verification") if b not in caps.businesses]
    pf.add("声明的功能 / declared capabilities", "ok" if not missing and caps.print_slip else "warn",
           "业务 / businesses: " + ", ".join(caps.businesses) + ("；打印汇（补）缴书" if caps.print_slip else "")
           + (f"；未声明 / not declared: {', '.join(missing)}（相关场景无法验证）" if missing else "")
           + ("" if caps.print_slip else "；未声明打印（相关场景无法验证）"))

    # 6. the browser
    if mode in ("web", "all"):
        exe = config.browser.executable
        if exe.exists() or shutil.which(str(exe)):
            pf.add("浏览器 / browser", "ok", str(exe))
            _login_page(pf, config, timeout)
        else:
            pf.add("浏览器 / browser", "fail", f"找不到 {exe}（运行 bash setup.sh 安装 chromium）/ not found")
    return pf


def _login_page(pf: Preflight, config: TargetConfig, timeout: float) -> None:
    """The browser driver finds the log-in page's controls (with the page map): else every web scenario
    would fail on its first step, so the run stops here. A child process: the reports import no harness."""
    import json
    import subprocess
    import sys
    cmd = [sys.executable, "-m", "gjj.steps.drivers.browser.preflight", config.target.base_url,
           "--chromium", str(config.browser.executable)]
    if config.browser.locators:
        cmd += ["--locators", str(config.browser.locators)]
    if config.tls.ca_bundle:
        cmd += ["--ca-bundle", str(config.tls.ca_bundle)]
    if config.tls.insecure:
        cmd += ["--insecure"]
    name = "登录页面 / log-in page"
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=60 + 6 * timeout)
        found = json.loads(run.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError) as e:
        pf.add(name, "warn", f"无法在浏览器中检查登录页 / could not check the log-in page: {type(e).__name__}")
        return
    if found.get("error"):
        pf.add(name, "fail", f"浏览器打不开登录页 / the browser cannot open the log-in page: {found['error']}")
    elif found.get("missing"):
        pf.add(name, "fail", "浏览器驱动在登录页上找不到证书序列号、证书口令或登录按钮，请在页面映射中加入 / the browser "
               "driver cannot find the log-in page's controls; add to the page map: " + "; ".join(found["missing"]))
    else:
        pf.add(name, "ok", "证书序列号、证书口令、登录 / the log-in controls are found")


def _speaks_reference_api(session, base_url: str, timeout: float) -> bool:
    """The reference API answers: /openapi.json lists /api/v1/session, or a log-in without a body is
    refused with a problem document (a JSON object with a code)."""
    try:
        doc = session.get(base_url + "/openapi.json", timeout=timeout, verify=session.verify)
        body = doc.json() if doc.ok else {}
        if isinstance(body, dict) and "/api/v1/session" in (body.get("paths") or {}):
            return True
    except (requests.RequestException, ValueError):
        pass
    try:
        r = session.post(base_url + "/api/v1/session", json={}, timeout=timeout, verify=session.verify)
        body = r.json()
        return 400 <= r.status_code < 500 and isinstance(body, dict) and "code" in body
    except (requests.RequestException, ValueError):
        return False


def _login(pf: Preflight, session, config: TargetConfig, headers: dict, timeout: float) -> None:
    import os
    t = config.target
    try:
        if pf.control:
            session.post(t.control_url + "/_sim/reset", json={}, headers=headers, timeout=timeout,
                         verify=session.verify).raise_for_status()
            seeded = session.post(t.control_url + "/_sim/seed", json={"units": [{"name": "预检单位"}]},
                                  headers=headers, timeout=timeout, verify=session.verify)
            seeded.raise_for_status()
            cert = seeded.json()["units"][0]["certificates"][0]
            serial, pin = cert["serial"], cert["pin"]
        elif config.credentials:
            unit = config.credentials[0]
            serial, pin = unit.serial, os.environ.get(unit.pin_env, "")
        else:
            pf.add("登录 / log-in", "warn", "没有测试控制接口，也没有配置 credentials：无法检查登录 / "
                   "neither test control nor credentials: log-in not checked")
            return
        r = session.post(t.base_url + "/api/v1/session", json={"serial": serial, "pin": pin}, timeout=timeout,
                         verify=session.verify)
        if r.ok and "token" in r.json():
            pf.add("登录 / log-in", "ok", f"证书 {serial[:4]}… 登录成功 / logged in")
        else:
            pf.add("登录 / log-in", "warn", f"POST /api/v1/session → HTTP {r.status_code}")
    except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as e:
        pf.add("登录 / log-in", "warn", f"无法检查登录 / could not check: {type(e).__name__}: {str(e)[:200]}")
