"""业务办理: what an operator (经办人) does that changes something — log in, open the online business,
change the operator, submit the seven businesses — as operations over the database that apply
rules.py (reading is in queries.py). The API (api.py) and the pages (web.py) both call these, with
the same field names (the vendor's data dictionary, API.md).

Every operation reads the time once from clock.now(). A refusal raises Refused and writes nothing,
except a wrong PIN, which is counted (指南二、2)."""
from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from . import checks, clock, queries, rules, store
from .clock import month_cn
from .config import Policy
from .errors import E, Refused
from .faults import Faults

KINDS = {  # 业务类型 → 业务名称 (指南 0.1)
    "zhsl": "职工账户设立", "zhfc": "职工账户封存", "zhqf": "职工账户启封", "zyzr": "职工转移",
    "grbj": "个别补缴", "jstz": "缴存基数调整", "jchc": "单位缴存信息核查",
}
FIELDS = {  # the fields each business takes (* required), besides qqlsh 请求流水号
    "zhsl": {"xm*", "sfzh*", "jcjs*", "dwjcbl", "grjcbl", "rzny", "sjhm"},
    "zhfc": {"grzh*", "zhjcny*", "fcyy"},
    "zhqf": {"grzh*", "qjny*", "jcjs*", "dwjcbl", "grjcbl", "xmyw", "sfzhyw"},
    "zyzr": {"xm*", "sfzh*"},
    "grbj": {"grzh*", "bjyy*", "bjny*"},
    "jstz": {"grzh*", "jcjs*", "sxny*"},
    "jchc": {"hcjg", "hcsm"},
}


@dataclass(frozen=True)
class Context:
    """What every operation needs besides the connection."""
    policy: Policy
    faults: Faults


@dataclass(frozen=True)
class Session:
    token: str
    zsxlh: str
    dwzh: str


# --- log-in and certificate (指南二、2) -------------------------------------------------------------------
def login(conn: sqlite3.Connection, ctx: Context, serial: str, pin: str) -> dict:
    now = clock.stamp(clock.now())
    with store.tx(conn):
        cert = conn.execute("SELECT * FROM zs WHERE zsxlh = ?", (serial,)).fetchone()
        if cert is None:
            raise Refused(E.CERT_UNKNOWN)
        if cert["sdsj"]:
            raise Refused(E.CERT_LOCKED, limit=ctx.policy.pin_attempt_limit)
        if store.secret_matches(cert["kl"], pin):
            conn.execute("UPDATE zs SET cwcs = 0 WHERE zsxlh = ?", (serial,))
            token = secrets.token_hex(20)
            conn.execute("INSERT INTO hh (token, zsxlh, dwzh, dlsj, zhsj) VALUES (?, ?, ?, ?, ?)",
                         (token, serial, cert["dwzh"], now, now))
            refusal = None
        else:
            refusal = _count_wrong_pin(conn, ctx, cert, now, E.WRONG_PIN)
    if refusal:
        raise refusal  # after the commit: the count stays
    unit = store.unit(conn, cert["dwzh"])
    return {"token": token, "dwzh": unit["dwzh"], "dwmc": unit["dwmc"], **opening_view(unit["ktzt"])}


def _count_wrong_pin(conn, ctx: Context, cert: sqlite3.Row, now: str, code: str) -> Refused:
    wrong = cert["cwcs"] + 1
    limit = ctx.policy.pin_attempt_limit
    locked = now if wrong >= limit else None
    conn.execute("UPDATE zs SET cwcs = ?, sdsj = ? WHERE zsxlh = ?", (wrong, locked, cert["zsxlh"]))
    if locked:
        return Refused(E.CERT_LOCKED, limit=limit)
    if code == E.WRONG_PIN:
        return Refused(code, remaining=limit - wrong, initial=ctx.policy.initial_pin)
    return Refused(code, remaining=limit - wrong)


def session(conn: sqlite3.Connection, ctx: Context, token: str | None) -> Session:
    """The session of a token, kept alive; refused when absent, idle too long, or its certificate locked."""
    row = conn.execute("SELECT hh.*, zs.sdsj FROM hh JOIN zs USING (zsxlh) WHERE token = ?",
                       (token or "",)).fetchone()
    if row is None:
        raise Refused(E.NOT_LOGGED_IN)
    now = clock.now()
    last = datetime.fromisoformat(row["zhsj"]).replace(tzinfo=clock.SHANGHAI)
    if now - last > timedelta(minutes=ctx.policy.session_idle_minutes):
        conn.execute("DELETE FROM hh WHERE token = ?", (token,))
        raise Refused(E.SESSION_TIMEOUT, minutes=ctx.policy.session_idle_minutes)
    if row["sdsj"]:
        raise Refused(E.CERT_LOCKED, limit=ctx.policy.pin_attempt_limit)
    conn.execute("UPDATE hh SET zhsj = ? WHERE token = ?", (clock.stamp(now), token))
    return Session(row["token"], row["zsxlh"], row["dwzh"])


def logout(conn: sqlite3.Connection, token: str) -> None:
    conn.execute("DELETE FROM hh WHERE token = ?", (token,))


def change_pin(conn: sqlite3.Connection, ctx: Context, s: Session, old: str, new: str) -> None:
    if not ctx.policy.pin_pattern.fullmatch(new or ""):
        raise Refused(E.PIN_FORMAT)
    with store.tx(conn):
        cert = conn.execute("SELECT * FROM zs WHERE zsxlh = ?", (s.zsxlh,)).fetchone()
        refusal = None
        if not store.secret_matches(cert["kl"], old or ""):
            refusal = _count_wrong_pin(conn, ctx, cert, clock.stamp(clock.now()), E.OLD_PIN_WRONG)
        elif old == new:
            raise Refused(E.PIN_SAME)
        else:
            conn.execute("UPDATE zs SET kl = ?, cwcs = 0 WHERE zsxlh = ?", (store.hash_secret(new), s.zsxlh))
    if refusal:
        raise refusal


# --- opening (指南一、1.2, 二、3) ---------------------------------------------------------------------------
def opening_view(stage: str) -> dict:
    step = dict((c, s) for c, _, s in rules.OPENING)[stage]
    return {"ktzt": stage, "ktztmc": rules.STAGE_LABEL[stage], "sfkt": stage == rules.OPENED, "xybz": step,
            "tsxx": rules.FIRST_LOGIN_PROMPT if stage == "00" else None}


def opening_step(conn: sqlite3.Connection, ctx: Context, s: Session, step: str, body: dict) -> dict:
    """One step of 1.2, in order: 申请开通, 签署服务协议, 核对单位信息, 设置查询密码, 完成开通."""
    if step == "签署服务协议" and not checks.flag(body.get("tyxy", False), "tyxy"):
        raise Refused(E.AGREEMENT_NOT_ACCEPTED)
    if step == "设置查询密码":
        rules.check_query_password(str(body.get("cxmm") or ""), body.get("qrmm"), ctx.policy)
    with store.tx(conn):
        stage = store.unit(conn, s.dwzh)["ktzt"]
        after = rules.opening_step(stage, step)
        if step == "核对单位信息" and any(body.get(k) for k in ("jbrxm", "jbrsjhm", "jbrsfzh")) and \
                _operator_differs(conn, s.dwzh, body):
            _request_operator_change(conn, s.dwzh, body, clock.now())
        if step == "设置查询密码":
            conn.execute("UPDATE dw SET cxmm = ? WHERE dwzh = ?", (store.hash_secret(body["cxmm"]), s.dwzh))
        conn.execute("UPDATE dw SET ktzt = ? WHERE dwzh = ?", (after, s.dwzh))
    return opening_view(after)


def require_opened(conn: sqlite3.Connection, dwzh: str) -> sqlite3.Row:
    unit = store.unit(conn, dwzh)
    if unit["ktzt"] != rules.OPENED:
        raise Refused(E.NOT_OPENED, stage=rules.STAGE_LABEL[unit["ktzt"]])
    return unit


# --- operator (指南三、5) --------------------------------------------------------------------------------
def change_operator(conn: sqlite3.Connection, ctx: Context, s: Session, body: dict) -> dict:
    """经办人信息修改: held until the nightly batch; 指南三、5 核实 from the next working day's opening."""
    checks.only(body, {"jbrxm", "jbrsjhm", "jbrsfzh"})
    now = clock.now()
    with store.tx(conn):
        require_opened(conn, s.dwzh)
        _request_operator_change(conn, s.dwzh, body, now)
    check_from = rules.verify_from(now, ctx.policy)
    return {"zt": "已受理，待日终批处理后生效", "hssj": clock.stamp(check_from)}


def _operator_differs(conn, dwzh: str, body: dict) -> bool:
    """Whether the form names another operator than the current one (confirming unchanged data is no change)."""
    current = store.pending_operator(conn, dwzh) or store.unit(conn, dwzh)
    return any(str(body.get(k) or "").strip().upper() != str(current[k]).upper() for k in ("jbrxm", "jbrsjhm", "jbrsfzh"))


def _request_operator_change(conn, dwzh: str, body: dict, now: datetime) -> None:
    name = checks.person_name(checks.required(body, "jbrxm"))
    mobile = checks.mobile(checks.required(body, "jbrsjhm"))
    idn = checks.id_number(checks.required(body, "jbrsfzh"))
    conn.execute("INSERT INTO jbrbg (dwzh, jbrxm, jbrsjhm, jbrsfzh, sqsj) VALUES (?, ?, ?, ?, ?)",
                 (dwzh, name, mobile, idn, clock.stamp(now)))


# --- businesses (指南 0.1, 三) ----------------------------------------------------------------------------
def submit(conn: sqlite3.Connection, ctx: Context, s: Session, kind: str, body: dict) -> dict:
    """业务提交 in one step: formats, then a repeated request number, then business hours (三、3), then
    the business's rules, all in one transaction. Returns the receipt (回执), with cftj = true when the
    same request number was submitted before (the stored receipt comes back, nothing is done again)."""
    spec = FIELDS[kind]
    require_opened(conn, s.dwzh)        # 1.0: nothing before the opening is complete
    checks.only(body, {f.rstrip("*") for f in spec} | {"qqlsh"})
    for f in spec:
        if f.endswith("*"):
            checks.required(body, f[:-1])
    request_no = checks.request_no(body["qqlsh"]) if body.get("qqlsh") not in (None, "") else None
    fields = _PARSE[kind](body)
    now = clock.now()
    with store.tx(conn):
        unit = require_opened(conn, s.dwzh)
        if request_no:
            done = conn.execute("SELECT * FROM yw WHERE dwzh = ? AND qqlsh = ?", (s.dwzh, request_no)).fetchone()
            if done is not None:
                if done["ywlx"] != kind or json.loads(done["sqnr"]) != _jsonable(fields):
                    raise Refused(E.REQUEST_NO_REUSED, qqlsh=request_no)
                return {**json.loads(done["hz"]), "cftj": True}
        rules.check_business_hours(now, ctx.policy, end_inclusive="hours_end_inclusive" in ctx.faults)
        months = store.unit_months(conn, s.dwzh)
        ywlsh = store.new_business_no(conn, now.strftime("%Y%m%d"))
        summary, result, wrong = _DO[kind](conn, ctx, unit, months, fields, ywlsh, clock.stamp(now))
        todo, info = rules.after_submission(kind, bool(unit["wtsk"]), wrong)
        receipt = {"ywlsh": ywlsh, "ywlx": kind, "ywmc": KINDS[kind], "tjsj": clock.stamp(now), "zy": summary,
                   "hxsx": todo, "wxts": info, "jg": result}
        conn.execute("INSERT INTO yw (ywlsh, dwzh, ywlx, qqlsh, sqnr, hz, tjsj) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (ywlsh, s.dwzh, kind, request_no, json.dumps(_jsonable(fields), ensure_ascii=False),
                      json.dumps(receipt, ensure_ascii=False), clock.stamp(now)))
    return {**receipt, "cftj": False}


def _jsonable(fields: dict) -> dict:
    return json.loads(json.dumps(fields, default=str, ensure_ascii=False))


def _opt(body: dict, key: str, parse):
    value = body.get(key)
    return None if value in (None, "") else parse(value)


def _parse_zhsl(b: dict) -> dict:
    return {"xm": checks.person_name(b["xm"]), "sfzh": checks.id_number(b["sfzh"]), "jcjs": checks.amount(b["jcjs"]),
            "dwjcbl": _opt(b, "dwjcbl", checks.rate), "grjcbl": _opt(b, "grjcbl", checks.rate),
            "rzny": _opt(b, "rzny", checks.month), "sjhm": _opt(b, "sjhm", checks.mobile)}


def _parse_zhfc(b: dict) -> dict:
    return {"grzh": checks.text(b["grzh"], "grzh", 20), "zhjcny": checks.month(b["zhjcny"]),
            "fcyy": _opt(b, "fcyy", lambda v: checks.text(v, "fcyy", 100))}


def _parse_zhqf(b: dict) -> dict:
    return {"grzh": checks.text(b["grzh"], "grzh", 20), "qjny": checks.month(b["qjny"]),
            "jcjs": checks.amount(b["jcjs"]), "dwjcbl": _opt(b, "dwjcbl", checks.rate),
            "grjcbl": _opt(b, "grjcbl", checks.rate), "xmyw": checks.flag(b.get("xmyw", False), "xmyw"),
            "sfzhyw": checks.flag(b.get("sfzhyw", False), "sfzhyw")}


def _parse_zyzr(b: dict) -> dict:
    return {"xm": checks.person_name(b["xm"]), "sfzh": checks.id_number(b["sfzh"])}


def _parse_grbj(b: dict) -> dict:
    cause = checks.text(b["bjyy"], "bjyy", 10)
    if cause not in rules.CAUSES:
        raise Refused(E.BACKPAY_CAUSE, value=cause)
    months = checks.months(b["bjny"])
    if not months:
        raise Refused(E.BACKPAY_NO_MONTHS)
    return {"grzh": checks.text(b["grzh"], "grzh", 20), "bjyy": cause, "bjny": months}


def _parse_jstz(b: dict) -> dict:
    return {"grzh": checks.text(b["grzh"], "grzh", 20), "jcjs": checks.amount(b["jcjs"]),
            "sxny": checks.month(b["sxny"])}


def _parse_jchc(b: dict) -> dict:
    result = str(b.get("hcjg", "1")).strip() or "1"
    if result not in ("0", "1"):
        raise Refused(E.BAD_VALUE, field="hcjg", value=result)
    return {"hcjg": result, "hcsm": _opt(b, "hcsm", lambda v: checks.text(v, "hcsm", 500))}


_PARSE = {"zhsl": _parse_zhsl, "zhfc": _parse_zhfc, "zhqf": _parse_zhqf, "zyzr": _parse_zyzr, "grbj": _parse_grbj,
          "jstz": _parse_jstz, "jchc": _parse_jchc}


def _do_zhsl(conn, ctx, unit, months, f, ywlsh, at):
    start = months.due
    rules.check_establish(store.account_by_id_number(conn, f["sfzh"]) is not None, f["rzny"], start)
    rules.check_base(f["jcjs"], ctx.policy)
    u, p = rules.rates(f["dwjcbl"], f["grjcbl"], ctx.policy)
    grzh = store.new_personal_no(conn)
    conn.execute("INSERT INTO zh (grzh, dwzh, xm, sfzh, sjhm, zhzt, zhly, rzny, ckzt, khsj, bgbz) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '0', ?, 1)",
                 (grzh, unit["dwzh"], f["xm"], f["sfzh"], f["sjhm"], rules.NORMAL, rules.ESTABLISHED,
                  f["rzny"] or start, at))
    store.add_segment(conn, grzh, rules.Segment(unit["dwzh"], start, None, f["jcjs"], u, p))
    store.history(conn, grzh, unit["dwzh"], at, "zhsl", ywlsh, {"qjny": start, "jcjs": str(f["jcjs"])})
    return (f"已为职工{f['xm']}设立住房公积金账户，个人账号{grzh}，自{month_cn(start)}起缴存",
            {"grzh": grzh, "qjny": start}, ())


def _do_zhfc(conn, ctx, unit, months, f, ywlsh, at):
    acct = queries.our_account(conn, unit["dwzh"], f["grzh"])
    rules.check_seal(acct, months, f["zhjcny"], require_arrival="seal_ignores_arrival" not in ctx.faults)
    store.replace_segments_here(conn, acct.grzh, acct.dwzh, rules.seal_segments(acct.here(), f["zhjcny"]))
    conn.execute("UPDATE zh SET zhzt = ?, bgbz = 1 WHERE grzh = ?", (rules.SEALED, acct.grzh))
    store.history(conn, acct.grzh, acct.dwzh, at, "zhfc", ywlsh, {"zhjcny": f["zhjcny"], "fcyy": f["fcyy"]})
    return (f"职工{acct.name}（{acct.grzh}）已封存，最后缴存年月{month_cn(f['zhjcny'])}",
            {"grzh": acct.grzh, "zhjcny": f["zhjcny"]}, ())


def _do_zhqf(conn, ctx, unit, months, f, ywlsh, at):
    acct = queries.our_account(conn, unit["dwzh"], f["grzh"])
    rules.check_unseal(acct, months, f["qjny"])
    rules.check_base(f["jcjs"], ctx.policy)
    u, p = rules.rates(f["dwjcbl"], f["grjcbl"], ctx.policy)
    store.add_segment(conn, acct.grzh, rules.Segment(acct.dwzh, f["qjny"], None, f["jcjs"], u, p))
    conn.execute("UPDATE zh SET zhzt = ?, bgbz = 1 WHERE grzh = ?", (rules.NORMAL, acct.grzh))
    wrong = tuple(w for w, on in (("姓名", f["xmyw"]), ("身份证号码", f["sfzhyw"])) if on)
    store.history(conn, acct.grzh, acct.dwzh, at, "zhqf", ywlsh,
                  {"qjny": f["qjny"], "jcjs": str(f["jcjs"]), "xxyw": list(wrong)})
    return (f"职工{acct.name}（{acct.grzh}）已启封，自{month_cn(f['qjny'])}起按缴存基数{f['jcjs']}元缴存",
            {"grzh": acct.grzh, "qjny": f["qjny"]}, wrong)


def _do_zyzr(conn, ctx, unit, months, f, ywlsh, at):
    acct = rules.check_transfer(store.account_by_id_number(conn, f["sfzh"]), f["xm"], unit["dwzh"])
    conn.execute("UPDATE zh SET dwzh = ?, zhly = ?, rzny = ?, bgbz = 1 WHERE grzh = ?",
                 (unit["dwzh"], rules.TRANSFERRED, months.due, acct.grzh))
    store.history(conn, acct.grzh, unit["dwzh"], at, "zyzr", ywlsh, {"ydwzh": acct.dwzh, "zrny": months.due})
    return (f"职工{acct.name}（{acct.grzh}）已转入本单位，账户为封存状态",
            {"grzh": acct.grzh, "zhzt": rules.SEALED, "ydwzh": acct.dwzh}, ())


def _do_grbj(conn, ctx, unit, months, f, ywlsh, at):
    acct = queries.our_account(conn, unit["dwzh"], f["grzh"])
    lines = rules.check_back_pay(acct, months, f["bjyy"], f["bjny"])
    total, detail = Decimal("0"), []
    for month, seg in lines:
        ua, pa = rules.monthly(seg.base, seg.unit_rate, ctx.policy), rules.monthly(seg.base, seg.personal_rate, ctx.policy)
        conn.execute("INSERT INTO bj (grzh, ny, dwzh, bjyy, ywlsh, jcjs, dwje, grje, jsny) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (acct.grzh, month, acct.dwzh, f["bjyy"], ywlsh, str(seg.base), str(ua), str(pa), months.due))
        total += ua + pa
        detail.append({"ny": month, "jcjs": str(seg.base), "dwje": str(ua), "grje": str(pa)})
    store.history(conn, acct.grzh, acct.dwzh, at, "grbj", ywlsh, {"bjyy": f["bjyy"], "bjny": f["bjny"], "hj": str(total)})
    return (f"已为职工{acct.name}办理个别补缴（{rules.CAUSES[f['bjyy']]}）{len(lines)}个月，合计{total}元，"
            f"随{month_cn(months.due)}汇缴一并缴纳",
            {"grzh": acct.grzh, "hj": str(total), "jsny": months.due, "mx": detail}, ())


def _do_jstz(conn, ctx, unit, months, f, ywlsh, at):
    acct = queries.our_account(conn, unit["dwzh"], f["grzh"])
    this_month = at[:4] + at[5:7]          # the month of the submission ('2025-03-05 …' → '202503')
    current = rules.check_base_adjustment(acct, months, f["sxny"], f["jcjs"], this_month, ctx.policy)
    store.replace_segments_here(conn, acct.grzh, acct.dwzh, rules.rebase_segments(acct.here(), f["sxny"], f["jcjs"]))
    conn.execute("UPDATE zh SET bgbz = 1 WHERE grzh = ?", (acct.grzh,))
    store.history(conn, acct.grzh, acct.dwzh, at, "jstz", ywlsh,
                  {"yjs": str(current.base), "xjs": str(f["jcjs"]), "sxny": f["sxny"]})
    return (f"职工{acct.name}的缴存基数自{month_cn(f['sxny'])}起由{current.base}元调整为{f['jcjs']}元",
            {"grzh": acct.grzh, "jcjs": str(f["jcjs"]), "sxny": f["sxny"]}, ())


def _do_jchc(conn, ctx, unit, months, f, ywlsh, at):
    done = conn.execute("SELECT ywlsh FROM jchc WHERE dwzh = ? AND ny = ?", (unit["dwzh"], months.due)).fetchone()
    if done:
        raise Refused(E.VERIFIED_ALREADY, month=months.due, ywlsh=done[0])
    info = queries.deposit_info(conn, ctx.policy, unit["dwzh"])
    conn.execute("INSERT INTO jchc (dwzh, ny, ywlsh) VALUES (?, ?, ?)", (unit["dwzh"], months.due, ywlsh))
    verdict = "确认无误" if f["hcjg"] == "1" else "存在差异"
    return (f"{month_cn(months.due)}单位缴存信息核查：{verdict}（正常{info['zcrs']}人，封存{info['fcrs']}人，"
            f"月缴存额合计{info['yjce']}元）", {**info, "hcjg": f["hcjg"], "hcsm": f["hcsm"]}, ())


_DO = {"zhsl": _do_zhsl, "zhfc": _do_zhfc, "zhqf": _do_zhqf, "zyzr": _do_zyzr, "grbj": _do_grbj, "jstz": _do_jstz,
       "jchc": _do_jchc}
