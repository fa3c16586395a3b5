"""Request-scoped dependencies: the service container and the caller's session."""
from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..service.access import Session
from ..services import Services

bearer = HTTPBearer(auto_error=False, description="POST /api/v1/session 返回的令牌")


async def services(request: Request) -> Services:
    return request.app.state.services


async def session(creds: HTTPAuthorizationCredentials | None = Depends(bearer),
            svc: Services = Depends(services)) -> Session:
    return svc.access.authenticate(creds.credentials if creds else None)


async def token(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str | None:
    return creds.credentials if creds else None
