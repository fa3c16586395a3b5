"""The pages (/wt, 网上服务厅): server-rendered Jinja2 templates in templates/, forms that post the same
fields as the API (business.py does the work), errors shown on the page in an alert, and the two PC
programs of 指南二、1 reached from the page's JavaScript (static/lc-client.js, CLIENT.md).

The session is Flask's signed cookie LCSESSION holding the session token; every form carries the
hidden field _csrf bound to it."""
from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import (Blueprint, Response, current_app, g, jsonify, redirect, render_template, request, session,
                   url_for)

from . import business, checks, clock, queries, rules, slip, store
from .errors import E, Refused
from .faults import REWORDED_PROMPT

bp = Blueprint("wt", __name__, url_prefix="/wt")

CONTACTS = [  # 指南四、运维服务, verbatim
    ("服务商", "江苏同和信息技术有限公司"),
    ("联系地址", "常州市新北区太湖东路9-2号常州创意大厦12楼"),
    ("服务热线", "0519-86605082（30线）"),
    ("企业QQ", "800077620"),
    ("同和服务网", "www.tohot.cn"),
]
LOGIN_FAULT = "登录异常，请检查1、如未下载证书助手，请下载并安装。2、如已下载，请检测并修复。3、如仍未解决请联系江苏CA客服025-96010"
PRINT_FAULT = "初始化CELL失败，[object Error]"
MENU = [("zhsl", "职工账户设立"), ("zhfc", "职工账户封存"), ("zhqf", "职工账户启封"), ("zyzr", "职工转移（转入）"),
        ("grbj", "个别补缴"), ("jstz", "缴存基数调整"), ("jchc", "单位缴存信息核查")]
OPENING_STEP_PATHS = {"sqkt": "申请开通", "qsxy": "签署服务协议", "hdxx": "核对单位信息", "szmm": "设置查询密码",
                      "wc": "完成开通"}


def ctx() -> business.Context:
    return current_app.config["LC_CONTEXT"]


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_hex(16)
    return session["csrf"]


def _csrf_ok() -> bool:
    return hmac.compare_digest(request.form.get("_csrf", ""), session.get("csrf", ""))


@bp.app_context_processor
def globals_for_templates():
    return {"csrf_token": csrf_token, "contacts": CONTACTS, "menu": MENU, "month_cn": clock.month_cn,
            "unit_name": session.get("dwmc"), "login_fault": LOGIN_FAULT, "print_fault": PRINT_FAULT}


def page(template: str, status: int = 200, **values) -> Response:
    r = Response(render_template(template, **values), status=status, mimetype="text/html")
    r.headers["Cache-Control"] = "no-store"
    return r


def logged_in(opened: bool = True):
    """Pages behind the log-in; with opened=True also behind the finished opening (指南一)."""
    def wrap(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            try:
                g.me = business.session(g.conn, ctx(), session.get("token"))
            except Refused as e:
                session.pop("token", None)
                return page("login.html", 401, error=e.msg, platform=False, serial="")
            if request.method == "POST" and not _csrf_ok():
                return page("message.html", 403, title="页面已过期", error="页面已过期或来源不正确，请刷新页面后重新操作。")
            if opened:
                stage = store.unit(g.conn, g.me.dwzh)["ktzt"]
                if stage != rules.OPENED:
                    return page("message.html", 403, title="尚未开通网上业务",
                                error=Refused(E.NOT_OPENED, stage=rules.STAGE_LABEL[stage]).msg, opening_link=True)
            return view(*args, **kwargs)
        return guarded
    return wrap


# --- entry, log-in (指南二、2, 二、5, 二、6) ---------------------------------------------------------------------
@bp.get("/")
def home():
    return redirect(url_for("wt.login"))


@bp.get("/login")
def login():
    return page("login.html", platform=False, serial="")


@bp.get("/zq/login")
def platform_login():
    """The entry the 同和综合服务平台's 公积金专区 opens (指南二、5、二、6): it passes the certificate serial it
    read itself, so the page needs no certificate assistant."""
    return page("login.html", platform=True, serial=request.args.get("zsxlh", "")[:64])


@bp.post("/login")
def login_post():
    platform = request.form.get("rk") == "zq"
    serial = request.form.get("zsxlh", "").strip()
    try:
        if not _csrf_ok():
            raise Refused(E.NOT_LOGGED_IN)
        if not serial:
            raise Refused(E.MISSING, field="证书序列号")
        info = business.login(g.conn, ctx(), serial[:64], request.form.get("zskl", "")[:64])
    except Refused as e:
        return page("login.html", 200, error=e.msg, platform=platform, serial=serial[:64])
    session.clear()
    session.update(token=info["token"], dwmc=info["dwmc"])
    if info["ktzt"] == "00":
        return redirect(url_for("wt.prompt"))
    if info["ktzt"] != rules.OPENED:
        return redirect(url_for("wt.opening"))
    return redirect(url_for("wt.index"))


@bp.post("/logout")
def logout():
    if session.get("token") and _csrf_ok():
        business.logout(g.conn, session["token"])
    session.clear()
    return redirect(url_for("wt.login"))


# --- opening (指南一、2, 二、3) -------------------------------------------------------------------------------------
@bp.get("/kt/ts")
@logged_in(opened=False)
def prompt():
    stage = store.unit(g.conn, g.me.dwzh)["ktzt"]
    if stage != "00":
        return redirect(url_for("wt.opening"))
    text = REWORDED_PROMPT if "prompt_reworded" in ctx().faults else rules.FIRST_LOGIN_PROMPT
    return page("prompt.html", prompt=text)


@bp.post("/kt/ts")
@logged_in(opened=False)
def prompt_answer():
    if request.form.get("da") != "是":
        return page("not_opened.html")
    try:
        business.opening_step(g.conn, ctx(), g.me, "申请开通", {})
    except Refused as e:
        return _opening_page(error=e.msg)
    return redirect(url_for("wt.opening"))


@bp.get("/kt")
@logged_in(opened=False)
def opening():
    return _opening_page()


@bp.post("/kt/<step>")
@logged_in(opened=False)
def opening_post(step: str):
    if step not in OPENING_STEP_PATHS:
        return page("message.html", 404, title="页面不存在", error="您访问的页面不存在。")
    form = request.form
    fields = {"tyxy": form.get("tyxy", "0"), "cxmm": form.get("cxmm", ""), "qrmm": form.get("qrmm", ""),
              **{k: form.get(k, "").strip() for k in ("jbrxm", "jbrsjhm", "jbrsfzh")}}
    try:
        view = business.opening_step(g.conn, ctx(), g.me, OPENING_STEP_PATHS[step], fields)
    except Refused as e:
        return _opening_page(error=e.msg, form=form)
    if view["sfkt"]:
        return page("message.html", title="开通成功", notice="贵单位已完成住房公积金网上业务开通，可以办理网上业务了。",
                    home_link=True)
    return redirect(url_for("wt.opening"))


def _opening_page(error: str | None = None, form=None) -> Response:
    unit = queries.unit_view(g.conn, g.me.dwzh)
    if unit["ktzt"] == rules.OPENED:
        return redirect(url_for("wt.index"))
    steps = [(code, label, step) for code, label, step in rules.OPENING if step]
    return page("opening.html", unit=unit, steps=steps, error=error, form=form or {})


# --- home, businesses, receipts --------------------------------------------------------------------------------------
@bp.get("/index")
@logged_in()
def index():
    return page("index.html", unit=queries.unit_view(g.conn, g.me.dwzh))


@bp.get("/yw/<kind>")
@logged_in()
def business_form(kind: str):
    if kind not in business.KINDS:
        return page("message.html", 404, title="页面不存在", error="您访问的页面不存在。")
    return _business_page(kind, {})


@bp.post("/yw/<kind>")
@logged_in()
def business_post(kind: str):
    if kind not in business.KINDS:
        return page("message.html", 404, title="页面不存在", error="您访问的页面不存在。")
    form = {k: v.strip() for k, v in request.form.items() if k != "_csrf" and v.strip()}
    if kind == "zhsl" and "jcbl" in form:   # one rate on the form: unit and personal alike
        form["dwjcbl"] = form["grjcbl"] = form.pop("jcbl")
    if kind == "zhqf":                      # the two checkboxes of 指南三、7
        for box in ("xmyw", "sfzhyw"):
            form[box] = "1" if box in form else "0"
    try:
        receipt = business.submit(g.conn, ctx(), g.me, kind, form)
    except Refused as e:
        return _business_page(kind, request.form, error=e.msg)
    return redirect(url_for("wt.receipt", ywlsh=receipt["ywlsh"]))


def _business_page(kind: str, form, error: str | None = None) -> Response:
    extra = {"info": queries.deposit_info(g.conn, ctx().policy, g.me.dwzh)} if kind == "jchc" else {}
    return page(f"yw_{kind}.html", title=business.KINDS[kind], kind=kind, form=form, error=error,
                causes=rules.CAUSES, **extra)


@bp.get("/yw/hz/<ywlsh>")
@logged_in()
def receipt(ywlsh: str):
    try:
        r = queries.receipt(g.conn, g.me.dwzh, ywlsh[:40])
    except Refused as e:
        return page("message.html", 404, title="业务办理回执", error=e.msg)
    return page("receipt.html", r=r)


@bp.get("/yw/lb")
@logged_in()
def receipts():
    try:
        page_no, _ = checks.paging(request.args.get("pageNum"), None, 20, 20)
    except Refused:
        page_no = 1
    return page("receipts.html", data=queries.receipts(g.conn, g.me.dwzh, page_no, 20))


# --- queries ------------------------------------------------------------------------------------------------------------
@bp.get("/zgqc")
@logged_in()
def roster():
    state = request.args.get("zhzt") if request.args.get("zhzt") in ("01", "02") else None
    try:
        page_no, size = checks.paging(request.args.get("pageNum"), None, ctx().policy.page_size,
                                      ctx().policy.page_size)
    except Refused:
        page_no, size = 1, ctx().policy.page_size
    data = queries.roster(g.conn, ctx().policy, g.me.dwzh, page_no, size, state)
    pages = max(1, -(-data["total"] // size))
    return page("roster.html", data=data, state=state, pages=pages, size=size)


@bp.get("/zgcx")
@logged_in()
def account_search():
    grzh = request.args.get("grzh", "").strip()
    if grzh:
        return redirect(url_for("wt.account", grzh=grzh[:20]))
    return page("account_search.html")


@bp.get("/zg/<grzh>")
@logged_in()
def account(grzh: str):
    try:
        a = queries.account_view(g.conn, ctx().policy, g.me.dwzh, grzh[:20])
    except Refused as e:
        return page("account_search.html", 404, error=e.msg)
    return page("account.html", a=a)


@bp.get("/dw")
@logged_in()
def unit():
    return page("unit.html", unit=queries.unit_view(g.conn, g.me.dwzh))


@bp.post("/dw/jbr")
@logged_in()
def operator_change():
    fields = {k: request.form.get(k, "").strip() for k in ("jbrxm", "jbrsjhm", "jbrsfzh")}
    try:
        done = business.change_operator(g.conn, ctx(), g.me, fields)
    except Refused as e:
        return page("unit.html", unit=queries.unit_view(g.conn, g.me.dwzh), error=e.msg, form=fields)
    notice = f"经办人信息修改已受理，系统将隔天更新，请于{done['hssj'][:16]}后核实。"
    return page("unit.html", unit=queries.unit_view(g.conn, g.me.dwzh), notice=notice)


# --- printing (指南三、2（3）, 二、9) ------------------------------------------------------------------------------------
@bp.get("/dy")
@logged_in()
def print_page():
    return page("print.html", months=queries.remittance_view(g.conn, g.me.dwzh))


@bp.get("/dy/jc")
@logged_in()
def print_check():
    """The print page asks first whether the month can be printed (its script shows the answer)."""
    try:
        month = checks.month(request.args.get("ny", ""))
        slip.figures(g.conn, ctx().policy, g.me.dwzh, month)
    except Refused as e:
        return jsonify({"kdy": False, "msg": e.msg})
    return jsonify({"kdy": True, "ny": month, "mc": f"{clock.month_cn(month)}住房公积金汇（补）缴书",
                    "url": url_for("wt.print_pdf", ny=month)})


@bp.get("/dy/hjs/<ny>.pdf")
@logged_in()
def print_pdf(ny: str):
    try:
        pdf = slip.pdf(slip.figures(g.conn, ctx().policy, g.me.dwzh, checks.month(ny)))
    except Refused as e:
        return page("message.html", 409, title="查询打印", error=e.msg)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="hjs-{ny}.pdf"'})


# --- certificate PIN ----------------------------------------------------------------------------------------------------
@bp.get("/xgkl")
@logged_in(opened=False)
def pin_page():
    return page("pin.html")


@bp.post("/xgkl")
@logged_in(opened=False)
def pin_post():
    new, again = request.form.get("xkl", ""), request.form.get("qrkl", "")
    if new != again:
        return page("pin.html", error="两次输入的新口令不一致")
    try:
        business.change_pin(g.conn, ctx(), g.me, request.form.get("ykl", ""), new)
    except Refused as e:
        return page("pin.html", error=e.msg)
    return page("pin.html", notice="证书口令已修改，下次登录请使用新口令。")


# --- help (no log-in) ------------------------------------------------------------------------------------------------------
@bp.get("/help")
def help_page():
    return page("help.html")


@bp.get("/ejkt")
def training():
    return page("training.html")

