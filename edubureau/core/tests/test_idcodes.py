"""Tests for edubureau.core.idcodes (pure Python; run with -p no:django)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edubureau.core import idcodes
from edubureau.core.idcodes import CodeError

SHEET_EXAMPLES = ["11010519491231002X", "440524188001010014", "34052419800101001X"]
TODAY = date(2025, 6, 1)
REGIONS = ["310112", "310114", "310107", "510302", "110105", "440524", "650102"]

valid_ids = st.builds(
    idcodes.make_resident_id,
    region=st.sampled_from(REGIONS),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(0, 99),
    male=st.booleans(),
)


def _mutations(number: str):
    """Every single-character change of an ID number (digits, or X in the last place)."""
    for i, old in enumerate(number):
        for new in "0123456789" + ("X" if i == 17 else ""):
            if new != old:
                yield number[:i] + new + number[i + 1 :]


# --- resident ID -----------------------------------------------------------


@pytest.mark.parametrize("number", SHEET_EXAMPLES)
def test_it_accepts_the_sheet_examples(number):
    assert idcodes.validate_resident_id(number) == number
    assert idcodes.id_check_char(number[:17]) == number[17]


def test_it_uppercases_x_and_strips_spaces():
    assert idcodes.validate_resident_id(" 110105 19491231 002x ") == "11010519491231002X"


def test_it_reads_full_width_input():
    assert idcodes.validate_resident_id("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_it_rejects_a_wrong_check_char_saying_what_it_should_be():
    with pytest.raises(CodeError, match=r"校验位错误（应为 X）"):
        idcodes.validate_resident_id("110105194912310021")


def test_it_rejects_a_wrong_length_with_both_lengths():
    with pytest.raises(CodeError, match=r"长度应为 18 位（实际 17 位）"):
        idcodes.validate_resident_id("11010519491231002")


def test_it_names_an_illegal_character():
    with pytest.raises(CodeError, match=r"含非法字符 'I'"):
        idcodes.validate_resident_id("1101051949123100I2")
    with pytest.raises(CodeError, match=r"含非法字符 'X'（只有第 18 位可以是 X）"):
        idcodes.validate_resident_id("11010519491231X021")


def test_it_rejects_an_unknown_province():
    first17 = "99010519491231002"
    with pytest.raises(CodeError, match=r"省级代码 99 不存在"):
        idcodes.validate_resident_id(first17 + idcodes.id_check_char(first17))


def test_it_rejects_a_date_that_does_not_exist_naming_it():
    first17 = "31011220200230001"
    with pytest.raises(CodeError, match=r"出生日期 2020-02-30 不存在"):
        idcodes.validate_resident_id(first17 + idcodes.id_check_char(first17))


def test_it_rejects_a_future_birth_date():
    number = idcodes.make_resident_id("310112", date(2025, 6, 2), 1, True)
    with pytest.raises(CodeError, match=r"出生日期 2025-06-02 晚于今天"):
        idcodes.validate_resident_id(number, today=TODAY)
    assert idcodes.validate_resident_id(number, today=date(2025, 6, 2)) == number


def test_it_refuses_15_digit_numbers_unless_allowed():
    with pytest.raises(CodeError, match=r"15 位"):
        idcodes.validate_resident_id("110105491231002")
    assert idcodes.validate_resident_id("110105491231002", allow_15=True) == "11010519491231002X"
    # Hand check: S = 196, 196 mod 11 = 9 → '3'.
    assert idcodes.validate_resident_id("440524800101001", allow_15=True) == "440524198001010013"


def test_it_detects_every_single_character_change_of_the_sheet_examples():
    for number in SHEET_EXAMPLES:
        for changed in _mutations(number):
            with pytest.raises(CodeError):
                idcodes.validate_resident_id(changed, today=TODAY)


@given(valid_ids, st.data())
def test_it_detects_any_single_digit_change(number, data):
    changed = data.draw(st.sampled_from(list(_mutations(number))))
    with pytest.raises(CodeError):
        idcodes.validate_resident_id(changed, today=TODAY)


@given(
    region=st.sampled_from(REGIONS),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(0, 99),
    male=st.booleans(),
)
def test_it_makes_ids_that_validate_and_round_trip(region, birth, seq, male):
    number = idcodes.make_resident_id(region, birth, seq, male)
    assert idcodes.validate_resident_id(number, today=TODAY) == number
    assert number[:6] == region
    assert idcodes.id_birth_date(number) == birth
    assert idcodes.id_gender(number) == ("男" if male else "女")
    idcodes.check_id_agrees(number, birth, "男" if male else "女")


def test_it_refuses_a_seq_out_of_range():
    with pytest.raises(CodeError, match="顺序号"):
        idcodes.make_resident_id("310112", date(2010, 1, 5), 100, True)


def test_it_reads_birth_date_and_gender():
    assert idcodes.id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert idcodes.id_gender("11010519491231002X") == "女"
    assert idcodes.id_gender("440524188001010014") == "男"


def test_it_reports_disagreement_with_the_card():
    number = idcodes.make_resident_id("310112", date(2010, 1, 5), 3, True)
    idcodes.check_id_agrees(number, None, None)
    with pytest.raises(CodeError, match=r"出生日期与身份证号不一致（证件为 2010-01-05）"):
        idcodes.check_id_agrees(number, date(2010, 5, 1), "男")
    with pytest.raises(CodeError, match=r"性别与身份证号不一致（证件为 男）"):
        idcodes.check_id_agrees(number, date(2010, 1, 5), "女")


# --- residence permits and passports ------------------------------------------


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_it_accepts_hk_macao_taiwan_residence_permits(prefix):
    first17 = prefix + "19900101" + "001"
    number = first17 + idcodes.id_check_char(first17)
    assert idcodes.validate_hk_macao_taiwan_residence_permit(number.lower()) == number


def test_it_rejects_bad_residence_permits():
    with pytest.raises(CodeError, match="810000"):
        idcodes.validate_hk_macao_taiwan_residence_permit("11010519491231002X")
    with pytest.raises(CodeError, match="校验位错误"):
        idcodes.validate_hk_macao_taiwan_residence_permit("810000199001010010")


def test_it_validates_passports():
    assert idcodes.validate_passport(" e1234567 ") == "E1234567"
    with pytest.raises(CodeError, match=r"长度应为 5–17 位（实际 4 位）"):
        idcodes.validate_passport("E123")
    with pytest.raises(CodeError, match=r"含非法字符 '-'"):
        idcodes.validate_passport("E12-4567")


# --- 统一社会信用代码 ----------------------------------------------------------


def test_it_accepts_a_valid_uscc():
    assert idcodes.validate_uscc("91512081ma62k0260e") == ("91512081MA62K0260E", [])
    assert idcodes.uscc_check_char("91512081MA62K0260") == "E"


def test_it_only_warns_on_a_bad_uscc_check_char():
    code, warnings = idcodes.validate_uscc("91350100M000100Y4Z")
    assert code == "91350100M000100Y4Z"
    assert warnings == ["校验位错误（应为 3）"]
    assert idcodes.uscc_check_char("91350100M000100Y4") == "3"


def test_it_rejects_a_uscc_with_bad_length_or_alphabet():
    with pytest.raises(CodeError, match=r"长度应为 18 位（实际 17 位）"):
        idcodes.validate_uscc("91512081MA62K0260")
    with pytest.raises(CodeError, match=r"含非法字符 'I'"):
        idcodes.validate_uscc("91512081MI62K0260E")
    with pytest.raises(CodeError, match=r"含非法字符 '-'"):
        idcodes.validate_uscc("91512081MA62K0260-")


# --- school codes, region codes, student numbers --------------------------------


def test_it_validates_school_codes():
    assert idcodes.validate_school_code("2131000001") == "2131000001"
    assert idcodes.SCHOOL_CODE_CATEGORIES["34"] == "普通高中"
    with pytest.raises(CodeError, match="学校类别代码 29 不存在"):
        idcodes.validate_school_code("2931000001")
    with pytest.raises(CodeError, match="省级代码 99 不存在"):
        idcodes.validate_school_code("2199000001")
    with pytest.raises(CodeError, match=r"长度应为 10 位"):
        idcodes.validate_school_code("213100001")


def test_it_validates_region_codes():
    assert idcodes.validate_region_code("310112") == "310112"
    for bad in ["31011", "3101a2", "990112", "100000"]:
        with pytest.raises(CodeError):
            idcodes.validate_region_code(bad)


def test_it_validates_g_student_numbers_against_the_id():
    number = "G11010519491231002X"
    assert idcodes.validate_student_number("g11010519491231002x", "11010519491231002x") == number
    with pytest.raises(CodeError, match="应与身份证号一致"):
        idcodes.validate_student_number(number, "440524188001010014")
    with pytest.raises(CodeError, match="校验位错误"):
        idcodes.validate_student_number("G110105194912310021")


def test_it_validates_j_and_l_student_numbers():
    j = "J" + idcodes.make_resident_id("310112", date(2015, 9, 1), 42, False)
    assert idcodes.validate_student_number(j) == j
    with pytest.raises(CodeError, match="校验位错误"):
        idcodes.validate_student_number(j[:-1] + ("0" if j[-1] != "0" else "1"))
    assert idcodes.validate_student_number("L310112201509011234") == "L310112201509011234"
    with pytest.raises(CodeError, match="出生日期 2015-02-30 不存在"):
        idcodes.validate_student_number("L310112201502301234")
    with pytest.raises(CodeError, match="应以 G、J 或 L 开头"):
        idcodes.validate_student_number("X310112201509011234")
    with pytest.raises(CodeError, match=r"长度应为 19 位"):
        idcodes.validate_student_number("L31011220150901123")


# --- masking -----------------------------------------------------------------


def test_it_masks_ids():
    assert idcodes.mask_id("310112201001051234") == "3101**********1234"
    assert idcodes.mask_id("E1234567") == "********"
    assert idcodes.mask_id("") == ""


def test_it_masks_phones():
    assert idcodes.mask_phone("13812345678") == "138****5678"
    assert idcodes.mask_phone("021-64123456") == "021*******56"
    assert idcodes.mask_phone("110") == "***"


def test_it_masks_addresses_down_to_the_street():
    assert idcodes.mask_address("上海市闵行区莘庄镇莘松路100弄5号") == "上海市闵行区莘庄镇****"
    assert idcodes.mask_address("上海市普陀区长风新村街道枣阳路1号") == "上海市普陀区长风新村街道****"
    assert idcodes.mask_address("四川省自贡市自流井区五星街88号") == "四川省自贡市自流井区五星街****"
    assert idcodes.mask_address("四川省自贡市自流井区某小区3栋") == "四川省自贡市****"
    assert idcodes.mask_address("某小区3栋") == "某小****"


def test_it_masks_names():
    assert idcodes.mask_name("张三") == "张*"
    assert idcodes.mask_name("欧阳娜娜") == "欧阳**"
    assert idcodes.mask_name("欧阳") == "欧*"
    assert idcodes.mask_name("王小明") == "王**"
    assert idcodes.mask_name("") == ""
