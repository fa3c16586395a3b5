"""The session checks (tests/session_facts.py) judge facts from every worker's reports, and fail."""
from __future__ import annotations

from types import SimpleNamespace

import session_facts as sf


def _facts(*pairs) -> sf.Facts:
    facts = sf.Facts()
    facts.add(SimpleNamespace(user_properties=[(sf.FACT, p) for p in pairs] + [("other", 1)]))
    return facts


def test_the_matrix_check_fails_when_a_collected_case_did_not_run():
    ok = _facts(("authz.collected", {"api": 2, "web": 1}), ("authz.case", "api"), ("authz.case", "web"),
                ("authz.case", "api"))
    assert sf.authz_matrix(ok)[1] == []
    short = _facts(("authz.collected", {"api": 2, "web": 1}), ("authz.case", "api"), ("authz.case", "web"))
    [problem] = sf.authz_matrix(short)[1]
    assert "collected" in problem and "'api': 1" in problem


def test_the_matrix_check_says_nothing_without_its_summary():
    assert sf.authz_matrix(_facts(("authz.case", "api"))) == ([], [])


def test_the_fuzzing_must_reach_a_2xx_on_three_operations_in_four():
    ops = ["A", "B", "C", "D"]
    three = _facts(("schemathesis.operations", ops), *[("schemathesis.answers", (o, {200: 1, 422: 3})) for o in ops[:3]],
                   ("schemathesis.answers", ("D", {401: 4})))
    assert sf.schemathesis_reach(three)[1] == []
    two = _facts(("schemathesis.operations", ops), *[("schemathesis.answers", (o, {201: 1})) for o in ops[:2]],
                 *[("schemathesis.answers", (o, {422: 9})) for o in ops[2:]])
    [problem] = sf.schemathesis_reach(two)[1]
    assert "only 2 of 4" in problem and "['C', 'D']" in problem


def test_the_fuzzing_reach_is_not_judged_on_part_of_the_operations():
    part = _facts(("schemathesis.operations", ["A", "B"]), ("schemathesis.answers", ("A", {422: 1})))
    lines, problems = sf.schemathesis_reach(part)
    assert problems == [] and "1 of 2 operations" in lines[0]


def test_certified_variants_must_mostly_fail_their_own_clause_alone():
    two_of_three = _facts(("certify.bad_variants", 3), ("certify.variant", ["a", "3.3", ["3.3"]]),
                          ("certify.variant", ["b", "3.4", ["3.4"]]), ("certify.variant", ["c", "3.5", ["3.5", "3.6"]]))
    assert sf.certified_variants_precise(two_of_three)[1] == []
    one_of_four = _facts(("certify.bad_variants", 4), ("certify.variant", ["a", "3.3", ["3.3"]]),
                         ("certify.variant", ["b", "3.4", ["3.2", "3.4"]]), ("certify.variant", ["c", "3.5", ["3.6"]]),
                         ("certify.variant", ["d", "3.6", ["3.5", "3.6"]]))
    [problem] = sf.certified_variants_precise(one_of_four)[1]
    assert "only 1 of 4" in problem
    part = _facts(("certify.bad_variants", 3), ("certify.variant", ["a", "3.3", ["3.4"]]))
    assert sf.certified_variants_precise(part)[1] == []
