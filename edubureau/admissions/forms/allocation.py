"""Forms of allocation runs and appeals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    Appeal,
    AppealStatus,
    Mechanism,
)
from .campaigns import CampaignChoiceForm


class RunForm(CampaignChoiceForm):
    mechanism = forms.ChoiceField(
        label=_("分配机制"), choices=Mechanism.choices, initial=Mechanism.DA, widget=forms.RadioSelect
    )


class AppealForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["kind", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["status", "reply"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in AppealStatus.choices if c[0] != AppealStatus.OPEN]
        self.fields["reply"].required = True
