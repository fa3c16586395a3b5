"""Where a vendor's plug-ins come from: `module:attr`, or the name of an entry point in a group.

One resolver for every kind of plug-in — API drivers (group `gjj.drivers`: a factory called with an `Http`
that returns a PortalDriver) and test controls (group `gjj.control`: a factory called with a transport and
the control token that returns a ControlDriver), docs/vendor-kit.md — used by the specification, by
`gjj certify`'s pre-flight and by `gjj check-control` alike, so all accept and refuse the same names.

A `module:attr` is importable from the harness directory (the folder `gjj` is run from, and the checkout
holding the `gjj` package) and from the folders given (the target configuration's folder), so
`docs.examples.vendor_driver:create` works from the harness directory and a plug-in next to target.yaml
works without installing it."""
from __future__ import annotations

import os
import sys
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path

DRIVERS = "gjj.drivers"
CONTROLS = "gjj.control"
PLUGIN_PATH_ENV = "GJJ_PLUGIN_PATH"   # os.pathsep-separated folders, handed on to the specification's process
CHECKOUT = Path(__file__).resolve().parents[1]


def search_path(extra: list[Path | str] | None = None) -> list[str]:
    """The folders a `module:attr` plug-in is imported from, in order: the extra ones (the configuration's
    folder), those of $GJJ_PLUGIN_PATH, the current directory, the checkout holding the `gjj` package."""
    folders = [str(Path(p).resolve()) for p in extra or []]
    folders += [p for p in os.environ.get(PLUGIN_PATH_ENV, "").split(os.pathsep) if p]
    folders += [os.getcwd(), str(CHECKOUT)]
    return list(dict.fromkeys(folders))


def load_plugin(spec: str, group: str, paths: list[Path | str] | None = None):
    """The object named by `spec`; ImportError, AttributeError or LookupError when it cannot be loaded."""
    if ":" in spec:
        module, _, attr = spec.partition(":")
        for folder in search_path(paths):
            if folder not in sys.path:
                sys.path.append(folder)
        return getattr(import_module(module), attr)
    found = [ep for ep in entry_points(group=group) if ep.name == spec]
    if not found:
        raise LookupError(f"没有名为 {spec} 的入口点（group {group}）/ no entry point of that name in group {group}")
    return found[0].load()


def load_driver_plugin(spec: str, paths: list[Path | str] | None = None):
    return load_plugin(spec, DRIVERS, paths)


def load_control_plugin(spec: str | None, paths: list[Path | str] | None = None):
    """The control factory `spec` names; none: the reference `/_sim/` client."""
    if not spec:
        from gjj.control.sim import create
        return create
    return load_plugin(spec, CONTROLS, paths)
