"""The dated policy data as the site shows it: each parameter's periods (past, in force on the day,
future), every value in words a policy officer reads, and whether it is unverified or due for review."""
from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date, time
from decimal import Decimal

from gjj.simulator.domain.policy import BaseLimits, BusinessHours, NextDayRule, RateRange, Rounding

from ..links import anchor_safe
from .review import is_stale, review_due

STATE_LABELS = {"past": "已被取代", "in_force": "现行", "future": "尚未生效"}

_ROUNDING = {"ROUND_HALF_UP": "四舍五入", "ROUND_DOWN": "舍去", "ROUND_UP": "进位",
             "ROUND_HALF_EVEN": "四舍六入五成双"}
_QUANTUM = {Decimal(1): "元", Decimal("0.1"): "角", Decimal("0.01"): "分"}
_NEXT_DAY = {"nightly": "每个自然日夜间发布", "next_working_day_business_start": "最迟于下一个工作日办理时间开始时可见"}


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M" if not t.second else "%H:%M:%S")


def _pct(d: Decimal) -> str:
    return f"{(d * 100).normalize():f}%"


def format_value(value: object) -> str:
    """A policy value in words a policy officer reads (the raw value stays visible in the history)."""
    if isinstance(value, BusinessHours):
        return f"工作日 {_hhmm(value.start)} 至 {_hhmm(value.end)}（含 {_hhmm(value.start)}，不含 {_hhmm(value.end)}）"
    if isinstance(value, RateRange):
        same = "，单位与个人比例须相同" if value.equal_rates else "，单位与个人比例可以不同"
        return (f"{_pct(value.min)} 至 {_pct(value.max)}，步长 {_pct(value.step)}，"
                f"未指定时默认 {_pct(value.default)}{same}")
    if isinstance(value, BaseLimits):
        return f"{value.min:f} 元 至 {value.max:f} 元（含两端）"
    if isinstance(value, Rounding):
        unit = _QUANTUM.get(value.quantum.normalize(), f"{value.quantum:f} 元")
        return f"{_ROUNDING.get(value.mode, value.mode)}到{unit}（{value.mode}，{value.quantum:f}）"
    if isinstance(value, NextDayRule):
        return f"{_NEXT_DAY.get(value.publish, value.publish)}；{_NEXT_DAY.get(value.visible_from, value.visible_from)}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if is_dataclass(value):
        return "；".join(f"{f.name} = {getattr(value, f.name)}" for f in fields(value))
    return str(value)


@dataclass
class PeriodView:
    effective_from: date
    value: str
    verified: bool
    source: str
    last_confirmed: date | None
    note: str
    state: str  # past | in_force | future
    stale: bool
    due: date | None


@dataclass
class ParamView:
    name: str
    label: str
    description: str
    clauses: list[str]
    review_months: int
    periods: list[PeriodView]

    @property
    def current(self) -> PeriodView | None:
        return next((p for p in self.periods if p.state == "in_force"), None)

    @property
    def anchor(self) -> str:
        return "param-" + anchor_safe(self.name)


def policy_views(book, as_of: date, review_months: int | None) -> list[ParamView]:
    out = []
    for name in book.parameters:
        info = book.info(name)
        months = review_months if review_months is not None else (info.review_every_months if info else 12)
        history = book.history(name)
        in_force = max((i for i, (m, _) in enumerate(history) if m.effective_from <= as_of), default=None)
        periods = []
        for i, (meta, value) in enumerate(history):
            state = "in_force" if i == in_force else "future" if meta.effective_from > as_of else "past"
            live = state != "past"  # a superseded value needs no review
            periods.append(PeriodView(meta.effective_from, format_value(value), meta.verified, meta.source,
                                      meta.last_confirmed, meta.note, state,
                                      live and is_stale(meta.last_confirmed, months, as_of),
                                      review_due(meta.last_confirmed, months) if live else None))
        out.append(ParamView(name, info.label if info else name, info.description if info else "",
                             list(info.clauses) if info else [], months, periods))
    return out
