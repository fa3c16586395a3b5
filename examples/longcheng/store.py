"""The database (sqlite3 from the standard library): connections, transactions, number counters and
the reads and writes the businesses need, in the schema of schema.sql. No rule lives here.

One connection per request or command. Writers take the database lock up front (BEGIN IMMEDIATE), so
a business reads and writes the state in one transaction and concurrent submissions queue."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from . import clock
from .rules import Account, Segment, UnitMonths

SCHEMA = Path(__file__).with_name("schema.sql")
_HASH_ROUNDS = 10_000   # salted PBKDF2-SHA256 for certificate PINs (a test copy: the real PIN is on the CA key) and query passwords


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA synchronous = NORMAL")   # with WAL: durable at checkpoints, no fsync per commit
    return conn


def init(path: str) -> None:
    """Create the tables if they are missing (safe on an existing database)."""
    conn = connect(path)
    try:
        if path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(SCHEMA.read_text(encoding="utf-8"))
        # a new database's roster is as of the day it was created (until the first nightly batch)
        conn.execute("INSERT OR IGNORE INTO xtcs (csm, csz) VALUES ('qcrq', ?)", (clock.now().date().isoformat(),))
    finally:
        conn.close()


@contextmanager
def tx(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: everything or nothing (a refusal raised inside rolls it all back)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def wipe(conn: sqlite3.Connection) -> None:
    """后台 重置: every row of every table goes (counters too, so numbers start again)."""
    conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit, when every table is empty
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        conn.execute(f"DELETE FROM {name}")


# --- small values ----------------------------------------------------------------------------------
def setting(conn, name: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT csz FROM xtcs WHERE csm = ?", (name,)).fetchone()
    return row[0] if row else default


def set_setting(conn, name: str, value: str) -> None:
    conn.execute("INSERT INTO xtcs (csm, csz) VALUES (?, ?) ON CONFLICT (csm) DO UPDATE SET csz = excluded.csz",
                 (name, value))


def next_number(conn, counter: str, start: int = 1) -> int:
    n = int(setting(conn, counter, str(start - 1))) + 1
    set_setting(conn, counter, str(n))
    return n


def hash_secret(secret: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), _HASH_ROUNDS).hex()
    return f"{salt}${digest}"


def secret_matches(stored: str, secret: str) -> bool:
    salt, digest = stored.split("$", 1)
    got = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt.encode(), _HASH_ROUNDS).hex()
    return hmac.compare_digest(got, digest)


# --- units and their months --------------------------------------------------------------------------
def unit(conn, dwzh: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM dw WHERE dwzh = ?", (dwzh,)).fetchone()


def unit_months(conn, dwzh: str) -> UnitMonths:
    first = conn.execute("SELECT scjcny FROM dw WHERE dwzh = ?", (dwzh,)).fetchone()[0]
    rows = conn.execute("SELECT ny, dzsj FROM hj WHERE dwzh = ? ORDER BY ny", (dwzh,)).fetchall()
    return UnitMonths(first, rows[-1]["ny"] if rows else None, frozenset(r["ny"] for r in rows if r["dzsj"]))


def remittances(conn, dwzh: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT ny, hjsj, dzsj FROM hj WHERE dwzh = ? ORDER BY ny DESC", (dwzh,)).fetchall()


def pending_operator(conn, dwzh: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM jbrbg WHERE dwzh = ? AND fbsj IS NULL ORDER BY id DESC LIMIT 1",
                        (dwzh,)).fetchone()


# --- accounts --------------------------------------------------------------------------------------------
def segments(conn, grzh: str) -> list[Segment]:
    rows = conn.execute("SELECT * FROM jcd WHERE grzh = ? ORDER BY qsny, id", (grzh,)).fetchall()
    return [Segment(r["dwzh"], r["qsny"], r["zzny"], Decimal(r["jcjs"]), Decimal(r["dwbl"]), Decimal(r["grbl"]))
            for r in rows]


def paid_months(conn, grzh: str, segs: list[Segment]) -> set[str]:
    """Months paid for the person anywhere: remitted by a unit while a segment there covered them,
    or back-paid."""
    paid = {r[0] for r in conn.execute("SELECT ny FROM bj WHERE grzh = ?", (grzh,))}
    for s in segs:
        rows = conn.execute("SELECT ny FROM hj WHERE dwzh = ? AND ny >= ? AND ny <= ?",
                            (s.dwzh, s.start, s.end or "999912")).fetchall()
        paid.update(r[0] for r in rows)
    return paid


def account(conn, grzh: str) -> Account | None:
    row = conn.execute("SELECT * FROM zh WHERE grzh = ?", (grzh,)).fetchone()
    return _account(conn, row) if row else None


def account_by_id_number(conn, sfzh: str) -> Account | None:
    row = conn.execute("SELECT * FROM zh WHERE sfzh = ?", (sfzh,)).fetchone()
    return _account(conn, row) if row else None


def _account(conn, row: sqlite3.Row) -> Account:
    segs = segments(conn, row["grzh"])
    return Account(row["grzh"], row["dwzh"], row["xm"], row["zhzt"], row["zhly"], row["rzny"], tuple(segs),
                   frozenset(paid_months(conn, row["grzh"], segs)))


def replace_segments_here(conn, grzh: str, dwzh: str, segs: list[Segment]) -> None:
    conn.execute("DELETE FROM jcd WHERE grzh = ? AND dwzh = ?", (grzh, dwzh))
    for s in segs:
        add_segment(conn, grzh, s)


def add_segment(conn, grzh: str, s: Segment) -> None:
    conn.execute("INSERT INTO jcd (grzh, dwzh, qsny, zzny, jcjs, dwbl, grbl) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (grzh, s.dwzh, s.start, s.end, str(s.base), str(s.unit_rate), str(s.personal_rate)))


def history(conn, grzh: str, dwzh: str, at: str, kind: str, ywlsh: str | None, content: dict) -> None:
    conn.execute("INSERT INTO lsjl (grzh, dwzh, sj, lx, ywlsh, nr) VALUES (?, ?, ?, ?, ?, ?)",
                 (grzh, dwzh, at, kind, ywlsh, json.dumps(content, ensure_ascii=False)))


def new_personal_no(conn) -> str:
    return f"0402{next_number(conn, 'xh_grzh'):08d}"


def new_unit_no(conn) -> str:
    return f"0401{next_number(conn, 'xh_dwzh'):06d}"


def new_serial(conn) -> str:
    return f"JSCA2{next_number(conn, 'xh_zs'):09d}"


def new_business_no(conn, day: str) -> str:
    """业务流水号: LC + date + the day's sequence, e.g. LC20250305000001."""
    return f"LC{day}{next_number(conn, 'xh_yw_' + day):06d}"


# --- the published roster (职工清册) -------------------------------------------------------------------------
def roster_page(conn, dwzh: str, state: str | None, page: int, size: int) -> tuple[int, list[sqlite3.Row]]:
    where, args = "dwzh = ?", [dwzh]
    if state:
        where, args = where + " AND zhzt = ?", args + [state]
    total = conn.execute(f"SELECT COUNT(*) FROM zgqc WHERE {where}", args).fetchone()[0]
    rows = conn.execute(f"SELECT * FROM zgqc WHERE {where} ORDER BY grzh LIMIT ? OFFSET ?",
                        args + [size, (page - 1) * size]).fetchall()
    return total, rows


def publish_account(conn, grzh: str) -> None:
    """Copy an account's live state to the roster (the nightly batch; seeding publishes at once)."""
    row = conn.execute("SELECT * FROM zh WHERE grzh = ?", (grzh,)).fetchone()
    conn.execute("DELETE FROM zgqc WHERE grzh = ?", (grzh,))
    latest = conn.execute("SELECT jcjs, dwbl, grbl FROM jcd WHERE grzh = ? AND dwzh = ? ORDER BY qsny DESC, id DESC "
                          "LIMIT 1", (grzh, row["dwzh"])).fetchone()
    conn.execute("INSERT INTO zgqc (grzh, dwzh, xm, sfzh, zhzt, jcjs, dwbl, grbl) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (grzh, row["dwzh"], row["xm"], row["sfzh"], row["zhzt"], *(tuple(latest) if latest else (None,) * 3)))
    conn.execute("UPDATE zh SET bgbz = 0 WHERE grzh = ?", (grzh,))

