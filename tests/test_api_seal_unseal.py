"""Seal (3.3.1) and unseal (3.3.2, 3.7) through the JSON API, at the window edges."""
from conftest import code


def test_seal_after_last_month_arrived_is_accepted_with_a_receipt(sim):
    u = sim.unit(employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    r = sim.submit(h, "seal", personal_no=u.employees["张三"], last_month="2025-02")
    assert r.status_code == 200, r.text
    receipt = r.json()
    assert receipt["business_no"].startswith("02250305")
    assert receipt["business_type"] == "seal"
    assert receipt["follow_ups"] == []  # entrusted collection: nothing more to do (3.2, 3.2.3)


def test_seal_before_the_last_month_arrived_is_refused(sim):
    u = sim.unit(remitted_through="2025-02", arrived_through="2025-01",
                 employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    r = sim.submit(h, "seal", personal_no=u.employees["张三"], last_month="2025-02")
    assert r.status_code == 409
    assert code(r) == "SEAL_BEFORE_LAST_MONTH_ARRIVED"
    assert r.json()["clause"] == "3.3.1"


def test_seal_one_moment_after_arrival_is_accepted(sim, client):
    u = sim.unit(remitted_through="2025-01", employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    sim.remit(u, "2025-02", arrived=False)
    assert code(sim.submit(h, "seal", personal_no=u.employees["张三"], last_month="2025-02")) \
        == "SEAL_BEFORE_LAST_MONTH_ARRIVED"
    client.post(f"/_sim/units/{u.account_no}/remittances/2025-02/arrival").raise_for_status()
    assert sim.submit(h, "seal", personal_no=u.employees["张三"], last_month="2025-02").status_code == 200


def test_seal_after_the_next_month_was_remitted_is_refused(sim):
    u = sim.unit(remitted_through="2025-02", employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    r = sim.submit(h, "seal", personal_no=u.employees["张三"], last_month="2025-01")
    assert code(r) == "NEXT_MONTH_ALREADY_REMITTED"


def test_sealing_a_sealed_account_is_refused(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    h = sim.login(u)
    assert code(sim.submit(h, "seal", personal_no=u.employees["李四"], last_month="2025-02")) == "ACCOUNT_NOT_NORMAL"


def test_unseal_with_the_next_month_to_remit_is_accepted(sim, client):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    h = sim.login(u)
    r = sim.submit(h, "unseal", personal_no=u.employees["李四"], start_month="2025-03", base="6000")
    assert r.status_code == 200, r.text
    acct = client.get(f"/api/v1/employees/{u.employees['李四']}", headers=h).json()
    assert acct["state"] == "01" and acct["base"] == "6000.00"


def test_unseal_with_a_start_month_already_remitted_is_refused_with_a_pointer_to_back_pay(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    h = sim.login(u)
    r = sim.submit(h, "unseal", personal_no=u.employees["李四"], start_month="2025-02", base="6000")
    assert code(r) == "UNSEAL_START_MONTH_REMITTED"
    assert "2025-03" in r.json()["detail"] and "补缴" in r.json()["detail"]


def test_unseal_before_the_previous_month_is_remitted_is_refused(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    h = sim.login(u)
    assert code(sim.submit(h, "unseal", personal_no=u.employees["李四"], start_month="2025-04",
                           base="6000")) == "UNSEAL_TOO_EARLY"


def test_unseal_is_not_blocked_by_a_reported_wrong_name_and_says_where_to_correct_it(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    h = sim.login(u)
    r = sim.submit(h, "unseal", personal_no=u.employees["李四"], start_month="2025-03", base="6000",
                   reported_errors=["name", "id_number"])
    assert r.status_code == 200, r.text
    todo = " ".join(r.json()["follow_ups"])
    assert "身份证和公积金储存卡" in todo and "公积金中心" in todo


def test_unseal_base_outside_the_limits_in_force_is_refused(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    h = sim.login(u)
    # base_limits in force on 2025-03-05 (placeholder data): 2020–24000
    assert code(sim.submit(h, "unseal", personal_no=u.employees["李四"], start_month="2025-03",
                           base="24000.01")) == "BASE_OUT_OF_RANGE"
    assert sim.submit(h, "unseal", personal_no=u.employees["李四"], start_month="2025-03",
                      base="24000").status_code == 200


def test_seal_after_a_base_adjustment_drops_the_unpaid_segment(sim, client):
    u = sim.unit(employees=[{"key": "张三", "name": "张三", "base": "6000"}])
    h = sim.login(u)
    pno = u.employees["张三"]
    assert sim.submit(h, "base-adjustment", personal_no=pno, base="7000", effective_month="2025-03").status_code == 200
    r = sim.submit(h, "seal", personal_no=pno, last_month="2025-02")
    assert r.status_code == 200, r.text
    acct = client.get(f"/api/v1/employees/{pno}", headers=h).json()
    assert acct["state"] == "02" and acct["paid_through"] == "2025-02"
    assert acct["segments"][-1]["end_month"] == "2025-02" and len(acct["segments"]) == 1


def test_a_receipt_with_something_to_do_does_not_also_say_nothing_is_left_to_do(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-12"}])
    h = sim.login(u)
    r = sim.submit(h, "unseal", personal_no=u.employees["李四"], start_month="2025-03", base="6000",
                   reported_errors=["name"])
    assert r.json()["follow_ups"] and not any("无需再到公积金窗口" in n for n in r.json()["notes"])
