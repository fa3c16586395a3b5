"""The Longcheng portal certified end to end, as a vendor would (examples/longcheng/certify.sh): in API mode
every clause that passes on the reference centre passes here; a known-bad variant fails its clause; its control
plug-in keeps every MUST of docs/test-control.md (gjj check-control). Each run starts the portal under
libfaketime on a free port (with-portal.sh) and stops it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
HERE = ROOT / "examples" / "longcheng"
GJJ = Path(sys.executable).parent / "gjj"


def _run(cmd: list[str], timeout: float = 170, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={k: v for k, v in os.environ.items() if k != "LONGCHENG_FAULTS"} | env)


def _verdicts(out: Path) -> dict[str, str]:
    doc = json.loads((out / "verdicts.json").read_text(encoding="utf-8"))
    return {c["id"]: c["verdict"] for c in doc["clauses"]}


@pytest.fixture(scope="module")
def reference_api(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    out = tmp_path_factory.mktemp("reference")
    run = _run([str(GJJ), "certify", "--mode", "api", "--out", str(out)])
    return run, _verdicts(out)


@pytest.fixture(scope="module")
def example_api(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict[str, str], Path]:
    out = tmp_path_factory.mktemp("longcheng")
    run = _run([str(HERE / "certify.sh"), "--mode", "api", "--out", str(out)])
    return run, _verdicts(out), out


@pytest.mark.slow
def test_the_reference_passes_its_api_clauses(reference_api):
    run, verdicts = reference_api
    assert run.returncode == 0, run.stdout[-3000:]
    assert "pass" in verdicts.values()


@pytest.mark.slow
def test_certify_sh_passes_every_api_clause_the_reference_passes(reference_api, example_api, capsys):
    (_, reference), (run, example, out) = reference_api, example_api
    table = "\n".join(f"| {cid} | {reference[cid]} | {example.get(cid)} |" for cid in reference)
    with capsys.disabled():
        print("\n| clause | reference (api) | longcheng (api) |\n|---|---|---|\n" + table)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert [c for c, v in reference.items() if v == "pass" and example.get(c) != "pass"] == []
    policy = {v["parameter"]: v for v in json.loads((out / "verdicts.json").read_text("utf-8"))["policy"]["values"]}
    assert (policy["pin_attempt_limit"]["value"], policy["pin_attempt_limit"]["taken_from"]) == ("5", "target")
    assert policy["business_hours"]["taken_from"] == "harness"  # fixed by the guide (verified: true)


@pytest.mark.slow
def test_a_seal_that_ignores_arrival_fails_3_3_1(tmp_path):
    run = _run([str(HERE / "certify.sh"), "--mode", "api", "--tags", "guide-3.3.1", "--out", str(tmp_path)],
               LONGCHENG_FAULTS="seal_ignores_arrival")
    assert run.returncode == 1, run.stdout[-3000:]
    assert _verdicts(tmp_path)["3.3.1"] == "fail"


def test_the_control_plug_in_keeps_every_must_of_the_contract():
    run = _run([str(HERE / "with-portal.sh"), "bash", "-c", '"$GJJ" check-control --config "$LONGCHENG_TARGET"'],
               timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "11/11" in run.stdout and "✗" not in run.stdout


def test_the_adapters_stay_small():
    lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (HERE / "adapters").glob("*.py"))
    assert lines <= 300, f"adapters: {lines} lines"


# --- through the browser -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_web(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    out = tmp_path_factory.mktemp("longcheng-web")
    run = _run([str(HERE / "certify.sh"), "--mode", "web", "--out", str(out)], timeout=900)
    return run, _verdicts(out)


@pytest.mark.slow
def test_certify_sh_in_web_mode_passes_every_clause_a_browser_can_check(example_web, capsys):
    """The reference passes every clause a browser can check (tests/test_certify.py); so must the example,
    through its page map (adapters/pages.toml) and nothing else of its own."""
    from gjj.fixtures.guide.catalogue import load_catalogue
    run, verdicts = example_web
    web = sorted(cid for cid, c in load_catalogue().items() if "web" in c.checkable)
    with capsys.disabled():
        print("\n| clause | longcheng (web) |\n|---|---|\n" + "\n".join(f"| {c} | {verdicts.get(c)} |" for c in verdicts))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert [c for c in web if verdicts.get(c) != "pass"] == []


@pytest.mark.slow
def test_a_reworded_first_login_prompt_fails_2_3_in_web_mode(tmp_path):
    run = _run([str(HERE / "certify.sh"), "--mode", "web", "--tags", "guide-2.3", "--out", str(tmp_path)],
               timeout=600, LONGCHENG_FAULTS="prompt_reworded")
    assert run.returncode == 1, run.stdout[-3000:]
    assert _verdicts(tmp_path)["2.3"] == "fail"
