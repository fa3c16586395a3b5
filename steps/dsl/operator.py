"""The operator (经办人) of a unit, the actor of most scenarios. Its ability is a portal driver
(`portal_factory` makes one per visit). Tasks (logs_in, seals, prints_slip…) return what the portal
answered — a Receipt or Refusal, a Login, a Slip — for the step to hand to its Then steps; questions
(roster, account, unit_info, opening_stage) return what the portal shows. Neither judges the target:
the Then steps do. A task that cannot be carried out at all (the operator cannot log in, a step of a
compound task is refused) raises SpecFailure, since the scenario cannot go on."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from gjj.fixtures.generators import Generator

from ..drivers.base import (SUBMIT_FIELDS, AccountView, Login, Outcome, PortalDriver, Receipt, Refusal, RosterRow,
                            Slip, UnitView)
from .failures import CapabilityNotDeclared, SpecFailure
from .terms import Amount, Moment, Month
from .world import EmployeeRef, World

QUERY_PASSWORD = "Cz2025pass"   # the 查询密码 the operator sets during the opening
DEFAULT_BASE = Decimal("6000")


@dataclass
class Operator:
    world: World
    portal_factory: Callable[[], PortalDriver]
    gen: Generator = field(default_factory=lambda: Generator(4242))
    capabilities: frozenset[str] | None = None   # what the target declares it offers; None: everything
    unit_name: str | None = None                 # the unit whose certificate the operator holds
    portal: PortalDriver | None = None           # the current visit
    session: Login | None = None                 # how the current visit's login went
    printed: Slip | None = None                  # the last 汇（补）缴书 printed (web evidence shows it)

    # --- session --------------------------------------------------------------------------
    def own_unit(self) -> str:
        return self.unit_name or next(iter(self.world.units))

    def logs_in(self, pin: str | None = None, unit: str | None = None) -> Login:
        """A new visit: logs in with the unit's certificate, with its PIN unless `pin` is given."""
        self.world.ensure_seeded()
        unit = unit or self.own_unit()
        ref = self.world.units[unit]
        self.unit_name = unit
        self.portal = self.portal_factory()
        self.session = self.portal.login(ref.serial, ref.pin if pin is None else pin)
        return self.session

    def _portal(self) -> PortalDriver:
        if self.portal is None or self.session is None or not self.session.ok:
            result = self.logs_in()
            if not result.ok:
                raise SpecFailure(f"经办人无法登录：{result.refusal}")
        return self.portal

    def returns_at(self, moment: Moment) -> None:
        """Comes back at `moment` (the centre's clock moves there): a new visit, as sessions expire."""
        self.world.set_time(moment)
        self.portal = None
        self.session = None
        self._portal()

    def logs_in_via_platform(self) -> Login:
        """Logs in on the page the 同和综合服务平台 opened (the visitor's browser, when it has one)."""
        self.world.ensure_seeded()
        self.portal = self.portal or self.portal_factory()
        self.portal.via_platform = True
        self.unit_name = self.own_unit()
        ref = self.world.units[self.unit_name]
        self.session = self.portal.login(ref.serial, ref.pin)
        return self.session

    def fails_pin(self, times: int) -> None:
        self.world.ensure_seeded()
        ref = self.world.units[self.own_unit()]
        wrong = "000000" if ref.pin != "000000" else "999999"
        for _ in range(times):
            if self.portal_factory().login(ref.serial, wrong).ok:
                raise SpecFailure("错误的口令竟然登录成功")

    def changes_pin(self, old: str, new: str) -> None:
        login = self.logs_in(old)
        if not login.ok:
            raise SpecFailure(f"无法用口令“{old}”登录：{login.refusal}")
        outcome = self.portal.change_pin(old, new)
        if isinstance(outcome, Refusal):
            raise SpecFailure(f"修改口令不受理：{outcome.code} {outcome.detail}")
        self.world.units[self.own_unit()].pin = new
        self.portal = self.session = None

    # --- businesses -------------------------------------------------------------------------
    def _requires(self, capability: str) -> None:
        if self.capabilities is not None and capability not in self.capabilities:
            raise CapabilityNotDeclared(capability)

    def submits(self, business: str, **fields) -> Outcome:
        self._requires(business)
        undocumented = set(fields) - set(SUBMIT_FIELDS[business])
        if undocumented:  # the driver interface documents what submit() receives (docs/driver-interface.md)
            raise AssertionError(f"{business}: 未在 SUBMIT_FIELDS 中说明的字段 / undocumented fields {undocumented}")
        return self._portal().submit(business, fields)

    def seals(self, employee: str, last_month: Month) -> Outcome:
        return self.submits("seal", personal_no=self.world.person(employee).personal_no, last_month=last_month)

    def unseals(self, employee: str, start_month: Month, base: Amount = DEFAULT_BASE,
                reported: list[str] | None = None) -> Outcome:
        fields = {"personal_no": self.world.person(employee).personal_no, "start_month": start_month,
                  "base": str(base)}
        if reported:
            fields["reported_errors"] = reported
        return self.submits("unseal", **fields)

    def back_pays(self, employee: str, cause: str, months: list[Month]) -> Outcome:
        return self.submits("back_pay", personal_no=self.world.person(employee).personal_no, cause=cause,
                            months=months)

    def establishes(self, name: str, id_number: str | None = None, base: Amount = DEFAULT_BASE) -> Outcome:
        fields = {"name": name, "id_number": id_number or self.gen.id_number(), "base": str(base)}
        result = self.submits("establish", **fields)
        if isinstance(result, Receipt) and name not in self.world.employees:
            self.world.employees[name] = EmployeeRef(name, self.unit_name, {}, result.result.get("personal_no"),
                                                     fields["id_number"])
        return result

    def establishes_with_id_of(self, employee: str) -> Outcome:
        person = self.world.person(employee)
        return self.establishes(person.name + "新", id_number=person.id_number)

    def transfers_in(self, employee: str) -> Outcome:
        person = self.world.person(employee)
        result = self.submits("transfer", name=person.name, id_number=person.id_number)
        if isinstance(result, Receipt):
            person.unit = self.unit_name
        return result

    def adjusts_base(self, employee: str, base: Amount, effective_month: Month) -> Outcome:
        return self.submits("base_adjustment", personal_no=self.world.person(employee).personal_no, base=str(base),
                            effective_month=effective_month)

    def verifies_deposit_info(self) -> Outcome:
        return self.submits("deposit_verification", confirmed=True)

    def prints_slip(self, month: Month) -> Slip | Refusal:
        self._requires("print_slip")
        slip = self._portal().print_slip(month)
        if isinstance(slip, Slip):
            self.printed = slip
        return slip

    def logs_in_and_prints_slip(self, month: Month) -> Slip | Refusal:
        self.logs_in()
        return self.prints_slip(month)

    def changes_operator(self, name: str, mobile: str) -> Outcome:
        return self._portal().change_operator(name, mobile, self.gen.id_number()) or \
            Receipt("", "operator_change", "")

    # --- the opening (开通) --------------------------------------------------------------------
    def answers_opening_prompt(self, yes: bool) -> Outcome:
        return self._portal().answer_first_login_prompt(yes) or Receipt("", "opening", "")

    def applies_for_opening(self) -> Outcome:
        return self._portal().apply_for_opening() or Receipt("", "opening", "")

    def completes_opening_in_order(self) -> Refusal | None:
        """Every step of the opening in the guide's order; the refusal that stopped it, if any."""
        p = self._portal()
        for step in (p.sign_agreement, p.confirm_unit_info, lambda: p.set_query_password(QUERY_PASSWORD),
                     p.complete_opening):
            outcome = step()
            if isinstance(outcome, Refusal):
                return outcome
        return None

    def jumps_to_opening_step(self, step: str) -> Outcome:
        """`step`: confirm_unit_info, set_query_password or complete_opening (terms.OPENING_STEPS)."""
        p = self._portal()
        action = {"confirm_unit_info": p.confirm_unit_info,
                  "set_query_password": lambda: p.set_query_password(QUERY_PASSWORD),
                  "complete_opening": p.complete_opening}[step]
        return action() or Receipt("", "opening", "")

    # --- questions --------------------------------------------------------------------------
    def roster(self) -> list[RosterRow] | Refusal:
        return self._portal().roster()

    def roster_at(self, moment: Moment) -> list[RosterRow] | Refusal:
        self.returns_at(moment)
        return self.roster()

    def account(self, employee: str) -> AccountView | Refusal:
        return self._portal().account(self.world.person(employee).personal_no)

    def unit_info(self) -> UnitView | Refusal:
        return self._portal().unit_info()

    def unit_info_at(self, moment: Moment) -> UnitView | Refusal:
        self.returns_at(moment)
        return self.unit_info()

    def opening_stage(self) -> str:
        return self._portal().opening_stage()
