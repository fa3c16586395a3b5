"""Test control of the Longcheng portal (ADMIN.md): the /admin/ back office behind X-Admin-Token, and its clock
moved through libfaketime's timestamp file ($LONGCHENG_CLOCK_FILE, gjj.control.faketime). When a move crosses
midnight the nightly batch (POST /admin/pc/rz) runs at once, as ADMIN.md §6 asks of the test environment."""
from __future__ import annotations

import os
from datetime import timedelta

from gjj.control.faketime import ClockBackwards, FaketimeClock, parse
from gjj.control.protocol import ControlError, ControlRefused

from . import STAGES, ym

CODES = {"E9404": "NOT_FOUND", "E8001": "UNIT_NOT_FOUND", "E8002": "REMITTANCE_OUT_OF_ORDER", "E8006": "NOT_FOUND",
         "E8003": "REMITTANCE_IN_FUTURE", "E8004": "ARRIVAL_BEFORE_REMITTANCE", "E3002": "CALENDAR_NOT_COVERED",
         "E8007": "CERTIFICATE_NOT_FOUND"}
KTZT = {stage: code for code, stage in STAGES.items()}


def months(yf: dict) -> dict:
    return {"first_month": ym(yf["scjcny"]), "paid_through": ym(yf["jzny"]), "due_month": ym(yf["yjny"]),
            "arrived": [ym(m) for m in yf["dzyf"]]}


def person(p: dict | None) -> dict | None:
    return p and {"name": p["xm"], "mobile": p["sjhm"], "id_number": p["sfzh"]}


class LongchengControl:
    def __init__(self, http, token: str | None, clock: FaketimeClock) -> None:
        self.http, self.headers, self.time = http, {"X-Admin-Token": token or ""}, clock

    def _ok(self, method: str, path: str, body=None):
        r = self.http.call(method, "/admin" + path, body, headers=self.headers)
        try:
            answer = r.json()
            code = answer["code"]
        except (ValueError, KeyError, TypeError) as e:
            raise ControlError(f"后台答复格式不正确 / malformed answer: {method} /admin{path}: HTTP {r.status_code}") from e
        if code != "0000":
            raise ControlRefused(f"{method} /admin{path}", CODES.get(code, code), answer.get("msg", ""), r.status_code)
        return answer["data"]

    # --- the clock -----------------------------------------------------------------------------------------
    def reset(self, now: str | None = None) -> None:
        self.time.reset(now or self.time.now())
        self._ok("POST", "/cz")

    def clock(self) -> dict:
        now = parse(self._ok("GET", "/xt")["xtsj"])   # the time the portal itself reads
        return {"now": now.isoformat(), "today": now.date().isoformat(), "timezone": "Asia/Shanghai"} | {
            k: v for k, v in self.calendar(now.date().isoformat()).items() if k != "day"}

    def set_clock(self, now: str) -> dict:
        try:
            crossed = self.time.set(now)
        except ClockBackwards as e:
            raise ControlRefused("set_clock", "CLOCK_BACKWARDS", str(e), 409) from None
        if crossed:
            self._ok("POST", "/pc/rz")
        return self.clock()

    def advance(self, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0) -> dict:
        delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
        if delta < timedelta(0):
            raise ControlRefused("advance", "CLOCK_BACKWARDS", "时长须为正 / the duration must be positive", 409)
        return self.set_clock((self.time.now() + delta).isoformat())

    def calendar(self, day: str) -> dict:
        d = self._ok("GET", f"/rl/{day}")
        return {"day": d["rq"], "is_working_day": d["sfgzr"], "holiday": d["rqsm"], "next_working_day": d["xygzr"]}

    def policy(self, on: str | None = None) -> dict:
        cs = self._ok("GET", "/cs")["cs"]
        values = {"business_hours": ({"start": cs["blsj"]["ks"], "end": cs["blsj"]["js"]}, cs["blsj"]["ly"]),
                  "pin_attempt_limit": (cs["zs"]["cwcs_sx"], cs["zs"]["cwcs_sx_ly"]),
                  "initial_pin": (cs["zs"]["cskl"], cs["zs"]["cskl_ly"]),
                  "session_ttl_minutes": (cs["hh"]["kx_fz"], cs["hh"]["ly"]),
                  "base_limits": ({"min": cs["jc"]["js_xx"], "max": cs["jc"]["js_sx"]}, cs["jc"]["ly"]),
                  "certificate_followup_days": (cs["kt"]["hfts"], cs["kt"]["ly"])}
        return {"on": on or self.time.now().date().isoformat(), **{k: v for k, (v, _) in values.items()},
                "meta": {k: {"source": s, "verified": s.startswith("指南")} for k, (_, s) in values.items()}}

    # --- the world -----------------------------------------------------------------------------------------
    def seed(self, world: dict) -> dict:
        def unit(u: dict) -> dict:
            spec = {"bh": u.get("key"), "dwmc": u.get("name"), "scjcny": u.get("first_month"),
                    "jzny": u.get("remitted_through"), "dzny": u.get("arrived_through"),
                    "wtsk": u.get("entrusted_collection"), "ktzt": KTZT.get(u.get("opening_stage")),
                    "zg": [employee(e) for e in u.get("employees", [])]}
            return {k: v for k, v in spec.items() if v is not None}

        def employee(e: dict) -> dict:
            spec = {"bh": e.get("key"), "xm": e.get("name"), "sfzh": e.get("id_number"), "jcjs": e.get("base"),
                    "zhzt": {"sealed": "02", "normal": "01"}.get(e.get("state")), "zhjcny": e.get("last_month"),
                    "rzny": e.get("joined_month"), "qjny": e.get("start_month")}
            return {k: v for k, v in spec.items() if v is not None}
        made = self._ok("POST", "/zs/dw", {"sjzz": world.get("seed", 0), "dw": [unit(u) for u in world["units"]]})
        return {"units": [{"key": u["bh"], "account_no": u["dwzh"], "name": u["dwmc"],
                           "certificates": [{"serial": c["zsxlh"], "pin": c["kl"]} for c in u["zs"]],
                           "employees": [{"key": e["bh"], "personal_no": e["grzh"], "id_number": e["sfzh"],
                                          "name": e["xm"]} for e in u["zg"]]} for u in made["dw"]]}

    def remit(self, unit: str, month: str, arrived: bool = True) -> dict:
        return months(self._ok("POST", f"/dw/{unit}/hj", {"ny": month, "sfdz": arrived}))

    def arrive(self, unit: str, month: str) -> dict:
        return months(self._ok("POST", f"/dw/{unit}/hj/{month.replace('-', '')}/dz"))

    def unit_state(self, unit: str) -> dict:
        d = self._ok("GET", f"/dw/{unit}")
        return {"account_no": d["dwzh"], "name": d["dwmc"], "uscc": d["tyxydm"], "entrusted_collection": d["wtsk"],
                "opening_stage": STAGES[d["ktzt"]], "query_password_set": d["cxmmsz"],
                "operator": person(d["jbr"]), "published_operator": person(d["fbjbr"]),
                "operator_pending": d["jbrdfb"], "operator_changed_at": d["jbrbgsj"], "months": months(d["yf"]),
                "certificates": [{"serial": c["zsxlh"], "failed_attempts": c["cwcs"], "locked_at": c["sdsj"],
                                  "locked": c["sfsd"]} for c in d["zs"]],
                "employee_count": d["zgrs"], "pending_roster_changes": d["dfbzhs"]}

    def employee_state(self, personal_no: str) -> dict:
        d = self._ok("GET", f"/zh/{personal_no}")
        pub = d["fb"]
        return {"personal_no": d["grzh"], "unit_account_no": d["dwzh"], "name": d["xm"], "id_number": d["sfzh"],
                "state": d["zhzt"], "paid_through": ym(d["jzny"]), "pending": d["dfb"],
                "published": pub and {"unit_account_no": pub["dwzh"], "name": pub["xm"], "state": pub["zhzt"],
                                      "base": pub["jcjs"]},
                "segments": [{"unit_account_no": s["dwzh"], "start_month": ym(s["qsny"]), "end_month": ym(s["zzny"]),
                              "base": s["jcjs"]} for s in d["jcd"]],
                "back_pays": [{"month": ym(b["ny"]), "business_no": b["ywlsh"]} for b in d["bj"]]}

    def pending(self) -> dict:
        d = self._ok("GET", "/pc/dfb")
        return {"published_day": d["qcrq"], "last_nightly_at": d["scyxsj"], "accounts": d["dfbzh"],
                "operators": d["dfbjbr"]}

    def unlock_certificate(self, serial: str) -> None:
        self._ok("POST", f"/zs/{serial}/js")

    def record_certificate_application(self, unit_name: str, uscc: str) -> dict:
        d = self._ok("POST", "/zssq", {"dwmc": unit_name, "tyxydm": uscc})
        return {"id": d["id"], "unit_name": d["dwmc"], "uscc": d["tyxydm"], "applied_on": d["sqrq"],
                "followup_by": d["hfjz"]}


def create(http, token: str | None = None) -> LongchengControl:
    http.session.headers["Connection"] = "close"  # no idle keep-alive: waitress stops at 100 (FAKETIME.md)
    return LongchengControl(http, token, FaketimeClock(os.environ["LONGCHENG_CLOCK_FILE"]))
