"""汇(补)缴书 as PDF, for both protocols that print it (the JSON API and the portal's 查询打印).
Chinese text uses the CID font STSong-Light that every PDF reader provides, so nothing has to be
embedded and the file stays small."""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .domain.money import capitals
from .domain.rules.slips import Slip

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def render_slip(slip: Slip) -> bytes:
    buf = io.BytesIO()
    page = landscape(A4)
    c = canvas.Canvas(buf, pagesize=page, invariant=1)  # invariant: same slip, same bytes
    c.setTitle(f"住房公积金汇（补）缴书 {slip.unit_name} {slip.month}")
    c.setAuthor("常州市住房公积金管理中心（模拟）")
    w, h = page
    c.setFont(FONT, 20)
    c.drawCentredString(w / 2, h - 25 * mm, "住房公积金汇（补）缴书")
    c.setFont(FONT, 11)
    c.drawString(20 * mm, h - 38 * mm, f"单位名称：{slip.unit_name}")
    c.drawString(20 * mm, h - 45 * mm, f"单位公积金账号：{slip.unit_account_no}")
    c.drawString(150 * mm, h - 38 * mm, f"汇缴年月：{slip.month.year}年{slip.month.month}月")
    d = slip.printed_on
    c.drawString(150 * mm, h - 45 * mm, f"填制日期：{d.year}年{d.month}月{d.day}日")
    box = "■" if slip.back_pay.count else "□"
    c.drawString(230 * mm, h - 38 * mm, f"■汇缴  {box}补缴")

    rows = [("项目", "人数", "金额（元）"),
            ("上月汇缴", slip.previous.count, slip.previous.amount),
            ("本月增加", slip.increase.count, slip.increase.amount),
            ("本月减少", slip.decrease.count, slip.decrease.amount),
            ("本月汇缴", slip.current.count, slip.current.amount),
            ("补缴", slip.back_pay.count, slip.back_pay.amount),
            ("合计", "", slip.total)]
    top, row_h, xs = h - 58 * mm, 10 * mm, [20 * mm, 90 * mm, 150 * mm, 240 * mm]
    for i, row in enumerate(rows):
        y = top - i * row_h
        c.line(xs[0], y, xs[-1], y)
        for j, cell in enumerate(row):
            c.drawString(xs[j] + 3 * mm, y - 7 * mm, f"{cell:,.2f}" if j == 2 and i else str(cell))
    bottom = top - len(rows) * row_h
    c.line(xs[0], bottom, xs[-1], bottom)
    for x in xs:
        c.line(x, top, x, bottom)
    c.drawString(20 * mm, bottom - 10 * mm, f"金额（大写）：人民币{capitals(slip.total)}")
    c.setFont(FONT, 9)
    c.drawString(20 * mm, 15 * mm, "本汇（补）缴书由网上服务厅“查询打印”生成，中心不再邮寄纸质汇（补）缴书。")
    c.showPage()
    c.save()
    return buf.getvalue()
