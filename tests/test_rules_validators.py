"""Input validators: every failure is a DomainError with a code, never another exception."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rules_helpers import D, refused
from stdnum.cn import ric

from gjj.fixtures.generators import Generator
from gjj.fixtures.regions import CHANGZHOU, OTHER, valid_in
from gjj.simulator.domain import validators as V
from gjj.simulator.domain.messages import DomainError
from gjj.simulator.domain.months import Month

# ---- ID numbers (GB 11643) ---------------------------------------------------------------------


def make_id(region: str, born: date, seq: int) -> str:
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "?")


def id_with_x() -> str:
    for seq in range(1000):
        n = make_id("320402", date(1990, 3, 7), seq)
        if n.endswith("X"):
            return n
    raise AssertionError("no seq gives an X check digit")


VALID_ID = make_id("320402", date(1990, 3, 7), 123)
X_ID = id_with_x()

_REGIONS = sorted({**CHANGZHOU, **OTHER})


@st.composite
def valid_ids(draw) -> str:
    region = draw(st.sampled_from(_REGIONS))
    born = draw(st.dates(date(1960, 1, 1), date(2004, 12, 31)))
    assume(valid_in(region, born.year))
    return make_id(region, born, draw(st.integers(0, 999)))


def test_constructed_id_numbers_are_what_the_tests_think():
    assert VALID_ID == "320402199003071235"
    assert X_ID.endswith("X") and len(X_ID) == 18


def test_valid_id_number_is_accepted_unchanged():
    assert V.id_number(VALID_ID) == VALID_ID


def test_id_number_with_lowercase_x_is_normalised_to_uppercase():
    assert V.id_number(X_ID[:-1] + "x") == X_ID
    assert V.id_number(X_ID) == X_ID


def test_id_number_surrounding_spaces_are_trimmed():
    assert V.id_number(f"  {VALID_ID}\t") == VALID_ID


def test_id_number_with_a_wrong_check_digit_is_refused():
    wrong = VALID_ID[:-1] + ("6" if VALID_ID[-1] != "6" else "7")
    err = refused("INVALID_ID_NUMBER", V.id_number, wrong)
    assert wrong in err.detail
    assert err.msg.status == 422


def test_id_number_with_an_impossible_birth_date_is_refused_even_with_a_right_check_digit():
    bad = "32040219900230" + "123"
    bad += ric.calc_check_digit(bad + "?")
    refused("INVALID_ID_NUMBER", V.id_number, bad)


def test_id_number_with_an_unknown_region_is_refused():
    refused("INVALID_ID_NUMBER", V.id_number, make_id("999999", date(1990, 3, 7), 123))


@pytest.mark.parametrize("value", [
    VALID_ID[:17],                      # 17 digits
    VALID_ID + "1",                     # 19 characters
    "320402900307123",                  # old 15-digit number
    "",
    VALID_ID[:8] + " " + VALID_ID[8:],  # inner space
    VALID_ID[:8] + "-" + VALID_ID[8:],
    "X" * 18,
    None, 320402199003071235, b"320402199003071235",
])
def test_malformed_id_numbers_are_refused(value):
    refused("INVALID_ID_NUMBER", V.id_number, value)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(valid_ids())
def test_any_well_formed_id_number_is_accepted_and_returned_unchanged(number):
    assert V.id_number(number) == number


@settings(max_examples=200, deadline=None, derandomize=True)
@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_single_character_of_a_valid_id_number_is_refused(number, pos, ch):
    assume(number[pos] != ch)
    changed = number[:pos] + ch + number[pos + 1:]
    refused("INVALID_ID_NUMBER", V.id_number, changed)


def test_id_number_typed_with_full_width_digits_is_normalised_or_refused():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)  # "３２０４０２…"
    try:
        result = V.id_number(full_width)
    except DomainError:
        return
    assert result == VALID_ID


# ---- unified social credit codes (GB 32100) --------------------------------------------------------

USCC = Generator(0).uscc(prefix="91")


def test_valid_credit_code_is_accepted_and_upper_cased():
    assert V.credit_code(USCC) == USCC
    assert V.credit_code(USCC.lower()) == USCC
    assert V.credit_code(f" {USCC} ") == USCC


@pytest.mark.parametrize("value", ["", None, "91320400MA5CEGER7", "9132040OMA5CEGER7L0", 12345])
def test_malformed_credit_codes_are_refused(value):
    refused("INVALID_USCC", V.credit_code, value)


def test_credit_code_with_a_wrong_check_character_is_refused():
    last = "0" if USCC[-1] != "0" else "1"
    refused("INVALID_USCC", V.credit_code, USCC[:-1] + last)


def test_credit_code_typed_with_full_width_digits_is_normalised_or_refused():
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in USCC)
    try:
        result = V.credit_code(full_width)
    except DomainError:
        return
    assert result == USCC


# ---- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["张三", "陶喆", "王𠮷", "𠮷田", "欧阳娜娜", "买买提·艾力", "㐀㐁"])
def test_names_of_cjk_ideographs_including_rare_ones_are_accepted(name):
    assert V.person_name(name) == name


def test_supplementary_plane_character_is_one_character_not_two():
    assert V.person_name("王\U00020BB7") == "王𠮷"
    assert len("王\U00020BB7") == 2


@pytest.mark.parametrize("dot", ["\u00b7", "\u2022", "\u30fb", "\uff0e", "\u2027", "\u0387"])
def test_middle_dot_variants_are_normalised_to_u00b7(dot):
    assert V.person_name(f"买买提{dot}艾力") == "买买提\u00b7艾力"


def test_surrounding_spaces_are_trimmed_from_a_name():
    assert V.person_name("  张三\u3000") == "张三"


@pytest.mark.parametrize("name,reason", [
    ("张 三", "空格"), ("张\u3000三", "空格"), ("张\t三", "空格"),
    ("", "不能为空"), ("   ", "不能为空"),
    ("Zhang San", "空格"), ("Zhang", "不允许的字符"), ("张a", "不允许的字符"), ("张3", "不允许的字符"),
    ("张三！", "不允许的字符"), ("张\u200b三", "不允许的字符"),
    ("·艾力", "间隔号"), ("艾力·", "间隔号"), ("买买提··艾力", "间隔号"), ("·", "间隔号"),
    ("张" * 31, "30"),
])
def test_names_with_spaces_latin_letters_misplaced_dots_or_too_long_are_refused(name, reason):
    err = refused("INVALID_NAME", V.person_name, name)
    assert reason in err.detail


def test_thirty_character_name_is_accepted():
    assert V.person_name("张" * 30) == "张" * 30


@pytest.mark.parametrize("value", [None, 123, b"\xe5\xbc\xa0"])
def test_non_text_name_is_refused(value):
    refused("INVALID_NAME", V.person_name, value)


@pytest.mark.parametrize("name", ["\u2ec4门庆", "王\u31c0"])
def test_cjk_radicals_and_strokes_are_not_name_characters(name):
    refused("INVALID_NAME", V.person_name, name)


# ---- months ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2025-03", "202503", " 2025-03 "])
def test_month_in_api_or_storage_form_is_accepted(text):
    assert V.month(text) == Month(2025, 3)


def test_month_object_passes_through():
    assert V.month(Month(2025, 3)) == Month(2025, 3)


@pytest.mark.parametrize("value", ["2025-13", "2025-00", "202513", "25-03", "2025-3", "20253", "2025/03",
                                   "2025年3月", "", " ", "1899-12", "3000-01", "2025-03-01", None, 202503,
                                   2025.03, ["2025-03"]])
def test_malformed_months_are_refused(value):
    err = refused("INVALID_MONTH", V.month, value)
    assert "YYYY-MM" in err.detail


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.integers(0, 9999), st.integers(0, 99), st.booleans())
def test_month_is_accepted_exactly_when_year_and_month_are_in_range(year, mon, dash):
    text = f"{year:04d}{'-' if dash else ''}{mon:02d}"
    ok = 1900 <= year <= 2999 and 1 <= mon <= 12
    if ok:
        assert V.month(text) == Month(year, mon)
        assert str(V.month(text)) == f"{year:04d}-{mon:02d}"
    else:
        refused("INVALID_MONTH", V.month, text)


# ---- amounts ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value,expected", [
    ("0.01", "0.01"), ("1", "1.00"), ("1234.5", "1234.50"), ("6084.00", "6084.00"), (" 99.9 ", "99.90"),
    (D("1.1"), "1.10"), (5, "5.00"), ("10000000", "10000000.00"),
])
def test_positive_amounts_with_at_most_two_decimals_are_accepted_exactly(value, expected):
    result = V.amount(value)
    assert isinstance(result, Decimal)
    assert str(result) == expected


@pytest.mark.parametrize("value", ["1.001", "0.001", "1.000", "6084.125", D("0.005")])
def test_amounts_with_more_than_two_decimals_are_refused(value):
    refused("INVALID_AMOUNT", V.amount, value)


@pytest.mark.parametrize("value", ["0", "0.00", "-0", "-1", "-0.01", 0, -5, D("0")])
def test_zero_and_negative_amounts_are_refused(value):
    refused("INVALID_AMOUNT", V.amount, value)


@pytest.mark.parametrize("value", [1.5, 0.1, 100.0, float("nan"), float("inf"), True, False, None, [1]])
def test_floats_booleans_and_other_types_are_refused(value):
    refused("INVALID_AMOUNT", V.amount, value)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "abc", "", "1,000", "￥100",
                                   "10000000.01", "1e999999"])
def test_non_numbers_and_absurd_amounts_are_refused(value):
    refused("INVALID_AMOUNT", V.amount, value)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2))
def test_every_two_place_amount_in_range_round_trips_exactly(d):
    assert V.amount(str(d)) == d
    assert V.amount(d) == d


# ---- mobile -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["13800138000", "19912345678", " 15042858630 "])
def test_mainland_mobile_numbers_are_accepted(value):
    assert V.mobile(value) == value.strip()


@pytest.mark.parametrize("value", ["12800138000", "1380013800", "138001380000", "+8613800138000",
                                   "138-0013-8000", "", None, 13800138000, "２３８００１３８０００"])
def test_malformed_mobile_numbers_are_refused(value):
    refused("INVALID_MOBILE", V.mobile, value)


@pytest.mark.parametrize("value", ["138001380\u0660\u0660", "13\uff18\uff10\uff10\uff11\uff13\uff18\uff10\uff10\uff10"])
def test_mobile_with_non_ascii_digits_is_refused_or_normalised(value):
    try:
        result = V.mobile(value)
    except DomainError:
        return
    assert result.isascii()


# ---- every string: a value or a DomainError, nothing else ---------------------------------------

VALIDATORS = [V.id_number, V.person_name, V.month, V.amount, V.credit_code, V.mobile, V.rate,
              V.new_pin, V.query_password]

_near_valid = st.one_of(
    st.text(),
    st.text(alphabet="0123456789Xx-. \u00b7\uff10\uff11\u0660eE+", max_size=24),
    st.from_regex(r"\A\d{4}-?\d{2}\Z"),
    st.from_regex(r"\A\d{17}[\dXx]\Z"),
    st.from_regex(r"\A-?\d{0,9}(\.\d{0,4})?\Z"),
    st.text(alphabet=st.characters(min_codepoint=0x2E80, max_codepoint=0x2FFFF), max_size=8),
)


@pytest.mark.parametrize("validate", VALIDATORS, ids=lambda f: f.__name__)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(value=_near_valid)
def test_any_string_either_validates_or_raises_a_domain_error(validate, value):
    try:
        validate(value)
    except DomainError as e:
        assert e.code and e.detail  # a code and a readable message, never a 500
        assert e.msg.status in (401, 404, 409, 422, 423)


@pytest.mark.parametrize("validate", VALIDATORS, ids=lambda f: f.__name__)
@settings(max_examples=100, deadline=None, derandomize=True)
@given(value=st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(),
                       st.binary(max_size=20), st.lists(st.integers(), max_size=3),
                       st.decimals(allow_nan=True, allow_infinity=True)))
def test_any_non_string_either_validates_or_raises_a_domain_error(validate, value):
    try:
        validate(value)
    except DomainError:
        pass


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dates(date(1960, 1, 1), date(2004, 12, 31)))
def test_id_number_birth_dates_are_checked_against_the_calendar(born):
    assert V.id_number(make_id("320400", born, 1)) == make_id("320400", born, 1)
    # the day after the last of the month, written as that month's day 31/30/29
    nxt = born.replace(day=1) + timedelta(days=32)
    last_day = (nxt.replace(day=1) - timedelta(days=1)).day
    if last_day < 31:
        body = f"320400{born:%Y%m}{last_day + 1:02d}001"
        refused("INVALID_ID_NUMBER", V.id_number, body + ric.calc_check_digit(body + "?"))


def test_full_width_check_letter_x_is_normalised():
    for seq in range(100, 200):
        first17 = f"32040219800101{seq:03d}"
        if ric.calc_check_digit(first17 + "?") == "X":
            break
    assert V.id_number(first17 + "Ｘ") == first17 + "X"
