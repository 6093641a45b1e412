"""people.identity: the one identity rule, and the importer's column-wise fast path held equal to it.

The importer (163k rows) vouches for the common row, a valid 居民身份证号 agreeing with the row, without
calling check_identity; these tests generate valid and invalid numbers, dates, genders, types and reasons
and require the importer's columns and check_identity to accept and refuse the same rows with the same
messages, numbers and reasons.
"""

import datetime
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edubureau.core import idcodes
from edubureau.people import identity, importers
from edubureau.people.importers import check_id_columns, resident_id_agrees, row_message
from edubureau.people.models import IdType

TODAY = datetime.date(2026, 1, 1)
BORN = st.dates(datetime.date(1950, 1, 1), datetime.date(2027, 12, 31))  # some after TODAY
GENDERS = ["男", "女"]


def typo(draw, number: str) -> str:
    """One character changed (a typo, a wrong check digit, a lower-case x, a space), or dropped."""
    at = draw(st.integers(0, max(len(number) - 1, 0)))
    return number[:at] + draw(st.sampled_from(["", *"0123456789Xx "])) + number[at + 1 :]


@st.composite
def id_rows(draw):
    """(证件类型, 证件号码, 出生日期, 性别, 无证件原因) as the importer's parsed columns hold them: mostly
    rows that agree (so that the fast path is taken), and rows wrong in one way or another."""
    born, male = draw(BORN), draw(st.booleans())
    kind = draw(st.sampled_from([*IdType.values, None]))  # None: a refused 证件类型 cell
    shape = draw(st.sampled_from(["resident", "resident", "built", "permit", "passport", "empty", "junk"]))
    if shape == "resident":  # the generator of core.idcodes: valid but for a date after TODAY
        region = draw(st.sampled_from(["310112", "110105", "440524", "510302"]))
        number = idcodes.make_resident_id(region, born, draw(st.integers(0, 99)), male)
    elif shape in ("built", "permit"):  # any region (also unknown provinces) or a 居住证 prefix
        prefixes = (
            ["160101", "999999", "310112"] if shape == "built" else ["810000", "820000", "830000", "840000"]
        )
        first17 = (
            f"{draw(st.sampled_from(prefixes))}{born:%Y%m%d}{draw(st.integers(0, 99)):02d}{1 if male else 2}"
        )
        number = first17 + idcodes.id_check_char(first17)
    elif shape == "passport":
        number = draw(st.from_regex(r"[A-Z0-9]{3,19}", fullmatch=True))
    elif shape == "empty":
        number = draw(st.sampled_from(["", None]))  # None: an empty required cell
    else:
        number = draw(st.text(alphabet="0123456789Xx", max_size=19))
    if number and draw(st.booleans()):
        number = typo(draw, number)
    agree = draw(st.sampled_from(["row", "row", "other", "none"]))
    birth = born if agree == "row" else (draw(BORN) if agree == "other" else None)
    gender = draw(st.sampled_from([("男" if male else "女"), ("男" if male else "女"), *GENDERS, None]))
    reason = draw(st.sampled_from(["", "户籍待落实", None]))  # None: the cell is empty
    return kind, number, birth, gender, reason


def by_function(rows, with_reasons):
    """What check_identity says of each row, in the importer's format."""
    out = []
    for kind, number, birth, gender, reason in rows:
        checked = identity.check_identity(kind, number, birth, gender, no_id_reason=(reason or "") if with_reasons else None,
                                          require_number=False, today=TODAY)  # fmt: skip
        errors = {field: row_message(message) for field, message in checked.errors.items()}
        out.append((number if number is None else checked.number, checked.no_id_reason, errors))
    return out


def by_columns(rows, with_reasons):
    """What the importer's columns say of the same rows."""
    kinds, numbers, births, genders, _ = (list(column) for column in zip(*rows, strict=True))
    reasons = [reason or "" for *_, reason in rows] if with_reasons else None
    errors = defaultdict(dict)
    for i, field, message in check_id_columns(kinds, numbers, births, genders, reasons, TODAY):
        errors[i][field] = message
    return [(numbers[i], reasons[i] if with_reasons else None, errors[i]) for i in range(len(rows))]


@settings(max_examples=300, deadline=None)
@given(st.lists(id_rows(), min_size=1, max_size=12), st.booleans())
def test_the_importer_columns_accept_and_refuse_what_check_identity_does(rows, with_reasons):
    assert by_columns(rows, with_reasons) == by_function(rows, with_reasons)


def test_the_fast_path_takes_valid_rows_without_calling_the_function(monkeypatch):
    calls = []
    monkeypatch.setattr(importers.identity, "check_identity", lambda *args, **kw: calls.append(args))
    born = datetime.date(2015, 3, 2)
    rows = []
    for seq in range(0, 100, 7):
        for male in (True, False):
            number = idcodes.make_resident_id("310112", born, seq, male)
            assert resident_id_agrees(number, born, "男" if male else "女", importers._Births(TODAY))
            rows.append((IdType.RESIDENT, number, born, "男" if male else "女", "旧原因"))
    assert all(errors == {} and reason == "" for _, reason, errors in by_columns(rows, True))
    assert calls == []


@pytest.mark.parametrize(
    "row, errors",
    [
        ((IdType.RESIDENT, "11010519491231002X", datetime.date(1949, 12, 31), "女"), {}),
        ((IdType.RESIDENT, "110105194912310021", None, None), {"id_number": "校验位错误（应为 X）。"}),
        ((IdType.RESIDENT, "11010519491231002X", datetime.date(1949, 12, 30), "男"),
         {"birth_date": "出生日期与身份证号不一致（证件为 1949-12-31）。", "gender": "性别与身份证号不一致（证件为 女）。"}),
        ((IdType.RESIDENT, "", None, None), {"id_number": "请填写居民身份证号码；没有证件的，证件类型请选“无证件”。"}),
        ((IdType.PASSPORT, "E1234567", datetime.date(2027, 1, 1), "男"), {"birth_date": "出生日期 2027-01-01 晚于今天。"}),
        ((IdType.NONE, "E1234567", None, None),
         {"id_number": "证件类型为“无证件”时证件号码应留空。", "no_id_reason": "证件类型为“无证件”时须填写无证件原因。"}),
    ],
)  # fmt: skip
def test_it_says_what_to_fix_in_one_wording(row, errors):
    assert identity.check_identity(*row, no_id_reason="", today=TODAY).errors == errors


def test_it_converts_an_old_number_only_when_asked_and_keeps_a_reason_only_for_no_id():
    old = "310112900305071"
    assert "id_number" in identity.check_identity(IdType.RESIDENT, old, None, None, today=TODAY).errors
    checked = identity.check_identity(
        IdType.RESIDENT, old, None, None, allow_15=True, no_id_reason="x", today=TODAY
    )
    assert (checked.number, checked.no_id_reason, checked.errors) == (
        idcodes.validate_resident_id(old, allow_15=True),
        "",
        {},
    )
    assert (
        identity.check_identity(IdType.NONE, "", None, None, no_id_reason=" 未办理 ").no_id_reason == "未办理"
    )


def test_it_checks_the_student_number_against_the_identity():
    number = idcodes.make_resident_id("310112", datetime.date(2018, 3, 5), 1, True)
    born = datetime.date(2018, 3, 5)
    assert identity.check_student_no("g" + number.lower(), IdType.RESIDENT, number, born) == (
        "G" + number,
        {},
    )
    assert identity.check_student_no("G" + number, IdType.PASSPORT, "E1234567", born)[1] == {
        "student_no": identity.G_ONLY_FOR_RESIDENTS
    }
    assert identity.check_student_no("L310112201803061234", IdType.NONE, "", born)[1] == {
        "student_no": "学籍号中的出生日期（2018-03-06）与出生日期不一致。"
    }
    wrong = number[:17] + ("0" if number[17] != "0" else "1")  # its own error is the ID number's
    assert identity.check_student_no("G" + wrong, IdType.RESIDENT, wrong, born, id_valid=False) == (
        "G" + wrong,
        {},
    )
