"""Forms of applications: registration and verification. They collect input; the rules (ID numbers,
entry window, duplicates, choice limits, stage gating) are checked once, in the services, and their
errors land on the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from edubureau.core.masking import MaskedFormMixin
from edubureau.org.models import Nature, School

from ..models import Application, Campaign, ChoiceKind, SchoolPlan
from ..services.applications import CHILD_FIELDS, ChoiceInput, Registration, required_documents
from .campaigns import DATE

GUARDIANS = 2


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (unknown keys become form errors)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


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
