"""What a submission receipt tells the unit to do next (3.2, 3.2.1–3.2.3, 3.7, 3.8, 3.9)."""
from __future__ import annotations

from ..clauses import implements
from ..model import BusinessType, Unit

STORAGE_CARD_WAYS = (
    "由职工本人携带身份证原件到公积金中心办事处或分中心申领本人储存卡并设置密码",
    "由单位经办人携带单位登记证（原件或加盖公章的复印件）到公积金汇缴受理点统一申领住房公积金储存卡",
)


@implements("3.8", "3.2.1")
def storage_card_follow_up() -> str:
    return ("请按照规定为职工申领住房公积金储存卡，申领方式有两种：（1）"
            + STORAGE_CARD_WAYS[0] + "；（2）" + STORAGE_CARD_WAYS[1] + "。")


@implements("3.2", "3.2.1", "3.2.2", "3.2.3", "3.9")
def follow_ups(business: BusinessType, unit: Unit,
               extra: tuple[str, ...] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """一般情况下不用再去公积金窗口交纳材料, except: a new account needs its storage card
    (3.2.1); a unit not on entrusted collection still prints its 汇(补)缴书 and pays at a
    collection point (3.2.2); a transfer is followed by an unseal with a base (3.9).
    Returns (follow_ups, notes)."""
    todo: list[str] = list(extra)  # business-specific to-dos, e.g. the 3.7 correction notice
    notes: list[str] = []
    if business is BusinessType.ESTABLISH:
        todo.append(storage_card_follow_up())
    if business is BusinessType.TRANSFER:
        todo.append("职工转入后账户为封存状态，请为该职工办理职工启封（设置基数）——业务提交。")
    if business is not BusinessType.DEPOSIT_VERIFICATION:
        if unit.entrusted_collection:
            notes.append("贵单位已使用住房公积金委托收款结算方式，无需再到汇缴银行打印汇（补）缴书，"
                         "可通过网上服务厅“查询打印”界面打印已汇缴月份汇（补）缴书，中心不再邮寄纸质汇（补）缴书。")
        else:
            todo.append("贵单位未使用住房公积金委托收款结算方式，请至公积金汇缴受理点打印汇（补）缴书、"
                        "办理公积金汇（补）缴手续。")
    if not todo:
        notes.insert(0, "本业务提交后无需再到公积金窗口交纳材料。")
    return tuple(todo), tuple(notes)
