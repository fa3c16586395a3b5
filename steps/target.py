"""Which portal the specification runs against: the embedded reference centre (default), or
any base URL offering the API and test-control contract (--target / GJJ_TARGET)."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    base_url: str
    control_url: str | None    # None: the target offers no test control
    control_token: str | None
    embedded: bool


class EmbeddedCentre:
    """The reference centre in a background thread, on a free loopback port."""

    def __init__(self, policy_dir: Path | None = None) -> None:
        import uvicorn

        from gjj.simulator.app import (
            create_app,  # the only import of the simulator from steps/
        )
        self.app = create_app(":memory:", test_control=True, policy_dir=policy_dir)
        # IPPROTO_TCP explicitly: asyncio only turns on TCP_NODELAY for sockets that say so,
        # and without it every response waits ~40 ms for the peer's delayed ACK
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:  # uvicorn sets this once it accepts connections
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("embedded reference centre did not start")
            time.sleep(0.01)
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
