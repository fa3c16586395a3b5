"""Clause coverage of the specification, failing closed (design-lessons §2).

For every clause of the catalogue (``fixtures/guide/clauses.md``) the report lists the scenarios
citing it (by their ``@id-`` tag), whether each runs in API mode or only ``@web`` / ``@offline``,
and the explicit "not verifiable" reason from ``fixtures/guide/not_verifiable.toml`` if there is one.

The check fails when

- a clause has neither a scenario nor a reason (``missing()``);
- a reason names a clause that is not in the catalogue (``orphan_reasons()``);
- a reason is kept for a clause that a scenario now cites (``stale_reasons()``: delete the reason);
- a reason is empty or lacks its Chinese or English text (``reason_errors``);
- a scenario cites a clause that is not in the catalogue (``unknown_citations()``);
- a feature file cannot be parsed (``parse_problems``): nothing unreadable counts as covered.

Separately, ``mode_gaps()`` lists clauses not cited in the mode their ``checkable`` column asks
for: an ``api`` clause (``api`` or ``api+web``) needs a scenario that runs in API mode (neither
``@web`` nor ``@offline``); a ``web``-only clause an ``@web`` scenario; an ``offline`` clause an
``@offline`` scenario. The command prints them as warnings and fails on them with
``--strict-modes``.

The feature files are read by ``gjj.features.reader``, the catalogue and the reasons by
``gjj.fixtures.guide.catalogue``.

Command::

    python -m gjj.steps.spec_coverage [--features DIR] [--catalogue clauses.md] [--reasons not_verifiable.toml]
                                      [--strict-modes]
"""
from __future__ import annotations

import argparse
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from gjj.features.reader import FEATURES_ROOT, FeatureParseError, feature_files, read
from gjj.fixtures.guide.catalogue import (
    CATALOGUE_PATH,
    CHECKABLE_KINDS,
    REASONS_PATH,
    Clause,
    Reason,
    load_catalogue,
    load_reasons,
)

from .spec_lint import display_path


@dataclass(frozen=True)
class Citation:
    """One scenario citing a clause."""

    scenario_id: str  # the @id- tag without its prefix, or "<file>:<line>" when it has none
    file: str
    line: int
    name: str
    web: bool
    offline: bool

    @property
    def mode(self) -> str:
        return "offline" if self.offline else "web" if self.web else "api"


@dataclass
class ClauseCoverage:
    clause: Clause
    scenarios: list[Citation] = field(default_factory=list)
    reason: Reason | None = None

    @property
    def modes(self) -> set[str]:
        return {c.mode for c in self.scenarios}

    @property
    def required_mode(self) -> str | None:
        """The mode a scenario must run in to check this clause, from the ``checkable`` column."""
        return next((k for k in CHECKABLE_KINDS if k in self.clause.checkable), None)

    @property
    def status(self) -> str:
        if self.scenarios:
            return "covered"
        if self.reason:
            return "not_verifiable"
        return "missing"


@dataclass
class Report:
    clauses: dict[str, ClauseCoverage]
    reasons: dict[str, Reason]
    citations: dict[str, list[Citation]]  # every cited clause ID, catalogued or not
    reason_errors: list[str] = field(default_factory=list)
    parse_problems: list[str] = field(default_factory=list)  # "file:line: message", one per parser error

    def missing(self) -> list[str]:
        """Clauses with neither a scenario nor a not-verifiable reason."""
        return [cid for cid, cc in self.clauses.items() if cc.status == "missing"]

    def orphan_reasons(self) -> list[str]:
        return [cid for cid in self.reasons if cid not in self.clauses]

    def stale_reasons(self) -> list[str]:
        return [cid for cid, cc in self.clauses.items() if cc.reason and cc.scenarios]

    def unknown_citations(self) -> dict[str, list[Citation]]:
        return {cid: cs for cid, cs in self.citations.items() if cid not in self.clauses}

    def mode_gaps(self) -> dict[str, str]:
        """Clause ID -> the mode no citing scenario runs in, though its ``checkable`` asks for it."""
        return {cid: cc.required_mode for cid, cc in self.clauses.items()
                if cc.required_mode and cc.required_mode not in cc.modes}

    def failures(self) -> list[str]:
        """Everything that makes the check fail, one bilingual line each (mode gaps excluded)."""
        out = [f"解析失败（parse error）: {p}" for p in self.parse_problems]
        out += [f"条款 {cid} 既没有场景也没有不可验证的理由（clause {cid} has neither a scenario nor a "
                f"not-verifiable reason）" for cid in self.missing()]
        out += [f"not_verifiable.toml 中的条款 {cid} 不在条款目录中（reason given for clause {cid}, "
                f"which is not in the catalogue）" for cid in self.orphan_reasons()]
        out += [f"条款 {cid} 已有场景（{', '.join(c.scenario_id for c in self.clauses[cid].scenarios)}），"
                f"请删去 not_verifiable.toml 中的理由（clause {cid} is cited by a scenario now; delete its "
                f"not-verifiable reason）" for cid in self.stale_reasons()]
        out += self.reason_errors
        out += [f"场景 {', '.join(c.scenario_id for c in cs)} 引用的条款 {cid} 不在条款目录中（scenario(s) "
                f"cite clause {cid}, which is not in the catalogue）"
                for cid, cs in self.unknown_citations().items()]
        return out

    @property
    def ok(self) -> bool:
        return not self.failures()

    def format_table(self) -> str:
        rows = [("条款 clause", "可验证 checkable", "状态 status", "场景 scenarios / 理由 reason")]
        labels = {"covered": "已覆盖 covered", "not_verifiable": "不可验证 not verifiable",
                  "missing": "缺失 MISSING"}
        for cid, cc in self.clauses.items():
            if cc.scenarios:
                detail = " ".join(c.scenario_id + ("" if c.mode == "api" else f"[{c.mode}]")
                                  for c in cc.scenarios)
            elif cc.reason:
                detail = cc.reason.reason
            else:
                detail = "—"
            rows.append((cid, cc.clause.checkable_text, labels[cc.status], detail))
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        lines = []
        for i, r in enumerate(rows):
            lines.append("  ".join(_pad(c, w) for c, w in zip(r[:3], widths)) + "  " + r[3])
            if i == 0:
                lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 30)
        return "\n".join(lines)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def coverage(features_dir: str | Path = FEATURES_ROOT, catalogue_path: str | Path = CATALOGUE_PATH,
             reasons_path: str | Path = REASONS_PATH) -> Report:
    catalogue = load_catalogue(catalogue_path)
    reasons, reason_errors = load_reasons(reasons_path)
    citations: dict[str, list[Citation]] = {}
    parse_problems: list[str] = []
    for path in feature_files([features_dir]):
        display = display_path(path)
        try:
            # zh-CN when a file lacks its language line: that is the lint's L001, not a coverage gap
            feature = read(path, language="zh-CN")
        except (OSError, UnicodeDecodeError) as e:
            parse_problems.append(f"{display}: 无法读取（cannot read）: {e}")
            continue
        except FeatureParseError as e:
            parse_problems += [f"{display}:{line}: {msg}" for line, msg in e.errors]
            continue
        for sc in feature.scenarios if feature else ():
            ids = sc.ids
            tags = sc.tag_names
            cit = Citation(ids[0] if ids else f"{display}:{sc.line}", display, sc.line, sc.name,
                           web="web" in tags, offline="offline" in tags)
            for cid in sorted(sc.clauses):
                citations.setdefault(cid, []).append(cit)
    clauses = {cid: ClauseCoverage(cl, citations.get(cid, []), reasons.get(cid))
               for cid, cl in catalogue.items()}
    return Report(clauses, reasons, citations, reason_errors, parse_problems)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gjj.steps.spec_coverage",
                                 description="clause coverage of the feature files (fails closed)")
    ap.add_argument("--features", default=str(FEATURES_ROOT))
    ap.add_argument("--catalogue", default=str(CATALOGUE_PATH))
    ap.add_argument("--reasons", default=str(REASONS_PATH))
    ap.add_argument("--strict-modes", action="store_true",
                    help="also fail when a clause is not cited in the mode its checkable column asks for")
    args = ap.parse_args(argv)
    report = coverage(args.features, args.catalogue, args.reasons)
    print(report.format_table())
    failures = report.failures()
    gaps = report.mode_gaps()
    if gaps:
        print("\n模式缺口（mode gaps）:")
        names = {"api": "接口模式（API mode, neither @web nor @offline）", "web": "@web", "offline": "@offline"}
        for cid, mode in gaps.items():
            print(f"  条款 {cid}: 没有{names[mode]}的场景（no scenario in this mode）")
        if args.strict_modes:
            failures += [f"mode gap: {cid} needs {mode}" for cid, mode in gaps.items()]
    if failures:
        print("\n不通过（FAILED）:")
        for f in failures:
            print(f"  {f}")
        return 1
    n = len(report.clauses)
    print(f"\n{n} 条条款都有场景或不可验证的理由（all {n} clauses have a scenario or a reason）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
