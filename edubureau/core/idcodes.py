"""Validators and helpers for Chinese identity and organisation codes (GB 11643, GB 32100,
GB/T 2260, 学校标识码, 学籍号). Pure Python, so imports, forms, the API and the demo-data
generator share one implementation. Errors are CodeError with a Chinese message saying what to fix.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from datetime import date


class CodeError(ValueError):
    """A code failed validation; str(err) is a Chinese message saying what to fix."""


# GB/T 2260 province-level codes. A plain 11–82 range would let through
# unused codes such as 16 or 40, which no real number carries.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)

SCHOOL_CODE_CATEGORIES: dict[str, str] = {
    "11": "幼儿园",
    "21": "小学",
    "22": "成人小学",
    "31": "普通初中",
    "32": "职业初中",
    "33": "成人初中",
    "34": "普通高中",
    "35": "成人高中",
    "36": "中职",
    "37": "工读",
    "41": "普通高校",
    "42": "成人高校",
    "51": "特殊教育",
    "91": "其他机构",
    "92": "其他机构",
    "93": "其他机构",
}

# Explicit set: str.isdigit() also accepts e.g. Arabic-Indic digits, which int() would read.
_DIGITS = "0123456789"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"  # indexed by S mod 11
_DIGITS17 = re.compile("[0-9]{17}")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PERMIT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 夏侯 司徒 长孙 宇文 轩辕 端木 南宫 独孤 西门 申屠 澹台 公羊 呼延".split()
)
_STREET_RE = re.compile("街道|大道|镇|乡|路|街|弄")  # longer tokens first so 街道 wins over 街


def _clean(value: str) -> str:
    """NFKC (full-width digits/letters from IMEs and Excel → ASCII), drop all whitespace, upper-case."""
    if value is None:
        raise CodeError("不能为空")
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).upper()


def _need_length(value: str, n: int) -> None:
    if len(value) != n:
        raise CodeError(f"长度应为 {n} 位（实际 {len(value)} 位）")


def _need_digits(value: str) -> None:
    for c in value:
        if c not in _DIGITS:
            raise CodeError(f"含非法字符 '{c}'")


def _check_region(region: str) -> None:
    _need_digits(region)
    if region[:2] not in PROVINCE_CODES:
        raise CodeError(f"行政区划代码 {region} 无效（省级代码 {region[:2]} 不存在）")


def _check_birth(yyyymmdd: str, today: date | None) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        raise CodeError(f"出生日期 {yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]} 不存在") from None
    if born > (today or date.today()):
        raise CodeError(f"出生日期 {born.isoformat()} 晚于今天")
    return born


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of an ID number (the one implementation: the
    people importer's fast path calls it for every row, so it costs about a microsecond)."""
    if not _DIGITS17.fullmatch(first17):
        _need_length(first17, 17)
        _need_digits(first17)
    # The byte of digit d is 48 + d, and the weights sum to 100: Σ d × w = Σ byte × w − 4800.
    return _ID_CHECK[(sum(map(operator.mul, first17.encode(), _ID_WEIGHTS)) - 4800) % 11]


def _check_id_body(number: str, today: date | None) -> None:
    """Characters, birth date and check character of an 18-char ID-shaped number."""
    for c in number[:17]:
        if c not in _DIGITS:
            raise CodeError(f"含非法字符 '{c}'" + ("（只有第 18 位可以是 X）" if c == "X" else ""))
    if number[17] not in _DIGITS + "X":
        raise CodeError(f"含非法字符 '{number[17]}'")
    _check_birth(number[6:14], today)
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise CodeError(f"校验位错误（应为 {expected}）")


def validate_resident_id(value: str, *, allow_15: bool = False, today: date | None = None) -> str:
    """Validate a 居民身份证号码 and return it as 18 characters (X uppercase)."""
    number = _clean(value)
    if len(number) == 15:
        if not allow_15:
            raise CodeError("这是 15 位旧身份证号，请填写 18 位号码")
        number = id_from_15(number)
    _need_length(number, 18)
    _check_region(number[:6])
    _check_id_body(number, today)
    return number


def id_from_15(number: str) -> str:
    """An old 15-digit ID number as its 18-digit form (not otherwise checked)."""
    _need_digits(number)
    # Old numbers omit the century (all holders were born in the 1900s) and the check.
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_char(first17)


def id_birth_date(number: str) -> date:
    """Birth date encoded in an 18-char ID number (digits 7–14)."""
    number = _clean(number)
    _need_length(number, 18)
    _need_digits(number[6:14])
    return _check_birth(number[6:14], date.max)  # date.max: reading, not judging, the date


def id_gender(number: str) -> str:
    """Return "男" if the 17th digit is odd, else "女"."""
    number = _clean(number)
    _need_length(number, 18)
    _need_digits(number[16])
    return "男" if int(number[16]) % 2 else "女"


def check_id_agrees(number: str, birth_date: date | None, gender: str | None) -> None:
    """Raise CodeError if the given birth date / gender contradict the ID number; None skips."""
    if birth_date is not None:
        on_card = id_birth_date(number)
        if birth_date != on_card:
            raise CodeError(f"出生日期与身份证号不一致（证件为 {on_card.isoformat()}）")
    if gender is not None:
        on_card_gender = id_gender(number)
        if gender != on_card_gender:
            raise CodeError(f"性别与身份证号不一致（证件为 {on_card_gender}）")


def validate_hk_macao_taiwan_residence_permit(value: str, *, today: date | None = None) -> str:
    """Validate a 港澳台居民居住证 number (810000/820000/830000 + birth + seq + check)."""
    number = _clean(value)
    _need_length(number, 18)
    if number[:6] not in _PERMIT_PREFIXES:
        allowed = "、".join(f"{code}（{place}）" for code, place in _PERMIT_PREFIXES.items())
        raise CodeError(f"前 6 位应为 {allowed}（实际 {number[:6]}）")
    _check_id_body(number, today)
    return number


def validate_passport(value: str) -> str:
    """Validate a passport number: 5–17 letters/digits; returned uppercase."""
    number = _clean(value)
    if not 5 <= len(number) <= 17:
        raise CodeError(f"长度应为 5–17 位（实际 {len(number)} 位）")
    for c in number:
        if not (c.isascii() and c.isalnum()):
            raise CodeError(f"含非法字符 '{c}'")
    return number


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters of a 统一社会信用代码."""
    _need_length(first17, 17)
    for c in first17:
        if c not in _USCC_ALPHABET:
            raise CodeError(f"含非法字符 '{c}'")
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> tuple[str, list[str]]:
    """Validate a 统一社会信用代码; returns (normalised, warnings).

    A wrong check character is only a warning: some real, registered codes fail it,
    and refusing them would block importing those institutions.
    """
    code = _clean(value)
    _need_length(code, 18)
    expected = uscc_check_char(code[:17])  # raises on characters outside the alphabet
    # The 18th character is only checked for shape: a bad one (even outside the
    # alphabet, e.g. the Z in 91350100M000100Y4Z) counts as a bad check character.
    if not (code[17].isascii() and code[17].isalnum()):
        raise CodeError(f"含非法字符 '{code[17]}'")
    warnings = []
    if code[17] != expected:
        warnings.append(f"校验位错误（应为 {expected}）")
    return code, warnings


def validate_school_code(value: str) -> str:
    """Validate a 10-digit 学校标识码: known category + province + 6-digit serial."""
    code = _clean(value)
    _need_length(code, 10)
    _need_digits(code)
    if code[:2] not in SCHOOL_CODE_CATEGORIES:
        raise CodeError(f"学校类别代码 {code[:2]} 不存在")
    if code[2:4] not in PROVINCE_CODES:
        raise CodeError(f"省级代码 {code[2:4]} 不存在")
    return code


def validate_region_code(value: str) -> str:
    """Validate the shape of a 6-digit 行政区划代码 (digits, known province)."""
    code = _clean(value)
    _need_length(code, 6)
    _check_region(code)
    return code


def validate_student_number(value: str, id_number: str | None = None) -> str:
    """Validate a 19-char 全国中小学生学籍号 (G/J/L + 18)."""
    number = _clean(value)
    _need_length(number, 19)
    kind, rest = number[0], number[1:]
    if kind == "G":
        # A G number is the student's ID number; check it both ways.
        validate_resident_id(rest)
        if id_number is not None and rest != validate_resident_id(id_number):
            raise CodeError("学籍号 G 后的 18 位应与身份证号一致")
    elif kind == "J":
        _check_region(rest[:6])
        _check_id_body(rest, None)
    elif kind == "L":
        _need_digits(rest)
        _check_region(rest[:6])
        _check_birth(rest[6:14], None)
    else:
        raise CodeError(f"学籍号应以 G、J 或 L 开头（实际 '{kind}'）")
    return number


def make_resident_id(region: str, birth: date, seq: int, male: bool) -> str:
    """Build a valid 18-char ID number; seq (0–99) fills digits 15–16."""
    region = validate_region_code(region)
    if not 0 <= seq <= 99:
        raise CodeError(f"顺序号应为 0–99（实际 {seq}）")
    first17 = f"{region}{birth:%Y%m%d}{seq:02d}{1 if male else 2}"  # 17th: odd = male
    return first17 + id_check_char(first17)


def mask_id(value: str) -> str:
    """3101**********1234: first 4 and last 4 kept; 8 chars or fewer fully masked."""
    value = (value or "").strip()
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for 11-digit mobiles; other phones keep first 3 and last 2."""
    value = (value or "").strip()
    if len(value) == 11 and value.isascii() and value.isdigit() and value[0] == "1":
        return value[:3] + "****" + value[-4:]
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_address(value: str) -> str:
    """Keep the address down to the first street-level token, mask the rest."""
    value = (value or "").strip()
    match = _STREET_RE.search(value)
    if match:
        return value[: match.end()] + "****"
    # No street token: keep a prefix, but never the whole of a short address.
    return value[: min(6, len(value) // 2)] + "****" if value else ""


def mask_name(value: str) -> str:
    """张* / 欧阳**: the surname, then one star per remaining character."""
    value = (value or "").strip()
    if len(value) <= 1:
        return "*" * len(value)
    # A compound surname is kept whole (欧阳娜娜 → 欧阳**) so guardians stay recognisable.
    keep = 2 if len(value) > 2 and value[:2] in _COMPOUND_SURNAMES else 1
    return value[:keep] + "*" * (len(value) - keep)
