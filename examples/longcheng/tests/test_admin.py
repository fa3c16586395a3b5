"""The back office (/admin, ADMIN.md): hidden without its token, 造数 with defaults and refusals,
the centre's 汇缴 and 到账, inspection of live and published state, the nightly batch, CA unlock."""
from __future__ import annotations

import pytest

from examples.longcheng.__main__ import main
from examples.longcheng.errors import NAMES, TEMPLATES, E

from .conftest import ADMIN, WORLD, Portal, admin


def refused(client, method, path, body=None) -> str:
    r = client.open(path, method=method, json=body, headers=ADMIN)
    answer = r.get_json()
    assert r.status_code == 200 and answer["code"] != "0000" and answer["data"] is None, answer
    return answer["code"]


def test_without_the_token_the_back_office_looks_absent(client, make_app, clock):
    absent = client.get("/gateway/no/such/path")
    for headers in ({}, {"X-Admin-Token": "wrong"}):
        r = client.post("/admin/cz", headers=headers)
        assert (r.status_code, r.get_json()) == (absent.status_code, absent.get_json())
    no_office = make_app(admin=False).test_client()
    assert no_office.post("/admin/cz", headers=ADMIN).status_code == 404


def test_reset_empties_everything_and_numbers_start_again(client, world):
    first = world.units["甲"]["dwzh"]
    admin(client, "POST", "/admin/cz")
    assert refused(client, "GET", f"/admin/dw/{first}") == E.ADMIN_NO_UNIT
    again = admin(client, "POST", "/admin/zs/dw", WORLD)
    assert again["dw"][0]["dwzh"] == first
    admin(client, "POST", "/admin/cz")
    assert admin(client, "POST", "/admin/zs/dw", WORLD) == again      # same calls after a reset, same data


def test_seed_defaults_and_publication(client, clock):
    data = admin(client, "POST", "/admin/zs/dw", {"dw": [{"zg": [{}], "sczg": 2}]})
    unit = data["dw"][0]
    assert unit["zs"] == [{"zsxlh": unit["zs"][0]["zsxlh"], "kl": "123456"}] and len(unit["zg"]) == 3
    state = admin(client, "GET", f"/admin/dw/{unit['dwzh']}")
    assert state["yf"] == {"scjcny": "202403", "jzny": None, "yjny": "202403", "dzyf": []}
    assert (state["ktzt"], state["wtsk"], state["jbrdfb"], state["dfbzhs"]) == ("90", True, False, 0)
    assert admin(client, "GET", "/admin/pc/dfb")["dfbzh"] == []
    p = Portal(client)
    p.login(unit["zs"][0]["zsxlh"])
    assert p.ok("GET", "/gateway/zg/qc")["total"] == 3                 # on the roster at once


def test_seed_refuses_an_inconsistent_world_and_creates_nothing(client, clock):
    bad = [
        {"jzny": "202504"},                                     # remitted ahead of this month
        {"scjcny": "202501", "jzny": "202406"},                 # before first month − 1
        {"jzny": "202502", "dzny": "202503"},                   # arrived after remitted
        {"zg": [{"zhzt": "02"}]},                               # sealed in a unit that never remitted
        {"scjcny": "202411", "jzny": "202502", "zg": [{"rzny": "202412", "qjny": "202411"}]},   # hired after start
        {"zg": [{"jcjs": "99999"}]},                            # base above the limit
        {"zg": [{"zhzt": "03"}]},
        {"ktzt": "55"},
        {"remitted_through": "202502"},                         # unknown field
        {"tyxydm": "91320400MA4108QP7A"},                       # bad USCC
    ]
    for unit in bad:
        code = refused(client, "POST", "/admin/zs/dw", {"dw": [{"dwmc": "常州市正常单位"}, unit]})
        assert code in (E.ADMIN_BAD_WORLD, E.UNKNOWN_FIELD, E.BAD_USCC, E.BASE_RANGE), (unit, code)
    assert refused(client, "GET", "/admin/dw/0401000001") == E.ADMIN_NO_UNIT     # the good unit was not kept
    dup = {"dw": [{"zg": [{"sfzh": "413021196809097117"}, {"sfzh": "413021196809097117"}]}]}
    assert refused(client, "POST", "/admin/zs/dw", dup) == E.ADMIN_BAD_WORLD


def test_remittance_goes_month_by_month_and_arrival_follows_it(client, world):
    unit = world.unit("甲")
    assert refused(client, "POST", f"/admin/dw/{unit}/hj", {"ny": "202504"}) == E.ADMIN_REMIT_ORDER
    months = admin(client, "POST", f"/admin/dw/{unit}/hj", {"ny": "202503", "sfdz": False})
    assert months["jzny"] == "202503" and "202503" not in months["dzyf"]
    assert refused(client, "POST", f"/admin/dw/{unit}/hj", {"ny": "202504"}) == E.ADMIN_REMIT_FUTURE
    assert refused(client, "POST", f"/admin/dw/{unit}/hj/202504/dz") == E.ADMIN_NOT_REMITTED
    assert "202503" in admin(client, "POST", f"/admin/dw/{unit}/hj/202503/dz")["dzyf"]
    assert "202503" in admin(client, "POST", f"/admin/dw/{unit}/hj/202503/dz")["dzyf"]     # again: harmless
    assert refused(client, "POST", "/admin/dw/0499999999/hj", {"ny": "202503"}) == E.ADMIN_NO_UNIT


def test_inspection_shows_live_and_published_side_by_side(client, world, jia):
    jia.submit("zhfc", grzh=world.grzh("张三"), zhjcny="202502")
    jia.ok("POST", "/gateway/dw/jbrbg", {"jbrxm": "钱七", "jbrsjhm": "13912345678", "jbrsfzh": "320400197105171868"})
    person = admin(client, "GET", f"/admin/zh/{world.grzh('张三')}")
    assert (person["zhzt"], person["fb"]["zhzt"], person["dfb"]) == ("02", "01", True)
    assert person["jcd"][0]["zzny"] == "202502" and [e["lx"] for e in person["lsjl"]] == ["zz", "zhfc"]
    unit = admin(client, "GET", f"/admin/dw/{world.unit('甲')}")
    assert unit["jbr"]["xm"] == "钱七" and unit["fbjbr"]["xm"] != "钱七" and unit["jbrdfb"] is True
    pending = admin(client, "GET", "/admin/pc/dfb")
    assert pending["dfbzh"] == [world.grzh("张三")] and pending["dfbjbr"] == [world.unit("甲")]
    ran = admin(client, "POST", "/admin/pc/rz")
    assert ran["fbzh"] == [world.grzh("张三")] and ran["fbjbr"] == [world.unit("甲")]
    assert admin(client, "GET", f"/admin/zh/{world.grzh('张三')}")["fb"]["zhzt"] == "02"
    assert admin(client, "GET", "/admin/pc/dfb")["dfbzh"] == []
    assert admin(client, "POST", "/admin/pc/rz")["fbzh"] == []            # a second run finds nothing


def test_certificates_unlock_at_the_counter(client, world):
    serial = world.serial("甲")
    for _ in range(5):
        Portal(client).call("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "000000"})
    (cert,) = admin(client, "GET", f"/admin/dw/{world.unit('甲')}")["zs"]
    assert (cert["cwcs"], cert["sfsd"]) == (5, True)
    admin(client, "POST", f"/admin/zs/{serial}/js")
    assert admin(client, "GET", f"/admin/dw/{world.unit('甲')}")["zs"][0]["sfsd"] is False
    assert refused(client, "POST", "/admin/zs/JSCA0/js") == E.ADMIN_NO_CERT


def test_policy_values_calendar_and_error_codes_are_reported(client, clock):
    cs = admin(client, "GET", "/admin/cs")["cs"]
    assert cs["zs"]["cwcs_sx"] == 5 and cs["zs"]["cskl"] == "123456" and cs["blsj"]["ks"] == "09:00:00"
    assert admin(client, "GET", "/admin/rl/2025-02-08") == {"rq": "2025-02-08", "sfgzr": True, "rqsm": "春节调休上班",
                                                            "xygzr": "2025-02-10"}
    assert admin(client, "GET", "/admin/rl/2025-10-01")["xygzr"] == "2025-10-09"
    assert refused(client, "GET", "/admin/rl/2031-01-01") == E.CALENDAR_MISSING
    assert refused(client, "GET", "/admin/rl/yesterday") == E.BAD_VALUE
    codes = admin(client, "GET", "/admin/cwm")
    assert {c["code"]: c["msg"] for c in codes} == TEMPLATES and all(c["mc"] == NAMES[c["code"]] for c in codes)
    system = admin(client, "GET", "/admin/xt")
    assert system["xtsj"] == "2025-03-05 10:00:00" and system["yxqx"] == []


def test_a_paper_certificate_application_gets_a_two_week_follow_up(client, clock):
    got = admin(client, "POST", "/admin/zssq", {"dwmc": "常州市武进区新星电子有限公司", "tyxydm": "91320400MA7283FQ1W"})
    assert (got["sqrq"], got["hfjz"]) == ("2025-03-05", "2025-03-19")
    assert refused(client, "POST", "/admin/zssq", {"dwmc": "x", "tyxydm": "91320400MA4108QP7A"}) == E.BAD_USCC


def test_junk_in_the_back_office_is_refused_not_a_crash(client, world):
    bodies = [{"dw": "x"}, {"dw": [1]}, {"dw": [{"zs": {"zsxlh": "x"}}]}, {"dw": [{"zg": [1]}]}, {"dw": [{"jbr": "钱七"}]},
              {"dw": [{"sczg": "abc"}]}, {"dw": [{"sczg": -1}]}, {"dw": [{"zg": [{"jcjs": [1]}]}]}, {"dw": [{"wtsk": "maybe"}]},
              {"dw": [{"scjcny": "2025-13"}]}, {"dw": [{"zs": [{"zsxlh": world.serial("甲")}]}]}, {"sjzz": 1}, [1, 2]]
    for body in bodies:
        r = client.post("/admin/zs/dw", json=body, headers=ADMIN)
        assert r.status_code == 200 and r.get_json()["code"] not in ("0000", E.INTERNAL), (body, r.get_json())
    for path, body in (("/admin/dw/x/hj", {"ny": None}), ("/admin/dw/x/hj", {"ny": "202503", "sfdz": "x"}),
                       ("/admin/dw/x/hj/abc/dz", None), ("/admin/zssq", {"dwmc": ["x"]}), ("/admin/cz", {"x": 1})):
        r = client.post(path, json=body, headers=ADMIN)
        assert r.status_code < 500 and r.get_json()["code"] != E.INTERNAL, (path, r.get_json())


def test_the_nightly_batch_from_the_command_line(app, client, world, jia, capsys):
    jia.submit("zhfc", grzh=world.grzh("张三"), zhjcny="202502")
    db = app.config["LC_DB"]
    assert main(["pending", "--db", db]) == 0 and world.grzh("张三") in capsys.readouterr().out
    assert main(["batch", "--db", db]) == 0
    assert '"qcrq": "2025-03-05"' in capsys.readouterr().out
    assert admin(client, "GET", f"/admin/zh/{world.grzh('张三')}")["fb"]["zhzt"] == "02"
    assert main(["batch", "--db", db + ".missing"]) == 2
    assert main(["policy"]) == 0 and '"cwcs_sx": 5' in capsys.readouterr().out


def test_an_unknown_fault_stops_the_start(make_app):
    with pytest.raises(ValueError, match="unknown fault"):
        make_app(faults="seal_ignores_arival")
