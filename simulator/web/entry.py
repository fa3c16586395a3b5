"""Entry points: 常州公积金网, the old browser's certificate warnings (2.5, 2.7, 2.8), and the
同和综合服务平台 with its 公积金专区 and E家课堂 (2.4, 2.5, 2.6)."""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from . import security as S
from .context import redirect
from .render import PLATFORM_BRAND, WebRoute, not_found, page

router = APIRouter(route_class=WebRoute)

# cookie value -> (the page's text, which is its <h1>; its controls)
WARNINGS = {
    "cert-error": ("此网站的安全证书有问题。", "links"),                          # 2.5
    "revocation": ("该站点安全证书的吊销信息不可用，是否继续？", "buttons"),            # 2.7
    "cert-notice": ("您与该站点交换的信息不会被其他人查看或更改，但该站点的安全证书有问题", "buttons"),  # 2.8
}

# E家课堂 (2.4): the training videos, by slug
VIDEOS = [("opening", "网上业务开通：确定开通、签署服务协议、设置查询密码"),
          ("install", "首次使用：安装同和综合服务平台、数字证书助手和打印组件"),
          ("establish", "职工账户设立与储存卡申领"),
          ("seal-unseal", "职工账户封存与启封"),
          ("transfer", "新职工开户：职工转移与启封"),
          ("back-pay", "个别补缴"),
          ("base-adjustment", "缴存基数调整与单位缴存信息核查"),
          ("print", "查询打印汇（补）缴书")]


def warning_page(request: Request, target: str) -> Response | None:
    """The page an old browser shows instead of the requested one, while the test's cookie says so."""
    kind = request.cookies.get(S.WARNING_COOKIE)
    if kind not in WARNINGS:
        return None
    text, controls = WARNINGS[kind]
    return page(request, "warning.html", text, kind=kind, controls=controls, target=target,
                continue_url="/browser-warning/continue?" + urlencode({"to": target}))


def _login_target(to: str | None) -> str:
    if to and len(to) <= 400 and (to == "/hall/login" or to.startswith("/hall/login?")) and "\\" not in to:
        return to
    return "/hall/login"


@router.get("/")
def portal_home(request: Request):
    warning = warning_page(request, "/hall/login")
    if warning is not None:
        return warning
    return page(request, "portal.html", "常州公积金网")


@router.get("/browser-warning/continue")
def warning_continue(request: Request):
    """继续浏览此网站（不推荐）。 / 是: on to the login; the warning is not shown again."""
    response = redirect(_login_target(request.query_params.get("to")))
    response.delete_cookie(S.WARNING_COOKIE, path="/")
    return response


@router.get("/browser-warning/close")
def warning_close(request: Request):
    """关闭此网页 / 否: the browser stays off the site."""
    return page(request, "closed.html", "已停止访问此网站")


@router.get("/platform")
def platform_root():
    return redirect("/platform/")


@router.get("/platform/")
def platform(request: Request):
    return page(request, "platform.html", "同和综合服务平台", brand=PLATFORM_BRAND)


@router.get("/platform/gjj")
def platform_gjj(request: Request):
    return page(request, "platform_gjj.html", "公积金专区", brand=PLATFORM_BRAND)


@router.get("/platform/gjj/ejia")
def ejia(request: Request):
    return page(request, "ejia.html", "E家课堂", brand=PLATFORM_BRAND, videos=VIDEOS)


@router.get("/platform/gjj/ejia/{slug}")
def ejia_video(slug: str, request: Request):
    title = dict(VIDEOS).get(slug)
    if title is None:
        return not_found(request)
    return page(request, "video.html", title, brand=PLATFORM_BRAND)
