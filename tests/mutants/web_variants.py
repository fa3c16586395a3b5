"""Known-bad variants of the web portal only: the JSON API stays correct, what the browser gets
does not (issue 4). They run in web mode (``python -m tests.mutants --driver web``).

The portal renders every page through one Jinja environment (``simulator.web.render.env``); a
variant replaces it by one whose chosen templates come out changed — a reworded text, a missing
link, or a script that changes what the page does in the browser (as a vendor's front end
might). Probes fetch the page in process, as the browser would receive it.

An old browser's certificate warnings (2.5, 2.7, 2.8) are the browser's pages, which the harness
simulates in the browser it controls (steps/drivers/browser/portal.py, not the portal): their variants
change that page, the old browser misbehaving, which the scenarios must notice.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from .patching import Patcher, module
from .probes import ProbeSim
from .variants import variant

RENDER = "gjj.simulator.web.render"
PROMPT = "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"


def _transform_pages(p: Patcher, templates: set[str] | None, change: Callable[[str], str]) -> None:
    """Pages rendered from `templates` (None: every page) come out as change(html)."""
    render = module(RENDER)
    env = render.env

    class Changed:
        def __init__(self, template) -> None:
            self._t = template

        def render(self, *args, **kwargs) -> str:
            return change(self._t.render(*args, **kwargs))

    class Env:
        def __getattr__(self, name):
            return getattr(env, name)

        def get_template(self, name, *args, **kwargs):
            template = env.get_template(name, *args, **kwargs)
            return Changed(template) if templates is None or name in templates else template
    p.setattr(render, "env", Env())


def _inject_script(p: Patcher, templates: set[str] | None, js: str) -> None:
    """A script in <head>, before the portal's own (deferred) client script starts."""
    _transform_pages(p, templates, lambda html: html.replace("</head>", f"<script>{js}</script>\n</head>", 1))


# --- probes: the page as the browser receives it ---------------------------------------------
def _prompt_text() -> str:
    s = ProbeSim()
    html = s.web_login(s.unit(opening_stage="not_enabled"))
    m = re.search(r'data-field="prompt">([^<]*)<', html)
    return m.group(1).strip() if m else "(no prompt)"


def _login_page_attr(name: str, via: str = "") -> Callable[[], str]:
    def probe() -> str:
        html = ProbeSim().html("/hall/login" + (f"?via={via}" if via else ""))
        m = re.search(rf'{name}="([^"]*)"', html)
        return m.group(1) if m else "(none)"
    return probe


def _scripts(path: str, login: bool = False) -> Callable[[], tuple[str, ...]]:
    def probe() -> tuple[str, ...]:
        s = ProbeSim()
        if login:
            s.web_login(s.unit())
            html = s.c.get(path).text
        else:
            html = s.html(path)
        return tuple(re.findall(r"<script[^>]*>(.*?)</script>", html, re.S))
    return probe


BROWSER_PAGES = "gjj.steps.drivers.browser.portal"   # the old browser's warnings are the harness's own pages


def _warning(kind: str, pattern: str) -> Callable[[], tuple[str, ...]]:
    def probe() -> tuple[str, ...]:
        pages = module(BROWSER_PAGES)
        text, controls = module("gjj.steps.drivers.browser.contract").BROWSER_WARNINGS[kind]
        return tuple(re.findall(pattern, pages._warning_page(text, controls, "http://portal.test/hall/login")))
    return probe


# variants of the harness's simulated old browser: they change the process that runs the specification,
# so a variant served in another process (tests.mutants.serve) does not carry them
BROWSER_SIDE = frozenset({"warning_without_continue", "revocation_yes_closes", "cert_notice_without_yes"})


def _transform_warning(p: Patcher, change: Callable[[str, str], str]) -> None:
    """The browser's warning page (simulated by the harness, steps/drivers/browser/portal.py) comes out as
    change(text, html): the old browser itself misbehaving, which the scenarios of 2.5, 2.7, 2.8 must notice."""
    pages = module(BROWSER_PAGES)
    page = pages._warning_page
    p.setattr(pages, "_warning_page", lambda text, controls, to: change(text, page(text, controls, to)))


def _help_page(pattern: str) -> Callable[[], tuple[str, ...]]:
    def probe() -> tuple[str, ...]:
        return tuple(re.findall(pattern, ProbeSim().html("/hall/help")))
    return probe


# --- 2.3 the first-login prompt ---------------------------------------------------------------
@variant("web_prompt_reworded", "2.3", "网页上的首次登录提示换了措辞（接口中的提示仍与指南一致）", _prompt_text,
         modes=("web",))
def _(p: Patcher):
    _transform_pages(p, {"prompt.html"}, lambda html: html.replace(
        PROMPT, "您的数字证书还没有开通公积金业务，现在开通吗？"))


# --- 2.1 the client programs ------------------------------------------------------------------
@variant("assistant_not_detected", "2.1", "网页检测不到已安装的数字证书助手（装了也提示登录异常）",
         _scripts("/hall/login"), modes=("web",))
def _(p: Patcher):
    # the portal looks for the plug-in under a name the installed assistant does not register
    _inject_script(p, {"login.html"}, "if (window.gjjClient) { delete window.gjjClient.certAssistant; }")


# --- 2.5 the platform's 公积金专区 -----------------------------------------------------------------
@variant("platform_entry_needs_assistant", "2.5", "从同和综合服务平台的公积金专区进入也要求数字证书助手（另一条登录途径不通）",
         _login_page_attr("data-via", via="platform"), modes=("web",))
def _(p: Patcher):
    _transform_pages(p, {"login.html"}, lambda html: html.replace('data-via="platform"', 'data-via=""'))


@variant("warning_without_continue", "2.5", "“此网站的安全证书有问题”页面没有“继续浏览此网站（不推荐）”的途径",
         _warning("cert-error", r"继续浏览此网站（不推荐）"), modes=("web",))
def _(p: Patcher):
    _transform_warning(p, lambda text, html: re.sub(r"<p><a [^>]*>继续浏览此网站（不推荐）。</a></p>", "", html))


# --- 2.6 the login fault --------------------------------------------------------------------
@variant("login_fault_reworded", "2.6", "缺少数字证书助手时的登录异常提示换了措辞（没有指南中的三条处理办法）",
         _login_page_attr("data-login-fault"), modes=("web",))
def _(p: Patcher):
    _transform_pages(p, {"login.html"}, lambda html: re.sub(
        r'data-login-fault="[^"]*"', 'data-login-fault="登录失败，请检查数字证书。"', html))


# --- 2.7 / 2.8 the old browser's questions ----------------------------------------------------------
@variant("revocation_yes_closes", "2.7", "“吊销信息不可用，是否继续？”选择“是”后关闭网页，不能继续登录",
         _warning("revocation", r"location.href='([^']*)'\">是"), modes=("web",))
def _(p: Patcher):
    def change(text: str, html: str) -> str:
        if "吊销信息" not in text:
            return html
        return re.sub(r"location.href='[^']*'\">是", "location.href='about:blank'\">是", html)
    _transform_warning(p, change)


@variant("cert_notice_without_yes", "2.8", "“您与该站点交换的信息……安全证书有问题”页面只有“否”，没有“是”",
         _warning("cert-notice", r'<button type="button"[^>]*>(是|否)</button>'), modes=("web",))
def _(p: Patcher):
    def change(text: str, html: str) -> str:
        if "您与该站点交换的信息" not in text:
            return html
        return re.sub(r'<button type="button"[^>]*>是</button>', "", html)
    _transform_warning(p, change)


# --- 2.9 printing -----------------------------------------------------------------------------
@variant("print_fails_silently", "2.9", "未安装打印组件时点击“打印”没有任何反应，也没有“初始化CELL失败”的提示",
         _scripts("/hall/print", login=True), modes=("web",))
def _(p: Patcher):
    # swallow the print form's submit before the portal's handler sees it, when the component is missing
    _inject_script(p, {"print.html"}, "document.addEventListener('submit', function (e) {"
                   " if (!(window.gjjClient || {}).printComponent) { e.preventDefault();"
                   " e.stopImmediatePropagation(); } }, true);")


# --- 2.4 E家课堂 -------------------------------------------------------------------------------
@variant("ejia_link_missing", "2.4", "帮助页面只写了“E家课堂”四个字，没有链接",
         _help_page(r'<a href="([^"]*)">E家课堂</a>'), modes=("web",))
def _(p: Patcher):
    _transform_pages(p, {"help.html"}, lambda html: re.sub(r'<a href="[^"]*">E家课堂</a>', "E家课堂", html))


# --- 4.x operations contacts ------------------------------------------------------------------
@variant("help_hotline_outdated", "4.3", "帮助页面的服务热线是旧号码（不是指南中的0519-86605082（30线））",
         _help_page(r"0519-\d+（30线）"), modes=("web",))
def _(p: Patcher):
    _transform_pages(p, {"help.html"}, lambda html: html.replace("0519-86605082（30线）", "0519-86605080（10线）"))
