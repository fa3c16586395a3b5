"""python -m tests.mutants [--list] [--killers] [--driver api|web] [-v] [variant …]: run the specification against
the variants (all of them by default, plus the unpatched reference as a control) and print the table.
--killers prints killers.toml instead: for each bad variant, the first scenario citing its clause that
fails against it through the API (its web run then runs only that scenario)."""
from __future__ import annotations

import argparse
import sys
import time

from concurrent.futures import ThreadPoolExecutor

from .runner import WORKERS, problems, run_all, run_one, summary
from .variants import CATALOGUE, by_name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.mutants", description=__doc__)
    ap.add_argument("names", nargs="*", help="variants to run (default: all)")
    ap.add_argument("--list", action="store_true", help="list the catalogue and exit")
    ap.add_argument("-j", "--workers", type=int, default=WORKERS, help=f"parallel runs (default {WORKERS})")
    ap.add_argument("--driver", choices=["api", "web"], default="api",
                    help="run the specification through this driver (web: only the scenarios citing each "
                         "variant's clause; the reference runs in full)")
    ap.add_argument("--killers", action="store_true", help="print killers.toml for the bad variants and exit")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every failed scenario of every run")
    args = ap.parse_args(argv)
    if args.list:
        for v in CATALOGUE:
            kind = "必须通过" if v.must_survive else "已知缺口" if v.gap else "必须失败"
            print(f"{v.name:48} {v.clause:6} {'+'.join(v.modes):8} {kind}  {v.description}")
        return 0
    variants = [by_name(n) for n in args.names] if args.names else CATALOGUE
    if args.killers:
        return _killers([v for v in variants if "api" in v.modes and not v.must_survive], args.workers)
    started = time.monotonic()

    def progress(r):
        print(f"  {r.verdict:28} {r.name} ({r.seconds:.1f} s)", file=sys.stderr, flush=True)
        if args.verbose:
            print(r.explain(), file=sys.stderr)
    results = run_all(variants, workers=args.workers, progress=progress, driver=args.driver)
    print(summary(results))
    print(f"\nwall time {time.monotonic() - started:.0f} s, {args.workers} at a time")
    bad = problems(results)
    if bad:
        print("\n" + "\n\n".join(bad), file=sys.stderr)
    return 1 if bad else 0


def _killers(variants, workers: int) -> int:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda v: run_one(v, driver="api", first_kill=False), variants))
    print("# For each known-bad variant, the first (by ID) scenario citing its clause that fails against it through the API.\n"
          "# Its web run runs only that scenario. Written by `python -m tests.mutants --killers`; a variant\n"
          "# without an entry runs every scenario citing its clause.")
    failed = 0
    for r in results:
        if r.citing:
            print(f'{r.name} = ["{sorted({f.scenario_id for f in r.citing})[0]}"]')
        else:
            failed += 1
            print(f"# {r.name}: {r.verdict}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
