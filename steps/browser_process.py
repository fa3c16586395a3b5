"""The one Playwright of a process, for every fixture and test in it that drives a browser.

Playwright's sync API runs an event loop in the calling thread while it is started, so a second
`sync_playwright()` in the same thread fails ("using Playwright Sync API inside the asyncio loop").
Under pytest-xdist one worker runs the specification's browser scenarios (whose Playwright lives for
the session) and, in any order, other tests' browsers; so they all take this one instead of starting
their own. It starts on first use and stops when the process exits."""
from __future__ import annotations

import atexit
import threading

_lock = threading.Lock()
_playwright = None


def playwright():
    """The process's started Playwright (sync API)."""
    global _playwright
    with _lock:
        if _playwright is None:
            from playwright.sync_api import sync_playwright
            _playwright = sync_playwright().start()
            atexit.register(_stop)
        return _playwright


def _stop() -> None:
    global _playwright
    if _playwright is not None:
        _playwright.stop()
        _playwright = None


class shared:
    """`with shared() as pw:` where a test would write `with sync_playwright() as pw:`; leaving the block
    leaves the process's Playwright running for whoever needs it next."""

    def __enter__(self):
        return playwright()

    def __exit__(self, *exc) -> None:
        return None
