"""A pytest plug-in for web runs of the specification: every HTML page and fragment the browser receives
from the target comes without data-* attributes and without role="status" (`-p tests.page_hooks_stripped`).
It shows that the browser driver reads what a person reads, not hooks a real portal does not have."""
from __future__ import annotations

import re

import pytest

HOOKS = re.compile(r'\s(?:data-[\w-]+(?:="[^"]*")?|role="status")')


def strip_hooks(html: str) -> str:
    return HOOKS.sub("", html)


def _route(route) -> None:
    response = route.fetch()
    if "text/html" not in response.headers.get("content-type", ""):
        route.fulfill(response=response)
        return
    route.fulfill(response=response, body=strip_hooks(response.text()))


@pytest.fixture(autouse=True)
def _pages_without_hooks(request, driver_kind):
    if driver_kind == "web":
        request.getfixturevalue("browser_context").route("**/*", _route)
