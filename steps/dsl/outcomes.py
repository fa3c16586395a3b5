"""What a scenario's action (its 当 step) produces, handed to its Then steps as the `outcome`
fixture, and what a person reads in it. The result types are the driver interface's; the step
layer takes them from here, never from the drivers."""
from __future__ import annotations

from ..drivers.base import AccountView, Login, Receipt, Refusal, RosterRow, Slip, UnitView

__all__ = ["AccountView", "ActionOutcome", "Login", "Receipt", "Refusal", "RosterRow", "Slip", "UnitView",
           "describe", "message_shown"]

# a submission's receipt or refusal, a login, a printed slip (or its refusal), or the answer to a query
ActionOutcome = Receipt | Refusal | Login | Slip | AccountView | UnitView | list[RosterRow]


def message_shown(outcome: ActionOutcome) -> str | None:
    """The message a person sees after the action: a first-login prompt, a login fault, a refusal
    (a print fault among them); None when the action showed none."""
    if isinstance(outcome, Login):
        return outcome.prompt or (outcome.refusal.detail if outcome.refusal else None)
    if isinstance(outcome, Refusal):
        return outcome.detail
    return None


def describe(outcome: object) -> str:
    """An outcome in a failure message: a refusal's code and text, a receipt's number and summary."""
    if isinstance(outcome, Refusal):
        return f"{outcome.code}：{outcome.detail}"
    if isinstance(outcome, Receipt):
        return f"业务流水号{outcome.business_no}：{outcome.summary}"
    return repr(outcome)
