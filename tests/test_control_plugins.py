"""Test control as a plug-in (gjj/control/, gjj/plugins.py): plug-ins importable from the harness directory and
the configuration's folder, refusals typed and bilingual, the policy values read once in the pre-flight and the
target's open values used by the scenarios (PIN-04) and listed in verdicts.json, a refused token stopping a
configured run, and `gjj check-control` naming a MUST a control breaks."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from gjj.control.protocol import OPERATIONS, ControlDriver, ControlRefused
from gjj.control.sim import SimControl
from gjj.fixtures.policy_values import POLICY_DIR, in_use
from gjj.plugins import CONTROLS, DRIVERS, load_control_plugin, load_plugin
from gjj.simulator.server import ThreadedCentre

ROOT = Path(__file__).resolve().parents[1]
GJJ = Path(sys.executable).parent / "gjj"


def _gjj(*args: str, cwd: Path = ROOT, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GJJ), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={k: v for k, v in os.environ.items() if not k.startswith("GJJ_")} | env)


# --- loading ------------------------------------------------------------------------------------------------------
def test_the_documented_driver_plug_in_loads_from_the_harness_directory_whatever_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # finding 9: ModuleNotFoundError: No module named 'docs'
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p or ".").resolve() != ROOT])
    assert callable(load_plugin("docs.examples.vendor_driver:create", DRIVERS))


def test_a_plug_in_next_to_the_configuration_loads_from_that_folder(tmp_path):
    (tmp_path / "acme_control_xyz.py").write_text("def create(http, token=None):\n    return ('acme', token)\n")
    factory = load_control_plugin("acme_control_xyz:create", [tmp_path])
    assert factory(None, "t") == ("acme", "t")


def test_no_control_plug_in_means_the_reference_client_and_an_unknown_entry_point_is_named():
    assert isinstance(load_control_plugin(None)(object(), "t"), SimControl)
    with pytest.raises(LookupError, match="gjj.control"):
        load_plugin("no-such-control", CONTROLS)


def test_the_reference_client_and_the_example_control_implement_the_whole_protocol():
    from examples.longcheng.adapters.control import LongchengControl
    for cls in (SimControl, LongchengControl):
        assert [op for op in OPERATIONS if not callable(getattr(cls, op, None))] == []
    assert isinstance(SimControl(object()), ControlDriver)


def test_a_refusal_is_typed_and_says_it_in_chinese_and_english():
    with ThreadedCentre() as centre:
        from gjj.control.sim import PlainHttp
        control = SimControl(PlainHttp(centre.base_url))
        control.set_clock("2025-03-06T10:00:00+08:00")
        with pytest.raises(ControlRefused) as e:
            control.set_clock("2025-03-05T10:00:00+08:00")
    assert (e.value.code, e.value.status) == ("CLOCK_BACKWARDS", 409)
    assert "测试控制拒绝了" in str(e.value) and "test control refused" in str(e.value)


# --- policy values ----------------------------------------------------------------------------------------------------
def test_open_values_are_the_targets_and_values_fixed_by_the_guide_stay_the_harnesss():
    used = in_use(date(2025, 3, 5), None, {"pin_attempt_limit": 5, "business_hours": {"start": "08:00:00"},
                                           "meta": {"pin_attempt_limit": {"source": "本公司"}}})
    assert (used["pin_attempt_limit"]["value"], used["pin_attempt_limit"]["taken_from"]) == (5, "target")
    assert used["pin_attempt_limit"]["source"] == "本公司"
    assert used["business_hours"]["value"] == {"start": "09:00:00", "end": "17:00:00"}
    assert used["business_hours"]["taken_from"] == "harness"
    assert in_use(date(2025, 3, 5), None, None)["pin_attempt_limit"]["value"] == 10  # the harness's assumption


@pytest.fixture
def limit_five(tmp_path) -> Path:
    policy = tmp_path / "policy"
    shutil.copytree(POLICY_DIR, policy)
    path = policy / "pin_attempt_limit.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("value = 10", "value = 5"), encoding="utf-8")
    return policy


@pytest.mark.slow
def test_a_target_reporting_a_pin_limit_of_5_changes_what_pin_04_expects(limit_five, tmp_path):
    """The harness's own data says 10; a centre whose policy says 5 passes PIN-04 only if the scenarios follow
    the limit the target reports — and verdicts.json says which value was used and where it came from."""
    out = tmp_path / "out"
    with ThreadedCentre(policy_dir=limit_five) as centre:
        run = _gjj("certify", "--target", centre.base_url, "--mode", "api", "--tags", "id-PIN-04", "--out", str(out))
    assert run.returncode == 0, run.stdout[-3000:]
    doc = json.loads((out / "verdicts.json").read_text(encoding="utf-8"))
    values = {v["parameter"]: v for v in doc["policy"]["values"]}
    assert (values["pin_attempt_limit"]["value"], values["pin_attempt_limit"]["taken_from"]) == ("5", "target")
    assert values["business_hours"]["taken_from"] == "harness"
    assert doc["policy"]["as_of"] == "2025-03-05"
    assert "pin_attempt_limit=5" in run.stdout
    rows = [s for s in doc["scenarios"] if s["id"] == "PIN-04"]
    assert len(rows) == 4 and {s["outcome"] for s in rows} == {"passed"}


@pytest.mark.slow
def test_the_same_centre_fails_pin_04_when_the_harness_is_told_its_own_limit_only(limit_five, tmp_path):
    """The counter-check: with a control that reports no policy, the harness's 10 is expected and a centre
    locking at 5 fails PIN-04 — so the pass above is the target's value at work, not a scenario that cannot fail."""
    plugin = tmp_path / "silent_policy_control.py"
    plugin.write_text(textwrap.dedent("""
        from gjj.control.protocol import ControlRefused
        from gjj.control.sim import SimControl

        class Silent(SimControl):
            def policy(self, on=None):
                raise ControlRefused("policy", "NOT_FOUND", "", 404)

        def create(http, token=None):
            return Silent(http, token)
    """))
    with ThreadedCentre(policy_dir=limit_five) as centre:
        config = tmp_path / "target.yaml"
        config.write_text(f"target:\n  base_url: {centre.base_url}\n  control_url: {centre.base_url}\n"
                          "control:\n  plugin: silent_policy_control:create\n", encoding="utf-8")
        run = _gjj("certify", "--config", str(config), "--mode", "api", "--tags", "id-PIN-04",
                   "--out", str(tmp_path / "out"))
    assert run.returncode == 1, run.stdout[-3000:]
    doc = json.loads((tmp_path / "out" / "verdicts.json").read_text(encoding="utf-8"))
    assert {v["parameter"]: v["taken_from"] for v in doc["policy"]["values"]}["pin_attempt_limit"] == "harness"


# --- the token --------------------------------------------------------------------------------------------------------
def test_a_wrong_token_stops_a_configured_run_in_the_pre_flight_with_one_message(tmp_path):
    with ThreadedCentre(control_token="right") as centre:
        run = _gjj("certify", "--target", centre.base_url, "--control-token-env", "T", "--mode", "api",
                   "--out", str(tmp_path), T="wrong")
    assert run.returncode == 2, run.stdout[-3000:]
    assert run.stdout.count("wrong token?") == 1 and "运行停止" in run.stdout, run.stdout
    assert "登录 / log-in" not in run.stdout  # the pre-flight stopped there
    assert not (tmp_path / "scenarios.jsonl").exists()  # no scenario ran
    doc = json.loads((tmp_path / "verdicts.json").read_text(encoding="utf-8"))
    assert "wrong token?" in doc["run_error"]


# --- gjj check-control ------------------------------------------------------------------------------------------------
def test_check_control_passes_on_the_reference():
    with ThreadedCentre(control_token="tok") as centre:
        run = _gjj("check-control", "--target", centre.base_url, "--control-token-env", "T", T="tok")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("✓ TC-") == 11


BROKEN = """
import sys
from gjj.simulator.domain.messages import DomainError
from gjj.simulator.server import ThreadedCentre
from gjj.simulator.service import control

original = control.Control.remit
def remit(self, unit, month, arrived):  # the broken MUST: a month out of order is remitted anyway
    try:
        return original(self, unit, month, arrived)
    except DomainError as e:
        if e.msg.code != "REMITTANCE_OUT_OF_ORDER":
            raise
        return self.months(unit)
control.Control.remit = remit
with ThreadedCentre(control_token="tok") as centre:
    print(centre.base_url, flush=True)
    sys.stdin.read()
"""


def test_check_control_names_the_must_a_copy_of_the_reference_breaks():
    server = subprocess.Popen([sys.executable, "-c", BROKEN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        url = server.stdout.readline().strip()
        run = _gjj("check-control", "--target", url, "--control-token-env", "T", T="tok")
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    assert run.returncode == 1, run.stdout + run.stderr
    broken = [line for line in run.stdout.splitlines() if line.startswith("✗")]
    assert broken and all(line.split()[1] in ("TC-03", "TC-07") for line in broken), run.stdout
    assert "✗ TC-07" in run.stdout and "REMITTANCE_OUT_OF_ORDER" in run.stdout


def test_check_control_on_a_loopback_only_reference_says_tc_04_is_not_checked():
    with ThreadedCentre() as centre:
        run = _gjj("check-control", "--target", centre.base_url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "– TC-04" in run.stdout and "not checked: TC-04" in run.stdout and run.stdout.count("✓ TC-") == 10


def test_check_control_cannot_check_a_control_that_refuses_the_token():
    with ThreadedCentre(control_token="tok") as centre:
        run = _gjj("check-control", "--target", centre.base_url, "--control-token-env", "T", T="nope")
    assert run.returncode == 2
    assert "cannot check" in run.stderr and "无法检查" in run.stderr


def test_the_numbered_musts_of_the_contract_are_the_ones_check_control_checks():
    from gjj.control.check import CHECKS, MUSTS
    text = (ROOT / "docs" / "test-control.md").read_text(encoding="utf-8")
    section = text[text.index("## 9. Conformance"):text.index("## 10.")]
    import re
    assert re.findall(r"^\| (TC-\d\d) \|", section, re.M) == list(MUSTS) == list(CHECKS)
