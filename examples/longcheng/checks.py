"""Input formats (报文校验): turn what a form or a JSON body sent into clean values, or refuse with the
field's own code. No business rule lives here (those are in rules.py); ID numbers and USCCs are
checked with python-stdnum."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from stdnum import numdb
from stdnum.cn import ric, uscc as _uscc
from stdnum.exceptions import ValidationError

from . import clock
from .errors import E, Refused

_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+(·[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+)*$")
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·", "∙": "·", "⋅": "·"})
_MONTH = re.compile(r"^(\d{4})-?(\d{2})$")
_REQUEST_NO = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_AMOUNT_MAX = Decimal("10000000")


def only(body: dict, allowed: set[str]) -> None:
    """Refuse the first field the operation does not know (a misspelt field must not be ignored)."""
    for key in body:
        if key not in allowed:
            raise Refused(E.UNKNOWN_FIELD, field=key)


def required(body: dict, field: str) -> object:
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Refused(E.MISSING, field=field)
    return value


def text(value: object, field: str, max_len: int) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise Refused(E.BAD_VALUE, field=field, value=value)
    s = str(value).strip()
    if len(s) > max_len:
        raise Refused(E.BAD_VALUE, field=field, value=s[:20] + "…")
    return s


def id_number(value: object) -> str:
    """18-character 身份证号码: digits (full-width ones normalised), GB 11643 check digit, a real birth
    date not in the future, and an address code that GB/T 2260 has had at some time (people keep
    their number when codes are renamed, so the code need not exist in the birth year)."""
    raw = value if isinstance(value, str) else str(value)
    s = unicodedata.normalize("NFKC", raw).strip().upper()
    try:
        if len(s) != 18 or not s[:17].isdigit() or not s[:17].isascii():
            raise ValidationError()
        if s[-1] != ric.calc_check_digit(s):
            raise ValidationError()
        born = ric.get_birth_date(s)
        if born.year < 1900 or born > clock.now().date():
            raise ValidationError()
        if not any(props.get("county") for _, props in numdb.get("cn/loc").info(s[:6])):
            raise ValidationError()
    except (ValidationError, ValueError):
        raise Refused(E.BAD_ID_NUMBER, value=raw) from None
    return s


def person_name(value: object) -> str:
    raw = value if isinstance(value, str) else str(value)
    s = raw.strip().translate(_DOTS)
    if not 2 <= len(s) <= 30:
        raise Refused(E.BAD_NAME, value=raw, reason="须为2至30个汉字")
    if not _NAME.match(s):
        raise Refused(E.BAD_NAME, value=raw, reason="只能由汉字组成，少数民族姓名各部分之间用“·”分隔")
    return s


def mobile(value: object) -> str:
    s = str(value).strip()
    if not re.fullmatch(r"1[3-9][0-9]{9}", s):
        raise Refused(E.BAD_MOBILE, value=value)
    return s


def month(value: object) -> str:
    """'202503' or '2025-03' → '202503'."""
    m = _MONTH.match(str(value).strip())
    if not m or not m[0].isascii() or not 1 <= int(m[2]) <= 12 or not 1990 <= int(m[1]) <= 2099:
        raise Refused(E.BAD_MONTH, value=value)
    return m[1] + m[2]


def months(value: object) -> list[str]:
    """A list, or text separated by commas or 、 (the form's way)."""
    items = value if isinstance(value, list) else re.split(r"[,，、\s]+", str(value or ""))
    return [month(v) for v in items if str(v).strip()]


def amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Refused(E.BAD_AMOUNT, value=value)
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Refused(E.BAD_AMOUNT, value=value) from None
    if not d.is_finite() or d <= 0 or d > _AMOUNT_MAX or d.as_tuple().exponent < -2:
        raise Refused(E.BAD_AMOUNT, value=value)
    return d.quantize(Decimal("0.01"))


def rate(value: object) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise Refused(E.BAD_RATE, value=value) from None
    if isinstance(value, bool) or not d.is_finite() or not 0 < d < 1 or d.as_tuple().exponent < -4:
        raise Refused(E.BAD_RATE, value=value)
    return d


def uscc(value: object) -> str:
    s = unicodedata.normalize("NFKC", str(value)).strip().upper()
    if not _uscc.is_valid(s):
        raise Refused(E.BAD_USCC, value=value)
    return s


def flag(value: object, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip() in ("1", "true", "on", "是", "Y", "y"):
        return True
    if str(value).strip() in ("0", "false", "off", "否", "N", "n", ""):
        return False
    raise Refused(E.BAD_VALUE, field=field, value=value)


def request_no(value: object) -> str:
    s = str(value).strip()
    if not _REQUEST_NO.match(s):
        raise Refused(E.BAD_REQUEST_NO)
    return s


def paging(page: object, size: object, default_size: int, max_size: int) -> tuple[int, int]:
    """pageNum ≥ 1 and 1 ≤ pageSize ≤ max_size (defaults 1 and default_size)."""
    out = []
    for value, default, maximum in ((page, 1, 10**6), (size, default_size, max_size)):
        s = str(value).strip() if value not in (None, "") else str(default)
        if not s.isdigit() or not s.isascii() or not 1 <= int(s) <= maximum:
            raise Refused(E.BAD_PAGE, max=max_size)
        out.append(int(s))
    return out[0], out[1]
