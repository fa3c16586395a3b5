"""The centre's service layer: transactions, the clock, policy in force, the nightly update.

Each public command runs in one database transaction. Before anything else it catches up on
the nightly updates that the clock has passed (clauses 3.5, 3.6), so visibility never depends
on a background thread or the wall clock.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator

from ..clock import Clock, ManualClock
from ..domain import messages as M
from ..domain.messages import DomainError
from ..domain.policy import (
    CalendarNotCovered,
    PolicyBook,
    PolicyNotInForce,
    PolicySnapshot,
    WorkCalendar,
)
from ..store import repo
from ..store.db import Database
from ..store.repo import Conn


@dataclass(frozen=True)
class Context:
    """What one command sees: its connection, its moment, the policy in force then."""
    conn: Conn
    now: datetime
    policy: PolicySnapshot
    calendar: WorkCalendar

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def stamp(self) -> str:
        return self.now.isoformat()


class Centre:
    def __init__(self, db: Database, clock: Clock, policy: PolicyBook, calendar: WorkCalendar) -> None:
        self.db = db
        self.clock = clock
        self.policy_book = policy
        self.calendar = calendar
        with self.db.transaction() as conn:
            if repo.get_meta(conn, "published_day") is None:
                repo.set_meta(conn, "published_day", self.clock.today().isoformat())
            if isinstance(clock, ManualClock):
                saved = repo.get_meta(conn, "clock")
                if saved:  # a restarted centre continues at the virtual time it had
                    clock.set(datetime.fromisoformat(saved))
                else:
                    repo.set_meta(conn, "clock", clock.now().isoformat())

    # --- transactions --------------------------------------------------------------------
    @contextmanager
    def command(self) -> Iterator[Context]:
        with self.db.transaction() as conn:
            ctx = self._context(conn)
            self._catch_up(ctx)
            yield ctx

    @contextmanager
    def query(self) -> Iterator[Context]:
        # Queries also catch up: a read on the next day must see the published state.
        with self.db.transaction() as conn:
            ctx = self._context(conn)
            self._catch_up(ctx)
            yield ctx

    def _context(self, conn: Conn) -> Context:
        now = self.clock.now()
        try:
            policy = self.policy_book.as_of(now.date())
        except PolicyNotInForce as e:
            raise DomainError(M.POLICY_NOT_IN_FORCE, detail=str(e)) from None
        return Context(conn, now, policy, self.calendar)

    # --- nightly update (3.5, 3.6) ----------------------------------------------------------
    def _catch_up(self, ctx: Context) -> None:
        last = date.fromisoformat(repo.get_meta(ctx.conn, "published_day") or ctx.today.isoformat())
        if ctx.today > last:
            publish_pending(ctx.conn)
            repo.set_meta(ctx.conn, "published_day", ctx.today.isoformat())
            repo.set_meta(ctx.conn, "last_nightly_at",
                          datetime.combine(ctx.today, datetime.min.time(), tzinfo=ctx.now.tzinfo).isoformat())

    # --- clock (test control) -----------------------------------------------------------------
    def set_clock(self, when: datetime) -> datetime:
        clock = self._manual()
        with self.db.transaction() as conn:
            if when < clock.now():
                raise DomainError(M.CLOCK_BACKWARDS, now=clock.now().isoformat(), requested=when.isoformat())
            clock.set(when)
            repo.set_meta(conn, "clock", clock.now().isoformat())
            self._catch_up(self._context(conn))
        return clock.now()

    def advance_clock(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise DomainError(M.CLOCK_BACKWARDS, now=self.clock.now().isoformat(),
                              requested=(self.clock.now() + delta).isoformat())
        return self.set_clock(self.clock.now() + delta)

    def reset_clock(self, when: datetime) -> None:
        clock = self._manual()
        with self.db.transaction() as conn:
            clock.set(when)
            repo.set_meta(conn, "clock", clock.now().isoformat())

    def _manual(self) -> ManualClock:
        if not isinstance(self.clock, ManualClock):
            raise DomainError(M.NOT_FOUND)
        return self.clock

    def working_day_info(self, d: date) -> dict:
        try:
            return {"date": d.isoformat(), "is_working_day": self.calendar.is_working_day(d),
                    "holiday": self.calendar.holiday_name(d),
                    "makeup_workday": self.calendar.makeup_workday_name(d),
                    "next_working_day": self.calendar.next_working_day(d).isoformat()}
        except CalendarNotCovered as e:
            raise DomainError(M.CALENDAR_NOT_COVERED, detail=str(e)) from None


def publish_pending(conn: Conn) -> int:
    """The nightly update: copy every changed account and operator to the published view.
    Base and rates are those at the account's current unit (none yet for a transfer-in)."""
    n = conn.execute(
        """UPDATE accounts SET
             pub_unit_account_no = unit_account_no, pub_name = name, pub_id_number = id_number,
             pub_state = state,
             pub_base = (SELECT base FROM segments s WHERE s.personal_no = accounts.personal_no
                         AND s.unit_account_no = accounts.unit_account_no ORDER BY seq DESC LIMIT 1),
             pub_unit_rate = (SELECT unit_rate FROM segments s WHERE s.personal_no = accounts.personal_no
                              AND s.unit_account_no = accounts.unit_account_no ORDER BY seq DESC LIMIT 1),
             pub_personal_rate = (SELECT personal_rate FROM segments s WHERE s.personal_no = accounts.personal_no
                                  AND s.unit_account_no = accounts.unit_account_no ORDER BY seq DESC LIMIT 1),
             dirty = 0
           WHERE dirty = 1""").rowcount
    n += conn.execute(
        """UPDATE units SET pub_operator_name = operator_name, pub_operator_mobile = operator_mobile,
             pub_operator_id_number = operator_id_number, operator_dirty = 0
           WHERE operator_dirty = 1""").rowcount
    return n
