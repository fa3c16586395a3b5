"""A lint of the zh-CN feature files (design-lessons §9: Chinese Gherkin pitfalls).

Usage as a library::

    from gjj.steps.spec_lint import lint_paths
    for p in lint_paths(["features"]):
        print(p)            # features/x.feature:12: L002 …中文…（English）

and as a command (exit status 1 when there is any problem)::

    python -m gjj.steps.spec_lint [--catalogue fixtures/guide/clauses.md] [paths …]   # default: features/

Structure is read by the feature reader (``gjj.features.reader``: the official parser that pytest-bdd
uses, ``gherkin`` from gherkin-official), the clauses by the catalogue (``gjj.fixtures.guide.catalogue``);
the pitfalls the parser hides (a keyword swallowing the start of a word, ``给定`` silently turned into
a description or a parse error) are found with raw line checks that follow the parser's own rules for
what is in step position.

Rules (the codes are stable; never renumber, only add):

===== ===========================================================================================
L000  the file cannot be read or parsed (the parser's own message, plus a hint where one is known)
L001  the first line must be ``# language: zh-CN``
L002  a step keyword must be followed by a space (``当前时间为…`` is keyword 当 + ``前时间为…``)
L003  ``给定`` is not a zh-CN keyword
L004  every scenario / scenario outline has exactly one When block (a block starts at a 当 step;
      而且/并且/同时/但是 continue it)
L005  a Background holds Given steps only (no 当, no 那么)
L006  every scenario has at least one ``@guide-<clause>`` tag (its own, or inherited from the
      Feature or the Rule; for an outline, every Examples block must end up with one)
L007  every scenario has exactly one ``@id-<AREA>-<NN>`` tag of its own, unique across all files
      linted together; ``@id-`` tags on a Feature, Rule or Examples are refused
L008  every ``@guide-<clause>`` names a clause of the catalogue (``fixtures/guide/clauses.md``)
L009  parameters use full-width quotes “ ”; an ASCII ``"`` in a step text or a table cell is refused
      (doc-string delimiters and doc-string content are fine)
===== ===========================================================================================

When a problem would make the file unparseable (a missing or wrong language line, a ``给定`` step),
the lint reports the rule and parses a repaired copy (same line numbers) so the remaining rules
still run: one mistake, one problem.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gherkin.dialect import Dialect
from gherkin.token_matcher import TokenMatcher

from gjj.features.reader import (
    FEATURES_ROOT,
    GUIDE_TAG,
    ID_TAG,
    Feature,
    FeatureParseError,
    Row,
    Scenario,
    Step,
    Tag,
    feature_files,
    parse,
)
from gjj.fixtures.guide.catalogue import CATALOGUE_PATH, Clause, load_catalogue

LANGUAGE = "zh-CN"
LANGUAGE_LINE = f"# language: {LANGUAGE}"
ID_RE = re.compile(r"^@id-[A-Z][A-Z0-9]*-\d{2,}$")
NOT_A_KEYWORD = "给定"

RULES: dict[str, tuple[str, str]] = {
    "L000": ("文件无法读取或解析", "file cannot be read or parsed"),
    "L001": (f"第一行须为“{LANGUAGE_LINE}”", f"first line must be '{LANGUAGE_LINE}'"),
    "L002": ("步骤关键字后须有空格", "a step keyword must be followed by a space"),
    "L003": ("“给定”不是 zh-CN 的步骤关键字", "'给定' is not a zh-CN step keyword"),
    "L004": ("每个场景恰好一个“当”", "exactly one When (当) block per scenario"),
    "L005": ("背景只能有“假如”类步骤", "a Background holds Given steps only"),
    "L006": ("每个场景至少一个 @guide- 标签", "every scenario has at least one @guide- tag"),
    "L007": ("每个场景恰好一个唯一的 @id- 标签", "every scenario has exactly one unique @id- tag"),
    "L008": ("@guide- 标签须引用条款目录中的条款", "@guide- tags must cite a catalogued clause"),
    "L009": ("参数用全角引号“ ”，不用半角 \"", "use full-width quotes “ ” in steps, not ASCII \""),
}


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where, which rule, and a message in Chinese with English in brackets."""

    file: str
    line: int
    code: str
    zh: str
    en: str

    @property
    def message(self) -> str:
        return f"{self.zh}（{self.en}）"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.code} {self.message}"


# --------------------------------------------------------------------------- the dialect


_DIALECT = Dialect.for_name(LANGUAGE)
STEP_KEYWORDS: list[str] = sorted(
    set(_DIALECT.given_keywords + _DIALECT.when_keywords + _DIALECT.then_keywords
        + _DIALECT.and_keywords + _DIALECT.but_keywords),
    key=len, reverse=True)  # longest first, as gherkin's TokenMatcher does
WHEN_KEYWORDS = [k for k in _DIALECT.when_keywords if k.strip() != "*"]
THEN_KEYWORDS = [k for k in _DIALECT.then_keywords if k.strip() != "*"]
_HEADERS = {
    "feature": _DIALECT.feature_keywords,
    "rule": _DIALECT.rule_keywords,
    "background": _DIALECT.background_keywords,
    "scenario": _DIALECT.scenario_keywords + _DIALECT.scenario_outline_keywords,
    "examples": _DIALECT.examples_keywords,
}
_ALL_HEADER_KEYWORDS = [k for ks in _HEADERS.values() for k in ks]


def _header_kind(stripped: str) -> str | None:
    for kind, keywords in _HEADERS.items():
        if any(stripped.startswith(k + ":") for k in keywords):
            return kind
    return None


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and unicodedata.category(ch).startswith("L")


def _shorten(text: str, n: int = 16) -> str:
    return text if len(text) <= n else text[:n] + "…"


# --------------------------------------------------------------------------- parsing one file


@dataclass
class ParsedFile:
    path: Path
    display: str
    lines: list[str] = field(default_factory=list)
    feature: Feature | None = None  # None: unreadable, unparseable (L000) or no Feature at all
    problems: list[Problem] = field(default_factory=list)
    capture_lines: set[int] = field(default_factory=set)  # lines reported under L002

    def problem(self, line: int, code: str, zh: str, en: str) -> None:
        self.problems.append(Problem(self.display, line, code, zh, en))


def display_path(path: Path) -> str:
    """A file as people are shown it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _check_language(pf: ParsedFile) -> bool:
    """L001. Returns True when the file needs repairing before it is parsed."""
    first = pf.lines[0].lstrip("\ufeff").rstrip() if pf.lines else ""
    if first == LANGUAGE_LINE:
        return False
    m = TokenMatcher.LANGUAGE_RE.match(first)
    if m and m.group(1) == LANGUAGE:
        pf.problem(1, "L001", f"语言行须写成“{LANGUAGE_LINE}”，现为“{first}”",
                   f"write the language line exactly as '{LANGUAGE_LINE}', found '{first}'")
        return False
    if m:
        pf.problem(1, "L001", f"语言须为 {LANGUAGE}，现为“{m.group(1)}”；否则中文关键字都无法识别",
                   f"the language must be {LANGUAGE}, found '{m.group(1)}'; "
                   "otherwise no Chinese keyword is recognised")
    else:
        pf.problem(1, "L001", f"缺少第一行“{LANGUAGE_LINE}”；没有它，“功能”“场景”等中文关键字都无法识别",
                   f"missing first line '{LANGUAGE_LINE}'; without it no Chinese keyword "
                   "(功能, 场景, …) is recognised")
    return True


def _raw_step_checks(pf: ParsedFile) -> set[int]:
    """L002 and L003 on raw lines in step position. Returns the 给定 lines (to blank for the parser).

    Step position follows the parser: inside a Background or Scenario block (after its header),
    outside doc strings, tables, comments and tags. Lines of a Feature, Rule or Examples
    description are not steps (the parser never reads a step there). A line of a Scenario that
    starts with a step keyword *is* a step (the parser tries steps before descriptions); a line
    starting with 给定 there is flagged even before the first step, because the parser would
    otherwise swallow it silently into the scenario's description.
    """
    blank: set[int] = set()
    context = "header"
    docstring: str | None = None
    for lineno, line in enumerate(pf.lines, 1):
        s = line.lstrip()
        if docstring is not None:
            if s.startswith(docstring):
                docstring = None
            continue
        if not s.strip() or s.startswith(("#", "@", "|")):
            continue
        if s.startswith(('"""', "```")) and context == "steps":  # doc strings follow steps only
            docstring = s[:3]
            continue
        kind = _header_kind(s)
        if kind is not None:
            context = "steps" if kind in ("background", "scenario") else kind
            continue
        if context != "steps":
            continue
        if s.startswith(NOT_A_KEYWORD):
            blank.add(lineno)
            rest = s[len(NOT_A_KEYWORD):].strip()
            pf.problem(lineno, "L003",
                       f"“给定”不是 zh-CN 的步骤关键字，Given 请用“假如”“假设”或“假定”：改为“假如 {_shorten(rest)}”",
                       f"'给定' is not a zh-CN step keyword; for Given use 假如, 假设 or 假定: "
                       f"write '假如 {_shorten(rest)}'")
            continue
        for kw in STEP_KEYWORDS:
            if not s.startswith(kw):
                continue
            after = s[len(kw):]
            if kw.endswith(" ") or not after or after[0].isspace():
                break
            pf.capture_lines.add(lineno)
            line_text = s.rstrip()
            word = kw + after[0] if len(kw) == 1 else kw  # 当前, 当月 … or 同时, 假设 …
            kind_zh = "中文" if _is_cjk(after[0]) else "字符"
            pf.problem(lineno, "L002",
                       f"“{_shorten(line_text)}”被解析为关键字“{kw}”加文本“{_shorten(after.rstrip())}”："
                       f"步骤关键字后须有空格，不能紧接{kind_zh}。如果“{word}”是普通词语，请在前面加关键字"
                       f"（如“而且 {_shorten(line_text, 8)}”或“* {_shorten(line_text, 8)}”）或改写（如“当月”改为“本月”）；"
                       f"如果“{kw}”是关键字，请写成“{kw} {_shorten(after.rstrip(), 8)}”",
                       f"parsed as keyword '{kw}' + text '{_shorten(after.rstrip())}': a step keyword must be "
                       f"followed by a space; if '{word}' is an ordinary word, lead with a keyword "
                       f"('而且 {word}…' or '* {word}…') or rephrase (e.g. 当月 -> 本月); if '{kw}' is "
                       f"the keyword, write '{kw} {_shorten(after.rstrip(), 8)}'")
            break
    return blank


def _parse_errors(pf: ParsedFile, err: FeatureParseError) -> None:
    for line, msg in err.errors:
        text = pf.lines[line - 1].strip() if 0 < line <= len(pf.lines) else ""
        hint_zh = hint_en = ""
        for kw in _ALL_HEADER_KEYWORDS:
            if text.startswith(kw + "："):
                hint_zh = f"；“{kw}”后须用半角冒号“:”，不能用全角“：”"
                hint_en = f"; '{kw}' must be followed by an ASCII colon ':', not '：'"
        pf.problem(line, "L000", f"解析失败{hint_zh}", f"parse error: {msg}{hint_en}")


def parse_file(path: str | Path) -> ParsedFile:
    """Read and parse one feature file, with the raw checks L001–L003 (and L000 on failure)."""
    path = Path(path)
    pf = ParsedFile(path, display_path(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        pf.problem(0, "L000", "文件无法按 UTF-8 读取", f"cannot read the file as UTF-8: {e}")
        return pf
    pf.lines = text.splitlines()
    repair_language = _check_language(pf)
    blank = _raw_step_checks(pf)
    lines = list(pf.lines)
    if repair_language:
        # parse as zh-CN whatever the file declares; a stray language line would override it
        for i, line in enumerate(lines):
            if TokenMatcher.LANGUAGE_RE.match(line):
                lines[i] = ""
    for n in blank:
        lines[n - 1] = ""
    try:
        pf.feature = parse("\n".join(lines) + "\n", language=LANGUAGE, path=path)
    except FeatureParseError as e:
        _parse_errors(pf, e)
    return pf


# --------------------------------------------------------------------------- tags by place


def _container_tags(feature: Feature) -> Iterator[tuple[str, Tag]]:
    """(where, tag) for tags on the Feature, Rules and Examples blocks."""
    for t in feature.tags:
        yield "功能/Feature", t
    for rule in feature.rules:
        for t in rule.tags:
            yield "规则/Rule", t
    for sc in feature.scenarios:
        for ex in sc.examples:
            for t in ex.tags:
                yield "例子/Examples", t


# --------------------------------------------------------------------------- the structural rules


def _step_desc(step: Step) -> str:
    return f"第{step.line}行“{step.keyword} {_shorten(step.text)}”"


def _when_blocks(steps: Iterable[Step], skip: set[int]) -> list[Step]:
    return [s for s in steps if s.keyword_type == "Action" and s.line not in skip]


def _check_background(pf: ParsedFile, steps: Iterable[Step]) -> None:
    for step in steps:
        if step.line in pf.capture_lines:
            continue  # already L002: the keyword is an accident of a missing space
        if step.keyword_type in ("Action", "Outcome"):
            en_kind = "When" if step.keyword_type == "Action" else "Then"
            pf.problem(step.line, "L005",
                       f"背景只能有“假如”类的前提步骤，不能有“{step.keyword}”步骤：请移到各场景中",
                       f"a Background holds Given steps only; move this {en_kind} step "
                       f"'{step.keyword} …' into the scenarios")


def _check_scenario(pf: ParsedFile, sc: Scenario) -> None:
    title = f"场景“{_shorten(sc.name, 24)}”"
    # L004: one When block. A step flagged under L002 has an accidental keyword, so the count is
    # accepted if it is right under either reading of those steps.
    steps = sc.steps
    every = _when_blocks(steps, set())
    strict = _when_blocks(steps, pf.capture_lines)
    if len(every) != 1 and len(strict) != 1:
        if not every:
            pf.problem(sc.line, "L004", f"{title}没有“当”步骤：每个场景须恰好有一个“当”（所做的那一件事）",
                       "the scenario has no When (当) step; every scenario needs exactly one")
        else:
            where = "、".join(_step_desc(s) for s in every)
            pf.problem(sc.line, "L004",
                       f"{title}有{len(every)}个“当”步骤（{where}）：每个场景只能有一个“当”；"
                       f"同一动作的后续步骤用“而且”，其余拆成另一个场景或移到“假如”",
                       f"the scenario has {len(every)} When (当) blocks at lines "
                       f"{', '.join(str(s.line) for s in every)}; exactly one is allowed "
                       "(continue it with 而且, or split the scenario)")
    # L006: at least one @guide- tag, counting Feature and Rule; every Examples block of an outline.
    inherited_guides = {t.name for t in sc.inherited + sc.tags if t.name.startswith(GUIDE_TAG)}
    if not inherited_guides:
        exs = sc.examples
        uncovered = [ex for ex in exs if not any(t.name.startswith(GUIDE_TAG) for t in ex.tags)]
        if not exs or uncovered:
            pf.problem(sc.line, "L006",
                       f"{title}没有 @guide-<条款> 标签（本场景、规则、功能上都没有）：请标明它验证的条款，如 @guide-3.3.1",
                       "the scenario cites no clause: add a @guide-<clause> tag to it, its Rule or its "
                       "Feature (e.g. @guide-3.3.1)")
    # L007: exactly one own @id- tag, well formed.
    ids = [t for t in sc.tags if t.name.startswith(ID_TAG)]
    if not ids:
        pf.problem(sc.line, "L007", f"{title}没有 @id- 标签：每个场景须有自己的稳定编号，如 @id-SEAL-01",
                   "the scenario has no @id- tag; give it its own stable ID, e.g. @id-SEAL-01")
    elif len(ids) > 1:
        pf.problem(ids[1].line, "L007",
                   f"{title}有{len(ids)}个 @id- 标签（{' '.join(t.text for t in ids)}）：只能有一个",
                   f"the scenario has {len(ids)} @id- tags ({' '.join(t.text for t in ids)}); exactly one allowed")
    for t in ids:
        if not ID_RE.match(t.text):
            pf.problem(t.line, "L007",
                       f"编号标签“{t.text}”格式不对：应为 @id-<区域>-<两位以上数字>，如 @id-SEAL-01",
                       f"malformed ID tag '{t.text}': expected @id-<AREA>-<NN>, e.g. @id-SEAL-01")
    # L009: ASCII double quotes in the step text or table cells.
    seen: set[int] = set()

    def quote_problem(line: int, what_zh: str, what_en: str, text: str) -> None:
        if line in seen:
            return
        seen.add(line)
        pf.problem(line, "L009",
                   f"{what_zh}“{_shorten(text, 24)}”中有半角双引号 \"：参数请用全角引号“ ”（步骤定义按全角匹配）",
                   f"ASCII double quote in {what_en} '{_shorten(text, 24)}': use full-width quotes “ ” "
                   "around parameters (step definitions match the full-width form)")

    def check_table(rows: Iterable[Row], what_zh: str, what_en: str) -> None:
        for row in rows:
            for value in row.cells:
                if '"' in value:
                    quote_problem(row.line, what_zh, what_en, value)

    for step in steps:
        if '"' in step.text:
            quote_problem(step.line, "步骤", "the step", step.keyword + " " + step.text)
        if step.table:
            check_table(step.table, "表格单元格", "the table cell")
    for ex in sc.examples:
        check_table(((ex.header,) if ex.header else ()) + ex.rows, "例子单元格", "the example cell")


def _check_tags(pf: ParsedFile, catalogue: dict[str, Clause] | None) -> None:
    assert pf.feature is not None
    for where, t in _container_tags(pf.feature):
        if t.name.startswith(ID_TAG):
            pf.problem(t.line, "L007",
                       f"编号标签“{t.text}”在{where.split('/')[0]}上：@id- 标签只能写在场景本身上（否则会被继承、重复）",
                       f"ID tag '{t.text}' on a {where.split('/')[1]}: @id- tags belong on the scenario "
                       "itself (otherwise they are inherited and repeated)")
    if catalogue is None:
        return
    for t in pf.feature.all_tags():
        name = t.text
        if t.name.startswith(GUIDE_TAG) and t.name[len(GUIDE_TAG):] not in catalogue:
            cid = t.name[len(GUIDE_TAG):]
            pf.problem(t.line, "L008",
                       f"标签“{name}”引用的条款“{cid}”不在条款目录（fixtures/guide/clauses.md）中",
                       f"tag '{name}' cites clause '{cid}', which is not in the catalogue "
                       "(fixtures/guide/clauses.md)")


def lint_file(pf: ParsedFile, catalogue: dict[str, Clause] | None) -> None:
    """Run the structural rules on one parsed file (adds to ``pf.problems``)."""
    if pf.feature is None:
        return
    for background in pf.feature.backgrounds:
        _check_background(pf, background.steps)
    for sc in pf.feature.scenarios:
        _check_scenario(pf, sc)
    _check_tags(pf, catalogue)


# --------------------------------------------------------------------------- entry points


def parse_paths(paths: Iterable[str | Path]) -> list[ParsedFile]:
    return [parse_file(f) for f in feature_files(paths)]


def _check_unique_ids(files: list[ParsedFile]) -> list[Problem]:
    first: dict[str, tuple[ParsedFile, int]] = {}
    out = []
    for pf in files:
        for sc in pf.feature.scenarios if pf.feature else ():
            for t in sc.tags:
                if not t.name.startswith(ID_TAG):
                    continue
                if t.name in first:
                    other, oline = first[t.name]
                    out.append(Problem(pf.display, t.line, "L007",
                                       f"编号“{t.text}”重复：已用于 {other.display}:{oline}；编号须全局唯一、永不复用",
                                       f"duplicate ID '{t.text}', already used at {other.display}:{oline}; "
                                       "IDs are unique across all files and never reused"))
                else:
                    first[t.name] = (pf, t.line)
    return out


def lint_parsed(files: list[ParsedFile], catalogue: dict[str, Clause] | None) -> list[Problem]:
    problems: list[Problem] = []
    for pf in files:
        lint_file(pf, catalogue)
        problems.extend(pf.problems)
    problems.extend(_check_unique_ids(files))
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.code, p.zh))


def lint_paths(paths: Iterable[str | Path] | None = None,
               catalogue: dict[str, Clause] | str | Path | None = CATALOGUE_PATH) -> list[Problem]:
    """Lint feature files and directories (default: features/). ``catalogue`` is a loaded catalogue,
    a path to ``clauses.md``, or None to skip L008."""
    if isinstance(catalogue, (str, Path)):
        catalogue = load_catalogue(catalogue)
    return lint_parsed(parse_paths(paths if paths is not None else [FEATURES_ROOT]), catalogue)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gjj.steps.spec_lint",
                                 description="zh-CN Gherkin lint of the feature files (rules L000–L009)")
    ap.add_argument("paths", nargs="*", help="feature files or directories (default: features/)")
    ap.add_argument("--catalogue", default=str(CATALOGUE_PATH), help="clause catalogue (clauses.md)")
    ap.add_argument("--rules", action="store_true", help="list the rules and exit")
    args = ap.parse_args(argv)
    if args.rules:
        for code, (zh, en) in RULES.items():
            print(f"{code}  {zh}（{en}）")
        return 0
    files = feature_files(args.paths or [FEATURES_ROOT])
    missing = [f for f in files if not f.exists()]
    if missing:
        for f in missing:
            print(f"{f}: 文件不存在（no such file）", file=sys.stderr)
        return 2
    problems = lint_parsed([parse_file(f) for f in files], load_catalogue(args.catalogue))
    for p in problems:
        print(p)
    if problems:
        print(f"\n{len(problems)} 个问题，涉及 {len({p.file for p in problems})} 个文件"
              f"（{len(problems)} problem(s) in {len({p.file for p in problems})} file(s)）")
        return 1
    print(f"{len(files)} 个功能文件，没有问题（{len(files)} feature file(s), no problems）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
