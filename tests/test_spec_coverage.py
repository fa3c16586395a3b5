"""Clause coverage fails closed (steps/spec_coverage.py, design-lessons §2): every clause of the
catalogue has a scenario or an explicit not-verifiable reason, in the mode its checkable column
asks for; and removing the tags of a clause makes the check fail."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gjj.features.reader import FEATURES_ROOT as FEATURES_DIR
from gjj.fixtures.guide.catalogue import CATALOGUE_PATH, REASONS_PATH, load_catalogue
from gjj.steps.spec_coverage import coverage

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue(CATALOGUE_PATH)

# Clauses the specification does not yet cite in the mode the catalogue asks for. Strict xfail:
# when the gap is closed the test passes, fails as XPASS, and the entry must be deleted here.
KNOWN_MODE_GAPS: dict[str, str] = {}  # clause -> why its mode is not covered yet (xfail, strict)


@pytest.fixture(scope="module")
def report():
    return coverage(FEATURES_DIR, CATALOGUE_PATH, REASONS_PATH)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gjj.steps.spec_coverage", *args],
                          cwd=ROOT, capture_output=True, text=True, check=False)


def copy_features(tmp_path: Path) -> Path:
    dst = tmp_path / "features"
    shutil.copytree(FEATURES_DIR, dst)
    return dst


def strip_tag(features: Path, tag: str) -> int:
    """Remove every occurrence of ``tag`` (exactly that tag, not @guide-3.3.10 for @guide-3.3.1)."""
    pattern = re.compile(re.escape(tag) + r"(?=\s|$)")
    removed = 0
    for f in features.rglob("*.feature"):
        text = f.read_text(encoding="utf-8")
        new, n = pattern.subn("", text)
        if n:
            f.write_text(new, encoding="utf-8")
            removed += n
    return removed


# --------------------------------------------------------------------------- the real suite


def test_the_real_suite_has_no_missing_clause(report):
    assert report.missing() == []
    assert report.failures() == []


def test_the_command_passes_on_the_real_suite():
    r = run_cli()
    assert r.returncode == 0, r.stdout + r.stderr
    assert "3.3.1" in r.stdout and "0.2" in r.stdout


def test_clause_0_2_is_not_verifiable_with_a_reason(report):
    cc = report.clauses["0.2"]
    assert cc.status == "not_verifiable" and not cc.scenarios
    assert cc.reason and cc.reason.reason and cc.reason.reason_en


def test_the_report_lists_scenarios_by_id_and_mode(report):
    seal = report.clauses["3.3.1"]
    assert {c.scenario_id for c in seal.scenarios} >= {"SEAL-01"}
    assert all(c.mode == "api" for c in seal.scenarios)
    assert {c.mode for c in report.clauses["2.9"].scenarios} == {"web"}
    assert {c.mode for c in report.clauses["3.1"].scenarios} == {"offline"}
    # the catalogue row 4.1–4.4 is four clauses, each cited through the Feature's tags
    assert all(report.clauses[f"4.{n}"].scenarios for n in range(1, 5))


# --------------------------------------------------------------------------- removing a tag fails


@pytest.mark.parametrize("clause", ["3.3.1", "2.9"])
def test_removing_a_clause_tag_makes_it_missing(tmp_path, clause):
    features = copy_features(tmp_path)
    assert strip_tag(features, f"@guide-{clause}") > 0
    rep = coverage(features, CATALOGUE_PATH, REASONS_PATH)
    assert rep.missing() == [clause]
    assert not rep.ok
    r = run_cli("--features", str(features))
    assert r.returncode == 1
    assert f"条款 {clause} 既没有场景也没有不可验证的理由" in r.stdout


def test_removing_the_reason_makes_0_2_missing(tmp_path):
    reasons = tmp_path / "not_verifiable.toml"
    reasons.write_text("", encoding="utf-8")
    assert coverage(FEATURES_DIR, CATALOGUE_PATH, reasons).missing() == ["0.2"]


# --------------------------------------------------------------------------- the reasons file


def with_extra_reason(tmp_path: Path, extra: str) -> Path:
    f = tmp_path / "not_verifiable.toml"
    f.write_text(REASONS_PATH.read_text(encoding="utf-8") + "\n" + extra, encoding="utf-8")
    return f


def test_a_reason_for_an_unknown_clause_fails(tmp_path):
    reasons = with_extra_reason(tmp_path, '[clauses."9.9"]\nreason = "没有这一条"\nreason_en = "no such clause"\n')
    rep = coverage(FEATURES_DIR, CATALOGUE_PATH, reasons)
    assert rep.orphan_reasons() == ["9.9"] and rep.missing() == []
    assert not rep.ok
    r = run_cli("--reasons", str(reasons))
    assert r.returncode == 1 and "9.9" in r.stdout


def test_a_reason_for_a_clause_with_a_scenario_is_stale(tmp_path):
    reasons = with_extra_reason(tmp_path, '[clauses."3.3.1"]\nreason = "过时"\nreason_en = "stale"\n')
    rep = coverage(FEATURES_DIR, CATALOGUE_PATH, reasons)
    assert rep.stale_reasons() == ["3.3.1"] and not rep.ok


def test_a_reason_needs_chinese_and_english_text(tmp_path):
    reasons = tmp_path / "not_verifiable.toml"
    reasons.write_text('[clauses."0.2"]\nreason = "政策以最新为准"\n', encoding="utf-8")
    rep = coverage(FEATURES_DIR, CATALOGUE_PATH, reasons)
    assert rep.reason_errors and not rep.ok


# --------------------------------------------------------------------------- feature-side failures


def test_a_scenario_citing_an_unknown_clause_fails(tmp_path):
    features = copy_features(tmp_path)
    (features / "extra.feature").write_text(
        "# language: zh-CN\n@guide-9.9\n功能: 多余\n\n  @id-EXTRA-01\n  场景: 一个场景\n"
        "    当 经办人提交单位缴存信息核查\n    那么 业务受理\n", encoding="utf-8")
    rep = coverage(features, CATALOGUE_PATH, REASONS_PATH)
    assert list(rep.unknown_citations()) == ["9.9"] and not rep.ok


def test_an_unparseable_feature_file_fails(tmp_path):
    features = copy_features(tmp_path)
    seal = features / "3_business" / "seal.feature"
    seal.write_text(seal.read_text(encoding="utf-8").replace("功能:", "功能：", 1), encoding="utf-8")
    rep = coverage(features, CATALOGUE_PATH, REASONS_PATH)
    assert rep.parse_problems and "3.3.1" in rep.missing() and not rep.ok


# --------------------------------------------------------------------------- the right mode


def _params(kind_test) -> list:
    out = []
    for cid, clause in CATALOGUE.items():
        if kind_test(clause.checkable):
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_MODE_GAPS[cid])] if cid in KNOWN_MODE_GAPS else []
            out.append(pytest.param(cid, marks=marks, id=cid))
    return out


@pytest.mark.parametrize("clause", _params(lambda k: "api" in k))
def test_every_api_clause_has_a_scenario_that_runs_in_api_mode(report, clause):
    modes = report.clauses[clause].modes
    assert "api" in modes, f"clause {clause}: no scenario that is neither @web nor @offline ({modes})"


@pytest.mark.parametrize("clause", _params(lambda k: k == {"web"}))
def test_every_web_clause_has_a_web_scenario(report, clause):
    assert "web" in report.clauses[clause].modes


@pytest.mark.parametrize("clause", _params(lambda k: k == {"offline"}))
def test_every_offline_clause_has_an_offline_scenario(report, clause):
    assert "offline" in report.clauses[clause].modes


def test_the_known_mode_gaps_are_exactly_the_reported_ones(report):
    assert set(report.mode_gaps()) == set(KNOWN_MODE_GAPS)
