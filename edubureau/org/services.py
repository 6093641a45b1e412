"""The rules of the unit tree: a school's history (open, merge, split, move, rename, close) and the
members of 学区 and 教育集团.

Every function checks first and refuses with a Chinese ValidationError that says what to fix, then
writes inside one transaction and logs every row it touches through core.changelog, so the web
page, the CLI and any later caller leave the same trail.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from edubureau.core import changelog
from edubureau.core.models import ChangeAction
from edubureau.core.scope import VIEW, scope_of

from .models import EduGroup, School, SchoolEvent, SchoolStatus, Zone

ENDED = (SchoolStatus.MERGED, SchoolStatus.CLOSED)

# org sits below people in the layers, so it counts people's rows through the reverse relations
# people declares on School (classes / students / staff) instead of importing people's models.
OPEN_STUDENT_STATUSES = ("在读", "休学")
OPEN_STAFF_STATUSES = ("在职",)


@dataclass
class Outcome:
    """What a history change did, and what it left for the caller to decide."""

    event: SchoolEvent
    schools: list = field(default_factory=list)  # schools created (split, open)
    open_students: int = 0  # students still on the roll of the schools that ended
    open_staff: int = 0  # staff still employed by them

    def leftover_message(self) -> str:
        if not (self.open_students or self.open_staff):
            return ""
        return (
            f"停办学校仍有在籍学生 {self.open_students} 人、在职教职工 {self.open_staff} 人，"
            "系统未自动转移，请在师生库办理转学与调动。"
        )


def open_people(schools) -> tuple[int, int]:
    """Students on the roll and staff in post of these schools (not moved by any history change)."""
    students = staff = 0
    for school in schools:
        if hasattr(school, "students"):
            students += school.students.filter(status__in=OPEN_STUDENT_STATUSES).count()
        if hasattr(school, "staff"):
            staff += school.staff.filter(status__in=OPEN_STAFF_STATUSES).count()
    return students, staff


def people_counts(school: School, user) -> dict[str, int]:
    """This year's classes, students on the roll and staff in post, for the modules `user` may see."""
    scope = scope_of(user)
    counts = {}
    if scope.allows("classes", VIEW) and hasattr(school, "classes"):
        counts["classes"] = school.classes.for_user(user).filter(school_year__is_current=True).count()
    if scope.allows("students", VIEW) and hasattr(school, "students"):
        counts["students"] = school.students.for_user(user).filter(status__in=OPEN_STUDENT_STATUSES).count()
    if scope.allows("staff", VIEW) and hasattr(school, "staff"):
        counts["staff"] = school.staff.for_user(user).filter(status__in=OPEN_STAFF_STATUSES).count()
    return counts


# ---------------------------------------------------------------- checks


def _label(school: School) -> str:
    return f"“{school.name}”（{school.code}）"


def _lock(*schools: School) -> None:
    """Lock the rows and re-read them, so that two merges cannot both see a school as open."""
    pks = sorted({s.pk for s in schools if s.pk})
    list(School.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))
    for school in schools:
        if school.pk:
            school.refresh_from_db()


def _require_open(school: School, doing: str) -> None:
    if school.status in ENDED:
        when = f"（{school.closed_on}）" if school.closed_on else ""
        raise ValidationError(f"{_label(school)}的状态是“{school.get_status_display()}”{when}，不能{doing}。")


def _require_date(school: School, date: datetime.date, what: str) -> None:
    if not isinstance(date, datetime.date):
        raise ValidationError(f"{what}日期无效，请按 YYYY-MM-DD 填写。")
    if school.opened_on and date < school.opened_on:
        raise ValidationError(
            f"{what}日期 {date} 早于{_label(school)}的开办日期 {school.opened_on}，请检查日期。"
        )


def _full_clean_message(error: ValidationError) -> str:
    """'学校标识码：…；学校名称：…' from a model's full_clean error."""
    if not hasattr(error, "error_dict"):
        return "；".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        try:
            label = School._meta.get_field(name).verbose_name
        except Exception:  # NON_FIELD_ERRORS and the like
            label = ""
        text = "；".join(messages)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


def _log_event(event: SchoolEvent, sources, results) -> None:
    """The event row with its schools: the m2m links are not in a plain snapshot."""
    after = changelog.snapshot(event)
    after["sources"] = [s.code for s in sources]
    after["results"] = [s.code for s in results]
    changelog.record(ChangeAction.CREATE, event, after=after).save()


def _event(kind, date, description, sources, results) -> SchoolEvent:
    event = SchoolEvent.objects.create(kind=kind, date=date, description=description)
    event.sources.set(sources)
    event.results.set(results)
    _log_event(event, sources, results)
    return event


def _end(school: School, status: str, date: datetime.date, successor: School | None) -> None:
    before = changelog.snapshot(school)
    school.status = status
    school.closed_on = date
    school.successor = successor
    changelog.update(school, before)


# ---------------------------------------------------------------- history


def merge_schools(sources: list[School], into: School, date: datetime.date, description: str = "") -> Outcome:
    """Merge `sources` into `into`: they become 已合并 on `date` with `into` as successor.

    Their students and staff stay where they are; the outcome counts them so the caller can
    arrange transfers (a merge on paper often precedes the move of the pupils by a term).
    """
    sources = list(sources)
    if not sources:
        raise ValidationError("请至少选择一所被合并的学校。")
    if any(s.pk == into.pk for s in sources):
        raise ValidationError(f"不能把{_label(into)}合并到它自身，请选择另一所学校作为合并后的学校。")
    if len({s.pk for s in sources}) != len(sources):
        raise ValidationError("被合并的学校有重复，请每所学校只选一次。")
    with transaction.atomic():
        _lock(into, *sources)
        if into.status in ENDED:
            today = into.final_successor
            hint = (
                f"它的现存继承学校是{_label(today)}。"
                if today.pk != into.pk and today.status not in ENDED
                else ""
            )
            raise ValidationError(
                f"不能并入{_label(into)}：该校的状态是“{into.get_status_display()}”，请选择办学中的学校。{hint}"
            )
        _require_date(into, date, "合并")
        for school in sources:
            _require_open(school, "再次合并")
            _require_date(school, date, "合并")
        for school in sources:
            _end(school, SchoolStatus.MERGED, date, into)
        names = "、".join(s.name for s in sources)
        event = _event(
            SchoolEvent.Kind.MERGED, date, description or f"{names}并入{into.name}", sources, [into]
        )
        students, staff = open_people(sources)
    return Outcome(event, open_students=students, open_staff=staff)


SPLIT_FIELDS = {f.name for f in School._meta.concrete_fields} - {
    "id",
    "district",
    "status",
    "opened_on",
    "closed_on",
    "successor",
}


def split_school(
    source: School,
    new_schools_data: list[dict],
    date: datetime.date,
    *,
    close_source: bool = True,
    description: str = "",
) -> Outcome:
    """Create the schools of `new_schools_data` (dicts of School fields: code, name, stage, ...)
    out of `source`; the source closes on `date` (close_source) or carries on."""
    if not new_schools_data:
        raise ValidationError("请至少填写一所分立出的新学校。")
    with transaction.atomic():
        _lock(source)
        _require_open(source, "分立")
        _require_date(source, date, "分立")
        created = []
        for number, data in enumerate(new_schools_data, start=1):
            unknown = sorted(set(data) - SPLIT_FIELDS)
            if unknown:
                raise ValidationError(f"第 {number} 所新学校：不认识的字段 {'、'.join(unknown)}。")
            values = {"stage": source.stage, "nature": source.nature, **data}
            school = School(district=source.district, status=SchoolStatus.OPEN, opened_on=date, **values)
            try:
                changelog.create(school)
            except ValidationError as e:
                name = data.get("name") or data.get("code") or ""
                raise ValidationError(f"第 {number} 所新学校（{name}）：{_full_clean_message(e)}") from e
            created.append(school)
        if close_source:
            # one successor is only meaningful when the school went on as exactly one new school
            _end(source, SchoolStatus.CLOSED, date, created[0] if len(created) == 1 else None)
        results = created if close_source else [source, *created]
        names = "、".join(s.name for s in results)
        event = _event(
            SchoolEvent.Kind.SPLIT, date, description or f"{source.name}分立为{names}", [source], results
        )
        students, staff = open_people([source]) if close_source else (0, 0)
    return Outcome(event, schools=created, open_students=students, open_staff=staff)


def move_school(school: School, new_address: str, date: datetime.date, description: str = "") -> SchoolEvent:
    """迁址: the school's address changes on `date`."""
    new_address = (new_address or "").strip()
    if not new_address:
        raise ValidationError("请填写新地址。")
    with transaction.atomic():
        _lock(school)
        _require_open(school, "迁址")
        _require_date(school, date, "迁址")
        if new_address == school.address:
            raise ValidationError("新地址与现地址相同，无需迁址。")
        old = school.address or "（未登记地址）"
        before = changelog.snapshot(school)
        school.address = new_address
        try:
            changelog.update(school, before)
        except ValidationError as e:
            raise ValidationError(_full_clean_message(e)) from e
        return _event(
            SchoolEvent.Kind.MOVED, date, description or f"由{old}迁至{new_address}", [school], [school]
        )


def rename_school(
    school: School,
    new_name: str,
    date: datetime.date,
    *,
    short_name: str | None = None,
    description: str = "",
) -> SchoolEvent:
    """更名: the school takes `new_name` (and, if given, a new short name) on `date`."""
    new_name = (new_name or "").strip()
    if not new_name:
        raise ValidationError("请填写新校名。")
    with transaction.atomic():
        _lock(school)
        _require_open(school, "更名")
        _require_date(school, date, "更名")
        if new_name == school.name and (short_name is None or short_name.strip() == school.short_name):
            raise ValidationError("新校名与现校名相同，无需更名。")
        old = school.name
        before = changelog.snapshot(school)
        school.name = new_name
        if short_name is not None:
            school.short_name = short_name.strip()
        try:
            changelog.update(school, before)
        except ValidationError as e:
            raise ValidationError(_full_clean_message(e)) from e
        return _event(
            SchoolEvent.Kind.RENAMED, date, description or f"{old}更名为{new_name}", [school], [school]
        )


def close_school(
    school: School, date: datetime.date, successor: School | None = None, description: str = ""
) -> Outcome:
    """撤销: the school closes on `date`; `successor` (optional) takes over its pupils and assets."""
    if successor is not None and successor.pk == school.pk:
        raise ValidationError(f"{_label(school)}不能作为自己的继承学校。")
    with transaction.atomic():
        _lock(school, *([successor] if successor else []))
        _require_open(school, "撤销")
        _require_date(school, date, "撤销")
        if successor is not None and successor.status in ENDED:
            raise ValidationError(
                f"继承学校{_label(successor)}的状态是“{successor.get_status_display()}”，请选择办学中的学校。"
            )
        _end(school, SchoolStatus.CLOSED, date, successor)
        text = description or (
            f"{school.name}撤销，由{successor.name}承接" if successor else f"{school.name}撤销"
        )
        event = _event(SchoolEvent.Kind.CLOSED, date, text, [school], [successor] if successor else [])
        students, staff = open_people([school])
    return Outcome(event, open_students=students, open_staff=staff)


def open_school(school: School, date: datetime.date, description: str = "") -> Outcome:
    """新建: open a new school (unsaved, with district, code, name, stage) or a 筹建 one on `date`."""
    with transaction.atomic():
        school.opened_on = date
        if school.pk is None:
            school.status = SchoolStatus.OPEN
            try:
                changelog.create(school)
            except ValidationError as e:
                raise ValidationError(_full_clean_message(e)) from e
        else:
            _lock(school)
            if school.status != SchoolStatus.PLANNED:
                raise ValidationError(
                    f"{_label(school)}的状态是“{school.get_status_display()}”，只有筹建中的学校可以开办；"
                    "已撤销或已合并的学校请新建一所学校。"
                )
            before = changelog.snapshot(school)
            school.status = SchoolStatus.OPEN
            school.opened_on = date
            changelog.update(school, before)
        event = _event(SchoolEvent.Kind.OPENED, date, description or f"{school.name}开办", [], [school])
    return Outcome(event, schools=[school])


# ---------------------------------------------------------------- 学区 and 教育集团


def set_members(unit: Zone | EduGroup, schools) -> tuple[int, int]:
    """Make `schools` exactly the members of the zone or group; returns (added, removed).

    A school belongs to one zone and one group, so adding it here takes it out of its old one.
    """
    attr = "zone" if isinstance(unit, Zone) else "group"
    wanted = {s.pk for s in schools}
    with transaction.atomic():
        leaving = list(School.objects.filter(**{attr: unit}).exclude(pk__in=wanted))
        joining = list(School.objects.filter(pk__in=wanted).exclude(**{f"{attr}_id": unit.pk}))
        for school in leaving + joining:
            before = changelog.snapshot(school)
            setattr(school, attr, unit if school.pk in wanted else None)
            school.save(update_fields=[attr])
            changelog.log_update(school, before)
        if isinstance(unit, EduGroup) and unit.lead_school_id and unit.lead_school_id not in wanted:
            before = changelog.snapshot(unit)
            unit.lead_school = None
            unit.save(update_fields=["lead_school"])
            changelog.log_update(unit, before)
    return len(joining), len(leaving)
