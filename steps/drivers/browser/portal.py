"""PortalDriver over a portal's web pages (page contract: contract.py, docs/web-portal.md). It reads what a
person reads: visible text, headings, roles and accessible names, mapped by a vendor's page map
(locators.py) where the wording differs; no hidden attributes. The PC's programs and an old browser's
certificate warnings are simulated in the browser the harness controls (init scripts, routes), not by
the portal. `expect` and load events for waiting, no sleeps."""
from __future__ import annotations

import io
import json
import re
from html import escape
from dataclasses import dataclass, field

from playwright.sync_api import Browser, BrowserContext, Page, Playwright
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..base import AccountView, Login, Outcome, Receipt, Refusal, RosterRow, Slip, TargetError, UnitView
from . import contract
from .contract import LOAD_TIMEOUT_MS, LOCATE_TIMEOUT_MS, SILENCE_MS
from .locators import Locators

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SILENT = "NO_VISIBLE_RESPONSE"  # an action the page answered with nothing at all
ROSTER_PAGE_LIMIT = 200         # 下一页 more often than this: the portal's paging does not end

CAUSE_LABELS = {"late_establish": "未及时设立账户", "late_unseal": "未及时启封",
                "base_shortfall": "缴存基数不足（差额补缴）"}
FIELD_LABELS = {"personal_no": "个人账号", "last_month": "最后缴存月份", "start_month": "起缴月份",
                "base": "缴存基数（元）", "name": "姓名", "id_number": "身份证号码", "employed_from": "入职年月",
                "effective_month": "生效年月", "note": "核查说明"}
MONTH_FIELDS = {"last_month", "start_month", "employed_from", "effective_month"}
REPORTED_LABELS = {"name": "姓名有误", "id_number": "身份证号码有误"}
OPENING_STEP_FORMS = {"确定开通": "opening.enable", "签署服务协议": "opening.agreement",
                      "确认单位信息": "opening.unit-info", "完成开通": "opening.complete"}


class ControlNotFound(TargetError):
    """A control the contract names is not on the loaded page: the map lacks an entry (or the page differs)."""


def launch_browser(pw: Playwright, executable: str = CHROMIUM, headless: bool = True,
                   extra_args: list[str] | None = None) -> Browser:
    return pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS + list(extra_args or ()),
                              headless=headless)


@dataclass
class ClientEnv:
    """The programs on the user's PC (guide 2.1), as the harness gives them to the page."""
    platform: bool = True
    cert_assistant: bool = True
    assistant_broken: bool = False
    print_component: bool = True
    serial: str | None = None

    def script(self, client_script: str = contract.CLIENT_DEFAULT_SCRIPT) -> str:
        pc = {"platform": self.platform, "certAssistant": self.cert_assistant,
              "assistantBroken": self.assistant_broken, "printComponent": self.print_component,
              "serial": self.serial}
        return f"window.gjjHarnessPC = {json.dumps(pc, ensure_ascii=False)};\n{client_script}"


@dataclass
class BrowserPortal:
    context: BrowserContext
    base_url: str
    locators: Locators = field(default_factory=Locators)
    env: ClientEnv = field(default_factory=ClientEnv)
    page: Page | None = None
    via_platform: bool = False

    # --- plumbing -------------------------------------------------------------------------
    def _page(self) -> Page:
        if self.page is None or self.page.is_closed():
            # one tab per scenario: a new login in the same browser uses the tab already open
            # (opening a tab costs ~140 ms; the session cookie is the context's either way)
            open_pages = [p for p in self.context.pages if not p.is_closed()]
            self.page = open_pages[-1] if open_pages else self.context.new_page()
            self.page.set_default_timeout(LOCATE_TIMEOUT_MS)
            self.page.set_default_navigation_timeout(LOAD_TIMEOUT_MS)
        return self.page

    def install_env(self) -> None:
        """Applies to every page loaded from now on (later scripts win over earlier ones)."""
        self.context.add_init_script(self.env.script(self.locators.client_script()))

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + self.locators.path(path)

    def goto(self, path: str) -> Page:
        page = self._page()
        try:
            page.goto(self.url(path))
        except (PlaywrightTimeout, PlaywrightError) as e:
            raise TargetError(f"页面 {self.locators.path(path)} 未能打开 / page did not load: {e}") from e
        return page

    def _name(self, name: str) -> str:
        """The portal's name of a control on the page it shows now ([names] and that page's [names."…"])."""
        page = self.page if self.page is not None and not self.page.is_closed() else None
        return self.locators.name(name, self.locators.contract_path(self.path()) if page else None)

    def button(self, name: str):
        return self._page().get_by_role("button", name=self._name(name), exact=True)

    def link(self, name: str):
        return self._page().get_by_role("link", name=self._name(name), exact=True)

    def textbox(self, name: str):
        """By its label; or by its accessible name (a label with a marker such as an aria-hidden "*")."""
        page, shown = self._page(), self._name(name)
        return page.get_by_label(shown, exact=True).or_(page.get_by_role("textbox", name=shown, exact=True))

    def control(self, locator, role: str, name: str):
        """`locator`, once it is on the page; otherwise fail now, naming the control and the map entry."""
        try:
            locator.first.wait_for(state="attached", timeout=LOCATE_TIMEOUT_MS)
        except PlaywrightTimeout:
            shown = self._name(name)
            mapped = f"（映射为“{shown}”）" if shown != name else ""
            raise ControlNotFound(
                f"页面 {self.path()}（{self.raw_heading() or '无标题'}）上找不到{role}“{name}”{mapped}：如贵方页面上的"
                f"名称不同，请在页面映射中加入 / no {role} \"{name}\" on this page; if your page words it "
                f"differently, add to the page map: "
                f"{self.locators.hint('names', name, self.locators.contract_path(self.path()))}") from None
        return locator.first

    def raw_heading(self) -> str:
        h1 = self._page().get_by_role("heading", level=1)
        return h1.first.inner_text().strip() if h1.count() else ""

    def heading(self) -> str:
        """The page's heading, by the contract's name when the map renames it ([headings])."""
        return self.locators.contract_heading(self.raw_heading())

    def on_page(self, contract_heading: str) -> bool:
        return self.raw_heading() == self.locators.heading(contract_heading)

    def alert(self) -> Refusal | None:
        """The first visible alert (role="alert"): its text, and the code its text names ([refusals])."""
        text = self._page().evaluate(_READ_ALERT)
        return None if text is None else Refusal(self.locators.refusal_code(text), text)

    def click_and_wait(self, locator) -> Page:
        page = self._page()
        try:
            with page.expect_navigation(wait_until="load"):
                locator.click()
        except PlaywrightTimeout as e:
            raise TargetError(f"点击后页面 {self.path()} 未在{LOAD_TIMEOUT_MS // 1000}秒内打开新页面 / "
                              f"no page loaded after the click: {e}") from e
        return page

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self._page().url).split("?")[0]

    # --- session ----------------------------------------------------------------------------
    def login(self, serial: str, pin: str) -> Login:
        self.env.serial = serial
        self.install_env()
        self.goto("/hall/login?via=platform" if self.via_platform else "/hall/login")
        fault = self.alert()
        if fault is not None:
            return Login(False, refusal=fault)
        serial_box = self.control(self.textbox("证书序列号"), "textbox", "证书序列号")
        if serial_box.evaluate("e => !(e.readOnly || e.disabled)"):  # the assistant may have filled it
            serial_box.fill(serial)
        self.control(self.textbox("证书口令"), "textbox", "证书口令").fill(pin)
        self.click_and_wait(self.control(self.button("登录"), "button", "登录"))
        refused = self.alert()
        if refused is not None and self.on_page("网上服务厅登录"):
            return Login(False, refusal=refused)
        if self.on_page("开通提示") or self._page().get_by_role("dialog").count():
            return Login(True, prompt=self.prompt_text(), opened=False)
        return Login(True, opened=not (self.on_page("开通网上业务") or self.on_page("尚未开通")))

    def login_controls_missing(self) -> list[str]:
        """Pre-flight: the log-in page's controls the driver cannot find, as the map entries to add."""
        self.env.serial = self.env.serial or "JSCA0000000000"   # an assistant that fills the serial box
        self.install_env()
        self.goto("/hall/login")
        missing = []
        for role, name in (("textbox", "证书序列号"), ("textbox", "证书口令"), ("button", "登录")):
            try:
                self.control(self.textbox(name) if role == "textbox" else self.button(name), role, name)
            except ControlNotFound:
                missing.append(self.locators.hint("names", name))
        return missing

    def prompt_text(self) -> str:
        """The dialog's text as a person reads it, less its buttons."""
        dialog = self.control(self._page().get_by_role("dialog"), "dialog", "开通提示")
        return dialog.evaluate(_TEXT_WITHOUT_CONTROLS).strip()

    def logout(self) -> None:
        if self.page is not None and not self.page.is_closed():
            self.goto("/hall/")
            self.click_and_wait(self.control(self.button("退出"), "button", "退出"))

    def change_pin(self, old_pin: str, new_pin: str) -> Outcome | None:
        self.goto("/hall/pin")
        self.fill("原口令", old_pin)
        self.fill("新口令", new_pin)
        again = self.textbox("确认新口令")
        if again.count():   # a form that asks for the new PIN twice
            again.first.fill(new_pin)
        self.click_and_wait(self.control(self.button("修改口令"), "button", "修改口令"))
        return self.alert()

    def fill(self, label: str, value: str) -> None:
        self.control(self.textbox(label), "textbox", label).fill(value)

    # --- opening ----------------------------------------------------------------------------
    def answer_first_login_prompt(self, yes: bool) -> Outcome | None:
        if not self.on_page("开通提示"):
            self.goto("/hall/prompt")
        answer = "是" if yes else "否"
        self.click_and_wait(self.control(self.button(answer), "button", answer))
        return self.alert()

    def apply_for_opening(self) -> Outcome | None:
        self.goto("/hall/opening")
        return self._opening_step("确定开通")

    def sign_agreement(self) -> Outcome | None:
        self.goto("/hall/opening")
        box = self._page().get_by_role("checkbox", name=self._name("我已查阅并同意服务协议"))
        if box.count():
            box.check()
        return self._opening_step("签署服务协议")

    def confirm_unit_info(self, operator: dict | None = None) -> Outcome | None:
        self.goto("/hall/opening")
        if operator and self.button("确认单位信息").count():
            for key, label in (("name", "经办人姓名"), ("mobile", "经办人手机号码"), ("id_number", "经办人身份证号码")):
                self.fill(label, operator[key])
        return self._opening_step("确认单位信息")

    def set_query_password(self, password: str) -> Outcome | None:
        self.goto("/hall/opening")
        if self.textbox("查询密码").count() == 0:
            first, second = self.locators.form("opening.password_fields").split(",")
            return self._post_out_of_order("opening.query-password", {first.strip(): password,
                                                                       second.strip(): password})
        self.fill("查询密码", password)
        self.fill("确认查询密码", password)
        return self._opening_step("设置查询密码")

    def complete_opening(self) -> Outcome | None:
        self.goto("/hall/opening")
        return self._opening_step("完成开通")

    def _opening_step(self, button: str) -> Outcome | None:
        target = self.button(button)
        if target.count() == 0:  # the page offers another step: try the skipped step's form post
            return self._post_out_of_order(OPENING_STEP_FORMS[button], {})
        self.click_and_wait(target)
        return self.alert()

    def _post_out_of_order(self, form: str, fields: dict) -> Outcome | None:
        """A person cannot click a step the page does not offer; a crafted form post can ([forms]).
        It carries the page's own CSRF token, as the page's forms would."""
        page = self._page()
        name = self.locators.form("csrf_field")
        token = page.locator(f"input[name='{name}']")
        csrf = token.first.get_attribute("value") if token.count() else ""
        with page.expect_navigation(wait_until="load"):
            page.evaluate("""([action, fields]) => {
            const f = document.createElement('form'); f.method = 'post'; f.action = action;
            for (const [k, v] of Object.entries(fields)) {
              const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
            document.body.appendChild(f); f.submit(); }""", [self.locators.form(form), {**fields, name: csrf}])
        return self.alert()

    def opening_stage(self) -> str:
        """The step the opening page offers, read from its step button; no step on offer: opened."""
        self.goto("/hall/opening")
        for stage, button in contract.OPENING_STAGES:
            if self.button(button).count():
                return stage
        if not self.on_page("开通网上业务") or "已完成开通" in self.text():
            return "opened"
        return "unknown"

    # --- businesses ---------------------------------------------------------------------------
    def submit(self, business: str, fields: dict) -> Outcome:
        self.goto(contract.BUSINESS_PATHS[business])
        if self.on_page("网上服务厅登录"):
            return Refusal("UNAUTHENTICATED", "未登录")
        for key, value in fields.items():
            if key == "cause":
                label = "补缴原因"
                self.control(self._page().get_by_label(self._name(label)), "combobox", label) \
                    .select_option(label=self._name(CAUSE_LABELS[value]))
            elif key == "months":
                self.fill("补缴月份", "，".join(self.locators.month(m) for m in value))
            elif key == "reported_errors":
                for item in value:
                    label = REPORTED_LABELS[item]
                    self.control(self._page().get_by_role("checkbox", name=self._name(label)),
                                 "checkbox", label).check()
            elif key in ("unit_rate", "personal_rate", "confirmed"):
                continue
            else:
                self.fill(FIELD_LABELS[key], self.locators.month(str(value)) if key in MONTH_FIELDS else str(value))
        refusal = self.alert()
        if refusal is not None and refusal.code:
            return refusal
        self.click_and_wait(self.control(self.button("业务提交"), "button", "业务提交"))
        refusal = self.alert()
        if refusal is not None:
            return refusal
        labels = {k: self._name(v) for k, v in
                  (("business_no", "业务流水号"), ("personal_no", "个人账号"), ("summary", "办理结果"),
                   ("follow_ups", "后续事项"), ("notes", "说明"))}
        r = self._page().evaluate(_READ_RECEIPT, labels)
        if not r["business_no"]:
            raise TargetError(f"提交后的页面（{self.path()}，{self.raw_heading()}）既不是业务回执（没有“{labels['business_no']}”），"
                              f"也没有提示 / after 业务提交 neither a receipt nor an alert: "
                              f"{self.locators.hint('names', '业务流水号')}")
        result = {"personal_no": r["personal_no"]} if r["personal_no"] else {}
        follow_ups = tuple(item for item in r["follow_ups"] if not re.match(contract.NOTHING_TO_DO, item))
        return Receipt(r["business_no"], business, r["summary"], follow_ups, tuple(r["notes"]), result)

    # --- queries ------------------------------------------------------------------------------
    def roster(self) -> list[RosterRow] | Refusal:
        self.goto("/hall/roster")
        refused = self.alert()
        if refused is not None:
            return refused
        rows: list[RosterRow] = []
        seen: set[str] = set()
        columns = [self._name(c) for c in ("个人账号", "姓名", "账户状态", "缴存基数")]
        for _ in range(ROSTER_PAGE_LIMIT):
            table = self.control(self._page().get_by_role("table", name=self._name("职工清册")),
                                 "table", "职工清册")
            read = table.evaluate(_READ_TABLE)
            index = [_column(read["headers"], c) for c in columns]
            if None in index:
                raise ControlNotFound(f"职工清册表头中找不到“{columns[index.index(None)]}”列 / roster column not found "
                                      f"(headers: {read['headers']}): {self.locators.hint('names', columns[index.index(None)])}")
            page_rows = [RosterRow(c[index[0]], c[index[1]], c[index[2]], c[index[3]] or None)
                         for c in read["rows"] if len(c) == len(read["headers"])]
            signature = self._page().url + "|" + json.dumps(read["rows"], ensure_ascii=False)
            if signature in seen or (seen and not page_rows):   # 下一页 led back to a page already read
                return rows
            seen.add(signature)
            rows.extend(page_rows)
            nxt = self.link("下一页")
            if nxt.count() == 0 or not nxt.first.is_visible() or nxt.first.is_disabled():
                return rows
            self.click_and_wait(nxt.first)
        raise TargetError(f"职工清册的“下一页”超过{ROSTER_PAGE_LIMIT}页仍未结束 / the roster's paging does not end")

    def account(self, personal_no: str) -> AccountView | Refusal:
        self.goto(f"/hall/employees/{personal_no}")
        refused = self.alert()
        if refused is not None:
            return refused
        f = self._fields()
        g = lambda k, d=None: f.get(self.locators.name(k), d)  # noqa: E731  (facts: [names] only)
        return AccountView(g("个人账号", personal_no), g("姓名", ""), g("账户状态", ""),
                           _yuan(g("缴存基数")), _month(g("缴至年月")), _month(g("起缴月份")))

    def unit_info(self) -> UnitView | Refusal:
        self.goto("/hall/unit")
        refused = self.alert()
        if refused is not None:
            return refused
        f = self._fields()
        g = lambda k, d=None: f.get(self.locators.name(k), d)  # noqa: E731  (facts: [names] only)
        return UnitView(g("单位账号", ""), g("单位名称", ""), g("经办人"), g("经办人手机号码"),
                        g("结算方式", "") == self.locators.name("委托收款"), _month(g("缴至年月")),
                        _month(g("应汇缴年月")) or "")

    def _fields(self) -> dict[str, str]:
        """Terms and their values: dt/dd pairs and two-cell table rows."""
        return self._page().evaluate(_READ_TERMS)

    def change_operator(self, name: str, mobile: str, id_number: str) -> Outcome | None:
        self.goto("/hall/unit")
        self.fill("经办人姓名", name)
        self.fill("经办人手机号码", mobile)
        self.fill("经办人身份证号码", id_number)
        self.click_and_wait(self.control(self.button("保存"), "button", "保存"))
        return self.alert()

    def print_slip(self, month: str) -> Slip | Refusal:
        page = self.goto("/hall/print")
        self.fill("汇缴年月", self.locators.month(month))
        downloads = []
        page.on("download", lambda d: downloads.append(d))
        self.control(self.button("打印"), "button", "打印").click()
        # the page answers with an alert (a fault or a refusal) or a download (the slip): whichever comes first
        for _ in range(SILENCE_MS // 250):
            if downloads or self.alert() is not None:
                break
            try:
                page.wait_for_event("download", timeout=250)
            except PlaywrightTimeout:
                continue
        refused = self.alert()
        if refused is not None:
            return refused
        if not downloads:
            # what the user sees: the click did nothing. That is the portal's answer (a finding), not the
            # harness failing to get one — the page is loaded and responsive, it just stays silent.
            return Refusal(SILENT, f"点击“打印”后{SILENCE_MS // 1000}秒内页面没有任何反应：既没有生成汇（补）缴书，"
                                   "也没有提示")
        pdf = open(downloads[0].path(), "rb").read()
        from pypdf import PdfReader
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
        return Slip(month, pdf, text, {})

    # --- the client environment and the browser (web-only abilities) ----------------------------
    def set_programs(self, **installed: bool) -> None:
        for k, v in installed.items():
            setattr(self.env, k, v)
        self.install_env()

    def browser_warning(self, kind: str) -> None:
        """The next page the browser opens is the old browser's warning `kind` (the browser's own page, so
        the harness serves it, once); continuing leads to the page that was asked for."""
        text, controls = contract.BROWSER_WARNINGS[kind]

        def warn(route, request) -> None:
            route.fulfill(status=200, content_type="text/html; charset=utf-8",
                          body=_warning_page(text, controls, request.url))
        self.context.route(re.compile("^" + re.escape(self.base_url.rstrip("/")) + "/"), warn, times=1)

    def enter_via_platform(self) -> str:
        """The 同和综合服务平台 is a program on the PC (guide 2.1, 2.5): the harness shows its window in the
        browser (its 公积金专区 links to the portal's platform entry, [paths] "/hall/login?via=platform"),
        then clicks 公积金专区 and 网上服务厅 as a person would; the heading of the page reached."""
        entry = self.url("/hall/login?via=platform")

        def platform(route, request) -> None:
            zone = request.url.rstrip("/").endswith("/gjj")
            body = (f'<h1>公积金专区</h1><p><a href="{escape(entry)}">网上服务厅</a></p>' if zone else
                    '<h1>同和综合服务平台</h1><p><a href="/gjj">公积金专区</a></p>')
            route.fulfill(status=200, content_type="text/html; charset=utf-8",
                          body=f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>{body}</body></html>')
        self.context.route(contract.PLATFORM_ORIGIN + "/**", platform)
        page = self._page()
        page.goto(contract.PLATFORM_ORIGIN + "/")
        self.click("公积金专区")
        return self.click("网上服务厅")

    def open(self, path: str) -> str:
        self.goto(path)
        return self.heading()

    def click(self, name: str, role: str = "link") -> str:
        page = self._page()
        locator = page.get_by_role(role, name=self._name(name), exact=True).or_(
            page.get_by_role(role, name=name, exact=True))   # the harness's own pages use the contract's words
        self.click_and_wait(self.control(locator, role, name))
        return self.heading()

    def text(self) -> str:
        return self._page().inner_text("body")

    def screenshot(self, path: str) -> None:
        self._page().screenshot(path=path, full_page=True)


def make_portal(context: BrowserContext, base_url: str, locators: Locators, env: ClientEnv) -> BrowserPortal:
    """The browser driver, or the map's page-object plug-in ([pages] plugin: a subclass of BrowserPortal)."""
    cls = locators.page_objects() or BrowserPortal
    if not (isinstance(cls, type) and issubclass(cls, BrowserPortal)):
        raise TypeError(f"{locators.source}: [pages] plugin must name a subclass of BrowserPortal, not {cls!r}")
    return cls(context, base_url, locators, env)


def _warning_page(text: str, controls: tuple[str, ...], to: str) -> str:
    parts = []
    for control in controls:
        role, name = control.split(" ", 1)
        go = escape(to) if name in ("是", "继续浏览此网站（不推荐）。") else "about:blank"
        parts.append(f'<p><a href="{go}">{escape(name)}</a></p>' if role == "link" else
                     f'<button type="button" onclick="location.href=\'{go}\'">{escape(name)}</button>')
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(text)}</title></head>'
            f'<body><h1>{escape(text)}</h1>{"".join(parts)}</body></html>')


def _column(headers: list[str], name: str) -> int | None:
    for i, h in enumerate(headers):
        if h == name:
            return i
    return next((i for i, h in enumerate(headers) if h.startswith(name)), None)


_READ_ALERT = """() => {
  for (const a of document.querySelectorAll('[role=alert]')) {
    if (a.getClientRects().length === 0) continue;  // hidden: not shown to the user
    const text = a.innerText.trim();
    if (text) return text;
  }
  return null;
}"""

_TEXT_WITHOUT_CONTROLS = """d => {
  const c = d.cloneNode(true);
  c.querySelectorAll('button, input, select, textarea, h1, [role=button]').forEach(e => e.remove());
  return c.textContent.replace(/\\s+/g, ' ').trim();
}"""

_READ_TERMS = """() => {
  const out = {};
  const put = (k, v) => { k = k.innerText.trim().replace(/[：:]$/, ''); if (k && !(k in out)) out[k] = v.innerText.trim(); };
  for (const dt of document.querySelectorAll('dt')) {
    if (dt.getClientRects().length === 0) continue;
    let dd = dt.nextElementSibling; while (dd && dd.tagName !== 'DD') dd = dd.nextElementSibling;
    if (dd) put(dt, dd);
  }
  for (const tr of document.querySelectorAll('tr')) {
    if (tr.cells.length === 2 && tr.cells[0].tagName === 'TH' && tr.getClientRects().length) put(tr.cells[0], tr.cells[1]);
  }
  return out;
}"""

_READ_RECEIPT = """L => {
  const vis = e => e && e.getClientRects().length > 0;
  const terms = {};
  for (const dt of document.querySelectorAll('dt')) {
    let dd = dt.nextElementSibling; while (dd && dd.tagName !== 'DD') dd = dd.nextElementSibling;
    if (vis(dt) && dd) terms[dt.innerText.trim().replace(/[：:]$/, '')] = dd.innerText.trim();
  }
  let no = terms[L.business_no] || '';
  if (!no) {
    const m = document.body.innerText.match(new RegExp(L.business_no + '[：:]\\\\s*([0-9A-Za-z-]+)'));
    if (m) no = m[1];
  }
  let summary = terms[L.summary] || '';
  if (!summary) {  // the first paragraph after the receipt's terms
    const dl = [...document.querySelectorAll('dl')].find(vis);
    let e = dl && dl.nextElementSibling;
    while (e && e.tagName !== 'P') e = e.nextElementSibling;
    summary = e ? e.innerText.trim() : '';
  }
  const listUnder = label => {
    const h = [...document.querySelectorAll('h2, h3, h4')].find(h => vis(h) && h.innerText.trim() === label);
    const items = [];
    for (let e = h && h.nextElementSibling; e && !/^H[1-6]$/.test(e.tagName); e = e.nextElementSibling)
      for (const li of (e.tagName === 'LI' ? [e] : e.querySelectorAll('li'))) if (vis(li)) items.push(li.innerText.trim());
    return items;
  };
  return {business_no: no, summary, personal_no: terms[L.personal_no] || '',
          follow_ups: listUnder(L.follow_ups), notes: listUnder(L.notes)};
}"""

_READ_TABLE = """t => {
  const head = t.tHead ? [...t.tHead.rows].pop() : t.rows[0];
  const headers = head ? [...head.cells].map(c => c.innerText.trim()) : [];
  const body = [...t.tBodies].flatMap(b => [...b.rows]).filter(r => r !== head);
  return {headers, rows: body.map(r => [...r.cells].map(c => c.innerText.trim()))};
}"""

_MONTH = re.compile(r"(\d{4})\s*(?:-|年|/)?\s*(\d{1,2})\s*月?")


def _month(text: str | None) -> str | None:
    """A month as the page shows it (YYYY-MM, YYYYMM, YYYY年M月) as YYYY-MM; no month shown: None."""
    if not text:
        return None
    m = _MONTH.search(text)
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m else None


def _yuan(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"[\d,]+(?:\.\d+)?", text)
    return m.group(0).replace(",", "") if m else None


__all__ = ["BrowserPortal", "ClientEnv", "ControlNotFound", "launch_browser", "make_portal"]
