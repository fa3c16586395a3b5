"""The centre's entities as plain values. No I/O: the store builds them, rules read them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from .months import Month


class Labelled(Enum):
    """English member, stable code, Chinese label (what users read)."""

    def __new__(cls, code: str, label: str):
        obj = object.__new__(cls)
        obj._value_ = code
        obj.label = label
        return obj


class AccountState(Labelled):
    # 贯标 GRZHZT codes (domain-notes 1.2); the closed states are data the rules refer to.
    NORMAL = ("01", "正常")
    SEALED = ("02", "封存")
    CLOSED_MERGED = ("03", "合并销户")
    CLOSED_TRANSFERRED_OUT = ("04", "外部转出销户")
    CLOSED_WITHDRAWN = ("05", "提取销户")
    FROZEN = ("06", "冻结")

    @property
    def closed(self) -> bool:
        return self in CLOSED_STATES


CLOSED_STATES = frozenset({AccountState.CLOSED_MERGED, AccountState.CLOSED_TRANSFERRED_OUT,
                           AccountState.CLOSED_WITHDRAWN})


class OpeningStage(Labelled):
    # Clause 1.2, in order. The index in OPENING_ORDER is the progress.
    NOT_ENABLED = ("not_enabled", "数字证书未开通住房公积金应用")
    ENABLED = ("enabled", "待查阅并签署服务协议")
    AGREEMENT_SIGNED = ("agreement_signed", "待核对单位信息")
    INFO_CONFIRMED = ("info_confirmed", "待设置查询密码")
    PASSWORD_SET = ("password_set", "待完成开通")
    OPENED = ("opened", "已开通")


OPENING_ORDER = list(OpeningStage)


class BusinessType(Labelled):
    ESTABLISH = ("establish", "职工账户设立")
    SEAL = ("seal", "职工账户封存")
    UNSEAL = ("unseal", "职工启封")
    TRANSFER = ("transfer", "职工转移")
    BACK_PAY = ("back_pay", "个别补缴")
    BASE_ADJUSTMENT = ("base_adjustment", "缴存基数调整")
    DEPOSIT_VERIFICATION = ("deposit_verification", "单位缴存信息核查")


class BusinessStatus(Labelled):
    DRAFT = ("draft", "未提交")
    SUBMITTED = ("submitted", "已提交")


class BackPayCause(Labelled):
    LATE_ESTABLISH = ("late_establish", "未及时设立账户")
    LATE_UNSEAL = ("late_unseal", "未及时启封")
    BASE_SHORTFALL = ("base_shortfall", "缴存基数不足（差额补缴）")


class Origin(Labelled):
    ESTABLISHED = ("established", "账户设立")
    TRANSFERRED_IN = ("transferred_in", "职工转入")


class StorageCard(Labelled):
    NOT_APPLIED = ("not_applied", "未申领")
    ISSUED = ("issued", "已申领")


@dataclass(frozen=True)
class Operator:
    """经办人."""
    name: str
    mobile: str
    id_number: str


@dataclass(frozen=True)
class Unit:
    account_no: str
    name: str
    uscc: str
    entrusted_collection: bool  # 委托收款
    operator: Operator          # as the centre currently holds it (published or not)
    opening_stage: OpeningStage
    first_month: Month          # 单位首次汇缴年月


@dataclass(frozen=True)
class Certificate:
    serial: str
    unit_account_no: str
    failed_attempts: int
    locked: bool


@dataclass(frozen=True)
class UnitMonths:
    """A unit's remittance calendar. Months are remitted in order from first_month on."""
    first_month: Month
    last_remitted: Month | None
    arrived: frozenset[Month]

    @property
    def due(self) -> Month:
        """应汇缴年月: the next month to remit (derived, never stored)."""
        return self.last_remitted.next() if self.last_remitted else self.first_month

    @property
    def paid_through(self) -> Month | None:
        """缴至年月 of the unit."""
        return self.last_remitted

    def is_remitted(self, m: Month) -> bool:
        return self.last_remitted is not None and self.first_month <= m <= self.last_remitted

    def has_arrived(self, m: Month) -> bool:
        return m in self.arrived


@dataclass(frozen=True)
class Segment:
    """A stretch of months an account contributes at one unit with one base and rates.

    Sealing ends the open segment; unsealing or a base change starts a new one. Which of its
    months are actually paid follows from the unit's remittances: nothing is stored twice.
    """
    unit_account_no: str
    start: Month
    end: Month | None  # None: still open
    base: Decimal
    unit_rate: Decimal
    personal_rate: Decimal

    def covers(self, m: Month) -> bool:
        return self.start <= m and (self.end is None or m <= self.end)


@dataclass(frozen=True)
class Account:
    personal_no: str
    unit_account_no: str
    name: str
    id_number: str
    state: AccountState
    origin: Origin
    joined_month: Month  # first month the person was owed contributions at this unit
    storage_card: StorageCard
    segments: tuple[Segment, ...] = ()
    back_paid: frozenset[Month] = frozenset()
    version: int = 1

    @property
    def current(self) -> Segment | None:
        return self.segments[-1] if self.segments else None

    def segments_here(self) -> list[Segment]:
        return [s for s in self.segments if s.unit_account_no == self.unit_account_no]

    def contributes_in(self, m: Month, unit: UnitMonths) -> bool:
        """Paid for month m at its current unit: by remittance or by back-pay."""
        if m in self.back_paid:
            return True
        return unit.is_remitted(m) and any(s.covers(m) for s in self.segments_here())

    def paid_through(self, unit: UnitMonths) -> Month | None:
        """缴至年月 of the person at this unit (derived)."""
        last = None
        for s in self.segments_here():
            if unit.last_remitted is None or s.start > unit.last_remitted:
                continue
            end = unit.last_remitted if s.end is None else min(s.end, unit.last_remitted)
            last = end if last is None or end > last else last
        for m in self.back_paid:
            last = m if last is None or m > last else last
        return last


@dataclass(frozen=True)
class MonthlyAmount:
    unit: Decimal
    personal: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit + self.personal


@dataclass(frozen=True)
class Receipt:
    """What 业务提交 returns: the business number and what the unit must still do (3.2)."""
    business_no: str
    business_type: BusinessType
    submitted_at: datetime
    summary: str
    follow_ups: tuple[str, ...] = field(default_factory=tuple)  # what the unit must still do
    notes: tuple[str, ...] = field(default_factory=tuple)       # information, nothing to do
