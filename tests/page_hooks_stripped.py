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


SHARDS = 4  # tests/test_web_without_hooks.py runs the web specification in this many parts, spread by xdist


def pytest_addoption(parser) -> None:
    parser.addoption("--hooks-shard", default=None, metavar="I/N",
                     help="run only every N-th scenario, starting at the I-th (0-based): one part of the run")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    shard = config.getoption("--hooks-shard")
    if not shard:
        return
    i, n = map(int, shard.split("/"))
    keep = [item for k, item in enumerate(items) if k % n == i]
    config.hook.pytest_deselected(items=[item for item in items if item not in keep])
    items[:] = keep
