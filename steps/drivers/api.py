"""The API driver: the reference JSON API (/api/v1) over requests, and the reference test control (/_sim) with
the same evidence-keeping transport.

One requests.Session per driver, base URL and credentials injected; every exchange is kept
(request, response, timing) so a failing scenario can show exactly what was said."""
from __future__ import annotations

import functools
import io
import json
import time
from typing import Any

import requests

from gjj.control.protocol import ControlError, ControlRefused
from gjj.control.sim import SimControl, answer

from .base import (
    AccountView,
    Exchange,
    Login,
    Outcome,
    Receipt,
    Refusal,
    RosterRow,
    Slip,
    TargetError,
    UnitView,
)

BUSINESS_PATHS = {
    "establish": "establish", "seal": "seal", "unseal": "unseal", "transfer": "transfer",
    "back_pay": "back-pay", "base_adjustment": "base-adjustment", "deposit_verification": "deposit-verification",
}


class Http:
    """A requests.Session that records every exchange and turns transport trouble into TargetError."""

    def __init__(self, base_url: str, session: requests.Session | None = None, timeout: float = 10.0,
                 headers: dict | None = None, verify: bool | str = True) -> None:
        self.base = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update(headers or {})
        self.session.verify = verify
        self.timeout = timeout
        self.exchanges: list[Exchange] = []

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None,
             params: dict | None = None, server_errors: bool = False) -> requests.Response:
        url = self.base + path
        started = time.perf_counter()
        try:
            # verify per request: requests lets REQUESTS_CA_BUNDLE override Session.verify (psf/requests#3829)
            r = self.session.request(method, url, json=body, headers=headers, params=params, timeout=self.timeout,
                                     verify=self.session.verify)
        except BaseException as e:
            # no answer: a transport failure is the target's; an interrupt (the run's time budget) is
            # not, but the request it hung on is evidence either way
            transport = isinstance(e, requests.RequestException)
            self.exchanges.append(Exchange(method, url, dict(headers or {}), body, None, {}, None,
                                           (time.perf_counter() - started) * 1000,
                                           error=repr(e) if transport else f"interrupted: {type(e).__name__}"))
            if transport:
                raise TargetError(f"{method} {url}: {e}") from e
            raise
        ctype = r.headers.get("content-type", "")
        shown: Any = r.content[:2000].decode("utf-8", "replace") if "json" not in ctype else _json(r)
        if ctype.startswith("application/pdf"):
            shown = f"<pdf {len(r.content)} bytes>"
        hops = [f"{h.status_code} → {h.headers.get('location', '')}" for h in r.history] or None
        self.exchanges.append(Exchange(method, url, _redact(dict(r.request.headers)), body, r.status_code,
                                       dict(r.headers), shown, r.elapsed.total_seconds() * 1000, redirects=hops))
        if r.status_code >= 500 and not server_errors:
            raise TargetError(f"{method} {url}: HTTP {r.status_code}")
        return r


def _json(r: requests.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return r.text[:2000]


def _redact(headers: dict) -> dict:
    if "Authorization" in headers:
        headers["Authorization"] = "Bearer …"
    return headers


def refusal(r: requests.Response) -> Refusal:
    try:
        body = r.json()
    except ValueError as e:
        raise TargetError(f"HTTP {r.status_code} without a problem document: {r.text[:200]!r}") from e
    if not isinstance(body, dict) or "code" not in body:
        raise TargetError(f"HTTP {r.status_code}: not a problem document: {str(body)[:200]}")
    return Refusal(str(body["code"]), str(body.get("detail", "")), body.get("clause"), r.status_code)


def _outcome(r: requests.Response) -> Outcome | None:
    return refusal(r) if r.status_code >= 400 else None


def _malformed_is_target_error(cls):
    """An answer of the wrong shape (not JSON, a missing field, a list for an object) is the target
    failing to answer, not a finding and never a crash: TargetError, naming the exchange."""
    def wrap(fn):
        @functools.wraps(fn)
        def guarded(self, *args, **kwargs):
            try:
                return fn(self, *args, **kwargs)
            except (TargetError, ControlRefused):
                raise
            except ControlError as e:
                raise TargetError(str(e)) from e
            except (ValueError, KeyError, TypeError, IndexError, AttributeError) as e:
                http = getattr(self, "http", None)
                last = http.exchanges[-1] if http is not None and http.exchanges else None
                where = f"{last.method} {last.url} → HTTP {last.status}" if last else fn.__name__
                raise TargetError(f"答复格式不正确 / malformed answer to {where}: {type(e).__name__}: {e}") from e
        return guarded
    for name in dir(cls):  # inherited operations too (ApiControl's are SimControl's)
        member = getattr(cls, name)
        if callable(member) and not name.startswith("_"):
            setattr(cls, name, wrap(member))
    return cls


@_malformed_is_target_error
class ApiPortal:
    """PortalDriver over the reference JSON API."""

    def __init__(self, http: Http) -> None:
        self.http = http
        self.token: str | None = None

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _call(self, method: str, path: str, body: Any = None, **kw) -> requests.Response:
        return self.http.call(method, "/api/v1" + path, body, headers=self._auth(), **kw)

    # --- session ------------------------------------------------------------------------
    def login(self, serial: str, pin: str) -> Login:
        r = self.http.call("POST", "/api/v1/session", {"serial": serial, "pin": pin})
        if r.status_code >= 400:
            return Login(False, refusal=refusal(r))
        body = r.json()
        self.token = body["token"]
        return Login(True, prompt=body.get("prompt"), opened=bool(body.get("opened")))

    def logout(self) -> None:
        if self.token:
            self._call("DELETE", "/session")
        self.token = None

    def change_pin(self, old_pin: str, new_pin: str) -> Outcome | None:
        return _outcome(self._call("PUT", "/certificate/pin", {"old_pin": old_pin, "new_pin": new_pin}))

    # --- opening ------------------------------------------------------------------------
    def answer_first_login_prompt(self, yes: bool) -> Outcome | None:
        return self.apply_for_opening() if yes else None  # 否: nothing is sent

    def apply_for_opening(self) -> Outcome | None:
        return _outcome(self._call("POST", "/opening/enable"))

    def sign_agreement(self) -> Outcome | None:
        return _outcome(self._call("POST", "/opening/agreement", {"accepted": True}))

    def confirm_unit_info(self, operator: dict | None = None) -> Outcome | None:
        return _outcome(self._call("POST", "/opening/unit-info", {"operator": operator} if operator else {}))

    def set_query_password(self, password: str) -> Outcome | None:
        return _outcome(self._call("POST", "/opening/query-password", {"password": password}))

    def complete_opening(self) -> Outcome | None:
        return _outcome(self._call("POST", "/opening/complete"))

    def opening_stage(self) -> str:
        r = self._call("GET", "/opening")
        if r.status_code >= 400:
            raise TargetError(f"opening status: {refusal(r)}")
        return r.json()["stage"]

    # --- businesses -----------------------------------------------------------------------
    def submit(self, business: str, fields: dict) -> Outcome:
        r = self._call("POST", f"/businesses/{BUSINESS_PATHS[business]}", fields)
        if r.status_code >= 400:
            return refusal(r)
        draft = r.json()
        r = self._call("POST", f"/businesses/{draft['business_id']}/submit")
        if r.status_code >= 400:
            return refusal(r)
        b = r.json()
        return Receipt(b["business_no"], b["business_type"], b.get("summary", ""), tuple(b.get("follow_ups", [])),
                       tuple(b.get("notes", [])), b.get("result", {}))

    # --- queries --------------------------------------------------------------------------
    def roster(self) -> list[RosterRow] | Refusal:
        rows, page = [], 1
        while True:
            r = self._call("GET", "/roster", params={"page": page, "size": 200})
            if r.status_code >= 400:
                return refusal(r)
            body = r.json()
            rows += [RosterRow(i["personal_no"], i["name"], i["state_label"], i["base"]) for i in body["items"]]
            if len(rows) >= body["total"] or not body["items"]:
                return rows
            page += 1

    def account(self, personal_no: str) -> AccountView | Refusal:
        r = self._call("GET", f"/employees/{personal_no}")
        if r.status_code >= 400:
            return refusal(r)
        b = r.json()
        segments = b.get("segments") or []
        return AccountView(b["personal_no"], b["name"], b["state_label"], b.get("base"), b.get("paid_through"),
                           segments[0]["start_month"] if segments else None, tuple(b.get("back_paid_months", [])))

    def unit_info(self) -> UnitView | Refusal:
        r = self._call("GET", "/unit")
        if r.status_code >= 400:
            return refusal(r)
        b = r.json()
        return UnitView(b["account_no"], b["name"], b["operator"]["name"], b["operator"]["mobile"],
                        b["entrusted_collection"], b.get("paid_through"), b["due_month"])

    def change_operator(self, name: str, mobile: str, id_number: str) -> Outcome | None:
        return _outcome(self._call("PUT", "/unit/operator", {"name": name, "mobile": mobile, "id_number": id_number}))

    def print_slip(self, month: str) -> Slip | Refusal:
        r = self._call("GET", f"/slips/{month}")
        if r.status_code >= 400:
            return refusal(r)
        if not r.headers.get("content-type", "").startswith("application/pdf"):
            raise TargetError(f"slip {month}: not a PDF ({r.headers.get('content-type')})")
        data = self._call("GET", f"/slips/{month}/data")
        return Slip(month, r.content, pdf_text(r.content), data.json() if data.status_code < 400 else {})


def pdf_text(pdf: bytes) -> str:
    """A PDF's text as a reader extracts it (Slip.text), for driver plug-ins too; TargetError if unreadable."""
    from pypdf import PdfReader
    try:
        return "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    except Exception as e:  # a broken PDF is the target's fault, not a crash of the harness
        raise TargetError(f"unreadable PDF: {e}") from e


@_malformed_is_target_error
class ApiControl(SimControl):
    """The reference /_sim/ client (gjj/control/sim.py) in the scenarios: a malformed answer is a TargetError
    naming the exchange, like the portal's; a refusal stays a ControlRefused — a 5xx with a problem code too
    (503 CALENDAR_NOT_COVERED: the data to add), while a bare 5xx is the target's fault."""

    def _ok(self, method: str, path: str, body: Any = None, params: dict | None = None) -> Any:
        r = self.http.call(method, "/_sim" + path, body, headers=self.headers, params=params, server_errors=True)
        if r.status_code >= 500 and not (isinstance(_json(r), dict) and _json(r).get("code")):
            raise TargetError(f"{method} {r.url}: HTTP {r.status_code}")
        return answer(r, f"{method} /_sim{path}")


def dumps(exchanges: list[Exchange]) -> str:
    return json.dumps([e.__dict__ for e in exchanges], ensure_ascii=False, indent=2, default=str)
