"""How the specification is run in a pytest of its own: the command and its environment, in one place
for `gjj certify`, the known-bad-variant runs and the tests that run the specification as a vendor would.

Plugin autoload is off in that pytest: the specification needs pytest-bdd and nothing else, and loading
every installed plugin (hypothesis, schemathesis, faker, anyio, xdist, …) cost ~2.5 s of the ~3.2 s CPU it
took to start. A caller's settings for the harness (GJJ_*) and for pytest (PYTEST_ADDOPTS, PYTEST_PLUGINS)
never leak in: everything a run needs is on its command line."""
from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from pathlib import Path

# the installed step package's folder (package-dir maps the checkout's steps/ to gjj.steps): run by path,
# never `python -m` from the checkout's root, where gjj's folders would shadow other distributions
STEPS = Path(importlib.util.find_spec("gjj.steps").submodule_search_locations[0])
PLUGINS = ("pytest_bdd.plugin",)  # what the specification needs with autoload off
_STRIPPED_PREFIXES = ("GJJ_",)
_STRIPPED = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT",
             "PYTEST_XDIST_TESTRUNUID", "PYTEST_CURRENT_TEST")


def command(*args: str, steps: Path | str = STEPS, plugins: tuple[str, ...] = ()) -> list[str]:
    """`python -m pytest <steps> -p pytest_bdd.plugin [-p plugin …] -p no:cacheprovider -o addopts= <args>`."""
    cmd = [sys.executable, "-m", "pytest", str(steps)]
    for p in (*PLUGINS, *plugins):
        cmd += ["-p", p]
    return cmd + ["-p", "no:cacheprovider", "-o", "addopts=", *args]


def environment(base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """`base` (default: this process's environment) without the harness's and pytest's own settings,
    autoload off, plus `extra`."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if not k.startswith(_STRIPPED_PREFIXES) and k not in _STRIPPED}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env.update(extra)
    return env
