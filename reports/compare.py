"""What changed between two certification runs, clause by clause.

    python -m reports.compare old/verdicts.json new/verdicts.json

Exit status: 0 no clause verdict changed, 1 some clause verdict changed (or a clause was added or
removed), 2 an input could not be read. Scenario-level differences are reported but do not change
the exit status: a certificate is issued per clause, so CI gates on clauses.

This module also holds what every report renderer needs to read a document: ``as_doc`` (schema
check first, then the pydantic model), ``load_doc`` and ``clean_text``. The labels are ``labels.py``'s.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .labels import OUTCOME_LABELS, OUTCOMES, VERDICT_LABELS, VERDICTS, both
from .model import SCHEMA, VerdictsDoc

# ---------------------------------------------------------------- reading a verdicts document


class DocError(ValueError):
    """A verdicts document that cannot be used; the message is for people (Chinese + English)."""


def as_doc(obj: VerdictsDoc | dict) -> VerdictsDoc:
    """The document as the model, refusing any other schema before looking further."""
    if isinstance(obj, VerdictsDoc):
        schema = obj.schema_
    elif isinstance(obj, dict):
        schema = obj.get("schema")
    else:
        raise DocError(f"不是判定文档：{type(obj).__name__}（not a verdicts document）")
    if schema != SCHEMA:
        raise DocError(f"不支持的文档版本 schema={schema!r}，应为 {SCHEMA!r}"
                       f"（unsupported schema {schema!r}, expected {SCHEMA!r}）")
    if isinstance(obj, VerdictsDoc):
        return obj
    try:
        return VerdictsDoc.model_validate(obj)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DocError(f"判定文档格式错误：{where}：{first['msg']}（malformed verdicts document, "
                       f"{e.error_count()} problem(s)）") from None


def load_doc(path: str | Path) -> VerdictsDoc:
    """Read ``verdicts.json``; every failure becomes a DocError naming the file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DocError(f"{path}：文件不存在（file not found）") from None
    except (OSError, UnicodeDecodeError) as e:
        raise DocError(f"{path}：无法读取（cannot read）：{e}") from None
    except json.JSONDecodeError as e:
        raise DocError(f"{path}：不是有效的 JSON（invalid JSON），第 {e.lineno} 行第 {e.colno} 列"
                       f"（line {e.lineno}, column {e.colno}）：{e.msg}") from None
    try:
        return as_doc(data)
    except DocError as e:
        raise DocError(f"{path}：{e}") from None


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Characters XML 1.0 forbids, plus the C1 controls a terminal leaves in tracebacks.
_CONTROL = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: object) -> str:
    """Text fit for XML and HTML: colour codes and control characters removed."""
    return _CONTROL.sub("", _ANSI.sub("", str(value)))


# ---------------------------------------------------------------- comparison

def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    """Left-align in a monospace column where CJK characters take two cells."""
    return s + " " * max(0, width - _width(s))


def _direction(old: str, new: str) -> str:
    if old == "pass" and new in ("fail", "error"):
        return "  ↓ 退步（regression）"
    if new == "pass" and old in ("fail", "error"):
        return "  ↑ 改善（improvement）"
    return ""


@dataclass
class Comparison:
    old: VerdictsDoc
    new: VerdictsDoc
    clause_changes: list[tuple[str, str, str]] = field(default_factory=list)   # id, old, new
    clauses_added: list[tuple[str, str]] = field(default_factory=list)         # id, verdict
    clauses_removed: list[tuple[str, str]] = field(default_factory=list)
    scenario_changes: list[tuple[str, str, str]] = field(default_factory=list)  # key, old, new
    scenarios_added: list[tuple[str, str]] = field(default_factory=list)
    scenarios_removed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when some clause verdict differs (a clause added or removed counts)."""
        return bool(self.clause_changes or self.clauses_added or self.clauses_removed)

    def _notes(self) -> list[str]:
        """Differences in what was run, which make a verdict change less meaningful."""
        o, n = self.old, self.new
        checks = [
            (o.target.get("base_url") != n.target.get("base_url"), "被测门户不同（the targets differ）"),
            (o.mode != n.mode, f"模式不同：{o.mode} → {n.mode}（the modes differ）"),
            (o.tags != n.tags, f"标签筛选不同：{o.tags or '无'} → {n.tags or '无'}（the tag filters differ）"),
            (o.guide.get("sha256") != n.guide.get("sha256"), "指南文本不同（the guide texts differ）"),
            (o.policy.get("as_of") != n.policy.get("as_of"),
             f"政策日期不同：{o.policy.get('as_of')} → {n.policy.get('as_of')}（the policy dates differ）"),
        ]
        return [text for differs, text in checks if differs]

    def render(self) -> str:
        o, n = self.old, self.new
        out = ["两次认证运行的比较（comparison of two certification runs）", ""]
        for tag, d in (("旧（old）", o), ("新（new）", n)):
            commit = (d.suite.get("commit") or "")[:12]
            out.append(f"{_pad(tag, 10)} {d.started_at}  套件（suite）{d.suite.get('version') or '?'}"
                       f"{' ' + commit if commit else ''}  目标（target）{d.target.get('base_url', '?')}"
                       f"  模式（mode）{d.mode}  退出码（exit code）{d.exit_code}")
        for note in self._notes():
            out.append(f"注意：{note}")
        out.append("")

        for title, labels, keys, old_counts, new_counts in (
            ("条款结论（clause verdicts）", VERDICT_LABELS, VERDICTS, o.summary.clauses, n.summary.clauses),
            ("场景结果（scenario outcomes）", OUTCOME_LABELS, OUTCOMES, o.summary.scenarios, n.summary.scenarios),
        ):
            out.append(f"{_pad(title, 32)}{_pad('旧（old）', 12)}{_pad('新（new）', 12)}变化（change）")
            for k in keys:
                a, b = old_counts.get(k, 0), new_counts.get(k, 0)
                delta = f"{b - a:+d}" if b != a else "0"
                out.append(f"  {_pad(both(labels, k), 30)}{_pad(str(a), 12)}{_pad(str(b), 12)}{delta}")
            out.append("")

        def section(title: str, rows: list[str]) -> None:
            out.append(f"{title}：{len(rows)}")
            out.extend(rows or ["  无（none）"])
            out.append("")

        width = max([_width(c[0]) for c in self.clause_changes + self.clauses_added + self.clauses_removed]
                    + [4]) + 2
        section("结论有变化的条款（clauses whose verdict changed）",
                [f"  {_pad(cid, width)}{both(VERDICT_LABELS, a)} → {both(VERDICT_LABELS, b)}{_direction(a, b)}"
                 for cid, a, b in self.clause_changes])
        section("新增条款（clauses added）",
                [f"  {_pad(cid, width)}{both(VERDICT_LABELS, v)}" for cid, v in self.clauses_added])
        section("移除条款（clauses removed）",
                [f"  {_pad(cid, width)}{both(VERDICT_LABELS, v)}" for cid, v in self.clauses_removed])

        keys = self.scenario_changes + self.scenarios_added + self.scenarios_removed
        swidth = max([_width(s[0]) for s in keys] + [4]) + 2
        section("结果有变化的场景（scenarios whose outcome changed）",
                [f"  {_pad(k, swidth)}{both(OUTCOME_LABELS, a)} → {both(OUTCOME_LABELS, b)}"
                 for k, a, b in self.scenario_changes])
        section("新增场景（scenarios added）",
                [f"  {_pad(k, swidth)}{both(OUTCOME_LABELS, v)}" for k, v in self.scenarios_added])
        section("移除场景（scenarios removed）",
                [f"  {_pad(k, swidth)}{both(OUTCOME_LABELS, v)}" for k, v in self.scenarios_removed])

        out.append("结论：有条款的结论发生了变化（result: some clause verdict changed）" if self.changed
                   else "结论：条款结论没有变化（result: no clause verdict changed）")
        return "\n".join(out) + "\n"


def compare(old: dict | VerdictsDoc, new: dict | VerdictsDoc) -> Comparison:
    """Differences between two runs; raises DocError for a document of another schema."""
    o, n = as_doc(old), as_doc(new)
    cmp = Comparison(o, n)
    old_c = {c.id: c.verdict for c in o.clauses}
    new_c = {c.id: c.verdict for c in n.clauses}
    # New run's order first (the catalogue's order), then what only the old run had.
    cmp.clause_changes = [(cid, old_c[cid], v) for cid, v in new_c.items() if cid in old_c and old_c[cid] != v]
    cmp.clauses_added = [(cid, v) for cid, v in new_c.items() if cid not in old_c]
    cmp.clauses_removed = [(cid, v) for cid, v in old_c.items() if cid not in new_c]
    old_s = {s.key: s.outcome for s in o.scenarios}
    new_s = {s.key: s.outcome for s in n.scenarios}
    cmp.scenario_changes = [(k, old_s[k], v) for k, v in new_s.items() if k in old_s and old_s[k] != v]
    cmp.scenarios_added = [(k, v) for k, v in new_s.items() if k not in old_s]
    cmp.scenarios_removed = [(k, v) for k, v in old_s.items() if k not in new_s]
    return cmp


def register(sub) -> None:
    p = sub.add_parser("compare", help="比较两次认证的结论 / compare two certification runs",
                       description="比较两次认证的结论 / compare two runs' verdicts.json: exit 0 unchanged, "
                                   "1 changed, 2 cannot compare")
    p.add_argument("old", metavar="OLD_VERDICTS_JSON", help="以前的 verdicts.json / the earlier run")
    p.add_argument("new", metavar="NEW_VERDICTS_JSON", help="新的 verdicts.json / the later run")
    p.set_defaults(run=run)


def run(args) -> int:
    try:
        old, new = load_doc(args.old), load_doc(args.new)
    except DocError as e:
        print(f"无法比较（cannot compare）：{e}", file=sys.stderr)
        return 2
    result = compare(old, new)
    sys.stdout.write(result.render())
    return 1 if result.changed else 0

