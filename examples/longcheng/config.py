"""业务参数: the policy values of longcheng.toml, read once, as a typed object every module uses.

One place for each value: rules read them from here, the back office reports the file as written."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import time
from decimal import Decimal
from pathlib import Path

DEFAULT_FILE = Path(__file__).with_name("longcheng.toml")


@dataclass(frozen=True)
class Policy:
    raw: dict                      # the file as written, for the back office
    hours_start: time
    hours_end: time
    initial_pin: str
    pin_attempt_limit: int
    pin_pattern: re.Pattern
    session_idle_minutes: int
    query_password_min: int
    query_password_max: int
    base_min: Decimal
    base_max: Decimal
    rate_min: Decimal
    rate_max: Decimal
    rate_step: Decimal
    rate_default: Decimal
    rates_equal: bool
    quantum: Decimal
    rounding: str
    followup_days: int
    page_size: int
    page_size_max: int


def load(path: str | os.PathLike | None = None) -> Policy:
    path = Path(path or os.environ.get("LONGCHENG_CONFIG") or DEFAULT_FILE)
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    b, z, j = raw["blsj"], raw["zs"], raw["jc"]
    return Policy(
        raw=raw,
        hours_start=time.fromisoformat(b["ks"]), hours_end=time.fromisoformat(b["js"]),
        initial_pin=str(z["cskl"]), pin_attempt_limit=int(z["cwcs_sx"]), pin_pattern=re.compile(z["kl_gz"]),
        session_idle_minutes=int(raw["hh"]["kx_fz"]),
        query_password_min=int(raw["cxmm"]["zxcd"]), query_password_max=int(raw["cxmm"]["zdcd"]),
        base_min=Decimal(j["js_xx"]), base_max=Decimal(j["js_sx"]),
        rate_min=Decimal(j["bl_xx"]), rate_max=Decimal(j["bl_sx"]), rate_step=Decimal(j["bl_bc"]),
        rate_default=Decimal(j["bl_mr"]), rates_equal=bool(j["bl_xt"]),
        quantum=Decimal(j["qz"]), rounding=str(j["qzfs"]),
        followup_days=int(raw["kt"]["hfts"]),
        page_size=int(raw["fy"]["mrts"]), page_size_max=int(raw["fy"]["zdts"]),
    )
