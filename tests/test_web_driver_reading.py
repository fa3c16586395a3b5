"""The browser driver on small pages of a portal that is not the reference (served by a Playwright route,
no server): it reads what a person reads — the dialog's text, the step button on offer, a receipt's terms
and lists, an alert's text — and a 下一页 link on the last roster page does not make it loop."""
from __future__ import annotations

import shutil

import pytest

from gjj.steps.drivers.base import Receipt, Refusal
from gjj.steps.drivers.browser import BrowserPortal, ClientEnv, launch_browser
from gjj.steps.drivers.browser.locators import Locators
from gjj.steps.drivers.browser.portal import ControlNotFound

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]
BASE = "http://portal.test"


def html(body: str, h1: str = "页面") -> str:
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><h1>{h1}</h1>{body}</body></html>'


ROSTER = ('<table><caption>职工清册</caption><thead><tr><th>个人账号</th><th>姓名</th><th>身份证号码</th>'
          '<th>账户状态</th><th>缴存基数（元）</th></tr></thead><tbody>{rows}</tbody></table>{next}')
ROW = "<tr><td>{no}</td><td>职工{no}</td><td>-</td><td>正常</td><td>5000.00</td></tr>"
PAGES = {
    "/hall/roster": html(ROSTER.format(rows=ROW.format(no="0001") + ROW.format(no="0002"),
                                       next='<a href="/hall/roster?p=2">下一页</a>'), "职工清册查询"),
    # the last page still shows 下一页, leading to itself
    "/hall/roster?p=2": html(ROSTER.format(rows=ROW.format(no="0003"), next='<a href="/hall/roster?p=2">下一页</a>'),
                             "职工清册查询"),
    "/hall/prompt": html('<div role="dialog"><p>贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？</p>'
                         '<button>是</button><button>否</button></div>', "开通提示"),
    "/hall/opening": html('<form method="post" action="/hall/opening/agreement"><label><input type="checkbox">'
                          '我已查阅并同意服务协议</label><button>签署服务协议</button></form>', "开通网上业务"),
    "/hall/business/seal": html('<form method="post" action="/receipt"><label for="a">个人账号</label><input id="a">'
                                '<label for="m">最后缴存月份</label><input id="m"><button>业务提交</button></form>', "封存"),
    "/receipt": html('<dl><dt>业务流水号</dt><dd>FC20250305001</dd><dt>个人账号</dt><dd>0001</dd></dl>'
                     '<p>封存已受理</p><h2>后续事项</h2><ul><li>无需后续操作</li></ul><h2>说明</h2><ul><li>隔天更新</li></ul>',
                     "业务回执"),
    "/hall/business/unseal": html('<div role="alert">该职工账户当前为“正常”状态，只有封存状态的账户才能启封</div>'
                                  '<form method="post" action="/receipt"><button>业务提交</button></form>', "启封"),
}


@pytest.fixture(scope="module")
def browser():
    from gjj.steps.browser_fixtures import shared_playwright
    with shared_playwright() as pw:
        b = launch_browser(pw, executable=CHROMIUM)
        yield b
        b.close()


@pytest.fixture
def portal(browser):
    context = browser.new_context()
    served = []

    def serve(route, request):
        path = request.url.removeprefix(BASE)
        served.append(path)
        body = PAGES.get(path)
        route.fulfill(status=200 if body else 404, content_type="text/html; charset=utf-8",
                      body=body or html("", "页面不存在"))
    context.route(BASE + "/**", serve)
    yield BrowserPortal(context, BASE, Locators(), ClientEnv()), served
    context.close()


def test_a_next_link_on_the_last_roster_page_does_not_loop(portal):
    p, served = portal
    rows = p.roster()
    assert [r.personal_no for r in rows] == ["0001", "0002", "0003"]
    assert rows[0].base == "5000.00" and rows[0].state == "正常"
    assert served.count("/hall/roster?p=2") == 2   # read once, and once more to see it is the same page


def test_prompt_text_and_opening_step_are_read_from_what_is_shown(portal):
    p, _ = portal
    p.goto("/hall/prompt")
    assert p.prompt_text() == "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"
    assert p.opening_stage() == "enabled"


def test_a_receipt_is_read_by_its_terms_and_headings(portal):
    p, _ = portal
    r = p.submit("seal", {"personal_no": "0001", "last_month": "2025-02"})
    assert isinstance(r, Receipt), r
    assert (r.business_no, r.summary, r.result) == ("FC20250305001", "封存已受理", {"personal_no": "0001"})
    assert r.follow_ups == () and r.notes == ("隔天更新",)    # 无需后续操作 is not a follow-up


def test_a_refusal_is_named_by_its_text(portal):
    p, _ = portal
    refused = p.submit("unseal", {})
    assert isinstance(refused, Refusal) and refused.code == "ACCOUNT_NOT_SEALED"


def test_a_missing_control_fails_fast_with_the_entry_to_add(portal):
    p, _ = portal
    p.goto("/hall/business/seal")
    with pytest.raises(ControlNotFound) as e:
        p.fill("起缴月份", "2025-03")
    assert "起缴月份" in str(e.value) and '[names] "起缴月份"' in str(e.value)


class SealByTyping(BrowserPortal):
    """A page-object plug-in: its own steps for one page, the driver's for the rest."""

    def submit(self, business, fields):
        if business == "seal":
            return Receipt("PLUGIN-1", business, "由页面对象插件办理")
        return super().submit(business, fields)


def test_a_page_object_plugin_replaces_a_pages_steps(browser, tmp_path):
    from gjj.steps.drivers.browser import make_portal
    f = tmp_path / "pages.toml"
    f.write_text(f'[pages]\nplugin = "{__name__}:SealByTyping"\n', encoding="utf-8")
    context = browser.new_context()
    try:
        portal = make_portal(context, BASE, Locators.load(f), ClientEnv())
        assert isinstance(portal, SealByTyping)
        assert portal.submit("seal", {}).business_no == "PLUGIN-1"
        f.write_text('[pages]\nplugin = "gjj.steps.drivers.browser.locators:Locators"\n', encoding="utf-8")
        with pytest.raises(TypeError, match="subclass of BrowserPortal"):
            make_portal(context, BASE, Locators.load(f), ClientEnv())
    finally:
        context.close()
