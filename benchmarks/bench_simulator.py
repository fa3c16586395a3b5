"""Benchmark of the simulated 住房公积金 centre at realistic scale (a script, not a test).

    .venv/bin/python benchmarks/bench_simulator.py [--units 1000 --employees 1000 --db PATH --json OUT]

Measures, on one file database (a temporary file unless --db):
  1. seeding: UNITS opened, entrusted-collection units with EMPLOYEES generated employees each,
     remitted (and arrived) through last month, realistic data from the fixtures Generator
     (--generate stream: one Generator.employees() stream, specs built here; --generate world:
     control.world.complete_unit per unit, as POST /_sim/seed does), written by Seeder.seed in
     calls of BATCH units; the figure includes data generation;
  2. roster latency: the 50-row 职工清册 page of random pages of random units, through the
     service (Queries.roster) and through HTTP on loopback (`gjj serve` on that database in a subprocess,
     requests.Session, bearer token from a certificate login);
  3. the nightly update with PENDING changed accounts: by default all of them changed through
     the real business path (seal: draft + submit through the Businesses service, untimed);
     with --real-changes N < PENDING the rest are marked `dirty = 1` directly in SQL (said so
     in the output). Then the virtual clock is advanced across midnight (Centre.advance_clock)
     and that is timed. A second night does the same with PENDING accounts scattered at random
     over the whole table (dirty = 1 by SQL: the worst case for locality), and a third night with
     nothing pending gives the fixed cost.

Prints a table (figure, measured, goal, PASS/MISS); --json PATH also writes every figure.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import json
import math
import os
import platform
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as a plain script from anywhere
    sys.path.insert(0, str(ROOT))

GOALS = {  # figure key -> (goal, unit, comparison)
    "seed_total_s": 60.0,
    "roster_service_p95_ms": 20.0,
    "roster_http_p95_ms": 20.0,
    "nightly_s": 5.0,
}
PAGE_SIZE = 50
PIN = "123456"


# --- helpers ----------------------------------------------------------------------------------
def _pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def _latency(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": _pct(ms, 50), "p95_ms": _pct(ms, 95), "p99_ms": _pct(ms, 99),
            "max_ms": max(ms), "mean_ms": statistics.fmean(ms)}


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def _machine() -> dict:
    mem = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    import sqlite3
    return {"cores": os.cpu_count(), "python": platform.python_version(),
            "implementation": platform.python_implementation(), "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version, "memory_bytes": mem,
            "cpu": _cpu_model()}


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _load() -> str:
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average ?"


def _max_rss() -> int | None:
    try:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    except (ImportError, OSError):
        return None


def _first_load(text: str) -> float:
    try:
        return float(text.split()[2].rstrip(","))
    except (IndexError, ValueError):
        return 0.0


def _say(msg: str) -> None:
    print(msg, flush=True)


# --- 1. seeding -------------------------------------------------------------------------------
def bench_seed(svc, args) -> tuple[dict, list[tuple[str, str]]]:
    from itertools import islice

    from gjj.fixtures.generators import Generator
    from gjj.simulator.control.models import UnitWorld
    from gjj.simulator.control.world import complete_unit
    from gjj.simulator.domain.months import Month
    from gjj.simulator.service.seeding import EmployeeSpec, UnitSpec

    today = svc.centre.clock.today()
    first = Month.of(today).plus(-12)          # the /_sim/seed default first month
    through = Month.of(today).prev()           # remitted and arrived through last month
    units: list[tuple[str, str]] = []          # (unit account no, certificate serial)
    gen_s = seed_s = 0.0
    t_all = time.perf_counter()
    gen = Generator(args.seed)
    # "stream": one Generator.employees() stream for the whole run, UnitSpec/EmployeeSpec built
    # here. "world": control.world.complete_unit per unit, exactly what POST /_sim/seed does
    # (one Generator.employees() call per unit).
    limits = svc.centre.policy_book.as_of(today).base_limits  # generated bases the centre accepts
    stream = (gen.employees(args.units * args.employees, lo=limits.min, hi=limits.max)
              if args.generate == "stream" else None)

    def unit_spec(i: int) -> UnitSpec:
        if stream is None:
            return complete_unit(UnitWorld(remitted_through=str(through), entrusted_collection=True,
                                           generate_employees=args.employees), gen, first, i,
                                  (limits.min, limits.max))
        seed = gen.unit(i)
        return UnitSpec(name=seed.name, uscc=seed.uscc,
                        operator=(seed.operator_name, seed.operator_mobile, seed.operator_id_number),
                        first_month=first, remitted_through=through, entrusted_collection=True,
                        employees=[EmployeeSpec(name=e.name, id_number=e.id_number, base=e.base, trusted=True)
                                   for e in islice(stream, args.employees)])

    gen_s += time.perf_counter() - t_all
    done_emp = 0
    next_report = time.perf_counter() + 10
    for start in range(0, args.units, args.batch):
        t0 = time.perf_counter()
        specs = [unit_spec(i) for i in range(start, min(start + args.batch, args.units))]
        t1 = time.perf_counter()
        out = svc.seeder.seed(specs, with_events=not args.no_events)
        t2 = time.perf_counter()
        gen_s += t1 - t0
        seed_s += t2 - t1
        for u in out:
            units.append((u["account_no"], u["certificates"][0]["serial"]))
            done_emp += len(u["employees"])
        del specs, out
        if t2 >= next_report:
            _say(f"  … {len(units):,} units, {done_emp:,} accounts, {t2 - t_all:.1f} s")
            next_report = t2 + 10
    total = time.perf_counter() - t_all
    return {"units": len(units), "accounts": done_emp, "batch_units": args.batch, "generate": args.generate,
            "events": not args.no_events, "first_month": str(first), "remitted_through": str(through),
            "generate_s": gen_s, "seeder_s": seed_s, "seed_total_s": total,
            "accounts_per_s": done_emp / total if total else None}, units


# --- 2a. roster through the service -----------------------------------------------------------
def bench_roster_service(svc, units, args) -> dict:
    rng = random.Random(args.seed + 1)
    pages = max(1, math.ceil(args.employees / PAGE_SIZE))
    q = svc.queries
    for _ in range(args.warmup):
        q.roster(rng.choice(units)[0], rng.randint(1, pages), PAGE_SIZE)
    ms = []
    for _ in range(args.requests):
        unit, page = rng.choice(units)[0], rng.randint(1, pages)
        t = time.perf_counter()
        r = q.roster(unit, page, PAGE_SIZE)
        ms.append((time.perf_counter() - t) * 1000)
        if len(r["items"]) != min(PAGE_SIZE, args.employees - (page - 1) * PAGE_SIZE) or r["total"] != args.employees:
            raise SystemExit(f"roster of {unit} page {page}: unexpected {len(r['items'])} rows, total {r['total']}")
    return _latency(ms)


# --- 2b. roster through HTTP ------------------------------------------------------------------
def bench_roster_http(db: Path, units, args) -> dict:
    import requests

    from gjj.simulator.server import CentreProcess

    centre = CentreProcess("--test-control", "--db", str(db), timeout=60)
    base = centre.start()  # once /healthz answers
    try:
        http = requests.Session()
        rng = random.Random(args.seed + 2)
        chosen = rng.sample(units, min(args.http_units, len(units)))
        tokens, login_ms = [], []
        for unit, serial in chosen:
            t = time.perf_counter()
            r = http.post(base + "/api/v1/session", json={"serial": serial, "pin": PIN})
            login_ms.append((time.perf_counter() - t) * 1000)
            r.raise_for_status()
            body = r.json()
            if body["unit_account_no"] != unit:
                raise SystemExit(f"login with {serial} gave unit {body['unit_account_no']}, expected {unit}")
            tokens.append(body["token"])
        pages = max(1, math.ceil(args.employees / PAGE_SIZE))

        def one() -> float:
            headers = {"Authorization": "Bearer " + rng.choice(tokens)}
            page = rng.randint(1, pages)
            t = time.perf_counter()
            r = http.get(base + "/api/v1/roster", params={"page": page, "size": PAGE_SIZE}, headers=headers)
            elapsed = (time.perf_counter() - t) * 1000
            r.raise_for_status()
            if r.json()["total"] != args.employees:
                raise SystemExit(f"HTTP roster: unexpected total {r.json()['total']}")
            return elapsed

        for _ in range(args.warmup):
            one()
        ms = [one() for _ in range(args.requests)]
        return {**_latency(ms), "logins": len(tokens), "login_p50_ms": _pct(login_ms, 50),
                "server": "gjj serve, uvicorn " + _uvicorn_version() + " (1 worker, loopback)"}
    finally:
        centre.stop()


def _uvicorn_version() -> str:
    try:
        import uvicorn
        return uvicorn.__version__
    except Exception:  # noqa: BLE001
        return "?"


# --- 3. nightly update ------------------------------------------------------------------------
def bench_nightly(svc, units, args) -> dict:
    from gjj.simulator.domain.model import BusinessType
    from gjj.simulator.domain.months import Month

    centre = svc.centre
    rng = random.Random(args.seed + 3)
    today = centre.clock.today()
    last = Month.of(today).prev()
    # (a) the real business path: seal employees of a few units (draft + submit, 2 commands each)
    real, real_s = 0, 0.0
    n_real = args.pending if args.real_changes is None else min(args.real_changes, args.pending)
    if n_real:
        per_unit = min(args.employees, 100)
        for unit, serial in rng.sample(units, min(len(units), math.ceil(n_real / per_unit))):
            session = svc.access.login(serial, PIN).session
            with centre.db.reading() as c:
                pnos = [r[0] for r in c.execute(
                    "SELECT personal_no FROM accounts WHERE unit_account_no = ? AND state = '01'"
                    " ORDER BY personal_no LIMIT ?", (unit, min(per_unit, n_real - real)))]
            t = time.perf_counter()
            for pno in pnos:
                draft = svc.businesses.create_draft(session, BusinessType.SEAL,
                                                    {"personal_no": pno, "last_month": str(last),
                                                     "reason": "基准测试"})
                svc.businesses.submit(session, draft["business_id"])
            real_s += time.perf_counter() - t
            real += len(pnos)
            if real >= n_real:
                break
    # (b) the rest: dirty = 1 directly in SQL on random other accounts (not a business path)
    marked, sql_s = _mark_dirty_sql(centre, rng, args.pending - real)
    pending, before, after, nightly_s = _midnight(centre)
    # (c) the worst case for locality: PENDING accounts scattered over the whole table, by SQL
    scattered = {}
    if args.scattered:
        _mark_dirty_sql(centre, rng, args.pending)
        s_pending, _, _, s_s = _midnight(centre)
        scattered = {"scattered_pending": s_pending, "scattered_nightly_s": s_s}
    # (d) a midnight with nothing pending: the fixed cost of the update
    _, _, _, empty_s = _midnight(centre)
    return {"pending": pending, "real_business_changes": real, "real_s": real_s,
            "real_ms_per_change": real_s / real * 1000 if real else None,
            "sql_marked": marked, "sql_mark_s": sql_s,
            "clock_from": before.isoformat(), "clock_to": after.isoformat(),
            "nightly_s": nightly_s, **scattered, "nightly_empty_s": empty_s}


def _mark_dirty_sql(centre, rng: random.Random, k: int) -> tuple[int, float]:
    """Set dirty = 1 on k random clean accounts (rowid sample), in one transaction."""
    with centre.db.transaction() as c:
        max_rowid = c.execute("SELECT MAX(rowid) FROM accounts").fetchone()[0] or 0
        clean = c.execute("SELECT COUNT(*) FROM accounts WHERE dirty = 0").fetchone()[0]
        want = max(0, min(k, clean))
        marked, t = 0, time.perf_counter()
        while marked < want:
            ids = rng.sample(range(1, max_rowid + 1), min(max_rowid, want - marked))
            for i in range(0, len(ids), 500):
                part = ids[i:i + 500]
                marked += c.execute(f"UPDATE accounts SET dirty = 1 WHERE dirty = 0 AND rowid IN"
                                    f" ({','.join('?' * len(part))})", part).rowcount
        return marked, time.perf_counter() - t


def _midnight(centre):
    """Advance the virtual clock by one day (across midnight) and time it: the nightly update
    runs inside that command. Returns (pending before, clock before, clock after, seconds)."""
    pending = centre.db.conn.execute("SELECT COUNT(*) FROM accounts WHERE dirty = 1").fetchone()[0]
    before = centre.clock.now()
    t = time.perf_counter()
    after = centre.advance_clock(timedelta(days=1))
    elapsed = time.perf_counter() - t
    left = centre.db.conn.execute("SELECT COUNT(*) FROM accounts WHERE dirty = 1").fetchone()[0]
    if left:
        raise SystemExit(f"nightly update left {left} accounts unpublished")
    return pending, before, after, elapsed


# --- main -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=1000, help="units to seed (default 1000)")
    p.add_argument("--employees", type=int, default=1000, help="employees per unit (default 1000)")
    p.add_argument("--batch", type=int, default=50, help="units per Seeder.seed call (default 50)")
    p.add_argument("--db", type=Path, help="database file (must not exist; default: a temporary file)")
    p.add_argument("--keep", action="store_true", help="keep the temporary database")
    p.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    p.add_argument("--seed", type=int, default=2026, help="random seed for data and request mix")
    p.add_argument("--requests", type=int, default=500, help="timed roster requests per path (default 500)")
    p.add_argument("--warmup", type=int, default=20, help="untimed requests before each latency run")
    p.add_argument("--http-units", type=int, default=100, help="units logged in for the HTTP run")
    p.add_argument("--pending", type=int, default=10_000, help="changed accounts for the nightly update")
    p.add_argument("--real-changes", type=int, default=None,
                   help="of those, how many are changed through the real seal business (default: all);"
                        " the rest are marked dirty = 1 directly in SQL")
    p.add_argument("--generate", choices=("stream", "world"), default="stream",
                   help="stream: one Generator.employees() stream, specs built directly (default);"
                        " world: control.world.complete_unit per unit, as POST /_sim/seed does")
    p.add_argument("--no-scattered", dest="scattered", action="store_false",
                   help="skip the second nightly run with PENDING accounts scattered at random (by SQL)")
    p.add_argument("--no-events", action="store_true", help="seed without the per-account 'seeded' event")
    p.add_argument("--no-http", action="store_true", help="skip the HTTP roster run")
    p.add_argument("--profile", type=Path, help="cProfile the seeding phase into this .prof file")
    args = p.parse_args(argv)
    if args.units < 1 or args.employees < 1 or args.batch < 1:
        p.error("--units, --employees and --batch must be >= 1")

    from gjj.simulator.app import create_app

    machine = _machine()
    _say(f"machine: {machine['cores']} cores, {machine['cpu'] or '?'}, "
         f"{_mib(machine['memory_bytes'] or 0)} RAM; Python {machine['python']}, SQLite {machine['sqlite']};"
         f" {_load()} before the run")
    loads = {"start": _load()}
    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench_sim_"))
        db = tmp / "centre.sqlite3"
    else:
        db = args.db.resolve()
        if db.exists():
            p.error(f"{db} exists: give a new path (the benchmark seeds an empty centre)")
    _say(f"database: {db}")
    results: dict = {"date": date.today().isoformat(), "machine": machine,
                     "params": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}}
    try:
        app = create_app(db=db, test_control=True)
        svc = app.state.services

        _say(f"[1/4] seeding {args.units:,} units × {args.employees:,} employees, {args.batch} units per call …")
        prof = cProfile.Profile() if args.profile else None
        gc.collect()
        if prof:
            prof.enable()
        seed, units = bench_seed(svc, args)
        if prof:
            prof.disable()
            prof.dump_stats(str(args.profile))
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        results["seed"] = seed
        results["max_rss_bytes_after_seed"] = _max_rss()
        loads["after_seed"] = _load()
        results["db_bytes"] = _size(db)
        results["wal_bytes"] = _size(db.with_name(db.name + "-wal"))
        _say(f"      {seed['seed_total_s']:.1f} s (generation {seed['generate_s']:.1f} s,"
             f" Seeder.seed {seed['seeder_s']:.1f} s); DB {_mib(results['db_bytes'])}"
             f" + WAL {_mib(results['wal_bytes'])}; peak RSS {_mib(results['max_rss_bytes_after_seed'] or 0)};"
             f" {loads['after_seed']}")

        _say(f"[2/4] roster through the service: {args.requests} random pages …")
        results["roster_service"] = bench_roster_service(svc, units, args)
        if args.no_http:
            _say("[3/4] roster through HTTP: skipped (--no-http)")
        else:
            _say(f"[3/4] roster through HTTP (gjj serve subprocess): {args.requests} random pages …")
            results["roster_http"] = bench_roster_http(db, units, args)
        loads["after_roster"] = _load()

        _say(f"[4/4] nightly update with {args.pending:,} pending changes …")
        results["nightly"] = bench_nightly(svc, units, args)
        loads["end"] = _load()
        results["load"] = loads
        svc.centre.db.close()
        results["db_bytes_final"] = _size(db)
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp is not None:
            _say(f"kept {db}")

    _report(results, args)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _say(f"figures written to {args.json}")
    return 0 if all(r["pass"] for r in results["table"] if r["pass"] is not None) else 1


def _report(results: dict, args) -> None:
    s, rs, rh, n = results["seed"], results["roster_service"], results.get("roster_http"), results["nightly"]
    rows = []

    def row(figure, value, fmt, goal_key=None):
        goal = GOALS.get(goal_key) if goal_key else None
        ok = None if goal is None or value is None else value <= goal
        rows.append({"figure": figure, "measured": value, "text": "—" if value is None else fmt.format(value),
                     "goal": goal, "goal_key": goal_key, "pass": ok})

    row(f"seeding {s['units']:,} units × {args.employees:,} = {s['accounts']:,} accounts, total",
        s["seed_total_s"], "{:.1f} s", "seed_total_s")
    row("  of which data generation (" + ("Generator stream + specs" if s["generate"] == "stream"
                                          else "Generator + complete_unit") + ")", s["generate_s"], "{:.1f} s")
    row(f"  of which Seeder.seed ({args.batch} units per call)", s["seeder_s"], "{:.1f} s")
    for label, r, key in (("service (Queries.roster)", rs, "roster_service_p95_ms"),
                          ("HTTP (uvicorn, loopback)", rh, "roster_http_p95_ms")):
        if r is None:
            continue
        row(f"roster 50 rows, {label}, p50", r["p50_ms"], "{:.2f} ms")
        row(f"roster 50 rows, {label}, p95", r["p95_ms"], "{:.2f} ms", key)
        row(f"roster 50 rows, {label}, p99", r["p99_ms"], "{:.2f} ms")
        row(f"roster 50 rows, {label}, max", r["max_ms"], "{:.2f} ms")
    how = ("all by seal business" if not n["sql_marked"] else
           f"{n['real_business_changes']:,} by seal business, {n['sql_marked']:,} by SQL dirty=1")
    row(f"nightly update, {n['pending']:,} pending ({how})", n["nightly_s"], "{:.2f} s", "nightly_s")
    if "scattered_nightly_s" in n:
        row(f"nightly update, {n['scattered_pending']:,} pending scattered at random (SQL dirty=1)",
            n["scattered_nightly_s"], "{:.2f} s", "nightly_s")
    row("nightly update, nothing pending", n["nightly_empty_s"], "{:.3f} s")
    if n["real_ms_per_change"] is not None:
        row("  (seal business, draft + submit, per change)", n["real_ms_per_change"], "{:.1f} ms")
    results["table"] = rows

    w = max(len(r["figure"]) for r in rows)
    print()
    print(f"{'figure':<{w}}  {'measured':>10}  {'goal':>9}  result")
    print("-" * (w + 32))
    for r in rows:
        goal = "" if r["goal"] is None else (f"≤ {r['goal']:g} s" if r["goal_key"].endswith("_s")
                                             else f"≤ {r['goal']:g} ms")
        res = "" if r["pass"] is None else ("PASS" if r["pass"] else "MISS")
        print(f"{r['figure']:<{w}}  {r['text']:>10}  {goal:>9}  {res}")
    print("-" * (w + 32))
    m = results["machine"]
    print(f"machine: {m['cores']} cores ({m['cpu'] or '?'}), Python {m['python']}, SQLite {m['sqlite']};"
          f" {results['load']['start']} at the start")
    if (results["machine"]["cores"] or 1) and _first_load(results["load"]["start"]) >= 0.5 * (m["cores"] or 1):
        print("warning: the machine was already busy when the run started; expect slower seeding and"
              " latency tails from CPU scheduling (re-run on an idle machine for figures to compare)")
    print(f"database file after seeding: {_mib(results['db_bytes'])} (+ WAL {_mib(results['wal_bytes'])});"
          f" after the run: {_mib(results['db_bytes_final'])}; peak RSS of this process after seeding:"
          f" {_mib(results['max_rss_bytes_after_seed'] or 0)}")
    if n["sql_marked"]:
        print(f"note: {n['sql_marked']:,} of the {n['pending']:,} pending changes were made by setting"
              f" accounts.dirty = 1 directly in SQL (not a business path); {n['real_business_changes']:,}"
              " went through the seal business (draft + submit).")
    else:
        print(f"note: all {n['pending']:,} pending changes were made through the real seal business"
              f" (draft + submit, {n['real_s']:.1f} s untimed set-up); none by SQL.")


if __name__ == "__main__":
    sys.exit(main())
