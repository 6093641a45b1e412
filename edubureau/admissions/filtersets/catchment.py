"""FilterSets of catchment rules, groups and school locations."""

import django_filters
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet

from ..models import (
    CatchmentGroup,
    CatchmentRule,
    HouseParity,
    SchoolLocation,
)
from .campaigns import campaign_filter


class CatchmentRuleFilterSet(SearchFilterSet):
    search_fields = ("street", "community", "road", "school__name", "group__name", "note")
    campaign = campaign_filter()
    year = django_filters.NumberFilter(field_name="campaign__year", label=_("招生年份"))
    street = django_filters.CharFilter(lookup_expr="icontains", label=_("街道（镇）"))
    road = django_filters.CharFilter(lookup_expr="icontains", label=_("路（弄）"))
    school = django_filters.CharFilter(field_name="school__code", label=_("对口学校标识码"))
    group = django_filters.CharFilter(field_name="group__name", label=_("划片片区"))
    parity = django_filters.ChoiceFilter(choices=HouseParity.choices, label=_("单双号"))

    class Meta:
        model = CatchmentRule
        fields = ["q", "campaign", "year", "street", "road", "school", "group", "parity"]


class CatchmentGroupFilterSet(SearchFilterSet):
    search_fields = ("name", "schools__name")
    campaign = campaign_filter()
    year = django_filters.NumberFilter(field_name="campaign__year", label=_("招生年份"))
    school = django_filters.CharFilter(field_name="schools__code", label=_("学校标识码"), distinct=True)

    class Meta:
        model = CatchmentGroup
        fields = ["q", "campaign", "year", "school"]


class SchoolLocationFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__code")
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))

    class Meta:
        model = SchoolLocation
        fields = ["q", "school"]
