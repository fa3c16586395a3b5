"""Self-test of the specification: it must FAIL against known-bad reference centres (each breaking
one clause, killed by a scenario that cites that clause) and PASS against centres that do what
the clause readings allow. The variants live in tests/mutants/; see its __init__ for how to run
them by hand (python -m tests.mutants)."""
from __future__ import annotations

import re
import sys
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
                                      "must_survive": False, "gap": None, "tag": "guide-3.3"})())
    assert r.error and "no_such_variant" in r.output, r.output[-2000:]


# --- killers.toml: which scenarios a web run of a variant needs ----------------------------------------
def test_every_named_killer_cites_its_variants_clause():
    """A web run of a variant runs only its killers: each must be a scenario that cites the variant's
    clause, or a kill through it would not count."""
    from gjj.features.reader import feature_files, read
    clauses = {i: s.clauses for path in feature_files() for s in read(path, language="zh-CN").scenarios
               for i in s.ids}
    names = {v.name: v for v in CATALOGUE}
    assert set(runner.KILLERS) <= set(names), f"killers.toml names unknown variants: {set(runner.KILLERS) - set(names)}"
    for name, ids in runner.KILLERS.items():
        assert ids, name
        for i in ids:
            assert i in clauses, f"{name}: no scenario @id-{i}"
            assert names[name].clause in clauses[i], f"{name}: @id-{i} does not cite {names[name].clause}"


def test_every_bad_variant_run_through_both_drivers_has_its_killers_named():
    missing = [v.name for v in BAD if set(v.modes) == {"api", "web"} and not runner.KILLERS.get(v.name)]
    assert not missing, f"run python -m tests.mutants --killers and add them to killers.toml: {missing}"


def test_the_web_control_runs_every_scenario_a_web_variant_runs():
    control = set(runner.selection(None, "web"))
    for v in for_mode("web"):
        assert set(runner.selection(v, "web")) <= control, v.name
    assert runner.selection(None, "api") == []  # through the API the control runs everything


# --- the specification against the reference and every variant ----------------------------------------
# One test per (variant, driver): xdist spreads them, and a failure names the variant and says why.
@pytest.mark.slow
@pytest.mark.parametrize("driver", ["api", "web"])
def test_the_specification_passes_against_the_unpatched_reference(driver, request):
    """The control: unless the reference passes the scenarios the variants run, no kill means anything.
    Through the browser it costs a minute or more; when this session runs the whole specification
    through the browser against the reference anyway (GJJ_DRIVER=web or all, as CI does), that run is
    the control and this one would only repeat it."""
    if driver == "web" and _runs_the_specification_through_the_browser(request.session):
        pytest.skip("the specification's own web run in this session is the control (steps/…[web])")
    result = runner.run_one(None, driver=driver)
    assert result.ok, ("the specification fails against the unpatched reference centre, so no kill "
                       "means anything:\n" + result.explain())
    assert result.passed >= (80 if driver == "api" else 20), result.explain()


def _runs_the_specification_through_the_browser(session: pytest.Session) -> bool:
    return (any(i.nodeid.startswith("steps/") for i in session.items)
            and session.config.getoption("--driver", default="api") in ("web", "all"))


def _cases():
    for driver in ("api", "web"):
        for v in for_mode(driver):
            yield pytest.param(v, driver, id=f"{v.name}-{driver}")


@pytest.mark.slow
@pytest.mark.parametrize(("variant", "driver"), list(_cases()))
def test_the_specification_kills_the_bad_variant_or_spares_the_survivor(variant, driver):
    result = runner.run_one(variant, driver=driver)
    if variant.gap and result.error is None and not result.citing:
        pytest.xfail(f"known gap: {variant.gap}")
    assert result.ok, result.explain()
