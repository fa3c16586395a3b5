"""Clause 3.9 (establish / transfer) and 0.1 (base, rates, base adjustment) at policy edges."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rules_helpers import (
    OTHER_UNIT_NO,
    UNIT_NO,
    D,
    M,
    account,
    policy,
    refused,
    seg,
    unit_months,
)

from gjj.simulator.domain.model import AccountState
from gjj.simulator.domain.rules.accounts import (
    check_base,
    check_base_adjustment,
    check_establish,
    check_rates,
    check_transfer,
)

UNIT = unit_months("2024-01", "2025-02")  # due 2025-03
JULY = policy(date(2025, 7, 1))
JUNE = policy(date(2025, 6, 30))
CLOSED = [AccountState.CLOSED_MERGED, AccountState.CLOSED_TRANSFERRED_OUT, AccountState.CLOSED_WITHDRAWN]
OPEN = [AccountState.NORMAL, AccountState.SEALED, AccountState.FROZEN]


# ---- check_establish ----------------------------------------------------------------------

def test_establish_for_a_never_seen_id_starts_at_the_units_due_month():
    assert check_establish([], None, UNIT) == M("2025-03")


def test_establish_at_a_unit_that_never_remitted_starts_at_its_first_month():
    assert check_establish([], None, unit_months("2025-06", None)) == M("2025-06")


@pytest.mark.parametrize("state", OPEN)
def test_establish_is_refused_when_the_id_already_has_an_open_account_anywhere(state):
    elsewhere = account([seg("2020-01", unit=OTHER_UNIT_NO)], unit=OTHER_UNIT_NO, state=state)
    err = refused("ID_ALREADY_HAS_ACCOUNT", check_establish, [elsewhere], None, UNIT)
    assert err.clause == "3.9"
    assert "职工转移" in err.detail  # pointer to transfer
    assert "职工启封（设置基数）" in err.detail


@pytest.mark.parametrize("state", CLOSED)
def test_establish_is_allowed_when_the_id_has_only_closed_accounts(state):
    old = account([seg("2015-01", "2018-12", unit=OTHER_UNIT_NO)], unit=OTHER_UNIT_NO, state=state)
    assert check_establish([old], None, UNIT) == M("2025-03")


def test_one_open_account_among_closed_ones_refuses_establishment():
    closed = account([seg("2015-01", "2018-12")], state=AccountState.CLOSED_WITHDRAWN)
    sealed = account([seg("2019-01", "2020-12", unit=OTHER_UNIT_NO)], unit=OTHER_UNIT_NO,
                     state=AccountState.SEALED)
    refused("ID_ALREADY_HAS_ACCOUNT", check_establish, [closed, sealed], None, UNIT)


def test_establish_with_employment_before_or_at_the_start_month_is_accepted():
    assert check_establish([], M("2024-10"), UNIT) == M("2025-03")  # earlier months: back-pay
    assert check_establish([], M("2025-03"), UNIT) == M("2025-03")


def test_establish_with_employment_after_the_start_month_is_refused():
    err = refused("EMPLOYMENT_MONTH_AFTER_START", check_establish, [], M("2025-04"), UNIT)
    assert "2025-04" in err.detail and "2025-03" in err.detail


# ---- check_transfer -----------------------------------------------------------------------

SEALED_ELSEWHERE = account([seg("2019-01", "2024-12", unit=OTHER_UNIT_NO)], unit=OTHER_UNIT_NO,
                           state=AccountState.SEALED, name="王芳")


def test_transfer_of_an_account_sealed_at_another_unit_returns_it():
    assert check_transfer(SEALED_ELSEWHERE, "王芳", UNIT_NO) is SEALED_ELSEWHERE


def test_transfer_of_an_unknown_id_is_not_found():
    err = refused("TRANSFER_SOURCE_NOT_FOUND", check_transfer, None, "王芳", UNIT_NO)
    assert err.msg.status == 404


@pytest.mark.parametrize("state", CLOSED)
def test_transfer_of_a_closed_account_is_not_found(state):
    closed = account(SEALED_ELSEWHERE.segments, unit=OTHER_UNIT_NO, state=state, name="王芳")
    refused("TRANSFER_SOURCE_NOT_FOUND", check_transfer, closed, "王芳", UNIT_NO)


def test_transfer_with_a_name_that_does_not_match_the_id_is_not_found():
    refused("TRANSFER_SOURCE_NOT_FOUND", check_transfer, SEALED_ELSEWHERE, "王芬", UNIT_NO)


def test_transfer_of_an_account_already_at_this_unit_is_refused():
    here = account([seg("2019-01", "2024-12")], state=AccountState.SEALED, name="王芳")
    refused("TRANSFER_SAME_UNIT", check_transfer, here, "王芳", UNIT_NO)


@pytest.mark.parametrize("state", [AccountState.NORMAL, AccountState.FROZEN])
def test_transfer_of_an_account_not_sealed_at_its_old_unit_is_refused(state):
    active = account([seg("2019-01", unit=OTHER_UNIT_NO)], unit=OTHER_UNIT_NO, state=state, name="王芳")
    err = refused("TRANSFER_SOURCE_NOT_SEALED", check_transfer, active, "王芳", UNIT_NO)
    assert state.label in err.detail
    assert "封存" in err.detail


# ---- check_base at the policy edges ----------------------------------------------------------

def test_policy_base_limits_used_below():
    assert (JULY.base_limits.min, JULY.base_limits.max) == (D("2490"), D("35000"))
    assert (JUNE.base_limits.min, JUNE.base_limits.max) == (D("2020"), D("24000"))


@pytest.mark.parametrize("base", ["2490", "2490.00", "2490.01", "6084", "34999.99", "35000", "35000.00"])
def test_base_within_the_limits_in_force_is_accepted(base):
    assert check_base(D(base), JULY.base_limits) is None


@pytest.mark.parametrize("base", ["2489.99", "35000.01", "0", "-1", "100000"])
def test_base_outside_the_limits_in_force_is_refused(base):
    err = refused("BASE_OUT_OF_RANGE", check_base, D(base), JULY.base_limits)
    assert "2490" in err.detail and "35000" in err.detail and base in err.detail


def test_base_limits_follow_the_date_in_force():
    check_base(D("24000"), JUNE.base_limits)
    refused("BASE_OUT_OF_RANGE", check_base, D("24000.01"), JUNE.base_limits)
    check_base(D("24000.01"), JULY.base_limits)
    check_base(D("2020"), JUNE.base_limits)
    refused("BASE_OUT_OF_RANGE", check_base, D("2020"), JULY.base_limits)


# ---- check_rates --------------------------------------------------------------------------

@pytest.mark.parametrize("rate", ["0.05", "0.06", "0.08", "0.12", "0.050", "0.1", "0.10"])
def test_equal_rates_on_a_whole_percent_within_range_are_accepted(rate):
    assert check_rates(D(rate), D(rate), JULY.rate_range) is None


@pytest.mark.parametrize("rate", ["0.04", "0.049", "0.13", "0.121", "0.055", "0.0", "1", "-0.05"])
def test_rate_outside_range_or_off_the_step_is_refused(rate):
    err = refused("RATE_OUT_OF_RANGE", check_rates, D(rate), D(rate), JULY.rate_range)
    assert rate in err.detail


def test_a_bad_personal_rate_is_refused_even_if_the_unit_rate_is_good():
    refused("RATE_OUT_OF_RANGE", check_rates, D("0.08"), D("0.13"), JULY.rate_range)


def test_unequal_rates_are_refused_even_when_each_is_allowed():
    refused("RATES_NOT_EQUAL", check_rates, D("0.05"), D("0.12"), JULY.rate_range)
    refused("RATES_NOT_EQUAL", check_rates, D("0.08"), D("0.07"), JULY.rate_range)


def test_rates_that_differ_only_in_trailing_zeros_are_equal():
    check_rates(D("0.08"), D("0.080"), JULY.rate_range)


# ---- check_base_adjustment --------------------------------------------------------------------

NORMAL = account([seg("2024-01", base="6000")])
MID_MARCH = date(2025, 3, 15)


def test_base_adjustment_from_the_due_month_is_accepted():
    assert check_base_adjustment(NORMAL, UNIT, M("2025-03"), D("7000"), MID_MARCH) is None


def test_base_adjustment_from_a_remitted_month_is_refused():
    err = refused("BASE_EFFECTIVE_MONTH", check_base_adjustment, NORMAL, UNIT, M("2025-02"), D("7000"), MID_MARCH)
    assert "2025-02" in err.detail and "2025-03" in err.detail


def test_base_adjustment_later_than_the_current_month_is_refused():
    err = refused("BASE_EFFECTIVE_MONTH", check_base_adjustment, NORMAL, UNIT, M("2025-04"), D("7000"), MID_MARCH)
    assert "2025-04" in err.detail


def test_base_adjustment_may_run_up_to_the_current_month_when_the_unit_is_behind():
    behind = unit_months("2024-01", "2024-12")  # due 2025-01, today March
    for eff in ("2025-01", "2025-02", "2025-03"):
        check_base_adjustment(NORMAL, behind, M(eff), D("7000"), MID_MARCH)
    refused("BASE_EFFECTIVE_MONTH", check_base_adjustment, NORMAL, behind, M("2025-04"), D("7000"), MID_MARCH)
    refused("BASE_EFFECTIVE_MONTH", check_base_adjustment, NORMAL, behind, M("2024-12"), D("7000"), MID_MARCH)


def test_base_adjustment_when_the_unit_is_ahead_is_the_next_month_to_remit_only():
    ahead = unit_months("2024-01", "2025-03")  # already remitted the current month: due 2025-04
    check_base_adjustment(NORMAL, ahead, M("2025-04"), D("7000"), MID_MARCH)
    refused("BASE_EFFECTIVE_MONTH", check_base_adjustment, NORMAL, ahead, M("2025-03"), D("7000"), MID_MARCH)
    refused("BASE_EFFECTIVE_MONTH", check_base_adjustment, NORMAL, ahead, M("2025-05"), D("7000"), MID_MARCH)


@pytest.mark.parametrize("state", [AccountState.SEALED, AccountState.FROZEN, *CLOSED])
def test_base_adjustment_of_an_account_that_is_not_normal_is_refused(state):
    acct = account([seg("2024-01", "2024-12", base="6000")], state=state)
    err = refused("ACCOUNT_NOT_NORMAL", check_base_adjustment, acct, UNIT, M("2025-03"), D("7000"), MID_MARCH)
    assert "缴存基数调整" in err.detail


def test_base_adjustment_to_the_same_base_is_refused():
    refused("BASE_UNCHANGED", check_base_adjustment, NORMAL, UNIT, M("2025-03"), D("6000"), MID_MARCH)
    refused("BASE_UNCHANGED", check_base_adjustment, NORMAL, UNIT, M("2025-03"), D("6000.00"), MID_MARCH)


def test_base_adjustment_compares_with_the_current_segment_only():
    rebased = account([seg("2024-01", "2024-12", base="6000"), seg("2025-01", base="6500")])
    check_base_adjustment(rebased, UNIT, M("2025-03"), D("6000"), MID_MARCH)
    refused("BASE_UNCHANGED", check_base_adjustment, rebased, UNIT, M("2025-03"), D("6500"), MID_MARCH)


def test_base_adjustment_checks_month_before_unchanged_base():
    refused("BASE_EFFECTIVE_MONTH", check_base_adjustment, NORMAL, UNIT, M("2025-02"), Decimal("6000"), MID_MARCH)
