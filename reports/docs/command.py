"""The ``gjj docs`` command: its options (``register``) and what it does with them (``run``).

    gjj docs                                   # out/docs, as of today
    gjj docs --out DIR --as-of 2026-07-01 --verdicts out/certify/verdicts.json --screenshots out/screens
    gjj docs --review-months 6 --policy-dir fixtures/policy
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .build import build_site
from .errors import SiteError

DEFAULT_OUT = Path("out") / "docs"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD（expected YYYY-MM-DD）: {text!r}") from None


def register(sub) -> None:
    p = sub.add_parser(
        "docs", help="生成给政策人员看的文档网站 / build the documentation site for policy staff",
        description="生成给政策人员看的中文文档网站（静态 HTML，可直接从磁盘打开、A4 打印）"
                    " / build the living documentation site for policy staff")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录（output folder），默认 out/docs")
    p.add_argument("--verdicts", type=Path, help="gjj certify 的 verdicts.json：显示条款结论和场景结果")
    p.add_argument("--as-of", type=_date, help="以哪一天的政策为准（policy as of），默认今天")
    p.add_argument("--screenshots", type=Path, help="pytest steps --driver web --screenshots DIR 的截图目录")
    p.add_argument("--review-months", type=int, help="统一的复核周期（月），代替各参数自己的 review_every_months")
    p.add_argument("--policy-dir", type=Path, help="政策数据目录（policy data folder），默认 fixtures/policy")
    p.add_argument("--features-dir", type=Path, help="功能文件目录（features folder），默认 features/")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from gjj.simulator.policy.loader import PolicyDataError

    try:
        index = build_site(args.out, verdicts=args.verdicts, as_of=args.as_of, screenshots=args.screenshots,
                           review_months=args.review_months, policy_dir=args.policy_dir,
                           features_dir=args.features_dir)
    except (SiteError, PolicyDataError, OSError) as e:
        print(f"无法生成文档（cannot build the site）: {e}", file=sys.stderr)
        return 2
    print(f"文档已生成 / site written: {index}")
    return 0
