"""What the domain language raises: a target that does not behave as a clause requires (SpecFailure),
and a business the target does not declare (CapabilityNotDeclared, reported not verifiable).

The DSL knows no test framework: the step layer's conftest turns CapabilityNotDeclared into a skip."""
from __future__ import annotations

from . import terms


class SpecFailure(AssertionError):
    """The target did not behave as the clause requires (reports classify it as failed, not as an error)."""


class CapabilityNotDeclared(Exception):
    """The scenario needs a business the target does not declare it offers (gjj certify --config:
    capabilities): the clause cannot be verified here, which is not a failure of the target."""

    def __init__(self, capability: str) -> None:
        self.capability = capability
        super().__init__(f"未声明的功能：目标未声明提供“{terms.CAPABILITY_NAMES.get(capability, capability)}”"
                         f"（capability {capability} not declared）")
