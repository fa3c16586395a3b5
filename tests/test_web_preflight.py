"""Pre-flight in web mode (issue 13, finding 10): a log-in page whose controls the browser driver cannot find
stops the run before the first scenario, with one bilingual message naming the page-map entries to add
(exit 2); found, the run goes on."""
from __future__ import annotations

import json
import shutil

import pytest

from tests.served import ServedProcess, gjj_command
from tests.test_certify import ENV, certify

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("chromium") is None, reason="no Chromium")]


@pytest.fixture(scope="module")
def reference():
    served = ServedProcess(gjj_command() + ["serve", "--test-control", "--db", ":memory:", "--port", "0"], env=ENV)
    try:
        yield served.url
    finally:
        served.stop()


def config(tmp_path, url: str, mapping: str | None) -> str:
    lines = ["version: 1", "target:", f"  base_url: {url}", f"  control_url: {url}"]
    if mapping is not None:
        (tmp_path / "pages.toml").write_text(mapping, encoding="utf-8")
        lines += ["browser:", "  locators: pages.toml"]
    (tmp_path / "target.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(tmp_path / "target.yaml")


def test_unfindable_log_in_controls_stop_the_run_in_the_preflight(reference, tmp_path):
    run = certify("--config", config(tmp_path, reference, '[names]\n"登录" = "签到"\n'), "--mode", "web",
                  "--tags", "id-HELP-01", "--out", str(tmp_path / "out"))
    assert run.returncode == 2, run.stdout[-2000:]
    doc = json.loads((tmp_path / "out" / "verdicts.json").read_text(encoding="utf-8"))
    check = next(c for c in doc["preflight"] if c["check"].startswith("登录页面"))
    assert check["status"] == "fail" and '[names] "登录"' in check["detail"] and "page map" in check["detail"]
    assert doc["scenarios"] == [] and "登录页面" in doc["run_error"]


def test_found_log_in_controls_let_the_run_go_on(reference, tmp_path):
    run = certify("--config", config(tmp_path, reference, None), "--mode", "web", "--tags", "id-HELP-01",
                  "--out", str(tmp_path / "out"))
    doc = json.loads((tmp_path / "out" / "verdicts.json").read_text(encoding="utf-8"))
    check = next(c for c in doc["preflight"] if c["check"].startswith("登录页面"))
    assert check["status"] == "ok", check
    assert run.returncode == 0, run.stdout[-2000:]
