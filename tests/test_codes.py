"""gjj/codes.py: the GB 11714 组织机构代码 check character, on codes that were published, and
python-stdnum's GB 32100 check character on the same codes (the project relies on both)."""
from __future__ import annotations

import pytest
from stdnum.cn import uscc

from gjj.codes import USCC_ALPHABET, organisation_code_check_char

# Credit codes as their holders publish them (business licences, annual reports); characters 9–17
# are the GB 11714 organisation code. Both check characters agree on every one, so none is mistyped.
PUBLISHED = [
    "91100000100003962T",  # 中国工商银行股份有限公司
    "911000001000013428",  # 中国银行股份有限公司
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91310000MA1FL1MMXL",  # letters in the organisation code, check character X (10)
    "91350100M000100Y43",  # letters M and Y
    "91110000600037341L",
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_the_organisation_code_check_character_of_published_codes(code):
    assert organisation_code_check_char(code[8:16]) == code[16]
    assert uscc.calc_check_digit(code[:17]) == code[17]


def test_check_value_eleven_is_written_0_and_lower_case_reads_as_upper_case():
    assert organisation_code_check_char("00000000") == "0"
    assert organisation_code_check_char("ma1fl1mm") == organisation_code_check_char("MA1FL1MM") == "X"


@pytest.mark.parametrize("bad", ["", "1234567", "123456789", "1234567-", "１２３４５６７８", "1234 678"])
def test_anything_but_eight_ascii_letters_or_digits_is_refused(bad):
    with pytest.raises(ValueError):
        organisation_code_check_char(bad)


def test_the_alphabet_is_gb_32100s():
    assert len(USCC_ALPHABET) == 31 and not set("IOSVZ") & set(USCC_ALPHABET)
    assert USCC_ALPHABET == "".join(sorted(USCC_ALPHABET))
