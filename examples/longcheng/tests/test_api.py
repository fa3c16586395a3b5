"""The JSON API (/gateway, API.md): envelope, log-in and PIN lock, opening, the seven businesses with
their refusals, repeated submissions, next-day publication and printing — on the frozen OS clock."""
from __future__ import annotations

import io

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from examples.longcheng.errors import E

from .conftest import ADMIN, Portal, admin


# --- the envelope ---------------------------------------------------------------------------------------------
def test_success_and_errors_share_one_envelope(client, clock):
    r = client.get("/gateway/pub/xtsj")
    assert r.status_code == 200 and r.get_json() == {"code": "0000", "msg": "成功", "data": {
        "xtsj": "2025-03-05 10:00:00", "rq": "2025-03-05", "sfgzr": True, "rqsm": None}}
    r = client.get("/gateway/no/such/thing")
    assert r.status_code == 404 and r.get_json()["code"] == E.NO_ROUTE
    r = client.delete("/gateway/auth/login")
    assert r.status_code == 405 and r.get_json()["code"] == E.BAD_METHOD


@pytest.mark.parametrize("raw, code", [
    (b"[1, 2]", E.NOT_JSON), (b"not json", E.NOT_JSON), (b'{"zsxlh": "x"}', E.MISSING),
    (b'{"zsxlh": "x", "zskl": "1", "sex": 1}', E.UNKNOWN_FIELD), (b'{"zsxlh": ["x"], "zskl": "1"}', E.BAD_VALUE),
])
def test_bad_bodies_get_their_own_codes(client, clock, raw, code):
    r = client.post("/gateway/auth/login", data=raw, content_type="application/json")
    assert r.status_code == 200 and r.get_json()["code"] == code


# --- 指南二、2 log-in and PIN ------------------------------------------------------------------------------------------
def test_log_in_with_the_initial_pin(client, world):
    data = Portal(client).login(world.serial("甲"))
    assert data["dwzh"] == world.unit("甲") and data["sfkt"] is True and data["tsxx"] is None


def test_wrong_pins_lock_the_certificate_at_five(client, world):
    p, serial = Portal(client), world.serial("甲")
    for remaining in (4, 3, 2, 1):
        answer = p.call("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "000000"})
        assert answer["code"] == E.WRONG_PIN and f"还可以尝试{remaining}次" in answer["msg"] and "123456" in answer["msg"]
    assert p.refused("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "000000"}) == E.CERT_LOCKED
    assert p.refused("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "123456"}) == E.CERT_LOCKED
    admin(client, "POST", f"/admin/zs/{serial}/js")
    p.login(serial)


def test_a_right_pin_resets_the_count(client, world):
    p, serial = Portal(client), world.serial("甲")
    for _ in range(4):
        p.refused("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "000000"})
    p.login(serial)
    for _ in range(4):
        assert p.refused("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "000000"}) == E.WRONG_PIN


def test_an_open_session_of_a_locked_certificate_can_do_nothing(client, world):
    jia, other = Portal(client), Portal(client)
    jia.login(world.serial("甲"))
    for _ in range(5):
        other.call("POST", "/gateway/auth/login", {"zsxlh": world.serial("甲"), "zskl": "000000"})
    assert jia.refused("GET", "/gateway/dw/xx") == E.CERT_LOCKED


def test_unknown_certificate(client, world):
    assert Portal(client).refused("POST", "/gateway/auth/login", {"zsxlh": "JSCA9999", "zskl": "123456"}) == E.CERT_UNKNOWN


def test_a_changed_pin_replaces_the_old_one(client, world, jia):
    assert jia.refused("POST", "/gateway/auth/xgkl", {"ykl": "123456", "xkl": "12"}) == E.PIN_FORMAT
    assert jia.refused("POST", "/gateway/auth/xgkl", {"ykl": "123456", "xkl": "123456"}) == E.PIN_SAME
    assert jia.refused("POST", "/gateway/auth/xgkl", {"ykl": "654321", "xkl": "864213"}) == E.OLD_PIN_WRONG
    jia.ok("POST", "/gateway/auth/xgkl", {"ykl": "123456", "xkl": "864213"})
    p = Portal(client)
    assert p.refused("POST", "/gateway/auth/login", {"zsxlh": world.serial("甲"), "zskl": "123456"}) == E.WRONG_PIN
    p.login(world.serial("甲"), "864213")


def test_sessions_end_after_twenty_idle_minutes(client, world, jia, clock):
    clock.move_to("2025-03-05 10:19:59+08:00")
    jia.ok("GET", "/gateway/dw/xx")
    clock.move_to("2025-03-05 10:40:00+08:00")
    assert jia.refused("GET", "/gateway/dw/xx") == E.SESSION_TIMEOUT
    assert jia.refused("GET", "/gateway/dw/xx") == E.NOT_LOGGED_IN


def test_logout_ends_the_session(client, world, jia):
    jia.ok("POST", "/gateway/auth/logout")
    assert jia.refused("GET", "/gateway/dw/xx") == E.NOT_LOGGED_IN


# --- 指南一、二、3 opening ------------------------------------------------------------------------------------------------
def test_first_login_carries_the_guides_prompt_and_the_opening_goes_in_order(client, world):
    yi = Portal(client)
    data = yi.login(world.serial("乙"))
    assert data["tsxx"] == "贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？" and data["sfkt"] is False
    assert yi.refuse("jchc") == E.NOT_OPENED
    assert yi.refused("GET", "/gateway/zg/qc") == E.NOT_OPENED
    yi.ok("GET", "/gateway/dw/xx")                       # 核对单位信息 needs it before opening
    assert yi.refused("POST", "/gateway/kt/qsxy", {"tyxy": True}) == E.OPENING_ORDER
    assert yi.ok("POST", "/gateway/kt/sqkt")["ktzt"] == "10"
    assert yi.refused("POST", "/gateway/kt/qsxy", {"tyxy": False}) == E.AGREEMENT_NOT_ACCEPTED
    assert yi.refused("POST", "/gateway/kt/wc") == E.OPENING_ORDER
    yi.ok("POST", "/gateway/kt/qsxy", {"tyxy": True})
    yi.ok("POST", "/gateway/kt/hdxx", {})
    assert yi.refused("POST", "/gateway/kt/szmm", {"cxmm": "12345678"}) == E.QUERY_PASSWORD_WEAK
    yi.ok("POST", "/gateway/kt/szmm", {"cxmm": "Cz2025pass"})
    assert yi.ok("POST", "/gateway/kt/wc")["sfkt"] is True
    assert yi.refused("POST", "/gateway/kt/wc") == E.OPENING_DONE
    yi.submit("jchc")
    assert Portal(client).login(world.serial("乙"))["tsxx"] is None


# --- the businesses --------------------------------------------------------------------------------------------------
def test_seal_and_its_window(client, world, jia):
    assert jia.refuse("zhfc", grzh=world.grzh("张三"), zhjcny="202501") == E.SEAL_NEXT_REMITTED
    assert jia.refuse("zhfc", grzh=world.grzh("张三"), zhjcny="202503") == E.SEAL_NOT_ARRIVED
    assert jia.refuse("zhfc", grzh=world.grzh("李四"), zhjcny="202502") == E.NOT_NORMAL
    r = jia.submit("zhfc", grzh=world.grzh("张三"), zhjcny="2025-02", fcyy="离职")
    assert r["ywlsh"] == "LC20250305000001" and r["hxsx"] == [] and r["jg"] == {"grzh": world.grzh("张三"), "zhjcny": "202502"}
    assert jia.ok("GET", f"/gateway/zg/zh/{world.grzh('张三')}")["zhztmc"] == "封存"


def test_a_remitted_month_that_has_not_arrived_cannot_close_an_account(client, make_app, clock):
    for faults, expected in (("", E.SEAL_NOT_ARRIVED), ("seal_ignores_arrival", "0000")):
        c = make_app(faults=faults).test_client()
        w = admin(c, "POST", "/admin/zs/dw", {"dw": [{"scjcny": "202411", "jzny": "202501", "zg": [{"xm": "张三"}]}]})
        unit = w["dw"][0]
        admin(c, "POST", f"/admin/dw/{unit['dwzh']}/hj", {"ny": "202502", "sfdz": False})
        p = Portal(c)
        p.login(unit["zs"][0]["zsxlh"])
        assert p.call("POST", "/gateway/yw/zhfc", {"grzh": unit["zg"][0]["grzh"], "zhjcny": "202502"})["code"] == expected


def test_unseal_reports_wrong_details_without_changing_them(client, world, jia):
    assert jia.refuse("zhqf", grzh=world.grzh("李四"), qjny="202502", jcjs="7000") == E.UNSEAL_START_REMITTED
    assert jia.refuse("zhqf", grzh=world.grzh("李四"), qjny="202504", jcjs="7000") == E.UNSEAL_TOO_EARLY
    assert jia.refuse("zhqf", grzh=world.grzh("张三"), qjny="202503", jcjs="7000") == E.NOT_SEALED
    r = jia.submit("zhqf", grzh=world.grzh("李四"), qjny="202503", jcjs="7500", sfzhyw=True)
    assert "身份证号码有误" in r["hxsx"][0] and "储存卡" in r["hxsx"][0]
    view = jia.ok("GET", f"/gateway/zg/zh/{world.grzh('李四')}")
    assert (view["zhztmc"], view["jcjs"], view["xm"]) == ("正常", "7500.00", "李四")


def test_establish_new_hire_and_refer_known_ids_to_transfer(client, world, jia):
    r = jia.submit("zhsl", xm="陈晓明", sfzh="413021196809097117", jcjs="5000", rzny="202412")
    assert r["jg"]["qjny"] == "202503" and "储存卡" in r["hxsx"][0]
    assert jia.ok("GET", f"/gateway/zg/zh/{r['jg']['grzh']}")["qjny"] == "202503"
    assert jia.refuse("zhsl", xm="赵六", sfzh=world.id_number("赵六"), jcjs="5000") == E.ID_HAS_ACCOUNT
    assert jia.refuse("zhsl", xm="林一", sfzh="32040219800101123X", jcjs="5000") == E.BAD_ID_NUMBER
    assert jia.refuse("zhsl", xm="林一", sfzh="413026197302259873", jcjs="5000", rzny="202504") == E.JOINED_AFTER_START
    assert jia.refuse("zhsl", xm="林一", sfzh="413026197302259873", jcjs="100") == E.BASE_RANGE


def test_transfer_takes_a_sealed_account_from_another_unit(client, world, jia):
    assert jia.refuse("zyzr", xm="吴九", sfzh=world.id_number("吴九")) == E.TRANSFER_NOT_SEALED
    assert jia.refuse("zyzr", xm="吴十", sfzh=world.id_number("吴九")) == E.TRANSFER_NOT_FOUND
    assert jia.refuse("zyzr", xm="张三", sfzh=world.id_number("张三")) == E.TRANSFER_SAME_UNIT
    r = jia.submit("zyzr", xm="赵六", sfzh=world.id_number("赵六"))
    assert r["jg"]["zhzt"] == "02" and "启封" in r["hxsx"][0]
    view = jia.ok("GET", f"/gateway/zg/zh/{world.grzh('赵六')}")
    assert view["zhztmc"] == "封存" and view["jcjs"] is None and view["jcd"] == []
    jia.submit("zhqf", grzh=world.grzh("赵六"), qjny="202503", jcjs="7000")
    assert jia.ok("GET", f"/gateway/zg/zh/{world.grzh('赵六')}")["zhztmc"] == "正常"
    bing = Portal(client)
    bing.login(world.serial("丙"))
    assert bing.refused("GET", f"/gateway/zg/zh/{world.grzh('赵六')}") == E.NOT_OUR_EMPLOYEE


def test_back_pay_for_a_late_hire_once_per_month(client, world, jia):
    assert jia.refuse("grbj", grzh=world.grzh("王五"), bjyy="01", bjny=["202411"]) == E.BACKPAY_NOT_EXPLAINED
    assert jia.refuse("grbj", grzh=world.grzh("王五"), bjyy="01", bjny=["202503"]) == E.BACKPAY_NOT_DUE
    assert jia.refuse("grbj", grzh=world.grzh("王五"), bjyy="02", bjny=["202412"]) == E.BACKPAY_NOT_EXPLAINED
    assert jia.refuse("grbj", grzh=world.grzh("张三"), bjyy="03", bjny=["202501"]) == E.BACKPAY_COUNTER_ONLY
    assert jia.refuse("grbj", grzh=world.grzh("张三"), bjyy="01", bjny=["202501"]) == E.BACKPAY_PAID
    assert jia.refuse("grbj", grzh=world.grzh("张三"), bjyy="09", bjny=["202501"]) == E.BACKPAY_CAUSE
    r = jia.submit("grbj", grzh=world.grzh("王五"), bjyy="01", bjny="202412,202501、202502")
    assert r["jg"]["hj"] == "3600.00" and r["jg"]["jsny"] == "202503"
    assert jia.refuse("grbj", grzh=world.grzh("王五"), bjyy="01", bjny=["202412"]) == E.BACKPAY_PAID


def test_base_adjustment_from_the_due_month(client, world, jia):
    assert jia.refuse("jstz", grzh=world.grzh("张三"), jcjs="9000", sxny="202502") == E.BASE_MONTH
    assert jia.refuse("jstz", grzh=world.grzh("张三"), jcjs="8000", sxny="202503") == E.BASE_SAME
    jia.submit("jstz", grzh=world.grzh("张三"), jcjs="9000", sxny="202503")
    assert jia.ok("GET", f"/gateway/zg/zh/{world.grzh('张三')}")["jcjs"] == "9000.00"


def test_deposit_verification_once_per_due_month(client, world, jia):
    info = jia.ok("GET", "/gateway/dw/jcxx")
    assert (info["ny"], info["zcrs"], info["fcrs"]) == ("202503", 2, 1)
    r = jia.submit("jchc", hcjg="1")
    assert r["wxts"] == ["本业务提交后无需再到公积金窗口交纳材料。"]
    assert jia.refuse("jchc", hcjg="0", hcsm="人数不符") == E.VERIFIED_ALREADY


def test_no_business_outside_hours_but_queries_at_any_time(client, world, jia, clock):
    clock.move_to("2025-03-05 17:00:00+08:00")
    jia.login(world.serial("甲"))
    for kind, fields in (("zhfc", {"grzh": world.grzh("张三"), "zhjcny": "202502"}),
                         ("zhqf", {"grzh": world.grzh("李四"), "qjny": "202503", "jcjs": "7000"}),
                         ("zhsl", {"xm": "孙八", "sfzh": "413021196809097117", "jcjs": "5000"}),
                         ("zyzr", {"xm": "赵六", "sfzh": world.id_number("赵六")}),
                         ("grbj", {"grzh": world.grzh("王五"), "bjyy": "01", "bjny": ["202412"]}),
                         ("jstz", {"grzh": world.grzh("张三"), "jcjs": "9000", "sxny": "202503"}),
                         ("jchc", {})):
        assert jia.refuse(kind, **fields) == E.OUTSIDE_HOURS, kind
    clock.move_to("2025-03-08 22:00:00+08:00")
    jia.login(world.serial("甲"))
    assert jia.ok("GET", "/gateway/zg/qc")["total"] == 3
    assert jia.ok("GET", "/gateway/dy/hjs/202502")["ny"] == "202502"


def test_the_same_request_number_gives_the_same_receipt(client, world, jia, clock):
    first = jia.submit("zhfc", grzh=world.grzh("张三"), zhjcny="202502", qqlsh="fc-0001")
    clock.move_to("2025-03-05 18:00:00+08:00")   # a retry after hours is still answered
    jia.login(world.serial("甲"))
    again = jia.submit("zhfc", grzh=world.grzh("张三"), zhjcny="202502", qqlsh="fc-0001")
    assert again["ywlsh"] == first["ywlsh"] and again["cftj"] is True and first["cftj"] is False
    assert jia.refuse("jchc", qqlsh="fc-0001") == E.REQUEST_NO_REUSED
    assert jia.refuse("zhfc", grzh=world.grzh("张三"), zhjcny="202502", qqlsh="bad no!") == E.BAD_REQUEST_NO


def test_a_refused_submission_records_nothing(client, world, jia):
    assert jia.refuse("zhfc", grzh=world.grzh("张三"), zhjcny="202503", qqlsh="k1") == E.SEAL_NOT_ARRIVED
    assert jia.ok("GET", "/gateway/yw/lb")["total"] == 0
    jia.submit("jchc", qqlsh="k1")


def test_a_unit_sees_only_its_own_employees(client, world, jia):
    assert jia.refused("GET", f"/gateway/zg/zh/{world.grzh('吴九')}") == E.NOT_OUR_EMPLOYEE
    assert jia.refuse("zhfc", grzh=world.grzh("吴九"), zhjcny="202502") == E.NOT_OUR_EMPLOYEE
    assert {r["xm"] for r in jia.ok("GET", "/gateway/zg/qc")["list"]} == {"张三", "李四", "王五"}


# --- 指南三、5、三、6 next day --------------------------------------------------------------------------------------------
def test_the_roster_and_the_operator_change_after_the_nightly_batch(client, world, jia, clock):
    jia.submit("zhfc", grzh=world.grzh("张三"), zhjcny="202502")
    done = jia.ok("POST", "/gateway/dw/jbrbg", {"jbrxm": "钱七", "jbrsjhm": "13912345678", "jbrsfzh": "320400197105171868"})
    assert done["hssj"] == "2025-03-06 09:00:00"
    clock.move_to("2025-03-05 16:59:00+08:00")
    jia.login(world.serial("甲"))
    roster = {r["xm"]: r["zhztmc"] for r in jia.ok("GET", "/gateway/zg/qc")["list"]}
    assert roster["张三"] == "正常" and jia.ok("GET", "/gateway/dw/xx")["jbrxm"] != "钱七"
    clock.move_to("2025-03-06 00:00:01+08:00")
    admin(client, "POST", "/admin/pc/rz")
    clock.move_to("2025-03-06 09:00:00+08:00")
    jia.login(world.serial("甲"))
    roster = jia.ok("GET", "/gateway/zg/qc")
    assert {r["xm"]: r["zhztmc"] for r in roster["list"]}["张三"] == "封存" and roster["qcrq"] == "2025-03-06"
    assert jia.ok("GET", "/gateway/dw/xx")["jbrxm"] == "钱七"


def test_roster_paging_and_filter(client, world, jia):
    assert jia.ok("GET", "/gateway/zg/qc?zhzt=02")["total"] == 1
    page = jia.ok("GET", "/gateway/zg/qc?pageNum=2&pageSize=2")
    assert page["total"] == 3 and len(page["list"]) == 1
    assert jia.refused("GET", "/gateway/zg/qc?pageSize=0") == E.BAD_PAGE
    assert jia.refused("GET", "/gateway/zg/qc?zhzt=9") == E.BAD_VALUE


# --- 指南三、2（2）、（3） printing ------------------------------------------------------------------------------------------
def test_slips_only_for_entrusted_units_and_remitted_months(client, world, jia):
    figures = jia.ok("GET", "/gateway/dy/hjs/202502")
    assert figures["byhj"] == {"rs": 1, "je": "1600.00"} and figures["dxje"] == "壹仟陆佰元整"
    assert jia.refused("GET", "/gateway/dy/hjs/202503") == E.SLIP_NOT_REMITTED
    assert jia.refused("GET", "/gateway/dy/hjs/2025-13") == E.BAD_MONTH
    r = client.get("/gateway/dy/hjs/202502.pdf", headers={"token": jia.token})
    assert r.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages).replace(" ", "")
    assert "住房公积金汇（补）缴书" in text and world.unit("甲") in text and "2025年2月" in text
    again = client.get("/gateway/dy/hjs/202502.pdf", headers={"token": jia.token})
    assert again.data == r.data
    yi = Portal(client)
    yi.login(world.serial("乙"))
    admin(client, "POST", "/admin/cz")          # 乙 opened, not on 委托收款
    w = admin(client, "POST", "/admin/zs/dw", {"dw": [{"wtsk": False, "jzny": "202502"}]})
    yi.login(w["dw"][0]["zs"][0]["zsxlh"])
    assert yi.refused("GET", "/gateway/dy/hjs/202502") == E.SLIP_NOT_ENTRUSTED


def test_slip_lines_add_up(client, world, jia):
    jia.submit("zhfc", grzh=world.grzh("张三"), zhjcny="202502")
    jia.submit("zhqf", grzh=world.grzh("李四"), qjny="202503", jcjs="7500")
    jia.submit("grbj", grzh=world.grzh("李四"), bjyy="02", bjny=["202501", "202502"])
    jia.submit("jstz", grzh=world.grzh("王五"), jcjs="6800", sxny="202503")
    admin(client, "POST", f"/admin/dw/{world.unit('甲')}/hj", {"ny": "202503"})
    f = jia.ok("GET", "/gateway/dy/hjs/202503")
    for key in ("rs", "je"):
        num = float if key == "je" else int
        assert num(f["syhj"][key]) + num(f["bydj"][key]) - num(f["byjs"][key]) == num(f["byhj"][key])
    assert f["bj"]["je"] == "3000.00" and f["hj"] == f"{float(f['byhj']['je']) + 3000:.2f}"


# --- junk never breaks it -----------------------------------------------------------------------------------------------
JUNK = [None, 0, -1, 1.5, True, "", " ", "x" * 5000, [], [1], {}, {"a": 1}, "２０２５０３", "202513", "💥", "' OR 1=1 --"]
POSTS = ["/gateway/auth/login", "/gateway/auth/xgkl", "/gateway/kt/sqkt", "/gateway/kt/qsxy", "/gateway/kt/hdxx",
         "/gateway/kt/szmm", "/gateway/kt/wc", "/gateway/dw/jbrbg"] + [f"/gateway/yw/{k}" for k in
                                                                    ("zhsl", "zhfc", "zhqf", "zyzr", "grbj", "jstz", "jchc")]
FIELDS = ["zsxlh", "zskl", "ykl", "xkl", "tyxy", "cxmm", "jbrxm", "jbrsjhm", "jbrsfzh", "xm", "sfzh", "jcjs", "rzny",
          "grzh", "zhjcny", "qjny", "xmyw", "bjyy", "bjny", "sxny", "hcjg", "hcsm", "qqlsh", "dwjcbl"]


def test_junk_gets_a_refusal_never_a_crash(client, world, jia):
    for path in POSTS:
        for i, value in enumerate(JUNK):
            body = {FIELDS[(i + j) % len(FIELDS)]: value for j in range(4)}
            answer = jia.call("POST", path, body)
            assert answer["code"] != E.INTERNAL, (path, body, answer)
    for path in ("/gateway/zg/zh/%00", "/gateway/zg/qc?pageNum=-1", "/gateway/dy/hjs/abc", "/gateway/yw/hz/x" * 3):
        r = client.get(path, headers={"token": jia.token})
        assert r.status_code < 500 and r.get_json()["code"] != E.INTERNAL, path


def test_no_token_no_data(client, world):
    for path in ("/gateway/dw/xx", "/gateway/zg/qc", "/gateway/dy/hjs/202502"):
        assert client.get(path).get_json()["code"] == E.NOT_LOGGED_IN
    assert client.get("/gateway/dw/xx", headers={"token": "forged"}).get_json()["code"] == E.NOT_LOGGED_IN
    assert client.get("/gateway/dw/xx", headers=ADMIN).get_json()["code"] == E.NOT_LOGGED_IN


def test_the_known_fault_accepts_a_submission_at_five_sharp(make_app):
    for faults, expected in (("", E.OUTSIDE_HOURS), ("hours_end_inclusive", "0000")):
        with freeze_time("2025-03-05 17:00:00+08:00"):
            c = make_app(faults=faults).test_client()
            unit = admin(c, "POST", "/admin/zs/dw", {"dw": [{"jzny": "202502"}]})["dw"][0]
            p = Portal(c)
            p.login(unit["zs"][0]["zsxlh"])
            assert p.call("POST", "/gateway/yw/jchc", {})["code"] == expected
