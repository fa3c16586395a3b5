"""Login with certificate + PIN, sessions, PIN change, and opening the online business."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain import messages as M
from ..domain import validators as V
from ..domain.messages import DomainError
from ..domain.model import OPENING_ORDER, OpeningStage, Unit
from ..domain.rules import auth, opening
from ..domain.rules.hours import verify_from
from ..store import repo
from . import secrets_
from .centre import Centre, Context


@dataclass(frozen=True)
class Session:
    serial: str
    unit_account_no: str
    expires_at: datetime


@dataclass(frozen=True)
class LoginResult:
    token: str
    session: Session
    opening_stage: OpeningStage
    prompt: str | None  # the 2.3 prompt when the certificate is not yet enabled


class Access:
    def __init__(self, centre: Centre) -> None:
        self.centre = centre

    # --- login (2.2, 2.3) ------------------------------------------------------------------
    def login(self, serial: str, pin: str) -> LoginResult:
        if not isinstance(serial, str) or not isinstance(pin, str):
            raise DomainError(M.VALIDATION_FAILED, detail="请提供证书序列号和口令")
        failure: DomainError | None = None
        with self.centre.command() as ctx:
            cert = ctx.conn.execute("SELECT * FROM certificates WHERE serial = ?", (serial,)).fetchone()
            if cert is None:
                raise DomainError(M.CERTIFICATE_NOT_FOUND)
            outcome = auth.pin_attempt(cert["failed_attempts"], cert["locked_at"] is not None,
                                       secrets_.check_pin(pin, cert["pin_hash"]),
                                       ctx.policy.pin_attempt_limit, ctx.policy.initial_pin)
            # the attempt is counted even though the login is refused: commit, then raise
            ctx.conn.execute("UPDATE certificates SET failed_attempts = ?, locked_at = ? WHERE serial = ?",
                             (outcome.failed_attempts,
                              cert["locked_at"] or (ctx.stamp if outcome.locked else None), serial))
            if outcome.ok:
                unit = repo.get_unit(ctx.conn, cert["unit_account_no"])
                assert unit is not None  # foreign key
                token = secrets_.new_token()
                expires = ctx.now + timedelta(minutes=ctx.policy.session_ttl_minutes)
                ctx.conn.execute("INSERT INTO sessions VALUES (?,?,?,?)",
                                 (secrets_.token_hash(token), serial, unit.account_no, expires.isoformat()))
                result = LoginResult(token, Session(serial, unit.account_no, expires), unit.opening_stage,
                                     opening.first_login_prompt(unit.opening_stage))
            else:
                failure = outcome.error
        if failure is not None:
            raise failure
        return result

    def authenticate(self, token: str | None) -> Session:
        if not token:
            raise DomainError(M.UNAUTHENTICATED)
        with self.centre.command() as ctx:
            row = ctx.conn.execute("SELECT * FROM sessions WHERE token_hash = ?",
                                   (secrets_.token_hash(token),)).fetchone()
            if row is None:
                raise DomainError(M.UNAUTHENTICATED)
            expires = datetime.fromisoformat(row["expires_at"])
            refusal = None
            if ctx.now >= expires:
                ctx.conn.execute("DELETE FROM sessions WHERE token_hash = ?", (row["token_hash"],))
                refusal = DomainError(M.SESSION_EXPIRED)
            else:
                ttl = timedelta(minutes=ctx.policy.session_ttl_minutes)
                if expires - ctx.now < ttl / 2:  # sliding expiry without a write on every request
                    expires = ctx.now + ttl
                    ctx.conn.execute("UPDATE sessions SET expires_at = ? WHERE token_hash = ?",
                                     (expires.isoformat(), row["token_hash"]))
                locked = ctx.conn.execute("SELECT locked_at FROM certificates WHERE serial = ?",
                                          (row["serial"],)).fetchone()
                if locked is None or locked[0] is not None:
                    # kept, not deleted: every use of it says why until the CA unlocks the certificate
                    refusal = DomainError(M.CERTIFICATE_LOCKED, limit=ctx.policy.pin_attempt_limit)
        if refusal is not None:
            raise refusal
        return Session(row["serial"], row["unit_account_no"], expires)

    def logout(self, token: str) -> None:
        with self.centre.command() as ctx:
            ctx.conn.execute("DELETE FROM sessions WHERE token_hash = ?", (secrets_.token_hash(token),))

    def change_pin(self, session: Session, old_pin: str, new_pin: str) -> None:
        new_pin = V.new_pin(new_pin)
        failure = None
        with self.centre.command() as ctx:
            cert = ctx.conn.execute("SELECT * FROM certificates WHERE serial = ?", (session.serial,)).fetchone()
            outcome = auth.pin_attempt(cert["failed_attempts"], cert["locked_at"] is not None,
                                       secrets_.check_pin(old_pin if isinstance(old_pin, str) else "",
                                                          cert["pin_hash"]),
                                       ctx.policy.pin_attempt_limit, ctx.policy.initial_pin)
            if outcome.ok and old_pin == new_pin:
                raise DomainError(M.PIN_UNCHANGED)
            ctx.conn.execute(
                "UPDATE certificates SET failed_attempts = ?, locked_at = ?, pin_hash = ? WHERE serial = ?",
                (outcome.failed_attempts, cert["locked_at"] or (ctx.stamp if outcome.locked else None),
                 secrets_.hash_pin(new_pin) if outcome.ok else cert["pin_hash"], session.serial))
            failure = outcome.error
        if failure is not None and failure.code == M.WRONG_PIN.code:
            # the caller is logged in: a wrong old PIN is a bad field, not a failed login
            raise DomainError(M.OLD_PIN_WRONG, **failure.params)
        if failure is not None:
            raise failure

    # --- opening (1.0, 1.1.2, 1.2, 2.3) ---------------------------------------------------------
    def unit(self, ctx: Context, session: Session) -> Unit:
        unit = repo.get_unit(ctx.conn, session.unit_account_no)
        if unit is None:
            raise DomainError(M.UNAUTHENTICATED)
        return unit

    def opening_status(self, session: Session) -> dict:
        with self.centre.query() as ctx:
            unit = self.unit(ctx, session)
            return _opening_view(unit)

    def enable(self, session: Session) -> dict:
        """申请开通 (1.1.2), also the answer 是 to the first-login prompt (2.3)."""
        return self._step(session, OpeningStage.ENABLED)

    def sign_agreement(self, session: Session, accepted: bool) -> dict:
        if accepted is not True:
            raise DomainError(M.AGREEMENT_NOT_ACCEPTED)
        return self._step(session, OpeningStage.AGREEMENT_SIGNED)

    def confirm_unit_info(self, session: Session, operator: dict | None) -> dict:
        """核对单位信息: the operator may be corrected here; the change shows the next day (3.5)."""
        return self._step(session, OpeningStage.INFO_CONFIRMED,
                          lambda ctx: self._set_operator(ctx, session, operator) if operator else None)

    def set_query_password(self, session: Session, password: str) -> dict:
        password = V.query_password(password)
        return self._step(session, OpeningStage.PASSWORD_SET, lambda ctx: ctx.conn.execute(
            "UPDATE units SET query_password_hash = ? WHERE account_no = ?",
            (secrets_.hash_password(password), session.unit_account_no)))

    def complete(self, session: Session) -> dict:
        return self._step(session, OpeningStage.OPENED)

    def _step(self, session: Session, reaches: OpeningStage, effect=None) -> dict:
        with self.centre.command() as ctx:
            unit = self.unit(ctx, session)
            stage = opening.advance(unit.opening_stage, reaches)
            if effect is not None:
                effect(ctx)
            ctx.conn.execute("UPDATE units SET opening_stage = ? WHERE account_no = ?",
                             (stage.value, unit.account_no))
            return _opening_view(repo.get_unit(ctx.conn, unit.account_no))

    # --- operator (3.5) ---------------------------------------------------------------------
    def change_operator(self, session: Session, operator: dict) -> dict:
        with self.centre.command() as ctx:
            unit = self.unit(ctx, session)
            opening.require_opened(unit)
            self._set_operator(ctx, session, operator)
            return {"pending": True, "verify_from": _verify_from(ctx)}

    def _set_operator(self, ctx: Context, session: Session, operator: dict) -> None:
        if not isinstance(operator, dict):
            raise DomainError(M.VALIDATION_FAILED, detail="经办人信息格式不正确")
        name = V.person_name(operator.get("name"))
        mobile = V.mobile(operator.get("mobile"))
        id_number = V.id_number(operator.get("id_number"))
        ctx.conn.execute(
            "UPDATE units SET operator_name = ?, operator_mobile = ?, operator_id_number = ?,"
            " operator_dirty = 1, operator_changed_at = ? WHERE account_no = ?",
            (name, mobile, id_number, ctx.stamp, session.unit_account_no))


def _verify_from(ctx: Context) -> str:
    return verify_from(ctx.now, ctx.policy.business_hours, ctx.calendar).isoformat()


def _opening_view(unit: Unit) -> dict:
    idx = OPENING_ORDER.index(unit.opening_stage)
    nxt = OPENING_ORDER[idx + 1] if idx + 1 < len(OPENING_ORDER) else None
    return {"stage": unit.opening_stage.value, "stage_label": unit.opening_stage.label,
            "opened": unit.opening_stage is OpeningStage.OPENED,
            "next_step": opening.STEP_NAMES[nxt] if nxt else None,
            "prompt": opening.first_login_prompt(unit.opening_stage)}
