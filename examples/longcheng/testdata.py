"""造数 (test data) for the back office: realistic Changzhou names, 身份证号码, 统一社会信用代码 and
unit names, from a seeded random generator, so that the same 造数 calls after a 重置 give the same data."""
from __future__ import annotations

import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢钱汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆鹏辉晨婷雪琳欣怡子轩梓涵雨泽宁"
DISTRICTS = {"320402": "天宁区", "320404": "钟楼区", "320411": "新北区", "320412": "武进区", "320413": "金坛区",
             "320481": "溧阳市"}
TRADES = ["机械", "电子", "纺织", "印染", "精密制造", "新材料", "物流", "建设工程", "软件", "医疗器械"]
WORDS = ["恒达", "明德", "润源", "华信", "天合", "龙腾", "新星", "宏远", "嘉禾", "瑞丰", "永盛", "博雅"]
_ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class Generator:
    def __init__(self, seed: object) -> None:
        self.rng = random.Random(str(seed))

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def id_number(self, taken: set[str]) -> str:
        while True:
            born = date(1970, 1, 1) + timedelta(days=self.rng.randrange(34 * 365))
            body = f"{self.rng.choice(list(DISTRICTS))}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in taken:
                taken.add(number)
                return number

    def mobile(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def unit_name(self) -> str:
        district = self.rng.choice(list(DISTRICTS.values()))
        return f"常州市{district}{self.rng.choice(WORDS)}{self.rng.choice(TRADES)}有限公司"

    def uscc(self, taken: set[str]) -> str:
        """91 (企业) + a Changzhou division code + an organisation code with its GB 11714 check + check."""
        while True:
            org = "".join(self.rng.choice(_ORG[:10] if i < 2 else _ORG) for i in range(8))
            weights = (3, 7, 9, 10, 5, 8, 4, 2)
            c = 11 - sum(_ORG.index(ch) * w for ch, w in zip(org, weights)) % 11
            org += {10: "X", 11: "0"}.get(c, str(c))
            body = f"91{self.rng.choice(list(DISTRICTS))}{org}"
            number = body + uscc.calc_check_digit(body)
            if uscc.is_valid(number) and number not in taken:
                taken.add(number)
                return number

    def base(self, low, high) -> str:
        """A 缴存基数 in hundreds of yuan, most near the low end as in a real workforce."""
        lo, hi = int(low) // 100 + 1, int(high) // 100
        return f"{round(self.rng.triangular(lo, hi, lo + (hi - lo) * 0.1)) * 100}.00"
