"""Test control (/_sim/): the centre-side actions a test needs that no unit can do online:
remittance and arrival, certificate unlock, paper applications, and read-only inspection of
internal state, including what the nightly update has not published yet."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from ..domain import messages as M
from ..domain import validators as V
from ..domain.messages import DomainError
from ..domain.money import yuan
from ..domain.months import Month
from ..domain.rules import opening
from ..store import repo
from .centre import Centre

TABLES_IN_RESET_ORDER = ["sessions", "events", "back_pays", "segments", "verifications", "businesses",
                         "accounts", "remittances", "certificates", "certificate_applications", "units",
                         "counters"]


class Control:
    def __init__(self, centre: Centre) -> None:
        self.centre = centre

    def reset(self, now: datetime | None = None) -> None:
        """Empty the centre. Reset is the one way back in time for the virtual clock."""
        if now is not None:
            self.centre.reset_clock(now)
        with self.centre.db.transaction() as conn:
            for t in TABLES_IN_RESET_ORDER:
                conn.execute(f"DELETE FROM {t}")
            repo.set_meta(conn, "published_day", self.centre.clock.today().isoformat())
            conn.execute("DELETE FROM meta WHERE key = 'last_nightly_at'")

    def remit(self, unit_account_no: str, month: Month, arrived: bool) -> dict:
        """The unit's remittance of `month` reaches the centre; months go in order."""
        with self.centre.command() as ctx:
            self._unit(ctx.conn, unit_account_no)
            months = repo.unit_months(ctx.conn, unit_account_no)
            if month != months.due:
                raise DomainError(M.REMITTANCE_OUT_OF_ORDER, due=months.due, month=month)
            if month > Month.of(ctx.today):
                raise DomainError(M.REMITTANCE_IN_FUTURE, month=month, today=ctx.today)
            ctx.conn.execute("INSERT INTO remittances VALUES (?,?,?,?)",
                             (unit_account_no, month.index, ctx.stamp, ctx.stamp if arrived else None))
        return self.months(unit_account_no)

    def arrive(self, unit_account_no: str, month: Month) -> dict:
        """到账: the bank confirms the money of a remitted month."""
        with self.centre.command() as ctx:
            self._unit(ctx.conn, unit_account_no)
            if not repo.unit_months(ctx.conn, unit_account_no).is_remitted(month):
                raise DomainError(M.ARRIVAL_BEFORE_REMITTANCE, month=month)
            ctx.conn.execute("UPDATE remittances SET arrived_at = COALESCE(arrived_at, ?)"
                             " WHERE unit_account_no = ? AND month = ?", (ctx.stamp, unit_account_no, month.index))
        return self.months(unit_account_no)

    def months(self, unit_account_no: str) -> dict:
        with self.centre.query() as ctx:
            self._unit(ctx.conn, unit_account_no)
            m = repo.unit_months(ctx.conn, unit_account_no)
            return _months_view(m)

    def unlock_certificate(self, serial: str) -> None:
        with self.centre.command() as ctx:
            n = ctx.conn.execute("UPDATE certificates SET failed_attempts = 0, locked_at = NULL WHERE serial = ?",
                                 (serial,)).rowcount
            if n == 0:
                raise DomainError(M.NOT_FOUND)

    def record_certificate_application(self, unit_name: str, uscc: str) -> dict:
        """1.1.1 (offline): a paper application; the vendor must call back within the policy's days."""
        uscc = V.credit_code(uscc)
        if not isinstance(unit_name, str) or not unit_name.strip():
            raise DomainError(M.VALIDATION_FAILED, detail="缺少单位名称")
        with self.centre.command() as ctx:
            deadline = opening.followup_deadline(ctx.today, ctx.policy.certificate_followup_days)
            cur = ctx.conn.execute("INSERT INTO certificate_applications (unit_name, uscc, applied_on,"
                                   " followup_deadline) VALUES (?,?,?,?)",
                                   (unit_name.strip(), uscc, ctx.today.isoformat(), deadline.isoformat()))
            return {"id": cur.lastrowid, "unit_name": unit_name.strip(), "uscc": uscc,
                    "applied_on": ctx.today.isoformat(), "followup_deadline": deadline.isoformat()}

    # --- inspection (side-effect free apart from the nightly catch-up) -----------------------------
    def unit_state(self, unit_account_no: str) -> dict:
        with self.centre.query() as ctx:
            r = self._unit(ctx.conn, unit_account_no)
            certs = repo.rows(ctx.conn, "SELECT serial, failed_attempts, locked_at FROM certificates"
                                        " WHERE unit_account_no = ? ORDER BY serial", (unit_account_no,))
            return {
                "account_no": r["account_no"], "name": r["name"], "uscc": r["uscc"],
                "entrusted_collection": bool(r["entrusted_collection"]), "opening_stage": r["opening_stage"],
                "query_password_set": r["query_password_hash"] is not None,
                "operator": {"name": r["operator_name"], "mobile": r["operator_mobile"],
                             "id_number": r["operator_id_number"]},
                "published_operator": {"name": r["pub_operator_name"], "mobile": r["pub_operator_mobile"],
                                       "id_number": r["pub_operator_id_number"]},
                "operator_pending": bool(r["operator_dirty"]), "operator_changed_at": r["operator_changed_at"],
                "certificates": [{**c, "locked": c["locked_at"] is not None} for c in certs],
                "months": _months_view(repo.unit_months(ctx.conn, unit_account_no)),
                "employee_count": ctx.conn.execute("SELECT COUNT(*) FROM accounts WHERE unit_account_no = ?",
                                                   (unit_account_no,)).fetchone()[0],
                "pending_roster_changes": ctx.conn.execute(
                    "SELECT COUNT(*) FROM accounts WHERE dirty = 1 AND (unit_account_no = ? OR pub_unit_account_no = ?)",
                    (unit_account_no, unit_account_no)).fetchone()[0],
            }

    def employee_state(self, personal_no: str) -> dict:
        with self.centre.query() as ctx:
            r = ctx.conn.execute("SELECT * FROM accounts WHERE personal_no = ?", (personal_no,)).fetchone()
            if r is None:
                raise DomainError(M.NOT_FOUND)
            acct = repo.get_account(ctx.conn, personal_no)
            months = repo.unit_months(ctx.conn, acct.unit_account_no)
            paid = acct.paid_through(months)
            return {
                "personal_no": personal_no, "unit_account_no": r["unit_account_no"], "name": r["name"],
                "id_number": r["id_number"], "state": r["state"], "origin": r["origin"],
                "joined_month": str(acct.joined_month), "version": r["version"],
                "paid_through": str(paid) if paid else None,
                "published": None if r["pub_unit_account_no"] is None else {
                    "unit_account_no": r["pub_unit_account_no"], "name": r["pub_name"], "state": r["pub_state"],
                    "base": yuan(Decimal(r["pub_base"])) if r["pub_base"] else None},
                "pending": bool(r["dirty"]),
                "segments": [{"unit_account_no": s.unit_account_no, "start_month": str(s.start),
                              "end_month": str(s.end) if s.end else None, "base": yuan(s.base),
                              "unit_rate": str(s.unit_rate), "personal_rate": str(s.personal_rate)}
                             for s in acct.segments],
                "back_pays": [{"month": str(Month.from_index(b["month"])), "cause": b["cause"],
                               "business_no": b["business_no"], "unit_amount": yuan(Decimal(b["unit_amount"])),
                               "personal_amount": yuan(Decimal(b["personal_amount"])),
                               "settle_month": str(Month.from_index(b["settle_month"]))}
                              for b in repo.rows(ctx.conn, "SELECT * FROM back_pays WHERE personal_no = ?"
                                                           " ORDER BY month", (personal_no,))],
                "events": [{**e, "detail": json.loads(e["detail"])} for e in repo.rows(
                    ctx.conn, "SELECT at, kind, business_no, unit_account_no, detail FROM events"
                              " WHERE personal_no = ? ORDER BY id", (personal_no,))],
            }

    def pending(self) -> dict:
        """What the next nightly update will publish."""
        with self.centre.query() as ctx:
            accounts = [r[0] for r in ctx.conn.execute(
                "SELECT personal_no FROM accounts WHERE dirty = 1 ORDER BY personal_no LIMIT 1000")]
            units = [r[0] for r in ctx.conn.execute(
                "SELECT account_no FROM units WHERE operator_dirty = 1 ORDER BY account_no")]
            return {"published_day": repo.get_meta(ctx.conn, "published_day"),
                    "last_nightly_at": repo.get_meta(ctx.conn, "last_nightly_at"),
                    "accounts": accounts, "operators": units}

    def _unit(self, conn, unit_account_no: str):
        r = repo.unit_row(conn, unit_account_no)
        if r is None:
            raise DomainError(M.UNIT_NOT_FOUND, unit=unit_account_no)
        return r


def _months_view(m) -> dict:
    return {"first_month": str(m.first_month), "paid_through": str(m.paid_through) if m.paid_through else None,
            "due_month": str(m.due), "arrived": sorted(str(x) for x in m.arrived)}
