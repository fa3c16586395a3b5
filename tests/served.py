"""A server in a subprocess, for tests that need a real one (`gjj serve`, a known-bad variant):
its output drained by a thread, its URL read from what it prints, ready once the app answers."""
from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30  # seconds: for each line awaited, for the app to answer, for the process to stop


def gjj_command() -> list[str]:
    """The installed `gjj` console script, or the module when run from a bare checkout."""
    exe = Path(sys.executable).with_name("gjj")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "gjj"]


class ServedProcess:
    """Started by the constructor, which returns once `ready_path` answers (any HTTP status: the
    socket is bound before the URL is printed, so the line alone does not mean the app serves)."""

    def __init__(self, cmd: list[str], *, env: dict[str, str] | None = None,
                 url_pattern: str = r"http://127\.0\.0\.1:\d+", ready_path: str | None = "/healthz",
                 verify: bool | str = True) -> None:
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"},
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        self.url = self.wait_for(url_pattern)
        if ready_path is not None:
            self.wait_ready(ready_path, verify)

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, pattern: str, group: int = 0) -> str:
        """The first match of `pattern` in the lines printed from now on."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise AssertionError(f"{self.proc.args[:3]} printed no {pattern!r}:\n" + "".join(self.output))
            self.output.append(line)
            m = re.search(pattern, line)
            if m:
                return m.group(group)

    def wait_ready(self, path: str, verify: bool | str = True) -> None:
        deadline = time.monotonic() + TIMEOUT
        pause = threading.Event()  # never set: a bounded wait between polls, not a sleep in a test
        while True:
            try:
                requests.get(self.url + path, timeout=5, verify=verify)
                return
            except requests.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"{self.proc.args[:3]} did not answer:\n" + "".join(self.output)) from None
                pause.wait(0.02)

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs (the crash-safety tests)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def __enter__(self) -> "ServedProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
