"""How the reference centre is served: its listening socket, uvicorn's settings, and the two helpers
that run it for the specification, tests and benchmarks (after moto's `ThreadedMotoServer`):

    with ThreadedCentre() as centre:            # uvicorn in a thread of this process: :memory:, test control
        requests.get(centre.base_url + "/healthz")

    with CentreProcess("--test-control", "--db", ":memory:") as centre:   # `gjj serve …` in a subprocess
        requests.get(centre.base_url + "/healthz")

A thread shares this process's memory (a test can read `centre.app.state` directly, and a patch of this
process applies to it); a subprocess is a centre as shipped, one that can be killed (crash safety) and
whose CPU time is its own (benchmarks). `gjj serve` (simulator/cli.py) uses the same socket and settings.
"""
from __future__ import annotations

import os
import queue
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

TIMEOUT = 30.0  # seconds: to start, for each awaited line of output, for a process to stop
LOOPBACK = "127.0.0.1"


# --- the socket and uvicorn's settings, shared with `gjj serve` ------------------------------------------
def bind_socket(host: str = LOOPBACK, port: int = 0, *, nodelay: bool = True) -> socket.socket:
    """A listening TCP socket. Listening before the URL is printed means a client that read the URL is
    queued until the server accepts, never refused. `nodelay`: created as IPPROTO_TCP, the only sockets
    asyncio turns TCP_NODELAY on for; without it every small response waits ~40 ms for a delayed ACK."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP if nodelay else 0)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # uvicorn's default backlog
    return sock


def base_url(sock: socket.socket, scheme: str = "http") -> str:
    host, port = sock.getsockname()[:2]
    shown = LOOPBACK if host in ("0.0.0.0", "") else host
    return f"{scheme}://{'[' + shown + ']' if ':' in shown else shown}:{port}"


def uvicorn_config(app, log_level: str = "warning", tls=None):
    """One worker, no access log (a log line per request costs more than the request); keep-alive 30 s,
    so a client's pooled connection outlives a pause between scenarios."""
    import uvicorn
    ssl_files = {"ssl_keyfile": str(tls.server_key), "ssl_certfile": str(tls.server_cert)} if tls else {}
    return uvicorn.Config(app, log_level=log_level, access_log=False, timeout_keep_alive=30, **ssl_files)


def serve(app, sock: socket.socket, log_level: str = "warning", tls=None) -> None:
    """Serve on `sock` in this thread until stopped (SIGINT/SIGTERM in the main thread)."""
    import uvicorn
    uvicorn.Server(uvicorn_config(app, log_level, tls)).run(sockets=[sock])


# --- in a thread ------------------------------------------------------------------------------------------
class ThreadedCentre:
    """The reference centre served by uvicorn in a background thread, on a free loopback port.

    db: a SQLite file or ":memory:"; test_control: the /_sim/ interface and the virtual clock (on: this
    is a helper for tests); policy_dir / calendar_dir: policy data other than fixtures/policy;
    https: serve TLS with the local CA in tls_dir (simulator/tls.py; default a temporary folder for
    :memory:), whose bundle is `ca_bundle`; nodelay: see `bind_socket`. The app is built at once, so
    `centre.app.state` can be read before and while it serves.
    """

    def __init__(self, db: str | Path = ":memory:", *, test_control: bool = True, control_token: str | None = None,
                 policy_dir: Path | None = None, calendar_dir: Path | None = None, https: bool = False,
                 tls_dir: Path | None = None, host: str = LOOPBACK, port: int = 0, nodelay: bool = True,
                 log_level: str = "warning") -> None:
        from .app import create_app
        self.app = create_app(db, test_control=test_control, control_token=control_token, policy_dir=policy_dir,
                              calendar_dir=calendar_dir)
        self._db, self._https, self._tls_dir = db, https, tls_dir
        self._host, self._port, self._nodelay, self._log_level = host, port, nodelay, log_level
        self.tls = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    @property
    def base_url(self) -> str:
        if self._url is None:
            raise RuntimeError("ThreadedCentre: not started / 尚未启动")
        return self._url

    @property
    def ca_bundle(self) -> Path | None:
        """The CA certificate a client trusts to verify the centre (https only)."""
        return self.tls.ca_cert if self.tls else None

    def start(self) -> str:
        """Returns the base URL once the server accepts connections."""
        import uvicorn

        if self._thread is not None:
            raise RuntimeError("ThreadedCentre: already started / 已经启动")
        if self._https:
            from .tls import identities_for, prepare
            self.tls = prepare(self._tls_dir, identities_for(self._host), db=self._db)
        sock = bind_socket(self._host, self._port, nodelay=self._nodelay)
        changed = threading.Event()  # set once uvicorn has started, or its thread has ended

        class Server(uvicorn.Server):
            async def startup(self, sockets=None) -> None:
                await super().startup(sockets=sockets)
                changed.set()

        def run() -> None:
            try:
                self._server.run(sockets=[sock])
            finally:
                sock.close()
                changed.set()

        self._server = Server(uvicorn_config(self.app, self._log_level, self.tls))
        self._thread = threading.Thread(target=run, name="gjj-centre", daemon=True)
        self._thread.start()
        if not changed.wait(TIMEOUT) or not self._server.started:
            self.stop()
            raise RuntimeError("参考实现未能启动 / the reference centre did not start (see the log above)")
        self._url = base_url(sock, "https" if self.tls else "http")
        return self._url

    def stop(self) -> None:
        """Lets open requests finish, then ends the thread; a temporary TLS folder is removed."""
        if self._thread is not None:
            self._server.should_exit = True
            self._thread.join(TIMEOUT)
            if self._thread.is_alive():  # a request that does not end: close the connections
                self._server.force_exit = True
                self._thread.join(TIMEOUT)
            self._thread = None
        if self.tls:
            self.tls.cleanup()
        self._url = None

    def __enter__(self) -> "ThreadedCentre":
        if self._thread is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- in a subprocess --------------------------------------------------------------------------------------
def gjj_command() -> list[str]:
    """The installed `gjj` console script beside this Python, or the module when there is none."""
    exe = Path(sys.executable).with_name("gjj")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "gjj"]


class CentreProcess:
    """`gjj serve ARGS…` in a subprocess (`--port 0` unless ARGS name a port), or, with `command`, any
    program that prints its URL (e.g. a known-bad variant). Its output is drained by a thread into
    `output`; `start()` returns once the printed URL (`url_pattern`) answers `ready_path` with any
    HTTP status (None: the printed URL is enough). `verify`: as requests' — False, or a CA bundle path.
    `stop()` sends SIGTERM, then SIGKILL after `TIMEOUT` seconds; `kill()` sends SIGKILL at once.
    """

    def __init__(self, *args: str, command: Sequence[str] | None = None, env: dict[str, str] | None = None,
                 cwd: str | Path | None = None, url_pattern: str = r"https?://127\.0\.0\.1:\d+",
                 ready_path: str | None = "/healthz", verify: bool | str = True, timeout: float = TIMEOUT) -> None:
        if command is None:
            command = [*gjj_command(), "serve", *(() if "--port" in args else ("--port", "0"))]
        self.args = [*command, *args]
        self.env = {**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"}
        self.cwd, self.url_pattern, self.ready_path, self.verify = cwd, url_pattern, ready_path, verify
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._url: str | None = None

    @property
    def base_url(self) -> str:
        if self._url is None:
            raise RuntimeError("CentreProcess: not started / 尚未启动")
        return self._url

    @property
    def text(self) -> str:
        return "".join(self.output)

    def start(self) -> str:
        if self.proc is not None:
            raise RuntimeError("CentreProcess: already started / 已经启动")
        self.proc = subprocess.Popen(self.args, cwd=self.cwd, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._drain, name="gjj-centre-output", daemon=True).start()
        self._url = self.wait_for(self.url_pattern)
        if self.ready_path is not None:
            self.wait_ready(self.ready_path, self.verify)
        return self._url

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, pattern: str, group: int = 0) -> str:
        """The first match of `pattern` in the lines printed from now on (they are kept in `output`)."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise RuntimeError(f"{self.args[:3]} printed no {pattern!r} / 没有输出预期内容:\n{self.text}")
            self.output.append(line)
            m = re.search(pattern, line)
            if m:
                return m.group(group)

    def wait_ready(self, path: str, verify: bool | str = True) -> None:
        """One request to `path` (any status will do). Every program started here prints its URL once its
        socket listens, so the kernel queues this connection until the server accepts it: there is nothing
        to poll for, and a refused connection means the program is not what it says it is."""
        context = None
        if self.base_url.startswith("https:"):
            context = ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)
            if verify is False:
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=self.timeout, context=context):
                return
        except urllib.error.HTTPError:
            return  # it answered
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            self.stop()
            raise RuntimeError(f"{self.args[:3]} did not answer {path} / 没有应答: {e}\n{self.text}") from None

    def kill(self) -> int:
        """SIGKILL: no shutdown handler runs (the crash-safety tests)."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        return self.proc.wait(self.timeout)

    def stop(self) -> int | None:
        """SIGTERM (the server finishes what it is doing and exits), SIGKILL if it has not after `timeout`."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(self.timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def __enter__(self) -> "CentreProcess":
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
