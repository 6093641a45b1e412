"""Forms of the plan and the projects. They validate input; the writes are services' (views call them)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edubureau.accounts.models import Department
from edubureau.core.scope import VIEW, scope_of
from edubureau.core.widgets import DateInput
from edubureau.org.models import School, SchoolStatus

from .metrics import METRIC_CHOICES
from .models import (
    DelayReason,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectStageName,
    Section,
    Target,
    Task,
    TaskStatus,
)
from .services import next_task_number

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def apply_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; each one checked for size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in cleaned:
            if f.size > MAX_UPLOAD_BYTES:
                raise ValidationError(f"附件“{f.name}”超过 20 MB。")
        return cleaned


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["year", "title", "intro", "issuer", "status"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 3})}


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["order", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class TaskForm(forms.ModelForm):
    number = forms.IntegerField(label=_("编号"), min_value=1, required=False, help_text=_("留空则自动编号"))

    class Meta:
        model = Task
        fields = [
            "section", "parent", "number", "title", "description", "lead_department",
            "cooperating_departments", "cooperating_schools", "highlight",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["section"].queryset = plan.sections.all()
        parents = plan.tasks.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].help_text = _("填写则作为该任务的子任务")
        # Departments are the bureau's own list; every workplan user picks from all of them.
        departments = Department.objects.order_by("name")
        self.fields["lead_department"].queryset = departments
        self.fields["cooperating_departments"].queryset = departments
        self.fields["cooperating_schools"].queryset = School.objects.filter(status=SchoolStatus.OPEN)

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        if parent and data.get("section") and parent.section_id != data["section"].pk:
            data["section"] = parent.section  # a sub-task lives in its parent's section
        if data.get("number") is None:
            data["number"] = (
                self.instance.number
                if self.instance.pk and data.get("parent") == self.instance.parent
                else next_task_number(self.instance.plan, data.get("parent"))
            )
        return data


class OverrideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("人工指定状态"), required=False,
        choices=[("", _("自动（按里程碑和推进情况）"))] + TaskStatus.choices,
    )  # fmt: skip
    reason = forms.CharField(label=_("原因"), required=False, max_length=300)

    def clean(self):
        data = super().clean()
        if data.get("status") and not data.get("reason", "").strip():
            self.add_error("reason", "人工指定任务状态时必须填写原因。")
        return data


class TargetForm(forms.ModelForm):
    metric = forms.ChoiceField(label=_("自动计算指标"), choices=METRIC_CHOICES, required=False)

    class Meta:
        model = Target
        fields = ["description", "target_value", "unit", "actual_value", "measured_by", "metric"]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "done_date"]
        widgets = {"due_date": DateInput(), "done_date": DateInput()}

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.task = task

    def clean_done_date(self):
        done = self.cleaned_data.get("done_date")
        if done and done > timezone.localdate():
            raise ValidationError(f"实际完成日期 {done:%Y-%m-%d} 晚于今天。")
        return done


class ProgressReportForm(forms.Form):
    period = forms.ChoiceField(label=_("周期"), choices=ProgressReport.Period.choices)
    period_start = forms.DateField(label=_("期间（该月或该季度内任一日）"), widget=DateInput())
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100, required=False)
    text = forms.CharField(label=_("推进情况"), widget=forms.Textarea(attrs={"rows": 5}))
    delay_reasons = forms.MultipleChoiceField(
        label=_("滞后原因"), choices=DelayReason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    delay_text = forms.CharField(
        label=_("滞后情况说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    files = MultipleFileField(label=_("佐证材料"))

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        self.targets = list(task.targets.all())
        for target in self.targets:
            if target.metric:
                continue  # computed live; nothing to report
            label = f"{target.description}（{target.unit or '实际值'}）"
            self.fields[f"actual_{target.pk}"] = forms.DecimalField(
                label=label,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=target.actual_value,
            )
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["period_start"].initial = (
                today.replace(day=1) if today.year == task.plan.year else None
            )

    def actual_fields(self):
        return [self[name] for name in self.fields if name.startswith("actual_")]

    def actuals(self) -> dict:
        return {
            name.removeprefix("actual_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("actual_") and value is not None
        }


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "code", "name", "year", "type", "school", "site", "total_investment", "completed_investment",
            "funding_source", "places_added", "classes_added", "delay_reason", "delay_text", "tasks",
            "new_school_code", "new_school_name", "new_school_stage",
        ]  # fmt: skip
        widgets = {"delay_text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = scope_of(user).in_units(School.objects.all())
        self.fields["tasks"].queryset = Task.objects.for_user(user, VIEW).select_related("plan")
        self.fields["tasks"].required = False


class StageDatesForm(forms.Form):
    """Planned and actual dates of every stage, in order (the model checks the order on save)."""

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        rows = {s.stage: s for s in project.stages.all()}
        for name in ProjectStageName.values:
            row = rows.get(name)
            self.fields[f"planned_{name}"] = forms.DateField(
                label=f"{name} · 计划",
                required=False,
                widget=DateInput(),
                initial=row.planned_date if row else None,
            )
            self.fields[f"actual_{name}"] = forms.DateField(
                label=f"{name} · 实际",
                required=False,
                widget=DateInput(),
                initial=row.actual_date if row else None,
            )

    def dates(self) -> dict:
        today = timezone.localdate()
        result = {}
        for name in ProjectStageName.values:
            planned, actual = (
                self.cleaned_data.get(f"planned_{name}"),
                self.cleaned_data.get(f"actual_{name}"),
            )
            if actual and actual > today:
                raise ValidationError({f"actual_{name}": f"“{name}”的实际日期 {actual:%Y-%m-%d} 晚于今天。"})
            result[name] = {"planned_date": planned, "actual_date": actual}
        return result


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("推进到阶段"), choices=ProjectStageName.choices)
    date = forms.DateField(label=_("实际日期"), widget=DateInput(), initial=datetime.date.today)
    note = forms.CharField(label=_("说明"), required=False, max_length=300)


class AttachmentForm(forms.Form):
    files = MultipleFileField(label=_("附件"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=_(".txt、.docx（安装 LibreOffice 后也可 .doc）"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
