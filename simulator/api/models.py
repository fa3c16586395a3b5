"""Request and response bodies as the OpenAPI document shows them. Types are loose on
purpose (strings for money and months): the domain validates values and answers in Chinese."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Amount = str | int  # yuan as a decimal string ("8000.00") or an integer; never a float
MonthText = str     # "YYYY-MM"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(Body):
    serial: str = Field(max_length=64, description="数字证书序列号")
    pin: str = Field(max_length=64, description="数字证书口令（初始口令123456）")


class LoginOut(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: str
    unit_account_no: str
    opening_stage: str
    opened: bool
    prompt: str | None = Field(None, description="首次登录提示（2.3），证书尚未开通公积金应用时出现")


class PinChangeIn(Body):
    old_pin: str = Field(max_length=64)
    new_pin: str = Field(max_length=64)


class AgreementIn(Body):
    accepted: bool = Field(description="已查阅并同意服务协议")


class OperatorIn(Body):
    name: str = Field(max_length=64, description="经办人姓名")
    mobile: str = Field(max_length=32, description="经办人手机号码")
    id_number: str = Field(max_length=32, description="经办人身份证号码")


class UnitInfoIn(Body):
    operator: OperatorIn | None = Field(None, description="修改后的经办人信息（隔天更新，3.5）")


class QueryPasswordIn(Body):
    password: str = Field(max_length=64, description="查询密码：8至16位，同时包含字母和数字")


class EstablishIn(Body):
    name: str = Field(max_length=64, description="职工姓名")
    id_number: str = Field(max_length=32, description="身份证号码（18位）")
    base: Amount = Field(description="缴存基数（元）")
    unit_rate: str | None = Field(None, max_length=16, description="单位缴存比例，如0.08；缺省为政策默认值")
    personal_rate: str | None = Field(None, max_length=16, description="个人缴存比例")
    employed_from: MonthText | None = Field(None, max_length=16, description="入职年月（用于未及时设立账户的补缴）")
    mobile: str | None = Field(None, max_length=32)


class SealIn(Body):
    personal_no: str = Field(max_length=32, description="个人账号")
    last_month: MonthText = Field(max_length=16, description="该职工最后一个缴存月份（3.3.1）")
    reason: str | None = Field(None, max_length=200, description="封存原因")


class UnsealIn(Body):
    personal_no: str = Field(max_length=32)
    start_month: MonthText = Field(max_length=16, description="起缴月份（3.3.2）")
    base: Amount = Field(description="启封后缴存基数（元）")
    unit_rate: str | None = Field(None, max_length=16)
    personal_rate: str | None = Field(None, max_length=16)
    reported_errors: list[Literal["name", "id_number"]] = Field(
        default_factory=list, max_length=2, description="单位发现的职工姓名或身份证号码错误（3.7）")


class TransferIn(Body):
    name: str = Field(max_length=64)
    id_number: str = Field(max_length=32)


class BackPayIn(Body):
    personal_no: str = Field(max_length=32)
    cause: str = Field(max_length=32, description="late_establish 未及时设立账户 | late_unseal 未及时启封 | "
                                                  "base_shortfall 缴存基数不足（差额补缴，不能网上办理）")
    months: list[MonthText] = Field(max_length=120, description="补缴月份")


class BaseAdjustmentIn(Body):
    personal_no: str = Field(max_length=32)
    base: Amount
    effective_month: MonthText = Field(max_length=16, description="生效年月")


class VerificationIn(Body):
    confirmed: bool = Field(True, description="核查结果：true 确认无误；false 存在差异")
    note: str | None = Field(None, max_length=500, description="差异说明")


class Receipt(BaseModel):
    business_id: str
    business_no: str = Field(description="业务流水号")
    business_type: str
    business_type_label: str
    submitted_at: str
    summary: str
    follow_ups: list[str] = Field(description="单位仍需办理的事项（3.2.1–3.2.3）；为空表示无需后续操作")
    notes: list[str]
    result: dict


class Business(BaseModel):
    business_id: str
    business_type: str
    business_type_label: str
    status: str
    status_label: str
    payload: dict
    created_at: str
    submitted_at: str | None
    business_no: str | None
    receipt: Receipt | None


class RosterItem(BaseModel):
    personal_no: str
    name: str
    id_number: str
    state: str
    state_label: str
    base: str | None = Field(description="本单位的缴存基数；转入后尚未启封的职工为空")
    unit_rate: str | None
    personal_rate: str | None
    unit_amount: str | None
    personal_amount: str | None
    total_amount: str | None


class Roster(BaseModel):
    page: int
    size: int
    total: int
    items: list[RosterItem]
    as_of: str | None = Field(None, description="清册数据的更新日期（隔天更新，3.6）")


class OpeningStatus(BaseModel):
    stage: str = Field(description="not_enabled | enabled | agreement_signed | info_confirmed | password_set | opened")
    stage_label: str
    opened: bool
    next_step: str | None = Field(description="下一步（指南1.2的用语），已开通时为空")
    prompt: str | None = Field(description="证书尚未开通公积金应用时的首次登录提示（2.3）")


class OperatorOut(BaseModel):
    name: str | None
    mobile: str | None
    id_number: str | None


class UnitInfo(BaseModel):
    account_no: str
    name: str
    uscc: str
    entrusted_collection: bool
    collection_mode: str
    operator: OperatorOut = Field(description="已发布的经办人信息（修改后隔天更新，3.5）")
    opening_stage: str
    opening_stage_label: str
    first_month: str
    paid_through: str | None = Field(description="缴至年月")
    due_month: str = Field(description="应汇缴年月")


class OperatorChange(BaseModel):
    pending: bool
    verify_from: str = Field(description="最迟从此时起可以看到修改（第2个工作日办理时间开始，3.5）")


class Segment(BaseModel):
    start_month: str
    end_month: str | None
    base: str


class HistoryEvent(BaseModel):
    at: str
    kind: str
    business_no: str | None
    detail: dict


class Employee(BaseModel):
    personal_no: str
    name: str
    id_number: str
    state: str
    state_label: str
    origin: str
    joined_month: str
    storage_card: str
    storage_card_label: str
    base: str | None
    unit_rate: str | None
    personal_rate: str | None
    unit_amount: str | None = None
    personal_amount: str | None = None
    total_amount: str | None = None
    paid_through: str | None = Field(description="个人缴至年月")
    segments: list[Segment]
    back_paid_months: list[str]
    history: list[HistoryEvent]


class RemittanceMonth(BaseModel):
    month: str
    remitted_at: str
    arrived: bool
    arrived_at: str | None


class Remittances(BaseModel):
    first_month: str
    paid_through: str | None
    due_month: str
    items: list[RemittanceMonth]


class DepositInfo(BaseModel):
    month: str = Field(description="核查的月份：单位应汇缴年月")
    paid_through: str | None
    normal_count: int
    sealed_count: int
    total_base: str
    unit_amount: str
    personal_amount: str
    total_amount: str
    verified_business_no: str | None = Field(description="本月已核查提交时的业务流水号")


class BusinessList(BaseModel):
    total: int
    items: list[Business]


class SlipLine(BaseModel):
    count: int
    amount: str


class SlipData(BaseModel):
    unit_account_no: str
    unit_name: str
    month: str
    previous: SlipLine = Field(description="上月汇缴")
    increase: SlipLine = Field(description="本月增加")
    decrease: SlipLine = Field(description="本月减少")
    current: SlipLine = Field(description="本月汇缴")
    back_pay: SlipLine = Field(description="补缴")
    total: str
    total_capitals: str = Field(description="金额大写")
