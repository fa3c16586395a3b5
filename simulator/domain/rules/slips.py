"""汇(补)缴书: only for entrusted-collection units, only for remitted months (3.2.2, 3.2.3)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Mapping

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError
from ..model import Unit, UnitMonths
from ..money import capitals
from ..months import Month


@implements("3.2.2", "3.2.3")
def check_printable(unit: Unit, months: UnitMonths, month: Month) -> None:
    if not unit.entrusted_collection:
        raise DomainError(M.SLIP_NOT_ENTRUSTED)
    if not months.is_remitted(month):
        raise DomainError(M.SLIP_MONTH_NOT_REMITTED, month=month)


@dataclass(frozen=True)
class Line:
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Slip:
    unit_account_no: str
    unit_name: str
    month: Month
    previous: Line   # 上月汇缴
    increase: Line   # 本月增加
    decrease: Line   # 本月减少
    current: Line    # 本月汇缴
    back_pay: Line   # 补缴 settled with this month's remittance
    printed_on: date  # 填制日期

    @property
    def total(self) -> Decimal:
        return self.current.amount + self.back_pay.amount

    @property
    def total_capitals(self) -> str:
        return capitals(self.total)


@implements("3.2.3")
def build_slip(unit: Unit, month: Month, previous: Mapping[str, Decimal],
               current: Mapping[str, Decimal], back_pay: Line, printed_on: date) -> Slip:
    """Per-person monthly totals of the previous and this month. A base change counts as an
    increase or decrease in amount without a change in headcount, so that for both 人数 and
    金额: 上月 + 增加 − 减少 = 本月."""
    inc_n = dec_n = 0
    inc = dec = Decimal("0")
    for pno, amt in current.items():
        before = previous.get(pno)
        if before is None:
            inc_n += 1
            inc += amt
        elif amt > before:
            inc += amt - before
        elif amt < before:
            dec += before - amt
    for pno, amt in previous.items():
        if pno not in current:
            dec_n += 1
            dec += amt
    prev_line = Line(len(previous), sum(previous.values(), Decimal("0")))
    cur_line = Line(len(current), sum(current.values(), Decimal("0")))
    return Slip(unit.account_no, unit.name, month, prev_line, Line(inc_n, inc), Line(dec_n, dec),
                cur_line, back_pay, printed_on)
