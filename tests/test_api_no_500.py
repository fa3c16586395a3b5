"""No request a client can send produces a 500: every operation of the OpenAPI document is
hit with malformed bodies, wrong types and hostile path values, with and without a session."""
import json

import pytest

JUNK_VALUES = [None, True, 0, -1, 10**30, 1.5, "", " ", "x" * 5000, "'; DROP TABLE units;--", "\u0000",
               "２０２５－０３", "2025-13", "𠮷", [], {}, ["2025-01"] * 3, {"a": 1}]
JUNK_PATH = ["0", "-1", "x" * 300, "%00", "..%2F..", "'or'1'='1", "𠮷", "2025-13", "D00000001", "2025-02"]


def operations(app):
    spec = app.openapi()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            fields = []
            if body:
                ref = body.get("$ref", "").split("/")[-1]
                fields = list(spec["components"]["schemas"].get(ref, {}).get("properties", {}))
            yield method.upper(), path, fields


def bodies(fields):
    yield None
    yield "not json"
    yield "[]"
    yield json.dumps({"unexpected": 1})
    for v in JUNK_VALUES:
        yield json.dumps({f: v for f in fields})
    for i, f in enumerate(fields):  # one field wrong at a time, cycling through the junk
        for v in JUNK_VALUES[i % 3::3]:
            yield json.dumps({f: v})


@pytest.fixture
def session_headers(sim):
    u = sim.unit(employees=[{"key": "张三", "name": "张三"}])
    return sim.login(u)


def test_no_operation_answers_500(app, client, session_headers):
    seen = 0
    for method, path, fields in operations(app):
        if path == "/_sim/reset":
            continue  # would wipe the session the rest of the loop uses
        cases = [({}, JUNK_PATH[0])] + [(session_headers, p) for p in JUNK_PATH]
        for auth, raw_path in cases:
            if "{" not in path and raw_path != JUNK_PATH[0]:
                continue  # no path parameter: one pass per auth state is enough
            url = path
            for name in ("{personal_no}", "{business_id}", "{month}", "{unit}", "{serial}", "{day}"):
                url = url.replace(name, raw_path)
            for body in bodies(fields) if method in ("POST", "PUT") else [None]:
                headers = dict(auth)
                if body is not None:
                    headers["Content-Type"] = "application/json"
                r = client.request(method, url, content=body, headers=headers)
                seen += 1
                assert r.status_code < 500, (method, url, body, r.status_code, r.text[:300])
                if r.status_code >= 400:
                    assert r.headers["content-type"].startswith("application/problem+json"), (method, url)
                    assert r.json()["code"]
    assert seen > 800


def test_unknown_routes_and_methods_are_problems(client):
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and r.json()["code"] == "NOT_FOUND"
    r = client.patch("/api/v1/roster")
    assert r.status_code == 405 and r.json()["code"] == "METHOD_NOT_ALLOWED"
