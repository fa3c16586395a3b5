"""Accepted submissions survive a restart; `gjj serve --test-control` answers on a free port."""
import signal
import warnings

import requests
from fastapi.testclient import TestClient

from gjj.simulator.app import create_app
from gjj.simulator.server import CentreProcess, gjj_command

warnings.filterwarnings("ignore", category=DeprecationWarning)

BUSINESSES = {  # clause 0.1: every business has its operations in the OpenAPI document
    "establish": ("post", "/api/v1/businesses/establish"),
    "seal": ("post", "/api/v1/businesses/seal"),
    "unseal": ("post", "/api/v1/businesses/unseal"),
    "transfer": ("post", "/api/v1/businesses/transfer"),
    "back-pay": ("post", "/api/v1/businesses/back-pay"),
    "base adjustment": ("post", "/api/v1/businesses/base-adjustment"),
    "deposit-info verification": ("post", "/api/v1/businesses/deposit-verification"),
    "submit": ("post", "/api/v1/businesses/{business_id}/submit"),
    "account query": ("get", "/api/v1/employees/{personal_no}"),
    "roster query": ("get", "/api/v1/roster"),
    "printing": ("get", "/api/v1/slips/{month}"),
}


def test_restart_on_the_same_database_keeps_every_accepted_submission_and_the_clock(tmp_path):
    db = tmp_path / "centre.db"
    with TestClient(create_app(db, test_control=True)) as c:
        c.post("/_sim/reset", json={"now": "2025-03-05T10:00:00+08:00"}).raise_for_status()
        u = c.post("/_sim/seed", json={"units": [{"first_month": "2024-01", "remitted_through": "2025-02",
                                                   "employees": [{"key": "张三", "name": "张三"}]}]}).json()["units"][0]
        tok = c.post("/api/v1/session", json={"serial": u["certificates"][0]["serial"], "pin": "123456"}).json()["token"]
        h = {"Authorization": f"Bearer {tok}"}
        d = c.post("/api/v1/businesses/seal", headers=h,
                   json={"personal_no": u["employees"][0]["personal_no"], "last_month": "2025-02"}).json()
        receipt = c.post(f"/api/v1/businesses/{d['business_id']}/submit", headers=h).json()
        c.post("/_sim/clock/advance", json={"hours": 2}).raise_for_status()
    with TestClient(create_app(db, test_control=True)) as c:
        assert c.get("/_sim/clock").json()["now"] == "2025-03-05T12:00:00+08:00"
        tok = c.post("/api/v1/session", json={"serial": u["certificates"][0]["serial"], "pin": "123456"}).json()["token"]
        h = {"Authorization": f"Bearer {tok}"}
        got = c.get(f"/api/v1/businesses/{d['business_id']}", headers=h).json()
        assert got["status"] == "submitted" and got["receipt"] == receipt
        assert c.get(f"/api/v1/employees/{u['employees'][0]['personal_no']}", headers=h).json()["state"] == "02"


def test_gjj_serve_with_test_control_answers_openapi_with_every_business(tmp_path):
    with CentreProcess("--db", str(tmp_path / "s.db"), "--test-control", ready_path="/openapi.json") as served:
        base = served.base_url
        spec = requests.get(base + "/openapi.json", timeout=5).json()
        for name, (method, path) in BUSINESSES.items():
            assert method in spec["paths"].get(path, {}), f"{name}: {method.upper()} {path} missing"
        assert requests.get(base + "/_sim/clock", timeout=5).status_code == 200
        r = requests.get(base + "/api/v1/roster", timeout=5)
        assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")
    assert served.proc.returncode == -signal.SIGTERM  # it stopped when asked; not killed


def test_without_test_control_the_control_interface_does_not_exist():
    with TestClient(create_app(":memory:")) as c:
        assert c.get("/_sim/clock").status_code == 404
        assert "/_sim/clock" not in c.get("/openapi.json").json()["paths"]


def test_with_a_control_token_the_interface_needs_it():
    with TestClient(create_app(":memory:", test_control=True, control_token="s3cret")) as c:
        assert c.get("/_sim/clock").status_code == 404
        assert c.get("/_sim/clock", headers={"X-Sim-Token": "wrong"}).status_code == 404
        assert c.get("/_sim/clock", headers={"X-Sim-Token": "s3cret"}).status_code == 200


def test_the_readme_main_job_serves_a_seeded_demo_centre_and_prints_where_to_log_in():
    with CentreProcess(command=[*gjj_command(), "demo", "--port", "0"]) as demo:
        serial = demo.wait_for(r"证书 (\S+) 口令 123456", group=1)
        demo.wait_for(r"按 Ctrl\+C")  # the last line: everything is printed
        base = demo.base_url
        r = requests.post(base + "/api/v1/session", json={"serial": serial, "pin": "123456"}, timeout=5)
        assert r.status_code == 200 and r.json()["opened"] is True
        roster = requests.get(base + "/api/v1/roster", headers={"Authorization": "Bearer " + r.json()["token"]},
                              timeout=5).json()
        assert roster["total"] >= 100
