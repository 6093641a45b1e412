"""Who a person is: the one home of the identity rules of students and staff.

- `check_identity`: 证件类型, 证件号码, 出生日期 and 性别 agree (core.idcodes checks the numbers); 无证件
  has no number and, for students, a reason.
- `check_student_no`: the 学籍号 agrees with the ID number (G) or the birth date (J, L).
- `number_taken`: whether an ID number or 学籍号 is already someone's, said so that a person outside the
  user's scope is never revealed.

The page forms, the API serializers and the importers call these and only place the errors: a form on
its fields, the API as a field-keyed 400, the importer on its columns (field names are its column keys).
Messages are full sentences ending in 。 (the importer drops the 。, as its row format wants).
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.utils import timezone

from edubureau.core import idcodes

from .models import STAFF_ID_REFUSED, STUDENT_ID_REFUSED, STUDENT_NO_REFUSED, IdType, Staff, Student

NO_ID_NUMBER = "证件类型为“无证件”时证件号码应留空。"
NO_ID_REASON = "证件类型为“无证件”时须填写无证件原因。"
G_ONLY_FOR_RESIDENTS = "G 字头学籍号由居民身份证号生成，只用于持居民身份证的学生。"
WITH_BIRTH = (IdType.RESIDENT, IdType.HMT_PERMIT)  # numbers that carry the birth date and gender


def sentence(error) -> str:
    """A core.idcodes message as a sentence: “校验位错误（应为 X）。”"""
    return f"{error}。"


def _validate(id_type: str, number: str, allow_15: bool, today: datetime.date) -> str:
    if id_type == IdType.RESIDENT:
        return idcodes.validate_resident_id(number, allow_15=allow_15, today=today)
    if id_type == IdType.HMT_PERMIT:
        return idcodes.validate_hk_macao_taiwan_residence_permit(number, today=today)
    return idcodes.validate_passport(number)


class Identity(NamedTuple):
    number: str  # normalised (upper case, ASCII, 18 digits for a converted 15-digit number); "" for 无证件
    no_id_reason: str | None  # kept only for 无证件; None where the record has no reason (staff)
    errors: dict[str, str]  # field -> message


def check_identity(
    id_type: str | None,
    id_number: str | None,
    birth_date: datetime.date | None,
    gender: str | None,
    *,
    allow_15: bool = False,
    no_id_reason: str | None = None,
    require_number: bool = True,
    today: datetime.date | None = None,
) -> Identity:
    """The identity rule. A None birth date or gender (already refused by its own field) is not compared.

    allow_15: convert an old 15-digit 居民身份证号 (the page's explicit flag).
    no_id_reason: the record's 无证件原因, None for records without one (staff).
    require_number: False for an import row, which may be keyed by 学籍号 (the importer asks for a number
    where a row creates a student, and the pipeline reports an empty required cell).
    """
    today = today or timezone.localdate()
    number = "".join((id_number or "").split())
    reason = None if no_id_reason is None else no_id_reason.strip()
    errors: dict[str, str] = {}
    if birth_date is not None and birth_date > today:
        errors["birth_date"] = f"出生日期 {birth_date.isoformat()} 晚于今天。"
    if id_type == IdType.NONE:
        if number:
            errors["id_number"] = NO_ID_NUMBER
        if reason == "":
            errors["no_id_reason"] = NO_ID_REASON
        return Identity("", reason, errors)
    reason = None if reason is None else ""  # a reason belongs to 无证件 only
    if id_type not in IdType.values:  # refused by the type's own field
        return Identity(number, reason, errors)
    if not number:
        if require_number:
            errors["id_number"] = f"请填写{id_type}号码；没有证件的，证件类型请选“无证件”。"
        return Identity("", reason, errors)
    try:
        number = _validate(id_type, number, allow_15, today)
    except idcodes.CodeError as e:
        errors["id_number"] = sentence(e)
        return Identity(number, reason, errors)
    if id_type in WITH_BIRTH:  # the card is right: a birth date or gender that disagrees is what to fix
        for field, born, sex in (("birth_date", birth_date, None), ("gender", None, gender)):
            try:
                idcodes.check_id_agrees(number, born, sex)
            except idcodes.CodeError as e:
                errors.setdefault(field, sentence(e))
    return Identity(number, reason, errors)


def check_student_no(
    student_no: str | None,
    id_type: str | None,
    id_number: str | None,
    birth_date: datetime.date | None,
    *,
    id_valid: bool = True,
) -> tuple[str, dict[str, str]]:
    """The 学籍号 (optional) against the identity: (normalised, {"student_no": message}).
    id_valid=False: the ID number has its own error; a G number built from it is not refused again."""
    value = "".join((student_no or "").split())
    if not value:
        return "", {}
    resident = id_number if id_type == IdType.RESIDENT and id_number and id_valid else None
    if not id_valid and id_number and value.upper() == "G" + id_number.upper():
        return value, {}  # the ID number's own error says it
    try:
        value = idcodes.validate_student_number(value, resident)
    except idcodes.CodeError as e:
        return value, {"student_no": sentence(e)}
    if value[0] == "G" and id_type not in (IdType.RESIDENT, None):
        return value, {"student_no": G_ONLY_FOR_RESIDENTS}
    if value[0] in "JL" and birth_date and value[7:15] != f"{birth_date:%Y%m%d}":
        on_number = f"{value[7:11]}-{value[11:13]}-{value[13:15]}"
        return value, {"student_no": f"学籍号中的出生日期（{on_number}）与出生日期不一致。"}
    return value, {}


# What the user is told when the number is someone else's: who that is when the other record is in the
# user's scope (they can look it up), else only that the number cannot be used and whom to ask.
TAKEN = {
    (Student, "id_number"): (
        "该证件号码已有学籍，同一学生不能重复注册。如是转学，请由原学校办理转出（学籍异动）。",
        STUDENT_ID_REFUSED,
    ),
    (Student, "student_no"): ("学籍号已存在，同一学生不能重复注册。", STUDENT_NO_REFUSED),
    (Staff, "id_number"): (
        "该证件号码的教职工已在册，同一人不能重复任职。如是调动，请修改原记录的学校。",
        STAFF_ID_REFUSED,
    ),
}


def number_taken(model, user, *, exclude=None, id_type=None, id_number="", student_no="") -> dict[str, str]:
    """{field: message} when the ID number (with its type) or the 学籍号 belongs to another record of
    `model` (`exclude`: the record being edited's pk); {} when free."""
    errors = {}
    for field, key in (
        ("id_number", {"id_type": id_type, "id_number": id_number}),
        ("student_no", {"student_no": student_no}),
    ):
        if not key[field]:
            continue
        others = model.objects.filter(**key)
        if exclude is not None:
            others = others.exclude(pk=exclude)
        if others.exists():
            in_scope, refused = TAKEN[(model, field)]
            errors[field] = in_scope if others.for_user(user).exists() else refused
    return errors
