"""Forms of the health pages. The report forms only collect what the user typed (CollectingForm) and
hand it to the service as its input type (`services.ClassReportInput`, people by registry id), so a page
submission is checked by the same validator, in the same words, as an API one."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edubureau.accounts.models import Department, User
from edubureau.accounts.roles import Role
from edubureau.core.idcodes import mask_name
from edubureau.core.widgets import DateInput

from . import services
from . import symptoms as sym
from .models import AlertStatus, ClusterRule, ReportingSettings, Session

SYMPTOM_CHOICES = [(name, name) for name in sym.SYMPTOMS]
DIAGNOSIS_CHOICES = [("", _("（未诊断）"))] + [(d, d) for d in sym.DIAGNOSES]


class DayForm(forms.Form):
    """The day a page shows (GET); today when absent or wrong."""

    date = forms.DateField(label=_("日期"), required=False, widget=DateInput())

    def day(self) -> datetime.date:
        if self.is_bound and self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        return timezone.localdate()


class RangeForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), required=False, widget=DateInput())
    end = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 400:
            raise ValidationError(_("时间范围不能超过 400 天。"))
        return data


class ClassPickForm(forms.Form):
    """Which class, day and check the report is for (GET, at the top of the report page)."""

    # The class is found with the search box (ClassSearchView: a district has thousands of classes, too
    # many for a <select>); the form keeps the chosen one's id, checked against the user's classes.
    school_class = forms.ModelChoiceField(queryset=None, label=_("班级"), widget=forms.HiddenInput)
    date = forms.DateField(label=_("日期"), widget=DateInput(), required=False)
    session = forms.ChoiceField(
        label=_("检查"), choices=Session.choices, initial=Session.MORNING, required=False
    )

    def clean(self):
        # Links from the school and class pages name the class only: today's 晨检 then.
        data = super().clean()
        data["date"] = data.get("date") or timezone.localdate()
        data["session"] = data.get("session") or Session.MORNING
        return data

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes

    def chosen(self):
        """The class the form holds (typed in, or the initial one), or None."""
        if self.is_bound:
            return self.cleaned_data.get("school_class") if self.is_valid() else None
        pk = self.initial.get("school_class")
        return self.fields["school_class"].queryset.filter(pk=pk).first() if pk else None


def class_label(school_class) -> str:
    """How a class is named in the picker: 康城小学 一年级（1）班."""
    return f"{school_class.school.short_name or school_class.school.name} {school_class.name}"


class CollectingForm(forms.Form):
    """A form that collects and never refuses: `cleaned_data` holds what was typed (text, a list of
    choices, a checkbox's bool), and the service's validator checks it. The fields' types and bounds
    only draw the inputs. `show_errors` puts the service's errors, keyed by field, at their fields."""

    def _clean_fields(self):
        for name, bound in self._bound_items():
            self.cleaned_data[name] = bound.data

    @property
    def typed(self) -> dict:
        """What was typed, by field."""
        self.is_valid()
        return self.cleaned_data

    def show_errors(self, errors, prefix: str = "") -> None:
        """The (field, message) pairs of a ReportError whose field is `prefix` + one of this form's."""
        for key, message in errors:
            name = key[len(prefix) :] if key.startswith(prefix) else None
            if name in self.fields:
                self.add_error(name, message)


class CountsForm(CollectingForm):
    expected = forms.IntegerField(label=_("应到"), min_value=0, max_value=2000)
    present = forms.IntegerField(label=_("实到"), min_value=0, max_value=2000)
    sick = forms.IntegerField(
        label=_("因病缺课"), min_value=0, max_value=200, widget=forms.NumberInput(attrs={"data-rows": True})
    )
    personal = forms.IntegerField(label=_("因事缺课"), min_value=0, max_value=2000)


class CaseForm(CollectingForm):
    """One student absent for illness; `people` are the class's students as (pk, label)."""

    person = forms.ChoiceField(label=_("学生"))
    symptoms = forms.MultipleChoiceField(
        label=_("症状"),
        choices=SYMPTOM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    other_symptoms = forms.CharField(label=_("其他症状"), max_length=100, required=False)
    onset = forms.DateField(label=_("发病日期"), widget=DateInput())
    seen_doctor = forms.BooleanField(label=_("已就诊"), required=False)
    diagnosis = forms.ChoiceField(label=_("诊断"), choices=DIAGNOSIS_CHOICES, required=False)
    expected_return = forms.DateField(label=_("预计返校日期"), required=False, widget=DateInput())

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "——")] + [(str(pk), label) for pk, label in people]

    def case_input(self) -> services.CaseInput:
        """The row as the service's input: the person by registry id (a pupil without an ID number too)."""
        data = self.typed
        return services.CaseInput(
            person=data["person"], symptoms=data["symptoms"], other_symptoms=data["other_symptoms"],
            onset=data["onset"], seen_doctor=data["seen_doctor"], diagnosis=data["diagnosis"],
            expected_return=data["expected_return"],
        )  # fmt: skip


class StaffCaseForm(CaseForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label = _("教职工")
        self.fields["expected_return"].label = _("预计返岗日期")


def people_choices(rows, unmasked: bool) -> list[tuple]:
    """(pk, label) for the case rows: names masked (张*) unless the user may unmask."""
    return [(p.pk, p.name if unmasked else mask_name(p.name)) for p in rows]


class StaffCountsForm(CollectingForm):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    staff_total = forms.IntegerField(label=_("教职工总数"), min_value=0, max_value=2000)
    on_duty = forms.IntegerField(label=_("在岗"), min_value=0, max_value=2000)
    sick = forms.IntegerField(
        label=_("因病缺勤"), min_value=0, max_value=200, widget=forms.NumberInput(attrs={"data-rows": True})
    )
    personal = forms.IntegerField(label=_("因事缺勤"), min_value=0, max_value=2000, initial=0)


class ReturnForm(forms.Form):
    """追踪登记: the student is back at school."""

    returned_on = forms.DateField(label=_("返校日期"), widget=DateInput())
    certificate = forms.BooleanField(label=_("已交复课证明"), required=False)


def assignee_choices(alert):
    """Who may take an alert: the school's own users, and the district's users with the health module."""
    # JSON "contains" is not portable to SQLite: the departments are few, pick them in Python.
    departments = [d.pk for d in Department.objects.all() if "health" in (d.modules or [])]
    users = User.objects.filter(is_active=True).filter(
        Q(org_id=alert.school_id)
        | Q(role=Role.ADMIN)
        | Q(role=Role.DEPARTMENT, department_id__in=departments)
    )
    return users.order_by("role", "username")


class AlertActionForm(forms.Form):
    """Move the alert along its workflow and/or add a note; the rules are in services.transition_alert."""

    to_status = forms.ChoiceField(label=_("改为状态"), required=False)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("负责人"), required=False)
    note = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args, alert, user, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AlertStatus.choices)
        self.fields["to_status"].choices = [("", _("（不改状态，仅记录备注）"))] + [
            (s, labels[s]) for s in services.next_statuses_for(user, alert)
        ]
        self.fields["assignee"].queryset = assignee_choices(alert)
        self.fields["assignee"].initial = alert.assignee_id
        self.fields["assignee"].label_from_instance = lambda u: u.display_name or u.username

    def clean(self):
        data = super().clean()
        if not data.get("to_status") and not (data.get("note") or "").strip():
            raise ValidationError(_("请选择新状态或填写备注。"))
        return data


class ReportingSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportingSettings
        fields = ["morning_deadline", "noon_deadline", "cdc_report_hours", "max_cases_per_report"]
        widgets = {
            "morning_deadline": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "noon_deadline": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class ClusterRuleForm(forms.ModelForm):
    class Meta:
        model = ClusterRule
        fields = ["window_days", "threshold", "day_threshold", "report_within_hours", "active"]

    def clean(self):
        data = super().clean()
        if data.get("window_days") is not None and not 1 <= data["window_days"] <= 60:
            self.add_error("window_days", _("时间窗应为 1–60 天。"))
        if data.get("threshold") is not None and data["threshold"] < 1:
            self.add_error("threshold", _("阈值至少为 1 例。"))
        return data


ClusterRuleFormSet = forms.modelformset_factory(ClusterRule, form=ClusterRuleForm, extra=0)
