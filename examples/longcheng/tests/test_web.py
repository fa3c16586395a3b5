"""The pages (/wt): what a person sees — headings, labelled fields, buttons with text, alerts — the
opening flow, the receipt, the roster, the help page, the client programs' hooks, and no 500 on junk.
Pages are read with html.parser the way a reader reads them: by element, role and visible text."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from examples.longcheng.faults import REWORDED_PROMPT
from examples.longcheng.web import CONTACTS, LOGIN_FAULT, PRINT_FAULT

from .conftest import Portal, admin, form_token

VOID = {"input", "br", "meta", "link", "img", "hr"}


class Page(HTMLParser):
    """Every element with its attributes and the text inside it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html, self.elements, self._open = html, [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(el)
        if tag not in VOID:
            self._open.append(el)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self._open:
            el["text"] += data

    def all(self, tag=None, **attrs):
        return [e for e in self.elements if (tag is None or e["tag"] == tag)
                and all(e["attrs"].get(k) == v for k, v in attrs.items())]

    def texts(self, tag=None, **attrs):
        return [" ".join(e["text"].split()) for e in self.all(tag, **attrs)]

    def h1(self) -> str:
        (one,) = self.texts("h1")
        return one

    def alerts(self) -> list[str]:
        return [" ".join(e["text"].split()) for e in self.all(role="alert") if "hidden" not in e["attrs"]]

    def labels(self) -> set[str]:
        return {" ".join(e["text"].replace("*", "").split()) for e in self.all("label")}

    def buttons(self) -> set[str]:
        return {" ".join(e["text"].split()) for e in self.all("button")}


def get(client, path: str, status: int = 200) -> Page:
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code)
    return Page(r.get_data(as_text=True))


def post(client, path: str, form: dict, page_with_token: str = "/wt/login", follow: bool = True):
    token = form_token(client.get(page_with_token).get_data(as_text=True))
    return client.post(path, data={**form, "_csrf": token}, follow_redirects=follow)


def login(client, serial: str, pin: str = "123456", entry: str = "/wt/login") -> Page:
    r = post(client, "/wt/login", {"zsxlh": serial, "zskl": pin, "rk": "zq" if "zq" in entry else "wt"}, entry)
    return Page(r.get_data(as_text=True))


# --- entry and log-in (指南二、2、二、5、二、6) -------------------------------------------------------------------
def test_the_login_page_reads_the_certificate_through_the_assistant(client, clock):
    page = get(client, "/wt/login")
    assert page.h1() == "单位用户登录"
    assert {"证书序列号", "证书口令"} <= page.labels() and "登录" in page.buttons()
    (serial,) = page.all("input", name="zsxlh")
    assert "readonly" in serial["attrs"]
    assert "LcClient.prepareLogin" in page.html and LOGIN_FAULT in page.html   # the script shows it (CLIENT.md)


def test_the_platform_entry_needs_no_assistant(client, world):
    page = get(client, f"/wt/zq/login?zsxlh={world.serial('甲')}")
    (serial,) = page.all("input", name="zsxlh")
    assert "readonly" not in serial["attrs"] and serial["attrs"]["value"] == world.serial("甲")
    assert "lc-client.js" not in page.html
    assert login(client, world.serial("甲"), entry="/wt/zq/login").h1() == "网上服务厅首页"


def test_a_wrong_pin_is_shown_on_the_page(client, world):
    page = login(client, world.serial("甲"), "000000")
    assert page.h1() == "单位用户登录"
    assert page.alerts() == ["数字证书口令错误，您还可以尝试4次。初始口令为123456，如已修改请使用修改后的口令"]


# --- opening (指南二、3, 一、2) ----------------------------------------------------------------------------------------
def test_first_login_shows_the_guides_prompt(client, world):
    page = login(client, world.serial("乙"))
    assert page.h1() == "开通提示"
    (dialog,) = page.all(role="dialog")
    assert page.texts(id="prompt-text") == ["贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"]
    assert {"是", "否"} <= page.buttons()


def test_the_reworded_prompt_fault_changes_the_page_only(make_app, clock):
    c = make_app(faults="prompt_reworded").test_client()
    w = admin(c, "POST", "/admin/zs/dw", {"dw": [{"ktzt": "00"}]})
    serial = w["dw"][0]["zs"][0]["zsxlh"]
    assert Portal(c).login(serial)["tsxx"] == "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"
    assert login(c, serial).texts(id="prompt-text") == [REWORDED_PROMPT]


def test_no_leaves_the_unit_unopened(client, world):
    login(client, world.serial("乙"))
    page = Page(post(client, "/wt/kt/ts", {"da": "否"}, "/wt/kt/ts").get_data(as_text=True))
    assert page.h1() == "暂不开通"
    assert admin(client, "GET", f"/admin/dw/{world.unit('乙')}")["ktzt"] == "00"
    assert login(client, world.serial("乙")).h1() == "开通提示"


def test_yes_leads_through_the_opening_in_order(client, world):
    login(client, world.serial("乙"))
    page = Page(post(client, "/wt/kt/ts", {"da": "是"}, "/wt/kt/ts").get_data(as_text=True))
    assert page.h1() == "开通网上业务" and "签署协议" in page.buttons()
    # a crafted post of a later step is refused on the page
    skipped = Page(post(client, "/wt/kt/wc", {}, "/wt/kt").get_data(as_text=True))
    assert skipped.alerts() == ["开通须按顺序办理，当前应办理“签署服务协议”"]
    unticked = Page(post(client, "/wt/kt/qsxy", {}, "/wt/kt").get_data(as_text=True))
    assert unticked.alerts() == ["请阅读服务协议并勾选同意后再签署"]
    page = Page(post(client, "/wt/kt/qsxy", {"tyxy": "1"}, "/wt/kt").get_data(as_text=True))
    assert {"经办人姓名", "经办人手机号码", "经办人身份证号码"} <= page.labels()
    page = Page(post(client, "/wt/kt/hdxx", {}, "/wt/kt").get_data(as_text=True))
    assert {"查询密码", "再次输入查询密码"} <= page.labels()
    page = Page(post(client, "/wt/kt/szmm", {"cxmm": "Cz2025pass", "qrmm": "Cz2025pasX"}, "/wt/kt").get_data(as_text=True))
    assert page.alerts() == ["两次输入的查询密码不一致"]
    page = Page(post(client, "/wt/kt/szmm", {"cxmm": "Cz2025pass", "qrmm": "Cz2025pass"}, "/wt/kt").get_data(as_text=True))
    assert "完成开通" in page.buttons()
    page = Page(post(client, "/wt/kt/wc", {}, "/wt/kt").get_data(as_text=True))
    assert page.h1() == "开通成功"
    assert get(client, "/wt/index").h1() == "网上服务厅首页"


def test_an_unopened_unit_reaches_no_business_page(client, world):
    login(client, world.serial("乙"))
    page = get(client, "/wt/yw/jchc", 403)
    assert page.alerts() and page.alerts()[0].startswith("贵单位尚未完成住房公积金网上业务开通")


# --- businesses and the receipt (指南三、2) ------------------------------------------------------------------------------
def test_establish_gives_a_receipt_with_the_storage_card_follow_up(client, world):
    login(client, world.serial("甲"))
    page = get(client, "/wt/yw/zhsl")
    assert page.h1() == "职工账户设立" and {"职工姓名", "身份证号码", "缴存基数（元）", "入职年月"} <= page.labels()
    r = post(client, "/wt/yw/zhsl", {"xm": "陈晓明", "sfzh": "413021196809097117", "jcjs": "5000", "rzny": "202412"},
             "/wt/yw/zhsl")
    page = Page(r.get_data(as_text=True))
    assert page.h1() == "业务办理回执"
    facts = dict(zip(page.texts("dt"), page.texts("dd")))
    assert re.fullmatch(r"LC20250305\d{6}", facts["业务流水号"]) and facts["业务名称"] == "职工账户设立"
    todo = page.all("h2", id="todo")
    assert todo and "由职工本人携带身份证原件" in page.html and "汇缴受理点统一申领住房公积金储存卡" in page.html


def test_a_refusal_keeps_the_form_and_says_why(client, world):
    login(client, world.serial("甲"))
    r = post(client, "/wt/yw/zhfc", {"grzh": world.grzh("张三"), "zhjcny": "202503"}, "/wt/yw/zhfc")
    page = Page(r.get_data(as_text=True))
    assert page.h1() == "职工账户封存"
    assert page.alerts() == ["该职工最后缴存年月202503的公积金尚未到账，须在到账后、单位汇缴下月公积金前办理封存"]
    (field,) = page.all("input", name="zhjcny")
    assert field["attrs"]["value"] == "202503"


def test_unseal_with_a_reported_wrong_name(client, world):
    login(client, world.serial("甲"))
    r = post(client, "/wt/yw/zhqf", {"grzh": world.grzh("李四"), "qjny": "202503", "jcjs": "7000", "xmyw": "1"},
             "/wt/yw/zhqf")
    page = Page(r.get_data(as_text=True))
    assert page.h1() == "业务办理回执" and "职工姓名有误" in page.html


def test_back_pay_cause_is_a_choice_of_the_three(client, world):
    login(client, world.serial("甲"))
    page = get(client, "/wt/yw/grbj")
    assert page.texts("option") == ["未及时设立账户", "未及时启封", "缴存基数不足（差额补缴）"]
    r = post(client, "/wt/yw/grbj", {"grzh": world.grzh("张三"), "bjyy": "03", "bjny": "202501"}, "/wt/yw/grbj")
    assert Page(r.get_data(as_text=True)).alerts() == [
        "因缴存基数不足需要差额补缴的，不能在网上办理，请到公积金中心柜面办理"]


def test_hours_are_enforced_on_the_pages_too(client, world, clock):
    clock.move_to("2025-03-08 10:00:00+08:00")
    login(client, world.serial("甲"))
    r = post(client, "/wt/yw/jchc", {"hcjg": "1"}, "/wt/yw/jchc")
    (alert,) = Page(r.get_data(as_text=True)).alerts()
    assert alert.startswith("当前时间2025-03-08 10:00:00（星期六，非工作日）不在网上业务办理时间内")


# --- queries ---------------------------------------------------------------------------------------------------------------
def test_the_roster_is_a_table_with_header_cells_and_pages(client, clock):
    w = admin(client, "POST", "/admin/zs/dw", {"dw": [{"jzny": "202502", "sczg": 45}]})
    login(client, w["dw"][0]["zs"][0]["zsxlh"])
    page = get(client, "/wt/zgqc")
    assert page.h1() == "职工清册查询"
    assert page.texts("th") == ["序号", "个人账号", "职工姓名", "身份证号码", "账户状态", "缴存基数（元）", "月缴存额（元）"]
    assert len(page.all("tr")) == 21 and "第1/3页" in page.html
    assert page.texts("a")[-1] == "下一页"
    last = get(client, "/wt/zgqc?pageNum=3")
    assert len(last.all("tr")) == 6 and "下一页" not in last.texts("a") and "上一页" in last.texts("a")
    assert get(client, "/wt/zgqc?pageNum=abc&zhzt=<script>").h1() == "职工清册查询"


def test_account_and_unit_pages(client, world):
    login(client, world.serial("甲"))
    page = get(client, f"/wt/zg/{world.grzh('张三')}")
    facts = dict(zip(page.texts("dt"), page.texts("dd")))
    assert (facts["职工姓名"], facts["账户状态"], facts["缴至年月"]) == ("张三", "正常", "2025年2月")
    page = get(client, f"/wt/zg/{world.grzh('吴九')}", 404)
    assert page.alerts() == [f"本单位没有个人账号为{world.grzh('吴九')}的职工"]
    page = get(client, "/wt/dw")
    assert {"新经办人姓名", "新经办人手机号码", "新经办人身份证号码"} <= page.labels()
    r = post(client, "/wt/dw/jbr", {"jbrxm": "钱七", "jbrsjhm": "13912345678", "jbrsfzh": "320400197105171868"}, "/wt/dw")
    page = Page(r.get_data(as_text=True))
    assert page.texts(role="status") == ["经办人信息修改已受理，系统将隔天更新，请于2025-03-06 09:00后核实。"]
    assert dict(zip(page.texts("dt"), page.texts("dd")))["经办人"] != "钱七"


# --- printing (指南二、9, 三、2（3）) --------------------------------------------------------------------------------------------
def test_the_print_page_hands_the_slip_to_the_print_component(client, world):
    login(client, world.serial("甲"))
    page = get(client, "/wt/dy")
    assert page.h1() == "查询打印" and "汇缴年月" in page.labels() and "打印汇（补）缴书" in page.buttons()
    assert "LcClient.preparePrint" in page.html and PRINT_FAULT in page.html
    ok = client.get("/wt/dy/jc?ny=202502").get_json()
    assert ok["kdy"] is True and ok["url"] == "/wt/dy/hjs/202502.pdf"
    assert client.get("/wt/dy/jc?ny=202503").get_json() == {
        "kdy": False, "msg": "202503尚未汇缴，只能打印已汇缴月份的汇（补）缴书"}
    pdf = client.get(ok["url"])
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


# --- help (指南四) -------------------------------------------------------------------------------------------------------------
def test_help_lists_the_operations_contacts_without_login(client, clock):
    page = get(client, "/wt/help")
    assert page.h1() == "帮助中心"
    rows = list(zip(page.texts("th", scope="row"), page.texts("td")))
    assert rows == CONTACTS == [("服务商", "江苏同和信息技术有限公司"),
                                ("联系地址", "常州市新北区太湖东路9-2号常州创意大厦12楼"),
                                ("服务热线", "0519-86605082（30线）"), ("企业QQ", "800077620"),
                                ("同和服务网", "www.tohot.cn")]
    assert "E家课堂" in page.texts("a")
    assert get(client, "/wt/ejkt").h1() == "E家课堂"


# --- no test hooks, no crashes -------------------------------------------------------------------------------------------------
PAGES = ["/wt/login", "/wt/zq/login", "/wt/help", "/wt/ejkt", "/wt/index", "/wt/yw/zhsl", "/wt/yw/zhfc", "/wt/yw/zhqf",
         "/wt/yw/zyzr", "/wt/yw/grbj", "/wt/yw/jstz", "/wt/yw/jchc", "/wt/zgqc", "/wt/zgcx", "/wt/dw", "/wt/dy",
         "/wt/xgkl", "/wt/yw/lb"]


def test_pages_carry_no_test_hooks_and_one_heading(client, world):
    login(client, world.serial("甲"))
    for path in PAGES:
        page = get(client, path)
        assert not re.search(r"\sdata-[\w-]+=", page.html), path          # no data-* attributes
        assert not re.search(r"\bE\d{4}\b", page.html), path              # no machine codes
        assert len(page.all("h1")) == 1, path
        for field in page.all("input"):
            if field["attrs"].get("type") not in ("hidden", "checkbox", "radio"):
                assert page.all("label", **{"for": field["attrs"]["id"]}), (path, field)
        assert all(b.strip() for b in page.buttons()), path


JUNK = ["", "x" * 3000, "２０２５", "-1", "<script>alert(1)</script>", "'; DROP TABLE zh; --", "\x00", "💥"]


def test_junk_in_every_form_gets_a_page_never_a_500(client, world):
    login(client, world.serial("甲"))
    token = form_token(client.get("/wt/index").get_data(as_text=True))
    posts = ["/wt/yw/zhsl", "/wt/yw/zhfc", "/wt/yw/zhqf", "/wt/yw/zyzr", "/wt/yw/grbj", "/wt/yw/jstz", "/wt/yw/jchc",
             "/wt/dw/jbr", "/wt/xgkl", "/wt/kt/ts", "/wt/kt/qsxy", "/wt/yw/nope", "/wt/kt/nope"]
    names = ["xm", "sfzh", "jcjs", "rzny", "grzh", "zhjcny", "qjny", "bjyy", "bjny", "sxny", "hcjg", "jbrxm", "ykl", "xkl",
             "fcyy", "jcbl", "zz"]
    for path in posts:
        for i, value in enumerate(JUNK):
            form = {names[(i + j) % len(names)]: value for j in range(5)} | {"_csrf": token}
            r = client.post(path, data=form)
            assert r.status_code < 500, (path, form, r.status_code)
    for path in ("/wt/zg/%00", "/wt/zgcx?grzh=" + "9" * 500, "/wt/yw/hz/" + "x" * 100, "/wt/dy/jc?ny=💥",
                 "/wt/dy/hjs/abc.pdf", "/wt/yw/lb?pageNum=-5", "/wt/no/such/page"):
        assert client.get(path).status_code < 500, path


def test_a_form_without_its_token_is_refused(client, world):
    login(client, world.serial("甲"))
    r = client.post("/wt/yw/jchc", data={"hcjg": "1"})
    assert r.status_code == 403 and Page(r.get_data(as_text=True)).alerts()[0].startswith("页面已过期")
    assert admin(client, "GET", f"/admin/dw/{world.unit('甲')}")["dfbzhs"] == 0


def test_logout_ends_the_page_session(client, world):
    login(client, world.serial("甲"))
    page = get(client, "/wt/index")
    assert "退出登录" in page.buttons()
    post(client, "/wt/logout", {}, "/wt/index")
    assert get(client, "/wt/index", 401).h1() == "单位用户登录"


@pytest.mark.parametrize("path", ["/", "/wt/", "/wt"])
def test_the_root_leads_to_the_login(client, clock, path):
    r = client.get(path, follow_redirects=True)
    assert r.status_code == 200 and Page(r.get_data(as_text=True)).h1() == "单位用户登录"
