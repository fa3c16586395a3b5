"""The one error of ``gjj docs``: source data the site cannot be built from."""
from __future__ import annotations


class SiteError(Exception):
    """Source data the site cannot be built from; the message names the file (Chinese + English)."""
