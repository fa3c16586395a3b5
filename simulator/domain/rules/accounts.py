"""Establishing, transferring and re-basing employee accounts (0.1, 3.9)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError
from ..model import Account, AccountState, BusinessType, UnitMonths
from ..months import Month
from ..policy import BaseLimits, RateRange


@implements("3.9")
def check_establish(existing: list[Account], employed_from: Month | None, unit: UnitMonths) -> Month:
    """从未缴纳过公积金的情况需进行账户设立: an ID that already has an open account anywhere
    in the centre is refused with a pointer to transfer. The account's first month is the
    unit's next month to remit; earlier months of employment are back-paid under 3.4.
    Returns the start month."""
    if any(not a.state.closed for a in existing):
        raise DomainError(M.ID_ALREADY_HAS_ACCOUNT)
    start = unit.due
    if employed_from is not None and employed_from > start:
        raise DomainError(M.EMPLOYMENT_MONTH_AFTER_START, employed=employed_from, start=start)
    return start


@implements("3.9")
def check_transfer(source: Account | None, name: str, target_unit: str) -> Account:
    """已缴纳过公积金的情况需进行职工转移: the account must exist with the same name and ID,
    be sealed at its old unit (an account still 正常 there is refused), and it arrives sealed,
    to be unsealed with a base under 3.3.2."""
    if source is None or source.state.closed or source.name != name:
        raise DomainError(M.TRANSFER_SOURCE_NOT_FOUND)
    if source.unit_account_no == target_unit:
        raise DomainError(M.TRANSFER_SAME_UNIT)
    if source.state is not AccountState.SEALED:
        raise DomainError(M.TRANSFER_SOURCE_NOT_SEALED, state=source.state.label)
    return source


@implements("0.1")
def check_base(base: Decimal, limits: BaseLimits) -> None:
    """缴存基数 within the limits in force (dated policy)."""
    if not limits.min <= base <= limits.max:
        raise DomainError(M.BASE_OUT_OF_RANGE, base=base, min=limits.min, max=limits.max)


@implements("0.1")
def check_rates(unit_rate: Decimal, personal_rate: Decimal, rates: RateRange) -> None:
    for r in (unit_rate, personal_rate):
        if not rates.check(r):
            raise DomainError(M.RATE_OUT_OF_RANGE, rate=r, min=rates.min, max=rates.max, step=rates.step)
    if rates.equal_rates and unit_rate != personal_rate:
        raise DomainError(M.RATES_NOT_EQUAL)


@implements("0.1")
def check_base_adjustment(account: Account, unit: UnitMonths, effective: Month,
                          new_base: Decimal, today: date) -> None:
    """Base adjustment applies from a month not yet remitted, at the latest the current month
    (or the next month to remit when the unit is ahead); paid months are 差额补缴 at the counter."""
    if account.state is not AccountState.NORMAL:
        raise DomainError(M.ACCOUNT_NOT_NORMAL, state=account.state.label,
                          business=BusinessType.BASE_ADJUSTMENT.label)
    latest = max(Month.of(today), unit.due)
    if not unit.due <= effective <= latest:
        raise DomainError(M.BASE_EFFECTIVE_MONTH, month=effective, due=unit.due, latest=latest)
    seg = account.current
    if seg is not None and seg.base == new_base:
        raise DomainError(M.BASE_UNCHANGED)
