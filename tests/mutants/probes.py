"""A direct, in-process look at one behaviour of the centre, to prove that a variant's patch
changes what the centre does (not only which function object sits in a module).

A probe builds a fresh centre (``create_app`` under test control, driven through FastAPI's
TestClient: no network), sets up the smallest world that reaches the patched rule, and returns
an observation (a refusal code, a state, a text). tests/test_mutants.py runs each probe on the
reference centre and on the patched one and requires the two observations to differ.
"""
from __future__ import annotations

from dataclasses import dataclass

WEDNESDAY_10 = "2025-03-05T10:00:00+08:00"


@dataclass
class Unit:
    account_no: str
    serial: str
    pin: str
    emp: dict[str, str]     # key -> personal_no
    ids: dict[str, str]     # key -> id_number
    names: dict[str, str]   # key -> name


def outcome(response) -> str:
    """'OK' for a success, else the refusal's stable code."""
    if response.status_code < 400:
        return "OK"
    try:
        return str(response.json().get("code"))
    except ValueError:
        return f"HTTP {response.status_code}"


class ProbeSim:
    def __init__(self, now: str = WEDNESDAY_10) -> None:
        from fastapi.testclient import TestClient

        from gjj.simulator.app import create_app
        self.c = TestClient(create_app(":memory:", test_control=True))
        self._ok(self.c.post("/_sim/reset", json={"now": now}))

    @staticmethod
    def _ok(r):
        assert r.status_code < 400, r.text
        return r.json() if r.content else None

    # --- world ---------------------------------------------------------------------------
    def unit(self, *employees: dict, **spec) -> Unit:
        spec = {"first_month": "2024-01", "remitted_through": "2025-02"} | spec
        spec["employees"] = [{"key": e.get("key", f"e{i}")} | e for i, e in enumerate(employees)]
        got = self._ok(self.c.post("/_sim/seed", json={"seed": 0, "units": [spec]}))["units"][0]
        cert = got["certificates"][0]
        es = got["employees"]
        return Unit(got["account_no"], cert["serial"], cert["pin"], {e["key"]: e["personal_no"] for e in es},
                    {e["key"]: e["id_number"] for e in es}, {e["key"]: e["name"] for e in es})

    def at(self, when: str) -> None:
        self._ok(self.c.put("/_sim/clock", json={"now": when}))

    def remit(self, u: Unit, month: str, arrived: bool = True) -> None:
        self._ok(self.c.post(f"/_sim/units/{u.account_no}/remittances", json={"month": month, "arrived": arrived}))

    # --- portal --------------------------------------------------------------------------
    def login_raw(self, u: Unit, pin: str | None = None):
        return self.c.post("/api/v1/session", json={"serial": u.serial, "pin": u.pin if pin is None else pin})

    def login(self, u: Unit, pin: str | None = None) -> dict:
        body = self._ok(self.login_raw(u, pin))
        return {"Authorization": "Bearer " + body["token"]}

    def submit(self, h: dict, kind: str, **payload):
        d = self.c.post(f"/api/v1/businesses/{kind}", json=payload, headers=h)
        if d.status_code != 201:
            return d
        return self.c.post(f"/api/v1/businesses/{d.json()['business_id']}/submit", headers=h)

    def get(self, h: dict, path: str):
        return self.c.get("/api/v1" + path, headers=h)

    def post(self, h: dict, path: str, body: dict | None = None):
        return self.c.post("/api/v1" + path, json=body or {}, headers=h)

    def put(self, h: dict, path: str, body: dict):
        return self.c.put("/api/v1" + path, json=body, headers=h)

    def state(self, h: dict, personal_no: str) -> str:
        r = self.get(h, f"/employees/{personal_no}")
        return r.json()["state_label"] if r.status_code < 400 else outcome(r)

    def roster_state(self, h: dict, personal_no: str) -> str | None:
        items = self._ok(self.get(h, "/roster?size=200"))["items"]
        return next((i["state_label"] for i in items if i["personal_no"] == personal_no), None)

    # --- web pages (for the web-only variants: what the browser receives) -------------------
    def html(self, path: str, **cookies: str) -> str:
        self.c.cookies.clear()
        for k, v in cookies.items():
            self.c.cookies.set(k, v)
        return self.c.get(path).text

    def web_login(self, u: Unit, via: str = "") -> str:
        """Log in through the login form (with its CSRF token); the HTML of the page it lands on."""
        import re
        self.c.cookies.clear()
        form = self.c.get("/hall/login" + (f"?via={via}" if via else "")).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        data = {"csrf": csrf, "serial": u.serial, "pin": u.pin} | ({"via": via} if via else {})
        return self.c.post("/hall/login", data=data).text
