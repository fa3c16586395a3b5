"""One policy change, as a centre would publish it: business hours extended to 17:30 from
2026-07-01, added as a new dated period to a copy of fixtures/policy (the data, not the code)."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "假设的新政策（测试用）：自2026年7月1日起办理时间延长至十七时三十分"
LONGER_HOURS = f"""
[[values]]
effective_from = 2026-07-01
start = "09:00:00"
end = "17:30:00"
verified = false
source = "{SOURCE}"
last_confirmed = 2026-06-01
"""


def policy_with_longer_hours(folder: Path) -> Path:
    """A copy of the project's policy data in `folder`/policy with the 17:30 period appended."""
    policy = folder / "policy"
    shutil.copytree(ROOT / "fixtures" / "policy", policy)
    with (policy / "business_hours.toml").open("a", encoding="utf-8") as f:
        f.write(LONGER_HOURS)
    return policy
