"""The short words every report uses, in Chinese and English, once: verdicts, scenario outcomes, step
outcomes, drivers and run modes, checkable kinds, evidence kinds, pre-flight states.

Each table maps a key of the verdicts document to (Chinese, English). The certification page
(``html.py``), the documentation site (``docs/``), ``junit.xml``, ``cucumber.json`` and ``gjj compare``
take their labels from here, their templates too; the long wording of a verdict is the document's
legend (``model.LEGEND``).
"""
from __future__ import annotations

Labels = dict[str, tuple[str, str]]

VERDICTS = ("pass", "fail", "not_verifiable", "error")  # a clause's verdict
OUTCOMES = ("passed", "failed", "error", "not_verifiable")  # a scenario's outcome

VERDICT_LABELS: Labels = {
    "pass": ("通过", "pass"),
    "fail": ("不符合", "fail"),
    "not_verifiable": ("无法验证", "not verifiable"),
    "error": ("出错", "error"),
}
OUTCOME_LABELS: Labels = {
    "passed": ("通过", "passed"),
    "failed": ("未通过", "failed"),
    "error": ("出错", "error"),
    "not_verifiable": ("无法验证", "not verifiable"),
}
STEP_LABELS: Labels = {
    **{k: OUTCOME_LABELS[k] for k in ("passed", "failed", "error")},
    "skipped": ("跳过", "skipped"),
    "not_run": ("未执行", "not run"),
}
CHECKABLE_LABELS: Labels = {  # the catalogue's checkable column, as Clause.checkable_text writes it
    "api": ("接口", "API"),
    "web": ("网页", "web"),
    "offline": ("线下", "offline"),
    "api+web": ("接口和网页", "API and web"),
    "—": ("—", "—"),
}
DRIVER_LABELS: Labels = {k: CHECKABLE_LABELS[k] for k in ("api", "web")}  # the driver a scenario ran through
MODE_LABELS: Labels = {  # a run's mode
    "api": DRIVER_LABELS["api"],
    "web": ("网页（浏览器）", "web (browser)"),
    "all": ("接口和网页", "API and web"),
}
EVIDENCE_LABELS: Labels = {
    "http": ("HTTP 记录", "HTTP exchange"),
    "screenshot": ("截图", "screenshot"),
    "html": ("网页快照", "HTML snapshot"),
    "trace": ("浏览器追踪", "Playwright trace"),
    "log": ("日志", "log"),
}
PREFLIGHT_LABELS: Labels = {"ok": ("正常", "ok"), "warn": ("警告", "warning"), "fail": ("失败", "failed")}


def pair(labels: Labels, key: str) -> tuple[str, str]:
    """(Chinese, English) for the key; an unknown key stands for itself."""
    return labels.get(key, (key, key))


def zh(labels: Labels, key: str) -> str:
    return pair(labels, key)[0]


def both(labels: Labels, key: str | None) -> str:
    """``不符合（fail）``: for plain text, where both languages stand side by side; None is ``—``."""
    if key is None:
        return "—"
    c, e = pair(labels, key)
    return f"{c}（{e}）"
