from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class PreferencesForm(forms.Form):
    """Per kind of message: e-mail too, SMS too (in-app always)."""

    def __init__(self, *args, initial_choices: dict[str, tuple[bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for kind, label in Kind.choices:
            email, sms = initial_choices.get(kind, (False, False))
            self.fields[f"{kind}_email"] = forms.BooleanField(label=_("邮件"), required=False, initial=email)
            self.fields[f"{kind}_sms"] = forms.BooleanField(label=_("短信"), required=False, initial=sms)
            self.rows.append((label, self[f"{kind}_email"], self[f"{kind}_sms"]))

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {kind: (data[f"{kind}_email"], data[f"{kind}_sms"]) for kind in Kind.values}
