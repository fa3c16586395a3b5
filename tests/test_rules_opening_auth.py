"""Clauses 1.0, 1.2, 2.3 (opening the online business) and 2.2 (certificate PIN)."""
from __future__ import annotations

from datetime import date

import pytest
from rules_helpers import policy, refused, unit

from gjj.simulator.domain.messages import PROMPT_NOT_ENABLED
from gjj.simulator.domain.model import OPENING_ORDER, OpeningStage
from gjj.simulator.domain.rules import auth, opening
from gjj.simulator.domain.rules.opening import (
    STEP_NAMES,
    advance,
    first_login_prompt,
    require_opened,
)

S = OpeningStage
LIMIT = policy(date(2025, 3, 5)).pin_attempt_limit


# ---- 1.2: the agreement flow in order -----------------------------------------------------

def test_opening_order_is_the_guides_order():
    assert OPENING_ORDER == [S.NOT_ENABLED, S.ENABLED, S.AGREEMENT_SIGNED, S.INFO_CONFIRMED,
                             S.PASSWORD_SET, S.OPENED]


def test_opening_advances_one_step_at_a_time_through_every_stage_to_opened():
    stage = S.NOT_ENABLED
    for target in OPENING_ORDER[1:]:
        stage = advance(stage, target)
        assert stage is target
    assert stage is S.OPENED


NON_NEXT = [(s, t) for i, s in enumerate(OPENING_ORDER[:-1]) for t in OPENING_ORDER
            if t is not OPENING_ORDER[i + 1]]


@pytest.mark.parametrize("stage,target", NON_NEXT, ids=[f"{s.value}->{t.value}" for s, t in NON_NEXT])
def test_any_skip_repeat_or_step_back_is_refused_naming_the_expected_step(stage, target):
    expected = OPENING_ORDER[OPENING_ORDER.index(stage) + 1]
    err = refused("OPENING_OUT_OF_ORDER", advance, stage, target)
    assert err.clause == "1.2"
    assert f"“{STEP_NAMES[expected]}”" in err.detail


def test_skipping_the_agreement_names_signing_it_as_the_step_to_do():
    err = refused("OPENING_OUT_OF_ORDER", advance, S.ENABLED, S.INFO_CONFIRMED)
    assert "查阅并签署服务协议" in err.detail


def test_first_step_is_applying_to_enable():
    err = refused("OPENING_OUT_OF_ORDER", advance, S.NOT_ENABLED, S.OPENED)
    assert "申请开通" in err.detail


@pytest.mark.parametrize("target", OPENING_ORDER)
def test_any_step_after_opening_is_already_done(target):
    err = refused("OPENING_ALREADY_DONE", advance, S.OPENED, target)
    assert err.clause == "1.2"


def test_every_reachable_stage_has_a_step_name():
    assert set(STEP_NAMES) == set(OPENING_ORDER[1:])


# ---- 2.3: first-login prompt --------------------------------------------------------------

def test_first_login_prompt_is_the_guides_exact_text_for_a_certificate_not_enabled():
    assert first_login_prompt(S.NOT_ENABLED) == "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"
    assert PROMPT_NOT_ENABLED == "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"


@pytest.mark.parametrize("stage", OPENING_ORDER[1:])
def test_no_first_login_prompt_once_enabled(stage):
    assert first_login_prompt(stage) is None


# ---- 1.0: no business before both steps ----------------------------------------------------

def test_opened_unit_may_do_business():
    assert require_opened(unit(stage=S.OPENED)) is None


@pytest.mark.parametrize("stage", OPENING_ORDER[:-1])
def test_unit_not_fully_opened_is_refused_naming_its_stage(stage):
    err = refused("UNIT_NOT_OPENED", require_opened, unit(stage=stage))
    assert err.clause == "1.0"
    assert err.msg.status == 403
    assert stage.label in err.detail


def test_certificate_followup_deadline_is_fourteen_days():
    days = policy(date(2025, 3, 5)).certificate_followup_days
    assert days == 14
    assert opening.followup_deadline(date(2025, 3, 5), days) == date(2025, 3, 19)


# ---- 2.2: PIN attempts ------------------------------------------------------------------------

def test_pin_attempt_limit_from_policy_is_ten():
    assert LIMIT == 10
    assert policy(date(2025, 3, 5)).initial_pin == "123456"


def test_right_pin_logs_in_with_a_zero_count():
    out = auth.pin_attempt(0, False, True, LIMIT)
    assert (out.ok, out.failed_attempts, out.locked, out.error) == (True, 0, False, None)


def test_wrong_pins_count_down_the_remaining_attempts_in_the_message():
    failed, locked = 0, False
    for n in range(1, LIMIT):
        out = auth.pin_attempt(failed, locked, False, LIMIT)
        failed, locked = out.failed_attempts, out.locked
        assert not out.ok and not locked and failed == n
        assert out.error.code == "WRONG_PIN" and out.error.clause == "2.2"
        assert out.error.params["remaining"] == LIMIT - n
        assert f"还可尝试{LIMIT - n}次" in out.error.detail
        assert "123456" in out.error.detail  # the initial PIN is the guide's hint


def test_the_limit_th_wrong_pin_locks_the_certificate():
    out = auth.pin_attempt(LIMIT - 1, False, False, LIMIT)
    assert not out.ok and out.locked and out.failed_attempts == LIMIT
    assert out.error.code == "CERTIFICATE_LOCKED"
    assert out.error.msg.status == 423
    assert f"连续错误{LIMIT}次" in out.error.detail
    assert "025-96010" in out.error.detail


def test_a_locked_certificate_refuses_even_the_right_pin():
    out = auth.pin_attempt(LIMIT, True, True, LIMIT)
    assert not out.ok and out.locked and out.failed_attempts == LIMIT
    assert out.error.code == "CERTIFICATE_LOCKED"


def test_a_locked_certificate_does_not_count_further_wrong_pins():
    out = auth.pin_attempt(LIMIT, True, False, LIMIT)
    assert out.locked and out.failed_attempts == LIMIT


def test_a_right_pin_resets_the_count():
    out = auth.pin_attempt(LIMIT - 1, False, True, LIMIT)
    assert out.ok and out.failed_attempts == 0 and not out.locked
    again = auth.pin_attempt(out.failed_attempts, out.locked, False, LIMIT)
    assert again.error.params["remaining"] == LIMIT - 1


def test_exactly_limit_consecutive_wrong_pins_lock_and_not_one_fewer():
    failed, locked = 0, False
    history = []
    for _ in range(LIMIT + 2):
        out = auth.pin_attempt(failed, locked, False, LIMIT)
        failed, locked = out.failed_attempts, out.locked
        history.append(locked)
    assert history == [False] * (LIMIT - 1) + [True] * 3


@pytest.mark.parametrize("limit", [1, 3])
def test_the_limit_is_a_parameter(limit):
    out = auth.pin_attempt(limit - 1, False, False, limit)
    assert out.locked and out.error.code == "CERTIFICATE_LOCKED"
