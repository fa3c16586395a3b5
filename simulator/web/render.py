"""Templates, the alert convention, and the route class that keeps every failure an HTML page.

An error is shown as `<div role="alert" data-code="CODE">detail</div>` (docs/web-portal.md);
a DomainError that a handler does not catch itself still ends as such a page, never as a 500
with a stack trace or as the API's problem+json."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse, Response

from ..domain import messages as M
from ..domain.messages import DomainError
from ..domain.policy import CalendarNotCovered, PolicyError

log = logging.getLogger("gjj.simulator.web")

TEMPLATES = Path(__file__).resolve().parent / "templates"
HALL_BRAND = "常州市住房公积金管理中心 · 网上服务厅"
PLATFORM_BRAND = "同和综合服务平台"
FOOTER = "以上内容如有变化恕不另行通知，以住房公积金管理中心最新政策为准"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

# The hall's navigation, in the words of docs/web-portal.md (“/hall/” row).
NAV = [("职工账户设立", "/hall/business/establish"), ("封存", "/hall/business/seal"),
       ("启封", "/hall/business/unseal"), ("职工转移", "/hall/business/transfer"),
       ("个别补缴", "/hall/business/back-pay"), ("缴存基数调整", "/hall/business/base-adjustment"),
       ("单位缴存信息核查", "/hall/business/deposit-verification"), ("职工清册查询", "/hall/roster"),
       ("查询打印", "/hall/print"), ("单位信息", "/hall/unit"), ("帮助", "/hall/help"),
       ("E家课堂", "/platform/gjj/ejia")]

PAGE_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                "Referrer-Policy": "same-origin"}
CSRF_FAILED = "CSRF_FAILED"
CSRF_TEXT = "页面已失效或请求来源不正确，请返回上一页刷新后重新操作"


@dataclass(frozen=True)
class Alert:
    code: str
    detail: str

    @classmethod
    def of(cls, e: DomainError) -> Alert:
        return cls(e.code, e.detail)


def alert_status(e: DomainError) -> int:
    return e.msg.status


class Respond(Exception):
    """Raised by a dependency or helper to answer at once (a redirect, a refusal page)."""

    def __init__(self, response: Response) -> None:
        super().__init__("respond")
        self.response = response


def page(request: Request, template: str, title: str, *, status: int = 200, alerts: list[Alert] | None = None,
         notices: list[str] | None = None, csrf: str | None = None, nav: bool | list = False,
         brand: str = HALL_BRAND, **ctx: Any) -> HTMLResponse:
    """Render one page: `title` is its single <h1>."""
    if nav is True:
        nav = NAV
    html = env.get_template(template).render(
        request_path=request.url.path, title=title, brand=brand, footer=FOOTER, alerts=alerts or [],
        notices=notices or [], csrf=csrf, logged_in=csrf is not None, nav=nav or [], **ctx)
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def message_page(request: Request, title: str, alert: Alert, status: int, csrf: str | None = None,
                 nav: bool = False) -> HTMLResponse:
    return page(request, "message.html", title, status=status, alerts=[alert], csrf=csrf, nav=nav)


def csrf_refused(request: Request) -> HTMLResponse:
    return message_page(request, "请求已失效", Alert(CSRF_FAILED, CSRF_TEXT), 403)


def not_found(request: Request) -> HTMLResponse:
    return message_page(request, "页面不存在", Alert(M.NOT_FOUND.code, M.NOT_FOUND.text), 404)


class WebRoute(APIRoute):
    """Every answer of the portal is a page: refusals not handled in place, policy data missing,
    and — as a last resort for a bug — an internal error without internals."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except Respond as r:
                return r.response
            except DomainError as e:
                return message_page(request, "提示", Alert.of(e), alert_status(e))
            except PolicyError as e:
                msg = M.CALENDAR_NOT_COVERED if isinstance(e, CalendarNotCovered) else M.POLICY_NOT_IN_FORCE
                log.error("policy data missing: %s", e)
                return message_page(request, "提示", Alert(msg.code, str(e)), msg.status)
            except RequestValidationError:
                return message_page(request, "提示", Alert(M.VALIDATION_FAILED.code,
                                                         M.VALIDATION_FAILED.text.format(detail="请求内容不正确")), 422)
            except Exception:  # a bug: logged, answered without internals
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                return message_page(request, "系统错误", Alert("INTERNAL", "系统内部错误，请稍后再试"), 500)

        return guarded
