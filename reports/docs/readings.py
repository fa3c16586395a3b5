"""``readings.toml``: the project's readings of vague clauses, as questions for policy staff, and who confirmed them."""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import SiteError

_READING_KEYS = {"question", "answer", "confirmed_by", "confirmed_on", "note"}


@dataclass(frozen=True)
class Reading:
    """A question about the project's reading of a clause, and who confirmed the answer, if anyone."""

    clause_id: str
    question: str
    answer: str = ""
    confirmed_by: str = ""
    confirmed_on: date | None = None
    note: str = ""

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by)


def load_readings(path: Path, clause_ids: Iterable[str]) -> dict[str, Reading]:
    """Read ``readings.toml``; fail closed (file and key named) on anything doubtful."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise SiteError(f"{path}: 无法读取（cannot read）: {e}") from e
    known = set(clause_ids)
    if set(data) - {"readings"}:
        raise SiteError(f"{path}: 未知的表 {sorted(set(data) - {'readings'})}（unknown top-level keys）")
    out: dict[str, Reading] = {}
    for cid, entry in (data.get("readings") or {}).items():
        where = f'{path}: readings."{cid}"'
        if cid not in known:
            raise SiteError(f"{where}: 条款不在条款目录中（clause not in the catalogue）")
        if not isinstance(entry, dict) or set(entry) - _READING_KEYS:
            raise SiteError(f"{where}: 只允许键 {sorted(_READING_KEYS)}（allowed keys）")
        texts = {k: entry.get(k, "") for k in ("question", "answer", "confirmed_by", "note")}
        if not all(isinstance(v, str) for v in texts.values()) or not texts["question"].strip():
            raise SiteError(f"{where}: question 须为非空字符串，其余为字符串（question must be a non-empty string）")
        on = entry.get("confirmed_on")
        if on in (None, ""):
            on = None
        elif not isinstance(on, date):
            raise SiteError(f"{where}.confirmed_on: 须为不带引号的日期，如 2026-01-15（a bare TOML date）")
        if bool(texts["confirmed_by"].strip()) != (on is not None):
            raise SiteError(f"{where}: confirmed_by 与 confirmed_on 须同时填写或同时留空"
                            "（give both confirmed_by and confirmed_on, or neither）")
        out[cid] = Reading(cid, texts["question"].strip(), texts["answer"].strip(),
                           texts["confirmed_by"].strip(), on, texts["note"].strip())
    return out
