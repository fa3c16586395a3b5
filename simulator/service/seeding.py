"""Bulk creation of a centre's state from a complete world description (test control, gjj seed).

The description is plain data with every value filled in (the control layer completes it);
this module checks it against the centre's rules of consistency and writes it in one
transaction with executemany, so a million accounts load in seconds.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain import messages as M
from ..domain import validators as V
from ..domain.messages import DomainError
from ..domain.model import OPENING_ORDER, AccountState, OpeningStage, Origin, StorageCard
from ..domain.months import Month
from ..domain.rules import accounts as account_rules
from ..store import repo
from . import secrets_
from .centre import Centre, Context

SEED_INVALID = M.VALIDATION_FAILED


@dataclass
class EmployeeSpec:
    name: str
    id_number: str
    base: Decimal
    state: AccountState = AccountState.NORMAL
    start_month: Month | None = None      # default: the unit's first month
    last_month: Month | None = None       # sealed only: default the unit's last remitted month
    joined_month: Month | None = None     # default: start_month
    unit_rate: Decimal | None = None
    personal_rate: Decimal | None = None
    key: str | None = None
    trusted: bool = False                 # produced by our own generator: skip the slow ID check


@dataclass
class UnitSpec:
    name: str
    uscc: str
    operator: tuple[str, str, str]        # name, mobile, id_number
    first_month: Month
    remitted_through: Month | None = None
    arrived_through: Month | None = None
    entrusted_collection: bool = True
    opening_stage: OpeningStage = OpeningStage.OPENED
    certificates: list[tuple[str | None, str | None]] = field(default_factory=lambda: [(None, None)])
    query_password: str | None = None
    employees: list[EmployeeSpec] = field(default_factory=list)
    account_no: str | None = None
    key: str | None = None


def _bad(detail: str) -> DomainError:
    return DomainError(SEED_INVALID, detail=detail)


class Seeder:
    def __init__(self, centre: Centre) -> None:
        self.centre = centre

    def seed(self, units: list[UnitSpec], with_events: bool = True) -> list[dict]:
        with self.centre.command() as ctx:
            return [self._unit(ctx, u, with_events) for u in units]

    def _unit(self, ctx: Context, u: UnitSpec, with_events: bool) -> dict:
        conn = ctx.conn
        V.credit_code(u.uscc)
        V.person_name(u.operator[0])
        if u.opening_stage not in OPENING_ORDER:
            raise _bad(f"开通状态{u.opening_stage}不正确")
        last = u.remitted_through
        if last is not None and last < u.first_month.prev():
            raise _bad(f"单位{u.name}的缴至年月{last}早于首次汇缴年月{u.first_month}")
        if last is not None and last < u.first_month:
            last = None  # "remitted through the month before the first" means never remitted
        arrived = u.arrived_through if u.arrived_through is not None else last
        if arrived is not None and last is not None and arrived > last:
            raise _bad(f"到账年月{arrived}不能晚于缴至年月{last}")
        account_no = u.account_no or f"32{repo.next_counter(conn, 'unit_no', start=10001):08d}"
        if repo.unit_row(conn, account_no) is not None:
            raise _bad(f"单位账号{account_no}已存在")
        if conn.execute("SELECT 1 FROM units WHERE uscc = ?", (u.uscc,)).fetchone():
            raise _bad(f"统一社会信用代码{u.uscc}已被其他单位使用")
        op_name, op_mobile, op_id = u.operator
        conn.execute(
            "INSERT INTO units (account_no, name, uscc, entrusted_collection, first_month, opening_stage,"
            " query_password_hash, operator_name, operator_mobile, operator_id_number, pub_operator_name,"
            " pub_operator_mobile, pub_operator_id_number) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (account_no, u.name, u.uscc, int(u.entrusted_collection), u.first_month.index,
             u.opening_stage.value, secrets_.hash_password(u.query_password) if u.query_password else None,
             op_name, op_mobile, op_id, op_name, op_mobile, op_id))
        certs = []
        for serial, pin in u.certificates:
            serial = serial or f"JSCA{repo.next_counter(conn, 'cert_serial', start=100000001):010d}"
            pin = pin or ctx.policy.initial_pin
            if conn.execute("SELECT 1 FROM certificates WHERE serial = ?", (serial,)).fetchone():
                raise _bad(f"证书序列号{serial}已存在")
            conn.execute("INSERT INTO certificates (serial, unit_account_no, pin_hash) VALUES (?,?,?)",
                         (serial, account_no, secrets_.hash_pin(pin)))
            certs.append({"serial": serial, "pin": pin})
        if last is not None:
            conn.executemany(
                "INSERT INTO remittances VALUES (?,?,?,?)",
                [(account_no, m.index, ctx.stamp, ctx.stamp if arrived is not None and m <= arrived else None)
                 for m in u.first_month.until(last)])
        employees = self._employees(ctx, account_no, u, last, with_events)
        return {"key": u.key, "account_no": account_no, "name": u.name, "uscc": u.uscc,
                "certificates": certs, "employees": employees}

    def _employees(self, ctx: Context, unit_no: str, u: UnitSpec, last: Month | None,
                   with_events: bool) -> list[dict]:
        conn = ctx.conn
        n = len(u.employees)
        if n == 0:
            return []
        first_no = repo.next_counter(conn, "personal_no", start=100000)
        conn.execute("UPDATE counters SET value = value + ? WHERE name = 'personal_no'", (n - 1,))
        policy = ctx.policy
        due = last.next() if last else u.first_month
        seen: set[str] = set()
        acc_rows, seg_rows, ev_rows, out = [], [], [], []
        for i, e in enumerate(u.employees):
            pno = f"1{first_no + i:011d}"
            id_number = e.id_number if e.trusted else V.id_number(e.id_number)
            if not e.trusted:
                V.person_name(e.name)
            if id_number in seen:
                raise _bad(f"身份证号码{id_number}重复")
            seen.add(id_number)
            start = e.start_month or u.first_month
            if start < u.first_month or start > due:
                raise _bad(f"职工{e.name}的起缴月份{start}须在{u.first_month}至{due}之间")
            ur = e.unit_rate or e.personal_rate or policy.rate_range.default
            pr = e.personal_rate or e.unit_rate or policy.rate_range.default
            account_rules.check_rates(ur, pr, policy.rate_range)
            end = None
            if e.state is AccountState.SEALED:
                end = e.last_month or last
                if end is None or end < start or (last is not None and end > last):
                    raise _bad(f"封存职工{e.name}的最后缴存月份须在起缴月份与单位缴至年月之间")
            elif e.state is not AccountState.NORMAL:
                raise _bad("种子数据只支持正常和封存状态的职工")
            joined = e.joined_month or start
            base, state = str(e.base), e.state.value
            acc_rows.append((pno, unit_no, e.name, id_number, state, Origin.ESTABLISHED.value, joined.index,
                             StorageCard.ISSUED.value, unit_no, e.name, id_number, state, base, str(ur), str(pr)))
            seg_rows.append((pno, 1, unit_no, start.index, None if end is None else end.index, base, str(ur), str(pr)))
            if with_events:
                ev_rows.append((pno, ctx.stamp, "seeded", None, unit_no,
                                json.dumps({"start_month": str(start), "state": state}, ensure_ascii=False)))
            out.append({"key": e.key, "personal_no": pno, "name": e.name, "id_number": id_number})
        clash = _existing_ids(conn, [r[3] for r in acc_rows])
        if clash:
            raise _bad(f"身份证号码{clash}在中心已有账户")
        conn.executemany(
            "INSERT INTO accounts (personal_no, unit_account_no, name, id_number, state, origin, joined_month,"
            " storage_card, pub_unit_account_no, pub_name, pub_id_number, pub_state, pub_base, pub_unit_rate,"
            " pub_personal_rate) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", acc_rows)
        conn.executemany("INSERT INTO segments VALUES (?,?,?,?,?,?,?,?)", seg_rows)
        if ev_rows:
            conn.executemany("INSERT INTO events (personal_no, at, kind, business_no, unit_account_no, detail)"
                             " VALUES (?,?,?,?,?,?)", ev_rows)
        return out


def _existing_ids(conn, ids: list[str]) -> str | None:
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        r = conn.execute(f"SELECT id_number FROM accounts WHERE id_number IN ({','.join('?' * len(part))})"
                         " LIMIT 1", part).fetchone()
        if r:
            return r[0]
    return None
