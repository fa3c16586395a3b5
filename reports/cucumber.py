"""`cucumber.json`: the run in the (legacy) Cucumber JSON format, for the many report tools that read it
(cucumber-html-reporter, the Jenkins cucumber-reports plugin, Allure, Xray …).

Follows what cucumber-js/-jvm write — an array of features, each with ``elements`` of type
``scenario`` whose ``steps`` carry ``result.status`` and ``result.duration`` in nanoseconds — and
keeps to the fields of cucumber/cucumber-json-schema (canonical.json), so strict readers accept it.

The verdicts document does not record where each step or feature keyword sits in its file, so a
step's ``line`` is its scenario's line and a feature's ``line`` is 1.
"""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from pathlib import Path

from .compare import as_doc, clean_text
from .labels import OUTCOME_LABELS, VERDICT_LABELS, both
from .model import Scenario, VerdictsDoc

STATUS = {"passed": "passed", "failed": "failed", "error": "failed", "skipped": "skipped", "not_run": "skipped"}


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_\u4e00-\u9fff]+", "-", text).strip("-").lower() or "x"


def _ns(seconds: float) -> int:
    return round(max(seconds, 0.0) * 1_000_000_000)


def _tag(name: str) -> str:
    return name if name.startswith("@") else "@" + name


def scenario_tags(s: Scenario) -> list[str]:
    """The scenario's tags as Gherkin writes them, always with its @id- and @guide- tags."""
    tags = [_tag(t) for t in s.tags] + [f"@id-{s.id}"] + [f"@guide-{c}" for c in s.clauses]
    return list(OrderedDict.fromkeys(tags))


def _error_message(s: Scenario) -> str:
    f = s.failure
    if f is None:
        return both(OUTCOME_LABELS, "error" if s.outcome == "error" else "failed")
    head = (f"出错（error，工具未能完成检查，不代表门户不符合）：{f.message}" if f.kind == "error"
            else f"{both(VERDICT_LABELS, 'fail')}：{f.message}")
    lines = [head]
    if f.expected is not None:
        lines.append(f"期望（expected）：{f.expected}")
    if f.actual is not None:
        lines.append(f"实际（actual）：{f.actual}")
    if f.detail:
        lines += ["", f.detail]
    if s.evidence:
        lines += ["", "证据（evidence）："] + [f"  {e.path}" + (f"  {e.label}" if e.label else "") for e in s.evidence]
    return clean_text("\n".join(lines))


def _result(status: str, seconds: float, message: str | None = None) -> dict:
    result = {"status": status, "duration": _ns(seconds)}
    if message is not None:
        result["error_message"] = message
    return result


def _hook(status: str, message: str, location: str) -> dict:
    return {"match": {"location": location}, "result": _result(status, 0.0, message)}


def _element(s: Scenario, feature_id: str, element_id: str) -> dict:
    location = f"{s.feature}:{s.line}"
    failing = s.outcome in ("failed", "error")
    fstep = s.failure.step if (s.failure and s.failure.step is not None
                               and 0 <= s.failure.step < len(s.steps)) else None
    steps = []
    for i, st in enumerate(s.steps):
        status = "skipped" if s.outcome == "not_verifiable" else STATUS.get(st.outcome, "skipped")
        message = None
        if status == "failed":  # strict readers refuse a failed step without a message
            message = _error_message(s) if (i == fstep or fstep is None) else both(OUTCOME_LABELS, "failed")
        keyword = st.keyword if st.keyword.endswith(" ") else st.keyword + " "
        steps.append({"keyword": clean_text(keyword), "name": clean_text(st.text), "line": s.line,
                      "match": {"location": location}, "result": _result(status, st.duration_s, message)})
    if s.outcome == "not_verifiable" and not steps:
        # Report tools count a scenario with no steps as passed; one skipped step keeps it skipped.
        steps.append({"keyword": "* ", "name": clean_text(f"{both(OUTCOME_LABELS, 'not_verifiable')}：{s.reason or '—'}"),
                      "line": s.line, "match": {"location": location}, "result": _result("skipped", 0.0)})
    element = {
        "id": f"{feature_id};{element_id}", "keyword": "场景", "type": "scenario",
        "name": clean_text(f"{s.id} {s.name} [{s.driver}]"
                           + (" " + "，".join(f"{k}={v}" for k, v in s.example.items()) if s.example else "")),
        "description": clean_text(f"{both(OUTCOME_LABELS, 'not_verifiable')}：{s.reason}" if s.outcome == "not_verifiable"
                                  and s.reason else ""),
        "line": s.line,
        "tags": [{"name": clean_text(t)} for t in scenario_tags(s)],
        "steps": steps,
    }
    if failing and not any(step["result"]["status"] == "failed" for step in steps):
        # The failure happened outside any step (set-up or tear-down): report it as a hook.
        ran = any(st.outcome in ("passed", "failed", "error") for st in s.steps)
        element["after" if ran else "before"] = [_hook("failed", _error_message(s), location)]
    return element


def cucumber_features(doc: VerdictsDoc | dict) -> list[dict]:
    doc = as_doc(doc)
    by_feature: OrderedDict[str, list[Scenario]] = OrderedDict()
    for s in doc.scenarios:
        by_feature.setdefault(s.feature, []).append(s)
    features = []
    for path, scenarios in by_feature.items():
        feature_id = _slug(path.removesuffix(".feature"))
        used: set[str] = set()
        elements = []
        for s in scenarios:
            element_id, n = _slug(s.key), 1
            while element_id in used:
                n += 1
                element_id = f"{_slug(s.key)}-{n}"
            used.add(element_id)
            elements.append(_element(s, feature_id, element_id))
        # Feature tags: what every scenario of the file shares (the file's own @guide- tags), no @id-.
        common = [t for t in scenario_tags(scenarios[0]) if not t.startswith("@id-")
                  and all(t in scenario_tags(s) for s in scenarios[1:])]
        features.append({
            "uri": path, "id": feature_id, "keyword": "功能", "name": clean_text(scenarios[0].feature_name),
            "description": "", "line": 1, "tags": [{"name": clean_text(t)} for t in common],
            "elements": elements,
        })
    return features


def write_cucumber(doc: VerdictsDoc | dict, out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "cucumber.json"
    path.write_text(json.dumps(cucumber_features(doc), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
