"""The browser driver: the portal's web pages through Playwright (sync API), Debian's chromium.

Page details stay in this package (portal.py); the rest of the harness sees the same
PortalDriver interface as in API mode, plus the client-environment abilities that only a
browser has (installed programs, browser warnings, entering via the platform)."""
from .portal import BrowserPortal, ClientEnv, launch_browser, make_portal

__all__ = ["BrowserPortal", "ClientEnv", "launch_browser", "make_portal"]
