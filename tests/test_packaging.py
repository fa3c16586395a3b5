"""The harness installs as one import name, `gjj`, beside any other distribution: the folders of the checkout
become subpackages (pyproject.toml package-dir), and an installed wheel certifies the reference centre from
any folder, with PyPI's `fixtures` (a testing library whose name our fixtures/ folder shares) installed too."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path
from zipfile import ZipFile

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_of_the_tree_is_installed_and_every_listed_one_exists():
    cfg = _setuptools()
    dirs = cfg["package-dir"]
    assert set(dirs) == {"gjj", "gjj.simulator", "gjj.steps", "gjj.features", "gjj.fixtures", "gjj.reports"}
    found = set()
    for name, folder in dirs.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((name, *rel)))
    assert set(cfg["packages"]) == found


def test_what_is_installed_is_what_constraints_txt_pins():
    """CI installs exactly constraints.txt: a dependency added to pyproject.toml without re-pinning
    (bash setup.sh --update-constraints) would be installed at whatever version PyPI has that day."""
    from importlib.metadata import distributions
    pins = dict(line.split("==", 1) for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#"))
    norm = {k.lower().replace("_", "-"): v for k, v in pins.items()}
    installed = {d.metadata["Name"].lower().replace("_", "-"): d.version for d in distributions()}
    installed.pop("gjj-conformance", None)
    for tool in ("pip", "setuptools", "wheel"):  # the venv's own tools, not the project's dependencies
        installed.pop(tool, None)
        norm.pop(tool, None)
    unpinned = sorted(set(installed) - set(norm))
    assert not unpinned, f"installed but not pinned in constraints.txt: {unpinned}"
    drift = {n: (norm[n], v) for n, v in installed.items() if norm[n] != v}
    assert not drift, f"installed versions differ from constraints.txt (pinned, installed): {drift}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True, timeout=600)
    (path,) = out.glob("gjj_conformance-*.whl")
    return path


def test_the_wheel_holds_one_top_level_name_and_the_data(wheel):
    names = ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"gjj"}, top
    for needed in ("gjj/features/3_business/seal.feature", "gjj/fixtures/guide/clauses.md",
                   "gjj/fixtures/policy/business_hours.toml", "gjj/simulator/web/templates/login.html",
                   "gjj/reports/templates/index.html.j2", "gjj/steps/conftest.py", "gjj/steps/test_features.py"):
        assert needed in names, needed


@pytest.mark.slow
def test_the_installed_wheel_certifies_beside_pypi_fixtures(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if CONSTRAINTS.exists():
        pip += ["-c", str(CONSTRAINTS)]
    r = subprocess.run([*pip, str(wheel), "fixtures"], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    elsewhere = tmp_path / "elsewhere"  # not the checkout: nothing may come from there
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GJJ_", "PYTHON", "VIRTUAL_ENV"))}
    probe = subprocess.run([str(py), "-c", "import fixtures, gjj.fixtures, gjj.steps; "
                            "print(fixtures.Fixture.__module__, gjj.fixtures.__file__, gjj.steps.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert probe.returncode == 0, probe.stderr
    pypi_module, ours, steps = probe.stdout.split()
    assert pypi_module.startswith("fixtures.") and str(env_dir) in ours and str(env_dir) in steps
    run = subprocess.run([str(env_dir / "bin" / "gjj"), "certify", "--mode", "api", "--out", str(tmp_path / "report")],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    import json
    summary = json.loads((tmp_path / "report" / "verdicts.json").read_text(encoding="utf-8"))["summary"]["clauses"]
    assert summary["pass"] >= 18 and summary["fail"] == summary["error"] == 0, summary
