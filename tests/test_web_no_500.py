"""No page of the portal answers 500 (or a stack trace, or the API's problem+json) for junk input."""
from __future__ import annotations

import itertools

import pytest
from test_web_pages import Page, Web

JUNK = ["", " ", "0", "-1", "1e309", "NaN", "Infinity", "2025-13", "2025-00", "0001-01", "９９９", "a" * 1001,
        "9" * 400, "\x00", "😀", "<script>alert(1)</script>", "'; DROP TABLE accounts; --", "%", "null", "[]",
        "{}", "true", "2025-02,2025-02", "、、、", "\u202e", "\ud7ff"]

FORMS = {
    "/hall/business/establish": ["name", "id_number", "base", "employed_from"],
    "/hall/business/seal": ["personal_no", "last_month"],
    "/hall/business/unseal": ["personal_no", "start_month", "base", "reported_errors"],
    "/hall/business/transfer": ["name", "id_number"],
    "/hall/business/back-pay": ["personal_no", "cause", "months"],
    "/hall/business/base-adjustment": ["personal_no", "base", "effective_month"],
    "/hall/business/deposit-verification": ["confirmed", "note"],
    "/hall/unit": ["name", "mobile", "id_number"],
    "/hall/opening/enable": [],
    "/hall/opening/agreement": ["accepted"],
    "/hall/opening/unit-info": ["name", "mobile", "id_number"],
    "/hall/opening/query-password": ["password", "password2"],
    "/hall/opening/complete": [],
    "/hall/pin": ["old_pin", "new_pin"],  # last: wrong old PINs count towards the lock (2.2)
}


def is_page(r) -> bool:
    return (r.status_code < 500 and r.headers.get("content-type", "").startswith("text/html")
            and "Traceback" not in r.text and len(Page(r).h1s) == 1)


@pytest.fixture
def web(client) -> Web:
    return Web(client)


@pytest.mark.parametrize("stage", ["opened", "agreement_signed"])
def test_junk_in_every_form_field_is_a_page(web, sim, client, stage):
    u = sim.unit(opening_stage=stage, employees=[{"key": "a"}, {"key": "b", "state": "sealed"}])
    web.login(u)
    token = web.get("/hall/").csrf
    seen = 0
    for path, fields in FORMS.items():
        for i, value in enumerate(JUNK):
            data = {"csrf": token} | {f: value for f in fields}
            r = client.post(path, data=data)
            assert is_page(r), (path, value, r.status_code, r.text[:300])
            assert "<script>alert(1)</script>" not in r.text
            seen += 1
            if i % 7 == 0:  # mixed: one field junk, the others plausible
                for f in fields:
                    plausible = {"personal_no": u.employees["a"], "base": "5000", "last_month": "2025-02",
                                 "start_month": "2025-03", "months": "2025-01", "cause": "late_unseal",
                                 "effective_month": "2025-03", "name": "张三", "id_number": "11010519491231002X",
                                 "mobile": "13912345678"}
                    mixed = {"csrf": token} | {k: plausible.get(k, "x") for k in fields} | {f: value}
                    assert is_page(client.post(path, data=mixed)), (path, f, value)
                    seen += 1
    assert seen > 300
    # still a page: the help, or — if junk old PINs reached the attempt limit (2.2) — the login saying so
    after = web.get("/hall/help")
    assert after.h1 == "帮助" or after.alert_codes == ["CERTIFICATE_LOCKED"]


def test_extra_repeated_and_unknown_fields_are_pages(web, sim, client):
    u = sim.unit(employees=[{"key": "a"}])
    web.login(u)
    token = web.get("/hall/").csrf
    for path in FORMS:
        body = [("csrf", token), ("csrf", "x"), ("zzz", "1"), ("personal_no", u.employees["a"]), ("personal_no", ""),
                ("reported_errors", "name"), ("reported_errors", "bogus"), ("cause", "late_unseal"),
                ("months", "2025-01，2025-02；2025-03 2024-12")]
        r = client.post(path, content="&".join(f"{k}={v}" for k, v in body).encode(),
                        headers={"content-type": "application/x-www-form-urlencoded"})
        assert is_page(r), (path, r.status_code, r.text[:300])


@pytest.mark.parametrize("ctype, body", [
    ("application/json", b'{"personal_no": "1"}'),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--x--"),
    ("application/x-www-form-urlencoded", b"\xff\xfe\xfa=\x80&csrf=%ZZ&%%%"),
    ("application/x-www-form-urlencoded", b"a=" + b"9" * 300_000),
    ("text/plain", b"hello"),
])
def test_bodies_that_are_not_forms_are_refused_as_pages(web, sim, client, ctype, body):
    web.login(sim.unit())
    for path in list(FORMS) + ["/hall/login", "/hall/logout"]:
        r = client.post(path, content=body, headers={"content-type": ctype})
        assert is_page(r) and r.status_code == 403, (path, r.status_code)
        assert Page(r).alert_codes == ["CSRF_FAILED"]


def test_junk_logins_are_pages(web, client):
    token = web.get("/hall/login").csrf
    for serial, pin in itertools.product(JUNK[:12] + ["JSCA0100000001"], ["", "123456", "a" * 1001, "\x00"]):
        r = client.post("/hall/login", data={"csrf": token, "serial": serial, "pin": pin, "via": serial,
                                             "next": serial})
        assert is_page(r), (serial, pin, r.status_code)
        assert r.status_code in (401, 422)


def test_junk_paths_and_queries_are_pages(web, sim, client):
    web.login(sim.unit())
    paths = ["/hall/roster?page=%00", "/hall/roster?page=" + "9" * 5000, "/hall/employees/%F0%9F%98%80",
             "/hall/employees/" + "1" * 3000, "/hall/receipts/%00", "/hall/receipts/" + "D" * 3000,
             "/hall/print/%00.pdf", "/hall/print/" + "2" * 3000 + ".pdf", "/hall/print/2025-02",
             "/hall/print?month=" + "x" * 3000, "/hall/print?month=%00", "/hall/business/%00",
             "/hall/unit?saved=junk", "/hall/unit?saved=" + "9" * 500, "/hall/pin?done=junk",
             "/hall/login?next=%00&via=%00&notice=%00", "/browser-warning/continue?to=%0d%0aSet-Cookie:x=1",
             "/platform/gjj/ejia/%00", "/hall/opening/nope", "/hall/x/y/z"]
    for path in paths:
        r = client.get(path)
        assert is_page(r), (path, r.status_code, r.text[:200])
        assert "set-cookie: x=1" not in str(r.headers).lower()
    r = client.get("/hall/unit?saved=junk")
    assert r.status_code == 200
