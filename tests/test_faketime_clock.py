"""The clock adapter for portals without a clock (gjj/control/faketime.py): the timestamp file as a clock that only
moves forward and says when it crossed midnight, and — measured on a real process under libfaketime — that the
process sees each rewrite at its next time call, in Beijing time, frozen between two moves."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gjj.control.faketime import ClockBackwards, FaketimeClock, main

PROBE = """
import sys, time
from datetime import datetime
from zoneinfo import ZoneInfo
for line in sys.stdin:          # one probe per line the test sends: the time the process sees now
    print(datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(), time.time(), time.time() == time.time(), flush=True)
"""


def test_the_clock_moves_forward_only_and_says_when_it_crossed_midnight(tmp_path):
    clock = FaketimeClock(tmp_path / "clock")
    clock.reset("2025-03-05T23:59:59+08:00")
    assert clock.set("2025-03-05T23:59:59") is False           # naive = Beijing time; no move, no midnight
    assert clock.set("2025-03-05T16:00:00Z") is True            # 2025-03-06 00:00 in Changzhou
    assert clock.now().isoformat() == "2025-03-06T00:00:00+08:00"
    with pytest.raises(ClockBackwards, match="cannot move backwards"):
        clock.set("2025-03-05T23:00:00+08:00")
    assert clock.now().isoformat() == "2025-03-06T00:00:00+08:00"
    clock.reset("2024-01-01T08:00:00+08:00")                    # a reset goes anywhere
    assert (tmp_path / "clock").read_text() == "2024-01-01 08:00:00\n"


def test_env_sets_the_file_and_prints_the_environment(tmp_path, capsys):
    assert main(["env", str(tmp_path / "c"), "2025-03-05T10:00:00"]) == 0
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    assert lines["FAKETIME_NO_CACHE"] == "1" and lines["TZ"] == "Asia/Shanghai"
    assert lines["FAKETIME_TIMESTAMP_FILE"] == str(tmp_path / "c") and lines["LD_PRELOAD"].endswith("libfaketime.so.1")


def test_a_process_under_libfaketime_sees_every_move_at_its_next_time_call(tmp_path):
    clock = FaketimeClock(tmp_path / "clock")
    clock.reset("2025-03-05T10:00:00+08:00")
    env = {k: v for k, v in os.environ.items() if k != "TZ"} | clock.environment()
    probe = subprocess.Popen([sys.executable, "-c", PROBE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             env=env)

    def seen() -> list[str]:
        probe.stdin.write("\n")
        probe.stdin.flush()
        return probe.stdout.readline().split()
    try:
        now, epoch, frozen = seen()
        assert now == "2025-03-05T10:00:00+08:00" and float(epoch) == 1741140000.0 and frozen == "True"
        clock.set("2025-03-06T00:00:01+08:00")
        assert seen()[0] == "2025-03-06T00:00:01+08:00"          # no cache: the next call sees the rewrite
    finally:
        probe.stdin.close()
        probe.wait(timeout=30)
