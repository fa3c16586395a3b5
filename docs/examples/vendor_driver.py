"""Example driver plug-in for `gjj certify` (docs/vendor-kit.md §6).

A fictional portal, "ACME 网上服务厅", follows the reference API (/api/v1, docs/api.md) in
everything except its session endpoints:

    POST /gjj/login   {"certSn": "JSCA0100000001", "certPwd": "123456"}
      → 200 {"retCode": "0000", "data": {"accessToken": "…", "openStatus": "1", "openTip": null}}
      → 200 {"retCode": "E1002", "retMsg": "证书密码错误，还可尝试9次"}     (refusals come with HTTP 200)
    POST /gjj/logout  (Authorization: Bearer <token>)

`openStatus` is "1" when the unit has completed the opening (开通); while it has not, `openTip`
carries the first-login prompt of clause 2.3.

The adapter subclasses the reference ApiPortal: `login` and `logout` speak ACME's dialect, every
other method of the PortalDriver protocol is inherited and speaks /api/v1 with the same bearer token.

Use it (the module must be importable from the harness directory, or be on PYTHONPATH):

    # target.yaml
    driver:
      plugin: docs.examples.vendor_driver:create

    # or, without gjj certify
    .venv/bin/python -m pytest steps --target https://acme.example/ --driver-plugin docs.examples.vendor_driver:create

or package it and register an entry point in group `gjj.drivers` (pyproject.toml):

    [project.entry-points."gjj.drivers"]
    acme = "acme_gjj.driver:create"
"""
from __future__ import annotations

from typing import Any

import requests

from gjj.steps.drivers.api import ApiPortal, Http
from gjj.steps.drivers.base import Login, PortalDriver, Refusal, TargetError

__all__ = ["AcmePortal", "create"]

# ACME's error codes → the contract's codes (docs/api.md §9) and their HTTP status there.
# The scenarios compare codes, never texts, so every refusal the guide talks about must be mapped.
ACME_LOGIN_CODES: dict[str, tuple[str, int]] = {
    "E1001": ("CERTIFICATE_NOT_FOUND", 401),
    "E1002": ("WRONG_PIN", 401),
    "E1003": ("CERTIFICATE_LOCKED", 423),
}
OK = "0000"


def _body(r: requests.Response) -> dict[str, Any]:
    """ACME's JSON envelope; anything else is a transport-level problem, not a business answer."""
    try:
        body = r.json()
    except ValueError as e:
        raise TargetError(f"{r.request.method} {r.url}: HTTP {r.status_code}, not JSON: {r.text[:200]!r}") from e
    if not isinstance(body, dict) or "retCode" not in body:
        raise TargetError(f"{r.request.method} {r.url}: HTTP {r.status_code}, no retCode: {str(body)[:200]}")
    return body


class AcmePortal(ApiPortal):
    """PortalDriver for ACME: its own log-in and log-out, the reference API for the rest."""

    def login(self, serial: str, pin: str) -> Login:
        # http.call records the exchange as evidence and raises TargetError on a refused
        # connection, a timeout or an HTTP 5xx: the scenario becomes `error`, not `fail`.
        r = self.http.call("POST", "/gjj/login", {"certSn": serial, "certPwd": pin})
        body = _body(r)
        code = str(body["retCode"])
        if code == OK:
            data = body.get("data") or {}
            token = data.get("accessToken")
            if not token:
                raise TargetError(f"POST /gjj/login: retCode {OK} without data.accessToken")
            self.token = str(token)  # ApiPortal sends it as "Authorization: Bearer …" from now on
            return Login(True, prompt=data.get("openTip") or None, opened=data.get("openStatus") == "1")
        detail = str(body.get("retMsg", ""))
        if code in ACME_LOGIN_CODES:
            contract_code, status = ACME_LOGIN_CODES[code]
            return Login(False, refusal=Refusal(contract_code, detail, "2.2", status))
        # A business answer the adapter does not know: keep ACME's code visible. A scenario that
        # expects a particular refusal then fails and the report shows what the portal said.
        return Login(False, refusal=Refusal(f"ACME_{code}", detail, None, r.status_code))

    def logout(self) -> None:
        if self.token:
            self.http.call("POST", "/gjj/logout", headers=self._auth())
        self.token = None


def create(http: Http) -> PortalDriver:
    """The plug-in factory: the harness calls it with an Http bound to target.base_url."""
    return AcmePortal(http)
