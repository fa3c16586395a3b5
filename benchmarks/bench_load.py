"""Load benchmark of the reference centre's business API over loopback (a script, not a test).

    .venv/bin/python benchmarks/bench_load.py [--seconds 20] [--levels 1,8,32] [--units 50 --employees 200]

Starts the simulator as a separate process (gjj.simulator.server.CentreProcess: `gjj serve --test-control --db <tmp file> --port 0`,
one uvicorn worker, as shipped), and before each concurrency level resets it, seeds UNITS opened
units of EMPLOYEES employees (some sealed, some with arrears from a late establish), and sets the
virtual clock to Wednesday 2025-03-05 10:00, a working day in business hours. Then CLIENTS
concurrent clients (asyncio tasks, one httpx.AsyncClient and one unit each) log in and run a
weighted mix for SECONDS after a short warm-up:

    account  GET  /api/v1/employees/{personal_no}           roster  GET /api/v1/roster?page=N&size=50
    login    POST /api/v1/session                             seal / unseal / back-pay: POST draft, then submit

A business refusal (4xx with a problem+json document carrying a `code`) is a correct answer; a
5xx, a 4xx without a problem document, or a transport error is an error. Latency is per HTTP
request (a business counts its draft and its submit as two samples of its kind); throughput is
HTTP requests per second. Prints a table per level and the goals (≥ 300 requests/s at 8
clients, p99 ≤ 100 ms, 0 errors) with PASS/MISS, and the CPU the server and this process used,
which says where a miss comes from. Exit status 0 when every goal passes, 1 otherwise.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gjj.simulator.server import CentreProcess

NOW = "2025-03-05T10:00:00+08:00"  # a Wednesday: working day, inside 09:00–17:00
KINDS = ("login", "roster", "account", "seal", "unseal", "back-pay")
MIX = {"account": 40, "roster": 30, "login": 6, "seal": 8, "unseal": 8, "back-pay": 8}  # operations, not requests
GOAL_RPS_AT, GOAL_RPS, GOAL_P99_MS = 8, 300.0, 100.0
SEALED, LATE = 20, 10  # per unit: sealed employees (to unseal) and late-established ones (to back-pay)
LATE_MONTHS = ["2024-06", "2024-07", "2024-08"]  # joined 2024-06, first contribution 2024-09


# --- the server -------------------------------------------------------------------------------
class Server(CentreProcess):
    """`gjj serve` in its own process; its CPU time is read from /proc to tell where time goes."""

    def __init__(self, db: Path, extra: list[str]) -> None:
        super().__init__("--test-control", "--db", str(db), *extra)
        self.url = self.start()

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def rss_mib(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")


def wait_ready(url: str, timeout: float = 30.0) -> None:
    """An already running centre (--url): until it answers /healthz."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not ready after {timeout} s")
        time.sleep(0.1)  # a script polling a child's start-up, not a test's synchronisation


# --- the world --------------------------------------------------------------------------------
@dataclass
class UnitWorld:
    account_no: str
    serial: str
    pin: str
    normal: list[str]
    sealed: list[str]
    late: list[str]


def seed(url: str, units: int, employees: int, seed_value: int) -> list[UnitWorld]:
    """Reset to Wednesday 10:00 and seed; returns what the clients need. Not timed."""
    with httpx.Client(base_url=url, timeout=600) as c:
        c.post("/_sim/reset", json={"now": NOW}).raise_for_status()
        spec = []
        for i in range(units):
            fixed = ([{"key": f"s{j}", "state": "sealed", "last_month": "2024-12"} for j in range(SEALED)]
                     + [{"key": f"l{j}", "joined_month": LATE_MONTHS[0], "start_month": "2024-09"} for j in range(LATE)])
            spec.append({"key": f"u{i}", "first_month": "2024-01", "remitted_through": "2025-02",
                         "employees": fixed, "generate_employees": max(0, employees - len(fixed))})
        r = c.post("/_sim/seed", json={"seed": seed_value, "units": spec})
        r.raise_for_status()
        clock = c.get("/_sim/clock").json()
    if not clock.get("working_day", True) or not clock["now"].startswith("2025-03-05T10:00"):
        raise RuntimeError(f"virtual clock not at a working day's 10:00: {clock}")
    out = []
    for u in r.json()["units"]:
        es = u["employees"]
        out.append(UnitWorld(u["account_no"], u["certificates"][0]["serial"], u["certificates"][0]["pin"],
                             normal=[e["personal_no"] for e in es if not e.get("key")],
                             sealed=[e["personal_no"] for e in es if (e.get("key") or "").startswith("s")],
                             late=[e["personal_no"] for e in es if (e.get("key") or "").startswith("l")]))
    return out


# --- the clients ------------------------------------------------------------------------------
@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    ok: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)       # (kind, code)
    errors: Counter = field(default_factory=Counter)        # (kind, what)
    recording: bool = False


class Client:
    def __init__(self, http: httpx.AsyncClient, unit: UnitWorld, rng: random.Random, tally: Tally) -> None:
        self.http, self.unit, self.rng, self.tally = http, unit, rng, tally
        self.headers: dict[str, str] = {}

    async def call(self, kind: str, method: str, path: str, body: dict | None = None) -> httpx.Response | None:
        t0 = time.perf_counter()
        try:
            r = await self.http.request(method, path, json=body, headers=self.headers)
            await r.aread()
        except httpx.HTTPError as e:  # transport errors and timeouts
            if self.tally.recording:
                self.tally.errors[(kind, type(e).__name__)] += 1
            return None
        ms = (time.perf_counter() - t0) * 1000
        outcome = self._classify(r)
        if self.tally.recording:
            self.tally.latencies[kind].append(ms)
            if outcome == "ok":
                self.tally.ok[kind] += 1
            elif outcome.startswith("refused:"):
                self.tally.refused[(kind, outcome[8:])] += 1
            else:
                self.tally.errors[(kind, outcome)] += 1
        return r if outcome == "ok" else None

    @staticmethod
    def _classify(r: httpx.Response) -> str:
        if r.status_code < 400:
            return "ok"
        if r.status_code >= 500:
            return f"HTTP {r.status_code}"
        if not r.headers.get("content-type", "").startswith("application/problem+json"):
            return f"HTTP {r.status_code} without a problem document"
        try:
            return f"refused:{r.json()['code']}"
        except (ValueError, KeyError, TypeError):
            return f"HTTP {r.status_code} with a malformed problem document"

    async def login(self) -> None:
        r = await self.call("login", "POST", "/api/v1/session", {"serial": self.unit.serial, "pin": self.unit.pin})
        if r is not None:
            self.headers = {"Authorization": "Bearer " + r.json()["token"]}

    async def business(self, kind: str, body: dict) -> None:
        r = await self.call(kind, "POST", f"/api/v1/businesses/{kind}", body)
        if r is not None:
            await self.call(kind, "POST", f"/api/v1/businesses/{r.json()['business_id']}/submit")

    async def step(self, op: str) -> None:
        u, rng = self.unit, self.rng
        if op == "login":
            await self.login()
        elif op == "roster":
            page = rng.randint(1, max(1, math.ceil((len(u.normal) + len(u.sealed) + len(u.late)) / 50)))
            await self.call("roster", "GET", f"/api/v1/roster?page={page}&size=50")
        elif op == "account":
            await self.call("account", "GET", f"/api/v1/employees/{rng.choice(u.normal + u.sealed)}")
        elif op == "seal":
            await self.business("seal", {"personal_no": rng.choice(u.normal), "last_month": "2025-02"})
        elif op == "unseal":
            await self.business("unseal", {"personal_no": rng.choice(u.sealed), "start_month": "2025-03",
                                           "base": str(rng.randrange(3000, 20000, 100))})
        elif op == "back-pay":
            months = sorted(rng.sample(LATE_MONTHS, rng.randint(1, len(LATE_MONTHS))))
            await self.business("back-pay", {"personal_no": rng.choice(u.late), "cause": "late_establish",
                                             "months": months})


async def run_level(url: str, world: list[UnitWorld], clients: int, seconds: float, warmup: float,
                    seed_value: int) -> tuple[Tally, float]:
    tally = Tally()
    ops, weights = list(MIX), list(MIX.values())
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    https = [httpx.AsyncClient(base_url=url, timeout=30, limits=limits) for _ in range(clients)]
    workers = [Client(h, world[i % len(world)], random.Random(seed_value * 1000 + i), tally)
               for i, h in enumerate(https)]
    try:
        await asyncio.gather(*(w.login() for w in workers))
        if any(not w.headers for w in workers):
            raise RuntimeError("a client could not log in")
        stop = time.perf_counter() + warmup + seconds

        async def loop(w: Client) -> None:
            while time.perf_counter() < stop:
                await w.step(w.rng.choices(ops, weights)[0])

        tasks = [asyncio.create_task(loop(w)) for w in workers]
        await asyncio.sleep(warmup)  # warm-up samples are not recorded
        tally.recording, t0 = True, time.perf_counter()
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - t0
    finally:
        await asyncio.gather(*(h.aclose() for h in https))
    return tally, elapsed


# --- figures ----------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile, as benchmarks/bench_simulator.py."""
    s = sorted(values)
    return s[max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))] if s else float("nan")


def summarise(tally: Tally, elapsed: float) -> dict:
    rows = {}
    for kind in KINDS + ("overall",):
        lat = [x for k in KINDS for x in tally.latencies[k]] if kind == "overall" else tally.latencies[kind]
        kinds = KINDS if kind == "overall" else (kind,)
        errors = sum(n for (k, _), n in tally.errors.items() if k in kinds)
        refused = sum(n for (k, _), n in tally.refused.items() if k in kinds)
        ok = sum(tally.ok[k] for k in kinds)
        rows[kind] = {"requests": len(lat), "rps": len(lat) / elapsed, "ok": ok, "refused": refused,
                      "errors": errors, "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
                      "max_ms": max(lat) if lat else float("nan")}
    return rows


def print_level(clients: int, rows: dict, elapsed: float, cpu: dict, tally: Tally) -> None:
    print(f"\n{clients} client(s), {elapsed:.1f} s measured — server CPU {cpu['server_pct']:.0f} % of one core, "
          f"this process {cpu['client_pct']:.0f} %, server RSS {cpu['server_rss_mib']:.0f} MiB")
    print(f"  {'kind':9s} {'requests':>8s} {'req/s':>7s} {'ok':>6s} {'refused':>7s} {'errors':>6s} "
          f"{'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'max ms':>7s}")
    for kind, r in rows.items():
        print(f"  {kind:9s} {r['requests']:8d} {r['rps']:7.1f} {r['ok']:6d} {r['refused']:7d} {r['errors']:6d} "
              f"{r['p50_ms']:7.1f} {r['p95_ms']:7.1f} {r['p99_ms']:7.1f} {r['max_ms']:7.1f}")
    top = ", ".join(f"{k}/{c} {n}" for (k, c), n in tally.refused.most_common(6))
    print(f"  refusals (correct answers): {top or 'none'}")
    if tally.errors:
        print(f"  ERRORS: {dict(tally.errors)}")


def goals(results: dict[int, dict]) -> list[tuple[str, str, str, bool]]:
    out = []
    if GOAL_RPS_AT in results:
        rps = results[GOAL_RPS_AT]["rows"]["overall"]["rps"]
        out.append((f"throughput at {GOAL_RPS_AT} clients", f"{rps:.0f} req/s", f">= {GOAL_RPS:.0f} req/s",
                    rps >= GOAL_RPS))
    for clients, res in results.items():
        p99 = res["rows"]["overall"]["p99_ms"]
        out.append((f"p99 latency at {clients} client(s)", f"{p99:.1f} ms", f"<= {GOAL_P99_MS:.0f} ms",
                    p99 <= GOAL_P99_MS))
    for clients, res in results.items():
        n = res["rows"]["overall"]["errors"]
        out.append((f"errors at {clients} client(s)", str(n), "0", n == 0))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="measured seconds per level")
    ap.add_argument("--warmup", type=float, default=2.0, help="unrecorded seconds before each level")
    ap.add_argument("--levels", default="1,8,32", help="concurrent clients, comma separated")
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--employees", type=int, default=200, help="per unit")
    ap.add_argument("--seed", type=int, default=2026, help="seeds the world and the request mix")
    ap.add_argument("--url", default=None, help="drive an already running centre (with test control) instead")
    ap.add_argument("--server-arg", action="append", default=[], help="extra argument for gjj serve")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure as JSON")
    args = ap.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    if max(levels) > args.units:
        ap.error("every client needs its own unit: --units must be >= the largest level")
    if args.employees <= SEALED + LATE:
        ap.error(f"--employees must be > {SEALED + LATE}: each unit has {SEALED} sealed and {LATE} late-established "
                 "employees, and needs normal ones to seal")

    tmp = tempfile.TemporaryDirectory(prefix="gjj-bench-load-")
    server = None if args.url else Server(Path(tmp.name) / "centre.db", args.server_arg)
    url = args.url or server.url
    print(f"bench_load: {url}; {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"world: {args.units} units x {args.employees} employees per level; mix {MIX}; "
          f"{args.warmup:g} s warm-up + {args.seconds:g} s per level")
    results: dict[int, dict] = {}
    try:
        if server is None:
            wait_ready(url)
        for clients in levels:
            t = time.perf_counter()
            world = seed(url, args.units, args.employees, args.seed)
            print(f"\nseeded {len(world)} units in {time.perf_counter() - t:.1f} s (reset, virtual clock {NOW})")
            s0, c0 = (server.cpu_seconds() if server else float("nan")), time.process_time()
            tally, elapsed = asyncio.run(run_level(url, world, clients, args.seconds, args.warmup, args.seed))
            s1, c1 = (server.cpu_seconds() if server else float("nan")), time.process_time()
            wall = elapsed + args.warmup
            cpu = {"server_pct": (s1 - s0) / wall * 100, "client_pct": (c1 - c0) / wall * 100,
                   "server_rss_mib": server.rss_mib() if server else float("nan")}
            rows = summarise(tally, elapsed)
            results[clients] = {"rows": rows, "elapsed_s": elapsed, "cpu": cpu,
                                "refusals": {f"{k}/{c}": n for (k, c), n in tally.refused.items()},
                                "errors": {f"{k}/{c}": n for (k, c), n in tally.errors.items()}}
            print_level(clients, rows, elapsed, cpu, tally)
    finally:
        if server:
            server.stop()
        tmp.cleanup()

    print(f"\n{'goal':32s} {'measured':>12s} {'target':>12s}  result")
    verdicts = goals(results)
    for name, measured, target, ok in verdicts:
        print(f"{name:32s} {measured:>12s} {target:>12s}  {'PASS' if ok else 'MISS'}")
    if args.json:
        args.json.write_text(json.dumps({"levels": results, "goals": [
            {"goal": n, "measured": m, "target": t, "pass": ok} for n, m, t, ok in verdicts],
            "params": vars(args) | {"json": str(args.json)}}, indent=2, ensure_ascii=False, default=str))
    return 0 if all(ok for *_, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
