"""Working-day calendar: chinese_calendar's published years, TOML years, and uncovered years."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from gjj.simulator.domain.policy import CalendarNotCovered, PolicyError, WorkCalendar
from gjj.simulator.policy import PolicyDataError, load_calendar


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return load_calendar()


@pytest.fixture
def package_only(tmp_path: Path) -> WorkCalendar:
    return load_calendar(tmp_path)  # empty directory: chinese_calendar data only


@pytest.mark.parametrize(
    "d, working",
    [
        (date(2025, 1, 26), True),  # Sunday, 春节调休上班
        (date(2025, 2, 8), True),  # Saturday, 春节调休上班
        (date(2025, 10, 1), False),  # Wednesday, 国庆节
        (date(2025, 10, 11), True),  # Saturday, 国庆调休上班
        (date(2026, 2, 14), True),  # Saturday, 2026 春节调休上班
        (date(2025, 10, 4), False),  # Saturday inside the holiday
        (date(2025, 3, 1), False),  # ordinary Saturday
        (date(2025, 3, 3), True),  # ordinary Monday
    ],
)
def test_known_days_agree_with_chinese_calendar(cal, d, working):
    assert chinese_calendar.is_workday(d) is working  # the brief's list, checked against the source
    assert cal.is_working_day(d) is working


def test_every_covered_day_agrees_with_chinese_calendar(package_only):
    years = sorted(package_only.covered_years)
    d, end = date(years[0], 1, 1), date(years[-1], 12, 31)
    while d <= end:
        assert package_only.is_working_day(d) is chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_covered_years_come_from_the_package(package_only):
    lo, hi = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    assert package_only.covered_years == frozenset(range(lo, hi + 1))
    assert "chinesecalendar" in package_only.sources[2025]


def test_names(cal):
    assert cal.holiday_name(date(2025, 10, 1)) == "国庆节"
    assert cal.holiday_name(date(2025, 10, 6)) == "中秋"
    assert cal.holiday_name(date(2025, 10, 11)) is None
    assert cal.makeup_workday_name(date(2025, 10, 11)) == "国庆节调休上班"


def test_next_working_day_skips_national_day_2025(cal):
    assert cal.next_working_day(date(2025, 9, 30)) == date(2025, 10, 9)
    assert cal.next_working_day(date(2025, 10, 9)) == date(2025, 10, 10)
    assert cal.next_working_day(date(2025, 10, 10)) == date(2025, 10, 11)  # makeup Saturday
    assert cal.working_day_on_or_after(date(2025, 10, 1)) == date(2025, 10, 9)
    assert cal.working_day_on_or_after(date(2025, 9, 30)) == date(2025, 9, 30)


def test_year_not_covered_raises_with_the_fix_it_message(package_only):
    if 2027 in package_only.covered_years:
        pytest.skip("chinesecalendar now covers 2027")
    with pytest.raises(CalendarNotCovered) as ei:
        package_only.is_working_day(date(2027, 1, 4))
    e = ei.value
    assert isinstance(e, PolicyError) and e.code == "CALENDAR_NOT_COVERED" and e.year == 2027
    assert str(e) == ("日历数据未覆盖2027年：请录入2027年节假日安排（来源：国务院办公厅通知），"
                      "文件 fixtures/policy/calendar/2027.toml")


def test_shipped_calendar_stops_at_its_last_year(cal):
    first_uncovered = max(cal.covered_years) + 1
    with pytest.raises(CalendarNotCovered) as ei:
        cal.next_working_day(date(first_uncovered - 1, 12, 31))  # walks into the next year
    assert ei.value.year == first_uncovered
    with pytest.raises(CalendarNotCovered):
        cal.holiday_name(date(first_uncovered, 6, 1))


# ---- TOML years ----

SYNTHETIC_2031 = """\
year = 2031
source = "测试用虚构安排（非真实通知）"
published = 2030-11-01
workweek = [1, 2, 3, 4, 5]

[holidays]
2031-01-01 = "元旦"
2031-01-02 = "元旦"

[makeup_workdays]
2031-01-04 = "元旦调休上班"
"""


def write(directory: Path, name: str, text: str) -> Path:
    p = directory / name
    p.write_text(text, encoding="utf-8")
    return p


def test_toml_year_extends_the_calendar(tmp_path):
    write(tmp_path, "2031.toml", SYNTHETIC_2031)
    cal = load_calendar(tmp_path)
    assert 2031 in cal.covered_years and 2030 not in cal.covered_years
    assert date(2031, 1, 1).isoweekday() == 3
    assert not cal.is_working_day(date(2031, 1, 1))
    assert cal.holiday_name(date(2031, 1, 2)) == "元旦"
    assert cal.is_working_day(date(2031, 1, 4))  # Saturday, makeup
    assert not cal.is_working_day(date(2031, 1, 5))  # Sunday
    assert cal.next_working_day(date(2031, 1, 1)) == date(2031, 1, 3)
    assert "测试用虚构安排" in cal.sources[2031] and "2030-11-01" in cal.sources[2031]
    with pytest.raises(CalendarNotCovered):
        cal.is_working_day(date(2030, 6, 3))


def test_toml_year_replaces_a_package_year_wholesale(tmp_path):
    write(tmp_path, "2025.toml", SYNTHETIC_2031.replace("2031", "2025").replace("2030", "2024"))
    cal = load_calendar(tmp_path)
    assert cal.is_working_day(date(2025, 10, 1))  # package's 国庆 is gone: only the TOML counts
    assert not cal.is_working_day(date(2025, 1, 1))
    assert cal.is_working_day(date(2026, 2, 14))  # other years untouched


@pytest.mark.parametrize(
    "name, text, key",
    [
        ("2032.toml", SYNTHETIC_2031, "year"),  # year differs from file name
        ("2031.toml", SYNTHETIC_2031.replace('2031-01-02 = "元旦"', '2032-01-02 = "元旦"'), "holidays.2032-01-02"),
        ("2031.toml", SYNTHETIC_2031.replace('2031-01-02 = "元旦"', '"2031-1-2" = "元旦"'), "holidays.2031-1-2"),
        ("2031.toml", SYNTHETIC_2031.replace("2031-01-04 =", "2031-01-01 ="), "makeup_workdays.2031-01-01"),
        ("2031.toml", SYNTHETIC_2031.replace("2031-01-04 =", "2031-01-06 ="), "makeup_workdays.2031-01-06"),
        ("2031.toml", SYNTHETIC_2031 + 'note = "x"\n', "makeup_workdays.note"),  # inside the table: not a date
        ("2031.toml", SYNTHETIC_2031.replace("source =", "sauce ="), "sauce"),
        ("2031.toml", SYNTHETIC_2031.replace("[1, 2, 3, 4, 5]", "[1, 2, 3, 4, 5, 6]"), "workweek"),
        ("calendar-2031.toml", SYNTHETIC_2031, ""),
    ],
)
def test_malformed_calendar_files_are_rejected(tmp_path, name, text, key):
    write(tmp_path, name, text)
    with pytest.raises(PolicyDataError) as ei:
        load_calendar(tmp_path)
    assert name in str(ei.value)
    assert key in ei.value.key


def test_missing_explicit_directory_is_an_error(tmp_path):
    with pytest.raises(PolicyDataError):
        load_calendar(tmp_path / "nope")


def test_datetime_is_refused(cal):
    from datetime import datetime

    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2025, 10, 1, 10))
