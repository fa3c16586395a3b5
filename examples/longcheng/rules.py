"""The guide's rules as the portal applies them, with no I/O: each function reads plain values (the
state business.py loaded) and either returns what to do or raises Refused. Each names its clause of
《住房公积金网上单位业务新手指南》 and follows fixtures/guide/clauses.md's default reading.

Vocabulary: a *segment* (缴存段) is a stretch of months an account contributes at one unit with one
base and rates; the unit's *due month* (应缴年月) is the month after its last remitted month, or its
first month if it never remitted. A month is paid for a person when a unit remitted it while one of
the person's segments there covered it, or when it was back-paid."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from . import clock
from .clock import add_months
from .config import Policy
from .errors import E, Refused

NORMAL, SEALED = "01", "02"
STATE_LABEL = {NORMAL: "正常", SEALED: "封存"}
ESTABLISHED, TRANSFERRED = "01", "02"     # 账户来源 origin: 设立 / 转入
CAUSES = {"01": "未及时设立账户", "02": "未及时启封", "03": "缴存基数不足（差额补缴）"}
BACKPAY_MAX_MONTHS = 120


@dataclass(frozen=True)
class Segment:
    dwzh: str
    start: str
    end: str | None          # None: still open
    base: Decimal
    unit_rate: Decimal
    personal_rate: Decimal

    def covers(self, month: str) -> bool:
        return self.start <= month and (self.end is None or month <= self.end)


@dataclass(frozen=True)
class UnitMonths:
    first: str                       # 首次缴存年月
    paid_through: str | None         # 缴至年月: last remitted month
    arrived: frozenset[str] = frozenset()

    @property
    def due(self) -> str:            # 应缴年月
        return add_months(self.paid_through, 1) if self.paid_through else self.first

    def remitted(self, month: str) -> bool:
        return self.paid_through is not None and self.first <= month <= self.paid_through


@dataclass(frozen=True)
class Account:
    grzh: str
    dwzh: str
    name: str
    state: str
    origin: str
    joined: str                      # 入职年月 / 转入年月 at the current unit
    segments: tuple[Segment, ...] = ()      # at every unit, oldest first
    paid: frozenset[str] = field(default_factory=frozenset)   # months paid anywhere (remitted or back-paid)

    def here(self) -> list[Segment]:
        return [s for s in self.segments if s.dwzh == self.dwzh]


# --- 三、3 business hours --------------------------------------------------------------------------
def check_business_hours(now: datetime, policy: Policy, end_inclusive: bool = False) -> None:
    """三、3: submissions only on a working day of the calendar, start ≤ time < end (Beijing time)."""
    local = now.astimezone(clock.SHANGHAI)
    t = local.time().replace(tzinfo=None)
    in_hours = policy.hours_start <= t and (t <= policy.hours_end if end_inclusive else t < policy.hours_end)
    if clock.is_working_day(local.date()) and in_hours:
        return
    note = clock.day_note(local.date())
    raise Refused(E.OUTSIDE_HOURS, when=clock.stamp(local) + (f"（{note}）" if note else ""),
                  start=policy.hours_start.strftime("%H:%M"), end=policy.hours_end.strftime("%H:%M"))


# --- 0.1 base and rates ---------------------------------------------------------------------------
def check_base(base: Decimal, policy: Policy) -> None:
    if not policy.base_min <= base <= policy.base_max:
        raise Refused(E.BASE_RANGE, base=base, min=policy.base_min, max=policy.base_max)


def rates(unit_rate: Decimal | None, personal_rate: Decimal | None, policy: Policy) -> tuple[Decimal, Decimal]:
    """The rates to use: one given → both; none → the default. Range, step and equality per policy."""
    u = unit_rate if unit_rate is not None else personal_rate if personal_rate is not None else policy.rate_default
    p = personal_rate if personal_rate is not None else u
    for r in (u, p):
        if not policy.rate_min <= r <= policy.rate_max or r % policy.rate_step != 0:
            raise Refused(E.RATE_RANGE, rate=r, min=policy.rate_min, max=policy.rate_max, step=policy.rate_step)
    if policy.rates_equal and u != p:
        raise Refused(E.RATES_DIFFER)
    return u, p


def monthly(base: Decimal, rate: Decimal, policy: Policy) -> Decimal:
    """One side's monthly amount, rounded per policy (each side on its own)."""
    return (base * rate).quantize(policy.quantum, rounding=policy.rounding or ROUND_HALF_UP)


# --- 三、3（1） seal ---------------------------------------------------------------------------------
def check_seal(account: Account, unit: UnitMonths, last: str, require_arrival: bool = True) -> None:
    """三、3（1）: the employee's last month L must have arrived (到账) and the unit must not yet have
    remitted L+1. L must be a month the employee contributes at this unit."""
    if account.state != NORMAL:
        raise Refused(E.NOT_NORMAL, state=STATE_LABEL.get(account.state, account.state), business="职工账户封存")
    if not any(s.covers(last) for s in account.here()):
        raise Refused(E.SEAL_MONTH_UNPAID, month=last)
    nxt = add_months(last, 1)
    if unit.remitted(nxt):
        raise Refused(E.SEAL_NEXT_REMITTED, next=nxt, month=last)
    if not unit.remitted(last) or (require_arrival and last not in unit.arrived):
        raise Refused(E.SEAL_NOT_ARRIVED, month=last)


def seal_segments(segments: list[Segment], last: str) -> list[Segment]:
    """The account's segments at its unit after a seal at L: they end at L; later ones are dropped."""
    out = []
    for s in segments:
        if s.start > last:
            continue
        out.append(s if s.end is not None and s.end <= last else Segment(s.dwzh, s.start, last, s.base,
                                                                        s.unit_rate, s.personal_rate))
    return out


# --- 三、3（2） unseal -------------------------------------------------------------------------------
def check_unseal(account: Account, unit: UnitMonths, start: str) -> None:
    """三、3（2）: after the unit's previous month is remitted, before the start month S is: S must be
    the unit's due month. An earlier S is too late (back-pay the missed months, 三、4)."""
    if account.state != SEALED:
        raise Refused(E.NOT_SEALED, state=STATE_LABEL.get(account.state, account.state))
    if start < unit.first:
        raise Refused(E.UNSEAL_BEFORE_FIRST, month=start, first=unit.first)
    if start < unit.due:
        raise Refused(E.UNSEAL_START_REMITTED, month=start, due=unit.due)
    if start > unit.due:
        raise Refused(E.UNSEAL_TOO_EARLY, prev=add_months(start, -1))


# --- 三、9 establish and transfer --------------------------------------------------------------------
def check_establish(id_has_account: bool, joined: str | None, start: str) -> None:
    """三、9: a person who never contributed; anyone with an account in the centre transfers instead.
    The account starts at the unit's due month; an earlier 入职年月 leaves months to back-pay (三、4)."""
    if id_has_account:
        raise Refused(E.ID_HAS_ACCOUNT)
    if joined is not None and joined > start:
        raise Refused(E.JOINED_AFTER_START, rzny=joined, qjny=start)


def check_transfer(found: Account | None, name: str, dwzh: str) -> Account:
    """三、9: the account must exist under this name and ID, be at another unit, and be sealed there."""
    if found is None or found.name != name:
        raise Refused(E.TRANSFER_NOT_FOUND)
    if found.dwzh == dwzh:
        raise Refused(E.TRANSFER_SAME_UNIT)
    if found.state != SEALED:
        raise Refused(E.TRANSFER_NOT_SEALED, state=STATE_LABEL.get(found.state, found.state))
    return found


# --- 三、4 back-pay ----------------------------------------------------------------------------------
def explained_periods(account: Account, cause: str) -> list[tuple[str, str]]:
    """The stretches of months a cause explains, at the account's current unit:
    01 未及时设立账户 — from 入职年月 to the month before the first segment (an account set up here);
    02 未及时启封 — each gap between two segments here, and for an account transferred in, from the
    month it came to the month before its first segment here."""
    here = sorted(account.here(), key=lambda s: s.start)
    if not here:
        return []
    periods: list[tuple[str, str]] = []
    if cause == "01" and account.origin == ESTABLISHED:
        periods.append((account.joined, add_months(here[0].start, -1)))
    if cause == "02":
        if account.origin == TRANSFERRED:
            periods.append((account.joined, add_months(here[0].start, -1)))
        for before, after in zip(here, here[1:]):
            if before.end is not None:
                periods.append((add_months(before.end, 1), add_months(after.start, -1)))
    return [(a, b) for a, b in periods if a <= b]


def check_back_pay(account: Account, unit: UnitMonths, cause: str, months: list[str]) -> list[tuple[str, Segment]]:
    """三、4: online only for arrears from a late set-up or a late unseal; each month due (the unit
    remitted it), not yet paid for the person, inside the period the cause explains. Returns each month
    with the segment whose base and rates it is paid at (the one after the gap)."""
    if cause == "03":
        raise Refused(E.BACKPAY_COUNTER_ONLY)
    if cause not in CAUSES:
        raise Refused(E.BACKPAY_CAUSE, value=cause)
    if not months:
        raise Refused(E.BACKPAY_NO_MONTHS)
    if len(months) > BACKPAY_MAX_MONTHS:
        raise Refused(E.BACKPAY_TOO_MANY, n=BACKPAY_MAX_MONTHS)
    seen: set[str] = set()
    for m in months:
        if m in seen:
            raise Refused(E.BACKPAY_DUPLICATE, month=m)
        seen.add(m)
    periods = explained_periods(account, cause)
    here = sorted(account.here(), key=lambda s: s.start)
    lines = []
    for m in sorted(months):
        if not unit.remitted(m):
            raise Refused(E.BACKPAY_NOT_DUE, month=m)
        if m in account.paid:
            raise Refused(E.BACKPAY_PAID, month=m)
        if not any(a <= m <= b for a, b in periods):
            shown = "、".join(f"{a}至{b}" for a, b in periods) or "无"
            raise Refused(E.BACKPAY_NOT_EXPLAINED, month=m, cause=CAUSES[cause], period=shown)
        lines.append((m, next(s for s in here if s.start > m)))
    return lines


# --- 0.1 base adjustment -----------------------------------------------------------------------------
def check_base_adjustment(account: Account, unit: UnitMonths, effective: str, base: Decimal, today: str,
                          policy: Policy) -> Segment:
    """From the unit's due month on (remitted months are corrected at the counter), at the latest
    the later of this calendar month and the due month. Returns the segment in force now."""
    if account.state != NORMAL:
        raise Refused(E.NOT_NORMAL, state=STATE_LABEL.get(account.state, account.state), business="缴存基数调整")
    latest = max(today, unit.due)
    if not unit.due <= effective <= latest:
        raise Refused(E.BASE_MONTH, month=effective, due=unit.due, latest=latest)
    current = max(account.here(), key=lambda s: s.start, default=None)
    if current is None:
        raise Refused(E.NOT_NORMAL, state="未启封", business="缴存基数调整")
    if base == current.base:
        raise Refused(E.BASE_SAME)
    check_base(base, policy)
    return current


def rebase_segments(segments: list[Segment], effective: str, base: Decimal) -> list[Segment]:
    """The unit's segments of the account after a base change from E: cut at E−1, a new one from E."""
    latest = max(segments, key=lambda s: s.start)
    out = [s if s.end is not None and s.end < effective else Segment(s.dwzh, s.start, add_months(effective, -1),
                                                                    s.base, s.unit_rate, s.personal_rate)
           for s in segments if s.start < effective]
    return out + [Segment(latest.dwzh, effective, None, base, latest.unit_rate, latest.personal_rate)]


# --- 1.2, 2.3 opening -----------------------------------------------------------------------------------
OPENING = [  # (stage code, label, the step that leaves it)
    ("00", "数字证书未开通住房公积金应用", "申请开通"),
    ("10", "待签署服务协议", "签署服务协议"),
    ("20", "待核对单位信息", "核对单位信息"),
    ("30", "待设置查询密码", "设置查询密码"),
    ("40", "待完成开通", "完成开通"),
    ("90", "已开通", None),
]
OPENED = "90"
STAGE_LABEL = {code: label for code, label, _ in OPENING}
FIRST_LOGIN_PROMPT = "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"   # 指南二、3, verbatim


def opening_step(stage: str, step: str) -> str:
    """1.2: the steps in the guide's order; another step than the due one is refused. Returns the
    stage the step leads to."""
    codes = [c for c, _, _ in OPENING]
    if stage == OPENED:
        raise Refused(E.OPENING_DONE)
    i = codes.index(stage)
    due = OPENING[i][2]
    if step != due:
        raise Refused(E.OPENING_ORDER, step=due)
    return codes[i + 1]


def check_query_password(password: str, again: str | None, policy: Policy) -> None:
    ok = (policy.query_password_min <= len(password) <= policy.query_password_max and password.isascii()
          and password.isalnum() and any(c.isalpha() for c in password) and any(c.isdigit() for c in password))
    if not ok:
        raise Refused(E.QUERY_PASSWORD_WEAK, min=policy.query_password_min, max=policy.query_password_max)
    if again is not None and again != password:
        raise Refused(E.QUERY_PASSWORD_MISMATCH)


# --- 三、5, 三、6 next-day publication -------------------------------------------------------------------
def verify_from(now: datetime, policy: Policy) -> datetime:
    """指南三、5 “请于第2个工作日进行核实”: the start of business hours on the next working day."""
    day = clock.next_working_day(now.astimezone(clock.SHANGHAI).date())
    return datetime.combine(day, policy.hours_start, clock.SHANGHAI)


# --- 三、2 what the receipt says is left to do -----------------------------------------------------------
CARD = ("请按规定为职工申领住房公积金储存卡，申领方式有两种：（1）由职工本人携带身份证原件到公积金中心办事处或分中心"
        "申领本人储存卡并设置密码；（2）由单位经办人携带单位登记证（原件或加盖公章的复印件）到公积金汇缴受理点统一申领"
        "住房公积金储存卡。")
AFTER_TRANSFER = "该职工转入后账户为封存状态，请办理职工启封（设置缴存基数）——业务提交。"
WRONG_DETAILS = "启封已办理。职工{what}有误的，请提醒职工携带身份证和公积金储存卡到公积金中心修改信息，网上服务厅不能修改。"
NOT_ENTRUSTED = "贵单位未使用住房公积金委托收款结算方式，请至公积金汇缴受理点打印汇（补）缴书、办理公积金汇（补）缴手续。"
ENTRUSTED = ("贵单位已使用住房公积金委托收款结算方式，无需再到汇缴银行打印汇（补）缴书，可通过本厅“查询打印”"
             "打印已汇缴月份的汇（补）缴书，中心不再邮寄纸质汇（补）缴书。")
NOTHING_MORE = "本业务提交后无需再到公积金窗口交纳材料。"


def after_submission(kind: str, entrusted: bool, wrong: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """三、2 and 三、2（1）–（3）, 三、7, 三、9: (后续事项 the unit must still do, 温馨提示 for information)."""
    todo: list[str] = []
    info: list[str] = []
    if kind == "zhsl":
        todo.append(CARD)
    if kind == "zyzr":
        todo.append(AFTER_TRANSFER)
    if kind == "zhqf" and wrong:
        todo.append(WRONG_DETAILS.format(what="、".join(wrong)))
    if kind != "jchc":
        (info if entrusted else todo).append(ENTRUSTED if entrusted else NOT_ENTRUSTED)
    if not todo:
        info.insert(0, NOTHING_MORE)
    return todo, info

