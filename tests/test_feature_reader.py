"""The feature reader (features/reader.py): what it gives for each part of a file, with the real line
numbers, and that it reads the specification exactly as pytest-bdd's own parser does."""
from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd.parser import FeatureParser

from gjj.features.reader import FEATURES_ROOT, FeatureParseError, feature_files, parse, read

TEXT = """\
# language: zh-CN
@guide-3.3 @web
功能: 封存
  说明的第一行
    缩进的第二行

  背景:
    假如 单位“甲”已开通

  @id-SEAL-02
  场景: 查询
    当 经办人查询职工清册
    那么 看到
      | 姓名 | 状态 |
      | 张三 | 封存 |

  @guide-3.3.1
  规则: 到账之后
    背景:
      假如 职工“张三”正常缴存

    @id-SEAL-01
    场景大纲: 封存
      当 经办人封存职工“张三”，最后缴存月份为“<月份>”
      那么 业务受理
        \"\"\"
        回执
        \"\"\"

      @offline
      例子: 已到账
        | 月份    |
        | 2025-02 |
        | 2025-01 |
"""


@pytest.fixture(scope="module")
def feature():
    return parse(TEXT)


def test_feature_header_tags_description_and_background(feature):
    assert (feature.keyword, feature.name, feature.line, feature.language) == ("功能", "封存", 3, "zh-CN")
    assert [(t.name, t.line, t.text) for t in feature.tags] == [("guide-3.3", 2, "@guide-3.3"), ("web", 2, "@web")]
    assert feature.description == "说明的第一行\n  缩进的第二行"
    assert [(s.keyword, s.keyword_type, s.text, s.line) for s in feature.background.steps] == [
        ("假如", "Context", "单位“甲”已开通", 8)]


def test_a_rule_scenario_inherits_the_features_and_the_rules_tags_and_backgrounds(feature):
    plain, outline = feature.scenarios
    assert [r.name for r in feature.rules] == ["到账之后"] and outline.rule is feature.rules[0]
    assert [t.name for t in outline.inherited] == ["guide-3.3", "web", "guide-3.3.1"]
    assert outline.ids == ["SEAL-01"] and outline.tag_names == {"guide-3.3", "web", "guide-3.3.1", "id-SEAL-01"}
    assert outline.clauses == {"3.3", "3.3.1"}
    assert [s.line for s in outline.background] == [8, 20]  # the Feature's, then the Rule's
    assert [(s.keyword_type, s.line) for s in outline.steps] == [("Action", 24), ("Outcome", 25)]
    assert outline.steps[0].text.endswith("“<月份>”") and outline.steps[1].docstring == "回执"
    (ex,) = outline.examples
    assert (ex.name, ex.line, [t.name for t in ex.tags]) == ("已到账", 31, ["offline"])
    assert ex.header.cells == ("月份",) and ex.header.line == 32
    assert [(r.cells, r.line) for r in ex.rows] == [(("2025-02",), 33), (("2025-01",), 34)]
    assert plain.rule is None and [t.name for t in plain.inherited] == ["guide-3.3", "web"]
    assert [s.line for s in plain.background] == [8]
    assert [(r.cells, r.line) for r in plain.steps[1].table] == [(("姓名", "状态"), 14), (("张三", "封存"), 15)]


def test_every_tag_of_the_file_with_its_line(feature):
    assert [(t.name, t.line) for t in feature.all_tags()] == [
        ("guide-3.3", 2), ("web", 2), ("guide-3.3.1", 17), ("id-SEAL-02", 10), ("id-SEAL-01", 22), ("offline", 30)]
    assert [b.line for b in feature.backgrounds] == [7, 19]


def test_parse_errors_carry_the_parsers_lines_and_words():
    with pytest.raises(FeatureParseError) as e:
        parse("# language: zh-CN\n功能: 坏\n  场景: 一\n    假如 甲\n      | a | b |\n      | c |\n")
    assert [line for line, _ in e.value.errors] == [6] and "cell count" in e.value.errors[0][1]


def test_without_a_language_line_the_default_is_the_parsers_english_unless_given():
    text = "功能: 无语言行\n  场景: 一\n    当 甲\n"
    with pytest.raises(FeatureParseError):
        parse(text)
    assert parse(text, language="zh-CN").scenarios[0].name == "一"
    assert parse("") is None and parse("# 只有注释\n") is None  # no Feature at all


def _as_pytest_bdd_reads_it(path: Path) -> list[tuple]:
    feat = FeatureParser(str(FEATURES_ROOT), str(path.relative_to(FEATURES_ROOT))).parse()
    return [(sc.name, sc.line_number, sc.keyword, frozenset(feat.tags | (sc.rule.tags if sc.rule else set()) | sc.tags),
             [(st.keyword, st.name, st.line_number, st.docstring) for st in sc._steps],
             [(list(ex.example_params), ex.examples, frozenset(ex.tags)) for ex in sc.examples])
            for sc in feat.scenarios.values()]


def _as_the_reader_reads_it(path: Path) -> list[tuple]:
    feat = read(path)
    return [(sc.name, sc.line, sc.keyword, frozenset(sc.tag_names),
             [(st.keyword, st.text, st.line, st.docstring) for st in sc.steps],
             [(list(ex.header.cells), [list(r.cells) for r in ex.rows], frozenset(t.name for t in ex.tags))
              for ex in sc.examples if ex.header is not None])
            for sc in feat.scenarios]


@pytest.mark.parametrize("path", feature_files(), ids=lambda p: p.relative_to(FEATURES_ROOT).as_posix())
def test_the_specification_reads_as_pytest_bdd_runs_it(path):
    assert _as_the_reader_reads_it(path) == _as_pytest_bdd_reads_it(path)
