"""The centre's time. The only module allowed to read the wall clock.

Everything else asks a Clock; the domain takes explicit datetimes. Time is Asia/Shanghai.
"""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """Real time, for a centre that is not under test control."""

    def now(self) -> datetime:
        return datetime.now(SHANGHAI).replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()


class ManualClock:
    """A virtual clock that moves only when told to (test control). Never moves backwards:
    the centre's history would stop making sense; reset the world instead."""

    def __init__(self, start: datetime) -> None:
        self._now = to_shanghai(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = to_shanghai(when)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now = self._now + delta


def to_shanghai(when: datetime) -> datetime:
    if when.tzinfo is None:
        # a naive time from a client is read as Shanghai wall time, never as UTC or local
        return when.replace(tzinfo=SHANGHAI)
    return when.astimezone(SHANGHAI)
