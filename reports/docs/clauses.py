"""One view per clause of the catalogue, everything the site says about it together: the guide's words,
the reading, the policy values, the scenarios that check it (or why none does) and the run's verdict."""
from __future__ import annotations

from dataclasses import dataclass

from gjj.fixtures.guide.catalogue import CHECKABLE_KINDS, Clause, Reason

from ..labels import CHECKABLE_LABELS, zh
from ..model import ClauseVerdict
from .features import FeatureView, ScenarioView
from .guide_text import Passage
from .policy import ParamView
from .readings import Reading


@dataclass
class ClauseView:
    clause: Clause
    passage: Passage | None
    reason: Reason | None
    scenarios: list[ScenarioView]
    params: list[ParamView]
    reading: Reading | None
    features: list[FeatureView]  # features tagged with this clause whose description states a reading
    verdict: ClauseVerdict | None = None

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
        kinds = [zh(CHECKABLE_LABELS, k) for k in CHECKABLE_KINDS if k in self.clause.checkable]
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
