"""`junit.xml`: the run for CI servers (Jenkins, GitLab, GitHub test reporters).

One <testsuite> per feature file, one <testcase> per scenario. A failed scenario is a <failure>
(the portal is wrong), an error scenario an <error> (the harness could not tell), a not-verifiable
one <skipped> with its reason. Each testcase carries a ``clause`` property per clause it cites, so
a CI server can be searched by clause.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import OrderedDict
from pathlib import Path

from .compare import as_doc, clean_text
from .labels import EVIDENCE_LABELS, OUTCOME_LABELS, both
from .model import Scenario, VerdictsDoc


def _classname(feature: str) -> str:
    # CI servers split classname at the last dot into package and class, so drop ".feature".
    return feature.removesuffix(".feature").replace("\\", "/").replace("/", ".")


def testcase_name(s: Scenario) -> str:
    row = "，".join(f"{k}={v}" for k, v in s.example.items())
    return f"{s.id} {s.name} [{s.driver}]" + (f" {row}" if row else "")


def _failure_text(s: Scenario) -> str:
    f = s.failure
    lines = [f.message] if f else []
    if f and f.step is not None and 0 <= f.step < len(s.steps):
        st = s.steps[f.step]
        lines.append(f"失败的步骤（failing step）：{st.keyword} {st.text}")
    if f and f.expected is not None:
        lines.append(f"期望（expected）：{f.expected}")
    if f and f.actual is not None:
        lines.append(f"实际（actual）：{f.actual}")
    if f and f.detail:
        lines += ["", f.detail]
    return "\n".join(lines)


def _evidence_text(s: Scenario) -> str:
    return "\n".join(f"{both(EVIDENCE_LABELS, e.kind)}：{e.path}" + (f"  {e.label}" if e.label else "")
                     for e in s.evidence)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: clean_text(v) for k, v in attrs.items()})
    if text:
        el.text = clean_text(text)
    return el


def _counts(scenarios: list[Scenario]) -> dict[str, str]:
    return {"tests": str(len(scenarios)),
            "failures": str(sum(s.outcome == "failed" for s in scenarios)),
            "errors": str(sum(s.outcome == "error" for s in scenarios)),
            "skipped": str(sum(s.outcome == "not_verifiable" for s in scenarios)),
            "time": f"{sum(s.duration_s for s in scenarios):.3f}"}


def _testcase(suite: ET.Element, s: Scenario) -> None:
    case = _sub(suite, "testcase", classname=_classname(s.feature), name=testcase_name(s),
                time=f"{s.duration_s:.3f}", file=s.feature, line=str(s.line))
    props = _sub(case, "properties")
    _sub(props, "property", name="key", value=s.key)
    for cid in s.clauses:
        _sub(props, "property", name="clause", value=cid)
    message = s.failure.message if s.failure else ""
    if s.outcome == "failed":
        _sub(case, "failure", _failure_text(s), message=message.splitlines()[0] if message else both(OUTCOME_LABELS, "failed"),
             type="fail")
    elif s.outcome == "error":
        _sub(case, "error", _failure_text(s), message=message.splitlines()[0] if message else both(OUTCOME_LABELS, "error"),
             type="error")
    elif s.outcome == "not_verifiable":
        _sub(case, "skipped", message=f"{both(OUTCOME_LABELS, 'not_verifiable')}：{s.reason or s.reason_code or '—'}")
    if s.evidence:
        _sub(case, "system-out", _evidence_text(s))


def junit_tree(doc: VerdictsDoc | dict) -> ET.ElementTree:
    doc = as_doc(doc)
    features: OrderedDict[str, list[Scenario]] = OrderedDict()
    for s in doc.scenarios:
        features.setdefault(s.feature, []).append(s)
    target = doc.target.get("name") or doc.target.get("base_url") or ""
    everything = _counts(doc.scenarios)
    if doc.run_error:  # a run that stopped early must not look green in CI: count it as one error
        everything["tests"] = str(len(doc.scenarios) + 1)
        everything["errors"] = str(int(everything["errors"]) + 1)
    everything["time"] = f"{doc.duration_s:.3f}"  # the run's wall time, set-up included
    root = ET.Element("testsuites", {"name": clean_text(f"住房公积金网上服务厅一致性认证 {target}".strip()),
                                     **everything})
    for feature, scenarios in features.items():
        suite = _sub(root, "testsuite", name=scenarios[0].feature_name, file=feature,
                     timestamp=doc.started_at, **_counts(scenarios))
        props = _sub(suite, "properties")
        for name, value in (("target", doc.target.get("base_url")), ("mode", doc.mode), ("tags", doc.tags),
                            ("suite_version", doc.suite.get("version")), ("suite_commit", doc.suite.get("commit")),
                            ("guide", doc.guide.get("id")), ("policy_as_of", doc.policy.get("as_of"))):
            if value:
                _sub(props, "property", name=name, value=str(value))
        for s in scenarios:
            _testcase(suite, s)
    if doc.run_error:
        suite = _sub(root, "testsuite", name="运行（run）", tests="1", failures="0", errors="1", skipped="0",
                     time="0.000", timestamp=doc.started_at)
        case = _sub(suite, "testcase", classname="gjj.certify", name="运行未完成（the run did not complete）",
                    time="0.000")
        _sub(case, "error", doc.run_error, message=doc.run_error.splitlines()[0], type="run_error")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(doc: VerdictsDoc | dict, out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "junit.xml"
    body = ET.tostring(junit_tree(doc).getroot(), encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", encoding="utf-8")
    return path
