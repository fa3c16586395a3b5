"""The businesses of clause 0.1 through the portal's forms, the 业务回执, refusals on the form
(3.3 business hours), roster, employee, and printing (3.2.2, 3.2.3)."""
from __future__ import annotations

import re

import pytest
from test_web_pages import Page, Web

from gjj.fixtures.generators import Generator

GEN = Generator(4711)
BUSINESS_NO = re.compile(r"^02\d{13}$")


@pytest.fixture
def web(client) -> Web:
    return Web(client)


@pytest.fixture
def world(sim):
    """Our unit 甲 (remitted and arrived through 2025-02, due 2025-03) and a unit 乙 where 李四 is sealed."""
    other = sim.seed({"key": "乙", "first_month": "2024-01", "remitted_through": "2025-02",
                      "employees": [{"key": "mover", "name": "李四", "state": "sealed", "last_month": "2024-12"}]})[0]
    ours = sim.unit(employees=[
        {"key": "normal", "name": "张三", "base": "8000"},
        {"key": "sealed", "name": "赵六", "state": "sealed", "last_month": "2024-12"},
        {"key": "late", "name": "王五", "start_month": "2025-01", "joined_month": "2024-11", "base": "6000"},
        {"key": "adjust", "name": "钱七", "base": "7000"},
    ])
    mover = next(e for e in other.raw["employees"] if e["key"] == "mover")
    return ours, other, mover


def receipt_of(p: Page) -> dict:
    assert p.h1 == "业务回执", (p.h1, p.alerts)
    assert p.alerts == []
    no = p.field("business_no")
    assert no and BUSINESS_NO.match(no), no
    assert f"业务流水号：{no}" in p.doc.find("p", **{"class": "business-no"}).text()
    follow = p.doc.find(data_list="follow_ups")
    notes = p.doc.find(data_list="notes")
    return {"no": no, "summary": p.field("summary"), "personal_no": p.field("personal_no"),
            "follow_ups": [li.text().strip() for li in follow.find_all("li")] if follow else [],
            "notes": [li.text().strip() for li in notes.find_all("li")] if notes else [],
            "none": p.field("no_follow_ups")}


def test_every_business_form_has_the_contracts_controls(web, sim):
    web.login(sim.unit())
    forms = {
        "establish": ("职工账户设立", ["姓名", "身份证号码", "缴存基数（元）", "入职年月"]),
        "seal": ("封存", ["个人账号", "最后缴存月份"]),
        "unseal": ("启封", ["个人账号", "起缴月份", "缴存基数（元）"]),
        "transfer": ("职工转移", ["姓名", "身份证号码"]),
        "back-pay": ("个别补缴", ["个人账号", "补缴月份"]),
        "base-adjustment": ("缴存基数调整", ["个人账号", "缴存基数（元）", "生效年月"]),
        "deposit-verification": ("单位缴存信息核查", ["核查说明"]),
    }
    for slug, (h1, boxes) in forms.items():
        p = web.get(f"/hall/business/{slug}")
        assert p.status == 200 and p.h1 == h1, slug
        for label in boxes:
            p.textbox(label)
        assert p.buttons().count("业务提交") == 1
        assert p.button_form("业务提交").get("action") == f"/hall/business/{slug}"
        assert p.alerts == []
    p = web.get("/hall/business/unseal")
    for label in ("姓名有误", "身份证号码有误"):
        assert p.control(label).get("type") == "checkbox"
    p = web.get("/hall/business/back-pay")
    select = p.control("补缴原因")
    assert select.tag == "select"
    assert [o.text().strip() for o in select.find_all("option")] == ["未及时设立账户", "未及时启封", "缴存基数不足（差额补缴）"]
    p = web.get("/hall/business/deposit-verification")
    table = p.table("单位缴存信息")
    assert Page.rows(table)[0][0] == "2025-03"


def test_each_business_submits_and_answers_with_a_receipt(web, world, sim, client):
    ours, _, mover = world
    web.login(ours)
    e = ours.employees
    numbers = set()

    r = receipt_of(web.post("/hall/business/establish", {"name": "孙八", "id_number": GEN.id_number(),
                                                         "base": "5000", "employed_from": ""}))
    assert r["personal_no"] and "孙八" in r["summary"]
    assert any("由职工本人携带身份证原件" in f and "由单位经办人携带单位登记证" in f for f in r["follow_ups"])  # 3.2.1
    numbers.add(r["no"])

    r = receipt_of(web.post("/hall/business/seal", {"personal_no": e["normal"], "last_month": "2025-02"}))
    assert r["follow_ups"] == [] and r["none"] == "无需后续操作" and r["notes"]
    numbers.add(r["no"])

    r = receipt_of(web.post("/hall/business/unseal", {"personal_no": e["sealed"], "start_month": "2025-03",
                                                      "base": "7500", "reported_errors": "name"}))
    assert any("公积金中心" in f for f in r["follow_ups"])  # 3.7: where to correct the name
    numbers.add(r["no"])

    r = receipt_of(web.post("/hall/business/transfer", {"name": mover["name"], "id_number": mover["id_number"]}))
    assert any("启封" in f for f in r["follow_ups"])  # 3.9
    numbers.add(r["no"])

    r = receipt_of(web.post("/hall/business/back-pay", {"personal_no": e["late"], "cause": "late_establish",
                                                        "months": "2024-11、2024-12"}))
    assert "2个月" in r["summary"]
    numbers.add(r["no"])

    r = receipt_of(web.post("/hall/business/base-adjustment", {"personal_no": e["adjust"], "base": "9000",
                                                               "effective_month": "2025-03"}))
    assert "9000" in r["summary"]
    numbers.add(r["no"])

    r = receipt_of(web.post("/hall/business/deposit-verification", {"confirmed": "yes", "note": ""}))
    assert "确认无误" in r["summary"]
    numbers.add(r["no"])
    assert len(numbers) == 7

    # the same services as the API: the API lists the seven submitted businesses, with these numbers
    h = sim.login(ours)
    listed = client.get("/api/v1/businesses", headers=h).json()
    assert listed["total"] == 7 and {b["business_no"] for b in listed["items"]} == numbers
    assert client.get(f"/_sim/employees/{e['normal']}").json()["state"] in ("02", "sealed", "封存")


def test_a_receipt_can_be_reloaded_without_submitting_again(web, world, sim, client):
    ours, _, _ = world
    web.login(ours)
    p = web.post("/hall/business/seal", {"personal_no": ours.employees["normal"], "last_month": "2025-02"})
    first = receipt_of(p)
    again = receipt_of(web.get(p.path))
    assert again["no"] == first["no"]
    assert client.get("/api/v1/businesses", headers=sim.login(ours)).json()["total"] == 1
    # another unit's business is not found
    other = sim.unit()
    web.login(other)
    p = web.get(p.path)
    assert p.h1 == "业务回执" and p.alert_codes == ["BUSINESS_NOT_FOUND"] and p.status == 404


def test_outside_business_hours_the_form_comes_back_with_the_refusal_and_nothing_changes(web, world, sim, client):
    ours, _, _ = world
    sim.at("2025-03-05T17:00:00+08:00")
    web.login(ours)
    pno = ours.employees["normal"]
    p = web.post("/hall/business/seal", {"personal_no": pno, "last_month": "2025-02"})
    assert p.h1 == "封存" and p.status == 409
    (code, text), = p.alerts
    assert code == "OUTSIDE_BUSINESS_HOURS"
    assert "不在网上业务的办理时间" in text and "请在办理时间内提交" in text
    assert p.textbox("个人账号").get("value") == pno and p.textbox("最后缴存月份").get("value") == "2025-02"
    assert client.get("/api/v1/businesses", headers=sim.login(ours)).json()["total"] == 0  # no draft left
    assert client.get(f"/_sim/employees/{pno}").json()["state"] in ("01", "normal", "正常")
    # on a weekend too; and the receipt comes when it is in hours again
    sim.at("2025-03-08T10:00:00+08:00")
    web.login(ours)
    assert web.post("/hall/business/seal", {"personal_no": pno, "last_month": "2025-02"}).alert_codes == \
        ["OUTSIDE_BUSINESS_HOURS"]
    sim.at("2025-03-10T09:00:00+08:00")
    web.login(ours)
    receipt_of(web.post("/hall/business/seal", {"personal_no": pno, "last_month": "2025-02"}))


def test_rule_refusals_show_on_the_form_with_the_input_kept(web, world):
    ours, _, mover = world
    web.login(ours)
    e = ours.employees
    cases = [
        ("seal", {"personal_no": e["normal"], "last_month": "2025-03"}, "SEAL_BEFORE_LAST_MONTH_ARRIVED"),
        ("seal", {"personal_no": e["normal"], "last_month": "2025-01"}, "NEXT_MONTH_ALREADY_REMITTED"),
        ("unseal", {"personal_no": e["sealed"], "start_month": "2025-02", "base": "7000"},
         "UNSEAL_START_MONTH_REMITTED"),
        ("back-pay", {"personal_no": e["late"], "cause": "base_shortfall", "months": "2024-12"},
         "BACKPAY_CAUSE_NOT_ONLINE"),
        ("back-pay", {"personal_no": e["late"], "cause": "late_establish", "months": ""}, "BACKPAY_NO_MONTHS"),
        ("establish", {"name": "孙八", "id_number": mover["id_number"], "base": "5000"}, "ID_ALREADY_HAS_ACCOUNT"),
        ("establish", {"name": "孙八", "id_number": "123", "base": "5000"}, "INVALID_ID_NUMBER"),
        ("establish", {"name": "孙八", "id_number": GEN.id_number(), "base": "abc"}, "INVALID_AMOUNT"),
        ("transfer", {"name": "李四", "id_number": GEN.id_number()}, "TRANSFER_SOURCE_NOT_FOUND"),
        ("base-adjustment", {"personal_no": e["adjust"], "base": "7000", "effective_month": "2025-03"},
         "BASE_UNCHANGED"),
        ("seal", {"personal_no": "999999999999", "last_month": "2025-02"}, "EMPLOYEE_NOT_FOUND"),
    ]
    for slug, data, expected in cases:
        p = web.post(f"/hall/business/{slug}", data)
        assert p.alert_codes == [expected], (slug, data, p.alerts)
        assert p.alerts[0][1] and re.search(r"[\u4e00-\u9fff]", p.alerts[0][1])
        assert p.button_form("业务提交").get("action") == f"/hall/business/{slug}"
        for k, v in data.items():
            if k == "cause":
                selected = [o.get("value") for o in p.control("补缴原因").find_all("option") if "selected" in o.attrs]
                assert selected == [v]
            else:
                assert p.doc.find(name=k).get("value") == v, (slug, k)
    p = web.post("/hall/business/unseal", {"personal_no": e["sealed"], "start_month": "2025-02", "base": "7000",
                                           "reported_errors": ["name", "id_number"]})
    assert "checked" in p.control("姓名有误").attrs and "checked" in p.control("身份证号码有误").attrs
    # a deposit verification twice in a month
    receipt_of(web.post("/hall/business/deposit-verification", {"confirmed": "no", "note": "人数不符"}))
    p = web.post("/hall/business/deposit-verification", {"note": "再次"})
    assert p.alert_codes == ["VERIFICATION_ALREADY_SUBMITTED"]
    assert p.textbox("核查说明").text() == "再次"


def test_roster_table_and_paging(web, sim):
    u = sim.unit(employees=[{"key": "a", "name": "张三", "base": "8000"}], generate_employees=24)
    web.login(u)
    p = web.get("/hall/roster")
    assert p.h1 == "职工清册查询"
    table = p.table("职工清册")
    assert Page.header(table) == ["个人账号", "姓名", "身份证号码", "账户状态", "缴存基数", "月缴存额"]
    rows = Page.rows(table)
    assert len(rows) == 20
    first = next(r for r in rows if r[0] == u.employees["a"])
    assert first[1:2] == ["张三"] and first[3] == "正常" and first[4] == "8000.00" and first[5] == "1280.00"
    links = p.links()
    assert "上一页" not in links and links["下一页"] == "/hall/roster?page=2"
    p2 = web.get(links["下一页"])
    rows2 = Page.rows(p2.table("职工清册"))
    assert len(rows2) == 5 and not {r[0] for r in rows} & {r[0] for r in rows2}
    assert "下一页" not in p2.links() and p2.links()["上一页"] == "/hall/roster?page=1"
    # nonsense page numbers are pages, not errors
    for q in ("abc", "-5", "0", "99999999999999999999999", "1e3"):
        r = web.get(f"/hall/roster?page={q}")
        assert r.status == 200 and r.h1 == "职工清册查询", q


def test_the_roster_shows_the_days_businesses_the_next_day(web, world, sim):
    ours, _, _ = world
    web.login(ours)
    pno = ours.employees["normal"]
    receipt_of(web.post("/hall/business/seal", {"personal_no": pno, "last_month": "2025-02"}))
    state = lambda: next(r[3] for r in Page.rows(web.get("/hall/roster").table("职工清册")) if r[0] == pno)
    assert state() == "正常"  # 3.6
    sim.at("2025-03-06T09:00:00+08:00")
    web.login(ours)
    assert state() == "封存"


def test_employee_page(web, world):
    ours, _, _ = world
    web.login(ours)
    pno = ours.employees["late"]
    p = web.get(f"/hall/employees/{pno}")
    assert p.h1 == "职工账户信息"
    f = p.dl()
    assert f["个人账号"] == pno and f["姓名"] == "王五" and f["账户状态"] == "正常"
    assert f["缴存基数"] == "6000.00" and f["缴至年月"] == "2025-02" and f["起缴月份"] == "2025-01"
    p = web.get("/hall/employees/nope")
    assert p.status == 404 and p.alert_codes == ["EMPLOYEE_NOT_FOUND"] and p.h1 == "职工账户信息"


# --- printing (2.9, 3.2.2, 3.2.3) -------------------------------------------------------------------
def test_print_page_controls(web, sim):
    web.login(sim.unit())
    p = web.get("/hall/print")
    assert p.h1 == "查询打印" and p.textbox("汇缴年月") is not None and "打印" in p.buttons()
    assert p.doc.find(id="client-alerts") is not None


def test_an_entrusted_unit_gets_the_slip_pdf_the_same_as_the_api(web, sim, client):
    u = sim.unit()
    web.login(u)
    r = client.get("/hall/print/2025-02.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and "attachment" in r.headers["content-disposition"]
    api = client.get("/api/v1/slips/2025-02", headers=sim.login(u))
    assert api.content == r.content  # the same Queries.slip and render_slip
    # the form without JavaScript goes straight to the slip
    r = client.get("/hall/print", params={"month": "2025-02"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/hall/print/2025-02.pdf"


@pytest.mark.parametrize("month, code", [("2025-03", "SLIP_MONTH_NOT_REMITTED"), ("2025-13", "INVALID_MONTH"),
                                         ("", "INVALID_MONTH"), ("junk", "INVALID_MONTH")])
def test_slip_refusals_are_the_print_page_with_the_alert(web, sim, month, code):
    web.login(sim.unit())
    p = web.get(f"/hall/print/{month}.pdf")
    assert p.h1 == "查询打印" and p.alert_codes == [code] and "text/html" in p.response.headers["content-type"]
    assert p.textbox("汇缴年月").get("value") == month


def test_a_unit_not_on_entrusted_collection_is_sent_to_a_collection_point(web, sim):
    web.login(sim.unit(entrusted_collection=False))
    p = web.get("/hall/print/2025-02.pdf")
    assert p.status == 409 and p.alert_codes == ["SLIP_NOT_ENTRUSTED"]
    assert "汇缴受理点" in p.alerts[0][1]
    p = web.get("/hall/print?month=2025-02")
    assert p.alert_codes == ["SLIP_NOT_ENTRUSTED"]
