"""Forms of campaigns, their stages, school plans and priority tiers."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from edubureau.admissions import priority
from edubureau.core.widgets import DateInput
from edubureau.org.models import School

from ..models import (
    Campaign,
    CampaignStage,
    SchoolPlan,
)

DATE = DateInput()


class CampaignForm(forms.ModelForm):
    documents_text = forms.CharField(
        label=_("验证材料清单"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项；房产证明、居住证等按申请情况自动加入"),
    )  # fmt: skip

    class Meta:
        model = Campaign
        fields = [
            "year", "entry_grade", "name", "class_size", "birth_from", "birth_to", "max_private_choices",
            "max_public_choices",
        ]  # fmt: skip
        widgets = {"birth_from": DATE, "birth_to": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_size"].required = False
        if self.instance.pk:
            self.fields["documents_text"].initial = "\n".join(self.instance.documents)
            # The year and grade name the campaign; they do not change once it exists.
            for name in ("year", "entry_grade"):
                self.fields[name].disabled = True
        else:
            del self.fields["documents_text"]

    def clean_documents_text(self):
        return [
            line.strip() for line in self.cleaned_data.get("documents_text", "").splitlines() if line.strip()
        ]


class StageForm(forms.ModelForm):
    class Meta:
        model = CampaignStage
        fields = ["planned_start", "planned_end"]
        widgets = {"planned_start": DATE, "planned_end": DATE}

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "计划结束不能早于计划开始。")
        return data


class PlanForm(forms.ModelForm):
    class Meta:
        model = SchoolPlan
        fields = ["school", "planned_classes", "class_size"]

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["school"].queryset = School.objects.open().filter(stage__in=campaign.school_stages)
        if self.instance.pk:
            self.fields["school"].disabled = True


class TiersForm(forms.Form):
    """The ordered priority tiers as text, one per line: 顺位 | 类别名称 | 条件, the conditions in the
    words the campaign page shows (priority.describe / priority.parse); JSON is still accepted."""

    tiers = forms.CharField(
        label=_("入学顺位"), widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=format_lazy(_("每行一类：顺位 | 类别名称 | 条件。条件之间用“；”分隔，可写：{words}；写“其他所有申请”表示其他所有人"), words=priority.WORDS_HELP),
    )  # fmt: skip

    @staticmethod
    def as_text(tiers) -> str:
        return "\n".join(f"{t.rank} | {t.name} | {t.conditions_text}" for t in tiers)

    def clean_tiers(self):
        parsed = []
        for n, line in enumerate(self.cleaned_data["tiers"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|", 2)]
            if len(parts) != 3 or not parts[0].isdigit() or not parts[1]:
                raise ValidationError(
                    f"第 {n} 行应为“顺位 | 类别名称 | 条件”，如“1 | 人户一致 | 人户一致；居住证明：房产证”。"
                )
            if parts[2].startswith("{"):
                try:
                    conditions = json.loads(parts[2])
                except ValueError as e:
                    raise ValidationError(f"第 {n} 行的条件不是有效的 JSON：{e}") from e
            else:
                try:
                    conditions = priority.parse(parts[2])
                except ValueError as e:
                    raise ValidationError(f"第 {n} 行：{e}") from e
            if not isinstance(conditions, dict):
                raise ValidationError(f'第 {n} 行的条件应为 JSON 对象，如 {{"proof": ["房产证"]}}。')
            parsed.append((int(parts[0]), parts[1], conditions))
        if not parsed:
            raise ValidationError("请至少填写一类顺位。")
        return parsed


class CampaignChoiceForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("招生工作"), queryset=Campaign.objects.all(), empty_label=None)
