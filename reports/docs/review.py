"""When a policy value is due for review: its last confirmation plus the review period in months
(month arithmetic by the simulator's ``Month``; a day the shorter month lacks becomes its last day)."""
from __future__ import annotations

import calendar
from datetime import date

from gjj.simulator.domain.months import Month


def add_months(d: date, months: int) -> date:
    """31 January plus one month is 28 (or 29) February."""
    m = Month.of(d).plus(months)
    return date(m.year, m.month, min(d.day, calendar.monthrange(m.year, m.month)[1]))


def review_due(last_confirmed: date | None, months: int) -> date | None:
    return add_months(last_confirmed, months) if last_confirmed else None


def is_stale(last_confirmed: date | None, months: int, as_of: date) -> bool:
    """Older than its review period on ``as_of``. A value never confirmed has no date to age from:
    it is flagged 未经核实 instead, which already says more."""
    due = review_due(last_confirmed, months)
    return due is not None and as_of > due
