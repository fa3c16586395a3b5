"""The one reader of the feature files: the official Gherkin parser (gherkin-official, the parser
pytest-bdd runs them with) turned into small typed views.

``read(path)`` / ``parse(text)`` give a ``Feature`` (or None for a file with no Feature at all):
its tags, description and Background; its Rules; its scenarios in file order, each with its own
tags and those it inherits from the Feature and its Rule, the Background steps that run before it,
its steps (keyword, keyword type, text, doc string, data table) and its Examples blocks (tags,
header, rows) — every tag, step and row with its real line number. ``FeatureParseError`` carries
the parser's messages by line. ``feature_files()`` lists the ``*.feature`` files under folders;
``FEATURES_ROOT`` is where the specification lives (``gjj.features``, in a checkout and in a wheel).

Used by the lint and the coverage check (``gjj.steps``), the tag registration of the steps'
``conftest.py`` and the ``gjj docs`` site (``gjj.reports``): it imports nothing of either, so both
can use it. Tag names are given without their ``@``, as pytest-bdd turns them into markers.
"""
from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.token_matcher import TokenMatcher
from gherkin.token_scanner import TokenScanner

FEATURES_ROOT = Path(str(files("gjj.features")))
GUIDE_TAG = "guide-"  # @guide-<clause>: the clause a scenario checks
ID_TAG = "id-"  # @id-<AREA>-<NN>: a scenario's stable ID


class FeatureParseError(ValueError):
    """The parser refused the text: ``errors`` is [(line, message)], the parser's own words."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__("; ".join(f"line {line}: {msg}" for line, msg in errors))


@dataclass(frozen=True)
class Tag:
    name: str  # without the "@"
    line: int

    @property
    def text(self) -> str:
        """As written in the file."""
        return "@" + self.name


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Step:
    keyword: str  # stripped: 假如, 当, 那么, 而且, *, …
    keyword_type: str  # the parser's: Context (Given), Action (When), Outcome (Then), Conjunction, Unknown
    text: str  # an outline's <parameters> left in place
    line: int
    docstring: str | None = None
    table: tuple[Row, ...] | None = None


@dataclass(frozen=True)
class Block:
    """What every block of a feature file starts with: its keyword (功能, 规则, 背景, 场景, 例子 …), name and line."""

    keyword: str
    name: str
    line: int


@dataclass(frozen=True)
class Examples(Block):
    tags: tuple[Tag, ...]
    header: Row | None
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Background(Block):
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Rule(Block):
    description: str
    tags: tuple[Tag, ...]
    background: Background | None


@dataclass(frozen=True)
class Scenario(Block):
    """A scenario or scenario outline."""

    description: str
    tags: tuple[Tag, ...]  # its own
    inherited: tuple[Tag, ...]  # the Feature's and its Rule's
    background: tuple[Step, ...]  # the Feature's Background steps, then its Rule's
    steps: tuple[Step, ...]
    examples: tuple[Examples, ...]
    rule: Rule | None = None

    @property
    def tag_names(self) -> set[str]:
        """Own and inherited tags (not those of Examples blocks)."""
        return {t.name for t in self.inherited + self.tags}

    @property
    def ids(self) -> list[str]:
        """Its own ``@id-`` tags, without the prefix (the lint wants exactly one)."""
        return [t.name[len(ID_TAG):] for t in self.tags if t.name.startswith(ID_TAG)]

    @property
    def clauses(self) -> set[str]:
        """The clauses it cites: ``@guide-`` tags of its own, of its Feature, Rule and Examples blocks."""
        tags = self.inherited + self.tags + tuple(t for ex in self.examples for t in ex.tags)
        return {t.name[len(GUIDE_TAG):] for t in tags if t.name.startswith(GUIDE_TAG)}


@dataclass(frozen=True)
class Feature(Block):
    path: Path | None
    language: str
    description: str
    tags: tuple[Tag, ...]
    background: Background | None
    rules: tuple[Rule, ...]
    scenarios: tuple[Scenario, ...]  # in file order, those of Rules included

    @property
    def backgrounds(self) -> list[Background]:
        return [b for b in (self.background, *(r.background for r in self.rules)) if b is not None]

    def all_tags(self) -> Iterator[Tag]:
        """Every tag of the file: Feature, Rules, scenarios, Examples blocks."""
        yield from self.tags
        for r in self.rules:
            yield from r.tags
        for s in self.scenarios:
            yield from s.tags
            for ex in s.examples:
                yield from ex.tags


# --------------------------------------------------------------------------- from the parser's AST

def _tags(node: dict[str, Any]) -> tuple[Tag, ...]:
    return tuple(Tag(t["name"].removeprefix("@"), t["location"]["line"]) for t in node.get("tags", []))


def _row(node: dict[str, Any]) -> Row:
    return Row(tuple(c.get("value") or "" for c in node.get("cells", [])), node["location"]["line"])


def _steps(node: dict[str, Any]) -> tuple[Step, ...]:
    out = []
    for st in node.get("steps", []):
        doc = st.get("docString")
        table = st.get("dataTable")
        out.append(Step(st["keyword"].strip(), st.get("keywordType", "Unknown"), st["text"], st["location"]["line"],
                        textwrap.dedent(doc["content"]) if doc else None,
                        tuple(_row(r) for r in table.get("rows", [])) if table else None))
    return tuple(out)


def _background(node: dict[str, Any] | None) -> Background | None:
    if node is None:
        return None
    return Background(node["keyword"], node.get("name", ""), node["location"]["line"], _steps(node))


def _scenario(node: dict[str, Any], inherited: tuple[Tag, ...], background: tuple[Step, ...],
              rule: Rule | None) -> Scenario:
    examples = tuple(
        Examples(ex["keyword"], ex.get("name", ""), ex["location"]["line"], _tags(ex),
                 _row(ex["tableHeader"]) if ex.get("tableHeader") else None,
                 tuple(_row(r) for r in ex.get("tableBody", [])))
        for ex in node.get("examples", []))
    return Scenario(node["keyword"], node.get("name", ""), node["location"]["line"],
                    textwrap.dedent(node.get("description", "")), _tags(node), inherited, background,
                    _steps(node), examples, rule)


def _feature(doc: dict[str, Any], path: Path | None) -> Feature | None:
    node = doc.get("feature")
    if not node:
        return None
    tags = _tags(node)
    background = next((_background(c["background"]) for c in node.get("children", []) if "background" in c), None)
    feature_steps = background.steps if background else ()
    rules: list[Rule] = []
    scenarios: list[Scenario] = []
    for child in node.get("children", []):
        if "rule" in child:
            rn = child["rule"]
            rule_bg = next((_background(c["background"]) for c in rn.get("children", []) if "background" in c), None)
            rule = Rule(rn["keyword"], rn.get("name", ""), rn["location"]["line"], rn.get("description", ""),
                        _tags(rn), rule_bg)
            rules.append(rule)
            for c in rn.get("children", []):
                if "scenario" in c:
                    scenarios.append(_scenario(c["scenario"], tags + rule.tags,
                                               feature_steps + (rule_bg.steps if rule_bg else ()), rule))
        elif "scenario" in child:
            scenarios.append(_scenario(child["scenario"], tags, feature_steps, None))
    return Feature(node["keyword"], node.get("name", ""), node["location"]["line"], path, node.get("language", ""),
                   textwrap.dedent(node.get("description", "")), tags, background, tuple(rules), tuple(scenarios))


# --------------------------------------------------------------------------- entry points

_LOCATION = re.compile(r"^\(\d+:\d+\): ")


def parse(text: str, *, language: str = "en", path: Path | None = None) -> Feature | None:
    """Parse feature text. ``language`` is the dialect when the text has no ``# language:`` line
    (the parser's default, as pytest-bdd runs it, is English). None when there is no Feature."""
    try:
        doc = Parser().parse(TokenScanner(text if text.endswith("\n") else text + "\n"), TokenMatcher(language))
    except ParserError as e:
        errors = e.errors if isinstance(e, CompositeParserException) else [e]
        raise FeatureParseError([(int((getattr(x, "location", None) or {}).get("line") or 0),
                                  _LOCATION.sub("", str(x))) for x in errors]) from None
    return _feature(doc, path)


def read(path: str | Path, *, language: str = "en") -> Feature | None:
    """Read and parse one file (UTF-8). OSError and UnicodeDecodeError are the caller's to report."""
    path = Path(path)
    return parse(path.read_text(encoding="utf-8"), language=language, path=path)


def feature_files(paths: Iterable[str | Path] = (FEATURES_ROOT,)) -> list[Path]:
    """The ``*.feature`` files under each folder (sorted), and each file given as it is."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.rglob("*.feature")))
        else:
            out.append(p)
    return out
