"""The web portal (网上服务厅): server-rendered pages over the same services as the JSON API.

The page contract is docs/web-portal.md. Handlers parse a form, call one service method and render
a template; no rule of the guide is decided here."""
from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles

from .routes import router

STATIC_DIR = Path(__file__).resolve().parent / "static"


def static_files() -> StaticFiles:
    """The portal's CSS and the client-environment script, mounted at /static by the app."""
    return StaticFiles(directory=STATIC_DIR)


__all__ = ["STATIC_DIR", "router", "static_files"]
