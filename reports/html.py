"""`index.html`: the certification report for people — QA leads, vendors, provident-fund policy staff.

One self-contained file (inline CSS and JS, system fonts, no external URL), Chinese by default with
an English toggle. Every label exists in both languages as ``<span class="zh">…<span class="en">…``;
without JavaScript the Chinese shows and nothing interactive appears. Evidence paths stay relative to
the report directory so the folder can be zipped, mailed and opened anywhere.

The template is ``templates/index.html.j2`` beside this file (a wheel carries it only when the
package data lists ``templates/*.j2``).
"""
from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .compare import as_doc, clean_text
from .labels import (
    CHECKABLE_LABELS,
    EVIDENCE_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    OUTCOMES,
    PREFLIGHT_LABELS,
    STEP_LABELS,
    VERDICT_LABELS,
    VERDICTS,
    pair,
)
from .links import anchor_safe, relative_href
from .model import PolicyValue, Scenario, VerdictsDoc
from .verdicts import REASONS

STEP_MARKS = {"passed": "✓", "failed": "✗", "error": "✗", "skipped": "–", "not_run": "–"}
VERDICT_MARKS = {"pass": "✓", "fail": "✗", "not_verifiable": "–", "error": "!"}
OUTCOME_MARKS = {"passed": "✓", "failed": "✗", "error": "!", "not_verifiable": "–"}
EXIT_CODES = {0: ("全部通过", "all passed"), 1: ("有条款不符合", "some clause failed"),
              2: ("运行未完成", "the run did not complete")}
# Scenario.reason is Chinese only; its code gives the English reader the gist (the clause reasons' words).
REASON_CODES = {code: en for code, (_, en) in REASONS.items()}


def anchor_ids(prefix: str, names: list[str]) -> dict[str, str]:
    """Stable, unique, ASCII-safe element ids (keys like `SEAL-01[row2][web]` are not pretty URLs)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        if name in out:
            continue
        base = prefix + anchor_safe(name)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        out[name] = candidate
    return out


def duration_text(seconds: float) -> tuple[str, str]:
    if seconds < 60:
        return f"{seconds:.1f} 秒", f"{seconds:.1f} s"
    h, rest = divmod(round(seconds), 3600)
    m, s = divmod(rest, 60)
    zh = (f"{h} 小时 " if h else "") + f"{m} 分 {s} 秒"
    en = (f"{h} h " if h else "") + f"{m} min {s} s"
    return zh, en


def time_text(iso: str) -> str:
    return iso.replace("T", " ", 1) if re.match(r"^\d{4}-\d\d-\d\dT", iso) else iso


def example_text(example: dict[str, str]) -> str:
    return "，".join(f"{k}={v}" for k, v in example.items())


def _policy_values(doc: VerdictsDoc) -> list[PolicyValue | dict]:
    values = doc.policy.get("values") or []
    out = []
    for v in values if isinstance(values, list) else []:
        if isinstance(v, PolicyValue):
            out.append(v)
        elif isinstance(v, dict):
            try:
                out.append(PolicyValue.model_validate(v))
            except ValueError:
                out.append({"parameter": str(v.get("parameter", "?")), "value": str(v.get("value", "")),
                            "effective_from": "", "verified": False, "source": ""})
    return out


def _failure_step(s: Scenario) -> int | None:
    if s.failure and s.failure.step is not None and 0 <= s.failure.step < len(s.steps):
        return s.failure.step
    return None


def _evidence(s: Scenario) -> tuple[list[dict], list[dict]]:
    """Screenshots (shown inline) and everything else (linked)."""
    images, links = [], []
    for ev in s.evidence:
        item = {"kind": ev.kind, "kind_label": pair(EVIDENCE_LABELS, ev.kind),
                "path": ev.path, "label": ev.label or ev.path, "href": relative_href(ev.path)}
        (images if ev.kind == "screenshot" and item["href"] else links).append(item)
    return images, links


def _context(doc: VerdictsDoc) -> dict:
    by_key = {s.key: s for s in doc.scenarios}
    clause_ids = anchor_ids("clause-", [c.id for c in doc.clauses])
    scenario_ids = anchor_ids("scenario-", [s.key for s in doc.scenarios])
    not_passed = [s for s in doc.scenarios if s.outcome in ("failed", "error")]
    by_feature: OrderedDict[str, list[Scenario]] = OrderedDict()
    for s in doc.scenarios:
        if s.outcome in ("passed", "not_verifiable"):
            by_feature.setdefault(s.feature, []).append(s)
    total_clauses = sum(doc.summary.clauses.get(v, 0) for v in VERDICTS) or 1
    return {
        "doc": doc, "by_key": by_key, "clause_ids": clause_ids, "scenario_ids": scenario_ids,
        "not_passed": not_passed, "by_feature": by_feature, "total_clauses": total_clauses,
        "verdicts": VERDICTS, "outcomes": OUTCOMES, "verdict_labels": VERDICT_LABELS,
        "outcome_labels": OUTCOME_LABELS, "verdict_marks": VERDICT_MARKS, "outcome_marks": OUTCOME_MARKS,
        "step_marks": STEP_MARKS, "step_labels": STEP_LABELS, "exit_codes": EXIT_CODES, "modes": MODE_LABELS,
        "preflight_labels": PREFLIGHT_LABELS, "checkable": CHECKABLE_LABELS, "reason_codes": REASON_CODES,
        "policy_values": _policy_values(doc),
        "duration": duration_text(doc.duration_s), "started": time_text(doc.started_at),
        "finished": time_text(doc.finished_at), "failure_step": _failure_step, "evidence": _evidence,
        "example_text": example_text,
    }


def _finalize(value: object) -> object:
    # Runs on every {{ … }} before escaping: tracebacks carry colour codes and control characters.
    # Markup (a macro's output) was built from values already cleaned here.
    if isinstance(value, Markup):
        return value
    return clean_text(value) if isinstance(value, str) else ("" if value is None else value)


def _template():
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, finalize=_finalize,
                      keep_trailing_newline=True)
    return env.get_template("index.html.j2")


def render_html(doc: VerdictsDoc | dict) -> str:
    return _template().render(**_context(as_doc(doc)))


def write_html(doc: VerdictsDoc | dict, out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "index.html"
    path.write_text(render_html(doc), encoding="utf-8")
    return path
