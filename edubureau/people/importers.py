"""Bulk import of classes, students and staff: columns, set-wise checks, export in the same format.

The pipeline (reading, header mapping, parsing, plan, bulk writes, change records) is core.importing;
here are only the people registry's rules. References are resolved with one query per referenced
model (all school codes, all classes of those schools in the school year, all existing students by
ID number ...), never a query per row.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext_lazy

from edubureau.core import idcodes
from edubureau.core.importing import (
    Column,
    Importer,
    ImportFailed,
    Plan,
    Rows,
    allocate_ids,
    choice,
    code,
    date_value,
    insert_rows,
    integer,
    log_rows,
    lookup,
    phone,
    register,
    text,
    update_rows,
    yes_no,
)
from edubureau.core.models import ChangeAction
from edubureau.org.models import STAGE_GRADES, Campus, School

from . import identity, services
from .models import (
    GRADE_LABELS,
    STAFF_ID_REFUSED,
    STUDENT_ID_REFUSED,
    STUDENT_NO_REFUSED,
    Education,
    Employment,
    Enrollment,
    Ethnicity,
    Gender,
    Guardian,
    GuardianRelation,
    Honour,
    HukouType,
    IdType,
    PostType,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffStatus,
    Student,
    StudentStatus,
    Title,
    grade_label,
)

# The values are the model fields' choices, so the import refuses what the page and the API refuse.
ETHNIC_GROUPS = tuple(Ethnicity.values)
RELATIONS = tuple(GuardianRelation.values)

# 年级: 1–12, the names of GRADE_LABELS, and the usual other ways of writing them.
_GRADES = {label: g for g, label in GRADE_LABELS.items()} | {str(g): g for g in range(1, 13)}
_GRADES |= {f"{g}年级": g for g in range(1, 10)} | {"预备": 6, "预初": 6, "初一": 7, "初二": 8, "初三": 9}
_GRADES |= {"托儿班": -3, "幼儿园小班": -2, "幼儿园中班": -1, "幼儿园大班": 0}
GRADE_CHOICES = tuple(str(g) for g in range(1, 13)) + tuple(GRADE_LABELS[g] for g in range(-3, 13))


def parse_grade(value: str) -> int:
    found = _GRADES.get(unicodedata.normalize("NFKC", value).strip())
    if found is None:
        raise ValueError(f"“{value}”不是有效的年级：应为 1–12（一年级…高三）或年级名称；幼儿园为 托班、小班、中班、大班")
    return found


def export_grade(grade: int):
    """1–12 as numbers, kindergarten grades by name: what parse_grade reads back to the same value."""
    return grade if grade >= 1 else GRADE_LABELS[grade]


_CLEAN_CODE = re.compile(r"[0-9A-Z]+")


def plain_code(value: str) -> str:
    """An ID or student number as typed: full-width to ASCII, no spaces, upper case (x → X)."""
    if _CLEAN_CODE.fullmatch(value):
        return value
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def school_year_choices() -> list[tuple[int, str]]:
    return [(y.start_year, str(y) + ("（当前）" if y.is_current else "")) for y in SchoolYear.objects.order_by("-start_year")]


def current_school_year() -> int | None:
    year = SchoolYear.current()
    return year.start_year if year else None


def school_year_of(options: dict) -> SchoolYear:
    start = options.get("school_year")
    if start:
        year = SchoolYear.objects.filter(start_year=int(start)).first()
        if year is None:
            raise ImportFailed(f"学年 {start}（{start}-{int(start) + 1}学年）不存在，请先在“学年与校历”中创建。")
        return year
    year = SchoolYear.current()
    if year is None:
        raise ImportFailed("系统中还没有学年，请先在“学年与校历”中创建学年。")
    return year


def school_ref(value: str) -> str:
    """A 学校标识码, or else a school's full or short name (resolved by resolve_schools)."""
    text_ = "".join(unicodedata.normalize("NFKC", value).split())
    if text_.isascii() and text_.isdigit():
        return idcodes.validate_school_code(text_)
    if len(text_) > 100:
        raise ValueError("应为 10 位学校标识码或学校名称")
    return text_


SCHOOL_CODE = Column("学校标识码", "school_code", True, school_ref,
                     help="10 位数字，须是系统中已有的学校；也可以填学校全称或简称（须唯一）。")  # fmt: skip
GRADE = Column("年级", "grade", True, parse_grade, choices=GRADE_CHOICES,
               help="1–12 表示一年级…高三（上海 5+4 学制：6 为预备年级），也可以写年级名称；幼儿园写 托班、小班、中班、大班。")  # fmt: skip
CLASS_NO = Column("班号", "class_no", True, integer(1, 99), help="整数，如 3 表示 3 班。")


def resolve_schools(table: Rows, scope) -> dict[int, tuple]:
    """学校标识码 (or a unique full or short name) -> table["school_id"], in one query; unknown
    schools and schools outside the user's scope are errors. Returns pk -> (code, name, stage)."""
    refs = table["school_code"]
    schools = {r[0]: r for r in lookup(School.objects, ["pk", "code", "name", "short_name", "stage"],
                                       code=refs, name=refs, short_name=refs)}  # fmt: skip
    by_ref: dict[str, list] = {}
    for pk, code_, name, short, _ in schools.values():
        for ref in {code_, name, short} - {""}:
            by_ref.setdefault(ref, []).append(pk)
    ids = [None] * table.n
    for i, ref in enumerate(refs):
        if not ref:
            continue
        found = by_ref.get(ref, [])
        if not found:
            what = f"学校标识码 {ref} " if ref.isdigit() else f"学校“{ref}”"
            table.error(i, "school_code", f"{what}不存在，请核对，或先导入学校")
        elif len(found) > 1:
            table.error(i, "school_code", f"有 {len(found)} 所学校叫“{ref}”，请填写学校标识码")
        elif not scope.covers_school(found[0]):
            table.error(i, "school_code", f"无权导入其他学校（{ref}）的数据")
        else:
            ids[i] = found[0]
    table["school_id"] = ids
    return {pk: (code_, name, stage) for pk, code_, name, _, stage in schools.values()}


def check_grades(table: Rows, schools: dict[int, tuple]) -> None:
    """The grade must be one the school's 学段 teaches."""
    for i, (school_id, grade) in enumerate(zip(table["school_id"], table["grade"], strict=True)):
        if school_id is not None and grade is not None:
            _, name, stage = schools[school_id]
            if grade not in STAGE_GRADES.get(stage, ()):
                table.error(i, "grade", f"{name}（{stage}）没有{grade_label(grade)}")


# A fast path for the common case, a well-formed and valid 居民身份证号码 that agrees with the row:
# about 1 µs instead of 10 (163k rows). Anything it does not vouch for goes to identity.check_identity,
# which stays the one definition of the rule and gives the message; people/tests/test_identity.py holds the
# two equal (a property test over valid and invalid numbers, dates, genders and types).
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ODD = frozenset("13579")


class _Births(dict):
    """"YYYYMMDD" -> the date, or None when no such day or after today (memoised: births repeat)."""

    def __init__(self, today):
        super().__init__()
        self.today = today

    def __missing__(self, text):
        try:
            born = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            born = None
        self[text] = born = born if born is not None and born <= self.today else None
        return born


def resident_id_agrees(number: str, born, gender, births: _Births) -> bool:
    """True only if identity.check_identity(居民身份证, number, born, gender) finds nothing to say."""
    return (
        _ID18.fullmatch(number) is not None
        and number[:2] in idcodes.PROVINCE_CODES
        and births[number[6:14]] is not None
        and births[number[6:14]] == born
        and (number[16] in _ODD) == (gender == Gender.MALE)
        and idcodes.id_check_char(number[:17]) == number[17]
    )


def check_id_columns(kinds, numbers, births, genders, reasons, today) -> list[tuple[int, str, str]]:
    """identity.check_identity over the columns, row by row: normalises `numbers` and `reasons` (None
    for records without a reason) in place and returns the errors as (row index, field, message)."""
    births_by_text = _Births(today)
    errors = []
    for i, number in enumerate(numbers):
        kind = kinds[i]
        if kind == IdType.RESIDENT and number and resident_id_agrees(number, births[i], genders[i], births_by_text):  # fmt: skip
            if reasons is not None:
                reasons[i] = ""
            continue
        reason = None if reasons is None else reasons[i] or ""
        # An empty number is no error here: a row may be keyed by 学籍号, and an empty required cell is
        # already reported by the pipeline.
        checked = identity.check_identity(kind, number, births[i], genders[i], no_id_reason=reason,
                                          require_number=False, today=today)  # fmt: skip
        if number is not None:
            numbers[i] = checked.number
        if reasons is not None:
            reasons[i] = checked.no_id_reason
        errors.extend((i, field, row_message(message)) for field, message in checked.errors.items())
    return errors


def check_ids(table: Rows, *, required: bool) -> None:
    """The identity rule on the table's columns (证件类型, 证件号码, 出生日期, 性别, and 无证件原因 unless
    the 证件号码 column is `required`)."""
    reasons = table.values.get("no_id_reason") if not required else None
    found = check_id_columns(table["id_type"], table["id_number"], table["birth_date"], table["gender"], reasons,
                             timezone.localdate())  # fmt: skip
    for i, field, message in found:
        table.error(i, field, message)


def guardian_phone(value: str) -> str:
    """The 监护人电话 cell, by the rule of the page and the API (services.check_phone)."""
    number, refused = services.check_phone(value)
    if refused:
        raise ValueError(row_message(refused))
    return number


def row_message(message: str) -> str:
    """A sentence of the models or of identity in the importer's style: no closing 。 (the row and the
    column come first)."""
    return message.removesuffix("。")


class PersonImporter(Importer):
    """Students and staff: people keyed by (证件类型, 证件号码) who belong to one school."""

    person_fields: tuple[str, ...] = ()
    left_statuses: tuple[str, ...] = ()  # a person in one of these may be registered at another school
    refused_id = ""  # what a user outside the other school's scope is told (models.STUDENT_ID_REFUSED…)

    def match_people(self, table: Rows, rows: list[tuple], columns: list[str], by_no: dict | None = None) -> list:
        """For each row: the existing person (a dict of `columns`) it is about, or None. `rows` are
        the existing people found by one lookup; a person is matched by (证件类型, 证件号码), and
        (students) by 学籍号."""
        by_id = {}
        for r in rows:
            person = dict(zip(columns, r, strict=True))
            if person["id_number"]:
                by_id[(person["id_type"], person["id_number"])] = person
        matches = [None] * table.n
        kinds, numbers = table["id_type"], table["id_number"]
        for i in table.valid():
            found = by_id.get((kinds[i], numbers[i])) if numbers[i] else None
            if by_no is not None:
                other = by_no.get(table["student_no"][i]) if table["student_no"][i] else None
                clash = other and (found["pk"] != other["pk"] if found else numbers[i] and other["id_number"])
                if clash and not self.scope.covers_school(other["school_id"]):
                    # whose 学籍号 it is, or that it is anyone's, is not this user's to know
                    table.error(i, "student_no", row_message(STUDENT_NO_REFUSED))
                    continue
                if clash and found:
                    table.error(i, "student_no", "该学籍号已登记在另一名学生（证件号码不同）名下")
                    continue
                if clash:
                    table.error(i, "student_no", "该学籍号已登记在另一证件号码的学生名下，请核对证件号码或学籍号")
                    continue
                found = found or other
            matches[i] = found
        return matches

    def check_moves(self, table: Rows, matches: list, what: str) -> None:
        """A person already at another school: allowed only once they have left it (毕业, 转出 ...)."""
        school_ids = table["school_id"]
        moving = [(i, p) for i, p in enumerate(matches)
                  if p is not None and p["school_id"] != school_ids[i] and p["status"] not in self.left_statuses]  # fmt: skip
        names = dict(School.objects.filter(pk__in={p["school_id"] for _, p in moving}).values_list("pk", "name")) if moving else {}
        for i, person in moving:
            if self.scope.covers_school(person["school_id"]):
                where = names.get(person["school_id"], "另一所学校")
                table.error(i, "id_number", f"该{what}已在{where}在册（状态：{person['status']}），调动请在{what}页面办理")
            elif not table["id_number"][i]:  # matched by 学籍号 alone
                table.error(i, "student_no", row_message(STUDENT_NO_REFUSED))
            else:  # neither that nor where the person is registered: only that the number cannot be used
                table.error(i, "id_number", row_message(self.refused_id))

    def keep_blank_keys(self, table: Rows, matches: list, names: tuple[str, ...]) -> None:
        """An empty key cell never erases the existing value (a file keyed by 学籍号 only, say)."""
        for name in names:
            if not table.present(name):
                continue
            values = table[name]
            for i, person in enumerate(matches):
                if person is not None and not values[i]:
                    values[i] = person[name]
                    if name == "id_number":
                        table["id_type"][i] = person["id_type"]


@register
class StudentImporter(PersonImporter):
    kind = "students"
    label = gettext_lazy("学生")
    module = "students"
    model = Student
    order = 30
    columns = (
        SCHOOL_CODE,
        GRADE,
        Column("班号", "class_no", True, integer(1, 99),
               help="整数，如 3 表示 3 班。班级须已存在（先导入班级，或导入时选择“自动创建不存在的班级”）。"),
        Column("姓名", "name", True, text(40)),
        Column("性别", "gender", True, choice(Gender.values), choices=tuple(Gender.values), help="男 或 女，须与身份证号一致。"),
        Column("证件类型", "id_type", False, choice(IdType.values), default=IdType.RESIDENT, choices=tuple(IdType.values),
               help="空着按居民身份证。"),
        Column("证件号码", "id_number", False, plain_code,
               help="居民身份证为 18 位（末位 X），校验位、出生日期、性别须与号码一致；无证件时留空。"),
        Column("出生日期", "birth_date", True, date_value, help="如 2015-09-01。"),
        Column("学籍号", "student_no", False, plain_code, help="19 位：G + 身份证号，或 J、L 开头；无证件的学生必填。"),
        Column("民族", "ethnicity", False, choice(ETHNIC_GROUPS, {g.removesuffix("族"): g for g in ETHNIC_GROUPS}, "民族"),
               choices=tuple(ETHNIC_GROUPS), help="如 汉族。"),
        Column("户籍地区划代码", "hukou_region", False, code(idcodes.validate_region_code), help="6 位行政区划代码，如 310112。"),
        Column("户籍类型", "hukou_type", False, choice(HukouType.values), choices=tuple(HukouType.values)),
        Column("现住址", "address", False, text(200)),
        Column("随迁子女", "is_migrant", False, yes_no, default=False, choices=("是", "否"), help="是 或 否，空着为否。"),
        Column("监护人姓名", "guardian__name", False, text(40), help="填写一位监护人；空着则不修改已有的监护人。"),
        Column("监护人关系", "guardian__relation", False, choice(RELATIONS), choices=RELATIONS, help="如 父亲、母亲。"),
        Column("监护人电话", "guardian__phone", False, guardian_phone, help="11 位手机号，或带区号的固定电话，如 021-64123456。"),
        Column("学籍状态", "status", False, choice(StudentStatus.values), default=StudentStatus.STUDYING,
               choices=tuple(StudentStatus.values), help="空着为在读。"),
        Column("无证件原因", "no_id_reason", False, text(100), help="证件类型为“无证件”时必填。"),
    )  # fmt: skip
    notes = (
        "唯一标识：证件类型 + 证件号码；没有证件号码时按学籍号。班级：学校标识码 + 年级 + 班号（导入时选择的学年）。",
        "已毕业或已转出的学生可以在新学校重新登记；在读学生的转学请在学生页面办理。",
    )
    person_fields = ("name", "gender", "birth_date", "id_type", "id_number", "student_no", "ethnicity", "hukou_region",
                     "hukou_type", "address", "is_migrant", "no_id_reason")  # fmt: skip
    left_statuses = (StudentStatus.GRADUATED, StudentStatus.TRANSFERRED)
    refused_id = STUDENT_ID_REFUSED
    flags = (("create_classes", gettext_lazy("自动创建不存在的班级")),)
    school_years = staticmethod(school_year_choices)
    current_school_year = staticmethod(current_school_year)

    def __init__(self, scope, options=None):
        super().__init__(scope, options)
        self.year = school_year_of(self.options)
        self.create_classes = bool(self.options.get("create_classes"))
        self.new_classes: dict[tuple, NewClass] = {}
        self.guardians: dict[int, int] = {}  # student pk -> pk of the guardian the file's columns describe
        self.enrollments: dict[int, int] = {}  # student pk -> pk of its Enrollment in the year

    GUARDIAN = ("guardian__name", "guardian__relation", "guardian__phone")

    def validate(self, table: Rows) -> None:
        check_ids(table, required=False)
        self.check_student_numbers(table)
        table.check_unique(list(zip(table["id_type"], table["id_number"], strict=True)), "id_number", "证件号码")
        table.check_unique(table["student_no"], "student_no", "学籍号")
        guardian = any(table.present(f) for f in self.GUARDIAN)
        relations = table["guardian__relation"]
        for i, name in enumerate(table["guardian__name"]):
            if name and relations[i] is not None:  # None: refused by its column (the phone is its column's)
                for field, message in services.check_guardian(services.GuardianInput(name, relations[i])).items():
                    table.error(i, f"guardian__{field}", row_message(message))
        schools = resolve_schools(table, self.scope)
        check_grades(table, schools)
        self.resolve_classes(table, schools)
        matches = self.match_students(table)

        # What the rows set, in a fixed order; absent columns are left alone.
        self.fields = ["school_id", "status", *(f for f in self.person_fields if table.present(f))]
        if self.year.is_current:  # Student.school_class is the class now; other years only get an Enrollment
            self.fields.append("school_class_id")
        self.fields.append("enrollment__school_class_id")
        table["enrollment__school_class_id"] = table["school_class_id"]
        if guardian:
            self.fields += self.GUARDIAN
        self.load_existing(table, matches, guardian)

    def match_students(self, table: Rows) -> list:
        """The existing student of each row (one query by ID number and 学籍号), with the rules
        about students already registered elsewhere."""
        columns = ["pk", "school_id", "status", "school_class_id", *self.person_fields]
        rows = lookup(Student.objects, columns, id_number=table["id_number"], student_no=table["student_no"])
        at = columns.index("student_no")
        matches = self.match_people(table, rows, columns, {r[at]: dict(zip(columns, r, strict=True)) for r in rows if r[at]})
        self.check_moves(table, matches, "学生")
        for i, person in enumerate(matches):
            if person is not None and person["status"] == StudentStatus.DECEASED and self.scope.covers_school(person["school_id"]):
                table.error(i, "id_number", "该证件号码的学生已死亡注销，不能导入")
        self.keep_blank_keys(table, matches, ("id_number", "student_no"))
        for i, person in enumerate(matches):
            if table.ok(i) and person is None and not table["id_number"][i] and table["id_type"][i] != IdType.NONE:
                table.error(i, "id_number", "新登记的学生须填写证件号码（没有证件时证件类型填“无证件”，并填写无证件原因）")
        return matches

    def load_existing(self, table: Rows, matches: list, guardian: bool) -> None:
        """self.keys and self.existing, with each matched student's first guardian and Enrollment in
        the year (one query each)."""
        matched = [p["pk"] for p in matches if p is not None]
        current_guardian = {}
        if guardian:
            rows = lookup(Guardian.objects, ["student_id", "pk", "name", "relation", "phone"], student_id=matched)
            for student_id, pk, *values in sorted(rows, key=lambda r: r[1]):
                if student_id not in current_guardian:
                    current_guardian[student_id], self.guardians[student_id] = tuple(values), pk
        enrolled = {}
        year = Enrollment.objects.filter(school_year=self.year)
        for student_id, pk, class_id in lookup(year, ["student_id", "pk", "school_class_id"], student_id=matched):
            enrolled[student_id], self.enrollments[student_id] = class_id, pk
        status_given = table.present("status")
        for i, person in enumerate(matches):
            if person is None:
                self.keys[i] = ("new", i)
                continue
            pk = self.keys[i] = person["pk"]
            if not status_given and person["school_id"] == table["school_id"][i]:
                table["status"][i] = person["status"]  # but a re-registration at a new school is 在读
            values = {**person, "enrollment__school_class_id": enrolled.get(pk)}
            if guardian:
                values.update(zip(self.GUARDIAN, current_guardian.get(pk, ("", "", "")), strict=True))
                if not table["guardian__name"][i]:  # an empty guardian leaves the existing one alone
                    for f in self.GUARDIAN:
                        table[f][i] = values[f]
            self.existing[pk] = (pk, tuple(values[f] for f in self.fields))

    def check_student_numbers(self, table: Rows) -> None:
        """identity.check_student_no per row; and, the import's own key rule, a 学籍号 for 无证件 rows."""
        kinds, numbers, births = table["id_type"], table["id_number"], table["birth_date"]
        student_nos = table["student_no"]
        for i, number in enumerate(student_nos):
            if not number:
                if kinds[i] == IdType.NONE:  # without either number a row could not be matched again
                    table.error(i, "student_no", "证件类型为“无证件”时须填写学籍号（J 或 L 开头）")
                continue
            id_valid = not table.has_error(i, "id_number")
            if id_valid and kinds[i] == IdType.RESIDENT and numbers[i] and number == "G" + numbers[i]:
                continue  # the usual case, and what check_student_no accepts: the ID number is already checked
            student_nos[i], errors = identity.check_student_no(number, kinds[i], numbers[i], births[i],
                                                               id_valid=id_valid)  # fmt: skip
            for field, message in errors.items():
                table.error(i, field, row_message(message))

    def resolve_classes(self, table: Rows, schools: dict) -> None:
        """(school, grade, 班号) -> table["school_class_id"]: all classes of those schools in the year, one query."""
        school_ids, grades, numbers = table["school_id"], table["grade"], table["class_no"]
        self.school_names = {pk: name for pk, (_, name, _) in schools.items()}
        classes = {(s, g, n): pk for pk, s, g, n in lookup(
            SchoolClass.objects.filter(school_year=self.year), ["pk", "school_id", "grade", "class_no"],
            school_id=school_ids)}  # fmt: skip
        out = [None] * table.n
        for i, key in enumerate(zip(school_ids, grades, numbers, strict=True)):
            if None in key or not table.ok(i):
                continue
            pk = classes.get(key)
            if pk is None and self.create_classes:
                pk = self.new_classes.setdefault(key, NewClass(*key))
            if pk is None:
                table.error(i, "class_no", f"{schools[key[0]][1]}{self.year}没有{grade_label(key[1])}（{key[2]}）班，"
                                           "请先导入班级，或选择自动创建不存在的班级")  # fmt: skip
            out[i] = pk
        table["school_class_id"] = out

    def plan(self, table: Rows) -> Plan:
        plan = super().plan(table)
        if not self.new_classes:
            return plan
        used = {v for _, row in plan.new for v in row if type(v) is NewClass}
        used |= {v for _, _, row, _, _ in plan.changed for v in row if type(v) is NewClass}
        self.new_classes = {k: v for k, v in self.new_classes.items() if v in used}
        if self.new_classes:
            plan.notes.append(f"将新建 {len(self.new_classes)} 个班级")
        return plan

    def write(self, plan: Plan) -> list[int]:
        if self.new_classes:
            self.write_classes()
            plan.new = [(i, resolve(row)) for i, row in plan.new]
            plan.changed = [(i, pk, resolve(row), before, {k: getattr(v, "pk", v) for k, v in after.items()})
                            for i, pk, row, before, after in plan.changed]  # fmt: skip
        return super().write(plan)

    def write_classes(self) -> None:
        classes = list(self.new_classes.values())
        for c, pk in zip(classes, allocate_ids(SchoolClass, len(classes)), strict=True):
            c.pk = pk
        names = ["id", "school_id", "school_year_id", "grade", "class_no", "campus_id", "head_teacher_id", "capacity"]
        insert_rows(SchoolClass, names, [(c.pk, c.school_id, self.year.pk, c.grade, c.class_no, None, None, None) for c in classes])
        log_rows(SchoolClass, ChangeAction.CREATE, [
            (c.pk, f"{self.school_names.get(c.school_id, '')} {grade_label(c.grade)}（{c.class_no}）班",
             None, {"school_id": c.school_id, "school_year_id": self.year.pk, "grade": c.grade, "class_no": c.class_no})
            for c in classes
        ])  # fmt: skip

    def write_related(self, plan: Plan, new_ids: list[int]) -> None:
        """Each student's Enrollment in the year, and the guardian of the file's guardian columns."""
        at = {f: plan.fields.index(f) for f in plan.fields}
        school, klass = at["school_id"], at["enrollment__school_class_id"]
        new_enrollments = [(pk, self.year.pk, row[school], row[klass]) for pk, (_, row) in zip(new_ids, plan.new, strict=True)]
        changed_enrollments = []
        for _, pk, row, before, _ in plan.changed:
            if "school_id" in before or "enrollment__school_class_id" in before:
                if pk in self.enrollments:
                    changed_enrollments.append((row[school], row[klass], self.enrollments[pk]))
                else:
                    new_enrollments.append((pk, self.year.pk, row[school], row[klass]))
        insert_rows(Enrollment, ["id", "student_id", "school_year_id", "school_id", "school_class_id"],
                    [(e, *r) for e, r in zip(allocate_ids(Enrollment, len(new_enrollments)), new_enrollments, strict=True)])  # fmt: skip
        update_rows(Enrollment, ["school_id", "school_class_id"], changed_enrollments)
        if "guardian__name" not in at:
            return
        g = [at["guardian__name"], at["guardian__relation"], at["guardian__phone"]]
        new_guardians = [(pk, *(row[p] for p in g)) for pk, (_, row) in zip(new_ids, plan.new, strict=True) if row[g[0]]]
        changed_guardians = []
        for _, pk, row, before, _ in plan.changed:
            if row[g[0]] and any(f"guardian__{f}" in before for f in ("name", "relation", "phone")):
                if pk in self.guardians:
                    changed_guardians.append((*(row[p] for p in g), self.guardians[pk]))
                else:
                    new_guardians.append((pk, *(row[p] for p in g)))
        insert_rows(Guardian, ["id", "student_id", "name", "relation", "phone"],
                    [(gid, *r) for gid, r in zip(allocate_ids(Guardian, len(new_guardians)), new_guardians, strict=True)])  # fmt: skip
        update_rows(Guardian, ["name", "relation", "phone"], changed_guardians)

    def export_rows(self, school_code=None):
        """Students with a class in the school year, in the template's columns; no query per row."""
        classes = dict(
            (pk, (code, grade, no)) for pk, code, grade, no in
            SchoolClass.objects.filter(school_year=self.year).values_list("pk", "school__code", "grade", "class_no")
        )  # fmt: skip
        enrolled = dict(Enrollment.objects.filter(school_year=self.year).values_list("student_id", "school_class_id"))
        students = Student.objects.order_by("school__code", "pk")
        guardians = Guardian.objects.order_by("student_id", "pk")
        if school_code:
            students = students.filter(school__code=school_code)
            guardians = guardians.filter(student__school__code=school_code)
        first_guardian = {}
        for student_id, name, relation, number in guardians.values_list("student_id", "name", "relation", "phone").iterator(5000):
            first_guardian.setdefault(student_id, (name, relation, number))
        fields = ["pk", "school_class_id", "name", "gender", "id_type", "id_number", "birth_date", "student_no",
                  "ethnicity", "hukou_region", "hukou_type", "address", "is_migrant", "status", "no_id_reason"]  # fmt: skip
        for (pk, class_id, name, gender, id_type, id_number, birth, student_no, ethnicity, region, hukou_type,
             address, migrant, status, reason) in students.values_list(*fields).iterator(5000):  # fmt: skip
            place = classes.get(enrolled.get(pk) or class_id)
            if place is None:
                continue
            guardian = first_guardian.get(pk, ("", "", ""))
            yield [place[0], export_grade(place[1]), place[2], name, gender, id_type, id_number, birth, student_no,
                   ethnicity, region, hukou_type, address, "是" if migrant else "否", *guardian, status, reason]  # fmt: skip


class NewClass:
    """A class a student row needs and --create-classes will create; its pk is set when written."""

    __slots__ = ("school_id", "grade", "class_no", "pk")

    def __init__(self, school_id, grade, class_no):
        self.school_id, self.grade, self.class_no, self.pk = school_id, grade, class_no, None


def resolve(row: tuple) -> tuple:
    return tuple(v.pk if type(v) is NewClass else v for v in row)


@register
class StaffImporter(PersonImporter):
    kind = "staff"
    label = gettext_lazy("教职工")
    module = "staff"
    model = Staff
    order = 40
    columns = (
        SCHOOL_CODE,
        Column("姓名", "name", True, text(40)),
        Column("性别", "gender", True, choice(Gender.values), choices=tuple(Gender.values)),
        Column("证件类型", "id_type", False, choice([v for v in IdType.values if v != IdType.NONE]), default=IdType.RESIDENT,
               choices=tuple(v for v in IdType.values if v != IdType.NONE), help="空着按居民身份证。"),
        Column("证件号码", "id_number", True, plain_code, help="居民身份证为 18 位，校验位、出生日期、性别须与号码一致。"),
        Column("出生日期", "birth_date", True, date_value),
        Column("岗位类别", "post_type", False, choice(PostType.values), default=PostType.TEACHER, choices=tuple(PostType.values),
               help="空着为专任教师。"),
        Column("任教学科", "subjects", False, text(60), help="多个学科用“、”分隔，如 语文、道德与法治。"),
        Column("职称", "title", False, choice(Title.values), default=Title.NONE, choices=tuple(Title.values), help="空着为未定级。"),
        Column("最高学历", "education", False, choice(Education.values), default=Education.BACHELOR,
               choices=tuple(Education.values), help="空着为本科。"),
        Column("荣誉称号", "honours", False, None, choices=tuple(Honour.values), help="可选值表中的称号，多个用“、”分隔。"),
        Column("用工形式", "employment", False, choice(Employment.values), default=Employment.ESTABLISHED,
               choices=tuple(Employment.values), help="空着为事业编制。"),
        Column("入职日期", "hire_date", False, date_value, default=None),
        Column("联系电话", "phone", False, phone),
        Column("状态", "status", False, choice(StaffStatus.values), default=StaffStatus.ACTIVE, choices=tuple(StaffStatus.values),
               help="空着为在职。"),
    )  # fmt: skip
    notes = ("唯一标识：证件类型 + 证件号码。已离职、调出或退休的人员可以在新单位重新登记。",)
    person_fields = ("name", "gender", "id_type", "id_number", "birth_date", "post_type", "subjects", "title", "education",
                     "honours", "employment", "hire_date", "phone", "status")  # fmt: skip
    left_statuses = (StaffStatus.LEFT, StaffStatus.TRANSFERRED, StaffStatus.RETIRED)
    refused_id = STAFF_ID_REFUSED

    def validate(self, table: Rows) -> None:
        check_ids(table, required=True)
        self.check_lists(table)
        table.check_unique(list(zip(table["id_type"], table["id_number"], strict=True)), "id_number", "证件号码")
        resolve_schools(table, self.scope)
        columns = ["pk", "school_id", *self.person_fields]
        matches = self.match_people(table, lookup(Staff.objects, columns, id_number=table["id_number"]), columns)
        self.check_moves(table, matches, "教职工")
        self.fields = ["school_id", *(f for f in self.person_fields if table.present(f))]
        for i, person in enumerate(matches):
            if person is None:
                self.keys[i] = ("new", i)
            else:
                self.keys[i] = person["pk"]
                self.existing[person["pk"]] = (person["pk"], tuple(person[f] for f in self.fields))

    def check_lists(self, table: Rows) -> None:
        """荣誉称号 and 任教学科: lists separated by 、，,;； — stored with 、; honours from the list only."""
        allowed = set(Honour.values)
        for name in ("honours", "subjects"):
            values = table[name]
            for i, value in enumerate(values):
                if not value:
                    continue
                items = split_list(value)
                if name == "honours":
                    wrong = [h for h in items if h not in allowed]
                    if wrong:
                        table.error(i, name, f"“{'、'.join(wrong)}”不是有效的荣誉称号，应为：{'、'.join(Honour.values)}")
                        continue
                joined = "、".join(items)
                if len(joined) > (100 if name == "honours" else 60):
                    table.error(i, name, "内容过长")
                values[i] = joined

    def export_rows(self, school_code=None):
        staff = Staff.objects.order_by("school__code", "pk")
        if school_code:
            staff = staff.filter(school__code=school_code)
        for row in staff.values_list("school__code", "name", "gender", "id_type", "id_number", "birth_date", "post_type",
                                     "subjects", "title", "education", "honours", "employment", "hire_date", "phone",
                                     "status").iterator(5000):  # fmt: skip
            yield list(row)


def split_list(value: str) -> list[str]:
    for separator in "，,;；/":
        value = value.replace(separator, "、")
    return [p.strip() for p in value.split("、") if p.strip()]


@register
class ClassImporter(Importer):
    kind = "classes"
    label = gettext_lazy("班级")
    module = "classes"
    model = SchoolClass
    order = 20
    columns = (
        SCHOOL_CODE,
        GRADE,
        CLASS_NO,
        Column("校区", "campus", False, text(60), help="校区名称，须是该校已有的校区；空着表示不分校区。"),
        Column("班主任证件号码", "head_teacher", False, plain_code, help="须是本校已导入的教职工。"),
        Column("教室容量", "capacity", False, integer(1, 200), default=None, help="教室可容纳的学生数，如 45。"),
    )
    notes = ("唯一标识：学校标识码 + 年级 + 班号（导入时选择的学年）。",)
    school_years = staticmethod(school_year_choices)
    current_school_year = staticmethod(current_school_year)

    def __init__(self, scope, options=None):
        super().__init__(scope, options)
        self.year = school_year_of(self.options)
        self.constants = {"school_year_id": self.year.pk}

    def validate(self, table: Rows) -> None:
        schools = resolve_schools(table, self.scope)
        self.names = {pk: name for pk, (_, name, _) in schools.items()}
        check_grades(table, schools)
        school_ids = table["school_id"]
        table.check_unique(list(zip(school_ids, table["grade"], table["class_no"], strict=True)), "class_no", "班级")
        self.fields = ["school_id", "grade", "class_no"]
        if table.present("campus"):
            campuses = {(s, name): pk for pk, s, name in lookup(Campus.objects, ["pk", "school_id", "name"], school_id=school_ids)}
            table["campus_id"] = self.resolve(table, "campus", lambda i, v: campuses.get((school_ids[i], v)),
                                              "{school}没有名为“{value}”的校区")  # fmt: skip
            self.fields.append("campus_id")
        if table.present("head_teacher"):
            teachers = {(s, n): pk for pk, s, n in lookup(Staff.objects, ["pk", "school_id", "id_number"], id_number=table["head_teacher"])}
            table["head_teacher_id"] = self.resolve(table, "head_teacher", lambda i, v: teachers.get((school_ids[i], v)),
                                                    "证件号码为 {value} 的教职工不在{school}，请先导入教职工")  # fmt: skip
            self.fields.append("head_teacher_id")
        if table.present("capacity"):
            self.fields.append("capacity")
        columns = ["pk", "school_id", "grade", "class_no", "campus_id", "head_teacher_id", "capacity"]
        existing = {(r[1], r[2], r[3]): dict(zip(columns, r, strict=True)) for r in lookup(
            SchoolClass.objects.filter(school_year=self.year), columns, school_id=school_ids)}  # fmt: skip
        for i in table.valid():
            key = (school_ids[i], table["grade"][i], table["class_no"][i])
            self.keys[i] = key
            if key in existing:
                current = existing[key]
                self.existing[key] = (current["pk"], tuple(current[f] for f in self.fields))

    def resolve(self, table: Rows, name: str, find, message: str) -> list:
        out = [None] * table.n
        for i, value in enumerate(table[name]):
            if value and table["school_id"][i] is not None:
                out[i] = find(i, value)
                if out[i] is None:
                    table.error(i, name, message.format(school=self.names[table["school_id"][i]], value=value))
        return out

    def describe(self, values: dict) -> str:
        return f"{self.names.get(values['school_id'], '')} {grade_label(values['grade'])}（{values['class_no']}）班"

    def export_rows(self, school_code=None):
        classes = SchoolClass.objects.filter(school_year=self.year).order_by("school__code", "grade", "class_no")
        if school_code:
            classes = classes.filter(school__code=school_code)
        for code_, grade, no, campus, teacher, capacity in classes.values_list(
            "school__code", "grade", "class_no", "campus__name", "head_teacher__id_number", "capacity"
        ).iterator(5000):  # fmt: skip
            yield [code_, export_grade(grade), no, campus or "", teacher or "", capacity]
