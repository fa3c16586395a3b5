"""The two ways the suite, the specification and the benchmarks start the reference centre
(gjj.simulator.server): uvicorn in a thread (ThreadedCentre) and `gjj serve` in a subprocess
(CentreProcess), and the socket both, and `gjj serve` itself, listen on."""
from __future__ import annotations

import asyncio
import signal
import socket
import sys

import pytest
import requests

from gjj.simulator.server import CentreProcess, ThreadedCentre, bind_socket

TIMEOUT = 10


# --- the socket ---------------------------------------------------------------------------------------------
def _nodelay_of_accepted(sock: socket.socket) -> int:
    """TCP_NODELAY of the connection asyncio accepts on `sock` (as uvicorn serves)."""
    async def main() -> int:
        accepted: asyncio.Future = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                accepted.set_result(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP,
                                                                                socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        async with server:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            value = await asyncio.wait_for(accepted, TIMEOUT)
            writer.close()
            return value

    return asyncio.run(main())


def test_asyncio_turns_tcp_nodelay_on_for_the_centres_socket_and_only_for_it():
    assert _nodelay_of_accepted(bind_socket()) != 0
    assert _nodelay_of_accepted(bind_socket(nodelay=False)) == 0  # what a plain socket.socket() gets


def test_the_socket_listens_before_the_url_is_printed():
    """A client that read the URL is queued, not refused, until the server accepts."""
    sock = bind_socket()
    with socket.create_connection(sock.getsockname()[:2], timeout=TIMEOUT):
        pass
    sock.close()


# --- in a thread --------------------------------------------------------------------------------------------
def test_a_threaded_centre_serves_until_stopped_and_exposes_its_app():
    centre = ThreadedCentre()
    with pytest.raises(RuntimeError):
        centre.base_url  # noqa: B018 — not started
    assert centre.app.state.services.centre.db is not None  # readable before it serves
    with centre:
        url = centre.base_url
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url + "/healthz", timeout=TIMEOUT).json()["status"] == "ok"
        assert requests.get(url + "/_sim/clock", timeout=TIMEOUT).status_code == 200  # test control by default
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/healthz", timeout=TIMEOUT)


def test_a_threaded_centre_without_test_control_has_no_control_interface():
    with ThreadedCentre(test_control=False) as centre:
        assert requests.get(centre.base_url + "/_sim/clock", timeout=TIMEOUT).status_code == 404


def test_a_threaded_centre_serves_https_with_its_own_ca_and_removes_it_afterwards():
    with ThreadedCentre(https=True) as centre:
        assert centre.base_url.startswith("https://127.0.0.1:")
        ca = centre.ca_bundle
        assert requests.get(centre.base_url + "/healthz", verify=str(ca), timeout=TIMEOUT).ok
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(centre.base_url + "/healthz", timeout=TIMEOUT)  # not a CA the system trusts
    assert not ca.parent.exists()  # a temporary folder for :memory:


def test_two_threaded_centres_are_two_centres():
    with ThreadedCentre() as a, ThreadedCentre() as b:
        assert a.base_url != b.base_url
        requests.post(a.base_url + "/_sim/reset", json={"now": "2025-06-02T10:00:00+08:00"},
                      timeout=TIMEOUT).raise_for_status()
        assert requests.get(a.base_url + "/_sim/clock", timeout=TIMEOUT).json()["today"] == "2025-06-02"
        assert requests.get(b.base_url + "/_sim/clock", timeout=TIMEOUT).json()["today"] == "2025-03-05"


# --- in a subprocess ----------------------------------------------------------------------------------------
def test_a_centre_process_is_gjj_serve_ready_once_started_and_stops_on_sigterm():
    with CentreProcess("--test-control", "--db", ":memory:") as centre:
        assert requests.get(centre.base_url + "/healthz", timeout=TIMEOUT).ok  # no waiting: start() did
        assert "reference centre listening: " + centre.base_url in centre.text
        assert "--port" in centre.args and centre.args[centre.args.index("--port") + 1] == "0"
    assert centre.proc.returncode == -signal.SIGTERM


def test_kill_is_sigkill():
    centre = CentreProcess("--db", ":memory:")
    centre.start()
    assert centre.kill() == -signal.SIGKILL


def _python(code: str, **kw) -> CentreProcess:
    return CentreProcess(command=[sys.executable, "-c", code], **kw)


def test_a_program_that_ends_without_its_url_is_reported_with_its_output():
    with pytest.raises(RuntimeError, match=r"printed no .*\n.*no URL here"):
        _python("print('no URL here')").start()


def test_a_program_that_prints_its_url_but_does_not_answer_is_reported():
    with pytest.raises(RuntimeError, match="did not answer /healthz"):
        _python("print('serving http://127.0.0.1:9')").start()  # and ends: nothing listens there


def test_a_server_that_ignores_sigterm_is_killed():
    centre = _python("import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
                     "print('http://127.0.0.1:9', flush=True); signal.pause()", ready_path=None, timeout=1)
    centre.start()
    assert centre.stop() == -signal.SIGKILL
