"""`gjj docs`: living documentation for policy staff — a static, self-contained HTML site in Chinese.

    gjj docs                                   # out/docs, as of today
    gjj docs --out DIR --as-of 2026-07-01 --verdicts out/certify/verdicts.json --screenshots out/screens
    gjj docs --review-months 6 --policy-dir fixtures/policy

Policy staff do not run pytest: they read the rules, decide what they mean and change them. So the
site is generated, every time, from the very files the suite runs — the guide and its clause
catalogue (``fixtures/guide``), the feature files (parsed with pytest-bdd's own parser), the dated
policy data (``fixtures/policy``) and, when given, a ``verdicts.json`` of ``gjj certify`` and the
screenshots of a web run. A changed feature file or policy value shows in the next build with no
code change.

Pages (all in one folder, relative links only, inline CSS and JS, no external resource, so it
opens from disk and prints on A4): ``index.html`` (clause table and search), ``clause-<id>.html``
(one per clause, anchor ``clause-<id>``), ``feature-<path>.html`` (one per feature file),
``readings.html`` (the project's readings as questions to confirm), ``policy.html``,
``glossary.html`` and ``all-clauses.html`` (every clause on one page, for printing).

The templates are ``site_templates/*.j2`` beside this file.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .model import VerdictsDoc

ROOT = Path(__file__).resolve().parents[1]
GUIDE_DIR = ROOT / "fixtures" / "guide"
FEATURES_DIR = ROOT / "features"
TEMPLATES = Path(__file__).with_name("site_templates")
DEFAULT_OUT = Path("out") / "docs"
GUIDE_FILE, CATALOGUE_FILE = "guide-2019-06.txt", "clauses.md"
REASONS_FILE, READINGS_FILE = "not_verifiable.toml", "readings.toml"
GUIDE_TITLE = "《住房公积金网上单位业务新手指南》（常州市住房公积金管理中心，2019年6月）"
# Written into the output folder: only a folder carrying it is ever cleaned before a build.
MARKER = ".gjj-docs"
SCREENS = "screens"


class SiteError(Exception):
    """Source data the site cannot be built from; the message names the file (Chinese + English)."""


# ============================================================================ the guide text

_SECTION = re.compile(r"^([一二三四五六七八九十])、")
_ITEM = re.compile(r"^(\d+)、")
_SUB = re.compile(r"^（(\d+)）")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_PUNCT = re.compile(r"[，。：？、；！]")


@dataclass(frozen=True)
class Passage:
    """The guide's own words for one clause, and where they stand (section, item)."""

    where: tuple[str, ...]
    lines: tuple[str, ...]


def _guide_blocks(text: str) -> tuple[str, dict[tuple[int, ...], list[str]], str | None]:
    """(title, blocks keyed (section[, item[, sub-item]]), the closing 注 line)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "", {}, None
    title, body = lines[0], lines[1:]
    note, end = None, len(body)
    notes = [i for i, ln in enumerate(body) if ln.startswith("注：")]
    if notes:
        note, end = body[notes[-1]], notes[-1]
        # the signature (centre, vendor, date) above the note: short lines with no punctuation
        while end > 0 and len(body[end - 1]) < 30 and not _PUNCT.search(body[end - 1]):
            end -= 1
    blocks: dict[tuple[int, ...], list[str]] = {}
    key: tuple[int, ...] = (0,)
    for ln in body[:end]:
        if (m := _SECTION.match(ln)) and m.group(1) in _CN_NUM:
            key = (_CN_NUM[m.group(1)],)
        elif (m := _ITEM.match(ln)) and key[0]:
            key = (key[0], int(m.group(1)))
        elif (m := _SUB.match(ln)) and len(key) >= 2:
            key = (key[0], key[1], int(m.group(1)))
        blocks.setdefault(key, []).append(ln)
    return title, blocks, note


def guide_passages(text: str, clause_ids: Iterable[str]) -> dict[str, Passage]:
    """Clause ID -> the guide's paragraph(s), following the catalogue's numbering rule.

    ``0.1`` is the opening paragraph and ``0.2`` the closing note; ``N.0`` a section's heading and
    lead; ``N.M`` item M (with those of its sub-items that are no clause of their own); ``N.M.K``
    sub-item （K）, or, in an item without sub-items, its K-th paragraph (``1.1.1``, ``1.1.2``). A
    clause the text does not yield is left out: the page then shows the catalogue's excerpt only.
    """
    title, blocks, note = _guide_blocks(text)
    ids = list(clause_ids)
    wanted = set(ids)
    out: dict[str, Passage] = {}
    for cid in ids:
        try:
            nums = tuple(int(p) for p in cid.split("."))
        except ValueError:
            continue
        section = blocks.get(nums[:1], [""])[0] if nums[0] else title
        if cid == "0.2" and note:
            out[cid] = Passage((), (note,))
        elif nums[0] == 0 and len(nums) == 2 and nums[1] == 1 and (0,) in blocks:
            out[cid] = Passage((title,), tuple(blocks[(0,)]))
        elif len(nums) == 2 and nums[1] == 0 and nums[:1] in blocks:
            out[cid] = Passage((), tuple(blocks[nums[:1]]))
        elif len(nums) == 2 and nums in blocks:
            lines = list(blocks[nums])
            for k in sorted(k for k in blocks if len(k) == 3 and k[:2] == nums):
                if ".".join(map(str, k)) not in wanted:
                    lines += blocks[k]
            out[cid] = Passage((section,), tuple(lines))
        elif len(nums) == 3 and nums in blocks:
            out[cid] = Passage((section, blocks[nums[:2]][0]), tuple(blocks[nums]))
        elif len(nums) == 3 and nums[:2] in blocks:
            item = blocks[nums[:2]]
            has_subs = any(len(k) == 3 and k[:2] == nums[:2] for k in blocks)
            if not has_subs and 1 <= nums[2] < len(item):
                out[cid] = Passage((section, item[0]), (item[nums[2]],))
    return out


# ============================================================================ readings (data)

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


def catalogue_texts(markdown: str) -> dict[str, str]:
    """Row ID cell -> the 原文 cell. ``load_catalogue`` looks for a column named exactly "原文", but
    the table's header reads "原文 (quoted or condensed)", so its ``text`` comes back empty."""
    header: list[str] | None = None
    out: dict[str, str] = {}
    for ln in markdown.splitlines():
        if not ln.lstrip().startswith("|"):
            header = None
            continue
        cells = [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", ln.strip().strip("|"))]
        if header is None:
            header = [c.lower() for c in cells]
        elif header[:1] == ["id"] and len(cells) == len(header) and not re.fullmatch(r":?-{2,}:?", cells[0]):
            col = next((i for i, h in enumerate(header) if h.startswith("原文")), None)
            if col is not None:
                out[cells[0]] = cells[col]
    return out


def extra_catalogue_sections(markdown: str) -> list[tuple[str, list[str]]]:
    """``##`` sections of ``clauses.md`` besides the clause table (e.g. open questions): (title, lines)."""
    sections: list[tuple[str, list[str]]] = []
    for ln in markdown.splitlines():
        if ln.startswith("## "):
            sections.append((ln[3:].strip(), []))
        elif ln.startswith("# "):
            sections.append(("", []))  # the title section: the table and its column notes, shown elsewhere
        elif sections:
            sections[-1][1].append(ln)
    return [(t, body) for t, body in sections
            if t and not any(ln.lstrip().startswith("| ID") or ln.lstrip().startswith("|ID") for ln in body)]


_MD_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")


def markdown_blocks(lines: Sequence[str]) -> list[tuple[str, object]]:
    """A tiny, safe subset of markdown: paragraphs, bullet lists, tables → ("p"|"ul"|"table", parts)."""
    blocks: list[tuple[str, object]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(("p", _inline(" ".join(para))))
            para.clear()

    for ln in lines:
        s = ln.strip()
        if not s:
            flush()
        elif s.startswith(("- ", "* ")):
            flush()
            if not blocks or blocks[-1][0] != "ul":
                blocks.append(("ul", []))
            blocks[-1][1].append(_inline(s[2:]))  # type: ignore[union-attr]
        elif s.startswith("|"):
            flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue
            if not blocks or blocks[-1][0] != "table":
                blocks.append(("table", []))
            blocks[-1][1].append([_inline(c) for c in cells])  # type: ignore[union-attr]
        else:
            para.append(s)
    flush()
    return blocks


def _inline(text: str) -> list[tuple[str, str]]:
    """Text → [(kind, text)] with kind in text|strong|code; the template escapes every part."""
    out, pos = [], 0
    for m in _MD_INLINE.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos:m.start()]))
        out.append(("strong", m.group(1)) if m.group(1) is not None else ("code", m.group(2)))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


# ============================================================================ feature files

_PARAM = re.compile(r"(<[^<>]+>)")
GUIDE_TAG, ID_TAG = "guide-", "id-"
SHOWN_TAGS = {"web": "仅网页", "offline": "线下"}  # tag -> badge text; other tags show as they are


@dataclass
class StepView:
    keyword: str
    parts: list[tuple[bool, str]]  # (is an outline parameter, text)
    docstring: str | None = None
    table: list[list[str]] | None = None

    @property
    def text(self) -> str:
        return "".join(t for _, t in self.parts)


@dataclass
class ExamplesView:
    name: str
    tags: list[str]
    header: list[str]
    rows: list[list[str]]
    outcomes: list[dict[str, str]] = field(default_factory=list)  # per row: driver -> outcome

    @property
    def drivers(self) -> list[str]:
        return [d for d in DRIVERS if any(d in o for o in self.outcomes)]

    @property
    def lines(self) -> list[tuple[list[str], dict[str, str]]]:
        return list(zip(self.rows, self.outcomes or [{} for _ in self.rows]))


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


@dataclass
class ScenarioView:
    id: str | None
    anchor: str
    keyword: str
    name: str
    line: int
    feature: FeatureView
    rule: str | None
    tags: list[str]
    clauses: list[str]
    description: str
    background: list[StepView]
    steps: list[StepView]
    examples: list[ExamplesView]
    results: list[DriverResult] = field(default_factory=list)
    shots: list[Shot] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.id or f"{self.feature.rel}:{self.line}"

    @property
    def web(self) -> bool:
        return "web" in self.tags

    @property
    def offline(self) -> bool:
        return "offline" in self.tags

    @property
    def href(self) -> str:
        return f"{self.feature.page}#{self.anchor}"


@dataclass
class FeatureView:
    rel: str
    page: str
    keyword: str
    name: str
    description: str
    tags: list[str]
    clauses: list[str]  # cited on the Feature itself
    background: list[StepView]
    scenarios: list[ScenarioView] = field(default_factory=list)

    @property
    def reading(self) -> str:
        """The "本项目的理解" part of the description, which states the project's reading in Chinese."""
        lines = self.description.splitlines()
        for i, ln in enumerate(lines):
            if ln.startswith("本项目的理解"):
                rest = [x for x in lines[i + 1:]]
                stop = next((j for j, x in enumerate(rest) if x.startswith("指南")), len(rest))
                return "".join([ln, *rest[:stop]])
        return ""

    @property
    def cited(self) -> list[str]:
        """The clauses this feature is about: its own tags, else everything its scenarios cite."""
        if self.clauses:
            return self.clauses
        return sorted({c for s in self.scenarios for c in s.clauses}, key=clause_sort_key)


def _steps(steps: Iterable) -> list[StepView]:
    out = []
    for st in steps:
        parts = [(bool(_PARAM.fullmatch(p)), p) for p in _PARAM.split(st.name) if p]
        table = [[c.value for c in row.cells] for row in st.datatable.rows] if st.datatable else None
        out.append(StepView(st.keyword.strip(), parts, st.docstring, table))
    return out


def _anchor_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


def clause_sort_key(cid: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in cid.split("."))


def load_features(features_dir: Path) -> list[FeatureView]:
    """Every ``*.feature`` under the folder, parsed with pytest-bdd's parser (as the suite runs them)."""
    from pytest_bdd.parser import FeatureParser

    if not features_dir.is_dir():
        raise SiteError(f"{features_dir}: 功能文件目录不存在（features folder not found）")
    features: list[FeatureView] = []
    pages: set[str] = set()
    for path in sorted(features_dir.rglob("*.feature")):
        rel = path.relative_to(features_dir).as_posix()
        try:
            feat = FeatureParser(str(features_dir), rel).parse()
        except Exception as e:  # a file the suite cannot run must not be shown as if it were fine
            raise SiteError(f"{path}: 功能文件无法解析（cannot parse the feature file）: {e}") from e
        page = "feature-" + _anchor_safe(rel.removesuffix(".feature").replace("/", "-"))
        while page + ".html" in pages:
            page += "-2"
        pages.add(page + ".html")
        ftags = sorted(feat.tags)
        fv = FeatureView(rel, page + ".html", feat.keyword, feat.name, feat.description.strip(),
                         [t for t in ftags if not t.startswith((GUIDE_TAG, ID_TAG))],
                         sorted((t[len(GUIDE_TAG):] for t in ftags if t.startswith(GUIDE_TAG)), key=clause_sort_key),
                         _steps(feat.background.steps) if feat.background else [])
        used: set[str] = set()
        for sc in feat.scenarios.values():
            examples = [ExamplesView(ex.name or "", sorted(t for t in ex.tags if not t.startswith(GUIDE_TAG)),
                                     list(ex.example_params), [list(r) for r in ex.examples])
                        for ex in sc.examples]
            rule_tags = sc.rule.tags if sc.rule else set()
            tags = set(feat.tags) | rule_tags | sc.tags
            for ex in sc.examples:
                tags |= ex.tags
            ids = sorted(t[len(ID_TAG):] for t in sc.tags if t.startswith(ID_TAG))
            sid = ids[0] if ids else None
            anchor = "scenario-" + _anchor_safe(sid or f"line-{sc.line_number}")
            while anchor in used:
                anchor += "-2"
            used.add(anchor)
            rule_bg = _steps(sc.rule.background.steps) if sc.rule and sc.rule.background else []
            fv.scenarios.append(ScenarioView(
                sid, anchor, sc.keyword, sc.name, sc.line_number, fv, sc.rule.name if sc.rule else None,
                sorted(t for t in tags if not t.startswith((GUIDE_TAG, ID_TAG))),
                sorted({t[len(GUIDE_TAG):] for t in tags if t.startswith(GUIDE_TAG)}, key=clause_sort_key),
                (sc.description or "").strip(), fv.background + rule_bg, _steps(sc._steps), examples))
        features.append(fv)
    return features


# ============================================================================ verdicts and screenshots

OUTCOME_ORDER = ("failed", "error", "passed", "not_verifiable")  # worst first
DRIVERS = ("api", "web")


def load_verdicts(path: Path) -> VerdictsDoc:
    from .compare import DocError, as_doc

    try:
        return as_doc(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, DocError) as e:
        raise SiteError(f"{path}: 无法读取判定文件（cannot read the verdicts file）: {e}") from e


def _safe_file(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"


def _inside(base: Path, rel: str) -> Path | None:
    """``base/rel`` when rel is a plain relative path that stays inside base; else None."""
    p = rel.replace("\\", "/")
    if not p or p.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", p) or ".." in PurePosixPath(p).parts:
        return None
    return base / p


def attach_results(scenarios: Sequence[ScenarioView], doc, verdicts_dir: Path, out: Path) -> None:
    """Per scenario and driver: the run's outcome, outline rows marked, failure texts, evidence images."""
    from .compare import clean_text

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
                src = _inside(verdicts_dir, ev.path) if ev.kind == "screenshot" else None
                if src is not None and src.is_file():
                    # the path's own name may be all Chinese: a digest keeps names ASCII and distinct
                    digest = hashlib.sha1(ev.path.encode("utf-8")).hexdigest()[:10]
                    name = f"run-{_safe_file(r.key)}-{digest}{src.suffix.lower()}"
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
                caption = _shot_caption(rest)
                sv.shots.append(Shot(_copy_shot(p, out, _safe_file(p.name)), caption))


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


# ============================================================================ policy

_ROUNDING = {"ROUND_HALF_UP": "四舍五入", "ROUND_DOWN": "舍去", "ROUND_UP": "进位",
             "ROUND_HALF_EVEN": "四舍六入五成双"}
_QUANTUM = {Decimal(1): "元", Decimal("0.1"): "角", Decimal("0.01"): "分"}
_NEXT_DAY = {"nightly": "每个自然日夜间发布", "next_working_day_business_start": "最迟于下一个工作日办理时间开始时可见"}


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M" if not t.second else "%H:%M:%S")


def _pct(d: Decimal) -> str:
    return f"{(d * 100).normalize():f}%"


def format_value(value: object) -> str:
    """A policy value in words a policy officer reads (the raw value stays visible in the history)."""
    from gjj.simulator.domain.policy import BaseLimits, BusinessHours, NextDayRule, RateRange, Rounding

    if isinstance(value, BusinessHours):
        return f"工作日 {_hhmm(value.start)} 至 {_hhmm(value.end)}（含 {_hhmm(value.start)}，不含 {_hhmm(value.end)}）"
    if isinstance(value, RateRange):
        same = "，单位与个人比例须相同" if value.equal_rates else "，单位与个人比例可以不同"
        return (f"{_pct(value.min)} 至 {_pct(value.max)}，步长 {_pct(value.step)}，"
                f"未指定时默认 {_pct(value.default)}{same}")
    if isinstance(value, BaseLimits):
        return f"{value.min:f} 元 至 {value.max:f} 元（含两端）"
    if isinstance(value, Rounding):
        unit = _QUANTUM.get(value.quantum.normalize(), f"{value.quantum:f} 元")
        return f"{_ROUNDING.get(value.mode, value.mode)}到{unit}（{value.mode}，{value.quantum:f}）"
    if isinstance(value, NextDayRule):
        return f"{_NEXT_DAY.get(value.publish, value.publish)}；{_NEXT_DAY.get(value.visible_from, value.visible_from)}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if is_dataclass(value):
        return "；".join(f"{f.name} = {getattr(value, f.name)}" for f in fields(value))
    return str(value)


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(d.day, days))


def review_due(last_confirmed: date | None, months: int) -> date | None:
    return add_months(last_confirmed, months) if last_confirmed else None


def is_stale(last_confirmed: date | None, months: int, as_of: date) -> bool:
    """Older than its review period on ``as_of``. A value never confirmed has no date to age from:
    it is flagged 未经核实 instead, which already says more."""
    due = review_due(last_confirmed, months)
    return due is not None and as_of > due


@dataclass
class PeriodView:
    effective_from: date
    value: str
    verified: bool
    source: str
    last_confirmed: date | None
    note: str
    state: str  # past | in_force | future
    stale: bool
    due: date | None


@dataclass
class ParamView:
    name: str
    label: str
    description: str
    clauses: list[str]
    review_months: int
    periods: list[PeriodView]

    @property
    def current(self) -> PeriodView | None:
        return next((p for p in self.periods if p.state == "in_force"), None)

    @property
    def anchor(self) -> str:
        return "param-" + _anchor_safe(self.name)


def policy_views(book, as_of: date, review_months: int | None) -> list[ParamView]:
    out = []
    for name in book.parameters:
        info = book.info(name)
        months = review_months if review_months is not None else (info.review_every_months if info else 12)
        history = book.history(name)
        in_force = max((i for i, (m, _) in enumerate(history) if m.effective_from <= as_of), default=None)
        periods = []
        for i, (meta, value) in enumerate(history):
            state = "in_force" if i == in_force else "future" if meta.effective_from > as_of else "past"
            live = state != "past"  # a superseded value needs no review
            periods.append(PeriodView(meta.effective_from, format_value(value), meta.verified, meta.source,
                                      meta.last_confirmed, meta.note, state,
                                      live and is_stale(meta.last_confirmed, months, as_of),
                                      review_due(meta.last_confirmed, months) if live else None))
        out.append(ParamView(name, info.label if info else name, info.description if info else "",
                             list(info.clauses) if info else [], months, periods))
    return out


# ============================================================================ clauses

CHECKABLE = {"api": "接口", "web": "网页", "offline": "线下"}
VERDICT_LABELS = {"pass": "通过", "fail": "不符合", "not_verifiable": "无法验证", "error": "出错"}
OUTCOME_LABELS = {"passed": "通过", "failed": "未通过", "error": "出错", "not_verifiable": "无法验证"}
DRIVER_LABELS = {"api": "接口", "web": "网页"}
STATE_LABELS = {"past": "已被取代", "in_force": "现行", "future": "尚未生效"}


@dataclass
class ClauseView:
    clause: object  # steps.spec_lint.Clause
    passage: Passage | None
    reason: object | None  # steps.spec_coverage.Reason
    scenarios: list[ScenarioView]
    params: list[ParamView]
    reading: Reading | None
    features: list[FeatureView]  # features tagged with this clause whose description states a reading
    verdict: object | None = None  # reports.model.ClauseVerdict

    @property
    def id(self) -> str:
        return self.clause.id

    @property
    def anchor(self) -> str:
        return "clause-" + self.clause.id

    @property
    def page(self) -> str:
        return f"clause-{self.clause.id}.html"

    @property
    def checkable(self) -> str:
        kinds = [CHECKABLE[k] for k in ("api", "web", "offline") if k in self.clause.checkable]
        return "、".join(kinds) or "—"

    @property
    def topic(self) -> str:
        text = self.clause.text
        return text if len(text) <= 44 else text[:44] + "…"

    @property
    def groups(self) -> list[tuple[FeatureView, list[ScenarioView]]]:
        """The scenarios by feature file, in file order: a feature's description applies to all of them."""
        out: dict[str, tuple[FeatureView, list[ScenarioView]]] = {}
        for s in self.scenarios:
            out.setdefault(s.feature.rel, (s.feature, []))[1].append(s)
        return list(out.values())

    @property
    def runnable(self) -> list[ScenarioView]:
        return [s for s in self.scenarios if not s.offline]

    @property
    def no_check(self) -> str | None:
        """Why nothing online checks this clause, in words (None when something does)."""
        if self.runnable:
            return None
        if self.scenarios or "offline" in self.clause.checkable:
            return ("本条款在公积金中心柜面或由服务商线下办理，网上服务厅无法验证；"
                    "下面的场景只作为文档，供政策人员核对，运行时报告为“无法验证”。")
        if self.reason is not None:
            return self.reason.reason
        return "没有场景检查本条款，也没有说明理由。"

    @property
    def status(self) -> str:
        if self.runnable:
            return "checked"
        if self.scenarios or "offline" in self.clause.checkable:
            return "offline"
        return "reason" if self.reason is not None else "missing"


def clause_views(catalogue, passages, reasons, features, params, readings, verdict_doc) -> list[ClauseView]:
    scenarios = [s for f in features for s in f.scenarios]
    verdicts = {c.id: c for c in verdict_doc.clauses} if verdict_doc else {}
    return [ClauseView(cl, passages.get(cid), reasons.get(cid),
                       [s for s in scenarios if cid in s.clauses],
                       [p for p in params if cid in p.clauses], readings.get(cid),
                       # only a feature tagged with the clause as a whole speaks for it; a feature whose
                       # scenarios cite several clauses states a reading of the set, not of each
                       [f for f in features if cid in f.clauses and f.reading],
                       verdicts.get(cid))
            for cid, cl in catalogue.items()]


# ============================================================================ glossary

# (term, English identifier as in the API and code — or an English phrase where the code has none, meaning); read against the guide and
# ../shared/reference/domain-notes.md. Kept here, not in data: it changes with the code's vocabulary.
GLOSSARY: tuple[tuple[str, str, str], ...] = (
    ("设立（职工账户设立）", "establish",
     "为从未缴存过住房公积金的新职工在本单位开立个人账户；账户从单位的应汇缴年月起缴存，之前欠缴的月份按个别补缴办理（指南三、9）。"),
    ("封存", "seal",
     "职工停止在本单位缴存时，把其个人账户转为封存状态：账户和余额仍属于职工，但不再列入单位每月的汇缴（指南三、3）。"),
    ("启封", "unseal",
     "把封存的个人账户恢复为正常缴存，同时填写起缴月份和缴存基数；起缴月份须是单位的应汇缴年月（指南三、3）。"),
    ("转移（职工转移）", "transfer",
     "职工以前在本中心缴存过公积金、账户已在原单位封存时，把该账户转入新单位；转入后仍为封存状态，须启封并设置基数（指南三、9）。"),
    ("补缴（个别补缴）", "back_pay",
     "为某个职工补交以前应缴未缴月份的公积金；网上只能办理因未及时设立账户或未及时启封造成的欠缴（指南三、4）。"),
    ("差额补缴", "base_shortfall",
     "因缴存基数不足而补交已缴月份少缴的差额；不能在网上办理，须到公积金柜面（指南三、4）。"),
    ("缴存基数", "base",
     "计算月缴存额的职工月工资基数，一般为职工上一年度的月平均工资，须在中心公布的上下限之内；月缴存额等于基数乘以缴存比例。"),
    ("缴存比例", "rate",
     "单位和职工各自按缴存基数缴存的百分比；本项目按单位与个人比例相同处理，允许范围是待核实的政策参数。"),
    ("汇缴", "remittance",
     "单位按月把单位和职工两部分公积金一并汇入中心专户；每个汇缴月份对应一份职工名单和金额。"),
    ("到账", "arrival",
     "单位汇缴的款项经银行划入中心专户并记入职工账户；已汇缴不等于已到账，封存须在最后一个月到账之后办理（指南三、3）。"),
    ("职工清册", "roster",
     "单位全部职工账户的名单，含账户状态、缴存基数和月缴存额；网上“职工清册查询”隔天更新（指南三、6）。"),
    ("经办人", "operator",
     "单位指定办理住房公积金业务的人员，其姓名、电话和证件号码登记在中心；修改后隔天更新，第2个工作日核实（指南三、5）。"),
    ("委托收款", "entrusted_collection",
     "单位签约后，由银行每月从单位的发薪账户自动划扣公积金的结算方式；这类单位可在网上打印已汇缴月份的汇（补）缴书（指南三、2）。"),
    ("储存卡（职工住房公积金储存卡）", "storage_card",
     "记载职工个人公积金账户的卡；账户设立后由职工本人到公积金中心办事处或分中心申领，或由单位经办人到汇缴受理点统一申领（指南三、8）。"),
    ("汇（补）缴书", "slip",
     "单位办理汇缴或补缴时使用的缴款凭证；未使用委托收款的单位须到汇缴受理点打印和办理（指南三、2）。"),
    ("汇缴受理点", "collection point",
     "受理单位汇（补）缴手续、打印汇（补）缴书和统一申领储存卡的银行网点。"),
    ("应汇缴年月", "due_month",
     "单位下一个应当汇缴的月份，即缴至年月的下一个月；从未汇缴过的单位为其首次汇缴月份。"),
    ("缴至年月", "paid_through",
     "单位（或职工）最后一个已经汇缴的月份。"),
    ("起缴月份", "start_month",
     "启封后职工重新开始缴存的第一个月份（指南三、3（2））。"),
    ("最后缴存月份", "last_month",
     "封存时填写的、该职工在本单位缴存的最后一个月份（指南三、3（1）“该职工最后一个月”）。"),
    ("业务流水号", "business_no",
     "中心为每一笔提交的业务生成的唯一编号，写在回执上，用于查询和核对该笔业务。"),
    ("回执", "receipt",
     "业务提交后网上服务厅给出的凭据，写明业务流水号以及单位还需要办理的事项（指南三、2）。"),
    ("数字证书", "certificate",
     "单位登录网上服务厅使用的江苏CA电子证书，须叠加住房公积金应用后才能使用；初始登录口令为123456（指南一、二）。"),
    ("数字证书口令", "pin",
     "使用数字证书登录时输入的口令；连续输错达到次数上限后证书锁定，次数是待核实的政策参数（指南二、2）。"),
    ("服务协议", "agreement",
     "开通网上业务时在网上服务厅查阅并签署的协议；签署后还须核对单位信息、设置查询密码才完成开通（指南一、2）。"),
    ("查询密码", "query_password",
     "开通流程中在核对单位信息后设置的密码（指南一、2）。"),
    ("网上服务厅", "portal",
     "单位办理住房公积金网上业务的网站，也可从同和综合服务平台的“公积金专区”进入。"),
    ("办理时间", "business_hours",
     "网上业务可以提交的时段：工作日的九时至十七时（指南三、3）；是否包含十七时整见“解读与待确认问题”。"),
    ("工作日", "working day",
     "法定工作日：周一至周五，加上国务院通知的调休上班日，减去法定节假日。"),
    ("隔天更新", "next_day_rule",
     "当天的修改在夜间更新后才显示，请于第2个工作日核实（指南三、5、6）。"),
    ("柜面", "counter",
     "公积金中心或分中心的服务窗口；网上不能办理的事项（如差额补缴、更正姓名和身份证号码）到柜面办理（指南三、1）。"),
    ("客户端程序", "client programs",
     "使用网上服务厅前须安装的三个程序：同和综合服务平台、数字证书助手和住房公积金网上业务打印组件（指南二、1）。"),
    ("测试控制", "test control（/_sim/）",
     "本项目的测试接口，用来拨动虚拟时钟、模拟汇缴和到账、准备单位和职工；门户的测试环境须提供，生产环境没有。"),
    ("政策参数", "policy parameter",
     "指南未写死、会随政策变化的取值（如办理时间），以带生效日期的数据保存，改数据而不改程序（指南注）。"),
    ("场景", "scenario",
     "用中文写成的一条可执行的检查：假如（前提）、当（操作）、那么（应有的结果）；每个场景有稳定编号并注明所检查的条款。"),
)


# ============================================================================ search index

def search_index(clauses: Sequence[ClauseView], features: Sequence[FeatureView]) -> list[dict[str, str]]:
    """Clause IDs and texts, scenario names and step texts, glossary terms: what the search box finds."""
    out = []
    for c in clauses:
        body = [c.clause.text, c.clause.gloss, c.clause.reading, *(c.passage.lines if c.passage else ())]
        if c.reading:
            body += [c.reading.question, c.reading.answer]
        out.append({"k": "条款", "id": c.id, "t": c.clause.text, "x": " ".join(body), "u": f"{c.page}#{c.anchor}"})
    for f in features:
        for s in f.scenarios:
            steps = [st.text for st in (*s.background, *s.steps)]
            steps += [" ".join(c for row in st.table for c in row) for st in (*s.background, *s.steps) if st.table]
            steps += [st.docstring for st in s.steps if st.docstring]
            steps += [" ".join(c for row in ex.rows for c in row) for ex in s.examples]
            out.append({"k": "场景", "id": s.id or "", "t": s.name, "x": " ".join(steps), "u": s.href})
    for term, ident, meaning in GLOSSARY:
        out.append({"k": "术语", "id": ident, "t": term, "x": meaning, "u": f"glossary.html#term-{_anchor_safe(ident)}"})
    return out


def inline_json(obj: object) -> Markup:
    """JSON safe inside a <script> element (no </script>, no HTML comment opener, no line separators)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)


# ============================================================================ rendering

def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(CHECKABLE=CHECKABLE, VERDICT_LABELS=VERDICT_LABELS, OUTCOME_LABELS=OUTCOME_LABELS,
                       DRIVER_LABELS=DRIVER_LABELS, STATE_LABELS=STATE_LABELS, SHOWN_TAGS=SHOWN_TAGS,
                       GUIDE_TITLE=GUIDE_TITLE)
    env.filters["anchor"] = _anchor_safe
    return env


def _prepare_out(out: Path) -> None:
    """Only a folder an earlier build marked is cleaned: its pages and screenshots must not linger."""
    if (out / MARKER).exists():
        for p in out.glob("*.html"):
            p.unlink()
        shutil.rmtree(out / SCREENS, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("gjj docs 生成的文件夹；重新生成时会清理其中的 *.html 和 screens/。\n", encoding="utf-8")


def build_site(out: Path, verdicts: Path | None = None, as_of: date | None = None,
               screenshots: Path | None = None, review_months: int | None = None,
               policy_dir: Path | None = None, features_dir: Path | None = None,
               guide_dir: Path | None = None) -> Path:
    """Build the site into ``out`` and return the path of ``index.html``.

    ``as_of`` decides which policy value is in force and which confirmation is stale; it defaults
    to today in Asia/Shanghai. ``guide_dir`` (the guide, ``clauses.md``, ``not_verifiable.toml``,
    ``readings.toml``) defaults to ``fixtures/guide``.
    """
    from gjj.simulator.policy.loader import load_policy
    from gjj.steps.spec_coverage import load_reasons
    from gjj.steps.spec_lint import load_catalogue

    if as_of is None:
        from gjj.simulator.clock import SystemClock  # the one wall-clock reader
        as_of = SystemClock().today()
    if review_months is not None and review_months < 1:
        raise SiteError(f"复核周期须为正整数（review months must be positive）: {review_months}")
    guide_dir = Path(guide_dir) if guide_dir is not None else GUIDE_DIR
    out = Path(out)

    try:
        catalogue = load_catalogue(guide_dir / CATALOGUE_FILE)
        catalogue_md = (guide_dir / CATALOGUE_FILE).read_text(encoding="utf-8")
        texts = catalogue_texts(catalogue_md)
        catalogue = {cid: c if c.text else replace(c, text=texts.get(c.row, ""))
                     for cid, c in catalogue.items()}
        guide_text = (guide_dir / GUIDE_FILE).read_text(encoding="utf-8")
    except (OSError, ValueError) as e:
        raise SiteError(f"条款目录或指南无法读取（cannot read the catalogue or the guide）: {e}") from e
    reasons, reason_errors = load_reasons(guide_dir / REASONS_FILE)
    if reason_errors:
        raise SiteError("；".join(reason_errors))
    readings = load_readings(guide_dir / READINGS_FILE, catalogue)
    features = load_features(Path(features_dir) if features_dir is not None else FEATURES_DIR)
    book = load_policy(Path(policy_dir) if policy_dir is not None else None)
    params = policy_views(book, as_of, review_months)
    doc = load_verdicts(Path(verdicts)) if verdicts is not None else None

    _prepare_out(out)
    scenarios = [s for f in features for s in f.scenarios]
    if doc is not None:
        attach_results(scenarios, doc, Path(verdicts).resolve().parent, out)
    if screenshots is not None:
        attach_screenshots(scenarios, Path(screenshots), out)

    clauses = clause_views(catalogue, guide_passages(guide_text, catalogue), reasons, features, params,
                           readings, doc)
    known = set(catalogue)
    context = {
        "as_of": as_of, "policy_version": book.version, "clauses": clauses, "features": features,
        "params": params, "doc": doc, "review_months": review_months, "glossary": GLOSSARY,
        "scenario_count": len(scenarios),
        "readings_total": sum(1 for c in clauses if c.clause.reading or c.reading),
        "readings_confirmed": sum(1 for c in clauses if c.reading and c.reading.confirmed),
        "unverified": [p for p in params if p.current and not p.current.verified],
        "stale": [p for p in params if any(x.stale for x in p.periods)],
        "not_in_force": [p for p in params if p.current is None],
        "unknown_param_clauses": {p.name: [c for c in p.clauses if c not in known] for p in params},
        "extra_sections": [(t, markdown_blocks(body)) for t, body in extra_catalogue_sections(catalogue_md)],
        "search_index": inline_json(search_index(clauses, features)),
    }
    env = _env()
    pages: list[tuple[str, str, dict]] = [
        ("index.html", "index.html.j2", {}),
        ("readings.html", "readings.html.j2", {}),
        ("policy.html", "policy.html.j2", {}),
        ("glossary.html", "glossary.html.j2", {}),
        ("all-clauses.html", "all_clauses.html.j2", {}),
    ]
    for i, c in enumerate(clauses):
        pages.append((c.page, "clause.html.j2", {"c": c, "prev": clauses[i - 1] if i else None,
                                                   "next": clauses[i + 1] if i + 1 < len(clauses) else None}))
    for f in features:
        pages.append((f.page, "feature.html.j2", {"f": f}))
    by_id = {c.id: c for c in clauses}
    for name, template, extra in pages:
        html = env.get_template(template).render(**context, **extra, page=name, by_id=by_id)
        (out / name).write_text(html, encoding="utf-8")
    return out / "index.html"


# ============================================================================ command

def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD（expected YYYY-MM-DD）: {text!r}") from None


def register(sub) -> None:
    p = sub.add_parser(
        "docs", help="生成给政策人员看的文档网站 / build the documentation site for policy staff",
        description="生成给政策人员看的中文文档网站（静态 HTML，可直接从磁盘打开、A4 打印）"
                    " / build the living documentation site for policy staff")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录（output folder），默认 out/docs")
    p.add_argument("--verdicts", type=Path, help="gjj certify 的 verdicts.json：显示条款结论和场景结果")
    p.add_argument("--as-of", type=_date, help="以哪一天的政策为准（policy as of），默认今天")
    p.add_argument("--screenshots", type=Path, help="pytest steps --driver web --screenshots DIR 的截图目录")
    p.add_argument("--review-months", type=int, help="统一的复核周期（月），代替各参数自己的 review_every_months")
    p.add_argument("--policy-dir", type=Path, help="政策数据目录（policy data folder），默认 fixtures/policy")
    p.add_argument("--features-dir", type=Path, help="功能文件目录（features folder），默认 features/")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from gjj.simulator.policy.loader import PolicyDataError

    try:
        index = build_site(args.out, verdicts=args.verdicts, as_of=args.as_of, screenshots=args.screenshots,
                           review_months=args.review_months, policy_dir=args.policy_dir,
                           features_dir=args.features_dir)
    except (SiteError, PolicyDataError, OSError) as e:
        print(f"无法生成文档（cannot build the site）: {e}", file=sys.stderr)
        return 2
    print(f"文档已生成 / site written: {index}")
    return 0

