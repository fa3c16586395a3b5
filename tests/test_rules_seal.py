"""Clause 3.3.1: seal after the last month has arrived, before the next month is remitted."""
from __future__ import annotations

import pytest
from rules_helpers import M, account, refused, seg, unit_months

from gjj.simulator.domain.model import AccountState
from gjj.simulator.domain.rules.seal import check_seal

# The unit remitted 2024-01..2025-02, every month arrived; the employee contributes from 2024-06.
UNIT = unit_months("2024-01", "2025-02")
EMPLOYEE = account([seg("2024-06")])


def test_seal_with_last_month_the_unit_last_remitted_and_arrived_month_is_accepted():
    assert check_seal(EMPLOYEE, UNIT, M("2025-02")) is None


def test_seal_is_refused_while_the_last_month_is_remitted_but_not_arrived():
    not_arrived = unit_months("2024-01", "2025-02", arrived=[str(m) for m in M("2024-01").until(M("2025-01"))])
    err = refused("SEAL_BEFORE_LAST_MONTH_ARRIVED", check_seal, EMPLOYEE, not_arrived, M("2025-02"))
    assert err.clause == "3.3.1"
    assert "2025-02" in err.detail


def test_seal_is_accepted_once_the_last_month_arrives():
    arrived_now = unit_months("2024-01", "2025-02", arrived=["2025-02"])
    check_seal(EMPLOYEE, arrived_now, M("2025-02"))


def test_seal_is_refused_as_too_early_when_the_last_month_is_not_yet_remitted():
    err = refused("SEAL_BEFORE_LAST_MONTH_ARRIVED", check_seal, EMPLOYEE, UNIT, M("2025-03"))
    assert "2025-03" in err.detail


def test_seal_is_refused_as_too_early_for_a_month_far_in_the_future():
    refused("SEAL_BEFORE_LAST_MONTH_ARRIVED", check_seal, EMPLOYEE, UNIT, M("2026-01"))


def test_seal_is_refused_one_month_after_the_window_because_next_month_is_remitted():
    err = refused("NEXT_MONTH_ALREADY_REMITTED", check_seal, EMPLOYEE, UNIT, M("2025-01"))
    assert err.clause == "3.3.1"
    assert "2025-02" in err.detail and "2025-01" in err.detail
    assert "柜面" in err.detail  # only the counter can correct it


def test_seal_long_after_the_window_names_the_month_after_the_last_month():
    err = refused("NEXT_MONTH_ALREADY_REMITTED", check_seal, EMPLOYEE, UNIT, M("2024-08"))
    assert "单位已汇缴2024-09" in err.detail


def test_seal_in_the_first_month_of_the_open_segment_is_judged_by_remittance():
    # the segment start itself is a contributed month, so the window rule decides
    refused("NEXT_MONTH_ALREADY_REMITTED", check_seal, EMPLOYEE, UNIT, M("2024-06"))
    only_first = account([seg("2025-02")])
    check_seal(only_first, UNIT, M("2025-02"))


def test_seal_naming_a_month_before_the_open_segment_starts_is_not_contributed():
    err = refused("SEAL_MONTH_NOT_CONTRIBUTED", check_seal, EMPLOYEE, UNIT, M("2024-05"))
    assert err.clause == "3.3.1"
    assert "2024-05" in err.detail


def test_seal_of_a_just_established_account_before_its_first_month_is_not_contributed():
    # established at the due month 2025-03; the unit's last remitted month is not his
    newcomer = account([seg("2025-03")])
    refused("SEAL_MONTH_NOT_CONTRIBUTED", check_seal, newcomer, UNIT, M("2025-02"))
    refused("SEAL_BEFORE_LAST_MONTH_ARRIVED", check_seal, newcomer, UNIT, M("2025-03"))


def test_seal_of_an_account_without_an_open_segment_is_not_contributed():
    no_segments = account([])
    refused("SEAL_MONTH_NOT_CONTRIBUTED", check_seal, no_segments, UNIT, M("2025-02"))


def test_seal_of_a_unit_that_never_remitted_is_too_early():
    fresh = unit_months("2025-03", None)
    newcomer = account([seg("2025-03")])
    refused("SEAL_BEFORE_LAST_MONTH_ARRIVED", check_seal, newcomer, fresh, M("2025-03"))


@pytest.mark.parametrize("state", [AccountState.SEALED, AccountState.FROZEN, AccountState.CLOSED_MERGED,
                                   AccountState.CLOSED_TRANSFERRED_OUT, AccountState.CLOSED_WITHDRAWN])
def test_seal_of_an_account_that_is_not_normal_is_refused(state):
    acct = account([seg("2024-06", "2024-12")], state=state)
    err = refused("ACCOUNT_NOT_NORMAL", check_seal, acct, UNIT, M("2025-02"))
    assert state.label in err.detail
    assert "职工账户封存" in err.detail


def test_account_state_is_checked_before_the_months():
    sealed = account([seg("2024-06", "2024-12")], state=AccountState.SEALED)
    refused("ACCOUNT_NOT_NORMAL", check_seal, sealed, UNIT, M("2030-01"))


def test_seal_window_is_exactly_one_month_wide():
    # scanning every candidate L: only the unit's last remitted (and arrived) month is accepted
    ok = []
    for last in M("2024-01").until(M("2025-12")):
        try:
            check_seal(EMPLOYEE, UNIT, last)
            ok.append(last)
        except Exception as e:  # noqa: BLE001 - DomainError expected, checked below
            assert type(e).__name__ == "DomainError"
    assert ok == [M("2025-02")]


def test_seal_after_a_base_adjustment_from_the_due_month_is_accepted_for_the_last_remitted_month():
    # contributed 2024-06..2025-02 at base 6000; base raised to 7000 from 2025-03 (the due month)
    rebased = account([seg("2024-06", "2025-02", base="6000"), seg("2025-03", base="7000")])
    assert rebased.contributes_in(M("2025-02"), UNIT)
    check_seal(rebased, UNIT, M("2025-02"))
