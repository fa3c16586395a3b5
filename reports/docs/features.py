"""The feature files as the site shows them: one ``FeatureView`` per file and one ``ScenarioView`` per
scenario (steps with their outline parameters marked, Examples tables, the clauses cited, the
page and anchor each lives at), read through the feature reader (``gjj.features.reader``)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gjj.features.reader import GUIDE_TAG, ID_TAG, FeatureParseError, Step, feature_files, read
from gjj.fixtures.guide.catalogue import clause_sort_key

from ..links import anchor_safe
from .errors import SiteError
from .results import DRIVERS, DriverResult, Shot

_PARAM = re.compile(r"(<[^<>]+>)")
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
                rest = lines[i + 1:]
                stop = next((j for j, x in enumerate(rest) if x.startswith("指南")), len(rest))
                return "".join([ln, *rest[:stop]])
        return ""

    @property
    def cited(self) -> list[str]:
        """The clauses this feature is about: its own tags, else everything its scenarios cite."""
        if self.clauses:
            return self.clauses
        return sorted({c for s in self.scenarios for c in s.clauses}, key=clause_sort_key)


def _steps(steps: Iterable[Step]) -> list[StepView]:
    return [StepView(st.keyword, [(bool(_PARAM.fullmatch(p)), p) for p in _PARAM.split(st.text) if p],
                     st.docstring, [list(row.cells) for row in st.table] if st.table is not None else None)
            for st in steps]


def _shown(tags: Iterable[str]) -> list[str]:
    return sorted(t for t in tags if not t.startswith((GUIDE_TAG, ID_TAG)))


def _cited(tags: Iterable[str]) -> list[str]:
    return sorted({t[len(GUIDE_TAG):] for t in tags if t.startswith(GUIDE_TAG)}, key=clause_sort_key)


def load_features(features_dir: Path) -> list[FeatureView]:
    """Every ``*.feature`` under the folder, as the suite runs them (a file it cannot read is an error)."""
    if not features_dir.is_dir():
        raise SiteError(f"{features_dir}: 功能文件目录不存在（features folder not found）")
    features: list[FeatureView] = []
    pages: set[str] = set()
    for path in feature_files([features_dir]):
        rel = path.relative_to(features_dir).as_posix()
        try:
            feat = read(path)
        except (FeatureParseError, OSError, UnicodeDecodeError) as e:
            # a file the suite cannot run must not be shown as if it were fine
            raise SiteError(f"{path}: 功能文件无法解析（cannot parse the feature file）: {e}") from e
        if feat is None:
            raise SiteError(f"{path}: 功能文件无法解析（cannot parse the feature file）: 没有“功能”（no Feature）")
        page = "feature-" + anchor_safe(rel.removesuffix(".feature").replace("/", "-"))
        while page + ".html" in pages:
            page += "-2"
        pages.add(page + ".html")
        ftags = [t.name for t in feat.tags]
        fv = FeatureView(rel, page + ".html", feat.keyword, feat.name, feat.description.strip(), _shown(ftags),
                         _cited(ftags), _steps(feat.background.steps) if feat.background else [])
        used: set[str] = set()
        for sc in feat.scenarios:
            tabled = [ex for ex in sc.examples if ex.header is not None]  # pytest-bdd runs no other
            examples = [ExamplesView(ex.name, sorted(t.name for t in ex.tags if not t.name.startswith(GUIDE_TAG)),
                                     list(ex.header.cells), [list(r.cells) for r in ex.rows])
                        for ex in tabled]
            tags = sc.tag_names | {t.name for ex in tabled for t in ex.tags}
            ids = sorted(t.name[len(ID_TAG):] for t in sc.tags if t.name.startswith(ID_TAG))
            sid = ids[0] if ids else None
            anchor = "scenario-" + anchor_safe(sid or f"line-{sc.line}")
            while anchor in used:
                anchor += "-2"
            used.add(anchor)
            fv.scenarios.append(ScenarioView(
                sid, anchor, sc.keyword, sc.name, sc.line, fv, sc.rule.name if sc.rule else None, _shown(tags),
                _cited(tags), sc.description.strip(), _steps(sc.background), _steps(sc.steps), examples))
        features.append(fv)
    return features
