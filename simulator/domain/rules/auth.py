"""Certificate PIN (2.2): initial 123456, changeable, wrong PINs counted up to a lock."""
from __future__ import annotations

from dataclasses import dataclass

from .. import messages as M
from ..clauses import implements
from ..messages import DomainError


@dataclass(frozen=True)
class PinOutcome:
    ok: bool
    failed_attempts: int
    locked: bool
    error: DomainError | None


@implements("2.2")
def pin_attempt(failed_attempts: int, locked: bool, pin_correct: bool, limit: int,
                initial_pin: str = "123456") -> PinOutcome:
    """The count is per certificate and persists across sessions; a correct PIN resets it.
    A locked certificate stays locked even for the right PIN (unlock is a CA counter matter)."""
    if locked:
        return PinOutcome(False, failed_attempts, True, DomainError(M.CERTIFICATE_LOCKED, limit=limit))
    if pin_correct:
        return PinOutcome(True, 0, False, None)
    failed = failed_attempts + 1
    if failed >= limit:
        return PinOutcome(False, failed, True, DomainError(M.CERTIFICATE_LOCKED, limit=limit))
    return PinOutcome(False, failed, False,
                      DomainError(M.WRONG_PIN, remaining=limit - failed, initial_pin=initial_pin))
