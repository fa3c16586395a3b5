"""Money (人民币大写, monthly amounts), 汇(补)缴书 slips (3.2.2, 3.2.3) and receipts (3.2, 3.8, 3.9)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import D, M, policy, refused, unit, unit_months

from gjj.simulator.domain.model import BusinessType
from gjj.simulator.domain.money import capitals, monthly_amount
from gjj.simulator.domain.policy import Rounding
from gjj.simulator.domain.rules import receipts
from gjj.simulator.domain.rules.slips import Line, build_slip, check_printable

ROUNDING = policy().rounding

# ---- 人民币大写 ------------------------------------------------------------------------------

CAPITALS = [
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("11", "壹拾壹元整"),
    ("20", "贰拾元整"),
    ("100.5", "壹佰元伍角整"),
    ("100.50", "壹佰元伍角整"),
    ("101", "壹佰零壹元整"),
    ("110", "壹佰壹拾元整"),
    ("1001", "壹仟零壹元整"),
    ("1010", "壹仟零壹拾元整"),
    ("10000", "壹万元整"),
    ("10010.01", "壹万零壹拾元零壹分"),
    ("100100", "壹拾万零壹佰元整"),
    ("1000000", "壹佰万元整"),
    ("1000001", "壹佰万零壹元整"),
    ("10001000", "壹仟万壹仟元整"),
    ("12345678.9", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
    ("100000000", "壹亿元整"),
    ("100000001", "壹亿零壹元整"),
    ("100010000", "壹亿零壹万元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("101000000", "壹亿零壹佰万元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("0.5", "伍角整"),
    ("0.05", "伍分"),
    ("0.55", "伍角伍分"),
    ("1.05", "壹元零伍分"),
    ("1.5", "壹元伍角整"),
    ("974", "玖佰柒拾肆元整"),
    # the worked examples of 中国人民银行《支付结算办法》附件 (variants without the optional 零)
    ("1409.50", "壹仟肆佰零玖元伍角整"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
]


@pytest.mark.parametrize("amount,expected", CAPITALS)
def test_capitals_follow_the_standard_rules(amount, expected):
    assert capitals(D(amount)) == expected


def test_capitals_round_to_the_fen_half_up():
    assert capitals(D("1.005")) == "壹元零壹分"
    assert capitals(D("1.004")) == "壹元整"


def test_capitals_of_a_negative_amount_are_prefixed():
    assert capitals(D("-1")) == "负壹元整"


_DIG = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿"]


def reference_capitals(fen_total: int) -> str:
    """An independent digit-scan implementation (yuan below 10^12), for the property test.

    A run of zeros inside the number is read as one 零; zeros that merely end a
    non-empty 4-digit group (before 万/亿) are not read; 角 zero and 分 not: 元零X分."""
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    out = ""
    if yuan:
        digits = str(yuan)
        n = len(digits)
        zero = False
        for i, ch in enumerate(digits):
            pos = n - 1 - i
            d = int(ch)
            if d == 0:
                zero = True
            else:
                out += ("零" if zero else "") + _DIG[d] + _SMALL[pos % 4]
                zero = False
            if pos % 4 == 0 and pos > 0:
                group = digits[max(0, i - 3):i + 1]
                if int(group):
                    out += _BIG[pos // 4]
                    zero = False
        out += "元"
    if jiao == 0 and fen == 0:
        return (out or "零元") + "整"
    if jiao:
        out += _DIG[jiao] + "角"
    elif out:
        out += "零"
    return out + (_DIG[fen] + "分" if fen else "整")


def parse_capitals(text: str) -> int:
    """Read 大写 back into fen."""
    dig = {c: i for i, c in enumerate(_DIG)}
    body = text[:-1] if text.endswith("整") else text
    int_part, _, frac = body.rpartition("元") if "元" in body else ("", "", body)

    def small(t: str) -> int:
        v, cur = 0, 0
        for ch in t:
            if ch == "零":
                continue
            if ch in dig:
                cur = dig[ch]
            else:
                v += cur * {"拾": 10, "佰": 100, "仟": 1000}[ch]
                cur = 0
        return v + cur

    def whole(t: str) -> int:
        if "亿" in t:
            hi, lo = t.rsplit("亿", 1)
            return whole(hi) * 10**8 + whole(lo)
        if "万" in t:
            hi, lo = t.split("万", 1)
            return small(hi) * 10**4 + small(lo)
        return small(t)

    fen = whole(int_part) * 100
    frac = frac.removeprefix("零")
    if "角" in frac:
        d, frac = frac.split("角", 1)
        fen += dig[d] * 10
    if "分" in frac:
        d, frac = frac.split("分", 1)
        fen += dig[d]
    assert frac == "", text
    return fen


def test_reference_implementation_agrees_with_the_table():
    for amount, expected in CAPITALS:
        fen = int(D(amount) * 100)
        assert reference_capitals(fen) == expected, amount
        assert parse_capitals(expected) == fen, amount


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.one_of(st.integers(0, 10**14 - 1),                                      # up to 10^12 yuan
                 st.integers(0, 99_999_999).map(lambda n: n * 100),                # whole yuan
                 st.lists(st.sampled_from([0, 0, 0, 1, 5, 9]), min_size=1, max_size=14)
                 .map(lambda ds: int("".join(map(str, ds))))))                     # many zeros
def test_capitals_read_back_to_the_same_amount_and_match_the_reference(fen):
    amount = Decimal(fen) / 100
    text = capitals(amount)
    assert parse_capitals(text) == fen
    assert text == reference_capitals(fen)
    assert "零零" not in text
    if fen:
        assert not any("零" + u in text for u in "元万亿整角分")
        assert not text.startswith("零")
    assert text.endswith("整") == (fen % 10 == 0)


# ---- monthly amounts ------------------------------------------------------------------------

def test_monthly_amount_is_base_times_rate_rounded_half_up_to_the_yuan_on_each_side():
    amt = monthly_amount(D("6084"), D("0.08"), D("0.08"), ROUNDING)
    assert D("6084") * D("0.08") == D("486.72")
    assert amt.unit == D("487") and amt.personal == D("487") and amt.total == D("974")


def test_monthly_amount_half_yuan_rounds_up():
    amt = monthly_amount(D("6106.25"), D("0.08"), D("0.08"), ROUNDING)  # 488.5
    assert amt.unit == D("489")


def test_monthly_amount_below_half_rounds_down():
    amt = monthly_amount(D("6084"), D("0.12"), D("0.12"), ROUNDING)  # 730.08
    assert amt.unit == D("730")


def test_monthly_amount_rounds_each_side_separately():
    amt = monthly_amount(D("6106.25"), D("0.08"), D("0.12"), ROUNDING)  # 488.5 and 732.75
    assert (amt.unit, amt.personal) == (D("489"), D("733"))


def test_monthly_amount_follows_another_rounding_policy():
    assert monthly_amount(D("6084"), D("0.08"), D("0.08"), Rounding("ROUND_DOWN", D("1"))).unit == D("486")
    assert monthly_amount(D("6084"), D("0.08"), D("0.08"), Rounding("ROUND_HALF_UP", D("0.01"))).unit == D("486.72")
    assert monthly_amount(D("6106.25"), D("0.08"), D("0.08"),
                          Rounding("ROUND_HALF_EVEN", D("1"))).unit == D("488")


# ---- slips -------------------------------------------------------------------------------

def test_slip_counts_joiners_leavers_and_a_base_change_so_that_previous_plus_increase_minus_decrease_is_current():
    previous = {"A": D("960"), "B": D("800"), "C": D("500")}
    current = {"A": D("1000"), "B": D("700"), "D": D("640")}  # A raised, B lowered, C left, D joined
    slip = build_slip(unit(), M("2025-02"), previous, current, Line(1, D("974")), date(2025, 3, 5))
    assert slip.previous == Line(3, D("2260"))
    assert slip.increase == Line(1, D("680"))    # D joins (640) + A's raise (40)
    assert slip.decrease == Line(1, D("600"))    # C leaves (500) + B's cut (100)
    assert slip.current == Line(3, D("2340"))
    for attr in ("count", "amount"):
        assert (getattr(slip.previous, attr) + getattr(slip.increase, attr)
                - getattr(slip.decrease, attr)) == getattr(slip.current, attr)
    assert slip.total == D("3314")
    assert slip.total_capitals == "叁仟叁佰壹拾肆元整"
    assert (slip.unit_account_no, slip.month, slip.printed_on) == (unit().account_no, M("2025-02"), date(2025, 3, 5))


def test_slip_for_a_first_month_has_everyone_as_an_increase():
    slip = build_slip(unit(), M("2024-01"), {}, {"A": D("974")}, Line(0, D("0")), date(2024, 2, 5))
    assert slip.previous == Line(0, D("0"))
    assert slip.increase == Line(1, D("974")) and slip.decrease == Line(0, D("0"))
    assert slip.total_capitals == "玖佰柒拾肆元整"


_amounts = st.decimals(min_value=D("0.01"), max_value=D("20000"), places=2)
_people = st.dictionaries(st.sampled_from([f"P{i}" for i in range(12)]), _amounts, max_size=12)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_people, _people)
def test_slip_identity_holds_for_counts_and_amounts_whatever_the_changes(previous, current):
    slip = build_slip(unit(), M("2025-02"), previous, current, Line(0, D("0")), date(2025, 3, 5))
    assert slip.previous.count + slip.increase.count - slip.decrease.count == slip.current.count
    assert slip.previous.amount + slip.increase.amount - slip.decrease.amount == slip.current.amount
    assert slip.increase.amount >= 0 and slip.decrease.amount >= 0
    assert slip.increase.count == len(set(current) - set(previous))
    assert slip.decrease.count == len(set(previous) - set(current))


def test_slip_is_printable_for_a_remitted_month_of_an_entrusted_unit():
    assert check_printable(unit(entrusted=True), unit_months("2024-01", "2025-02"), M("2025-02")) is None
    check_printable(unit(entrusted=True), unit_months("2024-01", "2025-02"), M("2024-01"))


def test_slip_is_not_printable_online_for_a_unit_not_on_entrusted_collection():
    err = refused("SLIP_NOT_ENTRUSTED", check_printable, unit(entrusted=False),
                  unit_months("2024-01", "2025-02"), M("2025-02"))
    assert err.clause == "3.2.2"
    assert "汇缴受理点" in err.detail


@pytest.mark.parametrize("month", ["2025-03", "2023-12", "2026-01"])
def test_slip_for_a_month_not_remitted_is_refused(month):
    err = refused("SLIP_MONTH_NOT_REMITTED", check_printable, unit(entrusted=True),
                  unit_months("2024-01", "2025-02"), M(month))
    assert err.clause == "3.2.3"
    assert month in err.detail


def test_slip_of_a_unit_that_never_remitted_is_refused():
    refused("SLIP_MONTH_NOT_REMITTED", check_printable, unit(entrusted=True),
            unit_months("2025-03", None), M("2025-03"))


# ---- receipts: what the unit still has to do ----------------------------------------------------

def test_establish_receipt_names_both_ways_to_get_the_storage_card():
    todo, _notes = receipts.follow_ups(BusinessType.ESTABLISH, unit(entrusted=True))
    card = [t for t in todo if "储存卡" in t]
    assert len(card) == 1
    assert receipts.STORAGE_CARD_WAYS[0] in card[0] and receipts.STORAGE_CARD_WAYS[1] in card[0]
    assert "职工本人携带身份证原件" in card[0]
    assert "单位经办人携带单位登记证（原件或加盖公章的复印件）" in card[0]
    assert "两种" in card[0]


@pytest.mark.parametrize("business", [b for b in BusinessType if b is not BusinessType.DEPOSIT_VERIFICATION])
def test_unit_not_on_entrusted_collection_is_told_to_go_to_a_collection_point(business):
    todo, notes = receipts.follow_ups(business, unit(entrusted=False))
    assert any("汇缴受理点" in t and "汇（补）缴书" in t for t in todo)
    assert not any("查询打印" in n for n in notes)


@pytest.mark.parametrize("business", [BusinessType.SEAL, BusinessType.UNSEAL, BusinessType.BACK_PAY,
                                      BusinessType.BASE_ADJUSTMENT])
def test_entrusted_unit_has_nothing_to_do_and_is_told_about_query_print(business):
    todo, notes = receipts.follow_ups(business, unit(entrusted=True))
    assert todo == ()
    assert notes[0] == "本业务提交后无需再到公积金窗口交纳材料。"
    assert any("查询打印" in n and "不再邮寄" in n for n in notes)


def test_entrusted_unit_establishing_has_only_the_storage_card_to_do():
    todo, notes = receipts.follow_ups(BusinessType.ESTABLISH, unit(entrusted=True))
    assert len(todo) == 1 and "储存卡" in todo[0]
    assert any("查询打印" in n for n in notes)
    assert "本业务提交后无需再到公积金窗口交纳材料。" not in notes


@pytest.mark.parametrize("entrusted", [True, False])
def test_transfer_receipt_says_to_unseal_with_a_base(entrusted):
    todo, _ = receipts.follow_ups(BusinessType.TRANSFER, unit(entrusted=entrusted))
    assert any("职工启封（设置基数）" in t and "封存" in t for t in todo)


@pytest.mark.parametrize("entrusted", [True, False])
def test_deposit_verification_receipt_says_nothing_about_slips(entrusted):
    todo, notes = receipts.follow_ups(BusinessType.DEPOSIT_VERIFICATION, unit(entrusted=entrusted))
    assert todo == ()
    assert notes == ("本业务提交后无需再到公积金窗口交纳材料。",)
