"""Policy as dated data (clause 0.2) and the statutory working-day calendar.

Pure: stdlib only. Values arrive from ``simulator.policy.loader``; rules ask
``book.as_of(day)`` and never extrapolate: a day with no value in force is an
explicit error with a fix-it message (design lessons §8).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from types import MappingProxyType
from typing import Mapping, Sequence

POLICY_DIR = "fixtures/policy"
CALENDAR_DIR = "fixtures/policy/calendar"


class PolicyError(Exception):
    """Base of policy errors: ``str(e)`` is the Chinese message."""

    code = "POLICY_ERROR"

    def __init__(self, message_zh: str) -> None:
        self.message_zh = message_zh
        super().__init__(message_zh)


class PolicyNotInForce(PolicyError):
    code = "POLICY_NOT_IN_FORCE"

    def __init__(self, parameter: str, on: date, label: str = "") -> None:
        self.parameter = parameter
        self.on = on
        named = f"{parameter}（{label}）" if label else parameter
        super().__init__(
            f"政策参数 {named} 在 {on.isoformat()} 没有生效的取值：请在 {POLICY_DIR}/{parameter}.toml "
            f"中录入 effective_from 不晚于 {on.isoformat()} 的取值（来源：常州市住房公积金管理中心通知）"
        )


class CalendarNotCovered(PolicyError):
    code = "CALENDAR_NOT_COVERED"

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"日历数据未覆盖{year}年：请录入{year}年节假日安排（来源：国务院办公厅通知），"
            f"文件 {CALENDAR_DIR}/{year}.toml"
        )


@dataclass(frozen=True)
class ValueMeta:
    parameter: str
    effective_from: date
    source: str
    verified: bool  # true only when the guide or an official notice states the value
    last_confirmed: date | None
    note: str = ""


@dataclass(frozen=True)
class BusinessHours:
    """Half-open [start, end), naive local time in Asia/Shanghai (clause 3.3)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo or self.end.tzinfo or not self.start < self.end:
            raise ValueError(f"business hours need naive start < end, got {self.start}–{self.end}")

    def contains(self, t: time) -> bool:
        # An aware time would compare in another zone silently: callers convert first.
        if t.tzinfo is not None:
            raise ValueError("BusinessHours.contains takes a naive Asia/Shanghai time")
        return self.start <= t < self.end


def _dec(x: object) -> Decimal:
    # str() first so a float 0.05 means 0.05, not its binary expansion.
    return x if isinstance(x, Decimal) else Decimal(str(x))


@dataclass(frozen=True)
class RateRange:
    """Allowed deposit rates (unit and personal), as fractions: 0.05 = 5%."""

    min: Decimal
    max: Decimal
    step: Decimal
    default: Decimal  # what establish uses when no rate is given
    equal_rates: bool  # unit rate must equal personal rate

    def __post_init__(self) -> None:
        if not (Decimal(0) < self.min <= self.max < Decimal(1)) or self.step <= 0:
            raise ValueError(f"bad rate range {self.min}–{self.max} step {self.step}")
        if not self.check(self.default):
            raise ValueError(f"default rate {self.default} is outside {self.min}–{self.max} step {self.step}")

    def check(self, rate: object) -> bool:
        r = _dec(rate)
        return r.is_finite() and self.min <= r <= self.max and r % self.step == 0

    def check_pair(self, unit_rate: object, personal_rate: object) -> bool:
        ok = self.check(unit_rate) and self.check(personal_rate)
        return ok and (not self.equal_rates or _dec(unit_rate) == _dec(personal_rate))


@dataclass(frozen=True)
class BaseLimits:
    """Monthly deposit base (缴存基数) bounds in yuan, both inclusive."""

    min: Decimal
    max: Decimal

    def __post_init__(self) -> None:
        if not (Decimal(0) < self.min <= self.max):
            raise ValueError(f"bad base limits {self.min}–{self.max}")

    def contains(self, base: object) -> bool:
        return self.min <= _dec(base) <= self.max


ROUNDING_MODES = frozenset({ROUND_HALF_UP, ROUND_DOWN, ROUND_UP, ROUND_HALF_EVEN})


@dataclass(frozen=True)
class Rounding:
    """How each side's monthly amount is rounded: mode is a ``decimal`` constant name."""

    mode: str
    quantum: Decimal

    def __post_init__(self) -> None:
        if self.mode not in ROUNDING_MODES:
            raise ValueError(f"rounding mode {self.mode!r} not one of {sorted(ROUNDING_MODES)}")
        if self.quantum <= 0:
            raise ValueError(f"rounding quantum must be positive, got {self.quantum}")

    def apply(self, x: Decimal) -> Decimal:
        return _dec(x).quantize(self.quantum, rounding=self.mode)


@dataclass(frozen=True)
class NextDayRule:
    """Clauses 3.5/3.6: a day's changes appear after the nightly update, from the next working day."""

    publish: str  # "nightly": published when a calendar night passes
    visible_from: str  # "next_working_day_business_start"

    PUBLISH = frozenset({"nightly"})
    VISIBLE_FROM = frozenset({"next_working_day_business_start"})

    def __post_init__(self) -> None:
        if self.publish not in self.PUBLISH or self.visible_from not in self.VISIBLE_FROM:
            raise ValueError(f"unsupported next-day rule {self.publish!r}/{self.visible_from!r}")


@dataclass(frozen=True)
class PolicySnapshot:
    """All parameters in force on one day. Field names are the parameter names."""

    on: date
    business_hours: BusinessHours
    pin_attempt_limit: int
    initial_pin: str
    next_day_rule: NextDayRule
    rate_range: RateRange
    base_limits: BaseLimits
    rounding: Rounding
    session_ttl_minutes: int
    certificate_followup_days: int
    meta: Mapping[str, ValueMeta] = field(hash=False)

    def unverified(self) -> list[ValueMeta]:
        return [m for _, m in sorted(self.meta.items()) if not m.verified]


PARAMETERS: tuple[str, ...] = tuple(f.name for f in fields(PolicySnapshot) if f.name not in ("on", "meta"))


@dataclass(frozen=True)
class ParameterInfo:
    parameter: str
    label: str
    clauses: tuple[str, ...]
    description: str
    review_every_months: int


class PolicyBook:
    """Every dated value of every parameter; the value in force is the latest effective_from <= day."""

    def __init__(
        self,
        series: Mapping[str, Sequence[tuple[ValueMeta, object]]],
        version: str,
        info: Mapping[str, ParameterInfo] | None = None,
    ) -> None:
        self._series: dict[str, tuple[tuple[ValueMeta, object], ...]] = {}
        for name, values in series.items():
            dates = [m.effective_from for m, _ in values]
            if dates != sorted(set(dates)):
                raise ValueError(f"{name}: effective dates must be strictly increasing")
            self._series[name] = tuple(values)
        self.version = version
        self._info = dict(info or {})

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(sorted(self._series))

    def info(self, parameter: str) -> ParameterInfo | None:
        return self._info.get(parameter)

    def history(self, parameter: str) -> list[tuple[ValueMeta, object]]:
        if parameter not in self._series:
            raise KeyError(f"unknown policy parameter {parameter!r}")
        return list(self._series[parameter])

    def value_in_force(self, parameter: str, on: date) -> tuple[ValueMeta, object]:
        found = None
        for meta, value in self._series.get(parameter, ()):
            if meta.effective_from > on:
                break
            found = (meta, value)
        if found is None:
            info = self._info.get(parameter)
            raise PolicyNotInForce(parameter, on, info.label if info else "")
        return found

    def as_of(self, on: date) -> PolicySnapshot:
        if isinstance(on, datetime):  # a datetime would compare unequal to dates; be explicit
            raise TypeError("PolicyBook.as_of takes a date, not a datetime")
        values: dict[str, object] = {}
        meta: dict[str, ValueMeta] = {}
        for name in PARAMETERS:
            meta[name], values[name] = self.value_in_force(name, on)
        return PolicySnapshot(on=on, meta=MappingProxyType(meta), **values)  # type: ignore[arg-type]


class WorkCalendar:
    """Statutory working days: adjusted weekend workdays count, public holidays do not."""

    def __init__(
        self,
        holidays: Mapping[date, str],
        makeup_workdays: Mapping[date, str],
        workweek: frozenset[int],
        covered_years: frozenset[int],
        sources: Mapping[int, str],
    ) -> None:
        both = set(holidays) & set(makeup_workdays)
        if both:
            raise ValueError(f"dates both holiday and makeup workday: {sorted(both)}")
        stray = {d for d in (*holidays, *makeup_workdays) if d.year not in covered_years}
        if stray:
            raise ValueError(f"calendar dates outside the covered years: {sorted(stray)}")
        if not workweek or not set(workweek) <= set(range(1, 8)):
            raise ValueError(f"workweek must be ISO weekdays 1–7, got {sorted(workweek)}")
        self._holidays = MappingProxyType(dict(holidays))
        self._makeup = MappingProxyType(dict(makeup_workdays))
        self.workweek = frozenset(workweek)
        self.covered_years = frozenset(covered_years)
        self.sources = MappingProxyType(dict(sources))

    def _check(self, d: date) -> None:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"WorkCalendar takes a date, got {type(d).__name__}")
        if d.year not in self.covered_years:
            raise CalendarNotCovered(d.year)

    def is_working_day(self, d: date) -> bool:
        self._check(d)
        if d in self._makeup:
            return True
        if d in self._holidays:
            return False
        return d.isoweekday() in self.workweek

    def next_working_day(self, d: date) -> date:
        """First working day strictly after d."""
        return self.working_day_on_or_after(d + timedelta(days=1))

    def working_day_on_or_after(self, d: date) -> date:
        while not self.is_working_day(d):  # raises on entering an uncovered year
            d += timedelta(days=1)
        return d

    def holiday_name(self, d: date) -> str | None:
        self._check(d)
        return self._holidays.get(d)

    def makeup_workday_name(self, d: date) -> str | None:
        self._check(d)
        return self._makeup.get(d)
