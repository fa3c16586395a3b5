"""Test-control contract behaviours and the printed 汇(补)缴书."""
import io

from conftest import code
from pypdf import PdfReader


def test_clock_never_moves_backwards_except_by_reset(client):
    assert code(client.put("/_sim/clock", json={"now": "2025-03-04T10:00:00+08:00"})) == "CLOCK_BACKWARDS"
    r = client.post("/_sim/reset", json={"now": "2024-01-02T09:00:00"})
    assert r.json()["now"] == "2024-01-02T09:00:00+08:00"  # naive input is read as Beijing time


def test_clock_reports_the_calendar(client):
    r = client.put("/_sim/clock", json={"now": "2025-10-01T10:00:00+08:00"}).json()
    assert r["is_working_day"] is False and r["holiday"] == "国庆节" and r["next_working_day"] == "2025-10-09"


def test_a_date_beyond_the_calendar_data_is_a_clear_error(client, sim):
    u = sim.unit()
    sim.at("2027-03-03T10:00:00+08:00")
    h = sim.login(u)
    r = sim.submit(h, "deposit-verification", confirmed=True)
    assert r.status_code == 503 and code(r) == "CALENDAR_NOT_COVERED"
    assert "2027" in r.json()["detail"] and "fixtures/policy/calendar/2027.toml" in r.json()["detail"]


def test_remittance_goes_month_by_month(client, sim):
    u = sim.unit()
    assert code(client.post(f"/_sim/units/{u.account_no}/remittances", json={"month": "2025-04"})) \
        == "REMITTANCE_OUT_OF_ORDER"
    assert code(client.post(f"/_sim/units/{u.account_no}/remittances/2025-03/arrival")) == "ARRIVAL_BEFORE_REMITTANCE"
    sim.remit(u, "2025-03", arrived=False)
    state = client.get(f"/_sim/units/{u.account_no}").json()["months"]
    assert state["paid_through"] == "2025-03" and state["due_month"] == "2025-04" and "2025-03" not in state["arrived"]


def test_seed_refuses_inconsistent_worlds(client):
    bad = [{"first_month": "2025-01", "remitted_through": "2024-06"},
           {"first_month": "2025-01", "remitted_through": "2025-02", "arrived_through": "2025-03"},
           {"employees": [{"id_number": "123"}]},
           {"employees": [{"state": "frozen"}]},
           {"first_month": "2025-01", "remitted_through": "2025-02",
            "employees": [{"state": "sealed", "last_month": "2025-05"}]},
           {"first_month": "2025-01", "remitted_through": "2025-04"},                    # future month
           {"employees": [{"base": "999999"}]},                                          # beyond base limits
           {"employees": [{"joined_month": "2030-01"}]},                                 # joined after start
           {"operator": {"name": "钱七", "mobile": "12", "id_number": "1"}}]
    for unit in bad:
        r = client.post("/_sim/seed", json={"units": [unit]})
        assert r.status_code == 422, (unit, r.text)
    assert client.get("/_sim/pending").json()["accounts"] == []


def test_seeding_the_same_world_after_a_reset_gives_the_same_data(client):
    world = {"seed": 7, "units": [{"generate_employees": 5}]}
    first = client.post("/_sim/seed", json=world).json()
    client.post("/_sim/reset", json={}).raise_for_status()
    assert client.post("/_sim/seed", json=world).json() == first


def test_certificate_application_records_the_follow_up_deadline(client):
    from gjj.fixtures.generators import Generator
    r = client.post("/_sim/certificate-applications", json={"unit_name": "常州市某某公司", "uscc": Generator(1).uscc()})
    assert r.json()["followup_deadline"] == "2025-03-19"  # 两周内回访 (1.1.1)


def test_policy_in_force_is_readable_with_sources(client):
    p = client.get("/_sim/policy", params={"on": "2025-07-01"}).json()
    assert p["business_hours"] == {"start": "09:00:00", "end": "17:00:00"}
    assert p["meta"]["business_hours"]["verified"] is True
    assert p["meta"]["base_limits"]["verified"] is False


def test_the_slip_pdf_carries_chinese_text_and_the_identity_holds(sim, client):
    u = sim.unit(name="常州市天宁区恒达机械有限公司", first_month="2024-01", remitted_through="2025-01",
                 employees=[{"key": "张三", "name": "张三", "base": "5000"},
                            {"key": "李四", "name": "李四", "base": "6000"}])
    h = sim.login(u)
    sim.submit(h, "seal", personal_no=u.employees["李四"], last_month="2025-01")
    sim.remit(u, "2025-02")
    data = client.get("/api/v1/slips/2025-02/data", headers=h).json()
    assert data["previous"] == {"count": 2, "amount": "1760.00"}
    assert data["decrease"] == {"count": 1, "amount": "960.00"}
    assert data["current"] == {"count": 1, "amount": "800.00"}
    assert data["total_capitals"] == "捌佰元整"
    pdf = client.get("/api/v1/slips/2025-02", headers=h)
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    for expected in ("住房公积金汇（补）缴书", "常州市天宁区恒达机械有限公司", "捌佰元整", "本月减少"):
        assert expected in text.replace(" ", ""), expected


def test_a_month_cannot_be_remitted_before_it_begins(client, sim):
    u = sim.unit(remitted_through="2025-03")
    r = client.post(f"/_sim/units/{u.account_no}/remittances", json={"month": "2025-04"})
    assert code(r) == "REMITTANCE_IN_FUTURE"


def test_internal_employee_state_uses_months_and_money_like_the_api(client, sim):
    u = sim.unit(employees=[{"key": "张三", "name": "张三", "base": "5000", "start_month": "2024-06"}])
    state = client.get(f"/_sim/employees/{u.employees['张三']}").json()
    assert state["segments"][0]["start_month"] == "2024-06" and state["segments"][0]["base"] == "5000.00"
    assert state["paid_through"] == "2025-02" and state["pending"] is False


def test_seeded_values_are_stored_normalised(client):
    from gjj.fixtures.generators import Generator
    gen = Generator(11)
    code_ = gen.uscc().lower()
    idn = gen.id_number()
    u = client.post("/_sim/seed", json={"units": [{"uscc": code_, "operator": {"name": "钱七", "mobile": "13912345678",
                                                                                "id_number": idn.lower()},
                                                    "employees": [{"name": "阿依古丽•艾力"}]}]}).json()["units"][0]
    assert u["uscc"] == code_.upper()
    assert u["employees"][0]["name"] == "阿依古丽·艾力"
