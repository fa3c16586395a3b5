"""docs/driver-interface.md is generated from steps/drivers/base.py and gjj/control/protocol.py and does not drift;
what submit() receives is the table the DSL keeps to (steps/drivers/base.py SUBMIT_FIELDS)."""
from __future__ import annotations

from pathlib import Path

import pytest

from gjj.steps.drivers import base
from gjj.steps.drivers.interface_doc import render
from gjj.steps.dsl.operator import Operator
from gjj.steps.dsl.world import World

DOC = Path(__file__).resolve().parents[1] / "docs" / "driver-interface.md"


def test_the_committed_reference_is_what_the_code_generates():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/driver-interface.md is stale: "
        ".venv/bin/python -m gjj.steps.drivers.interface_doc > docs/driver-interface.md")


def test_every_view_field_and_driver_method_is_documented():
    text = render()
    for cls in (base.UnitView, base.RosterRow, base.AccountView, base.Slip, base.Receipt):
        assert all(f"| `{f}` |" in text for f in cls.__dataclass_fields__), cls.__name__
    assert all(f"| `{name}(" in text for name in vars(base.PortalDriver) if not name.startswith("_"))


def test_the_operator_sends_only_the_documented_fields():
    sent = []

    class Recording:
        def login(self, serial, pin):
            return base.Login(True)

        def submit(self, business, fields):
            sent.append((business, set(fields)))
            return base.Refusal("X", "拒绝")

    class Control:
        def reset(self, now): ...
        def seed(self, world): return {"units": [{"key": "甲", "account_no": "1", "certificates": [
            {"serial": "S", "pin": "1"}], "employees": [{"key": "张三", "personal_no": "2", "id_number": "3"}]}]}
    world = World(Control(), "2025-03-05T10:00:00+08:00")
    world.employee("甲", "张三")
    op = Operator(world, Recording)
    op.seals("张三", "2025-02"), op.unseals("张三", "2025-03", reported=["name"]), op.establishes("李四")
    op.transfers_in("张三"), op.back_pays("张三", "late_establish", ["2025-01"]), op.verifies_deposit_info()
    op.adjusts_base("张三", 7000, "2025-03")
    assert {b for b, _ in sent} == set(base.SUBMIT_FIELDS)
    assert all(fields <= set(base.SUBMIT_FIELDS[b]) for b, fields in sent)
    with pytest.raises(AssertionError, match="undocumented"):
        op.submits("seal", personal_no="2", last_month="2025-02", colour="blue")
