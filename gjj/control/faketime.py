"""A clock for a portal that has none: the time of an unmodified process started under libfaketime,
moved by rewriting its timestamp file (examples/longcheng/FAKETIME.md has the measurements).

The process is started with `FaketimeClock(path).environment()` (LD_PRELOAD of Debian's `faketime`
library, FAKETIME_TIMESTAMP_FILE, FAKETIME_NO_CACHE=1, TZ=Asia/Shanghai); the file holds one absolute
Beijing time, `YYYY-MM-DD hh:mm:ss`, at which the process's clock stands frozen until the file changes
— like a virtual clock, time does not pass between two moves. A control plug-in moves it with `set`
(forward only, as test-control.md §6.1 asks) and learns whether the move crossed midnight, which is
when it must run the portal's nightly job.

    python -m gjj.control.faketime env FILE [YYYY-MM-DDThh:mm:ss]   # sets the file, prints KEY=VALUE lines
"""
from __future__ import annotations

import glob
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMAT = "%Y-%m-%d %H:%M:%S"
LIBRARY_GLOB = "/usr/lib/*/faketime/libfaketime.so.1"   # Debian package `faketime` (setup.sh installs it)


class ClockBackwards(ValueError):
    """A move to a time before the clock's: refused, as a virtual clock refuses it (CLOCK_BACKWARDS)."""


def parse(moment: str | datetime) -> datetime:
    """ISO 8601 (naive = Beijing time, any offset converted) → an aware Beijing time, to the second."""
    value = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment).replace(" ", "T"))
    value = value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)
    return value.replace(microsecond=0)


def library() -> str:
    found = sorted(glob.glob(LIBRARY_GLOB))
    if not found:
        raise FileNotFoundError(f"找不到 libfaketime（{LIBRARY_GLOB}），请运行 bash setup.sh 安装 faketime / "
                                "libfaketime not found: run bash setup.sh (Debian package faketime)")
    return found[0]


class FaketimeClock:
    """The timestamp file of a process under libfaketime, read and moved as a clock."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def environment(self) -> dict[str, str]:
        """What the process must be started with so that its clock is this file's."""
        return {"LD_PRELOAD": library(), "FAKETIME_TIMESTAMP_FILE": str(self.path), "FAKETIME_NO_CACHE": "1",
                "TZ": "Asia/Shanghai"}

    def now(self) -> datetime:
        return datetime.strptime(self.path.read_text(encoding="ascii").strip(), FORMAT).replace(tzinfo=SHANGHAI)

    def reset(self, moment: str | datetime) -> None:
        """Put the clock at `moment`, earlier or later (a reset of the world)."""
        self._write(parse(moment))

    def set(self, moment: str | datetime) -> bool:
        """Move the clock forward to `moment`; True if it crossed a midnight (Beijing time) on the way."""
        target, current = parse(moment), self.now()
        if target < current:
            raise ClockBackwards(f"时钟不能倒退：{target.isoformat()} 早于 {current.isoformat()} / "
                                 f"the clock cannot move backwards")
        self._write(target)
        return target.date() > current.date()

    def _write(self, moment: datetime) -> None:
        # the process reads the file at every time call: replace it whole, never let it see half a line
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".faketime-")
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(moment.strftime(FORMAT) + "\n")
        os.replace(tmp, self.path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3) or args[0] != "env":
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    clock = FaketimeClock(args[1])
    if len(args) == 3:
        clock.reset(args[2])
    for key, value in clock.environment().items():
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
