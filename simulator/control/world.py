"""Turn a partial world description (what a test cares about) into a complete one: every
value a test leaves out is generated as realistic Changzhou data, deterministically.

The data come from a `DataGenerator` the composition root injects (gjj.simulator.app passes
gjj.fixtures.generators.Generator): the simulator does not import the project's test data.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Protocol

from ..domain import messages as M
from ..domain import validators as V
from ..domain.messages import DomainError
from ..domain.model import AccountState, OpeningStage
from ..domain.months import Month
from ..service.seeding import EmployeeSpec, UnitSpec
from .models import EmployeeWorld, UnitWorld, WorldIn


class UnitData(Protocol):
    name: str
    uscc: str
    operator_name: str
    operator_mobile: str
    operator_id_number: str


class EmployeeData(Protocol):
    name: str
    id_number: str
    base: Decimal


class DataGenerator(Protocol):
    """Realistic test data; the same seed and the same calls give the same data."""

    def unit(self, n: int) -> UnitData: ...

    def employees(self, count: int, *, lo: Decimal = ..., hi: Decimal = ...) -> Iterable[EmployeeData]: ...

    def person_name(self) -> str: ...

    def id_number(self) -> str: ...

    def base(self, *, lo: Decimal = ..., hi: Decimal = ...) -> Decimal: ...


GeneratorFactory = Callable[[int], DataGenerator]  # a seed -> its generator


def _month(text: str | None) -> Month | None:
    return None if text is None else V.month(text)


def _enum(enum, value: str, label: str):
    try:
        return enum(value)
    except ValueError:
        allowed = "、".join(e.value for e in enum)
        raise DomainError(M.VALIDATION_FAILED, detail=f"{label}“{value}”不正确，可选：{allowed}") from None


def complete_unit(u: UnitWorld, gen: DataGenerator, default_first: Month, index: int = 0,
                  base_range: tuple[Decimal, Decimal] | None = None) -> UnitSpec:
    """base_range: the base limits in force, so generated bases are ones the centre accepts."""
    lo, hi = base_range or (None, None)
    limits = {"lo": lo, "hi": hi} if base_range else {}
    seed = gen.unit(index)
    op = u.operator
    employees = [complete_employee(e, gen, limits) for e in u.employees]
    if u.generate_employees:
        for e in gen.employees(u.generate_employees, **limits):
            employees.append(EmployeeSpec(name=e.name, id_number=e.id_number, base=e.base, trusted=True))
    return UnitSpec(
        key=u.key, account_no=u.account_no, name=u.name or seed.name, uscc=u.uscc or seed.uscc,
        operator=(op.name if op else seed.operator_name, op.mobile if op else seed.operator_mobile,
                  op.id_number if op else seed.operator_id_number),
        first_month=_month(u.first_month) or default_first,
        remitted_through=_month(u.remitted_through), arrived_through=_month(u.arrived_through),
        entrusted_collection=u.entrusted_collection,
        opening_stage=_enum(OpeningStage, u.opening_stage, "开通状态"),
        certificates=[(c.serial, c.pin) for c in u.certificates] or [(None, None)],
        query_password=V.query_password(u.query_password) if u.query_password else None,
        employees=employees)


def complete_employee(e: EmployeeWorld, gen: DataGenerator, limits: dict | None = None) -> EmployeeSpec:
    return EmployeeSpec(
        key=e.key, name=e.name or gen.person_name(), id_number=e.id_number or gen.id_number(),
        base=V.amount(e.base) if e.base is not None else gen.base(**(limits or {})),
        state=_enum(AccountState, e.state, "职工状态") if len(e.state) == 2 else _state_by_name(e.state),
        start_month=_month(e.start_month), last_month=_month(e.last_month), joined_month=_month(e.joined_month),
        unit_rate=V.rate(e.unit_rate) if e.unit_rate else None,
        personal_rate=V.rate(e.personal_rate) if e.personal_rate else None,
        trusted=e.id_number is None and e.name is None)


_STATE_NAMES = {"normal": AccountState.NORMAL, "正常": AccountState.NORMAL,
                "sealed": AccountState.SEALED, "封存": AccountState.SEALED}


def _state_by_name(value: str) -> AccountState:
    if value not in _STATE_NAMES:
        raise DomainError(M.VALIDATION_FAILED, detail=f"职工状态“{value}”不正确，可选：normal、sealed")
    return _STATE_NAMES[value]


def seed_world(svc, world: WorldIn, generator: GeneratorFactory) -> list[dict]:
    """Complete and seed a world with data from `generator(seed)`. The seed also depends on what
    already exists, so repeating the same calls after a reset gives the same data, and never clashing IDs."""
    with svc.centre.query() as ctx:
        existing = ctx.conn.execute(
            "SELECT (SELECT COUNT(*) FROM units) + (SELECT COUNT(*) FROM accounts)").fetchone()[0]
        default_first = Month.of(ctx.today).plus(-12)
        limits = ctx.policy.base_limits
    gen = generator(world.seed * 1_000_003 + existing)
    specs = [complete_unit(u, gen, default_first, i, (limits.min, limits.max)) for i, u in enumerate(world.units)]
    return svc.seeder.seed(specs)
