import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edubureau.core import idcodes
from edubureau.core.widgets import DateInput

from . import services
from .models import Campus, District, EduGroup, School, Zone


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "district", "code", "name", "short_name", "stage", "nature", "inclusive", "rank", "credit_code",
            "zone", "group", "address", "principal", "phone", "status", "opened_on", "closed_on",
        ]  # fmt: skip
        widgets = {
            "opened_on": DateInput(),
            "closed_on": DateInput(),
        }

    def clean_code(self):
        try:
            return idcodes.validate_school_code(self.cleaned_data["code"])
        except idcodes.CodeError as e:
            raise forms.ValidationError(str(e)) from e

    def clean_credit_code(self):
        value = self.cleaned_data["credit_code"]
        if not value:
            return value
        try:
            value, _warnings = idcodes.validate_uscc(value)  # a wrong check character only warns
        except idcodes.CodeError as e:
            raise forms.ValidationError(str(e)) from e
        return value


# What a school's own administrator may correct on the school's record; the rest (code, stage,
# zone, status, dates, ...) is the bureau's registry and stays read-only for them.
SCHOOL_LOCAL_FIELDS = ("short_name", "address", "principal", "phone")


def lock_registry_fields(form: SchoolForm) -> None:
    for name, field in form.fields.items():
        if name not in SCHOOL_LOCAL_FIELDS:
            field.disabled = True
            field.help_text = _("由教育局维护，如需修改请联系区教育局。")


def _member_choices(instance, attr):
    """Schools still running, plus the current members (a merged member stays listed until removed)."""
    current = Q(**{attr: instance}) if instance.pk else Q(pk__in=[])
    return School.objects.filter(~Q(status__in=services.ENDED) | current).order_by("code")


def _default_district(form):
    if not form.instance.pk and "district" in form.fields:
        districts = list(District.objects.all()[:2])
        if len(districts) == 1:
            form.fields["district"].initial = districts[0].pk


class ZoneForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        required=False,
        label=_("学区内学校"),
        help_text=_("选中的学校归入本学区（同时移出原学区）；未选中的现有成员将移出本学区。"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    class Meta:
        model = Zone
        fields = ["district", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _member_choices(self.instance, "zone")
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.schools.values_list("pk", flat=True))
        _default_district(self)


class EduGroupForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        required=False,
        label=_("成员学校"),
        help_text=_("选中的学校加入本集团（同时退出原集团）；牵头学校自动成为成员。"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    class Meta:
        model = EduGroup
        fields = ["district", "name", "lead_school", "founded_on"]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _member_choices(self.instance, "group")
        self.fields["lead_school"].queryset = _member_choices(self.instance, "group")
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.schools.values_list("pk", flat=True))
        _default_district(self)

    def clean(self):
        data = super().clean()
        lead, members = data.get("lead_school"), list(data.get("members") or [])
        if lead and lead not in members:
            members.append(lead)
        data["members"] = members
        return data


class CampusForm(forms.ModelForm):
    class Meta:
        model = Campus
        fields = ["name", "address", "is_main"]

    def clean(self):
        data = super().clean()
        siblings = Campus.objects.filter(school_id=self.instance.school_id).exclude(pk=self.instance.pk)
        if data.get("name") and siblings.filter(name=data["name"]).exists():
            self.add_error("name", "同一学校的校区名称不能重复，请换一个名称。")
        main = siblings.filter(is_main=True).first()
        if data.get("is_main") and main:
            self.add_error("is_main", f"该校已有主校区“{main.name}”，请先取消它的主校区标记。")
        return data


class DistrictForm(forms.ModelForm):
    class Meta:
        model = District
        fields = ["code", "name"]


# ---------------------------------------------------------------- 学校沿革

DATE = DateInput()


def _history_date():
    return forms.DateField(label=_("日期"), widget=DATE, initial=datetime.date.today)


def _description():
    return forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如文件号；留空自动生成"),
    )


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=School.objects.none(), label=_("并入学校"))
    others = forms.ModelMultipleChoiceField(
        queryset=School.objects.none(),
        required=False,
        label=_("同时并入的其他学校"),
        help_text=_("可选：与本校一起并入的学校"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    date = _history_date()
    description = _description()

    def __init__(self, school, *args, **kwargs):
        super().__init__(*args, **kwargs)
        running = School.objects.exclude(status__in=services.ENDED).exclude(pk=school.pk)
        self.fields["into"].queryset = running
        self.fields["others"].queryset = running


class CloseForm(forms.Form):
    date = _history_date()
    successor = forms.ModelChoiceField(
        queryset=School.objects.none(),
        required=False,
        label=_("继承学校"),
        help_text=_("可选：承接学生与资产的学校"),
    )
    description = _description()

    def __init__(self, school, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = School.objects.exclude(status__in=services.ENDED).exclude(
            pk=school.pk
        )


class MoveForm(forms.Form):
    address = forms.CharField(label=_("新地址"), max_length=200)
    date = _history_date()
    description = _description()

    def __init__(self, school, *args, **kwargs):
        super().__init__(*args, **kwargs)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("新校名"), max_length=100)
    short_name = forms.CharField(label=_("新简称"), max_length=40, required=False, help_text=_("留空则简称不变"))
    date = _history_date()
    description = _description()

    def __init__(self, school, *args, **kwargs):
        super().__init__(*args, **kwargs)
