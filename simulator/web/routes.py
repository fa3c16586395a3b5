"""The portal's router: entry and platform pages, the hall, the businesses, and a page for any
other /hall/ path (the API's problem+json is not for browsers)."""
from __future__ import annotations

from fastapi import APIRouter, Request

from . import business, entry, hall
from .render import WebRoute, not_found

router = APIRouter(route_class=WebRoute, include_in_schema=False)
router.include_router(entry.router)
router.include_router(hall.router)
router.include_router(business.router)


@router.api_route("/hall/{path:path}", methods=["GET", "POST"])
def unknown_hall_page(path: str, request: Request):
    return not_found(request)
