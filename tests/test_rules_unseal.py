"""Clause 3.3.2 (unseal from the unit's next month to remit) and 3.7 (wrong name / ID)."""
from __future__ import annotations

import pytest
from rules_helpers import M, account, refused, seg, unit_months

from gjj.simulator.domain.model import AccountState
from gjj.simulator.domain.rules.unseal import (
    REPORTABLE_ERRORS,
    check_unseal,
    correction_notice,
)

UNIT = unit_months("2024-01", "2025-02")  # due (应汇缴年月) = 2025-03
SEALED = account([seg("2024-01", "2024-06")], state=AccountState.SEALED)


def test_unit_fixture_is_due_in_march():
    assert UNIT.due == M("2025-03")


def test_unseal_from_the_units_next_month_to_remit_is_accepted():
    assert check_unseal(SEALED, UNIT, M("2025-03")) is None


def test_unseal_one_month_after_the_due_month_is_too_early():
    err = refused("UNSEAL_TOO_EARLY", check_unseal, SEALED, UNIT, M("2025-04"))
    assert err.clause == "3.3.2"
    assert "2025-03" in err.detail  # the previous month that is not yet remitted


def test_unseal_many_months_ahead_is_too_early():
    refused("UNSEAL_TOO_EARLY", check_unseal, SEALED, UNIT, M("2026-01"))


def test_unseal_from_an_already_remitted_month_is_too_late_and_names_the_due_month():
    err = refused("UNSEAL_START_MONTH_REMITTED", check_unseal, SEALED, UNIT, M("2025-02"))
    assert err.clause == "3.3.2"
    assert "2025-02" in err.detail
    assert "应汇缴年月2025-03" in err.detail
    assert "补缴" in err.detail  # points to 3.4 back-pay for the missed months


def test_unseal_from_the_units_first_month_long_ago_is_too_late():
    err = refused("UNSEAL_START_MONTH_REMITTED", check_unseal, SEALED, UNIT, M("2024-01"))
    assert "2025-03" in err.detail


def test_unseal_at_a_unit_that_never_remitted_starts_at_its_first_month():
    fresh = unit_months("2025-05", None)
    check_unseal(SEALED, fresh, M("2025-05"))


def test_unseal_at_a_unit_that_never_remitted_after_its_first_month_is_too_early():
    fresh = unit_months("2025-05", None)
    err = refused("UNSEAL_TOO_EARLY", check_unseal, SEALED, fresh, M("2025-06"))
    assert "2025-05" in err.detail


def test_unseal_before_a_new_units_first_month_is_refused():
    fresh = unit_months("2025-05", None)
    with pytest.raises(Exception) as info:
        check_unseal(SEALED, fresh, M("2025-04"))
    assert type(info.value).__name__ == "DomainError"


@pytest.mark.parametrize("state", [AccountState.NORMAL, AccountState.FROZEN, AccountState.CLOSED_MERGED,
                                   AccountState.CLOSED_TRANSFERRED_OUT, AccountState.CLOSED_WITHDRAWN])
def test_unseal_of_an_account_that_is_not_sealed_is_refused(state):
    acct = account([seg("2024-01")], state=state)
    err = refused("ACCOUNT_NOT_SEALED", check_unseal, acct, UNIT, M("2025-03"))
    assert err.clause == "3.3.2"
    assert state.label in err.detail


def test_account_state_is_checked_before_the_start_month():
    normal = account([seg("2024-01")])
    refused("ACCOUNT_NOT_SEALED", check_unseal, normal, UNIT, M("2024-01"))


def test_unseal_window_is_exactly_the_due_month():
    ok = []
    for start in M("2023-06").until(M("2026-06")):
        try:
            check_unseal(SEALED, UNIT, start)
            ok.append(start)
        except Exception as e:  # noqa: BLE001
            assert type(e).__name__ == "DomainError"
    assert ok == [UNIT.due]


def test_transferred_in_sealed_account_unseals_at_the_new_units_due_month():
    from gjj.simulator.domain.model import Origin
    moved = account([seg("2020-01", "2024-12", unit="999999999")], state=AccountState.SEALED,
                    origin=Origin.TRANSFERRED_IN, joined="2025-03")
    check_unseal(moved, UNIT, M("2025-03"))


# ---- 3.7: wrong name or ID does not block the unseal ----------------------------------------

def test_no_reported_error_gives_no_correction_notice():
    assert correction_notice([]) is None


def test_wrong_name_notice_sends_the_employee_with_id_card_and_storage_card():
    notice = correction_notice(["name"])
    assert notice is not None
    assert "姓名" in notice
    assert "身份证和公积金储存卡" in notice
    assert "公积金中心" in notice
    assert "身份证号码" not in notice


def test_wrong_id_number_notice_names_the_id_number():
    notice = correction_notice(["id_number"])
    assert "身份证号码" in notice and "身份证和公积金储存卡" in notice


def test_both_errors_are_named_in_one_notice():
    notice = correction_notice(["name", "id_number"])
    assert "姓名、身份证号码" in notice


def test_notice_says_the_unseal_went_through_and_no_online_correction_exists():
    notice = correction_notice(["name"])
    assert notice.startswith("启封已办理")
    assert "不提供修改" in notice


def test_unknown_reported_field_gives_no_notice():
    assert correction_notice(["mobile"]) is None
    assert set(REPORTABLE_ERRORS) == {"name", "id_number"}
