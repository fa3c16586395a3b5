"""The portal as a test environment runs it: a real process under libfaketime, its clock frozen by a
timestamp file (FAKETIME.md). Rewriting the file moves the portal's time — and its rules follow:
business hours, the session, the nightly batch. Loopback only; no sleeps: every wait is on the process
itself (its start-up line) and FAKETIME_NO_CACHE=1 makes the next request see the new file."""
from __future__ import annotations

import requests

from examples.longcheng.errors import E

from .conftest import SERVED_TOKEN as TOKEN


def test_a_changed_timestamp_file_moves_the_portals_time_and_its_rules(served):
    base, stamp = served
    s = requests.Session()
    adm = {"X-Admin-Token": TOKEN}

    def call(method, path, body=None, headers=None):
        r = s.request(method, base + path, json=body, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def now():
        return call("GET", "/gateway/pub/xtsj")["data"]["xtsj"]

    def login():
        return {"token": call("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "123456"})["data"]["token"]}

    assert now() == "2025-03-05 10:00:00"
    unit = call("POST", "/admin/zs/dw", {"dw": [{"scjcny": "202411", "jzny": "202502"}]}, adm)["data"]["dw"][0]
    serial = unit["zs"][0]["zsxlh"]
    me = login()
    assert call("POST", "/gateway/dw/jbrbg", {"jbrxm": "钱七", "jbrsjhm": "13912345678",
                                              "jbrsfzh": "320400197105171868"}, me)["data"]["hssj"] == "2025-03-06 09:00:00"

    stamp.write_text("2025-03-05 17:00:00\n")                 # the same afternoon, business hours over
    assert now() == "2025-03-05 17:00:00"
    me = login()                                              # seven idle hours ended the session
    assert call("POST", "/gateway/yw/jchc", {}, me)["code"] == E.OUTSIDE_HOURS
    assert call("GET", "/gateway/dw/xx", None, me)["data"]["jbrxm"] != "钱七"

    stamp.write_text("2025-03-06 00:00:01\n")                 # past midnight: the operator runs the batch
    assert call("POST", "/admin/pc/rz", None, adm)["data"]["yxsj"] == "2025-03-06 00:00:01"
    stamp.write_text("2025-03-06 09:00:00\n")
    me = login()
    assert call("GET", "/gateway/dw/xx", None, me)["data"]["jbrxm"] == "钱七"
    assert call("POST", "/gateway/yw/jchc", {}, me)["code"] == "0000"

    stamp.write_text("2025-03-05 08:59:59\n")                 # a reset may send the clock back
    assert now() == "2025-03-05 08:59:59"
