"""后台管理 (/admin, ADMIN.md): what the vendor's test environment offers its testers — 重置, 造数 (units,
certificates, employees with history), the centre's 汇缴 and 到账, the nightly batch, inspection of
live and published state, CA unlock, the policy values and the error-code table.

Mounted only when the portal starts with an admin token (--admin-token / LONGCHENG_ADMIN_TOKEN); every
request must carry it in the header X-Admin-Token. Without the right token the answer is exactly that
of an unknown path (404, E9404). Same envelope as the API. It never sets the time: the clock is the
operating system's (moved from outside by libfaketime in a test environment, FAKETIME.md)."""
from __future__ import annotations

import hmac
import json
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, g, request

from . import checks, clock, nightly, rules, store
from .api import body, fail, ok
from .errors import NAMES, TEMPLATES, E, Refused
from .testdata import Generator

bp = Blueprint("admin", __name__, url_prefix="/admin")
TOKEN_HEADER = "X-Admin-Token"


@bp.before_request
def guard():
    expected = current_app.config.get("LC_ADMIN_TOKEN") or ""
    given = request.headers.get(TOKEN_HEADER, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return fail(E.NO_ROUTE, TEMPLATES[E.NO_ROUTE], 404)
    return None


@bp.errorhandler(Refused)
def refused(e: Refused) -> Response:
    return fail(e.code, e.msg)


def policy():
    return current_app.config["LC_CONTEXT"].policy


# --- the system ----------------------------------------------------------------------------------------
@bp.get("/xt")
def system():
    now = clock.now()
    return ok({"xtsj": clock.stamp(now), "sj": clock.SHANGHAI.key, "qcrq": store.setting(g.conn, "qcrq"),
               "yxqx": sorted(current_app.config["LC_CONTEXT"].faults.on), "bb": "1.0.0"})


@bp.get("/cs")
def settings():
    return ok({"wj": current_app.config["LC_CONFIG_FILE"], "cs": policy().raw})


@bp.get("/cwm")
def error_codes():
    return ok([{"code": code, "mc": NAMES[code], "msg": text} for code, text in TEMPLATES.items()])


@bp.get("/rl/<day>")
def calendar(day: str):
    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise Refused(E.BAD_VALUE, field="rq", value=day) from None
    working = clock.is_working_day(d)
    return ok({"rq": d.isoformat(), "sfgzr": working, "rqsm": clock.day_note(d) or None,
               "xygzr": clock.next_working_day(d).isoformat()})


@bp.post("/cz")
def reset():
    with store.tx(g.conn):
        store.wipe(g.conn)
        store.set_setting(g.conn, "qcrq", clock.now().date().isoformat())
    return ok({"xtsj": clock.stamp(clock.now())})


# --- 造数 ----------------------------------------------------------------------------------------------------
UNIT_FIELDS = {"bh", "dwzh", "dwmc", "tyxydm", "wtsk", "ktzt", "scjcny", "jzny", "dzny", "jbr", "zs", "cxmm", "zg",
               "sczg"}
EMPLOYEE_FIELDS = {"bh", "xm", "sfzh", "jcjs", "zhzt", "qjny", "zhjcny", "rzny", "dwjcbl", "grjcbl"}


@bp.post("/zs/dw")
def seed():
    b = body()
    checks.only(b, {"sjzz", "dw"})
    units = b.get("dw")
    if not isinstance(units, list) or not units:
        raise Refused(E.ADMIN_BAD_WORLD, detail="dw 须为单位列表")
    now = clock.now()
    out = []
    with store.tx(g.conn):
        count = g.conn.execute("SELECT (SELECT COUNT(*) FROM dw) || '-' || (SELECT COUNT(*) FROM zh)").fetchone()[0]
        gen = Generator(f"{b.get('sjzz', 0)}-{count}")
        taken = {r[0] for r in g.conn.execute("SELECT sfzh FROM zh UNION SELECT tyxydm FROM dw")}
        for i, u in enumerate(units):
            if not isinstance(u, dict):
                raise Refused(E.ADMIN_BAD_WORLD, detail=f"dw[{i}] 须为对象")
            out.append(_seed_unit(u, gen, taken, now))
    return ok({"dw": out})


def _items(value, field: str) -> list[dict]:
    """A list of objects (or nothing): the shape 造数 expects for zs and zg."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"{field} 须为对象列表")
    return value


def _seed_unit(u: dict, gen: Generator, taken: set[str], now) -> dict:
    checks.only(u, UNIT_FIELDS)
    conn, pol, today = g.conn, policy(), clock.month_of(now.date())
    dwzh = checks.text(u["dwzh"], "dwzh", 20) if u.get("dwzh") else store.new_unit_no(conn)
    if store.unit(conn, dwzh):
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"单位账号{dwzh}已存在")
    name = checks.text(u.get("dwmc") or gen.unit_name(), "dwmc", 100)
    code = checks.uscc(u["tyxydm"]) if u.get("tyxydm") else gen.uscc(taken)
    if u.get("tyxydm") and code in taken:
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"统一社会信用代码{code}已存在")
    taken.add(code)
    stage = str(u.get("ktzt", rules.OPENED))
    if stage not in rules.STAGE_LABEL:
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"开通状态{stage}不正确，可选 {'、'.join(rules.STAGE_LABEL)}")
    first = checks.month(u["scjcny"]) if u.get("scjcny") else clock.add_months(today, -12)
    paid = checks.month(u["jzny"]) if u.get("jzny") else None
    if paid is not None and (paid < clock.add_months(first, -1) or paid > today):
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"缴至年月{paid}须在首次缴存年月{first}的前一月与当月{today}之间")
    if paid == clock.add_months(first, -1):
        paid = None
    arrived = checks.month(u["dzny"]) if u.get("dzny") else paid
    if arrived is not None and (paid is None or arrived > paid):
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"到账至{arrived}不能晚于缴至年月{paid}")
    op = u.get("jbr") or {}
    if not isinstance(op, dict):
        raise Refused(E.ADMIN_BAD_WORLD, detail="jbr 须为对象 {xm, sjhm, sfzh}")
    op_name = checks.person_name(op.get("xm") or gen.name())
    op_mobile = checks.mobile(op.get("sjhm") or gen.mobile())
    op_id = checks.id_number(op.get("sfzh") or gen.id_number(set(taken)))
    pwd = None
    if u.get("cxmm"):
        rules.check_query_password(str(u["cxmm"]), None, pol)
        pwd = store.hash_secret(str(u["cxmm"]))
    conn.execute("INSERT INTO dw (dwzh, dwmc, tyxydm, wtsk, ktzt, cxmm, scjcny, jbrxm, jbrsjhm, jbrsfzh) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (dwzh, name, code, int(checks.flag(u.get("wtsk", True), "wtsk")), stage, pwd, first, op_name,
                  op_mobile, op_id))
    at = clock.stamp(now)
    for m in clock.month_span(first, paid) if paid else []:
        conn.execute("INSERT INTO hj (dwzh, ny, hjsj, dzsj) VALUES (?, ?, ?, ?)",
                     (dwzh, m, at, at if arrived and m <= arrived else None))
    certs = []
    for c in _items(u.get("zs"), "zs") or [{}]:
        serial = str(c.get("zsxlh") or store.new_serial(conn))
        if conn.execute("SELECT 1 FROM zs WHERE zsxlh = ?", (serial,)).fetchone():
            raise Refused(E.ADMIN_BAD_WORLD, detail=f"数字证书{serial}已存在")
        pin = str(c.get("kl") or pol.initial_pin)
        conn.execute("INSERT INTO zs (zsxlh, dwzh, kl) VALUES (?, ?, ?)", (serial, dwzh, store.hash_secret(pin)))
        certs.append({"zsxlh": serial, "kl": pin})
    months = rules.UnitMonths(first, paid)
    listed = _items(u.get("zg"), "zg")
    extra = u.get("sczg") or 0
    if isinstance(extra, bool) or not isinstance(extra, int) or not 0 <= extra <= 10000:
        raise Refused(E.ADMIN_BAD_WORLD, detail="sczg 须在0至10000之间")
    people = [_seed_employee(e, dwzh, months, gen, taken, at) for e in listed + [{}] * extra]
    return {"bh": u.get("bh"), "dwzh": dwzh, "dwmc": name, "tyxydm": code, "zs": certs, "zg": people}


def _seed_employee(e: dict, dwzh: str, months: rules.UnitMonths, gen: Generator, taken: set[str], at: str) -> dict:
    checks.only(e, EMPLOYEE_FIELDS)
    conn, pol = g.conn, policy()
    name = checks.person_name(e.get("xm") or gen.name())
    idn = checks.id_number(e["sfzh"]) if e.get("sfzh") else gen.id_number(taken)
    if e.get("sfzh"):
        if idn in taken:
            raise Refused(E.ADMIN_BAD_WORLD, detail=f"身份证号码{idn}在本中心已有账户")
        taken.add(idn)
    base = checks.amount(e.get("jcjs") or gen.base(pol.base_min, pol.base_max))
    rules.check_base(base, pol)
    u_rate, p_rate = rules.rates(*(checks.rate(e[k]) if e.get(k) else None for k in ("dwjcbl", "grjcbl")), pol)
    state = {"01": "01", "02": "02", "正常": "01", "封存": "02", "normal": "01", "sealed": "02"}.get(
        str(e.get("zhzt", "01")))
    if state is None:
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"账户状态{e.get('zhzt')}不正确，可选 01 正常、02 封存")
    start = checks.month(e["qjny"]) if e.get("qjny") else months.first
    if not months.first <= start <= months.due:
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"职工{name}的起缴年月{start}须在{months.first}至{months.due}之间")
    end = None
    if state == rules.SEALED:
        end = checks.month(e["zhjcny"]) if e.get("zhjcny") else months.paid_through
        if end is None or not start <= end <= months.paid_through:
            raise Refused(E.ADMIN_BAD_WORLD, detail=f"封存职工{name}的最后缴存年月须在起缴年月与单位缴至年月之间")
    joined = checks.month(e["rzny"]) if e.get("rzny") else start
    if joined > start:
        raise Refused(E.ADMIN_BAD_WORLD, detail=f"职工{name}的入职年月{joined}不能晚于起缴年月{start}")
    grzh = store.new_personal_no(conn)
    conn.execute("INSERT INTO zh (grzh, dwzh, xm, sfzh, zhzt, zhly, rzny, ckzt, khsj, bgbz) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, '1', ?, 0)", (grzh, dwzh, name, idn, state, rules.ESTABLISHED, joined, at))
    store.add_segment(conn, grzh, rules.Segment(dwzh, start, end, base, u_rate, p_rate))
    store.history(conn, grzh, dwzh, at, "zz", None, {"qjny": start, "zhzt": state})
    store.publish_account(conn, grzh)  # a seeded world is the world as of before today
    return {"bh": e.get("bh"), "grzh": grzh, "xm": name, "sfzh": idn}


# --- the centre's side: remittance and arrival ------------------------------------------------------------------
def _unit_or_refuse(dwzh: str):
    u = store.unit(g.conn, dwzh)
    if u is None:
        raise Refused(E.ADMIN_NO_UNIT, dwzh=dwzh)
    return u


def _months_view(dwzh: str) -> dict:
    m = store.unit_months(g.conn, dwzh)
    return {"scjcny": m.first, "jzny": m.paid_through, "yjny": m.due, "dzyf": sorted(m.arrived)}


@bp.post("/dw/<dwzh>/hj")
def remit(dwzh: str):
    b = body()
    checks.only(b, {"ny", "sfdz"})
    month = checks.month(checks.required(b, "ny"))
    arrived = checks.flag(b.get("sfdz", True), "sfdz")
    now = clock.now()
    with store.tx(g.conn):
        _unit_or_refuse(dwzh)
        due = store.unit_months(g.conn, dwzh).due
        if month != due:
            raise Refused(E.ADMIN_REMIT_ORDER, due=due, month=month)
        if month > clock.month_of(now.date()):
            raise Refused(E.ADMIN_REMIT_FUTURE, month=month, today=now.date().isoformat())
        g.conn.execute("INSERT INTO hj (dwzh, ny, hjsj, dzsj) VALUES (?, ?, ?, ?)",
                       (dwzh, month, clock.stamp(now), clock.stamp(now) if arrived else None))
    return ok(_months_view(dwzh))


@bp.post("/dw/<dwzh>/hj/<ny>/dz")
def arrive(dwzh: str, ny: str):
    month = checks.month(ny)
    with store.tx(g.conn):
        _unit_or_refuse(dwzh)
        row = g.conn.execute("SELECT dzsj FROM hj WHERE dwzh = ? AND ny = ?", (dwzh, month)).fetchone()
        if row is None:
            raise Refused(E.ADMIN_NOT_REMITTED, month=month)
        if row["dzsj"] is None:
            g.conn.execute("UPDATE hj SET dzsj = ? WHERE dwzh = ? AND ny = ?", (clock.stamp(clock.now()), dwzh, month))
    return ok(_months_view(dwzh))


# --- inspection ------------------------------------------------------------------------------------------------------
@bp.get("/dw/<dwzh>")
def unit_state(dwzh: str):
    u = _unit_or_refuse(dwzh)
    pending = store.pending_operator(g.conn, dwzh)
    published = {"xm": u["jbrxm"], "sjhm": u["jbrsjhm"], "sfzh": u["jbrsfzh"]}
    live = {"xm": pending["jbrxm"], "sjhm": pending["jbrsjhm"], "sfzh": pending["jbrsfzh"]} if pending else published
    certs = [{"zsxlh": c["zsxlh"], "cwcs": c["cwcs"], "sdsj": c["sdsj"], "sfsd": bool(c["sdsj"])}
             for c in g.conn.execute("SELECT * FROM zs WHERE dwzh = ? ORDER BY zsxlh", (dwzh,))]
    staff = g.conn.execute("SELECT COUNT(*), COALESCE(SUM(bgbz), 0) FROM zh WHERE dwzh = ?", (dwzh,)).fetchone()
    return ok({"dwzh": dwzh, "dwmc": u["dwmc"], "tyxydm": u["tyxydm"], "wtsk": bool(u["wtsk"]), "ktzt": u["ktzt"],
               "ktztmc": rules.STAGE_LABEL[u["ktzt"]], "cxmmsz": u["cxmm"] is not None, "jbr": live, "fbjbr": published,
               "jbrdfb": pending is not None, "jbrbgsj": pending["sqsj"] if pending else None, "zs": certs,
               "yf": _months_view(dwzh), "zgrs": staff[0], "dfbzhs": staff[1]})


@bp.get("/zh/<grzh>")
def account_state(grzh: str):
    row = g.conn.execute("SELECT * FROM zh WHERE grzh = ?", (grzh,)).fetchone()
    if row is None:
        raise Refused(E.ADMIN_NO_ACCOUNT, grzh=grzh)
    acct = store.account(g.conn, grzh)
    months = store.unit_months(g.conn, row["dwzh"])
    paid_here = [m for m in acct.paid if months.remitted(m)]
    pub = g.conn.execute("SELECT * FROM zgqc WHERE grzh = ?", (grzh,)).fetchone()
    return ok({
        "grzh": grzh, "dwzh": row["dwzh"], "xm": row["xm"], "sfzh": row["sfzh"], "zhzt": row["zhzt"],
        "zhly": row["zhly"], "rzny": row["rzny"], "ckzt": row["ckzt"], "jzny": max(paid_here, default=None),
        "fb": {"dwzh": pub["dwzh"], "xm": pub["xm"], "zhzt": pub["zhzt"], "jcjs": pub["jcjs"]} if pub else None,
        "dfb": bool(row["bgbz"]),
        "jcd": [{"dwzh": s.dwzh, "qsny": s.start, "zzny": s.end, "jcjs": f"{s.base:.2f}", "dwbl": str(s.unit_rate),
                 "grbl": str(s.personal_rate)} for s in acct.segments],
        "bj": [dict(r) for r in g.conn.execute("SELECT ny, bjyy, ywlsh, dwje, grje, jsny FROM bj WHERE grzh = ? "
                                               "ORDER BY ny", (grzh,))],
        "lsjl": [{"sj": r["sj"], "lx": r["lx"], "dwzh": r["dwzh"], "ywlsh": r["ywlsh"], "nr": json.loads(r["nr"])}
                 for r in g.conn.execute("SELECT * FROM lsjl WHERE grzh = ? ORDER BY id", (grzh,))]})


# --- the nightly batch (日终) ---------------------------------------------------------------------------------------
@bp.post("/pc/rz")
def run_nightly():
    return ok(nightly.run(g.conn))


@bp.get("/pc/dfb")
def pending():
    return ok(nightly.pending(g.conn))


# --- counter actions ------------------------------------------------------------------------------------------------
@bp.post("/zs/<zsxlh>/js")
def unlock(zsxlh: str):
    if g.conn.execute("UPDATE zs SET cwcs = 0, sdsj = NULL WHERE zsxlh = ?", (zsxlh,)).rowcount == 0:
        raise Refused(E.ADMIN_NO_CERT, zsxlh=zsxlh)
    return ok()


@bp.post("/zssq")
def certificate_application():
    """指南一、1: a paper application at the counter; 同和 calls back within two weeks."""
    b = body()
    checks.only(b, {"dwmc", "tyxydm"})
    name = checks.text(checks.required(b, "dwmc"), "dwmc", 100)
    code = checks.uscc(checks.required(b, "tyxydm"))
    today = clock.now().date()
    deadline = today + timedelta(days=policy().followup_days)
    cur = g.conn.execute("INSERT INTO zssq (dwmc, tyxydm, sqrq, hfjz) VALUES (?, ?, ?, ?)",
                         (name, code, today.isoformat(), deadline.isoformat()))
    return ok({"id": cur.lastrowid, "dwmc": name, "tyxydm": code, "sqrq": today.isoformat(),
               "hfjz": deadline.isoformat()})
