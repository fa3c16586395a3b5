"""`gjj check-control`: checks a target's test control on its own, before anyone runs a certification, against
every MUST of docs/test-control.md §9 (numbered TC-01 … TC-11 there), through the control protocol — so the
reference `/_sim/` interface and a vendor's control plug-in are checked alike.

    gjj check-control --target http://127.0.0.1:8000 [--control-token-env VAR]
    gjj check-control --config target.yaml          # control_url, token and control.plugin from the file

One line per MUST, in Chinese and English (✓ holds, ✗ does not, – not checkable here: TC-04 without a token);
exit 0 no MUST is broken, 1 one is, 2 the control could not be checked at all (configuration, unreachable,
refused token). It resets the target's world repeatedly."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .protocol import OPERATIONS, ControlDriver, ControlError, ControlRefused

START = "2025-03-05T10:00:00+08:00"   # a Wednesday morning, as the specification's scenarios start
# the MUSTs of test-control.md §9, in its order: id → what is checked (Chinese / English)
MUSTS = {
    "TC-01": "提供契约的全部操作 / offers every operation of the contract (§4)",
    "TC-02": "答复包含契约的字段 / answers with the contract's fields (§5)",
    "TC-03": "拒绝时给出契约的错误码 / refusals carry the contract's codes",
    "TC-04": "令牌不对的调用者得到 404，如同不存在 / a caller without the right token gets the 404 of an absent path",
    "TC-05": "虚拟时钟：不自行走动，只进不退，倒退得到 CLOCK_BACKWARDS / the clock stands still, never moves back",
    "TC-06": "时钟越过午夜时运行日终处理 / the nightly processing runs when the clock crosses midnight",
    "TC-07": "按月顺序汇缴，不超前，只有已汇缴的月份才能到账 / remittance month by month, never ahead; arrival "
             "only for remitted months",
    "TC-08": "造数：默认值、按请求顺序返回 key、证书与职工号码 / seeding: defaults, keys in order, serials, PINs, numbers",
    "TC-09": "重置清空全部数据，接受任何时间 / reset empties the world and accepts any time",
    "TC-10": "查看接口无副作用，并列给出实时与已发布的状态 / inspection is side-effect free and shows live and published",
    "TC-11": "被拒绝的调用不改变任何数据 / a refused call changes nothing",
}


class Broken(Exception):
    """A MUST does not hold: the message says what was seen."""


class NotChecked(Exception):
    """A MUST this run cannot check (the message says why); neither holding nor broken."""


def _refused(call, code: str, what: str) -> ControlRefused:
    try:
        call()
    except ControlRefused as e:
        if e.code != code:
            raise Broken(f"{what}：应为 {code}，实际 {e.code} / expected {code}, got {e.code}") from None
        return e
    raise Broken(f"{what}：应被拒绝（{code}），实际被接受 / expected a refusal ({code}), it was accepted")


def _has(doc, fields: tuple[str, ...], what: str) -> dict:
    missing = [f for f in fields if not isinstance(doc, dict) or f not in doc]
    if missing:
        raise Broken(f"{what} 缺少字段 / lacks {', '.join(missing)}")
    return doc


def _world(c: ControlDriver) -> dict:
    c.reset(START)
    return c.seed({"seed": 0, "units": [
        {"key": "甲", "first_month": "2024-10", "remitted_through": "2025-01",
         "employees": [{"key": "张三"}, {"key": "李四", "state": "sealed"}]},
        {"key": "乙"}]})


def tc01(c, ctx):
    missing = [op for op in OPERATIONS if not callable(getattr(c, op, None))]
    if missing:
        raise Broken("缺少操作 / missing: " + ", ".join(missing))


def tc02(c, ctx):
    _has(c.clock(), ("now", "today", "timezone", "is_working_day", "next_working_day"), "clock")
    _has(c.calendar("2025-10-01"), ("is_working_day", "next_working_day"), "calendar")
    seeded = _world(c)
    unit = _has(seeded["units"][0], ("key", "account_no", "certificates", "employees"), "seed.units[0]")
    _has(unit["certificates"][0], ("serial", "pin"), "seed.units[0].certificates[0]")
    _has(unit["employees"][0], ("key", "personal_no", "id_number"), "seed.units[0].employees[0]")
    state = _has(c.unit_state(unit["account_no"]), ("months", "operator", "published_operator", "certificates"),
                 "unit_state")
    _has(state["months"], ("first_month", "paid_through", "due_month", "arrived"), "unit_state.months")
    _has(c.employee_state(unit["employees"][0]["personal_no"]), ("state", "published", "pending"), "employee_state")
    _has(c.pending(), ("accounts", "operators"), "pending")


def tc03(c, ctx):
    unit = _world(c)["units"][0]["account_no"]
    _refused(lambda: c.remit(unit, "2024-12"), "REMITTANCE_OUT_OF_ORDER", "汇缴已汇缴的月份 / remitting a past month")
    _refused(lambda: c.unit_state("0000000000"), ctx["unit_not_found"], "不存在的单位 / an unknown unit")


def tc04(c, ctx):
    if not ctx["token"]:
        raise NotChecked("未配置令牌：只接受本机调用的控制无法从这里检查 / no token configured: a loopback-only "
                         "control cannot be checked from here")
    wrong = ctx["factory"]("x" + ctx["token"])
    _refused(wrong.clock, "NOT_FOUND", "用错误的令牌读时钟 / the clock with a wrong token")


def tc05(c, ctx):
    c.reset(START)
    first, second = c.clock()["now"], c.clock()["now"]
    if first != second:
        raise Broken(f"两次调用之间时钟走动了 / the clock moved by itself: {first} → {second}")
    c.set_clock("2025-03-05T16:59:59+08:00")
    if not c.clock()["now"].startswith("2025-03-05T16:59:59"):
        raise Broken(f"设置的时间未生效 / the time set is not the clock's: {c.clock()['now']}")
    _refused(lambda: c.set_clock("2025-03-05T09:00:00+08:00"), "CLOCK_BACKWARDS", "时钟倒退 / moving it back")
    if not c.clock()["now"].startswith("2025-03-05T16:59:59"):
        raise Broken("被拒绝的倒退改变了时钟 / the refused move changed the clock")
    c.advance(seconds=2)
    if not c.clock()["now"].startswith("2025-03-05T17:00:01"):
        raise Broken(f"advance 未按时长前进 / advance did not move by the duration: {c.clock()['now']}")


def tc06(c, ctx):
    _world(c)
    c.set_clock("2025-03-05T23:59:59+08:00")
    c.set_clock("2025-03-06T00:00:01+08:00")
    day = c.pending().get("published_day")
    if day != "2025-03-06":
        raise Broken(f"越过午夜后日终处理未运行（清册日期 {day}）/ no nightly run after midnight (published {day})")


def tc07(c, ctx):
    unit = _world(c)["units"][0]["account_no"]
    _refused(lambda: c.remit(unit, "2025-03"), "REMITTANCE_OUT_OF_ORDER", "跳过应缴年月 / skipping the due month")
    _refused(lambda: c.arrive(unit, "2025-02"), "ARRIVAL_BEFORE_REMITTANCE", "未汇缴先到账 / arrival first")
    c.remit(unit, "2025-02", arrived=False)
    months = c.unit_state(unit)["months"]
    if months["paid_through"] != "2025-02" or "2025-02" in months["arrived"]:
        raise Broken(f"汇缴未到账的月份状态不对 / remitted-not-arrived month shown as {months}")
    c.arrive(unit, "2025-02")
    c.remit(unit, "2025-03")
    if "2025-02" not in c.unit_state(unit)["months"]["arrived"]:
        raise Broken("到账未记录 / the arrival is not recorded")
    _refused(lambda: c.remit(unit, "2025-04"), "REMITTANCE_IN_FUTURE", "超前汇缴 / remitting ahead of today")


def tc08(c, ctx):
    units = _world(c)["units"]
    if [u["key"] for u in units] != ["甲", "乙"] or [e["key"] for e in units[0]["employees"]] != ["张三", "李四"]:
        raise Broken("key 未按请求顺序原样返回 / keys not returned as given, in order")
    if not all(u["certificates"] and u["certificates"][0]["serial"] and u["certificates"][0]["pin"] for u in units):
        raise Broken("未返回证书序列号和口令 / no certificate serial and PIN")
    default = c.unit_state(units[1]["account_no"])["months"]
    if default["first_month"] != "2024-03" or default["paid_through"] is not None:
        raise Broken(f"单位默认值不对（首次缴存应为时钟月份前12个月、从未汇缴）/ unit defaults: {default}")
    sealed = c.employee_state(units[0]["employees"][1]["personal_no"])
    if sealed["state"] not in ("02", "sealed") or sealed["paid_through"] != "2025-01" or sealed["pending"]:
        raise Broken(f"封存职工默认值不对或未立即发布 / sealed employee's defaults or publication: {sealed}")


def tc09(c, ctx):
    unit = _world(c)["units"][0]["account_no"]
    c.reset("2024-06-03T10:00:00+08:00")
    if not c.clock()["now"].startswith("2024-06-03T10:00:00"):
        raise Broken("重置不接受更早的时间 / reset does not accept an earlier time")
    _refused(lambda: c.unit_state(unit), ctx["unit_not_found"], "重置后的旧单位 / a unit after the reset")


def tc10(c, ctx):
    seeded = _world(c)["units"][0]
    before = (c.unit_state(seeded["account_no"]), c.employee_state(seeded["employees"][0]["personal_no"]), c.pending())
    again = (c.unit_state(seeded["account_no"]), c.employee_state(seeded["employees"][0]["personal_no"]), c.pending())
    if before != again:
        raise Broken("查看改变了状态 / inspecting changed the state")
    if before[0]["operator"] != before[0]["published_operator"] or before[1]["published"] is None:
        raise Broken("造数后实时与已发布的状态应一致 / live and published differ right after seeding")


def tc11(c, ctx):
    unit = _world(c)["units"][0]["account_no"]
    before = c.unit_state(unit)["months"]
    for call in (lambda: c.remit(unit, "2025-04"), lambda: c.arrive(unit, "2025-03")):
        try:
            call()
        except ControlRefused:
            pass
    if c.unit_state(unit)["months"] != before:
        raise Broken("被拒绝的汇缴或到账改变了单位的月份 / a refused remittance or arrival changed the months")


CHECKS = {"TC-01": tc01, "TC-02": tc02, "TC-03": tc03, "TC-04": tc04, "TC-05": tc05, "TC-06": tc06, "TC-07": tc07,
          "TC-08": tc08, "TC-09": tc09, "TC-10": tc10, "TC-11": tc11}


def check(factory, token: str | None) -> list[tuple[str, bool | None, str]]:
    """(id, holds, what was seen) for every MUST, in order (holds None: not checked, with why); ControlError if
    the control cannot be used at all."""
    control = factory(token)
    control.clock()  # reachable, and the token accepted: else the caller reports exit 2
    ctx = {"token": token, "factory": factory, "unit_not_found": "UNIT_NOT_FOUND"}
    results = []
    for must, run in CHECKS.items():
        try:
            run(control, ctx)
            results.append((must, True, ""))
        except Broken as e:
            results.append((must, False, str(e)))
        except NotChecked as e:
            results.append((must, None, str(e)))
        except (ControlError, KeyError, TypeError, IndexError, ValueError) as e:
            results.append((must, False, f"{type(e).__name__}: {str(e)[:300]}"))
    return results


def register(sub) -> None:
    p = sub.add_parser("check-control", help="检查目标的测试控制是否符合契约 / check a target's test control against "
                                             "docs/test-control.md", description=__doc__.splitlines()[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--target", help="测试控制的地址（参考接口 /_sim/）/ the control's base URL (/_sim/)")
    where.add_argument("--config", type=Path, help="目标配置 / target configuration (control_url, control.plugin)")
    p.add_argument("--control-token-env", metavar="VAR", help="with --target: the variable holding the X-Sim-Token")
    p.add_argument("--insecure", action="store_true", help="不校验 TLS 证书 / skip TLS verification")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from gjj.plugins import load_control_plugin
    from gjj.reports import config as cfg

    from .sim import PlainHttp
    try:
        config = cfg.load(args.config) if args.config else cfg.from_url(args.target, args.control_token_env)
        if not config.target.control_url:
            raise cfg.ConfigError(f"{args.config}: target.control_url: 未配置 / not configured")
        if args.control_token_env and os.environ.get(args.control_token_env) is None:
            raise cfg.ConfigError(f"--control-token-env: 环境变量 {args.control_token_env} 未设置 / not set")
        plugin = load_control_plugin(config.control.plugin, config.plugin_paths())
    except (cfg.ConfigError, ImportError, AttributeError, LookupError) as e:
        print(f"配置错误 / configuration error: {e}", file=sys.stderr)
        return 2
    verify = False if (args.insecure or config.tls.insecure) else (str(config.tls.ca_bundle) if config.tls.ca_bundle
                                                                   else True)
    t = config.target

    def factory(token):
        return plugin(PlainHttp(t.control_url, t.request_timeout_s, verify), token)
    via = config.control.plugin or f"{t.control_url}/_sim/"
    print(f"测试控制 / test control: {via}（检查会多次重置目标 / the check resets the target）")
    try:
        results = check(factory, config.control_token())
    except ControlError as e:
        print(f"✗ 无法检查：测试控制不可用或拒绝了令牌 / cannot check: the control is unavailable or refused the "
              f"token: {e}", file=sys.stderr)
        return 2
    for must, holds, seen in results:
        mark = {True: "✓", False: "✗", None: "–"}[holds]
        print(f"{mark} {must} {MUSTS[must]}" + (f"\n    {seen}" if seen else ""))
    failed = [m for m, holds, _ in results if holds is False]
    unchecked = [m for m, holds, _ in results if holds is None]
    print(f"{sum(1 for _, holds, _ in results if holds)}/{len(results)} 条 MUST 满足 / MUSTs hold"
          + (f"；不满足 / not holding: {', '.join(failed)}" if failed else "")
          + (f"；未检查 / not checked: {', '.join(unchecked)}" if unchecked else ""))
    return 1 if failed else 0
