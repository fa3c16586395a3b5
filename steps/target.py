"""Which portal the specification runs against: the embedded reference centre (default), or
any base URL offering the API and test-control contract (--target / GJJ_TARGET)."""
from __future__ import annotations

from dataclasses import dataclass

# the one import of the simulator from steps/: to launch the embedded centre (pyproject.toml's
# import contracts hold every other module of steps/ to that)
from gjj.simulator.server import ThreadedCentre


@dataclass(frozen=True)
class Target:
    base_url: str
    control_url: str | None    # None: the target offers no test control
    control_token: str | None
    embedded: bool


# The embedded target is the simulator's own threaded centre, whose defaults are the specification's:
# in memory, test control on, a free loopback port; EmbeddedCentre(policy_dir).start() -> base URL.
EmbeddedCentre = ThreadedCentre
