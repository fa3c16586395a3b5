"""日终批处理 (the nightly batch): publishes the day's changes — operator changes (指南三、5) and every
changed account to the 职工清册 (指南三、6) — as the real system does overnight.

Nothing in the portal runs it on a timer (under a moved clock a timer would never fire at the right
moment): the operator of the environment runs it after midnight, with
`python -m examples.longcheng batch --db FILE` or `POST /admin/pc/rz` (ADMIN.md). In a test
environment the control plug-in runs it whenever it moves the clock across midnight. Running it twice
is harmless: the second run finds nothing pending."""
from __future__ import annotations

import sqlite3

from . import clock, store


def pending(conn: sqlite3.Connection) -> dict:
    """What the next run will publish (后台 待发布)."""
    accounts = [r[0] for r in conn.execute("SELECT grzh FROM zh WHERE bgbz = 1 ORDER BY grzh")]
    units = [r[0] for r in conn.execute("SELECT DISTINCT dwzh FROM jbrbg WHERE fbsj IS NULL ORDER BY dwzh")]
    last = conn.execute("SELECT yxsj FROM pcjl ORDER BY id DESC LIMIT 1").fetchone()
    return {"qcrq": store.setting(conn, "qcrq"), "scyxsj": last[0] if last else None,
            "dfbzh": accounts, "dfbjbr": units}


def run(conn: sqlite3.Connection) -> dict:
    """Publish everything pending now, in one transaction; returns what was published."""
    now = clock.now()
    at = clock.stamp(now)
    with store.tx(conn):
        changes = conn.execute("SELECT * FROM jbrbg WHERE fbsj IS NULL ORDER BY id").fetchall()
        for c in changes:  # in order: the latest change of a unit wins
            conn.execute("UPDATE dw SET jbrxm = ?, jbrsjhm = ?, jbrsfzh = ? WHERE dwzh = ?",
                         (c["jbrxm"], c["jbrsjhm"], c["jbrsfzh"], c["dwzh"]))
        conn.execute("UPDATE jbrbg SET fbsj = ? WHERE fbsj IS NULL", (at,))
        accounts = [r[0] for r in conn.execute("SELECT grzh FROM zh WHERE bgbz = 1 ORDER BY grzh")]
        for grzh in accounts:
            store.publish_account(conn, grzh)
        store.set_setting(conn, "qcrq", now.date().isoformat())
        conn.execute("INSERT INTO pcjl (yxsj, fbzh, fbjbr) VALUES (?, ?, ?)", (at, len(accounts), len(changes)))
    return {"yxsj": at, "qcrq": now.date().isoformat(), "fbzh": accounts,
            "fbjbr": sorted({c["dwzh"] for c in changes})}
