"""Who is asking: the session behind the `gjj_session` cookie, and the login page every
unauthenticated request ends on."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request
from starlette.responses import RedirectResponse, Response

from ..domain import messages as M
from ..domain.messages import LOGIN_FAULT, DomainError
from ..service.access import Session
from ..services import Services
from . import security as S
from .render import Alert, Respond, csrf_refused, page

# notices a redirect to the login page may ask for (?notice=…)
NOTICES = {"expired": Alert(M.SESSION_EXPIRED.code, M.SESSION_EXPIRED.text)}
_NEXT = re.compile(r"^/hall/[A-Za-z0-9_\-./]*$")


def services(request: Request) -> Services:
    return request.app.state.services


def safe_next(value: str | None) -> str | None:
    """Only a page of the hall, never another site or the login itself."""
    if not value or len(value) > 200 or not _NEXT.match(value) or "//" in value or ".." in value:
        return None
    if value.startswith(("/hall/login", "/hall/logout")):
        return None
    return value


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@dataclass
class Hall:
    request: Request
    svc: Services
    session: Session
    token: str

    @property
    def csrf(self) -> str:
        return S.csrf_token(self.request, S.session_binding(self.token))

    def require_csrf(self, form: S.Form) -> None:
        if not S.csrf_ok(self.request, S.session_binding(self.token), form.get(S.CSRF_FIELD) or None):
            raise Respond(csrf_refused(self.request))

    def page(self, template: str, title: str, *, nav: bool | list = True, **kw) -> Response:
        return page(self.request, template, title, csrf=self.csrf, nav=nav, **kw)


def hall(request: Request) -> Hall:
    """Dependency of every /hall/ page but the login: the caller's session, or the way to the login."""
    svc = services(request)
    token = request.cookies.get(S.SESSION_COOKIE)
    try:
        session = svc.access.authenticate(token)
    except DomainError as e:
        if e.code == M.CERTIFICATE_LOCKED.code:  # every use says why, until the CA unlocks it
            response = login_page(request, alerts=[Alert.of(e)], status=e.msg.status)
        else:
            query = {}
            if e.code == M.SESSION_EXPIRED.code:
                query["notice"] = "expired"
            nxt = safe_next(request.url.path) if request.method == "GET" else None
            if nxt and nxt != "/hall/":
                query["next"] = nxt
            response = redirect("/hall/login" + ("?" + urlencode(query) if query else ""))
        if token:
            S.clear_session_cookie(request, response)
        raise Respond(response) from None
    return Hall(request, svc, session, token)


def maybe_hall(request: Request) -> Hall | None:
    """For the pages a visitor may read before logging in (帮助): the session if there is a valid one."""
    token = request.cookies.get(S.SESSION_COOKIE)
    if not token:
        return None
    svc = services(request)
    try:
        return Hall(request, svc, svc.access.authenticate(token), token)
    except DomainError:
        return None


HallDep = Annotated[Hall, Depends(hall)]
MaybeHallDep = Annotated[Hall | None, Depends(maybe_hall)]
FormDep = Annotated[S.Form, Depends(S.read_form)]


def login_page(request: Request, *, alerts: list[Alert] | None = None, status: int = 200, serial: str = "",
               via: str = "", next_: str | None = None) -> Response:
    """网上服务厅登录, with the pre-session cookie its CSRF token is bound to."""
    pre = request.cookies.get(S.PRESESSION_COOKIE)
    fresh = not S.valid_presession(pre)
    if fresh:
        pre = S.new_presession()
    response = page(request, "login.html", "网上服务厅登录", status=status, alerts=alerts,
                    login_csrf=S.csrf_token(request, S.presession_binding(pre)), serial=serial,
                    via="platform" if via == "platform" else "", next=safe_next(next_) or "",
                    login_fault=LOGIN_FAULT)
    if fresh:
        S.set_presession_cookie(request, response, pre)
    return response
