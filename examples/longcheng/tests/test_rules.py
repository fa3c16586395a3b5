"""The rules of rules.py at their edges, without the database (the clauses of fixtures/guide/clauses.md)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from examples.longcheng import clock, config, rules
from examples.longcheng.errors import E, Refused
from examples.longcheng.rules import Account, Segment, UnitMonths

POLICY = config.load()
D = Decimal


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=clock.SHANGHAI)


def refusal(call, *args, **kw) -> str:
    with pytest.raises(Refused) as e:
        call(*args, **kw)
    return e.value.code


def seg(start, end=None, base="5000", dwzh="U1", rate="0.10"):
    return Segment(dwzh, start, end, D(base), D(rate), D(rate))


def account(*segments, state=rules.NORMAL, origin=rules.ESTABLISHED, joined=None, paid=(), dwzh="U1"):
    return Account("P1", dwzh, "张三", state, origin, joined or segments[0].start, tuple(segments), frozenset(paid))


# --- 三、3 business hours ---------------------------------------------------------------------------------
@pytest.mark.parametrize("moment, accepted", [
    ("2025-03-05 08:59:59", False), ("2025-03-05 09:00:00", True),
    ("2025-03-05 16:59:59", True), ("2025-03-05 17:00:00", False),
    ("2025-02-08 10:00:00", True),    # Saturday, 春节调休上班
    ("2025-03-08 10:00:00", False),   # Saturday
    ("2025-05-01 10:00:00", False),   # 劳动节
])
def test_business_hours_follow_the_calendar_and_the_clock(moment, accepted):
    if accepted:
        rules.check_business_hours(at(moment), POLICY)
    else:
        assert refusal(rules.check_business_hours, at(moment), POLICY) == E.OUTSIDE_HOURS


def test_a_refusal_on_a_holiday_names_it():
    with pytest.raises(Refused) as e:
        rules.check_business_hours(at("2025-10-01 10:00:00"), POLICY)
    assert "国庆节" in e.value.msg and "09:00" in e.value.msg and "17:00" in e.value.msg


def test_hours_are_read_in_beijing_time_whatever_the_offset():
    # 01:30 UTC is 09:30 in Changzhou
    rules.check_business_hours(datetime.fromisoformat("2025-03-05T01:30:00+00:00"), POLICY)


def test_a_year_without_calendar_data_is_refused_not_guessed():
    assert refusal(rules.check_business_hours, at("2031-03-05 10:00:00"), POLICY) == E.CALENDAR_MISSING


def test_the_known_fault_accepts_five_o_clock():
    rules.check_business_hours(at("2025-03-05 17:00:00"), POLICY, end_inclusive=True)


# --- 三、3（1） seal --------------------------------------------------------------------------------------
SEAL_CASES = [  # (paid_through, arrived, result) for last month L = 202502, as SEAL-01's four rows
    ("202501", {"202501"}, E.SEAL_NOT_ARRIVED),
    ("202502", {"202501"}, E.SEAL_NOT_ARRIVED),
    ("202502", {"202501", "202502"}, None),
    ("202503", {"202501", "202502", "202503"}, E.SEAL_NEXT_REMITTED),
]


@pytest.mark.parametrize("paid, arrived, result", SEAL_CASES)
def test_seal_only_after_the_last_month_arrived_and_before_the_next_is_remitted(paid, arrived, result):
    unit = UnitMonths("202411", paid, frozenset(arrived))
    acct = account(seg("202411"))
    if result is None:
        rules.check_seal(acct, unit, "202502")
    else:
        assert refusal(rules.check_seal, acct, unit, "202502") == result


def test_the_known_fault_seals_a_remitted_month_that_has_not_arrived():
    unit = UnitMonths("202411", "202502", frozenset({"202501"}))
    rules.check_seal(account(seg("202411")), unit, "202502", require_arrival=False)


def test_seal_needs_a_normal_account_and_a_month_it_contributed():
    unit = UnitMonths("202411", "202502", frozenset({"202502"}))
    assert refusal(rules.check_seal, account(seg("202411", "202412"), state=rules.SEALED), unit, "202502") == E.NOT_NORMAL
    assert refusal(rules.check_seal, account(seg("202412")), unit, "202411") == E.SEAL_MONTH_UNPAID


def test_a_seal_ends_the_segments_at_the_last_month_and_drops_later_ones():
    after = rules.seal_segments([seg("202411", "202502"), seg("202503", base="6000")], "202502")
    assert after == [seg("202411", "202502")]
    assert rules.seal_segments([seg("202411")], "202501") == [seg("202411", "202501")]


# --- 三、3（2） unseal ------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, result", [
    ("202502", E.UNSEAL_START_REMITTED), ("202503", None), ("202504", E.UNSEAL_TOO_EARLY),
    ("202410", E.UNSEAL_BEFORE_FIRST),
])
def test_unseal_starts_at_the_units_due_month(start, result):
    unit = UnitMonths("202411", "202502", frozenset())
    acct = account(seg("202411", "202412"), state=rules.SEALED)
    if result is None:
        rules.check_unseal(acct, unit, start)
    else:
        assert refusal(rules.check_unseal, acct, unit, start) == result


def test_a_unit_that_never_remitted_unseals_from_its_first_month():
    rules.check_unseal(account(seg("202501", "202501"), state=rules.SEALED), UnitMonths("202501", None), "202501")


def test_only_a_sealed_account_unseals():
    assert refusal(rules.check_unseal, account(seg("202411")), UnitMonths("202411", "202502"), "202503") == E.NOT_SEALED


# --- 三、4 back-pay ----------------------------------------------------------------------------------------
UNIT = UnitMonths("202411", "202502", frozenset())
LATE_HIRE = account(seg("202503"), joined="202412")       # joined 2024-12, account from 2025-03


@pytest.mark.parametrize("months, result", [
    (["202411"], E.BACKPAY_NOT_EXPLAINED), (["202412", "202501", "202502"], None), (["202503"], E.BACKPAY_NOT_DUE),
])
def test_late_establishment_explains_the_months_from_hiring_to_the_first_paid_month(months, result):
    if result is None:
        lines = rules.check_back_pay(LATE_HIRE, UNIT, "01", months)
        assert [m for m, _ in lines] == months and all(s.start == "202503" for _, s in lines)
    else:
        assert refusal(rules.check_back_pay, LATE_HIRE, UNIT, "01", months) == result


def test_late_unseal_explains_the_gap_between_seal_and_unseal_only():
    acct = account(seg("202406", "202410"), seg("202503", base="7500"))
    lines = rules.check_back_pay(acct, UNIT, "02", ["202411", "202412", "202501", "202502"])
    assert {s.base for _, s in lines} == {D("7500")}
    assert refusal(rules.check_back_pay, LATE_HIRE, UNIT, "02", ["202412"]) == E.BACKPAY_NOT_EXPLAINED


def test_late_unseal_explains_the_months_of_an_account_transferred_in_before_its_unseal():
    acct = account(seg("202401", "202408", dwzh="OLD"), seg("202503"), origin=rules.TRANSFERRED, joined="202501")
    assert [m for m, _ in rules.check_back_pay(acct, UNIT, "02", ["202501", "202502"])] == ["202501", "202502"]


def test_base_shortfall_goes_to_the_counter_and_months_are_paid_once():
    assert refusal(rules.check_back_pay, LATE_HIRE, UNIT, "03", ["202412"]) == E.BACKPAY_COUNTER_ONLY
    assert refusal(rules.check_back_pay, LATE_HIRE, UNIT, "01", ["202412", "202412"]) == E.BACKPAY_DUPLICATE
    paid = account(seg("202503"), joined="202412", paid={"202412"})
    assert refusal(rules.check_back_pay, paid, UNIT, "01", ["202412"]) == E.BACKPAY_PAID
    assert refusal(rules.check_back_pay, LATE_HIRE, UNIT, "01", []) == E.BACKPAY_NO_MONTHS


# --- 0.1 base adjustment, rates ---------------------------------------------------------------------------------
def test_base_adjustment_runs_from_the_due_month_to_this_month():
    acct = account(seg("202411", base="5000"))
    rules.check_base_adjustment(acct, UNIT, "202503", D("6000"), "202503", POLICY)
    assert refusal(rules.check_base_adjustment, acct, UNIT, "202502", D("6000"), "202503", POLICY) == E.BASE_MONTH
    assert refusal(rules.check_base_adjustment, acct, UNIT, "202504", D("6000"), "202503", POLICY) == E.BASE_MONTH
    assert refusal(rules.check_base_adjustment, acct, UNIT, "202503", D("5000"), "202503", POLICY) == E.BASE_SAME
    assert refusal(rules.check_base_adjustment, acct, UNIT, "202503", D("99999"), "202503", POLICY) == E.BASE_RANGE


def test_a_base_change_cuts_the_open_segment():
    assert rules.rebase_segments([seg("202411")], "202503", D("6000")) == [seg("202411", "202502"),
                                                                             seg("202503", base="6000")]
    assert rules.rebase_segments([seg("202503")], "202503", D("6000")) == [seg("202503", base="6000")]


def test_rates_default_equal_and_on_the_step():
    assert rules.rates(None, None, POLICY) == (POLICY.rate_default, POLICY.rate_default)
    assert rules.rates(D("0.12"), None, POLICY) == (D("0.12"), D("0.12"))
    assert refusal(rules.rates, D("0.12"), D("0.10"), POLICY) == E.RATES_DIFFER
    assert refusal(rules.rates, D("0.125"), None, POLICY) == E.RATE_RANGE
    assert refusal(rules.rates, D("0.04"), None, POLICY) == E.RATE_RANGE


# --- 1.2, 2.3 opening ----------------------------------------------------------------------------------------------
def test_the_opening_steps_go_in_the_guides_order():
    stage = "00"
    for step in ("申请开通", "签署服务协议", "核对单位信息", "设置查询密码", "完成开通"):
        for other in {"申请开通", "签署服务协议", "核对单位信息", "设置查询密码", "完成开通"} - {step}:
            assert refusal(rules.opening_step, stage, other) == E.OPENING_ORDER
        stage = rules.opening_step(stage, step)
    assert stage == rules.OPENED
    assert refusal(rules.opening_step, stage, "完成开通") == E.OPENING_DONE


def test_the_first_login_prompt_is_the_guides_text():
    assert rules.FIRST_LOGIN_PROMPT == "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"


def test_query_password_rule():
    rules.check_query_password("Cz2025pass", "Cz2025pass", POLICY)
    for weak in ("12345678", "abcdefgh", "a1", "a1" * 11, "密码1234abcd"):
        assert refusal(rules.check_query_password, weak, None, POLICY) == E.QUERY_PASSWORD_WEAK
    assert refusal(rules.check_query_password, "Cz2025pass", "Cz2025pasS", POLICY) == E.QUERY_PASSWORD_MISMATCH


# --- 三、5 next day, 三、2 receipts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("changed, visible", [
    ("2025-03-05 16:00:00", "2025-03-06 09:00:00"),
    ("2025-03-07 10:00:00", "2025-03-10 09:00:00"),   # Friday → Monday
    ("2025-09-30 15:00:00", "2025-10-09 09:00:00"),   # before National Day
])
def test_changes_are_to_be_checked_from_the_next_working_days_opening(changed, visible):
    assert rules.verify_from(at(changed), POLICY) == at(visible)


def test_what_the_receipt_leaves_to_do():
    todo, info = rules.after_submission("zhsl", entrusted=True)
    assert "由职工本人携带身份证原件到公积金中心办事处或分中心申领本人储存卡并设置密码" in todo[0]
    assert "由单位经办人携带单位登记证（原件或加盖公章的复印件）到公积金汇缴受理点统一申领住房公积金储存卡" in todo[0]
    assert rules.ENTRUSTED in info
    todo, info = rules.after_submission("zhfc", entrusted=False)
    assert todo == [rules.NOT_ENTRUSTED] and "汇缴受理点" in todo[0] and "汇（补）缴书" in todo[0]
    todo, info = rules.after_submission("zhfc", entrusted=True)
    assert todo == [] and info[0] == rules.NOTHING_MORE
    todo, info = rules.after_submission("jchc", entrusted=False)
    assert todo == [] and info == [rules.NOTHING_MORE]
    todo, _ = rules.after_submission("zhqf", entrusted=True, wrong=("姓名",))
    assert "身份证" in todo[0] and "储存卡" in todo[0] and "公积金中心" in todo[0]
    todo, _ = rules.after_submission("zyzr", entrusted=True)
    assert "启封" in todo[0] and "基数" in todo[0]
