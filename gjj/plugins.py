"""Where a vendor's plug-ins come from: `module:attr`, or the name of an entry point in a group.

One resolver for every kind of plug-in (API drivers, group `gjj.drivers`: a factory called with an `Http`
that returns a PortalDriver, docs/vendor-kit.md), used by the specification and by `gjj certify`'s
pre-flight alike, so both accept and refuse the same names."""
from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

DRIVERS = "gjj.drivers"


def load_plugin(spec: str, group: str):
    """The object named by `spec`; ImportError, AttributeError or LookupError when it cannot be loaded."""
    if ":" in spec:
        module, _, attr = spec.partition(":")
        return getattr(import_module(module), attr)
    found = [ep for ep in entry_points(group=group) if ep.name == spec]
    if not found:
        raise LookupError(f"没有名为 {spec} 的入口点（group {group}）/ no entry point of that name in group {group}")
    return found[0].load()


def load_driver_plugin(spec: str):
    return load_plugin(spec, DRIVERS)
