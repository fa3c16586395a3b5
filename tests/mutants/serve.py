"""Serve ONE known-bad variant of the reference centre, as a vendor's portal would be served, so
that `gjj certify --target URL` can be pointed at it (tests/test_certify.py):

    python -m tests.mutants.serve seal_before_arrival      # prints "serving http://127.0.0.1:PORT"

Test control is on (loopback only); the database is in memory; the patch applies to this
process only. Stops on SIGTERM.
"""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.mutants.serve VARIANT", file=sys.stderr)
        return 2
    from gjj.simulator.app import create_app
    from gjj.simulator.cli import _run, _socket

    from .patching import Patcher
    from .plugin import _nodelay
    from .variants import by_name
    patcher = Patcher()
    try:
        by_name(args[0]).apply(patcher)
    except KeyError as e:
        print(e, file=sys.stderr)
        return 2
    _nodelay()
    app = create_app(":memory:", test_control=True)
    sock = _socket("127.0.0.1", 0)
    print(f"serving http://127.0.0.1:{sock.getsockname()[1]} variant {args[0]} patched {patcher.patched}",
          flush=True)
    _run(app, sock, "warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
