"""Individual back-pay (个别补缴), clause 3.4."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError
from ..model import (
    Account,
    AccountState,
    BackPayCause,
    MonthlyAmount,
    Origin,
    Segment,
    UnitMonths,
)
from ..money import monthly_amount
from ..months import Month
from ..policy import Rounding

ONLINE_CAUSES = frozenset({BackPayCause.LATE_ESTABLISH, BackPayCause.LATE_UNSEAL})


@dataclass(frozen=True)
class Window:
    """Months whose arrears one cause explains, and the segment whose base pays them."""
    cause: BackPayCause
    first: Month
    last: Month
    paid_by: Segment

    def __contains__(self, m: Month) -> bool:
        return self.first <= m <= self.last

    def zh(self) -> str:
        return f"{self.first}至{self.last}"


@dataclass(frozen=True)
class BackPayLine:
    month: Month
    base: Decimal
    unit_rate: Decimal
    personal_rate: Decimal
    amount: MonthlyAmount


@implements("3.4")
def windows(account: Account, unit: UnitMonths) -> list[Window]:
    """Arrears a cause can explain: before the first paid month (after employment: late
    establishment, or late unseal after a transfer-in), and each gap between a seal and a
    later unseal (late unseal). Only at the current unit, only up to the months remitted."""
    here = sorted(account.segments_here(), key=lambda s: s.start)
    out: list[Window] = []
    if not here:
        return out
    first_cause = (BackPayCause.LATE_ESTABLISH if account.origin is Origin.ESTABLISHED
                   else BackPayCause.LATE_UNSEAL)
    if account.joined_month < here[0].start:
        out.append(Window(first_cause, account.joined_month, here[0].start.prev(), here[0]))
    for prev, nxt in zip(here, here[1:]):
        if prev.end is not None and prev.end.next() < nxt.start:
            out.append(Window(BackPayCause.LATE_UNSEAL, prev.end.next(), nxt.start.prev(), nxt))
    return out


@implements("3.4")
def check_back_pay(account: Account, unit: UnitMonths, cause: BackPayCause,
                   months: list[Month], rounding: Rounding) -> list[BackPayLine]:
    """可以…在网上办理公积金个别补缴 for arrears from late account set-up or late unseal;
    差额补缴 for a base shortfall cannot be done online. Each month must already be due, not
    paid for the employee, inside the period the cause explains; one back-pay per month."""
    if cause not in ONLINE_CAUSES:
        raise DomainError(M.BACKPAY_CAUSE_NOT_ONLINE)
    if not months:
        raise DomainError(M.BACKPAY_NO_MONTHS)
    if len(set(months)) != len(months):
        raise DomainError(M.VALIDATION_FAILED, detail="补缴月份有重复")
    if account.state not in (AccountState.NORMAL, AccountState.SEALED):
        raise DomainError(M.ACCOUNT_NOT_NORMAL, state=account.state.label, business="个别补缴")
    own = [w for w in windows(account, unit) if w.cause is cause]
    lines = []
    for m in sorted(months):
        if not unit.is_remitted(m):
            raise DomainError(M.BACKPAY_MONTH_NOT_DUE, month=m)
        if account.contributes_in(m, unit):
            raise DomainError(M.BACKPAY_MONTH_ALREADY_PAID, month=m)
        window = next((w for w in own if m in w), None)
        if window is None:
            period = "、".join(w.zh() for w in own) or "无"
            raise DomainError(M.BACKPAY_MONTH_NOT_EXPLAINED, month=m, cause=cause.label, period=period)
        seg = window.paid_by
        lines.append(BackPayLine(m, seg.base, seg.unit_rate, seg.personal_rate,
                                 monthly_amount(seg.base, seg.unit_rate, seg.personal_rate, rounding)))
    return lines
