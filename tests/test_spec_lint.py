"""The zh-CN Gherkin lint (steps/spec_lint.py): the real specification passes, and every rule
fires on a small sample that breaks exactly that rule (tests/lint_samples/)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gherkin.dialect import Dialect

from gjj.fixtures.guide.catalogue import CATALOGUE_PATH, expand_clause_ids, load_catalogue
from gjj.steps.spec_lint import RULES, STEP_KEYWORDS, lint_paths

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parent / "lint_samples"

# sample file -> the (rule, line) problems it must produce, and nothing else
EXPECTED: dict[str, list[tuple[str, int]]] = {
    "clean.feature": [],
    "L000_fullwidth_colon.feature": [("L000", 3), ("L000", 6), ("L000", 7), ("L000", 8), ("L000", 9)],
    "L001_missing_language.feature": [("L001", 1)],
    "L001_wrong_language.feature": [("L001", 1)],
    # 当前时间为…, 假设单位…, 当月…, 同时提交…, 那么业务…
    "L002_keyword_capture.feature": [("L002", 8), ("L002", 14), ("L002", 15), ("L002", 16), ("L002", 18)],
    # as the first step (the parser would make it a description) and after a step (parse error)
    "L003_gei_ding.feature": [("L003", 7), ("L003", 14)],
    "L004_two_whens.feature": [("L004", 6)],
    "L004_no_when.feature": [("L004", 6)],
    "L005_background_when.feature": [("L005", 7), ("L005", 8)],
    # no tag at all; an outline where only one of two Examples blocks has one
    "L006_no_guide.feature": [("L006", 6), ("L006", 12)],
    # on the Feature, missing, duplicate, two on one scenario, malformed
    "L007_ids.feature": [("L007", 2), ("L007", 5), ("L007", 14), ("L007", 20), ("L007", 25)],
    # 9.9 and 4.5 do not exist; a range is not a clause ID (the catalogue row 4.1–4.4 is four clauses)
    "L008_unknown_clause.feature": [("L008", 2), ("L008", 5), ("L008", 5)],
    # in a step and in an example cell; not in the doc string
    "L009_ascii_quotes.feature": [("L009", 7), ("L009", 17)],
}


def found(path: Path) -> list[tuple[str, int]]:
    return sorted((p.code, p.line) for p in lint_paths([path]))


# --------------------------------------------------------------------------- the real specification


def test_the_specification_passes_the_lint():
    problems = lint_paths()
    assert not problems, "\n".join(map(str, problems))


def test_the_command_passes_on_the_specification():
    r = subprocess.run([sys.executable, "-m", "gjj.steps.spec_lint"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr


# --------------------------------------------------------------------------- one sample per rule


def test_every_sample_is_listed():
    assert sorted(p.name for p in SAMPLES.glob("*.feature")) == sorted(EXPECTED)


def test_every_rule_has_a_sample():
    assert {name.split("_")[0] for name in EXPECTED if name.startswith("L")} == set(RULES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_triggers_exactly_its_rule(name):
    assert found(SAMPLES / name) == sorted(EXPECTED[name])


def test_problems_carry_file_line_code_and_a_bilingual_message():
    (p, *_) = lint_paths([SAMPLES / "L003_gei_ding.feature"])
    assert p.file.endswith("L003_gei_ding.feature") and p.line == 7 and p.code == "L003"
    assert "给定" in p.zh and "假如" in p.zh and "not a zh-CN step keyword" in p.en
    assert str(p).startswith(f"{p.file}:7: L003 ") and p.message == f"{p.zh}（{p.en}）"


def test_the_command_fails_on_problems_and_prints_them():
    r = subprocess.run([sys.executable, "-m", "gjj.steps.spec_lint", str(SAMPLES / "L004_two_whens.feature")],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 1
    assert "L004_two_whens.feature:6: L004" in r.stdout


def test_the_command_accepts_a_clean_file():
    r = subprocess.run([sys.executable, "-m", "gjj.steps.spec_lint", str(SAMPLES / "clean.feature")],
                       cwd=ROOT, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout


# --------------------------------------------------------------------------- rules in detail

FEATURE = """\
# language: zh-CN
@guide-3.3
功能: 样例

  @id-T-01
  场景: 一个场景
    假如 单位“甲”已开通网上业务
{line}
    当 经办人提交单位缴存信息核查
    那么 业务受理
"""


def write(tmp_path: Path, text: str, name: str = "t.feature") -> Path:
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


def test_the_keywords_come_from_the_gherkin_dialect():
    d = Dialect.for_name("zh-CN")
    assert set(STEP_KEYWORDS) == set(d.given_keywords + d.when_keywords + d.then_keywords
                                     + d.and_keywords + d.but_keywords)


@pytest.mark.parametrize("keyword", sorted({k for k in STEP_KEYWORDS if not k.endswith(" ")}))
def test_any_keyword_directly_followed_by_chinese_is_flagged(tmp_path, keyword):
    f = write(tmp_path, FEATURE.format(line=f"    {keyword}月的公积金已汇缴"))
    assert found(f) == [("L002", 8)]


@pytest.mark.parametrize("line", [
    "    而且 当月的公积金已汇缴",     # the safe form: another keyword first
    "    * 当前时间为2025年3月5日",   # or the star
    "    # 当前时间为2025年3月5日",   # a comment is not a step
    "    并且 同时提交了启封",
])
def test_safe_forms_are_not_flagged(tmp_path, line):
    assert found(write(tmp_path, FEATURE.format(line=line))) == []


def test_a_capture_in_the_when_position_is_still_one_when(tmp_path):
    """当经办人… (missing space) is L002 only: under the parser's reading it is the one When."""
    text = FEATURE.replace("    当 经办人提交", "    当经办人提交").format(line="")
    assert found(write(tmp_path, text)) == [("L002", 9)]


def test_two_whens_continued_by_conjunctions_are_one_block(tmp_path):
    text = FEATURE.format(line="").replace("    那么 业务受理", "    而且 经办人再次提交\n    那么 业务受理")
    assert found(write(tmp_path, text)) == []


def test_consecutive_when_keywords_are_two_blocks(tmp_path):
    text = FEATURE.format(line="").replace("    那么 业务受理", "    当 经办人再次提交\n    那么 业务受理")
    assert found(write(tmp_path, text)) == [("L004", 6)]


def test_guide_tag_inherited_from_a_rule_counts(tmp_path):
    text = """\
# language: zh-CN
功能: 样例

  @guide-3.3
  规则: 规则

    @id-T-01
    场景: 一个场景
      当 经办人提交单位缴存信息核查
      那么 业务受理
"""
    assert found(write(tmp_path, text)) == []


def test_duplicate_ids_across_files(tmp_path):
    a = write(tmp_path, FEATURE.format(line=""), "a.feature")
    b = write(tmp_path, FEATURE.format(line=""), "b.feature")
    problems = lint_paths([a, b])
    assert [(Path(p.file).name, p.line, p.code) for p in problems] == [("b.feature", 5, "L007")]
    assert "a.feature:5" in problems[0].zh
    assert lint_paths([a]) == [] and lint_paths([b]) == []


def test_a_directory_is_searched_recursively(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", FEATURE.format(line="    给定 单位“乙”已开通网上业务"))
    assert [(p.code, p.line) for p in lint_paths([tmp_path])] == [("L003", 8)]


def test_without_a_catalogue_unknown_clauses_are_not_checked():
    assert lint_paths([SAMPLES / "L008_unknown_clause.feature"], catalogue=None) == []


# --------------------------------------------------------------------------- the catalogue


def test_catalogue_expands_ranges_and_reads_checkable():
    cat = load_catalogue(CATALOGUE_PATH)
    assert {"4.1", "4.2", "4.3", "4.4"} <= set(cat) and "4.1–4.4" not in cat
    assert cat["4.3"].row == "4.1–4.4" and cat["4.3"].checkable == {"web"}
    assert cat["3.3.1"].checkable == {"api", "web"}
    assert cat["3.8"].checkable == {"offline"}
    assert cat["0.2"].checkable == frozenset()


@pytest.mark.parametrize("cell, ids", [
    ("3.3.1", ["3.3.1"]),
    ("4.1–4.4", ["4.1", "4.2", "4.3", "4.4"]),
    ("3.2.1-3.2.3", ["3.2.1", "3.2.2", "3.2.3"]),
])
def test_expand_clause_ids(cell, ids):
    assert expand_clause_ids(cell) == ids


@pytest.mark.parametrize("cell", ["4.1–5.2", "4.4–4.1", "3.x", ""])
def test_expand_clause_ids_refuses_nonsense(cell):
    with pytest.raises(ValueError):
        expand_clause_ids(cell)


def test_catalogue_with_an_unknown_checkable_kind_is_refused(tmp_path):
    f = write(tmp_path, "| ID | 原文 | gloss | checkable | reading |\n|---|---|---|---|---|\n"
                        "| 1.0 | x | y | phone | z |\n", "clauses.md")
    with pytest.raises(ValueError, match="checkable"):
        load_catalogue(f)
