"""PortalDriver over the web portal (docs/web-portal.md). Locators by role and accessible name,
`expect` for waiting, no sleeps."""
from __future__ import annotations

import io
import json
import re
from dataclasses import asdict, dataclass, field

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..base import AccountView, Login, Outcome, Receipt, Refusal, RosterRow, Slip, TargetError, UnitView
from .locators import Locators

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 10_000
SILENT = "NO_VISIBLE_RESPONSE"  # an action the page answered with nothing at all

BUSINESS_PAGES = {"establish": "/hall/business/establish", "seal": "/hall/business/seal",
                  "unseal": "/hall/business/unseal", "transfer": "/hall/business/transfer",
                  "back_pay": "/hall/business/back-pay", "base_adjustment": "/hall/business/base-adjustment",
                  "deposit_verification": "/hall/business/deposit-verification"}
CAUSE_LABELS = {"late_establish": "未及时设立账户", "late_unseal": "未及时启封",
                "base_shortfall": "缴存基数不足（差额补缴）"}
FIELD_LABELS = {"personal_no": "个人账号", "last_month": "最后缴存月份", "start_month": "起缴月份",
                "base": "缴存基数（元）", "name": "姓名", "id_number": "身份证号码", "employed_from": "入职年月",
                "effective_month": "生效年月", "note": "核查说明"}
REPORTED_LABELS = {"name": "姓名有误", "id_number": "身份证号码有误"}


def launch_browser(pw: Playwright, executable: str = CHROMIUM, headless: bool = True,
                   extra_args: list[str] | None = None) -> Browser:
    return pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS + list(extra_args or ()),
                              headless=headless)


@dataclass
class ClientEnv:
    """The programs on the user's PC (guide 2.1), as the portal detects them."""
    platform: bool = True
    cert_assistant: bool = True
    assistant_broken: bool = False
    print_component: bool = True
    serial: str | None = None

    def script(self) -> str:
        assistant = None
        if self.cert_assistant:
            assistant = {"broken": True} if self.assistant_broken else {"serial": self.serial}
        env = {"platform": self.platform, "certAssistant": assistant, "printComponent": self.print_component}
        env = {k: v for k, v in env.items() if v not in (None, False)}
        return f"window.gjjClient = {json.dumps(env, ensure_ascii=False)};"


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
            self.page.set_default_timeout(TIMEOUT_MS)
        return self.page

    def install_env(self) -> None:
        """Applies to every page loaded from now on (later scripts win over earlier ones)."""
        self.context.add_init_script(self.env.script())

    def goto(self, path: str) -> Page:
        page = self._page()
        try:
            page.goto(self.base_url.rstrip("/") + self.locators.path(path))
        except PlaywrightTimeout as e:
            raise TargetError(f"page {path} did not load: {e}") from e
        return page

    def button(self, name: str):
        return self._page().get_by_role("button", name=self.locators.name(name), exact=True)

    def link(self, name: str):
        return self._page().get_by_role("link", name=self.locators.name(name), exact=True)

    def textbox(self, name: str):
        return self._page().get_by_label(self.locators.name(name), exact=True)

    def heading(self) -> str:
        return self._page().get_by_role("heading", level=1).first.inner_text().strip()

    def alert(self) -> Refusal | None:
        """The first visible alert (role="alert", docs/web-portal.md), read in one round trip:
        a locator count + attribute + text costs three, and every step asks this question."""
        found = self._page().evaluate(_READ_ALERT)
        return Refusal(found["code"], found["text"]) if found else None

    def click_and_wait(self, locator) -> Page:
        page = self._page()
        with page.expect_navigation(wait_until="load"):
            locator.click()
        return page

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self._page().url).split("?")[0]

    # --- session ----------------------------------------------------------------------------
    def login(self, serial: str, pin: str) -> Login:
        self.env.serial = serial
        self.install_env()
        entry = "/hall/login?via=platform" if self.via_platform else "/hall/login"
        self.goto(entry)
        fault = self.alert()
        if fault is not None:
            return Login(False, refusal=fault)
        serial_box = self.textbox("证书序列号")
        if serial_box.evaluate("e => !(e.readOnly || e.disabled)"):  # the assistant may have filled it
            serial_box.fill(serial)
        self.textbox("证书口令").fill(pin)
        self.click_and_wait(self.button("登录"))
        refused = self.alert()
        if refused is not None and self.path().endswith("/login"):
            return Login(False, refusal=refused)
        if self.path().endswith("/hall/prompt"):
            return Login(True, prompt=self.prompt_text(), opened=False)
        return Login(True, opened=not self.path().startswith("/hall/opening") and
                     not self.path().startswith("/hall/not-opened"))

    def prompt_text(self) -> str:
        dialog = self._page().get_by_role("dialog")
        return dialog.locator("[data-field=prompt]").inner_text().strip()

    def logout(self) -> None:
        if self.page is not None and not self.page.is_closed():
            self.goto("/hall/")
            self.click_and_wait(self.button("退出"))

    def change_pin(self, old_pin: str, new_pin: str) -> Outcome | None:
        self.goto("/hall/pin")
        self.textbox("原口令").fill(old_pin)
        self.textbox("新口令").fill(new_pin)
        self.click_and_wait(self.button("修改口令"))
        return self.alert()

    # --- opening ----------------------------------------------------------------------------
    def answer_first_login_prompt(self, yes: bool) -> Outcome | None:
        if not self.path().endswith("/hall/prompt"):
            self.goto("/hall/prompt")
        self.click_and_wait(self.button("是" if yes else "否"))
        return self.alert()

    def apply_for_opening(self) -> Outcome | None:
        self.goto("/hall/opening")
        return self._opening_step("确定开通")

    def sign_agreement(self) -> Outcome | None:
        self.goto("/hall/opening")
        box = self._page().get_by_role("checkbox", name=self.locators.name("我已查阅并同意服务协议"))
        if box.count():
            box.check()
        return self._opening_step("签署服务协议")

    def confirm_unit_info(self, operator: dict | None = None) -> Outcome | None:
        self.goto("/hall/opening")
        if operator:
            for key, label in (("name", "经办人姓名"), ("mobile", "经办人手机号码"), ("id_number", "经办人身份证号码")):
                self.textbox(label).fill(operator[key])
        return self._opening_step("确认单位信息")

    def set_query_password(self, password: str) -> Outcome | None:
        self.goto("/hall/opening")
        if self.textbox("查询密码").count() == 0:
            return self._post_out_of_order("query-password", {"password": password, "password2": password})
        self.textbox("查询密码").fill(password)
        self.textbox("确认查询密码").fill(password)
        return self._opening_step("设置查询密码")

    def complete_opening(self) -> Outcome | None:
        self.goto("/hall/opening")
        return self._opening_step("完成开通")

    def _opening_step(self, button: str) -> Outcome | None:
        target = self.button(button)
        if target.count() == 0:  # the page offers another step: try the skipped step's form post
            step = {"确定开通": "enable", "签署服务协议": "agreement", "确认单位信息": "unit-info",
                    "完成开通": "complete"}[button]
            return self._post_out_of_order(step, {})
        self.click_and_wait(target)
        return self.alert()

    def _post_out_of_order(self, step: str, fields: dict) -> Outcome | None:
        """A person cannot click a step the page does not offer; a crafted form post can.
        Submit the step's form as the page's own CSRF-protected form would."""
        page = self._page()
        csrf = page.locator("input[name=csrf]").first.get_attribute("value") if \
            page.locator("input[name=csrf]").count() else ""
        with page.expect_navigation(wait_until="load"):
            page.evaluate("""([action, fields]) => {
            const f = document.createElement('form'); f.method = 'post'; f.action = action;
            for (const [k, v] of Object.entries(fields)) {
              const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i); }
            document.body.appendChild(f); f.submit(); }""",
                          [f"/hall/opening/{step}", {**fields, "csrf": csrf}])
        return self.alert()

    def opening_stage(self) -> str:
        self.goto("/hall/opening")
        stage = self._page().locator("[data-stage]").first
        if stage.count() == 0:
            return "opened" if self.path().rstrip("/") == "/hall" else "unknown"
        return stage.get_attribute("data-stage") or "unknown"

    # --- businesses ---------------------------------------------------------------------------
    def submit(self, business: str, fields: dict) -> Outcome:
        self.goto(BUSINESS_PAGES[business])
        if self.path().endswith("/login"):
            return Refusal("UNAUTHENTICATED", "未登录")
        for key, value in fields.items():
            if key == "cause":
                self._page().get_by_label(self.locators.name("补缴原因")).select_option(label=CAUSE_LABELS[value])
            elif key == "months":
                self.textbox("补缴月份").fill("，".join(value))
            elif key == "reported_errors":
                for item in value:
                    self._page().get_by_role("checkbox", name=self.locators.name(REPORTED_LABELS[item])).check()
            elif key in ("unit_rate", "personal_rate", "confirmed"):
                continue
            else:
                self.textbox(FIELD_LABELS[key]).fill(str(value))
        refusal = self.alert()
        if refusal is not None and refusal.code:
            return refusal
        self.click_and_wait(self.button("业务提交"))
        refusal = self.alert()
        if refusal is not None:
            return refusal
        r = self._page().evaluate(_READ_RECEIPT)
        if not r["business_no"]:
            raise TargetError(f"提交后的页面既不是业务回执，也没有提示（{self.path()}）")
        result = {"personal_no": r["personal_no"]} if r["personal_no"] else {}
        return Receipt(r["business_no"].removeprefix("业务流水号：").strip(), business, r["summary"],
                       tuple(r["follow_ups"]), tuple(r["notes"]), result)

    # --- queries ------------------------------------------------------------------------------
    def roster(self) -> list[RosterRow] | Refusal:
        self.goto("/hall/roster")
        refused = self.alert()
        if refused is not None:
            return refused
        rows: list[RosterRow] = []
        while True:
            table = self._page().get_by_role("table", name=self.locators.name("职工清册"))
            cells_by_row = table.evaluate(
                "t => [...t.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))")
            for cells in cells_by_row:
                if len(cells) >= 5:
                    rows.append(RosterRow(cells[0], cells[1], cells[3], cells[4] or None))
            nxt = self.link("下一页")
            if nxt.count() == 0:
                return rows
            self.click_and_wait(nxt)

    def account(self, personal_no: str) -> AccountView | Refusal:
        self.goto(f"/hall/employees/{personal_no}")
        refused = self.alert()
        if refused is not None:
            return refused
        f = self._fields()
        return AccountView(f.get("个人账号", personal_no), f.get("姓名", ""), f.get("账户状态", ""),
                           _yuan(f.get("缴存基数")), f.get("缴至年月") or None, f.get("起缴月份") or None)

    def unit_info(self) -> UnitView | Refusal:
        self.goto("/hall/unit")
        refused = self.alert()
        if refused is not None:
            return refused
        f = self._fields()
        return UnitView(f.get("单位账号", ""), f.get("单位名称", ""), f.get("经办人"), f.get("经办人手机号码"),
                        f.get("结算方式", "") == "委托收款", f.get("缴至年月"), f.get("应汇缴年月", ""))

    def _fields(self) -> dict[str, str]:
        page = self._page()
        names = page.locator("dl dt").all_inner_texts()
        values = page.locator("dl dd").all_inner_texts()
        return {n.strip().rstrip("：:"): v.strip() for n, v in zip(names, values)}

    def change_operator(self, name: str, mobile: str, id_number: str) -> Outcome | None:
        self.goto("/hall/unit")
        self.textbox("经办人姓名").fill(name)
        self.textbox("经办人手机号码").fill(mobile)
        self.textbox("经办人身份证号码").fill(id_number)
        self.click_and_wait(self.button("保存"))
        return self.alert()

    def print_slip(self, month: str) -> Slip | Refusal:
        page = self.goto("/hall/print")
        self.textbox("汇缴年月").fill(month)
        downloads = []
        page.on("download", lambda d: downloads.append(d))
        self.button("打印").click()
        # the page answers with an alert (a fault or a refusal) or a status (the slip was generated)
        outcome = page.get_by_role("alert").or_(page.get_by_role("status").filter(has_text="汇（补）缴书"))
        try:
            expect(outcome.first).to_be_visible(timeout=TIMEOUT_MS)
        except AssertionError:
            # what the user sees: the click did nothing. That is the portal's answer (a finding), not the
            # harness failing to get one — the page is loaded and responsive, it just stays silent.
            return Refusal(SILENT, f"点击“打印”后{TIMEOUT_MS // 1000}秒内页面没有任何反应：既没有生成汇（补）缴书，"
                                   "也没有提示")
        refused = self.alert()
        if refused is not None:
            return refused
        download = downloads[0] if downloads else page.wait_for_event("download", timeout=TIMEOUT_MS)
        pdf = open(download.path(), "rb").read()
        from pypdf import PdfReader
        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
        return Slip(month, pdf, text, {})

    # --- the client environment and the browser (web-only abilities) ----------------------------
    def set_programs(self, **installed: bool) -> None:
        for k, v in installed.items():
            setattr(self.env, k, v)
        self.install_env()

    def browser_warning(self, kind: str) -> None:
        self.context.add_cookies([{"name": "gjj_browser_warning", "value": kind, "url": self.base_url}])

    def open(self, path: str) -> str:
        self.goto(path)
        return self.heading()

    def click(self, name: str, role: str = "link") -> str:
        locator = self._page().get_by_role(role, name=self.locators.name(name), exact=True)
        expect(locator.first).to_be_visible()
        self.click_and_wait(locator.first)
        return self.heading()

    def text(self) -> str:
        return self._page().inner_text("body")

    def screenshot(self, path: str) -> None:
        self._page().screenshot(path=path, full_page=True)


_READ_ALERT = """() => {
  for (const a of document.querySelectorAll('[role=alert]')) {
    if (a.getClientRects().length === 0) continue;  // hidden: not shown to the user
    return {code: a.getAttribute('data-code') || '', text: a.innerText.trim()};
  }
  return null;
}"""

_READ_RECEIPT = """() => {
  const one = f => { const e = document.querySelector(`[data-field=${f}]`); return e ? e.innerText.trim() : ''; };
  const list = l => [...document.querySelectorAll(`[data-list=${l}] li`)].map(e => e.innerText.trim());
  return {business_no: one('business_no'), summary: one('summary'), personal_no: one('personal_no'),
          follow_ups: list('follow_ups'), notes: list('notes')};
}"""


def _yuan(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"[\d,]+(?:\.\d+)?", text)
    return m.group(0).replace(",", "") if m else None


__all__ = ["BrowserPortal", "ClientEnv", "launch_browser", "asdict"]
