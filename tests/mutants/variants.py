"""The catalogue of known-bad variants of the reference centre (and a few that must survive).

A variant breaks exactly ONE rule of the guide the way a real vendor might. ``apply(patcher)``
replaces attributes of simulator modules where their callers look them up at call time
(``businesses.py`` calls ``seal.check_seal(...)`` through the module, ``hours.check_business_hours``
calls the module global ``in_business_hours``, ``Centre._catch_up`` the module global
``publish_pending``, ``Businesses.submit`` the dict ``HANDLERS``, …). ``probe()`` looks directly at
the behaviour the patch is meant to change; tests/test_mutants.py checks that the observation
differs between the reference centre and the variant, so no variant can pass as "killed"
while patching nothing.

Variants marked ``must_survive`` do something the clause readings allow; the specification
must pass against them (it must not over-constrain).
"""
from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from .patching import Patcher, module
from .probes import WEDNESDAY_10, ProbeSim, outcome

HOURS = "gjj.simulator.domain.rules.hours"
SEAL = "gjj.simulator.domain.rules.seal"
UNSEAL = "gjj.simulator.domain.rules.unseal"
BACK_PAY = "gjj.simulator.domain.rules.back_pay"
ACCOUNTS = "gjj.simulator.domain.rules.accounts"
OPENING = "gjj.simulator.domain.rules.opening"
AUTH = "gjj.simulator.domain.rules.auth"
RECEIPTS = "gjj.simulator.domain.rules.receipts"
SLIPS = "gjj.simulator.domain.rules.slips"
VERIFICATION = "gjj.simulator.domain.rules.verification"
MESSAGES = "gjj.simulator.domain.messages"
MODEL = "gjj.simulator.domain.model"
POLICY = "gjj.simulator.domain.policy"
BUSINESSES = "gjj.simulator.service.businesses"
ACCESS = "gjj.simulator.service.access"
QUERIES = "gjj.simulator.service.queries"
CENTRE = "gjj.simulator.service.centre"
CONTROL = "gjj.simulator.service.control"
REPO = "gjj.simulator.store.repo"


@dataclass(frozen=True)
class Variant:
    name: str                 # stable: used on the command line, in GJJ_VARIANT and in reports
    clause: str               # the clause of fixtures/guide/clauses.md it breaks (or, survivors, exercises)
    description: str          # one line, Chinese
    apply: Callable[[Patcher], None]
    probe: Callable[[], object]
    must_survive: bool = False
    gap: str | None = None    # a known hole in features/: the scenario that would kill this variant
    modes: tuple[str, ...] = ("api", "web")  # the drivers whose specification run must kill it

    @property
    def tag(self) -> str:
        return f"guide-{self.clause}"


CATALOGUE: list[Variant] = []


def variant(name: str, clause: str, description: str, probe: Callable[[], object], must_survive: bool = False,
            gap: str | None = None, modes: tuple[str, ...] = ("api", "web")):
    def register(apply: Callable[[Patcher], None]) -> Callable[[Patcher], None]:
        if any(v.name == name for v in CATALOGUE):
            raise ValueError(f"duplicate variant name {name}")
        CATALOGUE.append(Variant(name, clause, description, apply, probe, must_survive, gap, modes))
        return apply
    return register


def by_name(name: str) -> Variant:
    for v in CATALOGUE:
        if v.name == name:
            return v
    raise KeyError(f"没有名为 {name} 的变体；可用：{', '.join(v.name for v in CATALOGUE)}")


# =========================== shared patch helpers ===============================================
def _error(msg_name: str, **params):
    M = module(MESSAGES)
    return M.DomainError(getattr(M, msg_name), **params)


def _set_state(ctx, personal_no: str, state_name: str) -> None:
    """Force an account's live state (as a vendor's handler that forgets, or overdoes, a step)."""
    state = getattr(module(MODEL).AccountState, state_name)
    ctx.conn.execute("UPDATE accounts SET state = ?, dirty = 1 WHERE personal_no = ?", (state.value, personal_no))


def _wrap_handler(p: Patcher, business: str, after: Callable) -> None:
    """Replace the 业务提交 handler of one business type by: original, then after(ctx, d, out)."""
    b = module(BUSINESSES)
    kind = getattr(module(MODEL).BusinessType, business)
    original = b.HANDLERS[kind]

    def handler(self, ctx, unit, d, bno):
        out = original(self, ctx, unit, d, bno)
        after(ctx, d, out)
        return out
    p.setitem(b.HANDLERS, kind, handler, label="businesses.HANDLERS")


_HOURS_EXEMPT = contextvars.ContextVar("gjj_variant_hours_exempt", default=False)


def _exempt_from_hours(p: Patcher, business_type: str) -> None:
    """A vendor that forgot the business-hours check for one business type only."""
    b, h = module(BUSINESSES), module(HOURS)
    submit, check = b.Businesses.submit, h.check_business_hours

    def exempting_submit(self, session, business_id, idempotency_key=None):
        with self.centre.query() as ctx:
            row = ctx.conn.execute("SELECT type FROM businesses WHERE id = ?", (business_id,)).fetchone()
        token = _HOURS_EXEMPT.set(row is not None and row[0] == business_type)
        try:
            return submit(self, session, business_id, idempotency_key)
        finally:
            _HOURS_EXEMPT.reset(token)

    def check_business_hours(at, hours, calendar):
        if _HOURS_EXEMPT.get():
            return None
        return check(at, hours, calendar)
    p.setattr(b.Businesses, "submit", exempting_submit)
    p.setattr(h, "check_business_hours", check_business_hours)


def _wrap_follow_ups(p: Patcher, change: Callable) -> None:
    """change(business, unit, extra, original) -> (todo, notes)"""
    r = module(RECEIPTS)
    original = r.follow_ups

    def follow_ups(business, unit, extra=()):
        return change(business, unit, extra, original)
    p.setattr(r, "follow_ups", follow_ups)


def _line(month, seg, rounding):
    bp = module(BACK_PAY)
    return bp.BackPayLine(month, seg.base, seg.unit_rate, seg.personal_rate,
                          bp.monthly_amount(seg.base, seg.unit_rate, seg.personal_rate, rounding))


# =========================== shared probes ======================================================
def _id_number(n: int = 7) -> str:
    from gjj.fixtures.generators import Generator
    return Generator(n).id_number()


SEALED_LISI = {"key": "李四", "state": "sealed", "last_month": "2024-12"}
LATE_WANGWU = {"key": "王五", "joined_month": "2024-12", "start_month": "2025-03"}


def unseal_at(when: str, start: str = "2025-03"):
    def probe():
        s = ProbeSim(when)
        u = s.unit(SEALED_LISI)
        h = s.login(u)
        return outcome(s.submit(h, "unseal", personal_no=u.emp["李四"], start_month=start, base="6000"))
    return probe


def seal_probe(remitted: str, arrived: str, last: str, then_state: bool = False):
    def probe():
        s = ProbeSim()
        u = s.unit({"key": "张三"}, remitted_through=remitted, arrived_through=arrived)
        h = s.login(u)
        r = outcome(s.submit(h, "seal", personal_no=u.emp["张三"], last_month=last))
        return (r, s.state(h, u.emp["张三"])) if then_state else r
    return probe


def unseal_probe(start: str = "2025-03", employee: dict = SEALED_LISI, then_state: bool = False):
    def probe():
        s = ProbeSim()
        u = s.unit(employee)
        h = s.login(u)
        pno = u.emp[employee["key"]]
        r = outcome(s.submit(h, "unseal", personal_no=pno, start_month=start, base="6000"))
        return (r, s.state(h, pno)) if then_state else r
    return probe


def back_pay_probe(employee: dict, cause: str, months: list[str], twice: bool = False):
    def probe():
        s = ProbeSim()
        u = s.unit(employee)
        h = s.login(u)
        pno = u.emp[employee["key"]]
        r = outcome(s.submit(h, "back-pay", personal_no=pno, cause=cause, months=months))
        if twice:
            r = outcome(s.submit(h, "back-pay", personal_no=pno, cause=cause, months=months))
        return r
    return probe


def establish_receipt(**unit):
    def probe():
        s = ProbeSim()
        u = s.unit(**unit)
        h = s.login(u)
        r = s.submit(h, "establish", name="王五", id_number=_id_number(), base="6000")
        return (outcome(r), tuple(r.json().get("follow_ups", ())))
    return probe


def verification_receipt(field: str):
    def probe():
        s = ProbeSim()
        h = s.login(s.unit())
        r = s.submit(h, "deposit-verification", confirmed=True)
        return (outcome(r), repr(r.json().get(field)))
    return probe


def verification_at(when: str, **unit):
    def probe():
        s = ProbeSim(when)
        h = s.login(s.unit(**unit))
        return outcome(s.submit(h, "deposit-verification", confirmed=True))
    return probe


def base_adjustment(when: str = WEDNESDAY_10, effective: str = "2025-03"):
    def probe():
        s = ProbeSim(when)
        u = s.unit({"key": "张三", "base": "5000"})
        h = s.login(u)
        return outcome(s.submit(h, "base-adjustment", personal_no=u.emp["张三"], base="6000",
                                effective_month=effective))
    return probe


def two_units(action: Callable, other_employee: dict):
    def probe():
        s = ProbeSim()
        a = s.unit()
        b = s.unit(other_employee)
        return action(s, a, b, s.login(a))
    return probe


def slip_probe(month: str, **unit):
    def probe():
        s = ProbeSim()
        h = s.login(s.unit({"key": "张三"}, **unit))
        return outcome(s.get(h, f"/slips/{month}/data"))
    return probe


def opening_probe(stage: str, path: str, body: dict | None = None, field: str | None = None):
    def probe():
        s = ProbeSim()
        h = s.login(s.unit(opening_stage=stage))
        r = s.post(h, path, body)
        return (outcome(r), r.json().get(field)) if field else outcome(r)
    return probe


def wrong_pins(times: int):
    def probe():
        s = ProbeSim()
        u = s.unit()
        codes = [outcome(s.login_raw(u, "000000")) for _ in range(times)]
        return codes[-1]
    return probe


def first_login_prompts(logins: int = 1):
    def probe():
        s = ProbeSim()
        u = s.unit(opening_stage="not_enabled")
        return tuple(s.login_raw(u).json().get("prompt") for _ in range(logins))
    return probe


def next_day_operator(verify_at: str = "2025-03-06T09:00:00+08:00"):
    def probe():
        s = ProbeSim("2025-03-05T16:00:00+08:00")
        u = s.unit()
        h = s.login(u)
        r = s.put(h, "/unit/operator", {"name": "钱七", "mobile": "13912345678", "id_number": _id_number(3)})
        s.at(verify_at)
        return (outcome(r), s.get(s.login(u), "/unit").json()["operator"]["name"])
    return probe


def same_day_operator():
    s = ProbeSim()
    u = s.unit()
    h = s.login(u)
    s.put(h, "/unit/operator", {"name": "钱七", "mobile": "13912345678", "id_number": _id_number(3)})
    return s.get(h, "/unit").json()["operator"]["name"]


def roster_after_seal(verify_at: str | None):
    def probe():
        s = ProbeSim()
        u = s.unit({"key": "张三"})
        h = s.login(u)
        assert outcome(s.submit(h, "seal", personal_no=u.emp["张三"], last_month="2025-02")) == "OK"
        if verify_at:
            s.at(verify_at)
            h = s.login(u)
        return s.roster_state(h, u.emp["张三"])
    return probe


def unseal_reporting(field: str):
    def probe():
        s = ProbeSim()
        u = s.unit(SEALED_LISI)
        h = s.login(u)
        r = s.submit(h, "unseal", personal_no=u.emp["李四"], start_month="2025-03", base="6000",
                     reported_errors=[field])
        return (outcome(r), tuple(r.json().get("follow_ups", ())))
    return probe


ZHAO_SEALED = {"key": "赵六", "state": "sealed", "last_month": "2025-01"}
ZHAO_NORMAL = {"key": "赵六"}


def _transfer(s, a, b, h, then_state=False):
    r = s.submit(h, "transfer", name=b.names["赵六"], id_number=b.ids["赵六"])
    if then_state:
        return (outcome(r), s.state(h, b.emp["赵六"]))
    return (outcome(r), tuple(r.json().get("follow_ups", ())))


# =========================== 0.1 the nine businesses ===========================================
@variant("base_adjustment_outside_hours", "0.1", "缴存基数调整不受办理时间限制（只对这一项业务漏了时间检查）",
         base_adjustment(when="2025-03-05T17:00:00+08:00"))
def _(p: Patcher):
    _exempt_from_hours(p, "base_adjustment")


@variant("verification_outside_hours", "0.1", "单位缴存信息核查不受办理时间限制，周末也能提交",
         verification_at("2025-03-08T10:00:00+08:00"))
def _(p: Patcher):
    _exempt_from_hours(p, "deposit_verification")


@variant("verification_always_refused", "0.1", "单位缴存信息核查一律不受理（总说本月已核查）",
         verification_at(WEDNESDAY_10))
def _(p: Patcher):
    def check_verification(month, already_verified):
        raise _error("VERIFICATION_ALREADY_SUBMITTED", month=month)
    p.setattr(VERIFICATION, "check_verification", check_verification)


@variant("base_adjustment_of_paid_month", "0.1", "缴存基数调整可以从已汇缴的月份起生效",
         base_adjustment(effective="2025-02"))
def _(p: Patcher):
    M, months = module(MESSAGES), module("gjj.simulator.domain.months")
    AccountState, BusinessType = module(MODEL).AccountState, module(MODEL).BusinessType

    def check_base_adjustment(account, unit, effective, new_base, today):
        if account.state is not AccountState.NORMAL:
            raise M.DomainError(M.ACCOUNT_NOT_NORMAL, state=account.state.label,
                                business=BusinessType.BASE_ADJUSTMENT.label)
        latest = max(months.Month.of(today), unit.due)
        if effective > latest:  # no lower bound: paid months are re-based online
            raise M.DomainError(M.BASE_EFFECTIVE_MONTH, month=effective, due=unit.due, latest=latest)
        if account.current is not None and account.current.base == new_base:
            raise M.DomainError(M.BASE_UNCHANGED)
    p.setattr(ACCOUNTS, "check_base_adjustment", check_base_adjustment)


@variant("foreign_employee_readable", "0.1", "按个人账号可以查询其他单位的职工（查询不校验归属）",
         two_units(lambda s, a, b, h: outcome(s.get(h, f"/employees/{b.emp['赵六']}")), ZHAO_NORMAL))
def _(p: Patcher):
    q, repo = module(QUERIES), module(REPO)
    original = q.Queries.employee

    def employee(self, unit_account_no, personal_no):
        with self.centre.query() as ctx:
            acct = repo.get_account(ctx.conn, personal_no)
        return original(self, acct.unit_account_no if acct else unit_account_no, personal_no)
    p.setattr(q.Queries, "employee", employee)


@variant("foreign_employee_sealable", "0.1", "可以为其他单位的职工办理封存（业务不校验职工归属）",
         two_units(lambda s, a, b, h: outcome(s.submit(h, "seal", personal_no=b.emp["赵六"], last_month="2025-02")),
                   ZHAO_NORMAL))
def _(p: Patcher):
    b, repo, M = module(BUSINESSES), module(REPO), module(MESSAGES)

    def _own_account(self, ctx, unit, personal_no):
        acct = repo.get_account(ctx.conn, personal_no)
        if acct is None:
            raise M.DomainError(M.EMPLOYEE_NOT_FOUND, personal_no=personal_no)
        return acct
    p.setattr(b.Businesses, "_own_account", _own_account)


# =========================== 1.0, 1.1.2, 1.2 opening ============================================
@variant("unopened_unit_does_business", "1.0", "未签署服务协议（未完成开通）的单位也能办理业务",
         verification_at(WEDNESDAY_10, opening_stage="enabled"))
def _(p: Patcher):
    p.setattr(OPENING, "require_opened", lambda unit: None)


@variant("apply_for_opening_ineffective", "1.1.2", "点击“申请开通”后什么也没发生，单位仍停在未开通应用",
         opening_probe("not_enabled", "/opening/enable", field="stage"))
def _(p: Patcher):
    access = module(ACCESS)
    p.setattr(access.Access, "enable", lambda self, session: self.opening_status(session))


@variant("opening_steps_skippable", "1.2", "服务协议流程可以跳步：不签协议直接完成开通",
         opening_probe("enabled", "/opening/complete"))
def _(p: Patcher):
    o, M = module(OPENING), module(MESSAGES)
    order = module(MODEL).OPENING_ORDER

    def advance(stage, step_reaches):
        if stage is order[-1]:
            raise M.DomainError(M.OPENING_ALREADY_DONE)
        if order.index(step_reaches) <= order.index(stage):  # only going back is refused
            raise M.DomainError(M.OPENING_OUT_OF_ORDER, expected=o.STEP_NAMES[order[order.index(stage) + 1]])
        return step_reaches
    p.setattr(o, "advance", advance)


@variant("complete_opening_ineffective", "1.2", "“完成开通”应答成功，但单位仍停在待完成开通，不能办理业务",
         opening_probe("password_set", "/opening/complete", field="stage"))
def _(p: Patcher):
    o = module(OPENING)
    original, stage = o.advance, module(MODEL).OpeningStage

    def advance(current, step_reaches):
        reached = original(current, step_reaches)
        return stage.PASSWORD_SET if reached is stage.OPENED else reached
    p.setattr(o, "advance", advance)


# =========================== 2.2 certificate PIN ================================================
@variant("pin_never_locks", "2.2", "连续输错口令永不锁定证书", wrong_pins(10))
def _(p: Patcher):
    original = module(AUTH).pin_attempt

    def pin_attempt(failed_attempts, locked, pin_correct, limit, initial_pin="123456"):
        return original(failed_attempts, locked, pin_correct, 10**9, initial_pin)
    p.setattr(AUTH, "pin_attempt", pin_attempt)


@variant("pin_locks_one_early", "2.2", "第9次输错就锁定证书（次数差一）", wrong_pins(9))
def _(p: Patcher):
    original = module(AUTH).pin_attempt

    def pin_attempt(failed_attempts, locked, pin_correct, limit, initial_pin="123456"):
        return original(failed_attempts, locked, pin_correct, limit - 1, initial_pin)
    p.setattr(AUTH, "pin_attempt", pin_attempt)


@variant("initial_pin_000000", "2.2", "新证书的初始口令是000000而不是123456",
         lambda: ProbeSim().unit().pin)
def _(p: Patcher):
    PolicyBook = module(POLICY).PolicyBook
    original = PolicyBook.as_of

    def as_of(self, on):
        return dataclasses.replace(original(self, on), initial_pin="000000")
    p.setattr(PolicyBook, "as_of", as_of)


def _pin_change_probe():
    s = ProbeSim()
    u = s.unit()
    h = s.login(u)
    changed = outcome(s.put(h, "/certificate/pin", {"old_pin": u.pin, "new_pin": "864213"}))
    return changed, outcome(s.login_raw(u, u.pin))


@variant("pin_change_ignored", "2.2", "修改口令应答成功但没有保存，旧口令仍可登录", _pin_change_probe)
def _(p: Patcher):
    access, V = module(ACCESS), module("gjj.simulator.domain.validators")

    def change_pin(self, session, old_pin, new_pin):
        V.new_pin(new_pin)
    p.setattr(access.Access, "change_pin", change_pin)


# =========================== 2.3 first-login prompt =============================================
@variant("prompt_halfwidth_question_mark", "2.3", "首次登录提示末尾用半角问号“?”（与指南差一个字符）",
         first_login_prompts())
def _(p: Patcher):
    o = module(OPENING)
    p.setattr(o, "PROMPT_NOT_ENABLED", o.PROMPT_NOT_ENABLED.replace("？", "?"))


@variant("prompt_missing", "2.3", "证书未开通公积金应用时首次登录不出现开通提示", first_login_prompts())
def _(p: Patcher):
    p.setattr(OPENING, "first_login_prompt", lambda stage: None)


@variant("prompt_only_on_first_ever_login", "2.3", "开通提示只在证书第一次登录时出现，选“否”后再登录就不再提示",
         first_login_prompts(2))
def _(p: Patcher):
    access, control = module(ACCESS), module(CONTROL)
    login, reset = access.Access.login, control.Control.reset

    def first_login_only(self, serial, pin):
        result = login(self, serial, pin)
        seen = self.centre.__dict__.setdefault("_variant_prompted", set())
        if result.prompt and serial in seen:
            return dataclasses.replace(result, prompt=None)
        if result.prompt:
            seen.add(serial)
        return result

    def forgetting_reset(self, now=None):  # a reset centre has never seen any login
        self.centre.__dict__.pop("_variant_prompted", None)
        return reset(self, now)
    p.setattr(access.Access, "login", first_login_only)
    p.setattr(control.Control, "reset", forgetting_reset)


# =========================== 3.2 receipts ======================================================
@variant("receipt_without_business_no", "3.2", "业务提交的回执里没有业务流水号",
         verification_receipt("business_no"))
def _(p: Patcher):
    b = module(BUSINESSES)
    submit = b.Businesses.submit

    def submit_without_number(self, session, business_id, idempotency_key=None):
        receipt = {**submit(self, session, business_id, idempotency_key), "business_no": ""}
        # the stored receipt too: the web hall's 业务回执 page shows what was stored
        with self.centre.command() as ctx:
            ctx.conn.execute("UPDATE businesses SET receipt = ? WHERE id = ?",
                             (__import__("json").dumps(receipt, ensure_ascii=False), business_id))
        return receipt
    p.setattr(b.Businesses, "submit", submit_without_number)


@variant("receipt_always_requires_visit", "3.2", "每笔网上业务提交后都要求单位再到公积金窗口交材料",
         verification_receipt("follow_ups"))
def _(p: Patcher):
    def change(business, unit, extra, original):
        todo, notes = original(business, unit, extra)
        return todo + ("请于3个工作日内携带单位公章及相关材料到公积金窗口办理确认手续。",), notes
    _wrap_follow_ups(p, change)


# --- 3.2.1 -------------------------------------------------------------------------------------
@variant("storage_card_ways_missing", "3.2.1", "账户设立回执只说“请申领储存卡”，没有写两种申领方式",
         establish_receipt())
def _(p: Patcher):
    p.setattr(RECEIPTS, "storage_card_follow_up", lambda: "请按照规定为职工申领住房公积金储存卡。")


@variant("storage_card_one_way_only", "3.2.1", "账户设立回执只写了职工本人申领一种方式，漏了单位经办人统一申领",
         establish_receipt())
def _(p: Patcher):
    r = module(RECEIPTS)
    p.setattr(r, "storage_card_follow_up",
              lambda: "请按照规定为职工申领住房公积金储存卡：" + r.STORAGE_CARD_WAYS[0] + "。")


# --- 3.2.2 -------------------------------------------------------------------------------------
@variant("non_entrusted_receipt_without_collection_point", "3.2.2",
         "未使用委托收款的单位提交业务后，回执没有提示到汇缴受理点打印汇（补）缴书、办理汇（补）缴",
         establish_receipt(entrusted_collection=False))
def _(p: Patcher):
    def change(business, unit, extra, original):
        return original(business, dataclasses.replace(unit, entrusted_collection=True), extra)
    _wrap_follow_ups(p, change)


@variant("non_entrusted_prints_slip", "3.2.2", "未使用委托收款的单位也能在网上打印汇（补）缴书",
         slip_probe("2025-02", entrusted_collection=False))
def _(p: Patcher):
    M = module(MESSAGES)

    def check_printable(unit, months, month):
        if not months.is_remitted(month):
            raise M.DomainError(M.SLIP_MONTH_NOT_REMITTED, month=month)
    p.setattr(SLIPS, "check_printable", check_printable)


# --- 3.2.3 -------------------------------------------------------------------------------------
@variant("slip_for_unremitted_month", "3.2.3", "尚未汇缴的月份也能打印汇（补）缴书", slip_probe("2025-03"))
def _(p: Patcher):
    M = module(MESSAGES)

    def check_printable(unit, months, month):
        if not unit.entrusted_collection:
            raise M.DomainError(M.SLIP_NOT_ENTRUSTED)
    p.setattr(SLIPS, "check_printable", check_printable)


@variant("entrusted_cannot_print_slip", "3.2.3", "委托收款单位也不能在网上打印已汇缴月份的汇（补）缴书",
         slip_probe("2025-02"))
def _(p: Patcher):
    def check_printable(unit, months, month):
        raise _error("SLIP_NOT_ENTRUSTED")
    p.setattr(SLIPS, "check_printable", check_printable)


# =========================== 3.3 business hours ================================================
@variant("hours_end_inclusive", "3.3", "17:00:00整仍可提交业务（结束时刻按“含”处理）",
         unseal_at("2025-03-05T17:00:00+08:00"))
def _(p: Patcher):
    h = module(HOURS)

    def in_business_hours(at, hours, calendar):
        local = h._local(at)
        return calendar.is_working_day(local.date()) and hours.start <= local.time() <= hours.end
    p.setattr(h, "in_business_hours", in_business_hours)


@variant("hours_start_exclusive", "3.3", "09:00:00整还不能提交业务（开始时刻按“不含”处理）",
         unseal_at("2025-03-05T09:00:00+08:00"))
def _(p: Patcher):
    h = module(HOURS)

    def in_business_hours(at, hours, calendar):
        local = h._local(at)
        return calendar.is_working_day(local.date()) and hours.start < local.time() < hours.end
    p.setattr(h, "in_business_hours", in_business_hours)


@variant("hours_weekday_only", "3.3", "工作日按 weekday()<5 判断：调休上班的周末不受理，法定节假日却受理",
         unseal_at("2025-02-08T10:00:00+08:00"))
def _(p: Patcher):
    h = module(HOURS)

    def in_business_hours(at, hours, calendar):
        local = h._local(at)
        return local.weekday() < 5 and hours.contains(local.time())
    p.setattr(h, "in_business_hours", in_business_hours)


@variant("hours_in_utc", "3.3", "办理时间按服务器的UTC时间判断，而不是北京时间",
         unseal_at("2025-03-05T10:00:00+08:00"))
def _(p: Patcher):
    h = module(HOURS)

    def in_business_hours(at, hours, calendar):
        utc = at.astimezone(UTC).replace(tzinfo=None)
        return calendar.is_working_day(utc.date()) and hours.contains(utc.time())
    p.setattr(h, "in_business_hours", in_business_hours)


def _roster_saturday_night():
    s = ProbeSim("2025-03-08T22:00:00+08:00")
    return outcome(s.get(s.login(s.unit()), "/roster"))


@variant("roster_query_limited_to_hours", "3.3", "办理时间外连职工清册也不能查询（时间限制错用到查询上）",
         _roster_saturday_night)
def _(p: Patcher):
    q, h = module(QUERIES), module(HOURS)
    roster = q.Queries.roster

    def roster_in_hours_only(self, unit_account_no, page=1, size=50, state=None):
        now = self.centre.clock.now()
        h.check_business_hours(now, self.centre.policy_book.as_of(now.date()).business_hours,
                               self.centre.calendar)
        return roster(self, unit_account_no, page, size, state)
    p.setattr(q.Queries, "roster", roster_in_hours_only)


# =========================== 3.3.1 seal ========================================================
def _seal_rule(check_arrived: bool = True, check_remitted: bool = True, check_next: bool = True):
    def check_seal(account, unit, last_month):
        M, AccountState = module(MESSAGES), module(MODEL).AccountState
        if account.state is not AccountState.NORMAL:
            raise M.DomainError(M.ACCOUNT_NOT_NORMAL, state=account.state.label, business="职工账户封存")
        if not any(s.covers(last_month) for s in account.segments_here()):
            raise M.DomainError(M.SEAL_MONTH_NOT_CONTRIBUTED, month=last_month)
        if check_next and unit.is_remitted(last_month.next()):
            raise M.DomainError(M.NEXT_MONTH_ALREADY_REMITTED, month=last_month, next=last_month.next())
        if check_remitted and not unit.is_remitted(last_month):
            raise M.DomainError(M.SEAL_BEFORE_LAST_MONTH_ARRIVED, month=last_month)
        if check_arrived and not unit.has_arrived(last_month):
            raise M.DomainError(M.SEAL_BEFORE_LAST_MONTH_ARRIVED, month=last_month)
    return check_seal


@variant("seal_before_arrival", "3.3.1", "最后一个月已汇缴但尚未到账时就受理封存（只看汇缴不看到账）",
         seal_probe(remitted="2025-02", arrived="2025-01", last="2025-02"))
def _(p: Patcher):
    p.setattr(SEAL, "check_seal", _seal_rule(check_arrived=False))


@variant("seal_before_last_month", "3.3.1", "最后一个月还没汇缴、没到账就受理封存",
         seal_probe(remitted="2025-01", arrived="2025-01", last="2025-02"))
def _(p: Patcher):
    p.setattr(SEAL, "check_seal", _seal_rule(check_arrived=False, check_remitted=False))


@variant("seal_after_next_month_remitted", "3.3.1", "单位已汇缴下个月后仍受理以上个月为最后一个月的封存",
         seal_probe(remitted="2025-02", arrived="2025-02", last="2025-01"))
def _(p: Patcher):
    p.setattr(SEAL, "check_seal", _seal_rule(check_next=False))


@variant("seal_leaves_account_normal", "3.3.1", "封存受理了，但职工账户仍是正常状态",
         seal_probe(remitted="2025-02", arrived="2025-02", last="2025-02", then_state=True))
def _(p: Patcher):
    _wrap_handler(p, "SEAL", lambda ctx, d, out: _set_state(ctx, d["personal_no"], "NORMAL"))


# =========================== 3.3.2 unseal ======================================================
@variant("unseal_from_remitted_month", "3.3.2", "起缴月份已经汇缴过了仍受理启封（只拦太早，不拦太晚）",
         unseal_probe(start="2025-02"))
def _(p: Patcher):
    M, AccountState = module(MESSAGES), module(MODEL).AccountState

    def check_unseal(account, unit, start_month):
        if account.state is not AccountState.SEALED:
            raise M.DomainError(M.ACCOUNT_NOT_SEALED, state=account.state.label)
        if start_month > unit.due:
            raise M.DomainError(M.UNSEAL_TOO_EARLY, prev=start_month.prev())
    p.setattr(UNSEAL, "check_unseal", check_unseal)


@variant("unseal_too_early", "3.3.2", "上个月还没汇缴就受理以下个月为起缴月份的启封（只拦太晚，不拦太早）",
         unseal_probe(start="2025-04"))
def _(p: Patcher):
    M, AccountState = module(MESSAGES), module(MODEL).AccountState

    def check_unseal(account, unit, start_month):
        if account.state is not AccountState.SEALED:
            raise M.DomainError(M.ACCOUNT_NOT_SEALED, state=account.state.label)
        if unit.is_remitted(start_month):
            raise M.DomainError(M.UNSEAL_START_MONTH_REMITTED, month=start_month, due=unit.due)
    p.setattr(UNSEAL, "check_unseal", check_unseal)


@variant("unseal_leaves_account_sealed", "3.3.2", "启封受理了，但职工账户仍是封存状态",
         unseal_probe(then_state=True))
def _(p: Patcher):
    _wrap_handler(p, "UNSEAL", lambda ctx, d, out: _set_state(ctx, d["personal_no"], "SEALED"))


@variant("unseal_of_normal_account", "3.3.2", "正常缴存的账户也能“启封”",
         unseal_probe(employee={"key": "张三"}))
def _(p: Patcher):
    u, AccountState = module(UNSEAL), module(MODEL).AccountState
    original = u.check_unseal

    def check_unseal(account, unit, start_month):
        if account.state is AccountState.NORMAL:
            account = dataclasses.replace(account, state=AccountState.SEALED)
        return original(account, unit, start_month)
    p.setattr(u, "check_unseal", check_unseal)


# =========================== 3.4 back-pay ======================================================
@variant("base_shortfall_back_pay_online", "3.4", "缴存基数不足的差额补缴也能在网上办理",
         back_pay_probe({"key": "张三"}, "base_shortfall", ["2025-01"]))
def _(p: Patcher):
    bp = module(BACK_PAY)
    original, cause = bp.check_back_pay, module(MODEL).BackPayCause

    def check_back_pay(account, unit, c, months, rounding):
        if c is cause.BASE_SHORTFALL:  # treated as a difference payment at the current base
            return [_line(m, account.current, rounding) for m in sorted(months)]
        return original(account, unit, c, months, rounding)
    p.setattr(bp, "check_back_pay", check_back_pay)


@variant("back_pay_of_month_not_due", "3.4", "单位尚未汇缴的月份也能补缴（当作欠缴）",
         back_pay_probe(LATE_WANGWU, "late_establish", ["2025-03"]))
def _(p: Patcher):
    bp = module(BACK_PAY)
    original = bp.check_back_pay

    def check_back_pay(account, unit, c, months, rounding):
        due = [m for m in months if unit.is_remitted(m)]
        future = [m for m in months if not unit.is_remitted(m)]
        if c not in bp.ONLINE_CAUSES or not future:
            return original(account, unit, c, months, rounding)
        lines = original(account, unit, c, due, rounding) if due else []
        return lines + [_line(m, account.current, rounding) for m in sorted(future)]
    p.setattr(bp, "check_back_pay", check_back_pay)


class _DuplicateTolerantConn:
    """A vendor's store without the one-back-pay-per-month key: duplicates are just ignored."""

    def __init__(self, conn) -> None:
        self._conn = conn

    def execute(self, sql: str, *args):
        return self._conn.execute(sql.replace("INSERT INTO back_pays", "INSERT OR IGNORE INTO back_pays"), *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@variant("back_pay_same_month_twice", "3.4", "同一职工同一月份可以重复补缴",
         back_pay_probe(LATE_WANGWU, "late_establish", ["2024-12"], twice=True))
def _(p: Patcher):
    bp, b = module(BACK_PAY), module(BUSINESSES)
    original = bp.check_back_pay
    kind = module(MODEL).BusinessType.BACK_PAY
    handler = b.HANDLERS[kind]

    def check_back_pay(account, unit, c, months, rounding):  # forgets the months already back-paid
        return original(dataclasses.replace(account, back_paid=frozenset()), unit, c, months, rounding)

    def back_pay_handler(self, ctx, unit, d, bno):
        return handler(self, dataclasses.replace(ctx, conn=_DuplicateTolerantConn(ctx.conn)), unit, d, bno)
    p.setattr(bp, "check_back_pay", check_back_pay)
    p.setitem(b.HANDLERS, kind, back_pay_handler, label="businesses.HANDLERS")


@variant("back_pay_before_employment", "3.4", "“未及时设立账户”可以补缴入职之前的月份（从单位首次汇缴月份算起）",
         back_pay_probe(LATE_WANGWU, "late_establish", ["2024-11"]))
def _(p: Patcher):
    bp = module(BACK_PAY)
    original = bp.windows

    def windows(account, unit):
        return [dataclasses.replace(w, first=min(w.first, unit.first_month)) if w.first == account.joined_month
                else w for w in original(account, unit)]
    p.setattr(bp, "windows", windows)


# =========================== 3.5 / 3.6 next-day visibility ======================================
@variant("operator_change_never_published", "3.5", "经办人信息修改后，夜间更新从不发布（第2个工作日仍显示旧经办人）",
         next_day_operator())
def _(p: Patcher):
    c = module(CENTRE)
    publish = c.publish_pending

    def publish_pending(conn):
        conn.execute("UPDATE units SET operator_dirty = 0 WHERE operator_dirty = 1")  # forgotten
        return publish(conn)
    p.setattr(c, "publish_pending", publish_pending)


@variant("operator_change_not_saved", "3.5", "修改经办人信息应答成功，但修改没有保存",
         next_day_operator())
def _(p: Patcher):
    access = module(ACCESS)

    def change_operator(self, session, operator):
        with self.centre.command() as ctx:
            return {"pending": True, "verify_from": access._verify_from(ctx)}
    p.setattr(access.Access, "change_operator", change_operator)


@variant("roster_never_published", "3.6", "封存、启封、设立后，夜间更新不更新职工清册",
         roster_after_seal("2025-03-06T09:00:00+08:00"))
def _(p: Patcher):
    c = module(CENTRE)
    publish = c.publish_pending

    def publish_pending(conn):
        conn.execute("UPDATE accounts SET dirty = 0 WHERE dirty = 1")  # forgotten
        return publish(conn)
    p.setattr(c, "publish_pending", publish_pending)


@variant("nightly_update_two_days_late", "3.6", "夜间更新隔两夜才发布：第2个工作日九时还看不到前一天的办理结果",
         roster_after_seal("2025-03-06T09:00:00+08:00"))
def _(p: Patcher):
    c, repo = module(CENTRE), module(REPO)
    catch_up = c.Centre._catch_up

    def late_catch_up(self, ctx):
        last = date.fromisoformat(repo.get_meta(ctx.conn, "published_day") or ctx.today.isoformat())
        if ctx.today > last + timedelta(days=1):
            catch_up(self, ctx)
    p.setattr(c.Centre, "_catch_up", late_catch_up)


# =========================== 3.7 wrong name / ID on unseal ======================================
@variant("unseal_refused_for_reported_error", "3.7", "单位说明职工姓名或身份证号码有误时，启封不受理（要求先改信息）",
         unseal_reporting("name"))
def _(p: Patcher):
    def correction_notice(reported_errors):
        if reported_errors:
            raise _error("VALIDATION_FAILED", detail="职工姓名或身份证号码有误，请先到公积金中心修改信息后再办理启封")
    p.setattr(UNSEAL, "correction_notice", correction_notice)


@variant("correction_notice_missing", "3.7", "启封受理了，但回执没有提醒职工带身份证和储存卡到中心修改信息",
         unseal_reporting("id_number"))
def _(p: Patcher):
    p.setattr(UNSEAL, "correction_notice", lambda reported_errors: None)


@variant("correction_offered_online", "3.7", "回执让单位在网上服务厅自行修改职工姓名/身份证号码",
         unseal_reporting("name"))
def _(p: Patcher):
    p.setattr(UNSEAL, "correction_notice",
              lambda reported_errors: "启封已办理。职工信息有误的，请在网上服务厅“职工信息变更”中直接修改。"
              if reported_errors else None)


# =========================== 3.9 new hire ======================================================
@variant("establish_existing_id", "3.9", "身份证号码在中心已有账户仍可再设立账户（不提示办理转移）",
         two_units(lambda s, a, b, h: outcome(s.submit(h, "establish", name="赵六新", id_number=b.ids["赵六"],
                                                         base="6000")), ZHAO_SEALED))
def _(p: Patcher):
    a = module(ACCOUNTS)
    original = a.check_establish

    def check_establish(existing, employed_from, unit):
        return original([], employed_from, unit)
    p.setattr(a, "check_establish", check_establish)


@variant("transfer_of_normal_account", "3.9", "职工在原单位仍正常缴存也能转入",
         two_units(_transfer, ZHAO_NORMAL))
def _(p: Patcher):
    a, AccountState = module(ACCOUNTS), module(MODEL).AccountState
    original = a.check_transfer

    def check_transfer(source, name, target_unit):
        if source is not None and source.state is AccountState.NORMAL:
            source = dataclasses.replace(source, state=AccountState.SEALED)
        return original(source, name, target_unit)
    p.setattr(a, "check_transfer", check_transfer)


@variant("transfer_arrives_normal", "3.9", "转入的账户直接是正常状态（不用启封设置基数）",
         two_units(lambda s, a, b, h: _transfer(s, a, b, h, then_state=True), ZHAO_SEALED))
def _(p: Patcher):
    _wrap_handler(p, "TRANSFER", lambda ctx, d, out: _set_state(ctx, out[2]["personal_no"], "NORMAL"))


@variant("transfer_receipt_without_unseal_step", "3.9", "转移的回执没有提示还须启封并设置缴存基数",
         two_units(_transfer, ZHAO_SEALED))
def _(p: Patcher):
    BusinessType = module(MODEL).BusinessType

    def change(business, unit, extra, original):
        todo, notes = original(business, unit, extra)
        if business is BusinessType.TRANSFER:
            todo = tuple(t for t in todo if "启封" not in t)
        return todo, notes
    _wrap_follow_ups(p, change)


# =========================== hours for every business, cause and start month ======================
# Once known gaps (no scenario killed them); HRS-04, BACKPAY-06 and HIRE-06 were written for them.
# A future gap: give the variant `gap="…the missing scenario…"` and the self-test reports it without
# failing, until a scenario kills it.
def seal_at(when: str):
    def probe():
        s = ProbeSim(when)
        u = s.unit({"key": "张三"})
        return outcome(s.submit(s.login(u), "seal", personal_no=u.emp["张三"], last_month="2025-02"))
    return probe


def establish_at(when: str):
    def probe():
        s = ProbeSim(when)
        r = s.submit(s.login(s.unit()), "establish", name="王五", id_number=_id_number(), base="6000")
        return (outcome(r), r.json().get("result", {}).get("start_month"))
    return probe


def transfer_at(when: str):
    def probe():
        s = ProbeSim(when)
        a, b = s.unit(), s.unit(ZHAO_SEALED)
        return _transfer(s, a, b, s.login(a))[0]
    return probe


SATURDAY_10 = "2025-03-08T10:00:00+08:00"


def back_pay_at(when: str):
    def probe():
        s = ProbeSim(when)
        u = s.unit(LATE_WANGWU)
        return outcome(s.submit(s.login(u), "back-pay", personal_no=u.emp["王五"], cause="late_establish",
                                months=["2024-12"]))
    return probe


@variant("seal_outside_hours", "3.3", "职工账户封存不受办理时间限制（只对封存漏了时间检查）", seal_at(SATURDAY_10))
def _(p: Patcher):
    _exempt_from_hours(p, "seal")


@variant("establish_outside_hours", "3.3", "职工账户设立不受办理时间限制", establish_at(SATURDAY_10))
def _(p: Patcher):
    _exempt_from_hours(p, "establish")


@variant("transfer_outside_hours", "3.3", "职工转移不受办理时间限制", transfer_at(SATURDAY_10))
def _(p: Patcher):
    _exempt_from_hours(p, "transfer")


@variant("back_pay_outside_hours", "3.3", "个别补缴不受办理时间限制",
         back_pay_at(SATURDAY_10))
def _(p: Patcher):
    _exempt_from_hours(p, "back_pay")


@variant("back_pay_cause_not_checked", "3.4", "补缴原因与欠缴期间不对应也受理（未及时设立账户造成的欠缴按“未及时启封”补缴）",
         back_pay_probe(LATE_WANGWU, "late_unseal", ["2024-12"]))
def _(p: Patcher):
    bp = module(BACK_PAY)
    original, cause = bp.windows, module(MODEL).BackPayCause

    def windows(account, unit):  # every window explains every online cause
        return [dataclasses.replace(w, cause=c) for w in original(account, unit)
                for c in (cause.LATE_ESTABLISH, cause.LATE_UNSEAL)]
    p.setattr(bp, "windows", windows)


@variant("establish_starts_month_after_due", "3.9", "新设立账户的起缴月份是应汇缴年月的下一个月（应为应汇缴年月）",
         establish_at(WEDNESDAY_10))
def _(p: Patcher):
    a = module(ACCOUNTS)
    original = a.check_establish

    def check_establish(existing, employed_from, unit):
        start = original(existing, employed_from, unit).next()
        if employed_from is not None and employed_from > start:
            raise _error("EMPLOYMENT_MONTH_AFTER_START", employed=employed_from, start=start)
        return start
    p.setattr(a, "check_establish", check_establish)


# =========================== must survive: what the readings allow =============================
@variant("publish_immediately", "3.6", "职工清册和经办人信息的修改当天立即可见（比第2个工作日更早）",
         roster_after_seal(None), must_survive=True)
def _(p: Patcher):
    c = module(CENTRE)
    catch_up = c.Centre._catch_up

    def eager_catch_up(self, ctx):
        catch_up(self, ctx)
        c.publish_pending(ctx.conn)  # every request publishes what the previous ones changed
    p.setattr(c.Centre, "_catch_up", eager_catch_up)


@variant("operator_published_immediately", "3.5", "经办人信息修改当即生效显示（比第2个工作日更早）",
         same_day_operator, must_survive=True)
def _(p: Patcher):
    access = module(ACCESS)
    set_operator = access.Access._set_operator

    def set_and_publish(self, ctx, session, operator):
        set_operator(self, ctx, session, operator)
        ctx.conn.execute("UPDATE units SET pub_operator_name = operator_name, pub_operator_mobile = operator_mobile,"
                         " pub_operator_id_number = operator_id_number, operator_dirty = 0 WHERE account_no = ?",
                         (session.unit_account_no,))
    p.setattr(access.Access, "_set_operator", set_and_publish)


def _wrong_pin_text():
    s = ProbeSim()
    return s.login_raw(s.unit(), "000000").json()["detail"]


@variant("refusal_texts_reworded", "2.2", "所有不受理说明换一种中文措辞（规格按代码判断原因，不逐字比对说明）",
         _wrong_pin_text, must_survive=True)
def _(p: Patcher):
    M = module(MESSAGES)
    detail = M.DomainError.detail

    def reworded(self):
        return "很抱歉，" + detail.fget(self).rstrip("。") + "。如有疑问请致电0519-86605082。"
    p.setattr(M.DomainError, "detail", property(reworded))


@variant("receipt_extra_notes", "3.2", "回执多给一条提示信息（只是说明，不要求单位再办理什么）",
         verification_receipt("notes"), must_survive=True)
def _(p: Patcher):
    def change(business, unit, extra, original):
        todo, notes = original(business, unit, extra)
        return todo, notes + ("本业务已记录，可在“业务查询”中查看办理情况。",)
    _wrap_follow_ups(p, change)


from . import web_variants  # noqa: E402,F401  (registers the web-only variants)

BAD = [v for v in CATALOGUE if not v.must_survive and not v.gap]
SURVIVORS = [v for v in CATALOGUE if v.must_survive]
GAPS = [v for v in CATALOGUE if v.gap]


def for_mode(mode: str, variants: list[Variant] | None = None) -> list[Variant]:
    """The variants a specification run with driver `mode` must judge."""
    return [v for v in (CATALOGUE if variants is None else variants) if mode in v.modes]
