"""Dated policy parameters: as_of boundaries, the strict loader, value objects, version."""
from __future__ import annotations

import ast
import shutil
import sys
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from gjj.simulator.domain import policy as policy_module
from gjj.simulator.domain.policy import (
    PARAMETERS,
    BaseLimits,
    BusinessHours,
    PolicyBook,
    PolicyError,
    PolicyNotInForce,
    RateRange,
    Rounding,
)
from gjj.simulator.policy import PolicyDataError, load_policy
from gjj.simulator.policy.loader import DEFAULT_POLICY_DIR

D = Decimal


@pytest.fixture(scope="module")
def book() -> PolicyBook:
    return load_policy()


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "policy"
    dst.mkdir()
    for f in DEFAULT_POLICY_DIR.glob("*.toml"):
        shutil.copy(f, dst / f.name)
    return dst


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---- as_of ----

def test_every_parameter_is_in_force_on_the_guides_date(book):
    snap = book.as_of(date(2019, 6, 1))
    assert set(snap.meta) == set(PARAMETERS)
    assert snap.business_hours == BusinessHours(time(9), time(17))
    assert snap.initial_pin == "123456"
    assert snap.pin_attempt_limit == 10
    assert snap.session_ttl_minutes == 30
    assert snap.certificate_followup_days == 14
    assert (snap.next_day_rule.publish, snap.next_day_rule.visible_from) == ("nightly", "next_working_day_business_start")
    assert snap.rate_range == RateRange(D("0.05"), D("0.12"), D("0.01"), D("0.08"), True)
    assert snap.rounding == Rounding("ROUND_HALF_UP", D("1"))


@pytest.mark.parametrize(
    "on, expected",
    [
        (date(2025, 6, 30), BaseLimits(D("2020"), D("24000"))),  # day before the change
        (date(2025, 7, 1), BaseLimits(D("2490"), D("35000"))),  # the effective day itself
        (date(2025, 7, 2), BaseLimits(D("2490"), D("35000"))),  # day after
    ],
)
def test_base_limits_switch_on_their_effective_date(book, on, expected):
    snap = book.as_of(on)
    assert snap.base_limits == expected
    assert snap.meta["base_limits"].effective_from <= on


def test_a_day_before_any_value_is_not_in_force(book):
    with pytest.raises(PolicyNotInForce) as ei:
        book.as_of(date(2019, 5, 31))
    e = ei.value
    assert isinstance(e, PolicyError) and e.code == "POLICY_NOT_IN_FORCE"
    assert e.parameter == PARAMETERS[0] and e.on == date(2019, 5, 31)
    assert "2019-05-31" in str(e) and f"fixtures/policy/{e.parameter}.toml" in str(e)
    assert str(e) == e.message_zh


def test_history_lists_dated_values_in_order(book):
    hist = book.history("base_limits")
    assert [m.effective_from for m, _ in hist] == [date(2019, 6, 1), date(2025, 7, 1)]
    assert all(not m.verified and "占位" in m.source for m, _ in hist)
    with pytest.raises(KeyError):
        book.history("no_such_parameter")


def test_unverified_lists_only_assumptions(book):
    names = {m.parameter for m in book.as_of(date(2025, 1, 2)).unverified()}
    assert names == {"pin_attempt_limit", "rate_range", "base_limits", "rounding", "session_ttl_minutes"}


def test_every_value_has_a_source(book):
    for name in PARAMETERS:
        for meta, _ in book.history(name):
            assert meta.source.strip()
            assert not meta.verified or meta.last_confirmed is not None


# ---- strict loader ----

def test_unknown_key_is_rejected(policy_copy):
    edit(policy_copy / "rounding.toml", 'quantum = "1"', 'quantum = "1"\nprecision = 2')
    with pytest.raises(PolicyDataError, match=r"rounding\.toml.*values\[0\]\.precision.*unknown key"):
        load_policy(policy_copy)


def test_missing_required_key_is_rejected(policy_copy):
    path = policy_copy / "initial_pin.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(x for x in lines if not x.startswith("source =")), encoding="utf-8")
    with pytest.raises(PolicyDataError, match=r"initial_pin\.toml.*values\[0\]\.source.*missing"):
        load_policy(policy_copy)


def test_verified_value_needs_a_confirmation_date(policy_copy):
    edit(policy_copy / "initial_pin.toml", "last_confirmed = 2019-06-01\n", "")
    with pytest.raises(PolicyDataError, match=r"initial_pin\.toml.*last_confirmed"):
        load_policy(policy_copy)


def test_duplicate_effective_date_is_rejected(policy_copy):
    edit(policy_copy / "base_limits.toml", "effective_from = 2025-07-01", "effective_from = 2019-06-01")
    with pytest.raises(PolicyDataError, match=r"base_limits\.toml.*values\[1\]\.effective_from.*duplicate"):
        load_policy(policy_copy)


def test_values_out_of_order_are_rejected(policy_copy):
    edit(policy_copy / "base_limits.toml", "effective_from = 2025-07-01", "effective_from = 2019-01-01")
    with pytest.raises(PolicyDataError, match=r"base_limits\.toml.*out of order"):
        load_policy(policy_copy)


def test_unquoted_time_is_rejected_with_a_hint(policy_copy):
    edit(policy_copy / "business_hours.toml", 'start = "09:00:00"', "start = 09:00:00")
    with pytest.raises(PolicyDataError) as ei:
        load_policy(policy_copy)
    msg = str(ei.value)
    assert "business_hours.toml" in msg and "values[0].start" in msg
    assert '"09:00:00"' in msg and "加引号" in msg


def test_unquoted_rate_is_rejected(policy_copy):
    edit(policy_copy / "rate_range.toml", 'min = "0.05"', "min = 0.05")
    with pytest.raises(PolicyDataError, match=r"rate_range\.toml.*values\[0\]\.min.*quoted"):
        load_policy(policy_copy)


def test_non_decimal_amount_is_rejected(policy_copy):
    edit(policy_copy / "base_limits.toml", 'max = "24000"', 'max = "两万四"')
    with pytest.raises(PolicyDataError, match=r"base_limits\.toml.*max.*not a decimal"):
        load_policy(policy_copy)


def test_file_whose_parameter_differs_from_its_name_is_rejected(policy_copy):
    (policy_copy / "rounding.toml").rename(policy_copy / "rounding_rule.toml")
    with pytest.raises(PolicyDataError, match=r"rounding_rule\.toml"):
        load_policy(policy_copy)
    (policy_copy / "rounding_rule.toml").rename(policy_copy / "rounding.toml")
    edit(policy_copy / "rounding.toml", 'parameter = "rounding"', 'parameter = "base_limits"')
    with pytest.raises(PolicyDataError, match=r"rounding\.toml.*parameter"):
        load_policy(policy_copy)


def test_missing_parameter_file_is_rejected(policy_copy):
    (policy_copy / "session_ttl_minutes.toml").unlink()
    with pytest.raises(PolicyDataError, match=r"session_ttl_minutes\.toml.*missing"):
        load_policy(policy_copy)


def test_domain_invariant_violation_names_the_file(policy_copy):
    edit(policy_copy / "business_hours.toml", 'end = "17:00:00"', 'end = "08:00"')
    with pytest.raises(PolicyDataError, match=r"business_hours\.toml.*values\[0\]"):
        load_policy(policy_copy)


def test_a_future_value_waits_for_its_date(policy_copy):
    edit(
        policy_copy / "session_ttl_minutes.toml",
        'note = ""',
        'note = ""\n\n[[values]]\neffective_from = 2030-01-01\nvalue = 15\nverified = false\nsource = "测试"',
    )
    book = load_policy(policy_copy)
    assert book.as_of(date(2029, 12, 31)).session_ttl_minutes == 30
    assert book.as_of(date(2030, 1, 1)).session_ttl_minutes == 15


# ---- version ----

def test_version_is_stable_and_follows_the_data(policy_copy):
    a, b = load_policy(policy_copy).version, load_policy(policy_copy).version
    assert a == b and len(a) == 12 and int(a, 16) >= 0
    assert load_policy().version == a  # same content as the shipped data
    edit(policy_copy / "session_ttl_minutes.toml", "value = 30", "value = 31")
    assert load_policy(policy_copy).version != a


# ---- value objects ----

@pytest.mark.parametrize(
    "t, inside",
    [(time(8, 59, 59), False), (time(9, 0, 0), True), (time(16, 59, 59), True), (time(17, 0, 0), False)],
)
def test_business_hours_are_half_open(book, t, inside):
    assert book.as_of(date(2025, 3, 3)).business_hours.contains(t) is inside


@pytest.mark.parametrize(
    "mode, x, expected",
    [
        ("ROUND_HALF_UP", "2.5", "3"), ("ROUND_HALF_UP", "2.49", "2"),
        ("ROUND_DOWN", "2.99", "2"), ("ROUND_DOWN", "2.5", "2"),
        ("ROUND_UP", "2.01", "3"), ("ROUND_UP", "2", "2"),
        ("ROUND_HALF_EVEN", "2.5", "2"), ("ROUND_HALF_EVEN", "3.5", "4"),
    ],
)
def test_rounding_modes(mode, x, expected):
    assert Rounding(mode, D("1")).apply(D(x)) == D(expected)


def test_rounding_to_cents_and_bad_mode():
    assert Rounding("ROUND_HALF_UP", D("0.01")).apply(D("240.005")) == D("240.01")
    with pytest.raises(ValueError):
        Rounding("ROUND_CEILING", D("1"))


@pytest.mark.parametrize("rate, ok", [("0.05", True), ("0.12", True), ("0.08", True),
                                      ("0.04", False), ("0.13", False), ("0.055", False)])
def test_rate_range_edges(book, rate, ok):
    assert book.as_of(date(2025, 3, 3)).rate_range.check(D(rate)) is ok


def test_equal_rates_are_required(book):
    rr = book.as_of(date(2025, 3, 3)).rate_range
    assert rr.check_pair(D("0.1"), D("0.10"))
    assert not rr.check_pair(D("0.10"), D("0.12"))


def test_domain_module_is_pure():
    tree = ast.parse(Path(policy_module.__file__).read_text(encoding="utf-8"))
    roots = {
        (n.module if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
        for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in (n.names if isinstance(n, ast.Import) else [n])
    }
    assert roots <= set(sys.stdlib_module_names) | {"__future__"}, roots
