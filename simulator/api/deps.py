"""Request-scoped dependencies of the JSON API: the caller's bearer token and session."""
from __future__ import annotations

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..http import services
from ..service.access import Session
from ..services import Services

bearer = HTTPBearer(auto_error=False, description="POST /api/v1/session 返回的令牌")


async def session(creds: HTTPAuthorizationCredentials | None = Depends(bearer),
            svc: Services = Depends(services)) -> Session:
    return svc.access.authenticate(creds.credentials if creds else None)


async def token(creds: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str | None:
    return creds.credentials if creds else None
