"""The centre (or a known-bad variant) in a subprocess, for the tests that name it by command:
gjj.simulator.server.CentreProcess, run from the checkout (so `python -m tests.mutants.serve` finds
`tests`), started at once, its URL as `url`."""
from __future__ import annotations

from pathlib import Path

from gjj.simulator.server import CentreProcess, gjj_command

__all__ = ["ServedProcess", "gjj_command"]

ROOT = Path(__file__).resolve().parents[1]


class ServedProcess(CentreProcess):
    """`cmd` in a subprocess, returned once its printed URL answers `ready_path` (None: once printed)."""

    def __init__(self, cmd: list[str], *, env: dict[str, str] | None = None,
                 url_pattern: str = r"http://127\.0\.0\.1:\d+", ready_path: str | None = "/healthz",
                 verify: bool | str = True) -> None:
        super().__init__(command=cmd, env=env, cwd=ROOT, url_pattern=url_pattern, ready_path=ready_path,
                         verify=verify)
        self.start()

    @property
    def url(self) -> str:
        return self.base_url
