"""The step sentences' typed values (steps/sentences.py): a month, an amount, a moment or a word of the
spec's vocabulary reaches the step body already in the contract's form, and a phrase outside a type
leaves the step unmatched. And a business the target does not declare is reported not verifiable."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from gjj import spec_run
from gjj.steps.sentences import sentence

ROOT = Path(__file__).resolve().parents[1]


def parsed(fmt: str, text: str) -> dict | None:
    parser = sentence(fmt)
    return parser.parse_arguments(text) if parser.is_matching(text) else None


@pytest.mark.parametrize("text, month", [("2025年2月", "2025-02"), ("2024年12月", "2024-12"), ("2025年10月", "2025-10")])
def test_a_month_becomes_the_contracts_year_month(text, month):
    assert parsed("已汇缴至{month:Month}", "已汇缴至" + text) == {"month": month}


def test_months_are_a_range_or_a_list():
    assert parsed("补缴月份为{m:Months}", "补缴月份为2024年11月至2025年2月") == {
        "m": ["2024-11", "2024-12", "2025-01", "2025-02"]}
    assert parsed("补缴月份为{m:Months}", "补缴月份为2024年10月、2024年12月") == {"m": ["2024-10", "2024-12"]}


@pytest.mark.parametrize("text, amount", [("6000", Decimal("6000")), ("6,000", Decimal("6000")),
                                          ("7000.50", Decimal("7000.50"))])
def test_an_amount_becomes_a_decimal(text, amount):
    assert parsed("缴存基数为{a:Amount}元", f"缴存基数为{text}元") == {"a": amount}


def test_a_moment_becomes_iso_8601_in_beijing_time():
    assert parsed("现在是{t:Moment}", "现在是2025年3月5日（星期三）08:59:59") == {"t": "2025-03-05T08:59:59+08:00"}
    # the business-hours edges are another sentence, not a moment
    assert parsed("现在是{t:Moment}", "现在是检查基准日办理时间开始时") is None


def test_the_spec_s_words_become_contract_terms():
    assert parsed("原因为“{c:BackPayCause}”", "原因为“缴存基数不足（差额补缴）”") == {"c": "base_shortfall"}
    assert parsed("原因为“{c:BackPayCause}”", "原因为“未及时启封”") == {"c": "late_unseal"}
    assert parsed("职工{f:ReportableField}有误", "职工身份证号码有误") == {"f": "id_number"}
    assert parsed("经办人直接{s:OpeningStep}", "经办人直接完成开通") == {"s": "complete_opening"}
    assert parsed("经办人选择“{y:Yes}”", "经办人选择“否”") == {"y": False}
    assert parsed("经办人使用口令“{p:Pin}”登录", "经办人使用口令“”登录") == {"p": ""}


@pytest.mark.parametrize("fmt, text", [
    ("原因为“{c:BackPayCause}”", "原因为“忘了”"),                 # not a cause the spec defines
    ("已汇缴至{month:Month}", "已汇缴至2025年2月，未使用委托收款结算方式"),  # a longer sentence is another step
    ("职工“{name:Quoted}”的账户状态为“{s:AccountState}”", "职工“张三”的账户状态为“冻结”"),
])
def test_a_phrase_outside_its_type_does_not_match(fmt, text):
    assert parsed(fmt, text) is None


def test_a_business_the_target_does_not_declare_is_not_verifiable_with_the_reason(tmp_path):
    r = subprocess.run(spec_run.command("-q", "-rs", "--gjj-record", str(tmp_path), "--driver", "api",
                                        "--capabilities", "establish", "-k", "封存后职工账户为封存状态",
                                        plugins=("gjj.reports.collect",)),
                       cwd=ROOT, env=spec_run.environment(), capture_output=True, text=True, check=False,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^1 skipped\b", r.stdout, re.M), r.stdout
    [scenario] = [json.loads(line) for line in (tmp_path / "scenarios.jsonl").read_text(encoding="utf-8").splitlines()]
    assert scenario["outcome"] == "not_verifiable" and scenario["reason_code"] == "capability"
    assert scenario["reason"] == "未声明的功能：目标未声明提供“封存”（capability seal not declared）"
    # the step that needed the business is skipped like the rest, not recorded as an error
    assert [s["outcome"] for s in scenario["steps"]] == ["passed", "passed", "passed", "skipped", "skipped"]
