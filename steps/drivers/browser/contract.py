"""Every expectation the browser driver has of a portal's pages, as tables: the paths it opens, the
headings it recognises pages by, the accessible names of the controls it uses, the texts it reads
refusals and opening steps from, the form posts it sends. docs/web-portal.md's driver section is
generated from these tables (`render_markdown`), and a vendor's locator map (locators.py) overrides
any entry; portal.py reads them and nothing else about a page."""
from __future__ import annotations

# --- paths the driver opens (map: [paths]) ------------------------------------------------------------
PATHS: dict[str, str] = {
    "/hall/login": "the log-in page (an old browser's certificate warning is shown before it)",
    "/hall/login?via=platform": "the log-in page as the platform's 公积金专区 opens it (no certificate assistant)",
    "/hall/": "the hall's home page (log-out from there)",
    "/hall/prompt": "the first-login prompt, when the driver answers it again",
    "/hall/opening": "the opening page (the current step's form)",
    "/hall/pin": "change the certificate PIN",
    "/hall/business/establish": "职工账户设立 form",
    "/hall/business/seal": "封存 form",
    "/hall/business/unseal": "启封 form",
    "/hall/business/transfer": "职工转移 form",
    "/hall/business/back-pay": "个别补缴 form",
    "/hall/business/base-adjustment": "缴存基数调整 form",
    "/hall/business/deposit-verification": "单位缴存信息核查 form",
    "/hall/roster": "职工清册 (first page)",
    "/hall/employees/{personal_no}": "one employee's account",
    "/hall/unit": "单位信息 and the operator form",
    "/hall/print": "查询打印",
    "/hall/help": "帮助 (reachable without log-in)",
}

BUSINESS_PATHS = {"establish": "/hall/business/establish", "seal": "/hall/business/seal",
                  "unseal": "/hall/business/unseal", "transfer": "/hall/business/transfer",
                  "back_pay": "/hall/business/back-pay", "base_adjustment": "/hall/business/base-adjustment",
                  "deposit_verification": "/hall/business/deposit-verification"}

# --- headings (the page's <h1>) the driver recognises pages by (map: [headings]) ----------------------
HEADINGS: dict[str, str] = {
    "网上服务厅登录": "the log-in page: after 登录, still here means refused",
    "开通提示": "the first-login prompt (a dialog with 是/否)",
    "开通网上业务": "the opening page: after log-in the unit is not opened",
    "尚未开通": "after 否 on the prompt: not opened",
    "业务回执": "the page after 业务提交 when the business was accepted",
    "E家课堂": "the training videos",
}

# --- controls, by role and accessible name (map: [names]) ---------------------------------------------
CONTROLS: list[tuple[str, str, str]] = [  # (role, contract name, where)
    ("textbox", "证书序列号", "log-in (read-only when the assistant filled it)"),
    ("textbox", "证书口令", "log-in"),
    ("button", "登录", "log-in"),
    ("button", "退出", "every page after log-in"),
    ("dialog", "(any name)", "first-login prompt: its text, less its buttons, is the prompt"),
    ("button", "是", "first-login prompt; browser warnings"),
    ("button", "否", "first-login prompt; browser warnings"),
    ("button", "确定开通", "opening, step not_enabled"),
    ("checkbox", "我已查阅并同意服务协议", "opening, step enabled"),
    ("button", "签署服务协议", "opening, step enabled"),
    ("textbox", "经办人姓名", "opening step agreement_signed; 单位信息"),
    ("textbox", "经办人手机号码", "opening step agreement_signed; 单位信息"),
    ("textbox", "经办人身份证号码", "opening step agreement_signed; 单位信息"),
    ("button", "确认单位信息", "opening, step agreement_signed"),
    ("textbox", "查询密码", "opening, step info_confirmed"),
    ("textbox", "确认查询密码", "opening, step info_confirmed"),
    ("button", "设置查询密码", "opening, step info_confirmed"),
    ("button", "完成开通", "opening, step password_set"),
    ("textbox", "姓名", "职工账户设立, 职工转移"),
    ("textbox", "身份证号码", "职工账户设立, 职工转移"),
    ("textbox", "缴存基数（元）", "职工账户设立, 启封, 缴存基数调整"),
    ("textbox", "入职年月", "职工账户设立 (a month)"),
    ("textbox", "个人账号", "封存, 启封, 个别补缴, 缴存基数调整"),
    ("textbox", "最后缴存月份", "封存 (a month)"),
    ("textbox", "起缴月份", "启封 (a month)"),
    ("checkbox", "姓名有误", "启封"),
    ("checkbox", "身份证号码有误", "启封"),
    ("combobox", "补缴原因", "个别补缴; options 未及时设立账户, 未及时启封, 缴存基数不足（差额补缴）"),
    ("textbox", "补缴月份", "个别补缴 (months separated by ，)"),
    ("textbox", "生效年月", "缴存基数调整 (a month)"),
    ("textbox", "核查说明", "单位缴存信息核查"),
    ("button", "业务提交", "every business form"),
    ("table", "职工清册", "职工清册 (name may be a part of the caption)"),
    ("link", "下一页", "职工清册: absent, or leading to a page already seen, on the last page"),
    ("button", "保存", "单位信息: the operator form"),
    ("textbox", "原口令", "修改证书口令"),
    ("textbox", "新口令", "修改证书口令"),
    ("textbox", "确认新口令", "修改证书口令, if the form asks for the new PIN twice (optional)"),
    ("button", "修改口令", "修改证书口令"),
    ("textbox", "汇缴年月", "查询打印 (a month)"),
    ("button", "打印", "查询打印: a PDF download, or an alert"),
    ("link", "公积金专区", "the platform"),
    ("link", "网上服务厅", "the platform's 公积金专区"),
    ("link", "E家课堂", "帮助; the platform's 公积金专区"),
]

# the opening step a page is at, read from the step button it offers (in this order)
OPENING_STAGES: list[tuple[str, str]] = [
    ("not_enabled", "确定开通"), ("enabled", "签署服务协议"), ("agreement_signed", "确认单位信息"),
    ("info_confirmed", "设置查询密码"), ("password_set", "完成开通")]

# --- labels of what the driver reads (map: [names]) ----------------------------------------------------
READ_LABELS: list[tuple[str, str]] = [
    ("业务流水号", "receipt: a term (dt/th) or the text 业务流水号：<no>"),
    ("个人账号", "receipt (new account); account page; roster column"),
    ("办理结果", "receipt: the summary (term); else the first paragraph after the terms"),
    ("后续事项", "receipt: heading; its list items (li) are the follow-ups, none if no list"),
    ("说明", "receipt: heading; its list items are the notes"),
    ("姓名", "roster column; account page"),
    ("账户状态", "roster column (正常/封存); account page"),
    ("缴存基数", "roster column (a column header starting with it); account page"),
    ("缴至年月", "account page; 单位信息 (YYYY-MM, YYYYMM or YYYY年M月)"),
    ("起缴月份", "account page"),
    ("单位账号", "单位信息"), ("单位名称", "单位信息"), ("经办人", "单位信息"), ("结算方式", "单位信息 (委托收款)"),
    ("应汇缴年月", "单位信息"),
]

# a receipt's list item that says there is nothing to do is no follow-up (a person reads it so)
NOTHING_TO_DO = r"^(无需|无，|无。|无$|不需要|本业务不需要)"

# --- refusals: a visible role="alert"; its code is read from its text (map: [refusals]) ----------------
REFUSALS: dict[str, str] = {
    "OUTSIDE_BUSINESS_HOURS": r"不在网上业务的办理时间",
    "SEAL_BEFORE_LAST_MONTH_ARRIVED": r"尚未到账",
    "NEXT_MONTH_ALREADY_REMITTED": r"已汇缴.*不能.*封存",
    "UNSEAL_TOO_EARLY": r"上个月.*(尚未|未)(结束|汇缴)",
    "UNSEAL_START_MONTH_REMITTED": r"起缴月份.*已汇缴",
    "BACKPAY_CAUSE_NOT_ONLINE": r"差额补缴.*不能在网上",
    "BACKPAY_MONTH_NOT_DUE": r"尚未汇缴，不属于欠缴月份",
    "BACKPAY_MONTH_ALREADY_PAID": r"已有公积金缴存记录，不能再次补缴",
    "BACKPAY_MONTH_NOT_EXPLAINED": r"不在.*(期间|补缴原因)",
    "ID_ALREADY_HAS_ACCOUNT": r"已有(住房)?公积金账户",
    "TRANSFER_SOURCE_NOT_SEALED": r"原单位.*封存",
    "WRONG_PIN": r"口令错误",
    "CERTIFICATE_LOCKED": r"已锁定",
    "UNIT_NOT_OPENED": r"尚未(完成)?.*开通",
    "OPENING_OUT_OF_ORDER": r"按顺序办理开通|不能跳过",
    "SLIP_NOT_ENTRUSTED": r"委托收款",
    "SLIP_MONTH_NOT_REMITTED": r"尚未汇缴|未汇缴",
    "EMPLOYEE_NOT_FOUND": r"本单位没有|没有.*职工账户",
    "ACCOUNT_NOT_SEALED": r"只有封存状态",
    "ACCOUNT_NOT_NORMAL": r"不能办理",
    "BASE_OUT_OF_RANGE": r"缴存基数.*(区间|上下限|上限|下限)",
    "VERIFICATION_ALREADY_SUBMITTED": r"已(核查|提交).*核查|已核查",
    "UNAUTHENTICATED": r"请先.*登录|未登录",
    "LOGIN_FAULT": r"^登录异常",
    "PRINT_FAULT": r"^初始化CELL失败",
}

# --- form posts the driver sends where a person has no control (map: [forms]) -------------------------
FORMS: dict[str, str] = {  # a step the opening page does not offer: its form post, as a crafted request would
    "opening.enable": "/hall/opening/enable",
    "opening.agreement": "/hall/opening/agreement",
    "opening.unit-info": "/hall/opening/unit-info",
    "opening.query-password": "/hall/opening/query-password",
    "opening.complete": "/hall/opening/complete",
    "opening.password_fields": "password,password2",
    "csrf_field": "csrf",
}

# --- formats (map: [formats]) ----------------------------------------------------------------------------
FORMATS: dict[str, str] = {"month": "YYYY-MM"}   # how a month is typed into a form: YYYY-MM or YYYYMM

# --- the browser's own pages and the PC's programs (simulated by the harness, not by the portal) ---------
BROWSER_WARNINGS: dict[str, tuple[str, tuple[str, ...]]] = {  # kind → (page text, controls)
    "cert-error": ("此网站的安全证书有问题。", ("link 继续浏览此网站（不推荐）。", "link 关闭此网页")),
    "revocation": ("该站点安全证书的吊销信息不可用，是否继续？", ("button 是", "button 否")),
    "cert-notice": ("您与该站点交换的信息不会被其他人查看或更改，但该站点的安全证书有问题", ("button 是", "button 否")),
}

# the 同和综合服务平台's window, shown by the harness in its browser (a host that never resolves: routed)
PLATFORM_ORIGIN = "http://tohot-platform.invalid"

# the PC's programs as the harness passes them to the page (init script, before the page's scripts):
# window.gjjHarnessPC = {platform, certAssistant, assistantBroken, printComponent, serial}; the map's
# [client] script turns that into the objects the portal's pages read (default: window.gjjClient)
CLIENT_DEFAULT_SCRIPT = """(pc => {
  const c = {};
  if (pc.platform) c.platform = true;
  if (pc.certAssistant) c.certAssistant = pc.assistantBroken ? {broken: true} : {serial: pc.serial};
  if (pc.printComponent) c.printComponent = true;
  window.gjjClient = c;
})(window.gjjHarnessPC);"""

LOCATE_TIMEOUT_MS = 1_500    # a control not found this long after the page loaded: the map lacks an entry
LOAD_TIMEOUT_MS = 10_000     # a page load or a form post's answer
SILENCE_MS = 5_000           # after 打印: neither a download nor an alert this long means no response


def render_markdown() -> str:
    """The driver's expectations as the section of docs/web-portal.md between its generated markers."""
    out = ["The tables below are generated from `steps/drivers/browser/contract.py` "
           "(`python -m gjj.steps.drivers.browser.contract --write`); a test checks that they match.", "",
           f"A control is looked for {LOCATE_TIMEOUT_MS / 1000:g} s once its page has loaded; not found, the "
           "scenario fails with the control's name and the map entry to add. A log-in page whose controls "
           "cannot be found stops the run in the pre-flight (exit 2).", "",
           "Where a map cannot say it, a page-object plug-in can: `[pages] plugin = \"module:Class\"` (or an "
           "entry point in group `gjj.pages`) names a subclass of `BrowserPortal` whose methods (`login`, "
           "`submit`, `roster`, `print_slip`, …) replace the driver's steps for the pages it overrides.", "",
           "### Paths the driver opens (`[paths]`)", "", "| path | what |", "|---|---|"]
    out += [f"| `{p}` | {w} |" for p, w in PATHS.items()]
    out += ["", "### Headings that identify pages (`[headings]`)", "",
            "The page's `<h1>`; a mapped heading is reported to the steps under the contract's name.", "",
            "| heading | what |", "|---|---|"]
    out += [f"| {h} | {w} |" for h, w in HEADINGS.items()]
    out += ["", "### Controls, by role and accessible name (`[names]`)", "",
            "Textboxes, checkboxes and comboboxes by their label; buttons and links by their text.", "",
            "| role | name | where |", "|---|---|---|"]
    out += [f"| {r} | {n} | {w} |" for r, n, w in CONTROLS]
    out += ["", "The opening step is the step button the opening page offers: "
            + ", ".join(f"{b} → `{s}`" for s, b in OPENING_STAGES)
            + "; none of them and the hall's home page (or a page without those buttons) → `opened`.", "",
            "### What the driver reads, by label (`[names]`)", "",
            "Terms are `dt`/`dd` pairs or two-cell table rows (`th`/`td`).", "", "| label | where |", "|---|---|"]
    out += [f"| {n} | {w} |" for n, w in READ_LABELS]
    out += ["", f"A list item under 后续事项 matching `{NOTHING_TO_DO.replace('|', chr(92) + '|')}` (e.g. 无需后续操作) "
            "is not a follow-up."]
    out += ["", "### Refusals (`[refusals]`)", "",
            "A refusal is a visible element with `role=\"alert\"`; its text, in Chinese, is the detail. The "
            "driver names the reason by matching the text with these patterns (Python regular expressions, "
            "first match wins; a map entry replaces the pattern):", "", "| code | pattern |", "|---|---|"]
    out += [f"| `{c}` | `{p.replace('|', chr(92) + '|')}` |" for c, p in REFUSALS.items()]
    out += ["", "### Form posts (`[forms]`) and formats (`[formats]`)", "", "| key | default |", "|---|---|"]
    out += [f"| `{k}` | `{v}` |" for k, v in {**FORMS, **{f"month format": FORMATS['month']}}.items()]
    out += ["", "### Simulated by the harness in its own browser, not by the portal", "",
            "Old browsers' certificate warnings are pages of the browser: after the step 浏览器提示 the harness "
            "answers the next page request with its own page, and continuing leads to the log-in page.", "",
            "| kind | page text | controls |", "|---|---|---|"]
    out += [f"| {k} | {t} | {', '.join(c)} |" for k, (t, c) in BROWSER_WARNINGS.items()]
    out += ["", "The 同和综合服务平台 (a program on the PC) is shown by the harness: its 公积金专区 links 网上服务厅 to "
            "the portal's `/hall/login?via=platform` (map it to your platform entry)."]
    out += ["", "The PC's programs (guide 2.1) are given to the page before its scripts run as "
            "`window.gjjHarnessPC = {platform, certAssistant, assistantBroken, printComponent, serial}`; the "
            "map's `[client] script` (JavaScript) builds the objects the portal's pages use from it. Default:",
            "", "```js", CLIENT_DEFAULT_SCRIPT, "```", ""]
    return "\n".join(out)


BEGIN = "<!-- generated: browser driver contract (do not edit by hand) -->"
END = "<!-- end generated -->"


def splice(doc: str) -> str:
    """`doc` with its generated section replaced by render_markdown()."""
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{render_markdown()}{END}{tail}"


if __name__ == "__main__":  # python -m gjj.steps.drivers.browser.contract [--write]
    import sys
    from pathlib import Path
    doc = Path(__file__).resolve().parents[3] / "docs" / "web-portal.md"
    new = splice(doc.read_text(encoding="utf-8"))
    if "--write" in sys.argv:
        doc.write_text(new, encoding="utf-8")
    else:
        sys.stdout.write(new)
