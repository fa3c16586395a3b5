"""Step definitions only a browser can carry out (scenarios tagged @web)."""
from __future__ import annotations

from pytest_bdd import given, then, when

from .dsl import terms
from .dsl.operator import Operator
from .dsl.visitor import Visitor
from .steps_common import MONTH, re


@given(re(r"使用者的电脑已安装同和综合服务平台、数字证书助手和住房公积金网上业务打印组件"))
def all_programs(visitor: Visitor):
    visitor.has_programs(platform=True, cert_assistant=True, print_component=True)


@given(re(r"使用者的电脑没有安装数字证书助手"))
def no_assistant(visitor: Visitor):
    visitor.has_programs(cert_assistant=False)


@given(re(r"使用者的电脑没有安装住房公积金网上业务打印组件"))
def no_print_component(visitor: Visitor):
    visitor.has_programs(print_component=False)


@when(re(r"经办人登录网上服务厅"))
def login(operator: Operator):
    operator.logs_in_first()


@when(re(rf"经办人登录网上服务厅并打印{MONTH}的汇（补）缴书"))
def login_and_print(operator: Operator, month):
    operator.logs_in_first()
    operator.prints_slip(terms.month(month))


@given(re(r"经办人登录时出现登录异常提示"))
def login_fault_seen(operator: Operator):
    operator.logs_in_first()
    operator.should_not_be_logged_in_by_fault()


@when(re(r"使用者安装证书助手并运行加载项后重新登录"))
def install_assistant_and_login(visitor: Visitor, operator: Operator):
    visitor.has_programs(cert_assistant=True)
    operator.logs_in_first()


@when(re(r"经办人通过“同和综合服务平台”的“公积金专区”进入网上服务厅"))
def login_via_platform(visitor: Visitor, operator: Operator):
    visitor.enters_via_platform()
    operator.logs_in_via_platform()


@given(re(rf"经办人打印{MONTH}的汇（补）缴书时出现初始化失败提示"))
def print_fault_seen(operator: Operator, month):
    operator.logs_in_first()
    operator.prints_slip(terms.month(month))
    operator.should_have_print_fault()


@when(re(r"使用者安装住房公积金网上业务打印组件后再次打印"))
def install_print_component_and_print(visitor: Visitor, operator: Operator):
    visitor.has_programs(print_component=True)
    operator.prints_slip_again()


@then(re(r"出现提示“(?P<text>.+)”"))
def message_inline(operator: Operator, text):
    operator.should_see_prompt(text)


@given(re(r"浏览器提示“(?P<warning>[^”]+)”"))
def browser_warning(visitor: Visitor, warning):
    visitor.sees_browser_warning(warning)


@when(re(r"使用者点击“(?P<name>.+)”"))
def click(visitor: Visitor, name):
    visitor.clicks(name)


@when(re(r"使用者通过“同和综合服务平台”的“公积金专区”进入网上服务厅"))
def via_platform(visitor: Visitor):
    visitor.enters_via_platform()


@then(re(r"进入网上服务厅的登录页面"))
def on_login_page(visitor: Visitor):
    visitor.should_be_on("网上服务厅登录")


@given(re(r"使用者打开网上服务厅"))
def open_hall(visitor: Visitor):
    visitor.opens("/hall/login")


@when(re(r"使用者查找培训视频"))
def look_for_training(visitor: Visitor):
    visitor.opens("/hall/help")


@then(re(r"看到“E家课堂”的链接"))
def sees_ejia(visitor: Visitor):
    visitor.should_see_link("E家课堂")


@when(re(r"使用者打开帮助页面"))
def open_help(visitor: Visitor):
    visitor.opens("/hall/help")


@then(re(r"看到运维服务的联系方式："))
def sees_contacts(visitor: Visitor, datatable):
    visitor.should_see_rows([(row[0], row[1]) for row in datatable[1:]])


__all__ = [n for n in dir() if not n.startswith("_")]
