"""Business rules of the people registry: enrolment, 学籍异动 (status changes), guardians, duplicates
and merges. (Who a person is, the identity rule, is people.identity.)

Plain functions called by the pages, the API, importers and commands alike. Every write happens
in one transaction and is logged through core.changelog; every change of a student's school,
class or status adds a StatusChange row. Scope is the caller's business: these functions trust
that the acting user may touch the objects they are given.
A rule that is broken raises django.core.exceptions.ValidationError with a Chinese message (keyed by
field where the caller's input has fields: `move_student`, `change_status`, `save_guardians`).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.utils import timezone

from edubureau.core import changelog, idcodes
from edubureau.core.masking import mask
from edubureau.core.models import ChangeAction, ChangeRecord
from edubureau.org.models import School, SchoolStatus

from .models import (
    Enrollment,
    Guardian,
    GuardianRelation,
    IdType,
    Posting,
    SchoolClass,
    SchoolYear,
    Staff,
    StatusChange,
    Student,
    StudentStatus,
)

Kind = StatusChange.Kind
BATCH = 1000


# ---------------------------------------------------------------- helpers


def _today():
    return timezone.localdate()


def _record(student, kind, date, reason="", **fields) -> StatusChange:
    change = StatusChange(student=student, kind=kind, date=date or _today(), reason=reason or "", **fields)
    change.save()
    changelog.log_create(change)
    return change


def _place(student: Student, school_class: SchoolClass | None) -> None:
    """Keep the student's Enrollment (one per school year) in step with the school and class."""
    year = school_class.school_year if school_class else SchoolYear.current()
    if year is None:
        return
    enrollment = Enrollment.objects.filter(student=student, school_year=year).first()
    if enrollment is None:
        enrollment = Enrollment(
            student=student, school_year=year, school=student.school, school_class=school_class
        )
        enrollment.save()
        changelog.log_create(enrollment)
        return
    before = changelog.snapshot(enrollment)
    enrollment.school, enrollment.school_class = student.school, school_class
    enrollment.save()
    changelog.log_update(enrollment, before)


def _need_status(student, *allowed):
    if student.status not in allowed:
        wanted = "或".join(str(StudentStatus(s).label) for s in allowed)
        raise ValidationError(
            f"{student.name}的学籍状态为“{student.get_status_display()}”，只有{wanted}的学生可以办理。"
        )


def _need_class_of(school_class, school):
    if school_class is not None and school_class.school_id != school.pk:
        raise ValidationError(f"{school_class.name}不属于{school}，请选择{school}的班级。")


def _locked(student) -> Student:
    """The student row re-read inside the transaction (and locked where the database can)."""
    rows = Student.objects.select_for_update(of=("self",)).select_related("school", "school_class")
    return rows.get(pk=student.pk)


# ---------------------------------------------------------------- enrolment and 学籍异动


@transaction.atomic
def enrol_student(student: Student, date: datetime.date | None = None) -> Student:
    """Save a new student (入学): the student row, an 入学 StatusChange and the year's Enrollment."""
    student.save()
    changelog.log_create(student)
    _record(student, Kind.ENROL, date or student.enrolled_on, to_school=student.school,
            to_class=student.school_class, to_status=student.status)  # fmt: skip
    _place(student, student.school_class)
    return student


@transaction.atomic
def transfer_student(
    student: Student, to_school: School | None, to_class: SchoolClass | None, date=None, reason: str = ""
) -> Student:
    """转学. Within the district: 转出 from the old school and 转入 to the new one, still 在读 (or 休学).
    to_school=None means out of the district: the student is 转出 and leaves the registry's schools."""
    student = _locked(student)
    _need_status(student, StudentStatus.STUDYING, StudentStatus.SUSPENDED)
    old_school, old_class, old_status = student.school, student.school_class, student.status
    before = changelog.snapshot(student)
    if to_school is None:
        if to_class is not None:
            raise ValidationError("转往区外时不能指定班级。")
        student.status, student.school_class = StudentStatus.TRANSFERRED, None
        student.save()
        changelog.log_update(student, before)
        _record(student, Kind.TRANSFER_OUT, date, reason, from_school=old_school, from_class=old_class,
                from_status=old_status, to_status=student.status)  # fmt: skip
        return student
    if to_school.pk == old_school.pk:
        raise ValidationError("转入学校与原学校相同；同校换班请办理调班。")
    if to_school.district_id != old_school.district_id:
        raise ValidationError(f"{to_school}不在本区，区外转学请不选转入学校（按转往区外办理）。")
    if to_school.status != SchoolStatus.OPEN:
        raise ValidationError(f"{to_school}的状态为“{to_school.get_status_display()}”，不能转入。")
    _need_class_of(to_class, to_school)
    student.school, student.school_class = to_school, to_class
    student.save()
    changelog.log_update(student, before)
    moved = dict(from_school=old_school, to_school=to_school, from_class=old_class, to_class=to_class,
                 from_status=old_status, to_status=student.status)  # fmt: skip
    _record(student, Kind.TRANSFER_OUT, date, reason, **moved)
    _record(student, Kind.TRANSFER_IN, date, reason, **moved)
    _place(student, to_class)
    return student


@transaction.atomic
def change_class(student: Student, to_class: SchoolClass, date=None, reason: str = "") -> Student:
    """调班: to another class of the same school."""
    student = _locked(student)
    _need_status(student, StudentStatus.STUDYING)
    _need_class_of(to_class, student.school)
    if to_class.pk == student.school_class_id:
        raise ValidationError(f"{student.name}已在{to_class.name}。")
    check_same_grade(student, to_class)
    return _move_class(student, to_class, Kind.CHANGE_CLASS, date, reason)


def check_same_grade(student: Student, to_class: SchoolClass) -> None:
    """A class change keeps the grade; other grades go through 留级 or the year-end 升级."""
    current = student.school_class
    if current and current.grade != to_class.grade:
        raise ValidationError(
            f"调班不改变年级：{to_class.name}是{to_class.get_grade_display()}，"
            f"{student.name}在{current.get_grade_display()}。"
            "转入低年级请办理留级；升入高年级请在学年末办理升级。"
        )


def _move_class(student, to_class, kind, date, reason):
    before, old_class = changelog.snapshot(student), student.school_class
    student.school_class = to_class
    student.save()
    changelog.log_update(student, before)
    _record(student, kind, date, reason, from_school=student.school, to_school=student.school,
            from_class=old_class, to_class=to_class, from_status=student.status, to_status=student.status)  # fmt: skip
    _place(student, to_class)
    return student


@transaction.atomic
def repeat_grade(student: Student, to_class: SchoolClass, date=None, reason: str = "") -> Student:
    """留级: into a class of the same school and the same or a lower grade."""
    student = _locked(student)
    _need_status(student, StudentStatus.STUDYING)
    _need_class_of(to_class, student.school)
    old = student.school_class
    if old is not None and to_class.grade > old.grade:
        raise ValidationError(
            f"留级后的年级（{to_class.get_grade_display()}）不能高于原年级（{old.get_grade_display()}）。"
        )
    return _move_class(student, to_class, Kind.REPEAT, date, reason)


def _set_status(student, new_status, kind, date, reason, to_class=False):
    before, old_status, old_class = changelog.snapshot(student), student.status, student.school_class
    student.status = new_status
    if to_class is not False:
        student.school_class = to_class
    student.save()
    changelog.log_update(student, before)
    _record(student, kind, date, reason, from_school=student.school, to_school=student.school,
            from_class=old_class, to_class=student.school_class, from_status=old_status, to_status=new_status)  # fmt: skip
    if to_class:
        _place(student, to_class)
    return student


@transaction.atomic
def suspend_student(student: Student, date=None, reason: str = "") -> Student:
    """休学. The student keeps the class link but no longer counts in its size (only 在读 do)."""
    student = _locked(student)
    _need_status(student, StudentStatus.STUDYING)
    return _set_status(student, StudentStatus.SUSPENDED, Kind.SUSPEND, date, reason)


@transaction.atomic
def resume_student(
    student: Student, date=None, reason: str = "", to_class: SchoolClass | None = None
) -> Student:
    """复学, into to_class (often the next year's class) or, without one, the class kept at 休学."""
    student = _locked(student)
    _need_status(student, StudentStatus.SUSPENDED)
    _need_class_of(to_class, student.school)
    return _set_status(student, StudentStatus.STUDYING, Kind.RESUME, date, reason, to_class or False)


@transaction.atomic
def register_death(student: Student, date=None, reason: str = "") -> Student:
    """死亡注销."""
    student = _locked(student)
    _need_status(student, StudentStatus.STUDYING, StudentStatus.SUSPENDED)
    return _set_status(student, StudentStatus.DECEASED, Kind.DECEASED, date, reason)


@transaction.atomic
def graduate_students(queryset, date=None, reason: str = "") -> int:
    """毕业, set-based: the 在读 students of queryset become 毕业 with one StatusChange each.
    A few statements per 1,000 students, not per student. Returns how many graduated."""
    date = date or _today()
    students = list(
        queryset.filter(status=StudentStatus.STUDYING)
        .select_related(None)
        .select_for_update(of=("self",))
        .only("pk", "name", "status", "school_id", "school_class_id")
        .order_by()
    )
    for start in range(0, len(students), BATCH):
        batch = students[start : start + BATCH]
        ids = [s.pk for s in batch]
        Student.objects.filter(pk__in=ids).update(status=StudentStatus.GRADUATED)
        changes = StatusChange.objects.bulk_create([
            StatusChange(student=s, kind=Kind.GRADUATE, date=date, reason=reason, from_school_id=s.school_id,
                         to_school_id=s.school_id, from_class_id=s.school_class_id, to_class_id=s.school_class_id,
                         from_status=StudentStatus.STUDYING, to_status=StudentStatus.GRADUATED)
            for s in batch
        ])  # fmt: skip
        if any(c.pk is None for c in changes):  # a database that does not return ids from bulk inserts
            changes = list(StatusChange.objects.filter(student_id__in=ids, kind=Kind.GRADUATE, date=date))
        records = [
            changelog.record(ChangeAction.UPDATE, s, before={"status": StudentStatus.STUDYING},
                             after={"status": StudentStatus.GRADUATED})
            for s in batch
        ] + [changelog.record(ChangeAction.CREATE, c, after=changelog.snapshot(c)) for c in changes]  # fmt: skip
        ChangeRecord.objects.bulk_create(records)
    return len(students)


# ---------------------------------------------------------------- a wanted placement (the API's PUT/PATCH)

KEEP = object()  # move_student: the student's class stays as it is


def _as_field(field, function, *args):
    """Call a service; a refusal without a field is keyed by `field` (what the caller asked to change)."""
    try:
        return function(*args)
    except ValidationError as e:
        if hasattr(e, "error_dict"):
            raise
        raise ValidationError({field: e.messages}) from e


@transaction.atomic
def move_student(
    student: Student, school: School | None = None, school_class=KEEP, status: str | None = None,
    date=None, reason: str = "",
) -> Student:
    """Put the student where the caller says, as the matching 学籍异动: another school is 转学 (with
    the class given, or none), another class of the school 调班, or 留级 when its grade is lower, no
    class only unlinks it (no StatusChange); then a status change (change_status). Refusals are keyed by
    school, school_class or status."""
    school = school or student.school
    school_class = student.school_class if school_class is KEEP else school_class
    status = status or student.status
    if school.pk != student.school_id:
        student = _as_field("school", transfer_student, student, school, school_class, date, reason)
    elif (school_class and school_class.pk) != student.school_class_id:
        old = student.school_class
        if school_class is None:
            before = changelog.snapshot(student)
            student.school_class = None
            student.save()
            changelog.log_update(student, before)
        elif old is not None and school_class.grade < old.grade:
            student = _as_field("school_class", repeat_grade, student, school_class, date, reason)
        else:
            student = _as_field("school_class", change_class, student, school_class, date, reason)
    if status != student.status:
        student = change_status(student, status, date, reason)
    return student


@transaction.atomic
def change_status(student: Student, status: str, date=None, reason: str = "") -> Student:
    """The student's 学籍状态 set to `status` through the matching 学籍异动 (休学, 复学, 死亡注销, 转往区外,
    毕业); another change of status is refused, keyed by status."""
    if status == StudentStatus.SUSPENDED:
        return _as_field("status", suspend_student, student, date, reason)
    if status == StudentStatus.STUDYING and student.status == StudentStatus.SUSPENDED:
        return _as_field("status", resume_student, student, date, reason)
    if status == StudentStatus.DECEASED:
        return _as_field("status", register_death, student, date, reason)
    if status == StudentStatus.TRANSFERRED:
        return _as_field("status", transfer_student, student, None, None, date, reason)
    if status == StudentStatus.GRADUATED and student.status == StudentStatus.STUDYING:
        graduate_students(Student.objects.filter(pk=student.pk), date, reason)
        return Student.objects.get(pk=student.pk)
    raise ValidationError(
        {"status": f"学籍状态不能从“{student.get_status_display()}”直接改为“{StudentStatus(status).label}”。"}
    )


# ---------------------------------------------------------------- guardians (监护人)

PHONE_RE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-\d{7,8}")


def normalise_phone(value: str) -> str:
    """No spaces, one kind of dash: “139 1234 5678” and “021－64123456” as stored."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).replace("—", "-")


@dataclass
class GuardianInput:
    """One guardian row as a form, the API or a script gives it. `id`: an existing guardian of the
    student (else matched by name and relation, else new); `delete`: remove that guardian."""

    name: str = ""
    relation: str = ""
    phone: str = ""
    id: int | None = None
    delete: bool = False


def check_phone(value: str, stored: str | None = None) -> tuple[str, str | None]:
    """A guardian's phone: (normalised, the refusal or None). The stored phone is not checked again:
    it may predate the rule."""
    phone = normalise_phone(value)
    if phone and phone != stored and not PHONE_RE.fullmatch(phone):
        return phone, (
            f"联系电话“{phone}”格式不正确：请填写 11 位手机号（如 13812345678）或带区号的固定电话（如 021-64123456）。"
        )
    return phone, None


def check_guardian(row: GuardianInput, stored_phone: str | None = None) -> dict[str, str]:
    """Field-keyed errors of one guardian row, which it normalises in place."""
    row.name, row.relation = row.name.strip(), row.relation.strip()
    row.phone, refused = check_phone(row.phone, stored_phone)
    errors = {"phone": refused} if refused else {}
    if not row.name:
        errors["name"] = "请填写监护人姓名。"
    if row.name and not row.relation:
        errors["relation"] = f"请填写{row.name}与学生的关系（如父亲、母亲）。"
    elif row.relation and row.relation not in GuardianRelation.values:
        errors["relation"] = f"“{row.relation}”不是有效的关系，应为：{'、'.join(GuardianRelation.values)}。"
    return errors


class GuardianErrors(ValidationError):
    """Refused guardian rows: `rows` maps a row's index to its field-keyed errors."""

    def __init__(self, rows: dict[int, dict[str, str]]):
        self.rows = rows
        super().__init__(
            {"guardians": [f"第 {i + 1} 位监护人：{m}" for i, errors in rows.items() for m in errors.values()]}
        )


@transaction.atomic
def save_guardians(student: Student, rows: list[GuardianInput], *, replace: bool) -> None:
    """Create, update and delete the student's guardians, each logged. A row with an id is that
    guardian; one without is the guardian of the same name and relation not named by another row, or a
    new one. Unchanged guardians are left alone, so the same rows twice change nothing. A phone sent back
    masked (139****5678) keeps the stored number. replace=True: the rows are all the student's
    guardians, and the ones not among them are deleted (the API's list); False: the others stay (the
    page's rows, where a deletion is a row marked `delete`)."""
    left = {g.pk: g for g in student.guardians.all()}
    matched = {}
    for i, row in enumerate(rows):
        if row.id:
            matched[i] = left.pop(row.id, None)
            if matched[i] is None:
                raise ValidationError({"guardians": f"监护人 id {row.id} 不是该学生的监护人。"})
    for i, row in enumerate(rows):
        if not row.id and not row.delete:
            key = (row.name.strip(), row.relation.strip())
            matched[i] = next((g for g in left.values() if (g.name, g.relation) == key), None)
            if matched[i] is not None:
                del left[matched[i].pk]
    errors = {}
    for i, row in enumerate(rows):
        guardian = matched.get(i)
        if row.delete:
            continue
        if guardian is not None and guardian.phone and row.phone == mask(guardian.phone, "phone"):
            row.phone = guardian.phone  # the masked value read back: keep the number
        found = check_guardian(row, guardian.phone if guardian else None)
        if found:
            errors[i] = found
    if errors:
        raise GuardianErrors(errors)
    for i, row in enumerate(rows):
        guardian = matched.get(i)
        if row.delete:
            if guardian is not None:
                changelog.delete(guardian)
        elif guardian is None:
            guardian = Guardian(student=student, name=row.name, relation=row.relation, phone=row.phone)
            guardian.save()
            changelog.log_create(guardian)
        else:
            before = changelog.snapshot(guardian)
            guardian.name, guardian.relation, guardian.phone = row.name, row.relation, row.phone
            if changelog.snapshot(guardian) != before:
                guardian.save()
                changelog.log_update(guardian, before)
    if replace:
        for guardian in left.values():
            changelog.delete(guardian)


# ---------------------------------------------------------------- duplicates

_DOTS = str.maketrans({c: "·" for c in "•・．.。‧∙⋅"})


def normalise_name(name: str) -> str:
    """NFKC, no spaces, one kind of middle dot: 阿依·古丽 and 阿依 • 古丽 compare equal."""
    return "".join(unicodedata.normalize("NFKC", name or "").split()).translate(_DOTS)


def normalise_id(number: str) -> str:
    """Upper case, no spaces; a 15-digit old ID number as its 18-digit form."""
    text = "".join(unicodedata.normalize("NFKC", number or "").split()).upper()
    if len(text) == 15 and text.isascii() and text.isdigit():
        return idcodes.id_from_15(text)
    return text


@dataclass
class DuplicateGroup:
    reason: str
    ids: list
    members: list = field(default_factory=list)  # the objects, once loaded


_NAME_NOISE = " \u3000•・．.。‧∙⋅"  # spaces and middle dots other than the standard “·”
_FIELDS = ("pk", "name", "birth_date", "gender", "id_number")


def _in_chunks(queryset, field, values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field}__in": values[start : start + size]}).values_list(*_FIELDS)


def _candidates(qs) -> set:
    """Rows that may have a twin, found by the database (the indexes on name + birth date +
    gender and on the ID number answer these), so the district's 160k rows are never all loaded."""
    model = qs.model
    twin = model.objects.filter(
        name=OuterRef("name"), birth_date=OuterRef("birth_date"), gender=OuterRef("gender")
    )
    rows = set(qs.filter(Exists(twin.exclude(pk=OuterRef("pk")))).values_list(*_FIELDS))
    # A name typed with spaces or another kind of dot, and the rows it may equal once normalised.
    noise = Q()
    for char in _NAME_NOISE:
        noise |= Q(name__contains=char)
    noisy = set(qs.filter(noise).values_list(*_FIELDS))
    rows |= noisy | set(_in_chunks(qs, "name", {normalise_name(r[1]) for r in noisy}))
    # One ID number under several id types, and old 15-digit numbers with their 18-digit form.
    shared = (
        qs.exclude(id_number="")
        .values("id_number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("id_number")
    )
    rows |= set(qs.filter(id_number__in=Subquery(shared)).values_list(*_FIELDS))
    old = set(qs.annotate(length=Length("id_number")).filter(length=15).values_list(*_FIELDS))
    rows |= old | set(_in_chunks(qs, "id_number", {normalise_id(r[4]) for r in old}))
    return rows


def duplicate_id_groups(queryset) -> list[DuplicateGroup]:
    """Groups of ids of rows (students or staff) that are probably one person, without loading
    the rows themselves."""
    by_person, by_id = defaultdict(set), defaultdict(set)
    for pk, name, birth, gender, number in _candidates(queryset.order_by()):
        by_person[(normalise_name(name), birth, gender)].add(pk)
        if number:
            by_id[normalise_id(number)].add(pk)
    found = {}  # frozenset of ids -> reasons
    for reason, groups in (("证件号码相同", by_id), ("姓名、出生日期、性别相同", by_person)):
        for ids in groups.values():
            if len(ids) > 1:
                found.setdefault(frozenset(ids), []).append(reason)
    return sorted(
        (DuplicateGroup("；".join(reasons), sorted(ids)) for ids, reasons in found.items()),
        key=lambda g: g.ids,
    )


def load_members(groups, model, related=()):
    """Fill in the members of `groups` (one query for all of them)."""
    objects = model.objects.select_related(*related).in_bulk({pk for g in groups for pk in g.ids})
    for group in groups:
        group.members = [objects[pk] for pk in group.ids if pk in objects]
    return groups


STUDENT_RELATED, STAFF_RELATED = ("school", "school_class"), ("school",)


def find_duplicate_students(queryset=None) -> list[DuplicateGroup]:
    """Groups of students that are probably one person: the same ID number (across id types,
    15 vs 18 digits), or the same normalised name, birth date and gender."""
    groups = duplicate_id_groups(Student.objects.all() if queryset is None else queryset)
    return load_members(groups, Student, STUDENT_RELATED)


def find_duplicate_staff(queryset=None) -> list[DuplicateGroup]:
    groups = duplicate_id_groups(Staff.objects.all() if queryset is None else queryset)
    return load_members(groups, Staff, STAFF_RELATED)


# ---------------------------------------------------------------- merges


def _move(rows, **values):
    for row in rows:
        before = changelog.snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        changelog.log_update(row, before)


def _drop(row):
    changelog.log_delete(row)
    row.delete()


def _fill_blanks(keep, remove, names):
    for name in names:
        if not getattr(keep, name) and getattr(remove, name):
            setattr(keep, name, getattr(remove, name))


def _merge(keep, remove, move_related, blanks):
    if keep.pk == remove.pk:
        raise ValidationError("不能把一条记录与它自己合并。")
    keep = type(keep).objects.select_for_update().get(pk=keep.pk)
    remove = type(remove).objects.select_for_update().get(pk=remove.pk)
    before_keep, before_remove = changelog.snapshot(keep), changelog.snapshot(remove)
    move_related(keep, remove)
    # The duplicate goes first: its ID number or 学籍号 may move to keep (unique constraints).
    ChangeRecord.objects.bulk_create([changelog.record(
        ChangeAction.DELETE, remove, before=before_remove, after={"merged_into": keep.pk, "merged_into_repr": str(keep)}
    )])  # fmt: skip
    removed_pk, removed_repr = remove.pk, str(remove)
    remove.delete()  # sets remove.pk to None
    if keep.id_type == IdType.NONE and remove.id_number:
        keep.id_type, keep.id_number = remove.id_type, remove.id_number
        if hasattr(keep, "no_id_reason"):
            keep.no_id_reason = ""
    elif not keep.id_number and remove.id_type == keep.id_type:
        keep.id_number = remove.id_number
    _fill_blanks(keep, remove, blanks)
    keep.full_clean()
    keep.save()
    old, new = changelog.diff(before_keep, changelog.snapshot(keep))
    ChangeRecord.objects.bulk_create([changelog.record(
        ChangeAction.UPDATE, keep, before=old, after={**new, "merged_from": removed_pk, "merged_from_repr": removed_repr}
    )])  # fmt: skip
    return keep


def _move_student_rows(keep, remove):
    kept_guardians = {(normalise_name(g.name), g.phone) for g in keep.guardians.all()}
    for guardian in Guardian.objects.filter(student=remove):
        if (normalise_name(guardian.name), guardian.phone) in kept_guardians:
            _drop(guardian)  # the same guardian recorded twice
        else:
            _move([guardian], student=keep)
    kept_years = set(keep.enrollments.values_list("school_year_id", flat=True))
    for enrollment in Enrollment.objects.filter(student=remove):
        if enrollment.school_year_id in kept_years:
            _drop(enrollment)  # keep's own placement for that year wins
        else:
            _move([enrollment], student=keep)
    _move(StatusChange.objects.filter(student=remove), student=keep)


@transaction.atomic
def merge_students(keep: Student, remove: Student) -> Student:
    """Merge a duplicate student into keep: guardians, enrollments and status changes move to keep,
    keep's blank fields are filled from the duplicate, the duplicate is deleted; both sides logged."""
    blanks = ("student_no", "ethnicity", "hukou_region", "hukou_type", "address", "enrolled_on")
    return _merge(keep, remove, _move_student_rows, blanks)


def _move_staff_rows(keep, remove):
    _move(Posting.objects.filter(staff=remove), staff=keep)
    _move(SchoolClass.objects.filter(head_teacher=remove).select_related("school"), head_teacher=keep)


@transaction.atomic
def merge_staff(keep: Staff, remove: Staff) -> Staff:
    """Merge a duplicate staff record into keep: postings and 班主任 posts move to keep; honours
    are united; blanks filled from the duplicate; the duplicate deleted; both sides logged."""
    keep_honours = keep.honour_list
    honours = keep_honours + [h for h in Staff.objects.get(pk=remove.pk).honour_list if h not in keep_honours]

    def move(k, r):
        _move_staff_rows(k, r)
        k.honours = "、".join(honours)

    return _merge(keep, remove, move, ("subjects", "phone", "hire_date"))
