"""Shared fixtures: an in-memory reference centre under test control, and a small world."""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)

from fastapi.testclient import TestClient  # noqa: E402

from session_facts import SessionFacts  # noqa: E402

from gjj.simulator.app import create_app  # noqa: E402

WEDNESDAY_10 = "2025-03-05T10:00:00+08:00"


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(SessionFacts(config), "gjj-session-facts")


@pytest.fixture
def app():
    return create_app(":memory:", test_control=True)


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        c.post("/_sim/reset", json={"now": WEDNESDAY_10}).raise_for_status()
        yield c


@dataclass
class UnitHandle:
    account_no: str
    serial: str
    pin: str
    employees: dict[str, str]  # key -> personal_no
    raw: dict


class Sim:
    """A thin helper over the API and the test-control contract, so tests read as rules."""

    def __init__(self, client: TestClient) -> None:
        self.c = client
        self.tokens: dict[str, str] = {}

    def seed(self, *units: dict, seed: int = 0) -> list[UnitHandle]:
        r = self.c.post("/_sim/seed", json={"seed": seed, "units": list(units)})
        assert r.status_code == 200, r.text
        out = []
        for u in r.json()["units"]:
            cert = u["certificates"][0]
            out.append(UnitHandle(u["account_no"], cert["serial"], cert["pin"],
                                  {e["key"]: e["personal_no"] for e in u["employees"] if e["key"]}, u))
        return out

    def unit(self, **kw) -> UnitHandle:
        spec = {"first_month": "2024-01", "remitted_through": "2025-02"} | kw
        return self.seed(spec)[0]

    def login(self, u: UnitHandle) -> dict:
        r = self.c.post("/api/v1/session", json={"serial": u.serial, "pin": u.pin})
        assert r.status_code == 200, r.text
        return {"Authorization": "Bearer " + r.json()["token"]}

    def at(self, when: str) -> None:
        r = self.c.put("/_sim/clock", json={"now": when})
        assert r.status_code == 200, r.text

    def advance(self, **delta) -> None:
        r = self.c.post("/_sim/clock/advance", json=delta)
        assert r.status_code == 200, r.text

    def remit(self, u: UnitHandle, month: str, arrived: bool = True) -> None:
        r = self.c.post(f"/_sim/units/{u.account_no}/remittances", json={"month": month, "arrived": arrived})
        assert r.status_code == 200, r.text

    def draft(self, h: dict, kind: str, **payload):
        return self.c.post(f"/api/v1/businesses/{kind}", json=payload, headers=h)

    def submit(self, h: dict, kind: str, **payload):
        """Draft and submit in one go; returns the submit response (or the refused draft)."""
        d = self.draft(h, kind, **payload)
        if d.status_code != 201:
            return d
        return self.c.post(f"/api/v1/businesses/{d.json()['business_id']}/submit", headers=h)


@pytest.fixture
def sim(client) -> Sim:
    return Sim(client)


def code(response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return response.json()["code"]
