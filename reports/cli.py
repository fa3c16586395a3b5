"""The `gjj` command: the harness's subcommands (certify) here, the reference centre's (serve, demo,
seed) in simulator/cli.py — the simulator knows nothing of the harness that tests it."""
from __future__ import annotations

import sys

HARNESS = {"certify": "reports.certify", "docs": "reports.site"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in HARNESS:
        from importlib import import_module
        return import_module(HARNESS[argv[0]]).main(argv[1:])
    from simulator.cli import main as simulator_main
    if not argv or argv[0] in ("-h", "--help"):
        print("gjj certify [--target URL | --config target.yaml] [--mode api|web|all] [--tags EXPR] [--out DIR]\n"
              "    认证门户（默认：内置参考实现）/ certify a portal (default: the embedded reference centre); "
              "gjj certify -h\n")
    return simulator_main(argv)


if __name__ == "__main__":
    sys.exit(main())
