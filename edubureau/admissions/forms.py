"""Forms of admissions pages. They collect input; the rules (ID numbers, entry window, duplicates,
choice limits, stage gating) are checked once, in the services, and their errors land on the fields."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edubureau.core.masking import MaskedFormMixin
from edubureau.core.widgets import DateInput
from edubureau.org.models import Nature, School

from .models import Application, Campaign, CampaignStage, ChoiceKind, SchoolPlan
from .services.applications import CHILD_FIELDS, ChoiceInput, Registration, required_documents

DATE = DateInput()
GUARDIANS = 2


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (unknown keys become form errors)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


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


class ApplicationForm(MaskedFormMixin, forms.ModelForm):
    """The child, up to two guardians, the chosen schools, and (after verification) a reason. ID numbers,
    addresses and phones are masked unless `unmasked` (MaskedFormMixin), the guardians' ones too."""

    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    class Meta:
        model = Application
        fields = CHILD_FIELDS
        widgets = {"birth_date": DATE, "property_since": DATE}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["id_number"].required = True
        planned = SchoolPlan.objects.filter(campaign=campaign).values("school")
        guardians = list(self.instance.guardians.all()) if self.instance.pk else []
        for n in range(1, GUARDIANS + 1):
            g = guardians[n - 1] if len(guardians) >= n else None
            required = n == 1
            self.fields[f"g{n}_name"] = forms.CharField(
                label=_("监护人%(n)s姓名") % {"n": n}, required=required, initial=g and g.name
            )
            self.fields[f"g{n}_relation"] = forms.CharField(
                label=_("监护人%(n)s关系") % {"n": n}, required=required, initial=g and g.relation
            )
            self.fields[f"g{n}_id_number"] = forms.CharField(
                label=_("监护人%(n)s身份证号") % {"n": n}, required=False, initial=g and g.id_number
            )
            self.fields[f"g{n}_phone"] = forms.CharField(
                label=_("监护人%(n)s电话") % {"n": n}, required=False, initial=g and g.phone
            )
            self.fields[f"g{n}_residence_permit"] = forms.BooleanField(
                label=_("监护人%(n)s持居住证") % {"n": n}, required=False, initial=g and g.residence_permit
            )
            if g is not None:
                self.mask_field(f"g{n}_id_number", "id_number", g.id_number)
                self.mask_field(f"g{n}_phone", "phone", g.phone)
        chosen = (
            {(c.kind, c.rank): c.school_id for c in self.instance.choices.all()} if self.instance.pk else {}
        )
        for kind, limit, nature in (
            (ChoiceKind.PRIVATE, campaign.max_private_choices, Nature.PRIVATE),
            (ChoiceKind.PUBLIC, campaign.max_public_choices, Nature.PUBLIC),
        ):
            for rank in range(1, limit + 1):
                self.fields[f"{kind}_{rank}"] = forms.ModelChoiceField(
                    School.objects.filter(pk__in=planned, nature=nature).order_by("code"),
                    label=f"{ChoiceKind(kind).label}{rank}", required=False, initial=chosen.get((kind, rank)),
                )  # fmt: skip
        if not (self.instance.pk and self.instance.status == "通过"):
            del self.fields["reason"]

    def registration(self) -> Registration:
        data = self.cleaned_data
        child = {name: data.get(name) for name in CHILD_FIELDS if name in data}
        guardians = []
        for n in range(1, GUARDIANS + 1):
            if data.get(f"g{n}_name"):
                guardians.append(
                    {
                        "name": data[f"g{n}_name"], "relation": data.get(f"g{n}_relation", ""),
                        "id_number": data.get(f"g{n}_id_number", ""), "phone": data.get(f"g{n}_phone", ""),
                        "residence_permit": data.get(f"g{n}_residence_permit", False),
                    }
                )  # fmt: skip
        choices = []
        for kind, limit in (
            (ChoiceKind.PRIVATE, self.campaign.max_private_choices),
            (ChoiceKind.PUBLIC, self.campaign.max_public_choices),
        ):
            for rank in range(1, limit + 1):
                school = data.get(f"{kind}_{rank}")
                if school:
                    choices.append(ChoiceInput(kind, school, rank))
        return Registration(child=child, guardians=guardians, choices=choices)

    def _post_clean(self):
        # Model validation (including the duplicate constraint) is the service's job, with its messages.
        pass


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("结论"), choices=[("pass", _("通过")), ("return", _("退回补正"))], widget=forms.RadioSelect
    )
    documents = forms.MultipleChoiceField(
        label=_("已核材料"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("说明（退回时必填）"), required=False, max_length=200)

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        docs = required_documents(application)
        self.fields["documents"].choices = [(d, d) for d in docs]
        self.fields["documents"].initial = [d for d in application.documents if d in docs]


class SeedForm(forms.Form):
    seed = forms.CharField(
        label=_("公开种子"),
        max_length=200,
        help_text=_("现场公布、任何一方事先无法控制的文字，如公证员掷骰的结果“3-5-2-6-1-4”"),
    )
    witnesses = forms.CharField(label=_("监督人员"), max_length=200, required=False)


class TiersForm(forms.Form):
    """The ordered priority tiers as text, one per line: 顺位 | 类别名称 | 条件 (JSON)."""

    tiers = forms.CharField(
        label=_("入学顺位"), widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=_("每行一类：顺位 | 类别名称 | 条件（JSON，如 {\"person_household\": \"一致\", \"proof\": [\"房产证\"]}）；条件为空 {} 表示其他所有人"),
    )  # fmt: skip

    @staticmethod
    def as_text(tiers) -> str:
        return "\n".join(
            f"{t.rank} | {t.name} | {json.dumps(t.conditions, ensure_ascii=False)}" for t in tiers
        )

    def clean_tiers(self):
        parsed = []
        for n, line in enumerate(self.cleaned_data["tiers"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|", 2)]
            if len(parts) != 3 or not parts[0].isdigit() or not parts[1]:
                raise ValidationError(f"第 {n} 行应为“顺位 | 类别名称 | 条件”，如“1 | 人户一致 | {{}}”。")
            try:
                conditions = json.loads(parts[2] or "{}")
            except ValueError as e:
                raise ValidationError(f"第 {n} 行的条件不是有效的 JSON：{e}") from e
            if not isinstance(conditions, dict):
                raise ValidationError(f'第 {n} 行的条件应为 JSON 对象，如 {{"proof": ["房产证"]}}。')
            parsed.append((int(parts[0]), parts[1], conditions))
        if not parsed:
            raise ValidationError("请至少填写一类顺位。")
        return parsed
