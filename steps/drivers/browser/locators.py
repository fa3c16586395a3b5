"""Accessible names and paths of the portal contract (docs/web-portal.md), with a vendor's
overrides from a TOML mapping file: the steps stay the same when a button is worded differently."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Locators:
    names: dict[str, str] = field(default_factory=dict)      # contract name -> vendor name
    headings: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)

    def name(self, contract: str) -> str:
        return self.names.get(contract, contract)

    def heading(self, contract: str) -> str:
        return self.headings.get(contract, contract)

    def path(self, contract: str) -> str:
        return self.paths.get(contract, contract)

    @classmethod
    def load(cls, file: Path | None) -> "Locators":
        if file is None:
            return cls()
        data = tomllib.loads(Path(file).read_text(encoding="utf-8"))
        unknown = set(data) - {"names", "headings", "paths"}
        if unknown:
            raise ValueError(f"{file}: unknown sections {sorted(unknown)} (allowed: names, headings, paths)")
        return cls(dict(data.get("names", {})), dict(data.get("headings", {})), dict(data.get("paths", {})))
