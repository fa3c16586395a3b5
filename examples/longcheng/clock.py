"""Time: the operating system's clock in Asia/Shanghai, working days from calendar data, and months.

The portal has no clock of its own and no way to set one: `now()` reads the OS time every time a rule
needs it. A test environment moves that time from outside the process (libfaketime, FAKETIME.md);
unit tests freeze it with freezegun. Months are 'YYYYMM' strings (the vendor's format), which order
correctly as text."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday

from .errors import E, Refused

SHANGHAI = ZoneInfo("Asia/Shanghai")

_HOLIDAY_CN = {h.value: h.chinese for h in Holiday}


def now() -> datetime:
    """The current time, Beijing time, to the second (the OS clock; libfaketime may have moved it)."""
    return datetime.now(SHANGHAI).replace(microsecond=0)


def stamp(t: datetime) -> str:
    """How the portal writes a moment: '2025-03-05 10:00:00' (Beijing time)."""
    return t.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


# --- working days (指南三、3) ----------------------------------------------------------------------
def is_working_day(day: date) -> bool:
    """A statutory working day: adjusted weekend workdays count, public holidays don't.
    Refused(CALENDAR_MISSING) for a year the calendar data does not cover."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise Refused(E.CALENDAR_MISSING, year=day.year) from None


def day_note(day: date) -> str:
    """'劳动节，非工作日', '调休上班', '星期六，非工作日' or '' for an ordinary working day."""
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    if holiday and name:
        return f"{_HOLIDAY_CN.get(name, name)}，非工作日"
    if holiday:
        return f"星期{'一二三四五六日'[day.weekday()]}，非工作日"
    if name:
        return f"{_HOLIDAY_CN.get(name, name)}调休上班"
    return ""


def next_working_day(day: date) -> date:
    d = day + timedelta(days=1)
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


# --- months ----------------------------------------------------------------------------------------
def month_of(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def add_months(month: str, n: int) -> str:
    y, m = divmod(int(month[:4]) * 12 + int(month[4:]) - 1 + n, 12)
    return f"{y:04d}{m + 1:02d}"


def month_span(first: str, last: str) -> list[str]:
    """Every month from first to last, inclusive ([] when last is before first)."""
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def month_cn(month: str) -> str:
    """'202503' → '2025年3月'."""
    return f"{int(month[:4])}年{int(month[4:])}月"
