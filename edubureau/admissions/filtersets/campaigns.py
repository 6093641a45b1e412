"""FilterSets of campaigns and school plans."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from edubureau.core.filters import SearchFilterSet

from ..models import (
    Campaign,
    EntryGrade,
    SchoolPlan,
)


def campaign_filter():
    """The campaign a list is narrowed to (a hidden field: the list is opened from its campaign)."""
    return django_filters.NumberFilter(
        field_name="campaign_id", label=_("招生工作"), widget=forms.HiddenInput
    )


class CampaignFilterSet(SearchFilterSet):
    search_fields = ("name",)
    year = django_filters.NumberFilter(label=_("招生年份"))
    entry_grade = django_filters.ChoiceFilter(choices=EntryGrade.choices, label=_("入学年级"))

    class Meta:
        model = Campaign
        fields = ["q", "year", "entry_grade"]


class SchoolPlanFilterSet(SearchFilterSet):
    search_fields = ("school__name", "school__short_name", "school__code")
    campaign = campaign_filter()
    year = django_filters.NumberFilter(field_name="campaign__year", label=_("招生年份"))
    school = django_filters.CharFilter(field_name="school__code", label=_("学校标识码"))
    nature = django_filters.ChoiceFilter(
        field_name="school__nature", choices=[("公办", _("公办")), ("民办", _("民办"))], label=_("办学性质")
    )

    class Meta:
        model = SchoolPlan
        fields = ["q", "campaign", "year", "school", "nature"]
