"""Test control under /_sim/: reset, seed, clock, remittance and arrival, inspection.

Mounted only when the centre runs with test control enabled; then it answers only callers on
loopback, or callers presenting the configured token (header X-Sim-Token)."""
from __future__ import annotations

import hmac
import ipaddress
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from ..clock import to_shanghai
from ..domain import messages as M
from ..domain import validators as V
from ..domain.messages import DomainError
from ..domain.policy import PolicyNotInForce
from ..http import Problem, problem, services
from ..services import Services
from . import models as m
from .world import GeneratorFactory, seed_world


def allowed(expected_token: str | None, client_host: str, sent_token: str | None) -> bool:
    """Who may use test control: the token's holders when one is configured, else loopback callers."""
    if expected_token:
        # bytes: compare_digest refuses non-ASCII str, and a refusal must look like any other
        return sent_token is not None and hmac.compare_digest(sent_token.encode("utf-8", "surrogateescape"),
                                                              expected_token.encode("utf-8"))
    try:
        return ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        return client_host in ("testclient", "localhost")


def _guard(request: Request, x_sim_token: Annotated[str | None, Header()] = None) -> None:
    host = request.client.host if request.client else ""
    if not allowed(request.app.state.control_token, host, x_sim_token):
        raise DomainError(M.NOT_FOUND)


class GuardMiddleware:
    """The same guard before routing: a refused caller must get the plain 404 for every method and
    body (no 405 for another method, no 422 for a malformed body, which would reveal the interface)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/_sim" or path.startswith("/_sim/"):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            client = scope.get("client") or ("", 0)
            expected = scope["app"].state.control_token if "app" in scope else None
            if not allowed(expected, client[0], headers.get("x-sim-token")):
                response = problem(M.NOT_FOUND, M.NOT_FOUND.text)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


router = APIRouter(prefix="/_sim", tags=["测试控制"], dependencies=[Depends(_guard)],
                   responses={s: {"model": Problem} for s in (404, 409, 422)})
Svc = Annotated[Services, Depends(services)]


async def _data_generator(request: Request) -> GeneratorFactory:
    return request.app.state.data_generator  # injected by the composition root (app.py)


Gen = Annotated[GeneratorFactory, Depends(_data_generator)]


def _when(text: str) -> datetime:
    try:
        return to_shanghai(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        raise DomainError(M.VALIDATION_FAILED, detail=f"时间“{text}”不是ISO 8601格式") from None


def _clock(svc: Services) -> dict:
    now = svc.centre.clock.now()
    out = {"now": now.isoformat(), "today": now.date().isoformat(), "timezone": "Asia/Shanghai"}
    try:
        out.update({k: v for k, v in svc.centre.working_day_info(now.date()).items() if k != "date"})
    except DomainError as e:  # the clock may stand where the calendar has no data: say so, don't fail
        out["calendar_error"] = {"code": e.code, "detail": e.detail}
    return out


@router.post("/reset", summary="清空中心数据（可同时设定虚拟时间）")
def reset(body: m.ResetIn, svc: Svc):
    svc.control.reset(_when(body.now) if body.now else None)
    return _clock(svc)


@router.post("/seed", summary="按描述建立单位、证书、职工和汇缴历史")
def seed(body: m.WorldIn, svc: Svc, generator: Gen):
    return {"units": seed_world(svc, body, generator)}


@router.get("/clock", summary="虚拟时间")
def get_clock(svc: Svc):
    return _clock(svc)


@router.put("/clock", summary="设定虚拟时间（只能向前；跨过午夜即执行夜间更新）")
def set_clock(body: m.ClockSetIn, svc: Svc):
    svc.centre.set_clock(_when(body.now))
    return _clock(svc)


@router.post("/clock/advance", summary="虚拟时间前进")
def advance_clock(body: m.ClockAdvanceIn, svc: Svc):
    svc.centre.advance_clock(timedelta(days=body.days, hours=body.hours, minutes=body.minutes,
                                       seconds=body.seconds))
    return _clock(svc)


@router.get("/calendar/{day}", summary="某日是否为工作日（来自日历数据）")
def calendar_day(day: str, svc: Svc):
    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise DomainError(M.VALIDATION_FAILED, detail=f"日期“{day}”不是YYYY-MM-DD格式") from None
    return svc.centre.working_day_info(d)


@router.get("/policy", summary="某日生效的政策参数")
def policy(svc: Svc, on: Annotated[str | None, Query(max_length=10)] = None):
    try:
        d = date.fromisoformat(on) if on else svc.centre.clock.today()
    except ValueError:
        raise DomainError(M.VALIDATION_FAILED, detail=f"日期“{on}”不是YYYY-MM-DD格式") from None
    try:
        snap = svc.centre.policy_book.as_of(d)
    except PolicyNotInForce as e:
        raise DomainError(M.POLICY_NOT_IN_FORCE, detail=str(e)) from None
    return {"on": d.isoformat(), "version": svc.centre.policy_book.version,
            "business_hours": {"start": snap.business_hours.start.isoformat(),
                               "end": snap.business_hours.end.isoformat()},
            "pin_attempt_limit": snap.pin_attempt_limit, "initial_pin": snap.initial_pin,
            "next_day_rule": {"publish": snap.next_day_rule.publish,
                              "visible_from": snap.next_day_rule.visible_from},
            "rate_range": {k: str(getattr(snap.rate_range, k)) for k in ("min", "max", "step", "default")}
            | {"equal_rates": snap.rate_range.equal_rates},
            "base_limits": {"min": str(snap.base_limits.min), "max": str(snap.base_limits.max)},
            "rounding": {"mode": snap.rounding.mode, "quantum": str(snap.rounding.quantum)},
            "session_ttl_minutes": snap.session_ttl_minutes,
            "certificate_followup_days": snap.certificate_followup_days,
            "meta": {k: {"effective_from": v.effective_from.isoformat(), "source": v.source,
                         "verified": v.verified,
                         "last_confirmed": v.last_confirmed.isoformat() if v.last_confirmed else None}
                     for k, v in snap.meta.items()}}


@router.post("/units/{unit}/remittances", summary="单位汇缴某月（按月连续），可同时到账")
def remit(unit: str, body: m.RemitIn, svc: Svc):
    return svc.control.remit(unit, V.month(body.month), body.arrived)


@router.post("/units/{unit}/remittances/{month}/arrival", summary="某月汇缴到账")
def arrive(unit: str, month: str, svc: Svc):
    return svc.control.arrive(unit, V.month(month))


@router.get("/units/{unit}", summary="单位内部状态（含尚未发布的变更）")
def unit_state(unit: str, svc: Svc):
    return svc.control.unit_state(unit)


@router.get("/employees/{personal_no}", summary="职工账户内部状态（含事件历史）")
def employee_state(personal_no: str, svc: Svc):
    return svc.control.employee_state(personal_no)


@router.get("/pending", summary="等待夜间更新发布的变更")
def pending(svc: Svc):
    return svc.control.pending()


@router.post("/certificates/{serial}/unlock", status_code=204, summary="解锁数字证书（CA柜面操作）")
def unlock(serial: str, svc: Svc):
    svc.control.unlock_certificate(serial)
    return Response(status_code=204)


@router.post("/certificate-applications", summary="登记纸质数字证书申请（1.1.1，线下）")
def application(body: m.ApplicationIn, svc: Svc):
    return svc.control.record_certificate_application(body.unit_name, body.uscc)
