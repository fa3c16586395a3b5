"""China's national identifier check characters that python-stdnum lacks.

python-stdnum computes the GB 11643 居民身份证号 check digit (``stdnum.cn.ric.calc_check_digit``) and
the GB 32100 统一社会信用代码 check character (``stdnum.cn.uscc.calc_check_digit``); use those. It
has nothing for the GB 11714 组织机构代码 (the nine characters 9–17 of a credit code, with their own
check character) and keeps the GB 32100 alphabet private. Both are here, once, in a module with no
project imports, so the simulator's domain (validation) and the fixtures' generators share them.
"""
from __future__ import annotations

# GB 32100-2015: digits and upper-case letters without I, O, S, V, Z
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997, positions 1–8


def organisation_code_check_char(first8: str) -> str:
    """The GB 11714 check character (0–9 or X) of a 组织机构代码, from its first eight characters.

    Digits count as themselves, letters A=10 … Z=35 (lower case is read as upper case); the check
    value is 11 − (weighted sum mod 11), written X for 10 and 0 for 11. ValueError for anything that
    is not eight ASCII letters or digits.
    """
    if len(first8) != 8 or not first8.isascii() or not first8.isalnum():
        raise ValueError(f"need 8 ASCII letters or digits, got {first8!r}")
    c = 11 - sum(int(ch, 36) * w for ch, w in zip(first8, _ORG_WEIGHTS)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)
