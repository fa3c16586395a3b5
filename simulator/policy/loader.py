"""Reads dated policy TOML and the holiday calendar into the pure domain objects.

The only module that touches files or ``chinese_calendar``. Strict by design: a fixed
key set, quoted times and amounts, dates in order, so every mistake gets a message that
names the file and the key instead of a silently wrong value (design lessons §8).
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from gjj.simulator.domain.policy import (
    PARAMETERS,
    BaseLimits,
    BusinessHours,
    NextDayRule,
    ParameterInfo,
    PolicyBook,
    RateRange,
    Rounding,
    ValueMeta,
    WorkCalendar,
)

_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY_DIR = _ROOT / "fixtures" / "policy"
DEFAULT_CALENDAR_DIR = DEFAULT_POLICY_DIR / "calendar"
WORKWEEK = frozenset({1, 2, 3, 4, 5})


class PolicyDataError(Exception):
    """Malformed policy or calendar data. Names the file and the key."""

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = str(file), key, problem
        super().__init__(f"{self.file}: {key}: {problem}")


# ---- field readers: each returns the value or raises PolicyDataError ----

_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
_DATE_KEY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Ctx:
    def __init__(self, file: Path, where: str = "") -> None:
        self.file, self.where = file, where

    def fail(self, key: str, problem: str) -> PolicyDataError:
        return PolicyDataError(self.file, f"{self.where}{key}", problem)

    def str_(self, t: dict, key: str, allow_empty: bool = False) -> str:
        v = t[key]
        if not isinstance(v, str) or (not allow_empty and not v.strip()):
            raise self.fail(key, f"应为非空字符串 / expected a non-empty string, got {v!r}")
        return v

    def int_(self, t: dict, key: str, minimum: int = 1) -> int:
        v = t[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise self.fail(key, f"应为不小于{minimum}的整数 / expected an integer >= {minimum}, got {v!r}")
        return v

    def bool_(self, t: dict, key: str) -> bool:
        v = t[key]
        if not isinstance(v, bool):
            raise self.fail(key, f"应为 true 或 false / expected a boolean, got {v!r}")
        return v

    def date_(self, t: dict, key: str) -> date:
        v = t[key]
        if isinstance(v, datetime) or not isinstance(v, date):
            raise self.fail(key, f"应为不带引号的 TOML 日期，如 2019-06-01 / expected a bare TOML date, got {v!r}")
        return v

    def time_(self, t: dict, key: str) -> time:
        v = t[key]
        if isinstance(v, time):
            raise self.fail(
                key,
                f'时间须加引号，写作 "{v.isoformat()}" / a time must be a quoted "HH:MM[:SS]" string, '
                f"got the TOML local time {v.isoformat()}",
            )
        if not isinstance(v, str) or not _TIME.match(v):
            raise self.fail(key, f'应为带引号的 "HH:MM[:SS]" / expected a quoted "HH:MM[:SS]" string, got {v!r}')
        try:
            return time.fromisoformat(v)
        except ValueError as e:
            raise self.fail(key, f"不是有效时间 / not a valid time: {v!r}") from e

    def dec(self, t: dict, key: str) -> Decimal:
        v = t[key]
        if not isinstance(v, str):
            raise self.fail(key, f'数值须加引号以保持精确，如 "0.05" / a number must be a quoted string, got {v!r}')
        try:
            d = Decimal(v.strip())
        except InvalidOperation as e:
            raise self.fail(key, f"不是有效数值 / not a decimal number: {v!r}") from e
        if not d.is_finite():
            raise self.fail(key, f"不是有限数值 / not a finite number: {v!r}")
        return d


def _keys(ctx: _Ctx, t: Any, required: set[str], optional: set[str] = frozenset()) -> None:
    if not isinstance(t, dict):
        raise ctx.fail("", f"应为表 / expected a table, got {t!r}")
    unknown = sorted(set(t) - required - optional)
    if unknown:
        raise ctx.fail(unknown[0], f"未知键 / unknown key (allowed: {', '.join(sorted(required | optional))})")
    missing = sorted(required - set(t))
    if missing:
        raise ctx.fail(missing[0], "缺少必填键 / missing required key")


# ---- per-parameter value schemas: value keys -> builder ----

_SCHEMAS: dict[str, tuple[set[str], Callable[[_Ctx, dict], object]]] = {
    "business_hours": ({"start", "end"}, lambda c, t: BusinessHours(c.time_(t, "start"), c.time_(t, "end"))),
    "initial_pin": ({"value"}, lambda c, t: _pin(c, t)),
    "pin_attempt_limit": ({"value"}, lambda c, t: c.int_(t, "value")),
    "next_day_rule": (
        {"publish", "visible_from"},
        lambda c, t: NextDayRule(c.str_(t, "publish"), c.str_(t, "visible_from")),
    ),
    "rate_range": (
        {"min", "max", "step", "default", "equal_rates"},
        lambda c, t: RateRange(
            c.dec(t, "min"), c.dec(t, "max"), c.dec(t, "step"), c.dec(t, "default"), c.bool_(t, "equal_rates")
        ),
    ),
    "base_limits": ({"min", "max"}, lambda c, t: BaseLimits(c.dec(t, "min"), c.dec(t, "max"))),
    "rounding": ({"mode", "quantum"}, lambda c, t: Rounding(c.str_(t, "mode"), c.dec(t, "quantum"))),
    "session_ttl_minutes": ({"value"}, lambda c, t: c.int_(t, "value")),
    "certificate_followup_days": ({"value"}, lambda c, t: c.int_(t, "value")),
}
assert set(_SCHEMAS) == set(PARAMETERS), "every snapshot field needs a schema"


def _pin(c: _Ctx, t: dict) -> str:
    v = c.str_(t, "value")
    if not v.isdigit():
        raise c.fail("value", f"口令应为数字字符串 / PIN must be a string of digits, got {v!r}")
    return v


_TOP_KEYS = {"parameter", "label", "clauses", "description", "review_every_months", "values"}
_META_KEYS = {"effective_from", "verified", "source"}
_META_OPTIONAL = {"last_confirmed", "note"}


def _read_toml(path: Path) -> tuple[bytes, dict]:
    raw = path.read_bytes()
    try:
        return raw, tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise PolicyDataError(path, "", f"不是 UTF-8 文本 / not UTF-8: {e}") from e
    except tomllib.TOMLDecodeError as e:  # includes duplicate keys
        raise PolicyDataError(path, "", f"TOML 语法错误 / TOML syntax error: {e}") from e


def _load_parameter(path: Path, doc: dict) -> tuple[ParameterInfo, list[tuple[ValueMeta, object]]]:
    ctx = _Ctx(path)
    _keys(ctx, doc, _TOP_KEYS)
    name = ctx.str_(doc, "parameter")
    if name != path.stem:
        raise ctx.fail("parameter", f"参数名 {name!r} 与文件名 {path.name!r} 不一致 / must equal the file name stem")
    clauses = doc["clauses"]
    if not isinstance(clauses, list) or not all(isinstance(x, str) and x for x in clauses):
        raise ctx.fail("clauses", f"应为字符串数组 / expected a list of strings, got {clauses!r}")
    info = ParameterInfo(
        name, ctx.str_(doc, "label"), tuple(clauses), ctx.str_(doc, "description"),
        ctx.int_(doc, "review_every_months"),
    )
    values = doc["values"]
    if not isinstance(values, list) or not values:
        raise ctx.fail("values", "至少需要一个 [[values]] / at least one [[values]] entry is required")
    value_keys, build = _SCHEMAS[name]
    series: list[tuple[ValueMeta, object]] = []
    for i, entry in enumerate(values):
        vc = _Ctx(path, f"values[{i}].")
        _keys(vc, entry, _META_KEYS | value_keys, _META_OPTIONAL)
        eff = vc.date_(entry, "effective_from")
        if series and eff == series[-1][0].effective_from:
            raise vc.fail("effective_from", f"生效日期重复 / duplicate effective date {eff}")
        if series and eff < series[-1][0].effective_from:
            raise vc.fail("effective_from", f"生效日期须按先后排列 / dates out of order: {eff} after "
                                            f"{series[-1][0].effective_from}")
        meta = ValueMeta(
            parameter=name,
            effective_from=eff,
            source=vc.str_(entry, "source"),
            verified=vc.bool_(entry, "verified"),
            last_confirmed=vc.date_(entry, "last_confirmed") if "last_confirmed" in entry else None,
            note=vc.str_(entry, "note", allow_empty=True) if "note" in entry else "",
        )
        if meta.verified and meta.last_confirmed is None:
            raise vc.fail("last_confirmed", "verified = true 时必须填写核实日期 / a verified value needs last_confirmed")
        try:
            value = build(vc, entry)
        except ValueError as e:  # domain invariant (e.g. start >= end)
            raise vc.fail("", f"取值无效 / invalid value: {e}") from e
        series.append((meta, value))
    return info, series


def load_policy(directory: Path | None = None) -> PolicyBook:
    directory = Path(directory) if directory is not None else DEFAULT_POLICY_DIR
    if not directory.is_dir():
        raise PolicyDataError(directory, "", "目录不存在 / directory not found")
    files = sorted(directory.glob("*.toml"))
    digest = hashlib.sha256()
    series: dict[str, list[tuple[ValueMeta, object]]] = {}
    infos: dict[str, ParameterInfo] = {}
    for path in files:
        raw, doc = _read_toml(path)
        digest.update(path.name.encode() + b"\0" + raw + b"\0")  # renames change the version too
        if path.stem not in _SCHEMAS:
            raise PolicyDataError(path, "parameter", f"未知参数 / unknown parameter (known: {', '.join(PARAMETERS)})")
        info, values = _load_parameter(path, doc)
        infos[info.parameter], series[info.parameter] = info, values
    missing = [p for p in PARAMETERS if p not in series]
    if missing:
        raise PolicyDataError(directory / f"{missing[0]}.toml", "", "缺少参数文件 / parameter file missing")
    return PolicyBook(series, digest.hexdigest()[:12], infos)


# ---- calendar ----

_CAL_KEYS = {"year", "source", "published", "workweek", "holidays", "makeup_workdays"}


def _package_calendar() -> tuple[dict[date, str], dict[date, str], set[int], dict[int, str]]:
    import chinese_calendar as cc

    zh = {h.value: h.chinese for h in cc.Holiday}
    holidays = {d: zh.get(n, n) for d, n in cc.holidays.items()}
    makeup = {d: f"{zh.get(n, n)}调休上班" for d, n in cc.workdays.items()}
    # Same coverage rule the package itself enforces in utils._validate_date.
    years = set(range(min(cc.holidays).year, max(cc.holidays).year + 1))
    sources = {
        y: f"chinesecalendar {cc.__version__}（据国务院办公厅关于{y}年部分节假日安排的通知）" for y in years
    }
    return holidays, makeup, years, sources


def _date_table(ctx: _Ctx, doc: dict, key: str, year: int) -> dict[date, str]:
    table = doc[key]
    if not isinstance(table, dict):
        raise ctx.fail(key, "应为表 / expected a table of date = name")
    out: dict[date, str] = {}
    for k, name in table.items():
        if not _DATE_KEY.match(k):
            raise ctx.fail(f"{key}.{k}", "键应为 YYYY-MM-DD 日期 / key must be a YYYY-MM-DD date")
        try:
            d = date.fromisoformat(k)
        except ValueError as e:
            raise ctx.fail(f"{key}.{k}", "不是有效日期 / not a valid date") from e
        if d.year != year:
            raise ctx.fail(f"{key}.{k}", f"日期不在{year}年内 / date outside year {year}")
        if not isinstance(name, str) or not name.strip():
            raise ctx.fail(f"{key}.{k}", "名称应为非空字符串 / name must be a non-empty string")
        out[d] = name
    return out


def _load_calendar_year(path: Path) -> tuple[int, dict[date, str], dict[date, str], str]:
    _, doc = _read_toml(path)
    ctx = _Ctx(path)
    _keys(ctx, doc, _CAL_KEYS)
    year = ctx.int_(doc, "year", minimum=1949)
    if path.stem != str(year):
        raise ctx.fail("year", f"年份 {year} 与文件名 {path.name!r} 不一致 / must equal the file name")
    source = ctx.str_(doc, "source")
    published = ctx.date_(doc, "published")
    ww = doc["workweek"]
    if not isinstance(ww, list) or frozenset(ww) != WORKWEEK or len(ww) != len(WORKWEEK):
        raise ctx.fail("workweek", f"目前只支持 [1,2,3,4,5] / only a Monday–Friday workweek is supported, got {ww!r}")
    holidays = _date_table(ctx, doc, "holidays", year)
    makeup = _date_table(ctx, doc, "makeup_workdays", year)
    both = sorted(set(holidays) & set(makeup))
    if both:
        raise ctx.fail(f"makeup_workdays.{both[0]}", "同一天不能既是假日又是调休上班 / both holiday and workday")
    plain = sorted(d for d in makeup if d.isoweekday() in WORKWEEK)
    if plain:
        raise ctx.fail(f"makeup_workdays.{plain[0]}", "该日本是工作日，无需调休 / already a normal workday")
    return year, holidays, makeup, f"{source}（发布于 {published.isoformat()}，{path.name}）"


def load_calendar(directory: Path | None = None) -> WorkCalendar:
    """chinese_calendar's years, then fixtures/policy/calendar/<year>.toml replacing or adding whole years."""
    if directory is not None and not Path(directory).is_dir():
        raise PolicyDataError(directory, "", "目录不存在 / directory not found")
    directory = Path(directory) if directory is not None else DEFAULT_CALENDAR_DIR
    holidays, makeup, years, sources = _package_calendar()
    if directory.is_dir():  # the default may be absent in a non-editable install
        for path in sorted(directory.glob("*.toml")):
            if not re.fullmatch(r"\d{4}", path.stem):
                raise PolicyDataError(path, "", "文件名应为 <年>.toml / file name must be <year>.toml")
            year, h, m, src = _load_calendar_year(path)
            # A TOML year replaces the package's year wholesale: no mixing of two sources.
            holidays = {d: n for d, n in holidays.items() if d.year != year} | h
            makeup = {d: n for d, n in makeup.items() if d.year != year} | m
            years.add(year)
            sources[year] = src
    return WorkCalendar(holidays, makeup, WORKWEEK, frozenset(years), sources)
