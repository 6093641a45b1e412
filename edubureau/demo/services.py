"""Build (and wipe) the demo district.

Demo data is seed data: it is written with set-based inserts (bulk_create in large batches, pks
returned by the database) and is not logged row by row in the change log; one change record on
the district notes that the registry was seeded, by whom, with which seed and scale.
"""

from __future__ import annotations

import datetime
import importlib
import random
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from edubureau.accounts.models import Department, User
from edubureau.accounts.roles import MODULES, Role
from edubureau.core import caching, changelog, democalendar
from edubureau.core import demodata as gen
from edubureau.core.models import ChangeAction, ChangeRecord
from edubureau.org.models import Campus, District, EduGroup, School, SchoolEvent, Zone
from edubureau.people.models import (
    CalendarDay,
    Enrollment,
    Guardian,
    Posting,
    SchoolClass,
    SchoolYear,
    Staff,
    StatusChange,
    Student,
    StudentStatus,
    Term,
)

from . import district as plans
from .population import StaffMaker, Students

BATCH = 5000
TZ = ZoneInfo("Asia/Shanghai")

# Each department's grants: the owner of a registry may change it, the others view and export it.
R, W, ALL_BUT_DELETE = ("view", "export"), ("view", "add", "change", "delete", "import", "export"), ("view", "add", "change", "import", "export")
DEPARTMENTS = [
    ("基教科", {"org": ALL_BUT_DELETE, "classes": W, "students": W, "staff": R, "admissions": W, "equity": W, "workplan": W}),
    ("学前科", {"org": R, "classes": R, "students": R, "admissions": W, "equity": R, "workplan": W}),
    ("德育科", {"classes": R, "students": R, "workplan": W}),
    ("体卫艺科", {"org": R, "students": R, "health": W, "workplan": W}),
    ("基建科", {"org": R, "projects": W, "workplan": W}),
    ("安全稳定科", {"org": R, "workplan": W}),
    ("督导室", {"org": R, "classes": R, "students": R, "staff": R, "audit": R, "equity": W, "workplan": W, "projects": R}),
    ("人事科", {"org": R, "staff": W, "workplan": W}),
    ("计财科", {"org": R, "staff": R, "projects": W, "workplan": W}),
    ("信息中心", {"org": R, "audit": R, "users": W, "workplan": W}),
    ("办公室", {"org": R, "workplan": W, "projects": R}),
]  # fmt: skip
# username, display name, role, department, which demo school ("primary"/"junior")
DEMO_USERS = [
    ("admin", "系统管理员", Role.ADMIN, None, None),
    ("leader", "王局长", Role.LEADER, None, None),
    ("jijiao", "基教科 李老师", Role.DEPARTMENT, "基教科", None),
    ("renshi", "人事科 张老师", Role.DEPARTMENT, "人事科", None),
    ("tiwei", "体卫艺科 陈老师", Role.DEPARTMENT, "体卫艺科", None),
    ("jijian", "基建科 刘老师", Role.DEPARTMENT, "基建科", None),
    ("bangong", "办公室 周主任", Role.DEPARTMENT, "办公室", None),
    ("xiaoxue_admin", "小学管理员", Role.SCHOOL_ADMIN, None, "primary"),
    ("xiaoxue_clerk", "小学填报员", Role.SCHOOL_CLERK, None, "primary"),
    ("xiaoxue_banzhuren", "小学班主任 孙老师", Role.HEAD_TEACHER, None, "primary"),
    ("xiaoxue_xiaoyi", "小学校医 吴医生", Role.SCHOOL_DOCTOR, None, "primary"),
    ("chuzhong_admin", "初中管理员", Role.SCHOOL_ADMIN, None, "junior"),
    ("chuzhong_clerk", "初中填报员", Role.SCHOOL_CLERK, None, "junior"),
]
DEMO_USERNAMES = [u[0] for u in DEMO_USERS]
# The calendar of the current school year and of this many before it (the health demo compares with
# the same days a year earlier, and the previous term may stand in for a term that just began).
PAST_YEARS = 2

# Registry tables, children first: what `demo --force` empties.
WIPE_ORDER = [
    Posting, StatusChange, Enrollment, Guardian, Student, SchoolClass, Staff, CalendarDay, Term, SchoolYear,
    SchoolEvent.sources.through, SchoolEvent.results.through, SchoolEvent, Campus, School, EduGroup, Zone, District,
]  # fmt: skip


# The domain apps' demo data, built in this order after the registry (and wiped in reverse order
# before it). Each module has `build(seed, scale, progress) -> dict[label, count]`, which reads the
# registry it needs from the database, and `wipe()`, which empties its tables with set-based DELETEs.
EXTENSIONS = [
    "edubureau.health.demo",
    "edubureau.admissions.demo",
    "edubureau.workplan.demo",
    "edubureau.equity.demo",
    "edubureau.notifications.demo",  # last: messages about the other modules' demo events
]


def extensions():
    found = []
    for name in EXTENSIONS:
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
    return found


@dataclass
class Login:
    username: str
    role: str
    unit: str
    created: bool = True


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)


def registry_has_data() -> bool:
    return District.objects.exists() or School.objects.exists() or SchoolYear.objects.exists()


# The build's note names the scale in words (it is shown in the audit log); `stale_demo` reads it back.
SCALE_LABELS = {"full": "全区", "small": "小型"}
NOTE = re.compile(r"^生成演示数据（种子 (-?\d+)，规模 (全区|小型)）")


def stale_demo(today: datetime.date) -> tuple[int, str] | None:
    """(seed, scale) when the database holds a demo built before `today` that nobody has changed
    since (no change record after the build's note: every write of a service is logged), else None.

    Such a demo can be rebuilt for today without losing anyone's work (`demo --if-empty`)."""
    notes = ChangeRecord.objects.filter(content_type__app_label="org", content_type__model="district")
    note = notes.filter(after__has_key="说明").order_by("-time", "-id").first()
    match = NOTE.match(str(note.after.get("说明", ""))) if note else None
    if match is None or timezone.localdate(note.time) >= today:
        return None
    if ChangeRecord.objects.filter(time__gt=note.time).exists():
        return None
    return int(match[1]), {label: scale for scale, label in SCALE_LABELS.items()}[match[2]]


def wipe_registry() -> None:
    """Empty the registry tables with one DELETE each (a Collector would load 163k students).

    School users go too (their unit is gone), and so do the bureau-level demo users, which the
    next build recreates. Change and access records are kept: the audit log is never deleted.
    """
    with transaction.atomic():
        for extension in reversed(extensions()):
            extension.wipe()
        User.objects.filter(org__isnull=False).delete()
        User.objects.filter(username__in=DEMO_USERNAMES).delete()
        with connection.cursor() as cursor:
            for model in WIPE_ORDER:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
                caching.written(model)  # no signals: renew what server processes remember of it


def _noop(step: str, n: int = 0) -> None:
    pass


def build_demo(seed: int = 2020, scale: str = "full", progress=_noop) -> DemoResult:
    """Write the demo district in one transaction. `progress(step, n)` is told of each batch.

    The school year is the one around today (`core.democalendar`), and every date the demo writes
    is placed relative to today, so the same seed on the same day gives the same rows."""
    rng = random.Random(seed)
    plan = plans.full_plan(rng) if scale == "full" else plans.small_plan(rng)
    with transaction.atomic():
        result = _Builder(rng, plan, progress, timezone.localdate()).build(seed, scale)
    if connection.vendor == "postgresql":
        # Hundreds of thousands of rows were just copied in: without fresh statistics the planner
        # takes the tables for nearly empty until autovacuum gets to them (if it is on at all).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result


def planned_size(seed: int, scale: str) -> tuple[int, int]:
    """(pupils, staff) the plan will write, for sizing a progress bar before building."""
    rng = random.Random(seed)
    plan = plans.full_plan(rng) if scale == "full" else plans.small_plan(rng)
    return sum(c.size for u in plan.units for c in u.classes), sum(sum(u.staff.values()) for u in plan.units)


class _Builder:
    def __init__(self, rng, plan, progress, today: datetime.date):
        self.rng = rng
        self.plan = plan
        self.progress = progress
        self.ids = gen.IdNumbers(rng)
        self.counts: dict[str, int] = {}
        self.today = today
        self.school_year = democalendar.school_year_of(today)
        start = self.school_year.start
        # The users were set up the week before the year began; registry changes are recorded on
        # the day they take effect, at 10:00 (never after yesterday: see _day_before_today).
        self.joined = datetime.datetime.combine(start - datetime.timedelta(days=7), datetime.time(9), TZ)

    def build(self, seed, scale) -> DemoResult:
        self.progress("学校库")
        self.units()
        self.calendar()
        self.progress("教职工")
        self.staff()
        self.progress("班级")
        self.classes()
        self.progress("学生")
        self.students()
        self.postings()
        users = self.users()
        for extension in extensions():
            self.counts.update(extension.build(seed, scale, self.progress))
        self.note(seed, scale)
        return DemoResult(self.counts, users)

    def _save(self, model, objs, label=None):
        model.objects.bulk_create(objs, batch_size=BATCH)
        caching.written(model)
        if label:
            self.counts[label] = self.counts.get(label, 0) + len(objs)
        return objs

    # ---- units ----

    def units(self):
        plan, rng = self.plan, self.rng
        self.district = District.objects.create(code=plans.DISTRICT[0], name=plans.DISTRICT[1])
        zones = {name: Zone(district=self.district, name=f"{name}学区") for name in plan.zones}
        self._save(Zone, list(zones.values()), "学区")
        groups = {
            name: EduGroup(district=self.district, name=name, founded_on=founded)
            for name, _, founded in plan.groups
        }
        self._save(EduGroup, list(groups.values()), "教育集团")

        self.staff_maker = StaffMaker(rng, self.ids, self.school_year.start_year)
        self.heads = {}
        schools = []
        for i, u in enumerate(plan.units):
            if u.staff.get("管理"):
                self.heads[i] = self.staff_maker.principal()
            schools.append(School(
                district=self.district, code=u.code, name=u.name, short_name=u.short_name, stage=u.stage,
                nature=u.nature, inclusive=u.inclusive, rank=u.rank, credit_code=u.credit_code,
                zone=zones.get(u.zone), group=groups.get(u.group), address=u.address,
                principal=self.heads[i][2] if i in self.heads else "", phone=u.phone, status=u.status,
                opened_on=u.opened_on, closed_on=u.closed_on,
            ))  # fmt: skip
        self.schools = self._save(School, schools, "单位")
        followers = []
        for school, u in zip(schools, plan.units, strict=True):
            if u.successor is not None:
                school.successor = schools[u.successor]
                followers.append(school)
        School.objects.bulk_update(followers, ["successor"])
        for name, lead, _ in plan.groups:
            groups[name].lead_school = schools[lead]
        EduGroup.objects.bulk_update(list(groups.values()), ["lead_school"])
        self.group_leads = {lead for _, lead, _ in plan.groups}

        self.campuses = {}
        for i, u in enumerate(plan.units):
            self.campuses[i] = [
                Campus(school=schools[i], name=n, address=a, is_main=m) for n, a, m in u.campuses
            ]
        self._save(Campus, [c for cs in self.campuses.values() for c in cs], "校区")

        events = self._save(
            SchoolEvent,
            [SchoolEvent(kind=e.kind, date=e.date, description=e.description) for e in plan.events],
        )
        sources, results = SchoolEvent.sources.through, SchoolEvent.results.through
        sources.objects.bulk_create(
            [
                sources(schoolevent=ev, school=schools[i])
                for ev, e in zip(events, plan.events, strict=True)
                for i in e.sources
            ]
        )
        results.objects.bulk_create(
            [
                results(schoolevent=ev, school=schools[i])
                for ev, e in zip(events, plan.events, strict=True)
                for i in e.results
            ]
        )
        self.counts["学校沿革"] = len(events)
        self.progress("学校库")

    def calendar(self):
        """The current school year (the one around today) and the PAST_YEARS before it: terms,
        holidays and the make-up days that fall in a term (core.democalendar's rules)."""
        current = self.school_year.start_year
        years, terms, days = [], [], []
        for start_year in range(current - PAST_YEARS, current + 1):
            plan = democalendar.school_year(start_year)
            year = SchoolYear(start_year=start_year, start_date=plan.start, end_date=plan.end,
                              is_current=start_year == current)  # fmt: skip
            years.append(year)
            terms += [Term(school_year=year, number=t.number, start_date=t.start, end_date=t.end)
                      for t in plan.terms]  # fmt: skip
            for holiday in plan.holidays:
                days += [CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY, name=holiday.name)
                         for d in holiday.days]  # fmt: skip
                # A make-up day only matters while school is in session.
                days += [
                    CalendarDay(date=d, kind=CalendarDay.Kind.MAKEUP, name=f"{holiday.name}调休")
                    for d in holiday.makeups
                    if plan.term_of(d)
                ]
        self._save(SchoolYear, years, "学年")
        self.year = years[-1]
        self._save(Term, terms, "学期")
        self._save(CalendarDay, days, "校历日")

    def _day_before_today(self, first: datetime.date, span: int) -> datetime.date:
        """A day from `first` to `span` days later, but not after yesterday (nor before `first`
        unless `first` is today)."""
        last = min(first + datetime.timedelta(days=span - 1), self.today - datetime.timedelta(days=1))
        if last < first:
            return min(first, self.today)
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days + 1))

    # ---- people ----

    def staff(self):
        self.teachers: dict[int, list[dict]] = {}
        batch: list[dict] = []
        for i, u in enumerate(self.plan.units):
            lead = i in self.group_leads
            members = []
            for post, n in u.staff.items():
                for k in range(n):
                    head = self.heads.get(i) if post == "管理" and k == 0 else None
                    members.append(self.staff_maker.member(u, self.schools[i].pk, post, lead, head))
            self.teachers[i] = [s for s in members if s["post_type"] == "专任教师"]
            batch += members
            if len(batch) >= BATCH:
                self._flush_staff(batch)
                batch = []
        self._flush_staff(batch)
        # The registry was empty, so every staff row is ours: one query maps them to their ids.
        ids = dict(Staff.objects.values_list("id_number", "pk"))
        for teachers in self.teachers.values():
            for t in teachers:
                t["id"] = ids[t["id_number"]]

    def _flush_staff(self, batch):
        _insert(Staff, batch)
        self.counts["教职工"] = self.counts.get("教职工", 0) + len(batch)
        self.progress("教职工", len(batch))

    def classes(self):
        self.class_rows = []  # (unit index, ClassPlan, SchoolClass)
        for i, u in enumerate(self.plan.units):
            heads = list(self.teachers[i])
            self.rng.shuffle(heads)
            for k, c in enumerate(u.classes):
                obj = SchoolClass(
                    school=self.schools[i],
                    campus=self.campuses[i][c.campus] if c.campus is not None else None,
                    school_year=self.year,
                    grade=c.grade,
                    class_no=c.class_no,
                    head_teacher_id=heads[k]["id"] if k < len(heads) else None,
                    capacity=_capacity(u.stage, c.grade),
                )
                self.class_rows.append((i, c, obj))
        self._save(SchoolClass, [obj for _, _, obj in self.class_rows], "班级")

    def students(self):
        maker = Students(self.rng, self.ids, self.school_year.start_year)
        self.last_student_id = 0
        batch: list[tuple[dict, dict, int, SchoolClass]] = []
        for i, c, obj in self.class_rows:
            unit, school_id = self.plan.units[i], self.schools[i].pk
            for _ in range(c.size):
                student, guardian = maker.pupil(unit, school_id, obj.pk, c.grade)
                batch.append((student, guardian, i, obj))
            if len(batch) >= BATCH:
                self._flush_students(batch)
                batch = []
        self._flush_students(batch)

    def _flush_students(self, batch):
        changes = self._changes(batch)
        _insert(Student, [s for s, _, _, _ in batch])
        # Only this build writes students, so the rows after the last id seen are this batch.
        ids = dict(Student.objects.filter(pk__gt=self.last_student_id).values_list("student_no", "pk"))
        self.last_student_id = max(ids.values())
        for student, guardian, _, _ in batch:
            student["id"] = guardian["student_id"] = ids[student["student_no"]]
        _insert(Guardian, [g for _, g, _, _ in batch])
        year = self.year.pk
        _insert(Enrollment, [
            {"student_id": s["id"], "school_year_id": year, "school_id": s["school_id"], "school_class_id": s["school_class_id"]}
            for s, _, _, _ in batch
        ])  # fmt: skip
        for change in changes:
            change["student_id"] = change.pop("student")["id"]
        _insert(StatusChange, changes)
        for label, n in (
            ("学生", len(batch)),
            ("监护人", len(batch)),
            ("学年编班", len(batch)),
            ("学籍异动", len(changes)),
        ):
            self.counts[label] = self.counts.get(label, 0) + n
        self.progress("学生", len(batch))

    def _changes(self, batch):
        """About 1% transferred in this year and 0.1% on leave, so 学籍异动 pages have rows: dated
        in this school year up to yesterday (suspensions in the last 120 days of it).

        Runs before the students are written, as it adjusts their rows; each change carries its
        student's row and gets the student's id once that is known.
        """
        rng, changes = self.rng, []
        start = self.school_year.start
        for student, _, i, klass in batch:
            r = rng.random()
            school = self.schools[i]
            base = {"student": student, "to_school_id": school.pk, "to_class_id": klass.pk}
            if r < 0.01 and klass.grade not in (1, 6, 10, -2, -3):
                student["enrolled_on"] = self._day_before_today(start, 100)
                base["recorded_at"] = self._recorded(student["enrolled_on"])
                others = [
                    s for s in self.schools[max(0, i - 6) : i + 6] if s.stage == school.stage and s != school
                ]
                from_school = rng.choice(others) if others and rng.random() < 0.5 else None
                changes.append(base | {
                    "kind": StatusChange.Kind.TRANSFER_IN.value, "date": student["enrolled_on"],
                    "from_school_id": from_school.pk if from_school else None, "from_class_id": None,
                    "from_status": "", "to_status": StudentStatus.STUDYING.value,
                    "reason": "区内转学" if from_school else rng.choice(["外省市转入", "本市外区转入"]),
                })  # fmt: skip
            elif r < 0.011:
                student["status"] = StudentStatus.SUSPENDED.value
                day = self._day_before_today(max(start, self.today - datetime.timedelta(days=120)), 120)
                changes.append(base | {
                    "kind": StatusChange.Kind.SUSPEND.value, "date": day, "recorded_at": self._recorded(day),
                    "from_school_id": school.pk, "from_class_id": klass.pk,
                    "from_status": StudentStatus.STUDYING.value, "to_status": StudentStatus.SUSPENDED.value,
                    "reason": rng.choice(["因病休学", "出国随读", "家庭原因"]),
                })  # fmt: skip
        return changes

    def _recorded(self, day: datetime.date) -> datetime.datetime:
        """When a change dated `day` was entered: that day at 10:00, or midnight if it is today."""
        at = datetime.datetime.combine(day, datetime.time(10), TZ)
        return at if day < self.today else datetime.datetime.combine(day, datetime.time(0), TZ)

    def postings(self):
        """2% of experienced teachers are (or were) on 交流轮岗 or 支教."""
        rng, postings = self.rng, []
        targets = [
            s for s in self.schools if s.stage in ("小学", "初中", "九年一贯制") and s.status == "办学中"
        ]
        for i, teachers in self.teachers.items():
            for t in teachers:
                if rng.random() >= 0.02 or t["hire_date"].year > 2018 or not targets:
                    continue
                year = self.school_year.start_year
                start = datetime.date(rng.choice((year - 4, year - 2, year - 1, year)), 9, 1)
                if rng.random() < 0.7:
                    to = rng.choice(targets)
                    if to == self.schools[i]:
                        continue
                    postings.append(Posting(staff_id=t["id"], kind=Posting.Kind.EXCHANGE, to_school=to, start_date=start,
                                            end_date=start.replace(year=start.year + 2) - datetime.timedelta(days=1),
                                            note="区内交流轮岗"))  # fmt: skip
                else:
                    place, note = self.staff_maker.support_place()
                    start = start.replace(month=8, day=15)
                    postings.append(Posting(staff_id=t["id"], kind=Posting.Kind.SUPPORT, place=place, start_date=start,
                                            end_date=start.replace(year=start.year + 1, month=7, day=15), note=note))  # fmt: skip
        self._save(Posting, postings, "交流支教")

    # ---- users and the note ----

    def users(self) -> list[Login]:
        departments = {}
        for name, grants in DEPARTMENTS:
            dept, _ = Department.objects.update_or_create(
                name=name, defaults={"grants": {m: list(a) for m, a in grants.items() if m in MODULES}}
            )
            departments[name] = dept
        schools = {
            "primary": self.schools[self.plan.primary_demo],
            "junior": self.schools[self.plan.junior_demo],
        }
        existing = set(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
        password = make_password(settings.DEMO_PASSWORD)  # one hash for all: PBKDF2 costs ~0.2 s each
        logins, new = [], []
        for username, display, role, dept, which in DEMO_USERS:
            org = schools.get(which)
            unit = org.name if org else (dept or "教育局")
            logins.append(Login(username, str(Role(role).label), unit, created=username not in existing))
            if username in existing:
                continue  # an operator's own account with a demo name is left alone
            user = User(username=username, display_name=display, role=role, org=org, staff=self.own_staff(role, org),
                        department=departments.get(dept), password=password, date_joined=self.joined)  # fmt: skip
            user.apply_role_defaults()
            new.append(user)
        User.objects.bulk_create(new)
        self.counts["用户"] = len(new)
        return logins

    @staticmethod
    def own_staff(role, school):
        """The 班主任's staff record (the head teacher of the school's first class) and the 校医's."""
        if role == Role.HEAD_TEACHER:
            first = (
                SchoolClass.objects.filter(school=school, school_year__is_current=True, head_teacher__isnull=False)
                .order_by("grade", "class_no")
                .first()
            )
            return first.head_teacher if first else None
        if role == Role.SCHOOL_DOCTOR:
            return Staff.objects.filter(school=school, post_type="校医").order_by("pk").first()
        return None

    def note(self, seed, scale):
        summary = "；".join(f"{k} {v}" for k, v in self.counts.items())
        record = changelog.record(
            ChangeAction.CREATE,
            self.district,
            after={
                "说明": f"生成演示数据（种子 {seed}，规模 {SCALE_LABELS[scale]}）：{summary}。演示数据为初始数据，未逐条记录变更。"
            },
        )
        ChangeRecord.objects.bulk_create([record])


def _insert(model, rows: list[dict]) -> None:
    """Write rows (dicts keyed by field attname, all with the same keys): COPY on PostgreSQL,
    one executemany elsewhere.

    Used for the big tables: building model instances and going through Django's insert
    compiler would take longer than the rest of the build together.
    """
    if not rows:
        return
    fields = list(rows[0])
    # Fields the rows leave out (e.g. one added to the model later) get their model default.
    defaults = tuple(
        f.get_default() for f in model._meta.concrete_fields if not f.primary_key and f.attname not in rows[0]
    )
    columns = [model._meta.get_field(f).column for f in fields] + [
        f.column for f in model._meta.concrete_fields if not f.primary_key and f.attname not in rows[0]
    ]
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
    values = (tuple(row[f] for f in fields) + defaults for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than executemany on PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(fields) + len(defaults)))})"
            cursor.executemany(sql, list(values))


def _capacity(stage: str, grade: int) -> int:
    if grade <= 0:
        return 35
    if grade <= 5:
        return 45
    return 50
