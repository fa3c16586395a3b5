"""What the protocols (the JSON API, the portal, test control) share over HTTP: the problem+json
answer (RFC 9457) with a stable `code`, Chinese `detail` and clause, and the request's services."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .domain.messages import Msg
from .services import Services

PROBLEM = "application/problem+json"


class Problem(BaseModel):
    """The error document, as the OpenAPI description shows it."""
    type: str
    title: str
    status: int
    code: str = Field(description="稳定的机器码，例如 OUTSIDE_BUSINESS_HOURS")
    detail: str = Field(description="中文说明")
    clause: str | None = Field(None, description="所依据的指南条款")


def problem(msg: Msg, detail: str, status: int | None = None, **extra) -> JSONResponse:
    body = {"type": f"urn:gjj:problem:{msg.code}", "title": msg.code, "status": status or msg.status,
            "code": msg.code, "detail": detail, "clause": msg.clause, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if (status or msg.status) == 401 else None
    return JSONResponse(body, status_code=status or msg.status, media_type=PROBLEM, headers=headers)


async def services(request: Request) -> Services:
    """The service container the composition root (app.py) put on the app; a dependency (async: no
    thread-pool hop per call)."""
    return request.app.state.services
