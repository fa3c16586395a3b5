"""The composition root: create_app() wires the policy file, the known-fault switches, the database
and the three blueprints (gateway API, /wt pages, /admin back office) into one Flask application."""
from __future__ import annotations

import logging
import os
import secrets

from flask import Flask, Response, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from . import admin, api, business, config, faults as faults_mod, store, web
from .errors import TEMPLATES, E, Refused

log = logging.getLogger("longcheng")


def create_app(db: str, admin_token: str | None = None, config_file: str | None = None,
               faults: str | None = None, secret: str | None = None) -> Flask:
    """db: the sqlite file (created if missing). admin_token: mounts /admin behind X-Admin-Token.
    faults: 'a,b' known faults (faults.py), default $LONGCHENG_FAULTS."""
    policy = config.load(config_file)
    app = Flask(__name__, static_folder="static", static_url_path="/wt/static")
    app.config.update(
        LC_DB=db, LC_ADMIN_TOKEN=admin_token, LC_CONFIG_FILE=str(config_file or os.environ.get("LONGCHENG_CONFIG")
                                                               or config.DEFAULT_FILE),
        LC_CONTEXT=business.Context(policy, faults_mod.parse(faults)),
        SECRET_KEY=secret or secrets.token_hex(32), SESSION_COOKIE_NAME="LCSESSION", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=1 << 20,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    store.init(db)

    @app.before_request
    def open_db():
        g.conn = store.connect(db)

    @app.teardown_request
    def close_db(_exc):
        conn = g.pop("conn", None)
        if conn is not None:
            conn.close()

    app.register_blueprint(api.bp)
    app.register_blueprint(web.bp)
    if admin_token:
        app.register_blueprint(admin.bp)

    @app.get("/")
    def root():
        return redirect("/wt/login")

    @app.errorhandler(Refused)
    def refused(e: Refused):
        """A refusal no page caught itself: shown, never a crash (the API's and the back office's own
        handlers answer theirs with the envelope)."""
        if request.path.startswith(("/gateway", "/admin")):
            return api.fail(e.code, e.msg)
        return Response(render_template("message.html", title="操作未能完成", error=e.msg), status=409,
                        mimetype="text/html")

    @app.errorhandler(404)
    def not_found(_e):
        return _error(404, E.NO_ROUTE, "页面不存在", "您访问的页面不存在，请从首页重新进入。")

    @app.errorhandler(405)
    def bad_method(_e):
        return _error(405, E.BAD_METHOD, "请求方式不正确", "不支持该请求方式，请从页面上的按钮操作。")

    @app.errorhandler(413)
    def too_large(_e):
        return _error(413, E.TOO_LARGE, "请求过大", TEMPLATES[E.TOO_LARGE])

    @app.errorhandler(Exception)
    def internal(e):
        if isinstance(e, HTTPException) and e.code and e.code < 500:
            return _error(e.code, E.BAD_REQUEST, "请求不正确", TEMPLATES[E.BAD_REQUEST])
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error(500, E.INTERNAL, "系统繁忙", "系统繁忙，请稍后再试。如持续出现，请联系运维服务。")

    return app


def _error(status: int, code: str, title: str, text: str) -> Response:
    """JSON envelope for the API and the back office, a page for people."""
    if request.path.startswith(("/gateway", "/admin")):
        return api.fail(code, TEMPLATES[code], status)
    return Response(render_template("message.html", title=title, error=text), status=status, mimetype="text/html")
