"""Rows ↔ domain values. Plain functions over a connection, called inside a transaction."""
from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from typing import Iterable

from ..domain import messages as M
from ..domain.messages import DomainError
from ..domain.model import (
    Account,
    AccountState,
    OpeningStage,
    Operator,
    Origin,
    Segment,
    StorageCard,
    Unit,
    UnitMonths,
)
from ..domain.months import Month

Conn = sqlite3.Connection


def m2i(m: Month) -> int:
    return m.index


def i2m(i: int | None) -> Month | None:
    return None if i is None else Month.from_index(i)


# --- units ---------------------------------------------------------------------------------
def get_unit(conn: Conn, account_no: str) -> Unit | None:
    r = conn.execute("SELECT * FROM units WHERE account_no = ?", (account_no,)).fetchone()
    if r is None:
        return None
    return Unit(account_no=r["account_no"], name=r["name"], uscc=r["uscc"],
                entrusted_collection=bool(r["entrusted_collection"]),
                operator=Operator(r["operator_name"], r["operator_mobile"], r["operator_id_number"]),
                opening_stage=OpeningStage(r["opening_stage"]),
                first_month=Month.from_index(r["first_month"]))


def unit_row(conn: Conn, account_no: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM units WHERE account_no = ?", (account_no,)).fetchone()


def unit_months(conn: Conn, account_no: str) -> UnitMonths:
    first = conn.execute("SELECT first_month FROM units WHERE account_no = ?", (account_no,)).fetchone()[0]
    rows = conn.execute("SELECT month, arrived_at FROM remittances WHERE unit_account_no = ? ORDER BY month",
                        (account_no,)).fetchall()
    last = Month.from_index(rows[-1]["month"]) if rows else None
    arrived = frozenset(Month.from_index(r["month"]) for r in rows if r["arrived_at"])
    return UnitMonths(first_month=Month.from_index(first), last_remitted=last, arrived=arrived)


# --- accounts ------------------------------------------------------------------------------
def _account(conn: Conn, r: sqlite3.Row, full: bool = True) -> Account:
    segments: tuple[Segment, ...] = ()
    back_paid: frozenset[Month] = frozenset()
    if full:
        segments = tuple(
            Segment(s["unit_account_no"], Month.from_index(s["start_month"]), i2m(s["end_month"]),
                    Decimal(s["base"]), Decimal(s["unit_rate"]), Decimal(s["personal_rate"]))
            for s in conn.execute("SELECT * FROM segments WHERE personal_no = ? ORDER BY seq",
                                  (r["personal_no"],)))
        back_paid = frozenset(
            Month.from_index(b[0]) for b in conn.execute(
                "SELECT month FROM back_pays WHERE personal_no = ? AND unit_account_no = ?",
                (r["personal_no"], r["unit_account_no"])))
    return Account(personal_no=r["personal_no"], unit_account_no=r["unit_account_no"], name=r["name"],
                   id_number=r["id_number"], state=AccountState(r["state"]), origin=Origin(r["origin"]),
                   joined_month=Month.from_index(r["joined_month"]),
                   storage_card=StorageCard(r["storage_card"]), segments=segments,
                   back_paid=back_paid, version=r["version"])


def get_account(conn: Conn, personal_no: str) -> Account | None:
    r = conn.execute("SELECT * FROM accounts WHERE personal_no = ?", (personal_no,)).fetchone()
    return None if r is None else _account(conn, r)


def accounts_with_id(conn: Conn, id_number: str) -> list[Account]:
    rows = conn.execute("SELECT * FROM accounts WHERE id_number = ?", (id_number,)).fetchall()
    return [_account(conn, r) for r in rows]


def insert_account(conn: Conn, a: Account) -> None:
    conn.execute(
        "INSERT INTO accounts (personal_no, unit_account_no, name, id_number, state, origin, joined_month,"
        " storage_card, version, dirty) VALUES (?,?,?,?,?,?,?,?,1,1)",
        (a.personal_no, a.unit_account_no, a.name, a.id_number, a.state.value, a.origin.value,
         a.joined_month.index, a.storage_card.value))


def update_account(conn: Conn, personal_no: str, expected_version: int, **fields: object) -> None:
    """Optimistic update: the row must still be at the version the rule looked at."""
    cols = "".join(f"{k} = ?, " for k in fields)
    values = [v.value if hasattr(v, "value") else v for v in fields.values()]
    cur = conn.execute(f"UPDATE accounts SET {cols}version = version + 1, dirty = 1 "
                       "WHERE personal_no = ? AND version = ?", (*values, personal_no, expected_version))
    if cur.rowcount != 1:  # another command changed the account between read and write
        raise DomainError(M.CONFLICT, personal_no=personal_no)


def append_segment(conn: Conn, personal_no: str, seg: Segment) -> None:
    seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM segments WHERE personal_no = ?",
                       (personal_no,)).fetchone()[0]
    conn.execute("INSERT INTO segments VALUES (?,?,?,?,?,?,?,?)",
                 (personal_no, seq, seg.unit_account_no, seg.start.index,
                  None if seg.end is None else seg.end.index, str(seg.base), str(seg.unit_rate),
                  str(seg.personal_rate)))


def end_contributions_at(conn: Conn, personal_no: str, last: Month) -> None:
    """Seal with last month L: segments that would only start after L were never paid and go;
    the segment covering L ends at L."""
    conn.execute("DELETE FROM segments WHERE personal_no = ? AND start_month > ?", (personal_no, last.index))
    conn.execute("UPDATE segments SET end_month = ? WHERE personal_no = ? AND start_month <= ?"
                 " AND (end_month IS NULL OR end_month > ?)", (last.index, personal_no, last.index, last.index))


def close_open_segment(conn: Conn, personal_no: str, end: Month) -> None:
    conn.execute("UPDATE segments SET end_month = ? WHERE personal_no = ? AND end_month IS NULL",
                 (end.index, personal_no))


def replace_open_segment_base(conn: Conn, personal_no: str, base: Decimal) -> None:
    conn.execute("UPDATE segments SET base = ? WHERE personal_no = ? AND end_month IS NULL",
                 (str(base), personal_no))


def add_event(conn: Conn, personal_no: str, unit: str, at: str, kind: str,
              business_no: str | None, detail: dict) -> None:
    conn.execute("INSERT INTO events (personal_no, at, kind, business_no, unit_account_no, detail)"
                 " VALUES (?,?,?,?,?,?)",
                 (personal_no, at, kind, business_no, unit, json.dumps(detail, ensure_ascii=False)))


def next_counter(conn: Conn, name: str, start: int = 1) -> int:
    conn.execute("INSERT INTO counters (name, value) VALUES (?, ?) "
                 "ON CONFLICT(name) DO UPDATE SET value = value + 1", (name, start))
    return conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]


def get_meta(conn: Conn, key: str) -> str | None:
    r = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if r is None else r[0]


def set_meta(conn: Conn, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (key, value))


def rows(conn: Conn, sql: str, params: Iterable = ()) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, tuple(params))]
