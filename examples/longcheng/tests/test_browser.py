"""The pages' script in a real browser (Chromium through Playwright): the PC programs of 指南二、1 as
CLIENT.md defines them — the certificate assistant on the login page (二、6) and the print component
on 查询打印 (二、9) — simulated by an init script, as the harness's shim will. The portal runs on a
frozen libfaketime clock, so nothing depends on today's date."""
from __future__ import annotations

import shutil

import pytest
import requests

from examples.longcheng.web import LOGIN_FAULT, PRINT_FAULT

from .conftest import SERVED_TOKEN, portal_process

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]

ASSISTANT = "window.TohoCertAssistant = {readSerial: () => %s};"
BROKEN_ASSISTANT = "window.TohoCertAssistant = {readSerial() { throw new Error('device not ready'); }};"
CELL = """window.TohoCell = {init() {}, printPdf(url) {
  const a = document.createElement('a'); a.href = url; a.download = ''; document.body.append(a); a.click(); }};"""
BROKEN_CELL = "window.TohoCell = {init() { throw new Error('CELL'); }, printPdf() {}};"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with portal_process(tmp_path_factory.mktemp("browser")) as (base, _):
        yield from _with_browser(base)


def _with_browser(base):
    r = requests.post(base + "/admin/zs/dw", headers={"X-Admin-Token": SERVED_TOKEN}, timeout=30,
                      json={"dw": [{"scjcny": "202411", "jzny": "202502", "sczg": 2}]})
    serial = r.json()["data"]["dw"][0]["zs"][0]["zsxlh"]
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield base, serial, browser
        finally:
            browser.close()


def page_with(browser, base, *scripts):
    context = browser.new_context(base_url=base, accept_downloads=True)
    for script in scripts:
        context.add_init_script(script)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def log_in(page, serial):
    page.goto("/wt/login")
    assert page.get_by_label("证书序列号").input_value() == serial
    page.get_by_label("证书口令").fill("123456")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="网上服务厅首页").wait_for()


def test_the_assistant_fills_the_serial_and_a_missing_or_broken_one_shows_the_fault(site):
    base, serial, browser = site
    log_in(page_with(browser, base, ASSISTANT % f"'{serial}'"), serial)
    for scripts in ((), (BROKEN_ASSISTANT,)):
        page = page_with(browser, base, *scripts)
        page.goto("/wt/login")
        alert = page.get_by_role("alert")
        assert alert.inner_text().strip() == LOGIN_FAULT
        assert page.get_by_role("button", name="登录").is_disabled()


def test_the_platform_entry_logs_in_without_the_assistant(site):
    base, serial, browser = site
    page = page_with(browser, base)
    page.goto(f"/wt/zq/login?zsxlh={serial}")
    page.get_by_label("证书口令").fill("123456")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="网上服务厅首页").wait_for()


def test_printing_goes_through_the_print_component(site):
    base, serial, browser = site
    page = page_with(browser, base, ASSISTANT % f"'{serial}'", CELL)
    log_in(page, serial)
    page.get_by_role("link", name="查询打印").click()
    page.get_by_label("汇缴年月").fill("202502")
    with page.expect_download() as download:
        page.get_by_role("button", name="打印汇（补）缴书").click()
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")
    assert page.get_by_role("status").inner_text().strip() == "已将2025年2月住房公积金汇（补）缴书发送到打印组件打印。"
    page.get_by_label("汇缴年月").fill("202503")
    page.get_by_role("button", name="打印汇（补）缴书").click()
    assert page.get_by_role("alert").inner_text().strip() == "202503尚未汇缴，只能打印已汇缴月份的汇（补）缴书"


@pytest.mark.parametrize("component", [(), (BROKEN_CELL,)], ids=["missing", "broken"])
def test_printing_without_a_working_component_shows_the_cell_fault(site, component):
    base, serial, browser = site
    page = page_with(browser, base, ASSISTANT % f"'{serial}'", *component)
    log_in(page, serial)
    page.goto("/wt/dy")
    page.get_by_label("汇缴年月").fill("202502")
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.get_by_role("button", name="打印汇（补）缴书").click()
    assert page.get_by_role("alert").inner_text().strip() == PRINT_FAULT == "初始化CELL失败，[object Error]"
    assert downloads == []
