"""A certification run on the site: ``verdicts.json`` read, each scenario's outcome per driver (outline
rows marked, failure texts), and its screenshots — the run's evidence and those of
``pytest steps --screenshots DIR`` — copied into the site's ``screens/`` folder."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ..compare import DocError, as_doc, clean_text
from ..links import file_safe, inside
from ..model import VerdictsDoc
from .errors import SiteError

if TYPE_CHECKING:
    from .features import ScenarioView

OUTCOME_ORDER = ("failed", "error", "passed", "not_verifiable")  # worst first
DRIVERS = ("api", "web")
SCREENS = "screens"  # the site's folder of copied screenshots


@dataclass
class DriverResult:
    """One scenario's outcome under one driver, all outline rows taken together (worst first)."""

    driver: str
    outcome: str
    counts: list[tuple[str, int]]
    total: int
    failures: list[dict[str, str]]


@dataclass
class Shot:
    src: str  # relative to the site folder, URL-encoded
    caption: str


def load_verdicts(path: Path) -> VerdictsDoc:
    try:
        return as_doc(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, DocError) as e:
        raise SiteError(f"{path}: 无法读取判定文件（cannot read the verdicts file）: {e}") from e


def attach_results(scenarios: Sequence[ScenarioView], doc: VerdictsDoc, verdicts_dir: Path, out: Path) -> None:
    """Per scenario and driver: the run's outcome, outline rows marked, failure texts, evidence images."""
    by_id: dict[str, list] = {}
    for s in doc.scenarios:
        by_id.setdefault(s.id, []).append(s)
    for sv in scenarios:
        runs = by_id.get(sv.id or "", [])
        for driver in DRIVERS:
            mine = [r for r in runs if r.driver == driver]
            if not mine:
                continue
            counts = [(o, sum(r.outcome == o for r in mine)) for o in OUTCOME_ORDER]
            worst = next(o for o, n in counts if n)
            failures = [{"key": r.key, "message": clean_text(r.failure.message),
                         "expected": clean_text(r.failure.expected or ""), "actual": clean_text(r.failure.actual or "")}
                        for r in mine if r.failure]
            sv.results.append(DriverResult(driver, worst, [(o, n) for o, n in counts if n], len(mine), failures))
        for ex in sv.examples:
            ex.outcomes = [{r.driver: r.outcome for r in runs
                            if r.example and r.example == dict(zip(ex.header, row))} for row in ex.rows]
        for r in runs:
            for ev in r.evidence:
                rel = inside(ev.path) if ev.kind == "screenshot" else None
                src = verdicts_dir / rel if rel is not None else None
                if src is not None and src.is_file():
                    # the path's own name may be all Chinese: a digest keeps names ASCII and distinct
                    digest = hashlib.sha1(ev.path.encode("utf-8")).hexdigest()[:10]
                    name = f"run-{file_safe(r.key)}-{digest}{src.suffix.lower()}"
                    sv.shots.append(Shot(_copy_shot(src, out, name), ev.label or r.key))


def _copy_shot(src: Path, out: Path, name: str) -> str:
    (out / SCREENS).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, out / SCREENS / name)
    return quote(f"{SCREENS}/{name}", safe="/-._~")


def attach_screenshots(scenarios: Sequence[ScenarioView], folder: Path, out: Path) -> None:
    """``id-<ID>.png`` and ``id-<ID>-rowN[-slip].png`` as written by ``pytest steps --screenshots DIR``."""
    if not folder.is_dir():
        raise SiteError(f"{folder}: 截图目录不存在（screenshots folder not found）")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".png" and p.is_file())
    for sv in scenarios:
        if not sv.id:
            continue
        stem = f"id-{sv.id}"
        for p in files:
            if p.stem == stem or p.stem.startswith(stem + "-"):
                rest = p.stem[len(stem):].lstrip("-")
                sv.shots.append(Shot(_copy_shot(p, out, file_safe(p.name)), _shot_caption(rest)))


def _shot_caption(rest: str) -> str:
    """"row2-slip" → "例子第2行 · 打印的汇（补）缴书"."""
    words = []
    for part in rest.split("-") if rest else []:
        if m := re.fullmatch(r"row(\d+)", part):
            words.append(f"例子第{m.group(1)}行")
        elif part == "slip":
            words.append("打印的汇（补）缴书")
        else:
            words.append(part)
    return "网页模式最后的画面" + ("：" + " · ".join(words) if words else "")
