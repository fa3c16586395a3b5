"""Step definitions only a browser can carry out (scenarios tagged @web); the same shape as
steps_common.py: parse, one task or question of the domain language, compare in the Then steps."""
from __future__ import annotations

import pytest
from pytest_bdd import given, then, when

from .dsl import terms
from .dsl.failures import SpecFailure
from .dsl.operator import Operator
from .dsl.outcomes import ActionOutcome, Refusal, describe, message_shown
from .dsl.visitor import Visitor
from .sentences import sentence
from .steps_common import OUTCOME

PRINTED_MONTH = "printed_month"


@pytest.fixture
def printed_month() -> terms.Month:
    """The month of the slip the operator tried to print before the action (target_fixture=PRINTED_MONTH)."""
    raise AssertionError("之前没有打印过")


@given(sentence("使用者的电脑已安装同和综合服务平台、数字证书助手和住房公积金网上业务打印组件"))
def all_programs(visitor: Visitor):
    visitor.has_programs(platform=True, cert_assistant=True, print_component=True)


@given(sentence("使用者的电脑没有安装数字证书助手"))
def no_assistant(visitor: Visitor):
    visitor.has_programs(cert_assistant=False)


@given(sentence("使用者的电脑没有安装住房公积金网上业务打印组件"))
def no_print_component(visitor: Visitor):
    visitor.has_programs(print_component=False)


@when(sentence("经办人登录网上服务厅"), target_fixture=OUTCOME)
def login(operator: Operator):
    return operator.logs_in()


@when(sentence("经办人登录网上服务厅并打印{month:Month}的汇（补）缴书"), target_fixture=OUTCOME)
def login_and_print(operator: Operator, month: terms.Month):
    return operator.logs_in_and_prints_slip(month)


@given(sentence("经办人登录时出现登录异常提示"))
def login_fault_seen(operator: Operator):
    login = operator.logs_in()
    if login.ok or login.refusal is None:
        raise SpecFailure(f"应当出现登录异常提示，实际：{login}")


@when(sentence("使用者安装证书助手并运行加载项后重新登录"), target_fixture=OUTCOME)
def install_assistant_and_login(visitor: Visitor):
    return visitor.installs_cert_assistant_and_logs_in()


@when(sentence("经办人通过“同和综合服务平台”的“公积金专区”进入网上服务厅"), target_fixture=OUTCOME)
def login_via_platform(visitor: Visitor):
    return visitor.enters_via_platform_and_logs_in()


@given(sentence("经办人打印{month:Month}的汇（补）缴书时出现初始化失败提示"), target_fixture=PRINTED_MONTH)
def print_fault_seen(operator: Operator, month: terms.Month):
    printed = operator.logs_in_and_prints_slip(month)
    if not isinstance(printed, Refusal):
        raise SpecFailure(f"应当出现打印失败提示，实际：{describe(printed)}")
    return month


@when(sentence("使用者安装住房公积金网上业务打印组件后再次打印"), target_fixture=OUTCOME)
def install_print_component_and_print(visitor: Visitor, printed_month: terms.Month):
    return visitor.installs_print_component_and_prints(printed_month)


@then(sentence("出现提示“{text:Quoted}”"))
def message_inline(outcome: ActionOutcome, text: str):
    shown = message_shown(outcome)
    if shown != text:
        raise SpecFailure(f"提示文字应为“{text}”，实际为“{shown}”")


@given(sentence("浏览器提示“{warning:Quoted}”"))
def browser_warning(visitor: Visitor, warning: str):
    title = visitor.meets_browser_warning(warning)
    if warning.rstrip("。") not in title:
        raise SpecFailure(f"浏览器应提示“{warning}”，实际页面标题为“{title}”")


@when(sentence("使用者点击“{name:Quoted}”"))
def click(visitor: Visitor, name: str):
    visitor.clicks(name)


@when(sentence("使用者通过“同和综合服务平台”的“公积金专区”进入网上服务厅"))
def via_platform(visitor: Visitor):
    visitor.enters_via_platform()


@then(sentence("进入网上服务厅的登录页面"))
def on_login_page(visitor: Visitor):
    heading = visitor.heading()
    if heading != "网上服务厅登录":
        raise SpecFailure(f"应进入“网上服务厅登录”页面，实际为“{heading}”")


@given(sentence("使用者打开网上服务厅"))
def open_hall(visitor: Visitor):
    visitor.opens_hall()


@when(sentence("使用者查找培训视频"))
def look_for_training(visitor: Visitor):
    visitor.opens_help()


@then(sentence("看到“E家课堂”的链接"))
def sees_ejia(visitor: Visitor):
    if not visitor.has_link("E家课堂"):
        raise SpecFailure("页面上没有“E家课堂”的链接")
    heading = visitor.follows_link("E家课堂")
    if "E家课堂" not in heading:
        raise SpecFailure(f"点击“E家课堂”后应进入“E家课堂”，实际为“{heading}”")


@when(sentence("使用者打开帮助页面"))
def open_help(visitor: Visitor):
    visitor.opens_help()


@then(sentence("看到运维服务的联系方式："))
def sees_contacts(visitor: Visitor, datatable):
    text = visitor.page_text()
    missing = [f"{k}：{v}" for k, v, *_ in datatable[1:] if k not in text or v not in text]
    if missing:
        raise SpecFailure(f"页面上缺少：{'；'.join(missing)}")


__all__ = [n for n in dir() if not n.startswith("_")]
