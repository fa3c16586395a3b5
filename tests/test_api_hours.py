"""Business hours (3.3): working days from the calendar, 09:00:00 inclusive to 17:00:00 exclusive."""
import pytest
from conftest import code


@pytest.mark.parametrize("moment, accepted", [
    ("2025-03-05T08:59:59+08:00", False),
    ("2025-03-05T09:00:00+08:00", True),
    ("2025-03-05T16:59:59+08:00", True),
    ("2025-03-05T17:00:00+08:00", False),
    ("2025-02-08T10:00:00+08:00", True),    # Saturday, adjusted working day (春节调休)
    ("2025-03-08T10:00:00+08:00", False),   # ordinary Saturday
    ("2025-10-01T10:00:00+08:00", False),   # Wednesday, 国庆节
    ("2025-03-05T01:30:00+00:00", True),    # 09:30 in Shanghai
    ("2025-03-05T09:30:00+00:00", False),   # 17:30 in Shanghai
])
def test_submission_is_accepted_only_within_business_hours(client, sim, moment, accepted):
    client.post("/_sim/reset", json={"now": "2025-01-02T08:00:00+08:00"}).raise_for_status()
    u = sim.unit(first_month="2024-01", remitted_through="2024-12",
                 employees=[{"key": "李四", "state": "sealed", "last_month": "2024-06"}])
    sim.at(moment)
    h = sim.login(u)
    draft = sim.draft(h, "deposit-verification", confirmed=True)
    assert draft.status_code == 201  # saving a draft is not a submission: any time
    r = client.post(f"/api/v1/businesses/{draft.json()['business_id']}/submit", headers=h)
    if accepted:
        assert r.status_code == 200, r.text
    else:
        assert code(r) == "OUTSIDE_BUSINESS_HOURS"
        assert r.json()["clause"] == "3.3"
        # the draft is still a draft and can be submitted in business hours
        assert client.get(f"/api/v1/businesses/{draft.json()['business_id']}", headers=h).json()["status"] == "draft"


def test_holiday_refusal_names_the_holiday(client, sim):
    u = sim.unit()
    sim.at("2025-05-01T10:00:00+08:00")
    h = sim.login(u)
    r = sim.submit(h, "deposit-verification", confirmed=True)
    assert code(r) == "OUTSIDE_BUSINESS_HOURS"
    assert "劳动节" in r.json()["detail"]


def test_queries_and_printing_are_available_outside_business_hours(client, sim):
    u = sim.unit()
    sim.at("2025-03-08T22:00:00+08:00")  # Saturday night
    h = sim.login(u)
    assert client.get("/api/v1/roster", headers=h).status_code == 200
    assert client.get("/api/v1/slips/2025-02", headers=h).status_code == 200
