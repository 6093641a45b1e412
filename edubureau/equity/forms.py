"""Forms of the 优质均衡 pages. The rules themselves live in workflow.py; these only clean input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from edubureau.org.models import School
from edubureau.people.models import GRADE_CHOICES, Education, SchoolYear

from .models import EquitySettings, Indicator, IndicatorOverride, Part, ResourceReport
from .workflow import COMPULSORY_PARTS, EDITABLE_FIELDS, check_corrections


def compulsory_schools(user):
    return School.objects.for_user(user).filter(stage__in=list(COMPULSORY_PARTS)).order_by("code")


class ResourceReportForm(forms.ModelForm):
    """The school's figures; school and year are chosen when the report is created, then fixed."""

    class Meta:
        model = ResourceReport
        fields = ["school", "school_year", *EDITABLE_FIELDS]
        widgets = {"note": forms.TextInput, "correction_note": forms.TextInput}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = compulsory_schools(user)
        self.fields["school_year"].queryset = SchoolYear.objects.order_by("-start_year")
        if self.instance.pk:
            for name in ("school", "school_year"):
                self.fields[name].disabled = True
        else:
            current = SchoolYear.current()
            self.fields["school_year"].initial = current.pk if current else None
            if user is not None and getattr(user, "org_id", None):
                self.fields["school"].initial = user.org_id
        for name in ("building_area", "sports_area", "equipment_value", "multimedia_classrooms"):
            self.fields[name].widget.attrs["min"] = 0

    def clean(self):
        data = super().clean()
        try:
            check_corrections(data)
        except forms.ValidationError as e:
            self.add_error(None, e)  # a dict error lands on its fields
        return data

    def validate_unique(self):
        # workflow.save_report updates the existing report of the school and year instead
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}


class ReturnForm(forms.Form):
    return_reason = forms.CharField(
        label=_("退回原因"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("告诉学校需要修改什么，如：体育场馆面积与校舍台账不符。"),
    )  # fmt: skip


class OverrideForm(forms.ModelForm):
    class Meta:
        model = IndicatorOverride
        fields = ["school", "school_year", "part", "indicator", "value", "reason"]
        widgets = {"reason": forms.TextInput}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = compulsory_schools(user)
        self.fields["school_year"].queryset = SchoolYear.objects.order_by("-start_year")
        self.fields["part"].choices = Part.choices
        self.fields["indicator"].choices = Indicator.choices
        if self.instance.pk:
            for name in ("school", "school_year", "part", "indicator"):
                self.fields[name].disabled = True
        else:
            current = SchoolYear.current()
            self.fields["school_year"].initial = current.pk if current else None

    def validate_unique(self):
        pass  # workflow.set_override changes the existing override of the same school, part and indicator


class WhatIfForm(forms.Form):
    """One hypothetical change: move N teachers of a kind between two schools, or add a resource."""

    CHANGE_CHOICES = [("move", _("调动教师")), ("add", _("增加资源"))]
    KIND_CHOICES = [
        ("backbone", _("骨干教师")),
        ("qualified", _("高于规定学历教师")),
        ("pe_art", _("体育、艺术教师")),
    ]
    RESOURCE_CHOICES = [
        ("building_area", _("教学及辅助用房面积（m²）")),
        ("sports_area", _("体育运动场馆面积（m²）")),
        ("equipment_value", _("教学仪器设备值（元）")),
        ("multimedia_rooms", _("网络多媒体教室数（间）")),
    ]
    STAGE_CHOICES = [("", _("自动")), (Part.PRIMARY, _("小学")), (Part.JUNIOR, _("初中"))]

    change = forms.ChoiceField(label=_("变更"), choices=CHANGE_CHOICES, initial="move")
    kind = forms.ChoiceField(label=_("教师类别"), choices=KIND_CHOICES, required=False)
    count = forms.IntegerField(label=_("人数"), min_value=1, max_value=200, initial=1, required=False)
    source = forms.ChoiceField(label=_("调出学校"), required=False)
    target = forms.ChoiceField(label=_("调入学校 / 增加资源的学校"))
    resource = forms.ChoiceField(label=_("资源"), choices=RESOURCE_CHOICES, required=False)
    amount = forms.DecimalField(label=_("增加数量"), max_digits=14, decimal_places=2, required=False)
    stage = forms.ChoiceField(label=_("学段"), choices=STAGE_CHOICES, required=False,
                              help_text=_("九年一贯制等学校须指明学段"))  # fmt: skip

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [
            (s.code, f"{s.short_name or s.name}（{s.get_stage_display()}）") for s in schools
        ]
        self.fields["source"].choices = choices
        self.fields["target"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("change") == "move":
            for name, message in (
                ("kind", "请选择教师类别。"),
                ("count", "请填写调动人数。"),
                ("source", "请选择调出学校。"),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        elif data.get("change") == "add":
            if not data.get("resource"):
                self.add_error("resource", "请选择要增加的资源。")
            if data.get("amount") in (None, 0):
                self.add_error("amount", "请填写增加数量（减少填负数）。")
        return data


class OptimiserForm(forms.Form):
    stage = forms.ChoiceField(label=_("学段"), choices=[(Part.JUNIOR, _("初中")), (Part.PRIMARY, _("小学"))])
    backbone_share = forms.DecimalField(
        label=_("每校调出骨干不超过（比例）"), min_value=0, max_value=1, decimal_places=2, initial="0.10",
        help_text=_("如 0.10：任何学校调出的骨干教师不超过本校骨干的 10%"),
    )  # fmt: skip
    max_out = forms.IntegerField(label=_("每校最多调出（人）"), min_value=0, max_value=100, initial=5)
    max_in = forms.IntegerField(label=_("每校最多调入（人）"), min_value=0, max_value=100, initial=5)


class SettingsForm(forms.ModelForm):
    """The method's parameters; the 14 standards and 2 thresholds as plain number fields."""

    class Meta:
        model = EquitySettings
        fields = [
            "min_reached", "floor_share", "backbone_honours", "pe_art_subjects", "small_site_students",
            "kg_public_target", "kg_inclusive_target",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = self.instance
        for part in (Part.PRIMARY, Part.JUNIOR):
            standards = saved.standards_for(part)
            for code, label in Indicator.choices:
                self.fields[f"std_{part}_{code}"] = forms.FloatField(
                    label=f"{part}：{label}", min_value=0, initial=standards[code]
                )
            self.fields[f"cv_{part}"] = forms.FloatField(
                label=_("%(part)s差异系数上限") % {"part": part}, min_value=0.01, max_value=2,
                initial=saved.cv_threshold_for(part),
            )  # fmt: skip
            self.fields[f"levels_{part}"] = forms.MultipleChoiceField(
                label=_("%(part)s高于规定学历的学历层次") % {"part": part}, choices=Education.choices,
                initial=saved.qualified_levels_for(part), widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip

    def save(self, commit=True):
        saved = super().save(commit=False)
        data = self.cleaned_data
        parts = (Part.PRIMARY, Part.JUNIOR)
        saved.standards = {
            p: {code: data[f"std_{p}_{code}"] for code, _l in Indicator.choices} for p in parts
        }
        saved.cv_thresholds = {p: data[f"cv_{p}"] for p in parts}
        saved.qualified_levels = {p: list(data[f"levels_{p}"]) for p in parts}
        if commit:
            saved.save()
        return saved


class ClassSizeFilterForm(forms.Form):
    """The class table of 班额监测: search by school, narrow by band and grade (GET)."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    band = forms.ChoiceField(
        label=_("类别"), required=False,
        choices=[("", _("全部")), ("over", _("超过标准班额")), ("large", _("大班额")), ("huge", _("超大班额"))],
    )  # fmt: skip
    grade = forms.TypedChoiceField(
        label=_("年级"), required=False, coerce=int, empty_value=None,
        choices=[("", _("全部")), *GRADE_CHOICES],
    )  # fmt: skip

    year = forms.IntegerField(label=_("学年"), required=False, widget=forms.HiddenInput)  # kept by the search

    def narrowing(self) -> dict:
        """The keyword arguments of classsizes.narrow (none when the form is unbound or wrong)."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"q": data["q"], "band": data["band"], "grade": data["grade"]}
