"""Pages of the resource reports and overrides: thin subclasses of core.views; rules in workflow.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from edubureau.core import changelog
from edubureau.core.scope import ADD, CHANGE, DELETE, IMPORT, VIEW
from edubureau.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedMixin

from .. import workflow
from ..filtersets import IndicatorOverrideFilterSet, ResourceReportFilterSet
from ..forms import OverrideForm, ResourceReportForm, ReturnForm, SettingsForm
from ..models import EquitySettings, IndicatorOverride, ResourceReport
from ..tables import OVERRIDE_COLUMNS, REPORT_COLUMNS


def refuse_unless_allowed(view, action):
    """403 when the role may not do this at all; an object outside the scope stays a 404."""
    if not view.module_allows(action):
        raise PermissionDenied(_("您没有该操作的权限。"))


def add_errors(form, error: ValidationError):
    """A service's ValidationError onto the form: dict errors on their fields when the form has them."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


# ---------------------------------------------------------------- resource reports


class ReportListView(ObjectListView):
    model = ResourceReport
    filterset_class = ResourceReportFilterSet
    columns = REPORT_COLUMNS
    select_related = ("school", "school_year")
    add_url_name = "equity:report_add"
    import_url_name = "core:import_new_resources"  # the core import pages run importers.ResourceImporter
    export_name = "办学资源填报"
    template_name = "equity/report_list.html"

    def base_context(self, **extra):
        return super().base_context(
            can_import=self.module_allows(IMPORT),
            is_bureau=workflow.is_bureau(self.request.user),
            **extra,
        )


class ReportDetailView(ObjectDetailView):
    model = ResourceReport
    template_name = "equity/report_detail.html"

    def get_queryset(self, action=None):
        return (
            super()
            .get_queryset(action)
            .select_related("school", "school_year", "submitted_by", "reviewed_by")
        )

    def list_url(self):
        return reverse("equity:report_list")

    def extra_context(self, obj, unmasked):
        fields = [
            "building_area", "sports_area", "equipment_value", "multimedia_classrooms", "qualified_teachers",
            "backbone_teachers", "pe_art_teachers", "correction_note", "note",
        ]  # fmt: skip
        user = self.request.user
        bureau = workflow.is_bureau(user)
        return {
            "fields": [(obj._meta.get_field(n).verbose_name, getattr(obj, n)) for n in fields],
            "can_edit": obj.is_editable and self.module_allows(CHANGE),
            "can_submit": obj.is_editable and self.module_allows(CHANGE) and not obj.missing_fields,
            "can_confirm": bureau and obj.status == "已提交",
            "can_return": bureau and obj.status in ("已提交", "已确认"),
            "return_form": ReturnForm(),
        }


class ReportEditView(ObjectEditView):
    """Create or edit a report through workflow.save_report (idempotent per school and year)."""

    model = ResourceReport
    form_class = ResourceReportForm

    def get_object(self, pk):
        refuse_unless_allowed(self, ADD if pk is None else CHANGE)
        return super().get_object(pk)

    def get_form(self, obj, data=None):
        return self.form_class(data, instance=obj, user=self.request.user)

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            return self.render_form(obj, form)
        school, year = (
            (obj.school, obj.school_year)
            if obj.pk
            else (form.cleaned_data["school"], form.cleaned_data["school_year"])
        )
        try:
            report, _created = workflow.save_report(request.user, school, year, form.values())
        except ValidationError as e:
            add_errors(form, e)
            return self.render_form(obj, form)
        messages.success(request, _("已保存：%(obj)s") % {"obj": report})
        return redirect(report.get_absolute_url())


class ReportActionView(ScopedMixin, View):
    """POST submit / confirm / return: one workflow call, then back to the report."""

    model = ResourceReport
    step = None  # "submit", "confirm" or "return"

    def post(self, request, pk):
        refuse_unless_allowed(self, CHANGE)
        report = get_object_or_404(self.get_queryset(CHANGE), pk=pk)
        try:
            if self.step == "submit":
                workflow.submit(request.user, report)
                messages.success(request, _("已提交，等待教育局确认。"))
            elif self.step == "confirm":
                workflow.confirm(request.user, report)
                messages.success(request, _("已确认，数据将用于指标计算。"))
            else:
                workflow.return_report(request.user, report, request.POST.get("return_reason", ""))
                messages.success(request, _("已退回学校修改。"))
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        return redirect(report.get_absolute_url())


# ---------------------------------------------------------------- overrides


class OverrideListView(ObjectListView):
    model = IndicatorOverride
    filterset_class = IndicatorOverrideFilterSet
    columns = OVERRIDE_COLUMNS
    select_related = ("school", "school_year", "created_by")
    add_url_name = "equity:override_add"
    export_name = "指标人工调整"

    def base_context(self, **extra):
        context = super().base_context(**extra)
        if not workflow.is_bureau(self.request.user):
            context["add_url"] = None
        return context


class OverrideDetailView(ObjectDetailView):
    model = IndicatorOverride
    template_name = "equity/override_detail.html"

    def get_queryset(self, action=None):
        return super().get_queryset(action).select_related("school", "school_year", "created_by")

    def list_url(self):
        return reverse("equity:override_list")

    def extra_context(self, obj, unmasked):
        return {"is_bureau": workflow.is_bureau(self.request.user)}


class OverrideEditView(ObjectEditView):
    model = IndicatorOverride
    form_class = OverrideForm

    def get_object(self, pk):
        if not workflow.is_bureau(self.request.user):
            raise PermissionDenied(_("只有教育局可以调整指标值。"))
        return super().get_object(pk)

    def get_form(self, obj, data=None):
        return self.form_class(data, instance=obj, user=self.request.user)

    def post(self, request, pk=None):
        obj = self.get_object(pk)
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            return self.render_form(obj, form)
        data = form.cleaned_data
        school, year = (obj.school, obj.school_year) if obj.pk else (data["school"], data["school_year"])
        part, indicator = (obj.part, obj.indicator) if obj.pk else (data["part"], data["indicator"])
        try:
            override = workflow.set_override(
                request.user, school, year, part, indicator, data["value"], data["reason"]
            )
        except ValidationError as e:
            add_errors(form, e)
            return self.render_form(obj, form)
        messages.success(request, _("已保存：%(obj)s") % {"obj": override})
        return redirect(override.get_absolute_url())


class OverrideDeleteView(ScopedMixin, View):
    model = IndicatorOverride

    def post(self, request, pk):
        refuse_unless_allowed(self, DELETE)
        override = get_object_or_404(self.get_queryset(DELETE), pk=pk)
        with transaction.atomic():
            workflow.remove_override(request.user, override)
        messages.success(request, _("已删除：%(obj)s") % {"obj": override})
        return redirect("equity:override_list")


# ---------------------------------------------------------------- the method's settings


class SettingsView(ScopedMixin, View):
    """Everyone with the module reads the rules in force; the bureau changes them (logged)."""

    model = EquitySettings

    def get(self, request):
        refuse_unless_allowed(self, VIEW)
        return self.render(SettingsForm(instance=EquitySettings.load()))

    def post(self, request):
        if not workflow.is_bureau(request.user):
            raise PermissionDenied(_("只有教育局可以修改优质均衡参数。"))
        saved = EquitySettings.load()
        before = changelog.snapshot(saved) if saved.pk else None
        form = SettingsForm(request.POST, instance=saved)
        if not form.is_valid():
            return self.render(form)
        with transaction.atomic():
            saved = form.save()
            if before is None:
                changelog.log_create(saved)
            else:
                changelog.log_update(saved, before)
        messages.success(request, _("已保存优质均衡参数。"))
        return redirect("equity:settings")

    def render(self, form):
        return render(self.request, "equity/settings.html", {
            "title": _("优质均衡参数"), "form": form, "is_bureau": workflow.is_bureau(self.request.user),
            "breadcrumbs": [(_("优质均衡"), None), (_("优质均衡参数"), None)],
        })  # fmt: skip
