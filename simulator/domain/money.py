"""Monthly amounts and amounts in Chinese capitals. Rounding comes from policy."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .model import MonthlyAmount
from .policy import Rounding


def monthly_amount(base: Decimal, unit_rate: Decimal, personal_rate: Decimal,
                   rounding: Rounding) -> MonthlyAmount:
    """单位月缴存额 = 基数 × 单位比例, 个人月缴存额 = 基数 × 个人比例, each side rounded by policy."""
    return MonthlyAmount(unit=rounding.apply(base * unit_rate),
                         personal=rounding.apply(base * personal_rate))


def yuan(amount: Decimal) -> str:
    """Money as every response shows it: two decimals, no exponent ("487.00")."""
    return f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def capitals(amount: Decimal) -> str:
    """人民币大写, as printed on 汇(补)缴书: 1234.50 → 壹仟贰佰叁拾肆元伍角整."""
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        return "负" + capitals(-amount)
    fen_total = int(amount * 100)
    yuan, rest = divmod(fen_total, 100)
    if yuan >= 10**12:  # 万亿 and above are not written on slips; amounts are capped far below
        raise ValueError(f"amount too large for capitals: {amount}")
    jiao, fen = divmod(rest, 10)
    out = ""
    if yuan:
        groups = []
        while yuan:
            yuan, g = divmod(yuan, 10000)
            groups.append(g)
        parts: list[str] = []
        zero_pending = False
        for gi in range(len(groups) - 1, -1, -1):
            g = groups[gi]
            if g == 0:
                zero_pending = bool(parts)
                continue
            if parts and (zero_pending or g < 1000):
                parts.append("零")
            zero_pending = False
            digits = f"{g:04d}"
            seg = ""
            inner_zero = False
            started = False
            for pos, ch in enumerate(digits):
                d = int(ch)
                if d == 0:
                    inner_zero = started
                    continue
                if inner_zero:
                    seg += "零"
                    inner_zero = False
                seg += _DIGITS[d] + _SMALL[3 - pos]
                started = True
            parts.append(seg + _BIG[gi])
        out = "".join(parts) + "元"
    if jiao == 0 and fen == 0:
        return (out or "零元") + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif out:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    else:
        out += "整"
    return out
