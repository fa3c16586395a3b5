"""Fixtures for the Longcheng portal's own tests: an app on a fresh sqlite file, the time frozen with
freezegun (the portal reads the OS clock), the back office to build a world, and small API helpers."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
import select
import signal
import subprocess
import sys
from pathlib import Path

import freezegun
import pytest
from freezegun import freeze_time

# pytest's own timing (durations, timeouts) keeps real time while a test's clock is frozen
freezegun.configure(extend_ignore_list=["_pytest.runner", "_pytest.timing"])

from examples.longcheng.app import create_app

TOKEN = "test-admin-token"
ADMIN = {"X-Admin-Token": TOKEN}
WEDNESDAY_10 = "2025-03-05 10:00:00+08:00"

# The world most tests start from (清册, months and stages as the guide's examples use them).
WORLD = {"sjzz": 7, "dw": [
    {"bh": "甲", "dwmc": "常州市天宁区恒达机械有限公司", "scjcny": "202411", "jzny": "202502",
     "zg": [{"bh": "张三", "xm": "张三", "jcjs": "8000"},
            {"bh": "李四", "xm": "李四", "jcjs": "7000", "zhzt": "02", "zhjcny": "202412"},
            {"bh": "王五", "xm": "王五", "jcjs": "6000", "qjny": "202503", "rzny": "202412"}]},
    {"bh": "乙", "dwmc": "常州市钟楼区明德学校", "wtsk": False, "ktzt": "00", "scjcny": "202501", "jzny": "202502",
     "zg": [{"bh": "周八", "xm": "周八", "jcjs": "5000"}]},
    {"bh": "丙", "scjcny": "202406", "jzny": "202502",
     "zg": [{"bh": "赵六", "xm": "赵六", "jcjs": "6500", "zhzt": "02", "zhjcny": "202501"},
            {"bh": "吴九", "xm": "吴九", "jcjs": "5500"}]},
]}


@pytest.fixture
def clock():
    """The OS clock as the portal sees it, frozen on a Wednesday morning; clock.move_to(...) moves it."""
    with freeze_time(WEDNESDAY_10) as frozen:
        yield frozen


@pytest.fixture
def make_app(tmp_path):
    made = []

    def make(faults: str = "", admin: bool = True):
        app = create_app(str(tmp_path / f"lc{len(made)}.db"), admin_token=TOKEN if admin else None, faults=faults,
                         secret="test-secret")
        app.testing = True
        made.append(app)
        return app
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


class Portal:
    """The JSON API as a client programme would use it."""

    def __init__(self, client) -> None:
        self.c = client
        self.token: str | None = None

    def call(self, method: str, path: str, body=None, **kw) -> dict:
        headers = {"token": self.token} if self.token else {}
        r = self.c.open(path, method=method, json=body, headers=headers, **kw)
        assert r.status_code == 200, (r.status_code, r.data[:300])
        return r.get_json()

    def ok(self, method: str, path: str, body=None):
        answer = self.call(method, path, body)
        assert answer["code"] == "0000", answer
        return answer["data"]

    def refused(self, method: str, path: str, body=None) -> str:
        answer = self.call(method, path, body)
        assert answer["code"] != "0000", answer
        assert re.search(r"[\u4e00-\u9fff]", answer["msg"]), answer          # the message is Chinese
        assert answer["data"] is None
        return answer["code"]

    def login(self, serial: str, pin: str = "123456") -> dict:
        data = self.ok("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": pin})
        self.token = data["token"]
        return data

    def submit(self, kind: str, **fields) -> dict:
        return self.ok("POST", f"/gateway/yw/{kind}", fields)

    def refuse(self, kind: str, **fields) -> str:
        return self.refused("POST", f"/gateway/yw/{kind}", fields)


def admin(client, method: str, path: str, body=None):
    r = client.open(path, method=method, json=body, headers=ADMIN)
    answer = r.get_json()
    assert r.status_code == 200 and answer["code"] == "0000", (r.status_code, answer)
    return answer["data"]


class World:
    """The seeded world: units and people by the names the tests use."""

    def __init__(self, data: dict) -> None:
        self.units = {u["bh"]: u for u in data["dw"]}
        self.people = {e["bh"]: e for u in data["dw"] for e in u["zg"]}

    def serial(self, unit: str) -> str:
        return self.units[unit]["zs"][0]["zsxlh"]

    def unit(self, unit: str) -> str:
        return self.units[unit]["dwzh"]

    def grzh(self, person: str) -> str:
        return self.people[person]["grzh"]

    def id_number(self, person: str) -> str:
        return self.people[person]["sfzh"]


@pytest.fixture
def world(client, clock) -> World:
    return World(admin(client, "POST", "/admin/zs/dw", WORLD))


@pytest.fixture
def jia(client, world) -> Portal:
    """The operator of unit 甲, logged in."""
    p = Portal(client)
    p.login(world.serial("甲"))
    return p


def form_token(html: str) -> str:
    m = re.search(r'name="_csrf" value="([0-9a-f]+)"', html)
    assert m, "the page has no form token"
    return m[1]


# --- the real server on a frozen libfaketime clock (FAKETIME.md) -------------------------------------
LIB = Path(os.environ.get("FAKETIME_LIB", "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"))
ROOT = Path(__file__).resolve().parents[3]
SERVED_TOKEN = "served-test-token"
START_S = 60   # the most a loaded machine may take to start the process: a deadline, not a pause


@pytest.fixture
def served(tmp_path):
    """(base URL, timestamp file) of a portal process on a faked, frozen clock."""
    with portal_process(tmp_path) as started:
        yield started


@contextmanager
def portal_process(tmp_path: Path):
    if not LIB.exists():
        pytest.fail(f"找不到 libfaketime（{LIB}）：请运行 bash setup.sh 安装 Debian 的 faketime / libfaketime is missing: "
                    "run bash setup.sh, which installs Debian's faketime package")
    stamp = tmp_path / "faketime.rc"
    stamp.write_text("2025-03-05 10:00:00\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGCHENG_", "FAKETIME"))}
    env.update(LD_PRELOAD=str(LIB), FAKETIME_TIMESTAMP_FILE=str(stamp), FAKETIME_NO_CACHE="1", TZ="Asia/Shanghai")
    log = tmp_path / "portal.log"            # a file, not a pipe: a full pipe nobody reads would block the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "examples.longcheng", "serve", "--db", str(tmp_path / "lc.db"), "--port", "0",
         "--admin-token", SERVED_TOKEN, "--channel-timeout", "2000000000"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log.open("wb"))
    try:
        ready, _, _ = select.select([proc.stdout], [], [], START_S)
        line = proc.stdout.readline().decode() if ready else ""
        if "serving http://" not in line:
            proc.kill()
            proc.wait()
            pytest.fail(f"the portal did not start: {line!r} {log.read_text(errors='replace')[-2000:]}")
        yield line.split("serving ", 1)[1].rsplit("/wt/login", 1)[0], stamp
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)       # a clean exit also removes libfaketime's shared memory
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                for name in (f"faketime_shm_{proc.pid}", f"sem.faketime_sem_{proc.pid}"):
                    Path("/dev/shm", name).unlink(missing_ok=True)
