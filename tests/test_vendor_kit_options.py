"""docs/vendor-kit.md's table of `gjj certify` options is the command's argparse tree: every option is
documented, and every documented option exists (finding: --control-token-env, --as-of were missing)."""
from __future__ import annotations

import re
from pathlib import Path

from gjj.cli import build_parser, commands

KIT = Path(__file__).resolve().parents[1] / "docs" / "vendor-kit.md"


def _section(title: str) -> str:
    text = KIT.read_text(encoding="utf-8")
    start = text.index(title)
    return text[start:text.index("\n## ", start)]


def _parser_options(name: str) -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._subparsers._group_actions if a.choices)  # argparse keeps the tree here
    return {o for action in sub.choices[name]._actions for o in action.option_strings if o.startswith("--")} - {
        "--help"}


def test_the_certify_options_table_matches_the_command():
    rows = [line for line in _section("### Command-line options of `gjj certify`").splitlines() if line.startswith("| `")]
    documented = {m for row in rows for m in re.findall(r"`(--[a-z-]+)", row.split("|")[1])}
    assert "certify" in commands(build_parser())
    assert documented == _parser_options("certify"), (documented ^ _parser_options("certify"))
