"""Businesses of clause 0.1: drafts, and 业务提交 that makes them binding (3.2).

A draft holds validated input only; every rule that depends on time or state runs at submit,
inside the submit's transaction. A refused submit rolls back and leaves the draft a draft.
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Callable

from ..domain import messages as M
from ..domain import validators as V
from ..domain.messages import DomainError
from ..domain.model import (
    Account,
    AccountState,
    BackPayCause,
    BusinessStatus,
    BusinessType,
    Origin,
    Segment,
    StorageCard,
    Unit,
)
from ..domain.money import yuan
from ..domain.months import Month
from ..domain.rules import accounts as account_rules
from ..domain.rules import (
    back_pay,
    hours,
    opening,
    receipts,
    seal,
    unseal,
    verification,
)
from ..store import repo
from .access import Access, Session
from .centre import Centre, Context
from .queries import deposit_summary

# --- draft input: parse and normalise, per business type ---------------------------------------


def _str_field(payload: dict, key: str, label: str, required: bool = True) -> str | None:
    v = payload.get(key)
    if v is None and not required:
        return None
    if not isinstance(v, str) or not v.strip():
        raise DomainError(M.VALIDATION_FAILED, detail=f"缺少{label}（{key}）")
    return v.strip()


def _known(payload: object, allowed: set[str]) -> dict:
    if not isinstance(payload, dict):
        raise DomainError(M.VALIDATION_FAILED, detail="业务内容须为对象")
    extra = set(payload) - allowed
    if extra:
        raise DomainError(M.VALIDATION_FAILED, detail=f"不认识的字段：{'、'.join(sorted(extra))}")
    return payload


def _parse_establish(p: dict) -> dict:
    p = _known(p, {"name", "id_number", "base", "unit_rate", "personal_rate", "employed_from", "mobile"})
    out = {"name": V.person_name(p.get("name")), "id_number": V.id_number(p.get("id_number")),
           "base": str(V.amount(p.get("base")))}
    for k in ("unit_rate", "personal_rate"):
        if p.get(k) is not None:
            out[k] = str(V.rate(p[k]))
    if p.get("employed_from") is not None:
        out["employed_from"] = str(V.month(p["employed_from"]))
    if p.get("mobile") is not None:
        out["mobile"] = V.mobile(p["mobile"])
    return out


def _parse_seal(p: dict) -> dict:
    p = _known(p, {"personal_no", "last_month", "reason"})
    out = {"personal_no": _str_field(p, "personal_no", "个人账号"),
           "last_month": str(V.month(p.get("last_month")))}
    if p.get("reason") is not None:
        out["reason"] = _str_field(p, "reason", "封存原因")[:100]
    return out


def _parse_unseal(p: dict) -> dict:
    p = _known(p, {"personal_no", "start_month", "base", "unit_rate", "personal_rate", "reported_errors"})
    out = {"personal_no": _str_field(p, "personal_no", "个人账号"),
           "start_month": str(V.month(p.get("start_month"))), "base": str(V.amount(p.get("base")))}
    for k in ("unit_rate", "personal_rate"):
        if p.get(k) is not None:
            out[k] = str(V.rate(p[k]))
    errs = p.get("reported_errors") or []
    if not isinstance(errs, list) or any(e not in unseal.REPORTABLE_ERRORS for e in errs):
        raise DomainError(M.VALIDATION_FAILED,
                          detail="reported_errors 只能包含 " + "、".join(unseal.REPORTABLE_ERRORS))
    out["reported_errors"] = sorted(set(errs))
    return out


def _parse_transfer(p: dict) -> dict:
    p = _known(p, {"name", "id_number"})
    return {"name": V.person_name(p.get("name")), "id_number": V.id_number(p.get("id_number"))}


def _parse_back_pay(p: dict) -> dict:
    p = _known(p, {"personal_no", "cause", "months"})
    cause = p.get("cause")
    if cause not in {c.value for c in BackPayCause}:
        raise DomainError(M.BACKPAY_UNKNOWN_CAUSE, value=cause)
    months = p.get("months")
    if not isinstance(months, list) or not months:
        raise DomainError(M.BACKPAY_NO_MONTHS)
    if len(months) > 120:
        raise DomainError(M.VALIDATION_FAILED, detail="一次最多补缴120个月")
    return {"personal_no": _str_field(p, "personal_no", "个人账号"), "cause": cause,
            "months": [str(V.month(m)) for m in months]}


def _parse_base_adjustment(p: dict) -> dict:
    p = _known(p, {"personal_no", "base", "effective_month"})
    return {"personal_no": _str_field(p, "personal_no", "个人账号"), "base": str(V.amount(p.get("base"))),
            "effective_month": str(V.month(p.get("effective_month")))}


def _parse_verification(p: dict) -> dict:
    p = _known(p or {}, {"confirmed", "note"})
    if p.get("confirmed", True) is not True and p.get("confirmed") is not False:
        raise DomainError(M.VALIDATION_FAILED, detail="confirmed 须为 true 或 false")
    note = p.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > 500):
        raise DomainError(M.VALIDATION_FAILED, detail="核查说明须为不超过500字的文字")
    return {"confirmed": p.get("confirmed", True), "note": note}


PARSERS: dict[BusinessType, Callable[[dict], dict]] = {
    BusinessType.ESTABLISH: _parse_establish,
    BusinessType.SEAL: _parse_seal,
    BusinessType.UNSEAL: _parse_unseal,
    BusinessType.TRANSFER: _parse_transfer,
    BusinessType.BACK_PAY: _parse_back_pay,
    BusinessType.BASE_ADJUSTMENT: _parse_base_adjustment,
    BusinessType.DEPOSIT_VERIFICATION: _parse_verification,
}


class Businesses:
    def __init__(self, centre: Centre, access: Access) -> None:
        self.centre = centre
        self.access = access

    # --- drafts -----------------------------------------------------------------------------
    def create_draft(self, session: Session, business: BusinessType, payload: dict) -> dict:
        data = PARSERS[business](payload)
        with self.centre.command() as ctx:
            unit = self.access.unit(ctx, session)
            opening.require_opened(unit)
            if "personal_no" in data:
                self._own_account(ctx, unit, data["personal_no"])
            draft_id = f"D{repo.next_counter(ctx.conn, 'draft'):08d}"
            ctx.conn.execute(
                "INSERT INTO businesses (id, unit_account_no, type, status, payload, created_at)"
                " VALUES (?,?,?,?,?,?)",
                (draft_id, unit.account_no, business.value, BusinessStatus.DRAFT.value,
                 json.dumps(data, ensure_ascii=False), ctx.stamp))
            return self._view(ctx, draft_id, unit.account_no)

    def get(self, session: Session, business_id: str) -> dict:
        with self.centre.query() as ctx:
            opening.require_opened(self.access.unit(ctx, session))
            return self._view(ctx, business_id, session.unit_account_no)

    def list(self, session: Session, status: str | None = None, limit: int = 50, offset: int = 0) -> dict:
        with self.centre.query() as ctx:
            opening.require_opened(self.access.unit(ctx, session))
            where, params = "unit_account_no = ?", [session.unit_account_no]
            if status:
                where += " AND status = ?"
                params.append(status)
            total = ctx.conn.execute(f"SELECT COUNT(*) FROM businesses WHERE {where}", params).fetchone()[0]
            ids = [r[0] for r in ctx.conn.execute(
                f"SELECT id FROM businesses WHERE {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                (*params, limit, offset))]
            return {"total": total, "items": [self._view(ctx, i, session.unit_account_no) for i in ids]}

    def discard(self, session: Session, business_id: str) -> None:
        with self.centre.command() as ctx:
            row = self._row(ctx, business_id, session.unit_account_no)
            if row["status"] != BusinessStatus.DRAFT.value:
                raise DomainError(M.BUSINESS_NOT_DRAFT, business_id=business_id)
            ctx.conn.execute("DELETE FROM businesses WHERE id = ?", (business_id,))

    def submitted_with_key(self, session: Session, idempotency_key: str) -> str | None:
        """The business of this unit already submitted under the key, if any."""
        with self.centre.query() as ctx:
            row = ctx.conn.execute(
                "SELECT id FROM businesses WHERE unit_account_no = ? AND idempotency_key = ? AND status = ?",
                (session.unit_account_no, idempotency_key, BusinessStatus.SUBMITTED.value)).fetchone()
        return row[0] if row else None

    # --- 业务提交 ------------------------------------------------------------------------------
    def submit(self, session: Session, business_id: str, idempotency_key: str | None = None) -> dict:
        if idempotency_key is not None and not (1 <= len(idempotency_key) <= 200):
            raise DomainError(M.VALIDATION_FAILED, detail="Idempotency-Key 长度须为1至200")
        with self.centre.command() as ctx:
            row = self._row(ctx, business_id, session.unit_account_no)
            if idempotency_key is not None:
                other = ctx.conn.execute(
                    "SELECT id FROM businesses WHERE unit_account_no = ? AND idempotency_key = ?",
                    (session.unit_account_no, idempotency_key)).fetchone()
                if other is not None and other[0] != business_id:
                    raise DomainError(M.IDEMPOTENCY_KEY_REUSED)
            if row["status"] == BusinessStatus.SUBMITTED.value:
                return json.loads(row["receipt"])  # a repeated submit returns the same receipt
            unit = self.access.unit(ctx, session)
            opening.require_opened(unit)
            hours.check_business_hours(ctx.now, ctx.policy.business_hours, ctx.calendar)
            business = BusinessType(row["type"])
            data = json.loads(row["payload"])
            business_no = f"02{ctx.now:%y%m%d}{repo.next_counter(ctx.conn, 'business_no:' + f'{ctx.now:%y%m%d}'):07d}"
            summary, extra_todo, result = HANDLERS[business](self, ctx, unit, data, business_no)
            todo, notes = receipts.follow_ups(business, unit, extra_todo)
            receipt = {
                "business_id": business_id, "business_no": business_no, "business_type": business.value,
                "business_type_label": business.label, "submitted_at": ctx.stamp, "summary": summary,
                "follow_ups": list(todo), "notes": list(notes), "result": result,
            }
            ctx.conn.execute(
                "UPDATE businesses SET status = ?, submitted_at = ?, business_no = ?, receipt = ?,"
                " idempotency_key = ? WHERE id = ?",
                (BusinessStatus.SUBMITTED.value, ctx.stamp, business_no,
                 json.dumps(receipt, ensure_ascii=False), idempotency_key, business_id))
            return receipt

    # --- handlers: apply one submitted business; return (summary, extra follow-ups, result) ------
    def _establish(self, ctx: Context, unit: Unit, d: dict, bno: str):
        months = repo.unit_months(ctx.conn, unit.account_no)
        employed = Month.parse(d["employed_from"]) if d.get("employed_from") else None
        start = account_rules.check_establish(repo.accounts_with_id(ctx.conn, d["id_number"]), employed, months)
        base, ur, pr = self._amounts(ctx, d)
        personal_no = f"1{repo.next_counter(ctx.conn, 'personal_no', start=100000):011d}"
        acct = Account(personal_no, unit.account_no, d["name"], d["id_number"], AccountState.NORMAL,
                       Origin.ESTABLISHED, employed or start, StorageCard.NOT_APPLIED)
        repo.insert_account(ctx.conn, acct)
        repo.append_segment(ctx.conn, personal_no, Segment(unit.account_no, start, None, base, ur, pr))
        self._event(ctx, personal_no, unit, "establish", bno, {"start_month": str(start), "base": yuan(base)})
        return (f"已为职工{d['name']}设立住房公积金账户，个人账号{personal_no}，起缴月份{start.zh()}",
                (), {"personal_no": personal_no, "start_month": str(start)})

    def _seal(self, ctx: Context, unit: Unit, d: dict, bno: str):
        acct = self._own_account(ctx, unit, d["personal_no"])
        last = Month.parse(d["last_month"])
        seal.check_seal(acct, repo.unit_months(ctx.conn, unit.account_no), last)
        repo.end_contributions_at(ctx.conn, acct.personal_no, last)
        repo.update_account(ctx.conn, acct.personal_no, acct.version, state=AccountState.SEALED)
        self._event(ctx, acct.personal_no, unit, "seal", bno, {"last_month": str(last), "reason": d.get("reason")})
        return (f"职工{acct.name}（{acct.personal_no}）已封存，最后缴存月份{last.zh()}", (),
                {"personal_no": acct.personal_no, "last_month": str(last)})

    def _unseal(self, ctx: Context, unit: Unit, d: dict, bno: str):
        acct = self._own_account(ctx, unit, d["personal_no"])
        start = Month.parse(d["start_month"])
        unseal.check_unseal(acct, repo.unit_months(ctx.conn, unit.account_no), start)
        base, ur, pr = self._amounts(ctx, d)
        repo.append_segment(ctx.conn, acct.personal_no, Segment(unit.account_no, start, None, base, ur, pr))
        repo.update_account(ctx.conn, acct.personal_no, acct.version, state=AccountState.NORMAL)
        notice = unseal.correction_notice(d.get("reported_errors", []))
        self._event(ctx, acct.personal_no, unit, "unseal", bno,
                    {"start_month": str(start), "base": yuan(base), "reported_errors": d.get("reported_errors", [])})
        return (f"职工{acct.name}（{acct.personal_no}）已启封，起缴月份{start.zh()}，缴存基数{base}元",
                (notice,) if notice else (), {"personal_no": acct.personal_no, "start_month": str(start)})

    def _transfer(self, ctx: Context, unit: Unit, d: dict, bno: str):
        candidates = [a for a in repo.accounts_with_id(ctx.conn, d["id_number"]) if not a.state.closed]
        source = account_rules.check_transfer(candidates[0] if candidates else None, d["name"], unit.account_no)
        joined = repo.unit_months(ctx.conn, unit.account_no).due
        repo.update_account(ctx.conn, source.personal_no, source.version, unit_account_no=unit.account_no,
                            origin=Origin.TRANSFERRED_IN, joined_month=joined.index)
        self._event(ctx, source.personal_no, unit, "transfer_in", bno,
                    {"from_unit": source.unit_account_no, "joined_month": str(joined)})
        return (f"职工{source.name}（{source.personal_no}）已转入本单位，账户为封存状态", (),
                {"personal_no": source.personal_no, "state": AccountState.SEALED.value})

    def _back_pay(self, ctx: Context, unit: Unit, d: dict, bno: str):
        acct = self._own_account(ctx, unit, d["personal_no"])
        months = repo.unit_months(ctx.conn, unit.account_no)
        cause = BackPayCause(d["cause"])
        lines = back_pay.check_back_pay(acct, months, cause, [Month.parse(m) for m in d["months"]],
                                        ctx.policy.rounding)
        for line in lines:
            ctx.conn.execute("INSERT INTO back_pays VALUES (?,?,?,?,?,?,?,?,?)",
                             (acct.personal_no, line.month.index, unit.account_no, cause.value, bno,
                              str(line.base), str(line.amount.unit), str(line.amount.personal),
                              months.due.index))
        total = sum((ln.amount.total for ln in lines), Decimal("0"))
        repo.update_account(ctx.conn, acct.personal_no, acct.version)
        self._event(ctx, acct.personal_no, unit, "back_pay", bno,
                    {"cause": cause.value, "months": [str(ln.month) for ln in lines], "total": yuan(total)})
        return (f"已为职工{acct.name}办理个别补缴（{cause.label}）{len(lines)}个月，合计{yuan(total)}元，"
                f"随{months.due.zh()}汇缴一并缴纳", (),
                {"personal_no": acct.personal_no, "total": yuan(total), "settle_month": str(months.due),
                 "lines": [{"month": str(ln.month), "base": yuan(ln.base), "unit_amount": yuan(ln.amount.unit),
                            "personal_amount": yuan(ln.amount.personal)} for ln in lines]})

    def _base_adjustment(self, ctx: Context, unit: Unit, d: dict, bno: str):
        acct = self._own_account(ctx, unit, d["personal_no"])
        months = repo.unit_months(ctx.conn, unit.account_no)
        effective = Month.parse(d["effective_month"])
        base = Decimal(d["base"])
        account_rules.check_base_adjustment(acct, months, effective, base, ctx.today)
        account_rules.check_base(base, ctx.policy.base_limits)
        seg = acct.current
        if seg.start >= effective:  # the open segment has no paid month yet: re-base it
            repo.replace_open_segment_base(ctx.conn, acct.personal_no, base)
        else:
            repo.close_open_segment(ctx.conn, acct.personal_no, effective.prev())
            repo.append_segment(ctx.conn, acct.personal_no,
                                Segment(unit.account_no, effective, None, base, seg.unit_rate, seg.personal_rate))
        repo.update_account(ctx.conn, acct.personal_no, acct.version)
        self._event(ctx, acct.personal_no, unit, "base_adjustment", bno,
                    {"from": yuan(seg.base), "to": yuan(base), "effective_month": str(effective)})
        return (f"职工{acct.name}的缴存基数自{effective.zh()}起由{seg.base}元调整为{base}元", (),
                {"personal_no": acct.personal_no, "base": str(base), "effective_month": str(effective)})

    def _verification(self, ctx: Context, unit: Unit, d: dict, bno: str):
        summary = deposit_summary(ctx, unit.account_no)
        done = {Month.from_index(r[0]) for r in ctx.conn.execute(
            "SELECT month FROM verifications WHERE unit_account_no = ?", (unit.account_no,))}
        verification.check_verification(summary.month, done)
        snapshot = {"month": str(summary.month),
                    "paid_through": str(summary.paid_through) if summary.paid_through else None,
                    "normal_count": summary.normal_count, "sealed_count": summary.sealed_count,
                    "total_base": yuan(summary.total_base), "unit_amount": yuan(summary.unit_amount),
                    "personal_amount": yuan(summary.personal_amount), "total_amount": yuan(summary.total_amount),
                    "confirmed": d["confirmed"], "note": d.get("note")}
        ctx.conn.execute("INSERT INTO verifications VALUES (?,?,?,?,?)",
                         (unit.account_no, summary.month.index, bno, ctx.stamp,
                          json.dumps(snapshot, ensure_ascii=False)))
        verdict = "确认无误" if d["confirmed"] else "存在差异，已提交说明"
        return (f"{summary.month.zh()}单位缴存信息核查：{verdict}（正常{summary.normal_count}人，"
                f"封存{summary.sealed_count}人，月缴存额合计{yuan(summary.total_amount)}元）", (), snapshot)

    # --- helpers ---------------------------------------------------------------------------------
    def _amounts(self, ctx: Context, d: dict) -> tuple[Decimal, Decimal, Decimal]:
        base = Decimal(d["base"])
        account_rules.check_base(base, ctx.policy.base_limits)
        default = ctx.policy.rate_range.default
        ur = Decimal(d.get("unit_rate") or d.get("personal_rate") or default)
        pr = Decimal(d.get("personal_rate") or d.get("unit_rate") or default)
        account_rules.check_rates(ur, pr, ctx.policy.rate_range)
        return base, ur, pr

    def _own_account(self, ctx: Context, unit: Unit, personal_no: str) -> Account:
        acct = repo.get_account(ctx.conn, personal_no)
        if acct is None or acct.unit_account_no != unit.account_no:
            raise DomainError(M.EMPLOYEE_NOT_FOUND, personal_no=personal_no)
        return acct

    def _event(self, ctx: Context, personal_no: str, unit: Unit, kind: str, bno: str, detail: dict) -> None:
        repo.add_event(ctx.conn, personal_no, unit.account_no, ctx.stamp, kind, bno, detail)

    def _row(self, ctx: Context, business_id: str, unit_account_no: str):
        row = ctx.conn.execute("SELECT * FROM businesses WHERE id = ? AND unit_account_no = ?",
                               (business_id, unit_account_no)).fetchone()
        if row is None:
            raise DomainError(M.BUSINESS_NOT_FOUND, business_id=business_id)
        return row

    def _view(self, ctx: Context, business_id: str, unit_account_no: str) -> dict:
        row = self._row(ctx, business_id, unit_account_no)
        t = BusinessType(row["type"])
        return {"business_id": row["id"], "business_type": t.value, "business_type_label": t.label,
                "status": row["status"], "status_label": BusinessStatus(row["status"]).label,
                "payload": json.loads(row["payload"]), "created_at": row["created_at"],
                "submitted_at": row["submitted_at"], "business_no": row["business_no"],
                "receipt": json.loads(row["receipt"]) if row["receipt"] else None}


HANDLERS = {
    BusinessType.ESTABLISH: Businesses._establish,
    BusinessType.SEAL: Businesses._seal,
    BusinessType.UNSEAL: Businesses._unseal,
    BusinessType.TRANSFER: Businesses._transfer,
    BusinessType.BACK_PAY: Businesses._back_pay,
    BusinessType.BASE_ADJUSTMENT: Businesses._base_adjustment,
    BusinessType.DEPOSIT_VERIFICATION: Businesses._verification,
}
