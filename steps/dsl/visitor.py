"""The person at the PC (使用者): the programs installed, what the browser shows, where they click.
Only a browser driver has these abilities; the scenarios that need them are tagged @web."""
from __future__ import annotations

from dataclasses import dataclass

from ..drivers.base import Login, Refusal, Slip
from .operator import Operator, SpecFailure

WARNINGS = {  # what the old browser says → the portal contract's warning kind
    "此网站的安全证书有问题": "cert-error",
    "该站点安全证书的吊销信息不可用，是否继续？": "revocation",
    "您与该站点交换的信息不会被其他人查看或更改，但该站点的安全证书有问题": "cert-notice",
}
LOGIN_HEADING = "网上服务厅登录"


@dataclass
class Visitor:
    operator: Operator

    def _browser(self):
        portal = self.operator.portal
        if portal is None:
            portal = self.operator.portal = self.operator.portal_factory()
        if not hasattr(portal, "set_programs"):
            raise SpecFailure("本步骤需要浏览器驱动（--driver web）")
        return portal

    # --- the PC ---------------------------------------------------------------------------
    def has_programs(self, **installed: bool) -> None:
        self._browser().set_programs(**installed)

    # --- the browser ------------------------------------------------------------------------
    def sees_browser_warning(self, text: str) -> None:
        kind = WARNINGS.get(text.rstrip("。"))
        if kind is None:
            raise AssertionError(f"规格中未定义的浏览器提示：{text}")
        browser = self._browser()
        browser.browser_warning(kind)
        shown = browser.open("/")
        if text.rstrip("。") not in shown:
            raise SpecFailure(f"浏览器应提示“{text}”，实际页面标题为“{shown}”")

    def clicks(self, name: str) -> None:
        browser = self._browser()
        role = "button" if browser.button(name).count() else "link"
        browser.click(name, role=role)

    def enters_via_platform(self) -> None:
        browser = self._browser()
        browser.open("/platform/")
        browser.click("公积金专区")
        browser.click("网上服务厅")

    def opens(self, path: str) -> str:
        return self._browser().open(path)

    def should_be_on(self, heading: str) -> None:
        shown = self._browser().heading()
        if shown != heading:
            raise SpecFailure(f"应进入“{heading}”页面，实际为“{shown}”")

    def should_see_link(self, name: str) -> None:
        browser = self._browser()
        if browser.link(name).count() == 0:
            raise SpecFailure(f"页面上没有“{name}”的链接")
        browser.click(name)
        if name not in browser.heading():
            raise SpecFailure(f"点击“{name}”后应进入“{name}”，实际为“{browser.heading()}”")

    def should_see_rows(self, rows: list[tuple[str, str]]) -> None:
        text = self._browser().text()
        missing = [f"{k}：{v}" for k, v in rows if k not in text or v not in text]
        if missing:
            raise SpecFailure(f"页面上缺少：{'；'.join(missing)}")


def shown_message(outcome: object) -> str | None:
    """The message a person sees after an action: a prompt, a fault or a refusal."""
    if isinstance(outcome, Login):
        return outcome.prompt or (outcome.refusal.detail if outcome.refusal else None)
    if isinstance(outcome, Refusal):
        return outcome.detail
    if isinstance(outcome, Slip):
        return None
    return None
