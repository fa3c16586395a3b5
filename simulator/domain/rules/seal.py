"""Seal (封存), clause 3.3.1."""
from __future__ import annotations

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError
from ..model import Account, AccountState, BusinessType, UnitMonths
from ..months import Month


@implements("3.3.1")
def check_seal(account: Account, unit: UnitMonths, last_month: Month) -> None:
    """封存请在该职工最后一个月的公积金到账之后、单位汇缴下个月的公积金之前办理.

    The seal names L, the employee's last contribution month. L must be a month the employee
    contributes in, it must have arrived (到账), and L+1 must not yet be remitted.
    """
    if account.state is not AccountState.NORMAL:
        raise DomainError(M.ACCOUNT_NOT_NORMAL, state=account.state.label,
                          business=BusinessType.SEAL.label)
    # L must lie in a stretch the employee contributes in at this unit (any segment: a base
    # change starts a new segment, and the month before it is still the employee's month)
    if not any(s.covers(last_month) for s in account.segments_here()):
        raise DomainError(M.SEAL_MONTH_NOT_CONTRIBUTED, month=last_month)
    if unit.is_remitted(last_month.next()):
        # too late: the next month was already paid for this employee; only the counter can undo it
        raise DomainError(M.NEXT_MONTH_ALREADY_REMITTED, month=last_month, next=last_month.next())
    if not unit.is_remitted(last_month) or not unit.has_arrived(last_month):
        raise DomainError(M.SEAL_BEFORE_LAST_MONTH_ARRIVED, month=last_month)
