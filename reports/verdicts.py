"""Scenarios → clause verdicts.

A clause passes only when every scenario citing it that belongs to this run's mode passed. The
order of severity: ``fail`` (the portal is wrong) over ``error`` (the harness could not tell) over
``not_verifiable``. Scenarios a mode does not run (a browser-only scenario in API mode) do not
count for or against a clause; scenarios that could not run for a reason of the target (no test
control, a capability not declared) make a clause that has no failure ``not_verifiable``: part of
it was not checked.

The clauses and their not-verifiable reasons come from the catalogue (``gjj.fixtures.guide.catalogue``).
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gjj.fixtures.guide.catalogue import Reason, load_catalogue, load_reasons

from .labels import OUTCOMES, VERDICTS
from .model import ClauseVerdict, Scenario, Summary

ROOT = Path(__file__).resolve().parents[1]  # the installed gjj package (the checkout's root): certify's data

# reason codes of skipped scenarios that say nothing about the clause in this mode
_OUT_OF_MODE = {"web_only"}
REASONS = {
    "offline": ("线下办理：本条款在柜面或电话中完成，网上无法验证",
                "offline: done at the counter or by phone; nothing online to check"),
    "web_only": ("需要浏览器：本条款只能在网页模式下验证（--mode web 或 all）",
                 "browser only: checkable in web mode (--mode web or all)"),
    "filtered": ("本次运行未选择检查本条款（--tags）", "not selected in this run (--tags)"),
    "no_test_control": ("目标没有可用的测试控制接口（虚拟时钟、准备数据），本条款的场景无法运行",
                        "the target offers no test control (virtual clock, seeding): the scenarios cannot run"),
    "capability": ("目标未声明本条款涉及的功能", "the target does not declare the capability the clause needs"),
    "no_scenario": ("没有可执行的场景", "no executable scenario"),
}


def clause_verdicts(scenarios: Iterable[Scenario], mode: str, filtered: bool = False,
                    run_error: str | None = None, selected: set[str] | None = None) -> list[ClauseVerdict]:
    """`selected`: the clauses cited by the scenarios selected to run (None: not known)."""
    scenarios = list(scenarios)
    reasons, _ = load_reasons()  # its errors are the coverage check's to report (and fail on)
    out: list[ClauseVerdict] = []
    for cid, clause in load_catalogue().items():
        citing = [s for s in scenarios if cid in s.clauses]
        checkable = clause.checkable_text
        base = {"id": cid, "topic": clause.gloss, "text": clause.text or clause.gloss, "checkable": checkable,
                "scenarios": [s.key for s in citing]}
        was_selected = selected is None or cid in selected
        out.append(ClauseVerdict(**base, **_judge(cid, checkable, citing, mode, filtered and not was_selected,
                                                  reasons, run_error)))
    return out


def _judge(cid: str, checkable: str, citing: list[Scenario], mode: str, filtered: bool, reasons: dict[str, Reason],
           run_error: str | None) -> dict:
    if "offline" in checkable:
        return _nv("offline")
    counted = [s for s in citing if s.reason_code not in _OUT_OF_MODE]
    if any(s.outcome == "failed" for s in counted):
        bad = [s.key for s in counted if s.outcome == "failed"]
        return {"verdict": "fail", "reason": "不符合的场景：" + "、".join(bad), "reason_en": "failing: " + ", ".join(bad)}
    if any(s.outcome == "error" for s in counted):
        bad = [s for s in counted if s.outcome == "error"]
        first = bad[0].failure.message if bad[0].failure else ""
        return {"verdict": "error", "reason": f"未能完成检查（{len(bad)} 个场景出错）：{first}"[:400],
                "reason_en": f"the check could not be completed ({len(bad)} scenario(s) in error)"}
    blocked = [s for s in counted if s.outcome == "not_verifiable"]
    passed = [s for s in counted if s.outcome == "passed"]
    if passed and run_error:  # the run stopped early: the scenarios that would have followed are unknown
        return {"verdict": "error", "reason": f"运行未完成，只检查了部分场景：{run_error}"[:400],
                "reason_en": "the run did not complete: only part of the clause was checked"}
    if blocked:
        code = blocked[0].reason_code or "no_scenario"
        zh, en = REASONS.get(code, (blocked[0].reason or "", blocked[0].reason or ""))
        if code not in REASONS and blocked[0].reason:
            zh = en = blocked[0].reason
        if passed:
            zh, en = f"部分场景未能运行：{zh}", f"partly checked: {en}"
        return {"verdict": "not_verifiable", "reason": zh, "reason_en": en}
    if passed:
        return {"verdict": "pass", "reason": None, "reason_en": None}
    # no scenario of this mode ran for the clause: say why
    if cid in reasons and not citing:
        r = reasons[cid]
        return {"verdict": "not_verifiable", "reason": r.reason, "reason_en": r.reason_en}
    if mode == "api" and "api" not in checkable and "web" in checkable:
        return _nv("web_only")
    if citing:  # only scenarios for another mode
        return _nv("web_only" if "web" in checkable else "no_scenario")
    if filtered:
        return _nv("filtered")
    if run_error:
        return {"verdict": "error", "reason": f"运行未完成：{run_error}"[:400], "reason_en": "the run did not complete"}
    return _nv("no_scenario")


def _nv(code: str) -> dict:
    zh, en = REASONS[code]
    return {"verdict": "not_verifiable", "reason": zh, "reason_en": en}


def summary(clauses: list[ClauseVerdict], scenarios: list[Scenario]) -> Summary:
    c = {k: 0 for k in VERDICTS}
    for v in clauses:
        c[v.verdict] += 1
    s = {k: 0 for k in OUTCOMES}
    for sc in scenarios:
        s[sc.outcome] += 1
    return Summary(clauses=c, scenarios=s)


NOTHING_CHECKED = "没有任何条款得到检查（目标不提供所需的接口或测试控制？）/ no clause could be checked"


def exit_code(clauses: list[ClauseVerdict], run_error: str | None) -> int:
    """0: every checked clause passes; 1: a clause failed; 2: the run could not be completed (a
    clause in error included: the harness could not tell; or nothing at all could be checked)."""
    if any(c.verdict == "fail" for c in clauses):
        return 1
    if run_error or any(c.verdict == "error" for c in clauses):
        return 2
    if not any(c.verdict == "pass" for c in clauses):
        return 2
    return 0
