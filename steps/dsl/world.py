"""The centre side of a scenario, an actor through the test-control contract (its ability): the world
the scenario starts from and the centre's own actions (remittance, arrival, the passing of time).

Logical names in the feature files ("单位甲", "张三") map to whatever the target assigns;
the world is described first and seeded in one call when the first action needs it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..drivers.base import ControlDriver
from .terms import Amount, Moment, Month


@dataclass
class UnitRef:
    name: str
    spec: dict
    account_no: str | None = None
    serial: str | None = None
    pin: str | None = None


@dataclass
class EmployeeRef:
    name: str
    unit: str
    spec: dict
    personal_no: str | None = None
    id_number: str | None = None


@dataclass
class World:
    control: ControlDriver
    now: str
    units: dict[str, UnitRef] = field(default_factory=dict)
    employees: dict[str, EmployeeRef] = field(default_factory=dict)
    seeded: bool = False
    as_of: date | None = None          # 检查基准日 (--as-of): the day the policy-driven scenarios run on
    policy_dir: Path | None = None     # the dated policy data the expectations follow (--policy-dir)
    policy: dict[str, dict] = field(default_factory=dict)  # the values in use, read once (policy_values.in_use)

    def policy_value(self, parameter: str):
        """The value the scenarios use for `parameter`: the target's where the guide leaves it open and the
        target reported one, else the harness's (fixtures/policy, in force on the 检查基准日)."""
        if parameter in self.policy:
            return self.policy[parameter]["value"]
        from gjj.fixtures.policy_values import in_force
        entry = in_force(parameter, self.as_of or date(2025, 3, 5), self.policy_dir)
        return entry["value"]

    def business_hours_edge(self, edge: str) -> Moment:
        """检查基准日 at an edge of the business hours in force that day (fixtures/policy/business_hours.toml):
        '开始前1秒', '开始时', '结束前1秒', '结束时' → ISO 8601, Beijing time."""
        from gjj.fixtures.policy_values import in_force
        day = self.as_of or date(2025, 3, 5)
        hours = in_force("business_hours", day, self.policy_dir)
        base = datetime.combine(day, time.fromisoformat(hours["start" if edge.startswith("开始") else "end"]))
        if edge.endswith("前1秒"):
            base -= timedelta(seconds=1)
        return Moment(base.isoformat() + "+08:00")

    # --- describing the world ------------------------------------------------------------
    def unit(self, name: str, *, remitted_through: Month | None = None, entrusted_collection: bool | None = None,
             opening_stage: str | None = None) -> UnitRef:
        """A unit of the scenario (described again: what is said now is added)."""
        spec = _said(remitted_through=remitted_through, entrusted_collection=entrusted_collection,
                     opening_stage=opening_stage)
        if name in self.units:
            self.units[name].spec.update(spec)
            return self.units[name]
        if self.seeded:
            raise AssertionError(f"单位“{name}”须在场景开始时描述")
        base = {"key": name, "first_month": "2024-01", "entrusted_collection": True, "opening_stage": "opened"}
        ref = self.units[name] = UnitRef(name, base | spec)
        return ref

    def employee(self, unit: str, name: str, *, state: str | None = None, base: Amount | None = None,
                 last_month: Month | None = None, joined_month: Month | None = None,
                 start_month: Month | None = None) -> EmployeeRef:
        """An employee of the scenario; `state` 'sealed' with `last_month`, or normal (the default)."""
        self.unit(unit)
        if self.seeded:
            raise AssertionError(f"职工“{name}”须在场景开始时描述")
        spec = _said(state=state, base=None if base is None else str(base), last_month=last_month,
                     joined_month=joined_month, start_month=start_month)
        ref = self.employees[name] = EmployeeRef(name, unit, {"key": name, "name": name} | spec)
        return ref

    def ensure_seeded(self) -> None:
        if self.seeded:
            return
        self.control.reset(self.now)
        units = []
        for u in self.units.values():
            spec = dict(u.spec)
            spec["employees"] = [e.spec for e in self.employees.values() if e.unit == u.name]
            units.append(spec)
        result = self.control.seed({"seed": 0, "units": units}) if units else {"units": []}
        for got in result["units"]:
            ref = self.units[got["key"]]
            ref.account_no = got["account_no"]
            ref.serial, ref.pin = got["certificates"][0]["serial"], got["certificates"][0]["pin"]
            for e in got["employees"]:
                emp = self.employees[e["key"]]
                emp.personal_no, emp.id_number = e["personal_no"], e["id_number"]
        self.seeded = True

    # --- the centre's actions -----------------------------------------------------------
    def set_time(self, iso: Moment) -> None:
        if not self.seeded:
            self.now = iso
        else:
            self.control.set_clock(iso)
            self.now = iso

    def remit(self, unit: str, month: Month, arrived: bool = True) -> None:
        self.ensure_seeded()
        self.control.remit(self.units[unit].account_no, month, arrived)

    def arrive(self, unit: str, month: Month) -> None:
        self.ensure_seeded()
        self.control.arrive(self.units[unit].account_no, month)

    def person(self, name: str) -> EmployeeRef:
        if name not in self.employees:
            raise AssertionError(f"场景中没有职工“{name}”")
        self.ensure_seeded()
        return self.employees[name]

    # --- remittance as the scenario states it ----------------------------------------------
    def months_of(self, unit: str) -> dict:
        self.ensure_seeded()
        return self.control.unit_state(self.units[unit].account_no)["months"]

    def paid_through(self, unit: str) -> Month | None:
        """The last month the unit has remitted, as the centre records it."""
        return self.months_of(unit)["paid_through"]

    def account_no(self, unit: str) -> str:
        self.ensure_seeded()
        return self.units[unit].account_no

    def remit_and_arrive(self, unit: str, month: Month) -> None:
        state = self.months_of(unit)
        if state["paid_through"] is None or state["paid_through"] < month:
            self.remit_through(unit, month)
        elif month not in state["arrived"]:
            self.arrive(unit, month)

    def remit_through(self, unit: str, month: Month) -> None:
        """The unit remits, in order, every month up to `month`, each arriving."""
        due = self.months_of(unit)["due_month"]
        while due <= month:
            self.remit(unit, due, arrived=True)
            y, m = map(int, due.split("-"))
            due = f"{y + (m == 12):04d}-{m % 12 + 1:02d}"


def _said(**fields) -> dict:
    """What a sentence said about a unit or an employee, for the seed (the rest takes the defaults)."""
    return {k: v for k, v in fields.items() if v is not None}
