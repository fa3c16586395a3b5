"""The browser half of the pre-flight (gjj certify --mode web|all): can the driver find the log-in page's
controls with the page map? Run as a child process, so the reports (which do not import the harness)
and the scenarios' own Playwright stay apart:

    python -m gjj.steps.drivers.browser.preflight BASE_URL [--locators FILE] [--chromium PATH]
           [--ca-bundle FILE] [--insecure]

prints one JSON object: {"missing": [map entries to add], "error": null or why the page could not be checked}."""
from __future__ import annotations

import argparse
import json
import sys

from ..base import TargetError
from .locators import Locators
from .portal import CHROMIUM, ClientEnv, launch_browser, make_portal
from .trust import TrustError, chromium_args


def check(base_url: str, locators: Locators, chromium: str = CHROMIUM, ca_bundle: str | None = None,
          insecure: bool = False) -> dict:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
    try:
        with sync_playwright() as pw:
            browser = launch_browser(pw, executable=chromium, extra_args=chromium_args(base_url, ca_bundle))
            try:
                context = browser.new_context(locale="zh-CN", ignore_https_errors=insecure)
                return {"missing": make_portal(context, base_url, locators, ClientEnv()).login_controls_missing(),
                        "error": None}
            finally:
                browser.close()
    except (TargetError, TrustError, PlaywrightError) as e:
        return {"missing": [], "error": f"{type(e).__name__}: {str(e)[:500]}"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gjj.steps.drivers.browser.preflight")
    ap.add_argument("base_url")
    ap.add_argument("--locators")
    ap.add_argument("--chromium", default=CHROMIUM)
    ap.add_argument("--ca-bundle")
    ap.add_argument("--insecure", action="store_true")
    a = ap.parse_args(argv)
    try:
        locators = Locators.load(a.locators)
        locators.page_objects()
    except (OSError, ValueError, ImportError, AttributeError, LookupError) as e:
        print(json.dumps({"missing": [], "error": f"page map: {e}"}, ensure_ascii=False))
        return 0
    print(json.dumps(check(a.base_url, locators, a.chromium, a.ca_bundle, a.insecure), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
