"""The rules of the daily health report: submission, versions, rollups, follow-up, alerts.

The page, the API, the JSONL loader and the demo all submit through `submit_class_report`, so a
report is checked the same way wherever it comes from. A submission is one transaction that
first locks the school's row: the submissions of one school are serialised (so the school's
rollup and its alerts are computed from a consistent state and a cluster can never get two
alerts), while schools proceed in parallel.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.signals import post_migrate
from django.utils import timezone

from edubureau.accounts.roles import Role
from edubureau.core import caching, changelog
from edubureau.core.scope import ADD, CHANGE, scope_of
from edubureau.notifications.services import later
from edubureau.org.models import School, SchoolStatus
from edubureau.people.calendar import is_school_day, school_days
from edubureau.people.models import (
    CalendarDay,
    SchoolClass,
    SchoolYear,
    Staff,
    Student,
    StudentStatus,
    Term,
    grade_label,
)

from . import aberration, notices, rules
from . import symptoms as sym
from .models import (
    ALERT_TRANSITIONS,
    Alert,
    AlertEvent,
    AlertStatus,
    ClassReport,
    ClassReportVersion,
    ClusterRule,
    ReportingSettings,
    SchoolDayRollup,
    Session,
    SickCase,
    Source,
    StaffHealthReport,
    StaffSickCase,
)

MAX_COUNT = 2000  # no class or school day has more pupils than this: a larger number is a typo
ONSET_MAX_DAYS = 60  # an onset further back is a typo, not an illness still keeping the pupil home
STATISTICAL_RULE = "EARS"


class ReportError(ValidationError):
    """A refused report: `errors` lists every problem as (field, message), the field a path of the
    input ("present", "cases.0.onset"; "" for the report as a whole); `messages` the messages alone,
    each naming the field and the value."""

    def __init__(self, errors: list):
        self.errors = [e if isinstance(e, tuple) else ("", e) for e in errors]
        super().__init__([message for _key, message in self.errors])


class OutOfScope(ReportError):
    """The user may not report for this school (API: 403)."""


@dataclass
class Submission:
    report: ClassReport | StaffHealthReport
    status: str  # "created" | "replaced" | "unchanged"
    alerts: list[Alert] = field(default_factory=list)


# ---------------------------------------------------------------- the input of a report and its one validator
#
# Every write of a report goes through one input type and one validator. The page builds the input
# from its form (the class object, people by registry id), the API and `health load` from the JSON
# shape (`from_json`: 学校标识码, 年级, 班号, people by ID number or registry id). The fields hold the
# values as the surface received them (a date or "YYYY-MM-DD", 12 or "12"): the validator checks
# types, ranges and consistency, resolves the class and the people set-wise, and words each error
# once, keyed to its field. `metadata["api"]` describes a field's JSON form; the API builds its
# schema serializers from it (health/api/serializers.py), so the field list is written here only.


def _api(kind: str, help_text: str, *, required: bool = False, key: str | None = None, default=None):
    """An input field with its JSON form: `kind` (text, integer, date, boolean, registry_id, session,
    symptoms, diagnosis, cases), the API schema's help text, required there, and its JSON key if not
    the field's name ("{who}": student or staff; help texts may say {noun}, {registry}, {among})."""
    return field(default=default, metadata={"api": (key, kind, help_text, required)})


@functools.cache
def json_fields(input_type, who: str) -> tuple[tuple[str, str, str, str, bool], ...]:
    """(field name, JSON key, kind, help text, required) of an input type's JSON form."""
    found = []
    for f in fields(input_type):
        if "api" in f.metadata:
            key, kind, help_text, required = f.metadata["api"]
            noun, registry, among = _PEOPLE[who]
            help_text = help_text.format(noun=noun, registry=registry, among=among)
            found.append((f.name, (key or f.name).format(who=who), kind, help_text, required))
    return tuple(found)


def _from_json(input_type, data: dict, who: str) -> dict:
    return {name: data[key] for name, key, *_rest in json_fields(input_type, who) if key in data}


@dataclass
class CaseInput:
    """One person absent for illness: a pupil (class report) or staff member (staff report), named by
    registry id (`person`: the page's choice, the JSON's "student"/"staff") or by ID number (`id_no`:
    "student_id_no"/"staff_id_no"; it wins when both are given)."""

    person: object = _api(
        "registry_id", "{registry}（{noun}的记录编号）；没有证件号码的{noun}用它指明", key="{who}"
    )
    id_no: object = _api("text", "证件号码（身份证号等）；须为{among}", key="{who}_id_no")
    symptoms: object = _api("symptoms", "症状，可多选；“其他”的文字写在 other_symptoms", required=True)
    other_symptoms: object = _api("text", "其他症状（文字，不超过 100 字）", default="")
    onset: object = _api("date", "发病日期，不晚于日报日期", required=True)
    seen_doctor: object = _api("boolean", "是否就诊", default=False)
    diagnosis: object = _api("diagnosis", "诊断（学校传染病诊断表），可空", default="")
    expected_return: object = _api("date", "预计返校（返岗）日期，不早于发病日期")

    @classmethod
    def from_json(cls, raw, who: str):
        """A case of the JSON shape; anything but an object stays as it is (the validator refuses it).
        "#<id>" in the ID number field, accepted before the registry id had its own key, is one."""
        if not isinstance(raw, dict):
            return raw
        case = cls(**_from_json(cls, raw, who))
        if isinstance(case.id_no, str) and case.id_no.strip().startswith("#"):
            case.person, case.id_no = case.id_no.strip()[1:], None
        return case


class _ReportInput:
    who: ClassVar[str]  # whom its cases name: student or staff
    not_an_object: ClassVar[str]  # the answer to a JSON body that is no object

    @classmethod
    def from_json(cls, data):
        """The API's and the JSONL loader's shape (docs/health.md); other keys are ignored."""
        if not isinstance(data, dict):
            raise ReportError([cls.not_an_object])
        report = cls(**_from_json(cls, data, cls.who))
        if isinstance(report.cases, list):
            report.cases = [CaseInput.from_json(raw, cls.who) for raw in report.cases]
        return report


@dataclass
class ClassReportInput(_ReportInput):
    """A class's report of one check of one day: the class as an object (`school_class`, the page)
    or by natural key (school code, grade, class_no: the JSON shape)."""

    who: ClassVar[str] = "student"
    not_an_object: ClassVar[str] = "日报应为一个 JSON 对象。"
    school_class: SchoolClass | None = None
    school: object = _api("text", "学校标识码", required=True)
    grade: object = _api("integer", "年级：1–12 为一年级…高三，-3…0 为托班…大班", required=True)
    class_no: object = _api("integer", "班号", required=True)
    date: object = _api("date", "上课日，不晚于今天", required=True)
    session: object = _api("session", "晨检（默认）或午检")
    expected: object = _api("integer", "应到", required=True)
    present: object = _api("integer", "实到，不大于应到", required=True)
    sick: object = _api("integer", "因病缺课；等于 cases 的条数", required=True)
    personal: object = _api("integer", "因事缺课；因病 + 因事 不超过 应到 − 实到", required=True)
    cases: object = _api("cases", "每名因病缺课学生一条；无缺课为零报告（空列表）", default=())


@dataclass
class StaffReportInput(_ReportInput):
    """A school's staff report of one day: the school as an object (the page) or by code (JSON)."""

    who: ClassVar[str] = "staff"
    not_an_object: ClassVar[str] = "教职工日报应为一个 JSON 对象。"
    school: object = _api("text", "学校标识码", required=True)
    date: object = _api("date", "上课日，不晚于今天", required=True)
    staff_total: object = _api("integer", "教职工总数", required=True)
    on_duty: object = _api("integer", "在岗", required=True)
    sick: object = _api("integer", "因病缺勤；等于 cases 的条数", required=True)
    personal: object = _api("integer", "因事缺勤")
    cases: object = _api("cases", "每名因病缺勤教职工一条", default=())


class _Errors(list):
    """The problems found, in order, as (field, message): the field is the input's ("present",
    "cases.0.onset"), "" for the report as a whole."""

    def add(self, key: str, message: str) -> None:
        self.append((key, message))

    def check(self, condition, key: str, message: str):
        if not condition:
            self.append((key, message))
        return condition


def _date(value, key: str, label: str, errors: _Errors) -> datetime.date | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.add(key, f"{label}“{_show(value)}”不是有效日期，请按 YYYY-MM-DD 填写。")
    return None


def _digits(value, most: int) -> bool:
    """Is `value` a text of at most `most` ASCII digits (a number typed into a form)?"""
    return (
        isinstance(value, str)
        and 0 < len(value.strip()) <= most
        and value.strip().isascii()
        and value.strip().isdigit()
    )


def _count(value, key: str, label: str, errors: _Errors, required=True) -> int | None:
    if value is None and not required:
        return None
    if _digits(value, 4):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        errors.add(key, f"{label}“{_show(value)}”无效：请填写 0–{MAX_COUNT} 的整数。")
        return None
    return value


def _show(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _symptoms(value, key: str, where: str, errors: _Errors) -> tuple[int, str]:
    if value is None:
        return 0, ""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.add(key, f'{where}症状应为症状名称的列表，如 ["发热", "咳嗽"]。')
        return 0, ""
    other = ""
    names = []
    for name in (v.strip() for v in value):
        # "其他：流鼻血" carries the free text of 其他 in the list itself.
        if name.startswith("其他") and len(name) > 2 and name[2] in ":：（(":
            other = name[3:].rstrip("）)").strip()
            name = "其他"
        names.append(name)
    bad = sym.unknown(names)
    if bad:
        errors.add(key, f"{where}症状“{'、'.join(bad)}”不在症状表中（可选：{'、'.join(sym.SYMPTOMS)}）。")
        return 0, ""
    return sym.to_mask(names), other


# Who a case names: the person, the name of their registry id, whom a report may name
_PEOPLE = {"student": ("学生", "学生编号", "该班在读学生"), "staff": ("教职工", "教职工编号", "该校教职工")}
MAX_ID = 2**63 - 1  # the largest id a row can have (BigAutoField); larger ones overflow


def _registry_id(value) -> int | None:
    if _digits(value, 19):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID:
        return value
    return None


@dataclass
class ValidCase:
    """A checked case: the person as named (registry id or ID number) until resolved."""

    index: int  # its position in the input's cases
    person: int | None
    id_no: str
    symptoms: int
    other_symptoms: str
    onset: datetime.date
    seen_doctor: bool
    diagnosis: str
    expected_return: datetime.date | None

    @property
    def ref(self) -> tuple[str, int | str]:
        return ("pk", self.person) if self.person is not None else ("id", self.id_no)

    @property
    def ref_key(self) -> str:
        return f"cases.{self.index}.{'person' if self.person is not None else 'id_no'}"

    def named(self, who: str) -> str:
        return f"{_PEOPLE[who][1]} {self.person}" if self.person is not None else f"证件号 {self.id_no}"

    def content(self, key: str, pk: int) -> dict:
        """The case in the JSON shape, its person as `key`: `pk` (a content hash) or an ID number."""
        return {
            key: pk, "symptoms": sym.to_names(self.symptoms), "other_symptoms": self.other_symptoms,
            "onset": self.onset.isoformat(), "seen_doctor": self.seen_doctor, "diagnosis": self.diagnosis,
            "expected_return": self.expected_return.isoformat() if self.expected_return else None,
        }  # fmt: skip


def _check_case(raw, index: int, day: datetime.date | None, errors: _Errors, who: str) -> ValidCase | None:
    key, where = f"cases.{index}", f"第 {index + 1} 条病例"
    noun, registry, _among = _PEOPLE[who]
    if not isinstance(raw, CaseInput):
        errors.add(key, f"{where}应为一个对象（含 {who}_id_no 或 {who}、symptoms、onset 等）。")
        return None
    person, id_no = None, ""
    if raw.id_no not in (None, ""):
        if (
            not isinstance(raw.id_no, str)
            or not raw.id_no.strip()
            or len(raw.id_no) > 20
            or "\x00" in raw.id_no
        ):
            errors.add(f"{key}.id_no", f"{where}：证件号码“{_show(raw.id_no)}”无效。")
            return None
        id_no = raw.id_no.strip().upper()
    elif raw.person not in (None, ""):
        person = _registry_id(raw.person)
        if person is None:
            errors.add(
                f"{key}.person", f"{where}：{registry}“{_show(raw.person)}”无效，应为正整数。"
            )
            return None
    else:
        errors.add(f"{key}.person", f"{where}：请指明{noun}（证件号码或{registry}）。")
        return None
    where = f"{where}（{f'{registry} {person}' if person is not None else f'证件号 {id_no}'}）"
    before = len(errors)
    mask, other = _symptoms(raw.symptoms, f"{key}.symptoms", f"{where}：", errors)
    other_text = raw.other_symptoms or other
    if not isinstance(other_text, str) or len(other_text) > 100:
        errors.add(f"{key}.other_symptoms", f"{where}：其他症状应为不超过 100 字的文字。")
        other_text = ""
    if other_text:
        mask |= sym.BIT["其他"]
    onset = _date(raw.onset, f"{key}.onset", f"{where}：发病日期", errors)
    if onset and day:
        errors.check(onset <= day, f"{key}.onset", f"{where}：发病日期 {onset} 晚于日报日期 {day}。")
        errors.check(
            (day - onset).days <= ONSET_MAX_DAYS,
            f"{key}.onset",
            f"{where}：发病日期 {onset} 早于日报日期 {ONSET_MAX_DAYS} 天以上。",
        )
    ret = raw.expected_return
    expected_return = None
    if ret not in (None, ""):
        expected_return = _date(
            ret, f"{key}.expected_return", f"{where}：预计返校日期", errors
        )
    if onset and expected_return:
        errors.check(
            expected_return >= onset,
            f"{key}.expected_return",
            f"{where}：预计返校日期 {expected_return} 早于发病日期 {onset}。",
        )
    seen = raw.seen_doctor
    errors.check(
        isinstance(seen, bool),
        f"{key}.seen_doctor",
        f"{where}：是否就诊应为 true 或 false，而不是“{_show(seen)}”。",
    )
    diagnosis = raw.diagnosis or ""
    if not isinstance(diagnosis, str) or diagnosis.strip() not in sym.DIAGNOSES + [""]:
        errors.add(
            f"{key}.diagnosis",
            f"{where}：诊断“{_show(diagnosis)}”不在学校传染病诊断表中（可选：{'、'.join(sym.DIAGNOSES)}）。",
        )
        diagnosis = ""
    if len(errors) > before:
        return None
    return ValidCase(
        index,
        person,
        id_no,
        mask,
        other_text.strip(),
        onset,
        seen is True,
        diagnosis.strip(),
        expected_return,
    )


def _check_cases(
    raw_cases, day, settings: ReportingSettings, errors: _Errors, who: str
) -> list[ValidCase] | None:
    """Each case checked, none named twice; None when `cases` is no list (or too long)."""
    raw_cases = raw_cases or []
    if not isinstance(raw_cases, list | tuple):
        errors.add("cases", "病例应为列表。")
        return None
    if len(raw_cases) > settings.max_cases_per_report:
        errors.add(
            "cases",
            f"病例有 {len(raw_cases)} 条，超过每份日报 {settings.max_cases_per_report} 条的上限。",
        )
        return None
    cases = [c for c in (_check_case(raw, i, day, errors, who) for i, raw in enumerate(raw_cases)) if c]
    seen: set[tuple] = set()
    for case in cases:
        errors.check(
            case.ref not in seen,
            case.ref_key,
            f"{_PEOPLE[who][0]}（{case.named(who)}）在本日报中登记了两次。",
        )
        seen.add(case.ref)
    return cases


def _people(candidates, cases: list[ValidCase], errors: _Errors, who: str, not_here: str) -> dict[tuple, int]:
    """Each case's person among `candidates` (one query for all), by ID number or registry id.

    A reference that is not among them gets one message whether it names nobody, someone of another
    class or school, or someone who left: the report must not tell whether (or where) such a person
    exists, nor name anyone the submitter did not name (docs/health.md)."""
    if not cases:
        return {}
    numbers = [c.id_no for c in cases if c.person is None]
    pks = [c.person for c in cases if c.person is not None]
    named = Q(id_number__in=numbers) if numbers else Q()
    if pks:  # (a condition only when needed: building the query is much of a report's Python time)
        named = named | Q(pk__in=pks) if numbers else Q(pk__in=pks)
    rows = (
        candidates.filter(named)
        .order_by()  # the default order joins the class and school tables for nothing
        .values_list("id_number", "pk")
    )
    found = {}
    for number, pk in rows:
        if number:
            found[("id", number)] = pk
        found[("pk", pk)] = pk
    noun, registry, _among = _PEOPLE[who]
    ids, taken = {}, set()
    for case in cases:
        pk = found.get(case.ref)
        if pk is None:
            what = registry if case.person is not None else "证件号码"
            errors.add(case.ref_key, f"{case.named(who)} {not_here}，请核对{what}。")
        elif pk in taken:
            errors.add(
                case.ref_key,
                f"{case.named(who)} 与本日报中的另一条病例是同一名{noun}：每名{noun}只登记一条。",
            )
        else:
            ids[case.ref] = pk
            taken.add(pk)
    return ids


@dataclass
class ValidClassReport:
    school: School
    school_class: SchoolClass
    day: datetime.date
    session: str
    expected: int
    present: int
    sick: int
    personal: int
    cases: list[ValidCase]
    student_ids: dict[tuple, int]  # case.ref → the student's pk

    def digest(self) -> str:
        """The content hash: the same content is the same hash, whichever surface sent it and however
        it named the pupils (ID number or registry id) or ordered the cases."""
        c = self.school_class
        return _digest({
            "school": self.school.code, "grade": c.grade, "class_no": c.class_no, "date": self.day.isoformat(),
            "session": self.session, "expected": self.expected, "present": self.present, "sick": self.sick,
            "personal": self.personal,
            "cases": sorted((case.content("student", self.student_ids[case.ref]) for case in self.cases),
                            key=lambda case: case["student"]),
        })  # fmt: skip


@dataclass
class ValidStaffReport:
    school: School
    day: datetime.date
    staff_total: int
    on_duty: int
    sick: int
    personal: int
    cases: list[ValidCase]
    staff_ids: dict[tuple, int]  # case.ref → the staff member's pk

    def digest(self) -> str:
        return _digest({
            "school": self.school.code, "date": self.day.isoformat(), "staff_total": self.staff_total,
            "on_duty": self.on_duty, "sick": self.sick, "personal": self.personal,
            "cases": sorted((case.content("staff", self.staff_ids[case.ref]) for case in self.cases),
                            key=lambda case: case["staff"]),
        })  # fmt: skip


def _digest(payload: dict) -> str:
    return hashlib.md5(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _school_by_code(code, errors: _Errors) -> School | None:
    if not _is_code(code):
        errors.add("school", f"学校标识码“{_show(code)}”无效：请填写 10 位学校标识码。")
        return None
    school = School.objects.filter(code=code.strip()).first()
    if school is None:
        errors.add("school", f"学校标识码 {code} 不存在。")
    return school


def _is_code(code) -> bool:
    return isinstance(code, str) and bool(code.strip()) and len(code) <= 20 and "\x00" not in code


def _admits(school: School, user, errors: _Errors) -> None:
    """May `user` report for `school` (else OutOfScope, the API's 403), and does it take reports?"""
    if user is not None:
        scope = scope_of(user)
        if not (scope.allows("health", ADD) and scope.covers_school(school.pk)):
            raise OutOfScope([f"您不能为{school}（{school.code}）填报健康日报：不在您的管理范围内。"])
    if school.status != SchoolStatus.OPEN:
        errors.add("school", f"{school}的状态为“{school.get_status_display()}”，不接收日报。")


# What every submission would otherwise read again: the calendar, the reporting settings, the active
# rules, the class registry and the schools' class counts; 8,000 reports of one day would ask each of
# them 8,000 times. Each process remembers them under the shared stamp "health" (core.caching): saving
# or deleting any of the models below renews the stamp in the same transaction, so every process
# computes them again at its next report. A submission reads the stamp once (`pinned`).
_MEMORY = caching.StampedMemory(
    "health",
    depends_on=(ReportingSettings, ClusterRule, SchoolClass, School, SchoolYear, Term, CalendarDay),
    max_age=60.0,  # bounds what a write sending no signal and not through core.importing leaves behind
)


def _remembered(key, compute):
    return _MEMORY.get(key, compute)


def _is_school_day(day: datetime.date) -> bool:
    """people.calendar.is_school_day, remembered (renewed when the calendar changes)."""
    return _remembered(("school_day", day), lambda: is_school_day(day))


def reporting_settings() -> ReportingSettings:
    """ReportingSettings.get(), remembered (renewed when the settings are saved)."""
    return _remembered("settings", ReportingSettings.get)


# The trend page's sums over the rollups of days before today (queries._json_totals: decoding ~30,000 JSON
# values of a term took half the page's time). Today's rollups change with every report and are summed
# afresh; a rollup of an earlier day changes only when a late report or a correction arrives, which renews
# the stamp (update_rollups), as does any saved rollup and a rebuilt registry (the demo's, an import's).
PAST_ROLLUPS = caching.StampedMemory(
    "health-past-rollups", depends_on=(SchoolDayRollup, SchoolClass, School), max_age=600.0
)


def clear_caches(*_args, **_kwargs) -> None:
    """Forget what this process remembers (the tests' databases come and go under one stamp)."""
    _MEMORY.forget()
    PAST_ROLLUPS.forget()


post_migrate.connect(clear_caches, dispatch_uid="health-cache-migrate")  # also sent after a flush (tests)


def _check_day(day: datetime.date, today: datetime.date, errors: _Errors) -> None:
    if day > today:
        errors.add("date", f"日期 {day} 在今天（{today}）之后，不能提前填报。")
    elif not _is_school_day(day):
        errors.add("date", f"日期 {day} 不是上课日（周末、节假日或学期外），无需填报。")


def validate_class_report(
    data: ClassReportInput,
    *,
    user=None,
    today: datetime.date | None = None,
    settings: ReportingSettings | None = None,
) -> ValidClassReport:
    """The one check of a class report, whichever surface built it: every problem at once as a
    ReportError keyed by field (OutOfScope, at once, for a class the user may not report for)."""
    settings = settings or reporting_settings()
    today = today or timezone.localdate()
    errors = _Errors()
    school_class, school = data.school_class, None
    if school_class is not None:  # the page's class object: it must be one of this school year
        school = school_class.school
        school_class = _current_class(school_class, errors)
    else:
        # The usual report names an existing class: school and class in one lookup; else the school alone.
        school_class = _class_by_key(data.school, data.grade, data.class_no)
        school = school_class.school if school_class else _school_by_code(data.school, errors)
    if school is not None:
        _admits(school, user, errors)
    day = _date(data.date, "date", "日期", errors)
    if day:
        _check_day(day, today, errors)
    session = data.session or Session.MORNING
    errors.check(
        session in Session.values, "session", f"检查“{_show(session)}”无效：应为 晨检 或 午检。"
    )
    counts = [_count(getattr(data, key), key, label, errors) for key, label in
              (("expected", "应到"), ("present", "实到"), ("sick", "因病缺课"), ("personal", "因事缺课"))]  # fmt: skip
    expected, present, sick, personal = counts
    if None not in counts:
        if errors.check(
            present <= expected, "present", f"实到 {present} 大于应到 {expected}。"
        ):
            errors.check(
                sick + personal <= expected - present,
                "personal",
                f"因病缺课 {sick} + 因事缺课 {personal} = {sick + personal}，超过缺课人数（应到 {expected} − 实到 {present} = {expected - present}）。",
            )
    cases = _check_cases(data.cases, day, settings, errors, ClassReportInput.who)
    if cases is not None and sick is not None and len(data.cases or ()) != sick:
        errors.add(
            "sick",
            f"因病缺课为 {sick} 人，但登记了 {len(data.cases or ())} 条病例：每名因病缺课学生登记一条。",
        )
    if school_class is None and school is not None and data.school_class is None:
        school_class = _class(school, data.grade, data.class_no, errors)
    if school_class is not None and user is not None:
        if not scope_of(user).covers_class("health", school.pk, school_class.pk):
            raise OutOfScope([f"您只能填报自己任班主任的班级；{school_class}不是您的班级。"])
    student_ids = {}
    if school_class is not None and cases:
        studying = Student.objects.filter(school_class=school_class, status=StudentStatus.STUDYING)
        student_ids = _people(studying, cases, errors, "student", f"不是{school_class}的在读学生")
    if errors:
        raise ReportError(errors)
    return ValidClassReport(
        school, school_class, day, session, expected, present, sick, personal, cases, student_ids
    )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _current_class(school_class: SchoolClass, errors: _Errors) -> SchoolClass | None:
    """The class object of a page, if it is a class of this school year (from memory, as by key)."""
    known = _class_by_key(school_class.school.code, school_class.grade, school_class.class_no)
    if known is None:  # not remembered (added by a write that renewed no stamp): from the database
        current = SchoolClass.objects.filter(pk=school_class.pk, school_year__is_current=True)
        known = current.select_related("school").first()
    if known != school_class:
        errors.add("school_class", f"{school_class}不是本学年的班级，不能填报。")
        return None
    return known


def _class_by_key(code, grade, class_no) -> SchoolClass | None:
    """The class of this school year named by (school code, grade, class_no), its school attached."""
    if not (_is_code(code) and _is_int(grade) and _is_int(class_no)):
        return None
    return current_classes().get((code.strip(), grade, class_no))


def current_classes() -> dict[tuple[str, int, int], SchoolClass]:
    """The district's classes of the current school year by (school code, grade, class_no), their
    schools attached; remembered until a class, school or school year changes. A class missing here
    (added by a write that renewed no stamp) is looked up in the database by `_class`."""

    def load():
        rows = SchoolClass.objects.filter(school_year__is_current=True).select_related("school")
        return {(c.school.code, c.grade, c.class_no): c for c in rows}

    return _remembered("classes", load)


def _class(school: School, grade, class_no, errors: _Errors) -> SchoolClass | None:
    if not (_is_int(grade) and _is_int(class_no)):
        errors.add("grade", f"年级“{_show(grade)}”和班号“{_show(class_no)}”应为整数。")
        return None
    school_class = (
        SchoolClass.objects.filter(
            school=school, school_year__is_current=True, grade=grade, class_no=class_no
        )
        .select_related("school")
        .first()
    )
    if school_class is None:
        errors.add(
            "school_class",
            f"{school}本学年没有{grade_label(grade)}（{class_no}）班。",
        )
    return school_class


def _is_late(day: datetime.date, session: str, at: datetime.datetime, settings: ReportingSettings) -> bool:
    local = timezone.localtime(at)
    return local.date() > day or (local.date() == day and local.time() > settings.deadline(session))


# ---------------------------------------------------------------- class reports


def _lock_school(school_id: int) -> None:
    """The per-school lock (see the module docstring); SQLite locks the whole database instead."""
    if connection.features.has_select_for_update:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {School._meta.db_table} WHERE id = %s FOR UPDATE", [school_id])


_SAME_DAY_SQL = f"SELECT * FROM {ClassReport._meta.db_table} WHERE school_class_id = %s AND date = %s"


@_MEMORY.pinned()
def submit_class_report(
    data: ClassReportInput | dict,
    *,
    user=None,
    source: str = Source.WEB,
    now: datetime.datetime | None = None,
) -> Submission:
    """Validate and store one class report (all or nothing); identical resubmission changes nothing,
    a different one replaces the report and keeps the earlier version. Raises ReportError.
    `data`: the input, or its JSON shape (adapted by ClassReportInput.from_json)."""
    now = now or timezone.now()
    settings = reporting_settings()
    if not isinstance(data, ClassReportInput):
        data = ClassReportInput.from_json(data)
    clean = validate_class_report(data, user=user, settings=settings, today=timezone.localdate(now))
    digest = clean.digest()
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        _lock_school(clean.school.pk)
        same_day = {
            r.session: r for r in ClassReport.objects.raw(_SAME_DAY_SQL, [clean.school_class.pk, clean.day])
        }
        for r in same_day.values():  # already read: spares the version payload and the log two queries
            r.school, r.school_class = clean.school, clean.school_class
        report = same_day.get(clean.session)
        if report is not None and report.payload_hash == digest:
            return Submission(report, "unchanged")
        other = same_day.get(Session.NOON if clean.session == Session.MORNING else Session.MORNING)
        counts = clean.session == Session.NOON or other is None
        fields = dict(
            expected=clean.expected, present=clean.present, sick=clean.sick, personal=clean.personal,
            zero_report=clean.expected == clean.present, counts_for_day=counts, payload_hash=digest,
            submitted_at=now, submitted_by=actor, late=_is_late(clean.day, clean.session, now, settings),
            source=source,
        )  # fmt: skip
        had_cases = False
        old_cases: list[SickCase] = []
        if report is None:
            report = ClassReport.objects.create(
                school=clean.school,
                school_class=clean.school_class,
                date=clean.day,
                session=clean.session,
                **fields,
            )
            changelog.log_create(report)
            status = "created"
        else:
            had_cases = report.sick > 0  # a stored report has as many cases as `sick`
            if had_cases:
                old_cases = list(report.cases.select_related("student").order_by("id"))
            _keep_version(report, actor, now, old_cases)
            _replace(report, fields)
            status = "replaced"
        flipped = other is not None and other.counts_for_day == counts
        if flipped:
            ClassReport.objects.filter(pk=other.pk).update(counts_for_day=not counts)
        _write_cases(report, clean, old_cases)
        # The day's case counts change only if this report has or had cases, or the other check
        # (with cases) stopped or started counting for the day; otherwise they are not recounted.
        cases_changed = bool(clean.cases) or had_cases or (flipped and other.sick > 0)
        alerts, rows = [], None
        if cases_changed:
            # One read of the school's cases serves the rollup (the day's) and the rules (the window's).
            window = rules.longest_window([r for _row, r in active_rules().values()])
            rows = _case_rows([clean.school.pk], clean.day - datetime.timedelta(days=window - 1), clean.day)
        update_rollups(
            clean.school.pk,
            clean.day,
            stage=clean.school.stage,
            staff=False,
            cases=cases_changed,
            case_rows=rows,
        )
        if clean.cases or had_cases:
            cases = _rule_cases(rows).get(clean.school.pk, [])
            alerts = evaluate_rules(
                clean.school.pk, clean.day, class_ids={clean.school_class.pk}, now=now, cases=cases
            )
    return Submission(report, status, alerts)


def _replace(report: ClassReport | StaffHealthReport, fields: dict) -> None:
    """Give a stored report its resubmitted content: fields set, version counted up, change logged."""
    before = changelog.snapshot(report)
    for name, value in fields.items():
        setattr(report, name, value)
    report.version += 1
    report.save()
    changelog.log_update(report, before)


def _keep_version(report: ClassReport, user, now, cases: list[SickCase]) -> None:
    ClassReportVersion.objects.create(
        report=report, version=report.version, payload=report_payload(report, cases),
        submitted_at=report.submitted_at,
        submitted_by_id=report.submitted_by_id, replaced_at=now, replaced_by=user,
    )  # fmt: skip


def report_payload(report: ClassReport, cases: list[SickCase] | None = None) -> dict:
    """The report as the API's JSON shape (as stored now); `cases`: its cases if already read."""
    if cases is None:
        cases = report.cases.select_related("student").order_by("id")
    c = report.school_class
    return {
        "school": report.school.code, "grade": c.grade, "class_no": c.class_no, "date": report.date.isoformat(),
        "session": report.session, "expected": report.expected, "present": report.present, "sick": report.sick,
        "personal": report.personal,
        "cases": [_stored_case(case) for case in cases],
    }  # fmt: skip


def _stored_case(case: SickCase) -> dict:
    """A stored case in the JSON shape: the pupil by ID number, by registry id when it has none."""
    who = (
        {"student_id_no": case.student.id_number} if case.student.id_number else {"student": case.student_id}
    )
    return {
        **who, "symptoms": sym.to_names(case.symptoms), "other_symptoms": case.other_symptoms,
        "onset": case.onset.isoformat(), "seen_doctor": case.seen_doctor, "diagnosis": case.diagnosis,
        "expected_return": case.expected_return.isoformat() if case.expected_return else None,
    }  # fmt: skip


def _write_cases(report: ClassReport, clean: ValidClassReport, old_cases: list[SickCase]) -> None:
    """Bring the report's cases (`old_cases`) to the submitted list: rows of students still listed
    are updated in place (their ids, and so the alerts' evidence, stay), others deleted, new ones
    inserted."""
    existing = {c.student_id: c for c in old_cases}
    wanted = {clean.student_ids[c.ref]: c for c in clean.cases}
    gone = [c.pk for sid, c in existing.items() if sid not in wanted]
    if gone:
        SickCase.objects.filter(pk__in=gone).delete()
    new, changed = [], []
    for student_id, c in wanted.items():
        values = dict(
            symptoms=c.symptoms, other_symptoms=c.other_symptoms, onset=c.onset, seen_doctor=c.seen_doctor,
            diagnosis=c.diagnosis, expected_return=c.expected_return,
        )  # fmt: skip
        row = existing.get(student_id)
        if row is None:
            new.append(SickCase(report=report, school_id=report.school_id, school_class_id=report.school_class_id,
                                student_id=student_id, date=report.date, **values))  # fmt: skip
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
    if new:
        SickCase.objects.bulk_create(new)
    if changed:
        SickCase.objects.bulk_update(changed, list(values))


# ---------------------------------------------------------------- rollups


def _counting(rows, key) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value, n in rows:
        for name in sym.to_names(value) if key == "symptoms" else ([value] if value else []):
            counts[name] = counts.get(name, 0) + n
    return counts


def update_rollups(
    school_id: int,
    day: datetime.date,
    *,
    stage: str | None = None,
    staff: bool = True,
    cases: bool = True,
    case_rows: list[tuple] | None = None,
) -> None:
    """Recompute the school's rollup row for the day from its reports (a few dozen rows, indexed)
    and upsert it. Called inside the submitting transaction, under the school lock.

    staff=False (a class report): the staff columns are left as they are (a staff report written
    earlier created the row; it upserts them itself), which saves the hot path a query.
    cases=False (no case of the day changed): the case columns are left as they are, saving another.
    case_rows: the school's `_case_rows` over days up to `day`, if the caller has read them.

    Hand-written SQL (the same on SQLite and PostgreSQL): every class report of a district day runs
    this, and the ORM spent longer building these statements than the database ran them.
    """
    if stage is None:
        stage = School.objects.filter(pk=school_id).values_list("stage", flat=True).first()
    columns = {"school_id": school_id, "date": day, "stage": stage,
               "classes_expected": expected_class_count(school_id, day)}  # fmt: skip
    updated = ["stage", "classes_expected", *_REPORT_SUMS]
    groups = []
    if cases:
        if case_rows is None:
            case_rows = _case_rows([school_id], day, day)
        counting = Counter((s, d) for *_ids, date, s, d, counts in case_rows if date == day and counts)
        groups = [(s, d, n) for (s, d), n in counting.items()]
        updated += ["cases", "symptom_counts", "diagnosis_counts"]
    json_value = connection.ops.adapt_json_value
    columns |= {
        "cases": sum(n for _s, _d, n in groups),
        "symptom_counts": json_value(_counting([(s, n) for s, _d, n in groups], "symptoms"), None),
        "diagnosis_counts": json_value(_counting([(d, n) for _s, d, n in groups], "diagnosis"), None),
        "staff_on_duty": None,
        "staff_sick": None,
    }
    if staff:
        on_duty = (
            StaffHealthReport.objects.filter(school_id=school_id, date=day).values("on_duty", "sick").first()
        )
        if on_duty:
            columns["staff_on_duty"], columns["staff_sick"] = on_duty["on_duty"], on_duty["sick"]
        updated += ["staff_on_duty", "staff_sick"]
    names = [*columns, *_REPORT_SUMS]
    sql = (
        f"INSERT INTO {SchoolDayRollup._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(['%s'] * len(columns))}, {', '.join(_REPORT_SUMS.values())} "
        f"FROM {ClassReport._meta.db_table} WHERE school_id = %s AND date = %s "
        f"ON CONFLICT (school_id, date) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in updated)}"
    )
    with connection.cursor() as cursor:
        sessions = [Session.MORNING] * sum(v.count("%s") for v in _REPORT_SUMS.values())
        cursor.execute(sql, [*columns.values(), *sessions, school_id, day])
    if day < timezone.localdate():  # an earlier day's figures changed: the remembered past sums are renewed
        PAST_ROLLUPS.changed()


# The class-report columns of the rollup, summed over the school's reports of the day: classes
# count their 晨检 report (each %s: the session), numbers the report that counts for the day.
_REPORT_SUMS = {
    "classes_reported": "COUNT(*) FILTER (WHERE session = %s)",
    "classes_on_time": "COUNT(*) FILTER (WHERE session = %s AND NOT late)",
    "classes_late": "COUNT(*) FILTER (WHERE session = %s AND late)",
    "expected": "COALESCE(SUM(expected) FILTER (WHERE counts_for_day), 0)",
    "present": "COALESCE(SUM(present) FILTER (WHERE counts_for_day), 0)",
    "sick": "COALESCE(SUM(sick) FILTER (WHERE counts_for_day), 0)",
    "personal": "COALESCE(SUM(personal) FILTER (WHERE counts_for_day), 0)",
}


def school_year_of(day: datetime.date) -> SchoolYear | None:
    return SchoolYear.objects.filter(start_date__lte=day, end_date__gte=day).first() or SchoolYear.current()


def expected_class_count(school_id: int, day: datetime.date) -> int:
    """The school's classes of the school year `day` falls in (one query for all schools, remembered)."""
    counts = _remembered(
        ("classes", day),
        lambda: dict(
            SchoolClass.objects.filter(school_year__start_date__lte=day, school_year__end_date__gte=day)
            .order_by()
            .values("school_id")
            .annotate(n=Count("pk"))
            .values_list("school_id", "n")
        ),
    )
    return counts.get(school_id, 0)


# ---------------------------------------------------------------- staff reports


def validate_staff_report(
    data: StaffReportInput,
    *,
    user=None,
    today: datetime.date | None = None,
    settings: ReportingSettings | None = None,
) -> ValidStaffReport:
    """The one check of a staff report (as validate_class_report): the school's staff, any surface."""
    settings = settings or reporting_settings()
    today = today or timezone.localdate()
    errors = _Errors()
    if user is not None and scope_of(user).class_bound("health"):
        raise OutOfScope(["教职工健康日报由校医或学校管理员填报；班主任只填报本班的日报。"])
    school = data.school if isinstance(data.school, School) else _school_by_code(data.school, errors)
    if school is not None:
        _admits(school, user, errors)
    day = _date(data.date, "date", "日期", errors)
    if day:
        _check_day(day, today, errors)
    numbers = [_count(getattr(data, key), key, label, errors, required=key != "personal") or 0 for key, label in
               (("staff_total", "教职工总数"), ("on_duty", "在岗"), ("sick", "因病缺勤"), ("personal", "因事缺勤"))]  # fmt: skip
    total, on_duty, sick, personal = numbers
    errors.check(
        on_duty + sick + personal <= total,
        "on_duty",
        f"在岗 {on_duty} + 因病缺勤 {sick} + 因事缺勤 {personal} 超过教职工总数 {total}。",
    )
    cases = _check_cases(data.cases, day, settings, errors, StaffReportInput.who)
    if cases is not None:
        n = len(data.cases or ())
        errors.check(n == sick, "sick", f"因病缺勤为 {sick} 人，但登记了 {n} 条病例。")
    staff_ids = {}
    if school is not None and cases:
        staff_ids = _people(
            Staff.objects.filter(school=school), cases, errors, "staff", f"不是{school}的教职工"
        )
    if errors:
        raise ReportError(errors)
    return ValidStaffReport(school, day, total, on_duty, sick, personal, cases or [], staff_ids)


@_MEMORY.pinned()
def submit_staff_report(
    data: StaffReportInput | dict,
    *,
    user=None,
    source: str = Source.WEB,
    now: datetime.datetime | None = None,
) -> Submission:
    """A school's staff status for a day: 在岗, 因病缺勤 with each sick member's symptoms. `data`: the
    input, or its JSON shape (adapted by StaffReportInput.from_json)."""
    now = now or timezone.now()
    settings = reporting_settings()
    if not isinstance(data, StaffReportInput):
        data = StaffReportInput.from_json(data)
    clean = validate_staff_report(data, user=user, today=timezone.localdate(now), settings=settings)
    school, day = clean.school, clean.day
    digest = clean.digest()
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=school.pk).values_list("pk").first()
        report = StaffHealthReport.objects.filter(school=school, date=day).first()
        if report is not None and report.payload_hash == digest:
            return Submission(report, "unchanged")
        fields = dict(staff_total=clean.staff_total, on_duty=clean.on_duty, sick=clean.sick, personal=clean.personal,
                      payload_hash=digest, submitted_at=now, submitted_by=actor,
                      late=_is_late(day, Session.MORNING, now, settings), source=source)  # fmt: skip
        if report is None:
            report = StaffHealthReport.objects.create(school=school, date=day, **fields)
            changelog.log_create(report)
            status = "created"
        else:
            _replace(report, fields)
            report.cases.all().delete()
            status = "replaced"
        StaffSickCase.objects.bulk_create(
            StaffSickCase(report=report, school=school, staff_id=clean.staff_ids[c.ref], date=day, symptoms=c.symptoms,
                          other_symptoms=c.other_symptoms, onset=c.onset, seen_doctor=c.seen_doctor,
                          diagnosis=c.diagnosis, expected_return=c.expected_return)
            for c in clean.cases
        )  # fmt: skip
        update_rollups(school.pk, day, stage=school.stage)
    return Submission(report, status)


# ---------------------------------------------------------------- follow-up


def illness_rows(case: SickCase):
    """All daily rows of the case's illness (same student, same onset)."""
    return SickCase.objects.filter(student_id=case.student_id, onset=case.onset)


def record_return(
    case: SickCase, returned_on: datetime.date, *, certificate: bool = False, user=None
) -> SickCase:
    """追踪登记: the student is back. Days missed are the school days from the first day of absence
    to the day before the return. A listed infectious disease needs a 复课证明 first."""
    rows = illness_rows(case)
    first = rows.order_by("date").values_list("date", flat=True).first() or case.date
    diagnoses = set(rows.values_list("diagnosis", flat=True))
    errors = []
    if returned_on < first or returned_on < case.onset:
        errors.append(f"返校日期 {returned_on} 早于缺课开始日期 {first}。")
    if returned_on > timezone.localdate():
        errors.append(f"返校日期 {returned_on} 在今天之后。")
    needing = sorted(diagnoses & sym.NEEDS_CERTIFICATE)
    if needing and not certificate:
        errors.append(f"诊断为{'、'.join(needing)}，须交复课证明后方可复课。")
    if errors:
        raise ReportError(errors)
    missed = len(school_days(first, returned_on - datetime.timedelta(days=1)))
    with transaction.atomic():
        before = changelog.snapshot(case)
        rows.update(returned_on=returned_on, certificate=certificate, days_missed=missed, closed=True)
        case.refresh_from_db()
        changelog.log_update(case, before)
    return case


def open_cases():
    """The latest row of each illness not yet closed (the follow-up list)."""
    # The open rows with no later open row of the same illness (the same as MAX(id) per student and onset):
    # the few open rows are read by the (closed, school) index, instead of grouping every case of the district.
    later = SickCase.objects.filter(
        student_id=OuterRef("student_id"), onset=OuterRef("onset"), closed=False, pk__gt=OuterRef("pk")
    )
    return SickCase.objects.filter(closed=False).exclude(Exists(later))


# ---------------------------------------------------------------- alerts


def _rule_of(row: ClusterRule) -> rules.Rule:
    return rules.Rule(
        code=row.code, level=row.level, window_days=row.window_days, threshold=row.threshold,
        diagnosis=row.diagnosis, symptoms_all=row.symptoms_all, symptoms_any=row.symptoms_any,
        day_threshold=row.day_threshold,
    )  # fmt: skip


def active_rules() -> dict[str, tuple[ClusterRule, rules.Rule]]:
    """The active rules, remembered (renewed when a rule is saved)."""
    return _remembered(
        "rules", lambda: {row.code: (row, _rule_of(row)) for row in ClusterRule.objects.filter(active=True)}
    )


def _case_rows(school_ids, start: datetime.date, end: datetime.date) -> list[tuple]:
    """The sick-case rows of the schools (None: all) from start to end, as tuples
    (id, school, student, class, date, symptoms, diagnosis, counts for the day). Read on every
    submission with cases, hence plain SQL."""
    sql = (
        "SELECT c.id, c.school_id, c.student_id, c.school_class_id, c.date, c.symptoms, c.diagnosis, "
        f"r.counts_for_day FROM {SickCase._meta.db_table} c JOIN {ClassReport._meta.db_table} r ON r.id = c.report_id "
        "WHERE c.date BETWEEN %s AND %s"
    )
    params: list = [start, end]
    if school_ids is not None:
        school_ids = list(school_ids)
        sql += f" AND c.school_id IN ({', '.join(['%s'] * len(school_ids))})"
        params += school_ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rule_cases(rows: list[tuple]) -> dict[int, list[rules.Case]]:
    """`_case_rows` as the rules see them, by school."""
    by_school: dict[int, list[rules.Case]] = {}
    for pk, school_id, student_id, class_id, day, symptoms, diagnosis, _counts in rows:
        by_school.setdefault(school_id, []).append(
            rules.Case(pk, student_id, class_id, day, symptoms, diagnosis)
        )
    return by_school


def evaluate_rules(
    school_id: int, day: datetime.date, *, class_ids=None, now=None, cases=None
) -> list[Alert]:
    """Rule alerts of one school for the windows ending on `day` (called on each submission);
    `cases`: the school's cases of the longest window, if the caller has read them."""
    known = active_rules()
    if not known:
        return []
    if cases is None:
        window = rules.longest_window([r for _row, r in known.values()])
        rows = _case_rows([school_id], day - datetime.timedelta(days=window - 1), day)
        cases = _rule_cases(rows).get(school_id, [])
    found = rules.clusters([r for _row, r in known.values()], cases, day, class_ids=class_ids)
    return _persist_clusters([(school_id, c) for c in found], known, now or timezone.now())


def _persist_clusters(found: list[tuple[int, rules.Cluster]], known, now) -> list[Alert]:
    """One alert per cluster: a cluster continuing an alert of the same rule, school and class (its
    last date no further back than the rule's window) updates it, else a new alert is created.

    Set-based, so that a district day costs a handful of queries: the alerts that may continue
    and their evidence are read at once, new evidence links go in one insert, changed alerts in
    one update. Callers hold the schools' locks (no two transactions extend the same alert).
    """
    if not found:
        return []
    oldest = min(c.day - datetime.timedelta(days=c.rule.window_days) for _s, c in found)
    existing: dict[tuple, list[Alert]] = {}
    rows = Alert.objects.filter(
        school_id__in={s for s, _c in found}, kind=Alert.Kind.RULE, last_date__gte=oldest
    )
    for alert in rows.order_by("first_date"):
        existing.setdefault((alert.school_id, alert.rule_code, alert.class_key), []).append(alert)
    through = Alert.evidence.through
    evidence: dict[int, set[int]] = {}
    students: dict[int, set[int]] = {}
    links = through.objects.filter(alert_id__in=[a.pk for alerts in existing.values() for a in alerts])
    for alert_id, case_id, student_id in links.values_list("alert_id", "sickcase_id", "sickcase__student_id"):
        evidence.setdefault(alert_id, set()).add(case_id)
        students.setdefault(alert_id, set()).add(student_id)
    settings = reporting_settings()
    touched, changed, new_links = [], [], []
    for school_id, cluster in found:
        row = known[cluster.rule.code][0]
        key = (school_id, cluster.rule.code, cluster.class_id or 0)
        alert = _episode_of(existing.get(key, []), cluster)
        if alert is None:
            alert = Alert.objects.create(
                kind=Alert.Kind.RULE, rule=row, rule_code=row.code, level=row.level, school_id=school_id,
                school_class_id=cluster.class_id, class_key=cluster.class_id or 0, first_date=cluster.first_date,
                last_date=cluster.day, cases=cluster.students, created_at=now, updated_at=now,
                report_due=now + datetime.timedelta(hours=min(row.report_within_hours, settings.cdc_report_hours)),
            )  # fmt: skip
            AlertEvent.objects.create(
                alert=alert,
                at=now,
                to_status=AlertStatus.NEW,
                note=f"规则“{row.name}”触发：{cluster.students} 例。",
            )
            later(notices.alert_created, alert)
            existing.setdefault(key, []).append(alert)
            evidence[alert.pk], students[alert.pk] = set(), set()
        new_ids = {c.id for c in cluster.cases} - evidence[alert.pk]
        if new_ids:
            new_links.extend(through(alert_id=alert.pk, sickcase_id=pk) for pk in sorted(new_ids))
            evidence[alert.pk] |= new_ids
            students[alert.pk] |= {c.student_id for c in cluster.cases}
            first, last = min(alert.first_date, cluster.first_date), max(alert.last_date, cluster.day)
            if (len(students[alert.pk]), first, last) != (alert.cases, alert.first_date, alert.last_date):
                alert.cases, alert.first_date, alert.last_date, alert.updated_at = (
                    len(students[alert.pk]),
                    first,
                    last,
                    now,
                )
                changed.append(alert)
        touched.append(alert)
    through.objects.bulk_create(new_links, ignore_conflicts=True)
    Alert.objects.bulk_update(
        {a.pk: a for a in changed}.values(), ["cases", "first_date", "last_date", "updated_at"]
    )
    return touched


def _episode_of(alerts: list[Alert], cluster: rules.Cluster) -> Alert | None:
    """The alert (of the cluster's rule and class) the cluster continues: the latest one begun by
    the cluster's day whose last day is within the rule's window of it; failing that, one begun
    within the window after it (a late report for an earlier day)."""
    window = datetime.timedelta(days=cluster.rule.window_days)
    near = [a for a in alerts if a.last_date >= cluster.day - window and a.first_date <= cluster.day + window]
    before = [a for a in near if a.first_date <= cluster.day]
    return before[-1] if before else (near[0] if near else None)


STATISTICAL_HISTORY = 12  # school days read before the day: C3 needs 11 days of history


ALERTING_METHODS = ("C1", "C2")


def statistical_floor(baseline_counts: list[int], enrolled: int) -> float:
    """The σ floor of a school's rate series: the Poisson standard deviation of its baseline count
    (√mean sick pupils), and at least one pupil, as a rate of the pupils enrolled.

    Why not simply one pupil: a 7-day baseline often happens to be flat, and one pupil then makes
    three extra sick pupils in a big school an "aberration" although chance alone does that often.
    """
    mean = sum(baseline_counts) / len(baseline_counts) if baseline_counts else 0.0
    return max(1.0, math.sqrt(mean)) * aberration.one_student_floor(enrolled)


def ears_today(history: list[tuple[int, int]]) -> aberration.EarsDay:
    """EARS for the last day of `history` [(sick, expected) per school day, oldest first].

    An alert is C1 or C2 above 3 (ALERTING_METHODS); C3 is computed and shown but does not alert
    on its own. Measured on the demo term (seed 2020: 319 schools × 100 school days, an influenza
    wave peaking at New Year; alerts merged while they recur within 4 days):
      floor √mean (this one), C1/C2 ..... 414 alerts, 218 before the wave (≈ 1 per 100 school days)
      floor √mean, C1/C2/C3 ............. 845 alerts, 452 before the wave
      floor one pupil, C1/C2/C3 ........ 1,288 alerts, 740 before the wave
      floor 1.5 √mean, C1/C2 ............  80 alerts,  46 before the wave (the wave itself barely flagged)
    "Before the wave" = starting before 2025-12-08 with no rule cluster in the school within days:
    the false alarms. `edubureau demo` prints the count as 统计预警·流感季前（误报）.
    """
    values = [sick / expected for sick, expected in history]
    floor = statistical_floor([sick for sick, _e in history[:-1]], history[-1][1])
    return aberration.ears(values, floor)[-1]


def alerting(result: aberration.EarsDay) -> list[str]:
    return [m for m in result.methods if m in ALERTING_METHODS]


def evaluate_statistical(day: datetime.date, *, school_ids=None, now=None) -> list[Alert]:
    """EARS on each school's daily sick-absence rate (rollups) for the school days up to `day`
    (ears_today: the floor and the methods that alert are documented there)."""
    now = now or timezone.now()
    days = school_days(day - datetime.timedelta(days=40), day)[-(STATISTICAL_HISTORY + 1) :]
    if not days or days[-1] != day:
        return []
    rows = SchoolDayRollup.objects.filter(date__in=days, expected__gt=0)
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    series: dict[int, dict] = {}
    for school_id, d, sick, expected in rows.values_list("school_id", "date", "sick", "expected"):
        series.setdefault(school_id, {})[d] = (sick, expected)
    found = []
    for school_id, by_day in series.items():
        if day not in by_day:
            continue
        result = ears_today([by_day[d] for d in days if d in by_day])
        if alerting(result):
            found.append((school_id, by_day[day], result))
    return [
        _persist_statistical(school_id, day, counts, result, days, now) for school_id, counts, result in found
    ]


def statistical_detail(counts, result) -> dict:
    sick, expected = counts
    return {
        "rate": round(sick / expected, 5), "sick": sick, "expected": expected, "methods": alerting(result),
        "c1": _round(result.c1), "c2": _round(result.c2), "c3": _round(result.c3),
    }  # fmt: skip


def _round(value):
    return None if value is None else round(value, 3)


def _persist_statistical(school_id, day, counts, result, days, now) -> Alert:
    """Alerting school days in a row (within 4 calendar days: a weekend between) are one alert."""
    since = day - datetime.timedelta(days=4)
    alert = (
        Alert.objects.filter(school_id=school_id, kind=Alert.Kind.STATISTICAL, last_date__gte=since)
        .order_by("-last_date")
        .first()
    )
    detail = statistical_detail(counts, result)
    if alert is None:
        alert = Alert.objects.create(
            kind=Alert.Kind.STATISTICAL, rule_code=STATISTICAL_RULE, level=Alert.Level.SCHOOL, school_id=school_id,
            class_key=0, first_date=day, last_date=day, cases=counts[0], detail=detail, created_at=now, updated_at=now,
        )  # fmt: skip
        AlertEvent.objects.create(alert=alert, at=now, to_status=AlertStatus.NEW,
                                  note=f"因病缺课率 {detail['rate']:.2%} 异常（{'、'.join(alerting(result))}）。")  # fmt: skip
        later(notices.alert_created, alert)
    else:
        Alert.objects.filter(pk=alert.pk).update(
            last_date=max(day, alert.last_date),
            cases=max(alert.cases, counts[0]),
            detail=detail,
            updated_at=now,
        )
        alert.refresh_from_db()
    ids = SickCase.objects.filter(school_id=school_id, date=day).values_list("pk", flat=True)
    alert.evidence.add(*ids)
    return alert


def evaluate_day(day: datetime.date, *, now=None) -> dict[str, int]:
    """Every rule and the statistical method for the whole district on `day`."""
    now = now or timezone.now()
    known = active_rules()
    rule_list = [r for _row, r in known.values()]
    window = rules.longest_window(rule_list)
    by_school = _rule_cases(_case_rows(None, day - datetime.timedelta(days=window - 1), day))
    matching = rules.matching_rules(rule_list, [c for cases in by_school.values() for c in cases])
    found = [
        (school_id, c)
        for school_id, cases in by_school.items()
        for c in rules.clusters(rule_list, cases, day, matching=matching)
    ]
    with transaction.atomic():
        # the same per-school locks as submissions take, all at once and in one order
        list(
            School.objects.select_for_update()
            .filter(pk__in={s for s, _c in found})
            .order_by("pk")
            .values_list("pk")
        )
        rule_alerts = len(_persist_clusters(found, known, now))
        statistical = len(evaluate_statistical(day, now=now))
    return {"rule": rule_alerts, "statistical": statistical}


# Who owns each step of an alert: the school's 疫情报告人 (校医, or the school's administrator)
# verifies it, reports it to the CDC and handles it; the bureau (its health department, the
# administrator) may do the same and alone closes it. 班主任 and 填报员 report, they do not judge.
SCHOOL_STEP = frozenset({Role.SCHOOL_ADMIN, Role.SCHOOL_DOCTOR})
BUREAU_STEP = frozenset({Role.ADMIN, Role.DEPARTMENT})
ALERT_STEP_OWNERS = {
    AlertStatus.VERIFIED: SCHOOL_STEP | BUREAU_STEP,
    AlertStatus.FALSE_ALARM: SCHOOL_STEP | BUREAU_STEP,
    AlertStatus.REPORTED: SCHOOL_STEP | BUREAU_STEP,
    AlertStatus.HANDLING: SCHOOL_STEP | BUREAU_STEP,
    AlertStatus.CLOSED: BUREAU_STEP,
}


def may_move_alert(user, alert: Alert, to_status: str) -> bool:
    """May `user` move `alert` to `to_status`? (The workflow's order is checked by transition_alert.)"""
    scope = scope_of(user)
    role = Role.ADMIN if getattr(user, "is_superuser", False) else getattr(user, "role", None)
    return (
        role in ALERT_STEP_OWNERS.get(to_status, ())
        and scope.allows("health", CHANGE)
        and scope.covers_school(alert.school_id)
    )


def next_statuses_for(user, alert: Alert) -> list[str]:
    """The statuses `user` may move `alert` to now."""
    return [s for s in alert.next_statuses if may_move_alert(user, alert, s)]


def transition_alert(alert: Alert, to_status: str, *, user=None, note: str = "", assignee=None) -> Alert:
    """Move an alert along 新建 → 已核实 → 已报告疾控 → 处置中 → 已关闭 (or 误报); user=None is the console."""
    if user is not None and to_status in ALERT_STEP_OWNERS and not may_move_alert(user, alert, to_status):
        owners = "、".join(str(Role(r).label) for r in sorted(ALERT_STEP_OWNERS[to_status]))
        raise OutOfScope([f"把预警改为“{AlertStatus(to_status).label}”由{owners}操作，您的角色不能执行这一步。"])
    current = AlertStatus(alert.status)
    if to_status not in ALERT_TRANSITIONS[current]:
        allowed = "、".join(ALERT_TRANSITIONS[current]) or "无（已结束）"
        raise ReportError([f"预警当前状态为“{current.label}”，不能改为“{to_status}”；可改为：{allowed}。"])
    if to_status == AlertStatus.FALSE_ALARM and not note.strip():
        raise ReportError(["标记为误报时请填写说明。"])
    now = timezone.now()
    actor = user if getattr(user, "pk", None) else None
    with transaction.atomic():
        before = changelog.snapshot(alert)
        alert.status = to_status
        alert.updated_at = now
        if assignee is not None:
            alert.assignee = assignee
        elif alert.assignee_id is None and actor is not None:
            alert.assignee = actor
        stamp = {AlertStatus.VERIFIED: "verified_at", AlertStatus.REPORTED: "reported_at",
                 AlertStatus.CLOSED: "closed_at", AlertStatus.FALSE_ALARM: "closed_at"}.get(to_status)  # fmt: skip
        if stamp:
            setattr(alert, stamp, now)
        alert.save()
        changelog.log_update(alert, before)
        AlertEvent.objects.create(
            alert=alert, at=now, user=actor, from_status=current, to_status=to_status, note=note
        )
        later(notices.alert_assigned, alert, by=actor)
    return alert


def assign_alert(alert: Alert, assignee, *, user=None) -> Alert:
    """Give the alert to `assignee` (one of forms.assignee_choices) without changing its status."""
    if assignee is None or assignee.pk == alert.assignee_id:
        return alert
    with transaction.atomic():
        before = changelog.snapshot(alert)
        alert.assignee, alert.updated_at = assignee, timezone.now()
        alert.save(update_fields=["assignee", "updated_at"])
        changelog.log_update(alert, before)
        later(notices.alert_assigned, alert, by=user if getattr(user, "pk", None) else None)
    return alert


def add_alert_note(alert: Alert, note: str, *, user=None) -> AlertEvent:
    if not note.strip():
        raise ReportError(["备注不能为空。"])
    return AlertEvent.objects.create(
        alert=alert, at=timezone.now(), user=user if getattr(user, "pk", None) else None, note=note.strip()
    )
