"""The specification's vocabulary: Chinese phrases of the feature files ↔ contract terms.

Kept apart from the simulator's own enums and messages on purpose: the spec must not learn
its words from the implementation under test. A test checks both against the glossary."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import NewType

# The typed values of the specification's sentences, in the driver contract's form.
Month = NewType("Month", str)      # 'YYYY-MM'
Moment = NewType("Moment", str)    # ISO 8601 with the Beijing offset, '2025-03-05T10:00:00+08:00'
Amount = Decimal                   # yuan; the drivers receive str(amount), '6000' or '6000.50'

# Why a submission is refused, in the words a person reads → the API contract's codes.
REFUSALS = {
    "不在网上业务的办理时间内": {"OUTSIDE_BUSINESS_HOURS"},
    "该职工最后一个月的公积金尚未到账": {"SEAL_BEFORE_LAST_MONTH_ARRIVED"},
    "单位已汇缴下个月的公积金": {"NEXT_MONTH_ALREADY_REMITTED"},
    "单位上个月的公积金尚未汇缴": {"UNSEAL_TOO_EARLY"},
    "起缴月份的公积金已汇缴": {"UNSEAL_START_MONTH_REMITTED"},
    "差额补缴不能在网上办理": {"BACKPAY_CAUSE_NOT_ONLINE"},
    "该月份尚未汇缴": {"BACKPAY_MONTH_NOT_DUE"},
    "该月份已有缴存记录": {"BACKPAY_MONTH_ALREADY_PAID"},
    "该月份不在补缴原因所说明的期间内": {"BACKPAY_MONTH_NOT_EXPLAINED"},
    "该身份证号码已有公积金账户，应办理职工转移": {"ID_ALREADY_HAS_ACCOUNT"},
    "原单位账户尚未封存": {"TRANSFER_SOURCE_NOT_SEALED"},
    "数字证书口令错误": {"WRONG_PIN"},
    "数字证书已锁定": {"CERTIFICATE_LOCKED"},
    "单位尚未完成网上业务开通": {"UNIT_NOT_OPENED"},
    "开通步骤不能跳过": {"OPENING_OUT_OF_ORDER"},
    "未使用委托收款结算方式": {"SLIP_NOT_ENTRUSTED"},
    "该月份尚未汇缴，不能打印": {"SLIP_MONTH_NOT_REMITTED"},
    "本单位没有该职工": {"EMPLOYEE_NOT_FOUND"},
    "该账户不是封存状态": {"ACCOUNT_NOT_SEALED"},
    "该账户不是正常状态": {"ACCOUNT_NOT_NORMAL"},
    "缴存基数超出上下限": {"BASE_OUT_OF_RANGE"},
    "本月已核查提交": {"VERIFICATION_ALREADY_SUBMITTED"},
}

BUSINESSES = {  # 业务 as the guide names them → driver business kinds
    "职工账户设立": "establish", "封存": "seal", "启封": "unseal", "职工转移": "transfer",
    "个别补缴": "back_pay", "缴存基数调整": "base_adjustment", "单位缴存信息核查": "deposit_verification",
}

# a target's declared capabilities (gjj certify --config: capabilities), named as the guide names them
CAPABILITY_NAMES = {v: k for k, v in BUSINESSES.items()} | {"print_slip": "查询打印（汇（补）缴书）"}

BACK_PAY_CAUSES = {
    "未及时设立账户": "late_establish",
    "未及时启封": "late_unseal",
    "缴存基数不足（差额补缴）": "base_shortfall",
    "缴存基数不足": "base_shortfall",
}

ACCOUNT_STATES = {"正常": "normal", "封存": "sealed"}   # as the portal labels an account
REPORTABLE_FIELDS = {"姓名": "name", "身份证号码": "id_number"}

# the steps of the opening (开通) an operator may try to jump to → the portal contract's action
OPENING_STEPS = {"核对单位信息": "confirm_unit_info", "设置查询密码": "set_query_password",
                 "完成开通": "complete_opening"}

# the edges of the business hours a scenario's clock is set to (fixtures/policy/business_hours.toml)
HOURS_EDGES = ("开始前1秒", "开始时", "结束前1秒", "结束时")

BROWSER_WARNINGS = {  # what the old browser says → the portal contract's warning kind
    "此网站的安全证书有问题": "cert-error",
    "该站点安全证书的吊销信息不可用，是否继续？": "revocation",
    "您与该站点交换的信息不会被其他人查看或更改，但该站点的安全证书有问题": "cert-notice",
}

_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_CN_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月$")
_WEEKDAY = re.compile(r"[（(]星期.[）)]|[（(][^）)]*[）)]")


def moment(text: str) -> Moment:
    """'2025-03-05 08:59:59', '2025年3月5日（星期三）08:59:59' → ISO 8601 in Beijing time."""
    t = _WEEKDAY.sub(" ", text.strip())
    t = _CN_DATE.sub(lambda m: f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}", t)
    t = " ".join(t.split())
    return Moment(datetime.fromisoformat(t).replace(microsecond=0).isoformat() + "+08:00")


def month(text: str) -> Month:
    """'2025年3月' or '2025-03' → '2025-03'."""
    t = text.strip()
    m = _CN_MONTH.match(t)
    if m:
        return Month(f"{int(m[1]):04d}-{int(m[2]):02d}")
    if re.fullmatch(r"\d{4}-\d{2}", t):
        return Month(t)
    raise ValueError(f"不是年月：{text}")


def month_label(value: Month) -> str:
    """'2025-03' → '2025年3月', as a printed document writes the month."""
    y, m = value.split("-")
    return f"{int(y)}年{int(m)}月"


def months(text: str) -> list[Month]:
    """'2024年10月至2024年12月' (inclusive range) or '2024年10月、2024年11月' → list of YYYY-MM."""
    t = text.strip()
    if "至" in t:
        first, last = (month(x) for x in t.split("至", 1))
        y, m = map(int, first.split("-"))
        out = []
        while f"{y:04d}-{m:02d}" <= last:
            out.append(Month(f"{y:04d}-{m:02d}"))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
    return [month(x) for x in re.split(r"[、，,]", t) if x.strip()]


def amount(text: str) -> Amount:
    """'6,000', '6000元', '6000.50' → Decimal."""
    return Decimal(text.strip().removesuffix("元").replace(",", ""))
