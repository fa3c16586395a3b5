"""网上服务厅: login, first-login prompt, opening, home, unit, PIN, help, roster, employee, printing.
Each handler calls the same service method as the JSON API (simulator/api/routes.py)."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.responses import Response

from ..domain import messages as M
from ..domain import validators as V
from ..domain.messages import PRINT_FAULT, DomainError
from ..domain.model import OPENING_ORDER, OpeningStage
from ..slip_pdf import render_slip
from . import security as S
from .context import (
    NOTICES,
    FormDep,
    Hall,
    HallDep,
    MaybeHallDep,
    login_page,
    redirect,
    safe_next,
    services,
)
from .entry import warning_page
from .render import NAV, Alert, WebRoute, csrf_refused, not_found, page

router = APIRouter(route_class=WebRoute)

ROSTER_PAGE_SIZE = 20
TRUE_VALUES = {"yes", "on", "true", "1"}

# 四、运维服务 (4.1–4.4), verbatim
HELP_CONTACTS = [("服务商", "江苏同和信息技术有限公司"),
                 ("联系地址", "常州市新北区太湖东路9-2号常州创意大厦12楼"),
                 ("服务热线", "0519-86605082（30线）"),
                 ("企业QQ", "800077620"),
                 ("同和服务网", "www.tohot.cn")]

EVENT_KINDS = {"seeded": "建账", "establish": "职工账户设立", "seal": "封存", "unseal": "启封",
               "transfer_in": "职工转入", "back_pay": "个别补缴", "base_adjustment": "缴存基数调整"}

# what the operator does to reach each stage (1.2; “确定开通” is the guide's word for the first step)
OPENING_STEPS = [(OpeningStage.ENABLED, "确定开通"), (OpeningStage.AGREEMENT_SIGNED, "查阅并签署服务协议"),
                 (OpeningStage.INFO_CONFIRMED, "核对单位信息"), (OpeningStage.PASSWORD_SET, "设置查询密码"),
                 (OpeningStage.OPENED, "完成开通")]


def too_long() -> Alert:
    return Alert(M.VALIDATION_FAILED.code, M.VALIDATION_FAILED.text.format(detail=f"每项内容不能超过{S.MAX_FIELD}个字符"))


def zh_time(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        d = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M:%S}"


def _int(text: str | None, default: int, lo: int, hi: int) -> int:
    try:
        value = int(text) if text is not None else default
    except ValueError:
        return default
    return min(max(value, lo), hi)


# --- login and logout (2.2, 2.3, 2.5–2.8) ------------------------------------------------------
@router.get("/hall/login")
def login_form(request: Request):
    q = request.query_params
    via = q.get("via", "")
    if via != "platform":  # entering through the platform never shows the old browser's warning (2.5)
        target = "/hall/login" + ("?" + request.url.query if request.url.query else "")
        warning = warning_page(request, target)
        if warning is not None:
            return warning
    alerts = [NOTICES[q["notice"]]] if q.get("notice") in NOTICES else []
    return login_page(request, alerts=alerts, via=via, next_=q.get("next"))


@router.post("/hall/login")
def login_submit(request: Request, form: FormDep):
    pre = request.cookies.get(S.PRESESSION_COOKIE)
    if not S.valid_presession(pre) or not S.csrf_ok(request, S.presession_binding(pre), form.get(S.CSRF_FIELD)):
        return csrf_refused(request)
    serial, via, nxt = form.get("serial").strip(), form.get("via"), form.get("next")
    if form.too_long():
        return login_page(request, alerts=[too_long()], status=422, via=via, next_=nxt)
    svc = services(request)
    try:
        result = svc.access.login(serial, form.get("pin"))
    except DomainError as e:
        return login_page(request, alerts=[Alert.of(e)], status=e.msg.status, serial=serial, via=via, next_=nxt)
    old = request.cookies.get(S.SESSION_COOKIE)
    if old and old != result.token:
        try:
            svc.access.logout(old)
        except DomainError:
            pass
    if result.prompt:                                    # 2.3: the certificate is not enabled yet
        dest = "/hall/prompt"
    elif result.opening_stage is not OpeningStage.OPENED:  # enabled, opening not finished (1.2)
        dest = "/hall/opening"
    else:
        dest = safe_next(nxt) or "/hall/"
    response = redirect(dest)
    S.set_session_cookie(request, response, result.token)
    S.clear_presession_cookie(request, response)
    return response


@router.post("/hall/logout")
def logout(h: HallDep, form: FormDep):
    h.require_csrf(form)
    h.svc.access.logout(h.token)
    response = redirect("/hall/login")
    S.clear_session_cookie(h.request, response)
    return response


# --- first-login prompt and opening (1.0, 1.1.2, 1.2, 2.3) ----------------------------------------
@router.get("/hall/prompt")
def prompt(h: HallDep):
    status = h.svc.access.opening_status(h.session)
    if status["prompt"] is None:
        return redirect("/hall/" if status["opened"] else "/hall/opening")
    return h.page("prompt.html", "开通提示", nav=False, prompt=status["prompt"])


@router.get("/hall/not-opened")
def not_opened(h: HallDep):
    return h.page("not_opened.html", "尚未开通", nav=False)


def opening_page(h: Hall, *, alerts: list[Alert] | None = None, status: int = 200, operator: dict | None = None):
    st = h.svc.access.opening_status(h.session)
    stage = OpeningStage(st["stage"])
    unit = h.svc.queries.unit_info(h.session.unit_account_no) if stage is OpeningStage.AGREEMENT_SIGNED else None
    current = OPENING_ORDER.index(stage)  # the step to do now reaches OPENING_ORDER[current + 1]
    steps = [{"label": label, "done": i < current, "current": i == current} for i, (_, label) in
             enumerate(OPENING_STEPS)]
    return h.page("opening.html", "开通网上业务", nav=stage is OpeningStage.OPENED, status=status, alerts=alerts,
                  stage=stage.value, stage_label=stage.label, steps=steps, unit=unit,
                  operator=operator or (unit["operator"] if unit else {}))


@router.get("/hall/opening")
def opening(h: HallDep):
    return opening_page(h)


@router.post("/hall/opening/{step}")
def opening_step(step: str, h: HallDep, form: FormDep):
    h.require_csrf(form)
    if step not in {"enable", "agreement", "unit-info", "query-password", "complete"}:
        return not_found(h.request)
    if form.too_long():
        return opening_page(h, alerts=[too_long()], status=422)
    access, operator = h.svc.access, None
    try:
        if step == "enable":
            access.enable(h.session)
        elif step == "agreement":
            access.sign_agreement(h.session, form.get("accepted").lower() in TRUE_VALUES)
        elif step == "unit-info":
            operator = {k: form.get(k) for k in ("name", "mobile", "id_number")}
            published = h.svc.queries.unit_info(h.session.unit_account_no)["operator"]
            unchanged = all(not v.strip() for v in operator.values()) or \
                all(operator[k].strip() == (published.get(k) or "") for k in operator)
            access.confirm_unit_info(h.session, None if unchanged else operator)
        elif step == "query-password":
            if form.get("password") != form.get("password2"):
                raise DomainError(M.VALIDATION_FAILED, detail="两次输入的查询密码不一致")
            access.set_query_password(h.session, form.get("password"))
        else:
            access.complete(h.session)
    except DomainError as e:
        return opening_page(h, alerts=[Alert.of(e)], status=e.msg.status, operator=operator)
    return redirect("/hall/opening")


# --- the hall ----------------------------------------------------------------------------------
@router.get("/hall")
def hall_root():
    return redirect("/hall/")


@router.get("/hall/")
def home(h: HallDep):
    unit = h.svc.queries.unit_info(h.session.unit_account_no)
    return h.page("home.html", "网上服务厅", unit=unit, opened=unit["opening_stage"] == OpeningStage.OPENED.value)


def unit_page(h: Hall, *, alerts=None, status=200, notices=None, operator: dict | None = None):
    unit = h.svc.queries.unit_info(h.session.unit_account_no)
    return h.page("unit.html", "单位信息", unit=unit, alerts=alerts, status=status, notices=notices,
                  operator=operator or unit["operator"])


@router.get("/hall/unit")
def unit(h: HallDep):
    notices = []
    saved = h.request.query_params.get("saved")
    if saved is not None:
        when = zh_time(saved)
        notices.append("经办人信息已提交。经办人信息修改后系统会隔天进行更新，请于第2个工作日进行核实"
                       + (f"（{when}起可以核实）。" if when and when != saved else "。"))
    return unit_page(h, notices=notices)


@router.post("/hall/unit")
def unit_change_operator(h: HallDep, form: FormDep):
    h.require_csrf(form)
    operator = {k: form.get(k) for k in ("name", "mobile", "id_number")}
    if form.too_long():
        return unit_page(h, alerts=[too_long()], status=422, operator=operator)
    try:
        change = h.svc.access.change_operator(h.session, operator)
    except DomainError as e:
        return unit_page(h, alerts=[Alert.of(e)], status=e.msg.status, operator=operator)
    return redirect("/hall/unit?saved=" + quote(change["verify_from"], safe=""))


@router.get("/hall/pin")
def pin(h: HallDep):
    done = h.request.query_params.get("done") == "1"
    return h.page("pin.html", "修改证书口令", notices=["证书口令已修改，请妥善保管。"] if done else None)


@router.post("/hall/pin")
def pin_change(h: HallDep, form: FormDep):
    h.require_csrf(form)
    if form.too_long():
        return h.page("pin.html", "修改证书口令", alerts=[too_long()], status=422)
    try:
        h.svc.access.change_pin(h.session, form.get("old_pin"), form.get("new_pin"))
    except DomainError as e:
        return h.page("pin.html", "修改证书口令", alerts=[Alert.of(e)], status=e.msg.status)
    return redirect("/hall/pin?done=1")


@router.get("/hall/help")
def help_page(request: Request, h: MaybeHallDep):
    """Readable before logging in too: the contacts are what a person with a login fault needs (2.6, 4.x)."""
    if h is None:
        return page(request, "help.html", "帮助", contacts=HELP_CONTACTS)
    nav = [item for item in NAV if item[0] != "E家课堂"]  # the page's own link carries that name
    return h.page("help.html", "帮助", nav=nav, contacts=HELP_CONTACTS)


# --- queries (3.6) -----------------------------------------------------------------------------
@router.get("/hall/roster")
def roster(h: HallDep):
    page_no = _int(h.request.query_params.get("page"), 1, 1, 100000)
    try:
        data = h.svc.queries.roster(h.session.unit_account_no, page_no, ROSTER_PAGE_SIZE)
    except DomainError as e:
        return h.page("roster.html", "职工清册查询", alerts=[Alert.of(e)], status=e.msg.status, data=None)
    pages = max(1, -(-data["total"] // ROSTER_PAGE_SIZE))
    return h.page("roster.html", "职工清册查询", data=data, pages=pages,
                  prev=page_no - 1 if page_no > 1 else None,
                  next=page_no + 1 if page_no * ROSTER_PAGE_SIZE < data["total"] else None)


@router.get("/hall/employees/{personal_no}")
def employee(personal_no: str, h: HallDep):
    try:
        e = h.svc.queries.employee(h.session.unit_account_no, personal_no)
    except DomainError as err:
        return h.page("employee.html", "职工账户信息", alerts=[Alert.of(err)], status=err.msg.status, e=None)
    return h.page("employee.html", "职工账户信息", e=e, zh_time=zh_time, kinds=EVENT_KINDS)


# --- 查询打印 (2.9, 3.2.2, 3.2.3) ----------------------------------------------------------------
def print_page(h: Hall, *, month: str = "", alerts: list[Alert] | None = None, status: int = 200) -> Response:
    alerts = list(alerts or [])
    remitted = None
    try:
        remitted = h.svc.queries.remittances(h.session.unit_account_no)
    except DomainError as e:
        if not alerts:
            alerts.append(Alert.of(e))
            status = e.msg.status
    unit = h.svc.queries.unit_info(h.session.unit_account_no)
    return h.page("print.html", "查询打印", alerts=alerts, status=status, month=month, remitted=remitted,
                  unit=unit, print_fault=PRINT_FAULT, zh_time=zh_time)


@router.get("/hall/print")
def print_form(h: HallDep):
    month = h.request.query_params.get("month")
    if month is None:
        return print_page(h)
    # the form without JavaScript: straight to the slip (the print-component check is the page's script)
    try:
        m = V.month(month[:S.MAX_FIELD])
    except DomainError as e:
        return print_page(h, month=month[:S.MAX_FIELD], alerts=[Alert.of(e)], status=e.msg.status)
    return redirect(f"/hall/print/{m}.pdf")


@router.get("/hall/print/{name}")
def print_pdf(name: str, h: HallDep):
    """汇(补)缴书 of a remitted month, as GET /api/v1/slips/{month}; a refusal is the page with its alert."""
    if not name.endswith(".pdf"):
        return not_found(h.request)
    month = name[:-4][:S.MAX_FIELD]
    try:
        slip = h.svc.queries.slip(h.session.unit_account_no, V.month(month))
    except DomainError as e:
        return print_page(h, month=month, alerts=[Alert.of(e)], status=e.msg.status)
    return Response(render_slip(slip), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="slip-{slip.month}.pdf"',
                             "Cache-Control": "no-store"})
