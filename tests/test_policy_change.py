"""A policy change is a data change the whole suite follows (issue 6): a hypothetical new business
hours period (ending 17:30 from 2026-07-01) added to a copy of the policy data makes the
policy-driven boundary scenario (@id-HRS-05) use the new edge for days on or after it and the old
edge before it — in the embedded reference centre, and as the expectation against a portal still
on the old rule."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gjj import spec_run  # noqa: E402
from gjj.fixtures.policy_values import PolicyNotInForce, in_force  # noqa: E402
from policy_edits import policy_with_longer_hours  # noqa: E402

ENV = spec_run.environment(GJJ_DRIVER="api")


@pytest.fixture
def new_policy(tmp_path) -> Path:
    return policy_with_longer_hours(tmp_path)


def spec(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(spec_run.command("-q", "-rf", "-k", "HRS-05", *args), cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300,
                          check=False)


def test_the_value_in_force_changes_on_its_effective_date(new_policy):
    from datetime import date
    assert in_force("business_hours", date(2026, 6, 30), new_policy)["end"] == "17:00:00"
    assert in_force("business_hours", date(2026, 7, 1), new_policy)["end"] == "17:30:00"
    assert in_force("business_hours", date(2026, 7, 1))["end"] == "17:00:00"  # the real data is untouched
    with pytest.raises(PolicyNotInForce):
        in_force("business_hours", date(2019, 5, 31))


def test_the_reference_centre_and_the_specification_follow_the_new_data(new_policy):
    for day in ("2026-06-30", "2026-07-01"):
        r = spec("--policy-dir", str(new_policy), "--as-of", day)
        assert r.returncode == 0 and re.search(r"\b4 passed", r.stdout), (day, r.stdout[-3000:])


def test_a_portal_still_on_the_old_rule_fails_only_from_the_effective_date(new_policy, tmp_path):
    from tests.served import ServedProcess, gjj_command
    served = ServedProcess(gjj_command() + ["serve", "--test-control", "--db", ":memory:", "--port", "0"], env=ENV)  # the old data
    try:
        before = spec("--target", served.url, "--policy-dir", str(new_policy), "--as-of", "2026-06-30")
        after = spec("--target", served.url, "--policy-dir", str(new_policy), "--as-of", "2026-07-01")
    finally:
        served.stop()
    assert before.returncode == 0 and re.search(r"\b4 passed", before.stdout), before.stdout[-3000:]
    assert after.returncode == 1, after.stdout[-3000:]
    # 17:29:59 must be accepted under the new rule; the old portal refuses it. 17:30:00 is refused by both.
    assert re.search(r"\b1 failed, 3 passed", after.stdout), after.stdout[-3000:]
    failed = [ln for ln in after.stdout.splitlines() if ln.startswith("FAILED")]
    assert len(failed) == 1 and "结束前1秒".encode("unicode_escape").decode() in failed[0], failed


@pytest.mark.parametrize("day, says", [
    ("2027-01-05", "fixtures/policy/calendar/2027.toml"),   # beyond the calendar data: which file to add
    ("2026-07-04", "不是工作日"),                            # a Saturday
])
def test_a_check_date_the_calendar_cannot_serve_stops_the_run_with_a_chinese_message(day, says):
    r = spec("--as-of", day)
    assert r.returncode == pytest.ExitCode.USAGE_ERROR, r.stdout[-2000:] + r.stderr[-2000:]
    assert says in r.stdout + r.stderr and "检查基准日" in r.stdout + r.stderr
    assert " passed" not in r.stdout and " failed" not in r.stdout
