"""Business hours (3.3) and next-day visibility (3.5, 3.6)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError
from ..policy import BusinessHours, WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("naive datetime: the centre's time is always zone-aware")
    return at.astimezone(SHANGHAI)


@implements("3.3")
def in_business_hours(at: datetime, hours: BusinessHours, calendar: WorkCalendar) -> bool:
    """工作日的九时至十七时: a statutory working day (adjusted weekends count, holidays
    don't), start inclusive, end exclusive, in Asia/Shanghai."""
    local = _local(at)
    return calendar.is_working_day(local.date()) and hours.contains(local.time())


@implements("3.3", "0.1")
def check_business_hours(at: datetime, hours: BusinessHours, calendar: WorkCalendar) -> None:
    """Every submission of a clause-0.1 business must fall within business hours."""
    if not in_business_hours(at, hours, calendar):
        local = _local(at)
        raise DomainError(M.OUTSIDE_BUSINESS_HOURS,
                          when=f"{local:%Y-%m-%d %H:%M:%S}" + _day_kind(local.date(), calendar),
                          start=f"{hours.start:%H:%M}", end=f"{hours.end:%H:%M}")


def _day_kind(d: date, calendar: WorkCalendar) -> str:
    if calendar.is_working_day(d):
        return ""
    name = calendar.holiday_name(d)
    return f"（{name}，非工作日）" if name else "（非工作日）"


@implements("3.5", "3.6")
def is_published(changed_on: date, today: date) -> bool:
    """隔天进行更新: a change is published by the nightly update that runs at the first
    midnight after it, so it is visible from the next calendar day on, never the same day."""
    return changed_on < today


@implements("3.5", "3.6")
def verify_from(changed_at: datetime, hours: BusinessHours, calendar: WorkCalendar) -> datetime:
    """请于第2个工作日进行核实: the moment from which the change MUST be visible: the start of
    business hours on the next working day after the change."""
    local = _local(changed_at)
    day = calendar.next_working_day(local.date())
    return datetime.combine(day, hours.start, tzinfo=SHANGHAI)


def midnight_after(at: datetime) -> datetime:
    local = _local(at)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
