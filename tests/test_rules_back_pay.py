"""Clause 3.4: online back-pay only for late establishment or late unseal, inside its window."""
from __future__ import annotations

from decimal import Decimal

import pytest
from rules_helpers import (
    OTHER_UNIT_NO,
    D,
    M,
    account,
    policy,
    refused,
    seg,
    unit_months,
)

from gjj.simulator.domain.model import AccountState, BackPayCause, Origin
from gjj.simulator.domain.policy import Rounding
from gjj.simulator.domain.rules.back_pay import Window, check_back_pay, windows

LATE_ESTABLISH = BackPayCause.LATE_ESTABLISH
LATE_UNSEAL = BackPayCause.LATE_UNSEAL
BASE_SHORTFALL = BackPayCause.BASE_SHORTFALL
ROUNDING = policy().rounding

UNIT = unit_months("2024-01", "2025-02")  # due 2025-03
# Joined 2024-10, but the account was only set up from 2025-01.
LATE = account([seg("2025-01", base="6084", rate="0.08")], joined="2024-10")
# Sealed after 2024-06, unsealed late from 2024-10 at a higher base.
GAP = account([seg("2024-01", "2024-06", base="5000"), seg("2024-10", base="7000", rate="0.10")],
              joined="2024-01")


def months(*texts: str) -> list:
    return [M(t) for t in texts]


def test_policy_rounds_each_side_half_up_to_the_yuan():
    assert ROUNDING == Rounding("ROUND_HALF_UP", Decimal("1"))


# ---- windows ------------------------------------------------------------------------------

def test_late_establishment_window_runs_from_joining_to_the_month_before_the_first_segment():
    assert windows(LATE, UNIT) == [Window(LATE_ESTABLISH, M("2024-10"), M("2024-12"), LATE.segments[0])]


def test_gap_between_seal_and_later_unseal_is_a_late_unseal_window_paid_at_the_later_base():
    (w,) = windows(GAP, UNIT)
    assert (w.cause, w.first, w.last) == (LATE_UNSEAL, M("2024-07"), M("2024-09"))
    assert w.paid_by.base == D("7000")
    assert w.zh() == "2024-07至2024-09"


def test_account_set_up_in_its_joining_month_has_no_window():
    assert windows(account([seg("2024-10")], joined="2024-10"), UNIT) == []


def test_base_change_without_gap_opens_no_window():
    rebased = account([seg("2024-01", "2024-12", base="5000"), seg("2025-01", base="6000")], joined="2024-01")
    assert windows(rebased, UNIT) == []


def test_account_without_segments_here_has_no_window():
    assert windows(account([], joined="2024-01"), UNIT) == []


def test_transferred_in_accounts_first_window_is_late_unseal():
    moved = account([seg("2019-01", "2024-11", unit=OTHER_UNIT_NO), seg("2025-02", base="8000")],
                    origin=Origin.TRANSFERRED_IN, joined="2024-12")
    (w,) = windows(moved, UNIT)
    assert (w.cause, w.first, w.last) == (LATE_UNSEAL, M("2024-12"), M("2025-01"))
    assert w.paid_by.base == D("8000")


def test_segments_at_another_unit_open_no_window_here():
    moved = account([seg("2019-01", "2020-06", unit=OTHER_UNIT_NO), seg("2024-12", unit=OTHER_UNIT_NO),
                     seg("2025-01")], origin=Origin.TRANSFERRED_IN, joined="2025-01")
    assert windows(moved, UNIT) == []


def test_late_establishment_then_a_seal_gap_gives_two_windows_in_order():
    both = account([seg("2024-04", "2024-06", base="5000"), seg("2024-10", base="7000")], joined="2024-02")
    ws = windows(both, UNIT)
    assert [(w.cause, str(w.first), str(w.last)) for w in ws] == [
        (LATE_ESTABLISH, "2024-02", "2024-03"), (LATE_UNSEAL, "2024-07", "2024-09")]
    assert [w.paid_by.base for w in ws] == [D("5000"), D("7000")]


# ---- check_back_pay: late establishment ---------------------------------------------------

def test_late_establishment_back_pay_of_the_whole_window_is_accepted_with_rounded_amounts():
    lines = check_back_pay(LATE, UNIT, LATE_ESTABLISH, months("2024-10", "2024-11", "2024-12"), ROUNDING)
    assert [str(l.month) for l in lines] == ["2024-10", "2024-11", "2024-12"]
    for line in lines:
        assert line.base == D("6084")
        assert line.unit_rate == line.personal_rate == D("0.08")
        # 6084 × 0.08 = 486.72 → 487 on each side
        assert line.amount.unit == D("487") and line.amount.personal == D("487")
        assert line.amount.total == D("974")
        assert str(line.amount.unit) == "487"  # quantised to the yuan, no decimals left


def test_back_pay_amount_rounds_half_up_not_half_even():
    half = account([seg("2025-01", base="6106.25", rate="0.08")], joined="2024-12")
    (line,) = check_back_pay(half, UNIT, LATE_ESTABLISH, months("2024-12"), ROUNDING)
    assert D("6106.25") * D("0.08") == D("488.5")
    assert line.amount.unit == D("489") and line.amount.personal == D("489")


def test_back_pay_amount_rounds_down_below_half():
    low = account([seg("2025-01", base="6106.24", rate="0.08")], joined="2024-12")
    (line,) = check_back_pay(low, UNIT, LATE_ESTABLISH, months("2024-12"), ROUNDING)
    assert line.amount.unit == D("488")  # 488.4992


def test_back_pay_lines_come_out_sorted_whatever_the_order_given():
    lines = check_back_pay(LATE, UNIT, LATE_ESTABLISH, months("2024-12", "2024-10"), ROUNDING)
    assert [str(l.month) for l in lines] == ["2024-10", "2024-12"]


def test_back_pay_for_a_month_before_joining_is_not_explained():
    err = refused("BACKPAY_MONTH_NOT_EXPLAINED", check_back_pay, LATE, UNIT, LATE_ESTABLISH,
                  months("2024-09"), ROUNDING)
    assert err.clause == "3.4"
    assert "2024-09" in err.detail and "未及时设立账户" in err.detail
    assert "2024-10至2024-12" in err.detail


def test_one_unexplained_month_refuses_the_whole_back_pay():
    refused("BACKPAY_MONTH_NOT_EXPLAINED", check_back_pay, LATE, UNIT, LATE_ESTABLISH,
            months("2024-09", "2024-10"), ROUNDING)


def test_back_pay_for_a_month_already_paid_by_remittance_is_refused():
    err = refused("BACKPAY_MONTH_ALREADY_PAID", check_back_pay, LATE, UNIT, LATE_ESTABLISH,
                  months("2025-01"), ROUNDING)
    assert "2025-01" in err.detail


def test_back_pay_for_a_month_the_unit_has_not_yet_remitted_is_not_due():
    err = refused("BACKPAY_MONTH_NOT_DUE", check_back_pay, LATE, UNIT, LATE_ESTABLISH,
                  months("2025-03"), ROUNDING)
    assert "2025-03" in err.detail


def test_back_pay_inside_the_window_but_not_yet_remitted_is_not_due():
    # the unit has only remitted through 2024-11: 2024-12 is in the window but not due yet
    behind = unit_months("2024-01", "2024-11")
    refused("BACKPAY_MONTH_NOT_DUE", check_back_pay, LATE, behind, LATE_ESTABLISH, months("2024-12"), ROUNDING)
    check_back_pay(LATE, behind, LATE_ESTABLISH, months("2024-10", "2024-11"), ROUNDING)


def test_back_pay_before_the_units_first_month_is_not_due():
    young = unit_months("2024-11", "2025-02")
    refused("BACKPAY_MONTH_NOT_DUE", check_back_pay, LATE, young, LATE_ESTABLISH, months("2024-10"), ROUNDING)


@pytest.mark.parametrize("ms", [[], ["2024-10"], ["2025-03"], ["2024-10", "2024-10"]])
def test_base_shortfall_is_counter_only_whatever_the_months(ms):
    err = refused("BACKPAY_CAUSE_NOT_ONLINE", check_back_pay, LATE, UNIT, BASE_SHORTFALL,
                  [M(m) for m in ms], ROUNDING)
    assert err.clause == "3.4"
    assert "柜面" in err.detail


def test_late_unseal_cause_for_a_late_establishment_gap_is_not_explained():
    err = refused("BACKPAY_MONTH_NOT_EXPLAINED", check_back_pay, LATE, UNIT, LATE_UNSEAL,
                  months("2024-11"), ROUNDING)
    assert "未及时启封" in err.detail
    assert "（无）" in err.detail  # no late-unseal period at all


def test_late_establish_cause_for_a_seal_gap_is_not_explained():
    refused("BACKPAY_MONTH_NOT_EXPLAINED", check_back_pay, GAP, UNIT, LATE_ESTABLISH,
            months("2024-08"), ROUNDING)


def test_already_back_paid_month_cannot_be_back_paid_again():
    paid_once = account(LATE.segments, joined="2024-10", back_paid=["2024-11"])
    err = refused("BACKPAY_MONTH_ALREADY_PAID", check_back_pay, paid_once, UNIT, LATE_ESTABLISH,
                  months("2024-11"), ROUNDING)
    assert "2024-11" in err.detail
    check_back_pay(paid_once, UNIT, LATE_ESTABLISH, months("2024-10", "2024-12"), ROUNDING)


def test_duplicate_months_are_a_validation_failure():
    err = refused("VALIDATION_FAILED", check_back_pay, LATE, UNIT, LATE_ESTABLISH,
                  months("2024-10", "2024-10"), ROUNDING)
    assert "重复" in err.detail


def test_no_months_is_refused():
    err = refused("BACKPAY_NO_MONTHS", check_back_pay, LATE, UNIT, LATE_ESTABLISH, [], ROUNDING)
    assert err.clause == "3.4"


# ---- check_back_pay: late unseal ------------------------------------------------------------

def test_late_unseal_back_pay_for_the_seal_gap_is_accepted_at_the_later_segments_base():
    lines = check_back_pay(GAP, UNIT, LATE_UNSEAL, months("2024-07", "2024-08", "2024-09"), ROUNDING)
    assert [str(l.month) for l in lines] == ["2024-07", "2024-08", "2024-09"]
    for line in lines:
        assert line.base == D("7000") and line.unit_rate == D("0.10")
        assert line.amount.unit == D("700") and line.amount.personal == D("700")


@pytest.mark.parametrize("month,code", [
    ("2024-06", "BACKPAY_MONTH_ALREADY_PAID"),   # last month before the seal
    ("2024-10", "BACKPAY_MONTH_ALREADY_PAID"),   # first month after the unseal
    ("2025-03", "BACKPAY_MONTH_NOT_DUE"),
])
def test_late_unseal_window_edges(month, code):
    refused(code, check_back_pay, GAP, UNIT, LATE_UNSEAL, months(month), ROUNDING)


def test_sealed_account_can_still_back_pay_an_earlier_gap():
    resealed = account([seg("2024-01", "2024-06", base="5000"), seg("2024-10", "2024-12", base="7000")],
                       state=AccountState.SEALED, joined="2024-01")
    (line,) = check_back_pay(resealed, UNIT, LATE_UNSEAL, months("2024-08"), ROUNDING)
    assert line.base == D("7000")
    # months after the final seal are no arrears any cause explains
    refused("BACKPAY_MONTH_NOT_EXPLAINED", check_back_pay, resealed, UNIT, LATE_UNSEAL,
            months("2025-01"), ROUNDING)


@pytest.mark.parametrize("state", [AccountState.FROZEN, AccountState.CLOSED_MERGED,
                                   AccountState.CLOSED_TRANSFERRED_OUT, AccountState.CLOSED_WITHDRAWN])
def test_back_pay_on_a_frozen_or_closed_account_is_refused(state):
    acct = account(LATE.segments, joined="2024-10", state=state)
    err = refused("ACCOUNT_NOT_NORMAL", check_back_pay, acct, UNIT, LATE_ESTABLISH, months("2024-10"), ROUNDING)
    assert state.label in err.detail


def test_transferred_in_account_back_pays_its_first_gap_as_late_unseal():
    moved = account([seg("2019-01", "2024-11", unit=OTHER_UNIT_NO, base="4000"), seg("2025-02", base="8000")],
                    origin=Origin.TRANSFERRED_IN, joined="2024-12")
    lines = check_back_pay(moved, UNIT, LATE_UNSEAL, months("2024-12", "2025-01"), ROUNDING)
    assert [l.base for l in lines] == [D("8000"), D("8000")]
    assert lines[0].amount.unit == D("640")
    refused("BACKPAY_MONTH_NOT_EXPLAINED", check_back_pay, moved, UNIT, LATE_ESTABLISH,
            months("2024-12"), ROUNDING)


def test_months_paid_at_the_old_unit_are_not_paid_here():
    # the old unit's remittance for 2024-11 says nothing about this unit; but 2024-11 lies
    # before joining here, so no cause explains it at this unit
    moved = account([seg("2019-01", "2024-11", unit=OTHER_UNIT_NO), seg("2025-02")],
                    origin=Origin.TRANSFERRED_IN, joined="2024-12")
    refused("BACKPAY_MONTH_NOT_EXPLAINED", check_back_pay, moved, UNIT, LATE_UNSEAL, months("2024-11"), ROUNDING)
