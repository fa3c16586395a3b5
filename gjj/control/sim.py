"""The reference implementation of the control contract: the `/_sim/` HTTP interface
(docs/test-control.md), as a client any target offering it can be driven through.

`SimControl` talks through a transport with `call(method, path, body=None, headers=None, params=None)`
returning a `requests.Response`: the specification passes its evidence-keeping `Http`, the pre-flight
and `gjj check-control` a `PlainHttp`. Control plug-ins receive the same transport."""
from __future__ import annotations

from typing import Any

import requests

from .protocol import ControlError, ControlRefused

TOKEN_HEADER = "X-Sim-Token"


class PlainHttp:
    """A requests.Session with a base URL: the transport outside the scenarios (no evidence kept)."""

    def __init__(self, base_url: str, timeout: float = 10.0, verify: bool | str = True) -> None:
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.verify = verify
        self.timeout = timeout

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None,
             params: dict | None = None) -> requests.Response:
        try:
            return self.session.request(method, self.base + path, json=body, headers=headers, params=params,
                                        timeout=self.timeout, verify=self.session.verify)
        except requests.RequestException as e:
            raise ControlError(f"无法连接测试控制 / cannot reach the test control: {method} {self.base}{path}: "
                               f"{type(e).__name__}") from e


def answer(r: requests.Response, operation: str) -> Any:
    """The JSON answer of a `/_sim/` call, or ControlRefused with the problem document's code."""
    if r.status_code >= 400:
        try:
            body = r.json()
        except ValueError:
            body = {}
        code = body.get("code", f"HTTP_{r.status_code}") if isinstance(body, dict) else f"HTTP_{r.status_code}"
        raise ControlRefused(operation, str(code), str(body.get("detail", "")) if isinstance(body, dict) else "",
                             r.status_code)
    if not r.content:
        return None
    try:
        return r.json()
    except ValueError as e:
        raise ControlError(f"测试控制的答复不是 JSON / not JSON: {operation}: {r.text[:200]!r}") from e


class SimControl:
    """ControlDriver over `/_sim/` (test-control.md §5)."""

    def __init__(self, http, token: str | None = None) -> None:
        self.http = http
        self.headers = {TOKEN_HEADER: token} if token else {}

    def _ok(self, method: str, path: str, body: Any = None, params: dict | None = None) -> Any:
        r = self.http.call(method, "/_sim" + path, body, headers=self.headers, params=params)
        return answer(r, f"{method} /_sim{path}")

    def reset(self, now: str | None = None) -> None:
        self._ok("POST", "/reset", {"now": now} if now else {})

    def seed(self, world: dict) -> dict:
        return self._ok("POST", "/seed", world)

    def clock(self) -> dict:
        return self._ok("GET", "/clock")

    def set_clock(self, now: str) -> dict:
        return self._ok("PUT", "/clock", {"now": now})

    def advance(self, **delta: int) -> dict:
        return self._ok("POST", "/clock/advance", delta)

    def calendar(self, day: str) -> dict:
        return self._ok("GET", f"/calendar/{day}")

    def policy(self, on: str | None = None) -> dict:
        return self._ok("GET", "/policy", params={"on": on} if on else None)

    def remit(self, unit: str, month: str, arrived: bool = True) -> dict | None:
        return self._ok("POST", f"/units/{unit}/remittances", {"month": month, "arrived": arrived})

    def arrive(self, unit: str, month: str) -> dict | None:
        return self._ok("POST", f"/units/{unit}/remittances/{month}/arrival")

    def unit_state(self, unit: str) -> dict:
        return self._ok("GET", f"/units/{unit}")

    def employee_state(self, personal_no: str) -> dict:
        return self._ok("GET", f"/employees/{personal_no}")

    def pending(self) -> dict:
        return self._ok("GET", "/pending")

    def unlock_certificate(self, serial: str) -> dict | None:
        return self._ok("POST", f"/certificates/{serial}/unlock")

    def record_certificate_application(self, unit_name: str, uscc: str) -> dict:
        return self._ok("POST", "/certificate-applications", {"unit_name": unit_name, "uscc": uscc})


def create(http, token: str | None = None) -> SimControl:
    """The factory, as a control plug-in's: `control.plugin: gjj.control.sim:create` is the default."""
    return SimControl(http, token)
