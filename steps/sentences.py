"""How a step's sentence becomes typed values: the parse types of the specification's phrases
(months, amounts, moments, quoted names, the words of dsl/terms.py) and `sentence()`, the parser
every step definition uses, so that step bodies receive values in the contract's form.

Each type matches only what it can convert: a phrase outside the vocabulary leaves the step
unmatched ("step definition not found" names the sentence), never half-parsed."""
from __future__ import annotations

import re

from parse import with_pattern
from pytest_bdd import parsers

from .dsl import terms

_MONTH = r"\d{4}年\d{1,2}月"


def _one_of(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@with_pattern(r"[^”]+")
def _quoted(text: str) -> str:
    """The words between full-width quotes: a unit's or an employee's name, a reason, a label."""
    return text


@with_pattern(r"[^”]*")
def _pin(text: str) -> str:
    """A certificate PIN as typed, possibly empty."""
    return text


@with_pattern(_MONTH)
def _month(text: str) -> terms.Month:
    return terms.month(text)


@with_pattern(rf"{_MONTH}(?:[至、，,]{_MONTH})*")
def _months(text: str) -> list[terms.Month]:
    """'2024年11月至2025年2月' (inclusive) or '2024年10月、2024年11月'."""
    return terms.months(text)


@with_pattern(r"\d{4}[-年].+")
def _moment(text: str) -> terms.Moment:
    """'2025年3月5日（星期三）08:59:59' or '2025-03-05 08:59:59', Beijing time."""
    return terms.moment(text)


@with_pattern(r"\d[\d,]*(?:\.\d+)?")
def _amount(text: str) -> terms.Amount:
    """Yuan as the guide writes them, '6,000' or '6000.50' (the sentence says 元 after it)."""
    return terms.amount(text)


@with_pattern(_one_of(terms.ACCOUNT_STATES))
def _account_state(text: str) -> str:
    return text  # compared with the portal's own label, which is the Chinese word


@with_pattern(_one_of(terms.BACK_PAY_CAUSES))
def _back_pay_cause(text: str) -> str:
    return terms.BACK_PAY_CAUSES[text]


@with_pattern(_one_of(terms.REPORTABLE_FIELDS))
def _reportable_field(text: str) -> str:
    return terms.REPORTABLE_FIELDS[text]


@with_pattern(_one_of(terms.OPENING_STEPS))
def _opening_step(text: str) -> str:
    return terms.OPENING_STEPS[text]


@with_pattern(_one_of(terms.HOURS_EDGES))
def _hours_edge(text: str) -> str:
    return text


@with_pattern("是|否")
def _yes(text: str) -> bool:
    return text == "是"


TYPES = {
    "Quoted": _quoted, "Pin": _pin, "Month": _month, "Months": _months, "Moment": _moment, "Amount": _amount,
    "AccountState": _account_state, "BackPayCause": _back_pay_cause, "ReportableField": _reportable_field,
    "OpeningStep": _opening_step, "HoursEdge": _hours_edge, "Yes": _yes,
}


def sentence(text: str) -> parsers.parse:
    """A step's sentence with typed fields, e.g. '经办人为职工“{name:Quoted}”办理封存，最后缴存月份为{month:Month}';
    the whole step text must match."""
    return parsers.parse(text, extra_types=TYPES)
