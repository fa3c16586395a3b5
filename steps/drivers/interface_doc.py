"""docs/driver-interface.md, generated from steps/drivers/base.py (and the control protocol, gjj/control/protocol.py)
so that the plug-in reference cannot drift from the code: the typed views a driver returns, with each field's
type and comment as written in base.py, the PortalDriver methods, what submit(business, fields) receives, and
the ControlDriver operations. tests/test_driver_interface_doc.py checks the committed file against render().

    .venv/bin/python -m gjj.steps.drivers.interface_doc > docs/driver-interface.md
"""
from __future__ import annotations

import dataclasses
import inspect
import re

from gjj.control import protocol

from . import base

VIEWS = (base.Login, base.Refusal, base.Receipt, base.RosterRow, base.UnitView, base.AccountView, base.Slip)
_FIELD = re.compile(r"^\s+(\w+): ([^=#]+?)(?:\s*=\s*[^#]+?)?\s*(?:#\s*(.*))?$")
_METHOD = re.compile(r"^\s+def (\w+)\((self,? ?)?(.*?)\) -> (.+?): \.\.\.\s*(?:#\s*(.*))?$")


def _comments(cls) -> dict[str, str]:
    out = {}
    for line in inspect.getsource(cls).splitlines():
        m = _FIELD.match(line)
        if m and m[3]:
            out[m[1]] = m[3].strip()
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _methods(cls) -> list[str]:
    rows = []
    for line in inspect.getsource(cls).splitlines():
        m = _METHOD.match(line)
        if m:
            rows.append(f"| `{m[1]}({_cell(m[3])})` | `{_cell(m[4])}` | {_cell(m[5] or '')} |")
    return rows


def render() -> str:
    lines = ["# The driver and control interfaces (generated)", "",
             "*Generated from `steps/drivers/base.py` and `gjj/control/protocol.py` by "
             "`python -m gjj.steps.drivers.interface_doc`; do not edit by hand (a test compares). "
             "How to write and register a plug-in: [vendor-kit.md](vendor-kit.md) §6.*", "",
             "## Typed views a driver returns", ""]
    for cls in VIEWS:
        lines += [f"### `{cls.__name__}`", "", inspect.getdoc(cls) or "", "", "| field | type | meaning |",
                  "|---|---|---|"]
        notes = _comments(cls)
        for f in dataclasses.fields(cls):
            lines.append(f"| `{f.name}` | `{_cell(str(f.type))}` | {_cell(notes.get(f.name, ''))} |")
        lines.append("")
    lines += ["`Outcome` = `Receipt | Refusal`; a method returning `Outcome | None` returns `None` for "
              "\"accepted, nothing to report\". `TargetError`: " + (inspect.getdoc(base.TargetError) or ""), "",
              "## `PortalDriver`", "", inspect.getdoc(base.PortalDriver) or "", "",
              "| method | returns | note |", "|---|---|---|", *_methods(base.PortalDriver), "",
              "## What `submit(business, fields)` receives", "",
              "`business` is one of the keys below; `fields` holds only the fields listed for it "
              "(`SUBMIT_FIELDS` in base.py).", "", "| business | field | form |", "|---|---|---|"]
    for business, fields in base.SUBMIT_FIELDS.items():
        lines += [f"| `{business}` | `{name}` | {_cell(form)} |" for name, form in fields.items()]
    lines += ["", "## `ControlDriver` (test control)", "", inspect.getdoc(protocol.ControlDriver) or "", "",
              "A control plug-in is a factory `create(http, token)` returning one; `http.call(method, path, body, "
              "headers=, params=)` returns a `requests.Response`. Refusals raise `ControlRefused(operation, code, "
              "detail, status)` with the contract's code; a control that cannot be used raises `ControlError`.", "",
              "| operation | returns | note |", "|---|---|---|", *_methods(protocol.ControlDriver), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(), end="")
