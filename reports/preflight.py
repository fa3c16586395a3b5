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
    driver: object | None = None    # that control (a ControlDriver), when it answers
    reported_policy: dict | None = None  # its answer to policy(as_of), read once here

    @property
    def fatal(self) -> Check | None:
        return next((c for c in self.checks if c.status == "fail"), None)

    def add(self, name: str, status: str, detail: str) -> None:
        self.checks.append(Check(name, status, detail))


def _verify(config: TargetConfig) -> bool | str:
    if config.tls.insecure:
        return False
    return str(config.tls.ca_bundle) if config.tls.ca_bundle else True


def run(config: TargetConfig, mode: str, timeout: float = 10.0, as_of: str | None = None) -> Preflight:
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

    # 3. test control, through the control protocol (the reference /_sim/ client or the configured plug-in)
    _control(pf, config, timeout, as_of)
    if pf.fatal:
        return pf

    if not api_ok and not config.driver.plugin and not pf.control and mode != "web":
        # nothing there answers like a portal: every scenario would be skipped or error; say so now
        pf.add("目标 / target", "fail", "目标既不提供参考接口，也不提供测试控制接口，也没有配置驱动插件：没有可以检查的条款 / "
               "the target speaks neither the reference API nor test control, and no driver plug-in is configured")
        return pf

    # 4. the driver plug-in, then log in (through the reference API only: a plug-in's log-in is its own)
    if config.driver.plugin:
        try:
            from gjj.plugins import load_driver_plugin
            load_driver_plugin(config.driver.plugin, config.plugin_paths())
            pf.add("驱动插件 / driver plug-in", "ok", config.driver.plugin)
        except Exception as e:  # noqa: BLE001 — any failure to load is a configuration error
            pf.add("驱动插件 / driver plug-in", "fail", f"{config.driver.plugin}: {type(e).__name__}: {e}")
            return pf
        pf.add("登录 / log-in", "ok", "由驱动插件在场景中完成 / done by the plug-in in the scenarios")
    else:
        _login(pf, session, config, timeout)

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


REFUSED_TOKEN = ("测试控制拒绝了请求（令牌错误？）：运行停止，请检查 {where} 所指的环境变量中的令牌 / the test control "
                 "refused the request (wrong token?): the run stops; check the token in the variable {where} names")


def _control(pf: Preflight, config: TargetConfig, timeout: float, as_of: str | None) -> None:
    """The control answers its clock (and, once, its policy), or why not. Configured explicitly (a control_url
    in target.yaml, or a token given), a control that does not answer stops the run: a wrong token must not
    pass as "no control"; only guessed (gjj certify --target), its absence just narrows what can be checked."""
    from gjj.control.protocol import ControlError, ControlRefused
    from gjj.control.sim import PlainHttp
    from gjj.plugins import load_control_plugin
    t = config.target
    name = "测试控制接口 / test control"
    if not t.control_url:
        pf.add(name, "warn", "未配置 target.control_url：依赖时间和测试数据的条款将无法验证 / "
               "not configured: time-dependent clauses will be not verifiable")
        return
    severity = "fail" if t.control_required else "warn"
    try:
        factory = load_control_plugin(config.control.plugin, config.plugin_paths())
        control = factory(PlainHttp(t.control_url, timeout, _verify(config)), config.control_token())
    except Exception as e:  # noqa: BLE001 — any failure to load is a configuration error
        pf.add("测试控制插件 / control plug-in", "fail", f"{config.control.plugin}: {type(e).__name__}: {e}")
        return
    via = f"插件 / plug-in {config.control.plugin}" if config.control.plugin else f"{t.control_url}/_sim/"
    try:
        clock = control.clock()
    except ControlRefused as e:
        if config.control_token() and e.code in ("NOT_FOUND", "UNAUTHORIZED", "FORBIDDEN"):
            pf.add(name, "fail", REFUSED_TOKEN.format(where=t.control_token_env or "--control-token-env")
                   + f"（{via}: {e.code}）")
        else:
            pf.add(name, severity, f"{via}: {e}：依赖时间和测试数据的条款将无法验证 / time-dependent clauses will be "
                   f"not verifiable" + ("；运行停止 / the run stops" if severity == "fail" else ""))
        return
    except Exception as e:  # noqa: BLE001 — a plug-in's trouble or a malformed answer: not a crash
        pf.add(name, severity, f"{via}: 不可用 / unavailable ({type(e).__name__}: {str(e)[:200]})："
               "依赖时间和测试数据的条款将无法验证" + ("；运行停止 / the run stops" if severity == "fail" else ""))
        return
    if not isinstance(clock, dict) or "now" not in clock:
        pf.add(name, severity, f"{via}: 时钟的答复不符合契约（缺少 now）/ the clock's answer lacks `now`")
        return
    pf.control, pf.driver = True, control
    pf.add(name, "ok", f"{via} 虚拟时间 / time {clock['now']}")
    try:
        pf.reported_policy = control.policy(as_of)
    except (ControlError, ValueError, TypeError, KeyError) as e:
        pf.add("政策取值 / policy values", "warn", f"测试控制未报告政策取值，全部按本项目的取值 / the control reports no "
               f"policy values: the harness's are used ({type(e).__name__})")
    except Exception as e:  # noqa: BLE001 — a plug-in's trouble must not cost the run
        pf.add("政策取值 / policy values", "warn", f"{type(e).__name__}: {str(e)[:200]}")


def _login(pf: Preflight, session, config: TargetConfig, timeout: float) -> None:
    import os
    t = config.target
    try:
        if pf.control:
            pf.driver.reset()
            seeded = pf.driver.seed({"units": [{"name": "预检单位"}]})
            cert = seeded["units"][0]["certificates"][0]
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
    except Exception as e:  # noqa: BLE001 — transport, refusal or a malformed answer: a warning, not a crash
        pf.add("登录 / log-in", "warn", f"无法检查登录 / could not check: {type(e).__name__}: {str(e)[:200]}")
