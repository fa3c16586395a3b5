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
from ..domain.model import (
    OPENING_ORDER,
    AccountState,
    OpeningStage,
    Origin,
    StorageCard,
)
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
        uscc = V.credit_code(u.uscc)
        # stored as normalised, exactly as the API would store them
        op_name, op_mobile, op_id = V.person_name(u.operator[0]), V.mobile(u.operator[1]), V.id_number(u.operator[2])
        if u.opening_stage not in OPENING_ORDER:
            raise _bad(f"开通状态{u.opening_stage}不正确")
        last = u.remitted_through
        if last is not None and last < u.first_month.prev():
            raise _bad(f"单位{u.name}的缴至年月{last}早于首次汇缴年月{u.first_month}")
        if last is not None and last < u.first_month:
            last = None  # "remitted through the month before the first" means never remitted
        if last is not None and last > Month.of(ctx.today):
            raise _bad(f"缴至年月{last}晚于当前日期{ctx.today}所在的月份：不能提前汇缴")
        arrived = u.arrived_through if u.arrived_through is not None else last
        if arrived is not None and last is not None and arrived > last:
            raise _bad(f"到账年月{arrived}不能晚于缴至年月{last}")
        account_no = u.account_no or f"32{repo.next_counter(conn, 'unit_no', start=10001):08d}"
        if repo.unit_row(conn, account_no) is not None:
            raise _bad(f"单位账号{account_no}已存在")
        if conn.execute("SELECT 1 FROM units WHERE uscc = ?", (uscc,)).fetchone():
            raise _bad(f"统一社会信用代码{uscc}已被其他单位使用")
        conn.execute(
            "INSERT INTO units (account_no, name, uscc, entrusted_collection, first_month, opening_stage,"
            " query_password_hash, operator_name, operator_mobile, operator_id_number, pub_operator_name,"
            " pub_operator_mobile, pub_operator_id_number) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (account_no, u.name, uscc, int(u.entrusted_collection), u.first_month.index,
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
        return {"key": u.key, "account_no": account_no, "name": u.name, "uscc": uscc,
                "certificates": certs, "employees": employees}

    def _employees(self, ctx: Context, unit_no: str, u: UnitSpec, last: Month | None,
                   with_events: bool) -> list[dict]:
        # Hot loop (a million rows per benchmark run): everything local, and every check whose
        # inputs repeat (the unit's first month, the default rates, the event detail) done
        # once per distinct input instead of once per row. Same checks, same order, same rows.
        conn = ctx.conn
        employees = u.employees
        n = len(employees)
        if n == 0:
            return []
        first_no = repo.next_counter(conn, "personal_no", start=100000)
        conn.execute("UPDATE counters SET value = value + ? WHERE name = 'personal_no'", (n - 1,))
        rate_range = ctx.policy.rate_range
        default_rate = rate_range.default
        first = u.first_month
        due = last.next() if last else first
        stamp = ctx.stamp
        normal, sealed = AccountState.NORMAL, AccountState.SEALED
        normal_code, sealed_code = normal.value, sealed.value
        established, issued = Origin.ESTABLISHED.value, StorageCard.ISSUED.value
        check_id, check_name, check_rates = V.id_number, V.person_name, account_rules.check_rates
        base_min, base_max = ctx.policy.base_limits.min, ctx.policy.base_limits.max
        dumps = json.dumps
        seen: set[str] = set()
        seen_add = seen.add
        good_starts: dict[Month, int] = {}        # start months found in range -> index
        prev_start: Month | None = None           # the last row's start month and its index
        prev_index = 0
        default_rates: tuple[str, str] | None = None  # str of the default rates, once checked
        details: dict[tuple[int, str], str] = {}  # (start month index, state) -> event detail
        acc_rows, seg_rows, ev_rows, out = [], [], [], []
        acc_add, seg_add, ev_add, out_add = acc_rows.append, seg_rows.append, ev_rows.append, out.append
        for i, e in enumerate(employees):
            pno = f"1{first_no + i:011d}"
            name = e.name
            if e.trusted:
                id_number = e.id_number
            else:
                id_number = check_id(e.id_number)
                name = check_name(name)
            if id_number in seen:
                raise _bad(f"身份证号码{id_number}重复")
            seen_add(id_number)
            start = e.start_month or first
            if start is prev_start:
                start_index = prev_index
            else:
                start_index = good_starts.get(start)
                if start_index is None:
                    if start < first or start > due:
                        raise _bad(f"职工{name}的起缴月份{start}须在{first}至{due}之间")
                    start_index = good_starts[start] = start.index
                prev_start, prev_index = start, start_index
            if e.unit_rate is None and e.personal_rate is None:
                if default_rates is None:
                    check_rates(default_rate, default_rate, rate_range)
                    default_rates = (str(default_rate), str(default_rate))
                ur_text, pr_text = default_rates
            else:
                ur = e.unit_rate or e.personal_rate or default_rate
                pr = e.personal_rate or e.unit_rate or default_rate
                check_rates(ur, pr, rate_range)
                ur_text, pr_text = str(ur), str(pr)
            state_ = e.state
            if state_ is normal:
                end_index, state = None, normal_code
            elif state_ is sealed:
                state = sealed_code
                end = e.last_month or last
                if end is None or end < start or (last is not None and end > last):
                    raise _bad(f"封存职工{name}的最后缴存月份须在起缴月份与单位缴至年月之间")
                end_index = end.index
            else:
                raise _bad("种子数据只支持正常和封存状态的职工")
            joined = e.joined_month or start
            if joined is not start and joined > start:
                raise _bad(f"职工{name}的入职年月{joined}不能晚于起缴月份{start}")
            joined_index = start_index if joined is start else joined.index
            if not base_min <= e.base <= base_max:
                raise _bad(f"职工{name}的缴存基数{e.base}元不在{base_min}至{base_max}元之间")
            base = str(e.base)
            acc_add((pno, unit_no, name, id_number, state, established, joined_index, issued, unit_no, name,
                     id_number, state, base, ur_text, pr_text))
            seg_add((pno, 1, unit_no, start_index, end_index, base, ur_text, pr_text))
            if with_events:
                detail = details.get((start_index, state))
                if detail is None:
                    detail = details[(start_index, state)] = dumps({"start_month": str(start), "state": state},
                                                                   ensure_ascii=False)
                ev_add((pno, stamp, "seeded", None, unit_no, detail))
            out_add({"key": e.key, "personal_no": pno, "name": name, "id_number": id_number})
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
