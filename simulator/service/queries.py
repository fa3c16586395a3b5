"""Queries: roster (职工清册), account details, unit info, deposit summary, slips. No writes
except the nightly catch-up that every transaction does first."""
from __future__ import annotations

import json
from decimal import Decimal

from ..domain import messages as M
from ..domain.messages import DomainError
from ..domain.model import AccountState, MonthlyAmount
from ..domain.money import monthly_amount, yuan
from ..domain.months import Month
from ..domain.rules import opening, slips
from ..domain.rules.verification import DepositSummary
from ..store import repo
from .centre import Centre, Context

MAX_PAGE_SIZE = 200


def deposit_summary(ctx: Context, unit_account_no: str) -> DepositSummary:
    """What the unit will owe for its next month to remit, from the live accounts."""
    months = repo.unit_months(ctx.conn, unit_account_no)
    due = months.due
    counts = dict(ctx.conn.execute(
        "SELECT state, COUNT(*) FROM accounts WHERE unit_account_no = ? GROUP BY state", (unit_account_no,)))
    unit_amt = personal_amt = total_base = Decimal("0")
    for r in ctx.conn.execute(
            "SELECT base, unit_rate, personal_rate FROM segments WHERE unit_account_no = ?"
            " AND start_month <= ? AND (end_month IS NULL OR end_month >= ?)"
            " AND personal_no IN (SELECT personal_no FROM accounts WHERE unit_account_no = ? AND state = ?)",
            (unit_account_no, due.index, due.index, unit_account_no, AccountState.NORMAL.value)):
        amt = monthly_amount(Decimal(r[0]), Decimal(r[1]), Decimal(r[2]), ctx.policy.rounding)
        total_base += Decimal(r[0])
        unit_amt += amt.unit
        personal_amt += amt.personal
    return DepositSummary(due, months.paid_through, counts.get(AccountState.NORMAL.value, 0),
                          counts.get(AccountState.SEALED.value, 0), total_base, unit_amt, personal_amt)


class Queries:
    def __init__(self, centre: Centre) -> None:
        self.centre = centre

    def unit_info(self, unit_account_no: str) -> dict:
        """Shows the published operator: a change made today appears after the nightly update (3.5)."""
        with self.centre.query() as ctx:
            r = repo.unit_row(ctx.conn, unit_account_no)
            months = repo.unit_months(ctx.conn, unit_account_no)
            unit = repo.get_unit(ctx.conn, unit_account_no)
            return {
                "account_no": r["account_no"], "name": r["name"], "uscc": r["uscc"],
                "entrusted_collection": bool(r["entrusted_collection"]),
                "collection_mode": "委托收款" if r["entrusted_collection"] else "非委托收款",
                "operator": {"name": r["pub_operator_name"], "mobile": r["pub_operator_mobile"],
                             "id_number": r["pub_operator_id_number"]},
                "opening_stage": r["opening_stage"], "opening_stage_label": unit.opening_stage.label,
                "first_month": str(months.first_month),
                "paid_through": str(months.paid_through) if months.paid_through else None,
                "due_month": str(months.due),
            }

    def roster(self, unit_account_no: str, page: int = 1, size: int = 50, state: str | None = None) -> dict:
        """职工清册查询: the published view, updated nightly (3.6)."""
        if not isinstance(page, int) or page < 1 or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
            raise DomainError(M.VALIDATION_FAILED, detail=f"页码须≥1，每页条数须在1至{MAX_PAGE_SIZE}之间")
        if state is not None and state not in {s.value for s in AccountState}:
            raise DomainError(M.VALIDATION_FAILED, detail=f"账户状态“{state}”不正确")
        with self.centre.query() as ctx:
            opening.require_opened(repo.get_unit(ctx.conn, unit_account_no))
            where, params = "pub_unit_account_no = ?", [unit_account_no]
            if state:
                where += " AND pub_state = ?"
                params.append(state)
            total = ctx.conn.execute(f"SELECT COUNT(*) FROM accounts WHERE {where}", params).fetchone()[0]
            rows = ctx.conn.execute(
                f"SELECT personal_no, pub_name, pub_id_number, pub_state, pub_base, pub_unit_rate,"
                f" pub_personal_rate FROM accounts WHERE {where} ORDER BY personal_no LIMIT ? OFFSET ?",
                (*params, size, (page - 1) * size)).fetchall()
            rounding = ctx.policy.rounding
            items = []
            for r in rows:
                state_ = AccountState(r[3])
                item = {"personal_no": r[0], "name": r[1], "id_number": r[2], "state": state_.value,
                        "state_label": state_.label, "base": None, "unit_rate": r[5], "personal_rate": r[6],
                        "unit_amount": None, "personal_amount": None, "total_amount": None}
                if r[4] is not None:  # a transfer-in has no base here until it is unsealed
                    item["base"] = yuan(Decimal(r[4]))
                    item.update(_amounts(monthly_amount(Decimal(r[4]), Decimal(r[5]), Decimal(r[6]), rounding)))
                items.append(item)
            return {"page": page, "size": size, "total": total, "items": items,
                    "as_of": repo.get_meta(ctx.conn, "published_day")}

    def employee(self, unit_account_no: str, personal_no: str) -> dict:
        with self.centre.query() as ctx:
            opening.require_opened(repo.get_unit(ctx.conn, unit_account_no))
            acct = repo.get_account(ctx.conn, personal_no)
            if acct is None or acct.unit_account_no != unit_account_no:
                raise DomainError(M.EMPLOYEE_NOT_FOUND, personal_no=personal_no)
            months = repo.unit_months(ctx.conn, unit_account_no)
            here = acct.segments_here()
            seg = here[-1] if here else None  # a transfer-in shows no base until it is unsealed here
            paid = acct.paid_through(months)
            events = [{**e, "detail": json.loads(e["detail"])} for e in repo.rows(
                ctx.conn, "SELECT at, kind, business_no, detail FROM events"
                          " WHERE personal_no = ? AND unit_account_no = ? ORDER BY id", (personal_no, unit_account_no))]
            return {
                "personal_no": acct.personal_no, "name": acct.name, "id_number": acct.id_number,
                "state": acct.state.value, "state_label": acct.state.label,
                "origin": acct.origin.value, "joined_month": str(acct.joined_month),
                "storage_card": acct.storage_card.value, "storage_card_label": acct.storage_card.label,
                "base": yuan(seg.base) if seg else None,
                "unit_rate": str(seg.unit_rate) if seg else None,
                "personal_rate": str(seg.personal_rate) if seg else None,
                **(_amounts(monthly_amount(seg.base, seg.unit_rate, seg.personal_rate, ctx.policy.rounding))
                   if seg else {}),
                "paid_through": str(paid) if paid else None,
                "segments": [{"start_month": str(s.start), "end_month": str(s.end) if s.end else None,
                              "base": yuan(s.base)} for s in acct.segments_here()],
                "back_paid_months": sorted(str(m) for m in acct.back_paid),
                "history": events,
            }

    def remittances(self, unit_account_no: str) -> dict:
        with self.centre.query() as ctx:
            opening.require_opened(repo.get_unit(ctx.conn, unit_account_no))
            months = repo.unit_months(ctx.conn, unit_account_no)
            rows = repo.rows(ctx.conn, "SELECT month, remitted_at, arrived_at FROM remittances"
                                       " WHERE unit_account_no = ? ORDER BY month DESC LIMIT 120",
                             (unit_account_no,))
            return {"first_month": str(months.first_month),
                    "paid_through": str(months.paid_through) if months.paid_through else None,
                    "due_month": str(months.due),
                    "items": [{"month": str(Month.from_index(r["month"])), "remitted_at": r["remitted_at"],
                               "arrived": r["arrived_at"] is not None, "arrived_at": r["arrived_at"]}
                              for r in rows]}

    def deposit_info(self, unit_account_no: str) -> dict:
        with self.centre.query() as ctx:
            opening.require_opened(repo.get_unit(ctx.conn, unit_account_no))
            s = deposit_summary(ctx, unit_account_no)
            verified = ctx.conn.execute("SELECT business_no FROM verifications WHERE unit_account_no = ?"
                                        " AND month = ?", (unit_account_no, s.month.index)).fetchone()
            return {"month": str(s.month), "paid_through": str(s.paid_through) if s.paid_through else None,
                    "normal_count": s.normal_count, "sealed_count": s.sealed_count,
                    "total_base": yuan(s.total_base), "unit_amount": yuan(s.unit_amount),
                    "personal_amount": yuan(s.personal_amount), "total_amount": yuan(s.total_amount),
                    "verified_business_no": verified[0] if verified else None}

    def slip(self, unit_account_no: str, month: Month) -> slips.Slip:
        """汇(补)缴书 for a remitted month of an entrusted-collection unit (3.2.2, 3.2.3)."""
        with self.centre.query() as ctx:
            unit = repo.get_unit(ctx.conn, unit_account_no)
            opening.require_opened(unit)
            months = repo.unit_months(ctx.conn, unit_account_no)
            slips.check_printable(unit, months, month)
            # amounts as the rounding rule in force in that month computed them
            rounding = self.centre.policy_book.as_of(month.first_day()).rounding
            prev = _contributions(ctx, unit_account_no, month.prev(), rounding) \
                if months.is_remitted(month.prev()) else {}
            cur = _contributions(ctx, unit_account_no, month, rounding)
            people, bp_amount = set(), Decimal("0")
            for r in ctx.conn.execute("SELECT personal_no, unit_amount, personal_amount FROM back_pays"
                                      " WHERE unit_account_no = ? AND settle_month = ?",
                                      (unit_account_no, month.index)):
                people.add(r[0])
                bp_amount += Decimal(r[1]) + Decimal(r[2])
            return slips.build_slip(unit, month, prev, cur, slips.Line(len(people), bp_amount),
                                    ctx.today)


def _contributions(ctx: Context, unit_account_no: str, month: Month, rounding) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for r in ctx.conn.execute(
            "SELECT personal_no, base, unit_rate, personal_rate FROM segments WHERE unit_account_no = ?"
            " AND start_month <= ? AND (end_month IS NULL OR end_month >= ?)",
            (unit_account_no, month.index, month.index)):
        out[r[0]] = monthly_amount(Decimal(r[1]), Decimal(r[2]), Decimal(r[3]), rounding).total
    return out


def _amounts(amt: MonthlyAmount) -> dict:
    return {"unit_amount": yuan(amt.unit), "personal_amount": yuan(amt.personal), "total_amount": yuan(amt.total)}
