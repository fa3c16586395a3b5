"""查询打印: the 住房公积金汇（补）缴书 of a remitted month, as figures and as a PDF (reportlab).

Only units on 委托收款 print online (指南三、2（2）、（3）), only months already remitted. Figures of month
M: who contributed in M and in M−1 at this unit (from the segments), so 上月 + 增加 − 减少 = 本月 for
heads and for money (a base change moves money without a head); back-pays settled with M are added."""
from __future__ import annotations

import io
import sqlite3
from decimal import Decimal

import cn2an
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from . import rules, store
from .clock import add_months, month_cn
from .config import Policy
from .errors import E, Refused

FONT = "STSong-Light"  # an Adobe CJK font every PDF reader has: nothing to embed
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def figures(conn: sqlite3.Connection, policy: Policy, dwzh: str, month: str) -> dict:
    unit = store.unit(conn, dwzh)
    if not unit["wtsk"]:
        raise Refused(E.SLIP_NOT_ENTRUSTED)
    if not store.unit_months(conn, dwzh).remitted(month):
        raise Refused(E.SLIP_NOT_REMITTED, month=month)
    now, before = _contributors(conn, policy, dwzh, month), _contributors(conn, policy, dwzh, add_months(month, -1))
    joined = [p for p in now if p not in before]
    left = [p for p in before if p not in now]
    up = sum((now[p] - before[p] for p in now if p in before and now[p] > before[p]), Decimal("0"))
    down = sum((before[p] - now[p] for p in now if p in before and now[p] < before[p]), Decimal("0"))
    back_heads = conn.execute("SELECT COUNT(DISTINCT grzh) FROM bj WHERE dwzh = ? AND jsny = ?",
                              (dwzh, month)).fetchone()[0]
    back_amount = sum((Decimal(r[0]) + Decimal(r[1]) for r in conn.execute(
        "SELECT dwje, grje FROM bj WHERE dwzh = ? AND jsny = ?", (dwzh, month))), Decimal("0"))
    current = sum(now.values(), Decimal("0"))
    total = current + back_amount
    line = lambda n, a: {"rs": n, "je": f"{a:.2f}"}  # noqa: E731 - one row of the slip
    return {"dwzh": dwzh, "dwmc": unit["dwmc"], "ny": month,
            "syhj": line(len(before), sum(before.values(), Decimal("0"))),
            "bydj": line(len(joined), sum((now[p] for p in joined), Decimal("0")) + up),
            "byjs": line(len(left), sum((before[p] for p in left), Decimal("0")) + down),
            "byhj": line(len(now), current), "bj": line(back_heads, back_amount),
            "hj": f"{total:.2f}", "dxje": cn2an.an2cn(f"{total:.2f}", "rmb") if total else "零元整"}


def _contributors(conn, policy: Policy, dwzh: str, month: str) -> dict[str, Decimal]:
    """Each person contributing at the unit in the month → their monthly amount (both sides)."""
    rows = conn.execute("SELECT grzh, jcjs, dwbl, grbl FROM jcd WHERE dwzh = ? AND qsny <= ? "
                        "AND (zzny IS NULL OR zzny >= ?)", (dwzh, month, month)).fetchall()
    out = {}
    for r in rows:
        base = Decimal(r["jcjs"])
        out[r["grzh"]] = rules.monthly(base, Decimal(r["dwbl"]), policy) + rules.monthly(base, Decimal(r["grbl"]), policy)
    return out


def pdf(f: dict) -> bytes:
    """The slip as one landscape A4 page; the same figures give the same bytes."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=landscape(A4), invariant=1)
    c.setTitle(f"住房公积金汇（补）缴书 {f['ny']}")
    w, h = landscape(A4)
    c.setFont(FONT, 20)
    c.drawCentredString(w / 2, h - 60, "住房公积金汇（补）缴书")
    c.setFont(FONT, 11)
    c.drawString(60, h - 95, f"单位名称：{f['dwmc']}")
    c.drawString(60, h - 115, f"单位账号：{f['dwzh']}")
    c.drawString(w - 260, h - 95, f"所属年月：{month_cn(f['ny'])}")
    c.drawString(w - 260, h - 115, "收款单位：常州市住房公积金管理中心")
    rows = [("项目", "人数", "金额（元）"), ("上月汇缴", f["syhj"]), ("本月增加", f["bydj"]), ("本月减少", f["byjs"]),
            ("本月汇缴", f["byhj"]), ("补缴", f["bj"])]
    y = h - 160
    for i, row in enumerate(rows):
        cells = row if i == 0 else (row[0], str(row[1]["rs"]), row[1]["je"])
        for x, text in zip((80, 320, 520), cells):
            c.drawString(x, y, text)
        c.line(70, y - 6, w - 70, y - 6)
        y -= 28
    c.drawString(80, y - 4, f"合计金额：{f['hj']}元　人民币（大写）：{f['dxje']}")
    c.setFont(FONT, 9)
    c.drawString(60, 50, "本汇（补）缴书由龙城公积金网上服务厅打印，委托收款单位无需再到汇缴银行打印，中心不再邮寄纸质汇（补）缴书。")
    c.showPage()
    c.save()
    return buf.getvalue()
