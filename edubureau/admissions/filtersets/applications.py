"""The FilterSet of applications."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet, yes_no_filter
from edubureau.people.models import HukouType

from ..models import (
    Application,
    ApplicationChoice,
    ApplicationStatus,
    ChoiceKind,
    ResidenceProof,
)
from .campaigns import campaign_filter


class ApplicationFilterSet(SearchFilterSet):
    search_fields = ("number", "child_name", "id_number")
    campaign = campaign_filter()
    year = django_filters.NumberFilter(field_name="campaign__year", label=_("招生年份"))
    number = django_filters.CharFilter(label=_("报名编号"))
    id_number = django_filters.CharFilter(label=_("证件号码"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("验证状态"))
    tier = django_filters.NumberFilter(field_name="tier__rank", label=_("入学顺位"))
    hukou_type = django_filters.ChoiceFilter(choices=HukouType.choices, label=_("户籍类型"))
    residence_proof = django_filters.ChoiceFilter(choices=ResidenceProof.choices, label=_("居住证明"))
    is_migrant = yes_no_filter(_("随迁子女"))
    school = django_filters.CharFilter(method="filter_school", label=_("志愿学校（学校标识码）"))
    private_school = django_filters.CharFilter(method="filter_private", label=_("民办志愿（学校标识码）"))
    admitted_school = django_filters.CharFilter(
        field_name="admitted_school__code", label=_("录取学校（学校标识码）")
    )

    class Meta:
        model = Application
        fields = [
            "q",
            "campaign",
            "year",
            "number",
            "status",
            "tier",
            "hukou_type",
            "residence_proof",
            "is_migrant",
        ]

    def filter_school(self, queryset, name, value):
        chosen = ApplicationChoice.objects.filter(application=OuterRef("pk"), school__code=value.strip())
        return queryset.filter(Exists(chosen))

    def filter_private(self, queryset, name, value):
        chosen = ApplicationChoice.objects.filter(
            application=OuterRef("pk"), school__code=value.strip(), kind=ChoiceKind.PRIVATE
        )
        return queryset.filter(Exists(chosen))
