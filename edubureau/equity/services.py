"""优质均衡 from the registries: gather the inputs of every school part for a school year, and run the
pure indicator, CV, what-if and optimiser modules on them. Pages, exports, the API and the CLI call these.

Where each input comes from (one GROUP BY query per source, never a loop over rows):
- students: 在读 students of the current year by the grade of their class (people.Student), or the
  year's 学年编班 (people.Enrollment) for earlier years; grades 1–5 are 小学, 6–9 初中, 10–12 高中;
- teachers: 在职 专任教师 of the staff registry (people.Staff) — 高于规定学历 by the education levels the
  settings count for each 学段, 骨干 by the honours the settings list, 体育/艺术 by subject. Staff has no
  history, so every year uses today's registry unless the school's confirmed report corrects a count;
  a teacher on a 交流轮岗/支教 posting to another school of the district counts where they work;
- areas, equipment and classrooms: the school's *confirmed* ResourceReport for the year only;
- IndicatorOverride: the bureau's value for one indicator of one part, with a reason. It is turned
  into the input that gives that value (value × students / factor), so what-if and the optimiser
  start from it too, and every result carries it flagged with the computed value and the reason.
Mixed schools are split into their compulsory parts by the settings' student weights (1 : 1.1 …);
teachers are split the same way because the registry does not say in which 学段 a teacher works.

The district CV always covers every evaluated school: callers narrow what they *show* with for_user.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from edubureau.equity import indicators as ind
from edubureau.equity.cv import StageCVs
from edubureau.equity.indicators import INDICATORS, INPUT_OF, Assessment, SchoolInputs, Settings
from edubureau.equity.models import EquitySettings, IndicatorOverride, Part, ReportStatus, ResourceReport
from edubureau.equity.optimiser import Limits, Plan, propose
from edubureau.equity.whatif import KIND_LABELS, AddResource, Move, WhatIfError, apply, evaluate
from edubureau.org.models import STAGE_GRADES, School, Stage
from edubureau.people.models import (
    Enrollment,
    Posting,
    PostType,
    SchoolYear,
    Staff,
    StaffStatus,
    Student,
    StudentStatus,
)

PARTS = (Part.PRIMARY, Part.JUNIOR)
# The 学段 parts of each kind of school the method evaluates (special and vocational schools are not).
PARTS_OF = {
    Stage.PRIMARY: (ind.PRIMARY,),
    Stage.JUNIOR: (ind.JUNIOR,),
    Stage.NINE_YEAR: (ind.PRIMARY, ind.JUNIOR),
    Stage.COMPLETE: (ind.JUNIOR,),
    Stage.TWELVE_YEAR: (ind.PRIMARY, ind.JUNIOR),
}
MIXED = (Stage.NINE_YEAR, Stage.COMPLETE, Stage.TWELVE_YEAR)
GRADE_PART = {
    **dict.fromkeys(STAGE_GRADES[Stage.PRIMARY], ind.PRIMARY),
    **dict.fromkeys(STAGE_GRADES[Stage.JUNIOR], ind.JUNIOR),
    **dict.fromkeys(STAGE_GRADES[Stage.SENIOR], ind.SENIOR),
}
SOURCE_REGISTRY, SOURCE_CORRECTION, SOURCE_REPORT, SOURCE_OVERRIDE, SOURCE_MISSING = (
    _lazy("教职工库"),
    _lazy("填报校正"),
    _lazy("已确认填报"),
    _lazy("人工调整"),
    _lazy("缺少数据"),
)


class ServiceError(ValueError):
    pass


def settings_of(saved: EquitySettings | None = None) -> Settings:
    saved = saved or EquitySettings.load()
    return Settings(
        standards={part: saved.standards_for(part) for part in PARTS},
        cv_thresholds={part: saved.cv_threshold_for(part) for part in PARTS},
        min_reached=saved.min_reached,
        floor_share=float(saved.floor_share),
        split_weights={kind: {k: float(v) for k, v in w.items()} for kind, w in saved.split_weights.items()},
    )


def school_year(year: SchoolYear | int | None = None) -> SchoolYear:
    if isinstance(year, SchoolYear):
        return year
    found = SchoolYear.current() if year is None else SchoolYear.objects.filter(start_year=year).first()
    if found is None:
        raise ServiceError(_("没有该学年，请先在学年中添加。") if year else _("还没有学年，请先添加学年。"))
    return found


@dataclass(frozen=True)
class OverrideInfo:
    value: float
    computed: float | None
    reason: str


@dataclass
class PartResult:
    """One school part for a year: where its inputs came from, and its assessment."""

    school_id: int
    code: str
    name: str
    school_stage: str  # the school's 学段 in the registry (九年一贯制 …)
    part: str  # 小学 / 初中
    inputs: SchoolInputs
    assessment: Assessment | None = None
    standards: dict = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # indicator -> where its numerator came from
    overrides: dict[str, OverrideInfo] = field(default_factory=dict)
    report_status: str | None = None  # the status of the year's resource report, None if none
    share: float = 1.0  # the part's share of a mixed school's resources
    notes: list[str] = field(default_factory=list)


@dataclass
class YearEvaluation:
    """Everything the 优质均衡 page shows for one school year.

    parts: one PartResult per evaluated school part, assessed (values, reached, passed, shortfalls,
    missing inputs); cvs: per 学段 the seven IndicatorCVs (mean, sd, cv, threshold, passed, schools
    and their contributions to the variance, excluded schools); excluded: schools not evaluated, with
    the reason (e.g. 教学点 below 50 students); settings: the rules used."""

    year: SchoolYear
    settings: Settings
    parts: list[PartResult] = field(default_factory=list)
    cvs: dict[str, StageCVs] = field(default_factory=dict)
    excluded: list[tuple[str, str, str]] = field(default_factory=list)  # (code, name, reason)

    @property
    def inputs(self) -> list[SchoolInputs]:
        return [p.inputs for p in self.parts]

    def names(self) -> dict[str, str]:
        return {p.code: p.name for p in self.parts}

    def part(self, code: str, part: str) -> PartResult | None:
        return next((p for p in self.parts if p.code == code and p.part == part), None)

    def top_contributors(self, part: str, indicator: str, n: int = 5) -> list[tuple[PartResult, float]]:
        cv = self.cvs.get(part)
        if cv is None:
            return []
        by_code = {p.code: p for p in self.parts if p.part == part}
        return [(by_code[code], share) for code, share in cv.indicators[indicator].top_contributors(n)]


def _schools(year: SchoolYear):
    return (
        School.objects.filter(stage__in=list(PARTS_OF))
        .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=year.end_date))
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year.start_date))
        .order_by("code")
    )


def _student_counts(year: SchoolYear, school_ids) -> dict[int, dict]:
    """school pk -> {小学/初中/高中/None: students}; None collects students without a class."""
    if year.is_current or year == SchoolYear.current():
        rows = Student.objects.filter(status=StudentStatus.STUDYING)
    else:
        rows = Enrollment.objects.filter(school_year=year)
    counts: dict[int, dict] = {}
    for school_id, grade, n in (
        rows.filter(school__in=school_ids)
        .order_by()
        .values("school_id", "school_class__grade")
        .annotate(n=Count("pk"))
        .values_list("school_id", "school_class__grade", "n")
    ):
        part = GRADE_PART.get(grade) if grade is not None else None
        bucket = counts.setdefault(school_id, {})
        bucket[part] = bucket.get(part, 0) + n
    return counts


def _teacher_filters(saved: EquitySettings, prefix: str = "") -> tuple[Q, Q]:
    nobody = Q(pk__in=[])
    backbone = reduce(
        or_, (Q(**{f"{prefix}honours__contains": h}) for h in saved.backbone_honour_list), nobody
    )
    pe_art = reduce(or_, (Q(**{f"{prefix}subjects__contains": s}) for s in saved.pe_art_subject_list), nobody)
    return backbone, pe_art


def _teacher_counts(saved: EquitySettings, school_ids, on: datetime.date) -> dict[int, dict]:
    """school pk -> {"by_education": {level: n}, "backbone": n, "pe_art": n} of 在职 专任教师.

    A teacher on a 交流轮岗 or 支教 posting to another school of the district on the date `on` counts at
    the school where they work, not at the one that employs them: that is what exchanges are for."""
    counts: dict[int, dict] = {}

    def add(school_id, education, total, n_backbone, n_pe_art):
        entry = counts.setdefault(school_id, {"by_education": {}, "backbone": 0, "pe_art": 0})
        entry["by_education"][education] = entry["by_education"].get(education, 0) + total
        entry["backbone"] += n_backbone
        entry["pe_art"] += n_pe_art

    backbone, pe_art = _teacher_filters(saved)
    for row in (
        Staff.objects.filter(school__in=school_ids, status=StaffStatus.ACTIVE, post_type=PostType.TEACHER)
        .order_by()
        .values("school_id", "education")
        .annotate(total=Count("pk"), backbone=Count("pk", filter=backbone), pe_art=Count("pk", filter=pe_art))
        .values_list("school_id", "education", "total", "backbone", "pe_art")
    ):
        add(*row)
    backbone, pe_art = _teacher_filters(saved, "staff__")
    postings = (
        Posting.objects.filter(
            kind__in=(Posting.Kind.EXCHANGE, Posting.Kind.SUPPORT),
            to_school__in=school_ids,
            staff__school__in=school_ids,
            staff__status=StaffStatus.ACTIVE,
            staff__post_type=PostType.TEACHER,
            start_date__lte=on,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .exclude(to_school=F("staff__school"))
        .order_by()
        .values("staff__school_id", "to_school_id", "staff__education")
        .annotate(total=Count("pk"), backbone=Count("pk", filter=backbone), pe_art=Count("pk", filter=pe_art))
        .values_list("staff__school_id", "to_school_id", "staff__education", "total", "backbone", "pe_art")
    )
    for home, host, education, total, n_backbone, n_pe_art in postings:
        add(home, education, -total, -n_backbone, -n_pe_art)
        add(host, education, total, n_backbone, n_pe_art)
    return counts


def _reference_date(year: SchoolYear) -> datetime.date:
    """The day the year's teacher postings are read on: today within the current year, else its start."""
    today = datetime.date.today()
    return today if year.start_date <= today <= year.end_date else year.start_date


def _number(value) -> float | None:
    return None if value is None else float(value)


def gather(year: SchoolYear | int | None = None, saved: EquitySettings | None = None) -> YearEvaluation:
    """The inputs of every evaluated school part of the year, not yet assessed."""
    year = school_year(year)
    saved = saved or EquitySettings.load()
    rules = settings_of(saved)
    result = YearEvaluation(year, rules)
    schools = list(_schools(year).values_list("pk", "code", "name", "short_name", "stage"))
    ids = [s[0] for s in schools]
    students = _student_counts(year, ids)
    teachers = _teacher_counts(saved, ids, _reference_date(year))
    reports = {
        r["school_id"]: r
        for r in ResourceReport.objects.filter(school_year=year, school__in=ids)
        .order_by()
        .values(
            "school_id",
            "status",
            "building_area",
            "sports_area",
            "equipment_value",
            "multimedia_classrooms",
            "qualified_teachers",
            "backbone_teachers",
            "pe_art_teachers",
        )
    }
    overrides = {
        (school_id, part, indicator): (float(value), reason)
        for school_id, part, indicator, value, reason in IndicatorOverride.objects.filter(
            school_year=year, school__in=ids
        ).values_list("school_id", "part", "indicator", "value", "reason")
    }
    levels = {part: set(saved.qualified_levels_for(part)) for part in PARTS}
    for pk, code, name, short_name, stage in schools:
        label = short_name or name
        counted = students.get(pk, {})
        staff = teachers.get(pk, {"by_education": {}, "backbone": 0, "pe_art": 0})
        report = reports.get(pk)
        confirmed = report is not None and report["status"] == ReportStatus.CONFIRMED
        parts = PARTS_OF[stage]
        notes = []
        if stage in MIXED:
            by_part = {p: counted.get(p, 0) for p in rules.split_weights[stage]}
            if counted.get(None):
                notes.append(_("%(n)s 名学生未编班，无法区分学段，未计入") % {"n": counted[None]})
        else:
            by_part = {parts[0]: sum(counted.values())}
            if sum(counted.values()) and 0 < by_part[parts[0]] < saved.small_site_students:
                result.excluded.append(
                    (
                        code,
                        label,
                        _("在校学生 %(n)s 人，少于 %(min)s 人，不参加评估")
                        % {"n": by_part[parts[0]], "min": saved.small_site_students},
                    )
                )
                continue
        qualified = {p: sum(n for lvl, n in staff["by_education"].items() if lvl in levels[p]) for p in parts}
        whole = {"backbone_teachers": staff["backbone"], "pe_art_teachers": staff["pe_art"]}
        sources = {"i1": SOURCE_REGISTRY, "i2": SOURCE_REGISTRY, "i3": SOURCE_REGISTRY}
        if confirmed:
            for key, name_ in (
                ("i1", "qualified_teachers"),
                ("i2", "backbone_teachers"),
                ("i3", "pe_art_teachers"),
            ):
                if report[name_] is not None:
                    sources[key] = SOURCE_CORRECTION
                    if key == "i1":
                        qualified = dict.fromkeys(parts, report[name_])
                    else:
                        whole[name_] = report[name_]
            for key, name_ in (
                ("i4", "building_area"),
                ("i5", "sports_area"),
                ("i6", "equipment_value"),
                ("i7", "multimedia_classrooms"),
            ):
                whole[INPUT_OF[key][0]] = _number(report[name_])
                sources[key] = SOURCE_REPORT if report[name_] is not None else SOURCE_MISSING
        else:
            whole.update(dict.fromkeys(ind.RESOURCE_INPUTS))
            sources.update(dict.fromkeys(("i4", "i5", "i6", "i7"), SOURCE_MISSING))
            notes.append(
                _("本学年没有办学资源填报")
                if report is None
                else _("办学资源填报尚未确认（%(status)s），生均面积、设备值和多媒体教室数暂缺")
                % {"status": report["status"]}
            )
        if stage in MIXED:
            shares = ind.split_shares(stage, by_part, rules.split_weights)
            split = ind.split_school(stage, code, by_part, whole, qualified, label, rules.split_weights)
        else:
            shares = {parts[0]: 1.0}
            split = [
                SchoolInputs(code, parts[0], by_part[parts[0]], qualified[parts[0]], name=label, **whole)
            ]
        for inputs in split:
            part_result = PartResult(
                pk,
                code,
                label,
                stage,
                inputs.stage,
                inputs,
                standards=rules.standards[inputs.stage],
                sources=dict(sources),
                report_status=report["status"] if report else None,
                share=shares.get(inputs.stage, 0.0),
                notes=list(notes),
            )
            _apply_overrides(part_result, overrides.get)
            result.parts.append(part_result)
    return result


def _apply_overrides(part: PartResult, lookup) -> None:
    """Turn the bureau's value of an indicator into the input that yields it, and flag it."""
    changes = {}
    for key in INDICATORS:
        found = lookup((part.school_id, part.part, key))
        if found is None:
            continue
        value, reason = found
        name, factor = INPUT_OF[key]
        computed = getattr(part.inputs, name)
        if not part.inputs.students:
            part.notes.append(_("%(indicator)s 有人工调整，但学生数为 0，无法采用") % {"indicator": key})
            continue
        part.overrides[key] = OverrideInfo(
            value, None if computed is None else factor * computed / part.inputs.students, reason
        )
        part.sources[key] = SOURCE_OVERRIDE
        changes[name] = value * part.inputs.students / factor
    if changes:
        part.inputs = part.inputs.with_changes(**changes)


def assess_year(base: YearEvaluation, inputs: list[SchoolInputs] | None = None) -> YearEvaluation:
    """Assess the gathered parts (or other inputs for the same parts, e.g. after a what-if)."""
    evaluation = evaluate(inputs if inputs is not None else base.inputs, base.settings)
    found = evaluation.by_key()
    by_key = {(i.code, i.stage): i for i in (inputs if inputs is not None else base.inputs)}
    parts = [
        PartResult(**{**p.__dict__, "inputs": by_key[p.code, p.part], "assessment": found[p.code, p.part]})
        for p in base.parts
    ]
    return YearEvaluation(base.year, base.settings, parts, evaluation.cvs, list(base.excluded))


def evaluate_year(year: SchoolYear | int | None = None) -> YearEvaluation:
    """Every school part's seven indicators and pass, and the CVs per 学段, for a school year."""
    return assess_year(gather(year))


def cv_history(years=None) -> list[tuple[SchoolYear, dict[str, StageCVs]]]:
    """The CVs of each school year (oldest first): [(year, {学段: StageCVs})]."""
    saved = EquitySettings.load()
    chosen = years if years is not None else SchoolYear.objects.order_by("start_year")
    return [(y, assess_year(gather(y, saved)).cvs) for y in chosen]


@dataclass
class WhatIfResult:
    before: YearEvaluation
    after: YearEvaluation

    def changed(self) -> list[tuple[PartResult, PartResult]]:
        after = {(p.code, p.part): p for p in self.after.parts}
        return [
            (p, after[p.code, p.part])
            for p in self.before.parts
            if p.assessment.values != after[p.code, p.part].assessment.values
        ]


def what_if_year(year: SchoolYear | int | None, changes: list[Move | AddResource]) -> WhatIfResult:
    """Every indicator and CV before and after hypothetical changes; nothing is saved.
    Raises ServiceError with a Chinese sentence when a change is impossible."""
    base = gather(year)
    try:
        changed = apply(base.inputs, changes)
    except WhatIfError as e:
        raise ServiceError(str(e)) from e
    return WhatIfResult(assess_year(base), assess_year(base, changed))


@dataclass
class ExchangePlan:
    """propose_exchanges' answer: the pure Plan (moves, status, gaps per indicator, messages), the
    year's evaluation before and after the moves, and school names for display."""

    plan: Plan
    before: YearEvaluation
    after: YearEvaluation

    @property
    def names(self) -> dict[str, str]:
        return self.before.names()


def propose_exchanges(
    year: SchoolYear | int | None, stage: str, limits: Limits | None = None
) -> ExchangePlan:
    """The fewest teacher moves within one 学段 (小学/初中) that bring its teacher CVs under the
    threshold and as many parts as possible to pass, under `limits` (see optimiser.Limits)."""
    if stage not in PARTS:
        raise ServiceError(_("学段应为小学或初中：%(stage)s") % {"stage": stage})
    base = gather(year)
    plan = propose(base.inputs, stage, limits or Limits(), base.settings)
    return ExchangePlan(plan, assess_year(base), assess_year(base, apply(base.inputs, plan.moves)))


def plan_as_dict(exchange: ExchangePlan) -> dict:
    plan, names = exchange.plan, exchange.names
    return {
        "year": exchange.before.year.start_year,
        "stage": plan.stage,
        "status": plan.status,
        "teachers_moved": plan.teachers_moved,
        "moves": [
            {
                "kind": m.kind,
                "kind_label": KIND_LABELS[m.kind],
                "from": m.source,
                "from_name": names.get(m.source, ""),
                "to": m.target,
                "to_name": names.get(m.target, ""),
                "count": m.count,
            }
            for m in plan.moves
        ],
        "cv": {
            k: {"before": g.cv_before, "after": g.cv_after, "threshold": g.threshold, "excess": g.excess}
            for k, g in plan.gaps.items()
        },
        "passing_before": plan.passing_before,
        "passing_after": plan.passing_after,
        "unaddressable": plan.unaddressable,
        "excluded": plan.excluded,
        "messages": plan.messages,
        "seconds": round(plan.seconds, 3),
    }
