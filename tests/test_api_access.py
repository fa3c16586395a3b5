"""Login (2.2), first-login prompt (2.3), opening in order (1.0, 1.1.2, 1.2), sessions, isolation."""
from conftest import code

PROMPT = "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？"


def test_wrong_pins_count_down_and_the_limit_locks_the_certificate(sim, client):
    u = sim.unit()
    for remaining in range(9, 0, -1):
        r = client.post("/api/v1/session", json={"serial": u.serial, "pin": "000000"})
        assert code(r) == "WRONG_PIN" and f"还可尝试{remaining}次" in r.json()["detail"]
    r = client.post("/api/v1/session", json={"serial": u.serial, "pin": "000000"})
    assert r.status_code == 423 and code(r) == "CERTIFICATE_LOCKED"
    # locked: even the right PIN is refused, until the CA unlocks it
    assert code(client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"})) == "CERTIFICATE_LOCKED"
    client.post(f"/_sim/certificates/{u.serial}/unlock").raise_for_status()
    assert client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"}).status_code == 200


def test_a_right_pin_resets_the_count(sim, client):
    u = sim.unit()
    for _ in range(5):
        client.post("/api/v1/session", json={"serial": u.serial, "pin": "000000"})
    sim.login(u)
    r = client.post("/api/v1/session", json={"serial": u.serial, "pin": "000000"})
    assert "还可尝试9次" in r.json()["detail"]


def test_a_changed_pin_replaces_the_initial_one(sim, client):
    u = sim.unit()
    h = sim.login(u)
    assert client.put("/api/v1/certificate/pin", headers=h, json={"old_pin": "123456", "new_pin": "864213"}).status_code == 204
    assert code(client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"})) == "WRONG_PIN"
    assert client.post("/api/v1/session", json={"serial": u.serial, "pin": "864213"}).status_code == 200


def test_unknown_certificate_is_refused(client):
    assert code(client.post("/api/v1/session", json={"serial": "JSCA-NOPE", "pin": "123456"})) == "CERTIFICATE_NOT_FOUND"


def test_session_expires_after_the_policy_time_of_inactivity(sim, client):
    u = sim.unit()
    h = sim.login(u)
    sim.advance(minutes=29, seconds=59)
    assert client.get("/api/v1/unit", headers=h).status_code == 200  # use slides the expiry
    sim.advance(minutes=30)
    assert code(client.get("/api/v1/unit", headers=h)) == "SESSION_EXPIRED"


def test_no_token_and_a_bad_token_are_unauthenticated(client):
    assert code(client.get("/api/v1/roster")) == "UNAUTHENTICATED"
    assert code(client.get("/api/v1/roster", headers={"Authorization": "Bearer nope"})) == "UNAUTHENTICATED"


def test_first_login_of_a_unit_not_enabled_gets_the_exact_prompt_and_opening_goes_in_order(sim, client):
    u = sim.unit(opening_stage="not_enabled")
    r = client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"})
    assert r.json()["prompt"] == PROMPT and r.json()["opened"] is False
    h = {"Authorization": "Bearer " + r.json()["token"]}
    assert code(client.get("/api/v1/roster", headers=h)) == "UNIT_NOT_OPENED"  # 1.0
    assert code(client.post("/api/v1/opening/agreement", headers=h, json={"accepted": True})) == "OPENING_OUT_OF_ORDER"
    assert client.post("/api/v1/opening/enable", headers=h).json()["stage"] == "enabled"  # 是
    assert code(client.post("/api/v1/opening/query-password", headers=h, json={"password": "abc12345"})) \
        == "OPENING_OUT_OF_ORDER"
    assert code(client.post("/api/v1/opening/agreement", headers=h, json={"accepted": False})) == "AGREEMENT_NOT_ACCEPTED"
    assert client.post("/api/v1/opening/agreement", headers=h, json={"accepted": True}).json()["stage"] == "agreement_signed"
    assert client.post("/api/v1/opening/unit-info", headers=h, json={}).json()["stage"] == "info_confirmed"
    assert code(client.post("/api/v1/opening/query-password", headers=h, json={"password": "short1"})) == "QUERY_PASSWORD_WEAK"
    assert client.post("/api/v1/opening/query-password", headers=h, json={"password": "abc12345"}).json()["stage"] == "password_set"
    done = client.post("/api/v1/opening/complete", headers=h).json()
    assert done["opened"] is True
    assert code(client.post("/api/v1/opening/complete", headers=h)) == "OPENING_ALREADY_DONE"
    assert client.get("/api/v1/roster", headers=h).status_code == 200
    again = client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"}).json()
    assert again["prompt"] is None


def test_answering_no_leaves_the_unit_unopened(sim, client):
    # 否 is simply not calling enable: the next login shows the prompt again
    u = sim.unit(opening_stage="not_enabled")
    client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"})
    r = client.post("/api/v1/session", json={"serial": u.serial, "pin": "123456"})
    assert r.json()["prompt"] == PROMPT


def test_query_password_is_stored_hashed(sim, client, app):
    u = sim.unit(opening_stage="password_set", query_password="abc12345xyz")
    conn = app.state.services.centre.db.conn
    stored = conn.execute("SELECT query_password_hash FROM units WHERE account_no = ?", (u.account_no,)).fetchone()[0]
    assert stored.startswith("$argon2id$") and "abc12345xyz" not in stored


def test_one_unit_cannot_see_or_change_another_units_employees(sim, client):
    a = sim.unit(employees=[{"key": "张三", "name": "张三"}])
    b = sim.unit()
    hb = sim.login(b)
    pno = a.employees["张三"]
    assert code(client.get(f"/api/v1/employees/{pno}", headers=hb)) == "EMPLOYEE_NOT_FOUND"
    assert code(sim.draft(hb, "seal", personal_no=pno, last_month="2025-02")) == "EMPLOYEE_NOT_FOUND"
    # and a non-existent number looks exactly the same (no enumeration)
    r1 = client.get(f"/api/v1/employees/{pno}", headers=hb).json()
    r2 = client.get("/api/v1/employees/199999999999", headers=hb).json()
    assert r1["code"] == r2["code"] and r1["status"] == r2["status"]
    d = sim.draft(sim.login(a), "seal", personal_no=pno, last_month="2025-02").json()
    assert code(client.post(f"/api/v1/businesses/{d['business_id']}/submit", headers=hb)) == "BUSINESS_NOT_FOUND"
    assert code(client.get(f"/api/v1/businesses/{d['business_id']}", headers=hb)) == "BUSINESS_NOT_FOUND"


def test_a_wrong_old_pin_when_changing_it_is_a_field_error_that_still_counts(sim, client):
    u = sim.unit()
    h = sim.login(u)
    r = client.put("/api/v1/certificate/pin", headers=h, json={"old_pin": "000000", "new_pin": "864213"})
    assert r.status_code == 422 and code(r) == "OLD_PIN_WRONG" and "还可尝试9次" in r.json()["detail"]
    r = client.post("/api/v1/session", json={"serial": u.serial, "pin": "000000"})
    assert "还可尝试8次" in r.json()["detail"]


def test_locking_the_certificate_ends_its_sessions_with_the_lock_message(sim, client):
    u = sim.unit()
    h = sim.login(u)
    for _ in range(10):
        client.post("/api/v1/session", json={"serial": u.serial, "pin": "000000"})
    assert code(client.get("/api/v1/unit", headers=h)) == "CERTIFICATE_LOCKED"
    assert code(client.get("/api/v1/roster", headers=h)) == "CERTIFICATE_LOCKED"  # says so every time
    client.post(f"/_sim/certificates/{u.serial}/unlock").raise_for_status()
    assert client.get("/api/v1/unit", headers=h).status_code == 200


def test_a_unit_not_yet_opened_sees_its_unit_info_but_no_accounts(sim, client):
    u = sim.unit(opening_stage="agreement_signed", employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    assert client.get("/api/v1/unit", headers=h).status_code == 200  # needed to 核对单位信息
    for path in (f"/api/v1/employees/{u.employees['张三']}", "/api/v1/unit/remittances",
                 "/api/v1/unit/deposit-info", "/api/v1/businesses", "/api/v1/roster", "/api/v1/slips/2025-02"):
        assert code(client.get(path, headers=h)) == "UNIT_NOT_OPENED", path
