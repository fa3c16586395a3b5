"""The JSON API (/gateway, API.md): 报文 in, envelope out — {"code": "0000", "msg": "成功", "data": …},
or an error code of errors.py with its Chinese message and "data": null. Every answer of an existing
endpoint is HTTP 200 (the code tells the outcome); an unknown path is 404 and a wrong method 405, still
with the envelope. Log in with POST /gateway/auth/login; then send the token in a `token` header."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request

from . import business, checks, clock, queries, slip, store
from .errors import E, Refused

bp = Blueprint("gateway", __name__, url_prefix="/gateway")


def ok(data=None) -> Response:
    return jsonify({"code": "0000", "msg": "成功", "data": data})


def fail(code: str, msg: str, status: int = 200) -> Response:
    r = jsonify({"code": code, "msg": msg, "data": None})
    r.status_code = status
    return r


@bp.errorhandler(Refused)
def refused(e: Refused) -> Response:
    return fail(e.code, e.msg)


def body() -> dict:
    if not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Refused(E.NOT_JSON)
    return data


def ctx() -> business.Context:
    return current_app.config["LC_CONTEXT"]


def me() -> business.Session:
    return business.session(g.conn, ctx(), request.headers.get("token"))


# --- public ------------------------------------------------------------------------------------------
@bp.get("/pub/xtsj")
def system_time():
    """系统时间: the server's clock and today's calendar facts (clients show it; no log-in needed)."""
    now = clock.now()
    try:
        working = clock.is_working_day(now.date())
    except Refused:
        working = None
    return ok({"xtsj": clock.stamp(now), "rq": now.date().isoformat(), "sfgzr": working,
               "rqsm": clock.day_note(now.date()) or None})


# --- log-in (指南二、2, 二、3) ------------------------------------------------------------------------
@bp.post("/auth/login")
def login():
    b = body()
    checks.only(b, {"zsxlh", "zskl"})
    serial = checks.text(checks.required(b, "zsxlh"), "zsxlh", 64)
    pin = checks.text(checks.required(b, "zskl"), "zskl", 64)
    return ok(business.login(g.conn, ctx(), serial, pin))


@bp.post("/auth/logout")
def logout():
    s = me()
    business.logout(g.conn, s.token)
    return ok()


@bp.post("/auth/xgkl")
def change_pin():
    s, b = me(), body()
    checks.only(b, {"ykl", "xkl"})
    business.change_pin(g.conn, ctx(), s, str(checks.required(b, "ykl")), str(checks.required(b, "xkl")))
    return ok()


# --- opening (指南一、2) --------------------------------------------------------------------------------
OPENING_STEPS = {"sqkt": ("申请开通", set()), "qsxy": ("签署服务协议", {"tyxy"}),
                 "hdxx": ("核对单位信息", {"jbrxm", "jbrsjhm", "jbrsfzh"}), "szmm": ("设置查询密码", {"cxmm", "qrmm"}),
                 "wc": ("完成开通", set())}


@bp.get("/kt/zt")
def opening_state():
    s = me()
    return ok(business.opening_view(store.unit(g.conn, s.dwzh)["ktzt"]))


@bp.post("/kt/<step>")
def opening_step(step: str):
    if step not in OPENING_STEPS:
        return fail(E.NO_ROUTE, "请求的接口不存在", 404)
    s, b = me(), body()
    name, fields = OPENING_STEPS[step]
    checks.only(b, fields)
    return ok(business.opening_step(g.conn, ctx(), s, name, b))


# --- unit ------------------------------------------------------------------------------------------------
@bp.get("/dw/xx")
def unit_info():
    s = me()
    return ok(queries.unit_view(g.conn, s.dwzh))


@bp.post("/dw/jbrbg")
def operator_change():
    s = me()
    return ok(business.change_operator(g.conn, ctx(), s, body()))


@bp.get("/dw/jcxx")
def deposit_info():
    s = me()
    business.require_opened(g.conn, s.dwzh)
    return ok(queries.deposit_info(g.conn, ctx().policy, s.dwzh))


@bp.get("/dw/hjjl")
def remittances():
    s = me()
    business.require_opened(g.conn, s.dwzh)
    return ok(queries.remittance_view(g.conn, s.dwzh))


# --- businesses (指南 0.1) ----------------------------------------------------------------------------------
@bp.post("/yw/<kind>")
def submit(kind: str):
    if kind not in business.KINDS:
        return fail(E.NO_ROUTE, "请求的接口不存在", 404)
    s = me()
    return ok(business.submit(g.conn, ctx(), s, kind, body()))


@bp.get("/yw/hz/<ywlsh>")
def receipt(ywlsh: str):
    s = me()
    business.require_opened(g.conn, s.dwzh)
    return ok(queries.receipt(g.conn, s.dwzh, ywlsh))


@bp.get("/yw/lb")
def receipts():
    s = me()
    business.require_opened(g.conn, s.dwzh)
    page, size = _paging()
    return ok(queries.receipts(g.conn, s.dwzh, page, size))


# --- queries --------------------------------------------------------------------------------------------------
@bp.get("/zg/qc")
def roster():
    s = me()
    business.require_opened(g.conn, s.dwzh)
    page, size = _paging()
    state = request.args.get("zhzt") or None
    if state not in (None, "01", "02"):
        raise Refused(E.BAD_VALUE, field="zhzt", value=state)
    return ok(queries.roster(g.conn, ctx().policy, s.dwzh, page, size, state))


@bp.get("/zg/zh/<grzh>")
def account(grzh: str):
    s = me()
    business.require_opened(g.conn, s.dwzh)
    return ok(queries.account_view(g.conn, ctx().policy, s.dwzh, grzh))


@bp.get("/dy/hjs/<ny>")
def slip_figures(ny: str):
    s = me()
    business.require_opened(g.conn, s.dwzh)
    if ny.endswith(".pdf"):
        month = checks.month(ny[:-4])
        pdf = slip.pdf(slip.figures(g.conn, ctx().policy, s.dwzh, month))
        return Response(pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="hjs-{month}.pdf"'})
    return ok(slip.figures(g.conn, ctx().policy, s.dwzh, checks.month(ny)))


def _paging() -> tuple[int, int]:
    policy = ctx().policy
    return checks.paging(request.args.get("pageNum"), request.args.get("pageSize"), policy.page_size,
                         policy.page_size_max)
