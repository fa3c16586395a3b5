"""The portal's script in a real browser: the certificate-assistant check on the login page (2.6) and
the print component on 查询打印 (2.9). Skipped when Playwright or Chromium is not installed."""
from __future__ import annotations

import shutil

import pytest
import requests

from gjj.simulator.domain.messages import LOGIN_FAULT, PRINT_FAULT

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]


@pytest.fixture(scope="module")
def base_url():
    from gjj.simulator.server import ThreadedCentre
    with ThreadedCentre() as centre:
        yield centre.base_url


@pytest.fixture(scope="module")
def browser():
    from gjj.steps.browser_fixtures import shared_playwright
    with shared_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                               args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def unit(base_url):
    def seed(**kw):
        requests.post(base_url + "/_sim/reset", json={"now": "2025-03-05T10:00:00+08:00"}).raise_for_status()
        spec = {"first_month": "2024-01", "remitted_through": "2025-02"} | kw
        r = requests.post(base_url + "/_sim/seed", json={"units": [spec]})
        r.raise_for_status()
        return r.json()["units"][0]["certificates"][0]["serial"]
    return seed


def page_with(browser, base_url, env: dict | None):
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    if env is not None:
        context.add_init_script(f"window.gjjClient = {__import__('json').dumps(env)};")
    page = context.new_page()
    page.set_default_timeout(5000)
    return context, page


def login(page, serial: str | None = None, via_platform: bool = False):
    page.goto("/hall/login?via=platform" if via_platform else "/hall/login")
    if serial is not None:
        page.get_by_label("证书序列号", exact=True).fill(serial)
    page.get_by_label("证书口令", exact=True).fill("123456")
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()


@pytest.mark.parametrize("env", [None, {"platform": True}, {"certAssistant": {"broken": True}, "printComponent": True}])
def test_without_a_working_certificate_assistant_the_login_shows_the_fault(browser, base_url, unit, env):
    unit()
    context, page = page_with(browser, base_url, env)
    page.goto("/hall/login")
    alert = page.get_by_role("alert")
    playwright_api.expect(alert).to_have_text(LOGIN_FAULT)
    assert alert.get_attribute("data-code") == "LOGIN_FAULT"
    playwright_api.expect(page.get_by_role("button", name="登录", exact=True)).to_be_disabled()
    # via the platform no assistant is needed: the serial is typed
    page.goto("/hall/login?via=platform")
    assert page.get_by_role("alert").count() == 0
    assert page.get_by_label("证书序列号", exact=True).is_editable()
    context.close()


def test_the_assistant_fills_the_serial_read_only_and_the_login_goes_through(browser, base_url, unit):
    serial = unit()
    context, page = page_with(browser, base_url, {"platform": True, "certAssistant": {"serial": serial},
                                                  "printComponent": True})
    page.goto("/hall/login")
    box = page.get_by_label("证书序列号", exact=True)
    playwright_api.expect(box).to_have_value(serial)
    assert not box.is_editable()
    assert page.get_by_role("alert").count() == 0
    login(page)
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("网上服务厅")
    cookie = next(c for c in context.cookies() if c["name"] == "gjj_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert page.evaluate("document.cookie").find("gjj_session") == -1  # not readable by scripts
    context.close()


def test_the_login_form_works_without_javascript(browser, base_url, unit):
    serial = unit()
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/hall/login")
    page.get_by_label("证书序列号", exact=True).fill(serial)
    page.get_by_label("证书口令", exact=True).fill("123456")
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "网上服务厅"
    context.close()


def test_printing_without_the_print_component_fails_as_the_guide_says(browser, base_url, unit):
    serial = unit()
    context, page = page_with(browser, base_url, {"certAssistant": {"serial": serial}})
    login(page)
    page.goto("/hall/print")
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.get_by_label("汇缴年月", exact=True).fill("2025-02")
    page.get_by_role("button", name="打印", exact=True).click()
    alert = page.get_by_role("alert")
    playwright_api.expect(alert).to_have_text(PRINT_FAULT)
    assert alert.get_attribute("data-code") == "PRINT_FAULT"
    page.wait_for_timeout(500)
    assert downloads == [] and page.url.endswith("/hall/print")
    context.close()


def test_printing_with_the_component_downloads_the_slip_and_refusals_are_alerts(browser, base_url, unit):
    serial = unit()
    context, page = page_with(browser, base_url, {"certAssistant": {"serial": serial}, "printComponent": True})
    login(page)
    page.goto("/hall/print")
    page.get_by_label("汇缴年月", exact=True).fill("2025-02")
    with page.expect_download() as info:
        page.get_by_role("button", name="打印", exact=True).click()
    with open(info.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    page.get_by_label("汇缴年月", exact=True).fill("2025-03")
    page.get_by_role("button", name="打印", exact=True).click()
    alert = page.get_by_role("alert")
    playwright_api.expect(alert).to_have_attribute("data-code", "SLIP_MONTH_NOT_REMITTED")
    assert "尚未汇缴" in alert.inner_text()
    context.close()


def test_a_unit_not_on_entrusted_collection_gets_the_refusal_on_print(browser, base_url, unit):
    serial = unit(entrusted_collection=False)
    context, page = page_with(browser, base_url, {"certAssistant": {"serial": serial}, "printComponent": True})
    login(page)
    page.goto("/hall/print")
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.get_by_label("汇缴年月", exact=True).fill("2025-02")
    page.get_by_role("button", name="打印", exact=True).click()
    playwright_api.expect(page.get_by_role("alert")).to_have_attribute("data-code", "SLIP_NOT_ENTRUSTED")
    assert downloads == []
    context.close()
