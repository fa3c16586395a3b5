"""The harness's browser driver with the example's page map (adapters/pages.toml) on the live Longcheng
pages: log-in, the first-login prompt, a seal and an unseal to their receipts, a refusal named by its
text, 职工清册 over several pages, 查询打印 through the simulated print component, and a control the
map does not name failing fast. The portal runs on a frozen libfaketime clock (Wednesday 10:00)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests

from gjj.steps.drivers.base import Receipt, Refusal
from gjj.steps.drivers.browser import BrowserPortal, ClientEnv, launch_browser
from gjj.steps.drivers.browser.locators import Locators
from gjj.steps.drivers.browser.portal import ControlNotFound

from .conftest import SERVED_TOKEN, portal_process

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]
MAP = Path(__file__).resolve().parents[1] / "adapters" / "pages.toml"
PROMPT = "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gjj.steps.browser_fixtures import shared_playwright   # the project's one Playwright per process
    with portal_process(tmp_path_factory.mktemp("webmap")) as (base, _), shared_playwright() as pw:
        r = requests.post(base + "/admin/zs/dw", headers={"X-Admin-Token": SERVED_TOKEN}, timeout=30, json={"dw": [
            {"bh": "甲", "scjcny": "202411", "jzny": "202502", "sczg": 23,
             "zg": [{"bh": "张三", "xm": "张三", "jcjs": "8000"},
                    {"bh": "李四", "xm": "李四", "jcjs": "7000", "zhzt": "02", "zhjcny": "202412"}]},
            {"bh": "乙", "ktzt": "00", "scjcny": "202501", "jzny": "202502"}]})
        r.raise_for_status()
        units = {u["bh"]: u for u in r.json()["data"]["dw"]}
        browser = launch_browser(pw, executable=CHROMIUM)
        try:
            yield base, units, browser
        finally:
            browser.close()


@pytest.fixture
def portal(site):
    base, units, browser = site
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True)
    yield BrowserPortal(context, base, Locators.load(MAP), ClientEnv()), units
    context.close()


def serial(units, unit: str) -> str:
    return units[unit]["zs"][0]["zsxlh"]


def person(units, unit: str, bh: str) -> str:
    return next(e["grzh"] for e in units[unit]["zg"] if e.get("bh") == bh)


def test_log_in_seal_and_unseal_to_their_receipts(portal):
    p, units = portal
    login = p.login(serial(units, "甲"), "123456")
    assert login.ok and login.opened and login.prompt is None
    sealed = p.submit("seal", {"personal_no": person(units, "甲", "张三"), "last_month": "2025-02"})
    assert isinstance(sealed, Receipt), sealed
    assert sealed.business_no and sealed.summary
    unsealed = p.submit("unseal", {"personal_no": person(units, "甲", "李四"), "start_month": "2025-03",
                                   "base": "7000", "reported_errors": ["name"]})
    assert isinstance(unsealed, Receipt), unsealed
    assert unsealed.business_no != sealed.business_no
    assert any("姓名" in item for item in unsealed.follow_ups + unsealed.notes), unsealed


def test_a_refusal_is_named_by_its_text(portal):
    p, units = portal
    p.login(serial(units, "甲"), "123456")
    normal = next(e["grzh"] for e in units["甲"]["zg"] if e.get("bh") not in ("张三", "李四"))
    refused = p.submit("unseal", {"personal_no": normal, "start_month": "2025-03", "base": "7000"})
    assert isinstance(refused, Refusal) and refused.code == "ACCOUNT_NOT_SEALED", refused


def test_wrong_pin_and_the_first_login_prompt(portal):
    p, units = portal
    wrong = p.login(serial(units, "乙"), "000000")
    assert not wrong.ok and wrong.refusal.code == "WRONG_PIN", wrong
    first = p.login(serial(units, "乙"), "123456")
    assert first.ok and first.prompt == PROMPT and not first.opened
    assert p.opening_stage() == "not_enabled"


def test_roster_reads_every_page_once(portal):
    p, units = portal
    p.login(serial(units, "甲"), "123456")
    rows = p.roster()
    assert len(rows) == 25 == len({r.personal_no for r in rows})       # 2 listed + 23 generated, over 2 pages
    li_si = next(r for r in rows if r.personal_no == person(units, "甲", "李四"))
    assert (li_si.name, li_si.state) == ("李四", "封存")


def test_print_goes_through_the_simulated_print_component(portal):
    p, units = portal
    p.login(serial(units, "甲"), "123456")
    slip = p.print_slip("2025-02")
    assert not isinstance(slip, Refusal), slip
    assert slip.pdf.startswith(b"%PDF") and "2025年2月" in slip.text
    p.set_programs(print_component=False)
    fault = p.print_slip("2025-02")
    assert isinstance(fault, Refusal) and fault.code == "PRINT_FAULT", fault


def test_without_the_map_a_control_fails_fast_naming_the_entry(site):
    base, units, browser = site
    context = browser.new_context(locale="zh-CN")
    try:
        bare = BrowserPortal(context, base, Locators(), ClientEnv())
        bare.goto("/wt/login")   # the page is there; the contract's button names are not its words
        with pytest.raises(ControlNotFound) as e:
            bare.control(bare.button("业务提交"), "button", "业务提交")
        assert "业务提交" in str(e.value) and '[names] "业务提交"' in str(e.value)
        missing = bare.login_controls_missing()
        assert missing and all("[names]" in m for m in missing)
        mapped = BrowserPortal(context, base, Locators.load(MAP), ClientEnv())
        assert mapped.login_controls_missing() == []
    finally:
        context.close()


def test_change_pin_on_a_form_that_asks_twice(portal):
    p, units = portal
    assert p.login(serial(units, "乙"), "123456").ok
    refused = p.change_pin("123456", "654321")
    assert refused is None, refused
    p.logout()
    assert p.login(serial(units, "乙"), "654321").ok
