"""The lottery's seed form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SeedForm(forms.Form):
    seed = forms.CharField(
        label=_("公开种子"),
        max_length=200,
        help_text=_("现场公布、任何一方事先无法控制的文字，如公证员掷骰的结果“3-5-2-6-1-4”"),
    )
    witnesses = forms.CharField(label=_("监督人员"), max_length=200, required=False)
