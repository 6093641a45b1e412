"""Pages of the daily health report. Thin: forms collect, services decide, queries read."""

import datetime
import io
import tempfile
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core import changelog
from edubureau.core.exports import XLSX
from edubureau.core.idcodes import mask_name
from edubureau.core.masking import log_unmask, mask, unmask_requested
from edubureau.core.models import AccessRecord
from edubureau.core.scope import ADD, CHANGE, EXPORT, VIEW, scope_of
from edubureau.core.spreadsheets import write_rows_xlsx
from edubureau.core.views import ObjectDetailView, ObjectListView, log_access
from edubureau.org.models import School, Stage
from edubureau.people.models import SchoolClass, Staff, StaffStatus

from . import briefing, charts, queries, services
from . import symptoms as sym
from .briefing_export import to_docx, to_xlsx
from .filtersets import AlertFilterSet, ClassReportFilterSet, SickCaseFilterSet, StaffHealthReportFilterSet
from .forms import (
    AlertActionForm,
    CaseForm,
    ClassPickForm,
    ClusterRuleFormSet,
    CountsForm,
    DayForm,
    RangeForm,
    ReportingSettingsForm,
    ReturnForm,
    StaffCaseForm,
    StaffCountsForm,
    class_label,
    people_choices,
)
from .models import Alert, ClassReport, ClusterRule, ReportingSettings, Session, SickCase, StaffHealthReport
from .tables import ALERT_COLUMNS, CASE_COLUMNS, REPORT_COLUMNS, STAFF_REPORT_COLUMNS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def allow(user, action: str) -> None:
    """403 unless the user's role may do `action` in the health module at all."""
    if not scope_of(user).allows("health", action):
        raise PermissionDenied(_("您没有该操作的权限。"))


def download(content: bytes, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), content_type=content_type, as_attachment=True, filename=filename
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def workbook(filename: str, sheets) -> FileResponse:
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    write_rows_xlsx(buffer, sheets)
    buffer.seek(0)
    response = FileResponse(buffer, content_type=XLSX, as_attachment=True, filename=filename)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def names_visible(user) -> bool:
    """School users see their own pupils' names where they report; the bureau only if it may unmask."""
    scope = scope_of(user)
    return scope.can_unmask or not scope.all_units


# ---------------------------------------------------------------- class report form


class ClassReportView(LoginRequiredMixin, View):
    """晨午检 / 因病缺课登记 of one class and day: counts, one row per student absent for illness,
    an explicit 零报告, resubmission replacing the earlier version."""

    template_name = "health/report_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            allow(request.user, ADD)
        return super().dispatch(request, *args, **kwargs)

    def pick_form(self, data):
        classes = queries.current_classes(self.request.user, ADD)
        session = self.request.GET.get("session")
        initial = {"date": DayForm(self.request.GET).day(),
                   "session": session if session in Session.values else Session.MORNING}  # fmt: skip
        only = list(classes.values_list("pk", flat=True)[:2])
        if len(only) == 1:  # a 班主任 of one class: it is already chosen
            initial["school_class"] = only[0]
        return ClassPickForm(data, classes=classes, initial=initial)

    def get(self, request):
        # ?school_class=<pk> opens the class; ?class_q= (the search box sent without JavaScript) lists matches
        pick = self.pick_form(request.GET if request.GET.get("school_class") else None)
        if not pick.is_bound or not pick.is_valid():
            return render(request, self.template_name, self.pick_context(pick))
        school_class, day, session = (pick.cleaned_data[k] for k in ("school_class", "date", "session"))
        report = ClassReport.objects.filter(school_class=school_class, date=day, session=session).first()
        people = self.people(school_class)
        if report:
            counts = CountsForm(
                initial={k: getattr(report, k) for k in ("expected", "present", "sick", "personal")}
            )
            cases = [
                CaseForm(prefix=f"case-{i}", people=people, initial=self.case_initial(case))
                for i, case in enumerate(report.cases.select_related("student").order_by("id"))
            ]  # fmt: skip
        else:
            size = len(people)
            counts = CountsForm(initial={"expected": size, "present": size, "sick": 0, "personal": 0})
            cases = []
        return self.render_form(pick, school_class, day, session, report, counts, cases)

    @staticmethod
    def case_initial(case) -> dict:
        return {
            # a pupil's case, or a member of staff's (StaffSickCase has no student)
            "person": str(getattr(case, "student_id", None) or case.staff_id), "symptoms": case.symptom_names, "other_symptoms": case.other_symptoms,
            "onset": case.onset, "seen_doctor": case.seen_doctor, "diagnosis": case.diagnosis,
            "expected_return": case.expected_return,
        }  # fmt: skip

    def people(self, school_class):
        return people_choices(queries.class_students(school_class), names_visible(self.request.user))

    def post(self, request):
        pick = self.pick_form(request.POST)
        if not pick.is_valid():
            return render(request, self.template_name, self.pick_context(pick), status=400)
        school_class, day, session = (pick.cleaned_data[k] for k in ("school_class", "date", "session"))
        report = ClassReport.objects.filter(school_class=school_class, date=day, session=session).first()
        people = self.people(school_class)
        action = request.POST.get("action", "submit")
        counts = CountsForm(request.POST)
        if action == "refresh":
            # The number of case rows follows 因病缺课; what was typed in the kept rows stays.
            rows = _int(request.POST.get("sick"), 0, 200)
            kept = [_row_initial(request.POST, f"case-{i}") for i in range(rows)]
            cases = [CaseForm(prefix=f"case-{i}", people=people, initial=kept[i]) for i in range(rows)]
            counts = CountsForm(
                initial={k: request.POST.get(k) for k in ("expected", "present", "sick", "personal")}
            )
            return self.render_form(pick, school_class, day, session, report, counts, cases)
        if action == "zero":
            expected = counts.typed["expected"]
            numbers = {"expected": expected, "present": expected, "sick": 0, "personal": 0}
            cases = []
        else:
            rows = _int(request.POST.get("rows"), 0, 200)
            cases = [CaseForm(request.POST, prefix=f"case-{i}", people=people) for i in range(rows)]
            numbers = counts.typed
        data = services.ClassReportInput(
            school_class=school_class,
            date=day,
            session=session,
            **numbers,
            cases=[c.case_input() for c in cases],
        )
        try:
            result = services.submit_class_report(data, user=request.user, source="web")
        except services.ReportError as error:
            show_errors(error, counts, cases)
            return self.render_form(
                pick, school_class, day, session, report, counts, cases, errors=error.messages, status=400
            )
        report = result.report
        text = {
            "created": _("已提交%(report)s。"),
            "replaced": _("已重新提交%(report)s：替换了原日报，原版本已保留（现为第 %(version)s 版）。"),
            "unchanged": _("%(report)s内容与上次相同，未产生新版本。"),
        }[result.status] % {"report": report, "version": report.version}
        if report.late:
            text += _("超过截止时间，已标记为迟报。")
        messages.success(request, text)
        for alert in result.alerts:
            messages.warning(
                request, _("触发预警：%(alert)s（%(cases)s 例）") % {"alert": alert, "cases": alert.cases}
            )
        return redirect(report.get_absolute_url())

    def pick_context(self, pick) -> dict:
        """The picker: the class chosen (by name) and, for a search sent without JavaScript, what it found."""
        chosen = pick.chosen()
        context = {"title": _("填报班级日报"), "pick": pick, "chosen_label": class_label(chosen) if chosen else ""}
        if "class_q" in self.request.GET:
            context["class_results"] = class_results(self.request.user, self.request.GET["class_q"])
        return context

    def render_form(self, pick, school_class, day, session, report, counts, cases, errors=(), status=200):
        context = {
            **self.pick_context(pick), "school_class": school_class, "day": day, "session": session,
            "report": report, "counts": counts, "cases": cases, "errors": errors,
            "late_now": services._is_late(day, session, timezone.now(), ReportingSettings.get()),
            "deadline": ReportingSettings.get().deadline(session),
            "symptom_names": sym.SYMPTOMS,
        }  # fmt: skip
        return render(self.request, self.template_name, context, status=status)


def class_results(user, text: str) -> list[tuple[int, str]]:
    """(pk, name) of the classes the picker's search finds among those the user reports for."""
    return [(c.pk, class_label(c)) for c in queries.search_classes(user, text, ADD)]


class ClassSearchView(LoginRequiredMixin, View):
    """The picker's search box (HTMX, ?class_q=): the matching classes of the user's scope, each a button
    that opens its report."""

    def get(self, request):
        allow(request.user, ADD)
        results = class_results(request.user, request.GET.get("class_q", ""))
        return render(request, "health/includes/class_results.html", {"class_results": results})


def show_errors(error: services.ReportError, counts, cases) -> None:
    """The service's errors also at their fields: the counts' and each case row's."""
    counts.show_errors(error.errors)
    for i, case in enumerate(cases):
        case.show_errors(error.errors, prefix=f"cases.{i}.")


def _int(value, default: int, limit: int) -> int:
    try:
        return max(0, min(int(value), limit))
    except (TypeError, ValueError):
        return default


def _row_initial(data, prefix: str) -> dict:
    return {
        "person": data.get(f"{prefix}-person", ""), "symptoms": data.getlist(f"{prefix}-symptoms"),
        "other_symptoms": data.get(f"{prefix}-other_symptoms", ""), "onset": data.get(f"{prefix}-onset", ""),
        "seen_doctor": bool(data.get(f"{prefix}-seen_doctor")), "diagnosis": data.get(f"{prefix}-diagnosis", ""),
        "expected_return": data.get(f"{prefix}-expected_return", ""),
    }  # fmt: skip


# ---------------------------------------------------------------- staff status form


class StaffReportView(LoginRequiredMixin, View):
    """A school's staff health status for a day (在岗, 因病缺勤 with the same symptom fields)."""

    template_name = "health/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            allow(request.user, ADD)
            if not queries.whole_school(request.user):
                raise PermissionDenied(_("教职工健康日报由校医或学校管理员填报。"))
        return super().dispatch(request, *args, **kwargs)

    def school(self, data):
        schools = queries.health_schools(self.request.user, ADD).order_by("code")
        wanted = (data or {}).get("school") or self.request.GET.get("school")
        if wanted:
            return get_object_or_404(schools, pk=_int(wanted, 0, 2**31))
        own = list(schools[:2])
        return own[0] if len(own) == 1 else None

    def people(self, school):
        staff = Staff.objects.filter(school=school, status=StaffStatus.ACTIVE).order_by("name")
        return people_choices(staff, names_visible(self.request.user))

    def get(self, request):
        school = self.school(None)
        if school is None:
            return render(request, self.template_name, self.context(None, None, [], schools=True))
        day = DayForm(request.GET).day()
        report = StaffHealthReport.objects.filter(school=school, date=day).first()
        people = self.people(school)
        if report:
            fields = ("staff_total", "on_duty", "sick", "personal")
            counts = StaffCountsForm(initial={"date": day, **{k: getattr(report, k) for k in fields}})
            cases = [
                StaffCaseForm(prefix=f"case-{i}", people=people, initial={**ClassReportView.case_initial(c), "person": str(c.staff_id)})
                for i, c in enumerate(report.cases.order_by("id"))
            ]  # fmt: skip
        else:
            counts = StaffCountsForm(initial={"date": day, "staff_total": len(people), "on_duty": len(people),
                                              "sick": 0, "personal": 0})  # fmt: skip
            cases = []
        return render(request, self.template_name, self.context(school, counts, cases, report=report))

    def post(self, request):
        school = self.school(request.POST)
        if school is None:
            raise PermissionDenied(_("请先选择学校。"))
        people = self.people(school)
        counts = StaffCountsForm(request.POST)
        if request.POST.get("action") == "refresh":
            rows = _int(request.POST.get("sick"), 0, 200)
            cases = [StaffCaseForm(prefix=f"case-{i}", people=people, initial=_row_initial(request.POST, f"case-{i}"))
                     for i in range(rows)]  # fmt: skip
            keys = ("date", "staff_total", "on_duty", "sick", "personal")
            counts = StaffCountsForm(initial={k: request.POST.get(k) for k in keys})
            return render(request, self.template_name, self.context(school, counts, cases))
        rows = _int(request.POST.get("rows"), 0, 200)
        cases = [StaffCaseForm(request.POST, prefix=f"case-{i}", people=people) for i in range(rows)]
        data = services.StaffReportInput(school=school, **counts.typed, cases=[c.case_input() for c in cases])
        try:
            result = services.submit_staff_report(data, user=request.user, source="web")
        except services.ReportError as error:
            show_errors(error, counts, cases)
            context = self.context(school, counts, cases, errors=error.messages)
            return render(request, self.template_name, context, status=400)
        messages.success(
            request,
            _("已提交%(report)s（第 %(version)s 版）。")
            % {"report": result.report, "version": result.report.version},
        )
        return redirect(result.report.get_absolute_url())

    def context(self, school, counts, cases, report=None, errors=(), schools=False):
        return {
            "title": _("填报教职工健康日报"), "school": school, "counts": counts, "cases": cases, "report": report,
            "errors": errors, "schools": queries.health_schools(self.request.user, ADD).order_by("code") if schools else None,
        }  # fmt: skip


# ---------------------------------------------------------------- lists


class ReportListView(ObjectListView):
    model = ClassReport
    filterset_class = ClassReportFilterSet
    columns = REPORT_COLUMNS
    select_related = ("school", "school_class", "submitted_by")
    add_url_name = "health:report_new"
    export_name = "班级日报"


class CaseListView(ObjectListView):
    model = SickCase
    filterset_class = SickCaseFilterSet
    columns = CASE_COLUMNS
    select_related = ("school", "school_class", "student")
    export_name = "因病缺课登记"


class FollowUpListView(CaseListView):
    """追踪登记: the latest row of each illness not yet closed."""

    template_name = "health/followup_list.html"
    export_name = "追踪登记"

    def get_queryset(self, action=None):
        open_ids = services.open_cases().values("pk")
        return super().get_queryset(action).filter(pk__in=open_ids)

    def base_context(self, **extra):
        return super().base_context(title=_("追踪登记（未结案）"), **extra)


class StaffReportListView(ObjectListView):
    model = StaffHealthReport
    filterset_class = StaffHealthReportFilterSet
    columns = STAFF_REPORT_COLUMNS
    select_related = ("school",)
    add_url_name = "health:staff_report_new"
    export_name = "教职工健康日报"


class AlertListView(ObjectListView):
    model = Alert
    filterset_class = AlertFilterSet
    columns = ALERT_COLUMNS
    select_related = ("school", "school_class", "rule", "assignee")
    export_name = "预警"


# ---------------------------------------------------------------- details


def masked_cases(cases, unmasked: bool) -> list[tuple]:
    """(case, shown name, shown ID number) rows."""
    return [
        (
            c,
            c.student.name if unmasked else mask_name(c.student.name),
            mask(c.student.id_number, "id_number", unmasked),
        )
        for c in cases
    ]


def _named(case: dict, unmasked: bool) -> str:
    """The pupil of a stored version's case: the ID number (masked), or the registry id if it has none."""
    if case.get("student_id_no"):
        return mask(case["student_id_no"], "id_number", unmasked)
    return f"学生编号 {case['student']}" if case.get("student") else ""  # as the service's messages name it


class ReportDetailView(ObjectDetailView):
    model = ClassReport
    template_name = "health/report_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school", "school_class", "submitted_by")

    def list_url(self):
        return reverse("health:report_list")

    def extra_context(self, obj, unmasked):
        versions = []
        for v in obj.versions.select_related("submitted_by", "replaced_by"):
            payload = v.payload or {}
            shown = [
                (_named(c, unmasked), "、".join(c.get("symptoms") or []), c.get("diagnosis") or "")
                for c in payload.get("cases") or []
            ]  # fmt: skip
            versions.append((v, payload, shown))
        query = urlencode(
            {"school_class": obj.school_class_id, "date": obj.date.isoformat(), "session": obj.session}
        )
        return {
            "cases": masked_cases(obj.cases.select_related("student").order_by("id"), unmasked),
            "versions": versions,
            "alerts": Alert.objects.filter(evidence__report=obj)
            .distinct()
            .select_related("rule", "school_class"),
            "edit_url": reverse("health:report_new") + "?" + query if self.module_allows(ADD) else None,
            "has_sensitive": True,
        }


class CaseDetailView(ObjectDetailView):
    model = SickCase
    template_name = "health/case_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school", "school_class", "student", "report")

    def list_url(self):
        return reverse("health:case_list")

    def extra_context(self, obj, unmasked):
        rows = queries.latest_case_rows(obj.student_id, obj.onset)
        may_change = self.module_allows(CHANGE) and not obj.closed
        return {
            "name": obj.student.name if unmasked else mask_name(obj.student.name),
            "id_number": mask(obj.student.id_number, "id_number", unmasked),
            "rows": rows,
            "return_form": ReturnForm(initial={"returned_on": timezone.localdate()}) if may_change else None,
            "has_sensitive": True,
        }


class CaseReturnView(LoginRequiredMixin, View):
    """POST: the student is back (追踪登记); services check the 复课证明 rule."""

    model = SickCase

    def post(self, request, pk):
        allow(request.user, CHANGE)
        case = get_object_or_404(SickCase.objects.for_user(request.user, CHANGE), pk=pk)
        form = ReturnForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(case.get_absolute_url())
        try:
            with transaction.atomic():
                services.record_return(case, form.cleaned_data["returned_on"],
                                       certificate=form.cleaned_data["certificate"], user=request.user)  # fmt: skip
        except services.ReportError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(case.get_absolute_url())
        case.refresh_from_db()
        messages.success(
            request, _("已登记返校，缺课 %(days)s 天，病例已结案。") % {"days": case.days_missed}
        )
        return redirect(case.get_absolute_url())


class StaffReportDetailView(ObjectDetailView):
    model = StaffHealthReport
    template_name = "health/staff_report_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school", "submitted_by")

    def list_url(self):
        return reverse("health:staff_report_list")

    def extra_context(self, obj, unmasked):
        cases = [
            (c, c.staff.name if unmasked else mask_name(c.staff.name))
            for c in obj.cases.select_related("staff")
        ]
        return {"cases": cases, "has_sensitive": True}


class AlertDetailView(ObjectDetailView):
    """The alert, its evidence and history; POST moves it along the workflow or adds a note."""

    model = Alert
    template_name = "health/alert_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school", "school_class", "rule", "assignee")

    def list_url(self):
        return reverse("health:alert_list")

    def extra_context(self, obj, unmasked, form=None):
        rows = obj.evidence.select_related("student", "school_class").order_by(
            "school_class", "student", "-date"
        )
        # One row per pupil (their latest day: it carries the latest diagnosis), as `cases` counts pupils.
        latest = {}
        for row in rows:
            latest.setdefault(row.student_id, row)
        cases = sorted(latest.values(), key=lambda c: (c.date, c.school_class_id, c.student_id))
        may_change = self.module_allows(CHANGE)
        return {
            "cases": masked_cases(cases, unmasked),
            "events": obj.events.select_related("user"),
            "form": (form or AlertActionForm(alert=obj, user=self.request.user)) if may_change else None,
            "has_sensitive": True,
        }

    def post(self, request, pk):
        if not self.module_allows(CHANGE):
            raise PermissionDenied(_("您没有处理预警的权限。"))
        alert = self.get_object(pk, CHANGE)
        wanted = request.POST.get("to_status")
        if wanted in services.ALERT_STEP_OWNERS and not services.may_move_alert(request.user, alert, wanted):
            raise PermissionDenied(_("您的角色不能把预警改为该状态。"))
        form = AlertActionForm(request.POST, alert=alert, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if data["to_status"]:
                        services.transition_alert(alert, data["to_status"], user=request.user, note=data["note"],
                                                  assignee=data["assignee"])  # fmt: skip
                    else:
                        services.assign_alert(alert, data["assignee"], user=request.user)
                        services.add_alert_note(alert, data["note"] or _("指定负责人"), user=request.user)
            except services.ReportError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request, _("预警已更新：%(status)s") % {"status": alert.get_status_display()}
                )
                return redirect(alert.get_absolute_url())
        context = self.base_context(object=alert, unmasked=False, breadcrumbs=self.breadcrumbs(alert),
                                    **self.extra_context(alert, False, form))  # fmt: skip
        return render(request, self.template_name, context, status=400)


# ---------------------------------------------------------------- school and class pages


class SchoolHealthView(LoginRequiredMixin, View):
    """One school's day: classes reported, counts, symptoms, staff, open cases and alerts."""

    model = School
    template_name = "health/school.html"

    def get(self, request, pk):
        allow(request.user, VIEW)
        if not queries.whole_school(request.user):
            raise PermissionDenied(_("班主任请在本班的页面查看健康日报。"))
        school = get_object_or_404(queries.health_schools(request.user), pk=pk)
        day = DayForm(request.GET).day()
        schools = School.objects.filter(pk=school.pk)
        days = queries.recent_school_days(day, 30)
        rollup = queries.rates_by_school(day, schools)
        unmasked = unmask_requested(request)
        if unmasked:
            log_unmask(request, f"健康日报学校页：{school}", 1)
        cases = queries.open_cases_in(schools)[:100]
        chart = charts.line(
            _("近 30 个上课日因病缺课率"), days, {school.name: queries.sick_rate_series(days, schools)}
        )
        context = {
            "title": school.name, "school": school, "day": day, "day_form": DayForm(initial={"date": day}),
            "rollup": rollup[0] if rollup else None, "classes": queries.class_day_status(school, day),
            "staff_report": queries.staff_report_of(school, day), "cases": masked_cases(cases, unmasked),
            "alerts": queries.alerts_touching(school=school)[:50], "chart": chart,
            "symptoms": queries.top_symptoms(day, schools, 14), "unmasked": unmasked,
            "can_unmask": scope_of(request.user).can_unmask, "has_sensitive": True,
            "can_report": scope_of(request.user).allows("health", ADD),
            "breadcrumbs": [(_("上报情况"), reverse("health:day")), (school.name, None)],
        }  # fmt: skip
        return render(request, self.template_name, context)


class ClassHealthView(LoginRequiredMixin, View):
    """One class: its reports of the last school days, open cases and alerts."""

    model = SchoolClass
    template_name = "health/class.html"

    def get(self, request, pk):
        allow(request.user, VIEW)
        classes = queries.health_classes(request.user)
        school_class = get_object_or_404(classes.select_related("school", "head_teacher"), pk=pk)
        day = DayForm(request.GET).day()
        days = queries.recent_school_days(day, 20)
        history = queries.class_history(school_class, days)
        unmasked = unmask_requested(request)
        if unmasked:
            log_unmask(request, f"健康日报班级页：{school_class}", 1)
        cases = queries.open_cases_in(school_class=school_class)
        chart = charts.line(
            _("近 20 个上课日因病缺课人数"), days, {_("因病缺课"): [h["report"].sick if h["report"] else None for h in history]},
            percent=False,
        )  # fmt: skip
        context = {
            "title": str(school_class), "school_class": school_class, "day": day, "history": list(reversed(history)),
            "cases": masked_cases(cases, unmasked), "alerts": queries.alerts_touching(school_class=school_class)[:50],
            "chart": chart, "unmasked": unmasked, "can_unmask": scope_of(request.user).can_unmask, "has_sensitive": True,
            "report_url": reverse("health:report_new") + "?" + urlencode({"school_class": school_class.pk, "date": day.isoformat()}),
            "can_report": scope_of(request.user).allows("health", ADD),
            "breadcrumbs": [(school_class.school.name, reverse("health:school", args=[school_class.school_id])),
                            (school_class.name, None)],
        }  # fmt: skip
        return render(request, self.template_name, context)


# ---------------------------------------------------------------- day view, trends, briefing


class DayView(LoginRequiredMixin, View):
    """上报情况: on time, late and missing by school, 学段 and district; the chase list; the term's history."""

    template_name = "health/day.html"
    export = False

    def get(self, request):
        allow(request.user, EXPORT if self.export else VIEW)
        day = DayForm(request.GET).day()
        schools = queries.health_schools(request.user)
        result = queries.completeness(day, schools)
        missing = result.missing_classes()
        if self.export:
            return self.export_xlsx(day, result, missing)
        start, _end = queries.term_range(day)
        history = queries.completeness_history(start, day, schools)
        chart = charts.line(
            _("本学期每日上报率"), [h["date"] for h in history],
            {_("上报率"): [h["rate"] for h in history], _("按时上报率"): [h["on_time_rate"] for h in history]},
        )  # fmt: skip
        stage_labels = dict(Stage.choices)
        context = {
            "title": _("上报情况"), "day": day, "day_form": DayForm(initial={"date": day}), "result": result,
            "by_stage": [(stage_labels.get(k, k), v) for k, v in result.by_stage.items()],
            "schools": Paginator(result.schools, 100).get_page(request.GET.get("page")),
            "missing": missing[:300], "missing_total": missing.count(), "chart": chart,
            "bureau": queries.is_bureau(request.user), "can_export": scope_of(request.user).allows("health", EXPORT),
            "can_settings": may_change_settings(request.user),
            "export_url": reverse("health:day_export") + "?" + urlencode({"date": day.isoformat()}),
        }  # fmt: skip
        return render(request, self.template_name, context)

    def export_xlsx(self, day, result, missing):
        log_access(self.request, AccessRecord.Kind.EXPORT, f"健康日报上报情况：{day}", len(result.schools))
        status_labels = {"未报": "未报", "部分未报": "部分未报", "迟报": "迟报", "按时": "按时"}
        schools = [
            [r.school.name, r.school.code, r.school.stage, r.expected, r.reported, r.on_time, r.late, r.missing,
             status_labels.get(r.status, r.status)]
            for r in result.schools
        ]  # fmt: skip
        stages = [
            [k, t.expected, t.reported, t.on_time, t.late, t.missing, f"{t.rate:.1%}"]
            for k, t in result.by_stage.items()
        ]
        d = result.district
        stages.append(["全区", d.expected, d.reported, d.on_time, d.late, d.missing, f"{d.rate:.1%}"])
        chase = [
            [k.school.name, k.school.code, k.name, k.head_teacher.name if k.head_teacher_id else ""]
            for k in missing
        ]
        sheets = [
            (
                "学校",
                ["学校", "学校标识码", "学段", "应报班级", "已报", "按时", "迟报", "未报", "状态"],
                schools,
            ),
            ("学段", ["学段", "应报班级", "已报", "按时", "迟报", "未报", "上报率"], stages),
            ("未报班级", ["学校", "学校标识码", "班级", "班主任"], chase),
        ]
        return workbook(f"上报情况-{day:%Y%m%d}.xlsx", sheets)


class TrendsView(LoginRequiredMixin, View):
    """Term trends from the per-school-day rollups: rate by 学段, symptom mix, a school heat table."""

    template_name = "health/trends.html"
    export = False

    def get(self, request):
        allow(request.user, EXPORT if self.export else VIEW)
        form = RangeForm(request.GET or None)
        start, end = queries.term_range(queries.latest_data_day(queries.health_schools(request.user)))
        if form.is_bound and form.is_valid():
            start = form.cleaned_data["start"] or start
            end = form.cleaned_data["end"] or end
        schools = queries.health_schools(request.user)
        trend = queries.trend_by_stage(start, end, schools)
        days, series = charts.stage_trend(trend)
        mix = queries.symptom_mix(start, end, schools)
        diagnoses = queries.diagnosis_mix(start, end, schools)
        if self.export:
            heat_days, heat_rows = queries.school_heat(start, end, schools)
            return self.export_xlsx(start, end, days, series, mix, diagnoses, heat_days, heat_rows)
        # the heat table 40 schools a page: only the page's schools are read and averaged by week
        heat = Paginator(queries.heat_school_ids(start, end, schools), 40).get_page(request.GET.get("page"))
        heat_days, heat_rows = queries.school_heat(start, end, schools, school_ids=heat.object_list)
        weeks, heat.object_list = weekly_heat(heat_days, heat_rows)
        stage_labels = dict(Stage.choices)
        context = {
            "title": _("趋势分析"), "form": form if form.is_bound else RangeForm(initial={"start": start, "end": end}),
            "start": start, "end": end,
            "trend_chart": charts.line(_("分学段因病缺课率"), days, {stage_labels.get(k, k): v for k, v in series.items()}),
            "symptom_chart": charts.bars(_("症状构成（人次）"), list(mix), list(mix.values()), horizontal=True),
            "diagnosis_chart": charts.bars(_("诊断构成（人次）"), list(diagnoses), list(diagnoses.values()), horizontal=True),
            "weeks": weeks, "heat": heat,
            "export_url": reverse("health:trends_export") + "?" + urlencode({"start": start, "end": end}),
            "can_export": scope_of(request.user).allows("health", EXPORT),
        }  # fmt: skip
        return render(request, self.template_name, context)

    def export_xlsx(self, start, end, days, series, mix, diagnoses, heat_days, heat_rows):
        log_access(self.request, AccessRecord.Kind.EXPORT, f"健康日报趋势：{start}—{end}", len(heat_rows))
        stages = list(series)
        trend_rows = [[d] + [_pct(series[s][i]) for s in stages] for i, d in enumerate(days)]
        heat = [[school.name, school.code] + [_pct(r) for r in rates] for school, rates in heat_rows]
        sheets = [
            ("学段趋势", ["日期"] + [f"{s}因病缺课率(%)" for s in stages], trend_rows),
            ("症状构成", ["症状", "人次"], [[k, v] for k, v in mix.items()]),
            ("诊断构成", ["诊断", "人次"], [[k, v] for k, v in diagnoses.items()]),
            ("学校热力", ["学校", "学校标识码"] + [d.isoformat() for d in heat_days], heat),
        ]
        return workbook(f"健康日报趋势-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", sheets)


def _pct(value):
    return None if value is None else round(value * 100, 2)


def weekly_heat(days, rows):
    """The heat table by week (Monday's date): the mean of the school's daily rates that week."""
    weeks = sorted({d - datetime.timedelta(days=d.weekday()) for d in days})
    index = {w: i for i, w in enumerate(weeks)}
    weekly = []
    for school, rates in rows:
        sums = [[0.0, 0] for _w in weeks]
        for d, rate in zip(days, rates, strict=True):
            if rate is not None:
                cell = sums[index[d - datetime.timedelta(days=d.weekday())]]
                cell[0] += rate
                cell[1] += 1
        cells = [(s / n if n else None) for s, n in sums]
        weekly.append((school, [(c, heat_class(c)) for c in cells]))
    return weeks, weekly


def heat_class(rate) -> str:
    """A Tabler background for a rate cell (thresholds in % of 应到)."""
    if rate is None:
        return ""
    if rate >= 0.05:
        return "bg-red text-white"
    if rate >= 0.03:
        return "bg-orange-lt"
    if rate >= 0.015:
        return "bg-yellow-lt"
    return "bg-green-lt"


class BriefingView(LoginRequiredMixin, View):
    """每日简报 as a page, or as .xlsx / .docx (fmt)."""

    template_name = "health/briefing.html"
    fmt = None

    def get(self, request):
        allow(request.user, EXPORT if self.fmt else VIEW)
        day = DayForm(request.GET).day()
        daily = briefing.build(request.user, day)
        if self.fmt:
            log_access(
                request, AccessRecord.Kind.EXPORT, f"健康日报简报：{day}（{self.fmt}）", len(daily.by_school)
            )
            document = daily.document()
            name = f"健康日报简报-{day:%Y%m%d}.{self.fmt}"
            if self.fmt == "docx":
                return download(to_docx(document), name, DOCX)
            return download(to_xlsx(document), name, XLSX)
        stage_labels = dict(Stage.choices)
        context = {
            "title": _("每日简报"), "day": day, "day_form": DayForm(initial={"date": day}), "b": daily,
            "date_label": briefing.date_label(day),
            "by_stage": [({**r, "label": stage_labels.get(r["stage"], r["stage"])}) for r in daily.by_stage],
            "query": urlencode({"date": day.isoformat()}), "can_export": scope_of(request.user).allows("health", EXPORT),
        }  # fmt: skip
        return render(request, self.template_name, context)


# ---------------------------------------------------------------- settings


def may_change_settings(user) -> bool:
    """Deadlines and thresholds are the district's: the administrator or the department with the module."""
    scope = scope_of(user)
    return scope.bureau_may("health", CHANGE)


class SettingsView(LoginRequiredMixin, View):
    template_name = "health/settings.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_change_settings(request.user):
            raise PermissionDenied(_("只有系统管理员和负责健康工作的科室可以修改上报设置。"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        settings = ReportingSettings.get()
        return self.render(
            ReportingSettingsForm(instance=settings), ClusterRuleFormSet(queryset=ClusterRule.objects.all())
        )

    def post(self, request):
        settings = ReportingSettings.get()
        form = ReportingSettingsForm(request.POST, instance=settings)
        rules = ClusterRuleFormSet(request.POST, queryset=ClusterRule.objects.all())
        if not (form.is_valid() & rules.is_valid()):
            return self.render(form, rules, status=400)
        with transaction.atomic():
            if form.has_changed():
                before = changelog.snapshot(ReportingSettings.objects.get(pk=settings.pk))
                changelog.log_update(form.save(), before)
            for rule_form in rules.forms:
                if rule_form.has_changed():
                    before = changelog.snapshot(ClusterRule.objects.get(pk=rule_form.instance.pk))
                    changelog.log_update(rule_form.save(), before)
        messages.success(request, _("上报设置已保存。"))
        return redirect("health:settings")

    def render(self, form, rules, status=200):
        context = {"title": _("上报设置"), "form": form, "rules": rules,
                   "breadcrumbs": [(_("上报情况"), reverse("health:day")), (_("上报设置"), None)]}  # fmt: skip
        return render(self.request, self.template_name, context, status=status)
