"""Known faults (已知缺陷) the harness's self-test switches on, so it can show that it catches them:
LONGCHENG_FAULTS=name,name (or serve --faults). Each is a realistic bug a vendor could ship.

  seal_ignores_arrival  三、3（1）: a seal is accepted once the last month is remitted, before it has arrived
  prompt_reworded       二、3: the web page words the first-login prompt differently (the API keeps the text)
  hours_end_inclusive   三、3: a submission at 17:00:00 exactly is still accepted

Off by default; an unknown name stops the portal at start-up."""
from __future__ import annotations

import os
from dataclasses import dataclass

KNOWN = {
    "seal_ignores_arrival": "封存只检查最后缴存年月已汇缴，不检查是否已到账（指南三、3（1））",
    "prompt_reworded": "网页上的首次登录开通提示改了措辞（指南二、3），接口中的提示不变",
    "hours_end_inclusive": "十七时整提交的业务仍然受理（指南三、3）",
}
REWORDED_PROMPT = "您单位的数字证书还没有开通住房公积金应用，现在开通吗？"


@dataclass(frozen=True)
class Faults:
    on: frozenset[str] = frozenset()

    def __contains__(self, name: str) -> bool:
        return name in self.on


def parse(text: str | None = None) -> Faults:
    """'a,b' → Faults; raises ValueError naming an unknown fault and the known ones."""
    text = os.environ.get("LONGCHENG_FAULTS", "") if text is None else text
    names = {n.strip() for n in text.split(",") if n.strip()}
    unknown = sorted(names - KNOWN.keys())
    if unknown:
        raise ValueError(f"未知的缺陷开关 / unknown fault: {', '.join(unknown)}；可用 / known: {', '.join(sorted(KNOWN))}")
    return Faults(frozenset(names))
