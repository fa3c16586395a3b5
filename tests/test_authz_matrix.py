"""Authorization matrix: who may call what, and what a refusal gives away.

Every API operation is taken from the centre's own OpenAPI document and every portal route from
the app's route table (`app.routes`), so a new operation or page is picked up by itself; each must
be classified here (public / authenticated-unit / test-control), or its case fails. Then each is
called, in process (TestClient, no network), by every actor that matters, in a world of two opened
units 甲 (A) and 乙 (B), each with a normal, a sealed, a late-established and an adjusted employee,
remitted through 2025-02, one submitted business and one draft:

- anonymous (no token, a garbage token): API 401 problem+json `UNAUTHENTICATED`; portal → login;
- A's operator on A's resources: works (2xx, or the business rule's own refusal where the unit's
  state makes the operation a no-op, e.g. opening steps of an opened unit);
- B's operator with A's identifiers (personal account number, business id): 404, indistinguishable
  (status, code, body or page after replacing the identifier) from a number that does not exist, and
  the database unchanged; 职工转移 names a person (name + ID number): A's still-normal employee is
  refused as 3.9 requires, a wrong name looks like an unknown person, A's rows unchanged; operations
  without an identifier act on B's own data and show nothing of A;
- a session of a locked certificate: `423 CERTIFICATE_LOCKED` on every use, as the code documents
  (simulator/service/access.py `Access.authenticate`: “kept, not deleted: every use of it says why
  until the CA unlocks the certificate”; docs/api.md §2 says such sessions are deleted and stay ended
  after the unlock — what happens after an unlock is left to tests/test_api_access.py);
  the portal answers the login page with that alert and clears the cookie;
- an expired session (virtual clock moved past `session_ttl_minutes`): 401 `SESSION_EXPIRED`, then
  `UNAUTHENTICATED`; the portal redirects to the login with `notice=expired`;
- portal POSTs without / with a wrong CSRF token: 403 `CSRF_FAILED`, nothing changed;
- test control: absent (404 like any unknown path, not in /openapi.json), behind a token (404 without
  or with a wrong `X-Sim-Token`, even from loopback), loopback-only (a remote client gets 404).

Refusals are checked to change nothing by comparing a dump of the database before and after
(whole database where the request must be a no-op; A's rows where B legitimately changes its own).
Cases are `test_*_matrix[<METHOD>:<path>-<actor>]`; `test_zz_summary` prints the totals.
"""
from __future__ import annotations

import base64
import json
import logging
import re
import tomllib
import warnings
import zlib
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from session_facts import record
from stdnum.cn import ric

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient

from gjj.fixtures.generators import Generator
from gjj.simulator.app import create_app
from gjj.simulator.web.render import WebRoute

ROOT = Path(__file__).resolve().parents[1]
WEDNESDAY_10 = "2025-03-05T10:00:00+08:00"
GHOST_PNO = "100000199999"   # the format of a personal account number; never assigned in these worlds
GHOST_BID = "D99999999"      # the format of a business id; never assigned
PUBLIC, UNIT, CONTROL = "public", "authenticated-unit", "test-control"
GEN = Generator(4711)
CHECKED: Counter = Counter()  # matrix -> cases run in this process (printed by test_zz_summary)


def _ran(request, matrix: str) -> None:
    """Counted here and recorded for the session check (tests/session_facts.py), which sees every worker's."""
    CHECKED[matrix] += 1
    record(request, "authz.case", matrix)


# =============================================================================================
# Enumeration: the app's own OpenAPI document and route table
# =============================================================================================
def openapi_operations(doc: dict) -> list[tuple[str, str]]:
    verbs = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
    return sorted((m.upper(), p) for p, item in doc["paths"].items() for m in item if m in verbs)


def route_table(app) -> list[tuple[Any, str, set]]:
    """(route, full path, methods) for every route of the app, through included routers."""
    try:  # FastAPI ≥ 0.16x keeps included routers nested; this flattens them (public helper)
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        return [(r, getattr(r, "path", ""), set(getattr(r, "methods", None) or ())) for r in app.routes]
    return [(rc.original_route, rc.path or "", set(rc.methods or ())) for rc in iter_route_contexts(app.routes)]


def web_routes(app) -> list[tuple[str, str]]:
    return sorted({(m, path) for route, path, methods in route_table(app) if isinstance(route, WebRoute)
                   for m in methods if m != "HEAD"})


_ENUM_APP = create_app(":memory:", test_control=True)  # control without a token: /_sim/ is in the document
API_OPS = openapi_operations(_ENUM_APP.openapi())
WEB_ROUTES = web_routes(_ENUM_APP)
del _ENUM_APP


# =============================================================================================
# Small helpers: problem+json, pages, leaks, database dumps
# =============================================================================================
class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1: list[str] = []
        self.alerts: list[str] = []
        self.csrf: str | None = None
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        if a.get("role") == "alert":
            self.alerts.append(a.get("data-code") or "")
        if tag == "input" and a.get("name") == "csrf" and self.csrf is None:
            self.csrf = a.get("value")

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1[-1] += data


def html(r) -> _Html:
    p = _Html()
    p.feed(r.text)
    return p


class _Signature(HTMLParser):
    """What a page tells its reader: the text, and every attribute except hidden inputs' values
    (per-render tokens such as the CSRF token or a form's submission nonce)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden":
            a["value"] = "<per-render>"
        self.parts.append(f"<{tag} {sorted(a.items())}>")

    def handle_data(self, data):
        if data.strip():
            self.parts.append(" ".join(data.split()))


def page_signature(r, *idents: str) -> tuple:
    text = r.text
    for x in idents:
        text = text.replace(x, "<ID>")
    p = _Signature()
    p.feed(text)
    return r.status_code, r.headers.get("content-type"), tuple(p.parts)


def is_problem(r, status: int, code: str, what: str) -> dict:
    assert r.status_code == status, f"{what}: expected {status} {code}, got {r.status_code}: {r.text[:300]}"
    assert r.headers.get("content-type", "").startswith("application/problem+json"), \
        f"{what}: not problem+json: {r.headers.get('content-type')}"
    body = r.json()
    assert body.get("code") == code and body.get("status") == status \
        and body.get("type") == f"urn:gjj:problem:{code}", f"{what}: problem body {body}"
    if status == 401:
        assert r.headers.get("www-authenticate", "").lower().startswith("bearer"), f"{what}: no WWW-Authenticate"
    return body


def no_leak(text: str, markers: list[str], what: str, sent: str = "") -> None:
    """None of `markers` in `text`, except values the caller sent itself (an echo of its input)."""
    leaked = sorted({m for m in markers if m and m in text and m not in sent})
    assert not leaked, f"{what}: the answer shows data it must not: {leaked}"


def dump(app, keys: set[str] | None = None, sessions: bool = True) -> dict:
    """Every table (or only rows mentioning one of `keys`), to compare before/after a request."""
    conn = app.state.services.centre.db.conn
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {}
    for t in tables:
        if t == "sessions" and not sessions:
            continue
        rows = [tuple(r) for r in conn.execute(f'SELECT * FROM "{t}"')]
        if keys is not None:
            rows = [r for r in rows if any(isinstance(v, str) and v in keys for v in r)]
        out[t] = sorted(rows, key=repr)
    return out


def changed(before: dict, after: dict) -> list[str]:
    return [t for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]


def valid_id_number(birth: str = "19800101", seq: str = "123") -> str:
    body = "320402" + birth + seq  # 常州市天宁区
    return body + ric.calc_check_digit(body + "?")


def bearer(token: str) -> dict:
    return {"Authorization": "Bearer " + token}


_PDF_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_text(content: bytes) -> str:
    """The text strings of a ReportLab PDF (ASCII85+Flate streams, UTF-16BE literal strings), so that
    a slip can be searched for names and numbers like any other answer."""
    chunks = [content]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.DOTALL):
        try:
            chunks.append(zlib.decompress(base64.a85decode(m.group(1).strip(), adobe=True)))
        except (ValueError, zlib.error):
            chunks.append(m.group(1))
    out = []
    for chunk in chunks:
        for lit in _PDF_STRING.findall(chunk):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda e: bytes([int(e.group(1), 8)]) if e.group(1)[:1].isdigit()
                         else _PDF_ESCAPES.get(e.group(1), e.group(1)), lit[1:-1], flags=re.DOTALL)
            raw = raw[2:] if raw.startswith(b"\xfe\xff") else raw
            out.append(raw.decode("utf-16-be", errors="replace") if len(raw) % 2 == 0 else "")
    return "\n".join(out)


def body_text(r) -> str:
    ctype = r.headers.get("content-type", "")
    return pdf_text(r.content) if ctype.startswith("application/pdf") else r.text


# =============================================================================================
# The world: two opened units, A (甲) and B (乙)
# =============================================================================================
@dataclass
class Party:
    key: str
    account_no: str
    name: str
    uscc: str
    serial: str
    pin: str
    operator: dict
    emp: dict[str, dict]                   # n / s / late / adj -> {personal_no, name, id_number}
    token: str = ""                        # an API session
    bids: dict[str, str] = field(default_factory=dict)  # submitted / draft -> business id
    business_no: str = ""

    def pno(self, key: str) -> str:
        return self.emp[key]["personal_no"]

    def ident(self, kind: str, key: str):
        if kind == "person":  # a person is named by name + ID number (transfer, 3.9)
            return {"name": self.emp[key]["name"], "id_number": self.emp[key]["id_number"]}
        return self.pno(key) if kind == "pno" else self.bids[key]

    @property
    def h(self) -> dict:
        return bearer(self.token)

    def markers(self) -> list[str]:
        out = [self.account_no, self.name, self.uscc, self.operator["name"], self.operator["mobile"],
               self.operator["id_number"], self.business_no, *self.bids.values()]
        for e in self.emp.values():
            out += [e["personal_no"], e["name"], e["id_number"]]
        return out

    def keys(self) -> set[str]:
        return {self.account_no, self.serial, *(e["personal_no"] for e in self.emp.values()), *self.bids.values()}


def unit_spec(key: str, surname: str, unit_name: str, mobile: str, op_id: str) -> dict:
    tag = key
    return {"key": key, "name": unit_name, "first_month": "2024-01", "remitted_through": "2025-02",
            "operator": {"name": surname + tag + "经", "mobile": mobile, "id_number": op_id},
            "employees": [
                {"key": "n", "name": surname + tag + "正", "base": "6000"},
                {"key": "s", "name": surname + tag + "封", "state": "sealed", "last_month": "2024-12", "base": "5000"},
                {"key": "late", "name": surname + tag + "迟", "start_month": "2025-01", "joined_month": "2024-11",
                 "base": "5000"},
                {"key": "adj", "name": surname + tag + "调", "base": "7000"}]}


WORLD_SPEC = {"seed": 7, "units": [
    unit_spec("甲", "司马", "常州甲测试精密机械有限公司", "13912340001", valid_id_number("19800101", "111")),
    unit_spec("乙", "东方", "常州乙测试环保科技有限公司", "13912340002", valid_id_number("19810202", "222"))]}


class World:
    """A world on one app; `build` resets the app, so the same calls give the same numbers."""

    def __init__(self, app, stack: ExitStack) -> None:
        self.app = app
        self.stack = stack
        self.c = stack.enter_context(TestClient(app))        # API and test control, never cookies
        self._web: dict[str, TestClient] = {}
        self.A: Party
        self.B: Party

    def client(self, name: str) -> TestClient:
        """A browser of its own (cookie jar), kept across rebuilds of the world."""
        if name not in self._web:
            self._web[name] = self.stack.enter_context(TestClient(self.app))
        c = self._web[name]
        c.cookies.clear()
        return c

    def ok(self, r, what: str = ""):
        assert r.status_code < 400, f"world set-up {what}: {r.status_code} {r.text[:300]}"
        return r.json() if r.content else None

    def build(self) -> World:
        self._web_sessions: dict[str, TestClient] = {}
        self.ok(self.c.post("/_sim/reset", json={"now": WEDNESDAY_10}), "reset")
        units = self.ok(self.c.post("/_sim/seed", json=WORLD_SPEC), "seed")["units"]
        parties = []
        for spec, u in zip(WORLD_SPEC["units"], units):
            cert = u["certificates"][0]
            p = Party(u["key"], u["account_no"], u["name"], u["uscc"], cert["serial"], cert["pin"],
                      spec["operator"], {e["key"]: e for e in u["employees"]})
            p.token = self.login(p)
            r = self.ok(self.c.post("/api/v1/businesses/base-adjustment", headers=p.h, json={
                "personal_no": p.pno("adj"), "base": "7500", "effective_month": "2025-03"}), "draft")
            receipt = self.ok(self.c.post(f"/api/v1/businesses/{r['business_id']}/submit", headers=p.h), "submit")
            p.bids["submitted"], p.business_no = r["business_id"], receipt["business_no"]
            p.bids["draft"] = self.ok(self.c.post("/api/v1/businesses/deposit-verification", headers=p.h,
                                                  json={"confirmed": True}), "draft")["business_id"]
            parties.append(p)
        self.A, self.B = parties
        return self

    def login(self, p: Party) -> str:
        return self.ok(self.c.post("/api/v1/session", json={"serial": p.serial, "pin": p.pin}), "login")["token"]

    def web(self, p: Party) -> TestClient:
        """A browser logged in as p's operator through the login form (cached per world build)."""
        if p.key not in self._web_sessions:
            c = self.client("web-" + p.key)
            web_login(c, p.serial, p.pin)
            assert c.cookies.get("gjj_session"), "web login failed"
            self._web_sessions[p.key] = c
        return self._web_sessions[p.key]

    def csrf(self, c: TestClient) -> str:
        token = html(c.get("/hall/")).csrf
        assert token, "no CSRF token on the hall page"
        return token

    def markers(self) -> list[str]:
        return self.A.markers() + self.B.markers()


def login_csrf(c: TestClient) -> str:
    token = html(c.get("/hall/login?via=platform")).csrf
    assert token, "no CSRF token on the login page"
    return token


def web_login(c: TestClient, serial: str, pin: str):
    return c.post("/hall/login", data={"csrf": login_csrf(c), "serial": serial, "pin": pin, "via": "platform"},
                  follow_redirects=False)


@pytest.fixture(scope="module")
def stack():
    with ExitStack() as s:
        yield s


@pytest.fixture(scope="module")
def shared(stack) -> World:
    """Read-only cases and refusals (each checks that the database did not change)."""
    return World(create_app(":memory:", test_control=True), stack).build()


@pytest.fixture(scope="module")
def _fresh_app(stack) -> World:
    return World(create_app(":memory:", test_control=True), stack)


@pytest.fixture
def fresh(_fresh_app) -> World:
    """A rebuilt world for a case that changes something (reset + seed on a dedicated app)."""
    return _fresh_app.build()


# =============================================================================================
# Classification of the API operations, and how each actor calls them
# =============================================================================================
Build = Callable[[World, Party, str | None], tuple[str, dict | None]]


@dataclass(frozen=True)
class ApiOp:
    cls: str
    build: Build | None = None       # (world, party whose data, identifier) -> (path, JSON body)
    ident: str | None = None         # "pno" | "bid" | "person" (name + ID number): what the operation names
    own: tuple[str, ...] = ()        # which of A's identifiers A's own case uses
    own_status: int = 200
    own_code: str | None = None      # A is authorized but the unit's state refuses (opening of an opened unit)
    own_mutates: bool = False        # A's own call changes data: rebuild the world
    cross_mutates: bool = False      # B's call (no identifier) changes B's data: rebuild the world
    read: bool = False


def other(w: World, p: Party) -> Party:
    return w.B if p is w.A else w.A


def _p(path: str, body: dict | None = None) -> Build:
    return lambda w, p, x: (path, body)


def _est(w: World, p: Party, x) -> tuple[str, dict]:
    return "/api/v1/businesses/establish", {"name": "新职工" + p.key, "id_number": GEN.id_number(), "base": "5000"}


API: dict[tuple[str, str], ApiOp] = {
    ("POST", "/api/v1/session"): ApiOp(PUBLIC),
    ("GET", "/healthz"): ApiOp(PUBLIC),
    ("DELETE", "/api/v1/session"): ApiOp(UNIT, _p("/api/v1/session"), own_status=204, own_mutates=True,
                                         cross_mutates=True),
    ("PUT", "/api/v1/certificate/pin"): ApiOp(
        UNIT, lambda w, p, x: ("/api/v1/certificate/pin", {"old_pin": p.pin, "new_pin": "864213"}),
        own_status=204, own_mutates=True, cross_mutates=True),
    ("GET", "/api/v1/opening"): ApiOp(UNIT, _p("/api/v1/opening"), read=True),
    ("POST", "/api/v1/opening/enable"): ApiOp(UNIT, _p("/api/v1/opening/enable"), own_status=409,
                                               own_code="OPENING_ALREADY_DONE"),
    ("POST", "/api/v1/opening/agreement"): ApiOp(UNIT, _p("/api/v1/opening/agreement", {"accepted": True}),
                                                  own_status=409, own_code="OPENING_ALREADY_DONE"),
    ("POST", "/api/v1/opening/unit-info"): ApiOp(UNIT, _p("/api/v1/opening/unit-info", {}), own_status=409,
                                                  own_code="OPENING_ALREADY_DONE"),
    ("POST", "/api/v1/opening/query-password"): ApiOp(
        UNIT, _p("/api/v1/opening/query-password", {"password": "abc12345XY"}), own_status=409,
        own_code="OPENING_ALREADY_DONE"),
    ("POST", "/api/v1/opening/complete"): ApiOp(UNIT, _p("/api/v1/opening/complete"), own_status=409,
                                                 own_code="OPENING_ALREADY_DONE"),
    ("GET", "/api/v1/unit"): ApiOp(UNIT, _p("/api/v1/unit"), read=True),
    ("PUT", "/api/v1/unit/operator"): ApiOp(
        UNIT, _p("/api/v1/unit/operator", {"name": "新经办", "mobile": "13987654321",
                                           "id_number": valid_id_number("19900303", "333")}),
        own_mutates=True, cross_mutates=True),
    ("GET", "/api/v1/unit/remittances"): ApiOp(UNIT, _p("/api/v1/unit/remittances"), read=True),
    ("GET", "/api/v1/unit/deposit-info"): ApiOp(UNIT, _p("/api/v1/unit/deposit-info"), read=True),
    ("GET", "/api/v1/roster"): ApiOp(UNIT, _p("/api/v1/roster?size=200"), read=True),
    ("GET", "/api/v1/employees/{personal_no}"): ApiOp(
        UNIT, lambda w, p, x: (f"/api/v1/employees/{x}", None), ident="pno", own=("n", "s", "late", "adj"),
        read=True),
    ("POST", "/api/v1/businesses/establish"): ApiOp(UNIT, _est, own_status=201, own_mutates=True,
                                                     cross_mutates=True),
    ("POST", "/api/v1/businesses/seal"): ApiOp(
        UNIT, lambda w, p, x: ("/api/v1/businesses/seal", {"personal_no": x, "last_month": "2025-02"}),
        ident="pno", own=("n",), own_status=201, own_mutates=True),
    ("POST", "/api/v1/businesses/unseal"): ApiOp(
        UNIT, lambda w, p, x: ("/api/v1/businesses/unseal", {"personal_no": x, "start_month": "2025-03",
                                                             "base": "5000"}),
        ident="pno", own=("s",), own_status=201, own_mutates=True),
    # transfer names a person (name + ID number), not an account of the unit (see _api_cross_person)
    ("POST", "/api/v1/businesses/transfer"): ApiOp(
        UNIT, lambda w, p, x: ("/api/v1/businesses/transfer", x or other(w, p).ident("person", "s")),
        ident="person", own_status=201, own_mutates=True, cross_mutates=True),
    ("POST", "/api/v1/businesses/back-pay"): ApiOp(
        UNIT, lambda w, p, x: ("/api/v1/businesses/back-pay", {"personal_no": x, "cause": "late_establish",
                                                               "months": ["2024-11", "2024-12"]}),
        ident="pno", own=("late",), own_status=201, own_mutates=True),
    ("POST", "/api/v1/businesses/base-adjustment"): ApiOp(
        UNIT, lambda w, p, x: ("/api/v1/businesses/base-adjustment", {"personal_no": x, "base": "6500",
                                                                      "effective_month": "2025-03"}),
        ident="pno", own=("n",), own_status=201, own_mutates=True),
    ("POST", "/api/v1/businesses/deposit-verification"): ApiOp(
        UNIT, _p("/api/v1/businesses/deposit-verification", {"confirmed": True}), own_status=201,
        own_mutates=True, cross_mutates=True),
    ("GET", "/api/v1/businesses"): ApiOp(UNIT, _p("/api/v1/businesses?limit=200"), read=True),
    ("GET", "/api/v1/businesses/{business_id}"): ApiOp(
        UNIT, lambda w, p, x: (f"/api/v1/businesses/{x}", None), ident="bid", own=("submitted", "draft"),
        read=True),
    ("DELETE", "/api/v1/businesses/{business_id}"): ApiOp(
        UNIT, lambda w, p, x: (f"/api/v1/businesses/{x}", None), ident="bid", own=("draft",), own_status=204,
        own_mutates=True),
    ("POST", "/api/v1/businesses/{business_id}/submit"): ApiOp(
        UNIT, lambda w, p, x: (f"/api/v1/businesses/{x}/submit", None), ident="bid", own=("draft",),
        own_mutates=True),
    ("GET", "/api/v1/slips/{month}"): ApiOp(UNIT, _p("/api/v1/slips/2025-02"), read=True),
    ("GET", "/api/v1/slips/{month}/data"): ApiOp(UNIT, _p("/api/v1/slips/2025-02/data"), read=True),
}
for _m, _path in API_OPS:  # every control operation is test-control (its matrix: test_control_matrix)
    if _path.startswith("/_sim/"):
        API.setdefault((_m, _path), ApiOp(CONTROL))

IDENT_CROSS = {"pno": ("n", "s", "late", "adj"), "bid": ("submitted", "draft")}
GHOST = {"pno": GHOST_PNO, "bid": GHOST_BID}


def first_ident(op, p: Party) -> str | None:
    return p.ident(op.ident, op.own[0]) if op.ident in ("pno", "bid") else None


def api_call(c: TestClient, method: str, path: str, body: dict | None, headers: dict | None = None):
    return c.request(method, path, json=body, headers=headers or {})


API_ACTORS_UNIT = ("anonymous", "own", "cross", "locked", "expired")
API_ACTORS_PUBLIC = ("anonymous", "own")


def _api_cases():
    for m, p in API_OPS:
        op = API.get((m, p))
        if op is not None and op.cls == CONTROL:
            continue  # covered by the test-control matrix below
        actors = API_ACTORS_PUBLIC if op is not None and op.cls == PUBLIC else API_ACTORS_UNIT
        for actor in actors:
            yield pytest.param(m, p, actor, id=f"{m}:{p}-{actor}")


API_CASES = list(_api_cases())


def test_every_api_operation_is_classified():
    unclassified = [op for op in API_OPS if op not in API]
    assert not unclassified, f"API operations not classified in {__name__}.API: {unclassified}"
    stale = [op for op in API if op not in API_OPS]
    assert not stale, f"classified operations that the OpenAPI document no longer has: {stale}"


def test_the_public_document_is_the_apps_and_holds_no_control_without_test_control():
    with TestClient(create_app(":memory:")) as c:
        doc = c.get("/openapi.json").json()
    ops = openapi_operations(doc)
    assert ops == [op for op in API_OPS if API[op].cls != CONTROL]
    assert not [p for p in doc["paths"] if p.startswith("/_sim")]


# =============================================================================================
# The locked and the expired worlds
# =============================================================================================
def policy_value(name: str):
    with open(ROOT / "fixtures" / "policy" / f"{name}.toml", "rb") as f:
        return tomllib.load(f)["values"][-1]["value"]


@dataclass
class Locked:
    w: World
    token: str                 # A's API session opened before the lock
    cookie: str                # A's portal session opened before the lock
    limit: int
    countdown: list            # the login answers while counting down
    after: Any                 # login with the right PIN after the lock
    web_after: Any             # portal login with the right PIN after the lock


@pytest.fixture(scope="module")
def locked(stack) -> Locked:
    w = World(create_app(":memory:", test_control=True), stack).build()
    limit = w.ok(w.c.get("/_sim/policy"))["pin_attempt_limit"]
    token = w.login(w.A)
    web = w.client("locked-web")
    web_login(web, w.A.serial, w.A.pin)
    cookie = web.cookies.get("gjj_session")
    countdown = [w.c.post("/api/v1/session", json={"serial": w.A.serial, "pin": "000000"}) for _ in range(limit)]
    after = w.c.post("/api/v1/session", json={"serial": w.A.serial, "pin": w.A.pin})
    fresh_browser = w.client("locked-web-2")
    web_after = web_login(fresh_browser, w.A.serial, w.A.pin)
    return Locked(w, token, cookie, limit, countdown, after, web_after)


def test_the_pin_limit_is_the_policys_and_locks_the_certificate_with_the_lock_code(locked):
    assert locked.limit == policy_value("pin_attempt_limit")
    for i, r in enumerate(locked.countdown[:-1]):
        body = is_problem(r, 401, "WRONG_PIN", f"wrong PIN #{i + 1}")
        assert f"还可尝试{locked.limit - i - 1}次" in body["detail"]
    is_problem(locked.countdown[-1], 423, "CERTIFICATE_LOCKED", f"wrong PIN #{locked.limit}")
    # locked: even the right PIN is refused, by the API and by the portal, and no session is made
    body = is_problem(locked.after, 423, "CERTIFICATE_LOCKED", "right PIN on a locked certificate")
    assert "token" not in body
    r = locked.web_after
    assert r.status_code == 423 and html(r).alerts == ["CERTIFICATE_LOCKED"], (r.status_code, html(r).alerts)
    assert not [h for h in r.headers.get_list("set-cookie") if h.startswith("gjj_session=") and
                not h.startswith('gjj_session=""')]


def test_locking_by_wrong_old_pins_refuses_the_session_that_did_it(fresh):
    """Locked through PUT /certificate/pin: the locking request answers 423 and the session gets no
    more data (simulator/service/access.py Access.change_pin / authenticate)."""
    w = fresh
    limit = w.ok(w.c.get("/_sim/policy"))["pin_attempt_limit"]
    for i in range(limit - 1):
        is_problem(w.c.put("/api/v1/certificate/pin", headers=w.A.h, json={"old_pin": "000000", "new_pin": "864213"}),
                   422, "OLD_PIN_WRONG", f"wrong old PIN #{i + 1}")
    is_problem(w.c.put("/api/v1/certificate/pin", headers=w.A.h, json={"old_pin": "000000", "new_pin": "864213"}),
               423, "CERTIFICATE_LOCKED", "the locking PIN change")
    r = w.c.get("/api/v1/roster", headers=w.A.h)
    assert r.status_code in (401, 423), r.text
    no_leak(r.text, w.A.markers(), "roster after the lock")
    is_problem(w.c.post("/api/v1/session", json={"serial": w.A.serial, "pin": w.A.pin}), 423,
               "CERTIFICATE_LOCKED", "login after the lock")


@dataclass
class Expired:
    w: World
    tokens: dict[str, str]     # case id -> a session opened before the clock moved
    ttl: int
    probe: Any                 # a request one minute before the TTL ran out


def _expired_case_ids() -> list[str]:
    return [f"api:{m}:{p}" for m, p in API_OPS if API.get((m, p)) and API[(m, p)].cls == UNIT] + \
           [f"web:{c.id}" for c in WEB_CASES if c.cls == UNIT]


@pytest.fixture(scope="module")
def expired(stack) -> Expired:
    w = World(create_app(":memory:", test_control=True), stack).build()
    ttl = w.ok(w.c.get("/_sim/policy"))["session_ttl_minutes"]
    tokens = {k: w.login(w.A) for k in _expired_case_ids()}
    still = w.login(w.A)
    w.ok(w.c.post("/_sim/clock/advance", json={"minutes": ttl - 1}))
    probe = w.c.get("/api/v1/unit", headers=bearer(still))
    w.ok(w.c.post("/_sim/clock/advance", json={"minutes": 2}))
    return Expired(w, tokens, ttl, probe)


def test_the_session_ttl_is_the_policys(expired):
    assert expired.ttl == policy_value("session_ttl_minutes")
    assert expired.probe.status_code == 200, "a session must still work one minute before its TTL"


# =============================================================================================
# The API matrix
# =============================================================================================
@pytest.mark.parametrize("method,path,actor", API_CASES)
def test_api_matrix(method, path, actor, request):
    _ran(request, "api")
    what = f"{method} {path} as {actor}"
    op = API.get((method, path))
    if op is None:
        pytest.fail(f"{method} {path} is in /openapi.json but not classified in {__name__}.API "
                    "(public / authenticated-unit / test-control): classify it and say how each actor calls it")
    if op.cls == PUBLIC:
        return _api_public(method, path, actor, request.getfixturevalue("shared"), what)
    needs_fresh = (actor == "own" and op.own_mutates) or (actor == "cross" and op.cross_mutates)
    if actor == "locked":
        return _api_locked(method, op, request.getfixturevalue("locked"), what)
    if actor == "expired":
        return _api_expired(method, path, op, request.getfixturevalue("expired"), what)
    w = request.getfixturevalue("fresh" if needs_fresh else "shared")
    {"anonymous": _api_anonymous, "own": _api_own, "cross": _api_cross}[actor](method, op, w, what)


def _api_public(method, path, actor, w: World, what):
    h = w.A.h if actor == "own" else {}
    if (method, path) == ("GET", "/healthz"):
        r = w.c.get(path, headers=h)
        assert r.status_code == 200 and r.json()["status"] == "ok", f"{what}: {r.status_code}"
    else:  # log in: needs no session, and answers only for the certificate whose PIN was given
        r = w.c.post(path, headers=h, json={"serial": w.A.serial, "pin": w.A.pin})
        assert r.status_code == 200, f"{what}: {r.status_code} {r.text[:200]}"
        assert r.json()["unit_account_no"] == w.A.account_no
        no_leak(r.text, w.B.markers(), what)
        r = w.c.post(path, headers=h, json={"serial": "JSCA9999999999", "pin": w.A.pin})
        is_problem(r, 401, "CERTIFICATE_NOT_FOUND", what + " (unknown serial)")
        no_leak(r.text, w.markers(), what)


def _api_anonymous(method, op: ApiOp, w: World, what):
    path, body = op.build(w, w.A, first_ident(op, w.A))
    before = dump(w.app)
    for label, headers in [("no token", {}), ("garbage token", bearer("not-a-session")),
                           ("empty bearer", {"Authorization": "Bearer "}), ("basic", {"Authorization": "Basic eDp5"}),
                           ("non-ASCII token", {"Authorization": "Bearer \u00e9t\u00e9".encode("latin-1")})]:
        r = api_call(w.c, method, path, body, headers)
        is_problem(r, 401, "UNAUTHENTICATED", f"{what} ({label})")
        no_leak(r.text, w.markers(), f"{what} ({label})", sent=path + json.dumps(body, ensure_ascii=False))
    assert not changed(before, dump(w.app)), f"{what}: a refused request changed {changed(before, dump(w.app))}"


def _api_own(method, op: ApiOp, w: World, what):
    idents = [w.A.ident(op.ident, k) for k in op.own] if op.own else [None]
    for x in idents:
        path, body = op.build(w, w.A, x)
        before = dump(w.app)
        r = api_call(w.c, method, path, body, w.A.h)
        where = f"{what} ({path})"
        if op.own_code:
            is_problem(r, op.own_status, op.own_code, where)
            assert not changed(before, dump(w.app)), f"{where}: the refusal changed something"
        else:
            assert r.status_code == op.own_status, f"{where}: expected {op.own_status}, got {r.status_code} {r.text[:300]}"
        if r.content and "json" in r.headers.get("content-type", ""):
            no_leak(r.text, w.B.markers(), where, sent=json.dumps(body, ensure_ascii=False))
        if op.read and x is not None:
            assert x in r.text, f"{where}: the answer does not show the requested {x}"
        if path in ("/api/v1/unit", "/api/v1/slips/2025-02/data"):
            assert r.json()["account_no" if path == "/api/v1/unit" else "unit_account_no"] == w.A.account_no, \
                f"{where}: not A's unit"
        if path == "/api/v1/roster?size=200":
            assert {i["personal_no"] for i in r.json()["items"]} == {w.A.pno(k) for k in w.A.emp}, where
        if path.startswith("/api/v1/slips/") and not path.endswith("/data"):
            assert r.headers["content-type"].startswith("application/pdf")
            assert w.A.account_no in body_text(r) and w.A.name in body_text(r), f"{where}: not A's slip"
            no_leak(body_text(r), w.B.markers(), where)
    if method == "DELETE" and op.ident == "bid":
        is_problem(w.c.get(f"/api/v1/businesses/{w.A.bids['draft']}", headers=w.A.h), 404, "BUSINESS_NOT_FOUND",
                   what + " (the discarded draft is gone)")


def _normalise(r, x: str, ghost: str) -> tuple:
    text = r.text.replace(x, "<ID>").replace(ghost, "<ID>")
    return r.status_code, r.headers.get("content-type"), text


def _api_cross(method, op: ApiOp, w: World, what):
    A, B = w.A, w.B
    if op.ident == "person":
        return _api_cross_person(method, op, w, what)
    if op.ident is None:
        # nothing of A can be named: B acts on B's own data, and sees and changes nothing of A's
        before = dump(w.app, A.keys())
        path, body = op.build(w, B, None)
        r = api_call(w.c, method, path, body, B.h)
        assert r.status_code < 500, f"{what}: {r.status_code}"
        if op.own_code:
            is_problem(r, op.own_status, op.own_code, what)
        else:
            assert r.status_code == op.own_status, f"{what}: B's own call: {r.status_code} {r.text[:300]}"
        if path in ("/api/v1/unit", "/api/v1/slips/2025-02/data", "/api/v1/slips/2025-02"):
            assert B.account_no in body_text(r), f"{what}: B must see its own unit"
        no_leak(body_text(r), A.markers(), what, sent=json.dumps(body, ensure_ascii=False))
        after = dump(w.app, A.keys())
        assert not changed(before, after), f"{what}: B's call changed A's rows in {changed(before, after)}"
        if method == "DELETE" and path == "/api/v1/session":
            assert w.c.get("/api/v1/unit", headers=A.h).status_code == 200, "B's logout ended A's session"
        if path == "/api/v1/certificate/pin":
            assert w.c.post("/api/v1/session", json={"serial": A.serial, "pin": A.pin}).status_code == 200
        return
    ghost = GHOST[op.ident]
    for key in IDENT_CROSS[op.ident]:
        x = A.ident(op.ident, key)
        path, body = op.build(w, A, x)
        gpath, gbody = op.build(w, A, ghost)
        where = f"{what} with A's {op.ident} {x} ({key})"
        before = dump(w.app)
        r = api_call(w.c, method, path, body, B.h)
        g = api_call(w.c, method, gpath, gbody, B.h)
        after = dump(w.app)
        assert r.status_code in (403, 404), f"{where}: expected 404 (or 403), got {r.status_code} {r.text[:300]}"
        expected_code = {"pno": "EMPLOYEE_NOT_FOUND", "bid": "BUSINESS_NOT_FOUND"}[op.ident]
        is_problem(r, r.status_code, expected_code, where)
        assert _normalise(r, x, ghost) == _normalise(g, x, ghost), \
            f"{where}: distinguishable from a non-existent {ghost}:\n  A's: {r.status_code} {r.text}\n" \
            f"  none: {g.status_code} {g.text}"
        no_leak(r.text, w.markers(), where, sent=x)
        assert not changed(before, after), f"{where}: the refusal changed {changed(before, after)}"
    # and A's resources are intact, seen through A's own session
    if op.ident == "bid":
        assert w.c.get(f"/api/v1/businesses/{A.bids['draft']}", headers=A.h).json()["status"] == "draft"


def _api_locked(method, op: ApiOp, lk: Locked, what):
    w = lk.w
    path, body = op.build(w, w.A, first_ident(op, w.A))
    before = dump(w.app)
    for attempt in (1, 2):  # kept, not deleted: every use says why (Access.authenticate)
        r = api_call(w.c, method, path, body, bearer(lk.token))
        is_problem(r, 423, "CERTIFICATE_LOCKED", f"{what} (use #{attempt} after the lock)")
        no_leak(r.text, w.markers(), what, sent=path + json.dumps(body, ensure_ascii=False))
    assert not changed(before, dump(w.app)), f"{what}: changed {changed(before, dump(w.app))}"


def _api_expired(method, path_t, op: ApiOp, ex: Expired, what):
    w = ex.w
    token = ex.tokens[f"api:{method}:{path_t}"]
    path, body = op.build(w, w.A, first_ident(op, w.A))
    before = dump(w.app, sessions=False)
    r = api_call(w.c, method, path, body, bearer(token))
    is_problem(r, 401, "SESSION_EXPIRED", what)
    no_leak(r.text, w.markers(), what, sent=path + json.dumps(body, ensure_ascii=False))
    r = api_call(w.c, method, path, body, bearer(token))
    is_problem(r, 401, "UNAUTHENTICATED", what + " (the expired session is gone)")
    assert not changed(before, dump(w.app, sessions=False)), f"{what}: changed something"


# --- transfer names a person, not an account --------------------------------------------------------
GHOST_PERSON = {"name": "冒名者", "id_number": valid_id_number("19700707", "777")}


def _api_cross_person(method, op: ApiOp, w: World, what):
    """3.9 by design tells the new unit that the person's account at the old unit must be sealed
    first (TRANSFER_SOURCE_NOT_SEALED): it must not say where, nor change anything there; and a
    wrong name for a real ID number looks exactly like an unknown person."""
    A, B = w.A, w.B

    def transfer(person: dict):
        path, body = op.build(w, A, person)
        d = api_call(w.c, method, path, body, B.h)
        assert d.status_code == 201, f"{what}: a draft holds the input only: {d.status_code} {d.text[:200]}"
        return d, w.c.post(f"/api/v1/businesses/{d.json()['business_id']}/submit", headers=B.h)

    before = dump(w.app, A.keys())
    person = A.ident("person", "n")
    d, r = transfer(person)
    is_problem(r, 409, "TRANSFER_SOURCE_NOT_SEALED", f"{what} with A's normal employee")
    no_leak(d.text + r.text, A.markers(), what, sent=json.dumps(person, ensure_ascii=False))
    answers = []
    for person in ({"name": GHOST_PERSON["name"], "id_number": A.emp["s"]["id_number"]}, GHOST_PERSON):
        _, r = transfer(person)
        is_problem(r, 404, "TRANSFER_SOURCE_NOT_FOUND", f"{what} with a wrong name")
        answers.append((r.status_code, r.text.replace(person["id_number"], "<ID>")))
    assert answers[0] == answers[1], f"{what}: a real ID number with a wrong name is distinguishable: {answers}"
    assert not changed(before, dump(w.app, A.keys())), f"{what}: changed A's rows"


def test_idempotency_keys_are_per_unit(fresh):
    """B reusing the key A used gives B no hint of A's business."""
    w = fresh
    A, B = w.A, w.B
    d = w.c.post("/api/v1/businesses/deposit-verification", headers=A.h, json={"confirmed": True}).json()
    assert w.c.post(f"/api/v1/businesses/{d['business_id']}/submit", headers={**A.h, "Idempotency-Key": "k-1"}
                    ).status_code == 200
    r = w.c.post(f"/api/v1/businesses/{B.bids['draft']}/submit", headers={**B.h, "Idempotency-Key": "k-1"})
    assert r.status_code == 200, r.text
    no_leak(r.text, A.markers(), "B's submit with A's idempotency key")


def test_a_business_forms_submission_token_is_per_unit(fresh):
    """The portal's business forms carry a per-render submission token (a re-post shows the first
    receipt). B re-posting the token A used must get its own business, never A's receipt."""
    w = fresh
    a, b = w.web(w.A), w.web(w.B)
    rendered = re.search(r'name="submission" value="([^"]*)"', a.get("/hall/business/deposit-verification").text)
    token = rendered.group(1) if rendered else "a-fixed-token"  # without the feature the field is ignored
    data = {"submission": token, "confirmed": "yes", "note": ""}
    r = a.post("/hall/business/deposit-verification", data={"csrf": w.csrf(a), **data}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/hall/receipts/"), r.status_code
    a_receipt = r.headers["location"]
    r = b.post("/hall/business/deposit-verification", data={"csrf": w.csrf(b), **data}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] != a_receipt, (r.status_code, r.headers.get("location"))
    b_id = r.headers["location"].rsplit("/", 1)[1]
    assert w.c.get(f"/api/v1/businesses/{b_id}", headers=w.B.h).status_code == 200, "not B's own business"
    no_leak(b.get(r.headers["location"]).text, w.A.markers(), "B's receipt")


# =============================================================================================
# The portal: every route of the web router, classified, with concrete paths
# =============================================================================================
@dataclass(frozen=True)
class WebCase:
    method: str
    template: str
    cls: str
    path: Callable[[World, Party, str | None], str] | str
    form: Callable[[World, Party, str | None], dict] | None = None
    ident: str | None = None
    own: tuple[str, ...] = ()
    expect: tuple = ("page", 200)    # A's own answer: ("page", status[, alert]) | ("redirect", prefix) | ("pdf",)
    own_mutates: bool = False
    cross_mutates: bool = False
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method}:{self.label or self.template}"

    def url(self, w: World, p: Party, x: str | None) -> str:
        return self.path(w, p, x) if callable(self.path) else self.path


def _form(d: dict) -> Callable:
    return lambda w, p, x: dict(d)


BUSINESS_FORMS: dict[str, tuple] = {  # slug -> (form builder, ident, own identifier)
    "establish": (lambda w, p, x: {"name": "新职工" + p.key, "id_number": GEN.id_number(), "base": "5000"}, None, ()),
    "seal": (lambda w, p, x: {"personal_no": x, "last_month": "2025-02"}, "pno", ("n",)),
    "unseal": (lambda w, p, x: {"personal_no": x, "start_month": "2025-03", "base": "5000"}, "pno", ("s",)),
    "transfer": (lambda w, p, x: dict(x or other(w, p).ident("person", "s")), "person", ()),
    "back-pay": (lambda w, p, x: {"personal_no": x, "cause": "late_establish", "months": "2024-11、2024-12"},
                 "pno", ("late",)),
    "base-adjustment": (lambda w, p, x: {"personal_no": x, "base": "6500", "effective_month": "2025-03"},
                        "pno", ("n",)),
    "deposit-verification": (_form({"confirmed": "yes", "note": ""}), None, ()),
}
OPENING_FORMS = {"enable": {}, "agreement": {"accepted": "yes"}, "unit-info": {},
                 "query-password": {"password": "abc12345XY", "password2": "abc12345XY"}, "complete": {}}

WEB_CASES: list[WebCase] = [
    WebCase("GET", "/", PUBLIC, "/"),
    WebCase("GET", "/browser-warning/continue", PUBLIC, "/browser-warning/continue", expect=("redirect", "/hall/login")),
    WebCase("GET", "/browser-warning/close", PUBLIC, "/browser-warning/close"),
    WebCase("GET", "/platform", PUBLIC, "/platform", expect=("redirect", "/platform/")),
    WebCase("GET", "/platform/", PUBLIC, "/platform/"),
    WebCase("GET", "/platform/gjj", PUBLIC, "/platform/gjj"),
    WebCase("GET", "/platform/gjj/ejia", PUBLIC, "/platform/gjj/ejia"),
    WebCase("GET", "/platform/gjj/ejia/{slug}", PUBLIC, "/platform/gjj/ejia/opening"),
    WebCase("GET", "/hall/login", PUBLIC, "/hall/login"),
    WebCase("POST", "/hall/login", PUBLIC, "/hall/login", expect=("redirect", "/hall/"), own_mutates=True),
    WebCase("GET", "/hall", PUBLIC, "/hall", expect=("redirect", "/hall/")),
    WebCase("GET", "/hall/help", PUBLIC, "/hall/help"),
    WebCase("GET", "/hall/{path:path}", PUBLIC, "/hall/no-such-page", expect=("page", 404, "NOT_FOUND")),
    WebCase("POST", "/hall/{path:path}", PUBLIC, "/hall/no-such-page", form=_form({}),
            expect=("page", 404, "NOT_FOUND")),
    WebCase("POST", "/hall/logout", UNIT, "/hall/logout", form=_form({}), expect=("redirect", "/hall/login"),
            own_mutates=True, cross_mutates=True),
    WebCase("GET", "/hall/prompt", UNIT, "/hall/prompt", expect=("redirect", "/hall/")),  # opened: no prompt
    WebCase("GET", "/hall/not-opened", UNIT, "/hall/not-opened"),
    WebCase("GET", "/hall/opening", UNIT, "/hall/opening"),
    *[WebCase("POST", "/hall/opening/{step}", UNIT, f"/hall/opening/{step}", form=_form(data),
              expect=("page", 409, "OPENING_ALREADY_DONE"), label=f"/hall/opening/{step}")
      for step, data in OPENING_FORMS.items()],
    WebCase("GET", "/hall/", UNIT, "/hall/"),
    WebCase("GET", "/hall/unit", UNIT, "/hall/unit"),
    WebCase("POST", "/hall/unit", UNIT, "/hall/unit",
            form=_form({"name": "新经办", "mobile": "13987654321", "id_number": valid_id_number("19900303", "333")}),
            expect=("redirect", "/hall/unit?saved="), own_mutates=True, cross_mutates=True),
    WebCase("GET", "/hall/pin", UNIT, "/hall/pin"),
    WebCase("POST", "/hall/pin", UNIT, "/hall/pin", form=lambda w, p, x: {"old_pin": p.pin, "new_pin": "864213"},
            expect=("redirect", "/hall/pin?done=1"), own_mutates=True, cross_mutates=True),
    WebCase("GET", "/hall/roster", UNIT, "/hall/roster"),
    WebCase("GET", "/hall/employees/{personal_no}", UNIT, lambda w, p, x: f"/hall/employees/{x}", ident="pno",
            own=("n", "s", "late", "adj")),
    WebCase("GET", "/hall/print", UNIT, "/hall/print"),
    WebCase("GET", "/hall/print/{name}", UNIT, "/hall/print/2025-02.pdf", expect=("pdf",)),
    *[WebCase("GET", "/hall/business/{slug}", UNIT, f"/hall/business/{slug}", label=f"/hall/business/{slug}")
      for slug in BUSINESS_FORMS],
    *[WebCase("POST", "/hall/business/{slug}", UNIT, f"/hall/business/{slug}", form=build, ident=ident, own=own,
              expect=("redirect", "/hall/receipts/"), own_mutates=True, cross_mutates=ident in (None, "person"),
              label=f"/hall/business/{slug}")
      for slug, (build, ident, own) in BUSINESS_FORMS.items()],
    WebCase("GET", "/hall/receipts/{business_id}", UNIT, lambda w, p, x: f"/hall/receipts/{x}", ident="bid",
            own=("submitted", "draft")),
]
WEB_ACTORS_UNIT = ("anonymous", "own", "cross", "locked", "expired")
WEB_ACTORS_PUBLIC = ("anonymous", "own")


def _web_cases():
    covered = {(c.method, c.template) for c in WEB_CASES}
    for m, p in WEB_ROUTES:
        if (m, p) not in covered:
            yield pytest.param(None, m, p, "unclassified", id=f"{m}:{p}-unclassified")
    for case in WEB_CASES:
        for actor in (WEB_ACTORS_PUBLIC if case.cls == PUBLIC else WEB_ACTORS_UNIT):
            yield pytest.param(case, case.method, case.template, actor, id=f"{case.id}-{actor}")


WEB_MATRIX = list(_web_cases())


def test_every_portal_route_is_classified():
    covered = {(c.method, c.template) for c in WEB_CASES}
    assert not [r for r in WEB_ROUTES if r not in covered], "portal routes without a case"
    assert not [c for c in covered if c not in WEB_ROUTES], "cases for routes the portal no longer has"
    # the portal is not in the API document
    assert not [p for _, p in API_OPS if p.startswith(("/hall", "/platform", "/browser-warning"))]


def _send(c: TestClient, case: WebCase, url: str, form: dict | None, csrf: str | None = None):
    if case.method == "GET":
        return c.get(url, follow_redirects=False)
    data = dict(form or {})
    if csrf is not None:
        data["csrf"] = csrf
    return c.post(url, data=data, follow_redirects=False)


def _web_form(case: WebCase, w: World, p: Party, x: str | None) -> dict | None:
    return case.form(w, p, x) if case.form else None


def _to_login(r, what: str, notice: str | None = None) -> str:
    assert r.status_code in (302, 303, 307), f"{what}: expected a redirect to the login, got {r.status_code}"
    loc = r.headers["location"]
    assert loc.startswith("/hall/login"), f"{what}: redirected to {loc}, not the login"
    if notice:
        assert f"notice={notice}" in loc, f"{what}: {loc} lacks notice={notice}"
    return loc


def _cookie_cleared(r, what: str) -> None:
    cleared = [h for h in r.headers.get_list("set-cookie") if h.startswith("gjj_session=")]
    assert cleared and all("max-age=0" in h.lower() or "1970" in h for h in cleared), \
        f"{what}: the session cookie is not cleared: {cleared}"


@pytest.mark.parametrize("case,method,template,actor", WEB_MATRIX)
def test_web_matrix(case: WebCase | None, method, template, actor, request):
    _ran(request, "web")
    what = f"{method} {case.label if case and case.label else template} as {actor}"
    if case is None:
        pytest.fail(f"portal route {method} {template} has no case in {__name__}.WEB_CASES "
                    "(public / authenticated-unit): classify it and give a concrete path")
    if actor == "locked":
        return _web_locked(case, request.getfixturevalue("locked"), what)
    if actor == "expired":
        return _web_expired(case, request.getfixturevalue("expired"), what)
    needs_fresh = (actor == "own" and case.own_mutates) or (actor == "cross" and case.cross_mutates)
    w = request.getfixturevalue("fresh" if needs_fresh else "shared")
    {"anonymous": _web_anonymous, "own": _web_own, "cross": _web_cross}[actor](case, w, what)


def _web_anonymous(case: WebCase, w: World, what):
    c = w.client("anonymous")
    x = first_ident(case, w.A)
    url, form = case.url(w, w.A, x), _web_form(case, w, w.A, x)
    before = dump(w.app)
    if case.cls == PUBLIC and case.template == "/hall/login" and case.method == "POST":
        r = c.post(url, data={"csrf": login_csrf(c), "serial": "JSCA9999999999", "pin": "123456", "via": "platform"})
        assert r.status_code == 401 and html(r).alerts == ["CERTIFICATE_NOT_FOUND"], what
    else:
        r = _send(c, case, url, form, csrf="0" * 64 if case.method == "POST" else None)
    sent = url + json.dumps(form, ensure_ascii=False)
    if case.cls == PUBLIC:
        if not (case.template == "/hall/login" and case.method == "POST"):
            _expect(r, case.expect, what)
    else:
        loc = _to_login(r, what)
        assert not [h for h in r.headers.get_list("set-cookie") if h.startswith("gjj_session=")], what
        if case.method == "GET":
            page = c.get(loc)
            assert page.status_code == 200 and html(page).h1 == ["网上服务厅登录"], f"{what}: not the login page"
            no_leak(page.text, w.markers(), what, sent=sent)
    no_leak(r.text, w.markers(), what, sent=sent)
    assert not changed(before, dump(w.app)), f"{what}: changed {changed(before, dump(w.app))}"


def _expect(r, expect: tuple, what: str) -> None:
    kind = expect[0]
    if kind == "redirect":
        assert r.status_code in (302, 303, 307), f"{what}: expected a redirect, got {r.status_code} {html(r).alerts}"
        assert r.headers["location"].startswith(expect[1]), f"{what}: redirected to {r.headers['location']}"
    elif kind == "pdf":
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf"), \
            f"{what}: {r.status_code} {r.headers.get('content-type')}"
    else:
        assert r.status_code == expect[1], f"{what}: expected {expect[1]}, got {r.status_code} {html(r).alerts}"
        assert r.headers["content-type"].startswith("text/html"), what
        assert len(html(r).h1) == 1, f"{what}: {html(r).h1}"
        if len(expect) > 2:
            assert html(r).alerts == [expect[2]], f"{what}: alerts {html(r).alerts}"
        elif r.status_code == 200:
            assert html(r).alerts == [] or html(r).alerts == ["LOGIN_FAULT"], f"{what}: alerts {html(r).alerts}"


def _web_own(case: WebCase, w: World, what):
    A = w.A
    c = w.web(A)
    token = c.cookies.get("gjj_session")
    idents = [A.ident(case.ident, k) for k in case.own] if case.own else [None]
    for x in idents:
        url, form = case.url(w, A, x), _web_form(case, w, A, x)
        where = f"{what} ({url})"
        before = dump(w.app)
        if case.method == "POST" and case.template == "/hall/login":
            r = c.post(url, data={"csrf": login_csrf(c), "serial": A.serial, "pin": A.pin, "via": "platform"},
                       follow_redirects=False)
            assert token not in r.headers.get("location", ""), f"{where}: the session id is in the URL"
        else:
            r = _send(c, case, url, form, csrf=w.csrf(c) if case.method == "POST" else None)
        _expect(r, case.expect, where)
        if len(case.expect) > 2 and case.cls == UNIT:
            assert not changed(before, dump(w.app)), f"{where}: the refusal changed something"
        if case.expect[0] == "page":
            no_leak(r.text, w.B.markers(), where, sent=json.dumps(form, ensure_ascii=False))
            assert token not in r.text, f"{where}: the session id is in the page"
        if x is not None and case.method == "GET":
            shown = A.business_no if x == A.bids.get("submitted") else x
            assert shown in r.text, f"{where}: the page does not show {shown}"
        if case.template == "/hall/roster":
            assert all(A.pno(k) in r.text for k in ("n", "s", "late", "adj")), f"{where}: not A's roster"
        if case.expect[0] == "pdf":
            assert A.account_no in body_text(r), f"{where}: not A's slip"
            no_leak(body_text(r), w.B.markers(), where)
        if case.expect[0] == "redirect":
            assert token not in r.headers["location"], f"{where}: the session id is in the URL"


def _web_cross(case: WebCase, w: World, what):
    A, B = w.A, w.B
    c = w.web(B)
    if case.ident == "person":
        return _web_cross_person(case, w, what)
    if case.ident is None:  # B's own page or form: nothing of A shown, nothing of A changed
        before = dump(w.app, A.keys())
        url, form = case.url(w, B, None), _web_form(case, w, B, None)
        r = _send(c, case, url, form, csrf=w.csrf(c) if case.method == "POST" else None)
        _expect(r, case.expect, what)
        no_leak(body_text(r), A.markers(), what, sent=json.dumps(form, ensure_ascii=False))
        if case.expect[0] == "pdf":
            assert B.account_no in body_text(r), f"{what}: B must get its own slip"
        if case.expect[0] == "redirect" and r.headers["location"].startswith("/hall/receipts/"):
            no_leak(c.get(r.headers["location"]).text, A.markers(), what + " (receipt)")
        assert not changed(before, dump(w.app, A.keys())), f"{what}: changed A's rows"
        return
    ghost = GHOST[case.ident]
    for key in IDENT_CROSS[case.ident]:
        x = A.ident(case.ident, key)
        where = f"{what} with A's {case.ident} {x} ({key})"
        csrf = w.csrf(c) if case.method == "POST" else None
        before = dump(w.app)
        r = _send(c, case, case.url(w, A, x), _web_form(case, w, A, x), csrf)
        g = _send(c, case, case.url(w, A, ghost), _web_form(case, w, A, ghost), csrf)
        after = dump(w.app)
        expected_code = {"pno": "EMPLOYEE_NOT_FOUND", "bid": "BUSINESS_NOT_FOUND"}[case.ident]
        assert r.status_code in (403, 404) and html(r).alerts == [expected_code], \
            f"{where}: expected a 404 page with {expected_code}, got {r.status_code} {html(r).alerts}"
        sig_r, sig_g = page_signature(r, x, ghost), page_signature(g, x, ghost)
        assert sig_r == sig_g, f"{where}: the page differs from the one for a non-existent {ghost}: " \
            f"{[(a, b) for a, b in zip(sig_r[2], sig_g[2]) if a != b][:3]}"
        no_leak(r.text, A.markers(), where, sent=x)
        assert not changed(before, after), f"{where}: the refusal changed {changed(before, after)}"


def _web_cross_person(case: WebCase, w: World, what):
    A, B = w.A, w.B
    c = w.web(B)
    before = dump(w.app, A.keys())
    person = A.ident("person", "n")
    r = _send(c, case, case.url(w, A, None), _web_form(case, w, A, person), w.csrf(c))
    assert r.status_code == 409 and html(r).alerts == ["TRANSFER_SOURCE_NOT_SEALED"], \
        f"{what} with A's normal employee: {r.status_code} {html(r).alerts}"
    no_leak(r.text, A.markers(), what, sent=json.dumps(person, ensure_ascii=False))
    pages = []
    for person in ({"name": GHOST_PERSON["name"], "id_number": A.emp["s"]["id_number"]}, GHOST_PERSON):
        r = _send(c, case, case.url(w, A, None), _web_form(case, w, A, person), w.csrf(c))
        assert r.status_code == 404 and html(r).alerts == ["TRANSFER_SOURCE_NOT_FOUND"], \
            f"{what} with a wrong name: {r.status_code} {html(r).alerts}"
        pages.append(page_signature(r, person["id_number"]))
    assert pages[0] == pages[1], f"{what}: a real ID number with a wrong name gives another page"
    assert not changed(before, dump(w.app, A.keys())), f"{what}: changed A's rows"


def _web_locked(case: WebCase, lk: Locked, what):
    w = lk.w
    c = w.client("locked-actor")
    x = first_ident(case, w.A)
    url, form = case.url(w, w.A, x), _web_form(case, w, w.A, x)
    before = dump(w.app)
    for attempt in (1, 2):
        c.cookies.clear()
        c.cookies.set("gjj_session", lk.cookie)
        r = _send(c, case, url, form, csrf="0" * 64 if case.method == "POST" else None)
        where = f"{what} (use #{attempt} after the lock)"
        assert r.status_code == 423 and html(r).alerts == ["CERTIFICATE_LOCKED"], \
            f"{where}: {r.status_code} {html(r).alerts}"
        assert html(r).h1 == ["网上服务厅登录"], f"{where}: not the login page"
        _cookie_cleared(r, where)
        no_leak(r.text, w.markers(), where, sent=url + json.dumps(form, ensure_ascii=False))
    assert not changed(before, dump(w.app)), f"{what}: changed {changed(before, dump(w.app))}"


def _web_expired(case: WebCase, ex: Expired, what):
    w = ex.w
    c = w.client("expired-actor")
    c.cookies.set("gjj_session", ex.tokens[f"web:{case.id}"])
    x = first_ident(case, w.A)
    url, form = case.url(w, w.A, x), _web_form(case, w, w.A, x)
    before = dump(w.app, sessions=False)
    r = _send(c, case, url, form, csrf="0" * 64 if case.method == "POST" else None)
    loc = _to_login(r, what, notice="expired")
    _cookie_cleared(r, what)
    page = c.get(loc)
    assert html(page).h1 == ["网上服务厅登录"] and html(page).alerts == ["SESSION_EXPIRED"], \
        f"{what}: {html(page).h1} {html(page).alerts}"
    no_leak(r.text + page.text, w.markers(), what, sent=url + json.dumps(form, ensure_ascii=False))
    assert not changed(before, dump(w.app, sessions=False)), f"{what}: changed something"


# --- CSRF: every POST of the portal ---------------------------------------------------------------
CSRF_CASES = [pytest.param(case, actor, id=f"{case.id}-{actor}") for case in WEB_CASES if case.method == "POST"
              for actor in ("csrf-missing", "csrf-wrong")]


@pytest.mark.parametrize("case,actor", CSRF_CASES)
def test_csrf_matrix(case: WebCase, actor, shared, request):
    _ran(request, "csrf")
    w = shared
    what = f"POST {case.label or case.template} as {actor}"
    c = w.web(w.A)
    x = first_ident(case, w.A)
    url = case.url(w, w.A, x)
    form = {"serial": w.A.serial, "pin": w.A.pin} if case.template == "/hall/login" else _web_form(case, w, w.A, x)
    login = case.template == "/hall/login"
    own_presession_token = login_csrf(c)  # right for c's login form only, never for a session's form
    tampered = own_presession_token[:-1] + ("1" if own_presession_token.endswith("0") else "0")
    variants = {"csrf-missing": [None, ""],
                "csrf-wrong": ["0" * 64, "deadbeef", tampered,
                               w.csrf(w.web(w.B)),                    # another session's token
                               login_csrf(w.client("csrf-other"))]    # another pre-session's token
                + ([] if login else [own_presession_token])}[actor]
    expected = 404 if case.template == "/hall/{path:path}" else 403
    for token in variants:
        before = dump(w.app)
        r = _send(c, case, url, form, csrf=token)
        where = f"{what} (csrf={token!r:.24})"
        assert r.status_code == expected, f"{where}: {r.status_code} {html(r).alerts}"
        if expected == 403:
            assert html(r).alerts == ["CSRF_FAILED"], f"{where}: {html(r).alerts}"
        assert not changed(before, dump(w.app)), f"{where}: changed {changed(before, dump(w.app))}"
        assert "location" not in r.headers
    assert w.c.get("/api/v1/unit", headers=w.A.h).status_code == 200
    assert c.get("/hall/", follow_redirects=False).status_code == 200, f"{what}: A's portal session ended"


def test_a_non_ascii_csrf_token_is_refused_like_any_wrong_one(shared):
    w = shared
    c = w.web(w.A)
    bad = []
    for case in WEB_CASES:
        if case.method != "POST" or case.template in ("/hall/{path:path}", "/hall/login"):
            continue
        x = first_ident(case, w.A)
        r = _send(c, case, case.url(w, w.A, x), _web_form(case, w, w.A, x), csrf="\u00e9" * 64)
        if r.status_code != 403:
            bad.append(f"{case.label or case.template}: {r.status_code} {html(r).alerts}")
    login_csrf(c)
    r = c.post("/hall/login", data={"csrf": "\u00e9" * 64, "serial": w.A.serial, "pin": w.A.pin})
    if r.status_code != 403:
        bad.append(f"/hall/login: {r.status_code} {html(r).alerts}")
    assert not bad, bad


# --- cookies and URLs -------------------------------------------------------------------------------
@pytest.mark.parametrize("base", ["http://testserver", "https://testserver"])
def test_session_cookie_attributes_and_no_session_id_in_urls(fresh, base):
    w = fresh
    c = w.stack.enter_context(TestClient(w.app, base_url=base))
    r = c.get("/hall/login")
    pre = [h for h in r.headers.get_list("set-cookie") if h.startswith("gjj_presession=")]
    assert pre and "httponly" in pre[0].lower() and re.search(r"samesite=(lax|strict)", pre[0].lower())
    assert not [h for h in r.headers.get_list("set-cookie") if h.startswith("gjj_session=")]
    r = c.post("/hall/login", data={"csrf": html(r).csrf, "serial": w.A.serial, "pin": w.A.pin},
               follow_redirects=False)
    assert r.status_code == 303, r.text[:200]
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("gjj_session="))
    attrs = [a.strip().lower() for a in cookie.split(";")]
    token = cookie.split(";")[0].split("=", 1)[1]
    assert "httponly" in attrs, cookie
    assert "samesite=lax" in attrs or "samesite=strict" in attrs, cookie
    assert "path=/" in attrs, cookie
    assert ("secure" in attrs) is base.startswith("https"), cookie
    assert token not in r.headers["location"]
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and token not in page.text and token not in str(page.url)
    assert html(page).csrf and html(page).csrf != token
    out = c.post("/hall/logout", data={"csrf": html(page).csrf}, follow_redirects=False)
    gone = next(h for h in out.headers.get_list("set-cookie") if h.startswith("gjj_session="))
    assert "max-age=0" in gone.lower() and "path=/" in gone.lower()
    is_problem(w.c.get("/api/v1/unit", headers=bearer(token)), 401, "UNAUTHENTICATED", "after logout")


# =============================================================================================
# Test control
# =============================================================================================
TOKEN = "t"


@dataclass(frozen=True)
class ControlOp:
    sample: str                                      # a concrete path for the refused actors
    body: dict | None = None
    valid: Callable[[Callable], tuple[str, dict | None]] | None = None  # (call) -> (path, body) that works


def _seeded(call, **spec) -> dict:
    return call("POST", "/_sim/seed", {"seed": 0, "units": [spec]})["units"][0]


def _unit_path(call, rest: str, **spec) -> str:
    return f"/_sim/units/{_seeded(call, first_month='2024-01', **spec)['account_no']}{rest}"


def _later(call) -> str:
    from datetime import datetime, timedelta
    return (datetime.fromisoformat(call("GET", "/_sim/clock", None)["now"]) + timedelta(minutes=1)).isoformat()


CONTROL_OPS: dict[tuple[str, str], ControlOp] = {
    ("POST", "/_sim/reset"): ControlOp("/_sim/reset", {"now": WEDNESDAY_10}),
    ("POST", "/_sim/seed"): ControlOp("/_sim/seed", {"seed": 0, "units": [{}]}),
    ("GET", "/_sim/clock"): ControlOp("/_sim/clock"),
    ("PUT", "/_sim/clock"): ControlOp("/_sim/clock", {"now": "2025-03-05T10:30:00+08:00"},
                                      lambda call: ("/_sim/clock", {"now": _later(call)})),
    ("POST", "/_sim/clock/advance"): ControlOp("/_sim/clock/advance", {"minutes": 1}),
    ("GET", "/_sim/calendar/{day}"): ControlOp("/_sim/calendar/2025-03-05"),
    ("GET", "/_sim/policy"): ControlOp("/_sim/policy"),
    ("POST", "/_sim/units/{unit}/remittances"): ControlOp(
        "/_sim/units/3200010001/remittances", {"month": "2025-02"},
        lambda call: (_unit_path(call, "/remittances", remitted_through="2025-01"), {"month": "2025-02"})),
    ("POST", "/_sim/units/{unit}/remittances/{month}/arrival"): ControlOp(
        "/_sim/units/3200010001/remittances/2025-02/arrival", None,
        lambda call: (_unit_path(call, "/remittances/2025-02/arrival", remitted_through="2025-02",
                                 arrived_through="2025-01"), None)),
    ("GET", "/_sim/units/{unit}"): ControlOp(
        "/_sim/units/3200010001", None, lambda call: (f"/_sim/units/{_seeded(call)['account_no']}", None)),
    ("GET", "/_sim/employees/{personal_no}"): ControlOp(
        "/_sim/employees/100000100000", None,
        lambda call: (f"/_sim/employees/{_seeded(call, employees=[{}])['employees'][0]['personal_no']}", None)),
    ("GET", "/_sim/pending"): ControlOp("/_sim/pending"),
    ("POST", "/_sim/certificates/{serial}/unlock"): ControlOp(
        "/_sim/certificates/JSCA0100000001/unlock", None,
        lambda call: (f"/_sim/certificates/{_seeded(call)['certificates'][0]['serial']}/unlock", None)),
    ("POST", "/_sim/certificate-applications"): ControlOp(
        "/_sim/certificate-applications", {"unit_name": "常州市武进区新星电子有限公司", "uscc": "91320400MA7283FQ1W"}),
}
CONTROL_ACTORS = ("absent", "token-missing", "token-wrong", "token-right", "remote", "loopback")
CONTROL_CASES = [pytest.param(m, p, actor, id=f"{m}:{p}-{actor}") for m, p in API_OPS if p.startswith("/_sim/")
                 for actor in CONTROL_ACTORS]


@dataclass
class ControlApps:
    absent: Any
    token: Any
    open: Any
    clients: dict


@pytest.fixture(scope="module")
def control_apps(stack) -> ControlApps:
    absent = create_app(":memory:")
    token = create_app(":memory:", test_control=True, control_token=TOKEN)
    open_ = create_app(":memory:", test_control=True)
    mk = lambda app, host="testclient": stack.enter_context(TestClient(app, client=(host, 50000)))
    clients = {"absent": mk(absent), "token": mk(token), "token-127": mk(token, "127.0.0.1"),
               "token-remote": mk(token, "203.0.113.5"),
               "open": mk(open_), "open-127": mk(open_, "127.0.0.1"), "open-::1": mk(open_, "::1"),
               "remote": mk(open_, "203.0.113.5"), "remote-10": mk(open_, "10.0.0.8")}
    for name in ("open", "token"):  # a little world, so that a wrongly served call would have effects
        c, h = clients[name], ({"X-Sim-Token": TOKEN} if name == "token" else {})
        c.post("/_sim/reset", json={"now": WEDNESDAY_10}, headers=h).raise_for_status()
        c.post("/_sim/seed", json=WORLD_SPEC, headers=h).raise_for_status()
    return ControlApps(absent, token, open_, clients)


def _unknown(c: TestClient, method: str, headers: dict | None = None):
    return c.request(method, "/_sim/no-such-control", headers=headers or {})


def _same_as_unknown(r, u, what: str) -> None:
    assert r.status_code == 404, f"{what}: expected 404, got {r.status_code} {r.text[:200]}"
    assert (r.headers.get("content-type"), r.json()) == (u.headers.get("content-type"), u.json()), \
        f"{what}: the refusal differs from an unknown path's: {r.text} vs {u.text}"


@pytest.mark.parametrize("method,path,actor", CONTROL_CASES)
def test_control_matrix(method, path, actor, control_apps: ControlApps, request):
    _ran(request, "control")
    what = f"{method} {path} as {actor}"
    op = CONTROL_OPS.get((method, path))
    if op is None:
        pytest.fail(f"control operation {method} {path} has no entry in {__name__}.CONTROL_OPS")
    apps, cl = control_apps, control_apps.clients

    def refused(app, clients_headers):
        for c, headers in clients_headers:
            before = dump(app)
            r = c.request(method, op.sample, json=op.body, headers=headers)
            _same_as_unknown(r, _unknown(c, method, headers), f"{what} {headers}")
            assert not changed(before, dump(app)), f"{what}: a refused control call changed {changed(before, dump(app))}"

    def served(c, headers):
        def call(m, p, body):
            r = c.request(m, p, json=body, headers=headers)
            assert r.status_code < 400, f"{what} set-up {m} {p}: {r.status_code} {r.text[:200]}"
            return r.json() if r.content else None
        p, body = op.valid(call) if op.valid else (op.sample, op.body)
        r = c.request(method, p, json=body, headers=headers)
        assert 200 <= r.status_code < 300, f"{what}: {r.status_code} {r.text[:300]}"

    if actor == "absent":
        refused(apps.absent, [(cl["absent"], {}), (cl["absent"], {"X-Sim-Token": TOKEN})])
        assert path not in cl["absent"].get("/openapi.json").json()["paths"]
    elif actor == "token-missing":
        refused(apps.token, [(cl["token"], {}), (cl["token-127"], {})])  # even from loopback
        assert path not in cl["token"].get("/openapi.json").json()["paths"]
    elif actor == "token-wrong":
        refused(apps.token, [(cl["token"], {"X-Sim-Token": v}) for v in ("T", "", "tt", "t,t", TOKEN * 40)]
                + [(cl["token-127"], {"X-Sim-Token": "wrong"})])
    elif actor == "token-right":  # the token is what counts, from loopback or not
        served(cl["token"], {"X-Sim-Token": TOKEN})
        served(cl["token-remote"], {"X-Sim-Token": TOKEN})
    elif actor == "remote":
        refused(apps.open, [(cl["remote"], {}), (cl["remote"], {"X-Sim-Token": TOKEN}), (cl["remote-10"], {})])
    else:  # loopback, on a centre without a token: TestClient's "testclient", 127.0.0.1 and ::1
        for name in ("open", "open-127", "open-::1"):
            served(cl[name], {})
        assert path in cl["open"].get("/openapi.json").json()["paths"]


def test_every_control_operation_has_a_case():
    control = [op for op in API_OPS if op[1].startswith("/_sim/")]
    assert sorted(CONTROL_OPS) == control


def _control_leaks(app, host: str, kind: str) -> list[str]:
    """What an unauthorized caller (no token) sees; answers, not exceptions, as over the network."""
    from_doc = [op for op in API_OPS if op[1].startswith("/_sim/")]
    out = []
    with TestClient(app, client=(host, 50000), raise_server_exceptions=False) as c:
        if kind == "wrong-method":
            for p in sorted({CONTROL_OPS[op].sample for op in from_doc}):
                r = c.request("PATCH", p)
                if r.status_code != 404 or r.json() != _unknown(c, "PATCH").json():
                    out.append(f"PATCH {p}: {r.status_code} {r.json().get('code')}")
        elif kind == "malformed-json":
            for m, p in from_doc:
                if CONTROL_OPS[(m, p)].body is None:
                    continue
                r = c.request(m, CONTROL_OPS[(m, p)].sample, content=b"{not json",
                              headers={"content-type": "application/json"})
                if r.status_code != 404:
                    out.append(f"{m} {p}: {r.status_code} {r.json().get('code')}")
        else:  # a header value that is not ASCII
            r = c.get("/_sim/clock", headers={"X-Sim-Token": "\u00e9t".encode("latin-1")})
            if r.status_code != 404:
                out.append(f"GET /_sim/clock with a non-ASCII X-Sim-Token: {r.status_code} {r.json().get('code')}")
    return out


@pytest.mark.parametrize("kind", [
    pytest.param("wrong-method"),
    pytest.param("malformed-json"),
    pytest.param("non-ascii-token"),
])
def test_a_refused_control_call_does_not_reveal_the_interface(kind, control_apps: ControlApps):
    leaks = [f"(token set, none sent) {x}" for x in _control_leaks(control_apps.token, "127.0.0.1", kind)] + \
        [f"(loopback only, remote caller) {x}" for x in _control_leaks(control_apps.open, "203.0.113.5", kind)]
    assert not leaks, leaks


def test_control_loopback_is_decided_by_the_client_address(control_apps: ControlApps):
    """No token: served to loopback (127.0.0.0/8, ::1, TestClient's 'testclient'), 404 to anyone else."""
    cl = control_apps.clients
    for name in ("open", "open-127", "open-::1"):
        assert cl[name].get("/_sim/clock").status_code == 200, name
    for host in ("203.0.113.5", "10.0.0.8", "192.168.1.2", "::ffff:203.0.113.5", "2001:db8::1", "not-an-ip"):
        with TestClient(control_apps.open, client=(host, 1)) as c:
            r = c.get("/_sim/clock")
            _same_as_unknown(r, _unknown(c, "GET"), f"client {host}")


# =============================================================================================
# The query password: argon2id in the database, never in a log
# =============================================================================================
def test_query_password_is_stored_as_argon2id_and_never_logged(fresh, caplog):
    w = fresh
    api_pw, web_pw = "Zq7pW3xK9mApi", "Hy4vN8rT2cWeb"
    spec = {"seed": 3, "units": [{"key": "C", "opening_stage": "not_enabled", "first_month": "2024-01"},
                                 {"key": "D", "opening_stage": "not_enabled", "first_month": "2024-01"}]}
    units = w.ok(w.c.post("/_sim/seed", json=spec))["units"]
    loggers = [logging.getLogger()] + [lg for lg in logging.root.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger)]
    saved = [(lg, lg.level, lg.disabled) for lg in loggers]
    attached = [lg for lg in loggers if not lg.propagate]
    caplog.set_level(logging.DEBUG)
    try:
        for lg in loggers:
            lg.setLevel(logging.DEBUG)
            lg.disabled = False
        for lg in attached:
            lg.addHandler(caplog.handler)
        bodies = []
        # the API opening (unit C)
        cert = units[0]["certificates"][0]
        h = bearer(w.ok(w.c.post("/api/v1/session", json={"serial": cert["serial"], "pin": cert["pin"]}))["token"])
        for step, body in [("enable", None), ("agreement", {"accepted": True}), ("unit-info", {}),
                           ("query-password", {"password": "weak"}), ("query-password", {"password": api_pw}),
                           ("complete", None)]:
            r = w.c.post(f"/api/v1/opening/{step}", headers=h, json=body)
            bodies.append(r.text)
        assert r.status_code == 200 and r.json()["opened"] is True, r.text
        # the portal's opening (unit D)
        cert = units[1]["certificates"][0]
        b = w.client("opening-web")
        web_login(b, cert["serial"], cert["pin"])
        for step, data in [("enable", {}), ("agreement", {"accepted": "yes"}), ("unit-info", {}),
                           ("query-password", {"password": web_pw, "password2": web_pw + "x"}),
                           ("query-password", {"password": web_pw, "password2": web_pw}), ("complete", {})]:
            csrf = html(b.get("/hall/opening")).csrf
            r = b.post(f"/hall/opening/{step}", data={"csrf": csrf, **data})
            bodies.append(r.text)
        assert 'data-stage="opened"' in r.text, html(r).alerts
    finally:
        for lg, level, disabled in saved:
            lg.setLevel(level)
            lg.disabled = disabled
        for lg in attached:
            lg.removeHandler(caplog.handler)
    conn = w.app.state.services.centre.db.conn
    for unit, pw in ((units[0], api_pw), (units[1], web_pw)):
        stored = conn.execute("SELECT query_password_hash FROM units WHERE account_no = ?",
                              (unit["account_no"],)).fetchone()[0]
        assert stored.startswith("$argon2id$"), stored[:20]
        from argon2 import PasswordHasher
        assert PasswordHasher().verify(stored, pw)
    everything = json.dumps(dump(w.app), ensure_ascii=False, default=str)
    logged = caplog.text + "".join(repr((r.msg, r.args, r.exc_text)) for r in caplog.records)
    assert caplog.records, "no log record was captured: the capture is not working"
    for pw in (api_pw, web_pw):
        assert pw not in everything, "the query password is stored in clear"
        assert pw not in logged, "the query password is in the log"
        assert not [t for t in bodies if pw in t], "the query password is echoed in an answer"


# =============================================================================================
# Summary
# =============================================================================================
def test_zz_summary(request, capsys):
    """How many (operation × actor) cases ran; every collected matrix case must have run."""
    collected = Counter()
    for item in request.session.items:
        if item.module is not request.module:
            continue
        name = item.originalname if hasattr(item, "originalname") else item.name
        for key, fn in (("api", "test_api_matrix"), ("web", "test_web_matrix"), ("csrf", "test_csrf_matrix"),
                        ("control", "test_control_matrix")):
            if name == fn:
                collected[key] += 1
    api_ops = {(m, p) for m, p, _ in (c.values for c in API_CASES)}
    web_pages = {(c.method, c.label or c.template) for c in WEB_CASES}
    control_ops = {(m, p) for m, p, _ in (c.values for c in CONTROL_CASES)}
    lines = [
        (f"authorization matrix: {len(API_OPS)} API operations in /openapi.json "
         f"({len(api_ops)} public+unit, {len(control_ops)} test-control), {len(WEB_ROUTES)} portal routes "
         f"({len(web_pages)} concrete pages/forms)"),
        f"  API    operations × actors: {CHECKED['api']:4d} cases",
        f"  portal pages × actors:      {CHECKED['web']:4d} cases",
        f"  portal POST × CSRF actors:  {CHECKED['csrf']:4d} cases",
        f"  control operations × actors:{CHECKED['control']:4d} cases",
        f"  total:                      {sum(CHECKED.values()):4d} cases",
    ]
    with capsys.disabled():  # shown on the terminal even when output is captured
        print("\n" + "\n".join(lines))
    # that every collected case ran is checked where every worker's reports arrive (tests/session_facts.py)
    record(request, "authz.collected", {k: v for k, v in collected.items() if v})
