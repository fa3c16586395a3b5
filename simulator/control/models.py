"""Bodies of the test-control contract (/_sim/). Documented in docs/test-control.md."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ResetIn(Body):
    now: str | None = Field(None, description="重置后的虚拟时间（ISO 8601；无时区按北京时间）")


class ClockSetIn(Body):
    now: str = Field(description="新的虚拟时间（ISO 8601；不能早于当前虚拟时间）")


class ClockAdvanceIn(Body):
    days: int = Field(0, ge=0, le=3660)
    hours: int = Field(0, ge=0, le=100000)
    minutes: int = Field(0, ge=0, le=1000000)
    seconds: int = Field(0, ge=0, le=100000000)


class CertificateWorld(Body):
    serial: str | None = Field(None, max_length=64)
    pin: str | None = Field(None, max_length=64, description="缺省为初始口令")


class OperatorWorld(Body):
    name: str
    mobile: str
    id_number: str


class EmployeeWorld(Body):
    key: str | None = Field(None, max_length=64, description="测试中的称呼，原样返回")
    name: str | None = Field(None, max_length=64)
    id_number: str | None = Field(None, max_length=32)
    base: str | int | None = None
    state: str = Field("normal", max_length=16, description="normal 正常 | sealed 封存")
    start_month: str | None = Field(None, max_length=16, description="起缴月份，缺省为单位首次汇缴年月")
    last_month: str | None = Field(None, max_length=16, description="封存职工的最后缴存月份，缺省为单位缴至年月")
    joined_month: str | None = Field(None, max_length=16, description="入职年月，缺省为起缴月份")
    unit_rate: str | None = Field(None, max_length=16)
    personal_rate: str | None = Field(None, max_length=16)


class UnitWorld(Body):
    key: str | None = Field(None, max_length=64)
    account_no: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=100)
    uscc: str | None = Field(None, max_length=32)
    entrusted_collection: bool = True
    opening_stage: str = Field("opened", max_length=32)
    first_month: str | None = Field(None, max_length=16, description="单位首次汇缴年月，缺省为当前月的前12个月")
    remitted_through: str | None = Field(None, max_length=16, description="已汇缴到的月份（缴至年月）；缺省为从未汇缴")
    arrived_through: str | None = Field(None, max_length=16, description="已到账到的月份，缺省同缴至年月")
    operator: OperatorWorld | None = None
    certificates: list[CertificateWorld] = Field(default_factory=list, max_length=20)
    query_password: str | None = Field(None, max_length=64)
    employees: list[EmployeeWorld] = Field(default_factory=list, max_length=5000)
    generate_employees: int = Field(0, ge=0, le=100000, description="另外随机生成的正常职工人数")


class WorldIn(Body):
    seed: int = Field(0, description="随机数据的种子：同样的种子生成同样的数据")
    units: list[UnitWorld] = Field(max_length=1000)


class RemitIn(Body):
    month: str = Field(max_length=16, description="汇缴年月，须为单位应汇缴年月")
    arrived: bool = Field(True, description="同时到账")


class ApplicationIn(Body):
    unit_name: str = Field(max_length=100)
    uscc: str = Field(max_length=32)
