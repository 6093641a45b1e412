"""The FilterSet of lotteries."""

import django_filters
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet

from ..models import (
    Draw,
    DrawStatus,
)
from .campaigns import campaign_filter


class DrawFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "list_hash", "record_hash")
    campaign = campaign_filter()
    year = django_filters.NumberFilter(field_name="campaign__year", label=_("招生年份"))
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))
    status = django_filters.ChoiceFilter(choices=DrawStatus.choices, label=_("状态"))

    class Meta:
        model = Draw
        fields = ["q", "campaign", "year", "school", "status"]
