"""`gjj certify`: certify a portal clause by clause and leave a report people and machines can read.

    gjj certify                                    # the embedded reference centre, API and web mode
    gjj certify --target http://127.0.0.1:8000     # a running portal (test control looked for there too)
    gjj certify --config target.yaml --mode web --tags "guide-3.3.1 or id-SEAL-01" --out out/run1
    gjj certify --compare out/run0/verdicts.json   # and say what changed since that run

Exit codes: 0 every checked clause passes; 1 a clause failed; 2 the run could not be completed
(configuration, target unreachable, pre-flight failed — a refused control token among them —, time budget
exceeded, a clause the harness could not check, or no clause checked at all).

The pre-flight reads the target's policy values once, through its test control (the reference /_sim/ client or
the configured control plug-in); the scenarios use the target's where the guide leaves a value open.

The specification runs in a pytest subprocess (``steps`` with the ``reports.collect`` plugin), so
a misbehaving portal or browser cannot take the harness down with it, and the time budget is
enforced by killing that process.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from gjj import spec_run

from . import config as cfg
from . import preflight as pre
from .model import Scenario, VerdictsDoc
from .verdicts import NOTHING_CHECKED, ROOT, clause_verdicts, exit_code, summary

DEFAULT_OUT = Path("out") / "certify"
GUIDE = ROOT / "fixtures" / "guide" / "guide-2019-06.txt"
PREFLIGHT_FAILED = "预检未通过 / pre-flight failed"
STOP_GRACE_S = 10.0  # after SIGINT at the end of the time budget: for the interrupted scenario to be recorded
POLL_S = 0.2  # how often the run is looked at while it goes on: has it ended, is the budget spent
# the clock the time budget is measured on; a test replaces it to spend the budget at a moment it chooses
budget_clock = time.monotonic


def _now() -> str:
    from gjj.simulator.clock import SystemClock  # the one wall-clock reader: when the harness ran
    return SystemClock().now().isoformat()


def _commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10, check=False)
        return out.stdout.strip() or None
    except OSError:
        return None


def _suite() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    try:
        v = version("gjj-conformance")
    except PackageNotFoundError:
        v = "0+unknown"
    return {"name": "gjj-conformance", "version": v, "commit": _commit()}


def _guide() -> dict:
    return {"id": "guide-2019-06", "sha256": hashlib.sha256(GUIDE.read_bytes()).hexdigest()}


DEFAULT_AS_OF = "2025-03-05"  # the specification's own default 检查基准日 (steps/conftest.py --as-of)


def _policy_in_use(pf: pre.Preflight, as_of: str, policy_dir: Path | None) -> list[dict]:
    """The policy values the scenarios will use: the harness's data (fixtures/policy or --policy-dir) in
    force on the 检查基准日, with the target's own value where the guide leaves one open and the target's
    control reported it in the pre-flight (read once, before the first scenario)."""
    from datetime import date

    from gjj.fixtures.policy_values import in_use
    values = in_use(date.fromisoformat(as_of), policy_dir, pf.reported_policy if pf.control else None)
    return [dict(v, value=json.dumps(v["value"], ensure_ascii=False)) for v in values.values()]


def build_parser(p: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = p or argparse.ArgumentParser(prog="gjj certify", description=__doc__.splitlines()[0])
    where = p.add_mutually_exclusive_group()
    where.add_argument("--target", help="门户地址 / the portal's base URL (test control looked for at the same address)")
    where.add_argument("--config", type=Path, help="目标配置 / target configuration (YAML, docs/vendor-kit.md)")
    p.add_argument("--mode", choices=["api", "web", "all"], default="all", help="驱动 / driver(s) (default all)")
    p.add_argument("--tags", help='只运行这些场景 / run only these scenarios, e.g. "guide-3.3.1" or '
                               '"id-SEAL-01 or guide-2.3"')
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"报告目录 / report directory (default {DEFAULT_OUT})")
    p.add_argument("--compare", type=Path, metavar="VERDICTS_JSON",
                   help="与以前的 verdicts.json 比较 / compare with a previous run")
    p.add_argument("--unmasked", action="store_true", help="证据中不遮盖身份证号码和姓名 / keep personal data unmasked")
    p.add_argument("--time-budget", type=float, help="整个运行的时间上限（秒）/ time budget of the run, seconds")
    p.add_argument("--insecure", action="store_true", help="不校验目标的 TLS 证书 / skip TLS verification")
    p.add_argument("--ca-bundle", type=Path, help="校验目标证书的 CA / CA bundle for the target")
    p.add_argument("--as-of", metavar="YYYY-MM-DD",
                   help="检查基准日：政策驱动的场景在这一天、按这一天有效的政策检查 / the check date (a working day)")
    p.add_argument("--control-token-env", metavar="VAR",
                   help="with --target: the environment variable holding the test-control token (X-Sim-Token); "
                        "given, the control must answer: a refused token stops the run in the pre-flight (exit 2)")
    p.add_argument("--policy-dir", type=Path, metavar="DIR",
                   help="本项目的政策数据目录 / the harness's dated policy data (default fixtures/policy); where the "
                        "guide leaves a value open, the target's reported value is used instead")
    return p


def register(sub) -> None:
    p = sub.add_parser("certify", help="逐条认证门户（默认：内置参考实现）/ certify a portal clause by clause",
                       description="逐条认证门户（默认：内置参考实现）/ certify a portal clause by clause "
                                   "(default: the embedded reference centre)")
    build_parser(p)
    p.set_defaults(run=certify)


def certify(args: argparse.Namespace) -> int:
    started_wall, started = _now(), time.monotonic()
    # the specification runs in the project folder: every path the caller gave must not depend on it
    out: Path = args.out.resolve()
    args.out = out
    if args.ca_bundle:
        args.ca_bundle = args.ca_bundle.resolve()
    previous = None
    if args.compare:  # read before the report folder is cleared: it may be the same run folder
        try:
            previous = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"无法读取 / cannot read {args.compare}: {e}", file=sys.stderr)
            return 2
    if args.as_of:
        from datetime import date
        try:
            date.fromisoformat(args.as_of)
        except ValueError:
            print(f"--as-of {args.as_of}: 应为 YYYY-MM-DD / expected YYYY-MM-DD", file=sys.stderr)
            return 2
    if args.policy_dir and not Path(args.policy_dir).is_dir():
        print(f"--policy-dir {args.policy_dir}: 目录不存在 / no such folder", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("scenarios.jsonl", "selected.json", "verdicts.json", "policy.json", "manifest.sha256", "index.html",
                  "junit.xml", "cucumber.json", "run.log"):
        (out / stale).unlink(missing_ok=True)
    shutil.rmtree(out / "evidence", ignore_errors=True)  # evidence of an earlier run must not mix in
    embedded = None
    try:
        if args.config:
            config = cfg.load(args.config)
        elif args.target:
            config = cfg.from_url(args.target, args.control_token_env)
            if args.control_token_env and config.control_token() is None:
                raise cfg.ConfigError(f"--control-token-env: 环境变量 {args.control_token_env} 未设置 / not set")
        else:
            from gjj.simulator.server import ThreadedCentre
            embedded = ThreadedCentre(policy_dir=args.policy_dir)  # in memory, test control on
            base = embedded.start()
            config = cfg.from_url(base)
            config.target.name = "内置参考实现 / embedded reference centre"
        if args.insecure:
            config.tls.insecure = True
        if args.ca_bundle:
            config.tls.ca_bundle = args.ca_bundle
        if config.tls.insecure and config.tls.ca_bundle:
            raise cfg.ConfigError("--ca-bundle 与 --insecure 只能选一个 / give one of --ca-bundle, --insecure")
        if config.tls.ca_bundle and not Path(config.tls.ca_bundle).is_file():
            raise cfg.ConfigError(f"--ca-bundle {config.tls.ca_bundle}: 文件不存在 / no such file")
    except cfg.ConfigError as e:
        print(f"配置错误 / configuration error:\n{e}", file=sys.stderr)
        if embedded:
            embedded.stop()
        return 2
    try:
        return _run(args, config, out, started_wall, started, embedded is not None, previous)
    finally:
        if embedded:
            embedded.stop()


def _run(args, config: cfg.TargetConfig, out: Path, started_wall: str, started: float, embedded: bool,
         previous: dict | None) -> int:
    print(f"目标 / target: {config.target.base_url} {config.target.name}".rstrip())
    as_of = args.as_of or DEFAULT_AS_OF
    pf = pre.run(config, args.mode, timeout=min(10.0, config.target.request_timeout_s), as_of=as_of)
    policy = _policy_in_use(pf, as_of, args.policy_dir) if not pf.fatal else []
    taken = [f"{v['parameter']}={v['value']}" for v in policy if v["taken_from"] == "target"]
    if taken:
        pf.add("政策取值 / policy values", "ok", "指南未规定的取值按目标报告的 / open values as the target reports them: "
               + ", ".join(taken))
    for c in pf.checks:
        mark = {"ok": "✓", "warn": "!", "fail": "✗"}[c.status]
        print(f"  {mark} {c.name}: {c.detail}")
    run_error = None
    scenarios: list[Scenario] = []
    if pf.fatal:
        run_error = f"{PREFLIGHT_FAILED}: {pf.fatal.name}: {pf.fatal.detail}"
    else:
        _explain(pf, config, args.mode)
        (out / "policy.json").write_text(json.dumps(policy, ensure_ascii=False, indent=2), encoding="utf-8")
        run_error = _pytest(args, config, pf, out)
        scenarios = _read(out / "scenarios.jsonl")
        if not scenarios and run_error is None:
            run_error = "没有运行任何场景（--tags 过滤掉了全部？）/ no scenario ran (did --tags select nothing?)"
    clauses = clause_verdicts(scenarios, args.mode, filtered=bool(args.tags), run_error=run_error,
                              selected=_selected(out / "selected.json"))
    code = exit_code(clauses, run_error)
    if code == 2 and run_error is None:
        run_error = NOTHING_CHECKED if not any(c.verdict == "error" for c in clauses) else None
    doc = VerdictsDoc(
        suite=_suite(), guide=_guide(),
        policy={"as_of": as_of if policy else None, "values": policy},
        target={"base_url": config.target.base_url, "control_url": config.target.control_url if pf.control else None,
                "name": config.target.name, "embedded": embedded},
        mode=args.mode, tags=args.tags, started_at=started_wall, finished_at=_now(),
        duration_s=round(time.monotonic() - started, 2), exit_code=code, run_error=run_error,
        preflight=[c.as_dict() for c in pf.checks], summary=summary(clauses, scenarios),
        clauses=clauses, scenarios=scenarios)
    _write_reports(doc, out)
    _print_summary(doc, out)
    if previous is not None:
        from .compare import compare
        try:
            print("\n" + compare(previous, doc).render())
        except ValueError as e:
            print(f"无法比较 / cannot compare with {args.compare}: {e}", file=sys.stderr)
    return code


def _explain(pf: pre.Preflight, config: cfg.TargetConfig, mode: str) -> None:
    cannot = ["线下办理的条款（1.1.1、3.1、3.8）/ offline clauses"]
    if not pf.control:
        cannot.append("依赖虚拟时钟和测试数据的条款（几乎全部业务条款）/ clauses needing the virtual clock and seeding")
    if mode == "api":
        cannot.append("只能在浏览器中检查的条款（2.1、2.4–2.9、4.x）/ browser-only clauses")
    print("无法验证 / not verifiable in this run: " + "；".join(cannot))


def _pytest(args, config: cfg.TargetConfig, pf: pre.Preflight, out: Path) -> str | None:
    # the installed steps package by path, run from the report folder: never from the package's parent, where
    # `python -m` would put gjj's own folders on sys.path under names other distributions use (fixtures, …)
    cmd = spec_run.command("--gjj-record", str(out), "-q", "--tb=no", "--driver", args.mode, steps=ROOT / "steps",
                           plugins=("gjj.reports.collect",)) + [
           "--target", config.target.base_url, "--request-timeout", str(config.target.request_timeout_s)]
    if pf.control:
        cmd += ["--control-url", config.target.control_url]
    else:
        cmd += ["--no-control"]
    if config.tls.insecure:
        cmd.append("--insecure")
    elif config.tls.ca_bundle:
        cmd += ["--ca-bundle", str(config.tls.ca_bundle)]
    if config.browser.locators:
        cmd += ["--locators", str(config.browser.locators)]
    cmd += ["--chromium", str(config.browser.executable)]
    if config.driver.plugin:
        cmd += ["--driver-plugin", config.driver.plugin]
    if config.control.plugin and pf.control:
        cmd += ["--control-plugin", config.control.plugin]
    if (out / "policy.json").is_file():
        cmd += ["--target-policy", str(out / "policy.json")]
    if args.policy_dir:
        cmd += ["--policy-dir", str(args.policy_dir.resolve())]
    cmd += ["--capabilities", ",".join(config.capabilities.businesses + (["print_slip"] if
                                                                         config.capabilities.print_slip else []))]
    if args.tags:
        cmd += ["-m", args.tags]
    if args.unmasked:
        cmd.append("--gjj-unmasked")
    if args.as_of:
        cmd += ["--as-of", args.as_of]
    env = spec_run.environment()
    token = config.control_token()
    if token:
        env["GJJ_CONTROL_TOKEN"] = token  # not on the command line: it would show in ps and the log
    from gjj.plugins import PLUGIN_PATH_ENV, search_path
    env[PLUGIN_PATH_ENV] = os.pathsep.join(search_path(config.plugin_paths()))  # from here, not from the out folder
    budget = args.time_budget or config.time_budget_s
    log = out / "run.log"
    with log.open("w", encoding="utf-8") as f:
        # a session of its own: when the budget is spent, the browser it started goes with it
        proc = subprocess.Popen(cmd, cwd=out, env=env, stdout=f, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            if not _ends_within(proc, budget):
                _stop(proc)
                return f"超过时间上限 {budget:.0f} 秒，运行被终止 / time budget of {budget:.0f} s exceeded"
        finally:
            if proc.poll() is None:  # the harness itself was interrupted
                _stop(proc)
    if proc.returncode in (0, 1):
        return None
    tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
    if proc.returncode == 5:
        return None  # nothing selected: reported as "no scenario ran" by the caller
    exit_line = next((ln for ln in reversed(tail) if "Exit:" in ln), None)
    if exit_line:  # the specification stopped itself with a reason (e.g. --as-of beyond the calendar data)
        return exit_line.split("Exit:", 1)[1].strip(" !")
    return f"pytest 退出码 {proc.returncode} / pytest exit code {proc.returncode}: " + " | ".join(tail)[-500:]


def _ends_within(proc: subprocess.Popen, budget: float) -> bool:
    """Whether `proc` ends before `budget` seconds of `budget_clock` have passed."""
    deadline = budget_clock() + budget
    while budget_clock() < deadline:
        try:
            proc.wait(timeout=POLL_S)
            return True
        except subprocess.TimeoutExpired:
            continue
    return proc.poll() is not None


def _stop(proc: subprocess.Popen) -> None:
    """SIGINT first, so the specification records the scenario it was in (reports/collect.py) with
    the request it was waiting on; whatever still runs after STOP_GRACE_S is killed."""
    try:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        pass
    except ProcessLookupError:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _selected(path: Path) -> set[str] | None:
    try:
        return {c for item in json.loads(path.read_text(encoding="utf-8")) for c in item["clauses"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read(path: Path) -> list[Scenario]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(Scenario.model_validate_json(line))
    return out


def _write_reports(doc: VerdictsDoc, out: Path) -> None:
    (out / "verdicts.json").write_text(json.dumps(doc.dump(), ensure_ascii=False, indent=2), encoding="utf-8")
    from .cucumber import write_cucumber
    from .html import write_html
    from .junit import write_junit
    from .manifest import write_manifest
    write_junit(doc, out)
    write_cucumber(doc, out)
    write_html(doc, out)
    write_manifest(out)


def _print_summary(doc: VerdictsDoc, out: Path) -> None:
    c = doc.summary.clauses
    print(f"\n条款 / clauses: 通过 pass {c['pass']} · 不符合 fail {c['fail']} · 无法验证 not verifiable "
          f"{c['not_verifiable']} · 出错 error {c['error']}")
    # a run error is the reason of every clause it left unchecked: said once, not once per clause
    repeated = [v for v in doc.clauses if v.verdict == "error" and doc.run_error and doc.run_error in (v.reason or "")]
    for v in doc.clauses:
        if v.verdict in ("fail", "error") and v not in repeated:
            print(f"  {v.verdict:5} {v.id}: {v.reason}")
    if repeated:
        print(f"  error ×{len(repeated)}（{', '.join(v.id for v in repeated)}）：运行未完成 / run not completed")
    if doc.run_error and doc.run_error.startswith(PREFLIGHT_FAILED):
        print(f"运行未完成 / run not completed: {PREFLIGHT_FAILED}（原因见上 / the reason is above）")
    elif doc.run_error:
        print(f"运行未完成 / run not completed: {doc.run_error}")
    print(f"报告 / report: {out / 'index.html'}  (verdicts.json, junit.xml, cucumber.json, manifest.sha256)")
    print(f"退出码 / exit code {doc.exit_code}")

