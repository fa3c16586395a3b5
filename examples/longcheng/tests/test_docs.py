"""The vendor's documents say what the code does (one place each): API.md's error-code table is
errors.py's, API.md and ADMIN.md name every route, and the portal imports nothing from the harness."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from examples.longcheng.app import create_app
from examples.longcheng.errors import NAMES, TEMPLATES

HERE = Path(__file__).resolve().parents[1]


def test_the_api_document_lists_every_error_code_as_the_code_has_it():
    rows = re.findall(r"^\| `(E\d{4})` \| `(\w+)` \| (.+) \|$", (HERE / "API.md").read_text(encoding="utf-8"), re.M)
    assert {code: (name, text) for code, name, text in rows} == {c: (NAMES[c], t) for c, t in TEMPLATES.items()}


def test_every_route_is_documented(tmp_path):
    app = create_app(str(tmp_path / "lc.db"), admin_token="t")
    docs = {"/gateway": (HERE / "API.md").read_text(encoding="utf-8"), "/admin": (HERE / "ADMIN.md").read_text(encoding="utf-8")}
    for rule in app.url_map.iter_rules():
        prefix = next((p for p in docs if rule.rule.startswith(p)), None)
        if prefix is None:
            continue
        shown = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if shown in ("/gateway/kt/{step}", "/gateway/yw/{kind}"):
            continue   # documented step by step and business by business
        if shown == "/gateway/dy/hjs/{ny}":
            assert "/gateway/dy/hjs/{ny}.pdf" in docs[prefix]
        if shown == "/admin/rl/{day}":
            shown = "/admin/rl/{YYYY-MM-DD}"
        assert f"`{shown}" in docs[prefix], shown


def test_the_opening_steps_and_businesses_are_documented():
    api = (HERE / "API.md").read_text(encoding="utf-8")
    from examples.longcheng.api import OPENING_STEPS
    from examples.longcheng.business import KINDS
    assert all(f"/gateway/kt/{s}" in api or f"/kt/{s}`" in api for s in OPENING_STEPS)
    assert all(f"`{k}`" in api for k in KINDS)


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


# the harness's side of this portal: its plug-ins (adapters/) and the tests that run them against it
HARNESS_SIDE = {HERE / "tests" / "test_web_map.py", HERE / "tests" / "test_certify_example.py"}


def test_the_portal_imports_nothing_from_the_harness():
    # adapters/ are the harness's plug-ins for this portal (they import gjj, never the portal's code)
    for path in HERE.rglob("*.py"):
        if HERE / "adapters" in path.parents or path in HARNESS_SIDE:
            continue
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in {"gjj", "simulator", "steps", "reports", "fixtures", "features"}, (path, name)
            assert "adapters" not in name, (path, name)


def test_the_adapters_reach_the_portal_only_over_http():
    for path in (HERE / "adapters").glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("..", "examples")), (path, name)  # "." is adapters/ itself
