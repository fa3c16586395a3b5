"""Input validation shared by every business: each failure is a DomainError with a code."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from gjj.codes import USCC_ALPHABET, organisation_code_check_char

from . import messages as M
from .messages import DomainError
from .months import Month

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_PIN = re.compile(r"^[0-9A-Za-z]{6,16}$")
# Middle dots people use in transliterated and minority names; normalised to U+00B7.
_DOTS = {"\u2022", "\u30fb", "\uff0e", "\u2027", "\u00b7", "\u0387"}


def id_number(value: object) -> str:
    """GB 11643 居民身份证号: 18 digits, a real birth date, a GB/T 2260 address code and the check
    digit, all through python-stdnum; normalised (full-width digits, x → X).

    The address code must exist in GB/T 2260 at some time, not necessarily in the birth year:
    numbers were issued from 1984 with the codes of that time, and people keep their number
    (stdnum's stricter birth-year check would refuse every 天宁区 resident born before 1983)."""
    if not isinstance(value, str):
        raise DomainError(M.INVALID_ID_NUMBER, value=value)
    text = ric.compact(unicodedata.normalize("NFKC", value))  # full-width digits and Ｘ
    try:
        if len(text) != 18 or not text[:17].isascii() or not text[:17].isdigit():
            raise ValidationError()
        if text[-1] != ric.calc_check_digit(text):
            raise ValidationError()
        born = ric.get_birth_date(text)
        if not date(1900, 1, 1) <= born <= date(2099, 12, 31):
            raise ValidationError()
        if not any(props for _, props in numdb.get("cn/loc").info(text[:6])[1:]):
            raise ValidationError()
    except ValidationError:
        raise DomainError(M.INVALID_ID_NUMBER, value=value) from None
    return text


# 登记管理部门代码: 1 机构编制 … 9 工商（市场监管）, A 中央军委改革和编制办公室, N 农业, Y 其他
_USCC_AUTHORITIES = "123456789ANY"


def credit_code(value: object) -> str:
    """GB 32100 统一社会信用代码: registration authority (1–9, A, N or Y), organisation category
    (a digit), six-digit division code, the nine-character GB 11714 organisation code with its own
    check character, and the MOD 31 check character; normalised (full width, lower case,
    separators). python-stdnum computes the last check character but its validate() checks only
    that and wants the first eight characters to be digits, which refuses authority Y (其他) and
    accepts a broken organisation code: the structure is checked here."""
    if not isinstance(value, str):
        raise DomainError(M.INVALID_USCC, value=value)
    text = uscc.compact(unicodedata.normalize("NFKC", value))
    if (len(text) != 18 or any(c not in USCC_ALPHABET for c in text)
            or text[0] not in _USCC_AUTHORITIES or not text[1:8].isdigit() or text[1] == "0"
            or text[16] != organisation_code_check_char(text[8:16])
            or text[17] != uscc.calc_check_digit(text[:17])):
        raise DomainError(M.INVALID_USCC, value=value)
    return text


# CJK Extensions H (Unicode 15.0) and I (15.1): newer than the Unicode data of Python 3.11, which
# has no names for them; people's names are being encoded there (GB 18030-2022 rare characters).
_LATE_IDEOGRAPHS = ((0x31350, 0x323AF), (0x2EBF0, 0x2EE5D))


def _is_ideograph(ch: str) -> bool:
    if unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")):
        return True
    return any(lo <= ord(ch) <= hi for lo, hi in _LATE_IDEOGRAPHS)


def person_name(value: object) -> str:
    """A person's name as printed on the ID card: CJK ideographs (any plane), optional '·'."""
    if not isinstance(value, str):
        raise DomainError(M.INVALID_NAME, value=value, reason="须为文字")
    text = unicodedata.normalize("NFC", value.strip())
    text = "".join("\u00b7" if ch in _DOTS else ch for ch in text)
    if not text:
        raise DomainError(M.INVALID_NAME, value=value, reason="不能为空")
    if any(ch.isspace() for ch in text):
        raise DomainError(M.INVALID_NAME, value=value, reason="不能包含空格")
    if len(text) > 30:
        raise DomainError(M.INVALID_NAME, value=value, reason="不能超过30个字")
    for ch in text:
        if ch == "\u00b7":
            continue
        # ideographs only: radicals and strokes look alike but would break name matching
        if not _is_ideograph(ch):
            raise DomainError(M.INVALID_NAME, value=value, reason=f"含有不允许的字符“{ch}”")
    if text.startswith("\u00b7") or text.endswith("\u00b7") or "\u00b7\u00b7" in text:
        raise DomainError(M.INVALID_NAME, value=value, reason="间隔号位置不正确")
    return text


def mobile(value: object) -> str:
    if not isinstance(value, str) or not _MOBILE.match(value.strip()):
        raise DomainError(M.INVALID_MOBILE, value=value)
    return value.strip()


def month(value: object) -> Month:
    if isinstance(value, Month):
        return value
    try:
        return Month.parse(value)  # type: ignore[arg-type]
    except (ValueError, TypeError, AttributeError):
        raise DomainError(M.INVALID_MONTH, value=value) from None


def amount(value: object) -> Decimal:
    """A positive money amount in yuan with at most two decimals (Decimal, never float)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise DomainError(M.INVALID_AMOUNT, value=value)
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):  # ValueError: int too long to print
        raise DomainError(M.INVALID_AMOUNT, value="…") from None
    if not d.is_finite() or d <= 0 or d.as_tuple().exponent < -2 or d > Decimal("10000000"):
        raise DomainError(M.INVALID_AMOUNT, value=value)
    return d.quantize(Decimal("0.01"))


def rate(value: object) -> Decimal:
    """A contribution rate as a fraction ("0.12"); range checks are policy (rules/amounts)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise DomainError(M.VALIDATION_FAILED, detail=f"缴存比例“{value}”不正确")
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(M.VALIDATION_FAILED, detail="缴存比例不正确") from None
    if not d.is_finite() or d <= 0 or d >= 1:
        raise DomainError(M.VALIDATION_FAILED, detail=f"缴存比例“{value}”须为0到1之间的小数")
    return d


def new_pin(value: object) -> str:
    if not isinstance(value, str) or not _PIN.match(value):
        raise DomainError(M.PIN_FORMAT)
    return value


def query_password(value: object) -> str:
    """Clause 1.2 sets a query password; strength rule is this project's (8–16, letters+digits)."""
    if (not isinstance(value, str) or not 8 <= len(value) <= 16
            or not re.search(r"[A-Za-z]", value) or not re.search(r"\d", value)
            or not value.isascii() or any(ch.isspace() for ch in value)):
        raise DomainError(M.QUERY_PASSWORD_WEAK)
    return value
