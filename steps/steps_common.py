"""Step definitions: each parses its sentence into typed values (steps/sentences.py), calls one task or
question of the domain language, and — in the Then steps — compares what came back with what the
sentence says. A When step's result is the `outcome` fixture its Then steps read (pytest-bdd's
target_fixture). No URLs, payloads or locators here; those belong to the drivers."""
from __future__ import annotations

from decimal import Decimal

import pytest
from pytest_bdd import given, then, when

from .dsl import terms
from .dsl.failures import SpecFailure
from .dsl.operator import Operator
from .dsl.outcomes import AccountView, ActionOutcome, Login, RosterRow, Slip, UnitView, describe, message_shown
from .dsl.world import World
from .expectations import answered, expect_receipt, expect_refusal
from .sentences import sentence

OUTCOME = "outcome"


# ============================ what the steps pass on =========================================
@pytest.fixture
def outcome() -> ActionOutcome:
    """What the scenario's action produced: its 当 step provides it (target_fixture=OUTCOME)."""
    raise AssertionError("场景中没有“当”步骤，没有可判断的结果")


# ============================ the world (假如) ============================================
@given(sentence("单位“{unit:Quoted}”已开通网上业务，已汇缴至{month:Month}"))
def unit_opened(world: World, unit: str, month: terms.Month):
    world.unit(unit, remitted_through=month)


@given(sentence("单位“{unit:Quoted}”已开通网上业务，已汇缴至{month:Month}，未使用委托收款结算方式"))
def unit_opened_not_entrusted(world: World, unit: str, month: terms.Month):
    world.unit(unit, remitted_through=month, entrusted_collection=False)


@given(sentence("单位“{unit:Quoted}”的数字证书已开通公积金应用，但尚未签署服务协议"))
def unit_enabled_only(world: World, unit: str):
    world.unit(unit, remitted_through=terms.Month("2025-02"), opening_stage="enabled")


@given(sentence("单位“{unit:Quoted}”已有江苏CA数字证书，尚未开通公积金应用"))
def unit_not_enabled(world: World, unit: str):
    world.unit(unit, remitted_through=terms.Month("2025-02"), opening_stage="not_enabled")


@given(sentence("单位“{unit:Quoted}”有正常缴存的职工“{name:Quoted}”"))
def normal_employee(world: World, unit: str, name: str):
    world.employee(unit, name)


@given(sentence("单位“{unit:Quoted}”有正常缴存的职工“{name:Quoted}”，缴存基数为{amount:Amount}元"))
def normal_employee_with_base(world: World, unit: str, name: str, amount: terms.Amount):
    world.employee(unit, name, base=amount)


@given(sentence("单位“{unit:Quoted}”有封存的职工“{name:Quoted}”，最后缴存月份为{month:Month}"))
def sealed_employee(world: World, unit: str, name: str, month: terms.Month):
    world.employee(unit, name, state="sealed", last_month=month)


@given(sentence("单位“{unit:Quoted}”有职工“{name:Quoted}”，{joined:Month}入职，账户自{start:Month}起缴"))
def late_established_employee(world: World, unit: str, name: str, joined: terms.Month, start: terms.Month):
    world.employee(unit, name, joined_month=joined, start_month=start)


@given(sentence("现在是{moment:Moment}"))
def now_is(world: World, moment: terms.Moment):
    world.set_time(moment)


@given(sentence("现在是检查基准日办理时间{edge:HoursEdge}"))
def now_at_business_hours_edge(world: World, edge: str):
    world.set_time(world.business_hours_edge(edge))


@given(sentence("单位“{unit:Quoted}”尚未汇缴{month:Month}的公积金"))
def not_remitted(world: World, unit: str, month: terms.Month):
    paid = world.paid_through(unit)
    if paid is not None and paid >= month:
        raise AssertionError(f"场景前提不成立：单位“{unit}”已汇缴至{paid}")


@given(sentence("单位“{unit:Quoted}”已汇缴{month:Month}的公积金，但尚未到账"))
def remitted_not_arrived(world: World, unit: str, month: terms.Month):
    world.remit(unit, month, arrived=False)


@given(sentence("单位“{unit:Quoted}”汇缴的{month:Month}公积金已到账"))
def remitted_and_arrived(world: World, unit: str, month: terms.Month):
    world.remit_and_arrive(unit, month)


@given(sentence("单位“{unit:Quoted}”已汇缴至{month:Month}的公积金"))
def remitted_through(world: World, unit: str, month: terms.Month):
    world.remit_through(unit, month)


@given(sentence("经办人已为职工“{name:Quoted}”办理封存，最后缴存月份为{month:Month}"))
def has_sealed(operator: Operator, name: str, month: terms.Month):
    expect_receipt(operator.seals(name, month))


@given(sentence("经办人已为职工“{name:Quoted}”办理启封，起缴月份为{month:Month}"))
def has_unsealed(operator: Operator, name: str, month: terms.Month):
    expect_receipt(operator.unseals(name, month))


@given(sentence("经办人已为新职工“{name:Quoted}”办理职工账户设立"))
def has_established(operator: Operator, name: str):
    expect_receipt(operator.establishes(name))


@given(sentence("经办人已为职工“{name:Quoted}”补缴{month:Month}，原因为“{cause:BackPayCause}”"))
def has_back_paid(operator: Operator, name: str, month: terms.Month, cause: str):
    expect_receipt(operator.back_pays(name, cause, [month]))


@given(sentence("经办人已办理职工“{name:Quoted}”的转移"))
def has_transferred(operator: Operator, name: str):
    expect_receipt(operator.transfers_in(name))


@given(sentence("经办人已把经办人信息修改为“{name:Quoted}”"))
def has_changed_operator(operator: Operator, name: str):
    expect_receipt(operator.changes_operator(name, "13912345678"))


@given(sentence("经办人依次查阅并签署服务协议、核对单位信息、设置查询密码并完成开通"))
def completes_opening(operator: Operator):
    refusal = operator.completes_opening_in_order()
    if refusal is not None:
        raise SpecFailure(f"开通步骤不受理：{refusal.code} {refusal.detail}")


@given(sentence("经办人已把数字证书口令由“{old:Quoted}”修改为“{new:Quoted}”"))
def has_changed_pin(operator: Operator, old: str, new: str):
    operator.changes_pin(old, new)


@given(sentence("经办人已连续输错口令，比锁定次数少{k:d}次"))
def has_failed_pins_short_of_lock(operator: Operator, world: World, k: int):
    """The lock limit is an open value (pin_attempt_limit, verified false): the target's when it reports one."""
    operator.fails_pin(int(world.policy_value("pin_attempt_limit")) - k)


@given(sentence("经办人已连续输错口令，达到锁定次数"))
def has_failed_pins_to_lock(operator: Operator, world: World):
    operator.fails_pin(int(world.policy_value("pin_attempt_limit")))


@given(sentence("经办人登录后看到开通提示"))
def sees_prompt(operator: Operator):
    login = operator.logs_in()
    if not login.ok:
        raise SpecFailure(f"经办人未能登录：{login}")
    if not login.prompt:
        raise SpecFailure("首次登录没有出现开通提示")


# ============================ the action (当) ============================================
@when(sentence("经办人为职工“{name:Quoted}”办理封存，最后缴存月份为{month:Month}"), target_fixture=OUTCOME)
def seal(operator: Operator, name: str, month: terms.Month):
    return operator.seals(name, month)


@when(sentence("经办人为职工“{name:Quoted}”办理启封，起缴月份为{month:Month}"), target_fixture=OUTCOME)
def unseal(operator: Operator, name: str, month: terms.Month):
    return operator.unseals(name, month)


@when(sentence("经办人为职工“{name:Quoted}”办理启封，起缴月份为{month:Month}，缴存基数为{amount:Amount}元"),
      target_fixture=OUTCOME)
def unseal_with_base(operator: Operator, name: str, month: terms.Month, amount: terms.Amount):
    return operator.unseals(name, month, base=amount)


@when(sentence("经办人为职工“{name:Quoted}”办理启封，起缴月份为{month:Month}，并说明职工{field:ReportableField}有误"),
      target_fixture=OUTCOME)
def unseal_reporting_error(operator: Operator, name: str, month: terms.Month, field: str):
    return operator.unseals(name, month, reported=[field])


@when(sentence("经办人为职工“{name:Quoted}”办理个别补缴，原因为“{cause:BackPayCause}”，补缴月份为{months:Months}"),
      target_fixture=OUTCOME)
def back_pay(operator: Operator, name: str, cause: str, months: list[terms.Month]):
    return operator.back_pays(name, cause, months)


@when(sentence("经办人为新职工“{name:Quoted}”办理职工账户设立"), target_fixture=OUTCOME)
def establish(operator: Operator, name: str):
    return operator.establishes(name)


@when(sentence("经办人用职工“{name:Quoted}”的身份证号码办理职工账户设立"), target_fixture=OUTCOME)
def establish_with_taken_id(operator: Operator, name: str):
    return operator.establishes_with_id_of(name)


@when(sentence("经办人办理职工“{name:Quoted}”的转移"), target_fixture=OUTCOME)
def transfer(operator: Operator, name: str):
    return operator.transfers_in(name)


@when(sentence("经办人把职工“{name:Quoted}”的缴存基数调整为{amount:Amount}元，自{month:Month}起生效"),
      target_fixture=OUTCOME)
def adjust_base(operator: Operator, name: str, amount: terms.Amount, month: terms.Month):
    return operator.adjusts_base(name, amount, month)


@when(sentence("经办人提交单位缴存信息核查"), target_fixture=OUTCOME)
def verify_deposit_info(operator: Operator):
    return operator.verifies_deposit_info()


@when(sentence("经办人查询职工“{name:Quoted}”的账户信息"), target_fixture=OUTCOME)
def query_account(operator: Operator, name: str):
    return operator.account(name)


@when(sentence("经办人查询职工清册"), target_fixture=OUTCOME)
def query_roster(operator: Operator):
    return operator.roster()


@when(sentence("经办人于{moment:Moment}查询职工清册"), target_fixture=OUTCOME)
def query_roster_at(operator: Operator, moment: terms.Moment):
    return operator.roster_at(moment)


@when(sentence("经办人于{moment:Moment}查看单位信息"), target_fixture=OUTCOME)
def view_unit_at(operator: Operator, moment: terms.Moment):
    return operator.unit_info_at(moment)


@when(sentence("经办人打印{month:Month}的汇（补）缴书"), target_fixture=OUTCOME)
def print_slip(operator: Operator, month: terms.Month):
    return operator.prints_slip(month)


@when(sentence("经办人使用口令“{pin:Pin}”登录"), target_fixture=OUTCOME)
def login_with(operator: Operator, pin: str):
    return operator.logs_in(pin)


@when(sentence("经办人选择“{yes:Yes}”"), target_fixture=OUTCOME)
def answer_prompt(operator: Operator, yes: bool):
    return operator.answers_opening_prompt(yes)


@when(sentence("经办人直接{step:OpeningStep}"), target_fixture=OUTCOME)
def skip_to(operator: Operator, step: str):
    return operator.jumps_to_opening_step(step)


@when(sentence("经办人点击“申请开通”"), target_fixture=OUTCOME)
def apply_for_opening(operator: Operator):
    return operator.applies_for_opening()


# ============================ the outcome (那么) =========================================
@then(sentence("业务受理"))
def accepted(outcome: ActionOutcome):
    expect_receipt(outcome)


@then(sentence("业务不受理"))
def refused(outcome: ActionOutcome):
    expect_refusal(outcome)


@then(sentence("业务不受理，原因是“{reason:Quoted}”"))
def refused_because(outcome: ActionOutcome, reason: str):
    expect_refusal(outcome, because=reason)


@then(sentence("职工“{name:Quoted}”的账户状态为“{state:AccountState}”"))
def account_state(operator: Operator, name: str, state: str):
    view = answered(operator.account(name), f"查询职工“{name}”")
    if view.state != state:
        raise SpecFailure(f"职工“{name}”的账户状态应为“{state}”，实际为“{view.state}”")


@then(sentence("看到职工“{name:Quoted}”的账户状态为“{state:AccountState}”，已缴至{month:Month}"))
def account_shown(outcome: ActionOutcome, name: str, state: str, month: terms.Month):
    if not isinstance(outcome, AccountView):
        raise SpecFailure(f"应当看到职工“{name}”的账户信息，实际：{describe(outcome)}")
    if (outcome.state, outcome.paid_through) != (state, month):
        raise SpecFailure(f"应为“{state}”、缴至{month}，实际为“{outcome.state}”、缴至{outcome.paid_through}")


@then(sentence("职工“{name:Quoted}”的账户自{month:Month}起缴存"))
def account_start(operator: Operator, name: str, month: terms.Month):
    view = operator.account(name)
    if not isinstance(view, AccountView) or view.start_month != month:
        raise SpecFailure(f"职工“{name}”应自{month}起缴，实际：{getattr(view, 'start_month', view)}")


@then(sentence("职工“{name:Quoted}”的缴存基数为{amount:Amount}元"))
def account_base(operator: Operator, name: str, amount: terms.Amount):
    view = operator.account(name)
    if not isinstance(view, AccountView) or view.base is None or Decimal(view.base) != amount:
        raise SpecFailure(f"职工“{name}”的缴存基数应为{amount}元，实际：{getattr(view, 'base', view)}")


def _roster_row(outcome: ActionOutcome, world: World, name: str) -> tuple[str, RosterRow | None]:
    """The employee's personal number and their row of the roster the action brought back."""
    rows = answered(outcome, "职工清册查询")
    if not isinstance(rows, list):
        raise SpecFailure(f"应当看到职工清册，实际：{describe(rows)}")
    pno = world.person(name).personal_no
    return pno, next((r for r in rows if r.personal_no == pno), None)


@then(sentence("职工清册中有职工“{name:Quoted}”"))
def on_roster(outcome: ActionOutcome, world: World, name: str):
    pno, row = _roster_row(outcome, world, name)
    if row is None:
        raise SpecFailure(f"职工清册中应有职工“{name}”（{pno}），实际没有")


@then(sentence("职工清册中没有职工“{name:Quoted}”"))
def not_on_roster(outcome: ActionOutcome, world: World, name: str):
    _, row = _roster_row(outcome, world, name)
    if row is not None:
        raise SpecFailure(f"职工清册中不应有职工“{name}”")


@then(sentence("职工清册中职工“{name:Quoted}”的状态为“{state:AccountState}”"))
def roster_state(outcome: ActionOutcome, world: World, name: str, state: str):
    pno, row = _roster_row(outcome, world, name)
    if row is None:
        raise SpecFailure(f"职工清册中应有职工“{name}”（{pno}），实际没有")
    if row.state != state:
        raise SpecFailure(f"职工清册中职工“{name}”的状态应为“{state}”，实际为“{row.state}”")


@then(sentence("显示的经办人为“{name:Quoted}”"))
def operator_shown(outcome: ActionOutcome, name: str):
    if not isinstance(outcome, UnitView):
        raise SpecFailure(f"应当看到单位信息，实际：{describe(outcome)}")
    if outcome.operator_name != name:
        raise SpecFailure(f"显示的经办人应为“{name}”，实际为“{outcome.operator_name}”")


def _receipt_mentions(outcome: ActionOutcome, *words: str) -> None:
    receipt = expect_receipt(outcome)
    text = "".join(receipt.follow_ups)
    missing = [w for w in words if w not in text]
    if missing:
        raise SpecFailure(f"回执的后续事项中应提到{'、'.join(missing)}，实际：{list(receipt.follow_ups)}")


@then(sentence("回执提醒职工携带身份证和公积金储存卡到公积金中心修改信息"))
def receipt_correction(outcome: ActionOutcome):
    _receipt_mentions(outcome, "身份证", "储存卡", "公积金中心")


@then(sentence("回执提示须为该职工办理启封并设置缴存基数"))
def receipt_unseal_next(outcome: ActionOutcome):
    _receipt_mentions(outcome, "启封", "基数")


@then(sentence("回执中没有需要单位继续办理的事项"))
def receipt_nothing_to_do(outcome: ActionOutcome):
    receipt = expect_receipt(outcome)
    if receipt.follow_ups:
        raise SpecFailure(f"回执不应要求单位继续办理，实际：{list(receipt.follow_ups)}")


@then(sentence("回执提示申领职工住房公积金储存卡，申领方式为："))
def receipt_storage_card(outcome: ActionOutcome, datatable):
    _receipt_mentions(outcome, "储存卡")
    for (way,) in datatable[1:]:
        _receipt_mentions(outcome, way)


@then(sentence("回执提示至公积金汇缴受理点打印汇（补）缴书、办理公积金汇（补）缴手续"))
def receipt_collection_point(outcome: ActionOutcome):
    _receipt_mentions(outcome, "汇缴受理点", "汇（补）缴书")


@then(sentence("打印出单位“{unit:Quoted}”{month:Month}的住房公积金汇（补）缴书"))
def slip_printed(outcome: ActionOutcome, world: World, unit: str, month: terms.Month):
    if not isinstance(outcome, Slip):
        raise SpecFailure(f"应当打印出汇（补）缴书，实际：{describe(outcome)}")
    expected = ["住房公积金汇（补）缴书", world.account_no(unit), terms.month_label(month)]
    missing = [w for w in expected if w not in outcome.text]
    if missing:
        raise SpecFailure(f"汇（补）缴书上缺少：{'、'.join(missing)}")


@then(sentence("登录成功"))
def login_ok(outcome: ActionOutcome):
    if not isinstance(outcome, Login) or not outcome.ok:
        raise SpecFailure(f"应当登录成功，实际：{outcome}")


@then(sentence("登录不成功，原因是“{reason:Quoted}”"))
def login_refused(outcome: ActionOutcome, reason: str):
    if not isinstance(outcome, Login) or outcome.ok:
        raise SpecFailure(f"应当登录不成功（{reason}），实际登录成功")
    expect_refusal(outcome.refusal, because=reason)


@then(sentence("出现提示："))
def prompt_shown(outcome: ActionOutcome, docstring: str):
    expected, shown = docstring.strip(), message_shown(outcome)
    if shown != expected:
        raise SpecFailure(f"提示文字应为“{expected}”，实际为“{shown}”")


@then(sentence("单位“{unit:Quoted}”进入签署服务协议的步骤"))
def at_agreement_step(operator: Operator, unit: str):
    stage = operator.opening_stage()
    if stage != "enabled":
        raise SpecFailure(f"开通进度应为enabled，实际为{stage}")


@then(sentence("单位“{unit:Quoted}”仍未开通网上业务"))
def still_not_opened(operator: Operator, unit: str):
    stage = operator.opening_stage()
    if stage != "not_enabled":
        raise SpecFailure(f"开通进度应为not_enabled，实际为{stage}")
    if not operator.logs_in().prompt:  # a new visit still meets the prompt
        raise SpecFailure("选择“否”之后再次登录，应当仍出现开通提示")


__all__ = [n for n in dir() if not n.startswith("_")]
