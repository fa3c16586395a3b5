"""Small builders for the pure domain-rule tests (tests/test_rules_*.py).

Everything here builds plain dataclasses: no web, no database, no wall clock.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Callable, Iterable

import pytest

from gjj.simulator.domain.messages import DomainError
from gjj.simulator.domain.model import (
    Account,
    AccountState,
    OpeningStage,
    Operator,
    Origin,
    Segment,
    StorageCard,
    Unit,
    UnitMonths,
)
from gjj.simulator.domain.months import Month
from gjj.simulator.domain.policy import PolicySnapshot, WorkCalendar
from gjj.simulator.domain.rules.hours import SHANGHAI
from gjj.simulator.policy import load_calendar, load_policy

D = Decimal
UNIT_NO = "100000001"     # the unit under test
OTHER_UNIT_NO = "100000002"


def M(text: str) -> Month:
    return Month.parse(text)


def seg(start: str, end: str | None = None, base: str = "6000", rate: str = "0.08",
        unit: str = UNIT_NO) -> Segment:
    return Segment(unit, M(start), M(end) if end else None, D(base), D(rate), D(rate))


def account(segments: Iterable[Segment] = (), state: AccountState = AccountState.NORMAL,
            origin: Origin = Origin.ESTABLISHED, joined: str | None = None,
            back_paid: Iterable[str] = (), unit: str = UNIT_NO, name: str = "张三",
            id_number: str = "320402199003071235", personal_no: str = "P0001") -> Account:
    segments = tuple(segments)
    if joined is None:
        joined = str(segments[0].start) if segments else "2024-01"
    return Account(personal_no=personal_no, unit_account_no=unit, name=name, id_number=id_number,
                   state=state, origin=origin, joined_month=M(joined),
                   storage_card=StorageCard.NOT_APPLIED, segments=segments,
                   back_paid=frozenset(M(m) for m in back_paid))


def unit_months(first: str = "2024-01", through: str | None = "2025-02",
                arrived: Iterable[str] | None = None) -> UnitMonths:
    """A unit remitted first..through; by default every remitted month has arrived."""
    first_m = M(first)
    last = M(through) if through else None
    if arrived is None:
        arrived_set = frozenset(first_m.until(last)) if last else frozenset()
    else:
        arrived_set = frozenset(M(m) for m in arrived)
    return UnitMonths(first_m, last, arrived_set)


def unit(entrusted: bool = True, stage: OpeningStage = OpeningStage.OPENED,
         first: str = "2024-01", account_no: str = UNIT_NO) -> Unit:
    return Unit(account_no=account_no, name="常州市天宁区示例机械有限公司",
                uscc="91320400MA5CEGER7L", entrusted_collection=entrusted,
                operator=Operator("李四", "13800138000", "320402199003071235"),
                opening_stage=stage, first_month=M(first))


@cache
def policy(on: date = date(2025, 7, 1)) -> PolicySnapshot:
    return load_policy().as_of(on)


@cache
def calendar() -> WorkCalendar:
    return load_calendar()


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    """An aware datetime in Asia/Shanghai."""
    return datetime(y, mo, d, h, mi, s, us, tzinfo=SHANGHAI)


def refused(code: str, fn: Callable, *args, **kwargs) -> DomainError:
    """Call fn, expect a DomainError with this code, return it for further checks."""
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value.code}: {info.value.detail}"
    return info.value
