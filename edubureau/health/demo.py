"""Demo data of the daily health report, placed around the day the demo is built: the 晨检 report of
every class for every school day of the current term up to yesterday (`report_days`: in the
holidays the term just ended, and the previous term as well while the current one has fewer than 20
school days behind it), with the sick records behind them, the school-day rollups and the alerts;
and, for comparison with a year before, rollups only for the school days one year earlier.

What it shows:
- a seasonal wave over a background of ordinary illness, visible in the trend by 学段 and in the
  symptom mix: in 第一学期 influenza-like illness peaking around New Year, in 第二学期 a smaller
  wave in March (influenza B, with some vomiting and diarrhoea);
- three injected clusters the rules must catch, all in the last three weeks of reports: 诺如
  (vomiting/diarrhoea) in one class of the demo primary school, spreading to its neighbours
  (班级呕吐腹泻聚集 + 诺如病毒感染聚集); 水痘 in the demo junior school (水痘聚集); 流行性腮腺炎 in
  another primary school (腮腺炎聚集);
- alerts in every state of the workflow, as far as they would have got by today: the last few
  days' still 新建 or 已核实, the last fortnight's reported and being handled, older ones mostly
  closed (or marked 误报), each with the history of events that took it there, all in the past;
- two schools that often report late, one that misses scattered days and one that has not
  reported for the last two days (the chase list);
- staff status for the last 20 school days.

Everything is simulated in memory and written with COPY / executemany (pks assigned here, so the
cases can point at their reports and the alerts at their evidence without reading anything back).
Rule alerts come from the same rules module the submissions use (`rules.sweep` over the detailed
weeks), statistical alerts from the same EARS function (`services.ears_today`) on the same rollup
series, for every day written. Deterministic for a seed and the day it runs on.

The reports bypass `services.submit_class_report` for speed (a term of the full district is hundreds
of thousands of reports): test_demo holds what is written here to the one validator
(`services.validate_class_report` accepts every demo report with cases). Their payload_hash is "demo",
so the first resubmission of a demo report through the page or the API is "replaced" (a new version),
not "unchanged".
"""

from __future__ import annotations

import datetime
import json
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from edubureau.accounts.models import User
from edubureau.core import caching
from edubureau.org.models import School, SchoolStatus
from edubureau.people.calendar import school_days
from edubureau.people.models import SchoolClass, SchoolYear, Staff, Student, StudentStatus, Term

from . import rules
from . import symptoms as sym
from .models import (
    Alert,
    AlertEvent,
    AlertStatus,
    ClassReport,
    ClassReportVersion,
    ClusterRule,
    SchoolDayRollup,
    SickCase,
    StaffHealthReport,
    StaffSickCase,
)
from .queries import same_day_last_year
from .services import STATISTICAL_HISTORY, STATISTICAL_RULE, alerting, ears_today, statistical_detail

TZ = ZoneInfo("Asia/Shanghai")


class _Names(dict):
    def __missing__(self, mask):
        self[mask] = sym.to_names(mask)
        return self[mask]


SYMPTOM_NAMES = _Names()
B = sym.BIT


@dataclass(frozen=True)
class Wave:
    """A seasonal wave of illness: extra new illnesses per pupil and school day, a Gaussian in time."""

    month: int
    day: int  # the peak, in the term's calendar year
    height: float  # extra incidence at the peak
    width: float  # σ in calendar days
    gi_share: float  # the share of vomiting/diarrhoea among the wave's illnesses

    def peak(self, term_year: int) -> datetime.date:
        return datetime.date(term_year, self.month, self.day)

    def start(self, term_year: int) -> datetime.date:
        """Statistical alerts before this (and outside a rule cluster) count as false alarms."""
        return self.peak(term_year) - datetime.timedelta(days=round(1.8 * self.width))

    def at(self, day: datetime.date, term_year: int) -> float:
        return self.height * math.exp(-(((day - self.peak(term_year)).days / self.width) ** 2) / 2)


# 第一学期: influenza peaking around New Year; 第二学期: a smaller wave in March (influenza B and norovirus).
WAVES = {1: Wave(12, 31, 0.0032, 13.0, 0.0), 2: Wave(3, 20, 0.0016, 12.0, 0.35)}
BASE_INCIDENCE = 0.0030  # new illnesses per pupil and school day outside the wave
PERSONAL_RATE = 0.004
STAFF_DAYS = 20
MIN_TERM_DAYS = 20  # fewer school days of the current term behind today: the previous term is written too

# Days without a new case after a cluster's last one before its alert is closed (about the longest
# incubation period); other rule alerts 7 days, statistical ones 4.
OBSERVATION_DAYS = {"school-varicella": 21, "school-mumps": 25, "school-norovirus": 3, "class-gi": 3}
# How long each step waits after the one before: [((fewest, most) hours, weight)]. Most alerts move on
# the same day; some wait a day or more (a doctor away, a CDC investigation taking its time).
STEP_WAITS = {
    AlertStatus.VERIFIED: [((1, 5), 6), ((20, 40), 3), ((60, 90), 1)],
    AlertStatus.REPORTED: [((1, 3), 6), ((20, 48), 4)],
    AlertStatus.HANDLING: [((2, 8), 4), ((24, 72), 3), ((96, 168), 3)],  # after the CDC's investigation
    AlertStatus.CLOSED: [((3, 10), 1)],
    AlertStatus.FALSE_ALARM: [((2, 8), 7), ((24, 60), 3)],
}
STEP_NOTES = {
    AlertStatus.NEW: "系统自动发现。",
    AlertStatus.FALSE_ALARM: "核实为散发病例，非聚集。",
    AlertStatus.REPORTED: "已通过传染病网络直报系统报告区疾控中心。",
    AlertStatus.CLOSED: "观察期内无新发病例，结束处置。",
}

# Background illness: (weight, symptom sets, possible diagnoses when seen by a doctor)
BACKGROUND = [
    (30, [B["发热"], B["发热"] | B["头痛"], B["发热"] | B["乏力"]], ["非传染性疾病", "其他"]),
    (20, [B["咳嗽"], B["咽痛"], B["咳嗽"] | B["咽痛"]], ["非传染性疾病", "其他"]),
    (14, [B["腹痛"], B["腹泻"], B["呕吐"], B["腹痛"] | B["腹泻"]], ["其他感染性腹泻", "非传染性疾病"]),
    (14, [B["头痛"], B["头晕"], B["头晕"] | B["乏力"]], ["非传染性疾病"]),
    (16, [B["其他"]], ["非传染性疾病", "其他"]),
    (3, [B["皮疹"], B["发热"] | B["皮疹"]], ["非传染性疾病", "手足口病", "水痘"]),
    (3, [B["结膜充血"]], ["非传染性疾病", "急性出血性结膜炎"]),
]
OTHER_TEXT = ["牙痛", "外伤", "过敏", "鼻出血", "术后复查", "扭伤"]
ILI = [
    B["发热"] | B["咳嗽"],
    B["发热"] | B["咽痛"],
    B["发热"] | B["咳嗽"] | B["咽痛"],
    B["发热"] | B["咳嗽"] | B["乏力"],
]


@dataclass
class Illness:
    student: int
    start: int  # index of the first school day absent
    days: int  # school days absent
    onset: datetime.date
    symptoms: int
    diagnosis: str
    seen_doctor: bool
    other: str = ""

    @property
    def names(self) -> list[str]:
        return SYMPTOM_NAMES[self.symptoms]


def _local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), TZ) + datetime.timedelta(minutes=minute)


def report_days(today: datetime.date) -> tuple[list[datetime.date], dict[datetime.date, Term]]:
    """The school days the demo reports on, and the term of each: the current term (the one
    yesterday is in, or the last one ended) up to yesterday, preceded by the whole previous term
    while the current one has fewer than MIN_TERM_DAYS school days."""
    yesterday = today - datetime.timedelta(days=1)
    terms = list(
        Term.objects.filter(start_date__lte=yesterday).select_related("school_year").order_by("start_date")
    )
    if not terms:
        return [], {}
    chosen = [terms[-1]]
    days = school_days(terms[-1].start_date, min(terms[-1].end_date, yesterday))
    if len(days) < MIN_TERM_DAYS and len(terms) > 1:
        chosen.insert(0, terms[-2])
        days = school_days(terms[-2].start_date, terms[-2].end_date) + days
    term_of = {}
    for day in days:
        term_of[day] = next(t for t in chosen if t.start_date <= day <= t.end_date)
    return days, term_of


def term_year(term: Term) -> int:
    """The calendar year of a term's wave: the autumn's for 第一学期, the spring's for 第二学期."""
    return term.school_year.start_year + (term.number == 2)


def build(seed: int, scale: str, progress) -> dict[str, int]:
    today = timezone.localdate()
    days, term_of = report_days(today)
    year = SchoolYear.current()
    if not days or year is None:
        return {}
    progress("健康日报")
    builder = _Builder(random.Random(seed * 31 + 3), np.random.default_rng(seed), year, days, term_of, today)
    return builder.build()


def wipe() -> None:
    """One DELETE per table, children first (the ORM's delete would load every row to cascade)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in [AlertEvent, Alert.evidence.through, Alert, SickCase, ClassReportVersion, ClassReport,
                      StaffSickCase, StaffHealthReport, SchoolDayRollup]:  # fmt: skip
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")


class _Builder:
    def __init__(self, rng: random.Random, np_rng, year, days, term_of, today):
        self.rng, self.np_rng = rng, np_rng
        self.days, self.today = days, today
        # each day's wave: (the term's wave, its calendar year)
        self.season = [(WAVES[term_of[d].number], term_year(term_of[d])) for d in days]
        classes = SchoolClass.objects.filter(school_year=year, school__status=SchoolStatus.OPEN)
        self.classes = list(classes.order_by("pk").values_list("pk", "school_id"))
        self.pupils: dict[int, list[int]] = defaultdict(list)
        rows = Student.objects.filter(school_class__in=classes, status=StudentStatus.STUDYING)
        for pk, class_id in rows.order_by("pk").values_list("pk", "school_class_id"):
            self.pupils[class_id].append(pk)
        self.schools = dict(School.objects.filter(status=SchoolStatus.OPEN).values_list("pk", "stage"))
        self.class_count = defaultdict(int)
        for _pk, school_id in self.classes:
            self.class_count[school_id] += 1
        self.counts: dict[str, int] = {}

    # ------------------------------------------------------------ the plan

    def _special_schools(self):
        users = dict(
            User.objects.filter(username__in=["xiaoxue_admin", "chuzhong_admin"]).values_list(
                "username", "org_id"
            )
        )
        with_classes = sorted(self.class_count)
        primary = users.get("xiaoxue_admin") or with_classes[0]
        junior = users.get("chuzhong_admin") or with_classes[-1]
        others = [s for s in with_classes if s not in (primary, junior)]
        self.rng.shuffle(others)
        picks = others[:5] + [primary, junior] * 3
        self.late_schools = set(picks[:2])
        self.gappy_school = picks[2]
        self.silent_school = picks[3]  # has not reported for the last two days
        self.mumps_school = next((s for s in others[4:] if self.schools[s] == "小学"), picks[4])
        self.primary, self.junior = primary, junior

    def _school_factor(self) -> dict[int, float]:
        factors = {}
        for school_id, stage in sorted(self.schools.items()):
            base = 1.3 if stage == "幼儿园" else (0.8 if stage in ("高中", "完全中学", "中职") else 1.0)
            factors[school_id] = base * self.rng.uniform(0.7, 1.3)
        return factors

    # ------------------------------------------------------------ illnesses

    def _background(self, day_index: int, student: int) -> Illness:
        rng = self.rng
        _w, sets, diagnoses = rng.choices(BACKGROUND, weights=[b[0] for b in BACKGROUND])[0]
        symptoms = rng.choice(sets)
        seen = rng.random() < 0.45
        diagnosis = (
            rng.choice(diagnoses)
            if seen and rng.random() < 0.8
            else ("" if rng.random() < 0.5 else "未就诊/不明")
        )
        other = rng.choice(OTHER_TEXT) if symptoms & B["其他"] else ""
        days = rng.choice([1, 1, 1, 2, 2, 3])
        if diagnosis in ("手足口病", "水痘", "急性出血性结膜炎"):
            days = rng.choice([5, 6, 7])
        return self._illness(student, day_index, days, symptoms, diagnosis, seen, other)

    def _flu(self, day_index: int, student: int) -> Illness:
        """An illness of the season's wave: influenza-like, or in spring sometimes vomiting/diarrhoea."""
        rng = self.rng
        seen = rng.random() < 0.6
        wave, _year = self.season[day_index]
        if wave.gi_share and rng.random() < wave.gi_share:
            diagnosis = ("其他感染性腹泻" if rng.random() < 0.6 else "未就诊/不明") if seen else ""
            symptoms = rng.choice([B["呕吐"] | B["腹泻"], B["腹泻"] | B["腹痛"], B["呕吐"]])
            return self._illness(student, day_index, rng.choice([1, 2, 2]), symptoms, diagnosis, seen)
        diagnosis = ("流行性感冒" if rng.random() < 0.6 else "未就诊/不明") if seen else ""
        return self._illness(student, day_index, rng.choice([2, 3, 3, 4]), rng.choice(ILI), diagnosis, seen)

    def _illness(self, student, start, days, symptoms, diagnosis, seen, other="") -> Illness:
        first = self.days[start]
        onset = first - datetime.timedelta(days=self.rng.choice([0, 0, 1]))
        return Illness(student, start, days, onset, symptoms, diagnosis, seen, other)

    def _injected(self) -> dict[int, list[Illness]]:
        """The clusters: by class, illnesses the simulation adds on top of the random ones, in the
        last three weeks of reports (`ago`: school days before the last day reported; squeezed into
        the days since the term began when it began less than three weeks ago)."""
        extra: dict[int, list[Illness]] = defaultdict(list)
        last = len(self.days) - 1
        recent = sum((self.today - d).days <= 21 for d in self.days)
        in_term = (self.today - self.days[-1]).days <= 7
        squeeze = (recent - 1) / 15 if in_term and 0 < recent < 16 else 1.0

        def class_of(school_id, n):
            ids = [c for c, s in self.classes if s == school_id]
            return ids[min(n, len(ids) - 1)]

        def add(class_id, ago, count, symptoms, diagnosis, days, offset=0):
            pupils = self.pupils[class_id][offset : offset + count]
            start = max(0, last - round(ago * squeeze))
            for p in pupils:
                extra[class_id].append(self._illness(p, start, days, symptoms, diagnosis, diagnosis != ""))

        noro = class_of(self.primary, 2)
        gi = B["呕吐"] | B["腹泻"]
        add(noro, 6, 4, gi | B["腹痛"], "", 2)
        add(noro, 5, 3, gi, "诺如病毒感染", 2, offset=4)
        add(class_of(self.primary, 3), 5, 2, B["呕吐"], "", 2)
        add(class_of(self.primary, 1), 4, 3, gi, "诺如病毒感染", 2)
        for n, ago in enumerate([14, 12, 10]):
            add(class_of(self.junior, n * 2), ago, 2, B["发热"] | B["皮疹"], "水痘", 7, offset=10 + 2 * n)
        mumps = B["发热"] | B["腮腺肿大"]
        for n, ago in enumerate([11, 9, 7]):
            add(class_of(self.mumps_school, n), ago, 2, mumps, "流行性腮腺炎", 6, offset=5 + 2 * n)
        return extra

    # ------------------------------------------------------------ the simulation

    def build(self) -> dict[str, int]:
        if not self.classes or not self.days:
            return {}
        self._special_schools()
        factor = self._school_factor()
        sizes = np.array([len(self.pupils[c]) for c, _s in self.classes], dtype=float)
        weights = np.array([factor[s] for _c, s in self.classes])
        active: dict[int, list[Illness]] = defaultdict(list)
        injected = self._injected()
        n_days = len(self.days)
        last = self.days[-1]
        report_id = (ClassReport.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        case_id = (SickCase.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        reports, cases = [], []
        rollups: dict[tuple, dict] = {}
        minutes = [datetime.timedelta(minutes=m) for m in range(24 * 60)]
        late_schools = self.late_schools
        for t, day in enumerate(self.days):
            season, season_year = self.season[t]
            wave = season.at(day, season_year)
            new_background = self.np_rng.poisson(sizes * weights * BASE_INCIDENCE).tolist()
            new_flu = self.np_rng.poisson(sizes * weights * wave).tolist()
            personal = self.np_rng.poisson(sizes * PERSONAL_RATE).tolist()
            late_draw = self.np_rng.random(len(self.classes)).tolist()
            minute_draw = self.np_rng.integers(0, 120, len(self.classes)).tolist()
            missing = {self.gappy_school} if self.rng.random() < 0.08 else set()
            if t >= n_days - 2:
                missing.add(self.silent_school)
            midnight = datetime.datetime.combine(day, datetime.time(0), TZ)
            for i, (class_id, school_id) in enumerate(self.classes):
                current = active.get(class_id)
                if current:
                    current = [ill for ill in current if ill.start + ill.days > t]
                if new_background[i] or new_flu[i] or class_id in injected:
                    current = self._new_illnesses(
                        t, class_id, current or [], injected, new_background[i], new_flu[i]
                    )
                active[class_id] = current
                if school_id in missing:
                    continue
                expected = len(self.pupils[class_id])
                sick = len(current) if current else 0
                away = min(personal[i], expected - sick)
                late = late_draw[i] < (0.6 if school_id in late_schools else 0.015)
                at = midnight + minutes[(571 + minute_draw[i] // 2) if late else (440 + minute_draw[i])]
                present = expected - sick - away
                reports.append((report_id, school_id, class_id, day, "晨检", expected, present, sick, away,
                                sick + away == 0, True, 1, "demo", at, late, "demo"))  # fmt: skip
                roll = rollups.get((school_id, day))
                if roll is None:
                    roll = rollups[(school_id, day)] = _new_rollup(
                        school_id, day, self.schools[school_id], self.class_count[school_id]
                    )
                roll["classes_reported"] += 1
                roll["classes_late"] += late
                roll["expected"] += expected
                roll["present"] += present
                roll["sick"] += sick
                roll["personal"] += away
                if current:
                    symptom_counts, diagnosis_counts = roll["symptom_counts"], roll["diagnosis_counts"]
                    for ill in current:
                        cases.append((case_id, report_id, school_id, class_id, ill, day))
                        case_id += 1
                        for name in ill.names:
                            symptom_counts[name] = symptom_counts.get(name, 0) + 1
                        if ill.diagnosis:
                            diagnosis_counts[ill.diagnosis] = diagnosis_counts.get(ill.diagnosis, 0) + 1
                    roll["cases"] += sick
                report_id += 1
        self._write_reports(reports, cases, last)
        self._staff(rollups)
        self._write_rollups(rollups)
        self._alerts(cases, rollups)
        self._last_year(factor)
        return self.counts

    def _new_illnesses(self, t, class_id, current, injected, n_background, n_flu) -> list[Illness]:
        pupils = self.pupils[class_id]
        busy = {ill.student for ill in current}
        for ill in injected.get(class_id, ()):
            if ill.start == t and ill.student not in busy:
                current.append(ill)
                busy.add(ill.student)
        for maker, n in ((self._background, n_background), (self._flu, n_flu)):
            for _ in range(n):
                student = pupils[self.rng.randrange(len(pupils))] if pupils else None
                if student is not None and student not in busy:
                    busy.add(student)
                    current.append(maker(t, student))
        return current

    # ------------------------------------------------------------ writing

    def _write_reports(self, reports, cases, last) -> None:
        _copy(ClassReport, ["id", "school_id", "school_class_id", "date", "session", "expected", "present", "sick",
                            "personal", "zero_report", "counts_for_day", "version", "payload_hash", "submitted_at",
                            "late", "source"], reports)  # fmt: skip
        rows = []
        for pk, report_id, school_id, class_id, ill, day in cases:
            end = ill.start + ill.days  # the index of the return day
            back = self.days[end] if end < len(self.days) else None
            expected_return = back or last + datetime.timedelta(days=3)
            closed = back is not None and back <= last
            needs = ill.diagnosis in sym.NEEDS_CERTIFICATE
            rows.append((pk, report_id, school_id, class_id, ill.student, day, ill.symptoms, ill.other, ill.onset,
                         ill.seen_doctor, ill.diagnosis, expected_return,
                         back if closed else None, closed and needs, ill.days if closed else None, closed))  # fmt: skip
        _copy(SickCase, ["id", "report_id", "school_id", "school_class_id", "student_id", "date", "symptoms",
                         "other_symptoms", "onset", "seen_doctor", "diagnosis", "expected_return", "returned_on",
                         "certificate", "days_missed", "closed"], rows)  # fmt: skip
        _reset_sequences([ClassReport, SickCase])
        self.counts["班级健康日报"] = len(reports)
        self.counts["因病缺课登记"] = len(rows)

    def _write_rollups(self, rollups) -> None:
        rows = []
        for r in rollups.values():
            r["classes_on_time"] = r["classes_reported"] - r["classes_late"]
            r.setdefault("staff_on_duty", None)
            r.setdefault("staff_sick", None)
            rows.append(r)
        _copy_dicts(SchoolDayRollup, rows)
        _reset_sequences([SchoolDayRollup])
        caching.written(SchoolDayRollup)  # raw writes send no signal: renew what server processes remember
        self.counts["学校日汇总"] = len(rows)

    def _staff(self, rollups) -> None:
        staff = defaultdict(list)
        for pk, school_id in (
            Staff.objects.filter(status="在职").order_by("pk").values_list("pk", "school_id")
        ):
            staff[school_id].append(pk)
        reports, sick_rows = [], []
        report_id = (StaffHealthReport.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        for day in self.days[-STAFF_DAYS:]:
            for school_id in sorted(self.class_count):
                roll = rollups.get((school_id, day))
                members = staff.get(school_id)
                if roll is None or not members:
                    continue
                sick = [m for m in members if self.rng.random() < 0.008]
                personal = sum(self.rng.random() < 0.005 for _ in range(3))
                total = len(members)
                reports.append((report_id, school_id, day, total, total - len(sick) - personal, len(sick), personal, 1,
                                "demo", _local(day, 8, self.rng.randrange(60)), False, "demo"))  # fmt: skip
                for member in sick:
                    sick_rows.append((report_id, school_id, member, day, self.rng.choice(ILI + [B["头痛"], B["咽痛"]]),
                                      day - datetime.timedelta(days=1), self.rng.random() < 0.5))  # fmt: skip
                roll["staff_on_duty"], roll["staff_sick"] = total - len(sick) - personal, len(sick)
                report_id += 1
        _copy(StaffHealthReport, ["id", "school_id", "date", "staff_total", "on_duty", "sick", "personal", "version",
                                  "payload_hash", "submitted_at", "late", "source"], reports)  # fmt: skip
        _copy(
            StaffSickCase,
            [
                "report_id",
                "school_id",
                "staff_id",
                "date",
                "symptoms",
                "onset",
                "seen_doctor",
                "other_symptoms",
                "diagnosis",
            ],
            [row + ("", "") for row in sick_rows],
        )
        _reset_sequences([StaffHealthReport])
        self.counts["教职工健康日报"] = len(reports)

    # ------------------------------------------------------------ a year before

    def _last_year(self, factor: dict[int, float]) -> None:
        """Rollups only (no reports) for the school days a year before the days written, so that
        a day can be compared with the same time last year: each school's pupils and classes of
        today, last year's terms' waves (a little stronger or weaker), complete and mostly
        punctual reporting. Drawn per day for all schools at once."""
        first, last = same_day_last_year(self.days[0]), same_day_last_year(self.days[-1])
        days = school_days(first, last)
        terms = Term.objects.filter(start_date__lte=last, end_date__gte=first).select_related("school_year")
        terms = list(terms)
        if not days or not terms:
            return
        schools = sorted(self.class_count)
        pupils = defaultdict(int)
        for class_id, school_id in self.classes:
            pupils[school_id] += len(self.pupils[class_id])
        expected = np.array([pupils[s] for s in schools])
        classes = np.array([self.class_count[s] for s in schools])
        weight = np.array([factor[s] for s in schools])
        late_share = np.array([0.6 if s in self.late_schools else 0.015 for s in schools])
        strength = {n: self.rng.uniform(0.8, 1.25) for n in WAVES}
        rows = []
        for day in days:
            term = next((t for t in terms if t.start_date <= day <= t.end_date), None)
            if term is None:
                continue
            wave = WAVES[term.number]
            extra = wave.at(day, term_year(term)) * strength[term.number] * 3  # ~3 days away each
            background = BASE_INCIDENCE * 1.8
            share = extra / (extra + background)
            sick = self.np_rng.poisson(expected * weight * (background + extra))
            sick = np.minimum(sick, expected)
            personal = np.minimum(self.np_rng.poisson(expected * PERSONAL_RATE), expected - sick)
            late = self.np_rng.binomial(classes, late_share)
            gi = 0.12 + wave.gi_share * share
            symptoms = {
                name: self.np_rng.binomial(sick, min(p, 1.0)).tolist()
                for name, p in (("发热", 0.3 + 0.6 * share), ("咳嗽", 0.2 + 0.5 * share), ("咽痛", 0.15 + 0.3 * share),
                                ("腹泻", gi), ("呕吐", gi * 0.8), ("头痛", 0.12), ("其他", 0.15))
            }  # fmt: skip
            diagnoses = {
                name: self.np_rng.binomial(sick, min(p, 1.0)).tolist()
                for name, p in (("流行性感冒", 0.35 * share * (1 - wave.gi_share)), ("其他感染性腹泻", 0.3 * gi),
                                ("非传染性疾病", 0.2))
            }  # fmt: skip
            for k, school_id in enumerate(schools):
                if not expected[k]:
                    continue
                row = _new_rollup(school_id, day, self.schools[school_id], int(classes[k]))
                n_sick, n_personal = int(sick[k]), int(personal[k])
                row.update(
                    classes_reported=int(classes[k]), classes_late=int(late[k]), expected=int(expected[k]),
                    present=int(expected[k]) - n_sick - n_personal, sick=n_sick, personal=n_personal, cases=n_sick,
                    symptom_counts={n: c[k] for n, c in symptoms.items() if c[k]},
                    diagnosis_counts={n: c[k] for n, c in diagnoses.items() if c[k]},
                )  # fmt: skip
                row["classes_on_time"] = row["classes_reported"] - row["classes_late"]
                row["staff_on_duty"] = row["staff_sick"] = None
                rows.append(row)
        _copy_dicts(SchoolDayRollup, rows)
        caching.written(SchoolDayRollup)
        self.counts["学校日汇总（去年同期）"] = len(rows)

    # ------------------------------------------------------------ alerts

    def _alerts(self, cases, rollups) -> None:
        rule_rows = {r.code: r for r in ClusterRule.objects.filter(active=True)}
        specs = [rules.Rule(r.code, r.level, r.window_days, r.threshold, r.diagnosis, r.symptoms_all, r.symptoms_any,
                            r.day_threshold) for r in rule_rows.values()]  # fmt: skip
        by_school: dict[int, list[rules.Case]] = defaultdict(list)
        for pk, _report, school_id, class_id, ill, day in cases:
            by_school[school_id].append(
                rules.Case(pk, ill.student, class_id, day, ill.symptoms, ill.diagnosis)
            )
        alerts, evidence, events = [], [], []
        explained = set()  # (school, day) inside a rule cluster: a statistical alert there is a true one
        alert_id = (Alert.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        for school_id in sorted(by_school):
            for episode in rules.sweep(specs, by_school[school_id]):
                row = rule_rows[episode.rule.code]
                alerts.append(self._alert(alert_id, "rule", row, school_id, episode.class_id, episode.first_date,
                                          episode.last_date, episode.students, {}))  # fmt: skip
                evidence.extend((alert_id, c.id) for c in episode.cases)
                alert_id += 1
                for n in range((episode.last_date - episode.first_date).days + 4):
                    explained.add((school_id, episode.first_date + datetime.timedelta(days=n)))
        statistical = false_alarms = 0
        case_ids = defaultdict(list)
        for pk, _report, school_id, _class, _ill, day in cases:
            case_ids[(school_id, day)].append(pk)
        for school_id in sorted(self.class_count):
            series = [(d, rollups[(school_id, d)]) for d in self.days if (school_id, d) in rollups]
            series = [(d, r) for d, r in series if r["expected"]]
            if len(series) < 12:
                continue
            history = [(r["sick"], r["expected"]) for _d, r in series]
            window = STATISTICAL_HISTORY + 1
            results = [ears_today(history[max(0, k + 1 - window) : k + 1]) for k in range(len(history))]
            episode = None
            for (day, r), res in zip(series, results, strict=True):
                if not alerting(res):
                    continue
                if episode and (day - episode["last"]).days <= 4:
                    episode.update(last=day, cases=max(episode["cases"], r["sick"]), detail=_detail(r, res))
                    episode["days"].append(day)
                    continue
                episode = {
                    "first": day,
                    "last": day,
                    "cases": r["sick"],
                    "detail": _detail(r, res),
                    "days": [day],
                }
                statistical += 1
                wave, wave_year = self.season[self.days.index(day)]
                false_alarm = day < wave.start(wave_year) and (school_id, day) not in explained
                false_alarms += false_alarm
                alerts.append(self._alert(alert_id, "statistical", None, school_id, None, day, day, r["sick"],
                                          episode["detail"], episode=episode, false_alarm=false_alarm))  # fmt: skip
                episode["alert"] = alerts[-1]
                alert_id += 1
        # statistical episodes grew after their rows were built: finish the rows
        for row in alerts:
            ep = row.pop("_episode", None)
            if ep:
                row["last_date"], row["cases"], row["detail"] = ep["last"], ep["cases"], ep["detail"]
                evidence.extend((row["id"], pk) for d in ep["days"] for pk in case_ids[(row["school_id"], d)])
            self._history(row, events)
        _copy_dicts(Alert, alerts)
        _copy(Alert.evidence.through, ["alert_id", "sickcase_id"], sorted(set(evidence)))
        _copy(AlertEvent, ["alert_id", "at", "from_status", "to_status", "note"], events)
        _reset_sequences([Alert])
        self.counts["预警（规则）"] = len(alerts) - statistical
        self.counts["预警（统计）"] = statistical
        self.counts["统计预警·流感季前（误报）"] = false_alarms

    def _alert(self, pk, kind, rule, school_id, class_id, first, last_day, n, detail, episode=None,
               false_alarm=False) -> dict:  # fmt: skip
        """An alert row; its status and history are filled in by _history once its days are known."""
        row = {
            "id": pk, "kind": kind, "rule_id": rule.pk if rule else None,
            "rule_code": rule.code if rule else STATISTICAL_RULE, "level": rule.level if rule else "school",
            "school_id": school_id, "school_class_id": class_id, "class_key": class_id or 0, "first_date": first,
            "last_date": last_day, "cases": n, "detail": detail, "status": AlertStatus.NEW, "assignee_id": None,
            "report_due": None, "created_at": None, "updated_at": None, "verified_at": None, "reported_at": None,
            "closed_at": None, "_false_alarm": false_alarm,
        }  # fmt: skip
        if episode is not None:
            row["_episode"] = episode
        return row

    def _history(self, row: dict, events: list) -> None:
        """How far the alert has got by today, and the events that took it there: found the day
        its cluster was clear (10:05); verified within hours (sometimes only after a day or two);
        a school-level rule cluster reported to the CDC; handled; closed once the observation period
        after its last case (OBSERVATION_DAYS) has passed without new cases. A statistical alert
        is verified and closed after a few days, or marked 误报. Steps from today on have not
        happened yet, so nothing is dated in the future."""
        rng, rule = self.rng, row["rule_code"]
        first, last_day = row["first_date"], row["last_date"]
        created = _local(min(first + datetime.timedelta(days=2), last_day), 10, 5)

        def after(at, status):
            """The moment of the next step: a wait drawn from STEP_WAITS, in office hours."""
            spans = STEP_WAITS[status]
            low, high = rng.choices([s for s, _w in spans], weights=[w for _s, w in spans])[0]
            at += datetime.timedelta(hours=rng.randint(low, high), minutes=rng.randrange(60))
            if at.astimezone(TZ).hour >= 18:
                at += datetime.timedelta(hours=14)
            if at.astimezone(TZ).hour < 8:
                at = at.astimezone(TZ).replace(hour=8)
            return at

        steps, at = [(AlertStatus.NEW, created)], created
        if row.pop("_false_alarm"):
            steps.append((AlertStatus.FALSE_ALARM, after(at, AlertStatus.FALSE_ALARM)))
        else:
            at = after(at, AlertStatus.VERIFIED)
            steps.append((AlertStatus.VERIFIED, at))
            if row["kind"] == "rule":
                if row["level"] == "school":
                    at = after(at, AlertStatus.REPORTED)
                    steps.append((AlertStatus.REPORTED, at))
                at = after(at, AlertStatus.HANDLING)
                steps.append((AlertStatus.HANDLING, at))
            observe = OBSERVATION_DAYS.get(rule, 7 if row["kind"] == "rule" else 4)
            ends = _local(last_day + datetime.timedelta(days=observe), 15, rng.randrange(120))
            steps.append((AlertStatus.CLOSED, max(ends, after(at, AlertStatus.CLOSED))))
        midnight = datetime.datetime.combine(self.today, datetime.time(0), TZ)
        stamps, before = {}, ""
        for status, at in steps:
            if at >= midnight:
                break  # still to come
            events.append((row["id"], at, before, status, STEP_NOTES.get(status, "")))
            stamps[status], before = at, status
        row.update(
            status=before, created_at=created, updated_at=stamps[before],
            report_due=created + datetime.timedelta(hours=24) if row["kind"] == "rule" else None,
            verified_at=stamps.get(AlertStatus.VERIFIED), reported_at=stamps.get(AlertStatus.REPORTED),
            closed_at=stamps.get(AlertStatus.CLOSED) or stamps.get(AlertStatus.FALSE_ALARM),
        )  # fmt: skip



def _new_rollup(school_id, day, stage, classes) -> dict:
    return {
        "school_id": school_id, "date": day, "stage": stage, "classes_expected": classes, "classes_reported": 0,
        "classes_on_time": 0, "classes_late": 0, "expected": 0, "present": 0, "sick": 0, "personal": 0, "cases": 0,
        "symptom_counts": {}, "diagnosis_counts": {},
    }  # fmt: skip


def _detail(r, res) -> dict:
    return statistical_detail((r["sick"], r["expected"]), res)


# ------------------------------------------------------------ set-based writes


def _copy(model, columns: list[str], rows) -> None:
    """COPY on PostgreSQL, executemany elsewhere; columns are attnames."""
    rows = list(rows)
    if not rows:
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    table = qn(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows
            )


def _copy_dicts(model, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    json_fields = {f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"}
    _copy(
        model,
        columns,
        [
            tuple(json.dumps(r[c], ensure_ascii=False) if c in json_fields else r[c] for c in columns)
            for r in rows
        ],
    )


def _reset_sequences(models) -> None:
    """Explicit ids bypass PostgreSQL's sequences: move them past the ids written."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
