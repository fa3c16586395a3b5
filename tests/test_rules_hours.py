"""Clause 3.3 (business hours) and 3.5/3.6 (next-day visibility), pure rules."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from rules_helpers import calendar, policy, refused, sh

from gjj.simulator.domain.rules.hours import (
    SHANGHAI,
    check_business_hours,
    in_business_hours,
    is_published,
    midnight_after,
    verify_from,
)

HOURS = policy(date(2025, 3, 5)).business_hours
CAL = calendar()
UTC = timezone.utc


def accepted(at: datetime) -> bool:
    check_business_hours(at, HOURS, CAL)  # raises if refused
    return in_business_hours(at, HOURS, CAL)


def refusal(at: datetime):
    assert not in_business_hours(at, HOURS, CAL)
    return refused("OUTSIDE_BUSINESS_HOURS", check_business_hours, at, HOURS, CAL)


# ---- the calendar facts the tests below rely on -------------------------------------------

def test_calendar_facts_used_by_these_tests():
    assert CAL.is_working_day(date(2025, 3, 5)) and date(2025, 3, 5).isoweekday() == 3
    assert date(2025, 2, 8).isoweekday() == 6 and CAL.is_working_day(date(2025, 2, 8))
    assert date(2025, 9, 28).isoweekday() == 7 and CAL.is_working_day(date(2025, 9, 28))
    assert not CAL.is_working_day(date(2025, 9, 27))
    assert CAL.holiday_name(date(2025, 10, 1)) == "国庆节"
    assert CAL.holiday_name(date(2025, 5, 1)) == "劳动节"
    assert not CAL.is_working_day(date(2025, 3, 8)) and CAL.holiday_name(date(2025, 3, 8)) is None
    assert HOURS.start == time(9, 0) and HOURS.end == time(17, 0)


# ---- 3.3: the edges of 09:00–17:00 on an ordinary weekday ----------------------------------

def test_submission_one_second_before_nine_is_refused():
    refusal(sh(2025, 3, 5, 8, 59, 59))


def test_submission_a_microsecond_before_nine_is_refused():
    refusal(sh(2025, 3, 5, 8, 59, 59, 999999))


def test_submission_at_nine_sharp_is_accepted():
    assert accepted(sh(2025, 3, 5, 9, 0, 0))


def test_submission_one_second_before_five_is_accepted():
    assert accepted(sh(2025, 3, 5, 16, 59, 59))


def test_submission_a_microsecond_before_five_is_accepted():
    assert accepted(sh(2025, 3, 5, 16, 59, 59, 999999))


def test_submission_at_five_sharp_is_refused():
    refusal(sh(2025, 3, 5, 17, 0, 0))


def test_submission_at_midnight_and_late_evening_is_refused():
    refusal(sh(2025, 3, 5, 0, 0, 0))
    refusal(sh(2025, 3, 5, 23, 59, 59))


def test_refusal_carries_code_clause_status_and_the_hours():
    err = refusal(sh(2025, 3, 5, 17, 0, 0))
    assert err.code == "OUTSIDE_BUSINESS_HOURS"
    assert err.clause == "3.3"
    assert err.msg.status == 409
    assert "2025-03-05 17:00:00" in err.detail
    assert "09:00" in err.detail and "17:00" in err.detail
    assert "非工作日" not in err.detail  # a working day, only the hour is wrong


# ---- 3.3: which days are working days ------------------------------------------------------

@pytest.mark.parametrize("day", [date(2025, 2, 8), date(2025, 9, 28), date(2025, 10, 11), date(2025, 1, 26)])
def test_adjusted_working_weekend_day_is_accepted_at_ten(day):
    assert day.isoweekday() in (6, 7)
    assert CAL.makeup_workday_name(day)
    assert accepted(sh(day.year, day.month, day.day, 10))


def test_adjusted_working_weekend_day_still_has_business_hours():
    refusal(sh(2025, 9, 28, 8, 59, 59))
    refusal(sh(2025, 9, 28, 17, 0, 0))


@pytest.mark.parametrize("day,name", [(date(2025, 10, 1), "国庆节"), (date(2025, 5, 1), "劳动节")])
def test_weekday_holiday_is_refused_at_ten_naming_the_holiday(day, name):
    assert day.isoweekday() <= 5
    err = refusal(sh(day.year, day.month, day.day, 10))
    assert name in err.detail
    assert "非工作日" in err.detail


def test_holiday_falling_on_a_weekend_is_refused_naming_the_holiday():
    err = refusal(sh(2025, 10, 4, 10))  # Saturday inside the National Day holiday
    assert "国庆节" in err.detail


def test_ordinary_saturday_is_refused_as_non_working_day_without_a_holiday_name():
    err = refusal(sh(2025, 3, 8, 10))
    assert "（非工作日）" in err.detail
    assert "节" not in err.detail


def test_ordinary_sunday_is_refused():
    refusal(sh(2025, 3, 9, 10))


# ---- 3.3: time zone ------------------------------------------------------------------------

def test_utc_datetime_that_is_half_past_nine_in_shanghai_is_accepted():
    assert accepted(datetime(2025, 3, 5, 1, 30, tzinfo=UTC))


def test_utc_datetime_that_is_half_past_five_in_shanghai_is_refused_showing_shanghai_time():
    err = refusal(datetime(2025, 3, 5, 9, 30, tzinfo=UTC))
    assert "2025-03-05 17:30:00" in err.detail


def test_utc_evening_that_is_already_next_morning_in_shanghai_uses_the_shanghai_date():
    # 2025-03-07 01:30Z is Friday 09:30 in Shanghai; 2025-03-07 16:30Z is Saturday 00:30 there
    assert accepted(datetime(2025, 3, 7, 1, 30, tzinfo=UTC))
    refusal(datetime(2025, 3, 7, 16, 30, tzinfo=UTC))
    # Friday 2025-09-26 17:30Z is Saturday 01:30 in Shanghai, not a working day
    refusal(datetime(2025, 9, 26, 17, 30, tzinfo=UTC))
    # Saturday 2025-09-27 17:30Z is Sunday 2025-09-28 01:30, a working day but before nine
    refusal(datetime(2025, 9, 27, 17, 30, tzinfo=UTC))
    # 2025-09-28 01:30Z is the adjusted working Sunday at 09:30
    assert accepted(datetime(2025, 9, 28, 1, 30, tzinfo=UTC))


def test_other_fixed_offset_is_converted_to_shanghai():
    plus9 = timezone(timedelta(hours=9))
    assert accepted(datetime(2025, 3, 5, 10, 0, tzinfo=plus9))  # 09:00 Shanghai
    refusal(datetime(2025, 3, 5, 9, 59, 59, tzinfo=plus9))     # 08:59:59 Shanghai


def test_naive_datetime_is_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError):
        in_business_hours(datetime(2025, 3, 5, 10), HOURS, CAL)
    with pytest.raises(ValueError):
        check_business_hours(datetime(2025, 3, 5, 10), HOURS, CAL)


def test_every_hour_of_a_week_matches_the_rule():
    start = sh(2025, 9, 22)  # Monday; the week has an adjusted working Sunday 09-28
    for h in range(7 * 24 * 2):
        at = start + timedelta(minutes=30 * h)
        expected = CAL.is_working_day(at.date()) and time(9) <= at.time().replace(tzinfo=None) < time(17)
        assert in_business_hours(at, HOURS, CAL) is expected, at


# ---- 3.5 / 3.6: published the next calendar day --------------------------------------------

def test_change_is_not_published_the_same_day():
    assert is_published(date(2025, 3, 5), date(2025, 3, 5)) is False


def test_change_is_published_the_next_calendar_day_even_if_not_a_working_day():
    assert is_published(date(2025, 3, 5), date(2025, 3, 6)) is True
    assert is_published(date(2025, 3, 7), date(2025, 3, 8)) is True  # Saturday


def test_change_dated_in_the_future_is_not_published():
    assert is_published(date(2025, 3, 6), date(2025, 3, 5)) is False


def test_change_on_friday_must_be_visible_from_nine_on_the_adjusted_working_sunday():
    due = verify_from(sh(2025, 9, 26, 15, 0), HOURS, CAL)
    assert due == sh(2025, 9, 28, 9, 0)
    assert due.tzinfo is not None and due.utcoffset() == timedelta(hours=8)


def test_change_the_day_before_national_day_must_be_visible_after_the_holiday():
    due = verify_from(sh(2025, 9, 30, 10, 0), HOURS, CAL)
    assert due == sh(2025, 10, 9, 9, 0)
    for d in range(1, 9):
        assert not CAL.is_working_day(date(2025, 10, d))


def test_change_the_day_before_labour_day_must_be_visible_after_the_holiday():
    assert verify_from(sh(2025, 4, 30, 16, 0), HOURS, CAL) == sh(2025, 5, 6, 9, 0)


def test_change_on_ordinary_friday_must_be_visible_on_monday():
    assert verify_from(sh(2025, 3, 7, 16, 59), HOURS, CAL) == sh(2025, 3, 10, 9, 0)


def test_change_after_hours_on_a_weekday_must_be_visible_the_next_morning():
    assert verify_from(sh(2025, 3, 5, 23, 59, 59), HOURS, CAL) == sh(2025, 3, 6, 9, 0)


def test_change_on_a_saturday_must_be_visible_on_monday():
    assert verify_from(sh(2025, 3, 8, 11, 0), HOURS, CAL) == sh(2025, 3, 10, 9, 0)


def test_verify_from_uses_the_shanghai_date_of_the_change():
    # 2025-03-06 17:00Z is Friday 2025-03-07 01:00 in Shanghai: next working day is Monday
    assert verify_from(datetime(2025, 3, 6, 17, 0, tzinfo=UTC), HOURS, CAL) == sh(2025, 3, 10, 9, 0)


def test_verify_from_is_always_the_start_of_the_next_working_day_and_already_published():
    day = date(2025, 1, 1)
    while day.year == 2025 and day < date(2025, 12, 20):
        for hh in (0, 9, 16, 23):
            changed = sh(day.year, day.month, day.day, hh, 30)
            due = verify_from(changed, HOURS, CAL)
            assert due > changed
            assert due.timetz().replace(tzinfo=None) == HOURS.start
            assert CAL.is_working_day(due.date())
            between = day + timedelta(days=1)
            while between < due.date():
                assert not CAL.is_working_day(between), (changed, between)
                between += timedelta(days=1)
            assert is_published(day, due.date())
            assert in_business_hours(due, HOURS, CAL)
        day += timedelta(days=1)


def test_midnight_after_is_the_next_shanghai_midnight():
    assert midnight_after(sh(2025, 3, 5, 10)) == sh(2025, 3, 6)
    assert midnight_after(datetime(2025, 3, 5, 16, 30, tzinfo=UTC)) == sh(2025, 3, 7)
    assert midnight_after(sh(2025, 3, 5, 10)).tzinfo is SHANGHAI
