"""Contribution months (汇缴年月): a year and a month, nothing else."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterator

_MONTH = re.compile(r"^(\d{4})-?(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.month <= 12 and 1900 <= self.year <= 2999):
            raise ValueError(f"invalid month {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> "Month":
        """Accepts YYYY-MM (API form) and YYYYMM (storage / batch-file form)."""
        m = _MONTH.match(text.strip()) if isinstance(text, str) else None
        if not m:
            raise ValueError(f"not a month: {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, d: date) -> "Month":
        return cls(d.year, d.month)

    @property
    def index(self) -> int:
        """Months since year 0: makes arithmetic and SQL ordering trivial."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, i: int) -> "Month":
        return cls(i // 12, i % 12 + 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def plus(self, n: int) -> "Month":
        return Month.from_index(self.index + n)

    def next(self) -> "Month":
        return self.plus(1)

    def prev(self) -> "Month":
        return self.plus(-1)

    def until(self, last: "Month") -> Iterator["Month"]:
        """Inclusive range self..last."""
        for i in range(self.index, last.index + 1):
            yield Month.from_index(i)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def zh(self) -> str:
        return f"{self.year}年{self.month}月"
