"""The rules cite the clauses, only the clock reads the wall clock, and the API answers on the event loop.
(The layers: pyproject.toml's import contracts, tests/test_import_contracts.py.)"""
import importlib
import pkgutil
import re
from pathlib import Path

import gjj.simulator
from gjj.simulator.domain import messages as M
from gjj.fixtures.guide.catalogue import load_catalogue
from gjj.simulator.domain.clauses import REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def clause_table() -> dict[str, str]:
    """ID -> checkable column (``api+web``), from the project's own clauses.md (a range row, one per ID)."""
    return {cid: c.checkable_text for cid, c in load_catalogue().items()}


def import_all_rules():
    import gjj.simulator.domain.rules as rules
    for mod in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"gjj.simulator.domain.rules.{mod.name}")


def test_the_clause_catalogue_is_in_the_project():
    table = clause_table()
    assert len(table) >= 30 and "3.3.1" in table and table["3.3.1"] == "api+web"


def test_every_api_checkable_clause_is_implemented_by_at_least_one_rule():
    import_all_rules()
    api = [cid for cid, checkable in clause_table().items() if "api" in checkable]
    missing = [cid for cid in api if not REGISTRY.get(cid)]
    assert not missing, f"clauses without a rule citing them: {missing}"


def test_every_cited_clause_exists():
    import_all_rules()
    known = set(clause_table())
    assert set(REGISTRY) <= known, set(REGISTRY) - known
    assert {m.clause for m in M.all_messages() if m.clause} <= known


def test_every_public_rule_function_names_its_clause():
    import_all_rules()
    import gjj.simulator.domain.rules as rules
    for mod in pkgutil.iter_modules(rules.__path__):
        module = importlib.import_module(f"gjj.simulator.domain.rules.{mod.name}")
        for name, obj in vars(module).items():
            if callable(obj) and getattr(obj, "__module__", "") == module.__name__ and \
                    name.startswith(("check_", "require_")):
                assert getattr(obj, "__clauses__", None), f"{module.__name__}.{name} cites no clause"


def test_every_message_has_a_stable_code_a_status_and_chinese_text():
    codes = set()
    for msg in M.all_messages():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", msg.code)
        assert msg.code not in codes
        codes.add(msg.code)
        assert 400 <= msg.status < 600 and msg.status != 500
        assert re.search(r"[\u4e00-\u9fff]", msg.text) or msg.text == "{detail}"
    for required in ("OUTSIDE_BUSINESS_HOURS", "SEAL_BEFORE_LAST_MONTH_ARRIVED", "NEXT_MONTH_ALREADY_REMITTED",
                     "BACKPAY_CAUSE_NOT_ONLINE"):
        assert required in codes


def _files(folder: str):
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, folder  # a wrong path would make the check below pass on nothing
    return files


def test_only_the_clock_module_reads_the_wall_clock():
    """The simulator, the harness and the reports ask simulator/clock.py (tests/test_real_clock.py
    freezes it); which module imports which is pyproject.toml's import contracts
    (tests/test_import_contracts.py)."""
    pattern = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|time\.time|time\.localtime)\(")
    files = [f for folder in ("simulator", "steps", "reports", "fixtures", "gjj") for f in _files(folder)]
    offenders = [f.relative_to(ROOT) for f in files
                 if f != ROOT / "simulator" / "clock.py" and pattern.search(f.read_text(encoding="utf-8"))]
    assert not offenders, offenders
    assert gjj.simulator.__version__


def test_the_api_answers_on_the_event_loop_except_the_pdf_slip():
    """A sync handler or dependency costs a thread-pool hop per call, more CPU than the work itself
    (benchmarks/README.md, load); keep the JSON API async so the load figures stay true."""
    import inspect

    from fastapi.routing import APIRoute

    from gjj.simulator.api.routes import router

    def calls(dependant):
        yield dependant.call
        for sub in dependant.dependencies:
            yield from calls(sub)

    sync = set()
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) >= 25
    for route in routes:
        for call in calls(route.dependant):
            if call is None:  # the route's own parameters
                continue
            if not (inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(getattr(call, "__call__", None))):
                sync.add(getattr(call, "__name__", type(call).__name__))
    assert sync == {"slip_pdf"}, sync


def test_the_modules_pytest_loads_by_path_import_absolutely():
    """pytest imports these by path under the checkout's folder names (steps.conftest); relative imports
    there would load a second copy of the harness beside gjj.steps. Which module may import which is
    pyproject.toml's import contracts."""
    import ast
    for f in (ROOT / "steps" / "conftest.py", ROOT / "steps" / "test_features.py"):
        relative = [n.module for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))
                    if isinstance(n, ast.ImportFrom) and n.level]
        assert not relative, f"{f.relative_to(ROOT)}: relative imports {relative}"
