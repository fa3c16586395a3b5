"""Measures how Python and the Longcheng server behave under libfaketime (the figures of FAKETIME.md).

  python -m examples.longcheng.faketime_probe            # both parts
  python -m examples.longcheng.faketime_probe primitives # time functions, sleeps, timed waits, GIL
  python -m examples.longcheng.faketime_probe server     # the portal served by waitress

Each probe runs in a child process under LD_PRELOAD with a real timeout from this (unfaked) parent,
so a probe that hangs is reported as a hang. Real durations are read from /proc/uptime, which
libfaketime does not fake. A measuring tool, not a test: it sleeps, and its figures depend on the machine."""
from __future__ import annotations

import concurrent.futures
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIB = os.environ.get("FAKETIME_LIB", "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")
ROOT = Path(__file__).resolve().parents[2]
MODES = {  # name → extra environment; the timestamp file holds a frozen time unless the name says start-at
    "frozen": {},
    "frozen + DONT_FAKE_MONOTONIC": {"FAKETIME_DONT_FAKE_MONOTONIC": "1"},
    "start-at (@…, ticking)": {},
}

CHILD = r'''
import datetime, queue, select, socket, sys, threading, time
from zoneinfo import ZoneInfo
def up(): return float(open("/proc/uptime").read().split()[0])
name = sys.argv[1]
if name == "now":
    print(datetime.datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(), "monotonic=%.1f" % time.monotonic())
elif name == "sleep":
    a = up()
    try:
        time.sleep(1.0); print("returned after %.2f s real" % (up() - a))
    except OSError as e:
        print("OSError errno %d (%s)" % (e.errno, e.strerror))
elif name == "event":
    a = up(); threading.Event().wait(0.3); print("timed out after %.2f s real" % (up() - a))
elif name == "queue":
    try: queue.Queue().get(timeout=0.3)
    except queue.Empty: print("queue.Empty as expected")
elif name == "lock":
    l = threading.Lock(); l.acquire(); print("acquire(timeout) ->", l.acquire(timeout=0.3))
elif name == "select":
    a = up(); select.select([], [], [], 0.3); print("returned after %.2f s real" % (up() - a))
elif name == "socket":
    x, y = socket.socketpair(); x.settimeout(0.3)
    try: x.recv(1)
    except TimeoutError: print("socket.timeout as expected")
elif name == "gil":
    stop = []
    def spin():
        while not stop: pass
    threading.Thread(target=spin, daemon=True).start()
    a, n = up(), 0
    while up() - a < 1.0: n += 1
    stop.append(1); print("%d loop turns in 1 s real beside a spinning thread" % n)
'''
PROBES = ["now", "sleep", "event", "queue", "lock", "select", "socket", "gil"]


def faked_env(ts: Path, extra: dict) -> dict:
    return dict(os.environ, LD_PRELOAD=LIB, FAKETIME_TIMESTAMP_FILE=str(ts), FAKETIME_NO_CACHE="1",
                TZ="Asia/Shanghai", PYTHONPATH=str(ROOT), **extra)


def primitives() -> None:
    print(f"Python {sys.version.split()[0]}, {LIB}")
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp, "ts")
        for mode, extra in MODES.items():
            ts.write_text(("@" if mode.startswith("start-at") else "") + "2025-03-05 10:00:00\n")
            print(f"\n[{mode}]")
            for probe in PROBES:
                child = subprocess.Popen([sys.executable, "-c", CHILD, probe], env=faked_env(ts, extra),
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                try:
                    out = child.communicate(timeout=5)[0].strip()
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                    _remove_shared_memory(child.pid)
                    out = "HANGS (killed after 5 s real)"
                print(f"  {probe:7} {out}")


def server() -> None:
    import requests
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp, "ts")
        for mode, extra in list(MODES.items())[:2]:
            ts.write_text("2025-03-05 10:00:00\n")
            p = subprocess.Popen([sys.executable, "-m", "examples.longcheng", "serve", "--db", str(Path(tmp, f"{len(mode)}.db")),
                                  "--port", "0", "--admin-token", "t"], env=faked_env(ts, extra), cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                base = p.stdout.readline().split("serving ", 1)[1].rsplit("/wt/login", 1)[0]
                s = requests.Session()
                clock = lambda: s.get(base + "/gateway/pub/xtsj", timeout=10).json()["data"]["xtsj"]  # noqa: E731
                print(f"\n[{mode}] portal at {base}, clock {clock()}")
                ts.write_text("2025-10-09 09:00:00\n")
                errors = sum(1 for _ in range(50) if not _ok(clock))
                print(f"  after a 7-month jump: 50 keep-alive requests, {errors} failed, clock {clock()}")
                ts.write_text("2024-12-31 16:59:59\n")
                print(f"  after a jump backwards: clock {clock()}")
                t = time.perf_counter()
                for _ in range(200):
                    clock()
                seq = time.perf_counter() - t
                t = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(8) as ex:
                    codes = list(ex.map(lambda _: requests.get(base + "/wt/help", timeout=30).status_code, range(200)))
                par = time.perf_counter() - t
                print(f"  200 sequential API requests {seq:.2f} s real; 200 page requests, 8 at a time, {par:.2f} s "
                      f"real ({codes.count(200)} × 200 OK)")
            finally:
                t = time.perf_counter()
                p.send_signal(signal.SIGTERM)
                try:
                    print(f"  SIGTERM: exit {p.wait(timeout=20)} after {time.perf_counter() - t:.2f} s real")
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
                    _remove_shared_memory(p.pid)
                    print("  SIGTERM: still running after 20 s, killed")


def _remove_shared_memory(pid: int) -> None:
    """A killed process cannot remove libfaketime's shared memory; a later process with the same pid would
    then fail with 'shm_open failed: File exists' (libfaketime's README)."""
    for name in (f"faketime_shm_{pid}", f"sem.faketime_sem_{pid}"):
        Path("/dev/shm", name).unlink(missing_ok=True)


def _ok(call) -> bool:
    try:
        call()
        return True
    except Exception:
        return False


if __name__ == "__main__":
    part = sys.argv[1] if len(sys.argv) > 1 else "all"
    if part in ("all", "primitives"):
        primitives()
    if part in ("all", "server"):
        server()
