"""Composition root: the only place that builds clock, store, policy and services together, and the
one place below the command line that brings in the project's test data (the generator test control
seeds worlds with)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from . import __version__
from .api import errors
from .api.routes import router as api_router
from .clock import SHANGHAI, Clock, ManualClock, SystemClock
from .policy import load_calendar, load_policy
from .service.centre import Centre
from .services import Services
from .store.db import Database

if TYPE_CHECKING:
    from .control.world import GeneratorFactory

# A test-controlled centre starts on an ordinary working morning unless told otherwise.
DEFAULT_VIRTUAL_START = datetime(2025, 3, 5, 10, 0, 0, tzinfo=SHANGHAI)


def create_app(db: str | Path = ":memory:", *, test_control: bool = False, clock: Clock | None = None,
               control_token: str | None = None, policy_dir: Path | None = None,
               calendar_dir: Path | None = None, data_generator: GeneratorFactory | None = None) -> FastAPI:
    """data_generator: where test control's seeded worlds get the data a test leaves out (a seed ->
    a DataGenerator, simulator/control/world.py); default gjj.fixtures.generators.Generator."""
    if clock is None:
        clock = ManualClock(DEFAULT_VIRTUAL_START) if test_control else SystemClock()
    centre = Centre(Database(db), clock, load_policy(policy_dir), load_calendar(calendar_dir))
    app = FastAPI(
        title="住房公积金网上服务厅（模拟中心）API",
        version=__version__,
        description=("常州市住房公积金管理中心单位网上业务的参考实现（模拟）。错误以 application/problem+json "
                     "返回，包含稳定的 code、中文 detail 和所依据的指南条款 clause。"),
        openapi_url="/openapi.json", docs_url="/docs", redoc_url=None,
    )
    app.state.services = Services.build(centre)
    app.state.control_token = control_token
    errors.install(app)
    app.include_router(api_router)
    from .web import router as web_router, static_files  # the portal (docs/web-portal.md)
    app.include_router(web_router)
    app.mount("/static", static_files(), name="static")
    if test_control:
        if data_generator is None:
            from gjj.fixtures.generators import Generator
            data_generator = Generator
        app.state.data_generator = data_generator
        from .control.routes import router as control_router
        # behind a token the interface stays out of the public document: absent means absent
        app.include_router(control_router, include_in_schema=control_token is None)
        from .control.routes import GuardMiddleware
        app.add_middleware(GuardMiddleware)

    @app.get("/", include_in_schema=False)
    def root():
        return RedirectResponse("/docs")

    @app.get("/healthz", tags=["运维"], summary="健康检查")
    def healthz():
        return {"status": "ok", "version": __version__, "policy_version": centre.policy_book.version}

    return app
