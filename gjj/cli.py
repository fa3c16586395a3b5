"""The `gjj` command line: one argparse tree, every subcommand registered by the module that implements it.

A command module has `register(subparsers)`, which adds its subcommand(s), each with
`set_defaults(run=function)`; `run(args)` returns the exit code. Plug-ins add commands through the entry-point
group `gjj.commands` (a callable taking the subparsers), so an installed extension shows up in `gjj -h` too.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from importlib import import_module
from importlib.metadata import entry_points

# the reference centre's commands first, then the harness's: the order `gjj -h` lists them in
COMMAND_MODULES = (
    "gjj.simulator.cli",      # serve, demo, seed
    "gjj.reports.certify",    # certify
    "gjj.control.check",      # check-control
    "gjj.reports.docs.command",  # docs
    "gjj.reports.compare",    # compare
    "gjj.reports.manifest",   # manifest
)
ENTRY_POINT_GROUP = "gjj.commands"
DESCRIPTION = ("住房公积金网上服务厅一致性测试工具 / provident fund portal conformance harness.\n"
               "每个命令的用法 / each command's options: gjj COMMAND -h")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gjj", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", title="命令 / commands")
    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        ep.load()(sub)
    return p


def commands(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._subparsers._group_actions:  # argparse keeps the tree here; no public accessor
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    names = commands(parser)
    if not argv:
        parser.print_help()
        return 2
    if not argv[0].startswith("-") and argv[0] not in names:
        close = difflib.get_close_matches(argv[0], names, n=2, cutoff=0.5)
        hint = f"你是不是要 / did you mean: {' or '.join(close)}？\n" if close else ""
        print(f"gjj: 未知命令 / unknown command '{argv[0]}'\n{hint}可用命令 / commands: {', '.join(names)}\n"
              f"（gjj -h 查看说明 / gjj -h for what each does）", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
