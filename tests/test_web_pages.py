"""The web portal (docs/web-portal.md): pages, names, session cookie, CSRF, login, prompt, opening,
help, warnings, platform. Controls are found the way the browser driver finds them: by role and
accessible name (a <label for>, a button's text, a link's text, a table's caption)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from gjj.simulator.domain.messages import LOGIN_FAULT, PRINT_FAULT, PROMPT_NOT_ENABLED

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FOOTER = "以上内容如有变化恕不另行通知，以住房公积金管理中心最新政策为准"


# --- a small DOM, enough to find controls by role and name ----------------------------------------
@dataclass
class El:
    tag: str
    attrs: dict
    parent: El | None = None
    children: list = field(default_factory=list)  # El or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def walk(self):
        for c in self.children:
            if isinstance(c, El):
                yield c
                yield from c.walk()

    def find_all(self, tag: str | None = None, **attrs) -> list[El]:
        out = []
        for e in self.walk():
            if tag and e.tag != tag:
                continue
            if all((e.get(k.replace("_", "-")) == v) if v is not True else (k.replace("_", "-") in e.attrs)
                   for k, v in attrs.items()):
                out.append(e)
        return out

    def find(self, tag: str | None = None, **attrs) -> El | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#document", {})
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        el = El(tag, {k: (v if v is not None else "") for k, v in attrs}, self.cur)
        self.cur.children.append(el)
        if tag not in VOID:
            self.cur = el

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(El(tag, {k: (v if v is not None else "") for k, v in attrs}, self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


class Page:
    def __init__(self, response) -> None:
        self.response = response
        self.status = response.status_code
        self.html = response.text
        b = _Builder()
        b.feed(self.html)
        self.doc = b.root

    @property
    def path(self) -> str:
        return self.response.url.path

    @property
    def h1s(self) -> list[str]:
        return [h.text().strip() for h in self.doc.find_all("h1")]

    @property
    def h1(self) -> str:
        assert len(self.h1s) == 1, self.h1s
        return self.h1s[0]

    @property
    def alerts(self) -> list[tuple[str, str]]:
        return [(a.get("data-code"), a.text().strip()) for a in self.doc.find_all(role="alert")]

    @property
    def alert_codes(self) -> list[str]:
        return [c for c, _ in self.alerts]

    def field(self, name: str) -> str | None:
        el = self.doc.find(data_field=name)
        return el.text().strip() if el is not None else None

    def control(self, label: str) -> El:
        """The input, select or textarea whose <label for> reads exactly `label`."""
        matches = [lb for lb in self.doc.find_all("label") if lb.text().strip() == label]
        assert len(matches) == 1, (label, len(matches))
        el = self.doc.find(id=matches[0].get("for"))
        assert el is not None and el.tag in ("input", "select", "textarea"), label
        return el

    def has_control(self, label: str) -> bool:
        return any(lb.text().strip() == label for lb in self.doc.find_all("label"))

    def textbox(self, label: str) -> El:
        el = self.control(label)
        assert el.tag == "textarea" or el.get("type", "text") in ("text", "password"), (label, el.attrs)
        return el

    def buttons(self) -> list[str]:
        return [b.text().strip() for b in self.doc.find_all("button")]

    def button_form(self, name: str) -> El:
        """The form a button (by its text) submits."""
        found = [b for b in self.doc.find_all("button") if b.text().strip() == name]
        assert len(found) == 1, (name, self.buttons())
        node = found[0]
        while node is not None and node.tag != "form":
            node = node.parent
        assert node is not None, name
        return node

    def links(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for a in self.doc.find_all("a"):
            if "href" in a.attrs:
                name = a.text().strip()
                assert name not in out or out[name] == a.get("href"), f"two links named {name}"
                out[name] = a.get("href")
        return out

    def table(self, name: str) -> El:
        for t in self.doc.find_all("table"):
            cap = t.find("caption")
            if t.get("aria-label") == name or (cap is not None and cap.text().strip() == name):
                return t
        raise AssertionError(f"no table named {name}")

    @staticmethod
    def header(table: El) -> list[str]:
        return [th.text().strip() for th in table.find("thead").find_all("th")]

    @staticmethod
    def rows(table: El) -> list[list[str]]:
        body = table.find("tbody")
        return [[c.text().strip() for c in tr.children if isinstance(c, El) and c.tag in ("td", "th")]
                for tr in body.find_all("tr")]

    def dl(self) -> dict[str, str]:
        out = {}
        for d in self.doc.find_all("dl"):
            dts = [x.text().strip() for x in d.find_all("dt")]
            dds = [x.text().strip() for x in d.find_all("dd")]
            out.update(zip(dts, dds))
        return out

    @property
    def csrf(self) -> str:
        el = self.doc.find("input", name="csrf")
        assert el is not None, "no csrf field"
        return el.get("value")


# --- a browser-like helper ------------------------------------------------------------------
class Web:
    def __init__(self, client) -> None:
        self.c = client

    def get(self, path: str, **kw) -> Page:
        return Page(self.c.get(path, **kw))

    def post(self, path: str, data: dict, csrf_from: str | None = None, **kw) -> Page:
        """POST a form as the page `csrf_from` (default: the same path) would, with its CSRF token."""
        page = self.get(csrf_from or path)
        if page.doc.find("input", name="csrf") is None:  # a path that is only a form's target
            page = self.get("/hall/")
        token = page.csrf
        return Page(self.c.post(path, data={"csrf": token, **data}, **kw))

    def login(self, u, pin: str | None = None, **extra) -> Page:
        return self.post("/hall/login", {"serial": u.serial, "pin": pin or u.pin, **extra})

    def logout(self) -> Page:
        return self.post("/hall/logout", {}, csrf_from="/hall/")


@pytest.fixture
def web(client) -> Web:
    return Web(client)


def headers_of(response, name: str) -> list[str]:
    return response.headers.get_list(name)


# --- every page -----------------------------------------------------------------------------------
def test_pages_are_chinese_with_one_heading_the_font_stack_and_the_footer(web, sim):
    u = sim.unit()
    pages = ["/", "/platform/", "/platform/gjj", "/platform/gjj/ejia", "/hall/login"]
    for path in pages:
        p = web.get(path)
        assert p.status == 200 and p.html.startswith("<!DOCTYPE html>")
        assert '<html lang="zh-CN">' in p.html and '<meta charset="utf-8">' in p.html
        assert len(p.h1s) == 1, (path, p.h1s)
        assert FOOTER in p.html
    web.login(u)
    for path in ["/hall/", "/hall/roster", "/hall/unit", "/hall/pin", "/hall/print", "/hall/opening"]:
        p = web.get(path)
        assert p.status == 200 and len(p.h1s) == 1 and FOOTER in p.html, path
        assert "常州市住房公积金管理中心 · 网上服务厅" in p.html
    css = web.c.get("/static/portal.css")
    assert css.status_code == 200
    assert '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif' in css.text
    assert web.c.get("/static/gjj-client.js").status_code == 200


def test_the_portal_is_not_part_of_the_api_document(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(("/hall", "/platform", "/browser-warning"))]
    assert "/" not in paths


# --- login, session cookie (2.2) ---------------------------------------------------------------------
def test_login_page_controls_and_the_assistant_check_data(web):
    p = web.get("/hall/login")
    assert p.h1 == "网上服务厅登录"
    assert p.textbox("证书序列号").get("type") == "text"
    assert p.textbox("证书口令").get("type") == "password"
    assert "登录" in p.buttons()
    form = p.doc.find("form", id="login-form")
    assert form.get("data-login-fault") == LOGIN_FAULT and form.get("data-via") == ""
    assert '<script src="/static/gjj-client.js"' in p.html
    # via the platform the script must not ask for the assistant
    assert web.get("/hall/login?via=platform").doc.find("form", id="login-form").get("data-via") == "platform"


def test_login_sets_an_httponly_samesite_session_cookie_and_logout_deletes_it(web, sim, client):
    u = sim.unit()
    token = web.get("/hall/login").csrf
    r = client.post("/hall/login", data={"csrf": token, "serial": u.serial, "pin": u.pin}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/hall/"
    cookie = next(h for h in headers_of(r, "set-cookie") if h.startswith("gjj_session="))
    attrs = [a.strip().lower() for a in cookie.split(";")]
    assert "httponly" in attrs and "samesite=lax" in attrs and "path=/" in attrs
    token_value = cookie.split(";")[0].split("=", 1)[1]
    # the same token as the API's bearer token
    assert client.get("/api/v1/unit", headers={"Authorization": "Bearer " + token_value}).status_code == 200
    assert web.get("/hall/").h1 == "网上服务厅"
    out = web.logout()
    assert out.path == "/hall/login"
    assert client.get("/api/v1/unit", headers={"Authorization": "Bearer " + token_value}).status_code == 401
    assert web.get("/hall/roster").path == "/hall/login"


def test_logout_response_expires_the_cookie(web, sim, client):
    web.login(sim.unit())
    token = web.get("/hall/").csrf
    r = client.post("/hall/logout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    cookie = next(h for h in headers_of(r, "set-cookie") if h.startswith("gjj_session="))
    assert "max-age=0" in cookie.lower() or "expires=thu, 01 jan 1970" in cookie.lower()


def test_a_wrong_pin_is_shown_on_the_login_page_with_the_serial_kept(web, sim):
    u = sim.unit()
    p = web.login(u, pin="000000")
    assert p.path == "/hall/login" and p.h1 == "网上服务厅登录"
    (code, text), = p.alerts
    assert code == "WRONG_PIN" and "还可尝试9次" in text
    assert p.textbox("证书序列号").get("value") == u.serial
    assert p.textbox("证书口令").get("value") in (None, "")
    p = web.post("/hall/login", {"serial": "JSCA-NOPE", "pin": "123456"})
    assert p.alert_codes == ["CERTIFICATE_NOT_FOUND"]


def test_a_locked_certificate_says_so(web, sim, client):
    u = sim.unit()
    web.login(u)
    for _ in range(10):
        client.post("/api/v1/session", json={"serial": u.serial, "pin": "000000"})
    p = web.get("/hall/roster")
    assert p.h1 == "网上服务厅登录" and p.alert_codes == ["CERTIFICATE_LOCKED"]
    assert "025-96010" in p.alerts[0][1]
    assert web.login(u).alert_codes == ["CERTIFICATE_LOCKED"]


def test_unauthenticated_hall_pages_go_to_the_login(web, client):
    for path in ["/hall/", "/hall/roster", "/hall/unit", "/hall/pin", "/hall/print", "/hall/prompt",
                 "/hall/opening", "/hall/not-opened", "/hall/business/seal", "/hall/employees/100000100000",
                 "/hall/print/2025-01.pdf", "/hall/receipts/D00000001"]:
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/hall/login"), path
    assert web.get("/hall/roster").path == "/hall/login"
    # a POST without a session goes to the login too, and changes nothing
    r = client.post("/hall/business/seal", data={"csrf": "x", "personal_no": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/hall/login")


def test_after_login_the_page_asked_for_is_shown(web, sim):
    u = sim.unit()
    p = web.get("/hall/roster")
    assert p.path == "/hall/login"
    nxt = p.doc.find("input", name="next")
    assert nxt is not None and nxt.get("value") == "/hall/roster"
    assert web.login(u, next="/hall/roster").h1 == "职工清册查询"
    # never another site
    assert web.login(u, next="//evil.example/").path == "/hall/"
    assert web.login(u, next="https://evil.example/").path == "/hall/"


def test_an_expired_session_goes_to_the_login_with_a_notice(web, sim):
    web.login(sim.unit())
    sim.advance(minutes=31)
    p = web.get("/hall/unit")
    assert p.path == "/hall/login" and p.h1 == "网上服务厅登录"
    assert p.alerts == [("SESSION_EXPIRED", "登录已超时，请重新登录")]
    assert "gjj_session" not in web.c.cookies


# --- CSRF --------------------------------------------------------------------------------------------
def test_posts_without_the_right_csrf_token_are_refused(web, sim, client):
    u = sim.unit()
    web.get("/hall/login")
    r = client.post("/hall/login", data={"serial": u.serial, "pin": u.pin})
    p = Page(r)
    assert r.status_code == 403 and p.alert_codes == ["CSRF_FAILED"] and "gjj_session" not in client.cookies
    r = client.post("/hall/login", data={"csrf": "0" * 64, "serial": u.serial, "pin": u.pin})
    assert r.status_code == 403
    web.login(u)
    for path, data in [("/hall/logout", {}), ("/hall/pin", {"old_pin": "123456", "new_pin": "654321"}),
                       ("/hall/unit", {"name": "张三", "mobile": "13800000000", "id_number": "1"}),
                       ("/hall/business/seal", {"personal_no": "100000100000", "last_month": "2025-02"}),
                       ("/hall/opening/enable", {})]:
        for token in (None, "", "deadbeef", web.get("/hall/login").csrf):  # a login-form token is not a session's
            body = dict(data) | ({"csrf": token} if token is not None else {})
            r = client.post(path, data=body)
            assert r.status_code == 403 and Page(r).alert_codes == ["CSRF_FAILED"], (path, token)
    # the session is still there and nothing was changed
    assert web.get("/hall/").h1 == "网上服务厅"
    assert client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"}).status_code == 200


def test_a_csrf_token_is_bound_to_its_session(web, sim, client):
    u = sim.unit()
    web.login(u)
    old_token = web.get("/hall/").csrf
    web.logout()
    web.login(u)
    r = client.post("/hall/pin", data={"csrf": old_token, "old_pin": "123456", "new_pin": "654321"})
    assert r.status_code == 403


# --- first login prompt and opening (1.0, 1.1.2, 1.2, 2.3) ------------------------------------------
def test_first_login_shows_the_exact_prompt_with_yes_and_no(web, sim):
    u = sim.unit(opening_stage="not_enabled")
    p = web.login(u)
    assert p.path == "/hall/prompt" and p.h1 == "开通提示"
    dialog = p.doc.find(role="dialog")
    assert dialog is not None
    assert dialog.find(data_field="prompt").text() == PROMPT_NOT_ENABLED
    assert [b.text().strip() for b in dialog.find_all("button")] == ["是", "否"]
    no = web.c.get("/hall/not-opened")
    assert Page(no).h1 == "尚未开通"
    assert p.button_form("否").get("action") == "/hall/not-opened"
    # 否 leaves the unit unopened: the next login asks again
    web.logout()
    assert web.login(u).path == "/hall/prompt"
    # 是 enables and leads into the agreement
    p = web.post("/hall/opening/enable", {}, csrf_from="/hall/prompt")
    assert p.path == "/hall/opening" and p.doc.find(data_stage=True).get("data-stage") == "enabled"
    assert p.has_control("我已查阅并同意服务协议")


def test_the_opening_goes_in_order_and_an_out_of_order_step_is_refused(web, sim, client):
    u = sim.unit(opening_stage="not_enabled")
    web.login(u)
    stage = lambda p: p.doc.find(data_stage=True).get("data-stage")

    p = web.get("/hall/opening")
    assert p.h1 == "开通网上业务" and stage(p) == "not_enabled" and "确定开通" in p.buttons()
    # skipping ahead is refused, shown on the page, and changes nothing
    p = web.post("/hall/opening/agreement", {"accepted": "yes"}, csrf_from="/hall/opening")
    assert p.alert_codes == ["OPENING_OUT_OF_ORDER"] and stage(p) == "not_enabled"
    assert "请按顺序办理开通" in p.alerts[0][1]

    p = web.post("/hall/opening/enable", {})
    assert stage(p) == "enabled" and p.alerts == []
    assert p.doc.find("input", type="checkbox", name="accepted") is p.control("我已查阅并同意服务协议")
    assert "签署服务协议" in p.buttons()
    p = web.post("/hall/opening/agreement", {})  # not ticked
    assert p.alert_codes == ["AGREEMENT_NOT_ACCEPTED"] and stage(p) == "enabled"
    p = web.post("/hall/opening/query-password", {"password": "abc12345", "password2": "abc12345"})
    assert p.alert_codes == ["OPENING_OUT_OF_ORDER"] and stage(p) == "enabled"
    p = web.post("/hall/opening/agreement", {"accepted": "yes"})
    assert stage(p) == "agreement_signed"

    for label in ("经办人姓名", "经办人手机号码", "经办人身份证号码"):
        assert p.textbox(label).get("value")  # the unit's current operator, to check
    assert "确认单位信息" in p.buttons()
    p = web.post("/hall/opening/unit-info", {"name": "王芳", "mobile": "12", "id_number": "x"})
    assert p.alert_codes == ["INVALID_MOBILE"] and stage(p) == "agreement_signed"
    assert p.textbox("经办人手机号码").get("value") == "12"  # what was typed stays
    p = web.post("/hall/opening/complete", {})
    assert p.alert_codes == ["OPENING_OUT_OF_ORDER"]
    fresh = web.get("/hall/opening")
    current = {k: fresh.textbox(lbl).get("value") for k, lbl in
               (("name", "经办人姓名"), ("mobile", "经办人手机号码"), ("id_number", "经办人身份证号码"))}
    p = web.post("/hall/opening/unit-info", current)
    assert stage(p) == "info_confirmed"
    assert client.get(f"/_sim/units/{u.account_no}").json()["operator_pending"] is False  # nothing changed

    assert p.textbox("查询密码").get("type") == "password" and p.textbox("确认查询密码").get("type") == "password"
    p = web.post("/hall/opening/query-password", {"password": "abc12345", "password2": "abc12346"})
    assert p.alert_codes == ["VALIDATION_FAILED"] and "不一致" in p.alerts[0][1]
    p = web.post("/hall/opening/query-password", {"password": "short1", "password2": "short1"})
    assert p.alert_codes == ["QUERY_PASSWORD_WEAK"]
    p = web.post("/hall/opening/query-password", {"password": "abc12345", "password2": "abc12345"})
    assert stage(p) == "password_set" and "完成开通" in p.buttons()
    p = web.post("/hall/opening/complete", {})
    assert stage(p) == "opened" and p.links()["进入网上服务厅"] == "/hall/"
    p = web.post("/hall/opening/complete", {})
    assert p.alert_codes == ["OPENING_ALREADY_DONE"]
    web.logout()
    assert web.login(u).path == "/hall/"


def test_a_unit_enabled_but_not_opened_goes_to_the_opening_after_login(web, sim):
    u = sim.unit(opening_stage="agreement_signed")
    p = web.login(u)
    assert p.path == "/hall/opening" and p.doc.find(data_stage=True).get("data-stage") == "agreement_signed"
    # and the businesses say why they cannot be done
    p = web.post("/hall/business/seal", {"personal_no": "1", "last_month": "2025-02"})
    assert p.alert_codes == ["UNIT_NOT_OPENED"] and p.h1 == "封存"
    assert web.get("/hall/roster").alert_codes == ["UNIT_NOT_OPENED"]


def test_platform_apply_link_leads_through_the_login_to_the_opening(web, sim):
    u = sim.unit(opening_stage="enabled")
    href = web.get("/platform/gjj").links()["申请开通"]
    assert href == "/hall/login?via=platform&next=/hall/opening"
    p = web.get(href)
    assert p.doc.find("input", name="next").get("value") == "/hall/opening"
    p = web.login(u, via="platform", next="/hall/opening")
    assert p.path == "/hall/opening"


# --- the hall, help, unit, PIN ---------------------------------------------------------------------------
def test_the_hall_has_the_navigation_and_logout(web, sim):
    web.login(sim.unit())
    p = web.get("/hall/")
    assert p.h1 == "网上服务厅"
    links = p.links()
    for name, href in [("职工账户设立", "/hall/business/establish"), ("封存", "/hall/business/seal"),
                       ("启封", "/hall/business/unseal"), ("职工转移", "/hall/business/transfer"),
                       ("个别补缴", "/hall/business/back-pay"), ("缴存基数调整", "/hall/business/base-adjustment"),
                       ("单位缴存信息核查", "/hall/business/deposit-verification"), ("职工清册查询", "/hall/roster"),
                       ("查询打印", "/hall/print"), ("单位信息", "/hall/unit"), ("帮助", "/hall/help"),
                       ("E家课堂", "/platform/gjj/ejia")]:
        assert links[name] == href, name
    assert p.buttons().count("退出") == 1


@pytest.mark.parametrize("logged_in", [True, False])
def test_help_page_has_the_guides_contacts_exactly_and_the_training_link(web, sim, logged_in):
    if logged_in:
        web.login(sim.unit())
    p = web.get("/hall/help")  # readable before logging in: what a person with a login fault needs
    assert p.h1 == "帮助" and p.path == "/hall/help"
    rows = Page.rows(p.table("运维服务"))
    assert rows == [["服务商", "江苏同和信息技术有限公司"],
                    ["联系地址", "常州市新北区太湖东路9-2号常州创意大厦12楼"],
                    ["服务热线", "0519-86605082（30线）"],
                    ["企业QQ", "800077620"],
                    ["同和服务网", "www.tohot.cn"]]
    assert p.links()["E家课堂"] == "/platform/gjj/ejia"  # exactly one link of that name (links() checks)
    assert ("退出" in p.buttons()) is logged_in


def test_unit_page_and_operator_change_shows_the_next_day(web, sim):
    u = sim.unit()
    web.login(u)
    p = web.get("/hall/unit")
    assert p.h1 == "单位信息"
    f = p.dl()
    assert f["单位账号"] == u.account_no and f["结算方式"] == "委托收款"
    assert f["缴至年月"] == "2025-02" and f["应汇缴年月"] == "2025-03"
    old_name = f["经办人"]
    assert p.button_form("保存").get("aria-labelledby") and "修改经办人信息" in p.html
    p = web.post("/hall/unit", {"name": "王芳", "mobile": "13912345678", "id_number": "bad"})
    assert p.alert_codes == ["INVALID_ID_NUMBER"] and p.textbox("经办人姓名").get("value") == "王芳"
    p = web.post("/hall/unit", {"name": "王芳", "mobile": "13912345678", "id_number": "11010519491231002X"})
    assert p.alerts == [] and p.path == "/hall/unit"
    assert any("隔天" in n.text() for n in p.doc.find_all(role="status"))
    assert p.dl()["经办人"] == old_name  # 3.5: the same day still shows the old value
    sim.at("2025-03-06T09:00:00+08:00")
    web.login(u)
    assert web.get("/hall/unit").dl()["经办人"] == "王芳"


def test_pin_change(web, sim, client):
    u = sim.unit()
    web.login(u)
    p = web.get("/hall/pin")
    assert p.h1 == "修改证书口令" and "修改口令" in p.buttons()
    assert p.textbox("原口令").get("type") == "password" and p.textbox("新口令").get("type") == "password"
    p = web.post("/hall/pin", {"old_pin": "000000", "new_pin": "864213"})
    assert p.alert_codes == ["OLD_PIN_WRONG"]
    p = web.post("/hall/pin", {"old_pin": "123456", "new_pin": "12"})
    assert p.alert_codes == ["PIN_FORMAT"]
    p = web.post("/hall/pin", {"old_pin": "123456", "new_pin": "864213"})
    assert p.alerts == [] and any("已修改" in s.text() for s in p.doc.find_all(role="status"))
    web.logout()
    assert web.login(u).alert_codes == ["WRONG_PIN"]
    assert web.login(u, pin="864213").path == "/hall/"


# --- browser warnings (2.5, 2.7, 2.8) and the platform (2.4, 2.5) ----------------------------------
WARNINGS = {"cert-error": "此网站的安全证书有问题。",
            "revocation": "该站点安全证书的吊销信息不可用，是否继续？",
            "cert-notice": "您与该站点交换的信息不会被其他人查看或更改，但该站点的安全证书有问题"}


@pytest.mark.parametrize("kind", list(WARNINGS))
@pytest.mark.parametrize("entry", ["/", "/hall/login"])
def test_the_browser_warning_cookie_shows_the_old_browsers_page(web, client, kind, entry):
    client.cookies.set("gjj_browser_warning", kind)
    p = web.get(entry)
    assert p.h1 == WARNINGS[kind]
    if kind == "cert-error":
        links = p.links()
        assert "关闭此网页" in links
        r = client.get(links["继续浏览此网站（不推荐）。"], follow_redirects=False)
    else:
        assert p.buttons() == ["是", "否"]
        form = p.button_form("是")
        r = client.get(form.get("action"), params={i.get("name"): i.get("value") for i in form.find_all("input")},
                       follow_redirects=False)
        assert p.button_form("否").get("action") == "/browser-warning/close"
    assert r.status_code == 303 and r.headers["location"].startswith("/hall/login")
    cleared = next(h for h in headers_of(r, "set-cookie") if h.startswith("gjj_browser_warning="))
    assert "max-age=0" in cleared.lower() or "1970" in cleared
    client.cookies.delete("gjj_browser_warning")
    assert web.get(r.headers["location"]).h1 == "网上服务厅登录"
    # 否 / 关闭此网页 stays off the site
    assert client.get("/browser-warning/close").status_code == 200


def test_the_platform_never_shows_the_warning(web, client):
    client.cookies.set("gjj_browser_warning", "cert-error")
    assert web.get("/platform/").h1 == "同和综合服务平台"
    assert web.get("/platform/gjj").h1 == "公积金专区"
    assert web.get("/hall/login?via=platform").h1 == "网上服务厅登录"
    assert web.get("/hall/login").h1 == WARNINGS["cert-error"]


def test_continuing_keeps_the_login_query(web, client):
    client.cookies.set("gjj_browser_warning", "cert-error")
    p = web.get("/hall/login?next=/hall/roster")
    r = client.get(p.links()["继续浏览此网站（不推荐）。"], follow_redirects=False)
    assert r.headers["location"] == "/hall/login?next=/hall/roster"
    # the continue link only ever leads to the login
    r = client.get("/browser-warning/continue?to=https://evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/hall/login"


def test_entry_and_platform_pages(web, sim):
    p = web.get("/")
    assert p.h1 == "常州公积金网" and p.links()["网上服务厅"] == "/hall/login"
    p = web.get("/platform/")
    assert p.h1 == "同和综合服务平台" and p.links()["公积金专区"] == "/platform/gjj"
    p = web.get("/platform/gjj")
    assert p.h1 == "公积金专区"
    assert p.links()["网上服务厅"] == "/hall/login?via=platform"
    assert p.links()["E家课堂"] == "/platform/gjj/ejia"
    p = web.get("/platform/gjj/ejia")
    assert p.h1 == "E家课堂"
    videos = p.doc.find("ul", aria_label="培训视频").find_all("a")
    assert len(videos) >= 5
    v = web.get(videos[0].get("href"))
    assert v.status == 200 and v.h1 == videos[0].text().strip()
    assert web.get("/platform/gjj/ejia/nope").status == 404
    # via the platform the login needs no assistant and the serial is typed
    u = sim.unit()
    p = web.get("/hall/login?via=platform")
    assert p.doc.find("input", name="via").get("value") == "platform"
    assert web.login(u, via="platform").path == "/hall/"


def test_unknown_hall_pages_are_pages_not_problems(web, sim):
    p = web.get("/hall/nope/deeper")
    assert p.status == 404 and p.alert_codes == ["NOT_FOUND"] and "text/html" in p.response.headers["content-type"]
    web.login(sim.unit())
    assert web.get("/hall/business/nope").status == 404
    p = web.post("/hall/opening/nope", {}, csrf_from="/hall/")
    assert p.status == 404


def test_print_fault_and_login_fault_texts_are_the_guides(web, sim):
    web.login(sim.unit())
    p = web.get("/hall/print")
    assert p.doc.find("form", id="print-form").get("data-print-fault") == PRINT_FAULT
    assert PRINT_FAULT == "初始化CELL失败，[object Error]"
    assert re.search(r"登录异常，请检查1、如未下载证书助手", LOGIN_FAULT)
