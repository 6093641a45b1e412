"""Forms of catchment rules, groups, school locations, the address lookup and the check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from edubureau.org.models import Nature, School

from ..models import CatchmentGroup, CatchmentRule, SchoolLocation
from .campaigns import CampaignChoiceForm


def _schools():
    return School.objects.exclude(nature=Nature.PRIVATE).order_by("code")


class CatchmentRuleForm(forms.ModelForm):
    class Meta:
        model = CatchmentRule
        fields = [
            "campaign",
            "street",
            "community",
            "road",
            "number_from",
            "number_to",
            "parity",
            "school",
            "group",
            "note",
        ]
        help_texts = {
            "road": _("如 莘松路88弄；只填街道则覆盖整个街道"),
            "number_from": _("空 = 不限；与单双号一起限定路的一侧"),
            "group": _("多校划片时选择片区，对口学校留空"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = _schools()
        self.fields["group"].queryset = CatchmentGroup.objects.select_related("campaign")


class CatchmentGroupForm(forms.ModelForm):
    class Meta:
        model = CatchmentGroup
        fields = ["campaign", "name", "schools", "note"]
        widgets = {"schools": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = _schools()


class LookupForm(CampaignChoiceForm):
    address = forms.CharField(label=_("居住地址"), required=False, max_length=200,
                              help_text=_("如 莘庄镇莘松路88弄5号；也可以分项填写下面各栏"))  # fmt: skip
    street = forms.CharField(label=_("街道（镇）"), required=False, max_length=40)
    community = forms.CharField(label=_("居委/小区"), required=False, max_length=60)
    road = forms.CharField(label=_("路（弄）"), required=False, max_length=60)
    number = forms.IntegerField(label=_("门牌号"), required=False, min_value=0)

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("address", "street", "community", "road")):
            raise forms.ValidationError(_("请填写地址，或至少填写街道、居委/小区、路中的一项。"))
        return data


class CheckForm(CampaignChoiceForm):
    source = forms.ChoiceField(
        label=_("检查哪些地址"), initial="applications", widget=forms.RadioSelect,
        choices=[("applications", _("本次招生的全部申请")), ("list", _("粘贴或上传的地址清单"))],
    )  # fmt: skip
    text = forms.CharField(label=_("地址清单"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("每行一个地址"))  # fmt: skip
    file = forms.FileField(
        label=_("或上传文件"), required=False, help_text=_(".txt 或 .csv，每行一个地址（UTF-8 或 GBK）")
    )

    def lines(self) -> list[str] | None:
        if self.cleaned_data["source"] != "list":
            return None
        upload = self.cleaned_data.get("file")
        if upload:
            data = upload.read(5 * 1024 * 1024)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gbk", errors="replace")
            return [line.split(",")[0] for line in text.splitlines()]
        return self.cleaned_data["text"].splitlines()

    def clean(self):
        data = super().clean()
        if data.get("source") == "list" and not data.get("text", "").strip() and not data.get("file"):
            raise forms.ValidationError(_("请粘贴地址清单或上传文件。"))
        return data


class SchoolLocationForm(forms.ModelForm):
    class Meta:
        model = SchoolLocation
        fields = ["school", "longitude", "latitude"]
        help_texts = {"longitude": _("WGS-84，如 121.385"), "latitude": _("WGS-84，如 31.111")}
