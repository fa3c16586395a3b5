"""The businesses of clause 0.1 as forms, and the 业务回执 (3.2).

业务提交 on a page is the API's two calls in one: `Businesses.create_draft` then `Businesses.submit`.
A refused submit discards its draft (a page has no list of drafts), re-renders the form with what the
operator typed, and shows the refusal; a submitted business answers with a redirect to its receipt, so
reloading the receipt never submits twice."""
from __future__ import annotations

import contextlib
import re
import secrets
from dataclasses import dataclass, field

from fastapi import APIRouter
from starlette.responses import Response

from ..domain import messages as M
from ..domain.messages import DomainError
from ..domain.model import BackPayCause, BusinessType
from . import security as S
from .context import FormDep, Hall, HallDep, redirect
from .hall import too_long, zh_time
from .render import Alert, WebRoute, not_found

router = APIRouter(route_class=WebRoute)


@dataclass(frozen=True)
class Field:
    name: str       # the API's field
    label: str      # the accessible name (docs/web-portal.md)
    hint: str = ""
    optional: bool = False
    inputmode: str = "text"


@dataclass(frozen=True)
class BusinessForm:
    type: BusinessType
    title: str
    fields: tuple[Field, ...]
    intro: str
    extras: dict = field(default_factory=dict)


MONTH_HINT = "格式：YYYY-MM，例如2025-03"
PERSONAL_NO = Field("personal_no", "个人账号", inputmode="numeric")
BASE = Field("base", "缴存基数（元）", "单位：元，最多两位小数", inputmode="decimal")
NAME = Field("name", "姓名")
ID_NUMBER = Field("id_number", "身份证号码", "18位居民身份证号码")

FORMS: dict[str, BusinessForm] = {
    "establish": BusinessForm(
        BusinessType.ESTABLISH, "职工账户设立",
        (NAME, ID_NUMBER, BASE,
         Field("employed_from", "入职年月", MONTH_HINT + "；不填则为起缴月份", optional=True, inputmode="numeric")),
        "从未缴纳过公积金的新职工办理账户设立；已缴纳过公积金的职工请办理职工转移后启封（3.9）。"
        "提交后需按规定申领职工住房公积金储存卡（3.2.1）。"),
    "seal": BusinessForm(
        BusinessType.SEAL, "封存",
        (PERSONAL_NO, Field("last_month", "最后缴存月份", MONTH_HINT, inputmode="numeric")),
        "封存请在该职工最后一个月的公积金到账之后、单位汇缴下个月的公积金之前办理（3.3.1）。"),
    "unseal": BusinessForm(
        BusinessType.UNSEAL, "启封",
        (PERSONAL_NO, Field("start_month", "起缴月份", MONTH_HINT, inputmode="numeric"), BASE),
        "启封请在单位上个月的公积金汇缴结束之后，该职工起缴月份的公积金汇缴之前办理（3.3.2）。"
        "如发现职工姓名或身份证号码错误，可以先启封，再提醒职工到公积金中心修改信息（3.7）。",
        {"reported_errors": [("name", "姓名有误"), ("id_number", "身份证号码有误")]}),
    "transfer": BusinessForm(
        BusinessType.TRANSFER, "职工转移",
        (NAME, ID_NUMBER),
        "已缴纳过公积金的职工：职工转移——业务提交——职工启封（设置基数）——业务提交（3.9）。"),
    "back-pay": BusinessForm(
        BusinessType.BACK_PAY, "个别补缴",
        (PERSONAL_NO, Field("months", "补缴月份", "格式：YYYY-MM，多个月份用逗号或顿号分隔，例如2025-01、2025-02",
                            inputmode="text")),
        "因未及时帮新入职职工建立公积金账户或办理启封手续而造成欠缴的，可以在网上办理个别补缴；"
        "因缴存基数不足而需要差额补缴的，不能在网上操作（3.4）。",
        {"causes": [(c.value, c.label) for c in BackPayCause]}),
    "base-adjustment": BusinessForm(
        BusinessType.BASE_ADJUSTMENT, "缴存基数调整",
        (PERSONAL_NO, BASE, Field("effective_month", "生效年月", MONTH_HINT, inputmode="numeric")),
        "调整后的缴存基数自生效年月起执行。"),
    "deposit-verification": BusinessForm(
        BusinessType.DEPOSIT_VERIFICATION, "单位缴存信息核查",
        (),
        "请核对本单位应汇缴年月的缴存信息后提交核查结果。"),
}

_MONTH_SEPARATORS = re.compile(r"[,，、;；\s]+")


def payload(slug: str, form: S.Form) -> dict:
    """The API body of the business, from the form as typed (the service validates every value)."""
    if slug == "deposit-verification":
        note = form.get("note")
        return {"confirmed": form.get("confirmed") != "no", "note": note if note.strip() else None}
    out: dict = {}
    for f in FORMS[slug].fields:
        value = form.get(f.name)
        if f.name == "months":
            out["months"] = [m for m in _MONTH_SEPARATORS.split(value) if m]
        elif not (f.optional and not value.strip()):
            out[f.name] = value
    if slug == "unseal":
        out["reported_errors"] = form.all("reported_errors")
    if slug == "back-pay":
        out["cause"] = form.get("cause")
    return out


def form_page(h: Hall, slug: str, *, values: S.Form | None = None, alerts: list[Alert] | None = None,
              status: int = 200) -> Response:
    spec = FORMS[slug]
    alerts = list(alerts or [])
    summary = None
    if slug == "deposit-verification":
        try:
            summary = h.svc.queries.deposit_info(h.session.unit_account_no)
        except DomainError as e:
            if not alerts:
                alerts.append(Alert.of(e))
                status = e.msg.status
    values = values or S.Form({})
    # one token per rendered form: posting the same form again (a double click, a reload) is the same
    # 业务提交 and shows the same receipt, not a refusal of a second business
    return h.page("business.html", spec.title, alerts=alerts, status=status, slug=slug, spec=spec,
                  values=values, summary=summary, submission=secrets.token_urlsafe(18))


@router.get("/hall/business/{slug}")
def business_form(slug: str, h: HallDep):
    if slug not in FORMS:
        return not_found(h.request)
    return form_page(h, slug)


@router.post("/hall/business/{slug}")
def business_submit(slug: str, h: HallDep, form: FormDep):
    h.require_csrf(form)
    if slug not in FORMS:
        return not_found(h.request)
    if form.too_long():
        return form_page(h, slug, values=form, alerts=[too_long()], status=422)
    businesses = h.svc.businesses
    token = (form.get("submission") or "").strip()
    key = f"web-form:{token[:64]}" if token else None
    if key and (done := businesses.submitted_with_key(h.session, key)):
        return redirect(f"/hall/receipts/{done}")
    try:
        draft = businesses.create_draft(h.session, FORMS[slug].type, payload(slug, form))
        try:
            businesses.submit(h.session, draft["business_id"], idempotency_key=key)
        except Exception:
            with contextlib.suppress(Exception):  # the refusal is what the operator must see
                businesses.discard(h.session, draft["business_id"])
            raise
    except DomainError as e:
        done = key and e.code == M.IDEMPOTENCY_KEY_REUSED.code and businesses.submitted_with_key(h.session, key)
        if done:
            return redirect(f"/hall/receipts/{done}")  # a concurrent post of the same form was first
        return form_page(h, slug, values=form, alerts=[Alert.of(e)], status=e.msg.status)
    return redirect(f"/hall/receipts/{draft['business_id']}")


@router.get("/hall/receipts/{business_id}")
def receipt(business_id: str, h: HallDep):
    try:
        business = h.svc.businesses.get(h.session, business_id[:64])
    except DomainError as e:
        return h.page("receipt.html", "业务回执", alerts=[Alert.of(e)], status=e.msg.status, r=None, business=None)
    slug = next((s for s, f in FORMS.items() if f.type.value == business["business_type"]), None)
    return h.page("receipt.html", "业务回执", r=business["receipt"], business=business, slug=slug, zh_time=zh_time)
