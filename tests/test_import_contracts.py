"""The dependency rules (pyproject.toml [tool.importlinter]) hold on the tree, and each one fails when a
module breaks it: import-linter on a copy of the source arranged as installed (tests/import_contracts.py)."""
from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from tests.import_contracts import ROOT, lint, stage

CONTRACTS = {c["id"]: c["name"] for c in
             tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]}


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    return stage(tmp_path_factory.mktemp("tree"))


def test_the_copy_is_the_installed_arrangement(staged):
    assert (staged / "gjj" / "simulator" / "domain" / "rules" / "seal.py").is_file()
    assert (staged / "gjj" / "steps" / "drivers" / "browser" / "portal.py").is_file()
    assert (staged / "gjj" / "cli.py").is_file() and not (staged / "simulator").exists()


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
def test_the_tree_keeps_the_contract(staged, contract):
    r = lint(staged, "--contract", contract)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "Contracts: 1 kept, 0 broken." in r.stdout, r.stdout[-2000:]


BREAKS = [  # (module of the copy, the import added to it, the contract that must catch it)
    ("gjj/simulator/domain/months.py", "import fastapi", "pure-domain"),
    ("gjj/simulator/domain/rules/seal.py", "import sqlite3", "pure-domain"),  # the standard library too
    ("gjj/simulator/domain/model.py", "from gjj.simulator.clock import SystemClock", "pure-domain"),
    ("gjj/simulator/control/routes.py", "from gjj.simulator.api import errors", "simulator-layers"),
    ("gjj/simulator/web/hall.py", "from gjj.simulator.api import routes", "simulator-layers"),
    ("gjj/simulator/service/centre.py", "from gjj.simulator import services", "simulator-layers"),
    ("gjj/simulator/control/world.py", "from gjj.fixtures.generators import Generator", "simulator-alone"),
    ("gjj/steps/drivers/base.py", "from gjj.steps.dsl import terms", "harness-layers"),
    ("gjj/steps/dsl/terms.py", "import pytest", "dsl-without-pytest"),
    ("gjj/steps/dsl/visitor.py", "from gjj.steps.drivers.browser import portal", "dsl-through-driver-interface"),
    ("gjj/steps/steps_web.py", "from gjj.steps.drivers import api", "steps-through-dsl"),
    ("gjj/steps/steps_common.py", "from gjj.simulator.domain import messages", "harness-launches-centre"),
    ("gjj/reports/html.py", "from gjj.steps.drivers import base", "reports-without-steps"),
    ("gjj/fixtures/generators.py", "from gjj.simulator.domain import validators", "fixtures-are-data"),
    ("gjj/control/sim.py", "from gjj.steps.drivers import api", "control-contract-alone"),
    ("gjj/control/protocol.py", "import requests", "control-protocol-pure"),
]


def test_every_contract_has_a_break_that_shows_it_can_fail():
    assert {contract for _, _, contract in BREAKS} == set(CONTRACTS)


@pytest.mark.parametrize("module, line, contract", BREAKS, ids=[f"{c}:{m.split('/')[-1]}" for m, _, c in BREAKS])
def test_an_import_against_the_rule_breaks_the_contract(staged, tmp_path, module, line, contract):
    copy = tmp_path / "tree"
    shutil.copytree(staged, copy)
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    r = lint(copy, "--contract", contract)
    assert r.returncode == 1, r.stdout[-3000:] + r.stderr[-2000:]
    assert f"{CONTRACTS[contract]} BROKEN" in r.stdout
    importer = module.removesuffix(".py").replace("/", ".")
    imported = line.split()[1]
    assert f"{importer} -> {imported}" in r.stdout, r.stdout[-3000:]
