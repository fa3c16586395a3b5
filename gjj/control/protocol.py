"""The test-control contract as Python: what the specification asks of the centre's side of a target
(docs/test-control.md), independent of how a control reaches it (the reference `/_sim/` over HTTP,
a vendor's back office, admin API or database).

Dates and months are in the contract's forms (ISO 8601 with +08:00, `YYYY-MM-DD`, `YYYY-MM`); every
dict has the fields of the matching `/_sim/` answer (test-control.md §5). A refusal is a
`ControlRefused` with the contract's code; a control that cannot be used at all raises `ControlError`."""
from __future__ import annotations

from typing import Protocol, runtime_checkable


class ControlError(Exception):
    """The control could not do what was asked: unreachable, a malformed answer, a plug-in that fails."""


class ControlRefused(ControlError):
    """The control refused a call with a contract code (e.g. CLOCK_BACKWARDS, REMITTANCE_OUT_OF_ORDER,
    NOT_FOUND for a wrong token). The message says it once in Chinese and in English."""

    def __init__(self, operation: str, code: str, detail: str = "", status: int | None = None) -> None:
        self.operation, self.code, self.detail, self.status = operation, code, detail, status
        shown = f" HTTP {status}" if status is not None else ""
        super().__init__(f"测试控制拒绝了 {operation}：{code}{shown} {detail}".rstrip()
                         + f" / test control refused {operation}: {code}{shown}")


@runtime_checkable
class ControlDriver(Protocol):
    """What the scenarios and the pre-flight ask of a target's test control (test-control.md §4)."""

    def reset(self, now: str | None = None) -> None: ...            # empty world, clock at `now` (any time)
    def seed(self, world: dict) -> dict: ...                         # {"seed", "units": [...]} → {"units": [...]}
    def clock(self) -> dict: ...                                     # {now, today, timezone, is_working_day, …}
    def set_clock(self, now: str) -> dict: ...                       # forward only, else CLOCK_BACKWARDS
    def advance(self, **delta: int) -> dict: ...                     # days/hours/minutes/seconds
    def calendar(self, day: str) -> dict: ...                        # {day, is_working_day, next_working_day, …}
    def policy(self, on: str | None = None) -> dict: ...             # as GET /_sim/policy: {on, <name>: value, meta}
    def remit(self, unit: str, month: str, arrived: bool = True) -> dict | None: ...
    def arrive(self, unit: str, month: str) -> dict | None: ...
    def unit_state(self, unit: str) -> dict: ...                     # {…, "months": {paid_through, due_month, arrived}}
    def employee_state(self, personal_no: str) -> dict: ...           # {state, published, pending, paid_through, …}
    def pending(self) -> dict: ...                                   # {published_day, accounts, operators}
    def unlock_certificate(self, serial: str) -> dict | None: ...
    def record_certificate_application(self, unit_name: str, uscc: str) -> dict: ...


OPERATIONS = tuple(name for name in ControlDriver.__dict__ if not name.startswith("_")
                   and callable(getattr(ControlDriver, name)))
