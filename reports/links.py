"""What a report may point at and how it names things: paths that stay inside the report's folder
(no absolute path, no URL of any scheme, no ``..``), and element ids and file names that are ASCII.

A report folder is zipped, mailed and opened anywhere, so it must load nothing from outside itself;
the certification page (``html.py``) and the documentation site (``docs/``) both follow these rules.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def inside(path: str) -> str | None:
    """The path with forward slashes when it is a plain relative path that stays inside its folder; else None."""
    p = path.replace("\\", "/")
    if not p or p.startswith("/") or _SCHEME.match(p) or ".." in PurePosixPath(p).parts:
        return None
    return p


def relative_href(path: str) -> str | None:
    """A URL for a file inside the report's folder, percent-encoded (spaces, ``#`` and Chinese survive), or None."""
    p = inside(path)
    return None if p is None else quote(p, safe="/-._~")


def anchor_safe(text: str) -> str:
    """An element id (or part of one, or of a page name): runs of anything but ASCII letters, digits,
    ``_``, ``.`` and ``-`` become one ``-``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "x"


def file_safe(text: str) -> str:
    """A file name: runs of anything but ASCII letters, digits, ``_``, ``.`` and ``-`` become one ``_``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"
