"""Every refused submission answers 4xx with a stable code and Chinese text, and changes nothing.

The database is dumped before and after each refusal and compared table by table (session
bookkeeping excluded: a request's own session is refreshed by use, which is not business data)."""
import re

import pytest
from conftest import code

from gjj.fixtures.generators import Generator

CJK = re.compile(r"[\u4e00-\u9fff]")


def dump(app) -> dict:
    conn = app.state.services.centre.db.conn
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}"))) for t in tables if t != "sessions"}


@pytest.fixture
def world(sim, client):
    u = sim.unit(entrusted_collection=False, employees=[
        {"key": "张三", "name": "张三", "base": "5000"},
        {"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    other = sim.unit(employees=[{"key": "赵六", "name": "赵六"}])
    return u, other, sim.login(u)


REFUSALS = [
    ("seal too late", "seal", lambda u, o: {"personal_no": u.employees["张三"], "last_month": "2025-01"},
     "NEXT_MONTH_ALREADY_REMITTED"),
    ("seal too early", "seal", lambda u, o: {"personal_no": u.employees["张三"], "last_month": "2025-03"},
     "SEAL_BEFORE_LAST_MONTH_ARRIVED"),
    ("seal a sealed account", "seal", lambda u, o: {"personal_no": u.employees["李四"], "last_month": "2025-02"},
     "ACCOUNT_NOT_NORMAL"),
    ("unseal too late", "unseal", lambda u, o: {"personal_no": u.employees["李四"], "start_month": "2025-02",
                                                "base": "5000"}, "UNSEAL_START_MONTH_REMITTED"),
    ("unseal too early", "unseal", lambda u, o: {"personal_no": u.employees["李四"], "start_month": "2025-05",
                                                 "base": "5000"}, "UNSEAL_TOO_EARLY"),
    ("unseal a normal account", "unseal", lambda u, o: {"personal_no": u.employees["张三"], "start_month": "2025-03",
                                                        "base": "5000"}, "ACCOUNT_NOT_SEALED"),
    ("unseal base too high", "unseal", lambda u, o: {"personal_no": u.employees["李四"], "start_month": "2025-03",
                                                     "base": "999999"}, "BASE_OUT_OF_RANGE"),
    ("back-pay base shortfall", "back-pay", lambda u, o: {"personal_no": u.employees["张三"],
                                                          "cause": "base_shortfall", "months": ["2025-01"]},
     "BACKPAY_CAUSE_NOT_ONLINE"),
    ("back-pay paid month", "back-pay", lambda u, o: {"personal_no": u.employees["张三"],
                                                      "cause": "late_establish", "months": ["2025-01"]},
     "BACKPAY_MONTH_ALREADY_PAID"),
    ("establish duplicate id", "establish", lambda u, o: {"name": "赵六", "base": "5000",
                                                          "id_number": o.raw["employees"][0]["id_number"]},
     "ID_ALREADY_HAS_ACCOUNT"),
    ("establish rates unequal", "establish", lambda u, o: {"name": "王五", "base": "5000",
                                                           "id_number": Generator(9).id_number(),
                                                           "unit_rate": "0.12", "personal_rate": "0.05"},
     "RATES_NOT_EQUAL"),
    ("transfer normal account", "transfer", lambda u, o: {"name": "赵六", "id_number": o.raw["employees"][0]["id_number"]},
     "TRANSFER_SOURCE_NOT_SEALED"),
    ("base adjustment into a paid month", "base-adjustment",
     lambda u, o: {"personal_no": u.employees["张三"], "base": "6000", "effective_month": "2025-01"},
     "BASE_EFFECTIVE_MONTH"),
]


@pytest.mark.parametrize("label, kind, payload, expected", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refused_submission_changes_nothing(app, client, sim, world, label, kind, payload, expected):
    u, other, h = world
    d = sim.draft(h, kind, **payload(u, other))
    assert d.status_code == 201, d.text
    before = dump(app)
    r = client.post(f"/api/v1/businesses/{d.json()['business_id']}/submit", headers=h)
    assert 400 <= r.status_code < 500
    assert code(r) == expected
    assert CJK.search(r.json()["detail"])
    assert dump(app) == before


def test_submissions_outside_business_hours_change_nothing(app, client, sim, world):
    u, other, h = world
    d = sim.draft(h, "seal", personal_no=u.employees["张三"], last_month="2025-02").json()
    sim.at("2025-03-05T17:00:00+08:00")
    h = sim.login(u)
    before = dump(app)
    assert code(client.post(f"/api/v1/businesses/{d['business_id']}/submit", headers=h)) == "OUTSIDE_BUSINESS_HOURS"
    assert dump(app) == before


def test_refused_drafts_change_nothing(app, client, sim, world):
    u, other, h = world
    before = dump(app)
    bad = [("establish", {"name": "Bob", "id_number": "1", "base": "5000"}),
           ("establish", {"name": "王五", "id_number": Generator(3).id_number(), "base": "-5"}),
           ("seal", {"personal_no": other.employees["赵六"], "last_month": "2025-02"}),
           ("seal", {"personal_no": u.employees["张三"], "last_month": "2025/02"}),
           ("back-pay", {"personal_no": u.employees["张三"], "cause": "because", "months": ["2025-01"]}),
           ("unseal", {"personal_no": u.employees["李四"], "start_month": "2025-03", "base": "5000",
                       "reported_errors": ["age"]})]
    for kind, payload in bad:
        r = sim.draft(h, kind, **payload)
        assert 400 <= r.status_code < 500, (kind, payload, r.text)
        assert CJK.search(r.json()["detail"])
    assert dump(app) == before


def test_slip_refusals(sim, client):
    u = sim.unit(entrusted_collection=False)
    assert code(client.get("/api/v1/slips/2025-02", headers=sim.login(u))) == "SLIP_NOT_ENTRUSTED"
    e = sim.unit()
    assert code(client.get("/api/v1/slips/2025-03", headers=sim.login(e))) == "SLIP_MONTH_NOT_REMITTED"
