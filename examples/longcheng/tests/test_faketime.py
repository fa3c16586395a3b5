"""The portal as a test environment runs it: a real process under libfaketime, its clock frozen by a
timestamp file (FAKETIME.md). Rewriting the file moves the portal's time — and its rules follow:
business hours, the session, the nightly batch. Loopback only; no sleeps: every wait is on the process
itself (its start-up line) and FAKETIME_NO_CACHE=1 makes the next request see the new file."""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from examples.longcheng.errors import E

LIB = Path(os.environ.get("FAKETIME_LIB", "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"))
ROOT = Path(__file__).resolve().parents[3]
TOKEN = "faketime-test-token"
START_S = 60   # the most a loaded machine may take to start the process: a deadline, not a pause


@pytest.fixture
def portal(tmp_path):
    """(base URL, timestamp file) of a portal process on a faked, frozen clock."""
    if not LIB.exists():
        pytest.fail(f"找不到 libfaketime（{LIB}）：请运行 bash setup.sh 安装 Debian 的 faketime / libfaketime is missing: "
                    "run bash setup.sh, which installs Debian's faketime package")
    stamp = tmp_path / "faketime.rc"
    stamp.write_text("2025-03-05 10:00:00\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGCHENG_", "FAKETIME"))}
    env.update(LD_PRELOAD=str(LIB), FAKETIME_TIMESTAMP_FILE=str(stamp), FAKETIME_NO_CACHE="1", TZ="Asia/Shanghai")
    proc = subprocess.Popen(
        [sys.executable, "-m", "examples.longcheng", "serve", "--db", str(tmp_path / "lc.db"), "--port", "0",
         "--admin-token", TOKEN, "--channel-timeout", "2000000000"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], START_S)
        line = proc.stdout.readline().decode() if ready else ""
        if "serving http://" not in line:
            proc.kill()
            pytest.fail(f"the portal did not start: {line!r} {proc.communicate(timeout=30)[1].decode()[-2000:]}")
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


def test_a_changed_timestamp_file_moves_the_portals_time_and_its_rules(portal):
    base, stamp = portal
    s = requests.Session()
    adm = {"X-Admin-Token": TOKEN}

    def call(method, path, body=None, headers=None):
        r = s.request(method, base + path, json=body, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()

    def now():
        return call("GET", "/gateway/pub/xtsj")["data"]["xtsj"]

    def login():
        return {"token": call("POST", "/gateway/auth/login", {"zsxlh": serial, "zskl": "123456"})["data"]["token"]}

    assert now() == "2025-03-05 10:00:00"
    unit = call("POST", "/admin/zs/dw", {"dw": [{"scjcny": "202411", "jzny": "202502"}]}, adm)["data"]["dw"][0]
    serial = unit["zs"][0]["zsxlh"]
    me = login()
    assert call("POST", "/gateway/dw/jbrbg", {"jbrxm": "钱七", "jbrsjhm": "13912345678",
                                              "jbrsfzh": "320400197105171868"}, me)["data"]["hssj"] == "2025-03-06 09:00:00"

    stamp.write_text("2025-03-05 17:00:00\n")                 # the same afternoon, business hours over
    assert now() == "2025-03-05 17:00:00"
    me = login()                                              # seven idle hours ended the session
    assert call("POST", "/gateway/yw/jchc", {}, me)["code"] == E.OUTSIDE_HOURS
    assert call("GET", "/gateway/dw/xx", None, me)["data"]["jbrxm"] != "钱七"

    stamp.write_text("2025-03-06 00:00:01\n")                 # past midnight: the operator runs the batch
    assert call("POST", "/admin/pc/rz", None, adm)["data"]["yxsj"] == "2025-03-06 00:00:01"
    stamp.write_text("2025-03-06 09:00:00\n")
    me = login()
    assert call("GET", "/gateway/dw/xx", None, me)["data"]["jbrxm"] == "钱七"
    assert call("POST", "/gateway/yw/jchc", {}, me)["code"] == "0000"

    stamp.write_text("2025-03-05 08:59:59\n")                 # a reset may send the clock back
    assert now() == "2025-03-05 08:59:59"
