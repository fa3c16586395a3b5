"""docs/web-portal.md's section "What the browser driver expects" is generated from the driver's own tables
(steps/drivers/browser/contract.py), so the page contract cannot drift from what the driver does."""
from __future__ import annotations

import re
from pathlib import Path

from gjj.steps.drivers.browser import contract
from gjj.steps.drivers.browser.locators import Locators

DOC = Path(__file__).resolve().parents[1] / "docs" / "web-portal.md"


def test_committed_page_contract_is_the_generated_one():
    doc = DOC.read_text(encoding="utf-8")
    assert contract.BEGIN in doc and contract.END in doc
    assert contract.splice(doc) == doc, \
        "docs/web-portal.md is out of date: run .venv/bin/python -m gjj.steps.drivers.browser.contract --write"


def test_every_control_and_refusal_the_driver_uses_is_in_the_tables():
    """The names portal.py asks for are the contract's: none is hard-wired outside the tables."""
    source = (Path(contract.__file__).parent / "portal.py").read_text(encoding="utf-8")
    asked = set(re.findall(r'(?:button|textbox|fill|link)\("([^"]+)"', source))
    listed = {name for _, name, _ in contract.CONTROLS}
    assert asked and asked <= listed, f"not in contract.CONTROLS: {sorted(asked - listed)}"
    assert {b for _, b in contract.OPENING_STAGES} <= listed


def test_refusal_patterns_name_the_reference_messages():
    """Each pattern names the reference's own message for its code (first match wins)."""
    from gjj.simulator.domain import messages
    texts = {m.code: m.text for m in messages.all_messages()} | {
        "LOGIN_FAULT": messages.LOGIN_FAULT, "PRINT_FAULT": messages.PRINT_FAULT}
    plain = Locators()
    wrong = {code: plain.refusal_code(texts[code]) for code in contract.REFUSALS
             if plain.refusal_code(texts[code]) != code}
    assert not wrong, wrong


def test_a_map_replaces_a_pattern_and_names_paths_with_parameters(tmp_path):
    f = tmp_path / "map.toml"
    f.write_text('[refusals]\nUNIT_NOT_OPENED = "请先开通"\n[paths]\n"/hall/employees/{personal_no}" = "/u/{personal_no}"\n'
                 '[headings]\n"业务回执" = "办理回执"\n[formats]\nmonth = "YYYYMM"\n', encoding="utf-8")
    m = Locators.load(f)
    assert m.refusal_code("请先开通网上业务") == "UNIT_NOT_OPENED"
    assert m.refusal_code("贵单位尚未完成住房公积金网上业务开通") == ""
    assert m.path("/hall/employees/0001") == "/u/0001" and m.path("/hall/roster") == "/hall/roster"
    assert m.contract_heading("办理回执") == "业务回执" and m.heading("业务回执") == "办理回执"
    assert m.month("2025-03") == "202503"
    assert f"{f}: [names]" in m.hint("names", "业务提交")


def test_a_map_with_an_unknown_section_or_a_bad_pattern_is_refused(tmp_path):
    import pytest
    f = tmp_path / "map.toml"
    f.write_text("[buttons]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown sections"):
        Locators.load(f)
    f.write_text('[refusals]\nWRONG_PIN = "("\n', encoding="utf-8")
    with pytest.raises(ValueError, match="regular expression"):
        Locators.load(f)
