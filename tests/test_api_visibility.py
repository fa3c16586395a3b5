"""Next-day visibility (3.5 operator changes, 3.6 roster): published by the nightly update."""


def _roster_state(client, h, pno):
    items = client.get("/api/v1/roster", params={"size": 200}, headers=h).json()["items"]
    return next((i["state"] for i in items if i["personal_no"] == pno), None)


def test_roster_shows_a_seal_only_after_the_nightly_update(sim, client):
    u = sim.unit(employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    pno = u.employees["张三"]
    assert sim.submit(h, "seal", personal_no=pno, last_month="2025-02").status_code == 200
    assert _roster_state(client, h, pno) == "01"                 # same day: still the old state
    sim.at("2025-03-05T23:59:59+08:00")
    assert _roster_state(client, sim.login(u), pno) == "01"      # one second before midnight
    sim.at("2025-03-06T00:00:00+08:00")
    assert _roster_state(client, sim.login(u), pno) == "02"      # after the nightly update


def test_a_new_account_appears_on_the_roster_the_next_day(sim, client):
    from gjj.fixtures.generators import Generator
    u = sim.unit()
    h = sim.login(u)
    r = sim.submit(h, "establish", name="王五", id_number=Generator(5).id_number(), base="5000")
    pno = r.json()["result"]["personal_no"]
    assert _roster_state(client, h, pno) is None
    # the internal state shows it waiting for the nightly update
    assert pno in client.get("/_sim/pending").json()["accounts"]
    sim.advance(days=1)
    assert _roster_state(client, sim.login(u), pno) == "01"
    assert client.get("/_sim/pending").json()["accounts"] == []


def test_operator_change_shows_from_the_next_working_day(sim, client):
    sim.at("2025-09-30T15:00:00+08:00")  # the day before National Day
    u = sim.unit()
    h = sim.login(u)
    before = client.get("/api/v1/unit", headers=h).json()["operator"]
    r = client.put("/api/v1/unit/operator", headers=h,
                   json={"name": "钱七", "mobile": "13912345678", "id_number": before["id_number"]})
    assert r.status_code == 200, r.text
    assert r.json()["verify_from"] == "2025-10-09T09:00:00+08:00"  # 第2个工作日 after the holiday
    assert client.get("/api/v1/unit", headers=h).json()["operator"]["name"] == before["name"]
    internal = client.get(f"/_sim/units/{u.account_no}").json()
    assert internal["operator"]["name"] == "钱七" and internal["operator_pending"] is True
    sim.at("2025-10-09T09:00:00+08:00")
    assert client.get("/api/v1/unit", headers=sim.login(u)).json()["operator"]["name"] == "钱七"


def test_a_transferred_account_leaves_the_old_roster_and_joins_the_new_one_the_next_day(sim, client):
    old = sim.unit(employees=[{"key": "赵六", "name": "赵六", "state": "sealed", "last_month": "2025-01"}])
    person = old.raw["employees"][0]
    new = sim.unit()
    sim.submit(sim.login(new), "transfer", name="赵六", id_number=person["id_number"])
    assert _roster_state(client, sim.login(old), person["personal_no"]) == "02"
    assert _roster_state(client, sim.login(new), person["personal_no"]) is None
    sim.advance(days=1)
    assert _roster_state(client, sim.login(old), person["personal_no"]) is None
    assert _roster_state(client, sim.login(new), person["personal_no"]) == "02"
    row = next(i for i in client.get("/api/v1/roster", headers=sim.login(new)).json()["items"]
               if i["personal_no"] == person["personal_no"])
    assert row["base"] is None and row["total_amount"] is None  # no base here until unsealed
