"""A vendor's page map (TOML): their wording, paths and form posts for the entries of the page contract
(contract.py, docs/web-portal.md). The steps stay the same when a button is worded differently.

Sections: [names] control and label names (a sub-table [names."<contract path>"] words that page's controls
only, where a portal labels the same field differently on two pages), [headings] page headings, [paths] paths (also the landing
pages after log-in), [refusals] code = text pattern, [forms] form posts, [formats] month = "YYYYMM",
[client] script = JavaScript that builds the portal's client objects from window.gjjHarnessPC,
[pages] plugin = "module:Class" (or an entry point in group gjj.pages): a page-object plug-in, a
subclass of BrowserPortal whose methods replace the steps of the pages it overrides."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import contract

SECTIONS = ("names", "headings", "paths", "refusals", "forms", "formats", "client", "pages")
PAGES_GROUP = "gjj.pages"


@dataclass
class Locators:
    names: dict[str, str] = field(default_factory=dict)      # contract name -> vendor name
    page_names: dict[str, dict[str, str]] = field(default_factory=dict)  # contract path -> names on that page
    headings: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    refusals: dict[str, str] = field(default_factory=dict)   # code -> pattern (replaces the contract's)
    forms: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    client: dict[str, str] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    source: str = "(no map)"

    def name(self, contract_name: str, page: str | None = None) -> str:
        """The portal's name of a control; on `page` (a contract path), that page's own wording first."""
        on_page = self.page_names.get(page or "", {})
        return on_page.get(contract_name, self.names.get(contract_name, contract_name))

    def contract_path(self, vendor_path: str) -> str:
        """The contract's path of a page the portal shows at `vendor_path` (itself when not mapped)."""
        exact = next((k for k, v in self.paths.items() if v == vendor_path and "{" not in k), None)
        if exact:
            return exact
        for pattern, vendor in self.paths.items():  # "/wt/zg/{personal_no}" -> "/hall/employees/{personal_no}"
            if "{" in vendor:
                rx = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/?]+)", re.escape(vendor)) + "$"
                if re.match(rx, vendor_path):
                    return pattern
        return vendor_path

    def heading(self, contract_heading: str) -> str:
        return self.headings.get(contract_heading, contract_heading)

    def contract_heading(self, shown: str) -> str:
        """The contract's name of a heading the portal shows (itself when not mapped)."""
        return next((k for k, v in self.headings.items() if v == shown), shown)

    def path(self, contract_path: str) -> str:
        if contract_path in self.paths:
            return self.paths[contract_path]
        for pattern, vendor in self.paths.items():  # "/hall/employees/{personal_no}" = "/wt/zg/{personal_no}"
            if "{" in pattern:
                rx = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/?]+)", re.escape(pattern)) + "$"
                m = re.match(rx, contract_path)
                if m:
                    return vendor.format(**m.groupdict())
        return contract_path

    def form(self, key: str) -> str:
        return self.forms.get(key, contract.FORMS[key])

    def month(self, month: str) -> str:
        """A month (YYYY-MM) as the portal's forms take it."""
        return month.replace("-", "") if self.formats.get("month", contract.FORMATS["month"]) == "YYYYMM" else month

    def refusal_code(self, text: str) -> str:
        """The contract code a refusal's text names, "" when no pattern matches."""
        for code, pattern in {**contract.REFUSALS, **self.refusals}.items():   # a map entry keeps its code's place
            if re.search(pattern, text):
                return code
        return ""

    def client_script(self) -> str:
        return self.client.get("script", contract.CLIENT_DEFAULT_SCRIPT)

    def page_objects(self):
        """The page-object plug-in's class ([pages] plugin), None without one."""
        spec = self.pages.get("plugin")
        if not spec:
            return None
        from gjj.plugins import load_plugin
        return load_plugin(spec, PAGES_GROUP)

    def hint(self, section: str, key: str, page: str | None = None) -> str:
        """The entry a vendor adds to name `key` on their pages (on `page` alone, for names)."""
        entry = f'{self.source}: [{section}] "{key}" = "<你的页面上的写法 / your wording>"'
        if section == "names" and page:
            entry += f'（仅此页面 / this page only: [names."{page}"]）'
        return entry

    @classmethod
    def load(cls, file: Path | str | None) -> "Locators":
        if file is None:
            return cls()
        data = tomllib.loads(Path(file).read_text(encoding="utf-8"))
        unknown = set(data) - set(SECTIONS)
        if unknown:
            raise ValueError(f"{file}: unknown sections {sorted(unknown)} (allowed: {', '.join(SECTIONS)})")
        page_names = {k: v for k, v in data.get("names", {}).items() if isinstance(v, dict)}
        data["names"] = {k: v for k, v in data.get("names", {}).items() if not isinstance(v, dict)}
        for page, table in page_names.items():
            bad = [k for k, v in table.items() if not isinstance(v, str)]
            if bad:
                raise ValueError(f"{file}: [names.\"{page}\"] values must be strings: {bad}")
        for section, table in data.items():
            bad = [k for k, v in table.items() if not isinstance(v, str)]
            if bad:
                raise ValueError(f"{file}: [{section}] values must be strings: {bad}")
        month = data.get("formats", {}).get("month", contract.FORMATS["month"])
        if month not in ("YYYY-MM", "YYYYMM"):
            raise ValueError(f"{file}: [formats] month must be YYYY-MM or YYYYMM, not {month!r}")
        for code, pattern in data.get("refusals", {}).items():
            try:
                re.compile(pattern)
            except re.error as e:
                raise ValueError(f"{file}: [refusals] {code}: not a regular expression: {e}") from e
        return cls(**{s: dict(data.get(s, {})) for s in SECTIONS}, page_names=page_names, source=str(file))
