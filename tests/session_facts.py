"""Checks over a whole test session, made where every test's report arrives: the pytest-xdist
controller, or the one process of a run without xdist.

A summary test that counts what the tests before it did sees, under xdist, only its own worker's share,
so it could not assert anything there. Instead a test records facts on its report (`record`: they
travel to the controller with the report's user_properties), and the checks below run on them once the
session ends. A check that fails sets the session's exit status to 1 and says why in the terminal
summary; a check whose tests did not all run (deselected with -k, say) says so and asserts nothing.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import pytest

FACT = "gjj_session_fact"


def record(request: pytest.FixtureRequest, key: str, value) -> None:
    """Attach (key, value) to this test's report, for a session check."""
    request.node.user_properties.append((FACT, (key, value)))


class Facts:
    """What the reports carried: every value recorded under each key, in arrival order."""

    def __init__(self) -> None:
        self.values: dict[str, list] = defaultdict(list)

    def add(self, report: pytest.TestReport) -> None:
        for name, item in report.user_properties:
            if name == FACT:
                key, value = item
                self.values[key].append(value)


# --- the checks: each returns (lines to show, problems) ---------------------------------------------------
def authz_matrix(facts: Facts) -> tuple[list[str], list[str]]:
    """Every (operation × actor) case collected by tests/test_authz_matrix.py ran (none skipped or lost)."""
    if not facts.values.get("authz.collected"):
        return [], []
    collected = Counter(facts.values["authz.collected"][0])
    ran = Counter(facts.values.get("authz.case", []))
    lines = ["authorization matrix, cases run: " + ", ".join(f"{k} {ran[k]}" for k in sorted(collected)) +
             f"; total {sum(ran.values())}"]
    if ran != collected:
        return lines, [f"authorization matrix: cases collected but not run: collected "
                       f"{dict(collected)}, ran {dict(ran)}"]
    return lines, []


def schemathesis_reach(facts: Facts) -> tuple[list[str], list[str]]:
    """Of the operations of /openapi.json, at least three in four reached a 2xx answer in the fuzzing."""
    if not facts.values.get("schemathesis.operations"):
        return [], []
    operations = set(facts.values["schemathesis.operations"][0])
    seen: dict[str, Counter] = defaultdict(Counter)
    for label, statuses in facts.values.get("schemathesis.answers", []):
        seen[label].update(statuses)
    if set(seen) != operations:
        return [f"schemathesis: {len(seen)} of {len(operations)} operations fuzzed in this run; "
                "the reach of the fuzzing is judged on a run of all of them"], []
    succeeded = {op for op, statuses in seen.items() if any(int(s) < 300 for s in statuses)}
    lines = [f"{label:55s} {sum(seen[label].values()):4d} {dict(sorted(seen[label].items()))}"
             for label in sorted(seen)]
    lines.append(f"operations covered: {len(seen)} of {len(operations)}; {len(succeeded)} reached a 2xx; "
                 f"{sum(sum(c.values()) for c in seen.values())} calls")
    if len(succeeded) < len(operations) * 3 // 4:
        return lines, [f"schemathesis: only {len(succeeded)} of {len(operations)} operations reached a 2xx "
                       f"(at least three in four must): never {sorted(operations - succeeded)}"]
    return lines, []


def certified_variants_precise(facts: Facts) -> tuple[list[str], list[str]]:
    """Of the known-bad variants certified through `gjj certify` (tests/test_certify.py), at least half fail
    their own clause and nothing else."""
    if not facts.values.get("certify.bad_variants"):
        return [], []
    expected = facts.values["certify.bad_variants"][0]
    ran = facts.values.get("certify.variant", [])
    if len(ran) != expected:
        return [f"certified variants: {len(ran)} of {expected} passed in this run; precision is judged on all"], []
    precise = sorted(name for name, clause, failing in ran if list(failing) == [clause])
    lines = [f"certified variants: {len(precise)} of {expected} fail their own clause and nothing else"]
    if len(precise) < expected // 2:
        return lines, [f"certified variants: only {len(precise)} of {expected} are precise (at least half must be): "
                       f"{precise}"]
    return lines, []


CHECKS: list[Callable[[Facts], tuple[list[str], list[str]]]] = [authz_matrix, schemathesis_reach,
                                                                 certified_variants_precise]


class SessionFacts:
    """The plugin: registered by tests/conftest.py in every process; it acts only where reports gather."""

    def __init__(self, config: pytest.Config) -> None:
        self.on = not hasattr(config, "workerinput")
        self.facts = Facts()
        self.lines: list[str] = []
        self.problems: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # the teardown report carries every fact of the test, those recorded by fixtures after it too
        if self.on and report.when == "teardown":
            self.facts.add(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.on:
            return
        for check in CHECKS:
            lines, problems = check(self.facts)
            self.lines += lines
            self.problems += problems
        if self.problems and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.on or not (self.lines or self.problems):
            return
        terminalreporter.section("session checks")
        for line in self.lines:
            terminalreporter.write_line(line)
        for problem in self.problems:
            terminalreporter.write_line("FAILED " + problem, red=True)
