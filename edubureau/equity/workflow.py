"""The resource report workflow and the bureau's overrides: the rules, once, for pages, API and import.

草稿 → 已提交 (the school) → 已确认 (the bureau) or 已退回 (the bureau, with a reason); a returned
report is edited and submitted again. Every write goes through core.changelog, so the audit log shows
who submitted, confirmed or returned a report, and when.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from edubureau.core import changelog
from edubureau.core.scope import ADD, CHANGE, scope_of
from edubureau.org.models import School, Stage
from edubureau.people.models import SchoolYear

from .models import IndicatorOverride, Part, ReportStatus, ResourceReport

# The 学段 of the schools the method evaluates, and the parts each one has.
COMPULSORY_PARTS = {
    Stage.PRIMARY: (Part.PRIMARY,),
    Stage.JUNIOR: (Part.JUNIOR,),
    Stage.NINE_YEAR: (Part.PRIMARY, Part.JUNIOR),
    Stage.COMPLETE: (Part.JUNIOR,),
    Stage.TWELVE_YEAR: (Part.PRIMARY, Part.JUNIOR),
}
FIGURES = ("building_area", "sports_area", "equipment_value", "multimedia_classrooms")
CORRECTIONS = ("qualified_teachers", "backbone_teachers", "pe_art_teachers")
EDITABLE_FIELDS = (*FIGURES, *CORRECTIONS, "correction_note", "note")


def is_bureau(user) -> bool:
    """Bureau users with the module (admin, departments granted 优质均衡): they confirm and return."""
    scope = scope_of(user)
    return scope.bureau_may("equity", CHANGE)


def parts_of(school: School) -> tuple[str, ...]:
    return COMPULSORY_PARTS.get(school.stage, ())


def check_school(school: School) -> None:
    """Only compulsory schools report; a school without a compulsory 学段 is told why."""
    if not school.stage:
        raise ValidationError(f"{school}没有登记学段，请先在学校库中填写学段。")
    if not parts_of(school):
        raise ValidationError(
            f"{school}的学段为“{school.get_stage_display()}”，不参加义务教育优质均衡评估，无需填报办学资源。"
        )


def _must_edit(report: ResourceReport) -> None:
    if not report.is_editable:
        raise ValidationError(
            f"{report}的状态为“{report.get_status_display()}”，不能修改；如需修改，请联系教育局退回。"
        )


def check_corrections(values: dict) -> None:
    """A corrected teacher count needs a note saying why it differs from the registry."""
    if (
        any(values.get(name) is not None for name in CORRECTIONS)
        and not (values.get("correction_note") or "").strip()
    ):
        raise ValidationError(
            {"correction_note": "校正教师数时须填写校正说明（如：新入职教师尚未录入教职工库）。"}
        )


@transaction.atomic
def save_report(user, school: School, school_year: SchoolYear, values: dict) -> tuple[ResourceReport, bool]:
    """Create the school's report for the year, or update its draft: idempotent per school and year.
    `values` holds any of EDITABLE_FIELDS. Returns (report, created)."""
    check_school(school)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    report = ResourceReport.objects.select_for_update().filter(school=school, school_year=school_year).first()
    created = report is None
    if created:
        _need(user, ADD, school)
        report = ResourceReport(school=school, school_year=school_year)
        before = None
    else:
        _need(user, CHANGE, school)
        _must_edit(report)
        before = changelog.snapshot(report)
    for name, value in values.items():
        setattr(report, name, value)
    check_corrections({n: getattr(report, n) for n in (*CORRECTIONS, "correction_note")})
    if created:
        changelog.create(report)
    else:
        changelog.update(report, before)
    return report, created


@transaction.atomic
def submit(user, report: ResourceReport) -> ResourceReport:
    report = _locked(report)
    _need(user, CHANGE, report.school)
    check_school(report.school)
    _must_edit(report)
    missing = report.missing_fields
    if missing:
        raise ValidationError(f"以下数据尚未填写，不能提交：{'、'.join(missing)}。")
    return _move(
        report, ReportStatus.SUBMITTED, submitted_by=user, submitted_at=timezone.now(), return_reason=""
    )


@transaction.atomic
def confirm(user, report: ResourceReport) -> ResourceReport:
    report = _locked(report)
    _need_bureau(user)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(f"只能确认已提交的填报；{report}的状态为“{report.get_status_display()}”。")
    return _move(report, ReportStatus.CONFIRMED, reviewed_by=user, reviewed_at=timezone.now())


@transaction.atomic
def return_report(user, report: ResourceReport, reason: str) -> ResourceReport:
    """Send a submitted (or a confirmed, to reopen it) report back to the school with a reason."""
    report = _locked(report)
    _need_bureau(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": "退回时须填写原因，告诉学校需要修改什么。"})
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.CONFIRMED):
        raise ValidationError(
            f"只能退回已提交或已确认的填报；{report}的状态为“{report.get_status_display()}”。"
        )
    return _move(
        report,
        ReportStatus.RETURNED,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        return_reason=reason[:300],
    )


@transaction.atomic
def set_override(
    user, school: School, school_year: SchoolYear, part: str, indicator: str, value, reason: str
):
    """Set (or change) the bureau's value of one indicator of one school part, with a reason."""
    _need_bureau(user)
    check_school(school)
    if part not in parts_of(school):
        raise ValidationError({"part": f"{school}没有{part}学段。"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "调整指标值须填写原因。"})
    override = (
        IndicatorOverride.objects.select_for_update()
        .filter(school=school, school_year=school_year, part=part, indicator=indicator)
        .first()
    )
    if override is None:
        override = IndicatorOverride(
            school=school, school_year=school_year, part=part, indicator=indicator, value=Decimal(str(value)),
            reason=reason, created_by=user,
        )  # fmt: skip
        return changelog.create(override)
    before = changelog.snapshot(override)
    override.value, override.reason, override.created_by = Decimal(str(value)), reason, user
    return changelog.update(override, before)


@transaction.atomic
def remove_override(user, override: IndicatorOverride) -> None:
    _need_bureau(user)
    changelog.delete(override)


def _locked(report: ResourceReport) -> ResourceReport:
    return (
        ResourceReport.objects.select_for_update().select_related("school", "school_year").get(pk=report.pk)
    )


def _move(report: ResourceReport, status: str, **fields) -> ResourceReport:
    before = changelog.snapshot(report)
    report.status = status
    for name, value in fields.items():
        setattr(report, name, value)
    return changelog.update(report, before)


def _need(user, action: str, school: School) -> None:
    scope = scope_of(user)
    if not scope.allows("equity", action) or not scope.covers_school(school.pk):
        raise PermissionDenied("您无权填报该学校的办学资源。")


def _need_bureau(user) -> None:
    if not is_bureau(user):
        raise PermissionDenied("只有教育局（具有优质均衡权限的科室）可以确认、退回填报或调整指标值。")
