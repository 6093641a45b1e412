from django import forms

from edubureau.core import idcodes

from .models import School


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "district", "code", "name", "short_name", "stage", "nature", "inclusive", "rank", "credit_code",
            "zone", "group", "address", "principal", "phone", "status", "opened_on", "closed_on",
        ]  # fmt: skip
        widgets = {"opened_on": forms.DateInput(attrs={"type": "date"}), "closed_on": forms.DateInput(attrs={"type": "date"})}

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
