"""Every refusal the centre can give: stable machine code, HTTP status, clause, Chinese text.

One table, so the protocol layer never invents wording and tests can check that every
message has a code, a status and Chinese text. Texts quoted from the guide are verbatim.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Msg:
    code: str
    status: int
    clause: str | None
    text: str  # str.format template, Chinese


class DomainError(Exception):
    """A rule refused a request. Carries a catalogue entry and its parameters."""

    def __init__(self, msg: Msg, **params: object) -> None:
        self.msg = msg
        self.params = params
        super().__init__(self.detail)

    @property
    def code(self) -> str:
        return self.msg.code

    @property
    def clause(self) -> str | None:
        return self.msg.clause

    @property
    def detail(self) -> str:
        try:
            return self.msg.text.format(**self.params)
        except (KeyError, IndexError):  # a missing parameter must never turn into a 500
            return self.msg.text


# Prompts the guide quotes; the portal must show them character for character.
PROMPT_NOT_ENABLED = "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"  # 2.3
LOGIN_FAULT = ("登录异常，请检查1、如未下载证书助手，请下载并安装。2、如已下载，请检测并修复。"
               "3、如仍未解决请联系江苏CA客服025-96010")  # 2.6
PRINT_FAULT = "初始化CELL失败，[object Error]"  # 2.9

_ALL: dict[str, Msg] = {}


def _m(code: str, status: int, clause: str | None, text: str) -> Msg:
    if code in _ALL:
        raise RuntimeError(f"duplicate message code {code}")
    msg = Msg(code, status, clause, text)
    _ALL[code] = msg
    return msg


def all_messages() -> list[Msg]:
    return list(_ALL.values())


# --- request shape and values ------------------------------------------------------------
VALIDATION_FAILED = _m("VALIDATION_FAILED", 422, None, "请求内容不正确：{detail}")
INVALID_ID_NUMBER = _m("INVALID_ID_NUMBER", 422, None, "身份证号码“{value}”校验不通过，请核对后重新输入")
INVALID_NAME = _m("INVALID_NAME", 422, None, "职工姓名“{value}”不正确：{reason}")
INVALID_MONTH = _m("INVALID_MONTH", 422, None, "年月“{value}”格式不正确，应为YYYY-MM")
INVALID_AMOUNT = _m("INVALID_AMOUNT", 422, None, "金额“{value}”不正确：须为不超过两位小数的正数")
INVALID_USCC = _m("INVALID_USCC", 422, None, "统一社会信用代码“{value}”校验不通过")
INVALID_MOBILE = _m("INVALID_MOBILE", 422, None, "手机号码“{value}”不正确，应为11位数字")
BASE_OUT_OF_RANGE = _m("BASE_OUT_OF_RANGE", 422, "0.1",
                       "缴存基数{base}元不在{min}至{max}元的缴存基数区间内")
RATE_OUT_OF_RANGE = _m("RATE_OUT_OF_RANGE", 422, "0.1",
                       "缴存比例{rate}不在{min}至{max}之间，或不是{step}的整数倍")
RATES_NOT_EQUAL = _m("RATES_NOT_EQUAL", 422, "0.1", "单位缴存比例与个人缴存比例须相同")
IDEMPOTENCY_KEY_REUSED = _m("IDEMPOTENCY_KEY_REUSED", 422, None,
                            "该幂等键已用于另一笔业务的提交，请使用新的幂等键")

# --- authentication and session (2.2) ----------------------------------------------------
UNAUTHENTICATED = _m("UNAUTHENTICATED", 401, None, "请先使用数字证书登录网上服务厅")
SESSION_EXPIRED = _m("SESSION_EXPIRED", 401, None, "登录已超时，请重新登录")
CERTIFICATE_NOT_FOUND = _m("CERTIFICATE_NOT_FOUND", 401, "2.2", "数字证书或口令不正确")
WRONG_PIN = _m("WRONG_PIN", 401, "2.2",
               "数字证书口令错误，还可尝试{remaining}次。初始口令为{initial_pin}，如已修改请使用修改后的口令")
OLD_PIN_WRONG = _m("OLD_PIN_WRONG", 422, "2.2", "原口令不正确，还可尝试{remaining}次")
CERTIFICATE_LOCKED = _m("CERTIFICATE_LOCKED", 423, "2.2",
                        "数字证书口令连续错误{limit}次，证书已锁定，请联系江苏CA客服025-96010解锁")
PIN_FORMAT = _m("PIN_FORMAT", 422, "2.2", "新口令须为6至16位字母或数字")
PIN_UNCHANGED = _m("PIN_UNCHANGED", 422, "2.2", "新口令不能与原口令相同")

# --- opening (1.0, 1.1.2, 1.2, 2.3) -------------------------------------------------------
UNIT_NOT_OPENED = _m("UNIT_NOT_OPENED", 403, "1.0",
                     "贵单位尚未完成住房公积金网上业务开通（{stage}），请先完成开通后再办理业务")
OPENING_OUT_OF_ORDER = _m("OPENING_OUT_OF_ORDER", 409, "1.2",
                          "请按顺序办理开通：当前步骤为“{expected}”")
OPENING_ALREADY_DONE = _m("OPENING_ALREADY_DONE", 409, "1.2", "贵单位已完成网上业务开通")
AGREEMENT_NOT_ACCEPTED = _m("AGREEMENT_NOT_ACCEPTED", 422, "1.2", "请查阅并同意服务协议后再签署")
QUERY_PASSWORD_WEAK = _m("QUERY_PASSWORD_WEAK", 422, "1.2",
                         "查询密码须为8至16位，且同时包含字母和数字")

# --- look-ups (a unit sees only its own data; unknown and foreign look the same) ------------
EMPLOYEE_NOT_FOUND = _m("EMPLOYEE_NOT_FOUND", 404, None, "本单位没有个人账号为{personal_no}的职工账户")
BUSINESS_NOT_FOUND = _m("BUSINESS_NOT_FOUND", 404, None, "没有找到业务{business_id}")
NOT_FOUND = _m("NOT_FOUND", 404, None, "请求的资源不存在")
METHOD_NOT_ALLOWED = _m("METHOD_NOT_ALLOWED", 405, None, "不支持该请求方法")
BUSINESS_NOT_DRAFT = _m("BUSINESS_NOT_DRAFT", 409, "3.2", "业务{business_id}已提交，不能修改或删除")

# --- business hours (3.3) ----------------------------------------------------------------
OUTSIDE_BUSINESS_HOURS = _m("OUTSIDE_BUSINESS_HOURS", 409, "3.3",
                            "{when}不在网上业务的办理时间（工作日的{start}至{end}）内，请在办理时间内提交")

# --- employee account state ---------------------------------------------------------------
ACCOUNT_NOT_NORMAL = _m("ACCOUNT_NOT_NORMAL", 409, None,
                        "该职工账户当前为“{state}”状态，不能办理{business}")
ACCOUNT_NOT_SEALED = _m("ACCOUNT_NOT_SEALED", 409, "3.3.2",
                        "该职工账户当前为“{state}”状态，只有封存状态的账户才能启封")

# --- seal (3.3.1) -------------------------------------------------------------------------
SEAL_BEFORE_LAST_MONTH_ARRIVED = _m(
    "SEAL_BEFORE_LAST_MONTH_ARRIVED", 409, "3.3.1",
    "该职工最后一个月（{month}）的公积金尚未到账，请在到账之后、单位汇缴下个月的公积金之前办理封存")
NEXT_MONTH_ALREADY_REMITTED = _m(
    "NEXT_MONTH_ALREADY_REMITTED", 409, "3.3.1",
    "单位已汇缴{next}的公积金，已不能以{month}为最后一个月办理封存，请到公积金中心柜面办理")
SEAL_MONTH_NOT_CONTRIBUTED = _m(
    "SEAL_MONTH_NOT_CONTRIBUTED", 409, "3.3.1",
    "该职工{month}没有公积金缴存记录，封存时填写的最后一个月须为该职工已缴存的月份")

# --- unseal (3.3.2, 3.7) -------------------------------------------------------------------
UNSEAL_TOO_EARLY = _m(
    "UNSEAL_TOO_EARLY", 409, "3.3.2",
    "单位上个月（{prev}）的公积金汇缴尚未结束，请在汇缴结束之后、该职工起缴月份的公积金汇缴之前办理启封")
UNSEAL_START_MONTH_REMITTED = _m(
    "UNSEAL_START_MONTH_REMITTED", 409, "3.3.2",
    "起缴月份{month}的公积金已汇缴，请以应汇缴年月{due}为起缴月份办理启封，之前欠缴的月份可在网上办理个别补缴")

# --- back-pay (3.4) -------------------------------------------------------------------------
BACKPAY_CAUSE_NOT_ONLINE = _m(
    "BACKPAY_CAUSE_NOT_ONLINE", 409, "3.4",
    "因缴存基数不足而需要差额补缴的，不能在网上操作，请到公积金中心柜面办理")
BACKPAY_UNKNOWN_CAUSE = _m("BACKPAY_UNKNOWN_CAUSE", 422, "3.4",
                           "补缴原因“{value}”不正确，可选：未及时设立账户、未及时启封、缴存基数不足（差额补缴）")
BACKPAY_NO_MONTHS = _m("BACKPAY_NO_MONTHS", 422, "3.4", "请填写需要补缴的月份")
BACKPAY_MONTH_NOT_DUE = _m("BACKPAY_MONTH_NOT_DUE", 409, "3.4",
                           "{month}单位尚未汇缴，不属于欠缴月份，不能补缴")
BACKPAY_MONTH_ALREADY_PAID = _m("BACKPAY_MONTH_ALREADY_PAID", 409, "3.4",
                                "该职工{month}已有公积金缴存记录，不能再次补缴")
BACKPAY_MONTH_NOT_EXPLAINED = _m(
    "BACKPAY_MONTH_NOT_EXPLAINED", 409, "3.4",
    "{month}不在“{cause}”造成欠缴的期间内（{period}），不能以该原因补缴")

# --- establish and transfer (3.9) -------------------------------------------------------------
ID_ALREADY_HAS_ACCOUNT = _m(
    "ID_ALREADY_HAS_ACCOUNT", 409, "3.9",
    "该身份证号码已有住房公积金账户，已缴纳过公积金的职工请办理职工转移——业务提交——职工启封（设置基数）——业务提交")
EMPLOYMENT_MONTH_AFTER_START = _m("EMPLOYMENT_MONTH_AFTER_START", 422, "3.9",
                                  "入职年月{employed}不能晚于起缴月份{start}")
TRANSFER_SOURCE_NOT_FOUND = _m("TRANSFER_SOURCE_NOT_FOUND", 404, "3.9",
                               "没有找到姓名与身份证号码一致的住房公积金账户，请核对后重新输入")
TRANSFER_SOURCE_NOT_SEALED = _m("TRANSFER_SOURCE_NOT_SEALED", 409, "3.9",
                                "该职工在原单位的账户为“{state}”状态，请原单位先办理封存后再办理转移")
TRANSFER_SAME_UNIT = _m("TRANSFER_SAME_UNIT", 409, "3.9", "该职工账户已在本单位，无需转移")

# --- base adjustment -------------------------------------------------------------------------
BASE_EFFECTIVE_MONTH = _m("BASE_EFFECTIVE_MONTH", 409, "0.1",
                          "基数调整生效年月{month}须在单位应汇缴年月{due}至{latest}之间")
BASE_UNCHANGED = _m("BASE_UNCHANGED", 422, "0.1", "调整后的缴存基数与当前基数相同")

# --- deposit-info verification ----------------------------------------------------------------
VERIFICATION_ALREADY_SUBMITTED = _m("VERIFICATION_ALREADY_SUBMITTED", 409, "0.1",
                                    "{month}的单位缴存信息已核查提交，无需重复提交")

# --- printing (3.2.2, 3.2.3) -------------------------------------------------------------------
SLIP_NOT_ENTRUSTED = _m("SLIP_NOT_ENTRUSTED", 409, "3.2.2",
                        "贵单位未使用住房公积金委托收款结算方式，请至公积金汇缴受理点打印汇（补）缴书")
SLIP_MONTH_NOT_REMITTED = _m("SLIP_MONTH_NOT_REMITTED", 409, "3.2.3",
                             "{month}尚未汇缴，只能打印已汇缴月份的汇（补）缴书")

# --- concurrency -------------------------------------------------------------------------------
CONFLICT = _m("CONFLICT", 409, None, "职工账户{personal_no}刚被其他操作修改，请刷新后重试")

# --- centre-side data problems (not the client's fault) -------------------------------------------
POLICY_NOT_IN_FORCE = _m("POLICY_NOT_IN_FORCE", 503, "0.2", "{detail}")
CALENDAR_NOT_COVERED = _m("CALENDAR_NOT_COVERED", 503, "3.3", "{detail}")

# --- test control ---------------------------------------------------------------------------------
CLOCK_BACKWARDS = _m("CLOCK_BACKWARDS", 409, None,
                     "虚拟时钟不能倒退（当前{now}，请求{requested}）；如需回到过去请先重置")
UNIT_NOT_FOUND = _m("UNIT_NOT_FOUND", 404, None, "没有单位账号为{unit}的单位")
REMITTANCE_OUT_OF_ORDER = _m("REMITTANCE_OUT_OF_ORDER", 409, None,
                             "汇缴须按月连续：单位应汇缴年月为{due}，不能汇缴{month}")
REMITTANCE_IN_FUTURE = _m("REMITTANCE_IN_FUTURE", 409, None,
                          "不能提前汇缴：{month}晚于当前日期{today}所在月份")
ARRIVAL_BEFORE_REMITTANCE = _m("ARRIVAL_BEFORE_REMITTANCE", 409, None, "{month}尚未汇缴，不能到账")
