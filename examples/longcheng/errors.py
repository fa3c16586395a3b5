"""错误码表: every refusal the portal gives — its code, a name for the code, and the Chinese message
template — and the exception that carries one. API.md lists the same table (a test keeps them equal).

Codes group by area: E1 请求格式, E2 登录与证书, E25 开通, E3 业务规则 (E31 封存 … E38 打印),
E8 后台管理, E9 系统. A refusal changes nothing: callers raise Refused before writing."""
from __future__ import annotations

_TABLE = [
    # --- E1 请求格式 request format ---------------------------------------------------------
    ("MISSING", "E1001", "请求参数不完整：缺少{field}"),
    ("UNKNOWN_FIELD", "E1002", "不认识的请求参数：{field}"),
    ("NOT_JSON", "E1003", "请求报文格式不正确，应为JSON对象"),
    ("BAD_VALUE", "E1004", "参数{field}的取值“{value}”不正确"),
    ("BAD_REQUEST", "E1005", "请求格式不正确，请从页面上的按钮或按接口文档发送请求"),
    ("TOO_LARGE", "E1006", "请求报文过大，不能超过1MB"),
    ("BAD_ID_NUMBER", "E1010", "身份证号码“{value}”校验不通过，请核对后重新输入"),
    ("BAD_NAME", "E1011", "姓名“{value}”不正确：{reason}"),
    ("BAD_MONTH", "E1012", "年月“{value}”不正确，应为6位年月，如202503"),
    ("BAD_AMOUNT", "E1013", "金额“{value}”不正确，应为不超过两位小数的正数"),
    ("BAD_MOBILE", "E1014", "手机号码“{value}”不正确，应为11位手机号码"),
    ("BAD_USCC", "E1015", "统一社会信用代码“{value}”校验不通过"),
    ("BAD_RATE", "E1016", "缴存比例“{value}”不正确，应为小数，如0.10"),
    ("REQUEST_NO_REUSED", "E1020", "请求流水号{qqlsh}已用于另一笔业务，请更换请求流水号后重新提交"),
    ("BAD_REQUEST_NO", "E1021", "请求流水号须为1至40位字母、数字、下划线或减号"),
    ("BAD_PAGE", "E1030", "页码须为正整数，每页条数须为1至{max}"),
    # --- E2 登录与证书 log-in and certificate (指南二、2) ------------------------------------------
    ("NOT_LOGGED_IN", "E2001", "您尚未登录或登录已失效，请使用数字证书重新登录"),
    ("SESSION_TIMEOUT", "E2002", "登录已超时（{minutes}分钟无操作），请重新登录"),
    ("CERT_UNKNOWN", "E2003", "该数字证书未在本中心登记，请核对证书"),
    ("WRONG_PIN", "E2004", "数字证书口令错误，您还可以尝试{remaining}次。初始口令为{initial}，如已修改请使用修改后的口令"),
    ("CERT_LOCKED", "E2005", "数字证书口令已连续输错{limit}次，证书已锁定，请到江苏CA服务网点解锁（客服电话025-96010）"),
    ("PIN_FORMAT", "E2006", "新口令须为6至16位字母或数字"),
    ("PIN_SAME", "E2007", "新口令不能与原口令相同"),
    ("OLD_PIN_WRONG", "E2008", "原口令不正确，您还可以尝试{remaining}次"),
    # --- E25 开通 opening (指南一、二、3) ---------------------------------------------------------
    ("NOT_OPENED", "E2501", "贵单位尚未完成住房公积金网上业务开通（{stage}），请先完成开通"),
    ("OPENING_ORDER", "E2502", "开通须按顺序办理，当前应办理“{step}”"),
    ("OPENING_DONE", "E2503", "贵单位已完成网上业务开通，无需重复办理"),
    ("AGREEMENT_NOT_ACCEPTED", "E2504", "请阅读服务协议并勾选同意后再签署"),
    ("QUERY_PASSWORD_WEAK", "E2505", "查询密码须为{min}至{max}位，且同时包含字母和数字"),
    ("QUERY_PASSWORD_MISMATCH", "E2506", "两次输入的查询密码不一致"),
    # --- E3 业务规则 business rules ---------------------------------------------------------------
    ("OUTSIDE_HOURS", "E3001", "当前时间{when}不在网上业务办理时间内（工作日{start}至{end}），请在办理时间内提交"),
    ("CALENDAR_MISSING", "E3002", "系统日历尚未维护{year}年的节假日安排，暂不能受理业务，请联系系统管理员"),
    ("NOT_OUR_EMPLOYEE", "E3003", "本单位没有个人账号为{grzh}的职工"),
    ("NOT_NORMAL", "E3004", "该职工账户当前为“{state}”状态，不能办理{business}"),
    ("BASE_RANGE", "E3005", "缴存基数{base}元超出上下限（{min}至{max}元）"),
    ("RATE_RANGE", "E3006", "缴存比例{rate}不在{min}至{max}之间，或不是{step}的整数倍"),
    ("RATES_DIFFER", "E3007", "单位缴存比例与个人缴存比例须相同"),
    ("SEAL_NOT_ARRIVED", "E3101", "该职工最后缴存年月{month}的公积金尚未到账，须在到账后、单位汇缴下月公积金前办理封存"),
    ("SEAL_NEXT_REMITTED", "E3102", "单位已汇缴{next}的公积金，不能再以{month}为最后缴存年月办理封存，请到公积金中心柜面办理"),
    ("SEAL_MONTH_UNPAID", "E3103", "该职工在本单位{month}没有缴存记录，最后缴存年月须为该职工已缴存的月份"),
    ("NOT_SEALED", "E3201", "只有封存状态的账户才能启封，该职工账户当前为“{state}”状态"),
    ("UNSEAL_START_REMITTED", "E3202", "起缴年月{month}的公积金单位已汇缴，请以应缴年月{due}为起缴年月办理启封，此前欠缴的月份可办理个别补缴"),
    ("UNSEAL_TOO_EARLY", "E3203", "单位{prev}的公积金尚未汇缴，须在单位上月汇缴结束后、起缴年月汇缴前办理启封"),
    ("UNSEAL_BEFORE_FIRST", "E3204", "起缴年月{month}早于单位首次缴存年月{first}"),
    ("BACKPAY_COUNTER_ONLY", "E3301", "因缴存基数不足需要差额补缴的，不能在网上办理，请到公积金中心柜面办理"),
    ("BACKPAY_CAUSE", "E3302", "补缴原因“{value}”不正确，可选：01未及时设立账户、02未及时启封、03缴存基数不足（差额补缴）"),
    ("BACKPAY_NO_MONTHS", "E3303", "请填写补缴年月"),
    ("BACKPAY_NOT_DUE", "E3304", "补缴年月{month}单位尚未汇缴，不属于欠缴月份"),
    ("BACKPAY_PAID", "E3305", "该职工{month}已有缴存记录，不能重复补缴"),
    ("BACKPAY_NOT_EXPLAINED", "E3306", "{month}不在“{cause}”造成欠缴的期间内（{period}）"),
    ("BACKPAY_DUPLICATE", "E3307", "补缴年月{month}重复填写"),
    ("BACKPAY_TOO_MANY", "E3308", "一笔个别补缴最多{n}个月"),
    ("ID_HAS_ACCOUNT", "E3401", "该身份证号码在本中心已有住房公积金账户，不能重复设立；已缴纳过公积金的职工请办理职工转移——业务提交——职工启封（设置基数）——业务提交"),
    ("JOINED_AFTER_START", "E3402", "入职年月{rzny}不能晚于起缴年月{qjny}"),
    ("TRANSFER_NOT_FOUND", "E3501", "未找到姓名和身份证号码一致的住房公积金账户，请核对后重新输入"),
    ("TRANSFER_SAME_UNIT", "E3502", "该职工账户已在本单位，无需转移"),
    ("TRANSFER_NOT_SEALED", "E3503", "该职工在原单位的账户为“{state}”状态，须由原单位先办理封存后再转移"),
    ("BASE_MONTH", "E3601", "生效年月{month}须在单位应缴年月{due}至{latest}之间；已汇缴月份的基数调整请到柜面办理"),
    ("BASE_SAME", "E3602", "新缴存基数与当前缴存基数相同"),
    ("VERIFIED_ALREADY", "E3701", "{month}的单位缴存信息已核查提交（业务流水号{ywlsh}），无需重复提交"),
    ("SLIP_NOT_ENTRUSTED", "E3801", "贵单位未使用委托收款结算方式，请至公积金汇缴受理点打印汇（补）缴书"),
    ("SLIP_NOT_REMITTED", "E3802", "{month}尚未汇缴，只能打印已汇缴月份的汇（补）缴书"),
    ("RECEIPT_NOT_FOUND", "E3901", "本单位没有业务流水号为{ywlsh}的业务"),
    # --- E8 后台管理 back office ------------------------------------------------------------------
    ("ADMIN_NO_UNIT", "E8001", "单位{dwzh}不存在"),
    ("ADMIN_REMIT_ORDER", "E8002", "汇缴须按月连续：单位应缴年月为{due}，不能汇缴{month}"),
    ("ADMIN_REMIT_FUTURE", "E8003", "不能提前汇缴：{month}晚于当前日期{today}所在月份"),
    ("ADMIN_NOT_REMITTED", "E8004", "{month}尚未汇缴，不能登记到账"),
    ("ADMIN_BAD_WORLD", "E8005", "造数参数不正确：{detail}"),
    ("ADMIN_NO_ACCOUNT", "E8006", "个人账号{grzh}不存在"),
    ("ADMIN_NO_CERT", "E8007", "数字证书{zsxlh}不存在"),
    # --- E9 系统 system ---------------------------------------------------------------------------
    ("NO_ROUTE", "E9404", "请求的接口不存在"),
    ("BAD_METHOD", "E9405", "不支持该请求方法"),
    ("INTERNAL", "E9500", "系统繁忙，请稍后再试"),
]

TEMPLATES: dict[str, str] = {code: text for _, code, text in _TABLE}
NAMES: dict[str, str] = {code: name for name, code, _ in _TABLE}


class E:
    """The codes by name: E.SEAL_NOT_ARRIVED == "E3101"."""


for _name, _code, _ in _TABLE:
    setattr(E, _name, _code)


class Refused(Exception):
    """A refusal: a stable code and the Chinese message shown to the user."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.msg = TEMPLATES[code].format(**values)
        super().__init__(f"{code} {self.msg}")
