"""The operator (经办人) of a unit: logs in, submits businesses, reads what the portal shows.
Questions return values; `should_*` methods are the assertions the Then steps make."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from gjj.fixtures.generators import Generator

from ..drivers.base import (
    AccountView,
    Login,
    PortalDriver,
    Receipt,
    Refusal,
    RosterRow,
    Slip,
    UnitView,
)
from . import terms
from .world import EmployeeRef, World


class SpecFailure(AssertionError):
    """The target did not behave as the clause requires."""


@dataclass
class Operator:
    world: World
    portal_factory: Callable[[], PortalDriver]
    gen: Generator = field(default_factory=lambda: Generator(4242))
    unit_name: str | None = None
    portal: PortalDriver | None = None
    last: object = None          # the outcome of the scenario's action
    login_result: Login | None = None
    capabilities: frozenset[str] | None = None   # what the target declares it offers; None: everything

    # --- session --------------------------------------------------------------------------
    def logs_in(self, unit: str, pin: str | None = None) -> Login:
        self.world.ensure_seeded()
        ref = self.world.units[unit]
        self.unit_name = unit
        self.portal = self.portal_factory()
        self.login_result = self.portal.login(ref.serial, ref.pin if pin is None else pin)
        return self.login_result

    def _portal(self) -> PortalDriver:
        if self.portal is None or self.login_result is None or not self.login_result.ok:
            if self.unit_name is None:
                self.unit_name = next(iter(self.world.units))
            result = self.logs_in(self.unit_name)
            if not result.ok:
                raise SpecFailure(f"经办人无法登录：{result.refusal}")
        return self.portal

    def relogs_in(self) -> None:
        """A new visit (sessions expire with time)."""
        self.portal = None
        self.login_result = None
        self._portal()

    # --- businesses -------------------------------------------------------------------------
    def _requires(self, capability: str) -> None:
        if self.capabilities is not None and capability not in self.capabilities:
            import pytest
            pytest.skip(f"未声明的功能：目标未声明提供“{terms.CAPABILITY_NAMES.get(capability, capability)}”"
                        f"（capability {capability} not declared）")

    def submits(self, business: str, **fields) -> object:
        self._requires(business)
        self.last = self._portal().submit(business, fields)
        return self.last

    def seals(self, employee: str, last_month: str) -> object:
        return self.submits("seal", personal_no=self.world.person(employee).personal_no, last_month=last_month)

    def unseals(self, employee: str, start_month: str, base: str = "6000", reported: list[str] | None = None):
        fields = {"personal_no": self.world.person(employee).personal_no, "start_month": start_month, "base": base}
        if reported:
            fields["reported_errors"] = reported
        return self.submits("unseal", **fields)

    def back_pays(self, employee: str, cause: str, months: list[str]):
        return self.submits("back_pay", personal_no=self.world.person(employee).personal_no, cause=cause,
                            months=months)

    def establishes(self, name: str, id_number: str | None = None, base: str = "6000",
                    employed_from: str | None = None):
        fields = {"name": name, "id_number": id_number or self.gen.id_number(), "base": base}
        if employed_from:
            fields["employed_from"] = employed_from
        result = self.submits("establish", **fields)
        if isinstance(result, Receipt) and name not in self.world.employees:
            self.world.employees[name] = EmployeeRef(name, self.unit_name, {}, result.result.get("personal_no"),
                                                     fields["id_number"])
        return result

    def transfers_in(self, employee: str):
        person = self.world.person(employee)
        result = self.submits("transfer", name=person.name, id_number=person.id_number)
        if isinstance(result, Receipt):
            person.unit = self.unit_name
        return result

    def adjusts_base(self, employee: str, base: str, effective_month: str):
        return self.submits("base_adjustment", personal_no=self.world.person(employee).personal_no, base=base,
                            effective_month=effective_month)

    def verifies_deposit_info(self):
        return self.submits("deposit_verification", confirmed=True)

    def prints_slip(self, month: str):
        self._requires("print_slip")
        self._last_slip_month = month
        self.last = self._portal().print_slip(month)
        return self.last

    def changes_operator(self, name: str, mobile: str):
        id_number = self.gen.id_number()
        self.last = self._portal().change_operator(name, mobile, id_number) or Receipt("", "operator_change", "")
        return self.last

    def establishes_with_id_of(self, employee: str):
        person = self.world.person(employee)
        return self.establishes(person.name + "新", id_number=person.id_number)

    def queries_account(self, employee: str):
        self.last = self.account(employee)
        return self.last

    def queries_roster(self):
        self.last = self._portal().roster()
        return self.last

    def views_unit_info(self):
        self.last = self._portal().unit_info()
        return self.last

    # --- login and opening ------------------------------------------------------------------
    def own_unit(self) -> str:
        return self.unit_name or next(iter(self.world.units))

    def logs_in_first(self, pin: str | None = None) -> Login:
        self.last = self.logs_in(self.own_unit(), pin)
        return self.last

    def fails_pin(self, times: int) -> None:
        self.world.ensure_seeded()
        ref = self.world.units[self.own_unit()]
        wrong = "000000" if ref.pin != "000000" else "999999"
        for _ in range(times):
            result = self.portal_factory().login(ref.serial, wrong)
            if result.ok:
                raise SpecFailure("错误的口令竟然登录成功")

    def changes_pin(self, old: str, new: str) -> None:
        if not self.logs_in(self.own_unit(), old).ok:
            raise SpecFailure(f"无法用口令“{old}”登录：{self.login_result.refusal}")
        outcome = self.portal.change_pin(old, new)
        if isinstance(outcome, Refusal):
            raise SpecFailure(f"修改口令不受理：{outcome.code} {outcome.detail}")
        self.world.units[self.own_unit()].pin = new
        self.portal = None

    def answers_opening_prompt(self, yes: bool):
        self.last = self._portal().answer_first_login_prompt(yes) or Receipt("", "opening", "")
        return self.last

    def applies_for_opening(self):
        self.last = self._portal().apply_for_opening() or Receipt("", "opening", "")
        return self.last

    def completes_opening_in_order(self) -> None:
        p = self._portal()
        steps = [p.sign_agreement, p.confirm_unit_info, lambda: p.set_query_password("Cz2025pass"),
                 p.complete_opening]
        for step in steps:
            outcome = step()
            if isinstance(outcome, Refusal):
                raise SpecFailure(f"开通步骤不受理：{outcome.code} {outcome.detail}")

    def jumps_to_opening_step(self, step: str):
        p = self._portal()
        action = {"核对单位信息": p.confirm_unit_info, "设置查询密码": lambda: p.set_query_password("Cz2025pass"),
                  "完成开通": p.complete_opening}[step]
        self.last = action() or Receipt("", "opening", "")
        return self.last

    # --- questions --------------------------------------------------------------------------
    def roster(self) -> list[RosterRow]:
        rows = self._portal().roster()
        if isinstance(rows, Refusal):
            raise SpecFailure(f"职工清册查询被拒绝：{rows.code} {rows.detail}")
        return rows

    def roster_row(self, employee: str) -> RosterRow | None:
        pno = self.world.person(employee).personal_no
        return next((r for r in self.roster() if r.personal_no == pno), None)

    def account(self, employee: str) -> AccountView | Refusal:
        return self._portal().account(self.world.person(employee).personal_no)

    def operator_shown(self) -> str | None:
        info = self._portal().unit_info()
        if isinstance(info, Refusal):
            raise SpecFailure(f"单位信息查询被拒绝：{info.code} {info.detail}")
        return info.operator_name

    # --- assertions -------------------------------------------------------------------------
    def should_be_accepted(self) -> Receipt:
        if not isinstance(self.last, Receipt):
            raise SpecFailure(f"应当受理，实际被拒绝：{_show(self.last)}")
        if isinstance(self.last, Receipt) and self.last.business_type != "operator_change" \
                and not self.last.business_no:
            raise SpecFailure("受理回执中没有业务流水号")
        return self.last

    def should_be_refused(self, because: str | None = None) -> Refusal:
        if not isinstance(self.last, Refusal):
            raise SpecFailure(f"应当不受理（{because or '任何原因'}），实际却受理了：{_show(self.last)}")
        if because is not None:
            expected = terms.REFUSALS.get(because)
            if expected is None:
                raise AssertionError(f"规格用语“{because}”未在 steps/dsl/terms.py 中定义")
            if self.last.code not in expected:
                raise SpecFailure(f"应当因“{because}”不受理，实际原因：{self.last.code} {self.last.detail}")
        if not self.last.detail or not any("\u4e00" <= ch <= "\u9fff" for ch in self.last.detail):
            raise SpecFailure(f"不受理时应有中文说明，实际：{self.last.detail!r}")
        return self.last

    def logs_in_via_platform(self) -> Login:
        self.world.ensure_seeded()
        self.portal = self.portal or self.portal_factory()
        self.portal.via_platform = True
        ref = self.world.units[self.own_unit()]
        self.unit_name = self.own_unit()
        self.login_result = self.last = self.portal.login(ref.serial, ref.pin)
        return self.last

    def prints_slip_again(self):
        if not isinstance(getattr(self, "_last_slip_month", None), str):
            raise AssertionError("之前没有打印过")
        return self.prints_slip(self._last_slip_month)

    def should_not_be_logged_in_by_fault(self) -> None:
        if not isinstance(self.last, Login) or self.last.ok or self.last.refusal is None:
            raise SpecFailure(f"应当出现登录异常提示，实际：{self.last}")

    def should_have_print_fault(self) -> None:
        if not isinstance(self.last, Refusal):
            raise SpecFailure(f"应当出现打印失败提示，实际：{_show(self.last)}")

    def should_be_logged_in(self) -> None:
        if not isinstance(self.last, Login) or not self.last.ok:
            raise SpecFailure(f"应当登录成功，实际：{self.last}")

    def should_not_be_logged_in(self, because: str) -> None:
        if not isinstance(self.last, Login) or self.last.ok:
            raise SpecFailure(f"应当登录不成功（{because}），实际登录成功")
        self.last = self.last.refusal
        self.should_be_refused(because=because)

    def should_see_prompt(self, text: str) -> None:
        """The exact words the guide quotes: a first-login prompt, a login fault, a print fault."""
        last = self.last
        shown = None
        if isinstance(last, Login):
            shown = last.prompt or (last.refusal.detail if last.refusal else None)
        elif isinstance(last, Refusal):
            shown = last.detail
        if shown != text:
            raise SpecFailure(f"提示文字应为“{text}”，实际为“{shown}”")

    def should_see_opening_prompt(self) -> None:
        if not self.login_result or not self.login_result.ok:
            raise SpecFailure(f"经办人未能登录：{self.login_result}")
        if not self.login_result.prompt:
            raise SpecFailure("首次登录没有出现开通提示")

    def should_see_opening_prompt_on_next_login(self) -> None:
        self.portal = None
        self.logs_in_first()
        if not self.login_result.prompt:
            raise SpecFailure("选择“否”之后再次登录，应当仍出现开通提示")

    def should_be_at_opening_stage(self, stage: str) -> None:
        actual = self._portal().opening_stage()
        if actual != stage:
            raise SpecFailure(f"开通进度应为{stage}，实际为{actual}")

    def should_show_account_state(self, employee: str, state: str) -> None:
        view = self.account(employee)
        if isinstance(view, Refusal):
            raise SpecFailure(f"查询职工“{employee}”被拒绝：{view.code} {view.detail}")
        if view.state != state:
            raise SpecFailure(f"职工“{employee}”的账户状态应为“{state}”，实际为“{view.state}”")

    def should_have_shown_account(self, employee: str, state: str, paid_through: str) -> None:
        view = self.last
        if not isinstance(view, AccountView):
            raise SpecFailure(f"应当看到职工“{employee}”的账户信息，实际：{_show(view)}")
        if (view.state, view.paid_through) != (state, paid_through):
            raise SpecFailure(f"应为“{state}”、缴至{paid_through}，实际为“{view.state}”、缴至{view.paid_through}")

    def should_start_in(self, employee: str, month: str) -> None:
        view = self.account(employee)
        if isinstance(view, Refusal) or view.start_month != month:
            raise SpecFailure(f"职工“{employee}”应自{month}起缴，实际：{getattr(view, 'start_month', view)}")

    def should_show_base(self, employee: str, amount: str) -> None:
        view = self.account(employee)
        if isinstance(view, Refusal) or view.base is None or Decimal(view.base) != Decimal(amount):
            raise SpecFailure(f"职工“{employee}”的缴存基数应为{amount}元，实际：{getattr(view, 'base', view)}")

    def should_list_on_roster(self, employee: str, state: str | None = None) -> None:
        rows = self.last if isinstance(self.last, list) else self.roster()
        pno = self.world.person(employee).personal_no
        row = next((r for r in rows if r.personal_no == pno), None)
        if row is None:
            raise SpecFailure(f"职工清册中应有职工“{employee}”（{pno}），实际没有")
        if state is not None and row.state != state:
            raise SpecFailure(f"职工清册中职工“{employee}”的状态应为“{state}”，实际为“{row.state}”")

    def should_not_list_on_roster(self, employee: str) -> None:
        rows = self.last if isinstance(self.last, list) else self.roster()
        pno = self.world.person(employee).personal_no
        if any(r.personal_no == pno for r in rows):
            raise SpecFailure(f"职工清册中不应有职工“{employee}”")

    def should_show_operator(self, name: str) -> None:
        view = self.last
        if not isinstance(view, UnitView):
            raise SpecFailure(f"应当看到单位信息，实际：{_show(view)}")
        if view.operator_name != name:
            raise SpecFailure(f"显示的经办人应为“{name}”，实际为“{view.operator_name}”")

    def receipt_should_mention(self, *words: str) -> None:
        receipt = self.should_be_accepted()
        text = "".join(receipt.follow_ups)
        missing = [w for w in words if w not in text]
        if missing:
            raise SpecFailure(f"回执的后续事项中应提到{'、'.join(missing)}，实际：{list(receipt.follow_ups)}")

    def receipt_should_have_nothing_to_do(self) -> None:
        receipt = self.should_be_accepted()
        if receipt.follow_ups:
            raise SpecFailure(f"回执不应要求单位继续办理，实际：{list(receipt.follow_ups)}")

    def should_have_printed_slip(self, unit: str, month: str) -> None:
        slip = self.slip()
        y, m = month.split("-")
        expected = ["住房公积金汇（补）缴书", self.world.units[unit].account_no, f"{int(y)}年{int(m)}月"]
        missing = [w for w in expected if w not in slip.text]
        if missing:
            raise SpecFailure(f"汇（补）缴书上缺少：{'、'.join(missing)}")

    def slip(self) -> Slip:
        if not isinstance(self.last, Slip):
            raise SpecFailure(f"应当打印出汇（补）缴书，实际：{_show(self.last)}")
        return self.last


def _show(outcome: object) -> str:
    if isinstance(outcome, Refusal):
        return f"{outcome.code}：{outcome.detail}"
    if isinstance(outcome, Receipt):
        return f"业务流水号{outcome.business_no}：{outcome.summary}"
    return repr(outcome)
