"""The comparisons several step definitions share: is the action's outcome the receipt, or the refusal
(for the reason) the sentence says; did a question get an answer. A mismatch raises the DSL's
SpecFailure with the Chinese message the reports show; what is expected is each step's own decision."""
from __future__ import annotations

from typing import TypeVar

from .dsl import terms
from .dsl.failures import SpecFailure
from .dsl.outcomes import Receipt, Refusal, describe

T = TypeVar("T")


def expect_receipt(outcome: object) -> Receipt:
    """The outcome is a receipt, with a business number (an operator change has none to give)."""
    if not isinstance(outcome, Receipt):
        raise SpecFailure(f"应当受理，实际被拒绝：{describe(outcome)}")
    if outcome.business_type != "operator_change" and not outcome.business_no:
        raise SpecFailure("受理回执中没有业务流水号")
    return outcome


def expect_refusal(outcome: object, because: str | None = None) -> Refusal:
    """The outcome is a refusal, with a Chinese message, and (`because`: the spec's words for the reason)
    one of the contract codes terms.REFUSALS gives for that reason."""
    if not isinstance(outcome, Refusal):
        raise SpecFailure(f"应当不受理（{because or '任何原因'}），实际却受理了：{describe(outcome)}")
    if because is not None:
        expected = terms.REFUSALS.get(because)
        if expected is None:
            raise AssertionError(f"规格用语“{because}”未在 steps/dsl/terms.py 中定义")
        if outcome.code not in expected:
            raise SpecFailure(f"应当因“{because}”不受理，实际原因：{outcome.code} {outcome.detail}")
    if not outcome.detail or not any("\u4e00" <= ch <= "\u9fff" for ch in outcome.detail):
        raise SpecFailure(f"不受理时应有中文说明，实际：{outcome.detail!r}")
    return outcome


def answered(result: T | Refusal, asked: str) -> T:
    """A question's answer; the portal refusing to answer fails the scenario ("<asked>被拒绝：…")."""
    if isinstance(result, Refusal):
        raise SpecFailure(f"{asked}被拒绝：{result.code} {result.detail}")
    return result
