"""A vendor's API driver: `module:attr`, or the name of an entry point in group gjj.drivers. The
factory is called with an `Http` and returns a PortalDriver (docs/vendor-kit.md)."""
from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points

GROUP = "gjj.drivers"


def load_driver_plugin(spec: str):
    """The factory named by `spec`; ImportError, AttributeError or LookupError when it cannot be loaded."""
    if ":" in spec:
        module, _, attr = spec.partition(":")
        return getattr(import_module(module), attr)
    found = [ep for ep in entry_points(group=GROUP) if ep.name == spec]
    if not found:
        raise LookupError(f"没有名为 {spec} 的入口点（group {GROUP}）/ no entry point of that name in group {GROUP}")
    return found[0].load()
