"""The Longcheng portal's JSON API (/gateway/, API.md) as the harness's PortalDriver (steps/drivers/base.py):
its {"code","msg","data"} envelope, pinyin fields and E-codes, translated to the contract's views and codes."""
from __future__ import annotations

from gjj.steps.drivers.api import Http, pdf_text
from gjj.steps.drivers.base import AccountView, Login, Receipt, Refusal, RosterRow, Slip, TargetError, UnitView

from . import STAGES, ym

CODES = {"E3001": "OUTSIDE_BUSINESS_HOURS", "E3101": "SEAL_BEFORE_LAST_MONTH_ARRIVED", "E2004": "WRONG_PIN",
         "E3102": "NEXT_MONTH_ALREADY_REMITTED", "E3203": "UNSEAL_TOO_EARLY", "E3202": "UNSEAL_START_MONTH_REMITTED",
         "E3301": "BACKPAY_CAUSE_NOT_ONLINE", "E3304": "BACKPAY_MONTH_NOT_DUE", "E3305": "BACKPAY_MONTH_ALREADY_PAID",
         "E3306": "BACKPAY_MONTH_NOT_EXPLAINED", "E3401": "ID_ALREADY_HAS_ACCOUNT", "E2005": "CERTIFICATE_LOCKED",
         "E3503": "TRANSFER_SOURCE_NOT_SEALED", "E2501": "UNIT_NOT_OPENED", "E2502": "OPENING_OUT_OF_ORDER",
         "E3801": "SLIP_NOT_ENTRUSTED", "E3802": "SLIP_MONTH_NOT_REMITTED", "E3003": "EMPLOYEE_NOT_FOUND",
         "E3201": "ACCOUNT_NOT_SEALED", "E3004": "ACCOUNT_NOT_NORMAL", "E3005": "BASE_OUT_OF_RANGE",
         "E3701": "VERIFICATION_ALREADY_SUBMITTED", "E2003": "CERTIFICATE_NOT_FOUND"}
CAUSES = {"late_establish": "01", "late_unseal": "02", "base_shortfall": "03"}


def _request(business: str, f: dict) -> tuple[str, dict]:
    """What submit(business, fields) receives (the contract's fields) → Longcheng's business type and fields."""
    reported = f.get("reported_errors") or []
    return {
        "establish": ("zhsl", {"xm": f.get("name"), "sfzh": f.get("id_number"), "jcjs": f.get("base")}),
        "seal": ("zhfc", {"grzh": f.get("personal_no"), "zhjcny": f.get("last_month")}),
        "unseal": ("zhqf", {"grzh": f.get("personal_no"), "qjny": f.get("start_month"), "jcjs": f.get("base"),
                            "xmyw": "name" in reported, "sfzhyw": "id_number" in reported}),
        "transfer": ("zyzr", {"xm": f.get("name"), "sfzh": f.get("id_number")}),
        "back_pay": ("grbj", {"grzh": f.get("personal_no"), "bjyy": CAUSES.get(f.get("cause"), f.get("cause")),
                              "bjny": f.get("months")}),
        "base_adjustment": ("jstz", {"grzh": f.get("personal_no"), "jcjs": f.get("base"),
                                     "sxny": f.get("effective_month")}),
        "deposit_verification": ("jchc", {"hcjg": "1" if f.get("confirmed", True) else "0"}),
    }[business]


class LongchengPortal:
    def __init__(self, http: Http) -> None:
        self.http, self.token = http, None

    def _call(self, method: str, path: str, body=None, params=None):
        """The answer's data, or a Refusal with the contract's code (the portal's own in `detail`'s place)."""
        r = self.http.call(method, "/gateway" + path, body, headers={"token": self.token} if self.token else {},
                           params=params)
        try:
            answer = r.json()
            code, msg = answer["code"], answer["msg"]
        except (ValueError, KeyError, TypeError) as e:
            raise TargetError(f"答复格式不正确 / malformed answer: {method} {path}: HTTP {r.status_code}") from e
        return answer.get("data") if code == "0000" else Refusal(CODES.get(code, code), msg, None, r.status_code)

    def _outcome(self, method: str, path: str, body=None):
        d = self._call(method, path, body)
        return d if isinstance(d, Refusal) else None

    def login(self, serial: str, pin: str) -> Login:
        d = self._call("POST", "/auth/login", {"zsxlh": serial, "zskl": pin})
        if isinstance(d, Refusal):
            return Login(False, refusal=d)
        self.token = d["token"]
        return Login(True, prompt=d.get("tsxx"), opened=bool(d.get("sfkt")))

    def logout(self) -> None:
        if self.token:
            self._call("POST", "/auth/logout")
        self.token = None

    def change_pin(self, old_pin: str, new_pin: str):
        return self._outcome("POST", "/auth/xgkl", {"ykl": old_pin, "xkl": new_pin})

    def answer_first_login_prompt(self, yes: bool):
        return self.apply_for_opening() if yes else None

    def apply_for_opening(self):
        return self._outcome("POST", "/kt/sqkt")

    def sign_agreement(self):
        return self._outcome("POST", "/kt/qsxy", {"tyxy": True})

    def confirm_unit_info(self, operator: dict | None = None):
        o = operator or {}
        return self._outcome("POST", "/kt/hdxx", {k: v for k, v in (("jbrxm", o.get("name")), (
            "jbrsjhm", o.get("mobile")), ("jbrsfzh", o.get("id_number"))) if v})

    def set_query_password(self, password: str):
        return self._outcome("POST", "/kt/szmm", {"cxmm": password, "qrmm": password})

    def complete_opening(self):
        return self._outcome("POST", "/kt/wc")

    def opening_stage(self) -> str:
        d = self._call("GET", "/kt/zt")
        if isinstance(d, Refusal):
            raise TargetError(f"opening status: {d}")
        return STAGES[d["ktzt"]]

    def submit(self, business: str, fields: dict):
        kind, body = _request(business, fields)
        d = self._call("POST", f"/yw/{kind}", {k: v for k, v in body.items() if v is not None})
        if isinstance(d, Refusal):
            return d
        jg = d.get("jg") or {}
        return Receipt(d["ywlsh"], business, d.get("zy", ""), tuple(d.get("hxsx") or ()), tuple(d.get("wxts") or ()),
                       {"personal_no": jg.get("grzh"), **jg})

    def roster(self):
        rows, page = [], 1
        while True:
            d = self._call("GET", "/zg/qc", params={"pageNum": page, "pageSize": 100})
            if isinstance(d, Refusal):
                return d
            rows += [RosterRow(i["grzh"], i["xm"], i["zhztmc"], i["jcjs"]) for i in d["list"]]
            if len(rows) >= d["total"] or not d["list"]:
                return rows
            page += 1

    def account(self, personal_no: str):
        d = self._call("GET", f"/zg/zh/{personal_no}")
        return d if isinstance(d, Refusal) else AccountView(
            d["grzh"], d["xm"], d["zhztmc"], d["jcjs"], ym(d["jzny"]), ym(d["qjny"]), tuple(map(ym, d["bjny"])))

    def unit_info(self):
        d = self._call("GET", "/dw/xx")
        return d if isinstance(d, Refusal) else UnitView(
            d["dwzh"], d["dwmc"], d["jbrxm"], d["jbrsjhm"], d["wtsk"], ym(d["jzny"]), ym(d["yjny"]))

    def change_operator(self, name: str, mobile: str, id_number: str):
        return self._outcome("POST", "/dw/jbrbg", {"jbrxm": name, "jbrsjhm": mobile, "jbrsfzh": id_number})

    def print_slip(self, month: str):
        data = self._call("GET", f"/dy/hjs/{month.replace('-', '')}")
        if isinstance(data, Refusal):
            return data
        r = self.http.call("GET", f"/gateway/dy/hjs/{month.replace('-', '')}.pdf", headers={"token": self.token})
        if not r.headers.get("content-type", "").startswith("application/pdf"):
            raise TargetError(f"slip {month}: not a PDF ({r.headers.get('content-type')})")
        return Slip(month, r.content, pdf_text(r.content), data)


def create(http: Http) -> LongchengPortal:
    http.session.headers["Connection"] = "close"  # no idle keep-alive: waitress stops at 100 (FAKETIME.md)
    return LongchengPortal(http)
