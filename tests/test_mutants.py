"""Self-test of the specification: it must FAIL against known-bad reference centres (each breaking
one clause, killed by a scenario that cites that clause) and PASS against centres that do what
the clause readings allow. The variants live in tests/mutants/; see its __init__ for how to run
them by hand (python -m tests.mutants)."""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` (not `python -m pytest`) does not put the root on sys.path
    sys.path.insert(0, str(ROOT))

from tests.mutants import runner
from tests.mutants.patching import Patcher, VariantPatchError
from gjj.fixtures.guide.catalogue import load_catalogue
from tests.mutants.variants import BAD, CATALOGUE, GAPS, SURVIVORS, for_mode


# --- the catalogue itself -----------------------------------------------------------------------
def test_catalogue_has_a_bad_variant_for_every_api_checkable_clause():
    api = {cid for cid, c in load_catalogue().items() if "api" in c.checkable}
    assert {"0.1", "1.0", "1.1.2", "1.2", "2.2", "2.3", "3.2", "3.2.1", "3.2.2", "3.2.3", "3.3", "3.3.1",
            "3.3.2", "3.4", "3.5", "3.6", "3.7", "3.9"} <= api, "clauses.md changed: re-read it"
    covered = {v.clause for v in BAD if "api" in v.modes}
    assert not api - covered, f"no bad variant breaks clause(s) {sorted(api - covered)}"
    assert len(BAD) >= 25
    unknown = {v.clause for v in CATALOGUE} - set(load_catalogue())  # 4.1–4.4 counts as four
    assert not unknown, f"variants cite clauses not in clauses.md: {unknown}"


def test_catalogue_has_a_web_only_variant_for_every_web_only_clause():
    web_only = {cid for cid, c in load_catalogue().items() if "web" in c.checkable and
                "api" not in c.checkable}
    assert {"2.1", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "4.3"} <= web_only, "clauses.md changed: re-read it"
    covered = {v.clause for v in BAD if v.modes == ("web",)}
    # 4.1–4.4 is one row: one variant (the hotline) stands for the help page's contacts
    missing = web_only - covered - {"4.1", "4.2", "4.4"}
    assert not missing, f"no web-only variant breaks clause(s) {sorted(missing)}"
    # the three: a changed prompt text, a missing 继续浏览 path, printing that fails silently
    assert {"web_prompt_reworded", "warning_without_continue", "print_fails_silently"} <= {v.name for v in BAD}
    # every API variant breaks a clause a browser can check too: all of them run in web mode as well
    assert all("web" in v.modes for v in CATALOGUE)


def test_catalogue_entries_are_well_formed():
    names = [v.name for v in CATALOGUE]
    assert len(names) == len(set(names))
    for v in CATALOGUE:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", v.name), v.name
        assert v.modes and set(v.modes) <= {"api", "web"}, v.name
        assert re.search(r"[\u4e00-\u9fff]", v.description), f"{v.name}: description must be Chinese"
        assert not (v.must_survive and v.gap), v.name
        if v.gap:
            assert re.search(r"[\u4e00-\u9fff]", v.gap), f"{v.name}: say which scenario is missing"


def test_publishing_sooner_than_the_next_working_day_must_survive():
    # clause readings 3.5/3.6: "a portal that shows it sooner is not at fault"
    assert {"publish_immediately", "operator_published_immediately"} <= {v.name for v in SURVIVORS}


# --- every variant patches something real, and that changes behaviour -----------------------------
def test_patcher_refuses_to_patch_nothing():
    from gjj.simulator.domain.rules import seal
    p = Patcher()
    try:
        with pytest.raises(VariantPatchError, match="does not exist"):
            p.setattr(seal, "check_seal_typo", lambda *a: None)
        with pytest.raises(VariantPatchError, match="by itself"):
            p.setattr(seal, "check_seal", seal.check_seal)
        with pytest.raises(VariantPatchError, match="does not exist"):
            p.setitem({"a": 1}, "b", 2)
        assert p.patched == []
    finally:
        p.undo()


@pytest.mark.parametrize("variant", CATALOGUE, ids=[v.name for v in CATALOGUE])
def test_variant_changes_what_the_centre_does(variant):
    """The probe sees one behaviour of a fresh in-process centre; the variant must change it."""
    before = variant.probe()
    p = Patcher()
    try:
        variant.apply(p)
        assert p.patched, f"{variant.name} patched nothing"
        after = variant.probe()
    finally:
        p.undo()
    assert variant.probe() == before, f"{variant.name}: undo did not restore the reference behaviour"
    assert after != before, f"{variant.name}: patched {p.patched} but the probe still sees {before!r}"


def test_verdicts():
    """What counts as a kill: a failing scenario that cites the variant's own clause."""
    def result(failures, must_survive=False, gap=None, error=None):
        return runner.Result("v", "3.3.1", "说明", must_survive, 1.0, gap=gap, error=error, collected=80, passed=70,
                             failures=[runner.Failure(f"steps/x::{t}", ["guide-" + t, "id-X-" + t], "boom")
                                       for t in failures])
    assert result(["3.3.1", "3.6"]).verdict == "killed" and result(["3.3.1"]).ok
    assert [f.scenario_id for f in result(["3.3.1", "3.6"]).citing] == ["X-3.3.1"]
    assert not result(["3.3"]).ok             # killed, but only by a scenario of another clause
    assert not result([]).ok                  # a bad variant the specification lets through
    assert not result([], error="no report").ok
    assert result([], must_survive=True).ok and not result(["3.6"], must_survive=True).ok
    assert result([], gap="缺少场景").ok and result([], gap="缺少场景").verdict == "gap: survives"
    assert "promote" in result(["3.3.1"], gap="缺少场景").verdict


def test_plugin_refuses_an_unknown_variant():
    r = runner.run_one(type("V", (), {"name": "no_such_variant", "clause": "3.3", "description": "不存在",
                                      "must_survive": False, "gap": None})())
    assert r.error and "no_such_variant" in r.output, r.output[-2000:]


# --- the specification against every variant -------------------------------------------------------
@pytest.mark.slow
def test_specification_kills_every_bad_variant_and_spares_the_survivors(capsys):
    started = time.monotonic()
    with capsys.disabled():
        print(f"\nspecification against {len(CATALOGUE)} variants and the reference, {runner.WORKERS} at a time:")
        results = runner.run_all(CATALOGUE, workers=runner.WORKERS,
                                 progress=lambda r: print(f"  {r.verdict:30} {r.name} ({r.seconds:.1f} s)",
                                                          flush=True))
        table = runner.summary(results)
        print("\n" + table + f"\n\nwall time {time.monotonic() - started:.0f} s\n")
    reference = results[0]
    assert reference.name == "reference"
    assert reference.ok, ("the specification fails against the unpatched reference centre, so no kill below "
                          "means anything:\n" + reference.explain())
    problems = runner.problems(results)
    assert not problems, "\n\n".join(problems) + "\n\n" + table
    assert len(results) == len(for_mode("api")) + 1 and len(GAPS) == sum(r.gap is not None for r in results)


@pytest.mark.slow
def test_specification_in_web_mode_kills_every_bad_variant_and_spares_the_survivors(capsys):
    """The same catalogue through the browser driver, plus the web-only variants. Each variant runs
    only the scenarios citing its clause (a kill needs one of those to fail); the reference runs
    the whole specification in web mode."""
    variants = for_mode("web")
    started = time.monotonic()
    with capsys.disabled():
        print(f"\nweb mode: specification against {len(variants)} variants and the reference, "
              f"{runner.WORKERS} at a time:")
        results = runner.run_all(variants, workers=runner.WORKERS, driver="web",
                                 progress=lambda r: print(f"  {r.verdict:30} {r.label} ({r.seconds:.1f} s)",
                                                          flush=True))
        table = runner.summary(results)
        print("\n" + table + f"\n\nwall time {time.monotonic() - started:.0f} s\n")
    reference = results[0]
    assert reference.name == "reference" and reference.ok, (
        "the specification fails in web mode against the unpatched reference centre:\n" + reference.explain())
    assert reference.passed >= 80, reference.explain()
    problems = runner.problems(results)
    assert not problems, "\n\n".join(problems) + "\n\n" + table
    assert {r.name for r in results} >= {"web_prompt_reworded", "warning_without_continue", "print_fails_silently"}
