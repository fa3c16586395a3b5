"""The JSON API under /api/v1: what a unit's operator can do online (clause 0.1 and friends).
Handlers are thin: parse, call one service method, shape the answer.

Handlers and their dependencies are `async def` although the services are synchronous: the work is a
millisecond of CPU under the store's single lock, and FastAPI would otherwise hand every sync
dependency, handler and response validation to the thread pool, which cost more CPU than the work
itself (benchmarks/README.md, load: 492 → about 1,000 requests/s at 8 clients). Only the PDF slip,
which takes longer to draw, stays `def` and runs in the pool so it does not stall the event loop."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import JSONResponse

from ..domain import validators as V
from ..domain.model import BusinessType
from ..domain.money import yuan
from ..service.access import Session
from ..http import Problem, services
from ..services import Services
from ..slip_pdf import render_slip
from . import models as m
from .deps import session, token

ERRORS = {s: {"model": Problem, "description": d} for s, d in [
    (401, "未登录、口令错误或登录已超时"), (403, "单位尚未开通网上业务"), (404, "不存在（或不属于本单位）"),
    (409, "业务规则不允许（如不在办理时间内、封存时间窗口不符）"), (422, "请求内容不正确"),
    (423, "数字证书已锁定"), (503, "政策或日历数据缺失")]}

router = APIRouter(prefix="/api/v1", responses=ERRORS)
Svc = Annotated[Services, Depends(services)]
Sess = Annotated[Session, Depends(session)]


# --- 登录 (2.2, 2.3) -------------------------------------------------------------------------
@router.post("/session", response_model=m.LoginOut, tags=["登录"], summary="数字证书登录")
async def login(body: m.LoginIn, svc: Svc):
    r = svc.access.login(body.serial, body.pin)
    return m.LoginOut(token=r.token, expires_at=r.session.expires_at.isoformat(),
                      unit_account_no=r.session.unit_account_no, opening_stage=r.opening_stage.value,
                      opened=r.opening_stage.value == "opened", prompt=r.prompt)


@router.delete("/session", status_code=204, tags=["登录"], summary="退出登录")
async def logout(svc: Svc, _: Sess, tok: Annotated[str | None, Depends(token)]):
    svc.access.logout(tok)
    return Response(status_code=204)


@router.put("/certificate/pin", status_code=204, tags=["登录"], summary="修改数字证书口令")
async def change_pin(body: m.PinChangeIn, svc: Svc, s: Sess):
    svc.access.change_pin(s, body.old_pin, body.new_pin)
    return Response(status_code=204)


# --- 开通 (1.0, 1.1.2, 1.2, 2.3) ----------------------------------------------------------------
@router.get("/opening", response_model=m.OpeningStatus, tags=["开通"], summary="开通进度")
async def opening_status(svc: Svc, s: Sess):
    return svc.access.opening_status(s)


@router.post("/opening/enable", response_model=m.OpeningStatus, tags=["开通"], summary="申请开通（首次登录提示选择“是”）")
async def opening_enable(svc: Svc, s: Sess):
    return svc.access.enable(s)


@router.post("/opening/agreement", response_model=m.OpeningStatus, tags=["开通"], summary="查阅并签署服务协议")
async def opening_agreement(body: m.AgreementIn, svc: Svc, s: Sess):
    return svc.access.sign_agreement(s, body.accepted)


@router.post("/opening/unit-info", response_model=m.OpeningStatus, tags=["开通"], summary="核对（修改）单位信息")
async def opening_unit_info(body: m.UnitInfoIn, svc: Svc, s: Sess):
    return svc.access.confirm_unit_info(s, body.operator.model_dump() if body.operator else None)


@router.post("/opening/query-password", response_model=m.OpeningStatus, tags=["开通"], summary="设置查询密码")
async def opening_password(body: m.QueryPasswordIn, svc: Svc, s: Sess):
    return svc.access.set_query_password(s, body.password)


@router.post("/opening/complete", response_model=m.OpeningStatus, tags=["开通"], summary="完成开通")
async def opening_complete(svc: Svc, s: Sess):
    return svc.access.complete(s)


# --- 单位信息 ------------------------------------------------------------------------------------
@router.get("/unit", response_model=m.UnitInfo, tags=["单位"], summary="单位信息（经办人信息隔天更新，3.5）")
async def unit_info(svc: Svc, s: Sess):
    return svc.queries.unit_info(s.unit_account_no)


@router.put("/unit/operator", response_model=m.OperatorChange, tags=["单位"], summary="修改经办人信息")
async def change_operator(body: m.OperatorIn, svc: Svc, s: Sess):
    return svc.access.change_operator(s, body.model_dump())


@router.get("/unit/remittances", response_model=m.Remittances, tags=["单位"], summary="汇缴与到账情况")
async def remittances(svc: Svc, s: Sess):
    return svc.queries.remittances(s.unit_account_no)


@router.get("/unit/deposit-info", response_model=m.DepositInfo, tags=["单位缴存信息核查"], summary="单位缴存信息（核查用）")
async def deposit_info(svc: Svc, s: Sess):
    return svc.queries.deposit_info(s.unit_account_no)


# --- 查询 ----------------------------------------------------------------------------------------
@router.get("/roster", response_model=m.Roster, tags=["查询"], summary="职工清册查询（隔天更新，3.6）")
async def roster(svc: Svc, s: Sess, page: Annotated[int, Query(ge=1, le=100000)] = 1,
           size: Annotated[int, Query(ge=1, le=200)] = 50, state: Annotated[str | None, Query(max_length=4)] = None):
    return svc.queries.roster(s.unit_account_no, page, size, state)


@router.get("/employees/{personal_no}", response_model=m.Employee, tags=["查询"], summary="职工账户信息")
async def employee(personal_no: str, svc: Svc, s: Sess):
    return svc.queries.employee(s.unit_account_no, personal_no)


# --- 业务 (0.1, 3.2) --------------------------------------------------------------------------------
def _draft(kind: BusinessType, body, svc: Services, s: Session):
    return JSONResponse(svc.businesses.create_draft(s, kind, body.model_dump(exclude_none=True)), status_code=201)


@router.post("/businesses/establish", status_code=201, response_model=m.Business, tags=["业务"],
             summary="职工账户设立（草稿）")
async def draft_establish(body: m.EstablishIn, svc: Svc, s: Sess):
    return _draft(BusinessType.ESTABLISH, body, svc, s)


@router.post("/businesses/seal", status_code=201, response_model=m.Business, tags=["业务"],
             summary="职工账户封存（草稿）")
async def draft_seal(body: m.SealIn, svc: Svc, s: Sess):
    return _draft(BusinessType.SEAL, body, svc, s)


@router.post("/businesses/unseal", status_code=201, response_model=m.Business, tags=["业务"],
             summary="职工启封（草稿）")
async def draft_unseal(body: m.UnsealIn, svc: Svc, s: Sess):
    return _draft(BusinessType.UNSEAL, body, svc, s)


@router.post("/businesses/transfer", status_code=201, response_model=m.Business, tags=["业务"],
             summary="职工转移（转入本单位，草稿）")
async def draft_transfer(body: m.TransferIn, svc: Svc, s: Sess):
    return _draft(BusinessType.TRANSFER, body, svc, s)


@router.post("/businesses/back-pay", status_code=201, response_model=m.Business, tags=["业务"],
             summary="个别补缴（草稿）")
async def draft_back_pay(body: m.BackPayIn, svc: Svc, s: Sess):
    return _draft(BusinessType.BACK_PAY, body, svc, s)


@router.post("/businesses/base-adjustment", status_code=201, response_model=m.Business, tags=["业务"],
             summary="缴存基数调整（草稿）")
async def draft_base_adjustment(body: m.BaseAdjustmentIn, svc: Svc, s: Sess):
    return _draft(BusinessType.BASE_ADJUSTMENT, body, svc, s)


@router.post("/businesses/deposit-verification", status_code=201, response_model=m.Business, tags=["业务"],
             summary="单位缴存信息核查（草稿）")
async def draft_verification(body: m.VerificationIn, svc: Svc, s: Sess):
    return _draft(BusinessType.DEPOSIT_VERIFICATION, body, svc, s)


@router.get("/businesses", response_model=m.BusinessList, tags=["业务"], summary="本单位业务列表")
async def list_businesses(svc: Svc, s: Sess, status: Annotated[str | None, Query(pattern="^(draft|submitted)$")] = None,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0)] = 0):
    return svc.businesses.list(s, status, limit, offset)


@router.get("/businesses/{business_id}", response_model=m.Business, tags=["业务"], summary="业务详情")
async def get_business(business_id: str, svc: Svc, s: Sess):
    return svc.businesses.get(s, business_id)


@router.delete("/businesses/{business_id}", status_code=204, tags=["业务"], summary="删除未提交的业务")
async def discard_business(business_id: str, svc: Svc, s: Sess):
    svc.businesses.discard(s, business_id)
    return Response(status_code=204)


@router.post("/businesses/{business_id}/submit", response_model=m.Receipt, tags=["业务"],
             summary="业务提交（返回回执：业务流水号和后续事项）")
async def submit_business(business_id: str, svc: Svc, s: Sess,
                    idempotency_key: Annotated[str | None, Header(max_length=200)] = None):
    return svc.businesses.submit(s, business_id, idempotency_key)


# --- 查询打印 (3.2.2, 3.2.3) ------------------------------------------------------------------------
@router.get("/slips/{month}", tags=["查询打印"], summary="打印汇（补）缴书（PDF）",
            responses={200: {"content": {"application/pdf": {}}, "description": "汇（补）缴书"}})
def slip_pdf(month: str, svc: Svc, s: Sess):
    slip = svc.queries.slip(s.unit_account_no, V.month(month))
    return Response(render_slip(slip), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="slip-{slip.month}.pdf"'})


@router.get("/slips/{month}/data", response_model=m.SlipData, tags=["查询打印"], summary="汇（补）缴书内容（JSON）")
async def slip_data(month: str, svc: Svc, s: Sess):
    slip = svc.queries.slip(s.unit_account_no, V.month(month))
    line = lambda x: {"count": x.count, "amount": yuan(x.amount)}  # noqa: E731
    return {"unit_account_no": slip.unit_account_no, "unit_name": slip.unit_name, "month": str(slip.month),
            "previous": line(slip.previous), "increase": line(slip.increase), "decrease": line(slip.decrease),
            "current": line(slip.current), "back_pay": line(slip.back_pay), "total": yuan(slip.total),
            "total_capitals": slip.total_capitals}
