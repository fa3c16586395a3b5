"""Small misbehaving HTTP servers for the robustness tests of `gjj certify`.

A :class:`MisbehavingServer` listens on 127.0.0.1 (a free port) in a background thread. With an
``upstream`` (normally the embedded reference centre) it is a tiny proxy that forwards every request
unchanged, except those matching one of its :class:`Rule` s, which get the rule's misbehaviour
instead: a 500, an HTML page where JSON was expected, a truncated body, a late answer, a redirect to
the login page, a reset connection, random bytes, or no answer at all. Without an upstream,
requests no rule matches get a plain 404.

    with MisbehavingServer(centre_url, [Rule("GET", r"/api/v1/roster", status(500))]) as proxy:
        run(proxy.url)
        assert proxy.hits("status500")

Nothing here sleeps: the slow and hanging behaviours wait on the server's stop event, so
:meth:`MisbehavingServer.stop` releases them at once; every thread is a daemon.
"""
from __future__ import annotations

import http.client
import random
import re
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
              "transfer-encoding", "upgrade", "content-length"}

LOGIN_PAGE = "/hall/login"
MAINTENANCE_HTML = ("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>系统维护</title>"
                    "</head><body><h1>系统维护中，请稍后再试</h1></body></html>").encode()

Behaviour = Callable[["_Handler"], None]


@dataclass
class Rule:
    """Requests whose method (None: any) and path (``re.fullmatch`` on the path without the query)
    match get ``behaviour`` instead of being forwarded — except the first ``skip_first`` of them,
    which are forwarded (a portal that goes wrong in the middle of a run)."""
    method: str | None
    path: str
    behaviour: Behaviour
    skip_first: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and re.fullmatch(self.path, path) is not None


# --- behaviours ------------------------------------------------------------------------------------
def _named(name: str):
    def wrap(fn):
        fn.behaviour_name = name
        return fn
    return wrap


def status(code: int = 500, body: bytes = b"Internal Server Error", ctype: str = "text/plain; charset=utf-8"):
    """Answer ``code`` with a small body (default: a bare 500)."""
    @_named(f"status{code}")
    def behave(h: _Handler) -> None:
        h.answer(code, body, ctype)
    return behave


def html_page(code: int = 200, body: bytes = MAINTENANCE_HTML):
    """Answer an HTML page (default 200) where the API answers JSON."""
    @_named(f"html{code}")
    def behave(h: _Handler) -> None:
        h.answer(code, body, "text/html; charset=utf-8")
    return behave


def truncated(missing: int = 100):
    """Send the real answer's status and headers with a Content-Length ``missing`` bytes larger than
    what follows (half the real body), then close the connection."""
    @_named("truncated")
    def behave(h: _Handler) -> None:
        code, headers, body = h.upstream_answer()
        if not body:
            body = b'{"items": [], "total": 0}'
        h.send_response_only(code)
        for k, v in headers:
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body) + missing))
        h.end_headers()
        h.wfile.write(body[: max(1, len(body) // 2)])
        h.wfile.flush()
        h.close_connection = True
    return behave


def slow(seconds: float):
    """Answer (forward) only after ``seconds`` — or never, if the server stops first."""
    @_named("slow")
    def behave(h: _Handler) -> None:
        if h.server.stopping.wait(seconds):
            h.close_connection = True
            return
        h.forward()
    return behave


def hang():
    """Never answer; the connection stays open until the server stops."""
    @_named("hang")
    def behave(h: _Handler) -> None:
        h.server.stopping.wait()
        h.close_connection = True
    return behave


def redirect(location: str = LOGIN_PAGE, code: int = 302):
    """Redirect (as a portal whose session expired would) to the HTML login page."""
    @_named(f"redirect{code}")
    def behave(h: _Handler) -> None:
        h.send_response_only(code)
        h.send_header("Location", location)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", "0")
        h.end_headers()
    return behave


def reset():
    """Reset the connection (TCP RST) instead of answering."""
    @_named("reset")
    def behave(h: _Handler) -> None:
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True
    return behave


def garbage(size: int = 512, ctype: str = "text/plain", seed: int = 20250305):
    """200 with ``size`` random bytes (deterministic: the same bytes for the same request number)."""
    @_named("garbage")
    def behave(h: _Handler) -> None:
        h.answer(200, random.Random(seed + h.number).randbytes(size), ctype)
    return behave


# --- the server ------------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as requests' sessions expect of a real portal
    timeout = 30                    # an idle kept-alive connection does not hold its thread forever
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: _Server

    def log_message(self, format, *args):
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        path = urlsplit(self.path).path
        self.number = self.server.count_request()
        rule = self.server.choose(self.command, path)
        name = getattr(rule.behaviour, "behaviour_name", "misbehaviour") if rule else "forward"
        self.server.record(self.command, path, name)
        try:
            if rule is not None:
                rule.behaviour(self)
            elif self.server.upstream:
                self.forward()
            else:
                self.answer(404, b"not found", "text/plain")
        except OSError:  # the client gave up (its timeout) or the connection was reset on purpose
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle

    def answer(self, code: int, body: bytes, ctype: str) -> None:
        self.send_response_only(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def upstream_answer(self) -> tuple[int, list[tuple[str, str]], bytes]:
        up = urlsplit(self.server.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=self.body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            return resp.status, kept, data
        finally:
            conn.close()

    def forward(self) -> None:
        code, headers, body = self.upstream_answer()
        self.send_response_only(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False      # stop() must not wait for kept-alive connections of a killed client
    allow_reuse_address = True

    def __init__(self, upstream: str | None, rules: list[Rule]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream.rstrip("/") if upstream else None
        self.rules = rules
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.requests = 0
        self.matched = [0] * len(rules)
        self.log: list[tuple[str, str, str]] = []  # (method, path, "forward" | behaviour name)

    def choose(self, method: str, path: str) -> Rule | None:
        """The rule that applies to this request, if any (counting matches for ``skip_first``)."""
        with self.lock:
            for i, rule in enumerate(self.rules):
                if rule.matches(method, path):
                    self.matched[i] += 1
                    return rule if self.matched[i] > rule.skip_first else None
        return None

    def count_request(self) -> int:
        with self.lock:
            self.requests += 1
            return self.requests

    def record(self, method: str, path: str, name: str) -> None:
        with self.lock:
            self.log.append((method, path, name))


class MisbehavingServer:
    """A real HTTP server on a free loopback port, misbehaving as its rules say (context manager)."""

    def __init__(self, upstream: str | None = None, rules: list[Rule] | None = None) -> None:
        self._server = _Server(upstream, list(rules or []))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="misbehaving-server", daemon=True)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> str:
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.stopping.set()         # releases slow and hanging handlers at once
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def log(self) -> list[tuple[str, str, str]]:
        with self._server.lock:
            return list(self._server.log)

    def hits(self, behaviour_name: str | None = None) -> int:
        """How many requests got a misbehaviour (of that name)."""
        return sum(1 for _m, _p, name in self.log
                   if name != "forward" and (behaviour_name is None or name == behaviour_name))


def closed_port_url() -> str:
    """The URL of a loopback port nobody listens on (bound, then closed): connections are refused."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


def write_config(path, base_url: str, request_timeout_s: float = 10.0, time_budget_s: float | None = None):
    """A `gjj certify --config` file for base_url (test control at the same address)."""
    lines = ["version: 1", "target:", "  name: misbehaving test portal", f"  base_url: {base_url}",
             f"  control_url: {base_url}", f"  request_timeout_s: {request_timeout_s}"]
    if time_budget_s is not None:
        lines.append(f"time_budget_s: {time_budget_s}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
