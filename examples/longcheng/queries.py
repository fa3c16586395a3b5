"""查询 (queries): what a unit reads — 单位缴存信息, the published 职工清册, an account, its remittances
and receipts. No business hours apply (指南三、3 limits submissions only); nothing here writes."""
from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

from . import rules, store
from .config import Policy
from .errors import E, Refused


def our_account(conn: sqlite3.Connection, dwzh: str, grzh: str) -> rules.Account:
    """The unit's account; another unit's looks exactly like one that does not exist."""
    acct = store.account(conn, grzh)
    if acct is None or acct.dwzh != dwzh:
        raise Refused(E.NOT_OUR_EMPLOYEE, grzh=grzh)
    return acct


def unit_view(conn: sqlite3.Connection, dwzh: str) -> dict:
    """单位信息. The operator is the one the last nightly batch published; the months are live."""
    u = store.unit(conn, dwzh)
    months = store.unit_months(conn, dwzh)
    return {"dwzh": u["dwzh"], "dwmc": u["dwmc"], "tyxydm": u["tyxydm"], "wtsk": bool(u["wtsk"]),
            "jsfs": "委托收款" if u["wtsk"] else "非委托收款", "ktzt": u["ktzt"], "ktztmc": rules.STAGE_LABEL[u["ktzt"]],
            "jbrxm": u["jbrxm"], "jbrsjhm": u["jbrsjhm"], "jbrsfzh": u["jbrsfzh"],
            "scjcny": months.first, "jzny": months.paid_through, "yjny": months.due}


def deposit_info(conn, policy: Policy, dwzh: str) -> dict:
    """单位缴存信息 of the 应缴年月, from the live accounts."""
    months = store.unit_months(conn, dwzh)
    due = months.due
    counts = dict(conn.execute("SELECT zhzt, COUNT(*) FROM zh WHERE dwzh = ? GROUP BY zhzt", (dwzh,)).fetchall())
    rows = conn.execute("SELECT jcjs, dwbl, grbl FROM jcd JOIN zh USING (grzh) WHERE jcd.dwzh = ? AND zh.dwzh = ? "
                        "AND zh.zhzt = ? AND qsny <= ? AND (zzny IS NULL OR zzny >= ?)",
                        (dwzh, dwzh, rules.NORMAL, due, due)).fetchall()
    base = sum((Decimal(r["jcjs"]) for r in rows), Decimal("0.00"))
    ua = sum((rules.monthly(Decimal(r["jcjs"]), Decimal(r["dwbl"]), policy) for r in rows), Decimal("0.00"))
    pa = sum((rules.monthly(Decimal(r["jcjs"]), Decimal(r["grbl"]), policy) for r in rows), Decimal("0.00"))
    verified = conn.execute("SELECT ywlsh FROM jchc WHERE dwzh = ? AND ny = ?", (dwzh, due)).fetchone()
    return {"ny": due, "jzny": months.paid_through, "zcrs": counts.get(rules.NORMAL, 0),
            "fcrs": counts.get(rules.SEALED, 0), "jshj": f"{base:.2f}", "dwyjce": f"{ua:.2f}", "gryjce": f"{pa:.2f}",
            "yjce": f"{ua + pa:.2f}", "hcywlsh": verified[0] if verified else None}


def roster(conn, policy: Policy, dwzh: str, page: int, size: int, state: str | None) -> dict:
    """职工清册 as the last nightly batch published it (指南三、6)."""
    total, rows = store.roster_page(conn, dwzh, state, page, size)
    items = []
    for r in rows:
        base = Decimal(r["jcjs"]) if r["jcjs"] else None
        ua = rules.monthly(base, Decimal(r["dwbl"]), policy) if base else None
        pa = rules.monthly(base, Decimal(r["grbl"]), policy) if base else None
        items.append({"grzh": r["grzh"], "xm": r["xm"], "sfzh": r["sfzh"], "zhzt": r["zhzt"],
                      "zhztmc": rules.STATE_LABEL.get(r["zhzt"], r["zhzt"]), "jcjs": r["jcjs"],
                      "dwbl": r["dwbl"], "grbl": r["grbl"], "dwyjce": _money(ua), "gryjce": _money(pa),
                      "yjce": _money(ua + pa if base else None)})
    return {"pageNum": page, "pageSize": size, "total": total, "list": items,
            "qcrq": store.setting(conn, "qcrq")}


def account_view(conn, policy: Policy, dwzh: str, grzh: str) -> dict:
    """职工账户信息, live."""
    acct = our_account(conn, dwzh, grzh)
    row = conn.execute("SELECT * FROM zh WHERE grzh = ?", (grzh,)).fetchone()
    here = sorted(acct.here(), key=lambda s: s.start)
    latest = here[-1] if here else None
    months = store.unit_months(conn, dwzh)
    paid_here = sorted(m for m in acct.paid if months.remitted(m) and (
        any(s.covers(m) for s in here) or m in _back_paid(conn, grzh, dwzh)))
    ua = rules.monthly(latest.base, latest.unit_rate, policy) if latest else None
    pa = rules.monthly(latest.base, latest.personal_rate, policy) if latest else None
    events = conn.execute("SELECT sj, lx, ywlsh, nr FROM lsjl WHERE grzh = ? AND dwzh = ? ORDER BY id",
                          (grzh, dwzh)).fetchall()
    return {"grzh": grzh, "xm": acct.name, "sfzh": row["sfzh"], "zhzt": acct.state,
            "zhztmc": rules.STATE_LABEL.get(acct.state, acct.state), "zhly": acct.origin,
            "zhlymc": "设立" if acct.origin == rules.ESTABLISHED else "转入", "rzny": acct.joined,
            "ckzt": row["ckzt"], "ckztmc": "已申领" if row["ckzt"] == "1" else "未申领",
            "qjny": here[0].start if here else None, "jcjs": _money(latest.base if latest else None),
            "dwbl": str(latest.unit_rate) if latest else None, "grbl": str(latest.personal_rate) if latest else None,
            "dwyjce": _money(ua), "gryjce": _money(pa), "yjce": _money(ua + pa if latest else None),
            "jzny": paid_here[-1] if paid_here else None,
            "jcd": [{"qsny": s.start, "zzny": s.end, "jcjs": _money(s.base)} for s in here],
            "bjny": sorted(_back_paid(conn, grzh, dwzh)),
            "lsjl": [{"sj": e["sj"], "lx": e["lx"], "ywlsh": e["ywlsh"], "nr": json.loads(e["nr"])} for e in events]}


def _back_paid(conn, grzh: str, dwzh: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT ny FROM bj WHERE grzh = ? AND dwzh = ?", (grzh, dwzh))}


def remittance_view(conn, dwzh: str) -> dict:
    months = store.unit_months(conn, dwzh)
    return {"scjcny": months.first, "jzny": months.paid_through, "yjny": months.due,
            "list": [{"ny": r["ny"], "hjsj": r["hjsj"], "sfdz": bool(r["dzsj"]), "dzsj": r["dzsj"]}
                     for r in store.remittances(conn, dwzh)[:120]]}


def receipt(conn, dwzh: str, ywlsh: str) -> dict:
    row = conn.execute("SELECT hz FROM yw WHERE ywlsh = ? AND dwzh = ?", (ywlsh, dwzh)).fetchone()
    if row is None:
        raise Refused(E.RECEIPT_NOT_FOUND, ywlsh=ywlsh)
    return json.loads(row["hz"])


def receipts(conn, dwzh: str, page: int, size: int) -> dict:
    total = conn.execute("SELECT COUNT(*) FROM yw WHERE dwzh = ?", (dwzh,)).fetchone()[0]
    rows = conn.execute("SELECT hz FROM yw WHERE dwzh = ? ORDER BY tjsj DESC, ywlsh DESC LIMIT ? OFFSET ?",
                        (dwzh, size, (page - 1) * size)).fetchall()
    return {"pageNum": page, "pageSize": size, "total": total, "list": [json.loads(r["hz"]) for r in rows]}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"

