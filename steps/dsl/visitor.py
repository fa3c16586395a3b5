"""The person at the PC (使用者): the programs installed, what the browser shows, where they click.
Only a browser driver gives these abilities (the operator's portal, shared: the same person logs in);
the scenarios that need them are tagged @web. Tasks act, questions return what the page shows."""
from __future__ import annotations

from dataclasses import dataclass

from ..drivers.base import Login, Refusal, Slip
from . import terms
from .failures import SpecFailure
from .operator import Operator
from .terms import Month

HALL_LOGIN = "/hall/login"
HALL_HELP = "/hall/help"


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

    def installs_cert_assistant_and_logs_in(self) -> Login:
        self.has_programs(cert_assistant=True)
        return self.operator.logs_in()

    def installs_print_component_and_prints(self, month: Month) -> Slip | Refusal:
        self.has_programs(print_component=True)
        return self.operator.prints_slip(month)

    # --- the browser ------------------------------------------------------------------------
    def meets_browser_warning(self, text: str) -> str:
        """Opens the hall in a browser that shows the warning `text` first; the page title it then shows."""
        kind = terms.BROWSER_WARNINGS.get(text.rstrip("。"))
        if kind is None:
            raise AssertionError(f"规格中未定义的浏览器提示：{text}")
        browser = self._browser()
        browser.browser_warning(kind)
        return browser.open(HALL_LOGIN)

    def clicks(self, name: str) -> None:
        browser = self._browser()
        role = "button" if browser.button(name).count() else "link"
        browser.click(name, role=role)

    def enters_via_platform(self) -> None:
        self._browser().enter_via_platform()

    def enters_via_platform_and_logs_in(self) -> Login:
        self.enters_via_platform()
        return self.operator.logs_in_via_platform()

    def opens_hall(self) -> str:
        return self._browser().open(HALL_LOGIN)

    def opens_help(self) -> str:
        return self._browser().open(HALL_HELP)

    def follows_link(self, name: str) -> str:
        """Clicks the link `name`; the heading of the page it leads to."""
        browser = self._browser()
        browser.click(name)
        return browser.heading()

    # --- questions --------------------------------------------------------------------------
    def heading(self) -> str:
        return self._browser().heading()

    def has_link(self, name: str) -> bool:
        return self._browser().link(name).count() > 0

    def page_text(self) -> str:
        return self._browser().text()
