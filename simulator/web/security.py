"""Cookies, CSRF tokens and form bodies of the portal.

- `gjj_session` holds the same token as the API's bearer token (`Access.login`); HttpOnly, SameSite=Lax.
- Every POST form carries `csrf` = HMAC(app secret, session token); the login form, which has no
  session yet, binds it to the pre-session cookie `gjj_presession` instead.
- The app secret is random, made on the first request of each app instance, and never leaves it.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from urllib.parse import parse_qs

from fastapi import Request
from starlette.responses import Response

SESSION_COOKIE = "gjj_session"
PRESESSION_COOKIE = "gjj_presession"
WARNING_COOKIE = "gjj_browser_warning"
CSRF_FIELD = "csrf"

MAX_BODY = 256 * 1024          # a form of this portal is a few hundred bytes
MAX_FIELD = 1000               # longer values are refused before any service sees them

_secret_lock = threading.Lock()


def _secret(request: Request) -> bytes:
    state = request.app.state
    secret = getattr(state, "web_csrf_secret", None)
    if secret is None:
        with _secret_lock:
            secret = getattr(state, "web_csrf_secret", None)
            if secret is None:
                secret = secrets.token_bytes(32)
                state.web_csrf_secret = secret
    return secret


def csrf_token(request: Request, binding: str) -> str:
    return hmac.new(_secret(request), binding.encode("utf-8"), hashlib.sha256).hexdigest()


def session_binding(token: str) -> str:
    return "session:" + token


def presession_binding(value: str) -> str:
    return "presession:" + value


def csrf_ok(request: Request, binding: str | None, sent: str | None) -> bool:
    if not binding or not sent:
        return False
    # bytes: compare_digest refuses non-ASCII str, and a forged token must be refused like any other
    return hmac.compare_digest(csrf_token(request, binding).encode("utf-8"), sent.encode("utf-8", "surrogateescape"))


def new_presession() -> str:
    return secrets.token_urlsafe(24)


def valid_presession(value: str | None) -> bool:
    return bool(value) and re.fullmatch(r"[A-Za-z0-9_\-]{16,64}", value) is not None


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="lax", secure=_secure(request))


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request))


def set_presession_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(PRESESSION_COOKIE, value, path="/hall", httponly=True, samesite="lax",
                        secure=_secure(request))


def clear_presession_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(PRESESSION_COOKIE, path="/hall", httponly=True, samesite="lax", secure=_secure(request))


class Form:
    """An application/x-www-form-urlencoded body; anything else reads as an empty form."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0] if values else default

    def all(self, name: str) -> list[str]:
        return list(self.fields.get(name, []))

    def too_long(self) -> bool:
        return any(len(v) > MAX_FIELD for vs in self.fields.values() for v in vs)


async def read_form(request: Request) -> Form:
    """FastAPI dependency: the body of a POST, parsed without python-multipart."""
    if request.method != "POST":
        return Form({})
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return Form({})
    if ctype not in ("application/x-www-form-urlencoded", ""):
        return Form({})
    text = body.decode("utf-8", errors="replace")
    try:
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=200)
    except ValueError:
        return Form({})
    return Form(fields)
