"""The driver interface: what the domain language needs from a target, independent of how
(JSON API or browser). Results are typed; drivers never assert, they report what happened."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from gjj.control import protocol as _control


@dataclass(frozen=True)
class Refusal:
    """The target refused: its stable code (API contract), its message to the user, the clause."""
    code: str
    detail: str
    clause: str | None = None
    status: int | None = None


@dataclass(frozen=True)
class Receipt:
    """业务提交 succeeded: the business number and what the unit must still do."""
    business_no: str
    business_type: str
    summary: str
    follow_ups: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    result: dict = field(default_factory=dict)


Outcome = Receipt | Refusal


@dataclass(frozen=True)
class Login:
    ok: bool
    prompt: str | None = None       # the first-login prompt (2.3), when shown
    opened: bool = False
    refusal: Refusal | None = None


@dataclass(frozen=True)
class RosterRow:
    personal_no: str
    name: str
    state: str          # 正常 / 封存 … as the portal labels it
    base: str | None    # none for a transfer-in not yet unsealed here


@dataclass(frozen=True)
class UnitView:
    account_no: str
    name: str
    operator_name: str | None
    operator_mobile: str | None
    entrusted_collection: bool
    paid_through: str | None
    due_month: str


@dataclass(frozen=True)
class AccountView:
    personal_no: str
    name: str
    state: str
    base: str | None
    paid_through: str | None
    start_month: str | None = None   # the first month it contributes at this unit
    back_paid_months: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slip:
    month: str
    pdf: bytes
    text: str           # the slip's text as a reader extracts it
    data: dict


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
