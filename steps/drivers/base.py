"""The driver interface: what the domain language needs from a target, independent of how
(JSON API or browser). Results are typed; drivers never assert, they report what happened."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from gjj.control import protocol as _control


@dataclass(frozen=True)
class Refusal:
    """The target refused: its stable code (API contract), its message to the user, the clause."""
    code: str                       # the contract's code (docs/api.md §9, e.g. WRONG_PIN): a plug-in maps its own
    detail: str                     # the message the user reads; must contain Chinese
    clause: str | None = None       # the guide clause the target cites, if any
    status: int | None = None       # the HTTP status, if any


@dataclass(frozen=True)
class Receipt:
    """业务提交 succeeded: the business number and what the unit must still do."""
    business_no: str                # 业务流水号
    business_type: str              # the business as submit() was given it: establish, seal, …
    summary: str                    # 办理结果
    follow_ups: tuple[str, ...] = ()  # 后续事项: what the unit must still do (empty: nothing)
    notes: tuple[str, ...] = ()     # 温馨提示: for information only
    result: dict = field(default_factory=dict)  # business data; establish: the new account's "personal_no"


Outcome = Receipt | Refusal


@dataclass(frozen=True)
class Login:
    """How a log-in went."""
    ok: bool                        # logged in
    prompt: str | None = None       # the first-login prompt (2.3), when shown
    opened: bool = False            # the unit has completed the opening (开通)
    refusal: Refusal | None = None  # why not, when not ok


@dataclass(frozen=True)
class RosterRow:
    """One row of the 职工清册, as published (the nightly update)."""
    personal_no: str    # 个人账号
    name: str           # 姓名
    state: str          # 正常 / 封存 … as the portal labels it (a label, not a code)
    base: str | None    # none for a transfer-in not yet unsealed here


@dataclass(frozen=True)
class UnitView:
    """单位信息 as the portal shows it."""
    account_no: str                 # 单位账号
    name: str                       # 单位名称
    operator_name: str | None       # 经办人 as published (changes show after the nightly update)
    operator_mobile: str | None     # 经办人手机
    entrusted_collection: bool      # 委托收款 settlement
    paid_through: str | None        # 缴至年月 YYYY-MM; none if never remitted
    due_month: str                  # 应汇缴年月 YYYY-MM


@dataclass(frozen=True)
class AccountView:
    """职工账户信息 (live, not the published roster)."""
    personal_no: str                # 个人账号
    name: str                       # 姓名
    state: str                      # 正常 / 封存 as the portal labels it
    base: str | None                # 缴存基数, yuan as a decimal string
    paid_through: str | None        # the person's 缴至年月 at this unit, YYYY-MM
    start_month: str | None = None   # the first month it contributes at this unit
    back_paid_months: tuple[str, ...] = ()  # months back-paid (个别补缴), YYYY-MM


@dataclass(frozen=True)
class Slip:
    """A printed 汇（补）缴书 (docs/vendor-kit.md §3.4 says what it must contain)."""
    month: str          # YYYY-MM asked for
    pdf: bytes          # the document as the portal delivers it (application/pdf)
    text: str           # the slip's text as a reader extracts it (pdf_text in api.py), spaces removed
    data: dict          # the portal's figures behind it, if it offers them; not judged


@dataclass
class Exchange:
    """One HTTP exchange kept as evidence."""
    method: str
    url: str
    request_headers: dict
    request_body: Any
    status: int | None
    response_headers: dict
    response_body: Any
    elapsed_ms: float
    error: str | None = None
    redirects: list[str] | None = None   # e.g. ["302 → /hall/login"]: what was followed to get here


class TargetError(Exception):
    """The harness could not complete a check: target down, timeout, malformed answer.
    Distinct from a refusal, which is a business answer."""


# What `PortalDriver.submit(business, fields)` receives: for each business, the fields the DSL may send (the
# Operator refuses to send any other, so this table cannot drift), each with its form. Months are 'YYYY-MM',
# amounts yuan as decimal strings ('6000', '6000.50'); a plug-in translates them into its portal's request.
SUBMIT_FIELDS: dict[str, dict[str, str]] = {
    "establish": {"name": "职工姓名", "id_number": "18 位身份证号码", "base": "缴存基数（元）"},
    "seal": {"personal_no": "个人账号", "last_month": "最后缴存月份 YYYY-MM"},
    "unseal": {"personal_no": "个人账号", "start_month": "起缴月份 YYYY-MM", "base": "缴存基数（元）",
               "reported_errors": "optional: list of 'name' / 'id_number' the unit reports wrong (3.7)"},
    "transfer": {"name": "职工姓名", "id_number": "身份证号码"},
    "back_pay": {"personal_no": "个人账号", "cause": "late_establish | late_unseal | base_shortfall",
                 "months": "list of YYYY-MM"},
    "base_adjustment": {"personal_no": "个人账号", "base": "新缴存基数（元）", "effective_month": "生效月份 YYYY-MM"},
    "deposit_verification": {"confirmed": "true: 确认无误"},
}


class PortalDriver(Protocol):
    """What an operator (经办人) does, in the portal's terms."""

    def login(self, serial: str, pin: str) -> Login: ...
    def logout(self) -> None: ...
    def change_pin(self, old_pin: str, new_pin: str) -> Outcome | None: ...
    def answer_first_login_prompt(self, yes: bool) -> Outcome | None: ...
    def apply_for_opening(self) -> Outcome | None: ...
    def sign_agreement(self) -> Outcome | None: ...
    def confirm_unit_info(self, operator: dict | None = None) -> Outcome | None: ...
    def set_query_password(self, password: str) -> Outcome | None: ...
    def complete_opening(self) -> Outcome | None: ...
    def opening_stage(self) -> str: ...
    def submit(self, business: str, fields: dict) -> Outcome: ...
    def roster(self) -> list[RosterRow] | Refusal: ...
    def account(self, personal_no: str) -> AccountView | Refusal: ...
    def unit_info(self) -> UnitView | Refusal: ...
    def change_operator(self, name: str, mobile: str, id_number: str) -> Outcome | None: ...
    def print_slip(self, month: str) -> Slip | Refusal: ...


# The test-control contract lives outside the harness (gjj/control/protocol.py): the pre-flight and
# `gjj check-control` use it too. Scenarios and the DSL know a control only by this protocol.
ControlDriver = _control.ControlDriver
ControlRefused = _control.ControlRefused
