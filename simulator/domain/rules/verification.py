"""Unit deposit-information verification (单位缴存信息核查), clause 0.1."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError
from ..months import Month


@dataclass(frozen=True)
class DepositSummary:
    month: Month            # the month this summary is for: the unit's 应汇缴年月
    paid_through: Month | None
    normal_count: int
    sealed_count: int
    total_base: Decimal
    unit_amount: Decimal
    personal_amount: Decimal

    @property
    def total_amount(self) -> Decimal:
        return self.unit_amount + self.personal_amount


@implements("0.1")
def check_verification(month: Month, already_verified: set[Month]) -> None:
    """A unit checks and confirms its deposit information once per month to remit."""
    if month in already_verified:
        raise DomainError(M.VERIFICATION_ALREADY_SUBMITTED, month=month)
