"""Opening the online business: certificate first, then the service agreement (1.0, 1.1.2, 1.2, 2.3)."""
from __future__ import annotations

from datetime import date, timedelta

from .. import messages as M
from ..clauses import implements
from ..messages import PROMPT_NOT_ENABLED, DomainError
from ..model import OPENING_ORDER, OpeningStage, Unit


@implements("1.0")
def require_opened(unit: Unit) -> None:
    """A unit can do no business until both steps (certificate, agreement) are done."""
    if unit.opening_stage is not OpeningStage.OPENED:
        raise DomainError(M.UNIT_NOT_OPENED, stage=unit.opening_stage.label)


@implements("2.3")
def first_login_prompt(stage: OpeningStage) -> str | None:
    """A certificate not yet enabled for the provident-fund application gets the guide's prompt."""
    return PROMPT_NOT_ENABLED if stage is OpeningStage.NOT_ENABLED else None


@implements("1.2", "1.1.2", "2.3")
def advance(stage: OpeningStage, step_reaches: OpeningStage) -> OpeningStage:
    """Move one step along 1.2's order: enable (申请开通 / 是) → sign the agreement → confirm the
    unit's information → set the query password → complete. Skipping or repeating is refused."""
    if stage is OpeningStage.OPENED:
        raise DomainError(M.OPENING_ALREADY_DONE)
    expected = OPENING_ORDER[OPENING_ORDER.index(stage) + 1]
    if step_reaches is not expected:
        raise DomainError(M.OPENING_OUT_OF_ORDER, expected=STEP_NAMES[expected])
    return expected


# What the person does to reach each stage, in the guide's words.
STEP_NAMES = {
    OpeningStage.ENABLED: "申请开通",
    OpeningStage.AGREEMENT_SIGNED: "查阅并签署服务协议",
    OpeningStage.INFO_CONFIRMED: "核对单位信息",
    OpeningStage.PASSWORD_SET: "设置查询密码",
    OpeningStage.OPENED: "完成开通",
}


@implements("1.1.1")
def followup_deadline(applied_on: date, followup_days: int) -> date:
    """New certificate applied for on paper: the vendor calls back within two weeks.
    Offline; the centre only records the deadline so a test can see it."""
    return applied_on + timedelta(days=followup_days)
