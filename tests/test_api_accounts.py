"""Establish, transfer and the new-hire paths (3.9), receipts (3.2.1–3.2.3, 3.8), base adjustment."""
from conftest import code

from gjj.fixtures.generators import Generator

GEN = Generator(77)


def test_establish_returns_a_receipt_naming_both_storage_card_ways(sim):
    u = sim.unit()
    h = sim.login(u)
    r = sim.submit(h, "establish", name="王五", id_number=GEN.id_number(), base="5000")
    assert r.status_code == 200, r.text
    todo = " ".join(r.json()["follow_ups"])
    assert "由职工本人携带身份证原件" in todo and "由单位经办人携带单位登记证" in todo  # 3.2.1, 3.8
    assert r.json()["result"]["start_month"] == "2025-03"  # the unit's next month to remit (3.9)


def test_establish_for_a_unit_without_entrusted_collection_says_to_print_slips_at_a_collection_point(sim):
    u = sim.unit(entrusted_collection=False)
    h = sim.login(u)
    r = sim.submit(h, "establish", name="王五", id_number=GEN.id_number(), base="5000")
    assert any("汇缴受理点打印汇（补）缴书" in t for t in r.json()["follow_ups"])  # 3.2.2


def test_establishing_an_id_that_already_has_an_account_points_to_transfer(sim):
    other = sim.unit(employees=[{"key": "赵六", "name": "赵六"}])
    taken = other.raw["employees"][0]["id_number"]
    u = sim.unit()
    h = sim.login(u)
    r = sim.submit(h, "establish", name="赵六", id_number=taken, base="5000")
    assert code(r) == "ID_ALREADY_HAS_ACCOUNT"
    assert "职工转移" in r.json()["detail"] and r.json()["clause"] == "3.9"


def test_an_invalid_id_number_is_refused_when_the_draft_is_saved(sim):
    u = sim.unit()
    h = sim.login(u)
    bad = GEN.id_number()[:-1] + ("0" if GEN.id_number()[-1] != "0" else "1")
    r = sim.draft(h, "establish", name="王五", id_number=bad[:17] + "Y", base="5000")
    assert code(r) == "INVALID_ID_NUMBER"


def test_transfer_of_an_account_sealed_elsewhere_arrives_sealed_and_then_unseals(sim, client):
    old = sim.unit(employees=[{"key": "赵六", "name": "赵六", "state": "sealed", "last_month": "2025-01"}])
    person = old.raw["employees"][0]
    new = sim.unit()
    h = sim.login(new)
    r = sim.submit(h, "transfer", name="赵六", id_number=person["id_number"])
    assert r.status_code == 200, r.text
    assert any("职工启封" in t for t in r.json()["follow_ups"])
    acct = client.get(f"/api/v1/employees/{person['personal_no']}", headers=h).json()
    assert acct["state"] == "02" and acct["origin"] == "transferred_in"
    r = sim.submit(h, "unseal", personal_no=person["personal_no"], start_month="2025-03", base="7000")
    assert r.status_code == 200, r.text
    # the old unit no longer sees the account
    assert client.get(f"/api/v1/employees/{person['personal_no']}", headers=sim.login(old)).status_code == 404


def test_transfer_of_an_account_still_normal_at_its_old_unit_is_refused(sim):
    old = sim.unit(employees=[{"key": "赵六", "name": "赵六"}])
    person = old.raw["employees"][0]
    h = sim.login(sim.unit())
    assert code(sim.submit(h, "transfer", name="赵六", id_number=person["id_number"])) == "TRANSFER_SOURCE_NOT_SEALED"


def test_transfer_with_a_name_that_does_not_match_the_id_is_refused_without_revealing_the_account(sim):
    old = sim.unit(employees=[{"key": "赵六", "name": "赵六", "state": "sealed", "last_month": "2025-01"}])
    h = sim.login(sim.unit())
    r = sim.submit(h, "transfer", name="赵七", id_number=old.raw["employees"][0]["id_number"])
    assert code(r) == "TRANSFER_SOURCE_NOT_FOUND"


def test_late_establishment_back_pay_covers_the_months_since_employment(sim, client):
    u = sim.unit()
    h = sim.login(u)
    r = sim.submit(h, "establish", name="王五", id_number=GEN.id_number(), base="5000", employed_from="2024-12")
    pno = r.json()["result"]["personal_no"]
    r = sim.submit(h, "back-pay", personal_no=pno, cause="late_establish", months=["2024-12", "2025-01", "2025-02"])
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert result["total"] == "2400.00"  # 3 × (400 + 400) at base 5000 × 8 %
    assert result["settle_month"] == "2025-03"
    again = sim.submit(h, "back-pay", personal_no=pno, cause="late_establish", months=["2025-01"])
    assert code(again) == "BACKPAY_MONTH_ALREADY_PAID"


def test_back_pay_for_a_base_shortfall_is_not_possible_online(sim):
    u = sim.unit(employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    r = sim.submit(h, "back-pay", personal_no=u.employees["张三"], cause="base_shortfall", months=["2025-01"])
    assert code(r) == "BACKPAY_CAUSE_NOT_ONLINE"
    assert "柜面" in r.json()["detail"]


def test_late_unseal_back_pay_fills_the_gap_between_seal_and_unseal(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-10"}])
    h = sim.login(u)
    pno = u.employees["李四"]
    assert sim.submit(h, "unseal", personal_no=pno, start_month="2025-03", base="6000").status_code == 200
    r = sim.submit(h, "back-pay", personal_no=pno, cause="late_unseal", months=["2024-11", "2024-12", "2025-01", "2025-02"])
    assert r.status_code == 200, r.text
    assert code(sim.submit(h, "back-pay", personal_no=pno, cause="late_unseal", months=["2024-10"])) \
        == "BACKPAY_MONTH_ALREADY_PAID"


def test_back_pay_of_a_month_not_yet_due_is_refused(sim):
    u = sim.unit(employees=[{"key": "李四", "state": "sealed", "last_month": "2024-10"}])
    h = sim.login(u)
    pno = u.employees["李四"]
    sim.submit(h, "unseal", personal_no=pno, start_month="2025-03", base="6000")
    assert code(sim.submit(h, "back-pay", personal_no=pno, cause="late_unseal", months=["2025-03"])) \
        == "BACKPAY_MONTH_NOT_DUE"


def test_base_adjustment_from_the_next_month_to_remit(sim, client):
    u = sim.unit(employees=[{"key": "张三", "name": "张三", "base": "5000"}])
    h = sim.login(u)
    pno = u.employees["张三"]
    assert code(sim.submit(h, "base-adjustment", personal_no=pno, base="6000", effective_month="2025-02")) \
        == "BASE_EFFECTIVE_MONTH"
    r = sim.submit(h, "base-adjustment", personal_no=pno, base="6000", effective_month="2025-03")
    assert r.status_code == 200, r.text
    acct = client.get(f"/api/v1/employees/{pno}", headers=h).json()
    assert acct["base"] == "6000.00"
    assert [s["base"] for s in acct["segments"]] == ["5000.00", "6000.00"]


def test_deposit_verification_once_per_month(sim, client):
    u = sim.unit(employees=[{"key": "张三", "name": "张三", "base": "5000"}])
    h = sim.login(u)
    info = client.get("/api/v1/unit/deposit-info", headers=h).json()
    assert info["month"] == "2025-03" and info["normal_count"] == 1 and info["total_amount"] == "800.00"
    assert sim.submit(h, "deposit-verification", confirmed=True).status_code == 200
    assert code(sim.submit(h, "deposit-verification", confirmed=True)) == "VERIFICATION_ALREADY_SUBMITTED"


def test_repeated_submit_returns_the_same_receipt_and_creates_one_business(sim, client):
    u = sim.unit(employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    d = sim.draft(h, "seal", personal_no=u.employees["张三"], last_month="2025-02").json()
    first = client.post(f"/api/v1/businesses/{d['business_id']}/submit", headers=h).json()
    second = client.post(f"/api/v1/businesses/{d['business_id']}/submit", headers=h).json()
    assert first == second
    listed = client.get("/api/v1/businesses", params={"status": "submitted"}, headers=h).json()
    assert listed["total"] == 1


def test_an_idempotency_key_cannot_be_reused_for_another_business(sim, client):
    u = sim.unit(employees=[{"key": "张三", "name": "张三"}, {"key": "王五", "name": "王五"}])
    h = sim.login(u)
    d1 = sim.draft(h, "seal", personal_no=u.employees["张三"], last_month="2025-02").json()
    d2 = sim.draft(h, "seal", personal_no=u.employees["王五"], last_month="2025-02").json()
    k = {**h, "Idempotency-Key": "k-1"}
    assert client.post(f"/api/v1/businesses/{d1['business_id']}/submit", headers=k).status_code == 200
    assert code(client.post(f"/api/v1/businesses/{d2['business_id']}/submit", headers=k)) == "IDEMPOTENCY_KEY_REUSED"


def test_a_submitted_business_cannot_be_deleted(sim, client):
    u = sim.unit(employees=[{"key": "张三", "name": "张三"}])
    h = sim.login(u)
    d = sim.draft(h, "seal", personal_no=u.employees["张三"], last_month="2025-02").json()
    client.post(f"/api/v1/businesses/{d['business_id']}/submit", headers=h)
    assert code(client.delete(f"/api/v1/businesses/{d['business_id']}", headers=h)) == "BUSINESS_NOT_DRAFT"
