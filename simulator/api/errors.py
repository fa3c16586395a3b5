"""Errors as application/problem+json (RFC 9457) with a stable `code`, Chinese `detail`, clause.

Every exception path ends here: domain refusals, malformed requests, unknown routes, and —
as a last resort — unexpected failures, which are logged and answered without internals.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain import messages as M
from ..domain.messages import DomainError
from ..domain.policy import CalendarNotCovered, PolicyError
from ..http import PROBLEM, problem

log = logging.getLogger("gjj.simulator")


def from_domain(e: DomainError) -> JSONResponse:
    return problem(e.msg, e.detail)


_FIELD_ZH = {"missing": "缺少字段", "extra_forbidden": "不认识的字段", "json_invalid": "JSON格式错误",
             "model_attributes_type": "须为对象", "dict_type": "须为对象", "list_type": "须为数组",
             "string_type": "须为文字", "bool_type": "须为true或false", "int_parsing": "须为整数",
             "int_type": "须为整数", "greater_than_equal": "数值过小", "less_than_equal": "数值过大",
             "string_too_long": "过长", "string_too_short": "过短"}


def document_problems(app: FastAPI) -> None:
    """The OpenAPI description says what the server answers: errors are application/problem+json."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            doc = build()
            for item in doc.get("paths", {}).values():
                for op in item.values():
                    for status, resp in (op.get("responses") or {}).items():
                        content = resp.get("content") or {}
                        if status[:1] in "45" and "application/json" in content:
                            content[PROBLEM] = content.pop("application/json")
            app.openapi_schema = doc
        return app.openapi_schema
    app.openapi = openapi


def install(app: FastAPI) -> None:
    document_problems(app)
    @app.exception_handler(DomainError)
    async def _domain(request: Request, e: DomainError):
        return from_domain(e)

    @app.exception_handler(PolicyError)
    async def _policy(request: Request, e: PolicyError):
        msg = M.CALENDAR_NOT_COVERED if isinstance(e, CalendarNotCovered) else M.POLICY_NOT_IN_FORCE
        log.error("policy data missing: %s", e)
        return problem(msg, str(e))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError):
        parts = []
        for err in e.errors()[:10]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body",))
            parts.append(f"{where or '请求体'}：{_FIELD_ZH.get(err.get('type', ''), '取值不正确')}")
        return problem(M.VALIDATION_FAILED, M.VALIDATION_FAILED.text.format(detail="；".join(parts)),
                       errors=[{"loc": [str(x) for x in err.get("loc", ())], "type": err.get("type")}
                               for err in e.errors()[:10]])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException):
        if e.status_code == 404:
            return problem(M.NOT_FOUND, M.NOT_FOUND.text)
        if e.status_code == 405:
            return problem(M.METHOD_NOT_ALLOWED, M.METHOD_NOT_ALLOWED.text)
        if e.status_code == 400:  # Starlette could not read the body (e.g. not UTF-8): the client's mistake
            return problem(M.VALIDATION_FAILED, M.VALIDATION_FAILED.text.format(detail="请求体无法解析（须为UTF-8编码的JSON）"))
        return problem(M.VALIDATION_FAILED, str(e.detail), status=e.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, e: Exception):  # a bug, never the client's fault
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"type": "urn:gjj:problem:INTERNAL", "title": "INTERNAL", "status": 500,
                             "code": "INTERNAL", "detail": "系统内部错误，请稍后再试", "clause": None},
                            status_code=500, media_type=PROBLEM)
