"""Step definitions: parse the sentence, call one domain-language method, assert through it.
No URLs, payloads or locators here; those belong to the drivers."""
from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from .dsl import terms
from .dsl.operator import Operator
from .dsl.world import World

U = r"“(?P<unit>[^”]+)”"
N = r"“(?P<name>[^”]+)”"
MONTH = r"(?P<month>\d{4}年\d{1,2}月)"


def re(pattern: str):
    return parsers.re("^" + pattern + "$")


# ============================ the world (假如) ============================================
@given(re(rf"单位{U}已开通网上业务，已汇缴至{MONTH}"))
def unit_opened(world: World, unit, month):
    world.unit(unit, remitted_through=terms.month(month))


@given(re(rf"单位{U}已开通网上业务，已汇缴至{MONTH}，未使用委托收款结算方式"))
def unit_opened_not_entrusted(world: World, unit, month):
    world.unit(unit, remitted_through=terms.month(month), entrusted_collection=False)


@given(re(rf"单位{U}的数字证书已开通公积金应用，但尚未签署服务协议"))
def unit_enabled_only(world: World, unit):
    world.unit(unit, remitted_through="2025-02", opening_stage="enabled")


@given(re(rf"单位{U}已有江苏CA数字证书，尚未开通公积金应用"))
def unit_not_enabled(world: World, unit):
    world.unit(unit, remitted_through="2025-02", opening_stage="not_enabled")


@given(re(rf"单位{U}有正常缴存的职工{N}"))
def normal_employee(world: World, unit, name):
    world.employee(unit, name)


@given(re(rf"单位{U}有正常缴存的职工{N}，缴存基数为(?P<amount>[\d,.]+)元"))
def normal_employee_with_base(world: World, unit, name, amount):
    world.employee(unit, name, base=terms.amount(amount))


@given(re(rf"单位{U}有封存的职工{N}，最后缴存月份为{MONTH}"))
def sealed_employee(world: World, unit, name, month):
    world.employee(unit, name, state="sealed", last_month=terms.month(month))


@given(re(rf"单位{U}有职工{N}，(?P<joined>\d{{4}}年\d{{1,2}}月)入职，账户自(?P<start>\d{{4}}年\d{{1,2}}月)起缴"))
def late_established_employee(world: World, unit, name, joined, start):
    world.employee(unit, name, joined_month=terms.month(joined), start_month=terms.month(start))


@given(re(r"现在是(?!检查基准日)(?P<moment>.+)"))
def now_is(world: World, moment):
    world.set_time(terms.moment(moment))


@given(re(r"现在是检查基准日办理时间(?P<edge>开始前1秒|开始时|结束前1秒|结束时)"))
def now_at_business_hours_edge(world: World, edge):
    world.set_time(world.business_hours_edge(edge))


@given(re(rf"单位{U}尚未汇缴{MONTH}的公积金"))
def not_remitted(world: World, unit, month):
    world.should_not_have_remitted(unit, terms.month(month))


@given(re(rf"单位{U}已汇缴{MONTH}的公积金，但尚未到账"))
def remitted_not_arrived(world: World, unit, month):
    world.remit(unit, terms.month(month), arrived=False)


@given(re(rf"单位{U}汇缴的{MONTH}公积金已到账"))
def remitted_and_arrived(world: World, unit, month):
    world.remit_and_arrive(unit, terms.month(month))


@given(re(rf"单位{U}已汇缴至{MONTH}的公积金"))
def remitted_through(world: World, unit, month):
    world.remit_through(unit, terms.month(month))


@given(re(rf"经办人已为职工{N}办理封存，最后缴存月份为{MONTH}"))
def has_sealed(operator: Operator, name, month):
    operator.seals(name, terms.month(month))
    operator.should_be_accepted()


@given(re(rf"经办人已为职工{N}办理启封，起缴月份为{MONTH}"))
def has_unsealed(operator: Operator, name, month):
    operator.unseals(name, terms.month(month))
    operator.should_be_accepted()


@given(re(rf"经办人已为新职工{N}办理职工账户设立"))
def has_established(operator: Operator, name):
    operator.establishes(name)
    operator.should_be_accepted()


@given(re(rf"经办人已为职工{N}补缴{MONTH}，原因为“(?P<cause>[^”]+)”"))
def has_back_paid(operator: Operator, name, month, cause):
    operator.back_pays(name, terms.BACK_PAY_CAUSES[cause], [terms.month(month)])
    operator.should_be_accepted()


@given(re(rf"经办人已办理职工{N}的转移"))
def has_transferred(operator: Operator, name):
    operator.transfers_in(name)
    operator.should_be_accepted()


@given(re(rf"经办人已把经办人信息修改为{N}"))
def has_changed_operator(operator: Operator, name):
    operator.changes_operator(name, "13912345678")
    operator.should_be_accepted()


@given(re(r"经办人依次查阅并签署服务协议、核对单位信息、设置查询密码并完成开通"))
def completes_opening(operator: Operator):
    operator.completes_opening_in_order()


@given(re(r"经办人已把数字证书口令由“(?P<old>[^”]+)”修改为“(?P<new>[^”]+)”"))
def has_changed_pin(operator: Operator, old, new):
    operator.changes_pin(old, new)


@given(re(r"经办人已连续(?P<n>\d+)次输错口令"))
def has_failed_pins(operator: Operator, n):
    operator.fails_pin(int(n))


@given(re(r"经办人登录后看到开通提示"))
def sees_prompt(operator: Operator):
    operator.logs_in_first()
    operator.should_see_opening_prompt()


# ============================ the action (当) ============================================
@when(re(rf"经办人为职工{N}办理封存，最后缴存月份为{MONTH}"))
def seal(operator: Operator, name, month):
    operator.seals(name, terms.month(month))


@when(re(rf"经办人为职工{N}办理启封，起缴月份为{MONTH}"))
def unseal(operator: Operator, name, month):
    operator.unseals(name, terms.month(month))


@when(re(rf"经办人为职工{N}办理启封，起缴月份为{MONTH}，缴存基数为(?P<amount>[\d,.]+)元"))
def unseal_with_base(operator: Operator, name, month, amount):
    operator.unseals(name, terms.month(month), base=terms.amount(amount))


@when(re(rf"经办人为职工{N}办理启封，起缴月份为{MONTH}，并说明职工(?P<field>姓名|身份证号码)有误"))
def unseal_reporting_error(operator: Operator, name, month, field):
    operator.unseals(name, terms.month(month), reported=[terms.REPORTABLE_FIELDS[field]])


@when(re(rf"经办人为职工{N}办理个别补缴，原因为“(?P<cause>[^”]+)”，补缴月份为(?P<months>.+)"))
def back_pay(operator: Operator, name, cause, months):
    operator.back_pays(name, terms.BACK_PAY_CAUSES[cause], terms.months(months))


@when(re(rf"经办人为新职工{N}办理职工账户设立"))
def establish(operator: Operator, name):
    operator.establishes(name)


@when(re(rf"经办人用职工{N}的身份证号码办理职工账户设立"))
def establish_with_taken_id(operator: Operator, name):
    operator.establishes_with_id_of(name)


@when(re(rf"经办人办理职工{N}的转移"))
def transfer(operator: Operator, name):
    operator.transfers_in(name)


@when(re(rf"经办人把职工{N}的缴存基数调整为(?P<amount>[\d,.]+)元，自{MONTH}起生效"))
def adjust_base(operator: Operator, name, amount, month):
    operator.adjusts_base(name, terms.amount(amount), terms.month(month))


@when(re(r"经办人提交单位缴存信息核查"))
def verify_deposit_info(operator: Operator):
    operator.verifies_deposit_info()


@when(re(rf"经办人查询职工{N}的账户信息"))
def query_account(operator: Operator, name):
    operator.queries_account(name)


@when(re(r"经办人查询职工清册"))
def query_roster(operator: Operator):
    operator.queries_roster()


@when(re(r"经办人于(?P<moment>.+)查询职工清册"))
def query_roster_at(operator: Operator, world: World, moment):
    world.set_time(terms.moment(moment))
    operator.relogs_in()
    operator.queries_roster()


@when(re(r"经办人于(?P<moment>.+)查看单位信息"))
def view_unit_at(operator: Operator, world: World, moment):
    world.set_time(terms.moment(moment))
    operator.relogs_in()
    operator.views_unit_info()


@when(re(rf"经办人打印{MONTH}的汇（补）缴书"))
def print_slip(operator: Operator, month):
    operator.prints_slip(terms.month(month))


@when(re(r"经办人使用口令“(?P<pin>[^”]*)”登录"))
def login_with(operator: Operator, pin):
    operator.logs_in_first(pin=pin)


@when(re(r"经办人选择“(?P<answer>是|否)”"))
def answer_prompt(operator: Operator, answer):
    operator.answers_opening_prompt(answer == "是")


@when(re(r"经办人直接(?P<step>核对单位信息|设置查询密码|完成开通)"))
def skip_to(operator: Operator, step):
    operator.jumps_to_opening_step(step)


@when(re(r"经办人点击“申请开通”"))
def apply_for_opening(operator: Operator):
    operator.applies_for_opening()


# ============================ the outcome (那么) =========================================
@then(re(r"业务受理"))
def accepted(operator: Operator):
    operator.should_be_accepted()


@then(re(r"业务不受理"))
def refused(operator: Operator):
    operator.should_be_refused()


@then(re(r"业务不受理，原因是“(?P<reason>[^”]+)”"))
def refused_because(operator: Operator, reason):
    operator.should_be_refused(because=reason)


@then(re(rf"职工{N}的账户状态为“(?P<state>正常|封存)”"))
def account_state(operator: Operator, name, state):
    operator.should_show_account_state(name, state)


@then(re(rf"看到职工{N}的账户状态为“(?P<state>正常|封存)”，已缴至{MONTH}"))
def account_shown(operator: Operator, name, state, month):
    operator.should_have_shown_account(name, state, terms.month(month))


@then(re(rf"职工{N}的账户自{MONTH}起缴存"))
def account_start(operator: Operator, name, month):
    operator.should_start_in(name, terms.month(month))


@then(re(rf"职工{N}的缴存基数为(?P<amount>[\d,.]+)元"))
def account_base(operator: Operator, name, amount):
    operator.should_show_base(name, terms.amount(amount))


@then(re(rf"职工清册中有职工{N}"))
def on_roster(operator: Operator, name):
    operator.should_list_on_roster(name)


@then(re(rf"职工清册中没有职工{N}"))
def not_on_roster(operator: Operator, name):
    operator.should_not_list_on_roster(name)


@then(re(rf"职工清册中职工{N}的状态为“(?P<state>正常|封存)”"))
def roster_state(operator: Operator, name, state):
    operator.should_list_on_roster(name, state=state)


@then(re(rf"显示的经办人为{N}"))
def operator_shown(operator: Operator, name):
    operator.should_show_operator(name)


@then(re(r"回执提醒职工携带身份证和公积金储存卡到公积金中心修改信息"))
def receipt_correction(operator: Operator):
    operator.receipt_should_mention("身份证", "储存卡", "公积金中心")


@then(re(r"回执提示须为该职工办理启封并设置缴存基数"))
def receipt_unseal_next(operator: Operator):
    operator.receipt_should_mention("启封", "基数")


@then(re(r"回执中没有需要单位继续办理的事项"))
def receipt_nothing_to_do(operator: Operator):
    operator.receipt_should_have_nothing_to_do()


@then(re(r"回执提示申领职工住房公积金储存卡，申领方式为："))
def receipt_storage_card(operator: Operator, datatable):
    operator.receipt_should_mention("储存卡")
    for (way,) in datatable[1:]:
        operator.receipt_should_mention(way)


@then(re(r"回执提示至公积金汇缴受理点打印汇（补）缴书、办理公积金汇（补）缴手续"))
def receipt_collection_point(operator: Operator):
    operator.receipt_should_mention("汇缴受理点", "汇（补）缴书")


@then(re(rf"打印出单位{U}{MONTH}的住房公积金汇（补）缴书"))
def slip_printed(operator: Operator, unit, month):
    operator.should_have_printed_slip(unit, terms.month(month))


@then(re(r"登录成功"))
def login_ok(operator: Operator):
    operator.should_be_logged_in()


@then(re(r"登录不成功，原因是“(?P<reason>[^”]+)”"))
def login_refused(operator: Operator, reason):
    operator.should_not_be_logged_in(because=reason)


@then(re(r"出现提示："))
def prompt_shown(operator: Operator, docstring):
    operator.should_see_prompt(docstring.strip())


@then(re(rf"单位{U}进入签署服务协议的步骤"))
def at_agreement_step(operator: Operator, unit):
    operator.should_be_at_opening_stage("enabled")


@then(re(rf"单位{U}仍未开通网上业务"))
def still_not_opened(operator: Operator, unit):
    operator.should_be_at_opening_stage("not_enabled")
    operator.should_see_opening_prompt_on_next_login()


__all__ = [n for n in dir() if not n.startswith("_")]
