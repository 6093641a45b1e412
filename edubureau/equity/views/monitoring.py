"""The monitoring pages: the 优质均衡 dashboard, a school's indicators, class sizes, what-if and the
optimiser. Figures come from services.py (registry counts + confirmed reports) and the pure modules;
these views only choose the year and the schools, shape rows for the templates and render."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from edubureau.core.exports import XLSX, xlsx_response
from edubureau.core.models import AccessRecord
from edubureau.core.scope import DENIED, EXPORT, VIEW, scope_of
from edubureau.core.tables import rows as table_rows
from edubureau.core.views import describe_filters, log_access
from edubureau.org.models import School, SchoolStatus
from edubureau.people.models import SchoolYear

from .. import charts, classsizes, coverage, exports, services, workflow
from ..forms import ClassSizeFilterForm, OptimiserForm, WhatIfForm
from ..indicators import INDICATOR_LABELS, INDICATOR_UNITS, INDICATORS, INPUT_LABELS, STAGE_LABELS
from ..models import ResourceReport
from ..tables import CLASS_SIZE_COLUMNS
from ..whatif import AddResource, Move
from .common import EquityPage

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

SLUG = {"小学": "primary", "初中": "junior"}  # for element ids


# ---------------------------------------------------------------- shaping results for templates


def cell(value, standard, floor_share):
    """One heat-table cell: value, % of the standard, and its colour class."""
    if value is None:
        return {"value": None, "percent": None, "css": "bg-secondary-lt", "state": "missing"}
    percent = 100 * value / standard if standard else None
    if percent is not None and percent >= 100 - 1e-7:
        css, state = "bg-green-lt", "reached"
    elif percent is not None and percent >= 100 * floor_share - 1e-7:
        css, state = "bg-yellow-lt", "near"
    else:
        css, state = "bg-red-lt", "failed"
    return {"value": value, "percent": percent, "css": css, "state": state}


def cv_rows(stage_cvs, names: dict, show_contributors: bool) -> list[dict]:
    rows = []
    for key in INDICATORS:
        c = stage_cvs.indicators[key]
        light = "secondary" if c.passed is None else ("green" if c.passed else "red")
        top = []
        if show_contributors and c.cv is not None:
            top = [(names.get(code, code), share) for code, share in c.top_contributors(3) if share > 0]
        rows.append({
            "code": key, "label": INDICATOR_LABELS[key], "mean": c.mean, "sd": c.sd, "cv": c.cv,
            "threshold": c.threshold, "passed": c.passed, "light": light, "top": top,
            "used": len(c.schools), "excluded": len(c.excluded),
        })  # fmt: skip
    return rows


def heat_rows(result, stage: str, codes: set | None) -> list[dict]:
    floor_share = result.settings.floor_share
    rows = []
    for p in result.parts:
        a = p.assessment
        if a.stage != stage or (codes is not None and p.code not in codes):
            continue
        rows.append({
            "assessment": a, "part": p, "name": p.name,
            "cells": [dict(cell(a.values.get(k), p.standards[k], floor_share), code=k, overridden=k in p.overrides)
                      for k in INDICATORS],
        })  # fmt: skip
    rows.sort(key=lambda r: (r["assessment"].passed is not False, r["assessment"].reached, r["name"]))
    return rows


def page_notes(result, codes: set | None) -> list[str]:
    """What the figures leave out: schools not evaluated, parts with missing data (the user's only)."""
    notes = [f"{name}：{reason}" for code, name, reason in result.excluded if codes is None or code in codes]
    for p in result.parts:
        if codes is None or p.code in codes:
            notes += [f"{p.name}（{STAGE_LABELS[p.assessment.stage]}）：{n}" for n in p.notes]
    return notes


def school_codes(schools) -> set | None:
    return None if schools is None else set(schools.values_list("code", flat=True))


# ---------------------------------------------------------------- pages


class DashboardView(EquityPage):
    def get(self, request):
        self.setup_page(request)
        result = services.evaluate_year(self.year)
        codes = school_codes(self.schools)
        names = result.names()
        # the CVs of the (at most five) latest years with resource reports, this one included
        years = SchoolYear.objects.filter(
            start_year__lte=self.year.start_year, resource_reports__isnull=False
        )
        years = sorted(years.distinct().order_by("-start_year")[:5], key=lambda y: y.start_year)
        history = [(y, result.cvs) if y == self.year else (y, services.evaluate_year(y).cvs) for y in years]
        stages = []
        for stage, stage_cvs in result.cvs.items():
            rows = cv_rows(stage_cvs, names, self.all_units)
            threshold = stage_cvs.indicators["i1"].threshold
            stages.append({
                "stage": stage, "label": STAGE_LABELS[stage], "cv_rows": rows, "threshold": threshold,
                "chart": charts.cv_bars(rows, threshold, f"{STAGE_LABELS[stage]}差异系数"),
                "chart_id": f"cv-chart-{SLUG[stage]}",
                "history_chart": charts.cv_history(history, stage, threshold) if len(history) > 1 else None,
                "history_id": f"cv-history-{SLUG[stage]}", "heat": heat_rows(result, stage, codes), "passed": stage_cvs.passed,
            })  # fmt: skip
        sizes = classsizes.report(self.year, self.schools)
        cover = coverage.coverage(self.year)
        return render(request, "equity/dashboard.html", {
            "title": _("优质均衡监测"), "year": self.year, "years": self.year_choices(), "stages": stages,
            "notes": page_notes(result, codes), "indicators": [(k, INDICATOR_LABELS[k], INDICATOR_UNITS[k]) for k in INDICATORS],
            "sizes": sizes, "size_chart": charts.class_size_by_grade(sizes.rows),
            "coverage": cover,
            "public_gauge": charts.gauge(_("公办园在园幼儿占比"), cover.public_share, cover.public_target),
            "inclusive_gauge": charts.gauge(_("普惠性覆盖率"), cover.inclusive_share, cover.inclusive_target),
            "all_units": self.all_units, "can_export": scope_of(request.user).allows("equity", "export"),
            "breadcrumbs": [(_("优质均衡"), None), (_("优质均衡监测"), None)],
        })  # fmt: skip


class SchoolView(EquityPage):
    """One school: its seven indicators per 学段 against the standard, which fail and by how much, the
    data each comes from and the bureau's overrides."""

    def get(self, request, pk):
        self.setup_page(request)
        visible = School.objects.all() if self.schools is None else self.schools
        school = get_object_or_404(visible, pk=pk)
        result = services.evaluate_year(self.year)
        report = ResourceReport.objects.filter(school=school, school_year=self.year).first()
        parts = []
        for p in result.parts:
            if p.school_id != school.pk:
                continue
            a = p.assessment
            rows = []
            for k in INDICATORS:
                c = cell(a.values.get(k), p.standards[k], result.settings.floor_share)
                rows.append({**c, "code": k, "label": INDICATOR_LABELS[k], "unit": INDICATOR_UNITS[k],
                             "standard": p.standards[k], "override": p.overrides.get(k), "source": p.sources.get(k, ""),
                             "gap": None if c["value"] is None else max(0.0, p.standards[k] - c["value"])})  # fmt: skip
            parts.append({"assessment": a, "part": p, "label": STAGE_LABELS[a.stage], "rows": rows,
                          "missing": [INPUT_LABELS.get(m, m) for m in a.missing]})  # fmt: skip
        excluded = [reason for code, _name, reason in result.excluded if code == school.code]
        sizes = classsizes.report(self.year, School.objects.filter(pk=school.pk))
        return render(request, "equity/school.html", {
            "title": school.name, "school": school, "year": self.year, "years": self.year_choices(), "parts": parts,
            "report": report, "sizes": sizes, "in_evaluation": bool(workflow.parts_of(school)), "excluded": excluded,
            "can_see_classes": scope_of(request.user).allows("classes"),
            "is_bureau": workflow.is_bureau(request.user),
            "breadcrumbs": [(_("优质均衡监测"), reverse("equity:dashboard")), (school.name, None)],
        })  # fmt: skip


class ClassSizeView(EquityPage):
    """班额监测: the year's figures, then the classes above their standard as a list (search, filter,
    sort, 50 a page; `export=True`: every class the list keeps, as .xlsx)."""

    export = False
    paginate_by = 50

    def get(self, request):
        self.setup_page(request)
        result = classsizes.report(self.year, self.schools)
        filter_form = ClassSizeFilterForm(request.GET or None)
        sort = request.GET.get("sort", "")
        rows = classsizes.narrow(result.rows, **filter_form.narrowing(), sort=sort)
        can_export = scope_of(request.user).allows("equity", EXPORT)
        if self.export:
            if not can_export:
                raise PermissionDenied(DENIED[EXPORT])
            name = f"{_('班额监测')}-{self.year.start_year}"
            log_access(request, AccessRecord.Kind.EXPORT, f"{name}：{describe_filters(filter_form)}", len(rows))
            headers = [str(c.label) for c in CLASS_SIZE_COLUMNS]
            return xlsx_response(f"{name}.xlsx", str(_("班额监测")), headers, table_rows(CLASS_SIZE_COLUMNS, rows))
        history = classsizes.history(self.schools, known=result)
        return render(request, "equity/class_sizes.html", {
            "title": _("班额监测"), "year": self.year, "years": self.year_choices(), "result": result,
            "history": history, "history_chart": charts.class_size_history(history),
            "grade_chart": charts.class_size_by_grade(result.rows),
            "can_see_classes": scope_of(request.user).allows("classes"),
            "filter_form": filter_form, "columns": CLASS_SIZE_COLUMNS, "sort": sort,
            "page_obj": Paginator(rows, self.paginate_by).get_page(request.GET.get("page")),
            "export_url": reverse("equity:class_size_export") if can_export else None,
            "breadcrumbs": [(_("优质均衡"), None), (_("班额监测"), None)],
        })  # fmt: skip


def need_district_view(user) -> None:
    """What-if and the optimiser compare every school of the district: bureau-level users only."""
    if not scope_of(user).bureau_may("equity", VIEW):
        raise PermissionDenied(_("模拟与优化涉及全区学校的数据，由教育局使用。"))


# ---------------------------------------------------------------- the evaluation table


class EvaluationExportView(EquityPage):
    kind = "xlsx"

    def get(self, request):
        self.setup_page(request)
        scope = scope_of(request.user)
        if not scope.bureau_may("equity", "export"):
            raise PermissionDenied(_("评估表包含全区学校的数据，由教育局导出。"))
        result = services.evaluate_year(self.year)
        name = f"优质均衡资源配置评估表-{self.year.start_year}"
        log_access(request, AccessRecord.Kind.EXPORT, f"{name}.{self.kind}", len(result.parts))
        if self.kind == "docx":
            body, content_type = exports.evaluation_docx(result, self.year), DOCX
        else:
            body, content_type = exports.evaluation_xlsx(result, self.year), XLSX
        return FileResponse(
            body, as_attachment=True, filename=f"{name}.{self.kind}", content_type=content_type
        )


# ---------------------------------------------------------------- what-if and the optimiser


def compare_cvs(what) -> list[dict]:
    """Per 学段 and indicator: CV before and after, and whether it passes after."""
    stages = []
    for stage, after in what.after.cvs.items():
        before = what.before.cvs.get(stage)
        rows = []
        for k in INDICATORS:
            b = before.indicators[k] if before else None
            a = after.indicators[k]
            delta = None if b is None or b.cv is None or a.cv is None else a.cv - b.cv
            rows.append({"code": k, "label": INDICATOR_LABELS[k], "before": b.cv if b else None, "after": a.cv,
                         "delta": delta, "threshold": a.threshold, "passed_before": b.passed if b else None,
                         "passed_after": a.passed})  # fmt: skip
        stages.append({"stage": stage, "label": STAGE_LABELS[stage], "rows": rows})
    return stages


def compare_schools(what) -> list[dict]:
    rows = []
    for before, after in what.changed():
        b, a = before.assessment, after.assessment
        rows.append({
            "name": after.name, "stage": STAGE_LABELS[a.stage], "before": b, "after": a,
            "values": [(k, b.values.get(k), a.values.get(k)) for k in INDICATORS],
        })  # fmt: skip
    return rows


def passing(evaluation) -> int:
    return sum(1 for p in evaluation.parts if p.assessment.passed)


class WhatIfView(EquityPage):
    """GET: the form (and the optimiser's); POST (HTMX): every indicator and CV before and after."""

    def get(self, request):
        self.setup_page(request)
        need_district_view(request.user)
        return render(request, "equity/whatif.html", {
            "title": _("模拟与优化"), "year": self.year, "years": self.year_choices(),
            "form": WhatIfForm(schools=evaluated_schools()), "optimiser_form": OptimiserForm(),
            "breadcrumbs": [(_("优质均衡监测"), reverse("equity:dashboard")), (_("模拟与优化"), None)],
        })  # fmt: skip

    def post(self, request):
        self.setup_page(request)
        need_district_view(request.user)
        form = WhatIfForm(request.POST, schools=evaluated_schools())
        context = {"form": form, "year": self.year}
        if form.is_valid():
            data = form.cleaned_data
            stage = data["stage"] or None
            if data["change"] == "move":
                change = Move(data["kind"], data["source"], data["target"], data["count"], stage)
            else:
                change = AddResource(data["target"], data["resource"], float(data["amount"]), stage)
            try:
                what = services.what_if_year(self.year, [change])
            except services.ServiceError as e:
                context["error"] = str(e)
            else:
                context.update(stages=compare_cvs(what), schools=compare_schools(what),
                               passing=(passing(what.before), passing(what.after)))  # fmt: skip
        return render(request, "equity/whatif_result.html", context)


class OptimiserView(EquityPage):
    def post(self, request):
        self.setup_page(request)
        need_district_view(request.user)
        form = OptimiserForm(request.POST)
        context = {"form": form, "year": self.year}
        if form.is_valid():
            data = form.cleaned_data
            from ..optimiser import Limits  # SciPy loads on first use, not at start-up

            limits = Limits(
                backbone_share_out=float(data["backbone_share"]),
                max_out_per_school=data["max_out"],
                max_in_per_school=data["max_in"],
            )
            stage = data["stage"]
            exchange = services.propose_exchanges(self.year, stage, limits)
            context.update(
                plan=services.plan_as_dict(exchange),
                stage_label=stage,
                stages=compare_cvs(exchange),
                labels=INDICATOR_LABELS,
            )
        return render(request, "equity/optimiser_result.html", context)


def evaluated_schools():
    return School.objects.filter(
        stage__in=list(workflow.COMPULSORY_PARTS), status=SchoolStatus.OPEN
    ).order_by("code")
